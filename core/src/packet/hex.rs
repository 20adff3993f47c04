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
    /// `b'…` with no closing quote (the end of a copied line lost).
    #[error("the bytes literal opened at position {position} has no closing {quote}")]
    Unterminated { quote: char, position: usize },
    /// `'abcd'`: a quoted text without Python's `b`, which is a `str`.
    #[error("'{text}' is quoted text without the b of a bytes literal; write b{text}")]
    NoPrefix { text: String },
    /// `-5`: a number with a sign, where bytes were wanted.
    #[error(
        "'{text}' is a number with a sign, not bytes in hex (to turn a number into bytes, pack it)"
    )]
    Signed { text: String },
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
        ("b" | "rb" | "br", Some(quote)) => Err(HexError::Unterminated {
            quote,
            position: start + prefix_len,
        }),
        ("", Some(q)) if body.len() >= 2 && body.ends_with(q) => Err(HexError::NoPrefix {
            text: excerpt(body),
        }),
        _ if is_signed_number(trimmed) => Err(HexError::Signed {
            text: excerpt(trimmed),
        }),
        _ => parse_hex(text),
    }
}

/// `-5` or `+1.5`: what a number looks like, sign first. (`-` also
/// separates hex bytes, `45-00`, but never leads them.)
fn is_signed_number(text: &str) -> bool {
    text.strip_prefix(['-', '+']).is_some_and(|rest| {
        rest.starts_with(|c: char| c.is_ascii_digit())
            && rest.chars().all(|c| c.is_ascii_digit() || c == '.')
    })
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
/// bytes read so far (`0010`, `00000010:` as xxd writes it, `0x0010:` as
/// `tcpdump -XX` does), then the bytes in groups of one or more pairs
/// (`02 00`, `0200 0000`), then an ASCII column that is ignored (after
/// `|` for `hexdump -C`). `None` if the text is not one.
///
/// A line's bytes end where the next line's offset says; the last line's
/// end where the first line's did, since dumps align their ASCII column
/// (a single line: at a gap of three spaces, or at the first group that
/// is not hex).
fn hex_dump(text: &str) -> Option<Vec<u8>> {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    if lines.is_empty() {
        return None;
    }
    let parsed: Vec<(usize, bool, usize)> = lines
        .iter()
        .map(|line| dump_offset(line))
        .collect::<Option<_>>()?;
    let mut out = Vec::new();
    // Where the first whole line's bytes ended: the last line's cannot go further.
    let mut hex_end: Option<usize> = None;
    for (i, (line, &(offset, colon, after))) in lines.iter().zip(&parsed).enumerate() {
        if offset != out.len() {
            return None;
        }
        let want = match parsed.get(i + 1) {
            Some(&(next, ..)) => Some(next.checked_sub(offset)?),
            None => None,
        };
        let rest = line.get(after..)?;
        let area = match (want, hex_end) {
            (None, Some(end)) => rest.get(..end.saturating_sub(after).min(rest.len()))?,
            // One line: xxd and tcpdump (a colon after the offset) put two
            // spaces before the ASCII column, Wireshark three.
            (None, None) => {
                let gap = if colon { "  " } else { "   " };
                rest.trim_start().split(gap).next().unwrap_or("")
            }
            _ => rest,
        };
        // A single line without a colon after its offset takes byte pairs
        // only, so "0000 0001" stays plain hex.
        let widest = if colon || lines.len() > 1 { 16 } else { 2 };
        let mut taken = 0;
        let mut end = after;
        let mut scan = 0;
        for token in area.split_whitespace() {
            if want == Some(taken) {
                break;
            }
            let at = scan + area.get(scan..)?.find(token)?;
            scan = at + token.len();
            let is_group = token.len() % 2 == 0
                && token.len() <= widest
                && token.bytes().all(|b| b.is_ascii_hexdigit());
            if !is_group {
                // Past the bytes: the ASCII column, except after a single
                // Wireshark line's bytes, whose three-space gap came first.
                if want.is_none() && taken > 0 && lines.len() == 1 && !colon {
                    return None;
                }
                break;
            }
            for pair in token.as_bytes().chunks(2) {
                if want == Some(taken) {
                    return None;
                }
                out.push(u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok()?);
                taken += 1;
            }
            end = after + scan;
        }
        match want {
            Some(w) if taken != w => return None,
            Some(_) => {
                hex_end.get_or_insert(end);
            }
            // hexdump and od end with the size alone, as an offset.
            None if taken == 0 && i > 0 && area.trim().is_empty() => {}
            None if taken == 0 => return None,
            None => {}
        }
    }
    Some(out)
}

/// A dump line's offset: its value, whether a `:` followed it, and where
/// the text after it begins (a byte index into `line`).
fn dump_offset(line: &str) -> Option<(usize, bool, usize)> {
    let lead = line.len() - line.trim_start().len();
    let token = line.get(lead..)?.split_whitespace().next()?;
    let after = lead + token.len();
    let colon = token.ends_with(':');
    let digits = token.trim_end_matches(':');
    let digits = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
        .unwrap_or(digits);
    if !(4..=8).contains(&digits.len()) {
        return None;
    }
    Some((usize::from_str_radix(digits, 16).ok()?, colon, after))
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn a_literal_cut_short_quoted_text_and_a_signed_number_are_named() {
        let error = |text: &str| parse_bytes(text).unwrap_err().to_string();
        assert_eq!(
            error(r"b'\x7f\x00\x00\x01"),
            "the bytes literal opened at position 1 has no closing '"
        );
        assert_eq!(
            error(" rb\"ab"),
            "the bytes literal opened at position 3 has no closing \""
        );
        assert_eq!(
            error("'abcd'"),
            "''abcd'' is quoted text without the b of a bytes literal; write b'abcd'"
        );
        assert_eq!(
            error("-5"),
            "'-5' is a number with a sign, not bytes in hex (to turn a number into bytes, pack it)"
        );
        assert!(matches!(parse_bytes("+1.5"), Err(HexError::Signed { .. })));
        // Hex with dashes between bytes, or a hex letter after the dash, is hex.
        assert_eq!(parse_bytes("45-00").unwrap(), [0x45, 0]);
        assert_eq!(parse_bytes("-ff").unwrap(), [0xff]);
        assert_eq!(parse_bytes("b''").unwrap(), b"");
    }

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

    /// The same 42-byte frame as xxd, `hexdump -C`, `tcpdump -XX` and od
    /// (`-Ax -tx1`) print it, each read back whole.
    #[test]
    fn the_dump_formats_of_common_tools() {
        let frame: Vec<u8> = (0u8..42).map(|i| i.wrapping_mul(37) ^ 0x45).collect();
        // Printed by the tools themselves (tcpdump's layout from xxd's groups).
        let xxd = "00000000: 4560 0f2a d1fc 9b46 6d08 37d2 f9a4 436e  E`.*...Fm.7...Cn\n\
         00000010: 1530 dffa a14c 6b16 3dd8 87a2 4974 133e  .0...Lk.=...It.>\n\
         00000020: e580 af4a 711c 3be6 8da8                 ...Jq.;...\n";
        let hexdump = "00000000  45 60 0f 2a d1 fc 9b 46  6d 08 37 d2 f9 a4 43 6e  |E`.*...Fm.7...Cn|\n\
         00000010  15 30 df fa a1 4c 6b 16  3d d8 87 a2 49 74 13 3e  |.0...Lk.=...It.>|\n\
         00000020  e5 80 af 4a 71 1c 3b e6  8d a8                    |...Jq.;...|\n\
         0000002a\n";
        let tcpdump = "\t0x0000:  4560 0f2a d1fc 9b46 6d08 37d2 f9a4 436e  E`.*...Fm.7...Cn\n\
         \t0x0010:  1530 dffa a14c 6b16 3dd8 87a2 4974 133e  .0...Lk.=...It.>\n\
         \t0x0020:  e580 af4a 711c 3be6 8da8                 ...Jq.;...\n";
        let od = "000000 45 60 0f 2a d1 fc 9b 46 6d 08 37 d2 f9 a4 43 6e\n\
         000010 15 30 df fa a1 4c 6b 16 3d d8 87 a2 49 74 13 3e\n\
         000020 e5 80 af 4a 71 1c 3b e6 8d a8\n\
         00002a\n";
        for (name, dump) in [
            ("xxd", xxd),
            ("hexdump -C", hexdump),
            ("tcpdump -XX", tcpdump),
            ("od", od),
        ] {
            assert_eq!(parse_hex(dump).unwrap_or_default(), frame, "{name}");
        }
        // A one-line xxd dump whose ASCII column is hex-like letters still ends at its column.
        assert_eq!(parse_hex("00000000: 6162 6364  abcd").unwrap(), b"abcd");
    }
}
