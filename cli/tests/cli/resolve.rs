//! `resolve`: targets, reasons and invalid build IDs.

use crate::{run, run_with};

#[test]
fn resolve_prints_the_target_and_why() {
    let cases: [(&[&str], &str); 4] = [
        (
            &["--intent", "compatible", "--build-id", "deadbeef"],
            "set default deadbeef.1\nbecause compatible: deadbeef is in set [deadbeef, deadbeef.1] whose default is deadbeef.1\n",
        ),
        (
            &[
                "--intent",
                "unspecified",
                "--build-id",
                "zzz",
                "--other-task-queue",
            ],
            "set default f00d\nbecause unspecified on another task queue means default: the target task queue's default set is [cafe, f00d] whose default is f00d\n",
        ),
        (
            &["--intent", "compatible", "--build-id", "zzz"],
            "exact build ID zzz\nbecause compatible: zzz is in no set of the target task queue, so the work goes to that exact build ID\n",
        ),
        (
            &["--intent", "compatible", "--other-task-queue"],
            "rejected\nbecause compatible: a compatible intent cannot target another task queue; the server fails the workflow task\n",
        ),
    ];
    for (args, expected) in cases {
        let mut all = vec!["resolve", "examples/rollout.jsonl"];
        all.extend(args);
        let result = run(&all);
        // A rejection exits 1, as a refused poll does (README's table of exit statuses).
        let code = i32::from(expected.starts_with("rejected"));
        assert_eq!(
            (result.code, result.out.as_str(), result.err.as_str()),
            (code, expected, ""),
            "{args:?}"
        );
    }
    let empty = run_with(&["resolve", "-", "--intent", "default"], b"{}");
    assert_eq!(
        empty.out,
        "unversioned\nbecause default: the target task queue has no sets, so the work is unversioned\n"
    );
}

#[test]
fn resolve_refuses_an_invalid_build_id() {
    let long = "x".repeat(300);
    for (id, problem) in [
        ("", "build ID must not be empty"),
        (
            long.as_str(),
            "build ID is 300 bytes long; at most 255 are allowed",
        ),
    ] {
        let result = run(&[
            "resolve",
            "examples/rollout.jsonl",
            "--intent",
            "compatible",
            "--build-id",
            id,
        ]);
        assert_eq!(result.code, 2);
        let first = result.err.lines().next().unwrap();
        assert_eq!(
            first,
            format!("error: invalid value '{id}' for '--build-id <BUILD_ID>': {problem}")
        );
    }
}
