//! IPv6's fixed header (RFC 8200 §3): 40 bytes, no checksum (the link and
//! the transport check their own), no fragmentation by routers, and
//! 128-bit addresses. What IPv4 kept in options moves to extension
//! headers chained by `Next Header`, which [`super::ipv6ext`] reads.

use std::net::Ipv6Addr;

use super::annotate::Layer;
use super::error::{ContentError, LenError, WireError};
use super::field::{FieldSpec, Format};
use super::ipv4::{IpProtocol, protocol_text};
use super::layer::Protocol;

mod field {
    use super::*;

    pub const VERSION: FieldSpec = FieldSpec::new("Version", 0, 4)
        .ws("ipv6.version")
        .about("6 for IPv6.");
    pub const DSCP: FieldSpec = FieldSpec::new("Differentiated Services Codepoint", 4, 6)
        .ws("ipv6.tclass.dscp")
        .about("The traffic class a network may prioritize, as in IPv4.");
    pub const ECN: FieldSpec = FieldSpec::new("Explicit Congestion Notification", 10, 2)
        .ws("ipv6.tclass.ecn")
        .about("Congestion marks instead of drops, as in IPv4.");
    pub const TRAFFIC_CLASS: FieldSpec = FieldSpec::new("Traffic Class", 4, 8)
        .show(Format::Hex)
        .ws("ipv6.tclass")
        .about("IPv4's DS field under a new name: DSCP and ECN.")
        .with(&[DSCP, ECN]);
    pub const FLOW_LABEL: FieldSpec = FieldSpec::new("Flow Label", 12, 20)
        .show(Format::Hex)
        .ws("ipv6.flow")
        .about("Marks packets of one flow so routers can keep them on one path.");
    pub const PAYLOAD_LEN: FieldSpec = FieldSpec::new("Payload Length", 32, 16)
        .derived()
        .ws("ipv6.plen")
        .about("Bytes after this 40-byte header (unlike IPv4's Total Length).");
    pub const NEXT_HEADER: FieldSpec = FieldSpec::new("Next Header", 48, 8)
        .show(Format::Custom(protocol_text))
        .ws("ipv6.nxt")
        .about("What follows: an extension header or the payload (6 TCP, 17 UDP, 58 ICMPv6).");
    pub const HOP_LIMIT: FieldSpec = FieldSpec::new("Hop Limit", 56, 8)
        .ws("ipv6.hlim")
        .about("IPv4's TTL under an honest name: routers subtract 1 and drop at 0.");
    pub const SRC_ADDR: FieldSpec = FieldSpec::new("Source Address", 64, 128)
        .show(Format::Ipv6)
        .ws("ipv6.src")
        .about("The sending host's IPv6 address.");
    pub const DST_ADDR: FieldSpec = FieldSpec::new("Destination Address", 192, 128)
        .show(Format::Ipv6)
        .ws("ipv6.dst")
        .about("The final host's IPv6 address.");

    pub const FIELDS: &[FieldSpec] = &[
        VERSION,
        TRAFFIC_CLASS,
        FLOW_LABEL,
        PAYLOAD_LEN,
        NEXT_HEADER,
        HOP_LIMIT,
        SRC_ADDR,
        DST_ADDR,
    ];
    pub const PAYLOAD: usize = 40;
}

/// The fixed header's fields, in order.
pub const FIELDS: &[FieldSpec] = field::FIELDS;
/// The fixed header's length.
pub const HEADER_LEN: usize = field::PAYLOAD;

/// A read/write view of an IPv6 packet.
#[derive(Debug, Clone)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    pub fn new_unchecked(buffer: T) -> Self {
        Self { buffer }
    }

    /// Wraps a buffer holding the fixed header, version 6, and the
    /// payload its length promises.
    pub fn new_checked(buffer: T) -> Result<Self, WireError> {
        let packet = Self::new_unchecked(buffer);
        packet.check_len()?;
        Ok(packet)
    }

    /// The fixed header is there and says version 6.
    pub fn check_header(&self) -> Result<(), WireError> {
        let len = self.buffer.as_ref().len();
        if len < HEADER_LEN {
            return Err(LenError::header(Protocol::Ipv6, HEADER_LEN, len).into());
        }
        if self.version() != 6 {
            return Err(ContentError::new(
                Protocol::Ipv6,
                0,
                field::VERSION.name,
                u64::from(self.version()),
                "an IPv6 header has version 6",
            )
            .into());
        }
        Ok(())
    }

    /// [`Packet::check_header`], and the payload is all there.
    pub fn check_len(&self) -> Result<(), WireError> {
        self.check_header()?;
        let len = self.buffer.as_ref().len();
        let needed = HEADER_LEN + usize::from(self.payload_len());
        if len < needed {
            return Err(LenError::field(
                Protocol::Ipv6,
                field::PAYLOAD_LEN.name,
                self.payload_len().into(),
                needed,
                len,
            )
            .into());
        }
        Ok(())
    }

    pub fn into_inner(self) -> T {
        self.buffer
    }

    fn get(&self, spec: FieldSpec) -> u64 {
        spec.get(self.buffer.as_ref())
    }

    pub fn version(&self) -> u8 {
        self.get(field::VERSION) as u8
    }

    pub fn traffic_class(&self) -> u8 {
        self.get(field::TRAFFIC_CLASS) as u8
    }

    pub fn flow_label(&self) -> u32 {
        self.get(field::FLOW_LABEL) as u32
    }

    pub fn payload_len(&self) -> u16 {
        self.get(field::PAYLOAD_LEN) as u16
    }

    pub fn next_header(&self) -> IpProtocol {
        IpProtocol(self.get(field::NEXT_HEADER) as u8)
    }

    pub fn hop_limit(&self) -> u8 {
        self.get(field::HOP_LIMIT) as u8
    }

    pub fn src_addr(&self) -> Ipv6Addr {
        ipv6(field::SRC_ADDR.slice(self.buffer.as_ref()))
    }

    pub fn dst_addr(&self) -> Ipv6Addr {
        ipv6(field::DST_ADDR.slice(self.buffer.as_ref()))
    }

    /// The bytes after the header, up to `Payload Length`.
    pub fn payload(&self) -> &[u8] {
        &self.buffer.as_ref()[HEADER_LEN..HEADER_LEN + usize::from(self.payload_len())]
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    fn set(&mut self, spec: FieldSpec, value: u64) {
        spec.set(self.buffer.as_mut(), value);
    }

    pub fn set_version(&mut self, value: u8) {
        self.set(field::VERSION, u64::from(value));
    }

    pub fn set_traffic_class(&mut self, value: u8) {
        self.set(field::TRAFFIC_CLASS, u64::from(value));
    }

    /// The low 20 bits are kept.
    pub fn set_flow_label(&mut self, value: u32) {
        self.set(field::FLOW_LABEL, u64::from(value));
    }

    pub fn set_payload_len(&mut self, value: u16) {
        self.set(field::PAYLOAD_LEN, u64::from(value));
    }

    pub fn set_next_header(&mut self, value: IpProtocol) {
        self.set(field::NEXT_HEADER, u64::from(value.0));
    }

    pub fn set_hop_limit(&mut self, value: u8) {
        self.set(field::HOP_LIMIT, u64::from(value));
    }

    pub fn set_src_addr(&mut self, addr: Ipv6Addr) {
        field::SRC_ADDR
            .slice_mut(self.buffer.as_mut())
            .copy_from_slice(&addr.octets());
    }

    pub fn set_dst_addr(&mut self, addr: Ipv6Addr) {
        field::DST_ADDR
            .slice_mut(self.buffer.as_mut())
            .copy_from_slice(&addr.octets());
    }

    pub fn payload_mut(&mut self) -> &mut [u8] {
        let end = HEADER_LEN + usize::from(self.payload_len());
        &mut self.buffer.as_mut()[HEADER_LEN..end]
    }
}

fn ipv6(bytes: &[u8]) -> Ipv6Addr {
    let mut a = [0u8; 16];
    a.copy_from_slice(bytes);
    Ipv6Addr::from(a)
}

/// An IPv6 fixed header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repr {
    pub src_addr: Ipv6Addr,
    pub dst_addr: Ipv6Addr,
    pub next_header: IpProtocol,
    pub payload_len: usize,
    pub hop_limit: u8,
    pub traffic_class: u8,
    /// 20 bits.
    pub flow_label: u32,
}

impl Repr {
    pub fn parse<T: AsRef<[u8]>>(packet: &Packet<T>) -> Result<Self, WireError> {
        packet.check_len()?;
        Ok(Self {
            src_addr: packet.src_addr(),
            dst_addr: packet.dst_addr(),
            next_header: packet.next_header(),
            payload_len: usize::from(packet.payload_len()),
            hop_limit: packet.hop_limit(),
            traffic_class: packet.traffic_class(),
            flow_label: packet.flow_label(),
        })
    }

    pub fn buffer_len(&self) -> usize {
        HEADER_LEN
    }

    /// # Panics
    ///
    /// If the buffer is shorter than 40 bytes.
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, packet: &mut Packet<T>) {
        packet.set_version(6);
        packet.set_traffic_class(self.traffic_class);
        packet.set_flow_label(self.flow_label);
        packet.set_payload_len(self.payload_len.min(usize::from(u16::MAX)) as u16);
        packet.set_next_header(self.next_header);
        packet.set_hop_limit(self.hop_limit);
        packet.set_src_addr(self.src_addr);
        packet.set_dst_addr(self.dst_addr);
    }
}

/// Names the fixed header's fields in `data` at frame offset `base`.
pub fn annotate(data: &[u8], base: usize) -> Layer {
    let mut layer = Layer::new(Protocol::Ipv6, base, data.len().min(HEADER_LEN));
    layer.push(data, base, FIELDS, 0);
    if data.len() >= HEADER_LEN {
        let p = Packet::new_unchecked(data);
        layer.summary = format!("Src: {}, Dst: {}", p.src_addr(), p.dst_addr());
    }
    layer
}

#[cfg(test)]
mod test {
    use super::*;

    static PACKET_BYTES: [u8; 44] = [
        0x60, 0xb0, 0x12, 0x34, 0x00, 0x04, 0x11, 0x40, // tclass 0x0b, flow 0x01234, UDP
        0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, // 2001:db8::1
        0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, // 2001:db8::2
        0xde, 0xad, 0xbe, 0xef,
    ];

    fn repr() -> Repr {
        Repr {
            src_addr: "2001:db8::1".parse().unwrap(),
            dst_addr: "2001:db8::2".parse().unwrap(),
            next_header: IpProtocol::UDP,
            payload_len: 4,
            hop_limit: 64,
            traffic_class: 0x0b,
            flow_label: 0x01234,
        }
    }

    #[test]
    fn deconstruct() {
        let p = Packet::new_checked(&PACKET_BYTES[..]).unwrap();
        assert_eq!(p.version(), 6);
        assert_eq!(p.traffic_class(), 0x0b);
        assert_eq!(p.flow_label(), 0x01234);
        assert_eq!(p.payload_len(), 4);
        assert_eq!(p.next_header(), IpProtocol::UDP);
        assert_eq!(p.hop_limit(), 64);
        assert_eq!(p.payload(), &[0xde, 0xad, 0xbe, 0xef]);
    }

    #[test]
    fn construct_parse_emit() {
        let mut bytes = [0u8; 44];
        let mut p = Packet::new_unchecked(&mut bytes[..]);
        p.set_version(6);
        p.set_traffic_class(0x0b);
        p.set_flow_label(0x01234);
        p.set_payload_len(4);
        p.set_next_header(IpProtocol::UDP);
        p.set_hop_limit(64);
        p.set_src_addr("2001:db8::1".parse().unwrap());
        p.set_dst_addr("2001:db8::2".parse().unwrap());
        p.payload_mut().copy_from_slice(&[0xde, 0xad, 0xbe, 0xef]);
        assert_eq!(bytes, PACKET_BYTES);
        let parsed = Repr::parse(&Packet::new_checked(&PACKET_BYTES[..]).unwrap()).unwrap();
        assert_eq!(parsed, repr());
        let mut out = [0u8; 40];
        repr().emit(&mut Packet::new_unchecked(&mut out[..]));
        assert_eq!(out, PACKET_BYTES[..40]);
    }

    #[test]
    fn errors_and_annotation() {
        let e = Packet::new_checked(&PACKET_BYTES[..42]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "IPv6: the Payload Length field says 4, which makes 44 bytes from byte 0, only 42 are there"
        );
        let mut v4 = PACKET_BYTES;
        v4[0] = 0x45;
        assert!(matches!(
            Packet::new_checked(&v4[..]).unwrap_err(),
            WireError::Content(_)
        ));
        let layer = annotate(&PACKET_BYTES, 14);
        assert_eq!(
            layer.field("Source Address").unwrap().display,
            "2001:db8::1"
        );
        assert_eq!(layer.field("Flow Label").unwrap().display, "0x01234");
        assert_eq!(layer.field("Next Header").unwrap().display, "17 (UDP)");
    }
}
