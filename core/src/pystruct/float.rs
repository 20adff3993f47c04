//! Float conversions exactly as CPython 3.11 does them on x86_64, NaNs
//! included.
//!
//! - `e` (binary16) packing is CPython's `PyFloat_Pack2`: one correctly
//!   rounded step from the double, ties to even, overflow when the result
//!   rounds past 65504, and every NaN becomes the quiet NaN `0x7e00` with
//!   the input's sign. It is written out here instead of calling
//!   `half::f16::from_f64`, because that function converts through `f32`
//!   when the CPU has F16C (rounding twice: `1 + 2^-11 + 2^-40` gives
//!   `0x3c00` instead of CPython's `0x3c01`), and it keeps NaN payloads.
//! - `e` unpacking uses `half` (widening is exact) except for NaN, which
//!   CPython returns as the standard quiet NaN with the input's sign.
//! - `f` packing is the C cast `(float)x` and unpacking `(double)f`; on
//!   x86_64 (`cvtsd2ss`, `cvtss2sd`) a NaN keeps its sign and the top of its
//!   payload and comes out quiet. Rust leaves NaN bits of `as` casts
//!   unspecified, so NaNs are converted by hand.

/// The quiet bit and exponent of a binary64 NaN.
const F64_QNAN: u64 = 0x7ff8_0000_0000_0000;
const F64_SIGN: u64 = 1 << 63;
const F64_FRAC: u64 = (1 << 52) - 1;

/// `PyFloat_Pack2`: the binary16 bits of `x`, or `None` if it overflows.
pub(crate) fn f64_to_f16_bits(x: f64) -> Option<u16> {
    let bits = x.to_bits();
    let sign: u16 = if bits & F64_SIGN == 0 { 0 } else { 0x8000 };
    if x.is_nan() {
        return Some(sign | 0x7e00);
    }
    if x.is_infinite() {
        return Some(sign | 0x7c00);
    }
    if x == 0.0 {
        return Some(sign);
    }
    // |x| = sig * 2^exp exactly, with sig < 2^53.
    let exp_field = i32::try_from((bits >> 52) & 0x7ff).unwrap_or(0);
    let (sig, exp) = if exp_field == 0 {
        (bits & F64_FRAC, -1074)
    } else {
        (bits & F64_FRAC | 1 << 52, exp_field - 1075)
    };
    // floor(log2 |x|); the leading one of sig is at bit 63 - leading_zeros.
    let log2 = 63 - i32::try_from(sig.leading_zeros()).unwrap_or(0) + exp;
    if log2 >= 16 {
        return None;
    }
    // The spacing of binary16 values near |x|: 2^(log2-10) for normals,
    // 2^-24 for subnormals. Round |x| to a multiple of it, ties to even.
    let quantum = (log2 - 10).max(-24);
    let shift = quantum - exp;
    let n = round_shift(sig, shift);
    let magnitude = if log2 < -14 {
        // Subnormal; n == 1024 is the smallest normal, encoded the same way.
        n
    } else {
        // n is in 1024..=2048; 2048 carries into the exponent.
        ((u64::try_from(log2 + 15).unwrap_or(0)) << 10) + n - 1024
    };
    if magnitude >= 0x7c00 {
        return None;
    }
    u16::try_from(magnitude).ok().map(|m| sign | m)
}

/// `sig / 2^shift` rounded to the nearest integer, ties to even.
fn round_shift(sig: u64, shift: i32) -> u64 {
    if shift <= 0 {
        // Never reached for binary16 (shift >= 42), kept total.
        return sig << shift.unsigned_abs().min(10);
    }
    if shift > 60 {
        // sig < 2^53 is below half of 2^shift.
        return 0;
    }
    let n = sig >> shift;
    let rest = sig & ((1 << shift) - 1);
    let half = 1 << (shift - 1);
    if rest > half || (rest == half && n & 1 == 1) {
        n + 1
    } else {
        n
    }
}

/// `PyFloat_Unpack2`.
pub(crate) fn f16_bits_to_f64(bits: u16) -> f64 {
    if bits & 0x7c00 == 0x7c00 && bits & 0x03ff != 0 {
        let sign = if bits & 0x8000 == 0 { 0 } else { F64_SIGN };
        return f64::from_bits(sign | F64_QNAN);
    }
    half::f16::from_bits(bits).to_f64()
}

/// The C cast `(float)x` on x86_64: round to nearest even, overflow to
/// infinity, NaN quieted with the top of its payload kept.
pub(crate) fn f64_to_f32_bits(x: f64) -> u32 {
    if x.is_nan() {
        let bits = x.to_bits();
        let sign = if bits & F64_SIGN == 0 { 0 } else { 1 << 31 };
        let payload = u32::try_from((bits & F64_FRAC) >> 29).unwrap_or(0);
        return sign | 0x7fc0_0000 | payload;
    }
    // Rust's float-to-float `as` rounds to nearest, ties to even, and
    // overflows to infinity, like the C cast.
    (x as f32).to_bits()
}

/// The C cast `(double)f` on x86_64: exact, NaN quieted.
pub(crate) fn f32_bits_to_f64(bits: u32) -> f64 {
    let f = f32::from_bits(bits);
    if f.is_nan() {
        let sign = if bits & (1 << 31) == 0 { 0 } else { F64_SIGN };
        let payload = u64::from(bits & 0x007f_ffff) << 29;
        return f64::from_bits(sign | F64_QNAN | payload);
    }
    f64::from(f)
}

#[cfg(test)]
mod test {
    use super::*;

    fn h(x: f64) -> Option<u16> {
        f64_to_f16_bits(x)
    }

    #[test]
    fn half_rounds_like_cpython() {
        assert_eq!(h(1.0), Some(0x3c00));
        assert_eq!(h(65504.0), Some(0x7bff));
        assert_eq!(h(65519.99), Some(0x7bff));
        assert_eq!(h(65520.0), None);
        assert_eq!(h(-65520.0), None);
        assert_eq!(h(1e300), None);
        assert_eq!(h(2f64.powi(-24)), Some(1));
        assert_eq!(h(2f64.powi(-25)), Some(0));
        assert_eq!(h(3.0 * 2f64.powi(-26)), Some(1));
        assert_eq!(h(-1e-30), Some(0x8000));
        assert_eq!(h(f64::MIN_POSITIVE / 4.0), Some(0));
        assert_eq!(h(-0.0), Some(0x8000));
        assert_eq!(h(f64::NEG_INFINITY), Some(0xfc00));
        assert_eq!(h(-f64::NAN), Some(0xfe00));
        // Ties to even at the top of the subnormals and in the normals.
        assert_eq!(h(1023.5 * 2f64.powi(-24)), Some(0x0400));
        assert_eq!(h(1.0 + 2f64.powi(-11)), Some(0x3c00));
        assert_eq!(h(1.0 + 3.0 * 2f64.powi(-11)), Some(0x3c02));
        // One rounding, not two: half's f64 path rounds through f32 on F16C.
        assert_eq!(h(1.0 + 2f64.powi(-11) + 2f64.powi(-40)), Some(0x3c01));
    }

    #[test]
    fn half_agrees_with_the_half_crate_where_it_rounds_once() {
        // From an f32 the crate rounds once, so every f32 must agree.
        for bits in (0..=u32::MAX).step_by(4099) {
            let f = f32::from_bits(bits);
            if f.is_nan() {
                continue;
            }
            let ours = h(f64::from(f));
            let theirs = half::f16::from_f32(f);
            if theirs.is_infinite() && !f.is_infinite() {
                assert_eq!(ours, None, "{f:e}");
            } else {
                assert_eq!(ours, Some(theirs.to_bits()), "{f:e}");
            }
        }
    }

    #[test]
    fn every_half_round_trips() {
        for bits in 0..=u16::MAX {
            let x = f16_bits_to_f64(bits);
            if x.is_nan() {
                assert_eq!(x.to_bits() & !F64_SIGN, F64_QNAN);
                continue;
            }
            assert_eq!(h(x), Some(bits), "{bits:#06x}");
        }
    }

    #[test]
    fn nans_follow_x86() {
        let nan = f64::from_bits(0x7ff0_0000_0000_0001);
        assert_eq!(f64_to_f32_bits(nan), 0x7fc0_0000);
        let nan = f64::from_bits(0xfff8_f800_0000_0001);
        assert_eq!(f64_to_f32_bits(nan), 0xffc7_c000);
        assert_eq!(
            f32_bits_to_f64(0x7f80_0001).to_bits(),
            0x7ff8_0000_2000_0000
        );
        assert_eq!(f16_bits_to_f64(0xfc01).to_bits(), 0xfff8_0000_0000_0000);
        assert_eq!(f64_to_f32_bits(3.4028235677973366e38), 0x7f80_0000);
        assert_eq!(f64_to_f32_bits(3.4028235677973362e38), 0x7f7f_ffff);
    }
}
