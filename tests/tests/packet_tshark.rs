//! `netlab_core::packet` against tshark: frames the core builds are written
//! to capture files, and every field netlab reports must sit where tshark's
//! PDML puts it and hold tshark's value; checksums must be good, findings
//! must match tshark's verdicts (ICMPv6's included), and pcapng comments
//! must come through as `frame.comment`.

use std::collections::BTreeSet;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::path::{Path, PathBuf};
use std::process::Command;

use netlab_core::mac::MacAddr;
use netlab_core::packet::checksum::PseudoHeader;
use netlab_core::packet::dissect::{Dissection, Finding, dissect};
use netlab_core::packet::encap::{EncapSpec, encapsulate};
use netlab_core::packet::ethernet::{self, EtherType};
use netlab_core::packet::hex::parse_hex;
use netlab_core::packet::icmpv6::{self, NaFlags, NdpOption};
use netlab_core::packet::ipv4::{self, IpProtocol};
use netlab_core::packet::ipv6ext::{self, Ipv6Option};
use netlab_core::packet::pcap::{self, Record};
use netlab_core::packet::tcp::{self, TcpFlags, TcpOption};
use netlab_core::packet::{
    Field, FieldValue, Layer, Protocol, arp, ipv6, pcapng, physical, udp, vlan,
};

use crate::util::{TempDir, netlab, netlab_json, tshark, tshark_path};

/// The checksum checks tshark leaves off by default, and raw sequence
/// numbers (SACK edges are shown relative to the ISN otherwise).
pub(crate) const CHECKS: [&str; 8] = [
    "-o",
    "ip.check_checksum:TRUE",
    "-o",
    "tcp.check_checksum:TRUE",
    "-o",
    "udp.check_checksum:TRUE",
    "-o",
    "tcp.relative_sequence_numbers:FALSE",
];

/// Fields tshark shows in other units than the wire holds: header
/// lengths in bytes (the field counts 32-bit words). (The fragment offset
/// is shown in bytes only in its `showname`; its `show` is the field's
/// count of 8-byte blocks.)
const SCALED: [(&str, u64); 2] = [("ip.hdr_len", 4), ("tcp.hdr_len", 4)];

/// Fields of several bits that tshark declares boolean (`FT_BOOLEAN`
/// with a mask): it shows 1 when any of their bits is set.
const BOOLEAN: [&str; 1] = ["tcp.flags.res"];

/// One `<field>` of tshark's PDML.
#[derive(Debug, Clone)]
pub(crate) struct Pdml {
    pub(crate) name: String,
    pub(crate) pos: usize,
    pub(crate) size: usize,
    pub(crate) show: String,
    pub(crate) value: String,
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

fn attr(line: &str, key: &str) -> Option<String> {
    let start = line.find(&format!(" {key}=\""))? + key.len() + 3;
    let len = line[start..].find('"')?;
    Some(unescape(&line[start..start + len]))
}

/// The fields of each packet in a capture file, as tshark's PDML lists
/// them (one per line).
fn pdml(path: &Path) -> Vec<Vec<Pdml>> {
    pdml_with(path, &[])
}

/// [`pdml`] with more of tshark's options (`-o name:value` pairs).
pub(crate) fn pdml_with(path: &Path, extra: &[&str]) -> Vec<Vec<Pdml>> {
    let mut args = vec!["-r", path.to_str().unwrap(), "-T", "pdml"];
    args.extend_from_slice(&CHECKS);
    args.extend_from_slice(extra);
    let text = tshark(&args);
    text.split("<packet>")
        .skip(1)
        .map(|packet| {
            packet
                .lines()
                .map(str::trim)
                .filter(|l| l.starts_with("<field "))
                .filter_map(|l| {
                    Some(Pdml {
                        name: attr(l, "name")?,
                        pos: attr(l, "pos")?.parse().ok()?,
                        size: attr(l, "size")?.parse().ok()?,
                        show: attr(l, "show").unwrap_or_default(),
                        value: attr(l, "value").unwrap_or_default(),
                    })
                })
                .collect()
        })
        .collect()
}

/// A number as tshark shows it: decimal, or hex with `0x`.
pub(crate) fn shown_number(show: &str) -> Option<u64> {
    match show.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => show.parse().ok(),
    }
}

/// Whether tshark's field holds our value.
pub(crate) fn same_value(ours: &FieldValue, ws: &str, theirs: &Pdml) -> bool {
    match ours {
        FieldValue::Number(n) if BOOLEAN.contains(&ws) => {
            theirs.show == u64::from(*n != 0).to_string()
        }
        FieldValue::Number(n) => {
            let scale = SCALED
                .iter()
                .find(|(name, _)| *name == ws)
                .map_or(1, |(_, s)| *s);
            shown_number(&theirs.show) == Some(n * scale)
        }
        FieldValue::Text(t) => {
            *t == theirs.show || *t == theirs.value || *t == theirs.show.replace(':', "")
        }
    }
}

/// Where tshark has one netlab field.
pub(crate) enum Placed {
    /// At the same bytes, with the same value.
    Same,
    /// Not at those bytes (the problem, worded).
    Elsewhere(String),
    /// At those bytes, with another value (the problem, worded).
    Differs(String),
}

/// Looks for netlab's field `f` (of `layer`) in tshark's PDML for the
/// frame: the same name at the same bytes (for a field of bits, a field
/// of at most 4 bytes around them) holding the same value.
pub(crate) fn place(label: &str, layer: &Layer, f: &Field, fields: &[Pdml]) -> Placed {
    let span = f.bytes();
    let aligned = f.bit_offset.is_multiple_of(8) && f.bits.is_multiple_of(8);
    let placed: Vec<&Pdml> = fields
        .iter()
        .filter(|p| p.name == f.wireshark)
        .filter(|p| {
            if aligned {
                p.pos == span.start && p.size == span.len()
            } else {
                p.pos <= span.start && p.pos + p.size >= span.end && p.size <= 4
            }
        })
        .collect();
    if placed.is_empty() {
        let elsewhere: Vec<(usize, usize)> = fields
            .iter()
            .filter(|p| p.name == f.wireshark)
            .map(|p| (p.pos, p.size))
            .collect();
        Placed::Elsewhere(format!(
            "{label}: {} '{}' at bytes {span:?}: tshark has {} at (pos, size) {elsewhere:?}",
            layer.name, f.name, f.wireshark
        ))
    } else if !placed.iter().any(|p| same_value(&f.value, f.wireshark, p)) {
        let shows: Vec<&str> = placed.iter().map(|p| p.show.as_str()).collect();
        Placed::Differs(format!(
            "{label}: {} '{}' = {:?}: tshark's {} shows {shows:?}",
            layer.name, f.name, f.value, f.wireshark
        ))
    } else {
        Placed::Same
    }
}

/// tshark's verdict on the checksum field `f` (`X.checksum.status` at
/// its byte): `"1"` good, `"0"` bad, `"2"` not verified.
pub(crate) fn checksum_status<'a>(f: &Field, fields: &'a [Pdml]) -> Option<&'a Pdml> {
    let status = format!("{}.status", f.wireshark);
    fields
        .iter()
        .find(|p| p.name == status && p.pos == f.offset)
}

/// Compares every field netlab reports for `frame` with tshark's PDML
/// for it; returns the disagreements and records the names compared.
pub(crate) fn compare(
    label: &str,
    d: &Dissection,
    fields: &[Pdml],
    seen: &mut BTreeSet<String>,
) -> Vec<String> {
    let mut problems = Vec::new();
    for layer in &d.layers {
        for f in layer.fields.iter().filter(|f| !f.wireshark.is_empty()) {
            match place(label, layer, f, fields) {
                Placed::Same => {
                    seen.insert(f.wireshark.to_owned());
                }
                Placed::Elsewhere(problem) | Placed::Differs(problem) => problems.push(problem),
            }
        }
        // Every checksum netlab checks, tshark calls good (status 1). The
        // packet an ICMP error quotes is cut short: netlab judges none of
        // it, and tshark leaves its UDP or TCP checksum unverified.
        let quoted = layer.name.ends_with("(quoted by ICMP)");
        for f in layer
            .fields
            .iter()
            .filter(|f| !quoted && f.derived && f.wireshark.ends_with(".checksum"))
        {
            let status = format!("{}.status", f.wireshark);
            match checksum_status(f, fields) {
                Some(p) if p.show == "1" => {
                    seen.insert(status);
                }
                other => problems.push(format!(
                    "{label}: {} checksum: tshark's {status} is {:?}, not good",
                    layer.name,
                    other.map(|p| &p.show)
                )),
            }
        }
    }
    if !d.findings.is_empty() {
        problems.push(format!("{label}: netlab found {:?}", d.findings));
    }
    problems
}

/// Writes the frames to a pcap, runs tshark on it and compares each.
fn check_frames(frames: &[(&str, Vec<u8>)], seen: &mut BTreeSet<String>) {
    check_frames_with(frames, seen, &[], "");
}

/// [`check_frames`] with more of tshark's options; each frame's findings
/// must be exactly one `unsupported` finding containing `unsupported`
/// (none when it is empty).
fn check_frames_with(
    frames: &[(&str, Vec<u8>)],
    seen: &mut BTreeSet<String>,
    extra: &[&str],
    unsupported: &str,
) {
    let dir = TempDir::new("packet");
    let path = dir.file("frames.pcap");
    let records: Vec<Record> = frames
        .iter()
        .enumerate()
        .map(|(i, (_, f))| Record::new(1_700_000_000_000_000 + i as u64, f.clone()))
        .collect();
    std::fs::write(&path, pcap::write(&records).unwrap()).unwrap();
    let packets = pdml_with(&path, extra);
    assert_eq!(packets.len(), frames.len(), "tshark read every frame");
    let problems: Vec<String> = frames
        .iter()
        .zip(&packets)
        .flat_map(|((label, frame), fields)| {
            let mut d = dissect(frame);
            if !unsupported.is_empty() {
                let found: Vec<String> = d.findings.iter().map(ToString::to_string).collect();
                assert!(
                    matches!(d.findings.as_slice(), [Finding::Unsupported(u)] if u.to_string().contains(unsupported)),
                    "{label}: {found:?}"
                );
                d.findings.clear();
            }
            compare(label, &d, fields, seen)
        })
        .collect();
    assert!(
        problems.is_empty(),
        "{} disagreements with tshark:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

pub(crate) fn require(seen: &BTreeSet<String>, names: &[&str]) {
    let missing: Vec<&&str> = names.iter().filter(|n| !seen.contains(**n)).collect();
    assert!(
        missing.is_empty(),
        "never compared with tshark: {missing:?}"
    );
}

fn seeds_spec() -> EncapSpec {
    EncapSpec::tcp(
        "192.168.12.1:53000".parse().unwrap(),
        "192.168.13.1:9000".parse().unwrap(),
        b"hello",
    )
}

fn built(spec: &EncapSpec) -> Vec<u8> {
    encapsulate(spec).unwrap().frame
}

#[test]
fn encap_matches_tshark() {
    let mut frames = vec![("seeds' conn.send(b'hello')", built(&seeds_spec()))];

    let mut syn = seeds_spec();
    syn.payload.clear();
    syn.flags = Some(TcpFlags::SYN);
    syn.seq = Some(0x8000_0001);
    syn.ack = Some(0);
    syn.ttl = Some(1);
    syn.src_mac = Some("00:1a:2b:3c:4d:5e".parse().unwrap());
    syn.dst_mac = Some(MacAddr::BROADCAST);
    frames.push(("SYN, TTL 1", built(&syn)));

    let udp = EncapSpec::udp(
        "10.0.0.1:40000".parse().unwrap(),
        "10.0.0.2:9000".parse().unwrap(),
        "你好, UDP".as_bytes(),
    );
    frames.push(("UDP sendto", built(&udp)));

    let ping = EncapSpec::icmp([10, 0, 0, 1].into(), [10, 0, 0, 2].into(), b"abcdefgh");
    frames.push(("echo request", built(&ping)));
    let mut reply = ping.clone();
    reply.icmp_type = Some(0);
    reply.icmp_id = Some(0x1234);
    reply.icmp_seq = Some(7);
    frames.push(("echo reply", built(&reply)));

    // Errors quote the IP header and first 8 bytes of what was dropped.
    let dropped = built(&udp);
    let quoted = dropped[14..14 + 28].to_vec();
    for (label, t, code, seq) in [
        ("port unreachable", 3, 3, None),
        ("fragmentation needed", 3, 4, Some(1400)),
        ("time exceeded", 11, 0, None),
    ] {
        let mut e = EncapSpec::icmp([10, 0, 0, 254].into(), [10, 0, 0, 1].into(), &quoted);
        e.icmp_type = Some(t);
        e.icmp_code = Some(code);
        e.icmp_seq = seq;
        frames.push((label, built(&e)));
    }

    let mut seen = BTreeSet::new();
    check_frames(&frames, &mut seen);
    require(
        &seen,
        &[
            "eth.dst",
            "eth.src",
            "eth.type",
            "ip.version",
            "ip.hdr_len",
            "ip.dsfield",
            "ip.dsfield.dscp",
            "ip.dsfield.ecn",
            "ip.len",
            "ip.id",
            "ip.flags",
            "ip.flags.rb",
            "ip.flags.df",
            "ip.flags.mf",
            "ip.frag_offset",
            "ip.ttl",
            "ip.proto",
            "ip.checksum",
            "ip.checksum.status",
            "ip.src",
            "ip.dst",
            "tcp.srcport",
            "tcp.dstport",
            "tcp.seq_raw",
            "tcp.ack_raw",
            "tcp.hdr_len",
            "tcp.flags",
            "tcp.flags.syn",
            "tcp.flags.push",
            "tcp.window_size_value",
            "tcp.checksum",
            "tcp.checksum.status",
            "tcp.urgent_pointer",
            "udp.srcport",
            "udp.dstport",
            "udp.length",
            "udp.checksum",
            "udp.checksum.status",
            "icmp.type",
            "icmp.code",
            "icmp.checksum",
            "icmp.checksum.status",
            "icmp.ident",
            "icmp.seq",
            "icmp.unused",
            "icmp.mtu",
            "data.data",
        ],
    );
}

/// The transport header a test frame carries.
enum Upper {
    Tcp(tcp::Repr),
    Udp(udp::Repr),
}

/// An Ethernet frame (tagged or not) around IPv4 (with `options`) or
/// IPv6, built with the core's wire formats.
fn ip_frame(
    tag: Option<vlan::Repr>,
    v6: bool,
    options: &[u8],
    upper: &Upper,
    payload: &[u8],
) -> Vec<u8> {
    let (proto, upper_len) = match upper {
        Upper::Tcp(r) => (IpProtocol::TCP, r.buffer_len()),
        Upper::Udp(r) => (IpProtocol::UDP, r.buffer_len()),
    };
    let upper_len = upper_len + payload.len();
    let eth = ethernet::Repr {
        dst_addr: MacAddr([0x02, 0, 0, 0, 0, 0x02]),
        src_addr: MacAddr([0x02, 0, 0, 0, 0, 0x01]),
        vlan: tag,
        ethertype: if v6 { EtherType::IPV6 } else { EtherType::IPV4 },
    };
    let v4 = ipv4::Repr {
        src_addr: Ipv4Addr::new(172, 16, 0, 1),
        dst_addr: Ipv4Addr::new(172, 16, 0, 2),
        protocol: proto,
        payload_len: upper_len,
        ttl: 128,
        dscp: 46,
        ecn: 1,
        ident: 0xbeef,
        dont_frag: false,
        more_frags: false,
        frag_offset: 0,
        options: options.to_vec(),
    };
    let v6_repr = ipv6::Repr {
        src_addr: "2001:db8::1".parse::<Ipv6Addr>().unwrap(),
        dst_addr: "2001:db8:0:1::2".parse::<Ipv6Addr>().unwrap(),
        next_header: proto,
        payload_len: upper_len,
        hop_limit: 255,
        traffic_class: 0xb8,
        flow_label: 0x12345,
    };
    let ip_len = if v6 {
        ipv6::HEADER_LEN
    } else {
        v4.buffer_len()
    };
    let at = eth.buffer_len();
    let mut f = vec![0u8; at + ip_len + upper_len];
    eth.emit(&mut ethernet::Frame::new_unchecked(&mut f[..]));
    let pseudo = if v6 {
        v6_repr.emit(&mut ipv6::Packet::new_unchecked(&mut f[at..]));
        PseudoHeader::V6 {
            src: v6_repr.src_addr,
            dst: v6_repr.dst_addr,
        }
    } else {
        v4.emit(&mut ipv4::Packet::new_unchecked(&mut f[at..]));
        PseudoHeader::V4 {
            src: v4.src_addr,
            dst: v4.dst_addr,
        }
    };
    let seg = &mut f[at + ip_len..];
    match upper {
        Upper::Tcp(r) => r.emit(&mut tcp::Packet::new_unchecked(seg), pseudo, payload),
        Upper::Udp(r) => r.emit(&mut udp::Packet::new_unchecked(seg), pseudo, payload),
    }
    f
}

fn tcp_repr(flags: TcpFlags, options: Vec<TcpOption>) -> tcp::Repr {
    tcp::Repr {
        src_port: 50000,
        dst_port: 9000,
        seq_number: 1_000_000,
        ack_number: 2_000_000,
        flags,
        window_len: 29200,
        urgent_pointer: 3,
        options,
    }
}

fn arp_frame(operation: arp::Operation) -> Vec<u8> {
    let request = operation == arp::Operation::REQUEST;
    let repr = arp::Repr {
        operation,
        source_hardware_addr: MacAddr([0x02, 0, 0, 0, 0, if request { 1 } else { 2 }]),
        source_protocol_addr: Ipv4Addr::new(192, 168, 12, if request { 1 } else { 2 }),
        target_hardware_addr: if request {
            MacAddr([0; 6])
        } else {
            MacAddr([0x02, 0, 0, 0, 0, 1])
        },
        target_protocol_addr: Ipv4Addr::new(192, 168, 12, if request { 2 } else { 1 }),
    };
    let eth = ethernet::Repr {
        dst_addr: if request {
            MacAddr::BROADCAST
        } else {
            MacAddr([0x02, 0, 0, 0, 0, 1])
        },
        src_addr: repr.source_hardware_addr,
        vlan: None,
        ethertype: EtherType::ARP,
    };
    // A NIC pads the 42 bytes to Ethernet's 60-byte minimum.
    let mut f = vec![0u8; ethernet::MIN_FRAME_LEN];
    eth.emit(&mut ethernet::Frame::new_unchecked(&mut f[..]));
    repr.emit(&mut arp::Packet::new_unchecked(&mut f[14..]));
    f
}

#[test]
fn headers_match_tshark() {
    let linux_syn = vec![
        TcpOption::MaxSegmentSize(1460),
        TcpOption::SackPermitted,
        TcpOption::Timestamps {
            tsval: 3_000_000_000,
            tsecr: 0,
        },
        TcpOption::NoOperation,
        TcpOption::WindowScale(7),
    ];
    let tag = vlan::Repr {
        priority: 5,
        drop_eligible: true,
        vlan_id: 100,
        ethertype: EtherType::IPV4,
    };
    let router_alert = [0x94, 0x04, 0x00, 0x00, 0x01, 0x00];
    let all_flags = TcpFlags(0x1ff);
    let frames = vec![
        (
            "802.1Q, SYN with Linux's options",
            ip_frame(
                Some(tag),
                false,
                &[],
                &Upper::Tcp(tcp_repr(TcpFlags::SYN, linux_syn)),
                &[],
            ),
        ),
        (
            "MSS then End of Option List",
            ip_frame(
                None,
                false,
                &[],
                &Upper::Tcp(tcp_repr(
                    TcpFlags::SYN | TcpFlags::ACK,
                    vec![TcpOption::MaxSegmentSize(536), TcpOption::EndOfList],
                )),
                &[],
            ),
        ),
        // No payload: tshark reads data after RST as the reset's cause.
        (
            "every flag bit",
            ip_frame(
                None,
                false,
                &[],
                &Upper::Tcp(tcp_repr(all_flags, Vec::new())),
                &[],
            ),
        ),
        (
            "IPv4 options (Router Alert, NOP, EOL), DSCP 46, ECN 1",
            ip_frame(
                None,
                false,
                &router_alert,
                &Upper::Udp(udp::Repr {
                    src_port: 40000,
                    dst_port: 9000,
                }),
                b"alert",
            ),
        ),
        (
            "IPv6 UDP",
            ip_frame(
                None,
                true,
                &[],
                &Upper::Udp(udp::Repr {
                    src_port: 40000,
                    dst_port: 9000,
                }),
                b"v6 datagram",
            ),
        ),
        (
            "IPv6 TCP, tagged",
            ip_frame(
                Some(vlan::Repr {
                    ethertype: EtherType::IPV6,
                    ..tag
                }),
                true,
                &[],
                &Upper::Tcp(tcp_repr(
                    TcpFlags::PSH | TcpFlags::ACK,
                    vec![
                        TcpOption::NoOperation,
                        TcpOption::NoOperation,
                        TcpOption::Timestamps { tsval: 1, tsecr: 2 },
                    ],
                )),
                b"hello over v6",
            ),
        ),
        ("ARP request, padded", arp_frame(arp::Operation::REQUEST)),
        ("ARP reply, padded", arp_frame(arp::Operation::REPLY)),
    ];
    let mut seen = BTreeSet::new();
    check_frames(&frames, &mut seen);
    require(
        &seen,
        &[
            "vlan.priority",
            "vlan.dei",
            "vlan.id",
            "vlan.etype",
            "ip.opt.type",
            "ip.opt.type.copy",
            "ip.opt.type.class",
            "ip.opt.type.number",
            "ip.opt.len",
            "ipv6.version",
            "ipv6.tclass",
            "ipv6.tclass.dscp",
            "ipv6.tclass.ecn",
            "ipv6.flow",
            "ipv6.plen",
            "ipv6.nxt",
            "ipv6.hlim",
            "ipv6.src",
            "ipv6.dst",
            "tcp.flags.res",
            "tcp.flags.ae",
            "tcp.flags.cwr",
            "tcp.flags.ece",
            "tcp.flags.urg",
            "tcp.flags.ack",
            "tcp.flags.push",
            "tcp.flags.reset",
            "tcp.flags.syn",
            "tcp.flags.fin",
            "tcp.options",
            "tcp.option_kind",
            "tcp.option_len",
            "tcp.options.mss",
            "tcp.options.mss_val",
            "tcp.options.wscale",
            "tcp.options.wscale.shift",
            "tcp.options.sack_perm",
            "tcp.options.timestamp",
            "tcp.options.timestamp.tsval",
            "tcp.options.timestamp.tsecr",
            "tcp.options.nop",
            "tcp.options.eol",
            "arp.hw.type",
            "arp.proto.type",
            "arp.hw.size",
            "arp.proto.size",
            "arp.opcode",
            "arp.src.hw_mac",
            "arp.src.proto_ipv4",
            "arp.dst.hw_mac",
            "arp.dst.proto_ipv4",
            "eth.padding",
            "udp.checksum.status",
            "tcp.checksum.status",
        ],
    );
}

#[test]
fn tcp_flags_at_bytes_46_47_match_tshark() {
    let frame = built(&seeds_spec());
    let d = dissect(&frame);
    let tcp = d
        .layers
        .iter()
        .find(|l| l.protocol == Protocol::Tcp)
        .unwrap();
    let flags = tcp.field("Flags").unwrap();
    assert_eq!(flags.bytes(), 46..48);
    assert_eq!((flags.bit_offset, flags.bits), (46 * 8 + 4, 12));
    assert_eq!(&frame[46..48], &[0x50, 0x18]);

    let dir = TempDir::new("packet");
    let path = dir.file("hello.pcap");
    std::fs::write(&path, pcap::write(&[Record::new(0, frame)]).unwrap()).unwrap();
    let fields = &pdml(&path)[0];
    let theirs = fields.iter().find(|p| p.name == "tcp.flags").unwrap();
    assert_eq!((theirs.pos, theirs.size), (46, 2));
    assert_eq!(theirs.show, "0x0018");
}

#[test]
fn bad_checksums_match_tshark() {
    let mut tcp_frame = built(&seeds_spec());
    tcp_frame[24] ^= 0x5a; // IPv4 header checksum
    tcp_frame[50] ^= 0x01; // TCP checksum
    let mut udp_frame = built(&EncapSpec::udp(
        "10.0.0.1:40000".parse().unwrap(),
        "10.0.0.2:9000".parse().unwrap(),
        b"hi",
    ));
    udp_frame[40] ^= 0xff; // UDP checksum
    let mut icmp_frame = built(&EncapSpec::icmp(
        [10, 0, 0, 1].into(),
        [10, 0, 0, 2].into(),
        b"ping",
    ));
    icmp_frame[36] ^= 0x10; // ICMP checksum

    let dir = TempDir::new("packet");
    let path = dir.file("bad.pcap");
    let frames = [tcp_frame, udp_frame, icmp_frame];
    let records: Vec<Record> = frames.iter().map(|f| Record::new(0, f.clone())).collect();
    std::fs::write(&path, pcap::write(&records).unwrap()).unwrap();
    let packets = pdml(&path);
    let mut checked = 0;
    for (frame, fields) in frames.iter().zip(&packets) {
        let d = dissect(frame);
        assert!(!d.findings.is_empty());
        for finding in &d.findings {
            let Finding::Checksum(c) = finding else {
                panic!("only checksums are wrong: {finding}");
            };
            let ws = match c.layer {
                Protocol::Ipv4 => "ip",
                Protocol::Tcp => "tcp",
                Protocol::Udp => "udp",
                Protocol::Icmpv4 => "icmp",
                Protocol::Icmpv6 => "icmpv6",
                other => panic!("{other:?}"),
            };
            let status = fields
                .iter()
                .find(|p| p.name == format!("{ws}.checksum.status") && p.pos == c.offset)
                .unwrap_or_else(|| panic!("tshark's {ws}.checksum.status at {}", c.offset));
            assert_eq!(status.show, "0", "tshark calls {ws}'s checksum bad too");
            let found = fields
                .iter()
                .find(|p| p.name == format!("{ws}.checksum") && p.pos == c.offset)
                .unwrap();
            assert_eq!(shown_number(&found.show), Some(u64::from(c.found)));
            // tshark shows the right value where it computes one.
            if let Some(calc) = fields
                .iter()
                .find(|p| p.name == format!("{ws}.checksum_calculated"))
            {
                assert_eq!(
                    shown_number(&calc.show),
                    Some(u64::from(c.expected)),
                    "{finding}"
                );
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 4);
}

#[test]
fn truncated_frames_match_tshark() {
    // tshark marks a cut frame [Malformed Packet]; netlab says where.
    let frame = built(&seeds_spec());
    let cut = &frame[..40];
    let dir = TempDir::new("packet");
    let path = dir.file("cut.pcap");
    std::fs::write(&path, pcap::write(&[Record::new(0, cut.to_vec())]).unwrap()).unwrap();
    let fields = &pdml(&path)[0];
    assert!(
        fields
            .iter()
            .any(|p| p.name == "_ws.malformed" || p.name == "_ws.expert")
    );
    let d = dissect(cut);
    let lengths: Vec<(Protocol, usize)> = d
        .findings
        .iter()
        .filter(|f| f.kind() == "length")
        .map(|f| (f.protocol(), f.offset()))
        .collect();
    assert_eq!(lengths, [(Protocol::Ipv4, 14), (Protocol::Tcp, 34)]);
    // The fields netlab still shows are where tshark shows them.
    let mut seen = BTreeSet::new();
    let ours: Vec<_> = d
        .layers
        .iter()
        .flat_map(|l| &l.fields)
        .filter(|f| f.name == "Source Port")
        .collect();
    assert_eq!(ours.len(), 1);
    let problems: Vec<String> = compare(
        "cut",
        &Dissection {
            findings: Vec::new(),
            ..d
        },
        fields,
        &mut seen,
    );
    assert!(problems.is_empty(), "{problems:#?}");
    assert!(seen.contains("tcp.srcport") && seen.contains("tcp.dstport"));
}

#[test]
fn fcs_matches_tshark() {
    let frame = built(&seeds_spec());
    let with_fcs = physical::with_fcs(&frame);
    assert_eq!(with_fcs.len(), 64);
    let dir = TempDir::new("packet");
    let path = dir.file("fcs.pcap");
    std::fs::write(&path, pcap::write(&[Record::new(0, with_fcs)]).unwrap()).unwrap();
    let text = tshark(&[
        "-r",
        path.to_str().unwrap(),
        "-o",
        "eth.fcs:Always",
        "-o",
        "eth.check_fcs:TRUE",
        "-T",
        "fields",
        "-e",
        "eth.fcs.status",
        "-e",
        "eth.padding",
    ]);
    assert_eq!(text.trim(), "1\t00", "FCS good and one byte of padding");
}

#[test]
fn pcapng_comments_match_tshark() {
    let frame = built(&seeds_spec());
    let notes = [
        "step 4: the data link layer adds 14 bytes",
        "第二层 数据链路层: mac地址",
    ];
    let records: Vec<Record> = notes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            Record::new(1_700_000_000_000_000 + i as u64 * 1500, frame.clone()).with_comment(*n)
        })
        .chain([Record::new(1_700_000_000_100_000, frame.clone())])
        .collect();
    let dir = TempDir::new("packet");
    let path = dir.file("lesson.pcapng");
    std::fs::write(&path, pcapng::write(&records).unwrap()).unwrap();
    let text = tshark(&[
        "-r",
        path.to_str().unwrap(),
        "-T",
        "fields",
        "-e",
        "frame.comment",
        "-e",
        "frame.time_epoch",
        "-e",
        "tcp.srcport",
    ]);
    let lines: Vec<Vec<&str>> = text.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0][0], notes[0]);
    assert_eq!(lines[1][0], notes[1]);
    assert_eq!(lines[2][0], "");
    assert_eq!(lines[1][1], "1700000000.001500000");
    assert!(lines.iter().all(|l| l[2] == "53000"));
}

#[test]
fn pcapng_reader_reads_what_wireshark_writes() {
    let frames = [built(&seeds_spec()), arp_frame(arp::Operation::REQUEST)];
    let records: Vec<Record> = frames
        .iter()
        .enumerate()
        .map(|(i, f)| Record::new(1_700_000_000_000_000 + i as u64 * 1_000_001, f.clone()))
        .collect();
    let dir = TempDir::new("packet");
    let classic = dir.file("in.pcap");
    std::fs::write(&classic, pcap::write(&records).unwrap()).unwrap();
    // editcap (Wireshark's library) writes pcapng and adds a comment.
    let ng = dir.file("out.pcapng");
    let editcap = tshark_path().with_file_name("editcap");
    let status = Command::new(if editcap.exists() {
        editcap
    } else {
        PathBuf::from("editcap")
    })
    .args(["-F", "pcapng", "-a", "2:who has 192.168.12.2?"])
    .arg(&classic)
    .arg(&ng)
    .status()
    .expect("editcap runs");
    assert!(status.success());
    let capture = pcap::read_any(&std::fs::read(&ng).unwrap()).unwrap();
    assert_eq!(capture.format, pcap::Format::Pcapng);
    assert_eq!(capture.link_type, pcap::LINKTYPE_ETHERNET);
    assert_eq!(capture.records.len(), 2);
    for (back, sent) in capture.records.iter().zip(&records) {
        assert_eq!(back.data, sent.data);
        assert_eq!(back.timestamp_us, sent.timestamp_us);
    }
    assert_eq!(capture.records[0].comment, None);
    assert_eq!(
        capture.records[1].comment.as_deref(),
        Some("who has 192.168.12.2?")
    );
    // And tshark's own pcapng output.
    let again = dir.file("again.pcapng");
    tshark(&[
        "-r",
        ng.to_str().unwrap(),
        "-F",
        "pcapng",
        "-w",
        again.to_str().unwrap(),
    ]);
    let capture2 = pcapng::read(&std::fs::read(&again).unwrap()).unwrap();
    assert_eq!(capture2.records, capture.records);
}

#[test]
fn tshark_hex_dump_reads_back() {
    let frame = built(&seeds_spec());
    let dir = TempDir::new("packet");
    let path = dir.file("x.pcap");
    std::fs::write(
        &path,
        pcap::write(&[Record::new(0, frame.clone())]).unwrap(),
    )
    .unwrap();
    let dump = tshark(&["-r", path.to_str().unwrap(), "-x"]);
    assert_eq!(parse_hex(&dump).unwrap(), frame);
}

/// What the common tools print for a frame, read back by `netlab dissect`
/// (and so the page): od (coreutils) and Python's `print(bytes)` always,
/// xxd and `hexdump -C` where this machine has them.
#[test]
fn cli_dissect_reads_od_xxd_hexdump_and_python_bytes() {
    let frame = built(&seeds_spec());
    let dir = TempDir::new("packet");
    let path = dir.file("frame.bin");
    std::fs::write(&path, &frame).unwrap();
    let file = path.to_str().unwrap();
    let (_, want) = netlab_json(&["dissect", &netlab_core::packet::field::hex(&frame)]);
    let run = |program: &str, args: &[&str]| -> Option<String> {
        let out = Command::new(program).args(args).output().ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let mut printed = vec![
        ("od", run("od", &["-Ax", "-tx1", file]).expect("od runs")),
        (
            "python3",
            run(
                "python3",
                &["-c", &format!("print(open({file:?}, 'rb').read())")],
            )
            .expect("python3 runs"),
        ),
    ];
    printed.extend(run("xxd", &[file]).map(|t| ("xxd", t)));
    printed.extend(run("hexdump", &["-C", file]).map(|t| ("hexdump -C", t)));
    for (tool, text) in printed {
        let (code, json) = netlab_json(&["dissect", text.trim_end()]);
        assert_eq!(code, 0, "{tool}: {json}");
        assert_eq!(json, want, "{tool}");
    }
}

#[test]
fn cli_encap_pcap_matches_tshark() {
    let dir = TempDir::new("packet");
    let path = dir.file("cli.pcap");
    let file = path.to_str().unwrap();
    let args = [
        "encap",
        "--proto",
        "tcp",
        "--src",
        "192.168.12.1:53000",
        "--dst",
        "192.168.13.1:9000",
        "--payload",
        "hello",
        "--flags",
        "PSH,ACK",
        "--seq",
        "1",
        "--ack",
        "1",
        "--ttl",
        "64",
        "--pcap",
        file,
    ];
    let (code, json) = netlab_json(&args);
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["pcap"], file);
    let sizes: Vec<u64> = json["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["length"].as_u64().unwrap())
        .collect();
    assert_eq!(sizes, [14, 20, 20, 5]);
    assert_eq!(json["steps"].as_array().unwrap().len(), 5);
    let capture = pcap::read(&std::fs::read(&path).unwrap()).unwrap();
    let frame = &capture.records[0].data;
    assert_eq!(json["hex"], netlab_core::packet::field::hex(frame));
    // Every field the CLI reports is where tshark puts it, with its value.
    let fields = &pdml(&path)[0];
    let mut checked = 0;
    for layer in json["layers"].as_array().unwrap() {
        for f in layer["fields"].as_array().unwrap() {
            let ws = f["wireshark"].as_str().unwrap();
            if ws.is_empty() {
                continue;
            }
            let offset = f["offset"].as_u64().unwrap() as usize;
            let value: FieldValue = match &f["value"] {
                serde_json::Value::Number(n) => FieldValue::Number(n.as_u64().unwrap()),
                v => FieldValue::Text(v.as_str().unwrap().to_owned()),
            };
            let ok = fields
                .iter()
                .any(|p| p.name == ws && p.pos == offset && same_value(&value, ws, p));
            assert!(ok, "{ws} at {offset} = {value:?}");
            checked += 1;
        }
    }
    assert!(checked >= 40, "{checked}");
    // dissect --pcap reads the same file back to the same layers.
    let out = netlab(&["--json", "dissect", "--pcap", file]);
    assert!(out.status.success());
    let back: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(back["frame"], 1);
    assert_eq!(back["layers"], json["layers"]);
    assert_eq!(back["findings"], serde_json::json!([]));
}

#[test]
fn cli_errors_name_the_field() {
    let cases: [(&[&str], &str); 5] = [
        (
            &[
                "encap",
                "--proto",
                "tcp",
                "--src",
                "10.0.0.1:70000",
                "--dst",
                "10.0.0.2:80",
            ],
            "src_port 70000 is out of range (0-65535)",
        ),
        (
            &[
                "encap",
                "--proto",
                "udp",
                "--src",
                "10.0.0.1:1",
                "--dst",
                "10.0.0.2:2",
                "--ttl",
                "300",
            ],
            "ttl 300 is out of range (0-255)",
        ),
        (
            &[
                "encap",
                "--proto",
                "icmp",
                "--src",
                "10.0.0.1:1",
                "--dst",
                "10.0.0.2",
            ],
            "src_port does not apply to ICMP: ICMP has no ports; it travels inside IP directly",
        ),
        (
            &[
                "encap", "--proto", "udp", "--src", "10.0.0.1", "--dst", "10.0.0.2",
            ],
            "UDP needs a destination port: --dst 10.0.0.2:PORT",
        ),
        (
            &["dissect", "45 0g"],
            "'g' at position 4 is not a hex digit",
        ),
    ];
    for (args, message) in cases {
        let out = netlab(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            stderr.trim(),
            format!("netlab: error: {message}"),
            "{args:?}"
        );
    }
    let big = "x".repeat(1461);
    let out = netlab(&[
        "encap",
        "--proto",
        "tcp",
        "--src",
        "10.0.0.1:1",
        "--dst",
        "10.0.0.2:2",
        "--payload",
        &big,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("payload of 1461 bytes is more than one TCP segment")
    );
}

#[test]
fn cli_dissect_reports_findings() {
    let mut frame = built(&seeds_spec());
    frame[50] ^= 1;
    let hex = netlab_core::packet::field::hex(&frame);
    let (code, json) = netlab_json(&["dissect", &hex]);
    assert_eq!(code, 0);
    assert_eq!(json["findings"][0]["kind"], "checksum");
    assert_eq!(json["findings"][0]["protocol"], "tcp");
    assert_eq!(json["findings"][0]["offset"], 50);
    let text = netlab(&["dissect", &hex]);
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("! [checksum] TCP: Checksum is 0x"), "{text}");
    assert!(text.contains("0000  02 00 00 00 00 02"), "{text}");
}

/// An Ethernet frame of IPv6 (hop limit 255, as Neighbor Discovery
/// needs) from `src` to `dst` carrying the ICMPv6 message `repr` and
/// `body`, built with the core's wire formats.
fn icmpv6_frame(src: &str, dst: &str, repr: &icmpv6::Repr, body: &[u8]) -> Vec<u8> {
    let ip = ipv6::Repr {
        src_addr: src.parse().unwrap(),
        dst_addr: dst.parse().unwrap(),
        next_header: IpProtocol::ICMPV6,
        payload_len: repr.buffer_len() + body.len(),
        hop_limit: 255,
        traffic_class: 0,
        flow_label: 0,
    };
    let eth = ethernet::Repr {
        dst_addr: MacAddr([0x33, 0x33, 0, 0, 0, 1]),
        src_addr: MacAddr([0x02, 0, 0, 0, 0, 0x01]),
        vlan: None,
        ethertype: EtherType::IPV6,
    };
    let at = eth.buffer_len();
    let mut f = vec![0u8; at + ipv6::HEADER_LEN + ip.payload_len];
    eth.emit(&mut ethernet::Frame::new_unchecked(&mut f[..]));
    ip.emit(&mut ipv6::Packet::new_unchecked(&mut f[at..]));
    let pseudo = PseudoHeader::V6 {
        src: ip.src_addr,
        dst: ip.dst_addr,
    };
    let msg = &mut f[at + ipv6::HEADER_LEN..];
    repr.emit(&mut icmpv6::Packet::new_unchecked(msg), pseudo, body);
    f
}

/// Neighbor Discovery options, one after another.
pub(crate) fn ndp_options(list: &[NdpOption]) -> Vec<u8> {
    let mut out = vec![0u8; list.iter().map(NdpOption::buffer_len).sum()];
    let mut at = 0;
    for o in list {
        at += o.emit(&mut out[at..]);
    }
    out
}

fn ping6() -> Vec<u8> {
    icmpv6_frame(
        "2001:db8::1",
        "2001:db8::2",
        &icmpv6::Repr::EchoRequest {
            ident: 0x1234,
            seq_no: 1,
        },
        b"abcdefgh",
    )
}

#[test]
fn icmpv6_matches_tshark() {
    let mac = MacAddr([0x02, 0, 0, 0, 0, 0x01]);
    let target: Ipv6Addr = "2001:db8::2".parse().unwrap();
    // Errors quote the packet they are about: here the ping, from its
    // IPv6 header on.
    let quoted = ping6()[14..].to_vec();
    let router = "2001:db8::fe";
    let frames = vec![
        ("echo request", ping6()),
        (
            "echo reply",
            icmpv6_frame(
                "2001:db8::2",
                "2001:db8::1",
                &icmpv6::Repr::EchoReply {
                    ident: 0x1234,
                    seq_no: 1,
                },
                b"abcdefgh",
            ),
        ),
        (
            "neighbor solicitation",
            icmpv6_frame(
                "fe80::1",
                "ff02::1:ff00:2",
                &icmpv6::Repr::NeighborSolicit {
                    target_addr: target,
                },
                &ndp_options(&[NdpOption::SourceLinkLayerAddr(mac)]),
            ),
        ),
        (
            "neighbor advertisement",
            icmpv6_frame(
                "fe80::2",
                "fe80::1",
                &icmpv6::Repr::NeighborAdvert {
                    flags: NaFlags::ROUTER | NaFlags::SOLICITED | NaFlags::OVERRIDE,
                    target_addr: target,
                },
                &ndp_options(&[NdpOption::TargetLinkLayerAddr(MacAddr([
                    0x02, 0, 0, 0, 0, 0x02,
                ]))]),
            ),
        ),
        (
            "router solicitation",
            icmpv6_frame(
                "fe80::1",
                "ff02::2",
                &icmpv6::Repr::RouterSolicit,
                &ndp_options(&[NdpOption::SourceLinkLayerAddr(mac)]),
            ),
        ),
        (
            "router advertisement",
            icmpv6_frame(
                "fe80::fe",
                "ff02::1",
                &icmpv6::Repr::RouterAdvert {
                    hop_limit: 64,
                    flags: 0xc8,
                    router_lifetime: 1800,
                    reachable_time: 30_000,
                    retrans_timer: 1000,
                },
                &ndp_options(&[
                    NdpOption::SourceLinkLayerAddr(MacAddr([0x02, 0, 0, 0, 0, 0xfe])),
                    NdpOption::Mtu(1500),
                    NdpOption::PrefixInfo {
                        prefix_len: 64,
                        flags: 0xc0,
                        valid_lifetime: 2_592_000,
                        preferred_lifetime: 604_800,
                        prefix: "2001:db8:1::".parse().unwrap(),
                    },
                    NdpOption::Unknown {
                        opt_type: 99,
                        data: vec![1, 2, 3, 4, 5, 6],
                    },
                ]),
            ),
        ),
        (
            "packet too big",
            icmpv6_frame(
                router,
                "2001:db8::1",
                &icmpv6::Repr::PacketTooBig { mtu: 1280 },
                &quoted,
            ),
        ),
        (
            "port unreachable",
            icmpv6_frame(
                router,
                "2001:db8::1",
                &icmpv6::Repr::DstUnreachable { code: 4 },
                &quoted,
            ),
        ),
        (
            "hop limit exceeded",
            icmpv6_frame(
                router,
                "2001:db8::1",
                &icmpv6::Repr::TimeExceeded { code: 0 },
                &quoted,
            ),
        ),
        (
            "parameter problem",
            icmpv6_frame(
                router,
                "2001:db8::1",
                &icmpv6::Repr::ParamProblem {
                    code: 1,
                    pointer: 6,
                },
                &quoted,
            ),
        ),
        (
            "an unknown type",
            icmpv6_frame(
                "2001:db8::1",
                "2001:db8::2",
                &icmpv6::Repr::Other {
                    msg_type: 200,
                    code: 0,
                },
                b"xyz123",
            ),
        ),
    ];
    for (label, frame) in &frames {
        let d = dissect(frame);
        assert!(
            d.layers.iter().any(|l| l.protocol == Protocol::Icmpv6),
            "{label}: {:?}",
            d.findings
        );
    }
    let mut seen = BTreeSet::new();
    check_frames(&frames, &mut seen);
    require(
        &seen,
        &[
            "icmpv6.type",
            "icmpv6.code",
            "icmpv6.checksum",
            "icmpv6.checksum.status",
            "icmpv6.echo.identifier",
            "icmpv6.echo.sequence_number",
            "icmpv6.reserved",
            "icmpv6.mtu",
            "icmpv6.pointer",
            "icmpv6.nd.ns.target_address",
            "icmpv6.nd.na.flag",
            "icmpv6.nd.na.flag.r",
            "icmpv6.nd.na.flag.s",
            "icmpv6.nd.na.flag.o",
            "icmpv6.nd.na.flag.rsv",
            "icmpv6.nd.na.target_address",
            "icmpv6.nd.ra.cur_hop_limit",
            "icmpv6.nd.ra.flag",
            "icmpv6.nd.ra.flag.m",
            "icmpv6.nd.ra.flag.o",
            "icmpv6.nd.ra.flag.h",
            "icmpv6.nd.ra.flag.prf",
            "icmpv6.nd.ra.flag.p",
            "icmpv6.nd.ra.flag.rsv",
            "icmpv6.nd.ra.router_lifetime",
            "icmpv6.nd.ra.reachable_time",
            "icmpv6.nd.ra.retrans_timer",
            "icmpv6.opt.type",
            "icmpv6.opt.length",
            "icmpv6.opt.linkaddr",
            "icmpv6.opt.mtu",
            "icmpv6.opt.prefix.length",
            "icmpv6.opt.prefix.flag",
            "icmpv6.opt.prefix.flag.l",
            "icmpv6.opt.prefix.flag.a",
            "icmpv6.opt.prefix.flag.r",
            "icmpv6.opt.prefix.flag.reserved",
            "icmpv6.opt.prefix.valid_lifetime",
            "icmpv6.opt.prefix.preferred_lifetime",
            "icmpv6.opt.prefix",
            "icmpv6.data",
            "data.data",
        ],
    );
}

#[test]
fn icmpv6_bad_checksum_matches_tshark() {
    let good = ping6();
    let mut bad = good.clone();
    bad[56] ^= 0x10; // ICMPv6 checksum
    // The same message to another host: the pseudo-header differs.
    let mut moved = good.clone();
    moved[14 + 39] ^= 0x01; // last byte of the destination address
    let frames = [bad, moved];
    let dir = TempDir::new("packet");
    let path = dir.file("bad6.pcap");
    let records: Vec<Record> = frames.iter().map(|f| Record::new(0, f.clone())).collect();
    std::fs::write(&path, pcap::write(&records).unwrap()).unwrap();
    let packets = pdml(&path);
    for (frame, fields) in frames.iter().zip(&packets) {
        let d = dissect(frame);
        let [Finding::Checksum(c)] = d.findings.as_slice() else {
            panic!("one checksum finding: {:?}", d.findings);
        };
        assert_eq!((c.layer, c.offset), (Protocol::Icmpv6, 56));
        let status = fields
            .iter()
            .find(|p| p.name == "icmpv6.checksum.status" && p.pos == 56)
            .expect("tshark's icmpv6.checksum.status");
        assert_eq!(status.show, "0", "tshark calls the checksum bad too");
        let found = fields
            .iter()
            .find(|p| p.name == "icmpv6.checksum" && p.pos == 56)
            .unwrap();
        assert_eq!(shown_number(&found.show), Some(u64::from(c.found)));
        // tshark says the right value in its expert note.
        let should = format!("should be 0x{:04x}", c.expected);
        assert!(
            fields
                .iter()
                .any(|p| p.name == "icmpv6.checksum_bad.expert" || p.name == "_ws.expert.message")
                && fields.iter().any(|p| p.show.contains(&should)),
            "tshark's expert info says {should}"
        );
        let layer = d
            .layers
            .iter()
            .find(|l| l.protocol == Protocol::Icmpv6)
            .unwrap();
        assert!(
            layer
                .field("Checksum")
                .unwrap()
                .display
                .ends_with(&format!("[incorrect, {should}]"))
        );
    }
}

#[test]
fn cut_capture_shows_its_whole_packets_as_tshark_does() {
    let dir = TempDir::new("packet");
    let frame = encapsulate(&EncapSpec::tcp(
        "192.168.12.1:53000".parse().unwrap(),
        "192.168.13.1:9000".parse().unwrap(),
        b"hello",
    ))
    .unwrap()
    .frame;
    let records: Vec<Record> = (0..3).map(|i| Record::new(i, frame.clone())).collect();
    let mut file = pcap::write(&records).unwrap();
    file.truncate(file.len() - 5);
    let path = dir.file("cut.pcap");
    std::fs::write(&path, &file).unwrap();
    let path = path.to_str().unwrap();
    // tshark shows the two whole packets, then says the file was cut short.
    let tshark = Command::new(tshark_path())
        .args(["-r", path])
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&tshark.stdout).lines().count();
    assert_eq!(shown, 2, "{tshark:?}");
    assert!(String::from_utf8_lossy(&tshark.stderr).contains("cut short"));
    let out = netlab(&["--json", "dissect", "--pcap", path]);
    assert_eq!(out.status.code(), Some(2));
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(
        (lines[0]["frame"].clone(), lines[1]["frame"].clone()),
        (1.into(), 2.into())
    );
    assert_eq!(
        lines[2]["error"],
        format!(
            "{path}: the file ends inside a packet at byte {}; the file is cut short, after the 2 whole packets shown",
            24 + 2 * (16 + frame.len()) + 16
        )
    );
    let text = netlab(&["dissect", "--pcap", path]);
    assert_eq!(text.status.code(), Some(2));
    let frames = String::from_utf8_lossy(&text.stdout)
        .matches("\nFrame ")
        .count()
        + 1;
    assert_eq!(frames, 2);
    assert!(String::from_utf8_lossy(&text.stderr).starts_with("netlab: error: "));
}

/// An Ethernet frame of IPv6 from 2001:db8::1 (or `src`) to `dst`
/// through the extension headers `exts`, then `upper`: the upper layer's
/// bytes, already built.
fn v6_ext_frame(
    src: &str,
    dst: &str,
    exts: &[ipv6ext::Repr],
    last: IpProtocol,
    upper: &[u8],
) -> Vec<u8> {
    let ext_len: usize = exts.iter().map(ipv6ext::Repr::buffer_len).sum();
    let ip = ipv6::Repr {
        src_addr: src.parse().unwrap(),
        dst_addr: dst.parse().unwrap(),
        next_header: exts.first().map_or(last, |e| e.kind().protocol()),
        payload_len: ext_len + upper.len(),
        hop_limit: 64,
        traffic_class: 0,
        flow_label: 0,
    };
    let eth = ethernet::Repr {
        dst_addr: MacAddr([0x33, 0x33, 0, 0, 0, 0x16]),
        src_addr: MacAddr([0x02, 0, 0, 0, 0, 0x01]),
        vlan: None,
        ethertype: EtherType::IPV6,
    };
    let mut f = vec![0u8; eth.buffer_len() + ipv6::HEADER_LEN + ip.payload_len];
    eth.emit(&mut ethernet::Frame::new_unchecked(&mut f[..]));
    let mut at = eth.buffer_len();
    ip.emit(&mut ipv6::Packet::new_unchecked(&mut f[at..]));
    at += ipv6::HEADER_LEN;
    for e in exts {
        e.emit(&mut ipv6ext::Packet::new_unchecked(&mut f[at..], e.kind()));
        at += e.buffer_len();
    }
    f[at..].copy_from_slice(upper);
    f
}

fn pseudo6(src: &str, dst: &str) -> PseudoHeader {
    PseudoHeader::V6 {
        src: src.parse().unwrap(),
        dst: dst.parse().unwrap(),
    }
}

/// A TCP segment from `src_port` carrying `payload`, its checksum over
/// `pseudo` (a port for each, so tshark sees no retransmission).
fn tcp_segment(
    src_port: u16,
    pseudo: PseudoHeader,
    options: Vec<TcpOption>,
    payload: &[u8],
) -> Vec<u8> {
    let r = tcp::Repr {
        src_port,
        ..tcp_repr(TcpFlags::PSH | TcpFlags::ACK, options)
    };
    let mut seg = vec![0u8; r.buffer_len() + payload.len()];
    r.emit(
        &mut tcp::Packet::new_unchecked(&mut seg[..]),
        pseudo,
        payload,
    );
    seg
}

fn udp_datagram(pseudo: PseudoHeader, payload: &[u8]) -> Vec<u8> {
    let r = udp::Repr {
        src_port: 40000,
        dst_port: 9000,
    };
    let mut d = vec![0u8; udp::HEADER_LEN + payload.len()];
    r.emit(&mut udp::Packet::new_unchecked(&mut d[..]), pseudo, payload);
    d
}

fn dst_opts(next_header: IpProtocol) -> ipv6ext::Repr {
    ipv6ext::Repr::DestinationOptions {
        next_header,
        options: vec![Ipv6Option::PadN(4)],
    }
}

#[test]
fn ipv6_extension_headers_match_tshark() {
    const S: &str = "2001:db8::1";
    const D: &str = "2001:db8::2";
    // An MLDv2 report: Hop-by-Hop with Router Alert (and PadN), hop limit
    // aside, as a host joining ff02::fb sends it.
    let mut mld = vec![0u8, 0, 0, 1, 4, 0, 0, 0];
    mld.extend_from_slice(&"ff02::fb".parse::<Ipv6Addr>().unwrap().octets());
    let report = icmpv6::Repr::Other {
        msg_type: 143,
        code: 0,
    };
    let mut msg = vec![0u8; report.buffer_len() + mld.len()];
    report.emit(
        &mut icmpv6::Packet::new_unchecked(&mut msg[..]),
        pseudo6("fe80::1", "ff02::16"),
        &mld,
    );
    let hbh = ipv6ext::Repr::HopByHop {
        next_header: IpProtocol::ICMPV6,
        options: vec![Ipv6Option::RouterAlert(0)],
    };
    let hops: [Ipv6Addr; 2] = [
        "2001:db8::10".parse().unwrap(),
        "2001:db8::99".parse().unwrap(),
    ];
    let routed = |port: u16, ext: ipv6ext::Repr, final_dst: &str| {
        let seg = tcp_segment(port, pseudo6(S, final_dst), Vec::new(), b"routed");
        v6_ext_frame(S, D, &[ext], IpProtocol::TCP, &seg)
    };
    let atomic = ipv6ext::Repr::Fragment {
        next_header: IpProtocol::UDP,
        offset: 0,
        more_frags: false,
        ident: 0x1234,
    };
    let jumbo_dst = ipv6ext::Repr::DestinationOptions {
        next_header: IpProtocol::UDP,
        options: vec![
            Ipv6Option::Unknown {
                opt_type: 0x1e,
                data: vec![1, 2, 3],
            },
            Ipv6Option::PadN(1),
        ],
    };
    let frames = vec![
        (
            "Hop-by-Hop, Router Alert, MLDv2 report",
            v6_ext_frame("fe80::1", "ff02::16", &[hbh], IpProtocol::ICMPV6, &msg),
        ),
        // RFC 8200 §8.1: the pseudo-header has the final destination.
        (
            "Routing type 0, segments left 0",
            routed(
                50001,
                ipv6ext::Repr::source_route(IpProtocol::TCP, 0, &hops),
                D,
            ),
        ),
        (
            "Routing type 0, segments left 2",
            routed(
                50002,
                ipv6ext::Repr::source_route(IpProtocol::TCP, 2, &hops),
                "2001:db8::99",
            ),
        ),
        (
            "Segment Routing, segments left 0",
            routed(
                50003,
                ipv6ext::Repr::segment_routing(IpProtocol::TCP, 0, &hops),
                D,
            ),
        ),
        (
            "Segment Routing, segments left 1",
            routed(
                50004,
                ipv6ext::Repr::segment_routing(IpProtocol::TCP, 1, &hops),
                "2001:db8::10",
            ),
        ),
        (
            "Destination Options, Fragment (offset 0, M=0), UDP",
            v6_ext_frame(
                S,
                D,
                &[dst_opts(IpProtocol::FRAGMENT), atomic],
                IpProtocol::UDP,
                &udp_datagram(pseudo6(S, D), b"whole"),
            ),
        ),
        (
            "Destination Options with an unknown option, UDP",
            v6_ext_frame(
                S,
                D,
                &[jumbo_dst],
                IpProtocol::UDP,
                &udp_datagram(pseudo6(S, D), b"opt"),
            ),
        ),
    ];
    for (label, frame) in &frames {
        let d = dissect(frame);
        assert!(
            d.layers
                .iter()
                .any(|l| matches!(l.protocol, Protocol::Tcp | Protocol::Udp | Protocol::Icmpv6)),
            "{label}: {:?}",
            d.findings
        );
    }
    let mut seen = BTreeSet::new();
    check_frames(&frames, &mut seen);

    // A datagram in two fragments: tshark keeps the first for reassembly
    // and shows its bytes as data, as netlab does; the later one it shows
    // as data when it does not reassemble (netlab never does).
    let whole = udp_datagram(pseudo6(S, D), b"AAAAAAAAAAAAAAAA");
    let piece = |offset: u16, more_frags: bool, bytes: &[u8]| {
        let frag = ipv6ext::Repr::Fragment {
            next_header: IpProtocol::UDP,
            offset,
            more_frags,
            ident: 0xdead_beef,
        };
        v6_ext_frame(
            S,
            D,
            &[dst_opts(IpProtocol::FRAGMENT), frag],
            IpProtocol::UDP,
            bytes,
        )
    };
    let first = [("first fragment", piece(0, true, &whole[..16]))];
    check_frames_with(
        &first,
        &mut seen,
        &[],
        "a fragment (offset 0 bytes, more fragments: yes)",
    );
    let later = [("later fragment", piece(2, false, &whole[16..]))];
    check_frames_with(
        &later,
        &mut seen,
        &["-o", "ipv6.defragment:FALSE"],
        "a fragment (offset 16 bytes, more fragments: no)",
    );
    require(
        &seen,
        &[
            "ipv6.hopopts.nxt",
            "ipv6.hopopts.len",
            "ipv6.opt.type",
            "ipv6.opt.type.action",
            "ipv6.opt.type.change",
            "ipv6.opt.type.rest",
            "ipv6.opt.length",
            "ipv6.opt.router_alert",
            "ipv6.opt.padn",
            "ipv6.routing.nxt",
            "ipv6.routing.len",
            "ipv6.routing.type",
            "ipv6.routing.segleft",
            "ipv6.routing.src.reserved",
            "ipv6.routing.src.addr",
            "ipv6.routing.srh.last_entry",
            "ipv6.routing.srh.flags",
            "ipv6.routing.srh.tag",
            "ipv6.routing.srh.addr",
            "ipv6.fraghdr.nxt",
            "ipv6.fraghdr.reserved_octet",
            "ipv6.fraghdr.offset",
            "ipv6.fraghdr.reserved_bits",
            "ipv6.fraghdr.more",
            "ipv6.fraghdr.ident",
            "ipv6.dstopts.nxt",
            "ipv6.dstopts.len",
            "icmpv6.checksum.status",
            "tcp.checksum.status",
            "udp.checksum.status",
            "data.data",
        ],
    );
}

/// `frame` (untagged or 802.1Q-tagged) with an outer tag of `tpid` (VLAN
/// 100, priority 5) put in front of its type.
fn stacked(tpid: u16, frame: &[u8]) -> Vec<u8> {
    let mut f = frame[..12].to_vec();
    f.extend(tpid.to_be_bytes());
    f.extend([0xa0, 0x64]);
    f.extend_from_slice(&frame[12..]);
    f
}

fn udp_40000() -> Upper {
    Upper::Udp(udp::Repr {
        src_port: 40000,
        dst_port: 9000,
    })
}

#[test]
fn qinq_matches_tshark() {
    let inner = vlan::Repr {
        priority: 1,
        drop_eligible: false,
        vlan_id: 10,
        ethertype: EtherType::IPV4,
    };
    let tagged = ip_frame(Some(inner), false, &[], &udp_40000(), b"qinq");
    let frames = vec![
        (
            "802.1ad (0x88a8) over 802.1Q, UDP",
            stacked(0x88a8, &tagged),
        ),
        ("0x9100 over 802.1Q, UDP", stacked(0x9100, &tagged)),
    ];
    let mut seen = BTreeSet::new();
    check_frames(&frames, &mut seen);
    require(
        &seen,
        &[
            "ieee8021ad.priority",
            "ieee8021ad.dei",
            "ieee8021ad.id",
            "vlan.priority",
            "vlan.id",
            "vlan.etype",
            "udp.checksum.status",
        ],
    );
}

#[test]
fn tcp_sack_matches_tshark() {
    let sack = vec![
        TcpOption::NoOperation,
        TcpOption::NoOperation,
        TcpOption::Sack(vec![(1_000_500, 1_001_000), (1_002_000, 1_003_000)]),
        TcpOption::NoOperation,
        TcpOption::NoOperation,
        TcpOption::Timestamps {
            tsval: 77,
            tsecr: 88,
        },
    ];
    let one = vec![TcpOption::Sack(vec![(5, 6)]), TcpOption::EndOfList];
    let frames = vec![
        (
            "SACK of two blocks and timestamps",
            ip_frame(
                None,
                false,
                &[],
                &Upper::Tcp(tcp_repr(TcpFlags::ACK, sack)),
                &[],
            ),
        ),
        (
            "SACK of one block, over IPv6",
            ip_frame(
                None,
                true,
                &[],
                &Upper::Tcp(tcp_repr(TcpFlags::ACK, one)),
                &[],
            ),
        ),
    ];
    let mut seen = BTreeSet::new();
    check_frames(&frames, &mut seen);
    require(
        &seen,
        &[
            "tcp.options.sack",
            "tcp.options.sack_le",
            "tcp.options.sack_re",
            "tcp.options.timestamp.tsval",
            "tcp.options.eol",
            "tcp.checksum.status",
        ],
    );
}

#[test]
fn ipv4_options_match_tshark() {
    // Room for two routers, one recorded; a NOP to fill the word.
    let record_route = [7, 11, 8, 10, 0, 0, 254, 0, 0, 0, 0, 1];
    // Timestamps only (flag 0), one written; with prespecified addresses
    // (flag 3) and one overflow.
    let timestamps = [68, 12, 9, 0x00, 0, 0, 0, 1, 0, 0, 0, 0];
    let prespecified = [
        68, 20, 13, 0x13, 10, 0, 0, 1, 0, 0, 0, 5, 10, 0, 0, 2, 0, 0, 0, 0,
    ];
    let router_alert = [0x94, 0x04, 0x00, 0x00, 0x01, 0x00];
    let frames = vec![
        (
            "Record Route",
            ip_frame(None, false, &record_route, &udp_40000(), b"rr"),
        ),
        (
            "Timestamp",
            ip_frame(None, false, &timestamps, &udp_40000(), b"ts"),
        ),
        (
            "Timestamp, prespecified addresses",
            ip_frame(None, false, &prespecified, &udp_40000(), b"ts3"),
        ),
        (
            "Router Alert, NOP, EOL",
            ip_frame(None, false, &router_alert, &udp_40000(), b"ra"),
        ),
    ];
    let mut seen = BTreeSet::new();
    check_frames(&frames, &mut seen);
    require(
        &seen,
        &[
            "ip.options.record_route",
            "ip.options.timestamp",
            "ip.options.routeralert",
            "ip.options.nop",
            "ip.options.eol",
            "ip.opt.ptr",
            "ip.rec_rt",
            "ip.empty_rt",
            "ip.opt.overflow",
            "ip.opt.flag",
            "ip.opt.time_stamp",
            "ip.opt.time_stamp_addr",
            "ip.opt.ra",
            "udp.checksum.status",
        ],
    );
}

/// tshark's default (`eth.fcs: According to heuristic`) on bytes after
/// the packet: padding to 60 bytes, then in an untagged frame of 64 bytes
/// or more the last 4 as an FCS, right or wrong; a tag's dissector takes
/// no FCS. With `eth.check_fcs` on, tshark judges the FCS as netlab does.
#[test]
fn fcs_heuristic_matches_tshark() {
    // The seeds' segment from another port for each frame, so tshark sees
    // no retransmission (it shows a retransmission's data apart).
    let seeds = |port: i64| {
        let mut spec = seeds_spec();
        spec.src_port = Some(port);
        built(&spec)
    };
    let with_fcs = physical::with_fcs(&seeds(53001));
    let mut wrong_fcs = physical::with_fcs(&seeds(53002));
    wrong_fcs[63] ^= 0x40;
    let dgram = |payload: &[u8]| {
        ip_frame(
            None,
            false,
            &[],
            &Upper::Udp(udp::Repr {
                src_port: 40000,
                dst_port: 9000,
            }),
            payload,
        )
    };
    let mut long = dgram(&[b'x'; 40]);
    long.extend([1, 2, 3, 4]);
    let mut short_zeros = dgram(b"four");
    short_zeros.extend([0; 4]);
    let mut sixty_three = seeds(53003);
    sixty_three.resize(60, 0);
    sixty_three.extend([1, 2, 3]);
    let mut sixty_five = seeds(53004);
    sixty_five.resize(60, 0);
    sixty_five.extend([1, 2, 3, 4, 5]);
    let tag = vlan::Repr {
        priority: 0,
        drop_eligible: false,
        vlan_id: 10,
        ethertype: EtherType::IPV4,
    };
    let tagged = ip_frame(
        Some(tag),
        false,
        &[],
        &Upper::Udp(udp::Repr {
            src_port: 40000,
            dst_port: 9000,
        }),
        b"hi",
    );
    let mut tagged64 = tagged.clone();
    tagged64.resize(60, 0);
    let tagged64 = physical::with_fcs(&tagged64);
    let qinq = physical::with_fcs(&stacked(0x88a8, &tagged));
    let frames = vec![
        ("64 bytes, right FCS", with_fcs.clone()),
        ("64 bytes, wrong FCS", wrong_fcs),
        ("no padding, 4 bytes after", long),
        ("under 60 bytes, zeros after", short_zeros),
        ("63 bytes", sixty_three),
        ("65 bytes", sixty_five),
        ("802.1Q, 64 bytes with a CRC", tagged64),
        ("802.1ad, with a CRC", qinq),
    ];
    let mut seen = BTreeSet::new();
    check_frames_with(&frames, &mut seen, &["-o", "eth.check_fcs:TRUE"], "");
    require(
        &seen,
        &["eth.fcs", "eth.padding", "eth.trailer", "vlan.trailer"],
    );
    // Every byte tshark puts in padding, trailer or FCS, netlab does, and
    // the FCS is judged alike.
    let dir = TempDir::new("packet");
    let path = dir.file("fcs.pcap");
    let records: Vec<Record> = frames
        .iter()
        .map(|(_, f)| Record::new(0, f.clone()))
        .collect();
    std::fs::write(&path, pcap::write(&records).unwrap()).unwrap();
    let packets = pdml_with(&path, &["-o", "eth.check_fcs:TRUE"]);
    for ((label, frame), fields) in frames.iter().zip(&packets) {
        let theirs: Vec<(&str, usize, usize)> = fields
            .iter()
            .filter_map(|p| {
                let name = match p.name.as_str() {
                    "eth.padding" => "Ethernet padding",
                    "eth.trailer" | "vlan.trailer" => "Ethernet trailer",
                    "eth.fcs" => "Ethernet FCS",
                    _ => return None,
                };
                Some((name, p.pos, p.size))
            })
            .collect();
        let d = dissect(frame);
        let ours: Vec<(&str, usize, usize)> = d
            .layers
            .iter()
            .filter(|l| l.protocol == Protocol::EthernetTrailer)
            .map(|l| (l.name, l.offset, l.length))
            .collect();
        assert_eq!(ours, theirs, "{label}");
        if let Some(fcs) = d.layers.iter().find(|l| l.name == "Ethernet FCS") {
            let right = fcs.fields[0].display.ends_with("[correct]");
            let status = fields
                .iter()
                .find(|p| p.name == "eth.fcs.status")
                .map(|p| p.show.as_str());
            assert_eq!(status, Some(if right { "1" } else { "0" }), "{label}");
        }
    }
}

/// A Linux cooked capture v1 header (`tcpdump -i any`, link type 113)
/// in front of `packet`: who it was for, the link's address type and
/// address (at most 8 bytes), and the EtherType of what follows.
pub(crate) fn cooked_v1(
    pkttype: u16,
    hatype: u16,
    address: &[u8],
    proto: u16,
    packet: &[u8],
) -> Vec<u8> {
    let mut f = Vec::new();
    f.extend(pkttype.to_be_bytes());
    f.extend(hatype.to_be_bytes());
    f.extend((address.len() as u16).to_be_bytes());
    let mut room = [0u8; 8];
    room[..address.len()].copy_from_slice(address);
    f.extend(room);
    f.extend(proto.to_be_bytes());
    f.extend_from_slice(packet);
    f
}

/// A Linux cooked capture v2 header (link type 276) in front of `packet`.
pub(crate) fn cooked_v2(
    proto: u16,
    ifindex: u32,
    hatype: u16,
    pkttype: u8,
    address: &[u8],
    packet: &[u8],
) -> Vec<u8> {
    let mut f = Vec::new();
    f.extend(proto.to_be_bytes());
    f.extend([0, 0]);
    f.extend(ifindex.to_be_bytes());
    f.extend(hatype.to_be_bytes());
    f.extend([pkttype, address.len() as u8]);
    let mut room = [0u8; 8];
    room[..address.len()].copy_from_slice(address);
    f.extend(room);
    f.extend_from_slice(packet);
    f
}

#[test]
fn linux_cooked_captures_match_tshark() {
    // `tcpdump -i any` writes a cooked header (v1: link type 113, v2: 276)
    // in place of Ethernet's; after it the packet reads as after Ethernet.
    let v4 = ip_frame(
        None,
        false,
        &[],
        &Upper::Tcp(tcp_repr(TcpFlags::PSH | TcpFlags::ACK, Vec::new())),
        b"hello",
    );
    let v6 = ip_frame(
        None,
        true,
        &[],
        &Upper::Tcp(tcp_repr(TcpFlags::SYN, Vec::new())),
        &[],
    );
    let arp = arp_frame(arp::Operation::REQUEST);
    // The packets without their Ethernet header, behind cooked ones.
    let (ip4, ip6, arp) = (&v4[14..], &v6[14..], &arp[14..42]);
    let v1 = |pkttype, hatype, address: &[u8], proto, packet: &[u8]| {
        cooked_v1(pkttype, hatype, address, proto, packet)
    };
    let v2 = |proto, ifindex, pkttype, address: &[u8], packet: &[u8]| {
        cooked_v2(proto, ifindex, 1, pkttype, address, packet)
    };
    let mac = [2, 0, 0, 0, 0, 1];
    // UDP here: tshark takes a second copy of the TCP segment for a
    // retransmission and shows no data for it.
    let udp = ip_frame(
        None,
        false,
        &[],
        &Upper::Udp(udp::Repr {
            src_port: 40000,
            dst_port: 9000,
        }),
        b"hi",
    );
    let mut trailing = v1(0, 1, &mac, 0x0800, &udp[14..]);
    trailing.extend([0xab, 0xcd]);
    let sets = [
        (
            113u32,
            vec![
                ("v1, to us, Ethernet, IPv4/TCP", v1(0, 1, &mac, 0x0800, ip4)),
                ("v1, sent by us on lo, IPv6", v1(4, 772, &[], 0x86dd, ip6)),
                ("v1, broadcast ARP", v1(1, 1, &mac, 0x0806, arp)),
                ("v1, a trailer after the packet", trailing),
            ],
        ),
        (
            276,
            vec![
                ("v2, interface 3, IPv4/TCP", v2(0x0800, 3, 0, &mac, ip4)),
                ("v2, multicast, IPv6", v2(0x86dd, 7, 2, &mac, ip6)),
            ],
        ),
    ];
    let mut seen = BTreeSet::new();
    for (link_type, frames) in sets {
        let dir = TempDir::new("packet");
        let path = dir.file("cooked.pcap");
        let records: Vec<Record> = frames
            .iter()
            .enumerate()
            .map(|(i, (_, f))| Record::new(1_700_000_000_000_000 + i as u64, f.clone()))
            .collect();
        let mut file = pcap::write(&records).unwrap();
        // The file header's link type, little-endian at byte 20.
        file[20..24].copy_from_slice(&link_type.to_le_bytes());
        std::fs::write(&path, &file).unwrap();
        let packets = pdml(&path);
        assert_eq!(packets.len(), frames.len());
        for ((label, frame), fields) in frames.iter().zip(&packets) {
            let d = netlab_core::packet::dissect::dissect_captured(link_type, frame).unwrap();
            assert!(d.findings.is_empty(), "{label}: {:?}", d.findings);
            let covered: usize = d.layers.iter().map(|l| l.length).sum();
            assert_eq!(covered, frame.len(), "{label}: every byte in a layer");
            let problems = compare(label, &d, fields, &mut seen);
            assert!(problems.is_empty(), "{label}:\n{}", problems.join("\n"));
        }
        // The CLI reads the same file, and names the layer.
        let out = netlab(&["dissect", "--pcap", path.to_str().unwrap()]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        let name = if link_type == 113 { "v1" } else { "v2" };
        assert!(
            text.contains(&format!("Linux cooked capture {name}  [data link layer")),
            "{text}"
        );
    }
    require(
        &seen,
        &[
            "sll.pkttype",
            "sll.hatype",
            "sll.halen",
            "sll.src.eth",
            "sll.unused",
            "sll.etype",
            "sll.ifindex",
            "sll.trailer",
            "arp.opcode",
            "ipv6.nxt",
            "tcp.flags",
        ],
    );
}
