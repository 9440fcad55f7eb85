//! The conformance vectors in `trace/vectors/*.jsonl`, run through the same parser and
//! runner as `version-sets replay`, and the runner's handling of wrong and malformed traces.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use version_sets_trace::{self as trace, Action, UpdateExpectation};

#[track_caller]
fn vectors() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors");
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "jsonl"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no vectors in {}", dir.display());
    files
}

#[track_caller]
fn steps(path: &Path) -> Vec<trace::Step> {
    let bytes = fs::read(path).unwrap();
    trace::parse(&bytes).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

#[test]
fn every_vector_passes() {
    for path in vectors()
        .into_iter()
        .chain([Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/rollout.jsonl")])
    {
        let report = trace::run(&steps(&path));
        let failures: Vec<String> = report.failures.iter().map(ToString::to_string).collect();
        assert_eq!(failures, Vec::<String>::new(), "{}", path.display());
        assert!(report.passed > 0, "{} checks nothing", path.display());
    }
}

/// Every error of the update and limit rules (docs/semantics.md) is expected somewhere with its exact message, every
/// operation has a no-op case, and every resolve and poll answer occurs.
#[test]
fn the_vectors_cover_every_rule() {
    let mut messages = Vec::new();
    let mut noops = Vec::new();
    let mut answers = Vec::new();
    for path in vectors() {
        for step in steps(&path) {
            match step.action {
                Action::Update { update, expect } => match expect {
                    Some(UpdateExpectation::Error {
                        code,
                        message: Some(message),
                    }) => {
                        messages.push(format!("{code} {message}"));
                    }
                    Some(UpdateExpectation::NoOp) => {
                        let json = serde_json::to_value(&update).unwrap();
                        noops.extend(json.as_object().unwrap().keys().cloned());
                    }
                    _ => {}
                },
                Action::Resolve {
                    expect: Some(target),
                    ..
                } => {
                    let text = trace::target_text(&target);
                    answers.push(text.split(':').next().unwrap().to_owned());
                }
                Action::Poll {
                    expect: Some(answer),
                    ..
                } => {
                    answers.push(answer.to_string().split(':').next().unwrap().to_owned());
                }
                _ => {}
            }
        }
    }
    let patterns = [
        "INVALID_ARGUMENT version 1.0 already exists",
        "INVALID_ARGUMENT version 1.1 already exists and is not default for queue",
        "INVALID_ARGUMENT version 1.1 already exists and is not default in set",
        "INVALID_ARGUMENT 2.0 requested to be made compatible with 1.0 but both versions exist and are incompatible",
        "NOT_FOUND targeted compatible_version 9.9 not found",
        "NOT_FOUND targeted version 9.9 not found",
        "NOT_FOUND targeted primary version 9.9 not found",
        "NOT_FOUND targeted secondary version 8.8 not found",
        "FAILED_PRECONDITION update would exceed number of compatible version sets permitted in namespace dynamic config (3/2)",
        "FAILED_PRECONDITION update would exceed number of build IDs permitted in namespace dynamic config (4/3)",
        "FAILED_PRECONDITION Exceeded max task queues allowed to be mapped to a single build ID: 20",
        "FAILED_PRECONDITION Exceeded max task queues allowed to be mapped to a single build ID: 2",
    ];
    for pattern in patterns {
        assert!(
            messages.iter().any(|m| m == pattern),
            "no vector expects {pattern}"
        );
    }
    for operation in [
        "addNewBuildIdInNewDefaultSet",
        "addNewCompatibleBuildId",
        "promoteSetByBuildId",
        "promoteBuildIdWithinSet",
        "mergeSets",
    ] {
        assert!(
            noops.iter().any(|op| op == operation),
            "no vector expects a no-op of {operation}"
        );
    }
    for answer in [
        r#"{"setDefault""#,
        r#"{"exactBuildId""#,
        r#""unversioned""#,
        r#""rejected""#,
        r#""accepted""#,
        r#"{"newerBuildExists""#,
        r#""unknownBuildId""#,
    ] {
        assert!(
            answers.iter().any(|a| a == answer),
            "no vector expects {answer}"
        );
    }
}

#[test]
fn a_wrong_expectation_fails_and_the_run_goes_on() {
    let text = br#"
{"update": {"addNewBuildIdInNewDefaultSet": "1.0"}, "expect": "noop"}
{"update": {"addNewBuildIdInNewDefaultSet": "1.0"}, "expect": "noop"}
{"resolve": {"intent": "DEFAULT"}, "expect": {"setDefault": "2.0"}}
{"sets": [["1.0"]]}
"#;
    let report = trace::run(&trace::parse(text).unwrap());
    let failures: Vec<String> = report.failures.iter().map(ToString::to_string).collect();
    assert_eq!(
        failures,
        [
            r#"line 2: expected "noop", got "changed""#,
            r#"line 4: expected {"setDefault":"2.0"}, got {"setDefault":"1.0"}"#,
        ]
    );
    assert_eq!((report.passed, report.failed()), (2, 2));
}

#[test]
fn a_malformed_line_is_rejected_with_its_number() {
    let text = b"{\"update\": {\"addNewBuildIdInNewDefaultSet\": \"1.0\"}}\n\n{\"update\": {\"addNewBuildIdInNewDefaultSet\": \"1.0\"}, \"expected\": \"noop\"}\n";
    let error = trace::parse(text).unwrap_err();
    assert_eq!(error.line(), 3);
    assert_eq!(error.problem(), r#"unknown key "expected""#);
}

/// The rule IDs of docs/semantics.md: list items that start with `` `area.rule`: ``.
#[track_caller]
fn rules() -> Vec<String> {
    let text =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/semantics.md"))
            .unwrap();
    text.lines()
        .filter_map(|line| line.strip_prefix("- `"))
        .filter_map(|rest| rest.split_once("`:"))
        .map(|(id, _)| id.to_owned())
        .filter(|id| id.contains('.') && !id.contains(' '))
        .collect()
}

/// The rule table of docs/conformance.md: each rule with the vector files it lists.
#[track_caller]
fn table() -> BTreeMap<String, BTreeSet<String>> {
    let text =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/conformance.md"))
            .unwrap();
    let section = text.split("## Rules and vectors").nth(1).unwrap();
    section
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .map(|row| {
            let (rule, files) = row.split_once("` |").unwrap();
            let files = files
                .split(',')
                .map(|file| file.trim().trim_end_matches('|').trim().trim_matches('`'))
                .filter(|file| !file.is_empty())
                .map(str::to_owned)
                .collect();
            (rule.to_owned(), files)
        })
        .collect()
}

/// Every rule has a vector; the table in docs/conformance.md lists, for each rule, exactly
/// the vector files whose `# rule: ID` lines claim it; and no vector claims an unknown rule.
#[test]
fn every_rule_has_a_vector_and_the_table_agrees() {
    let rules = rules();
    assert!(
        rules.len() >= 50,
        "only {} rules read from docs/semantics.md",
        rules.len()
    );
    let unique: BTreeSet<&String> = rules.iter().collect();
    assert_eq!(unique.len(), rules.len(), "a rule ID is defined twice");
    let mut claimed: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for path in vectors() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        for line in fs::read_to_string(&path).unwrap().lines() {
            if let Some(rule) = line.strip_prefix("# rule: ") {
                assert!(
                    rules.contains(&rule.to_owned()),
                    "{name} claims the unknown rule {rule}"
                );
                claimed
                    .entry(rule.to_owned())
                    .or_default()
                    .insert(name.clone());
            }
        }
    }
    let without: Vec<&String> = rules
        .iter()
        .filter(|rule| !claimed.contains_key(*rule))
        .collect();
    assert!(without.is_empty(), "rules without a vector: {without:?}");
    assert_eq!(
        table(),
        claimed,
        "docs/conformance.md's table vs the vectors' # rule: lines"
    );
}

/// The crate's message for an invalid build ID names the field and the problem (the
/// vectors expect only the code, which is what a server would match).
#[test]
fn an_invalid_build_id_is_invalid_argument_with_the_field_named() {
    let text = br#"{"update": {"mergeSets": {"primarySetBuildId": "1", "secondarySetBuildId": ""}}, "expect": {"error": "INVALID_ARGUMENT", "message": "mergeSets.secondarySetBuildId: build ID must not be empty"}}"#;
    let report = trace::run(&trace::parse(text).unwrap());
    assert_eq!(
        (report.passed, report.failed()),
        (1, 0),
        "{:?}",
        report.failures
    );
}

/// The backticked words of `text`, e.g. `update` in "A step (`update`, ...)".
fn backticked(text: &str) -> BTreeSet<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

/// docs/trace-format.md agrees with the table of actions: the steps section names every
/// action, each has a section of its own, and the lists of timed steps and of steps that
/// take no `expect` are the table's.
#[test]
fn the_format_doc_lists_the_table_of_actions() {
    let text =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/trace-format.md"))
            .unwrap();
    let between = |from: &str, to: &str| {
        let start = text.find(from).unwrap_or_else(|| panic!("no {from:?}")) + from.len();
        let end = start + text[start..].find(to).unwrap();
        text[start..end].to_owned()
    };
    let names = |kinds: &mut dyn Iterator<Item = trace::ActionKind>| -> BTreeSet<&'static str> {
        kinds.map(trace::ActionKind::name).collect()
    };
    let all = names(&mut trace::ActionKind::ALL.into_iter());
    let actions = between("exactly one *action* key (", "), an optional");
    assert_eq!(backticked(&actions), all.iter().copied().collect());
    let headings: BTreeSet<&str> = text
        .lines()
        .filter_map(|line| line.strip_prefix("### "))
        .flat_map(|heading| backticked(heading.split(':').next().unwrap()))
        .collect();
    assert_eq!(headings, all);
    let timed = between("A step that stamps a change (", ")");
    let table = names(
        &mut trace::ActionKind::ALL
            .into_iter()
            .filter(|kind| kind.timed()),
    );
    assert_eq!(backticked(&timed), table);
    let no_expect = between("an optional `expect` on every action except", ", and `now`");
    let table = names(
        &mut trace::ActionKind::ALL
            .into_iter()
            .filter(|kind| !kind.takes_expect()),
    );
    assert_eq!(backticked(&no_expect), table);
}

/// `replay` reads a trace twice and holds one step at a time; it must answer exactly what
/// `run` of `parse` answers: the same verdicts and the same queues on every vector and on
/// generated traces (whose expectations, taken from the model, are then broken one in
/// three so that failures are compared too), and the same error on a malformed trace.
#[test]
fn replay_answers_what_run_of_parse_answers() {
    let mut texts: Vec<Vec<u8>> = vectors()
        .iter()
        .map(|path| fs::read(path).unwrap())
        .collect();
    for seed in 0..200 {
        let steps = trace::Generator::new(seed)
            .with_task_queues(2)
            .trace(&trace::WEIGHTS, 40);
        let mut text = String::new();
        for (index, step) in steps.iter().enumerate() {
            let line = step.to_line();
            // A wrong expectation: every third "changed" becomes "noop".
            let line = match index % 3 {
                0 => line.replacen(r#""expect":"changed""#, r#""expect":"noop""#, 1),
                _ => line,
            };
            text.push_str(&line);
            text.push('\n');
        }
        texts.push(text.into_bytes());
    }
    let mut failures = 0;
    for text in &texts {
        let report = trace::replay(text).unwrap();
        let steps = trace::parse(text).unwrap();
        let expected = trace::run(&steps);
        assert_eq!(report.passed, expected.passed);
        assert_eq!(report.failures, expected.failures);
        assert_eq!(report.namespace, expected.namespace);
        failures += report.failed();
    }
    assert!(failures > 50, "only {failures} failures compared");
    for bad in [
        &b"{\"mark\": \"m\"}\n{\"pol\": \"1.0\"}"[..],
        b"{\"deltas\": \"m\"}",
        b"{\"update\": {\"addNewBuildIdInNewDefaultSet\": \"1\"}}\n{\"start\": {}}",
        b"\xff",
    ] {
        assert_eq!(
            trace::replay(bad).unwrap_err(),
            trace::ReplayError::Malformed(trace::parse(bad).unwrap_err())
        );
        assert_eq!(
            trace::replay(bad).unwrap_err().to_string(),
            trace::parse(bad).unwrap_err().to_string()
        );
    }
}
