//! The life cycle of build IDs beyond the five updates: tombstones for garbage collection,
//! persisting build IDs first seen by pollers, and the deltas between two states.

mod deltas;
mod persist;
mod tombstones;

pub use deltas::BuildIdDeltas;
