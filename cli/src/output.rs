//! Where results and errors go, in text or JSON, as docs/cli.md prescribes.

use std::io::{self, Write};
use std::process::ExitCode;

use serde::Serialize;

/// Exit code for bad input or usage (clap uses it too).
pub const EXIT_BAD_INPUT: u8 = 2;

/// The chosen output form.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    pub json: bool,
}

impl Output {
    pub fn new(json: bool) -> Self {
        Self { json }
    }

    /// Prints a result: its JSON form with `--json`, else the text `render` makes.
    pub fn result<T: Serialize>(&self, value: &T, render: impl FnOnce(&T) -> String) -> ExitCode {
        let text = if self.json {
            match serde_json::to_string(value) {
                Ok(json) => json,
                Err(e) => return self.error(&format!("could not encode the result as JSON: {e}")),
            }
        } else {
            render(value)
        };
        let mut stdout = io::stdout().lock();
        // A closed pipe (`netlab … | head`) is not an error worth a message.
        let _ = writeln!(stdout, "{}", text.trim_end_matches('\n'));
        ExitCode::SUCCESS
    }

    /// Reports an error: `netlab: error: …` on stderr, and with `--json` also
    /// `{"error": …}` on stdout. Exit code 2.
    pub fn error(&self, message: &str) -> ExitCode {
        eprintln!("netlab: error: {message}");
        if self.json {
            let body = serde_json::json!({ "error": message });
            let _ = writeln!(io::stdout().lock(), "{body}");
        }
        ExitCode::from(EXIT_BAD_INPUT)
    }
}
