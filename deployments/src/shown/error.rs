//! Why a document of Temporal's tools does not read, with the JSON path of the fault.

use std::fmt;

use crate::ids::VersionStringError;

/// A document that does not read: where (`path`, empty for the whole document) and why.
/// `Display` is `PATH: PROBLEM`, or the problem alone for the whole document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ReadError {
    /// The JSON path of the fault (`routingConfig.rampingVersionPercentage`,
    /// `[0].name`); empty for the whole document.
    pub path: String,
    /// What is wrong there.
    pub problem: Problem,
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.problem)
        } else {
            write!(f, "{}: {}", self.path, self.problem)
        }
    }
}

/// What is wrong at a [`ReadError`]'s path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Problem {
    /// Not JSON, or an object gives a key twice: serde_json's words, with line and column.
    #[error("not JSON: {0}")]
    NotJson(String),
    /// None of the shapes this reader knows.
    #[error(
        "none of the shapes of `temporal worker deployment describe`, `describe-version` or `list` with -o json, or of DescribeWorkerDeployment's gRPC JSON"
    )]
    NoShape,
    /// A value of the wrong JSON type.
    #[error("expected {expected}, found {found}")]
    WrongType {
        /// What the field holds.
        expected: &'static str,
        /// What the document has.
        found: &'static str,
    },
    /// A field the deployment data does not have (in Temporal CLI 1.9.1's or the server's
    /// JSON).
    #[error("unknown field {field:?}, expected one of {}", expected.join(", "))]
    UnknownField {
        /// The field, as the document spells it (cut to 64 characters).
        field: String,
        /// The fields the object has.
        expected: &'static [&'static str],
    },
    /// A field given in both proto-JSON spellings (`buildId` and `build_id`).
    #[error("given twice, as {0:?} and another spelling")]
    GivenTwice(String),
    /// A field every document of this shape has.
    #[error("missing field {0}")]
    Missing(&'static str),
    /// A value none of the enum's spellings.
    #[error("{found:?} is not one of {}", expected.join(", "))]
    NotAName {
        /// The value (cut to 64 characters).
        found: String,
        /// The spellings.
        expected: &'static [&'static str],
    },
    /// A number that is not a float32 percentage from 0 to 100.
    #[error("{0} is not a percentage from 0 to 100")]
    Percentage(String),
    /// A revision number that is not an integer.
    #[error("{0:?} is not an integer revision number")]
    Revision(String),
    /// A version string that does not parse (the server's words).
    #[error("{0}")]
    Version(VersionStringError),
    /// A deployment name and a build ID of which one is empty.
    #[error("a version needs both a deployment name and a build ID; found {name:?} and {build:?}")]
    HalfVersion {
        /// The deployment name given.
        name: String,
        /// The build ID given.
        build: String,
    },
    /// A version of another deployment than the one described.
    #[error("version {version} is not of deployment {deployment:?}")]
    OtherDeployment {
        /// The version, `D:b`.
        version: String,
        /// The deployment's name.
        deployment: String,
    },
    /// The deprecated version string and the structured version disagree.
    #[error("says {string:?}, but the {field} says {version}")]
    Disagree {
        /// The deprecated string.
        string: String,
        /// The structured field's name.
        field: &'static str,
        /// Its version, `D:b` (or `unversioned`).
        version: String,
    },
}

/// `text` as an error quotes it: whole up to 64 characters, else its first 64 and an
/// ellipsis, so that a megabyte key does not become a megabyte message.
pub(crate) fn cut(text: &str) -> String {
    match text.char_indices().nth(64) {
        Some((at, _)) => format!("{}…", text.get(..at).unwrap_or_default()),
        None => text.to_owned(),
    }
}
