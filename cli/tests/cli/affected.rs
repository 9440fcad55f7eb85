//! `update --dry-run` and `apply --dry-run`: who a change affects, from the model's own
//! dispatch answers before and after (the answers that change in text, all of them in JSON).

use serde_json::json;

use crate::run;

const STATE: &str = "cli/tests/data/user-data.json";

#[test]
fn a_rollback_within_a_set_names_the_pollers_and_workflows_it_moves() {
    let result = run(&[
        "update",
        STATE,
        "promote-id-in-set",
        "--build-id",
        "1.0",
        "--dry-run",
    ]);
    assert_eq!((result.code, result.err.as_str()), (0, ""));
    assert_eq!(
        result.out,
        "\
update: {\"promoteBuildIdWithinSet\":\"1.0\"} -> changed
--- before (sets oldest first; the last build ID of a set is its default)
+++ after
- set: 1.0, 1.1
+ set: 1.1, 1.0
  set: 2.0
  queue default: 2.0
who is affected (the answers that change, before -> after):
  poller 1.0: refused (newer compatible build 1.1) -> accepted
  poller 1.1: accepted -> refused (newer compatible build 1.0)
  workflows on 1.0, 1.1: run on 1.1 (set [1.0, 1.1]) -> run on 1.0 (set [1.1, 1.0])
    new work they start with intent compatible or unspecified: set default 1.1 -> set default 1.0
  unchanged: 1 poller(s), the workflows of 1 build ID(s) otherwise
"
    );
}

#[test]
fn promoting_a_set_moves_only_new_workflows_and_default_intent_work() {
    let result = run(&[
        "update",
        STATE,
        "promote-set",
        "--build-id",
        "1.0",
        "--dry-run",
    ]);
    assert_eq!((result.code, result.err.as_str()), (0, ""));
    let affected: Vec<&str> = result
        .out
        .lines()
        .skip_while(|line| !line.starts_with("who is affected"))
        .collect();
    assert_eq!(
        affected,
        [
            "who is affected (the answers that change, before -> after):",
            "  new workflows: run on 2.0 (set [2.0]) -> run on 1.1 (set [1.0, 1.1])",
            "  any workflow's new work with intent default: set default 2.0 -> set default 1.1",
            "  unchanged: 3 poller(s), the workflows of 3 build ID(s) otherwise",
        ]
    );
}

#[test]
fn a_merge_refuses_the_secondary_sets_default_and_moves_its_workflows() {
    let result = run(&[
        "update",
        STATE,
        "merge-sets",
        "--primary-build-id",
        "2.0",
        "--secondary-build-id",
        "1.0",
        "--dry-run",
    ]);
    assert_eq!((result.code, result.err.as_str()), (0, ""));
    let affected: Vec<&str> = result
        .out
        .lines()
        .skip_while(|line| !line.starts_with("who is affected"))
        .collect();
    assert_eq!(
        affected,
        [
            "who is affected (the answers that change, before -> after):",
            "  poller 1.0: refused (newer compatible build 1.1) -> refused (newer compatible build 2.0)",
            "  poller 1.1: accepted -> refused (newer compatible build 2.0)",
            "  new workflows: run on 2.0 (set [2.0]) -> run on 2.0 (set [1.0, 1.1, 2.0])",
            "  workflows on 1.0, 1.1: run on 1.1 (set [1.0, 1.1]) -> run on 2.0 (set [1.0, 1.1, 2.0])",
            "    new work they start with intent compatible or unspecified: set default 1.1 -> set default 2.0",
            "  workflows on 2.0: run on 2.0 (set [2.0]) -> run on 2.0 (set [1.0, 1.1, 2.0])",
            "  unchanged: 1 poller(s), the workflows of 0 build ID(s) otherwise",
        ]
    );
}

#[test]
fn a_change_that_changes_nothing_affects_nobody() {
    let result = run(&[
        "update",
        STATE,
        "promote-set",
        "--build-id",
        "2.0",
        "--dry-run",
    ]);
    assert_eq!((result.code, result.err.as_str()), (0, ""));
    assert_eq!(
        result.out,
        "update: {\"promoteSetByBuildId\":\"2.0\"} -> noop\nno change\n"
    );
    let json = run(&[
        "update",
        STATE,
        "promote-set",
        "--build-id",
        "2.0",
        "--dry-run",
        "-o",
        "json",
    ]);
    let document: serde_json::Value = serde_json::from_str(&json.out).unwrap();
    let changed: Vec<&serde_json::Value> = document["affected"]["pollers"]
        .as_array()
        .unwrap()
        .iter()
        .chain(
            document["affected"]["existingWorkflows"]
                .as_array()
                .unwrap(),
        )
        .map(|entry| &entry["changed"])
        .chain([&document["affected"]["newWorkflows"]["changed"]])
        .collect();
    assert_eq!(changed, [&json!(false); 6]);
}

#[test]
fn json_lists_every_answer_with_whether_it_changed() {
    let result = run(&[
        "update",
        STATE,
        "promote-set",
        "--build-id",
        "1.1",
        "--dry-run",
        "-o",
        "json",
    ]);
    assert_eq!((result.code, result.err.as_str()), (0, ""));
    let document: serde_json::Value = serde_json::from_str(&result.out).unwrap();
    let set =
        |ids: &[&str], runs_on: &str| json!({"answer": "set", "buildIds": ids, "runsOn": runs_on});
    let same =
        |value: serde_json::Value| json!({"before": value, "after": value, "changed": false});
    let default_moves = json!({
        "before": {"setDefault": "2.0"},
        "after": {"setDefault": "1.1"},
        "changed": true,
    });
    assert_eq!(
        document["affected"],
        json!({
            "pollers": [
                {
                    "buildId": "1.0",
                    "before": {"answer": "newerBuildExists", "newerBuildId": "1.1"},
                    "after": {"answer": "newerBuildExists", "newerBuildId": "1.1"},
                    "changed": false,
                },
                {
                    "buildId": "1.1",
                    "before": {"answer": "accepted", "newerBuildId": null},
                    "after": {"answer": "accepted", "newerBuildId": null},
                    "changed": false,
                },
                {
                    "buildId": "2.0",
                    "before": {"answer": "accepted", "newerBuildId": null},
                    "after": {"answer": "accepted", "newerBuildId": null},
                    "changed": false,
                },
            ],
            "newWorkflows": {
                "before": set(&["2.0"], "2.0"),
                "after": set(&["1.0", "1.1"], "1.1"),
                "changed": true,
            },
            "existingWorkflows": [
                {
                    "buildIds": ["1.0", "1.1"],
                    "tasks": same(set(&["1.0", "1.1"], "1.1")),
                    "intents": {
                        "VERSIONING_INTENT_COMPATIBLE": same(json!({"setDefault": "1.1"})),
                        "VERSIONING_INTENT_UNSPECIFIED": same(json!({"setDefault": "1.1"})),
                        "VERSIONING_INTENT_DEFAULT": default_moves,
                    },
                    "changed": true,
                },
                {
                    "buildIds": ["2.0"],
                    "tasks": same(set(&["2.0"], "2.0")),
                    "intents": {
                        "VERSIONING_INTENT_COMPATIBLE": same(json!({"setDefault": "2.0"})),
                        "VERSIONING_INTENT_UNSPECIFIED": same(json!({"setDefault": "2.0"})),
                        "VERSIONING_INTENT_DEFAULT": default_moves,
                    },
                    "changed": true,
                },
            ],
        })
    );
}

#[test]
fn a_failed_dry_run_affects_nobody_in_json() {
    let result = run(&[
        "update",
        STATE,
        "promote-set",
        "--build-id",
        "9.9",
        "--dry-run",
        "-o",
        "json",
    ]);
    assert_eq!(result.code, 1);
    let document: serde_json::Value = serde_json::from_str(&result.out).unwrap();
    let keys: Vec<&String> = document.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["affected", "assumed", "operations", "state"]);
    assert_eq!(
        (
            &document["state"],
            &document["affected"],
            &document["assumed"]
        ),
        (&json!(null), &json!(null), &json!([]))
    );
}
