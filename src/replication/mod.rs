//! Replication between clusters: the replica join, receiving a replica (with the revival of
//! build IDs still in use), persisting a build ID first seen by pollers, and the build-ID
//! deltas between two states.
//!
//! The join and the revival work on the stored form ([`crate::VersioningData`]), or on sets
//! read as their stored form would be, so they depend on nothing inside the core. Where they differ from the server, and why, is in the
//! "Divergences" section of `docs/semantics.md`.

mod deltas;
mod join;
mod persist;
mod receive;

pub use deltas::BuildIdDeltas;
pub(crate) use deltas::build_id_deltas;
pub(crate) use join::join_sets;
pub(crate) use persist::persist_unknown_build_id;
pub(crate) use receive::receive_sets;

// The examples of `docs/replication.md` are compiled and run with the doctests.
#[cfg(doctest)]
#[doc = include_str!("../../docs/replication.md")]
struct ReplicationGuideDoctests;
