//! The generator: deterministic per seed, its traces replay green through their text, and
//! it reaches every action and a spread of answers.

use std::collections::BTreeSet;

use fastrand::Rng;
use worker_deployments_trace::{ActionKind, generate, replay, write};

#[test]
fn the_same_seed_writes_the_same_trace_and_another_seed_another() {
    let text = |seed| write(&generate(&mut Rng::with_seed(seed), 200)).unwrap();
    assert_eq!(text(1), text(1));
    assert_ne!(text(1), text(2));
}

#[test]
fn generated_traces_replay_green_from_their_text() {
    for seed in 0..20 {
        let steps = generate(&mut Rng::with_seed(seed), 300);
        assert_eq!(steps.len(), 301, "limits, then 300 steps");
        let text = write(&steps).unwrap();
        let report = replay(text.as_bytes()).unwrap();
        assert_eq!(report.failures, vec![], "seed {seed}");
        assert!(report.passed > 150, "seed {seed}: {}", report.passed);
        assert_eq!(report.state.validate(), vec![], "seed {seed}");
    }
}

#[test]
fn generation_reaches_every_action_and_many_answers() {
    let steps = generate(&mut Rng::with_seed(3), 3_000);
    let kinds: BTreeSet<&str> = steps.iter().map(|s| s.action.kind().as_str()).collect();
    let all: BTreeSet<&str> = ActionKind::ALL.iter().map(|k| k.as_str()).collect();
    assert_eq!(kinds, all);
    let answers: BTreeSet<String> = steps
        .iter()
        .filter_map(|s| s.expect.as_ref())
        .filter_map(|e| e.get("error").or(e.get("outcome")).or(Some(e)))
        .map(ToString::to_string)
        .collect();
    for want in [
        r#""NOT_FOUND""#,
        r#""FAILED_PRECONDITION""#,
        r#""INVALID_ARGUMENT""#,
        r#""RESOURCE_EXHAUSTED""#,
        r#""ALREADY_EXISTS""#,
        r#""changed""#,
        r#""noop""#,
        r#""D.b2""#,
        r#""__unversioned__""#,
        r#""ok""#,
    ] {
        assert!(
            answers.contains(want),
            "no {want} among {} answers",
            answers.len()
        );
    }
    let drained = steps
        .iter()
        .filter(|s| s.action.kind() == ActionKind::CheckDrainage)
        .any(|s| {
            s.expect
                .as_ref()
                .is_some_and(|e| e.as_array().is_some_and(|a| !a.is_empty()))
        });
    assert!(drained, "no drainage check drained a version");
}

#[test]
fn a_comment_before_the_header_moves_the_tokens_with_it() {
    let steps = generate(&mut Rng::with_seed(5), 300);
    let text = worker_deployments_trace::write_with_comment("seed 5\nsteps 300", &steps).unwrap();
    assert!(text.starts_with("# seed 5 steps 300\n{\"format\": \"deployments\"}\n"));
    assert!(
        text.contains("\"token\":{\"line\":"),
        "no token by line in 300 steps"
    );
    let report = replay(text.as_bytes()).unwrap();
    assert_eq!(report.failures, vec![]);
    assert_eq!(
        report.passed,
        replay(write(&steps).unwrap().as_bytes()).unwrap().passed
    );
}

#[test]
fn only_draws_the_kinds_named_after_the_limits_and_replays_green() {
    use worker_deployments_trace::generate_only;
    let only = [
        ActionKind::Pollers,
        ActionKind::Poll,
        ActionKind::SetCurrent,
    ];
    let steps = generate_only(&mut Rng::with_seed(4), 400, &only);
    assert_eq!(steps.len(), 401);
    assert_eq!(steps[0].action.kind(), ActionKind::Limits);
    let kinds: BTreeSet<ActionKind> = steps[1..].iter().map(|s| s.action.kind()).collect();
    assert_eq!(kinds, only.into_iter().collect());
    let report = replay(write(&steps).unwrap().as_bytes()).unwrap();
    assert_eq!(report.failures, vec![]);
    // Every kind drawn alone, and none at all (only `limits`, which is never drawn).
    for kind in ActionKind::ALL.iter().filter(|k| **k != ActionKind::Limits) {
        let steps = generate_only(&mut Rng::with_seed(1), 5, &[*kind]);
        assert!(
            steps[1..].iter().all(|s| s.action.kind() == *kind),
            "{kind}"
        );
    }
    assert_eq!(
        generate_only(&mut Rng::with_seed(1), 5, &[ActionKind::Limits]).len(),
        1
    );
}
