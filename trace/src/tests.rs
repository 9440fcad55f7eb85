//! The parser's messages, word for word, and its agreement with `Update`'s serde form.

use super::*;
use version_sets::{
    BuildId, Code, Limits, QueueDefault, Target, TargetQueue, Update, VersioningIntent,
};

fn problem(text: &str) -> String {
    match parse(text.as_bytes()) {
        Ok(steps) => format!("parsed as {steps:?}"),
        Err(error) => error.to_string(),
    }
}

fn id(text: &str) -> BuildId {
    BuildId::new(text).unwrap()
}

#[test]
fn malformed_steps_are_named_with_their_line() {
    let cases: Vec<(String, &str)> = vec![
        ("{".into(), "line 1: invalid JSON at column 1: EOF while parsing an object"),
        ("[1]".into(), "line 1: a step must be a JSON object, got an array"),
        ("{}".into(), "line 1: a step needs one action: update, limits, sets, resolve, poll, start, removeBuildIds, clearTombstones, persistUnknownBuildId, mark, deltas, addTask, stickyPoll, stickyAdd, view, mergeReplica, receiveReplica, gcPlan or reachability"),
        (r#"{"expect": "noop"}"#.into(), "line 1: a step needs one action: update, limits, sets, resolve, poll, start, removeBuildIds, clearTombstones, persistUnknownBuildId, mark, deltas, addTask, stickyPoll, stickyAdd, view, mergeReplica, receiveReplica, gcPlan or reachability"),
        (r#"{"pol": "1"}"#.into(), r#"line 1: unknown key "pol""#),
        (r#"{"poll": "1", "sets": []}"#.into(), "line 1: a step has one action, got sets and poll"),
        (r#"{"poll": "1", "poll": "2"}"#.into(), r#"line 1: invalid JSON at column 20: duplicate key "poll""#),
        (r#"{"sets": [], "expect": "noop"}"#.into(), "line 1: a sets step takes no expect"),
        (r#"{"limits": {}, "expect": "noop"}"#.into(), "line 1: a limits step takes no expect"),
        (r#"{"update": "1.0"}"#.into(), r#"line 1: update: expected an object with one operation, got "1.0""#),
        (r#"{"update": {}}"#.into(), r#"line 1: update: invalid value: map, expected map with a single key"#),
        (r#"{"update": {"addNewDefault": "1"}}"#.into(), r#"line 1: update: unknown variant `addNewDefault`, expected one of `addNewBuildIdInNewDefaultSet`, `addNewCompatibleBuildId`, `promoteSetByBuildId`, `promoteBuildIdWithinSet`, `mergeSets`"#),
        (r#"{"update": {"promoteSetByBuildId": "1", "mergeSets": {}}}"#.into(), r#"line 1: update: invalid value: map, expected map with a single key"#),
        (r#"{"update": {"promoteBuildIdWithinSet": 1}}"#.into(), r#"line 1: update.promoteBuildIdWithinSet: invalid type: integer `1`, expected a string"#),
        (r#"{"update": {"addNewCompatibleBuildId": {"newBuildId": "1.1"}}}"#.into(), r#"line 1: update.addNewCompatibleBuildId: missing field `existingCompatibleBuildId`"#),
        (r#"{"update": {"addNewCompatibleBuildId": {"newBuildId": "1.1", "existingCompatibleBuildId": "1.0", "makeSetDefault": "yes"}}}"#.into(), r#"line 1: update.addNewCompatibleBuildId.makeSetDefault: invalid type: string "yes", expected a boolean"#),
        (r#"{"update": {"addNewCompatibleBuildId": {"newBuildId": "1.1", "existingCompatible": "1.0"}}}"#.into(), r#"line 1: update.addNewCompatibleBuildId.existingCompatible: unknown field `existingCompatible`, expected one of `newBuildId`, `existingCompatibleBuildId`, `makeSetDefault`"#),
        (r#"{"update": {"mergeSets": {"primarySetBuildId": "1", "secondarySetBuildId": null}}}"#.into(), r#"line 1: update.mergeSets.secondarySetBuildId: invalid type: null, expected a string"#),
        (r#"{"update": {"promoteSetByBuildId": "1"}, "expect": "ok"}"#.into(), r#"line 1: expect: expected "changed", "noop" or {"error": CODE}, got "ok""#),
        (r#"{"update": {"promoteSetByBuildId": "1"}, "expect": {"error": "NOTFOUND"}}"#.into(), r#"line 1: expect.error: unknown status code "NOTFOUND" (expected INVALID_ARGUMENT, NOT_FOUND or FAILED_PRECONDITION)"#),
        (r#"{"update": {"promoteSetByBuildId": "1"}, "expect": {"message": "x"}}"#.into(), r#"line 1: expect: missing key "error""#),
        (r#"{"update": {"promoteSetByBuildId": "1"}, "expect": {"error": "NOT_FOUND", "message": 3}}"#.into(), "line 1: expect.message: expected a string, got 3"),
        (r#"{"limits": {"maxSets": -1}}"#.into(), "line 1: limits.maxSets: expected a non-negative integer, got -1"),
        (r#"{"limits": {"maxSets": 1.5}}"#.into(), "line 1: limits.maxSets: expected a non-negative integer, got 1.5"),
        (r#"{"limits": {"maxSet": 1}}"#.into(), r#"line 1: limits: unknown key "maxSet""#),
        (r#"{"limits": 10}"#.into(), "line 1: limits: expected an object, got 10"),
        (r#"{"sets": {}}"#.into(), "line 1: sets: expected an array of sets, got an object"),
        (r#"{"sets": [["1"], "2"]}"#.into(), r#"line 1: sets[1]: expected an array of build IDs, got "2""#),
        (r#"{"sets": [["1", ""]]}"#.into(), "line 1: sets[0][1]: build ID must not be empty"),
        (r#"{"resolve": {"buildId": "1"}}"#.into(), r#"line 1: resolve: missing key "intent""#),
        (r#"{"resolve": {"intent": "compatible"}}"#.into(), r#"line 1: resolve.intent: expected UNSPECIFIED, COMPATIBLE or DEFAULT, got "compatible""#),
        (r#"{"resolve": {"intent": 1}}"#.into(), "line 1: resolve.intent: expected UNSPECIFIED, COMPATIBLE or DEFAULT, got 1"),
        (r#"{"resolve": {"intent": "DEFAULT", "sameTaskQueue": "no"}}"#.into(), r#"line 1: resolve.sameTaskQueue: expected true or false, got "no""#),
        (r#"{"resolve": {"intent": "DEFAULT", "taskQueue": "q"}}"#.into(), r#"line 1: resolve: unknown key "taskQueue""#),
        (r#"{"resolve": {"intent": "DEFAULT"}, "expect": "default"}"#.into(), r#"line 1: expect: expected {"setDefault": ID}, {"exactBuildId": ID}, "unversioned" or "rejected", got "default""#),
        (r#"{"resolve": {"intent": "DEFAULT"}, "expect": {"setDefault": "1", "exactBuildId": "1"}}"#.into(), "line 1: expect: expected one of setDefault or exactBuildId, got exactBuildId and setDefault"),
        (r#"{"resolve": {"intent": "DEFAULT"}, "expect": {"set": "1"}}"#.into(), r#"line 1: expect: unknown key "set""#),
        (r#"{"poll": ["1"]}"#.into(), "line 1: poll: expected a build ID string, got an array"),
        (r#"{"poll": "1", "expect": "rejected"}"#.into(), r#"line 1: expect: expected "accepted", {"newerBuildExists": ID} or "unknownBuildId", got "rejected""#),
        (r#"{"poll": "1", "expect": {}}"#.into(), "line 1: expect: expected one of newerBuildExists, got none"),
    ];
    let wrong: Vec<String> = cases
        .iter()
        .filter(|(text, expected)| problem(text) != *expected)
        .map(|(text, _)| format!("{text}\n  => {}", problem(text)))
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn lines_are_counted_across_blank_lines_comments_and_crlf() {
    let text = "# comment\r\n\r\n   \n  # indented comment\n{\"poll\": \"1\"}\r\n{\"pol\": 1}\n";
    assert_eq!(problem(text), r#"line 6: unknown key "pol""#);
    let steps = parse(b"\xef\xbb\xbf{\"poll\": \"1\"}\n").unwrap();
    assert_eq!(steps[0].line, 1);
}

#[test]
fn invalid_utf8_is_reported_with_its_line_and_byte() {
    let err = parse(b"{\"poll\": \"1\"}\n{\"poll\": \"\xff\"}\n").unwrap_err();
    assert_eq!(err.line(), 2);
    assert_eq!(err.problem(), "invalid UTF-8 at byte 11 of the line");
    // A comment line is still text: invalid bytes there are an error too.
    assert_eq!(
        parse(b"# \xc3\n").unwrap_err().to_string(),
        "line 1: invalid UTF-8 at byte 3 of the line"
    );
}

#[test]
fn long_keys_are_cut_in_messages() {
    let key = "k".repeat(100);
    let text = format!(r#"{{"{key}": 1}}"#);
    assert_eq!(
        problem(&text),
        format!(r#"line 1: unknown key "{}"... (100 bytes)"#, "k".repeat(40))
    );
}

/// serde's derive names an unknown field in full; the path and the message name it by its
/// excerpt and length instead.
#[test]
fn long_unknown_fields_inside_a_step_are_cut() {
    let key = "k".repeat(100);
    let text = format!(r#"{{"addTask": {{"{key}": 1}}}}"#);
    let cut = format!(r#""{}"... (100 bytes)"#, "k".repeat(40));
    assert_eq!(
        problem(&text),
        format!("line 1: addTask[{cut}]: unknown field {cut}, expected `buildId`")
    );
}

/// serde names a string of the wrong type in full; the message quotes an excerpt instead.
#[test]
fn long_strings_of_the_wrong_type_inside_a_step_are_cut() {
    let long = "k".repeat(100);
    let cut = format!(r#""{}"... (100 bytes)"#, "k".repeat(40));
    assert_eq!(
        problem(&format!(r#"{{"gcPlan": {{"now": "{long}"}}}}"#)),
        format!("line 1: gcPlan.now: invalid type: string {cut}, expected i64")
    );
    assert_eq!(
        problem(&format!(
            r#"{{"gcPlan": {{"now": 1, "inUse": ["a", 1, "{long}"]}}}}"#
        )),
        "line 1: gcPlan.inUse[1]: invalid type: integer `1`, expected a string"
    );
}

/// A line one byte over the cap is refused for its length, before it is read; a line at the
/// cap is read (and refused here for its content).
#[test]
fn a_line_over_the_cap_is_refused_for_its_length() {
    let at_cap = |extra: usize| {
        let head = r#"{"poll": ""#;
        let tail = r#""}"#;
        let fill = crate::MAX_LINE_BYTES + extra - head.len() - tail.len();
        format!("{head}{}{tail}", "v".repeat(fill))
    };
    let over = at_cap(1);
    assert_eq!(over.len(), crate::MAX_LINE_BYTES + 1);
    assert_eq!(
        problem(&over),
        "line 1: the line is 8388609 bytes long, more than the 8388608 (8 MiB) a line may hold"
    );
    assert_eq!(
        problem(&at_cap(0)),
        "line 1: poll: build ID is 8388596 bytes long; at most 255 are allowed"
    );
    // A start step is read without a tree, held only to the file's cap.
    let data = format!(
        r#"{{"start": {{"data": {{"versionSets": []}}, "clusterId": 0}}}}{}"#,
        " ".repeat(crate::MAX_LINE_BYTES)
    );
    assert!(parse(data.as_bytes()).is_ok());
    // So is a replica step; what its typed reader refuses is worded by the tree's.
    let replica = r#"{"mergeReplica": {"data": {"versionSets": []}}, "expect": "noop"}"#;
    let long = format!("{replica}{}", " ".repeat(crate::MAX_LINE_BYTES));
    let steps = parse(long.as_bytes()).unwrap();
    assert_eq!(steps, parse(replica.as_bytes()).unwrap());
    assert!(matches!(
        steps[..],
        [Step {
            action: Action::MergeReplica { .. },
            ..
        }]
    ));
    let received =
        r#"{"receiveReplica": {"data": {"versionSets": []}}, "expect": ["a"], "now": 5}"#;
    let steps = parse(format!("{received}{}", " ".repeat(crate::MAX_LINE_BYTES)).as_bytes());
    assert!(matches!(
        steps.unwrap()[..],
        [Step {
            now: Some(5),
            action: Action::ReceiveReplica { .. },
            ..
        }]
    ));
    assert_eq!(
        problem(r#"{"mergeReplica": {"data": {"versionSets": []}}, "expect": null}"#),
        r#"line 1: expect: expected "changed" or "noop", got null"#
    );
    assert_eq!(
        problem(r#"{"mergeReplica": {"data": {"versionSets": []}}, "now": 1}"#),
        "line 1: a mergeReplica step takes no now"
    );
}

/// A line of tiny objects, whose tree would take some 95 times its bytes, is refused before
/// the tree is built; a line of the same bytes in strings is read.
#[test]
fn a_line_whose_tree_is_too_large_is_refused() {
    let objects = vec![r#"{"":0}"#; 20_000].join(",");
    let text = format!(r#"{{"poll": [{objects}]}}"#);
    // A node (648 bytes) for each object, 32,768 slots of 32 bytes (and an allocation's
    // 16) for the array, a node and the key "poll" (4 + 16) for the step, 32 for the root.
    let tree = 20_000 * 648 + 32_768 * 32 + 16 + 648 + 20 + 32;
    assert_eq!(
        problem(&text),
        format!(
            "line 1: the line's JSON would take about {tree} bytes as a tree, more than 32 \
             times its {} bytes",
            text.len()
        )
    );
    let strings = vec![r#""aaaa""#; 20_000].join(",");
    assert_eq!(
        problem(&format!(r#"{{"poll": [{strings}]}}"#)),
        "line 1: poll: expected a build ID string, got an array"
    );
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let text = format!(
        r#"{{"sets": {}{}}}"#,
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    assert_eq!(
        problem(&text),
        "line 1: invalid JSON at column 136: recursion limit exceeded"
    );
}

#[test]
fn every_action_reads_its_fields() {
    let text = r#"
{"update": {"addNewCompatibleBuildId": {"newBuildId": "1.1", "existingCompatibleBuildId": "1.0", "makeSetDefault": true}}, "expect": {"error": "NOT_FOUND", "message": "m"}}
{"limits": {"maxBuildIds": 7}}
{"sets": [[], ["1.0"]]}
{"resolve": {"intent": "VERSIONING_INTENT_COMPATIBLE", "buildId": "1.0", "sameTaskQueue": false}, "expect": {"exactBuildId": "1.0"}}
{"resolve": {"intent": "UNSPECIFIED"}}
{"poll": "1.0", "expect": {"newerBuildExists": "1.1"}}
"#;
    let actions: Vec<(usize, Action)> = parse(text.as_bytes())
        .unwrap()
        .into_iter()
        .map(|step| (step.line, step.action))
        .collect();
    assert_eq!(
        actions,
        vec![
            (
                2,
                Action::Update {
                    update: Update::add_new_compatible(id("1.1"), id("1.0"), QueueDefault::Make),
                    expect: Some(UpdateExpectation::Error {
                        code: Code::NotFound,
                        message: Some("m".into())
                    }),
                }
            ),
            (
                3,
                Action::Limits(version_sets::NamespaceLimits {
                    queue: Limits {
                        max_sets: 0,
                        max_build_ids: 7
                    },
                    task_queues_per_build_id: 20,
                })
            ),
            (4, Action::Sets(vec![vec![], vec![id("1.0")]])),
            (
                5,
                Action::Resolve {
                    intent: VersioningIntent::Compatible,
                    build_id: Some(id("1.0")),
                    queue: TargetQueue::Other,
                    expect: Some(Target::ExactBuildId(id("1.0"))),
                }
            ),
            (
                6,
                Action::Resolve {
                    intent: VersioningIntent::Unspecified,
                    build_id: None,
                    queue: TargetQueue::Same,
                    expect: None,
                }
            ),
            (
                7,
                Action::Poll {
                    build_id: id("1.0"),
                    expect: Some(PollExpectation::NewerBuildExists(id("1.1")))
                }
            ),
        ]
    );
}

#[test]
fn operations_read_as_the_serde_form_does() {
    let updates = [
        Update::add_new_default(id("2.0")),
        Update::add_new_compatible(id("2.1"), id("2.0"), QueueDefault::Make),
        Update::add_new_compatible(id("2.1"), id("2.0"), QueueDefault::Keep),
        Update::promote_set_by_build_id(id("1.0")),
        Update::promote_build_id_within_set(id("1.0")),
        Update::merge_sets(id("1.0"), id("2.0")),
    ];
    for update in updates {
        let json = serde_json::to_string(&update).unwrap();
        let ops = parse_updates(json.as_bytes()).unwrap();
        assert_eq!(ops, vec![(1, update.clone())], "{json}");
        let step = format!(r#"{{"update": {json}}}"#);
        let back: Update = serde_json::from_str(&json).unwrap();
        assert_eq!(back, update);
        assert!(parse(step.as_bytes()).is_ok(), "{step}");
    }
    // `makeSetDefault` is optional in both readings.
    let json =
        r#"{"addNewCompatibleBuildId": {"newBuildId": "b", "existingCompatibleBuildId": "a"}}"#;
    let serde: Update = serde_json::from_str(json).unwrap();
    assert_eq!(parse_updates(json.as_bytes()).unwrap(), vec![(1, serde)]);
}

#[test]
fn operation_files_name_paths_from_the_operation() {
    let err = parse_updates(b"\n{\"mergeSets\": {\"primarySetBuildId\": \"1\"}}").unwrap_err();
    assert_eq!(
        err.to_string(),
        "line 2: mergeSets: missing field `secondarySetBuildId`"
    );
    let err = parse_updates(b"[]").unwrap_err();
    assert_eq!(
        err.to_string(),
        "line 1: expected an object with one operation, got an array"
    );
}

#[test]
fn the_runner_checks_every_kind_of_expectation() {
    let text = r#"
{"resolve": {"intent": "DEFAULT"}, "expect": "unversioned"}
{"update": {"addNewBuildIdInNewDefaultSet": "1.0"}}
{"update": {"addNewBuildIdInNewDefaultSet": "1.0"}, "expect": "changed"}
{"update": {"promoteSetByBuildId": "9"}}
{"update": {"promoteSetByBuildId": "9"}, "expect": {"error": "NOT_FOUND"}}
{"update": {"promoteSetByBuildId": "9"}, "expect": {"error": "NOT_FOUND", "message": "wrong"}}
{"limits": {"maxSets": 1}}
{"update": {"addNewBuildIdInNewDefaultSet": "2.0"}, "expect": {"error": "FAILED_PRECONDITION"}}
{"sets": [["2.0"]]}
{"resolve": {"intent": "COMPATIBLE", "sameTaskQueue": false}, "expect": "rejected"}
{"poll": "1.0", "expect": "unknownBuildId"}
{"poll": "7"}
"#;
    let report = run(&parse(text.as_bytes()).unwrap());
    let failures: Vec<String> = report.failures.iter().map(ToString::to_string).collect();
    assert_eq!(
        failures,
        [
            r#"line 4: expected "changed", got "noop""#,
            r#"line 5: expected "changed" or "noop", got {"error":"NOT_FOUND","message":"targeted version 9 not found"}"#,
            r#"line 7: expected {"error":"NOT_FOUND","message":"wrong"}, got {"error":"NOT_FOUND","message":"targeted version 9 not found"}"#,
            r#"line 10: expected [["2.0"]], got [["1.0"]]"#,
            r#"line 12: expected "unknownBuildId", got "accepted""#,
        ]
    );
    assert_eq!((report.passed, report.failed()), (5, 5));
    assert_eq!(report.state().default_build_id(), Some(&id("1.0")));
}

#[test]
fn an_invalid_build_id_in_an_update_is_its_invalid_argument_result() {
    let long = "x".repeat(256);
    let cases: Vec<(String, String)> = vec![
        (r#"{"addNewBuildIdInNewDefaultSet": ""}"#.into(), "addNewBuildIdInNewDefaultSet: build ID must not be empty".into()),
        (format!(r#"{{"promoteSetByBuildId": "{long}"}}"#), "promoteSetByBuildId: build ID is 256 bytes long; at most 255 are allowed".into()),
        (r#"{"promoteBuildIdWithinSet": ""}"#.into(), "promoteBuildIdWithinSet: build ID must not be empty".into()),
        (r#"{"addNewCompatibleBuildId": {"newBuildId": "", "existingCompatibleBuildId": ""}}"#.into(), "addNewCompatibleBuildId.newBuildId: build ID must not be empty".into()),
        (format!(r#"{{"addNewCompatibleBuildId": {{"newBuildId": "1", "existingCompatibleBuildId": "{long}"}}}}"#), "addNewCompatibleBuildId.existingCompatibleBuildId: build ID is 256 bytes long; at most 255 are allowed".into()),
        (r#"{"mergeSets": {"primarySetBuildId": "", "secondarySetBuildId": "1"}}"#.into(), "mergeSets.primarySetBuildId: build ID must not be empty".into()),
        (r#"{"mergeSets": {"primarySetBuildId": "1", "secondarySetBuildId": ""}}"#.into(), "mergeSets.secondarySetBuildId: build ID must not be empty".into()),
    ];
    for (update, message) in cases {
        let text = format!(
            "{{\"update\": {{\"addNewBuildIdInNewDefaultSet\": \"1\"}}}}\n{{\"update\": {update}, \"expect\": {{\"error\": \"INVALID_ARGUMENT\", \"message\": {}}}}}\n{{\"sets\": [[\"1\"]]}}",
            serde_json::Value::String(message.clone())
        );
        let steps = parse(text.as_bytes()).unwrap();
        let report = run(&steps);
        assert!(
            report.failures.is_empty(),
            "{update}: {:?}",
            report.failures
        );
        assert_eq!(report.passed, 3, "{update}");
        let Action::InvalidUpdate {
            update: invalid, ..
        } = &steps[1].action
        else {
            panic!("{update} read as {:?}", steps[1].action);
        };
        assert_eq!(invalid.to_string(), message);
        assert_eq!(invalid.code(), Code::InvalidArgument);
        // Written back, the step is the operation exactly as given.
        let back: serde_json::Value = serde_json::from_str(&update).unwrap();
        let written: serde_json::Value = serde_json::from_str(&steps[1].to_request()).unwrap();
        assert_eq!(written["update"], back);
        // An operations file still refuses it: there is no update to apply.
        let err = parse_updates(update.as_bytes()).unwrap_err();
        assert_eq!(err.to_string(), format!("line 1: {message}"));
    }
}

#[test]
fn v2_steps_read_run_and_write_back() {
    let text = r#"
{"start": {"data": {"versionSets": [{"setIds": ["0P9ZdLaqUs9WK-pZIYQM"], "buildIds": [{"id": "1.0", "state": "STATE_ACTIVE", "stateUpdateTimestamp": {"wallClock": 5, "version": 0, "clusterId": 1}, "becameDefaultTimestamp": {"wallClock": 5, "version": 0, "clusterId": 1}}], "becameDefaultTimestamp": {"wallClock": 5, "version": 0, "clusterId": 1}}]}, "clusterId": 2}}
{"mark": "loaded"}
{"update": {"addNewBuildIdInNewDefaultSet": "2.0"}, "now": 3, "expect": "changed"}
{"update": {"addNewCompatibleBuildId": {"newBuildId": "2.1", "existingCompatibleBuildId": "2.0"}}, "now": 10}
{"addTask": {}, "expect": {"setId": "2EvbNNTu70A0135UA_hQ"}}
{"addTask": {"buildId": "2.1"}, "expect": {"setId": "2EvbNNTu70A0135UA_hQ"}}
{"addTask": {"buildId": "1.0"}, "expect": {"setId": "0P9ZdLaqUs9WK-pZIYQM"}}
{"addTask": {"buildId": "my-build-id"}, "expect": {"guessedSetId": "ftrPuUeORv2JD4Wp2wTU"}}
{"stickyPoll": "2.0", "expect": {"newerBuildExists": "2.1"}}
{"stickyPoll": "2.1", "expect": "accepted"}
{"stickyPoll": "9.9", "expect": "accepted"}
{"stickyAdd": "2.0", "expect": "stickyWorkerUnavailable"}
{"stickyAdd": "2.1", "expect": "accepted"}
{"removeBuildIds": ["1.0", "9.9"], "now": 20, "expect": "changed"}
{"view": {}, "expect": [[], ["2.0", "2.1"]]}
{"view": {"maxSets": 1}, "expect": [["2.0", "2.1"]]}
{"deltas": "loaded", "expect": {"added": ["2.0", "2.1"], "removed": ["1.0"]}}
{"clearTombstones": {}, "expect": "changed"}
{"clearTombstones": {}, "expect": "noop"}
{"persistUnknownBuildId": "0.9", "expect": "changed"}
{"persistUnknownBuildId": "0.9", "expect": "noop"}
{"sets": [["0.9"], ["2.0", "2.1"]]}
"#;
    let steps = parse(text.as_bytes()).unwrap();
    let report = run(&steps);
    let failures: Vec<String> = report.failures.iter().map(ToString::to_string).collect();
    assert_eq!(failures, Vec::<String>::new());
    assert_eq!(report.passed, 20);
    // The loaded state keeps its clock: the update at wall time 3 is stamped after 5, on
    // the trace's cluster.
    let record = report.state().record("2.0").unwrap();
    assert_eq!(record.became_default_timestamp().wall_clock, 5);
    assert_eq!(record.became_default_timestamp().cluster_id, 2);
    // Every step writes back to itself.
    for step in &steps {
        let line = step.to_line();
        let again = parse_step(&line).unwrap();
        assert_eq!(again.action, step.action, "{line}");
        assert_eq!(again.now, step.now, "{line}");
    }
}

#[test]
fn v2_malformed_steps_are_named_with_their_line() {
    let cases: Vec<(&str, &str)> = vec![
        (
            "{\"poll\": \"1\"}\n{\"start\": {\"data\": {}}}",
            "line 2: a start step must be the first step",
        ),
        (
            r#"{"start": {"data": {}, "cluster": 1}}"#,
            "line 1: start.cluster: unknown field `cluster`, expected `data` or `clusterId`",
        ),
        (
            r#"{"start": {"data": {"versionSets": [{"setIds": [], "buildIds": []}]}}}"#,
            "line 1: start.data: invalid versioning data: versionSets[0].setIds: a set needs at least one set ID (and 2 more)",
        ),
        (
            r#"{"deltas": "x"}"#,
            r#"line 1: deltas: no earlier mark is named "x""#,
        ),
        (r#"{"mark": ""}"#, "line 1: mark: a name must not be empty"),
        (
            r#"{"mark": "a", "expect": "noop"}"#,
            "line 1: a mark step takes no expect",
        ),
        (
            r#"{"poll": "1", "now": 5}"#,
            "line 1: a poll step takes no now",
        ),
        (
            r#"{"update": {"promoteSetByBuildId": "1"}, "now": "5"}"#,
            r#"line 1: now: expected a wall time in milliseconds (an integer), got "5""#,
        ),
        (
            r#"{"removeBuildIds": "1"}"#,
            r#"line 1: removeBuildIds: expected an array of build IDs, got "1""#,
        ),
        (
            r#"{"removeBuildIds": [""]}"#,
            "line 1: removeBuildIds[0]: build ID must not be empty",
        ),
        (
            r#"{"removeBuildIds": [], "expect": {"error": "NOT_FOUND"}}"#,
            r#"line 1: expect: expected "changed" or "noop", got an object"#,
        ),
        (
            r#"{"clearTombstones": true}"#,
            "line 1: clearTombstones: expected {}, got true",
        ),
        (
            r#"{"addTask": {"build": "1"}}"#,
            "line 1: addTask.build: unknown field `build`, expected `buildId`",
        ),
        (
            r#"{"addTask": {}, "expect": {"set": "x"}}"#,
            r#"line 1: expect: unknown key "set""#,
        ),
        (
            r#"{"stickyPoll": "1", "expect": "stickyWorkerUnavailable"}"#,
            r#"line 1: expect: expected "accepted" or {"newerBuildExists": ID}, got "stickyWorkerUnavailable""#,
        ),
        (
            r#"{"stickyAdd": "1", "expect": {"newerBuildExists": "2"}}"#,
            r#"line 1: expect: expected "accepted" or "stickyWorkerUnavailable", got an object"#,
        ),
        (
            r#"{"view": {"maxSets": -1}}"#,
            "line 1: view.maxSets: expected a non-negative integer, got -1",
        ),
        (
            r#"{"view": {}, "expect": [[1]]}"#,
            "line 1: expect[0][0]: expected a build ID string, got 1",
        ),
        (
            r#"{"deltas": 1}"#,
            "line 1: deltas: expected the name of an earlier mark, got 1",
        ),
        (
            "{\"mark\": \"m\"}\n{\"deltas\": \"m\", \"expect\": {\"added\": []}}",
            "line 2: expect: missing field `removed`",
        ),
    ];
    let wrong: Vec<String> = cases
        .iter()
        .filter(|(text, expected)| problem(text) != *expected)
        .map(|(text, _)| format!("{text}\n  => {}", problem(text)))
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Stored data with one set `[1.0]` stamped at wall time 5 on cluster 1, then `[2.0]` at 6.
const TWO_SETS: &str = r#"{"versionSets": [{"setIds": ["0P9ZdLaqUs9WK-pZIYQM"], "buildIds": [{"id": "1.0", "state": "STATE_ACTIVE", "stateUpdateTimestamp": {"wallClock": 5, "version": 0, "clusterId": 1}, "becameDefaultTimestamp": {"wallClock": 5, "version": 0, "clusterId": 1}}], "becameDefaultTimestamp": {"wallClock": 5, "version": 0, "clusterId": 1}}, {"setIds": ["2EvbNNTu70A0135UA_hQ"], "buildIds": [{"id": "2.0", "state": "STATE_ACTIVE", "stateUpdateTimestamp": {"wallClock": 6, "version": 0, "clusterId": 1}, "becameDefaultTimestamp": {"wallClock": 6, "version": 0, "clusterId": 1}}], "becameDefaultTimestamp": {"wallClock": 6, "version": 0, "clusterId": 1}}]}"#;

#[test]
fn replication_steps_read_run_and_write_back() {
    let text = format!(
        r#"
{{"update": {{"addNewBuildIdInNewDefaultSet": "1.0"}}, "now": 5}}
{{"mergeReplica": {{"data": {TWO_SETS}, "clusterId": 2}}, "expect": "changed"}}
{{"mergeReplica": {{"data": {TWO_SETS}}}, "expect": "noop"}}
{{"sets": [["1.0"], ["2.0"]]}}
{{"gcPlan": {{"now": 3600006, "retentionMs": 0, "inUse": []}}, "expect": ["1.0"]}}
{{"gcPlan": {{"now": 3600006, "inUse": ["1.0"]}}, "expect": []}}
{{"gcPlan": {{"now": 3600004, "minSinceDefaultMs": 3600000}}, "expect": []}}
{{"gcPlan": {{"now": 3600006, "retentionMs": 3600002, "ignoreRetention": true}}, "expect": ["1.0"]}}
{{"reachability": {{"buildId": "2.0", "now": 10}}, "expect": ["NEW_WORKFLOWS"]}}
{{"reachability": {{"buildId": "1.0", "now": 300006, "kind": "TASK_REACHABILITY_OPEN_WORKFLOWS", "open": ["1.0"]}}, "expect": ["OPEN_WORKFLOWS"]}}
{{"reachability": {{"buildId": "1.0", "now": 300004, "kind": "CLOSED_WORKFLOWS", "open": ["1.0"], "closed": []}}, "expect": ["NEW_WORKFLOWS"]}}
{{"reachability": {{"buildId": "", "now": 10, "open": [""]}}, "expect": ["NEW_WORKFLOWS", "EXISTING_WORKFLOWS"]}}
{{"reachability": {{"buildId": "9.9", "now": 10, "unprocessed": true}}, "expect": []}}
{{"removeBuildIds": ["1.0"], "now": 20}}
{{"receiveReplica": {{"data": {TWO_SETS}, "inUse": ["1.0"]}}, "now": 30, "expect": []}}
{{"sets": [["2.0"]]}}
"#
    );
    let steps = parse(text.as_bytes()).unwrap();
    let report = run(&steps);
    let failures: Vec<String> = report.failures.iter().map(ToString::to_string).collect();
    assert_eq!(failures, Vec::<String>::new());
    assert_eq!(report.passed, 15);
    // The merged value stays on the local cluster, whatever the replica's.
    assert_eq!(report.state().cluster_id(), 0);
    for step in &steps {
        let line = step.to_line();
        let again = parse_step(&line).unwrap();
        assert_eq!(again.action, step.action, "{line}");
        assert_eq!(again.now, step.now, "{line}");
    }
}

#[test]
fn receiving_a_replica_revives_what_is_still_in_use() {
    // Here 1.0 still runs workflows; the replica deleted it at wall time 7.
    let deleted = TWO_SETS.replacen(
        r#""state": "STATE_ACTIVE", "stateUpdateTimestamp": {"wallClock": 5"#,
        r#""state": "STATE_DELETED", "stateUpdateTimestamp": {"wallClock": 7"#,
        1,
    );
    let text = format!(
        r#"
{{"start": {{"data": {TWO_SETS}, "clusterId": 3}}}}
{{"receiveReplica": {{"data": {deleted}, "clusterId": 1, "inUse": ["1.0"]}}, "now": 8, "expect": ["1.0"]}}
{{"sets": [["1.0"], ["2.0"]]}}
{{"receiveReplica": {{"data": {deleted}}}, "now": 9, "expect": []}}
{{"sets": [["1.0"], ["2.0"]]}}
"#
    );
    let report = run(&parse(text.as_bytes()).unwrap());
    let failures: Vec<String> = report.failures.iter().map(ToString::to_string).collect();
    assert_eq!(failures, Vec::<String>::new());
    // The revival is stamped after the deletion, on the local cluster.
    let stamp = report
        .state()
        .record("1.0")
        .unwrap()
        .state_update_timestamp();
    assert_eq!((stamp.wall_clock, stamp.cluster_id), (8, 3));
}

#[test]
fn replication_malformed_steps_are_named_with_their_line() {
    let cases: Vec<(&str, &str)> = vec![
        (
            r#"{"mergeReplica": {"data": {}, "inUse": []}}"#,
            "line 1: mergeReplica.inUse: unknown field `inUse`, expected `data` or `clusterId`",
        ),
        (
            r#"{"mergeReplica": {"data": {"versionSets": [{"setIds": [], "buildIds": []}]}}}"#,
            "line 1: mergeReplica.data: invalid versioning data: versionSets[0].setIds: a set needs at least one set ID (and 2 more)",
        ),
        (
            r#"{"mergeReplica": {"data": {}}, "now": 3}"#,
            "line 1: a mergeReplica step takes no now",
        ),
        (
            r#"{"mergeReplica": {"data": {}}, "expect": []}"#,
            r#"line 1: expect: expected "changed" or "noop", got an array"#,
        ),
        (
            r#"{"receiveReplica": {"data": {}, "inUse": [""]}}"#,
            "line 1: receiveReplica.inUse[0]: build ID must not be empty",
        ),
        (
            r#"{"receiveReplica": {"data": {}}, "expect": "noop"}"#,
            r#"line 1: expect: expected an array of build IDs, got "noop""#,
        ),
        (r#"{"gcPlan": {}}"#, "line 1: gcPlan: missing field `now`"),
        (
            r#"{"gcPlan": {"now": 1, "used": []}}"#,
            "line 1: gcPlan.used: unknown field `used`, expected one of `now`, `minSinceDefaultMs`, `retentionMs`, `ignoreRetention`, `inUse`",
        ),
        (
            r#"{"gcPlan": {"now": 1}, "expect": [1]}"#,
            "line 1: expect[0]: expected a build ID string, got 1",
        ),
        (
            r#"{"reachability": {"now": 1}}"#,
            "line 1: reachability: missing field `buildId`",
        ),
        (
            r#"{"reachability": {"buildId": "1", "now": 1, "kind": "OPEN"}}"#,
            r#"line 1: reachability.kind: expected UNSPECIFIED, NEW_WORKFLOWS, EXISTING_WORKFLOWS, OPEN_WORKFLOWS or CLOSED_WORKFLOWS, got "OPEN""#,
        ),
        (
            r#"{"reachability": {"buildId": "1", "now": 1}, "expect": ["UNSPECIFIED"]}"#,
            r#"line 1: expect[0]: expected NEW_WORKFLOWS, EXISTING_WORKFLOWS, OPEN_WORKFLOWS or CLOSED_WORKFLOWS, got "UNSPECIFIED""#,
        ),
        (
            r#"{"reachability": {"buildId": "1", "now": 1}, "expect": "unreachable"}"#,
            r#"line 1: expect: expected an array of reachability kinds, got "unreachable""#,
        ),
    ];
    let wrong: Vec<String> = cases
        .iter()
        .filter(|(text, expected)| problem(text) != *expected)
        .map(|(text, _)| format!("{text}\n  => {}", problem(text)))
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    let long = format!(
        r#"{{"reachability": {{"buildId": "1", "now": 1, "closed": ["{}"]}}}}"#,
        "x".repeat(256)
    );
    assert_eq!(
        problem(&long),
        "line 1: reachability.closed[0]: build ID must be at most 255 bytes"
    );
}

/// A `start` line read straight from its text gives what the tree gives: the same state, or
/// the same problem; what the typed reader refuses is left to the tree.
#[test]
fn a_start_line_read_directly_is_the_start_the_tree_reads() {
    let stamp = r#"{"wallClock": "5", "version": 0, "clusterId": "1"}"#;
    let record = format!(
        r#"{{"id": "a", "state": "STATE_ACTIVE", "stateUpdateTimestamp": {stamp}, "becameDefaultTimestamp": {stamp}}}"#
    );
    let set = format!(
        r#"{{"setIds": ["s"], "buildIds": [{record}], "becameDefaultTimestamp": {stamp}}}"#
    );
    let read_directly = [
        format!(r#"{{"start": {{"data": {{"versionSets": [{set}]}}, "clusterId": 2}}}}"#),
        r#" {"start": {"data": {}}}"#.to_owned(),
        // Valid JSON, invalid data: the same message either way.
        format!(r#"{{"start": {{"data": {{"versionSets": [{set}, {set}]}}}}}}"#),
    ];
    for text in &read_directly {
        let direct = read::v2::start_line(text).unwrap_or_else(|| panic!("not direct: {text}"));
        let tree = read::json::read(text).and_then(|value| read::v2::start(&value["start"]));
        assert_eq!(direct, tree, "{text}");
    }
    let left_to_the_tree = [
        r#"{"start": {"data": {}}, "now": 5}"#,
        r#"{"start": {"data": {}}, "start": {"data": {}}}"#,
        r#"{"start": {"data": {"versionSets": 5}}}"#,
        r#"[{"data": {}}]"#,
        r#"{"update": {"promoteSetByBuildId": "a"}}"#,
    ];
    for text in left_to_the_tree {
        assert!(read::v2::start_line(text).is_none(), "{text}");
    }
    assert_eq!(
        problem(r#"{"start": {"data": {}}, "start": {"data": {}}}"#),
        r#"line 1: invalid JSON at column 31: duplicate key "start""#
    );
}

#[test]
fn a_step_names_its_task_queue_and_writes_it_back() {
    let line = r#"{"update": {"addNewBuildIdInNewDefaultSet":"1.0"}, "taskQueue": "orders", "now": 5, "expect": "changed"}"#;
    let step = parse_step(line).unwrap();
    assert_eq!(step.task_queue.as_deref(), Some("orders"));
    assert_eq!(step.to_line(), line);
    assert_eq!(
        step.to_request(),
        r#"{"update": {"addNewBuildIdInNewDefaultSet":"1.0"}, "taskQueue": "orders", "now": 5}"#
    );
    // A start step with a task queue goes through the general reader.
    let start = r#"{"start": {"data": {"versionSets": []}}, "taskQueue": "orders"}"#;
    let steps = parse(start.as_bytes()).unwrap();
    assert_eq!(steps[0].task_queue.as_deref(), Some("orders"));
}

#[test]
fn a_task_queue_name_is_checked_as_the_server_checks_it() {
    let long = "q".repeat(1001);
    let cases = [
        (r#""""#.to_owned(), "taskQueue: missing task queue name"),
        (
            format!("\"{long}\""),
            "taskQueue: taskQueue length exceeds limit",
        ),
        (
            r#""/_sys/q""#.to_owned(),
            "taskQueue: task queue name cannot start with reserved prefix /_sys/",
        ),
        (
            "7".to_owned(),
            "taskQueue: expected a task queue name (a string), got 7",
        ),
    ];
    for (name, problem) in cases {
        let line = format!(r#"{{"poll": "1.0", "taskQueue": {name}}}"#);
        let err = parse(line.as_bytes()).unwrap_err();
        assert_eq!(err.problem(), problem, "{line}");
    }
}

#[test]
fn limits_write_the_namespace_limit_only_when_it_is_not_the_default() {
    let step = parse_step(r#"{"limits": {"maxSets": 2}}"#).unwrap();
    assert_eq!(
        step.to_line(),
        r#"{"limits": {"maxBuildIds":0,"maxSets":2}}"#
    );
    let step = parse_step(r#"{"limits": {"taskQueuesPerBuildId": 3}}"#).unwrap();
    assert_eq!(
        step.to_line(),
        r#"{"limits": {"maxBuildIds":0,"maxSets":0,"taskQueuesPerBuildId":3}}"#
    );
    assert_eq!(parse_step(&step.to_line()).unwrap().action, step.action);
}

#[test]
fn a_session_plays_each_task_queue_on_its_own_with_the_namespace_limit() {
    let steps = parse(
        br#"{"limits": {"taskQueuesPerBuildId": 1}}
{"update": {"addNewBuildIdInNewDefaultSet": "1.0"}}
{"update": {"addNewBuildIdInNewDefaultSet": "1.0"}, "taskQueue": "other", "expect": {"error": "FAILED_PRECONDITION", "message": "Exceeded max task queues allowed to be mapped to a single build ID: 1"}}
{"update": {"addNewBuildIdInNewDefaultSet": "2.0"}, "taskQueue": "other"}
{"mark": "m", "taskQueue": "other"}
{"update": {"addNewBuildIdInNewDefaultSet": "3.0"}, "taskQueue": "other"}
{"deltas": "m", "taskQueue": "other", "expect": {"added": ["3.0"], "removed": []}}
{"sets": [["1.0"]], "taskQueue": "default"}
"#,
    )
    .unwrap();
    let report = run(&steps);
    assert_eq!(report.failures, []);
    // Two updates without expect (they must succeed), one refused, deltas and sets.
    assert_eq!(report.passed, 6);
    assert_eq!(report.state().set_count(), 1);
    let queues: Vec<&str> = report.namespace.queues().map(|(name, _)| name).collect();
    assert_eq!(queues, [DEFAULT_TASK_QUEUE, "other"]);
}

/// The bound on whole-queue work (`run/work.rs`) is far above what real traces spend: every
/// committed vector, fuzz seed and test trace, and generated traces of one and of three
/// queues, spend at most a sixteenth of the bound's `WORK_PER_BYTE` a byte (the floor
/// aside). The largest found when it was chosen: 0.25 a byte, a generated trace of
/// 100,000 steps.
#[test]
fn real_traces_spend_far_less_than_the_bound() {
    use crate::{Generator, Session, WEIGHTS, WORK_PER_BYTE, parse};
    let spent = |text: &[u8]| {
        let steps = parse(text).ok()?;
        let mut session = Session::new();
        session.receive(text.len());
        for step in &steps {
            session.observe_bounded(step).ok()?;
        }
        Some(session.spent_for_test())
    };
    let far_inside = |units: u64, bytes: u64| units * 16 <= bytes * WORK_PER_BYTE;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = 0;
    let mut dirs: Vec<_> = ["vectors", "../fuzz/seeds/trace", "../cli/tests/data"]
        .map(|dir| root.join(dir))
        .into();
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let text = std::fs::read(&path).unwrap();
            if parse(&text).is_err() {
                continue;
            }
            let (units, bytes) = spent(&text).unwrap();
            assert!(
                far_inside(units, bytes),
                "{}: {units} units for {bytes} bytes",
                path.display()
            );
            files += 1;
        }
    }
    assert!(files > 500, "only {files} traces read");
    for (queues, seed) in [1, 3]
        .into_iter()
        .flat_map(|q| (0..100).map(move |s| (q, s)))
    {
        let steps = Generator::new(seed)
            .with_task_queues(queues)
            .trace(&WEIGHTS, 1_000);
        let text: String = steps.iter().map(|step| step.to_line() + "\n").collect();
        let (units, bytes) = spent(text.as_bytes()).unwrap();
        assert!(
            far_inside(units, bytes),
            "seed {seed}, {queues} queues: {units} units for {bytes} bytes"
        );
    }
}

/// Each step that reads a queue is charged the units it reads (`run/work.rs`), and every
/// other step nothing: on a queue of 3 sets and 4 build IDs, 7 units for the whole queue.
#[test]
fn each_step_is_charged_the_units_it_reads() {
    use crate::{REPLICA_UNITS, Session, parse_step};
    let mut session = Session::new();
    let mut charged = |line: &str| {
        let before = session.spent_for_test().0;
        assert!(session.observe_bounded(&parse_step(line).unwrap()).is_ok());
        session.spent_for_test().0 - before
    };
    for (line, units) in [
        (r#"{"update": {"addNewBuildIdInNewDefaultSet": "a"}}"#, 0),
        (
            r#"{"update": {"addNewCompatibleBuildId": {"newBuildId": "a1", "existingCompatibleBuildId": "a"}}}"#,
            0,
        ),
        (r#"{"mark": "m"}"#, 0),
        (r#"{"update": {"addNewBuildIdInNewDefaultSet": "b"}}"#, 0),
        (r#"{"update": {"addNewBuildIdInNewDefaultSet": "c"}}"#, 0),
        (r#"{"sets": []}"#, 7),
        (r#"{"view": {}}"#, 7),
        (r#"{"view": {"maxSets": 1}}"#, 2),
        (r#"{"view": {"maxSets": 2}}"#, 4),
        (r#"{"gcPlan": {"now": 1}}"#, 7),
        (r#"{"clearTombstones": {}}"#, 7),
        (r#"{"reachability": {"buildId": "a1", "now": 1}}"#, 2),
        (r#"{"reachability": {"buildId": "", "now": 1}}"#, 3),
        (r#"{"deltas": "m"}"#, 2),
        (r#"{"poll": "a"}"#, 0),
        (r#"{"resolve": {"intent": "DEFAULT"}}"#, 0),
        (r#"{"removeBuildIds": ["b"]}"#, 0),
    ] {
        assert_eq!(charged(line), units, "{line}");
    }
    // A tombstone counts: still 3 sets and 4 build IDs.
    let merge = concat!(
        r#"{"mergeReplica": {"data": {"versionSets": [{"setIds": ["0P9ZdLaqUs9WK-pZIYQM"], "#,
        r#""buildIds": [{"id": "1.0", "state": "STATE_ACTIVE", "stateUpdateTimestamp": "#,
        r#"{"wallClock": "100000", "clusterId": "1"}, "becameDefaultTimestamp": "#,
        r#"{"wallClock": "100000", "clusterId": "1"}}], "becameDefaultTimestamp": "#,
        r#"{"wallClock": "100000", "clusterId": "1"}}]}, "clusterId": 2}}"#
    );
    assert_eq!(charged(merge), 7 * REPLICA_UNITS);
    // The queue now holds the replica's set too.
    assert_eq!(charged(r#"{"sets": []}"#), 9);
    // Since the mark: b and c added (b removed again, in the same entry), 1.0 merged in;
    // asked on another queue, both queues too.
    assert_eq!(charged(r#"{"deltas": "m"}"#), 3);
    assert_eq!(charged(r#"{"deltas": "m", "taskQueue": "other"}"#), 3 + 9);
}
