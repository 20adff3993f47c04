//! What the network card adds as it sends a frame, and the frame as bits
//! and as a signal: the seeds' "转化成电信号,通过网线传输" (seed 000 §3.1).
//!
//! Around the frame a capture shows, Ethernet puts a preamble of 7 bytes
//! `0x55` (alternating bits, for the receiver's clock to lock on), the
//! Start Frame Delimiter `0xd5` (the last two bits `11` say "frame
//! starts now"), zero padding up to the 60-byte minimum, and the 4-byte
//! Frame Check Sequence (CRC-32). Strictly, padding and FCS are the MAC's
//! (data link) work, but the card adds them while it transmits, which is
//! why a capture on the sending host shows neither; netlab shows them
//! with the physical step for that reason.
//!
//! Bits go out least significant bit first within each byte (IEEE 802.3
//! §3.3): `0x55` is sent `10101010`. The FCS is sent as the 4 bytes of
//! its little-endian form, each also LSB first, which puts the CRC's
//! highest term on the wire first as the standard asks.
//!
//! Manchester code, as 10BASE-T uses it (IEEE 802.3 §7.3.1.1): every bit
//! is two half-bit levels with a transition in the middle, so the clock
//! travels with the data. IEEE 802.3's convention: a 1 is low then high
//! (a rising edge), a 0 high then low (a falling edge). This is the
//! opposite of G. E. Thomas's original convention; netlab follows IEEE.

use super::annotate::Layer;
use super::checksum;
use super::ethernet::MIN_FRAME_LEN;
use super::field::{FieldSpec, Format, hex};
use super::layer::Protocol;

/// Seven bytes of alternating bits.
pub const PREAMBLE: [u8; 7] = [0x55; 7];
/// The Start Frame Delimiter.
pub const SFD: u8 = 0xd5;

mod field {
    use super::*;

    pub const PREAMBLE: FieldSpec = FieldSpec::new("Preamble", 0, 56)
        .show(Format::Bytes)
        .about("Alternating 1s and 0s: the receiver's clock locks on to them.");
    pub const SFD: FieldSpec = FieldSpec::new("Start Frame Delimiter", 56, 8)
        .show(Format::Hex)
        .about("0xd5: its last bits 11 mark where the frame begins.");
    pub const FRAME: FieldSpec = FieldSpec::new("Frame", 64, 0)
        .show(Format::Bytes)
        .about("The data link layer's frame, as a capture shows it.");
    pub const PADDING: FieldSpec = FieldSpec::new("Padding", 0, 0)
        .show(Format::Bytes)
        .derived()
        .ws("eth.padding")
        .about(
            "Zeros up to Ethernet's 60-byte minimum, so collisions are seen while still sending; part of the MAC frame (data link), added by the card.",
        );
    pub const FCS: FieldSpec = FieldSpec::new("Frame Check Sequence", 0, 32)
        .show(Format::Hex)
        .derived()
        .ws("eth.fcs")
        .about(
            "CRC-32 of the frame and padding, the MAC frame's trailer (data link), added by the card; the receiver drops the frame if it does not match.",
        );
}

/// The bytes a card sends for one frame, and where the parts are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wire {
    /// Preamble, SFD, frame, padding, FCS.
    pub bytes: Vec<u8>,
    pub frame_len: usize,
    pub padding: usize,
    pub fcs: u32,
}

/// The frame as it goes on the wire.
///
/// # Examples
///
/// ```
/// use netlab_core::packet::physical::wire;
///
/// let w = wire(&[0u8; 59]);
/// assert_eq!((w.padding, w.bytes.len()), (1, 8 + 60 + 4));
/// assert_eq!(&w.bytes[..8], &[0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0xd5]);
/// ```
pub fn wire(frame: &[u8]) -> Wire {
    let padding = MIN_FRAME_LEN.saturating_sub(frame.len());
    let mut bytes = Vec::with_capacity(8 + frame.len() + padding + 4);
    bytes.extend_from_slice(&PREAMBLE);
    bytes.push(SFD);
    bytes.extend_from_slice(frame);
    bytes.resize(bytes.len() + padding, 0);
    let fcs = checksum::fcs(&bytes[8..]);
    bytes.extend_from_slice(&fcs.to_le_bytes());
    Wire {
        bytes,
        frame_len: frame.len(),
        padding,
        fcs,
    }
}

/// The frame with its padding and FCS, as a capture that keeps the FCS
/// shows it (Wireshark with `eth.fcs` set to Always).
pub fn with_fcs(frame: &[u8]) -> Vec<u8> {
    wire(frame).bytes[8..].to_vec()
}

/// Bits in the order they are sent: each byte least significant bit first.
///
/// # Examples
///
/// ```
/// use netlab_core::packet::physical::bits;
///
/// assert_eq!(bits(&[0x55, 0xd5]), "1010101010101011");
/// ```
pub fn bits(bytes: &[u8]) -> String {
    // Eight characters a byte from a table, since a full frame on the wire
    // (1,526 bytes with preamble and FCS) is 12,208 of them: a push per bit
    // was a fifth of an `encapsulate`.
    const TABLE: [[u8; 8]; 256] = {
        let mut t = [[b'0'; 8]; 256];
        let mut b = 0;
        while b < 256 {
            let mut i = 0;
            while i < 8 {
                if b >> i & 1 == 1 {
                    t[b][i] = b'1';
                }
                i += 1;
            }
            b += 1;
        }
        t
    };
    let mut s = Vec::with_capacity(bytes.len() * 8);
    for &b in bytes {
        s.extend_from_slice(&TABLE[usize::from(b)]);
    }
    ascii(s)
}

/// The string of ASCII bytes built here (never anything else).
fn ascii(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_default()
}

/// Manchester code of a bit string (IEEE 802.3): each bit becomes two
/// half-bit levels, `1` → `01` (low, high), `0` → `10` (high, low).
/// Characters other than `0` and `1` are left out.
///
/// # Examples
///
/// ```
/// use netlab_core::packet::physical::manchester;
///
/// assert_eq!(manchester("10"), "0110");
/// ```
pub fn manchester(bits: &str) -> String {
    let keep = |c: &u8| *c == b'0' || *c == b'1';
    let filtered: Vec<u8>;
    let bits = if bits.bytes().all(|c| keep(&c)) {
        bits.as_bytes()
    } else {
        filtered = bits.bytes().filter(keep).collect();
        &filtered
    };
    // `1` → `01` and `0` → `10` is `[b'0' + b'1' - c, c]`: no branch on
    // the bit, and a loop the compiler vectorizes (a full frame's 12,208
    // bits were two fifths of an `encapsulate` with a push per bit).
    let mut s = vec![0; bits.len() * 2];
    for (pair, &c) in s.chunks_exact_mut(2).zip(bits) {
        pair[0] = b'0' + b'1' - c;
        pair[1] = c;
    }
    ascii(s)
}

/// Names the parts of `wire`. Offsets here count from the first preamble
/// byte, not from the frame: the frame starts at byte 8.
pub fn annotate(w: &Wire) -> Layer {
    let mut layer = Layer::new(Protocol::EthernetPhy, 0, w.bytes.len());
    let b = &w.bytes;
    layer.push_one(b, 0, &field::PREAMBLE, 0);
    layer.push_one(b, 0, &field::SFD, 0);
    layer.push_one(b, 0, &field::FRAME.sized(w.frame_len * 8), 0);
    let pad_at = 8 + w.frame_len;
    layer.push_one(b, 0, &field::PADDING.at(pad_at * 8).sized(w.padding * 8), 0);
    layer.push_one(b, 0, &field::FCS.at((pad_at + w.padding) * 8), 0);
    layer.summary = format!(
        "{} bytes on the wire: 8 of preamble and SFD, the {}-byte frame, {} of padding, 4 of FCS ({})",
        b.len(),
        w.frame_len,
        w.padding,
        hex(&w.fcs.to_le_bytes())
    );
    layer
}

#[cfg(test)]
mod test {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The tables agree with the definitions written out bit by bit:
        /// each byte least significant bit first, then `1` → `01`,
        /// `0` → `10`, anything else left out.
        #[test]
        fn bits_and_manchester_by_definition(
            bytes in prop::collection::vec(any::<u8>(), 0..64),
            noise in "[01 x]{0,40}",
        ) {
            let slow: String = bytes
                .iter()
                .flat_map(|b| (0..8).map(move |i| if b >> i & 1 == 1 { '1' } else { '0' }))
                .collect();
            prop_assert_eq!(bits(&bytes), slow.clone());
            for text in [slow, noise] {
                let code: String = text
                    .chars()
                    .filter_map(|c| match c {
                        '1' => Some("01"),
                        '0' => Some("10"),
                        _ => None,
                    })
                    .collect();
                prop_assert_eq!(manchester(&text), code);
            }
        }
    }

    #[test]
    fn wire_bits_and_signal() {
        let w = wire(&[0xff; 64]);
        assert_eq!(w.padding, 0);
        assert_eq!(w.bytes.len(), 8 + 64 + 4);
        // The FCS makes the CRC of frame plus FCS the fixed residue.
        assert_eq!(checksum::fcs(&w.bytes[8..]), 0x2144_df1c);
        assert_eq!(bits(&[0x01]), "10000000");
        assert_eq!(manchester(&bits(&[0x01])), "0110101010101010");
        assert_eq!(manchester("1 0x"), "0110");
        let layer = annotate(&wire(&[0u8; 59]));
        let names: Vec<_> = layer.fields.iter().map(|f| (f.name, f.offset)).collect();
        assert_eq!(
            names,
            [
                ("Preamble", 0),
                ("Start Frame Delimiter", 7),
                ("Frame", 8),
                ("Padding", 67),
                ("Frame Check Sequence", 68)
            ]
        );
        assert_eq!(with_fcs(&[0u8; 59]).len(), 64);
    }
}
