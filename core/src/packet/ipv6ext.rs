//! IPv6 extension headers (RFC 8200 §4): what IPv4 kept in its options
//! travels in headers of its own between the fixed header and the payload,
//! each naming the next in its `Next Header` field, so a packet is a chain:
//! IPv6 → Hop-by-Hop Options → Routing → Fragment → Destination Options →
//! TCP.
//!
//! - Hop-by-Hop Options (0): read by every router on the way (Router
//!   Alert, as MLD asks, and the Jumbo Payload).
//! - Routing (43): the nodes the packet must visit; `Segments Left` says
//!   how many are still to come. Type 0 (deprecated) and type 4, Segment
//!   Routing (RFC 8754), list addresses; other types are shown as bytes.
//! - Fragment (44): only the sender splits an IPv6 packet; this 8-byte
//!   header says where a piece belongs.
//! - Destination Options (60): read by the destination only.
//!
//! Hop-by-Hop and Destination Options carry options as type-length-value
//! items (RFC 8200 §4.2); `Hdr Ext Len` counts 8-byte units after the first
//! 8 bytes, so every header but Fragment is (n + 1) × 8 bytes long.
//!
//! The transport checksum's pseudo-header uses the final destination
//! (RFC 8200 §8.1): while a Routing header still has segments left, that
//! is the last address of the route (type 0) or Segment List\[0\] (type 4),
//! not the Destination Address of the fixed header.

use std::net::Ipv6Addr;

use super::annotate::Layer;
use super::error::{LenError, WireError};
use super::field::{FieldSpec, Format};
use super::ipv4::{IpProtocol, protocol_text};
use super::layer::Protocol;

/// At most this many extension headers are decoded in one packet, so a
/// chain cannot make the dissector work without end (RFC 8200 puts each
/// kind there once, Destination Options at most twice: 6 in all).
pub const MAX_CHAIN: usize = 8;

/// The kinds of extension header netlab decodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExtKind {
    HopByHop,
    Routing,
    Fragment,
    DestinationOptions,
}

impl ExtKind {
    /// The kind a `Next Header` value names, if it is one netlab decodes.
    pub fn from_next_header(nh: IpProtocol) -> Option<Self> {
        Some(match nh {
            IpProtocol::HOP_BY_HOP => Self::HopByHop,
            IpProtocol::ROUTING => Self::Routing,
            IpProtocol::FRAGMENT => Self::Fragment,
            IpProtocol::DST_OPTS => Self::DestinationOptions,
            _ => return None,
        })
    }

    /// The `Next Header` value that announces this kind.
    pub fn protocol(self) -> IpProtocol {
        match self {
            Self::HopByHop => IpProtocol::HOP_BY_HOP,
            Self::Routing => IpProtocol::ROUTING,
            Self::Fragment => IpProtocol::FRAGMENT,
            Self::DestinationOptions => IpProtocol::DST_OPTS,
        }
    }
}

fn ext_len_text(v: u64) -> String {
    format!("{v} ({} bytes)", (v + 1) * 8)
}

fn routing_type_text(v: u64) -> String {
    format!("{v} ({})", routing_type_name(v as u8))
}

/// A Routing header type's name, as IANA's registry gives it.
pub fn routing_type_name(t: u8) -> &'static str {
    match t {
        0 => "Source Route",
        1 => "Nimrod",
        2 => "Type 2 Routing",
        3 => "RPL Source Route",
        4 => "Segment Routing",
        _ => "Unknown",
    }
}

fn frag_offset_text(v: u64) -> String {
    format!("{v} ({} bytes)", v * 8)
}

fn option_type_text(v: u64) -> String {
    format!("0x{v:02x} ({})", option_name(v as u8))
}

fn action_text(v: u64) -> String {
    format!("{v} ({})", action_name(v as u8))
}

/// What a node that does not know an option does, by the type's top two
/// bits (RFC 8200 §4.2).
fn action_name(action: u8) -> &'static str {
    match action {
        0 => "skip and continue",
        1 => "discard",
        2 => "discard and send ICMP Parameter Problem",
        _ => "discard and send ICMP if not multicast",
    }
}

fn router_alert_text(v: u64) -> String {
    format!("{v} ({})", router_alert_name(v as u16))
}

/// What a Router Alert value says the packet holds (RFC 2711, IANA).
fn router_alert_name(v: u16) -> &'static str {
    match v {
        0 => "MLD",
        1 => "RSVP",
        2 => "Active Networks",
        _ => "Unknown",
    }
}

/// An option type's name, as Wireshark gives it.
pub fn option_name(opt_type: u8) -> &'static str {
    match opt_type {
        0x00 => "Pad1",
        0x01 => "PadN",
        0x04 => "Tunnel Encapsulation Limit",
        0x05 => "Router Alert",
        0xc2 => "Jumbo Payload",
        0xc9 => "Home Address",
        _ => "Unknown",
    }
}

mod field {
    use super::*;

    pub const HBH_NEXT: FieldSpec = FieldSpec::new("Next Header", 0, 8)
        .show(Format::Custom(protocol_text))
        .ws("ipv6.hopopts.nxt")
        .about("What follows this header: another extension header or the payload (6 TCP, 17 UDP, 58 ICMPv6).");
    pub const HBH_LEN: FieldSpec = FieldSpec::new("Length", 8, 8)
        .show(Format::Custom(ext_len_text))
        .derived()
        .ws("ipv6.hopopts.len")
        .about("Hdr Ext Len: the header's length in 8-byte units, not counting the first 8 bytes.");
    pub const DST_NEXT: FieldSpec = HBH_NEXT.ws("ipv6.dstopts.nxt");
    pub const DST_LEN: FieldSpec = HBH_LEN.ws("ipv6.dstopts.len");
    pub const RT_NEXT: FieldSpec = HBH_NEXT.ws("ipv6.routing.nxt");
    pub const RT_LEN: FieldSpec = HBH_LEN.ws("ipv6.routing.len");
    pub const RT_TYPE: FieldSpec = FieldSpec::new("Type", 16, 8)
        .show(Format::Custom(routing_type_text))
        .ws("ipv6.routing.type")
        .about("Which kind of route follows: 0 a list of addresses (deprecated: it let packets bounce between two hosts), 4 Segment Routing.");
    pub const RT_SEGLEFT: FieldSpec = FieldSpec::new("Segments Left", 24, 8)
        .ws("ipv6.routing.segleft")
        .about("How many listed nodes the packet must still visit; 0 when it has reached its final destination.");
    pub const RT_DATA: FieldSpec = FieldSpec::new("Type-specific data", 32, 0)
        .show(Format::Bytes)
        .about("What this routing type puts after the first 4 bytes (netlab shows it as bytes).");
    pub const RT0_RESERVED: FieldSpec = FieldSpec::new("Reserved", 32, 32)
        .show(Format::Bytes)
        .ws("ipv6.routing.src.reserved")
        .about("Must be 0.");
    pub const RT0_ADDR: FieldSpec = FieldSpec::new("Address", 0, 128)
        .show(Format::Ipv6)
        .ws("ipv6.routing.src.addr")
        .about("A node to visit, in order; the last one is the final destination.");
    pub const SRH_LAST_ENTRY: FieldSpec = FieldSpec::new("Last Entry", 32, 8)
        .ws("ipv6.routing.srh.last_entry")
        .about("The index of the last element of the Segment List (one less than the number of segments).");
    pub const SRH_FLAGS: FieldSpec = FieldSpec::new("Flags", 40, 8)
        .show(Format::Hex)
        .ws("ipv6.routing.srh.flags")
        .about("No flag is defined yet; sent as 0.");
    pub const SRH_TAG: FieldSpec = FieldSpec::new("Tag", 48, 16)
        .show(Format::Bytes)
        .ws("ipv6.routing.srh.tag")
        .about("Marks packets of a class or group; 0 when unused.");
    pub const SRH_SEGMENT: FieldSpec = FieldSpec::new("Segment", 0, 128)
        .show(Format::Ipv6)
        .ws("ipv6.routing.srh.addr")
        .about("A segment to visit; the list is in reverse order, so Segment List[0] is the last one, the final destination.");

    pub const FRAG_NEXT: FieldSpec = HBH_NEXT.ws("ipv6.fraghdr.nxt");
    pub const FRAG_RESERVED: FieldSpec = FieldSpec::new("Reserved", 8, 8)
        .show(Format::Hex)
        .ws("ipv6.fraghdr.reserved_octet")
        .about("Must be 0.");
    pub const FRAG_OFFSET: FieldSpec = FieldSpec::new("Fragment Offset", 16, 13)
        .show(Format::Custom(frag_offset_text))
        .ws("ipv6.fraghdr.offset")
        .about("Where this fragment's data belongs in the original packet, in 8-byte blocks.");
    pub const FRAG_RES_BITS: FieldSpec = FieldSpec::new("Reserved bits", 29, 2)
        .ws("ipv6.fraghdr.reserved_bits")
        .about("Must be 0.");
    pub const FRAG_MORE: FieldSpec = FieldSpec::new("More fragments", 31, 1)
        .show(Format::Flag)
        .ws("ipv6.fraghdr.more")
        .about("More fragments of the same packet follow this one.");
    pub const FRAG_IDENT: FieldSpec = FieldSpec::new("Identification", 32, 32)
        .show(Format::Hex)
        .ws("ipv6.fraghdr.ident")
        .about("Tells which fragments belong together; the sender picks a new one for each packet it splits.");

    pub const HBH: &[FieldSpec] = &[HBH_NEXT, HBH_LEN];
    pub const DST: &[FieldSpec] = &[DST_NEXT, DST_LEN];
    pub const ROUTING: &[FieldSpec] = &[RT_NEXT, RT_LEN, RT_TYPE, RT_SEGLEFT];
    pub const FRAGMENT: &[FieldSpec] = &[
        FRAG_NEXT,
        FRAG_RESERVED,
        FRAG_OFFSET,
        FRAG_RES_BITS,
        FRAG_MORE,
        FRAG_IDENT,
    ];

    // One option, from its type byte.
    pub const OPT_ACTION: FieldSpec = FieldSpec::new("Action", 0, 2)
        .show(Format::Custom(action_text))
        .ws("ipv6.opt.type.action")
        .about("What a node that does not know the option does with the packet.");
    pub const OPT_CHANGE: FieldSpec = FieldSpec::new("May change", 2, 1)
        .show(Format::Flag)
        .ws("ipv6.opt.type.change")
        .about("Whether routers may change the option's data on the way.");
    pub const OPT_REST: FieldSpec = FieldSpec::new("Low-order bits", 3, 5)
        .show(Format::Hex)
        .ws("ipv6.opt.type.rest")
        .about("The rest of the option type's number.");
    pub const OPT_TYPE: FieldSpec = FieldSpec::new("Type", 0, 8)
        .show(Format::Custom(option_type_text))
        .ws("ipv6.opt.type")
        .about("Which option this is; its top three bits also say what to do without knowing it.")
        .with(&[OPT_ACTION, OPT_CHANGE, OPT_REST]);
    pub const PAD1_TYPE: FieldSpec = FieldSpec::new("Type", 0, 8)
        .show(Format::Custom(option_type_text))
        .ws("ipv6.opt.type")
        .about("Type 0, Pad1: one byte of padding, with no length after it.");
    pub const OPT_LEN: FieldSpec = FieldSpec::new("Length", 8, 8)
        .derived()
        .ws("ipv6.opt.length")
        .about("The option's data length in bytes, after the type and this byte.");
    pub const OPT_PADN: FieldSpec = FieldSpec::new("PadN", 16, 0)
        .show(Format::Bytes)
        .ws("ipv6.opt.padn")
        .about("Zeros that pad the header to a multiple of 8 bytes.");
    pub const OPT_ROUTER_ALERT: FieldSpec = FieldSpec::new("Router Alert", 16, 16)
        .show(Format::Custom(router_alert_text))
        .ws("ipv6.opt.router_alert")
        .about("Asks every router on the way to look inside the packet (0: an MLD message).");
    pub const OPT_JUMBO: FieldSpec = FieldSpec::new("Payload Length", 16, 32)
        .ws("ipv6.opt.jumbo")
        .about(
            "A payload over 65535 bytes: its length, when the fixed header's Payload Length is 0.",
        );
    pub const OPT_DATA: FieldSpec = FieldSpec::new("Data", 16, 0)
        .show(Format::Bytes)
        .about("The option's data, as bytes.");
    pub const OPTION: FieldSpec = FieldSpec::new("Option", 0, 0)
        .show(Format::Bytes)
        .about("One option: type, length and data.");
}

/// A read/write view of one extension header (its first byte on).
#[derive(Debug, Clone)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
    kind: ExtKind,
}

impl<T: AsRef<[u8]>> Packet<T> {
    pub fn new_unchecked(buffer: T, kind: ExtKind) -> Self {
        Self { buffer, kind }
    }

    /// Wraps a buffer holding the whole header its length says.
    pub fn new_checked(buffer: T, kind: ExtKind) -> Result<Self, WireError> {
        let packet = Self::new_unchecked(buffer, kind);
        packet.check_len()?;
        Ok(packet)
    }

    /// The first 8 bytes are there, and then as many as `Hdr Ext Len`
    /// says.
    pub fn check_len(&self) -> Result<(), WireError> {
        let len = self.buffer.as_ref().len();
        if len < 8 {
            return Err(LenError::header(Protocol::Ipv6, 8, len).into());
        }
        let needed = self.header_len();
        if len < needed {
            return Err(LenError::field(
                Protocol::Ipv6,
                field::HBH_LEN.name,
                u64::from(self.hdr_ext_len()),
                needed,
                len,
            )
            .into());
        }
        Ok(())
    }

    pub fn kind(&self) -> ExtKind {
        self.kind
    }

    pub fn into_inner(self) -> T {
        self.buffer
    }

    fn get(&self, spec: FieldSpec) -> u64 {
        spec.get(self.buffer.as_ref())
    }

    pub fn next_header(&self) -> IpProtocol {
        IpProtocol(self.get(field::HBH_NEXT) as u8)
    }

    /// The raw `Hdr Ext Len` byte (the Fragment header's reserved byte).
    pub fn hdr_ext_len(&self) -> u8 {
        self.get(field::HBH_LEN) as u8
    }

    /// The header's length in bytes: 8 for Fragment, (n + 1) × 8 for the
    /// others.
    pub fn header_len(&self) -> usize {
        match self.kind {
            ExtKind::Fragment => 8,
            _ => (usize::from(self.hdr_ext_len()) + 1) * 8,
        }
    }

    /// The options of a Hop-by-Hop or Destination Options header (bytes
    /// 2 to the end; a checked view).
    pub fn options(&self) -> &[u8] {
        &self.buffer.as_ref()[2..self.header_len()]
    }

    pub fn routing_type(&self) -> u8 {
        self.get(field::RT_TYPE) as u8
    }

    pub fn segments_left(&self) -> u8 {
        self.get(field::RT_SEGLEFT) as u8
    }

    /// A Routing header's bytes after its first 4 (a checked view).
    pub fn routing_data(&self) -> &[u8] {
        &self.buffer.as_ref()[4..self.header_len()]
    }

    /// The addresses a type 0 Routing header lists, or the Segment List
    /// of a type 4 one (in the order of the header); empty for other types.
    pub fn addresses(&self) -> Vec<Ipv6Addr> {
        let data = self.buffer.as_ref();
        let end = self.header_len().min(data.len());
        let count = match self.routing_type() {
            0 => end.saturating_sub(8) / 16,
            4 if data.len() > 4 => {
                (field::SRH_LAST_ENTRY.get(data) as usize + 1).min(end.saturating_sub(8) / 16)
            }
            _ => 0,
        };
        (0..count)
            .map(|i| ipv6(&data[8 + 16 * i..24 + 16 * i]))
            .collect()
    }

    /// The destination the transport's pseudo-header uses (RFC 8200
    /// §8.1): with segments left, the route's last address (type 0) or
    /// Segment List\[0\] (type 4); `None` when the fixed header's holds.
    pub fn final_destination(&self) -> Option<Ipv6Addr> {
        if self.kind != ExtKind::Routing || self.segments_left() == 0 {
            return None;
        }
        let addrs = self.addresses();
        match self.routing_type() {
            0 => addrs.last().copied(),
            4 => addrs.first().copied(),
            _ => None,
        }
    }

    /// A Fragment header's offset, in 8-byte blocks.
    pub fn frag_offset(&self) -> u16 {
        self.get(field::FRAG_OFFSET) as u16
    }

    pub fn more_frags(&self) -> bool {
        self.get(field::FRAG_MORE) != 0
    }

    pub fn ident(&self) -> u32 {
        self.get(field::FRAG_IDENT) as u32
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    fn set(&mut self, spec: FieldSpec, value: u64) {
        spec.set(self.buffer.as_mut(), value);
    }

    pub fn set_next_header(&mut self, value: IpProtocol) {
        self.set(field::HBH_NEXT, u64::from(value.0));
    }

    pub fn set_hdr_ext_len(&mut self, value: u8) {
        self.set(field::HBH_LEN, u64::from(value));
    }

    pub fn set_routing_type(&mut self, value: u8) {
        self.set(field::RT_TYPE, u64::from(value));
    }

    pub fn set_segments_left(&mut self, value: u8) {
        self.set(field::RT_SEGLEFT, u64::from(value));
    }

    /// In 8-byte blocks; the low 13 bits are kept.
    pub fn set_frag_offset(&mut self, value: u16) {
        self.set(field::FRAG_OFFSET, u64::from(value));
    }

    pub fn set_more_frags(&mut self, value: bool) {
        self.set(field::FRAG_MORE, u64::from(value));
    }

    pub fn set_ident(&mut self, value: u32) {
        self.set(field::FRAG_IDENT, u64::from(value));
    }
}

fn ipv6(bytes: &[u8]) -> Ipv6Addr {
    let mut a = [0u8; 16];
    a.copy_from_slice(bytes);
    Ipv6Addr::from(a)
}

/// One option of a Hop-by-Hop or Destination Options header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ipv6Option {
    /// One byte of padding.
    Pad1,
    /// Padding: this many zeros after the type and length.
    PadN(u8),
    /// RFC 2711: 0 for MLD.
    RouterAlert(u16),
    /// RFC 2675: a payload length over 65535.
    Jumbo(u32),
    Unknown {
        opt_type: u8,
        data: Vec<u8>,
    },
}

impl Ipv6Option {
    pub fn opt_type(&self) -> u8 {
        match self {
            Self::Pad1 => 0x00,
            Self::PadN(_) => 0x01,
            Self::RouterAlert(_) => 0x05,
            Self::Jumbo(_) => 0xc2,
            Self::Unknown { opt_type, .. } => *opt_type,
        }
    }

    /// Bytes on the wire, type and length included.
    pub fn buffer_len(&self) -> usize {
        match self {
            Self::Pad1 => 1,
            Self::PadN(n) => 2 + usize::from(*n),
            Self::RouterAlert(_) => 4,
            Self::Jumbo(_) => 6,
            Self::Unknown { data, .. } => 2 + data.len().min(255),
        }
    }

    /// Writes the option at the start of `buf`; returns its length.
    ///
    /// # Panics
    ///
    /// If `buf` is shorter than [`Ipv6Option::buffer_len`].
    pub fn emit(&self, buf: &mut [u8]) -> usize {
        let len = self.buffer_len();
        buf[0] = self.opt_type();
        if len > 1 {
            buf[1] = (len - 2) as u8;
        }
        match self {
            Self::Pad1 => {}
            Self::PadN(_) => buf[2..len].fill(0),
            Self::RouterAlert(v) => field::OPT_ROUTER_ALERT.set(buf, u64::from(*v)),
            Self::Jumbo(v) => field::OPT_JUMBO.set(buf, u64::from(*v)),
            Self::Unknown { data, .. } => buf[2..len].copy_from_slice(&data[..len - 2]),
        }
        len
    }

    /// Reads the option at the start of `buf`, with its length; `None`
    /// when its length byte is missing or its data runs past the end.
    pub fn parse(buf: &[u8]) -> Option<(Self, usize)> {
        let opt_type = *buf.first()?;
        if opt_type == 0 {
            return Some((Self::Pad1, 1));
        }
        let data_len = usize::from(*buf.get(1)?);
        let data = buf.get(2..2 + data_len)?;
        let option = match (opt_type, data_len) {
            (0x01, _) => Self::PadN(data_len as u8),
            (0x05, 2) => Self::RouterAlert(field::OPT_ROUTER_ALERT.get(buf) as u16),
            (0xc2, 4) => Self::Jumbo(field::OPT_JUMBO.get(buf) as u32),
            _ => Self::Unknown {
                opt_type,
                data: data.to_vec(),
            },
        };
        Some((option, 2 + data_len))
    }
}

/// Where the options stop parsing, if they do: the offset (from the
/// options' start) of the length byte that is wrong, and its value.
pub(crate) fn bad_option(opts: &[u8]) -> Option<(usize, u8)> {
    let mut at = 0;
    while at < opts.len() {
        match Ipv6Option::parse(&opts[at..]) {
            Some((_, len)) => at += len,
            None => return Some((at + 1, opts.get(at + 1).copied().unwrap_or(0))),
        }
    }
    None
}

/// An extension header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Repr {
    HopByHop {
        next_header: IpProtocol,
        options: Vec<Ipv6Option>,
    },
    DestinationOptions {
        next_header: IpProtocol,
        options: Vec<Ipv6Option>,
    },
    /// `data` is what follows the first 4 bytes (see
    /// [`Repr::source_route`] and [`Repr::segment_routing`]).
    Routing {
        next_header: IpProtocol,
        routing_type: u8,
        segments_left: u8,
        data: Vec<u8>,
    },
    Fragment {
        next_header: IpProtocol,
        /// In 8-byte blocks.
        offset: u16,
        more_frags: bool,
        ident: u32,
    },
}

impl Repr {
    /// A type 0 Routing header through `addresses` (the last one is the
    /// final destination).
    pub fn source_route(
        next_header: IpProtocol,
        segments_left: u8,
        addresses: &[Ipv6Addr],
    ) -> Self {
        let mut data = vec![0u8; 4];
        for a in addresses {
            data.extend_from_slice(&a.octets());
        }
        Self::Routing {
            next_header,
            routing_type: 0,
            segments_left,
            data,
        }
    }

    /// A Segment Routing header (type 4) whose Segment List is `segments`
    /// (Segment List\[0\], the final destination, first).
    pub fn segment_routing(
        next_header: IpProtocol,
        segments_left: u8,
        segments: &[Ipv6Addr],
    ) -> Self {
        let last_entry = segments.len().saturating_sub(1).min(255) as u8;
        let mut data = vec![last_entry, 0, 0, 0];
        for a in segments {
            data.extend_from_slice(&a.octets());
        }
        Self::Routing {
            next_header,
            routing_type: 4,
            segments_left,
            data,
        }
    }

    pub fn kind(&self) -> ExtKind {
        match self {
            Self::HopByHop { .. } => ExtKind::HopByHop,
            Self::DestinationOptions { .. } => ExtKind::DestinationOptions,
            Self::Routing { .. } => ExtKind::Routing,
            Self::Fragment { .. } => ExtKind::Fragment,
        }
    }

    pub fn next_header(&self) -> IpProtocol {
        match self {
            Self::HopByHop { next_header, .. }
            | Self::DestinationOptions { next_header, .. }
            | Self::Routing { next_header, .. }
            | Self::Fragment { next_header, .. } => *next_header,
        }
    }

    /// Reads a checked header; options stop at the first that does not
    /// parse.
    pub fn parse<T: AsRef<[u8]>>(packet: &Packet<T>) -> Result<Self, WireError> {
        packet.check_len()?;
        let next_header = packet.next_header();
        let options = || {
            let opts = packet.options();
            let mut out = Vec::new();
            let mut at = 0;
            while let Some((o, len)) = opts.get(at..).and_then(Ipv6Option::parse) {
                out.push(o);
                at += len;
            }
            out
        };
        Ok(match packet.kind() {
            ExtKind::HopByHop => Self::HopByHop {
                next_header,
                options: options(),
            },
            ExtKind::DestinationOptions => Self::DestinationOptions {
                next_header,
                options: options(),
            },
            ExtKind::Routing => Self::Routing {
                next_header,
                routing_type: packet.routing_type(),
                segments_left: packet.segments_left(),
                data: packet.routing_data().to_vec(),
            },
            ExtKind::Fragment => Self::Fragment {
                next_header,
                offset: packet.frag_offset(),
                more_frags: packet.more_frags(),
                ident: packet.ident(),
            },
        })
    }

    /// The header's length: a multiple of 8, at most 2048.
    pub fn buffer_len(&self) -> usize {
        let raw = match self {
            Self::HopByHop { options, .. } | Self::DestinationOptions { options, .. } => {
                2 + options.iter().map(Ipv6Option::buffer_len).sum::<usize>()
            }
            Self::Routing { data, .. } => 4 + data.len(),
            Self::Fragment { .. } => 8,
        };
        raw.next_multiple_of(8).clamp(8, 2048)
    }

    /// Writes the header; options are padded with Pad1 or PadN to the
    /// 8-byte boundary, a routing header's data with zeros.
    ///
    /// # Panics
    ///
    /// If the buffer is shorter than [`Repr::buffer_len`].
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, packet: &mut Packet<T>) {
        let len = self.buffer_len();
        let buf = &mut packet.buffer.as_mut()[..len];
        buf.fill(0);
        buf[0] = self.next_header().0;
        buf[1] = (len / 8 - 1) as u8;
        match self {
            Self::HopByHop { options, .. } | Self::DestinationOptions { options, .. } => {
                let mut at = 2;
                for o in options {
                    if at + o.buffer_len() > len {
                        break;
                    }
                    at += o.emit(&mut buf[at..]);
                }
                match len - at {
                    0 => {}
                    1 => {
                        Ipv6Option::Pad1.emit(&mut buf[at..]);
                    }
                    n => {
                        Ipv6Option::PadN((n - 2) as u8).emit(&mut buf[at..]);
                    }
                }
            }
            Self::Routing {
                routing_type,
                segments_left,
                data,
                ..
            } => {
                buf[2] = *routing_type;
                buf[3] = *segments_left;
                let n = data.len().min(len - 4);
                buf[4..4 + n].copy_from_slice(&data[..n]);
            }
            Self::Fragment {
                offset,
                more_frags,
                ident,
                ..
            } => {
                buf[1] = 0;
                field::FRAG_OFFSET.set(buf, u64::from(*offset));
                field::FRAG_MORE.set(buf, u64::from(*more_frags));
                field::FRAG_IDENT.set(buf, u64::from(*ident));
            }
        }
    }
}

/// Names the header's fields in `data` (the header from its first byte,
/// cut short or not) at frame offset `base`: options one by one up to the
/// first malformed one, a route's addresses, a fragment's place.
pub fn annotate(data: &[u8], base: usize, kind: ExtKind) -> Layer {
    let p = Packet::new_unchecked(data, kind);
    let header_len = if data.len() >= 2 { p.header_len() } else { 8 };
    let end = header_len.min(data.len());
    let mut layer = Layer::new(Protocol::Ipv6, base, end);
    // As Wireshark's tree names them (and the protocol registry their numbers).
    match kind {
        ExtKind::HopByHop => layer.name = "IPv6 Hop-by-Hop Option",
        ExtKind::Routing => layer.name = "Routing Header for IPv6",
        ExtKind::Fragment => layer.name = "Fragment Header for IPv6",
        ExtKind::DestinationOptions => layer.name = "Destination Options for IPv6",
    }
    let fixed = match kind {
        ExtKind::HopByHop => field::HBH,
        ExtKind::DestinationOptions => field::DST,
        ExtKind::Routing => field::ROUTING,
        ExtKind::Fragment => field::FRAGMENT,
    };
    layer.push(data, base, fixed, 0);
    let here = &data[..end];
    match kind {
        ExtKind::HopByHop | ExtKind::DestinationOptions if end > 2 => {
            annotate_options(&mut layer, &here[2..], base + 2);
        }
        ExtKind::Routing if end >= 8 => {
            annotate_route(&mut layer, here, base);
        }
        ExtKind::Routing if end > 4 => {
            layer.push_one(here, base, &field::RT_DATA.sized((end - 4) * 8), 0);
        }
        ExtKind::Fragment if end == 8 => {
            let more = if p.more_frags() { "yes" } else { "no" };
            layer.summary = format!(
                "Offset: {} bytes, More fragments: {more}, Identification: 0x{:08x}",
                u32::from(p.frag_offset()) * 8,
                p.ident()
            );
        }
        _ => {}
    }
    layer
}

/// A route's type-specific part: type 0's addresses, type 4's Segment
/// List, or bytes.
fn annotate_route(layer: &mut Layer, here: &[u8], base: usize) {
    let p = Packet::new_unchecked(here, ExtKind::Routing);
    let t = p.routing_type();
    layer.summary = format!(
        "Type: {}, Segments Left: {}",
        routing_type_text(u64::from(t)),
        p.segments_left()
    );
    let (fields, addr): (&[FieldSpec], FieldSpec) = match t {
        0 => (&[field::RT0_RESERVED], field::RT0_ADDR),
        4 => (
            &[field::SRH_LAST_ENTRY, field::SRH_FLAGS, field::SRH_TAG],
            field::SRH_SEGMENT,
        ),
        _ => {
            let rest = here.len() - 4;
            layer.push_one(here, base, &field::RT_DATA.sized(rest * 8), 0);
            return;
        }
    };
    layer.push(here, base, fields, 0);
    let count = p.addresses().len();
    for i in 0..count {
        layer.push_one(here, base, &addr.at(64 + 128 * i), 0);
    }
    let used = 8 + 16 * count;
    if used < here.len() {
        let rest = FieldSpec {
            bit_offset: used * 8,
            ..field::RT_DATA
        };
        layer.push_one(here, base, &rest.sized((here.len() - used) * 8), 0);
    }
}

/// The options as type-length-value items, until one does not parse.
fn annotate_options(layer: &mut Layer, opts: &[u8], base: usize) {
    let mut at = 0;
    while at < opts.len() {
        let Some((option, len)) = Ipv6Option::parse(&opts[at..]) else {
            return;
        };
        let here = &opts[at..at + len];
        let container = FieldSpec {
            name: option_name(here[0]),
            ..field::OPTION.sized(len * 8)
        };
        let b = base + at;
        layer.push_one(here, b, &container, 1);
        if option == Ipv6Option::Pad1 {
            layer.push_one(here, b, &field::PAD1_TYPE, 2);
        } else {
            layer.push_one(here, b, &field::OPT_TYPE, 2);
            layer.push_one(here, b, &field::OPT_LEN, 2);
            let value = match option {
                Ipv6Option::PadN(_) => field::OPT_PADN.sized((len - 2) * 8),
                Ipv6Option::RouterAlert(_) => field::OPT_ROUTER_ALERT,
                Ipv6Option::Jumbo(_) => field::OPT_JUMBO,
                _ => field::OPT_DATA.sized((len - 2) * 8),
            };
            layer.push_one(here, b, &value, 2);
        }
        at += len;
    }
}

#[cfg(test)]
mod test {
    use proptest::prelude::*;

    use super::*;

    // Hop-by-Hop: next ICMPv6, Router Alert (MLD), PadN of 0 bytes.
    static HBH_BYTES: [u8; 8] = [58, 0, 0x05, 0x02, 0x00, 0x00, 0x01, 0x00];
    // Fragment: next UDP, offset 2 blocks, M=1, ident 0xdeadbeef.
    static FRAG_BYTES: [u8; 8] = [17, 0, 0x00, 0x11, 0xde, 0xad, 0xbe, 0xef];

    fn addr(s: &str) -> Ipv6Addr {
        s.parse().unwrap()
    }

    #[test]
    fn deconstruct() {
        let h = Packet::new_checked(&HBH_BYTES[..], ExtKind::HopByHop).unwrap();
        assert_eq!(h.next_header(), IpProtocol::ICMPV6);
        assert_eq!(h.header_len(), 8);
        assert_eq!(h.options(), &HBH_BYTES[2..]);
        assert_eq!(bad_option(h.options()), None);
        let f = Packet::new_checked(&FRAG_BYTES[..], ExtKind::Fragment).unwrap();
        assert_eq!(f.next_header(), IpProtocol::UDP);
        assert_eq!((f.frag_offset(), f.more_frags()), (2, true));
        assert_eq!(f.ident(), 0xdead_beef);
        assert_eq!(
            ExtKind::from_next_header(IpProtocol(44)),
            Some(ExtKind::Fragment)
        );
        assert_eq!(ExtKind::from_next_header(IpProtocol::TCP), None);
        assert_eq!(
            annotate(&FRAG_BYTES, 0, ExtKind::Fragment).name,
            "Fragment Header for IPv6"
        );
    }

    #[test]
    fn construct_parse_emit() {
        let hbh = Repr::HopByHop {
            next_header: IpProtocol::ICMPV6,
            options: vec![Ipv6Option::RouterAlert(0)],
        };
        assert_eq!(hbh.buffer_len(), 8);
        let mut out = [0xffu8; 8];
        hbh.emit(&mut Packet::new_unchecked(&mut out[..], ExtKind::HopByHop));
        assert_eq!(out, HBH_BYTES);
        let parsed = Repr::parse(&Packet::new_checked(&out[..], ExtKind::HopByHop).unwrap());
        assert_eq!(
            parsed.unwrap(),
            Repr::HopByHop {
                next_header: IpProtocol::ICMPV6,
                options: vec![Ipv6Option::RouterAlert(0), Ipv6Option::PadN(0)],
            }
        );
        let frag = Repr::Fragment {
            next_header: IpProtocol::UDP,
            offset: 2,
            more_frags: true,
            ident: 0xdead_beef,
        };
        let mut out = [0xffu8; 8];
        frag.emit(&mut Packet::new_unchecked(&mut out[..], ExtKind::Fragment));
        assert_eq!(out, FRAG_BYTES);
        // Pad1 fills a single byte.
        let dst = Repr::DestinationOptions {
            next_header: IpProtocol::TCP,
            options: vec![Ipv6Option::Jumbo(70_000)],
        };
        let mut out = [0xffu8; 8];
        dst.emit(&mut Packet::new_unchecked(
            &mut out[..],
            ExtKind::DestinationOptions,
        ));
        assert_eq!(out, [6, 0, 0xc2, 4, 0, 1, 0x11, 0x70]);
        let three = Repr::DestinationOptions {
            next_header: IpProtocol::TCP,
            options: vec![Ipv6Option::PadN(3)],
        };
        let mut out = [0xffu8; 8];
        three.emit(&mut Packet::new_unchecked(
            &mut out[..],
            ExtKind::DestinationOptions,
        ));
        assert_eq!(out, [6, 0, 1, 3, 0, 0, 0, 0]);
        let odd = Repr::DestinationOptions {
            next_header: IpProtocol::TCP,
            options: vec![Ipv6Option::PadN(3), Ipv6Option::Pad1],
        };
        assert_eq!(odd.buffer_len(), 8);
    }

    #[test]
    fn routes_and_final_destination() {
        let hops = [addr("2001:db8::10"), addr("2001:db8::99")];
        let rt0 = Repr::source_route(IpProtocol::TCP, 2, &hops);
        assert_eq!(rt0.buffer_len(), 40);
        let mut out = [0u8; 40];
        rt0.emit(&mut Packet::new_unchecked(&mut out[..], ExtKind::Routing));
        assert_eq!(&out[..8], &[6, 4, 0, 2, 0, 0, 0, 0]);
        let p = Packet::new_checked(&out[..], ExtKind::Routing).unwrap();
        assert_eq!(p.addresses(), hops);
        assert_eq!(p.final_destination(), Some(hops[1]));
        assert_eq!(Repr::parse(&p).unwrap(), rt0);
        let srh = Repr::segment_routing(IpProtocol::TCP, 1, &hops);
        let mut out = vec![0u8; srh.buffer_len()];
        srh.emit(&mut Packet::new_unchecked(&mut out[..], ExtKind::Routing));
        let p = Packet::new_checked(&out[..], ExtKind::Routing).unwrap();
        assert_eq!(p.final_destination(), Some(hops[0]));
        let layer = annotate(&out, 54, ExtKind::Routing);
        assert_eq!(layer.summary, "Type: 4 (Segment Routing), Segments Left: 1");
        let segs: Vec<_> = layer
            .fields
            .iter()
            .filter(|f| f.name == "Segment")
            .map(|f| (f.offset, f.display.as_str()))
            .collect();
        assert_eq!(segs, [(62, "2001:db8::10"), (78, "2001:db8::99")]);
        // Nothing left to visit: the fixed header's destination holds.
        out[3] = 0;
        let p = Packet::new_checked(&out[..], ExtKind::Routing).unwrap();
        assert_eq!(p.final_destination(), None);
        // Another type: bytes after the first 4.
        out[2] = 3;
        out[3] = 1;
        let layer = annotate(&out, 0, ExtKind::Routing);
        let data = layer.field("Type-specific data").unwrap();
        assert_eq!((data.offset, data.bits), (4, (40 - 4) * 8));
        assert_eq!(
            Packet::new_checked(&out[..], ExtKind::Routing)
                .unwrap()
                .final_destination(),
            None
        );
    }

    #[test]
    fn annotation_names_options() {
        let layer = annotate(&HBH_BYTES, 54, ExtKind::HopByHop);
        assert_eq!(layer.name, "IPv6 Hop-by-Hop Option");
        assert_eq!(layer.length, 8);
        let names: Vec<_> = layer
            .fields
            .iter()
            .map(|f| (f.name, f.offset, f.depth))
            .collect();
        assert_eq!(
            names,
            [
                ("Next Header", 54, 0),
                ("Length", 55, 0),
                ("Router Alert", 56, 1),
                ("Type", 56, 2),
                ("Action", 56, 3),
                ("May change", 56, 3),
                ("Low-order bits", 56, 3),
                ("Length", 57, 2),
                ("Router Alert", 58, 2),
                ("PadN", 60, 1),
                ("Type", 60, 2),
                ("Action", 60, 3),
                ("May change", 60, 3),
                ("Low-order bits", 60, 3),
                ("Length", 61, 2),
            ]
        );
        assert_eq!(layer.fields[1].display, "0 (8 bytes)");
        assert_eq!(layer.fields[3].display, "0x05 (Router Alert)");
        assert_eq!(layer.fields[8].display, "0 (MLD)");
        let frag = annotate(&FRAG_BYTES, 54, ExtKind::Fragment);
        assert_eq!(
            frag.summary,
            "Offset: 16 bytes, More fragments: yes, Identification: 0xdeadbeef"
        );
        assert_eq!(
            frag.field("Fragment Offset").unwrap().display,
            "2 (16 bytes)"
        );
        // A Pad1, then an option whose data runs past the header.
        let bad = [59, 0, 0x00, 0x1e, 0x09, 0, 0, 0];
        assert_eq!(bad_option(&bad[2..]), Some((2, 9)));
        let layer = annotate(&bad, 0, ExtKind::DestinationOptions);
        assert_eq!(layer.fields.last().unwrap().name, "Type");
        assert_eq!(layer.fields.last().unwrap().display, "0x00 (Pad1)");
    }

    #[test]
    fn lengths_are_checked() {
        let e = Packet::new_checked(&HBH_BYTES[..6], ExtKind::HopByHop).unwrap_err();
        assert_eq!(
            e.to_string(),
            "IPv6: needs 8 bytes from byte 0, only 6 are there"
        );
        let mut long = HBH_BYTES;
        long[1] = 1;
        let e = Packet::new_checked(&long[..], ExtKind::HopByHop).unwrap_err();
        assert_eq!(
            e.to_string(),
            "IPv6: the Length field says 1, which makes 16 bytes from byte 0, only 8 are there"
        );
        // A fragment header is 8 bytes whatever its second byte says.
        let mut frag = FRAG_BYTES;
        frag[1] = 9;
        assert!(Packet::new_checked(&frag[..], ExtKind::Fragment).is_ok());
        let cut = annotate(&HBH_BYTES[..1], 14, ExtKind::HopByHop);
        assert_eq!((cut.length, cut.fields.len()), (1, 1));
    }

    proptest! {
        #[test]
        fn any_bytes_annotate_without_panic(
            bytes in proptest::collection::vec(any::<u8>(), 0..80),
            kind in prop_oneof![
                Just(ExtKind::HopByHop),
                Just(ExtKind::Routing),
                Just(ExtKind::Fragment),
                Just(ExtKind::DestinationOptions)
            ],
        ) {
            let layer = annotate(&bytes, 0, kind);
            prop_assert!(layer.length <= bytes.len());
            let p = Packet::new_unchecked(&bytes[..], kind);
            if p.check_len().is_ok() {
                let _ = p.final_destination();
                let r = Repr::parse(&p).unwrap();
                prop_assert_eq!(r.next_header(), p.next_header());
            }
        }
    }
}
