//! Strict JSON reading for data files, and the words diagnostics use to describe JSON (the
//! trace crate's, so that every message of the command and of a trace words JSON alike).

use serde_json::Value;
use version_sets_trace::read_strict;
pub(crate) use version_sets_trace::{describe, quote};

/// Parses one JSON document strictly (valid UTF-8, no duplicate keys), as the library's
/// traces do.
///
/// # Errors
/// `LINE:COLUMN: invalid JSON: REASON` (or `LINE:COLUMN: invalid UTF-8`).
pub(crate) fn read(bytes: &[u8]) -> Result<Value, String> {
    read_strict(bytes).map_err(|error| error.to_string())
}
