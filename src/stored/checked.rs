//! Stored data read and checked in one pass (feature `serde`): each set is checked and
//! loaded as soon as it is read, and dropped, so the whole `VersioningData` is never held.
//!
//! Why: the typed `VersioningData` costs some 80 bytes for each set however little of the
//! document it took (`{},` is three bytes), so reading it whole before checking it cannot
//! stay within a small multiple of hostile input. The result is exactly
//! [`VersionSets::from_data`]'s, and so are the errors of a document that is not stored data:
//! every set is read by [`VersionSetData`]'s own reader, and the object around them by a
//! reader declared with the same names, defaults and words as [`VersioningData`]'s.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};

use super::load::Loader;
use crate::{InvalidData, VersionSetData, VersionSets, VersioningData};

/// Stored versioning data (Temporal's proto-JSON `VersioningData`), read and checked in one
/// pass: what [`VersionSets::from_data`] would answer for the same document read as
/// [`VersioningData`], in less memory.
///
/// # Example
/// ```
/// use version_sets::CheckedData;
///
/// let CheckedData(loaded) = serde_json::from_str(r#"{"versionSets": [{}]}"#)?;
/// let invalid = loaded.unwrap_err();
/// assert_eq!(invalid.count(), 3);
/// assert_eq!(invalid.violations()[0].to_string(), "versionSets[0].setIds: a set needs at least one set ID");
///
/// let not_data = serde_json::from_str::<CheckedData>(r#"{"versionSet": []}"#);
/// assert!(not_data.unwrap_err().to_string().starts_with("unknown field `versionSet`"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(
    from = "Streamed",
    expecting = "stored versioning data (an object with versionSets)"
)]
pub struct CheckedData(pub Result<VersionSets, InvalidData>);

/// [`VersioningData`]'s reader, with its sets loaded as they are read.
#[derive(Deserialize)]
#[serde(
    rename_all = "camelCase",
    deny_unknown_fields,
    expecting = "stored versioning data (an object with versionSets)"
)]
struct Streamed {
    #[serde(default = "no_sets", deserialize_with = "load_sets")]
    version_sets: Result<VersionSets, InvalidData>,
}

impl From<Streamed> for CheckedData {
    fn from(streamed: Streamed) -> Self {
        Self(streamed.version_sets)
    }
}

/// What an absent `versionSets` loads to.
fn no_sets() -> Result<VersionSets, InvalidData> {
    VersionSets::from_data(&VersioningData::default())
}

/// The sets, each loaded as soon as it is read.
fn load_sets<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Result<VersionSets, InvalidData>, D::Error> {
    struct SetsVisitor;

    impl<'de> Visitor<'de> for SetsVisitor {
        type Value = Result<VersionSets, InvalidData>;

        // Worded as `Vec`'s reader words it.
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a sequence")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut loader = Loader::streaming();
            while let Some(set) = seq.next_element::<VersionSetData>()? {
                loader.add_owned_set(set);
            }
            Ok(loader.finish())
        }
    }

    deserializer.deserialize_seq(SetsVisitor)
}

impl<'de> Deserialize<'de> for VersionSets {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let CheckedData(loaded) = CheckedData::deserialize(deserializer)?;
        loaded.map_err(de::Error::custom)
    }
}
