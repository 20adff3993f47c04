//! Follow a TCP stream: the bytes each side of a connection sent, put
//! back in order from a capture, as Wireshark's "Follow TCP Stream" (and
//! `tshark -z follow,tcp,raw,N`) shows them, with where each segment's
//! bytes landed in the stream.
//!
//! This is the seeds' 粘包 (seed 000 §6) seen in a real capture: the
//! client's two `send()` calls may cross the wire as one segment, and one
//! `send()` may cross as several, because TCP carries a stream of bytes and
//! not messages. [`Follow::messages`] then cuts each side's stream by the
//! framing the program uses (a `struct` length prefix, or a delimiter) and
//! says which frames each message came in and which messages shared a
//! segment. UDP conversations are followed too ([`follow_udp`]): there
//! each datagram is one message, the contrast the seeds draw (seed 003
//! §8.2.3: UDP has no 粘包).
//!
//! The reassembly is tshark's (its `follow_tcp_tap_listener`): each side's
//! stream starts at the sequence number of the first segment seen from it
//! (after the SYN); a segment that starts there is appended, one that
//! starts later waits until the bytes before it arrive, a retransmission
//! adds only what was not seen yet, and when the other side acknowledges
//! bytes the capture never held, the wait ends and the gap is noted as
//! missing. Streams are numbered as tshark's `tcp.stream`: in order of
//! first appearance, with a new number when a SYN reuses a connection's
//! addresses and ports with a new initial sequence number.
//!
//! IPv4 and IPv6 fragments are put back together first, as tshark does:
//! the packet counts as the frame that completed it (a packet whose
//! fragments never all arrive is left out; for IPv6, the extension headers
//! after the Fragment header are skipped once it is whole). Segments whose
//! TCP header the capture cut are left out.
//!
//! # Examples
//!
//! The seeds' sticky demo: the client sends `b'hello'` and `b'nice'` and
//! both cross in one segment.
//!
//! ```
//! use netlab_core::framing::Delimited;
//! use netlab_core::packet::encap::{EncapSpec, encapsulate};
//! use netlab_core::packet::follow::{self, Side};
//! use netlab_core::packet::pcap::Record;
//!
//! let spec = EncapSpec::tcp("127.0.0.1:53000".parse().unwrap(),
//!                           "127.0.0.1:8001".parse().unwrap(), b"hellonice");
//! let frame = encapsulate(&spec).unwrap().frame;
//! let records = [Record::new(0, frame)];
//! let streams = follow::streams(1, &records);
//! assert_eq!(streams[0].client.to_string(), "127.0.0.1:53000");
//! let f = follow::follow(1, &records, 0).unwrap();
//! assert_eq!(f.data(Side::Client), b"hellonice");
//! assert_eq!(f.chunks[0].frame, 1);
//! ```

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::net::{IpAddr, SocketAddr};

use serde::{Serialize, Serializer};
use thiserror::Error;

use super::dissect::dissect_captured;
use super::field::hex;
use super::hex::{HexError, parse_bytes, parse_hex};
use super::ipv4::IpProtocol;
use super::ipv6ext::{self, ExtKind};
use super::layer::Protocol;
use super::pcap::Record;
use super::{ipv4, ipv6, tcp, udp};
use crate::framing::{
    DEFAULT_MAX_FRAME, DEFAULT_MAX_LINE, Decoder, Delimited, FramingError, LengthPrefix,
};

/// One side of a TCP connection. The client is the side that sent the
/// first packet of the stream the capture holds (tshark's "Node 0"), which
/// is the one that called `connect()` when the capture has the handshake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Client,
    Server,
}

impl Side {
    fn index(self) -> usize {
        match self {
            Self::Client => 0,
            Self::Server => 1,
        }
    }

    /// The other side.
    pub fn other(self) -> Self {
        match self {
            Self::Client => Self::Server,
            Self::Server => Self::Client,
        }
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Client => "client",
            Self::Server => "server",
        })
    }
}

/// The transport a stream runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Transport {
    /// A byte stream: no message boundaries (粘包 is possible).
    Tcp,
    /// Datagrams: each `sendto()` is one datagram, one `recvfrom()`.
    Udp,
}

impl Transport {
    /// The IP protocol number that carries it.
    fn ip_protocol(self) -> IpProtocol {
        match self {
            Self::Tcp => IpProtocol::TCP,
            Self::Udp => IpProtocol::UDP,
        }
    }
}

impl fmt::Display for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Tcp => "TCP",
            Self::Udp => "UDP",
        })
    }
}

fn as_hex<S: Serializer>(data: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&hex(data))
}

fn as_text<S: Serializer>(addr: &SocketAddr, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(addr)
}

/// One TCP connection of a capture (tshark's `tcp.stream`), or one UDP
/// conversation (its `udp.stream`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stream {
    pub protocol: Transport,
    /// tshark's `tcp.stream` (or `udp.stream`) number, from 0.
    pub index: usize,
    /// The side that sent the stream's first packet.
    #[serde(serialize_with = "as_text")]
    pub client: SocketAddr,
    #[serde(serialize_with = "as_text")]
    pub server: SocketAddr,
    /// The frame numbers (from 1, as Wireshark counts) of its packets.
    pub frames: Vec<usize>,
    /// Payload bytes each side put in its segments, retransmissions and
    /// all: `[client, server]`.
    pub segment_bytes: [u64; 2],
    /// Whether the capture holds the client's SYN (never, for UDP).
    pub syn: bool,
    /// Whether either side sent a FIN.
    pub fin: bool,
    /// Whether either side sent a RST.
    pub rst: bool,
}

/// What a run of a side's stream is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChunkKind {
    /// Bytes a segment brought, in the stream at `offset`.
    Data,
    /// Bytes the capture never held, though the other side acknowledged
    /// them (tshark: `[N bytes missing in capture file]`). They are not in
    /// the stream's data; `len` says how many.
    Missing,
    /// Bytes of a segment the capture cut off (its snapshot length, as
    /// `tcpdump -s`): sent, but not saved. Not in the stream's data either.
    Cut,
}

/// A run of one side's stream, in the order the bytes became whole (the
/// order tshark prints them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Chunk {
    /// The frame the bytes came in (for missing bytes: the frame that
    /// showed they were missing).
    pub frame: usize,
    pub side: Side,
    pub kind: ChunkKind,
    /// Where the run starts in the side's data (missing bytes take no
    /// room there: a missing run starts where the next data will).
    pub offset: usize,
    pub len: usize,
    /// Bytes of the segment that were already in the stream (a
    /// retransmission's overlap), left out.
    pub repeated: usize,
    /// The segment arrived before bytes it follows (out of order) and
    /// waited for them.
    pub waited: bool,
}

/// A followed stream: both sides' bytes and where each piece came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Follow {
    pub stream: Stream,
    pub chunks: Vec<Chunk>,
    /// Each side's bytes in order, without the missing ones.
    #[serde(skip)]
    data: [Vec<u8>; 2],
}

impl Follow {
    /// What `side` sent, in order: what the other side's `recv()` calls
    /// return between them.
    pub fn data(&self, side: Side) -> &[u8] {
        self.data.get(side.index()).map_or(&[], Vec::as_slice)
    }

    /// The bytes a chunk brought (none for missing or cut bytes).
    pub fn bytes(&self, chunk: &Chunk) -> &[u8] {
        match chunk.kind {
            ChunkKind::Data => self
                .data(chunk.side)
                .get(chunk.offset..chunk.offset + chunk.len)
                .unwrap_or_default(),
            _ => &[],
        }
    }
}

/// Why a stream cannot be followed, or cut into messages as asked.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FollowError {
    #[error("the capture has no {protocol} stream {index} (it has {count})")]
    NoStream {
        protocol: Transport,
        index: usize,
        count: usize,
    },
    #[error("give a length prefix or a delimiter, not both")]
    TwoFramings,
    #[error(
        "UDP keeps message boundaries: each datagram is one message, what one recvfrom() returns, so it needs no length prefix or delimiter"
    )]
    UdpFraming,
    #[error("length prefix: {0}")]
    LengthPrefix(FramingError),
    #[error("delimiter: {0}")]
    DelimiterText(HexError),
    #[error("delimiter: {0}")]
    Delimiter(FramingError),
}

/// A TCP segment (or UDP datagram) found in a frame.
#[derive(Debug, Clone)]
struct Segment<'a> {
    frame: usize,
    src: SocketAddr,
    dst: SocketAddr,
    seq: u32,
    ack: Option<u32>,
    syn: bool,
    fin: bool,
    rst: bool,
    /// The segment's payload length by the IP header.
    len: u32,
    /// What the capture holds of the payload (owned when the packet was
    /// reassembled from fragments).
    payload: Cow<'a, [u8]>,
}

/// Fragmented packets waited for at once; past this the oldest is dropped.
const MAX_PENDING: usize = 64;

/// Which packet a fragment belongs to: source, destination, what the
/// packet carries (IPv4's Protocol; for IPv6 the Fragment header's Next
/// Header, the first header of the fragmented part), identification.
type PacketKey = (IpAddr, IpAddr, u8, u32);

/// An IPv4 or IPv6 fragment: the packet it belongs to and its piece of
/// the packet's payload (for IPv6, of what follows the Fragment
/// header).
#[derive(Debug, Clone)]
struct Fragment<'a> {
    key: PacketKey,
    /// Where the piece goes in the payload, in bytes.
    at: usize,
    /// More fragments follow (the MF flag).
    more: bool,
    data: &'a [u8],
}

/// What a frame holds of `proto`: a whole segment (or datagram), or an
/// IPv4 fragment of one.
#[derive(Debug, Clone)]
enum Found<'a> {
    Whole(Segment<'a>),
    Fragment(Fragment<'a>),
}

/// The TCP segment (or UDP datagram) of `frame` (numbered `number`), or
/// its IPv4 fragment; `None` if it holds neither whole enough to use.
fn locate(link_type: u32, number: usize, frame: &[u8], proto: Transport) -> Option<Found<'_>> {
    let d = dissect_captured(link_type, frame).ok()?;
    let want = match proto {
        Transport::Tcp => Protocol::Tcp,
        Transport::Udp => Protocol::Udp,
    };
    let upper = d.layers.iter().position(|l| l.protocol == want);
    // The innermost IP header: the one before the transport header, or the
    // last (a fragment after the first has no transport header).
    let ip = d
        .layers
        .get(..upper.unwrap_or(d.layers.len()))?
        .iter()
        .rev()
        .find(|l| {
            matches!(l.protocol, Protocol::Ipv4 | Protocol::Ipv6) && l.name == l.protocol.name()
        })?;
    let ip_bytes = frame.get(ip.offset..)?;
    let (src, dst, ip_end) = match ip.protocol {
        Protocol::Ipv4 => {
            if ip_bytes.len() < 20 {
                return None;
            }
            let p = ipv4::Packet::new_unchecked(ip_bytes);
            let (src, dst) = (IpAddr::V4(p.src_addr()), IpAddr::V4(p.dst_addr()));
            let end = ip.offset + usize::from(p.total_len());
            if p.more_frags() || p.frag_offset() != 0 {
                let carried = proto.ip_protocol();
                if p.protocol() != carried {
                    return None;
                }
                let start = ip.offset + usize::from(p.header_len());
                let data = frame.get(start.min(frame.len())..end.min(frame.len()))?;
                return Some(Found::Fragment(Fragment {
                    key: (src, dst, carried.0, u32::from(p.ident())),
                    at: usize::from(p.frag_offset()) * 8,
                    more: p.more_frags(),
                    data,
                }));
            }
            (src, dst, end)
        }
        _ => {
            if ip_bytes.len() < 40 {
                return None;
            }
            let p = ipv6::Packet::new_unchecked(ip_bytes);
            let end = ip.offset + 40 + usize::from(p.payload_len());
            let (src, dst) = (IpAddr::V6(p.src_addr()), IpAddr::V6(p.dst_addr()));
            if upper.is_none() {
                // No transport header: a fragment, if a Fragment header
                // in the chain says so.
                let packet = frame.get(ip.offset..end.min(frame.len()))?;
                let (key, at, more, data) = ipv6_fragment(packet, (src, dst), proto)?;
                return Some(Found::Fragment(Fragment {
                    key,
                    at,
                    more,
                    data,
                }));
            }
            (src, dst, end)
        }
    };
    let upper_at = d.layers.get(upper?)?.offset;
    let data = frame.get(upper_at.min(frame.len())..ip_end.min(frame.len()))?;
    let declared = ip_end.checked_sub(upper_at)?;
    transport(number, (src, dst), Cow::Borrowed(data), declared, proto).map(Found::Whole)
}

/// The fragment an IPv6 `packet` (what the capture holds of it) is, if its
/// extension headers hold a Fragment header with an offset or the M flag
/// and the packet may carry `proto`:
/// its packet's key, its place, whether more follow, and its bytes after
/// the Fragment header.
fn ipv6_fragment(
    packet: &[u8],
    (src, dst): (IpAddr, IpAddr),
    proto: Transport,
) -> Option<(PacketKey, usize, bool, &[u8])> {
    let mut nh = ipv6::Packet::new_checked(packet).ok()?.next_header();
    let mut at = ipv6::HEADER_LEN;
    for _ in 0..ipv6ext::MAX_CHAIN {
        let kind = ExtKind::from_next_header(nh)?;
        let h = ipv6ext::Packet::new_checked(packet.get(at..)?, kind).ok()?;
        if kind == ExtKind::Fragment {
            let carried = h.next_header();
            // Not a fragment; or one of a packet that carries another protocol.
            if h.frag_offset() == 0 && !h.more_frags()
                || ExtKind::from_next_header(carried).is_none() && carried != proto.ip_protocol()
            {
                return None;
            }
            let data = packet.get(at + h.header_len()..)?;
            let key = (src, dst, carried.0, h.ident());
            return Some((key, usize::from(h.frag_offset()) * 8, h.more_frags(), data));
        }
        nh = h.next_header();
        at += h.header_len();
    }
    None
}

/// Where the transport header starts in a reassembled IPv6 payload whose
/// first header is `nh` (extension headers may follow the Fragment
/// header), and the protocol found there.
fn after_extensions(mut nh: IpProtocol, payload: &[u8]) -> Option<(IpProtocol, usize)> {
    let mut at = 0;
    for _ in 0..ipv6ext::MAX_CHAIN {
        let Some(kind) = ExtKind::from_next_header(nh) else {
            return Some((nh, at));
        };
        let h = ipv6ext::Packet::new_checked(payload.get(at..)?, kind).ok()?;
        nh = h.next_header();
        at += h.header_len();
    }
    None
}

/// The segment (or datagram) in `data`, an IP packet's payload from the
/// transport header on (what the capture holds of its `declared` bytes).
fn transport<'a>(
    number: usize,
    (src, dst): (IpAddr, IpAddr),
    data: Cow<'a, [u8]>,
    declared: usize,
    proto: Transport,
) -> Option<Segment<'a>> {
    let (src_port, dst_port, start, end, tcp) = match proto {
        Transport::Tcp => {
            if data.len() < 20 {
                return None;
            }
            let t = tcp::Packet::new_unchecked(&data[..]);
            let head = (
                t.seq_number(),
                t.ack().then(|| t.ack_number()),
                t.syn(),
                t.fin(),
                t.rst(),
            );
            let start = usize::from(t.header_len());
            (t.src_port(), t.dst_port(), start, declared, Some(head))
        }
        Transport::Udp => {
            if data.len() < udp::HEADER_LEN {
                return None;
            }
            let u = udp::Packet::new_unchecked(&data[..]);
            // The datagram ends where its Length says (as tshark reads it),
            // within the IP packet.
            let end = usize::from(u.len()).min(declared);
            (u.src_port(), u.dst_port(), udp::HEADER_LEN, end, None)
        }
    };
    let len = end.checked_sub(start)?;
    let range = start.min(data.len())..end.min(data.len());
    let payload = match data {
        Cow::Borrowed(b) => Cow::Borrowed(b.get(range)?),
        Cow::Owned(mut v) => {
            v.truncate(range.end);
            v.drain(..range.start);
            Cow::Owned(v)
        }
    };
    let (seq, ack, syn, fin, rst) = tcp.unwrap_or((0, None, false, false, false));
    Some(Segment {
        frame: number,
        src: SocketAddr::new(src, src_port),
        dst: SocketAddr::new(dst, dst_port),
        seq,
        ack,
        syn,
        fin,
        rst,
        len: u32::try_from(len).ok()?,
        payload,
    })
}

/// The payload of a fragmented packet once `pieces` (in offset order)
/// cover it from byte 0 to the end of the last fragment (the one without
/// MF), else `None`. Where pieces overlap, the one further on wins (at
/// the same offset, the later).
fn reassemble(pieces: &[Fragment<'_>]) -> Option<Vec<u8>> {
    let last = pieces.iter().find(|f| !f.more)?;
    let total = last.at + last.data.len();
    let mut covered = 0;
    for f in pieces {
        if f.at > covered {
            return None;
        }
        covered = covered.max(f.at + f.data.len());
    }
    if covered < total {
        return None;
    }
    let mut out = vec![0; total];
    for f in pieces {
        let end = (f.at + f.data.len()).min(total);
        if let (Some(dst), Some(src)) = (
            out.get_mut(f.at..end),
            f.data.get(..end.saturating_sub(f.at)),
        ) {
            dst.copy_from_slice(src);
        }
    }
    Some(out)
}

/// The connection a segment belongs to, the same whichever way it goes.
fn key(a: SocketAddr, b: SocketAddr) -> (SocketAddr, SocketAddr) {
    if a <= b { (a, b) } else { (b, a) }
}

/// Every TCP segment (or UDP datagram) of the capture with the stream it
/// belongs to.
fn assign<'a>(
    link_type: u32,
    records: &'a [Record],
    proto: Transport,
) -> (Vec<Stream>, Vec<(usize, Segment<'a>)>) {
    let mut streams: Vec<Stream> = Vec::new();
    // The current stream of each connection, and the first sequence number
    // seen from each side of it (tshark's base_seq).
    let mut current: BTreeMap<(SocketAddr, SocketAddr), usize> = BTreeMap::new();
    let mut base: Vec<[Option<u32>; 2]> = Vec::new();
    let mut segments = Vec::new();
    // IPv4 fragments waiting for the rest of their packet, oldest first,
    // for at most MAX_PENDING packets (a capture of fragments that never
    // complete cannot make each lookup slow).
    let mut fragments: Vec<(PacketKey, Vec<Fragment<'a>>)> = Vec::new();
    for (i, record) in records.iter().enumerate() {
        let seg = match locate(link_type, i + 1, &record.data, proto) {
            None => continue,
            Some(Found::Whole(seg)) => seg,
            Some(Found::Fragment(f)) => {
                let key = f.key;
                let packet = match fragments.iter().position(|(k, _)| *k == key) {
                    Some(packet) => packet,
                    None => {
                        if fragments.len() == MAX_PENDING {
                            fragments.remove(0);
                        }
                        fragments.push((key, Vec::new()));
                        fragments.len() - 1
                    }
                };
                let Some((_, pieces)) = fragments.get_mut(packet) else {
                    continue;
                };
                // In offset order (no sort: a few pieces, arriving mostly in order).
                let place = pieces
                    .iter()
                    .position(|p| p.at > f.at)
                    .unwrap_or(pieces.len());
                pieces.insert(place, f);
                // Whole with this fragment, the packet counts as this
                // frame's, as in tshark ("Reassembled IPv4 in frame").
                let Some(payload) = reassemble(pieces) else {
                    continue;
                };
                fragments.remove(packet);
                let mut payload = payload;
                if key.0.is_ipv6() {
                    // What follows the Fragment header: maybe more
                    // extension headers, then the transport header.
                    match after_extensions(IpProtocol(key.2), &payload) {
                        Some((carried, at)) if carried == proto.ip_protocol() => {
                            payload.drain(..at);
                        }
                        _ => continue,
                    }
                }
                let declared = payload.len();
                let Some(seg) =
                    transport(i + 1, (key.0, key.1), Cow::Owned(payload), declared, proto)
                else {
                    continue;
                };
                seg
            }
        };
        let k = key(seg.src, seg.dst);
        let existing = current.get(&k).copied().filter(|&s| {
            // A new connection on the same ports: a SYN (no ACK) whose
            // sequence number is not the one this side started with.
            let side = side_of(&streams[s], seg.src);
            !(seg.syn && seg.ack.is_none() && base[s][side.index()].is_some_and(|b| b != seg.seq))
        });
        let index = match existing {
            Some(s) => s,
            None => {
                let s = streams.len();
                streams.push(Stream {
                    protocol: proto,
                    index: s,
                    client: seg.src,
                    server: seg.dst,
                    frames: Vec::new(),
                    segment_bytes: [0; 2],
                    syn: false,
                    fin: false,
                    rst: false,
                });
                base.push([None; 2]);
                current.insert(k, s);
                s
            }
        };
        let stream = &mut streams[index];
        let side = side_of(stream, seg.src);
        base[index][side.index()].get_or_insert(seg.seq);
        stream.frames.push(seg.frame);
        stream.segment_bytes[side.index()] += u64::from(seg.len);
        stream.syn |= seg.syn && side == Side::Client;
        stream.fin |= seg.fin;
        stream.rst |= seg.rst;
        segments.push((index, seg));
    }
    (streams, segments)
}

fn side_of(stream: &Stream, src: SocketAddr) -> Side {
    if src == stream.client {
        Side::Client
    } else {
        Side::Server
    }
}

/// The TCP streams of a capture of `link_type` (1 for Ethernet, 113 or
/// 276 for Linux cooked captures), in tshark's `tcp.stream` order.
pub fn streams(link_type: u32, records: &[Record]) -> Vec<Stream> {
    assign(link_type, records, Transport::Tcp).0
}

/// The UDP conversations of a capture, in tshark's `udp.stream` order (in
/// order of first appearance, one per pair of addresses and ports).
pub fn udp_streams(link_type: u32, records: &[Record]) -> Vec<Stream> {
    assign(link_type, records, Transport::Udp).0
}

/// Follows UDP conversation `index`: every datagram whole, in capture
/// order, one chunk each (tshark's `-z follow,udp,raw,<index>`). UDP keeps
/// boundaries: each chunk is what one `recvfrom()` returns.
///
/// # Errors
///
/// [`FollowError::NoStream`] when the capture has fewer UDP streams.
pub fn follow_udp(link_type: u32, records: &[Record], index: usize) -> Result<Follow, FollowError> {
    let (mut f, datagrams) = start(link_type, records, Transport::Udp, index)?;
    for d in &datagrams {
        let side = side_of(&f.stream, d.src);
        if !d.payload.is_empty() {
            push_data(&mut f, side, d.frame, &d.payload, 0, false);
        }
        push_cut(&mut f, side, d.frame, d.len, d.payload.len());
    }
    Ok(f)
}

/// Stream `index` of `proto` with nothing followed yet, and its segments
/// (or datagrams) in capture order.
fn start(
    link_type: u32,
    records: &[Record],
    proto: Transport,
    index: usize,
) -> Result<(Follow, Vec<Segment<'_>>), FollowError> {
    let (streams, segments) = assign(link_type, records, proto);
    let stream = streams.get(index).cloned().ok_or(FollowError::NoStream {
        protocol: proto,
        index,
        count: streams.len(),
    })?;
    let mine = segments
        .into_iter()
        .filter(|(s, _)| *s == index)
        .map(|(_, seg)| seg)
        .collect();
    let f = Follow {
        stream,
        chunks: Vec::new(),
        data: [Vec::new(), Vec::new()],
    };
    Ok((f, mine))
}

/// Sequence-number comparison modulo 2^32 (RFC 1982), as tshark's LT_SEQ.
fn before(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) < 0
}

/// A segment that arrived ahead of bytes it follows.
#[derive(Debug)]
struct Waiting {
    frame: usize,
    seq: u32,
    data: Vec<u8>,
}

/// One side's reassembly: tshark's follow state for that side.
#[derive(Debug, Default)]
struct Reassembly {
    /// The next sequence number the stream needs; `None` until the side's
    /// first segment.
    next: Option<u32>,
    waiting: Vec<Waiting>,
}

/// Follows stream `index` of the capture: tshark's
/// `-z follow,tcp,raw,<index>`.
///
/// # Errors
///
/// [`FollowError::NoStream`] when the capture has fewer streams.
pub fn follow(link_type: u32, records: &[Record], index: usize) -> Result<Follow, FollowError> {
    let (mut f, segments) = start(link_type, records, Transport::Tcp, index)?;
    let mut sides = [Reassembly::default(), Reassembly::default()];
    for seg in &segments {
        let side = side_of(&f.stream, seg.src);
        // This segment's ACK may show the other side's waiting bytes were
        // received after a gap the capture missed.
        if let Some(ack) = seg.ack {
            let other = side.other();
            while release(
                &mut f,
                &mut sides[other.index()],
                other,
                Some(ack),
                seg.frame,
            ) {}
        }
        let mut seq = seg.seq;
        if seg.syn {
            seq = seq.wrapping_add(1);
        }
        let r = &mut sides[side.index()];
        let next = *r.next.get_or_insert(seq);
        let mut data: &[u8] = &seg.payload;
        let mut len = seg.len;
        let mut repeated = 0;
        if before(seq, next) {
            let end = seq.wrapping_add(len);
            if before(next, end) {
                let skip = next.wrapping_sub(seq);
                let skip_bytes = usize::try_from(skip).unwrap_or(usize::MAX);
                repeated = skip_bytes.min(data.len());
                data = data.get(skip_bytes..).unwrap_or_default();
                seq = next;
                len = end.wrapping_sub(next);
            }
        }
        if data.is_empty() || before(seq, next) {
            continue;
        }
        if seq == next {
            r.next = Some(next.wrapping_add(len));
            push_data(&mut f, side, seg.frame, data, repeated, false);
            push_cut(&mut f, side, seg.frame, len, data.len());
            while release(&mut f, &mut sides[side.index()], side, None, seg.frame) {}
        } else {
            r.waiting.push(Waiting {
                frame: seg.frame,
                seq,
                data: data.to_vec(),
            });
        }
    }
    Ok(f)
}

fn push_data(f: &mut Follow, side: Side, frame: usize, data: &[u8], repeated: usize, waited: bool) {
    let buf = &mut f.data[side.index()];
    f.chunks.push(Chunk {
        frame,
        side,
        kind: ChunkKind::Data,
        offset: buf.len(),
        len: data.len(),
        repeated,
        waited,
    });
    buf.extend_from_slice(data);
}

/// The bytes of a segment (or datagram) of `len` bytes the capture cut off
/// after the `captured` it holds, if any.
fn push_cut(f: &mut Follow, side: Side, frame: usize, len: u32, captured: usize) {
    let cut = usize::try_from(len)
        .unwrap_or(usize::MAX)
        .saturating_sub(captured);
    if cut > 0 {
        push_gap(f, side, frame, ChunkKind::Cut, cut);
    }
}

fn push_gap(f: &mut Follow, side: Side, frame: usize, kind: ChunkKind, len: usize) {
    let offset = f.data[side.index()].len();
    f.chunks.push(Chunk {
        frame,
        side,
        kind,
        offset,
        len,
        repeated: 0,
        waited: false,
    });
}

/// tshark's `check_follow_fragments`: appends the first waiting segment
/// that now fits (trimming what was seen), or, given the other side's
/// `ack` beyond the lowest waiting byte, declares the gap before it
/// missing. True if it changed anything.
fn release(f: &mut Follow, r: &mut Reassembly, side: Side, ack: Option<u32>, frame: usize) -> bool {
    let (Some(next), Some(first)) = (r.next, r.waiting.first()) else {
        return false;
    };
    let mut lowest = first.seq;
    for i in 0..r.waiting.len() {
        let w = &r.waiting[i];
        if before(w.seq, lowest) {
            lowest = w.seq;
        }
        if before(w.seq, next) {
            let w = r.waiting.remove(i);
            let end = w
                .seq
                .wrapping_add(u32::try_from(w.data.len()).unwrap_or(u32::MAX));
            if before(next, end) {
                let skip = usize::try_from(next.wrapping_sub(w.seq)).unwrap_or(usize::MAX);
                if let Some(rest) = w.data.get(skip..) {
                    push_data(f, side, w.frame, rest, skip, true);
                }
                r.next = Some(end);
            }
            return true;
        }
        if w.seq == next {
            let w = r.waiting.remove(i);
            push_data(f, side, w.frame, &w.data, 0, true);
            let len = u32::try_from(w.data.len()).unwrap_or(u32::MAX);
            r.next = Some(next.wrapping_add(len));
            return true;
        }
    }
    if let Some(ack) = ack
        && before(lowest, ack)
    {
        let gap = usize::try_from(lowest.wrapping_sub(next)).unwrap_or(usize::MAX);
        push_gap(f, side, frame, ChunkKind::Missing, gap);
        r.next = Some(lowest);
        return true;
    }
    false
}

/// How a program frames its messages in the stream.
#[derive(Debug, Clone)]
pub enum Framing {
    /// A `struct` length header before each message (seed 000 §6.7).
    LengthPrefix(LengthPrefix),
    /// A delimiter after each message.
    Delimited(Delimited),
}

impl Framing {
    /// A length header packed by the struct `format` (`i`, `!I`, `>H`…),
    /// messages of at most [`DEFAULT_MAX_FRAME`] bytes.
    ///
    /// # Errors
    ///
    /// The format is not one integer code.
    pub fn length_prefix(format: &str) -> Result<Self, FramingError> {
        LengthPrefix::new(format, DEFAULT_MAX_FRAME).map(Self::LengthPrefix)
    }

    /// Messages ended by `delimiter`, at most [`DEFAULT_MAX_LINE`] bytes.
    ///
    /// # Errors
    ///
    /// The delimiter is empty.
    pub fn delimiter(delimiter: &[u8]) -> Result<Self, FramingError> {
        Delimited::new(delimiter, DEFAULT_MAX_LINE).map(Self::Delimited)
    }

    /// The framing a learner asks for in text, as `netlab follow` and the
    /// playground take it: a struct format for the length prefix, or a
    /// delimiter with Python's escapes (`\n`, `\r\n`, `|`; `b'…'` and hex
    /// after `0x` too). Neither is no framing.
    ///
    /// # Errors
    ///
    /// Both are given, the format is not one integer code, or the
    /// delimiter is empty or a bad escape.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::packet::follow::Framing;
    ///
    /// assert!(matches!(Framing::from_args(None, Some(r"\r\n")), Ok(Some(Framing::Delimited(_)))));
    /// assert!(Framing::from_args(Some("ii"), None).is_err());
    /// assert!(Framing::from_args(None, None).unwrap().is_none());
    /// ```
    pub fn from_args(
        length_prefix: Option<&str>,
        delimiter: Option<&str>,
    ) -> Result<Option<Self>, FollowError> {
        match (length_prefix, delimiter) {
            (Some(_), Some(_)) => Err(FollowError::TwoFramings),
            (Some(format), None) => Self::length_prefix(format)
                .map(Some)
                .map_err(FollowError::LengthPrefix),
            (None, Some(text)) => {
                let bytes = match text.strip_prefix("0x") {
                    Some(hex) => parse_hex(hex),
                    None if text.starts_with("b'") || text.starts_with("b\"") => parse_bytes(text),
                    None => parse_bytes(&format!("b'{}'", text.replace('\'', "\\'"))),
                }
                .map_err(FollowError::DelimiterText)?;
                Self::delimiter(&bytes)
                    .map(Some)
                    .map_err(FollowError::Delimiter)
            }
            (None, None) => Ok(None),
        }
    }
}

/// Why a framing stopped before the end of a side's bytes (besides the
/// codec's own errors).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
enum StopError {
    #[error(
        "{len} bytes after byte {at} are missing (frame {frame} acknowledged them, but the capture never held them): past them no message boundary can be found"
    )]
    Missing { len: usize, at: usize, frame: usize },
    #[error(
        "{len} bytes after byte {at} are missing (the capture's snapshot length cut frame {frame}): past them no message boundary can be found"
    )]
    Cut { len: usize, at: usize, frame: usize },
}

/// A chunk with its bytes, for reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChunkReport {
    #[serde(flatten)]
    pub chunk: Chunk,
    /// The chunk's bytes in hex (empty for missing or cut bytes).
    pub hex: String,
}

/// Everything a front end shows of a followed stream: the stream, its
/// chunks with their bytes, each side's whole data, and each side's
/// messages (client first): for TCP those a framing finds, when one is
/// given; for UDP its datagrams, which are its messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub stream: Stream,
    pub chunks: Vec<ChunkReport>,
    pub client_hex: String,
    pub server_hex: String,
    pub messages: Vec<Messages>,
}

/// [`follow`] (or [`follow_udp`]), then each side's messages, as one
/// [`Report`] (what the CLI and the WASM module return).
///
/// # Errors
///
/// [`FollowError::NoStream`] when the capture has fewer streams;
/// [`FollowError::UdpFraming`] when a framing is asked of UDP.
pub fn report(
    link_type: u32,
    records: &[Record],
    protocol: Transport,
    index: usize,
    framing: Option<&Framing>,
) -> Result<Report, FollowError> {
    if protocol == Transport::Udp && framing.is_some() {
        return Err(FollowError::UdpFraming);
    }
    let f = match protocol {
        Transport::Tcp => follow(link_type, records, index)?,
        Transport::Udp => follow_udp(link_type, records, index)?,
    };
    let chunks = f
        .chunks
        .iter()
        .map(|c| ChunkReport {
            chunk: c.clone(),
            hex: hex(f.bytes(c)),
        })
        .collect();
    let messages = match (protocol, framing) {
        (Transport::Udp, _) => vec![f.datagrams(Side::Client), f.datagrams(Side::Server)],
        (Transport::Tcp, Some(framing)) => vec![
            f.messages(Side::Client, framing),
            f.messages(Side::Server, framing),
        ],
        (Transport::Tcp, None) => Vec::new(),
    };
    Ok(Report {
        client_hex: hex(f.data(Side::Client)),
        server_hex: hex(f.data(Side::Server)),
        stream: f.stream,
        chunks,
        messages,
    })
}

/// One message found in a side's stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Message {
    /// From 1, in the side's order.
    pub number: usize,
    /// Where the message's frame (header or delimiter included) starts and
    /// how long it is, in the side's data.
    pub offset: usize,
    pub len: usize,
    /// The message itself, without its header or delimiter (in JSON: its
    /// hex, `body_hex`).
    #[serde(rename = "body_hex", serialize_with = "as_hex")]
    pub body: Vec<u8>,
    /// The frames whose bytes it is made of, in stream order.
    pub frames: Vec<usize>,
    /// Whether one of those frames also carried bytes of another message
    /// (so a reader that takes one `recv()` as one message mixes them).
    pub shares_segment: bool,
}

/// What a framing made of one side's stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Messages {
    pub side: Side,
    pub messages: Vec<Message>,
    /// Bytes at the end that are not a whole message (yet).
    pub leftover: usize,
    /// Why the framing stopped early: a length over the limit, or bytes
    /// missing from the capture (after which no boundary can be trusted).
    pub stopped: Option<String>,
    /// How many messages share a segment with another. Seed 003 §8.2.3
    /// names the two causes of 粘包: the sender's buffering (messages
    /// merged into one segment: this counts them) and the receiver's
    /// (each message in segments of its own, merged in the receive
    /// buffer: this is 0, yet one `recv()` can still return two).
    pub sharing: usize,
}

impl Follow {
    /// Cuts `side`'s stream into messages by `framing`, and says which
    /// frames each came in.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::framing::LengthPrefix;
    /// use netlab_core::packet::encap::{EncapSpec, encapsulate};
    /// use netlab_core::packet::follow::{self, Framing, Side};
    /// use netlab_core::packet::pcap::Record;
    ///
    /// // Seed 000 §6.7's framed fix: both messages in one segment.
    /// let codec = LengthPrefix::seed();
    /// let mut wire = codec.frame(b"hello").unwrap();
    /// wire.extend(codec.frame(b"nice").unwrap());
    /// let spec = EncapSpec::tcp("127.0.0.1:53000".parse().unwrap(),
    ///                           "127.0.0.1:8001".parse().unwrap(), &wire);
    /// let records = [Record::new(0, encapsulate(&spec).unwrap().frame)];
    /// let f = follow::follow(1, &records, 0).unwrap();
    /// let m = f.messages(Side::Client, &Framing::LengthPrefix(codec));
    /// assert_eq!(m.messages[1].body, b"nice");
    /// assert!(m.messages[1].shares_segment);
    /// ```
    pub fn messages(&self, side: Side, framing: &Framing) -> Messages {
        let data = self.data(side);
        // Where the data is whole: up to the first missing run.
        let chunks: Vec<&Chunk> = self.chunks.iter().filter(|c| c.side == side).collect();
        let gap = chunks.iter().find(|c| c.kind != ChunkKind::Data);
        let whole = gap.map_or(data.len(), |c| c.offset);
        let mut out = Messages {
            side,
            messages: Vec::new(),
            leftover: 0,
            stopped: None,
            sharing: 0,
        };
        // The data chunks in stream order, and the first that can still
        // hold bytes of the next message: messages come in order, so each
        // chunk is passed over once.
        let pieces: Vec<&Chunk> = chunks
            .iter()
            .copied()
            .filter(|c| c.kind == ChunkKind::Data)
            .collect();
        let mut first = 0;
        let mut at = 0;
        while at < whole {
            let rest = data.get(at..whole).unwrap_or_default();
            let found: Result<Option<(Vec<u8>, usize)>, FramingError> = match framing {
                Framing::LengthPrefix(codec) => codec
                    .parse(rest)
                    .map(|m| m.map(|(body, used)| (body.to_vec(), used))),
                Framing::Delimited(codec) => {
                    let mut input = rest;
                    codec
                        .decoder()
                        .decode(&mut input)
                        .map(|m| m.map(|body| (body, rest.len() - input.len())))
                }
            };
            match found {
                Ok(Some((body, used))) => {
                    let frames = frames_in(&pieces, &mut first, at, at + used);
                    out.messages.push(Message {
                        number: out.messages.len() + 1,
                        offset: at,
                        len: used,
                        body,
                        frames,
                        shares_segment: false,
                    });
                    at += used;
                }
                Ok(None) => break,
                Err(e) => {
                    out.stopped = Some(e.to_string());
                    break;
                }
            }
        }
        out.leftover = whole - at;
        if let Some(gap) = gap
            && out.stopped.is_none()
        {
            let (len, at, frame) = (gap.len, whole, gap.frame);
            let why = match gap.kind {
                ChunkKind::Cut => StopError::Cut { len, at, frame },
                _ => StopError::Missing { len, at, frame },
            };
            out.stopped = Some(why.to_string());
        }
        // A frame whose bytes went into two messages joined them. Its bytes
        // are one run of the stream, so only a message's last frame can be
        // the next one's first: `joined[i]` says messages i and i + 1 share.
        let joined: Vec<bool> = out
            .messages
            .windows(2)
            .map(|w| {
                w[0].frames
                    .last()
                    .is_some_and(|f| w[1].frames.first() == Some(f))
            })
            .collect();
        for (i, m) in out.messages.iter_mut().enumerate() {
            let before = i.checked_sub(1).and_then(|p| joined.get(p)) == Some(&true);
            m.shares_segment = before || joined.get(i) == Some(&true);
        }
        out.sharing = out.messages.iter().filter(|m| m.shares_segment).count();
        out
    }
}

impl Follow {
    /// A UDP side's datagrams as its messages: one each, from the frame
    /// that carried it (no framing: UDP keeps the boundaries `sendto()`
    /// made).
    pub fn datagrams(&self, side: Side) -> Messages {
        let messages = self
            .chunks
            .iter()
            .filter(|c| c.side == side && c.kind == ChunkKind::Data)
            .enumerate()
            .map(|(i, c)| Message {
                number: i + 1,
                offset: c.offset,
                len: c.len,
                body: self.bytes(c).to_vec(),
                frames: vec![c.frame],
                shares_segment: false,
            })
            .collect();
        Messages {
            side,
            messages,
            leftover: 0,
            stopped: None,
            sharing: 0,
        }
    }
}

/// The frames of the data chunks (in stream order) that overlap
/// `start..end`, looking from `first`, which moves past the chunks that
/// end before `end` (no later message can touch them).
fn frames_in(pieces: &[&Chunk], first: &mut usize, start: usize, end: usize) -> Vec<usize> {
    let mut frames: Vec<usize> = Vec::new();
    while pieces
        .get(*first)
        .is_some_and(|c| c.offset + c.len <= start)
    {
        *first += 1;
    }
    for c in pieces.iter().skip(*first) {
        if c.offset >= end {
            break;
        }
        if frames.last() != Some(&c.frame) {
            frames.push(c.frame);
        }
    }
    frames
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::packet::encap::{EncapSpec, encapsulate};
    use crate::packet::tcp::TcpFlags;
    use proptest::prelude::*;

    const ISN: [u32; 2] = [u32::MAX - 20, 7];

    /// The frame of a segment from `side` carrying `stream[at..at + len]`
    /// of that side's true stream.
    fn frame(side: usize, at: u32, len: u32, ack: Option<u32>, stream: &[u8]) -> Vec<u8> {
        let (c, s) = ("10.0.0.1:5000", "10.0.0.2:80");
        let (src, dst) = if side == 0 { (c, s) } else { (s, c) };
        let start = at as usize;
        let payload = stream.get(start..start + len as usize).unwrap_or_default();
        let mut spec = EncapSpec::tcp(src.parse().unwrap(), dst.parse().unwrap(), payload);
        spec.seq = Some(i64::from(ISN[side].wrapping_add(1).wrapping_add(at)));
        spec.ack = ack.map(|a| i64::from(ISN[1 - side].wrapping_add(1).wrapping_add(a)));
        spec.flags = Some(if ack.is_some() {
            TcpFlags::ACK | TcpFlags::PSH
        } else {
            TcpFlags::PSH
        });
        encapsulate(&spec).unwrap().frame
    }

    proptest! {
        /// Whatever order, overlap, loss and acknowledgment the segments
        /// come in, every data chunk holds the true bytes of its place in
        /// the stream (its offset plus the gaps before it), the chunks
        /// tile the data, and segments in order give the stream whole.
        #[test]
        fn chunks_hold_the_true_stream(
            segs in prop::collection::vec((0usize..2, 0u32..60, 0u32..16, prop::option::of(0u32..80)), 0..24),
            in_order in any::<bool>(),
        ) {
            let streams: [Vec<u8>; 2] = [
                (0..80u8).map(|i| i.wrapping_mul(7)).collect(),
                (0..80u8).map(|i| i.wrapping_mul(13).wrapping_add(1)).collect(),
            ];
            let mut records = Vec::new();
            // The first segment of each side sets where its stream starts:
            // start both at 0 so positions are comparable.
            records.push(Record::new(0, frame(0, 0, 1, None, &streams[0])));
            records.push(Record::new(0, frame(1, 0, 1, Some(1), &streams[1])));
            let mut next = [1u32, 1];
            for &(side, at, len, ack) in &segs {
                let at = if in_order { next[side] } else { at };
                let len = len.min(80 - at.min(80));
                next[side] = at + len;
                records.push(Record::new(0, frame(side, at, len, ack, &streams[side])));
            }
            let f = follow(1, &records, 0).unwrap();
            for side in [Side::Client, Side::Server] {
                let truth = &streams[side.index()];
                let data = f.data(side);
                let mut at = 0;
                let mut gaps = 0;
                for c in f.chunks.iter().filter(|c| c.side == side) {
                    prop_assert_eq!(c.offset, at);
                    match c.kind {
                        ChunkKind::Data => {
                            let pos = c.offset + gaps;
                            prop_assert_eq!(&data[c.offset..c.offset + c.len], &truth[pos..pos + c.len]);
                            at += c.len;
                        }
                        _ => gaps += c.len,
                    }
                }
                prop_assert_eq!(at, data.len());
                if in_order {
                    let end = next[side.index()] as usize;
                    prop_assert_eq!(data, &truth[..end]);
                }
            }
        }

        /// Messages framed by the seeds' length prefix, cut into segments
        /// anywhere: each comes back whole, made of the frames whose
        /// bytes overlap it, and marked as sharing when one of those also
        /// carries another message.
        #[test]
        fn messages_know_their_frames(
            lens in prop::collection::vec(0usize..20, 1..8),
            cuts in prop::collection::vec(1u32..30, 1..12),
        ) {
            let codec = crate::framing::LengthPrefix::seed();
            let bodies: Vec<Vec<u8>> = lens.iter().enumerate().map(|(i, &n)| vec![b'a' + i as u8; n]).collect();
            let mut wire = Vec::new();
            let mut spans = Vec::new();
            for b in &bodies {
                let start = wire.len();
                wire.extend(codec.frame(b).unwrap());
                spans.push(start..wire.len());
            }
            let streams = [wire.clone(), Vec::new()];
            let mut records = Vec::new();
            let mut segments = Vec::new();
            let mut at = 0u32;
            let mut cut = cuts.iter().cycle();
            while (at as usize) < wire.len() {
                let len = (*cut.next().unwrap()).min(wire.len() as u32 - at);
                records.push(Record::new(0, frame(0, at, len, None, &streams[0])));
                segments.push(at as usize..(at + len) as usize);
                at += len;
            }
            let f = follow(1, &records, 0).unwrap();
            prop_assert_eq!(f.data(Side::Client), &wire[..]);
            let m = f.messages(Side::Client, &Framing::LengthPrefix(codec));
            prop_assert_eq!(m.messages.len(), bodies.len());
            let owners = |frame: usize| spans.iter().filter(|s| {
                let seg = &segments[frame - 1];
                s.start < seg.end && seg.start < s.end
            }).count();
            for (msg, (body, span)) in m.messages.iter().zip(bodies.iter().zip(&spans)) {
                prop_assert_eq!(&msg.body, body);
                let frames: Vec<usize> = (1..=segments.len())
                    .filter(|&i| span.start < segments[i - 1].end && segments[i - 1].start < span.end)
                    .collect();
                prop_assert_eq!(&msg.frames, &frames);
                prop_assert_eq!(msg.shares_segment, frames.iter().any(|&i| owners(i) > 1));
            }
        }
    }
}
