//! For scripts and people: `-o json` on every subcommand, colour rules, completions, the
//! man page and a worked example in every `--help`.

use std::process::{Command, Stdio};

use crate::{run, run_with};

/// Every subcommand with arguments that make it run on the samples.
const RUNS: [&[&str]; 10] = [
    &["replay", "examples/rollout.jsonl"],
    &["show", "cli/tests/data/user-data.json"],
    &["check", "cli/tests/data/user-data.json"],
    &[
        "apply",
        "cli/tests/data/user-data.json",
        "cli/tests/data/requests.jsonl",
        "--now",
        "1ms",
    ],
    &[
        "update",
        "cli/tests/data/user-data.json",
        "promote-set",
        "--build-id",
        "1.0",
        "--now",
        "1ms",
    ],
    &[
        "update",
        "cli/tests/data/user-data.json",
        "promote-set",
        "--build-id",
        "1.0",
        "--dry-run",
    ],
    &[
        "resolve",
        "cli/tests/data/user-data.json",
        "--intent",
        "default",
    ],
    &["poll", "cli/tests/data/user-data.json", "--build-id", "1.1"],
    &["add-task", "cli/tests/data/user-data.json"],
    &[
        "sticky",
        "cli/tests/data/user-data.json",
        "--build-id",
        "2.0",
    ],
];

#[test]
fn every_subcommand_prints_one_json_document_with_o_json() {
    for args in RUNS {
        for flag in ["-o", "--output"] {
            let mut all = args.to_vec();
            all.extend([flag, "json"]);
            let result = run(&all);
            assert_eq!(result.code, 0, "{all:?}: {}", result.err);
            let document: Result<serde_json::Value, _> = serde_json::from_str(&result.out);
            assert!(document.is_ok(), "{all:?} printed {}", result.out);
        }
    }
}

#[test]
fn json_shapes_are_the_documented_ones() {
    let replay = run(&["replay", "examples/rollout.jsonl", "-o", "json"]);
    let replay: serde_json::Value = serde_json::from_str(&replay.out).unwrap();
    assert_eq!(
        (replay["passed"].as_u64(), replay["failed"].as_u64()),
        (Some(19), Some(0))
    );
    assert_eq!(replay["files"][0]["file"], "examples/rollout.jsonl");

    let resolve = run(&[
        "resolve",
        "examples/rollout.jsonl",
        "--intent",
        "compatible",
        "--build-id",
        "deadbeef",
        "-o",
        "json",
    ]);
    let resolve: serde_json::Value = serde_json::from_str(&resolve.out).unwrap();
    assert_eq!(
        resolve["target"],
        serde_json::json!({"setDefault": "deadbeef.1"})
    );
    assert_eq!(
        resolve["reason"],
        "compatible: deadbeef is in set [deadbeef, deadbeef.1] whose default is deadbeef.1"
    );

    let check = run(&["check", "cli/tests/data/listing-broken.json", "-o", "json"]);
    assert_eq!(check.code, 1);
    let check: serde_json::Value = serde_json::from_str(&check.out).unwrap();
    assert_eq!(check["files"][0]["valid"], false);
    assert_eq!(
        check["files"][0]["violations"][0]["path"],
        "[0].isDefaultSet"
    );

    let dry = run(&[
        "update",
        "cli/tests/data/user-data.json",
        "promote-set",
        "--build-id",
        "1.0",
        "--dry-run",
        "-o",
        "json",
    ]);
    let dry: serde_json::Value = serde_json::from_str(&dry.out).unwrap();
    assert_eq!(dry["operations"][0]["outcome"], "changed");
    assert_eq!(
        dry["state"]["versionSets"].as_array().map(Vec::len),
        Some(2)
    );
}

#[test]
fn bad_input_prints_one_error_document_with_o_json() {
    let result = run_with(&["poll", "-", "--build-id", "1.0", "-o", "json"], b"[1]");
    let message = "<stdin>: [0]: invalid type: integer `1`, expected a set: an object with buildIds, defaultForSet and isDefaultSet";
    assert_eq!(
        (result.code, result.out.as_str(), result.err.as_str()),
        (
            2,
            error_document(message).as_str(),
            format!("{message}\n").as_str()
        )
    );
}

/// `{"error": {"message": MESSAGE}}`, printed pretty as every document is.
fn error_document(message: &str) -> String {
    let document = serde_json::json!({ "error": { "message": message } });
    format!("{}\n", serde_json::to_string_pretty(&document).unwrap())
}

#[test]
fn refusals_failed_operations_and_usage_errors_print_one_error_document() {
    let cases: &[(&[&str], i32, &str)] = &[
        (
            &[
                "update",
                "cli/tests/data/user-data.json",
                "promote-set",
                "--build-id",
                "nope",
            ],
            1,
            "update: NOT_FOUND: targeted version nope not found",
        ),
        (
            &[
                "resolve",
                "cli/tests/data/stored-rules.json",
                "--intent",
                "default",
            ],
            2,
            "cli/tests/data/stored-rules.json: the data has assignmentRules and redirectRules (worker-versioning rules), which the server applies before the version sets for this answer; the model reads only the sets, so it does not answer",
        ),
        (
            &[
                "gc",
                "cli/tests/data/user-data.json",
                "--retention",
                "1h",
                "--has-workflows",
                "",
                "--now",
                "1732000000",
            ],
            2,
            "error: invalid value '1732000000' for '--now <TIME>': 1732000000 looks like seconds, not Unix milliseconds (bare milliseconds below 100000000000 are before 1973-03-03); give milliseconds, an RFC 3339 time such as 2024-11-19T07:06:40Z, or 1732000000ms for that early time on purpose",
        ),
        (
            &["gc"],
            2,
            "error: the following required arguments were not provided: --retention <DURATION> --has-workflows <IDS|FILE> <STATE>",
        ),
        (
            &["show", "cli/tests/data/user-data.json", "--format", "tree"],
            2,
            "--format tree and -o json conflict: -o json prints one JSON document; drop one of them",
        ),
        (
            &["completions", "bash"],
            2,
            "-o json does not apply: completions prints a shell script; drop -o json",
        ),
        (
            &["man"],
            2,
            "-o json does not apply: man prints a roff page; drop -o json, or give --dir",
        ),
    ];
    for (args, code, message) in cases {
        for json in [["-o", "json"], ["--output", "json"]] {
            let result = run(&[*args, &json[..]].concat());
            assert_eq!(
                (result.code, result.out.as_str()),
                (*code, error_document(message).as_str()),
                "{args:?}"
            );
            // Standard error words it as it always has (clap's error over several lines).
            let first = message.split(": ").next().unwrap();
            assert!(result.err.contains(first), "{args:?}: {}", result.err);
        }
    }
    // Without -o json the conflict is no conflict: the tree is printed.
    let tree = run(&["show", "examples/rollout.jsonl", "--format", "tree"]);
    assert_eq!((tree.code, tree.out.as_str()), (0, crate::ROLLOUT_TREE));
}

#[test]
fn a_file_that_cannot_be_read_is_listed_among_the_files() {
    let check = run(&[
        "check",
        "cli/tests/data/not-json.json",
        "cli/tests/data/user-data.json",
        "-o",
        "json",
    ]);
    assert_eq!(check.code, 2);
    let check: serde_json::Value = serde_json::from_str(&check.out).unwrap();
    assert_eq!(
        check["files"][0],
        serde_json::json!({
            "file": "cli/tests/data/not-json.json",
            "error": {"message": "cli/tests/data/not-json.json:2:20: invalid JSON: trailing comma"},
        })
    );
    assert_eq!(check["files"][1]["valid"], true);
    let replay = run(&[
        "replay",
        "cli/tests/data/malformed.jsonl",
        "cli/tests/data/missing.jsonl",
        "examples/rollout.jsonl",
        "-o",
        "json",
    ]);
    assert_eq!(replay.code, 2);
    let replay: serde_json::Value = serde_json::from_str(&replay.out).unwrap();
    assert_eq!(
        replay["files"][0],
        serde_json::json!({
            "file": "cli/tests/data/malformed.jsonl",
            "error": {"message": "cli/tests/data/malformed.jsonl:3: unknown key \"note\" (no step of this file ran)"},
        })
    );
    assert_eq!(replay["files"][1]["file"], "cli/tests/data/missing.jsonl");
    assert!(replay["files"][1]["error"]["message"].is_string());
    assert_eq!(replay["files"][2]["passed"], 19);
    assert_eq!(replay["passed"], 19);
}

#[test]
fn colour_only_when_forced_on_a_pipe_and_never_with_no_color() {
    let run_env = |vars: &[(&str, &str)]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_version-sets"));
        command
            .args(["check", "cli/tests/data/user-data.json"])
            .current_dir(crate::ROOT)
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .stdout(Stdio::piped());
        for (key, value) in vars {
            command.env(key, value);
        }
        String::from_utf8(command.output().unwrap().stdout).unwrap()
    };
    // Piped, as here: no colour.
    assert_eq!(
        run_env(&[]),
        "cli/tests/data/user-data.json: ok (TaskQueueUserData: 2 sets, 3 build IDs)\n"
    );
    assert_eq!(
        run_env(&[("CLICOLOR_FORCE", "1")]),
        "cli/tests/data/user-data.json: \u{1b}[32mok\u{1b}[0m (TaskQueueUserData: 2 sets, 3 build IDs)\n"
    );
    assert!(!run_env(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]).contains('\u{1b}'));
}

#[test]
fn completions_and_man_page_come_from_the_clap_definitions() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let result = run(&["completions", shell]);
        assert_eq!(result.code, 0, "{shell}");
        for word in ["add-task", "sticky", "add-new-compatible", "output"] {
            assert!(result.out.contains(word), "{shell} completions lack {word}");
        }
    }
    let man = run(&["man"]);
    assert_eq!(man.code, 0);
    assert!(
        man.out.starts_with(".ie \\n(.g .ds Aq \\(aq"),
        "{}",
        &man.out[..80]
    );
    assert!(man.out.contains(".TH version-sets 1"), "{}", man.out);
    assert!(man.out.contains("add\\-task"), "{}", man.out);
}

#[test]
fn every_help_has_a_worked_example() {
    // Every subcommand the command lists, so that a new one cannot go without an example.
    let listed = super::listed_subcommands();
    assert!(listed.len() >= 17, "{listed:?}");
    let mut commands: Vec<Vec<&str>> = vec![vec![]];
    for name in &listed {
        commands.push(vec![name.as_str()]);
    }
    for op in [
        "add-new-default",
        "add-new-compatible",
        "promote-set",
        "promote-id-in-set",
        "merge-sets",
    ] {
        commands.push(vec!["update", op]);
    }
    commands.push(vec!["deployment", "route"]);
    for command in commands {
        let mut args = command.clone();
        args.push("--help");
        let help = run(&args);
        assert_eq!(help.code, 0, "{args:?}");
        let example = help.out.split("Example:\n  ").nth(1);
        let Some(example) = example else {
            panic!("{args:?} --help has no example:\n{}", help.out)
        };
        let words: Vec<&str> = example.split_whitespace().collect();
        assert_eq!(words.first(), Some(&"version-sets"), "{args:?}: {example}");
        assert!(
            command.iter().all(|name| words.contains(name)),
            "{args:?}: the example runs something else: {example}"
        );
    }
}

/// The subcommands that came with replication and conformance print one JSON document with
/// `-o json`, in the shapes their `--help` documents.
#[test]
fn replication_and_conformance_subcommands_print_json() {
    let gc = run(&[
        "gc",
        "cli/tests/data/replication/scavenger.json",
        "--now",
        "2592000000ms",
        "--retention",
        "1d",
        "--has-workflows",
        "v3.0",
        "-o",
        "json",
    ]);
    let doc: serde_json::Value = serde_json::from_str(&gc.out).unwrap();
    assert_eq!(
        doc,
        serde_json::json!({ "removable": ["v1.1", "v1.2", "v2.0"] })
    );

    let merged = run(&[
        "merge",
        "cli/tests/data/replication/east.json",
        "cli/tests/data/replication/west.json",
    ]);
    let reach = run_with(
        &[
            "reachability",
            "-",
            "3.0",
            "1.0",
            "--now",
            "400000ms",
            "-o",
            "json",
        ],
        merged.out.as_bytes(),
    );
    let doc: serde_json::Value = serde_json::from_str(&reach.out).unwrap();
    assert_eq!(
        doc,
        serde_json::json!({ "buildIdReachability": [
            { "buildId": "3.0", "reachability": ["TASK_REACHABILITY_NEW_WORKFLOWS"] },
            { "buildId": "1.0", "reachability": [] },
        ]})
    );

    let conform = run(&[
        "conform",
        "--generate",
        "3",
        "--seed",
        "1",
        "-o",
        "json",
        "--",
        env!("CARGO_BIN_EXE_version-sets"),
        "serve",
        "--stdio",
    ]);
    let doc: serde_json::Value = serde_json::from_str(&conform.out).unwrap();
    assert_eq!(
        (doc["agrees"].as_bool(), doc["traces"].as_u64()),
        (Some(true), Some(3))
    );
}

#[test]
fn every_man_page_named_is_written() {
    let dir = std::env::temp_dir().join(format!("version-sets-man-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let written = run(&["man", "--dir", dir.to_str().unwrap()]);
    assert_eq!(written.code, 0, "{}", written.err);
    let pages: Vec<&str> = written.out.lines().collect();
    // The top page, one per subcommand, one per operation of `update`, one per subcommand
    // of `deployment` (route, the five changes and plan), and `manager-identity`'s set and
    // unset.
    assert_eq!(
        pages.len(),
        1 + crate::listed_subcommands().len() + 5 + 7 + 2,
        "{pages:?}"
    );
    let mut references = 0;
    for page in &pages {
        let text = std::fs::read_to_string(page).unwrap();
        // A reference is `name(1)`, with roff's `\-` for each hyphen.
        for (end, _) in text.match_indices("(1)") {
            let start = text[..end]
                .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '\\'))
                .map_or(0, |at| at + 1);
            let name = text[start..end].replace("\\-", "-");
            assert!(
                dir.join(format!("{name}.1")).is_file(),
                "{page} names {name}(1), which was not written"
            );
            references += 1;
        }
    }
    assert!(references >= 22, "{references}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn man_pages_that_cannot_be_written_are_one_line_and_exit_2() {
    // A folder inside a file cannot be made.
    let result = run(&["man", "--dir", "README.md/man1"]);
    assert_eq!((result.code, result.out.as_str()), (2, ""));
    assert!(
        result
            .err
            .starts_with("README.md/man1: cannot write the man pages: "),
        "{}",
        result.err
    );
    assert_eq!(result.err.lines().count(), 1, "{}", result.err);
}
