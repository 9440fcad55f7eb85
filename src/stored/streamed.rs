//! Stored data read and checked in one pass (feature `serde`): each set is checked and
//! loaded as soon as it is read, and dropped, so the whole `VersioningData` is never held.
//!
//! Why: the typed `VersioningData` costs some 80 bytes for each set however little of the
//! document it took (`{},` is three bytes), so reading it whole before checking it cannot
//! stay within a small multiple of hostile input. The result is exactly what `load` makes of
//! the same document read as [`VersioningData`](crate::VersioningData), and so are the errors
//! of a document that is not stored data: every set is read by [`VersionSetData`]'s own
//! reader, and the object around them by the same message reader as `VersioningData`'s, with
//! the same names and words. The facade makes the result a `VersionSets` ([`CheckedData`]).
//!
//! [`CheckedData`]: crate::CheckedData

use std::fmt;

use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, SeqAccess, Visitor};

use super::load::{Loaded, Loader};
use crate::proto_json::{self as message, Message, Values};
use crate::{InvalidData, Note, VersionSetData};

/// Stored versioning data (Temporal's proto-JSON `VersioningData`) read, checked and loaded
/// in one pass, and what was read past: what [`CheckedData`](crate::CheckedData) is made of.
#[derive(Debug)]
pub(crate) struct StreamedData {
    /// The core and clock loaded, or every violation found.
    pub(crate) loaded: Result<Loaded, InvalidData>,
    /// What was read past, in document order.
    pub(crate) notes: Vec<Note>,
}

impl<'de> Deserialize<'de> for StreamedData {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let fields: Fields = message::read(deserializer)?;
        let loaded = fields.loader.finish();
        let mut notes = fields.notes;
        if let Ok(loaded) = &loaded {
            notes.extend(loaded.notes.iter().cloned());
        }
        Ok(StreamedData { loaded, notes })
    }
}

/// The fields of [`StreamedData`] as they are read: its sets loaded as they are read.
struct Fields {
    loader: Loader,
    notes: Vec<Note>,
}

impl Default for Fields {
    fn default() -> Self {
        Self {
            loader: Loader::streaming(),
            notes: Vec::new(),
        }
    }
}

/// The worker-versioning rules that newer servers keep in `VersioningData`.
const RULES: [&str; 2] = ["assignmentRules", "redirectRules"];

impl<'de> Message<'de> for Fields {
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
