//! Strict dotted decimal with SSSE3: the whole text in one 16-byte
//! register, every check at once, no branch that depends on the digits.
//!
//! Why: the scalar parser's branches follow each octet's digit count, which
//! is random in a list of addresses, so the CPU mispredicts about once an
//! octet. Here the dots' positions pick one of the 81 shapes a strict
//! dotted quad can have (each octet 1 to 3 digits); the shape's shuffle
//! lines the digits up as hundreds, tens and ones in four 32-bit lanes and
//! one multiply-add per lane gives the octets. The idea is Wojciech Muła's
//! and Daniel Lemire's SIMD parsing (the 16-byte shuffle picked by a
//! mask); the tables and checks here are ours, for exactly the text
//! [`super::parse_ipv4`] accepts, and the tests compare this parser with
//! the scalar one and with std's `Ipv4Addr::from_str` on every shape and on
//! random text (the `address_text` fuzz target does so with std's too).

use std::arch::x86_64::{
    __m128i, _mm_and_si128, _mm_cmpeq_epi8, _mm_cmpgt_epi32, _mm_cvtsi128_si32, _mm_madd_epi16,
    _mm_maddubs_epi16, _mm_min_epu8, _mm_movemask_epi8, _mm_set_epi64x, _mm_set1_epi8,
    _mm_set1_epi16, _mm_set1_epi32, _mm_setzero_si128, _mm_shuffle_epi8, _mm_sub_epi8,
};
use std::net::Ipv4Addr;

/// A shuffle index that writes a zero byte.
const ZERO: u8 = 0x80;

/// One of the 81 shapes of a strict dotted quad (each octet 1 to 3
/// digits).
struct Shape {
    /// The dots' positions with a bit at the text's length: `1.22.3.44` is
    /// bits 1, 4, 6 and 9. Every check of the dots and the octets' lengths
    /// is "the text's key is this".
    key: u32,
    /// Puts octet k's digits at bytes 4k..4k+3 as `[hundreds, tens, ones,
    /// 0]`, absent digits zero.
    shuffle: [u8; 16],
    /// The leading digit of each octet of two or three digits, which must
    /// not be 0.
    lead: [u8; 16],
}

/// A multiplier under which the top 8 bits of `key * HASH` differ for all
/// 81 keys (found by a random search; the table below fails to compile if
/// two keys met). 7 bits (128 slots) would need a luckier multiplier than
/// millions of tries found.
const HASH: u32 = 0x372d_a969;

/// The slot of a key in [`SHAPES`].
#[inline(always)]
const fn slot(key: u32) -> usize {
    (key.wrapping_mul(HASH) >> 24) as usize
}

/// The shapes by [`slot`]; the 175 empty slots have key 0, which no text
/// has (its length bit is at 7 or more).
static SHAPES: [Shape; 256] = {
    const EMPTY: Shape = Shape {
        key: 0,
        shuffle: [ZERO; 16],
        lead: [0; 16],
    };
    let mut out = [EMPTY; 256];
    let mut shape = 0;
    while shape < 81 {
        let lens = [
            shape / 27 + 1,
            shape / 9 % 3 + 1,
            shape / 3 % 3 + 1,
            shape % 3 + 1,
        ];
        let mut s = EMPTY;
        let mut start = 0;
        let mut k = 0;
        while k < 4 {
            let len = lens[k];
            let mut j = 0;
            while j < 3 {
                // j = 0 hundreds, 1 tens, 2 ones: the digit 2 - j from the right.
                let from_right = 2 - j;
                if from_right < len {
                    s.shuffle[4 * k + j] = (start + len - 1 - from_right) as u8;
                }
                j += 1;
            }
            if len >= 2 {
                s.lead[4 * k + 3 - len] = 0xff;
            }
            // The dot after the octet, or the end of the text.
            s.key |= 1 << (start + len);
            start += len + 1;
            k += 1;
        }
        let at = slot(s.key);
        assert!(out[at].key == 0, "two shapes share a slot: change HASH");
        out[at] = s;
        shape += 1;
    }
    out
};

/// 16 bytes as one register (SSE2 only: no unsafe load needed).
#[inline]
#[target_feature(enable = "ssse3")]
fn register(bytes: &[u8; 16]) -> __m128i {
    let [lo, hi] = [0, 8].map(|at| {
        let mut half = [0u8; 8];
        half.copy_from_slice(&bytes[at..at + 8]);
        i64::from_le_bytes(half)
    });
    _mm_set_epi64x(hi, lo)
}

/// The text (7 to 15 bytes) as two little-endian halves, zero past its
/// end, read with two overlapping loads instead of a byte loop or a
/// variable-length copy.
#[inline(always)]
fn load(b: &[u8]) -> Option<(u64, u64)> {
    let n = b.len();
    if n >= 8 {
        let lo = u64::from_le_bytes(b.get(..8)?.try_into().ok()?);
        // The last 8 bytes, moved down so byte 8 comes first (none at 8).
        let tail = u64::from_le_bytes(b.get(n.checked_sub(8)?..)?.try_into().ok()?);
        let hi = tail.checked_shr(8 * (16 - n as u32)).unwrap_or(0);
        Some((lo, hi))
    } else {
        let lo = u32::from_le_bytes(b.get(..4)?.try_into().ok()?);
        let tail = u32::from_le_bytes(b.get(n.checked_sub(4)?..)?.try_into().ok()?);
        // The overlap holds the same bytes in both, so OR keeps them.
        Some((u64::from(lo) | u64::from(tail) << (8 * (n as u32 - 4)), 0))
    }
}

/// Strict dotted decimal, as [`super::parse_ipv4_fast`] defines it.
#[target_feature(enable = "ssse3")]
pub(super) fn parse(b: &[u8]) -> Option<Ipv4Addr> {
    let n = b.len();
    if !(7..=15).contains(&n) {
        return None;
    }
    let (lo, hi) = load(b)?;
    let text = _mm_set_epi64x(hi as i64, lo as i64);
    let digits = _mm_sub_epi8(text, _mm_set1_epi8(b'0' as i8));
    let is_digit = _mm_cmpeq_epi8(_mm_min_epu8(digits, _mm_set1_epi8(9)), digits);
    let dots = _mm_movemask_epi8(_mm_cmpeq_epi8(text, _mm_set1_epi8(b'.' as i8))) as u32;
    let non_digits = !(_mm_movemask_epi8(is_digit) as u32) & ((1 << n) - 1);
    let key = dots | 1 << n;
    let shape = &SHAPES[slot(key)];
    // Every byte is a digit or a dot, the dots where a shape has them.
    let mut bad = non_digits != dots || shape.key != key;
    let lined_up = _mm_shuffle_epi8(digits, register(&shape.shuffle));
    let leading_zero = _mm_and_si128(
        _mm_cmpeq_epi8(lined_up, _mm_setzero_si128()),
        register(&shape.lead),
    );
    bad |= _mm_movemask_epi8(leading_zero) != 0;
    // Bytes [100, 10, 1, 0] per lane: 100h + 10t in one i16, o in the next,
    // then both summed into the lane's i32.
    let weights = _mm_set_epi64x(0x0001_0a64_0001_0a64, 0x0001_0a64_0001_0a64);
    let octets = _mm_madd_epi16(_mm_maddubs_epi16(lined_up, weights), _mm_set1_epi16(1));
    bad |= _mm_movemask_epi8(_mm_cmpgt_epi32(octets, _mm_set1_epi32(255))) != 0;
    // The low byte of each lane, in order.
    let low_bytes = _mm_set_epi64x(-1, 0x8080_8080_0c08_0400_u64 as i64);
    let word = _mm_cvtsi128_si32(_mm_shuffle_epi8(octets, low_bytes)) as u32;
    (!bad).then(|| Ipv4Addr::from(word.to_le_bytes()))
}

#[cfg(test)]
mod test {
    use super::*;
    use proptest::prelude::*;

    fn simd(text: &str) -> Option<Ipv4Addr> {
        assert!(std::is_x86_feature_detected!("ssse3"));
        #[allow(unsafe_code)]
        // SAFETY: the feature was detected just above.
        unsafe {
            parse(text.as_bytes())
        }
    }

    #[test]
    fn every_shape_and_edge_agrees_with_the_scalar_parser() {
        let parts = [
            "0", "1", "9", "00", "01", "10", "99", "000", "001", "010", "100", "199", "255", "256",
            "299", "300", "999", "", "1a", "-1", "+1", " 1",
        ];
        let mut checked = 0;
        for a in parts {
            for b in parts {
                for c in ["0", "05", "255", "256", "00", ""] {
                    for d in parts {
                        for text in [
                            format!("{a}.{b}.{c}.{d}"),
                            format!("{a}.{b}.{c}.{d}."),
                            format!("{a}.{b}{c}.{d}"),
                            format!("{a}.{b}.{c}:{d}"),
                        ] {
                            let got = simd(&text);
                            assert_eq!(
                                got,
                                super::super::parse_ipv4_scalar(text.as_bytes()),
                                "{text:?}"
                            );
                            assert_eq!(got, text.parse().ok(), "{text:?} (std)");
                            checked += 1;
                        }
                    }
                }
            }
        }
        assert!(checked > 40_000);
    }

    #[test]
    fn every_address_with_one_octet_varied_reads_back() {
        for v in 0..=255u8 {
            for at in 0..4 {
                let mut o = [192, 0, 2, 1];
                o[at] = v;
                let a = Ipv4Addr::from(o);
                assert_eq!(simd(&a.to_string()), Some(a));
            }
        }
    }

    proptest! {
        #[test]
        fn random_text_agrees_with_the_scalar_parser(text in "[0-9.]{0,17}|[0-9. /x:a]{5,16}") {
            prop_assert_eq!(simd(&text), super::super::parse_ipv4_scalar(text.as_bytes()));
            // And std's parser, an oracle written by others.
            prop_assert_eq!(simd(&text), text.parse().ok());
        }

        #[test]
        fn every_address_reads_back(o: [u8; 4]) {
            let a = Ipv4Addr::from(o);
            prop_assert_eq!(simd(&a.to_string()), Some(a));
        }
    }
}
