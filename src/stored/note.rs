//! What a reader tells its caller beside the sets: what it read past, and what the sets it
//! rebuilt leave out.

use std::fmt;

/// A remark about how a document was read, for the caller to pass on: nothing is wrong, but
/// the sets do not hold everything the document does.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Note {
    /// Worker-versioning rules that newer servers keep in `VersioningData` beside the version
    /// sets (`assignmentRules`, `redirectRules`): read past.
    RulesIgnored {
        /// The field, by its JSON name.
        field: &'static str,
    },
    /// A field of `TaskQueueUserData` that newer servers write beside the versioning data
    /// (`perType`, the worker-deployment data by task type): read past.
    FieldIgnored {
        /// The field, by its JSON name.
        field: &'static str,
    },
    /// A set of the public response or of a listing with no build IDs: what the server lists
    /// for a set whose build IDs are all deleted. Valid, but it cannot be rebuilt without its
    /// deleted build IDs, so the rebuilt sets leave it out.
    EmptySetLeftOut {
        /// The set's JSON path, e.g. `majorVersionSets[1]`.
        path: String,
    },
    /// More such sets, past the first [`Note::EMPTY_SETS_NOTED`], counted in one note.
    MoreEmptySetsLeftOut {
        /// How many.
        count: usize,
    },
    /// Sets or build IDs listed after a later timestamp of another cluster: what the server
    /// stores after a failover between clusters whose clocks differ. Valid: the list order
    /// stands (the last set is the default), and the next merge-sets or replica join sorts
    /// by timestamp, as the server's does (docs/semantics.md, `model.list-order`).
    OutOfTimestampOrder {
        /// The first such timestamp's JSON path, e.g. `versionSets[1].becameDefaultTimestamp`.
        path: String,
        /// How many there are in all.
        count: usize,
    },
}

impl Note {
    /// At most this many empty sets are noted one by one ([`Note::EmptySetLeftOut`]); the
    /// rest are counted in one [`Note::MoreEmptySetsLeftOut`]. Why: a document of empty sets
    /// (`{},` each) would otherwise cost a note for every three bytes.
    pub const EMPTY_SETS_NOTED: usize = 10;
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::RulesIgnored { field } => write!(
                f,
                "{field} ignored (worker-versioning rules are outside this model; only the \
                 version sets are read)"
            ),
            Note::FieldIgnored { field } => write!(
                f,
                "{field} ignored (it is outside the versioning data, which is all this model \
                 reads)"
            ),
            Note::EmptySetLeftOut { path } => write!(
                f,
                "{path} has no live build IDs (all deleted); it is left out of the rebuilt sets"
            ),
            Note::MoreEmptySetsLeftOut { count } => write!(
                f,
                "{count} more sets have no live build IDs; they are left out of the rebuilt sets too"
            ),
            Note::OutOfTimestampOrder { path, count } => write!(
                f,
                "{path} is earlier than a timestamp of another cluster listed before it ({count} \
                 in all): list order stands, as on a server after a failover under clock skew; \
                 the next merge-sets or replica join sorts by timestamp"
            ),
        }
    }
}
