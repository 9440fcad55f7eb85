//! Strict reading of one JSON value, and the words messages use to describe JSON.

use std::collections::BTreeSet;
use std::fmt;

use serde::de::{self, Deserialize, DeserializeOwned, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use version_sets::BuildId;

/// Reads one JSON value, rejecting duplicate keys. `serde_json` keeps the last of two equal
/// keys silently, which would let `{"poll": "a", "poll": "b"}` pass as a single step.
///
/// The error is one line naming the (1-based) column, e.g.
/// `invalid JSON at column 9: expected value`.
pub(crate) fn read(text: &str) -> Result<Value, String> {
    read_strict(text.as_bytes()).map_err(|error| match error.problem {
        JsonProblem::Syntax(reason) => format!("invalid JSON at column {}: {reason}", error.column),
        problem @ JsonProblem::InvalidUtf8 => format!("{problem} at column {}", error.column),
    })
}

/// Where and why a JSON document could not be read by [`read_strict`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{column}: {problem}")]
pub struct JsonError {
    /// The 1-based line.
    pub line: usize,
    /// The 1-based column, in bytes.
    pub column: usize,
    /// What is wrong there.
    pub problem: JsonProblem,
}

impl JsonError {
    /// `INVALID_ARGUMENT`: JSON that cannot be read is bad input.
    pub const fn code(&self) -> version_sets::Code {
        version_sets::Code::InvalidArgument
    }
}

/// What [`read_strict`] found wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JsonProblem {
    /// The bytes are not UTF-8.
    #[error("invalid UTF-8")]
    InvalidUtf8,
    /// Not JSON, or an object with a key twice; the reason as `serde_json` words it.
    #[error("invalid JSON: {0}")]
    Syntax(String),
}

/// Reads one JSON document strictly: valid UTF-8, and no object with a key twice (Temporal's
/// proto-JSON reader rejects duplicate keys; `serde_json` would keep the last one silently).
/// Traces and the `version-sets` command read every document this way.
///
/// # Errors
/// A [`JsonError`] with the line and column of the first problem.
///
/// # Example
/// ```
/// use version_sets_trace::read_strict;
///
/// assert!(read_strict(br#"{"a": 1}"#).is_ok());
/// let err = read_strict(b"{\"a\": 1,\n \"a\": 2}").unwrap_err();
/// assert_eq!(err.to_string(), r#"2:4: invalid JSON: duplicate key "a""#);
/// ```
pub fn read_strict(bytes: &[u8]) -> Result<Value, JsonError> {
    check_utf8(bytes)?;
    serde_json::from_slice::<Strict>(bytes)
        .map(|strict| strict.0)
        .map_err(syntax_error)
}

/// Checks a JSON document as [`read_strict`] does, with the same errors, but keeps nothing:
/// for documents too large to hold as a tree.
///
/// # Errors
/// A [`JsonError`] with the line and column of the first problem.
///
/// # Example
/// ```
/// use version_sets_trace::check_strict;
///
/// assert!(check_strict(br#"{"a": [1, {"b": null}]}"#).is_ok());
/// let err = check_strict(b"{\"a\": 1,\n \"a\": 2}").unwrap_err();
/// assert_eq!(err.to_string(), r#"2:4: invalid JSON: duplicate key "a""#);
/// ```
pub fn check_strict(bytes: &[u8]) -> Result<(), JsonError> {
    check_utf8(bytes)?;
    serde_json::from_slice::<Checked>(bytes)
        .map(|_| ())
        .map_err(syntax_error)
}

/// The position of the first byte that is not UTF-8, as an error.
fn check_utf8(bytes: &[u8]) -> Result<(), JsonError> {
    let Err(error) = std::str::from_utf8(bytes) else {
        return Ok(());
    };
    let valid = bytes.get(..error.valid_up_to()).unwrap_or_default();
    let line = valid.iter().filter(|&&byte| byte == b'\n').count() + 1;
    let column = valid
        .iter()
        .rev()
        .take_while(|&&byte| byte != b'\n')
        .count()
        + 1;
    Err(JsonError {
        line,
        column,
        problem: JsonProblem::InvalidUtf8,
    })
}

fn syntax_error(error: serde_json::Error) -> JsonError {
    let text = error.to_string();
    // `serde_json` appends the position, which the error states once, up front (and
    // 1-based: it counts the start of a line as column 0).
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    JsonError {
        line: error.line(),
        column: error.column().max(1),
        problem: JsonProblem::Syntax(text.strip_suffix(&suffix).unwrap_or(&text).to_owned()),
    }
}

/// A JSON value whose objects had no duplicate keys, read and dropped.
struct Checked;

impl<'de> Deserialize<'de> for Checked {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(CheckedVisitor)
    }
}

/// Reads as [`StrictVisitor`] does, keeping only each object's keys while it is read.
struct CheckedVisitor;

impl<'de> Visitor<'de> for CheckedVisitor {
    type Value = Checked;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Checked, E> {
        if v.is_finite() {
            Ok(Checked)
        } else {
            Err(E::custom("number out of range"))
        }
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Checked, A::Error> {
        while seq.next_element::<Checked>()?.is_some() {}
        Ok(Checked)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Checked, A::Error> {
        let mut keys = BTreeSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if keys.contains(&key) {
                return Err(de::Error::custom(format_args!(
                    "duplicate key {}",
                    quote(&key)
                )));
            }
            map.next_value::<Checked>()?;
            keys.insert(key);
        }
        Ok(Checked)
    }
}

/// A JSON value whose objects had no duplicate keys.
struct Strict(Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("number out of range"))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Strict(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(de::Error::custom(format_args!(
                    "duplicate key {}",
                    quote(&key)
                )));
            }
            let Strict(value) = map.next_value()?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

/// How every message names a string it found (a key, a build ID): the model's one rule,
/// which cuts a long string to an excerpt and its length.
pub use version_sets::quote;

/// How a message names a value it did not expect: scalars as themselves, strings quoted
/// (see [`quote`]), containers by kind.
///
/// # Example
/// ```
/// use serde_json::json;
/// use version_sets_trace::describe;
///
/// assert_eq!(describe(&json!([1])), "an array");
/// assert_eq!(describe(&json!("1.0")), r#""1.0""#);
/// ```
pub fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => quote(s),
        Value::Array(_) => "an array".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

/// `items` as English: `a`, `a or b`, `a, b or c` (with `word` = "or").
pub(crate) fn list(items: &[&str], word: &str) -> String {
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} {word} {last}", rest.join(", ")),
    }
}

/// The path of `key` inside the value at `path` (`""` is the whole step).
pub(crate) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// A message about the value at `path`.
pub(crate) fn at(path: &str, problem: impl fmt::Display) -> String {
    if path.is_empty() {
        problem.to_string()
    } else {
        format!("{path}: {problem}")
    }
}

/// The object at `path`, or a message saying what was expected instead.
pub(crate) fn object<'a>(
    value: &'a Value,
    path: &str,
    expected: &str,
) -> Result<&'a Map<String, Value>, String> {
    value.as_object().ok_or_else(|| {
        at(
            path,
            format_args!("expected {expected}, got {}", describe(value)),
        )
    })
}

/// Checks that `map` has no key outside `allowed`.
pub(crate) fn known_keys(
    map: &Map<String, Value>,
    path: &str,
    allowed: &[&str],
) -> Result<(), String> {
    match map.keys().find(|key| !allowed.contains(&key.as_str())) {
        None => Ok(()),
        Some(key) => Err(at(path, format_args!("unknown key {}", quote(key)))),
    }
}

/// The value of a key that must be present.
pub(crate) fn required<'a>(
    map: &'a Map<String, Value>,
    path: &str,
    key: &str,
) -> Result<&'a Value, String> {
    map.get(key)
        .ok_or_else(|| at(path, format_args!("missing key {}", quote(key))))
}

/// A build ID: a non-empty string of at most 255 bytes.
pub(crate) fn build_id(value: &Value, path: &str) -> Result<BuildId, String> {
    match value {
        Value::String(text) => BuildId::new(text).map_err(|error| at(path, error)),
        other => Err(at(
            path,
            format_args!("expected a build ID string, got {}", describe(other)),
        )),
    }
}

/// `true` or `false`.
pub(crate) fn boolean(value: &Value, path: &str) -> Result<bool, String> {
    value.as_bool().ok_or_else(|| {
        at(
            path,
            format_args!("expected true or false, got {}", describe(value)),
        )
    })
}

/// A non-negative integer that fits a `usize`.
pub(crate) fn count(value: &Value, path: &str) -> Result<usize, String> {
    value
        .as_u64()
        .and_then(|n| usize::try_from(n).ok())
        .ok_or_else(|| {
            at(
                path,
                format_args!("expected a non-negative integer, got {}", describe(value)),
            )
        })
}

/// A string, or a message naming what it should have been.
pub(crate) fn string<'a>(value: &'a Value, path: &str, expected: &str) -> Result<&'a str, String> {
    value.as_str().ok_or_else(|| {
        at(
            path,
            format_args!("expected {expected}, got {}", describe(value)),
        )
    })
}

/// The one key of an object that must hold exactly one of `allowed`.
pub(crate) fn single_key<'a>(
    map: &'a Map<String, Value>,
    path: &str,
    allowed: &[&str],
) -> Result<(&'a str, &'a Value), String> {
    known_keys(map, path, allowed)?;
    let mut entries = map.iter();
    match (entries.next(), entries.next()) {
        (Some((key, value)), None) => Ok((key.as_str(), value)),
        (None, _) => Err(at(
            path,
            format_args!("expected one of {}, got none", list(allowed, "or")),
        )),
        (Some(_), Some(_)) => {
            let keys: Vec<&str> = map.keys().map(String::as_str).collect();
            Err(at(
                path,
                format_args!(
                    "expected one of {}, got {}",
                    list(allowed, "or"),
                    list(&keys, "and")
                ),
            ))
        }
    }
}

/// Reads `value` (found at `path`; `""` for a whole line) as `T` through serde; a message
/// names the exact path of the problem. A key or name too long to quote whole (serde's
/// derive names an unknown field in full) is named by [`quote`]'s excerpt and length.
pub(crate) fn typed<T: DeserializeOwned>(value: &Value, path: &str) -> Result<T, String> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let place = error.path().iter().fold(path.to_owned(), |place, segment| {
            use serde_path_to_error::Segment;
            match segment {
                Segment::Seq { index } => format!("{place}[{index}]"),
                Segment::Map { key } | Segment::Enum { variant: key } if fits(key) => {
                    join(&place, key)
                }
                Segment::Map { key } | Segment::Enum { variant: key } => {
                    format!("{place}[{}]", quote(key))
                }
                Segment::Unknown => join(&place, "?"),
            }
        });
        let mut message = error.inner().to_string();
        // serde names a string of the wrong type or value in full (`string "..."`).
        if let Some(Value::String(text)) = at_path(value, error.path()) {
            if !fits(text) {
                message = message.replace(&format!("{text:?}"), &quote(text));
            }
        }
        at(&place, cut_names(&message))
    })
}

/// The value at `path` inside `value`, if there is one.
fn at_path<'a>(value: &'a Value, path: &serde_path_to_error::Path) -> Option<&'a Value> {
    use serde_path_to_error::Segment;
    path.iter().try_fold(value, |value, segment| match segment {
        Segment::Seq { index } => value.get(*index),
        Segment::Map { key } => value.get(key.as_str()),
        Segment::Enum { .. } | Segment::Unknown => None,
    })
}

/// Whether a key is short enough to be named bare in a path and quoted whole.
fn fits(key: &str) -> bool {
    key.len() <= 40
}

/// serde's message with each name between backticks that is too long to quote whole (an
/// unknown field or variant from the input) replaced by [`quote`]'s excerpt and length.
fn cut_names(message: &str) -> String {
    let mut out = String::new();
    for (index, piece) in message.split('`').enumerate() {
        let inside = index % 2 == 1;
        match (inside, fits(piece)) {
            (true, true) => {
                out.push('`');
                out.push_str(piece);
                out.push('`');
            }
            (true, false) => out.push_str(&quote(piece)),
            (false, _) => out.push_str(piece),
        }
    }
    out
}
