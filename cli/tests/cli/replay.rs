//! `replay`: vectors, wrong expectations, malformed and unreadable traces.

use std::path::Path;

use crate::{run, run_with, vectors};

#[test]
fn replay_passes_every_shipped_vector() {
    let files = vectors();
    let mut args = vec!["replay"];
    args.extend(files.iter().map(String::as_str));
    let result = run(&args);
    assert_eq!((result.code, result.err.as_str()), (0, ""));
    let summary = result.out.trim_end();
    assert!(summary.ends_with(" passed, 0 failed"), "{summary}");
    assert_eq!(result.out.lines().count(), 1, "{}", result.out);
}

#[test]
fn replay_runs_the_rollout_example() {
    let result = run(&["replay", "examples/rollout.jsonl"]);
    assert_eq!(
        (result.code, result.out.as_str(), result.err.as_str()),
        (0, "19 passed, 0 failed\n", "")
    );
}

#[test]
fn replay_reports_each_wrong_expectation_and_exits_1() {
    let result = run(&["replay", "cli/tests/data/wrong-expectation.jsonl"]);
    assert_eq!(result.code, 1);
    assert_eq!(
        result.out,
        "cli/tests/data/wrong-expectation.jsonl:3: expected \"changed\", got \"noop\"\n\
         cli/tests/data/wrong-expectation.jsonl:5: expected {\"setDefault\":\"cafe\"}, got {\"setDefault\":\"deadbeef\"}\n\
         2 passed, 2 failed\n"
    );
    assert_eq!(result.err, "");
}

#[test]
fn replay_rejects_a_malformed_line_and_exits_2() {
    let result = run(&["replay", "cli/tests/data/malformed.jsonl"]);
    assert_eq!(result.code, 2);
    assert_eq!(
        result.err,
        "cli/tests/data/malformed.jsonl:3: unknown key \"note\" (no step of this file ran)\n"
    );
    // The file's earlier steps do not run: a half-run trace proves nothing.
    assert_eq!(result.out, "0 passed, 0 failed\n");
}

/// An empty or overlong build ID in a well-formed update is that update's
/// `INVALID_ARGUMENT`, not a malformed file.
#[test]
fn replay_runs_an_update_with_an_invalid_build_id_to_its_invalid_argument() {
    let cases = [
        (
            "cli/tests/data/empty-build-id.jsonl",
            "cli/tests/data/empty-build-id.jsonl:1: expected \"changed\" or \"noop\", got {\"error\":\"INVALID_ARGUMENT\",\"message\":\"addNewCompatibleBuildId.newBuildId: build ID must not be empty\"}\n0 passed, 1 failed\n",
        ),
        (
            "cli/tests/data/long-build-id.jsonl",
            "cli/tests/data/long-build-id.jsonl:2: expected \"changed\" or \"noop\", got {\"error\":\"INVALID_ARGUMENT\",\"message\":\"addNewBuildIdInNewDefaultSet: build ID is 300 bytes long; at most 255 are allowed\"}\n0 passed, 1 failed\n",
        ),
    ];
    for (file, out) in cases {
        let result = run(&["replay", file]);
        assert_eq!(
            (result.code, result.out.as_str(), result.err.as_str()),
            (1, out, ""),
            "{file}"
        );
    }
}

#[test]
fn replay_names_every_kind_of_bad_input_on_one_line() {
    let cases = [
        (
            "cli/tests/data/invalid-utf8.jsonl",
            "cli/tests/data/invalid-utf8.jsonl:2: invalid UTF-8 at byte 14 of the line (no step of this file ran)\n",
        ),
        (
            "cli/tests/data/bad-json.jsonl",
            "cli/tests/data/bad-json.jsonl:2: invalid JSON at column 16: trailing comma (no step of this file ran)\n",
        ),
        (
            "cli/tests/data/wrong-type.jsonl",
            "cli/tests/data/wrong-type.jsonl:1: limits.maxSets: expected a non-negative integer, got \"ten\" (no step of this file ran)\n",
        ),
        (
            "cli/tests/data/missing.jsonl",
            "cli/tests/data/missing.jsonl: cannot read: No such file or directory (os error 2)\n",
        ),
        (
            "cli/tests/data",
            "cli/tests/data: cannot read: Is a directory (os error 21)\n",
        ),
    ];
    for (file, message) in cases {
        let result = run(&["replay", file]);
        assert_eq!((result.code, result.err.as_str()), (2, message), "{file}");
        assert_eq!(result.out, "0 passed, 0 failed\n", "{file}");
    }
}

#[test]
fn replay_runs_the_other_files_when_one_is_malformed() {
    let result = run(&[
        "replay",
        "cli/tests/data/malformed.jsonl",
        "examples/rollout.jsonl",
        "cli/tests/data/wrong-expectation.jsonl",
    ]);
    assert_eq!(result.code, 2);
    assert_eq!(
        result.err,
        "cli/tests/data/malformed.jsonl:3: unknown key \"note\" (no step of this file ran)\n"
    );
    assert!(
        result.out.ends_with("21 passed, 2 failed\n"),
        "{}",
        result.out
    );
}

#[test]
fn replay_reads_standard_input() {
    let trace = crate::read("examples/rollout.jsonl");
    let result = run_with(&["replay", "-"], &trace);
    assert_eq!(
        (result.code, result.out.as_str()),
        (0, "19 passed, 0 failed\n")
    );
    let result = run_with(
        &["replay", "-"],
        b"{\"poll\": \"1.0\", \"expect\": \"accepted\"}\n",
    );
    assert_eq!(
        result.out,
        "<stdin>:1: expected \"accepted\", got \"unknownBuildId\"\n0 passed, 1 failed\n"
    );
}

#[test]
fn inputs_past_64_mib_are_refused() {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("huge.jsonl");
    std::fs::write(&path, vec![b'\n'; 64 * 1024 * 1024 + 1]).unwrap();
    let name = path.to_str().unwrap();
    let result = run(&["replay", name]);
    assert_eq!(
        (result.code, result.err),
        (2, format!("{name}: larger than 64 MiB; not read\n"))
    );
    let result = run(&["show", name]);
    assert_eq!(
        (result.code, result.err),
        (2, format!("{name}: larger than 64 MiB; not read\n"))
    );
}

/// 1,000 new sets, then `gc_plans` `gcPlan` steps of 2,000 units each: 1,162 are within the
/// bound on whole-queue work of a trace of their bytes, 1,163 are not (docs/trace-format.md,
/// "Running traces"; trace/tests/work_bound.rs counts it out).
pub(crate) fn sets_then_gc_plans(gc_plans: usize) -> String {
    let mut text = String::new();
    for id in 0..1_000 {
        text.push_str(&format!(
            "{{\"update\": {{\"addNewBuildIdInNewDefaultSet\": \"{id:04}\"}}}}\n"
        ));
    }
    for _ in 0..gc_plans {
        text.push_str("{\"gcPlan\": {\"now\": 1}}\n");
    }
    text
}

/// The refusal of the 1,163rd `gcPlan`, without the file's name.
const PAST_THE_BOUND: &str = "2163: gcPlan refused: the whole-queue steps of this trace \
    would pass their bound of 2324560 units of work (1048576, and 16 a byte of its 79749 \
    bytes of input)";

#[test]
fn replay_stops_a_trace_at_the_step_past_its_bound_on_whole_queue_work() {
    let inside = run_with(&["replay", "-"], sets_then_gc_plans(1_162).as_bytes());
    assert_eq!(
        (inside.code, inside.out.as_str(), inside.err.as_str()),
        (0, "1000 passed, 0 failed\n", "")
    );
    let past = run_with(&["replay", "-"], sets_then_gc_plans(1_163).as_bytes());
    assert_eq!(
        (past.code, past.out.as_str(), past.err.as_str()),
        (
            2,
            "0 passed, 0 failed\n",
            format!("<stdin>:{PAST_THE_BOUND} (the steps before it ran)\n").as_str()
        )
    );
    // `show` on a trace runs it as `replay` does.
    let shown = run_with(&["show", "-"], sets_then_gc_plans(1_163).as_bytes());
    assert_eq!(
        (shown.code, shown.out.as_str(), shown.err.as_str()),
        (2, "", format!("<stdin>:{PAST_THE_BOUND}\n").as_str())
    );
}
