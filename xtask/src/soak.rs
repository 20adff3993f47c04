//! `cargo xtask soak [MINUTES]`: the relay's reliability soak (default one
//! minute), by the `relay-soak` harness of the bench crate.
//!
//! Builds `netlab-relay` and `relay-soak` (debug, as the tests use them, so
//! debug assertions are on too) and runs the harness against the built
//! relay binary on loopback: sessions opening and closing, traffic to every
//! lab, random aborts; it fails unless no error but the injected aborts
//! happened, no byte was corrupted, and the relay's open fds and memory came
//! back to their baseline (see bench/src/soak.rs for the tolerances).

use std::process::Command;

use crate::util::{self, Result};

pub fn run(args: &[String]) -> Result {
    let minutes: f64 = match args.first() {
        Some(m) => m
            .parse()
            .ok()
            .filter(|m: &f64| m.is_finite() && *m > 0.0 && *m <= 24.0 * 60.0)
            .ok_or_else(|| format!("'{m}' is not a number of minutes (0 < MINUTES ≤ 1440)"))?,
        None => 1.0,
    };
    util::run(util::cargo().args([
        "build",
        "--package",
        "netlab-relay",
        "--package",
        "netlab-bench",
        "--bin",
        "netlab-relay",
        "--bin",
        "relay-soak",
    ]))?;
    let debug = util::target_dir()?.join("debug");
    util::run(
        Command::new(debug.join("relay-soak"))
            .arg("--relay")
            .arg(debug.join("netlab-relay"))
            .args(["--minutes", &minutes.to_string()]),
    )
}
