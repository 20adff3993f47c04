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
