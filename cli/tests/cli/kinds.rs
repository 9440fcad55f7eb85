//! A file of another kind than the command expects (a state where a trace was expected, an
//! OPS file swapped with its state, a state or a trace where a list of build IDs was
//! expected) is named for what it looks like, on one line, with exit status 2 and no
//! summary: every file argument of every subcommand, one row each (subcommand, argument,
//! wrong kind).

use crate::run;

#[test]
fn a_file_of_another_kind_is_named_for_what_it_looks_like() {
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "replay",
                "cli/tests/data/user-data.json",
                "examples/rollout.jsonl",
            ],
            "cli/tests/data/user-data.json: this looks like versioning data (TaskQueueUserData), not a trace",
        ),
        (
            &[
                "replay",
                "examples/rollout.jsonl",
                "cli/tests/data/requests.jsonl",
            ],
            "cli/tests/data/requests.jsonl: this looks like an OPS file (one operation per line), not a trace",
        ),
        (
            &["replay", "cli/tests/data/listing.json"],
            "cli/tests/data/listing.json: this looks like versioning data (get-build-ids listing), not a trace",
        ),
        (
            &[
                "apply",
                "cli/tests/data/requests.jsonl",
                "cli/tests/data/user-data.json",
            ],
            "cli/tests/data/requests.jsonl: this looks like an OPS file (one operation per line), not versioning data or a trace",
        ),
        (
            &[
                "apply",
                "cli/tests/data/user-data.json",
                "cli/tests/data/public.json",
            ],
            "cli/tests/data/public.json: this looks like versioning data (majorVersionSets response), not an OPS file (one operation per line)",
        ),
        (
            &[
                "apply",
                "cli/tests/data/user-data.json",
                "examples/rollout.jsonl",
            ],
            "examples/rollout.jsonl: this looks like a trace (one step per line), not an OPS file (one operation per line)",
        ),
        (
            &["show", "cli/tests/data/requests.jsonl"],
            "cli/tests/data/requests.jsonl: this looks like an OPS file (one operation per line), not versioning data or a trace",
        ),
        (
            &["check", "cli/tests/data/requests.jsonl"],
            "cli/tests/data/requests.jsonl: this looks like an OPS file (one operation per line), not versioning data",
        ),
        (
            &["check", "examples/rollout.jsonl"],
            "examples/rollout.jsonl: this is a trace, not versioning data; run it with `version-sets replay`",
        ),
        // conform's trace files: the child is never started.
        (
            &["conform", "cli/tests/data/user-data.json", "--", "false"],
            "cli/tests/data/user-data.json: this looks like versioning data (TaskQueueUserData), not a trace",
        ),
        (
            &["conform", "cli/tests/data/requests.jsonl", "--", "false"],
            "cli/tests/data/requests.jsonl: this looks like an OPS file (one operation per line), not a trace",
        ),
        // merge's replicas, and every other STATE (a trace is a state: the one it leaves).
        (
            &[
                "merge",
                "cli/tests/data/user-data.json",
                "cli/tests/data/ops.jsonl",
            ],
            "cli/tests/data/ops.jsonl: this looks like an OPS file (one operation per line), not versioning data or a trace",
        ),
        (
            &[
                "update",
                "cli/tests/data/ops.jsonl",
                "promote-set",
                "--build-id",
                "1.0",
            ],
            "cli/tests/data/ops.jsonl: this looks like an OPS file (one operation per line), not versioning data or a trace",
        ),
        (
            &["poll", "cli/tests/data/ops.jsonl", "--build-id", "1.0"],
            "cli/tests/data/ops.jsonl: this looks like an OPS file (one operation per line), not versioning data or a trace",
        ),
        (
            &["resolve", "cli/tests/data/ops.jsonl", "--intent", "default"],
            "cli/tests/data/ops.jsonl: this looks like an OPS file (one operation per line), not versioning data or a trace",
        ),
        (
            &[
                "gc",
                "cli/tests/data/ops.jsonl",
                "--retention",
                "1h",
                "--has-workflows",
                "",
            ],
            "cli/tests/data/ops.jsonl: this looks like an OPS file (one operation per line), not versioning data or a trace",
        ),
        (
            &[
                "gc",
                "--queue",
                "orders=cli/tests/data/requests.jsonl",
                "--retention",
                "1h",
                "--has-workflows",
                "",
            ],
            "cli/tests/data/requests.jsonl: this looks like an OPS file (one operation per line), not versioning data or a trace",
        ),
        (
            &[
                "reachability",
                "--queue",
                "orders=cli/tests/data/ops.jsonl",
                "1.0",
            ],
            "cli/tests/data/ops.jsonl: this looks like an OPS file (one operation per line), not versioning data or a trace",
        ),
        // gc's and reachability's answers about workflows: lists of build IDs, which any
        // file would otherwise be read as, line by line.
        (
            &[
                "gc",
                "cli/tests/data/user-data.json",
                "--retention",
                "1h",
                "--has-workflows",
                "cli/tests/data/user-data.json",
            ],
            "cli/tests/data/user-data.json: this looks like versioning data (TaskQueueUserData), not a list of build IDs (one per line)",
        ),
        (
            &[
                "gc",
                "cli/tests/data/user-data.json",
                "--retention",
                "1h",
                "--has-workflows",
                "examples/rollout.jsonl",
            ],
            "examples/rollout.jsonl: this looks like a trace (one step per line), not a list of build IDs (one per line)",
        ),
        (
            &[
                "gc",
                "cli/tests/data/user-data.json",
                "--retention",
                "1h",
                "--has-workflows",
                "cli/tests/data/ops.jsonl",
            ],
            "cli/tests/data/ops.jsonl: this looks like an OPS file (one operation per line), not a list of build IDs (one per line)",
        ),
        (
            &[
                "reachability",
                "cli/tests/data/user-data.json",
                "1.0",
                "--open",
                "cli/tests/data/listing.json",
            ],
            "cli/tests/data/listing.json: this looks like versioning data (get-build-ids listing), not a list of build IDs (one per line)",
        ),
        (
            &[
                "reachability",
                "cli/tests/data/user-data.json",
                "1.0",
                "--closed",
                "examples/rollout.jsonl",
            ],
            "examples/rollout.jsonl: this looks like a trace (one step per line), not a list of build IDs (one per line)",
        ),
        (
            &[
                "reachability",
                "--queue",
                "orders=cli/tests/data/user-data.json",
                "1.0",
                "--open",
                "cli/tests/data/requests.jsonl",
            ],
            "cli/tests/data/requests.jsonl: this looks like an OPS file (one operation per line), not a list of build IDs (one per line)",
        ),
    ];
    for (args, message) in cases {
        let result = run(args);
        assert_eq!(
            (result.code, result.out.as_str(), result.err.as_str()),
            (2, "", format!("{message}\n").as_str()),
            "{args:?}"
        );
    }
}

#[test]
fn an_ops_file_with_a_bad_line_is_still_an_ops_file() {
    // The kind is told only when the file cannot be read as what was expected, and a real
    // OPS file's own error stands.
    let result = run(&[
        "apply",
        "cli/tests/data/user-data.json",
        "cli/tests/data/ops-malformed.jsonl",
    ]);
    assert_eq!(result.code, 2);
    assert!(!result.err.contains("this looks like"), "{}", result.err);
}

#[test]
fn a_list_of_build_ids_may_start_with_comments_and_hold_any_build_id() {
    // `#` comments start a trace too, and `null` is a listing on its own: a list is judged
    // by its first build ID, and only a JSON object or array is taken for data.
    for list in ["# in use\n1.0\n", "null\n", "[1.0]\n", "{1.0}\n"] {
        let result = crate::run_with(
            &[
                "gc",
                "cli/tests/data/user-data.json",
                "--retention",
                "1h",
                "--now",
                "2024-11-19T07:10:00Z",
                "--has-workflows",
                "-",
            ],
            list.as_bytes(),
        );
        assert_eq!((result.code, result.err.as_str()), (0, ""), "{list:?}");
    }
}
