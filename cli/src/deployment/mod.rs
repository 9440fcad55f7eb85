//! `version-sets deployment ...`: the Worker Deployments commands (worker versioning 3), one
//! group so that their names never collide with the version-set commands.

mod existing;
mod ids;
mod route;
mod state;

use super::{Output, Status};

/// Worker Deployments (worker versioning 3): route workflow IDs by a deployment's routing.
///
/// STATE is what `temporal worker deployment describe`, `describe-version` or `list`
/// print with -o json (Temporal CLI 1.9.1), or DescribeWorkerDeployment's gRPC JSON.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  version-sets deployment route describe.json wf-1 wf-2")]
pub(crate) struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    Route(route::Args),
}

pub(crate) fn run(args: &Args, output: &mut Output<'_>) -> Status {
    match &args.command {
        Command::Route(args) => route::run(args, output),
    }
}
