//! `check`: every kind of violation in hand-made broken files.

use crate::{run, run_with};

#[test]
fn check_accepts_valid_data_of_every_shape() {
    let stored = run(&["show", "--format", "json", "examples/rollout.jsonl"]).out;
    let result = run_with(
        &[
            "check",
            "tests/data/public.json",
            "tests/data/listing.json",
            "-",
        ],
        stored.as_bytes(),
    );
    assert_eq!(result.code, 0);
    assert_eq!(
        result.out,
        "tests/data/public.json: ok (majorVersionSets response: 2 sets, 4 build IDs)\n\
         tests/data/listing.json: ok (get-build-ids listing: 2 sets, 4 build IDs)\n\
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
    let result = run(&["check", "tests/data/stored-invariants.json"]);
    assert_eq!(result.code, 1);
    assert_eq!(
        result.out,
        "\
tests/data/stored-invariants.json: versionSets[0].setIds: a set needs at least one set ID
tests/data/stored-invariants.json: versionSets[0].buildIds: a set needs at least one build ID
tests/data/stored-invariants.json: versionSets[1].setIds[1]: a set ID must not be empty
tests/data/stored-invariants.json: versionSets[1].setIds: a set ID is listed twice
tests/data/stored-invariants.json: versionSets[1].becameDefaultTimestamp: set became default at (4, 0, 0), earlier than the set listed before it, at (5, 0, 0)
tests/data/stored-invariants.json: versionSets[1].buildIds[0].id: build ID must not be empty
tests/data/stored-invariants.json: versionSets[1].buildIds[1].state: state must be STATE_ACTIVE or STATE_DELETED
tests/data/stored-invariants.json: versionSets[1].buildIds[1].stateUpdateTimestamp: timestamp is missing
tests/data/stored-invariants.json: versionSets[1].buildIds[2].becameDefaultTimestamp: build ID became default at (6, 0, 0), earlier than the build ID listed before it, at (9, 0, 0)
tests/data/stored-invariants.json: versionSets[1].buildIds[3].id: build ID 1.0 also appears at versionSets[1].buildIds[1].id
tests/data/stored-invariants.json: versionSets[2].buildIds[0].id: build ID is 300 bytes long; at most 255 are allowed
tests/data/stored-invariants.json: versionSets[2].buildIds[0].becameDefaultTimestamp: timestamp is missing
"
    );
    assert_eq!(result.err, "");
}

#[test]
fn check_finds_every_type_error_of_stored_data_once() {
    let result = run(&["check", "tests/data/stored-types.json"]);
    assert_eq!(result.code, 1);
    assert_eq!(
        result.out,
        "\
tests/data/stored-types.json: taskQueue: unknown key
tests/data/stored-types.json: versionSets[0].name: unknown key
tests/data/stored-types.json: versionSets[0].setIds[1]: expected a string, got 7
tests/data/stored-types.json: versionSets[0].buildIds[0].id: expected a build ID string, got 1
tests/data/stored-types.json: versionSets[0].buildIds[0].state: expected STATE_ACTIVE, STATE_DELETED, STATE_UNSPECIFIED or 1, 2, 0, got \"ACTIVE\"
tests/data/stored-types.json: versionSets[0].buildIds[0].stateUpdateTimestamp.wallClock: expected an integer (a number or a decimal string), got 1.5
tests/data/stored-types.json: versionSets[0].buildIds[0].stateUpdateTimestamp.version: expected an integer (a number or a decimal string), got \"x\"
tests/data/stored-types.json: versionSets[0].buildIds[0].becameDefaultTimestamp.zone: unknown key
tests/data/stored-types.json: versionSets[0].becameDefaultTimestamp: expected an object, got \"yesterday\"
tests/data/stored-types.json: versionSets[1]: expected an object, got \"second\"
"
    );
}

#[test]
fn check_finds_every_violation_of_a_public_response() {
    let result = run(&["check", "tests/data/public-broken.json"]);
    assert_eq!(result.code, 1);
    assert_eq!(
        result.out,
        "\
tests/data/public-broken.json: majorVersionSets[1].buildIds: a set needs at least one build ID
tests/data/public-broken.json: majorVersionSets[2].buildIds[1]: build ID 1.0 also appears at majorVersionSets[0].buildIds[0]
tests/data/public-broken.json: majorVersionSets[2].buildIds[2]: build ID must not be empty
tests/data/public-broken.json: majorVersionSets[2].buildIds[3]: expected a build ID string, got 2
tests/data/public-broken.json: majorVersionSets[3].default: unknown key
tests/data/public-broken.json: majorVersionSets[3].buildIds: expected an array of build IDs, got \"3.0\"
tests/data/public-broken.json: majorVersionSets[4]: expected an object, got an array
"
    );
}

#[test]
fn check_finds_every_inconsistency_of_a_get_build_ids_listing() {
    let result = run(&["check", "tests/data/listing-broken.json"]);
    assert_eq!(result.code, 1);
    assert_eq!(
        result.out,
        "\
tests/data/listing-broken.json: [0].defaultForSet: is \"1.0\", but the set's default (the last of buildIds) is \"1.1\"
tests/data/listing-broken.json: [0].isDefaultSet: is true, but only the last set is the queue's default set
tests/data/listing-broken.json: [1].buildIds: a set needs at least one build ID
tests/data/listing-broken.json: [1].isDefaultSet: expected true or false, got \"no\"
tests/data/listing-broken.json: [2].buildIds[0]: build ID 1.1 also appears at [0].buildIds[1]
tests/data/listing-broken.json: [2].defaultForSet: expected a build ID string, got 3
tests/data/listing-broken.json: [2]: missing key \"isDefaultSet\"
tests/data/listing-broken.json: [3].note: unknown key
tests/data/listing-broken.json: [3].isDefaultSet: is false, but the last set is the queue's default set
"
    );
}

#[test]
fn check_tells_bad_input_from_violations() {
    let result = run(&[
        "check",
        "tests/data/public.json",
        "tests/data/not-json.json",
        "examples/rollout.jsonl",
        "tests/data/listing-broken.json",
    ]);
    assert_eq!(result.code, 2);
    assert_eq!(
        result.err,
        "tests/data/not-json.json:2:20: invalid JSON: trailing comma\n\
         examples/rollout.jsonl: this is a trace, not versioning data; run it with `version-sets replay`\n"
    );
    assert!(
        result.out.starts_with("tests/data/public.json: ok"),
        "{}",
        result.out
    );
    assert_eq!(result.out.lines().count(), 10, "{}", result.out);
}
