//! Turns the results of the benches into `docs/performance.md`: one Markdown table per kind
//! of benchmark, each row with the crate's median, the baseline's, their ratio, and the
//! README's target with whether it is met.
//!
//! ```sh
//! cargo bench -p version-sets-benches -- --quick       # every bench; memory writes heap.json
//! cargo run -p version-sets-benches --bin bench_table > docs/performance.md
//! ```
//!
//! With the argument `deployments` it prints only the Worker Deployments table
//! (`benches/deployments.rs`), which `deployments/README.md` shows.
//!
//! It reads criterion's `target/criterion/**/new/benchmark.json` and `estimates.json` (the
//! median's point estimate) and the memory bench's `target/criterion/heap.json`, and the
//! machine's core count and CPU model. The target directory is `$CARGO_TARGET_DIR` or
//! `target`.

use std::collections::BTreeMap;
use std::error::Error;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// One measured benchmark: group, side (`crate`, `baseline`, `floor`, `serde_json`), shape
/// and size, with its median in nanoseconds and the number of elements or bytes per
/// iteration when the bench declared a throughput.
#[derive(Debug, Clone)]
struct Measured {
    median_ns: f64,
    throughput: Option<f64>,
}

type Key = (String, String, String, usize);

const SHAPES: [&str; 3] = ["sets-of-10", "one-set", "singletons"];
const SIZES: [usize; 5] = [10, 100, 1_000, 10_000, 100_000];

fn main() -> Result<(), Box<dyn Error>> {
    let root = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| PathBuf::from("target"), PathBuf::from)
        .join("criterion");
    let mut results = BTreeMap::new();
    collect(&root, &mut results)?;
    if std::env::args().nth(1).as_deref() == Some("deployments") {
        let mut out = String::new();
        deployments(&mut out, &results);
        print!("{out}");
        return Ok(());
    }
    let heap = std::fs::read_to_string(root.join("heap.json"))
        .ok()
        .map(|text| serde_json::from_str::<Value>(&text))
        .transpose()?;
    print!("{}", render(&results, heap.as_ref()));
    Ok(())
}

/// Walks `dir` for criterion's `new/` result directories.
fn collect(dir: &Path, results: &mut BTreeMap<Key, Measured>) -> Result<(), Box<dyn Error>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries {
        let path = entry?.path();
        if !path.is_dir() {
            continue;
        }
        if path.file_name().is_some_and(|name| name == "new") {
            if let Some((key, measured)) = read_result(&path)? {
                results.insert(key, measured);
            }
        } else {
            collect(&path, results)?;
        }
    }
    Ok(())
}

/// One result directory, if it is one of ours (`group/side/shape/size`).
fn read_result(dir: &Path) -> Result<Option<(Key, Measured)>, Box<dyn Error>> {
    let (Ok(benchmark), Ok(estimates)) = (
        std::fs::read_to_string(dir.join("benchmark.json")),
        std::fs::read_to_string(dir.join("estimates.json")),
    ) else {
        return Ok(None);
    };
    let benchmark: Value = serde_json::from_str(&benchmark)?;
    let estimates: Value = serde_json::from_str(&estimates)?;
    let group = benchmark["group_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let function = benchmark["function_id"].as_str().unwrap_or_default();
    let parts: Vec<&str> = function.split('/').collect();
    let [side, shape, size] = parts[..] else {
        return Ok(None);
    };
    let Ok(size) = size.parse() else {
        return Ok(None);
    };
    let Some(median_ns) = estimates["median"]["point_estimate"].as_f64() else {
        return Ok(None);
    };
    let throughput = benchmark["throughput"]
        .as_object()
        .and_then(|kinds| kinds.values().next())
        .and_then(Value::as_f64);
    Ok(Some((
        (group, side.to_owned(), shape.to_owned(), size),
        Measured {
            median_ns,
            throughput,
        },
    )))
}

fn get<'a>(
    results: &'a BTreeMap<Key, Measured>,
    group: &str,
    side: &str,
    shape: &str,
    size: usize,
) -> Option<&'a Measured> {
    results.get(&(group.to_owned(), side.to_owned(), shape.to_owned(), size))
}

/// A duration in the unit that keeps three significant digits readable.
fn time(ns: f64) -> String {
    if ns < 1e3 {
        format!("{ns:.1} ns")
    } else if ns < 1e6 {
        format!("{:.2} µs", ns / 1e3)
    } else if ns < 1e9 {
        format!("{:.2} ms", ns / 1e6)
    } else {
        format!("{:.2} s", ns / 1e9)
    }
}

fn ratio(baseline: f64, ours: f64) -> String {
    let r = baseline / ours;
    if r < 10.0 {
        format!("{r:.2}×")
    } else {
        format!("{r:.0}×")
    }
}

fn opt_time(m: Option<&Measured>) -> String {
    m.map_or_else(|| "—".to_owned(), |m| time(m.median_ns))
}

fn yes(met: bool) -> &'static str {
    if met { "yes" } else { "**no**" }
}

/// A row's target and whether it is met, or dashes when the row has no target.
struct Verdict(Option<(String, bool)>);

impl Verdict {
    fn cells(&self) -> String {
        match &self.0 {
            Some((target, met)) => format!("{target} | {}", yes(*met)),
            None => "— | —".to_owned(),
        }
    }
}

const LOOKUPS: [&str; 7] = [
    "poll-default",
    "poll-non-default",
    "poll-unknown",
    "add-task",
    "resolve-compatible",
    "resolve-default",
    "resolve-unspecified",
];

const UPDATES: [&str; 9] = [
    "add-default",
    "add-compatible-worst",
    "add-compatible-common",
    "promote-set-worst",
    "promote-set-common",
    "promote-within-worst",
    "promote-within-common",
    "merge-worst",
    "merge-common",
];

fn render(results: &BTreeMap<Key, Measured>, heap: Option<&Value>) -> String {
    let mut out = String::new();
    header(&mut out);
    lookups(&mut out, results);
    updates(&mut out, results);
    builds(&mut out, results);
    mix(&mut out, results);
    load(&mut out, results);
    memory(&mut out, heap);
    out
}

/// The machine line: cores and CPU model.
fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|line| line.starts_with("model name"))
                .and_then(|line| line.split_once(':'))
                .map(|(_, model)| model.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned());
    format!("{cores} cores (`nproc`), {cpu}")
}

fn header(out: &mut String) {
    let _ = write!(
        out,
        "# Performance

This file is generated. To measure and regenerate it:

```sh
cargo bench -p version-sets-benches -- --quick     # every bench (memory ignores --quick)
cargo run -p version-sets-benches --bin bench_table > docs/performance.md
```

Machine: {}. Shared with other work while measuring, so single
figures are noisy; the ratios, measured in the same run, are what count.

Every figure is a criterion median. **Baseline** is the server's approach written plainly
(`benches/baseline/mod.rs`: a `Vec` of sets each a `Vec` of records, a linear scan per
lookup, deep clone – mutate – swap per update), doing the same work per operation;
**baseline ÷ crate** above 1 means the crate is faster. Targets are the README's (Performance). Rows missing
a shape are cases the shape does not have (a merge needs two sets, a promotion within a set
needs two members, every singleton is its set's default). Each bench file's docs say what
exactly it measures.
",
        machine()
    );
}

fn lookups(out: &mut String, results: &BTreeMap<Key, Measured>) {
    out.push_str(
        "
## Lookups

Target: every lookup within 1.5× of a bare `HashMap<String, _>` get on the same number of
keys (the floor, `hashmap-get`, measured beside each fixture's lookups).

| benchmark | shape | size | crate | baseline | baseline ÷ crate | floor | target | met |
| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |
",
    );
    for group in LOOKUPS {
        for shape in SHAPES {
            for size in SIZES {
                let Some(ours) = get(results, group, "crate", shape, size) else {
                    continue;
                };
                let theirs = get(results, group, "baseline", shape, size);
                let floor = get(results, "hashmap-get", "floor", shape, size);
                let verdict = Verdict(floor.map(|floor| {
                    (
                        format!("≤ {}", time(1.5 * floor.median_ns)),
                        ours.median_ns <= 1.5 * floor.median_ns,
                    )
                }));
                let _ = writeln!(
                    out,
                    "| {group} | {shape} | {size} | {} | {} | {} | {} | {} |",
                    time(ours.median_ns),
                    opt_time(theirs),
                    theirs.map_or("—".to_owned(), |t| ratio(t.median_ns, ours.median_ns)),
                    opt_time(floor),
                    verdict.cells()
                );
            }
        }
    }
}

fn updates(out: &mut String, results: &BTreeMap<Key, Measured>) {
    out.push_str(
        "
## Updates

Targets: in its worst case (`*-worst`, and `add-default`, which has one case) every update
takes ≤ 2 µs at 10,000 build IDs and ≤ 25 µs at 100,000; and no update is slower than the
baseline at any size or shape.

| benchmark | shape | size | crate | baseline | baseline ÷ crate | target | met |
| --- | --- | ---: | ---: | ---: | ---: | --- | --- |
",
    );
    for group in UPDATES {
        for shape in SHAPES {
            for size in SIZES {
                let Some(ours) = get(results, group, "crate", shape, size) else {
                    continue;
                };
                let theirs = get(results, group, "baseline", shape, size);
                let worst = group.ends_with("-worst") || group == "add-default";
                let limit = match size {
                    10_000 if worst => Some(2_000.0),
                    100_000 if worst => Some(25_000.0),
                    _ => None,
                };
                let verdict = update_verdict(ours.median_ns, theirs, limit);
                let _ = writeln!(
                    out,
                    "| {group} | {shape} | {size} | {} | {} | {} | {} |",
                    time(ours.median_ns),
                    opt_time(theirs),
                    theirs.map_or("—".to_owned(), |t| ratio(t.median_ns, ours.median_ns)),
                    verdict.cells()
                );
            }
        }
    }
}

/// Not slower than the baseline, and within `limit` nanoseconds where there is one.
fn update_verdict(ours: f64, theirs: Option<&Measured>, limit: Option<f64>) -> Verdict {
    let mut target = vec!["≤ baseline".to_owned()];
    let mut met = theirs.is_none_or(|t| ours <= t.median_ns);
    if let Some(limit) = limit {
        target.insert(0, format!("≤ {}", time(limit)));
        met &= ours <= limit;
    }
    Verdict(Some((target.join(", "), met)))
}

fn builds(out: &mut String, results: &BTreeMap<Key, Measured>) {
    out.push_str(
        "
## Building one set through `apply`

Per add: the median divided by the number of adds. `build-set` builds a set of n members
from nothing; `build-set-tail` times the last 10 adds to a set of n members (the cost of an
add when the set is largest, which bounds the per-add cost of the whole build). Target: a
100,000-member set costs ≤ 2 µs per add (both rows at 100,000; the baseline, which copies
the state on every add, is left out of the full build there), and no add is slower than
the baseline's.

| benchmark | shape | size | crate per add | baseline per add | baseline ÷ crate | target | met |
| --- | --- | ---: | ---: | ---: | ---: | --- | --- |
",
    );
    for group in ["build-set", "build-set-tail"] {
        for size in SIZES {
            let Some(ours) = get(results, group, "crate", "one-set", size) else {
                continue;
            };
            let theirs = get(results, group, "baseline", "one-set", size);
            let per_add = |m: &Measured| m.median_ns / m.throughput.unwrap_or(1.0).max(1.0);
            let limit = (size == 100_000).then_some(2_000.0);
            let theirs_per_add = theirs.map(|t| Measured {
                median_ns: per_add(t),
                throughput: None,
            });
            let verdict = update_verdict(per_add(ours), theirs_per_add.as_ref(), limit);
            let _ = writeln!(
                out,
                "| {group} | one-set | {size} | {} | {} | {} | {} |",
                time(per_add(ours)),
                opt_time(theirs_per_add.as_ref()),
                theirs.map_or("—".to_owned(), |t| ratio(t.median_ns, ours.median_ns)),
                verdict.cells()
            );
        }
    }
}

fn mix(out: &mut String, results: &BTreeMap<Key, Measured>) {
    out.push_str(
        "
## 90% lookups, 10% updates

1,000 operations per iteration (`benches/mix.rs`). Targets: at least 10× the baseline at
100 build IDs and 1,000× at 10,000.

| benchmark | shape | size | crate per 1,000 ops | baseline per 1,000 ops | baseline ÷ crate | target | met |
| --- | --- | ---: | ---: | ---: | ---: | --- | --- |
",
    );
    for shape in SHAPES {
        for size in SIZES {
            let Some(ours) = get(results, "mix-90-10", "crate", shape, size) else {
                continue;
            };
            let theirs = get(results, "mix-90-10", "baseline", shape, size);
            let wanted = match size {
                100 => Some(10.0),
                10_000 => Some(1_000.0),
                _ => None,
            };
            let verdict = Verdict(wanted.zip(theirs).map(|(wanted, theirs)| {
                (
                    format!("≥ {wanted:.0}×"),
                    theirs.median_ns / ours.median_ns >= wanted,
                )
            }));
            let _ = writeln!(
                out,
                "| mix-90-10 | {shape} | {size} | {} | {} | {} | {} |",
                time(ours.median_ns),
                opt_time(theirs),
                theirs.map_or("—".to_owned(), |t| ratio(t.median_ns, ours.median_ns)),
                verdict.cells()
            );
        }
    }
}

/// The Worker Deployments benches: per workflow ID for routing, per call for the rest,
/// with the plain model's time and the ratio.
fn deployments(out: &mut String, results: &BTreeMap<Key, Measured>) {
    let _ = write!(
        out,
        "## Worker Deployments

Machine: {}. Shared with other work while measuring: the ratios, measured in the same run,
are what count.

`benches/deployments.rs`: one deployment of N versions on one task queue, `b0` current
and `b1` ramping at 30%. `wd-route` is per workflow ID (1,000 IDs per iteration), with
go-farm's `Fingerprint32` alone beside it; `wd-view` is the queue's view, computed once
for any number of routing questions; the operations are one call on a fresh copy. The
baseline is the plain model of `test-support/src/plain_deployments.rs`. No targets: ratios
only.

| benchmark | versions | crate | baseline | baseline ÷ crate | hash alone |
| --- | ---: | ---: | ---: | ---: | ---: |
",
        machine()
    );
    let per = |m: &Measured| Measured {
        median_ns: m.median_ns / m.throughput.unwrap_or(1.0).max(1.0),
        throughput: None,
    };
    for group in [
        "wd-route",
        "wd-view",
        "wd-register",
        "wd-set-current",
        "wd-set-ramping",
        "wd-delete-version",
    ] {
        for size in [10, 100, 1_000] {
            let Some(ours) = get(results, group, "crate", "one-deployment", size).map(per) else {
                continue;
            };
            let theirs = get(results, group, "baseline", "one-deployment", size).map(per);
            let hash = get(results, group, "hash", "one-deployment", size).map(per);
            let _ = writeln!(
                out,
                "| {group} | {size} | {} | {} | {} | {} |",
                time(ours.median_ns),
                opt_time(theirs.as_ref()),
                theirs.map_or("—".to_owned(), |t| ratio(t.median_ns, ours.median_ns)),
                opt_time(hash.as_ref()),
            );
        }
    }
}

/// A document size in kB or MB.
fn bytes(n: f64) -> String {
    if n < 1e6 {
        format!("{:.1} kB", n / 1e3)
    } else {
        format!("{:.1} MB", n / 1e6)
    }
}

fn megabytes_per_second(m: &Measured) -> Option<f64> {
    m.throughput.map(|bytes| bytes / m.median_ns * 1e3)
}

fn load(out: &mut String, results: &BTreeMap<Key, Measured>) {
    out.push_str(
        "
## Loading and checking

`json-parse` is `serde_json` alone into a `serde_json::Value`; `json-scan` is `serde_json`
reading the document and keeping nothing (`IgnoredAny`), the parser's ceiling; `json-load`
the same document into a `VersionSets` (checked); `validate` checks a loaded value. Targets:
`json-load` at least 300 MB/s at 100,000 build IDs; `validate` no slower than the parse.

| benchmark | shape | size | JSON | parse | load | load MB/s | parse MB/s | scan MB/s | validate | validate ÷ parse | target | met |
| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |
",
    );
    for shape in SHAPES {
        for size in SIZES {
            let parse = get(results, "json-parse", "serde_json", shape, size);
            let scan = get(results, "json-scan", "serde_json", shape, size);
            let loaded = get(results, "json-load", "crate", shape, size);
            let validate = get(results, "validate", "crate", shape, size);
            if parse.is_none() && loaded.is_none() && validate.is_none() {
                continue;
            }
            let rate = |m: Option<&Measured>| m.and_then(megabytes_per_second);
            let mut target = Vec::new();
            let mut met = true;
            if let (Some(load_rate), 100_000) = (rate(loaded), size) {
                target.push("load ≥ 300 MB/s".to_owned());
                met &= load_rate >= 300.0;
            }
            if let (Some(parse), Some(validate)) = (parse, validate) {
                target.push("validate ≤ parse".to_owned());
                met &= validate.median_ns <= parse.median_ns;
            }
            let verdict = Verdict((!target.is_empty()).then(|| (target.join(", "), met)));
            let json_bytes = parse.or(loaded).and_then(|m| m.throughput);
            let _ = writeln!(
                out,
                "| json | {shape} | {size} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                json_bytes.map_or("—".to_owned(), bytes),
                opt_time(parse),
                opt_time(loaded),
                rate(loaded).map_or("—".to_owned(), |r| format!("{r:.0}")),
                rate(parse).map_or("—".to_owned(), |r| format!("{r:.0}")),
                rate(scan).map_or("—".to_owned(), |r| format!("{r:.0}")),
                opt_time(validate),
                parse.zip(validate).map_or("—".to_owned(), |(p, v)| format!(
                    "{:.2}",
                    v.median_ns / p.median_ns
                )),
                verdict.cells()
            );
        }
    }
}

fn memory(out: &mut String, heap: Option<&Value>) {
    out.push_str(
        "
## Heap bytes per build ID

`cargo bench --bench memory`: what a loaded value keeps on the heap (bytes requested from
the allocator), divided by the number of build IDs. Target: at most 80 bytes per build ID
plus the ID's own bytes, at 100,000 build IDs in sets of 10.

| shape | size | ID bytes per ID | crate | baseline | baseline ÷ crate | target | met |
| --- | --- | ---: | ---: | ---: | ---: | --- | --- |
",
    );
    let Some(rows) = heap.and_then(Value::as_array) else {
        out.push_str("| not measured | | | | | | | |\n");
        return;
    };
    for row in rows {
        let number = |field: &str| row[field].as_f64().unwrap_or(f64::NAN);
        let shape = row["shape"].as_str().unwrap_or("?");
        let size = number("size");
        let per_id = |field: &str| number(field) / size;
        let verdict = Verdict((shape == "sets-of-10" && size == 100_000.0).then(|| {
            let limit = 80.0 + per_id("id_bytes");
            (format!("≤ {limit:.1} B"), per_id("crate_bytes") <= limit)
        }));
        let _ = writeln!(
            out,
            "| {shape} | {size} | {:.1} | {:.1} B | {:.1} B | {} | {} |",
            per_id("id_bytes"),
            per_id("crate_bytes"),
            per_id("baseline_bytes"),
            ratio(number("baseline_bytes"), number("crate_bytes")),
            verdict.cells()
        );
    }
}
