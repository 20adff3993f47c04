//! Bytes to the annotated layers, the way a learner needs it: lax.
//!
//! Like etherparse's lax slicing, dissection never fails as a whole. It
//! decodes layer after layer (Ethernet II, 802.1Q tags and 802.1ad's
//! stacked ones, ARP, IPv4 with its options, IPv6 with its extension
//! headers, ICMP, ICMPv6, UDP, TCP with its options, the data, the padding
//! and an FCS) and, where something is
//! wrong, records a [`Finding`] saying which layer, which byte and why,
//! then goes on if it can:
//!
//! - a header cut short keeps the fields that are there, and decoding
//!   stops ([`Finding::Length`]);
//! - a length field that promises more than the frame holds is a length
//!   finding, and the bytes that are there are decoded anyway;
//! - a value the header does not allow (IPv4 version 5, a TCP data offset
//!   of 3) is a [`Finding::Content`], and decoding stops;
//! - a wrong checksum is a [`Finding::Checksum`], and decoding goes on
//!   (the field's display says `[incorrect, should be 0x…]`);
//! - something netlab does not decode (an unknown EtherType, IPv4 and
//!   IPv6 fragments, which it does not reassemble, AH and ESP, a chain of
//!   more than 8 IPv6 extension headers) is a [`Finding::Unsupported`],
//!   and the rest is shown as data.
//!
//! Every byte of the frame ends up in some layer, so the tree and the hex
//! dump always cover each other.

use serde::{Serialize, Serializer};
use thiserror::Error;

use super::annotate::Layer;
use super::checksum::{self, PseudoHeader};
use super::error::{ContentError, LenError, LenSource, WireError};
use super::ethernet::{self, EtherType, MIN_FRAME_LEN};
use super::field::{FieldSpec, Format, hex};
use super::ipv4::{self, IpProtocol};
use super::layer::Protocol;
use super::{arp, icmpv4, icmpv6, ipv6, ipv6ext, sll, tcp, udp, vlan};

/// A checksum that does not match the bytes it covers.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error(
    "{layer}: {field} is 0x{found:04x} at byte {offset}, but the bytes it covers need 0x{expected:04x}"
)]
pub struct ChecksumError {
    pub layer: Protocol,
    pub offset: usize,
    pub field: &'static str,
    pub found: u32,
    pub expected: u32,
}

/// Something netlab does not decode; the rest of the frame is data.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{layer}: {what} (byte {offset}); the rest is shown as data")]
pub struct Unsupported {
    pub layer: Protocol,
    pub offset: usize,
    pub what: String,
}

/// Where and why a frame is not what its headers say.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Finding {
    /// Fewer bytes than a header or a length field needs.
    #[error(transparent)]
    Length(LenError),
    /// A field holds a value its header does not allow.
    #[error(transparent)]
    Content(ContentError),
    /// A checksum does not match.
    #[error(transparent)]
    Checksum(ChecksumError),
    /// A protocol or feature netlab does not decode.
    #[error(transparent)]
    Unsupported(Unsupported),
}

impl Finding {
    /// `length`, `content`, `checksum` or `unsupported`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Length(_) => "length",
            Self::Content(_) => "content",
            Self::Checksum(_) => "checksum",
            Self::Unsupported(_) => "unsupported",
        }
    }

    /// The header the finding is about.
    pub fn protocol(&self) -> Protocol {
        match self {
            Self::Length(e) => e.layer,
            Self::Content(e) => e.layer,
            Self::Checksum(e) => e.layer,
            Self::Unsupported(e) => e.layer,
        }
    }

    /// The frame byte it is about.
    pub fn offset(&self) -> usize {
        match self {
            Self::Length(e) => e.offset,
            Self::Content(e) => e.offset,
            Self::Checksum(e) => e.offset,
            Self::Unsupported(e) => e.offset,
        }
    }
}

impl From<WireError> for Finding {
    fn from(e: WireError) -> Self {
        match e {
            WireError::Length(e) => Self::Length(e),
            WireError::Content(e) => Self::Content(e),
        }
    }
}

/// A finding's particulars, so an interface can word it in its own
/// language (the playground's Chinese); `message` says the same in English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum FindingDetail {
    /// `length`: `needed` bytes from `offset`, as the header or its
    /// `field` (a length field, or several named together; `null` for the
    /// header itself) says. `says` is the number in that one field, which
    /// may count otherwise (IPv6's Payload Length leaves out the 40-byte
    /// header); `null` for the header or several fields.
    Length {
        header: &'static str,
        field: Option<&'static str>,
        says: Option<u64>,
        needed: usize,
        available: usize,
    },
    /// `content`: `field` holds `value`; `rule` says what is allowed (English).
    Content {
        header: &'static str,
        field: &'static str,
        value: u64,
        rule: &'static str,
    },
    /// `checksum`: `field` holds `found`; the bytes it covers need `expected`.
    Checksum {
        header: &'static str,
        field: &'static str,
        found: u32,
        expected: u32,
    },
    /// `unsupported`: what is not decoded is in `message`.
    Unsupported { header: &'static str },
}

impl Finding {
    /// The particulars behind the message.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::packet::dissect::{FindingDetail, dissect};
    ///
    /// let d = dissect(&[0u8; 10]);
    /// assert_eq!(
    ///     d.findings[0].detail(),
    ///     FindingDetail::Length { header: "Ethernet", field: None, says: None, needed: 14, available: 10 }
    /// );
    /// ```
    pub fn detail(&self) -> FindingDetail {
        let header = self.protocol().short_name();
        match self {
            Self::Length(e) => FindingDetail::Length {
                header,
                field: match e.len_source {
                    LenSource::Header => None,
                    LenSource::Field { name, .. } | LenSource::Fields(name) => Some(name),
                },
                says: match e.len_source {
                    LenSource::Field { says, .. } => Some(says),
                    LenSource::Header | LenSource::Fields(_) => None,
                },
                needed: e.needed,
                available: e.available,
            },
            Self::Content(e) => FindingDetail::Content {
                header,
                field: e.field,
                value: e.value,
                rule: e.rule,
            },
            Self::Checksum(e) => FindingDetail::Checksum {
                header,
                field: e.field,
                found: e.found,
                expected: e.expected,
            },
            Self::Unsupported(_) => FindingDetail::Unsupported { header },
        }
    }
}

impl Serialize for Finding {
    /// `{kind, protocol, layer, offset, message, detail}`.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Json {
            kind: &'static str,
            protocol: Protocol,
            layer: super::layer::FiveLayer,
            offset: usize,
            message: String,
            detail: FindingDetail,
        }
        Json {
            kind: self.kind(),
            protocol: self.protocol(),
            layer: self.protocol().five(),
            offset: self.offset(),
            message: self.to_string(),
            detail: self.detail(),
        }
        .serialize(s)
    }
}

/// A frame read back into layers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dissection {
    /// The layers in frame order; together they cover every byte.
    pub layers: Vec<Layer>,
    /// What is wrong, in frame order of discovery; empty for a good frame.
    pub findings: Vec<Finding>,
    /// The frame's bytes, in lowercase hex.
    pub hex: String,
    /// The frame's length in bytes.
    pub length: usize,
}

/// Reads an Ethernet II frame (as a capture shows it: no preamble, no
/// FCS) into annotated layers and findings. Never fails, never panics.
///
/// # Examples
///
/// ```
/// use netlab_core::packet::dissect::dissect;
///
/// let mut frame = [0xff; 20];
/// frame[6] = 0x02; // a card's own (individual) source address
/// let d = dissect(&frame);
/// assert_eq!(d.layers[0].name, "Ethernet II");
/// assert_eq!(d.layers[1].name, "Data");
/// assert_eq!(
///     d.findings[0].to_string(),
///     "Ethernet: EtherType 0xffff is not decoded (byte 12); the rest is shown as data"
/// );
///
/// let cut = dissect(&[0x02, 0x00]);
/// assert_eq!(cut.findings[0].kind(), "length");
/// ```
pub fn dissect(frame: &[u8]) -> Dissection {
    let mut d = Dissector {
        frame,
        layers: Vec::new(),
        findings: Vec::new(),
    };
    d.ethernet();
    d.done()
}

/// A capture's link type netlab does not dissect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error(
    "link type {0} is neither Ethernet (1) nor a Linux cooked capture (113, 276); netlab dissects those"
)]
pub struct LinkTypeError(pub u32);

/// A captured packet of a capture whose link type is `link_type`: Ethernet
/// (1) as [`dissect`] reads it, or a Linux cooked capture (113, 276: what
/// `tcpdump -i any` writes) from its cooked header on; an error for a link
/// type netlab does not read.
///
/// # Examples
///
/// ```
/// use netlab_core::packet::dissect::dissect_captured;
///
/// // tcpdump -i any on lo: sent by us, loopback, no address, then IPv4.
/// let mut packet = vec![0, 4, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00];
/// packet.extend([0x45, 0, 0, 20, 0, 0, 0x40, 0, 64, 17, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1]);
/// let d = dissect_captured(113, &packet).unwrap();
/// assert_eq!(d.layers[0].name, "Linux cooked capture v1");
/// assert_eq!(d.layers[1].name, "IPv4");
/// assert_eq!(
///     dissect_captured(105, &packet).unwrap_err().to_string(),
///     "link type 105 is neither Ethernet (1) nor a Linux cooked capture (113, 276); netlab dissects those"
/// );
/// ```
pub fn dissect_captured(link_type: u32, frame: &[u8]) -> Result<Dissection, LinkTypeError> {
    if link_type == super::pcap::LINKTYPE_ETHERNET {
        return Ok(dissect(frame));
    }
    let version = sll::Version::of_link_type(link_type).ok_or(LinkTypeError(link_type))?;
    let mut d = Dissector {
        frame,
        layers: Vec::new(),
        findings: Vec::new(),
    };
    d.cooked(version);
    Ok(d.done())
}

const DATA: FieldSpec = FieldSpec::new("Data", 0, 0)
    .show(Format::PyBytes)
    .ws("data.data")
    .about("The application's bytes: what send() was given and recv() returns.");
const QUOTED: FieldSpec = FieldSpec::new("Original datagram", 0, 0)
    .show(Format::Bytes)
    .about("The IP header and first 8 bytes of the packet this error is about.");
const AFTER_UDP: FieldSpec = FieldSpec::new("Extra bytes", 0, 0)
    .show(Format::Bytes)
    .about("Bytes the IP packet carries after the end the UDP Length field gives: no part of the datagram, so recv() never returns them.");
const QUOTED_REST: FieldSpec = FieldSpec::new("Original datagram", 0, 0)
    .show(Format::Bytes)
    .about("The rest of what the quoted packet carried, as far as the error quotes it.");
const UNDECODED: FieldSpec = FieldSpec::new("Data", 0, 0)
    .show(Format::Bytes)
    .ws("data.data")
    .about("Bytes netlab does not decode (see the findings).");
const PADDING: FieldSpec = FieldSpec::new("Padding", 0, 0)
    .show(Format::Bytes)
    .ws("eth.padding")
    .about("Zeros after the packet, up to Ethernet's 60-byte minimum frame.");
const FCS: FieldSpec = FieldSpec::new("Frame Check Sequence", 0, 32)
    .show(Format::Hex)
    .derived()
    .ws("eth.fcs")
    .about("The last 4 bytes of a frame of 64 bytes or more, taken (as Wireshark takes them) for the CRC-32 the sending card appends; most captures leave it out, so they may be a trailer instead.");
const TRAILER: FieldSpec = FieldSpec::new("Trailer", 0, 0)
    .show(Format::Bytes)
    .ws("eth.trailer")
    .about("Bytes after the packet and its padding: not part of the packet; a capture may keep the FCS or a switch's tag here.");

const VLAN_TRAILER: FieldSpec = TRAILER.ws("vlan.trailer");
const SLL_TRAILER: FieldSpec = FieldSpec::new("Trailer", 0, 0)
    .show(Format::Bytes)
    .ws("sll.trailer")
    .about("Bytes the capture holds after the packet: not part of the packet.");
const S_TAG_TRAILER: FieldSpec = TRAILER.ws("");

/// What an IP header says it carries, and the frame byte of the field
/// that says it (IPv4's Protocol, IPv6's last Next Header).
#[derive(Debug, Clone, Copy)]
struct Next {
    proto: IpProtocol,
    field_at: usize,
}

struct Dissector<'a> {
    frame: &'a [u8],
    layers: Vec<Layer>,
    findings: Vec<Finding>,
}

impl Dissector<'_> {
    fn done(self) -> Dissection {
        Dissection {
            layers: self.layers,
            findings: self.findings,
            hex: hex(self.frame),
            length: self.frame.len(),
        }
    }

    /// A Linux cooked capture's header, then what its Protocol says; bytes
    /// after the packet are its trailer (`sll.trailer`): no padding and no
    /// FCS, since no wire was captured.
    fn cooked(&mut self, version: sll::Version) {
        let data = self.frame;
        self.layers.push(sll::annotate(data, version));
        let header = match sll::Header::new_checked(data, version) {
            Ok(h) => h,
            Err(e) => return self.wire(e, 0),
        };
        let at = version.header_len();
        let end = self.network(header.protocol(), at, Protocol::LinuxSll);
        if end < data.len() {
            self.named_bytes_layer(end, data.len(), SLL_TRAILER, "Trailer");
        }
    }

    /// The packet an EtherType names, from `at`; where it ends. `layer` is
    /// the one whose Type field named it, for the finding when netlab does
    /// not decode it.
    fn network(&mut self, ethertype: EtherType, at: usize, layer: Protocol) -> usize {
        match ethertype {
            EtherType::ARP => self.arp(at),
            EtherType::IPV4 => self.ipv4(at),
            EtherType::IPV6 => self.ipv6(at),
            t => {
                let what = if t.is_length() {
                    format!(
                        "{} is an IEEE 802.3 length (LLC follows), not an EtherType",
                        t.0
                    )
                } else {
                    format!(
                        "EtherType {} is not decoded",
                        ethernet::type_text(u64::from(t.0))
                    )
                };
                self.unsupported(layer, at - 2, what);
                self.rest(at);
                self.frame.len()
            }
        }
    }

    fn wire(&mut self, e: WireError, at: usize) {
        self.findings.push(e.shifted(at).into());
    }

    fn unsupported(&mut self, layer: Protocol, offset: usize, what: String) {
        self.findings.push(Finding::Unsupported(Unsupported {
            layer,
            offset,
            what,
        }));
    }

    /// An option whose Option Length field breaks `rule` (IPv4, TCP and
    /// ICMPv6 options share the type-length shape), at the frame's `offset`.
    fn option_length(&mut self, layer: Protocol, offset: usize, len: u8, rule: &'static str) {
        self.findings.push(Finding::Content(ContentError::new(
            layer,
            offset,
            "Option Length",
            u64::from(len),
            rule,
        )));
    }

    /// A layer of `bytes` from `at` to `end`, as one field.
    fn bytes_layer(&mut self, protocol: Protocol, at: usize, end: usize, spec: FieldSpec) {
        let end = end.min(self.frame.len());
        if at >= end {
            return;
        }
        let data = &self.frame[at..end];
        let mut layer = Layer::new(protocol, at, data.len());
        layer.push_one(data, at, &spec.sized(data.len() * 8), 0);
        layer.summary = crate::english::count(data.len() as u64, "byte", "bytes");
        self.layers.push(layer);
    }

    /// Whatever follows `at` after decoding stopped.
    fn rest(&mut self, at: usize) {
        let last_end = self.layers.last().map_or(0, |l| l.offset + l.length);
        self.bytes_layer(
            Protocol::Data,
            at.max(last_end),
            self.frame.len(),
            UNDECODED,
        );
    }

    fn checksum(
        &mut self,
        layer: Protocol,
        field: FieldSpec,
        at: usize,
        found: u16,
        expected: u16,
    ) {
        let good = found == expected;
        if let Some(l) = self.layers.last_mut() {
            if good {
                l.note(field.name, "[correct]");
            } else {
                l.note(
                    field.name,
                    &format!("[incorrect, should be 0x{expected:04x}]"),
                );
            }
        }
        if !good {
            self.findings.push(Finding::Checksum(ChecksumError {
                layer,
                offset: at + field.bytes().start,
                field: field.name,
                found: u32::from(found),
                expected: u32::from(expected),
            }));
        }
    }

    fn ethernet(&mut self) {
        let data = self.frame;
        self.layers.push(ethernet::annotate(data, 0));
        let frame = match ethernet::Frame::new_checked(data) {
            Ok(f) => f,
            Err(e) => return self.wire(e, 0),
        };
        // IEEE 802.3: a frame comes from one card, so its source is never a
        // group (multicast or broadcast) address. tshark warns too.
        let src = frame.src_addr();
        if src.is_multicast() {
            self.findings.push(Finding::Content(ContentError::new(
                Protocol::Ethernet,
                6,
                "Source",
                u64::from(src.0[0]),
                "the first byte's lowest bit (I/G) is 1, a group address; a frame comes from one card, so its source is an individual address",
            )));
        }
        let mut ethertype = frame.ethertype();
        let mut last_tag = None;
        let mut at = ethernet::HEADER_LEN;
        // 802.1Q tags, and 802.1ad's two (Q-in-Q); each is 4 bytes, so the
        // loop ends with the frame.
        while vlan::is_tag(ethertype) {
            let rest = &data[at..];
            self.layers.push(vlan::annotate(rest, at, ethertype));
            last_tag = Some(ethertype);
            match vlan::Packet::new_checked(rest) {
                Ok(tag) => ethertype = tag.ethertype(),
                Err(e) => return self.wire(e, at),
            }
            at += vlan::HEADER_LEN;
        }
        let end = self.network(ethertype, at, Protocol::Ethernet);
        if end < data.len() {
            self.after_packet(end, last_tag);
        }
    }

    /// The bytes after the packet (from `end`), split as tshark 4.0 splits
    /// them with its default preferences (checked with `tshark -V` and
    /// `-T pdml`): in a frame of at least 60 bytes, zeros up to the 60-byte
    /// minimum are padding (padding that is not all zeros is a trailer
    /// whole). In an untagged frame of at least 64 bytes with 4 or more
    /// bytes left, its heuristic (`eth.fcs: According to heuristic`) takes
    /// the last 4 for the FCS, whatever they hold; netlab also says whether
    /// they are the frame's CRC-32, as `eth.check_fcs` would. What is left
    /// between is a trailer; an 802.1Q tag's dissector takes no FCS and
    /// names that trailer its own (`vlan.trailer`).
    fn after_packet(&mut self, end: usize, last_tag: Option<EtherType>) {
        let len = self.frame.len();
        let pad_end = if len >= MIN_FRAME_LEN {
            MIN_FRAME_LEN.max(end)
        } else {
            end
        };
        let zeros = self.frame[end..pad_end].iter().all(|&b| b == 0);
        let trailer_from = if zeros && pad_end > end {
            self.named_bytes_layer(end, pad_end, PADDING, "Ethernet padding");
            pad_end
        } else {
            end
        };
        let fcs_at = if last_tag.is_none() && len >= MIN_FRAME_LEN + 4 && len - trailer_from >= 4 {
            len - 4
        } else {
            len
        };
        if trailer_from < fcs_at {
            let (from, to) = (trailer_from, fcs_at);
            match last_tag {
                None => self.named_bytes_layer(from, to, TRAILER, "Ethernet trailer"),
                // 802.1ad's dissector leaves no trailer field of its own.
                Some(EtherType::QINQ) => {
                    self.named_bytes_layer(from, to, S_TAG_TRAILER, "Ethernet trailer");
                }
                Some(_) => self.named_bytes_layer(from, to, VLAN_TRAILER, "Ethernet trailer"),
            }
        }
        if fcs_at < len {
            self.fcs(fcs_at);
        }
    }

    /// The 4 bytes at `at` as an FCS, judged against the frame before them.
    fn fcs(&mut self, at: usize) {
        let bytes = &self.frame[at..];
        let mut layer = Layer::new(Protocol::EthernetTrailer, at, bytes.len());
        layer.name = "Ethernet FCS";
        layer.push_one(bytes, at, &FCS, 0);
        // Sent as the CRC's little-endian bytes (see `checksum::fcs`).
        let expected = u32::from_be_bytes(checksum::fcs(&self.frame[..at]).to_le_bytes());
        if FCS.get(bytes) == u64::from(expected) {
            layer.note(FCS.name, "[correct]");
        } else {
            layer.note(
                FCS.name,
                &format!(
                    "[not the frame's CRC-32, 0x{expected:08x}: a trailer, or a damaged frame]"
                ),
            );
        }
        layer.summary = crate::english::count(4, "byte", "bytes");
        self.layers.push(layer);
    }

    /// One of the bytes after the packet, under its own name.
    fn named_bytes_layer(&mut self, start: usize, end: usize, spec: FieldSpec, name: &'static str) {
        self.bytes_layer(Protocol::EthernetTrailer, start, end, spec);
        if let Some(l) = self.layers.last_mut() {
            l.name = name;
        }
    }

    /// Decodes ARP at `at`; returns where it ends.
    fn arp(&mut self, at: usize) -> usize {
        let rest = &self.frame[at..];
        let layer = arp::annotate(rest, at);
        let end = at + layer.length;
        self.layers.push(layer);
        match arp::Packet::new_checked(rest).and_then(|p| arp::Repr::parse(&p)) {
            Ok(_) => end,
            Err(e) => {
                self.wire(e, at);
                self.rest(end);
                self.frame.len()
            }
        }
    }

    /// Decodes IPv4 at `at`; returns where the packet ends.
    fn ipv4(&mut self, at: usize) -> usize {
        let rest = &self.frame[at..];
        self.layers.push(ipv4::annotate(rest, at));
        let p = ipv4::Packet::new_unchecked(rest);
        if let Err(e) = p.check_header() {
            self.wire(e, at);
            self.rest(at);
            return self.frame.len();
        }
        let header_len = usize::from(p.header_len());
        let total = usize::from(p.total_len());
        let complete = total <= rest.len() && total >= header_len;
        let packet_len = if total < header_len {
            self.findings.push(Finding::Content(ContentError::new(
                Protocol::Ipv4,
                at + 2,
                "Total Length",
                total as u64,
                "it counts the header too, so it is at least the Header Length",
            )));
            rest.len()
        } else if total > rest.len() {
            self.findings.push(Finding::Length(
                LenError::field(
                    Protocol::Ipv4,
                    "Total Length",
                    total as u64,
                    total,
                    rest.len(),
                )
                .shifted(at),
            ));
            rest.len()
        } else {
            total
        };
        self.checksum(
            Protocol::Ipv4,
            ipv4::CHECKSUM,
            at,
            p.checksum(),
            p.checksum_expected(),
        );
        if let Some((off, len)) = ipv4::bad_option(p.options()) {
            self.option_length(
                Protocol::Ipv4,
                at + ipv4::HEADER_LEN + off,
                len,
                "an option's length counts its type and length bytes and fits in the header",
            );
        }
        let payload_at = at + header_len;
        let end = at + packet_len;
        if p.more_frags() || p.frag_offset() != 0 {
            self.unsupported(
                Protocol::Ipv4,
                at + 6,
                format!(
                    "a fragment (offset {} bytes, more fragments: {}); netlab does not reassemble",
                    u32::from(p.frag_offset()) * 8,
                    if p.more_frags() { "yes" } else { "no" }
                ),
            );
            self.bytes_layer(Protocol::Data, payload_at, end, UNDECODED);
            return end;
        }
        let pseudo = PseudoHeader::V4 {
            src: p.src_addr(),
            dst: p.dst_addr(),
        };
        let carried = Next {
            proto: p.protocol(),
            field_at: at + 9,
        };
        self.transport(carried, Protocol::Ipv4, payload_at, end, pseudo, complete);
        end
    }

    /// Decodes IPv6 at `at`; returns where the packet ends.
    fn ipv6(&mut self, at: usize) -> usize {
        let rest = &self.frame[at..];
        self.layers.push(ipv6::annotate(rest, at));
        let p = ipv6::Packet::new_unchecked(rest);
        if let Err(e) = p.check_header() {
            self.wire(e, at);
            self.rest(at);
            return self.frame.len();
        }
        let wanted = ipv6::HEADER_LEN + usize::from(p.payload_len());
        let complete = wanted <= rest.len();
        if !complete {
            self.findings.push(Finding::Length(
                LenError::field(
                    Protocol::Ipv6,
                    "Payload Length",
                    p.payload_len().into(),
                    wanted,
                    rest.len(),
                )
                .shifted(at),
            ));
        }
        let end = at + wanted.min(rest.len());
        let mut next = at + ipv6::HEADER_LEN;
        let mut nh = p.next_header();
        // Where the Next Header field that names `nh` is.
        let mut nh_at = at + 6;
        let mut dst = p.dst_addr();
        let mut count = 0;
        while let Some(kind) = ipv6ext::ExtKind::from_next_header(nh) {
            if count == ipv6ext::MAX_CHAIN {
                self.unsupported(
                    Protocol::Ipv6,
                    nh_at,
                    format!(
                        "more than {} extension headers; netlab stops after {}",
                        ipv6ext::MAX_CHAIN,
                        ipv6ext::MAX_CHAIN
                    ),
                );
                self.bytes_layer(Protocol::Data, next, end, UNDECODED);
                return end;
            }
            count += 1;
            match self.ipv6_ext(kind, next, end) {
                Some((header_len, final_dst)) => {
                    nh = ipv6ext::Packet::new_unchecked(&self.frame[next..end], kind).next_header();
                    nh_at = next;
                    next += header_len;
                    dst = final_dst.unwrap_or(dst);
                }
                None => return end,
            }
        }
        let pseudo = PseudoHeader::V6 {
            src: p.src_addr(),
            dst,
        };
        let carried = Next {
            proto: nh,
            field_at: nh_at,
        };
        self.transport(carried, Protocol::Ipv6, next, end, pseudo, complete);
        end
    }

    /// Decodes one extension header at `at` (the packet ends at `end`):
    /// its length and, for a Routing header with segments left, the final
    /// destination; `None` when decoding stops here (a header cut short,
    /// a fragment), the rest having been shown.
    fn ipv6_ext(
        &mut self,
        kind: ipv6ext::ExtKind,
        at: usize,
        end: usize,
    ) -> Option<(usize, Option<std::net::Ipv6Addr>)> {
        let data = &self.frame[at..end];
        let layer = ipv6ext::annotate(data, at, kind);
        let shown = layer.length;
        self.layers.push(layer);
        let h = ipv6ext::Packet::new_unchecked(data, kind);
        if let Err(e) = h.check_len() {
            self.wire(e, at);
            self.bytes_layer(Protocol::Data, at + shown, end, UNDECODED);
            return None;
        }
        let header_len = h.header_len();
        match kind {
            ipv6ext::ExtKind::HopByHop | ipv6ext::ExtKind::DestinationOptions => {
                if let Some((off, len)) = ipv6ext::bad_option(h.options()) {
                    self.option_length(
                        Protocol::Ipv6,
                        at + 2 + off,
                        len,
                        "an option's length counts the data bytes after it, which end inside the header",
                    );
                }
            }
            ipv6ext::ExtKind::Fragment if h.frag_offset() != 0 || h.more_frags() => {
                self.unsupported(
                    Protocol::Ipv6,
                    at + 2,
                    format!(
                        "a fragment (offset {} bytes, more fragments: {}); netlab does not reassemble",
                        u32::from(h.frag_offset()) * 8,
                        if h.more_frags() { "yes" } else { "no" }
                    ),
                );
                self.bytes_layer(Protocol::Data, at + header_len, end, UNDECODED);
                return None;
            }
            _ => {}
        }
        Some((header_len, h.final_destination()))
    }

    /// Decodes what an IP packet carries, from `at` to `end`. Checksums
    /// are judged only when the packet is `complete`.
    fn transport(
        &mut self,
        next: Next,
        ip: Protocol,
        at: usize,
        end: usize,
        pseudo: PseudoHeader,
        complete: bool,
    ) {
        let Next { proto, field_at } = next;
        let seg = &self.frame[at..end];
        match (proto, ip) {
            (IpProtocol::TCP, _) => self.tcp(seg, at, pseudo, complete),
            (IpProtocol::UDP, _) => self.udp(seg, at, pseudo, complete, ip),
            (IpProtocol::ICMP, Protocol::Ipv4) => self.icmp(seg, at, complete),
            (IpProtocol::ICMPV6, Protocol::Ipv6) => self.icmpv6(seg, at, pseudo, complete),
            _ => {
                let name = ipv4::protocol_text(u64::from(proto.0));
                let field = if ip == Protocol::Ipv4 {
                    "protocol"
                } else {
                    "next header"
                };
                self.unsupported(ip, field_at, format!("{field} {name} is not decoded"));
                self.bytes_layer(Protocol::Data, at, end, UNDECODED);
            }
        }
    }

    fn tcp(&mut self, seg: &[u8], at: usize, pseudo: PseudoHeader, complete: bool) {
        let layer = tcp::annotate(seg, at);
        let header_end = at + layer.length;
        self.layers.push(layer);
        let p = tcp::Packet::new_unchecked(seg);
        if let Err(e) = p.check_len() {
            self.wire(e, at);
            self.bytes_layer(Protocol::Data, header_end, at + seg.len(), UNDECODED);
            return;
        }
        if let Some((off, len, rule)) = tcp::bad_option(p.options()) {
            self.option_length(Protocol::Tcp, at + tcp::HEADER_LEN + off + 1, len, rule);
        }
        if complete {
            self.checksum(
                Protocol::Tcp,
                tcp::CHECKSUM,
                at,
                p.checksum(),
                p.checksum_expected(pseudo),
            );
        }
        self.bytes_layer(Protocol::Data, header_end, at + seg.len(), DATA);
    }

    fn udp(&mut self, seg: &[u8], at: usize, pseudo: PseudoHeader, complete: bool, ip: Protocol) {
        let layer = udp::annotate(seg, at);
        self.layers.push(layer);
        if seg.len() < udp::HEADER_LEN {
            self.wire(
                LenError::header(Protocol::Udp, udp::HEADER_LEN, seg.len()).into(),
                at,
            );
            return;
        }
        let p = udp::Packet::new_unchecked(seg);
        let length = usize::from(p.len());
        let data_end = if length < udp::HEADER_LEN {
            self.findings.push(Finding::Content(ContentError::new(
                Protocol::Udp,
                at + 4,
                "Length",
                length as u64,
                "it counts the 8-byte header too, so it is at least 8",
            )));
            seg.len()
        } else if length > seg.len() {
            self.findings.push(Finding::Length(
                LenError::field(Protocol::Udp, "Length", length as u64, length, seg.len())
                    .shifted(at),
            ));
            seg.len()
        } else {
            if length < seg.len() && complete {
                self.findings.push(Finding::Content(ContentError::new(
                    Protocol::Udp,
                    at + 4,
                    "Length",
                    length as u64,
                    "it should equal the IP payload's length",
                )));
            }
            length
        };
        if complete && (udp::HEADER_LEN..=seg.len()).contains(&length) {
            let zero_ok = p.checksum() == 0 && matches!(pseudo, PseudoHeader::V4 { .. });
            let expected = if zero_ok {
                0
            } else {
                p.checksum_expected(pseudo)
            };
            if zero_ok {
                if let Some(l) = self.layers.last_mut() {
                    l.note("Checksum", "[none: the sender did not compute one]");
                }
            } else {
                self.checksum(Protocol::Udp, udp::CHECKSUM, at, p.checksum(), expected);
            }
        }
        self.bytes_layer(Protocol::Data, at + udp::HEADER_LEN, at + data_end, DATA);
        // Bytes the IP packet carries past the UDP Length: the IP layer's,
        // not the application's (recv() never returns them).
        if data_end < seg.len() {
            self.bytes_layer(ip, at + data_end, at + seg.len(), AFTER_UDP);
            if let Some(l) = self.layers.last_mut() {
                l.name = "IP payload after the UDP datagram";
            }
        }
    }

    fn icmp(&mut self, seg: &[u8], at: usize, complete: bool) {
        let layer = icmpv4::annotate(seg, at);
        let header_end = at + layer.length;
        self.layers.push(layer);
        let p = icmpv4::Packet::new_unchecked(seg);
        if let Err(e) = p.check_len() {
            return self.wire(e, at);
        }
        if complete {
            self.checksum(
                Protocol::Icmpv4,
                icmpv4::CHECKSUM,
                at,
                p.checksum(),
                p.checksum_expected(),
            );
        }
        match p.msg_type() {
            0 | 8 => self.bytes_layer(Protocol::Data, header_end, at + seg.len(), DATA),
            3 | 4 | 11 | 12 => self.quoted(header_end, at + seg.len(), false),
            5 => self.quoted(header_end, at + seg.len(), true),
            _ => self.bytes_layer(Protocol::Data, header_end, at + seg.len(), icmpv4::BODY),
        }
    }

    /// The packet an ICMP error quotes (RFC 792: its IP header and the
    /// first 8 bytes of what it carried, or more, RFC 1812), decoded as
    /// tshark does and named as quoted: which datagram the error is about,
    /// its addresses and ports. Nothing in it is judged: it is cut short
    /// on purpose, and its TTL may be the one that ran out.
    ///
    /// A Redirect's quote is read as RFC 792 words it, the IP header and
    /// 64 bits (`first_64_bits`): tshark shows no more of its transport
    /// header, however much is there.
    fn quoted(&mut self, from: usize, end: usize, first_64_bits: bool) {
        let data = &self.frame[from..end];
        let ip = ipv4::Packet::new_unchecked(data);
        if ip.check_header().is_err() {
            return self.bytes_layer(Protocol::Data, from, end, QUOTED);
        }
        let mut layer = ipv4::annotate(data, from);
        layer.name = "IPv4 (quoted by ICMP)";
        let t_at = from + layer.length;
        self.layers.push(layer);
        let t = &self.frame[t_at..end];
        let transport = match ip.protocol() {
            IpProtocol::UDP if t.len() >= udp::HEADER_LEN => {
                let mut l = udp::annotate(&t[..udp::HEADER_LEN], t_at);
                l.name = "UDP (quoted by ICMP)";
                Some(l)
            }
            IpProtocol::TCP if t.len() >= 8 => {
                let seg = if first_64_bits {
                    &t[..8]
                } else {
                    &t[..t.len().min(tcp::HEADER_LEN)]
                };
                let mut l = tcp::annotate(seg, t_at);
                l.name = "TCP (quoted by ICMP)";
                // tshark follows no stream inside an ICMP error, so it
                // shows the sequence number as it is, as `tcp.seq`, with
                // no relative number beside it.
                for f in &mut l.fields {
                    if f.wireshark == "tcp.seq_raw" {
                        f.wireshark = "tcp.seq";
                    }
                }
                let p = tcp::Packet::new_unchecked(&t[..8]);
                l.summary = format!(
                    "Src Port: {}, Dst Port: {}, Seq: {}",
                    p.src_port(),
                    p.dst_port(),
                    p.seq_number()
                );
                Some(l)
            }
            _ => None,
        };
        let data_at = match transport {
            Some(l) => {
                let next = t_at + l.length;
                self.layers.push(l);
                next
            }
            None => t_at,
        };
        if data_at < end {
            self.bytes_layer(Protocol::Data, data_at, end, QUOTED_REST);
        }
    }

    fn icmpv6(&mut self, seg: &[u8], at: usize, pseudo: PseudoHeader, complete: bool) {
        let layer = icmpv6::annotate(seg, at);
        let header_end = at + layer.length;
        self.layers.push(layer);
        let p = icmpv6::Packet::new_unchecked(seg);
        if let Err(e) = p.check_len() {
            return self.wire(e, at);
        }
        let t = p.msg_type();
        let fixed = p.header_len();
        let bad_option = if icmpv6::has_options(t) {
            icmpv6::scan_options(p.body()).1
        } else {
            None
        };
        if let Some((off, len, rule)) = bad_option {
            self.option_length(Protocol::Icmpv6, at + fixed + off + 1, len, rule);
        }
        if complete {
            self.checksum(
                Protocol::Icmpv6,
                icmpv6::CHECKSUM,
                at,
                p.checksum(),
                p.checksum_expected(pseudo),
            );
        }
        let spec = match t {
            1..=4 => icmpv6::INVOKING,
            128 | 129 => DATA,
            // After a malformed option: tshark shows that option as far
            // as it goes and calls the message malformed, so these bytes
            // are no `data.data` of its.
            133..=136 => UNDECODED.ws(""),
            // tshark decodes MLD's fields; netlab shows them as bytes.
            130..=132 | 143 => icmpv6::MLD_BODY,
            _ => icmpv6::BODY,
        };
        self.bytes_layer(Protocol::Data, header_end, at + seg.len(), spec);
    }
}

#[cfg(test)]
mod test {
    use std::net::Ipv4Addr;

    use proptest::prelude::*;

    use super::*;

    /// As tshark splits them (checked with tshark -V on these frames): zeros
    /// up to 60 bytes are padding, the rest a trailer; padding that is not
    /// all zeros is a trailer whole.
    #[test]
    fn padding_then_trailer_as_tshark_splits_them() {
        let arp = [
            0u8, 1, 8, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, 1, 192, 168, 12, 1, 0, 0, 0, 0, 0, 0, 192,
            168, 12, 2,
        ];
        let mut vlan = vec![0xff; 6];
        vlan.extend([2, 0, 0, 0, 0, 1, 0x81, 0, 0, 10, 0x08, 0x06]);
        vlan.extend(arp);
        vlan.resize(64, 0);
        let spans = |frame: &[u8]| -> Vec<(&str, usize, usize)> {
            dissect(frame)
                .layers
                .iter()
                .filter(|l| l.protocol == Protocol::EthernetTrailer)
                .map(|l| (l.name, l.offset, l.length))
                .collect()
        };
        assert_eq!(
            spans(&vlan),
            [("Ethernet padding", 46, 14), ("Ethernet trailer", 60, 4)]
        );
        let mut plain = vec![0xff; 6];
        plain.extend([2, 0, 0, 0, 0, 1, 0x08, 0x06]);
        plain.extend(arp);
        let mut dirty = plain.clone();
        dirty.resize(60, 1);
        assert_eq!(spans(&dirty), [("Ethernet trailer", 42, 18)]);
        plain.resize(60, 0);
        assert_eq!(spans(&plain), [("Ethernet padding", 42, 18)]);
    }
    use crate::mac::MacAddr;
    use crate::packet::encap::{EncapSpec, Transport, encapsulate};

    /// tshark's heuristic: in an untagged frame of 64 bytes or more, the
    /// last 4 bytes after the padding are an FCS, right or not; below 60
    /// bytes nothing is padding.
    #[test]
    fn an_fcs_as_tshark_guesses_it() {
        let spans = |frame: &[u8]| -> Vec<(&str, usize, usize)> {
            dissect(frame)
                .layers
                .iter()
                .filter(|l| l.protocol == Protocol::EthernetTrailer)
                .map(|l| (l.name, l.offset, l.length))
                .collect()
        };
        let f = hello();
        assert_eq!(f.len(), 59);
        let with = crate::packet::physical::with_fcs(&f);
        let d = dissect(&with);
        assert!(d.findings.is_empty(), "{:?}", d.findings);
        assert_eq!(
            spans(&with),
            [("Ethernet padding", 59, 1), ("Ethernet FCS", 60, 4)]
        );
        let fcs = d
            .layers
            .last()
            .unwrap()
            .field("Frame Check Sequence")
            .unwrap();
        assert!(fcs.display.ends_with(" [correct]"), "{}", fcs.display);
        // The same bytes, one flipped: still taken for an FCS, and said
        // not to match; no finding, since it may be no FCS at all.
        let mut bad = with.clone();
        bad[63] ^= 1;
        let d = dissect(&bad);
        assert!(d.findings.is_empty());
        let shown = &d.layers.last().unwrap().fields[0].display;
        assert!(shown.contains("[not the frame's CRC-32, 0x"), "{shown}");
        // Zeros past the packet in a frame under 60 bytes: a trailer.
        let mut short = f.clone();
        short.truncate(54);
        short[16..18].copy_from_slice(&40u16.to_be_bytes());
        short[24..26].copy_from_slice(&[0, 0]);
        let c = !crate::packet::checksum::data(&short[14..34]);
        short[24..26].copy_from_slice(&c.to_be_bytes());
        short.extend([0; 4]);
        assert_eq!(spans(&short), [("Ethernet trailer", 54, 4)]);
        // 63 bytes: padding and 3 bytes of trailer; 65: 1 and an FCS.
        let mut f63 = f.clone();
        f63.resize(60, 0);
        f63.extend([1, 2, 3]);
        assert_eq!(
            spans(&f63),
            [("Ethernet padding", 59, 1), ("Ethernet trailer", 60, 3)]
        );
        f63.extend([4, 5]);
        assert_eq!(
            spans(&f63),
            [
                ("Ethernet padding", 59, 1),
                ("Ethernet trailer", 60, 1),
                ("Ethernet FCS", 61, 4)
            ]
        );
    }

    #[test]
    fn qinq_tags_are_decoded_both() {
        let f = hello();
        for (tpid, outer) in [(0x88a8u16, "IEEE 802.1ad"), (0x9100, "802.1Q Virtual LAN")] {
            let mut q = f[..12].to_vec();
            q.extend(tpid.to_be_bytes());
            q.extend([0xa0, 0x64, 0x81, 0x00, 0x20, 0x0a]);
            q.extend_from_slice(&f[12..]);
            let d = dissect(&q);
            assert!(d.findings.is_empty(), "{:?}", d.findings);
            assert_eq!(
                names(&d),
                [
                    "Ethernet II",
                    outer,
                    "802.1Q Virtual LAN",
                    "IPv4",
                    "TCP",
                    "Data"
                ]
            );
            assert_eq!(d.layers[1].summary, "PRI: 5, DEI: 0, ID: 100");
            assert_eq!(d.layers[2].summary, "PRI: 1, DEI: 0, ID: 10");
            assert!(covers(&d));
        }
    }

    fn hello() -> Vec<u8> {
        let spec = EncapSpec::tcp(
            "192.168.12.1:53000".parse().unwrap(),
            "192.168.13.1:9000".parse().unwrap(),
            b"hello",
        );
        encapsulate(&spec).unwrap().frame
    }

    fn names(d: &Dissection) -> Vec<&str> {
        d.layers.iter().map(|l| l.name).collect()
    }

    /// Every byte of the frame is in exactly one layer, in order.
    fn covers(d: &Dissection) -> bool {
        let mut at = 0;
        for l in &d.layers {
            if l.offset != at {
                return false;
            }
            at += l.length;
        }
        at == d.length
    }

    #[test]
    fn a_good_frame_has_no_findings() {
        let d = dissect(&hello());
        assert_eq!(names(&d), ["Ethernet II", "IPv4", "TCP", "Data"]);
        assert!(d.findings.is_empty(), "{:?}", d.findings);
        assert!(covers(&d));
        let tcp = &d.layers[2];
        assert!(
            tcp.field("Checksum")
                .unwrap()
                .display
                .ends_with("[correct]")
        );
        assert_eq!(d.layers[3].fields[0].display, "b'hello'");
    }

    #[test]
    fn wrong_checksums_are_findings() {
        let mut f = hello();
        f[24] ^= 0xff; // IPv4 header checksum
        f[50] ^= 0x01; // TCP checksum
        let d = dissect(&f);
        assert_eq!(names(&d), ["Ethernet II", "IPv4", "TCP", "Data"]);
        let kinds: Vec<_> = d
            .findings
            .iter()
            .map(|x| (x.kind(), x.protocol(), x.offset()))
            .collect();
        assert_eq!(
            kinds,
            [
                ("checksum", Protocol::Ipv4, 24),
                ("checksum", Protocol::Tcp, 50)
            ]
        );
        assert!(
            d.findings[0]
                .to_string()
                .starts_with("IPv4: Header Checksum is 0x")
        );
        assert!(
            d.layers[1].fields[14]
                .display
                .contains("[incorrect, should be 0x")
        );
    }

    #[test]
    fn a_group_source_mac_is_a_finding() {
        let mut f = hello();
        f[6] = 0xff; // ff:…: the broadcast address as the source
        let d = dissect(&f);
        assert_eq!(
            d.findings
                .iter()
                .map(|x| (x.kind(), x.offset()))
                .collect::<Vec<_>>(),
            [("content", 6)]
        );
        assert!(d.findings[0].to_string().starts_with(
            "Ethernet: Source is 255 at byte 6; the first byte's lowest bit (I/G) is 1"
        ));
    }

    #[test]
    fn bytes_past_the_udp_length_are_the_ip_layers() {
        let mut f = encapsulate(&EncapSpec::udp(
            "192.168.12.1:53000".parse().unwrap(),
            "192.168.13.1:9000".parse().unwrap(),
            b"hello",
        ))
        .unwrap()
        .frame;
        // UDP Length 12 of the 13 bytes there: one byte is left over.
        f[38..40].copy_from_slice(&12u16.to_be_bytes());
        let d = dissect(&f);
        assert_eq!(
            names(&d),
            [
                "Ethernet II",
                "IPv4",
                "UDP",
                "Data",
                "IP payload after the UDP datagram"
            ]
        );
        let extra = &d.layers[4];
        assert_eq!((extra.protocol, extra.length), (Protocol::Ipv4, 1));
        assert!(covers(&d));
        assert!(d.findings.iter().any(|x| x.kind() == "content"));
    }

    #[test]
    fn an_icmp_error_shows_the_packet_it_quotes() {
        // Time exceeded for a UDP datagram: the quoted IP header and the
        // first 8 bytes of UDP, decoded and named as quoted.
        let udp = encapsulate(&EncapSpec::udp(
            "192.168.12.1:53000".parse().unwrap(),
            "8.8.8.8:33434".parse().unwrap(),
            b"probe",
        ))
        .unwrap()
        .frame;
        let quoted = &udp[14..14 + 28];
        let mut icmp = vec![11, 0, 0, 0, 0, 0, 0, 0];
        icmp.extend_from_slice(quoted);
        let sum = !crate::packet::checksum::data(&icmp);
        icmp[2..4].copy_from_slice(&sum.to_be_bytes());
        let mut f = udp[..14].to_vec();
        let mut ip = udp[14..34].to_vec();
        ip[9] = 1;
        ip[2..4].copy_from_slice(&((20 + icmp.len()) as u16).to_be_bytes());
        ip[10..12].copy_from_slice(&[0, 0]);
        let c = !crate::packet::checksum::data(&ip);
        ip[10..12].copy_from_slice(&c.to_be_bytes());
        f.extend_from_slice(&ip);
        f.extend_from_slice(&icmp);
        let d = dissect(&f);
        assert_eq!(
            names(&d),
            [
                "Ethernet II",
                "IPv4",
                "ICMP",
                "IPv4 (quoted by ICMP)",
                "UDP (quoted by ICMP)"
            ]
        );
        assert!(d.findings.is_empty(), "{:?}", d.findings);
        assert!(covers(&d));
        assert_eq!(d.layers[4].summary, "Src Port: 53000, Dst Port: 33434");
    }

    #[test]
    fn a_checksum_finding_gives_the_value_it_should_be() {
        let mut f = hello();
        let good = u16::from_be_bytes([f[50], f[51]]);
        f[50] ^= 0x12;
        let d = dissect(&f);
        let bad = u16::from_be_bytes([f[50], f[51]]);
        assert_eq!(
            d.findings[0].to_string(),
            format!(
                "TCP: Checksum is 0x{bad:04x} at byte 50, but the bytes it covers need 0x{good:04x}"
            )
        );
    }

    #[test]
    fn a_length_field_is_quoted_as_it_reads() {
        // IPv6 whose Payload Length says 14 (54 bytes with its header), 13 there.
        let mut f = vec![0u8; 14 + 40 + 13];
        f[12..14].copy_from_slice(&[0x86, 0xdd]);
        f[14] = 0x60;
        f[18..20].copy_from_slice(&14u16.to_be_bytes());
        f[20] = 59; // no next header
        let d = dissect(&f);
        assert_eq!(
            d.findings[0].to_string(),
            "IPv6: the Payload Length field says 14, which makes 54 bytes from byte 14, only 53 are there"
        );
        assert_eq!(
            d.findings[0].detail(),
            FindingDetail::Length {
                header: "IPv6",
                field: Some("Payload Length"),
                says: Some(14),
                needed: 54,
                available: 53
            }
        );
    }

    #[test]
    fn truncation_says_where() {
        let f = hello();
        // Cut inside the TCP header.
        let d = dissect(&f[..40]);
        assert_eq!(names(&d), ["Ethernet II", "IPv4", "TCP"]);
        assert!(covers(&d));
        let msgs: Vec<String> = d.findings.iter().map(ToString::to_string).collect();
        assert_eq!(
            msgs,
            [
                "IPv4: the Total Length field says 45 bytes from byte 14, only 26 are there",
                "TCP: needs 20 bytes from byte 34, only 6 are there",
            ]
        );
        // Only the fields that are all there.
        let tcp: Vec<_> = d.layers[2].fields.iter().map(|f| f.name).collect();
        assert_eq!(tcp, ["Source Port", "Destination Port"]);
        // Cut inside the payload: lengths, but the layers decode.
        let d = dissect(&f[..57]);
        assert_eq!(names(&d), ["Ethernet II", "IPv4", "TCP", "Data"]);
        assert_eq!(d.findings.len(), 1);
        assert_eq!(d.findings[0].kind(), "length");
    }

    #[test]
    fn content_errors_stop_decoding() {
        let mut f = hello();
        f[14] = 0x55; // version 5
        let d = dissect(&f);
        assert_eq!(names(&d), ["Ethernet II", "IPv4", "Data"]);
        assert!(covers(&d));
        assert_eq!(
            d.findings[0].to_string(),
            "IPv4: Version is 5 at byte 14; an IPv4 header has version 4"
        );
        let mut f = hello();
        f[46] = 0x30; // TCP data offset 3
        let d = dissect(&f);
        assert_eq!(d.findings[0].kind(), "content");
        assert_eq!(d.findings[0].protocol(), Protocol::Tcp);
        assert!(covers(&d));
    }

    #[test]
    fn padding_vlan_arp_and_unknown() {
        let mut f = hello();
        f.resize(60, 0);
        let d = dissect(&f);
        assert_eq!(
            names(&d),
            ["Ethernet II", "IPv4", "TCP", "Data", "Ethernet padding"]
        );
        assert!(d.findings.is_empty());
        let mut arp_frame = vec![0xff; 6];
        arp_frame.extend_from_slice(&[2, 0, 0, 0, 0, 1, 0x81, 0x00, 0x00, 0x0a, 0x08, 0x06]);
        let mut body = [0u8; 28];
        arp::Repr {
            operation: arp::Operation::REQUEST,
            source_hardware_addr: MacAddr([2, 0, 0, 0, 0, 1]),
            source_protocol_addr: Ipv4Addr::new(10, 0, 0, 1),
            target_hardware_addr: MacAddr([0; 6]),
            target_protocol_addr: Ipv4Addr::new(10, 0, 0, 2),
        }
        .emit(&mut arp::Packet::new_unchecked(&mut body[..]));
        arp_frame.extend_from_slice(&body);
        arp_frame.resize(60, 0);
        let d = dissect(&arp_frame);
        assert_eq!(
            names(&d),
            [
                "Ethernet II",
                "802.1Q Virtual LAN",
                "ARP",
                "Ethernet padding"
            ]
        );
        assert!(covers(&d) && d.findings.is_empty());
        let mut lldp = hello();
        lldp[12] = 0x88;
        lldp[13] = 0xcc;
        let d = dissect(&lldp);
        assert_eq!(
            d.findings[0].to_string(),
            "Ethernet: EtherType 0x88cc (LLDP) is not decoded (byte 12); the rest is shown as data"
        );
        assert!(covers(&d));
    }

    #[test]
    fn findings_serialize_with_their_place() {
        let d = dissect(&hello()[..20]);
        let json = serde_json::to_value(&d).unwrap();
        assert_eq!(json["findings"][0]["kind"], "length");
        assert_eq!(json["findings"][0]["protocol"], "ipv4");
        assert_eq!(json["findings"][0]["layer"], "network");
        assert_eq!(json["findings"][0]["offset"], 14);
        assert_eq!(json["length"], 20);
    }

    /// An Ethernet frame of IPv6 from fe80::1 to fe80::2 carrying `repr`
    /// and `body`.
    fn icmpv6_frame(repr: &icmpv6::Repr, body: &[u8]) -> Vec<u8> {
        use std::net::Ipv6Addr;
        let ip = ipv6::Repr {
            src_addr: Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 1),
            dst_addr: Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 2),
            next_header: IpProtocol::ICMPV6,
            payload_len: repr.buffer_len() + body.len(),
            hop_limit: 255,
            traffic_class: 0,
            flow_label: 0,
        };
        let mut f = vec![0u8; 14 + 40 + ip.payload_len];
        f[..12].copy_from_slice(&[0x33, 0x33, 0, 0, 0, 1, 2, 0, 0, 0, 0, 1]);
        f[12..14].copy_from_slice(&[0x86, 0xdd]);
        ip.emit(&mut ipv6::Packet::new_unchecked(&mut f[14..]));
        let pseudo = PseudoHeader::V6 {
            src: ip.src_addr,
            dst: ip.dst_addr,
        };
        repr.emit(
            &mut icmpv6::Packet::new_unchecked(&mut f[54..]),
            pseudo,
            body,
        );
        f
    }

    fn ping6() -> Vec<u8> {
        icmpv6_frame(
            &icmpv6::Repr::EchoRequest {
                ident: 0x1234,
                seq_no: 1,
            },
            b"abcdefgh",
        )
    }

    #[test]
    fn icmpv6_decodes_and_its_checksum_is_judged() {
        let d = dissect(&ping6());
        assert_eq!(names(&d), ["Ethernet II", "IPv6", "ICMPv6", "Data"]);
        assert!(d.findings.is_empty(), "{:?}", d.findings);
        assert!(covers(&d));
        let icmp = &d.layers[2];
        assert_eq!(icmp.protocol, Protocol::Icmpv6);
        assert!(
            icmp.field("Checksum")
                .unwrap()
                .display
                .ends_with(" [correct]")
        );
        assert_eq!(icmp.summary, "Echo (ping) request, id=0x1234, seq=1");
        assert_eq!(d.layers[3].fields[0].display, "b'abcdefgh'");

        let mut f = ping6();
        let good = u16::from_be_bytes([f[56], f[57]]);
        f[56] ^= 0x12;
        let bad = u16::from_be_bytes([f[56], f[57]]);
        let d = dissect(&f);
        assert_eq!(d.findings.len(), 1);
        assert_eq!(
            d.findings[0].to_string(),
            format!(
                "ICMPv6: Checksum is 0x{bad:04x} at byte 56, but the bytes it covers need 0x{good:04x}"
            )
        );
        assert_eq!(
            d.findings[0].detail(),
            FindingDetail::Checksum {
                header: "ICMPv6",
                field: "Checksum",
                found: u32::from(bad),
                expected: u32::from(good)
            }
        );
        assert_eq!(
            d.layers[2].field("Checksum").unwrap().display,
            format!("0x{bad:04x} [incorrect, should be 0x{good:04x}]")
        );
        // A changed address changes the pseudo-header, so the sum fails.
        let mut f = ping6();
        f[14 + 39] ^= 0x01;
        assert_eq!(dissect(&f).findings[0].kind(), "checksum");
        let json = serde_json::to_value(dissect(&f)).unwrap();
        assert_eq!(json["findings"][0]["protocol"], "icmpv6");
        assert_eq!(json["findings"][0]["layer"], "network");
    }

    #[test]
    fn icmpv6_cut_anywhere_is_a_length_finding() {
        let f = ping6();
        for cut in 54..f.len() {
            let d = dissect(&f[..cut]);
            assert!(covers(&d), "cut at {cut}");
            // IPv6 says more than is there; the checksum is not judged.
            assert!(
                d.findings.iter().all(|x| x.kind() == "length"),
                "cut at {cut}: {:?}",
                d.findings
            );
            let icmp: Vec<&Finding> = d
                .findings
                .iter()
                .filter(|x| x.protocol() == Protocol::Icmpv6)
                .collect();
            assert_eq!(icmp.len(), usize::from(cut < 54 + 8), "cut at {cut}");
        }
        // IPv6 complete, the message too short for its type.
        let mut short = f[..54 + 6].to_vec();
        short[18..20].copy_from_slice(&6u16.to_be_bytes());
        let d = dissect(&short);
        assert_eq!(
            d.findings
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            ["ICMPv6: needs 8 bytes from byte 54, only 6 are there"]
        );
        let mut tiny = f[..54 + 2].to_vec();
        tiny[18..20].copy_from_slice(&2u16.to_be_bytes());
        let d = dissect(&tiny);
        assert_eq!(
            d.findings[0].to_string(),
            "ICMPv6: needs 4 bytes from byte 54, only 2 are there"
        );
        assert!(covers(&d));
    }

    #[test]
    fn icmpv6_errors_ndp_and_unknown_types() {
        let quoted = &ping6()[14..];
        let d = dissect(&icmpv6_frame(
            &icmpv6::Repr::PacketTooBig { mtu: 1280 },
            quoted,
        ));
        assert!(d.findings.is_empty(), "{:?}", d.findings);
        assert_eq!(names(&d), ["Ethernet II", "IPv6", "ICMPv6", "Data"]);
        assert_eq!(d.layers[3].fields[0].name, "Original datagram");
        assert_eq!(d.layers[3].length, quoted.len());

        let mac = MacAddr([2, 0, 0, 0, 0, 1]);
        let mut opts = [0u8; 8];
        icmpv6::NdpOption::TargetLinkLayerAddr(mac).emit(&mut opts);
        let na = icmpv6_frame(
            &icmpv6::Repr::NeighborAdvert {
                flags: icmpv6::NaFlags::SOLICITED,
                target_addr: "2001:db8::2".parse().unwrap(),
            },
            &opts,
        );
        let d = dissect(&na);
        assert!(d.findings.is_empty(), "{:?}", d.findings);
        assert_eq!(names(&d), ["Ethernet II", "IPv6", "ICMPv6"]);
        assert_eq!(d.layers[2].length, 32);

        // A zero option length is a content finding; the rest is data.
        let mut bad = opts.to_vec();
        bad.extend_from_slice(&[5, 0, 0, 0, 0, 0, 0, 0]);
        let d = dissect(&icmpv6_frame(&icmpv6::Repr::RouterSolicit, &bad));
        assert_eq!(names(&d), ["Ethernet II", "IPv6", "ICMPv6", "Data"]);
        assert!(covers(&d));
        assert_eq!(
            d.findings[0].detail(),
            FindingDetail::Content {
                header: "ICMPv6",
                field: "Option Length",
                value: 0,
                rule: "an option's length counts 8-byte units and is at least 1"
            }
        );
        assert_eq!(d.findings[0].offset(), 54 + 8 + 8 + 1);
        assert_eq!(d.findings.len(), 1, "{:?}", d.findings);

        // An unknown type: the body as data, and no finding.
        let d = dissect(&icmpv6_frame(
            &icmpv6::Repr::Other {
                msg_type: 200,
                code: 0,
            },
            b"xyz",
        ));
        assert!(d.findings.is_empty(), "{:?}", d.findings);
        assert_eq!(d.layers[3].fields[0].wireshark, "icmpv6.data");

        // ICMPv6 inside IPv4 is still not decoded.
        let mut v4 = hello();
        v4[23] = 58;
        let d = dissect(&v4);
        assert!(d.findings.iter().any(|x| x.to_string()
            == "IPv4: protocol 58 (ICMPv6) is not decoded (byte 23); the rest is shown as data"));
    }

    /// IPv6 from 2001:db8::1 to `dst` through the extension headers
    /// `exts`, carrying `upper` (its checksum computed over `pseudo_dst`).
    fn v6_chain(
        dst: &str,
        exts: &[ipv6ext::Repr],
        upper: IpProtocol,
        pseudo_dst: &str,
        body: &[u8],
    ) -> Vec<u8> {
        use std::net::Ipv6Addr;
        let src: Ipv6Addr = "2001:db8::1".parse().unwrap();
        let ext_len: usize = exts.iter().map(ipv6ext::Repr::buffer_len).sum();
        let upper_len = match upper {
            IpProtocol::TCP => tcp::HEADER_LEN,
            IpProtocol::UDP => udp::HEADER_LEN,
            _ => icmpv6::HEADER_LEN,
        } + body.len();
        let ip = ipv6::Repr {
            src_addr: src,
            dst_addr: dst.parse().unwrap(),
            next_header: exts.first().map_or(upper, |e| e.kind().protocol()),
            payload_len: ext_len + upper_len,
            hop_limit: 64,
            traffic_class: 0,
            flow_label: 0,
        };
        let mut f = vec![0u8; 54 + ip.payload_len];
        f[..12].copy_from_slice(&[2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1]);
        f[12..14].copy_from_slice(&[0x86, 0xdd]);
        ip.emit(&mut ipv6::Packet::new_unchecked(&mut f[14..]));
        let mut at = 54;
        for e in exts {
            e.emit(&mut ipv6ext::Packet::new_unchecked(&mut f[at..], e.kind()));
            at += e.buffer_len();
        }
        let pseudo = PseudoHeader::V6 {
            src,
            dst: pseudo_dst.parse().unwrap(),
        };
        let seg = &mut f[at..];
        match upper {
            IpProtocol::TCP => tcp::Repr {
                src_port: 50000,
                dst_port: 80,
                seq_number: 1,
                ack_number: 1,
                flags: tcp::TcpFlags::ACK,
                window_len: 1000,
                urgent_pointer: 0,
                options: Vec::new(),
            }
            .emit(&mut tcp::Packet::new_unchecked(seg), pseudo, body),
            IpProtocol::UDP => udp::Repr {
                src_port: 50000,
                dst_port: 9000,
            }
            .emit(&mut udp::Packet::new_unchecked(seg), pseudo, body),
            _ => icmpv6::Repr::Other {
                msg_type: 143,
                code: 0,
            }
            .emit(&mut icmpv6::Packet::new_unchecked(seg), pseudo, body),
        }
        f
    }

    fn dst_opts(next: IpProtocol) -> ipv6ext::Repr {
        ipv6ext::Repr::DestinationOptions {
            next_header: next,
            options: vec![ipv6ext::Ipv6Option::PadN(4)],
        }
    }

    #[test]
    fn ipv6_extension_headers_lead_to_the_upper_layer() {
        // MLDv2 report behind Hop-by-Hop with Router Alert, as hosts send it.
        let hbh = ipv6ext::Repr::HopByHop {
            next_header: IpProtocol::ICMPV6,
            options: vec![ipv6ext::Ipv6Option::RouterAlert(0)],
        };
        // Reserved, no records.
        let mld = [0u8; 4];
        let f = v6_chain("ff02::16", &[hbh], IpProtocol::ICMPV6, "ff02::16", &mld);
        let d = dissect(&f);
        assert_eq!(
            names(&d),
            [
                "Ethernet II",
                "IPv6",
                "IPv6 Hop-by-Hop Option",
                "ICMPv6",
                "Data"
            ]
        );
        assert!(d.findings.is_empty(), "{:?}", d.findings);
        assert!(covers(&d));
        assert_eq!(d.layers[2].protocol, Protocol::Ipv6);
        assert_eq!(d.layers[2].field("Router Alert").unwrap().offset, 56);
        assert_eq!(d.layers[4].fields[0].name, "Multicast Listener Discovery");
        assert!(
            d.layers[3]
                .field("Checksum")
                .unwrap()
                .display
                .ends_with("[correct]")
        );

        // An unfragmented packet with a Fragment header (offset 0, M=0)
        // is decoded through, as tshark does.
        let atomic = ipv6ext::Repr::Fragment {
            next_header: IpProtocol::UDP,
            offset: 0,
            more_frags: false,
            ident: 7,
        };
        let f = v6_chain(
            "2001:db8::2",
            &[dst_opts(IpProtocol::FRAGMENT), atomic],
            IpProtocol::UDP,
            "2001:db8::2",
            b"whole",
        );
        let d = dissect(&f);
        assert_eq!(
            names(&d)[2..],
            [
                "Destination Options for IPv6",
                "Fragment Header for IPv6",
                "UDP",
                "Data"
            ]
        );
        assert!(d.findings.is_empty(), "{:?}", d.findings);
        assert!(covers(&d));
    }

    #[test]
    fn ipv6_fragments_stop_at_the_fragment_header() {
        for (offset, more, what) in [
            (0, true, "offset 0 bytes, more fragments: yes"),
            (2, false, "offset 16 bytes, more fragments: no"),
        ] {
            let frag = ipv6ext::Repr::Fragment {
                next_header: IpProtocol::UDP,
                offset,
                more_frags: more,
                ident: 0xdead_beef,
            };
            let f = v6_chain(
                "2001:db8::2",
                &[dst_opts(IpProtocol::FRAGMENT), frag],
                IpProtocol::UDP,
                "2001:db8::2",
                b"piece",
            );
            let d = dissect(&f);
            assert_eq!(
                names(&d)[2..],
                [
                    "Destination Options for IPv6",
                    "Fragment Header for IPv6",
                    "Data"
                ]
            );
            assert!(covers(&d));
            assert_eq!(
                d.findings
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>(),
                [format!(
                    "IPv6: a fragment ({what}); netlab does not reassemble (byte 64); the rest is shown as data"
                )]
            );
        }
    }

    #[test]
    fn ipv6_routing_header_checksums_use_the_final_destination() {
        let last = "2001:db8::99";
        let hops = ["2001:db8::10".parse().unwrap(), last.parse().unwrap()];
        for (segments_left, pseudo_dst, good) in [
            (1, last, true),
            (1, "2001:db8::2", false),
            (0, "2001:db8::2", true),
            (0, last, false),
        ] {
            let rt0 = ipv6ext::Repr::source_route(IpProtocol::TCP, segments_left, &hops);
            let f = v6_chain("2001:db8::2", &[rt0], IpProtocol::TCP, pseudo_dst, b"hi");
            let d = dissect(&f);
            assert_eq!(names(&d)[2..], ["Routing Header for IPv6", "TCP", "Data"]);
            let kinds: Vec<_> = d.findings.iter().map(Finding::kind).collect();
            let want: &[&str] = if good { &[] } else { &["checksum"] };
            assert_eq!(kinds, want, "segments left {segments_left}, {pseudo_dst}");
        }
        // Segment Routing: Segment List[0] is the final destination.
        let srh = ipv6ext::Repr::segment_routing(IpProtocol::TCP, 1, &hops);
        let f = v6_chain(
            "2001:db8::2",
            &[srh],
            IpProtocol::TCP,
            "2001:db8::10",
            b"hi",
        );
        let d = dissect(&f);
        assert!(d.findings.is_empty(), "{:?}", d.findings);
        assert_eq!(
            d.layers[2].summary,
            "Type: 4 (Segment Routing), Segments Left: 1"
        );
    }

    #[test]
    fn ipv6_chains_are_bounded_and_ah_esp_named() {
        let nine: Vec<_> = (0..9)
            .map(|i| {
                dst_opts(if i < 8 {
                    IpProtocol::DST_OPTS
                } else {
                    IpProtocol::UDP
                })
            })
            .collect();
        let f = v6_chain("2001:db8::2", &nine, IpProtocol::UDP, "2001:db8::2", b"x");
        let d = dissect(&f);
        assert_eq!(d.layers.len(), 2 + 8 + 1);
        assert!(covers(&d));
        assert_eq!(
            d.findings[0].to_string(),
            format!(
                "IPv6: more than 8 extension headers; netlab stops after 8 (byte {}); the rest is shown as data",
                54 + 7 * 8
            )
        );
        let f = v6_chain(
            "2001:db8::2",
            &[dst_opts(IpProtocol::AH)],
            IpProtocol::UDP,
            "2001:db8::2",
            b"x",
        );
        let d = dissect(&f);
        assert_eq!(
            d.findings[0].to_string(),
            "IPv6: next header 51 (AH) is not decoded (byte 54); the rest is shown as data"
        );
        let mut esp = f.clone();
        esp[54] = 50;
        assert!(dissect(&esp).findings[0].to_string().contains("50 (ESP)"));
    }

    #[test]
    fn ipv6_extension_headers_cut_or_malformed() {
        let f = v6_chain(
            "2001:db8::2",
            &[dst_opts(IpProtocol::UDP)],
            IpProtocol::UDP,
            "2001:db8::2",
            b"x",
        );
        for cut in 54..f.len() {
            let d = dissect(&f[..cut]);
            assert!(covers(&d), "cut at {cut}");
            assert!(
                d.findings.iter().all(|x| x.kind() == "length"),
                "cut at {cut}"
            );
        }
        // An option whose data runs past the header.
        let mut bad = f.clone();
        bad[57] = 9;
        let d = dissect(&bad);
        assert_eq!(
            d.findings[0].detail(),
            FindingDetail::Content {
                header: "IPv6",
                field: "Option Length",
                value: 9,
                rule: "an option's length counts the data bytes after it, which end inside the header"
            }
        );
        assert_eq!(d.findings[0].offset(), 57);
        // A length that promises more than the packet holds.
        let mut long = f.clone();
        long[55] = 5;
        let d = dissect(&long);
        assert_eq!(
            d.findings[0].to_string(),
            "IPv6: the Length field says 5, which makes 48 bytes from byte 54, only 17 are there"
        );
        assert!(covers(&d));
    }

    fn arb_spec() -> impl Strategy<Value = EncapSpec> {
        (
            prop_oneof![
                Just(Transport::Tcp),
                Just(Transport::Udp),
                Just(Transport::Icmp)
            ],
            proptest::collection::vec(any::<u8>(), 0..300),
            any::<[u8; 4]>(),
            any::<[u8; 4]>(),
            any::<u16>(),
            1..=65535i64,
            any::<u8>(),
            (any::<u32>(), any::<u32>(), 0..512u16, any::<u16>()),
        )
            .prop_map(
                |(proto, payload, src, dst, sport, dport, ttl, (seq, ack, flags, id))| {
                    let mut spec = EncapSpec::new(proto, Ipv4Addr::from(src), Ipv4Addr::from(dst));
                    spec.payload = payload;
                    spec.ttl = Some(i64::from(ttl));
                    match proto {
                        Transport::Icmp => {
                            spec.icmp_id = Some(i64::from(id));
                            spec.icmp_seq = Some(i64::from(sport));
                        }
                        Transport::Tcp | Transport::Udp => {
                            spec.src_port = Some(i64::from(sport));
                            spec.dst_port = Some(dport);
                        }
                    }
                    if proto == Transport::Tcp {
                        spec.seq = Some(i64::from(seq));
                        spec.ack = Some(i64::from(ack));
                        spec.flags = Some(crate::packet::tcp::TcpFlags(flags));
                    }
                    spec
                },
            )
    }

    proptest! {
        #[test]
        fn built_frames_dissect_clean(spec in arb_spec()) {
            let built = encapsulate(&spec).unwrap();
            let d = dissect(&built.frame);
            prop_assert!(d.findings.is_empty(), "{:?}", d.findings);
            prop_assert_eq!(&d.layers, &built.layers);
            prop_assert!(covers(&d));
            let ip = d.layers.iter().find(|l| l.protocol == Protocol::Ipv4).unwrap();
            prop_assert_eq!(ip.field("Time to Live").unwrap().value.number(), spec.ttl.map(|t| t as u64));
            prop_assert_eq!(&ip.field("Source Address").unwrap().display, &spec.src.to_string());
        }

        #[test]
        fn damaged_icmpv6_never_panics(
            msg_type in prop_oneof![Just(1u8), Just(2), Just(3), Just(4), Just(128), Just(129), 133..=136u8, any::<u8>()],
            body in proptest::collection::vec(any::<u8>(), 0..64),
            cut in any::<prop::sample::Index>(),
        ) {
            let mut f = ping6();
            f.truncate(54);
            f.push(msg_type);
            f.extend_from_slice(&[0; 3]);
            f.extend_from_slice(&body);
            let len = (f.len() - 54) as u16;
            f[18..20].copy_from_slice(&len.to_be_bytes());
            let keep = cut.index(f.len() + 1);
            f.truncate(keep);
            let d = dissect(&f);
            prop_assert!(covers(&d));
        }

        #[test]
        fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let d = dissect(&bytes);
            prop_assert!(covers(&d));
            prop_assert!(!d.layers.is_empty());
        }

        #[test]
        fn damaged_frames_never_panic(
            spec in arb_spec(),
            cut in any::<prop::sample::Index>(),
            flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..6),
        ) {
            let mut f = encapsulate(&spec).unwrap().frame;
            for (at, x) in flips {
                let i = at.index(f.len());
                f[i] ^= x;
            }
            let keep = cut.index(f.len() + 1);
            f.truncate(keep);
            let d = dissect(&f);
            prop_assert!(covers(&d), "{:?}", d.layers.iter().map(|l| (l.name, l.offset, l.length)).collect::<Vec<_>>());
        }
    }
}
