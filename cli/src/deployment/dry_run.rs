//! The dry-run commands of the `deployment` group, named and flagged as `temporal worker
//! deployment` (Temporal CLI 1.9.1) names them: `set-current-version`,
//! `set-ramping-version`, `delete-version`, `delete` and `manager-identity set|unset`. Each
//! builds the model's state from STATE and the `--version-state` documents
//! (`worker_deployments::ShownState`), runs the change on a copy and prints the server's
//! answer and what would change (`report.rs`).

use std::path::PathBuf;

use worker_deployments::{
    Assumptions, Change, DeleteDeployment, DeleteVersion, Pollers, SetCurrent, SetManager,
    SetRamping, Shown, ShownState, ShownVersion, Traffic, Unknown, read_shown,
};

use super::{report, state};
use crate::{Output, Status, input};

/// The time of the dry run: after the 1 ms every time of the built state takes. Times are
/// never printed, so the answer does not depend on the clock.
const NOW_MS: u64 = 2;

/// What every dry-run command takes besides the change's own flags.
#[derive(Debug, clap::Args)]
pub(crate) struct Common {
    /// The deployment's state: what `temporal worker deployment describe` or `list` prints
    /// with -o json, or DescribeWorkerDeployment's gRPC JSON; - for standard input
    #[arg(value_name = "STATE")]
    state: PathBuf,
    /// What `temporal worker deployment describe-version` prints with -o json for a
    /// version: its task queues, which the missing-task-queue check compares (repeatable)
    #[arg(long, value_name = "FILE")]
    version_state: Vec<PathBuf>,
    /// Required: this tool never talks to a server; it says what the server would answer
    #[arg(long, required = true)]
    dry_run: bool,
    /// Whether the task queues have traffic or backlog, which no document shows; busy
    /// refuses a task queue the new version lacks, as the server refuses a busy one
    #[arg(long, value_enum, value_name = "TRAFFIC", default_value_t = TrafficArg::Busy)]
    assume_traffic: TrafficArg,
    /// Whether the versions' task queues have pollers, which no document shows
    /// (delete-version refuses a version with pollers)
    #[arg(long, value_enum, value_name = "POLLERS", default_value_t = PollersArg::None)]
    assume_pollers: PollersArg,
}

/// `--assume-traffic`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum TrafficArg {
    /// Every task queue has traffic or backlog
    Busy,
    /// No task queue has traffic or backlog
    Idle,
}

/// `--assume-pollers`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum PollersArg {
    /// No version's task queues have pollers
    None,
    /// Every version's task queues have pollers
    All,
}

/// The identity a write is made with: the CLI's `--identity`.
#[derive(Debug, clap::Args)]
pub(crate) struct Identity {
    /// The identity the write is sent with: what you give temporal with --identity, or the
    /// temporal-cli:USER@HOST it makes up (the no-op rule and the manager identity compare it)
    #[arg(long, value_name = "IDENTITY")]
    identity: String,
}

/// Dry-run `temporal worker deployment set-current-version`: make a version current.
///
/// Prints the server's answer (the CLI's success text, or CODE: message), then what would
/// change: the routing, each version's status, each task queue whose routing moves (and
/// which become unversioned), and the facts assumed. With -o json: {"deployment", "form",
/// "command", "accepted", "answer": {"outcome": "changed" | "noop", "previousVersion"?,
/// "previousPercentage"?, "previousManagerIdentity"?} | null, "error": {"code", "message"}
/// | null, "cli", "routing": {"before", "after"}, "manager": {"before", "after"},
/// "statuses": [{"version", "before", "after"}], "taskQueues": [{"name", "type", "before",
/// "after", "becomesUnversioned"}], "assumed": [...], "taskQueuesNotShown": ["D:b"],
/// "notes": [...]}; taskQueuesNotShown names the versions whose routing or status moves
/// with no --version-state, whose task queues are therefore not listed; a routing is
/// {"current": "D:b" | null, "ramp": null | {"version": "D:b" | null, "percentage"},
/// "revision": N | null} or null when the deployment does not exist, a status null when the
/// version does not.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  version-sets deployment set-current-version describe.json --deployment-name D --build-id b2 --identity me --version-state b1.json --version-state b2.json --dry-run"
)]
pub(crate) struct SetCurrentArgs {
    #[command(flatten)]
    common: Common,
    #[command(flatten)]
    identity: Identity,
    /// Name of the Worker Deployment
    #[arg(long, value_name = "NAME")]
    deployment_name: String,
    /// Build ID of the Worker Deployment Version; required unless --unversioned
    #[arg(
        long,
        value_name = "BUILD_ID",
        required_unless_present = "unversioned",
        conflicts_with = "unversioned"
    )]
    build_id: Option<String>,
    /// Make unversioned workers current
    #[arg(long)]
    unversioned: bool,
    /// Skip the check that the version has the current version's busy task queues
    #[arg(long)]
    ignore_missing_task_queues: bool,
    /// Make the version current even if it has no pollers (created when missing)
    #[arg(long)]
    allow_no_pollers: bool,
}

/// Dry-run `temporal worker deployment set-ramping-version`: set, change or unset the
/// ramp.
///
/// --delete without --build-id unsets the ramp; with --build-id it ramps that version at
/// 0%, as the CLI does. Prints what set-current-version prints (see its --help), and
/// -o json the same document.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  version-sets deployment set-ramping-version describe.json --deployment-name D --build-id b2 --percentage 50 --identity me --dry-run"
)]
pub(crate) struct SetRampingArgs {
    #[command(flatten)]
    common: Common,
    #[command(flatten)]
    identity: Identity,
    /// Name of the Worker Deployment
    #[arg(long, value_name = "NAME")]
    deployment_name: String,
    /// Build ID of the Worker Deployment Version; required unless --unversioned or --delete
    #[arg(long, value_name = "BUILD_ID", required_unless_present_any = ["unversioned", "delete"], conflicts_with = "unversioned")]
    build_id: Option<String>,
    /// Ramp unversioned workers
    #[arg(long)]
    unversioned: bool,
    /// Percentage of tasks redirected to the ramping version, in [0, 100]
    #[arg(
        long,
        value_name = "PERCENTAGE",
        default_value_t = 0.0,
        allow_negative_numbers = true
    )]
    percentage: f32,
    /// Delete the ramp (the percentage is 0)
    #[arg(long)]
    delete: bool,
    /// Skip the check that the version has the current version's busy task queues
    #[arg(long)]
    ignore_missing_task_queues: bool,
    /// Ramp the version even if it has no pollers (created when missing)
    #[arg(long)]
    allow_no_pollers: bool,
}

/// Dry-run `temporal worker deployment delete-version`: delete a version.
///
/// Prints what set-current-version prints (see its --help), and -o json the same
/// document.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  version-sets deployment delete-version describe.json --deployment-name D --build-id b0 --identity me --dry-run"
)]
pub(crate) struct DeleteVersionArgs {
    #[command(flatten)]
    common: Common,
    #[command(flatten)]
    identity: Identity,
    /// Name of the Worker Deployment
    #[arg(long, value_name = "NAME")]
    deployment_name: String,
    /// Build ID of the Worker Deployment Version
    #[arg(long, value_name = "BUILD_ID")]
    build_id: String,
    /// Delete even while the version is draining
    #[arg(long)]
    skip_drainage: bool,
}

/// Dry-run `temporal worker deployment delete`: delete a deployment with no versions.
///
/// Prints what set-current-version prints (see its --help), and -o json the same
/// document.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  version-sets deployment delete describe.json --name D --dry-run"
)]
pub(crate) struct DeleteArgs {
    #[command(flatten)]
    common: Common,
    /// Name of the Worker Deployment
    #[arg(short = 'd', long, value_name = "NAME")]
    name: String,
    /// The identity the delete is sent with (the server does not check it)
    #[arg(long, value_name = "IDENTITY", default_value = "")]
    identity: String,
}

/// Dry-run `temporal worker deployment manager-identity set|unset`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  version-sets deployment manager-identity unset describe.json --deployment-name D --identity me --dry-run"
)]
pub(crate) struct ManagerArgs {
    #[command(subcommand)]
    command: ManagerCommand,
}

#[derive(Debug, clap::Subcommand)]
enum ManagerCommand {
    Set(ManagerSetArgs),
    Unset(ManagerUnsetArgs),
}

/// Dry-run `temporal worker deployment manager-identity set`: set the manager identity.
///
/// Prints what set-current-version prints (see its --help), and -o json the same
/// document.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  version-sets deployment manager-identity set describe.json --deployment-name D --self --identity me --dry-run"
)]
pub(crate) struct ManagerSetArgs {
    #[command(flatten)]
    common: Common,
    #[command(flatten)]
    identity: Identity,
    /// Name of the Worker Deployment
    #[arg(long, value_name = "NAME")]
    deployment_name: String,
    /// The new manager identity; required unless --self
    #[arg(
        long,
        value_name = "IDENTITY",
        required_unless_present = "self_manage",
        conflicts_with = "self_manage"
    )]
    manager_identity: Option<String>,
    /// Make the identity of this request the manager
    #[arg(long = "self")]
    self_manage: bool,
}

/// Dry-run `temporal worker deployment manager-identity unset`: clear the manager identity.
///
/// Prints what set-current-version prints (see its --help), and -o json the same
/// document.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  version-sets deployment manager-identity unset describe.json --deployment-name D --identity me --dry-run"
)]
pub(crate) struct ManagerUnsetArgs {
    #[command(flatten)]
    common: Common,
    #[command(flatten)]
    identity: Identity,
    /// Name of the Worker Deployment
    #[arg(long, value_name = "NAME")]
    deployment_name: String,
}

/// Which `temporal worker deployment` subcommand a dry run is of: its name in the report
/// and the CLI's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Subcommand {
    SetCurrent,
    SetRamping,
    DeleteVersion,
    Delete,
    ManagerSet,
    ManagerUnset,
}

impl Subcommand {
    /// The command's name, as `temporal worker deployment` spells it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::SetCurrent => "set-current-version",
            Self::SetRamping => "set-ramping-version",
            Self::DeleteVersion => "delete-version",
            Self::Delete => "delete",
            Self::ManagerSet => "manager-identity set",
            Self::ManagerUnset => "manager-identity unset",
        }
    }
}

pub(crate) fn set_current(args: &SetCurrentArgs, output: &mut Output<'_>) -> Status {
    let change = SetCurrent {
        ignore_missing_task_queues: args.ignore_missing_task_queues,
        allow_no_pollers: args.allow_no_pollers,
        ..SetCurrent::new(
            &args.deployment_name,
            args.build_id.as_deref().unwrap_or_default(),
            &args.identity.identity,
        )
    };
    run(
        &args.common,
        &args.deployment_name,
        Subcommand::SetCurrent,
        &Change::SetCurrent(change),
        output,
    )
}

pub(crate) fn set_ramping(args: &SetRampingArgs, output: &mut Output<'_>) -> Status {
    let percentage = if args.delete { 0.0 } else { args.percentage };
    let change = SetRamping {
        ignore_missing_task_queues: args.ignore_missing_task_queues,
        allow_no_pollers: args.allow_no_pollers,
        ..SetRamping::new(
            &args.deployment_name,
            args.build_id.as_deref().unwrap_or_default(),
            percentage,
            &args.identity.identity,
        )
    };
    run(
        &args.common,
        &args.deployment_name,
        Subcommand::SetRamping,
        &Change::SetRamping(change),
        output,
    )
}

pub(crate) fn delete_version(args: &DeleteVersionArgs, output: &mut Output<'_>) -> Status {
    let change = DeleteVersion {
        skip_drainage: args.skip_drainage,
        ..DeleteVersion::new(
            &args.deployment_name,
            &args.build_id,
            &args.identity.identity,
        )
    };
    run(
        &args.common,
        &args.deployment_name,
        Subcommand::DeleteVersion,
        &Change::DeleteVersion(change),
        output,
    )
}

pub(crate) fn delete(args: &DeleteArgs, output: &mut Output<'_>) -> Status {
    let change = DeleteDeployment {
        deployment_name: args.name.clone(),
        identity: args.identity.clone(),
    };
    run(
        &args.common,
        &args.name,
        Subcommand::Delete,
        &Change::DeleteDeployment(change),
        output,
    )
}

pub(crate) fn manager(args: &ManagerArgs, output: &mut Output<'_>) -> Status {
    match &args.command {
        ManagerCommand::Set(args) => {
            let change = SetManager {
                deployment_name: args.deployment_name.clone(),
                manager_identity: args.manager_identity.clone().unwrap_or_default(),
                self_manage: args.self_manage,
                identity: args.identity.identity.clone(),
                ..SetManager::default()
            };
            run(
                &args.common,
                &args.deployment_name,
                Subcommand::ManagerSet,
                &Change::SetManager(change),
                output,
            )
        }
        ManagerCommand::Unset(args) => {
            let change = SetManager {
                deployment_name: args.deployment_name.clone(),
                identity: args.identity.identity.clone(),
                ..SetManager::default()
            };
            run(
                &args.common,
                &args.deployment_name,
                Subcommand::ManagerUnset,
                &Change::SetManager(change),
                output,
            )
        }
    }
}

/// The describe-version documents of `paths`.
fn versions(paths: &[PathBuf]) -> Result<Vec<ShownVersion>, String> {
    let mut found = Vec::with_capacity(paths.len());
    for path in paths {
        let input = input::read(path)?;
        let file = input.name;
        let text = std::str::from_utf8(&input.bytes).map_err(|_| format!("{file}: not UTF-8"))?;
        let read = read_shown(text).map_err(|error| format!("{file}: {error}"))?;
        match read.shown {
            Shown::Version(version) => found.push(version),
            _ => {
                return Err(format!(
                    "{file}: --version-state takes `temporal worker deployment describe-version -o json`, not {} output",
                    read.form
                ));
            }
        }
    }
    Ok(found)
}

/// Reads the documents, builds the state, runs the change and prints the report.
fn run(
    common: &Common,
    name: &str,
    subcommand: Subcommand,
    change: &Change,
    output: &mut Output<'_>,
) -> Status {
    let mut paths = vec![common.state.clone()];
    paths.extend(common.version_state.iter().cloned());
    if let Err(message) = input::stdin_once(&paths) {
        output.diagnostic(message);
        return Status::BadInput;
    }
    let opened = match state::open(&common.state, Some(name)) {
        Ok(opened) => opened,
        Err(message) => {
            output.diagnostic(message);
            return Status::BadInput;
        }
    };
    let versions = match versions(&common.version_state) {
        Ok(versions) => versions,
        Err(message) => {
            output.diagnostic(message);
            return Status::BadInput;
        }
    };
    let assumptions = Assumptions {
        traffic: match common.assume_traffic {
            TrafficArg::Busy => Traffic::Busy,
            TrafficArg::Idle => Traffic::Idle,
        },
        pollers: match common.assume_pollers {
            PollersArg::None => Pollers::None,
            PollersArg::All => Pollers::All,
        },
        ..Assumptions::default()
    };
    let state = match ShownState::new(&opened.deployment, &versions, assumptions) {
        Ok(state) => state,
        Err(error) => {
            output.diagnostic(format!("the documents do not make one state: {error}"));
            return Status::BadInput;
        }
    };
    let shown = match state.dry_run(change, NOW_MS) {
        Ok(shown) => shown,
        Err(unknown) => {
            let hint = match unknown {
                Unknown::TaskQueues { .. } => {
                    "; give it with --version-state, or skip the check with --ignore-missing-task-queues"
                }
                _ => "; give `temporal worker deployment describe -o json`",
            };
            output.diagnostic(format!("cannot answer: {unknown}{hint}"));
            return Status::BadInput;
        }
    };
    for note in &opened.notes {
        output.diagnostic(note);
    }
    let revision_known = opened.deployment.routing.revision.is_some();
    report::print(
        output,
        &report::Report {
            subcommand,
            form: opened.form,
            revision_known,
            shown: &shown,
            notes: &opened.notes,
        },
    );
    if shown.run.answer.is_ok() {
        Status::Ok
    } else {
        Status::Failed
    }
}
