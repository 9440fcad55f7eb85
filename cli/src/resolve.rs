//! `version-sets resolve STATE --intent ...`: where new work goes, and why.

use std::path::PathBuf;

use clap::ValueEnum;
use serde_json::json;
use version_sets::{BuildId, Target, TargetQueue, VersioningIntent};

use super::{Output, Status, Style, state};

/// Resolve a versioning intent: where new work goes, and why.
///
/// The work is an activity, child workflow or continue-as-new issued by a workflow. STATE
/// holds the sets of the target task queue (any shape `show` accepts). Prints where the work
/// goes (`set default ID`, `exact build ID ID`, `unversioned` or `rejected`), then why. A
/// caller in no set of the public response or a listing is refused unless
/// --assume-not-deleted: they leave out deleted build IDs, and the server finds a deleted
/// one in its set. With
/// `-o json`: {"target": T, "reason": TEXT, "assumed": null | what the answer assumed}, T
/// spelled as a trace's resolve expectation ({"setDefault": ID}, {"exactBuildId": ID},
/// "unversioned" or "rejected").
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  version-sets resolve state.json --intent compatible --build-id 1.0"
)]
pub(crate) struct Args {
    /// The target task queue's state, or - for standard input
    #[arg(value_name = "STATE")]
    state: PathBuf,
    /// The intent the issuing workflow states
    #[arg(long, value_enum, ignore_case = true)]
    intent: Intent,
    /// The issuing workflow's current build ID; leave out for an unversioned workflow
    #[arg(long, value_name = "BUILD_ID")]
    build_id: Option<BuildId>,
    /// The work goes to another task queue than the workflow's own
    #[arg(long)]
    other_task_queue: bool,
    /// Answer from the public response or a listing, which leave out deleted build IDs, as
    /// if the caller's build ID, in no set there, was never deleted from the queue
    #[arg(long)]
    assume_not_deleted: bool,
}

/// Traces and Temporal's enum spell these in capitals (`COMPATIBLE`), so case is ignored.
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
    let Some(state::Opened {
        sets: state,
        rules,
        facts,
    }) = state::open(&args.state, output)
    else {
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
    // Work sent to the queue's default goes by the assignment rules first, and work for a
    // build ID in no set by the redirect rules; a rejection and work staying in its set
    // are the sets' answers.
    let to_default = matches!(args.intent, Intent::Default)
        || (matches!(args.intent, Intent::Unspecified) && args.other_task_queue);
    let by_rules = match resolution.target() {
        Target::Rejected => false,
        Target::ExactBuildId(_) => true,
        _ => to_default,
    };
    if by_rules && !rules.is_empty() {
        output.diagnostic(state::decided_by_rules(&args.state, &rules));
        return Status::BadInput;
    }
    // A caller in no set of a form that leaves out deleted build IDs may be a deleted one,
    // which the server finds in its set.
    let assumed = match resolution.target() {
        Target::ExactBuildId(id) => match facts.absent(id.as_str(), args.assume_not_deleted) {
            Ok(assumed) => assumed,
            Err(refusal) => {
                output.diagnostic(refusal);
                return Status::BadInput;
            }
        },
        _ => None,
    };
    let reason = resolution.to_string();
    let (target, words) = match resolution.target() {
        Target::SetDefault(id) => (
            json!({"setDefault": id.as_str()}),
            format!("set default {id}"),
        ),
        Target::ExactBuildId(id) => (
            json!({"exactBuildId": id.as_str()}),
            format!("exact build ID {id}"),
        ),
        Target::Unversioned => (json!("unversioned"), "unversioned".to_owned()),
        Target::Rejected => (json!("rejected"), "rejected".to_owned()),
    };
    // A rejection is the server refusing the work, as a refused poll is: both exit 1.
    let status = if matches!(resolution.target(), Target::Rejected) {
        Status::Failed
    } else {
        Status::Ok
    };
    if output.json() {
        output.document(&json!({"target": target, "reason": reason, "assumed": assumed}));
    } else {
        let words = output.paint(words, Style::Strong);
        output.line(words);
        output.line(format_args!("because {reason}"));
        if let Some(assumed) = &assumed {
            output.line(format_args!("assumed: {assumed}"));
        }
    }
    status
}
