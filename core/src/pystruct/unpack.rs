//! Unpacking: bytes to values. Every byte pattern decodes (a `?` byte of 2
//! is `True`, NaNs keep their sign), so the only errors are about the
//! buffer's length and the one CPython bug, `0p`.

use std::iter::FusedIterator;

use super::error::StructError;
use super::float;
use super::format::{Item, Kind, Mode};
use super::{Struct, Value};

/// Up to eight bytes at `at`, as a little-endian `u64`. The callers have
/// checked that the bytes are there; missing ones would read as zero.
fn word(buf: &[u8], at: usize, len: usize, mode: Mode) -> u64 {
    let mut le = [0u8; 8];
    let src = buf.iter().skip(at).take(len.min(8));
    if mode.little_endian() {
        le.iter_mut().zip(src).for_each(|(d, s)| *d = *s);
    } else {
        le.iter_mut()
            .take(len)
            .rev()
            .zip(src)
            .for_each(|(d, s)| *d = *s);
    }
    u64::from_le_bytes(le)
}

/// Reads one number, `c` or `?` at `at`.
fn decode(item: &Item, mode: Mode, buf: &[u8], at: usize) -> Value {
    let len = usize::try_from(item.unit).unwrap_or(8).min(8);
    let raw = word(buf, at, len, mode);
    match item.def.kind {
        Kind::Char => Value::Bytes(vec![raw.to_le_bytes()[0]]),
        Kind::Bool => Value::Bool(raw != 0),
        Kind::Signed => {
            // Sign-extend from the field's width.
            let shift = 64 - 8 * u32::try_from(len).unwrap_or(8);
            Value::Int(i128::from(((raw << shift) as i64) >> shift))
        }
        Kind::Unsigned => Value::Int(i128::from(raw)),
        Kind::Float => Value::Float(match item.def.code {
            b'e' => float::f16_bits_to_f64(u16::try_from(raw).unwrap_or(0)),
            b'f' => float::f32_bits_to_f64(u32::try_from(raw).unwrap_or(0)),
            _ => f64::from_bits(raw),
        }),
        Kind::Pad | Kind::Bytes | Kind::Pascal => Value::Bytes(Vec::new()),
    }
}

impl Struct {
    /// Unpacks exactly [`Struct::size`] bytes: CPython's `Struct.unpack`.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::pystruct::{Struct, Value};
    ///
    /// let s = Struct::new("!HHI").unwrap();
    /// let v = s.unpack(b"\x00\x50\x01\xbb\x00\x00\x00\x01").unwrap();
    /// assert_eq!(v, [Value::Int(80), Value::Int(443), Value::Int(1)]);
    /// assert_eq!(s.unpack(b"").unwrap_err().to_string(), "unpack requires a buffer of 8 bytes");
    /// ```
    pub fn unpack(&self, bytes: &[u8]) -> Result<Vec<Value>, StructError> {
        if bytes.len() as u64 != self.size() {
            return Err(StructError::UnpackSize {
                size: self.size(),
                got: bytes.len(),
            });
        }
        self.unpack_at(bytes, 0)
    }

    /// Unpacks the struct found at `offset` (negative: from the end), with
    /// any bytes around it: CPython's `Struct.unpack_from`.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::pystruct::{Struct, Value};
    ///
    /// let s = Struct::new("<H").unwrap();
    /// assert_eq!(s.unpack_from(b"\x01\x02\x03", -2).unwrap(), [Value::Int(0x0302)]);
    /// assert_eq!(
    ///     s.unpack_from(b"\x01\x02\x03", 2).unwrap_err().to_string(),
    ///     "unpack_from requires a buffer of at least 4 bytes for unpacking 2 bytes at offset 2 (actual buffer size is 3)"
    /// );
    /// ```
    pub fn unpack_from(&self, bytes: &[u8], offset: i64) -> Result<Vec<Value>, StructError> {
        let size = i128::from(self.size());
        let len = i128::try_from(bytes.len()).unwrap_or(i128::MAX);
        let mut at = i128::from(offset);
        if at < 0 {
            if at + size > 0 {
                return Err(StructError::NotEnoughData {
                    size: self.size(),
                    offset,
                });
            }
            if at + len < 0 {
                return Err(StructError::OffsetOutOfRange {
                    offset,
                    len: bytes.len(),
                });
            }
            at += len;
        }
        let at = u64::try_from(at).unwrap_or(0);
        if len - i128::from(at) < size {
            return Err(StructError::UnpackFromShort {
                size: self.size(),
                offset: at,
                len: bytes.len(),
            });
        }
        self.unpack_at(bytes, usize::try_from(at).unwrap_or(usize::MAX))
    }

    /// Unpacks struct after struct from a buffer that holds a whole number
    /// of them: CPython's `Struct.iter_unpack`. The length is checked up
    /// front; a `0p` fails only when its struct is reached, as in CPython.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::pystruct::{Struct, Value};
    ///
    /// let s = Struct::new(">H").unwrap();
    /// let all: Result<Vec<_>, _> = s.iter_unpack(b"\x00\x01\x00\x02").unwrap().collect();
    /// assert_eq!(all.unwrap(), [[Value::Int(1)], [Value::Int(2)]]);
    /// assert_eq!(
    ///     s.iter_unpack(b"\x00").unwrap_err().to_string(),
    ///     "iterative unpacking requires a buffer of a multiple of 2 bytes"
    /// );
    /// ```
    pub fn iter_unpack<'a>(&'a self, bytes: &'a [u8]) -> Result<IterUnpack<'a>, StructError> {
        let size = self.size();
        if size == 0 {
            return Err(StructError::IterZeroSize);
        }
        if !(bytes.len() as u64).is_multiple_of(size) {
            return Err(StructError::IterSize {
                size,
                got: bytes.len(),
            });
        }
        Ok(IterUnpack {
            st: self,
            bytes,
            // A whole number of structs of a size > 0 fits in a usize.
            size: usize::try_from(size).unwrap_or(usize::MAX),
            at: 0,
            failed: false,
        })
    }

    /// CPython's `s_unpack_internal`; the caller has checked the room.
    fn unpack_at(&self, buf: &[u8], base: usize) -> Result<Vec<Value>, StructError> {
        if let Some(values) = self
            .plan
            .as_ref()
            .and_then(|plan| plan.unpack(buf.get(base..).unwrap_or_default()))
        {
            return Ok(values);
        }
        let mut out = Vec::new();
        self.unpack_at_into(buf, base, &mut out)?;
        Ok(out)
    }

    /// Unpacks exactly [`Struct::size`] bytes into `out`, replacing what it
    /// held and reusing its allocations (the `bytes` of `s` fields too), for
    /// loops that unpack header after header.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::pystruct::{Struct, Value};
    ///
    /// let s = Struct::new("!H2s").unwrap();
    /// let mut out = Vec::new();
    /// s.unpack_into(b"\x00\x50ab", &mut out).unwrap();
    /// s.unpack_into(b"\x01\xbbcd", &mut out).unwrap();
    /// assert_eq!(out, [Value::Int(443), Value::Bytes(b"cd".to_vec())]);
    /// ```
    pub fn unpack_into(&self, bytes: &[u8], out: &mut Vec<Value>) -> Result<(), StructError> {
        if bytes.len() as u64 != self.size() {
            return Err(StructError::UnpackSize {
                size: self.size(),
                got: bytes.len(),
            });
        }
        self.unpack_at_into(bytes, 0, out)
    }

    /// CPython's `s_unpack_internal` into `out`; the caller has checked the room.
    fn unpack_at_into(
        &self,
        buf: &[u8],
        base: usize,
        out: &mut Vec<Value>,
    ) -> Result<(), StructError> {
        if let Some(plan) = &self.plan
            && plan.unpack_into(buf.get(base..).unwrap_or_default(), out)
        {
            return Ok(());
        }
        out.clear();
        out.reserve(
            usize::try_from(self.value_count())
                .unwrap_or(0)
                .min(buf.len()),
        );
        for item in self.items() {
            let at = base.saturating_add(usize::try_from(item.offset).unwrap_or(usize::MAX));
            let count = usize::try_from(item.count).unwrap_or(usize::MAX);
            match item.def.kind {
                Kind::Pad => {}
                Kind::Bytes => out.push(Value::Bytes(
                    buf.iter().skip(at).take(count).copied().collect(),
                )),
                Kind::Pascal => {
                    let Some(room) = count.checked_sub(1) else {
                        // CPython asks for a string of length -1 here.
                        return Err(StructError::EmptyPascal {
                            index: usize::try_from(item.first_value).unwrap_or(usize::MAX),
                        });
                    };
                    let n = usize::from(buf.get(at).copied().unwrap_or(0)).min(room);
                    out.push(Value::Bytes(
                        buf.iter().skip(at + 1).take(n).copied().collect(),
                    ));
                }
                _ => {
                    let unit = usize::try_from(item.unit).unwrap_or(1);
                    out.reserve(count.min(buf.len()));
                    for j in 0..count {
                        out.push(decode(item, self.mode(), buf, at + j * unit));
                    }
                }
            }
        }
        Ok(())
    }
}

/// The structs of a buffer, one `Vec<Value>` each ([`Struct::iter_unpack`]).
/// It stops after the first error.
///
/// # Examples
///
/// ```
/// use netlab_core::pystruct::{Struct, Value};
///
/// let s = Struct::new("<b").unwrap();
/// let mut it = s.iter_unpack(b"\x01\xff").unwrap();
/// assert_eq!(it.next(), Some(Ok(vec![Value::Int(1)])));
/// assert_eq!(it.next(), Some(Ok(vec![Value::Int(-1)])));
/// assert_eq!(it.next(), None);
/// ```
#[derive(Debug, Clone)]
pub struct IterUnpack<'a> {
    st: &'a Struct,
    bytes: &'a [u8],
    size: usize,
    at: usize,
    failed: bool,
}

impl Iterator for IterUnpack<'_> {
    type Item = Result<Vec<Value>, StructError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.at >= self.bytes.len() {
            return None;
        }
        let result = self.st.unpack_at(self.bytes, self.at);
        self.failed = result.is_err();
        self.at = self.at.saturating_add(self.size);
        Some(result)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = if self.failed {
            0
        } else {
            self.bytes.len().saturating_sub(self.at) / self.size.max(1)
        };
        (left.min(1), Some(left))
    }
}

impl FusedIterator for IterUnpack<'_> {}

#[cfg(test)]
mod test {
    use super::*;
    use crate::pystruct::unpack;

    #[test]
    fn every_byte_decodes() {
        assert_eq!(unpack("?", b"\x02").unwrap(), [Value::Bool(true)]);
        assert_eq!(unpack(">?", b"\x80").unwrap(), [Value::Bool(true)]);
        assert_eq!(unpack("n", &[0xff; 8]).unwrap(), [Value::Int(-1)]);
        assert_eq!(
            unpack("P", &[0xff; 8]).unwrap(),
            [Value::Int(u64::MAX.into())]
        );
        assert_eq!(unpack(">h", b"\x80\x00").unwrap(), [Value::Int(-32768)]);
        assert_eq!(unpack("<b", b"\xff").unwrap(), [Value::Int(-1)]);
        let Value::Float(nan) = unpack("e", b"\x01\xfc").unwrap()[0] else {
            panic!()
        };
        assert_eq!(nan.to_bits(), 0xfff8_0000_0000_0000);
    }

    #[test]
    fn pascal_strings_clamp_their_length() {
        assert_eq!(unpack("p", b"\x05").unwrap(), [Value::Bytes(vec![])]);
        assert_eq!(
            unpack("3p", b"\xffab").unwrap(),
            [Value::Bytes(b"ab".to_vec())]
        );
        assert_eq!(
            unpack("3p", b"\x01ab").unwrap(),
            [Value::Bytes(b"a".to_vec())]
        );
        let e = unpack("B0p", b"\x01").unwrap_err();
        assert_eq!(e, StructError::EmptyPascal { index: 1 });
        assert_eq!(
            e.traceback_line(),
            "SystemError: Negative size passed to PyBytes_FromStringAndSize"
        );
    }

    #[test]
    fn offsets_are_checked_as_cpython() {
        let s = Struct::new("i").unwrap();
        let e = |o| s.unpack_from(b"12345", o).unwrap_err().to_string();
        assert_eq!(e(-3), "not enough data to unpack 4 bytes at offset -3");
        assert_eq!(e(-6), "offset -6 out of range for 5-byte buffer");
        assert_eq!(
            e(i64::MIN),
            "offset -9223372036854775808 out of range for 5-byte buffer"
        );
        assert!(e(i64::MAX).contains("at least 9223372036854775811 bytes"));
        assert!(s.unpack_from(b"12345", -5).is_ok());
    }

    #[test]
    fn iteration_fails_late_and_stops() {
        let s = Struct::new("0pi").unwrap();
        assert_eq!(s.iter_unpack(b"").unwrap().count(), 0);
        let mut it = s.iter_unpack(b"12345678").unwrap();
        assert!(matches!(
            it.next(),
            Some(Err(StructError::EmptyPascal { index: 0 }))
        ));
        assert!(it.next().is_none());
        let zero = Struct::new("0i").unwrap();
        assert_eq!(
            zero.iter_unpack(b"").unwrap_err().to_string(),
            "cannot iteratively unpack with a struct of length 0"
        );
    }
}
