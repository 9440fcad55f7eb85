//! Fuzz target `json`: see `test-support/src/json.rs` for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| version_sets_test_support::json::run(data));
