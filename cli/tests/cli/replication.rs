//! `merge`, `gc` and `reachability`: exact output, order independence and bad input.

use crate::{run, run_with};

const EAST: &str = "cli/tests/data/replication/east.json";
const WEST: &str = "cli/tests/data/replication/west.json";
const SCAVENGER: &str = "cli/tests/data/replication/scavenger.json";
/// 30 days after the epoch: the scavenger fixture's "now".
const NOW: &str = "2592000000ms";

#[test]
fn merge_is_the_same_in_any_order_byte_for_byte() {
    let east_west = run(&["merge", EAST, WEST]);
    let west_east = run(&["merge", WEST, EAST]);
    assert_eq!((east_west.code, east_west.err.as_str()), (0, ""));
    assert_eq!(east_west.out, west_east.out);
    let three = run(&["merge", WEST, EAST, WEST]);
    assert_eq!(three.out, east_west.out);
    let shown = run_with(&["show", "-"], east_west.out.as_bytes());
    assert_eq!(
        shown.out,
        "\
task queue: 3 sets, 5 build IDs (1 deleted), default build ID 3.0
|-- set 1
|   |-- 1.0 (deleted)
|   `-- 1.1 (set default)
|-- set 2
|   |-- 2.0
|   `-- 2.1 (set default)
`-- set 3 (default set)
    `-- 3.0 (set default, queue default)
"
    );
}

#[test]
fn merge_equals_the_servers_merge_without_ties() {
    // U38: the server's answer is b, in both orders.
    let (a, b) = (
        "cli/tests/data/replication/u38-a.json",
        "cli/tests/data/replication/u38-b.json",
    );
    let expected = run(&["show", "--format", "json", b]).out;
    assert_eq!(run(&["merge", a, b]).out, expected);
    assert_eq!(run(&["merge", b, a]).out, expected);
}

#[test]
fn merge_reads_standard_input_once() {
    let east = crate::read(EAST);
    let from_stdin = run_with(&["merge", "-", WEST], &east);
    assert_eq!(from_stdin.out, run(&["merge", EAST, WEST]).out);
    let twice = run(&["merge", "-", "-"]);
    assert_eq!(
        (twice.code, twice.out.as_str(), twice.err.as_str()),
        (2, "", "standard input (-) can be given only once\n")
    );
}

#[test]
fn merge_refuses_bad_input_naming_the_file() {
    let missing = run(&["merge", EAST, "cli/tests/data/replication/missing.json"]);
    assert_eq!(missing.code, 2);
    assert_eq!(missing.out, "");
    assert_eq!(
        missing.err,
        "cli/tests/data/replication/missing.json: cannot read: No such file or directory (os error 2)\n"
    );
    let invalid = run(&["merge", EAST, "cli/tests/data/not-json.json"]);
    assert_eq!((invalid.code, invalid.out.as_str()), (2, ""));
    assert!(
        invalid.err.starts_with("cli/tests/data/not-json.json:"),
        "{}",
        invalid.err
    );
    assert_eq!(invalid.err.lines().count(), 1);
    let one = run(&["merge", EAST]);
    assert_eq!((one.code, one.out.as_str()), (2, ""));
}

#[test]
fn gc_lists_what_the_scavenger_removes() {
    // S1: v3.0 still has workflows.
    let result = run(&[
        "gc",
        SCAVENGER,
        "--now",
        NOW,
        "--retention",
        "1d",
        "--has-workflows",
        "v3.0",
    ]);
    assert_eq!(
        (result.code, result.out.as_str(), result.err.as_str()),
        (0, "v1.1\nv1.2\nv2.0\n", "")
    );
    // No workflows anywhere: v3.0 and its set default go too.
    let result = run(&[
        "gc",
        SCAVENGER,
        "--now",
        NOW,
        "--retention",
        "1d",
        "--has-workflows",
        "",
    ]);
    assert_eq!(result.out, "v1.1\nv1.2\nv2.0\nv3.0\nv3.1\n");
    // A retention longer than the data's age keeps everything.
    let result = run(&[
        "gc",
        SCAVENGER,
        "--now",
        NOW,
        "--retention",
        "31d",
        "--has-workflows",
        "",
    ]);
    assert_eq!(result.out, "");
}

#[test]
fn gc_reads_build_ids_with_workflows_from_a_file() {
    let dir = std::env::temp_dir().join(format!("version-sets-gc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("has-workflows.txt");
    std::fs::write(&file, "# still running\nv3.0\n\nv1.1\n").unwrap();
    let result = run(&[
        "gc",
        SCAVENGER,
        "--now",
        NOW,
        "--retention",
        "1d",
        "--has-workflows",
        file.to_str().unwrap(),
    ]);
    // v1.1 stays, so v1.2, its set's default, stays with it.
    assert_eq!(result.out, "v2.0\n");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn gc_apply_prints_the_state_after_removal() {
    let args = [
        "gc",
        SCAVENGER,
        "--now",
        NOW,
        "--retention",
        "1d",
        "--has-workflows",
        "v3.0",
        "--apply",
    ];
    let result = run(&args);
    assert_eq!((result.code, result.err.as_str()), (0, ""));
    let shown = run_with(&["show", "-"], result.out.as_bytes());
    assert_eq!(
        shown.out,
        "\
task queue: 4 sets, 5 build IDs, default build ID v5.0
|-- set 1
|   |-- v3.0
|   `-- v3.1 (set default)
|-- set 2
|   `-- v4.0 (set default)
|-- set 3
|   `-- v4.1 (set default)
`-- set 4 (default set)
    `-- v5.0 (set default, queue default)
"
    );
    let mut kept = args.to_vec();
    kept.push("--keep-tombstones");
    let result = run(&kept);
    let shown = run_with(&["show", "-"], result.out.as_bytes());
    assert!(
        shown
            .out
            .starts_with("task queue: 6 sets, 9 build IDs (4 deleted)"),
        "{}",
        shown.out
    );
}

#[test]
fn gc_refuses_bad_input() {
    let bad_unit = run(&[
        "gc",
        SCAVENGER,
        "--now",
        NOW,
        "--retention",
        "1x",
        "--has-workflows",
        "",
    ]);
    assert_eq!((bad_unit.code, bad_unit.out.as_str()), (2, ""));
    assert_eq!(
        bad_unit.err.lines().next().unwrap(),
        "error: invalid value '1x' for '--retention <DURATION>': unknown time unit \"x\", supported units: ns, us/µs, ms, sec, min, hours, days, weeks, months, years (and few variations)"
    );
    // A long unit is quoted as an excerpt with its length (clap repeats the value itself).
    let unit = "x".repeat(100);
    let long_unit = run(&[
        "gc",
        SCAVENGER,
        "--now",
        NOW,
        "--retention",
        &format!("1{unit}"),
        "--has-workflows",
        "",
    ]);
    assert_eq!((long_unit.code, long_unit.out.as_str()), (2, ""));
    assert_eq!(
        long_unit.err.lines().next().unwrap(),
        format!(
            "error: invalid value '1{unit}' for '--retention <DURATION>': unknown time unit \"{}\"... (100 bytes), supported units: ns, us/µs, ms, sec, min, hours, days, weeks, months, years (and few variations)",
            "x".repeat(40)
        )
    );
    let missing = run(&[
        "gc",
        "cli/tests/data/replication/missing.json",
        "--now",
        NOW,
        "--retention",
        "1d",
        "--has-workflows",
        "",
    ]);
    assert_eq!((missing.code, missing.out.as_str()), (2, ""));
    assert_eq!(
        missing.err,
        "cli/tests/data/replication/missing.json: cannot read: No such file or directory (os error 2)\n"
    );
    // Refused before standard input is read, so none is written to it.
    let both = run(&[
        "gc",
        "-",
        "--now",
        NOW,
        "--retention",
        "1d",
        "--has-workflows",
        "-",
    ]);
    assert_eq!(
        (both.code, both.out.as_str(), both.err.as_str()),
        (
            2,
            "",
            "STATE and --has-workflows cannot both be standard input\n"
        )
    );
}

#[test]
fn reachability_reports_each_build_id_in_request_order() {
    let merged = run(&["merge", EAST, WEST]).out;
    let result = run_with(
        &[
            "reachability",
            "-",
            "3.0",
            "2.1",
            "1.1",
            "1.0",
            "",
            "--now",
            "400000ms",
            "--open",
            "1.1",
        ],
        merged.as_bytes(),
    );
    assert_eq!(
        (result.code, result.err.as_str()),
        (0, ""),
        "{}",
        result.err
    );
    assert_eq!(
        result.out,
        "\
3.0: TASK_REACHABILITY_NEW_WORKFLOWS
2.1: unreachable
1.1: TASK_REACHABILITY_EXISTING_WORKFLOWS
1.0: unreachable
(unversioned): unreachable
"
    );
    // Closed workflows only count for the closed (and existing) kinds.
    let open = run(&[
        "reachability",
        WEST,
        "2.1",
        "--now",
        "400000ms",
        "--closed",
        "2.0",
        "--type",
        "open",
    ]);
    assert_eq!(open.out, "2.1: TASK_REACHABILITY_NEW_WORKFLOWS\n");
    let closed = run(&[
        "reachability",
        EAST,
        "2.0",
        "--now",
        "400000ms",
        "--closed",
        "2.0",
        "--type",
        "closed",
    ]);
    assert_eq!(closed.out, "2.0: TASK_REACHABILITY_CLOSED_WORKFLOWS\n");
}

#[test]
fn reachability_refuses_bad_requests_with_the_server_messages() {
    let none = run(&["reachability", EAST, "--now", "1000000ms"]);
    assert_eq!(
        (none.code, none.out.as_str(), none.err.as_str()),
        (
            2,
            "",
            "INVALID_ARGUMENT: Must query at least one build ID (or empty string for unversioned worker)\n"
        )
    );
    let many = run(&[
        "reachability",
        EAST,
        "1",
        "2",
        "3",
        "--now",
        "1000000ms",
        "--max-build-ids",
        "2",
    ]);
    assert_eq!(
        (many.code, many.out.as_str(), many.err.as_str()),
        (
            2,
            "",
            "INVALID_ARGUMENT: Too many build ids queried at once, limit: 2 (--max-build-ids raises the limit)\n"
        )
    );
}
