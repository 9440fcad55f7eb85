//! Proto-JSON's other legal spellings, rewritten to the one the serde forms read.
//!
//! A proto-JSON parser must accept a field under its original proto name (`version_sets`) as
//! well as its JSON name (`versionSets`), `null` for a field's default value, and an integral
//! number written with a fraction or exponent (`1e3`, `2.0`). Rather than teach every serde
//! form each spelling, the document is rewritten once, before serde reads it; serde then
//! stays the only reader, and its errors keep their JSON paths (which use the JSON names).

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

/// The document rewritten as [`normalise`] rewrites its tree, but as text and without the
/// tree: keys to their JSON names, `null` members left out, integral floats as integers.
/// `None` when the bytes are not one strict JSON document (invalid UTF-8, a syntax error, a
/// key given twice in any spelling): the tree then says what is wrong.
///
/// Why: a tree costs tens of bytes for every byte of a document of small objects; the text
/// costs about what the input does, and the typed readers then read it directly.
pub(crate) fn canonical(bytes: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(bytes).ok()?;
    let mut out = Vec::with_capacity(text.len());
    let mut deserializer = serde_json::Deserializer::from_str(text);
    serde::de::DeserializeSeed::deserialize(Canonical(&mut out), &mut deserializer).ok()?;
    deserializer.end().ok()?;
    Some(out)
}

/// Writes the value it reads in canonical form; says whether it was `null`.
struct Canonical<'a>(&'a mut Vec<u8>);

impl<'de> serde::de::DeserializeSeed<'de> for Canonical<'_> {
    type Value = bool;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Canonical<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<bool, E> {
        self.0.extend_from_slice(if v { b"true" } else { b"false" });
        Ok(false)
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<bool, E> {
        self.0.extend_from_slice(v.to_string().as_bytes());
        Ok(false)
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<bool, E> {
        self.0.extend_from_slice(v.to_string().as_bytes());
        Ok(false)
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<bool, E> {
        let n = Number::from_f64(v).ok_or_else(|| E::custom("number out of range"))?;
        let n = integral(&n).unwrap_or(n);
        self.0.extend_from_slice(n.to_string().as_bytes());
        Ok(false)
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<bool, E> {
        serde_json::to_writer(&mut *self.0, v).map_err(E::custom)?;
        Ok(false)
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<bool, E> {
        self.0.extend_from_slice(b"null");
        Ok(true)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        self.0.push(b'[');
        let mut first = true;
        loop {
            let mark = self.0.len();
            if !first {
                self.0.push(b',');
            }
            if seq.next_element_seed(Canonical(self.0))?.is_none() {
                self.0.truncate(mark);
                break;
            }
            first = false;
        }
        self.0.push(b']');
        Ok(false)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        self.0.push(b'{');
        // Each object's names, for refusing one given twice (in one spelling or two), as the
        // strict reader and `walk` do, nulls included.
        let mut names = std::collections::BTreeSet::new();
        let mut first = true;
        while let Some(key) = map.next_key::<String>()? {
            let name = json_name(&key);
            let mark = self.0.len();
            if !first {
                self.0.push(b',');
            }
            serde_json::to_writer(&mut *self.0, &name).map_err(serde::de::Error::custom)?;
            self.0.push(b':');
            if !names.insert(name) {
                return Err(serde::de::Error::custom("a key given twice"));
            }
            if map.next_value_seed(Canonical(self.0))? {
                // Absent and `null` both mean the default.
                self.0.truncate(mark);
            } else {
                first = false;
            }
        }
        self.0.push(b'}');
        Ok(false)
    }
}

/// The JSON name of a proto field name: `became_default_timestamp` is
/// `becameDefaultTimestamp`; a name without underscores is its own JSON name.
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

/// The path of `key` in the object at `path`.
pub(crate) fn child(path: &str, key: &str) -> String {
    let plain = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
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

    /// The text form gives what the tree gives, and declines what the tree refuses.
    #[test]
    fn the_canonical_text_is_the_normalised_tree() {
        let documents = [
            r#"{"version_sets": [{"set_ids": ["a"], "became_default_timestamp": {"wall_clock": 1}}]}"#,
            r#"{"a": null, "b": [1e3, 2.0, 2.5, null, {"c": null}], "c": -4E0, "d": "\u00e9\n"}"#,
            r#"{"a": 1e19, "b": true, "c": false, "d": [], "e": {}, "f": -0, "g": 18446744073709551615}"#,
            r#"  [null, {"x_y": null}]  "#,
            "null",
        ];
        for text in documents {
            let canonical = canonical(text.as_bytes()).unwrap();
            let reread: Value = serde_json::from_slice(&canonical).unwrap();
            assert_eq!(Ok(reread), normalised(text), "{text}");
        }
        let refused: [&[u8]; 5] = [
            br#"{"setIds": [], "set_ids": null}"#,
            br#"{"x": {"a": 1, "a": 1}}"#,
            br#"{"a": 1} {}"#,
            br#"{"a": 1"#,
            b"{\"a\": \"\xff\"}",
        ];
        for bytes in refused {
            assert!(
                canonical(bytes).is_none(),
                "{}",
                String::from_utf8_lossy(bytes)
            );
        }
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
