#![no_main]
//! Fuzz target `sim_spec`: see `netlab_tests::fuzz::run` for what it feeds.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| netlab_tests::fuzz::run("sim_spec", data));
