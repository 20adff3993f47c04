//! Replays every input the fuzzers ever crashed on (`fuzz/regressions/`),
//! and a handful of hostile inputs per target, through the same dispatch
//! the fuzz targets use: none may panic.

use std::path::PathBuf;

use netlab_tests::fuzz::{TARGETS, run};

#[test]
fn fuzz_regressions_do_not_panic() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fuzz/regressions");
    let mut replayed = 0;
    for target in TARGETS {
        let Ok(entries) = std::fs::read_dir(root.join(target)) else {
            continue;
        };
        for entry in entries.flatten() {
            let data = std::fs::read(entry.path()).unwrap();
            run(target, &data);
            replayed += 1;
        }
    }
    eprintln!("replayed {replayed} saved fuzz inputs");
}

#[test]
fn hostile_inputs_do_not_panic_any_target() {
    let long_digits = "9".repeat(10_000);
    let inputs: Vec<Vec<u8>> = vec![
        Vec::new(),
        vec![0xff; 64],
        vec![0; 64],
        b"99999999999999999999999999999999x".to_vec(),
        b"0x".to_vec(),
        b"::ffff:255.255.255.255/128".to_vec(),
        b"1.2.3.4/-0".to_vec(),
        long_digits.into_bytes(),
        "\u{0}1.2.3.4 \u{3000}".as_bytes().to_vec(),
        b"{\"op\":\"connect\",\"sock\":4294967296,\"host\":\"\",\"port\":-1}".to_vec(),
        vec![2, 0, 0, 0, 1, 6, 0, 0],
        b"@0p\xff\x00".to_vec(),
        b"9223372036854775807x\xff".to_vec(),
    ];
    for target in TARGETS {
        for input in &inputs {
            run(target, input);
        }
    }
}
