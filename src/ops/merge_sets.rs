//! The merge-sets update (`MergeSets`; not the replica join of two clusters' copies):
//! semantics rules `merge.*` (docs/semantics.md).
//!
//! `Update::MergeSets` is planned in `ops` and carried out by the core's `merge_sets`: the
//! primary set's default is stamped with the update's timestamp, so it ends last and stays
//! the default of the merged set. The merged set keeps the larger of the two set
//! timestamps, not the new one, and takes its place among the other sets by it. Because
//! list order agrees with timestamp order, that is the place of the later of the two sets:
//! merging the queue's default set into an older primary keeps the merged set the default
//! set, and makes the primary's default the queue's default build ID (as the server does).
//!
//! The server's merge-sets is its merge over the whole data, so the core then also joins
//! sets that share a set ID (`merge.rejoins-shared`) and sorts the set IDs of every set of
//! two or more; and where loaded data's list order disagrees with its timestamps
//! (`model.list-order`), it sorts every set and build ID by timestamp first.
//!
//! DIVERGENCE: where the server's result depends on Go map order (tied timestamps), the
//! merged set takes the place of the later set and tied members keep the older set's first.

use super::{Plan, locate};
use crate::build_id::BuildId;
use crate::core::Core;
use crate::error::UpdateError;

pub(super) fn plan(
    core: &Core,
    primary: &BuildId,
    secondary: &BuildId,
) -> Result<Plan, UpdateError> {
    let primary_set = locate(core, primary)
        .ok_or_else(|| UpdateError::PrimaryNotFound {
            build_id: primary.clone(),
        })?
        .set;
    let secondary_set = locate(core, secondary)
        .ok_or_else(|| UpdateError::SecondaryNotFound {
            build_id: secondary.clone(),
        })?
        .set;
    Ok(if primary_set == secondary_set {
        Plan::NoOp
    } else {
        Plan::MergeSets {
            primary: primary_set,
            secondary: secondary_set,
        }
    })
}
