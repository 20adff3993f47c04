//! The list convention of docs/cli.md shared by `summarize` and `classify`:
//! the items are the arguments, or, with none, one per line of standard
//! input, read as they come so that a pipe of any length runs in constant
//! memory. A bad item gets its own error line and the rest go on; the exit
//! code is 2 at the end if any was bad.

use std::io::{self, BufRead};
use std::process::ExitCode;

use crate::output::{EXIT_BAD_INPUT, Output};

/// What a handler says about one item.
pub type ItemResult = io::Result<Result<(), String>>;

/// Feeds each item to `handle`: the arguments, or the non-blank lines of
/// standard input when there are none. An `Err(message)` from `handle` is
/// reported (`netlab: error: …` on stderr, `{"error": …}` on stdout with
/// `--json`; stdin items are prefixed with their line number) and the next
/// item follows. An I/O error, such as a closed pipe, stops quietly.
pub fn for_each(
    args: &[String],
    out: &Output,
    mut handle: impl FnMut(&str) -> ItemResult,
) -> ExitCode {
    let mut bad = false;
    let mut report = |message: String| {
        bad = true;
        // The code this returns is the one given at the end instead.
        let _ = out.error(&message);
    };
    if !args.is_empty() {
        for arg in args {
            match handle(arg) {
                Ok(Ok(())) => {}
                Ok(Err(message)) => report(message),
                Err(_) => break,
            }
        }
    } else {
        let mut input = io::stdin().lock();
        let mut buf = Vec::new();
        let mut number = 0u64;
        loop {
            buf.clear();
            match input.read_until(b'\n', &mut buf) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) => {
                    report(format!("could not read standard input: {e}"));
                    break;
                }
            }
            number += 1;
            // Invalid UTF-8 turns into U+FFFD, which no parser accepts, so
            // such a line is reported like any other bad line.
            let line = String::from_utf8_lossy(&buf);
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            match handle(line) {
                Ok(Ok(())) => {}
                Ok(Err(message)) => report(format!("line {number}: {message}")),
                Err(_) => break,
            }
        }
    }
    if bad {
        ExitCode::from(EXIT_BAD_INPUT)
    } else {
        ExitCode::SUCCESS
    }
}
