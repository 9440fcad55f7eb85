//! The README shows exactly what it runs: every `$ version-sets ...` line in its text blocks
//! is run, and what it prints must be the lines under it. A line may be a pipeline
//! (`A | version-sets B -`); the built command is first on `PATH`, so an example may start
//! it again (`conform -- version-sets serve --stdio`).

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// Runs a pipeline of `version-sets` commands (words split on white space) in the crate's
/// folder and returns what the last one printed.
#[track_caller]
fn run_pipeline(pipeline: &str) -> String {
    let binary = Path::new(env!("CARGO_BIN_EXE_version-sets"));
    let mut path = std::ffi::OsString::from(binary.parent().unwrap());
    path.push(":");
    path.push(std::env::var_os("PATH").unwrap_or_default());
    let mut input = Vec::new();
    for stage in pipeline.split(" | ") {
        let words: Vec<&str> = stage.split_whitespace().collect();
        assert_eq!(words.first(), Some(&"version-sets"), "{stage}");
        let mut child = Command::new(binary)
            .args(&words[1..])
            .env("PATH", &path)
            .current_dir(crate::ROOT)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // A stage that exits before reading all its input is not a failure of the example.
        let _ = child.stdin.take().unwrap().write_all(&input);
        let output = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&output.stderr);
        assert!(!err.contains("panicked"), "{stage} panicked: {err}");
        input = output.stdout;
    }
    String::from_utf8(input).unwrap()
}

/// Each command of the README with the output shown under it.
fn examples() -> Vec<(String, String)> {
    let readme = String::from_utf8(crate::read("README.md")).unwrap();
    let mut examples: Vec<(String, String)> = Vec::new();
    let mut in_block = false;
    for line in readme.lines() {
        if line.starts_with("```") {
            in_block = line == "```text";
            continue;
        }
        if !in_block {
            continue;
        }
        if let Some(command) = line.strip_prefix("$ ") {
            examples.push((command.to_owned(), String::new()));
        } else if let Some((_, shown)) = examples.last_mut() {
            shown.push_str(line);
            shown.push('\n');
        }
    }
    examples
}

#[test]
fn every_readme_example_prints_what_the_readme_shows() {
    let examples = examples();
    // One per subcommand that reads data, at least.
    for name in [
        "check",
        "show",
        "poll",
        "add-task",
        "sticky",
        "resolve",
        "update",
        "plan",
        "apply",
        "replay",
        "merge",
        "gc",
        "reachability",
        "retire",
        "diff",
        "conform",
        "deployment",
    ] {
        assert!(
            examples.iter().any(|(command, _)| command
                .split(" | ")
                .any(|stage| stage.split_whitespace().nth(1) == Some(name))),
            "the README has no example of {name}"
        );
    }
    for (command, shown) in examples {
        assert_eq!(run_pipeline(&command), shown, "$ {command}");
    }
}
