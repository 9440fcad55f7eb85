//! The words diagnostics use to describe JSON (the trace crate's, so that every message of
//! the command and of a trace words JSON alike).

pub(crate) use version_sets_trace::{describe, quote};
