//! Loading stored JSON and checking a value, at every size and shape (feature `serde`).
//!
//! `cargo bench --bench load -- --quick`
//!
//! - `json-parse`: `serde_json` alone, the document into a `serde_json::Value`: the speed the
//!   load is compared with;
//! - `json-scan`: `serde_json` reading the document into `serde::de::IgnoredAny`, which
//!   keeps nothing: the parser's own speed on this document, the ceiling of any load;
//! - `json-load`: the document into a `VersionSets` (deserialised through `from_data`, so
//!   checked); the README's target: at least 300 MB/s at 100,000 build IDs;
//! - `validate`: `VersionSets::validate` on the loaded value; the README's target: no slower than the
//!   parse of its document.
//!
//! The first three report throughput in bytes of JSON.

mod baseline;
mod common;

use std::hint::black_box;

use criterion::{Criterion, Throughput};
use version_sets::VersionSets;

use common::Fixture;

fn load(c: &mut Criterion) {
    for fixture in Fixture::all() {
        let label = fixture.label();
        let json = serde_json::to_string(&fixture.data).expect("stored data serialises");
        let loaded: VersionSets = serde_json::from_str(&json).expect("fixture JSON loads");
        assert!(loaded.to_data() == fixture.data);
        assert!(loaded.validate().is_ok());

        let mut group = c.benchmark_group("json-parse");
        group.throughput(Throughput::Bytes(json.len() as u64));
        group.bench_function(format!("serde_json/{label}"), |b| {
            b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(&json)).is_ok());
        });
        group.finish();

        let mut group = c.benchmark_group("json-scan");
        group.throughput(Throughput::Bytes(json.len() as u64));
        group.bench_function(format!("serde_json/{label}"), |b| {
            b.iter(|| serde_json::from_str::<serde::de::IgnoredAny>(black_box(&json)).is_ok());
        });
        group.finish();

        let mut group = c.benchmark_group("json-load");
        group.throughput(Throughput::Bytes(json.len() as u64));
        group.bench_function(format!("crate/{label}"), |b| {
            b.iter(|| serde_json::from_str::<VersionSets>(black_box(&json)).is_ok());
        });
        group.finish();

        let mut group = c.benchmark_group("validate");
        group.bench_function(format!("crate/{label}"), |b| {
            b.iter(|| black_box(&loaded).validate().is_ok());
        });
        group.finish();
    }
}

// A plain `main` rather than `criterion_group!`, whose generated function has no doc comment
// (the crate denies `missing_docs` in every target).
fn main() {
    let mut c = common::criterion();
    load(&mut c);
    c.final_summary();
}
