//! Packing: values to bytes, with CPython's range checks and messages.
//!
//! CPython packs each code with a C function chosen by the mode, and the
//! functions differ in what they check and how they word it. On a
//! little-endian machine `<` and `=` even borrow the native functions where
//! the sizes agree, so `<h` says `short format requires …` like `h`, while
//! `>h` says `'h' format requires …`. [`int_rule`] is that choice, written
//! down once.

use super::error::{BadValue, StructError};
use super::float;
use super::format::{Item, Kind, MAX_SIZE, Mode};
use super::{Struct, Value};

/// CPython refuses `bytes` longer than this (`PY_SSIZE_T_MAX` less the
/// object header) with `OverflowError` before it tries to allocate.
const MAX_BYTES: u64 = MAX_SIZE - 33;

/// How CPython checks an int for one code in one mode: it first converts
/// the int to a C type (`long`, `unsigned long`, …), whose overflow has its
/// own message, then checks the code's narrower range, if any.
#[derive(Debug, Clone)]
struct IntRule {
    wide: (i128, i128),
    wide_error: BadValue,
    narrow: Option<Narrow>,
}

/// A code's own range and how the message names it.
#[derive(Debug, Clone, Copy)]
struct Narrow {
    min: i128,
    max: i128,
    /// The C type's name (`short format requires …`), or `None` for the
    /// code's (`'h' format requires …`).
    type_name: Option<&'static str>,
}

const LONG: (i128, i128) = (i64::MIN as i128, i64::MAX as i128);
const ULONG: (i128, i128) = (0, u64::MAX as i128);

/// Which C function CPython 3.11 packs `code` with in `mode`, reduced to
/// what it checks: `np_*` natively, `np_*` again for `<`/`=` where the
/// native and standard sizes agree, else `lp_*`, and `bp_*` for `>`/`!`.
fn int_rule(mode: Mode, code: u8) -> IntRule {
    use BadValue::{IntTooLarge, OutOfRange};
    let typed = |name, min, max| {
        Some(Narrow {
            min,
            max,
            type_name: Some(name),
        })
    };
    let coded = |min, max| {
        Some(Narrow {
            min,
            max,
            type_name: None,
        })
    };
    let i16s = (i128::from(i16::MIN), i128::from(i16::MAX));
    let i32s = (i128::from(i32::MIN), i128::from(i32::MAX));
    let (wide, wide_error, narrow) = match (mode, code) {
        (_, b'b') => (LONG, OutOfRange, typed("byte", -128, 127)),
        (_, b'B') => (LONG, OutOfRange, typed("ubyte", 0, 255)),
        (Mode::Native | Mode::Little, b'h') => (LONG, OutOfRange, typed("short", i16s.0, i16s.1)),
        (Mode::Native | Mode::Little, b'H') => (LONG, OutOfRange, typed("ushort", 0, 65535)),
        (Mode::Big, b'h') => (LONG, OutOfRange, coded(i16s.0, i16s.1)),
        (Mode::Big, b'H') => (ULONG, OutOfRange, coded(0, 65535)),
        (_, b'i') => (LONG, OutOfRange, coded(i32s.0, i32s.1)),
        (_, b'I') => (ULONG, OutOfRange, coded(0, u32::MAX.into())),
        (Mode::Little | Mode::Big, b'l') => (LONG, OutOfRange, coded(i32s.0, i32s.1)),
        (Mode::Little | Mode::Big, b'L') => (ULONG, OutOfRange, coded(0, u32::MAX.into())),
        // bp_longlong and bp_ulonglong convert without get_long, so the
        // overflow surfaces as s_pack_internal's generic message.
        (Mode::Big, b'q') => (LONG, IntTooLarge, None),
        (Mode::Big, b'Q') => (ULONG, IntTooLarge, None),
        // PyLong_AsVoidPtr: negatives as a C long, the rest as unsigned.
        (_, b'P') => ((LONG.0, ULONG.1), IntTooLarge, None),
        (_, b'L' | b'Q' | b'N') => (ULONG, OutOfRange, None),
        _ => (LONG, OutOfRange, None),
    };
    IntRule {
        wide,
        wide_error,
        narrow,
    }
}

/// The ints `code` packs in `mode` without an error: the C type's range
/// narrowed by the code's own.
pub(super) fn int_range(mode: Mode, code: u8) -> (i128, i128) {
    let rule = int_rule(mode, code);
    match rule.narrow {
        Some(n) => (rule.wide.0.max(n.min), rule.wide.1.min(n.max)),
        None => rule.wide,
    }
}

impl IntRule {
    fn check(&self, code: u8, v: i128) -> Result<(), BadValue> {
        if v < self.wide.0 || v > self.wide.1 {
            return Err(self.wide_error.clone());
        }
        match self.narrow {
            Some(n) if v < n.min || v > n.max => Err(match n.type_name {
                Some(name) => BadValue::TypeRange {
                    name,
                    min: n.min,
                    max: n.max,
                },
                None => BadValue::CodeRange {
                    code: char::from(code),
                    min: n.min,
                    max: n.max,
                },
            }),
            _ => Ok(()),
        }
    }
}

/// The int an integer code packs: ints, and bools as 0 and 1 (`bool` is an
/// `int` in Python). A float is refused even when whole, as CPython does.
fn int_arg(v: &Value) -> Result<i128, BadValue> {
    match v {
        Value::Int(i) => Ok(*i),
        Value::Bool(b) => Ok(i128::from(*b)),
        // Beyond an i128 it is beyond every integer code: its sign's bound
        // fails each code's range check with the message CPython gives.
        Value::LargeInt(x, _) => Ok(if *x < 0.0 { i128::MIN } else { i128::MAX }),
        Value::Float(_) | Value::Bytes(_) | Value::Str(_) | Value::None => {
            Err(BadValue::NotAnInteger)
        }
    }
}

/// The double a float code packs, and whether it came from an int (an
/// overflowing int gets `int too large to convert`, a float `OverflowError`).
fn float_arg(v: &Value) -> Result<(f64, bool), BadValue> {
    match v {
        Value::Float(x) => Ok((*x, false)),
        // Python's int-to-float conversion rounds to nearest, ties to even,
        // as `as` does; every i128 is in range.
        Value::Int(i) => Ok((*i as f64, true)),
        Value::Bool(b) => Ok((f64::from(u8::from(*b)), true)),
        // Python's float(int) fails past the largest float, and struct then
        // says the argument is not a float.
        Value::LargeInt(x, _) if x.is_infinite() => Err(BadValue::NotAFloat),
        Value::LargeInt(x, _) => Ok((*x, true)),
        Value::Bytes(_) | Value::Str(_) | Value::None => Err(BadValue::NotAFloat),
    }
}

/// Up to eight bytes for one packed number, in memory order.
#[derive(Debug, Clone, Copy)]
struct Word {
    bytes: [u8; 8],
    len: usize,
}

impl Word {
    fn new(le: [u8; 8], len: usize, mode: Mode) -> Self {
        let mut bytes = le;
        if !mode.little_endian() {
            bytes = [0; 8];
            for (dst, src) in bytes.iter_mut().zip(le.iter().take(len).rev()) {
                *dst = *src;
            }
        }
        Self { bytes, len }
    }

    fn as_slice(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&self.bytes)
    }
}

/// Packs one value of a number, `c` or `?` item.
fn encode(item: &Item, mode: Mode, v: &Value) -> Result<Word, BadValue> {
    let code = item.def.code;
    let len = usize::try_from(item.unit).unwrap_or(8).min(8);
    let low = |x: u64| Word::new(x.to_le_bytes(), len, mode);
    match item.def.kind {
        Kind::Char => match v {
            Value::Bytes(b) if b.len() == 1 => Ok(low(b.first().copied().unwrap_or(0).into())),
            _ => Err(BadValue::NotAChar),
        },
        Kind::Bool => Ok(low(v.is_truthy().into())),
        Kind::Signed | Kind::Unsigned => {
            let i = int_arg(v)?;
            int_rule(mode, code).check(code, i)?;
            // Two's complement, truncated to the size (negative P included).
            Ok(low(i as u64))
        }
        Kind::Float => {
            let (x, from_int) = float_arg(v)?;
            let overflow = || {
                if from_int {
                    BadValue::IntTooLarge
                } else {
                    BadValue::FloatTooLarge {
                        code: char::from(code),
                    }
                }
            };
            let bits = match code {
                b'e' => float::f64_to_f16_bits(x).ok_or_else(overflow)?.into(),
                b'f' => {
                    let bits = float::f64_to_f32_bits(x);
                    // Only PyFloat_Pack4 (standard sizes) checks; native `f`
                    // is a bare C cast and overflows to infinity.
                    let inf = f32::from_bits(bits).is_infinite() && !x.is_infinite();
                    if inf && mode != Mode::Native {
                        return Err(overflow());
                    }
                    bits.into()
                }
                _ => x.to_bits(),
            };
            Ok(low(bits))
        }
        Kind::Pad | Kind::Bytes | Kind::Pascal => Ok(low(0)),
    }
}

/// Writes `bytes` at `at`, dropping what falls past the end of `buf`. Only
/// a `0p` field ever writes past its struct, and CPython's stray byte there
/// lands in memory no Python code sees.
fn put<'a>(buf: &mut [u8], at: u64, bytes: impl IntoIterator<Item = &'a u8>) {
    let Ok(at) = usize::try_from(at) else { return };
    if let Some(dst) = buf.get_mut(at..) {
        for (d, s) in dst.iter_mut().zip(bytes) {
            *d = *s;
        }
    }
}

impl Struct {
    /// Packs `values`, one per code (one per `s` or `p` field), into a new
    /// buffer: CPython's `Struct.pack`.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::pystruct::{Struct, Value};
    ///
    /// let s = Struct::new(">HH4s").unwrap();
    /// let bytes = s.pack(&[80.into(), 443.into(), b"ab".into()]).unwrap();
    /// assert_eq!(bytes, b"\x00\x50\x01\xbbab\x00\x00");
    /// assert_eq!(
    ///     s.pack(&[Value::Int(-1), 0.into(), b"".into()]).unwrap_err().to_string(),
    ///     "argument out of range"
    /// );
    /// ```
    pub fn pack(&self, values: &[Value]) -> Result<Vec<u8>, StructError> {
        if values.len() as u64 != self.value_count() {
            return Err(StructError::PackCount {
                expected: self.value_count(),
                got: values.len(),
            });
        }
        let mut buf = allocate(self.size())?;
        self.pack_at(&mut buf, 0, values)?;
        Ok(buf)
    }

    /// Packs `values` into `buf` at `offset`, which may be negative (from
    /// the end): CPython's `Struct.pack_into`.
    ///
    /// Like CPython, it zeroes the struct's bytes and then packs value by
    /// value, so a value that fails leaves the ones before it written.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::pystruct::Struct;
    ///
    /// let s = Struct::new("BB").unwrap();
    /// let mut buf = [0xaa; 5];
    /// s.pack_into(&mut buf, -2, &[1.into(), 2.into()]).unwrap();
    /// assert_eq!(buf, [0xaa, 0xaa, 0xaa, 1, 2]);
    /// let e = s.pack_into(&mut buf, 0, &[3.into(), 300.into()]).unwrap_err();
    /// assert_eq!(e.to_string(), "ubyte format requires 0 <= number <= 255");
    /// assert_eq!(buf, [3, 0, 0xaa, 1, 2]);
    /// ```
    pub fn pack_into(
        &self,
        buf: &mut [u8],
        offset: i64,
        values: &[Value],
    ) -> Result<(), StructError> {
        if values.len() as u64 != self.value_count() {
            return Err(StructError::PackIntoCount {
                expected: self.value_count(),
                got: values.len(),
            });
        }
        let size = i128::from(self.size());
        let len = i128::try_from(buf.len()).unwrap_or(i128::MAX);
        let mut at = i128::from(offset);
        if at < 0 {
            if at + size > 0 {
                return Err(StructError::NoSpace {
                    size: self.size(),
                    offset,
                });
            }
            if at + len < 0 {
                return Err(StructError::OffsetOutOfRange {
                    offset,
                    len: buf.len(),
                });
            }
            at += len;
        }
        let at = u64::try_from(at).unwrap_or(0);
        if len - i128::from(at) < size {
            return Err(StructError::PackIntoShort {
                size: self.size(),
                offset: at,
                len: buf.len(),
            });
        }
        self.pack_at(buf, at, values)
    }

    /// CPython's `s_pack_internal`: zero the struct's bytes, then pack each
    /// value in order. The caller has checked the count and the room.
    fn pack_at(&self, buf: &mut [u8], base: u64, values: &[Value]) -> Result<(), StructError> {
        let start = usize::try_from(base).unwrap_or(usize::MAX);
        if let (Some(plan), Some(dst)) = (&self.plan, buf.get_mut(start..))
            && plan.pack(dst, values)
        {
            return Ok(());
        }
        let size = usize::try_from(self.size()).unwrap_or(usize::MAX);
        buf.iter_mut().skip(start).take(size).for_each(|b| *b = 0);
        for item in self.items() {
            let kind = item.def.kind;
            if kind == Kind::Pad {
                continue;
            }
            let at = base + item.offset;
            let value = |j: u64| {
                let index = item.first_value + j;
                let found = usize::try_from(index)
                    .ok()
                    .and_then(|i| values.get(i).map(|v| (i, v)));
                found.ok_or(StructError::PackCount {
                    expected: self.value_count(),
                    got: values.len(),
                })
            };
            let fail = |index, reason| StructError::Value {
                index,
                code: item.code(),
                reason,
            };
            match kind {
                Kind::Bytes | Kind::Pascal => {
                    let (index, v) = value(0)?;
                    let Value::Bytes(b) = v else {
                        return Err(fail(index, BadValue::NotBytes { code: item.code() }));
                    };
                    pack_bytes(buf, at, item, b);
                }
                _ => {
                    for j in 0..item.count {
                        let (index, v) = value(j)?;
                        let word = encode(item, self.mode(), v).map_err(|r| {
                            if let Some(low) = overflow_write(item, self.mode(), v) {
                                put(buf, at + j * item.unit, &low.to_be_bytes());
                            }
                            fail(index, r)
                        })?;
                        put(buf, at + j * item.unit, word.as_slice());
                    }
                }
            }
        }
        Ok(())
    }
}

/// What an int that failed its code leaves in the buffer: only the
/// big-endian `q` and `Q` write anything. CPython packs them with
/// `_PyLong_AsByteArray`, which stores the int's low eight bytes as it goes
/// and only then finds the int too large, so `pack_into` leaves them there
/// (a negative int for `Q` is refused before any byte). Every other code
/// checks the range first (`<q` and `=q` borrow the native function, which
/// does too).
fn overflow_write(item: &Item, mode: Mode, v: &Value) -> Option<u64> {
    if mode != Mode::Big {
        return None;
    }
    let (low, negative) = match v {
        Value::Int(i) => (*i as u64, *i < 0),
        Value::LargeInt(x, low) => (*low, *x < 0.0),
        _ => return None,
    };
    match item.def.code {
        b'q' => Some(low),
        b'Q' if !negative => Some(low),
        _ => None,
    }
}

/// `s`: the bytes, truncated or NUL-padded to the count. `p`: a length
/// byte, then at most `count - 1` bytes; the length byte says at most 255
/// even when more bytes follow. For `0p` CPython computes a length of -1
/// and still writes it, as `0xff`, at the field's (empty) place.
fn pack_bytes(buf: &mut [u8], at: u64, item: &Item, b: &[u8]) {
    let room = usize::try_from(item.count).unwrap_or(usize::MAX);
    if item.def.kind == Kind::Bytes {
        put(buf, at, b.iter().take(room));
        return;
    }
    let Some(room) = room.checked_sub(1) else {
        put(buf, at, &[0xff]);
        return;
    };
    let n = b.len().min(room);
    put(buf, at + 1, b.iter().take(n));
    put(buf, at, &[u8::try_from(n).unwrap_or(u8::MAX)]);
}

/// The most bytes netlab's `pack` makes. CPython would try any size its
/// memory allows; a learner's tool asked for `1000000000000x` should answer
/// at once with Python's `MemoryError` rather than exhaust the machine (on
/// Linux a huge allocation can succeed lazily and the zeroing then kills the
/// process), so larger results are refused as that error.
pub const PACK_LIMIT: u64 = 256 * 1024 * 1024;

/// The zeroed buffer `pack` fills, or CPython's errors for sizes no `bytes`
/// object can have. Allocation failure is an error, not an abort.
fn allocate(size: u64) -> Result<Vec<u8>, StructError> {
    if size > MAX_BYTES {
        return Err(StructError::TooLarge { size });
    }
    if size > PACK_LIMIT {
        return Err(StructError::OutOfMemory { size });
    }
    let n = usize::try_from(size).map_err(|_| StructError::OutOfMemory { size })?;
    let mut buf = Vec::new();
    buf.try_reserve_exact(n)
        .map_err(|_| StructError::OutOfMemory { size })?;
    buf.resize(n, 0);
    Ok(buf)
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::pystruct::pack;

    fn err(fmt: &str, v: Value) -> String {
        pack(fmt, &[v]).unwrap_err().to_string()
    }

    #[test]
    fn huge_results_are_a_memory_error_not_an_allocation() {
        let e = pack("1000000000x", &[]).unwrap_err();
        assert_eq!(
            e,
            StructError::OutOfMemory {
                size: 1_000_000_000
            }
        );
        assert_eq!(pack("16x", &[]).unwrap(), vec![0; 16]);
    }

    #[test]
    fn range_messages_depend_on_the_mode() {
        assert_eq!(
            err("<H", 70000.into()),
            "ushort format requires 0 <= number <= 65535"
        );
        assert_eq!(
            err(">H", 70000.into()),
            "'H' format requires 0 <= number <= 65535"
        );
        assert_eq!(err(">H", (-1).into()), "argument out of range");
        assert_eq!(
            err("<l", (1i64 << 31).into()),
            "'l' format requires -2147483648 <= number <= 2147483647"
        );
        assert_eq!(err("l", (1u64 << 63).into()), "argument out of range");
        assert_eq!(err(">q", (1u64 << 63).into()), "int too large to convert");
        assert_eq!(err("<q", (1u64 << 63).into()), "argument out of range");
        assert_eq!(err(">Q", (-1).into()), "int too large to convert");
        assert_eq!(err("P", Value::Int(1 << 64)), "int too large to convert");
        assert_eq!(err("b", Value::Int(1 << 64)), "argument out of range");
        assert_eq!(err("i", 1.0.into()), "required argument is not an integer");
    }

    #[test]
    fn floats_overflow_as_cpython() {
        assert_eq!(pack("f", &[1e300.into()]).unwrap(), b"\x00\x00\x80\x7f");
        assert_eq!(
            err("<f", 1e300.into()),
            "float too large to pack with f format"
        );
        assert_eq!(err("e", 100000.into()), "int too large to convert");
        assert_eq!(err("e", b"a".into()), "required argument is not a float");
        assert_eq!(pack("d", &[true.into()]).unwrap(), 1f64.to_le_bytes());
        assert_eq!(pack("<e", &[f64::NAN.into()]).unwrap(), b"\x00\x7e");
    }

    #[test]
    fn pointers_take_negative_ints() {
        assert_eq!(pack("P", &[Value::Int(-1)]).unwrap(), [0xff; 8]);
        assert_eq!(pack("P", &[u64::MAX.into()]).unwrap(), [0xff; 8]);
    }

    #[test]
    fn strings_pad_truncate_and_cap() {
        assert_eq!(pack("3p", &[b"abcdef".into()]).unwrap(), b"\x02ab");
        assert_eq!(pack("1p", &[b"abc".into()]).unwrap(), b"\x00");
        let long = pack("300p", &[vec![b'a'; 300].into()]).unwrap();
        assert_eq!(long.get(..3), Some(&b"\xffaa"[..]));
        assert_eq!(long.last(), Some(&b'a'));
        assert_eq!(pack("4s", &[b"ab".into()]).unwrap(), b"ab\x00\x00");
        assert_eq!(
            err("s", 1.into()),
            "argument for 's' must be a bytes object"
        );
        assert_eq!(
            err("c", b"ab".into()),
            "char format requires a bytes object of length 1"
        );
    }

    #[test]
    fn empty_pascal_writes_a_stray_byte() {
        assert_eq!(pack("0px", &[b"".into()]).unwrap(), b"\xff");
        assert_eq!(pack("0p", &[b"".into()]).unwrap(), b"");
        let s = pack("b0pi", &[1.into(), b"".into(), 2.into()]).unwrap();
        assert_eq!(s, b"\x01\xff\x00\x00\x02\x00\x00\x00");
        let st = Struct::new("0p").unwrap();
        let mut buf = [0u8; 5];
        st.pack_into(&mut buf, -1, &[b"".into()]).unwrap();
        st.pack_into(&mut buf, 5, &[b"".into()]).unwrap();
        assert_eq!(buf, [0, 0, 0, 0, 0xff]);
    }

    #[test]
    fn huge_structs_fail_without_panicking() {
        let e = pack("9223372036854775807x", &[]).unwrap_err();
        assert_eq!(
            e.traceback_line(),
            "OverflowError: byte string is too large"
        );
        let e = pack("1000000000000000000x", &[]).unwrap_err();
        assert_eq!(e.traceback_line(), "MemoryError");
        let e = pack("2305843009213693951i", &[]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "pack expected 2305843009213693951 items for packing (got 0)"
        );
        let st = Struct::new("9223372036854775807x").unwrap();
        let e = st.pack_into(&mut [0; 4], i64::MAX, &[]).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("pack_into requires a buffer of at least 18446744073709551614 bytes")
        );
        let e = st.pack_into(&mut [0; 4], i64::MIN, &[]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "offset -9223372036854775808 out of range for 4-byte buffer"
        );
    }
}
