//! What the tests and the fuzz targets of `version-sets` share.
//!
//! - [`model`]: a deliberately simple reference model of the semantics (docs/semantics.md),
//!   written from the rules and sharing no code with the crate;
//! - [`world`]: the step generator and the checker that runs a step on the crate and on the
//!   model and demands the same answers, used by the stateful property test
//!   (`test-support/tests/state_machine.rs`) and by the `ops` fuzz target;
//! - [`colliding`]: build IDs that one public hash (the crate's old one) hashes alike;
//! - [`plain_deployments`]: a plain model of one Worker Deployment, which the stateful test
//!   of `worker-deployments` and the benchmarks compare the crate with;
//! - the fuzz targets' bodies as plain functions over bytes ([`ops`], [`merge`], [`json`],
//!   [`trace`], [`hostile`], [`deployments`]), so that `test-support/tests/fuzz_corpus.rs` replays every committed seed and crash
//!   fixture on the stable toolchain.
//!
//! A failed check panics: that is how a libFuzzer target reports a finding and how a
//! `#[test]` fails. `json` needs the feature `serde`, `trace` and `hostile` the feature `trace`.

// Test code: a failed check panics, and an index out of range is a bug in the harness that
// should panic too. Its items are public for the tests and targets, not as an API.
#![allow(missing_docs)]
#![allow(
    clippy::panic,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used
)]

pub mod colliding;
pub mod deployments;
#[cfg(feature = "trace")]
pub mod hostile;
#[cfg(feature = "serde")]
pub mod json;
pub mod merge;
pub mod model;
pub mod ops;
pub mod plain_deployments;
#[cfg(feature = "trace")]
pub mod trace;
pub mod world;
