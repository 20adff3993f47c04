//! `cargo xtask <task>`: netlab's build, serve and test, one module a task.
//!
//! Few dependencies on purpose: `wasm-bindgen-cli-support` (pinned to the
//! exact `wasm-bindgen` of Cargo.lock, so no separate CLI is installed) and
//! `serde_json` for `cargo metadata`. Everything else is `std::process`.

mod bench;
mod build;
mod fuzz;
mod measure;
mod serve;
mod soak;
mod test;
mod util;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  build    compile the WASM module and write web/pkg/ (wasm-bindgen, wasm-opt)
  serve    build, then run netlab-relay serving the playground on http://127.0.0.1:8080
  bench [PART]... [--quick]   every comparison with its peer, or the parts named
           (relay addressing struct framing packets cli wasm); writes BENCHMARKS.md
  test     every test: fmt, clippy, Rust unit/doc/integration, WASM under Node, browser
  fuzz [SECONDS]   every cargo-fuzz target for SECONDS each (default 60)
  soak [MINUTES]   the relay under sessions, every lab and random aborts (default 1 minute);
           fails on any error or corruption, or fds and memory not back to baseline
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("bench") => bench::run(&args[1..]),
        Some("build") => build::run(),
        Some("serve") => serve::run(&args[1..]),
        Some("test") => test::run(),
        Some("fuzz") => fuzz::run(&args[1..]),
        Some("soak") => soak::run(&args[1..]),
        Some("-h" | "--help" | "help") | None => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown task '{other}'\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: error: {message}");
            ExitCode::FAILURE
        }
    }
}
