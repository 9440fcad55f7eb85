//! `version-sets deployment plan`: a rollout plan checked step by step, word for word.

use serde_json::{Value, json};

use super::{run, run_with};

const THREE_A_DAY: &str = "deployments/tests/data/plan-three-a-day.jsonl";
const DESCRIBE: &str = "deployments/tests/data/describe.json";

fn plan(lines: &[&str], extra: &[&str]) -> super::Run {
    let mut args = vec!["deployment", "plan", "-"];
    args.extend_from_slice(extra);
    run_with(&args, lines.join("\n").as_bytes())
}

#[test]
fn a_plan_from_a_described_state_prints_each_step_and_its_state() {
    let checked = plan(
        &[
            r#"{"at": "+1m", "setCurrent": {"deployment": "D", "build": "b2", "identity": "me"}}"#,
            r#"{"at": "+10m", "checkDrainage": {}}"#,
        ],
        &["--state", DESCRIBE, "--sample", "10"],
    );
    assert_eq!(
        (checked.code, checked.out.as_str(), checked.err.as_str()),
        (
            0,
            "line 1 at +1m: set current D:b2: changed\n  \
             D: current D:b2; 2 of 100 versions, 0 deletable\n    \
             D:b1: draining\n    \
             D:b2: current\n\
             line 2 at +11m: the clock: noop\n  \
             D:b1 deletable from +4m\n  \
             D: current D:b2; 2 of 100 versions, 1 deletable\n    \
             D:b1: drained, deletable\n    \
             D:b2: current\n\
             2 steps, no failure, no hazard\n",
            ""
        )
    );
}

#[test]
fn the_first_failing_step_is_named_with_the_servers_message() {
    let checked = run(&["deployment", "plan", THREE_A_DAY]);
    assert_eq!(checked.code, 1, "{}", checked.err);
    let tail: Vec<&str> = checked.out.lines().rev().take(2).collect();
    assert_eq!(
        tail,
        [
            "first failing step: line 14: RESOURCE_EXHAUSTED: cannot add version orders.v4 since maximum number of versions (3) have been registered in the deployment",
            "hazard: line 11: deployment orders holds its cap of 3 versions and none is deletable (1 draining): the next new version will be refused",
        ]
    );
}

#[test]
fn json_names_the_failure_and_the_hazards_for_ci() {
    let checked = run(&[
        "deployment",
        "plan",
        THREE_A_DAY,
        "-o",
        "json",
        "--sample",
        "0",
    ]);
    assert_eq!(checked.code, 1, "{}", checked.err);
    let doc: Value = serde_json::from_str(&checked.out).unwrap();
    assert_eq!(
        doc["firstFailure"],
        json!({
            "line": 14,
            "at": 86_820_000,
            "error": "RESOURCE_EXHAUSTED",
            "message": "cannot add version orders.v4 since maximum number of versions (3) have been registered in the deployment"
        })
    );
    assert_eq!(
        doc["hazards"],
        json!([{
            "kind": "capWithoutRoom",
            "message": "line 11: deployment orders holds its cap of 3 versions and none is deletable (1 draining): the next new version will be refused"
        }])
    );
    assert_eq!(doc["steps"].as_array().map(Vec::len), Some(11));
    assert_eq!(
        doc["steps"][4]["deployments"][0]["versions"][0],
        json!({
            "version": "orders:v1",
            "status": "WORKER_DEPLOYMENT_VERSION_STATUS_DRAINING",
            "drainage": "VERSION_DRAINAGE_STATUS_DRAINING",
            "pollers": true,
            "openPinned": 40,
            "deletable": false
        })
    );
}

#[test]
fn a_hazard_alone_exits_1() {
    let checked = plan(
        &[
            r#"{"at": 0, "poll": {"deployment": "D", "build": "b1", "taskQueue": "tq", "type": "workflow"}}"#,
            r#"{"at": "+1m", "setCurrent": {"deployment": "D", "build": "b1", "identity": "ci"}}"#,
            r#"{"at": "+1h", "poll": {"deployment": "D", "build": "b2", "taskQueue": "tq", "type": "workflow"}}"#,
            r#"{"at": "+1m", "setRamping": {"deployment": "D", "build": "b2", "percentage": 25, "identity": "ci"}}"#,
        ],
        &["--sample", "1000"],
    );
    // The split is `deployment route`'s for wf-0 to wf-999 at 25%.
    assert_eq!(checked.code, 1, "{}", checked.err);
    let lines: Vec<&str> = checked.out.lines().collect();
    assert_eq!(
        lines[lines.len() - 6..],
        [
            "line 4 at +1h2m: ramp D:b2 at 25%: changed",
            "  D: current D:b1, ramping D:b2 at 25% (sample: 722 current, 278 ramping); 2 of 100 versions, 0 deletable",
            "    D:b1: current, pollers",
            "    D:b2: ramping, pollers",
            "hazard: end: deployment D still ramps D:b2 at 25%",
            "4 steps, no failure, 1 hazard",
        ][..]
    );
}

#[test]
fn a_malformed_line_is_bad_input_naming_its_line() {
    let checked = plan(
        &[
            r#"{"at": 1, "checkDrainage": {}}"#,
            r#"{"at": "soon", "checkDrainage": {}}"#,
        ],
        &[],
    );
    assert_eq!(
        (checked.code, checked.out.as_str(), checked.err.as_str()),
        (
            2,
            "",
            "<stdin>: line 2: at: \"soon\" is neither milliseconds nor \"+\" and a duration such as \"+90s\", \"+10m\", \"+2h\" or \"+1d\"\n"
        )
    );
    let json = plan(&[r#"{"at": 1, "describe": {}}"#], &["-o", "json"]);
    assert_eq!(json.code, 2);
    assert_eq!(
        serde_json::from_str::<Value>(&json.out).unwrap(),
        json!({"error": {"message": "<stdin>: line 1: describe is not a plan step (a plan takes setCurrent, setRamping, deleteVersion, setManager, poll, pollers, openPinned and checkDrainage)"}})
    );
}

#[test]
fn trace_prints_the_plan_as_a_trace_replay_passes() {
    let traced = plan(
        &[
            r#"{"at": 5, "poll": {"deployment": "D", "build": "b1", "taskQueue": "tq", "type": "workflow"}}"#,
            r#"{"at": "+1s", "setCurrent": {"deployment": "D", "build": "b2", "identity": "ci"}}"#,
        ],
        &["--trace"],
    );
    assert_eq!(
        (traced.code, traced.out.as_str(), traced.err.as_str()),
        (
            0,
            r#"# version-sets deployment plan <stdin> --trace
{"format": "deployments"}
{"poll":{"deployment":"D","build":"b1","taskQueue":"tq","type":"workflow"},"now":5,"expect":"changed"}
{"setCurrent":{"deployment":"D","build":"b2","identity":"ci"},"now":1005,"expect":{"error":"NOT_FOUND","message":"build ID 'b2' not found in Worker Deployment 'D'"}}
"#,
            ""
        )
    );
    let replayed = run_with(&["replay", "-"], traced.out.as_bytes());
    assert_eq!(
        (replayed.code, replayed.out.as_str()),
        (0, "2 passed, 0 failed\n")
    );
    let malformed = plan(&[r#"{"at": 1, "describe": {}}"#], &["--trace"]);
    assert_eq!(
        (
            malformed.code,
            malformed.out.as_str(),
            malformed.err.as_str()
        ),
        (
            2,
            "",
            "<stdin>: line 1: describe is not a plan step (a plan takes setCurrent, setRamping, deleteVersion, setManager, poll, pollers, openPinned and checkDrainage)\n"
        )
    );
    let with_state = plan(&[], &["--trace", "--state", DESCRIBE]);
    assert_eq!(with_state.code, 2, "{}", with_state.err);
}
