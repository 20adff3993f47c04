//! UDP (RFC 768): ports, a length and a checksum; nothing else. Each
//! `sendto` becomes one datagram, which is why UDP has no 黏包 (seed 003).
//!
//! The checksum covers a pseudo-header of the IP addresses too. Over IPv4
//! a checksum of 0 means "none was computed", so a computed 0 is sent as
//! 0xffff (its other ones' complement spelling).

use super::annotate::Layer;
use super::checksum::{self, PseudoHeader};
use super::error::{ContentError, LenError, WireError};
use super::field::{FieldSpec, Format};
use super::ipv4::IpProtocol;
use super::layer::Protocol;

mod field {
    use super::*;

    pub const SRC_PORT: FieldSpec = FieldSpec::new("Source Port", 0, 16)
        .ws("udp.srcport")
        .about("The sending socket's port (发送者的端口); replies go back to it.");
    pub const DST_PORT: FieldSpec = FieldSpec::new("Destination Port", 16, 16)
        .ws("udp.dstport")
        .about("The port the receiving program bound (接受者的端口), e.g. 9000 in the seeds.");
    pub const LENGTH: FieldSpec = FieldSpec::new("Length", 32, 16)
        .derived()
        .ws("udp.length")
        .about("Header (8 bytes) plus data, in bytes.");
    pub const CHECKSUM: FieldSpec = FieldSpec::new("Checksum", 48, 16)
        .show(Format::Hex)
        .derived()
        .ws("udp.checksum")
        .about("RFC 1071 checksum of a pseudo-header (IP addresses, protocol, length), the header and the data; 0 means none over IPv4.");

    pub const FIELDS: &[FieldSpec] = &[SRC_PORT, DST_PORT, LENGTH, CHECKSUM];
    pub const PAYLOAD: usize = 8;
}

/// The header's fields, in order.
pub const FIELDS: &[FieldSpec] = field::FIELDS;
pub const HEADER_LEN: usize = field::PAYLOAD;
/// Where the checksum sits, for the dissector's findings.
pub(crate) const CHECKSUM: FieldSpec = field::CHECKSUM;

/// A read/write view of a UDP datagram.
#[derive(Debug, Clone)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    pub fn new_unchecked(buffer: T) -> Self {
        Self { buffer }
    }

    /// Wraps a buffer holding the header and the data `Length` promises.
    pub fn new_checked(buffer: T) -> Result<Self, WireError> {
        let packet = Self::new_unchecked(buffer);
        packet.check_len()?;
        Ok(packet)
    }

    pub fn check_len(&self) -> Result<(), WireError> {
        let len = self.buffer.as_ref().len();
        if len < HEADER_LEN {
            return Err(LenError::header(Protocol::Udp, HEADER_LEN, len).into());
        }
        let field_len = usize::from(self.len());
        if field_len < HEADER_LEN {
            return Err(ContentError::new(
                Protocol::Udp,
                field::LENGTH.bytes().start,
                field::LENGTH.name,
                field_len as u64,
                "it counts the 8-byte header too, so it is at least 8",
            )
            .into());
        }
        if len < field_len {
            return Err(LenError::field(
                Protocol::Udp,
                field::LENGTH.name,
                field_len as u64,
                field_len,
                len,
            )
            .into());
        }
        Ok(())
    }

    pub fn into_inner(self) -> T {
        self.buffer
    }

    pub fn src_port(&self) -> u16 {
        field::SRC_PORT.get(self.buffer.as_ref()) as u16
    }

    pub fn dst_port(&self) -> u16 {
        field::DST_PORT.get(self.buffer.as_ref()) as u16
    }

    /// The `Length` field: header plus data.
    pub fn len(&self) -> u16 {
        field::LENGTH.get(self.buffer.as_ref()) as u16
    }

    /// Whether the datagram carries no data.
    pub fn is_empty(&self) -> bool {
        usize::from(self.len()) <= HEADER_LEN
    }

    pub fn checksum(&self) -> u16 {
        field::CHECKSUM.get(self.buffer.as_ref()) as u16
    }

    /// The data, up to `Length`.
    pub fn payload(&self) -> &[u8] {
        &self.buffer.as_ref()[HEADER_LEN..usize::from(self.len())]
    }

    /// Whether the checksum is right over the datagram as `Length` says
    /// (or absent: 0 over IPv4).
    pub fn verify_checksum(&self, pseudo: PseudoHeader) -> bool {
        if self.checksum() == 0 && matches!(pseudo, PseudoHeader::V4 { .. }) {
            return true;
        }
        let data = &self.buffer.as_ref()[..usize::from(self.len())];
        checksum::combine(&[
            pseudo.sum(IpProtocol::UDP.0, data.len()),
            checksum::data(data),
        ]) == 0xffff
    }

    /// The checksum the datagram should carry.
    pub fn checksum_expected(&self, pseudo: PseudoHeader) -> u16 {
        let data = &self.buffer.as_ref()[..usize::from(self.len())];
        expected(pseudo, data)
    }
}

fn expected(pseudo: PseudoHeader, data: &[u8]) -> u16 {
    let sum = checksum::combine(&[
        pseudo.sum(IpProtocol::UDP.0, data.len()),
        checksum::data_without(data, field::CHECKSUM.bytes().start),
    ]);
    match !sum {
        0 => 0xffff,
        c => c,
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    pub fn set_src_port(&mut self, value: u16) {
        field::SRC_PORT.set(self.buffer.as_mut(), u64::from(value));
    }

    pub fn set_dst_port(&mut self, value: u16) {
        field::DST_PORT.set(self.buffer.as_mut(), u64::from(value));
    }

    pub fn set_len(&mut self, value: u16) {
        field::LENGTH.set(self.buffer.as_mut(), u64::from(value));
    }

    pub fn set_checksum(&mut self, value: u16) {
        field::CHECKSUM.set(self.buffer.as_mut(), u64::from(value));
    }

    pub fn payload_mut(&mut self) -> &mut [u8] {
        let end = usize::from(self.len());
        &mut self.buffer.as_mut()[HEADER_LEN..end]
    }

    /// Computes the checksum over the datagram as `Length` says and
    /// writes it.
    pub fn fill_checksum(&mut self, pseudo: PseudoHeader) {
        let c = self.checksum_expected(pseudo);
        self.set_checksum(c);
    }
}

/// A UDP header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repr {
    pub src_port: u16,
    pub dst_port: u16,
}

impl Repr {
    /// Reads the ports of a checked datagram; the checksum is judged
    /// apart ([`Packet::verify_checksum`]).
    pub fn parse<T: AsRef<[u8]>>(packet: &Packet<T>) -> Result<Self, WireError> {
        packet.check_len()?;
        Ok(Self {
            src_port: packet.src_port(),
            dst_port: packet.dst_port(),
        })
    }

    pub fn buffer_len(&self) -> usize {
        HEADER_LEN
    }

    /// Writes the header, copies `payload` after it and fills the
    /// checksum.
    ///
    /// # Panics
    ///
    /// If the buffer is shorter than 8 bytes plus the payload.
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(
        &self,
        packet: &mut Packet<T>,
        pseudo: PseudoHeader,
        payload: &[u8],
    ) {
        packet.set_src_port(self.src_port);
        packet.set_dst_port(self.dst_port);
        packet.set_len((HEADER_LEN + payload.len()).min(usize::from(u16::MAX)) as u16);
        packet.payload_mut().copy_from_slice(payload);
        packet.fill_checksum(pseudo);
    }
}

/// Names the header's fields in `data` at frame offset `base`.
pub fn annotate(data: &[u8], base: usize) -> Layer {
    let mut layer = Layer::new(Protocol::Udp, base, data.len().min(HEADER_LEN));
    layer.push(data, base, FIELDS, 0);
    if data.len() >= HEADER_LEN {
        let p = Packet::new_unchecked(data);
        layer.summary = format!("Src Port: {}, Dst Port: {}", p.src_port(), p.dst_port());
    }
    layer
}

#[cfg(test)]
mod test {
    use std::net::Ipv4Addr;

    use super::*;

    const PSEUDO: PseudoHeader = PseudoHeader::V4 {
        src: Ipv4Addr::new(192, 168, 12, 1),
        dst: Ipv4Addr::new(192, 168, 13, 1),
    };

    // 53000 -> 9000, b"hello".
    static PACKET_BYTES: [u8; 13] = [
        0xcf, 0x08, 0x23, 0x28, 0x00, 0x0d, 0x2f, 0x7e, b'h', b'e', b'l', b'l', b'o',
    ];

    #[test]
    fn deconstruct() {
        let p = Packet::new_checked(&PACKET_BYTES[..]).unwrap();
        assert_eq!(p.src_port(), 53000);
        assert_eq!(p.dst_port(), 9000);
        assert_eq!(p.len(), 13);
        assert_eq!(p.payload(), b"hello");
        assert!(p.verify_checksum(PSEUDO));
    }

    #[test]
    fn construct() {
        let mut bytes = [0u8; 13];
        let mut p = Packet::new_unchecked(&mut bytes[..]);
        p.set_src_port(53000);
        p.set_dst_port(9000);
        p.set_len(13);
        p.payload_mut().copy_from_slice(b"hello");
        p.fill_checksum(PSEUDO);
        assert_eq!(bytes, PACKET_BYTES);
    }

    #[test]
    fn parse_and_emit() {
        let p = Packet::new_checked(&PACKET_BYTES[..]).unwrap();
        let repr = Repr::parse(&p).unwrap();
        assert_eq!(
            repr,
            Repr {
                src_port: 53000,
                dst_port: 9000
            }
        );
        let mut bytes = [0u8; 13];
        repr.emit(&mut Packet::new_unchecked(&mut bytes[..]), PSEUDO, b"hello");
        assert_eq!(bytes, PACKET_BYTES);
    }

    #[test]
    fn zero_checksum_means_none_over_ipv4() {
        let mut bytes = PACKET_BYTES;
        bytes[6] = 0;
        bytes[7] = 0;
        assert!(Packet::new_unchecked(&bytes[..]).verify_checksum(PSEUDO));
        bytes[7] = 1;
        assert!(!Packet::new_unchecked(&bytes[..]).verify_checksum(PSEUDO));
    }

    #[test]
    fn length_errors() {
        let e = Packet::new_checked(&PACKET_BYTES[..12]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "UDP: the Length field says 13 bytes from byte 0, only 12 are there"
        );
        let mut bytes = PACKET_BYTES;
        bytes[5] = 7;
        assert!(matches!(
            Packet::new_checked(&bytes[..]).unwrap_err(),
            WireError::Content(_)
        ));
    }
}
