//! The replica merge at 1k, 10k and 100k build IDs per replica: it should grow as
//! O(n log n).
//!
//! Two diverged replicas of one queue: sets of ten build IDs, the same sets on both sides;
//! on the second cluster every other build ID was promoted later, every tenth removed,
//! and a tenth more build IDs were added in new sets.
//!
//! `cargo bench --bench merge -- --quick` (figures in the report that added it).

// `criterion_group!` makes a function it gives no doc comment.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use version_sets::{
    BuildId, BuildIdData, BuildIdState, Hlc, SetId, VersionSetData, VersionSets, VersioningData,
};

fn stamp(wall: i64, cluster_id: i64) -> Hlc {
    Hlc {
        wall_clock: wall,
        version: 0,
        cluster_id,
    }
}

fn record(id: &str, state: BuildIdState, sut: Hlc, bdt: Hlc) -> BuildIdData {
    BuildIdData {
        id: id.to_owned(),
        state: Some(state),
        state_update_timestamp: Some(sut),
        became_default_timestamp: Some(bdt),
    }
}

/// `n` build IDs in sets of ten; `diverged` gives the second cluster's copy.
fn replica(n: usize, diverged: bool) -> VersionSets {
    let cluster = if diverged { 2 } else { 1 };
    let mut sets = Vec::new();
    for s in 0..n / 10 {
        let first = format!("b{s}.0");
        let set_id = SetId::for_build_id(&BuildId::new(&first).unwrap());
        let build_ids = (0..10)
            .map(|m| {
                let id = format!("b{s}.{m}");
                let t = stamp((s * 10 + m) as i64, 1);
                match (diverged, m) {
                    (true, 0) => record(
                        &id,
                        BuildIdState::Deleted,
                        stamp(1_000_000 + s as i64, cluster),
                        t,
                    ),
                    _ => record(&id, BuildIdState::Active, t, t),
                }
            })
            .collect();
        sets.push(VersionSetData {
            set_ids: vec![set_id.as_str().to_owned()],
            build_ids,
            became_default_timestamp: Some(stamp((s * 10) as i64, 1)),
        });
    }
    if diverged {
        for s in 0..n / 100 {
            let id = format!("new{s}");
            let set_id = SetId::for_build_id(&BuildId::new(&id).unwrap());
            let t = stamp(2_000_000 + s as i64, cluster);
            sets.push(VersionSetData {
                set_ids: vec![set_id.as_str().to_owned()],
                build_ids: (0..10)
                    .map(|m| record(&format!("{id}.{m}"), BuildIdState::Active, t, t))
                    .collect(),
                became_default_timestamp: Some(t),
            });
        }
    }
    VersionSets::from_data(&VersioningData { version_sets: sets })
        .unwrap()
        .with_cluster_id(cluster)
}

fn merge(c: &mut Criterion) {
    let mut group = c.benchmark_group("merge");
    for n in [1_000, 10_000, 100_000] {
        let (a, b) = (replica(n, false), replica(n, true));
        group.bench_with_input(BenchmarkId::from_parameter(n), &(a, b), |bench, (a, b)| {
            bench.iter(|| black_box(a).join(black_box(b)));
        });
    }
    group.finish();
}

criterion_group!(benches, merge);
criterion_main!(benches);
