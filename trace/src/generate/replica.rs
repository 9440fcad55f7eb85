//! Drawing the replication steps: a replica to merge or receive, a garbage-collection plan
//! and a reachability question, each with the outside answers the step carries inline.

use super::{Generator, known, step};
use crate::run::Session;
use crate::types::names::KINDS;
use crate::types::{Action, ActionKind, Reachability};
use version_sets::{BuildId, GcPolicy, ReachabilityType, Retention, VersionSets};

/// Wall times of a GC plan or a reachability question, as offsets from the queue's clock:
/// now, just after, around the 5-minute grace period of reachability, around the hour since
/// a build ID became default, and far later (both measured from the became-default
/// timestamp).
const LATER: [i64; 7] = [0, 3, 299_990, 300_000, 3_599_990, 3_600_000, 100_000_000];

impl Generator {
    /// One step of a replication kind; `None` for any other kind.
    pub(super) fn replication(&mut self, state: &VersionSets, kind: ActionKind) -> Option<Action> {
        let known = known(state);
        let later = |generator: &mut Self| {
            let offset = generator.rng.choice(LATER).unwrap_or(0);
            state.clock().wall_clock + offset + generator.rng.i64(-2..3)
        };
        Some(match kind {
            ActionKind::MergeReplica => Action::MergeReplica {
                replica: Box::new(self.replica(state)?),
                expect: None,
            },
            ActionKind::ReceiveReplica => {
                let replica = Box::new(self.replica(state)?);
                Action::ReceiveReplica {
                    replica,
                    in_use: self.some_of(&known),
                    expect: None,
                }
            }
            ActionKind::GcPlan => {
                let now_ms = later(self);
                let min_since_default_ms = self.rng.choice([0, 5, 3_600_000]).unwrap_or(0);
                let retention_ms = self.rng.choice([0, 5, 86_400_000]).unwrap_or(0);
                let ignore_retention = self.rng.u8(0..4) == 0;
                Action::GcPlan {
                    policy: GcPolicy {
                        min_since_default_ms,
                        retention_ms,
                        retention: if ignore_retention {
                            Retention::Ignore
                        } else {
                            Retention::Respect
                        },
                    },
                    now: now_ms,
                    in_use: self.some_of(&known),
                    expect: None,
                }
            }
            ActionKind::Reachability => {
                let build_id = match self.rng.u8(0..5) {
                    0 => String::new(),
                    _ => self.pick(known.len()).name(&known),
                };
                let kind = self
                    .rng
                    .choice(KINDS)
                    .map_or(ReachabilityType::Unspecified, |(_, kind)| kind);
                let now_ms = later(self);
                let names: Vec<String> = known.iter().map(|id| id.as_str().to_owned()).collect();
                let open = self.some_names(&names);
                let closed = self.some_names(&names);
                Action::Reachability {
                    query: Reachability {
                        build_id,
                        now_ms,
                        kind,
                        open,
                        closed,
                        unprocessed: self.rng.bool(),
                    },
                    expect: None,
                }
            }
            _ => return None,
        })
    }

    /// A replica of the queue's data on another cluster: usually the current state with a
    /// few random changes made there (updates and removals, stamped near the queue's
    /// clock), and one time in four a copy that grew apart from nothing, so that its sets
    /// meet the queue's only through shared build IDs.
    fn replica(&mut self, state: &VersionSets) -> Option<VersionSets> {
        let cluster = self.rng.i64(1..4);
        let mut scratch = Session::new();
        if self.rng.u8(0..4) > 0 {
            scratch.observe(&step(Action::Start(Box::new(
                state.clone().with_cluster_id(cluster),
            ))));
        }
        let kinds = [(ActionKind::Update, 4), (ActionKind::RemoveBuildIds, 1)];
        let wall = state.clock().wall_clock;
        let mut marks = 0;
        for _ in 0..self.rng.usize(0..4) {
            let Some(mut step) = self.step(scratch.state(), &kinds, &mut marks) else {
                continue;
            };
            step.now = Some(wall + self.rng.i64(-2..6));
            scratch.observe(&step);
        }
        let replica = VersionSets::from_data(&scratch.state().to_data()).ok()?;
        Some(replica.with_cluster_id(cluster))
    }

    /// About half of `known`.
    fn some_of(&mut self, known: &[BuildId]) -> Vec<BuildId> {
        known.iter().filter(|_| self.rng.bool()).cloned().collect()
    }

    /// About half of `names`, and `""` (unversioned workflows) half of the time.
    fn some_names(&mut self, names: &[String]) -> Vec<String> {
        let mut chosen: Vec<String> = names.iter().filter(|_| self.rng.bool()).cloned().collect();
        if self.rng.bool() {
            chosen.push(String::new());
        }
        chosen
    }
}
