//! A file of another kind than the command expects (a state where a trace was expected, an
//! OPS file swapped with its state) is named for what it looks like, on one line, with exit
//! status 2 and no summary.

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
