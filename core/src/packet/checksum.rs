//! The Internet checksum (RFC 1071) and Ethernet's frame check sequence.
//!
//! The Internet checksum is the ones' complement of the ones' complement
//! sum of the data taken as 16-bit big-endian words (an odd last byte is
//! padded with a zero). Its trick: summing a header *including* a correct
//! checksum gives `0xffff`, so checking is one sum. TCP and UDP also sum a
//! pseudo-header of the IP addresses, the protocol and the length, so a
//! segment delivered to the wrong host fails its check.
//!
//! Each view's `verify_checksum` / `fill_checksum` combine these pieces,
//! as smoltcp's do.

use std::net::{Ipv4Addr, Ipv6Addr};

/// The folded ones' complement sum of `data` (not yet complemented).
///
/// # Examples
///
/// ```
/// use netlab_core::packet::checksum;
///
/// // RFC 1071 §3's example: the sum of 0001 f203 f4f5 f6f7 is ddf2.
/// assert_eq!(checksum::data(&[0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]), 0xddf2);
/// ```
#[inline]
pub fn data(data: &[u8]) -> u16 {
    // Eight bytes at a time, as two big-endian 32-bit words: 2^16 is 1
    // modulo 0xffff, so a 32-bit word counts as the sum of its two 16-bit
    // halves and the fold below gives the same ones' complement sum. Two
    // words of at most 2^32 each per 8 bytes cannot overflow 64 bits for
    // any slice that fits in memory.
    let mut sum: u64 = 0;
    let mut blocks = data.chunks_exact(8);
    for b in &mut blocks {
        let w = u64::from_be_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]);
        sum += (w >> 32) + (w & 0xffff_ffff);
    }
    let mut words = blocks.remainder().chunks_exact(2);
    for w in &mut words {
        sum += u64::from(u16::from_be_bytes([w[0], w[1]]));
    }
    if let [last] = words.remainder() {
        sum += u64::from(*last) << 8;
    }
    fold(sum)
}

/// [`data`] with the two bytes at `at` counted as zero: the sum a sender
/// computes before writing the checksum that lives there. `at` is even in
/// every header netlab knows, so the words around it keep their places.
#[inline]
pub fn data_without(bytes: &[u8], at: usize) -> u16 {
    let at = at.min(bytes.len());
    let after = (at + 2).min(bytes.len());
    combine(&[data(&bytes[..at]), data(&bytes[after..])])
}

/// Adds partial sums (ones' complement, so the order does not matter).
#[inline]
pub fn combine(sums: &[u16]) -> u16 {
    fold(sums.iter().map(|&s| u64::from(s)).sum())
}

#[inline]
fn fold(mut sum: u64) -> u16 {
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    sum as u16
}

/// The sum of the IPv4 pseudo-header (RFC 793 §3.1, RFC 768): source,
/// destination, zero, protocol and the TCP/UDP length.
#[inline]
pub fn pseudo_header_v4(src: Ipv4Addr, dst: Ipv4Addr, protocol: u8, length: u32) -> u16 {
    let mut bytes = [0u8; 12];
    bytes[0..4].copy_from_slice(&src.octets());
    bytes[4..8].copy_from_slice(&dst.octets());
    bytes[9] = protocol;
    // Lengths over 64 KiB cannot be in an IPv4 packet; the low half is what
    // a sender that wrapped would have summed.
    bytes[10..12].copy_from_slice(&(length as u16).to_be_bytes());
    data(&bytes)
}

/// The sum of the IPv6 pseudo-header (RFC 8200 §8.1): source, destination,
/// the 32-bit upper-layer length, zeros and the next header.
pub fn pseudo_header_v6(src: Ipv6Addr, dst: Ipv6Addr, next_header: u8, length: u32) -> u16 {
    let mut bytes = [0u8; 40];
    bytes[0..16].copy_from_slice(&src.octets());
    bytes[16..32].copy_from_slice(&dst.octets());
    bytes[32..36].copy_from_slice(&length.to_be_bytes());
    bytes[39] = next_header;
    data(&bytes)
}

/// The addresses a TCP or UDP checksum covers: the pseudo-header's
/// source and destination, for either IP version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PseudoHeader {
    V4 { src: Ipv4Addr, dst: Ipv4Addr },
    V6 { src: Ipv6Addr, dst: Ipv6Addr },
}

impl PseudoHeader {
    /// The pseudo-header's sum for a segment of `length` bytes.
    #[inline]
    pub fn sum(self, protocol: u8, length: usize) -> u16 {
        let length = u32::try_from(length).unwrap_or(u32::MAX);
        match self {
            Self::V4 { src, dst } => pseudo_header_v4(src, dst, protocol, length),
            Self::V6 { src, dst } => pseudo_header_v6(src, dst, protocol, length),
        }
    }
}

/// Ethernet's frame check sequence: the CRC-32 of IEEE 802.3 (the one zip
/// uses) over the frame from the destination address to the end of the
/// padding. It is sent as the 4 bytes of [`u32::to_le_bytes`], which is
/// how the CRC's highest term ends up first on the wire.
///
/// # Examples
///
/// ```
/// use netlab_core::packet::checksum::fcs;
///
/// assert_eq!(fcs(b"123456789"), 0xcbf4_3926);
/// ```
pub fn fcs(frame: &[u8]) -> u32 {
    crc32fast::hash(frame)
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn sums_fold_and_combine() {
        assert_eq!(data(&[]), 0);
        assert_eq!(data(&[0xff, 0xff, 0xff, 0xff]), 0xffff);
        // An odd byte counts as the high half of a word.
        assert_eq!(data(&[0x01]), 0x0100);
        assert_eq!(combine(&[0xfff0, 0x0020]), 0x0011);
        // A sum over data and its own complement is all ones.
        let bytes = [0x45, 0x00, 0x00, 0x2d];
        assert_eq!(combine(&[data(&bytes), !data(&bytes)]), 0xffff);
        assert_eq!(
            data_without(&[0x12, 0x34, 0xff, 0xff, 0x00, 0x01], 2),
            0x1235
        );
        assert_eq!(data_without(&[0x12, 0x34], 2), 0x1234);
    }

    /// RFC 1071 word by word, the way the RFC writes it.
    fn reference(data: &[u8]) -> u16 {
        let mut sum: u32 = 0;
        for (i, b) in data.iter().enumerate() {
            sum += if i % 2 == 0 {
                u32::from(*b) << 8
            } else {
                u32::from(*b)
            };
            sum = (sum & 0xffff) + (sum >> 16);
        }
        sum as u16
    }

    #[test]
    fn eight_bytes_at_a_time_is_the_word_sum() {
        let mut state: u32 = 0x1234_5678;
        let mut bytes = Vec::new();
        for len in 0..200 {
            for fill in [None, Some(0x00), Some(0xff)] {
                bytes.clear();
                bytes.extend((0..len).map(|_| {
                    state ^= state << 13;
                    state ^= state >> 17;
                    state ^= state << 5;
                    fill.unwrap_or(state as u8)
                }));
                assert_eq!(
                    data(&bytes),
                    reference(&bytes),
                    "{len} bytes, fill {fill:?}"
                );
            }
        }
        let big = vec![0xff; 65_535];
        assert_eq!(data(&big), reference(&big));
    }

    #[test]
    fn pseudo_headers() {
        let src = Ipv4Addr::new(192, 168, 12, 1);
        let dst = Ipv4Addr::new(192, 168, 13, 1);
        // c0a8 + 0c01 + c0a8 + 0d01 + 0006 + 0019, folded.
        let expected = fold(0xc0a8 + 0x0c01 + 0xc0a8 + 0x0d01 + 0x0006 + 0x0019);
        assert_eq!(pseudo_header_v4(src, dst, 6, 25), expected);
        assert_eq!(
            PseudoHeader::V4 { src, dst }.sum(6, 25),
            pseudo_header_v4(src, dst, 6, 25)
        );
        let v6 = pseudo_header_v6(Ipv6Addr::LOCALHOST, Ipv6Addr::LOCALHOST, 17, 8);
        assert_eq!(v6, 0x0001 + 0x0001 + 0x0008 + 0x0011);
    }
}
