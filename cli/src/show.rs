//! `version-sets show STATE`: render a task queue's version sets.

use std::path::PathBuf;

use clap::ValueEnum;

use super::render::{self, Options};
use super::state::{self, Facts, Opened};
use super::{Output, Status};

/// Render a task queue's version sets.
///
/// STATE is Temporal's stored VersioningData in proto-JSON (an object with versionSets;
/// assignmentRules and redirectRules are read past, with a note), the same wrapped as
/// TaskQueueUserData (as tdbg prints it), a GetWorkerBuildIdCompatibility response (an
/// object with majorVersionSets), what `temporal task-queue get-build-ids -o json` prints
/// (an array, or null for an unversioned queue), or a trace (the state it leaves); `-` reads
/// standard input. Proto-JSON's other spellings (snake_case names, null for a default,
/// integers written with an exponent) are accepted. The response, listing and trace carry no
/// set IDs or timestamps: they are rebuilt as the operations that make those sets would make
/// them (a set whose build IDs are all deleted is left out, with a note); from the
/// response and the listing, what would print the made-up set IDs and timestamps
/// (--set-ids, --format json) is refused.
///
/// The tree lists the sets oldest first, and marks each set's default, the default set, the
/// queue's default build ID and deleted build IDs (tombstones). `-o json` is `--format
/// json` (or `api-json` with it); beside `--format tree`, `dot` or `mermaid` it is refused.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  version-sets show state.json --format api-json")]
pub(crate) struct Args {
    /// The state to show, or - for standard input
    #[arg(value_name = "STATE")]
    state: PathBuf,
    /// Output format: an ASCII tree, Graphviz DOT, a Mermaid flowchart, the stored
    /// VersioningData proto-JSON, or the public majorVersionSets response [default: tree;
    /// json with -o json, which refuses tree, dot and mermaid]
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Show each set's IDs, the primary first (tree, dot and mermaid)
    #[arg(long)]
    set_ids: bool,
    /// List the newest set first (tree, dot and mermaid)
    #[arg(long)]
    newest_first: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Tree,
    Dot,
    Mermaid,
    Json,
    ApiJson,
}

pub(crate) fn run(args: &Args, output: &mut Output<'_>) -> Status {
    let format = match (args.format, output.json()) {
        (Some(format @ (Format::Tree | Format::Dot | Format::Mermaid)), true) => {
            let name = format
                .to_possible_value()
                .map(|value| value.get_name().to_owned())
                .unwrap_or_default();
            output.diagnostic(format_args!(
                "--format {name} and -o json conflict: -o json prints one JSON document; drop one of them"
            ));
            return Status::BadInput;
        }
        (Some(format), _) => format,
        (None, true) => Format::Json,
        (None, false) => Format::Tree,
    };
    let Some(Opened {
        sets: state, facts, ..
    }) = state::open(&args.state, output)
    else {
        return Status::BadInput;
    };
    if let Some(refusal) = made_up(args, format, &facts) {
        output.diagnostic(refusal);
        return Status::BadInput;
    }
    let options = Options {
        set_ids: args.set_ids,
        newest_first: args.newest_first,
    };
    let text = match format {
        Format::Tree => render::tree(&state, options),
        Format::Dot => render::dot(&state, options),
        Format::Mermaid => render::mermaid(&state, options),
        Format::Json => json(&state.to_data()),
        Format::ApiJson => json(&state.response(0)),
    };
    output.text(&text);
    Status::Ok
}

/// The refusal of a rendering that would print what the input does not carry: set IDs
/// (`--set-ids`), or the stored form with its set IDs and timestamps (`--format json`).
fn made_up(args: &Args, format: Format, facts: &Facts) -> Option<String> {
    let known = facts.set_ids_known() && facts.timestamps_known();
    match format {
        _ if known => None,
        Format::Json => Some(facts.refusal(
            "the stored form (--format json, the default with -o json)",
            "set IDs and timestamps",
            Some("--format api-json for the sets it holds"),
        )),
        Format::Tree | Format::Dot | Format::Mermaid if args.set_ids => {
            Some(facts.refusal("--set-ids", "the set IDs", None))
        }
        _ => None,
    }
}

/// Pretty proto-JSON, ending with a newline.
pub(crate) fn json(value: &impl serde::Serialize) -> String {
    let mut text = serde_json::to_string_pretty(value)
        .unwrap_or_else(|error| format!("\"cannot render: {error}\""));
    text.push('\n');
    text
}
