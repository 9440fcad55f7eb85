//! [`VersionSets`] with the `serde` feature: written as its stored form, and read only
//! through the check, so that invalid data never becomes a value. [`CheckedData`] and
//! [`TaskQueueUserData`] are the checked readers of stored data: `stored` reads the document
//! and loads it in one pass (`stored/streamed.rs`, `stored/user_data.rs`), and they make the
//! result a `VersionSets`.

use serde::de::{self, Deserializer};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};

use super::VersionSets;
use crate::stored::{InvalidData, Note, StreamedData, StreamedUserData};

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

impl CheckedData {
    /// The data as `stored` read and loaded it, its sets made a value.
    fn streamed(streamed: StreamedData) -> Self {
        Self {
            sets: streamed.loaded.map(VersionSets::loaded),
            notes: streamed.notes,
        }
    }
}

impl<'de> Deserialize<'de> for CheckedData {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        StreamedData::deserialize(deserializer).map(Self::streamed)
    }
}

/// A task queue's `TaskQueueUserData` as `tdbg` prints it
/// (`{"versioningData": {...}, "clock": {...}}`): its versioning data, read and checked as
/// [`CheckedData`] reads it (absent is no sets).
///
/// Read past: the user data's own `clock`, which orders writes of the user data, not version
/// sets; and what newer servers write beside the versioning data (`perType`, the
/// worker-deployment data by task type), each with a [`Note`]. Inside the versioning data,
/// an unknown field is an error, as [`CheckedData`] has it.
///
/// # Example
/// ```
/// use version_sets::{Note, TaskQueueUserData};
///
/// let text = r#"{
///     "clock": {"wallClock": "5", "version": 0, "clusterId": "1"},
///     "versioningData": {"versionSets": [], "redirectRules": []},
///     "perType": {"1": {"deploymentData": {}}}
/// }"#;
/// let user_data: TaskQueueUserData = serde_json::from_str(text)?;
/// assert_eq!(user_data.versioning_data.sets?.set_count(), 0);
/// assert_eq!(user_data.versioning_data.notes, [Note::RulesIgnored { field: "redirectRules" }]);
/// assert_eq!(user_data.notes, [Note::FieldIgnored { field: "perType" }]);
/// assert_eq!(
///     user_data.notes[0].to_string(),
///     "perType ignored (it is outside the versioning data, which is all this model reads)"
/// );
///
/// let unknown = serde_json::from_str::<TaskQueueUserData>(r#"{"versioningData": {"sets": []}}"#);
/// assert!(unknown.unwrap_err().to_string().starts_with("unknown field `sets`, expected `versionSets`"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TaskQueueUserData {
    /// The versioning data, read and checked, with its own notes.
    pub versioning_data: CheckedData,
    /// The fields outside the versioning data that were read past, in document order.
    pub notes: Vec<Note>,
}

impl<'de> Deserialize<'de> for TaskQueueUserData {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let streamed = StreamedUserData::deserialize(deserializer)?;
        Ok(Self {
            versioning_data: streamed
                .versioning_data
                .map(CheckedData::streamed)
                .unwrap_or_default(),
            notes: streamed.notes,
        })
    }
}

impl Serialize for VersionSets {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_data().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for VersionSets {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        CheckedData::deserialize(deserializer)?
            .sets
            .map_err(de::Error::custom)
    }
}
