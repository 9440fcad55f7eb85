//! `version-sets apply STATE OPS.jsonl`: apply operations and print the new state.

use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use version_sets::{Limits, Outcome, trace};

use super::diff::diff;
use super::render::flat;
use super::show::json;
use super::{Output, Status, input, state};

/// Apply operations to a state and print the new state.
///
/// The new state is printed as stored VersioningData proto-JSON. STATE is any shape `show`
/// accepts. OPS has one operation per line, spelled as the value
/// of a trace's update step, e.g. {"promoteSetByBuildId": "1.0"} (blank and # lines are
/// skipped). The operations run in order, as the server would run them one request at a
/// time; the first that fails stops the run, its error is printed as
/// `OPS:LINE: CODE: message` and no state is printed (exit 1).
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The state to start from, or - for standard input
    #[arg(value_name = "STATE")]
    state: PathBuf,
    /// The operations (JSON Lines), or - for standard input
    #[arg(value_name = "OPS")]
    ops: PathBuf,
    /// Limits checked on the result of every operation: none, server (10 sets, 100 build
    /// IDs) or MAX_SETS,MAX_BUILD_IDS (0 is unlimited)
    #[arg(long, default_value = "none", value_parser = parse_limits)]
    limits: Limits,
    /// The wall time of the updates, in Unix milliseconds [default: now]
    #[arg(long, value_name = "MS")]
    now: Option<i64>,
    /// Print each operation's outcome and a before/after diff instead of the new state
    #[arg(long)]
    dry_run: bool,
}

/// `none`, `server` or `MAX_SETS,MAX_BUILD_IDS`.
fn parse_limits(text: &str) -> Result<Limits, String> {
    match text {
        "none" => Ok(Limits::NONE),
        "server" => Ok(Limits::SERVER_DEFAULT),
        _ => {
            let parsed = text.split_once(',').and_then(|(sets, ids)| {
                Some(Limits {
                    max_sets: sets.trim().parse().ok()?,
                    max_build_ids: ids.trim().parse().ok()?,
                })
            });
            parsed.ok_or_else(|| {
                "expected none, server or MAX_SETS,MAX_BUILD_IDS (e.g. 10,100)".to_owned()
            })
        }
    }
}

pub(crate) fn run(args: &Args, output: &mut Output<'_>) -> Status {
    if args.state.as_os_str() == "-" && args.ops.as_os_str() == "-" {
        output.diagnostic("STATE and OPS cannot both be standard input");
        return Status::BadInput;
    }
    let Some(mut state) = state::open(&args.state, output) else {
        return Status::BadInput;
    };
    let ops = input::read(&args.ops).and_then(|input| {
        trace::parse_updates(&input.bytes)
            .map(|ops| (input.name.clone(), ops))
            .map_err(|error| format!("{}:{}: {}", input.name, error.line(), error.problem()))
    });
    let (ops_name, ops) = match ops {
        Ok(ops) => ops,
        Err(error) => {
            output.diagnostic(error);
            return Status::BadInput;
        }
    };
    let now = args.now.unwrap_or_else(wall_clock_ms);
    let before = state.clone();
    for (line, update) in &ops {
        let result = state.apply(update, now, args.limits);
        if args.dry_run {
            let op = serde_json::to_string(update).unwrap_or_default();
            let outcome = match &result {
                Ok(Outcome::Changed) => "changed".to_owned(),
                Ok(Outcome::NoOp) => "noop".to_owned(),
                Err(error) => format!("{}: {error}", error.code()),
            };
            output.line(format_args!("line {line}: {op} -> {outcome}"));
        }
        if let Err(error) = result {
            if args.dry_run {
                output.line(format_args!(
                    "line {line} fails, so apply would stop there and print no state"
                ));
            } else {
                output.diagnostic(format_args!("{ops_name}:{line}: {}: {error}", error.code()));
            }
            return Status::Failed;
        }
    }
    if args.dry_run {
        let (old, new) = (flat(&before), flat(&state));
        if old == new {
            output.line("no change");
        } else {
            output
                .line("--- before (sets oldest first; the last build ID of a set is its default)");
            output.line("+++ after");
            for line in diff(&old, &new) {
                output.line(line);
            }
        }
    } else {
        output.text(&json(&state.to_data()));
    }
    Status::Ok
}

/// The current Unix time in milliseconds (0 if the system clock is before 1970).
fn wall_clock_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX)
        })
}
