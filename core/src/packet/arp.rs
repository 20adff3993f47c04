//! ARP (RFC 826) for Ethernet and IPv4: how a host finds the MAC address
//! behind an IP address on its own link, before it can build the frame.
//! Seed 003's table puts ARP in the data link layer.
//!
//! A request is broadcast ("who has 192.168.12.2? tell 192.168.12.1"), the
//! owner answers by unicast with its MAC. The header is generic over
//! hardware and protocol address sizes; netlab decodes the only pair a
//! learner meets, Ethernet (6-byte) and IPv4 (4-byte), 28 bytes in all.

use std::net::Ipv4Addr;

use super::annotate::Layer;
use super::error::{ContentError, LenError, WireError};
use super::ethernet::{EtherType, mac, type_text};
use super::field::{FieldSpec, Format};
use super::layer::Protocol;
use crate::mac::MacAddr;

/// ARP's opcode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Operation(pub u16);

impl Operation {
    pub const REQUEST: Self = Self(1);
    pub const REPLY: Self = Self(2);

    pub fn name(self) -> Option<&'static str> {
        match self.0 {
            1 => Some("request"),
            2 => Some("reply"),
            3 => Some("reverse request"),
            4 => Some("reverse reply"),
            _ => None,
        }
    }
}

fn opcode_text(v: u64) -> String {
    match Operation(v as u16).name() {
        Some(name) => format!("{v} ({name})"),
        None => v.to_string(),
    }
}

fn hardware_text(v: u64) -> String {
    if v == 1 {
        "1 (Ethernet)".to_owned()
    } else {
        v.to_string()
    }
}

mod field {
    use super::*;

    pub const HARDWARE_TYPE: FieldSpec = FieldSpec::new("Hardware type", 0, 16)
        .show(Format::Custom(hardware_text))
        .ws("arp.hw.type")
        .about("The kind of link: 1 is Ethernet.");
    pub const PROTOCOL_TYPE: FieldSpec = FieldSpec::new("Protocol type", 16, 16)
        .show(Format::Custom(type_text))
        .ws("arp.proto.type")
        .about("The protocol whose addresses are resolved, as an EtherType: 0x0800 IPv4.");
    pub const HARDWARE_SIZE: FieldSpec = FieldSpec::new("Hardware size", 32, 8)
        .ws("arp.hw.size")
        .about("Bytes in a hardware address: 6 for a MAC.");
    pub const PROTOCOL_SIZE: FieldSpec = FieldSpec::new("Protocol size", 40, 8)
        .ws("arp.proto.size")
        .about("Bytes in a protocol address: 4 for IPv4.");
    pub const OPCODE: FieldSpec = FieldSpec::new("Opcode", 48, 16)
        .show(Format::Custom(opcode_text))
        .ws("arp.opcode")
        .about("1 request (who has this IP?), 2 reply (I have it, here is my MAC).");
    pub const SENDER_MAC: FieldSpec = FieldSpec::new("Sender MAC address", 64, 48)
        .show(Format::Mac)
        .ws("arp.src.hw_mac")
        .about("The asker's (or answerer's) MAC.");
    pub const SENDER_IP: FieldSpec = FieldSpec::new("Sender IP address", 112, 32)
        .show(Format::Ipv4)
        .ws("arp.src.proto_ipv4")
        .about("The asker's (or answerer's) IP address.");
    pub const TARGET_MAC: FieldSpec = FieldSpec::new("Target MAC address", 144, 48)
        .show(Format::Mac)
        .ws("arp.dst.hw_mac")
        .about("The MAC being asked for: zeros in a request, the asker's in a reply.");
    pub const TARGET_IP: FieldSpec = FieldSpec::new("Target IP address", 192, 32)
        .show(Format::Ipv4)
        .ws("arp.dst.proto_ipv4")
        .about("The IP address whose MAC is wanted (in a reply: the asker's).");

    pub const FIELDS: &[FieldSpec] = &[
        HARDWARE_TYPE,
        PROTOCOL_TYPE,
        HARDWARE_SIZE,
        PROTOCOL_SIZE,
        OPCODE,
        SENDER_MAC,
        SENDER_IP,
        TARGET_MAC,
        TARGET_IP,
    ];
    /// The part before the addresses, whatever their sizes.
    pub const FIXED_LEN: usize = 8;
}

/// The fields of an Ethernet/IPv4 ARP packet, in order.
pub const FIELDS: &[FieldSpec] = field::FIELDS;
/// An Ethernet/IPv4 ARP packet's length.
pub const PACKET_LEN: usize = 28;

/// A read/write view of an ARP packet.
#[derive(Debug, Clone)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    pub fn new_unchecked(buffer: T) -> Self {
        Self { buffer }
    }

    /// Wraps a buffer holding the fixed part and the addresses its size
    /// fields promise.
    pub fn new_checked(buffer: T) -> Result<Self, WireError> {
        let packet = Self::new_unchecked(buffer);
        packet.check_len()?;
        Ok(packet)
    }

    pub fn check_len(&self) -> Result<(), WireError> {
        let len = self.buffer.as_ref().len();
        if len < field::FIXED_LEN {
            return Err(LenError::header(Protocol::Arp, field::FIXED_LEN, len).into());
        }
        let needed = field::FIXED_LEN
            + 2 * (usize::from(self.hardware_len()) + usize::from(self.protocol_len()));
        if len < needed {
            return Err(
                LenError::fields(Protocol::Arp, "Hardware and Protocol size", needed, len).into(),
            );
        }
        Ok(())
    }

    pub fn into_inner(self) -> T {
        self.buffer
    }

    pub fn hardware_type(&self) -> u16 {
        field::HARDWARE_TYPE.get(self.buffer.as_ref()) as u16
    }

    pub fn protocol_type(&self) -> EtherType {
        EtherType(field::PROTOCOL_TYPE.get(self.buffer.as_ref()) as u16)
    }

    pub fn hardware_len(&self) -> u8 {
        field::HARDWARE_SIZE.get(self.buffer.as_ref()) as u8
    }

    pub fn protocol_len(&self) -> u8 {
        field::PROTOCOL_SIZE.get(self.buffer.as_ref()) as u8
    }

    pub fn operation(&self) -> Operation {
        Operation(field::OPCODE.get(self.buffer.as_ref()) as u16)
    }

    /// The addresses assume Ethernet and IPv4 sizes (checked by
    /// [`Repr::parse`]).
    pub fn source_hardware_addr(&self) -> MacAddr {
        mac(field::SENDER_MAC.slice(self.buffer.as_ref()))
    }

    pub fn source_protocol_addr(&self) -> Ipv4Addr {
        ipv4(field::SENDER_IP.slice(self.buffer.as_ref()))
    }

    pub fn target_hardware_addr(&self) -> MacAddr {
        mac(field::TARGET_MAC.slice(self.buffer.as_ref()))
    }

    pub fn target_protocol_addr(&self) -> Ipv4Addr {
        ipv4(field::TARGET_IP.slice(self.buffer.as_ref()))
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    pub fn set_hardware_type(&mut self, value: u16) {
        field::HARDWARE_TYPE.set(self.buffer.as_mut(), u64::from(value));
    }

    pub fn set_protocol_type(&mut self, value: EtherType) {
        field::PROTOCOL_TYPE.set(self.buffer.as_mut(), u64::from(value.0));
    }

    pub fn set_hardware_len(&mut self, value: u8) {
        field::HARDWARE_SIZE.set(self.buffer.as_mut(), u64::from(value));
    }

    pub fn set_protocol_len(&mut self, value: u8) {
        field::PROTOCOL_SIZE.set(self.buffer.as_mut(), u64::from(value));
    }

    pub fn set_operation(&mut self, value: Operation) {
        field::OPCODE.set(self.buffer.as_mut(), u64::from(value.0));
    }

    pub fn set_source_hardware_addr(&mut self, addr: MacAddr) {
        field::SENDER_MAC
            .slice_mut(self.buffer.as_mut())
            .copy_from_slice(&addr.0);
    }

    pub fn set_source_protocol_addr(&mut self, addr: Ipv4Addr) {
        field::SENDER_IP
            .slice_mut(self.buffer.as_mut())
            .copy_from_slice(&addr.octets());
    }

    pub fn set_target_hardware_addr(&mut self, addr: MacAddr) {
        field::TARGET_MAC
            .slice_mut(self.buffer.as_mut())
            .copy_from_slice(&addr.0);
    }

    pub fn set_target_protocol_addr(&mut self, addr: Ipv4Addr) {
        field::TARGET_IP
            .slice_mut(self.buffer.as_mut())
            .copy_from_slice(&addr.octets());
    }
}

pub(crate) fn ipv4(bytes: &[u8]) -> Ipv4Addr {
    let mut a = [0u8; 4];
    a.copy_from_slice(bytes);
    Ipv4Addr::from(a)
}

/// An Ethernet/IPv4 ARP packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repr {
    pub operation: Operation,
    pub source_hardware_addr: MacAddr,
    pub source_protocol_addr: Ipv4Addr,
    pub target_hardware_addr: MacAddr,
    pub target_protocol_addr: Ipv4Addr,
}

impl Repr {
    /// Reads an Ethernet/IPv4 ARP packet; other address kinds are a
    /// content error naming the field.
    pub fn parse<T: AsRef<[u8]>>(packet: &Packet<T>) -> Result<Self, WireError> {
        packet.check_len()?;
        let checks = [
            (
                field::HARDWARE_TYPE,
                u64::from(packet.hardware_type()),
                1,
                "netlab decodes ARP over Ethernet (1)",
            ),
            (
                field::PROTOCOL_TYPE,
                u64::from(packet.protocol_type().0),
                0x0800,
                "netlab decodes ARP for IPv4 (0x0800)",
            ),
            (
                field::HARDWARE_SIZE,
                u64::from(packet.hardware_len()),
                6,
                "a MAC address has 6 bytes",
            ),
            (
                field::PROTOCOL_SIZE,
                u64::from(packet.protocol_len()),
                4,
                "an IPv4 address has 4 bytes",
            ),
        ];
        for (spec, value, want, rule) in checks {
            if value != want {
                return Err(ContentError::new(
                    Protocol::Arp,
                    spec.bytes().start,
                    spec.name,
                    value,
                    rule,
                )
                .into());
            }
        }
        Ok(Self {
            operation: packet.operation(),
            source_hardware_addr: packet.source_hardware_addr(),
            source_protocol_addr: packet.source_protocol_addr(),
            target_hardware_addr: packet.target_hardware_addr(),
            target_protocol_addr: packet.target_protocol_addr(),
        })
    }

    pub fn buffer_len(&self) -> usize {
        PACKET_LEN
    }

    /// # Panics
    ///
    /// If the buffer is shorter than 28 bytes.
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, packet: &mut Packet<T>) {
        packet.set_hardware_type(1);
        packet.set_protocol_type(EtherType::IPV4);
        packet.set_hardware_len(6);
        packet.set_protocol_len(4);
        packet.set_operation(self.operation);
        packet.set_source_hardware_addr(self.source_hardware_addr);
        packet.set_source_protocol_addr(self.source_protocol_addr);
        packet.set_target_hardware_addr(self.target_hardware_addr);
        packet.set_target_protocol_addr(self.target_protocol_addr);
    }
}

/// Names the fields in `data` at frame offset `base`.
pub fn annotate(data: &[u8], base: usize) -> Layer {
    let mut layer = Layer::new(Protocol::Arp, base, data.len().min(PACKET_LEN));
    layer.push(data, base, FIELDS, 0);
    if let Ok(repr) = Packet::new_checked(data).and_then(|p| Repr::parse(&p)) {
        layer.summary = match repr.operation {
            Operation::REQUEST => format!(
                "Who has {}? Tell {}",
                repr.target_protocol_addr, repr.source_protocol_addr
            ),
            Operation::REPLY => format!(
                "{} is at {}",
                repr.source_protocol_addr, repr.source_hardware_addr
            ),
            other => format!("Opcode {}", other.0),
        };
    }
    layer
}

#[cfg(test)]
mod test {
    use super::*;

    static PACKET_BYTES: [u8; 28] = [
        0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, // Ethernet/IPv4 request
        0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 192, 168, 12, 1, // sender
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 192, 168, 12, 2, // target
    ];

    fn repr() -> Repr {
        Repr {
            operation: Operation::REQUEST,
            source_hardware_addr: MacAddr([2, 0, 0, 0, 0, 1]),
            source_protocol_addr: Ipv4Addr::new(192, 168, 12, 1),
            target_hardware_addr: MacAddr([0; 6]),
            target_protocol_addr: Ipv4Addr::new(192, 168, 12, 2),
        }
    }

    #[test]
    fn deconstruct() {
        let p = Packet::new_checked(&PACKET_BYTES[..]).unwrap();
        assert_eq!(p.hardware_type(), 1);
        assert_eq!(p.protocol_type(), EtherType::IPV4);
        assert_eq!((p.hardware_len(), p.protocol_len()), (6, 4));
        assert_eq!(p.operation(), Operation::REQUEST);
        assert_eq!(p.target_protocol_addr(), Ipv4Addr::new(192, 168, 12, 2));
    }

    #[test]
    fn construct() {
        let mut bytes = [0xa5u8; 28];
        let mut p = Packet::new_unchecked(&mut bytes[..]);
        p.set_hardware_type(1);
        p.set_protocol_type(EtherType::IPV4);
        p.set_hardware_len(6);
        p.set_protocol_len(4);
        p.set_operation(Operation::REQUEST);
        p.set_source_hardware_addr(MacAddr([2, 0, 0, 0, 0, 1]));
        p.set_source_protocol_addr(Ipv4Addr::new(192, 168, 12, 1));
        p.set_target_hardware_addr(MacAddr([0; 6]));
        p.set_target_protocol_addr(Ipv4Addr::new(192, 168, 12, 2));
        assert_eq!(bytes, PACKET_BYTES);
    }

    #[test]
    fn parse_and_emit() {
        let p = Packet::new_checked(&PACKET_BYTES[..]).unwrap();
        assert_eq!(Repr::parse(&p).unwrap(), repr());
        let mut bytes = [0u8; 28];
        repr().emit(&mut Packet::new_unchecked(&mut bytes[..]));
        assert_eq!(bytes, PACKET_BYTES);
        assert_eq!(
            annotate(&PACKET_BYTES, 14).summary,
            "Who has 192.168.12.2? Tell 192.168.12.1"
        );
    }

    #[test]
    fn other_address_kinds_are_content_errors() {
        let mut bytes = PACKET_BYTES;
        bytes[5] = 16;
        let e = Repr::parse(&Packet::new_unchecked(&bytes[..])).unwrap_err();
        assert_eq!(
            e.to_string(),
            "ARP: the Hardware and Protocol size fields make 52 bytes from byte 0, only 28 are there"
        );
        let mut bytes = PACKET_BYTES;
        bytes[1] = 6;
        let e = Repr::parse(&Packet::new_unchecked(&bytes[..])).unwrap_err();
        assert_eq!(
            e.to_string(),
            "ARP: Hardware type is 6 at byte 0; netlab decodes ARP over Ethernet (1)"
        );
    }
}
