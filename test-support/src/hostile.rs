//! The `hostile` target: a structure-aware generator of large hostile documents.
//!
//! An input's bytes are a small program ([`program`]: the layout is in its docs) describing
//! a big document: one of the accepted shapes (stored `VersioningData`, the same in proto
//! field names, the public response, the `get-build-ids` listing, a trace of updates, a
//! trace from a `start` step), with up to [`program::MAX_N`] build IDs grouped as one giant
//! set, N sets of one, or sets of a given width; IDs of a given length and alphabet; a
//! trace's tail of N promotes, N promotes within sets or N merges; and defects spliced in at
//! chosen positions, once or at every k-th ID (a wrong type, a repeated build ID, an overlong
//! or empty one, a null timestamp, an unspecified state, a timestamp out of order, a cut).
//! So the fuzzer explores tens of thousands of sets with a dozen bytes, and a superlinear
//! path shows up as libFuzzer's `-timeout` (see TESTING.md).
//!
//! The document goes through the model's readers of its form, the very ones the command
//! calls (`CheckedData`, `CheckedResponse`, `CheckedListing`; the command only tells the
//! forms apart by their top-level keys), and the plain-data readers beside them; the outcome
//! is checked exactly, not only "no panic":
//! - a document with a wrong type or an invalid ID where serde reads a build ID is refused
//!   as a data error, and a cut one as an unexpected end, whichever comes first in the text;
//! - stored data, in JSON or proto field names, with defects is refused by `from_data` with
//!   exactly the violations the program spliced in, in document order, with their paths (a
//!   repeat names its first place), and by `CheckedData` with the same violations;
//!   deserialising `VersionSets` directly fails with the same message;
//! - stored data without them loads to the sets, records, states and timestamps written,
//!   with the largest stamp as its clock; it validates, writes back to the same text (in
//!   the crate's spelling), and takes one more update;
//! - the public response and the listing read back what was written; with a repeated build
//!   ID they are refused with exactly the repeats, in document order, each naming its first
//!   place; else they are rebuilt (a new default set for each set's first ID, compatible
//!   adds for the rest) into the sets a linear model of those updates (`model`) leaves,
//!   marked as rebuilt, and the constructors from plain data agree; without defects the
//!   rebuilt value's response is the input, byte for byte;
//! - a trace is refused at exactly the first line that is malformed or cut; otherwise the
//!   runner reports as failed exactly the updates the model fails, passes the rest and the
//!   closing `sets` step, and leaves the sets the model leaves; a `start` step with invalid
//!   data is refused with the loader's own message.

mod model;
pub mod program;
mod render;

use std::collections::HashSet;

use serde::Deserialize;
use version_sets::{
    BuildId, BuildIdCompatibility, CheckedData, CheckedListing, CheckedResponse, Code, InvalidData,
    Limits, ListedSet, Outcome, Problem, Provenance, PublicSets, Rebuilt, Update, VersionSets,
    VersioningData, Violation,
};
use version_sets_trace as trace;

use model::Linear;
use program::{Form, Kind, Program, Tail};
use render::stamp;

pub fn run(data: &[u8]) {
    let program = Program::decode(data);
    match program.form {
        Form::Stored | Form::ProtoNames => check_stored(&program),
        Form::Public => check_public(&program),
        Form::Listing => check_listing(&program),
        Form::Trace | Form::TraceStart => check_trace(&program),
    }
}

/// What reading a document must give.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Value,
    /// serde_json's `Category::Data`: a value of the wrong type or refused by its reader.
    DataError,
    /// serde_json's `Category::Eof`.
    EndOfInput,
}

/// The document's bytes after the program's cut, if any, and where it falls.
fn cut<'a>(program: &Program, text: &'a str) -> (&'a [u8], Option<usize>) {
    match program.cut {
        Some(fraction) => {
            let at = fraction * text.len() / 65_536;
            (&text.as_bytes()[..at], Some(at))
        }
        None => (text.as_bytes(), None),
    }
}

/// serde reads the document in order, so the first problem in the text decides.
fn expectation(refusal_end: Option<usize>, cut: Option<usize>) -> Expect {
    match (refusal_end, cut) {
        (Some(end), Some(at)) if end <= at => Expect::DataError,
        (_, Some(_)) => Expect::EndOfInput,
        (Some(_), None) => Expect::DataError,
        (None, None) => Expect::Value,
    }
}

/// Reads `bytes` as `T` and checks the outcome against `expect`; the value when it is read.
#[track_caller]
fn read<'a, T: Deserialize<'a>>(bytes: &'a [u8], expect: Expect, what: &str) -> Option<T> {
    let result = serde_json::from_slice::<T>(bytes);
    match (result, expect) {
        (Ok(value), Expect::Value) => Some(value),
        (Err(error), Expect::DataError) if error.is_data() => None,
        (Err(error), Expect::EndOfInput) if error.is_eof() => None,
        (Ok(_), _) => panic!("{what}: read, expected {expect:?}"),
        (Err(error), _) => panic!("{what}: expected {expect:?}, got {error}"),
    }
}

fn check_stored(program: &Program) {
    let doc = render::stored(program);
    let (bytes, at) = cut(program, &doc.text);
    let expect = expectation(doc.refusal_end, at);
    let checked = read::<CheckedData>(bytes, expect, "stored form, checked");
    let Some(data) = read::<VersioningData>(bytes, expect, "stored form") else {
        assert!(serde_json::from_slice::<VersionSets>(bytes).is_err());
        return;
    };
    let direct = serde_json::from_slice::<VersionSets>(bytes);
    let violations = expected_violations(program);
    let loaded = VersionSets::from_data(&data);
    let checked = checked.expect("read as plain data, not checked");
    assert!(checked.notes.is_empty(), "notes: {:?}", checked.notes);
    assert!(checked.sets == loaded, "CheckedData vs from_data");
    match loaded {
        Ok(sets) => {
            assert!(violations.is_empty(), "loaded despite {:?}", violations[0]);
            assert!(
                direct.ok().as_ref() == Some(&sets),
                "from_data vs deserialize"
            );
            check_loaded(program, &sets, &doc.text);
        }
        Err(invalid) => {
            assert_same_violations(&invalid, &violations);
            assert_eq!(invalid.code(), Code::InvalidArgument);
            let Err(error) = direct else {
                panic!("invalid data deserialised: {invalid}")
            };
            assert!(
                error.to_string().starts_with(&invalid.to_string()),
                "{error} vs {invalid}"
            );
        }
    }
}

/// The violations the loader must find, in document order: one per defect that stored data
/// can hold (an invalid or repeated ID, an unspecified state, a missing or out-of-order
/// timestamp).
fn expected_violations(program: &Program) -> Vec<Violation> {
    let mut first_seen: std::collections::HashMap<&str, String> = Default::default();
    let mut violations = Vec::new();
    let mut report = |path: String, problem: Problem| violations.push(Violation { path, problem });
    for (i, set) in program.sets().into_iter().enumerate() {
        let mut previous = None;
        for (j, p) in set.enumerate() {
            let at = |field: &str| format!("versionSets[{i}].buildIds[{j}].{field}");
            let id = program.ids[p].as_str();
            let mark = program.marks[p];
            match BuildId::new(id) {
                Err(error) => report(at("id"), Problem::InvalidBuildId(error)),
                Ok(_) => match first_seen.get(id) {
                    Some(first) => report(
                        at("id"),
                        Problem::DuplicateBuildId {
                            build_id: id.to_owned(),
                            first: first.clone(),
                        },
                    ),
                    None => {
                        first_seen.insert(id, at("id"));
                    }
                },
            }
            if mark == Some(Kind::UnspecifiedState) {
                report(at("state"), Problem::UnspecifiedState);
            }
            if mark == Some(Kind::NullTimestamp) {
                report(at("becameDefaultTimestamp"), Problem::MissingTimestamp);
            } else {
                let stamp = stamp(p, mark == Some(Kind::OutOfOrder));
                if let Some(before) = previous.filter(|before| stamp < *before) {
                    report(
                        at("becameDefaultTimestamp"),
                        Problem::BuildIdOutOfOrder { stamp, before },
                    );
                }
                previous = Some(stamp);
            }
        }
    }
    violations
}

/// Equal lists, reported by their first difference (a list can hold 65,536).
#[track_caller]
fn assert_same_violations(invalid: &InvalidData, expected: &[Violation]) {
    // The first `MAX_LISTED` are listed, in document order; the rest are only counted.
    let got = invalid.violations();
    if let Some(k) = (0..got.len().min(expected.len())).find(|&k| got[k] != expected[k]) {
        panic!(
            "violation {k}: got {:?}, expected {:?}",
            got[k], expected[k]
        );
    }
    assert_eq!(
        got.len(),
        expected.len().min(InvalidData::MAX_LISTED),
        "number of violations listed"
    );
    assert_eq!(invalid.count(), expected.len(), "number of violations");
}

/// Stored data that loaded: it holds exactly what was written.
fn check_loaded(program: &Program, sets: &VersionSets, text: &str) {
    valid(sets, "loaded");
    let layout = program.sets();
    assert_eq!(sets.set_count(), layout.len(), "set count");
    assert_eq!(sets.build_id_count(), program.n(), "build-ID count");
    for ((i, set), range) in sets.sets().enumerate().zip(&layout) {
        let set_ids: Vec<&str> = set.set_ids().map(|id| id.as_str()).collect();
        assert_eq!(set_ids, [format!("s{i}")], "set IDs of set {i}");
        assert_eq!(set.became_default_timestamp(), stamp(range.start, false));
        assert_eq!(set.len(), range.len(), "size of set {i}");
        for (record, p) in set.build_ids().zip(range.clone()) {
            assert_eq!(record.id().as_str(), program.ids[p], "build ID {p}");
            assert_eq!(record.is_active(), !program.deleted(p), "state of {p}");
            assert_eq!(record.state_update_timestamp(), stamp(p, false));
            let out_of_order = program.marks[p] == Some(Kind::OutOfOrder);
            assert_eq!(record.became_default_timestamp(), stamp(p, out_of_order));
        }
    }
    let clock = match program.n() {
        0 => version_sets::Hlc::default(),
        n => stamp(n - 1, false),
    };
    assert_eq!(sets.clock(), clock, "the clock is the largest stamp");
    assert_eq!(sets.cluster_id(), clock.cluster_id);
    let written = serde_json::to_string(sets).unwrap();
    if !program.numbers && program.form != Form::ProtoNames {
        assert!(written == text, "written back differently");
    }
    let again: VersionSets = serde_json::from_str(&written).unwrap();
    assert!(&again == sets, "round trip");
    let live: Vec<Vec<String>> = layout
        .iter()
        .map(|range| {
            range
                .clone()
                .filter(|&p| !program.deleted(p))
                .map(|p| program.ids[p].clone())
                .collect()
        })
        .collect();
    assert!(
        response_layout(sets) == live,
        "public view of the loaded sets"
    );
    for id in &program.ids {
        assert!(sets.contains(id), "{id:?} not found");
    }
    one_more_update(sets);
}

/// A fresh build ID (no alphabet holds `-`) goes in as a new default set, once.
fn one_more_update(sets: &VersionSets) {
    let fresh = Update::add_new_default(BuildId::new("hostile-fresh").unwrap());
    let mut after = sets.clone();
    let now = sets.clock().wall_clock;
    assert_eq!(after.apply(&fresh, now, Limits::NONE), Ok(Outcome::Changed));
    valid(&after, "after one more update");
    assert_eq!(after.set_count(), sets.set_count() + 1);
    assert_eq!(after.apply(&fresh, now, Limits::NONE), Ok(Outcome::NoOp));
}

#[track_caller]
fn valid(sets: &VersionSets, context: &str) {
    if let Err(error) = sets.validate() {
        panic!("{context}: validate() failed: {error:?}");
    }
}

/// The build IDs of the public view, set by set.
fn response_layout(sets: &VersionSets) -> Vec<Vec<String>> {
    sets.response(0)
        .major_version_sets
        .into_iter()
        .map(|set| {
            set.build_ids
                .iter()
                .map(|id| id.as_str().to_owned())
                .collect()
        })
        .collect()
}

/// The build IDs the program wrote, set by set.
fn written_layout(program: &Program) -> Vec<Vec<String>> {
    program
        .sets()
        .into_iter()
        .map(|range| range.map(|p| program.ids[p].clone()).collect())
        .collect()
}

fn check_public(program: &Program) {
    let doc = render::public(program);
    let (bytes, at) = cut(program, &doc.text);
    let expect = expectation(doc.refusal_end, at);
    let plain_expect = expectation(doc.plain_refusal_end, at);
    let plain = read::<BuildIdCompatibility>(bytes, plain_expect, "public form, plain");
    let Some(CheckedResponse(sets)) = read(bytes, expect, "public form") else {
        assert!(plain.is_none(), "plain public form read, checked refused");
        return;
    };
    let Some(plain) = plain else {
        return check_invalid_public_sets(program, &sets, "majorVersionSets");
    };
    let read: Vec<Vec<String>> = plain
        .major_version_sets
        .iter()
        .map(|set| {
            set.build_ids
                .iter()
                .map(|id| id.as_str().to_owned())
                .collect()
        })
        .collect();
    assert!(read == written_layout(program), "read differs from written");
    let from_plain = VersionSets::from_response(&plain);
    let rebuilt = check_public_sets(program, sets, "majorVersionSets", from_plain);
    if let (Some(rebuilt), false) = (rebuilt, program.has_marks()) {
        let written = serde_json::to_string(&rebuilt.response(0)).unwrap();
        assert!(written == doc.text, "the rebuilt sets' response differs");
    }
}

fn check_listing(program: &Program) {
    let doc = render::listing(program);
    let (bytes, at) = cut(program, &doc.text);
    let expect = expectation(doc.refusal_end, at);
    let plain_expect = expectation(doc.plain_refusal_end, at);
    let plain = read::<Vec<ListedSet>>(bytes, plain_expect, "listing, plain");
    let Some(CheckedListing(sets)) = read(bytes, expect, "listing") else {
        assert!(plain.is_none(), "plain listing read, checked refused");
        return;
    };
    let Some(plain) = plain else {
        return check_invalid_public_sets(program, &sets, "");
    };
    let count = plain.len();
    for (i, set) in plain.iter().enumerate() {
        assert_eq!(set.is_default_set, i + 1 == count);
        let last = set.build_ids.last().map(|id| id.as_str());
        assert_eq!(set.default_for_set.as_deref(), last);
    }
    let read: Vec<Vec<String>> = plain
        .iter()
        .map(|set| {
            set.build_ids
                .iter()
                .map(|id| id.as_str().to_owned())
                .collect()
        })
        .collect();
    assert!(read == written_layout(program), "read differs from written");
    check_public_sets(program, sets, "", VersionSets::from_listing(&plain));
}

/// The sets of a public form as read (at the JSON path `prefix`) and, from plain data, as
/// rebuilt: a repeated build ID refuses them, with exactly the repeats; else they rebuild
/// into what the linear model of the rebuild's updates leaves, marked as rebuilt.
fn check_public_sets(
    program: &Program,
    sets: PublicSets<'_>,
    prefix: &str,
    from_plain: Result<Rebuilt, InvalidData>,
) -> Option<VersionSets> {
    assert_eq!(sets.build_id_count(), program.n(), "build-ID count");
    let layout = program.sets();
    assert_eq!(sets.set_count(), layout.len(), "set count");
    let repeats = expected_repeats(program, prefix);
    let rebuilt = sets.rebuild();
    assert!(rebuilt == from_plain, "read vs rebuilt from plain data");
    match rebuilt {
        Err(invalid) => {
            assert_same_violations(&invalid, &repeats);
            None
        }
        Ok(rebuilt) => {
            assert!(repeats.is_empty(), "rebuilt despite {:?}", repeats[0]);
            assert_eq!(rebuilt.provenance, Provenance::Rebuilt);
            assert!(rebuilt.notes.is_empty(), "notes: {:?}", rebuilt.notes);
            let sets = rebuilt.sets;
            valid(&sets, "rebuilt");
            let mut model = Linear::default();
            for range in &layout {
                let start = range.start;
                for p in range.clone() {
                    let outcome = if p == start {
                        model.add_default(program.ids[p].as_str())
                    } else {
                        model.add_compatible(
                            program.ids[p].as_str(),
                            program.ids[start].as_str(),
                            false,
                        )
                    };
                    assert_eq!(outcome, model::Outcome::Changed, "the model's update {p}");
                }
            }
            assert!(layout_of(&sets) == model.layout(), "rebuilt sets vs model");
            assert!(
                layout_of(&sets) == written_layout(program),
                "rebuilt vs written"
            );
            let again: VersionSets =
                serde_json::from_str(&serde_json::to_string(&sets).unwrap()).unwrap();
            assert!(again == sets, "stored round trip of the rebuilt sets");
            one_more_update(&sets);
            Some(sets)
        }
    }
}

/// The sets of a public form whose plain type refuses an invalid build ID: the checked
/// reader reads them, and they refuse to rebuild with every violation, as stored data does.
fn check_invalid_public_sets(program: &Program, sets: &PublicSets<'_>, prefix: &str) {
    assert_eq!(sets.build_id_count(), program.n(), "build-ID count");
    let expected = expected_repeats(program, prefix);
    assert!(
        expected
            .iter()
            .any(|violation| matches!(violation.problem, Problem::InvalidBuildId(_))),
        "the plain type refused a form with no invalid build ID"
    );
    match sets.invalid() {
        Some(invalid) => assert_same_violations(&invalid, &expected),
        None => panic!("an invalid build ID passed the check"),
    }
}

/// The violations the check of a public form must find, in document order: each invalid
/// build ID, and each repeat of a valid one naming its first place (paths under `prefix`).
fn expected_repeats(program: &Program, prefix: &str) -> Vec<Violation> {
    let mut first_seen: std::collections::HashMap<&str, String> = Default::default();
    let mut repeats = Vec::new();
    for (i, set) in program.sets().into_iter().enumerate() {
        for (j, p) in set.enumerate() {
            let at = format!("{prefix}[{i}].buildIds[{j}]");
            let id = program.ids[p].as_str();
            if let Err(error) = BuildId::check(id) {
                repeats.push(Violation {
                    path: at,
                    problem: Problem::InvalidBuildId(error),
                });
                continue;
            }
            match first_seen.get(id) {
                Some(first) => repeats.push(Violation {
                    path: at,
                    problem: Problem::DuplicateBuildId {
                        build_id: id.to_owned(),
                        first: first.clone(),
                    },
                }),
                None => {
                    first_seen.insert(id, at);
                }
            }
        }
    }
    repeats
}

/// Every set's build IDs (tombstones included), in stored order.
fn layout_of(sets: &VersionSets) -> Vec<Vec<String>> {
    sets.sets()
        .map(|set| {
            set.build_ids()
                .map(|record| record.id().as_str().to_owned())
                .collect()
        })
        .collect()
}

fn check_trace(program: &Program) {
    let render::Trace { mut lines, start } = render::trace(program);
    // What the `start` step loads: `Err` with the loader's message when it refuses the data
    // (`Err(None)` when serde already refuses it).
    let started: Result<Option<VersionSets>, Option<String>> = match &start {
        None => Ok(None),
        Some(doc) if doc.refusal_end.is_some() => Err(None),
        Some(doc) => {
            let data: VersioningData = serde_json::from_str(&doc.text).unwrap();
            match VersionSets::from_data(&data) {
                Ok(state) => Ok(Some(state)),
                Err(invalid) => {
                    assert_same_violations(&invalid, &expected_violations(program));
                    lines[0].malformed = true;
                    Err(Some(format!(
                        "start.data: invalid versioning data: {invalid}"
                    )))
                }
            }
        }
    };
    let (mut outcomes, full_layout) = run_model(program, &lines, lines.len(), started.is_ok());
    lines.push(render::sets_line(&live(program, full_layout.clone())));
    outcomes.push(None);
    // A step past the reader's line bound (every step but `start`, which is read as state
    // files are) is refused for its length: the closing `sets` of tens of thousands of long
    // build IDs can be.
    for line in lines.iter_mut().skip(usize::from(start.is_some())) {
        if line.text.len() > trace::MAX_LINE_BYTES {
            line.malformed = true;
        }
    }
    let mut text = String::new();
    let mut ends = Vec::with_capacity(lines.len());
    for line in &lines {
        text.push_str(&line.text);
        ends.push(text.len());
        text.push('\n');
    }
    let (bytes, at) = cut(program, &text);
    // Lines wholly kept, and the first line the parser must refuse: malformed, or cut short.
    let kept = ends
        .iter()
        .take_while(|&&end| at.is_none_or(|at| end <= at))
        .count();
    let partial = (kept < lines.len()
        && at.is_some_and(|at| at > ends[kept] - lines[kept].text.len()))
    .then_some(kept);
    let refused = (0..kept).find(|&k| lines[k].malformed).or(partial);
    match (trace::parse(bytes), refused) {
        (Err(error), Some(k)) => {
            assert_eq!(error.line(), k + 1, "the line refused: {error}");
            if let (0, Err(Some(problem)), true) = (k, &started, kept > 0) {
                assert_eq!(error.problem(), problem);
            }
            assert_eq!(
                error.to_string(),
                format!("line {}: {}", error.line(), error.problem())
            );
        }
        (Err(error), None) => panic!("refused: {error}"),
        (Ok(_), Some(k)) => panic!("line {} parsed", k + 1),
        (Ok(steps), None) => {
            assert_eq!(steps.len(), kept, "steps");
            let report = trace::run(&steps);
            let (outcomes, layout) = if kept == lines.len() {
                (outcomes, full_layout)
            } else {
                run_model(program, &lines, kept, true)
            };
            let failed: Vec<usize> = (0..kept)
                .filter(|&k| outcomes[k] == Some(model::Outcome::Failed))
                .map(|k| k + 1)
                .collect();
            let reported: Vec<usize> = report.failures.iter().map(|f| f.line).collect();
            assert_eq!(reported, failed, "the updates that failed");
            let expectations = (0..kept)
                .filter(|&k| lines[k].op.is_some() || k + 1 == lines.len())
                .count();
            assert_eq!(report.passed, expectations - failed.len(), "passed");
            valid(report.state(), "the trace's state");
            assert!(
                layout_of(report.state()) == layout,
                "the trace's sets vs the model's"
            );
            if let (Ok(Some(loaded)), Tail::None, true) =
                (started, program.tail, kept == lines.len())
            {
                assert!(
                    *report.state() == loaded.with_cluster_id(0),
                    "the started state"
                );
            }
        }
    }
}

/// The model's outcome for each of the first `count` lines (`None` for lines that are not
/// updates), and the sets it leaves (tombstones included).
fn run_model(
    program: &Program,
    lines: &[render::Line],
    count: usize,
    runs: bool,
) -> (Vec<Option<model::Outcome>>, Vec<Vec<String>>) {
    let mut model = Linear::default();
    if !runs {
        return (vec![None; count], Vec::new());
    }
    // The `start` step loads the sets, when it is there.
    if program.form == Form::TraceStart && count > 0 {
        let mut members = Vec::new();
        let mut keys = Vec::new();
        for range in program.sets() {
            keys.push(render::key(stamp(range.start, false)));
            members.push(
                range
                    .map(|p| {
                        let out_of_order = program.marks[p] == Some(Kind::OutOfOrder);
                        (program.ids[p].as_str(), render::key(stamp(p, out_of_order)))
                    })
                    .collect(),
            );
        }
        model.load(members, keys);
    }
    let outcomes = lines[..count]
        .iter()
        .map(|line| line.op.map(|op| render::step(&mut model, program, op)))
        .collect();
    (outcomes, model.layout())
}

/// `layout` without the program's tombstones: what the public view lists.
fn live(program: &Program, layout: Vec<Vec<String>>) -> Vec<Vec<String>> {
    let deleted: HashSet<&str> = (0..program.n())
        .filter(|&p| program.form == Form::TraceStart && program.deleted(p))
        .map(|p| program.ids[p].as_str())
        .collect();
    layout
        .into_iter()
        .map(|set| {
            set.into_iter()
                .filter(|id| !deleted.contains(id.as_str()))
                .collect()
        })
        .collect()
}
