//! The encapsulation builder: the seeds' five steps (seed 000 §3.1) with
//! the real bytes.
//!
//! From a short description ([`EncapSpec`]: the payload, TCP, UDP or
//! ICMP, addresses, ports, flags…) [`encapsulate`] builds an Ethernet II
//! frame with correct IPv4 and TCP/UDP/ICMP checksums and tells it as five
//! steps, top down: the application's data; the transport header (the
//! ports); the network header (the IP addresses); the data link header
//! (the MAC addresses); and the physical layer (preamble, padding, FCS,
//! bits and their Manchester code). Each step names the header it adds,
//! every field of it, its share of the bytes on the wire, and the bytes so
//! far.
//!
//! The annotated layers are not built twice: the finished frame is read
//! back by [`super::dissect::dissect`], so what `encap` shows is exactly
//! what `dissect` would say about the same bytes.
//!
//! # Defaults
//!
//! - MAC addresses `02:00:00:00:00:01` (source) and `02:00:00:00:00:02`
//!   (destination): locally administered (the U/L bit is set), so they
//!   can never be some vendor's real card.
//! - Source port 49152, the first of the dynamic range (RFC 6335) where an
//!   OS picks a client's port; the destination port must be given.
//! - TTL 64 (Linux's default); IP identification 1; Don't Fragment set,
//!   as Linux sets it for path MTU discovery.
//! - TCP: flags PSH, ACK when there is a payload (what `sk.send(b'hello')`
//!   on an open connection sends) and ACK alone without one; sequence and
//!   acknowledgment numbers 1 (the first byte after the handshake, counted
//!   as Wireshark's relative numbers do); window 64240 (44 segments of
//!   1460 bytes, Linux's usual first window).
//! - ICMP: type 8 (echo request), code 0, identifier 1, sequence 1.

use std::fmt;
use std::net::{Ipv4Addr, SocketAddrV4};
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize};
use thiserror::Error;

use super::annotate::Layer;
use super::checksum::PseudoHeader;
use super::dissect::dissect;
use super::ethernet::{self, EtherType};
use super::field::hex;
use super::ipv4::{self, IpProtocol};
use super::layer::{FiveLayer, Protocol};
use super::physical;
use super::tcp::{self, TcpFlags};
use super::{icmpv4, udp};
use crate::mac::MacAddr;

/// The default source MAC: locally administered, so never a vendor's.
pub const DEFAULT_SRC_MAC: MacAddr = MacAddr([0x02, 0, 0, 0, 0, 0x01]);
/// The default destination MAC, for a unicast destination.
pub const DEFAULT_DST_MAC: MacAddr = MacAddr([0x02, 0, 0, 0, 0, 0x02]);

/// The destination MAC when none is given: for a multicast group the
/// group's own (01:00:5e and the address's low 23 bits, RFC 1112 §6.4), for
/// the limited broadcast 255.255.255.255 the broadcast MAC, as a sender's
/// stack writes them without asking ARP; for anything else
/// [`DEFAULT_DST_MAC`], standing in for the next hop ARP would find.
///
/// # Examples
///
/// ```
/// use netlab_core::packet::encap::default_dst_mac;
///
/// assert_eq!(default_dst_mac("224.0.0.251".parse().unwrap()).to_string(), "01:00:5e:00:00:fb");
/// assert_eq!(default_dst_mac("255.255.255.255".parse().unwrap()).to_string(), "ff:ff:ff:ff:ff:ff");
/// assert_eq!(default_dst_mac("192.168.1.2".parse().unwrap()).to_string(), "02:00:00:00:00:02");
/// ```
pub fn default_dst_mac(dst: Ipv4Addr) -> MacAddr {
    if dst.is_multicast() {
        MacAddr::of_ipv4_group(dst)
    } else if dst.is_broadcast() {
        MacAddr::BROADCAST
    } else {
        DEFAULT_DST_MAC
    }
}
/// The default source port: the first dynamic port (RFC 6335).
pub const DEFAULT_SRC_PORT: u16 = 49152;
pub const DEFAULT_TTL: u8 = 64;
pub const DEFAULT_WINDOW: u16 = 64240;

/// What the IP packet carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Transport {
    #[default]
    Tcp,
    Udp,
    Icmp,
}

impl fmt::Display for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Tcp => "TCP",
            Self::Udp => "UDP",
            Self::Icmp => "ICMP",
        })
    }
}

impl FromStr for Transport {
    type Err = EncapError;

    /// `tcp`, `udp` or `icmp`, in any case.
    fn from_str(text: &str) -> Result<Self, EncapError> {
        match text.to_ascii_lowercase().as_str() {
            "tcp" => Ok(Self::Tcp),
            "udp" => Ok(Self::Udp),
            "icmp" => Ok(Self::Icmp),
            _ => Err(EncapError::Proto(text.to_owned())),
        }
    }
}

/// What to build. Numbers are wide on purpose: a learner's port 70000 or
/// TTL 300 reaches [`encapsulate`] and gets an error naming the field,
/// from the CLI and from JavaScript alike.
///
/// Read from JSON (or a JavaScript object) as `netlab encap` reads its
/// options: `src` and `dst` may carry their ports (`"10.0.0.1:5000"`), and
/// the payload may come as hex (`payload_hex`).
///
/// ```
/// use netlab_core::packet::encap::EncapSpec;
///
/// let spec: EncapSpec = serde_json::from_str(
///     r#"{"proto": "udp", "src": "10.0.0.1:5000", "dst": "10.0.0.2", "dst_port": 53, "payload_hex": "00ff"}"#,
/// ).unwrap();
/// assert_eq!((spec.src_port, spec.dst_port), (Some(5000), Some(53)));
/// assert_eq!(spec.payload, [0x00, 0xff]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "EncapInput")]
pub struct EncapSpec {
    pub proto: Transport,
    /// The application's bytes (from JSON: a string, taken as UTF-8, or
    /// an array of bytes).
    pub payload: Vec<u8>,
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
    pub src_port: Option<i64>,
    pub dst_port: Option<i64>,
    #[serde(serialize_with = "as_text")]
    pub src_mac: Option<MacAddr>,
    #[serde(serialize_with = "as_text")]
    pub dst_mac: Option<MacAddr>,
    /// TCP only.
    #[serde(serialize_with = "as_text")]
    pub flags: Option<TcpFlags>,
    pub seq: Option<i64>,
    pub ack: Option<i64>,
    pub window: Option<i64>,
    pub ttl: Option<i64>,
    /// IPv4 identification.
    pub ip_id: Option<i64>,
    /// ICMP only.
    pub icmp_type: Option<i64>,
    pub icmp_code: Option<i64>,
    pub icmp_id: Option<i64>,
    pub icmp_seq: Option<i64>,
}

/// [`EncapSpec`] as JSON gives it: the addresses as `IP[:PORT]` text, the
/// payload as bytes, UTF-8 text or hex, and the other text fields read
/// with the parsers and the messages of `netlab encap`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EncapInput {
    #[serde(default, deserialize_with = "proto_text")]
    proto: Transport,
    #[serde(default, deserialize_with = "payload_given")]
    payload: Option<Vec<u8>>,
    #[serde(default)]
    payload_hex: Option<String>,
    src: String,
    dst: String,
    #[serde(default)]
    src_port: Option<i64>,
    #[serde(default)]
    dst_port: Option<i64>,
    #[serde(default, deserialize_with = "src_mac_text")]
    src_mac: Option<MacAddr>,
    #[serde(default, deserialize_with = "dst_mac_text")]
    dst_mac: Option<MacAddr>,
    #[serde(default, deserialize_with = "flags_text")]
    flags: Option<TcpFlags>,
    #[serde(default)]
    seq: Option<i64>,
    #[serde(default)]
    ack: Option<i64>,
    #[serde(default)]
    window: Option<i64>,
    #[serde(default)]
    ttl: Option<i64>,
    #[serde(default)]
    ip_id: Option<i64>,
    #[serde(default)]
    icmp_type: Option<i64>,
    #[serde(default)]
    icmp_code: Option<i64>,
    #[serde(default)]
    icmp_id: Option<i64>,
    #[serde(default)]
    icmp_seq: Option<i64>,
}

impl TryFrom<EncapInput> for EncapSpec {
    type Error = String;

    fn try_from(input: EncapInput) -> Result<Self, String> {
        let (src, src_port) = parse_endpoint(&input.src, "src")?;
        let (dst, dst_port) = parse_endpoint(&input.dst, "dst")?;
        Ok(Self {
            proto: input.proto,
            payload: payload_of(input.payload, input.payload_hex.as_deref())?,
            src,
            dst,
            src_port: one_port(src_port, input.src_port, "src")?,
            dst_port: one_port(dst_port, input.dst_port, "dst")?,
            src_mac: input.src_mac,
            dst_mac: input.dst_mac,
            flags: input.flags,
            seq: input.seq,
            ack: input.ack,
            window: input.window,
            ttl: input.ttl,
            ip_id: input.ip_id,
            icmp_type: input.icmp_type,
            icmp_code: input.icmp_code,
            icmp_id: input.icmp_id,
            icmp_seq: input.icmp_seq,
        })
    }
}

/// The payload, given as bytes (`--payload`'s text, or JSON's bytes) or
/// as hex (`--payload-hex`), at most one of them; none is empty.
///
/// ```
/// use netlab_core::packet::encap::payload_of;
///
/// assert_eq!(payload_of(None, Some("00 ff")).unwrap(), [0x00, 0xff]);
/// assert!(payload_of(Some(b"x".to_vec()), Some("78")).is_err());
/// ```
pub fn payload_of(bytes: Option<Vec<u8>>, hex: Option<&str>) -> Result<Vec<u8>, String> {
    match (bytes, hex) {
        (Some(_), Some(_)) => Err("give the payload once: payload or payload_hex, not both".into()),
        (Some(bytes), None) => Ok(bytes),
        (None, Some(hex)) => {
            crate::packet::hex::parse_hex(hex).map_err(|e| format!("--payload-hex: {e}"))
        }
        (None, None) => Ok(Vec::new()),
    }
}

/// A port given in `--src IP:PORT` (`in_address`) or as `src_port`
/// (`field`): either, or both if they agree.
fn one_port(
    in_address: Option<i64>,
    field: Option<i64>,
    flag: &str,
) -> Result<Option<i64>, String> {
    match (in_address, field) {
        (Some(a), Some(b)) if a != b => Err(format!(
            "--{flag} names port {a}, but {flag}_port is {b}: give the port once"
        )),
        (a, b) => Ok(a.or(b)),
    }
}

/// `IP[:PORT]`, as `--src` and `--dst` take an endpoint: the IPv4 address
/// (see [`parse_host`]) and the port, if one is given. The port is only
/// read as a number here; its range is [`encapsulate`]'s to check, so the
/// message names the field (`src_port 70000 is out of range`).
///
/// # Examples
///
/// ```
/// use netlab_core::packet::encap::parse_endpoint;
///
/// assert_eq!(parse_endpoint("10.0.0.1:5000", "src").unwrap().1, Some(5000));
/// assert_eq!(parse_endpoint("10.0.0.2", "dst").unwrap().1, None);
/// assert!(parse_endpoint("10.0.0.2:http", "dst").unwrap_err().contains("not a port number"));
/// ```
pub fn parse_endpoint(text: &str, flag: &'static str) -> Result<(Ipv4Addr, Option<i64>), String> {
    let (ip, port) = match text.rsplit_once(':') {
        Some((ip, port)) if !ip.contains(':') && !ip.starts_with('[') => (ip, Some(port)),
        _ => (text, None),
    };
    let ip = parse_host(ip, flag)?;
    let port = port
        .map(|p| {
            p.parse::<i64>()
                .map_err(|_| format!("--{flag}: '{p}' is not a port number"))
        })
        .transpose()?;
    Ok((ip, port))
}

/// The payload as JSON gives it: a string (UTF-8) or bytes.
fn payload_given<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u8>>, D::Error> {
    struct V;
    impl<'de> serde::de::Visitor<'de> for V {
        type Value = Vec<u8>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string or bytes")
        }

        fn visit_str<E>(self, v: &str) -> Result<Vec<u8>, E> {
            Ok(v.as_bytes().to_vec())
        }

        fn visit_bytes<E>(self, v: &[u8]) -> Result<Vec<u8>, E> {
            Ok(v.to_vec())
        }

        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u8>, A::Error> {
            let mut out = Vec::new();
            while let Some(b) = seq.next_element::<u8>()? {
                out.push(b);
            }
            Ok(out)
        }
    }
    d.deserialize_any(V).map(Some)
}

// Text fields read with the parsers and the messages of `netlab encap`,
// and written back as the text they are read from.

fn as_text<S: serde::Serializer, T: fmt::Display>(
    value: &Option<T>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => s.collect_str(v),
        None => s.serialize_none(),
    }
}

/// The IPv4 address of `--src` or `--dst` (`flag`), the message naming the
/// flag; an IPv6 address is said to be one, not counted in dotted parts.
///
/// # Examples
///
/// ```
/// use netlab_core::packet::encap::parse_host;
///
/// assert_eq!(parse_host("10.0.0.1", "src").unwrap().to_string(), "10.0.0.1");
/// assert!(parse_host("2001:db8::1", "dst").unwrap_err().starts_with("--dst: 2001:db8::1 is an IPv6 address"));
/// ```
pub fn parse_host(text: &str, flag: &'static str) -> Result<Ipv4Addr, String> {
    let bare = text
        .trim_start_matches('[')
        .split(']')
        .next()
        .unwrap_or(text);
    if bare.parse::<std::net::Ipv6Addr>().is_ok() {
        return Err(EncapError::Ipv6 {
            flag,
            address: bare.to_owned(),
        }
        .to_string());
    }
    crate::addr::parse_ipv4(text).map_err(|e| format!("--{flag}: {e}"))
}

fn proto_text<'de, D: Deserializer<'de>>(d: D) -> Result<Transport, D::Error> {
    String::deserialize(d)?
        .parse()
        .map_err(|e: EncapError| serde::de::Error::custom(e))
}

fn src_mac_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<MacAddr>, D::Error> {
    text_field(d, "src-mac")
}

fn dst_mac_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<MacAddr>, D::Error> {
    text_field(d, "dst-mac")
}

fn flags_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<TcpFlags>, D::Error> {
    text_field(d, "flags")
}

fn text_field<'de, D: Deserializer<'de>, T>(d: D, flag: &str) -> Result<Option<T>, D::Error>
where
    T: FromStr,
    T::Err: fmt::Display,
{
    Option::<String>::deserialize(d)?
        .map(|s| {
            s.parse()
                .map_err(|e| serde::de::Error::custom(format!("--{flag}: {e}")))
        })
        .transpose()
}

impl EncapSpec {
    /// A spec with every option at its default.
    pub fn new(proto: Transport, src: Ipv4Addr, dst: Ipv4Addr) -> Self {
        Self {
            proto,
            payload: Vec::new(),
            src,
            dst,
            src_port: None,
            dst_port: None,
            src_mac: None,
            dst_mac: None,
            flags: None,
            seq: None,
            ack: None,
            window: None,
            ttl: None,
            ip_id: None,
            icmp_type: None,
            icmp_code: None,
            icmp_id: None,
            icmp_seq: None,
        }
    }

    /// `send(payload)` on a TCP connection from `src` to `dst`.
    pub fn tcp(src: SocketAddrV4, dst: SocketAddrV4, payload: &[u8]) -> Self {
        Self {
            payload: payload.to_vec(),
            src_port: Some(i64::from(src.port())),
            dst_port: Some(i64::from(dst.port())),
            ..Self::new(Transport::Tcp, *src.ip(), *dst.ip())
        }
    }

    /// `sendto(payload, dst)` from a UDP socket bound to `src`.
    pub fn udp(src: SocketAddrV4, dst: SocketAddrV4, payload: &[u8]) -> Self {
        Self {
            proto: Transport::Udp,
            ..Self::tcp(src, dst, payload)
        }
    }

    /// A ping from `src` to `dst` carrying `payload`.
    pub fn icmp(src: Ipv4Addr, dst: Ipv4Addr, payload: &[u8]) -> Self {
        Self {
            payload: payload.to_vec(),
            ..Self::new(Transport::Icmp, src, dst)
        }
    }
}

/// Why a spec cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EncapError {
    /// A number outside its field's range.
    #[error("{field} {value} is out of range ({min}-{max})")]
    OutOfRange {
        field: &'static str,
        value: i64,
        min: i64,
        max: i64,
    },
    /// A field the protocol does not have (ports for ICMP, flags for UDP).
    #[error("{field} does not apply to {proto}: {why}")]
    NotApplicable {
        field: &'static str,
        proto: Transport,
        why: &'static str,
    },
    /// TCP and UDP need to know which program to reach.
    #[error("{proto} needs a destination port (dst_port)")]
    MissingPort { proto: Transport },
    /// An IPv6 address where the builder takes IPv4 only.
    #[error(
        "--{flag}: {address} is an IPv6 address; encap builds IPv4 frames, as the seeds' examples are (dissect reads IPv6)"
    )]
    Ipv6 { flag: &'static str, address: String },
    /// More than Ethernet carries in one UDP or ICMP packet; netlab does
    /// not fragment.
    #[error(
        "a payload of {payload} bytes makes a {packet}-byte IPv4 packet, over Ethernet's MTU of 1500 bytes; \
         netlab does not fragment, so at most {max} bytes of payload fit with {proto}"
    )]
    PayloadTooLarge {
        payload: usize,
        packet: usize,
        max: usize,
        proto: Transport,
    },
    /// More than one TCP segment carries over Ethernet. TCP does not leave
    /// this to IP fragmentation: it cuts a `send()`'s bytes into segments of
    /// at most the MSS, and this builds one segment.
    #[error(
        "a payload of {payload} bytes is more than one TCP segment carries over Ethernet (MSS {max}: \
         the MTU of 1500 minus 20 bytes of IPv4 and 20 of TCP); TCP would cut sk.send()'s bytes into \
         segments of at most {max}, and this builds one, so give at most {max} bytes"
    )]
    SegmentTooLarge { payload: usize, max: usize },
    /// Not one of the protocols.
    #[error("'{0}' is not a protocol netlab builds; use tcp, udp or icmp")]
    Proto(String),
}

/// One step down the stack.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    /// The layer of the seeds' 5-layer model this step happens in.
    pub layer: FiveLayer,
    /// Its number in that model (5 application … 1 physical).
    pub number: u8,
    /// The OSI layer number.
    pub osi: u8,
    /// What the data is called once this step is done (data, segment,
    /// datagram, packet, frame, bits).
    pub pdu: &'static str,
    pub pdu_zh: &'static str,
    /// What happens, in a sentence.
    pub note: String,
    /// The header(s) this step adds, with fields at their frame offsets
    /// (the physical step's at offsets from the first preamble byte).
    pub adds: Vec<Layer>,
    /// Bytes this step adds.
    pub added_bytes: usize,
    /// Bytes so far.
    pub total_bytes: usize,
    /// This step's bytes as a share of all the bytes on the wire, in
    /// percent (one decimal); the shares add up to 100.
    pub share_percent: f64,
    /// The bytes so far, in hex.
    pub hex: String,
}

/// The physical layer's view of the frame.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Physical {
    /// Preamble, SFD, frame, padding and FCS, in hex.
    pub wire_hex: String,
    /// The wire bytes as bits in the order they are sent.
    pub bits: String,
    /// Two half-bit levels per bit (`1` high, `0` low).
    pub manchester: String,
    pub bit_order: &'static str,
    pub encoding: &'static str,
    pub padding: usize,
    /// The FCS as sent, in hex.
    pub fcs: String,
}

/// Where the bytes go.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Overhead {
    pub payload_bytes: usize,
    /// Frame bytes that are headers.
    pub header_bytes: usize,
    pub frame_bytes: usize,
    /// Frame plus preamble, SFD, padding and FCS.
    pub wire_bytes: usize,
    /// Payload as a share of the wire bytes, in percent.
    pub efficiency_percent: f64,
}

/// A built frame, told layer by layer and step by step.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Encapsulation {
    /// The frame's layers, as [`dissect`] reads them.
    pub layers: Vec<Layer>,
    /// The frame as a capture shows it (no preamble, no FCS), in hex.
    pub hex: String,
    /// Application, transport, network, data link, physical.
    pub steps: Vec<Step>,
    pub physical: Physical,
    pub overhead: Overhead,
    /// The frame's bytes.
    #[serde(skip)]
    pub frame: Vec<u8>,
}

fn checked(
    value: Option<i64>,
    field: &'static str,
    max: i64,
    default: i64,
) -> Result<u64, EncapError> {
    let v = value.unwrap_or(default);
    if !(0..=max).contains(&v) {
        return Err(EncapError::OutOfRange {
            field,
            value: v,
            min: 0,
            max,
        });
    }
    Ok(v as u64)
}

fn not_for(
    proto: Transport,
    fields: &[(&'static str, bool)],
    why: &'static str,
) -> Result<(), EncapError> {
    match fields.iter().find(|(_, given)| *given) {
        Some((field, _)) => Err(EncapError::NotApplicable { field, proto, why }),
        None => Ok(()),
    }
}

/// The transport (or ICMP) header, ready to emit.
enum Upper {
    Tcp(tcp::Repr),
    Udp(udp::Repr),
    Icmp(icmpv4::Repr),
}

impl Upper {
    fn header_len(&self) -> usize {
        match self {
            Self::Tcp(r) => r.buffer_len(),
            Self::Udp(r) => r.buffer_len(),
            Self::Icmp(r) => r.buffer_len(),
        }
    }

    fn protocol(&self) -> IpProtocol {
        match self {
            Self::Tcp(_) => IpProtocol::TCP,
            Self::Udp(_) => IpProtocol::UDP,
            Self::Icmp(_) => IpProtocol::ICMP,
        }
    }
}

fn upper(spec: &EncapSpec) -> Result<Upper, EncapError> {
    let proto = spec.proto;
    let tcp_only = [
        ("flags", spec.flags.is_some()),
        ("seq", spec.seq.is_some()),
        ("ack", spec.ack.is_some()),
        ("window", spec.window.is_some()),
    ];
    let icmp_only = [
        ("icmp_type", spec.icmp_type.is_some()),
        ("icmp_code", spec.icmp_code.is_some()),
        ("icmp_id", spec.icmp_id.is_some()),
        ("icmp_seq", spec.icmp_seq.is_some()),
    ];
    match proto {
        Transport::Icmp => {
            not_for(
                proto,
                &[
                    ("src_port", spec.src_port.is_some()),
                    ("dst_port", spec.dst_port.is_some()),
                ],
                "ICMP has no ports; it travels inside IP directly",
            )?;
            not_for(
                proto,
                &tcp_only,
                "only TCP has flags, sequence numbers and a window",
            )?;
            let t = checked(spec.icmp_type, "icmp_type", 255, 8)? as u8;
            let code = checked(spec.icmp_code, "icmp_code", 255, 0)? as u8;
            let id = checked(spec.icmp_id, "icmp_id", 65535, 1)? as u16;
            let seq = checked(spec.icmp_seq, "icmp_seq", 65535, 1)? as u16;
            Ok(Upper::Icmp(icmpv4::Repr::from_numbers(t, code, id, seq)))
        }
        Transport::Tcp | Transport::Udp => {
            not_for(proto, &icmp_only, "ICMP's fields belong to ICMP messages")?;
            if proto == Transport::Udp {
                not_for(
                    proto,
                    &tcp_only,
                    "only TCP has flags, sequence numbers and a window",
                )?;
            }
            let src_port = checked(
                spec.src_port,
                "src_port",
                65535,
                i64::from(DEFAULT_SRC_PORT),
            )? as u16;
            if spec.dst_port.is_none() {
                return Err(EncapError::MissingPort { proto });
            }
            let dst_port = checked(spec.dst_port, "dst_port", 65535, 0)? as u16;
            if proto == Transport::Udp {
                return Ok(Upper::Udp(udp::Repr { src_port, dst_port }));
            }
            let flags = spec.flags.unwrap_or(if spec.payload.is_empty() {
                TcpFlags::ACK
            } else {
                TcpFlags::PSH | TcpFlags::ACK
            });
            Ok(Upper::Tcp(tcp::Repr {
                src_port,
                dst_port,
                seq_number: checked(spec.seq, "seq", i64::from(u32::MAX), 1)? as u32,
                // Without ACK the field means nothing and a sender leaves it
                // 0 (tshark warns about any other value); with ACK, 1.
                ack_number: checked(
                    spec.ack,
                    "ack",
                    i64::from(u32::MAX),
                    i64::from(flags.contains(TcpFlags::ACK)),
                )? as u32,
                flags,
                window_len: checked(spec.window, "window", 65535, i64::from(DEFAULT_WINDOW))?
                    as u16,
                urgent_pointer: 0,
                options: Vec::new(),
            }))
        }
    }
}

/// Builds the frame `spec` describes and tells how it was made.
///
/// # Examples
///
/// ```
/// use netlab_core::packet::encap::{EncapSpec, encapsulate};
///
/// let spec = EncapSpec::tcp("192.168.12.1:53000".parse().unwrap(),
///                           "192.168.13.1:9000".parse().unwrap(), b"hello");
/// let e = encapsulate(&spec).unwrap();
/// let added: Vec<usize> = e.steps.iter().map(|s| s.added_bytes).collect();
/// assert_eq!(added, [5, 20, 20, 14, 13]);
/// assert_eq!(e.frame.len(), 59);
/// let flags = e.layers[2].field("Flags").unwrap();
/// assert_eq!((flags.offset, flags.display.as_str()), (46, "0x018 (PSH, ACK)"));
///
/// let mut bad = spec.clone();
/// bad.ttl = Some(300);
/// assert_eq!(encapsulate(&bad).unwrap_err().to_string(), "ttl 300 is out of range (0-255)");
/// ```
pub fn encapsulate(spec: &EncapSpec) -> Result<Encapsulation, EncapError> {
    let upper = upper(spec)?;
    let ttl = checked(spec.ttl, "ttl", 255, i64::from(DEFAULT_TTL))? as u8;
    let ident = checked(spec.ip_id, "ip_id", 65535, 1)? as u16;
    let payload = &spec.payload;
    let upper_len = upper.header_len() + payload.len();
    let packet_len = ipv4::HEADER_LEN + upper_len;
    if packet_len > ethernet::MTU && spec.proto == Transport::Tcp {
        return Err(EncapError::SegmentTooLarge {
            payload: payload.len(),
            max: ethernet::MTU - ipv4::HEADER_LEN - upper.header_len(),
        });
    }
    if packet_len > ethernet::MTU {
        return Err(EncapError::PayloadTooLarge {
            payload: payload.len(),
            packet: packet_len,
            max: ethernet::MTU - ipv4::HEADER_LEN - upper.header_len(),
            proto: spec.proto,
        });
    }
    let mut frame = vec![0u8; ethernet::HEADER_LEN + packet_len];
    let eth = ethernet::Repr {
        dst_addr: spec.dst_mac.unwrap_or_else(|| default_dst_mac(spec.dst)),
        src_addr: spec.src_mac.unwrap_or(DEFAULT_SRC_MAC),
        vlan: None,
        ethertype: EtherType::IPV4,
    };
    eth.emit(&mut ethernet::Frame::new_unchecked(&mut frame[..]));
    let ip = ipv4::Repr {
        src_addr: spec.src,
        dst_addr: spec.dst,
        protocol: upper.protocol(),
        payload_len: upper_len,
        ttl,
        dscp: 0,
        ecn: 0,
        ident,
        dont_frag: true,
        more_frags: false,
        frag_offset: 0,
        options: Vec::new(),
    };
    let at = ethernet::HEADER_LEN;
    ip.emit(&mut ipv4::Packet::new_unchecked(&mut frame[at..]));
    let seg = &mut frame[at + ipv4::HEADER_LEN..];
    let pseudo = PseudoHeader::V4 {
        src: spec.src,
        dst: spec.dst,
    };
    match &upper {
        Upper::Tcp(r) => r.emit(&mut tcp::Packet::new_unchecked(seg), pseudo, payload),
        Upper::Udp(r) => r.emit(&mut udp::Packet::new_unchecked(seg), pseudo, payload),
        Upper::Icmp(r) => r.emit(&mut icmpv4::Packet::new_unchecked(seg), payload),
    }
    Ok(tell(spec, frame))
}

fn tell(spec: &EncapSpec, frame: Vec<u8>) -> Encapsulation {
    let d = dissect(&frame);
    debug_assert!(d.findings.is_empty(), "{:?}", d.findings);
    let wire = physical::wire(&frame);
    let wire_len = wire.bytes.len();
    let share = |n: usize| (n as f64 * 1000.0 / wire_len as f64).round() / 10.0;
    let find = |p: Protocol| d.layers.iter().filter(move |l| l.protocol == p).cloned();
    let tail = |from: usize| hex(&frame[from..]);

    let payload_len = spec.payload.len();
    let data_at = frame.len() - payload_len;
    let mut steps = Vec::with_capacity(5);
    let step = |layer: FiveLayer,
                pdu: (&'static str, &'static str),
                note: String,
                adds: Vec<Layer>,
                added: usize,
                from: usize| Step {
        layer,
        number: layer.number(),
        osi: layer.osi()[0].number(),
        pdu: pdu.0,
        pdu_zh: pdu.1,
        note,
        adds,
        added_bytes: added,
        total_bytes: frame.len() - from,
        share_percent: share(added),
        hex: tail(from),
    };

    steps.push(step(
        FiveLayer::Application,
        ("data", "数据"),
        format!(
            "The program hands {} to the socket: {}.",
            crate::english::count(payload_len as u64, "byte", "bytes"),
            super::field::py_bytes(&spec.payload[..payload_len.min(32)])
                + if payload_len > 32 { "…" } else { "" }
        ),
        find(Protocol::Data).collect(),
        payload_len,
        data_at,
    ));

    let (transport, transport_len) = match spec.proto {
        Transport::Tcp | Transport::Udp => {
            let layers: Vec<Layer> = find(Protocol::Tcp).chain(find(Protocol::Udp)).collect();
            let len = layers.iter().map(|l| l.length).sum();
            (layers, len)
        }
        Transport::Icmp => (Vec::new(), 0),
    };
    let (pdu, note) = match spec.proto {
        Transport::Tcp => (
            ("segment", "段"),
            "TCP adds the ports (which program on each host), sequence numbers, flags and a checksum.".to_owned(),
        ),
        Transport::Udp => (
            ("datagram", "数据报"),
            "UDP adds the ports (which program on each host), a length and a checksum.".to_owned(),
        ),
        Transport::Icmp => (
            ("data", "数据"),
            "Nothing here: ICMP has no ports and no transport header; it rides in IP directly.".to_owned(),
        ),
    };
    steps.push(step(
        FiveLayer::Transport,
        pdu,
        note,
        transport,
        transport_len,
        data_at - transport_len,
    ));

    let network: Vec<Layer> = find(Protocol::Ipv4).chain(find(Protocol::Icmpv4)).collect();
    let network_len: usize = network.iter().map(|l| l.length).sum();
    let note = if spec.proto == Transport::Icmp {
        "IP adds the addresses (which host), the TTL and a header checksum; the ICMP message inside it is the network layer's own."
    } else {
        "IP adds the addresses (which host), the TTL and a header checksum."
    };
    steps.push(step(
        FiveLayer::Network,
        ("packet", "数据包"),
        note.to_owned(),
        network,
        network_len,
        ethernet::HEADER_LEN,
    ));

    steps.push(step(
        FiveLayer::DataLink,
        ("frame", "帧"),
        "Ethernet adds the MAC addresses (which card on this link) and the type of what it carries.".to_owned(),
        find(Protocol::Ethernet).collect(),
        ethernet::HEADER_LEN,
        0,
    ));

    let added = wire_len - frame.len();
    let mut phy = step(
        FiveLayer::Physical,
        ("bits", "比特"),
        format!(
            "The card completes the MAC frame (data link) with {} of padding and the 4-byte FCS, which captures leave out, then puts the preamble and SFD in front and sends {} bits as signals (physical).",
            crate::english::count(wire.padding as u64, "byte", "bytes"),
            wire_len * 8
        ),
        vec![physical::annotate(&wire)],
        added,
        0,
    );
    phy.total_bytes = wire_len;
    phy.hex = hex(&wire.bytes);
    let wire_hex = phy.hex.clone();
    steps.push(phy);

    let bits = physical::bits(&wire.bytes);
    let physical = Physical {
        wire_hex,
        manchester: physical::manchester(&bits),
        bits,
        bit_order: "each byte least significant bit first (IEEE 802.3)",
        encoding: "Manchester as in 10BASE-T (IEEE 802.3): 1 = low then high, 0 = high then low",
        padding: wire.padding,
        fcs: hex(&wire.fcs.to_le_bytes()),
    };
    let overhead = Overhead {
        payload_bytes: payload_len,
        header_bytes: frame.len() - payload_len,
        frame_bytes: frame.len(),
        wire_bytes: wire_len,
        efficiency_percent: share(payload_len),
    };
    Encapsulation {
        layers: d.layers,
        hex: d.hex,
        steps,
        physical,
        overhead,
        frame,
    }
}

#[cfg(test)]
mod test {
    use super::*;

    fn seeds() -> EncapSpec {
        EncapSpec::tcp(
            "192.168.12.1:53000".parse().unwrap(),
            "192.168.13.1:9000".parse().unwrap(),
            b"hello",
        )
    }

    fn err(spec: &EncapSpec) -> String {
        encapsulate(spec).unwrap_err().to_string()
    }

    #[test]
    fn a_group_or_broadcast_destination_gets_its_own_mac() {
        let mut spec = EncapSpec::udp(
            "10.0.0.1:5353".parse().unwrap(),
            "224.0.0.251:5353".parse().unwrap(),
            b"q",
        );
        // mDNS: 01:00:5e and the low 23 bits, with no ARP to ask.
        assert_eq!(
            encapsulate(&spec).unwrap().frame[..6],
            [1, 0, 0x5e, 0, 0, 0xfb]
        );
        spec.dst = "239.255.255.250".parse().unwrap();
        assert_eq!(
            encapsulate(&spec).unwrap().frame[..6],
            [1, 0, 0x5e, 0x7f, 0xff, 0xfa]
        );
        spec.dst = Ipv4Addr::BROADCAST;
        assert_eq!(encapsulate(&spec).unwrap().frame[..6], [0xff; 6]);
        // A MAC given is the MAC used.
        spec.dst_mac = Some(MacAddr([2, 0, 0, 0, 0, 9]));
        assert_eq!(encapsulate(&spec).unwrap().frame[..6], [2, 0, 0, 0, 0, 9]);
    }

    #[test]
    fn without_ack_the_ack_number_is_zero() {
        let mut spec = seeds();
        spec.flags = Some(TcpFlags::SYN);
        let e = encapsulate(&spec).unwrap();
        assert_eq!(
            e.layers[2].field("Acknowledgment Number").unwrap().display,
            "0"
        );
        spec.flags = Some(TcpFlags::SYN | TcpFlags::ACK);
        let e = encapsulate(&spec).unwrap();
        assert_eq!(
            e.layers[2].field("Acknowledgment Number").unwrap().display,
            "1"
        );
        spec.ack = Some(7);
        spec.flags = Some(TcpFlags::SYN);
        let e = encapsulate(&spec).unwrap();
        assert_eq!(
            e.layers[2].field("Acknowledgment Number").unwrap().display,
            "7",
            "given, it is kept"
        );
    }

    #[test]
    fn the_seeds_example() {
        let e = encapsulate(&seeds()).unwrap();
        let layers: Vec<_> = e
            .layers
            .iter()
            .map(|l| (l.name, l.offset, l.length))
            .collect();
        assert_eq!(
            layers,
            [
                ("Ethernet II", 0, 14),
                ("IPv4", 14, 20),
                ("TCP", 34, 20),
                ("Data", 54, 5)
            ]
        );
        let steps: Vec<_> = e
            .steps
            .iter()
            .map(|s| (s.layer, s.added_bytes, s.total_bytes, s.pdu))
            .collect();
        assert_eq!(
            steps,
            [
                (FiveLayer::Application, 5, 5, "data"),
                (FiveLayer::Transport, 20, 25, "segment"),
                (FiveLayer::Network, 20, 45, "packet"),
                (FiveLayer::DataLink, 14, 59, "frame"),
                (FiveLayer::Physical, 13, 72, "bits"),
            ]
        );
        assert_eq!(e.steps[0].hex, "68656c6c6f");
        assert_eq!(e.steps[1].hex.len(), 50);
        assert_eq!(e.steps[1].adds[0].fields[0].offset, 34);
        let shares: f64 = e.steps.iter().map(|s| s.share_percent).sum();
        assert!((shares - 100.0).abs() < 0.3, "{shares}");
        assert_eq!(e.overhead.efficiency_percent, 6.9);
        assert_eq!(e.physical.bits.len(), 72 * 8);
        assert_eq!(e.physical.manchester.len(), 72 * 16);
        assert!(e.physical.bits.starts_with("10101010"));
        let ip = &e.layers[1];
        assert_eq!(ip.field("Time to Live").unwrap().display, "64");
        assert_eq!(ip.field("Total Length").unwrap().display, "45");
        let tcp = &e.layers[2];
        assert_eq!(tcp.field("Source Port").unwrap().display, "53000");
        assert_eq!(tcp.field("Push").unwrap().display, "Set");
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["layers"][2]["fields"][0]["value"], 53000);
        assert_eq!(json["steps"][4]["layer"], "physical");
        assert!(json.get("frame").is_none());
    }

    #[test]
    fn udp_and_icmp() {
        let u = EncapSpec::udp(
            "192.168.12.1:53000".parse().unwrap(),
            "192.168.13.1:9000".parse().unwrap(),
            b"hello",
        );
        let e = encapsulate(&u).unwrap();
        assert_eq!(e.frame.len(), 14 + 20 + 8 + 5);
        assert_eq!(e.steps[1].pdu, "datagram");
        let ping = EncapSpec::icmp([10, 0, 0, 1].into(), [10, 0, 0, 2].into(), b"abcd");
        let e = encapsulate(&ping).unwrap();
        let names: Vec<_> = e.layers.iter().map(|l| l.name).collect();
        assert_eq!(names, ["Ethernet II", "IPv4", "ICMP", "Data"]);
        assert_eq!(e.steps[1].added_bytes, 0);
        assert_eq!(e.steps[2].added_bytes, 28);
        assert_eq!(e.layers[2].summary, "Echo (ping) request, id=1, seq=1");
        let mut unreachable = ping.clone();
        unreachable.icmp_type = Some(3);
        unreachable.icmp_code = Some(3);
        let e = encapsulate(&unreachable).unwrap();
        assert_eq!(
            e.layers[2].field("Code").unwrap().display,
            "3 (Port unreachable)"
        );
    }

    #[test]
    fn errors_name_the_field() {
        let mut s = seeds();
        s.dst_port = Some(70000);
        assert_eq!(err(&s), "dst_port 70000 is out of range (0-65535)");
        let mut s = seeds();
        s.seq = Some(-1);
        assert_eq!(err(&s), "seq -1 is out of range (0-4294967295)");
        let mut s = seeds();
        s.payload = vec![0; 1461];
        assert_eq!(
            err(&s),
            "a payload of 1461 bytes is more than one TCP segment carries over Ethernet (MSS 1460: \
             the MTU of 1500 minus 20 bytes of IPv4 and 20 of TCP); TCP would cut sk.send()'s bytes into \
             segments of at most 1460, and this builds one, so give at most 1460 bytes"
        );
        s.payload.pop();
        assert_eq!(encapsulate(&s).unwrap().frame.len(), 1514);
        // UDP has no segments: IP would fragment it, which netlab does not.
        s.proto = Transport::Udp;
        s.payload = vec![0; 1473];
        assert_eq!(
            err(&s),
            "a payload of 1473 bytes makes a 1501-byte IPv4 packet, over Ethernet's MTU of 1500 bytes; \
             netlab does not fragment, so at most 1472 bytes of payload fit with UDP"
        );
        let mut s = EncapSpec::icmp([10, 0, 0, 1].into(), [10, 0, 0, 2].into(), b"");
        s.src_port = Some(1);
        assert_eq!(
            err(&s),
            "src_port does not apply to ICMP: ICMP has no ports; it travels inside IP directly"
        );
        let mut s = seeds();
        s.proto = Transport::Udp;
        s.flags = Some(TcpFlags::SYN);
        assert_eq!(
            err(&s),
            "flags does not apply to UDP: only TCP has flags, sequence numbers and a window"
        );
        let mut s = seeds();
        s.dst_port = None;
        assert_eq!(err(&s), "TCP needs a destination port (dst_port)");
        assert_eq!(
            "sctp".parse::<Transport>().unwrap_err().to_string(),
            "'sctp' is not a protocol netlab builds; use tcp, udp or icmp"
        );
    }

    #[test]
    fn specs_read_from_json() {
        let spec: EncapSpec = serde_json::from_str(
            r#"{"proto":"udp","src":"10.0.0.1","dst":"10.0.0.2","dst_port":53,
                "payload":"hi","src_mac":"00-1A-2B-3C-4D-5E","ttl":300}"#,
        )
        .unwrap();
        assert_eq!(spec.payload, b"hi");
        assert_eq!(
            spec.src_mac,
            Some(MacAddr([0, 0x1a, 0x2b, 0x3c, 0x4d, 0x5e]))
        );
        assert_eq!(err(&spec), "ttl 300 is out of range (0-255)");
        let bytes: EncapSpec = serde_json::from_str(
            r#"{"src":"10.0.0.1","dst":"10.0.0.2","payload":[1,2],"flags":"SYN"}"#,
        )
        .unwrap();
        assert_eq!(
            (bytes.payload.as_slice(), bytes.flags),
            (&[1u8, 2][..], Some(TcpFlags::SYN))
        );
        let bad = serde_json::from_str::<EncapSpec>(
            r#"{"src":"10.0.0.1","dst":"10.0.0.2","flags":"SYN,BOGUS"}"#,
        );
        assert!(
            bad.unwrap_err()
                .to_string()
                .contains("'BOGUS' is not a TCP flag")
        );
    }
}
