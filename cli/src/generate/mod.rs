//! `version-sets generate`: random traces whose expectations come from the model.
//!
//! The randomness lives here, in the command, with an explicit seed: the library has none.
//! Steps are drawn the way the stateful test draws them (`test-support/tests/state_machine.rs`): build
//! IDs are mostly ones the sets already hold, from a small pool otherwise, and limits sit
//! near the current counts, so every branch of every operation is reached.

use std::fs;
use std::path::PathBuf;

use serde_json::Value;
use version_sets_trace::{Action, Session, Step};

mod draw;
mod replica;

use super::{Output, Status};

/// Write random conformance traces whose expectations come from the model.
///
/// Writes COUNT files `OUTDIR/trace-NNNN.jsonl`, each of STEPS steps. The same seed always
/// writes the same bytes. Every file replays green through `version-sets replay`.
///
/// With -o json: `{"written": COUNT, "outdir": OUTDIR}`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  version-sets generate --seed 7 --count 20 --steps 40 --only update,sets,poll out/"
)]
pub(crate) struct Args {
    /// The seed of the random choices
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// How many traces to write
    #[arg(long, default_value_t = 10)]
    count: usize,
    /// Steps per trace
    #[arg(long, default_value_t = 30)]
    steps: usize,
    /// Only these step kinds, comma-separated (default: all)
    #[arg(long, value_delimiter = ',', value_parser = Kind::parse)]
    only: Vec<Kind>,
    /// The directory to write to (created if missing)
    #[arg(value_name = "OUTDIR")]
    outdir: PathBuf,
}

pub(crate) fn run(args: &Args, output: &mut Output<'_>) -> Status {
    if let Err(error) = fs::create_dir_all(&args.outdir) {
        output.diagnostic(format_args!(
            "{}: cannot create: {error}",
            args.outdir.display()
        ));
        return Status::BadInput;
    }
    let kinds = Kind::chosen(&args.only);
    for (index, lines) in traces(args.seed, args.count, args.steps, &kinds)
        .into_iter()
        .enumerate()
    {
        let path = args.outdir.join(format!("trace-{index:04}.jsonl"));
        let mut text = format!(
            "# version-sets generate --seed {} --steps {}: trace {index}\n",
            args.seed, args.steps
        );
        for line in lines {
            text.push_str(&line);
            text.push('\n');
        }
        if let Err(error) = fs::write(&path, text) {
            output.diagnostic(format_args!("{}: cannot write: {error}", path.display()));
            return Status::BadInput;
        }
    }
    if output.json() {
        let outdir = args.outdir.display().to_string();
        output.document(&serde_json::json!({ "written": args.count, "outdir": outdir }));
    } else {
        output.line(format_args!(
            "wrote {} traces to {}",
            args.count,
            args.outdir.display()
        ));
    }
    Status::Ok
}

/// A kind of step the generator can draw; `--only` names them as the trace does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Start,
    Update,
    Limits,
    Sets,
    Resolve,
    Poll,
    RemoveBuildIds,
    ClearTombstones,
    PersistUnknownBuildId,
    Deltas,
    AddTask,
    StickyPoll,
    StickyAdd,
    View,
    MergeReplica,
    ReceiveReplica,
    GcPlan,
    Reachability,
}

impl Kind {
    /// Every kind, with the weight it is drawn with (`start` is drawn once, first, in one
    /// trace in three).
    const ALL: [(Self, u32, &'static str); 18] = [
        (Self::Start, 0, "start"),
        (Self::Update, 12, "update"),
        (Self::Limits, 1, "limits"),
        (Self::Sets, 2, "sets"),
        (Self::Resolve, 2, "resolve"),
        (Self::Poll, 2, "poll"),
        (Self::RemoveBuildIds, 1, "removeBuildIds"),
        (Self::ClearTombstones, 1, "clearTombstones"),
        (Self::PersistUnknownBuildId, 1, "persistUnknownBuildId"),
        (Self::Deltas, 1, "deltas"),
        (Self::AddTask, 1, "addTask"),
        (Self::StickyPoll, 1, "stickyPoll"),
        (Self::StickyAdd, 1, "stickyAdd"),
        (Self::View, 1, "view"),
        (Self::MergeReplica, 1, "mergeReplica"),
        (Self::ReceiveReplica, 1, "receiveReplica"),
        (Self::GcPlan, 1, "gcPlan"),
        (Self::Reachability, 2, "reachability"),
    ];

    /// A kind by its trace name, for `--only`.
    pub(crate) fn parse(name: &str) -> Result<Self, String> {
        Self::ALL
            .iter()
            .find(|(_, _, known)| *known == name)
            .map(|(kind, _, _)| *kind)
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|(_, _, name)| *name).collect();
                format!("unknown step kind (expected {})", names.join(", "))
            })
    }

    /// The kinds `--only` chose, with their weights; all of them when it chose none.
    pub(crate) fn chosen(only: &[Self]) -> Vec<(Self, u32)> {
        Self::ALL
            .iter()
            .filter(|(kind, _, _)| only.is_empty() || only.contains(kind))
            .map(|(kind, weight, _)| (*kind, *weight))
            .collect()
    }
}

/// `count` traces of `steps` steps for `seed`, each as its lines with the model's
/// expectations.
pub(crate) fn traces(
    seed: u64,
    count: usize,
    steps: usize,
    kinds: &[(Kind, u32)],
) -> Vec<Vec<String>> {
    let mut rng = fastrand::Rng::with_seed(seed);
    (0..count)
        .map(|_| {
            let mut drawn = Vec::with_capacity(steps);
            let mut session = Session::new();
            let mut marks = 0;
            let starts = kinds.iter().any(|(kind, _)| *kind == Kind::Start);
            if let Some(start) = starts.then(|| draw::start(&mut rng)).flatten() {
                session.observe(&start);
                drawn.push(start);
            }
            for _ in 0..steps {
                let Some(step) = draw::draw(&mut rng, session.state(), kinds, &mut marks) else {
                    continue;
                };
                session.observe(&step);
                drawn.push(step);
            }
            annotate(&drawn)
        })
        .collect()
}

/// The steps as trace lines, each with the expectation the model observes (a `sets` step
/// with the model's listing). An invalid build ID's error is expected without its message,
/// which is the crate's own wording (the server's frontend words it differently).
pub(crate) fn annotate(steps: &[Step]) -> Vec<String> {
    let mut session = Session::new();
    steps
        .iter()
        .map(|step| {
            let observed = session.observe(step);
            let name = step.action.name();
            let written = step.to_json(false);
            let mut body = written.get(name).cloned().unwrap_or(Value::Null);
            let expect = match (&step.action, observed) {
                (Action::Sets(_), listing) => {
                    body = listing.unwrap_or(body);
                    None
                }
                (Action::InvalidUpdate { .. }, Some(mut error)) => {
                    if let Some(error) = error.as_object_mut() {
                        error.remove("message");
                    }
                    Some(error)
                }
                (_, observed) => observed,
            };
            // Written by hand so that the action comes first, as people write traces.
            let mut line = format!("{{{}: {body}", Value::from(name));
            if let Some(now) = step.now {
                line.push_str(&format!(", \"now\": {now}"));
            }
            if let Some(expect) = expect {
                line.push_str(&format!(", \"expect\": {expect}"));
            }
            line.push('}');
            line
        })
        .collect()
}
