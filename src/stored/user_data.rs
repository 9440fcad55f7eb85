//! `TaskQueueUserData` (feature `serde`): the wrapper a task queue's versioning data is
//! stored in, as `tdbg` prints it.

use serde::Deserialize;
use serde::de::Deserializer;

use super::message::{self, Message, Values};
use crate::{CheckedData, Note};

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

/// What newer servers write in `TaskQueueUserData` beside the versioning data.
const NEWER: [&str; 1] = ["perType"];

impl<'de> Deserialize<'de> for TaskQueueUserData {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        message::read(deserializer)
    }
}

impl<'de> Message<'de> for TaskQueueUserData {
    const NAME: &'static str = "TaskQueueUserData";
    const EXPECTING: &'static str = "TaskQueueUserData: an object with versioningData and clock";
    const FIELDS: &'static [&'static str] = &["versioningData", "clock", NEWER[0]];
    const MODELLED: &'static [&'static str] = &["versioningData", "clock"];

    fn field<V: Values<'de>>(&mut self, index: usize, values: &mut V) -> Result<(), V::Error> {
        match index {
            0 => {
                if let Some(data) = values.next()? {
                    self.versioning_data = data;
                }
            }
            1 => {
                values.read_past()?;
            }
            _ => {
                if values.read_past()? {
                    self.notes.push(Note::FieldIgnored { field: NEWER[0] });
                }
            }
        }
        Ok(())
    }
}
