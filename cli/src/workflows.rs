//! Reading the caller's answers about running workflows: `--in-use IDS|FILE`, and parsing
//! durations.

use std::collections::BTreeSet;
use std::path::Path;

use super::{input, json::quote};

/// Build IDs given on the command line or in a file.
///
/// The value names a file when one exists at that path (or it is `-`, standard input): one
/// build ID per line, blank lines and `#` comments skipped. Otherwise it is a
/// comma-separated list. An empty value is the empty list.
///
/// # Errors
/// The file's one-line diagnostic (`FILE: cannot read: ...`), or `FILE: not UTF-8`.
pub(crate) fn read_ids(value: &str) -> Result<BTreeSet<String>, String> {
    let path = Path::new(value);
    if value == "-" || path.is_file() {
        let input = input::read(path)?;
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

/// A duration in milliseconds: a whole number with an optional unit `ms`, `s`, `m`, `h` or
/// `d` (no unit is milliseconds), e.g. `90s`, `1h`, `30d`.
pub(crate) fn parse_duration(text: &str) -> Result<i64, String> {
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let scale: i64 = match unit {
        "" | "ms" => 1,
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => {
            return Err(format!(
                "unknown unit {}; use ms, s, m, h or d",
                quote(unit)
            ));
        }
    };
    number
        .parse::<i64>()
        .ok()
        .and_then(|n| n.checked_mul(scale))
        .ok_or_else(|| "expected a whole number with an optional unit, e.g. 30d".to_owned())
}
