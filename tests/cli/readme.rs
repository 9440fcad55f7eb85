//! The README shows exactly what it runs: every `$ version-sets ...` line in its text blocks
//! is run, and what it prints must be the lines under it.

use crate::run;

/// Each command of the README with the output shown under it.
fn examples() -> Vec<(String, String)> {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
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
        "check", "show", "poll", "add-task", "sticky", "resolve", "update", "apply", "replay",
    ] {
        assert!(
            examples
                .iter()
                .any(|(command, _)| command.split_whitespace().nth(1) == Some(name)),
            "the README has no example of {name}"
        );
    }
    for (command, shown) in examples {
        let words: Vec<&str> = command.split_whitespace().collect();
        assert_eq!(words.first(), Some(&"version-sets"), "{command}");
        let result = run(&words[1..]);
        assert_eq!(result.out, shown, "$ {command}\n{}", result.err);
    }
}
