//! `cargo xtask fuzz [SECONDS]`: every fuzz target for SECONDS each
//! (default 60), with cargo-fuzz and libFuzzer.
//!
//! cargo-fuzz wants nightly for its sanitizer flags; the machine has one
//! stable toolchain, so the build runs with `RUSTC_BOOTSTRAP=1`. A crash is
//! copied to `fuzz/regressions/<target>/`, where the regression test
//! (`tests/tests/fuzz_regressions.rs`) replays it on every `cargo xtask test`:
//! commit it with the fix.

use std::path::Path;

use crate::util::{self, Result};

/// The targets, as `fuzz/Cargo.toml` lists them.
fn targets(fuzz: &Path) -> Result<Vec<String>> {
    let manifest = std::fs::read_to_string(fuzz.join("Cargo.toml"))
        .map_err(|e| format!("fuzz/Cargo.toml: {e}"))?;
    let mut names = Vec::new();
    let mut in_bin = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_bin = line == "[[bin]]";
        } else if in_bin && let Some(name) = line.strip_prefix("name = ") {
            names.push(name.trim_matches('"').to_owned());
        }
    }
    Ok(names)
}

fn ensure_cargo_fuzz() -> Result {
    let installed = util::cargo()
        .args(["fuzz", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if installed {
        return Ok(());
    }
    util::run(util::cargo().args(["install", "cargo-fuzz", "--locked"]))
}

pub fn run(args: &[String]) -> Result {
    let seconds: u64 = match args.first() {
        Some(s) => s
            .parse()
            .map_err(|_| format!("'{s}' is not a number of seconds"))?,
        None => 60,
    };
    ensure_cargo_fuzz()?;
    let root = util::root();
    let fuzz = root.join("fuzz");
    let target_dir = util::target_dir()?.join("fuzz");
    let mut crashed = Vec::new();
    for target in targets(&fuzz)? {
        let corpus = fuzz.join("corpus").join(&target);
        std::fs::create_dir_all(&corpus).map_err(|e| format!("{}: {e}", corpus.display()))?;
        let status = util::cargo()
            .current_dir(&fuzz)
            .env("RUSTC_BOOTSTRAP", "1")
            .env("CARGO_TARGET_DIR", &target_dir)
            .args(["fuzz", "run", &target])
            .arg(&corpus)
            .args([
                "--",
                &format!("-max_total_time={seconds}"),
                "-rss_limit_mb=2048",
                "-print_final_stats=1",
            ])
            .status()
            .map_err(|e| format!("cannot run cargo fuzz: {e}"))?;
        if !status.success() {
            keep_crashes(&fuzz, &target)?;
            crashed.push(target);
        }
    }
    if crashed.is_empty() {
        eprintln!("xtask: fuzz: no crash in any target ({seconds} s each)");
        Ok(())
    } else {
        Err(format!(
            "fuzz targets crashed: {}; the inputs are in fuzz/regressions/, commit them with the fix",
            crashed.join(", ")
        ))
    }
}

/// Copies libFuzzer's crash artifacts into the committed regressions folder.
fn keep_crashes(fuzz: &Path, target: &str) -> Result {
    let artifacts = fuzz.join("artifacts").join(target);
    let keep = fuzz.join("regressions").join(target);
    std::fs::create_dir_all(&keep).map_err(|e| format!("{}: {e}", keep.display()))?;
    let mut kept = 0;
    for entry in std::fs::read_dir(&artifacts)
        .into_iter()
        .flatten()
        .flatten()
    {
        let name = entry.file_name();
        let text = name.to_string_lossy();
        if ["crash-", "oom-", "timeout-", "leak-"]
            .iter()
            .any(|p| text.starts_with(p))
        {
            std::fs::copy(entry.path(), keep.join(&name))
                .map_err(|e| format!("{}: {e}", keep.display()))?;
            kept += 1;
        }
    }
    if kept == 0 {
        return Err(format!(
            "cargo fuzz failed for {target} without a crash input: see its output above (a build error?)"
        ));
    }
    Ok(())
}
