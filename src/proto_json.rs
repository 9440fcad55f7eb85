//! How every proto-JSON message is read (feature `serde`): the stored and public forms
//! (`stored/`) and the update operations (`ops/`). The rules of proto-JSON that serde's
//! derive does not know, in one place:
//!
//! - A field is read under its JSON name (`versionSets`) or its proto name
//!   (`version_sets`): any key whose JSON name ([`json_name`]) is the field's.
//! - `null` for a field is its default, as if it were absent.
//! - A field given twice (in one spelling or two) is refused, at the field.
//! - An unknown field is refused, at the field, named by its JSON name, with the fields the
//!   message models (the words of serde's derive), unless its value is `null`.
//! - A field outside this model that a newer server writes is read past
//!   ([`Values::read_past`]): only checked for a field given twice in it.
//! - The sequence form serde's derive accepts (the modelled fields in order) is read too,
//!   unless the message says otherwise ([`Message::SEQUENCE`]).
//!
//! Integral numbers written with a fraction or an exponent (`1e3`, `2.0`) are the business
//! of the number readers (`stored/proto_json.rs`).
//!
//! Why by hand: serde's `alias` lists every alias in its unknown-field error
//! (`expected one of versionSets, version_sets`), and its derive neither reads `null` as the
//! default nor names the spelling of a field given twice.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::words::{fits, quote};

/// A proto-JSON message, read field by field into `Self`.
pub(crate) trait Message<'de>: Default {
    /// The message's name, for formats that ask.
    const NAME: &'static str;
    /// What the message is, in words, for an error.
    const EXPECTING: &'static str;
    /// Every field this reader knows, by JSON name: first the modelled ones, in the order of
    /// the sequence form, then those read past.
    const FIELDS: &'static [&'static str];
    /// The modelled fields: what an unknown field's error lists, and the sequence form.
    const MODELLED: &'static [&'static str];
    /// Whether the sequence form is read; without it a sequence is refused as the wrong
    /// type.
    const SEQUENCE: bool = true;

    /// Reads field `index` of [`Message::FIELDS`] from `values`.
    fn field<V: Values<'de>>(&mut self, index: usize, values: &mut V) -> Result<(), V::Error>;
}

/// Where a message's field values come from: an object's members, or the sequence form's
/// elements.
pub(crate) trait Values<'de> {
    type Error: de::Error;

    /// The value read by `seed`; `None` for `null` (the default) or past the end of the
    /// sequence form.
    fn next_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, Self::Error>;

    /// The value as `T`; `None` as for [`Values::next_seed`].
    fn next<T: Deserialize<'de>>(&mut self) -> Result<Option<T>, Self::Error> {
        self.next_seed(PhantomData)
    }

    /// Reads past the value, checking only that no object in it names a field twice;
    /// whether it held anything (was not `null`).
    fn read_past(&mut self) -> Result<bool, Self::Error> {
        Ok(self.next_seed(ReadPast)?.is_some_and(|held| held))
    }
}

/// Reads a message.
pub(crate) fn read<'de, M: Message<'de>, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<M, D::Error> {
    deserializer.deserialize_struct(M::NAME, M::MODELLED, MessageVisitor(PhantomData))
}

struct MessageVisitor<M>(PhantomData<M>);

impl<'de, M: Message<'de>> Visitor<'de> for MessageVisitor<M> {
    type Value = M;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(M::EXPECTING)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<M, A::Error> {
        let mut message = M::default();
        let mut seen = Seen::default();
        while let Some(key) = map.next_key_seed(KeySeed(M::FIELDS))? {
            match key {
                Key::Known { index, spelt } => {
                    if let Some(refusal) = seen.again(M::FIELDS, index, spelt) {
                        return map.next_value_seed(refusal).map(|()| message);
                    }
                    message.field(index, &mut MapValues(&mut map))?;
                }
                Key::Unknown(name) => map.next_value_seed(Unknown {
                    name,
                    expected: M::MODELLED,
                })?,
            }
        }
        Ok(message)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<M, A::Error> {
        if !M::SEQUENCE {
            return Err(de::Error::invalid_type(de::Unexpected::Seq, &self));
        }
        let mut message = M::default();
        let mut values = SeqValues {
            seq: &mut seq,
            ended: false,
        };
        for index in 0..M::MODELLED.len() {
            message.field(index, &mut values)?;
            if values.ended {
                break;
            }
        }
        Ok(message)
    }
}

/// The fields of an object read so far, one bit each (no message has more than 32), and
/// those of them read under their JSON name exactly.
#[derive(Default)]
pub(crate) struct Seen {
    seen: u32,
    exact: u32,
}

impl Seen {
    /// Marks field `index` of `fields`, spelt `spelt` (`None`: its JSON name) as read; the
    /// refusal of its value when it was read before.
    pub(crate) fn again(
        &mut self,
        fields: &'static [&'static str],
        index: usize,
        spelt: Option<String>,
    ) -> Option<Refusal> {
        let bit = u32::try_from(index).map_or(0, |index| 1_u32 << (index % 32));
        if self.seen & bit != 0 {
            let name = fields.get(index).copied().unwrap_or("");
            return Some(match (spelt, self.exact & bit != 0) {
                (None, true) => Refusal::Duplicate(name),
                (None, false) => Refusal::GivenTwice(name.to_owned()),
                (Some(key), _) => Refusal::GivenTwice(key),
            });
        }
        self.seen |= bit;
        if spelt.is_none() {
            self.exact |= bit;
        }
        None
    }
}

/// A message's members.
struct MapValues<'a, A>(&'a mut A);

impl<'de, A: MapAccess<'de>> Values<'de> for MapValues<'_, A> {
    type Error = A::Error;

    fn next_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, A::Error> {
        self.0.next_value_seed(NullOr(seed))
    }
}

/// The sequence form's elements: `null` is not the default there (it is not a member).
struct SeqValues<'a, A> {
    seq: &'a mut A,
    ended: bool,
}

impl<'de, A: SeqAccess<'de>> Values<'de> for SeqValues<'_, A> {
    type Error = A::Error;

    fn next_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, A::Error> {
        if self.ended {
            return Ok(None);
        }
        let value = self.seq.next_element_seed(seed)?;
        self.ended = value.is_none();
        Ok(value)
    }
}

/// The JSON name of a proto field name: `became_default_timestamp` is
/// `becameDefaultTimestamp` (each `_` dropped, the letter after it upper-cased); a name
/// without underscores is its own JSON name.
pub(crate) fn json_name(key: &str) -> Cow<'_, str> {
    if !key.contains('_') {
        return Cow::Borrowed(key);
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
    Cow::Owned(name)
}

/// A key of a message: one of its fields, or another.
pub(crate) enum Key {
    /// Field `index`; `spelt` is the key when it is not the field's JSON name itself.
    Known { index: usize, spelt: Option<String> },
    /// Its JSON name.
    Unknown(String),
}

/// Reads a key of an object whose fields (by JSON name) are these.
pub(crate) struct KeySeed(pub(crate) &'static [&'static str]);

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Key;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl Visitor<'_> for KeySeed {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
        let name = json_name(key);
        Ok(match self.0.iter().position(|field| *field == name) {
            Some(index) => Key::Known {
                index,
                spelt: (name != key).then(|| key.to_owned()),
            },
            None => Key::Unknown(name.into_owned()),
        })
    }
}

/// A value that is refused where it stands, so that the error is at its field.
pub(crate) enum Refusal {
    /// A field given twice in one spelling.
    Duplicate(&'static str),
    /// A field given twice, the second time spelt so.
    GivenTwice(String),
}

impl<'de> DeserializeSeed<'de> for Refusal {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, _: D) -> Result<(), D::Error> {
        Err(match self {
            Refusal::Duplicate(name) => de::Error::duplicate_field(name),
            Refusal::GivenTwice(key) => de::Error::custom(format_args!(
                "given twice, as {} and another spelling",
                quote(&key)
            )),
        })
    }
}

/// An unknown field's value: read past when `null`, else refused.
struct Unknown {
    name: String,
    expected: &'static [&'static str],
}

impl<'de> DeserializeSeed<'de> for Unknown {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for Unknown {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("null")
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_some<D: Deserializer<'de>>(self, _: D) -> Result<(), D::Error> {
        Err(unknown("field", &self.name, self.expected))
    }
}

/// serde's error for an unknown field or variant (`what`), in serde's words (`unknown field
/// `x`, expected `a` or `b``), but a name too long to quote whole is named by [`quote`]: an
/// excerpt and its length, not the megabytes a key may hold.
pub(crate) fn unknown<E: de::Error>(
    what: &str,
    name: &str,
    expected: &'static [&'static str],
) -> E {
    match (what, fits(name)) {
        ("field", true) => E::unknown_field(name, expected),
        (_, true) => E::unknown_variant(name, expected),
        (_, false) => E::custom(format_args!(
            "unknown {what} {}, {}",
            quote(name),
            one_of(what, expected)
        )),
    }
}

/// serde's words for the names expected (its private `OneOf`).
fn one_of(what: &str, names: &[&str]) -> String {
    match names {
        [] => format!("there are no {what}s"),
        [one] => format!("expected `{one}`"),
        [one, two] => format!("expected `{one}` or `{two}`"),
        many => {
            let names: Vec<String> = many.iter().map(|name| format!("`{name}`")).collect();
            format!("expected one of {}", names.join(", "))
        }
    }
}

/// `null` as `None`, anything else read by the seed.
pub(crate) struct NullOr<S>(pub(crate) S);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for NullOr<S> {
    type Value = Option<S::Value>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de, S: DeserializeSeed<'de>> Visitor<'de> for NullOr<S> {
    type Value = Option<S::Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        self.0.deserialize(deserializer).map(Some)
    }
}

/// Any value, kept as nothing: whether it was not `null`, once no object in it is found to
/// name a field twice (in one spelling or two). For each object, while it is read, the JSON
/// names of its keys are kept.
pub(crate) struct ReadPast;

impl<'de> DeserializeSeed<'de> for ReadPast {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ReadPast {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        let mut names: BTreeSet<String> = BTreeSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if !names.insert(json_name(&key).into_owned()) {
                return map.next_value_seed(Refusal::GivenTwice(key)).map(|()| true);
            }
            map.next_value_seed(ReadPast)?;
        }
        Ok(true)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        while seq.next_element_seed(ReadPast)?.is_some() {}
        Ok(true)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<bool, E> {
        Ok(true)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<bool, E> {
        Ok(true)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<bool, E> {
        Ok(true)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<bool, E> {
        Ok(true)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<bool, E> {
        Ok(true)
    }

    fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_none<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_any(self)
    }
}
