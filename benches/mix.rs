//! A realistic mix of 90% lookups and 10% updates at every size and shape, the crate beside
//! the baseline (the README's performance target: at least 10× the baseline at 100 build IDs, 1,000× at 10,000).
//!
//! `cargo bench --bench mix -- --quick`
//!
//! One iteration runs the same 1,000 operations on a fresh copy of the fixture (made outside
//! the timed part): 450 polls and 450 add-tasks of build IDs drawn from the fixture, and 100
//! updates taking turns: a compatible add to a drawn build ID's set, a promotion of a drawn
//! build ID's set, a promotion of a drawn build ID within its set, and a new default. The
//! draws come from a fixed-seed generator, so every run and both sides see the same sequence.
//!
//! The setup (untimed) also adds one throwaway default set to the fresh copy, so that it has
//! the room to grow that a live value has, rather than the exact sizes of a copy (see
//! `benches/updates.rs`).

mod baseline;
mod common;

use std::hint::black_box;

use criterion::{Criterion, Throughput};
use version_sets::{BuildId, Limits, Outcome, QueueDefault, Update};

use common::{Fixture, NOW_MS, batch, fresh_id};

/// Operations per iteration.
const OPS: usize = 1_000;

enum Op {
    Poll(BuildId),
    AddTask(BuildId),
    Update(Update),
}

/// xorshift64: enough to spread the draws, and the same sequence on every run.
struct Draws(u64);

impl Draws {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

fn operations(fixture: &Fixture) -> Vec<Op> {
    let mut draws = Draws(0x9e37_79b9_7f4a_7c15);
    let mut fresh = 0;
    let mut updates = 0;
    (0..OPS)
        .map(|i| {
            let drawn = fixture.id(draws.below(fixture.size)).clone();
            if i % 10 != 9 {
                return if i % 2 == 0 {
                    Op::Poll(drawn)
                } else {
                    Op::AddTask(drawn)
                };
            }
            updates += 1;
            Op::Update(match updates % 4 {
                0 => {
                    fresh += 1;
                    Update::add_new_compatible(fresh_id(fresh), drawn, QueueDefault::Keep)
                }
                1 => Update::promote_set_by_build_id(drawn),
                2 => Update::promote_build_id_within_set(drawn),
                _ => {
                    fresh += 1;
                    Update::add_new_default(fresh_id(fresh))
                }
            })
        })
        .collect()
}

fn mix(c: &mut Criterion) {
    for fixture in Fixture::all() {
        let sets = fixture.state();
        let base = fixture.baseline();
        let label = fixture.label();
        let ops = operations(&fixture);

        let spare = Update::add_new_default(BuildId::new("spare").expect("a valid build ID"));
        let fresh_crate = || {
            let mut copy = sets.clone();
            assert_eq!(
                copy.apply(&spare, NOW_MS, Limits::NONE),
                Ok(Outcome::Changed)
            );
            copy
        };
        let fresh_baseline = || {
            let mut copy = base.clone();
            assert_eq!(
                copy.apply(&spare, NOW_MS, Limits::NONE),
                Ok(Outcome::Changed)
            );
            copy
        };

        // Both sides end in the same data after the whole sequence.
        let (mut ours, mut theirs) = (fresh_crate(), fresh_baseline());
        for op in &ops {
            if let Op::Update(update) = op {
                let outcome = ours.apply(update, NOW_MS, Limits::NONE).map_err(|_| ());
                assert_eq!(
                    outcome,
                    theirs.apply(update, NOW_MS, Limits::NONE).map_err(|_| ())
                );
            }
        }
        assert!(
            ours.to_data() == theirs.to_data(),
            "mix {label}: crate and baseline disagree"
        );

        let mut group = c.benchmark_group("mix-90-10");
        group.throughput(Throughput::Elements(OPS as u64));
        group.bench_function(format!("crate/{label}"), |b| {
            b.iter_batched(
                fresh_crate,
                |mut sets| {
                    for op in &ops {
                        match op {
                            Op::Poll(id) => {
                                black_box(sets.poll(id.as_str()).is_ok());
                            }
                            Op::AddTask(id) => {
                                black_box(common::add_task(&sets, id).set_id().is_some());
                            }
                            Op::Update(update) => {
                                let _ = black_box(sets.apply(update, NOW_MS, Limits::NONE));
                            }
                        }
                    }
                    sets
                },
                batch(fixture.size),
            );
        });
        group.bench_function(format!("baseline/{label}"), |b| {
            b.iter_batched(
                fresh_baseline,
                |mut base| {
                    for op in &ops {
                        match op {
                            Op::Poll(id) => {
                                black_box(base.poll(id.as_str()).is_ok());
                            }
                            Op::AddTask(id) => {
                                black_box(base.add_task(Some(id.as_str())));
                            }
                            Op::Update(update) => {
                                let _ = black_box(base.apply(update, NOW_MS, Limits::NONE));
                            }
                        }
                    }
                    base
                },
                batch(fixture.size),
            );
        });
        group.finish();
    }
}

// A plain `main` rather than `criterion_group!`, whose generated function has no doc comment
// (the crate denies `missing_docs` in every target).
fn main() {
    let mut c = common::criterion();
    mix(&mut c);
    c.final_summary();
}
