//! Proto-JSON's other legal spellings rewritten to one, for the state reader's tree; and the
//! JSON name of a key, for the paths of errors.
//!
//! A proto-JSON parser must accept a field under its original proto name
//! (`new_build_id`) as well as its JSON name (`newBuildId`), `null` for a field's default
//! value, and an integral number written with a fraction or exponent (`1e3`, `2.0`). The
//! model's readers know all of them; the state reader reads a refused document again through
//! a tree in the one spelling to word its error (`state/read.rs`), and every error names
//! its path by JSON names, however the input spelt them.

use serde_json::{Map, Number, Value};

use crate::json::quote;

/// Rewrites `value` in place: keys to their JSON names, `null` members removed (absent is
/// the default), integral floats to integers.
///
/// # Errors
/// `PATH: problem` when an object names one field twice, once in each spelling.
pub(crate) fn normalise(value: &mut Value) -> Result<(), String> {
    walk(value, "")
}

fn walk(value: &mut Value, path: &str) -> Result<(), String> {
    match value {
        Value::Object(map) => {
            let mut renamed = Map::new();
            for (key, mut item) in std::mem::take(map) {
                let name = json_name(&key);
                let at = child(path, &name);
                // Checked before `null`s go, so `{"versionSets": [], "version_sets": null}`
                // is refused too.
                if renamed.contains_key(&name) {
                    return Err(format!(
                        "{at}: given twice, as {} and another spelling",
                        quote(&key)
                    ));
                }
                walk(&mut item, &at)?;
                renamed.insert(name, item);
            }
            // Absent and `null` both mean the default.
            renamed.retain(|_, item| !item.is_null());
            *map = renamed;
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                walk(item, &format!("{path}[{i}]"))?;
            }
        }
        Value::Number(n) => {
            if let Some(integral) = integral(n) {
                *n = integral;
            }
        }
        Value::Null | Value::Bool(_) | Value::String(_) => {}
    }
    Ok(())
}

/// The JSON name of a proto field name: `became_default_timestamp` is
/// `becameDefaultTimestamp`; a name without underscores is its own JSON name. The model's
/// readers have the same rule, private to them: the command needs it only to word the paths
/// of its own errors, which is no part of the model's API.
pub(crate) fn json_name(key: &str) -> String {
    if !key.contains('_') {
        return key.to_owned();
    }
    let mut name = String::with_capacity(key.len());
    let mut upper = false;
    for c in key.chars() {
        match (c, upper) {
            ('_', _) => upper = true,
            (c, true) => {
                name.extend(c.to_uppercase());
                upper = false;
            }
            (c, false) => name.push(c),
        }
    }
    name
}

/// A float with no fractional part, within the 64-bit integers, as an integer.
fn integral(n: &Number) -> Option<Number> {
    let float = n.as_f64().filter(|_| n.is_f64())?;
    // 2^63 is exact as an f64; every integral float below it and at or above -2^63 fits.
    let in_range = (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&float);
    (float.fract() == 0.0 && in_range).then(|| {
        // In range and integral, so the conversion is exact.
        #[allow(clippy::cast_possible_truncation)]
        Number::from(float as i64)
    })
}

/// The longest key a path names bare, in bytes: every field name is shorter, and
/// [`quote`] keeps 40 characters.
const MAX_PLAIN_KEY: usize = 40;

/// `path` as serde_path_to_error writes it, each key by its JSON name; empty at the top.
pub(crate) fn json_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut at = String::new();
    for segment in path.iter() {
        let key = match segment {
            Segment::Seq { index } => {
                at.push_str(&format!("[{index}]"));
                continue;
            }
            Segment::Map { key } | Segment::Enum { variant: key } => json_name(key),
            Segment::Unknown => "?".to_owned(),
        };
        // A key longer than a message quotes whole (an unknown one, from the input) is
        // named as messages name strings: an excerpt and its length.
        if key.len() > MAX_PLAIN_KEY {
            at.push_str(&format!("[{}]", quote(&key)));
            continue;
        }
        if !at.is_empty() {
            at.push('.');
        }
        at.push_str(&key);
    }
    at
}

/// The path of `key` in the object at `path`.
pub(crate) fn child(path: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && key.len() <= MAX_PLAIN_KEY
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    match (path.is_empty(), plain) {
        (true, true) => key.to_owned(),
        (false, true) => format!("{path}.{key}"),
        (_, false) => format!("{path}[{}]", quote(key)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normalised(text: &str) -> Result<Value, String> {
        let mut value: Value = serde_json::from_str(text).unwrap();
        normalise(&mut value).map(|()| value)
    }

    #[test]
    fn proto_names_become_json_names() {
        let value = normalised(
            r#"{"version_sets": [{"set_ids": ["a"], "became_default_timestamp": {"wall_clock": 1}}]}"#,
        );
        assert_eq!(
            value.unwrap().to_string(),
            r#"{"versionSets":[{"becameDefaultTimestamp":{"wallClock":1},"setIds":["a"]}]}"#
        );
    }

    #[test]
    fn null_members_are_absent_and_integral_floats_are_integers() {
        let value = normalised(r#"{"a": null, "b": [1e3, 2.0, 2.5, null], "c": -4E0}"#);
        assert_eq!(
            value.unwrap().to_string(),
            r#"{"b":[1000,2,2.5,null],"c":-4}"#
        );
        // Out of the 64-bit range, a float stays a float (and serde refuses it as an int64).
        let big = normalised(r#"{"a": 1e19}"#).unwrap();
        assert!(big["a"].is_f64());
    }

    #[test]
    fn a_field_given_in_both_spellings_is_an_error() {
        assert_eq!(
            normalised(r#"{"x": {"setIds": [], "set_ids": []}}"#).unwrap_err(),
            r#"x.setIds: given twice, as "set_ids" and another spelling"#
        );
        assert_eq!(
            normalised(r#"{"setIds": [], "set_ids": null}"#).unwrap_err(),
            r#"setIds: given twice, as "set_ids" and another spelling"#
        );
    }
}
