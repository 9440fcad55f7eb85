//! `version-sets resolve STATE --intent ...`: where new work goes, and why.

use std::path::PathBuf;

use clap::ValueEnum;
use version_sets::{BuildId, TargetQueue, VersioningIntent, trace};

use super::{Output, Status, state};

/// Resolve a versioning intent: where new work goes, and why.
///
/// The work is an activity, child workflow or continue-as-new issued by a workflow. STATE holds the sets of the target task queue (any shape `show` accepts). Prints the
/// target as a trace's resolve expectation ({"setDefault": ID}, {"exactBuildId": ID},
/// "unversioned" or "rejected"), then the reason in words.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The target task queue's state, or - for standard input
    #[arg(value_name = "STATE")]
    state: PathBuf,
    /// The intent the issuing workflow states
    #[arg(long, value_enum)]
    intent: Intent,
    /// The issuing workflow's current build ID; leave out for an unversioned workflow
    #[arg(long, value_name = "BUILD_ID")]
    build_id: Option<BuildId>,
    /// The work goes to another task queue than the workflow's own
    #[arg(long)]
    other_task_queue: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Intent {
    /// Compatible on the workflow's own task queue, default on another
    Unspecified,
    /// Stay on the workflow's compatible set
    Compatible,
    /// Go to the target queue's default build ID
    Default,
}

pub(crate) fn run(args: &Args, output: &mut Output<'_>) -> Status {
    let Some(state) = state::open(&args.state, output) else {
        return Status::BadInput;
    };
    let intent = match args.intent {
        Intent::Unspecified => VersioningIntent::Unspecified,
        Intent::Compatible => VersioningIntent::Compatible,
        Intent::Default => VersioningIntent::Default,
    };
    let queue = if args.other_task_queue {
        TargetQueue::Other
    } else {
        TargetQueue::Same
    };
    let resolution = state.resolve(intent, args.build_id.as_ref().map(BuildId::as_str), queue);
    output.line(trace::target_text(resolution.target()));
    output.line(&resolution);
    Status::Ok
}
