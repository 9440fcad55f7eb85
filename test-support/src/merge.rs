//! The `merge` target: two or three *diverged* replicas of one task queue, and the laws of
//! the replica merge checked on them.
//!
//! The input decodes to a common ancestor (operations on one cluster), then steps in which
//! each replica, with its own cluster ID and its own wall clock (which jumps backwards
//! too), applies updates, removals and clears, or receives another replica's current
//! state. On every pair and on the triple the merge must be commutative (on data and
//! clock), associative, idempotent (on values whose set IDs are sorted and in distinct
//! sets, and on every merge result), absorb its inputs, have the empty value as identity,
//! validate, keep every build ID of both sides (and every live one that nobody removed
//! live), and leave a value on which further updates, at wall times behind the merged
//! clock, keep list order equal to timestamp order.
//!
//! Self-contained: the laws test and the convergence simulation use these functions too.

use std::collections::BTreeSet;

use arbitrary::{Arbitrary, Unstructured};
use version_sets::{BuildId, BuildIdState, Hlc, Limits, QueueDefault, Update, VersionSets};

/// The build IDs operations name: few, so that replicas collide on them.
pub const NAMES: [&str; 8] = ["1.0", "1.1", "2.0", "2.1", "3.0", "a", "b", "c"];

/// The cluster that makes the common ancestor; replica `i` is cluster `i + 1`.
const ANCESTOR_CLUSTER: i64 = 100;

/// The wall time every replica's clock starts at.
const START_MS: i64 = 1_000_000;

/// The wall time and clock of the second run of every input: far enough below zero that
/// no input (at most 72 steps of at most 32,768 ms each) reaches zero.
const BELOW_ZERO_MS: i64 = -1_000_000_000;

/// The most steps of each kind one input decodes to.
const MAX_ANCESTOR: usize = 16;
const MAX_STEPS: usize = 48;
const MAX_AFTER: usize = 8;

/// One change a replica makes. Build IDs are positions in [`NAMES`] (modulo their number).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Arbitrary)]
pub enum Op {
    AddDefault(u8),
    AddCompatible(u8, u8, bool),
    PromoteSet(u8),
    PromoteWithin(u8),
    MergeSets(u8, u8),
    Remove(u8),
    RemoveTwo(u8, u8),
    Clear,
    /// Merge in the current state of another replica (by position, modulo their number).
    Receive(u8),
}

/// One replica applies one operation, its wall clock first moved by `wall_step` ms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Arbitrary)]
pub struct Step {
    pub replica: u8,
    pub op: Op,
    pub wall_step: i16,
}

#[track_caller]
pub fn name(i: u8) -> BuildId {
    BuildId::new(NAMES[usize::from(i) % NAMES.len()]).unwrap()
}

/// Replicas of one task queue, each with its own cluster and wall clock, and every build ID
/// any of them ever removed (so "never removed" can be told).
#[derive(Debug, Clone)]
pub struct Replicas {
    pub replicas: Vec<VersionSets>,
    walls: Vec<i64>,
    pub removed: BTreeSet<String>,
    /// The wall time the replicas started at, where updates after merging start too.
    pub start_ms: i64,
}

impl Replicas {
    /// `count` copies of the ancestor that `ancestor` builds on one cluster, from the zero
    /// clock at a wall time above it.
    pub fn fork(ancestor: &[(Op, i16)], count: usize) -> Self {
        Self::fork_from(VersionSets::new(), START_MS, ancestor, count)
    }

    /// As [`fork`](Self::fork), but the clock and the wall times start far below zero.
    pub fn fork_below_zero(ancestor: &[(Op, i16)], count: usize) -> Self {
        let start = VersionSets::starting_at(Hlc {
            wall_clock: BELOW_ZERO_MS,
            version: 0,
            cluster_id: ANCESTOR_CLUSTER,
        });
        Self::fork_from(start, BELOW_ZERO_MS, ancestor, count)
    }

    fn fork_from(start: VersionSets, start_ms: i64, ancestor: &[(Op, i16)], count: usize) -> Self {
        let mut base = Self {
            replicas: vec![start.with_cluster_id(ANCESTOR_CLUSTER)],
            walls: vec![start_ms],
            removed: BTreeSet::new(),
            start_ms,
        };
        for &(op, wall_step) in ancestor {
            base.step(&Step {
                replica: 0,
                op,
                wall_step,
            });
        }
        let ancestor = &base.replicas[0];
        Self {
            replicas: (0..count)
                .map(|i| ancestor.clone().with_cluster_id(i as i64 + 1))
                .collect(),
            walls: vec![base.walls[0]; count],
            removed: base.removed,
            start_ms,
        }
    }

    /// Applies `step` to its replica. Updates that fail are part of the game: they leave
    /// the replica as it was.
    pub fn step(&mut self, step: &Step) {
        let r = usize::from(step.replica) % self.replicas.len();
        self.walls[r] = self.walls[r].saturating_add(i64::from(step.wall_step));
        let now = self.walls[r];
        if let Op::Receive(from) = step.op {
            let from = usize::from(from) % self.replicas.len();
            if from != r {
                let merged = self.replicas[r].join(&self.replicas[from]);
                check_valid(&merged, "a received replica");
                self.replicas[r] = merged;
            }
            return;
        }
        apply(&mut self.replicas[r], step.op, now, &mut self.removed);
    }
}

/// Applies one (non-`Receive`) operation at wall time `now`, noting removed build IDs.
#[track_caller]
pub fn apply(sets: &mut VersionSets, op: Op, now: i64, removed: &mut BTreeSet<String>) {
    let update = match op {
        Op::AddDefault(x) => Update::add_new_default(name(x)),
        Op::AddCompatible(n, e, d) => {
            let queue_default = if d {
                QueueDefault::Make
            } else {
                QueueDefault::Keep
            };
            Update::add_new_compatible(name(n), name(e), queue_default)
        }
        Op::PromoteSet(x) => Update::promote_set_by_build_id(name(x)),
        Op::PromoteWithin(x) => Update::promote_build_id_within_set(name(x)),
        Op::MergeSets(p, s) => Update::merge_sets(name(p), name(s)),
        Op::Remove(x) => return remove(sets, &[name(x)], now, removed),
        Op::RemoveTwo(x, y) => return remove(sets, &[name(x), name(y)], now, removed),
        Op::Clear => {
            sets.clear_tombstones();
            return check_valid(sets, "cleared");
        }
        Op::Receive(_) => return,
    };
    let before = sets.clone();
    if sets.apply(&update, now, Limits::NONE).is_err() {
        assert_eq!(*sets, before, "a failed update changed the value");
    }
    check_valid(sets, "updated");
}

fn remove(sets: &mut VersionSets, ids: &[BuildId], now: i64, removed: &mut BTreeSet<String>) {
    for id in ids {
        if sets.contains(id.as_str()) {
            removed.insert(id.to_string());
        }
    }
    sets.remove_build_ids(ids, now);
    check_valid(sets, "removed");
}

#[track_caller]
fn check_valid(sets: &VersionSets, what: &str) {
    if let Err(error) = sets.validate() {
        panic!("{what}: invalid value: {error}\n{sets:?}");
    }
}

// The helpers below read the stored form, which does not change with the core's API.

fn all_ids(sets: &VersionSets) -> BTreeSet<String> {
    let data = sets.to_data();
    let records = data.version_sets.iter().flat_map(|set| &set.build_ids);
    records.map(|r| r.id.clone()).collect()
}

fn active_ids(sets: &VersionSets) -> BTreeSet<String> {
    let data = sets.to_data();
    let records = data.version_sets.iter().flat_map(|set| &set.build_ids);
    records
        .filter(|r| r.state == Some(BuildIdState::Active))
        .map(|r| r.id.clone())
        .collect()
}

/// Data and clock: what the merge is a join on (the cluster is each side's own).
#[track_caller]
fn same(x: &VersionSets, y: &VersionSets, what: &str) {
    assert_eq!(x.to_data(), y.to_data(), "{what}: data differ");
    assert_eq!(x.clock(), y.clock(), "{what}: clocks differ");
}

/// Whether two sets of `sets` share a set ID: a build ID that was cleared and added again
/// while its hash was still another set's demoted set ID. The merge joins such sets.
pub fn shares_set_ids(sets: &VersionSets) -> bool {
    let mut seen = BTreeSet::new();
    let data = sets.to_data();
    let mut set_ids = data.version_sets.iter().flat_map(|set| &set.set_ids);
    set_ids.any(|id| !seen.insert(id))
}

/// Whether some set of `sets` has set IDs out of sorted order: persisted build IDs append
/// theirs (`PersistUnknownBuildId`), and only combining two lists sorts them.
pub fn has_unsorted_set_ids(sets: &VersionSets) -> bool {
    sets.sets().any(|set| {
        let ids: Vec<_> = set.set_ids().collect();
        ids.windows(2).any(|pair| matches!(pair, [a, b] if a > b))
    })
}

/// Every law on one value: idempotent on any value whose sets have distinct, sorted set
/// IDs, and on every merge result (a merge sorts the IDs of every set it sees twice, as the
/// server's does, so `a ∘ a` sorts what persisting appended); the empty value an identity
/// on both sides on such values (a set of one build ID, seen once, keeps its list as it is).
/// The empty value's clock is the earliest there is, so that it is an identity on values
/// whose clocks are below zero too.
#[track_caller]
pub fn check_one(a: &VersionSets) {
    let empty = VersionSets::starting_at(Hlc {
        wall_clock: i64::MIN,
        version: 0,
        cluster_id: 0,
    });
    let aa = a.join(a);
    check_valid(&aa, "a ∘ a");
    assert!(
        !shares_set_ids(&aa),
        "a merge result with a set ID in two sets"
    );
    assert!(
        !has_unsorted_set_ids(&aa),
        "a ∘ a with set IDs out of sorted order"
    );
    let settled = !shares_set_ids(a) && !has_unsorted_set_ids(a);
    if settled {
        assert_eq!(aa, *a, "a ∘ a ≠ a");
    }
    assert_eq!(aa.join(&aa), aa, "(a ∘ a) ∘ (a ∘ a) ≠ a ∘ a");
    if !has_unsorted_set_ids(a) {
        assert_eq!(a.join(&empty), aa, "a ∘ ∅ ≠ a ∘ a");
        same(&empty.join(a), &aa, "∅ ∘ a vs a ∘ a");
    }
}

/// Every law on a pair. `removed` holds every build ID either side ever removed.
#[track_caller]
pub fn check_pair(a: &VersionSets, b: &VersionSets, removed: &BTreeSet<String>) {
    let ab = a.join(b);
    let ba = b.join(a);
    check_valid(&ab, "a ∘ b");
    check_valid(&ba, "b ∘ a");
    same(&ab, &ba, "a ∘ b vs b ∘ a");
    assert_eq!(
        ab.cluster_id(),
        a.cluster_id(),
        "the merge belongs to self's cluster"
    );
    assert_eq!(ab.clock(), a.clock().max(b.clock()), "clock is not the max");
    // Idempotent and absorbing: merging either input in again changes nothing.
    assert_eq!(ab.join(&ab), ab, "(a ∘ b) ∘ (a ∘ b) ≠ a ∘ b");
    same(&ab.join(a), &ab, "(a ∘ b) ∘ a vs a ∘ b");
    same(&ab.join(b), &ab, "(a ∘ b) ∘ b vs a ∘ b");
    // Membership is the union, and nothing live that nobody removed is lost.
    let union: BTreeSet<String> = all_ids(a).union(&all_ids(b)).cloned().collect();
    assert_eq!(all_ids(&ab), union, "membership is not the union");
    let merged_active = active_ids(&ab);
    for id in active_ids(a).union(&active_ids(b)) {
        if !removed.contains(id) {
            assert!(merged_active.contains(id), "live build ID {id} lost");
        }
    }
}

/// Associativity on a triple, full equality (the result is `a`'s either way).
#[track_caller]
pub fn check_triple(a: &VersionSets, b: &VersionSets, c: &VersionSets) {
    let left = a.join(b).join(c);
    let right = a.join(&b.join(c));
    assert_eq!(left, right, "(a ∘ b) ∘ c ≠ a ∘ (b ∘ c)");
    same(&left, &c.join(a).join(b), "(a ∘ b) ∘ c vs (c ∘ a) ∘ b");
}

/// Further updates on a merged value, at wall times that start behind its clock and jump
/// backwards too: list order must keep agreeing with timestamp order (`validate`).
#[track_caller]
pub fn check_after(merged: &VersionSets, start_ms: i64, ops: &[(Op, i16)]) {
    let mut sets = merged.clone();
    let mut removed = BTreeSet::new();
    let mut now = start_ms;
    for &(op, wall_step) in ops {
        now = now.saturating_add(i64::from(wall_step));
        apply(&mut sets, op, now, &mut removed);
        assert!(sets.clock() >= merged.clock(), "the clock went back");
    }
}

/// Every law on every pair of `replicas` and on the triple, then updates after merging.
pub fn check_all(replicas: &Replicas, after: &[(Op, i16)]) {
    let rs = &replicas.replicas;
    for (i, a) in rs.iter().enumerate() {
        check_one(a);
        for b in &rs[i + 1..] {
            check_pair(a, b, &replicas.removed);
            check_after(&a.join(b), replicas.start_ms, after);
            check_after(&b.join(a), replicas.start_ms, after);
        }
    }
    if let [a, b, c] = rs.as_slice() {
        check_triple(a, b, c);
    }
}

fn steps<T: for<'a> Arbitrary<'a>>(input: &mut Unstructured<'_>, max: usize) -> Vec<T> {
    let len = usize::from(u8::arbitrary(input).unwrap_or(0)) % (max + 1);
    (0..len).map_while(|_| T::arbitrary(input).ok()).collect()
}

/// Decodes two or three diverged replicas and the updates to try after merging, and checks
/// every law: from the zero clock, then with the same steps from below zero.
pub fn run(data: &[u8]) {
    let mut input = Unstructured::new(data);
    let count = 2 + usize::from(u8::arbitrary(&mut input).unwrap_or(0) % 2);
    let ancestor: Vec<(Op, i16)> = steps(&mut input, MAX_ANCESTOR);
    let diverging: Vec<Step> = steps(&mut input, MAX_STEPS);
    let after: Vec<(Op, i16)> = steps(&mut input, MAX_AFTER);
    for fork in [Replicas::fork, Replicas::fork_below_zero] {
        let mut replicas = fork(&ancestor, count);
        for step in &diverging {
            replicas.step(step);
        }
        check_all(&replicas, &after);
    }
}
