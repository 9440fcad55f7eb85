//! Independent reference model of version sets, written straight from the rules of
//! `docs/semantics.md` (updates, limits, garbage collection, dispatch lookups, intents, the
//! public view). It shares no code with the crate and uses only `std`:
//! plain lists, linear scans, logical ticks instead of hybrid logical clocks, and set IDs
//! kept as the build IDs they are named after (the crate hashes them; the model need not).
//! Used by the stateful property test and the fuzz target to cross-check the crate.

// Plain data, documented by docs/semantics.md: every tick is a logical timestamp (larger = later).

/// One public update operation (the `Updates` rules of docs/semantics.md).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    AddNewDefault(String),
    AddCompatible {
        new: String,
        existing: String,
        make_default: bool,
    },
    PromoteSet(String),
    PromoteWithin(String),
    Merge {
        primary: String,
        secondary: String,
    },
}

/// A build ID record; `bdt` = tick at which it became its set's default (or was added),
/// `sut` = tick at which it was added or its state last changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub id: String,
    pub deleted: bool,
    pub bdt: u64,
    pub sut: u64,
}

/// A compatible set, members oldest first (last = set default); `bdt` = tick at which it
/// became the queue default (or was created); its set IDs are the hashes of the build IDs
/// in `named_after`, sorted (the first member when created, the union of every list a
/// merge combines), then those of `appended`, in order (persisted build IDs' hashes, which
/// `PersistUnknownBuildId` appends; a merge sorts them in with the rest).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Set {
    pub members: Vec<Member>,
    pub bdt: u64,
    pub named_after: Vec<String>,
    pub appended: Vec<String>,
}

impl Set {
    /// Whether the set is named after `x` (its set IDs hold `H(x)`).
    pub fn is_named_after(&self, x: &str) -> bool {
        self.named_after
            .iter()
            .chain(&self.appended)
            .any(|n| n == x)
    }

    /// Every name, sorted part and appended part alike.
    fn names(&self) -> impl Iterator<Item = &String> {
        self.named_after.iter().chain(&self.appended)
    }

    /// Sorts the appended names in with the rest (any combining of lists does).
    fn sort_names(&mut self) {
        self.named_after.append(&mut self.appended);
        self.named_after.sort();
        self.named_after.dedup();
    }
}

/// One queue's sets (oldest first, last = queue default), the last tick used, the
/// limits (0 = unlimited; build IDs count tombstones), and whether every tick's stamp is
/// below zero.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Model {
    pub sets: Vec<Set>,
    pub tick: u64,
    pub max_sets: usize,
    pub max_build_ids: usize,
    /// Every stamp, the initial clock's included, is below zero: persisting stamps its
    /// own tick instead of tick 0, the zero clock, which would be later than the clock
    /// (`persist.negative-clock`).
    pub below_zero: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Changed,
    NoOp,
}

/// `code` is `"INVALID_ARGUMENT"`, `"NOT_FOUND"` or `"FAILED_PRECONDITION"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelError {
    pub code: &'static str,
    pub message: String,
}

/// Versioned poll result (`poll.*`); `Unknown` = not in any set (polls its guessed set ID).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Poll {
    Accepted,
    NewerBuildExists(String),
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    Unspecified,
    Compatible,
    Default,
}

/// Where a new task or run goes (`resolve.*`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    SetDefault(String),
    ExactBuildId(String),
    Unversioned,
    Rejected,
}

fn error(code: &'static str, message: String) -> ModelError {
    ModelError { code, message }
}

fn invalid(message: String) -> Result<Outcome, ModelError> {
    Err(error("INVALID_ARGUMENT", message))
}

fn not_found(message: String) -> Result<Outcome, ModelError> {
    Err(error("NOT_FOUND", message))
}

fn member(id: &str, t: u64) -> Member {
    Member {
        id: id.to_string(),
        deleted: false,
        bdt: t,
        sut: t,
    }
}

impl Model {
    /// An empty model with the given limits.
    pub fn with_limits(max_sets: usize, max_build_ids: usize) -> Self {
        Model {
            max_sets,
            max_build_ids,
            ..Model::default()
        }
    }

    /// (set index, member index) of `id`, tombstones included.
    pub fn find(&self, id: &str) -> Option<(usize, usize)> {
        for (si, set) in self.sets.iter().enumerate() {
            if let Some(mi) = set.members.iter().position(|m| m.id == id) {
                return Some((si, mi));
            }
        }
        None
    }

    /// Number of build ID records, tombstones included.
    pub fn build_id_count(&self) -> usize {
        self.sets.iter().map(|s| s.members.len()).sum()
    }

    fn set_len(&self, si: usize) -> usize {
        self.sets.get(si).map_or(0, |s| s.members.len())
    }

    fn next_tick(&mut self) -> u64 {
        self.tick += 1;
        self.tick
    }

    fn move_set_to_end(&mut self, si: usize) {
        if si < self.sets.len() {
            let set = self.sets.remove(si);
            self.sets.push(set);
        }
    }

    /// Limit check (`limits.*`): sets first, then build IDs (tombstones count).
    pub fn check_limits(&self) -> Result<(), ModelError> {
        let over = |what: &str, n: usize, max: usize| {
            let m = format!(
                "update would exceed number of {what} permitted in namespace dynamic config ({n}/{max})"
            );
            error("FAILED_PRECONDITION", m)
        };
        if self.max_sets > 0 && self.sets.len() > self.max_sets {
            return Err(over(
                "compatible version sets",
                self.sets.len(),
                self.max_sets,
            ));
        }
        let b = self.build_id_count();
        if self.max_build_ids > 0 && b > self.max_build_ids {
            return Err(over("build IDs", b, self.max_build_ids));
        }
        Ok(())
    }

    /// Applies `op` (the `Updates` rules of docs/semantics.md) then checks limits; on any error the model is unchanged.
    pub fn apply(&mut self, op: &Op) -> Result<Outcome, ModelError> {
        let mut next = self.clone();
        let outcome = next.apply_unchecked(op)?;
        next.check_limits()?;
        *self = next;
        Ok(outcome)
    }

    fn apply_unchecked(&mut self, op: &Op) -> Result<Outcome, ModelError> {
        match op {
            Op::AddNewDefault(x) => {
                if let Some(last) = self.sets.last()
                    && last.members.len() == 1
                    && last.members.iter().any(|m| &m.id == x)
                {
                    return Ok(Outcome::NoOp);
                }
                if self.find(x).is_some() {
                    return invalid(format!("version {x} already exists"));
                }
                let t = self.next_tick();
                self.sets.push(Set {
                    members: vec![member(x, t)],
                    bdt: t,
                    named_after: vec![x.clone()],
                    appended: Vec::new(),
                });
                Ok(Outcome::Changed)
            }
            Op::AddCompatible {
                new,
                existing,
                make_default,
            } => {
                let Some((es, _)) = self.find(existing) else {
                    return not_found(format!("targeted compatible_version {existing} not found"));
                };
                match self.find(new) {
                    Some((ns, ni)) if ns == es => {
                        if *make_default && es + 1 != self.sets.len() {
                            return invalid(format!(
                                "version {new} already exists and is not default for queue"
                            ));
                        }
                        if ni + 1 != self.set_len(es) {
                            return invalid(format!(
                                "version {new} already exists and is not default in set"
                            ));
                        }
                        return Ok(Outcome::NoOp);
                    }
                    Some(_) => {
                        let msg = format!(
                            "{new} requested to be made compatible with {existing} but both versions exist and are incompatible"
                        );
                        return invalid(msg);
                    }
                    None => {}
                }
                let t = self.next_tick();
                if let Some(set) = self.sets.get_mut(es) {
                    set.members.push(member(new, t));
                    if *make_default {
                        set.bdt = t;
                    }
                }
                if *make_default {
                    self.move_set_to_end(es);
                }
                Ok(Outcome::Changed)
            }
            Op::PromoteSet(x) => {
                let Some((si, _)) = self.find(x) else {
                    return not_found(format!("targeted version {x} not found"));
                };
                if si + 1 == self.sets.len() {
                    return Ok(Outcome::NoOp);
                }
                let t = self.next_tick();
                if let Some(set) = self.sets.get_mut(si) {
                    set.bdt = t;
                }
                self.move_set_to_end(si);
                Ok(Outcome::Changed)
            }
            Op::PromoteWithin(x) => {
                let Some((si, mi)) = self.find(x) else {
                    return not_found(format!("targeted version {x} not found"));
                };
                if mi + 1 == self.set_len(si) {
                    return Ok(Outcome::NoOp);
                }
                let t = self.next_tick();
                if let Some(set) = self.sets.get_mut(si)
                    && mi < set.members.len()
                {
                    let mut m = set.members.remove(mi);
                    m.bdt = t;
                    set.members.push(m);
                }
                Ok(Outcome::Changed)
            }
            Op::Merge { primary, secondary } => {
                let Some((ps, _)) = self.find(primary) else {
                    return not_found(format!("targeted primary version {primary} not found"));
                };
                let Some((ss, _)) = self.find(secondary) else {
                    return not_found(format!("targeted secondary version {secondary} not found"));
                };
                if ps == ss {
                    return Ok(Outcome::NoOp);
                }
                // `model.list-order`: the server's merge over the whole data sorts every set
                // and build ID by timestamp (stably here), after the primary set's listed
                // default is stamped, so that one ends its set's list.
                let listed_default = self
                    .sets
                    .get(ps)
                    .and_then(|set| set.members.last())
                    .map(|m| m.id.clone());
                self.sort_by_timestamps();
                let Some(listed_default) = listed_default else {
                    return Ok(Outcome::NoOp); // unreachable: a set is never empty
                };
                let (Some((ps, pm)), Some((ss, _))) =
                    (self.find(&listed_default), self.find(secondary))
                else {
                    return Ok(Outcome::NoOp); // unreachable: sorting keeps every build ID
                };
                if let Some(set) = self.sets.get_mut(ps)
                    && pm < set.members.len()
                {
                    let m = set.members.remove(pm);
                    set.members.push(m);
                }
                let (Some(p), Some(s)) = (self.sets.get(ps).cloned(), self.sets.get(ss).cloned())
                else {
                    return Ok(Outcome::NoOp); // unreachable: both indices come from find
                };
                let t = self.next_tick();
                let mut p = p;
                if let Some(last) = p.members.last_mut() {
                    last.bdt = t;
                }
                // Stable sort by bdt of the older set's members, then the newer's: tied
                // members keep the older set's first (the crate's documented tie-break;
                // ties arise only from persisted build IDs, all stamped zero).
                let (mut members, newer) = if ps < ss {
                    (p.members, s.members)
                } else {
                    (s.members, p.members)
                };
                members.extend(newer);
                members.sort_by_key(|m| m.bdt);
                // The merged set sits where the set with the larger bdt was (tie: the later one).
                let keep = if p.bdt > s.bdt || (p.bdt == s.bdt && ps > ss) {
                    ps
                } else {
                    ss
                };
                let drop = if keep == ps { ss } else { ps };
                let mut named_after = p.named_after;
                named_after.extend(p.appended);
                named_after.extend(s.named_after);
                named_after.extend(s.appended);
                let mut merged = Some(Set {
                    members,
                    bdt: p.bdt.max(s.bdt),
                    named_after,
                    appended: Vec::new(),
                });
                if let Some(m) = merged.as_mut() {
                    m.sort_names();
                }
                let old = std::mem::take(&mut self.sets);
                for (i, set) in old.into_iter().enumerate() {
                    if i == keep {
                        if let Some(m) = merged.take() {
                            self.sets.push(m);
                        }
                    } else if i != drop {
                        self.sets.push(set);
                    }
                }
                self.rejoin_shared();
                // The server's merge over the whole data sorts the set IDs of every set it
                // regroups with two or more build IDs; a set of one keeps its list.
                for set in &mut self.sets {
                    if set.members.len() >= 2 {
                        set.sort_names();
                    }
                }
                Ok(Outcome::Changed)
            }
        }
    }

    /// Sets by `bdt`, and each set's members by `bdt`; ties keep list order.
    fn sort_by_timestamps(&mut self) {
        self.sets.sort_by_key(|set| set.bdt);
        for set in &mut self.sets {
            set.members.sort_by_key(|m| m.bdt);
        }
    }

    /// `merge.rejoins-shared`: while two sets share a set ID (are named after one build ID),
    /// join the first such pair: members stably sorted by `bdt`, the older set's first; the
    /// larger `bdt`; the place of the set with the larger `bdt` (tie: the later one).
    fn rejoin_shared(&mut self) {
        loop {
            let mut pair = None;
            'find: for (i, a) in self.sets.iter().enumerate() {
                for (j, b) in self.sets.iter().enumerate().skip(i + 1) {
                    if a.names().any(|n| b.is_named_after(n)) {
                        pair = Some((i, j));
                        break 'find;
                    }
                }
            }
            let Some((i, j)) = pair else { return };
            let (Some(a), Some(b)) = (self.sets.get(i).cloned(), self.sets.get(j).cloned()) else {
                return;
            };
            let keep = if a.bdt > b.bdt { i } else { j };
            let drop = if keep == i { j } else { i };
            let mut members = a.members;
            members.extend(b.members);
            members.sort_by_key(|m| m.bdt);
            let mut named_after = a.named_after;
            named_after.extend(a.appended);
            named_after.extend(b.named_after);
            named_after.extend(b.appended);
            let mut joined = Set {
                members,
                bdt: a.bdt.max(b.bdt),
                named_after,
                appended: Vec::new(),
            };
            joined.sort_names();
            if let Some(slot) = self.sets.get_mut(keep) {
                *slot = joined;
            }
            self.sets.remove(drop);
        }
    }

    /// Tombstones every listed existing ID (already-deleted ones too), stamping its `sut`;
    /// nothing moves. `Changed` iff any listed ID exists. No limit check.
    pub fn remove(&mut self, ids: &[String]) -> Outcome {
        if !ids.iter().any(|id| self.find(id).is_some()) {
            return Outcome::NoOp;
        }
        let t = self.next_tick();
        for set in &mut self.sets {
            for m in &mut set.members {
                if ids.contains(&m.id) {
                    m.deleted = true;
                    m.sut = t;
                }
            }
        }
        Outcome::Changed
    }

    /// Persist unknown build ID (`persist.*`): if `x` exists, its set is also named after it
    /// (`NoOp` when it already is); else the set `[x]` is inserted as the oldest, stamped
    /// tick 0 (the zero clock). No limit check.
    pub fn persist_unknown(&mut self, x: &str) -> Outcome {
        match self.find(x) {
            Some((si, _)) => {
                let named = self.sets.get(si).is_some_and(|s| s.is_named_after(x));
                if named {
                    return Outcome::NoOp;
                }
                self.next_tick();
                if let Some(set) = self.sets.get_mut(si) {
                    // Appended, not sorted in (`persist.existing-adds-set-id`).
                    set.appended.push(x.to_string());
                }
            }
            None => {
                let tick = self.next_tick();
                // Below zero the new tick is the stamp, and the set sorts no later than
                // the oldest set, whose stamp is earlier (`persist.negative-clock`).
                let (stamp, bdt) = if self.below_zero {
                    (tick, self.sets.first().map_or(tick, |oldest| oldest.bdt))
                } else {
                    (0, 0)
                };
                let set = Set {
                    members: vec![member(x, stamp)],
                    bdt,
                    named_after: vec![x.to_string()],
                    appended: Vec::new(),
                };
                self.sets.insert(0, set);
            }
        }
        Outcome::Changed
    }

    /// Drops tombstones, then empty sets. `Changed` iff something was dropped.
    pub fn clear_tombstones(&mut self) -> Outcome {
        let before = (self.build_id_count(), self.sets.len());
        for set in &mut self.sets {
            set.members.retain(|m| !m.deleted);
        }
        self.sets.retain(|s| !s.members.is_empty());
        if (self.build_id_count(), self.sets.len()) == before {
            Outcome::NoOp
        } else {
            Outcome::Changed
        }
    }

    /// Public listing (`view.*`): active IDs, oldest set first, newest `max_sets` sets
    /// (all if 0); an all-tombstone set is an empty list.
    pub fn public_view(&self, max_sets: usize) -> Vec<Vec<String>> {
        let skip = if max_sets > 0 {
            self.sets.len().saturating_sub(max_sets)
        } else {
            0
        };
        let visible = |s: &Set| -> Vec<String> {
            s.members
                .iter()
                .filter(|m| !m.deleted)
                .map(|m| m.id.clone())
                .collect()
        };
        self.sets.iter().skip(skip).map(visible).collect()
    }

    /// Last member of the last set, tombstone or not.
    pub fn queue_default(&self) -> Option<String> {
        self.sets
            .last()
            .and_then(|s| s.members.last())
            .map(|m| m.id.clone())
    }

    /// Last member of the set holding `id`.
    pub fn set_default_of(&self, id: &str) -> Option<String> {
        let (si, _) = self.find(id)?;
        self.sets.get(si)?.members.last().map(|m| m.id.clone())
    }

    /// Versioned poll by build ID `id` (`poll.*`).
    pub fn poll(&self, id: &str) -> Poll {
        match self.set_default_of(id) {
            None => Poll::Unknown,
            Some(d) if d == id => Poll::Accepted,
            Some(d) => Poll::NewerBuildExists(d),
        }
    }

    /// Intent resolution (`resolve.*`); `self` is the target queue, `caller` the workflow's
    /// build ID, `same_task_queue` whether the target is the caller's own queue (or unset).
    pub fn resolve(
        &self,
        intent: Intent,
        caller: Option<&str>,
        same_task_queue: bool,
    ) -> Resolution {
        let use_compatible = match intent {
            Intent::Compatible => true,
            Intent::Default => false,
            Intent::Unspecified => same_task_queue,
        };
        if use_compatible && !same_task_queue {
            return Resolution::Rejected;
        }
        if use_compatible {
            let Some(w) = caller else {
                return Resolution::Unversioned;
            };
            return match self.set_default_of(w) {
                Some(d) => Resolution::SetDefault(d),
                None => Resolution::ExactBuildId(w.to_string()),
            };
        }
        match self.queue_default() {
            Some(d) => Resolution::SetDefault(d),
            None => Resolution::Unversioned,
        }
    }
}
