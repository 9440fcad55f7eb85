//! Replication between clusters and the clean-up around it: the replica merge, receiving a
//! replica (revival of build IDs still in use), removing build IDs, the garbage-collection
//! planner and task reachability.
//!
//! Everything here works on the stored form ([`crate::VersioningData`]) and the public
//! read model, so it depends on nothing inside the core.
//!
//! # Divergences from the server
//! - **The merge is a true join** (commutative, associative, idempotent). The server's
//!   `MergeVersioningData` regroups build IDs in Go's random map order, greedily (not
//!   transitively), and sorts with an unstable sort, so tied timestamps and chains of
//!   shared set IDs give different results from run to run (reference §6.4, C1–C5). The
//!   crate groups transitively (every input set sharing a set ID or a build ID with
//!   another ends in the same set), breaks timestamp ties by primary set ID (sets) and
//!   build ID (members), and lets `DELETED` win a tie of state stamps. Where the server's
//!   result is determined the two agree (every case of its own tests, U34–U44).
//! - **Set IDs stay sorted and distinct** in every merged set, so merging a value with
//!   itself changes nothing; the server keeps an unmerged set's list as it was.
//! - **The merged clock is the larger of both clocks**, and receiving a replica moves the
//!   clock too (the hybrid logical clock's receive rule). The server's clock does not move
//!   past incoming timestamps (reference B6), so a later local change can be stamped
//!   earlier than replicated data and a later merge silently reorders it.

mod gc;
mod merge;
mod reachability;
mod revive;

pub use gc::GcPolicy;
pub use reachability::{
    BuildIdReachability, DEFAULT_REACHABILITY_BUILD_IDS, NEW_WORKFLOWS_GRACE_MS, ReachabilityError,
    ReachabilityType, StatusFilter, TaskReachability, VisibilityQuery,
};
pub use revive::{Namespace, Received, Removal};

// The examples of `docs/replication.md` are compiled and run with the doctests.
#[cfg(doctest)]
#[doc = include_str!("../../docs/replication.md")]
struct ReplicationGuideDoctests;
