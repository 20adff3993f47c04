//! `cargo xtask serve`: build, then run the relay serving the playground.

use crate::build;
use crate::util::{self, Result};

/// `extra` goes to the relay (`cargo xtask serve --listen 127.0.0.1:9000`);
/// a leading `--` is dropped.
pub fn run(extra: &[String]) -> Result {
    let extra = match extra.split_first() {
        Some((first, rest)) if first == "--" => rest,
        _ => extra,
    };
    build::run()?;
    let web = util::root().join("web");
    // The relay prints the URL (with its token) once it listens.
    let mut cmd = util::cargo();
    cmd.args([
        "run",
        "--release",
        "--package",
        "netlab-relay",
        "--",
        "--web-root",
    ])
    .arg(&web)
    .args(extra);
    util::run(&mut cmd)
}
