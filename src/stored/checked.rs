//! Stored data read and checked in one pass (feature `serde`): each set is checked and
//! loaded as soon as it is read, and dropped, so the whole `VersioningData` is never held.
//!
//! Why: the typed `VersioningData` costs some 80 bytes for each set however little of the
//! document it took (`{},` is three bytes), so reading it whole before checking it cannot
//! stay within a small multiple of hostile input. The result is exactly
//! [`VersionSets::from_data`]'s, and so are the errors of a document that is not stored data:
//! every set is read by [`VersionSetData`]'s own reader, and the object around them by the
//! same message reader as [`VersioningData`]'s, with the same names and words.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, SeqAccess, Visitor};

use super::load::Loader;
use super::message::{self, Message, Values};
use crate::{InvalidData, Note, VersionSetData, VersionSets};

/// Stored versioning data (Temporal's proto-JSON `VersioningData`), read and checked in one
/// pass: what [`VersionSets::from_data`] would answer for the same document read as
/// [`VersioningData`](crate::VersioningData), in less memory. The worker-versioning rules
/// that newer servers keep beside the sets (`assignmentRules`, `redirectRules`) are read
/// past, each with a [`Note`].
///
/// # Example
/// ```
/// use version_sets::{CheckedData, Note};
///
/// let checked: CheckedData = serde_json::from_str(r#"{"versionSets": [{}]}"#)?;
/// let invalid = checked.sets.unwrap_err();
/// assert_eq!(invalid.count(), 3);
/// assert_eq!(invalid.violations()[0].to_string(), "versionSets[0].setIds: a set needs at least one set ID");
///
/// // Proto names, `null` for a default, and rules read past with a note.
/// let newer: CheckedData = serde_json::from_str(r#"{"version_sets": null, "assignmentRules": []}"#)?;
/// assert_eq!(newer.sets?.set_count(), 0);
/// assert_eq!(newer.notes, [Note::RulesIgnored { field: "assignmentRules" }]);
///
/// let not_data = serde_json::from_str::<CheckedData>(r#"{"versionSet": []}"#);
/// assert!(not_data.unwrap_err().to_string().starts_with("unknown field `versionSet`"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedData {
    /// The sets, or every violation found in them.
    pub sets: Result<VersionSets, InvalidData>,
    /// What was read past, in document order.
    pub notes: Vec<Note>,
}

impl Default for CheckedData {
    /// No sets: what an absent `versionSets` loads to.
    fn default() -> Self {
        Self {
            sets: Ok(VersionSets::new()),
            notes: Vec::new(),
        }
    }
}

impl<'de> Deserialize<'de> for CheckedData {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let streamed: Streamed = message::read(deserializer)?;
        Ok(CheckedData {
            sets: streamed.loader.finish(),
            notes: streamed.notes,
        })
    }
}

/// The fields of [`CheckedData`] as they are read: its sets loaded as they are read.
struct Streamed {
    loader: Loader,
    notes: Vec<Note>,
}

impl Default for Streamed {
    fn default() -> Self {
        Self {
            loader: Loader::streaming(),
            notes: Vec::new(),
        }
    }
}

/// The worker-versioning rules that newer servers keep in `VersioningData`.
const RULES: [&str; 2] = ["assignmentRules", "redirectRules"];

impl<'de> Message<'de> for Streamed {
    const NAME: &'static str = "VersioningData";
    const EXPECTING: &'static str = "stored versioning data (an object with versionSets)";
    const FIELDS: &'static [&'static str] = &["versionSets", RULES[0], RULES[1]];
    const MODELLED: &'static [&'static str] = &["versionSets"];

    fn field<V: Values<'de>>(&mut self, index: usize, values: &mut V) -> Result<(), V::Error> {
        if index == 0 {
            values.next_seed(LoadSets(&mut self.loader))?;
        } else if let Some(&field) = Self::FIELDS.get(index) {
            if values.read_past()? {
                self.notes.push(Note::RulesIgnored { field });
            }
        }
        Ok(())
    }
}

/// The sets, each loaded as soon as it is read.
struct LoadSets<'a>(&'a mut Loader);

impl<'de> DeserializeSeed<'de> for LoadSets<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for LoadSets<'_> {
    type Value = ();

    // Worded as `Vec`'s reader words it.
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a sequence")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(set) = seq.next_element::<VersionSetData>()? {
            self.0.add_owned_set(set);
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for VersionSets {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        CheckedData::deserialize(deserializer)?
            .sets
            .map_err(de::Error::custom)
    }
}
