//! Reading a STATE argument: which accepted shape it has, every violation in it, and the
//! version sets it describes.
//!
//! The shapes ([`shapes`]): Temporal's stored `VersioningData`, the same wrapped as
//! `TaskQueueUserData`, the public `GetWorkerBuildIdCompatibility` response, what
//! `temporal task-queue get-build-ids -o json` prints, and, where a command allows it, a
//! trace (the state it leaves). Serde reads every one of them, after [`proto`] has rewritten
//! proto-JSON's other spellings. The public response and the listing carry no timestamps or
//! set IDs, so their sets are rebuilt by replaying operations: for each set, oldest first,
//! its first build ID as a new default set, then the others as compatible additions.

mod proto;
pub(crate) use proto::normalise;
mod refusal;
mod shapes;

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use version_sets::{BuildId, Limits, Problem, QueueDefault, Update, VersionSets, trace};

use super::input::{self, Input};
use super::{Output, json};
use shapes::{ListedSet, Shape};

/// One violation: where, as a JSON path like `versionSets[1].buildIds[0].id`, and what.
pub(crate) struct Finding {
    pub(crate) path: String,
    pub(crate) problem: String,
}

/// What a STATE input turned out to be, and what was found in it.
pub(crate) struct Examined {
    /// Which shape it is, in words, e.g. `stored VersioningData`.
    pub(crate) shape: &'static str,
    /// Every violation, in document order; empty when the data is valid.
    pub(crate) findings: Vec<Finding>,
    /// The sets, when there are no findings.
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

/// Reads `input` as one of the accepted shapes.
///
/// # Errors
/// A one-line diagnostic starting with the input's name, when the input is not JSON, not
/// one of the shapes, something in it has the wrong type or an unknown key (with its JSON
/// path), or it is a malformed (or refused) trace. Violations of the invariants inside a
/// well-typed document are not errors: they are the [`Examined::findings`].
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
            state: Some(report.state),
            notes,
        });
    }
    // The typed readers read the input directly, or its canonical text when it is spelt
    // otherwise; only what neither accepts (an error, rules to read past) is read through a
    // tree, which words the error.
    let direct = shapes::read_direct(&input.bytes).or_else(|| {
        let text = proto::canonical(&input.bytes)?;
        shapes::read_direct(&text)
    });
    let read = match direct {
        Some(read) => read,
        None if input.bytes.len() > refusal::TREE_LIMIT => match refusal::refusal(&input.bytes) {
            Some(error) => return Err(format!("{name}:{error}")),
            None => read_through_tree(input)?,
        },
        None => read_through_tree(input)?,
    };
    let mut rebuild = Rebuild::default();
    let state = match read.contents {
        Shape::Stored(data) => match VersionSets::from_data(&data) {
            Ok(state) => Some(state),
            Err(invalid) => {
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
                None
            }
        },
        Shape::Public(response) => {
            let sets = response
                .major_version_sets
                .into_iter()
                .map(|set| set.build_ids);
            rebuild.run("majorVersionSets", sets.collect())
        }
        Shape::Listing(listing) => {
            check_listing(&listing, &mut rebuild);
            let sets = listing.into_iter().map(|set| set.build_ids);
            rebuild.run("", sets.collect())
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
        state,
        notes,
    })
}

/// Reads `input` through a JSON tree: strictly, then rewritten to the canonical spelling,
/// then told apart and read by serde, each error worded with its position or path.
///
/// # Errors
/// `NAME:LINE:COLUMN: problem` or `NAME: PATH: problem`.
fn read_through_tree(input: &Input) -> Result<shapes::Read, String> {
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
    let examined = examine(input, Traces::Accepted)?;
    let name = &input.name;
    match (examined.findings.split_first(), examined.state) {
        (None, Some(state)) => Ok((state, examined.notes)),
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
                    names |= trace::ACTIONS.contains(&key.as_str());
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

/// The `isDefaultSet` and `defaultForSet` of a listing must agree with its order: the last
/// set is the queue's default, and the last build ID of a set is the set's default.
fn check_listing(listing: &[ListedSet], rebuild: &mut Rebuild) {
    let last = listing.len().saturating_sub(1);
    for (i, set) in listing.iter().enumerate() {
        match (set.is_default_set, i == last) {
            (true, false) => rebuild.report(
                &format!("[{i}].isDefaultSet"),
                "is true, but only the last set is the queue's default set",
            ),
            (false, true) => rebuild.report(
                &format!("[{i}].isDefaultSet"),
                "is false, but the last set is the queue's default set",
            ),
            _ => {}
        }
        if let (Some(named), Some(default)) = (&set.default_for_set, set.build_ids.last()) {
            if named != default.as_str() {
                rebuild.report(
                    &format!("[{i}].defaultForSet"),
                    format_args!(
                        "is {}, but the set's default (the last of buildIds) is {}",
                        json::quote(named),
                        json::quote(default.as_str())
                    ),
                );
            }
        }
    }
}

/// Sets without timestamps turned into [`VersionSets`], and what was found on the way.
#[derive(Default)]
struct Rebuild {
    findings: Vec<Finding>,
    notes: Vec<String>,
}

impl Rebuild {
    fn report(&mut self, path: &str, problem: impl fmt::Display) {
        self.findings.push(Finding {
            path: path.to_owned(),
            problem: problem.to_string(),
        });
    }

    /// The sets (set `i` at the path `{prefix}[i]`), rebuilt by replaying operations; `None`
    /// when something was found (a listing with findings cannot be trusted to rebuild from).
    ///
    /// A set with no build IDs is what the server lists for a set whose build IDs are all
    /// deleted: it is valid, but cannot be rebuilt without its tombstones, so it is left out
    /// with a note.
    ///
    /// Linear in the build IDs, and small beside them: where each build ID was first seen is
    /// kept as two indices (a path is written only for a repeat), and each set is dropped
    /// once replayed.
    fn run(&mut self, prefix: &str, sets: Vec<Vec<BuildId>>) -> Option<VersionSets> {
        let path = |i: usize| format!("{prefix}[{i}]");
        // Sized up front (no rehash on the way), with a fast hasher seeded at random, so that
        // input chosen to collide cannot make it quadratic.
        let count = sets.iter().map(Vec::len).sum();
        let mut seen: HashMap<&str, (usize, usize), foldhash::fast::RandomState> =
            HashMap::with_capacity_and_hasher(count, foldhash::fast::RandomState::default());
        for (i, ids) in sets.iter().enumerate() {
            if ids.is_empty() {
                self.notes.push(format!(
                    "{} has no live build IDs (all deleted); it is left out of the rebuilt sets",
                    path(i)
                ));
            }
            for (j, id) in ids.iter().enumerate() {
                match seen.get(id.as_str()) {
                    Some(&(first_set, first_id)) => self.report(
                        &format!("{}.buildIds[{j}]", path(i)),
                        Problem::DuplicateBuildId {
                            build_id: id.to_string(),
                            first: format!("{}.buildIds[{first_id}]", path(first_set)),
                        },
                    ),
                    None => {
                        seen.insert(id.as_str(), (i, j));
                    }
                }
            }
        }
        drop(seen);
        if !self.findings.is_empty() {
            return None;
        }
        let mut state = VersionSets::new();
        let mut now = 0;
        for (i, ids) in sets.into_iter().enumerate() {
            let mut ids = ids.into_iter();
            let Some(first) = ids.next() else {
                continue;
            };
            let mut update = Update::add_new_default(first.clone());
            loop {
                now += 1;
                // Duplicates were reported above, so this cannot fail; should it, it is
                // reported rather than trusted.
                if let Err(error) = state.apply(&update, now, Limits::NONE) {
                    self.report(&path(i), error);
                    return None;
                }
                let Some(id) = ids.next() else {
                    break;
                };
                update = Update::add_new_compatible(id, first.clone(), QueueDefault::Keep);
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
