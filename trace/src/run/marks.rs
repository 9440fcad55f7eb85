//! The marks of a session, costing what changed since them rather than a copy of the state:
//! a mark is a place in its queue's journal of build IDs whose active state changed, and a
//! `deltas` step reads the journal from there.
//!
//! A queue keeps a journal only once a mark was taken on it. The journal is cut into one
//! segment per mark: a segment holds each build ID that changed between its mark and the
//! next, once, with whether it was active before its first change there. The first entry
//! for a build ID after a mark is its state at the mark; a later change of it in the same
//! segment adds nothing, so a journal holds at most one entry per change.

use std::collections::HashMap;
use std::sync::Arc;

use indexmap::IndexMap;
use indexmap::map::Entry;

use version_sets::{BuildId, BuildIdDeltas, VersionSets};

/// Every mark by name, and the journal of each queue that has a mark.
#[derive(Debug, Clone, Default)]
pub(super) struct Marks {
    marks: HashMap<String, Mark>,
    /// By queue name, shared with the marks taken on it: a trace of many marks on one
    /// queue holds its name once.
    journals: HashMap<Arc<str>, Journal>,
}

/// Where a mark was taken: its queue and where that queue's closed entries stood then.
#[derive(Debug, Clone)]
struct Mark {
    task_queue: Arc<str>,
    at: usize,
}

/// One queue's changes since its first mark.
#[derive(Debug, Clone, Default)]
struct Journal {
    /// The segments closed by a later mark, oldest first, end to end: a mark only ever
    /// reads every segment after its own, so one list serves (a list per mark would cost
    /// an allocation per mark, more than a short step's line).
    closed: Vec<(BuildId, bool)>,
    /// The changes since the latest mark: each build ID with whether it was active before
    /// its first change and whether it is active now (so that `deltas` since the latest
    /// mark needs no look-up in the state), in the order of their first change: the answer
    /// is then sorted from the trace's order, not a hash order (a trace adding `b1`, `b2`,
    /// ... gives runs already sorted, which the stable sort takes in near-linear time).
    open: IndexMap<BuildId, (bool, bool)>,
}

impl Marks {
    /// Takes mark `name` on `task_queue` (again, if it was taken before): O(changes since
    /// that queue's previous mark), which the journal then holds in a closed segment.
    pub(super) fn mark(&mut self, name: &str, task_queue: &str) {
        let queue = match self.journals.get_key_value(task_queue) {
            Some((queue, _)) => Arc::clone(queue),
            None => Arc::from(task_queue),
        };
        let journal = self.journals.entry(Arc::clone(&queue)).or_default();
        let open = std::mem::take(&mut journal.open);
        let segment = open.into_iter().map(|(id, (was, _))| (id, was));
        journal.closed.extend(segment);
        let mark = Mark {
            task_queue: queue,
            at: journal.closed.len(),
        };
        self.marks.insert(name.to_owned(), mark);
    }

    /// Whether `task_queue` keeps a journal (a mark was taken on it): only then do its
    /// changes need recording.
    pub(super) fn journals(&self, task_queue: &str) -> bool {
        self.journals.contains_key(task_queue)
    }

    /// Records that `build_id` of `task_queue` changed from active (`was_active`) or to it.
    pub(super) fn record(&mut self, task_queue: &str, build_id: &BuildId, was_active: bool) {
        if let Some(journal) = self.journals.get_mut(task_queue) {
            match journal.open.entry(build_id.clone()) {
                Entry::Vacant(entry) => {
                    entry.insert((was_active, !was_active));
                }
                Entry::Occupied(mut entry) => entry.get_mut().1 = !was_active,
            }
        }
    }

    /// Records every change between two states of `task_queue`.
    pub(super) fn record_deltas(&mut self, task_queue: &str, deltas: &BuildIdDeltas) {
        for id in &deltas.added {
            self.record(task_queue, id, false);
        }
        for id in &deltas.removed {
            self.record(task_queue, id, true);
        }
    }

    /// How many build-ID entries the journals hold: what the marks cost in memory, beside
    /// O(1) a mark.
    pub(super) fn entries(&self) -> usize {
        self.journals
            .values()
            .map(|journal| journal.open.len() + journal.closed.len())
            .sum()
    }

    /// The units a `deltas` step since mark `name` on `task_queue` reads (run/work.rs): the
    /// journal's entries since the mark, and, asked on another queue than the marked one,
    /// both queues whole (`whole_of` gives a queue's units). `0` for a mark never taken.
    pub(super) fn work(&self, name: &str, task_queue: &str, whole_of: impl Fn(&str) -> u64) -> u64 {
        let Some(mark) = self.marks.get(name) else {
            return 0;
        };
        let Some(journal) = self.journals.get(&mark.task_queue) else {
            return 0;
        };
        let closed = journal.closed.get(mark.at..).map_or(0, <[_]>::len);
        let entries = closed.saturating_add(journal.open.len());
        let entries = u64::try_from(entries).unwrap_or(u64::MAX);
        if *mark.task_queue == *task_queue {
            return entries;
        }
        entries
            .saturating_add(whole_of(task_queue))
            .saturating_add(whole_of(&mark.task_queue))
    }

    /// The deltas from mark `name`'s state to `now`, the state of `task_queue` (`None` for a
    /// mark never taken). `queue_of` gives a queue's current state. On the marked queue
    /// this costs O(changes since the mark); asked on another queue, O(both states) too.
    pub(super) fn deltas<'a>(
        &self,
        name: &str,
        task_queue: &str,
        now: &VersionSets,
        queue_of: impl Fn(&str) -> &'a VersionSets,
    ) -> Option<BuildIdDeltas> {
        let mark = self.marks.get(name)?;
        let journal = self.journals.get(&mark.task_queue)?;
        let closed = journal.closed.get(mark.at..).unwrap_or_default();
        let mut deltas = BuildIdDeltas::default();
        if *mark.task_queue == *task_queue && closed.is_empty() {
            // Since the latest mark: each build ID once already, no map of first entries.
            for (id, (was, is)) in &journal.open {
                changed(&mut deltas, id, *was, *is);
            }
            deltas.added.sort();
            deltas.removed.sort();
            return Some(deltas);
        }
        // Each changed build ID's state at the mark: its first entry after the mark.
        let mut at_mark: HashMap<&str, (&BuildId, bool)> = HashMap::new();
        let entries = closed.iter();
        let open = journal.open.iter().map(|(id, (was, _))| (id, *was));
        for (id, was) in entries.map(|(id, was)| (id, *was)).chain(open) {
            at_mark.entry(id.as_str()).or_insert((id, was));
        }
        if *mark.task_queue == *task_queue {
            for (id, was) in at_mark.into_values() {
                changed(&mut deltas, id, was, is_active(now, id.as_str()));
            }
        } else {
            // The marked queue's state at the mark is its state now, with the changed
            // build IDs put back as they were.
            let marked = queue_of(&mark.task_queue);
            let was_active = |id: &str| match at_mark.get(id) {
                Some((_, was)) => *was,
                None => is_active(marked, id),
            };
            deltas.added = active(now)
                .filter(|id| !was_active(id.as_str()))
                .cloned()
                .collect();
            let unchanged = active(marked).filter(|id| !at_mark.contains_key(id.as_str()));
            let changed = at_mark.values().filter(|(_, was)| *was).map(|(id, _)| *id);
            deltas.removed = unchanged
                .chain(changed)
                .filter(|id| !is_active(now, id.as_str()))
                .cloned()
                .collect();
        }
        deltas.added.sort();
        deltas.removed.sort();
        Some(deltas)
    }
}

/// Adds `id` to the deltas when it was active (`was`) and is not (`is`), or the other way.
fn changed(deltas: &mut BuildIdDeltas, id: &BuildId, was: bool, is: bool) {
    match (was, is) {
        (false, true) => deltas.added.push(id.clone()),
        (true, false) => deltas.removed.push(id.clone()),
        _ => {}
    }
}

/// Whether `sets` holds `id` active (a tombstone is not).
pub(super) fn is_active(sets: &VersionSets, id: &str) -> bool {
    sets.record(id).is_some_and(|record| record.is_active())
}

/// The build IDs `sets` holds active.
fn active(sets: &VersionSets) -> impl Iterator<Item = &BuildId> {
    sets.sets().flat_map(|set| {
        set.build_ids()
            .filter(|record| record.is_active())
            .map(|record| record.id())
    })
}
