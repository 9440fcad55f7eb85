//! `version-sets apply STATE OPS.jsonl`: apply operations from a file and print the new state.

use std::path::PathBuf;

use super::engine::{self, Options};
use super::state::{self, Kind, Opened};
use super::{Output, Status, input, ops};

/// Apply operations from a file to a state and print the new state.
///
/// The new state is printed as stored VersioningData proto-JSON; from the public response
/// or a listing, which carry no set IDs or timestamps, as a majorVersionSets response, with
/// a note, and a mergeSets (which orders the merged set by timestamp) is refused. STATE is
/// any shape `show` accepts. OPS has one operation per line: the operation of an
/// UpdateWorkerBuildIdCompatibilityRequest, e.g. {"promoteSetByBuildId": "1.0"}, or the
/// whole request body (namespace and taskQueue are read past); blank and # lines are
/// skipped. The operations run in order, as the server would run them one request at a
/// time, with the server's default limits unless --limits says otherwise; the first that
/// fails stops the run, its error is printed as `OPS:LINE: CODE: message` and no state is
/// printed (exit 1). `version-sets update` takes one operation spelled as the Temporal CLI
/// spells it. With `-o json` the new state is printed as it is; a dry run prints
/// {"operations": [{"at", "operation", "outcome": "changed" | "noop" | "error", "error"}],
/// "state": the new state, "affected": who the change affects, "assumed": [what an answer
/// from the public response or a listing assumes, with --assume-not-deleted]}, "state" and
/// "affected" null when an operation fails. From those forms, an operation naming a build
/// ID in no set is refused (exit 2) unless --assume-not-deleted: the server finds a deleted
/// one, which they leave out. "affected" is {"pollers": [{"buildId", "before", "after", "changed"}],
/// each answer {"answer": "accepted" | "newerBuildExists" | "unknownBuildId",
/// "newerBuildId"}; "newWorkflows": {"before", "after", "changed"}; "existingWorkflows":
/// [{"buildIds", "tasks": {"before", "after", "changed"}, "intents": {INTENT: {"before",
/// "after", "changed"}}, "changed"}]}, a task {"answer": "set" | "unknownBuildId" |
/// "unversioned", "buildIds", "runsOn"} and an intent's target as `resolve -o json`
/// prints it.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  version-sets apply state.json ops.jsonl --dry-run")]
pub(crate) struct Args {
    /// The state to start from, or - for standard input
    #[arg(value_name = "STATE")]
    state: PathBuf,
    /// The operations (JSON Lines), or - for standard input
    #[arg(value_name = "OPS")]
    ops: PathBuf,
    #[command(flatten)]
    options: Options,
}

pub(crate) fn run(args: &Args, output: &mut Output<'_>) -> Status {
    if args.state.as_os_str() == "-" && args.ops.as_os_str() == "-" {
        output.diagnostic("STATE and OPS cannot both be standard input");
        return Status::BadInput;
    }
    let Some(Opened {
        sets: state, facts, ..
    }) = state::open(&args.state, output)
    else {
        return Status::BadInput;
    };
    let ops = input::read(&args.ops).and_then(|input| {
        let ops = ops::read(&input).map_err(|error| match state::kind_of(&input.bytes) {
            Some(kind @ (Kind::Data(_) | Kind::Trace)) => {
                state::wrong_kind(&input.name, &kind, "an OPS file (one operation per line)")
            }
            _ => error,
        })?;
        Ok(ops
            .into_iter()
            .map(|(line, update)| (format!("{}:{line}", input.name), update))
            .collect::<Vec<_>>())
    });
    match ops {
        Ok(ops) => engine::run(state, &ops, &args.options, &facts, output),
        Err(error) => {
            output.diagnostic(error);
            Status::BadInput
        }
    }
}
