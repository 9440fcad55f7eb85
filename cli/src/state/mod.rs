//! Reading a STATE argument: which accepted shape it has, every violation in it, and the
//! version sets it describes.
//!
//! The shapes ([`read`]): Temporal's stored `VersioningData`, the same wrapped as
//! `TaskQueueUserData`, the public `GetWorkerBuildIdCompatibility` response, what
//! `temporal task-queue get-build-ids -o json` prints, and, where a command allows it, a
//! trace (the state it leaves). The model reads every one of them, in all of proto-JSON's
//! spellings. The public response and the listing carry no timestamps or set IDs: the model
//! checks them without building sets, and rebuilds their sets only when a command needs
//! them, saying what it made up ([`Provenance`]).

mod read;

use std::fmt;
use std::path::Path;

use version_sets::{InvalidData, Note, Provenance, PublicSets, VersionSets};
use version_sets_trace as trace;

use super::Output;
use super::input::{self, Input};
use super::ops;
use read::Contents;

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
    /// Which facts of the sets are the data's own and which were made up: a command whose
    /// answer rests on a made-up fact can tell.
    pub(crate) provenance: Provenance,
    /// Remarks for standard error, e.g. what was read past, each starting with the name.
    pub(crate) notes: Vec<String>,
    /// The worker-versioning rules fields the data holds (`assignmentRules`,
    /// `redirectRules`), read past: the server routes by them before the sets.
    pub(crate) rules: Vec<&'static str>,
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
            // An OPS file may start with a `#` comment, as a trace does.
            if ops::starts_with_operation(&input.bytes) {
                return Err(wrong_kind(name, &Kind::Ops, "versioning data"));
            }
            return Err(format!(
                "{name}: this is a trace, not versioning data; run it with `version-sets replay`"
            ));
        }
        let steps = trace::parse(&input.bytes).map_err(|error| {
            // An OPS file may start with a `#` comment, as a trace does.
            if ops::starts_with_operation(&input.bytes) {
                wrong_kind(name, &Kind::Ops, "versioning data or a trace")
            } else {
                format!("{name}:{}: {}", error.line(), error.problem())
            }
        })?;
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
            counts: Some(counts(report.state())),
            state: Some(report.into_state()),
            provenance: Provenance::Exact,
            notes,
            rules: Vec::new(),
        });
    }
    let read = read::read(&input.bytes).map_err(|error| {
        if ops::starts_with_operation(&input.bytes) {
            wrong_kind(name, &Kind::Ops, "versioning data or a trace")
        } else {
            format!("{name}:{error}")
        }
    })?;
    let mut examined = Examined {
        shape: read.shape,
        findings: Vec::new(),
        unlisted: 0,
        counts: None,
        state: None,
        provenance: Provenance::Exact,
        notes: Vec::new(),
        rules: Vec::new(),
    };
    let mut notes: Vec<Note> = Vec::new();
    match read.contents {
        Contents::Stored(data) => {
            notes = data.notes;
            examined.loaded(data.sets);
        }
        Contents::UserData(user_data) => {
            notes = user_data.versioning_data.notes;
            notes.extend(user_data.notes);
            examined.loaded(user_data.versioning_data.sets);
        }
        Contents::Public(sets) => {
            notes.extend_from_slice(sets.notes());
            examined.public(sets, need);
        }
    }
    examined.rules = notes
        .iter()
        .filter_map(|note| match note {
            Note::RulesIgnored { field } => Some(*field),
            _ => None,
        })
        .collect();
    examined.notes = notes
        .iter()
        .map(|note| format!("{name}: note: {note}"))
        .collect();
    Ok(examined)
}

impl Examined {
    /// Takes in stored data, loaded or refused.
    fn loaded(&mut self, loaded: Result<VersionSets, InvalidData>) {
        match loaded {
            Ok(state) => {
                self.counts = Some(counts(&state));
                self.state = Some(state);
            }
            Err(invalid) => self.refused(invalid),
        }
    }

    /// Takes in the sets of a public form: checked, and rebuilt when `need` says so.
    fn public(&mut self, sets: PublicSets<'_>, need: Need) {
        if let Some(invalid) = sets.invalid() {
            return self.refused(invalid);
        }
        self.counts = Some(Counts {
            sets: sets.set_count(),
            build_ids: sets.build_id_count(),
        });
        if need == Need::Sets {
            match sets.rebuild() {
                Ok(rebuilt) => {
                    self.state = Some(rebuilt.sets);
                    self.provenance = rebuilt.provenance;
                }
                Err(invalid) => {
                    self.counts = None;
                    self.refused(invalid);
                }
            }
        }
    }

    /// Takes in what is wrong with the data.
    fn refused(&mut self, invalid: InvalidData) {
        self.unlisted = invalid.unlisted();
        // Taken out one by one, so that each violation's path becomes its finding's rather
        // than being copied beside it (a file can hold millions of them).
        self.findings = invalid
            .into_violations()
            .into_iter()
            .map(|violation| Finding {
                problem: violation.problem.to_string(),
                path: violation.path,
            })
            .collect();
    }
}

/// Reads the file at `path` (or standard input for `-`) as sets to work on: any accepted
/// shape, a trace included, with no violation. Says on standard error why it cannot, and
/// any note about how the file was read.
pub(crate) fn open(path: &Path, output: &mut Output<'_>) -> Option<VersionSets> {
    open_routed(path, output).map(|(state, _)| state)
}

/// As [`open`], with the rules fields the data holds, for the dispatch answers that the
/// server decides by its rules before its sets.
pub(crate) fn open_routed(
    path: &Path,
    output: &mut Output<'_>,
) -> Option<(VersionSets, Vec<&'static str>)> {
    open_examined(path, output).map(|opened| (opened.state, opened.rules))
}

/// Sets read from a STATE, with what the answers that rest on them need to know.
pub(crate) struct Opened {
    pub(crate) state: VersionSets,
    /// Which shape the input has, e.g. `get-build-ids listing`.
    pub(crate) shape: &'static str,
    /// What of the sets is made up (the public forms' timestamps and set IDs).
    pub(crate) provenance: Provenance,
    /// The worker-versioning rules fields the data holds.
    pub(crate) rules: Vec<&'static str>,
}

/// As [`open`], with the shape, the provenance and the rules fields of the data.
pub(crate) fn open_examined(path: &Path, output: &mut Output<'_>) -> Option<Opened> {
    match input::read(path).and_then(|input| load(&input)) {
        Ok(Examined {
            state: Some(state),
            shape,
            provenance,
            notes,
            rules,
            ..
        }) => {
            for note in notes {
                output.diagnostic(note);
            }
            Some(Opened {
                state,
                shape,
                provenance,
                rules,
            })
        }
        Ok(_) => {
            output.diagnostic(format_args!("{}: could not be read", input::name_of(path)));
            None
        }
        Err(error) => {
            output.diagnostic(error);
            None
        }
    }
}

/// The one-line refusal of an answer that the server decides by worker-versioning rules
/// before the sets, which are all this model reads.
pub(crate) fn decided_by_rules(path: &Path, rules: &[&str]) -> String {
    format!(
        "{}: the data has {} (worker-versioning rules), which the server applies before the version sets for this answer; the model reads only the sets, so it does not answer",
        input::name_of(path),
        rules.join(" and ")
    )
}

/// Reads `input` as sets to work on: what [`examine`] finds, with the sets and no findings.
///
/// # Errors
/// A one-line diagnostic: as for [`examine`], or the first violation and how many more
/// there are.
fn load(input: &Input) -> Result<Examined, String> {
    let examined = examine(input, Traces::Accepted, Need::Sets)?;
    let name = &input.name;
    match (examined.findings.split_first(), &examined.state) {
        (None, Some(_)) => Ok(examined),
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

/// What a file is, told apart as the readers tell them: an OPS file by its first line (an
/// operation), a trace by its first line (a comment or a step), versioning data by its
/// top-level keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Kind {
    Ops,
    Trace,
    /// Versioning data of this shape, e.g. `stored VersioningData`.
    Data(&'static str),
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Ops => f.write_str("an OPS file (one operation per line)"),
            Self::Trace => f.write_str("a trace (one step per line)"),
            Self::Data(shape) => write!(f, "versioning data ({shape})"),
        }
    }
}

/// What `bytes` look like, when they are one of the kinds of file the command reads.
pub(crate) fn kind_of(bytes: &[u8]) -> Option<Kind> {
    if ops::starts_with_operation(bytes) {
        Some(Kind::Ops)
    } else if looks_like_trace(bytes) {
        Some(Kind::Trace)
    } else {
        read::read(bytes).ok().map(|read| Kind::Data(read.shape))
    }
}

/// The one-line error for a file of another kind than the command expected.
pub(crate) fn wrong_kind(name: &str, found: &Kind, expected: &str) -> String {
    format!("{name}: this looks like {found}, not {expected}")
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

/// How many sets and build IDs data holds, as the model counts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Counts {
    pub(crate) sets: usize,
    pub(crate) build_ids: usize,
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
