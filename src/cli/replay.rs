//! `version-sets replay FILE...`: run conformance traces and check every expectation.

use std::path::PathBuf;

use version_sets::trace;

use super::{Output, Status, input};

/// Run conformance traces and check every expectation.
///
/// A trace is JSON Lines: one step per line (update, limits, sets, resolve or poll), each
/// with the outcome it expects; docs/trace-format.md describes the format. Each file starts
/// from an empty task queue. Prints `FILE:LINE: expected X, got Y` for every expectation
/// that fails, then `N passed, M failed` over all files.
///
/// Exit status: 0 every expectation held, 1 some failed, 2 a file could not be read or has
/// a malformed line (reported as `FILE:LINE: problem`; that file does not run, the others
/// do).
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Trace files, or - for standard input
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
}

pub(crate) fn run(args: &Args, output: &mut Output<'_>) -> Status {
    let mut status = Status::Ok;
    let (mut passed, mut failed) = (0, 0);
    for path in &args.files {
        let input = match input::read(path) {
            Ok(input) => input,
            Err(error) => {
                output.diagnostic(error);
                status = status.max(Status::BadInput);
                continue;
            }
        };
        let steps = match trace::parse(&input.bytes) {
            Ok(steps) => steps,
            Err(error) => {
                output.diagnostic(format_args!(
                    "{}:{}: {} (no step of this file ran)",
                    input.name,
                    error.line(),
                    error.problem()
                ));
                status = status.max(Status::BadInput);
                continue;
            }
        };
        let report = trace::run(&steps);
        for failure in &report.failures {
            output.line(format_args!(
                "{}:{}: expected {}, got {}",
                input.name, failure.line, failure.expected, failure.got
            ));
        }
        passed += report.passed;
        failed += report.failed();
    }
    output.line(format_args!("{passed} passed, {failed} failed"));
    if failed > 0 {
        status = status.max(Status::Failed);
    }
    status
}
