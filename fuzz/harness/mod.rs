//! The bodies of the fuzz targets, as plain functions over bytes.
//!
//! This folder has no crate root of its own: the fuzz targets (`fuzz/fuzz_targets/*.rs`) and
//! the crate's tests include it by path. So a normal `#[test]` (`tests/fuzz_corpus.rs`)
//! replays the committed seed corpus and every crash fixture on the stable toolchain, and the
//! stateful property test (`tests/state_machine.rs`) drives the very checker that the `ops`
//! target drives. A failed check panics: that is how a libFuzzer target reports a finding
//! and how a `#[test]` fails.
//!
//! Modules behind a feature (`json` needs `serde`, `trace` needs `trace`) are compiled where
//! the including crate has that feature: the crate's own features in its tests, the fuzz
//! crate's (which enable the crate's) in the targets.
// Each crate that includes the harness uses a part of it, and its items are `pub` for the
// including crate, not for a public API. It is test code: a failed check panics, and an
// index out of range is a bug in the harness that should panic too.
#![allow(dead_code, missing_docs, unreachable_pub)]
#![allow(
    clippy::panic,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used
)]

#[path = "../../tests/model/mod.rs"]
pub mod model;

#[cfg(feature = "serde")]
pub mod json;
pub mod merge;
pub mod ops;
#[cfg(feature = "trace")]
pub mod trace;
pub mod world;
