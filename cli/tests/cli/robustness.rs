//! `--help` everywhere, and garbage in never makes the command panic.

use crate::{run, run_with};

#[test]
fn every_subcommand_has_help() {
    for command in [
        "replay",
        "show",
        "check",
        "apply",
        "update",
        "resolve",
        "poll",
        "add-task",
        "sticky",
        "completions",
        "man",
    ] {
        let result = run(&[command, "--help"]);
        assert_eq!(result.code, 0, "{command}");
        assert!(
            result
                .out
                .contains(&format!("Usage: version-sets {command}")),
            "{command}: {}",
            result.out
        );
    }
    let top = run(&["--help"]);
    assert_eq!(top.code, 0);
    for command in [
        "replay", "show", "check", "apply", "update", "resolve", "poll", "add-task", "sticky",
    ] {
        assert!(top.out.contains(command), "{}", top.out);
    }
    assert_eq!(run(&[]).code, 2);
}

#[test]
fn garbage_never_panics() {
    let inputs: [&[u8]; 15] = [
        b"null",
        b"{\"version_sets\": null, \"versioningData\": null}",
        b"{\"versioningData\": [1e400]}",
        b"{\"_\": 1, \"a_\": 2, \"__\": 3}",
        b"{\"versionSets\": [{\"buildIds\": [{\"state\": -1e18, \"id\": 1.0}]}]}",
        b"{\"clock\": 5}",
        b"",
        b"\x00\x01\x02",
        b"\xff\xfe",
        b"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
        b"{\"versionSets\": [{\"buildIds\": [{\"becameDefaultTimestamp\": {\"wallClock\": \"-9223372036854775809\"}}]}]}",
        b"{\"majorVersionSets\": null}",
        b"[null, {}, []]",
        b"# only a comment",
        b"{\"update\": {\"mergeSets\": {\"primarySetBuildId\": \"\\ud800\", \"secondarySetBuildId\": \"a\"}}}",
    ];
    for input in inputs {
        for command in [
            &["replay", "-"][..],
            &["show", "-"],
            &["check", "-"],
            &["resolve", "-", "--intent", "default"],
            &["poll", "-", "--build-id", "1.0"],
            &["add-task", "-"],
            &["sticky", "-", "--build-id", "1.0"],
            &["update", "-", "add-new-default", "--build-id", "1.0"],
            &["apply", "cli/tests/data/public.json", "-"],
        ] {
            let result = run_with(command, input);
            assert!(
                [0, 1, 2].contains(&result.code),
                "{command:?} {input:?}: {result:?}"
            );
            assert!(
                result.err.lines().count() <= 1,
                "{command:?} {input:?}: {}",
                result.err
            );
        }
    }
}

#[test]
fn standard_input_named_twice_is_refused_up_front() {
    for command in ["check", "replay"] {
        let result = run_with(&[command, "-", "-"], b"{}");
        assert_eq!(
            (result.code, result.out.as_str(), result.err.as_str()),
            (
                2,
                "",
                "- is given 2 times; standard input can be read only once\n"
            ),
            "{command}"
        );
    }
}

/// Past 1 MiB a refused document is not read through a JSON tree to word the error; the
/// words are the same (docs/hostile-input.md).
#[test]
fn a_large_refused_document_says_what_a_small_one_says() {
    let ids = |n: usize| {
        (0..n)
            .map(|i| format!("\"b{i}\""))
            .collect::<Vec<_>>()
            .join(",")
    };
    for n in [10, 200_000] {
        let wrong_type = format!(
            r#"{{"majorVersionSets": [{{"buildIds": [{}, 5]}}]}}"#,
            ids(n)
        );
        let result = run_with(&["check", "-"], wrong_type.as_bytes());
        assert_eq!(result.code, 2, "{n}");
        assert_eq!(
            result.err,
            format!(
                "<stdin>: majorVersionSets[0].buildIds[{n}]: invalid type: integer `5`, \
                 expected a string\n"
            ),
            "{n}"
        );
        let repeated = format!(
            r#"{{"majorVersionSets": [{{"buildIds": [{}]}}], "x": 1, "x": 2}}"#,
            ids(n)
        );
        let result = run_with(&["check", "-"], repeated.as_bytes());
        assert_eq!(result.code, 2, "{n}");
        // At the end of the second key.
        let column = repeated.len() - 4;
        assert_eq!(
            result.err,
            format!("<stdin>:1:{column}: invalid JSON: duplicate key \"x\"\n"),
            "{n}"
        );
    }
}
