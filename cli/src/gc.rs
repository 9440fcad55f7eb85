//! `version-sets gc STATE --now ... --retention ... --has-workflows ...`: what the build-ID
//! scavenger would remove, from one task queue or from a namespace's (`--queue`).

use std::path::PathBuf;

use version_sets::{BuildId, ClusterMode, GcPolicy, Retention, VersionSets};

use super::namespace::{self, parse_queue};
use super::show::json;
use super::state::{self, Facts, Opened};
use super::time::{self, parse_duration};
use super::workflows::read_ids;
use super::{Output, Status};

/// List the build IDs the server's build-ID scavenger would remove.
///
/// A build ID may go when no workflow of any status, open or closed, is on it
/// (--has-workflows lists the ones that have some), it became its set's default at least
/// --min-since-default ago (the guard runs from when it became default, not from when it
/// stopped), and its state changed longer ago than the namespace's --retention. The
/// queue's default never goes; a set's default goes only with its whole set; tombstones
/// are skipped. Prints one build ID per line, in the scavenger's order; with --apply,
/// prints instead the state after removing them (stored VersioningData proto-JSON,
/// tombstones cleared as in a single-cluster namespace, or kept with --keep-tombstones, as
/// a multi-cluster namespace replicates them). --now defaults to the current time, and one
/// before the newest timestamp of the data is warned of. Durations take units (90s, 1h,
/// 30d) or are whole milliseconds. With -o json: `{"removable": [BUILD_ID, ...]}`, or with
/// --apply the same state document. The public response and the listing carry no
/// timestamps: from them a plan that the time rules decide is refused (--ignore-retention
/// --min-since-default 0 plans without them), and so is --apply (the stored form).
///
/// With --queue NAME=PATH (repeated) instead of STATE, a namespace's task queues are
/// walked as the scavenger walks them, in name order, each on its own (--has-workflows
/// holds for every queue); prints `QUEUE: BUILD_ID` per line, with -o json
/// `{"removable": [{"taskQueue": QUEUE, "buildIds": [BUILD_ID, ...]}, ...]}`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  version-sets gc state.json --now 2024-11-19T07:06:40Z --retention 30d --has-workflows 2.0,2.1\n  version-sets gc --queue orders=orders.json --queue payments=payments.json --now 1732000000000 --retention 30d --has-workflows 2.0"
)]
pub(crate) struct Args {
    /// The state (any shape `show` accepts), or - for standard input
    #[arg(
        value_name = "STATE",
        required_unless_present = "queues",
        conflicts_with = "queues"
    )]
    state: Option<PathBuf>,
    /// A task queue of the namespace and its state's file (repeat for each queue)
    #[arg(long = "queue", value_name = "NAME=PATH", value_parser = parse_queue)]
    queues: Vec<(String, PathBuf)>,
    #[command(flatten)]
    scavenger: Scavenger,
    /// Print the state after removing them instead of the list (one STATE only)
    #[arg(long, conflicts_with = "queues")]
    apply: bool,
    /// With --apply, keep the removed build IDs as tombstones
    #[arg(long, requires = "apply")]
    keep_tombstones: bool,
}

/// The scavenger's options, which `gc` and `retire` share: the time of the run, its policy
/// and the build IDs that still have workflows.
#[derive(Debug, clap::Args)]
pub(crate) struct Scavenger {
    /// The time to answer for: an RFC 3339 time (2024-11-19T07:06:40Z), or Unix
    /// milliseconds (at least 100000000000; MSms for any) [default: the current time]
    #[arg(long, value_name = "TIME", allow_negative_numbers = true, value_parser = time::parse_now)]
    pub(crate) now: Option<i64>,
    /// The namespace's retention period: a number with units (500ms, 90s, 15m, 1h, 30d,
    /// 1h30m), or a whole number of milliseconds
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub(crate) retention: i64,
    /// Build IDs that still have workflows of any status, open or closed: a
    /// comma-separated list, or a file (or -) with one per line
    #[arg(long, value_name = "IDS|FILE")]
    pub(crate) has_workflows: String,
    /// The least time since a build ID became its set's default (a duration as for
    /// --retention)
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "1h")]
    pub(crate) min_since_default: i64,
    /// Ignore the retention period
    #[arg(long)]
    pub(crate) ignore_retention: bool,
}

impl Scavenger {
    /// The policy these options describe.
    pub(crate) fn policy(&self) -> GcPolicy {
        GcPolicy {
            min_since_default_ms: self.min_since_default,
            retention_ms: self.retention,
            retention: if self.ignore_retention {
                Retention::Ignore
            } else {
                Retention::Respect
            },
        }
    }
}

pub(crate) fn run(args: &Args, output: &mut Output<'_>) -> Status {
    let stdin_state = args
        .state
        .as_ref()
        .is_some_and(|path| path.as_os_str() == "-")
        || args.queues.iter().any(|(_, path)| path.as_os_str() == "-");
    if stdin_state && args.scavenger.has_workflows == "-" {
        output.diagnostic("STATE and --has-workflows cannot both be standard input");
        return Status::BadInput;
    }
    let read_has_workflows = |output: &mut Output<'_>| match read_ids(&args.scavenger.has_workflows)
    {
        Ok(ids) => Some(ids),
        Err(error) => {
            output.diagnostic(error);
            None
        }
    };
    let policy = args.scavenger.policy();
    let Some(path) = &args.state else {
        let Some((mut namespace, facts)) = namespace::open_with_facts(&args.queues, output) else {
            return Status::BadInput;
        };
        let Some(has_workflows) = read_has_workflows(output) else {
            return Status::BadInput;
        };
        for (name, sets) in namespace.queues() {
            let refusal = facts.get(name).and_then(|facts| {
                time_refusal(args, sets, facts, |id| has_workflows.contains(id.as_str()))
            });
            if let Some(refusal) = refusal {
                output.diagnostic(refusal);
                return Status::BadInput;
            }
        }
        let now = time::now(
            args.scavenger.now,
            namespace::newest_ms(&namespace, &facts),
            output,
        );
        let removals = namespace.scavenge(&policy, now, ClusterMode::SingleCluster, |_, id| {
            has_workflows.contains(id.as_str())
        });
        if output.json() {
            let removals: Vec<serde_json::Value> = removals
                .iter()
                .map(|removal| {
                    let ids: Vec<&str> = removal.build_ids.iter().map(BuildId::as_str).collect();
                    serde_json::json!({ "taskQueue": removal.task_queue, "buildIds": ids })
                })
                .collect();
            output.document(&serde_json::json!({ "removable": removals }));
        } else {
            for removal in &removals {
                for id in &removal.build_ids {
                    output.line(format_args!("{}: {id}", removal.task_queue));
                }
            }
        }
        return Status::Ok;
    };
    let Some(Opened {
        sets: state, facts, ..
    }) = state::open(path, output)
    else {
        return Status::BadInput;
    };
    let Some(has_workflows) = read_has_workflows(output) else {
        return Status::BadInput;
    };
    if args.apply && !(facts.set_ids_known() && facts.timestamps_known()) {
        output.diagnostic(facts.refusal(
            "--apply (the state after, printed in the stored form)",
            "set IDs and timestamps",
            None,
        ));
        return Status::BadInput;
    }
    if let Some(refusal) = time_refusal(args, &state, &facts, |id| {
        has_workflows.contains(id.as_str())
    }) {
        output.diagnostic(refusal);
        return Status::BadInput;
    }
    let now = time::now(
        args.scavenger.now,
        facts.newest_ms(state.clock().wall_clock),
        output,
    );
    let removable: Vec<BuildId> =
        state.removable_build_ids(&policy, now, |id| has_workflows.contains(id.as_str()));
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
        tombstoned.remove_build_ids(&removable, now);
        tombstoned
    } else {
        state
            .remove_unused(&removable, now, ClusterMode::SingleCluster)
            .local
    };
    output.text(&json(&after.to_data()));
    Status::Ok
}

/// The refusal of a plan that would rest on timestamps the data does not carry (the public
/// forms'): when a time rule is in force and some build ID could go once every time rule
/// is met. With --ignore-retention and --min-since-default 0 the plan reads no timestamp,
/// and when nothing could go even with every time rule met, the plan is empty whatever the
/// timestamps are.
fn time_refusal(
    args: &Args,
    sets: &VersionSets,
    facts: &Facts,
    in_use: impl FnMut(&BuildId) -> bool,
) -> Option<String> {
    let time_rules = !args.scavenger.ignore_retention || args.scavenger.min_since_default > 0;
    if facts.timestamps_known() || !time_rules {
        return None;
    }
    let every_rule_met = GcPolicy {
        min_since_default_ms: 0,
        retention_ms: 0,
        retention: Retention::Ignore,
    };
    if sets
        .removable_build_ids(&every_rule_met, i64::MAX, in_use)
        .is_empty()
    {
        return None;
    }
    Some(facts.refusal(
        "the plan by the scavenger's time rules (--retention and --min-since-default)",
        "each build ID's timestamps",
        Some("--ignore-retention --min-since-default 0 to plan without them"),
    ))
}
