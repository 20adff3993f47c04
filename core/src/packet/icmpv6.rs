//! ICMP for IPv6 (RFC 4443) and Neighbor Discovery (RFC 4861): IPv6's
//! own messages, carried with next header 58. `ping -6` sends Echo
//! Request (128) and gets Echo Reply (129); a router that drops a packet
//! says why with Destination Unreachable (1), Packet Too Big (2: IPv6
//! routers never fragment, so this is how path MTU discovery learns),
//! Time Exceeded (3) or Parameter Problem (4), quoting as much of the
//! dropped packet as fits in 1280 bytes. Neighbor Discovery does what ARP
//! does for IPv4, and more: Neighbor Solicitation (135) asks who has an
//! address, Neighbor Advertisement (136) answers with a MAC, and Router
//! Solicitation and Advertisement (133, 134) find the routers and the
//! prefixes hosts make their addresses from.
//!
//! Unlike ICMPv4's, the checksum covers the IPv6 pseudo-header (RFC 8200
//! §8.1: the addresses, the upper-layer length and next header 58), so a
//! message delivered to the wrong host fails its check.
//!
//! The first 4 bytes are the same for every message (type, code,
//! checksum); the fixed part after them depends on the type, and so does
//! the field table the annotation uses. Neighbor Discovery messages end in
//! options (type, length in 8-byte units, value).

use std::net::Ipv6Addr;

use super::annotate::Layer;
use super::checksum::{self, PseudoHeader};
use super::error::{LenError, WireError};
use super::field::{FieldSpec, Format};
use super::ipv4::IpProtocol;
use super::layer::Protocol;
use crate::mac::MacAddr;

/// An ICMPv6 type's name, as Wireshark gives it.
pub fn type_name(msg_type: u8) -> Option<&'static str> {
    Some(match msg_type {
        1 => "Destination Unreachable",
        2 => "Packet Too Big",
        3 => "Time Exceeded",
        4 => "Parameter Problem",
        128 => "Echo (ping) request",
        129 => "Echo (ping) reply",
        130 => "Multicast Listener Query",
        131 => "Multicast Listener Report",
        132 => "Multicast Listener Done",
        133 => "Router Solicitation",
        134 => "Router Advertisement",
        135 => "Neighbor Solicitation",
        136 => "Neighbor Advertisement",
        137 => "Redirect",
        143 => "Multicast Listener Report Message v2",
        _ => return None,
    })
}

/// The meaning of a code within its type (RFC 4443 §3.1, §3.3, §3.4).
pub fn code_name(msg_type: u8, code: u8) -> Option<&'static str> {
    Some(match (msg_type, code) {
        (1, 0) => "No route to destination",
        (1, 1) => "Communication with destination administratively prohibited",
        (1, 2) => "Beyond scope of source address",
        (1, 3) => "Address unreachable",
        (1, 4) => "Port unreachable",
        (1, 5) => "Source address failed ingress/egress policy",
        (1, 6) => "Reject route to destination",
        (3, 0) => "Hop limit exceeded in transit",
        (3, 1) => "Fragment reassembly time exceeded",
        (4, 0) => "Erroneous header field encountered",
        (4, 1) => "Unrecognized Next Header type encountered",
        (4, 2) => "Unrecognized IPv6 option encountered",
        _ => return None,
    })
}

/// A Neighbor Discovery option type's name, as Wireshark gives it.
pub fn option_name(opt_type: u8) -> &'static str {
    match opt_type {
        1 => "Source link-layer address",
        2 => "Target link-layer address",
        3 => "Prefix information",
        4 => "Redirected header",
        5 => "MTU",
        25 => "Recursive DNS Server",
        _ => "Unknown",
    }
}

fn type_text(v: u64) -> String {
    match type_name(v as u8) {
        Some(name) => format!("{v} ({name})"),
        None => v.to_string(),
    }
}

/// A flags field in hex, `digits` wide, with the names of the bits set.
fn flags_text(v: u64, digits: usize, bits: &[(u64, &str)]) -> String {
    let names: Vec<&str> = bits
        .iter()
        .filter(|(bit, _)| v & bit != 0)
        .map(|(_, name)| *name)
        .collect();
    if names.is_empty() {
        format!("0x{v:0digits$x}")
    } else {
        format!("0x{v:0digits$x} ({})", names.join(", "))
    }
}

fn na_flags_text(v: u64) -> String {
    let bits = [
        (1 << 31, "Router"),
        (1 << 30, "Solicited"),
        (1 << 29, "Override"),
    ];
    flags_text(v, 8, &bits)
}

fn ra_flags_text(v: u64) -> String {
    let bits = [
        (0x80, "Managed"),
        (0x40, "Other"),
        (0x20, "Home Agent"),
        (0x04, "Proxy"),
    ];
    flags_text(v, 2, &bits)
}

fn prefix_flags_text(v: u64) -> String {
    let bits = [
        (0x80, "On-link"),
        (0x40, "Autonomous"),
        (0x20, "Router address"),
    ];
    flags_text(v, 2, &bits)
}

fn prf_text(v: u64) -> String {
    let name = match v {
        0 => "Medium",
        1 => "High",
        3 => "Low",
        _ => "Reserved",
    };
    format!("{v} ({name})")
}

fn option_type_text(v: u64) -> String {
    format!("{v} ({})", option_name(v as u8))
}

fn option_len_text(v: u64) -> String {
    format!("{v} ({} bytes)", v * 8)
}

mod field {
    use super::*;

    // The common header.
    pub const TYPE: FieldSpec = FieldSpec::new("Type", 0, 8)
        .show(Format::Custom(type_text))
        .ws("icmpv6.type")
        .about("What the message is: 128 echo request, 129 echo reply, 1 to 4 errors, 133 to 136 Neighbor Discovery (IPv6's ARP).");
    pub const CODE: FieldSpec = FieldSpec::new("Code", 8, 8)
        .ws("icmpv6.code")
        .about("The detail within the type (for type 1: 0 no route, 3 address unreachable, 4 port unreachable).");
    pub const CHECKSUM: FieldSpec = FieldSpec::new("Checksum", 16, 16)
        .show(Format::Hex)
        .derived()
        .ws("icmpv6.checksum")
        .about("RFC 1071 checksum of a pseudo-header (IPv6 addresses, length, next header 58) and the whole message.");

    // Echo Request and Reply (RFC 4443 §4).
    pub const IDENT: FieldSpec = FieldSpec::new("Identifier", 32, 16)
        .show(Format::Hex)
        .ws("icmpv6.echo.identifier")
        .about("Chosen by the pinger (often its process ID) to match replies to requests.");
    pub const SEQ_NO: FieldSpec = FieldSpec::new("Sequence Number", 48, 16)
        .ws("icmpv6.echo.sequence_number")
        .about("Counts the pings: icmp_seq in ping's output.");

    // The errors (RFC 4443 §3).
    pub const UNUSED: FieldSpec = FieldSpec::new("Unused", 32, 32)
        .show(Format::Bytes)
        .ws("icmpv6.reserved")
        .about("Zero when sent, ignored when received: room for later use.");
    pub const MTU: FieldSpec = FieldSpec::new("MTU", 32, 32)
        .ws("icmpv6.mtu")
        .about("The largest packet the next link takes: IPv6 routers never fragment, so the sender sends smaller ones (path MTU discovery).");
    pub const POINTER: FieldSpec = FieldSpec::new("Pointer", 32, 32)
        .ws("icmpv6.pointer")
        .about("The byte of the quoted packet where the problem was found.");

    // Neighbor Discovery (RFC 4861 §4).
    pub const RESERVED: FieldSpec = FieldSpec::new("Reserved", 32, 32)
        .show(Format::Bytes)
        .ws("icmpv6.reserved")
        .about("Zero when sent, ignored when received: room for later use.");
    pub const NS_TARGET: FieldSpec = FieldSpec::new("Target Address", 64, 128)
        .show(Format::Ipv6)
        .ws("icmpv6.nd.ns.target_address")
        .about("The IPv6 address whose MAC the sender wants, as ARP's Target IP address.");
    pub const NA_ROUTER: FieldSpec = FieldSpec::new("Router", 32, 1)
        .show(Format::Flag)
        .ws("icmpv6.nd.na.flag.r")
        .about("R: the sender is a router, so hosts may send it packets for other networks.");
    pub const NA_SOLICITED: FieldSpec = FieldSpec::new("Solicited", 33, 1)
        .show(Format::Flag)
        .ws("icmpv6.nd.na.flag.s")
        .about(
            "S: this answers a Neighbor Solicitation, so the neighbor is known to be reachable.",
        );
    pub const NA_OVERRIDE: FieldSpec = FieldSpec::new("Override", 34, 1)
        .show(Format::Flag)
        .ws("icmpv6.nd.na.flag.o")
        .about("O: replace the MAC the receiver has cached for this address.");
    pub const NA_RESERVED: FieldSpec = FieldSpec::new("Reserved", 35, 29)
        .ws("icmpv6.nd.na.flag.rsv")
        .about("Zero when sent, ignored when received: room for later use.");
    pub const NA_FLAGS: FieldSpec = FieldSpec::new("Flags", 32, 32)
        .show(Format::Custom(na_flags_text))
        .ws("icmpv6.nd.na.flag")
        .about("Three 1-bit fields that say who answers and how to treat the answer.")
        .with(&[NA_ROUTER, NA_SOLICITED, NA_OVERRIDE, NA_RESERVED]);
    pub const NA_TARGET: FieldSpec = FieldSpec::new("Target Address", 64, 128)
        .show(Format::Ipv6)
        .ws("icmpv6.nd.na.target_address")
        .about("The address the answer is about: the one solicited, whose MAC the option carries.");
    pub const CUR_HOP_LIMIT: FieldSpec = FieldSpec::new("Cur Hop Limit", 32, 8)
        .ws("icmpv6.nd.ra.cur_hop_limit")
        .about("The Hop Limit hosts should give their packets; 0 leaves it to them.");
    pub const RA_MANAGED: FieldSpec = FieldSpec::new("Managed address configuration", 40, 1)
        .show(Format::Flag)
        .ws("icmpv6.nd.ra.flag.m")
        .about("M: get addresses from DHCPv6.");
    pub const RA_OTHER: FieldSpec = FieldSpec::new("Other configuration", 41, 1)
        .show(Format::Flag)
        .ws("icmpv6.nd.ra.flag.o")
        .about("O: get other settings (DNS servers) from DHCPv6.");
    pub const RA_HOME_AGENT: FieldSpec = FieldSpec::new("Home Agent", 42, 1)
        .show(Format::Flag)
        .ws("icmpv6.nd.ra.flag.h")
        .about("H: the router is also a Mobile IPv6 home agent.");
    pub const RA_PRF: FieldSpec = FieldSpec::new("Default Router Preference", 43, 2)
        .show(Format::Custom(prf_text))
        .ws("icmpv6.nd.ra.flag.prf")
        .about("Which default router hosts should prefer: 1 high, 0 medium, 3 low.");
    pub const RA_PROXY: FieldSpec = FieldSpec::new("Proxy", 45, 1)
        .show(Format::Flag)
        .ws("icmpv6.nd.ra.flag.p")
        .about("P: the router proxies Neighbor Discovery for another link (RFC 4389).");
    pub const RA_RESERVED: FieldSpec = FieldSpec::new("Reserved", 46, 2)
        .ws("icmpv6.nd.ra.flag.rsv")
        .about("Zero when sent, ignored when received: room for later use.");
    pub const RA_FLAGS: FieldSpec = FieldSpec::new("Flags", 40, 8)
        .show(Format::Custom(ra_flags_text))
        .ws("icmpv6.nd.ra.flag")
        .about("How hosts on the link get their addresses and settings, and how much to prefer this router.")
        .with(&[
            RA_MANAGED,
            RA_OTHER,
            RA_HOME_AGENT,
            RA_PRF,
            RA_PROXY,
            RA_RESERVED,
        ]);
    pub const ROUTER_LIFETIME: FieldSpec = FieldSpec::new("Router Lifetime", 48, 16)
        .ws("icmpv6.nd.ra.router_lifetime")
        .about(
            "Seconds hosts may use this router as their default router; 0: not a default router.",
        );
    pub const REACHABLE_TIME: FieldSpec = FieldSpec::new("Reachable Time", 64, 32)
        .ws("icmpv6.nd.ra.reachable_time")
        .about("Milliseconds a neighbor counts as reachable after it was last confirmed; 0: unspecified.");
    pub const RETRANS_TIMER: FieldSpec = FieldSpec::new("Retrans Timer", 96, 32)
        .ws("icmpv6.nd.ra.retrans_timer")
        .about("Milliseconds between Neighbor Solicitations sent again; 0: unspecified.");

    pub const COMMON: &[FieldSpec] = &[TYPE, CODE, CHECKSUM];
    pub const ECHO: &[FieldSpec] = &[TYPE, CODE, CHECKSUM, IDENT, SEQ_NO];
    pub const ERROR: &[FieldSpec] = &[TYPE, CODE, CHECKSUM, UNUSED];
    pub const TOO_BIG: &[FieldSpec] = &[TYPE, CODE, CHECKSUM, MTU];
    pub const PARAM_PROBLEM: &[FieldSpec] = &[TYPE, CODE, CHECKSUM, POINTER];
    pub const RS: &[FieldSpec] = &[TYPE, CODE, CHECKSUM, RESERVED];
    pub const RA: &[FieldSpec] = &[
        TYPE,
        CODE,
        CHECKSUM,
        CUR_HOP_LIMIT,
        RA_FLAGS,
        ROUTER_LIFETIME,
        REACHABLE_TIME,
        RETRANS_TIMER,
    ];
    pub const NS: &[FieldSpec] = &[TYPE, CODE, CHECKSUM, RESERVED, NS_TARGET];
    pub const NA: &[FieldSpec] = &[TYPE, CODE, CHECKSUM, NA_FLAGS, NA_TARGET];

    // One Neighbor Discovery option, from its type byte (RFC 4861 §4.6).
    pub const OPT_TYPE: FieldSpec = FieldSpec::new("Type", 0, 8)
        .show(Format::Custom(option_type_text))
        .ws("icmpv6.opt.type")
        .about("Which option this is: 1 source, 2 target link-layer address, 3 prefix, 5 MTU.");
    pub const OPT_LEN: FieldSpec = FieldSpec::new("Length", 8, 8)
        .show(Format::Custom(option_len_text))
        .derived()
        .ws("icmpv6.opt.length")
        .about("The option's length in 8-byte units, type and length included.");
    pub const LINK_ADDR: FieldSpec = FieldSpec::new("Link-layer address", 16, 48)
        .show(Format::Mac)
        .ws("icmpv6.opt.linkaddr")
        .about("A MAC address, so the receiver need not ask for it.");
    pub const OPT_RESERVED_16: FieldSpec = FieldSpec::new("Reserved", 16, 16)
        .show(Format::Bytes)
        .about("Zero when sent, ignored when received: room for later use.");
    pub const OPT_MTU: FieldSpec = FieldSpec::new("MTU", 32, 32)
        .ws("icmpv6.opt.mtu")
        .about("The link's MTU, so that every host on it uses the same one.");
    pub const PREFIX_LEN: FieldSpec = FieldSpec::new("Prefix Length", 16, 8)
        .ws("icmpv6.opt.prefix.length")
        .about("How many leading bits of the Prefix count: 64 for addresses made by SLAAC.");
    pub const ON_LINK: FieldSpec = FieldSpec::new("On-link", 24, 1)
        .show(Format::Flag)
        .ws("icmpv6.opt.prefix.flag.l")
        .about("L: addresses in the prefix are on this link, reached directly without a router.");
    pub const AUTONOMOUS: FieldSpec = FieldSpec::new("Autonomous address-configuration", 25, 1)
        .show(Format::Flag)
        .ws("icmpv6.opt.prefix.flag.a")
        .about("A: hosts may make their own address from the prefix (SLAAC).");
    pub const ROUTER_ADDR: FieldSpec = FieldSpec::new("Router address", 26, 1)
        .show(Format::Flag)
        .ws("icmpv6.opt.prefix.flag.r")
        .about("R: the Prefix field holds the router's whole address (Mobile IPv6).");
    pub const PREFIX_FLAGS_RESERVED: FieldSpec = FieldSpec::new("Reserved", 27, 5)
        .ws("icmpv6.opt.prefix.flag.reserved")
        .about("Zero when sent, ignored when received: room for later use.");
    pub const PREFIX_FLAGS: FieldSpec = FieldSpec::new("Flags", 24, 8)
        .show(Format::Custom(prefix_flags_text))
        .ws("icmpv6.opt.prefix.flag")
        .about("How hosts may use the prefix.")
        .with(&[ON_LINK, AUTONOMOUS, ROUTER_ADDR, PREFIX_FLAGS_RESERVED]);
    pub const VALID_LIFETIME: FieldSpec = FieldSpec::new("Valid Lifetime", 32, 32)
        .ws("icmpv6.opt.prefix.valid_lifetime")
        .about("Seconds the prefix stays valid; 0xffffffff: forever.");
    pub const PREFERRED_LIFETIME: FieldSpec = FieldSpec::new("Preferred Lifetime", 64, 32)
        .ws("icmpv6.opt.prefix.preferred_lifetime")
        .about("Seconds addresses made from the prefix are preferred for new connections.");
    pub const PREFIX_RESERVED: FieldSpec = FieldSpec::new("Reserved", 96, 32)
        .show(Format::Bytes)
        .about("Zero when sent, ignored when received: room for later use.");
    pub const PREFIX: FieldSpec = FieldSpec::new("Prefix", 128, 128)
        .show(Format::Ipv6)
        .ws("icmpv6.opt.prefix")
        .about("The network part hosts on this link share, as in 2001:db8:1::/64.");
    pub const OPT_DATA: FieldSpec = FieldSpec::new("Data", 16, 0)
        .show(Format::Bytes)
        .about("The option's value, which netlab does not decode.");

    pub const SOURCE_LINK_ADDR: FieldSpec = FieldSpec::new("Source link-layer address", 0, 64)
        .show(Format::Bytes)
        .about("Option 1: the sender's MAC, so the receiver can answer without asking for it.")
        .with(&[OPT_TYPE, OPT_LEN, LINK_ADDR]);
    pub const TARGET_LINK_ADDR: FieldSpec = FieldSpec::new("Target link-layer address", 0, 64)
        .show(Format::Bytes)
        .about("Option 2: the target's MAC, the answer a Neighbor Advertisement gives as an ARP reply does.")
        .with(&[OPT_TYPE, OPT_LEN, LINK_ADDR]);
    pub const PREFIX_INFO: FieldSpec = FieldSpec::new("Prefix information", 0, 256)
        .show(Format::Bytes)
        .about("Option 3: a prefix of this link, from which hosts may make their addresses.")
        .with(&[
            OPT_TYPE,
            OPT_LEN,
            PREFIX_LEN,
            PREFIX_FLAGS,
            VALID_LIFETIME,
            PREFERRED_LIFETIME,
            PREFIX_RESERVED,
            PREFIX,
        ]);
    pub const MTU_OPTION: FieldSpec = FieldSpec::new("MTU", 0, 64)
        .show(Format::Bytes)
        .about("Option 5: the link's MTU, sent by routers where it is not the usual one.")
        .with(&[OPT_TYPE, OPT_LEN, OPT_RESERVED_16, OPT_MTU]);
    pub const OTHER_OPTION: FieldSpec = FieldSpec::new("Option", 0, 0)
        .show(Format::Bytes)
        .with(&[OPT_TYPE, OPT_LEN]);

    // What follows the fixed part, when it is not options.
    pub const INVOKING: FieldSpec = FieldSpec::new("Original datagram", 0, 0)
        .show(Format::Bytes)
        .about("As much of the packet this error is about as fits in IPv6's minimum MTU of 1280 bytes.");
    pub const BODY: FieldSpec = FieldSpec::new("Data", 0, 0)
        .show(Format::Bytes)
        .ws("icmpv6.data")
        .about("The rest of a message whose type netlab does not decode.");
    pub const MLD_BODY: FieldSpec = FieldSpec::new("Multicast Listener Discovery", 0, 0)
        .show(Format::Bytes)
        .about("Which multicast groups this host listens to, for the routers on its link (MLD; netlab shows the message's body as bytes).");
}

/// The fields of a message of this type: the common header and the fixed
/// part its type adds (options, data or the quoted packet follow).
pub fn fields(msg_type: u8) -> &'static [FieldSpec] {
    match msg_type {
        128 | 129 => field::ECHO,
        1 | 3 => field::ERROR,
        2 => field::TOO_BIG,
        4 => field::PARAM_PROBLEM,
        133 => field::RS,
        134 => field::RA,
        135 => field::NS,
        136 => field::NA,
        _ => field::COMMON,
    }
}

/// The bytes a message of this type has before its data, quoted packet or
/// options: where the last field of [`fields`] ends.
pub fn header_len(msg_type: u8) -> usize {
    fields(msg_type)
        .last()
        .map_or(HEADER_LEN, |f| f.bytes().end)
}

/// Whether messages of this type end in Neighbor Discovery options.
pub fn has_options(msg_type: u8) -> bool {
    matches!(msg_type, 133..=136)
}

/// The fields every message has: type, code, checksum.
pub const FIELDS: &[FieldSpec] = field::COMMON;
pub(crate) const CHECKSUM: FieldSpec = field::CHECKSUM;
pub(crate) const INVOKING: FieldSpec = field::INVOKING;
pub(crate) const BODY: FieldSpec = field::BODY;
pub(crate) const MLD_BODY: FieldSpec = field::MLD_BODY;
/// Type, code and checksum: what every message has.
pub const HEADER_LEN: usize = 4;

/// A read/write view of an ICMPv6 message. The buffer is the whole
/// message (IPv6's payload), since the checksum covers all of it.
#[derive(Debug, Clone)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    pub fn new_unchecked(buffer: T) -> Self {
        Self { buffer }
    }

    pub fn new_checked(buffer: T) -> Result<Self, WireError> {
        let packet = Self::new_unchecked(buffer);
        packet.check_len()?;
        Ok(packet)
    }

    /// The 4 common bytes, then the fixed part the type needs.
    pub fn check_len(&self) -> Result<(), WireError> {
        let len = self.buffer.as_ref().len();
        if len < HEADER_LEN {
            return Err(LenError::header(Protocol::Icmpv6, HEADER_LEN, len).into());
        }
        let needed = self.header_len();
        if len < needed {
            return Err(LenError::header(Protocol::Icmpv6, needed, len).into());
        }
        Ok(())
    }

    pub fn into_inner(self) -> T {
        self.buffer
    }

    fn get(&self, spec: FieldSpec) -> u64 {
        spec.get(self.buffer.as_ref())
    }

    fn addr(&self, spec: FieldSpec) -> Ipv6Addr {
        let mut a = [0u8; 16];
        a.copy_from_slice(spec.slice(self.buffer.as_ref()));
        Ipv6Addr::from(a)
    }

    pub fn msg_type(&self) -> u8 {
        self.get(field::TYPE) as u8
    }

    pub fn msg_code(&self) -> u8 {
        self.get(field::CODE) as u8
    }

    pub fn checksum(&self) -> u16 {
        self.get(field::CHECKSUM) as u16
    }

    /// The common header and the fixed part of this message's type.
    pub fn header_len(&self) -> usize {
        header_len(self.msg_type())
    }

    /// Echo messages' identifier.
    pub fn echo_ident(&self) -> u16 {
        self.get(field::IDENT) as u16
    }

    /// Echo messages' sequence number.
    pub fn echo_seq_no(&self) -> u16 {
        self.get(field::SEQ_NO) as u16
    }

    /// Packet Too Big's MTU.
    pub fn mtu(&self) -> u32 {
        self.get(field::MTU) as u32
    }

    /// Parameter Problem's pointer.
    pub fn pointer(&self) -> u32 {
        self.get(field::POINTER) as u32
    }

    /// Neighbor Solicitation's and Advertisement's target address.
    pub fn target_addr(&self) -> Ipv6Addr {
        self.addr(field::NS_TARGET)
    }

    /// Neighbor Advertisement's flags (R, S, O and the reserved bits).
    pub fn na_flags(&self) -> NaFlags {
        NaFlags((self.get(field::NA_FLAGS) >> 24) as u8)
    }

    /// Router Advertisement's hop limit for hosts.
    pub fn cur_hop_limit(&self) -> u8 {
        self.get(field::CUR_HOP_LIMIT) as u8
    }

    /// Router Advertisement's flags byte (M, O, H, Prf, P).
    pub fn ra_flags(&self) -> u8 {
        self.get(field::RA_FLAGS) as u8
    }

    pub fn router_lifetime(&self) -> u16 {
        self.get(field::ROUTER_LIFETIME) as u16
    }

    pub fn reachable_time(&self) -> u32 {
        self.get(field::REACHABLE_TIME) as u32
    }

    pub fn retrans_timer(&self) -> u32 {
        self.get(field::RETRANS_TIMER) as u32
    }

    /// The bytes after the fixed part: echo data, the quoted packet of an
    /// error, Neighbor Discovery options, or an unknown type's body.
    pub fn body(&self) -> &[u8] {
        let data = self.buffer.as_ref();
        &data[self.header_len().min(data.len())..]
    }

    /// Whether the checksum over the pseudo-header and the whole message
    /// is right.
    pub fn verify_checksum(&self, pseudo: PseudoHeader) -> bool {
        let data = self.buffer.as_ref();
        checksum::combine(&[
            pseudo.sum(IpProtocol::ICMPV6.0, data.len()),
            checksum::data(data),
        ]) == 0xffff
    }

    /// The checksum the message should carry.
    pub fn checksum_expected(&self, pseudo: PseudoHeader) -> u16 {
        let data = self.buffer.as_ref();
        !checksum::combine(&[
            pseudo.sum(IpProtocol::ICMPV6.0, data.len()),
            checksum::data_without(data, field::CHECKSUM.bytes().start),
        ])
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    fn set(&mut self, spec: FieldSpec, value: u64) {
        spec.set(self.buffer.as_mut(), value);
    }

    fn set_addr(&mut self, spec: FieldSpec, addr: Ipv6Addr) {
        spec.slice_mut(self.buffer.as_mut())
            .copy_from_slice(&addr.octets());
    }

    pub fn set_msg_type(&mut self, value: u8) {
        self.set(field::TYPE, u64::from(value));
    }

    pub fn set_msg_code(&mut self, value: u8) {
        self.set(field::CODE, u64::from(value));
    }

    pub fn set_checksum(&mut self, value: u16) {
        self.set(field::CHECKSUM, u64::from(value));
    }

    pub fn set_echo_ident(&mut self, value: u16) {
        self.set(field::IDENT, u64::from(value));
    }

    pub fn set_echo_seq_no(&mut self, value: u16) {
        self.set(field::SEQ_NO, u64::from(value));
    }

    pub fn set_mtu(&mut self, value: u32) {
        self.set(field::MTU, u64::from(value));
    }

    pub fn set_pointer(&mut self, value: u32) {
        self.set(field::POINTER, u64::from(value));
    }

    /// The 4 bytes after the checksum, as one number (zero them with 0).
    pub fn set_reserved(&mut self, value: u32) {
        self.set(field::RESERVED, u64::from(value));
    }

    pub fn set_target_addr(&mut self, addr: Ipv6Addr) {
        self.set_addr(field::NS_TARGET, addr);
    }

    /// The flags byte; the 24 reserved bits after it become zero.
    pub fn set_na_flags(&mut self, value: NaFlags) {
        self.set(field::NA_FLAGS, u64::from(value.0) << 24);
    }

    pub fn set_cur_hop_limit(&mut self, value: u8) {
        self.set(field::CUR_HOP_LIMIT, u64::from(value));
    }

    pub fn set_ra_flags(&mut self, value: u8) {
        self.set(field::RA_FLAGS, u64::from(value));
    }

    pub fn set_router_lifetime(&mut self, value: u16) {
        self.set(field::ROUTER_LIFETIME, u64::from(value));
    }

    pub fn set_reachable_time(&mut self, value: u32) {
        self.set(field::REACHABLE_TIME, u64::from(value));
    }

    pub fn set_retrans_timer(&mut self, value: u32) {
        self.set(field::RETRANS_TIMER, u64::from(value));
    }

    pub fn body_mut(&mut self) -> &mut [u8] {
        let start = self.header_len().min(self.buffer.as_ref().len());
        &mut self.buffer.as_mut()[start..]
    }

    /// Computes the checksum over the pseudo-header and the whole buffer
    /// and writes it.
    pub fn fill_checksum(&mut self, pseudo: PseudoHeader) {
        let c = self.checksum_expected(pseudo);
        self.set_checksum(c);
    }
}

/// A Neighbor Advertisement's flag bits, as the first byte after the
/// checksum holds them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct NaFlags(pub u8);

impl NaFlags {
    pub const ROUTER: Self = Self(0x80);
    pub const SOLICITED: Self = Self(0x40);
    pub const OVERRIDE: Self = Self(0x20);

    pub fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }
}

impl std::ops::BitOr for NaFlags {
    type Output = Self;

    fn bitor(self, rhs: Self) -> Self {
        Self(self.0 | rhs.0)
    }
}

/// An ICMPv6 message's fixed part, by the messages netlab teaches. What
/// follows it (echo data, the quoted packet, Neighbor Discovery options)
/// is the caller's bytes; [`NdpOption`] builds and reads options. Reserved
/// bits are written as zeros and ignored when read, as RFC 4443 and
/// RFC 4861 ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repr {
    /// Type 1.
    DstUnreachable { code: u8 },
    /// Type 2.
    PacketTooBig { mtu: u32 },
    /// Type 3.
    TimeExceeded { code: u8 },
    /// Type 4.
    ParamProblem { code: u8, pointer: u32 },
    /// Type 128.
    EchoRequest { ident: u16, seq_no: u16 },
    /// Type 129.
    EchoReply { ident: u16, seq_no: u16 },
    /// Type 133.
    RouterSolicit,
    /// Type 134; `flags` is the byte of M, O, H, Prf and P.
    RouterAdvert {
        hop_limit: u8,
        flags: u8,
        router_lifetime: u16,
        reachable_time: u32,
        retrans_timer: u32,
    },
    /// Type 135.
    NeighborSolicit { target_addr: Ipv6Addr },
    /// Type 136.
    NeighborAdvert {
        flags: NaFlags,
        target_addr: Ipv6Addr,
    },
    /// Any other type (or a known type with a code it does not have),
    /// everything after the checksum left to the caller's bytes.
    Other { msg_type: u8, code: u8 },
}

impl Repr {
    /// Reads the fixed part of a checked message. The checksum is judged
    /// apart ([`Packet::verify_checksum`]).
    pub fn parse<T: AsRef<[u8]>>(packet: &Packet<T>) -> Result<Self, WireError> {
        packet.check_len()?;
        let (t, code) = (packet.msg_type(), packet.msg_code());
        Ok(match (t, code) {
            (1, _) => Self::DstUnreachable { code },
            (2, 0) => Self::PacketTooBig { mtu: packet.mtu() },
            (3, _) => Self::TimeExceeded { code },
            (4, _) => Self::ParamProblem {
                code,
                pointer: packet.pointer(),
            },
            (128, 0) => Self::EchoRequest {
                ident: packet.echo_ident(),
                seq_no: packet.echo_seq_no(),
            },
            (129, 0) => Self::EchoReply {
                ident: packet.echo_ident(),
                seq_no: packet.echo_seq_no(),
            },
            (133, 0) => Self::RouterSolicit,
            (134, 0) => Self::RouterAdvert {
                hop_limit: packet.cur_hop_limit(),
                flags: packet.ra_flags() & !0x03,
                router_lifetime: packet.router_lifetime(),
                reachable_time: packet.reachable_time(),
                retrans_timer: packet.retrans_timer(),
            },
            (135, 0) => Self::NeighborSolicit {
                target_addr: packet.target_addr(),
            },
            (136, 0) => Self::NeighborAdvert {
                flags: NaFlags(packet.na_flags().0 & 0xe0),
                target_addr: packet.target_addr(),
            },
            _ => Self::Other { msg_type: t, code },
        })
    }

    pub fn msg_type(&self) -> u8 {
        match self {
            Self::DstUnreachable { .. } => 1,
            Self::PacketTooBig { .. } => 2,
            Self::TimeExceeded { .. } => 3,
            Self::ParamProblem { .. } => 4,
            Self::EchoRequest { .. } => 128,
            Self::EchoReply { .. } => 129,
            Self::RouterSolicit => 133,
            Self::RouterAdvert { .. } => 134,
            Self::NeighborSolicit { .. } => 135,
            Self::NeighborAdvert { .. } => 136,
            Self::Other { msg_type, .. } => *msg_type,
        }
    }

    pub fn code(&self) -> u8 {
        match self {
            Self::DstUnreachable { code }
            | Self::TimeExceeded { code }
            | Self::ParamProblem { code, .. }
            | Self::Other { code, .. } => *code,
            _ => 0,
        }
    }

    /// The fixed part's length: 4 for [`Repr::Other`], else the type's.
    pub fn buffer_len(&self) -> usize {
        match self {
            Self::Other { .. } => HEADER_LEN,
            _ => header_len(self.msg_type()),
        }
    }

    /// Writes the fixed part, copies `data` after it and fills the
    /// checksum over `pseudo` and the whole buffer.
    ///
    /// # Panics
    ///
    /// If the buffer is not [`Repr::buffer_len`] plus the data long.
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(
        &self,
        packet: &mut Packet<T>,
        pseudo: PseudoHeader,
        data: &[u8],
    ) {
        packet.set_msg_type(self.msg_type());
        packet.set_msg_code(self.code());
        match *self {
            Self::DstUnreachable { .. } | Self::TimeExceeded { .. } | Self::RouterSolicit => {
                packet.set_reserved(0);
            }
            Self::PacketTooBig { mtu } => packet.set_mtu(mtu),
            Self::ParamProblem { pointer, .. } => packet.set_pointer(pointer),
            Self::EchoRequest { ident, seq_no } | Self::EchoReply { ident, seq_no } => {
                packet.set_echo_ident(ident);
                packet.set_echo_seq_no(seq_no);
            }
            Self::RouterAdvert {
                hop_limit,
                flags,
                router_lifetime,
                reachable_time,
                retrans_timer,
            } => {
                packet.set_cur_hop_limit(hop_limit);
                packet.set_ra_flags(flags);
                packet.set_router_lifetime(router_lifetime);
                packet.set_reachable_time(reachable_time);
                packet.set_retrans_timer(retrans_timer);
            }
            Self::NeighborSolicit { target_addr } => {
                packet.set_reserved(0);
                packet.set_target_addr(target_addr);
            }
            Self::NeighborAdvert { flags, target_addr } => {
                packet.set_na_flags(flags);
                packet.set_target_addr(target_addr);
            }
            Self::Other { .. } => {}
        }
        let start = self.buffer_len();
        packet.buffer.as_mut()[start..].copy_from_slice(data);
        packet.fill_checksum(pseudo);
    }
}

/// A Neighbor Discovery option (RFC 4861 §4.6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NdpOption {
    /// Type 1: the sender's MAC.
    SourceLinkLayerAddr(MacAddr),
    /// Type 2: the target's MAC.
    TargetLinkLayerAddr(MacAddr),
    /// Type 3: a prefix of the link; `flags` holds L, A and R.
    PrefixInfo {
        prefix_len: u8,
        flags: u8,
        valid_lifetime: u32,
        preferred_lifetime: u32,
        prefix: Ipv6Addr,
    },
    /// Type 5: the link's MTU.
    Mtu(u32),
    /// Any other type (or a known one of another length), its value as
    /// bytes: a multiple of 8 bytes, less the type and length.
    Unknown { opt_type: u8, data: Vec<u8> },
}

impl NdpOption {
    pub fn opt_type(&self) -> u8 {
        match self {
            Self::SourceLinkLayerAddr(_) => 1,
            Self::TargetLinkLayerAddr(_) => 2,
            Self::PrefixInfo { .. } => 3,
            Self::Mtu(_) => 5,
            Self::Unknown { opt_type, .. } => *opt_type,
        }
    }

    /// Bytes on the wire, type and length included.
    pub fn buffer_len(&self) -> usize {
        match self {
            Self::SourceLinkLayerAddr(_) | Self::TargetLinkLayerAddr(_) | Self::Mtu(_) => 8,
            Self::PrefixInfo { .. } => 32,
            Self::Unknown { data, .. } => (2 + data.len()).div_ceil(8) * 8,
        }
    }

    /// Writes the option at the start of `buf` (an unknown one's value
    /// padded with zeros to 8-byte units); returns its length.
    ///
    /// # Panics
    ///
    /// If `buf` is shorter than [`NdpOption::buffer_len`], or the option
    /// is longer than 2040 bytes.
    pub fn emit(&self, buf: &mut [u8]) -> usize {
        let len = self.buffer_len();
        let buf = &mut buf[..len];
        buf.fill(0);
        field::OPT_TYPE.set(buf, u64::from(self.opt_type()));
        field::OPT_LEN.set(buf, (len / 8) as u64);
        match self {
            Self::SourceLinkLayerAddr(mac) | Self::TargetLinkLayerAddr(mac) => {
                field::LINK_ADDR.slice_mut(buf).copy_from_slice(&mac.0);
            }
            Self::PrefixInfo {
                prefix_len,
                flags,
                valid_lifetime,
                preferred_lifetime,
                prefix,
            } => {
                field::PREFIX_LEN.set(buf, u64::from(*prefix_len));
                field::PREFIX_FLAGS.set(buf, u64::from(*flags));
                field::VALID_LIFETIME.set(buf, u64::from(*valid_lifetime));
                field::PREFERRED_LIFETIME.set(buf, u64::from(*preferred_lifetime));
                field::PREFIX
                    .slice_mut(buf)
                    .copy_from_slice(&prefix.octets());
            }
            Self::Mtu(mtu) => field::OPT_MTU.set(buf, u64::from(*mtu)),
            Self::Unknown { data, .. } => buf[2..2 + data.len()].copy_from_slice(data),
        }
        len
    }

    /// Reads the option at the start of `buf`, with its length in bytes;
    /// the rule it breaks when its length byte is missing, zero, or says
    /// more than `buf` holds.
    pub fn parse(buf: &[u8]) -> Result<(Self, usize), &'static str> {
        let (opt_type, units) = match buf {
            [t, l, ..] => (*t, usize::from(*l)),
            _ => return Err("an option ends inside the message"),
        };
        if units == 0 {
            return Err("an option's length counts 8-byte units and is at least 1");
        }
        let len = units * 8;
        if len > buf.len() {
            return Err("an option ends inside the message");
        }
        let opt = &buf[..len];
        let mac = || {
            let mut m = [0u8; 6];
            m.copy_from_slice(field::LINK_ADDR.slice(opt));
            MacAddr(m)
        };
        let option = match (opt_type, units) {
            (1, 1) => Self::SourceLinkLayerAddr(mac()),
            (2, 1) => Self::TargetLinkLayerAddr(mac()),
            (3, 4) => {
                let mut prefix = [0u8; 16];
                prefix.copy_from_slice(field::PREFIX.slice(opt));
                Self::PrefixInfo {
                    prefix_len: field::PREFIX_LEN.get(opt) as u8,
                    flags: field::PREFIX_FLAGS.get(opt) as u8,
                    valid_lifetime: field::VALID_LIFETIME.get(opt) as u32,
                    preferred_lifetime: field::PREFERRED_LIFETIME.get(opt) as u32,
                    prefix: Ipv6Addr::from(prefix),
                }
            }
            (5, 1) => Self::Mtu(field::OPT_MTU.get(opt) as u32),
            _ => Self::Unknown {
                opt_type,
                data: opt[2..].to_vec(),
            },
        };
        Ok((option, len))
    }

    /// The option's field table, from its type and length in bytes.
    fn spec(opt_type: u8, len: usize) -> FieldSpec {
        match (opt_type, len) {
            (1, 8) => field::SOURCE_LINK_ADDR,
            (2, 8) => field::TARGET_LINK_ADDR,
            (3, 32) => field::PREFIX_INFO,
            (5, 8) => field::MTU_OPTION,
            _ => field::OTHER_OPTION.sized(len * 8),
        }
    }
}

/// Where the options that parse end (from the options' start), and the
/// first one that does not: its offset, its length byte and the rule it
/// breaks.
pub(crate) fn scan_options(opts: &[u8]) -> (usize, Option<(usize, u8, &'static str)>) {
    let mut at = 0;
    while at < opts.len() {
        match NdpOption::parse(&opts[at..]) {
            Ok((_, len)) => at += len,
            Err(rule) => {
                let len = opts.get(at + 1).copied().unwrap_or(0);
                return (at, Some((at, len, rule)));
            }
        }
    }
    (at, None)
}

/// Names the fields in `data` (the message from its first byte, cut
/// short or not) at frame offset `base`: the common header, the fixed
/// part of its type, and a Neighbor Discovery message's options up to the
/// first malformed one. What follows (echo data, the quoted packet, an
/// unknown type's body) is the caller's to show.
pub fn annotate(data: &[u8], base: usize) -> Layer {
    let (t, code) = match data {
        [t, code, ..] => (Some(*t), *code),
        _ => (None, 0),
    };
    let specs = t.map_or(field::COMMON, fields);
    let fixed = t.map_or(HEADER_LEN, header_len);
    let mut end = fixed;
    if let Some(t) = t
        && has_options(t)
        && data.len() > fixed
    {
        end += scan_options(&data[fixed..]).0;
    }
    let mut layer = Layer::new(Protocol::Icmpv6, base, data.len().min(end));
    layer.push(data, base, specs, 0);
    let Some(t) = t else {
        return layer;
    };
    if let Some(name) = code_name(t, code) {
        layer.note("Code", &format!("({name})"));
    }
    let mut summary = type_name(t).unwrap_or("Unknown type").to_owned();
    if let Some(name) = code_name(t, code) {
        summary = format!("{summary}: {name}");
    }
    if data.len() >= fixed {
        let p = Packet::new_unchecked(data);
        match (t, code) {
            (128 | 129, 0) => {
                summary = format!(
                    "{summary}, id=0x{:04x}, seq={}",
                    p.echo_ident(),
                    p.echo_seq_no()
                );
            }
            (2, _) => summary = format!("{summary}, MTU {}", p.mtu()),
            (4, _) => summary = format!("{summary}, pointer {}", p.pointer()),
            (135, _) => summary = format!("{summary} for {}", p.target_addr()),
            (136, _) => summary = format!("{summary} {}", p.target_addr()),
            _ => {}
        }
    }
    layer.summary = summary;
    if has_options(t) && end > fixed {
        let opts = &data[fixed..end];
        let mut at = 0;
        while let Ok((option, len)) = NdpOption::parse(&opts[at..]) {
            let here = &opts[at..at + len];
            let spec = NdpOption::spec(opts[at], len);
            layer.push_one(here, base + fixed + at, &spec, 0);
            if let NdpOption::Unknown { .. } = option {
                layer.push_one(
                    here,
                    base + fixed + at,
                    &field::OPT_DATA.sized((len - 2) * 8),
                    1,
                );
            }
            at += len;
            if at >= opts.len() {
                break;
            }
        }
    }
    layer
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::packet::annotate::FieldValue;

    const SRC: Ipv6Addr = Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 1);
    const DST: Ipv6Addr = Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 2);
    const PSEUDO: PseudoHeader = PseudoHeader::V6 { src: SRC, dst: DST };

    // Echo request from fe80::1 to fe80::2, id 0x1234, seq 1, data "abcd".
    static ECHO_BYTES: [u8; 12] = [
        0x80, 0x00, 0xab, 0xb8, 0x12, 0x34, 0x00, 0x01, b'a', b'b', b'c', b'd',
    ];

    /// RFC 8200 §8.1's pseudo-header written out, then RFC 1071 word by
    /// word: the checksum without the crate's helpers.
    fn reference_checksum(msg: &[u8]) -> u16 {
        let mut bytes = Vec::new();
        bytes.extend_from_slice(&SRC.octets());
        bytes.extend_from_slice(&DST.octets());
        bytes.extend_from_slice(&(msg.len() as u32).to_be_bytes());
        bytes.extend_from_slice(&[0, 0, 0, 58]);
        bytes.extend_from_slice(msg);
        bytes[40 + 2] = 0;
        bytes[40 + 3] = 0;
        if bytes.len() % 2 == 1 {
            bytes.push(0);
        }
        let mut sum: u32 = 0;
        for w in bytes.chunks(2) {
            sum += u32::from(u16::from_be_bytes([w[0], w[1]]));
        }
        while sum > 0xffff {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        !(sum as u16)
    }

    fn emit(repr: &Repr, data: &[u8]) -> Vec<u8> {
        let mut bytes = vec![0u8; repr.buffer_len() + data.len()];
        repr.emit(&mut Packet::new_unchecked(&mut bytes[..]), PSEUDO, data);
        bytes
    }

    fn options(list: &[NdpOption]) -> Vec<u8> {
        let mut out = vec![0u8; list.iter().map(NdpOption::buffer_len).sum()];
        let mut at = 0;
        for o in list {
            at += o.emit(&mut out[at..]);
        }
        out
    }

    const MAC: MacAddr = MacAddr([0x02, 0, 0, 0, 0, 0x01]);
    const TARGET: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 2);

    #[test]
    fn deconstruct() {
        let p = Packet::new_checked(&ECHO_BYTES[..]).unwrap();
        assert_eq!(p.msg_type(), 128);
        assert_eq!(p.msg_code(), 0);
        assert_eq!(p.echo_ident(), 0x1234);
        assert_eq!(p.echo_seq_no(), 1);
        assert_eq!(p.body(), b"abcd");
        assert_eq!(p.checksum(), reference_checksum(&ECHO_BYTES));
        assert!(p.verify_checksum(PSEUDO));
        // The same bytes to another host fail: the pseudo-header counts.
        let elsewhere = PseudoHeader::V6 { src: SRC, dst: SRC };
        assert!(!p.verify_checksum(elsewhere));
    }

    #[test]
    fn construct() {
        let mut bytes = [0u8; 12];
        let mut p = Packet::new_unchecked(&mut bytes[..]);
        p.set_msg_type(128);
        p.set_msg_code(0);
        p.set_echo_ident(0x1234);
        p.set_echo_seq_no(1);
        p.body_mut().copy_from_slice(b"abcd");
        p.fill_checksum(PSEUDO);
        assert_eq!(bytes, ECHO_BYTES);
    }

    #[test]
    fn parse_and_emit() {
        let repr = Repr::parse(&Packet::new_checked(&ECHO_BYTES[..]).unwrap()).unwrap();
        assert_eq!(
            repr,
            Repr::EchoRequest {
                ident: 0x1234,
                seq_no: 1
            }
        );
        assert_eq!(emit(&repr, b"abcd"), ECHO_BYTES);
    }

    #[test]
    fn checksums_right_and_wrong() {
        let mut bytes = ECHO_BYTES;
        bytes[2] ^= 0x01;
        let p = Packet::new_unchecked(&bytes[..]);
        assert!(!p.verify_checksum(PSEUDO));
        assert_eq!(p.checksum_expected(PSEUDO), reference_checksum(&ECHO_BYTES));
        // An odd length pads the last byte with zero.
        let odd = emit(
            &Repr::EchoReply {
                ident: 7,
                seq_no: 9,
            },
            b"abc",
        );
        let p = Packet::new_unchecked(&odd[..]);
        assert!(p.verify_checksum(PSEUDO));
        assert_eq!(p.checksum(), reference_checksum(&odd));
    }

    #[test]
    fn every_kind_round_trips() {
        let opts = options(&[
            NdpOption::SourceLinkLayerAddr(MAC),
            NdpOption::Mtu(1500),
            NdpOption::PrefixInfo {
                prefix_len: 64,
                flags: 0xc0,
                valid_lifetime: 2_592_000,
                preferred_lifetime: 604_800,
                prefix: Ipv6Addr::new(0x2001, 0xdb8, 1, 0, 0, 0, 0, 0),
            },
        ]);
        for (repr, len) in [
            (Repr::DstUnreachable { code: 4 }, 8),
            (Repr::PacketTooBig { mtu: 1280 }, 8),
            (Repr::TimeExceeded { code: 1 }, 8),
            (
                Repr::ParamProblem {
                    code: 1,
                    pointer: 40,
                },
                8,
            ),
            (
                Repr::EchoReply {
                    ident: 7,
                    seq_no: 9,
                },
                8,
            ),
            (Repr::RouterSolicit, 8),
            (
                Repr::RouterAdvert {
                    hop_limit: 64,
                    flags: 0xc8,
                    router_lifetime: 1800,
                    reachable_time: 30_000,
                    retrans_timer: 1000,
                },
                16,
            ),
            (
                Repr::NeighborSolicit {
                    target_addr: TARGET,
                },
                24,
            ),
            (
                Repr::NeighborAdvert {
                    flags: NaFlags::SOLICITED | NaFlags::OVERRIDE,
                    target_addr: TARGET,
                },
                24,
            ),
            (
                Repr::Other {
                    msg_type: 200,
                    code: 3,
                },
                4,
            ),
        ] {
            assert_eq!(repr.buffer_len(), len, "{repr:?}");
            let body: &[u8] = if has_options(repr.msg_type()) {
                &opts
            } else {
                b"quoted or echoed"
            };
            let bytes = emit(&repr, body);
            let p = Packet::new_checked(&bytes[..]).unwrap();
            assert!(p.verify_checksum(PSEUDO), "{repr:?}");
            assert_eq!(p.checksum(), reference_checksum(&bytes), "{repr:?}");
            assert_eq!(Repr::parse(&p).unwrap(), repr);
            assert_eq!(&bytes[len..], body);
        }
    }

    #[test]
    fn options_round_trip_and_faults() {
        let list = [
            NdpOption::SourceLinkLayerAddr(MAC),
            NdpOption::TargetLinkLayerAddr(MAC),
            NdpOption::Mtu(1280),
            NdpOption::PrefixInfo {
                prefix_len: 64,
                flags: 0x40,
                valid_lifetime: u32::MAX,
                preferred_lifetime: 0,
                prefix: TARGET,
            },
            NdpOption::Unknown {
                opt_type: 25,
                data: vec![0; 22],
            },
        ];
        let bytes = options(&list);
        assert_eq!(bytes.len(), 8 + 8 + 8 + 32 + 24);
        assert_eq!(&bytes[..8], &[1, 1, 2, 0, 0, 0, 0, 1]);
        let mut at = 0;
        for o in &list {
            let (back, len) = NdpOption::parse(&bytes[at..]).unwrap();
            assert_eq!(&back, o);
            at += len;
        }
        assert_eq!(scan_options(&bytes), (bytes.len(), None));
        assert_eq!(
            NdpOption::parse(&[1, 0, 0, 0, 0, 0, 0, 0]),
            Err("an option's length counts 8-byte units and is at least 1")
        );
        assert_eq!(
            NdpOption::parse(&[1, 2, 0, 0, 0, 0, 0, 0]),
            Err("an option ends inside the message")
        );
        assert_eq!(
            NdpOption::parse(&[1]),
            Err("an option ends inside the message")
        );
        assert_eq!(
            scan_options(&[1, 1, 2, 0, 0, 0, 0, 1, 5, 0]),
            (
                8,
                Some((
                    8,
                    0,
                    "an option's length counts 8-byte units and is at least 1"
                ))
            )
        );
    }

    #[test]
    fn short_messages_are_length_errors() {
        for (bytes, needed) in [
            (&[0x80][..], 4),
            (&[0x80, 0, 0, 0, 1][..], 8),
            (&[135, 0, 0, 0, 0, 0, 0, 0, 0, 0][..], 24),
            (&[134, 0, 0, 0, 0, 0, 0, 0][..], 16),
        ] {
            let e = Packet::new_checked(bytes).unwrap_err();
            assert_eq!(
                e,
                WireError::Length(LenError::header(Protocol::Icmpv6, needed, bytes.len()))
            );
        }
        assert!(Packet::new_checked(&[200, 0, 0, 0][..]).is_ok());
        assert_eq!(
            Packet::new_checked(&[0x80][..]).unwrap_err().to_string(),
            "ICMPv6: needs 4 bytes from byte 0, only 1 is there"
        );
    }

    #[test]
    fn annotation_follows_the_type() {
        let layer = annotate(&ECHO_BYTES, 54);
        assert_eq!(layer.name, "ICMPv6");
        assert_eq!(layer.length, 8);
        assert_eq!(layer.field("Identifier").unwrap().offset, 58);
        assert_eq!(layer.field("Identifier").unwrap().display, "0x1234");
        assert_eq!(
            layer.field("Type").unwrap().display,
            "128 (Echo (ping) request)"
        );
        assert_eq!(layer.summary, "Echo (ping) request, id=0x1234, seq=1");

        let bytes = emit(&Repr::DstUnreachable { code: 4 }, &[0x60; 40]);
        let layer = annotate(&bytes, 54);
        assert_eq!(layer.field("Code").unwrap().display, "4 (Port unreachable)");
        assert_eq!(layer.field("Unused").unwrap().bits, 32);
        assert_eq!(layer.summary, "Destination Unreachable: Port unreachable");
        let bytes = emit(&Repr::TimeExceeded { code: 0 }, &[]);
        assert_eq!(
            annotate(&bytes, 0).field("Code").unwrap().display,
            "0 (Hop limit exceeded in transit)"
        );
        let bytes = emit(&Repr::PacketTooBig { mtu: 1280 }, &[]);
        let layer = annotate(&bytes, 0);
        assert_eq!(layer.field("MTU").unwrap().value, FieldValue::Number(1280));
        assert_eq!(layer.summary, "Packet Too Big, MTU 1280");
        let bytes = emit(
            &Repr::ParamProblem {
                code: 1,
                pointer: 6,
            },
            &[],
        );
        assert_eq!(annotate(&bytes, 0).field("Pointer").unwrap().display, "6");

        let ns = emit(
            &Repr::NeighborSolicit {
                target_addr: TARGET,
            },
            &options(&[NdpOption::SourceLinkLayerAddr(MAC)]),
        );
        let layer = annotate(&ns, 54);
        assert_eq!(layer.length, 32);
        assert_eq!(layer.summary, "Neighbor Solicitation for 2001:db8::2");
        assert_eq!(
            layer.field("Target Address").unwrap().display,
            "2001:db8::2"
        );
        let opt = layer.field("Source link-layer address").unwrap();
        assert_eq!((opt.offset, opt.bits, opt.depth), (54 + 24, 64, 0));
        let mac = layer.field("Link-layer address").unwrap();
        assert_eq!(
            (mac.offset, mac.display.as_str()),
            (54 + 26, "02:00:00:00:00:01")
        );
        assert_eq!(layer.field("Length").unwrap().display, "1 (8 bytes)");

        let na = emit(
            &Repr::NeighborAdvert {
                flags: NaFlags::ROUTER | NaFlags::SOLICITED,
                target_addr: TARGET,
            },
            &options(&[NdpOption::TargetLinkLayerAddr(MAC)]),
        );
        let layer = annotate(&na, 0);
        assert_eq!(
            layer.field("Flags").unwrap().display,
            "0xc0000000 (Router, Solicited)"
        );
        assert_eq!(layer.field("Router").unwrap().display, "Set");
        assert_eq!(layer.field("Override").unwrap().display, "Not set");
        assert!(layer.field("Target link-layer address").is_some());

        let ra = emit(
            &Repr::RouterAdvert {
                hop_limit: 64,
                flags: 0x88,
                router_lifetime: 1800,
                reachable_time: 0,
                retrans_timer: 0,
            },
            &options(&[
                NdpOption::Mtu(1500),
                NdpOption::Unknown {
                    opt_type: 99,
                    data: vec![1; 6],
                },
            ]),
        );
        let layer = annotate(&ra, 0);
        assert_eq!(layer.length, ra.len());
        assert_eq!(layer.field("Flags").unwrap().display, "0x88 (Managed)");
        assert_eq!(
            layer.field("Default Router Preference").unwrap().display,
            "1 (High)"
        );
        assert_eq!(layer.field("Router Lifetime").unwrap().display, "1800");
        let other = layer.field("Option").unwrap();
        assert_eq!((other.offset, other.bits), (24, 64));
        assert_eq!(layer.fields.last().unwrap().display, "01 01 01 01 01 01");

        let rs = emit(&Repr::RouterSolicit, &[]);
        assert_eq!(
            annotate(&rs, 0).field("Reserved").unwrap().display,
            "00 00 00 00"
        );

        let unknown = emit(
            &Repr::Other {
                msg_type: 200,
                code: 0,
            },
            b"xyz",
        );
        let layer = annotate(&unknown, 0);
        assert_eq!(layer.length, 4);
        assert_eq!(layer.summary, "Unknown type");
    }

    #[test]
    fn a_bad_option_ends_the_layer() {
        let mut body = options(&[NdpOption::SourceLinkLayerAddr(MAC)]);
        body.extend_from_slice(&[5, 0, 0, 0, 0, 0, 0, 0]);
        let ns = emit(
            &Repr::NeighborSolicit {
                target_addr: TARGET,
            },
            &body,
        );
        let layer = annotate(&ns, 0);
        assert_eq!(layer.length, 32);
        assert!(layer.field("MTU").is_none());
    }

    #[test]
    fn every_cut_of_every_kind_annotates_without_panic() {
        let frames = [
            ECHO_BYTES.to_vec(),
            emit(
                &Repr::NeighborAdvert {
                    flags: NaFlags::OVERRIDE,
                    target_addr: TARGET,
                },
                &options(&[NdpOption::TargetLinkLayerAddr(MAC)]),
            ),
            emit(
                &Repr::RouterAdvert {
                    hop_limit: 0,
                    flags: 0,
                    router_lifetime: 0,
                    reachable_time: 0,
                    retrans_timer: 0,
                },
                &options(&[NdpOption::Mtu(1400)]),
            ),
            emit(&Repr::PacketTooBig { mtu: 1280 }, &[0x60; 48]),
        ];
        for full in frames {
            for cut in 0..=full.len() {
                let part = &full[..cut];
                let layer = annotate(part, 14);
                assert!(layer.length <= cut);
                let fixed = header_len(full[0]);
                assert_eq!(Packet::new_checked(part).is_ok(), cut >= fixed);
                if let Ok(p) = Packet::new_checked(part) {
                    Repr::parse(&p).unwrap();
                    let _ = p.verify_checksum(PSEUDO);
                    let _ = scan_options(p.body());
                }
            }
        }
    }
}
