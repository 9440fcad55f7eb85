//! `show`: every shape and format, marks, escapes, and refused input.

use crate::{ROLLOUT_TREE, run, run_with};

#[test]
fn show_renders_the_rollout_example() {
    let result = run(&["show", "examples/rollout.jsonl"]);
    assert_eq!(
        (result.code, result.out.as_str(), result.err.as_str()),
        (0, ROLLOUT_TREE, "")
    );
}

#[test]
fn show_renders_every_accepted_shape_alike() {
    let stored = run(&["show", "--format", "json", "examples/rollout.jsonl"]).out;
    for (args, stdin) in [
        (vec!["show", "cli/tests/data/public.json"], &b""[..]),
        (vec!["show", "cli/tests/data/listing.json"], b""),
        (vec!["show", "-"], stored.as_bytes()),
    ] {
        let result = run_with(&args, stdin);
        assert_eq!(
            (result.code, result.out.as_str()),
            (0, ROLLOUT_TREE),
            "{args:?}"
        );
    }
}

#[test]
fn show_marks_set_ids_and_lists_newest_first_on_request() {
    let result = run(&[
        "show",
        "--set-ids",
        "--newest-first",
        "examples/rollout.jsonl",
    ]);
    assert_eq!(
        result.out,
        "\
task queue: 2 sets, 4 build IDs, default build ID f00d
|-- set 2 (default set) [set IDs: D4chsK7zleY-HCgD9R_w (primary), qGC4WCZbItrTqvEWXPwp]
|   |-- cafe
|   `-- f00d (set default, queue default)
`-- set 1 [set IDs: K68fQBBdlQH-MZqOxGP9 (primary)]
    |-- deadbeef
    `-- deadbeef.1 (set default)
"
    );
}

#[test]
fn show_marks_tombstones() {
    let data = r#"{"versionSets": [{"setIds": ["a"], "becameDefaultTimestamp": {"wallClock": 1},
        "buildIds": [
          {"id": "1.0", "state": "STATE_DELETED", "stateUpdateTimestamp": {"wallClock": 3}, "becameDefaultTimestamp": {"wallClock": 1}},
          {"id": "1.1", "state": "STATE_ACTIVE", "stateUpdateTimestamp": {"wallClock": 2}, "becameDefaultTimestamp": {"wallClock": 2}}]}]}"#;
    let result = run_with(&["show", "-"], data.as_bytes());
    assert_eq!(
        result.out,
        "\
task queue: 1 set, 2 build IDs (1 deleted), default build ID 1.1
`-- set 1 (default set)
    |-- 1.0 (deleted)
    `-- 1.1 (set default, queue default)
"
    );
    let api = run_with(&["show", "--format", "api-json", "-"], data.as_bytes());
    assert_eq!(
        api.out,
        "{\n  \"majorVersionSets\": [\n    {\n      \"buildIds\": [\n        \"1.1\"\n      ]\n    }\n  ]\n}\n"
    );
}

#[test]
fn show_renders_dot_mermaid_and_json() {
    let dot = run(&["show", "--format", "dot", "examples/rollout.jsonl"]);
    assert_eq!(
        dot.out,
        r#"digraph version_sets {
  rankdir=LR;
  node [shape=box];
  subgraph cluster_1 {
    label="set 1";
    b1_1 [label="deadbeef"];
    b1_2 [label="deadbeef.1", peripheries=2];
    b1_1 -> b1_2;
  }
  subgraph cluster_2 {
    label="set 2 (default set)";
    b2_1 [label="cafe"];
    b2_2 [label="f00d", peripheries=2, style="bold"];
    b2_1 -> b2_2;
  }
}
"#
    );
    let mermaid = run(&["show", "--format", "mermaid", "examples/rollout.jsonl"]);
    assert_eq!(
        mermaid.out,
        r#"flowchart LR
  subgraph s1["set 1"]
    b1_1["deadbeef"]
    b1_2["deadbeef.1 (set default)"]
    b1_1 --> b1_2
  end
  subgraph s2["set 2 (default set)"]
    b2_1["cafe"]
    b2_2["f00d (set default, queue default)"]
    b2_1 --> b2_2
  end
  classDef queueDefault stroke-width:3px;
  class b2_2 queueDefault;
"#
    );
    let json = run(&["show", "--format", "json", "examples/rollout.jsonl"]);
    let data: version_sets::VersioningData = serde_json::from_str(&json.out).unwrap();
    let sets = version_sets::VersionSets::from_data(&data).unwrap();
    assert_eq!(sets.default_build_id().map(|id| id.as_str()), Some("f00d"));
    let api = run(&[
        "show",
        "--format",
        "api-json",
        "cli/tests/data/listing.json",
    ]);
    let public: serde_json::Value = serde_json::from_str(&api.out).unwrap();
    assert_eq!(
        public,
        serde_json::json!({"majorVersionSets": [{"buildIds": ["deadbeef", "deadbeef.1"]}, {"buildIds": ["cafe", "f00d"]}]})
    );
}

#[test]
fn show_escapes_what_would_break_a_layout() {
    let trace = br#"{"update": {"addNewBuildIdInNewDefaultSet": "a\"b\nc"}}"#;
    let tree = run_with(&["show", "-"], trace);
    assert_eq!(
        tree.out,
        "task queue: 1 set, 1 build ID, default build ID \"a\\\"b\\nc\"\n`-- set 1 (default set)\n    `-- \"a\\\"b\\nc\" (set default, queue default)\n"
    );
    let mermaid = run_with(&["show", "--format", "mermaid", "-"], trace);
    assert!(
        mermaid
            .out
            .contains(r##"b1_1["#quot;a\#quot;b\nc#quot; (set default, queue default)"]"##),
        "{}",
        mermaid.out
    );
    let dot = run_with(&["show", "--format", "dot", "-"], trace);
    assert!(
        dot.out
            .contains(r#"b1_1 [label="\"a\\\"b\\nc\"", peripheries=2, style="bold"];"#),
        "{}",
        dot.out
    );
}

#[test]
fn show_refuses_invalid_data_on_one_line() {
    let cases = [
        (
            "cli/tests/data/not-json.json",
            "cli/tests/data/not-json.json:2:20: invalid JSON: trailing comma\n",
        ),
        (
            "cli/tests/data/duplicate-key.json",
            "cli/tests/data/duplicate-key.json:1:33: invalid JSON: duplicate key \"versionSets\"\n",
        ),
        (
            "cli/tests/data/invalid-utf8.json",
            "cli/tests/data/invalid-utf8.json:1:41: invalid UTF-8\n",
        ),
        (
            "cli/tests/data/not-versioning-data.json",
            "cli/tests/data/not-versioning-data.json: not versioning data (got an object): expected an object with versionSets (stored VersioningData), versioningData (TaskQueueUserData) or majorVersionSets (a GetWorkerBuildIdCompatibility response), or what `temporal task-queue get-build-ids -o json` prints (an array, or null)\n",
        ),
        (
            "cli/tests/data/public-broken.json",
            "cli/tests/data/public-broken.json: majorVersionSets[2].buildIds[1]: build ID 1.0 also appears at majorVersionSets[0].buildIds[0] (and 1 more; `version-sets check` lists them all)\n",
        ),
        (
            "cli/tests/data/malformed.jsonl",
            "cli/tests/data/malformed.jsonl:3: unknown key \"note\"\n",
        ),
    ];
    for (file, message) in cases {
        let result = run(&["show", file]);
        assert_eq!(
            (result.code, result.out.as_str(), result.err.as_str()),
            (2, "", message),
            "{file}"
        );
    }
}

#[test]
fn show_refuses_empty_input() {
    let result = run_with(&["show", "-"], b"");
    assert_eq!(
        (result.code, result.err.as_str()),
        (2, "<stdin>:1:1: invalid JSON: EOF while parsing a value\n")
    );
}

#[test]
fn show_notes_a_trace_whose_expectations_fail() {
    let result = run(&["show", "cli/tests/data/wrong-expectation.jsonl"]);
    assert_eq!(result.code, 0);
    assert_eq!(
        result.err,
        "cli/tests/data/wrong-expectation.jsonl: note: 2 of the trace's expectations failed; this is the state it leaves\n"
    );
    assert!(
        result
            .out
            .starts_with("task queue: 1 set, 1 build ID, default build ID deadbeef\n")
    );
}

/// A trace is told apart by any step kind, v2's included: one that starts from stored data
/// and tombstones a build ID is shown as the state it leaves.
#[test]
fn show_reads_a_trace_that_begins_with_a_v2_step() {
    let trace = concat!(
        r#"{"start": {"data": {"versionSets": []}, "clusterId": 2}}"#,
        "\n",
        r#"{"update": {"addNewBuildIdInNewDefaultSet": "1.0"}}"#,
        "\n",
        r#"{"removeBuildIds": ["1.0"], "now": 5}"#,
        "\n",
    );
    let result = run_with(&["show", "-"], trace.as_bytes());
    assert_eq!(
        (result.code, result.out.as_str(), result.err.as_str()),
        (
            0,
            "task queue: 1 set, 1 build ID (1 deleted), default build ID 1.0\n\
             `-- set 1 (default set)\n    `-- 1.0 (set default, queue default, deleted)\n",
            ""
        )
    );
}
