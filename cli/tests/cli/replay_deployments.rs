//! `replay` of Worker Deployments traces (a `{"format": "deployments"}` header): the
//! vectors, a run mixing both kinds, wrong expectations and malformed lines, with the
//! version-set traces' output and exit statuses.

use std::fs;

use crate::{ROOT, run, run_with};

/// The deployments traces of `deployments/vectors/` (`routing-live.jsonl` is another
/// format), as paths from the repository's root.
fn deployment_vectors() -> Vec<String> {
    let mut files: Vec<String> = fs::read_dir(format!("{ROOT}/deployments/vectors"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".jsonl") && name != "routing-live.jsonl")
        .map(|name| format!("deployments/vectors/{name}"))
        .collect();
    files.sort();
    files
}

#[test]
fn replay_passes_every_deployments_vector() {
    let files = deployment_vectors();
    assert!(files.len() >= 10, "{files:?}");
    let mut args = vec!["replay"];
    args.extend(files.iter().map(String::as_str));
    let result = run(&args);
    assert_eq!((result.code, result.err.as_str()), (0, ""));
    let passed: usize = result
        .out
        .strip_suffix(" passed, 0 failed\n")
        .unwrap_or_else(|| panic!("{}", result.out))
        .parse()
        .unwrap();
    assert!(passed > 200, "{passed}");
}

#[test]
fn replay_runs_both_kinds_in_one_command() {
    let alone = |file: &str| run(&["replay", file]).out;
    let sets = "trace/vectors/add-new-default.jsonl";
    let deployments = "deployments/vectors/tokens.jsonl";
    let count = |out: String| -> usize { out.split(' ').next().unwrap().parse().unwrap() };
    let expected = count(alone(sets)) + count(alone(deployments));
    let result = run(&["replay", sets, deployments]);
    assert_eq!(
        (result.code, result.out, result.err.as_str()),
        (0, format!("{expected} passed, 0 failed\n"), "")
    );
}

const POLL: &str =
    r#"{"poll": {"deployment": "D", "build": "b1", "taskQueue": "tq", "type": "workflow"}"#;

#[test]
fn replay_reports_a_wrong_deployments_expectation_and_exits_1() {
    let trace = format!(
        "# a comment first\n{{\"format\": \"deployments\"}}\n{POLL}, \"expect\": \"changed\"}}\n\
         {{\"setCurrent\": {{\"deployment\": \"D\", \"build\": \"b2\", \"identity\": \"a\"}}, \"expect\": \"changed\"}}\n"
    );
    let result = run_with(&["replay", "-"], trace.as_bytes());
    assert_eq!(result.code, 1);
    assert_eq!(
        result.out,
        "<stdin>:4: expected \"changed\", got {\"error\":\"NOT_FOUND\",\"message\":\"build ID 'b2' not found in Worker Deployment 'D'\"}\n\
         1 passed, 1 failed\n"
    );
    assert_eq!(result.err, "");
    let json = run_with(&["replay", "-o", "json", "-"], trace.as_bytes());
    assert_eq!(json.code, 1);
    let doc: serde_json::Value = serde_json::from_str(&json.out).unwrap();
    assert_eq!(
        doc,
        serde_json::json!({
            "files": [{
                "file": "<stdin>",
                "passed": 1,
                "failures": [{
                    "line": 4,
                    "expected": "\"changed\"",
                    "got": "{\"error\":\"NOT_FOUND\",\"message\":\"build ID 'b2' not found in Worker Deployment 'D'\"}",
                }],
            }],
            "passed": 1,
            "failed": 1,
        })
    );
}

#[test]
fn replay_rejects_a_malformed_deployments_line_and_exits_2() {
    let trace = format!(
        "{{\"format\": \"deployments\"}}\n{POLL}, \"expect\": \"changed\"}}\n{{\"pol\": {{}}}}\n"
    );
    let result = run_with(&["replay", "-"], trace.as_bytes());
    assert_eq!(result.code, 2);
    assert_eq!(
        result.err,
        "<stdin>:3: unknown key \"pol\" (no step of this file ran)\n"
    );
    assert_eq!(result.out, "0 passed, 0 failed\n");
    let header = run_with(&["replay", "-"], b"{\"format\": \"sets\"}\n");
    assert_eq!(
        (header.code, header.err.as_str()),
        (
            2,
            "<stdin>:1: a deployments trace starts with {\"format\": \"deployments\"} (no step of this file ran)\n"
        )
    );
}

#[test]
fn generate_deployments_writes_traces_that_replay_green_and_the_same_for_a_seed() {
    let dir = std::env::temp_dir().join(format!("wd-generate-{}", std::process::id()));
    let (a, b) = (dir.join("a"), dir.join("b"));
    for out in [&a, &b] {
        let out = out.to_str().unwrap();
        let result = run(&[
            "generate",
            "--deployments",
            "--seed",
            "9",
            "--count",
            "3",
            "--steps",
            "150",
            out,
        ]);
        assert_eq!(
            (result.code, result.out, result.err.as_str()),
            (0, format!("wrote 3 traces to {out}\n"), "")
        );
    }
    let mut files = Vec::new();
    for i in 0..3 {
        let name = format!("trace-{i:04}.jsonl");
        let text = fs::read_to_string(a.join(&name)).unwrap();
        assert_eq!(text, fs::read_to_string(b.join(&name)).unwrap(), "{name}");
        assert!(text.starts_with(&format!(
            "# version-sets generate --deployments --seed 9 --steps 150: trace {i}\n{{\"format\": \"deployments\"}}\n"
        )));
        files.push(a.join(&name).to_str().unwrap().to_owned());
    }
    let mut args = vec!["replay"];
    args.extend(files.iter().map(String::as_str));
    let result = run(&args);
    assert_eq!(
        (result.code, result.err.as_str()),
        (0, ""),
        "{}",
        result.out
    );
    assert!(
        result.out.ends_with(" passed, 0 failed\n"),
        "{}",
        result.out
    );
    let refused = run(&[
        "generate",
        "--deployments",
        "--only",
        "poll",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(refused.code, 2);
    assert!(
        refused
            .err
            .contains("'--deployments' cannot be used with '--only <ONLY>'"),
        "{}",
        refused.err
    );
    fs::remove_dir_all(&dir).unwrap();
}
