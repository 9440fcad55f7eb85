//! `version-sets deployment route`: where new workflows go, by the routing of a deployment
//! as Temporal's tools print it (the captures of `deployments/tests/data/`), word for word.

use serde_json::{Value, json};

use super::{run, run_with};

const DESCRIBE: &str = "deployments/tests/data/describe.json";
const GRPC: &str = "deployments/tests/data/grpc-describe.json";
const LIST: &str = "deployments/tests/data/list.json";
const UNVERSIONED_RAMP: &str = "deployments/tests/data/describe-unversioned-ramp.json";
const VERSION: &str = "deployments/tests/data/describe-version.json";

fn describe_with(from: &str, to: &str) -> String {
    let text = String::from_utf8(super::read(DESCRIBE)).unwrap();
    assert!(text.contains(from), "{from}");
    text.replacen(from, to, 1)
}

/// `describe.json` with the ramp at `percentage`.
fn at(percentage: &str) -> String {
    describe_with(
        r#""rampingVersionPercentage": 10"#,
        &format!(r#""rampingVersionPercentage": {percentage}"#),
    )
}

#[test]
fn each_id_goes_by_its_threshold_against_the_percentage() {
    let routed = run(&[
        "deployment",
        "route",
        DESCRIBE,
        "ramp-wf-0",
        "ramp-wf-1",
        "x",
        "edge-wf-809",
    ]);
    assert_eq!(
        (routed.code, routed.out.as_str(), routed.err.as_str()),
        (
            0,
            "deployment D (describe): current D:b1, ramping D:b2 at 10%\n\
             ramp-wf-0 -> D:b1 (current): threshold 94.785301014781 > 10\n\
             ramp-wf-1 -> D:b1 (current): threshold 18.2819013716653 > 10\n\
             x -> D:b2 (ramping): threshold 5.013483297079802 <= 10\n\
             edge-wf-809 -> D:b2 (ramping): threshold 8.232688903808594 <= 10\n\
             split: 2 current, 2 ramping, of 4\n",
            ""
        )
    );
}

#[test]
fn every_shape_of_a_deployment_routes_alike() {
    let text = |state: &str| {
        let routed = run(&["deployment", "route", state, "x", "ramp-wf-0"]);
        assert_eq!(routed.code, 0, "{state}: {}", routed.err);
        routed.out.lines().skip(1).collect::<Vec<_>>().join("\n")
    };
    assert_eq!(text(GRPC), text(DESCRIBE));
    assert_eq!(text(LIST), text(DESCRIBE));
    let grpc = run(&["deployment", "route", GRPC]);
    assert_eq!(
        grpc.out,
        "deployment D (grpc): current D:b1, ramping D:b2 at 10% (revision 2)\n"
    );
}

#[test]
fn a_threshold_equal_to_the_percentage_is_ramped_and_one_ulp_less_is_not() {
    // `edge-wf-18534`'s threshold is the float32 50.551987 (deployments/docs/specification.md section E.2, observed live).
    let equal = at("50.551987");
    let routed = run_with(
        &["deployment", "route", "-", "edge-wf-18534"],
        equal.as_bytes(),
    );
    assert_eq!(
        routed.out.lines().nth(1),
        Some("edge-wf-18534 -> D:b2 (ramping): threshold 50.55198669433594 <= 50.551987")
    );
    let below = at("50.55198287963867");
    let routed = run_with(
        &["deployment", "route", "-", "edge-wf-18534"],
        below.as_bytes(),
    );
    assert_eq!(
        routed.out.lines().nth(1),
        Some("edge-wf-18534 -> D:b1 (current): threshold 50.55198669433594 > 50.551983")
    );
}

#[test]
fn zero_hundred_no_ramp_and_unversioned_say_so() {
    let line = |state: String| {
        let routed = run_with(&["deployment", "route", "-", "x"], state.as_bytes());
        assert_eq!(routed.code, 0, "{}", routed.err);
        routed.out
    };
    assert_eq!(
        line(at("0")),
        "deployment D (describe): current D:b1, ramping D:b2 at 0%\nx -> D:b1 (current): the ramp is at 0%\nsplit: 1 current, 0 ramping, of 1\n"
    );
    assert_eq!(
        line(at("100")),
        "deployment D (describe): current D:b1, ramping D:b2 at 100%\nx -> D:b2 (ramping): the ramp is at 100%\nsplit: 0 current, 1 ramping, of 1\n"
    );
    let no_ramp = at("0")
        .replace(
            r#""rampingVersionDeploymentName": "D""#,
            r#""rampingVersionDeploymentName": """#,
        )
        .replace(
            r#""rampingVersionBuildID": "b2""#,
            r#""rampingVersionBuildID": """#,
        )
        .replace(
            r#""currentVersionDeploymentName": "D""#,
            r#""currentVersionDeploymentName": """#,
        )
        .replace(
            r#""currentVersionBuildID": "b1""#,
            r#""currentVersionBuildID": """#,
        );
    assert_eq!(
        line(no_ramp),
        "deployment D (describe): current unversioned, no ramp\nx -> unversioned (current): no ramp\nsplit: 1 current, 0 ramping, of 1\n"
    );
    let unversioned = String::from_utf8(super::read(UNVERSIONED_RAMP)).unwrap();
    assert_eq!(
        line(unversioned),
        "deployment D (describe): current D:b1, ramping unversioned at 30%\nx -> unversioned (ramping): threshold 5.013483297079802 <= 30\nsplit: 0 current, 1 ramping, of 1\n"
    );
}

#[test]
fn json_is_one_document_whose_numbers_read_back_exactly() {
    let routed = run(&[
        "deployment",
        "route",
        GRPC,
        "x",
        "ramp-wf-0",
        "-o",
        "json",
        "--sample-ramped",
        "2",
    ]);
    assert_eq!((routed.code, routed.err.as_str()), (0, ""));
    let document: Value = serde_json::from_str(&routed.out).unwrap();
    assert_eq!(
        document,
        json!({
            "deployment": "D",
            "form": "grpc",
            "routing": {"current": "D:b1", "ramp": {"version": "D:b2", "percentage": 10.0}, "revision": 2},
            "workflows": [
                {"workflowId": "x", "version": "D:b2", "to": "ramping", "threshold": 5.013483297079802, "reason": "threshold 5.013483297079802 <= 10"},
                {"workflowId": "ramp-wf-0", "version": "D:b1", "to": "current", "threshold": 94.785301014781, "reason": "threshold 94.785301014781 > 10"},
            ],
            "split": {"current": 1, "ramping": 1},
            "samples": {"ramping": ["wf-3", "wf-8"], "current": null},
            "existing": [],
            "notes": [],
        })
    );
    // 100 * Fingerprint32 / 2^32 for `x` (deployments/docs/specification.md section E.2's table: 215327468).
    let threshold = document["workflows"][0]["threshold"].as_f64().unwrap();
    assert_eq!(threshold, 100.0 * (215_327_468_f64 / 4_294_967_296.0));
}

#[test]
fn ids_come_from_arguments_a_file_and_standard_input() {
    let dir = std::env::temp_dir().join(format!("wdroute-ids-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("ids.txt");
    std::fs::write(&file, "ramp-wf-1\r\n\nx\n").unwrap();
    let from_file = run(&[
        "deployment",
        "route",
        DESCRIBE,
        "a",
        "--file",
        file.to_str().unwrap(),
    ]);
    let state = super::read(DESCRIBE);
    let state_file = dir.join("state.json");
    std::fs::write(&state_file, &state).unwrap();
    let from_stdin = run_with(
        &[
            "deployment",
            "route",
            state_file.to_str().unwrap(),
            "a",
            "--file",
            "-",
        ],
        b"ramp-wf-1\r\n\nx\n",
    );
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(from_file.out, from_stdin.out);
    assert_eq!(
        from_file.out.lines().skip(1).collect::<Vec<_>>(),
        [
            "a -> D:b1 (current): threshold 23.668273095972836 > 10",
            "ramp-wf-1 -> D:b1 (current): threshold 18.2819013716653 > 10",
            "x -> D:b2 (ramping): threshold 5.013483297079802 <= 10",
            "split: 2 current, 1 ramping, of 3",
        ]
    );
}

#[test]
fn samples_are_the_first_ids_of_the_prefix_on_each_side() {
    let routed = run(&[
        "deployment",
        "route",
        DESCRIBE,
        "--sample-ramped",
        "3",
        "--sample-current",
        "2",
        "--prefix",
        "canary",
    ]);
    let text = |id: &str| run(&["deployment", "route", DESCRIBE, id]).out;
    let samples: Vec<&str> = routed.out.lines().skip(1).collect();
    assert_eq!(samples.len(), 2, "{}", routed.out);
    let ramped: Vec<&str> = samples[0]
        .strip_prefix("samples to ramping: ")
        .unwrap()
        .split(' ')
        .collect();
    let current: Vec<&str> = samples[1]
        .strip_prefix("samples to current: ")
        .unwrap()
        .split(' ')
        .collect();
    assert_eq!((ramped.len(), current.len()), (3, 2));
    for id in &ramped {
        assert!(text(id).contains("(ramping)"), "{id}");
    }
    for id in &current {
        assert!(text(id).contains("(current)"), "{id}");
    }
    // The first: every earlier candidate goes to the other side.
    let last: usize = ramped[2].strip_prefix("canary-").unwrap().parse().unwrap();
    for i in 0..last {
        let id = format!("canary-{i}");
        assert_eq!(
            ramped.contains(&id.as_str()),
            text(&id).contains("(ramping)"),
            "{id}"
        );
    }
}

#[test]
fn samples_that_cannot_be_found_exit_1() {
    let routed = run_with(
        &["deployment", "route", "-", "--sample-ramped", "1"],
        at("0").as_bytes(),
    );
    assert_eq!(
        (routed.code, routed.err.as_str()),
        (
            1,
            "found 0 of 1 workflow IDs that go to the ramping version among wf-0 to wf-999999\n"
        )
    );
    assert_eq!(
        routed.out,
        "deployment D (describe): current D:b1, ramping D:b2 at 0%\nsamples to ramping: none\n"
    );
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    let refused = |args: &[&str], stdin: &str| {
        let run = run_with(args, stdin.as_bytes());
        assert_eq!((run.code, run.out.as_str()), (2, ""), "{args:?}");
        assert_eq!(run.err.lines().count(), 1, "{args:?}: {}", run.err);
        run.err.trim_end().to_owned()
    };
    assert_eq!(
        refused(&["deployment", "route", VERSION, "x"], ""),
        format!(
            "{VERSION}: describe-version shows one version, not the deployment's routing; give `temporal worker deployment describe -o json`"
        )
    );
    let two = format!(
        "[{0}, {1}]",
        String::from_utf8(super::read(DESCRIBE)).unwrap(),
        String::from_utf8(super::read(DESCRIBE))
            .unwrap()
            .replace("\"D\"", "\"E\"")
    );
    assert_eq!(
        refused(&["deployment", "route", "-", "x"], &two),
        "<stdin>: the listing has 2 deployments; name one with --deployment"
    );
    let picked = run_with(
        &["deployment", "route", "-", "x", "--deployment", "E"],
        two.as_bytes(),
    );
    assert_eq!(
        picked.out.lines().next(),
        Some("deployment E (list): current E:b1, ramping E:b2 at 10%")
    );
    assert_eq!(
        refused(&["deployment", "route", "-", "--deployment", "F"], &two),
        "<stdin>: the listing has no deployment \"F\""
    );
    assert_eq!(
        refused(&["deployment", "route", "-"], "[]"),
        "<stdin>: the listing has no deployment"
    );
    assert_eq!(
        refused(&["deployment", "route", DESCRIBE, "--deployment", "E"], ""),
        format!("{DESCRIBE}: shows deployment \"D\", not \"E\"")
    );
    assert_eq!(
        refused(&["deployment", "route", DESCRIBE, "x", ""], ""),
        "a workflow ID is empty; the server routes an empty ID by a random draw"
    );
    assert_eq!(
        refused(&["deployment", "route", "-", "x"], &at("101")),
        "<stdin>: routingConfig.rampingVersionPercentage: 101 is not a percentage from 0 to 100"
    );
    assert_eq!(
        refused(&["deployment", "route", "-", "--file", "-"], ""),
        "- is given 2 times; standard input can be read only once"
    );
    assert_eq!(
        refused(&["deployment", "route", "no-such-file.json"], ""),
        "no-such-file.json: cannot read: No such file or directory (os error 2)"
    );
    let json = run_with(&["deployment", "route", "-", "x", "-o", "json"], b"{}");
    assert_eq!(json.code, 2);
    let document: Value = serde_json::from_str(&json.out).unwrap();
    assert_eq!(document, json!({"error": {"message": json.err.trim_end()}}));
}

const EXISTING: &str = "cli/tests/data/deployment/existing.jsonl";

#[test]
fn existing_workflows_go_by_behavior_revision_and_override() {
    let routed = run(&["deployment", "route", GRPC, "--existing", EXISTING]);
    assert_eq!((routed.code, routed.err.as_str()), (0, ""));
    assert_eq!(
        routed.out.lines().skip(1).collect::<Vec<_>>(),
        [
            "existing p1 -> D:b1: pinned to D:b1",
            "existing x -> D:b2: auto-upgrade, follows the routing to D:b2",
            "existing x -> D:b1: auto-upgrade, stays on D:b1: the target D:b2 is of its deployment at revision 2 < its revision 3 (the revision rule)",
            "existing ramp-wf-0 -> D:b1: auto-upgrade, follows the routing to D:b1",
            "existing u -> D:b1: unversioned, routed as a new workflow",
            "existing o -> D:b2: one-time override to D:b2 (pinned until a task completes there)",
            "existing o2 -> D:b2: pinned by override to D:b2",
        ]
    );
    let json = run(&[
        "deployment",
        "route",
        GRPC,
        "--existing",
        EXISTING,
        "-o",
        "json",
    ]);
    let document: Value = serde_json::from_str(&json.out).unwrap();
    assert_eq!(
        document["existing"][2],
        json!({"workflowId": "x", "version": "D:b1", "reason": "auto-upgrade, stays on D:b1: the target D:b2 is of its deployment at revision 2 < its revision 3 (the revision rule)"})
    );
    assert_eq!(document["existing"].as_array().unwrap().len(), 7);
}

#[test]
fn the_revision_rule_is_refused_without_the_revision() {
    let refused = run(&["deployment", "route", DESCRIBE, "--existing", EXISTING]);
    assert_eq!(
        (refused.code, refused.out.as_str(), refused.err.as_str()),
        (
            2,
            "",
            "workflow x: the revision rule needs the routing's revision, which describe and list do not print; give DescribeWorkerDeployment's gRPC JSON (the workflow's revision is 1)\n"
        )
    );
    // Revision 0 (or none given) needs no revision: any routing's is at least 0.
    let answered = run_with(
        &["deployment", "route", DESCRIBE, "--existing", "-"],
        br#"{"workflowId": "x", "behavior": "auto-upgrade", "version": "D:b1"}"#,
    );
    assert_eq!(
        answered.out.lines().nth(1),
        Some("existing x -> D:b2: auto-upgrade, follows the routing to D:b2")
    );
}

#[test]
fn a_malformed_existing_line_is_one_line_and_exit_2() {
    let refused = |line: &str| {
        let run = run_with(
            &["deployment", "route", DESCRIBE, "--existing", "-"],
            line.as_bytes(),
        );
        assert_eq!((run.code, run.out.as_str()), (2, ""), "{line}");
        run.err
    };
    assert_eq!(
        refused(r#"{"workflowId": "a", "behavior": "pinned", "extra": 1}"#),
        "<stdin>: line 1: extra: unknown field `extra`, expected one of `workflowId`, `behavior`, `version`, `revision`, `override` at line 1 column 49\n"
    );
    assert_eq!(
        refused("\n{\"workflowId\": \"a\", \"behavior\": \"pinned\"}"),
        "<stdin>: line 2: version: missing; a pinned or auto-upgrade workflow runs on a version\n"
    );
    assert_eq!(
        refused(r#"{"workflowId": "a", "behavior": "sticky"}"#),
        "<stdin>: line 1: behavior: unknown variant `sticky`, expected one of `pinned`, `auto-upgrade`, `unversioned` at line 1 column 40\n"
    );
    assert_eq!(
        refused(r#"{"workflowId": "a", "behavior": "pinned", "version": "Db"}"#),
        "<stdin>: line 1: version: expected delimiter ':' or '.' not found in version string Db\n"
    );
    assert_eq!(
        refused(r#"{"workflowId": "", "behavior": "unversioned"}"#),
        "<stdin>: line 1: workflowId: empty; the server routes an empty ID by a random draw\n"
    );
    assert_eq!(
        refused("nope"),
        "<stdin>: line 1: expected ident at line 1 column 2\n"
    );
    let twice = run(&["deployment", "route", "-", "--file", "-", "--existing", "-"]);
    assert_eq!(
        (twice.code, twice.err.as_str()),
        (
            2,
            "- is given 3 times; standard input can be read only once\n"
        )
    );
}
