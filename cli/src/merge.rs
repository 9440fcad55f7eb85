//! `version-sets merge A B...`: the replica merge of several copies of one task queue.

use std::path::PathBuf;

use super::show::json;
use super::state::{self, Opened};
use super::{Output, Status};

/// Merge replicas of one task queue's versioning data, as a receiving cluster does.
///
/// Prints the merged stored VersioningData proto-JSON (the same form as `show --format
/// json`). The merge is a join: the files can be given in any order and the output is the
/// same, byte for byte. Each STATE is any shape `show` accepts; `-` reads standard input
/// (once). Per build ID the later state stamp wins (DELETED on a tie); sets that share a
/// set ID or a build ID become one; sets and build IDs are ordered by timestamp (so the
/// public response and the listing, which carry neither, are refused). The output
/// is a JSON document with or without -o json.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  version-sets merge east.json west.json")]
pub(crate) struct Args {
    /// The replicas to merge (at least two), or - for standard input
    #[arg(required = true, num_args = 2.., value_name = "STATE")]
    states: Vec<PathBuf>,
}

pub(crate) fn run(args: &Args, output: &mut Output<'_>) -> Status {
    let stdin_uses = args.states.iter().filter(|p| p.as_os_str() == "-").count();
    if stdin_uses > 1 {
        output.diagnostic("standard input (-) can be given only once");
        return Status::BadInput;
    }
    let mut merged: Option<version_sets::VersionSets> = None;
    for path in &args.states {
        let Some(Opened {
            sets: replica,
            facts,
            ..
        }) = state::open(path, output)
        else {
            return Status::BadInput;
        };
        if !(facts.set_ids_known() && facts.timestamps_known()) {
            output.diagnostic(facts.refusal(
                "a replica merge, which joins by set ID and timestamp,",
                "the set IDs and timestamps",
                None,
            ));
            return Status::BadInput;
        }
        merged = Some(match merged {
            None => replica,
            Some(merged) => merged.join(&replica),
        });
    }
    if let Some(merged) = merged {
        output.text(&json(&merged.to_data()));
    }
    Status::Ok
}
