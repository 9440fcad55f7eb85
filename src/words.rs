//! How messages quote what they found.

/// The longest string quoted in a message, in characters.
const QUOTE_LIMIT: usize = 40;

/// `text` in double quotes with Rust's escapes, cut after [`QUOTE_LIMIT`] characters.
pub(crate) fn quote(text: &str) -> String {
    match text.char_indices().nth(QUOTE_LIMIT) {
        None => format!("{text:?}"),
        Some((cut, _)) => format!("{:?}...", text.get(..cut).unwrap_or_default()),
    }
}
