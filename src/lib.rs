//! A reference model of Temporal's build-ID worker versioning: the **version sets** of a task
//! queue (worker versioning v0.1, `UpdateWorkerBuildIdCompatibility`).
//!
//! A task queue holds an ordered list of [compatible sets](CompatibleSet), each an ordered
//! list of [build IDs](BuildId). The last set is the queue's default set and the last build
//! ID of a set is that set's default. [`VersionSets`] holds that data for one queue; it
//! changes only through [`VersionSets::apply`] (and garbage collection), which checks,
//! answers and stamps exactly as the Temporal server does, and it answers the questions a
//! server asks at dispatch time: where a poller polls, where a task goes, and which build
//! runs new work for a [`VersioningIntent`].
//!
//! # Example
//! The rollout from Temporal's guide: ship `deadbeef`, patch it compatibly, then see where
//! an activity of a workflow still running on `deadbeef` goes.
//! ```
//! use version_sets::{
//!     BuildId, Limits, QueueDefault, Target, TargetQueue, Update, VersionSets, VersioningIntent,
//! };
//!
//! let id = |s: &str| BuildId::new(s);
//! let mut queue = VersionSets::new();
//! let limits = Limits::SERVER_DEFAULT;
//! queue.apply(&Update::add_new_default(id("deadbeef")?), 1_000, limits)?;
//! queue.apply(&Update::add_new_compatible(id("deadbeef.1")?, id("deadbeef")?, QueueDefault::Keep), 2_000, limits)?;
//! queue.apply(&Update::add_new_default(id("cafe")?), 3_000, limits)?;
//!
//! let caller = id("deadbeef")?;
//! let compatible = queue.resolve(VersioningIntent::Compatible, Some("deadbeef"), TargetQueue::Same);
//! assert_eq!(compatible.target(), &Target::SetDefault(id("deadbeef.1")?));
//! let default = queue.resolve(VersioningIntent::Default, Some("deadbeef"), TargetQueue::Same);
//! assert_eq!(default.target(), &Target::SetDefault(id("cafe")?));
//!
//! // A worker still on `deadbeef` is told to make way for the newer compatible build.
//! assert!(queue.poll(&caller).is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Scope
//! - The five public operations with the server's preconditions, order of checks,
//!   idempotency, timestamps, error codes and messages, and limits (checked on every result,
//!   no-ops included); garbage collection (tombstones); the replication helper that persists
//!   unknown build IDs; build-ID deltas.
//! - Dispatch lookups (poll, add task, sticky) and [`VersioningIntent`] resolution.
//! - Every form of a queue's version sets Temporal writes: loading and checking the stored
//!   `VersioningData` (also wrapped as `TaskQueueUserData`), the public
//!   `GetWorkerBuildIdCompatibility` view, and sets rebuilt from that view or from the
//!   `get-build-ids` listing ([`VersionSets::from_response`],
//!   [`VersionSets::from_listing`]), with a [`Provenance`] saying what was made up.
//! - Replication and clean-up: the replica merge ([`VersionSets::merge`]), receiving a
//!   replica with the server's revival of build IDs still in use
//!   ([`VersionSets::receive`]), removing build IDs in a single- or multi-cluster namespace,
//!   the build-ID scavenger's choice of what to remove
//!   ([`VersionSets::removable_build_ids`]) and task reachability
//!   ([`VersionSets::reachability`]).
//!
//! The crate is sans-IO: no clocks, randomness, I/O or global state. Time comes in as an
//! argument (`now_ms`), and each value keeps its own hybrid logical clock.
//!
//! Every lookup by build ID is one hash probe, and every update but a merge of two sets is
//! O(1) whatever the number of sets and build IDs (a merge costs the two sets' sizes): the
//! sets and build IDs live under stable handles, so moving a set or a build ID moves a
//! handle, never an index. The rules themselves are written down, each with a stable ID, in
//! `docs/semantics.md`.
//!
//! # Divergences from the server
//! Where the server's behaviour is accidental (Go map order, a missing check, a clock that
//! does not move), the crate does better and says so. The one list, each item with its
//! reason and its `divergence_*` test, is the "Divergences" section of `docs/semantics.md`.
//!
//! # Crate features
//! - `serde`: proto-JSON for [`Update`], [`VersioningData`] (Temporal's stored form, int64
//!   read as numbers or decimal strings), [`VersionSets`] (deserialised through
//!   [`VersionSets::from_data`], so invalid data is an error, never a value), the public
//!   [`BuildIdCompatibility`] view and the [`ListedSet`]s of a listing; and readers that
//!   check as they read, in a small multiple of the document's size: `CheckedData`,
//!   `TaskQueueUserData` (reading past what newer servers add, with a [`Note`]),
//!   `CheckedResponse` and `CheckedListing`. The state forms' readers know all of
//!   proto-JSON: either field name (`versionSets`, `version_sets`), `null` for a default,
//!   integral numbers written as `1.732e12`.
//!
//! The model's only feature. The conformance trace format (`version-sets-trace`) and the
//! `version-sets` command (`version-sets-cli`) are packages of their own in the same
//! repository, built on this one; this crate does no I/O.

// docs.rs builds with `--cfg docsrs` on nightly: label every feature-gated item with its
// feature. Stable builds never see the nightly-only attribute.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod build_id;
mod clock;
mod core;
mod error;
mod invariants;
mod lifecycle;
mod non_empty;
mod ops;
mod replication;
mod routing;
mod set;
mod set_id;
mod stored;
mod version_sets;

pub use build_id::{BuildId, BuildIdError, MAX_BUILD_ID_LEN};
pub use clock::Hlc;
pub use error::{Code, UpdateError};
pub use invariants::Inconsistency;
pub use lifecycle::BuildIdDeltas;
pub use non_empty::Members;
pub use ops::{Limits, Outcome, QueueDefault, Update};
pub use replication::{
    BuildIdReachability, DEFAULT_REACHABILITY_BUILD_IDS, GcPolicy, NEW_WORKFLOWS_GRACE_MS,
    Namespace, ReachabilityError, ReachabilityType, Received, Removal, StatusFilter,
    TaskReachability, VisibilityQuery,
};
pub use routing::{DispatchQueue, GuessedSet, NewerBuildExists, StickyWorkerUnavailable};
pub use routing::{Resolution, Target, TargetQueue, VersioningIntent};
pub use set::{BuildIdRecord, BuildIdState, BuildIds, CompatibleSet, Sets};
pub use set_id::SetId;
pub use stored::{BuildIdCompatibility, ListedSet, MajorVersionSet, PublicSets};
pub use stored::{BuildIdData, VersionSetData, VersioningData};
#[cfg(feature = "serde")]
pub use stored::{CheckedData, CheckedListing, CheckedResponse, TaskQueueUserData};
pub use stored::{InvalidData, Note, Problem, Provenance, Rebuilt, Violation};
pub use version_sets::VersionSets;

// The README's example is compiled and run with the doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
