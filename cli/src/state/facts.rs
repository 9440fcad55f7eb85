//! What a STATE's sets know of their own: the public response and the listing carry no set
//! IDs, timestamps or deleted build IDs, so the sets rebuilt from them hold made-up ones
//! (`version_sets::Provenance`). A subcommand whose answer rests on one of those says so:
//! it refuses, naming the input that would answer, or prints the answer with the fact
//! marked unknown. The words are kept here so that every subcommand says it alike.

use version_sets::Provenance;

/// Where a STATE's facts come from: its name, its shape and its provenance.
#[derive(Debug, Clone)]
pub(crate) struct Facts {
    /// How diagnostics name the input.
    pub(crate) name: String,
    /// Its shape in words, e.g. `get-build-ids listing`.
    shape: &'static str,
    provenance: Provenance,
}

/// The inputs that hold every fact: what a refusal asks for instead.
const STORED_DATA: &str =
    "give the stored data (a tdbg dump: TaskQueueUserData, or stored VersioningData)";

impl Facts {
    pub(crate) fn new(name: String, shape: &'static str, provenance: Provenance) -> Self {
        Self {
            name,
            shape,
            provenance,
        }
    }

    /// Its shape in words, e.g. `get-build-ids listing`.
    pub(crate) fn shape(&self) -> &'static str {
        self.shape
    }

    /// What of the sets is made up.
    pub(crate) fn provenance(&self) -> Provenance {
        self.provenance
    }

    /// Whether the set IDs are the data's own.
    pub(crate) fn set_ids_known(&self) -> bool {
        !self.provenance.set_ids_reconstructed()
    }

    /// Whether the timestamps are the data's own.
    pub(crate) fn timestamps_known(&self) -> bool {
        !self.provenance.timestamps_reconstructed()
    }

    /// Whether the deleted build IDs are in the sets.
    pub(crate) fn tombstones_known(&self) -> bool {
        !self.provenance.tombstones_missing()
    }

    /// The newest timestamp to warn `--now` against: the data's own, or none when the
    /// timestamps are made up (a warning about them would be about nothing real).
    pub(crate) fn newest_ms(&self, wall_clock: i64) -> i64 {
        if self.timestamps_known() {
            wall_clock
        } else {
            i64::MIN
        }
    }

    /// The one-line refusal of an answer that needs `what`, which this input lacks:
    /// `NAME: QUESTION needs WHAT, which a SHAPE does not carry; give the stored data (...)`,
    /// then `or` and `instead` when another way to an answer exists.
    pub(crate) fn refusal(&self, question: &str, what: &str, instead: Option<&str>) -> String {
        let instead = instead.map_or_else(String::new, |instead| format!(", or {instead}"));
        format!(
            "{}: {question} needs {what}, which a {} does not carry; {STORED_DATA}{instead}",
            self.name, self.shape
        )
    }

    /// Why the set ID of an answer is not given: `NAME is a SHAPE, which carries no set IDs;
    /// ...`.
    pub(crate) fn set_id_unknown(&self) -> String {
        format!(
            "{} is a {}, which carries no set IDs; a tdbg dump (TaskQueueUserData) or stored VersioningData has them",
            self.name, self.shape
        )
    }

    /// The note of a new state printed as the public response, not in the stored form whose
    /// set IDs and timestamps this input lacks.
    pub(crate) fn printed_as_response(&self) -> String {
        format!(
            "{}: note: the new state is printed as a majorVersionSets response: a {} carries no set IDs or timestamps for the stored form",
            self.name, self.shape
        )
    }

    /// For an answer about `build_id`, which is in none of the sets: nothing when the
    /// deleted build IDs are known; when they are missing (the server keeps a deleted build
    /// ID in its set, and answers for it from that set), the assumption the answer then
    /// rests on when the user chose it (`assumed`, --assume-not-deleted), or the refusal.
    ///
    /// # Errors
    /// The refusal, naming the input that would answer and the flag.
    pub(crate) fn absent(&self, build_id: &str, assumed: bool) -> Result<Option<String>, String> {
        if self.tombstones_known() {
            return Ok(None);
        }
        if assumed {
            return Ok(Some(format!(
                "{build_id} is not a deleted build ID of the queue (--assume-not-deleted; a {} leaves deleted ones out)",
                self.shape
            )));
        }
        Err(self.refusal(
            &format!("the answer for {build_id}, which is in no listed set,"),
            "the deleted build IDs (the server keeps a deleted one in its set)",
            Some("--assume-not-deleted to answer as for a build ID never deleted"),
        ))
    }
}
