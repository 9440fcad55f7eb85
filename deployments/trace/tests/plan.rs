//! The plan file reader: each step's spelling, and every refusal word for word with its
//! line.

use worker_deployments::{Event, TaskQueueKey, TaskQueueType, VersionKey};
use worker_deployments_trace::read_plan;

fn refusal(text: &str) -> String {
    read_plan(text.as_bytes(), 0).unwrap_err().to_string()
}

#[test]
fn every_plan_step_reads_to_its_event() {
    let file = read_plan(
        br#"# a plan
{"limits": "short"}

{"at": 2000, "poll": {"deployment": "D", "build": "b1", "taskQueue": "tq", "type": "activity"}}
{"at": "+1s", "setCurrent": {"deployment": "D", "build": "b1", "identity": "ci"}}
{"at": "+2m", "setRamping": {"deployment": "D", "build": "b2", "percentage": 10, "identity": "ci"}}
{"at": "+1h", "pollers": {"deployment": "D", "build": "b1", "present": false}}
{"at": "+1d", "openPinned": {"deployment": "D", "build": "b1", "count": 3}}
{"at": "+500ms", "deleteVersion": {"deployment": "D", "build": "b1", "identity": "ci"}}
{"at": 100000000, "setManager": {"deployment": "D", "self": true, "identity": "ci"}}
{"at": "+0s", "checkDrainage": {}}"#,
        1_000,
    )
    .unwrap();
    assert_eq!(file.limits, Some(worker_deployments::Limits::SHORT));
    let times: Vec<u64> = file.plan.steps.iter().map(|s| s.at_ms).collect();
    assert_eq!(
        times,
        [
            2_000,
            3_000,
            123_000,
            3_723_000,
            90_123_000,
            90_123_500,
            100_000_000,
            100_000_000
        ]
    );
    let lines: Vec<usize> = file.plan.steps.iter().map(|s| s.line).collect();
    assert_eq!(lines, [4, 5, 6, 7, 8, 9, 10, 11]);
    assert_eq!(
        file.plan.steps[0].event,
        Event::WorkersStart {
            version: VersionKey::new("D", "b1"),
            task_queue: TaskQueueKey::new("tq", TaskQueueType::Activity),
        }
    );
    assert_eq!(
        file.plan.steps[3].event,
        Event::WorkersStop {
            version: VersionKey::new("D", "b1")
        }
    );
    assert_eq!(file.plan.steps[7].event, Event::Advance);
}

#[test]
fn relative_times_count_from_the_origin() {
    let file = read_plan(br#"{"at": "+10m", "checkDrainage": {}}"#, 5_000).unwrap();
    assert_eq!(file.plan.steps[0].at_ms, 605_000);
}

#[test]
fn every_refusal_names_its_line() {
    let poll =
        r#""poll": {"deployment": "D", "build": "b1", "taskQueue": "tq", "type": "workflow"}"#;
    assert_eq!(
        refusal(&format!("{{{poll}}}")),
        "line 1: a plan step has at"
    );
    assert_eq!(
        refusal(&format!("{{\"at\": 10, {poll}}}\n{{\"at\": 5, {poll}}}")),
        "line 2: at 5 is before the step before it (10)"
    );
    assert_eq!(
        refusal(r#"{"at": "10m", "checkDrainage": {}}"#),
        r#"line 1: at: "10m" is neither milliseconds nor "+" and a duration such as "+90s", "+10m", "+2h" or "+1d""#
    );
    assert_eq!(
        refusal(r#"{"at": "+99999999999999999d", "checkDrainage": {}}"#),
        "line 1: at: +99999999999999999d is past the end of time"
    );
    assert_eq!(
        refusal(r#"{"at": 1, "route": {"taskQueue": "tq", "workflowId": "w"}}"#),
        "line 1: route is not a plan step (a plan takes setCurrent, setRamping, deleteVersion, setManager, poll, pollers, openPinned and checkDrainage)"
    );
    assert_eq!(
        refusal(r#"{"at": 1, "setCurrent": {"deployment": "D", "build": "b1", "token": "x"}}"#),
        "line 1: setCurrent: a plan step takes no token (each step reads the state the plan left)"
    );
    assert_eq!(
        refusal(r#"{"at": 1, "pollers": {"deployment": "D", "build": "b1", "present": true}}"#),
        r#"line 1: pollers: a plan's workers start with poll, so pollers takes "present": false"#
    );
    assert_eq!(
        refusal(r#"{"at": 1, "checkDrainage": {}, "expect": []}"#),
        "line 1: a plan step has no expect (its time is at, and it expects nothing)"
    );
    assert_eq!(
        refusal("{\"at\": 1, \"checkDrainage\": {}}\n{\"limits\": \"short\"}"),
        "line 2: limits is the first line of a plan, without at"
    );
    assert_eq!(
        refusal(r#"{"at": 1, "setCurent": {}}"#),
        r#"line 1: unknown key "setCurent""#
    );
    assert_eq!(
        refusal(r#"{"at": 1, "at": 2, "checkDrainage": {}}"#),
        r#"line 1: 1:14: invalid JSON: duplicate key "at""#
    );
    assert_eq!(refusal("[1]"), "line 1: a step is a JSON object");
}
