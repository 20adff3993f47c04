//! Helpers shared by the test modules: the built binaries and the vectors.

use std::path::PathBuf;
use std::process::{Command, Output};

/// The folder holding the workspace's binaries (`target/debug`), found from
/// this test executable's own path (`target/debug/deps/tests-…`).
pub fn bin_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    exe.parent()
        .and_then(|deps| deps.parent())
        .expect("target/debug")
        .to_path_buf()
}

/// Runs the `netlab` binary. `cargo xtask test` builds it before the tests.
pub fn netlab(args: &[&str]) -> Output {
    let path = bin_dir().join("netlab");
    assert!(
        path.exists(),
        "{} is missing: run `cargo build -p netlab-cli` first (cargo xtask test does)",
        path.display()
    );
    Command::new(path).args(args).output().expect("run netlab")
}

/// Runs `netlab --json ARGS` and parses its standard output.
pub fn netlab_json(args: &[&str]) -> (i32, serde_json::Value) {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = netlab(&all);
    let text = String::from_utf8(out.stdout).expect("UTF-8 output");
    let json = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text:?}"));
    (out.status.code().unwrap_or(-1), json)
}

/// Reads a committed vector file from `tests/vectors/`.
pub fn vectors(name: &str) -> serde_json::Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("vectors")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("vector JSON")
}

/// Fails with the first disagreements (at most ten) of `total` cases.
pub fn assert_all_agree(what: &str, total: usize, failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{what}: {} of {total} disagree with CPython; first: {:#?}",
        failures.len(),
        &failures[..failures.len().min(10)]
    );
}
