//! CPython's `struct` module, exact to the byte and to the error message
//! (CPython 3.11 on x86_64 Linux), so a learner can pack a header here and
//! get what `struct.pack` gives, or the error Python would raise.
//!
//! The oracle is CPython itself: `tests/vectors/gen_struct.py` records tens
//! of thousands of calls and `tests/tests/struct_cpython.rs` requires every
//! one to agree. Where CPython is odd, netlab is odd the same way:
//!
//! - the wording of a range error depends on the C function CPython packs
//!   with, so `<h` and `h` say `short format requires …` but `>h` says
//!   `'h' format requires …`; `>q` and `P` overflow with `int too large to
//!   convert`, the others with `argument out of range`;
//! - native `f` packs an overflowing float as infinity, `<f` and `>f`
//!   raise `OverflowError`; an int too large for `e` or standard `f` is a
//!   `struct.error` instead;
//! - `P` packs negative ints (as two's complement) and unpacks unsigned;
//! - `?` packs any value's truthiness and unpacks any nonzero byte as `True`;
//! - `0p` writes a stray `0xff` byte at its offset when packing (visible if
//!   padding follows) and cannot be unpacked (`SystemError`);
//! - `pack_into` leaves the values before a failing one written;
//! - a format is a Python `str`: non-ASCII fails with `UnicodeEncodeError`
//!   and NUL with `embedded null character`, before any other check.
//!
//! Values cross as [`Value`]: `Int`, `Bool`, `Float` and `Bytes`, like the
//! Python objects, and `pack` coerces them as CPython coerces those types:
//! a bool is an int (`True` packs as 1), an int is accepted by the float
//! codes, a float is refused by the integer codes (`required argument is not
//! an integer`) even when whole, and only bytes go into `c`, `s` and `p`.
//!
//! # Examples
//!
//! ```
//! use netlab_core::pystruct::{self, Value};
//!
//! let header = pystruct::pack("!BBH", &[Value::Int(4), Value::Int(0), Value::Int(1500)]).unwrap();
//! assert_eq!(header, b"\x04\x00\x05\xdc");
//! assert_eq!(pystruct::calcsize("@bq").unwrap(), 16);
//! let e = pystruct::pack("B", &[Value::Int(256)]).unwrap_err();
//! assert_eq!(e.traceback_line(), "struct.error: ubyte format requires 0 <= number <= 255");
//! ```

mod error;
mod fast;
mod float;
mod format;
mod layout;
mod pack;
mod unpack;
mod value;

pub use error::{BadValue, FormatError, PyException, StructError};
pub use format::{Kind, MAX_SIZE, Mode};
pub use layout::{Field, Layout, LayoutItem, PackReport, UnpackReport};
pub use unpack::IterUnpack;
pub use value::Value;

use format::{Item, Parsed};

/// A compiled format: CPython's `struct.Struct`. Parse once, pack and
/// unpack many times.
///
/// # Examples
///
/// ```
/// use netlab_core::pystruct::{Struct, Value};
///
/// let udp = Struct::new("!HHHH").unwrap();
/// assert_eq!(udp.size(), 8);
/// let bytes = udp.pack(&[53.into(), 5353.into(), 8.into(), 0.into()]).unwrap();
/// assert_eq!(udp.unpack(&bytes).unwrap()[1], Value::Int(5353));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Struct {
    format: String,
    parsed: Parsed,
    /// The fast path, for formats of integers and `s` fields.
    plan: Option<fast::Plan>,
}

impl Struct {
    /// Compiles `format`, with CPython's checks in CPython's order.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::pystruct::Struct;
    ///
    /// assert!(Struct::new("<I 2s x").is_ok());
    /// assert_eq!(Struct::new("3").unwrap_err().to_string(), "repeat count given without format specifier");
    /// assert_eq!(Struct::new("99999999999999999999x").unwrap_err().to_string(), "total struct size too long");
    /// ```
    pub fn new(format: &str) -> Result<Self, StructError> {
        let parsed = format::parse(format)?;
        Ok(Self {
            format: format.to_owned(),
            plan: fast::Plan::new(&parsed),
            parsed,
        })
    }

    /// The format string, as given.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::pystruct::Struct;
    ///
    /// assert_eq!(Struct::new("<h").unwrap().format(), "<h");
    /// ```
    pub fn format(&self) -> &str {
        &self.format
    }

    /// The size in bytes (`calcsize`). A `u64`, because a format can
    /// describe up to `isize::MAX` bytes on x86_64 whatever the host.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::pystruct::Struct;
    ///
    /// assert_eq!(Struct::new("ci").unwrap().size(), 8);
    /// assert_eq!(Struct::new("<ci").unwrap().size(), 5);
    /// ```
    pub fn size(&self) -> u64 {
        self.parsed.size
    }

    /// How many values `pack` takes and `unpack` returns: one per code
    /// repeat, one per `s` or `p` field, none for `x`.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::pystruct::Struct;
    ///
    /// assert_eq!(Struct::new("3h 10s 4x ?").unwrap().value_count(), 5);
    /// ```
    pub fn value_count(&self) -> u64 {
        self.parsed.values
    }

    /// Byte order, sizes and alignment, as the prefix chose them.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::pystruct::{Mode, Struct};
    ///
    /// assert_eq!(Struct::new("@i").unwrap().mode(), Mode::Native);
    /// ```
    pub fn mode(&self) -> Mode {
        self.parsed.mode
    }

    pub(crate) fn items(&self) -> &[Item] {
        &self.parsed.items
    }
}

/// The size of the struct `format` describes: `struct.calcsize`.
///
/// # Examples
///
/// ```
/// use netlab_core::pystruct::calcsize;
///
/// assert_eq!(calcsize("!4sH").unwrap(), 6);
/// assert_eq!(calcsize("<P").unwrap_err().to_string(), "bad char in struct format");
/// ```
pub fn calcsize(format: &str) -> Result<u64, StructError> {
    Struct::new(format).map(|s| s.size())
}

/// Packs `values` by `format`: `struct.pack`.
///
/// # Examples
///
/// ```
/// use netlab_core::pystruct::{pack, Value};
///
/// assert_eq!(pack("<hx?", &[Value::Int(-2), Value::Bool(true)]).unwrap(), b"\xfe\xff\x00\x01");
/// ```
pub fn pack(format: &str, values: &[Value]) -> Result<Vec<u8>, StructError> {
    Struct::new(format)?.pack(values)
}

/// Unpacks `bytes` by `format`: `struct.unpack`.
///
/// # Examples
///
/// ```
/// use netlab_core::pystruct::{unpack, Value};
///
/// assert_eq!(unpack(">e", b"\x3c\x00").unwrap(), [Value::Float(1.0)]);
/// ```
pub fn unpack(format: &str, bytes: &[u8]) -> Result<Vec<Value>, StructError> {
    Struct::new(format)?.unpack(bytes)
}

/// Packs `values` by `format` into `buf` at `offset`: `struct.pack_into`.
///
/// # Examples
///
/// ```
/// use netlab_core::pystruct::pack_into;
///
/// let mut buf = [0u8; 4];
/// pack_into(">H", &mut buf, 1, &[0x0102.into()]).unwrap();
/// assert_eq!(buf, [0, 1, 2, 0]);
/// ```
pub fn pack_into(
    format: &str,
    buf: &mut [u8],
    offset: i64,
    values: &[Value],
) -> Result<(), StructError> {
    Struct::new(format)?.pack_into(buf, offset, values)
}

/// Unpacks the struct at `offset` of `bytes`: `struct.unpack_from`.
///
/// # Examples
///
/// ```
/// use netlab_core::pystruct::{unpack_from, Value};
///
/// assert_eq!(unpack_from("B", b"\x01\x02", -1).unwrap(), [Value::Int(2)]);
/// ```
pub fn unpack_from(format: &str, bytes: &[u8], offset: i64) -> Result<Vec<Value>, StructError> {
    Struct::new(format)?.unpack_from(bytes, offset)
}

/// The layout of `format`: [`Struct::layout`] without keeping the struct.
///
/// # Examples
///
/// ```
/// use netlab_core::pystruct::layout;
///
/// assert_eq!(layout("<hq").unwrap().items[1].offset, 2);
/// assert_eq!(layout("hq").unwrap().items[1].offset, 8);
/// ```
pub fn layout(format: &str) -> Result<Layout, StructError> {
    Struct::new(format).map(|s| s.layout())
}

#[cfg(test)]
mod test {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn struct_is_compiled_once_and_reused() {
        let s = Struct::new("<I?").unwrap();
        for i in 0..3u64 {
            let b = s.pack(&[i.into(), (i % 2 == 1).into()]).unwrap();
            assert_eq!(
                s.unpack(&b).unwrap(),
                [Value::Int(i.into()), Value::Bool(i % 2 == 1)]
            );
        }
        assert_eq!(s.format(), "<I?");
        assert_eq!(s.value_count(), 2);
    }

    #[test]
    fn errors_carry_their_class() {
        let e = pack("<f", &[1e300.into()]).unwrap_err();
        assert_eq!(e.exception(), PyException::OverflowError);
        assert_eq!(
            e,
            StructError::Value {
                index: 0,
                code: 'f',
                reason: BadValue::FloatTooLarge { code: 'f' }
            }
        );
        let e = pack("x3h", &[1.into(), 2.into(), 1.5.into()]).unwrap_err();
        assert!(matches!(
            e,
            StructError::Value {
                index: 2,
                code: 'h',
                ..
            }
        ));
    }

    /// A format item for the round-trip property: a code and a count.
    fn items() -> impl Strategy<Value = (usize, Vec<(u8, u64)>)> {
        let item = (0usize..20, 0u64..5).prop_map(|(c, n)| (b"xcbB?hHiIlLqQnNefdsp"[c], n));
        (0usize..6, prop::collection::vec(item, 1..=8))
    }

    /// An in-range value for `code`, derived from random bits, chosen so
    /// `unpack` gives it back exactly (floats representable in the code's
    /// width, `s` of the full length, `p` short enough).
    fn value_for(code: u8, count: u64, standard: bool, r: u64) -> Value {
        let signed = |bits: u32| Value::Int(i128::from((r << (64 - bits)) as i64 >> (64 - bits)));
        let unsigned = |bits: u32| Value::Int(i128::from(r >> (64 - bits)));
        let finite = |x: f64| Value::Float(if x.is_finite() { x } else { 0.5 });
        match code {
            b'c' => Value::Bytes(vec![r as u8]),
            b'?' => Value::Bool(r & 1 == 1),
            b'b' => signed(8),
            b'B' => unsigned(8),
            b'h' => signed(16),
            b'H' => unsigned(16),
            b'i' => signed(32),
            b'I' => unsigned(32),
            b'l' if standard => signed(32),
            b'L' if standard => unsigned(32),
            b'l' | b'q' | b'n' => signed(64),
            b'e' => finite(float::f16_bits_to_f64(r as u16)),
            b'f' => finite(f64::from(f32::from_bits(r as u32))),
            b'd' => finite(f64::from_bits(r)),
            b's' => Value::Bytes((0..count).map(|i| (r >> (i % 8 * 8)) as u8).collect()),
            b'p' => Value::Bytes(
                (0..count.saturating_sub(1))
                    .map(|i| (r >> (i % 64)) as u8)
                    .collect(),
            ),
            _ => unsigned(64),
        }
    }

    proptest! {
        #[test]
        fn unpack_inverts_pack((prefix, items) in items(), bits in prop::collection::vec(any::<u64>(), 64)) {
            let prefix = ["", "@", "=", "<", ">", "!"][prefix];
            let standard = !matches!(prefix, "" | "@");
            let mut format = prefix.to_owned();
            let mut values = Vec::new();
            let mut r = bits.iter().cycle();
            for (code, count) in items {
                // `0p` cannot be unpacked (CPython's SystemError).
                let count = if code == b'p' { count.max(1) } else { count };
                if standard && matches!(code, b'n' | b'N' | b'P') {
                    continue;
                }
                format.push_str(&format!("{count}{} ", char::from(code)));
                let slots = match code {
                    b'x' => 0,
                    b's' | b'p' => 1,
                    _ => count,
                };
                for _ in 0..slots {
                    values.push(value_for(code, count, standard, *r.next().unwrap()));
                }
            }
            let st = Struct::new(&format).unwrap();
            let bytes = st.pack(&values).unwrap();
            prop_assert_eq!(bytes.len() as u64, st.size());
            let back = st.unpack(&bytes).unwrap();
            prop_assert_eq!(back.len(), values.len());
            for (a, b) in back.iter().zip(&values) {
                prop_assert!(a.same(b), "{format}: {a:?} != {b:?}");
            }
            let mut buf = vec![0xa5; bytes.len() + 3];
            st.pack_into(&mut buf, 3, &values).unwrap();
            prop_assert_eq!(&st.unpack_from(&buf, 3).unwrap(), &back);
        }

    }

    proptest! {
        // Formats with a one-byte gap between chunks are a few percent of
        // the cases: enough runs to meet them every time.
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// The compiled fast path is only a shortcut: for formats of
        /// integers, `s` and `x` (the ones it takes), with values in and out
        /// of range, of every type, it gives the general path's bytes,
        /// values and errors, the partial writes of a failed `pack_into`
        /// included, and `unpack_into` gives `unpack`'s values whatever the
        /// reused vector held before.
        #[test]
        fn fast_path_is_the_general_path(
            prefix in 0usize..6,
            items in prop::collection::vec((0usize..14, 0u64..4), 1..=8),
            bits in prop::collection::vec(any::<u64>(), 40),
            wild in 0usize..6,
            old in prop::collection::vec(0u8..4, 0..12),
        ) {
            let prefix = ["", "@", "=", "<", ">", "!"][prefix];
            let standard = !matches!(prefix, "" | "@");
            let mut format = prefix.to_owned();
            for (c, n) in items {
                let code = b"xbBhHiIlLqQnNs"[c];
                if !(standard && matches!(code, b'n' | b'N')) {
                    format.push_str(&format!("{n}{}", char::from(code)));
                }
            }
            let fast = Struct::new(&format).unwrap();
            prop_assert!(fast.plan.is_some(), "{format} has no plan");
            let general = Struct { plan: None, ..fast.clone() };
            let count = usize::try_from(fast.value_count()).unwrap();
            let values: Vec<Value> = (0..count)
                .map(|i| {
                    let r = bits[i % bits.len()];
                    // Mostly ints of any size (often out of range), else
                    // every other type a learner might pass.
                    match (r % 8, wild) {
                        (0, 0) => Value::Bool(r & 16 != 0),
                        (0, 1) => Value::Float(1.5),
                        (0, 2) => Value::Bytes(vec![r as u8; (r % 7) as usize]),
                        (0, 3) => Value::Str("ab".into()),
                        (1, _) => Value::Int(i128::from(r as i64) << 60),
                        (2, _) => Value::Bytes(vec![r as u8; (r % 7) as usize]),
                        _ => Value::Int(i128::from((r >> (r % 64)) as i64)),
                    }
                })
                .collect();
            let mut a = vec![0xa5; usize::try_from(fast.size()).unwrap() + 5];
            let mut b = a.clone();
            let ra = fast.pack_into(&mut a, 2, &values).map_err(|e| e.to_string());
            let rb = general.pack_into(&mut b, 2, &values).map_err(|e| e.to_string());
            prop_assert_eq!(&ra, &rb, "{}", format);
            prop_assert_eq!(&a, &b, "{}", format);
            let bytes = general.pack(&values).unwrap_or_else(|_| a[2..a.len() - 3].to_vec());
            let want = general.unpack(&bytes).unwrap();
            prop_assert_eq!(&fast.unpack(&bytes).unwrap(), &want, "{}", format);
            let mut out: Vec<Value> = old
                .iter()
                .map(|k| match k {
                    0 => Value::Int(7),
                    1 => Value::Bytes(vec![1, 2, 3]),
                    2 => Value::Float(0.5),
                    _ => Value::Bytes(Vec::new()),
                })
                .collect();
            fast.unpack_into(&bytes, &mut out).unwrap();
            prop_assert_eq!(&out, &want, "{}", format);
        }
    }

    proptest! {
        #[test]
        fn nothing_panics_on_any_format(format in "[ -~\\t\\n\\x0b\\x0c\\x00é]{0,24}", bytes in prop::collection::vec(any::<u8>(), 0..40)) {
            if let Ok(st) = Struct::new(&format) {
                let _ = st.unpack(&bytes);
                let _ = st.unpack_from(&bytes, -3);
                let _ = st.layout();
                if let Ok(it) = st.iter_unpack(&bytes) {
                    let _ = it.count();
                }
                if st.size() < 1 << 16 {
                    let values: Vec<Value> = (0..st.value_count().min(64)).map(|i| Value::Int(i.into())).collect();
                    let _ = st.pack(&values);
                    let mut buf = bytes.clone();
                    let _ = st.pack_into(&mut buf, 1, &values);
                }
            }
        }
    }
}
