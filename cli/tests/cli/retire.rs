//! `retire`: every build ID's role, whether the scavenger would remove it now and every
//! rule that keeps it, beside its reachability; refused on the forms without timestamps.

use crate::{run, run_with};

/// The example queue of the README: a deleted 1.0, a set [1.1, 1.2] that has been idle for
/// weeks, a set [2.0, 2.1] whose workflows still exist, and the queue default 3.0.
const ORDERS: &str = "cli/tests/data/operator/orders.json";

const AT: [&str; 6] = [
    "--now",
    "2024-12-10T09:00:00Z",
    "--retention",
    "30d",
    "--has-workflows",
    "2.0,2.1",
];

fn retire(extra: &[&str]) -> crate::Run {
    let mut args = vec!["retire", ORDERS];
    args.extend(AT);
    args.extend(extra);
    run(&args)
}

#[test]
fn retire_prints_every_build_id_with_its_role_verdict_and_reasons() {
    let result = retire(&[]);
    assert_eq!(
        (result.code, result.err.as_str()),
        (0, ""),
        "{}",
        result.err
    );
    assert_eq!(
        result.out,
        "\
BUILD ID  SET  ROLE           REMOVABLE  REACHABILITY        WHY NOT
1.0       1    deleted        no         unreachable         already deleted (a tombstone)
1.1       1    compatible     yes        unreachable
1.2       1    set default    yes        unreachable
2.0       2    compatible     no         unreachable         has workflows (--has-workflows)
2.1       2    set default    no         EXISTING_WORKFLOWS  its set's default, while another of the set stays; changed 20days ago, within --retention 30days; has workflows (--has-workflows)
3.0       3    queue default  no         NEW_WORKFLOWS       the queue's default; changed 8days ago, within --retention 30days
"
    );
}

#[test]
fn retire_names_the_time_rules_with_their_figures() {
    // A day after 3.0 became the default, with the hour raised to two days and the
    // retention just over: a rule keeps while less than its time has passed.
    let result = run(&[
        "retire",
        ORDERS,
        "--now",
        "2024-12-03T09:00:00Z",
        "--retention",
        "1d 1s",
        "--min-since-default",
        "2d",
        "--has-workflows",
        "",
    ]);
    assert_eq!(result.code, 0, "{}", result.err);
    assert_eq!(
        result.out,
        "\
BUILD ID  SET  ROLE           REMOVABLE  REACHABILITY   WHY NOT
1.0       1    deleted        no         unreachable    already deleted (a tombstone)
1.1       1    compatible     yes        unreachable
1.2       1    set default    yes        unreachable
2.0       2    compatible     yes        unreachable
2.1       2    set default    yes        unreachable
3.0       3    queue default  no         NEW_WORKFLOWS  the queue's default; became default 1day ago, less than --min-since-default 2days; changed 1day ago, within --retention 1day 1s
"
    );
}

#[test]
fn retire_says_removable_for_exactly_what_gc_lists() {
    let retired = retire(&["-o", "json"]);
    let document: serde_json::Value = serde_json::from_str(&retired.out).unwrap();
    let removable: Vec<&str> = document["buildIds"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|row| row["removable"] == true)
        .map(|row| row["buildId"].as_str().unwrap())
        .collect();
    let mut args = vec!["gc", ORDERS];
    args.extend(AT);
    let gc = run(&args);
    assert_eq!(gc.code, 0, "{}", gc.err);
    assert_eq!(removable, gc.out.lines().collect::<Vec<_>>());
    assert_eq!(removable, ["1.1", "1.2"]);
}

#[test]
fn retire_json_is_one_document_with_every_rule() {
    let result = retire(&["-o", "json"]);
    assert_eq!(result.code, 0, "{}", result.err);
    let document: serde_json::Value = serde_json::from_str(&result.out).unwrap();
    assert_eq!(
        document,
        serde_json::json!({"buildIds": [
            {"buildId": "1.0", "set": 1, "role": "deleted", "removable": false,
             "reachability": [], "keptBy": ["deleted"]},
            {"buildId": "1.1", "set": 1, "role": "compatible", "removable": true,
             "reachability": [], "keptBy": []},
            {"buildId": "1.2", "set": 1, "role": "set-default", "removable": true,
             "reachability": [], "keptBy": []},
            {"buildId": "2.0", "set": 2, "role": "compatible", "removable": false,
             "reachability": [], "keptBy": ["has-workflows"]},
            {"buildId": "2.1", "set": 2, "role": "set-default", "removable": false,
             "reachability": ["TASK_REACHABILITY_EXISTING_WORKFLOWS"],
             "keptBy": ["set-default", "within-retention", "has-workflows"]},
            {"buildId": "3.0", "set": 3, "role": "queue-default", "removable": false,
             "reachability": ["TASK_REACHABILITY_NEW_WORKFLOWS"],
             "keptBy": ["queue-default", "within-retention"]},
        ]})
    );
}

#[test]
fn retire_refuses_the_forms_without_timestamps_and_names_the_one_that_answers() {
    let cases = [
        ("cli/tests/data/listing.json", "a get-build-ids listing"),
        ("cli/tests/data/public.json", "a majorVersionSets response"),
    ];
    for (file, form) in cases {
        let message = format!(
            "{file}: {form} carries no timestamps, and whether a build ID can be removed rests on them (--min-since-default, --retention, reachability's grace for new workflows); the stored VersioningData or the TaskQueueUserData of the queue (as `tdbg` prints it) answers"
        );
        let text = run(&["retire", file, "--retention", "1d", "--has-workflows", ""]);
        assert_eq!(
            (text.code, text.out.as_str(), text.err.as_str()),
            (2, "", format!("{message}\n").as_str())
        );
        let json = run(&[
            "retire",
            file,
            "--retention",
            "1d",
            "--has-workflows",
            "",
            "-o",
            "json",
        ]);
        assert_eq!(json.code, 2);
        let document: serde_json::Value = serde_json::from_str(&json.out).unwrap();
        assert_eq!(document, serde_json::json!({"error": {"message": message}}));
    }
    // A listing of no sets makes nothing up (no timestamps to rest on): it is answered.
    let unversioned = run(&[
        "retire",
        "cli/tests/data/listing-unversioned.json",
        "--retention",
        "1d",
        "--has-workflows",
        "",
    ]);
    assert_eq!(
        (
            unversioned.code,
            unversioned.out.as_str(),
            unversioned.err.as_str()
        ),
        (0, "no build IDs: the queue is unversioned\n", "")
    );
}

#[test]
fn retire_on_an_unversioned_queue_says_so() {
    let result = run_with(
        &[
            "retire",
            "-",
            "--retention",
            "1d",
            "--has-workflows",
            "",
            "--now",
            "2024-12-10T09:00:00Z",
        ],
        br#"{"versionSets": []}"#,
    );
    assert_eq!(
        (result.code, result.out.as_str(), result.err.as_str()),
        (0, "no build IDs: the queue is unversioned\n", "")
    );
}

#[test]
fn retire_bad_input_is_one_line() {
    let both = run(&["retire", "-", "--retention", "1d", "--has-workflows", "-"]);
    assert_eq!(
        (both.code, both.out.as_str(), both.err.as_str()),
        (
            2,
            "",
            "STATE and --has-workflows cannot both be standard input\n"
        )
    );
    let ops = run(&[
        "retire",
        "cli/tests/data/ops.jsonl",
        "--retention",
        "1d",
        "--has-workflows",
        "",
    ]);
    assert_eq!(
        (ops.code, ops.out.as_str(), ops.err.as_str()),
        (
            2,
            "",
            "cli/tests/data/ops.jsonl: this looks like an OPS file (one operation per line), not versioning data or a trace\n"
        )
    );
    // Without --has-workflows, every unused-looking build ID would be listed: it is required.
    let missing = run(&["retire", ORDERS, "--retention", "1d"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing
            .err
            .starts_with("error: the following required arguments were not provided:\n  --has-workflows <IDS|FILE>\n"),
        "{}",
        missing.err
    );
}

#[test]
fn retire_answers_alike_from_every_form_with_timestamps() {
    let user_data = retire(&[]);
    // The same queue as stored VersioningData; and a trace's state, where the workflows on
    // cafe make its set's default f00d reachable by existing workflows.
    let stored = run(&["show", ORDERS, "--format", "json"]);
    assert_eq!(stored.code, 0, "{}", stored.err);
    let mut args = vec!["retire", "-"];
    args.extend(AT);
    let from_stored = run_with(&args, stored.out.as_bytes());
    assert_eq!(
        (
            from_stored.code,
            from_stored.out.as_str(),
            from_stored.err.as_str()
        ),
        (0, user_data.out.as_str(), "")
    );
    let trace = run(&[
        "retire",
        "examples/rollout.jsonl",
        "--now",
        "1000000000000",
        "--retention",
        "0",
        "--has-workflows",
        "cafe",
    ]);
    assert_eq!(
        (trace.code, trace.out.as_str(), trace.err.as_str()),
        (
            0,
            "\
BUILD ID    SET  ROLE           REMOVABLE  REACHABILITY                       WHY NOT
deadbeef    1    compatible     yes        unreachable
deadbeef.1  1    set default    yes        unreachable
cafe        2    compatible     no         unreachable                        has workflows (--has-workflows)
f00d        2    queue default  no         NEW_WORKFLOWS, EXISTING_WORKFLOWS  the queue's default
",
            ""
        )
    );
}
