//! Fuzz target `ops`: see `test-support/src/ops.rs` for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| version_sets_test_support::ops::run(data));
