//! The sets of the public forms: the `GetWorkerBuildIdCompatibility` response and what
//! `temporal task-queue get-build-ids -o json` prints. They list build IDs and nothing else
//! (no timestamps, no set IDs, no deleted build IDs), so they are checked here as lists of
//! build IDs, and the facade rebuilds a `VersionSets` from the checked lists by replaying
//! updates ([`PublicSets::rebuild`]). What was made up is said by the [`Provenance`] that
//! comes with the sets.
//!
//! Why checking and rebuilding are two steps: checking keeps each build ID as it is in the
//! document (a slice of it, when read by `CheckedResponse` or `CheckedListing`) and one word
//! beside it, a few times what the document spends on it; the model costs about 125 bytes per
//! build ID, ten times and more what these forms spend (`"b12345",`). So a caller that only
//! checks stays within a small multiple of its input, and one that needs the sets pays for
//! them once the check is done.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::core::MAX_BUILD_IDS;
use crate::hash_key::HashKey;
use crate::{BuildId, BuildIdCompatibility, InvalidData, Note, Problem, Violation};

/// The JSON path of the response's sets.
pub(super) const RESPONSE: &str = "majorVersionSets";
/// The JSON path of a listing's sets: the listing is the array itself.
pub(super) const LISTING: &str = "";

/// Where the facts of a [`VersionSets`](crate::VersionSets) come from: the data's own, or made
/// up where a form does not carry them. Kept beside the sets (not in them, whose answers do
/// not change), so that every answer resting on a made-up fact can consult it.
///
/// # Example
/// ```
/// use version_sets::{BuildId, BuildIdCompatibility, MajorVersionSet, Provenance, VersionSets};
///
/// let response = BuildIdCompatibility {
///     major_version_sets: vec![MajorVersionSet { build_ids: vec![BuildId::new("1.0")?] }],
/// };
/// let rebuilt = VersionSets::from_response(&response)?;
/// assert_eq!(rebuilt.provenance, Provenance::Rebuilt);
/// assert!(rebuilt.provenance.timestamps_reconstructed());
/// assert!(!Provenance::Exact.set_ids_reconstructed());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Provenance {
    /// Every fact is the data's own: stored data (`VersioningData`, `TaskQueueUserData`),
    /// or sets built by updates.
    Exact,
    /// Rebuilt from build IDs alone (the public response or a listing) by replaying
    /// updates: the timestamps and set IDs are made up, and deleted build IDs (and sets
    /// whose build IDs are all deleted) are missing.
    Rebuilt,
}

impl Provenance {
    /// Whether the timestamps (and so the clock) are made up: answers that rest on them
    /// (the stored form, the order of a merge of two sets, the stamps of an update) are not
    /// the server's.
    pub const fn timestamps_reconstructed(self) -> bool {
        matches!(self, Provenance::Rebuilt)
    }

    /// Whether the set IDs are made up: answers that name a set by its ID (the stored form,
    /// the set a poller or a task is guessed into) are not the server's.
    pub const fn set_ids_reconstructed(self) -> bool {
        matches!(self, Provenance::Rebuilt)
    }

    /// Whether deleted build IDs are missing: answers about a deleted build ID (a poll, a
    /// removal), and a queue whose last sets are all deleted, are not the server's.
    pub const fn tombstones_missing(self) -> bool {
        matches!(self, Provenance::Rebuilt)
    }
}

/// One set of a `temporal task-queue get-build-ids -o json` listing (the listing is an
/// array of them, oldest first; `null` for an unversioned queue). Plain data: any value can
/// be built; [`VersionSets::from_listing`](crate::VersionSets::from_listing) checks it. With
/// the `serde` feature it reads `{"buildIds": [...], "defaultForSet": "...", "isDefaultSet":
/// true}`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct ListedSet {
    /// The build IDs, oldest first; the last is the set's default.
    pub build_ids: Vec<BuildId>,
    /// The set's default build ID, as the listing names it: the last of `build_ids`.
    pub default_for_set: Option<String>,
    /// Whether this is the queue's default set: the last one.
    pub is_default_set: bool,
}

/// The sets of a public form, checked: each set's build IDs, kept as the document holds
/// them, and what is wrong with them. [`PublicSets::rebuild`] makes them a
/// [`VersionSets`](crate::VersionSets).
///
/// Read from a document by [`CheckedResponse`](crate::CheckedResponse) or
/// [`CheckedListing`](crate::CheckedListing) (feature `serde`), which keep each build ID as
/// a slice of the document where they can.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicSets<'a> {
    /// Each set's build IDs. A boxed slice, not a `Vec`: 16 bytes for a set, where a
    /// document of empty sets spends three (`{},`).
    sets: Vec<IdList<'a>>,
    violations: Vec<Violation>,
    unlisted: usize,
    notes: Vec<Note>,
}

/// One set's build IDs, as the check keeps them.
pub(super) type IdList<'a> = Box<[Cow<'a, str>]>;

/// What checking found so far: the first [`InvalidData::MAX_LISTED`] violations, listed,
/// and how many more.
#[derive(Debug, Default)]
pub(super) struct Found {
    violations: Vec<Violation>,
    unlisted: usize,
}

impl Found {
    fn report(&mut self, path: String, problem: Problem) {
        if self.violations.len() < InvalidData::MAX_LISTED {
            self.violations.push(Violation::new(path, problem));
        } else {
            self.unlisted += 1;
        }
    }
}

/// The check of a listing's flags, set by set as they are read: `isDefaultSet` and
/// `defaultForSet` must agree with the listing's order (the last set is the queue's
/// default, the last build ID of a set is the set's default). Whether a set is the last is
/// known only at the next set or at the end, so its violations wait until then, in order.
#[derive(Debug, Default)]
pub(super) struct ListingFlags {
    found: Found,
    /// How many sets were read.
    sets: usize,
    /// The last set read: its `isDefaultSet`, and the problem of its `defaultForSet`.
    waiting: Option<(bool, Option<Problem>)>,
}

impl ListingFlags {
    /// Checks the next set's flags.
    pub(super) fn set(
        &mut self,
        is_default_set: bool,
        default_for_set: Option<&str>,
        last_build_id: Option<&str>,
    ) {
        self.flush(false);
        let wrong_default = match (default_for_set, last_build_id) {
            (Some(named), Some(default)) if named != default => Some(Problem::WrongSetDefault {
                named: named.to_owned(),
                default: default.to_owned(),
            }),
            _ => None,
        };
        self.waiting = Some((is_default_set, wrong_default));
        self.sets += 1;
    }

    /// The listing has been read: what was found.
    pub(super) fn finish(mut self) -> Found {
        self.flush(true);
        self.found
    }

    fn flush(&mut self, last: bool) {
        let Some((is_default_set, wrong_default)) = self.waiting.take() else {
            return;
        };
        let i = self.sets.saturating_sub(1);
        match (is_default_set, last) {
            (true, false) => self
                .found
                .report(format!("[{i}].isDefaultSet"), Problem::NotLastDefaultSet),
            (false, true) => self
                .found
                .report(format!("[{i}].isDefaultSet"), Problem::LastNotDefaultSet),
            _ => {}
        }
        if let Some(problem) = wrong_default {
            self.found.report(format!("[{i}].defaultForSet"), problem);
        }
    }
}

impl<'a> PublicSets<'a> {
    /// Checks `sets` (set `i` at the JSON path `{prefix}[i]`), after what was `found` while
    /// reading them: a build ID that [`BuildId::check`] refuses is a violation at its path, and
    /// a build ID in two places is one at the second, naming the first. A set with no build
    /// IDs is noted, not refused.
    ///
    /// Linear in the build IDs: each is looked up by its text, and its place in document
    /// order kept (turned back into a path only for a repeat), in a map sized up front and
    /// seeded at random, so that input chosen to collide cannot make it quadratic. The map
    /// holds a reference to each build ID as the sets hold it and a 32-bit place: 16 bytes,
    /// where these forms spend about ten on a build ID.
    pub(super) fn check(prefix: &str, sets: Vec<IdList<'a>>, mut found: Found) -> Self {
        let path = |i: usize| format!("{prefix}[{i}]");
        let build_ids: usize = sets.iter().map(|ids| ids.len()).sum();
        if u32::try_from(build_ids).is_err() {
            // More than any queue holds, by far: refused for its size alone, as stored data is.
            let problem = Problem::TooManyBuildIds {
                count: build_ids,
                max: MAX_BUILD_IDS,
            };
            found.report(prefix.to_owned(), problem);
            return Self {
                sets,
                violations: found.violations,
                unlisted: found.unlisted,
                notes: Vec::new(),
            };
        }
        let mut first_place: HashMap<&Cow<'a, str>, u32, HashKey> =
            HashMap::with_capacity_and_hasher(build_ids, HashKey::random());
        // (set, position in it, place of the first) of each repeat, and each invalid build
        // ID, in document order: only as many as can be listed, the rest only counted, so
        // that a document of nothing else (`"",` each) costs no more than one of valid IDs.
        let mut repeats = Vec::new();
        let mut unlisted_repeats: usize = 0;
        let mut notes = Vec::new();
        // Below `u32::MAX`: checked above.
        let mut place: u32 = 0;
        let mut empty = 0;
        for (i, ids) in sets.iter().enumerate() {
            if ids.is_empty() {
                empty += 1;
                if empty <= Note::EMPTY_SETS_NOTED {
                    notes.push(Note::EmptySetLeftOut { path: path(i) });
                }
            }
            for (j, id) in ids.iter().enumerate() {
                // Refused as stored data refuses it (`load.rs`), and kept out of the repeats
                // as there: one problem, one violation, in every form.
                if let Err(error) = BuildId::check(id) {
                    if repeats.len() < InvalidData::MAX_LISTED {
                        repeats.push((i, j, Err(error)));
                    } else {
                        unlisted_repeats += 1;
                    }
                    place = place.saturating_add(1);
                    continue;
                }
                match first_place.get(&id) {
                    Some(_) if repeats.len() >= InvalidData::MAX_LISTED => {
                        unlisted_repeats += 1;
                    }
                    Some(&first) => repeats.push((i, j, Ok(first))),
                    None => {
                        first_place.insert(id, place);
                    }
                }
                place = place.saturating_add(1);
            }
        }
        drop(first_place);
        if let Some(count) = empty
            .checked_sub(Note::EMPTY_SETS_NOTED)
            .filter(|&more| more > 0)
        {
            notes.push(Note::MoreEmptySetsLeftOut { count });
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
                let first = match first {
                    Ok(first) => first,
                    Err(error) => {
                        let problem = Problem::InvalidBuildId(error);
                        found.report(format!("{}.buildIds[{j}]", path(i)), problem);
                        continue;
                    }
                };
                // A u32 always fits a usize on the platforms the crate builds for.
                let first = usize::try_from(first).unwrap_or(usize::MAX);
                let set = starts
                    .partition_point(|&start| start <= first)
                    .saturating_sub(1);
                let at = first - starts.get(set).copied().unwrap_or_default();
                let id = sets
                    .get(i)
                    .and_then(|ids| ids.get(j))
                    .map_or("", |id| id.as_ref());
                found.report(
                    format!("{}.buildIds[{j}]", path(i)),
                    Problem::DuplicateBuildId {
                        build_id: id.to_owned(),
                        first: format!("{}.buildIds[{at}]", path(set)),
                    },
                );
            }
        }
        Self {
            sets,
            violations: found.violations,
            unlisted: found.unlisted.saturating_add(unlisted_repeats),
            notes,
        }
    }

    /// What is wrong with the sets (every violation, as
    /// [`VersionSets::from_data`](crate::VersionSets::from_data) lists them), or `None` when
    /// they can be rebuilt.
    pub fn invalid(&self) -> Option<InvalidData> {
        (!self.violations.is_empty())
            .then(|| InvalidData::new(self.violations.clone(), self.unlisted))
    }

    /// The sets left out of the rebuilt sets (those with no build IDs), as notes.
    pub fn notes(&self) -> &[Note] {
        &self.notes
    }

    /// How many sets the rebuilt sets hold: those with build IDs.
    pub fn set_count(&self) -> usize {
        self.sets.iter().filter(|ids| !ids.is_empty()).count()
    }

    /// How many build IDs the rebuilt sets hold: all of them.
    pub fn build_id_count(&self) -> usize {
        self.sets.iter().map(|ids| ids.len()).sum()
    }

    /// Each set's build IDs, in document order, and the notes, for rebuilding the sets: or
    /// [`InvalidData`] with every violation found, when there are any, or when the sets hold
    /// more build IDs than a queue of `max` can.
    pub(crate) fn into_sets(self, max: usize) -> Result<(Vec<IdList<'a>>, Vec<Note>), InvalidData> {
        if !self.violations.is_empty() {
            return Err(InvalidData::new(self.violations, self.unlisted));
        }
        let count = self.build_id_count();
        if count > max {
            let problem = Problem::TooManyBuildIds { count, max };
            return Err(InvalidData::new(
                vec![Violation::new(String::new(), problem)],
                0,
            ));
        }
        Ok((self.sets, self.notes))
    }
}

/// The sets of the public response, checked: see
/// [`VersionSets::from_response`](crate::VersionSets::from_response).
pub(crate) fn response_sets(response: &BuildIdCompatibility) -> PublicSets<'_> {
    let sets = response
        .major_version_sets
        .iter()
        .map(|set| borrowed(&set.build_ids))
        .collect();
    PublicSets::check(RESPONSE, sets, Found::default())
}

/// The sets of a `get-build-ids` listing, checked: see
/// [`VersionSets::from_listing`](crate::VersionSets::from_listing).
pub(crate) fn listing_sets(listing: &[ListedSet]) -> PublicSets<'_> {
    let mut flags = ListingFlags::default();
    for set in listing {
        flags.set(
            set.is_default_set,
            set.default_for_set.as_deref(),
            set.build_ids.last().map(BuildId::as_str),
        );
    }
    let sets = listing.iter().map(|set| borrowed(&set.build_ids)).collect();
    PublicSets::check(LISTING, sets, flags.finish())
}

/// Build IDs as the check keeps them.
fn borrowed(ids: &[BuildId]) -> IdList<'_> {
    ids.iter().map(|id| Cow::Borrowed(id.as_str())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sets<'a>(listed: &[&[&'a str]]) -> Vec<IdList<'a>> {
        listed
            .iter()
            .map(|ids| ids.iter().map(|id| Cow::Borrowed(*id)).collect())
            .collect()
    }

    /// The violations of checking `listed`, each as `path: problem`.
    fn violations(listed: &[&[&str]]) -> Vec<String> {
        let checked = PublicSets::check("s", sets(listed), Found::default());
        checked.violations.iter().map(ToString::to_string).collect()
    }

    /// A repeat names its first place by path, whatever empty sets lie before it.
    #[test]
    fn a_repeat_names_its_first_place_across_empty_sets() {
        assert_eq!(
            violations(&[&["x"], &[], &["a"], &["a"]]),
            ["s[3].buildIds[0]: build ID a also appears at s[2].buildIds[0]"]
        );
        assert_eq!(
            violations(&[&[], &[], &["b", "a"], &[], &["c", "a", "b"]]),
            [
                "s[4].buildIds[1]: build ID a also appears at s[2].buildIds[1]",
                "s[4].buildIds[2]: build ID b also appears at s[2].buildIds[0]",
            ]
        );
        assert_eq!(
            violations(&[&["a", "a", "a"]]),
            [
                "s[0].buildIds[1]: build ID a also appears at s[0].buildIds[0]",
                "s[0].buildIds[2]: build ID a also appears at s[0].buildIds[0]",
            ]
        );
        assert!(violations(&[&["a"], &["b"], &[]]).is_empty());
    }

    /// Past the thousandth, violations are counted, not listed; and past the core's
    /// capacity (here 64 build IDs) the sets are refused whole.
    #[test]
    fn violations_stop_growing_and_the_capacity_holds() {
        let repeats = vec!["a"; InvalidData::MAX_LISTED + 3];
        let checked = PublicSets::check("s", sets(&[&repeats]), Found::default());
        let invalid = checked.into_sets(MAX_BUILD_IDS).unwrap_err();
        assert_eq!(invalid.violations().len(), InvalidData::MAX_LISTED);
        assert_eq!(invalid.unlisted(), 2);

        let ids: Vec<String> = (0..=64).map(|i| i.to_string()).collect();
        let one_set: Vec<&str> = ids.iter().map(String::as_str).collect();
        let checked = PublicSets::check("", sets(&[&one_set]), Found::default());
        assert_eq!(
            checked.into_sets(64).unwrap_err().to_string(),
            "65 build IDs, more than the 64 a queue can hold"
        );
        let fits = PublicSets::check("", sets(&[&one_set[1..]]), Found::default());
        let (fitting, _) = fits.into_sets(64).unwrap();
        assert_eq!(fitting.iter().map(|ids| ids.len()).sum::<usize>(), 64);
    }
}
