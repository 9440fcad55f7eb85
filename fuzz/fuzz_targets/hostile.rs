//! Fuzz target `hostile`: see `test-support/src/hostile.rs` for what it checks. Run it
//! built without debug assertions (`cargo fuzz run -O`), or the library's invariant check
//! after every mutation makes long traces quadratic and a timeout means nothing.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| version_sets_test_support::hostile::run(data));
