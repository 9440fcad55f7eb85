//! Running a plan: each step at its time, the drainage checks due before it at their
//! own times, the snapshot after it, and the hazards.

use std::collections::{BTreeMap, BTreeSet};

use super::report::{
    DeploymentSummary, Hazard, PlanReport, Sample, Snapshot, StepOutcome, StepReport,
    VersionSummary,
};
use super::{Event, Plan, PlanStep, World};
use crate::deployments::Deployments;
use crate::error::Error;
use crate::facts::Facts;
use crate::ids::VersionKey;
use crate::ops::Outcome;
use crate::register::Poller;
use crate::routing::{is_ramped, ramp_threshold};
use crate::state::{DrainageStatus, Ramp, VersionInfo, VersionStatus};

impl Plan {
    /// Runs the plan from `start` in a world with no pollers, no traffic and no open
    /// pinned workflows; [`check_from`](Self::check_from) with [`World::default`].
    pub fn check(&self, start: &Deployments) -> PlanReport {
        self.check_from(start, &World::default())
    }

    /// Runs the plan from `start` in `world`: each step at its `at_ms` (a step dated
    /// before the step before it runs at that step's time), after every drainage check
    /// due by then, each at its own due time. Stops after the first refused step.
    /// `start` is not changed.
    pub fn check_from(&self, start: &Deployments, world: &World) -> PlanReport {
        let mut run = Run {
            ns: start.clone(),
            world: world.clone(),
            now: 0,
        };
        let mut steps = Vec::with_capacity(self.steps.len());
        let mut hazards = Vec::new();
        let mut deletable = run.deletable_set();
        let mut full: BTreeSet<String> = BTreeSet::new();
        // Versions ramped by a step and not current since: the step's label.
        let mut ramped: BTreeMap<VersionKey, usize> = BTreeMap::new();
        for (index, step) in self.steps.iter().enumerate() {
            let label = if step.line == 0 {
                index.saturating_add(1)
            } else {
                step.line
            };
            run.now = run.now.max(step.at_ms);
            let drained = run.drain_until(run.now);
            let before = run.ns.clone();
            let outcome = run.apply(step);
            if let StepOutcome::Failed(_) = outcome {
                // An operator action leaves the state as it was (the model's rule); a
                // poll may leave what it added before its refusal, as the server does
                // (`register.side-effects-stay` in deployments/docs/semantics.md).
            } else {
                hazards.extend(rollback_hazard(&before, &run.ns, step, label));
                note_ramp(&run.ns, step, label, &mut ramped);
            }
            let snapshot = run.snapshot(&self.sample);
            let now_deletable = run.deletable_set();
            let became_deletable = now_deletable
                .difference(&deletable)
                .map(|k| {
                    let at = drained.get(k).copied().unwrap_or(run.now);
                    (k.clone(), at)
                })
                .collect();
            deletable = now_deletable;
            for d in &snapshot.deployments {
                if let Some(current) = &d.current {
                    ramped.remove(current);
                }
                let wedged = d.versions.len() >= d.cap && d.deletable().next().is_none();
                if wedged && full.insert(d.name.clone()) {
                    hazards.push(Hazard::CapWithoutRoom {
                        line: label,
                        deployment: d.name.clone(),
                        cap: d.cap,
                        draining: d
                            .versions
                            .iter()
                            .filter(|v| v.status == VersionStatus::Draining)
                            .count(),
                    });
                } else if !wedged {
                    full.remove(&d.name);
                }
            }
            let failed = outcome.is_failed();
            steps.push(StepReport {
                index,
                line: step.line,
                at_ms: run.now,
                outcome,
                became_deletable,
                snapshot,
            });
            if failed {
                break;
            }
        }
        hazards.extend(end_hazards(&run.ns, &ramped));
        PlanReport { steps, hazards }
    }
}

/// The state a plan runs in: the model, the world's facts and the clock.
struct Run {
    ns: Deployments,
    world: World,
    now: u64,
}

impl Run {
    /// Runs every drainage check due at or before `until`, each at its due time; the
    /// versions drained, with when.
    fn drain_until(&mut self, until: u64) -> BTreeMap<VersionKey, u64> {
        let mut drained = BTreeMap::new();
        // The open pinned counts hold until the step: a version that has some finds them
        // at every check due by then, whatever the gap (`pass_pinned_drainage_checks`), so
        // the loop below only runs the checks that drain.
        let pinned = &self.world.open_pinned;
        self.ns
            .pass_pinned_drainage_checks(until, |v| pinned.get(v).copied().unwrap_or(0));
        let mut last = None;
        while let Some(due) = next_drainage_check(&self.ns, pinned).filter(|&t| t <= until) {
            // A zero wait would make the same check due again at once.
            if last.is_some_and(|l| due <= l) {
                break;
            }
            last = Some(due);
            for key in self
                .ns
                .check_drainage(due, |v| pinned.get(v).copied().unwrap_or(0))
            {
                drained.insert(key, due);
            }
        }
        drained
    }

    fn apply(&mut self, step: &PlanStep) -> StepOutcome {
        let now = self.now;
        let facts = &self.world.facts;
        let result: Result<Outcome, Error> = match &step.event {
            Event::SetCurrent(req) => self.ns.set_current(req, now, facts).map(|r| r.outcome),
            Event::SetRamping(req) => self.ns.set_ramping(req, now, facts).map(|r| r.outcome),
            Event::DeleteVersion(req) => self.ns.delete_version(req, now, facts),
            Event::SetManager(req) => self.ns.set_manager(req, now).map(|r| r.outcome),
            Event::WorkersStart {
                version,
                task_queue,
            } => {
                let poller = Poller {
                    version: version.clone(),
                    task_queue: task_queue.clone(),
                };
                let result = self.ns.register(&poller, now, facts);
                if result.is_ok() {
                    self.world.facts.pollers.insert(version.clone());
                }
                result
            }
            Event::WorkersStop { version } => {
                self.world.facts.pollers.remove(version);
                Ok(Outcome::NoOp)
            }
            Event::OpenPinned { version, count } => {
                self.world.open_pinned.insert(version.clone(), *count);
                Ok(Outcome::NoOp)
            }
            Event::Advance => Ok(Outcome::NoOp),
        };
        match result {
            Ok(Outcome::Changed) => StepOutcome::Changed,
            Ok(Outcome::NoOp) => StepOutcome::NoOp,
            Err(e) => StepOutcome::Failed(e),
        }
    }

    fn deletable(&self, v: &VersionInfo) -> bool {
        self.ns
            .deployment(v.key.deployment_name())
            .is_some_and(|d| self.ns.collectable(v, &d.routing, &self.world.facts))
    }

    fn deletable_set(&self) -> BTreeSet<VersionKey> {
        self.ns
            .deployments()
            .flat_map(|d| d.versions.values())
            .filter(|v| self.deletable(v))
            .map(|v| v.key.clone())
            .collect()
    }

    fn snapshot(&self, sample: &[String]) -> Snapshot {
        let cap = self.ns.limits().max_versions_in_deployment;
        let deployments = self
            .ns
            .deployments()
            .map(|d| {
                let rc = &d.routing;
                let ramping = match &rc.ramping {
                    Ramp::None => None,
                    Ramp::Unversioned => Some((None, rc.percentage)),
                    Ramp::Version(v) => Some((Some(v.clone()), rc.percentage)),
                };
                let on_ramp = sample
                    .iter()
                    .filter(|id| {
                        ramping.is_some() && is_ramped(ramp_threshold(id, 0.0), rc.percentage)
                    })
                    .count();
                let mut versions: Vec<&VersionInfo> = d.versions.values().collect();
                versions.sort_by(|a, b| {
                    a.create_time_ms
                        .cmp(&b.create_time_ms)
                        .then_with(|| a.key.cmp(&b.key))
                });
                DeploymentSummary {
                    name: d.name.clone(),
                    current: rc.current.clone(),
                    ramping,
                    sample: Sample {
                        current: sample.len().saturating_sub(on_ramp),
                        ramping: on_ramp,
                    },
                    versions: versions
                        .into_iter()
                        .map(|v| VersionSummary {
                            key: v.key.clone(),
                            status: v.status,
                            drainage: v.drainage.map(|i| i.status),
                            pollers: self.world.facts.has_pollers(&v.key),
                            open_pinned: self.world.open_pinned.get(&v.key).copied().unwrap_or(0),
                            deletable: self.deletable(v),
                        })
                        .collect(),
                    cap,
                }
            })
            .collect();
        Snapshot { deployments }
    }
}

/// When the next drainage check that drains is due: over the draining versions with no
/// open pinned workflow (the others' checks are passed by `pass_pinned_drainage_checks`).
fn next_drainage_check(ns: &Deployments, pinned: &BTreeMap<VersionKey, u64>) -> Option<u64> {
    let limits = ns.limits();
    ns.deployments()
        .flat_map(|d| d.versions.values())
        .filter(|v| v.status == VersionStatus::Draining)
        .filter(|v| pinned.get(&v.key).copied().unwrap_or(0) == 0)
        .filter_map(|v| v.drainage)
        .filter(|i| i.status == DrainageStatus::Draining)
        .map(|i| {
            let wait = if i.last_checked_ms == i.last_changed_ms {
                limits.drainage_grace_ms
            } else {
                limits.drainage_refresh_ms
            };
            i.last_checked_ms.saturating_add(wait)
        })
        .min()
}

/// A set-current that moved to a version created before the one it replaced, leaving a
/// ramp in place.
fn rollback_hazard(
    before: &Deployments,
    after: &Deployments,
    step: &PlanStep,
    label: usize,
) -> Option<Hazard> {
    let Event::SetCurrent(req) = &step.event else {
        return None;
    };
    let d = after.deployment(&req.deployment_name)?;
    let current = d.routing.current.clone()?;
    let previous = before
        .deployment(&req.deployment_name)?
        .routing
        .current
        .clone()?;
    let created = |k: &VersionKey| before.version(k).map(|v| (v.create_time_ms, k.clone()));
    if previous == current || created(&current)? >= created(&previous)? {
        return None;
    }
    let ramping = match &d.routing.ramping {
        Ramp::None => return None,
        Ramp::Unversioned => None,
        Ramp::Version(v) => Some(v.clone()),
    };
    Some(Hazard::RollbackLeavesRamp {
        line: label,
        current,
        ramping,
        percentage: d.routing.percentage,
    })
}

/// Remembers a version a successful set-ramping ramps to.
fn note_ramp(
    ns: &Deployments,
    step: &PlanStep,
    label: usize,
    ramped: &mut BTreeMap<VersionKey, usize>,
) {
    let Event::SetRamping(req) = &step.event else {
        return;
    };
    if let Some(v) = ns
        .deployment(&req.deployment_name)
        .and_then(|d| d.routing.ramping.version())
    {
        ramped.entry(v.clone()).or_insert(label);
    }
}

/// The hazards of the plan's end: ramps still in place, and ramps removed whose version
/// never became current.
fn end_hazards(ns: &Deployments, ramped: &BTreeMap<VersionKey, usize>) -> Vec<Hazard> {
    let mut hazards = Vec::new();
    for d in ns.deployments() {
        let rc = &d.routing;
        let ramping = match &rc.ramping {
            Ramp::None => continue,
            Ramp::Unversioned => None,
            Ramp::Version(v) => Some(v.clone()),
        };
        hazards.push(Hazard::RampLeftAtEnd {
            deployment: d.name.clone(),
            ramping,
            percentage: rc.percentage,
        });
    }
    for (version, &line) in ramped {
        let still = ns
            .deployment(version.deployment_name())
            .and_then(|d| d.routing.ramping.version())
            == Some(version);
        if !still {
            hazards.push(Hazard::RampNeverCompleted {
                line,
                version: version.clone(),
            });
        }
    }
    hazards
}
