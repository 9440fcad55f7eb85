//! The bound on the work of the steps that read a whole queue (docs/trace-format.md,
//! "Running traces"): a trace just inside it runs, one just past it stops at the step that
//! would pass it, with the message word for word.

use version_sets_trace::{self as trace, ReplayError, Session, parse_step};

/// 1,000 new sets (53 bytes a line), then `gc_plans` `gcPlan` steps (23 bytes a line), each
/// of which reads 2,000 units: the 1,000 sets and their 1,000 build IDs.
fn sets_then_gc_plans(gc_plans: usize) -> String {
    let mut text = String::new();
    for id in 0..1_000 {
        text.push_str(&format!(
            "{{\"update\": {{\"addNewBuildIdInNewDefaultSet\": \"{id:04}\"}}}}\n"
        ));
    }
    for _ in 0..gc_plans {
        text.push_str("{\"gcPlan\": {\"now\": 1}}\n");
    }
    text
}

/// 1,162 `gcPlan` steps spend 2,324,000 units, within the bound of 1,048,576 + 16 × 79,726
/// bytes = 2,324,192; the 1,163rd would bring them to 2,326,000, past 1,048,576 + 16 ×
/// 79,749 = 2,324,560.
#[test]
fn a_trace_just_inside_the_bound_runs_and_one_just_past_it_stops_there() {
    let inside = sets_then_gc_plans(1_162);
    assert_eq!(inside.len(), 79_726);
    let report = trace::replay(inside.as_bytes()).unwrap();
    assert_eq!((report.passed, report.failed()), (1_000, 0));

    let past = sets_then_gc_plans(1_163);
    assert_eq!(past.len(), 79_749);
    let error = trace::replay(past.as_bytes()).unwrap_err();
    assert!(matches!(error, ReplayError::OverBound(_)));
    assert_eq!(
        error.to_string(),
        "line 2163: gcPlan refused: the whole-queue steps of this trace would pass their \
         bound of 2324560 units of work (1048576, and 16 a byte of its 79749 bytes of input)"
    );
    assert_eq!(error.line(), 2_163);

    // `run` plays steps the caller already holds, with no bound.
    let report = trace::run(&trace::parse(past.as_bytes()).unwrap());
    assert_eq!((report.passed, report.failed()), (1_000, 0));
}

/// A session counts the bytes it is given: a refused step changes nothing, and uses up
/// what was left, so that the next whole-queue step is refused at once; more bytes let it
/// run.
#[test]
fn a_refused_step_changes_nothing_until_more_input_arrives() {
    let mut session = Session::new();
    for id in 0..1_000 {
        let add = format!("{{\"update\": {{\"addNewBuildIdInNewDefaultSet\": \"{id}\"}}}}");
        assert!(session.observe_bounded(&parse_step(&add).unwrap()).is_ok());
    }
    // 2,000 units a step: the floor of 1,048,576 allows 524, leaving 576.
    let gc_plan = parse_step(r#"{"gcPlan": {"now": 1}}"#).unwrap();
    for _ in 0..524 {
        assert!(session.observe_bounded(&gc_plan).is_ok());
    }
    let error = session.observe_bounded(&gc_plan).unwrap_err();
    assert_eq!(
        error.to_string(),
        "line 1: gcPlan refused: the whole-queue steps of this trace would pass their bound \
         of 1048576 units of work (1048576, and 16 a byte of its 0 bytes of input)"
    );
    // Nothing was left: a view of the newest set (2 units) is refused too, and changes
    // nothing.
    let view = parse_step(r#"{"view": {"maxSets": 1}}"#).unwrap();
    assert_eq!(
        session.observe_bounded(&view).unwrap_err().to_string(),
        "line 1: view refused: the whole-queue steps of this trace would pass their bound \
         of 1048576 units of work (1048576, and 16 a byte of its 0 bytes of input)"
    );
    assert_eq!(session.state().set_count(), 1_000);
    // Steps that read no whole queue are never refused.
    let poll = parse_step(r#"{"poll": "7"}"#).unwrap();
    assert_eq!(
        session.observe_bounded(&poll).unwrap().to_string(),
        r#""accepted""#
    );
    // 16 × 125 bytes = 2,000 units more: the refused step runs.
    session.receive(125);
    assert!(session.observe_bounded(&gc_plan).is_ok());
    assert!(session.observe_bounded(&view).is_err());
}
