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
    /// An int beyond the `i128` range (a learner's `10**40`), kept as the
    /// float Python would convert it to (rounded to nearest, ties to even,
    /// and infinite when it is beyond the largest float, where Python's
    /// conversion fails) and its low 64 bits in two's complement. That is
    /// all any code needs of it: the integer codes refuse it as out of
    /// range (big-endian `q` and `Q` having first written those 64 bits,
    /// as CPython's `pack_into` leaves them), the float codes pack that
    /// float or refuse it with CPython's words, and `?` packs `True`.
    /// `unpack` never returns one. Make it with [`Value::from_int_literal`].
    LargeInt(f64, u64),
    /// A Python `str`, which `struct` never takes as bytes: every code but
    /// `?` refuses it with CPython's words (`argument for 's' must be a
    /// bytes object`), the Python 3 mistake of packing `'abc'` where
    /// `b'abc'` belongs; `?` packs its truth.
    Str(String),
    /// Python's `None`, what a function without a `return` gives: a
    /// learner's `struct.pack('i', count())` where `count` forgot to return
    /// gets CPython's `required argument is not an integer`; `?` packs it
    /// as `False`. `unpack` never returns one.
    None,
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
            Self::LargeInt(..) => true,
            Self::Str(s) => !s.is_empty(),
            Self::None => false,
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
            (Self::LargeInt(a, low_a), Self::LargeInt(b, low_b)) => {
                a.to_bits() == b.to_bits() && low_a == low_b
            }
            _ => self == other,
        }
    }

    /// The Python type's name: `int`, `bool`, `float`, `bytes`, `str` or
    /// `NoneType`.
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
            Self::Int(_) | Self::LargeInt(..) => "int",
            Self::Bool(_) => "bool",
            Self::Float(_) => "float",
            Self::Bytes(_) => "bytes",
            Self::Str(_) => "str",
            Self::None => "NoneType",
        }
    }
}

impl Value {
    /// A Python integer literal as a value: `42`, `-7`, `0xff`, `0o17`,
    /// `0b101` (a sign, then digits, case ignored, no `_`); `None` if the
    /// text is not one. Within the `i128` range it is an [`Value::Int`];
    /// beyond, a [`Value::LargeInt`] holding the float Python's `float(n)`
    /// gives, rounded from all the digits, and `n`'s low 64 bits.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::pystruct::Value;
    ///
    /// assert_eq!(Value::from_int_literal("-0x10"), Some(Value::Int(-16)));
    /// // Python's float(10**40), and 10**40 % 2**64 beside it.
    /// let ten_40 = Value::from_int_literal(&format!("1{}", "0".repeat(40)));
    /// assert_eq!(ten_40, Some(Value::LargeInt(1e40, 0xb9f5_6100_0000_0000)));
    /// let minus = Value::from_int_literal(&format!("-1{}", "0".repeat(40)));
    /// assert_eq!(minus, Some(Value::LargeInt(-1e40, 0xb9f5_6100_0000_0000u64.wrapping_neg())));
    /// // 2**1024 is beyond every float: Python cannot convert it.
    /// let huge = Value::from_int_literal(&format!("0x1{}", "0".repeat(256))).unwrap();
    /// assert_eq!(huge, Value::LargeInt(f64::INFINITY, 0));
    /// assert_eq!(Value::from_int_literal("1.5"), None);
    /// ```
    pub fn from_int_literal(text: &str) -> Option<Self> {
        let (negative, body) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        let prefix = body.get(..2).map(str::to_ascii_lowercase);
        let (radix, digits) = match prefix.as_deref() {
            Some("0x") => (16, body.get(2..)?),
            Some("0o") => (8, body.get(2..)?),
            Some("0b") => (2, body.get(2..)?),
            _ => (10, body),
        };
        if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
            return None;
        }
        let exact = u128::from_str_radix(digits, radix).ok().and_then(|m| {
            if negative {
                0i128.checked_sub_unsigned(m)
            } else {
                i128::try_from(m).ok()
            }
        });
        if let Some(i) = exact {
            return Some(Self::Int(i));
        }
        let magnitude = if radix == 10 {
            // Rust's parser rounds from every digit, as Python's int-to-float does.
            digits.parse::<f64>().ok()?
        } else {
            power_of_two_radix_to_f64(digits, radix)
        };
        // The low 64 bits, as Python's `n % 2**64` (two's complement).
        let low = digits
            .chars()
            .filter_map(|c| c.to_digit(radix))
            .fold(0u64, |low, d| {
                low.wrapping_mul(u64::from(radix))
                    .wrapping_add(u64::from(d))
            });
        Some(if negative {
            Self::LargeInt(-magnitude, low.wrapping_neg())
        } else {
            Self::LargeInt(magnitude, low)
        })
    }
}

/// Digits in base 2, 8 or 16 as the nearest float, ties to even, infinite
/// past the largest: the bits are exact, so round at the 53rd significant
/// bit from the one after it and whether any later bit is set.
fn power_of_two_radix_to_f64(digits: &str, radix: u32) -> f64 {
    let width = radix.trailing_zeros();
    let mut mantissa: u64 = 0;
    // Significant bits seen, the first bit after the 53 kept, and any later one.
    let (mut bits, mut round, mut sticky) = (0u64, false, false);
    for d in digits.chars().filter_map(|c| c.to_digit(radix)) {
        for k in (0..width).rev() {
            let bit = (d >> k) & 1 == 1;
            if bits == 0 && !bit {
                continue;
            }
            bits += 1;
            match bits {
                1..=53 => mantissa = mantissa << 1 | u64::from(bit),
                54 => round = bit,
                _ => sticky |= bit,
            }
        }
    }
    let kept = bits.min(53);
    let mut exponent = bits - kept; // the value is mantissa * 2^exponent
    if round && (sticky || mantissa & 1 == 1) {
        mantissa += 1;
        if mantissa == 1 << 53 {
            mantissa >>= 1;
            exponent += 1;
        }
    }
    // mantissa < 2^53 and exact; scale by 2^exponent in steps that stay exact.
    let mut x = mantissa as f64;
    let mut left = exponent;
    while left > 0 && x.is_finite() {
        let step = left.min(1000);
        x *= f64::from_bits((1023 + step) << 52);
        left -= step;
    }
    x
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
/// `b'...'` with Python's escapes, floats as Python's `repr` writes them.
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
            // Only the float is kept: shown as the whole number it is.
            Self::LargeInt(x, _) if x.is_infinite() => f.write_str(if *x > 0.0 {
                "(an int beyond 1.8e+308)"
            } else {
                "(an int below -1.8e+308)"
            }),
            Self::LargeInt(x, _) => write!(f, "{x:.0}"),
            Self::Str(s) => f.write_str(&str_repr(s)),
            Self::None => f.write_str("None"),
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

/// `repr(str)`: single quotes unless the text holds `'` and no `"`;
/// backslash, the quote and control characters escaped as Python does.
fn str_repr(text: &str) -> String {
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut s = String::with_capacity(text.len() + 2);
    s.push(quote);
    for c in text.chars() {
        match c {
            '\\' => s.push_str("\\\\"),
            '\t' => s.push_str("\\t"),
            '\n' => s.push_str("\\n"),
            '\r' => s.push_str("\\r"),
            c if c == quote => {
                s.push('\\');
                s.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(s, "\\x{:02x}", c as u32);
            }
            c => s.push(c),
        }
    }
    s.push(quote);
    s
}

/// `repr(bytes)`: single quotes unless the bytes hold `'` and no `"`;
/// the dissector's [`crate::packet::field::py_bytes`], one writer of it.
pub(crate) fn bytes_repr(b: &[u8]) -> String {
    crate::packet::field::py_bytes(b)
}

/// Lower-case hex without separators, as Python's `bytes.hex()`.
pub(crate) use crate::packet::field::hex;

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
            Self::LargeInt(x, _) if x.is_finite() => s.serialize_f64(*x),
            Self::LargeInt(..) => s.collect_str(self),
            Self::Str(text) => s.serialize_str(text),
            Self::None => s.serialize_none(),
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
    use proptest::prelude::*;

    /// `digits` in `radix` as decimal text, by schoolbook arithmetic on
    /// base-10^9 limbs: the independent way to the same number.
    fn to_decimal(digits: &str, radix: u32) -> String {
        let mut limbs: Vec<u64> = vec![0]; // least significant first
        for d in digits.chars().filter_map(|c| c.to_digit(radix)) {
            let mut carry = u64::from(d);
            for limb in &mut limbs {
                let x = *limb * u64::from(radix) + carry;
                *limb = x % 1_000_000_000;
                carry = x / 1_000_000_000;
            }
            if carry > 0 {
                limbs.push(carry);
            }
        }
        let mut text = limbs.last().copied().unwrap_or(0).to_string();
        for limb in limbs.iter().rev().skip(1) {
            text.push_str(&format!("{limb:09}"));
        }
        text
    }

    proptest! {
        /// Hex, octal and binary ints beyond an i128 round to the float that
        /// Rust's decimal parser (correctly rounded) gives for the same number.
        #[test]
        fn large_ints_round_as_their_decimal_digits(
            radix in prop::sample::select(vec![2u32, 8, 16]),
            head in 1u32..16,
            // Long runs of 0s and 1s make the round-half-even ties.
            tail in prop::collection::vec(prop::sample::select(vec![0u32, 0, 1, 15, 7, 8]), 40..1100),
            negative in any::<bool>(),
        ) {
            let digit = |d: u32| char::from_digit(d % radix, radix).unwrap_or('0');
            let digits: String = std::iter::once(digit(head.max(1) % radix).max('1'))
                .chain(tail.iter().map(|&d| digit(d)))
                .collect();
            let prefix = match radix { 2 => "0b", 8 => "0o", _ => "0x" };
            let sign = if negative { "-" } else { "" };
            let ours = Value::from_int_literal(&format!("{sign}{prefix}{digits}"));
            let decimal = Value::from_int_literal(&format!("{sign}{}", to_decimal(&digits, radix)));
            prop_assert!(ours.is_some());
            prop_assert!(ours.as_ref().zip(decimal.as_ref()).is_some_and(|(a, b)| a.same(b)), "{:?} {:?}", ours, decimal);
        }
    }

    #[test]
    fn large_int_ties_go_to_even() {
        // 2**200 + 2**147 is halfway between two floats: the even one wins.
        let tie = format!("0x1{}8{}", "0".repeat(13), "0".repeat(36));
        assert_eq!(
            Value::from_int_literal(&tie),
            Some(Value::LargeInt(2f64.powi(200), 0))
        );
        let above = format!("0x1{}8{}1", "0".repeat(13), "0".repeat(35));
        assert_eq!(
            Value::from_int_literal(&above),
            Some(Value::LargeInt(2f64.powi(200) + 2f64.powi(148), 1))
        );
        assert_eq!(
            Value::from_int_literal("0x7fffffffffffffffffffffffffffffff"),
            Some(Value::Int(i128::MAX))
        );
        assert_eq!(
            Value::from_int_literal("-0x80000000000000000000000000000000"),
            Some(Value::Int(i128::MIN))
        );
        assert_eq!(
            Value::from_int_literal("0x80000000000000000000000000000000"),
            Some(Value::LargeInt(2f64.powi(127), 0))
        );
    }

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
        assert_eq!(Value::Str("it's\n".into()).to_string(), "\"it's\\n\"");
        assert_eq!(Value::Str("a\\b\x01".into()).to_string(), "'a\\\\b\\x01'");
        assert_eq!(Value::None.to_string(), "None");
        assert_eq!(Value::None.type_name(), "NoneType");
        assert!(!Value::None.is_truthy());
        assert_eq!(serde_json::to_string(&Value::None).unwrap(), "null");
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
