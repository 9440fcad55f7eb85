//! `version-sets update STATE OPERATION`: one operation, spelled as the Temporal CLI's
//! `temporal task-queue update-build-ids` spells it (all but `merge-sets`, which it lacks).

use std::path::PathBuf;

use clap::Subcommand;
use version_sets::{BuildId, QueueDefault, Update};

use super::engine::{self, Options};
use super::state::{self, Opened};
use super::{Output, Status};

/// Apply one operation and print the new state.
///
/// Four operations are spelled as `temporal task-queue update-build-ids` spells them;
/// merge-sets has no Temporal CLI subcommand (it is the API's mergeSets, sent by an SDK or
/// tdbg) and is spelled after its fields.
///
/// The new state is printed as stored VersioningData proto-JSON, ready for the next
/// `update`; from the public response or a listing, which carry no set IDs or timestamps,
/// as a majorVersionSets response, with a note, and merge-sets (which orders the merged set
/// by timestamp) is refused. STATE is any shape `show` accepts. The server's default limits apply unless
/// --limits says otherwise; a refused operation prints `update: CODE: message` (exit 1).
/// --dry-run prints the outcome, a diff and who the change affects: for each build ID what
/// a poller with it gets, where new workflows' tasks go, and where the tasks and new work
/// of each build ID's existing workflows go, before and after (the answers that change;
/// with `-o json` all of them, in the shape `apply --help` lists).
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  version-sets update state.json add-new-compatible --build-id 1.1 \\\n      --existing-compatible-build-id 1.0 --set-as-default --dry-run"
)]
pub(crate) struct Args {
    /// The state to start from, or - for standard input
    #[arg(value_name = "STATE")]
    state: PathBuf,
    #[command(subcommand)]
    operation: Operation,
    #[command(flatten)]
    options: Options,
}

#[derive(Debug, Subcommand)]
enum Operation {
    /// Add a build ID in a new set, which becomes the queue's default
    #[command(
        after_help = "Example:\n  version-sets update state.json add-new-default --build-id 3.0"
    )]
    AddNewDefault {
        /// The new build ID
        #[arg(long)]
        build_id: BuildId,
    },
    /// Add a build ID to the set of an existing one, as that set's default
    #[command(
        after_help = "Example:\n  version-sets update state.json add-new-compatible --build-id 2.1 --existing-compatible-build-id 2.0"
    )]
    AddNewCompatible {
        /// The new build ID
        #[arg(long)]
        build_id: BuildId,
        /// Any build ID of the set to add it to
        #[arg(long)]
        existing_compatible_build_id: BuildId,
        /// Also make that set the queue's default set (makeSetDefault)
        #[arg(long)]
        set_as_default: bool,
    },
    /// Make the set holding a build ID the queue's default set
    #[command(after_help = "Example:\n  version-sets update state.json promote-set --build-id 1.1")]
    PromoteSet {
        /// Any build ID of the set to promote
        #[arg(long)]
        build_id: BuildId,
    },
    /// Make a build ID its set's default
    #[command(
        after_help = "Example:\n  version-sets update state.json promote-id-in-set --build-id 1.0"
    )]
    PromoteIdInSet {
        /// The build ID to promote within its set
        #[arg(long)]
        build_id: BuildId,
    },
    /// Merge the secondary build ID's set into the primary's (the primary's default stays)
    #[command(
        after_help = "Example:\n  version-sets update state.json merge-sets --primary-build-id 2.0 --secondary-build-id 1.0"
    )]
    MergeSets {
        /// Any build ID of the set whose default wins
        #[arg(long)]
        primary_build_id: BuildId,
        /// Any build ID of the set merged into it
        #[arg(long)]
        secondary_build_id: BuildId,
    },
}

impl Operation {
    fn update(&self) -> Update {
        match self {
            Self::AddNewDefault { build_id } => Update::add_new_default(build_id.clone()),
            Self::AddNewCompatible {
                build_id,
                existing_compatible_build_id,
                set_as_default,
            } => Update::add_new_compatible(
                build_id.clone(),
                existing_compatible_build_id.clone(),
                if *set_as_default {
                    QueueDefault::Make
                } else {
                    QueueDefault::Keep
                },
            ),
            Self::PromoteSet { build_id } => Update::promote_set_by_build_id(build_id.clone()),
            Self::PromoteIdInSet { build_id } => {
                Update::promote_build_id_within_set(build_id.clone())
            }
            Self::MergeSets {
                primary_build_id,
                secondary_build_id,
            } => Update::merge_sets(primary_build_id.clone(), secondary_build_id.clone()),
        }
    }
}

pub(crate) fn run(args: &Args, output: &mut Output<'_>) -> Status {
    let Some(Opened {
        sets: state, facts, ..
    }) = state::open(&args.state, output)
    else {
        return Status::BadInput;
    };
    let ops = [("update".to_owned(), args.operation.update())];
    engine::run(state, &ops, &args.options, &facts, output)
}
