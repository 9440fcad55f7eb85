//! `version-sets generate`: random traces whose expectations come from the model.
//!
//! The randomness lives here, in the command, with an explicit seed: the library has none.
//! Steps are drawn the way the stateful test draws them (`tests/state_machine.rs`): build
//! IDs are mostly ones the sets already hold, from a small pool otherwise, and limits sit
//! near the current counts, so every branch of every operation is reached.

use std::fs;
use std::path::PathBuf;

use serde_json::{Map, Value, json};

use version_sets::VersionSets;
use version_sets::trace::{self, Action, Session, Step};

use super::{Output, Status};

/// Write random conformance traces whose expectations come from the model.
///
/// Writes COUNT files `OUTDIR/trace-NNNN.jsonl`, each of STEPS steps. The same seed always
/// writes the same bytes. Every file replays green through `version-sets replay`.
///
/// Example: `version-sets generate --seed 7 --count 20 --steps 40 --only update,sets,poll out/`
#[derive(Debug, clap::Args)]
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
    output.line(format_args!(
        "wrote {} traces to {}",
        args.count,
        args.outdir.display()
    ));
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
}

impl Kind {
    /// Every kind, with the weight it is drawn with (`start` is drawn once, first, in one
    /// trace in three).
    const ALL: [(Self, u32, &'static str); 14] = [
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

/// Every build ID a step can name: few, so that fresh picks collide with existing ones, and
/// with a non-ASCII one and one that needs escaping.
const NAMES: [&str; 10] = [
    "1.0", "1.1", "1.2", "2.0", "2.1", "3.0", "a", "b", "é", "x\"y",
];

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
            if let Some(start) = starts.then(|| start(&mut rng)).flatten() {
                session.observe(&start);
                drawn.push(start);
            }
            for _ in 0..steps {
                let Some(step) = draw(&mut rng, session.state(), kinds, &mut marks) else {
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

/// One trace in three starts from stored data: the state a few random updates leave, stamped
/// at wall times far beyond the trace's own step positions (so that the loaded clock shows),
/// on a random cluster.
fn start(rng: &mut fastrand::Rng) -> Option<Step> {
    if rng.u8(0..3) > 0 {
        return None;
    }
    let mut scratch = Session::new();
    let mut marks = 0;
    let updates = [(Kind::Update, 1)];
    for wall in 0..rng.i64(2..8) {
        let Some(mut step) = draw(rng, scratch.state(), &updates, &mut marks) else {
            continue;
        };
        step.now = Some(1_000_000 + wall * 1_000);
        scratch.observe(&step);
    }
    let data = serde_json::to_value(scratch.state().to_data()).ok()?;
    let cluster = rng.i64(0..4);
    trace::parse_step(&json!({"start": {"data": data, "clusterId": cluster}}).to_string()).ok()
}

/// One random step on `state`; `None` when the drawn kind has nothing to do (a `deltas`
/// step draws a `mark` first).
fn draw(
    rng: &mut fastrand::Rng,
    state: &VersionSets,
    kinds: &[(Kind, u32)],
    marks: &mut usize,
) -> Option<Step> {
    let total: u32 = kinds.iter().map(|(_, weight)| weight).sum();
    let mut roll = rng.u32(0..total.max(1));
    let kind = kinds.iter().find_map(|(kind, weight)| {
        if roll < *weight {
            Some(*kind)
        } else {
            roll -= weight;
            None
        }
    })?;
    let known = known_ids(state);
    let value = match kind {
        Kind::Update => update(rng, &known),
        Kind::Limits => {
            let (sets, ids) = (state.set_count(), state.build_id_count());
            json!({"limits": {"maxSets": near(rng, sets), "maxBuildIds": near(rng, ids)}})
        }
        Kind::Sets => json!({"sets": []}),
        Kind::Resolve => {
            let intent = rng
                .choice(["UNSPECIFIED", "COMPATIBLE", "DEFAULT"])
                .unwrap_or("DEFAULT");
            let mut body = Map::new();
            body.insert("intent".to_owned(), json!(intent));
            if rng.u8(0..4) > 0 {
                body.insert("buildId".to_owned(), json!(pick(rng, &known)));
            }
            if rng.bool() {
                body.insert("sameTaskQueue".to_owned(), json!(rng.bool()));
            }
            json!({ "resolve": body })
        }
        Kind::Poll => json!({"poll": pick(rng, &known)}),
        Kind::RemoveBuildIds => {
            let ids: Vec<String> = (0..rng.usize(1..=3)).map(|_| pick(rng, &known)).collect();
            json!({"removeBuildIds": ids})
        }
        Kind::ClearTombstones => json!({"clearTombstones": {}}),
        Kind::PersistUnknownBuildId => json!({"persistUnknownBuildId": pick(rng, &known)}),
        Kind::Deltas if *marks == 0 || rng.u8(0..3) == 0 => {
            *marks += 1;
            json!({"mark": format!("m{}", *marks - 1)})
        }
        Kind::Deltas => json!({"deltas": format!("m{}", rng.usize(0..*marks))}),
        Kind::AddTask if rng.u8(0..4) == 0 => json!({"addTask": {}}),
        Kind::AddTask => json!({"addTask": {"buildId": pick(rng, &known)}}),
        Kind::StickyPoll => json!({"stickyPoll": pick(rng, &known)}),
        Kind::StickyAdd => json!({"stickyAdd": pick(rng, &known)}),
        Kind::View => json!({"view": {"maxSets": rng.usize(0..4)}}),
        Kind::Start => return None,
    };
    trace::parse_step(&value.to_string()).ok()
}

/// One of the five operations; one in twenty names an invalid build ID.
fn update(rng: &mut fastrand::Rng, known: &[String]) -> Value {
    let operation = match rng.u8(0..16) {
        0..=3 => json!({"addNewBuildIdInNewDefaultSet": any_id(rng, known)}),
        4..=8 => {
            let (new, existing) = (any_id(rng, known), any_id(rng, known));
            let make_default = rng.bool();
            json!({"addNewCompatibleBuildId": {
                "newBuildId": new,
                "existingCompatibleBuildId": existing,
                "makeSetDefault": make_default,
            }})
        }
        9..=10 => json!({"promoteSetByBuildId": any_id(rng, known)}),
        11..=12 => json!({"promoteBuildIdWithinSet": any_id(rng, known)}),
        _ => {
            let (primary, secondary) = (any_id(rng, known), any_id(rng, known));
            json!({"mergeSets": {"primarySetBuildId": primary, "secondarySetBuildId": secondary}})
        }
    };
    json!({ "update": operation })
}

/// A build ID for an operation: one in twenty is invalid (empty, or 256 bytes long).
fn any_id(rng: &mut fastrand::Rng, known: &[String]) -> String {
    match rng.u8(0..40) {
        0 => String::new(),
        1 => "x".repeat(256),
        _ => pick(rng, known),
    }
}

/// Three picks in four name a build ID the sets hold (when they hold any).
fn pick(rng: &mut fastrand::Rng, known: &[String]) -> String {
    let existing = match known.is_empty() {
        true => None,
        false if rng.u8(0..4) > 0 => rng.choice(known).cloned(),
        false => None,
    };
    existing
        .or_else(|| rng.choice(NAMES).map(str::to_owned))
        .unwrap_or_default()
}

/// A limit near `count`: unlimited one time in five, else two below it to one above it (at
/// least 1), so that limits are exceeded, met exactly and stayed under.
fn near(rng: &mut fastrand::Rng, count: usize) -> usize {
    match rng.u8(0..5) {
        0 => 0,
        choice => (count + usize::from(choice)).saturating_sub(3).max(1),
    }
}

/// Every build ID the sets hold, tombstones included, in list order.
fn known_ids(state: &VersionSets) -> Vec<String> {
    let mut ids = Vec::new();
    for set in state.sets() {
        for record in set.build_ids() {
            ids.push(record.id().as_str().to_owned());
        }
    }
    ids
}
