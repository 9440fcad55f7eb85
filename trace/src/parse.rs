//! Splitting a trace into lines and each line into a [`Step`].

use std::collections::BTreeSet;
use std::fmt;

use serde_json::Value;

use super::json::{describe, list, quote, read};
use super::step::{Action, Step};
use super::update::Request;
use super::{actions, replication, update, v2};
use version_sets::Update;

/// The action keys a trace step may have (exactly one each), in the order messages list
/// them: format v1's, then v2's. A JSON object with one of them is a step.
pub const ACTIONS: [&str; 19] = [
    "update",
    "limits",
    "sets",
    "resolve",
    "poll",
    "start",
    "removeBuildIds",
    "clearTombstones",
    "persistUnknownBuildId",
    "mark",
    "deltas",
    "addTask",
    "stickyPoll",
    "stickyAdd",
    "view",
    "mergeReplica",
    "receiveReplica",
    "gcPlan",
    "reachability",
];

/// The actions that stamp a change and so may give their wall time as `now`.
const TIMED: [&str; 4] = [
    "update",
    "removeBuildIds",
    "persistUnknownBuildId",
    "receiveReplica",
];

/// Why a trace (or a file of operations) is malformed: the first problem found, and its line.
///
/// `Display` is `line N: problem`; a command shows it as `FILE:N: problem`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceError {
    line: usize,
    problem: String,
}

impl TraceError {
    /// The 1-based line number.
    pub fn line(&self) -> usize {
        self.line
    }

    /// What is wrong, e.g. `update.addNewBuildIdInNewDefaultSet: build ID must not be empty`.
    pub fn problem(&self) -> &str {
        &self.problem
    }

    /// `INVALID_ARGUMENT`: a malformed trace is bad input.
    pub const fn code(&self) -> version_sets::Code {
        version_sets::Code::InvalidArgument
    }
}

impl fmt::Display for TraceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.problem)
    }
}

impl std::error::Error for TraceError {}

/// Parses a trace: every line must be a step, blank or a `#` comment.
///
/// The whole trace is read before any of it runs, so a malformed line anywhere means no
/// step runs: a half-run trace proves nothing.
///
/// # Errors
/// The first malformed line, with its number: invalid UTF-8 or JSON, an unknown key or
/// action, two actions in one step, a value of the wrong type, or an invalid build ID.
///
/// # Example
/// ```
/// use version_sets_trace as trace;
///
/// let steps = trace::parse(br#"{"poll": "1.0", "expect": "unknownBuildId"}"#)?;
/// assert_eq!(steps.len(), 1);
/// let err = trace::parse(b"# a comment\n{\"pol\": \"1.0\"}").unwrap_err();
/// assert_eq!(err.to_string(), r#"line 2: unknown key "pol""#);
/// # Ok::<(), trace::TraceError>(())
/// ```
pub fn parse(bytes: &[u8]) -> Result<Vec<Step>, TraceError> {
    let mut steps: Vec<Step> = Vec::new();
    // A set (ordered: the library holds no randomness), not a list: a trace of many marks
    // and many deltas steps would otherwise compare each deltas step with every earlier mark.
    let mut marks: BTreeSet<String> = BTreeSet::new();
    for (line, text) in lines(bytes) {
        let step = text
            .and_then(|text| match v2::start_line(text) {
                Some(start) => start.map(|action| (None, action)),
                None => step(&read(text)?),
            })
            .and_then(|(now, action)| {
                check_order(&action, steps.is_empty(), &marks)?;
                Ok(Step { line, now, action })
            })
            .map_err(|problem| TraceError { line, problem })?;
        if let Action::Mark(name) = &step.action {
            marks.insert(name.clone());
        }
        steps.push(step);
    }
    Ok(steps)
}

/// Parses one step on its own, as the conformance protocol sends it (line 1). A `start`
/// step is allowed, and a `deltas` step may name any mark: the caller keeps the marks.
///
/// # Errors
/// Why the text is not a step, as for [`parse`].
pub fn parse_step(text: &str) -> Result<Step, TraceError> {
    let line = 1;
    read(text)
        .and_then(|value| step(&value))
        .map(|(now, action)| Step { line, now, action })
        .map_err(|problem| TraceError { line, problem })
}

/// A `start` step must come first, and a `deltas` step must name an earlier mark.
fn check_order(action: &Action, first: bool, marks: &BTreeSet<String>) -> Result<(), String> {
    match action {
        Action::Start(_) if !first => Err("a start step must be the first step".to_owned()),
        Action::Deltas { since, .. } if !marks.contains(since) => {
            Err(format!("deltas: no earlier mark is named {}", quote(since)))
        }
        _ => Ok(()),
    }
}

/// Parses a file of operations, one `update` value per line (blank and `#` lines skipped),
/// e.g. `{"promoteSetByBuildId": "1.0"}`, each with its line number.
///
/// # Errors
/// The first malformed line, as for [`parse`].
///
/// # Example
/// ```
/// use version_sets_trace as trace;
///
/// let err = trace::parse_updates(br#"{"promoteSetByBuildId": ""}"#).unwrap_err();
/// assert_eq!(err.to_string(), "line 1: promoteSetByBuildId: build ID must not be empty");
/// ```
pub fn parse_updates(bytes: &[u8]) -> Result<Vec<(usize, Update)>, TraceError> {
    lines(bytes)
        .map(|(line, text)| {
            text.and_then(|text| operation(&read(text)?))
                .map(|update| (line, update))
                .map_err(|problem| TraceError { line, problem })
        })
        .collect()
}

/// The numbered lines that hold something: their text, or why it is not UTF-8.
fn lines(bytes: &[u8]) -> impl Iterator<Item = (usize, Result<&str, String>)> {
    bytes
        .split(|&byte| byte == b'\n')
        .enumerate()
        .map(|(index, raw)| {
            let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
            // Editors on Windows start files with a byte-order mark; it is not content.
            let raw = match index {
                0 => raw.strip_prefix("\u{feff}".as_bytes()).unwrap_or(raw),
                _ => raw,
            };
            let text = std::str::from_utf8(raw).map_err(|error| {
                format!(
                    "invalid UTF-8 at byte {} of the line",
                    error.valid_up_to() + 1
                )
            });
            (index + 1, text)
        })
        .filter(|(_, text)| {
            text.as_ref().map_or(true, |text| {
                let text = text.trim_start();
                !text.is_empty() && !text.starts_with('#')
            })
        })
}

/// One step: exactly one action key, `expect` where the action takes one, and `now` where
/// the action stamps a change.
fn step(value: &Value) -> Result<(Option<i64>, Action), String> {
    let map = value
        .as_object()
        .ok_or_else(|| format!("a step must be a JSON object, got {}", describe(value)))?;
    if let Some(key) = map
        .keys()
        .find(|key| !matches!(key.as_str(), "expect" | "now") && !ACTIONS.contains(&key.as_str()))
    {
        return Err(format!("unknown key {}", quote(key)));
    }
    let present: Vec<&str> = ACTIONS
        .into_iter()
        .filter(|action| map.contains_key(*action))
        .collect();
    let name = match present.as_slice() {
        [name] => *name,
        [] => {
            return Err(format!("a step needs one action: {}", list(&ACTIONS, "or")));
        }
        several => {
            return Err(format!(
                "a step has one action, got {}",
                list(several, "and")
            ));
        }
    };
    let body = super::json::required(map, "", name)?;
    let expect = map.get("expect");
    let now = match map.get("now") {
        None => None,
        Some(_) if !TIMED.contains(&name) => {
            return Err(format!("a {name} step takes no now"));
        }
        Some(now) => Some(now.as_i64().ok_or_else(|| {
            format!(
                "now: expected a wall time in milliseconds (an integer), got {}",
                describe(now)
            )
        })?),
    };
    let action = match name {
        "update" => {
            let expect = expect.map(update::expectation).transpose()?;
            match update::update(body, "update")? {
                Request::Valid(update) => Action::Update { update, expect },
                Request::Invalid(update) => Action::InvalidUpdate { update, expect },
            }
        }
        "resolve" => actions::resolve(body, expect)?,
        "poll" => actions::poll(body, expect)?,
        "removeBuildIds" => v2::remove(body, expect)?,
        "clearTombstones" => v2::clear(body, expect)?,
        "persistUnknownBuildId" => v2::persist(body, expect)?,
        "deltas" => v2::deltas(body, expect)?,
        "addTask" => v2::add_task(body, expect)?,
        "stickyPoll" => v2::sticky_poll(body, expect)?,
        "stickyAdd" => v2::sticky_add(body, expect)?,
        "view" => v2::view(body, expect)?,
        "mergeReplica" => replication::merge(body, expect)?,
        "receiveReplica" => replication::receive(body, expect)?,
        "gcPlan" => replication::gc_plan(body, expect)?,
        "reachability" => replication::reachability(body, expect)?,
        _ if expect.is_some() => return Err(format!("a {name} step takes no expect")),
        "limits" => Action::Limits(actions::limits(body)?),
        "start" => v2::start(body)?,
        "mark" => Action::Mark(v2::mark(body)?),
        _ => Action::Sets(actions::sets(body)?),
    };
    Ok((now, action))
}

/// One line of an operations file: the operation itself, not a trace step around it.
fn operation(value: &Value) -> Result<Update, String> {
    let wrapped = value
        .as_object()
        .is_some_and(|map| map.contains_key("update"));
    if wrapped {
        return Err(
            "a line holds the operation itself, without the trace's \"update\" key, \
             e.g. {\"promoteSetByBuildId\": \"1.0\"}"
                .to_owned(),
        );
    }
    match update::update(value, "")? {
        Request::Valid(update) => Ok(update),
        Request::Invalid(invalid) => Err(invalid.to_string()),
    }
}
