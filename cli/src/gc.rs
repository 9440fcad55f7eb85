//! `version-sets gc STATE --now ... --retention ... --in-use ...`: what the build-ID
//! scavenger would remove.

use std::path::PathBuf;

use version_sets::{BuildId, ClusterMode, GcPolicy, Retention};

use super::show::json;
use super::workflows::{parse_duration, read_ids};
use super::{Output, Status, state};

/// List the build IDs the server's build-ID scavenger would remove.
///
/// A build ID may go when no workflow is still on it (--in-use lists the ones that have
/// some), it stopped being its set's default at least --min-since-default ago, and its
/// state changed longer ago than the namespace's --retention. The queue's default never
/// goes; a set's default goes only with its whole set; tombstones are skipped. Prints one
/// build ID per line, in the scavenger's order; with --apply, prints instead the state
/// after removing them (stored VersioningData proto-JSON, tombstones cleared as in a
/// single-cluster namespace, or kept with --keep-tombstones, as a multi-cluster namespace
/// replicates them). Durations are whole numbers with an optional unit: ms, s, m, h, d.
/// With -o json: `{"removable": [BUILD_ID, ...]}`, or with --apply the same state document.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  version-sets gc state.json --now 1732000000000 --retention 30d --in-use 2.0,2.1"
)]
pub(crate) struct Args {
    /// The state (any shape `show` accepts), or - for standard input
    #[arg(value_name = "STATE")]
    state: PathBuf,
    /// The wall time of the run, in Unix milliseconds
    #[arg(long, value_name = "MS", allow_negative_numbers = true)]
    now: i64,
    /// The namespace's retention period
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    retention: i64,
    /// Build IDs that still have workflows: a comma-separated list, or a file (or -) with
    /// one per line
    #[arg(long, value_name = "IDS|FILE")]
    in_use: String,
    /// The least time since a build ID was last its set's default
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "1h")]
    min_since_default: i64,
    /// Ignore the retention period
    #[arg(long)]
    ignore_retention: bool,
    /// Print the state after removing them instead of the list
    #[arg(long)]
    apply: bool,
    /// With --apply, keep the removed build IDs as tombstones
    #[arg(long, requires = "apply")]
    keep_tombstones: bool,
}

pub(crate) fn run(args: &Args, output: &mut Output<'_>) -> Status {
    if args.state.as_os_str() == "-" && args.in_use == "-" {
        output.diagnostic("STATE and --in-use cannot both be standard input");
        return Status::BadInput;
    }
    let Some(state) = state::open(&args.state, output) else {
        return Status::BadInput;
    };
    let in_use = match read_ids(&args.in_use) {
        Ok(ids) => ids,
        Err(error) => {
            output.diagnostic(error);
            return Status::BadInput;
        }
    };
    let policy = GcPolicy {
        min_since_default_ms: args.min_since_default,
        retention_ms: args.retention,
        retention: if args.ignore_retention {
            Retention::Ignore
        } else {
            Retention::Respect
        },
    };
    let removable: Vec<BuildId> =
        state.removable_build_ids(&policy, args.now, |id| in_use.contains(id.as_str()));
    if !args.apply {
        if output.json() {
            let ids: Vec<&str> = removable.iter().map(BuildId::as_str).collect();
            output.document(&serde_json::json!({ "removable": ids }));
        } else {
            for id in &removable {
                output.line(id);
            }
        }
        return Status::Ok;
    }
    let after = if args.keep_tombstones {
        let mut tombstoned = state.clone();
        tombstoned.remove_build_ids(&removable, args.now);
        tombstoned
    } else {
        state
            .remove_unused(&removable, args.now, ClusterMode::SingleCluster)
            .local
    };
    output.text(&json(&after.to_data()));
    Status::Ok
}
