//! The one invariant checker: [`VersionSets::validate`].

use std::fmt;

use crate::core::{Core, MemberIndex, MemberKey};
use crate::{Hlc, VersionSets};

/// A broken invariant in a [`VersionSets`]: only a bug in this crate can produce one, since
/// every public way of making or changing a value keeps the invariants. `Display` names the
/// first finding and how many more there are.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct Inconsistency {
    findings: Vec<String>,
}

impl Inconsistency {
    /// `INTERNAL`: an inconsistency is a bug in this crate, not a problem with any input.
    pub const fn code(&self) -> crate::Code {
        crate::Code::Internal
    }
}

#[cfg(test)]
impl Inconsistency {
    pub(crate) fn findings_for_tests(&self) -> Vec<String> {
        self.findings.clone()
    }
}

impl fmt::Display for Inconsistency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.findings.split_first() {
            None => f.write_str("inconsistent version sets"),
            Some((first, [])) => write!(f, "inconsistent version sets: {first}"),
            Some((first, rest)) => write!(
                f,
                "inconsistent version sets: {first} (and {} more)",
                rest.len()
            ),
        }
    }
}

impl VersionSets {
    /// Checks every invariant of the value: each set non-empty, its set IDs present, sorted
    /// and distinct, list order agreeing with timestamp order (ties allowed) for the sets and
    /// within each set, every link between sets and build IDs in step, the counts right, and
    /// the clock at least every timestamp. Values built through this crate's API always
    /// pass; the check exists for tests, fuzzing and the `debug_assert!` after every change.
    ///
    /// Runs in time linear in the number of build IDs, without copying the data.
    ///
    /// # Errors
    /// An [`Inconsistency`] listing every finding.
    ///
    /// # Example
    /// ```
    /// use version_sets::{BuildId, Limits, Update, VersionSets};
    ///
    /// let mut sets = VersionSets::new();
    /// sets.apply(&Update::add_new_default(BuildId::new("1.0")?), 1, Limits::NONE)?;
    /// assert_eq!(sets.validate(), Ok(()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn validate(&self) -> Result<(), Inconsistency> {
        let mut findings = Vec::new();
        let mut found = |path: &dyn fmt::Display, what: &str| {
            findings.push(format!("{path}: {what}"));
        };
        let core = &self.core;
        let clock = self.clock;
        let late = |stamp: Hlc| stamp > clock;

        let (mut sets, mut members) = (0, 0);
        let mut previous_set = None;
        let mut previous_stamp: Option<Hlc> = None;
        let mut previous_order = None;
        let mut cursor = core.ends().map(|(oldest, _)| oldest);
        while let Some(key) = cursor {
            let at = SetPath(sets);
            let node = core.set(key);
            if sets >= core.set_count() {
                found(
                    &at,
                    "the list of sets runs past the number of sets (a cycle)",
                );
                break;
            }
            if node.prev() != previous_set {
                found(&at, "the link to the previous set is wrong");
            }
            let stamp = node.became_default_timestamp();
            if previous_stamp.is_some_and(|before| stamp < before) {
                found(&at, "the set became default earlier than the set before it");
            }
            if previous_order.is_some_and(|before| node.order() <= before) {
                found(&at, "the set's place number is not above the set before it");
            }
            previous_order = Some(node.order());
            if late(stamp) {
                found(&at, "the set's timestamp is later than the clock");
            }
            let ids = node.set_ids();
            if ids.iter().any(|id| id.as_str().is_empty()) {
                found(&at, "a set ID is empty");
            }
            if ids.iter().zip(ids.iter().skip(1)).any(|(a, b)| a >= b) {
                found(&at, "the set IDs are not sorted and distinct");
            }

            let mut in_set = 0;
            let mut previous_member = None;
            let mut previous_build: Option<Hlc> = None;
            let mut member_cursor = Some(node.first());
            while let Some(member_key) = member_cursor {
                let at = MemberPath(sets, in_set);
                let (_, member) = core.member(member_key);
                if in_set >= node.len() {
                    found(&at, "the set holds more build IDs than it counts");
                    break;
                }
                if member.set() != key {
                    found(&at, "the build ID points at another set");
                }
                if member.prev() != previous_member {
                    found(&at, "the link to the previous build ID is wrong");
                }
                let became_default = member.became_default_timestamp();
                if previous_build.is_some_and(|before| became_default < before) {
                    found(
                        &at,
                        "the build ID became default earlier than the one before it",
                    );
                }
                if late(became_default) || late(member.state_update_timestamp()) {
                    found(&at, "a timestamp is later than the clock");
                }
                previous_member = Some(member_key);
                previous_build = Some(became_default);
                member_cursor = member.next();
                in_set += 1;
            }
            if in_set != node.len() || previous_member != Some(node.last()) {
                found(
                    &at,
                    "the set's count or default is out of step with its build IDs",
                );
            }
            if let Some(index) = node.index() {
                if !index_agrees(core, node.first(), node.len(), index) {
                    found(&at, "the set's index is out of step with its build IDs");
                }
            }
            members += in_set;
            previous_set = Some(key);
            previous_stamp = Some(stamp);
            cursor = node.next();
            sets += 1;
        }
        if sets != core.set_count() || previous_set != core.ends().map(|(_, newest)| newest) {
            found(
                &"versionSets",
                "the list of sets is out of step with the sets held",
            );
        }
        if members != core.member_count() {
            found(
                &"versionSets",
                "the index holds build IDs that no set lists",
            );
        }
        if findings.is_empty() {
            Ok(())
        } else {
            Err(Inconsistency { findings })
        }
    }
}

/// Whether `index` holds exactly the `len` members of the list from `first`, in list order,
/// each under its own timestamp and tie number.
fn index_agrees(core: &Core, first: MemberKey, len: usize, index: &MemberIndex) -> bool {
    let mut cursor = Some(first);
    let in_step = index.entries().all(|(key, stamp, own)| {
        let listed = cursor == Some(key);
        cursor = cursor.and_then(|key| core.member(key).1.next());
        listed && own && core.member(key).1.became_default_timestamp() == stamp
    });
    in_step && cursor.is_none() && index.counts() == (len, len)
}

struct SetPath(usize);

impl fmt::Display for SetPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "versionSets[{}]", self.0)
    }
}

struct MemberPath(usize, usize);

impl fmt::Display for MemberPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "versionSets[{}].buildIds[{}]", self.0, self.1)
    }
}
