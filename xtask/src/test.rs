//! `cargo xtask test`: every test the project has, in the order that fails
//! fastest: formatting, lints, Rust tests, then the built WASM module under
//! Node and the playground in headless Chromium.

use std::path::Path;
use std::process::Command;

use crate::build;
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
    )
}

/// Debian packages the tests drive, by the program each installs: Chromium
/// for the browser tests (Playwright's own browser download cannot work
/// here) and tshark, the packet oracle.
const DEBIAN_TOOLS: &[(&str, &str)] = &[
    ("/usr/bin/chromium", "chromium"),
    ("/usr/bin/tshark", "tshark"),
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
