//! Reading an OPS file: one operation per line, as the `operation` of an
//! `UpdateWorkerBuildIdCompatibilityRequest` (`{"promoteSetByBuildId": "1.0"}`) or as the
//! whole request body (`namespace` and `taskQueue` beside the operation, read past). Serde
//! reads each line, after proto-JSON's other spellings are rewritten (`proto.rs`).

use serde_json::Value;
use version_sets::Update;
use version_sets_trace::read_strict;

use super::input::Input;
use super::proto::normalise;

/// The request fields that say which queue to update; the STATE file is that queue.
const REQUEST_FIELDS: [&str; 2] = ["namespace", "taskQueue"];

/// The operations of `input`, each with its 1-based line number; blank lines and `#`
/// comments are skipped.
///
/// # Errors
/// `FILE:LINE: problem` for the first line that is not an operation, with the JSON path of
/// the problem inside the line where there is one.
pub(crate) fn read(input: &Input) -> Result<Vec<(usize, Update)>, String> {
    let name = &input.name;
    let text = std::str::from_utf8(&input.bytes).map_err(|error| {
        let line = input.bytes.get(..error.valid_up_to()).unwrap_or_default();
        let line = line.iter().filter(|&&byte| byte == b'\n').count() + 1;
        format!("{name}:{line}: invalid UTF-8")
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut ops = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let update = operation(line).map_err(|problem| format!("{name}:{number}: {problem}"))?;
        ops.push((number, update));
    }
    Ok(ops)
}

/// One line read as an operation.
fn operation(line: &str) -> Result<Update, String> {
    let mut value = read_strict(line.as_bytes())
        .map_err(|error| format!("column {}: {}", error.column, error.problem))?;
    normalise(&mut value)?;
    if let Value::Object(map) = &mut value {
        if map.contains_key("update") {
            // The likeliest mistake: a trace's update step pasted as it is.
            return Err(
                "a line holds the operation itself, without the trace's \"update\" key, \
                 e.g. {\"promoteSetByBuildId\": \"1.0\"}"
                    .to_owned(),
            );
        }
        for field in REQUEST_FIELDS {
            map.remove(field);
        }
    }
    serde_path_to_error::deserialize::<_, Update>(value).map_err(|error| {
        let path = error.path().to_string();
        let problem = error.into_inner();
        match path.as_str() {
            "." => format!("not an operation: {problem}"),
            path => format!("{path}: {problem}"),
        }
    })
}
