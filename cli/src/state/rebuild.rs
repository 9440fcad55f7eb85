//! The public response and the listing carry no timestamps or set IDs. They are checked as
//! lists of build IDs, without the model, and rebuilt into sets by replaying operations only
//! when a command works on the sets: for each set, oldest first, its first build ID as a new
//! default set, then the others as compatible additions.
//!
//! Why two steps: checking borrows every build ID from the document and keeps one word per
//! build ID beside it, a few times the input; the model costs about 125 bytes per build ID
//! whatever the input spent on it, ten times and more what these forms spend (`"b12345",`).
//! So `check` stays within a small multiple of its input, and a command that needs the sets
//! pays for them after the check's memory is gone.

use std::collections::HashMap;
use std::fmt;

use version_sets::{InvalidData, Limits, Problem, QueueDefault, Update, VersionSets};

use super::shapes::{Id, ListedSet};
use super::{Finding, Need};
use crate::json;

/// Sets without timestamps, and what was found in them.
#[derive(Default)]
pub(crate) struct Rebuild {
    /// The first [`InvalidData::MAX_LISTED`] findings, as the library lists violations.
    pub(crate) findings: Vec<Finding>,
    /// Findings past those.
    pub(crate) unlisted: usize,
    pub(crate) notes: Vec<String>,
    /// The last set of a listing read so far, whose findings wait for the next.
    listed: Option<Listed>,
}

/// What a listed set's findings need once it is known whether it is the last.
struct Listed {
    i: usize,
    is_default_set: bool,
    /// The problem of its `defaultForSet`, if any.
    wrong_default: Option<String>,
}

/// At most this many empty sets are noted one by one; the rest are counted in one note, so
/// that a document of empty sets (`{},` each) does not cost a sentence for every three bytes.
const NOTED_EMPTY_SETS: usize = 10;

/// How many sets and build IDs data holds, as the model counts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Counts {
    pub(crate) sets: usize,
    pub(crate) build_ids: usize,
}

impl Rebuild {
    fn report(&mut self, path: &str, problem: impl fmt::Display) {
        if self.findings.len() < InvalidData::MAX_LISTED {
            self.findings.push(Finding {
                path: path.to_owned(),
                problem: problem.to_string(),
            });
        } else {
            self.unlisted += 1;
        }
    }

    /// Checks the next set of a listing as it is read: its `isDefaultSet` and
    /// `defaultForSet` must agree with the listing's order (the last set is the queue's
    /// default, and the last build ID of a set is the set's default). Whether this set is
    /// the last is known only at the next one or at [`Rebuild::end_listing`], so its
    /// findings wait until then, in order.
    pub(crate) fn listed_set(&mut self, i: usize, set: &ListedSet<'_>) {
        self.flush_listed(false);
        let wrong_default = match (&set.default_for_set, set.build_ids.last()) {
            (Some(named), Some(default)) if named != default.as_str() => Some(format!(
                "is {}, but the set's default (the last of buildIds) is {}",
                json::quote(named),
                json::quote(default.as_str())
            )),
            _ => None,
        };
        self.listed = Some(Listed {
            i,
            is_default_set: set.is_default_set,
            wrong_default,
        });
    }

    /// The listing has been read: its last set's findings.
    pub(crate) fn end_listing(&mut self) {
        self.flush_listed(true);
    }

    fn flush_listed(&mut self, last: bool) {
        let Some(listed) = self.listed.take() else {
            return;
        };
        let i = listed.i;
        match (listed.is_default_set, last) {
            (true, false) => self.report(
                &format!("[{i}].isDefaultSet"),
                "is true, but only the last set is the queue's default set",
            ),
            (false, true) => self.report(
                &format!("[{i}].isDefaultSet"),
                "is false, but the last set is the queue's default set",
            ),
            _ => {}
        }
        if let Some(problem) = listed.wrong_default {
            self.report(&format!("[{i}].defaultForSet"), problem);
        }
    }

    /// Checks the sets (set `i` at the path `{prefix}[i]`): a build ID in two places is a
    /// finding at the second, naming the first. A set with no build IDs is what the server
    /// lists for a set whose build IDs are all deleted: it is valid, but cannot be rebuilt
    /// without its tombstones, so it is left out with a note.
    ///
    /// Linear in the build IDs: each is kept as a slice of the document and its place in
    /// document order (turned back into a path only for a repeat), in a map sized up front
    /// and seeded at random, so that input chosen to collide cannot make it quadratic.
    fn check(&mut self, prefix: &str, sets: &[Vec<Id<'_>>]) -> Counts {
        let path = |i: usize| format!("{prefix}[{i}]");
        let build_ids = sets.iter().map(Vec::len).sum();
        let mut first_place: HashMap<&str, usize, foldhash::fast::RandomState> =
            HashMap::with_capacity_and_hasher(build_ids, foldhash::fast::RandomState::default());
        // (set, position in it, place of the first) of each repeat, in document order.
        let mut repeats = Vec::new();
        let mut place = 0;
        let mut empty = 0;
        for (i, ids) in sets.iter().enumerate() {
            if ids.is_empty() {
                empty += 1;
                if empty <= NOTED_EMPTY_SETS {
                    self.notes.push(format!(
                        "{} has no live build IDs (all deleted); it is left out of the rebuilt sets",
                        path(i)
                    ));
                }
            }
            for (j, id) in ids.iter().enumerate() {
                match first_place.get(id.as_str()) {
                    Some(&first) => repeats.push((i, j, first)),
                    None => {
                        first_place.insert(id.as_str(), place);
                    }
                }
                place += 1;
            }
        }
        drop(first_place);
        if let Some(more) = empty.checked_sub(NOTED_EMPTY_SETS).filter(|&more| more > 0) {
            self.notes.push(format!(
                "{more} more sets have no live build IDs; they are left out of the rebuilt sets too"
            ));
        }
        if !repeats.is_empty() {
            // Where each set starts in document order, to turn a place back into a path.
            let starts: Vec<usize> = sets
                .iter()
                .scan(0, |start, ids| {
                    let this = *start;
                    *start += ids.len();
                    Some(this)
                })
                .collect();
            for (i, j, first) in repeats {
                let set = starts
                    .partition_point(|&start| start <= first)
                    .saturating_sub(1);
                let at = first - starts.get(set).copied().unwrap_or_default();
                let id = sets
                    .get(i)
                    .and_then(|ids| ids.get(j))
                    .map_or("", Id::as_str);
                self.report(
                    &format!("{}.buildIds[{j}]", path(i)),
                    Problem::DuplicateBuildId {
                        build_id: id.to_owned(),
                        first: format!("{}.buildIds[{at}]", path(set)),
                    },
                );
            }
        }
        Counts {
            sets: sets.iter().filter(|ids| !ids.is_empty()).count(),
            build_ids,
        }
    }

    /// Checks the sets, then rebuilds them when `need` says so and nothing was found (a
    /// listing with findings cannot be trusted to rebuild from): the counts when nothing was
    /// found, and the sets when they were rebuilt.
    pub(crate) fn run(
        &mut self,
        prefix: &str,
        sets: Vec<Vec<Id<'_>>>,
        need: Need,
    ) -> (Option<Counts>, Option<VersionSets>) {
        let counts = self.check(prefix, &sets);
        if !self.findings.is_empty() {
            return (None, None);
        }
        let state = match need {
            Need::Findings => None,
            Need::Sets => self.build(prefix, sets),
        };
        (Some(counts), state)
    }

    /// The sets, checked by [`Rebuild::check`] and found valid, rebuilt by replaying
    /// operations; each set's list is dropped once replayed.
    fn build(&mut self, prefix: &str, sets: Vec<Vec<Id<'_>>>) -> Option<VersionSets> {
        let mut state = VersionSets::new();
        let mut now = 0;
        for (i, ids) in sets.into_iter().enumerate() {
            let mut ids = ids.iter().map(Id::to_build_id);
            let Some(first) = ids.next() else {
                continue;
            };
            let mut update = Update::add_new_default(first.clone());
            loop {
                now += 1;
                // The check found no repeat, so this cannot fail; should it, it is reported
                // rather than trusted.
                if let Err(error) = state.apply(&update, now, Limits::NONE) {
                    self.report(&format!("{prefix}[{i}]"), error);
                    return None;
                }
                let Some(id) = ids.next() else {
                    break;
                };
                update = Update::add_new_compatible(id, first.clone(), QueueDefault::Keep);
            }
        }
        Some(state)
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    fn sets(listed: &[&[&'static str]]) -> Vec<Vec<Id<'static>>> {
        listed
            .iter()
            .map(|ids| {
                ids.iter()
                    .map(|id| Id::deserialize(serde_json::Value::from(*id)).unwrap())
                    .collect()
            })
            .collect()
    }

    /// The findings of checking `listed`, each as `path: problem`.
    fn findings(listed: &[&[&'static str]]) -> Vec<String> {
        let mut rebuild = Rebuild::default();
        rebuild.check("s", &sets(listed));
        rebuild.findings.iter().map(ToString::to_string).collect()
    }

    /// A repeat names its first place by path, whatever empty sets lie before it.
    #[test]
    fn a_repeat_names_its_first_place_across_empty_sets() {
        assert_eq!(
            findings(&[&["x"], &[], &["a"], &["a"]]),
            ["s[3].buildIds[0]: build ID a also appears at s[2].buildIds[0]"]
        );
        assert_eq!(
            findings(&[&[], &[], &["b", "a"], &[], &["c", "a", "b"]]),
            [
                "s[4].buildIds[1]: build ID a also appears at s[2].buildIds[1]",
                "s[4].buildIds[2]: build ID b also appears at s[2].buildIds[0]",
            ]
        );
        assert_eq!(
            findings(&[&["a", "a", "a"]]),
            [
                "s[0].buildIds[1]: build ID a also appears at s[0].buildIds[0]",
                "s[0].buildIds[2]: build ID a also appears at s[0].buildIds[0]",
            ]
        );
        assert!(findings(&[&["a"], &["b"], &[]]).is_empty());
    }

    /// What `check` counts without the model is what the rebuilt model holds.
    #[test]
    fn the_counts_are_the_rebuilt_models() {
        let cases: [&[&[&'static str]]; 4] = [
            &[],
            &[&[]],
            &[&["a", "b"], &[], &["c"]],
            &[&[], &["a"], &[], &["b", "c", "d"], &[]],
        ];
        for listed in cases {
            let mut rebuild = Rebuild::default();
            let (counts, state) = rebuild.run("s", sets(listed), Need::Sets);
            let (counts, state) = (counts.unwrap(), state.unwrap());
            assert_eq!(counts.sets, state.set_count(), "{listed:?}");
            assert_eq!(counts.build_ids, state.build_id_count(), "{listed:?}");
            let (unbuilt, none) = Rebuild::default().run("s", sets(listed), Need::Findings);
            assert_eq!((unbuilt, none.is_none()), (Some(counts), true));
        }
    }

    /// Past the tenth, empty sets are counted in one note; past the thousandth, findings are
    /// counted, not listed.
    #[test]
    fn notes_and_findings_stop_growing_with_the_input() {
        let empty: Vec<&[&'static str]> = vec![&[]; 13];
        let mut rebuild = Rebuild::default();
        rebuild.check("s", &sets(&empty));
        assert_eq!(rebuild.notes.len(), NOTED_EMPTY_SETS + 1);
        assert_eq!(
            rebuild.notes[NOTED_EMPTY_SETS - 1],
            "s[9] has no live build IDs (all deleted); it is left out of the rebuilt sets"
        );
        assert_eq!(
            rebuild.notes[NOTED_EMPTY_SETS],
            "3 more sets have no live build IDs; they are left out of the rebuilt sets too"
        );
        let mut ten = Rebuild::default();
        ten.check("s", &sets(&empty[..NOTED_EMPTY_SETS]));
        assert_eq!(ten.notes.len(), NOTED_EMPTY_SETS);

        let repeats = vec!["a"; InvalidData::MAX_LISTED + 3];
        let mut rebuild = Rebuild::default();
        let (counts, state) = rebuild.run("s", sets(&[&repeats]), Need::Sets);
        assert_eq!((counts, state.is_none()), (None, true));
        assert_eq!(rebuild.findings.len(), InvalidData::MAX_LISTED);
        assert_eq!(rebuild.unlisted, 2);
    }
}
