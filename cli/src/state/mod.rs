//! Reading a STATE argument: which accepted shape it has, every violation in it, and the
//! version sets it describes.
//!
//! The shapes ([`shapes`]): Temporal's stored `VersioningData`, the same wrapped as
//! `TaskQueueUserData`, the public `GetWorkerBuildIdCompatibility` response, what
//! `temporal task-queue get-build-ids -o json` prints, and, where a command allows it, a
//! trace (the state it leaves). Serde reads every one of them, after [`proto`] has rewritten
//! proto-JSON's other spellings. The public response and the listing carry no timestamps or
//! set IDs: [`rebuild`] checks them, and rebuilds their sets when a command needs them.

mod proto;
pub(crate) use proto::normalise;
mod rebuild;
mod refusal;
mod shapes;

use std::fmt;
use std::path::Path;

use version_sets::{InvalidData, VersionSets};
use version_sets_trace as trace;

use super::input::{self, Input};
use super::{Output, json};
use rebuild::{Counts, Rebuild};
use shapes::Shape;

/// One violation: where, as a JSON path like `versionSets[1].buildIds[0].id`, and what.
pub(crate) struct Finding {
    pub(crate) path: String,
    pub(crate) problem: String,
}

/// What a STATE input turned out to be, and what was found in it.
pub(crate) struct Examined {
    /// Which shape it is, in words, e.g. `stored VersioningData`.
    pub(crate) shape: &'static str,
    /// The violations, in document order, up to [`version_sets::InvalidData::MAX_LISTED`];
    /// empty when the data is valid.
    pub(crate) findings: Vec<Finding>,
    /// How many more violations were found and not listed.
    pub(crate) unlisted: usize,
    /// How many sets and build IDs it holds, when there are no findings.
    pub(crate) counts: Option<Counts>,
    /// The sets, when there are no findings and the caller needs them ([`Need::Sets`]).
    pub(crate) state: Option<VersionSets>,
    /// Remarks for standard error, e.g. what was read past, each starting with the name.
    pub(crate) notes: Vec<String>,
}

/// Whether a command accepts a trace as its STATE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Traces {
    Accepted,
    Refused,
}

/// Whether a command works on the sets or only checks them: the public response and the
/// listing are rebuilt into sets only for the first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Need {
    Findings,
    Sets,
}

/// Reads `input` as one of the accepted shapes.
///
/// # Errors
/// A one-line diagnostic starting with the input's name, when the input is not JSON, not
/// one of the shapes, something in it has the wrong type or an unknown key (with its JSON
/// path), or it is a malformed (or refused) trace. Violations of the invariants inside a
/// well-typed document are not errors: they are the [`Examined::findings`].
pub(crate) fn examine(input: &Input, traces: Traces, need: Need) -> Result<Examined, String> {
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
        let notes = (report.failed() > 0)
            .then(|| {
                format!(
                    "{name}: note: {} of the trace's expectations failed; this is the state it leaves",
                    report.failed()
                )
            })
            .into_iter()
            .collect();
        return Ok(Examined {
            shape: "trace",
            findings: Vec::new(),
            unlisted: 0,
            counts: Some(counts(&report.state)),
            state: Some(report.state),
            notes,
        });
    }
    // The typed readers read the input directly, or its canonical text when it is spelt
    // otherwise; only what neither accepts (an error, rules to read past) is read through a
    // tree, which words the error.
    let first = shapes::read_direct(&input.bytes);
    let canonical = match first {
        Some(_) => None,
        None => proto::canonical(&input.bytes),
    };
    let direct = first.or_else(|| shapes::read_direct(canonical.as_deref()?));
    let read = match direct {
        Some(read) => read,
        None if input.bytes.len() > refusal::TREE_LIMIT => match refusal::refusal(&input.bytes) {
            Some(error) => return Err(format!("{name}:{error}")),
            None => read_through_tree(input)?,
        },
        None => read_through_tree(input)?,
    };
    let mut rebuild = Rebuild::default();
    let (counts, state) = match read.contents {
        Shape::Stored(loaded) => match loaded {
            Ok(state) => (Some(counts(&state)), Some(state)),
            Err(invalid) => {
                rebuild.unlisted = invalid.unlisted();
                // Taken out one by one, so that each violation's path becomes its finding's
                // rather than being copied beside it (a file can hold millions of them).
                rebuild.findings = invalid
                    .into_violations()
                    .into_iter()
                    .map(|violation| Finding {
                        problem: violation.problem.to_string(),
                        path: violation.path,
                    })
                    .collect();
                (None, None)
            }
        },
        Shape::Public(sets) => rebuild.run("majorVersionSets", sets, need),
        Shape::Listing(listing) => {
            rebuild = listing.checked;
            rebuild.run("", listing.sets, need)
        }
    };
    let mut notes: Vec<String> = read
        .ignored
        .iter()
        .map(|key| {
            format!(
                "{name}: note: {key} ignored (worker-versioning rules are outside this model; \
                 only the version sets are read)"
            )
        })
        .collect();
    notes.extend(
        rebuild
            .notes
            .iter()
            .map(|note| format!("{name}: note: {note}")),
    );
    Ok(Examined {
        shape: read.shape,
        findings: rebuild.findings,
        unlisted: rebuild.unlisted,
        counts,
        state,
        notes,
    })
}

/// Reads `input` through a JSON tree: strictly, then rewritten to the canonical spelling,
/// then told apart and read by serde, each error worded with its position or path.
///
/// # Errors
/// `NAME:LINE:COLUMN: problem` or `NAME: PATH: problem`.
fn read_through_tree(input: &Input) -> Result<shapes::Read<'static>, String> {
    let name = &input.name;
    let mut value = json::read(&input.bytes).map_err(|error| format!("{name}:{error}"))?;
    proto::normalise(&mut value).map_err(|error| format!("{name}: {error}"))?;
    shapes::read(value).map_err(|error| format!("{name}: {error}"))
}

/// Reads the file at `path` (or standard input for `-`) as sets to work on: any accepted
/// shape, a trace included, with no violation. Says on standard error why it cannot, and
/// any note about how the file was read.
pub(crate) fn open(path: &Path, output: &mut Output<'_>) -> Option<VersionSets> {
    match input::read(path).and_then(|input| load(&input)) {
        Ok((state, notes)) => {
            for note in notes {
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
fn load(input: &Input) -> Result<(VersionSets, Vec<String>), String> {
    let examined = examine(input, Traces::Accepted, Need::Sets)?;
    let name = &input.name;
    match (examined.findings.split_first(), examined.state) {
        (None, Some(state)) => Ok((state, examined.notes)),
        (Some((first, [])), _) => Err(format!("{name}: {first}")),
        (Some((first, rest)), _) => Err(format!(
            "{name}: {first} (and {} more; `version-sets check` lists {})",
            rest.len() + examined.unlisted,
            if examined.unlisted == 0 {
                "them all".to_owned()
            } else {
                format!("the first {}", InvalidData::MAX_LISTED)
            }
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
    // The first line of a document on one line is the whole document: its keys are read
    // and its values skipped, rather than building a tree of it only to look at its keys.
    serde_json::from_slice::<NamesAction>(first).is_ok_and(|NamesAction(names)| names)
}

/// Whether a JSON object has a trace action among its keys (a non-object has none).
struct NamesAction(bool);

impl<'de> serde::Deserialize<'de> for NamesAction {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ActionVisitor;

        impl<'de> serde::de::Visitor<'de> for ActionVisitor {
            type Value = NamesAction;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<NamesAction, A::Error> {
                let mut names = false;
                while let Some(key) = map.next_key::<String>()? {
                    names |= trace::ActionKind::named(&key).is_some();
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
                Ok(NamesAction(names))
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<NamesAction, A::Error> {
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(NamesAction(false))
            }

            fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<NamesAction, E> {
                Ok(NamesAction(false))
            }

            fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<NamesAction, E> {
                Ok(NamesAction(false))
            }

            fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<NamesAction, E> {
                Ok(NamesAction(false))
            }

            fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<NamesAction, E> {
                Ok(NamesAction(false))
            }

            fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<NamesAction, E> {
                Ok(NamesAction(false))
            }

            fn visit_unit<E: serde::de::Error>(self) -> Result<NamesAction, E> {
                Ok(NamesAction(false))
            }
        }

        deserializer.deserialize_any(ActionVisitor)
    }
}

/// How many sets and build IDs `state` holds.
fn counts(state: &VersionSets) -> Counts {
    Counts {
        sets: state.set_count(),
        build_ids: state.build_id_count(),
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
