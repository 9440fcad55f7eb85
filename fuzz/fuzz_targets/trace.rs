//! Fuzz target `trace`: see `test-support/src/trace.rs` for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| version_sets_test_support::trace::run(data));
