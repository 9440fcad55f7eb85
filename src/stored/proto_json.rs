//! Proto-JSON forms (feature `serde`): build IDs as strings, clocks as
//! `{"wallClock", "version", "clusterId"}` with int64 values written as decimal strings and
//! read as strings or numbers by docs/semantics.md's "Integers in proto-JSON" (exactly from a
//! string's text; numbers with a fraction or exponent, `1e3`, only below 2^53), and the
//! stored `VersioningData`, read by the rules of `message.rs`. (`VersionSets` itself is
//! written as its stored form and read only through the check: the facade's `serde.rs`.)

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::ser::{SerializeStruct, Serializer};
use serde::{Deserialize, Serialize};

use crate::proto_json::{self as message, Message, Values};
use crate::words::quote;
use crate::{BuildId, BuildIdData, BuildIdState, Hlc, VersionSetData, VersioningData};

impl Serialize for BuildId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for BuildId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        BuildId::new(&text).map_err(de::Error::custom)
    }
}

impl Serialize for Hlc {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut clock = serializer.serialize_struct("Hlc", 3)?;
        clock.serialize_field("wallClock", &self.wall_clock.to_string())?;
        clock.serialize_field("version", &self.version)?;
        clock.serialize_field("clusterId", &self.cluster_id.to_string())?;
        clock.end()
    }
}

impl<'de> Deserialize<'de> for Hlc {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        message::read::<HlcFields, D>(deserializer).map(|fields| fields.0)
    }
}

/// [`Hlc`]'s fields, each an [`Int`].
#[derive(Default)]
struct HlcFields(Hlc);

impl<'de> Message<'de> for HlcFields {
    const NAME: &'static str = "HybridLogicalClock";
    const EXPECTING: &'static str = "a timestamp (an object with wallClock, version and clusterId)";
    const FIELDS: &'static [&'static str] = &["wallClock", "version", "clusterId"];
    const MODELLED: &'static [&'static str] = Self::FIELDS;

    fn field<V: Values<'de>>(&mut self, index: usize, values: &mut V) -> Result<(), V::Error> {
        match index {
            0 => set(
                &mut self.0.wall_clock,
                values.next::<Int<i64>>()?.map(|int| int.0),
            ),
            1 => set(
                &mut self.0.version,
                values.next::<Int<i32>>()?.map(|int| int.0),
            ),
            _ => set(
                &mut self.0.cluster_id,
                values.next::<Int<i64>>()?.map(|int| int.0),
            ),
        }
        Ok(())
    }
}

/// Sets `field` to `value` when there is one (else it keeps its default).
fn set<T>(field: &mut T, value: Option<T>) {
    if let Some(value) = value {
        *field = value;
    }
}

impl<'de> Deserialize<'de> for VersioningData {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        message::read(deserializer)
    }
}

impl<'de> Message<'de> for VersioningData {
    const NAME: &'static str = "VersioningData";
    const EXPECTING: &'static str = "stored versioning data (an object with versionSets)";
    const FIELDS: &'static [&'static str] = &["versionSets"];
    const MODELLED: &'static [&'static str] = Self::FIELDS;

    fn field<V: Values<'de>>(&mut self, _: usize, values: &mut V) -> Result<(), V::Error> {
        set(&mut self.version_sets, values.next()?);
        Ok(())
    }
}

impl<'de> Deserialize<'de> for VersionSetData {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        message::read(deserializer)
    }
}

impl<'de> Message<'de> for VersionSetData {
    const NAME: &'static str = "CompatibleVersionSet";
    const EXPECTING: &'static str =
        "a compatible set (an object with setIds, buildIds and becameDefaultTimestamp)";
    const FIELDS: &'static [&'static str] = &["setIds", "buildIds", "becameDefaultTimestamp"];
    const MODELLED: &'static [&'static str] = Self::FIELDS;

    fn field<V: Values<'de>>(&mut self, index: usize, values: &mut V) -> Result<(), V::Error> {
        match index {
            0 => set(&mut self.set_ids, values.next()?),
            1 => set(&mut self.build_ids, values.next()?),
            _ => self.became_default_timestamp = values.next()?,
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for BuildIdData {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        message::read(deserializer)
    }
}

impl<'de> Message<'de> for BuildIdData {
    const NAME: &'static str = "BuildId";
    const EXPECTING: &'static str = "a build ID record (an object with id, state and timestamps)";
    const FIELDS: &'static [&'static str] = &[
        "id",
        "state",
        "stateUpdateTimestamp",
        "becameDefaultTimestamp",
    ];
    const MODELLED: &'static [&'static str] = Self::FIELDS;

    fn field<V: Values<'de>>(&mut self, index: usize, values: &mut V) -> Result<(), V::Error> {
        match index {
            0 => set(&mut self.id, values.next()?),
            1 => self.state = values.next::<State>()?.and_then(|state| state.0),
            2 => self.state_update_timestamp = values.next()?,
            _ => self.became_default_timestamp = values.next()?,
        }
        Ok(())
    }
}

/// A proto-JSON integer: a JSON number or a decimal string.
#[derive(Default)]
struct Int<T>(T);

impl<'de, T> Deserialize<'de> for Int<T>
where
    T: TryFrom<i64> + TryFrom<u64>,
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct IntVisitor<T>(std::marker::PhantomData<T>);

        impl<T> Visitor<'_> for IntVisitor<T>
        where
            T: TryFrom<i64> + TryFrom<u64>,
        {
            type Value = Int<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer, as a number or a decimal string")
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                T::try_from(v)
                    .map(Int)
                    .map_err(|_| E::custom(format_args!("integer {v} is out of range")))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                T::try_from(v)
                    .map(Int)
                    .map_err(|_| E::custom(format_args!("integer {v} is out of range")))
            }

            // Proto-JSON's integral-number rule: `1e3` and `2.0` are integers. The reader
            // hands over a float, not the text: at or past 2^53 floats are more than 1 apart,
            // so `9007199254740993.0` arrives as a neighbour and what was written is unknowable.
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                match integral(v) {
                    Some(v) if v.unsigned_abs() >= EXACT_FLOATS => Err(E::custom(
                        "a number with a fraction or an exponent is read exactly only below 2^53; \
                         write this one as a plain integer or a decimal string",
                    )),
                    Some(v) => self.visit_i64(v),
                    None => Err(E::invalid_type(de::Unexpected::Float(v), &self)),
                }
            }

            // A decimal string is read as Go's protojson reads it (`decode.go`'s
            // `unmarshalInt`): its text must be a JSON number, so `"+5"`, `"007"` and
            // `" 5"` are refused, and its value must be exactly an integer in range.
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                exact_integer(v)
                    .and_then(|integer| T::try_from(integer).ok())
                    .map(Int)
                    .ok_or_else(|| {
                        E::custom(format_args!("{} is not an integer in range", quote(v)))
                    })
            }
        }

        deserializer.deserialize_any(IntVisitor(std::marker::PhantomData))
    }
}

/// 2^53: every integer of smaller magnitude is exactly one float, and no float at or past it
/// tells which of several integers was written.
const EXACT_FLOATS: u64 = 1 << 53;

/// The 64-bit integer a JSON number's text spells exactly (`-12`, `1.5e1`, `120e-1`), or
/// `None`: not JSON's number grammar (`+5`, `007`, `.5`, `5.`, ` 5`), not a whole number
/// (`1.0000000000000000001`, `1e-400`), or out of the 64-bit range. Digits are compared, never
/// rounded, so the answer is exact for any length of text.
fn exact_integer(text: &str) -> Option<i64> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let digits_end = |s: &str| s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (whole, rest) = rest.split_at(digits_end(rest));
    // JSON: one `0`, or digits not starting with `0`.
    if whole.is_empty() || (whole.len() > 1 && whole.starts_with('0')) {
        return None;
    }
    let (fraction, rest) = match rest.strip_prefix('.') {
        Some(after) => {
            let (fraction, rest) = after.split_at(digits_end(after));
            if fraction.is_empty() {
                return None;
            }
            (fraction, rest)
        }
        None => ("", rest),
    };
    let exponent = match rest.strip_prefix(['e', 'E']) {
        Some(after) => {
            let (sign, digits) = match after.strip_prefix(['+', '-']) {
                Some(digits) => (after.starts_with('-'), digits),
                None => (false, after),
            };
            if digits.is_empty() || digits_end(digits) != digits.len() {
                return None;
            }
            // Past 10^6 the exponent alone settles it (below); saturating keeps that true.
            let digits = digits.trim_start_matches('0');
            let magnitude = match digits {
                "" => 0,
                digits => digits.parse::<i64>().unwrap_or(i64::MAX).min(1_000_000),
            };
            if sign { -magnitude } else { magnitude }
        }
        None if rest.is_empty() => 0,
        None => return None,
    };
    // The value is `significand × 10^scale`, `significand` being every digit written.
    let significand: String = format!("{whole}{fraction}");
    let significand = significand.trim_start_matches('0');
    if significand.is_empty() {
        return Some(0);
    }
    let fraction_len = i64::try_from(fraction.len()).ok()?;
    let scale = exponent.checked_sub(fraction_len)?;
    let digits = if scale < 0 {
        // The last `-scale` digits must all be zeros.
        let cut = usize::try_from(scale.unsigned_abs()).ok()?;
        let keep = significand.len().checked_sub(cut)?;
        let (kept, dropped) = significand.split_at(keep);
        if kept.is_empty() || dropped.bytes().any(|b| b != b'0') {
            return None;
        }
        kept.to_owned()
    } else {
        // i64 has 19 digits at most: anything longer is out of range.
        let zeros = usize::try_from(scale)
            .ok()
            .filter(|z| significand.len().saturating_add(*z) <= 20)?;
        format!("{significand}{}", "0".repeat(zeros))
    };
    let magnitude = digits.parse::<i128>().ok()?;
    i64::try_from(if negative { -magnitude } else { magnitude }).ok()
}

/// A float with no fractional part, within the 64-bit integers, as an integer: proto-JSON
/// reads `1e3` and `2.0` as integers.
fn integral(float: f64) -> Option<i64> {
    // 2^63 is exact as an f64; every integral float below it and at or above -2^63 fits.
    let in_range = (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&float);
    (float.fract() == 0.0 && in_range).then(|| {
        // In range and integral, so the conversion is exact.
        #[allow(clippy::cast_possible_truncation)]
        let integer = float as i64;
        integer
    })
}

/// `state` as proto-JSON spells the enum: by name or by number; `None` is
/// `STATE_UNSPECIFIED`.
struct State(Option<BuildIdState>);

pub(crate) mod state {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(
        state: &Option<BuildIdState>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(match state {
            None => "STATE_UNSPECIFIED",
            Some(BuildIdState::Active) => "STATE_ACTIVE",
            Some(BuildIdState::Deleted) => "STATE_DELETED",
        })
    }
}

impl<'de> Deserialize<'de> for State {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct StateVisitor;

        impl Visitor<'_> for StateVisitor {
            type Value = State;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("STATE_ACTIVE, STATE_DELETED, STATE_UNSPECIFIED or 0, 1, 2")
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<State, E> {
                match v {
                    0 => Ok(State(None)),
                    1 => Ok(State(Some(BuildIdState::Active))),
                    2 => Ok(State(Some(BuildIdState::Deleted))),
                    _ => Err(E::invalid_value(de::Unexpected::Unsigned(v), &self)),
                }
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<State, E> {
                u64::try_from(v)
                    .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
                    .and_then(|v| self.visit_u64(v))
            }

            // Proto-JSON's integral-number rule: `1.0` is `1`.
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<State, E> {
                match integral(v) {
                    Some(v) => self.visit_i64(v),
                    None => Err(E::invalid_type(de::Unexpected::Float(v), &self)),
                }
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<State, E> {
                match v {
                    "STATE_UNSPECIFIED" => Ok(State(None)),
                    "STATE_ACTIVE" => Ok(State(Some(BuildIdState::Active))),
                    "STATE_DELETED" => Ok(State(Some(BuildIdState::Deleted))),
                    // serde's words (`string "x"`), the string quoted as every message quotes.
                    _ => Err(E::invalid_value(
                        de::Unexpected::Other(&format!("string {}", quote(v))),
                        &self,
                    )),
                }
            }
        }

        deserializer.deserialize_any(StateVisitor)
    }
}
