//! The words diagnostics use to describe JSON.

use serde_json::Value;

/// The longest string quoted in a diagnostic, in characters.
const QUOTE_LIMIT: usize = 40;

/// `text` in double quotes with Rust's escapes, cut after [`QUOTE_LIMIT`] characters.
pub(crate) fn quote(text: &str) -> String {
    match text.char_indices().nth(QUOTE_LIMIT) {
        None => format!("{text:?}"),
        Some((cut, _)) => format!("{:?}...", text.get(..cut).unwrap_or_default()),
    }
}

/// How a diagnostic names a value it did not expect: scalars as themselves, strings quoted,
/// containers by kind.
pub(crate) fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => quote(s),
        Value::Array(_) => "an array".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}
