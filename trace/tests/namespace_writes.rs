//! The session's writes that are no public update (removal, clearing, persisting: in place
//! through the namespace; start and replicas: replaced) keep the namespace's build-ID →
//! task-queue mapping what it would be if every queue were put afresh.

use version_sets::Namespace;
use version_sets_trace::{ActionKind, Generator, Session, WEIGHTS};

/// Every kind the generator draws, the writes that are no update five times as often.
fn weights() -> Vec<(ActionKind, u32)> {
    WEIGHTS
        .iter()
        .map(|&(kind, weight)| match kind {
            ActionKind::RemoveBuildIds
            | ActionKind::ClearTombstones
            | ActionKind::PersistUnknownBuildId
            | ActionKind::MergeReplica
            | ActionKind::ReceiveReplica => (kind, weight * 5),
            _ => (kind, weight),
        })
        .collect()
}

#[test]
fn the_mapping_after_every_step_is_the_one_rebuilt_from_the_queues() {
    let mut mapped = 0;
    for seed in 0..200 {
        let steps = Generator::new(seed)
            .with_task_queues(3)
            .trace(&weights(), 60);
        let mut session = Session::new();
        for step in &steps {
            session.observe(step);
            let mut rebuilt = Namespace::new();
            for (name, sets) in session.namespace().queues() {
                rebuilt.insert(name, sets.clone()).unwrap();
            }
            assert_eq!(
                &rebuilt,
                session.namespace(),
                "seed {seed}, line {}: {step:?}",
                step.line
            );
            mapped += rebuilt.over_limit(0).len();
        }
    }
    // The namespaces compared held build IDs mapped to queues, not only empty ones.
    assert!(mapped > 10_000, "{mapped} mapped build IDs compared");
}
