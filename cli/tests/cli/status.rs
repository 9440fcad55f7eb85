//! One problem, one exit status and one wording, in every form a STATE is read in (the
//! README's exit-status table): `check` exits 1 on a violation and every other command exits 2 on invalid
//! input, whether the data is stored `VersioningData`, `TaskQueueUserData`, the public
//! response, the listing or a trace's `start` data.

use super::run_with;

/// A stored set holding `ids`, each active and stamped at 1.
fn stored(ids: &[&str]) -> String {
    let ids: Vec<String> = ids
        .iter()
        .map(|id| {
            format!(
                r#"{{"id": "{id}", "state": "STATE_ACTIVE", "stateUpdateTimestamp": {{"wallClock": "1"}}, "becameDefaultTimestamp": {{"wallClock": "1"}}}}"#
            )
        })
        .collect();
    format!(
        r#"{{"versionSets": [{{"setIds": ["s"], "buildIds": [{}], "becameDefaultTimestamp": {{"wallClock": "1"}}}}]}}"#,
        ids.join(", ")
    )
}

/// A form's name, its document, and the JSON path of build ID `j` in it.
type Form = (&'static str, String, fn(usize) -> String);

/// The forms of one set holding `ids`.
fn forms(ids: &[&str]) -> Vec<Form> {
    let quoted: Vec<String> = ids.iter().map(|id| format!("\"{id}\"")).collect();
    let list = quoted.join(", ");
    let last = quoted.last().cloned().unwrap_or_default();
    vec![
        ("stored", stored(ids), |j| {
            format!("versionSets[0].buildIds[{j}].id")
        }),
        (
            "user data",
            format!(r#"{{"versioningData": {}}}"#, stored(ids)),
            |j| format!("versionSets[0].buildIds[{j}].id"),
        ),
        (
            "response",
            format!(r#"{{"majorVersionSets": [{{"buildIds": [{list}]}}]}}"#),
            |j| format!("majorVersionSets[0].buildIds[{j}]"),
        ),
        (
            "listing",
            format!(r#"[{{"buildIds": [{list}], "defaultForSet": {last}, "isDefaultSet": true}}]"#),
            |j| format!("[0].buildIds[{j}]"),
        ),
    ]
}

/// Each problem: the set's build IDs, which one is at fault, and the problem's words.
fn problems() -> Vec<(Vec<String>, usize, String)> {
    let long = "a".repeat(256);
    vec![
        (
            vec!["1.0".into(), String::new()],
            1,
            "build ID must not be empty".into(),
        ),
        (
            vec![long, "1.0".into()],
            0,
            "build ID is 256 bytes long; at most 255 are allowed".into(),
        ),
    ]
}

#[test]
fn an_invalid_build_id_is_a_violation_in_every_form() {
    for (ids, at, problem) in problems() {
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        for (form, document, path) in forms(&ids) {
            let violation = format!("<stdin>: {}: {problem}\n", path(at));
            let checked = run_with(&["check", "-"], document.as_bytes());
            assert_eq!(
                (checked.code, checked.out.as_str(), checked.err.as_str()),
                (1, violation.as_str(), ""),
                "check of {form}: {problem}"
            );
            let shown = run_with(&["show", "-"], document.as_bytes());
            assert_eq!(
                (shown.code, shown.out.as_str(), shown.err.as_str()),
                (2, "", violation.as_str()),
                "show of {form}: {problem}"
            );
            let polled = run_with(&["poll", "-", "--build-id", "1.0"], document.as_bytes());
            assert_eq!(
                (polled.code, polled.err.as_str()),
                (2, violation.as_str()),
                "poll of {form}: {problem}"
            );
        }
    }
}

#[test]
fn a_duplicate_build_id_is_a_violation_in_every_form() {
    for (form, document, path) in forms(&["1.0", "2.0", "1.0"]) {
        let violation = format!(
            "<stdin>: {}: build ID 1.0 also appears at {}\n",
            path(2),
            path(0)
        );
        let checked = run_with(&["check", "-"], document.as_bytes());
        assert_eq!(
            (checked.code, checked.out.as_str(), checked.err.as_str()),
            (1, violation.as_str(), ""),
            "check of {form}"
        );
        let shown = run_with(&["show", "-"], document.as_bytes());
        assert_eq!(
            (shown.code, shown.out.as_str(), shown.err.as_str()),
            (2, "", violation.as_str()),
            "show of {form}"
        );
    }
}

#[test]
fn a_trace_whose_start_data_is_invalid_is_malformed() {
    let long = "a".repeat(256);
    let cases = [
        (
            stored(&["1.0", ""]),
            "versionSets[0].buildIds[1].id: build ID must not be empty",
        ),
        (
            stored(&[&long]),
            "versionSets[0].buildIds[0].id: build ID is 256 bytes long; at most 255 are allowed",
        ),
        (
            stored(&["1.0", "1.0"]),
            "versionSets[0].buildIds[1].id: build ID 1.0 also appears at versionSets[0].buildIds[0].id",
        ),
    ];
    for (data, problem) in cases {
        let trace = format!(r#"{{"start": {{"data": {data}}}}}"#);
        let diagnostic = format!("<stdin>:1: start.data: invalid versioning data: {problem}");
        let shown = run_with(&["show", "-"], trace.as_bytes());
        assert_eq!(
            (shown.code, shown.out.as_str(), shown.err.as_str()),
            (2, "", format!("{diagnostic}\n").as_str()),
            "show: {problem}"
        );
        let replayed = run_with(&["replay", "-"], trace.as_bytes());
        assert_eq!(
            (replayed.code, replayed.out.as_str(), replayed.err.as_str()),
            (
                2,
                "0 passed, 0 failed\n",
                format!("{diagnostic} (no step of this file ran)\n").as_str()
            ),
            "replay: {problem}"
        );
    }
}

#[test]
fn a_listing_without_its_defaults_is_a_violation() {
    let cases = [
        (
            r#"[{"buildIds": ["1.0"], "defaultForSet": "", "isDefaultSet": true}]"#,
            "[0].defaultForSet: is \"\", but the set's default (the last of buildIds) is \"1.0\"",
        ),
        (
            r#"[{"buildIds": ["1.0"], "defaultForSet": "1.0", "isDefaultSet": false}]"#,
            "[0].isDefaultSet: is false, but the last set is the queue's default set",
        ),
    ];
    for (document, problem) in cases {
        let violation = format!("<stdin>: {problem}\n");
        let checked = run_with(&["check", "-"], document.as_bytes());
        assert_eq!(
            (checked.code, checked.out.as_str(), checked.err.as_str()),
            (1, violation.as_str(), ""),
            "{document}"
        );
        let shown = run_with(&["show", "-"], document.as_bytes());
        assert_eq!(
            (shown.code, shown.out.as_str(), shown.err.as_str()),
            (2, "", violation.as_str()),
            "{document}"
        );
    }
}

/// README.md's table of exit statuses, row by row: the subcommand and its statuses (the
/// cells that are not `—`, each with its status).
fn readme_exit_statuses() -> Vec<(String, Vec<(u8, String)>)> {
    let readme = String::from_utf8(super::read("README.md")).unwrap();
    let mut lines = readme
        .lines()
        .skip_while(|line| *line != "| subcommand | 0 | 1 | 2 |")
        .skip(2);
    let mut rows = Vec::new();
    for line in lines.by_ref().take_while(|line| line.starts_with('|')) {
        let cells: Vec<&str> = line.trim_matches('|').split(" | ").map(str::trim).collect();
        let (name, statuses) = cells.split_first().unwrap();
        assert_eq!(statuses.len(), 3, "{line}");
        let statuses = (0u8..)
            .zip(statuses)
            .filter(|(_, meaning)| **meaning != "—")
            .map(|(status, meaning)| (status, (*meaning).to_owned()))
            .collect();
        rows.push((name.trim_matches('`').to_owned(), statuses));
    }
    rows
}

#[test]
fn the_readme_table_of_exit_statuses_is_what_each_help_states() {
    let rows = readme_exit_statuses();
    let subcommands = super::listed_subcommands();
    let listed: Vec<&str> = rows.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(listed, subcommands, "the table's subcommands");
    for (name, statuses) in &rows {
        assert!(!statuses.is_empty(), "{name}: no status");
        let each: Vec<String> = statuses
            .iter()
            .map(|(status, meaning)| format!("{status} {meaning}"))
            .collect();
        let stated = format!("Exit status: {}.", each.join("; "));
        let help = super::run(&[name, "--help"]);
        assert_eq!(help.code, 0, "{name} --help");
        let line = help
            .out
            .lines()
            .find(|line| line.starts_with("Exit status: "));
        assert_eq!(line, Some(stated.as_str()), "{name}");
    }
}

#[test]
fn invalid_data_exits_with_a_status_the_table_lists() {
    // `show` has no status 1: a STATE with a violation is bad input to it, as `check`'s 1
    // is a violation found; `add-task` refuses nothing, so it has no 1 either.
    let rows = readme_exit_statuses();
    let has = |name: &str, status: u8| {
        rows.iter()
            .any(|(row, statuses)| row == name && statuses.iter().any(|(s, _)| *s == status))
    };
    let invalid = stored(&["1.0", ""]);
    for (args, code) in [
        (&["check", "-"][..], 1),
        (&["show", "-"][..], 2),
        (&["poll", "-", "--build-id", "1.0"][..], 2),
        (&["add-task", "-"][..], 2),
    ] {
        let run = run_with(args, invalid.as_bytes());
        assert_eq!(run.code, code, "{args:?}");
        assert!(has(args[0], 2), "{args:?}: the table lists no 2");
        assert!(
            has(args[0], u8::try_from(code).unwrap()),
            "{args:?}: {code} not in the table"
        );
    }
}

#[test]
fn invalid_build_ids_past_the_listed_ones_are_counted_with_the_repeats() {
    let mut ids = vec!["\"\""; 1500];
    ids.extend(["\"a\"", "\"a\""]);
    let document = format!(
        r#"{{"majorVersionSets": [{{"buildIds": [{}]}}]}}"#,
        ids.join(",")
    );
    let run = run_with(&["check", "-o", "json", "-"], document.as_bytes());
    assert_eq!(run.code, 1);
    let report: serde_json::Value = serde_json::from_str(&run.out).unwrap();
    let file = &report["files"][0];
    assert_eq!(file["violations"].as_array().map(Vec::len), Some(1000));
    assert_eq!(
        file["violations"][999],
        serde_json::json!({"path": "majorVersionSets[0].buildIds[999]", "problem": "build ID must not be empty"})
    );
    // 500 more empty IDs and the repeated `a`.
    assert_eq!(file["unlisted"], 501);
}
