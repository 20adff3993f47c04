#![no_main]
//! Fuzz target `dissect`: see `netlab_tests::fuzz::run` for what it feeds.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| netlab_tests::fuzz::run("dissect", data));
