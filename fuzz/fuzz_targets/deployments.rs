//! Fuzz target `deployments`: see `test-support/src/deployments.rs` for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| version_sets_test_support::deployments::run(data));
