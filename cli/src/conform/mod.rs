//! `version-sets conform`: check another implementation against the model over the
//! conformance protocol (docs/conformance.md), and shrink what it gets wrong.

mod child;
mod deployments;
mod observes;
mod shrink;
mod tally;

use std::path::PathBuf;
use std::time::Duration;

use clap::builder::RangedU64ValueParser;
use serde_json::{Value, json};
use version_sets_trace::{self as trace, ActionKind, Observation, Session, Step};

use self::child::{Child, ChildError};
use self::observes::{Declaration, Level, Verdict};
use self::tally::Tally;
use super::generate;
use super::state::{self, Kind};
use super::{Output, Status, input, replay};
use worker_deployments_trace as wd;

/// Check an implementation against the model, and shrink the first disagreement.
///
/// Starts CMD as a child process and plays each trace to it in JSON lines: `{"reset": true}`
/// before each trace, then every step without its `expect`; the child answers each line with
/// what it observed, in the form of that step's `expect`. The first answer that differs
/// from the model's is shrunk to a minimal trace that still fails (steps dropped, build IDs
/// simplified), which is printed as a trace file with the model's expectations.
///
/// The child's reset answer may declare what it observes, `{"observes": {KIND: "exact" |
/// "coarse" | "none"}}` (a kind not named is exact): coarse compares an update's success only
/// and a poll without telling an unknown build ID from an accepted one; none leaves a kind
/// uncompared, and a trace stops at a step that changes state and is not observed. A
/// deliberate divergence of the crate (docs/semantics.md) is counted as an expected
/// difference. The summary counts, per step kind, the answers compared exactly, coarsely
/// (and how many agreed only so) and not at all.
///
/// An answer line longer than 64 MiB (67108864 bytes) is read no further; an answer that is
/// not JSON names its step. The child runs in its own process group; when the run ends
/// its input is closed, it gets 10 s to exit (none after a timeout), and the whole group is
/// killed (on Unix).
///
/// A TRACE whose header is `{"format": "deployments"}` is a Worker Deployments trace
/// (deployments/docs/trace-format.md): it is played after `{"reset": true, "format":
/// "deployments"}`, with the deployments kinds' answers and declarations (no kind of it has
/// a coarse form), and the summary names its kinds `deployments.KIND`; its disagreement is
/// shrunk by dropping steps and printed as a deployments trace. Both kinds of file may be
/// given in one run; --deployments generates Worker Deployments traces.
///
/// With -o json: `{"agrees": true, "traces": N, "steps": M, "byKind": {KIND: {"exact", "coarse",
/// "onlyCoarsely", "notCompared", "expected": {RULE: N}}}, "expectedDifferences": {RULE:
/// REASON}, "stopped": {"traces": N, "steps": {KIND: N}}}`, or on a disagreement
/// `{"agrees": false, "trace": NAME, "expected": ANSWER, "expectedCoarsely": ANSWER or null, "got":
/// ANSWER, "minimalTrace": [LINE, ...]}`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  version-sets conform --generate 500 --seed 1 -- version-sets serve --stdio\n  version-sets conform deployments/vectors/tokens.jsonl --deployments --generate 200 -- version-sets serve --stdio"
)]
pub(crate) struct Args {
    /// Trace files to play (docs/trace-format.md; with the deployments header,
    /// deployments/docs/trace-format.md)
    #[arg(value_name = "TRACE")]
    traces: Vec<PathBuf>,
    /// Also play this many generated traces (1 to 18446744073709551615; each is generated
    /// when its turn comes, so checking starts at once and memory does not grow with N)
    #[arg(long, value_name = "N", value_parser = RangedU64ValueParser::<u64>::new().range(1..=u64::MAX))]
    generate: Option<u64>,
    /// The seed of the generated traces (0 to 18446744073709551615)
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Steps per generated trace (1 to 100000)
    #[arg(long, default_value_t = 30, value_parser = generate::steps())]
    steps: usize,
    /// Generate only these step kinds, comma-separated (default: all); with --deployments,
    /// Worker Deployments step kinds (every one but limits, which always comes first)
    #[arg(long, value_delimiter = ',', value_parser = only_kind)]
    only: Vec<String>,
    /// Generate Worker Deployments traces instead (a `limits` step, then STEPS steps over
    /// a small pool of deployments, builds and queues under the short limits)
    #[arg(long, requires = "generate")]
    deployments: bool,
    /// How long each exchange may take, writing the request and reading its answer, in
    /// milliseconds (1 to 86400000, a day)
    #[arg(long, default_value_t = 10_000, value_parser = RangedU64ValueParser::<u64>::new().range(1..=86_400_000))]
    timeout_ms: u64,
    /// The implementation to check, and its arguments
    #[arg(last = true, required = true, value_name = "CMD")]
    command: Vec<String>,
}

/// A trace to play: what diagnostics call it, and its steps.
struct Trace {
    name: String,
    steps: Steps,
}

/// The steps of a trace of either format.
enum Steps {
    /// A version-set trace.
    Sets(Vec<Step>),
    /// A Worker Deployments trace, its steps as read (the file's lines).
    Deployments(Vec<wd::Step>),
}

/// The first answer that differs from the model's.
#[derive(Debug, Clone)]
pub(crate) struct Mismatch {
    /// The position of the step in the trace.
    pub(crate) index: usize,
    /// The model's observation ([`Observation::Nothing`]: any JSON object).
    pub(crate) expected: Observation,
    /// The child's answer.
    pub(crate) got: Value,
    /// The model's answer in the coarse form the child declared, where it has one that is
    /// not an observation (`addTask`'s receiving poller).
    pub(crate) coarse: Option<Value>,
}

pub(crate) fn run(args: &Args, output: &mut Output<'_>) -> Status {
    let files = match files(args) {
        Ok(files) => files,
        Err(problem) => {
            output.diagnostic(problem);
            return Status::BadInput;
        }
    };
    let generated = match generated(args) {
        Ok(generated) => generated,
        Err(problem) => {
            output.diagnostic(problem);
            return Status::BadInput;
        }
    };
    if files.is_empty() && args.generate.is_none() {
        output.diagnostic("nothing to check: give TRACE files or --generate N");
        return Status::BadInput;
    }
    let timeout = Duration::from_millis(args.timeout_ms);
    let mut child = match Child::start(&args.command, timeout) {
        Ok(child) => child,
        Err(error) => {
            output.diagnostic(error);
            return Status::BadInput;
        }
    };
    let mut tally = Tally::default();
    let mut played: u64 = 0;
    for trace in files.into_iter().chain(generated) {
        match &trace.steps {
            Steps::Sets(steps) => match play(&mut child, steps, &mut tally) {
                Ok(None) => played += 1,
                Ok(Some(mismatch)) => {
                    return report(&mut child, &trace.name, steps, mismatch, output);
                }
                Err((index, error)) => {
                    output.diagnostic(at(&trace.name, steps, index, &error));
                    return Status::BadInput;
                }
            },
            Steps::Deployments(steps) => match deployments::play(&mut child, steps, &mut tally) {
                Ok(None) => played += 1,
                Ok(Some(mismatch)) => {
                    return deployments::report(&mut child, &trace.name, steps, mismatch, output);
                }
                Err((index, error)) => {
                    output.diagnostic(deployments::at(&trace.name, steps, index, &error));
                    return Status::BadInput;
                }
            },
        }
    }
    let steps: usize = tally
        .kinds
        .values()
        .map(|t| t.exact + t.coarse + t.not_compared + t.expected.values().sum::<usize>())
        .sum();
    if output.json() {
        let (by_kind, expected, stopped) = tally.json();
        output.document(&json!({
            "agrees": true,
            "traces": played,
            "steps": steps,
            "byKind": by_kind,
            "expectedDifferences": expected,
            "stopped": stopped,
        }));
    } else {
        output.line(format_args!(
            "{played} traces, {steps} steps: the implementation agrees with the model"
        ));
        for line in tally.lines() {
            output.line(line);
        }
    }
    Status::Ok
}

/// The traces named on the command line, each checked against the model before any is
/// played.
fn files(args: &Args) -> Result<Vec<Trace>, String> {
    let mut traces = Vec::new();
    for path in &args.traces {
        let input = input::read(path)?;
        if wd::is_deployments(&input.bytes) {
            traces.push(deployments_file(input)?);
            continue;
        }
        let steps = trace::parse(&input.bytes).map_err(|error| {
            // A file of another kind is a mistake in the command line, not a trace with a
            // bad line.
            match state::kind_of(&input.bytes) {
                Some(kind @ (Kind::Ops | Kind::Data(_))) => {
                    state::wrong_kind(&input.name, &kind, "a trace")
                }
                _ => format!(
                    "{}:{}: {} (no step of this file ran)",
                    input.name,
                    error.line(),
                    error.problem()
                ),
            }
        })?;
        // The model plays the trace as `replay` does, within the bound on whole-queue work
        // (docs/trace-format.md, "Running traces"); a trace the model itself fails would
        // blame the implementation for the file.
        let report = trace::replay(&input.bytes)
            .map_err(|error| format!("{}:{}", input.name, replay::stopped(&error)))?;
        if let Some(failure) = report.failures.first() {
            return Err(format!(
                "{}:{}: the model does not meet this expectation: expected {}, got {}",
                input.name, failure.line, failure.expected, failure.got
            ));
        }
        traces.push(Trace {
            name: input.name,
            steps: Steps::Sets(steps),
        });
    }
    Ok(traces)
}

/// A Worker Deployments trace file, checked against the model as a version-set one is.
fn deployments_file(input: input::Input) -> Result<Trace, String> {
    let steps = wd::parse(&input.bytes).map_err(|error| {
        format!(
            "{}:{}: {} (no step of this file ran)",
            input.name,
            error.line(),
            error.problem()
        )
    })?;
    if let Some(failure) = wd::run(&steps).failures.first() {
        return Err(format!(
            "{}:{}: the model does not meet this expectation: expected {}, got {}",
            input.name, failure.line, failure.expected, failure.got
        ));
    }
    Ok(Trace {
        name: input.name,
        steps: Steps::Deployments(steps),
    })
}

/// Every step kind `--only` may name, of either format; which format's it must be is
/// known once --deployments is (`generated`).
fn only_kind(name: &str) -> Result<String, String> {
    if generate::kind(name).is_ok() || deployments_kind(name).is_ok() {
        return Ok(name.to_owned());
    }
    let sets: Vec<&str> = trace::WEIGHTS.iter().map(|(kind, _)| kind.name()).collect();
    Err(format!(
        "unknown step kind (expected {}; with --deployments {})",
        sets.join(", "),
        deployments_kinds()
    ))
}

/// The Worker Deployments kinds the generator draws, comma-separated.
fn deployments_kinds() -> String {
    let names: Vec<&str> = wd::WEIGHTS.iter().map(|(kind, _)| kind.as_str()).collect();
    names.join(", ")
}

/// A Worker Deployments kind the generator draws, by its trace name.
fn deployments_kind(name: &str) -> Result<wd::ActionKind, String> {
    wd::WEIGHTS
        .iter()
        .map(|(kind, _)| *kind)
        .find(|kind| kind.as_str() == name)
        .ok_or_else(|| {
            format!(
                "--only: {} is not a Worker Deployments step kind the generator draws (expected {})",
                crate::json::quote(name),
                deployments_kinds()
            )
        })
}

/// The generated traces, one at a time as they are played (none without `--generate`).
fn generated(args: &Args) -> Result<Box<dyn Iterator<Item = Trace>>, String> {
    let seed = args.seed;
    let count = args.generate.unwrap_or(0);
    let name = move |index: u64| format!("generated trace {index} (--seed {seed})");
    if args.deployments {
        let kinds = args
            .only
            .iter()
            .map(|name| deployments_kind(name))
            .collect::<Result<Vec<_>, _>>()?;
        let mut rng = fastrand::Rng::with_seed(seed);
        let steps = args.steps;
        return Ok(Box::new((0..count).map(move |index| Trace {
            name: name(index),
            steps: Steps::Deployments(wd::generate_only(&mut rng, steps, &kinds)),
        })));
    }
    let only = args
        .only
        .iter()
        .map(|name| {
            generate::kind(name).map_err(|_| {
                format!(
                    "--only: {} is a Worker Deployments step kind: generate such traces with --deployments",
                    crate::json::quote(name)
                )
            })
        })
        .collect::<Result<Vec<ActionKind>, _>>()?;
    let kinds = generate::chosen(&only);
    Ok(Box::new(
        generate::traces(seed, count, args.steps, kinds)
            .zip(0_u64..)
            .map(move |(steps, index)| Trace {
                name: name(index),
                steps: Steps::Sets(steps),
            }),
    ))
}

/// Plays `steps` to the child after a reset, comparing each answer as the child's reset
/// answer declares (counted in `tally`): the first disagreement, if any; or the step
/// (`None`: the reset) at which the child failed. A step that changes state and that the
/// child does not observe ends the trace: the child's state would differ from the model's.
pub(crate) fn play(
    child: &mut Child,
    steps: &[Step],
    tally: &mut Tally,
) -> Result<Option<Mismatch>, (Option<usize>, ChildError)> {
    let reset = child
        .ask(&json!({"reset": true}).to_string())
        .map_err(|error| (None, error))?;
    let declaration = Declaration::read(&reset).map_err(|e| (None, ChildError::Declaration(e)))?;
    let mut model = Session::new();
    for (index, step) in steps.iter().enumerate() {
        let kind = step.action.kind();
        let level = declaration.level(kind);
        if level == Level::None && observes::changes_state(kind) {
            tally.cut(
                steps
                    .iter()
                    .skip(index)
                    .map(|rest| rest.action.kind().into()),
            );
            return Ok(None);
        }
        let expected = model.observe(step);
        let coarse_task = (level == Level::Coarse)
            .then(|| observes::coarse_add_task(model.state(), step))
            .flatten();
        let got = child
            .ask(&step.to_request())
            .map_err(|error| (Some(index), error))?;
        let counts = tally.kind(kind);
        if level == Level::None {
            counts.not_compared += 1;
            continue;
        }
        match observes::compare(step, level, &expected, coarse_task.as_ref(), &got) {
            Verdict::Agrees if level == Level::Coarse => counts.coarse += 1,
            Verdict::Agrees => counts.exact += 1,
            Verdict::AgreesCoarsely => {
                counts.coarse += 1;
                counts.only_coarsely += 1;
            }
            Verdict::Expected(divergence) => tally.divergence(kind, divergence),
            Verdict::Differs => {
                return Ok(Some(Mismatch {
                    index,
                    expected,
                    got,
                    coarse: coarse_task,
                }));
            }
        }
    }
    Ok(None)
}

/// Shrinks the disagreement and prints the minimal trace.
fn report(
    child: &mut Child,
    name: &str,
    steps: &[Step],
    mismatch: Mismatch,
    output: &mut Output<'_>,
) -> Status {
    let (steps, mismatch) = match shrink::shrink(child, steps, mismatch) {
        Ok(shrunk) => shrunk,
        Err(error) => {
            output.diagnostic(format_args!("{name}: while shrinking: {error}"));
            return Status::BadInput;
        }
    };
    let lines: Vec<String> = trace::annotate(&steps).iter().map(Step::to_line).collect();
    let expected = match &mismatch.expected {
        Observation::Nothing => None,
        observed => Some(observed.to_string()),
    };
    if output.json() {
        let expected = expected.and_then(|text| serde_json::from_str::<Value>(&text).ok());
        output.document(&serde_json::json!({
            "agrees": false,
            "trace": name,
            "expected": expected,
            "expectedCoarsely": mismatch.coarse,
            "got": mismatch.got,
            "minimalTrace": lines,
        }));
        return Status::Failed;
    }
    let mut expected = expected.unwrap_or_else(|| "any JSON object".to_owned());
    if let Some(coarse) = &mismatch.coarse {
        expected.push_str(&format!(" (coarsely {coarse})"));
    }
    output.line(format_args!(
        "# {name}: the implementation disagrees with the model."
    ));
    output.line(format_args!(
        "# Shrunk to {} steps; at the last one the model answers {expected}, the implementation {}.",
        steps.len(),
        mismatch.got
    ));
    for line in lines {
        output.line(line);
    }
    Status::Failed
}

/// A diagnostic for a child that failed at a step.
fn at(name: &str, steps: &[Step], index: Option<usize>, error: &ChildError) -> String {
    match index.and_then(|index| steps.get(index)) {
        None => format!("{name}: at the reset before the trace: {error}"),
        Some(step) => format!(
            "{name}:{}: at step {}: {error}",
            step.line,
            step.to_request()
        ),
    }
}
