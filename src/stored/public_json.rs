//! The public forms' proto-JSON (feature `serde`): the `GetWorkerBuildIdCompatibility`
//! response (`{"majorVersionSets": [{"buildIds": [...]}]}`) and the listing
//! `temporal task-queue get-build-ids -o json` prints
//! (`[{"buildIds": [...], "defaultForSet": "...", "isDefaultSet": true}]`, or `null`).
//!
//! One reader for each form, by the rules of `message.rs`. It keeps each build ID as a slice
//! of the document where it can (a copy only when an escape forces one):
//! [`CheckedResponse`] and [`CheckedListing`] keep them so, for checking in a few times the
//! document's size (`public_sets.rs` says why), and report a build ID that [`BuildId`]
//! refuses as a violation at its path, as stored data does, not as a malformed document;
//! [`BuildIdCompatibility`], [`MajorVersionSet`] and [`ListedSet`] make them [`BuildId`]s.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, SeqAccess, Visitor};

use super::public_sets::{Found, IdList, LISTING, ListingFlags, PublicSets, RESPONSE};
use crate::proto_json::{self as message, Message, Values};
use crate::{BuildId, BuildIdCompatibility, ListedSet, MajorVersionSet};

/// The public `GetWorkerBuildIdCompatibility` response, read and checked in one pass, its
/// build IDs kept as slices of the document: [`PublicSets::invalid`] says what is wrong,
/// [`PublicSets::rebuild`] makes the sets.
///
/// # Example
/// ```
/// use version_sets::{CheckedResponse, Note};
///
/// let text = r#"{"major_version_sets": [{"buildIds": ["1.0"]}, {"build_ids": null}, {"buildIds": ["2.0"]}]}"#;
/// let CheckedResponse(response) = serde_json::from_str(text)?;
/// assert!(response.invalid().is_none());
/// assert_eq!(response.notes(), [Note::EmptySetLeftOut { path: "majorVersionSets[1]".into() }]);
/// let rebuilt = response.rebuild()?;
/// assert_eq!(rebuilt.sets.set_count(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedResponse<'a>(pub PublicSets<'a>);

/// What `temporal task-queue get-build-ids -o json` prints (an array of sets, oldest first,
/// or `null` for an unversioned queue), read and checked in one pass: each set's
/// `isDefaultSet` and `defaultForSet` as it is read, its build IDs kept as slices of the
/// document. See [`VersionSets::from_listing`](crate::VersionSets::from_listing) for an
/// example.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedListing<'a>(pub PublicSets<'a>);

impl<'de: 'a, 'a> Deserialize<'de> for CheckedResponse<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let response: ResponseFields<'a> = message::read(deserializer)?;
        Ok(CheckedResponse(PublicSets::check(
            RESPONSE,
            response.sets,
            Found::default(),
        )))
    }
}

impl<'de> Deserialize<'de> for BuildIdCompatibility {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let response: ResponseFields<'_> = message::read(deserializer)?;
        Ok(BuildIdCompatibility {
            major_version_sets: response
                .sets
                .iter()
                .map(|ids| owned(ids).map(|build_ids| MajorVersionSet { build_ids }))
                .collect::<Result<_, D::Error>>()?,
        })
    }
}

impl<'de> Deserialize<'de> for MajorVersionSet {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let set: ResponseSet<'_> = message::read(deserializer)?;
        Ok(MajorVersionSet {
            build_ids: owned(&set.0)?,
        })
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for CheckedListing<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_option(ListingVisitor(PhantomData))
    }
}

impl<'de> Deserialize<'de> for ListedSet {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let set: ListedFields<'_> = message::read(deserializer)?;
        Ok(ListedSet {
            build_ids: owned(&set.build_ids)?,
            default_for_set: set.default_for_set.map(Cow::into_owned),
            is_default_set: set.is_default_set,
        })
    }
}

/// Checked build IDs as [`BuildId`]s.
fn owned<E: de::Error>(ids: &[Cow<'_, str>]) -> Result<Vec<BuildId>, E> {
    ids.iter()
        .map(|id| BuildId::new(id).map_err(E::custom))
        .collect()
}

/// The response's fields: each set's build IDs.
#[derive(Default)]
struct ResponseFields<'a> {
    sets: Vec<IdList<'a>>,
}

impl<'de: 'a, 'a> Message<'de> for ResponseFields<'a> {
    const NAME: &'static str = "GetWorkerBuildIdCompatibilityResponse";
    const EXPECTING: &'static str =
        "a GetWorkerBuildIdCompatibility response (an object with majorVersionSets)";
    const FIELDS: &'static [&'static str] = &["majorVersionSets"];
    const MODELLED: &'static [&'static str] = Self::FIELDS;

    fn field<V: Values<'de>>(&mut self, _: usize, values: &mut V) -> Result<(), V::Error> {
        values.next_seed(ResponseSets(&mut self.sets))?;
        Ok(())
    }
}

/// The response's sets, each kept as it is read (a `Vec` of whole sets would cost a third
/// more for each).
struct ResponseSets<'s, 'a>(&'s mut Vec<IdList<'a>>);

impl<'de: 'a, 'a> DeserializeSeed<'de> for ResponseSets<'_, 'a> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de: 'a, 'a> Visitor<'de> for ResponseSets<'_, 'a> {
    type Value = ();

    // Worded as `Vec`'s reader words it.
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a sequence")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(set) = seq.next_element::<ResponseSet<'a>>()? {
            self.0.push(set.0.into_boxed_slice());
        }
        Ok(())
    }
}

/// One set of the response: its build IDs.
#[derive(Default)]
struct ResponseSet<'a>(Vec<Cow<'a, str>>);

impl<'de: 'a, 'a> Deserialize<'de> for ResponseSet<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        message::read(deserializer)
    }
}

impl<'de: 'a, 'a> Message<'de> for ResponseSet<'a> {
    const NAME: &'static str = "CompatibleVersionSet";
    const EXPECTING: &'static str = "a set of the response (an object with buildIds)";
    const FIELDS: &'static [&'static str] = &["buildIds"];
    const MODELLED: &'static [&'static str] = Self::FIELDS;

    fn field<V: Values<'de>>(&mut self, _: usize, values: &mut V) -> Result<(), V::Error> {
        if let Some(ids) = values.next::<Vec<Text<'a>>>()? {
            self.0 = ids.into_iter().map(|id| id.0).collect();
        }
        Ok(())
    }
}

/// One set of a listing.
#[derive(Default)]
struct ListedFields<'a> {
    build_ids: Vec<Cow<'a, str>>,
    default_for_set: Option<Cow<'a, str>>,
    is_default_set: bool,
}

impl<'de: 'a, 'a> Deserialize<'de> for ListedFields<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        message::read(deserializer)
    }
}

impl<'de: 'a, 'a> Message<'de> for ListedFields<'a> {
    const NAME: &'static str = "ListedSet";
    const EXPECTING: &'static str =
        "a set: an object with buildIds, defaultForSet and isDefaultSet";
    const FIELDS: &'static [&'static str] = &["buildIds", "defaultForSet", "isDefaultSet"];
    const MODELLED: &'static [&'static str] = Self::FIELDS;

    fn field<V: Values<'de>>(&mut self, index: usize, values: &mut V) -> Result<(), V::Error> {
        match index {
            0 => {
                if let Some(ids) = values.next::<Vec<Text<'a>>>()? {
                    self.build_ids = ids.into_iter().map(|id| id.0).collect();
                }
            }
            1 => self.default_for_set = values.next::<Text<'a>>()?.map(|text| text.0),
            _ => self.is_default_set = values.next()?.unwrap_or_default(),
        }
        Ok(())
    }
}

/// A listing, or `null`: no sets.
struct ListingVisitor<'a>(PhantomData<Cow<'a, str>>);

impl<'de: 'a, 'a> Visitor<'de> for ListingVisitor<'a> {
    type Value = CheckedListing<'a>;

    // Worded as `Vec`'s reader words it.
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a sequence")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(CheckedListing(PublicSets::check(
            LISTING,
            Vec::new(),
            Found::default(),
        )))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        self.visit_none()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_seq(self)
    }

    /// Each set's flags are checked as it is read and only its build IDs kept, so that a
    /// listing of empty sets (`{},` each) does not cost a whole set for every three bytes.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut flags = ListingFlags::default();
        let mut sets = Vec::new();
        while let Some(set) = seq.next_element::<ListedFields<'a>>()? {
            flags.set(
                set.is_default_set,
                set.default_for_set.as_deref(),
                set.build_ids.last().map(AsRef::as_ref),
            );
            sets.push(set.build_ids.into_boxed_slice());
        }
        Ok(CheckedListing(PublicSets::check(
            LISTING,
            sets,
            flags.finish(),
        )))
    }
}

/// A string, kept as a slice of the document unless an escape in it forced a copy.
struct Text<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;

        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Cow<'de, str>;

            // Worded as `String`'s reader words it.
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }

            fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Self::Value, E> {
                Ok(Cow::Borrowed(text))
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
                Ok(Cow::Owned(text.to_owned()))
            }

            fn visit_string<E: de::Error>(self, text: String) -> Result<Self::Value, E> {
                Ok(Cow::Owned(text))
            }
        }

        deserializer.deserialize_string(TextVisitor).map(Text)
    }
}
