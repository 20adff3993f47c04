//! The fast path for the formats network headers use: integers and `s`
//! fields (and padding), compiled once into a flat plan of fixed offsets,
//! widths and ranges, so packing and unpacking do no per-value lookups.
//!
//! The plan only ever succeeds where the general path would, with the same
//! bytes and values; when a value does not fit (wrong type, out of range)
//! it gives up and the general path runs, so every error, and the partial
//! writes CPython's `pack_into` leaves, come from one place.

use super::Value;
use super::format::{Kind, Mode, Parsed};
use super::pack::int_range;

/// Formats with more values than this take the general path: the plan is
/// for headers, not for `1000i`.
const MAX_STEPS: u64 = 64;

/// How one value is stored: an integer's width, signedness and byte order
/// (one variant each, so reading is one load and one swap), or `s` bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    U8,
    I8,
    U16Le,
    U16Be,
    I16Le,
    I16Be,
    U32Le,
    U32Be,
    I32Le,
    I32Be,
    U64Le,
    U64Be,
    I64Le,
    I64Be,
    Bytes(usize),
}

/// One value of the format: where it goes, how, and (for an integer) the
/// values it packs without error, as `min` and `span = max - min`, so the
/// range check is one unsigned comparison: `(v - min) as u128 <= span`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Step {
    at: usize,
    op: Op,
    min: i128,
    span: u128,
}

impl Step {
    fn new(at: usize, op: Op, (min, max): (i128, i128)) -> Self {
        Self {
            at,
            op,
            min,
            span: max.wrapping_sub(min) as u128,
        }
    }

    /// Whether `v` is in range.
    #[inline(always)]
    fn fits(&self, v: i128) -> bool {
        (v.wrapping_sub(self.min) as u128) <= self.span
    }
}

/// A compiled fast path, one step per value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Plan {
    steps: Vec<Step>,
    /// The byte ranges no value covers (`x` and alignment), zeroed by `pack`.
    pads: Vec<(usize, usize)>,
    size: usize,
}

impl Plan {
    /// The plan of `parsed`, if every item is an integer, `s` or `x`.
    pub(crate) fn new(parsed: &Parsed) -> Option<Self> {
        if parsed.values > MAX_STEPS {
            return None;
        }
        let big = parsed.mode == Mode::Big;
        let mut steps = Vec::new();
        let mut pads = Vec::new();
        for item in &parsed.items {
            let at = usize::try_from(item.offset).ok()?;
            let padding = usize::try_from(item.padding).ok()?;
            if padding > 0 {
                pads.push((at - padding, at));
            }
            let signed = match item.def.kind {
                Kind::Pad => {
                    pads.push((at, at + usize::try_from(item.count).ok()?));
                    continue;
                }
                Kind::Bytes => {
                    let op = Op::Bytes(usize::try_from(item.count).ok()?);
                    steps.push(Step::new(at, op, (0, 0)));
                    continue;
                }
                Kind::Signed => true,
                Kind::Unsigned => false,
                _ => return None,
            };
            let op = match (item.unit, signed, big) {
                (1, false, _) => Op::U8,
                (1, true, _) => Op::I8,
                (2, false, false) => Op::U16Le,
                (2, false, true) => Op::U16Be,
                (2, true, false) => Op::I16Le,
                (2, true, true) => Op::I16Be,
                (4, false, false) => Op::U32Le,
                (4, false, true) => Op::U32Be,
                (4, true, false) => Op::I32Le,
                (4, true, true) => Op::I32Be,
                (8, false, false) => Op::U64Le,
                (8, false, true) => Op::U64Be,
                (8, true, false) => Op::I64Le,
                (8, true, true) => Op::I64Be,
                _ => return None,
            };
            let range = int_range(parsed.mode, item.def.code);
            for j in 0..item.count {
                let step_at = at + usize::try_from(j * item.unit).ok()?;
                steps.push(Step::new(step_at, op, range));
            }
        }
        Some(Self {
            steps,
            pads,
            size: usize::try_from(parsed.size).ok()?,
        })
    }

    /// Packs `values` into `buf` (the struct's bytes, zeroed first), or
    /// returns false, having written some, if a value needs the general
    /// path. The caller has checked the number of values.
    pub(crate) fn pack(&self, buf: &mut [u8], values: &[Value]) -> bool {
        let Some(buf) = buf.get_mut(..self.size) else {
            return false;
        };
        for &(start, end) in &self.pads {
            if let Some(pad) = buf.get_mut(start..end) {
                pad.fill(0);
            }
        }
        for (step, value) in self.steps.iter().zip(values) {
            if let Op::Bytes(len) = step.op {
                let Value::Bytes(b) = value else {
                    return false;
                };
                if let Some(dst) = buf.get_mut(step.at..step.at + len) {
                    let n = b.len().min(len);
                    let (head, tail) = dst.split_at_mut(n);
                    copy_small(head, b.get(..n).unwrap_or_default());
                    if !tail.is_empty() {
                        tail.fill(0);
                    }
                }
                continue;
            }
            // Ints first: what a header's fields are.
            let v = match value {
                Value::Int(i) => *i,
                Value::Bool(b) => i128::from(*b),
                _ => return false,
            };
            if !step.fits(v) {
                return false;
            }
            write(buf, step.at, step.op, v as u64);
        }
        true
    }

    /// Unpacks the struct at the start of `buf` into a new vector, each
    /// value pushed once (no placeholders to fill and overwrite); `None`
    /// if `buf` is too short.
    pub(crate) fn unpack(&self, buf: &[u8]) -> Option<Vec<Value>> {
        let buf = buf.get(..self.size)?;
        let mut out = Vec::with_capacity(self.steps.len());
        out.extend(self.steps.iter().map(|step| match step.op {
            Op::Bytes(len) => {
                Value::Bytes(buf.get(step.at..step.at + len).unwrap_or_default().to_vec())
            }
            op => Value::Int(read(buf, step.at, op)),
        }));
        Some(out)
    }

    /// Unpacks the struct at the start of `buf` into `out`, reusing the
    /// `bytes` buffers `out` already holds; false if `buf` is too short.
    pub(crate) fn unpack_into(&self, buf: &[u8], out: &mut Vec<Value>) -> bool {
        let Some(buf) = buf.get(..self.size) else {
            return false;
        };
        if out.len() != self.steps.len() {
            out.clear();
            out.resize(self.steps.len(), Value::Int(0));
        }
        for (slot, step) in out.iter_mut().zip(&self.steps) {
            if let Op::Bytes(len) = step.op {
                let src = buf.get(step.at..step.at + len).unwrap_or_default();
                match slot {
                    Value::Bytes(old) if old.len() == src.len() => copy_small(old, src),
                    Value::Bytes(old) => {
                        old.clear();
                        old.extend_from_slice(src);
                    }
                    _ => *slot = Value::Bytes(src.to_vec()),
                }
            } else {
                let v = read(buf, step.at, step.op);
                // The value already there is an int when `out` is reused:
                // write it in place, with no drop of the old value.
                match slot {
                    Value::Int(old) => *old = v,
                    _ => *slot = Value::Int(v),
                }
            }
        }
        true
    }
}

/// Copies `src` into `dst` (of the same length), with fixed-size moves for
/// the lengths headers use (IPv4 and MAC addresses, IPv6) instead of a
/// call to `memcpy`.
#[inline(always)]
fn copy_small(dst: &mut [u8], src: &[u8]) {
    fn fixed<const N: usize>(dst: &mut [u8], src: &[u8]) {
        if let (Some(d), Some(s)) = (dst.first_chunk_mut::<N>(), src.first_chunk::<N>()) {
            *d = *s;
        }
    }
    match (dst.len(), src.len()) {
        (4, 4) => fixed::<4>(dst, src),
        (6, 6) => fixed::<6>(dst, src),
        (16, 16) => fixed::<16>(dst, src),
        (a, b) if a == b => dst.copy_from_slice(src),
        _ => {}
    }
}

/// Reads `N` bytes at `at` (zeros if out of range; the plan's offsets are
/// within the struct, which the caller has checked is there).
#[inline(always)]
fn array<const N: usize>(buf: &[u8], at: usize) -> [u8; N] {
    buf.get(at..at + N)
        .and_then(|s| <[u8; N]>::try_from(s).ok())
        .unwrap_or([0; N])
}

/// One integer. Fixed-size reads, so each is a single load and swap.
#[inline(always)]
fn read(buf: &[u8], at: usize, op: Op) -> i128 {
    match op {
        Op::U8 => i128::from(array::<1>(buf, at)[0]),
        Op::I8 => i128::from(i8::from_le_bytes(array(buf, at))),
        Op::U16Le => i128::from(u16::from_le_bytes(array(buf, at))),
        Op::U16Be => i128::from(u16::from_be_bytes(array(buf, at))),
        Op::I16Le => i128::from(i16::from_le_bytes(array(buf, at))),
        Op::I16Be => i128::from(i16::from_be_bytes(array(buf, at))),
        Op::U32Le => i128::from(u32::from_le_bytes(array(buf, at))),
        Op::U32Be => i128::from(u32::from_be_bytes(array(buf, at))),
        Op::I32Le => i128::from(i32::from_le_bytes(array(buf, at))),
        Op::I32Be => i128::from(i32::from_be_bytes(array(buf, at))),
        Op::U64Le => i128::from(u64::from_le_bytes(array(buf, at))),
        Op::U64Be => i128::from(u64::from_be_bytes(array(buf, at))),
        Op::I64Le => i128::from(i64::from_le_bytes(array(buf, at))),
        Op::I64Be => i128::from(i64::from_be_bytes(array(buf, at))),
        Op::Bytes(_) => 0,
    }
}

/// Writes the low bytes of `v` (two's complement) as `op` stores them.
#[inline(always)]
fn write(buf: &mut [u8], at: usize, op: Op, v: u64) {
    fn put<const N: usize>(buf: &mut [u8], at: usize, bytes: [u8; N]) {
        if let Some(dst) = buf.get_mut(at..at + N) {
            dst.copy_from_slice(&bytes);
        }
    }
    match op {
        Op::U8 | Op::I8 => put(buf, at, [v as u8]),
        Op::U16Le | Op::I16Le => put(buf, at, (v as u16).to_le_bytes()),
        Op::U16Be | Op::I16Be => put(buf, at, (v as u16).to_be_bytes()),
        Op::U32Le | Op::I32Le => put(buf, at, (v as u32).to_le_bytes()),
        Op::U32Be | Op::I32Be => put(buf, at, (v as u32).to_be_bytes()),
        Op::U64Le | Op::I64Le => put(buf, at, v.to_le_bytes()),
        Op::U64Be | Op::I64Be => put(buf, at, v.to_be_bytes()),
        Op::Bytes(_) => {}
    }
}

#[cfg(test)]
mod test {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The one-comparison range check agrees with `min <= v <= max`
        /// for every range a format code has, at and around its bounds
        /// and anywhere in i128.
        #[test]
        fn fits_is_the_range_check(
            code in prop::sample::select(b"bBhHiIlLqQnN".to_vec()),
            mode in prop::sample::select(vec![Mode::Native, Mode::Little, Mode::Big]),
            pick in 0usize..3,
            wild in any::<i128>(),
            d in -3i128..=3,
        ) {
            let (min, max) = int_range(mode, code);
            let v = match pick {
                0 => min.saturating_add(d),
                1 => max.saturating_add(d),
                _ => wild,
            };
            let step = Step::new(0, Op::U8, (min, max));
            prop_assert_eq!(step.fits(v), min <= v && v <= max, "{} {:?} {}", code as char, mode, v);
        }
    }
}
