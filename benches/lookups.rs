//! Dispatch-time lookups at every size and shape, the crate beside the baseline, and a bare
//! `HashMap` get on the same number of keys, measured beside each fixture: the floor the
//! crate's lookups are held to (the README's performance target: within 1.5× of it).
//!
//! `cargo bench --bench lookups -- --quick`
//!
//! The build IDs looked up: the queue's default (the most common poll, and the end of the
//! baseline's scan), the build ID in the middle of the queue (half a scan; not its set's
//! default, except in singletons), and an unknown build ID (a full scan, then the guessed
//! set ID's hash on both sides).

mod baseline;
mod common;

use std::collections::HashMap;
use std::hint::black_box;

use criterion::{BenchmarkGroup, measurement::WallTime};
use version_sets::{BuildId, Target, VersionSets, VersioningIntent};

use baseline::Baseline;
use common::{Fixture, Shape, add_task, queue_name, resolve};

fn lookups(c: &mut criterion::Criterion) {
    for fixture in Fixture::all() {
        let sets = fixture.state();
        let base = fixture.baseline();
        let label = fixture.label();
        let default = fixture.queue_default().clone();
        let middle = fixture.middle_id().clone();
        let unknown = common::unknown_id();

        poll(c, "poll-default", &label, &sets, &base, &default);
        if fixture.shape != Shape::Singletons {
            // Every singleton is its set's default: there is no non-default member to poll.
            poll(c, "poll-non-default", &label, &sets, &base, &middle);
        }
        poll(c, "poll-unknown", &label, &sets, &base, &unknown);

        assert_eq!(
            queue_name(&add_task(&sets, &middle)),
            base.add_task(Some(middle.as_str())).queue_name()
        );
        let mut group = c.benchmark_group("add-task");
        group.bench_function(format!("crate/{label}"), |b| {
            b.iter(|| {
                add_task(black_box(&sets), black_box(&middle))
                    .set_id()
                    .is_some()
            });
        });
        group.bench_function(format!("baseline/{label}"), |b| {
            b.iter(|| black_box(&base).add_task(Some(black_box(middle.as_str()))));
        });
        group.finish();

        floor(c, &fixture);

        for (name, intent) in [
            ("resolve-compatible", VersioningIntent::Compatible),
            ("resolve-default", VersioningIntent::Default),
            ("resolve-unspecified", VersioningIntent::Unspecified),
        ] {
            let mut group = c.benchmark_group(name);
            resolve_both(&mut group, &label, &sets, &base, intent, &middle);
            group.finish();
        }
    }
}

/// The floor: one `HashMap<String, _>` get (the standard library's default hasher) of a
/// present key, on as many keys as the fixture has build IDs. Measured beside each fixture's
/// lookups, so that a lookup and its floor see the same load on a shared machine.
fn floor(c: &mut criterion::Criterion, fixture: &Fixture) {
    let map: HashMap<String, (usize, usize)> = fixture
        .sets
        .iter()
        .enumerate()
        .flat_map(|(s, members)| {
            members
                .iter()
                .enumerate()
                .map(move |(m, id)| (id.as_str().to_owned(), (s, m)))
        })
        .collect();
    let key = fixture.middle_id().as_str().to_owned();
    let mut group = c.benchmark_group("hashmap-get");
    group.bench_function(format!("floor/{}", fixture.label()), |b| {
        b.iter(|| black_box(&map).get(black_box(key.as_str())).copied());
    });
    group.finish();
}

/// `poll` on both sides, after checking that they agree on the answer.
fn poll(
    c: &mut criterion::Criterion,
    name: &str,
    label: &str,
    sets: &VersionSets,
    base: &Baseline,
    id: &BuildId,
) {
    let ours = sets
        .poll(id.as_str())
        .map(|queue| queue_name(&queue))
        .map_err(|refused| refused.default_build_id.as_str().to_owned());
    let theirs = base.poll(id.as_str()).map(|queue| queue.queue_name());
    assert_eq!(ours, theirs, "{name} {label}: crate and baseline disagree");

    let mut group = c.benchmark_group(name);
    group.bench_function(format!("crate/{label}"), |b| {
        b.iter(|| black_box(sets).poll(black_box(id.as_str())).is_ok());
    });
    group.bench_function(format!("baseline/{label}"), |b| {
        b.iter(|| black_box(base).poll(black_box(id.as_str())).is_ok());
    });
    group.finish();
}

/// `resolve` on both sides for work on the caller's own task queue.
fn resolve_both(
    group: &mut BenchmarkGroup<'_, WallTime>,
    label: &str,
    sets: &VersionSets,
    base: &Baseline,
    intent: VersioningIntent,
    caller: &BuildId,
) {
    let ours = match resolve(sets, intent, caller).into_target() {
        Target::SetDefault(id) => baseline::Target::SetDefault(id.as_str().to_owned()),
        Target::ExactBuildId(id) => baseline::Target::ExactBuildId(id.as_str().to_owned()),
        Target::Unversioned => baseline::Target::Unversioned,
        Target::Rejected => baseline::Target::Rejected,
    };
    let theirs = base.resolve(intent, Some(caller.as_str()), true);
    assert_eq!(
        ours, theirs,
        "resolve {intent:?} {label}: crate and baseline disagree"
    );
    group.bench_function(format!("crate/{label}"), |b| {
        b.iter(|| resolve(black_box(sets), intent, black_box(caller)).into_target());
    });
    group.bench_function(format!("baseline/{label}"), |b| {
        b.iter(|| black_box(base).resolve(intent, Some(black_box(caller.as_str())), true));
    });
}

// A plain `main` rather than `criterion_group!`, whose generated function has no doc comment
// (the crate denies `missing_docs` in every target).
fn main() {
    let mut c = common::criterion();
    lookups(&mut c);
    c.final_summary();
}
