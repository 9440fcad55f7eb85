//! Reading an OPS file: one operation per line, as the `operation` of an
//! `UpdateWorkerBuildIdCompatibilityRequest` (`{"promoteSetByBuildId": "1.0"}`) or as the
//! whole request body (`namespace` and `taskQueue` beside the operation, read past). The
//! model's reader of [`Update`] reads each line, in every spelling proto-JSON allows.

use serde_json::Value;
use version_sets::Update;
use version_sets_trace::{check_line, read_strict};

use super::input::Input;
use super::json::quote;
use super::proto::{json_name, json_path};

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

/// Whether the first line of `bytes` that holds something (past blank lines and `#`
/// comments) is an operation: what tells an OPS file from a state or a trace given in its
/// place.
pub(crate) fn starts_with_operation(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    bytes
        .split(|&byte| byte == b'\n')
        .map(<[u8]>::trim_ascii)
        .find(|line| !line.is_empty() && !line.starts_with(b"#"))
        .and_then(|line| std::str::from_utf8(line).ok())
        .is_some_and(|line| operation(line).is_ok())
}

/// One line read as an operation.
fn operation(line: &str) -> Result<Update, String> {
    // Within the trace's bounds of a line read through a tree (docs/trace-format.md).
    check_line(line.as_bytes())?;
    let mut value = read_strict(line.as_bytes())
        .map_err(|error| format!("column {}: {}", error.column, error.problem))?;
    if let Value::Object(map) = &mut value {
        if map.contains_key("update") {
            // The likeliest mistake: a trace's update step pasted as it is.
            return Err(
                "a line holds the operation itself, without the trace's \"update\" key, \
                 e.g. {\"promoteSetByBuildId\": \"1.0\"}"
                    .to_owned(),
            );
        }
        // Under either spelling, as the operation's fields are.
        let request: Vec<String> = map
            .keys()
            .filter(|key| REQUEST_FIELDS.contains(&json_name(key).as_str()))
            .cloned()
            .collect();
        let mut read_past: Vec<String> = Vec::new();
        for key in request {
            let name = json_name(&key);
            if read_past.contains(&name) {
                return Err(format!(
                    "{name}: given twice, as {} and another spelling",
                    quote(&key)
                ));
            }
            map.remove(&key);
            read_past.push(name);
        }
    }
    serde_path_to_error::deserialize::<_, Update>(value).map_err(|error| {
        let path = json_path(error.path());
        let problem = error.into_inner();
        match path.as_str() {
            "" => format!("not an operation: {problem}"),
            path => format!("{path}: {problem}"),
        }
    })
}
