//! Convergence simulation: three to five replicas of one task queue, each with its own
//! cluster ID and wall clock (which jumps backwards too), apply random updates, removals
//! and clears, and send their states to random subsets of the others over a network that
//! delivers in random order, late (stale states), and more than once. When the operations
//! stop, everything still in flight is delivered; then every replica receives every
//! other's latest state, in random order and some twice. All replicas must then hold the
//! same data and clock: the join of their final states.
//!
//! `CONVERGENCE_SEEDS=N` runs N seeds (default 2,000, a few seconds); `CONVERGENCE_SEED=S`
//! runs seed S alone. A failure names its seed.

use std::collections::BTreeSet;

use version_sets::VersionSets;
use version_sets_test_support::merge::{Op, apply};

const DEFAULT_SEEDS: u64 = 2_000;

/// SplitMix64: a tiny, seedable generator, so a seed replays exactly.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn byte(&mut self) -> u8 {
        self.next() as u8
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

fn random_op(rng: &mut Rng) -> Op {
    let (x, y) = (rng.byte(), rng.byte());
    match rng.below(14) {
        0..=3 => Op::AddDefault(x),
        4..=6 => Op::AddCompatible(x, y, rng.chance(50)),
        7 => Op::PromoteSet(x),
        8 => Op::PromoteWithin(x),
        9 => Op::MergeSets(x, y),
        10 | 11 => Op::Remove(x),
        12 => Op::RemoveTwo(x, y),
        _ => Op::Clear,
    }
}

/// A state on its way to replica `to`.
struct Message {
    to: usize,
    state: VersionSets,
}

/// Runs one seed; panics (with the seed in the message) if the replicas do not converge.
#[track_caller]
fn simulate(seed: u64) {
    let mut rng = Rng(seed);
    let count = 3 + rng.below(3);
    let mut replicas: Vec<VersionSets> = (0..count)
        .map(|i| VersionSets::new().with_cluster_id(i as i64 + 1))
        .collect();
    let mut walls: Vec<i64> = (0..count)
        .map(|_| 1_000_000 + rng.below(5_000) as i64)
        .collect();
    let mut removed = BTreeSet::new();
    let mut in_flight: Vec<Message> = Vec::new();

    for _ in 0..20 + rng.below(40) {
        let r = rng.below(count);
        match rng.below(10) {
            // A local change, the wall clock moved first (backwards one time in four).
            0..=5 => {
                let step = rng.below(2_000) as i64;
                walls[r] += if rng.chance(25) { -step } else { step };
                apply(
                    &mut replicas[r],
                    random_op(&mut rng),
                    walls[r],
                    &mut removed,
                );
            }
            // Send the current state to a random subset of the others (maybe none).
            6 | 7 => {
                for to in (0..count).filter(|&to| to != r) {
                    if rng.chance(60) {
                        in_flight.push(Message {
                            to,
                            state: replicas[r].clone(),
                        });
                    }
                }
            }
            // Deliver some message, perhaps a stale one; now and then keep a copy to
            // deliver again later.
            _ => {
                if !in_flight.is_empty() {
                    let i = rng.below(in_flight.len());
                    let message = if rng.chance(20) {
                        Message {
                            to: in_flight[i].to,
                            state: in_flight[i].state.clone(),
                        }
                    } else {
                        in_flight.swap_remove(i)
                    };
                    deliver(&mut replicas, &message, seed);
                }
            }
        }
    }

    // The operations stop; whatever is in flight arrives, in random order.
    while !in_flight.is_empty() {
        let message = in_flight.swap_remove(rng.below(in_flight.len()));
        deliver(&mut replicas, &message, seed);
    }
    // Every replica receives every other's latest state, in random order, some twice.
    let finals = replicas.clone();
    let mut exchange: Vec<Message> = Vec::new();
    for (from, state) in finals.iter().enumerate() {
        for to in (0..count).filter(|&to| to != from) {
            let copies = if rng.chance(20) { 2 } else { 1 };
            for _ in 0..copies {
                exchange.push(Message {
                    to,
                    state: state.clone(),
                });
            }
        }
    }
    while !exchange.is_empty() {
        let message = exchange.swap_remove(rng.below(exchange.len()));
        deliver(&mut replicas, &message, seed);
    }

    let join = finals
        .iter()
        .fold(VersionSets::new(), |joined, state| joined.join(state));
    for (i, replica) in replicas.iter().enumerate() {
        assert_eq!(
            replica.to_data(),
            join.to_data(),
            "seed {seed}: replica {i} did not converge"
        );
        assert_eq!(
            replica.clock(),
            join.clock(),
            "seed {seed}: replica {i}'s clock"
        );
        assert_eq!(
            replica.cluster_id(),
            i as i64 + 1,
            "seed {seed}: replica {i}'s cluster"
        );
    }
}

#[track_caller]
fn deliver(replicas: &mut [VersionSets], message: &Message, seed: u64) {
    let merged = replicas[message.to].join(&message.state);
    if let Err(error) = merged.validate() {
        panic!("seed {seed}: an invalid merge: {error}");
    }
    replicas[message.to] = merged;
}

fn env(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|text| text.parse().ok())
}

#[test]
fn replicas_converge_after_exchanging_their_latest_states() {
    let seeds: Vec<u64> = match env("CONVERGENCE_SEED") {
        Some(seed) => vec![seed],
        None => (0..env("CONVERGENCE_SEEDS").unwrap_or(DEFAULT_SEEDS)).collect(),
    };
    for seed in &seeds {
        if std::panic::catch_unwind(|| simulate(*seed)).is_err() {
            panic!(
                "convergence failed for seed {seed}; rerun it alone with CONVERGENCE_SEED={seed}"
            );
        }
    }
    println!("{} seeds converged", seeds.len());
}
