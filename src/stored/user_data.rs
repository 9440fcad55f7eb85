//! `TaskQueueUserData` (feature `serde`): the wrapper a task queue's versioning data is
//! stored in, as `tdbg` prints it, read in one pass: its versioning data as `streamed.rs`
//! reads it, and what was read past. The facade makes it a
//! [`TaskQueueUserData`](crate::TaskQueueUserData), whose docs say what is read past.

use serde::Deserialize;
use serde::de::Deserializer;

use super::streamed::StreamedData;
use crate::Note;
use crate::proto_json::{self as message, Message, Values};

/// A task queue's `TaskQueueUserData`, read in one pass.
#[derive(Debug, Default)]
pub(crate) struct StreamedUserData {
    /// The versioning data, read, checked and loaded; `None` when absent (no sets).
    pub(crate) versioning_data: Option<StreamedData>,
    /// The fields outside the versioning data that were read past, in document order.
    pub(crate) notes: Vec<Note>,
}

/// What newer servers write in `TaskQueueUserData` beside the versioning data.
const NEWER: [&str; 1] = ["perType"];

impl<'de> Deserialize<'de> for StreamedUserData {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        message::read(deserializer)
    }
}

impl<'de> Message<'de> for StreamedUserData {
    const NAME: &'static str = "TaskQueueUserData";
    const EXPECTING: &'static str = "TaskQueueUserData: an object with versioningData and clock";
    const FIELDS: &'static [&'static str] = &["versioningData", "clock", NEWER[0]];
    const MODELLED: &'static [&'static str] = &["versioningData", "clock"];

    fn field<V: Values<'de>>(&mut self, index: usize, values: &mut V) -> Result<(), V::Error> {
        match index {
            0 => {
                if let Some(data) = values.next()? {
                    self.versioning_data = Some(data);
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
