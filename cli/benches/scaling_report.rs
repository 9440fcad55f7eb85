//! A report, not a test: hostile input costs what its size says (docs/hostile-input.md).
//! Every worst-case shape, at two sizes ten times apart, is run through the built command,
//! with its wall time and peak memory.
//!
//! - `cargo bench -p version-sets-cli --bench scaling_report`: quick sizes, a few seconds;
//! - `SCALING=full cargo bench -p version-sets-cli --bench scaling_report`: the full sizes
//!   (200,000 build IDs in one set, a million sets), about a minute and a few GB on the
//!   2-core machine.
//!
//! Each run is measured in a fresh intermediate process (this binary re-executed with
//! `measure`): it starts the command, waits for it, and reads the peak resident memory of its
//! children (`getrusage(RUSAGE_CHILDREN)`), which is then the command's alone and not hidden
//! by an earlier, larger run. The verdicts are printed, never asserted: time is `ok` when ten
//! times the input costs at most 15 times the time, else `QUADRATIC?`; memory is `ok` when
//! the command's peak above an idle run of it is at most 10 times the input, else `over 10x`.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use nix::sys::resource::{UsageWho, getrusage};

/// The command under test, built by cargo for the benches.
const BIN: &str = env!("CARGO_BIN_EXE_version-sets");

/// Ten times the input may cost at most this many times the time.
const TIME_RATIO_LIMIT: f64 = 15.0;
/// The command's memory above an idle run may be at most this many times its input.
const MEMORY_RATIO_LIMIT: f64 = 10.0;

/// One worst-case shape: the subcommand that reads it, and how to write it at size `n`.
struct Shape {
    name: &'static str,
    subcommand: &'static str,
    /// Whether the command refuses it (exit status 2); else it reads it (0 or 1).
    refused: bool,
    /// The smaller size of the quick run and of the full run; the larger is ten times it.
    quick: usize,
    full: usize,
    generate: fn(usize) -> String,
}

const SHAPES: [Shape; 31] = [
    Shape {
        name: "public form, one set of N build IDs",
        subcommand: "check",
        refused: false,
        quick: 2_000,
        full: 20_000,
        generate: public_one_set,
    },
    Shape {
        name: "listing, one set of N build IDs",
        subcommand: "check",
        refused: false,
        quick: 2_000,
        full: 20_000,
        generate: listing_one_set,
    },
    Shape {
        name: "trace, N compatible adds into one set",
        subcommand: "replay",
        refused: false,
        quick: 1_000,
        full: 10_000,
        generate: trace_compatible_adds,
    },
    Shape {
        name: "trace, N new sets then N promotes",
        subcommand: "replay",
        refused: false,
        quick: 1_000,
        full: 10_000,
        generate: trace_new_sets_then_promotes,
    },
    Shape {
        name: "trace, N new sets merged one by one into the newest",
        subcommand: "replay",
        refused: false,
        quick: 2_000,
        full: 20_000,
        generate: |n| trace_merges(n, (0..n.saturating_sub(1)).collect()),
    },
    Shape {
        name: "trace, the same merges in bit-reversed order",
        subcommand: "replay",
        refused: false,
        quick: 2_000,
        full: 20_000,
        generate: |n| trace_merges(n, bit_reversed(n.saturating_sub(1))),
    },
    Shape {
        name: "trace, N sets of one timestamp merged into the newest",
        subcommand: "replay",
        refused: false,
        // 360 bytes a set: 100,000 is 36 MB, under the command's 64 MiB cap.
        quick: 1_000,
        full: 10_000,
        generate: trace_tied_merges,
    },
    Shape {
        name: "trace, a start step of N sets",
        subcommand: "replay",
        refused: false,
        quick: 2_000,
        full: 20_000,
        generate: trace_start,
    },
    Shape {
        name: "stored form, N null timestamps (N violations)",
        subcommand: "check",
        refused: false,
        quick: 2_000,
        full: 20_000,
        generate: stored_null_timestamps,
    },
    Shape {
        name: "stored form, N sets of one build ID",
        subcommand: "check",
        refused: false,
        // 300 bytes a set: 200,000 sets is 59 MB, just under the command's 64 MiB cap.
        quick: 2_000,
        full: 20_000,
        generate: stored_many_sets,
    },
    Shape {
        name: "stored form, proto names, N sets",
        subcommand: "check",
        refused: false,
        quick: 2_000,
        full: 20_000,
        generate: stored_many_sets_proto_names,
    },
    Shape {
        name: "public form, N IDs, a wrong type last (refused)",
        subcommand: "check",
        refused: true,
        quick: 20_000,
        full: 200_000,
        generate: public_wrong_type_last,
    },
    Shape {
        name: "public form, N sets of one build ID",
        subcommand: "check",
        refused: false,
        quick: 10_000,
        full: 100_000,
        generate: public_many_sets,
    },
    Shape {
        name: "public form, N empty sets (`{}`)",
        subcommand: "check",
        refused: false,
        quick: 20_000,
        full: 200_000,
        generate: |n| format!("{{\"majorVersionSets\":[{}]}}", empty_objects(n)),
    },
    Shape {
        name: "listing, N empty sets (`{}`)",
        subcommand: "check",
        refused: false,
        quick: 20_000,
        full: 200_000,
        generate: |n| format!("[{}]", empty_objects(n)),
    },
    Shape {
        name: "stored form, N empty sets (`{}`, 3N violations)",
        subcommand: "check",
        refused: false,
        quick: 20_000,
        full: 200_000,
        generate: |n| format!("{{\"versionSets\":[{}]}}", empty_objects(n)),
    },
    Shape {
        name: "stored form, one set of N set IDs",
        subcommand: "check",
        refused: false,
        quick: 20_000,
        full: 200_000,
        generate: stored_many_set_ids,
    },
    // Some 420 bytes a set of one 167-byte build ID: 100,000 is 42 MB, under the 64 MiB cap.
    Shape {
        name: ORDINARY,
        subcommand: "check",
        refused: false,
        quick: 1_000,
        full: 10_000,
        generate: stored_ordinary,
    },
    Shape {
        name: COLLIDING,
        subcommand: "check",
        refused: false,
        quick: 1_000,
        full: 10_000,
        generate: stored_colliding,
    },
    // 170 bytes a build ID: 200,000 is 34 MB.
    Shape {
        name: "public form, one set of N colliding build IDs",
        subcommand: "check",
        refused: false,
        quick: 2_000,
        full: 20_000,
        generate: public_colliding,
    },
    Shape {
        name: "trace, N colliding build IDs added as new sets",
        subcommand: "replay",
        refused: false,
        quick: 2_000,
        full: 20_000,
        generate: trace_colliding,
    },
    Shape {
        name: "trace, one line of N tiny objects (refused for its tree)",
        subcommand: "replay",
        refused: true,
        quick: 20_000,
        full: 200_000,
        generate: |n| format!("{{\"poll\":[{}]}}\n", vec![r#"{"":0}"#; n].join(",")),
    },
    Shape {
        name: "stored form, an unknown key of N bytes (refused)",
        subcommand: "check",
        refused: true,
        quick: 100_000,
        full: 1_000_000,
        generate: |n| format!("{{\"versionSets\":[{{\"{}\":1}}]}}", "k".repeat(n)),
    },
    Shape {
        name: "trace, N adds each followed by a mark",
        subcommand: "replay",
        refused: false,
        quick: 1_000,
        full: 10_000,
        generate: trace_marks,
    },
    Shape {
        name: "trace, N adds each between a mark and deltas",
        subcommand: "replay",
        refused: false,
        quick: 1_000,
        full: 10_000,
        generate: trace_deltas,
    },
    Shape {
        name: "trace, N new sets then N removals",
        subcommand: "replay",
        refused: false,
        quick: 1_000,
        full: 10_000,
        generate: |n| trace_new_sets_then(n, |i| format!("{{\"removeBuildIds\": [\"b{i}\"]}}")),
    },
    // The steps below answer from the whole queue, O(sets) each: N of them on N sets would
    // be N², and the runner bounds their work by the trace's bytes (docs/trace-format.md,
    // "Running traces"). The views and reachability steps read one set each; the gcPlans
    // and replicas are as many as the bound allows, and N gcPlans on N sets are refused
    // past it.
    Shape {
        name: "trace, N new sets then N views of one set",
        subcommand: "replay",
        refused: false,
        quick: 300,
        full: 2_000,
        generate: |n| trace_new_sets_then(n, |_| "{\"view\": {\"maxSets\": 1}}".to_owned()),
    },
    Shape {
        name: "trace, N new sets then gcPlans up to the bound",
        subcommand: "replay",
        refused: false,
        quick: 1_000,
        full: 10_000,
        // Each reads the N sets and their N build IDs.
        generate: |n| trace_new_sets_then_to_the_bound(n, GC_PLAN, |_| 2 * n as u64),
    },
    Shape {
        name: "trace, N new sets then N gcPlans (refused past the bound)",
        subcommand: "replay",
        refused: true,
        quick: 2_000,
        full: 20_000,
        generate: |n| trace_new_sets_then(n, |_| GC_PLAN.to_owned()),
    },
    Shape {
        name: "trace, N new sets then N reachability steps",
        subcommand: "replay",
        refused: false,
        quick: 300,
        full: 2_000,
        generate: |n| {
            trace_new_sets_then(n, |i| {
                format!(
                    "{{\"reachability\": {{\"buildId\": \"b{i}\", \"now\": 1000000000, \
                     \"kind\": \"OPEN_WORKFLOWS\"}}}}"
                )
            })
        },
    },
    Shape {
        name: "trace, N new sets then replicas of two sets up to the bound",
        subcommand: "replay",
        refused: false,
        quick: 1_000,
        full: 10_000,
        // The first reads the N sets and build IDs, each later one the two it added too.
        generate: |n| {
            let line = format!("{{\"mergeReplica\": {REPLICA}}}");
            trace_new_sets_then_to_the_bound(n, &line, |i| {
                let queue = if i == 0 { 2 * n } else { 2 * n + 4 };
                queue as u64 * version_sets_trace::REPLICA_UNITS
            })
        },
    },
];

/// The shape of stored data with ordinary build IDs, and the same with IDs of a colliding
/// family (`version_sets_test_support::colliding`) of the same length: the report prints
/// the second's time over the first's at the same size.
const ORDINARY: &str = "stored form, N ordinary 167-byte build IDs";
const COLLIDING: &str = "stored form, N colliding 167-byte build IDs";

/// The 167-byte family of build IDs that the crate's old public hash hashed alike.
fn family() -> version_sets_test_support::colliding::Family {
    version_sets_test_support::colliding::families()
        .into_iter()
        .find(|family| family.len == 167)
        .expect("the 167-byte family")
}

/// `id` as the inside of a JSON string: the families' fixed bytes hold control characters,
/// which JSON escapes.
fn escaped(id: &str) -> String {
    let quoted = serde_json::to_string(id).expect("a string serialises");
    quoted
        .strip_prefix('"')
        .and_then(|inner| inner.strip_suffix('"'))
        .expect("a JSON string is quoted")
        .to_owned()
}

/// Stored data of `ids`, one set each.
fn stored_sets_of(ids: impl Iterator<Item = String>) -> String {
    let sets: Vec<String> = ids
        .enumerate()
        .map(|(i, id)| {
            format!(
                "{{\"setIds\":[\"s{i}\"],\"buildIds\":[{}],\"becameDefaultTimestamp\":{}}}",
                stored_record(&escaped(&id), i + 1, &stamp(i + 1)),
                stamp(i + 1)
            )
        })
        .collect();
    format!("{{\"versionSets\":[{}]}}", sets.join(","))
}

fn stored_ordinary(n: usize) -> String {
    let family = family();
    stored_sets_of((0..n as u64).map(|i| family.ordinary_id(i)))
}

fn stored_colliding(n: usize) -> String {
    stored_sets_of(family().ids(n).into_iter())
}

fn public_colliding(n: usize) -> String {
    let ids: Vec<String> = family()
        .ids(n)
        .iter()
        .map(|id| format!("\"{}\"", escaped(id)))
        .collect();
    format!(
        "{{\"majorVersionSets\":[{{\"buildIds\":[{}]}}]}}",
        ids.join(",")
    )
}

fn trace_colliding(n: usize) -> String {
    let mut text = String::new();
    for id in family().ids(n) {
        let _ = writeln!(
            text,
            "{{\"update\": {{\"addNewBuildIdInNewDefaultSet\": \"{}\"}}}}",
            escaped(&id)
        );
    }
    text
}

/// N adds, each followed by a mark: a mark that copied the queue made this N².
fn trace_marks(n: usize) -> String {
    let mut text = String::new();
    for (i, id) in ids(n).enumerate() {
        let _ = writeln!(
            text,
            "{{\"update\": {{\"addNewBuildIdInNewDefaultSet\": \"{id}\"}}}}\n{{\"mark\": \"m{i}\"}}"
        );
    }
    text
}

/// N adds, each between a mark and a `deltas` step since it: deltas that compared whole
/// queues made this N².
fn trace_deltas(n: usize) -> String {
    let mut text = String::new();
    for id in ids(n) {
        let _ = writeln!(
            text,
            "{{\"mark\": \"m\"}}\n{{\"update\": {{\"addNewBuildIdInNewDefaultSet\": \"{id}\"}}}}\n\
             {{\"deltas\": \"m\"}}"
        );
    }
    text
}

/// N new sets, then the N steps `step` writes for 0..N.
fn trace_new_sets_then(n: usize, step: fn(usize) -> String) -> String {
    let mut text = String::new();
    for id in ids(n) {
        let _ = writeln!(
            text,
            "{{\"update\": {{\"addNewBuildIdInNewDefaultSet\": \"{id}\"}}}}"
        );
    }
    for i in 0..n {
        let _ = writeln!(text, "{}", step(i));
    }
    text
}

/// A `gcPlan` step at a time past every retention.
const GC_PLAN: &str = "{\"gcPlan\": {\"now\": 1000000000}}";

/// N new sets, then as many of `line` as the bound on whole-queue work allows a trace of
/// their bytes: the `i`th of them (from 0) reads `units(i)` units (trace/src/run/work.rs).
fn trace_new_sets_then_to_the_bound(n: usize, line: &str, units: impl Fn(usize) -> u64) -> String {
    use version_sets_trace::{WORK_FLOOR, WORK_PER_BYTE};
    let mut text = String::new();
    for id in ids(n) {
        let _ = writeln!(
            text,
            "{{\"update\": {{\"addNewBuildIdInNewDefaultSet\": \"{id}\"}}}}"
        );
    }
    let mut spent: u64 = 0;
    for i in 0.. {
        let bytes = (text.len() + line.len() + 1) as u64;
        spent += units(i);
        if spent > WORK_FLOOR + WORK_PER_BYTE * bytes {
            break;
        }
        let _ = writeln!(text, "{line}");
    }
    text
}

/// A replica of two sets of one build ID each (the first of trace/vectors/out-of-order-receive.jsonl).
const REPLICA: &str = r#"{"data":{"versionSets":[{"setIds":["0P9ZdLaqUs9WK-pZIYQM"],"buildIds":[{"id":"1.0","state":"STATE_ACTIVE","stateUpdateTimestamp":{"wallClock":"100000","version":0,"clusterId":"1"},"becameDefaultTimestamp":{"wallClock":"100000","version":0,"clusterId":"1"}}],"becameDefaultTimestamp":{"wallClock":"100000","version":0,"clusterId":"1"}},{"setIds":["2EvbNNTu70A0135UA_hQ"],"buildIds":[{"id":"2.0","state":"STATE_ACTIVE","stateUpdateTimestamp":{"wallClock":"95000","version":0,"clusterId":"2"},"becameDefaultTimestamp":{"wallClock":"95000","version":0,"clusterId":"2"}}],"becameDefaultTimestamp":{"wallClock":"95000","version":0,"clusterId":"2"}}]},"clusterId":2}"#;

/// `{},{},...`: the smallest set each form reads, three bytes.
fn empty_objects(n: usize) -> String {
    vec!["{}"; n].join(",")
}

/// One valid set with N set IDs (as merges leave them, but many more).
fn stored_many_set_ids(n: usize) -> String {
    let mut set_ids: Vec<String> = ids(n).map(|id| format!("\"s{id}\"")).collect();
    set_ids.sort();
    format!(
        "{{\"versionSets\":[{{\"setIds\":[{}],\"buildIds\":[{}],\"becameDefaultTimestamp\":{}}}]}}",
        set_ids.join(","),
        stored_record("b", 1, &stamp(1)),
        stamp(1)
    )
}

fn ids(n: usize) -> impl Iterator<Item = String> {
    (0..n).map(|i| format!("b{i}"))
}

fn quoted_ids(n: usize) -> String {
    ids(n)
        .map(|id| format!("\"{id}\""))
        .collect::<Vec<_>>()
        .join(",")
}

fn public_one_set(n: usize) -> String {
    format!(
        "{{\"majorVersionSets\":[{{\"buildIds\":[{}]}}]}}",
        quoted_ids(n)
    )
}

/// Refused only at its last value: the reader must not build a tree of all the rest to say so.
fn public_wrong_type_last(n: usize) -> String {
    format!(
        "{{\"majorVersionSets\":[{{\"buildIds\":[{},5]}}]}}",
        quoted_ids(n)
    )
}

fn listing_one_set(n: usize) -> String {
    format!(
        "[{{\"buildIds\":[{}],\"defaultForSet\":\"b{}\",\"isDefaultSet\":true}}]",
        quoted_ids(n),
        n - 1
    )
}

fn public_many_sets(n: usize) -> String {
    let sets: Vec<String> = ids(n)
        .map(|id| format!("{{\"buildIds\":[\"{id}\"]}}"))
        .collect();
    format!("{{\"majorVersionSets\":[{}]}}", sets.join(","))
}

fn trace_compatible_adds(n: usize) -> String {
    let mut text = String::from("{\"update\": {\"addNewBuildIdInNewDefaultSet\": \"b0\"}}\n");
    for id in ids(n).skip(1) {
        let _ = writeln!(
            text,
            "{{\"update\": {{\"addNewCompatibleBuildId\": {{\"newBuildId\": \"{id}\", \
             \"existingCompatibleBuildId\": \"b0\", \"makeSetDefault\": true}}}}}}"
        );
    }
    text
}

fn trace_new_sets_then_promotes(n: usize) -> String {
    let mut text = String::new();
    for id in ids(n) {
        let _ = writeln!(
            text,
            "{{\"update\": {{\"addNewBuildIdInNewDefaultSet\": \"{id}\"}}}}"
        );
    }
    // Oldest first: each promote moves the oldest set to the front, the most work a promote
    // can be given.
    for id in ids(n) {
        let _ = writeln!(
            text,
            "{{\"update\": {{\"promoteSetByBuildId\": \"{id}\"}}}}"
        );
    }
    text
}

/// N new sets, then the older ones merged into the newest in the order `older` gives.
fn trace_merges(n: usize, older: Vec<usize>) -> String {
    let mut text = String::new();
    for id in ids(n) {
        let _ = writeln!(
            text,
            "{{\"update\": {{\"addNewBuildIdInNewDefaultSet\": \"{id}\"}}}}"
        );
    }
    for i in older {
        let _ = writeln!(
            text,
            "{{\"update\": {{\"mergeSets\": {{\"primarySetBuildId\": \"b{}\", \
             \"secondarySetBuildId\": \"b{i}\"}}}}}}",
            n - 1
        );
    }
    text
}

/// A start step of N sets all stamped alike (stored data may tie), then each older set merged
/// into the newest with the older as primary: which of two tied sets is older is decided by
/// their places, which once took a walk along the tied sets between them.
fn trace_tied_merges(n: usize) -> String {
    let sets: Vec<String> = ids(n)
        .map(|id| {
            format!(
                "{{\"setIds\":[\"s{id}\"],\"buildIds\":[{}],\"becameDefaultTimestamp\":{}}}",
                stored_record(&id, 1, &stamp(1)),
                stamp(1)
            )
        })
        .collect();
    let mut text = format!(
        "{{\"start\": {{\"data\": {{\"versionSets\":[{}]}}}}}}\n",
        sets.join(",")
    );
    for i in 0..n.saturating_sub(1) {
        let _ = writeln!(
            text,
            "{{\"update\": {{\"mergeSets\": {{\"primarySetBuildId\": \"b{i}\", \
             \"secondarySetBuildId\": \"b{}\"}}}}}}",
            n - 1
        );
    }
    text
}

/// `0..n` in the order of their bit-reversed values: each lands between two already taken,
/// so each merged set's member goes into the middle of the growing set: joining the lists
/// by walking from either end would walk half of it.
fn bit_reversed(n: usize) -> Vec<usize> {
    let bits = usize::BITS - n.leading_zeros();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| i.reverse_bits() >> (usize::BITS - bits).min(usize::BITS - 1));
    order
}

fn stamp(wall: usize) -> String {
    format!("{{\"wallClock\":\"{wall}\",\"version\":0,\"clusterId\":\"1\"}}")
}

fn stored_record(id: &str, wall: usize, became_default: &str) -> String {
    format!(
        "{{\"id\":\"{id}\",\"state\":\"STATE_ACTIVE\",\"stateUpdateTimestamp\":{},\
         \"becameDefaultTimestamp\":{became_default}}}",
        stamp(wall)
    )
}

fn stored_null_timestamps(n: usize) -> String {
    let records: Vec<String> = ids(n)
        .enumerate()
        .map(|(i, id)| stored_record(&id, i + 1, "null"))
        .collect();
    format!(
        "{{\"versionSets\":[{{\"setIds\":[\"s\"],\"buildIds\":[{}],\"becameDefaultTimestamp\":{}}}]}}",
        records.join(","),
        stamp(1)
    )
}

fn stored_many_sets(n: usize) -> String {
    stored_sets_of(ids(n))
}

/// A trace whose one line is a start step holding [`stored_many_sets`].
fn trace_start(n: usize) -> String {
    format!("{{\"start\": {{\"data\": {}}}}}\n", stored_many_sets(n))
}

/// The same in proto-JSON's other spelling (`version_sets`, `set_ids`...), which is read
/// through a JSON tree.
fn stored_many_sets_proto_names(n: usize) -> String {
    stored_many_sets(n)
        .replace("versionSets", "version_sets")
        .replace("setIds", "set_ids")
        .replace("buildIds", "build_ids")
}

/// What one run of the command cost.
#[derive(Clone, Copy)]
struct Cost {
    seconds: f64,
    /// Peak resident memory, in bytes.
    peak: u64,
}

/// Runs `subcommand file` in a fresh intermediate process and reads back its cost.
fn measure(subcommand: &str, file: &Path, refused: bool) -> Cost {
    let me = std::env::current_exe().expect("the bench's own path");
    let output = Command::new(me)
        .arg("measure")
        .arg(subcommand)
        .arg(file)
        .arg(if refused { "refused" } else { "read" })
        .output()
        .expect("the intermediate process runs");
    let text = String::from_utf8_lossy(&output.stdout);
    let mut fields = text.split_whitespace();
    let seconds = fields.next().and_then(|f| f.parse().ok());
    let peak = fields.next().and_then(|f| f.parse().ok());
    match (seconds, peak, output.status.success()) {
        (Some(seconds), Some(peak), true) => Cost { seconds, peak },
        _ => panic!(
            "measuring {subcommand} {} failed: {text}{}",
            file.display(),
            String::from_utf8_lossy(&output.stderr)
        ),
    }
}

/// The intermediate process: runs the command once, prints `SECONDS PEAK_BYTES`.
fn measure_child(subcommand: &str, file: &str, expected: &str) {
    let start = Instant::now();
    let status = Command::new(BIN)
        .arg(subcommand)
        .arg(file)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("the command runs");
    let seconds = start.elapsed().as_secs_f64();
    // check exits 1 on violations, replay 1 on failed expectations, both 2 on input they
    // refuse: a status the shape does not expect means its generator is wrong.
    let as_expected = match expected {
        "refused" => status.code() == Some(2),
        _ => matches!(status.code(), Some(0 | 1)),
    };
    assert!(as_expected, "{subcommand} {file} exited with {status}");
    let usage = getrusage(UsageWho::RUSAGE_CHILDREN).expect("getrusage");
    // Linux reports kilobytes.
    let peak = u64::try_from(usage.max_rss()).unwrap_or(0) * 1024;
    println!("{seconds} {peak}");
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [mode, subcommand, file, expected] = args.as_slice() {
        if mode == "measure" {
            measure_child(subcommand, file, expected);
            return;
        }
    }
    let full = std::env::var("SCALING").is_ok_and(|mode| mode == "full");
    let only = std::env::var("SCALING_ONLY").ok();
    let dir = std::env::temp_dir().join(format!("version-sets-scaling-{}", std::process::id()));
    fs::create_dir_all(&dir).expect("a scratch directory");

    // An idle run: what the command costs on an empty document, subtracted from every peak.
    let empty = dir.join("empty.json");
    fs::write(&empty, "{}").expect("write");
    let idle = measure("check", &empty, false);
    println!(
        "{} sizes; idle command: {}, {:.3} s",
        if full { "full" } else { "quick" },
        mib(idle.peak),
        idle.seconds
    );
    println!(
        "{:<48} {:>9} {:>10} {:>9} {:>11} {:>8}  time  memory",
        "shape", "N", "input", "time s", "peak", "mem/in"
    );
    let mut verdicts = Vec::new();
    let mut large: Vec<(&str, f64)> = Vec::new();
    for (index, shape) in SHAPES.iter().enumerate() {
        if only
            .as_deref()
            .is_some_and(|only| !shape.name.contains(only))
        {
            continue;
        }
        let small = if full { shape.full } else { shape.quick };
        let mut rows: Vec<(usize, u64, Cost)> = Vec::new();
        for n in [small, small * 10] {
            let file: PathBuf = dir.join(format!("shape{index}-{n}.json"));
            let text = (shape.generate)(n);
            fs::write(&file, &text).expect("write");
            drop(text);
            let bytes = fs::metadata(&file).expect("metadata").len();
            let cost = measure(shape.subcommand, &file, shape.refused);
            fs::remove_file(&file).expect("remove");
            rows.push((n, bytes, cost));
        }
        let (_, small_bytes, small_cost) = rows[0];
        let (_, large_bytes, large_cost) = rows[1];
        let time_ratio = large_cost.seconds / small_cost.seconds.max(1e-3);
        let input_ratio = large_bytes as f64 / small_bytes as f64;
        let time_ok = time_ratio <= TIME_RATIO_LIMIT * input_ratio / 10.0;
        for (i, (n, bytes, cost)) in rows.iter().enumerate() {
            let over_idle = cost.peak.saturating_sub(idle.peak);
            let memory_ratio = over_idle as f64 / *bytes as f64;
            let memory_ok = memory_ratio <= MEMORY_RATIO_LIMIT;
            let time = if i == 1 {
                format!(
                    "x{time_ratio:.1} {}",
                    if time_ok { "ok" } else { "QUADRATIC?" }
                )
            } else {
                String::new()
            };
            let memory = if memory_ok { "ok" } else { "over 10x" };
            println!(
                "{:<48} {:>9} {:>10} {:>9.3} {:>11} {:>7.1}x  {time:<14} {memory}",
                shape.name,
                n,
                mib(*bytes),
                cost.seconds,
                mib(cost.peak),
                memory_ratio
            );
            if i == 1 {
                verdicts.push(time_ok && memory_ok);
                large.push((shape.name, cost.seconds));
            }
        }
    }
    let _ = fs::remove_dir_all(&dir);
    let bad = verdicts.iter().filter(|ok| !**ok).count();
    println!(
        "time ratio: the larger size's time over the smaller's, for {}x the input (ok up to \
         {TIME_RATIO_LIMIT}x per 10x); mem/in: peak above the idle run over the input size \
         (ok up to {MEMORY_RATIO_LIMIT}x)",
        10
    );
    let seconds = |name: &str| {
        large
            .iter()
            .find(|(shape, _)| *shape == name)
            .map(|(_, s)| *s)
    };
    if let (Some(ordinary), Some(colliding)) = (seconds(ORDINARY), seconds(COLLIDING)) {
        println!(
            "colliding build IDs over ordinary ones of the same length, at the larger size: x{:.2}",
            colliding / ordinary.max(1e-3)
        );
    }
    println!("{bad} shape(s) flagged");
}
