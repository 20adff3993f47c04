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
    // The binaries first: the cross-crate tests run them as processes.
    util::run(util::cargo().args([
        "build",
        "--package",
        "netlab-cli",
        "--package",
        "netlab-relay",
    ]))?;
    util::run(util::cargo().args(["test", "--workspace"]))?;
    build::run()?;
    ensure_chromium()?;
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

const CHROMIUM: &str = "/usr/bin/chromium";

/// The browser tests drive Debian's Chromium (Playwright's own browser
/// download cannot work here). Root installs it with apt-get; anyone else
/// is told how.
fn ensure_chromium() -> Result {
    if Path::new(CHROMIUM).exists() {
        return Ok(());
    }
    let uid = util::output(Command::new("id").arg("-u")).unwrap_or_default();
    if uid.trim() != "0" {
        return Err(format!(
            "{CHROMIUM} is missing and the browser tests need it: run `sudo apt-get install chromium` and try again"
        ));
    }
    util::run(Command::new("apt-get").args(["update", "-qq"]))?;
    util::run(
        Command::new("apt-get")
            .args([
                "install",
                "-y",
                "-qq",
                "--no-install-recommends",
                "chromium",
            ])
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )
}
