#![no_main]
//! Fuzz target `address_text`: see `netlab_tests::fuzz::run` for what it feeds.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| netlab_tests::fuzz::run("address_text", data));
