//! [`Update`]'s proto-JSON form, read (feature `serde`; it writes through serde's derive).
//!
//! The request's `operation` is a oneof: an object with one member, one of the five below,
//! read by the rules of `crate::proto_json` (each member and field under its JSON or proto
//! name, `null` as absent, a field given twice refused at the field). The words of errors
//! are those of serde's derive over a JSON tree, which the command has always printed:
//! `unknown variant`, `map with a single key`, `struct variant`, `missing field`.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Unexpected, Visitor};

use super::update::{QueueDefault, Update};
use crate::build_id::BuildId;
use crate::proto_json::{
    self, Key, KeySeed, Message, NullOr, ReadPast, Seen, Values, json_name, unknown,
};

/// The members of the oneof by JSON name, in the order of [`Update`]'s variants.
const OPERATIONS: &[&str] = &[
    "addNewBuildIdInNewDefaultSet",
    "addNewCompatibleBuildId",
    "promoteSetByBuildId",
    "promoteBuildIdWithinSet",
    "mergeSets",
];

/// The members whose value is a message (the others are a build ID).
const ADD_NEW_COMPATIBLE: usize = 1;
const MERGE_SETS: usize = 4;

impl<'de> Deserialize<'de> for Update {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(Operation)
    }
}

/// The oneof.
struct Operation;

/// What serde's derive says of an object without exactly one operation.
fn not_one<E: de::Error>() -> E {
    E::invalid_value(Unexpected::Map, &"map with a single key")
}

impl<'de> Visitor<'de> for Operation {
    type Value = Update;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("string or map")
    }

    // serde's derive reads a string as the name of an operation without a value, which
    // none of them is.
    fn visit_str<E: de::Error>(self, name: &str) -> Result<Update, E> {
        Err(
            match OPERATIONS.iter().position(|op| *op == json_name(name)) {
                Some(ADD_NEW_COMPATIBLE | MERGE_SETS) => {
                    E::invalid_type(Unexpected::UnitVariant, &"struct variant")
                }
                Some(_) => E::invalid_type(Unexpected::UnitVariant, &"newtype variant"),
                None => unknown("variant", name, OPERATIONS),
            },
        )
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Update, A::Error> {
        let mut seen = Seen::default();
        let mut update = None;
        // An unknown member, by JSON name: refused once it is known to be the only one.
        let mut unknown = None;
        // The members that are not `null`.
        let mut members = 0_usize;
        while let Some(key) = map.next_key_seed(KeySeed(OPERATIONS))? {
            let read = match key {
                Key::Known { index, spelt } => {
                    if let Some(refusal) = seen.again(OPERATIONS, index, spelt) {
                        // Always an error, at the member.
                        map.next_value_seed(refusal)?;
                    }
                    if members == 0 {
                        update = operation(index, &mut map)?;
                        update.is_some()
                    } else {
                        map.next_value_seed(ReadPast)?
                    }
                }
                Key::Unknown(name) => {
                    let held = map.next_value_seed(ReadPast)?;
                    if held {
                        unknown = Some(name);
                    }
                    held
                }
            };
            if read {
                members += 1;
                if members > 1 {
                    return Err(not_one());
                }
            }
        }
        match (update, unknown) {
            (_, Some(name)) => Err(proto_json::unknown("variant", &name, OPERATIONS)),
            (Some(update), None) => Ok(update),
            (None, None) => Err(not_one()),
        }
    }
}

/// The value of member `index` of the oneof; `None` for `null`.
fn operation<'de, A: MapAccess<'de>>(
    index: usize,
    map: &mut A,
) -> Result<Option<Update>, A::Error> {
    Ok(match index {
        ADD_NEW_COMPATIBLE => {
            map.next_value_seed(NullOr(Fields::<AddNewCompatible>(PhantomData)))?
        }
        MERGE_SETS => map.next_value_seed(NullOr(Fields::<MergeSets>(PhantomData)))?,
        _ => map
            .next_value_seed(NullOr(PhantomData::<BuildId>))?
            .map(|build_id| match index {
                0 => Update::AddNewBuildIdInNewDefaultSet(build_id),
                2 => Update::PromoteSetByBuildId(build_id),
                _ => Update::PromoteBuildIdWithinSet(build_id),
            }),
    })
}

/// A member whose value is a message, read as `M` and then checked for its required fields,
/// so that a missing one is reported at the member.
struct Fields<M>(PhantomData<M>);

/// A message of the oneof.
trait Operands<'de>: Message<'de> {
    /// The update, or the first field (in [`Message::FIELDS`]'s order) that is missing.
    fn update(self) -> Result<Update, &'static str>;
}

impl<'de, M: Operands<'de>> DeserializeSeed<'de> for Fields<M> {
    type Value = Update;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Update, D::Error> {
        proto_json::read::<M, D>(deserializer)?
            .update()
            .map_err(de::Error::missing_field)
    }
}

/// `AddNewCompatibleBuildId`'s fields.
#[derive(Default)]
struct AddNewCompatible {
    new_build_id: Option<BuildId>,
    existing_compatible_build_id: Option<BuildId>,
    make_set_default: QueueDefault,
}

impl<'de> Message<'de> for AddNewCompatible {
    const NAME: &'static str = "AddNewCompatibleVersion";
    const EXPECTING: &'static str = "struct variant";
    const FIELDS: &'static [&'static str] =
        &["newBuildId", "existingCompatibleBuildId", "makeSetDefault"];
    const MODELLED: &'static [&'static str] = Self::FIELDS;
    // An operation is proto-JSON's object, as in a request; never a sequence.
    const SEQUENCE: bool = false;

    fn field<V: Values<'de>>(&mut self, index: usize, values: &mut V) -> Result<(), V::Error> {
        match index {
            0 => self.new_build_id = values.next()?,
            1 => self.existing_compatible_build_id = values.next()?,
            _ => self.make_set_default = values.next()?.unwrap_or_default(),
        }
        Ok(())
    }
}

impl Operands<'_> for AddNewCompatible {
    fn update(self) -> Result<Update, &'static str> {
        Ok(Update::AddNewCompatibleBuildId {
            new_build_id: self.new_build_id.ok_or("newBuildId")?,
            existing_compatible_build_id: self
                .existing_compatible_build_id
                .ok_or("existingCompatibleBuildId")?,
            queue_default: self.make_set_default,
        })
    }
}

/// `MergeSets`' fields.
#[derive(Default)]
struct MergeSets {
    primary_set_build_id: Option<BuildId>,
    secondary_set_build_id: Option<BuildId>,
}

impl<'de> Message<'de> for MergeSets {
    const NAME: &'static str = "MergeSets";
    const EXPECTING: &'static str = "struct variant";
    const FIELDS: &'static [&'static str] = &["primarySetBuildId", "secondarySetBuildId"];
    const MODELLED: &'static [&'static str] = Self::FIELDS;
    // An operation is proto-JSON's object, as in a request; never a sequence.
    const SEQUENCE: bool = false;

    fn field<V: Values<'de>>(&mut self, index: usize, values: &mut V) -> Result<(), V::Error> {
        match index {
            0 => self.primary_set_build_id = values.next()?,
            _ => self.secondary_set_build_id = values.next()?,
        }
        Ok(())
    }
}

impl Operands<'_> for MergeSets {
    fn update(self) -> Result<Update, &'static str> {
        Ok(Update::MergeSets {
            primary_set_build_id: self.primary_set_build_id.ok_or("primarySetBuildId")?,
            secondary_set_build_id: self.secondary_set_build_id.ok_or("secondarySetBuildId")?,
        })
    }
}
