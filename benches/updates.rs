//! The five operations in their worst and common cases at every size and shape, the crate
//! beside the baseline, and building one large set through `apply`.
//!
//! `cargo bench --bench updates -- --quick`
//!
//! Every update is applied to a fresh copy of the same state; the copy is made outside the
//! timed part (`iter_batched`), so only the update is measured. The baseline's own deep copy
//! is part of its update, as it is on the server.
//!
//! A copy's vectors and maps are sized exactly, so the first add to one reallocates it (a
//! copy of every set or every index entry) where a live value, grown by adds, has room. So
//! that adds measure the add and not that one-off reallocation, the setup of an add case
//! (on both sides, outside the timed part) first applies one throwaway add of the same kind:
//! a new default set before `add-default`, a member of the same set before the compatible
//! adds. Cases:
//! - `add-default`: a new build ID in a new default set (only one case: it always appends);
//! - `add-compatible-worst`: into the oldest set, making it the queue's default;
//!   `add-compatible-common`: into the newest set;
//! - `promote-set-worst`: the oldest set; `promote-set-common`: the set before the default
//!   (a rollback);
//! - `promote-within-worst`: the oldest member of the oldest set; `promote-within-common`: the
//!   previous default of the newest set;
//! - `merge-worst`: the two oldest sets; `merge-common`: the two newest;
//! - `build-set`: a set of n members built from nothing through `apply` (per add = median ÷
//!   n; the baseline, quadratic, up to n = 10,000); `build-set-tail`: the last 10 adds of an n-member set, at every size (the
//!   cost of one add when the set is largest, which bounds the per-add cost of the whole
//!   build, and is measurable at 100,000 whatever the core).
//!
//! A case that needs two sets, or a set of two, is left out where the shape has none.

mod baseline;
mod common;

use std::hint::black_box;

use criterion::{Criterion, Throughput};
use version_sets::{BuildId, Limits, Outcome, QueueDefault, Update, VersionSets};

use baseline::Baseline;
use common::{Fixture, NOW_MS, Shape, batch, fresh_id};

/// The updates of the cases above that this fixture has.
fn cases(fixture: &Fixture) -> Vec<(&'static str, Update)> {
    let oldest = fixture.oldest();
    let newest = fixture.newest(0);
    let first = |members: &[version_sets::BuildId]| members[0].clone();
    let last = |members: &[version_sets::BuildId]| members[members.len() - 1].clone();
    let mut cases = vec![
        ("add-default", Update::add_new_default(fresh_id(0))),
        (
            "add-compatible-worst",
            Update::add_new_compatible(fresh_id(0), first(oldest), QueueDefault::Make),
        ),
        (
            "add-compatible-common",
            Update::add_new_compatible(fresh_id(0), last(newest), QueueDefault::Keep),
        ),
    ];
    if fixture.sets.len() >= 2 {
        let before_newest = fixture.newest(1);
        cases.extend([
            (
                "promote-set-worst",
                Update::promote_set_by_build_id(first(oldest)),
            ),
            (
                "promote-set-common",
                Update::promote_set_by_build_id(first(before_newest)),
            ),
            (
                "merge-worst",
                Update::merge_sets(first(&fixture.sets[1]), first(oldest)),
            ),
            (
                "merge-common",
                Update::merge_sets(first(newest), first(before_newest)),
            ),
        ]);
    }
    if oldest.len() >= 2 && newest.len() >= 2 {
        cases.extend([
            (
                "promote-within-worst",
                Update::promote_build_id_within_set(first(oldest)),
            ),
            (
                "promote-within-common",
                Update::promote_build_id_within_set(newest[newest.len() - 2].clone()),
            ),
        ]);
    }
    cases
}

/// The throwaway add that gives a fresh copy the room a live value has (see the module docs).
fn warm_up(update: &Update) -> Option<Update> {
    let spare = BuildId::new("spare").expect("a valid build ID");
    match update {
        Update::AddNewBuildIdInNewDefaultSet(_) => Some(Update::add_new_default(spare)),
        Update::AddNewCompatibleBuildId {
            existing_compatible_build_id,
            ..
        } => Some(Update::add_new_compatible(
            spare,
            existing_compatible_build_id.clone(),
            QueueDefault::Keep,
        )),
        _ => None,
    }
}

/// A fresh copy of `state`, warmed up for `update`.
fn fresh<S: Clone>(state: &S, warm: Option<&Update>, apply: impl Fn(&mut S, &Update) -> bool) -> S {
    let mut copy = state.clone();
    if let Some(warm) = warm {
        assert!(apply(&mut copy, warm), "the warm-up add changes the state");
    }
    copy
}

fn apply_crate(sets: &mut VersionSets, update: &Update) -> bool {
    sets.apply(update, NOW_MS, Limits::NONE) == Ok(Outcome::Changed)
}

fn apply_baseline(base: &mut Baseline, update: &Update) -> bool {
    base.apply(update, NOW_MS, Limits::NONE) == Ok(Outcome::Changed)
}

/// Applies `updates` to both sides and checks that both change and end in the same data.
fn check_same(name: &str, label: &str, sets: &VersionSets, base: &Baseline, updates: &[Update]) {
    let (mut ours, mut theirs) = (sets.clone(), base.clone());
    for update in updates {
        assert_eq!(
            ours.apply(update, NOW_MS, Limits::NONE),
            Ok(Outcome::Changed)
        );
        assert_eq!(
            theirs.apply(update, NOW_MS, Limits::NONE),
            Ok(Outcome::Changed)
        );
    }
    assert!(
        ours.to_data() == theirs.to_data(),
        "{name} {label}: crate and baseline disagree"
    );
}

fn operations(c: &mut Criterion) {
    for fixture in Fixture::all() {
        let sets = fixture.state();
        let base = fixture.baseline();
        let label = fixture.label();
        for (name, update) in cases(&fixture) {
            let warm = warm_up(&update);
            let checked: Vec<Update> = warm.iter().chain([&update]).cloned().collect();
            check_same(name, &label, &sets, &base, &checked);
            let mut group = c.benchmark_group(name);
            group.bench_function(format!("crate/{label}"), |b| {
                b.iter_batched(
                    || fresh(&sets, warm.as_ref(), apply_crate),
                    |mut sets| {
                        let outcome = sets.apply(black_box(&update), NOW_MS, Limits::NONE);
                        (sets, outcome)
                    },
                    batch(fixture.size),
                );
            });
            group.bench_function(format!("baseline/{label}"), |b| {
                b.iter_batched(
                    || fresh(&base, warm.as_ref(), apply_baseline),
                    |mut base| {
                        let outcome = base.apply(black_box(&update), NOW_MS, Limits::NONE);
                        (base, outcome)
                    },
                    batch(fixture.size),
                );
            });
            group.finish();
        }
    }
}

/// The adds that build one set of `n` members from nothing: a new default, then compatible
/// adds to it.
fn build_updates(n: usize) -> Vec<Update> {
    let first = common::build_id(0);
    let mut updates = vec![Update::add_new_default(first.clone())];
    updates.extend((1..n).map(|i| {
        Update::add_new_compatible(common::build_id(i), first.clone(), QueueDefault::Keep)
    }));
    updates
}

fn build_set(c: &mut Criterion) {
    for size in common::SIZES {
        let updates = build_updates(size);
        let label = format!("{}/{size}", Shape::OneSet.name());
        // The baseline copies the whole state on every add, so a build of n members costs it
        // O(n²): minutes at 100,000. It is measured up to 10,000, the crate at every size.
        let with_baseline = size <= 10_000;
        if with_baseline {
            check_same(
                "build-set",
                &label,
                &VersionSets::new(),
                &Baseline::from_data(&Default::default()),
                &updates,
            );
        }
        let mut group = c.benchmark_group("build-set");
        group.throughput(Throughput::Elements(size as u64));
        group.bench_function(format!("crate/{label}"), |b| {
            b.iter_batched(
                VersionSets::new,
                |mut sets| {
                    for update in &updates {
                        let _ = black_box(sets.apply(update, NOW_MS, Limits::NONE));
                    }
                    sets
                },
                criterion::BatchSize::PerIteration,
            );
        });
        if !with_baseline {
            group.finish();
            continue;
        }
        group.bench_function(format!("baseline/{label}"), |b| {
            b.iter_batched(
                || Baseline::from_data(&Default::default()),
                |mut base| {
                    for update in &updates {
                        let _ = black_box(base.apply(update, NOW_MS, Limits::NONE));
                    }
                    base
                },
                criterion::BatchSize::PerIteration,
            );
        });
        group.finish();
    }

    const TAIL: usize = 10;
    for size in common::SIZES {
        let fixture = Fixture::new(Shape::OneSet, size);
        let sets = fixture.state();
        let base = fixture.baseline();
        let label = fixture.label();
        let existing = fixture.queue_default().clone();
        let updates: Vec<Update> = (0..TAIL)
            .map(|i| Update::add_new_compatible(fresh_id(i), existing.clone(), QueueDefault::Keep))
            .collect();
        let warm = warm_up(&updates[0]);
        let checked: Vec<Update> = warm.iter().chain(&updates).cloned().collect();
        check_same("build-set-tail", &label, &sets, &base, &checked);
        let mut group = c.benchmark_group("build-set-tail");
        group.throughput(Throughput::Elements(TAIL as u64));
        group.bench_function(format!("crate/{label}"), |b| {
            b.iter_batched(
                || fresh(&sets, warm.as_ref(), apply_crate),
                |mut sets| {
                    for update in &updates {
                        let _ = black_box(sets.apply(update, NOW_MS, Limits::NONE));
                    }
                    sets
                },
                batch(size),
            );
        });
        group.bench_function(format!("baseline/{label}"), |b| {
            b.iter_batched(
                || fresh(&base, warm.as_ref(), apply_baseline),
                |mut base| {
                    for update in &updates {
                        let _ = black_box(base.apply(update, NOW_MS, Limits::NONE));
                    }
                    base
                },
                batch(size),
            );
        });
        group.finish();
    }
}

// A plain `main` rather than `criterion_group!`, whose generated function has no doc comment
// (the crate denies `missing_docs` in every target).
fn main() {
    let mut c = common::criterion();
    operations(&mut c);
    build_set(&mut c);
    c.final_summary();
}
