//! How messages quote what they found: the one quoting rule of every reader in the
//! workspace (the model's, the trace crate's and the command's), so that no message repeats
//! an input of megabytes.

/// The longest string quoted in a message, in characters.
const QUOTE_LIMIT: usize = 40;

/// `text` in double quotes with Rust's escapes. Past 40 characters only the first 40 are
/// quoted, followed by `...` and the whole string's length in bytes: a key, a value or a
/// build ID read from input may be megabytes long, and a message must stay one readable line.
///
/// # Example
/// ```
/// use version_sets::quote;
///
/// assert_eq!(quote("a\"b"), r#""a\"b""#);
/// assert_eq!(
///     quote(&"k".repeat(50)),
///     format!("{:?}... (50 bytes)", "k".repeat(40))
/// );
/// ```
#[must_use]
pub fn quote(text: &str) -> String {
    match text.char_indices().nth(QUOTE_LIMIT) {
        None => format!("{text:?}"),
        Some((cut, _)) => format!(
            "{:?}... ({} bytes)",
            text.get(..cut).unwrap_or_default(),
            text.len()
        ),
    }
}

/// Whether [`quote`] quotes `text` whole.
// Only the proto-JSON reader asks, and it is built with the `serde` feature.
#[cfg_attr(not(feature = "serde"), allow(dead_code))]
pub(crate) fn fits(text: &str) -> bool {
    text.chars().nth(QUOTE_LIMIT).is_none()
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn forty_characters_are_quoted_whole_and_more_are_cut_with_the_length() {
        let forty = "é".repeat(40);
        assert_eq!(quote(&forty), format!("{forty:?}"));
        let long = format!("{forty}x");
        assert_eq!(quote(&long), format!("{forty:?}... (81 bytes)"));
    }
}
