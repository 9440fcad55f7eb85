//! How messages quote what they found (`crate::words`).

pub(crate) use crate::words::quote;
