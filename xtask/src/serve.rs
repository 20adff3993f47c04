//! `cargo xtask serve`: build, then run the relay serving the playground.

use crate::build;
use crate::util::{self, Result};

pub fn run(extra: &[String]) -> Result {
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
