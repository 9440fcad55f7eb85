//! Garbage collection of build IDs: tombstones, removal in a single- or multi-cluster
//! namespace, clearing, and the scavenger's planner, which picks what may go.
//!
//! Tombstones still count as existing (they cannot be re-added until cleared), are still
//! routed to and still count towards the limits; only the public view hides them. The
//! planner answers from the sets and a caller's "is this build ID in use?", and the
//! removal itself is stamped like any change (by the facade, the one writer of the clock).

mod planner;
mod removal;
pub(crate) mod tombstones;

pub use planner::{GcPolicy, GcVerdict, Kept, Retention};
pub(crate) use planner::{removable_build_ids, verdicts};
pub use removal::ClusterMode;
