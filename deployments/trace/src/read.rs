//! The strict reader: text to [`Step`]s. Every line is bounded and read as strict JSON by
//! `version-sets-trace` (the same bounds and duplicate-key refusal as a version-set trace);
//! an unknown key anywhere is an error naming its line.

use std::collections::BTreeMap;
use std::str::FromStr;

use serde_json::{Map, Value};
use version_sets_trace::{check_line, quote, read_strict};
use worker_deployments::Code;

use crate::step::{Action, ActionKind, Answer, LimitsArgs, Step, TokenArg};

/// The header a deployments trace starts with (its first line that is not blank or a
/// comment), and what tells `version-sets replay` it is not a version-set trace.
pub const HEADER: &str = r#"{"format": "deployments"}"#;

/// A malformed line. `Display` is `line N: problem`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {problem}")]
pub struct TraceError {
    line: usize,
    problem: String,
}

impl TraceError {
    pub(crate) fn new(line: usize, problem: impl Into<String>) -> Self {
        Self {
            line,
            problem: problem.into(),
        }
    }

    /// The 1-based line.
    pub fn line(&self) -> usize {
        self.line
    }

    /// What is wrong with it.
    pub fn problem(&self) -> &str {
        &self.problem
    }
}

/// The lines that hold JSON: (1-based number, bytes), skipping blank and `#` lines.
pub(crate) fn content_lines(bytes: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    bytes
        .split(|&b| b == b'\n')
        .enumerate()
        .map(|(i, line)| (i + 1, line.strip_suffix(b"\r").unwrap_or(line)))
        .filter(|(_, line)| {
            let text = line.trim_ascii_start();
            !text.is_empty() && !text.starts_with(b"#")
        })
}

/// Whether `bytes` is a deployments trace: its first line that is not blank or a comment
/// is an object with a `format` key (whether the header is right is [`parse`]'s to say).
/// Only a short line can be a header: a longer first line (a version-set trace's `start`
/// step may be megabytes) is never read into a JSON tree here.
///
/// # Example
/// ```
/// use worker_deployments_trace::is_deployments;
///
/// assert!(is_deployments(b"# a trace\n{\"format\": \"deployments\"}\n"));
/// assert!(!is_deployments(br#"{"update": {"addNewBuildIdInNewDefaultSet": "1.0"}}"#));
/// ```
pub fn is_deployments(bytes: &[u8]) -> bool {
    /// Room for `{"format": "deployments"}` with generous spacing.
    const MAX_HEADER_BYTES: usize = 1024;
    content_lines(bytes).next().is_some_and(|(_, line)| {
        line.len() <= MAX_HEADER_BYTES
            && check_line(line).is_ok()
            && matches!(read_strict(line), Ok(Value::Object(map)) if map.contains_key("format"))
    })
}

/// Reads a deployments trace: the header, then one step a line.
///
/// # Errors
/// The first malformed line: a missing or wrong header, bad JSON, an unknown or missing
/// key, an `expect` of the wrong shape, `limits` after another step, a token naming a
/// line that returns none.
///
/// # Example
/// ```
/// use worker_deployments_trace::parse;
///
/// let steps = parse(br#"{"format": "deployments"}
/// {"poll": {"deployment": "D", "build": "b1", "taskQueue": "tq", "type": "workflow"}, "expect": "changed"}"#)?;
/// assert_eq!(steps.len(), 1);
/// let err = parse(b"{\"format\": \"deployments\"}\n{\"pol\": {}}").unwrap_err();
/// assert_eq!(err.to_string(), r#"line 2: unknown key "pol""#);
/// # Ok::<(), worker_deployments_trace::TraceError>(())
/// ```
pub fn parse(bytes: &[u8]) -> Result<Vec<Step>, TraceError> {
    let mut lines = content_lines(bytes);
    let Some((line, header)) = lines.next() else {
        return Err(TraceError::new(
            1,
            format!("a deployments trace starts with {HEADER}"),
        ));
    };
    let value = read_json(line, header)?;
    if value != serde_json::json!({"format": "deployments"}) {
        return Err(TraceError::new(
            line,
            format!("a deployments trace starts with {HEADER}"),
        ));
    }
    let mut steps: Vec<Step> = Vec::new();
    let mut kinds: BTreeMap<usize, ActionKind> = BTreeMap::new();
    for (line, bytes) in lines {
        let step = read_step(line, bytes, &kinds)?;
        if step.action.kind() == ActionKind::Limits && !steps.is_empty() {
            return Err(TraceError::new(
                line,
                "limits must come before every other step",
            ));
        }
        kinds.insert(line, step.action.kind());
        steps.push(step);
    }
    Ok(steps)
}

/// One step on `line` as the conformance protocol sends it: `earlier` holds the lines of
/// the steps played before it that return a token, and `started` says whether any step
/// was played (then `limits` is refused, as [`parse`] refuses it after another step).
pub(crate) fn read_request(
    line: usize,
    bytes: &[u8],
    earlier: &BTreeMap<usize, ActionKind>,
    started: bool,
) -> Result<Step, TraceError> {
    let step = read_step(line, bytes, earlier)?;
    if started && step.action.kind() == ActionKind::Limits {
        return Err(TraceError::new(
            line,
            "limits must come before every other step",
        ));
    }
    Ok(step)
}

pub(crate) fn read_json(line: usize, bytes: &[u8]) -> Result<Value, TraceError> {
    check_line(bytes).map_err(|problem| TraceError::new(line, problem))?;
    read_strict(bytes).map_err(|error| TraceError::new(line, error.to_string()))
}

fn read_step(
    line: usize,
    bytes: &[u8],
    earlier: &BTreeMap<usize, ActionKind>,
) -> Result<Step, TraceError> {
    let Value::Object(map) = read_json(line, bytes)? else {
        return Err(TraceError::new(line, "a step is a JSON object"));
    };
    step_from_map(line, map, earlier)
}

/// A step from its JSON object on `line` (`earlier` as for [`read_request`]).
pub(crate) fn step_from_map(
    line: usize,
    map: Map<String, Value>,
    earlier: &BTreeMap<usize, ActionKind>,
) -> Result<Step, TraceError> {
    let fail = |problem: String| TraceError::new(line, problem);
    let mut action = None;
    let (mut now, mut expect) = (None, None);
    for (key, value) in map {
        match key.as_str() {
            "now" => {
                now = Some(
                    value
                        .as_u64()
                        .ok_or_else(|| fail("now is a whole number of milliseconds".into()))?,
                );
            }
            "expect" => expect = Some(value),
            _ => {
                let Some(kind) = ActionKind::ALL.iter().find(|k| k.as_str() == key) else {
                    return Err(fail(format!("unknown key {}", quote(&key))));
                };
                if let Some((other, _)) = &action {
                    return Err(fail(format!("two actions, {other} and {kind}")));
                }
                action = Some((*kind, value));
            }
        }
    }
    let Some((kind, args)) = action else {
        return Err(fail("no action".into()));
    };
    let action = Action::from_json(kind, args).map_err(|e| fail(format!("{kind}: {e}")))?;
    if let Action::Limits(LimitsArgs::Named(name)) = &action
        && name != "default"
        && name != "short"
    {
        return Err(fail(format!(
            r#"limits: {} is neither "default" nor "short""#,
            quote(name)
        )));
    }
    check_tokens(&action, earlier).map_err(fail)?;
    if let Some(expect) = &expect {
        check_expect(kind, expect).map_err(|e| fail(format!("expect of {kind}: {e}")))?;
    }
    Ok(Step {
        line,
        action,
        now,
        expect,
    })
}

fn check_tokens(action: &Action, earlier: &BTreeMap<usize, ActionKind>) -> Result<(), String> {
    let token = match action {
        Action::SetCurrent(a) => &a.token,
        Action::SetRamping(a) => &a.token,
        Action::SetManager(a) => &a.token,
        _ => return Ok(()),
    };
    if let Some(TokenArg::Line { line }) = token {
        match earlier.get(line) {
            Some(kind) if kind.returns_token() => {}
            _ => {
                return Err(format!(
                    "token: line {line} is no earlier step that returns a token"
                ));
            }
        }
    }
    Ok(())
}

/// Checks that `expect` has the shape of an answer of `kind`.
fn check_expect(kind: ActionKind, expect: &Value) -> Result<(), String> {
    let Some(answer) = kind.answer() else {
        return Err("a fact expects nothing".into());
    };
    if let Value::Object(map) = expect
        && map.contains_key("error")
    {
        return check_error(map);
    }
    let ok = match (answer, expect) {
        (Answer::Outcome, Value::String(s)) => s == "changed" || s == "noop",
        (Answer::Ok, Value::String(s)) => s == "ok",
        (Answer::Version, Value::String(_)) => true,
        (Answer::Versions, Value::Array(items)) => items.iter().all(Value::is_string),
        // `"changed"` or `"noop"` stands for `{"outcome": ...}`.
        (Answer::Fields(keys), Value::String(s)) if keys.contains(&"outcome") => {
            s == "changed" || s == "noop"
        }
        (Answer::Fields(keys), Value::Object(map)) => {
            if let Some(key) = map.keys().find(|k| !keys.contains(&k.as_str())) {
                return Err(format!("unknown key {}", quote(key)));
            }
            true
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{} is not {}",
            version_sets_trace::describe(expect),
            shape(answer)
        ))
    }
}

fn shape(answer: Answer) -> &'static str {
    match answer {
        Answer::Outcome => r#""changed", "noop" or an error"#,
        Answer::Ok => r#""ok" or an error"#,
        Answer::Version => "a version string or an error",
        Answer::Versions => "an array of version strings",
        Answer::Fields(_) => "an object or an error",
    }
}

fn check_error(map: &Map<String, Value>) -> Result<(), String> {
    if let Some(key) = map.keys().find(|k| *k != "error" && *k != "message") {
        return Err(format!("unknown key {}", quote(key)));
    }
    match (map.get("error"), map.get("message")) {
        (Some(Value::String(code)), Some(Value::String(_))) => Code::from_str(code)
            .map(|_| ())
            .map_err(|e| format!("error {}: {e}", quote(code))),
        _ => Err(r#"an error is {"error": CODE, "message": TEXT}"#.into()),
    }
}
