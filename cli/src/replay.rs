//! `version-sets replay FILE...`: run conformance traces and check every expectation.

use std::path::PathBuf;

use serde_json::json;
use version_sets_trace as trace;
use worker_deployments_trace as deployments;

use super::state::{self, Kind};
use super::{Output, Status, Style, file_error, input};

/// Run conformance traces and check every expectation.
///
/// A trace is JSON Lines: one step per line (update, limits, sets, resolve or poll), each
/// with the outcome it expects; docs/trace-format.md describes the format. Each file starts
/// from an empty task queue. Prints `FILE:LINE: expected X, got Y` for every expectation
/// that fails, then `N passed, M failed` over all files.
///
/// A file whose first line (past blank and `#` lines) is `{"format": "deployments"}` is a
/// Worker Deployments trace (deployments/docs/trace-format.md), run against that model with
/// the same output.
///
/// A malformed line is reported as `FILE:LINE: problem`, and so is a step that would take
/// the trace's work on steps that read a whole queue past its bound (1048576 units, and 16
/// a byte of the file: docs/trace-format.md, "Running traces"), which stops that file. A file of another kind (versioning
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
        let (passed_here, failures) = match replay_any(&input.bytes) {
            Ok(report) => report,
            Err(stopped) => {
                // A file of another kind is a mistake in the command line, not a trace
                // with a bad line: the run stops, with no summary.
                if let Some(kind @ (Kind::Ops | Kind::Data(_))) = state::kind_of(&input.bytes) {
                    output.diagnostic(state::wrong_kind(&input.name, &kind, "a trace"));
                    return Status::BadInput;
                }
                let message = format!("{}:{stopped}", input.name);
                if output.json() {
                    files.push(file_error(&input.name, &message));
                }
                output.diagnostic(message);
                status = status.max(Status::BadInput);
                continue;
            }
        };
        if output.json() {
            let failures: Vec<_> = failures
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
                "passed": passed_here,
                "failures": failures,
            }));
        } else {
            for failure in &failures {
                let failed = output.paint(
                    format_args!("expected {}, got {}", failure.expected, failure.got),
                    Style::Bad,
                );
                output.line(format_args!("{}:{}: {failed}", input.name, failure.line));
            }
        }
        passed += passed_here;
        failed += failures.len();
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

/// Runs a trace of either kind: the expectations that held, and the failures; or why it
/// stopped, as `LINE: problem (what ran)`. A deployments trace says so in its header;
/// anything else is a version-set trace, read exactly as before.
fn replay_any(bytes: &[u8]) -> Result<(usize, Vec<trace::Failure>), String> {
    if deployments::is_deployments(bytes) {
        let report = deployments::replay(bytes)
            .map_err(|e| format!("{}: {} (no step of this file ran)", e.line(), e.problem()))?;
        let failures = report
            .failures
            .into_iter()
            .map(|f| trace::Failure {
                line: f.line,
                expected: f.expected,
                got: f.got,
            })
            .collect();
        return Ok((report.passed, failures));
    }
    let report = trace::replay(bytes).map_err(|error| stopped(&error))?;
    Ok((report.passed, report.failures))
}

/// Why a version-set trace stopped, as `LINE: problem (what ran)`: a malformed line runs no
/// step, a step past the bound on whole-queue work runs after the steps before it.
pub(crate) fn stopped(error: &trace::ReplayError) -> String {
    let ran = match error {
        trace::ReplayError::Malformed(_) => "no step of this file ran",
        trace::ReplayError::OverBound(_) => "the steps before it ran",
    };
    format!("{}: {} ({ran})", error.line(), error.problem())
}
