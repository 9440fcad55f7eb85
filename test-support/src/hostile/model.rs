//! A linear model of the updates the hostile programs use (docs/semantics.md, the rules
//! named below), so that the expected outcome of each of tens of thousands of steps, and the
//! sets they leave, can be known without the quadratic reference model of `crate::model`.
//!
//! Order is kept as keys rather than positions: every stamp is the next tick, a set's place
//! is its became-default key, a member's place in its set is its became-default key, and
//! the layout is sorted once at the end.

use std::collections::HashMap;

use version_sets::BuildId;

/// An update's outcome, as the model decides it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Changed,
    NoOp,
    Failed,
}

#[derive(Default)]
pub struct Linear<'a> {
    set_of: HashMap<&'a str, usize>,
    key_of: HashMap<&'a str, u64>,
    members: Vec<Vec<&'a str>>,
    default: Vec<&'a str>,
    set_key: Vec<u64>,
    merged_away: Vec<bool>,
    last: Option<usize>,
    tick: u64,
}

fn valid(id: &str) -> bool {
    BuildId::new(id).is_ok()
}

impl<'a> Linear<'a> {
    /// Sets as loaded: each set's key is `set_key`, each member's key its own; later ticks
    /// are larger than every key given.
    pub fn load(&mut self, members: Vec<Vec<(&'a str, u64)>>, set_keys: Vec<u64>) {
        for (ids, key) in members.into_iter().zip(set_keys) {
            let s = self.members.len();
            let mut set = Vec::with_capacity(ids.len());
            let mut default = "";
            for (id, member_key) in ids {
                self.set_of.insert(id, s);
                self.key_of.insert(id, member_key);
                self.tick = self.tick.max(member_key);
                set.push(id);
                default = id;
            }
            self.tick = self.tick.max(key);
            self.members.push(set);
            self.default.push(default);
            self.set_key.push(key);
            self.merged_away.push(false);
            if self.last.is_none_or(|last| self.set_key[last] < key) {
                self.last = Some(s);
            }
        }
    }

    fn next(&mut self) -> u64 {
        self.tick += 1;
        self.tick
    }

    /// `add-new-default.*`.
    pub fn add_default(&mut self, x: &'a str) -> Outcome {
        if !valid(x) {
            return Outcome::Failed;
        }
        if let Some(last) = self.last
            && self.members[last].len() == 1
            && self.members[last][0] == x
        {
            return Outcome::NoOp;
        }
        if self.set_of.contains_key(x) {
            return Outcome::Failed;
        }
        let t = self.next();
        let s = self.members.len();
        self.set_of.insert(x, s);
        self.key_of.insert(x, t);
        self.members.push(vec![x]);
        self.default.push(x);
        self.set_key.push(t);
        self.merged_away.push(false);
        self.last = Some(s);
        Outcome::Changed
    }

    /// `add-compatible.*`.
    pub fn add_compatible(&mut self, new: &'a str, existing: &'a str, make: bool) -> Outcome {
        if !valid(new) || !valid(existing) {
            return Outcome::Failed;
        }
        let Some(&s) = self.set_of.get(existing) else {
            return Outcome::Failed;
        };
        if let Some(&set) = self.set_of.get(new) {
            if set != s || (make && self.last != Some(s)) || self.default[s] != new {
                return Outcome::Failed;
            }
            return Outcome::NoOp;
        }
        let t = self.next();
        self.set_of.insert(new, s);
        self.key_of.insert(new, t);
        self.members[s].push(new);
        self.default[s] = new;
        if make {
            self.set_key[s] = t;
            self.last = Some(s);
        }
        Outcome::Changed
    }

    /// `promote-set.*`.
    pub fn promote_set(&mut self, x: &'a str) -> Outcome {
        let Some(s) = self.find(x) else {
            return Outcome::Failed;
        };
        if self.last == Some(s) {
            return Outcome::NoOp;
        }
        self.set_key[s] = self.next();
        self.last = Some(s);
        Outcome::Changed
    }

    /// `promote-within.*`.
    pub fn promote_within(&mut self, x: &'a str) -> Outcome {
        let Some(s) = self.find(x) else {
            return Outcome::Failed;
        };
        if self.default[s] == x {
            return Outcome::NoOp;
        }
        let t = self.next();
        self.key_of.insert(x, t);
        self.default[s] = x;
        Outcome::Changed
    }

    /// `merge.*`: the primary set's default is stamped now; members keep their keys; the
    /// merged set takes the larger set key. Members move from the secondary's set, so a
    /// chain of merges into one set moves each member once.
    pub fn merge(&mut self, primary: &'a str, secondary: &'a str) -> Outcome {
        if !valid(primary) || !valid(secondary) {
            return Outcome::Failed;
        }
        let (Some(p), Some(s)) = (self.find(primary), self.find(secondary)) else {
            return Outcome::Failed;
        };
        if p == s {
            return Outcome::NoOp;
        }
        let t = self.next();
        let default = self.default[p];
        self.key_of.insert(default, t);
        let moved = std::mem::take(&mut self.members[s]);
        for id in &moved {
            self.set_of.insert(id, p);
        }
        self.members[p].extend(moved);
        self.set_key[p] = self.set_key[p].max(self.set_key[s]);
        self.merged_away[s] = true;
        if self.last == Some(s) {
            self.last = Some(p);
        }
        Outcome::Changed
    }

    fn find(&self, x: &str) -> Option<usize> {
        if !valid(x) {
            return None;
        }
        self.set_of.get(x).copied()
    }

    /// The sets, oldest first, each oldest member first.
    pub fn layout(&self) -> Vec<Vec<String>> {
        let mut sets: Vec<(u64, Vec<String>)> = (0..self.members.len())
            .filter(|&s| !self.merged_away[s])
            .map(|s| {
                let mut members: Vec<(u64, &str)> = self.members[s]
                    .iter()
                    .map(|id| (self.key_of[id], *id))
                    .collect();
                members.sort_unstable();
                let ids = members.into_iter().map(|(_, id)| id.to_owned()).collect();
                (self.set_key[s], ids)
            })
            .collect();
        sets.sort_by_key(|(key, _)| *key);
        sets.into_iter().map(|(_, ids)| ids).collect()
    }
}
