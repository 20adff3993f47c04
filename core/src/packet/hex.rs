//! Hex as a learner pastes it: from Wireshark ("Copy as Hex Stream", "…as
//! Hex Dump"), tshark `-x`, xxd-like dumps, Python (`\x45\x00`) or by
//! hand (`45 00`, `45:00`, `0x45 0x00`).

use thiserror::Error;

/// Why text is not hex bytes.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum HexError {
    #[error("'{ch}' at position {position} is not a hex digit")]
    BadDigit { ch: char, position: usize },
    /// `token` is the run of digits, its middle cut (`…`) when it is long:
    /// a whole pasted frame need not come back in the message.
    #[error("'{token}' has an odd number of hex digits; each byte is two")]
    OddDigits { token: String },
    /// A backslash in a Python bytes literal that Python would refuse too
    /// (`\q`, `\x4`, `\400`).
    #[error("'{escape}' at position {position} is not an escape of a Python bytes literal")]
    BadEscape { escape: String, position: usize },
    /// A character a bytes literal cannot hold as it is (Python: "bytes can
    /// only contain ASCII literal characters").
    #[error(
        "'{ch}' at position {position} is not ASCII; a bytes literal holds ASCII and escapes such as \\xe9"
    )]
    NotAscii { ch: char, position: usize },
    /// The literal's own quote inside it, unescaped: Python would end the
    /// literal there.
    #[error("the quote at position {position} ends the bytes literal early; write it as \\{quote}")]
    EarlyQuote { quote: char, position: usize },
}

/// `text` whole if short, else its start and end around `…`.
fn excerpt(text: &str) -> String {
    let n = text.chars().count();
    if n <= 40 {
        return text.to_owned();
    }
    let head: String = text.chars().take(20).collect();
    let tail: String = text.chars().skip(n - 12).collect();
    format!("{head}…{tail}")
}

/// Reads hex bytes. Whitespace, `:`, `-`, `,` and `.` separate bytes; a
/// `0x` or `\x` prefix is allowed on any group; a group may hold many
/// bytes (`4500003c`), as Wireshark's hex stream does. A hex dump with
/// offsets and an ASCII column (Wireshark's "Copy as Hex Dump", tshark
/// `-x`) is recognised by its offsets and read without them.
///
/// # Examples
///
/// ```
/// use netlab_core::packet::hex::parse_hex;
///
/// assert_eq!(parse_hex("45 00:0x00\\x3c").unwrap(), [0x45, 0, 0, 0x3c]);
/// assert_eq!(parse_hex("4500003c").unwrap(), [0x45, 0, 0, 0x3c]);
/// let dump = "0000  02 00 00 00 00 02 02 00  00 00 00 01 08 00 45 00   ..............E.\n\
///             0010  00 2d                                             .-";
/// assert_eq!(parse_hex(dump).unwrap().len(), 18);
/// assert_eq!(parse_hex("4g").unwrap_err().to_string(), "'g' at position 1 is not a hex digit");
/// ```
pub fn parse_hex(text: &str) -> Result<Vec<u8>, HexError> {
    if let Some(bytes) = hex_dump(text) {
        return Ok(bytes);
    }
    let mut out = Vec::new();
    let separators = |c: char| c.is_whitespace() || matches!(c, ':' | '-' | ',' | '.');
    let mut position = 0;
    for token in text.split_inclusive(separators) {
        let start = position;
        position += token.chars().count();
        let token = token.trim_end_matches(separators);
        // A group may hold several 0x/\x-prefixed bytes (Python's b'\x45\x00').
        let mut digits = String::new();
        let mut offset = start;
        let mut rest = token;
        while !rest.is_empty() {
            let lower = rest.get(..2).map(str::to_ascii_lowercase);
            if matches!(lower.as_deref(), Some("0x" | "\\x")) {
                rest = &rest[2..];
                offset += 2;
                continue;
            }
            let Some(ch) = rest.chars().next() else { break };
            if !ch.is_ascii_hexdigit() {
                return Err(HexError::BadDigit {
                    ch,
                    position: offset,
                });
            }
            digits.push(ch);
            rest = &rest[ch.len_utf8()..];
            offset += 1;
        }
        if digits.len() % 2 == 1 {
            return Err(HexError::OddDigits {
                token: excerpt(token),
            });
        }
        for pair in digits.as_bytes().chunks(2) {
            let s = std::str::from_utf8(pair).unwrap_or("00");
            out.push(u8::from_str_radix(s, 16).unwrap_or(0));
        }
    }
    Ok(out)
}

/// Bytes as a learner pastes them: the hex of [`parse_hex`], or a Python
/// bytes literal as `print(struct.pack(...))` or `recv()` shows it
/// (`b'\x05\x00\x00\x00'`, `b'E\x00\x00<'`, `b"it's"`; `B` and the raw
/// `rb` prefixes too). Escapes are Python's: `\\ \' \" \a \b \f \n \r \t
/// \v`, `\xhh`, one to three octal digits up to `\377`, and a backslash
/// before a line break; any other, which Python only warns about, is refused.
///
/// # Examples
///
/// ```
/// use netlab_core::packet::hex::parse_bytes;
///
/// assert_eq!(parse_bytes("b'E\\x00\\x00<'").unwrap(), [0x45, 0, 0, 0x3c]);
/// assert_eq!(parse_bytes("45 00 00 3c").unwrap(), [0x45, 0, 0, 0x3c]);
/// assert_eq!(parse_bytes(r#"b"it's\n""#).unwrap(), b"it's\n");
/// assert_eq!(
///     parse_bytes("b'caf\u{e9}'").unwrap_err().to_string(),
///     "'\u{e9}' at position 5 is not ASCII; a bytes literal holds ASCII and escapes such as \\xe9"
/// );
/// ```
pub fn parse_bytes(text: &str) -> Result<Vec<u8>, HexError> {
    let trimmed = text.trim();
    // Positions count characters, as parse_hex's do.
    let start = text.chars().take_while(|c| c.is_whitespace()).count();
    let prefix_len = trimmed
        .bytes()
        .take_while(|b| matches!(b, b'b' | b'B' | b'r' | b'R'))
        .count();
    let prefix = trimmed
        .get(..prefix_len)
        .unwrap_or_default()
        .to_ascii_lowercase();
    let body = trimmed.get(prefix_len..).unwrap_or_default();
    let quote = body.chars().next().filter(|q| matches!(q, '\'' | '"'));
    match (prefix.as_str(), quote) {
        ("b" | "rb" | "br", Some(q)) if body.len() >= 2 && body.ends_with(q) => {
            let inner = body.get(1..body.len() - 1).unwrap_or_default();
            unescape(inner, q, prefix != "b", start + prefix_len + 1)
        }
        _ => parse_hex(text),
    }
}

/// The bytes of a literal's inside; `at` is where it starts in the text.
fn unescape(inner: &str, quote: char, raw: bool, at: usize) -> Result<Vec<u8>, HexError> {
    let mut out = Vec::with_capacity(inner.len());
    let mut chars = inner.chars().enumerate().peekable();
    while let Some((i, ch)) = chars.next() {
        let position = at + i;
        if !ch.is_ascii() {
            return Err(HexError::NotAscii { ch, position });
        }
        if ch == quote {
            return Err(HexError::EarlyQuote { quote, position });
        }
        if ch != '\\' {
            out.push(ch as u8);
            continue;
        }
        let Some(&(_, next)) = chars.peek() else {
            return Err(HexError::BadEscape {
                escape: "\\".to_owned(),
                position,
            });
        };
        if raw {
            // A raw literal keeps the backslash; it only protects a quote.
            out.push(b'\\');
            if next == quote || next == '\\' {
                out.push(next as u8);
                chars.next();
            }
            continue;
        }
        chars.next();
        let bad = |escape: String| HexError::BadEscape { escape, position };
        match next {
            '\\' | '\'' | '"' => out.push(next as u8),
            'a' => out.push(7),
            'b' => out.push(8),
            'f' => out.push(12),
            'n' => out.push(b'\n'),
            'r' => out.push(b'\r'),
            't' => out.push(b'\t'),
            'v' => out.push(11),
            // A line continuation: nothing.
            '\n' => {}
            'x' => {
                let hi = chars.next().map(|(_, c)| c);
                let lo = chars.next().map(|(_, c)| c);
                let digits: String = [hi, lo].into_iter().flatten().collect();
                match (
                    hi.and_then(|c| c.to_digit(16)),
                    lo.and_then(|c| c.to_digit(16)),
                ) {
                    (Some(h), Some(l)) => out.push((h * 16 + l) as u8),
                    _ => return Err(bad(format!("\\x{digits}"))),
                }
            }
            '0'..='7' => {
                let mut value = next.to_digit(8).unwrap_or(0);
                let mut escape = format!("\\{next}");
                for _ in 0..2 {
                    match chars
                        .peek()
                        .and_then(|&(_, c)| c.to_digit(8).map(|d| (c, d)))
                    {
                        Some((c, d)) => {
                            value = value * 8 + d;
                            escape.push(c);
                            chars.next();
                        }
                        None => break,
                    }
                }
                match u8::try_from(value) {
                    Ok(b) => out.push(b),
                    Err(_) => return Err(bad(escape)),
                }
            }
            other => return Err(bad(format!("\\{other}"))),
        }
    }
    Ok(out)
}

/// A hex dump: every non-empty line starts with an offset equal to the
/// bytes read so far, then byte pairs, then (after a wider gap) an ASCII
/// column that is ignored. `None` if the text is not one.
fn hex_dump(text: &str) -> Option<Vec<u8>> {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    if lines.is_empty() {
        return None;
    }
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let line = line.trim_start();
        let (offset, rest) = line.split_once(char::is_whitespace)?;
        let offset = offset.trim_end_matches(':');
        if !(4..=8).contains(&offset.len()) || usize::from_str_radix(offset, 16).ok()? != out.len()
        {
            return None;
        }
        // Bytes on this line: up to the next line's offset, or up to the
        // ASCII column (a gap of 3 or more spaces) on the last line.
        let limit = match lines.get(i + 1) {
            Some(next) => {
                let next_offset = next.split_whitespace().next()?.trim_end_matches(':');
                usize::from_str_radix(next_offset, 16)
                    .ok()?
                    .checked_sub(out.len())?
            }
            None => usize::MAX,
        };
        let hex_part = if limit == usize::MAX {
            rest.trim_start().split("   ").next().unwrap_or("")
        } else {
            rest
        };
        let mut taken = 0;
        for token in hex_part.split_whitespace() {
            if taken == limit {
                break;
            }
            if token.len() != 2 {
                // Past the bytes: only the ASCII column may follow, and
                // only where the next line's offset says the bytes end.
                if limit == usize::MAX {
                    return None;
                }
                break;
            }
            out.push(u8::from_str_radix(token, 16).ok()?);
            taken += 1;
        }
        if taken == 0 || (limit != usize::MAX && taken != limit) {
            return None;
        }
    }
    Some(out)
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn bytes_literals_with_every_escape_and_prefix() {
        assert_eq!(
            parse_bytes(r#"b'\\\'\"\a\b\f\n\r\t\v'"#).unwrap(),
            b"\\'\"\x07\x08\x0c\n\r\t\x0b"
        );
        assert_eq!(parse_bytes(r"b'\0\08\101\377'").unwrap(), b"\0\x008A\xff");
        assert_eq!(
            parse_bytes("b'a\\\nb'").unwrap(),
            b"ab",
            "a line continuation"
        );
        assert_eq!(parse_bytes(r"B'\x41'").unwrap(), b"A");
        assert_eq!(parse_bytes(r"rb'\x41\''").unwrap(), b"\\x41\\'");
        assert_eq!(parse_bytes(r#"  b"" "#).unwrap(), b"");
        // Not a literal: read as hex ('b' is a hex digit).
        assert_eq!(parse_bytes("bb").unwrap(), [0xbb]);
        let err = |t: &str| parse_bytes(t).unwrap_err().to_string();
        assert_eq!(
            err(r"b'ab\qc'"),
            r"'\q' at position 4 is not an escape of a Python bytes literal"
        );
        assert_eq!(
            err(r"b'\400'"),
            r"'\400' at position 2 is not an escape of a Python bytes literal"
        );
        assert_eq!(
            err(r"b'\x4'"),
            r"'\x4' at position 2 is not an escape of a Python bytes literal"
        );
        assert_eq!(
            err(r"b'\'"),
            r"'\' at position 2 is not an escape of a Python bytes literal"
        );
        assert_eq!(
            err("b'it's'"),
            r"the quote at position 4 ends the bytes literal early; write it as \'"
        );
    }

    #[test]
    fn spellings() {
        assert_eq!(parse_hex("").unwrap(), Vec::<u8>::new());
        assert_eq!(parse_hex("  ").unwrap(), Vec::<u8>::new());
        assert_eq!(parse_hex("0X45,0x00").unwrap(), [0x45, 0]);
        assert_eq!(
            parse_hex("hi").unwrap_err().to_string(),
            "'h' at position 0 is not a hex digit"
        );
        assert_eq!(parse_hex(r"\x45\x00\x3C").unwrap(), [0x45, 0, 0x3c]);
        assert_eq!(parse_hex("02-00-5e").unwrap(), [2, 0, 0x5e]);
        assert_eq!(
            parse_hex("450 0").unwrap_err(),
            HexError::OddDigits {
                token: "450".to_owned()
            }
        );
        // A long run is cut in its middle, not echoed whole.
        let long = format!("{}0", "ab".repeat(500));
        assert_eq!(
            parse_hex(&long).unwrap_err().to_string(),
            "'abababababababababab…bababababab0' has an odd number of hex digits; each byte is two"
        );
        assert_eq!(
            parse_hex("45 zz").unwrap_err(),
            HexError::BadDigit {
                ch: 'z',
                position: 3
            }
        );
    }

    #[test]
    fn dumps() {
        let tshark = "0000  ff ff ff ff ff ff 02 00 00 00 00 01 08 06 00 01   ................\n\
                      0010  08 00 06 04 00 01                                 ......\n";
        assert_eq!(parse_hex(tshark).unwrap().len(), 22);
        // The ASCII column may look like hex ("ab"): the offsets decide.
        let tricky = "0000  61 62 20 63 61 62 20 63 61 62 20 63 61 62 20 63   ab cab cab cab c\n\
                      0010  61 62                                             ab";
        assert_eq!(parse_hex(tricky).unwrap(), b"ab cab cab cab cab");
        // A plain line that starts like an offset is plain hex.
        assert_eq!(parse_hex("0000 0001").unwrap(), [0, 0, 0, 1]);
    }
}
