//! Sorting a core whose list order disagrees with its timestamps, as the server's merge
//! over the whole data does before a merge-sets (docs/semantics.md, `model.list-order`).

use super::build::Record;
use super::{Builder, Core, MemberKey, SetKey};
use crate::build_id::BuildId;
use crate::clock::Hlc;

impl Core {
    /// Whether list order may disagree with timestamp order (loaded data only: the crate's
    /// own changes stamp past every timestamp it holds).
    pub(crate) fn is_out_of_timestamp_order(&self) -> bool {
        self.disordered
    }

    /// The same sets and build IDs with sets in timestamp order and each set's build IDs
    /// too; ties keep list order (the crate's tie-break, `merge.set-position`: the server's
    /// sort follows Go map order there). O(n log n); set IDs, records and counts as they were.
    pub(crate) fn in_timestamp_order(&self) -> Core {
        let mut sets: Vec<SetKey> = Vec::with_capacity(self.set_count());
        let mut cursor = self.ends.map(|ends| ends.oldest);
        while let Some(key) = cursor {
            sets.push(key);
            cursor = self.set(key).next;
        }
        sets.sort_by_key(|&key| self.set(key).became_default_timestamp());
        let mut builder =
            Builder::with_capacity(self.set_count(), self.member_count(), self.key().clone());
        builder.core.capacity = self.capacity;
        let mut members: Vec<MemberKey> = Vec::new();
        for key in sets {
            let node = self.set(key);
            members.clear();
            let mut member_cursor = Some(node.first);
            while let Some(member_key) = member_cursor {
                members.push(member_key);
                member_cursor = self.member(member_key).member.next;
            }
            members.sort_by_key(|&m| self.member(m).member.became_default_timestamp());
            let mut target = None;
            for &member_key in &members {
                let entry = self.member(member_key);
                let record = Record {
                    state: entry.member.state,
                    state_update_timestamp: entry.member.state_update_timestamp(),
                    became_default_timestamp: entry.member.became_default_timestamp(),
                };
                let id: BuildId = entry.id.clone();
                // The build IDs come from one core, so none repeats.
                let pushed = match target {
                    None => builder
                        .push_set(
                            node.set_ids.clone(),
                            node.became_default_timestamp(),
                            id,
                            record,
                        )
                        .map(|set| target = Some(set)),
                    Some(set) => builder.push_member(set, id, record),
                };
                if pushed.is_err() {
                    unreachable!("version-sets bug: a build ID twice in one core");
                }
            }
        }
        builder.finish()
    }

    /// Merge-sets on a core whatever its order, as the server's does: the primary set's
    /// listed default is stamped `t`, then (when list order may disagree with timestamps)
    /// every set and build ID is sorted by timestamp, and the two sets are joined.
    pub(crate) fn merge_sets(&mut self, primary: SetKey, secondary: SetKey, t: Hlc) {
        if !self.disordered {
            self.combine_sets(primary, secondary, t);
            return;
        }
        let default = self.member(self.set(primary).last).id.clone();
        let other = self.member(self.set(secondary).first).id.clone();
        *self = self.in_timestamp_order();
        // Found again by build ID: the handles are the sorted core's.
        let (Some(default), Some(other)) = (self.find(default.as_str()), self.find(other.as_str()))
        else {
            unreachable!("version-sets bug: sorting lost a build ID");
        };
        let (key, primary, secondary) = (default.key, default.member.set, other.member.set);
        // Stamped `t`, later than every stamp here: it ends last, as in the sorted list.
        self.promote_member(key, t);
        self.join_sets(primary, secondary);
    }
}
