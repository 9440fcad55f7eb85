//! A reference model of Temporal's **Worker Deployments** ("Worker Versioning", versioning
//! 3 in the server's code): deployments, their versions, routing configs with a current
//! and a ramping version, registration by pollers, drainage, and where each task goes.
//!
//! [`Deployments`] holds a namespace's deployments and every task queue's copy of their
//! data. It changes only through its operations, which check in the server's order and
//! answer with its exact gRPC codes and messages ([`Error`]); routing is a set of pure
//! functions of a task queue's [`QueueView`].
//!
//! # Example
//! Register two builds, make one current, ramp the other, and see where workflows go.
//! ```
//! use worker_deployments::{
//!     Deployments, Limits, Observed, Poller, SetCurrent, SetRamping, TaskQueueKey,
//!     TaskQueueType, VersionKey, route_new_workflow,
//! };
//!
//! let mut ns = Deployments::new(Limits::SERVER_DEFAULT);
//! let facts = Observed::default();
//! for build in ["b1", "b2"] {
//!     ns.register(&Poller::new("orders", build, "tq", TaskQueueType::Workflow), 1_000, &facts)?;
//! }
//! ns.set_current(&SetCurrent::new("orders", "b1", "ci"), 2_000, &facts)?;
//! ns.set_ramping(&SetRamping::new("orders", "b2", 30.0, "ci"), 3_000, &facts)?;
//!
//! let view = ns.task_queue_view(&TaskQueueKey::new("tq", TaskQueueType::Workflow));
//! // `ramp-wf-1` hashes to 18.28 (<= 30): ramped; `ramp-wf-0` to 94.79: current.
//! assert_eq!(route_new_workflow(&view, "ramp-wf-1", 0.0).version, Some(&VersionKey::new("orders", "b2")));
//! assert_eq!(route_new_workflow(&view, "ramp-wf-0", 0.0).version, Some(&VersionKey::new("orders", "b1")));
//! # Ok::<(), worker_deployments::Error>(())
//! ```
//!
//! # Scope
//! - State (specification.md section A): deployments, versions, routing configs, statuses and drainage,
//!   manager identity, conflict tokens, revision numbers, each task queue's data, and the
//!   server's [`Limits`].
//! - Operations (specification.md section B.1, B.2, B.4–B.10, B.12): the describe calls' refusals,
//!   set-current, set-ramping, delete-version, delete-deployment, set-manager,
//!   create-deployment, create-version, overrides, and the blackholed-query check (specification.md section E.10).
//! - Registration by pollers with every cap and version GC (specification.md section C); drainage,
//!   reactivation and propagation driven by inputs (specification.md section D).
//! - Routing (specification.md section E): the ramp threshold, new workflows, later tasks with the revision
//!   rule, activities and Nexus tasks, sticky queues, overrides, inheritance.
//!
//! - Reading what Temporal's tools print (specification.md section G, feature `serde`): `read_shown`.
//! - Each task queue's user data under its hybrid logical clock ([`Hlc`]), bumped by every
//!   write that changes it (specification.md section F.1), and replication across clusters
//!   (specification.md section F.2): [`TaskQueueUserData::receive`], last-writer-wins on
//!   that clock for the whole per-type map.
//! - Dry runs of the user writes ([`Deployments::dry_run`]: the answer and what changes),
//!   and with `serde`, `ShownState`: a state built from what the tools print, with the
//!   facts they do not show as the caller's `Assumptions`.
//! - Rollout plans ([`Plan::check`]): timed operator actions and world events from a
//!   starting state, each step's answer and the state after it, the first refused step,
//!   and the hazards that do not fail a step but hurt a rollout.
//!
//! Not here: building the describe and list responses, receiving another cluster's copy
//! into a [`Deployments`] (the deployment and version workflows replicate as ordinary
//! workflows, which this model does not split from the queues' data; a received copy is a
//! [`TaskQueueUserData`] value), version metadata (specification.md section B.11), the
//! old (public-preview) data format and the sync (workflow version 0) propagation mode.
//!
//! The crate is sans-IO: no clock, randomness, I/O or global state. Time comes in as
//! `now_ms` (Unix milliseconds, the second argument); what the server learns from
//! outside (pollers, backlog, open pinned workflows, the empty workflow ID's random draw)
//! comes in as arguments ([`Facts`]). The rules, each with a stable ID, and the decisions
//! on the server's quirks are in `deployments/docs/semantics.md`; "specification.md section X" throughout
//! names a section of the specification they follow, `deployments/docs/specification.md`.
//!
//! # Crate features
//! - `serde`: `Serialize` for the state ([`Deployments`] and its parts), and
//!   `read_shown`, the reader of the JSON Temporal's tools print (serde_json, as the
//!   version-sets crate reads its proto-JSON under its own `serde` feature).

#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

// First, so that the enums of every module below can use its `named!`.
#[macro_use]
mod names;

mod checks;
mod clock;
mod code;
mod deployments;
mod describe;
mod drainage;
mod dry_run;
mod error;
mod facts;
mod ids;
mod invariants;
mod limits;
mod ops;
mod overrides;
mod plan;
mod query;
mod queue_key;
mod register;
mod replication;
mod routing;
#[cfg(feature = "serde")]
mod shown;
mod state;
mod sync;
mod task_queue;

// The owner and its inputs.
pub use clock::Hlc;
pub use deployments::Deployments;
pub use facts::{Facts, Observed};
pub use limits::Limits;
// Names, state and views.
pub use ids::{Field, UNVERSIONED, VersionKey, VersionStringError};
pub use queue_key::{TaskQueueKey, TaskQueueType};
pub use state::{ConflictToken, DeploymentInfo, Ramp, RoutingConfig, UpdateState};
pub use state::{DrainageInfo, DrainageStatus, VersionInfo, VersionStatus};
pub use task_queue::{QueueDeployment, TaskQueueData, TaskQueueUserData, VersionData};
// Errors and codes.
pub use code::Code;
pub use error::{Error, Slot};
pub use invariants::Finding;
pub use names::ParseError;
// Operations and events.
pub use ops::{CreateDeployment, CreateVersion, DeleteDeployment, DeleteVersion, Outcome};
pub use ops::{SetCurrent, SetCurrentResponse, SetManager, SetManagerResponse};
pub use ops::{SetRamping, SetRampingResponse};
pub use register::Poller;
// Dry runs.
pub use dry_run::{Answer, Before, Change, DryRun, QueueChange, StatusChange};
#[cfg(feature = "serde")]
pub use dry_run::{
    Assumed, Assumptions, Pollers, ShownDryRun, ShownState, StateError, Traffic, Unknown,
};
// Rollout plans.
pub use plan::{
    DeploymentSummary, Event, Hazard, Plan, PlanReport, PlanStep, Sample, Snapshot, StepOutcome,
    StepReport, VersionSummary, World,
};
// Routing.
pub use routing::sticky_usable;
pub use routing::{Behavior, Inherited, Override, QueueView, Routed, WorkflowVersioning};
pub use routing::{fingerprint32, inherit, is_ramped, ramp_threshold};
pub use routing::{route_activity, route_new_workflow, route_nexus, route_workflow_task};
// What Temporal's tools print (specification.md section G).
#[cfg(feature = "serde")]
#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
pub use shown::{Problem, Read, ReadError, ReadNote, Shown, ShownDeployment, ShownForm};
#[cfg(feature = "serde")]
pub use shown::{ShownRouting, ShownSummary, ShownVersion, read_shown};

// The README's example runs with the doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
