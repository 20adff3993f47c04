//! Frames read back with the wire formats' own parsers: what the trace
//! says about a frame (its summary, its fields, a router's changes) comes
//! from its bytes, so the two cannot disagree.

use super::Change;
use crate::packet::ethernet::{self, EtherType};
use crate::packet::field::py_bytes;
use crate::packet::ipv4::{self, IpProtocol};
use crate::packet::{arp, icmpv4, udp};

pub(super) struct Parsed {
    pub(super) eth: ethernet::Repr,
    pub(super) arp: Option<arp::Repr>,
    pub(super) ip: Option<ipv4::Repr>,
    /// The IPv4 header's length and checksum.
    pub(super) ip_header: Option<(usize, u16)>,
    pub(super) icmp: Option<icmpv4::Repr>,
    pub(super) udp: Option<(udp::Repr, Vec<u8>)>,
    /// The ICMP data or UDP payload.
    pub(super) data: Vec<u8>,
}

pub(super) fn parse(bytes: &[u8]) -> Option<Parsed> {
    let frame = ethernet::Frame::new_checked(bytes).ok()?;
    let eth = ethernet::Repr::parse(&frame).ok()?;
    let mut p = Parsed {
        eth,
        arp: None,
        ip: None,
        ip_header: None,
        icmp: None,
        udp: None,
        data: Vec::new(),
    };
    let body = frame.payload();
    if eth.ethertype == EtherType::ARP {
        p.arp = arp::Packet::new_checked(body)
            .and_then(|a| arp::Repr::parse(&a))
            .ok();
    } else if eth.ethertype == EtherType::IPV4 {
        let packet = ipv4::Packet::new_checked(body).ok()?;
        let ip = ipv4::Repr::parse(&packet).ok()?;
        let inner = packet.payload();
        p.ip_header = Some((usize::from(packet.header_len()), packet.checksum()));
        if ip.protocol == IpProtocol::ICMP {
            if let Ok(icmp) = icmpv4::Packet::new_checked(inner) {
                p.data = icmp.data().to_vec();
                p.icmp = icmpv4::Repr::parse(&icmp).ok();
            }
        } else if ip.protocol == IpProtocol::UDP
            && let Ok(u) = udp::Packet::new_checked(inner)
        {
            p.data = u.payload().to_vec();
            p.udp = udp::Repr::parse(&u).ok().map(|r| (r, u.payload().to_vec()));
        }
        p.ip = Some(ip);
    }
    Some(p)
}

pub(super) fn icmp_text(msg_type: u8, code: u8) -> &'static str {
    match (msg_type, code) {
        (8, _) => "ICMP echo request",
        (0, _) => "ICMP echo reply",
        (11, _) => "ICMP time exceeded",
        (3, 0) => "ICMP destination unreachable (network)",
        (3, 1) => "ICMP destination unreachable (host)",
        (3, 3) => "ICMP destination unreachable (port)",
        (3, _) => "ICMP destination unreachable",
        _ => "ICMP message",
    }
}

/// What ping prints for an ICMP error (iputils' wording).
pub(super) fn ping_error(msg_type: u8, code: u8) -> &'static str {
    match (msg_type, code) {
        (11, _) => "Time to live exceeded",
        (3, 0) => "Destination Net Unreachable",
        (3, 1) => "Destination Host Unreachable",
        (3, 3) => "Destination Port Unreachable",
        _ => "Destination Unreachable",
    }
}

pub(super) fn summary(p: &Parsed) -> String {
    if let Some(a) = &p.arp {
        return if a.operation == arp::Operation::REQUEST {
            format!(
                "ARP request: who has {}? Tell {}",
                a.target_protocol_addr, a.source_protocol_addr
            )
        } else {
            format!(
                "ARP reply: {} is at {}",
                a.source_protocol_addr, a.source_hardware_addr
            )
        };
    }
    let Some(ip) = &p.ip else {
        return "Ethernet frame".to_owned();
    };
    let what = match (&p.icmp, &p.udp) {
        (Some(i), _) => icmp_text(i.msg_type(), i.code()).to_owned(),
        (_, Some((u, payload))) => format!(
            "UDP {}:{} → {}:{} {}",
            ip.src_addr,
            u.src_port,
            ip.dst_addr,
            u.dst_port,
            py_bytes(payload)
        ),
        _ => "IPv4 packet".to_owned(),
    };
    if p.udp.is_some() {
        format!("{what}, TTL {}", ip.ttl)
    } else {
        format!("{what} {} → {}, TTL {}", ip.src_addr, ip.dst_addr, ip.ttl)
    }
}

/// What a router changed between the frame it got and the one it sends.
pub(super) fn changes(before: &Parsed, after: &Parsed) -> Vec<Change> {
    let mut out = Vec::new();
    let mut push = |field, b: String, a: String| {
        if a != b {
            out.push(Change {
                field,
                before: b,
                after: a,
            });
        }
    };
    push(
        "source MAC",
        before.eth.src_addr.to_string(),
        after.eth.src_addr.to_string(),
    );
    push(
        "destination MAC",
        before.eth.dst_addr.to_string(),
        after.eth.dst_addr.to_string(),
    );
    if let (Some(b), Some(a)) = (&before.ip, &after.ip) {
        push("TTL", b.ttl.to_string(), a.ttl.to_string());
    }
    if let (Some((_, b)), Some((_, a))) = (before.ip_header, after.ip_header) {
        push(
            "IPv4 header checksum",
            format!("0x{b:04x}"),
            format!("0x{a:04x}"),
        );
    }
    out
}
