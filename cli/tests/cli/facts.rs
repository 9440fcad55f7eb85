//! No invented facts: the public response and the listing carry no set IDs, timestamps or
//! deleted build IDs, so every answer that rests on one of them is refused from those forms
//! (naming the input that would answer) or printed with the fact marked unknown, in text
//! and in JSON. Each command on each form of one queue (`cli/tests/data/facts/`: add `a`,
//! add `b` compatible with it, promote `a` within its set, add `c` as the new default, one
//! minute apart from 2024-11-19T07:06:40Z), word for word.

use crate::{Run, run};

/// The queue's stored forms: every fact is theirs.
const STORED: [&str; 2] = [
    "cli/tests/data/facts/stored.json",
    "cli/tests/data/facts/user-data.json",
];

/// The queue's public forms, with their shapes in words.
const PUBLIC: [(&str, &str); 2] = [
    (
        "cli/tests/data/facts/public.json",
        "majorVersionSets response",
    ),
    ("cli/tests/data/facts/listing.json", "get-build-ids listing"),
];

/// What every refusal asks for instead.
const GIVE: &str =
    "give the stored data (a tdbg dump: TaskQueueUserData, or stored VersioningData)";

/// The real set ID of the set `[b, a]`: the hash of `a`, its first build ID. Rebuilt from
/// the listing, whose first is `b`, it would be the hash of `b`.
const SET_B_A: &str = "ypeBEsobvcr6wjGzmiPc";

#[track_caller]
fn assert_run(result: &Run, expected: (i32, &str, &str), what: &str) {
    assert_eq!(
        (result.code, result.out.as_str(), result.err.as_str()),
        expected,
        "{what}"
    );
}

/// A run that is refused: exit 2, nothing on standard output, the one line on standard
/// error; with -o json, the error document.
#[track_caller]
fn assert_refused(args: &[&str], message: &str) {
    assert_run(
        &run(args),
        (2, "", &format!("{message}\n")),
        &args.join(" "),
    );
    let mut json = args.to_vec();
    json.extend(["-o", "json"]);
    let result = run(&json);
    assert_eq!(result.code, 2, "{json:?}");
    let document: serde_json::Value = serde_json::from_str(&result.out).unwrap();
    assert_eq!(
        document,
        serde_json::json!({"error": {"message": message}}),
        "{json:?}"
    );
}

#[test]
fn gc_plans_by_the_time_rules_only_with_the_timestamps() {
    // Half an hour after the last change: nothing has been unchanged for the hour of
    // retention. Rebuilt from a public form, every build looked ancient, and b and a were
    // listed as removable.
    for form in STORED {
        let args = [
            "gc",
            form,
            "--now",
            "2024-11-19T07:36:40Z",
            "--retention",
            "1h",
            "--has-workflows",
            "",
        ];
        assert_run(&run(&args), (0, "", ""), form);
    }
    for (form, shape) in PUBLIC {
        let refusal = format!(
            "{form}: the plan by the scavenger's time rules (--retention and --min-since-default) needs each build ID's timestamps, which a {shape} does not carry; {GIVE}, or --ignore-retention --min-since-default 0 to plan without them"
        );
        // The example: a day after 1970, as the rebuilt timestamps are.
        assert_refused(
            &[
                "gc",
                form,
                "--now",
                "86400000ms",
                "--retention",
                "1h",
                "--has-workflows",
                "",
            ],
            &refusal,
        );
        assert_refused(
            &[
                "gc",
                form,
                "--now",
                "2024-11-19T07:36:40Z",
                "--retention",
                "1h",
                "--has-workflows",
                "",
                "--ignore-retention",
            ],
            &refusal,
        );
        // Without the time rules the plan reads no timestamp: the user chose that.
        let untimed = [
            "gc",
            form,
            "--retention",
            "1h",
            "--has-workflows",
            "",
            "--ignore-retention",
            "--min-since-default",
            "0",
        ];
        assert_run(&run(&untimed), (0, "b\na\n", ""), form);
        // When nothing could go even with every time rule met, the plan is empty anyway.
        let in_use = ["gc", form, "--retention", "1h", "--has-workflows", "a,b"];
        assert_run(&run(&in_use), (0, "", ""), form);
        assert_refused(
            &[
                "gc",
                form,
                "--retention",
                "1h",
                "--has-workflows",
                "",
                "--ignore-retention",
                "--min-since-default",
                "0",
                "--apply",
            ],
            &format!(
                "{form}: --apply (the state after, printed in the stored form) needs set IDs and timestamps, which a {shape} does not carry; {GIVE}"
            ),
        );
        let namespace = format!("orders={form}");
        assert_refused(
            &[
                "gc",
                "--queue",
                "payments=cli/tests/data/facts/stored.json",
                "--queue",
                &namespace,
                "--retention",
                "1h",
                "--has-workflows",
                "",
            ],
            &refusal,
        );
    }
}

#[test]
fn reachability_refuses_only_the_answers_that_rest_on_the_grace() {
    // a is its set's default and its set is no longer the queue's: whether it still gets
    // new workflows is the 5-minute grace from when its set became the default. So is the
    // unversioned answer, from when the queue became versioned.
    for form in STORED {
        let within = [
            "reachability",
            form,
            "a",
            "c",
            "",
            "--now",
            "2024-11-19T07:10:00Z",
        ];
        assert_run(
            &run(&within),
            (
                0,
                "a: TASK_REACHABILITY_NEW_WORKFLOWS\nc: TASK_REACHABILITY_NEW_WORKFLOWS\n(unversioned): TASK_REACHABILITY_NEW_WORKFLOWS\n",
                "",
            ),
            form,
        );
        let after = [
            "reachability",
            form,
            "a",
            "c",
            "",
            "--now",
            "2024-11-19T07:36:40Z",
        ];
        assert_run(
            &run(&after),
            (
                0,
                "a: unreachable\nc: TASK_REACHABILITY_NEW_WORKFLOWS\n(unversioned): unreachable\n",
                "",
            ),
            form,
        );
    }
    for (form, shape) in PUBLIC {
        assert_refused(
            &[
                "reachability",
                form,
                "a",
                "c",
                "",
                "--now",
                "2024-11-19T07:10:00Z",
            ],
            &format!(
                "{form}: whether a and (unversioned) still get new workflows needs the time a set became the queue's default (the server's 5-minute grace for new workflows), which a {shape} does not carry; {GIVE}, or leave a and \"\" out"
            ),
        );
        assert_refused(
            &["reachability", form, "a", "--type", "new"],
            &format!(
                "{form}: whether a still gets new workflows needs the time a set became the queue's default (the server's 5-minute grace for new workflows), which a {shape} does not carry; {GIVE}, or leave a out"
            ),
        );
        // The queue's default and a build ID that is not its set's default do not rest on
        // any timestamp.
        let untimed = ["reachability", form, "c", "b", "--open", "b"];
        assert_run(
            &run(&untimed),
            (
                0,
                "c: TASK_REACHABILITY_NEW_WORKFLOWS\nb: unreachable\n",
                "",
            ),
            form,
        );
        let namespace = format!("orders={form}");
        let queues = [
            "reachability",
            "--queue",
            &namespace,
            "--queue",
            "payments=cli/tests/data/facts/stored.json",
            "a",
            "--now",
            "2024-11-19T07:36:40Z",
        ];
        assert_refused(
            &queues,
            &format!(
                "{form}: whether a still gets new workflows on task queue orders needs the time a set became the queue's default (the server's 5-minute grace for new workflows), which a {shape} does not carry; {GIVE}, or leave a out"
            ),
        );
    }
}

#[test]
fn poll_answers_with_the_set_id_only_when_the_data_has_it() {
    for form in STORED {
        let poll = run(&["poll", form, "--build-id", "a"]);
        let expected = format!(
            "accepted: polls set ID {SET_B_A}\nbecause a is the default of set 1 [b, a] (set ID {SET_B_A}), so it polls that set's queue\n"
        );
        assert_run(&poll, (0, &expected, ""), form);
    }
    for (form, shape) in PUBLIC {
        let unknown = format!(
            "{form} is a {shape}, which carries no set IDs; a tdbg dump (TaskQueueUserData) or stored VersioningData has them"
        );
        let poll = run(&["poll", form, "--build-id", "a"]);
        let expected = format!(
            "accepted: polls set ID unknown\nbecause a is the default of set 1 [b, a] (set ID unknown), so it polls that set's queue\nset ID unknown: {unknown}\n"
        );
        assert_run(&poll, (0, &expected, ""), form);
        let json = run(&["poll", form, "--build-id", "a", "-o", "json"]);
        let document: serde_json::Value = serde_json::from_str(&json.out).unwrap();
        assert_eq!(
            document,
            serde_json::json!({
                "buildId": "a",
                "answer": "accepted",
                "setId": null,
                "setIdUnknown": unknown,
                "set": {"position": 1, "setId": null, "defaultBuildId": "a"},
                "reason": "a is the default of set 1 [b, a] (set ID unknown), so it polls that set's queue",
                "error": null,
                "assumed": null,
            })
        );
        // A refused poll is the sets' answer all the same.
        let refused = run(&["poll", form, "--build-id", "b"]);
        let expected = format!(
            "refused: OUT_OF_RANGE: Task queue has a newer compatible build: \"a\"\nbecause b is in set 1 [b, a] (set ID unknown), whose default is a; only the set's default may poll\nset ID unknown: {unknown}\n"
        );
        assert_run(&refused, (1, &expected, ""), form);
    }
}

#[test]
fn a_build_id_in_no_set_is_refused_where_deleted_ones_are_left_out() {
    // The server keeps a deleted build ID in its set: from a form that leaves them out, a
    // build ID in no set may be one, and the server would answer from its set.
    for form in STORED {
        let poll = run(&["poll", form, "--build-id", "zz"]);
        assert_eq!((poll.code, poll.err.as_str()), (0, ""), "{form}");
        assert!(
            poll.out.starts_with("accepted: polls set ID "),
            "{}",
            poll.out
        );
        let resolve = run(&[
            "resolve",
            form,
            "--intent",
            "compatible",
            "--build-id",
            "zz",
        ]);
        assert_eq!(
            (resolve.code, resolve.out.lines().next()),
            (0, Some("exact build ID zz")),
            "{form}"
        );
    }
    for (form, shape) in PUBLIC {
        let refusal = format!(
            "{form}: the answer for zz, which is in no listed set, needs the deleted build IDs (the server keeps a deleted one in its set), which a {shape} does not carry; {GIVE}, or --assume-not-deleted to answer as for a build ID never deleted"
        );
        for args in [
            &["poll", form, "--build-id", "zz"][..],
            &["add-task", form, "--build-id", "zz"],
            &["sticky", form, "--build-id", "zz"],
            &[
                "resolve",
                form,
                "--intent",
                "compatible",
                "--build-id",
                "zz",
            ],
        ] {
            assert_refused(args, &refusal);
        }
        // An operator who knows the build ID is new says so, and the answer says it rests
        // on that.
        let assumed = format!(
            "zz is not a deleted build ID of the queue (--assume-not-deleted; a {shape} leaves deleted ones out)"
        );
        let poll = run(&["poll", form, "--build-id", "zz", "--assume-not-deleted"]);
        let expected = format!(
            "accepted: polls set ID SmC_fUvB5IV0TPfo0IYF\nbecause zz is in no set of this queue; it polls the queue its own set ID would have (SmC_fUvB5IV0TPfo0IYF), in case the build ID is added\nassumed: {assumed}\n"
        );
        assert_run(&poll, (0, &expected, ""), form);
        let resolve = run(&[
            "resolve",
            form,
            "--intent",
            "compatible",
            "--build-id",
            "zz",
            "--assume-not-deleted",
            "-o",
            "json",
        ]);
        let document: serde_json::Value = serde_json::from_str(&resolve.out).unwrap();
        assert_eq!(
            document,
            serde_json::json!({
                "target": {"exactBuildId": "zz"},
                "reason": "compatible: zz is in no set of the target task queue, so the work goes to that exact build ID",
                "assumed": assumed,
            })
        );
        for args in [
            &["add-task", form, "--build-id", "zz", "--assume-not-deleted"][..],
            &["sticky", form, "--build-id", "zz", "--assume-not-deleted"],
        ] {
            let result = run(args);
            assert_eq!((result.code, result.err.as_str()), (0, ""), "{args:?}");
            assert!(
                result.out.ends_with(&format!("assumed: {assumed}\n")),
                "{}",
                result.out
            );
        }
    }
    // A listing of an unversioned queue lists no set, so none can hold a deleted build ID.
    let unversioned = run(&[
        "poll",
        "cli/tests/data/listing-unversioned.json",
        "--build-id",
        "zz",
    ]);
    assert_eq!(unversioned.code, 0, "{}", unversioned.err);
}

#[test]
fn add_task_and_sticky_mark_the_set_id_unknown() {
    for form in STORED {
        let add = run(&["add-task", form]);
        assert_run(
            &add,
            (
                0,
                "default set: set ID Ln0sA6lQeuJl7PW1NWiF\nbecause a task with no build ID goes to the queue's default set, set 2 [c] (set ID Ln0sA6lQeuJl7PW1NWiF), to run on its default c\n",
                "",
            ),
            form,
        );
    }
    for (form, shape) in PUBLIC {
        let unknown = format!(
            "{form} is a {shape}, which carries no set IDs; a tdbg dump (TaskQueueUserData) or stored VersioningData has them"
        );
        let add = run(&["add-task", form]);
        let expected = format!(
            "default set: set ID unknown\nbecause a task with no build ID goes to the queue's default set, set 2 [c] (set ID unknown), to run on its default c\nset ID unknown: {unknown}\n"
        );
        assert_run(&add, (0, &expected, ""), form);
        let json = run(&["add-task", form, "--build-id", "b", "-o", "json"]);
        let document: serde_json::Value = serde_json::from_str(&json.out).unwrap();
        assert_eq!(
            document,
            serde_json::json!({
                "buildId": "b",
                "answer": "set",
                "setId": null,
                "setIdUnknown": unknown,
                "set": {"position": 1, "setId": null, "defaultBuildId": "a"},
                "reason": "b is in set 1 [b, a] (set ID unknown), so the task goes to that set, to run on its default a",
                "assumed": null,
            })
        );
        let sticky = run(&["sticky", form, "--build-id", "a"]);
        let expected = format!(
            "sticky poll: allowed\nsticky add: allowed\nbecause a is the default of set 1 [b, a] (set ID unknown)\nset ID unknown: {unknown}\n"
        );
        assert_run(&sticky, (0, &expected, ""), form);
    }
}

#[test]
fn show_merge_and_updates_print_no_made_up_set_ids_or_timestamps() {
    for form in STORED {
        let shown = run(&["show", form, "--set-ids"]);
        assert!(shown.out.contains(SET_B_A), "{}", shown.out);
        let stored = run(&["show", form, "-o", "json"]);
        assert_eq!((stored.code, stored.err.as_str()), (0, ""));
        let merged = run(&["merge", form, "cli/tests/data/facts/stored.json"]);
        assert_eq!((merged.code, merged.err.as_str()), (0, ""));
    }
    for (form, shape) in PUBLIC {
        // (With -o json, --set-ids is beside the stored form, refused below.)
        let set_ids = format!(
            "{form}: --set-ids needs the set IDs, which a {shape} does not carry; {GIVE}\n"
        );
        for format in ["tree", "dot", "mermaid"] {
            let args = ["show", form, "--set-ids", "--format", format];
            assert_run(&run(&args), (2, "", &set_ids), format);
        }
        let stored_form = format!(
            "{form}: the stored form (--format json, the default with -o json) needs set IDs and timestamps, which a {shape} does not carry; {GIVE}, or --format api-json for the sets it holds"
        );
        assert_refused(&["show", form, "--format", "json"], &stored_form);
        assert_refused(
            &["merge", "cli/tests/data/facts/stored.json", form],
            &format!(
                "{form}: a replica merge, which joins by set ID and timestamp, needs the set IDs and timestamps, which a {shape} does not carry; {GIVE}"
            ),
        );
        // What the form holds is shown as it is.
        let tree = run(&["show", form]);
        assert_eq!((tree.code, tree.err.as_str()), (0, ""));
        let api = run(&["show", form, "--format", "api-json"]);
        assert_eq!((api.code, api.err.as_str()), (0, ""));
        // A new state is printed as the response, which holds no set IDs or timestamps.
        // d is in no set, and the form shows no deleted build IDs: adding it is answered
        // only on the assumption that it was never deleted (the server refuses to add a
        // deleted one again).
        assert_refused(
            &["update", form, "add-new-default", "--build-id", "d"],
            &format!(
                "{form}: the answer for d, which is in no listed set, needs the deleted build IDs (the server keeps a deleted one in its set), which a {shape} does not carry; {GIVE}, or --assume-not-deleted to answer as for a build ID never deleted (update)"
            ),
        );
        let dry = run(&[
            "-o",
            "json",
            "update",
            form,
            "add-new-default",
            "--build-id",
            "d",
            "--assume-not-deleted",
            "--dry-run",
        ]);
        let document: serde_json::Value = serde_json::from_str(&dry.out).unwrap();
        assert_eq!(
            document["assumed"],
            serde_json::json!([format!(
                "update: assumed: d is not a deleted build ID of the queue (--assume-not-deleted; a {shape} leaves deleted ones out)"
            )])
        );
        let update = run(&[
            "update",
            form,
            "add-new-default",
            "--build-id",
            "d",
            "--assume-not-deleted",
        ]);
        assert_run(
            &update,
            (
                0,
                "{\n  \"majorVersionSets\": [\n    {\n      \"buildIds\": [\n        \"b\",\n        \"a\"\n      ]\n    },\n    {\n      \"buildIds\": [\n        \"c\"\n      ]\n    },\n    {\n      \"buildIds\": [\n        \"d\"\n      ]\n    }\n  ]\n}\n",
                &format!(
                    "update: assumed: d is not a deleted build ID of the queue (--assume-not-deleted; a {shape} leaves deleted ones out)\n\
                     {form}: note: the new state is printed as a majorVersionSets response: a {shape} carries no set IDs or timestamps for the stored form\n"
                ),
            ),
            form,
        );
        assert_refused(
            &[
                "update",
                form,
                "merge-sets",
                "--primary-build-id",
                "c",
                "--secondary-build-id",
                "a",
            ],
            &format!(
                "{form}: the merge-sets (update), which orders the merged set by timestamp, needs the build IDs' timestamps, which a {shape} does not carry; {GIVE}"
            ),
        );
    }
}
