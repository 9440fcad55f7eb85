//! The proto-JSON message reader, shared with the operations (`crate::proto_json`).

pub(super) use crate::proto_json::{Message, Values, read};
