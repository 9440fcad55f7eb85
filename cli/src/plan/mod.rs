//! `version-sets plan STATE TARGET`: the fewest `temporal task-queue update-build-ids`
//! commands that turn one state into another, checked on the model.

mod shell;
mod shortest;

use std::path::PathBuf;

use serde_json::{Value, json};
use version_sets::{Limits, Update, VersionSets};

use super::affected::Pair;
use super::render::flat;
use super::{Output, Status, input, state};

/// The gRPC method that carries every operation, merge-sets included.
const METHOD: &str =
    "temporal.api.workflowservice.v1.WorkflowService/UpdateWorkerBuildIdCompatibility";

/// Print the fewest update commands that turn STATE into TARGET.
///
/// Prints `temporal task-queue update-build-ids ...` commands (Temporal CLI 1.9.1's
/// spelling), one a line, after a `#` line that says what they do. merge-sets has no
/// Temporal CLI subcommand: its step is a `#` line with the gRPC request
/// (WorkflowService/UpdateWorkerBuildIdCompatibility, sent by an SDK or tdbg). The
/// steps are the fewest operations after which the model answers every dispatch question
/// as TARGET does (every build ID's poll and task, and a new workflow's task: the same
/// sets, set defaults and queue default); the order of the sets, and of the build IDs in
/// a set other than its default, is not matched. The command applies every step to the
/// model, with the server's default limits, and compares the result with TARGET before
/// printing anything. Where no sequence exists (a build ID would have to be removed,
/// deleted or restored, or a set split), it says why. STATE and TARGET are any shapes
/// `show` accepts. With `-o json`: {"steps": [{"operation", "command": TEXT | null,
/// "request": {"namespace", "taskQueue", OPERATION}}], "sameOrder": whether the listing's
/// order matches TARGET's too}, namespace and taskQueue null when not given.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  version-sets plan state.json target.json --namespace default --task-queue orders"
)]
pub(crate) struct Args {
    /// The state to start from, or - for standard input
    #[arg(value_name = "STATE")]
    state: PathBuf,
    /// The state to reach, or - for standard input
    #[arg(value_name = "TARGET")]
    target: PathBuf,
    /// The namespace the commands name [default: "$NAMESPACE", for the shell to fill]
    #[arg(long, value_parser = clap::builder::NonEmptyStringValueParser::new())]
    namespace: Option<String>,
    /// The task queue the commands name [default: "$TASK_QUEUE", for the shell to fill]
    #[arg(long, value_parser = task_queue_name)]
    task_queue: Option<String>,
}

/// A `--task-queue` value, checked as the server checks a task queue's name.
fn task_queue_name(name: &str) -> Result<String, String> {
    version_sets::Namespace::check_task_queue(name)
        .map(|()| name.to_owned())
        .map_err(|error| error.to_string())
}

pub(crate) fn run(args: &Args, output: &mut Output<'_>) -> Status {
    if args.state.as_os_str() == "-" && args.target.as_os_str() == "-" {
        output.diagnostic("STATE and TARGET cannot both be standard input");
        return Status::BadInput;
    }
    // Only the sets count: a plan reaches TARGET for dispatch, which reads neither set
    // IDs nor timestamps, and the order they would decide is only noted.
    let Some(state) = state::open(&args.state, output).map(|opened| opened.sets) else {
        return Status::BadInput;
    };
    let Some(target) = state::open(&args.target, output).map(|opened| opened.sets) else {
        return Status::BadInput;
    };
    let (from, to) = (input::name_of(&args.state), input::name_of(&args.target));
    let updates = match checked(&state, &target) {
        Ok(updates) => updates,
        Err(why) => {
            output.diagnostic(format_args!(
                "plan: no sequence of operations turns {from} into {to}: {why}"
            ));
            return Status::Failed;
        }
    };
    let same_order = {
        let mut result = state.clone();
        let now = result.clock().wall_clock;
        for update in &updates {
            let _ = result.apply(update, now, Limits::SERVER_DEFAULT);
        }
        flat(&result) == flat(&target)
    };
    let namespace = args.namespace.as_deref();
    let task_queue = args.task_queue.as_deref();
    if output.json() {
        let steps: Vec<Value> = updates
            .iter()
            .map(|update| {
                let mut request = json!({"namespace": namespace, "taskQueue": task_queue});
                if let (Some(request), Ok(Value::Object(operation))) =
                    (request.as_object_mut(), serde_json::to_value(update))
                {
                    request.extend(operation);
                }
                json!({
                    "operation": update,
                    "command": command(update, namespace, task_queue),
                    "request": request,
                })
            })
            .collect();
        output.document(&json!({"steps": steps, "sameOrder": same_order}));
        return Status::Ok;
    }
    if updates.is_empty() {
        output.line(format_args!(
            "# {from} already answers every dispatch question as {to} does: no steps"
        ));
    } else {
        let count = updates.len();
        let noun = if count == 1 {
            "step turns"
        } else {
            "steps turn"
        };
        output.line(format_args!(
            "# {count} {noun} {from} into {to} for dispatch (applied to the model and checked)"
        ));
    }
    if !updates.is_empty() && (namespace.is_none() || task_queue.is_none()) {
        output.line("# $NAMESPACE and $TASK_QUEUE stand for --namespace and --task-queue");
    }
    if !same_order {
        output.line(format_args!(
            "# the listing's order will differ from {to}'s (sets, or build IDs within a set), which dispatch does not read"
        ));
    }
    for (number, update) in (1..).zip(&updates) {
        match command(update, namespace, task_queue) {
            Some(command) => output.line(command),
            None => {
                // Written by hand, not through a JSON map, to keep the request's field order.
                let operation = serde_json::to_string(update).unwrap_or_default();
                let request = format!(
                    "{{\"namespace\":{},\"taskQueue\":{},{}",
                    json!(namespace.unwrap_or("$NAMESPACE")),
                    json!(task_queue.unwrap_or("$TASK_QUEUE")),
                    operation.strip_prefix('{').unwrap_or(&operation)
                );
                output.line(format_args!(
                    "# step {number}: merge-sets has no Temporal CLI subcommand; send {METHOD} (an SDK or tdbg can) with {request}"
                ));
            }
        }
    }
    Status::Ok
}

/// The proposed steps, applied to the model and checked against TARGET; a promote-set is
/// added when the model's queue default is not yet TARGET's (see `shortest` for when).
///
/// # Errors
/// Why no sequence exists, or why the steps do not reach TARGET on the model.
fn checked(state: &VersionSets, target: &VersionSets) -> Result<Vec<Update>, String> {
    let mut updates = shortest::steps(state, target)?;
    let mut result = state.clone();
    // The stamps the steps get do not matter to dispatch: the state's own time will do.
    let now = result.clock().wall_clock;
    for (number, update) in (1..).zip(&updates) {
        apply(&mut result, update, now, number)?;
    }
    if !Pair::new(&result, target).same_new_workflows() {
        if let Some(default) = target.default_build_id() {
            let promote = Update::promote_set_by_build_id(default.clone());
            apply(&mut result, &promote, now, updates.len() + 1)?;
            updates.push(promote);
        }
    }
    Pair::new(&result, target)
        .same_for_dispatch()
        .map_err(|difference| {
            format!("the steps found do not reach it on the model ({difference})")
        })?;
    Ok(updates)
}

fn apply(result: &mut VersionSets, update: &Update, now: i64, number: usize) -> Result<(), String> {
    result
        .apply(update, now, Limits::SERVER_DEFAULT)
        .map(|_| ())
        .map_err(|error| {
            format!(
                "step {number} would be refused ({}: {error}; the server's default limits apply)",
                error.code()
            )
        })
}

/// The Temporal CLI command of `update`; `None` for merge-sets, which it lacks.
fn command(update: &Update, namespace: Option<&str>, task_queue: Option<&str>) -> Option<String> {
    let (subcommand, build_id, rest) = match update {
        Update::AddNewBuildIdInNewDefaultSet(id) => ("add-new-default", id, String::new()),
        Update::AddNewCompatibleBuildId {
            new_build_id,
            existing_compatible_build_id,
            queue_default,
        } => (
            "add-new-compatible",
            new_build_id,
            format!(
                " --existing-compatible-build-id {}{}",
                shell::word(existing_compatible_build_id.as_str()),
                if bool::from(*queue_default) {
                    " --set-as-default"
                } else {
                    ""
                }
            ),
        ),
        Update::PromoteSetByBuildId(id) => ("promote-set", id, String::new()),
        Update::PromoteBuildIdWithinSet(id) => ("promote-id-in-set", id, String::new()),
        Update::MergeSets { .. } => return None,
    };
    Some(format!(
        "temporal task-queue update-build-ids {subcommand} --namespace {} --task-queue {} --build-id {}{rest}",
        namespace.map_or_else(|| "\"$NAMESPACE\"".to_owned(), shell::word),
        task_queue.map_or_else(|| "\"$TASK_QUEUE\"".to_owned(), shell::word),
        shell::word(build_id.as_str()),
    ))
}
