//! A [`Deployments`] built from what Temporal's tools print (specification.md section G),
//! for dry runs: the facts no document carries come in as [`Assumptions`] the caller
//! chooses, and what the answer would rest on but the documents do not show is an
//! [`Unknown`].

use std::cell::Cell;
use std::collections::BTreeSet;
use std::fmt;

use super::{Change, DryRun};
use crate::clock::Hlc;
use crate::deployments::Deployments;
use crate::error::Error;
use crate::facts::Facts;
use crate::ids::VersionKey;
use crate::invariants::Finding;
use crate::limits::Limits;
use crate::ops::Outcome;
use crate::queue_key::{TaskQueueKey, TaskQueueType};
use crate::shown::{ShownDeployment, ShownVersion};
use crate::state::{DeploymentInfo, DrainageInfo, DrainageStatus, RoutingConfig};
use crate::state::{VersionInfo, VersionStatus};
use crate::task_queue::VersionData;

/// Whether task queues have traffic or backlog for a version (`tasks_add_rate` or
/// `approximate_backlog_count` not 0): the missing-task-queue check of set-current and
/// set-ramping asks it (specification.md section B.4.1). No document shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Traffic {
    /// Every task queue has traffic, so a task queue the new version lacks is refused as
    /// the server refuses a busy one. The default: a dry run then never promises a
    /// change the server may refuse.
    #[default]
    Busy,
    /// No task queue has traffic or backlog.
    Idle,
}

/// Whether a version's task queues have pollers in their history (the last 5 minutes by
/// default): delete-version and version GC ask it (specification.md section B.6.1). No
/// document shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Pollers {
    /// No version's task queues have pollers. The default: a version is deleted after
    /// its workers are stopped.
    #[default]
    None,
    /// Every version's task queues have pollers.
    All,
}

/// The facts a dry run takes as given, and the server's caps.
///
/// The default is [`Traffic::Busy`], [`Pollers::None`] and [`Limits::SERVER_DEFAULT`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Assumptions {
    /// Traffic and backlog on task queues.
    pub traffic: Traffic,
    /// Pollers on versions' task queues.
    pub pollers: Pollers,
    /// The namespace's caps.
    pub limits: Limits,
}

/// A fact a dry run's answer or state rests on that no document carries.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Assumed {
    /// The missing-task-queue check asked whether a task queue has traffic for a version.
    Traffic {
        /// The task queue.
        task_queue: TaskQueueKey,
        /// The version.
        version: VersionKey,
        /// What was assumed.
        busy: bool,
    },
    /// Delete-version or version GC asked whether the version's task queues have pollers.
    Pollers {
        /// The version.
        version: VersionKey,
        /// What was assumed.
        has_pollers: bool,
    },
    /// The documents show neither the version's status nor its task queues: it is taken as
    /// inactive (a version made by create-version, with no task queue, is created).
    Inactive {
        /// The version.
        version: VersionKey,
    },
}

/// A task queue type as the CLI prints it.
fn type_word(kind: TaskQueueType) -> &'static str {
    match kind {
        TaskQueueType::Workflow => "workflow",
        TaskQueueType::Activity => "activity",
        TaskQueueType::Nexus => "nexus",
    }
}

impl fmt::Display for Assumed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Traffic {
                task_queue,
                version,
                busy,
            } => write!(
                f,
                "task queue {} ({}) has {} for {version}",
                task_queue.name,
                type_word(task_queue.kind),
                if *busy {
                    "traffic or backlog"
                } else {
                    "no traffic and no backlog"
                }
            ),
            Self::Pollers {
                version,
                has_pollers,
            } => write!(
                f,
                "{version}'s task queues have {}",
                if *has_pollers {
                    "pollers"
                } else {
                    "no pollers"
                }
            ),
            Self::Inactive { version } => {
                write!(f, "{version} is inactive (its status is not shown)")
            }
        }
    }
}

/// Documents that do not make one state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StateError {
    /// A describe-version of a version of another deployment.
    #[error("{version} is not a version of deployment {deployment:?}")]
    OtherDeployment {
        /// The version.
        version: VersionKey,
        /// The deployment.
        deployment: String,
    },
    /// A describe-version of a version the deployment does not list.
    #[error("deployment {deployment:?} has no version {version}")]
    NotListed {
        /// The version.
        version: VersionKey,
        /// The deployment.
        deployment: String,
    },
    /// Two describe-version documents of one version.
    #[error("{version} is described twice")]
    Twice {
        /// The version.
        version: VersionKey,
    },
    /// A describe-version and the deployment disagree on whether the version is current
    /// or ramping (documents printed at different times).
    #[error(
        "the describe-version of {version} and the deployment's routing disagree on whether it is {slot}"
    )]
    Disagrees {
        /// The version.
        version: VersionKey,
        /// `current` or `ramping`.
        slot: &'static str,
    },
    /// The documents make a state that breaks an invariant of the model.
    #[error("the documents break {}: {}", .0.rule, .0.detail)]
    Invalid(Finding),
}

/// What a dry run's answer would rest on but the documents do not show.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Unknown {
    /// The missing-task-queue check needs the version's task queues, which only its
    /// describe-version shows.
    #[error(
        "the answer rests on the task queues of {version}, which only its describe-version shows"
    )]
    TaskQueues {
        /// The version.
        version: VersionKey,
    },
    /// The answer needs the deployment's versions, which a listing does not show.
    #[error("the answer rests on the deployment's versions, which a listing does not show")]
    Versions,
    /// The no-op rule needs the identity of the deployment's last write, which a listing
    /// does not show.
    #[error(
        "the answer rests on the identity of the deployment's last write, which a listing does not show"
    )]
    LastModifier,
}

/// A dry run on a [`ShownState`]: the run, and the assumed facts it rests on.
#[derive(Debug, Clone, PartialEq)]
pub struct ShownDryRun {
    /// The run.
    pub run: DryRun,
    /// The assumptions the answer or the statuses it reports rest on, in order.
    pub assumed: Vec<Assumed>,
    /// The versions whose routing or status moves but whose task queues no document
    /// showed: the run's `task_queues` cannot list theirs.
    pub task_queues_unshown: Vec<VersionKey>,
}

/// One deployment's state as the tools print it, made into a [`Deployments`] that the
/// operations run on.
///
/// What the documents carry is taken as printed: the routing (the revision when the gRPC
/// JSON gives it, 0 otherwise), the versions with their drainage and (gRPC) status, the
/// manager and the last write's identity, and from each describe-version the version's
/// task queues. What they do not carry is chosen by the caller ([`Assumptions`]) or
/// refused when an answer rests on it ([`Unknown`]). Times are not read: every time of
/// the state is 1 ms after the epoch, so a dry run's `now_ms` should be later. A
/// version's status the documents do not show is CURRENT or RAMPING by the routing,
/// DRAINING or DRAINED by its drainage, and INACTIVE otherwise ([`Assumed::Inactive`]
/// when no describe-version shows its task queues). The conflict token is not checked:
/// the CLI sends the one it reads just before each write (specification.md section B.0.3);
/// the token in an answer is the model's, not the server's.
///
/// # Example
/// ```
/// use worker_deployments::{Assumptions, Change, Shown, ShownState, SetRamping, read_shown};
///
/// let describe = r#"{"name": "D", "createTime": "2026-12-07T23:33:27Z",
///   "lastModifierIdentity": "ci",
///   "routingConfig": {"currentVersionDeploymentName": "D", "currentVersionBuildID": "b1",
///     "rampingVersionDeploymentName": "D", "rampingVersionBuildID": "b2",
///     "rampingVersionPercentage": 10},
///   "versionSummaries": [
///     {"deploymentName": "D", "BuildID": "b2", "drainageStatus": "unspecified"},
///     {"deploymentName": "D", "BuildID": "b1", "drainageStatus": "unspecified"}],
///   "managerIdentity": "ci"}"#;
/// let Shown::Deployment(d) = read_shown(describe)?.shown else { unreachable!() };
/// let state = ShownState::new(&d, &[], Assumptions::default())?;
///
/// let change = Change::SetRamping(SetRamping::new("D", "b2", 50.0, "alice"));
/// let refused = state.dry_run(&change, 2)?.run.answer.unwrap_err();
/// assert_eq!(
///     refused.to_string(),
///     "ManagerIdentity 'ci' is set and does not match user identity 'alice'; to proceed, set your own identity as the ManagerIdentity, remove the ManagerIdentity, or wait for the other client to do so"
/// );
/// let change = Change::SetRamping(SetRamping::new("D", "b2", 50.0, "ci"));
/// let run = state.dry_run(&change, 2)?.run;
/// assert_eq!(run.routing.after.unwrap().percentage, 50.0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ShownState {
    deployments: Deployments,
    name: String,
    versions_known: bool,
    last_modifier_known: bool,
    task_queues_known: BTreeSet<VersionKey>,
    assumptions: Assumptions,
    inactive: Vec<Assumed>,
}

/// The time every time of a built state takes: after the epoch, since routing ignores a
/// config changed at 0 (specification.md section E.1).
const BUILT_MS: u64 = 1;

impl ShownState {
    /// The state of `deployment` (describe, a listing's entry or the gRPC JSON), with the
    /// task queues of `versions` (describe-version documents of its versions).
    ///
    /// A listing's entry (which carries no last-write identity) shows no versions: the
    /// state then holds only the current and ramping versions and those of `versions`.
    ///
    /// # Errors
    /// A describe-version of another deployment, of a version the deployment does not
    /// list, of one version twice, or disagreeing with the routing; a state that breaks
    /// an invariant of the model.
    pub fn new(
        deployment: &ShownDeployment,
        versions: &[ShownVersion],
        assumptions: Assumptions,
    ) -> Result<Self, StateError> {
        let name = deployment.name.as_str();
        let shown = &deployment.routing;
        let routing = RoutingConfig {
            current: shown.current.clone(),
            current_changed_ms: Some(BUILT_MS),
            ramping: shown.ramping.clone(),
            percentage: shown.percentage,
            ramping_changed_ms: Some(BUILT_MS),
            percentage_changed_ms: Some(BUILT_MS),
            revision: shown.revision.unwrap_or(0),
        };
        let versions_known = deployment.last_modifier_identity.is_some();
        let mut info = DeploymentInfo::new(name, BUILT_MS, String::new());
        info.manager_identity
            .clone_from(&deployment.manager_identity);
        info.last_modifier_identity = deployment
            .last_modifier_identity
            .clone()
            .unwrap_or_default();
        // Each version with what the deployment shows of it: (status, drainage).
        let mut found: Vec<(VersionKey, Option<VersionStatus>, Option<DrainageStatus>)> =
            deployment
                .versions
                .iter()
                .map(|s| (s.version.clone(), s.status, s.drainage))
                .collect();
        let listed = |found: &[(VersionKey, _, _)], v: &VersionKey| found.iter().any(|f| &f.0 == v);
        if !versions_known {
            for v in [routing.current.as_ref(), routing.ramping.version()]
                .into_iter()
                .flatten()
            {
                if !listed(&found, v) {
                    found.push((v.clone(), None, None));
                }
            }
        }
        let mut task_queues_known = BTreeSet::new();
        for shown in versions {
            let v = &shown.version;
            if v.deployment_name() != name {
                return Err(StateError::OtherDeployment {
                    version: v.clone(),
                    deployment: name.to_owned(),
                });
            }
            if !task_queues_known.insert(v.clone()) {
                return Err(StateError::Twice { version: v.clone() });
            }
            if shown.current != (routing.current.as_ref() == Some(v)) {
                return Err(StateError::Disagrees {
                    version: v.clone(),
                    slot: "current",
                });
            }
            if shown.ramping.is_some() != (routing.ramping.version() == Some(v)) {
                return Err(StateError::Disagrees {
                    version: v.clone(),
                    slot: "ramping",
                });
            }
            if !listed(&found, v) {
                if versions_known {
                    return Err(StateError::NotListed {
                        version: v.clone(),
                        deployment: name.to_owned(),
                    });
                }
                found.push((v.clone(), None, shown.drainage));
            }
        }
        let mut inactive = Vec::new();
        for (key, status, drainage) in found {
            let queues: Vec<(String, TaskQueueType)> = versions
                .iter()
                .find(|s| s.version == key)
                .map(|s| s.task_queues.clone())
                .unwrap_or_default();
            let status = status.unwrap_or_else(|| {
                if routing.current.as_ref() == Some(&key) {
                    VersionStatus::Current
                } else if routing.ramping.version() == Some(&key) {
                    VersionStatus::Ramping
                } else {
                    match drainage {
                        Some(DrainageStatus::Draining) => VersionStatus::Draining,
                        Some(DrainageStatus::Drained) => VersionStatus::Drained,
                        None => {
                            if queues.is_empty() {
                                inactive.push(Assumed::Inactive {
                                    version: key.clone(),
                                });
                            }
                            VersionStatus::Inactive
                        }
                    }
                }
            });
            let drainage = match status {
                VersionStatus::Current | VersionStatus::Ramping => None,
                VersionStatus::Draining => Some(DrainageStatus::Draining),
                VersionStatus::Drained => Some(DrainageStatus::Drained),
                _ => drainage,
            };
            let mut v = VersionInfo::new(key.clone(), BUILT_MS, status);
            v.drainage = drainage.map(|status| DrainageInfo {
                status,
                last_changed_ms: BUILT_MS,
                last_checked_ms: BUILT_MS,
            });
            for (queue, kind) in queues {
                v.task_queues.entry(queue).or_default().insert(kind);
            }
            info.versions.insert(key.build_id().to_owned(), v);
        }
        info.routing = routing;
        let mut deployments = Deployments::new(assumptions.limits);
        for v in info.versions.values() {
            for (queue, kind) in v.task_queue_pairs() {
                let user_data = deployments.task_queues.entry(queue.to_owned()).or_default();
                // Built at BUILT_MS, as one write would have stamped it (`user-data.clock`).
                user_data.clock = Some(Hlc::zero(deployments.cluster_id).next(BUILT_MS));
                let entry = user_data
                    .per_type
                    .entry(kind)
                    .or_default()
                    .deployments
                    .entry(name.to_owned())
                    .or_default();
                entry.routing = info.routing.clone();
                entry.versions.insert(
                    v.key.build_id().to_owned(),
                    VersionData {
                        revision: 0,
                        update_time_ms: BUILT_MS,
                        deleted: false,
                        status: v.status,
                    },
                );
            }
        }
        deployments.deployments.insert(name.to_owned(), info);
        if let Some(finding) = deployments.validate().into_iter().next() {
            return Err(StateError::Invalid(finding));
        }
        Ok(Self {
            deployments,
            name: name.to_owned(),
            versions_known,
            last_modifier_known: deployment.last_modifier_identity.is_some(),
            task_queues_known,
            assumptions,
            inactive,
        })
    }

    /// The state built.
    pub fn deployments(&self) -> &Deployments {
        &self.deployments
    }

    /// The assumptions it was built with.
    pub fn assumptions(&self) -> Assumptions {
        self.assumptions
    }

    /// Whether a describe-version showed the version's task queues.
    pub fn task_queues_known(&self, version: &VersionKey) -> bool {
        self.task_queues_known.contains(version)
    }

    /// The change's dry run at `now_ms` (later than 1): the server's answer and what
    /// changes, with the assumptions it rests on. The state is never changed.
    ///
    /// # Errors
    /// [`Unknown`]: the answer rests on what the documents do not show.
    pub fn dry_run(&self, change: &Change, now_ms: u64) -> Result<ShownDryRun, Unknown> {
        let facts = Asked {
            assumptions: self.assumptions,
            asked: Cell::new(Vec::new()),
        };
        let run = self.deployments.dry_run(change, now_ms, &facts);
        if !self.last_modifier_known && change.deployment_name() == self.name {
            // The no-op rule compares the request's identity with the last write's: if the
            // answer differs when they are equal, it rests on the unknown identity.
            let mut same = self.deployments.clone();
            if let Some(d) = same.deployments.get_mut(&self.name) {
                identity(change).clone_into(&mut d.last_modifier_identity);
            }
            let other = same.dry_run(change, now_ms, &facts);
            if other.answer != run.answer {
                return Err(Unknown::LastModifier);
            }
        }
        if !self.versions_known {
            self.check_versions(change, &run)?;
        }
        self.check_task_queues(change, &run)?;
        let mut assumed = facts.asked.into_inner();
        assumed.extend(
            self.inactive
                .iter()
                .filter(|a| match a {
                    Assumed::Inactive { version } => {
                        run.statuses.iter().any(|s| &s.version == version)
                    }
                    _ => false,
                })
                .cloned(),
        );
        assumed.sort();
        assumed.dedup();
        let task_queues_unshown = self.unshown(&run);
        Ok(ShownDryRun {
            run,
            assumed,
            task_queues_unshown,
        })
    }

    /// The versions of the state whose status moves, or that the routing names before or
    /// after a routing change, with no describe-version of theirs.
    fn unshown(&self, run: &DryRun) -> Vec<VersionKey> {
        let mut moved: BTreeSet<VersionKey> =
            run.statuses.iter().map(|s| s.version.clone()).collect();
        if run.routing.changed() {
            for rc in [&run.routing.before, &run.routing.after]
                .into_iter()
                .flatten()
            {
                moved.extend(rc.current.clone());
                moved.extend(rc.ramping.version().cloned());
            }
        }
        moved
            .into_iter()
            .filter(|v| self.deployments.version(v).is_some() && !self.task_queues_known(v))
            .collect()
    }

    /// For a state without its version list: whether the answer rests on a version it
    /// may not hold.
    fn check_versions(&self, change: &Change, run: &DryRun) -> Result<(), Unknown> {
        if matches!(&run.answer, Err(e) if e.code() == crate::Code::InvalidArgument) {
            return Ok(());
        }
        let holds = |build: &str| {
            self.deployments
                .deployment(&self.name)
                .is_some_and(|d| d.versions.contains_key(build))
        };
        let build = match change {
            Change::SetCurrent(r) => target_build(&r.version, &r.build_id),
            Change::SetRamping(r) => target_build(&r.version, &r.build_id),
            Change::DeleteVersion(r) if r.deployment_name.is_empty() && r.build_id.is_empty() => {
                target_build(&r.version, "")
            }
            Change::DeleteVersion(r) => r.build_id.clone(),
            Change::DeleteDeployment(_) => {
                return if holds_any(&self.deployments, &self.name) {
                    Ok(())
                } else {
                    Err(Unknown::Versions)
                };
            }
            Change::SetManager(_) => return Ok(()),
        };
        if build.is_empty() || holds(&build) {
            Ok(())
        } else {
            Err(Unknown::Versions)
        }
    }

    /// Whether the missing-task-queue check ran on a version whose task queues are not
    /// shown (specification.md section B.4.1: it compares the task queues of the current
    /// version, or of the previous one for set-current, with the new version's).
    fn check_task_queues(&self, change: &Change, run: &DryRun) -> Result<(), Unknown> {
        let Some(before) = &run.routing.before else {
            return Ok(());
        };
        let reached = match &run.answer {
            Ok(answer) => answer.outcome() == Outcome::Changed,
            Err(error) => matches!(error, Error::MissingTaskQueues { .. }),
        };
        let pair = match change {
            Change::SetCurrent(r) if !r.ignore_missing_task_queues && reached => {
                let new = run.routing.after.as_ref().and_then(|rc| rc.current.clone());
                let new = match &run.answer {
                    Err(_) => parsed(&r.deployment_name, &r.version, &r.build_id),
                    Ok(_) => new,
                };
                before.current.clone().zip(new)
            }
            Change::SetRamping(r) if !r.ignore_missing_task_queues && reached => {
                let new = match &run.answer {
                    Err(_) => parsed(&r.deployment_name, &r.version, &r.build_id),
                    Ok(_) => run
                        .routing
                        .after
                        .as_ref()
                        .and_then(|rc| rc.ramping.version().cloned()),
                };
                match new {
                    Some(new) if Some(&new) != before.ramping.version() => {
                        before.current.clone().map(|c| (c, new))
                    }
                    _ => None,
                }
            }
            _ => None,
        };
        let Some((old, new)) = pair else {
            return Ok(());
        };
        if old == new {
            return Ok(());
        }
        let shown = |v: &VersionKey| {
            // A version the change itself creates (allow-no-pollers) has no task queue.
            self.task_queues_known.contains(v) || self.deployments.version(v).is_none()
        };
        if !shown(&old) {
            return Err(Unknown::TaskQueues { version: old });
        }
        let old_has_queues = self
            .deployments
            .version(&old)
            .is_some_and(|v| !v.task_queues.is_empty());
        if old_has_queues && !shown(&new) {
            return Err(Unknown::TaskQueues { version: new });
        }
        Ok(())
    }
}

/// Whether the deployment holds any version.
fn holds_any(ns: &Deployments, name: &str) -> bool {
    ns.deployment(name).is_some_and(|d| !d.versions.is_empty())
}

/// The build ID a request targets: its deprecated version string's when given.
fn target_build(version: &str, build_id: &str) -> String {
    if version.is_empty() {
        return build_id.to_owned();
    }
    match VersionKey::parse(version) {
        Ok(Some(v)) => v.build_id().to_owned(),
        _ => String::new(),
    }
}

/// The version a set-current or set-ramping request targets, if versioned.
fn parsed(name: &str, version: &str, build_id: &str) -> Option<VersionKey> {
    let build = target_build(version, build_id);
    (!build.is_empty()).then(|| VersionKey::new(name, &build))
}

/// The identity a request is made with.
fn identity(change: &Change) -> &str {
    match change {
        Change::SetCurrent(r) => &r.identity,
        Change::SetRamping(r) => &r.identity,
        Change::DeleteVersion(r) => &r.identity,
        Change::DeleteDeployment(r) => &r.identity,
        Change::SetManager(r) => &r.identity,
    }
}

/// The facts of [`Assumptions`], each question recorded.
struct Asked {
    assumptions: Assumptions,
    asked: Cell<Vec<Assumed>>,
}

impl Asked {
    fn record(&self, assumed: Assumed) {
        let mut asked = self.asked.take();
        asked.push(assumed);
        self.asked.set(asked);
    }
}

impl Facts for Asked {
    fn has_pollers(&self, version: &VersionKey) -> bool {
        let has_pollers = self.assumptions.pollers == Pollers::All;
        self.record(Assumed::Pollers {
            version: version.clone(),
            has_pollers,
        });
        has_pollers
    }

    fn is_busy(&self, task_queue: &TaskQueueKey, version: &VersionKey) -> bool {
        let busy = self.assumptions.traffic == Traffic::Busy;
        self.record(Assumed::Traffic {
            task_queue: task_queue.clone(),
            version: version.clone(),
            busy,
        });
        busy
    }
}
