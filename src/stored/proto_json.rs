//! Proto-JSON forms (feature `serde`): build IDs as strings, clocks as
//! `{"wallClock", "version", "clusterId"}` with int64 values written as decimal strings and
//! read as strings or numbers, the stored `VersioningData`, and `VersionSets` itself, which
//! serialises as its stored form (and deserialises through `checked.rs`, so invalid data
//! never becomes a value).

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::ser::{SerializeStruct, Serializer};
use serde::{Deserialize, Serialize};

use crate::{BuildId, BuildIdState, Hlc, VersionSets};

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
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase", deny_unknown_fields)]
        struct Wire {
            #[serde(default)]
            wall_clock: Int<i64>,
            #[serde(default)]
            version: Int<i32>,
            #[serde(default)]
            cluster_id: Int<i64>,
        }
        let wire = Wire::deserialize(deserializer)?;
        Ok(Hlc {
            wall_clock: wire.wall_clock.0,
            version: wire.version.0,
            cluster_id: wire.cluster_id.0,
        })
    }
}

/// A proto-JSON integer: a JSON number or a decimal string.
#[derive(Default)]
struct Int<T>(T);

impl<'de, T> Deserialize<'de> for Int<T>
where
    T: TryFrom<i64> + TryFrom<u64> + std::str::FromStr,
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct IntVisitor<T>(std::marker::PhantomData<T>);

        impl<T> Visitor<'_> for IntVisitor<T>
        where
            T: TryFrom<i64> + TryFrom<u64> + std::str::FromStr,
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

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                v.parse::<T>()
                    .map(Int)
                    .map_err(|_| E::custom(format_args!("{v:?} is not an integer in range")))
            }
        }

        deserializer.deserialize_any(IntVisitor(std::marker::PhantomData))
    }
}

/// `state` as proto-JSON spells the enum; `None` is `STATE_UNSPECIFIED`.
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

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<BuildIdState>, D::Error> {
        struct StateVisitor;

        impl Visitor<'_> for StateVisitor {
            type Value = Option<BuildIdState>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("STATE_ACTIVE, STATE_DELETED, STATE_UNSPECIFIED or 0, 1, 2")
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                match v {
                    0 => Ok(None),
                    1 => Ok(Some(BuildIdState::Active)),
                    2 => Ok(Some(BuildIdState::Deleted)),
                    _ => Err(E::invalid_value(de::Unexpected::Unsigned(v), &self)),
                }
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                u64::try_from(v)
                    .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
                    .and_then(|v| self.visit_u64(v))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                match v {
                    "STATE_UNSPECIFIED" => Ok(None),
                    "STATE_ACTIVE" => Ok(Some(BuildIdState::Active)),
                    "STATE_DELETED" => Ok(Some(BuildIdState::Deleted)),
                    _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
                }
            }
        }

        deserializer.deserialize_any(StateVisitor)
    }
}

impl Serialize for VersionSets {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_data().serialize(serializer)
    }
}
