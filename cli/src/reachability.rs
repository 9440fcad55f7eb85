//! `version-sets reachability STATE BUILD_ID... --now ... --in-use ...`: can these builds
//! still get work?

use std::collections::BTreeSet;
use std::path::PathBuf;

use clap::ValueEnum;
use version_sets::{
    DEFAULT_REACHABILITY_BUILD_IDS, ReachabilityQuery, ReachabilityType, StatusFilter,
    VisibilityQuery,
};

use super::workflows::read_ids;
use super::{Output, Status, state};

/// Report whether build IDs can still get new or existing workflows on a task queue.
///
/// Prints one line per BUILD_ID, in request order: `BUILD_ID: REACHABILITY, ...` or
/// `BUILD_ID: unreachable`; an empty BUILD_ID ("") stands for unversioned workers and
/// prints as `(unversioned)`. The sets decide most of it; whether workflows exist comes
/// from --in-use (build IDs with open workflows) and --closed (build IDs with closed
/// ones): comma-separated lists or files with one per line. In them, the word
/// `unversioned` stands for unversioned workflows and `unprocessed` for workflows that
/// have not run a task yet; `versioned:ID` is the same as `ID`. With -o json:
/// `{"buildIdReachability": [{"buildId": ID, "reachability": [KIND, ...]}, ...]}`, KIND as the
/// server spells it (`TASK_REACHABILITY_NEW_WORKFLOWS`), in request order.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  version-sets reachability state.json 2.0 1.0 --now 1732000000000 --in-use 1.0"
)]
pub(crate) struct Args {
    /// The task queue's state (any shape `show` accepts), or - for standard input
    #[arg(value_name = "STATE")]
    state: PathBuf,
    /// The build IDs to report on ("" for unversioned workers)
    #[arg(value_name = "BUILD_ID")]
    build_ids: Vec<String>,
    /// The wall time, in Unix milliseconds
    #[arg(long, value_name = "MS", allow_negative_numbers = true)]
    now: i64,
    /// Build IDs with open workflows
    #[arg(long, value_name = "IDS|FILE", default_value = "")]
    in_use: String,
    /// Build IDs with closed workflows
    #[arg(long, value_name = "IDS|FILE", default_value = "")]
    closed: String,
    /// The kind of reachability asked about
    #[arg(long = "type", value_enum, default_value_t = Kind::Existing)]
    kind: Kind,
    /// The most build IDs one request may name
    #[arg(long, value_name = "N", default_value_t = DEFAULT_REACHABILITY_BUILD_IDS)]
    max_build_ids: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Kind {
    /// Reported as existing
    Unspecified,
    /// Only whether new workflows go there (no count)
    New,
    /// Open or closed workflows
    Existing,
    /// Open workflows
    Open,
    /// Closed workflows
    Closed,
}

/// The search-attribute value an entry of --in-use or --closed stands for.
fn attribute(entry: &str) -> String {
    match entry {
        "unversioned" | "unprocessed" => entry.to_owned(),
        _ if entry.starts_with("versioned:") => entry.to_owned(),
        _ => format!("versioned:{entry}"),
    }
}

/// Whether a workflow described by `present` matches `query`.
fn matches(present: &BTreeSet<String>, query: &VisibilityQuery) -> bool {
    query.build_ids.iter().any(|value| present.contains(value))
        || (query.unprocessed && present.contains("unprocessed"))
}

pub(crate) fn run(args: &Args, output: &mut Output<'_>) -> Status {
    if args.state.as_os_str() == "-" && (args.in_use == "-" || args.closed == "-") {
        output.diagnostic("STATE and --in-use or --closed cannot both be standard input");
        return Status::BadInput;
    }
    let Some(state) = state::open(&args.state, output) else {
        return Status::BadInput;
    };
    let read = |value: &str| -> Result<BTreeSet<String>, String> {
        Ok(read_ids(value)?.iter().map(|e| attribute(e)).collect())
    };
    let (open, closed) = match (read(&args.in_use), read(&args.closed)) {
        (Ok(open), Ok(closed)) => (open, closed),
        (Err(error), _) | (_, Err(error)) => {
            output.diagnostic(error);
            return Status::BadInput;
        }
    };
    let kind = match args.kind {
        Kind::Unspecified => ReachabilityType::Unspecified,
        Kind::New => ReachabilityType::NewWorkflows,
        Kind::Existing => ReachabilityType::ExistingWorkflows,
        Kind::Open => ReachabilityType::OpenWorkflows,
        Kind::Closed => ReachabilityType::ClosedWorkflows,
    };
    let ids: Vec<&str> = args.build_ids.iter().map(String::as_str).collect();
    let request = ReachabilityQuery {
        build_ids: &ids,
        kind,
        max_build_ids: args.max_build_ids,
    };
    let answers = state.reachability(&request, args.now, |query| {
        let open = matches(&open, query);
        let closed = matches(&closed, query);
        match query.status {
            StatusFilter::Any => open || closed,
            StatusFilter::Running => open,
            StatusFilter::Closed => closed,
        }
    });
    let answers = match answers {
        Ok(answers) => answers,
        Err(error) => {
            output.diagnostic(format_args!("{}: {error}", error.code()));
            return Status::BadInput;
        }
    };
    if output.json() {
        let answers: Vec<serde_json::Value> = answers
            .iter()
            .map(|answer| {
                let kinds: Vec<&str> = answer.reachability.iter().map(|r| r.as_str()).collect();
                serde_json::json!({ "buildId": answer.build_id, "reachability": kinds })
            })
            .collect();
        output.document(&serde_json::json!({ "buildIdReachability": answers }));
        return Status::Ok;
    }
    for answer in answers {
        let name = if answer.build_id.is_empty() {
            "(unversioned)"
        } else {
            answer.build_id.as_str()
        };
        if answer.reachability.is_empty() {
            output.line(format_args!("{name}: unreachable"));
        } else {
            let kinds: Vec<&str> = answer.reachability.iter().map(|r| r.as_str()).collect();
            output.line(format_args!("{name}: {}", kinds.join(", ")));
        }
    }
    Status::Ok
}
