//! `update`: one operation spelled as the Temporal CLI spells it; limits.

use crate::{run, run_with};

const STATE: &str = "cli/tests/data/user-data.json";

#[test]
fn update_spells_each_operation_as_the_temporal_cli() {
    let cases: [(&[&str], &str); 5] = [
        (
            &["add-new-default", "--build-id", "3.0"],
            "{\"addNewBuildIdInNewDefaultSet\":\"3.0\"}",
        ),
        (
            &[
                "add-new-compatible",
                "--build-id",
                "1.2",
                "--existing-compatible-build-id",
                "1.0",
                "--set-as-default",
            ],
            "{\"addNewCompatibleBuildId\":{\"newBuildId\":\"1.2\",\"existingCompatibleBuildId\":\"1.0\",\"makeSetDefault\":true}}",
        ),
        (
            &["promote-set", "--build-id", "1.0"],
            "{\"promoteSetByBuildId\":\"1.0\"}",
        ),
        (
            &["promote-id-in-set", "--build-id", "1.0"],
            "{\"promoteBuildIdWithinSet\":\"1.0\"}",
        ),
        (
            &[
                "merge-sets",
                "--primary-build-id",
                "2.0",
                "--secondary-build-id",
                "1.0",
            ],
            "{\"mergeSets\":{\"primarySetBuildId\":\"2.0\",\"secondarySetBuildId\":\"1.0\"}}",
        ),
    ];
    for (operation, written) in cases {
        let mut args = vec!["update", STATE];
        args.extend(operation);
        args.push("--dry-run");
        let result = run(&args);
        assert_eq!((result.code, result.err.as_str()), (0, ""), "{operation:?}");
        let first = result.out.lines().next().unwrap();
        assert_eq!(
            first,
            format!("update: {written} -> changed"),
            "{operation:?}"
        );
    }
}

#[test]
fn update_prints_the_new_state_ready_for_the_next_update() {
    let first = run(&[
        "update",
        STATE,
        "add-new-default",
        "--build-id",
        "3.0",
        "--now",
        "2024-11-19T08:00:00Z",
    ]);
    assert_eq!((first.code, first.err.as_str()), (0, ""));
    let second = run_with(
        &[
            "update",
            "-",
            "promote-set",
            "--build-id",
            "1.1",
            "--now",
            "2024-11-19T08:00:01Z",
        ],
        first.out.as_bytes(),
    );
    let shown = run_with(&["show", "-"], second.out.as_bytes());
    assert_eq!(
        shown.out,
        "\
task queue: 3 sets, 4 build IDs, default build ID 1.1
|-- set 1
|   `-- 2.0 (set default)
|-- set 2
|   `-- 3.0 (set default)
`-- set 3 (default set)
    |-- 1.0
    `-- 1.1 (set default, queue default)
"
    );
}

#[test]
fn update_checks_the_server_limits_unless_told_otherwise() {
    // Ten sets is the server's limit: starting from a queue that has them, an eleventh is
    // refused, and the refusal names the limits that applied.
    let mut state = run(&[
        "show",
        "--format",
        "json",
        "cli/tests/data/listing-unversioned.json",
    ])
    .out;
    for n in 1..=10 {
        let id = format!("{n}.0");
        let next = run_with(
            &[
                "update",
                "-",
                "add-new-default",
                "--build-id",
                &id,
                "--now",
                "1ms",
            ],
            state.as_bytes(),
        );
        assert_eq!(next.code, 0, "{}", next.err);
        state = next.out;
    }
    let refused = run_with(
        &["update", "-", "add-new-default", "--build-id", "11.0"],
        state.as_bytes(),
    );
    assert_eq!(
        (refused.code, refused.out.as_str(), refused.err.as_str()),
        (
            1,
            "",
            "update: FAILED_PRECONDITION: update would exceed number of compatible version sets permitted in namespace dynamic config (11/10) (limits applied: 10 sets, 100 build IDs; --limits changes them)\n"
        )
    );
    let unlimited = run_with(
        &[
            "update",
            "-",
            "add-new-default",
            "--build-id",
            "11.0",
            "--limits",
            "none",
        ],
        state.as_bytes(),
    );
    assert_eq!(unlimited.code, 0, "{}", unlimited.err);
}

#[test]
fn update_refuses_a_missing_or_invalid_build_id() {
    let missing = run(&["update", STATE, "promote-set"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing.err.starts_with(
            "error: the following required arguments were not provided:\n  --build-id <BUILD_ID>\n"
        ),
        "{}",
        missing.err
    );
    let empty = run(&["update", STATE, "promote-set", "--build-id", ""]);
    assert_eq!(empty.code, 2);
    assert!(
        empty.err.starts_with(
            "error: invalid value '' for '--build-id <BUILD_ID>': build ID must not be empty\n"
        ),
        "{}",
        empty.err
    );
}

#[test]
fn now_takes_its_whole_documented_range() {
    // Negative times are in --now's range (its --help): they are taken as values.
    let negative = run_with(
        &[
            "update",
            "-",
            "add-new-default",
            "--build-id",
            "3.0",
            "--now=-5ms",
        ],
        b"{}",
    );
    // (The empty state's clock is at zero, which stays the later time; the time before
    // it is warned of.)
    assert_eq!(
        (negative.code, negative.err.as_str()),
        (
            0,
            "warning: --now -5ms is before the newest timestamp in the data, 0ms (1970-01-01T00:00:00.000Z); the answers are as of --now\n"
        )
    );
    assert!(negative.out.contains("\"id\": \"3.0\""), "{}", negative.out);
    // Past it: a one-line error, exit 2.
    let past = run(&[
        "update",
        STATE,
        "add-new-default",
        "--build-id",
        "3.0",
        "--now",
        "9223372036854775808",
    ]);
    assert_eq!(
        (past.code, past.out.as_str(), past.err.as_str()),
        (
            2,
            "",
            "error: invalid value '9223372036854775808' for '--now <TIME>': number too large to fit in target type\n\nFor more information, try '--help'.\n"
        )
    );
}
