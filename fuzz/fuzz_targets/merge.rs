//! Fuzz target `merge`: see `test-support/src/merge.rs` for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| version_sets_test_support::merge::run(data));
