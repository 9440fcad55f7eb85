//! The five public update operations, their outcome and the per-queue limits.

use std::fmt;
use std::str::FromStr;

use crate::build_id::BuildId;
use crate::names::ParseError;

/// One operation of Temporal's `UpdateWorkerBuildIdCompatibility`.
///
/// The constructors are named after the Python SDK's `BuildIdOp…` classes. With the `serde`
/// feature an `Update` reads and writes the request's proto-JSON `operation` field, e.g.
/// `{"addNewBuildIdInNewDefaultSet": "2.0"}`. It writes JSON names, and reads all of
/// proto-JSON: each operation and field under its JSON or proto name
/// (`{"merge_sets": {"primary_set_build_id": …}}`), `null` as a field's default (`false` for
/// `makeSetDefault`); a field given twice, in two spellings, or an unknown field is an error.
///
/// # Example
/// ```
/// # #[cfg(feature = "serde")] {
/// use version_sets::{BuildId, Update};
///
/// let update: Update = serde_json::from_str(r#"{"promote_set_by_build_id": "1.0"}"#)?;
/// assert_eq!(update, Update::promote_set_by_build_id(BuildId::new("1.0")?));
/// assert_eq!(serde_json::to_string(&update)?, r#"{"promoteSetByBuildId":"1.0"}"#);
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(
    feature = "serde",
    serde(rename_all = "camelCase", rename_all_fields = "camelCase")
)]
pub enum Update {
    /// Add a build ID as the only member of a new set, which becomes the queue's default.
    AddNewBuildIdInNewDefaultSet(BuildId),
    /// Add a build ID to the set of an existing one, as that set's new default.
    AddNewCompatibleBuildId {
        /// The build ID to add.
        new_build_id: BuildId,
        /// Any member of the set to add it to.
        existing_compatible_build_id: BuildId,
        /// Whether that set also becomes the queue's default (the request's
        /// `makeSetDefault`, a boolean on the wire).
        #[cfg_attr(feature = "serde", serde(rename = "makeSetDefault"))]
        queue_default: QueueDefault,
    },
    /// Make the set holding this build ID the queue's default set.
    PromoteSetByBuildId(BuildId),
    /// Make this build ID its set's default.
    PromoteBuildIdWithinSet(BuildId),
    /// Merge the secondary build ID's set into the primary's; the primary's default stays the
    /// default of the merged set.
    MergeSets {
        /// A member of the set whose default wins.
        primary_set_build_id: BuildId,
        /// A member of the set merged into it.
        secondary_set_build_id: BuildId,
    },
}

impl Update {
    /// `BuildIdOpAddNewDefault(build_id)`.
    pub fn add_new_default(build_id: BuildId) -> Self {
        Self::AddNewBuildIdInNewDefaultSet(build_id)
    }

    /// `BuildIdOpAddNewCompatible(build_id, existing_compatible_build_id, promote_set)`.
    ///
    /// `queue_default` is the request's `makeSetDefault` field, named so a call reads as
    /// what it does.
    ///
    /// # Example
    /// ```
    /// use version_sets::{BuildId, QueueDefault, Update};
    ///
    /// let update = Update::add_new_compatible(BuildId::new("1.1")?, BuildId::new("1.0")?, QueueDefault::Keep);
    /// assert!(matches!(update, Update::AddNewCompatibleBuildId { queue_default: QueueDefault::Keep, .. }));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_new_compatible(
        build_id: BuildId,
        existing_compatible_build_id: BuildId,
        queue_default: QueueDefault,
    ) -> Self {
        Self::AddNewCompatibleBuildId {
            new_build_id: build_id,
            existing_compatible_build_id,
            queue_default,
        }
    }

    /// `BuildIdOpPromoteSetByBuildId(build_id)`.
    pub fn promote_set_by_build_id(build_id: BuildId) -> Self {
        Self::PromoteSetByBuildId(build_id)
    }

    /// `BuildIdOpPromoteBuildIdWithinSet(build_id)`.
    pub fn promote_build_id_within_set(build_id: BuildId) -> Self {
        Self::PromoteBuildIdWithinSet(build_id)
    }

    /// `BuildIdOpMergeSets(primary_build_id, secondary_build_id)`.
    pub fn merge_sets(primary_build_id: BuildId, secondary_build_id: BuildId) -> Self {
        Self::MergeSets {
            primary_set_build_id: primary_build_id,
            secondary_set_build_id: secondary_build_id,
        }
    }
}

/// Whether adding a compatible build ID also makes its set the queue's default set: the
/// `makeSetDefault` field of `AddNewCompatibleBuildId` (`--set-as-default` in the Temporal
/// CLI, `promote_set` in the Python SDK). With the `serde` feature it reads and writes that
/// field's boolean.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(from = "bool", into = "bool"))]
pub enum QueueDefault {
    /// `makeSetDefault: false`: the queue's default set stays as it is.
    #[default]
    Keep,
    /// `makeSetDefault: true`: the set gaining the build ID becomes the queue's default set.
    Make,
}

named! {
    QueueDefault, "the command's word";
    Keep => "keep",
    Make => "make",
}

impl From<bool> for QueueDefault {
    /// `makeSetDefault` as the request carries it.
    fn from(make_set_default: bool) -> Self {
        if make_set_default {
            Self::Make
        } else {
            Self::Keep
        }
    }
}

impl From<QueueDefault> for bool {
    /// The request's `makeSetDefault`.
    fn from(queue_default: QueueDefault) -> Self {
        queue_default == QueueDefault::Make
    }
}

/// What a successful update did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// The sets changed.
    Changed,
    /// Nothing changed: the update was already in effect (an idempotent repeat).
    NoOp,
}

named! {
    Outcome, "the trace format's and the command's word";
    Changed => "changed",
    NoOp => "noop",
}

/// Per-queue limits, checked on the result of every update, no-ops included. `0` means
/// no limit of its own; whatever the limits say, a queue holds at most 4,294,967,295 build
/// IDs (the capacity of the crate's 32-bit handles), and an update past that fails with
/// [`UpdateError::TooManyBuildIds`](crate::UpdateError::TooManyBuildIds).
///
/// There is deliberately no `Default`: a model of the server wants
/// [`Limits::SERVER_DEFAULT`], a test of the operations alone may want [`Limits::NONE`], and
/// the choice should be visible where `apply` is called.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Limits {
    /// `limit.versionCompatibleSetLimitPerQueue`: the most sets a queue may hold.
    pub max_sets: usize,
    /// `limit.versionBuildIdLimitPerQueue`: the most build IDs a queue may hold, tombstones
    /// included.
    pub max_build_ids: usize,
}

impl Limits {
    /// No limits at all.
    pub const NONE: Self = Self {
        max_sets: 0,
        max_build_ids: 0,
    };

    /// The server's defaults: 10 sets and 100 build IDs per queue.
    pub const SERVER_DEFAULT: Self = Self {
        max_sets: 10,
        max_build_ids: 100,
    };

    /// What [`FromStr`] reads, as its error lists it.
    const NAMES: &'static [&'static str] =
        &["none", "server", "MAX_SETS,MAX_BUILD_IDS (e.g. 10,100)"];
}

/// Reads limits as the command's `--limits` spells them: `none` ([`Limits::NONE`]),
/// `server` ([`Limits::SERVER_DEFAULT`]) or `MAX_SETS,MAX_BUILD_IDS` (spaces around
/// either number allowed, `0` for no limit of its own).
///
/// # Errors
/// A [`ParseError`] whose text is `expected none, server or MAX_SETS,MAX_BUILD_IDS (e.g.
/// 10,100)`.
///
/// # Example
/// ```
/// use version_sets::Limits;
///
/// assert_eq!("server".parse(), Ok(Limits::SERVER_DEFAULT));
/// assert_eq!("3, 0".parse(), Ok(Limits { max_sets: 3, max_build_ids: 0 }));
/// let err = "10".parse::<Limits>().unwrap_err();
/// assert_eq!(err.to_string(), "expected none, server or MAX_SETS,MAX_BUILD_IDS (e.g. 10,100)");
/// ```
impl FromStr for Limits {
    type Err = ParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "none" => Ok(Self::NONE),
            "server" => Ok(Self::SERVER_DEFAULT),
            _ => text
                .split_once(',')
                .and_then(|(sets, ids)| {
                    Some(Self {
                        max_sets: sets.trim().parse().ok()?,
                        max_build_ids: ids.trim().parse().ok()?,
                    })
                })
                .ok_or(ParseError::new("Limits", Self::NAMES)),
        }
    }
}

/// In words, as the command reports the limits that applied: `10 sets, 100 build IDs`, with
/// `unlimited` for a `0`.
impl fmt::Display for Limits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let part = |n: usize, what: &str| match n {
            0 => format!("unlimited {what}s"),
            1 => format!("1 {what}"),
            n => format!("{n} {what}s"),
        };
        write!(
            f,
            "{}, {}",
            part(self.max_sets, "set"),
            part(self.max_build_ids, "build ID")
        )
    }
}
