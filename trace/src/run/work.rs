//! The bound on the work of the steps that read a whole queue (docs/trace-format.md,
//! "Running traces"). Every other step costs O(its own line); these cost what the queue
//! holds, so N of them on a queue of N sets would cost N² for an input of O(N) bytes. Each
//! is charged the units it reads, and a session may spend at most [`WORK_FLOOR`] plus
//! [`WORK_PER_BYTE`] for each byte of input it has received: past that, the step is
//! refused before it runs.

use std::fmt;

use crate::types::{ActionKind, Step};
use version_sets::VersionSets;

/// The units of whole-queue work a trace may spend for each byte of its input. A unit is
/// one set or one build ID (tombstones included) that a step reads, or one entry of a
/// mark's journal; a replica step's set or build ID is [`REPLICA_UNITS`]. Some 50 times
/// what any committed vector, fuzz seed, test trace or generated trace spends, and about
/// a microsecond of work a byte (docs/hostile-input.md, "Whole-queue steps").
pub const WORK_PER_BYTE: u64 = 16;

/// The units of one set or build ID of the queue a `mergeReplica` or `receiveReplica` step
/// joins: joining stored forms costs some 20 to 30 times what reading a set does (a
/// `gcPlan`'s), measured in docs/hostile-input.md, "Whole-queue steps".
pub const REPLICA_UNITS: u64 = 16;

/// The units of whole-queue work every trace may spend, however short.
pub const WORK_FLOOR: u64 = 1 << 20;

/// What a session has received and spent.
#[derive(Debug, Clone, Default)]
pub(super) struct Ledger {
    /// Bytes of input received.
    bytes: u64,
    /// Units of whole-queue work spent.
    spent: u64,
}

impl Ledger {
    /// Counts `bytes` more of input.
    pub(super) fn receive(&mut self, bytes: usize) {
        let bytes = u64::try_from(bytes).unwrap_or(u64::MAX);
        self.bytes = self.bytes.saturating_add(bytes);
    }

    /// The units spent and the bytes received.
    #[cfg(test)]
    pub(super) fn spent_for_test(&self) -> (u64, u64) {
        (self.spent, self.bytes)
    }

    /// [`WORK_FLOOR`] + [`WORK_PER_BYTE`] × the bytes received.
    fn bound(&self) -> u64 {
        WORK_FLOOR.saturating_add(WORK_PER_BYTE.saturating_mul(self.bytes))
    }

    /// The units that may still be spent.
    pub(super) fn left(&self) -> u64 {
        self.bound().saturating_sub(self.spent)
    }

    /// Spends `units` on `step`, or refuses it when they are more than are left. A refused
    /// step uses up what was left: until more input arrives, every later step that reads a
    /// whole queue is refused at once, without reading any of it to count its units.
    pub(super) fn spend(&mut self, step: &Step, units: u64) -> Result<(), OverBound> {
        let bound = self.bound();
        if units > self.left() {
            self.spent = bound;
            return Err(OverBound {
                line: step.line,
                kind: step.action.kind(),
                bytes: self.bytes,
                bound,
            });
        }
        self.spent = self.spent.saturating_add(units);
        Ok(())
    }
}

/// The units of a whole queue: its sets and its build IDs, tombstones included.
pub(super) fn whole(state: &VersionSets) -> u64 {
    let units = state.set_count().saturating_add(state.build_id_count());
    u64::try_from(units).unwrap_or(u64::MAX)
}

/// The units of the newest `max_sets` sets of `state` (`0`: all) and their build IDs, as a
/// `view` reads them. Counting them reads as many sets: it stops once past `limit`, the
/// units that may still be spent, so that counting a refused step costs no more than the
/// bound allows.
pub(super) fn newest(state: &VersionSets, max_sets: usize, limit: u64) -> u64 {
    if max_sets == 0 || max_sets >= state.set_count() {
        return whole(state);
    }
    let mut units: u64 = 0;
    for set in state.sets().rev().take(max_sets) {
        let members = u64::try_from(set.len()).unwrap_or(u64::MAX);
        units = units.saturating_add(members).saturating_add(1);
        if units > limit {
            break;
        }
    }
    units
}

/// A step refused because the trace's whole-queue work would pass its bound. `Display` is
/// `line N: problem`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverBound {
    line: usize,
    kind: ActionKind,
    bytes: u64,
    bound: u64,
}

impl OverBound {
    /// The 1-based line of the refused step.
    pub fn line(&self) -> usize {
        self.line
    }

    /// Why the step was refused, without its line, e.g. `gcPlan refused: the whole-queue
    /// steps of this trace would pass their bound of 1049600 units of work (1048576, and
    /// 64 a byte of its 16 bytes of input)`.
    pub fn problem(&self) -> String {
        format!(
            "{} refused: the whole-queue steps of this trace would pass their bound of {} units of work ({WORK_FLOOR}, and {WORK_PER_BYTE} a byte of its {} bytes of input)",
            self.kind.name(),
            self.bound,
            self.bytes
        )
    }
}

impl fmt::Display for OverBound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.problem())
    }
}

impl std::error::Error for OverBound {}
