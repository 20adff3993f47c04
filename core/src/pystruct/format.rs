//! The format language: one table of codes, and the parser that turns a
//! format string into items with their offsets, exactly as CPython's
//! `prepare_s` does (same order of checks, same overflow limits).

use serde::Serialize;

use super::error::FormatError;

/// The largest size CPython accepts: `PY_SSIZE_T_MAX` on x86_64. Sizes are
/// `u64` everywhere (not `usize`) so a 32-bit build (the browser) agrees.
///
/// # Examples
///
/// ```
/// use netlab_core::pystruct::{calcsize, MAX_SIZE};
///
/// assert_eq!(calcsize("9223372036854775807x").unwrap(), MAX_SIZE);
/// assert!(calcsize("9223372036854775807xb").is_err());
/// ```
pub const MAX_SIZE: u64 = i64::MAX as u64;

/// How a format's first character sets byte order, sizes and alignment.
///
/// # Examples
///
/// ```
/// use netlab_core::pystruct::{Mode, Struct};
///
/// assert_eq!(Struct::new("!I").unwrap().mode(), Mode::Big);
/// assert_eq!(Struct::new("=I").unwrap().mode(), Mode::Little);
/// assert_eq!(Struct::new("I").unwrap().mode(), Mode::Native);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// `@` or no prefix: the machine's byte order (little-endian on
    /// x86_64), C sizes (`l` is 8 bytes) and C alignment.
    Native,
    /// `<`, and `=` on a little-endian machine: standard sizes, no padding.
    Little,
    /// `>` and `!` (network order): standard sizes, no padding.
    Big,
}

impl Mode {
    /// The mode a format's first character selects, and whether that
    /// character is a prefix (and so not a code).
    fn of(first: Option<u8>) -> (Self, bool) {
        match first {
            Some(b'@') => (Self::Native, true),
            Some(b'<' | b'=') => (Self::Little, true),
            Some(b'>' | b'!') => (Self::Big, true),
            _ => (Self::Native, false),
        }
    }

    /// True for the modes that store the least significant byte first
    /// (native included: CPython's oracle here is x86_64).
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::pystruct::Mode;
    ///
    /// assert!(Mode::Native.little_endian());
    /// assert!(!Mode::Big.little_endian());
    /// ```
    pub fn little_endian(self) -> bool {
        !matches!(self, Self::Big)
    }

    /// A phrase for learners: `native order, sizes and alignment`.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::pystruct::Mode;
    ///
    /// assert_eq!(Mode::Big.describe(), "big-endian, standard sizes, no alignment");
    /// ```
    pub fn describe(self) -> &'static str {
        match self {
            Self::Native => "native (little-endian on x86_64), native sizes and alignment",
            Self::Little => "little-endian, standard sizes, no alignment",
            Self::Big => "big-endian, standard sizes, no alignment",
        }
    }
}

/// What a code holds, which decides the Python type it packs and unpacks.
///
/// # Examples
///
/// ```
/// use netlab_core::pystruct::{Kind, Struct};
///
/// let layout = Struct::new("xc?HqfsP").unwrap().layout();
/// let kinds: Vec<Kind> = layout.items.iter().map(|i| i.kind).collect();
/// assert_eq!(kinds[..3], [Kind::Pad, Kind::Char, Kind::Bool]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// `x`: a zero byte, no value.
    Pad,
    /// `c`: bytes of length 1.
    Char,
    /// `s`: bytes, NUL-padded or truncated to the count.
    Bytes,
    /// `p`: a length byte, then bytes (a Pascal string).
    Pascal,
    /// `?`: a bool, packed from any value's truthiness.
    Bool,
    /// `b h i l q n`: a two's complement integer.
    Signed,
    /// `B H I L Q N P`: an unsigned integer (`P` also takes negatives).
    Unsigned,
    /// `e f d`: an IEEE 754 binary16, binary32 or binary64 float.
    Float,
}

/// One format code: what it holds, its native size and alignment on
/// x86_64 Linux, and its standard size (`None`: native only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Def {
    pub code: u8,
    pub kind: Kind,
    pub native_size: u8,
    pub native_align: u8,
    pub standard_size: Option<u8>,
}

const fn def(code: u8, kind: Kind, native: (u8, u8), standard: Option<u8>) -> Def {
    Def {
        code,
        kind,
        native_size: native.0,
        native_align: native.1,
        standard_size: standard,
    }
}

/// The one table of codes, in CPython's order; the parser, the packer, the
/// unpacker and the layout all read it.
const TABLE: [Def; 21] = [
    def(b'x', Kind::Pad, (1, 0), Some(1)),
    def(b'b', Kind::Signed, (1, 0), Some(1)),
    def(b'B', Kind::Unsigned, (1, 0), Some(1)),
    def(b'c', Kind::Char, (1, 0), Some(1)),
    def(b's', Kind::Bytes, (1, 0), Some(1)),
    def(b'p', Kind::Pascal, (1, 0), Some(1)),
    def(b'h', Kind::Signed, (2, 2), Some(2)),
    def(b'H', Kind::Unsigned, (2, 2), Some(2)),
    def(b'i', Kind::Signed, (4, 4), Some(4)),
    def(b'I', Kind::Unsigned, (4, 4), Some(4)),
    def(b'l', Kind::Signed, (8, 8), Some(4)),
    def(b'L', Kind::Unsigned, (8, 8), Some(4)),
    def(b'q', Kind::Signed, (8, 8), Some(8)),
    def(b'Q', Kind::Unsigned, (8, 8), Some(8)),
    def(b'n', Kind::Signed, (8, 8), None),
    def(b'N', Kind::Unsigned, (8, 8), None),
    def(b'?', Kind::Bool, (1, 1), Some(1)),
    def(b'e', Kind::Float, (2, 2), Some(2)),
    def(b'f', Kind::Float, (4, 4), Some(4)),
    def(b'd', Kind::Float, (8, 8), Some(8)),
    def(b'P', Kind::Unsigned, (8, 8), None),
];

/// The size and alignment of `code` in `mode`, or `None` if the mode has no
/// such code.
fn lookup(code: u8, mode: Mode) -> Option<(&'static Def, u64, u64)> {
    let d = TABLE.iter().find(|d| d.code == code)?;
    match mode {
        Mode::Native => Some((d, d.native_size.into(), d.native_align.into())),
        Mode::Little | Mode::Big => d.standard_size.map(|s| (d, s.into(), 0)),
    }
}

/// CPython's `Py_ISSPACE`: unlike `u8::is_ascii_whitespace`, it includes
/// the vertical tab.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// One item of a format: a code with its repeat count, placed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Item {
    pub def: &'static Def,
    /// The repeat count (the length for `s` and `p`).
    pub count: u64,
    /// The size of one repeat (1 for `s` and `p`).
    pub unit: u64,
    /// The offset of the first byte, after any alignment padding.
    pub offset: u64,
    /// Bytes of alignment padding inserted before the item.
    pub padding: u64,
    /// The index of the item's first value.
    pub first_value: u64,
    /// Where the item starts in the format (its count, else its code).
    pub position: usize,
}

impl Item {
    pub(crate) fn code(&self) -> char {
        char::from(self.def.code)
    }

    /// The bytes the item covers: `count * unit`.
    pub(crate) fn size(&self) -> u64 {
        // The parser checked that this product fits.
        self.count.saturating_mul(self.unit)
    }

    /// How many values the item takes: one for `s` and `p`, none for `x`.
    pub(crate) fn values(&self) -> u64 {
        match self.def.kind {
            Kind::Pad => 0,
            Kind::Bytes | Kind::Pascal => 1,
            _ => self.count,
        }
    }
}

/// A compiled format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Parsed {
    pub mode: Mode,
    pub items: Vec<Item>,
    pub size: u64,
    pub values: u64,
}

/// Compiles a format as CPython does: encode to ASCII, reject NUL, then one
/// pass over the items checking each count, code, alignment and size.
pub(crate) fn parse(format: &str) -> Result<Parsed, FormatError> {
    check_ascii(format)?;
    let bytes = format.as_bytes();
    if let Some(position) = bytes.iter().position(|&b| b == 0) {
        return Err(FormatError::EmbeddedNul { position });
    }
    let (mode, has_prefix) = Mode::of(bytes.first().copied());
    let mut i = usize::from(has_prefix);
    let mut size: u64 = 0;
    let mut values: u64 = 0;
    let mut items = Vec::new();
    while let Some(&b) = bytes.get(i) {
        if is_space(b) {
            i += 1;
            continue;
        }
        let position = i;
        let too_long = |ch| FormatError::SizeTooLong { ch, position };
        let count = if b.is_ascii_digit() {
            let mut n: u64 = 0;
            while let Some(&d) = bytes.get(i).filter(|d| d.is_ascii_digit()) {
                n = n
                    .checked_mul(10)
                    .and_then(|n| n.checked_add(u64::from(d - b'0')))
                    .filter(|&n| n <= MAX_SIZE)
                    .ok_or(too_long(None))?;
                i += 1;
            }
            n
        } else {
            1
        };
        let Some(&code) = bytes.get(i) else {
            return Err(FormatError::RepeatWithoutCode { position });
        };
        let ch = char::from(code);
        let (def, unit, align) =
            lookup(code, mode).ok_or(FormatError::BadChar { ch, position: i })?;
        i += 1;
        let mut padding = 0;
        if align > 0 && size > 0 {
            padding = (align - 1) - (size - 1) % align;
            if padding > MAX_SIZE - size {
                return Err(too_long(Some(ch)));
            }
        }
        let offset = size + padding;
        if count > (MAX_SIZE - offset) / unit {
            return Err(too_long(Some(ch)));
        }
        let item = Item {
            def,
            count,
            unit,
            offset,
            padding,
            first_value: values,
            position,
        };
        // At most MAX_SIZE plus one per item: no overflow in a u64.
        values = values.saturating_add(item.values());
        size = offset + count * unit;
        items.push(item);
    }
    Ok(Parsed {
        mode,
        items,
        size,
        values,
    })
}

/// Python encodes a `str` format to ASCII first, and reports the first run
/// of characters it cannot encode, counted in characters.
fn check_ascii(format: &str) -> Result<(), FormatError> {
    let mut chars = format.chars().enumerate().skip_while(|(_, c)| c.is_ascii());
    let Some((position, ch)) = chars.next() else {
        return Ok(());
    };
    let run = chars.take_while(|(_, c)| !c.is_ascii()).count();
    Err(FormatError::NotAscii {
        ch,
        position,
        end: position + 1 + run,
    })
}

#[cfg(test)]
mod test {
    use super::*;

    fn size(f: &str) -> u64 {
        parse(f).unwrap().size
    }

    fn err(f: &str) -> FormatError {
        parse(f).unwrap_err()
    }

    #[test]
    fn native_aligns_and_standard_packs() {
        assert_eq!(size("bq"), 16);
        assert_eq!(size("<bq"), 9);
        assert_eq!(size("b0i"), 4);
        assert_eq!(size("b0x"), 1);
        assert_eq!(size("be"), 4);
        assert_eq!(size("l"), 8);
        assert_eq!(size("=l"), 4);
        assert_eq!(size(""), 0);
        assert_eq!(size("@"), 0);
        let p = parse("c i 3s").unwrap();
        let offsets: Vec<_> = p.items.iter().map(|i| (i.offset, i.padding)).collect();
        assert_eq!(offsets, [(0, 0), (4, 3), (8, 0)]);
        assert_eq!(p.values, 3);
    }

    #[test]
    fn whitespace_is_cpythons() {
        assert_eq!(size("\x0bi\x0c"), 4);
        assert_eq!(
            err("\x1ci"),
            FormatError::BadChar {
                ch: '\x1c',
                position: 0
            }
        );
        assert_eq!(
            err("3 i"),
            FormatError::BadChar {
                ch: ' ',
                position: 1
            }
        );
        assert_eq!(
            err(" < i"),
            FormatError::BadChar {
                ch: '<',
                position: 1
            }
        );
    }

    #[test]
    fn sizes_stop_at_isize_max() {
        assert_eq!(size("9223372036854775807x"), MAX_SIZE);
        assert_eq!(size("9223372036854775806xb"), MAX_SIZE);
        let long = FormatError::SizeTooLong {
            ch: None,
            position: 0,
        };
        assert_eq!(err("99999999999999999999Z"), long);
        assert_eq!(err("9223372036854775808"), long);
        assert!(matches!(
            err("9223372036854775806xh"),
            FormatError::SizeTooLong { ch: Some('h'), .. }
        ));
        assert!(matches!(
            err("2305843009213693952i"),
            FormatError::SizeTooLong {
                ch: Some('i'),
                position: 0
            }
        ));
    }

    #[test]
    fn checks_run_in_cpythons_order() {
        assert_eq!(
            err("é\0"),
            FormatError::NotAscii {
                ch: 'é',
                position: 0,
                end: 1
            }
        );
        assert_eq!(err("Z\0"), FormatError::EmbeddedNul { position: 1 });
        assert_eq!(err("i3"), FormatError::RepeatWithoutCode { position: 1 });
        assert_eq!(
            err(">P"),
            FormatError::BadChar {
                ch: 'P',
                position: 1
            }
        );
        assert_eq!(
            err("ié€a😀"),
            FormatError::NotAscii {
                ch: 'é',
                position: 1,
                end: 3
            }
        );
    }
}
