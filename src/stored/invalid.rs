//! What can be wrong with versioning data, and where.

use std::fmt;

use crate::words::quote;
use crate::{BuildIdError, Hlc};

/// Versioning data that breaks the data model's invariants: the violations found, in
/// document order, and how many there are. `Display` shows the first (and how many more
/// there are).
///
/// At most [`InvalidData::MAX_LISTED`] violations are kept; the rest are counted. Why: a
/// violation costs a hundred bytes or so (a path and a problem), and hostile data can hold
/// one for every three bytes (`{},` is a set with neither set IDs nor build IDs), so keeping
/// them all would cost tens of times the data's size. The first thousand say what is wrong;
/// the count says how much.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub struct InvalidData {
    violations: Vec<Violation>,
    unlisted: usize,
}

impl InvalidData {
    /// The most violations one error lists; the others are only counted
    /// ([`InvalidData::unlisted`]).
    pub const MAX_LISTED: usize = 1_000;

    /// An error listing `violations`, with `unlisted` more found past them.
    pub(crate) fn new(violations: Vec<Violation>, unlisted: usize) -> Self {
        Self {
            violations,
            unlisted,
        }
    }

    /// `INVALID_ARGUMENT`: data that breaks the model's invariants is not accepted.
    pub const fn code(&self) -> crate::Code {
        crate::Code::InvalidArgument
    }

    /// The first violations, in document order: all of them, up to
    /// [`InvalidData::MAX_LISTED`] (never empty).
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// How many violations were found past the [`InvalidData::MAX_LISTED`] listed ones.
    pub fn unlisted(&self) -> usize {
        self.unlisted
    }

    /// How many violations were found in all, listed or not.
    pub fn count(&self) -> usize {
        self.violations.len() + self.unlisted
    }

    /// The listed violations, in document order (never empty), taken out of the error: a
    /// caller that keeps them (say, to report) need not copy each.
    ///
    /// # Example
    /// ```
    /// use version_sets::{VersionSetData, VersionSets, VersioningData};
    ///
    /// let data = VersioningData { version_sets: vec![VersionSetData::default()] };
    /// let violations = VersionSets::from_data(&data).unwrap_err().into_violations();
    /// assert_eq!(violations[0].to_string(), "versionSets[0].setIds: a set needs at least one set ID");
    /// ```
    pub fn into_violations(self) -> Vec<Violation> {
        self.violations
    }
}

impl fmt::Display for InvalidData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.violations.first(), self.count()) {
            (None, _) => f.write_str("invalid versioning data"),
            (Some(first), 1) => write!(f, "{first}"),
            (Some(first), count) => write!(f, "{first} (and {} more)", count - 1),
        }
    }
}

/// One broken invariant, at a proto-JSON path such as `versionSets[1].buildIds[0].id` (empty
/// for the whole document).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Where, as a path into the proto-JSON document.
    pub path: String,
    /// What is wrong there.
    pub problem: Problem,
}

impl Violation {
    pub(crate) fn new(path: String, problem: Problem) -> Self {
        Self { path, problem }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A violation of the whole document (a listing is an array, at the empty path).
        if self.path.is_empty() {
            write!(f, "{}", self.problem)
        } else {
            write!(f, "{}: {}", self.path, self.problem)
        }
    }
}

/// What is wrong at a [`Violation`]'s path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Problem {
    /// A set has no set IDs.
    #[error("a set needs at least one set ID")]
    NoSetIds,
    /// A set ID is the empty string.
    #[error("a set ID must not be empty")]
    EmptySetId,
    /// A set lists one set ID twice.
    #[error("a set ID is listed twice")]
    DuplicateSetId,
    /// A set's IDs are not in ascending byte order.
    #[error("set IDs are not sorted")]
    UnsortedSetIds,
    /// A set has no build IDs.
    #[error("a set needs at least one build ID")]
    NoBuildIds,
    /// A build ID is not valid.
    #[error("{0}")]
    InvalidBuildId(BuildIdError),
    /// A build ID occurs a second time.
    #[error("build ID {build_id} also appears at {first}")]
    DuplicateBuildId {
        /// The repeated build ID.
        build_id: String,
        /// The path of its first occurrence.
        first: String,
    },
    /// A build ID record has state `STATE_UNSPECIFIED` (or none).
    #[error("state must be STATE_ACTIVE or STATE_DELETED")]
    UnspecifiedState,
    /// A timestamp is missing.
    #[error("timestamp is missing")]
    MissingTimestamp,
    /// A set became default before a set of the same cluster listed before it: no server
    /// stores that (each cluster's stamps keep list order; across clusters the order may
    /// disagree, `model.list-order`, and such data loads with a note).
    #[error(
        "set became default at {stamp}, earlier than a set of the same cluster listed before it, at {before}"
    )]
    SetOutOfOrder {
        /// This set's timestamp.
        stamp: Hlc,
        /// The same cluster's latest listed before it.
        before: Hlc,
    },
    /// The data holds more build IDs than a queue can (see [`Limits`](crate::Limits)).
    #[error("{count} build IDs, more than the {max} a queue can hold")]
    TooManyBuildIds {
        /// How many the data holds.
        count: usize,
        /// The most a queue can hold.
        max: usize,
    },
    /// A build ID became default before one of the same cluster listed before it in its set
    /// (see [`Problem::SetOutOfOrder`]).
    #[error(
        "build ID became default at {stamp}, earlier than a build ID of the same cluster listed before it, at {before}"
    )]
    BuildIdOutOfOrder {
        /// This build ID's timestamp.
        stamp: Hlc,
        /// The same cluster's latest listed before it.
        before: Hlc,
    },
    /// A listed set other than the last says it is the queue's default set.
    #[error("is true, but only the last set is the queue's default set")]
    NotLastDefaultSet,
    /// The last listed set says it is not the queue's default set.
    #[error("is false, but the last set is the queue's default set")]
    LastNotDefaultSet,
    /// A listed set names as its default a build ID other than its last.
    #[error(
        "is {}, but the set's default (the last of buildIds) is {}",
        quote(.named),
        quote(.default)
    )]
    WrongSetDefault {
        /// The build ID the set names as its default.
        named: String,
        /// The last of its build IDs, its default.
        default: String,
    },
}
