//! `cargo xtask test`: every test the project has, in the order that fails
//! fastest: formatting, lints, the API docs (`-D warnings`), Rust tests, then the built WASM module under
//! Node and the playground in headless Chromium, then a short fuzz pass
//! (`cargo xtask fuzz 20`: 20 s per target; `NETLAB_FUZZ_SECONDS` changes it)
//! and a one-minute relay soak (`cargo xtask soak 1`). `NETLAB_SKIP_FUZZ=1`
//! and `NETLAB_SKIP_SOAK=1` leave those two out for local iteration; CI
//! runs both.

use std::path::Path;
use std::process::Command;

use crate::build;
use crate::fuzz;
use crate::soak;
use crate::util::{self, Result};

pub fn run() -> Result {
    util::run(util::cargo().args(["fmt", "--all", "--check"]))?;
    util::run(util::cargo().args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    // The API docs: a broken or private intra-doc link fails here.
    util::run(
        util::cargo()
            .args(["doc", "--no-deps", "--workspace"])
            .env("RUSTDOCFLAGS", "-D warnings"),
    )?;
    build::ensure_wasm_target()?;
    util::run(util::cargo().args([
        "clippy",
        "--package",
        "netlab-wasm",
        "--target",
        "wasm32-unknown-unknown",
        "--",
        "-D",
        "warnings",
    ]))?;
    // Chromium and tshark before the tests that drive them.
    ensure_debian_tools()?;
    // The binaries first: the cross-crate tests run them as processes.
    util::run(util::cargo().args([
        "build",
        "--package",
        "netlab-cli",
        "--package",
        "netlab-relay",
    ]))?;
    // The WASM module before the tests: the relay serves it.
    build::run()?;
    util::run(util::cargo().args(["test", "--workspace"]))?;
    let bin = util::target_dir()?.join("debug");
    let root = util::root();
    util::run(
        Command::new("node")
            .args(["--test", "--test-concurrency=1"])
            .arg(root.join("tests/js"))
            .env("NETLAB_CLI", bin.join("netlab"))
            .env("NETLAB_RELAY", bin.join("netlab-relay"))
            .current_dir(&root),
    )?;
    // The reliability passes last, each skippable for local iteration;
    // CI (`.ci/run`) sets neither variable, so it runs both.
    if skipped("NETLAB_SKIP_FUZZ") {
        eprintln!("xtask: test: fuzz pass skipped (NETLAB_SKIP_FUZZ is set)");
    } else {
        let seconds = std::env::var("NETLAB_FUZZ_SECONDS").unwrap_or_else(|_| FUZZ_SECONDS.into());
        fuzz::run(&[seconds])?;
    }
    if skipped("NETLAB_SKIP_SOAK") {
        eprintln!("xtask: test: soak skipped (NETLAB_SKIP_SOAK is set)");
        Ok(())
    } else {
        soak::run(&["1".to_owned()])
    }
}

/// Seconds per fuzz target in the test's short pass.
const FUZZ_SECONDS: &str = "20";

/// Whether an opt-out variable is set to something other than 0 or empty.
fn skipped(var: &str) -> bool {
    std::env::var(var).is_ok_and(|v| !v.is_empty() && v != "0")
}

/// Debian packages the tests drive, by the program each installs: Chromium
/// for the browser tests (Playwright's own browser download cannot work
/// here), tshark, the packet oracle, and tcpdump, which captures real
/// loopback traffic for the follow test.
const DEBIAN_TOOLS: &[(&str, &str)] = &[
    ("/usr/bin/chromium", "chromium"),
    ("/usr/bin/tshark", "tshark"),
    ("/usr/bin/tcpdump", "tcpdump"),
];

/// Installs the missing ones with apt-get when run as root; anyone else is
/// told how.
pub fn ensure_debian_tools() -> Result {
    let missing: Vec<&str> = DEBIAN_TOOLS
        .iter()
        .filter(|(program, _)| !Path::new(program).exists())
        .map(|(_, package)| *package)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let uid = util::output(Command::new("id").arg("-u")).unwrap_or_default();
    if uid.trim() != "0" {
        return Err(format!(
            "the tests need {}: run `sudo apt-get install {}` and try again",
            missing.join(" and "),
            missing.join(" ")
        ));
    }
    util::run(Command::new("apt-get").args(["update", "-qq"]))?;
    util::run(
        Command::new("apt-get")
            .args(["install", "-y", "-qq", "--no-install-recommends"])
            .args(&missing)
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )
}
