//! `version-sets replay FILE...`: run conformance traces and check every expectation.

use std::path::PathBuf;

use serde_json::json;
use version_sets_trace as trace;

use super::state::{self, Kind};
use super::{Output, Status, Style, file_error, input};

/// Run conformance traces and check every expectation.
///
/// A trace is JSON Lines: one step per line (update, limits, sets, resolve or poll), each
/// with the outcome it expects; docs/trace-format.md describes the format. Each file starts
/// from an empty task queue. Prints `FILE:LINE: expected X, got Y` for every expectation
/// that fails, then `N passed, M failed` over all files.
///
/// A malformed line is reported as `FILE:LINE: problem`. A file of another kind (versioning
/// data, an OPS file) stops the run, with no summary. With `-o json`: {"files": [{"file",
/// "passed", "failures": [{"line", "expected", "got"}]}], "passed", "failed"}, a file that
/// cannot be read listed as {"file", "error": {"message"}}.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  version-sets replay trace/vectors/*.jsonl")]
pub(crate) struct Args {
    /// Trace files, or - for standard input
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
}

pub(crate) fn run(args: &Args, output: &mut Output<'_>) -> Status {
    if let Err(error) = input::stdin_once(&args.files) {
        output.diagnostic(error);
        return Status::BadInput;
    }
    let mut status = Status::Ok;
    let (mut passed, mut failed) = (0, 0);
    let mut files = Vec::new();
    for path in &args.files {
        let input = match input::read(path) {
            Ok(input) => input,
            Err(error) => {
                if output.json() {
                    files.push(file_error(&input::name_of(path), &error));
                }
                output.diagnostic(error);
                status = status.max(Status::BadInput);
                continue;
            }
        };
        let report = match trace::replay(&input.bytes) {
            Ok(report) => report,
            Err(error) => {
                // A file of another kind is a mistake in the command line, not a trace
                // with a bad line: the run stops, with no summary.
                if let Some(kind @ (Kind::Ops | Kind::Data(_))) = state::kind_of(&input.bytes) {
                    output.diagnostic(state::wrong_kind(&input.name, &kind, "a trace"));
                    return Status::BadInput;
                }
                let message = format!(
                    "{}:{}: {} (no step of this file ran)",
                    input.name,
                    error.line(),
                    error.problem()
                );
                if output.json() {
                    files.push(file_error(&input.name, &message));
                }
                output.diagnostic(message);
                status = status.max(Status::BadInput);
                continue;
            }
        };
        if output.json() {
            let failures: Vec<_> = report
                .failures
                .iter()
                .map(|failure| {
                    json!({
                        "line": failure.line,
                        "expected": failure.expected.to_string(),
                        "got": failure.got.to_string(),
                    })
                })
                .collect();
            files.push(json!({
                "file": input.name,
                "passed": report.passed,
                "failures": failures,
            }));
        } else {
            for failure in &report.failures {
                let failed = output.paint(
                    format_args!("expected {}, got {}", failure.expected, failure.got),
                    Style::Bad,
                );
                output.line(format_args!("{}:{}: {failed}", input.name, failure.line));
            }
        }
        passed += report.passed;
        failed += report.failed();
    }
    if output.json() {
        output.document(&json!({"files": files, "passed": passed, "failed": failed}));
    } else {
        let style = if failed == 0 { Style::Good } else { Style::Bad };
        let summary = output.paint(format_args!("{passed} passed, {failed} failed"), style);
        output.line(summary);
    }
    if failed > 0 {
        status = status.max(Status::Failed);
    }
    status
}
