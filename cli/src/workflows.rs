//! Reading the caller's answers about workflows: `--has-workflows`, `--open` and
//! `--closed IDS|FILE`.

use std::collections::BTreeSet;
use std::path::Path;

use super::{input, state};

/// Build IDs given on the command line or in a file.
///
/// The value names a file when one exists at that path (or it is `-`, standard input): one
/// build ID per line, blank lines and `#` comments skipped. Otherwise it is a
/// comma-separated list. An empty value is the empty list.
///
/// # Errors
/// The file's one-line diagnostic (`FILE: cannot read: ...`), `FILE: not UTF-8`, or that
/// the file looks like another kind the command reads (a state, a trace, an OPS file).
pub(crate) fn read_ids(value: &str) -> Result<BTreeSet<String>, String> {
    let path = Path::new(value);
    if value == "-" || path.is_file() {
        let input = input::read(path)?;
        // A state, a trace or an OPS file given here would be read as build IDs, one per
        // line, and the answer would rest on nonsense.
        if let Some(kind) = state::kind_of_list(&input.bytes) {
            return Err(state::wrong_kind(
                &input.name,
                &kind,
                "a list of build IDs (one per line)",
            ));
        }
        let text = String::from_utf8(input.bytes)
            .map_err(|_| format!("{}: not UTF-8 text", input.name))?;
        return Ok(text
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .map(str::to_owned)
            .collect());
    }
    Ok(value
        .split(',')
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .map(str::to_owned)
        .collect())
}
