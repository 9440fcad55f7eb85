//! Reading a STATE argument: which accepted shape it has, every violation in it, and the
//! version sets it describes.
//!
//! The shapes: Temporal's stored `VersioningData` (an object with `versionSets`), the
//! public `GetWorkerBuildIdCompatibility` response (an object with `majorVersionSets`), the
//! array `temporal task-queue get-build-ids -o json` prints, and, where a command allows it,
//! a trace (the state it leaves). The last three carry no timestamps or set IDs, so their
//! sets are rebuilt by replaying operations: for each set, oldest first, its first build ID
//! as a new default set, then the others as compatible additions.

mod listing;
mod public;
mod stored;
mod walk;

use std::fmt;
use std::path::Path;

use serde_json::Value;
use version_sets::{BuildId, Limits, QueueDefault, Update, VersionSets, trace};

use super::input::{self, Input};
use super::{Output, json};
pub(crate) use walk::{Finding, Walk};

/// The action keys that mark a line as a trace step.
const TRACE_ACTIONS: [&str; 5] = ["update", "limits", "sets", "resolve", "poll"];

/// What a STATE input turned out to be, and what was found in it.
pub(crate) struct Examined {
    /// Which shape it is, in words, e.g. `stored VersioningData`.
    pub(crate) shape: &'static str,
    /// Every violation, in document order; empty when the data is valid.
    pub(crate) findings: Vec<Finding>,
    /// The sets, when there are no findings.
    pub(crate) state: Option<VersionSets>,
    /// A remark for standard error, e.g. that a trace's expectations failed.
    pub(crate) note: Option<String>,
}

/// Whether a command accepts a trace as its STATE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Traces {
    Accepted,
    Refused,
}

/// Reads `input` as one of the accepted shapes.
///
/// # Errors
/// A one-line diagnostic starting with the input's name, when the input is not JSON, not
/// one of the shapes, or a malformed (or refused) trace. Violations inside a recognised
/// shape are not errors: they are the [`Examined::findings`].
pub(crate) fn examine(input: &Input, traces: Traces) -> Result<Examined, String> {
    let name = &input.name;
    if looks_like_trace(&input.bytes) {
        if traces == Traces::Refused {
            return Err(format!(
                "{name}: this is a trace, not versioning data; run it with `version-sets replay`"
            ));
        }
        let steps = trace::parse(&input.bytes)
            .map_err(|error| format!("{name}:{}: {}", error.line(), error.problem()))?;
        let report = trace::run(&steps);
        let note = (report.failed() > 0).then(|| {
            format!(
                "{name}: note: {} of the trace's expectations failed; this is the state it leaves",
                report.failed()
            )
        });
        return Ok(Examined {
            shape: "trace",
            findings: Vec::new(),
            state: Some(report.state),
            note,
        });
    }
    let value = json::read(&input.bytes).map_err(|error| format!("{name}:{error}"))?;
    let mut walk = Walk::default();
    let (shape, state) = match &value {
        Value::Object(map) if map.contains_key("versionSets") || map.is_empty() => {
            ("stored VersioningData", stored::read(map, &mut walk))
        }
        Value::Object(map) if map.contains_key("majorVersionSets") => {
            let sets = public::read(map, &mut walk);
            ("majorVersionSets response", walk.rebuild(&sets))
        }
        Value::Array(items) => {
            let sets = listing::read(items, &mut walk);
            ("get-build-ids listing", walk.rebuild(&sets))
        }
        _ => {
            return Err(format!(
                "{name}: not versioning data: expected an object with versionSets (stored \
                 VersioningData) or majorVersionSets (a GetWorkerBuildIdCompatibility \
                 response), or the array `temporal task-queue get-build-ids -o json` prints"
            ));
        }
    };
    Ok(Examined {
        shape,
        findings: walk.findings,
        state,
        note: None,
    })
}

/// Reads the file at `path` (or standard input for `-`) as sets to work on: any accepted
/// shape, a trace included, with no violation. Says on standard error why it cannot, and
/// any note about how the file was read.
pub(crate) fn open(path: &Path, output: &mut Output<'_>) -> Option<VersionSets> {
    match input::read(path).and_then(|input| load(&input)) {
        Ok((state, note)) => {
            if let Some(note) = note {
                output.diagnostic(note);
            }
            Some(state)
        }
        Err(error) => {
            output.diagnostic(error);
            None
        }
    }
}

/// Reads `input` as sets to work on.
///
/// # Errors
/// A one-line diagnostic: as for [`examine`], or the first violation and how many more
/// there are.
fn load(input: &Input) -> Result<(VersionSets, Option<String>), String> {
    let examined = examine(input, Traces::Accepted)?;
    let name = &input.name;
    match (examined.findings.split_first(), examined.state) {
        (None, Some(state)) => Ok((state, examined.note)),
        (Some((first, [])), _) => Err(format!("{name}: {first}")),
        (Some((first, rest)), _) => Err(format!(
            "{name}: {first} (and {} more; `version-sets check` lists them all)",
            rest.len()
        )),
        (None, None) => Err(format!("{name}: could not be read")),
    }
}

/// Whether the first line that holds something is a `#` comment or a trace step.
fn looks_like_trace(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let Some(first) = bytes
        .split(|&byte| byte == b'\n')
        .map(<[u8]>::trim_ascii)
        .find(|line| !line.is_empty())
    else {
        return false;
    };
    if first.starts_with(b"#") {
        return true;
    }
    match serde_json::from_slice::<Value>(first) {
        Ok(Value::Object(map)) => TRACE_ACTIONS.iter().any(|key| map.contains_key(*key)),
        _ => false,
    }
}

impl Walk {
    /// The sets of a listing without timestamps, rebuilt by replaying operations; `None`
    /// when something was found (the listing cannot be trusted to rebuild from).
    fn rebuild(&mut self, sets: &[(String, Vec<BuildId>)]) -> Option<VersionSets> {
        if !self.findings.is_empty() {
            return None;
        }
        let mut state = VersionSets::new();
        let mut now = 0;
        for (path, ids) in sets {
            let Some((first, rest)) = ids.split_first() else {
                continue;
            };
            let updates =
                std::iter::once(Update::add_new_default(first.clone())).chain(rest.iter().map(
                    |id| Update::add_new_compatible(id.clone(), first.clone(), QueueDefault::Keep),
                ));
            for update in updates {
                now += 1;
                // The listing was checked for duplicates and invalid IDs, so this cannot
                // fail; should it, it is reported rather than trusted.
                if let Err(error) = state.apply(&update, now, Limits::NONE) {
                    self.report(path, error);
                    return None;
                }
            }
        }
        Some(state)
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.problem)
        } else {
            write!(f, "{}: {}", self.path, self.problem)
        }
    }
}
