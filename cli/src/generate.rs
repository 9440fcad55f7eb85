//! `version-sets generate`: random traces whose expectations come from the model.
//!
//! The trace crate's generator draws the steps, with an explicit seed (the model has no
//! randomness), the way the stateful test draws them (`test-support/tests/state_machine.rs`):
//! build IDs are mostly ones the sets already hold, from a small pool otherwise, and limits
//! sit near the current counts, so every branch of every operation is reached. The trace
//! crate's writer spells them.

use std::fs;
use std::path::PathBuf;

use clap::builder::RangedU64ValueParser;

use version_sets_trace::{ActionKind, Generator, Step, WEIGHTS, annotate};

use super::{Output, Status};

/// The most traces `generate` writes in one run: each is a file of its own.
const MAX_COUNT: u64 = 1_000_000;

/// The most steps of a generated trace (`generate` and `conform --generate`): a trace is
/// generated whole, with the model's expectations, before it is written or played.
const MAX_STEPS: u64 = 100_000;

/// The most task queues `generate --task-queues` spreads steps over.
const MAX_TASK_QUEUES: u64 = 1_000;

/// The parser of `--steps`: a count of steps within [`MAX_STEPS`].
pub(crate) fn steps() -> RangedU64ValueParser<usize> {
    RangedU64ValueParser::<usize>::new().range(1..=MAX_STEPS)
}

/// Write random conformance traces whose expectations come from the model.
///
/// Writes COUNT files `OUTDIR/trace-NNNN.jsonl`, each of STEPS steps. The same seed always
/// writes the same bytes. Every file replays green through `version-sets replay`. With
/// --deployments the traces are of Worker Deployments (a `limits` step, then STEPS steps).
///
/// With -o json: `{"written": COUNT, "outdir": OUTDIR}`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  version-sets generate --seed 7 --count 20 --steps 40 --only update,sets,poll out/"
)]
pub(crate) struct Args {
    /// The seed of the random choices (0 to 18446744073709551615)
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// How many traces to write (0 to 1000000)
    #[arg(long, default_value_t = 10, value_parser = RangedU64ValueParser::<u64>::new().range(0..=MAX_COUNT))]
    count: u64,
    /// Steps per trace (1 to 100000)
    #[arg(long, default_value_t = 30, value_parser = steps())]
    steps: usize,
    /// Only these step kinds, comma-separated (default: all)
    #[arg(long, value_delimiter = ',', value_parser = kind)]
    only: Vec<ActionKind>,
    /// Spread the steps over this many task queues of a namespace (each step names its
    /// taskQueue; limits steps set taskQueuesPerBuildId); 1 writes the traces of one queue
    /// (1 to 1000)
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = RangedU64ValueParser::<usize>::new().range(1..=MAX_TASK_QUEUES))]
    task_queues: usize,
    /// Write Worker Deployments traces instead (deployments/docs/trace-format.md): steps
    /// over a small pool of deployments, builds and queues under the short limits
    #[arg(long, conflicts_with_all = ["only", "task_queues"])]
    deployments: bool,
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
    if args.deployments {
        return run_deployments(args, output);
    }
    let kinds = chosen(&args.only);
    // One trace at a time: generated, written, dropped.
    for (index, steps) in
        traces_on(args.seed, args.count, args.steps, kinds, args.task_queues).enumerate()
    {
        let path = args.outdir.join(format!("trace-{index:04}.jsonl"));
        let mut text = format!(
            "# version-sets generate --seed {} --steps {}: trace {index}\n",
            args.seed, args.steps
        );
        for step in steps {
            text.push_str(&step.to_line());
            text.push('\n');
        }
        if let Err(error) = fs::write(&path, text) {
            output.diagnostic(format_args!("{}: cannot write: {error}", path.display()));
            return Status::BadInput;
        }
    }
    written(args, output)
}

/// `generate --deployments`: COUNT deployments traces from one generator seeded with
/// SEED, so the same seed writes the same bytes.
fn run_deployments(args: &Args, output: &mut Output<'_>) -> Status {
    let mut rng = fastrand::Rng::with_seed(args.seed);
    for index in 0..args.count {
        let path = args.outdir.join(format!("trace-{index:04}.jsonl"));
        let steps = worker_deployments_trace::generate(&mut rng, args.steps);
        let comment = format!(
            "version-sets generate --deployments --seed {} --steps {}: trace {index}",
            args.seed, args.steps
        );
        let text = match worker_deployments_trace::write_with_comment(&comment, &steps) {
            Ok(text) => text,
            Err(error) => {
                output.diagnostic(format_args!("{}: cannot write: {error}", path.display()));
                return Status::BadInput;
            }
        };
        if let Err(error) = fs::write(&path, text) {
            output.diagnostic(format_args!("{}: cannot write: {error}", path.display()));
            return Status::BadInput;
        }
    }
    written(args, output)
}

/// The closing line (or document) of a run that wrote every trace.
fn written(args: &Args, output: &mut Output<'_>) -> Status {
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

/// A kind of step the generator draws, by its trace name, for `--only`.
pub(crate) fn kind(name: &str) -> Result<ActionKind, String> {
    WEIGHTS
        .iter()
        .map(|(kind, _)| *kind)
        .find(|kind| kind.name() == name)
        .ok_or_else(|| {
            let names: Vec<&str> = WEIGHTS.iter().map(|(kind, _)| kind.name()).collect();
            format!("unknown step kind (expected {})", names.join(", "))
        })
}

/// The kinds `--only` chose, with their weights; all of them when it chose none.
pub(crate) fn chosen(only: &[ActionKind]) -> Vec<(ActionKind, u32)> {
    WEIGHTS
        .into_iter()
        .filter(|(kind, _)| only.is_empty() || only.contains(kind))
        .collect()
}

/// `count` traces of `steps` steps for `seed`, each with the model's expectations,
/// generated one at a time as they are taken: memory does not grow with `count`.
pub(crate) fn traces(
    seed: u64,
    count: u64,
    steps: usize,
    kinds: Vec<(ActionKind, u32)>,
) -> impl Iterator<Item = Vec<Step>> {
    traces_on(seed, count, steps, kinds, 1)
}

/// [`traces`], spread over `task_queues` task queues.
fn traces_on(
    seed: u64,
    count: u64,
    steps: usize,
    kinds: Vec<(ActionKind, u32)>,
    task_queues: usize,
) -> impl Iterator<Item = Vec<Step>> {
    let mut generator = Generator::new(seed).with_task_queues(task_queues);
    (0..count).map(move |_| annotate(&generator.trace(&kinds, steps)))
}
