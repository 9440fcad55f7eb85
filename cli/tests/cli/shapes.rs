//! Every JSON shape Temporal's tools print, detected without a flag, from the samples in
//! `cli/tests/data/`.

use crate::{run, run_with};

/// The tree of the sets the samples hold (1.0 and 1.1 compatible, then 2.0).
const TREE: &str = "\
task queue: 2 sets, 3 build IDs, default build ID 2.0
|-- set 1
|   |-- 1.0
|   `-- 1.1 (set default)
`-- set 2 (default set)
    `-- 2.0 (set default, queue default)
";

#[test]
fn stored_data_wrapped_as_task_queue_user_data_is_read() {
    let result = run(&["check", "cli/tests/data/user-data.json"]);
    assert_eq!(
        (result.code, result.out.as_str(), result.err.as_str()),
        (
            0,
            "cli/tests/data/user-data.json: ok (TaskQueueUserData: 2 sets, 3 build IDs)\n",
            ""
        )
    );
    assert_eq!(run(&["show", "cli/tests/data/user-data.json"]).out, TREE);
    // The same sets as the bare VersioningData inside it.
    let bare = run(&["show", "--format", "json", "cli/tests/data/user-data.json"]);
    let inner: serde_json::Value = serde_json::from_str(
        &String::from_utf8(crate::read("cli/tests/data/user-data.json")).unwrap(),
    )
    .unwrap();
    let shown: serde_json::Value = serde_json::from_str(&bare.out).unwrap();
    assert_eq!(shown, inner["versioningData"]);
}

#[test]
fn assignment_and_redirect_rules_are_reported_as_ignored() {
    let result = run(&["show", "cli/tests/data/stored-rules.json"]);
    assert_eq!(result.code, 0);
    assert_eq!(result.out, TREE);
    assert_eq!(
        result.err,
        "\
cli/tests/data/stored-rules.json: note: assignmentRules ignored (worker-versioning rules are outside this model; only the version sets are read)
cli/tests/data/stored-rules.json: note: redirectRules ignored (worker-versioning rules are outside this model; only the version sets are read)
"
    );
}

/// What newer servers write beside the versioning data is read past with a note, in any
/// spelling; inside the versioning data an unknown field stays an error.
#[test]
fn newer_task_queue_user_data_is_read_past_with_a_note() {
    let document = br#"{"per_type": {"1": {"deploymentData": {}}}, "clock": null,
        "versioning_data": {"version_sets": [], "assignment_rules": [{"rule": {}}]}}"#;
    let result = run_with(&["check", "-"], document);
    assert_eq!(
        (result.code, result.out.as_str(), result.err.as_str()),
        (
            0,
            "<stdin>: ok (TaskQueueUserData: 0 sets, 0 build IDs)\n",
            "<stdin>: note: assignmentRules ignored (worker-versioning rules are outside this model; only the version sets are read)\n\
             <stdin>: note: perType ignored (it is outside the versioning data, which is all this model reads)\n"
        )
    );
    let unknown = run_with(
        &["check", "-"],
        br#"{"versioningData": {"versionSets": [], "per_type": {}}}"#,
    );
    assert_eq!(
        (unknown.code, unknown.err.as_str()),
        (
            2,
            "<stdin>: versioningData.perType: unknown field `perType`, expected `versionSets`\n"
        )
    );
}

#[test]
fn proto_json_alternative_spellings_are_read() {
    // snake_case field names, `null` for a default, numeric enums and integers written
    // with a fraction or an exponent: the same data as the canonical user-data sample.
    let spelled = run(&[
        "show",
        "--format",
        "json",
        "cli/tests/data/stored-proto-spellings.json",
    ]);
    let canonical = run(&["show", "--format", "json", "cli/tests/data/user-data.json"]);
    assert_eq!((spelled.code, spelled.err.as_str()), (0, ""));
    assert_eq!(spelled.out, canonical.out);
}

#[test]
fn the_temporal_cli_null_for_an_unversioned_queue_is_an_empty_queue() {
    let result = run(&["show", "cli/tests/data/listing-unversioned.json"]);
    assert_eq!(
        (result.code, result.out.as_str()),
        (0, "task queue: no sets (unversioned)\n")
    );
    let checked = run(&["check", "cli/tests/data/listing-unversioned.json"]);
    assert_eq!(
        checked.out,
        "cli/tests/data/listing-unversioned.json: ok (get-build-ids listing of an unversioned queue: 0 sets, 0 build IDs)\n"
    );
}

#[test]
fn a_response_set_with_every_build_id_deleted_is_accepted_and_noted() {
    let result = run(&["check", "cli/tests/data/public-deleted-set.json"]);
    assert_eq!(result.code, 0);
    assert_eq!(
        result.out,
        "cli/tests/data/public-deleted-set.json: ok (majorVersionSets response: 2 sets, 3 build IDs)\n"
    );
    assert_eq!(
        result.err,
        "\
cli/tests/data/public-deleted-set.json: note: majorVersionSets[1] has no live build IDs (all deleted); it is left out of the rebuilt sets
cli/tests/data/public-deleted-set.json: note: majorVersionSets[2] has no live build IDs (all deleted); it is left out of the rebuilt sets
"
    );
}

#[test]
fn the_command_accepts_its_own_public_output() {
    // A set whose build IDs are all deleted shows as `{"buildIds": []}`; check reads it back.
    let response = run(&[
        "show",
        "--format",
        "api-json",
        "cli/tests/data/stored-deleted-set.json",
    ]);
    assert!(
        response.out.contains("\"buildIds\": []"),
        "{}",
        response.out
    );
    let checked = run_with(&["check", "-"], response.out.as_bytes());
    assert_eq!(
        (checked.code, checked.out.as_str()),
        (
            0,
            "<stdin>: ok (majorVersionSets response: 1 set, 1 build ID)\n"
        )
    );
}

#[test]
fn request_bodies_are_read_as_operations() {
    let result = run(&[
        "apply",
        "cli/tests/data/user-data.json",
        "cli/tests/data/requests.jsonl",
        "--dry-run",
    ]);
    assert_eq!((result.code, result.err.as_str()), (0, ""));
    assert_eq!(
        result.out,
        "\
cli/tests/data/requests.jsonl:3: {\"addNewBuildIdInNewDefaultSet\":\"3.0\"} -> changed
cli/tests/data/requests.jsonl:4: {\"addNewCompatibleBuildId\":{\"newBuildId\":\"3.1\",\"existingCompatibleBuildId\":\"3.0\",\"makeSetDefault\":false}} -> changed
cli/tests/data/requests.jsonl:5: {\"mergeSets\":{\"primarySetBuildId\":\"3.1\",\"secondarySetBuildId\":\"2.0\"}} -> changed
--- before (sets oldest first; the last build ID of a set is its default)
+++ after
  set: 1.0, 1.1
- set: 2.0
- queue default: 2.0
+ set: 2.0, 3.0, 3.1
+ queue default: 3.1
who is affected (the answers that change, before -> after):
  poller 2.0: accepted -> refused (newer compatible build 3.1)
  poller 3.0: unknown build ID (polls its own queue) -> refused (newer compatible build 3.1)
  poller 3.1: unknown build ID (polls its own queue) -> accepted
  new workflows: run on 2.0 (set [2.0]) -> run on 3.1 (set [2.0, 3.0, 3.1])
  any workflow's new work with intent default: set default 2.0 -> set default 3.1
  workflows on 2.0: run on 2.0 (set [2.0]) -> run on 3.1 (set [2.0, 3.0, 3.1])
    new work they start with intent compatible or unspecified: set default 2.0 -> set default 3.1
  workflows on 3.0: unknown build ID (its own queue) -> run on 3.1 (set [2.0, 3.0, 3.1])
    new work they start with intent compatible or unspecified: exact build ID 3.0 -> set default 3.1
  workflows on 3.1: unknown build ID (its own queue) -> run on 3.1 (set [2.0, 3.0, 3.1])
    new work they start with intent compatible or unspecified: exact build ID 3.1 -> set default 3.1
  unchanged: 2 poller(s), the workflows of 2 build ID(s) otherwise
"
    );
}

/// The model's reader of an operation reads every proto-JSON spelling: proto names, `null`
/// as absent; an error's path names each key by its JSON name.
#[test]
fn operation_lines_in_proto_names_are_applied() {
    let result = run_with(
        &["apply", "cli/tests/data/user-data.json", "-", "--dry-run"],
        b"{\"add_new_compatible_build_id\": {\"new_build_id\": \"2.1\", \"existing_compatible_build_id\": \"2.0\", \"make_set_default\": null}}\n\
          {\"task_queue\": \"orders\", \"promote_set_by_build_id\": \"1.1\", \"merge_sets\": null}\n",
    );
    assert_eq!(
        (result.code, result.out.as_str(), result.err.as_str()),
        (
            0,
            "\
<stdin>:1: {\"addNewCompatibleBuildId\":{\"newBuildId\":\"2.1\",\"existingCompatibleBuildId\":\"2.0\",\"makeSetDefault\":false}} -> changed
<stdin>:2: {\"promoteSetByBuildId\":\"1.1\"} -> changed
--- before (sets oldest first; the last build ID of a set is its default)
+++ after
+ set: 2.0, 2.1
  set: 1.0, 1.1
- set: 2.0
- queue default: 2.0
+ queue default: 1.1
who is affected (the answers that change, before -> after):
  poller 2.0: accepted -> refused (newer compatible build 2.1)
  poller 2.1: unknown build ID (polls its own queue) -> accepted
  new workflows: run on 2.0 (set [2.0]) -> run on 1.1 (set [1.0, 1.1])
  any workflow's new work with intent default: set default 2.0 -> set default 1.1
  workflows on 2.0: run on 2.0 (set [2.0]) -> run on 2.1 (set [2.0, 2.1])
    new work they start with intent compatible or unspecified: set default 2.0 -> set default 2.1
  workflows on 2.1: unknown build ID (its own queue) -> run on 2.1 (set [2.0, 2.1])
    new work they start with intent compatible or unspecified: exact build ID 2.1 -> set default 2.1
  unchanged: 2 poller(s), the workflows of 2 build ID(s) otherwise
",
            ""
        )
    );
    let twice = run_with(
        &["apply", "cli/tests/data/user-data.json", "-"],
        b"{\"merge_sets\": {\"primary_set_build_id\": \"1.0\", \"primarySetBuildId\": \"2.0\"}}\n",
    );
    assert_eq!(
        (twice.code, twice.err.as_str()),
        (
            2,
            "<stdin>:1: mergeSets.primarySetBuildId: given twice, as \"primary_set_build_id\" and another spelling\n"
        )
    );
}

#[test]
fn a_bad_operation_line_names_its_json_path() {
    let result = run_with(
        &["apply", "cli/tests/data/user-data.json", "-"],
        b"{\"addNewCompatibleBuildId\": {\"newBuildId\": \"\", \"existingCompatibleBuildId\": \"1.0\"}}\n",
    );
    assert_eq!(
        (result.code, result.out.as_str(), result.err.as_str()),
        (
            2,
            "",
            "<stdin>:1: addNewCompatibleBuildId.newBuildId: build ID must not be empty\n"
        )
    );
}
