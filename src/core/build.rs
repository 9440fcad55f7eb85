//! Building a core from sets that are already in order: loading stored data, and keeping
//! the survivors when tombstones are cleared.

use indexmap::map::Entry;

use indexmap::IndexMap;
use slab::Slab;

use super::{Core, Ends, HashKey, MAX_BUILD_IDS, Member, MemberKey, Orders, SetKey, SharedIds};
use crate::build_id::{BuildId, BuildIdState};
use crate::clock::Hlc;
use crate::non_empty::NonEmpty;
use crate::set_id::SetId;

/// One build ID's stored fields.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Record {
    pub(crate) state: BuildIdState,
    pub(crate) state_update_timestamp: Hlc,
    pub(crate) became_default_timestamp: Hlc,
}

/// Appends sets, oldest first, and members, oldest first, to a new core. The caller
/// checks the order of timestamps; the builder refuses a build ID it already holds.
#[derive(Debug, Default)]
pub(crate) struct Builder {
    pub(super) core: Core,
}

impl Builder {
    /// A builder with room for `sets` sets and `members` build IDs, whose core's tables are
    /// keyed with `key`.
    pub(crate) fn with_capacity(sets: usize, members: usize, key: HashKey) -> Self {
        // `with_capacity`, not `reserve`: an `IndexMap` reserves its entries up to its table's
        // capacity, an eighth or more beyond what was asked, which loaded data never uses.
        let core = Core {
            shared: SharedIds::with_capacity(sets, key.clone()),
            members: IndexMap::with_capacity_and_hasher(members, key),
            sets: Slab::with_capacity(sets),
            ends: None,
            orders: Orders::default(),
            capacity: MAX_BUILD_IDS,
            unsorted: 0,
            disordered: false,
        };
        Self { core }
    }

    /// Appends a set whose first member is `id` as the newest set, and returns its handle.
    ///
    /// # Errors
    /// The handle of `id` when the core already holds it (nothing is added).
    pub(crate) fn push_set(
        &mut self,
        set_ids: NonEmpty<SetId>,
        stamp: Hlc,
        id: BuildId,
        record: Record,
    ) -> Result<SetKey, MemberKey> {
        if let Some(found) = self.core.find(id.as_str()) {
            return Err(found.key);
        }
        let key = self
            .core
            .insert_set(set_ids, stamp, id, record.into_member());
        self.core.link_set_last(key);
        Ok(key)
    }

    /// Appends `id` to set `set` as its newest member.
    ///
    /// # Errors
    /// The handle of `id` when the core already holds it (nothing is added).
    pub(crate) fn push_member(
        &mut self,
        set: SetKey,
        id: BuildId,
        record: Record,
    ) -> Result<(), MemberKey> {
        let mut member = record.into_member();
        member.set = set;
        let index = match self.core.members.entry(id) {
            Entry::Occupied(entry) => return Err(MemberKey::new(entry.index())),
            Entry::Vacant(entry) => {
                let index = entry.index();
                entry.insert(member);
                index
            }
        };
        self.core.link_member_last(set, MemberKey::new(index));
        self.core.count_second_member(set);
        Ok(())
    }

    /// Marks the core as holding list order that disagrees with timestamp order.
    pub(crate) fn mark_out_of_timestamp_order(&mut self) {
        self.core.disordered = true;
    }

    pub(crate) fn finish(self) -> Core {
        self.core
    }
}

impl Record {
    fn into_member(self) -> Member {
        Member::new(
            SetKey::new(0),
            self.state,
            self.state_update_timestamp,
            self.became_default_timestamp,
        )
    }
}

impl Core {
    /// A core of the active build IDs only: sets left empty go; survivors keep their order,
    /// set IDs and timestamps.
    pub(crate) fn without_tombstones(&self) -> Core {
        let mut builder =
            Builder::with_capacity(self.set_count(), self.member_count(), self.key().clone());
        builder.core.capacity = self.capacity;
        builder.core.disordered = self.disordered;
        let mut cursor = self.ends.map(|ends: Ends| ends.oldest);
        while let Some(set_key) = cursor {
            let node = self.set(set_key);
            let mut target = None;
            let mut member_cursor = Some(node.first);
            while let Some(member_key) = member_cursor {
                let super::Entry { id, member } = self.member(member_key);
                member_cursor = member.next;
                if member.state != BuildIdState::Active {
                    continue;
                }
                let record = Record {
                    state: member.state,
                    state_update_timestamp: member.state_update_timestamp(),
                    became_default_timestamp: member.became_default_timestamp(),
                };
                // The build IDs come from one core, so none repeats.
                let pushed = match target {
                    None => builder
                        .push_set(
                            node.set_ids.clone(),
                            node.became_default_timestamp(),
                            id.clone(),
                            record,
                        )
                        .map(|key| target = Some(key)),
                    Some(key) => builder.push_member(key, id.clone(), record),
                };
                if pushed.is_err() {
                    unreachable!("version-sets bug: build ID {id} twice in one core");
                }
            }
            cursor = node.next;
        }
        builder.finish()
    }
}
