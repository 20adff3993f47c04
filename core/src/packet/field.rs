//! Field descriptors: one table per header, read by the parser, the
//! emitter and the annotation alike.
//!
//! A header's private `mod field` lists its fields as [`FieldSpec`]
//! constants: the name a learner sees, where the field sits (bits from the
//! header's first bit, most significant bit first, the way the RFC
//! diagrams draw them), how wide it is, what it means, and whether the
//! sender computes it (lengths and checksums). The views' getters and
//! setters go through [`FieldSpec::get`] and [`FieldSpec::set`] on those
//! constants, and the annotation walks the same constants to name every
//! byte, so an offset is written down exactly once.

use std::fmt::Write as _;
use std::ops::Range;

use serde::Serialize;

/// How a field's value reads for a learner.
#[derive(Debug, Clone, Copy)]
pub enum Format {
    /// A decimal number: ports, lengths, TTL.
    Dec,
    /// Hexadecimal, zero-padded to the field's width: `0x0800`.
    Hex,
    /// One bit: `Set` or `Not set`, as Wireshark says it.
    Flag,
    /// Four bytes as a dotted quad.
    Ipv4,
    /// Sixteen bytes in RFC 5952 text.
    Ipv6,
    /// Six bytes as `02:00:00:00:00:01`.
    Mac,
    /// Raw bytes in hex: options, padding.
    Bytes,
    /// Raw bytes as Python writes a `bytes` literal (`b'hello'`), the form
    /// the seeds' `sk.send(b'hello')` uses.
    PyBytes,
    /// A number with words after it (`6 (TCP)`, `0x0800 (IPv4)`).
    Custom(fn(u64) -> String),
}

/// One field of a header: its place, its width and what it is for.
///
/// # Examples
///
/// ```
/// use netlab_core::packet::{FieldSpec, ipv4};
///
/// let ttl: &FieldSpec = ipv4::FIELDS.iter().find(|f| f.name == "Time to Live").unwrap();
/// assert_eq!((ttl.bit_offset, ttl.bits, ttl.bytes()), (64, 8, 8..9));
/// assert_eq!(ttl.get(&[0x45, 0, 0, 20, 0, 0, 0, 0, 64, 6]), 64);
/// ```
#[derive(Debug, Clone, Copy, Serialize)]
pub struct FieldSpec {
    /// The name the RFC (and Wireshark) give it.
    pub name: &'static str,
    /// Bits from the first bit of the header (or option) to the field's
    /// most significant bit.
    pub bit_offset: usize,
    /// Width in bits; 0 for a part whose width only the packet knows
    /// (options, payload), sized with [`FieldSpec::sized`].
    pub bits: usize,
    /// What the field is for, in a sentence.
    pub meaning: &'static str,
    /// Computed by the sender from the rest (lengths, checksums), never
    /// chosen.
    pub derived: bool,
    #[serde(skip)]
    pub format: Format,
    /// Wireshark's display-filter name for the same field (`tcp.srcport`),
    /// empty when Wireshark has none.
    pub wireshark: &'static str,
    /// Sub-fields inside this one (the flag bits of `Flags`).
    pub children: &'static [FieldSpec],
}

impl FieldSpec {
    /// A decimal field with no meaning, filter name or children yet.
    pub const fn new(name: &'static str, bit_offset: usize, bits: usize) -> Self {
        Self {
            name,
            bit_offset,
            bits,
            meaning: "",
            derived: false,
            format: Format::Dec,
            wireshark: "",
            children: &[],
        }
    }

    pub const fn about(mut self, meaning: &'static str) -> Self {
        self.meaning = meaning;
        self
    }

    pub const fn ws(mut self, wireshark: &'static str) -> Self {
        self.wireshark = wireshark;
        self
    }

    pub const fn show(mut self, format: Format) -> Self {
        self.format = format;
        self
    }

    /// Marks the field as computed by the sender (lengths, checksums).
    pub const fn derived(mut self) -> Self {
        self.derived = true;
        self
    }

    pub const fn with(mut self, children: &'static [FieldSpec]) -> Self {
        self.children = children;
        self
    }

    /// The same field `bits` wide: for parts only the packet can size.
    pub const fn sized(mut self, bits: usize) -> Self {
        self.bits = bits;
        self
    }

    /// The same field moved to `bit_offset`.
    pub const fn at(mut self, bit_offset: usize) -> Self {
        self.bit_offset = bit_offset;
        self
    }

    /// The bytes the field touches, from the header's first byte.
    #[inline]
    pub const fn bytes(&self) -> Range<usize> {
        self.bit_offset / 8..(self.bit_offset + self.bits).div_ceil(8)
    }

    /// Whether the field starts and ends on byte boundaries.
    pub const fn is_aligned(&self) -> bool {
        self.bit_offset.is_multiple_of(8) && self.bits.is_multiple_of(8)
    }

    /// The field's value, for fields up to 64 bits.
    ///
    /// # Panics
    ///
    /// If `data` ends before the field does: the views check lengths in
    /// `new_checked` first, as smoltcp's do.
    #[inline]
    pub fn get(&self, data: &[u8]) -> u64 {
        debug_assert!(self.bits <= 64, "{} is wider than 64 bits", self.name);
        let range = self.bytes();
        let width = range.len() * 8;
        let acc = data[range]
            .iter()
            .fold(0u128, |acc, &b| (acc << 8) | u128::from(b));
        let shift = width - self.bit_offset % 8 - self.bits;
        ((acc >> shift) & mask(self.bits)) as u64
    }

    /// Writes `value` into the field, leaving the bits around it alone.
    /// Bits of `value` beyond the field's width are dropped.
    ///
    /// # Panics
    ///
    /// If `data` ends before the field does.
    #[inline]
    pub fn set(&self, data: &mut [u8], value: u64) {
        debug_assert!(self.bits <= 64, "{} is wider than 64 bits", self.name);
        let range = self.bytes();
        let width = range.len() * 8;
        let shift = width - self.bit_offset % 8 - self.bits;
        let bytes = &mut data[range];
        let mut acc = bytes
            .iter()
            .fold(0u128, |acc, &b| (acc << 8) | u128::from(b));
        let m = mask(self.bits) << shift;
        acc = (acc & !m) | ((u128::from(value) << shift) & m);
        for (i, b) in bytes.iter_mut().rev().enumerate() {
            *b = (acc >> (8 * i)) as u8;
        }
    }

    /// The field's bytes, for byte-aligned fields (addresses, options).
    ///
    /// # Panics
    ///
    /// If `data` ends before the field does.
    pub fn slice<'a>(&self, data: &'a [u8]) -> &'a [u8] {
        &data[self.bytes()]
    }

    /// The field's bytes, writable.
    ///
    /// # Panics
    ///
    /// If `data` ends before the field does.
    pub fn slice_mut<'a>(&self, data: &'a mut [u8]) -> &'a mut [u8] {
        &mut data[self.bytes()]
    }
}

#[inline]
fn mask(bits: usize) -> u128 {
    (1u128 << bits) - 1
}

/// Bytes as Python's `repr` of a `bytes` object writes them: printable
/// ASCII as itself, `\t \n \r \\` escaped, the rest as `\xNN`, in single
/// quotes unless the bytes hold a `'` and no `"`.
///
/// # Examples
///
/// ```
/// use netlab_core::packet::field::py_bytes;
///
/// assert_eq!(py_bytes(b"hello"), "b'hello'");
/// assert_eq!(py_bytes(b"it's\r\n\x00"), r#"b"it's\r\n\x00""#);
/// ```
pub fn py_bytes(data: &[u8]) -> String {
    let quote = if data.contains(&b'\'') && !data.contains(&b'"') {
        '"'
    } else {
        '\''
    };
    let mut s = String::with_capacity(data.len() + 3);
    s.push('b');
    s.push(quote);
    for &b in data {
        match b {
            b'\t' => s.push_str("\\t"),
            b'\n' => s.push_str("\\n"),
            b'\r' => s.push_str("\\r"),
            b'\\' => s.push_str("\\\\"),
            _ if char::from(b) == quote => {
                s.push('\\');
                s.push(quote);
            }
            0x20..=0x7e => s.push(char::from(b)),
            _ => {
                let _ = write!(s, "\\x{b:02x}");
            }
        }
    }
    s.push(quote);
    s
}

/// Lowercase hex without separators, the form JSON carries bytes in.
///
/// `const-hex` (the `hex` crate's API with SIMD inside, for x86-64,
/// aarch64 and wasm32): a dissection writes a 1,514-byte frame out whole
/// and its payload again, and with the `hex` crate's table lookup that
/// was a quarter of an annotated dissection's time; `write!` with `{:02x}`
/// per byte, before it, was 90%.
pub fn hex(data: &[u8]) -> String {
    const_hex::encode(data)
}

#[cfg(test)]
mod test {
    use super::*;

    const FLAGS: FieldSpec = FieldSpec::new("Flags", 48, 3);
    const FRAG: FieldSpec = FieldSpec::new("Fragment Offset", 51, 13);
    const ADDR: FieldSpec = FieldSpec::new("Address", 96, 32);

    #[test]
    fn bit_fields_read_and_write_in_place() {
        let mut data = [0u8; 20];
        data[6] = 0x5f;
        data[7] = 0xff;
        assert_eq!(FLAGS.get(&data), 0b010);
        assert_eq!(FRAG.get(&data), 0x1fff);
        FRAG.set(&mut data, 0x0123);
        assert_eq!(&data[6..8], &[0x41, 0x23]);
        FLAGS.set(&mut data, 0b101);
        assert_eq!(&data[6..8], &[0xa1, 0x23]);
        assert_eq!(FRAG.get(&data), 0x0123);
        ADDR.set(&mut data, 0xc0a8_0c01);
        assert_eq!(&data[12..16], &[192, 168, 12, 1]);
        assert_eq!(ADDR.slice(&data), &[192, 168, 12, 1]);
        assert_eq!(FRAG.bytes(), 6..8);
        assert!(!FLAGS.is_aligned() && ADDR.is_aligned());
    }

    #[test]
    fn wide_and_odd_fields() {
        let wide = FieldSpec::new("Wide", 4, 64);
        let mut data = [0u8; 9];
        wide.set(&mut data, u64::MAX);
        assert_eq!(data, [0x0f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xf0]);
        assert_eq!(wide.get(&data), u64::MAX);
        let bit = FieldSpec::new("Bit", 7, 1);
        bit.set(&mut data, 0);
        assert_eq!(data[0], 0x0e);
    }

    #[test]
    fn python_bytes_repr() {
        assert_eq!(py_bytes(b""), "b''");
        assert_eq!(py_bytes(b"a'b\"c"), r#"b'a\'b"c'"#);
        assert_eq!(py_bytes(b"\\\x7f\xff\t"), r"b'\\\x7f\xff\t'");
        assert_eq!(hex(&[0, 0xab]), "00ab");
    }
}
