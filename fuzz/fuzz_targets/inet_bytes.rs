#![no_main]
//! Fuzz target `inet_bytes`: see `netlab_tests::fuzz::run` for what it feeds.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| netlab_tests::fuzz::run("inet_bytes", data));
