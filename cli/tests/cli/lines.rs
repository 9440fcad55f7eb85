//! The bounds of what one line or one name may cost: the 8 MiB line read through a JSON tree
//! (operations, trace steps, requests), the 64 MiB request line of `serve --stdio`, read no
//! further, and the excerpt every message quotes of a long name.

use std::io::{Read, Write};

use super::{run_with, spawn};

/// The most bytes a line read through a JSON tree may hold (`version_sets_trace::MAX_LINE_BYTES`).
const LINE_CAP: usize = 8 * 1024 * 1024;

/// A 1,000-byte key, and how every message quotes it.
fn long_key() -> (String, String) {
    let key = "k".repeat(1_000);
    let cut = format!(r#""{}"... (1000 bytes)"#, "k".repeat(40));
    (key, cut)
}

#[test]
fn a_long_unknown_key_is_quoted_as_an_excerpt_by_every_command_that_reads_a_state() {
    let (key, cut) = long_key();
    let stored = format!(r#"{{"versionSets": [{{"{key}": 1}}]}}"#);
    let expected = format!(
        "<stdin>: versionSets[0][{cut}]: unknown field {cut}, expected one of `setIds`, \
         `buildIds`, `becameDefaultTimestamp`\n"
    );
    for args in [
        &["check", "-"][..],
        &["show", "-"],
        &["poll", "--build-id", "1.0", "-"],
        &["resolve", "--intent", "default", "-"],
        &["merge", "-", "cli/tests/data/public.json"],
    ] {
        let run = run_with(args, stored.as_bytes());
        assert_eq!(
            (run.code, run.err.as_str()),
            (2, expected.as_str()),
            "{args:?}"
        );
    }
    let public = format!(r#"{{"majorVersionSets": [{{"{key}": 1}}]}}"#);
    let run = run_with(&["check", "-"], public.as_bytes());
    assert_eq!(
        run.err,
        format!("<stdin>: majorVersionSets[0][{cut}]: unknown field {cut}, expected `buildIds`\n")
    );
    let state = format!(r#"{{"versionSets": [{{"buildIds": [{{"state": "{key}"}}]}}]}}"#);
    let run = run_with(&["check", "-"], state.as_bytes());
    assert_eq!(
        run.err,
        format!(
            "<stdin>: versionSets[0].buildIds[0].state: invalid value: string {cut}, expected \
             STATE_ACTIVE, STATE_DELETED, STATE_UNSPECIFIED or 0, 1, 2\n"
        )
    );
}

#[test]
fn a_long_key_in_a_trace_or_an_operation_is_quoted_as_an_excerpt() {
    let (key, cut) = long_key();
    let trace = format!(r#"{{"addTask": {{"{key}": 1}}}}"#);
    let run = run_with(&["replay", "-"], trace.as_bytes());
    assert_eq!(
        (run.code, run.err.as_str()),
        (
            2,
            format!(
                "<stdin>:1: addTask[{cut}]: unknown field {cut}, expected `buildId` (no step of \
                 this file ran)\n"
            )
            .as_str()
        )
    );
    let ops = format!(r#"{{"{key}": "1.0"}}"#);
    let run = run_with(
        &["apply", "cli/tests/data/public.json", "-"],
        ops.as_bytes(),
    );
    assert_eq!(
        run.err,
        format!(
            "<stdin>:1: not an operation: unknown variant {cut}, expected one of \
             `addNewBuildIdInNewDefaultSet`, `addNewCompatibleBuildId`, `promoteSetByBuildId`, \
             `promoteBuildIdWithinSet`, `mergeSets`\n"
        )
    );
}

/// An operation `extra` bytes past the cap: a build ID that fills it.
fn promote(extra: usize) -> String {
    let head = r#"{"promoteSetByBuildId": ""#;
    let tail = r#""}"#;
    let id = "v".repeat(LINE_CAP + extra - head.len() - tail.len());
    format!("{head}{id}{tail}")
}

#[test]
fn an_operation_line_one_byte_over_the_cap_is_refused_for_its_length() {
    let over = promote(1);
    assert_eq!(over.len(), LINE_CAP + 1);
    let run = run_with(
        &["apply", "cli/tests/data/public.json", "-"],
        over.as_bytes(),
    );
    assert_eq!(
        (run.code, run.err.as_str()),
        (
            2,
            "<stdin>:1: the line is 8388609 bytes long, more than the 8388608 (8 MiB) a line \
             may hold\n"
        )
    );
    let at_cap = promote(0);
    let run = run_with(
        &["apply", "cli/tests/data/public.json", "-"],
        at_cap.as_bytes(),
    );
    // Read, and refused for its build ID, which is the line less its 27 other bytes.
    assert_eq!(
        run.err,
        format!(
            "<stdin>:1: promoteSetByBuildId: build ID is {} bytes long; at most 255 are \
             allowed\n",
            LINE_CAP - 27
        )
    );
}

#[test]
fn serve_answers_a_step_over_the_line_cap_as_malformed_and_goes_on() {
    let step = format!(r#"{{"update": {}}}"#, promote(1));
    let run = run_with(
        &["serve", "--stdio"],
        format!("{step}\n{{\"reset\": true}}\n").as_bytes(),
    );
    assert_eq!(run.code, 0, "{}", run.err);
    assert_eq!(
        run.out,
        format!(
            "{{\"malformed\":\"the line is {} bytes long, more than the 8388608 (8 MiB) a line \
             may hold\"}}\n{{}}\n",
            // The operation, a byte over the cap, inside `{"update": ...}`.
            LINE_CAP + 1 + 12
        )
    );
}

/// A client that never ends its line: the command reads 64 MiB and one byte of it, answers
/// that the line is too long, and stops, whatever the client goes on sending.
#[test]
fn serve_stops_at_a_request_line_without_end() {
    let mut child = spawn(&["serve", "--stdio"]);
    let mut input = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let chunk = vec![b'x'; 1024 * 1024];
        let mut written: usize = 0;
        // Until the command stops reading: the pipe then breaks.
        while input.write_all(&chunk).is_ok() {
            written += chunk.len();
        }
        written
    });
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    let written = writer.join().unwrap();
    let problem = "a request line is longer than 67108864 bytes (64 MiB); not read";
    assert_eq!(out, format!("{{\"malformed\":\"{problem}\"}}\n"));
    assert_eq!(err, format!("<stdin>:1: {problem}\n"));
    assert_eq!(status.code(), Some(2));
    // It stopped near the cap: the writer was refused within a pipe's buffer of it.
    assert!(written < 80 * 1024 * 1024, "{written}");
}
