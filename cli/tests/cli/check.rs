//! `check`: every kind of violation in hand-made broken files.

use crate::{run, run_with};

#[test]
fn check_accepts_valid_data_of_every_shape() {
    let stored = run(&["show", "--format", "json", "examples/rollout.jsonl"]).out;
    let result = run_with(
        &[
            "check",
            "cli/tests/data/public.json",
            "cli/tests/data/listing.json",
            "-",
        ],
        stored.as_bytes(),
    );
    assert_eq!(result.code, 0);
    assert_eq!(
        result.out,
        "cli/tests/data/public.json: ok (majorVersionSets response: 2 sets, 4 build IDs)\n\
         cli/tests/data/listing.json: ok (get-build-ids listing: 2 sets, 4 build IDs)\n\
         <stdin>: ok (stored VersioningData: 2 sets, 4 build IDs)\n"
    );
    let empty = run_with(&["check", "-"], b"{}");
    assert_eq!(
        (empty.code, empty.out.as_str()),
        (
            0,
            "<stdin>: ok (stored VersioningData: 0 sets, 0 build IDs)\n"
        )
    );
}

#[test]
fn check_finds_every_invariant_violation_of_stored_data() {
    let result = run(&["check", "cli/tests/data/stored-invariants.json"]);
    assert_eq!(result.code, 1);
    assert_eq!(
        result.out,
        "\
cli/tests/data/stored-invariants.json: versionSets[0].setIds: a set needs at least one set ID
cli/tests/data/stored-invariants.json: versionSets[0].buildIds: a set needs at least one build ID
cli/tests/data/stored-invariants.json: versionSets[1].setIds[1]: a set ID must not be empty
cli/tests/data/stored-invariants.json: versionSets[1].setIds: a set ID is listed twice
cli/tests/data/stored-invariants.json: versionSets[1].becameDefaultTimestamp: set became default at (4, 0, 0), earlier than a set of the same cluster listed before it, at (5, 0, 0)
cli/tests/data/stored-invariants.json: versionSets[1].buildIds[0].id: build ID must not be empty
cli/tests/data/stored-invariants.json: versionSets[1].buildIds[1].state: state must be STATE_ACTIVE or STATE_DELETED
cli/tests/data/stored-invariants.json: versionSets[1].buildIds[1].stateUpdateTimestamp: timestamp is missing
cli/tests/data/stored-invariants.json: versionSets[1].buildIds[2].becameDefaultTimestamp: build ID became default at (6, 0, 0), earlier than a build ID of the same cluster listed before it, at (9, 0, 0)
cli/tests/data/stored-invariants.json: versionSets[1].buildIds[3].id: build ID 1.0 also appears at versionSets[1].buildIds[1].id
cli/tests/data/stored-invariants.json: versionSets[2].buildIds[0].id: build ID is 300 bytes long; at most 255 are allowed
cli/tests/data/stored-invariants.json: versionSets[2].buildIds[0].becameDefaultTimestamp: timestamp is missing
"
    );
    assert_eq!(result.err, "");
}

#[test]
fn check_refuses_a_value_of_the_wrong_type_with_its_json_path() {
    // Serde reads every shape: the first value it cannot read is bad input (exit 2), named
    // by its JSON path, on one line of standard error.
    let cases = [
        (
            r#"{"versionSets": [{"setIds": ["a", 7]}]}"#,
            "versionSets[0].setIds[1]: invalid type: integer `7`, expected a string",
        ),
        (
            r#"{"versionSets": [{"buildIds": [{"id": "1.0", "state": "ACTIVE"}]}]}"#,
            "versionSets[0].buildIds[0].state: invalid value: string \"ACTIVE\", expected STATE_ACTIVE, STATE_DELETED, STATE_UNSPECIFIED or 0, 1, 2",
        ),
        (
            r#"{"versionSets": [{"buildIds": [{"id": "1.0", "stateUpdateTimestamp": {"wallClock": 1.5}}]}]}"#,
            "versionSets[0].buildIds[0].stateUpdateTimestamp.wallClock: invalid type: floating point `1.5`, expected an integer, as a number or a decimal string",
        ),
        (
            r#"{"versionSets": [{"becameDefaultTimestamp": {"wallClock": 9007199254740993.0}}]}"#,
            "versionSets[0].becameDefaultTimestamp.wallClock: a number with a fraction or an exponent is read exactly only below 2^53; write this one as a plain integer or a decimal string",
        ),
        (
            r#"{"versionSets": [{"becameDefaultTimestamp": {"clusterId": "+5"}}]}"#,
            "versionSets[0].becameDefaultTimestamp.clusterId: \"+5\" is not an integer in range",
        ),
        (
            r#"{"versionSets": [{"becameDefaultTimestamp": {"wall_clock": "007"}}]}"#,
            "versionSets[0].becameDefaultTimestamp.wallClock: \"007\" is not an integer in range",
        ),
        (
            r#"{"versionSets": [{"becameDefaultTimestamp": {"wallClock": "1.0000000000000000001"}}]}"#,
            "versionSets[0].becameDefaultTimestamp.wallClock: \"1.0000000000000000001\" is not an integer in range",
        ),
        (
            r#"{"versionSets": [{"becameDefaultTimestamp": {"wallClock": "1", "zone": "UTC"}}]}"#,
            "versionSets[0].becameDefaultTimestamp.zone: unknown field `zone`, expected one of `wallClock`, `version`, `clusterId`",
        ),
        (
            r#"{"versioningData": {"versionSets": [{"setIds": [1]}]}}"#,
            "versioningData.versionSets[0].setIds[0]: invalid type: integer `1`, expected a string",
        ),
        (
            r#"{"majorVersionSets": [{"buildIds": "3.0"}]}"#,
            "majorVersionSets[0].buildIds: invalid type: string \"3.0\", expected a sequence",
        ),
        (
            r#"[{"buildIds": ["1.0"], "isDefaultSet": "no"}]"#,
            "[0].isDefaultSet: invalid type: string \"no\", expected a boolean",
        ),
        (
            r#"[{"buildIds": ["1.0"], "note": "x"}]"#,
            "[0].note: unknown field `note`, expected one of `buildIds`, `defaultForSet`, `isDefaultSet`",
        ),
        (
            r#"{"versionSets": [], "version_sets": []}"#,
            "versionSets: given twice, as \"version_sets\" and another spelling",
        ),
    ];
    for (document, problem) in cases {
        let result = run_with(&["check", "-"], document.as_bytes());
        assert_eq!(
            (result.code, result.out.as_str(), result.err.as_str()),
            (2, "", format!("<stdin>: {problem}\n").as_str()),
            "{document}"
        );
    }
    let file = run(&["check", "cli/tests/data/stored-types.json"]);
    assert_eq!(
        (file.code, file.err.as_str()),
        (
            2,
            "cli/tests/data/stored-types.json: taskQueue: unknown field `taskQueue`, expected `versionSets`\n"
        )
    );
}

#[test]
fn check_finds_every_violation_of_a_public_response() {
    let result = run(&["check", "cli/tests/data/public-broken.json"]);
    assert_eq!(result.code, 1);
    assert_eq!(
        result.out,
        "\
cli/tests/data/public-broken.json: majorVersionSets[2].buildIds[1]: build ID 1.0 also appears at majorVersionSets[0].buildIds[0]
cli/tests/data/public-broken.json: majorVersionSets[2].buildIds[3]: build ID 1.1 also appears at majorVersionSets[0].buildIds[1]
"
    );
    // The empty set is what the server lists for a set whose build IDs are all deleted:
    // valid, so only noted.
    assert_eq!(
        result.err,
        "cli/tests/data/public-broken.json: note: majorVersionSets[1] has no live build IDs (all deleted); it is left out of the rebuilt sets\n"
    );
}

#[test]
fn check_finds_every_inconsistency_of_a_get_build_ids_listing() {
    let result = run(&["check", "cli/tests/data/listing-broken.json"]);
    assert_eq!(result.code, 1);
    assert_eq!(
        result.out,
        "\
cli/tests/data/listing-broken.json: [0].isDefaultSet: is true, but only the last set is the queue's default set
cli/tests/data/listing-broken.json: [0].defaultForSet: is \"1.0\", but the set's default (the last of buildIds) is \"1.1\"
cli/tests/data/listing-broken.json: [2].isDefaultSet: is false, but the last set is the queue's default set
cli/tests/data/listing-broken.json: [1].buildIds[0]: build ID 1.1 also appears at [0].buildIds[1]
"
    );
}

#[test]
fn check_tells_bad_input_from_violations() {
    let result = run(&[
        "check",
        "cli/tests/data/public.json",
        "cli/tests/data/not-json.json",
        "examples/rollout.jsonl",
        "cli/tests/data/listing-broken.json",
    ]);
    assert_eq!(result.code, 2);
    assert_eq!(
        result.err,
        "cli/tests/data/not-json.json:2:20: invalid JSON: trailing comma\n\
         examples/rollout.jsonl: this is a trace, not versioning data; run it with `version-sets replay`\n"
    );
    assert!(
        result.out.starts_with("cli/tests/data/public.json: ok"),
        "{}",
        result.out
    );
    assert_eq!(result.out.lines().count(), 5, "{}", result.out);
}

#[test]
fn a_wrong_type_names_the_shape_expected_not_a_rust_type() {
    let result = run_with(&["check", "-"], br#"{"versionSets": [{"buildIds": [7]}]}"#);
    assert_eq!(
        (result.code, result.out.as_str(), result.err.as_str()),
        (
            2,
            "",
            "<stdin>: versionSets[0].buildIds[0]: invalid type: integer `7`, expected a build ID \
             record (an object with id, state and timestamps)\n"
        )
    );
}

/// Hostile data can hold a violation for every three bytes (`{},`): `check` lists the first
/// thousand and counts the rest, and so does the one-line refusal of every other command.
#[test]
fn check_lists_the_first_thousand_violations_and_counts_the_rest() {
    // 334 empty sets, three violations each: 1,002.
    let sets = vec!["{}"; 334].join(",");
    let document = format!("{{\"versionSets\": [{sets}]}}");
    let result = run_with(&["check", "-"], document.as_bytes());
    assert_eq!(result.code, 1);
    let lines: Vec<&str> = result.out.lines().collect();
    assert_eq!(lines.len(), 1001);
    assert_eq!(
        lines[999],
        "<stdin>: versionSets[333].setIds: a set needs at least one set ID"
    );
    assert_eq!(
        lines[1000],
        "<stdin>: and 2 more violations, not listed (only the first 1000 are)"
    );
    let json = run_with(&["check", "-o", "json", "-"], document.as_bytes());
    let json: serde_json::Value = serde_json::from_str(&json.out).unwrap();
    assert_eq!(json["files"][0]["unlisted"], 2);
    assert_eq!(
        json["files"][0]["violations"].as_array().unwrap().len(),
        1000
    );

    let show = run_with(&["show", "-"], document.as_bytes());
    assert_eq!(show.code, 2);
    assert_eq!(
        show.err,
        "<stdin>: versionSets[0].setIds: a set needs at least one set ID (and 1001 more; \
         `version-sets check` lists the first 1000)\n"
    );
}

/// A public response of many empty sets gets ten notes and one for the rest, not a note
/// for every three bytes.
#[test]
fn check_notes_ten_empty_sets_and_counts_the_rest() {
    let sets = ["{}"; 12].join(",");
    let document = format!("{{\"majorVersionSets\": [{sets}, {{\"buildIds\": [\"a\"]}}]}}");
    let result = run_with(&["check", "-"], document.as_bytes());
    assert_eq!(result.code, 0);
    let notes: Vec<&str> = result.err.lines().collect();
    assert_eq!(notes.len(), 11);
    assert_eq!(
        notes[10],
        "<stdin>: note: 2 more sets have no live build IDs; they are left out of the rebuilt sets too"
    );
    assert_eq!(
        result.out,
        "<stdin>: ok (majorVersionSets response: 1 set, 1 build ID)\n"
    );
}

/// `model.list-order`: data a server stores after a failover under clock skew (list order
/// disagreeing with timestamps across clusters) is valid, and noted; `merge` reads it too.
#[test]
fn check_notes_list_order_that_disagrees_across_clusters() {
    let result = run(&["check", "cli/tests/data/stored-failover.json"]);
    assert_eq!(result.code, 0, "{}", result.err);
    assert_eq!(
        result.out,
        "cli/tests/data/stored-failover.json: ok (stored VersioningData: 2 sets, 2 build IDs)\n"
    );
    assert_eq!(
        result.err,
        "cli/tests/data/stored-failover.json: note: versionSets[1].becameDefaultTimestamp is \
         earlier than a timestamp of another cluster listed before it (1 in all): list order \
         stands, as on a server after a failover under clock skew; the next merge-sets or \
         replica join sorts by timestamp\n"
    );
    let failover = "cli/tests/data/stored-failover.json";
    let merged = run(&["merge", failover, failover]);
    assert_eq!(merged.code, 0);
    // Each input is noted as it is read.
    assert_eq!(merged.err.lines().count(), 2);
    assert!(merged.err.lines().all(|line| line.contains(": note: ")));
    let shown = crate::run_with(&["show", "-"], merged.out.as_bytes());
    assert_eq!(
        shown.out.lines().next(),
        Some("task queue: 2 sets, 2 build IDs, default build ID 1.0")
    );
}

/// Issue 18, finding 4: after persisting an unknown build ID below zero, the state `show`
/// prints is one `check` accepts (it was refused, and the debug build panicked).
#[test]
fn check_accepts_the_state_after_persisting_below_zero() {
    let shown = run(&[
        "show",
        "--format",
        "json",
        "trace/vectors/persist-negative-clock.jsonl",
    ]);
    assert_eq!((shown.code, shown.err.as_str()), (0, ""));
    let result = run_with(&["check", "-"], shown.out.as_bytes());
    assert_eq!(
        (result.code, result.out.as_str()),
        (
            0,
            "<stdin>: ok (stored VersioningData: 2 sets, 3 build IDs)\n"
        ),
        "{}",
        result.err
    );
}
