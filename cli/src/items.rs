//! The list convention of docs/cli.md shared by `summarize` and `classify`:
//! the items are the arguments, or, with none, one per line of standard
//! input, read as they come so that a pipe of any length runs in constant
//! memory. A bad item gets its own error line and the rest go on; the exit
//! code is 2 at the end if any was bad.

use std::io::{self, Read, Write};
use std::process::ExitCode;

use crate::output::{EXIT_BAD_INPUT, Output, written};

/// What a handler says about one item.
pub type ItemResult = io::Result<Result<(), String>>;

/// How much standard input is asked for at once.
const CHUNK: usize = 64 * 1024;

/// The longest input line read as an item (an IPv6 network is at most 43
/// characters): a longer one gets an error line, and its bytes are
/// dropped as they come, so memory stays the same whatever the input.
const MAX_LINE: usize = 64 * 1024;

/// Feeds each item to `handle`: the arguments, or the lines of standard
/// input when there are none, one answer or error line per line. An `Err(message)` from `handle` is
/// reported (`netlab: error: …` on stderr, `{"error": …}` on stdout with
/// `--json`; stdin items are prefixed with their line number) and the next
/// item follows. An output error stops the work: a closed pipe quietly, any
/// other (a full disk) with an error and exit code 2 ([`written`]).
pub fn for_each(
    args: &[String],
    out: &Output,
    mut handle: impl FnMut(&str) -> ItemResult,
) -> ExitCode {
    for_each_writing(args, out, &mut io::sink(), |item, _| handle(item))
}

/// [`for_each`] for handlers that answer each item by writing to `w`
/// (standard output, locked and buffered, for `classify`): `w` is flushed
/// before an error is reported, so answers and errors keep their order,
/// before every read of standard input that could wait, so each answer
/// leaves as soon as its line has come in, and at the end.
pub fn for_each_writing<W: Write>(
    args: &[String],
    out: &Output,
    w: &mut W,
    mut handle: impl FnMut(&str, &mut W) -> ItemResult,
) -> ExitCode {
    let mut bad = false;
    let mut report = |w: &mut W, message: String| -> io::Result<()> {
        bad = true;
        w.flush()?;
        // The code this returns is the one given at the end instead.
        let _ = out.error(&message);
        Ok(())
    };
    // The output error that stopped the work, if one did.
    let mut failed: io::Result<()> = Ok(());
    if !args.is_empty() {
        for arg in args {
            let done = match handle(arg, w) {
                Ok(Ok(())) => Ok(()),
                Ok(Err(message)) => report(w, message),
                Err(e) => Err(e),
            };
            if done.is_err() {
                failed = done;
                break;
            }
        }
    } else {
        let mut input = io::stdin().lock();
        // Whole lines are answered from `buf`; a line cut by the end of a
        // read waits at its start for the rest, up to MAX_LINE bytes.
        let mut buf: Vec<u8> = Vec::with_capacity(CHUNK + MAX_LINE);
        // How much of `buf` is known to hold no newline: each byte is
        // looked at once, however long its line.
        let mut scanned = 0;
        // Inside a line already reported as too long: its bytes are dropped.
        let mut skipping = false;
        let mut number = 0u64;
        // One input line, or `None` for one longer than MAX_LINE.
        let mut line = |w: &mut W, bytes: Option<&[u8]>| -> io::Result<()> {
            number += 1;
            let Some(bytes) = bytes else {
                let message = format!("line {number} is longer than {MAX_LINE} bytes");
                return report(w, message);
            };
            // Invalid UTF-8 turns into U+FFFD, which no parser accepts, so
            // such a line is reported like any other bad line; a blank one
            // is an empty item, and gets its error line too.
            let text = String::from_utf8_lossy(bytes);
            // A file saved by Windows Notepad starts with a byte order mark.
            let text = if number == 1 {
                text.trim_start_matches('\u{feff}')
            } else {
                &text
            };
            match handle(text.trim(), w)? {
                Ok(()) => Ok(()),
                Err(message) => report(w, format!("line {number}: {message}")),
            }
        };
        'read: loop {
            let mut start = 0;
            while let Some(len) = buf
                .get(scanned..)
                .and_then(|rest| rest.iter().position(|&b| b == b'\n'))
            {
                let end = scanned + len;
                let whole = buf.get(start..end).unwrap_or_default();
                let answered = if skipping {
                    skipping = false;
                    Ok(())
                } else {
                    line(w, Some(whole))
                };
                if answered.is_err() {
                    failed = answered;
                    break 'read;
                }
                start = end + 1;
                scanned = start;
            }
            buf.drain(..start);
            if !skipping && buf.len() > MAX_LINE {
                failed = line(w, None);
                if failed.is_err() {
                    break;
                }
                skipping = true;
            }
            if skipping {
                buf.clear();
            }
            scanned = buf.len();
            // Standard input may keep us waiting: send what is answered.
            failed = w.flush();
            if failed.is_err() {
                break;
            }
            let filled = buf.len();
            buf.resize(filled + CHUNK, 0);
            let read = input.read(buf.get_mut(filled..).unwrap_or_default());
            buf.truncate(filled + *read.as_ref().unwrap_or(&0));
            match read {
                Ok(0) => {
                    // The last line may have no newline.
                    if !buf.is_empty() && !skipping {
                        failed = line(w, Some(&buf));
                    }
                    break;
                }
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    let _ = report(w, format!("could not read standard input: {e}"));
                    break;
                }
            }
        }
    }
    let code = if bad {
        ExitCode::from(EXIT_BAD_INPUT)
    } else {
        ExitCode::SUCCESS
    };
    written(failed.and_then(|()| w.flush()), code)
}
