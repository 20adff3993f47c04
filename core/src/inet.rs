//! The C library's address conversions as Python's `socket` module exposes
//! them, exact to the byte and to the error message: `inet_aton` (the
//! lenient legacy reading), `inet_ntoa`, `inet_pton` and `inet_ntop`, and the
//! integer views behind `netlab int`.
//!
//! "Exact" means CPython 3.11 on Linux with glibc underneath, checked case by
//! case against `tests/vectors/gen_inet.py`. Where intuition and the oracle
//! part ways, the oracle wins: `inet_aton` reads `0127.0.0.1` as octal
//! (87.0.0.1) and ignores everything after the first whitespace, `inet_pton`
//! refuses both, and `inet_ntop` writes the deprecated IPv4-compatible form
//! as `::1.2.3.4`, because glibc does. The parsers follow glibc's code path
//! step by step rather than `std`'s, so that every odd corner (`1:2:3:4:5:6:7::`
//! accepted, `1.2.3 4` read as 1.2.0.3) lands where the C library puts it.
//!
//! # Examples
//!
//! ```
//! use netlab_core::inet::{inet_aton, inet_ntop, inet_pton, Family};
//!
//! // The legacy reading fills the missing bytes; the strict one refuses.
//! assert_eq!(inet_aton("127.1").unwrap(), [127, 0, 0, 1]);
//! assert!(inet_pton(Family::Inet, "127.1").is_err());
//!
//! let packed = inet_pton(Family::Inet6, "2001:DB8:0:0:0::1").unwrap();
//! assert_eq!(inet_ntop(Family::Inet6, &packed).unwrap(), "2001:db8::1");
//! ```

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use serde::{Serialize, Serializer};
use thiserror::Error;

use crate::addr::{self, AddrError};

/// Why a conversion failed. The `Display` text is CPython's own message
/// wherever CPython has one, so a learner can match it with what Python
/// printed; [`InetError::hint`] adds the reason CPython does not give.
///
/// # Examples
///
/// ```
/// use netlab_core::inet::{inet_ntoa, InetError};
///
/// let e = inet_ntoa(&[127, 0, 1]).unwrap_err();
/// assert_eq!(e, InetError::NtoaLength { len: 3 });
/// assert_eq!(e.to_string(), "packed IP wrong length for inet_ntoa");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum InetError {
    /// `inet_aton` refused the text; `fault` says where and why.
    #[error("illegal IP address string passed to inet_aton")]
    IllegalAton { text: String, fault: AtonFault },
    /// `inet_pton` refused the text.
    #[error("illegal IP address string passed to inet_pton")]
    IllegalPton { family: Family, text: String },
    /// The text holds a NUL character. CPython refuses it before calling the
    /// C library, which would otherwise see the string cut short at the NUL.
    #[error("embedded null character")]
    EmbeddedNul { text: String },
    /// `inet_ntoa` takes exactly 4 bytes.
    #[error("packed IP wrong length for inet_ntoa")]
    NtoaLength { len: usize },
    /// `inet_ntop` takes 4 bytes for `AF_INET` and 16 for `AF_INET6`.
    #[error("invalid length of packed IP address string")]
    PackedLength { family: Family, len: usize },
    /// A family name other than `inet` or `inet6`.
    #[error("unknown address family '{0}': use inet (AF_INET, IPv4) or inet6 (AF_INET6, IPv6)")]
    UnknownFamily(String),
    /// Not a decimal or `0x` hex integer.
    #[error(
        "'{0}' is not a whole number from 0 up: write it in decimal (3232238679) or hex (0xc0a80c57)"
    )]
    NotAnInteger(String),
    /// An integer above the family's largest address.
    #[error("{text} is above {max}, the largest IPv{version} address as an integer")]
    IntegerTooLarge {
        text: String,
        version: u8,
        max: u128,
    },
    /// An integer given where address text was expected: the integer alone
    /// does not say whether it is IPv4 or IPv6.
    #[error(
        "'{0}' is an integer, not an address: read it as an IPv4 or IPv6 integer (netlab int --v4 or --v6)"
    )]
    IntegerWithoutFamily(String),
    /// Not strict IPv4 or IPv6 text.
    #[error(transparent)]
    Address(#[from] AddrError),
}

impl InetError {
    /// A sentence for a learner on why the text or bytes were refused, where
    /// CPython's message does not say; `None` where the message says it all.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::inet::{inet_pton, parse_inet_aton, Family};
    ///
    /// let e = parse_inet_aton("1.2.3.256").unwrap_err();
    /// assert_eq!(e.to_string(), "illegal IP address string passed to inet_aton");
    /// assert!(e.hint().unwrap().contains("at most 255"));
    ///
    /// let e = inet_pton(Family::Inet, "127.1").unwrap_err();
    /// assert!(e.hint().unwrap().contains("inet_aton would read '127.1' as 127.0.0.1"));
    /// ```
    pub fn hint(&self) -> Option<String> {
        match self {
            Self::IllegalAton { fault, .. } => Some(fault.to_string()),
            Self::IllegalPton {
                family: Family::Inet,
                text,
            } => Some(match parse_inet_aton(text) {
                Ok(reading) => format!(
                    "inet_pton(AF_INET) takes exactly four decimal numbers 0-255 without leading zeros; \
                     the legacy inet_aton would read '{text}' as {}",
                    reading.dotted
                ),
                Err(_) => "inet_pton(AF_INET) takes exactly four decimal numbers 0-255 \
                           without leading zeros or spaces, like 192.168.1.2"
                    .to_owned(),
            }),
            Self::IllegalPton {
                family: Family::Inet6,
                ..
            } => Some(
                "inet_pton(AF_INET6) takes RFC 4291 text: up to 8 groups of 1-4 hex digits \
                 separated by ':', at most one '::', optionally a dotted quad as the last 32 bits; \
                 no spaces, brackets, prefix length or zone (%eth0)"
                    .to_owned(),
            ),
            Self::EmbeddedNul { .. } => Some(
                "C strings end at the first NUL character, so CPython refuses text holding one \
                 rather than pass on a string cut short"
                    .to_owned(),
            ),
            Self::NtoaLength { len } => Some(format!(
                "an IPv4 address is 4 bytes, but {} given",
                crate::english::count(*len as u64, "was", "were")
            )),
            Self::PackedLength { family, len } => Some(format!(
                "an {} address is {} bytes, but {} given",
                family.af_name(),
                family.packed_len(),
                crate::english::count(*len as u64, "was", "were")
            )),
            _ => None,
        }
    }
}

/// Where and why glibc's `inet_aton` stopped: the step of its loop that
/// failed, numbered by part (1-based) as a learner counts them. Every fault
/// gives the same CPython message; this is the explanation behind it.
///
/// # Examples
///
/// ```
/// use netlab_core::inet::{parse_inet_aton, AtonFault, InetError};
///
/// let Err(InetError::IllegalAton { fault, .. }) = parse_inet_aton("08") else { panic!() };
/// assert_eq!(fault, AtonFault::BadDigit { part: 1, read: "0".into(), base: 8, found: '8' });
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AtonFault {
    /// Nothing to read.
    #[error("the text is empty")]
    Empty,
    /// A part is empty: the text ends, or holds another dot, where a number
    /// should begin.
    #[error("part {part} is empty: every part needs a number, and a dot must not end the text")]
    MissingNumber { part: usize },
    /// A part begins with something other than a digit: glibc checks for a
    /// digit before calling `strtoul`, so no sign, space or letter may lead.
    #[error("part {part} begins with '{}', not a digit: no sign, space or letter may come before a number", .found.escape_debug())]
    NotADigit { part: usize, found: char },
    /// A part's value does not fit in 32 bits.
    #[error("part {part} ('{text}') is above 4294967295: it does not fit in 32 bits")]
    Overflow { part: usize, text: String },
    /// A fifth part.
    #[error("more than 4 dotted parts: an IPv4 address has 4 bytes")]
    TooManyParts,
    /// A part followed by a dot is above 255: only the last part may fill
    /// more than one byte.
    #[error(
        "part {part} ('{text}' = {value}) must be at most 255: only the last part may fill more than one byte"
    )]
    ByteTooLarge {
        part: usize,
        text: String,
        value: u32,
    },
    /// After a number comes a character that is not a digit of its base, a
    /// dot or whitespace (`08`: a leading 0 means octal; `0x` without digits).
    #[error("{}", bad_digit_text(.part, .read, .base, .found))]
    BadDigit {
        part: usize,
        read: String,
        base: u32,
        found: char,
    },
    /// A full-width (全角) character where a digit or a dot belongs, as an
    /// input method types it in full-width mode (see
    /// [`crate::addr::full_width`]): not the ASCII character it looks like.
    #[error(
        "part {part}: '{found}' is a full-width character, which an input method types in full-width mode: type the half-width '{ascii}'"
    )]
    FullWidth {
        part: usize,
        found: char,
        ascii: char,
    },
    /// The last part is too large for the bytes left to it.
    #[error("the last part '{text}' = {value} must be at most {max}: it fills {}", last_bytes(.width))]
    LastTooLarge {
        text: String,
        value: u32,
        width: usize,
        max: u32,
    },
}

fn last_bytes(width: &usize) -> String {
    match width {
        1 => "the last byte".to_owned(),
        n => format!("the last {n} bytes"),
    }
}

fn bad_digit_text(part: &usize, read: &str, base: &u32, found: &char) -> String {
    if read == "0" && matches!(found, 'x' | 'X') {
        return format!("part {part}: '0{found}' must be followed by at least one hex digit");
    }
    let found = found.escape_debug();
    let base = match base {
        8 => "an octal digit (a leading 0 means octal)",
        16 => "a hex digit",
        _ => "a decimal digit",
    };
    format!("part {part}: '{found}' after '{read}' is not {base}, a dot or whitespace")
}

/// An address family, named as `socket.AF_INET` and `socket.AF_INET6` are.
///
/// # Examples
///
/// ```
/// use netlab_core::inet::Family;
///
/// assert_eq!("inet6".parse::<Family>().unwrap(), Family::Inet6);
/// assert_eq!("AF_INET".parse::<Family>().unwrap(), Family::Inet);
/// assert_eq!(Family::Inet6.packed_len(), 16);
/// assert!("ipx".parse::<Family>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    /// `AF_INET`, IPv4: 4 bytes.
    Inet,
    /// `AF_INET6`, IPv6: 16 bytes.
    Inet6,
}

impl Family {
    /// How many bytes a packed address of this family has.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(netlab_core::inet::Family::Inet.packed_len(), 4);
    /// ```
    pub const fn packed_len(self) -> usize {
        match self {
            Self::Inet => 4,
            Self::Inet6 => 16,
        }
    }

    /// The C constant's name, as Python's `socket` module spells it.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(netlab_core::inet::Family::Inet6.af_name(), "AF_INET6");
    /// ```
    pub const fn af_name(self) -> &'static str {
        match self {
            Self::Inet => "AF_INET",
            Self::Inet6 => "AF_INET6",
        }
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Inet => "inet",
            Self::Inet6 => "inet6",
        })
    }
}

impl FromStr for Family {
    type Err = InetError;

    /// Accepts `inet`/`inet6` and the constants' names `AF_INET`/`AF_INET6`,
    /// in any case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "inet" | "af_inet" => Ok(Self::Inet),
            "inet6" | "af_inet6" => Ok(Self::Inet6),
            _ => Err(InetError::UnknownFamily(s.to_owned())),
        }
    }
}

/// How `inet_aton` read a text: the address, and each part with the base it
/// was read in and the bytes it filled, so a learner sees why `127.1` is
/// 127.0.0.1 and `0127.0.0.1` is 87.0.0.1. Field names are the JSON of
/// `netlab aton`.
///
/// The reading borrows the text it was read from: the input, each part's
/// text and the ignored tail are slices of it, and the parts sit in a fixed
/// array, so reading allocates nothing but the 8 hex digits.
///
/// # Examples
///
/// ```
/// use netlab_core::inet::parse_inet_aton;
///
/// let r = parse_inet_aton("0x7f.1 trailing").unwrap();
/// assert_eq!(r.dotted.to_string(), "127.0.0.1");
/// assert_eq!(r.hex, "7f000001");
/// assert_eq!(r.integer, 2130706433);
/// assert_eq!((r.parts[0].base, r.parts[0].value), (16, 127));
/// assert_eq!((r.parts[1].offset, r.parts[1].width), (1, 3));
/// assert_eq!(r.ignored, Some(" trailing"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AtonReading<'a> {
    /// The text as given.
    pub input: &'a str,
    /// The 4 bytes, lowercase hex: what `socket.inet_aton(input).hex()` gives.
    pub hex: Hex32,
    /// The address.
    pub dotted: Ipv4Addr,
    /// The address as a 32-bit unsigned integer (network order read as a number).
    pub integer: u32,
    /// The parts in order; the last one fills all the bytes left.
    pub parts: AtonParts<'a>,
    /// The text from the first whitespace on, which `inet_aton` ignores.
    pub ignored: Option<&'a str>,
}

/// One dotted part of an `inet_aton` text.
///
/// # Examples
///
/// ```
/// use netlab_core::inet::parse_inet_aton;
///
/// let part = &parse_inet_aton("0127.0.0.1").unwrap().parts[0];
/// assert_eq!((part.text, part.base, part.value), ("0127", 8, 87));
/// assert_eq!((part.offset, part.width), (0, 1));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AtonPart<'a> {
    /// The part's text, prefix included (`0x7f`, `0127`).
    pub text: &'a str,
    /// 16 for a `0x`/`0X` prefix, 8 for a leading `0`, else 10. A lone `0`
    /// is reported as 10: it is zero in every base.
    pub base: u8,
    /// The number read.
    pub value: u32,
    /// The first byte of the result it filled (0 = the leftmost).
    pub offset: u8,
    /// How many bytes it filled: 1, or for the last part all that were left.
    pub width: u8,
}

impl AtonPart<'_> {
    const NONE: Self = Self {
        text: "",
        base: 10,
        value: 0,
        offset: 0,
        width: 0,
    };
}

/// The 1 to 4 parts of an `inet_aton` text, in a fixed array: reads as a
/// slice of [`AtonPart`], serializes as a JSON array. Small enough (a part
/// is 24 bytes) to be built and moved without a call to `memcpy`.
///
/// # Examples
///
/// ```
/// use netlab_core::inet::parse_inet_aton;
///
/// let r = parse_inet_aton("10.1.2").unwrap();
/// assert_eq!(r.parts.len(), 3);
/// assert_eq!(r.parts.last().map(|p| p.width), Some(2));
/// assert_eq!(r.parts.iter().map(|p| p.value).sum::<u32>(), 13);
/// ```
#[derive(Clone, Copy)]
pub struct AtonParts<'a> {
    parts: [AtonPart<'a>; 4],
    len: u8,
}

impl<'a> std::ops::Deref for AtonParts<'a> {
    type Target = [AtonPart<'a>];

    fn deref(&self) -> &Self::Target {
        self.parts.get(..usize::from(self.len)).unwrap_or_default()
    }
}

impl<'r, 'a> IntoIterator for &'r AtonParts<'a> {
    type Item = &'r AtonPart<'a>;
    type IntoIter = std::slice::Iter<'r, AtonPart<'a>>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl PartialEq for AtonParts<'_> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Eq for AtonParts<'_> {}

impl fmt::Debug for AtonParts<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Serialize for AtonParts<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// Each byte's value as a digit: 0-9 for `0`-`9`, 10-15 for `a`-`f` and
/// `A`-`F`, 255 for every other byte. A byte is a digit of base `b` when
/// its value is below `b`, so one load serves bases 8, 10 and 16.
static DIGIT: [u8; 256] = {
    let mut table = [255u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => 255,
        };
        b += 1;
    }
    table
};

#[inline(always)]
fn digit(b: u8) -> u32 {
    u32::from(DIGIT[usize::from(b)])
}

/// C's `isspace` in the "C" locale: the only characters after which
/// `inet_aton` stops reading without complaint.
fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Reads text as glibc's `inet_aton` does, as CPython's `socket.inet_aton`
/// exposes it: 1 to 4 parts separated by dots, each decimal, octal (leading
/// `0`) or hex (`0x`), every part but the last at most 255 and the last
/// filling the bytes left; reading stops at the first whitespace.
///
/// This is the lenient legacy reading, kept apart from the strict
/// [`crate::addr::parse_ipv4`] because the same text can mean different
/// addresses under the two (`010.0.0.1` is 8.0.0.1 here).
///
/// # Examples
///
/// ```
/// use netlab_core::inet::parse_inet_aton;
///
/// assert_eq!(parse_inet_aton("127.1").unwrap().dotted.to_string(), "127.0.0.1");
/// assert_eq!(parse_inet_aton("0127.0.0.1").unwrap().dotted.to_string(), "87.0.0.1");
/// assert_eq!(parse_inet_aton("1.2.3 4").unwrap().dotted.to_string(), "1.2.0.3");
/// assert_eq!(
///     parse_inet_aton("1.2.3.").unwrap_err().to_string(),
///     "illegal IP address string passed to inet_aton"
/// );
/// ```
pub fn parse_inet_aton(text: &str) -> Result<AtonReading<'_>, InetError> {
    let mut spans = Spans::default();
    let scan = scan_checked(text, &mut spans)?;
    let count = usize::from(scan.count);
    // The parts follow each other with one dot between them: cut them off
    // the front of the text one by one. Each is made where it ends up, in
    // the reading.
    let mut rest = text;
    let mut part = |i: usize| {
        let Some(&len) = spans.len.get(i).filter(|_| i < count) else {
            return AtonPart::NONE;
        };
        let (read, after) = rest.split_at_checked(len).unwrap_or((rest, ""));
        rest = after.strip_prefix('.').unwrap_or(after);
        AtonPart {
            text: read,
            base: spans.base.get(i).copied().unwrap_or(10),
            value: spans.value.get(i).copied().unwrap_or(0),
            offset: i as u8,
            width: if i + 1 == count { (4 - i) as u8 } else { 1 },
        }
    };
    Ok(AtonReading {
        input: text,
        hex: hex32(scan.integer),
        dotted: Ipv4Addr::from(scan.integer),
        integer: scan.integer,
        parts: AtonParts {
            parts: [part(0), part(1), part(2), part(3)],
            len: scan.count,
        },
        ignored: match text.get(scan.end..) {
            Some("") | None => None,
            rest => rest,
        },
    })
}

/// How long each part is and what it reads, as [`scan`] found them.
#[derive(Debug, Default)]
struct Spans {
    len: [usize; 4],
    value: [u32; 4],
    base: [u8; 4],
}

impl Record for Spans {
    #[inline(always)]
    fn part(&mut self, index: usize, len: usize, base: u32, value: u32) {
        if let (Some(l), Some(v), Some(b)) = (
            self.len.get_mut(index),
            self.value.get_mut(index),
            self.base.get_mut(index),
        ) {
            *l = len;
            *v = value;
            // 8, 10 or 16.
            *b = base as u8;
        }
    }
}

/// A 32-bit word as 8 lowercase hex digits.
fn hex32(word: u32) -> Hex32 {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; 8];
    for (digit, shift) in out.iter_mut().zip([28, 24, 20, 16, 12, 8, 4, 0]) {
        *digit = HEX[((word >> shift) & 0xf) as usize];
    }
    Hex32(out)
}

/// Four bytes as eight lowercase hex digits, kept inline.
///
/// Why not a `String`: `parse_inet_aton` is called once per keystroke in
/// the playground and in tight loops by the benchmarks; a heap allocation
/// for eight characters was a third of its time. It reads as a `&str`.
///
/// # Examples
///
/// ```
/// use netlab_core::inet::parse_inet_aton;
///
/// let hex = parse_inet_aton("127.1").unwrap().hex;
/// assert_eq!(hex, "7f000001");
/// assert_eq!(hex.to_string(), "7f000001");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Hex32([u8; 8]);

impl Hex32 {
    /// The digits.
    pub fn as_str(&self) -> &str {
        // Only ASCII hex digits are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("")
    }
}

impl std::ops::Deref for Hex32 {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for Hex32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Hex32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl PartialEq<&str> for Hex32 {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<str> for Hex32 {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl Serialize for Hex32 {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// What `inet_aton` read, besides the parts.
#[derive(Debug, Clone, Copy)]
struct Scan {
    /// How many parts (1 to 4).
    count: u8,
    /// Where reading stopped (the first whitespace, or the end).
    end: usize,
    integer: u32,
}

/// Where [`scan`] puts the parts it read: [`Spans`] keeps them for the
/// explanation; `()` drops them, so [`inet_aton`] stores nothing.
trait Record {
    /// Part `index` is `len` bytes long and reads as `value` in `base` (as
    /// reported).
    fn part(&mut self, index: usize, len: usize, base: u32, value: u32);
}

impl Record for () {
    #[inline(always)]
    fn part(&mut self, _: usize, _: usize, _: u32, _: u32) {}
}

/// [`scan`] with CPython's check for NUL and its error type. The check is
/// fused into the scan: what the scan accepted holds only digits, dots and
/// `x`, so only the ignored tail (or, on a fault, the whole text) is looked
/// at again.
#[inline(always)]
fn scan_checked(text: &str, parts: &mut impl Record) -> Result<Scan, InetError> {
    match scan(text, parts) {
        Ok(scan) => {
            let tail = text.as_bytes().get(scan.end..).unwrap_or_default();
            if !tail.is_empty() && tail.contains(&0) {
                return Err(nul(text));
            }
            Ok(scan)
        }
        Err(fault) => Err(fault_error(text, fault)),
    }
}

#[cold]
fn fault_error(text: &str, fault: AtonFault) -> InetError {
    if text.contains('\0') {
        return nul(text);
    }
    // A full-width character is the thing to fix, whatever glibc's reading
    // made of it.
    let fault = match fault {
        AtonFault::NotADigit { part, found } | AtonFault::BadDigit { part, found, .. } => {
            match crate::addr::full_width(found.encode_utf8(&mut [0; 4])) {
                Some((found, ascii)) => AtonFault::FullWidth { part, found, ascii },
                None => fault,
            }
        }
        fault => fault,
    };
    InetError::IllegalAton {
        text: text.to_owned(),
        fault,
    }
}

#[cold]
fn nul(text: &str) -> InetError {
    InetError::EmbeddedNul {
        text: text.to_owned(),
    }
}

/// C's `strtoul` digit loop in one base from `at`: the value (pinned at
/// 2^32 once past 32 bits, so it stays too large however many digits
/// follow) and where the digits end.
#[inline(always)]
fn digits<const BASE: u32>(bytes: &[u8], start: usize) -> (u64, usize) {
    let mut value = 0u64;
    let mut at = start;
    while let Some(&b) = bytes.get(at) {
        let d = if BASE == 16 {
            digit(b)
        } else {
            u32::from(b.wrapping_sub(b'0'))
        };
        if d >= BASE {
            break;
        }
        value = if BASE == 10 {
            // Decimal begins with 1-9, so past 10 digits it is too large
            // whatever the value (checked below); until then a u64 holds it.
            value.wrapping_mul(10).wrapping_add(u64::from(d))
        } else {
            // Leading zeros may run on: pin the value instead.
            (value * u64::from(BASE) + u64::from(d)).min(1 << 32)
        };
        at += 1;
    }
    if BASE == 10 && at - start > 10 {
        value = 1 << 32;
    }
    (value, at)
}

/// [`digits`] in base 10 from a first digit `first` (1-9) at `start`,
/// unrolled for the usual one to three digits.
#[inline(always)]
fn decimal(bytes: &[u8], start: usize, first: u8) -> (u64, usize) {
    let next = |i: usize| u64::from(bytes.get(i).map_or(255, |b| b.wrapping_sub(b'0')));
    let value = u64::from(first - b'0');
    let d = next(start + 1);
    if d > 9 {
        return (value, start + 1);
    }
    let value = value * 10 + d;
    let d = next(start + 2);
    if d > 9 {
        return (value, start + 2);
    }
    let value = value * 10 + d;
    let d = next(start + 3);
    if d > 9 {
        return (value, start + 3);
    }
    digits::<10>(bytes, start)
}

/// `text[start..end]`, for a fault's description.
#[cold]
fn owned(text: &str, start: usize, end: usize) -> String {
    text.get(start..end).unwrap_or_default().to_owned()
}

/// glibc's `inet_aton` reading, handing each part to `parts`: per part,
/// C's `strtoul(text, &end, 0)` (the base from the prefix, then every digit
/// of that base), then the checks on what follows. Allocates only to
/// describe a fault.
#[inline(always)]
fn scan(text: &str, parts: &mut impl Record) -> Result<Scan, AtonFault> {
    let bytes = text.as_bytes();
    if bytes.is_empty() {
        return Err(AtonFault::Empty);
    }
    let mut count = 0;
    let mut pos = 0;
    let mut leading = 0u32;
    // The last part: where it is, the base strtoul read it in, its value.
    let (start, end, read_base, last) = loop {
        let part = count + 1;
        let first = match bytes.get(pos) {
            Some(&b) if b.is_ascii_digit() => b,
            None | Some(b'.') => return Err(AtonFault::MissingNumber { part }),
            Some(_) => return Err(not_a_digit(text, part, pos)),
        };
        // "0x" counts as a prefix only when a hex digit follows; otherwise
        // strtoul reads the "0" alone (octal) and stops at the "x".
        let (base, (value, end)) = if first != b'0' {
            (10, decimal(bytes, pos, first))
        } else if matches!(bytes.get(pos + 1), Some(b'x' | b'X'))
            && bytes.get(pos + 2).is_some_and(|&d| digit(d) < 16)
        {
            (16, digits::<16>(bytes, pos + 2))
        } else {
            (8, digits::<8>(bytes, pos))
        };
        let Ok(value) = u32::try_from(value) else {
            return Err(AtonFault::Overflow {
                part,
                text: owned(text, pos, end),
            });
        };
        let dot = bytes.get(end) == Some(&b'.');
        if dot && count == 3 {
            return Err(AtonFault::TooManyParts);
        }
        if dot && value > 0xff {
            return Err(AtonFault::ByteTooLarge {
                part,
                text: owned(text, pos, end),
                value,
            });
        }
        // A lone 0 is zero in every base: say decimal.
        let shown = if end - pos == 1 { 10 } else { base };
        parts.part(count, end - pos, shown, value);
        count += 1;
        if !dot {
            let start = pos;
            pos = end;
            break (start, end, base, value);
        }
        leading |= value << (32 - 8 * count);
        pos = end + 1;
    };
    match bytes.get(pos) {
        None => {}
        Some(&b) if is_c_space(b) => {}
        Some(_) => {
            return Err(AtonFault::BadDigit {
                part: count,
                read: owned(text, start, end),
                base: read_base,
                found: found_at(text, pos),
            });
        }
    }
    let offset = count - 1;
    let max = u32::MAX >> (8 * offset);
    if last > max {
        return Err(AtonFault::LastTooLarge {
            text: owned(text, start, end),
            value: last,
            width: 4 - offset,
            max,
        });
    }
    Ok(Scan {
        // At most 4.
        count: count as u8,
        end: pos,
        integer: leading | last,
    })
}

/// The character at byte `pos`, which the scan reached over ASCII only.
fn found_at(text: &str, pos: usize) -> char {
    text.get(pos..)
        .and_then(|s| s.chars().next())
        .unwrap_or('?')
}

#[cold]
fn not_a_digit(text: &str, part: usize, pos: usize) -> AtonFault {
    AtonFault::NotADigit {
        part,
        found: found_at(text, pos),
    }
}

/// `socket.inet_aton`: the 4 bytes, in network order, that
/// [`parse_inet_aton`] reads from the text, read without allocating.
///
/// # Examples
///
/// ```
/// use netlab_core::inet::inet_aton;
///
/// assert_eq!(inet_aton("192.168.1.2").unwrap(), [0xc0, 0xa8, 0x01, 0x02]);
/// assert_eq!(inet_aton("0x7f000001").unwrap(), [127, 0, 0, 1]);
/// assert_eq!(inet_aton("1\0").unwrap_err().to_string(), "embedded null character");
/// ```
pub fn inet_aton(text: &str) -> Result<[u8; 4], InetError> {
    scan_checked(text, &mut ()).map(|scan| scan.integer.to_be_bytes())
}

/// `socket.inet_ntoa`: 4 packed bytes to the address, which prints as a
/// dotted quad. Any other length is CPython's error.
///
/// # Examples
///
/// ```
/// use netlab_core::inet::inet_ntoa;
///
/// assert_eq!(inet_ntoa(&[192, 168, 1, 2]).unwrap().to_string(), "192.168.1.2");
/// assert_eq!(
///     inet_ntoa(&[1, 2, 3]).unwrap_err().to_string(),
///     "packed IP wrong length for inet_ntoa"
/// );
/// ```
pub fn inet_ntoa(bytes: &[u8]) -> Result<Ipv4Addr, InetError> {
    <[u8; 4]>::try_from(bytes)
        .map(Ipv4Addr::from)
        .map_err(|_| InetError::NtoaLength { len: bytes.len() })
}

/// `socket.inet_pton`: strict text to packed bytes. `Inet` takes exactly
/// four decimal octets without leading zeros; `Inet6` takes RFC 4291 text,
/// a dotted quad allowed as the last 32 bits. Nothing else: no whitespace,
/// brackets, prefix length or zone.
///
/// # Examples
///
/// ```
/// use netlab_core::inet::{inet_pton, Family};
///
/// assert_eq!(inet_pton(Family::Inet, "192.168.1.2").unwrap(), [192, 168, 1, 2]);
/// let v6 = inet_pton(Family::Inet6, "::ffff:1.2.3.4").unwrap();
/// assert_eq!(v6[10..], [0xff, 0xff, 1, 2, 3, 4]);
/// assert_eq!(
///     inet_pton(Family::Inet, "01.2.3.4").unwrap_err().to_string(),
///     "illegal IP address string passed to inet_pton"
/// );
/// ```
pub fn inet_pton(family: Family, text: &str) -> Result<Vec<u8>, InetError> {
    if text.contains('\0') {
        return Err(InetError::EmbeddedNul {
            text: text.to_owned(),
        });
    }
    let packed = match family {
        Family::Inet => pton4(text.as_bytes()).map(Vec::from),
        Family::Inet6 => pton6(text.as_bytes()).map(Vec::from),
    };
    packed.ok_or_else(|| InetError::IllegalPton {
        family,
        text: text.to_owned(),
    })
}

/// glibc's `inet_pton4`: four decimal octets, each 0-255 without a leading
/// zero, separated by single dots, and nothing else.
fn pton4(src: &[u8]) -> Option<[u8; 4]> {
    let mut out = [0u8; 4];
    let mut done = 0;
    let mut octet: Option<u16> = None;
    for &ch in src {
        match ch {
            b'0'..=b'9' => {
                let digit = u16::from(ch - b'0');
                let value = match octet {
                    Some(0) => return None,
                    Some(v) => v * 10 + digit,
                    None => digit,
                };
                if value > 255 {
                    return None;
                }
                octet = Some(value);
            }
            b'.' => {
                let value = octet.take()?;
                if done == 3 {
                    return None;
                }
                *out.get_mut(done)? = u8::try_from(value).ok()?;
                done += 1;
            }
            _ => return None,
        }
    }
    if done != 3 {
        return None;
    }
    *out.get_mut(3)? = u8::try_from(octet?).ok()?;
    Some(out)
}

/// glibc's `inet_pton6`, step for step: groups of 1-4 hex digits, one `::`
/// standing for at least one zero group, and a dotted quad allowed where the
/// last two groups would be.
fn pton6(src: &[u8]) -> Option<[u8; 16]> {
    let mut out = [0u8; 16];
    let mut filled = 0;
    let mut gap: Option<usize> = None;
    let mut i = 0;
    match src {
        [] => return None,
        [b':', b':', ..] => i = 1,
        [b':', ..] => return None,
        _ => {}
    }
    let mut token = i;
    let mut digits = 0;
    let mut value: u16 = 0;
    while let Some(&ch) = src.get(i) {
        i += 1;
        if let Some(d) = char::from(ch).to_digit(16) {
            if digits == 4 {
                return None;
            }
            value = (value << 4) | u16::try_from(d).ok()?;
            digits += 1;
            continue;
        }
        if ch == b':' {
            token = i;
            if digits == 0 {
                if gap.is_some() {
                    return None;
                }
                gap = Some(filled);
                continue;
            }
            if i == src.len() {
                return None;
            }
            filled = put(&mut out, filled, &value.to_be_bytes())?;
            digits = 0;
            value = 0;
            continue;
        }
        if ch == b'.'
            && filled + 4 <= 16
            && let Some(quad) = src.get(token..).and_then(pton4)
        {
            filled = put(&mut out, filled, &quad)?;
            digits = 0;
            break;
        }
        return None;
    }
    if digits > 0 {
        filled = put(&mut out, filled, &value.to_be_bytes())?;
    }
    if let Some(gap) = gap {
        // "::" must stand for at least one group.
        if filled == 16 {
            return None;
        }
        let tail = out.get(gap..filled)?.to_vec();
        let mut full = [0u8; 16];
        put(&mut full, 0, out.get(..gap)?)?;
        put(&mut full, 16 - tail.len(), &tail)?;
        out = full;
        filled = 16;
    }
    (filled == 16).then_some(out)
}

/// `socket.inet_ntop`: packed bytes to text. IPv6 comes out as glibc writes
/// it: lowercase hex without leading zeros, the longest run of two or more
/// zero groups as `::` (the first one on a tie), and the last 32 bits as a
/// dotted quad for `::a.b.c.d` (first six groups zero, the seventh not) and
/// `::ffff:a.b.c.d`.
///
/// # Examples
///
/// ```
/// use netlab_core::inet::{inet_ntop, Family};
///
/// assert_eq!(inet_ntop(Family::Inet, &[10, 0, 0, 1]).unwrap(), "10.0.0.1");
/// let mut v6 = [0u8; 16];
/// v6[15] = 1;
/// assert_eq!(inet_ntop(Family::Inet6, &v6).unwrap(), "::1");
/// v6[10] = 0xff;
/// v6[11] = 0xff;
/// assert_eq!(inet_ntop(Family::Inet6, &v6).unwrap(), "::ffff:0.0.0.1");
/// assert_eq!(
///     inet_ntop(Family::Inet6, &[0; 4]).unwrap_err().to_string(),
///     "invalid length of packed IP address string"
/// );
/// ```
pub fn inet_ntop(family: Family, bytes: &[u8]) -> Result<String, InetError> {
    let wrong_length = |_| InetError::PackedLength {
        family,
        len: bytes.len(),
    };
    match family {
        Family::Inet => <[u8; 4]>::try_from(bytes)
            .map(|b| Ipv4Addr::from(b).to_string())
            .map_err(wrong_length),
        Family::Inet6 => <[u8; 16]>::try_from(bytes).map(ntop6).map_err(wrong_length),
    }
}

/// Copies `bytes` into `out` at `at`, returning where the copy ends.
fn put(out: &mut [u8; 16], at: usize, bytes: &[u8]) -> Option<usize> {
    let end = at.checked_add(bytes.len())?;
    out.get_mut(at..end)?.copy_from_slice(bytes);
    Some(end)
}

/// glibc's `inet_ntop6`.
fn ntop6(bytes: [u8; 16]) -> String {
    use fmt::Write as _;

    let words = Ipv6Addr::from(bytes).segments();
    // The longest run of zero groups as (start, length): a later run must be
    // strictly longer to win, and a lone zero group is not compressed. The
    // non-zero sentinel after the last group ends a trailing run.
    let mut longest = (0, 0);
    let mut run_start = None;
    for (i, &word) in words.iter().chain([1].iter()).enumerate() {
        match (word, run_start) {
            (0, None) => run_start = Some(i),
            (0, Some(_)) | (_, None) => {}
            (_, Some(start)) => {
                if i - start > longest.1 {
                    longest = (start, i - start);
                }
                run_start = None;
            }
        }
    }
    let best = (longest.1 >= 2).then_some(longest);
    let embeds_v4 = match best {
        Some((0, 6)) => true,
        Some((0, 5)) => words[5] == 0xffff,
        _ => false,
    };
    let mut text = String::with_capacity(46);
    for (i, &word) in words.iter().enumerate() {
        if let Some((start, len)) = best
            && (start..start + len).contains(&i)
        {
            if i == start {
                text.push(':');
            }
            continue;
        }
        if i != 0 {
            text.push(':');
        }
        if i == 6 && embeds_v4 {
            let v4 = Ipv4Addr::new(bytes[12], bytes[13], bytes[14], bytes[15]);
            let _ = write!(text, "{v4}");
            break;
        }
        let _ = write!(text, "{word:x}");
    }
    if best.is_some_and(|(start, len)| start + len == 8) {
        text.push(':');
    }
    text
}

/// An address as an unsigned integer. IPv4's is a JSON number; IPv6's can
/// exceed 2^53 (the largest integer a JSON number keeps exactly), so JSON
/// gets it as a decimal string, as the subnet counts do.
///
/// # Examples
///
/// ```
/// use netlab_core::inet::AddressInteger;
///
/// assert_eq!(serde_json::to_string(&AddressInteger::V4(1)).unwrap(), "1");
/// assert_eq!(serde_json::to_string(&AddressInteger::V6(1)).unwrap(), "\"1\"");
/// assert_eq!(AddressInteger::V6(1).get(), 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressInteger {
    V4(u32),
    V6(u128),
}

impl AddressInteger {
    /// The integer, whatever the family.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(netlab_core::inet::AddressInteger::V4(7).get(), 7);
    /// ```
    pub fn get(self) -> u128 {
        match self {
            Self::V4(n) => u128::from(n),
            Self::V6(n) => n,
        }
    }
}

impl fmt::Display for AddressInteger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.get())
    }
}

impl Serialize for AddressInteger {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match *self {
            Self::V4(n) => s.serialize_u32(n),
            Self::V6(_) => s.collect_str(self),
        }
    }
}

/// What byte order does to an IPv4 address: the bytes in network order (what
/// `htonl` produces and the wire carries), the same integer as an x86
/// (little-endian) host keeps it in memory, and the wrong address you get by
/// skipping `htonl` or `ntohl`, which reverses the bytes.
///
/// # Examples
///
/// ```
/// use netlab_core::inet::AddressInt;
///
/// let view = AddressInt::parse("192.168.12.87").unwrap().byte_order.unwrap();
/// assert_eq!(view.network_bytes, "c0 a8 0c 57");
/// assert_eq!(view.host_bytes, "57 0c a8 c0");
/// assert_eq!(view.swapped_integer, 0x570ca8c0);
/// assert_eq!(view.swapped_address.to_string(), "87.12.168.192");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ByteOrder {
    /// The 4 bytes in network order (big-endian), as `htonl` lays them out.
    pub network_bytes: String,
    /// The 4 bytes of the plain integer in an x86 host's memory.
    pub host_bytes: String,
    /// The integer a little-endian host reads from network-order bytes when
    /// `ntohl` is forgotten.
    pub swapped_integer: u32,
    /// The address that goes on the wire when `htonl` is forgotten.
    pub swapped_address: Ipv4Addr,
}

/// An address next to its integer, hex and binary forms: `netlab int`.
///
/// # Examples
///
/// ```
/// use netlab_core::inet::AddressInt;
///
/// let v = AddressInt::parse("192.168.12.87").unwrap();
/// assert_eq!(v.integer.get(), 3232238679);
/// assert_eq!(v.hex, "0xc0a80c57");
/// assert_eq!(v.binary, "11000000.10101000.00001100.01010111");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AddressInt {
    pub address: IpAddr,
    pub version: u8,
    pub integer: AddressInteger,
    /// `0x` and every hex digit of the address's width (8 or 32).
    pub hex: String,
    /// Dotted binary for IPv4, colon-separated 16-bit groups for IPv6.
    pub binary: String,
    /// The `htonl`/`ntohl` view; IPv4 only (`None` for IPv6).
    pub byte_order: Option<ByteOrder>,
}

impl AddressInt {
    /// The views of one address.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::inet::AddressInt;
    ///
    /// let v = AddressInt::of("::1".parse().unwrap());
    /// assert_eq!(v.integer.to_string(), "1");
    /// assert_eq!(v.hex, "0x00000000000000000000000000000001");
    /// assert!(v.byte_order.is_none());
    /// ```
    pub fn of(address: IpAddr) -> Self {
        let (version, integer, hex, byte_order) = match address {
            IpAddr::V4(a) => {
                let n = u32::from(a);
                let swapped = n.swap_bytes();
                let order = ByteOrder {
                    network_bytes: spaced_hex(&n.to_be_bytes()),
                    host_bytes: spaced_hex(&n.to_le_bytes()),
                    swapped_integer: swapped,
                    swapped_address: Ipv4Addr::from(swapped),
                };
                (4, AddressInteger::V4(n), format!("{n:#010x}"), Some(order))
            }
            IpAddr::V6(a) => {
                let n = u128::from(a);
                (6, AddressInteger::V6(n), format!("{n:#034x}"), None)
            }
        };
        Self {
            address,
            version,
            integer,
            hex,
            binary: addr::binary(address),
            byte_order,
        }
    }

    /// The views of strict IPv4 or IPv6 text. An integer is refused with a
    /// pointer to [`AddressInt::from_integer`], since it does not say its
    /// family.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::inet::AddressInt;
    ///
    /// assert_eq!(AddressInt::parse("2001:db8::1").unwrap().version, 6);
    /// assert!(AddressInt::parse("3232238679").unwrap_err().to_string().contains("--v4"));
    /// ```
    pub fn parse(text: &str) -> Result<Self, InetError> {
        match addr::parse_ip(text) {
            Ok(address) => Ok(Self::of(address)),
            Err(_)
                if matches!(
                    read_integer(text),
                    IntegerText::Value(_) | IntegerText::TooLarge
                ) =>
            {
                Err(InetError::IntegerWithoutFamily(text.to_owned()))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The views of the address whose integer is `text`.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::inet::{AddressInt, Family};
    ///
    /// let v = AddressInt::from_integer("0xc0a80c57", Family::Inet).unwrap();
    /// assert_eq!(v.address.to_string(), "192.168.12.87");
    /// ```
    pub fn from_integer(text: &str, family: Family) -> Result<Self, InetError> {
        parse_address_integer(text, family).map(Self::of)
    }
}

/// What `read_integer` made of a text.
enum IntegerText {
    Invalid,
    TooLarge,
    Value(u128),
}

fn read_integer(text: &str) -> IntegerText {
    let (digits, radix) = match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => (hex, 16),
        None => (text, 10),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return IntegerText::Invalid;
    }
    match u128::from_str_radix(digits, radix) {
        Ok(n) => IntegerText::Value(n),
        Err(_) => IntegerText::TooLarge,
    }
}

/// The address whose integer is `text`: decimal, or hex with `0x`, at most
/// 2^32-1 for `Inet` and 2^128-1 for `Inet6`. Leading zeros are plain
/// decimal here: this is an integer, not `inet_aton`.
///
/// # Examples
///
/// ```
/// use netlab_core::inet::{parse_address_integer, Family};
///
/// assert_eq!(parse_address_integer("2130706433", Family::Inet).unwrap().to_string(), "127.0.0.1");
/// assert_eq!(parse_address_integer("0x1", Family::Inet6).unwrap().to_string(), "::1");
/// assert_eq!(
///     parse_address_integer("4294967296", Family::Inet).unwrap_err().to_string(),
///     "4294967296 is above 4294967295, the largest IPv4 address as an integer"
/// );
/// ```
pub fn parse_address_integer(text: &str, family: Family) -> Result<IpAddr, InetError> {
    let (version, max) = match family {
        Family::Inet => (4, u128::from(u32::MAX)),
        Family::Inet6 => (6, u128::MAX),
    };
    let too_large = || InetError::IntegerTooLarge {
        text: text.to_owned(),
        version,
        max,
    };
    let n = match read_integer(text) {
        IntegerText::Value(n) => n,
        IntegerText::TooLarge => return Err(too_large()),
        IntegerText::Invalid => return Err(InetError::NotAnInteger(text.to_owned())),
    };
    match family {
        Family::Inet => u32::try_from(n)
            .map(|n| IpAddr::V4(Ipv4Addr::from(n)))
            .map_err(|_| too_large()),
        Family::Inet6 => Ok(IpAddr::V6(Ipv6Addr::from(n))),
    }
}

fn spaced_hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod test {
    use super::*;
    use proptest::prelude::*;

    fn aton_fault(text: &str) -> AtonFault {
        match parse_inet_aton(text) {
            Err(InetError::IllegalAton { fault, .. }) => fault,
            other => panic!("{text:?}: {other:?}"),
        }
    }

    #[test]
    fn aton_names_a_full_width_character() {
        assert_eq!(
            aton_fault("１２７.0.0.1"),
            AtonFault::FullWidth {
                part: 1,
                found: '１',
                ascii: '1'
            }
        );
        assert_eq!(
            aton_fault("127．1"),
            AtonFault::FullWidth {
                part: 1,
                found: '．',
                ascii: '.'
            }
        );
        // After the first whitespace glibc reads nothing: no fault there.
        assert!(parse_inet_aton("127.0.0.1 １").is_ok());
        // CPython's own words stay as they are.
        assert_eq!(
            parse_inet_aton("１").unwrap_err().to_string(),
            "illegal IP address string passed to inet_aton"
        );
    }

    #[test]
    fn aton_reads_legacy_forms() {
        for (text, dotted) in [
            ("127.1", "127.0.0.1"),
            ("0127.0.0.1", "87.0.0.1"),
            ("0x7f.1", "127.0.0.1"),
            ("2130706433", "127.0.0.1"),
            ("017700000001", "127.0.0.1"),
            ("1.2.65535", "1.2.255.255"),
            ("1.16777215", "1.255.255.255"),
            ("0xFFFFFFFF", "255.255.255.255"),
            ("0.0.0.0", "0.0.0.0"),
            ("1.2.3.4\t\tx", "1.2.3.4"),
            ("1.2.3 4", "1.2.0.3"),
        ] {
            assert_eq!(
                parse_inet_aton(text).unwrap().dotted.to_string(),
                dotted,
                "{text}"
            );
        }
    }

    #[test]
    fn aton_explains_each_part() {
        let r = parse_inet_aton("0x0a.010.1 rest").unwrap();
        let read: Vec<_> = r
            .parts
            .iter()
            .map(|p| (p.text, p.base, p.value, p.offset, p.width))
            .collect();
        assert_eq!(
            read,
            [
                ("0x0a", 16, 10, 0, 1),
                ("010", 8, 8, 1, 1),
                ("1", 10, 1, 2, 2)
            ]
        );
        assert_eq!(r.ignored, Some(" rest"));
        assert_eq!(r.hex, "0a080001");
        assert_eq!(parse_inet_aton("0").unwrap().parts[0].base, 10);
        assert_eq!(parse_inet_aton("00").unwrap().parts[0].base, 8);
    }

    #[test]
    fn aton_faults_name_the_step() {
        assert_eq!(aton_fault(""), AtonFault::Empty);
        assert_eq!(aton_fault("1.2.3."), AtonFault::MissingNumber { part: 4 });
        assert_eq!(aton_fault("1..2"), AtonFault::MissingNumber { part: 2 });
        assert_eq!(
            aton_fault(" 1"),
            AtonFault::NotADigit {
                part: 1,
                found: ' '
            }
        );
        assert_eq!(
            aton_fault("1.é"),
            AtonFault::NotADigit {
                part: 2,
                found: 'é'
            }
        );
        assert_eq!(aton_fault("1.2.3.4.5"), AtonFault::TooManyParts);
        assert_eq!(aton_fault("1.2.3.4."), AtonFault::TooManyParts);
        assert!(matches!(
            aton_fault("256.1"),
            AtonFault::ByteTooLarge {
                part: 1,
                value: 256,
                ..
            }
        ));
        assert!(matches!(
            aton_fault("4294967296"),
            AtonFault::Overflow { part: 1, .. }
        ));
        assert!(matches!(
            aton_fault("1.0x"),
            AtonFault::BadDigit {
                part: 2,
                found: 'x',
                ..
            }
        ));
        assert!(matches!(
            aton_fault("1\u{a0}"),
            AtonFault::BadDigit {
                found: '\u{a0}',
                ..
            }
        ));
        assert_eq!(
            aton_fault("1.2.65536"),
            AtonFault::LastTooLarge {
                text: "65536".into(),
                value: 65536,
                width: 2,
                max: 65535
            }
        );
        assert_eq!(
            aton_fault("0x").to_string(),
            "part 1: '0x' must be followed by at least one hex digit"
        );
        assert_eq!(
            aton_fault("09").to_string(),
            "part 1: '9' after '0' is not an octal digit (a leading 0 means octal), a dot or whitespace"
        );
    }

    #[test]
    fn nul_is_refused_before_parsing() {
        for text in ["\0", "1\0", "1.2.3.4 \0"] {
            assert!(matches!(
                parse_inet_aton(text),
                Err(InetError::EmbeddedNul { .. })
            ));
            assert!(matches!(
                inet_pton(Family::Inet6, text),
                Err(InetError::EmbeddedNul { .. })
            ));
        }
    }

    #[test]
    fn pton_follows_glibc() {
        let ok6 = |t: &str| inet_pton(Family::Inet6, t).is_ok();
        assert!(ok6("::") && ok6("1:2:3:4:5:6:7::") && ok6("1:2:3:4:5::1.2.3.4"));
        assert!(!ok6(":::") && !ok6("1:2:3:4:5:6::1.2.3.4") && !ok6("1::2:") && !ok6("::01.2.3.4"));
        assert!(!ok6("::1:2:3:4:5:6:7:8") && !ok6("::12345") && !ok6("fe80::1%eth0"));
        let ok4 = |t: &str| inet_pton(Family::Inet, t).is_ok();
        assert!(ok4("0.0.0.0") && !ok4("1.2.3.4.") && !ok4("1.2.3.00") && !ok4("1.2.3"));
    }

    #[test]
    fn ntop6_prints_as_glibc() {
        let text = |hex: &str| {
            let bytes: Vec<u8> = (0..16)
                .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
                .collect();
            inet_ntop(Family::Inet6, &bytes).unwrap()
        };
        assert_eq!(text("00000000000000000000000000000000"), "::");
        assert_eq!(text("00000000000000000000000001020304"), "::1.2.3.4");
        assert_eq!(text("00000000000000000000ffff00000000"), "::ffff:0.0.0.0");
        assert_eq!(text("0000000000000000000000000000ffff"), "::ffff");
        assert_eq!(text("00000000000000000000000000010000"), "::0.1.0.0");
        assert_eq!(text("0000000000000000ffff000001020304"), "::ffff:0:102:304");
        assert_eq!(
            text("20010db8000000000001000000000001"),
            "2001:db8::1:0:0:1"
        );
        assert_eq!(text("00010000000100000000000000000000"), "1:0:1::");
    }

    #[test]
    fn integer_views() {
        let v = AddressInt::from_integer("3232238679", Family::Inet).unwrap();
        assert_eq!(v.address.to_string(), "192.168.12.87");
        let json = serde_json::to_value(&v).unwrap();
        assert_eq!(json["integer"], 3232238679u32);
        assert_eq!(json["byte_order"]["swapped_address"], "87.12.168.192");
        let v6 = AddressInt::from_integer(&u128::MAX.to_string(), Family::Inet6).unwrap();
        assert_eq!(
            serde_json::to_value(&v6).unwrap()["integer"],
            u128::MAX.to_string()
        );
        assert!(matches!(
            parse_address_integer("0x", Family::Inet),
            Err(InetError::NotAnInteger(_))
        ));
        assert!(matches!(
            parse_address_integer("-1", Family::Inet),
            Err(InetError::NotAnInteger(_))
        ));
        assert!(matches!(
            parse_address_integer(&format!("{}0", u128::MAX), Family::Inet6),
            Err(InetError::IntegerTooLarge { .. })
        ));
        assert!(matches!(
            AddressInt::parse("1.2.3"),
            Err(InetError::Address(_))
        ));
    }

    #[test]
    fn families_parse_by_name() {
        assert_eq!("AF_INET6".parse::<Family>().unwrap(), Family::Inet6);
        assert_eq!(
            "inet4".parse::<Family>().unwrap_err().to_string(),
            "unknown address family 'inet4': use inet (AF_INET, IPv4) or inet6 (AF_INET6, IPv6)"
        );
    }

    proptest! {
        #[test]
        fn pton6_reads_what_ntop6_writes(bytes in any::<[u8; 16]>()) {
            let text = inet_ntop(Family::Inet6, &bytes).unwrap();
            prop_assert_eq!(inet_pton(Family::Inet6, &text).unwrap(), bytes.to_vec());
        }

        #[test]
        fn pton6_reads_what_ntop6_writes_sparse(words in proptest::array::uniform8(prop_oneof![3 => Just(0u16), 1 => any::<u16>()])) {
            let bytes = Ipv6Addr::from(words).octets();
            let text = inet_ntop(Family::Inet6, &bytes).unwrap();
            prop_assert_eq!(inet_pton(Family::Inet6, &text).unwrap(), bytes.to_vec());
        }

        #[test]
        fn ntoa_undoes_aton_on_a_dotted_quad(bytes in any::<[u8; 4]>()) {
            let dotted = Ipv4Addr::from(bytes).to_string();
            let packed = inet_aton(&dotted).unwrap();
            prop_assert_eq!(inet_ntoa(&packed).unwrap().to_string(), dotted);
        }

        #[test]
        fn aton_agrees_with_pton_where_pton_accepts(text in "[0-9.]{0,16}") {
            if let Ok(packed) = inet_pton(Family::Inet, &text) {
                prop_assert_eq!(inet_aton(&text).unwrap().to_vec(), packed);
            }
        }

        #[test]
        fn nothing_panics(text in "\\PC{0,24}") {
            let _ = parse_inet_aton(&text);
            let _ = inet_pton(Family::Inet, &text);
            let _ = inet_pton(Family::Inet6, &text);
            let _ = AddressInt::parse(&text);
            let _ = parse_address_integer(&text, Family::Inet);
        }
    }
}
