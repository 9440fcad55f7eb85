//! Running updates on a state, as `apply` and `update` both do: in order, the first failure
//! stopping the run, then the new state, or with `--dry-run` each outcome, a diff and who
//! the change affects.

use std::str::FromStr;

use serde_json::{Value, json};
use version_sets::{BuildId, Limits, Outcome, Update, VersionSets};

use super::affected::Pair;
use super::diff::diff;
use super::render::flat;
use super::state::Facts;
use super::time;
use super::{Output, Status, Style};

/// The options `apply` and `update` share.
#[derive(Debug, clap::Args)]
pub(crate) struct Options {
    /// Limits checked on the result of every operation: server (10 sets, 100 build IDs, the
    /// server's defaults), none, or MAX_SETS,MAX_BUILD_IDS (each 0 to 18446744073709551615; 0 is
    /// unlimited)
    #[arg(long, global = true, default_value = "server", value_parser = Limits::from_str)]
    limits: Limits,
    /// The time of the updates: an RFC 3339 time (2024-11-19T07:06:40Z), or Unix
    /// milliseconds (at least 100000000000; MSms for any) [default: the current time]
    #[arg(long, global = true, value_name = "TIME", allow_negative_numbers = true, value_parser = time::parse_now)]
    now: Option<i64>,
    /// Print each operation's outcome, a before/after diff and who the change affects (what
    /// pollers get, where new and existing workflows' tasks go) instead of the new state
    #[arg(long, global = true)]
    dry_run: bool,
    /// Apply updates to the public response or a listing, which leave out deleted build
    /// IDs, as if a build ID an operation names and no set holds was never deleted (the
    /// server finds a deleted one: adding it again is refused, promoting it is not)
    #[arg(long, global = true)]
    assume_not_deleted: bool,
}

/// Applies `ops` (each with where it came from, e.g. `ops.jsonl:3`) to `state` and prints
/// the result as `options` ask. From an input that carries no set IDs or timestamps
/// (`facts`), the new state is printed as the public response, which holds neither, and a
/// merge-sets, which orders the merged set by its build IDs' timestamps, is refused.
pub(crate) fn run(
    mut state: VersionSets,
    ops: &[(String, Update)],
    options: &Options,
    facts: &Facts,
    output: &mut Output<'_>,
) -> Status {
    if let Some((at, _)) = ops
        .iter()
        .find(|(_, update)| matches!(update, Update::MergeSets { .. }))
        .filter(|_| !facts.timestamps_known())
    {
        output.diagnostic(facts.refusal(
            &format!("the merge-sets ({at}), which orders the merged set by timestamp,"),
            "the build IDs' timestamps",
            None,
        ));
        return Status::BadInput;
    }
    let exact = facts.set_ids_known() && facts.timestamps_known();
    let new_state = |state: &VersionSets, output: &mut Output<'_>| -> Value {
        let written = if exact {
            serde_json::to_value(state.to_data())
        } else {
            output.diagnostic(facts.printed_as_response());
            serde_json::to_value(state.response(0))
        };
        written.unwrap_or(Value::Null)
    };
    let now = time::now(
        options.now,
        facts.newest_ms(state.clock().wall_clock),
        output,
    );
    let before = state.clone();
    let mut steps = Vec::new();
    let mut assumed = Vec::new();
    for (at, update) in ops {
        // From a form without deleted build IDs, an operation naming a build ID that no
        // set holds is answered only on the assumption that it was never deleted.
        for build_id in named(update) {
            if state.contains(build_id.as_str()) {
                continue;
            }
            match facts.absent(build_id.as_str(), options.assume_not_deleted) {
                Ok(None) => {}
                Ok(Some(assumption)) => {
                    let assumption = format!("{at}: assumed: {assumption}");
                    if !assumed.contains(&assumption) {
                        output.diagnostic(&assumption);
                        assumed.push(assumption);
                    }
                }
                Err(refusal) => {
                    output.diagnostic(format_args!("{refusal} ({at})"));
                    return Status::BadInput;
                }
            }
        }
        let result = state.apply(update, now, options.limits);
        let operation = serde_json::to_value(update).unwrap_or(Value::Null);
        // As written: the fields in the order of the request message, not sorted.
        let written = serde_json::to_string(update).unwrap_or_default();
        match result {
            Ok(outcome) => {
                let outcome = match outcome {
                    Outcome::Changed => "changed",
                    Outcome::NoOp => "noop",
                };
                if options.dry_run && !output.json() {
                    output.line(format_args!("{at}: {written} -> {outcome}"));
                }
                steps.push(json!({"at": at, "operation": operation, "outcome": outcome}));
            }
            Err(error) => {
                let mut message = error.to_string();
                if error.is_limit() {
                    message = format!(
                        "{message} (limits applied: {}; --limits changes them)",
                        options.limits
                    );
                }
                let code = error.code();
                if !options.dry_run {
                    output.diagnostic(format_args!("{at}: {code}: {message}"));
                    return Status::Failed;
                }
                if output.json() {
                    steps.push(json!({
                        "at": at,
                        "operation": operation,
                        "outcome": "error",
                        "error": {"code": code.to_string(), "message": message},
                    }));
                    output.document(&json!({
                        "operations": steps,
                        "state": null,
                        "affected": null,
                        "assumed": assumed,
                    }));
                } else {
                    let failed = output.paint(format_args!("{code}: {message}"), Style::Bad);
                    output.line(format_args!("{at}: {written} -> {failed}"));
                    output.line(format_args!(
                        "{at} fails, so the run would stop there and print no state"
                    ));
                }
                return Status::Failed;
            }
        }
    }
    match (options.dry_run, output.json()) {
        (false, _) => {
            let new_state = new_state(&state, output);
            output.document(&new_state);
        }
        (true, true) => {
            let new_state = new_state(&state, output);
            output.document(&json!({
                "operations": steps,
                "state": new_state,
                "affected": Pair::new(&before, &state).affected().json(),
                "assumed": assumed,
            }));
        }
        (true, false) => {
            let (old, new) = (flat(&before), flat(&state));
            if old == new {
                output.line("no change");
            } else {
                output.line(
                    "--- before (sets oldest first; the last build ID of a set is its default)",
                );
                output.line("+++ after");
                for line in diff(&old, &new) {
                    let style = if line.starts_with('+') {
                        Some(Style::Good)
                    } else if line.starts_with('-') {
                        Some(Style::Bad)
                    } else {
                        None
                    };
                    match style {
                        Some(style) => {
                            let line = output.paint(&line, style);
                            output.line(line);
                        }
                        None => output.line(line),
                    }
                }
                for line in Pair::new(&before, &state).affected().lines() {
                    output.line(line);
                }
            }
        }
    }
    Status::Ok
}

/// The build IDs `update` names.
fn named(update: &Update) -> Vec<&BuildId> {
    match update {
        Update::AddNewBuildIdInNewDefaultSet(id)
        | Update::PromoteSetByBuildId(id)
        | Update::PromoteBuildIdWithinSet(id) => vec![id],
        Update::AddNewCompatibleBuildId {
            new_build_id,
            existing_compatible_build_id,
            ..
        } => vec![new_build_id, existing_compatible_build_id],
        Update::MergeSets {
            primary_set_build_id,
            secondary_set_build_id,
        } => vec![primary_set_build_id, secondary_set_build_id],
    }
}
