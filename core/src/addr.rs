//! Strict address parsing with errors that say what was wrong and where,
//! and the bit-level views the seeds draw by hand.
//!
//! Strict means what `std` accepts: four decimal octets for IPv4 (no octal,
//! no hex, no leading zeros) and RFC 4291 text for IPv6. The lenient legacy
//! forms of `inet_aton` (`127.1`, `0x7f.1`) are a different function on
//! purpose, because the same text means different addresses under the two
//! readings (`010.0.0.1` is 8.0.0.1 to `inet_aton`).

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use serde::{Serialize, Serializer};
use thiserror::Error;

#[cfg(target_arch = "x86_64")]
mod quad_simd;

/// Why a piece of text is not an IP address.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AddrError {
    /// The text is empty.
    #[error("an empty string is not an IP address")]
    Empty,
    /// A dotted-decimal part is above 255 (or not a number at all).
    #[error("'{part}' is not an octet (0-255) in '{text}'")]
    BadOctet { text: String, part: String },
    /// A dotted-decimal part has a leading zero, which legacy parsers read as octal.
    #[error(
        "'{part}' has a leading zero in '{text}': strict parsing refuses it because inet_aton would read it as octal"
    )]
    LeadingZero { text: String, part: String },
    /// Not four dotted parts.
    #[error("'{text}' has {parts} dotted parts; an IPv4 address has 4")]
    PartCount { text: String, parts: usize },
    /// Neither IPv4 nor IPv6 text.
    #[error("'{0}' is not an IPv4 or IPv6 address")]
    NotAnAddress(String),
    /// Looks like IPv6 but is not valid RFC 4291 text.
    #[error("'{0}' is not a valid IPv6 address")]
    BadIpv6(String),
    /// IPv6 text with a zone index (`fe80::1%eth0`, RFC 4007 §11): the
    /// zone names an interface of one host, so it is not part of the
    /// address, and none of netlab's answers depends on it.
    #[error(
        "'{text}' ends in a zone index ('%{zone}', the interface of one host), which is not part of the address: give '{address}'"
    )]
    ZoneIndex {
        text: String,
        address: String,
        zone: String,
    },
    /// A full-width (全角) character, which a Chinese or Japanese input
    /// method types in its full-width mode: `１９２．１６８` looks like
    /// `192.168` but is other characters (see [`full_width`]).
    #[error(
        "'{text}' has the full-width character '{found}', which an input method types in full-width mode: type the half-width '{ascii}'"
    )]
    FullWidth {
        text: String,
        found: char,
        ascii: char,
    },
}

/// The first full-width (全角) character of `text` and the ASCII character
/// it stands for, if it has one: U+FF01 to U+FF5E are ASCII's `!` to `~`
/// moved up by 0xFEE0 (`１` is `1`, `．` is `.`, `／` is `/`), and the
/// ideographic full stop `。` and space are a dot and a space. A learner
/// typing with a Chinese input method in full-width mode gets these, and
/// "'１' is not an octet" would not tell them why.
///
/// # Examples
///
/// ```
/// use netlab_core::addr::full_width;
///
/// assert_eq!(full_width("192。168.1.1"), Some(('。', '.')));
/// assert_eq!(full_width("１92.168.1.1"), Some(('１', '1')));
/// assert_eq!(full_width("192.168.1.1"), None);
/// ```
pub fn full_width(text: &str) -> Option<(char, char)> {
    text.chars().find_map(|c| {
        let ascii = match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(u32::from(c) - 0xfee0)?,
            '\u{3002}' | '\u{ff61}' => '.',
            '\u{3000}' => ' ',
            _ => return None,
        };
        Some((c, ascii))
    })
}

/// [`AddrError::FullWidth`] for `text`, if it holds a full-width character.
#[cold]
pub(crate) fn full_width_error(text: &str) -> Option<AddrError> {
    full_width(text).map(|(found, ascii)| AddrError::FullWidth {
        text: text.to_owned(),
        found,
        ascii,
    })
}

/// `error`, or [`AddrError::FullWidth`] when `text` holds a full-width
/// character: the cause to fix first. A zone index stays as it is (its
/// address part was read; only the zone's name could be full-width).
#[cold]
fn or_full_width(text: &str, error: AddrError) -> AddrError {
    if matches!(error, AddrError::ZoneIndex { .. }) {
        return error;
    }
    full_width_error(text).unwrap_or(error)
}

/// Parses strict dotted-decimal IPv4 text, naming the offending part on error.
///
/// # Examples
///
/// ```
/// use netlab_core::addr::parse_ipv4;
///
/// assert_eq!(parse_ipv4("192.168.12.87").unwrap().octets(), [192, 168, 12, 87]);
/// assert_eq!(
///     parse_ipv4("10.0.300.1").unwrap_err().to_string(),
///     "'300' is not an octet (0-255) in '10.0.300.1'"
/// );
/// ```
pub fn parse_ipv4(text: &str) -> Result<Ipv4Addr, AddrError> {
    match parse_ipv4_fast(text.as_bytes()) {
        Some(a) => Ok(a),
        None => ipv4_error(text).map_err(|e| or_full_width(text, e)),
    }
}

/// Strict dotted decimal without allocating: the address, or `None` for
/// anything [`parse_ipv4`] refuses (which then says why). Accepts exactly
/// what `parse_ipv4` accepts.
///
/// On x86-64 CPUs with SSSE3 (nearly all since 2008; detected once, at
/// run time) the whole text is checked and read in one register
/// (`quad_simd`), which takes about half the scalar parser's time on a
/// list of random addresses (the `classify` bench's strict parse, with the
/// scalar path forced for comparison); elsewhere (WASM, other CPUs) the
/// scalar parser below.
#[inline]
pub(crate) fn parse_ipv4_fast(b: &[u8]) -> Option<Ipv4Addr> {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("ssse3") {
        #[allow(unsafe_code)]
        // SAFETY: `quad_simd::parse` needs SSSE3 only, detected on the
        // line above; it reads nothing outside `b` (no raw pointers).
        return unsafe { quad_simd::parse(b) };
    }
    parse_ipv4_scalar(b)
}

/// [`parse_ipv4_fast`] in one pass over the bytes, one byte at a time.
///
/// Each octet is read from the three bytes where it starts, all checks
/// landing in one flag that is tested at the end. (A branch-free variant
/// that reads the text into a padded buffer first, and one that classifies
/// all 16 bytes at once in two 64-bit words, both measured slower.)
#[inline]
pub(crate) fn parse_ipv4_scalar(b: &[u8]) -> Option<Ipv4Addr> {
    if !(7..=15).contains(&b.len()) {
        return None;
    }
    // Past the end reads as NUL, which is neither a digit nor a dot.
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    let mut i = 0;
    let mut word = 0u32;
    let mut bad = false;
    for k in 0..4 {
        let d0 = at(i).wrapping_sub(b'0');
        let d1 = at(i + 1).wrapping_sub(b'0');
        let d2 = at(i + 2).wrapping_sub(b'0');
        let two = d1 <= 9;
        let three = two && d2 <= 9;
        let mut octet = u32::from(d0);
        if two {
            octet = octet * 10 + u32::from(d1);
        }
        if three {
            octet = octet * 10 + u32::from(d2);
        }
        // A leading 0 stands alone: `0` is an octet, `01` is refused.
        bad |= d0 > 9 || (d0 == 0 && two) || octet > 255;
        i += 1 + usize::from(two) + usize::from(three);
        word = word << 8 | (octet & 0xff);
        if k < 3 {
            bad |= at(i) != b'.';
            i += 1;
        }
    }
    (!bad && i == b.len()).then_some(Ipv4Addr::from(word))
}

/// Why `text` is not strict dotted decimal: the first fault, part by part.
#[cold]
fn ipv4_error(text: &str) -> Result<Ipv4Addr, AddrError> {
    if text.is_empty() {
        return Err(AddrError::Empty);
    }
    let parts = text.split('.').count();
    // No dot at all: not a dotted quad with too few parts, just no address.
    if parts == 1 {
        return Err(AddrError::NotAnAddress(text.to_owned()));
    }
    if parts != 4 {
        return Err(AddrError::PartCount {
            text: text.to_owned(),
            parts,
        });
    }
    let mut octets = [0u8; 4];
    for (slot, part) in octets.iter_mut().zip(text.split('.')) {
        let digits_only = !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
        let value = if digits_only && part.len() <= 3 {
            part.parse::<u16>().ok()
        } else {
            None
        };
        match value {
            Some(v) if v <= 255 => {
                if part.len() > 1 && part.starts_with('0') {
                    return Err(AddrError::LeadingZero {
                        text: text.to_owned(),
                        part: part.to_owned(),
                    });
                }
                *slot = v as u8;
            }
            _ => {
                return Err(AddrError::BadOctet {
                    text: text.to_owned(),
                    part: part.to_owned(),
                });
            }
        }
    }
    Ok(Ipv4Addr::from(octets))
}

/// `str::trim`, with the common case (no space at either end) decided from
/// the two end bytes alone.
#[inline]
pub(crate) fn trim(text: &str) -> &str {
    let b = text.as_bytes();
    let plain = |c: Option<&u8>| c.is_some_and(|&c| c > b' ' && c < 0x80);
    if plain(b.first()) && plain(b.last()) {
        text
    } else {
        text.trim()
    }
}

/// Parses strict IPv4 or IPv6 text.
///
/// # Examples
///
/// ```
/// use netlab_core::addr::parse_ip;
///
/// assert!(parse_ip("2001:db8::1").unwrap().is_ipv6());
/// assert!(parse_ip("127.0.0.1").unwrap().is_ipv4());
/// assert!(parse_ip("localhost").is_err());
/// ```
pub fn parse_ip(text: &str) -> Result<IpAddr, AddrError> {
    // A strict dotted quad has no ':', so trying it first changes nothing.
    if let Some(a) = parse_ipv4_fast(text.as_bytes()) {
        return Ok(IpAddr::V4(a));
    }
    parse_ip_slow(text).map_err(|e| or_full_width(text, e))
}

/// [`parse_ip`] for all but a strict dotted quad.
fn parse_ip_slow(text: &str) -> Result<IpAddr, AddrError> {
    if text.contains(':') {
        return text
            .parse::<Ipv6Addr>()
            .map(IpAddr::V6)
            .map_err(|_| match text.split_once('%') {
                Some((address, zone)) if address.parse::<Ipv6Addr>().is_ok() => {
                    AddrError::ZoneIndex {
                        text: text.to_owned(),
                        address: address.to_owned(),
                        zone: zone.to_owned(),
                    }
                }
                _ => AddrError::BadIpv6(text.to_owned()),
            });
    }
    if text.contains('.') {
        return parse_ipv4(text).map(IpAddr::V4);
    }
    if text.is_empty() {
        return Err(AddrError::Empty);
    }
    Err(AddrError::NotAnAddress(text.to_owned()))
}

/// The address as an unsigned integer, IPv4 in the low 32 bits.
pub fn to_u128(addr: IpAddr) -> u128 {
    match addr {
        IpAddr::V4(a) => u128::from(u32::from(a)),
        IpAddr::V6(a) => u128::from(a),
    }
}

/// The bits of an address grouped as people write them: `11000000.10101000.…`
/// for IPv4 (as seed 000 §1.1 does by hand) and sixteen-bit groups joined by
/// `:` for IPv6.
///
/// # Examples
///
/// ```
/// use netlab_core::addr::binary;
///
/// let a = "192.168.12.1".parse().unwrap();
/// assert_eq!(binary(a), "11000000.10101000.00001100.00000001");
/// ```
pub fn binary(addr: IpAddr) -> String {
    Binary(addr).to_string()
}

/// The longest [`binary`] text: 128 bits and 7 colons.
const BINARY_MAX: usize = 128 + 7;

/// An address's bits as [`binary`] writes them, formatted only when
/// displayed or serialized (the subnet report keeps these, not text).
///
/// # Examples
///
/// ```
/// use netlab_core::addr::Binary;
///
/// let bits = Binary("10.0.0.255".parse().unwrap());
/// assert_eq!(bits.to_string(), "00001010.00000000.00000000.11111111");
/// assert_eq!(serde_json::to_string(&bits).unwrap(), r#""00001010.00000000.00000000.11111111""#);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binary(pub IpAddr);

impl Binary {
    /// Writes the text into `buf` and returns it.
    fn write(self, buf: &mut [u8; BINARY_MAX]) -> &str {
        let (value, bits, group, sep) = match self.0 {
            IpAddr::V4(a) => (u128::from(u32::from(a)), 32, 8, b'.'),
            IpAddr::V6(a) => (u128::from(a), 128, 16, b':'),
        };
        let mut len = 0;
        for (i, slot) in (0..bits).rev().zip(0..) {
            if slot > 0 && slot % group == 0 {
                if let Some(b) = buf.get_mut(len) {
                    *b = sep;
                }
                len += 1;
            }
            if let Some(b) = buf.get_mut(len) {
                *b = b'0' + ((value >> i) & 1) as u8;
            }
            len += 1;
        }
        // Only ASCII digits and separators were written.
        std::str::from_utf8(buf.get(..len).unwrap_or_default()).unwrap_or_default()
    }
}

impl fmt::Display for Binary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.write(&mut [0; BINARY_MAX]))
    }
}

impl Serialize for Binary {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.write(&mut [0; BINARY_MAX]))
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn a_zone_index_is_named_and_the_address_offered() {
        assert_eq!(
            parse_ip("fe80::1%eth0").unwrap_err().to_string(),
            "'fe80::1%eth0' ends in a zone index ('%eth0', the interface of one host), which is not part of the address: give 'fe80::1'"
        );
        // Not an address before the '%': the plain IPv6 error.
        assert!(matches!(
            parse_ip("fe80::g%eth0"),
            Err(AddrError::BadIpv6(_))
        ));
        assert!(matches!(parse_ip("%eth0:"), Err(AddrError::BadIpv6(_))));
    }

    #[test]
    fn a_full_width_character_is_named_with_the_one_to_type() {
        // What a Chinese input method in full-width mode gives, in each
        // place: a digit, a dot, the ideographic full stop, a colon.
        for (text, found, ascii) in [
            ("１９２.168.1.1", '１', '1'),
            ("192.168.1．1", '．', '.'),
            ("192。168.1.1", '。', '.'),
            ("2001：db8::1", '：', ':'),
            ("ｆｅ80::1", 'ｆ', 'f'),
        ] {
            let error = parse_ip(text).unwrap_err();
            assert_eq!(
                error,
                AddrError::FullWidth {
                    text: text.to_owned(),
                    found,
                    ascii
                },
                "{text}"
            );
            assert!(parse_ipv4(text).is_err());
        }
        assert!(matches!(
            parse_ipv4("１.1.1.1"),
            Err(AddrError::FullWidth { found: '１', .. })
        ));
        // Once typed half-width, each is an address.
        for text in ["192.168.1.1", "2001:db8::1", "fe80::1"] {
            assert!(parse_ip(text).is_ok());
        }
        // A zone index keeps its own message: only its name could be full-width.
        assert!(matches!(
            parse_ip("fe80::1%ｅｔｈ０"),
            Err(AddrError::ZoneIndex { .. })
        ));
        // Other non-ASCII text is no full-width character.
        assert!(matches!(parse_ip("１"), Err(AddrError::FullWidth { .. })));
        assert!(matches!(
            parse_ip("é.1.1.1"),
            Err(AddrError::BadOctet { .. })
        ));
    }

    #[test]
    fn text_without_a_dot_is_no_address_not_one_part() {
        assert_eq!(
            parse_ipv4("localhost").unwrap_err().to_string(),
            "'localhost' is not an IPv4 or IPv6 address"
        );
        assert!(matches!(
            parse_ipv4("1.2"),
            Err(AddrError::PartCount { parts: 2, .. })
        ));
    }

    #[test]
    fn strict_ipv4_errors_name_the_part() {
        assert_eq!(
            parse_ipv4("1.2.3").unwrap_err().to_string(),
            "'1.2.3' has 3 dotted parts; an IPv4 address has 4"
        );
        assert!(matches!(
            parse_ipv4("01.2.3.4"),
            Err(AddrError::LeadingZero { .. })
        ));
        assert!(matches!(
            parse_ipv4("1.2.3.+4"),
            Err(AddrError::BadOctet { .. })
        ));
        assert!(matches!(
            parse_ipv4("1.2..4"),
            Err(AddrError::BadOctet { .. })
        ));
        assert!(matches!(
            parse_ipv4("1.2.3.0004"),
            Err(AddrError::BadOctet { .. })
        ));
        assert_eq!(parse_ipv4("0.0.0.0").unwrap(), Ipv4Addr::UNSPECIFIED);
    }

    #[test]
    fn strict_ipv4_agrees_with_std() {
        for text in [
            "1.2.3.4",
            "255.255.255.255",
            "256.1.1.1",
            "1.2.3.04",
            "1.2.3.4.",
            " 1.2.3.4",
            "1.2.3.4 ",
            "٣.1.1.1",
        ] {
            assert_eq!(
                parse_ipv4(text).ok(),
                text.parse::<Ipv4Addr>().ok(),
                "{text}"
            );
        }
    }

    /// The allocation-free reader accepts exactly what the part-by-part
    /// rules of `ipv4_error` accept, with the same address.
    fn agrees(text: &str) -> Result<(), proptest::test_runner::TestCaseError> {
        let fast = parse_ipv4_fast(text.as_bytes());
        let slow = ipv4_error(text).ok();
        proptest::prop_assert_eq!(fast, slow, "{:?}", text);
        proptest::prop_assert_eq!(parse_ipv4(text).ok(), text.parse::<Ipv4Addr>().ok());
        Ok(())
    }

    proptest::proptest! {
        #[test]
        fn fast_ipv4_agrees_with_the_rules(text in "[0-9.]{0,17}") {
            agrees(&text)?;
        }

        #[test]
        fn fast_ipv4_agrees_on_odd_bytes(text in "[0-9./:\\x00 a\u{e9}\u{663}]{0,16}") {
            agrees(&text)?;
        }

        #[test]
        fn fast_ipv4_agrees_on_near_quads(a in 0u16..1000, b in 0u16..300, c in 0u16..300, d in 0u16..1000, z in 0usize..6) {
            let text = match z {
                0 => format!("{a}.{b}.{c}.{d}"),
                1 => format!("0{a}.{b}.{c}.{d}"),
                2 => format!("{a}.{b}.{c}.0{d}"),
                3 => format!("{a}.{b}.{c}.{d}."),
                4 => format!("{a}.{b}.{c}.{d} "),
                _ => format!("{a}.{b}.{c}"),
            };
            agrees(&text)?;
        }
    }

    #[test]
    fn binary_text() {
        let all = |t: &str| binary(t.parse().unwrap());
        assert_eq!(all("0.0.0.0"), "00000000.00000000.00000000.00000000");
        assert_eq!(all("255.0.1.128"), "11111111.00000000.00000001.10000000");
        let v6 = all("8000::ffff");
        assert!(v6.starts_with("1000000000000000:0000000000000000:"), "{v6}");
        assert!(v6.ends_with(":1111111111111111"), "{v6}");
        assert_eq!(
            format!("{:>40}|", Binary("1.2.3.4".parse().unwrap())).len(),
            41
        );
    }

    #[test]
    fn binary_views() {
        let v6: IpAddr = "::1".parse().unwrap();
        assert!(binary(v6).ends_with(":0000000000000001"));
        assert_eq!(binary(v6).len(), 8 * 16 + 7);
    }
}
