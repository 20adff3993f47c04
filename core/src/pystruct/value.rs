//! The Python values `struct` packs and unpacks: `int`, `bool`, `float` and
//! `bytes`, which is all CPython ever returns from `unpack`.

use std::fmt::{self, Write as _};

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

/// One Python value.
///
/// `Int` is an `i128` so that every in-range value of every code fits,
/// `Q` and `P` (up to 2^64 - 1) included, with room for the out-of-range
/// ints a learner tries. `Bool` is kept apart from `Int` because `unpack`
/// returns `True`, not `1`, for `?`; for the integer codes a bool packs as
/// 0 or 1, as in Python, where `bool` is a subclass of `int`.
///
/// # Examples
///
/// ```
/// use netlab_core::pystruct::{self, Value};
///
/// let v = pystruct::unpack("<?hc", b"\x01\xff\xffz").unwrap();
/// assert_eq!(v, [Value::Bool(true), Value::Int(-1), Value::Bytes(b"z".to_vec())]);
/// assert_eq!(v[2].to_string(), "b'z'");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Int(i128),
    Bool(bool),
    Float(f64),
    Bytes(Vec<u8>),
}

impl Value {
    /// Python's truth value, which is what `?` packs: zero, `0.0`, `-0.0`
    /// and `b''` are false; everything else, NaN included, is true.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::pystruct::Value;
    ///
    /// assert!(Value::Float(f64::NAN).is_truthy());
    /// assert!(!Value::Bytes(vec![]).is_truthy());
    /// ```
    pub fn is_truthy(&self) -> bool {
        match self {
            Self::Int(i) => *i != 0,
            Self::Bool(b) => *b,
            Self::Float(f) => *f != 0.0,
            Self::Bytes(b) => !b.is_empty(),
        }
    }

    /// Equality that tells floats apart by their bits: NaN equals a NaN
    /// with the same sign and payload, and `0.0` differs from `-0.0`. This
    /// is how the tests compare netlab with CPython.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::pystruct::Value;
    ///
    /// assert!(Value::Float(f64::NAN).same(&Value::Float(f64::NAN)));
    /// assert!(!Value::Float(0.0).same(&Value::Float(-0.0)));
    /// ```
    pub fn same(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Float(a), Self::Float(b)) => a.to_bits() == b.to_bits(),
            _ => self == other,
        }
    }

    /// The Python type's name: `int`, `bool`, `float` or `bytes`.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::pystruct::Value;
    ///
    /// assert_eq!(Value::from(1.5).type_name(), "float");
    /// ```
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Int(_) => "int",
            Self::Bool(_) => "bool",
            Self::Float(_) => "float",
            Self::Bytes(_) => "bytes",
        }
    }
}

impl From<i128> for Value {
    fn from(i: i128) -> Self {
        Self::Int(i)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Self::Int(i.into())
    }
}

impl From<u64> for Value {
    fn from(i: u64) -> Self {
        Self::Int(i.into())
    }
}

impl From<i32> for Value {
    fn from(i: i32) -> Self {
        Self::Int(i.into())
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Self::Bool(b)
    }
}

impl From<f64> for Value {
    fn from(f: f64) -> Self {
        Self::Float(f)
    }
}

impl From<Vec<u8>> for Value {
    fn from(b: Vec<u8>) -> Self {
        Self::Bytes(b)
    }
}

impl From<&[u8]> for Value {
    fn from(b: &[u8]) -> Self {
        Self::Bytes(b.to_vec())
    }
}

impl<const N: usize> From<&[u8; N]> for Value {
    fn from(b: &[u8; N]) -> Self {
        Self::Bytes(b.to_vec())
    }
}

/// Python's `repr`: ints and bools as Python prints them, bytes as
/// `b'...'` with Python's escapes, floats as [`float_repr`].
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Int(i) => write!(f, "{i}"),
            Self::Bool(true) => f.write_str("True"),
            Self::Bool(false) => f.write_str("False"),
            Self::Float(x) if x.is_nan() => f.write_str("nan"),
            Self::Float(x) if x.is_infinite() => f.write_str(if *x > 0.0 { "inf" } else { "-inf" }),
            Self::Float(x) => f.write_str(&float_repr(*x)),
            Self::Bytes(b) => f.write_str(&bytes_repr(b)),
        }
    }
}

/// `repr(float)` for a finite float, as CPython writes it: the fewest
/// significant digits that read back as the same float, and of those the
/// nearest to its exact value (a tie to the even digit: 0.25 → `0.2`);
/// positional from 1e-4 up to 1e16, scientific outside, with the
/// exponent's sign and at least two digits (`1e+16`, `5.960464477539063e-08`).
fn float_repr(x: f64) -> String {
    // Rust's `{:e}` gives the fewest digits, but may break a tie the other
    // way; the same count of digits rounded exactly from the float is
    // Python's choice whenever it reads back.
    let shortest = format!("{x:e}");
    let count = shortest
        .split_once('e')
        .map_or(0, |(m, _)| m.bytes().filter(u8::is_ascii_digit).count());
    let nearest = format!("{x:.*e}", count.saturating_sub(1));
    let chosen = if nearest.parse::<f64>().is_ok_and(|y| y == x) {
        nearest
    } else {
        shortest
    };
    let Some((mantissa, exponent)) = chosen.split_once('e') else {
        return chosen;
    };
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let sign = if negative { "-" } else { "" };
    let (head, tail) = digits.split_at(1.min(digits.len()));
    if (-4..16).contains(&exponent) {
        if exponent < 0 {
            let zeros = "0".repeat(usize::try_from(-exponent - 1).unwrap_or(0));
            format!("{sign}0.{zeros}{digits}")
        } else {
            let int_len = usize::try_from(exponent).unwrap_or(0) + 1;
            let padded = format!("{digits:0<int_len$}");
            let (int, frac) = padded.split_at(int_len);
            let frac = if frac.is_empty() { "0" } else { frac };
            format!("{sign}{int}.{frac}")
        }
    } else {
        let dot = if tail.is_empty() { "" } else { "." };
        let esign = if exponent < 0 { '-' } else { '+' };
        format!(
            "{sign}{head}{dot}{tail}e{esign}{:02}",
            exponent.unsigned_abs()
        )
    }
}

/// `repr(bytes)`: single quotes unless the bytes hold `'` and no `"`.
pub(crate) fn bytes_repr(b: &[u8]) -> String {
    let quote = if b.contains(&b'\'') && !b.contains(&b'"') {
        '"'
    } else {
        '\''
    };
    let mut s = String::with_capacity(b.len() + 3);
    s.push('b');
    s.push(quote);
    for &c in b {
        match c {
            b'\\' => s.push_str("\\\\"),
            b'\t' => s.push_str("\\t"),
            b'\n' => s.push_str("\\n"),
            b'\r' => s.push_str("\\r"),
            c if char::from(c) == quote => {
                s.push('\\');
                s.push(quote);
            }
            0x20..=0x7e => s.push(char::from(c)),
            _ => {
                let _ = write!(s, "\\x{c:02x}");
            }
        }
    }
    s.push(quote);
    s
}

/// Lower-case hex without separators, as Python's `bytes.hex()`.
pub(crate) fn hex(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len() * 2);
    for c in b {
        let _ = write!(s, "{c:02x}");
    }
    s
}

/// JSON as the CLI contract has it: ints and bools as themselves, floats as
/// numbers except `"nan"`, `"inf"` and `"-inf"` (JSON has none), and bytes
/// as `{"hex": "..."}` (they need not be text).
impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Int(i) => s.serialize_i128(*i),
            Self::Bool(b) => s.serialize_bool(*b),
            Self::Float(x) if x.is_finite() => s.serialize_f64(*x),
            Self::Float(_) => s.collect_str(self),
            Self::Bytes(b) => {
                let mut map = s.serialize_map(Some(1))?;
                map.serialize_entry("hex", &hex(b))?;
                map.end()
            }
        }
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn repr_is_pythons() {
        assert_eq!(bytes_repr(b"a'b"), "b\"a'b\"");
        assert_eq!(bytes_repr(b"a'\"b"), "b'a\\'\"b'");
        assert_eq!(bytes_repr(b"\x00\xff\\\n"), "b'\\x00\\xff\\\\\\n'");
        assert_eq!(Value::Float(1.0).to_string(), "1.0");
        for (x, python) in [
            (5.960464477539063e-8, "5.960464477539063e-08"),
            (1e16, "1e+16"),
            (-1.5e300, "-1.5e+300"),
            (1e-4, "0.0001"),
            (9999999999999998.0, "9999999999999998.0"),
            (-0.0, "-0.0"),
            (5e-324, "5e-324"),
        ] {
            assert_eq!(Value::Float(x).to_string(), python);
        }
        assert_eq!(Value::Float(f64::NEG_INFINITY).to_string(), "-inf");
        assert_eq!(Value::Bool(false).to_string(), "False");
    }

    #[test]
    fn json_is_the_cli_contract() {
        let v = serde_json::to_value([
            Value::Int(u64::MAX.into()),
            Value::Float(f64::NAN),
            Value::Float(-f64::INFINITY),
            Value::Float(0.5),
            Value::Bytes(vec![0, 0xab]),
            Value::Bool(true),
        ])
        .unwrap();
        assert_eq!(
            v,
            serde_json::json!([18446744073709551615u64, "nan", "-inf", 0.5, {"hex": "00ab"}, true])
        );
    }
}
