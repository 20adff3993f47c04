//! The frames the simulations send, built with [`crate::packet`]'s wire
//! formats: each header's `Repr::emit` writes its fields and checksum, in
//! the same calls [`crate::packet::encap::encapsulate`] makes. The
//! simulations need two things `encapsulate` does not offer: TCP options
//! (the MSS in a SYN) and IPv4 headers without Don't Fragment (a router's
//! ICMP errors), hence this small builder on the same parts.

use std::net::Ipv4Addr;

use crate::mac::MacAddr;
use crate::packet::checksum::PseudoHeader;
use crate::packet::ethernet::{self, EtherType};
use crate::packet::ipv4::{self, IpProtocol};
use crate::packet::{arp, icmpv4, tcp, udp};

/// The IPv4 header fields a simulation chooses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ip {
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
    pub ttl: u8,
    pub ident: u16,
    pub dont_frag: bool,
}

/// What the IPv4 packet carries.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Upper<'a> {
    Tcp(&'a tcp::Repr, &'a [u8]),
    Udp(udp::Repr, &'a [u8]),
    Icmp(icmpv4::Repr, &'a [u8]),
}

impl Upper<'_> {
    fn protocol(&self) -> IpProtocol {
        match self {
            Self::Tcp(..) => IpProtocol::TCP,
            Self::Udp(..) => IpProtocol::UDP,
            Self::Icmp(..) => IpProtocol::ICMP,
        }
    }

    fn len(&self) -> usize {
        match self {
            Self::Tcp(r, p) => r.buffer_len() + p.len(),
            Self::Udp(r, p) => r.buffer_len() + p.len(),
            Self::Icmp(r, p) => r.buffer_len() + p.len(),
        }
    }
}

/// An Ethernet II frame holding an IPv4 packet, checksums filled.
pub(crate) fn ipv4_frame(src_mac: MacAddr, dst_mac: MacAddr, ip: &Ip, upper: Upper<'_>) -> Vec<u8> {
    let upper_len = upper.len();
    let header = ipv4::Repr {
        src_addr: ip.src,
        dst_addr: ip.dst,
        protocol: upper.protocol(),
        payload_len: upper_len,
        ttl: ip.ttl,
        dscp: 0,
        ecn: 0,
        ident: ip.ident,
        dont_frag: ip.dont_frag,
        more_frags: false,
        frag_offset: 0,
        options: Vec::new(),
    };
    let at = ethernet::HEADER_LEN;
    let mut frame = vec![0u8; at + header.buffer_len() + upper_len];
    ethernet::Repr {
        dst_addr: dst_mac,
        src_addr: src_mac,
        vlan: None,
        ethertype: EtherType::IPV4,
    }
    .emit(&mut ethernet::Frame::new_unchecked(&mut frame[..]));
    header.emit(&mut ipv4::Packet::new_unchecked(&mut frame[at..]));
    let body = &mut frame[at + header.buffer_len()..];
    let pseudo = PseudoHeader::V4 {
        src: ip.src,
        dst: ip.dst,
    };
    match upper {
        Upper::Tcp(r, p) => r.emit(&mut tcp::Packet::new_unchecked(body), pseudo, p),
        Upper::Udp(r, p) => r.emit(&mut udp::Packet::new_unchecked(body), pseudo, p),
        Upper::Icmp(r, p) => r.emit(&mut icmpv4::Packet::new_unchecked(body), p),
    }
    debug_assert!(
        crate::packet::dissect::dissect(&frame).findings.is_empty(),
        "a simulated frame must dissect cleanly"
    );
    frame
}

/// An Ethernet II frame holding an ARP packet (42 bytes: what a capture
/// on the sender shows, before the card pads it to 60).
pub(crate) fn arp_frame(src_mac: MacAddr, dst_mac: MacAddr, repr: &arp::Repr) -> Vec<u8> {
    let at = ethernet::HEADER_LEN;
    let mut frame = vec![0u8; at + repr.buffer_len()];
    ethernet::Repr {
        dst_addr: dst_mac,
        src_addr: src_mac,
        vlan: None,
        ethertype: EtherType::ARP,
    }
    .emit(&mut ethernet::Frame::new_unchecked(&mut frame[..]));
    repr.emit(&mut arp::Packet::new_unchecked(&mut frame[at..]));
    frame
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::packet::dissect::dissect;

    #[test]
    fn frames_dissect_cleanly() {
        let ip = Ip {
            src: Ipv4Addr::new(192, 168, 12, 1),
            dst: Ipv4Addr::new(192, 168, 13, 1),
            ttl: 64,
            ident: 1,
            dont_frag: true,
        };
        let syn = tcp::Repr {
            src_port: 53000,
            dst_port: 9000,
            seq_number: 1000,
            ack_number: 0,
            flags: tcp::TcpFlags::SYN,
            window_len: 64240,
            urgent_pointer: 0,
            options: vec![tcp::TcpOption::MaxSegmentSize(1460)],
        };
        let f = ipv4_frame(
            super::super::MAC_A,
            super::super::MAC_R_LAN_A,
            &ip,
            Upper::Tcp(&syn, b""),
        );
        assert_eq!(f.len(), 14 + 20 + 24);
        let d = dissect(&f);
        assert!(d.findings.is_empty(), "{:?}", d.findings);
        assert_eq!(d.layers[2].field("MSS Value").unwrap().display, "1460");

        let who_has = arp::Repr {
            operation: arp::Operation::REQUEST,
            source_hardware_addr: super::super::MAC_A,
            source_protocol_addr: ip.src,
            target_hardware_addr: MacAddr([0; 6]),
            target_protocol_addr: Ipv4Addr::new(192, 168, 12, 254),
        };
        let f = arp_frame(super::super::MAC_A, MacAddr::BROADCAST, &who_has);
        assert_eq!(f.len(), 42);
        assert_eq!(
            dissect(&f).layers[1].summary,
            "Who has 192.168.12.254? Tell 192.168.12.1"
        );
    }
}
