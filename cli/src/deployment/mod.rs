//! `version-sets deployment ...`: the Worker Deployments commands (worker versioning 3), one
//! group so that their names never collide with the version-set commands.

mod dry_run;
mod existing;
mod ids;
mod plan;
mod report;
mod route;
mod state;

use super::{Output, Status};

/// Worker Deployments (worker versioning 3): route workflow IDs by a deployment's routing,
/// dry-run each change `temporal worker deployment` makes, and check a rollout plan.
///
/// STATE is what `temporal worker deployment describe`, `describe-version` or `list`
/// print with -o json (Temporal CLI 1.9.1), or DescribeWorkerDeployment's gRPC JSON. The
/// changes (set-current-version, set-ramping-version, delete-version, delete,
/// manager-identity) take --dry-run: this tool never talks to a server.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  version-sets deployment route describe.json wf-1 wf-2\n  version-sets deployment set-current-version describe.json --deployment-name D --build-id b2 --identity me --dry-run\n  version-sets deployment plan rollout.jsonl --state describe.json"
)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    Route(route::Args),
    SetCurrentVersion(dry_run::SetCurrentArgs),
    SetRampingVersion(dry_run::SetRampingArgs),
    DeleteVersion(dry_run::DeleteVersionArgs),
    Delete(dry_run::DeleteArgs),
    ManagerIdentity(dry_run::ManagerArgs),
    Plan(plan::Args),
}

pub(crate) fn run(args: &Args, output: &mut Output<'_>) -> Status {
    match &args.command {
        Command::Route(args) => route::run(args, output),
        Command::SetCurrentVersion(args) => dry_run::set_current(args, output),
        Command::SetRampingVersion(args) => dry_run::set_ramping(args, output),
        Command::DeleteVersion(args) => dry_run::delete_version(args, output),
        Command::Delete(args) => dry_run::delete(args, output),
        Command::ManagerIdentity(args) => dry_run::manager(args, output),
        Command::Plan(args) => plan::run(args, output),
    }
}
