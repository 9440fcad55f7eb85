//! Reading a FILE argument, or standard input for `-`, with a size cap.

use std::fs::File;
use std::io::{BufRead, Read};
use std::path::Path;

/// The most bytes read from one input. Past it the command refuses the input rather than
/// exhaust memory on, say, a log file passed by mistake.
pub(crate) const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// The contents of one input and the name diagnostics call it by.
pub(crate) struct Input {
    pub(crate) name: String,
    pub(crate) bytes: Vec<u8>,
}

/// Reads `path` (`-` for standard input) whole.
///
/// # Errors
/// A one-line diagnostic: `FILE: cannot read: REASON` or `FILE: larger than 64 MiB`.
pub(crate) fn read(path: &Path) -> Result<Input, String> {
    let name = name_of(path);
    let mut bytes = Vec::new();
    let limit = MAX_INPUT_BYTES + 1;
    let result = if path.as_os_str() == "-" {
        std::io::stdin().lock().take(limit).read_to_end(&mut bytes)
    } else {
        File::open(path).and_then(|file| {
            // A regular file's length is known: reading into exactly that much spares the
            // doubling growth, which can hold almost twice the file at its peak. A length
            // of 0 (a pipe, /dev/zero) or past the limit reserves nothing past the limit.
            let known = file
                .metadata()
                .map_or(0, |metadata| metadata.len().min(limit));
            bytes.reserve_exact(usize::try_from(known).unwrap_or(0));
            file.take(limit).read_to_end(&mut bytes)
        })
    };
    match result {
        Err(error) => Err(format!("{name}: cannot read: {error}")),
        Ok(_) if bytes.len() as u64 > MAX_INPUT_BYTES => {
            Err(format!("{name}: larger than 64 MiB; not read"))
        }
        Ok(_) => Ok(Input { name, bytes }),
    }
}

/// How diagnostics name an input: its path as given, or `<stdin>` for `-`.
pub(crate) fn name_of(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "<stdin>".to_owned()
    } else {
        path.display().to_string()
    }
}

/// Refuses a list of inputs that names standard input more than once: it can be read only
/// once, so the second `-` would read nothing and fail for a reason that is not the user's.
///
/// # Errors
/// `- is given N times; standard input can be read only once`.
pub(crate) fn stdin_once(paths: &[std::path::PathBuf]) -> Result<(), String> {
    match paths.iter().filter(|path| path.as_os_str() == "-").count() {
        0 | 1 => Ok(()),
        n => Err(format!(
            "- is given {n} times; standard input can be read only once"
        )),
    }
}

/// One line of a stream.
pub(crate) enum Line {
    /// The line without its newline (the last line may lack one).
    Text(Vec<u8>),
    /// A line longer than the cap: `max` + 1 bytes of it were read, and no more.
    TooLong,
}

/// Reads the next line of `reader`, holding at most `max` + 1 bytes of it: a line longer than
/// `max` bytes (without its newline) is [`Line::TooLong`] once so much of it is read, so a
/// writer that never ends its line cannot grow it without bound. `None` at the end.
///
/// # Errors
/// A read error.
pub(crate) fn read_line(reader: &mut impl BufRead, max: usize) -> std::io::Result<Option<Line>> {
    let mut line = Vec::new();
    let limit = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    if reader.take(limit).read_until(b'\n', &mut line)? == 0 {
        return Ok(None);
    }
    Ok(Some(if line.last() == Some(&b'\n') {
        line.pop();
        Line::Text(line)
    } else if line.len() > max {
        Line::TooLong
    } else {
        Line::Text(line)
    }))
}
