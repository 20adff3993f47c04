//! IPv4 (RFC 791): the network layer's envelope, addressed by IP, with
//! the TTL that routers count down and a checksum over the header alone.
//!
//! The header is 20 bytes plus up to 40 bytes of options (kept as bytes
//! here; the annotation names each one's type and length, and decodes
//! Record Route, Timestamp and Router Alert field by field). Two
//! fields count in units: `Header Length` in 32-bit words (5 means 20
//! bytes) and `Fragment Offset` in 8-byte blocks.

use std::net::Ipv4Addr;

use super::annotate::Layer;
use super::arp::ipv4;
use super::checksum;
use super::error::{ContentError, LenError, WireError};
use super::field::{FieldSpec, Format};
use super::layer::Protocol;

/// The protocol number of what an IP packet carries (IANA's registry; the
/// same numbers fill IPv6's Next Header).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IpProtocol(pub u8);

impl IpProtocol {
    pub const HOP_BY_HOP: Self = Self(0);
    pub const ICMP: Self = Self(1);
    pub const TCP: Self = Self(6);
    pub const UDP: Self = Self(17);
    pub const ROUTING: Self = Self(43);
    pub const FRAGMENT: Self = Self(44);
    pub const ESP: Self = Self(50);
    pub const AH: Self = Self(51);
    pub const ICMPV6: Self = Self(58);
    pub const NO_NEXT_HEADER: Self = Self(59);
    pub const DST_OPTS: Self = Self(60);

    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0 => "IPv6 Hop-by-Hop Option",
            1 => "ICMP",
            2 => "IGMP",
            4 => "IPv4 in IP",
            6 => "TCP",
            17 => "UDP",
            41 => "IPv6 in IP",
            43 => "Routing Header for IPv6",
            44 => "Fragment Header for IPv6",
            47 => "GRE",
            50 => "ESP",
            51 => "AH",
            58 => "ICMPv6",
            59 => "No Next Header for IPv6",
            60 => "Destination Options for IPv6",
            89 => "OSPF",
            132 => "SCTP",
            _ => return None,
        })
    }
}

/// `6 (TCP)`.
pub(crate) fn protocol_text(v: u64) -> String {
    match IpProtocol(v as u8).name() {
        Some(name) => format!("{v} ({name})"),
        None => v.to_string(),
    }
}

fn header_len_text(v: u64) -> String {
    format!("{v} ({} bytes)", v * 4)
}

fn ts_flag_text(v: u64) -> String {
    format!("0x{v:x} ({})", ts_flag_name(v as u8))
}

/// What a Timestamp option's entries hold (RFC 791).
fn ts_flag_name(flag: u8) -> &'static str {
    match flag {
        0 => "Time stamps only",
        1 => "Time stamp and address",
        3 => "Time stamps for prespecified addresses",
        _ => "Unknown",
    }
}

fn router_alert_text(v: u64) -> String {
    format!("{v} ({})", router_alert_name(v as u16))
}

/// A Router Alert value's meaning (RFC 2113: 0 is the only one defined).
fn router_alert_name(v: u16) -> &'static str {
    match v {
        0 => "Router shall examine packet",
        _ => "Unknown",
    }
}

fn frag_text(v: u64) -> String {
    format!("{v} ({} bytes)", v * 8)
}

fn flags_text(v: u64) -> String {
    let mut names = Vec::new();
    if v & 0b100 != 0 {
        names.push("Reserved");
    }
    if v & 0b010 != 0 {
        names.push("Don't fragment");
    }
    if v & 0b001 != 0 {
        names.push("More fragments");
    }
    if names.is_empty() {
        format!("0x{v:x}")
    } else {
        format!("0x{v:x} ({})", names.join(", "))
    }
}

mod field {
    use super::*;

    pub const VERSION: FieldSpec = FieldSpec::new("Version", 0, 4)
        .ws("ip.version")
        .about("4 for IPv4.");
    pub const HEADER_LEN: FieldSpec = FieldSpec::new("Header Length", 4, 4)
        .show(Format::Custom(header_len_text))
        .derived()
        .ws("ip.hdr_len")
        .about(
            "The header's length in 32-bit words: 5 (20 bytes) without options, at most 15 (60).",
        );
    pub const DSCP: FieldSpec = FieldSpec::new("Differentiated Services Codepoint", 8, 6)
        .ws("ip.dsfield.dscp")
        .about("The traffic class a network may prioritize (0 best effort, 46 voice).");
    pub const ECN: FieldSpec = FieldSpec::new("Explicit Congestion Notification", 14, 2)
        .ws("ip.dsfield.ecn")
        .about("Routers mark 3 here instead of dropping when the sender allows it (1 or 2).");
    pub const DS_FIELD: FieldSpec = FieldSpec::new("Differentiated Services Field", 8, 8)
        .show(Format::Hex)
        .ws("ip.dsfield")
        .about("Once 'Type of Service'; now DSCP and ECN.")
        .with(&[DSCP, ECN]);
    pub const TOTAL_LEN: FieldSpec = FieldSpec::new("Total Length", 16, 16)
        .derived()
        .ws("ip.len")
        .about("Header plus payload in bytes; at most 65535, and 1500 on Ethernet.");
    pub const IDENT: FieldSpec = FieldSpec::new("Identification", 32, 16)
        .show(Format::Hex)
        .ws("ip.id")
        .about("Tells which fragments belong together when a packet is split.");
    pub const RESERVED: FieldSpec = FieldSpec::new("Reserved bit", 48, 1)
        .show(Format::Flag)
        .ws("ip.flags.rb")
        .about("Must be 0.");
    pub const DONT_FRAG: FieldSpec = FieldSpec::new("Don't fragment", 49, 1)
        .show(Format::Flag)
        .ws("ip.flags.df")
        .about("Routers must drop rather than split the packet (path MTU discovery).");
    pub const MORE_FRAGS: FieldSpec = FieldSpec::new("More fragments", 50, 1)
        .show(Format::Flag)
        .ws("ip.flags.mf")
        .about("More fragments of the same packet follow this one.");
    pub const FLAGS: FieldSpec = FieldSpec::new("Flags", 48, 3)
        .show(Format::Custom(flags_text))
        .ws("ip.flags")
        .about("Three bits about fragmentation.")
        .with(&[RESERVED, DONT_FRAG, MORE_FRAGS]);
    pub const FRAG_OFFSET: FieldSpec = FieldSpec::new("Fragment Offset", 51, 13)
        .show(Format::Custom(frag_text))
        .ws("ip.frag_offset")
        .about("Where this fragment's data belongs in the original, in 8-byte blocks.");
    pub const TTL: FieldSpec = FieldSpec::new("Time to Live", 64, 8).ws("ip.ttl").about(
        "Each router subtracts 1 and drops the packet at 0, so loops end; traceroute counts on it.",
    );
    pub const PROTOCOL: FieldSpec = FieldSpec::new("Protocol", 72, 8)
        .show(Format::Custom(protocol_text))
        .ws("ip.proto")
        .about("What the payload is: 1 ICMP, 6 TCP, 17 UDP.");
    pub const CHECKSUM: FieldSpec = FieldSpec::new("Header Checksum", 80, 16)
        .show(Format::Hex)
        .derived()
        .ws("ip.checksum")
        .about("RFC 1071 checksum of the header only; every router recomputes it after changing the TTL.");
    pub const SRC_ADDR: FieldSpec = FieldSpec::new("Source Address", 96, 32)
        .show(Format::Ipv4)
        .ws("ip.src")
        .about("The sending host's IP address (发送者的ip).");
    pub const DST_ADDR: FieldSpec = FieldSpec::new("Destination Address", 128, 32)
        .show(Format::Ipv4)
        .ws("ip.dst")
        .about("The final host's IP address, unchanged across routers (NAT aside).");
    pub const OPTIONS: FieldSpec = FieldSpec::new("Options", 160, 0)
        .show(Format::Bytes)
        .about("Rarely used extras (Record Route, Router Alert), padded to 32 bits.");

    pub const FIELDS: &[FieldSpec] = &[
        VERSION,
        HEADER_LEN,
        DS_FIELD,
        TOTAL_LEN,
        IDENT,
        FLAGS,
        FRAG_OFFSET,
        TTL,
        PROTOCOL,
        CHECKSUM,
        SRC_ADDR,
        DST_ADDR,
    ];

    // One option, from its first byte.
    pub const OPT_COPY: FieldSpec = FieldSpec::new("Copy on fragmentation", 0, 1)
        .show(Format::Flag)
        .ws("ip.opt.type.copy");
    pub const OPT_CLASS: FieldSpec = FieldSpec::new("Class", 1, 2).ws("ip.opt.type.class");
    pub const OPT_NUMBER: FieldSpec = FieldSpec::new("Number", 3, 5).ws("ip.opt.type.number");
    pub const OPT_TYPE: FieldSpec = FieldSpec::new("Type", 0, 8)
        .ws("ip.opt.type")
        .about("Copy flag, class and number in one byte.")
        .with(&[OPT_COPY, OPT_CLASS, OPT_NUMBER]);
    pub const OPT_LEN: FieldSpec = FieldSpec::new("Length", 8, 8)
        .derived()
        .ws("ip.opt.len")
        .about("The option's length in bytes, type and length included.");
    pub const OPT_DATA: FieldSpec = FieldSpec::new("Data", 16, 0).show(Format::Bytes);
    pub const OPTION: FieldSpec = FieldSpec::new("Option", 0, 0).show(Format::Bytes);
    pub const OPT_POINTER: FieldSpec = FieldSpec::new("Pointer", 16, 8)
        .ws("ip.opt.ptr")
        .about("Where the next entry goes, counted in bytes from the option's first byte (1); past the end when the option is full.");
    pub const RR_ADDR: FieldSpec = FieldSpec::new("Recorded Route", 0, 32)
        .show(Format::Ipv4)
        .ws("ip.rec_rt")
        .about("The address of a router the packet passed, written by that router.");
    pub const RR_EMPTY: FieldSpec = FieldSpec::new("Empty Route", 0, 32)
        .show(Format::Ipv4)
        .ws("ip.empty_rt")
        .about("Room for a router still to come (zeros until one writes its address).");
    pub const TS_OVERFLOW: FieldSpec = FieldSpec::new("Overflow", 24, 4)
        .ws("ip.opt.overflow")
        .about("How many routers found no room left to write their timestamp.");
    pub const TS_FLAG: FieldSpec = FieldSpec::new("Flag", 28, 4)
        .show(Format::Custom(ts_flag_text))
        .ws("ip.opt.flag")
        .about("What each entry holds: 0 timestamps, 1 an address and a timestamp, 3 timestamps of the listed addresses only.");
    pub const TS_ADDR: FieldSpec = FieldSpec::new("Address", 0, 32)
        .show(Format::Ipv4)
        .ws("ip.opt.time_stamp_addr")
        .about("The router that wrote (or is asked to write) the timestamp after it.");
    pub const TS_STAMP: FieldSpec = FieldSpec::new("Time stamp", 0, 32)
        .ws("ip.opt.time_stamp")
        .about("Milliseconds since midnight UT when a router handled the packet; 0 where none wrote yet.");
    pub const RA_VALUE: FieldSpec = FieldSpec::new("Router Alert", 16, 16)
        .show(Format::Custom(router_alert_text))
        .ws("ip.opt.ra")
        .about("Asks every router on the way to look inside the packet, not just forward it (IGMP and RSVP use it); 0 is the only value.");
}

/// An option's descriptor (Wireshark's name for it), sized for `len`
/// bytes.
fn option_spec(kind: u8, len: usize) -> FieldSpec {
    let ws = match kind {
        0 => "ip.options.eol",
        1 => "ip.options.nop",
        7 => "ip.options.record_route",
        68 => "ip.options.timestamp",
        148 => "ip.options.routeralert",
        _ => "",
    };
    FieldSpec {
        name: option_name(kind),
        ..field::OPTION.ws(ws).sized(len * 8)
    }
}

/// The fixed header's fields, in order (options follow).
pub const FIELDS: &[FieldSpec] = field::FIELDS;
/// The header without options.
pub const HEADER_LEN: usize = 20;
pub(crate) const CHECKSUM: FieldSpec = field::CHECKSUM;
/// Version 4, header length 15.
pub const MAX_HEADER_LEN: usize = 60;

/// A read/write view of an IPv4 packet.
#[derive(Debug, Clone)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    pub fn new_unchecked(buffer: T) -> Self {
        Self { buffer }
    }

    /// Wraps a buffer holding a whole IPv4 packet: version 4, a header
    /// length of at least 5 words, and as many bytes as `Total Length`
    /// says (more are allowed: Ethernet pads short packets).
    pub fn new_checked(buffer: T) -> Result<Self, WireError> {
        let packet = Self::new_unchecked(buffer);
        packet.check_len()?;
        Ok(packet)
    }

    /// The fixed header is there, with version 4 and a sane header length
    /// that fits the buffer. `Total Length` is not looked at.
    pub fn check_header(&self) -> Result<(), WireError> {
        let len = self.buffer.as_ref().len();
        if len < HEADER_LEN {
            return Err(LenError::header(Protocol::Ipv4, HEADER_LEN, len).into());
        }
        if self.version() != 4 {
            let v = u64::from(self.version());
            return Err(content(field::VERSION, v, "an IPv4 header has version 4"));
        }
        let words = field::HEADER_LEN.get(self.buffer.as_ref());
        if words < 5 {
            return Err(content(
                field::HEADER_LEN,
                words,
                "it counts 32-bit words and is at least 5 (20 bytes)",
            ));
        }
        let header_len = usize::from(self.header_len());
        if len < header_len {
            return Err(LenError::field(
                Protocol::Ipv4,
                field::HEADER_LEN.name,
                (header_len / 4) as u64,
                header_len,
                len,
            )
            .into());
        }
        Ok(())
    }

    /// [`Packet::check_header`], and `Total Length` covers the header and
    /// fits in the buffer.
    pub fn check_len(&self) -> Result<(), WireError> {
        self.check_header()?;
        let total = usize::from(self.total_len());
        if total < usize::from(self.header_len()) {
            return Err(content(
                field::TOTAL_LEN,
                total as u64,
                "it counts the header too, so it is at least the Header Length",
            ));
        }
        let len = self.buffer.as_ref().len();
        if len < total {
            return Err(LenError::field(
                Protocol::Ipv4,
                field::TOTAL_LEN.name,
                total as u64,
                total,
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

    /// The header's length in bytes (the field times 4).
    pub fn header_len(&self) -> u8 {
        (self.get(field::HEADER_LEN) * 4) as u8
    }

    pub fn dscp(&self) -> u8 {
        self.get(field::DSCP) as u8
    }

    pub fn ecn(&self) -> u8 {
        self.get(field::ECN) as u8
    }

    pub fn total_len(&self) -> u16 {
        self.get(field::TOTAL_LEN) as u16
    }

    pub fn ident(&self) -> u16 {
        self.get(field::IDENT) as u16
    }

    pub fn dont_frag(&self) -> bool {
        self.get(field::DONT_FRAG) != 0
    }

    pub fn more_frags(&self) -> bool {
        self.get(field::MORE_FRAGS) != 0
    }

    /// In 8-byte blocks, as on the wire.
    pub fn frag_offset(&self) -> u16 {
        self.get(field::FRAG_OFFSET) as u16
    }

    pub fn ttl(&self) -> u8 {
        self.get(field::TTL) as u8
    }

    pub fn protocol(&self) -> IpProtocol {
        IpProtocol(self.get(field::PROTOCOL) as u8)
    }

    pub fn checksum(&self) -> u16 {
        self.get(field::CHECKSUM) as u16
    }

    pub fn src_addr(&self) -> Ipv4Addr {
        ipv4(field::SRC_ADDR.slice(self.buffer.as_ref()))
    }

    pub fn dst_addr(&self) -> Ipv4Addr {
        ipv4(field::DST_ADDR.slice(self.buffer.as_ref()))
    }

    /// The options' bytes (with their padding).
    pub fn options(&self) -> &[u8] {
        &self.buffer.as_ref()[HEADER_LEN..usize::from(self.header_len())]
    }

    /// The bytes after the header, up to `Total Length`.
    pub fn payload(&self) -> &[u8] {
        let data = self.buffer.as_ref();
        &data[usize::from(self.header_len())..usize::from(self.total_len())]
    }

    /// Whether the header checksum is right: the header summed with its
    /// checksum gives all ones.
    pub fn verify_checksum(&self) -> bool {
        checksum::data(&self.buffer.as_ref()[..usize::from(self.header_len())]) == 0xffff
    }

    /// The checksum the header should carry.
    pub fn checksum_expected(&self) -> u16 {
        let header = &self.buffer.as_ref()[..usize::from(self.header_len())];
        !checksum::data_without(header, field::CHECKSUM.bytes().start)
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    fn set(&mut self, spec: FieldSpec, value: u64) {
        spec.set(self.buffer.as_mut(), value);
    }

    pub fn set_version(&mut self, value: u8) {
        self.set(field::VERSION, u64::from(value));
    }

    /// In bytes; stored as 32-bit words.
    pub fn set_header_len(&mut self, value: u8) {
        self.set(field::HEADER_LEN, u64::from(value / 4));
    }

    pub fn set_dscp(&mut self, value: u8) {
        self.set(field::DSCP, u64::from(value));
    }

    pub fn set_ecn(&mut self, value: u8) {
        self.set(field::ECN, u64::from(value));
    }

    pub fn set_total_len(&mut self, value: u16) {
        self.set(field::TOTAL_LEN, u64::from(value));
    }

    pub fn set_ident(&mut self, value: u16) {
        self.set(field::IDENT, u64::from(value));
    }

    pub fn clear_flags(&mut self) {
        self.set(field::FLAGS, 0);
    }

    pub fn set_dont_frag(&mut self, value: bool) {
        self.set(field::DONT_FRAG, u64::from(value));
    }

    pub fn set_more_frags(&mut self, value: bool) {
        self.set(field::MORE_FRAGS, u64::from(value));
    }

    /// In 8-byte blocks.
    pub fn set_frag_offset(&mut self, value: u16) {
        self.set(field::FRAG_OFFSET, u64::from(value));
    }

    pub fn set_ttl(&mut self, value: u8) {
        self.set(field::TTL, u64::from(value));
    }

    pub fn set_protocol(&mut self, value: IpProtocol) {
        self.set(field::PROTOCOL, u64::from(value.0));
    }

    pub fn set_checksum(&mut self, value: u16) {
        self.set(field::CHECKSUM, u64::from(value));
    }

    pub fn set_src_addr(&mut self, addr: Ipv4Addr) {
        field::SRC_ADDR
            .slice_mut(self.buffer.as_mut())
            .copy_from_slice(&addr.octets());
    }

    pub fn set_dst_addr(&mut self, addr: Ipv4Addr) {
        field::DST_ADDR
            .slice_mut(self.buffer.as_mut())
            .copy_from_slice(&addr.octets());
    }

    pub fn options_mut(&mut self) -> &mut [u8] {
        let end = usize::from(self.header_len());
        &mut self.buffer.as_mut()[HEADER_LEN..end]
    }

    pub fn payload_mut(&mut self) -> &mut [u8] {
        let range = usize::from(self.header_len())..usize::from(self.total_len());
        &mut self.buffer.as_mut()[range]
    }

    /// Computes the header checksum and writes it.
    pub fn fill_checksum(&mut self) {
        self.set_checksum(0);
        let sum = checksum::data(&self.buffer.as_ref()[..usize::from(self.header_len())]);
        self.set_checksum(!sum);
    }
}

fn content(spec: FieldSpec, value: u64, rule: &'static str) -> WireError {
    ContentError::new(Protocol::Ipv4, spec.bytes().start, spec.name, value, rule).into()
}

/// An IPv4 header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repr {
    pub src_addr: Ipv4Addr,
    pub dst_addr: Ipv4Addr,
    pub protocol: IpProtocol,
    /// Bytes after the header.
    pub payload_len: usize,
    pub ttl: u8,
    pub dscp: u8,
    pub ecn: u8,
    pub ident: u16,
    pub dont_frag: bool,
    pub more_frags: bool,
    /// In 8-byte blocks.
    pub frag_offset: u16,
    /// Option bytes; emit pads them with zeros (End of Options List) to a
    /// multiple of 4 and keeps at most 40.
    pub options: Vec<u8>,
}

impl Repr {
    /// Reads the header of a checked packet. The checksum is not judged
    /// here: see [`Packet::verify_checksum`], so a learner's packet with a
    /// wrong checksum still reads.
    pub fn parse<T: AsRef<[u8]>>(packet: &Packet<T>) -> Result<Self, WireError> {
        packet.check_len()?;
        Ok(Self {
            src_addr: packet.src_addr(),
            dst_addr: packet.dst_addr(),
            protocol: packet.protocol(),
            payload_len: usize::from(packet.total_len()) - usize::from(packet.header_len()),
            ttl: packet.ttl(),
            dscp: packet.dscp(),
            ecn: packet.ecn(),
            ident: packet.ident(),
            dont_frag: packet.dont_frag(),
            more_frags: packet.more_frags(),
            frag_offset: packet.frag_offset(),
            options: packet.options().to_vec(),
        })
    }

    /// 20 bytes plus the options, padded to 32 bits.
    pub fn buffer_len(&self) -> usize {
        HEADER_LEN
            + self
                .options
                .len()
                .min(MAX_HEADER_LEN - HEADER_LEN)
                .next_multiple_of(4)
    }

    /// Writes the header and its checksum; the payload is the caller's.
    ///
    /// # Panics
    ///
    /// If the buffer is shorter than [`Repr::buffer_len`].
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, packet: &mut Packet<T>) {
        let header_len = self.buffer_len();
        packet.set_version(4);
        packet.set_header_len(header_len as u8);
        packet.set_dscp(self.dscp);
        packet.set_ecn(self.ecn);
        let total = (header_len + self.payload_len).min(usize::from(u16::MAX));
        packet.set_total_len(total as u16);
        packet.set_ident(self.ident);
        packet.clear_flags();
        packet.set_dont_frag(self.dont_frag);
        packet.set_more_frags(self.more_frags);
        packet.set_frag_offset(self.frag_offset);
        packet.set_ttl(self.ttl);
        packet.set_protocol(self.protocol);
        packet.set_src_addr(self.src_addr);
        packet.set_dst_addr(self.dst_addr);
        let opts = packet.options_mut();
        opts.fill(0);
        let n = self.options.len().min(opts.len());
        opts[..n].copy_from_slice(&self.options[..n]);
        packet.fill_checksum();
    }
}

fn option_name(kind: u8) -> &'static str {
    match kind {
        0 => "End of Options List",
        1 => "No-Operation",
        7 => "Record Route",
        68 => "Timestamp",
        130 => "Security",
        131 => "Loose Source Route",
        136 => "Stream ID",
        137 => "Strict Source Route",
        148 => "Router Alert",
        _ => "Unknown",
    }
}

/// Names the header's fields in `data` (the packet from its first byte,
/// cut short or not) at frame offset `base`, options one by one.
/// Malformed options are left as bytes and reported by the caller.
pub fn annotate(data: &[u8], base: usize) -> Layer {
    let header_len = if data.len() >= HEADER_LEN {
        usize::from(Packet::new_unchecked(data).header_len()).max(HEADER_LEN)
    } else {
        HEADER_LEN
    };
    let mut layer = Layer::new(Protocol::Ipv4, base, data.len().min(header_len));
    layer.push(data, base, FIELDS, 0);
    if data.len() < HEADER_LEN {
        return layer;
    }
    let p = Packet::new_unchecked(data);
    layer.summary = format!("Src: {}, Dst: {}", p.src_addr(), p.dst_addr());
    let options_end = header_len.min(data.len());
    if options_end > HEADER_LEN {
        let options = field::OPTIONS.sized((options_end - HEADER_LEN) * 8);
        layer.push_one(data, base, &options, 0);
        annotate_options(
            &mut layer,
            &data[HEADER_LEN..options_end],
            base + HEADER_LEN,
        );
    }
    layer
}

/// Whether Wireshark has a dissector for the option type `kind` (whole
/// byte: copy flag, class and number). It shows another as one unnamed
/// item, "Unknown (0x..)", so its type and length have no filter name.
fn wireshark_decodes(kind: u8) -> bool {
    matches!(
        kind,
        0 | 1 | 7 | 11 | 12 | 25 | 68 | 82 | 130 | 131 | 133 | 134 | 136 | 137 | 148 | 149
    )
}

/// An option's type (and its parts) with no Wireshark name.
const UNNAMED_TYPE: FieldSpec = field::OPT_TYPE.ws("").with(UNNAMED_TYPE_PARTS);
const UNNAMED_TYPE_PARTS: &[FieldSpec] = &[
    field::OPT_COPY.ws(""),
    field::OPT_CLASS.ws(""),
    field::OPT_NUMBER.ws(""),
];

/// The options as type-length-value items, until one does not parse.
fn annotate_options(layer: &mut Layer, opts: &[u8], base: usize) {
    let mut at = 0;
    while let Some(&kind) = opts.get(at) {
        let len = match kind {
            0 | 1 => 1,
            _ => match opts.get(at + 1) {
                Some(&l) if l >= 2 && at + usize::from(l) <= opts.len() => usize::from(l),
                _ => return,
            },
        };
        let here = &opts[at..at + len];
        let b = base + at;
        layer.push_one(here, b, &option_spec(kind, len), 1);
        if wireshark_decodes(kind) {
            layer.push_one(here, b, &field::OPT_TYPE, 2);
        } else {
            layer.push_one(here, b, &UNNAMED_TYPE, 2);
        }
        if len > 1 {
            let length = if wireshark_decodes(kind) {
                field::OPT_LEN
            } else {
                field::OPT_LEN.ws("")
            };
            layer.push_one(here, b, &length, 2);
            annotate_option_data(layer, kind, here, b);
        }
        if kind == 0 {
            return;
        }
        at += len;
    }
}

/// An option's data (after type and length): Record Route's pointer and
/// addresses, Timestamp's pointer, flags and entries, Router Alert's
/// value; bytes for the others.
fn annotate_option_data(layer: &mut Layer, kind: u8, here: &[u8], base: usize) {
    let len = here.len();
    // The 4-byte entries from byte `from` on.
    let entries = |from: usize| (0..(len.saturating_sub(from)) / 4).map(move |i| from + 4 * i);
    match kind {
        // Record Route; Loose and Strict Source Route have its shape too,
        // but Wireshark names their fields apart, so they stay bytes.
        7 if len >= 3 => {
            layer.push_one(here, base, &field::OPT_POINTER, 2);
            // The pointer counts from 1: an entry at byte `at` is filled
            // when the pointer has moved past it.
            let pointer = usize::from(here[2]);
            for at in entries(3) {
                let spec = if at + 1 < pointer {
                    field::RR_ADDR
                } else {
                    field::RR_EMPTY
                };
                layer.push_one(here, base, &spec.at(at * 8), 2);
            }
        }
        68 if len >= 4 => {
            layer.push(
                here,
                base,
                &[field::OPT_POINTER, field::TS_OVERFLOW, field::TS_FLAG],
                2,
            );
            let with_addr = matches!(here[3] & 0x0f, 1 | 3);
            for (i, at) in entries(4).enumerate() {
                let spec = if with_addr && i % 2 == 0 {
                    field::TS_ADDR
                } else {
                    field::TS_STAMP
                };
                layer.push_one(here, base, &spec.at(at * 8), 2);
            }
        }
        148 if len == 4 => {
            layer.push_one(here, base, &field::RA_VALUE, 2);
        }
        _ => {
            layer.push_one(here, base, &field::OPT_DATA.sized((len - 2) * 8), 2);
        }
    }
}

/// Where the options stop parsing, if they do: the offset (from the
/// options' start) and the option length byte that is wrong.
pub(crate) fn bad_option(opts: &[u8]) -> Option<(usize, u8)> {
    let mut at = 0;
    while let Some(&kind) = opts.get(at) {
        match kind {
            0 => return None,
            1 => at += 1,
            _ => match opts.get(at + 1) {
                Some(&l) if l >= 2 && at + usize::from(l) <= opts.len() => at += usize::from(l),
                Some(&l) => return Some((at + 1, l)),
                None => return Some((at, 0)),
            },
        }
    }
    None
}

#[cfg(test)]
mod test {
    use proptest::prelude::*;

    use super::*;

    // 192.168.12.1 -> 192.168.13.1, TCP, 25 bytes of payload, DF, TTL 64.
    static PACKET_BYTES: [u8; 24] = [
        0x45, 0x00, 0x00, 0x2d, 0x00, 0x01, 0x40, 0x00, 0x40, 0x06, 0xa0, 0x77, 0xc0, 0xa8, 0x0c,
        0x01, 0xc0, 0xa8, 0x0d, 0x01, 0xaa, 0xbb, 0xcc, 0xdd,
    ];

    fn repr() -> Repr {
        Repr {
            src_addr: Ipv4Addr::new(192, 168, 12, 1),
            dst_addr: Ipv4Addr::new(192, 168, 13, 1),
            protocol: IpProtocol::TCP,
            payload_len: 25,
            ttl: 64,
            dscp: 0,
            ecn: 0,
            ident: 1,
            dont_frag: true,
            more_frags: false,
            frag_offset: 0,
            options: Vec::new(),
        }
    }

    fn full() -> Vec<u8> {
        let mut v = PACKET_BYTES[..20].to_vec();
        v.resize(45, 0);
        v
    }

    #[test]
    fn deconstruct() {
        let p = Packet::new_unchecked(&PACKET_BYTES[..]);
        assert_eq!(p.version(), 4);
        assert_eq!(p.header_len(), 20);
        assert_eq!(p.total_len(), 45);
        assert_eq!(p.ident(), 1);
        assert!(p.dont_frag() && !p.more_frags());
        assert_eq!(p.frag_offset(), 0);
        assert_eq!(p.ttl(), 64);
        assert_eq!(p.protocol(), IpProtocol::TCP);
        assert_eq!(p.checksum(), 0xa077);
        assert!(p.verify_checksum());
        assert_eq!(p.src_addr(), Ipv4Addr::new(192, 168, 12, 1));
        assert_eq!(p.dst_addr(), Ipv4Addr::new(192, 168, 13, 1));
    }

    #[test]
    fn construct() {
        let mut bytes = [0xffu8; 20];
        let mut p = Packet::new_unchecked(&mut bytes[..]);
        p.set_version(4);
        p.set_header_len(20);
        p.set_dscp(0);
        p.set_ecn(0);
        p.set_total_len(45);
        p.set_ident(1);
        p.clear_flags();
        p.set_dont_frag(true);
        p.set_more_frags(false);
        p.set_frag_offset(0);
        p.set_ttl(64);
        p.set_protocol(IpProtocol::TCP);
        p.set_src_addr(Ipv4Addr::new(192, 168, 12, 1));
        p.set_dst_addr(Ipv4Addr::new(192, 168, 13, 1));
        p.fill_checksum();
        assert_eq!(bytes, PACKET_BYTES[..20]);
    }

    #[test]
    fn parse_and_emit() {
        let bytes = full();
        let p = Packet::new_checked(&bytes[..]).unwrap();
        assert_eq!(Repr::parse(&p).unwrap(), repr());
        let mut out = [0u8; 20];
        repr().emit(&mut Packet::new_unchecked(&mut out[..]));
        assert_eq!(out, PACKET_BYTES[..20]);
    }

    #[test]
    fn options_are_padded_and_named() {
        let with = Repr {
            options: vec![0x94, 0x04, 0x00, 0x00, 0x01],
            payload_len: 0,
            ..repr()
        };
        assert_eq!(with.buffer_len(), 28);
        let mut out = [0u8; 28];
        with.emit(&mut Packet::new_unchecked(&mut out[..]));
        let p = Packet::new_checked(&out[..]).unwrap();
        assert!(p.verify_checksum());
        assert_eq!(p.options(), &[0x94, 4, 0, 0, 1, 0, 0, 0]);
        let layer = annotate(&out, 14);
        let names: Vec<_> = layer
            .fields
            .iter()
            .skip(17)
            .map(|f| (f.name, f.offset))
            .collect();
        assert_eq!(names[0], ("Options", 34));
        assert_eq!(names[1], ("Router Alert", 34));
        assert!(names.contains(&("No-Operation", 38)));
        assert!(names.contains(&("End of Options List", 39)));
        assert_eq!(bad_option(&[0x94, 0x09, 0, 0]), Some((1, 9)));
        assert_eq!(bad_option(&[1, 1, 0x94]), Some((2, 0)));
        assert_eq!(bad_option(&[1, 0, 0xff]), None);
    }

    #[test]
    fn record_route_timestamp_and_router_alert_are_decoded() {
        // Record Route with room for 2, one filled; NOP; Timestamp with
        // addresses (flag 1), one entry; Router Alert.
        let options = vec![
            7, 11, 8, 10, 0, 0, 254, 0, 0, 0, 0, 1, // RR, NOP
            68, 12, 13, 0x01, 10, 0, 0, 254, 0, 0, 0, 5, // TS
            0x94, 4, 0, 0, // RA
        ];
        let with = Repr {
            options,
            payload_len: 0,
            ..repr()
        };
        let mut out = vec![0u8; with.buffer_len()];
        with.emit(&mut Packet::new_unchecked(&mut out[..]));
        let layer = annotate(&out, 0);
        let got: Vec<_> = layer
            .fields
            .iter()
            .filter(|f| f.depth == 2 && !matches!(f.name, "Type" | "Length"))
            .map(|f| (f.name, f.offset, f.display.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("Pointer", 22, "8"),
                ("Recorded Route", 23, "10.0.0.254"),
                ("Empty Route", 27, "0.0.0.0"),
                ("Pointer", 34, "13"),
                ("Overflow", 35, "0"),
                ("Flag", 35, "0x1 (Time stamp and address)"),
                ("Address", 36, "10.0.0.254"),
                ("Time stamp", 40, "5"),
                ("Router Alert", 46, "0 (Router shall examine packet)"),
            ]
        );
        let rr = layer.field("Record Route").unwrap();
        assert_eq!((rr.wireshark, rr.bits), ("ip.options.record_route", 88));
        assert_eq!(bad_option(&out[HEADER_LEN..]), None);
    }

    #[test]
    fn length_and_content_errors() {
        let e = Packet::new_checked(&PACKET_BYTES[..19]).unwrap_err();
        assert!(matches!(e, WireError::Length(_)), "{e}");
        let e = Packet::new_checked(&PACKET_BYTES[..]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "IPv4: the Total Length field says 45 bytes from byte 0, only 24 are there"
        );
        let mut bad = full();
        bad[0] = 0x44;
        let e = Packet::new_checked(&bad[..]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "IPv4: Header Length is 4 at byte 0; it counts 32-bit words and is at least 5 (20 bytes)"
        );
        let mut bad = full();
        bad[3] = 10;
        let e = Packet::new_checked(&bad[..]).unwrap_err();
        assert!(
            matches!(e, WireError::Content(ref c) if c.field == "Total Length"),
            "{e}"
        );
    }

    #[test]
    fn annotation_reads_units() {
        let layer = annotate(&PACKET_BYTES, 14);
        assert_eq!(layer.length, 20);
        assert_eq!(
            layer.field("Header Length").unwrap().display,
            "5 (20 bytes)"
        );
        assert_eq!(
            layer.field("Flags").unwrap().display,
            "0x2 (Don't fragment)"
        );
        assert_eq!(layer.field("Flags").unwrap().offset, 20);
        assert_eq!(
            layer.field("Don't fragment").unwrap().bit_offset,
            14 * 8 + 49
        );
        assert_eq!(layer.field("Protocol").unwrap().display, "6 (TCP)");
        assert_eq!(layer.summary, "Src: 192.168.12.1, Dst: 192.168.13.1");
    }

    proptest! {
        #[test]
        fn reprs_round_trip(
            addrs in any::<([u8; 4], [u8; 4])>(),
            small in any::<(u8, u8, u8, u8)>(),
            ident in any::<u16>(),
            flags in any::<(bool, bool)>(),
            frag_offset in 0..0x2000u16,
            payload_len in 0..1480usize,
            options in proptest::collection::vec(any::<u8>(), 0..=40),
        ) {
            let repr = Repr {
                src_addr: Ipv4Addr::from(addrs.0),
                dst_addr: Ipv4Addr::from(addrs.1),
                protocol: IpProtocol(small.0),
                payload_len,
                ttl: small.1,
                dscp: small.2 & 0x3f,
                ecn: small.3 & 0x03,
                ident,
                dont_frag: flags.0,
                more_frags: flags.1,
                frag_offset,
                options,
            };
            let mut bytes = vec![0u8; repr.buffer_len() + payload_len];
            repr.emit(&mut Packet::new_unchecked(&mut bytes[..]));
            let p = Packet::new_checked(&bytes[..]).unwrap();
            prop_assert!(p.verify_checksum());
            let mut expected = repr.clone();
            expected.options.resize(repr.buffer_len() - HEADER_LEN, 0);
            prop_assert_eq!(Repr::parse(&p).unwrap(), expected);
        }
    }
}
