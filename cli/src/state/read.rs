//! The JSON shapes of versioning data Temporal's tools print, told apart by their top-level
//! keys, each read by the model's reader of that form: one read path per form.
//!
//! A document is read three times, each streaming, none keeping a tree (which costs tens
//! of bytes for every byte of a document of small objects): strictly (valid UTF-8, JSON, no
//! key twice in one object), for its top-level keys, and by the model's reader of its form,
//! whose first error is worded with its JSON path.
//!
//! Where two things are wrong, the stream names the first in document order. A refused
//! document up to [`TREE_LIMIT`] is read again by the same reader through a JSON tree in
//! the one spelling (`proto.rs`: a field given in two spellings is found first, anywhere),
//! whose objects are sorted by key, so that its error is the one the command has always
//! named (`cli/tests/data/stored-types.json`); past the limit the tree would cost too much,
//! and the stream's error stands.

use std::fmt;

use serde::Deserialize;
use serde_json::Value;
use version_sets::{CheckedData, CheckedListing, CheckedResponse, PublicSets, TaskQueueUserData};

use crate::json::describe;
use crate::proto::{json_name, json_path, normalise};

/// A document, read by the model's reader of its form.
pub(crate) enum Contents<'a> {
    /// Stored `VersioningData`: the sets, or what is wrong with them, and what was read past.
    Stored(CheckedData),
    /// The same, wrapped as `TaskQueueUserData`.
    UserData(TaskQueueUserData),
    /// The public response or a listing: their build IDs (slices of the document), checked.
    Public(PublicSets<'a>),
}

/// What a document is, in words, and its contents.
pub(crate) struct Read<'a> {
    pub(crate) shape: &'static str,
    pub(crate) contents: Contents<'a>,
}

/// Refused documents up to this size are read again through a tree to word their error.
const TREE_LIMIT: usize = 1 << 20;

/// The error for a document of none of the shapes, around what it is (`an object`).
const NOT_VERSIONING_DATA: (&str, &str) = (
    "not versioning data",
    ": expected an object with versionSets (stored VersioningData), versioningData \
     (TaskQueueUserData) or majorVersionSets (a GetWorkerBuildIdCompatibility response), or \
     what `temporal task-queue get-build-ids -o json` prints (an array, or null)",
);

/// Reads `bytes` as one of the shapes.
///
/// # Errors
/// `LINE:COLUMN: problem` for a document that is not strict JSON; ` PATH: problem` (or
/// ` problem` at the top level) for the first thing the form's reader refuses, or a
/// sentence saying what shapes are accepted. Either follows the input's name.
pub(crate) fn read(bytes: &[u8]) -> Result<Read<'_>, String> {
    version_sets_trace::check_strict(bytes).map_err(|error| error.to_string())?;
    let text = std::str::from_utf8(bytes).map_err(|error| error.to_string())?;
    let typed = |error: String| format!(" {error}");
    match text
        .trim_start_matches([' ', '\t', '\n', '\r'])
        .bytes()
        .next()
    {
        Some(b'[' | b'n') => Ok(Read {
            shape: if text.trim_ascii() == "null" {
                "get-build-ids listing of an unversioned queue"
            } else {
                "get-build-ids listing"
            },
            contents: Contents::Public(typed_read::<CheckedListing>(text).map_err(typed)?.0),
        }),
        Some(b'{') => {
            let keys: TopKeys = typed_read(text).map_err(typed)?;
            if keys.response {
                Ok(Read {
                    shape: "majorVersionSets response",
                    contents: Contents::Public(
                        typed_read::<CheckedResponse>(text).map_err(typed)?.0,
                    ),
                })
            } else if keys.user_data {
                Ok(Read {
                    shape: "TaskQueueUserData",
                    contents: Contents::UserData(typed_read(text).map_err(typed)?),
                })
            } else if keys.stored || !keys.any {
                Ok(Read {
                    shape: "stored VersioningData",
                    contents: Contents::Stored(typed_read(text).map_err(typed)?),
                })
            } else {
                Err(not_versioning_data("an object"))
            }
        }
        // A scalar: small enough to hold, to say what it is.
        _ => {
            let value: Value = serde_json::from_str(text).map_err(|error| error.to_string())?;
            Err(not_versioning_data(&describe(&value)))
        }
    }
}

fn not_versioning_data(got: &str) -> String {
    format!(
        " {} (got {got}){}",
        NOT_VERSIONING_DATA.0, NOT_VERSIONING_DATA.1
    )
}

/// `text` read as `T`, or the JSON path and problem of the first error: `PATH: problem`, or
/// the problem alone at the top level. The path names each key by its JSON name, as the
/// model's violations do, however the document spelt it; the stream's position is left out.
fn typed_read<'a, T: Form<'a>>(text: &'a str) -> Result<T, String> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let error = match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Ok(value) => return Ok(value),
        Err(error) => error,
    };
    let error = match (text.len() <= TREE_LIMIT).then(|| T::tree_error(text)) {
        Some(Some(Refusal::Spelling(error))) => return Err(error),
        Some(Some(Refusal::Typed(tree))) => tree,
        _ => error,
    };
    let at = json_path(error.path());
    let inner = error.into_inner();
    let message = inner.to_string();
    let suffix = format!(" at line {} column {}", inner.line(), inner.column());
    let problem = message.strip_suffix(&suffix).unwrap_or(&message);
    Err(if at.is_empty() {
        problem.to_owned()
    } else {
        format!("{at}: {problem}")
    })
}

/// A form's reader: over the stream, and over a tree to word an error.
trait Form<'a>: Deserialize<'a> {
    /// The first error of the same reader over `text`'s tree, if it has one.
    fn tree_error(text: &str) -> Option<Refusal>;
}

/// The first error of reading `text`'s tree, in the one spelling, as `T`.
fn tree_error<T: Deserialize<'static>>(text: &str) -> Option<Refusal> {
    let mut tree: Value = serde_json::from_str(text).ok()?;
    if let Err(error) = normalise(&mut tree) {
        return Some(Refusal::Spelling(error));
    }
    serde_path_to_error::deserialize::<_, T>(tree)
        .err()
        .map(Refusal::Typed)
}

/// Why the tree refuses a document.
enum Refusal {
    /// A field given in two spellings, as `PATH: problem`.
    Spelling(String),
    /// What the form's reader refuses.
    Typed(serde_path_to_error::Error<serde_json::Error>),
}

impl<'a> Form<'a> for CheckedListing<'a> {
    fn tree_error(text: &str) -> Option<Refusal> {
        tree_error::<CheckedListing<'static>>(text)
    }
}

impl<'a> Form<'a> for CheckedResponse<'a> {
    fn tree_error(text: &str) -> Option<Refusal> {
        tree_error::<CheckedResponse<'static>>(text)
    }
}

impl Form<'_> for TaskQueueUserData {
    fn tree_error(text: &str) -> Option<Refusal> {
        tree_error::<Self>(text)
    }
}

impl Form<'_> for CheckedData {
    fn tree_error(text: &str) -> Option<Refusal> {
        tree_error::<Self>(text)
    }
}

impl Form<'_> for TopKeys {
    fn tree_error(text: &str) -> Option<Refusal> {
        tree_error::<Self>(text)
    }
}

/// Which shapes an object's top-level keys (by their JSON names, a `null` member counted
/// as absent) point to; values are parsed and dropped, and no key is kept.
#[derive(Default)]
struct TopKeys {
    response: bool,
    user_data: bool,
    stored: bool,
    /// Whether any member is not `null`.
    any: bool,
}

impl<'de> Deserialize<'de> for TopKeys {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeysVisitor;

        impl<'de> serde::de::Visitor<'de> for KeysVisitor {
            type Value = TopKeys;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<TopKeys, A::Error> {
                let mut keys = TopKeys::default();
                while let Some(key) = map.next_key::<String>()? {
                    let value: Option<serde::de::IgnoredAny> = map.next_value()?;
                    if value.is_none() {
                        continue;
                    }
                    keys.any = true;
                    match json_name(&key).as_str() {
                        "majorVersionSets" => keys.response = true,
                        "versioningData" | "clock" | "perType" => keys.user_data = true,
                        "versionSets" | "assignmentRules" | "redirectRules" => keys.stored = true,
                        _ => {}
                    }
                }
                Ok(keys)
            }
        }

        deserializer.deserialize_map(KeysVisitor)
    }
}
