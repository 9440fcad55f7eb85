//! Marks cost what changed since them: `deltas` read from the session's journal answer
//! exactly what a copy of the marked state would, and a mark holds no copy.

use std::collections::HashMap;

use version_sets::VersionSets;
use version_sets_trace::{
    Action, ActionKind, DEFAULT_TASK_QUEUE, Generator, Observation, Session, WEIGHTS, parse_step,
};

/// Every kind the generator draws, `deltas` (and so `mark`) ten times as often as usual.
fn weights() -> Vec<(ActionKind, u32)> {
    WEIGHTS
        .iter()
        .map(|&(kind, weight)| match kind {
            ActionKind::Deltas => (kind, 10),
            _ => (kind, weight),
        })
        .collect()
}

/// Plays generated traces of every kind over three task queues (so a `deltas` step often
/// names a mark taken on another queue) and answers each `deltas` step again from a copy of
/// the marked queue taken at its mark, the way the session answered before it kept a
/// journal.
#[test]
fn deltas_from_the_journal_are_deltas_from_a_copy_of_the_marked_state() {
    let empty = VersionSets::new();
    let (mut compared, mut nonempty, mut across) = (0, 0, 0);
    for seed in 0..400 {
        let steps = Generator::new(seed)
            .with_task_queues(3)
            .trace(&weights(), 80);
        let mut session = Session::new();
        let mut copies: HashMap<String, (String, VersionSets)> = HashMap::new();
        for step in &steps {
            let queue = step.task_queue.as_deref().unwrap_or(DEFAULT_TASK_QUEUE);
            let state = |session: &Session| {
                session
                    .namespace()
                    .queue(queue)
                    .cloned()
                    .unwrap_or_default()
            };
            if let Action::Mark(name) = &step.action {
                copies.insert(name.clone(), (queue.to_owned(), state(&session)));
            }
            let observed = session.observe(step);
            if let Action::Deltas { since, .. } = &step.action {
                let now = session.namespace().queue(queue).unwrap_or(&empty);
                let expected =
                    copies
                        .get(since)
                        .map_or(Observation::Nothing, |(marked, before)| {
                            across += usize::from(marked != queue);
                            Observation::Deltas(before.build_id_deltas(now))
                        });
                if let Observation::Deltas(deltas) = &expected {
                    nonempty += usize::from(!deltas.added.is_empty() || !deltas.removed.is_empty());
                }
                assert_eq!(
                    observed, expected,
                    "seed {seed}, line {}: {step:?}",
                    step.line
                );
                compared += 1;
            }
        }
    }
    // The traces reach what the journal must get right: changes since a mark, and marks
    // asked about from another queue.
    assert!(compared > 1_000, "{compared} deltas steps compared");
    assert!(nonempty > 300, "{nonempty} of them found a change");
    assert!(across > 300, "{across} of them asked another queue");
}

/// Plays `lines` on a fresh session.
fn play(lines: impl IntoIterator<Item = String>) -> Session {
    let mut session = Session::new();
    for line in lines {
        let step = parse_step(&line).unwrap();
        session.observe(&step);
    }
    session
}

fn add(id: &str) -> String {
    format!(r#"{{"update": {{"addNewBuildIdInNewDefaultSet": "{id}"}}}}"#)
}

/// A shape of docs/hostile-input.md: adds each followed by a mark (4,000 marks that each
/// copied the state once held 8 million build IDs); the journal holds one entry per
/// change.
#[test]
fn marks_hold_one_entry_per_change_and_no_copy_of_the_state() {
    // 500, not 4,000: a debug build validates the whole state after every change.
    let n = 500;
    let session =
        play((0..n).flat_map(|i| [add(&format!("b{i}")), format!(r#"{{"mark": "m{i}"}}"#)]));
    assert_eq!(session.state().build_id_count(), n);
    // The first add came before any mark: no journal needed it.
    assert_eq!(session.mark_entries(), n - 1);

    // Marks with nothing changed between them hold nothing, however large the state.
    let mut lines: Vec<String> = (0..n).map(|i| add(&format!("b{i}"))).collect();
    lines.extend((0..n).map(|i| format!(r#"{{"mark": "m{i}"}}"#)));
    assert_eq!(play(lines).mark_entries(), 0);

    // A build ID changed again and again between two marks is one entry.
    let mut lines = vec![r#"{"mark": "m"}"#.to_owned()];
    for i in 0..100 {
        lines.push(add("x"));
        lines.push(format!(
            r#"{{"removeBuildIds": ["x"], "now": {}}}"#,
            1_000 + i
        ));
        lines.push(r#"{"clearTombstones": {}}"#.to_owned());
    }
    let session = play(lines);
    assert_eq!(session.mark_entries(), 1);
    let trace = format!(
        "{}\n{}\n{}\n{}\n",
        r#"{"mark": "m"}"#,
        add("x"),
        r#"{"removeBuildIds": ["x"], "now": 5000}"#,
        r#"{"deltas": "m", "expect": {"added": [], "removed": []}}"#
    );
    let report = version_sets_trace::run(&version_sets_trace::parse(trace.as_bytes()).unwrap());
    // The add and the deltas step are expectations; the removal has none.
    assert_eq!((report.passed, report.failed()), (2, 0));
}
