//! Every vector in `deployments/vectors/` passes, and every rule of
//! `deployments/docs/semantics.md` is covered by a vector (`# rule: ID`) or listed in
//! [`NOT_EXPRESSIBLE`] with the reason a trace cannot state it.

use std::collections::BTreeSet;
use std::fs;
use std::path::PathBuf;

use serde_json::Value;
use worker_deployments_trace::{Session, is_deployments, parse, renumber, replay, write};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Rules a trace cannot express, each with why; they are tested in `deployments/tests/`.
const NOT_EXPRESSIBLE: &[(&str, &str)] = &[
    (
        "state.one-record-per-version",
        "a statement about the model's representation (one record, no summary to disagree), not an answer",
    ),
    (
        "ops.atomic",
        "a property of every refusal in every state, checked by comparing whole states (tests/atomic.rs); a trace sees only answers",
    ),
    (
        "route.auto-upgrade-revision",
        "a later task needs a running workflow's behavior and revision; a trace routes new workflows only",
    ),
    (
        "route.activity",
        "an activity belongs to a running workflow; a trace routes new workflows only",
    ),
    (
        "route.sticky",
        "sticky queues belong to running workflows and their workers; a trace routes new workflows only",
    ),
    (
        "route.inheritance",
        "children and new runs inherit from a running workflow; a trace routes new workflows only",
    ),
    (
        "replication.clock-bump",
        "a trace plays one cluster and observes answers, and the user data's clock is in none",
    ),
    (
        "replication.lww",
        "a copy received from another cluster is a value, not a step on one cluster's state (tests/replication.rs)",
    ),
    (
        "replication.clock-kept",
        "a copy received from another cluster is a value, not a step on one cluster's state (tests/replication.rs)",
    ),
];

fn vectors_dir() -> PathBuf {
    PathBuf::from(ROOT).join("../vectors")
}

/// The deployments traces among the vectors (`routing-live.jsonl` is another format).
fn vectors() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in fs::read_dir(vectors_dir()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.ends_with(".jsonl") || name == "routing-live.jsonl" {
            continue;
        }
        out.push((name, fs::read(&path).unwrap()));
    }
    out.sort();
    out
}

fn rules() -> BTreeSet<String> {
    let doc = fs::read_to_string(PathBuf::from(ROOT).join("../docs/semantics.md")).unwrap();
    doc.lines()
        .filter_map(|l| l.strip_prefix("- `"))
        .filter_map(|l| l.split_once("`:"))
        .map(|(id, _)| id.to_owned())
        .collect()
}

#[test]
fn every_vector_passes() {
    let vectors = vectors();
    assert!(vectors.len() >= 6, "{}", vectors.len());
    let mut problems = Vec::new();
    for (name, bytes) in &vectors {
        assert!(is_deployments(bytes), "{name} has no deployments header");
        let report = replay(bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        if report.passed == 0 {
            problems.push(format!("{name}: no expectation"));
        }
        for failure in &report.failures {
            problems.push(format!("{name}:{failure}"));
        }
        assert_eq!(report.state.validate(), vec![], "{name}");
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Whether `observed` (a whole answer) shows `expected`: the keys an answer of fields
/// expects (or its outcome, for `"changed"` or `"noop"`), else the same JSON, numbers by
/// value.
fn shows(expected: &Value, observed: &Value) -> bool {
    match (expected, observed) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Object(want), Value::Object(have)) if !want.contains_key("error") => want
            .iter()
            .all(|(k, v)| have.get(k).is_some_and(|h| shows(v, h))),
        (Value::String(_), Value::Object(have)) if have.contains_key("outcome") => {
            have.get("outcome") == Some(expected)
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| shows(x, y))
        }
        _ => expected == observed,
    }
}

#[test]
fn observe_answers_every_vector_expectation_through_the_protocol() {
    // As `version-sets serve` plays a trace: each step's request read back by the session
    // (tokens by the protocol's line numbers), then observed.
    let mut compared = 0;
    for (name, bytes) in vectors() {
        let mut session = Session::new();
        for step in renumber(&parse(&bytes).unwrap()) {
            let request = session.read_request(&step.to_request().unwrap());
            let request = request.unwrap_or_else(|e| panic!("{name}:{}: {e}", step.line));
            assert_eq!(request.line, step.line, "{name}");
            let observed = session.observe(&request);
            match (&step.expect, step.action.kind().answer()) {
                (Some(expected), Some(_)) => {
                    assert!(
                        shows(expected, &observed),
                        "{name}:{}: expected {expected}, observed {observed}",
                        step.line
                    );
                    compared += 1;
                }
                (_, None) => assert_eq!(observed, serde_json::json!({}), "{name}"),
                (None, Some(_)) => {}
            }
        }
    }
    assert!(compared > 200, "{compared}");
}

#[test]
fn every_vector_reads_back_as_written() {
    // Comments go, so lines move: the writer renumbers tokens that name a line, and the
    // written trace must answer as the original did and write itself unchanged.
    for (name, bytes) in vectors() {
        let steps = parse(&bytes).unwrap();
        let text = write(&steps).unwrap();
        let again = parse(text.as_bytes()).unwrap();
        assert_eq!(write(&again).unwrap(), text, "{name}");
        let (before, after) = (replay(&bytes).unwrap(), replay(text.as_bytes()).unwrap());
        assert_eq!((after.passed, after.failed()), (before.passed, 0), "{name}");
    }
}

#[test]
fn every_rule_has_a_vector_or_a_reason() {
    let rules = rules();
    assert!(rules.len() > 30, "{rules:?}");
    let mut covered = BTreeSet::new();
    for (name, bytes) in vectors() {
        let text = String::from_utf8(bytes).unwrap();
        for line in text.lines() {
            if let Some(id) = line.strip_prefix("# rule: ") {
                assert!(
                    rules.contains(id),
                    "{name} cites {id}, no rule of semantics.md"
                );
                covered.insert(id.to_owned());
            }
        }
    }
    let excused: BTreeSet<String> = NOT_EXPRESSIBLE
        .iter()
        .map(|(id, _)| (*id).to_owned())
        .collect();
    for id in &excused {
        assert!(rules.contains(id), "NOT_EXPRESSIBLE names {id}, no rule");
        assert!(
            !covered.contains(id),
            "{id} has a vector; drop it from NOT_EXPRESSIBLE"
        );
    }
    let missing: Vec<_> = rules
        .iter()
        .filter(|id| !covered.contains(*id) && !excused.contains(*id))
        .collect();
    assert!(
        missing.is_empty(),
        "rules with no vector and no reason: {missing:?}"
    );
}
