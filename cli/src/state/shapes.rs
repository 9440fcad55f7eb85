//! The JSON shapes of versioning data Temporal's tools print, told apart by their top-level
//! keys, and read by serde alone (with the JSON path of the first problem).

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde_json::Value;
use version_sets::{BuildId, CheckedData, InvalidData, VersionSets, VersioningData};

use super::rebuild::Rebuild;
use crate::json::describe;

/// A document, once its shape is known. The public response and the listing keep their
/// build IDs borrowed from the document where they can (see [`Id`]).
pub(crate) enum Shape<'a> {
    /// Stored `VersioningData`, possibly unwrapped from a `TaskQueueUserData`, loaded as it
    /// was read ([`CheckedData`]): the sets, or what is wrong with them.
    Stored(Result<VersionSets, InvalidData>),
    /// The public `GetWorkerBuildIdCompatibility` response: each set's build IDs.
    Public(Vec<Vec<Id<'a>>>),
    /// The array `temporal task-queue get-build-ids -o json` prints; `null` (what it prints
    /// for an unversioned queue) is an empty listing.
    Listing(Listing<'a>),
}

/// A build ID of the public response or of a listing: checked as [`BuildId`] checks it, and
/// kept as a slice of the document unless an escape in it forced a copy.
///
/// Why not [`BuildId`]: these forms spend about ten bytes of input on a build ID, and an
/// allocation of its own for each would cost several times that. Checking them needs no
/// model, so nothing is copied until a command works on the sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Id<'a>(Cow<'a, str>);

impl Id<'_> {
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    /// The build ID itself, for the model.
    pub(crate) fn to_build_id(&self) -> BuildId {
        match BuildId::new(self.as_str()) {
            Ok(id) => id,
            // Checked when read, by the same rule.
            Err(error) => unreachable!("a build ID checked when read is refused: {error}"),
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Id<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct IdVisitor;

        impl<'de> serde::de::Visitor<'de> for IdVisitor {
            type Value = Cow<'de, str>;

            // Worded as `String`'s reader words it, which `BuildId`'s reader uses.
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }

            fn visit_borrowed_str<E: serde::de::Error>(
                self,
                text: &'de str,
            ) -> Result<Self::Value, E> {
                Ok(Cow::Borrowed(text))
            }

            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Self::Value, E> {
                Ok(Cow::Owned(text.to_owned()))
            }

            fn visit_string<E: serde::de::Error>(self, text: String) -> Result<Self::Value, E> {
                Ok(Cow::Owned(text))
            }
        }

        let text = deserializer.deserialize_string(IdVisitor)?;
        BuildId::check(&text).map_err(serde::de::Error::custom)?;
        Ok(Id(text))
    }
}

/// The public response, read as [`version_sets::BuildIdCompatibility`] reads it (the same
/// names, defaults and words), with borrowed build IDs.
#[derive(Deserialize)]
#[serde(
    rename_all = "camelCase",
    deny_unknown_fields,
    expecting = "a GetWorkerBuildIdCompatibility response (an object with majorVersionSets)"
)]
struct Response<'a> {
    #[serde(default, borrow)]
    major_version_sets: Vec<ResponseSet<'a>>,
}

/// One set of [`Response`], as [`version_sets::MajorVersionSet`] reads it.
#[derive(Deserialize)]
#[serde(
    rename_all = "camelCase",
    deny_unknown_fields,
    expecting = "a set of the response (an object with buildIds)"
)]
struct ResponseSet<'a> {
    #[serde(default, borrow)]
    build_ids: Vec<Id<'a>>,
}

impl<'a> Response<'a> {
    fn into_sets(self) -> Vec<Vec<Id<'a>>> {
        self.major_version_sets
            .into_iter()
            .map(|set| set.build_ids)
            .collect()
    }
}

/// A `get-build-ids -o json` listing, read set by set: each set's flags are checked as it
/// is read ([`Rebuild::listed_set`]) and only its build IDs are kept, so that a listing of
/// empty sets (`{},` each) does not cost a whole [`ListedSet`] for every three bytes.
#[derive(Default)]
pub(crate) struct Listing<'a> {
    /// Each set's build IDs, oldest set first.
    pub(crate) sets: Vec<Vec<Id<'a>>>,
    /// What the flags' check found.
    pub(crate) checked: Rebuild,
}

impl<'de: 'a, 'a> Deserialize<'de> for Listing<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ListingVisitor<'a>(PhantomData<Id<'a>>);

        impl<'de: 'a, 'a> serde::de::Visitor<'de> for ListingVisitor<'a> {
            type Value = Listing<'a>;

            // Worded as `Vec`'s reader words it.
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a sequence")
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Listing<'a>, A::Error> {
                let mut listing = Listing::default();
                while let Some(set) = seq.next_element::<ListedSet<'a>>()? {
                    listing.checked.listed_set(listing.sets.len(), &set);
                    listing.sets.push(set.build_ids);
                }
                listing.checked.end_listing();
                Ok(listing)
            }
        }

        deserializer.deserialize_seq(ListingVisitor(PhantomData))
    }
}

/// One set of a `get-build-ids -o json` listing, oldest first.
#[derive(Deserialize)]
#[serde(
    rename_all = "camelCase",
    deny_unknown_fields,
    expecting = "a set: an object with buildIds, defaultForSet and isDefaultSet"
)]
pub(crate) struct ListedSet<'a> {
    /// The build IDs, oldest first; the last is the set's default.
    #[serde(default, borrow)]
    pub(crate) build_ids: Vec<Id<'a>>,
    /// The set's default build ID, as the CLI names it.
    #[serde(default, borrow)]
    pub(crate) default_for_set: Option<Cow<'a, str>>,
    /// Whether this is the queue's default set (the last one).
    #[serde(default)]
    pub(crate) is_default_set: bool,
}

/// `TaskQueueUserData` as `tdbg` decodes it: the queue's versioning data and the clock of
/// the user data itself (which orders user-data writes, not version sets, so it is not used).
#[derive(Deserialize)]
#[serde(
    rename_all = "camelCase",
    deny_unknown_fields,
    expecting = "TaskQueueUserData: an object with versioningData and clock"
)]
struct UserData {
    #[serde(default)]
    versioning_data: Option<Value>,
    #[serde(default, rename = "clock")]
    _clock: Option<Value>,
}

/// The worker-versioning rules newer servers keep beside the version sets. This crate models
/// version sets only, so they are read past and reported as ignored.
const RULES: [&str; 2] = ["assignmentRules", "redirectRules"];

/// The error for a document of none of the shapes, around what it is (`an object`).
const NOT_VERSIONING_DATA: (&str, &str) = (
    "not versioning data",
    ": expected an object with versionSets (stored VersioningData), versioningData \
     (TaskQueueUserData) or majorVersionSets (a GetWorkerBuildIdCompatibility response), or \
     what `temporal task-queue get-build-ids -o json` prints (an array, or null)",
);

/// What a document is, in words, and its contents.
pub(crate) struct Read<'a> {
    pub(crate) shape: &'static str,
    pub(crate) contents: Shape<'a>,
    /// Parts read past, e.g. `assignmentRules`, for a note.
    pub(crate) ignored: Vec<&'static str>,
}

/// Tells the shape of a normalised document and reads it with serde.
///
/// # Errors
/// `PATH: problem` (or the problem alone at the top level) for the first thing serde
/// cannot read, or a sentence saying what shapes are accepted.
pub(crate) fn read(value: Value) -> Result<Read<'static>, String> {
    match value {
        Value::Null => Ok(Read {
            shape: "get-build-ids listing of an unversioned queue",
            contents: Shape::Listing(Listing::default()),
            ignored: Vec::new(),
        }),
        Value::Array(_) => Ok(Read {
            shape: "get-build-ids listing",
            contents: Shape::Listing(deserialize(value, "")?),
            ignored: Vec::new(),
        }),
        Value::Object(ref map) if map.contains_key("majorVersionSets") => Ok(Read {
            shape: "majorVersionSets response",
            contents: Shape::Public(deserialize::<Response>(value, "")?.into_sets()),
            ignored: Vec::new(),
        }),
        Value::Object(ref map)
            if map.contains_key("versioningData") || map.contains_key("clock") =>
        {
            let user_data: UserData = deserialize(value, "")?;
            let data = user_data
                .versioning_data
                .unwrap_or(Value::Object(Default::default()));
            let (data, ignored) = stored(data, "versioningData")?;
            Ok(Read {
                shape: "TaskQueueUserData",
                contents: Shape::Stored(data),
                ignored,
            })
        }
        Value::Object(ref map)
            if map.is_empty()
                || map.contains_key("versionSets")
                || RULES.iter().any(|key| map.contains_key(*key)) =>
        {
            let (data, ignored) = stored(value, "")?;
            Ok(Read {
                shape: "stored VersioningData",
                contents: Shape::Stored(data),
                ignored,
            })
        }
        other => Err(format!(
            "{} (got {}){}",
            NOT_VERSIONING_DATA.0,
            describe(&other),
            NOT_VERSIONING_DATA.1
        )),
    }
}

/// Reads `bytes` straight into its typed shape, with no JSON tree, when it is written the one
/// way the serde forms read (JSON names, no `null` where a list, flag or number goes, integers
/// without a fraction, no rules); `None` otherwise, and the caller then reads it through the
/// tree ([`read`] after `normalise`), which accepts the other spellings and words every error.
///
/// Why: a `serde_json::Value` tree costs tens of bytes for every byte of a document of small
/// objects (a million sets of one build ID took 1.5 GB), so reading hostile input through it
/// cannot stay within a small multiple of the input. Reading typed values directly costs what
/// they keep. The result is the one the tree would give: anything the typed readers might take
/// differently from the tree (another spelling is an unknown field, a `null` list or a float
/// is a type error, a repeated key is a duplicate field) makes them fail, and the tree decides.
pub(crate) fn read_direct(bytes: &[u8]) -> Option<Read<'_>> {
    // Invalid UTF-8 inside a string skipped unread would go unnoticed here; the tree refuses it.
    let text = std::str::from_utf8(bytes).ok()?;
    let first = text
        .trim_start_matches([' ', '\t', '\n', '\r'])
        .bytes()
        .next()?;
    match first {
        b'[' => Some(Read {
            shape: "get-build-ids listing",
            contents: Shape::Listing(serde_json::from_str(text).ok()?),
            ignored: Vec::new(),
        }),
        b'{' => {
            let TopKeys(keys) = serde_json::from_str(text).ok()?;
            let has = |key: &str| keys.iter().any(|present| present == key);
            if has("majorVersionSets") {
                Some(Read {
                    shape: "majorVersionSets response",
                    contents: Shape::Public(
                        serde_json::from_str::<Response>(text).ok()?.into_sets(),
                    ),
                    ignored: Vec::new(),
                })
            } else if has("versioningData") || has("clock") {
                let user_data: DirectUserData = serde_json::from_str(text).ok()?;
                Some(Read {
                    shape: "TaskQueueUserData",
                    contents: Shape::Stored(match user_data.versioning_data {
                        Some(CheckedData(loaded)) => loaded,
                        None => VersionSets::from_data(&VersioningData::default()),
                    }),
                    ignored: Vec::new(),
                })
            } else if RULES.iter().any(|key| has(key)) {
                // Rules are read past with a note, by the tree.
                None
            } else {
                // An object with other keys is refused by the typed reader (unknown field),
                // and the tree then says which shapes are accepted.
                Some(Read {
                    shape: "stored VersioningData",
                    contents: Shape::Stored(serde_json::from_str::<CheckedData>(text).ok()?.0),
                    ignored: Vec::new(),
                })
            }
        }
        _ => None,
    }
}

/// The first problem the typed reader of canonical `text`'s shape finds, worded as
/// [`read`] words it: `PATH: problem`, or the problem alone at the top level; `None` when it
/// finds none, or the shape is one only the tree reads (rules, a top level that is not an
/// object or an array).
pub(crate) fn typed_error(text: &[u8]) -> Option<String> {
    let first = text.trim_ascii_start().first()?;
    match first {
        b'[' => streamed::<Listing>(text),
        b'{' => {
            let TopKeys(keys) = serde_json::from_slice(text).ok()?;
            let has = |key: &str| keys.iter().any(|present| present == key);
            if has("majorVersionSets") {
                streamed::<Response>(text)
            } else if has("versioningData") || has("clock") {
                streamed::<DirectUserData>(text)
            } else if RULES.iter().any(|key| has(key)) {
                None
            } else if keys.is_empty() || has("versionSets") {
                streamed::<CheckedData>(text)
            } else {
                Some(format!(
                    "{} (got an object){}",
                    NOT_VERSIONING_DATA.0, NOT_VERSIONING_DATA.1
                ))
            }
        }
        _ => None,
    }
}

/// The error of reading `text` as `T`, as [`deserialize`] words it (the stream's position,
/// which the tree's reader has not, left out).
fn streamed<'a, T: Deserialize<'a>>(text: &'a [u8]) -> Option<String> {
    let mut deserializer = serde_json::Deserializer::from_slice(text);
    let error = match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Ok(_) => return None,
        Err(error) => error,
    };
    let at = match error.path().to_string().as_str() {
        "." => String::new(),
        inner => inner.to_owned(),
    };
    let inner = error.into_inner();
    let message = inner.to_string();
    let suffix = format!(" at line {} column {}", inner.line(), inner.column());
    let problem = message.strip_suffix(&suffix).unwrap_or(&message);
    Some(if at.is_empty() {
        problem.to_owned()
    } else {
        format!("{at}: {problem}")
    })
}

/// [`UserData`] read directly: its versioning data typed (rules in it make it fail, and the
/// tree reads it), its clock checked as the tree would check it and dropped.
#[derive(Deserialize)]
#[serde(
    rename_all = "camelCase",
    deny_unknown_fields,
    expecting = "TaskQueueUserData: an object with versioningData and clock"
)]
struct DirectUserData {
    #[serde(default)]
    versioning_data: Option<CheckedData>,
    #[serde(default, rename = "clock")]
    _clock: Option<Checked>,
}

/// Any JSON value that the tree would read without error: no object in it names a field
/// twice, in the same spelling or in two (`wallClock` and `wall_clock`). Nothing is kept
/// but, for each object while it is read, its field names.
struct Checked;

impl<'de> Deserialize<'de> for Checked {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct CheckedVisitor;

        impl<'de> serde::de::Visitor<'de> for CheckedVisitor {
            type Value = Checked;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("any JSON value")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Checked, A::Error> {
                let mut names = std::collections::BTreeSet::new();
                while let Some(key) = map.next_key::<String>()? {
                    if !names.insert(super::proto::json_name(&key)) {
                        return Err(serde::de::Error::custom("left to the tree"));
                    }
                    map.next_value::<Checked>()?;
                }
                Ok(Checked)
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Checked, A::Error> {
                while seq.next_element::<Checked>()?.is_some() {}
                Ok(Checked)
            }

            fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Checked, E> {
                Ok(Checked)
            }

            fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Checked, E> {
                Ok(Checked)
            }

            fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Checked, E> {
                Ok(Checked)
            }

            fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Checked, E> {
                Ok(Checked)
            }

            fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<Checked, E> {
                Ok(Checked)
            }

            fn visit_unit<E: serde::de::Error>(self) -> Result<Checked, E> {
                Ok(Checked)
            }
        }

        deserializer.deserialize_any(CheckedVisitor)
    }
}

/// The top-level keys of an object whose value is not `null` (a `null` member is absent, as
/// `normalise` has it), for telling its shape; values are parsed and dropped.
struct TopKeys(Vec<String>);

/// No accepted shape has more top-level keys than this; past it the document is left to the
/// tree (which refuses it), so that checking for a repeated key stays cheap.
const MAX_TOP_KEYS: usize = 4;

impl<'de> Deserialize<'de> for TopKeys {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeysVisitor;

        impl<'de> serde::de::Visitor<'de> for KeysVisitor {
            type Value = TopKeys;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<TopKeys, A::Error> {
                let mut seen: Vec<String> = Vec::new();
                let mut present = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    if seen.len() >= MAX_TOP_KEYS || seen.contains(&key) {
                        return Err(serde::de::Error::custom("left to the tree"));
                    }
                    let value: Option<serde::de::IgnoredAny> = map.next_value()?;
                    if value.is_some() {
                        present.push(key.clone());
                    }
                    seen.push(key);
                }
                Ok(TopKeys(present))
            }
        }

        deserializer.deserialize_map(KeysVisitor)
    }
}

/// Stored `VersioningData` at `path`, its rules taken out first.
fn stored(
    mut value: Value,
    path: &str,
) -> Result<(Result<VersionSets, InvalidData>, Vec<&'static str>), String> {
    let mut ignored = Vec::new();
    if let Value::Object(map) = &mut value {
        for key in RULES {
            if map.remove(key).is_some() {
                ignored.push(key);
            }
        }
    }
    let CheckedData(loaded) = deserialize(value, path)?;
    Ok((loaded, ignored))
}

/// `value` read as `T`, or the JSON path (under `path`) and problem of the first error.
fn deserialize<T: Deserialize<'static>>(value: Value, path: &str) -> Result<T, String> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let inner = error.path().to_string();
        let at = match (path.is_empty(), inner.as_str()) {
            (_, ".") => path.to_owned(),
            (true, inner) => inner.to_owned(),
            (false, inner) if inner.starts_with('[') => format!("{path}{inner}"),
            (false, inner) => format!("{path}.{inner}"),
        };
        let problem = error.into_inner();
        if at.is_empty() {
            problem.to_string()
        } else {
            format!("{at}: {problem}")
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a read comes to, in a form tests can compare.
    fn summary(read: &Read) -> String {
        let contents = match &read.contents {
            Shape::Stored(data) => format!("{data:?}"),
            Shape::Public(sets) => format!("{sets:?}"),
            Shape::Listing(listing) => {
                let findings: Vec<String> = listing
                    .checked
                    .findings
                    .iter()
                    .map(ToString::to_string)
                    .collect();
                format!("{:?} {findings:?}", listing.sets)
            }
        };
        format!("{} {:?} {contents}", read.shape, read.ignored)
    }

    /// The reading through the tree, as `examine` does it when the direct reader declines.
    fn through_tree(text: &str) -> Result<String, String> {
        let mut value = crate::json::read(text.as_bytes())?;
        super::super::normalise(&mut value)?;
        read(value).map(|read| summary(&read))
    }

    const STAMP: &str = r#"{"wallClock": "5", "version": 0, "clusterId": "1"}"#;

    fn stored() -> String {
        format!(
            r#"{{"versionSets": [{{"setIds": ["s"], "buildIds": [{{"id": "a", "state":
            "STATE_ACTIVE", "stateUpdateTimestamp": {STAMP}, "becameDefaultTimestamp": null}}],
            "becameDefaultTimestamp": {STAMP}}}]}}"#
        )
    }

    #[test]
    fn canonical_documents_are_read_directly_as_the_tree_reads_them() {
        let documents = [
            stored(),
            "{}".to_owned(),
            r#"{"majorVersionSets": [{"buildIds": ["a", "b"]}, {"buildIds": []}]}"#.to_owned(),
            r#" [{"buildIds": ["a"], "defaultForSet": "a", "isDefaultSet": true}]"#.to_owned(),
            "[]".to_owned(),
            format!(
                r#"{{"versioningData": {}, "clock": {{"wallClock": 1.5e3, "x": [null]}}}}"#,
                stored()
            ),
            r#"{"versioningData": null, "clock": {}}"#.to_owned(),
            r#"{"clock": null, "versioningData": {"versionSets": []}}"#.to_owned(),
        ];
        for text in documents {
            let direct =
                read_direct(text.as_bytes()).unwrap_or_else(|| panic!("not read directly: {text}"));
            assert_eq!(Ok(summary(&direct)), through_tree(&text), "{text}");
        }
    }

    /// Everything the typed readers could take differently from the tree is left to it.
    #[test]
    fn other_spellings_nulls_floats_rules_and_errors_are_left_to_the_tree() {
        let documents = [
            r#"{"version_sets": []}"#,
            r#"{"versionSets": null}"#,
            r#"{"majorVersionSets": [{"buildIds": null}]}"#,
            r#"{"versionSets": [{"becameDefaultTimestamp": {"wallClock": 5.0}}]}"#,
            r#"{"versionSets": [{"buildIds": [{"state": 1.0}]}]}"#,
            r#"{"versionSets": [], "assignmentRules": []}"#,
            r#"{"versioningData": {"versionSets": [], "assignmentRules": []}}"#,
            r#"{"versioningData": {"version_sets": []}}"#,
            r#"{"versioningData": null, "clock": {"a": {"b": 1, "b": 2}}}"#,
            r#"{"clock": [{"wallClock": 1, "wall_clock": 2}]}"#,
            r#"{"majorVersionSets": [], "versioningData": null}"#,
            r#"{"versioningData": null, "clock": {"a": 1, "a": 2}}"#,
            r#"{"versionSets": [], "versionSets": []}"#,
            r#"{"versionSets": [{"setIds": ["s", "s"], "setIds": []}]}"#,
            r#"{"a": 1, "b": 2, "c": 3, "d": 4, "e": 5}"#,
            r#"{"somethingElse": 1}"#,
            r#"[{"isDefaultSet": null}]"#,
            r#"[{"build_ids": ["a"]}]"#,
            r#"{"majorVersionSets": []} trailing"#,
            "null",
            "7",
        ];
        for text in documents {
            assert!(
                read_direct(text.as_bytes()).is_none(),
                "read directly: {text}"
            );
        }
        // Invalid UTF-8 in a string, which a reader that skips the string might not see.
        assert!(read_direct(b"{\"versionSets\": [], \"x\": \"\xff\"}").is_none());
    }

    /// A build ID without escapes stays a slice of the document.
    #[test]
    fn build_ids_are_borrowed_unless_escaped() {
        let text = r#"[["plain", "esc\u0061ped"]]"#;
        let read: Vec<Vec<Id<'_>>> = serde_json::from_str(text).unwrap();
        assert!(matches!(read[0][0].0, Cow::Borrowed("plain")));
        assert!(matches!(&read[0][1].0, Cow::Owned(id) if id == "escaped"));
        assert!(serde_json::from_str::<Vec<Id<'_>>>(r#"[""]"#).is_err());
        let long = format!("[\"{}\"]", "x".repeat(256));
        assert!(serde_json::from_str::<Vec<Id<'_>>>(&long).is_err());
        let longest = format!("[\"{}\"]", "x".repeat(255));
        assert!(serde_json::from_str::<Vec<Id<'_>>>(&longest).is_ok());
    }
}
