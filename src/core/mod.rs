//! The one owner of a queue's sets, their order and the build-ID index.
//!
//! # Why the structure is what it is
//! Every update moves at most one set or one build ID to the end of its list, or joins two
//! sets; lookups go from a build ID to its set and that set's default. So:
//!
//! - **Build IDs live in one [`IndexMap`]** from the ID to its record. The map *is* the
//!   index: there is no second structure to keep in step, so the index cannot go stale,
//!   and the number of build IDs the limits count is the map's length. Its dense positions
//!   ([`MemberKey`]) are stable handles (entries are only ever appended; clearing
//!   tombstones builds a new core), so records can point at each other by position.
//! - **Sets live in a [`Slab`]** under stable handles ([`SetKey`]); a record names its set
//!   by handle, so moving a set never touches its members' entries.
//! - **Both orders are doubly linked lists of handles** (sets in queue order, each set's
//!   members in timestamp order), so moving a set or a member to the end, pushing, and
//!   unlinking are O(1) whatever the sizes. Neither order can be an `IndexMap` of its own:
//!   `IndexMap::move_index` shifts every entry in between, O(#sets) or O(set size) per move.
//! - **A large set that a merge lands in gets an ordered index of its members**
//!   ([`MemberIndex`]), so that each member of the smaller set finds its place in O(log n):
//!   a list can only be walked, and merges landing in the middle of a growing set walked
//!   half of it each time. Appends and promotes in an indexed set then cost O(log n) to
//!   keep it in step. Small sets and sets never merged into go without, which keeps
//!   loading and the model's memory as they were.
//!
//! A handle that does not resolve would be a bug in this module; the two accessors that
//! resolve handles say so loudly (`unreachable!`) instead of skipping work quietly.
//!
//! Only this module changes the data: its fields are private and every mutation is one of
//! the methods below, each of which keeps every link, handle and count right.

use std::num::NonZeroU32;

use indexmap::IndexMap;
use slab::Slab;

use crate::build_id::{BuildId, BuildIdState};
use crate::clock::Hlc;
use crate::non_empty::NonEmpty;
use crate::set_id::SetId;

mod build;
mod member_index;
mod resort;
mod shared_ids;
mod stamp;

pub(crate) use build::{Builder, Record};
pub(crate) use member_index::{MemberIndex, Ties};
use shared_ids::SharedIds;
use stamp::Stamp;

/// How many build IDs (and so sets) one core can hold: as many positions as a 32-bit handle
/// can name (0 to `u32::MAX - 1`, stored plus one), which keeps a record at 56 bytes. Far
/// above any real queue (the server's default limit is 100); the update limits, persisting
/// and loading enforce it, through [`Core::capacity`]. The crate's own tests make cores
/// that hold fewer ([`Core::with_capacity_for_tests`]), so that they can reach it.
pub(crate) const MAX_BUILD_IDS: usize = u32::MAX as usize;

/// Every hash table of a core is keyed with the core's one secret key (`src/hash_key.rs`
/// says why), which the tables built for a single operation share.
use crate::hash_key::HashKey;

/// How many members a set holds before a merge into it builds its [`MemberIndex`]: below
/// this, walking the list costs less than the index's upkeep and memory.
const INDEXED_FROM: usize = 32;

/// The stable handle of a set: its slab key, stored plus one in 32 bits so that an absent
/// handle (`Option<SetKey>`) costs 4 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SetKey(NonZeroU32);

/// The stable handle of a build ID: its position in the index, stored like [`SetKey`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct MemberKey(NonZeroU32);

/// The 32-bit form of a position below [`MAX_BUILD_IDS`].
fn handle(position: usize) -> NonZeroU32 {
    match try_handle(position) {
        Some(handle) => handle,
        None => unreachable!("version-sets bug: position {position} past the capacity"),
    }
}

/// The 32-bit form of `position`, if it has one.
fn try_handle(position: usize) -> Option<NonZeroU32> {
    u32::try_from(position)
        .ok()
        .and_then(|p| NonZeroU32::MIN.checked_add(p))
}

impl SetKey {
    fn new(slab_key: usize) -> Self {
        Self(handle(slab_key))
    }

    fn slab_key(self) -> usize {
        (self.0.get() - 1) as usize
    }
}

impl MemberKey {
    fn new(index: usize) -> Self {
        Self(handle(index))
    }

    /// The position in the index: build IDs are numbered in the order they were added.
    pub(crate) fn index(self) -> usize {
        (self.0.get() - 1) as usize
    }
}

/// The oldest and the newest (default) set of a core that has sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ends {
    pub(crate) oldest: SetKey,
    pub(crate) newest: SetKey,
}

/// The lowest and highest [`SetNode`] order numbers given so far.
#[derive(Debug, Clone, Copy, Default)]
struct Orders {
    lowest: i64,
    highest: i64,
}

/// A build ID found in the index: its handle and its record.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Found<'a> {
    pub(crate) key: MemberKey,
    pub(crate) member: &'a Member,
}

/// A build ID and its record, by handle.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry<'a> {
    pub(crate) id: &'a BuildId,
    pub(crate) member: &'a Member,
}

/// [`Ends`] while a relinking edits them one at a time.
struct OpenEnds {
    oldest: Option<SetKey>,
    newest: Option<SetKey>,
}

/// A member of a set being combined into another, with the timestamp it is placed by.
#[derive(Debug, Clone, Copy)]
struct Incoming {
    key: MemberKey,
    stamp: Hlc,
}

/// A build ID's record, and its place in its set's list.
#[derive(Debug, Clone)]
pub(crate) struct Member {
    state: BuildIdState,
    state_update_timestamp: Stamp,
    became_default_timestamp: Stamp,
    set: SetKey,
    prev: Option<MemberKey>,
    next: Option<MemberKey>,
}

/// A compatible set, and its place in the queue's list.
#[derive(Debug, Clone)]
pub(crate) struct SetNode {
    /// Sorted and distinct; the first is the primary.
    set_ids: NonEmpty<SetId>,
    became_default_timestamp: Stamp,
    /// Its place in the queue as a number: larger is newer. Only compared, to order sets
    /// with the same timestamp without walking the list between them.
    order: i64,
    /// Its oldest and newest (default) members: a set is never empty.
    first: MemberKey,
    last: MemberKey,
    len: usize,
    prev: Option<SetKey>,
    next: Option<SetKey>,
    /// The ordered index of its members, once a merge into it finds it large enough
    /// ([`INDEXED_FROM`]); kept in step from then on.
    index: Option<Box<MemberIndex>>,
}

/// The sets of a queue, their order and the build-ID index. See the module docs.
#[derive(Clone)]
pub(crate) struct Core {
    members: IndexMap<BuildId, Member, HashKey>,
    sets: Slab<SetNode>,
    /// The oldest and the newest (default) set, `None` when there are no sets.
    ends: Option<Ends>,
    /// A set linked last takes the next order number above these, one linked first the
    /// next below.
    orders: Orders,
    /// The most build IDs this core may hold: [`MAX_BUILD_IDS`], or less in the crate's tests.
    capacity: usize,
    /// How many sets hold each set ID: whether a merge-sets must re-join sets that share one.
    shared: SharedIds,
    /// How many sets of two or more build IDs have set IDs in an order that is not sorted:
    /// whether a merge-sets must sort some (the server's merge sorts the IDs of every set of
    /// two or more, and leaves a set of one as it is, so those are not counted).
    unsorted: usize,
    /// Whether list order may disagree with timestamp order (loaded data that a failover
    /// under clock skew left so: `model.list-order`); a merge-sets sorts first.
    disordered: bool,
}

impl Default for Core {
    fn default() -> Self {
        let key = HashKey::random();
        Self {
            shared: SharedIds::with_capacity(0, key.clone()),
            members: IndexMap::with_hasher(key),
            sets: Slab::new(),
            ends: None,
            orders: Orders::default(),
            capacity: MAX_BUILD_IDS,
            unsorted: 0,
            disordered: false,
        }
    }
}

impl Member {
    fn new(set: SetKey, state: BuildIdState, state_update: Hlc, became_default: Hlc) -> Self {
        Self {
            state,
            state_update_timestamp: state_update.into(),
            became_default_timestamp: became_default.into(),
            set,
            prev: None,
            next: None,
        }
    }

    pub(crate) fn state(&self) -> BuildIdState {
        self.state
    }

    pub(crate) fn state_update_timestamp(&self) -> Hlc {
        self.state_update_timestamp.hlc()
    }

    pub(crate) fn became_default_timestamp(&self) -> Hlc {
        self.became_default_timestamp.hlc()
    }

    pub(crate) fn set(&self) -> SetKey {
        self.set
    }

    pub(crate) fn next(&self) -> Option<MemberKey> {
        self.next
    }

    pub(crate) fn prev(&self) -> Option<MemberKey> {
        self.prev
    }
}

impl SetNode {
    pub(crate) fn set_ids(&self) -> &NonEmpty<SetId> {
        &self.set_ids
    }

    pub(crate) fn became_default_timestamp(&self) -> Hlc {
        self.became_default_timestamp.hlc()
    }

    pub(crate) fn first(&self) -> MemberKey {
        self.first
    }

    pub(crate) fn order(&self) -> i64 {
        self.order
    }

    pub(crate) fn last(&self) -> MemberKey {
        self.last
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Its ordered index, if a merge has built one.
    pub(crate) fn index(&self) -> Option<&MemberIndex> {
        self.index.as_deref()
    }

    pub(crate) fn next(&self) -> Option<SetKey> {
        self.next
    }

    pub(crate) fn prev(&self) -> Option<SetKey> {
        self.prev
    }
}

// Reading.
impl Core {
    /// The number of build IDs, tombstones included.
    pub(crate) fn member_count(&self) -> usize {
        self.members.len()
    }

    pub(crate) fn set_count(&self) -> usize {
        self.sets.len()
    }

    /// The key of this core's hash tables.
    pub(crate) fn key(&self) -> &HashKey {
        self.members.hasher()
    }

    /// Keys every hash table of this core with `key`: each is rebuilt in the same order, so
    /// every handle stays valid.
    pub(crate) fn rekey(&mut self, key: HashKey) {
        let mut members = IndexMap::with_capacity_and_hasher(self.members.len(), key.clone());
        members.extend(std::mem::take(&mut self.members));
        self.members = members;
        // The tally holds hashes under the old key: it is counted again from the sets.
        let mut shared = SharedIds::with_capacity(self.sets.len(), key.clone());
        for (_, node) in self.sets.iter() {
            shared.reserve(node.set_ids.len());
            for set_id in node.set_ids.iter() {
                shared.add(set_id);
            }
        }
        self.shared = shared;
        for (_, node) in self.sets.iter_mut() {
            if let Some(index) = node.index.as_mut() {
                index.rekey(&key);
            }
        }
    }

    /// The most build IDs this core may hold (tombstones included).
    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }

    /// An empty core that holds at most `capacity` build IDs: for the crate's tests of
    /// what happens at the capacity, which the real one puts out of a test's reach.
    #[cfg(test)]
    pub(crate) fn with_capacity_for_tests(capacity: usize) -> Self {
        Self {
            capacity: capacity.min(MAX_BUILD_IDS),
            ..Self::default()
        }
    }

    /// The oldest and the newest set.
    pub(crate) fn ends(&self) -> Option<Ends> {
        self.ends
    }

    /// The handle and record of `id`.
    pub(crate) fn find(&self, id: &str) -> Option<Found<'_>> {
        let (index, _, member) = self.members.get_full(id)?;
        Some(Found {
            key: MemberKey::new(index),
            member,
        })
    }

    /// The set of `key`. Handles come only from this core, so a miss is a bug.
    pub(crate) fn set(&self, key: SetKey) -> &SetNode {
        match self.sets.get(key.slab_key()) {
            Some(node) => node,
            None => unreachable!("version-sets bug: dangling set handle {key:?}"),
        }
    }

    /// The build ID and record of `key`. Handles come only from this core, so a miss is a bug.
    pub(crate) fn member(&self, key: MemberKey) -> Entry<'_> {
        match self.members.get_index(key.index()) {
            Some((id, member)) => Entry { id, member },
            None => unreachable!("version-sets bug: dangling build-ID handle {key:?}"),
        }
    }

    /// Every build ID and record, in no particular order.
    pub(crate) fn members(&self) -> impl Iterator<Item = Entry<'_>> {
        self.members.iter().map(|(id, member)| Entry { id, member })
    }
}

// Changing. Each method leaves every link, handle and count right.
impl Core {
    fn set_mut(&mut self, key: SetKey) -> &mut SetNode {
        match self.sets.get_mut(key.slab_key()) {
            Some(node) => node,
            None => unreachable!("version-sets bug: dangling set handle {key:?}"),
        }
    }

    fn member_mut(&mut self, key: MemberKey) -> &mut Member {
        match self.members.get_index_mut(key.index()) {
            Some((_, member)) => member,
            None => unreachable!("version-sets bug: dangling build-ID handle {key:?}"),
        }
    }

    /// Appends a new set of the new build ID `id`, every timestamp `t`: the new default set.
    /// The caller has checked that `id` is not in the index.
    pub(crate) fn push_new_set(&mut self, id: BuildId, t: Hlc) {
        let set_ids = NonEmpty::one(SetId::for_build_id(&id));
        let key = self.insert_set(
            set_ids,
            t,
            id,
            Member::new(SetKey::new(0), BuildIdState::Active, t, t),
        );
        self.link_set_last(key);
    }

    /// Inserts a set holding one new build ID, links it nowhere yet, and returns its handle.
    fn insert_set(
        &mut self,
        set_ids: NonEmpty<SetId>,
        stamp: Hlc,
        id: BuildId,
        mut member: Member,
    ) -> SetKey {
        let set = SetKey::new(self.sets.vacant_key());
        member.set = set;
        let (index, _) = self.members.insert_full(id, member);
        let first = MemberKey::new(index);
        // Room first: a stored set of many IDs would otherwise grow the tally by doubling,
        // holding the old table and the new at once.
        self.shared.reserve(set_ids.len());
        for set_id in set_ids.iter() {
            self.shared.add(set_id);
        }
        self.sets.insert(SetNode {
            set_ids,
            became_default_timestamp: stamp.into(),
            order: 0,
            first,
            last: first,
            len: 1,
            prev: None,
            next: None,
            index: None,
        });
        set
    }

    /// Appends the new build ID `id` (timestamps `t`) to set `set`: its new default. The
    /// caller has checked that `id` is not in the index.
    pub(crate) fn push_member(&mut self, set: SetKey, id: BuildId, t: Hlc) {
        let member = Member::new(set, BuildIdState::Active, t, t);
        let (index, _) = self.members.insert_full(id, member);
        let key = MemberKey::new(index);
        self.link_member_last(set, key);
        self.count_second_member(set);
        if let Some(index) = self.set_mut(set).index.as_mut() {
            index.push_last(key, t);
        }
    }

    /// Stamps set `set` with `t` and moves it to the end: the queue's default set.
    pub(crate) fn promote_set(&mut self, set: SetKey, t: Hlc) {
        self.set_mut(set).became_default_timestamp = t.into();
        // Moving the newest set to the end leaves it where it is: no case to make.
        self.unlink_set(set);
        self.link_set_last(set);
    }

    /// Stamps build ID `member` with `t` and moves it to the end of its set: its default.
    pub(crate) fn promote_member(&mut self, member: MemberKey, t: Hlc) {
        let set = self.member(member).member.set;
        self.restamp(member, t);
        if self.set(set).last == member {
            return;
        }
        self.unlink_member(member);
        self.link_member_last(set, member);
    }

    /// Carries out a merge-sets update: combines set `secondary` into set `primary` (distinct
    /// handles) at stamp `t`.
    ///
    /// The primary's default is stamped `t`, so it ends last. The combined set has the sorted
    /// union of both set IDs, every member of both in timestamp order (ties: the older set's
    /// first), and the larger of the two set timestamps; it takes the place of the newer set,
    /// which is its place by that timestamp since list order agrees with timestamp order.
    ///
    /// It keeps the handle of the larger of the two sets, and the smaller set's members are
    /// placed among the larger's one by one: by walking the larger set's list while it is
    /// small, and through its [`MemberIndex`] once it holds [`INDEXED_FROM`] members (or
    /// has an index already, which must then be kept in step). So a
    /// merge costs the smaller set times the logarithm of the larger, wherever the smaller
    /// set's members land, and merging sets one after another into a growing set stays
    /// O(n log² n) in all.
    pub(crate) fn combine_sets(&mut self, primary: SetKey, secondary: SetKey, t: Hlc) {
        if primary == secondary {
            unreachable!("version-sets bug: combining set {primary:?} with itself");
        }
        self.restamp(self.set(primary).last, t);
        self.join_sets(primary, secondary);
    }

    /// Joins sets `a` and `b` (distinct handles) as [`Core::combine_sets`] does, without
    /// stamping anything: the sorted union of the set IDs, the members in timestamp order
    /// (ties: the older set's first), the larger set timestamp, the later set's place.
    fn join_sets(&mut self, a: SetKey, b: SetKey) {
        // Both lists end sorted (below): neither set is counted as unsorted any more.
        let counted = [a, b]
            .into_iter()
            .filter(|&key| self.counts_as_unsorted(key))
            .count();
        self.unsorted -= counted;
        let (older, newer) = if self.is_before(a, b) { (a, b) } else { (b, a) };
        self.unlink_set(older);
        let (kept, gone) = if self.set(older).len > self.set(newer).len {
            self.take_place(older, newer);
            (older, newer)
        } else {
            (newer, older)
        };
        let gone_node = match self.sets.try_remove(gone.slab_key()) {
            Some(node) => node,
            None => unreachable!("version-sets bug: dangling set handle {gone:?}"),
        };

        let mut incoming = Vec::with_capacity(gone_node.len);
        let mut cursor = Some(gone_node.first);
        while let Some(key) = cursor {
            let member = self.member_mut(key);
            member.set = kept;
            cursor = member.next;
            incoming.push(Incoming {
                key,
                stamp: member.became_default_timestamp(),
            });
        }
        let ties = if gone == older {
            Ties::IncomingFirst
        } else {
            Ties::IncomingLast
        };
        let node = self.set(kept);
        if node.index.is_some() || node.len >= INDEXED_FROM {
            self.place_by_index(kept, &incoming, ties);
        } else {
            self.place_by_walk(kept, &incoming, ties);
        }
        // Both lists sorted first (the union is sorted anyway), so that each look-up below
        // is a B-tree search, however long a stored list.
        let gone_stamp = gone_node.became_default_timestamp();
        let mut gone_ids = gone_node.set_ids;
        gone_ids.sort();
        self.set_mut(kept).set_ids.sort();
        for set_id in gone_ids.iter() {
            if self.set(kept).set_ids.contains(set_id) {
                self.shared.drop_one(set_id);
            }
        }
        let node = self.set_mut(kept);
        node.became_default_timestamp = node.became_default_timestamp().max(gone_stamp).into();
        node.set_ids.union_sorted(gone_ids);
    }

    /// Links `incoming` (another set's members, oldest first, with their timestamps) into
    /// set `set` in timestamp order, walking `set`'s list once: ties go before `set`'s
    /// members with [`Ties::IncomingFirst`], after them with [`Ties::IncomingLast`].
    fn place_by_walk(&mut self, set: SetKey, incoming: &[Incoming], ties: Ties) {
        let mut before: Option<MemberKey> = None;
        for &Incoming { key, stamp } in incoming {
            loop {
                let next = match before {
                    Some(before) => self.member(before).member.next,
                    None => Some(self.set(set).first),
                };
                let Some(next) = next else { break };
                let there = self.member(next).member.became_default_timestamp();
                let goes_first = match ties {
                    Ties::IncomingFirst => there < stamp,
                    Ties::IncomingLast => there <= stamp,
                };
                if !goes_first {
                    break;
                }
                before = Some(next);
            }
            self.link_member_after(set, before, key);
            before = Some(key);
        }
    }

    /// Links `incoming` into set `set` as [`Core::place_by_walk`] does, finding each place
    /// in the set's [`MemberIndex`] (built first if the set has none).
    fn place_by_index(&mut self, set: SetKey, incoming: &[Incoming], ties: Ties) {
        let mut index = match self.set_mut(set).index.take() {
            Some(index) => index,
            None => Box::new(self.index_of(set)),
        };
        let mut adding = index.combine_in(incoming.len(), ties);
        for &Incoming { key, stamp } in incoming {
            let before = adding.add(key, stamp);
            self.link_member_after(set, before, key);
        }
        self.set_mut(set).index = Some(index);
    }

    /// A new index of set `set`'s members.
    fn index_of(&self, set: SetKey) -> MemberIndex {
        let node = self.set(set);
        let mut cursor = Some(node.first);
        let members = std::iter::from_fn(|| {
            let key = cursor?;
            let member = self.member(key).member;
            cursor = member.next;
            Some((key, member.became_default_timestamp()))
        });
        MemberIndex::new(node.len, members, self.key().clone())
    }

    /// Stamps build ID `key` with `t`, which puts it after every member of its set with an
    /// earlier or equal timestamp: the caller makes it the set's last.
    fn restamp(&mut self, key: MemberKey, t: Hlc) {
        let member = self.member_mut(key);
        let old = member.became_default_timestamp();
        member.became_default_timestamp = t.into();
        let set = member.set;
        if let Some(index) = self.set_mut(set).index.as_mut() {
            index.remove(key, old);
            index.push_last(key, t);
        }
    }

    /// Turns build ID `member` into a tombstone stamped `t`; nothing moves.
    pub(crate) fn tombstone(&mut self, member: MemberKey, t: Hlc) {
        let member = self.member_mut(member);
        member.state = BuildIdState::Deleted;
        member.state_update_timestamp = t.into();
    }

    /// Appends `set_id` to set `set`'s IDs, as `PersistUnknownBuildId` does (so they may no
    /// longer be sorted); `false` if it was there.
    pub(crate) fn append_set_id(&mut self, set: SetKey, set_id: SetId) -> bool {
        if self.set(set).set_ids.contains(&set_id) {
            return false;
        }
        self.shared.add(&set_id);
        let was_counted = self.counts_as_unsorted(set);
        self.set_mut(set).set_ids.append(set_id);
        if !was_counted && self.counts_as_unsorted(set) {
            self.unsorted += 1;
        }
        true
    }

    /// Whether set `set` is one that [`Core::sort_set_ids_of_joined_sets`] would sort: two
    /// or more build IDs, set IDs not sorted.
    fn counts_as_unsorted(&self, set: SetKey) -> bool {
        let node = self.set(set);
        node.len >= 2 && !node.set_ids.is_sorted()
    }

    /// Counts set `set` when a build ID just pushed made it a set of two with unsorted IDs.
    fn count_second_member(&mut self, set: SetKey) {
        if self.set(set).len == 2 && self.counts_as_unsorted(set) {
            self.unsorted += 1;
        }
    }

    /// Sorts the set IDs of every set of two or more build IDs, as the server's merge over
    /// the whole data does (a set of one keeps its list as it is). A walk of the sets, made
    /// only while some set's IDs are not sorted.
    pub(crate) fn sort_set_ids_of_joined_sets(&mut self) {
        if self.unsorted == 0 {
            return;
        }
        let mut cursor = self.ends.map(|ends| ends.oldest);
        while let Some(key) = cursor {
            let node = self.set_mut(key);
            cursor = node.next;
            if node.len >= 2 && !node.set_ids.is_sorted() {
                node.set_ids.sort();
                self.unsorted -= 1;
            }
        }
    }

    /// Inserts a set of the new build ID `id` as the oldest set: its record stamped
    /// `member_stamp`, the set `set_stamp`. The caller has checked that `id` is not in the
    /// index and that the stamps keep the order.
    pub(crate) fn push_oldest_set(&mut self, id: BuildId, member_stamp: Hlc, set_stamp: Hlc) {
        let set_ids = NonEmpty::one(SetId::for_build_id(&id));
        let member = Member::new(
            SetKey::new(0),
            BuildIdState::Active,
            member_stamp,
            member_stamp,
        );
        let key = self.insert_set(set_ids, set_stamp, id, member);
        self.orders.lowest -= 1;
        self.set_mut(key).order = self.orders.lowest;
        match self.ends {
            None => {
                self.ends = Some(Ends {
                    oldest: key,
                    newest: key,
                });
            }
            Some(Ends { oldest, newest }) => {
                self.set_mut(key).next = Some(oldest);
                self.set_mut(oldest).prev = Some(key);
                self.ends = Some(Ends {
                    oldest: key,
                    newest,
                });
            }
        }
    }

    /// Whether set `a` comes before set `b` in the queue: by timestamp, then (for sets
    /// with the same timestamp, which stored data may hold) by their place, in O(1).
    fn is_before(&self, a: SetKey, b: SetKey) -> bool {
        let place = |key| {
            let node = self.set(key);
            (node.became_default_timestamp(), node.order)
        };
        place(a) < place(b)
    }

    fn link_set_last(&mut self, key: SetKey) {
        self.orders.highest += 1;
        self.set_mut(key).order = self.orders.highest;
        match self.ends {
            None => {
                self.ends = Some(Ends {
                    oldest: key,
                    newest: key,
                });
            }
            Some(Ends { oldest, newest }) => {
                self.set_mut(newest).next = Some(key);
                let node = self.set_mut(key);
                node.prev = Some(newest);
                node.next = None;
                self.ends = Some(Ends {
                    oldest,
                    newest: key,
                });
            }
        }
    }

    fn unlink_set(&mut self, key: SetKey) {
        let (prev, next) = {
            let node = self.set_mut(key);
            (node.prev.take(), node.next.take())
        };
        match prev {
            Some(prev) => self.set_mut(prev).next = next,
            None => self.replace_ends(|ends| ends.oldest = next),
        }
        match next {
            Some(next) => self.set_mut(next).prev = prev,
            None => self.replace_ends(|ends| ends.newest = prev),
        }
    }

    /// Puts the unlinked set `key` in the queue where set `place` is, and unlinks `place`.
    fn take_place(&mut self, key: SetKey, place: SetKey) {
        let (prev, next) = {
            let node = self.set_mut(place);
            (node.prev.take(), node.next.take())
        };
        match prev {
            Some(prev) => self.set_mut(prev).next = Some(key),
            None => self.replace_ends(|ends| ends.oldest = Some(key)),
        }
        match next {
            Some(next) => self.set_mut(next).prev = Some(key),
            None => self.replace_ends(|ends| ends.newest = Some(key)),
        }
        let order = self.set(place).order;
        let node = self.set_mut(key);
        node.prev = prev;
        node.next = next;
        node.order = order;
    }

    /// Edits the two ends as options; both become `None` together when the last set goes.
    fn replace_ends(&mut self, edit: impl FnOnce(&mut OpenEnds)) {
        let mut ends = OpenEnds {
            oldest: self.ends.map(|ends| ends.oldest),
            newest: self.ends.map(|ends| ends.newest),
        };
        edit(&mut ends);
        self.ends = match ends {
            OpenEnds {
                oldest: Some(oldest),
                newest: Some(newest),
            } => Some(Ends { oldest, newest }),
            _ => None,
        };
    }

    fn link_member_last(&mut self, set: SetKey, key: MemberKey) {
        let last = self.set(set).last;
        self.member_mut(last).next = Some(key);
        let member = self.member_mut(key);
        member.prev = Some(last);
        member.next = None;
        let node = self.set_mut(set);
        node.last = key;
        node.len += 1;
    }

    /// Links the member `key` into set `set` right after `before` (first when `None`).
    fn link_member_after(&mut self, set: SetKey, before: Option<MemberKey>, key: MemberKey) {
        let next = match before {
            Some(before) => self.member(before).member.next,
            None => Some(self.set(set).first),
        };
        let member = self.member_mut(key);
        member.prev = before;
        member.next = next;
        match before {
            Some(before) => self.member_mut(before).next = Some(key),
            None => self.set_mut(set).first = key,
        }
        match next {
            Some(next) => self.member_mut(next).prev = Some(key),
            None => self.set_mut(set).last = key,
        }
        self.set_mut(set).len += 1;
    }

    /// Unlinks a member that is not its set's last (a set never becomes empty).
    fn unlink_member(&mut self, key: MemberKey) {
        let (set, prev, next) = {
            let member = self.member_mut(key);
            (member.set, member.prev.take(), member.next.take())
        };
        let Some(next) = next else {
            unreachable!("version-sets bug: unlinking the default of set {set:?}");
        };
        self.member_mut(next).prev = prev;
        match prev {
            Some(prev) => self.member_mut(prev).next = Some(next),
            None => self.set_mut(set).first = next,
        }
        self.set_mut(set).len -= 1;
    }
}

#[cfg(test)]
mod combine_tests;
#[cfg(test)]
mod tests;
