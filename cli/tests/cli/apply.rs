//! `apply`: the new state, dry runs, failing operations, limits and bad input.

use crate::{run, run_with};

#[test]
fn apply_prints_the_new_state() {
    let result = run(&[
        "apply",
        "examples/rollout.jsonl",
        "cli/tests/data/ops.jsonl",
        "--now",
        "100ms",
    ]);
    assert_eq!((result.code, result.err.as_str()), (0, ""));
    let shown = run_with(&["show", "-"], result.out.as_bytes());
    assert_eq!(
        shown.out,
        "\
task queue: 3 sets, 5 build IDs, default build ID deadbeef.1
|-- set 1
|   |-- cafe
|   `-- f00d (set default)
|-- set 2
|   `-- g00d (set default)
`-- set 3 (default set)
    |-- deadbeef
    `-- deadbeef.1 (set default, queue default)
"
    );
    let data: serde_json::Value = serde_json::from_str(&result.out).unwrap();
    assert_eq!(
        data["versionSets"][2]["becameDefaultTimestamp"]["wallClock"],
        "100"
    );
}

#[test]
fn apply_prints_a_public_forms_new_state_as_the_response() {
    // The listing carries no set IDs or timestamps: the stored form would print made-up
    // ones, so the new state is the response, which holds neither, and a note says why.
    // The listing shows no deleted build IDs either: g00d, in none of its sets, is added
    // only on the assumption that it was never deleted, which the user chooses.
    let refused = run(&[
        "apply",
        "cli/tests/data/listing.json",
        "cli/tests/data/ops.jsonl",
    ]);
    assert_eq!(
        (refused.code, refused.out.as_str(), refused.err.as_str()),
        (
            2,
            "",
            "cli/tests/data/listing.json: the answer for g00d, which is in no listed set, needs the deleted build IDs (the server keeps a deleted one in its set), which a get-build-ids listing does not carry; give the stored data (a tdbg dump: TaskQueueUserData, or stored VersioningData), or --assume-not-deleted to answer as for a build ID never deleted (cli/tests/data/ops.jsonl:2)\n"
        )
    );
    let result = run(&[
        "apply",
        "cli/tests/data/listing.json",
        "cli/tests/data/ops.jsonl",
        "--assume-not-deleted",
    ]);
    assert_eq!(
        (result.code, result.err.as_str()),
        (
            0,
            "cli/tests/data/ops.jsonl:2: assumed: g00d is not a deleted build ID of the queue (--assume-not-deleted; a get-build-ids listing leaves deleted ones out)\n\
             cli/tests/data/listing.json: note: the new state is printed as a majorVersionSets response: a get-build-ids listing carries no set IDs or timestamps for the stored form\n"
        )
    );
    let data: serde_json::Value = serde_json::from_str(&result.out).unwrap();
    assert_eq!(
        data,
        serde_json::json!({"majorVersionSets": [
            {"buildIds": ["cafe", "f00d"]},
            {"buildIds": ["g00d"]},
            {"buildIds": ["deadbeef", "deadbeef.1"]},
        ]})
    );
    let dry = run(&[
        "apply",
        "cli/tests/data/public.json",
        "cli/tests/data/ops.jsonl",
        "--dry-run",
        "--assume-not-deleted",
        "-o",
        "json",
    ]);
    let data: serde_json::Value = serde_json::from_str(&dry.out).unwrap();
    assert_eq!(dry.code, 0);
    assert_eq!(
        data["state"]["majorVersionSets"][2],
        serde_json::json!({"buildIds": ["deadbeef", "deadbeef.1"]})
    );
}

#[test]
fn apply_refuses_a_merge_of_sets_ordered_by_made_up_timestamps() {
    let ops = br#"{"mergeSets": {"primarySetBuildId": "f00d", "secondarySetBuildId": "cafe"}}"#;
    for state in ["cli/tests/data/listing.json", "cli/tests/data/public.json"] {
        let result = run_with(&["apply", state, "-", "--dry-run"], ops);
        let shape = if state.ends_with("listing.json") {
            "get-build-ids listing"
        } else {
            "majorVersionSets response"
        };
        assert_eq!(
            (result.code, result.out.as_str(), result.err),
            (
                2,
                "",
                format!(
                    "{state}: the merge-sets (<stdin>:1), which orders the merged set by timestamp, needs the build IDs' timestamps, which a {shape} does not carry; give the stored data (a tdbg dump: TaskQueueUserData, or stored VersioningData)\n"
                )
            )
        );
    }
    let stored = run_with(
        &["apply", "cli/tests/data/user-data.json", "-", "--dry-run"],
        br#"{"mergeSets": {"primarySetBuildId": "2.0", "secondarySetBuildId": "1.0"}}"#,
    );
    assert_eq!((stored.code, stored.err.as_str()), (0, ""));
}

#[test]
fn apply_dry_run_prints_outcomes_a_diff_and_who_is_affected() {
    let result = run(&[
        "apply",
        "examples/rollout.jsonl",
        "cli/tests/data/ops.jsonl",
        "--dry-run",
    ]);
    assert_eq!(result.code, 0);
    assert_eq!(
        result.out,
        "\
cli/tests/data/ops.jsonl:2: {\"addNewBuildIdInNewDefaultSet\":\"g00d\"} -> changed
cli/tests/data/ops.jsonl:3: {\"promoteSetByBuildId\":\"deadbeef\"} -> changed
cli/tests/data/ops.jsonl:4: {\"promoteSetByBuildId\":\"deadbeef\"} -> noop
--- before (sets oldest first; the last build ID of a set is its default)
+++ after
- set: deadbeef, deadbeef.1
  set: cafe, f00d
- queue default: f00d
+ set: g00d
+ set: deadbeef, deadbeef.1
+ queue default: deadbeef.1
who is affected (the answers that change, before -> after):
  poller g00d: unknown build ID (polls its own queue) -> accepted
  new workflows: run on f00d (set [cafe, f00d]) -> run on deadbeef.1 (set [deadbeef, deadbeef.1])
  any workflow's new work with intent default: set default f00d -> set default deadbeef.1
  workflows on g00d: unknown build ID (its own queue) -> run on g00d (set [g00d])
    new work they start with intent compatible or unspecified: exact build ID g00d -> set default g00d
  unchanged: 4 poller(s), the workflows of 4 build ID(s) otherwise
"
    );
}

#[test]
fn apply_stops_at_the_first_failing_operation() {
    let result = run(&[
        "apply",
        "cli/tests/data/user-data.json",
        "cli/tests/data/ops-failing.jsonl",
    ]);
    assert_eq!((result.code, result.out.as_str()), (1, ""));
    assert_eq!(
        result.err,
        "cli/tests/data/ops-failing.jsonl:2: NOT_FOUND: targeted secondary version nope not found\n"
    );
    let dry = run(&[
        "apply",
        "cli/tests/data/user-data.json",
        "cli/tests/data/ops-failing.jsonl",
        "--dry-run",
    ]);
    assert_eq!(dry.code, 1);
    assert_eq!(
        dry.out,
        "\
cli/tests/data/ops-failing.jsonl:1: {\"addNewBuildIdInNewDefaultSet\":\"g00d\"} -> changed
cli/tests/data/ops-failing.jsonl:2: {\"mergeSets\":{\"primarySetBuildId\":\"g00d\",\"secondarySetBuildId\":\"nope\"}} -> NOT_FOUND: targeted secondary version nope not found
cli/tests/data/ops-failing.jsonl:2 fails, so the run would stop there and print no state
"
    );
}

#[test]
fn apply_checks_limits() {
    let result = run(&[
        "apply",
        "cli/tests/data/public.json",
        "cli/tests/data/ops.jsonl",
        "--limits",
        "2,0",
        "--assume-not-deleted",
    ]);
    assert_eq!(result.code, 1);
    assert_eq!(
        result.err,
        "cli/tests/data/ops.jsonl:2: assumed: g00d is not a deleted build ID of the queue (--assume-not-deleted; a majorVersionSets response leaves deleted ones out)\n\
         cli/tests/data/ops.jsonl:2: FAILED_PRECONDITION: update would exceed number of compatible version sets permitted in namespace dynamic config (3/2) (limits applied: 2 sets, unlimited build IDs; --limits changes them)\n"
    );
    let server = run(&[
        "apply",
        "cli/tests/data/public.json",
        "cli/tests/data/ops.jsonl",
        "--limits",
        "server",
        "--dry-run",
        "--assume-not-deleted",
    ]);
    assert_eq!(server.code, 0);
    let bad = run(&[
        "apply",
        "cli/tests/data/public.json",
        "cli/tests/data/ops.jsonl",
        "--limits",
        "2",
    ]);
    assert_eq!(bad.code, 2);
    assert!(bad.err.starts_with("error: invalid value '2' for '--limits <LIMITS>': expected none, server or MAX_SETS,MAX_BUILD_IDS (e.g. 10,100)\n"), "{}", bad.err);
}

#[test]
fn apply_refuses_bad_input() {
    let cases: [(&[&str], &str); 3] = [
        (
            &[
                "apply",
                "cli/tests/data/public.json",
                "cli/tests/data/ops-malformed.jsonl",
            ],
            "cli/tests/data/ops-malformed.jsonl:2: a line holds the operation itself, without the trace's \"update\" key, e.g. {\"promoteSetByBuildId\": \"1.0\"}\n",
        ),
        (
            &["apply", "-", "-"],
            "STATE and OPS cannot both be standard input\n",
        ),
        (
            &[
                "apply",
                "cli/tests/data/stored-types.json",
                "cli/tests/data/ops.jsonl",
            ],
            "cli/tests/data/stored-types.json: taskQueue: unknown field `taskQueue`, expected `versionSets`\n",
        ),
    ];
    for (args, message) in cases {
        let result = run(args);
        assert_eq!(
            (result.code, result.out.as_str(), result.err.as_str()),
            (2, "", message),
            "{args:?}"
        );
    }
}
