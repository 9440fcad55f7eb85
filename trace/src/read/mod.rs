//! Reading: a trace's text into [`Step`]s, strictly (every line a step, a blank or a
//! comment; the first malformed line is the error), and an implementation's answer into an
//! [`Observation`]. JSON is read here and nowhere else in the crate but `write`.

mod expect;
pub(crate) mod json;
pub(crate) mod line;
mod replication;
mod update;
mod v1;
pub(crate) mod v2;

use std::collections::BTreeSet;
use std::fmt;

use serde_json::Value;

use self::json::{describe, list, quote, read};
use crate::types::{Action, ActionKind, Observation, Request, Step};
use version_sets::Update;

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
    steps(bytes).collect()
}

/// The steps of a trace one at a time, each checked as [`parse`] checks it: the first
/// malformed line is the last item. A caller that must not run a malformed trace at all
/// reads it twice ([`replay`](crate::replay)) rather than keep every step.
pub(crate) fn steps(bytes: &[u8]) -> impl Iterator<Item = Result<Step, TraceError>> + '_ {
    let mut first = true;
    // A set (ordered: the library holds no randomness), not a list: a trace of many marks
    // and many deltas steps would otherwise compare each deltas step with every earlier mark.
    let mut marks: BTreeSet<String> = BTreeSet::new();
    let mut failed = false;
    lines(bytes).map_while(move |(line, text)| {
        if failed {
            return None;
        }
        let step = text
            .and_then(line_step)
            .and_then(|(now, task_queue, action)| {
                check_order(&action, first, &marks)?;
                Ok(Step {
                    line,
                    now,
                    task_queue,
                    action,
                })
            })
            .map_err(|problem| TraceError { line, problem });
        match &step {
            Ok(Step {
                action: Action::Mark(name),
                ..
            }) => {
                marks.insert(name.clone());
            }
            Ok(_) => {}
            Err(_) => failed = true,
        }
        first = false;
        Some(step)
    })
}

/// Parses one step on its own, as the conformance protocol sends it (line 1). A `start`
/// step is allowed, and a `deltas` step may name any mark: the caller keeps the marks.
///
/// # Errors
/// Why the text is not a step, as for [`parse`].
pub fn parse_step(text: &str) -> Result<Step, TraceError> {
    let line = 1;
    line_step(text)
        .map(|(now, task_queue, action)| Step {
            line,
            now,
            task_queue,
            action,
        })
        .map_err(|problem| TraceError { line, problem })
}

/// One line's step: a `start` step read straight into its typed form, any other through a
/// JSON tree within the bounds of [`line`].
fn line_step(text: &str) -> Result<(Option<i64>, Option<String>, Action), String> {
    if let Some(start) = v2::start_line(text) {
        return start.map(|action| (None, None, action));
    }
    if let Some((rest, replica)) = replication::replica_line(text) {
        return step(&rest, Some(replica));
    }
    line::check_line(text.as_bytes())?;
    step(&read(text)?, None)
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
            text.and_then(|text| {
                line::check_line(text.as_bytes())?;
                operation(&read(text)?)
            })
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
/// the action stamps a change ([`ActionKind`] says which do).
///
/// `replica` is a replica step's state, read already (`replication::replica_line`); its
/// place in `value` then holds `null`.
fn step(
    value: &Value,
    replica: Option<replication::Preread>,
) -> Result<(Option<i64>, Option<String>, Action), String> {
    let map = value
        .as_object()
        .ok_or_else(|| format!("a step must be a JSON object, got {}", describe(value)))?;
    if let Some(key) = map.keys().find(|key| {
        !matches!(key.as_str(), "expect" | "now" | "taskQueue") && ActionKind::named(key).is_none()
    }) {
        return Err(format!("unknown key {}", quote(key)));
    }
    let present: Vec<ActionKind> = ActionKind::ALL
        .into_iter()
        .filter(|kind| map.contains_key(kind.name()))
        .collect();
    let kind = match present.as_slice() {
        [kind] => *kind,
        [] => {
            let names: Vec<&str> = ActionKind::ALL.iter().map(|kind| kind.name()).collect();
            return Err(format!("a step needs one action: {}", list(&names, "or")));
        }
        several => {
            let names: Vec<&str> = several.iter().map(|kind| kind.name()).collect();
            return Err(format!(
                "a step has one action, got {}",
                list(&names, "and")
            ));
        }
    };
    let name = kind.name();
    let body = json::required(map, "", name)?;
    let expect = map.get("expect");
    let now = match map.get("now") {
        None => None,
        Some(_) if !kind.timed() => {
            return Err(format!("a {name} step takes no now"));
        }
        Some(now) => Some(now.as_i64().ok_or_else(|| {
            format!(
                "now: expected a wall time in milliseconds (an integer), got {}",
                describe(now)
            )
        })?),
    };
    if expect.is_some() && !kind.takes_expect() {
        return Err(format!("a {name} step takes no expect"));
    }
    let action = match kind {
        ActionKind::Update => {
            let expect = expect.map(expect::update).transpose()?;
            match update::update(body, "update")? {
                Request::Valid(update) => Action::Update { update, expect },
                Request::Invalid(update) => Action::InvalidUpdate { update, expect },
            }
        }
        ActionKind::Resolve => v1::resolve(body, expect)?,
        ActionKind::Poll => v1::poll(body, expect)?,
        ActionKind::RemoveBuildIds => v2::remove(body, expect)?,
        ActionKind::ClearTombstones => v2::clear(body, expect)?,
        ActionKind::PersistUnknownBuildId => v2::persist(body, expect)?,
        ActionKind::Deltas => v2::deltas(body, expect)?,
        ActionKind::AddTask => v2::add_task(body, expect)?,
        ActionKind::StickyPoll => v2::sticky_poll(body, expect)?,
        ActionKind::StickyAdd => v2::sticky_add(body, expect)?,
        ActionKind::View => v2::view(body, expect)?,
        ActionKind::MergeReplica => replication::merge(body, expect, replica)?,
        ActionKind::ReceiveReplica => replication::receive(body, expect, replica)?,
        ActionKind::GcPlan => replication::gc_plan(body, expect)?,
        ActionKind::Reachability => replication::reachability(body, expect)?,
        ActionKind::Limits => Action::Limits(v1::limits(body)?),
        ActionKind::Start => v2::start(body)?,
        ActionKind::Mark => Action::Mark(v2::mark(body)?),
        ActionKind::Sets => Action::Sets(expect::sets(body)?),
    };
    let task_queue = map.get("taskQueue").map(task_queue).transpose()?;
    Ok((now, task_queue, action))
}

/// `"taskQueue": NAME`, checked as the server checks a task queue's name.
fn task_queue(value: &Value) -> Result<String, String> {
    let name = value.as_str().ok_or_else(|| {
        format!(
            "taskQueue: expected a task queue name (a string), got {}",
            describe(value)
        )
    })?;
    version_sets::Namespace::check_task_queue(name)
        .map_err(|error| format!("taskQueue: {error}"))?;
    Ok(name.to_owned())
}

/// Reads an implementation's answer to a step of `kind` (docs/conformance.md): the form
/// that step's `expect` takes; a step that observes nothing (`limits`, `start`, `mark`) is
/// answered with any JSON object. An update's or a change's answer may be an error.
///
/// # Errors
/// Why the text is not such an answer: invalid JSON, or a value of another form.
///
/// # Example
/// ```
/// use version_sets_trace::{ActionKind, Observation, UpdateExpectation, read_observation};
///
/// let answer = read_observation(ActionKind::Update, r#""noop""#)?;
/// assert_eq!(answer, Observation::Change(UpdateExpectation::NoOp));
/// assert!(read_observation(ActionKind::Poll, r#""noop""#).is_err());
/// # Ok::<(), String>(())
/// ```
pub fn read_observation(kind: ActionKind, text: &str) -> Result<Observation, String> {
    line::check_tree(text.as_bytes())?;
    let value = read(text)?;
    let value = &value;
    Ok(match kind {
        ActionKind::Limits | ActionKind::Start | ActionKind::Mark => {
            json::object(value, "", "an object")?;
            Observation::Nothing
        }
        ActionKind::Update
        | ActionKind::RemoveBuildIds
        | ActionKind::ClearTombstones
        | ActionKind::PersistUnknownBuildId
        | ActionKind::MergeReplica => Observation::Change(expect::update(value)?),
        ActionKind::Sets | ActionKind::View => Observation::Listing(expect::listing(value)?),
        ActionKind::Resolve => Observation::Target(expect::target(value)?),
        ActionKind::Poll => Observation::Poll(expect::poll(value)?),
        ActionKind::Deltas => Observation::Deltas(expect::deltas(value)?),
        ActionKind::AddTask => Observation::TaskQueue(expect::task_queue(value)?),
        ActionKind::StickyPoll => Observation::Sticky(expect::sticky_poll(value)?),
        ActionKind::StickyAdd => Observation::Sticky(expect::sticky_add(value)?),
        ActionKind::ReceiveReplica | ActionKind::GcPlan => {
            Observation::BuildIds(expect::build_ids(value, "expect")?)
        }
        ActionKind::Reachability => Observation::Reachability(expect::reachability(value)?),
    })
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
