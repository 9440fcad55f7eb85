//! Heap bytes per build ID of a loaded value, the crate beside the baseline, at every size and
//! shape (the README's performance target: at most 80 bytes per build ID plus the ID's own bytes, at 100,000 build IDs
//! in sets of 10).
//!
//! `cargo bench --bench memory`
//!
//! A separate binary because it replaces the global allocator with a counting one (`cap`),
//! which the timing benches must not pay for. The figure is what the value keeps on the heap
//! once built (bytes requested from the allocator, without the allocator's own overhead): the
//! allocated total after loading minus before, with every temporary of the load freed. It
//! prints a table and writes the figures to `target/criterion/heap.json` for the
//! `bench-table` example.

mod baseline;
mod common;

use std::alloc::System;
use std::hint::black_box;
use std::path::PathBuf;

use cap::Cap;

use common::Fixture;

#[global_allocator]
static HEAP: Cap<System> = Cap::new(System, usize::MAX);

/// The bytes `make` leaves allocated on the heap while its result lives.
fn retained<T>(make: impl FnOnce() -> T) -> usize {
    let before = HEAP.allocated();
    let value = black_box(make());
    let bytes = HEAP.allocated().saturating_sub(before);
    drop(value);
    bytes
}

fn main() {
    let mut rows = Vec::new();
    println!("shape        size     ID bytes  crate B/ID  baseline B/ID");
    for fixture in Fixture::all() {
        let id_bytes: usize = fixture
            .sets
            .iter()
            .flatten()
            .map(|id| id.as_str().len())
            .sum();
        let ours = retained(|| fixture.state());
        let theirs = retained(|| fixture.baseline());
        let per_id = |bytes: usize| bytes as f64 / fixture.size as f64;
        println!(
            "{:<12} {:>7} {:>10.1} {:>11.1} {:>14.1}",
            fixture.shape.name(),
            fixture.size,
            id_bytes as f64 / fixture.size as f64,
            per_id(ours),
            per_id(theirs),
        );
        rows.push(serde_json::json!({
            "shape": fixture.shape.name(),
            "size": fixture.size,
            "id_bytes": id_bytes,
            "crate_bytes": ours,
            "baseline_bytes": theirs,
        }));
    }
    let json = serde_json::to_string_pretty(&rows).expect("plain numbers and strings serialise");
    // Cargo runs benches in the package's root, where criterion writes its results too.
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| PathBuf::from("target"), PathBuf::from)
        .join("criterion");
    std::fs::create_dir_all(&dir).expect("the criterion directory can be made");
    std::fs::write(dir.join("heap.json"), json).expect("heap.json can be written");
}
