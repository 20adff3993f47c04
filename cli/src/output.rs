//! Where results and errors go, in text or JSON, as docs/cli.md prescribes.

use std::fmt::Write as _;
use std::io::{self, Write};
use std::process::ExitCode;

use serde::Serialize;

use crate::style::Paint;

/// Exit code for bad input or usage (clap uses it too).
pub const EXIT_BAD_INPUT: u8 = 2;

/// The chosen output form.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    pub json: bool,
    /// The text output's colours (none for JSON, a pipe or `NO_COLOR`).
    pub paint: Paint,
}

impl Output {
    pub fn new(json: bool) -> Self {
        Self {
            json,
            paint: Paint::stdout(json),
        }
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
        let wrote =
            writeln!(stdout, "{}", text.trim_end_matches('\n')).and_then(|()| stdout.flush());
        written(wrote, ExitCode::SUCCESS)
    }

    /// Reports an error: `netlab: error: …` on stderr, and with `--json` also
    /// `{"error": …}` on stdout. Exit code 2.
    pub fn error(&self, message: &str) -> ExitCode {
        let message = printable(message);
        eprintln!("netlab: {} {message}", Paint::stderr().error("error:"));
        if self.json {
            let body = serde_json::json!({ "error": message });
            let _ = writeln!(io::stdout().lock(), "{body}");
        }
        ExitCode::from(EXIT_BAD_INPUT)
    }
}

/// `netlab: hint: …` on standard error: what to do about an error.
pub fn hint(text: &str) {
    eprintln!("netlab: {} {text}", Paint::stderr().hint("hint:"));
}

/// `netlab: note: …` on standard error: something to know about a result.
pub fn note(text: &str) {
    eprintln!("netlab: {} {text}", Paint::stderr().hint("note:"));
}

/// The exit code once the output is written, or could not be: a closed
/// pipe (`netlab … | head`) is the reader's choice and changes nothing,
/// while any other failure (a full disk, a lost mount) is reported and
/// exits 2, so a script never takes output it lost for success.
pub fn written(result: io::Result<()>, code: ExitCode) -> ExitCode {
    match result {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            let error = Paint::stderr().error("error:");
            eprintln!("netlab: {error} could not write the output: {e}");
            ExitCode::from(EXIT_BAD_INPUT)
        }
        _ => code,
    }
}

/// A message as a terminal may show it: control characters (an escape
/// sequence read from stdin would recolour the terminal) written as
/// Python writes them in a repr (`\x1b`), and a message over 400
/// characters (a pasted page echoed back) cut in its middle.
fn printable(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    for c in message.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{feff}' => out.push_str("\\ufeff"),
            c if c.is_control() => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    let n = out.chars().count();
    if n <= 400 {
        return out;
    }
    let head: String = out.chars().take(300).collect();
    let tail: String = out.chars().skip(n - 80).collect();
    format!("{head} … ({} characters left out) … {tail}", n - 380)
}

#[cfg(test)]
mod test {
    use super::printable;

    #[test]
    fn messages_are_printable_and_bounded() {
        assert_eq!(
            printable("'1.2.3.4\x1b[31mRED' is bad"),
            "'1.2.3.4\\x1b[31mRED' is bad"
        );
        assert_eq!(printable("\u{feff}1.2.3.4"), "\\ufeff1.2.3.4");
        let long = printable(&"a".repeat(100_000));
        assert!(
            long.len() < 500 && long.contains("(99620 characters left out)"),
            "{long}"
        );
        assert_eq!(printable("plain"), "plain");
    }
}
