//! `diff`: two states compared for dispatch, in any forms, with the exit status of
//! `diff(1)` (0 the same for dispatch, 1 different, 2 bad input).

use crate::{run, run_with};

#[test]
fn diff_says_what_changed_and_who_it_affects() {
    let result = run(&[
        "diff",
        "cli/tests/data/operator/orders.json",
        "cli/tests/data/operator/orders-next.json",
    ]);
    assert_eq!(result.code, 1);
    assert_eq!(
        result.out,
        "\
sets:
  set removed [1.1, 1.2]
  3.1 added to [3.0, 3.1]
defaults:
  queue default: 3.0 -> 3.1
  default of [3.0, 3.1]: 3.0 -> 3.1
new workflows:
  run on 3.0 -> run on 3.1
pollers:
  1.1: refused (newer compatible build 1.2) -> unknown build ID (polls its own queue)
  1.2: accepted -> unknown build ID (polls its own queue)
  3.0: accepted -> refused (newer compatible build 3.1)
  3.1: unknown build ID (polls its own queue) -> accepted
tasks of workflows already on a build ID:
  on 1.1: run on 1.2 -> unknown build ID (its own queue)
  on 1.2: run on 1.2 -> unknown build ID (its own queue)
  on 3.0: run on 3.0 -> run on 3.1
  on 3.1: unknown build ID (its own queue) -> run on 3.1
different for dispatch
"
    );
    // The listing shows no deleted build IDs, so the dump's 1.0 is left out, and said so.
    assert_eq!(
        result.err,
        "cli/tests/data/operator/orders.json: note: cli/tests/data/operator/orders-next.json is a get-build-ids listing, which shows no deleted build IDs; cli/tests/data/operator/orders.json's 1 deleted build ID is left out\n"
    );
}

#[test]
fn the_same_queue_in_two_forms_is_the_same_for_dispatch() {
    // user-data.json's sets as the public response shows them.
    let response =
        br#"{"majorVersionSets": [{"buildIds": ["1.0", "1.1"]}, {"buildIds": ["2.0"]}]}"#;
    let result = run_with(&["diff", "cli/tests/data/user-data.json", "-"], response);
    assert_eq!(
        (result.code, result.out.as_str(), result.err.as_str()),
        (0, "same for dispatch\n", "")
    );
    let json = run_with(
        &["diff", "-", "cli/tests/data/user-data.json", "-o", "json"],
        response,
    );
    assert_eq!(json.code, 0);
    let document: serde_json::Value = serde_json::from_str(&json.out).unwrap();
    assert_eq!(
        document,
        serde_json::json!({
            "sameForDispatch": true,
            "setsBefore": [["1.0", "1.1"], ["2.0"]],
            "setsAfter": [["1.0", "1.1"], ["2.0"]],
            "sets": {"added": [], "removed": [], "merged": [], "moved": [],
                     "buildIdsAdded": [], "buildIdsRemoved": [], "deleted": [], "revived": []},
            "defaults": {"queueDefault": null, "setDefaults": []},
            "newWorkflows": null,
            "pollers": [],
            "tasks": [],
        })
    );
}

#[test]
fn diff_names_a_merge_and_the_pollers_it_refuses() {
    // user-data.json is [1.0, 1.1], [2.0]; merging 1.1's set into 2.0's keeps 2.0 the
    // default.
    let merged =
        br#"[{"buildIds": ["1.0", "1.1", "2.0"], "defaultForSet": "2.0", "isDefaultSet": true}]"#;
    let result = run_with(&["diff", "cli/tests/data/user-data.json", "-"], merged);
    assert_eq!(result.code, 1, "{}", result.err);
    assert_eq!(
        result.out,
        "\
sets:
  sets merged [1.0, 1.1] + [2.0] into [1.0, 1.1, 2.0]
pollers:
  1.0: refused (newer compatible build 1.1) -> refused (newer compatible build 2.0)
  1.1: accepted -> refused (newer compatible build 2.0)
tasks of workflows already on a build ID:
  on 1.0: run on 1.1 -> run on 2.0
  on 1.1: run on 1.1 -> run on 2.0
different for dispatch
"
    );
}

#[test]
fn diff_names_a_build_id_that_moved_and_a_set_added() {
    let moved = br#"[
        {"buildIds": ["1.0"], "defaultForSet": "1.0", "isDefaultSet": false},
        {"buildIds": ["3.0"], "defaultForSet": "3.0", "isDefaultSet": false},
        {"buildIds": ["2.0", "1.1"], "defaultForSet": "1.1", "isDefaultSet": true}
    ]"#;
    let result = run_with(
        &["diff", "cli/tests/data/user-data.json", "-", "-o", "json"],
        moved,
    );
    assert_eq!(result.code, 1, "{}", result.err);
    let document: serde_json::Value = serde_json::from_str(&result.out).unwrap();
    let accepted = serde_json::json!({"answer": "accepted", "defaultBuildId": null});
    let unknown = serde_json::json!({"answer": "unknownBuildId", "defaultBuildId": null});
    let newer = |id: &str| serde_json::json!({"answer": "newerBuildExists", "defaultBuildId": id});
    let runs_on = |id: &str| serde_json::json!({"answer": "set", "defaultBuildId": id});
    assert_eq!(
        document,
        serde_json::json!({
            "sameForDispatch": false,
            "setsBefore": [["1.0", "1.1"], ["2.0"]],
            "setsAfter": [["1.0"], ["3.0"], ["2.0", "1.1"]],
            "sets": {
                "added": [2],
                "removed": [],
                "merged": [],
                "moved": [{"buildId": "1.1", "from": 1, "to": 3}],
                "buildIdsAdded": [],
                "buildIdsRemoved": [],
                "deleted": [],
                "revived": [],
            },
            "defaults": {
                "queueDefault": {"before": "2.0", "after": "1.1"},
                "setDefaults": [
                    {"set": 1, "before": "1.1", "after": "1.0"},
                    {"set": 3, "before": "2.0", "after": "1.1"},
                ],
            },
            "newWorkflows": {"before": runs_on("2.0"), "after": runs_on("1.1")},
            "pollers": [
                {"buildId": "1.0", "before": newer("1.1"), "after": accepted},
                {"buildId": "2.0", "before": accepted, "after": newer("1.1")},
                {"buildId": "3.0", "before": unknown, "after": accepted},
            ],
            "tasks": [
                {"buildId": "1.0", "before": runs_on("1.1"), "after": runs_on("1.0")},
                {"buildId": "2.0", "before": runs_on("2.0"), "after": runs_on("1.1")},
                {"buildId": "3.0", "before": {"answer": "unknownBuildId", "defaultBuildId": null}, "after": runs_on("3.0")},
            ],
        })
    );
}

#[test]
fn diff_of_a_deletion_and_from_an_unversioned_queue() {
    // 1.0 deleted in place: a tombstone is still routed to, so dispatch is the same.
    let user_data = String::from_utf8(crate::read("cli/tests/data/user-data.json")).unwrap();
    let deleted = user_data.replacen("STATE_ACTIVE", "STATE_DELETED", 1);
    let result = run_with(
        &["diff", "cli/tests/data/user-data.json", "-"],
        deleted.as_bytes(),
    );
    assert_eq!(
        (result.code, result.out.as_str(), result.err.as_str()),
        (
            0,
            "sets:\n  1.0 deleted (a tombstone)\nsame for dispatch\n",
            ""
        )
    );
    let result = run_with(&["diff", "-", "cli/tests/data/user-data.json"], b"null");
    assert_eq!(result.code, 1);
    assert_eq!(
        result.out,
        "\
sets:
  set added [1.0, 1.1]
  set added [2.0]
defaults:
  queue default: none -> 2.0
new workflows:
  unversioned -> run on 2.0
pollers:
  1.0: unknown build ID (polls its own queue) -> refused (newer compatible build 1.1)
  1.1: unknown build ID (polls its own queue) -> accepted
  2.0: unknown build ID (polls its own queue) -> accepted
tasks of workflows already on a build ID:
  on 1.0: unknown build ID (its own queue) -> run on 1.1
  on 1.1: unknown build ID (its own queue) -> run on 1.1
  on 2.0: unknown build ID (its own queue) -> run on 2.0
different for dispatch
"
    );
}

#[test]
fn diff_bad_input_is_one_line_and_exit_2() {
    let cases: [(&[&str], &str); 3] = [
        (
            &["diff", "-", "-"],
            "A and B cannot both be standard input\n",
        ),
        (
            &[
                "diff",
                "cli/tests/data/ops.jsonl",
                "cli/tests/data/listing.json",
            ],
            "cli/tests/data/ops.jsonl: this looks like an OPS file (one operation per line), not versioning data or a trace\n",
        ),
        (
            &[
                "diff",
                "cli/tests/data/listing.json",
                "cli/tests/data/not-json.json",
            ],
            "",
        ),
    ];
    for (args, err) in cases {
        let result = run(args);
        assert_eq!(result.code, 2, "{args:?}");
        assert_eq!(result.out, "", "{args:?}");
        assert_eq!(result.err.lines().count(), 1, "{args:?}: {}", result.err);
        if !err.is_empty() {
            assert_eq!(result.err, err, "{args:?}");
        }
    }
    // Rules decide dispatch before the sets: refused, after the reader's notes.
    let rules = run(&[
        "diff",
        "cli/tests/data/stored-rules.json",
        "cli/tests/data/listing.json",
    ]);
    assert_eq!((rules.code, rules.out.as_str()), (2, ""));
    assert_eq!(
        rules.err.lines().last(),
        Some(
            "cli/tests/data/stored-rules.json: the data has assignmentRules and redirectRules (worker-versioning rules), which the server applies before the version sets for this answer; the model reads only the sets, so it does not answer"
        )
    );
}

#[test]
fn diff_cuts_a_long_set_short_in_text() {
    // Ten build IDs joined to 2.0's set: each line names the set once, cut after eight.
    let ids: Vec<String> = (0..10).map(|i| format!("\"2.0.{i}\"")).collect();
    let after = format!(
        r#"[{{"buildIds": ["1.0", "1.1"], "defaultForSet": "1.1", "isDefaultSet": false}}, {{"buildIds": ["2.0", {}], "defaultForSet": "2.0.9", "isDefaultSet": true}}]"#,
        ids.join(", ")
    );
    let result = run_with(
        &["diff", "cli/tests/data/user-data.json", "-"],
        after.as_bytes(),
    );
    assert_eq!(result.code, 1, "{}", result.err);
    let set = "[2.0, 2.0.0, 2.0.1, 2.0.2, 2.0.3, 2.0.4, 2.0.5, 2.0.6, ... and 3 more]";
    let lines: Vec<&str> = result.out.lines().take(13).collect();
    let mut expected = vec!["sets:".to_owned()];
    expected.extend((0..10).map(|i| format!("  2.0.{i} added to {set}")));
    expected.push("defaults:".to_owned());
    expected.push("  queue default: 2.0 -> 2.0.9".to_owned());
    assert_eq!(lines, expected);
}
