//! The plan file reader: each step's spelling, and every refusal word for word with its
//! line.

use worker_deployments::{Event, TaskQueueKey, TaskQueueType, VersionKey};
use worker_deployments_trace::{plan_to_trace, read_plan, replay, write};

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

#[test]
fn a_plan_becomes_a_trace_word_for_word() {
    let steps = plan_to_trace(
        br#"{"limits": {"maxVersionsInDeployment": 2}}
{"at": 5, "poll": {"deployment": "D", "build": "b1", "taskQueue": "tq", "type": "workflow"}}
{"at": "+1s", "setRamping": {"deployment": "D", "build": "b1", "percentage": 10, "identity": "ci"}}
{"at": "+1s", "pollers": {"deployment": "D", "build": "b1", "present": false}}
{"at": "+1s", "openPinned": {"deployment": "D", "build": "b1", "count": 2}}
{"at": "+1s", "deleteVersion": {"deployment": "D", "build": "b1", "identity": "ci"}}
{"at": "+1s", "checkDrainage": {}}"#,
        0,
    )
    .unwrap();
    let trace = write(&steps).unwrap();
    assert_eq!(
        trace,
        r#"{"format": "deployments"}
{"limits":{"maxVersionsInDeployment":2}}
{"poll":{"deployment":"D","build":"b1","taskQueue":"tq","type":"workflow"},"now":5,"expect":"changed"}
{"setRamping":{"deployment":"D","build":"b1","percentage":10.0,"identity":"ci"},"now":1005,"expect":{"outcome":"changed","previous":"","previousPercentage":0.0}}
{"pollers":{"deployment":"D","build":"b1","present":false},"now":2005}
{"openPinned":{"deployment":"D","build":"b1","count":2},"now":3005}
{"deleteVersion":{"deployment":"D","build":"b1","identity":"ci"},"now":4005,"expect":{"error":"FAILED_PRECONDITION","message":"version 'D:b1' cannot be deleted since it is current or ramping"}}
{"checkDrainage":{},"now":5005,"expect":[]}
"#
    );
    assert_eq!(replay(trace.as_bytes()).unwrap().failed(), 0);
    // A step a plan does not take is refused on its line, as read_plan refuses it.
    assert_eq!(
        plan_to_trace(br#"{"at": 0, "describe": {"deployment": "D"}}"#, 0)
            .unwrap_err()
            .to_string(),
        refusal(r#"{"at": 0, "describe": {"deployment": "D"}}"#)
    );
}

#[test]
fn every_committed_plan_becomes_a_trace_the_model_passes() {
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data");
    let mut plans = 0;
    for entry in std::fs::read_dir(data).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|ext| ext != "jsonl") {
            continue;
        }
        let steps = plan_to_trace(&std::fs::read(&path).unwrap(), 0).unwrap();
        let expectations = steps.iter().filter(|step| step.expect.is_some()).count();
        let report = replay(write(&steps).unwrap().as_bytes()).unwrap();
        assert_eq!(
            (report.passed, report.failed()),
            (expectations, 0),
            "{}",
            path.display()
        );
        assert!(expectations > 0, "{}", path.display());
        plans += 1;
    }
    assert!(plans >= 1);
}
