//! Building and dissecting a full-size TCP/IPv4/Ethernet frame, beside
//! etherparse doing the same work on the same frame.
//!
//! The frame: Ethernet II (14 bytes), IPv4 without options (20), TCP
//! without options (20) and 1,460 bytes of payload: a 1,500-byte IP packet,
//! the Ethernet MTU, in a 1,514-byte frame (as a capture shows it, no FCS).
//!
//! Build (`packets_build`), each iteration writes one whole frame into a
//! buffer reused from the last iteration, both checksums computed:
//! - `netlab Repr emit`: `ethernet::Repr::emit`, `ipv4::Repr::emit` (header
//!   checksum) and `tcp::Repr::emit` (copies the payload, checksum over the
//!   pseudo-header and segment) into a `[u8; 1514]`: the fast path under
//!   `encapsulate`.
//! - `etherparse PacketBuilder write`: `PacketBuilder::ethernet2(..).ipv4(..)
//!   .tcp(..).ack(..).psh()` then `write` into a `Vec` cleared (capacity
//!   kept) each time; it computes the same two checksums.
//! - `netlab encapsulate (annotated)`: the learner's builder, which also
//!   names every field of every layer, the five steps with their hex, and
//!   the physical layer's bits and Manchester code.
//!
//! Dissect (`packets_dissect`), each iteration reads every header field of
//! the three layers, finds the payload and verifies both checksums:
//! - `netlab Repr parse + verify`: `new_checked` and `Repr::parse` for each
//!   layer, `ipv4::Packet::verify_checksum` and `tcp::Packet::verify_checksum`.
//! - `etherparse SlicedPacket + verify`: `SlicedPacket::from_ethernet`
//!   (zero-copy slices, lengths checked), every field read through the
//!   slices' getters, the IPv4 header checksum recomputed
//!   (`Ipv4Header::calc_header_checksum`) and the TCP one
//!   (`TcpSlice::calc_checksum_ipv4`), each compared with the frame's.
//! - `netlab dissect (annotated)`: the learner's dissector, which names
//!   every field with its offset, value and meaning and hex-encodes the
//!   frame.
//!
//! `cargo bench -p netlab-core --bench packets` (add `NETLAB_CPU_TIME=1`
//! to time with the thread's CPU clock on a busy machine); `cargo xtask bench packets`
//! puts the figures in BENCHMARKS.md.
#![allow(missing_docs, clippy::unwrap_used)]

use std::hint::black_box;
use std::net::{Ipv4Addr, SocketAddrV4};

use criterion::measurement::Measurement;
use criterion::{Criterion, Throughput};
use etherparse::{NetSlice, PacketBuilder, SlicedPacket, TransportSlice};
use netlab_core::mac::MacAddr;
use netlab_core::packet::checksum::PseudoHeader;
use netlab_core::packet::dissect::dissect;
use netlab_core::packet::encap::{EncapSpec, encapsulate};
use netlab_core::packet::ethernet::{self, EtherType};
use netlab_core::packet::ipv4::{self, IpProtocol};
use netlab_core::packet::tcp::{self, TcpFlags};

#[path = "support/cpu.rs"]
mod cpu;

const PAYLOAD_LEN: usize = 1460;
const FRAME_LEN: usize = 14 + 20 + 20 + PAYLOAD_LEN;

const SRC_MAC: [u8; 6] = [0x02, 0, 0, 0, 0, 0x01];
const DST_MAC: [u8; 6] = [0x02, 0, 0, 0, 0, 0x02];
const SRC: Ipv4Addr = Ipv4Addr::new(192, 168, 12, 1);
const DST: Ipv4Addr = Ipv4Addr::new(192, 168, 13, 1);
const SRC_PORT: u16 = 53000;
const DST_PORT: u16 = 9000;
const SEQ: u32 = 0x1234_5678;
const ACK: u32 = 0x0abc_def0;
const WINDOW: u16 = 64240;
const TTL: u8 = 64;
/// etherparse's builder writes identification 0.
const IDENT: u16 = 0;

fn payload() -> Vec<u8> {
    (0..PAYLOAD_LEN).map(|i| (i * 7 + 3) as u8).collect()
}

/// What netlab's emit path writes: the same headers `encapsulate` builds.
struct NetlabFrame {
    eth: ethernet::Repr,
    ip: ipv4::Repr,
    tcp: tcp::Repr,
    pseudo: PseudoHeader,
}

impl NetlabFrame {
    fn new() -> Self {
        Self {
            eth: ethernet::Repr {
                dst_addr: MacAddr(DST_MAC),
                src_addr: MacAddr(SRC_MAC),
                vlan: None,
                ethertype: EtherType::IPV4,
            },
            ip: ipv4::Repr {
                src_addr: SRC,
                dst_addr: DST,
                protocol: IpProtocol::TCP,
                payload_len: 20 + PAYLOAD_LEN,
                ttl: TTL,
                dscp: 0,
                ecn: 0,
                ident: IDENT,
                dont_frag: true,
                more_frags: false,
                frag_offset: 0,
                options: Vec::new(),
            },
            tcp: tcp::Repr {
                src_port: SRC_PORT,
                dst_port: DST_PORT,
                seq_number: SEQ,
                ack_number: ACK,
                flags: TcpFlags(TcpFlags::PSH.0 | TcpFlags::ACK.0),
                window_len: WINDOW,
                urgent_pointer: 0,
                options: Vec::new(),
            },
            pseudo: PseudoHeader::V4 { src: SRC, dst: DST },
        }
    }

    #[inline(never)]
    fn emit(&self, frame: &mut [u8; FRAME_LEN], payload: &[u8]) {
        self.eth
            .emit(&mut ethernet::Frame::new_unchecked(&mut frame[..]));
        let ip_at = ethernet::HEADER_LEN;
        self.ip
            .emit(&mut ipv4::Packet::new_unchecked(&mut frame[ip_at..]));
        let tcp_at = ip_at + ipv4::HEADER_LEN;
        self.tcp.emit(
            &mut tcp::Packet::new_unchecked(&mut frame[tcp_at..]),
            self.pseudo,
            payload,
        );
    }
}

/// etherparse's builder for the same frame.
#[inline(never)]
fn etherparse_write(out: &mut Vec<u8>, payload: &[u8]) {
    out.clear();
    PacketBuilder::ethernet2(SRC_MAC, DST_MAC)
        .ipv4(SRC.octets(), DST.octets(), TTL)
        .tcp(SRC_PORT, DST_PORT, SEQ, WINDOW)
        .ack(ACK)
        .psh()
        .write(out, payload)
        .unwrap();
}

/// Everything both dissectors hand back, to check they agree.
#[derive(Debug, PartialEq, Eq)]
struct Read {
    macs: ([u8; 6], [u8; 6]),
    ethertype: u16,
    ips: (Ipv4Addr, Ipv4Addr),
    ttl: u8,
    ident: u16,
    total_len: u16,
    ports: (u16, u16),
    seq_ack: (u32, u32),
    flags: u16,
    window: u16,
    payload_len: usize,
    checksums_ok: (bool, bool),
}

#[inline(never)]
fn netlab_read(frame: &[u8]) -> Option<Read> {
    let eth_view = ethernet::Frame::new_checked(frame).ok()?;
    let eth = ethernet::Repr::parse(&eth_view).ok()?;
    if eth.ethertype != EtherType::IPV4 {
        return None;
    }
    let ip_view = ipv4::Packet::new_checked(eth_view.payload()).ok()?;
    let ip = ipv4::Repr::parse(&ip_view).ok()?;
    let ip_ok = ip_view.verify_checksum();
    if ip.protocol != IpProtocol::TCP {
        return None;
    }
    let total_len = ip_view.total_len();
    let segment = &ip_view.payload()[..ip.payload_len];
    let tcp_view = tcp::Packet::new_checked(segment).ok()?;
    let tcp = tcp::Repr::parse(&tcp_view).ok()?;
    let tcp_ok = tcp_view.verify_checksum(PseudoHeader::V4 {
        src: ip.src_addr,
        dst: ip.dst_addr,
    });
    Some(Read {
        macs: (eth.src_addr.0, eth.dst_addr.0),
        ethertype: eth.ethertype.0,
        ips: (ip.src_addr, ip.dst_addr),
        ttl: ip.ttl,
        ident: ip.ident,
        total_len,
        ports: (tcp.src_port, tcp.dst_port),
        seq_ack: (tcp.seq_number, tcp.ack_number),
        flags: tcp.flags.0,
        window: tcp.window_len,
        payload_len: tcp_view.payload().len(),
        checksums_ok: (ip_ok, tcp_ok),
    })
}

#[inline(never)]
fn etherparse_read(frame: &[u8]) -> Option<Read> {
    let sliced = SlicedPacket::from_ethernet(frame).ok()?;
    let Some(etherparse::LinkSlice::Ethernet2(eth)) = &sliced.link else {
        return None;
    };
    let Some(NetSlice::Ipv4(ip)) = &sliced.net else {
        return None;
    };
    let Some(TransportSlice::Tcp(tcp)) = &sliced.transport else {
        return None;
    };
    let header = ip.header();
    let ip_ok = header.to_header().calc_header_checksum() == header.header_checksum();
    let tcp_ok = tcp
        .calc_checksum_ipv4(header.source(), header.destination())
        .ok()?
        == tcp.checksum();
    let flags = u16::from(tcp.fin())
        | u16::from(tcp.syn()) << 1
        | u16::from(tcp.rst()) << 2
        | u16::from(tcp.psh()) << 3
        | u16::from(tcp.ack()) << 4
        | u16::from(tcp.urg()) << 5
        | u16::from(tcp.ece()) << 6
        | u16::from(tcp.cwr()) << 7
        | u16::from(tcp.ns()) << 8;
    Some(Read {
        macs: (eth.source(), eth.destination()),
        ethertype: eth.ether_type().0,
        ips: (header.source_addr(), header.destination_addr()),
        ttl: header.ttl(),
        ident: header.identification(),
        total_len: header.total_len(),
        ports: (tcp.source_port(), tcp.destination_port()),
        seq_ack: (tcp.sequence_number(), tcp.acknowledgment_number()),
        flags,
        window: tcp.window_size(),
        payload_len: tcp.payload().len(),
        checksums_ok: (ip_ok, tcp_ok),
    })
}

fn spec(payload: &[u8]) -> EncapSpec {
    EncapSpec {
        src_mac: Some(MacAddr(SRC_MAC)),
        dst_mac: Some(MacAddr(DST_MAC)),
        flags: Some(TcpFlags(TcpFlags::PSH.0 | TcpFlags::ACK.0)),
        seq: Some(i64::from(SEQ)),
        ack: Some(i64::from(ACK)),
        window: Some(i64::from(WINDOW)),
        ttl: Some(i64::from(TTL)),
        ip_id: Some(i64::from(IDENT)),
        ..EncapSpec::tcp(
            SocketAddrV4::new(SRC, SRC_PORT),
            SocketAddrV4::new(DST, DST_PORT),
            payload,
        )
    }
}

/// The three builders write the same bytes, and both readers read them
/// the same way; checked before anything is timed.
fn agree(payload: &[u8]) -> Vec<u8> {
    let mut ours = [0u8; FRAME_LEN];
    NetlabFrame::new().emit(&mut ours, payload);
    let mut theirs = Vec::new();
    etherparse_write(&mut theirs, payload);
    assert_eq!(ours.len(), 1514);
    let first_difference = |a: &[u8], b: &[u8]| a.iter().zip(b).position(|(x, y)| x != y);
    assert_eq!(ours.len(), theirs.len());
    assert_eq!(
        first_difference(&ours, &theirs),
        None,
        "netlab and etherparse build the same frame"
    );
    let built = encapsulate(&spec(payload)).unwrap();
    assert_eq!(
        first_difference(&built.frame, &theirs),
        None,
        "encapsulate builds the same frame"
    );
    let a = netlab_read(&ours).unwrap();
    assert_eq!(Some(&a), etherparse_read(&ours).as_ref());
    assert_eq!(a.checksums_ok, (true, true));
    assert_eq!(a.payload_len, PAYLOAD_LEN);
    let d = dissect(&ours);
    assert!(d.findings.is_empty(), "{:?}", d.findings);
    // A wrong checksum is seen by both.
    let mut bad = ours;
    bad[FRAME_LEN - 1] ^= 0xff;
    assert_eq!(netlab_read(&bad).unwrap().checksums_ok, (true, false));
    assert_eq!(etherparse_read(&bad).unwrap().checksums_ok, (true, false));
    theirs
}

fn build<M: Measurement>(c: &mut Criterion<M>) {
    let payload = payload();
    let frame = agree(&payload);
    let mut group = c.benchmark_group("packets_build");
    group.throughput(Throughput::Elements(1));
    let ours = NetlabFrame::new();
    let mut buf = [0u8; FRAME_LEN];
    group.bench_function("netlab Repr emit", |b| {
        b.iter(|| {
            ours.emit(black_box(&mut buf), black_box(&payload));
            black_box(&buf);
        })
    });
    let mut out = Vec::with_capacity(FRAME_LEN);
    group.bench_function("etherparse PacketBuilder write", |b| {
        b.iter(|| {
            etherparse_write(black_box(&mut out), black_box(&payload));
            black_box(&out);
        })
    });
    let spec = spec(&payload);
    group.bench_function("netlab encapsulate (annotated)", |b| {
        b.iter(|| black_box(encapsulate(black_box(&spec))))
    });
    group.finish();
    black_box(frame);
}

fn parse<M: Measurement>(c: &mut Criterion<M>) {
    let payload = payload();
    let frame = agree(&payload);
    let mut group = c.benchmark_group("packets_dissect");
    group.throughput(Throughput::Elements(1));
    group.bench_function("netlab Repr parse + verify", |b| {
        b.iter(|| black_box(netlab_read(black_box(&frame))))
    });
    group.bench_function("etherparse SlicedPacket + verify", |b| {
        b.iter(|| black_box(etherparse_read(black_box(&frame))))
    });
    group.bench_function("netlab dissect (annotated)", |b| {
        b.iter(|| black_box(dissect(black_box(&frame))))
    });
    group.finish();
}

/// Following a TCP stream: a capture of one connection, 1,000 segments of
/// 100 bytes from the client, each acknowledged by the server (2,000
/// frames), as the Dissector's follow section reads it.
fn follow_stream<M: Measurement>(c: &mut Criterion<M>) {
    use netlab_core::packet::encap::{EncapSpec, encapsulate};
    use netlab_core::packet::follow::{self, Framing, Side};
    use netlab_core::packet::pcap::Record;
    use netlab_core::packet::tcp::TcpFlags;

    let (client, server) = ("10.0.0.1:50000", "10.0.0.2:8001");
    let mut records = Vec::new();
    for i in 0..1000i64 {
        let payload = vec![b'a' + (i % 26) as u8; 100];
        let mut data = EncapSpec::tcp(client.parse().unwrap(), server.parse().unwrap(), &payload);
        data.seq = Some(1 + i * 100);
        data.ack = Some(1);
        records.push(Record::new(0, encapsulate(&data).unwrap().frame));
        let mut ack = EncapSpec::tcp(server.parse().unwrap(), client.parse().unwrap(), b"");
        ack.seq = Some(1);
        ack.ack = Some(1 + (i + 1) * 100);
        ack.flags = Some(TcpFlags::ACK);
        records.push(Record::new(0, encapsulate(&ack).unwrap().frame));
    }
    let framing = Framing::delimiter(b"\n").unwrap();
    let mut group = c.benchmark_group("follow");
    group.throughput(Throughput::Elements(records.len() as u64));
    group.sample_size(20);
    group.bench_function("2000 frames: streams, then follow and messages", |b| {
        b.iter(|| {
            let streams = follow::streams(1, black_box(&records));
            let f = follow::follow(1, &records, streams[0].index).unwrap();
            black_box(f.messages(Side::Client, &framing))
        })
    });
    group.finish();
}

fn benches<M: Measurement>(mut c: Criterion<M>) {
    build(&mut c);
    parse(&mut c);
    follow_stream(&mut c);
    c.final_summary();
}

/// Wall time, or the thread's CPU time with `NETLAB_CPU_TIME=1`.
fn main() {
    if cpu::wanted() {
        benches(cpu::criterion());
    } else {
        benches(Criterion::default().configure_from_args());
    }
}
