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
//! assert!(queue.poll(caller.as_str()).is_err());
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
//! - Replication and clean-up: the replica join ([`VersionSets::join`]), receiving a
//!   replica with the server's revival of build IDs still in use
//!   ([`VersionSets::receive`]), removing build IDs in a single- or multi-cluster namespace,
//!   the build-ID scavenger's choice of what to remove
//!   ([`VersionSets::removable_build_ids`]) and task reachability
//!   ([`VersionSets::reachability`]).
//! - A namespace of task queues ([`Namespace`]): what the server enforces across a
//!   namespace's queues, namely the build ID → task queue mapping and its limit
//!   (`limit.taskQueuesPerBuildId`), task queue names, reachability asked of the namespace
//!   and the scavenger's walk over the queues.
//!
//! The crate is sans-IO: no clocks, randomness, I/O or global state. Time comes in as an
//! argument (`now_ms`), and each value keeps its own hybrid logical clock.
//!
//! [`VersionSets`] lists everything it can do in one place, grouped: constructors and
//! getters, updates, dispatch, garbage collection, replication, and the stored forms.
//!
//! # Conventions
//! - **Build IDs**: a question about a build ID (`contains`, `set_of`, `poll`, `resolve`,
//!   `reachability`, ...) takes it as `&str`, `Option<&str>` where it may be absent, or
//!   `&[&str]` for a list: any string may be asked about, and one no set holds is simply
//!   not found. Anything that changes the sets or keeps the ID takes the validated
//!   [`BuildId`]: `&BuildId` or `&[BuildId]` to a method, by value to an [`Update`]
//!   constructor, which keeps it. A [`BuildId`] is asked about with
//!   [`as_str`](BuildId::as_str).
//! - **Time**: every method that stamps or reads the wall time takes it as `now_ms` (Unix
//!   milliseconds), its second argument, right after what it works on:
//!   `apply(&update, now_ms, limits)`, `remove_build_ids(&ids, now_ms)`,
//!   `removable_build_ids(&policy, now_ms, in_use)`, `reachability(&query, now_ms, ...)`.
//!   No settings struct carries the time.
//! - **Choices are enums**, never `bool`s: [`QueueDefault`], [`TargetQueue`],
//!   [`Retention`], [`ClusterMode`]. Every fieldless public enum has `as_str`, `Display` and
//!   `FromStr` (its proto name where Temporal's API has one, else the command's word), and
//!   so does [`Limits`]; a name that is none of them is a [`ParseError`].
//! - **Errors** each have a `const fn code()`, the gRPC status the server answers with.
//! - **Words**: *join* is the replica join ([`VersionSets::join`]); *merge* is only the
//!   merge-sets update ([`Update::MergeSets`]); the public view is
//!   [`VersionSets::response`] ([`BuildIdCompatibility`]).
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

// First, so that the enums of every module below can use its `named!`.
#[macro_use]
mod names;

mod build_id;
mod clock;
mod code;
mod core;
mod error;
mod gc;
mod hash_key;
mod invariants;
mod namespace;
mod non_empty;
mod ops;
#[cfg(feature = "serde")]
mod proto_json;
mod replication;
mod routing;
mod set;
mod set_id;
mod stored;
mod version_sets;
mod words;

// The one public list, flat (as semver's and indexmap's), grouped by room. Flat rather than
// public modules: some fifty names, nearly all used together with `VersionSets` (a caller
// of `removable_build_ids` needs `GcPolicy` and `Retention` beside `VersionSets`, not
// `gc::GcPolicy`), no two alike, so a path per room would lengthen every import and tell
// a reader nothing the groups below do not.
// The value and its views.
pub use build_id::{BuildId, BuildIdError, BuildIdState, MAX_BUILD_ID_LEN};
pub use clock::Hlc;
pub use hash_key::HashKey;
pub use set::{BuildIdRecord, BuildIds, CompatibleSet, SetIds, Sets};
pub use set_id::SetId;
pub use version_sets::{Received, Removal, VersionSets};
pub use words::quote;
// Errors, codes and names.
pub use code::Code;
pub use error::UpdateError;
pub use invariants::{Broken, Finding, Inconsistency, Place};
pub use names::ParseError;
// Updates.
pub use ops::{Limits, Outcome, QueueDefault, Update};
// Dispatch.
pub use routing::{
    BuildIdReachability, DEFAULT_REACHABILITY_BUILD_IDS, NEW_WORKFLOWS_GRACE_MS, ReachabilityError,
    ReachabilityQuery, ReachabilityType, StatusFilter, TaskReachability, VisibilityQuery,
};
pub use routing::{DispatchQueue, GuessedSet, NewerBuildExists, StickyWorkerUnavailable};
pub use routing::{Resolution, Target, TargetQueue, VersioningIntent};
// Garbage collection.
pub use gc::{ClusterMode, GcPolicy, GcVerdict, Kept, Retention};
// The namespace: many task queues, and what the server enforces across them.
pub use namespace::{
    DEFAULT_REACHABILITY_TASK_QUEUE_SCAN, DEFAULT_TASK_QUEUES_PER_BUILD_ID,
    MAX_TASK_QUEUE_NAME_LEN, Namespace, NamespaceBuildIdReachability, NamespaceLimits,
    NamespaceReachabilityError, NamespaceReachabilityQuery, NamespaceUpdateError, QueueRemoval,
    TaskQueueNameError, TaskQueueReachability,
};
// Replication.
pub use replication::BuildIdDeltas;
// Stored forms, the public view and the listing, and what reading them tells.
pub use stored::{BuildIdCompatibility, ListedSet, MajorVersionSet, PublicSets};
pub use stored::{BuildIdData, VersionSetData, VersioningData};
#[cfg(feature = "serde")]
pub use stored::{CheckedListing, CheckedResponse};
pub use stored::{InvalidData, Note, Problem, Provenance, Violation};
pub use version_sets::Rebuilt;
#[cfg(feature = "serde")]
pub use version_sets::{CheckedData, TaskQueueUserData};

// The README's example is compiled and run with the doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
