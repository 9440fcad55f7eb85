//! `version-sets check STATE...`: validate versioning data and report every violation.

use std::path::PathBuf;

use super::state::{self, Traces};
use super::{Output, Status, input};

/// Validate versioning data and report every violation.
///
/// Accepts Temporal's stored VersioningData in proto-JSON (an object with versionSets), a
/// GetWorkerBuildIdCompatibility response (an object with majorVersionSets) and the array
/// `temporal task-queue get-build-ids -o json` prints (objects with buildIds, defaultForSet
/// and isDefaultSet). Prints each violation as `FILE: PATH: problem`, with PATH a JSON path
/// such as versionSets[1].buildIds[0].id, and each valid file as `FILE: ok (...)`.
///
/// Exit status: 0 all valid, 1 some violation found, 2 a file could not be read, is not JSON
/// or is none of the shapes above.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Files to check, or - for standard input
    #[arg(required = true, value_name = "STATE")]
    states: Vec<PathBuf>,
}

pub(crate) fn run(args: &Args, output: &mut Output<'_>) -> Status {
    let mut status = Status::Ok;
    for path in &args.states {
        let input = match input::read(path) {
            Ok(input) => input,
            Err(error) => {
                output.diagnostic(error);
                status = status.max(Status::BadInput);
                continue;
            }
        };
        let examined = match state::examine(&input, Traces::Refused) {
            Ok(examined) => examined,
            Err(error) => {
                output.diagnostic(error);
                status = status.max(Status::BadInput);
                continue;
            }
        };
        for finding in &examined.findings {
            output.line(format_args!("{}: {finding}", input.name));
        }
        match (&examined.state, examined.findings.is_empty()) {
            (Some(sets), true) => output.line(format_args!(
                "{}: ok ({}: {} sets, {} build IDs)",
                input.name,
                examined.shape,
                sets.set_count(),
                sets.build_id_count()
            )),
            _ => status = status.max(Status::Failed),
        }
    }
    status
}
