//! `poll`, `add-task` and `sticky`: dispatch answers on a real state, explained.

use crate::run;

const STATE: &str = "cli/tests/data/user-data.json";

#[test]
fn poll_accepts_a_set_default_refuses_an_older_member_and_places_an_unknown_id() {
    let accepted = run(&["poll", STATE, "--build-id", "1.1"]);
    assert_eq!(
        (accepted.code, accepted.out.as_str()),
        (
            0,
            "accepted: polls set ID 0P9ZdLaqUs9WK-pZIYQM\n\
             because 1.1 is the default of set 1 [1.0, 1.1] (set ID 0P9ZdLaqUs9WK-pZIYQM), so it polls that set's queue\n"
        )
    );
    let refused = run(&["poll", STATE, "--build-id", "1.0"]);
    assert_eq!(
        (refused.code, refused.out.as_str()),
        (
            1,
            "refused: OUT_OF_RANGE: Task queue has a newer compatible build: \"1.1\"\n\
             because 1.0 is in set 1 [1.0, 1.1] (set ID 0P9ZdLaqUs9WK-pZIYQM), whose default is 1.1; only the set's default may poll\n"
        )
    );
    let unknown = run(&["poll", STATE, "--build-id", "9.0"]);
    assert_eq!(
        (unknown.code, unknown.out.as_str()),
        (
            0,
            "accepted: polls set ID t-27HTBqaPrxcGc-vvdv\n\
             because 9.0 is in no set of this queue; it polls the queue its own set ID would have (t-27HTBqaPrxcGc-vvdv), in case the build ID is added\n"
        )
    );
}

#[test]
fn poll_json_carries_the_answer_and_the_reason() {
    let result = run(&["poll", STATE, "--build-id", "1.0", "-o", "json"]);
    assert_eq!(result.code, 1);
    let answer: serde_json::Value = serde_json::from_str(&result.out).unwrap();
    assert_eq!(answer["answer"], "newerBuildExists");
    assert_eq!(answer["error"]["code"], "OUT_OF_RANGE");
    assert_eq!(answer["set"]["position"], 1);
    assert_eq!(answer["set"]["defaultBuildId"], "1.1");
    assert!(
        answer["reason"]
            .as_str()
            .unwrap()
            .starts_with("1.0 is in set 1")
    );
}

#[test]
fn add_task_goes_to_the_default_set_a_build_ids_set_or_unversioned() {
    let default = run(&["add-task", STATE]);
    assert_eq!(
        default.out,
        "default set: set ID 2EvbNNTu70A0135UA_hQ\n\
         because a task with no build ID goes to the queue's default set, set 2 [2.0] (set ID 2EvbNNTu70A0135UA_hQ), to run on its default 2.0\n"
    );
    let member = run(&["add-task", STATE, "--build-id", "1.0"]);
    assert_eq!(
        member.out,
        "set: set ID 0P9ZdLaqUs9WK-pZIYQM\n\
         because 1.0 is in set 1 [1.0, 1.1] (set ID 0P9ZdLaqUs9WK-pZIYQM), so the task goes to that set, to run on its default 1.1\n"
    );
    let unversioned = run(&["add-task", "cli/tests/data/listing-unversioned.json"]);
    assert_eq!(
        unversioned.out,
        "unversioned\nbecause the queue has no sets, so a task with no build ID goes to the unversioned queue\n"
    );
    let json = run(&["add-task", STATE, "--build-id", "x", "-o", "json"]);
    let answer: serde_json::Value = serde_json::from_str(&json.out).unwrap();
    assert_eq!(answer["answer"], "unknownBuildId");
    assert_eq!(answer["set"], serde_json::Value::Null);
    assert_eq!(json.code, 0);
}

#[test]
fn sticky_checks_refuse_a_build_id_that_is_not_its_sets_default() {
    let refused = run(&["sticky", STATE, "--build-id", "1.0"]);
    assert_eq!(
        (refused.code, refused.out.as_str()),
        (
            1,
            "sticky poll: refused: OUT_OF_RANGE: Task queue has a newer compatible build: \"1.1\"\n\
             sticky add: refused: UNAVAILABLE: sticky worker unavailable, please use original task queue.\n\
             because 1.0 is in set 1 [1.0, 1.1] (set ID 0P9ZdLaqUs9WK-pZIYQM), whose default is 1.1; the sticky worker must make way for it\n"
        )
    );
    let allowed = run(&["sticky", STATE, "--build-id", "2.0", "-o", "json"]);
    assert_eq!(allowed.code, 0);
    let answer: serde_json::Value = serde_json::from_str(&allowed.out).unwrap();
    assert_eq!(answer["stickyPoll"]["allowed"], true);
    assert_eq!(answer["stickyAdd"]["allowed"], true);
}

/// With rules in the data, the answers the server gives by its rules before its sets are
/// refused on one line (exit 2, README's table); those the sets give stand.
#[test]
fn answers_the_rules_decide_are_refused() {
    const RULES: &str = "cli/tests/data/stored-rules.json";
    const NOTES: &str = "cli/tests/data/stored-rules.json: note: assignmentRules ignored (worker-versioning rules are outside this model; only the version sets are read)\ncli/tests/data/stored-rules.json: note: redirectRules ignored (worker-versioning rules are outside this model; only the version sets are read)\n";
    const REFUSED: &str = "cli/tests/data/stored-rules.json: the data has assignmentRules and redirectRules (worker-versioning rules), which the server applies before the version sets for this answer; the model reads only the sets, so it does not answer\n";
    for args in [
        &["poll", RULES, "--build-id", "9.9"][..],
        &["add-task", RULES][..],
        &["add-task", RULES, "--build-id", "9.9"][..],
        &["resolve", RULES, "--intent", "default"][..],
        &[
            "resolve",
            RULES,
            "--intent",
            "compatible",
            "--build-id",
            "9.9",
        ][..],
    ] {
        let result = run(args);
        assert_eq!(
            (result.code, result.out.as_str(), result.err.as_str()),
            (2, "", format!("{NOTES}{REFUSED}").as_str()),
            "{args:?}"
        );
    }
    for (args, code) in [
        (&["poll", RULES, "--build-id", "1.1"][..], 0),
        (&["poll", RULES, "--build-id", "1.0"][..], 1),
        (&["add-task", RULES, "--build-id", "1.0"][..], 0),
        (
            &[
                "resolve",
                RULES,
                "--intent",
                "compatible",
                "--build-id",
                "1.0",
            ][..],
            0,
        ),
    ] {
        let result = run(args);
        assert_eq!(
            (result.code, result.err.as_str()),
            (code, NOTES),
            "{args:?}"
        );
        assert!(!result.out.is_empty(), "{args:?}");
    }
}
