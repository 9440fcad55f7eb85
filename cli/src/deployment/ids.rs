//! Workflow IDs from the arguments and a file (or standard input), one a line.

use std::path::Path;

use crate::input;

/// The IDs of `args`, then those of `file`'s lines (empty lines skipped, a trailing `\r`
/// dropped).
///
/// # Errors
/// A one-line diagnostic: the file cannot be read, is larger than 64 MiB, a line is not
/// UTF-8, or an argument is empty (the server draws a random threshold for an empty ID).
pub(crate) fn collect(args: &[String], file: Option<&Path>) -> Result<Vec<String>, String> {
    if args.iter().any(String::is_empty) {
        return Err(
            "a workflow ID is empty; the server routes an empty ID by a random draw".to_owned(),
        );
    }
    let mut ids = args.to_vec();
    if let Some(file) = file {
        let input = input::read(file)?;
        for (n, line) in input.bytes.split(|b| *b == b'\n').enumerate() {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if line.is_empty() {
                continue;
            }
            let id = std::str::from_utf8(line)
                .map_err(|_| format!("{}: line {}: not UTF-8", input.name, n + 1))?;
            ids.push(id.to_owned());
        }
    }
    Ok(ids)
}
