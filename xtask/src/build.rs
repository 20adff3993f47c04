//! `cargo xtask build`: the WASM module and its JS glue in `web/pkg/`.
//!
//! wasm-bindgen runs in-process through `wasm-bindgen-cli-support`, pinned
//! to the same version as the `wasm-bindgen` crate in Cargo.lock (the two
//! must match exactly). `wasm-opt` comes from the npm package `binaryen`,
//! pinned in package-lock.json: Debian's binaryen 108 corrupts modules that
//! use reference types.

use std::path::Path;
use std::process::Command;

use wasm_bindgen_cli_support::Bindgen;

use crate::util::{self, Result};

const TARGET: &str = "wasm32-unknown-unknown";

/// The whole module (`web/pkg/`, every function of docs/js-api.md), then
/// the calculators alone (`web/pkg/calc/`, `--no-default-features`): the
/// page starts on the second, half the size, and loads the first after its
/// first result (or at once, when a link opens a packet, simulation or
/// socket tool).
pub fn run() -> Result {
    let pkg = util::root().join("web/pkg");
    module(&[], &pkg)?;
    module(&["--no-default-features"], &pkg.join("calc"))
}

/// Builds the module with `cargo_args` added to its `cargo build` (e.g.
/// `--no-default-features`) into `out`: wasm-bindgen, then wasm-opt.
pub fn module(cargo_args: &[&str], out: &Path) -> Result {
    ensure_wasm_target()?;
    util::run(
        util::cargo()
            .args([
                "build",
                "--package",
                "netlab-wasm",
                "--target",
                TARGET,
                "--profile",
                "wasm",
            ])
            .args(cargo_args),
    )?;
    let input = util::target_dir()?
        .join(TARGET)
        .join("wasm/netlab_wasm.wasm");
    eprintln!(
        "xtask: wasm-bindgen {} -> {}",
        input.display(),
        out.display()
    );
    Bindgen::new()
        .input_path(&input)
        .web(true)
        .map_err(|e| format!("wasm-bindgen: {e}"))?
        .typescript(true)
        // Argument checks in the glue: a number where a string belongs is
        // a thrown `Error` ("expected a string argument, found number"),
        // not a string of garbage passed into the module's memory (which
        // traps, and after a few hundred such calls crashes the page).
        // Only the JS changes; the module is the same.
        .debug(true)
        // The CLI keeps `new URL('…_bg.wasm', import.meta.url)` as init()'s
        // default; the library drops it unless told, and `await init()` fails.
        .omit_default_module_path(false)
        .out_name("netlab_wasm")
        .generate(out)
        .map_err(|e| format!("wasm-bindgen: {e}"))?;
    util::npm_ci()?;
    let wasm = out.join("netlab_wasm_bg.wasm");
    let before = size(&wasm);
    util::run(
        Command::new(util::root().join("node_modules/.bin/wasm-opt")).args([
            "-Os".as_ref(),
            wasm.as_os_str(),
            "-o".as_ref(),
            wasm.as_os_str(),
        ]),
    )?;
    eprintln!("xtask: wasm-opt -Os: {before} -> {} bytes", size(&wasm));
    Ok(())
}

fn size(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

/// Adds the wasm32 target with rustup when it is missing (rustup does not
/// install targets by itself here).
pub fn ensure_wasm_target() -> Result {
    let installed = util::output(Command::new("rustup").args(["target", "list", "--installed"]))?;
    if installed.lines().any(|l| l.trim() == TARGET) {
        return Ok(());
    }
    util::run(Command::new("rustup").args(["target", "add", TARGET]))
}
