//! `netlab_core::packet::follow` against tshark's "Follow TCP Stream":
//! captures of connections (handshakes, segments out of order, partial
//! retransmissions, bytes the capture missed, snapshot-length cuts, port
//! reuse, sequence numbers wrapping, IPv6, 802.1Q and Linux cooked
//! captures) are written to pcap files; netlab must number the streams as
//! tshark's `tcp.stream` does and give, for each, the chunks
//! `tshark -z follow,tcp,raw,N` prints, in its order.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;

use netlab_core::framing::{Delimited, LengthPrefix};
use netlab_core::mac::MacAddr;
use netlab_core::packet::checksum::PseudoHeader;
use netlab_core::packet::encap::{EncapSpec, encapsulate};
use netlab_core::packet::ethernet::{self, EtherType};
use netlab_core::packet::follow::{self, ChunkKind, Framing, Side, Transport};
use netlab_core::packet::ipv4::{self, IpProtocol};
use netlab_core::packet::pcap::{self, Record};
use netlab_core::packet::tcp::{self, TcpFlags};
use netlab_core::packet::{ipv6, ipv6ext, vlan};

use crate::util::{TempDir, netlab, netlab_json, python3, tshark};

/// One segment of a scenario.
#[derive(Clone)]
pub(crate) struct Seg {
    pub(crate) src: SocketAddr,
    pub(crate) dst: SocketAddr,
    pub(crate) seq: u32,
    pub(crate) ack: Option<u32>,
    pub(crate) flags: TcpFlags,
    pub(crate) payload: Vec<u8>,
}

fn seg(
    src: &'static str,
    dst: &'static str,
    seq: u32,
    ack: Option<u32>,
    flags: TcpFlags,
    payload: &[u8],
) -> Seg {
    let flags = if ack.is_some() {
        flags | TcpFlags::ACK
    } else {
        flags
    };
    Seg {
        src: src.parse().unwrap(),
        dst: dst.parse().unwrap(),
        seq,
        ack,
        flags,
        payload: payload.to_vec(),
    }
}

/// Writes an IP header into the frame.
type EmitIp = Box<dyn Fn(&mut [u8])>;

/// An Ethernet frame (802.1Q-tagged if asked) carrying `s`.
pub(crate) fn frame(s: &Seg, tagged: bool) -> Vec<u8> {
    let (src, dst) = (s.src, s.dst);
    let t = tcp::Repr {
        src_port: src.port(),
        dst_port: dst.port(),
        seq_number: s.seq,
        ack_number: s.ack.unwrap_or(0),
        flags: s.flags,
        window_len: 65535,
        urgent_pointer: 0,
        options: Vec::new(),
    };
    let upper_len = t.buffer_len() + s.payload.len();
    let ethertype = if src.is_ipv6() {
        EtherType::IPV6
    } else {
        EtherType::IPV4
    };
    let eth = ethernet::Repr {
        dst_addr: MacAddr([0x02, 0, 0, 0, 0, 0x02]),
        src_addr: MacAddr([0x02, 0, 0, 0, 0, 0x01]),
        vlan: tagged.then_some(vlan::Repr {
            priority: 0,
            drop_eligible: false,
            vlan_id: 12,
            ethertype,
        }),
        ethertype,
    };
    let at = eth.buffer_len();
    let (ip_len, pseudo, emit_ip): (usize, PseudoHeader, EmitIp) = match (src, dst) {
        (SocketAddr::V4(a), SocketAddr::V4(b)) => {
            let r = ipv4::Repr {
                src_addr: *a.ip(),
                dst_addr: *b.ip(),
                protocol: IpProtocol::TCP,
                payload_len: upper_len,
                ttl: 64,
                dscp: 0,
                ecn: 0,
                ident: 1,
                dont_frag: true,
                more_frags: false,
                frag_offset: 0,
                options: Vec::new(),
            };
            let pseudo = PseudoHeader::V4 {
                src: *a.ip(),
                dst: *b.ip(),
            };
            (
                r.buffer_len(),
                pseudo,
                Box::new(move |buf| r.emit(&mut ipv4::Packet::new_unchecked(buf))),
            )
        }
        (SocketAddr::V6(a), SocketAddr::V6(b)) => {
            let r = ipv6::Repr {
                src_addr: *a.ip(),
                dst_addr: *b.ip(),
                next_header: IpProtocol::TCP,
                payload_len: upper_len,
                hop_limit: 64,
                traffic_class: 0,
                flow_label: 0,
            };
            let pseudo = PseudoHeader::V6 {
                src: *a.ip(),
                dst: *b.ip(),
            };
            (
                ipv6::HEADER_LEN,
                pseudo,
                Box::new(move |buf| r.emit(&mut ipv6::Packet::new_unchecked(buf))),
            )
        }
        _ => panic!("one family per segment"),
    };
    let mut f = vec![0u8; at + ip_len + upper_len];
    eth.emit(&mut ethernet::Frame::new_unchecked(&mut f[..]));
    emit_ip(&mut f[at..]);
    t.emit(
        &mut tcp::Packet::new_unchecked(&mut f[at + ip_len..]),
        pseudo,
        &s.payload,
    );
    f
}

/// What tshark's follow printed for one stream: each chunk's side and
/// bytes, its "[N bytes missing in capture file]" as `Err(N)`.
type Printed = Vec<(Side, Result<Vec<u8>, usize>)>;

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

/// Runs `tshark -z follow,tcp,raw,N` for each stream (one run each: with
/// several `-z follow` in one run, tshark 4.0 mixes up streams that reuse
/// the same addresses and ports).
fn tshark_follow(path: &Path, proto: &str, count: usize) -> Vec<(String, String, Printed)> {
    let file = path.to_str().unwrap();
    let mut text = String::new();
    for n in 0..count {
        text.push_str(&tshark(&[
            "-r",
            file,
            "-q",
            "-z",
            &format!("follow,{proto},raw,{n}"),
        ]));
    }
    let mut blocks = Vec::new();
    let mut current: Option<(String, String, Printed)> = None;
    for line in text.lines() {
        if line.starts_with("=====") {
            if let Some(block) = current.take() {
                blocks.push(block);
            }
            continue;
        }
        if line.starts_with("Follow:") {
            current = Some((String::new(), String::new(), Vec::new()));
            continue;
        }
        let Some(block) = current.as_mut() else {
            continue;
        };
        if let Some(node) = line.strip_prefix("Node 0: ") {
            block.0 = node.to_owned();
        } else if let Some(node) = line.strip_prefix("Node 1: ") {
            block.1 = node.to_owned();
        } else if line.starts_with("Filter:") || line.is_empty() {
        } else {
            let (side, hex) = match line.strip_prefix('\t') {
                Some(hex) => (Side::Server, hex),
                None => (Side::Client, line),
            };
            let bytes = unhex(hex.trim());
            let text = String::from_utf8_lossy(&bytes);
            let missing = text
                .strip_prefix('[')
                .and_then(|t| t.strip_suffix(" bytes missing in capture file]\0"))
                .and_then(|n| n.parse().ok());
            block.2.push((side, missing.map_or(Ok(bytes), Err)));
        }
    }
    blocks
}

/// tshark's way of writing an endpoint: IPv6 in brackets, as Rust's.
fn node(addr: SocketAddr) -> String {
    addr.to_string()
}

/// Writes `frames` (Ethernet unless `link_type` says otherwise) to a pcap
/// and requires netlab's streams and follows to be tshark's.
fn check(name: &str, link_type: u32, frames: &[Vec<u8>]) -> Vec<follow::Follow> {
    let dir = TempDir::new("follow");
    let path = dir.0.join(format!("{name}.pcap"));
    let records: Vec<Record> = frames
        .iter()
        .enumerate()
        .map(|(i, f)| Record::new(1_700_000_000_000_000 + i as u64 * 1000, f.clone()))
        .collect();
    std::fs::write(&path, pcap::write_linked(&records, link_type).unwrap()).unwrap();
    check_file(name, &path)
}

/// Requires netlab's streams and follows of the capture at `path` to be
/// tshark's.
fn check_file(name: &str, path: &Path) -> Vec<follow::Follow> {
    check_file_of(name, path, Transport::Tcp)
}

/// [`check_file`] for TCP or UDP streams.
pub(crate) fn check_file_of(name: &str, path: &Path, protocol: Transport) -> Vec<follow::Follow> {
    let proto = match protocol {
        Transport::Tcp => "tcp",
        Transport::Udp => "udp",
    };
    let capture = pcap::read_any(&std::fs::read(path).unwrap()).unwrap();
    let (link_type, records) = (capture.link_type, capture.records);

    // Stream numbers, frame by frame.
    let theirs: Vec<Option<usize>> = tshark(&[
        "-r",
        path.to_str().unwrap(),
        "-T",
        "fields",
        "-e",
        &format!("{proto}.stream"),
    ])
    .lines()
    .map(|l| l.trim().parse().ok())
    .collect();
    let streams = match protocol {
        Transport::Tcp => follow::streams(link_type, &records),
        Transport::Udp => follow::udp_streams(link_type, &records),
    };
    let mut ours = vec![None; records.len()];
    for s in &streams {
        for &f in &s.frames {
            ours[f - 1] = Some(s.index);
        }
    }
    assert_eq!(ours, theirs, "{name}: {proto}.stream of each frame");

    let blocks = tshark_follow(path, proto, streams.len());
    assert_eq!(
        blocks.len(),
        streams.len(),
        "{name}: one follow block per stream"
    );
    let mut follows = Vec::new();
    for (s, (node0, node1, printed)) in streams.iter().zip(blocks) {
        let f = match protocol {
            Transport::Tcp => follow::follow(link_type, &records, s.index).unwrap(),
            Transport::Udp => follow::follow_udp(link_type, &records, s.index).unwrap(),
        };
        assert_eq!(
            (node(s.client), node(s.server)),
            (node0, node1),
            "{name} stream {}: the nodes",
            s.index
        );
        let mine: Printed = f
            .chunks
            .iter()
            .filter(|c| c.kind != ChunkKind::Cut)
            .map(|c| {
                let data = f.data(c.side);
                match c.kind {
                    ChunkKind::Missing => (c.side, Err(c.len)),
                    _ => (c.side, Ok(data[c.offset..c.offset + c.len].to_vec())),
                }
            })
            .collect();
        assert_eq!(mine, printed, "{name} stream {}: the chunks", s.index);
        follows.push(f);
    }
    follows
}

const C: &str = "127.0.0.1:53000";
const S: &str = "127.0.0.1:8001";
const SYN: TcpFlags = TcpFlags::SYN;
const PSH: TcpFlags = TcpFlags::PSH;
const FIN: TcpFlags = TcpFlags::FIN;
const NONE: TcpFlags = TcpFlags(0);

/// A handshake from `c` (ISN `ci`) to `s` (ISN `si`).
fn handshake(c: &'static str, s: &'static str, ci: u32, si: u32) -> Vec<Seg> {
    vec![
        seg(c, s, ci, None, SYN, b""),
        seg(s, c, si, Some(ci.wrapping_add(1)), SYN, b""),
        seg(
            c,
            s,
            ci.wrapping_add(1),
            Some(si.wrapping_add(1)),
            NONE,
            b"",
        ),
    ]
}

fn frames(segs: &[Seg]) -> Vec<Vec<u8>> {
    segs.iter().map(|s| frame(s, false)).collect()
}

#[test]
fn sticky_demo_follows_as_tshark() {
    // Seed 000 §6.1: two sends, one segment; the server answers, both close.
    let mut segs = handshake(C, S, 1000, 5000);
    segs.extend([
        seg(C, S, 1001, Some(5001), PSH, b"hellonice"),
        seg(S, C, 5001, Some(1010), NONE, b""),
        seg(S, C, 5001, Some(1010), PSH, b"HELLONICE"),
        seg(C, S, 1010, Some(5010), FIN, b""),
        seg(S, C, 5010, Some(1011), FIN, b""),
        seg(C, S, 1011, Some(5011), NONE, b""),
    ]);
    let f = check("sticky", pcap::LINKTYPE_ETHERNET, &frames(&segs));
    assert_eq!(f[0].data(Side::Client), b"hellonice");
    assert!(f[0].stream.syn && f[0].stream.fin && !f[0].stream.rst);
    let lines = f[0].messages(Side::Client, &Framing::Delimited(Delimited::lines()));
    assert!(lines.messages.is_empty() && lines.leftover == 9);
}

#[test]
fn out_of_order_and_retransmissions_follow_as_tshark() {
    let mut segs = handshake(C, S, 7, 70);
    segs.extend([
        // The second segment first: it waits for the first.
        seg(C, S, 13, Some(71), PSH, b"world"),
        seg(C, S, 8, Some(71), PSH, b"hello"),
        // A retransmission of both, with three new bytes: only those count.
        seg(C, S, 8, Some(71), PSH, b"helloworld!!!"),
        // A retransmission with nothing new.
        seg(C, S, 13, Some(71), PSH, b"world"),
        // The server's two segments, the later one first, overlapping.
        seg(S, C, 74, Some(21), PSH, b"defgh"),
        seg(S, C, 71, Some(21), PSH, b"abcde"),
    ]);
    let f = check("reorder", pcap::LINKTYPE_ETHERNET, &frames(&segs));
    assert_eq!(f[0].data(Side::Client), b"helloworld!!!");
    assert_eq!(f[0].data(Side::Server), b"abcdefgh");
    let waited: Vec<bool> = f[0].chunks.iter().map(|c| c.waited).collect();
    assert_eq!(waited, [false, true, false, false, true]);
}

#[test]
fn bytes_the_capture_missed_follow_as_tshark() {
    let mut segs = handshake(C, S, 100, 900);
    segs.extend([
        seg(C, S, 101, Some(901), PSH, b"one--"),
        // 106..111 never captured.
        seg(C, S, 111, Some(901), PSH, b"three"),
        // The server acknowledges all 15: the gap was on the wire.
        seg(S, C, 901, Some(116), NONE, b""),
        seg(C, S, 116, Some(901), PSH, b"four"),
    ]);
    let f = check("missing", pcap::LINKTYPE_ETHERNET, &frames(&segs));
    let kinds: Vec<(ChunkKind, usize)> = f[0].chunks.iter().map(|c| (c.kind, c.len)).collect();
    assert_eq!(
        kinds,
        [
            (ChunkKind::Data, 5),
            (ChunkKind::Missing, 5),
            (ChunkKind::Data, 5),
            (ChunkKind::Data, 4)
        ]
    );
    let m = f[0].messages(Side::Client, &Framing::Delimited(Delimited::lines()));
    assert!(
        m.stopped
            .unwrap()
            .starts_with("5 bytes after byte 5 are missing (frame 6 acknowledged them")
    );
}

#[test]
fn cut_segments_follow_as_tshark() {
    // A snapshot length of 60 bytes cuts the 40-byte payload to 6.
    let mut segs = handshake(C, S, 1, 2);
    segs.push(seg(C, S, 2, Some(3), PSH, &[b'x'; 40]));
    segs.push(seg(C, S, 42, Some(3), PSH, b"after"));
    let mut fs = frames(&segs);
    fs[3].truncate(60);
    let dir = TempDir::new("follow");
    let path = dir.0.join("cut.pcap");
    let records: Vec<Record> = fs
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let mut r = Record::new(i as u64, f.clone());
            if i == 3 {
                r.original_len = 14 + 20 + 20 + 40;
            }
            r
        })
        .collect();
    std::fs::write(&path, pcap::write(&records).unwrap()).unwrap();
    let printed = &tshark_follow(&path, "tcp", 1)[0].2;
    let f = follow::follow(1, &records, 0).unwrap();
    assert_eq!(
        printed,
        &vec![
            (Side::Client, Ok(vec![b'x'; 6])),
            (Side::Client, Ok(b"after".to_vec()))
        ]
    );
    let kinds: Vec<(ChunkKind, usize)> = f.chunks.iter().map(|c| (c.kind, c.len)).collect();
    assert_eq!(
        kinds,
        [
            (ChunkKind::Data, 6),
            (ChunkKind::Cut, 34),
            (ChunkKind::Data, 5)
        ]
    );
}

#[test]
fn port_reuse_wraparound_and_many_streams_follow_as_tshark() {
    let c2 = "127.0.0.1:53002";
    let mut segs = handshake(C, S, u32::MAX - 3, 10);
    // Sequence numbers wrap inside the first message.
    segs.push(seg(C, S, u32::MAX - 2, Some(11), PSH, b"wrapping"));
    // Another connection between.
    segs.extend(handshake(c2, S, 500, 600));
    segs.push(seg(c2, S, 501, Some(601), PSH, b"second"));
    segs.push(seg(C, S, 5, Some(11), FIN, b""));
    segs.push(seg(S, C, 11, Some(6), FIN, b""));
    // The same ports again with a new ISN: a new stream.
    segs.extend(handshake(C, S, 40_000, 80_000));
    segs.push(seg(C, S, 40_001, Some(80_001), PSH, b"again"));
    segs.push(seg(S, C, 80_001, Some(40_006), PSH, b"ok"));
    let f = check("reuse", pcap::LINKTYPE_ETHERNET, &frames(&segs));
    assert_eq!(f.len(), 3);
    assert_eq!(f[0].data(Side::Client), b"wrapping");
    assert_eq!(f[2].data(Side::Client), b"again");
}

#[test]
fn ipv6_vlan_and_cooked_captures_follow_as_tshark() {
    let (c6, s6) = ("[2001:db8::1]:40000", "[2001:db8::2]:9000");
    let mut segs = handshake(c6, s6, 1, 1000);
    segs.push(seg(c6, s6, 2, Some(1001), PSH, b"over IPv6"));
    segs.push(seg(s6, c6, 1001, Some(11), PSH, b"ack"));
    let tagged: Vec<Vec<u8>> = segs.iter().map(|s| frame(s, true)).collect();
    let f = check("ipv6-vlan", pcap::LINKTYPE_ETHERNET, &tagged);
    assert_eq!(f[0].data(Side::Client), b"over IPv6");

    // tcpdump -i any: a cooked v1 header (link type 113) in place of Ethernet's.
    let cooked: Vec<Vec<u8>> = segs
        .iter()
        .map(|s| {
            let f = frame(s, false);
            let mut out = vec![0, 4, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0];
            out.extend([0x86, 0xdd]);
            out.extend_from_slice(&f[14..]);
            out
        })
        .collect();
    let f = check("cooked", 113, &cooked);
    assert_eq!(f[0].data(Side::Server), b"ack");
}

#[test]
fn framed_messages_say_which_frames_carried_them() {
    // Seed 000 §6.7: struct.pack('i', len) headers; the client's three
    // messages cross in two segments, the second message split between them.
    let codec = LengthPrefix::seed();
    let mut wire = Vec::new();
    for m in [&b"hello"[..], b"nice", b"to meet you"] {
        wire.extend(codec.frame(m).unwrap());
    }
    let mut segs = handshake(C, S, 0, 0);
    segs.push(seg(C, S, 1, Some(1), PSH, &wire[..12]));
    segs.push(seg(C, S, 13, Some(1), PSH, &wire[12..]));
    let f = check("framed", pcap::LINKTYPE_ETHERNET, &frames(&segs));
    let m = f[0].messages(Side::Client, &Framing::LengthPrefix(codec));
    let got: Vec<(&[u8], Vec<usize>, bool)> = m
        .messages
        .iter()
        .map(|m| (m.body.as_slice(), m.frames.clone(), m.shares_segment))
        .collect();
    assert_eq!(
        got,
        [
            (&b"hello"[..], vec![4], true),
            (&b"nice"[..], vec![4, 5], true),
            (&b"to meet you"[..], vec![5], true),
        ]
    );
    assert_eq!((m.leftover, m.stopped, m.sharing), (0, None, 3));

    // A hostile length stops the framing with the codec's own error.
    let mut segs = handshake(C, S, 0, 0);
    segs.push(seg(C, S, 1, Some(1), PSH, b"\xff\xff\xff\x7fxyz"));
    let f = check("hostile", pcap::LINKTYPE_ETHERNET, &frames(&segs));
    let m = f[0].messages(Side::Client, &Framing::LengthPrefix(LengthPrefix::seed()));
    assert!(m.messages.is_empty());
    assert!(m.stopped.is_some(), "{m:?}");
}

/// The seeds' two programs in one: a server and a client on loopback; the
/// client sends its messages with one `send()` each (`framed`: each behind
/// `struct.pack('i', len)`), the server reads once and answers.
const DEMO: &str = r#"
import socket, struct, sys, time
port, mode = int(sys.argv[1]), sys.argv[2]
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(('127.0.0.1', port))
srv.listen(1)
cli = socket.socket()
cli.settimeout(5)
cli.connect(('127.0.0.1', port))
conn, _ = srv.accept()
conn.settimeout(5)
for m in (b'hello', b'nice'):
    if mode == 'framed':
        cli.send(struct.pack('i', len(m)))
    cli.send(m)
time.sleep(0.2)
got = conn.recv(1024)
conn.send(got.upper())
cli.recv(1024)
cli.close()
conn.close()
srv.close()
"#;

/// Captures the demo with tcpdump on the loopback interface: the
/// kernel's own segments (timestamps, window scaling, its choice of how
/// to cut the bytes), not frames netlab built.
fn capture_demo(dir: &Path, mode: &str) -> PathBuf {
    use std::io::{BufRead, BufReader};
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let path = dir.join(format!("{mode}.pcap"));
    let mut tcpdump = Command::new("tcpdump")
        .args(["-n", "-U", "--immediate-mode", "-i", "lo", "-w"])
        .arg(&path)
        .arg(format!("tcp port {port}"))
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("tcpdump runs (cargo xtask test installs it)");
    // It says "listening on lo" once it captures.
    let mut stderr = BufReader::new(tcpdump.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    assert!(line.contains("listening on"), "tcpdump: {line}");
    python3(DEMO, &[&port.to_string(), mode]);
    // Until tcpdump has written the whole conversation (the count of
    // packets stays put for 300 ms; at most 5 s), then SIGINT.
    let count = || {
        std::fs::read(&path)
            .ok()
            .and_then(|b| pcap::read_any(&b).ok())
            .map_or(0, |c| c.records.len())
    };
    let (mut last, mut still) = (0, 0);
    for _ in 0..50 {
        std::thread::sleep(std::time::Duration::from_millis(100));
        let now = count();
        still = if now == last && now >= 10 {
            still + 1
        } else {
            0
        };
        last = now;
        if still == 3 {
            break;
        }
    }
    let _ = Command::new("kill")
        .args(["-INT", &tcpdump.id().to_string()])
        .status();
    let _ = tcpdump.wait();
    let mut rest = String::new();
    let _ = std::io::Read::read_to_string(&mut stderr, &mut rest);
    assert!(
        rest.contains("packets captured"),
        "tcpdump did not finish: {line}{rest}"
    );
    eprintln!("tcpdump: {}", rest.trim().replace('\n', "; "));
    path
}

#[test]
fn a_real_loopback_capture_follows_as_tshark() {
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    if !root {
        eprintln!("skipped: capturing on lo needs root (cargo xtask test runs as root in CI)");
        return;
    }
    let dir = TempDir::new("follow");
    let sticky = capture_demo(&dir.0, "sticky");
    let f = check_file("real sticky", &sticky);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].data(Side::Client), b"hellonice");
    assert_eq!(f[0].data(Side::Server), b"HELLONICE");
    assert!(f[0].stream.syn && f[0].stream.fin);

    let framed = capture_demo(&dir.0, "framed");
    let f = check_file("real framed", &framed);
    let m = f[0].messages(Side::Client, &Framing::length_prefix("i").unwrap());
    let bodies: Vec<&[u8]> = m.messages.iter().map(|m| m.body.as_slice()).collect();
    assert_eq!(bodies, [&b"hello"[..], b"nice"]);
    assert_eq!((m.leftover, m.stopped), (0, None));

    // The CLI gives the core's report.
    let (code, json) = netlab_json(&[
        "follow",
        framed.to_str().unwrap(),
        "--stream",
        "0",
        "--length-prefix",
        "i",
    ]);
    assert_eq!(code, 0);
    assert_eq!(json["client_hex"], "0500000068656c6c6f040000006e696365");
    assert_eq!(json["messages"][0]["messages"][1]["body_hex"], "6e696365");
    // Whether the kernel joined sends into one segment (Nagle's algorithm
    // may, when an ACK is late) decides which of seed 003 §8.2.3's causes
    // the text names; the counts are the frames' own.
    let sharing = json["messages"][0]["sharing"].as_u64().unwrap();
    let frames: Vec<Vec<u64>> = json["messages"][0]["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            m["frames"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f.as_u64().unwrap())
                .collect()
        })
        .collect();
    let joined = frames.windows(2).any(|w| w[0].last() == w[1].first());
    assert_eq!(sharing > 0, joined, "{frames:?}");
    let out = netlab(&[
        "follow",
        framed.to_str().unwrap(),
        "--stream",
        "0",
        "--length-prefix",
        "i",
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    let case = if joined {
        "the sender joined them before they left (seed 003 §8.2.3, 情况一"
    } else {
        "the receiver's buffer joined them (seed 003 §8.2.3, 情况二)"
    };
    assert!(text.contains(case), "{text}");
    assert_eq!(json["stream"]["syn"], true);
}

#[test]
fn the_cli_lists_follows_and_refuses_as_it_should() {
    let mut segs = handshake(C, S, 1000, 5000);
    segs.push(seg(C, S, 1001, Some(5001), PSH, b"hello\nnice\n"));
    let records: Vec<Record> = frames(&segs)
        .into_iter()
        .map(|f| Record::new(0, f))
        .collect();
    let dir = TempDir::new("follow");
    let path = dir.0.join("lines.pcap");
    std::fs::write(&path, pcap::write(&records).unwrap()).unwrap();
    let file = path.to_str().unwrap();

    let (code, json) = netlab_json(&["follow", file]);
    assert_eq!(code, 0);
    assert_eq!(json["streams"][0]["client"], C);
    assert_eq!(
        json["streams"][0]["frames"],
        serde_json::json!([1, 2, 3, 4])
    );

    let out = netlab(&["follow", file, "--stream", "0", "--delimiter", r"\n"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("frame 4    client    11  b'hello\\nnice\\n'"),
        "{text}"
    );
    assert!(
        text.contains(
            "1. b'hello' at byte 0 (6 bytes with its framing), in frame 4; shares a segment"
        ),
        "{text}"
    );

    let out = netlab(&["follow", file, "--stream", "1"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("the capture has no TCP stream 1 (it has 1)"),
        "{err}"
    );

    let out = netlab(&["follow", file, "--stream", "0", "--length-prefix", "ii"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("--length-prefix: the header format \"ii\" must hold exactly one integer")
    );
}

#[test]
fn udp_conversations_follow_as_tshark() {
    // Seed 004's chat: datagrams both ways, a second conversation between,
    // an empty datagram, and one the snapshot length cut.
    let udp = |src: &str, dst: &str, payload: &[u8]| {
        let spec = EncapSpec::udp(src.parse().unwrap(), dst.parse().unwrap(), payload);
        encapsulate(&spec).unwrap().frame
    };
    let (a, b, c) = (
        "192.168.1.10:50000",
        "192.168.1.20:8080",
        "192.168.1.30:50001",
    );
    let mut frames = [
        udp(a, b, "你好".as_bytes()),
        udp(b, a, b"hi"),
        udp(c, b, b"other"),
        udp(a, b, b""),
        udp(a, b, b"two"),
        udp(a, b, b"three"),
        udp(b, a, &[b'x'; 40]),
    ];
    frames[6].truncate(14 + 20 + 8 + 10);
    let dir = TempDir::new("follow");
    let path = dir.0.join("udp.pcap");
    let records: Vec<Record> = frames
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let mut r = Record::new(i as u64, f.clone());
            if i == 6 {
                r.original_len = 14 + 20 + 8 + 40;
            }
            r
        })
        .collect();
    std::fs::write(&path, pcap::write(&records).unwrap()).unwrap();
    let f = check_file_of("udp", &path, Transport::Udp);
    assert_eq!(f.len(), 2);
    assert_eq!(f[0].data(Side::Client), "你好twothree".as_bytes());
    let m = f[0].datagrams(Side::Client);
    let bodies: Vec<&[u8]> = m.messages.iter().map(|m| m.body.as_slice()).collect();
    assert_eq!(bodies, ["你好".as_bytes(), b"two", b"three"]);
    let kinds: Vec<(ChunkKind, usize)> = f[0]
        .chunks
        .iter()
        .filter(|c| c.side == Side::Server)
        .map(|c| (c.kind, c.len))
        .collect();
    assert_eq!(
        kinds,
        [
            (ChunkKind::Data, 2),
            (ChunkKind::Data, 10),
            (ChunkKind::Cut, 30)
        ]
    );

    // The CLI: both kinds listed, a UDP stream followed, framing refused.
    let file = path.to_str().unwrap();
    let (code, json) = netlab_json(&["follow", file]);
    assert_eq!(code, 0);
    assert_eq!(json["streams"][0]["protocol"], "udp");
    let (code, json) = netlab_json(&["follow", file, "--udp", "--stream", "0"]);
    assert_eq!(code, 0);
    assert_eq!(json["messages"][0]["messages"][2]["body_hex"], "7468726565");
    let out = netlab(&[
        "follow",
        file,
        "--udp",
        "--stream",
        "0",
        "--length-prefix",
        "i",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("UDP keeps message boundaries")
    );
}

/// The frames of `frame` (an untagged Ethernet frame of one IPv4 packet
/// without options, or of one IPv6 packet without extension headers) cut
/// into fragments of `piece` payload bytes (a multiple of 8), in the order
/// `order` gives. An IPv6 fragment is the IPv6 header (Next Header 44, the
/// Payload Length of its piece) and a Fragment header carrying the
/// packet's own Next Header.
pub(crate) fn fragmented(frame: &[u8], ident: u16, piece: usize, order: &[usize]) -> Vec<Vec<u8>> {
    let v6 = frame[12..14] == [0x86, 0xdd];
    let head = if v6 { 14 + ipv6::HEADER_LEN } else { 34 };
    let pieces: Vec<&[u8]> = frame[head..].chunks(piece).collect();
    let last = pieces.len() - 1;
    order
        .iter()
        .map(|&i| {
            let (offset, more, data) = ((i * piece / 8) as u16, i < last, pieces[i]);
            let mut f = frame[..head].to_vec();
            if v6 {
                let repr = ipv6::Repr::parse(&ipv6::Packet::new_unchecked(&frame[14..])).unwrap();
                let ip = ipv6::Repr {
                    next_header: IpProtocol::FRAGMENT,
                    payload_len: 8 + data.len(),
                    ..repr
                };
                ip.emit(&mut ipv6::Packet::new_unchecked(&mut f[14..]));
                let fragment = ipv6ext::Repr::Fragment {
                    next_header: repr.next_header,
                    offset,
                    more_frags: more,
                    ident: u32::from(ident) << 16 | 0xbeef,
                };
                let mut header = [0u8; 8];
                fragment.emit(&mut ipv6ext::Packet::new_unchecked(
                    &mut header[..],
                    ipv6ext::ExtKind::Fragment,
                ));
                f.extend_from_slice(&header);
            } else {
                let repr = ipv4::Repr::parse(&ipv4::Packet::new_unchecked(&frame[14..])).unwrap();
                let ip = ipv4::Repr {
                    ident,
                    dont_frag: false,
                    more_frags: more,
                    frag_offset: offset,
                    payload_len: data.len(),
                    ..repr
                };
                ip.emit(&mut ipv4::Packet::new_unchecked(&mut f[14..]));
            }
            f.extend_from_slice(data);
            f
        })
        .collect()
}

#[test]
fn ipv6_fragments_are_reassembled_as_tshark_does() {
    // A TCP segment over IPv6 in three fragments, the last first; the
    // answer with a Destination Options header after the Fragment header
    // (in the fragmented part); a segment whose first fragment never comes.
    let (c6, s6) = ("[2001:db8::1]:40000", "[2001:db8::2]:9000");
    let body: Vec<u8> = (0..700u32).map(|i| (i % 253) as u8).collect();
    let mut segs = handshake(c6, s6, 1, 1000);
    segs.push(seg(c6, s6, 2, Some(1001), PSH, &body));
    segs.push(seg(s6, c6, 1001, Some(702), PSH, b"got it"));
    segs.push(seg(c6, s6, 702, Some(1007), PSH, &body[..300]));
    let mut fs = frames(&segs);
    let whole = fs.remove(3);
    let mut answer = fs.remove(3);
    let lost = fs.remove(3);
    // Destination Options (Next Header TCP, one PadN option) before TCP.
    answer[20] = 60;
    let len = u16::from_be_bytes([answer[18], answer[19]]) + 8;
    answer[18..20].copy_from_slice(&len.to_be_bytes());
    answer.splice(54..54, [6, 0, 1, 4, 0, 0, 0, 0]);
    fs.splice(3..3, fragmented(&whole, 7, 256, &[2, 0, 1]));
    fs.extend(fragmented(&answer, 9, 16, &[0, 2, 1]));
    fs.extend(fragmented(&lost, 8, 128, &[1, 2]));
    let f = check("ipv6-fragments", pcap::LINKTYPE_ETHERNET, &fs);
    assert_eq!(f[0].data(Side::Client), &body[..]);
    assert_eq!(f[0].data(Side::Server), b"got it");
    // The packet counts as the frame that completed it (the third).
    assert_eq!(f[0].chunks[0].frame, 6);
}

#[test]
fn ipv4_fragments_are_reassembled_as_tshark_does() {
    // Seed 004's "send anything": a 3,000-byte datagram over a 1,500-byte
    // MTU crosses as three fragments (here the last arrives first); a TCP
    // segment as two; a packet whose last fragment never comes is left out.
    let big: Vec<u8> = (0..3000u32).map(|i| (i % 251) as u8).collect();
    let (a, b) = ("192.168.1.10:50000", "192.168.1.20:8080");
    // An Ethernet frame of one UDP datagram of any size (encapsulate keeps
    // to the MTU, as a socket's send would have the kernel fragment).
    let udp = |src: &str, dst: &str, payload: &[u8]| {
        let (src, dst): (std::net::SocketAddrV4, std::net::SocketAddrV4) =
            (src.parse().unwrap(), dst.parse().unwrap());
        let mut f = encapsulate(&EncapSpec::udp(src, dst, b"")).unwrap().frame;
        let ip = ipv4::Repr {
            payload_len: 8 + payload.len(),
            ..ipv4::Repr::parse(&ipv4::Packet::new_unchecked(&f[14..])).unwrap()
        };
        f.truncate(34);
        f.resize(42 + payload.len(), 0);
        ip.emit(&mut ipv4::Packet::new_unchecked(&mut f[14..]));
        let repr = netlab_core::packet::udp::Repr {
            src_port: src.port(),
            dst_port: dst.port(),
        };
        let pseudo = PseudoHeader::V4 {
            src: *src.ip(),
            dst: *dst.ip(),
        };
        repr.emit(
            &mut netlab_core::packet::udp::Packet::new_unchecked(&mut f[34..]),
            pseudo,
            payload,
        );
        f
    };
    let mut frames = vec![udp(a, b, b"small")];
    // Two packets wait at once: the second's first fragment, then the
    // first's three (last first), then the second's last; a third packet
    // never completes.
    let second = fragmented(&udp(a, b, &big[..2000]), 8, 1480, &[0, 1]);
    frames.push(second[0].clone());
    frames.extend(fragmented(&udp(a, b, &big), 7, 1480, &[2, 1, 0]));
    frames.push(udp(b, a, b"got it"));
    frames.push(second[1].clone());
    frames.extend(fragmented(&udp(a, b, &big[..2000]), 9, 1480, &[0]));
    let dir = TempDir::new("follow");
    let path = dir.write(
        "fragments.pcap",
        &pcap::write(
            &frames
                .into_iter()
                .map(|f| Record::new(0, f))
                .collect::<Vec<_>>(),
        )
        .unwrap(),
    );
    let f = check_file_of("fragments", &path, Transport::Udp);
    let sizes: Vec<(usize, usize)> = f[0].chunks.iter().map(|c| (c.frame, c.len)).collect();
    assert_eq!(sizes, [(1, 5), (5, 3000), (6, 6), (7, 2000)]);
    assert_eq!(&f[0].data(Side::Client)[5..3005], &big[..]);

    // TCP: the client's handshake, then a 2,000-byte segment in two fragments.
    let mut segs = handshake(C, S, 10, 20);
    segs.push(seg(C, S, 11, Some(21), PSH, &big[..2000]));
    let mut frames = self::frames(&segs[..3]);
    frames.extend(fragmented(&frame(&segs[3], false), 9, 1024, &[0, 1]));
    let path = dir.write(
        "tcp-fragments.pcap",
        &pcap::write(
            &frames
                .into_iter()
                .map(|f| Record::new(0, f))
                .collect::<Vec<_>>(),
        )
        .unwrap(),
    );
    let f = check_file("tcp fragments", &path);
    assert_eq!(f[0].data(Side::Client), &big[..2000]);
    assert_eq!(f[0].chunks[0].frame, 5);
}
