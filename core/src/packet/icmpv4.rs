//! ICMP for IPv4 (RFC 792): the network layer's own messages, carried
//! inside IP with no ports. `ping` sends Echo Request (type 8) and gets
//! Echo Reply (0); a router that drops a packet says why with Destination
//! Unreachable (3) or Time Exceeded (11, what `traceroute` listens for),
//! quoting the dropped packet's IP header and first 8 bytes.
//!
//! The first 4 bytes are the same for every message (type, code,
//! checksum); the next 4 depend on the type, and so does the field table
//! the annotation uses.

use super::annotate::Layer;
use super::checksum;
use super::error::{LenError, WireError};
use super::field::{FieldSpec, Format};
use super::layer::Protocol;

/// An ICMP type's name.
pub fn type_name(msg_type: u8) -> Option<&'static str> {
    Some(match msg_type {
        0 => "Echo (ping) reply",
        3 => "Destination unreachable",
        4 => "Source quench",
        5 => "Redirect",
        8 => "Echo (ping) request",
        9 => "Router advertisement",
        10 => "Router solicitation",
        11 => "Time-to-live exceeded",
        12 => "Parameter problem",
        13 => "Timestamp request",
        14 => "Timestamp reply",
        _ => return None,
    })
}

/// The meaning of a code within its type.
pub fn code_name(msg_type: u8, code: u8) -> Option<&'static str> {
    Some(match (msg_type, code) {
        (3, 0) => "Network unreachable",
        (3, 1) => "Host unreachable",
        (3, 2) => "Protocol unreachable",
        (3, 3) => "Port unreachable",
        (3, 4) => "Fragmentation needed",
        (3, 5) => "Source route failed",
        (3, 6) => "Destination network unknown",
        (3, 7) => "Destination host unknown",
        (3, 9) => "Network administratively prohibited",
        (3, 10) => "Host administratively prohibited",
        (3, 13) => "Communication administratively filtered",
        (11, 0) => "Time to live exceeded in transit",
        (11, 1) => "Fragment reassembly time exceeded",
        (5, 0) => "Redirect for network",
        (5, 1) => "Redirect for host",
        _ => return None,
    })
}

fn type_text(v: u64) -> String {
    match type_name(v as u8) {
        Some(name) => format!("{v} ({name})"),
        None => v.to_string(),
    }
}

mod field {
    use super::*;

    pub const TYPE: FieldSpec = FieldSpec::new("Type", 0, 8)
        .show(Format::Custom(type_text))
        .ws("icmp.type")
        .about(
            "What the message is: 8 echo request, 0 echo reply, 3 unreachable, 11 time exceeded.",
        );
    pub const CODE: FieldSpec = FieldSpec::new("Code", 8, 8)
        .ws("icmp.code")
        .about("The detail within the type (for type 3: 0 network, 1 host, 3 port unreachable).");
    pub const CHECKSUM: FieldSpec = FieldSpec::new("Checksum", 16, 16)
        .show(Format::Hex)
        .derived()
        .ws("icmp.checksum")
        .about("RFC 1071 checksum of the whole ICMP message (no pseudo-header).");
    pub const IDENT: FieldSpec = FieldSpec::new("Identifier", 32, 16)
        .ws("icmp.ident")
        .about("Chosen by the pinger (often its process ID) to match replies to requests.");
    pub const SEQ_NO: FieldSpec = FieldSpec::new("Sequence Number", 48, 16)
        .ws("icmp.seq")
        .about("Counts the pings: icmp_seq in ping's output.");
    pub const UNUSED_HALF: FieldSpec = FieldSpec::new("Unused", 32, 16)
        .show(Format::Bytes)
        .ws("icmp.unused")
        .about("Zero.");
    pub const MTU: FieldSpec = FieldSpec::new("MTU of next hop", 48, 16)
        .ws("icmp.mtu")
        .about("The largest packet the next link takes: path MTU discovery reads it (RFC 1191).");
    pub const UNUSED: FieldSpec = FieldSpec::new("Unused", 32, 32)
        .show(Format::Bytes)
        .ws("icmp.unused")
        .about("Zero.");
    pub const REST: FieldSpec = FieldSpec::new("Rest of header", 32, 32)
        .show(Format::Hex)
        .about("Depends on the type.");

    /// tshark shows the body of a type it does not know as nothing at
    /// all (no `data.data`), so it has no Wireshark name here.
    pub const BODY: FieldSpec = FieldSpec::new("Data", 0, 0)
        .show(Format::Bytes)
        .about("The rest of a message whose type netlab does not decode.");

    pub const COMMON: &[FieldSpec] = &[TYPE, CODE, CHECKSUM];
    pub const ECHO: &[FieldSpec] = &[TYPE, CODE, CHECKSUM, IDENT, SEQ_NO];
    pub const FRAG_NEEDED: &[FieldSpec] = &[TYPE, CODE, CHECKSUM, UNUSED_HALF, MTU];
    pub const ERROR: &[FieldSpec] = &[TYPE, CODE, CHECKSUM, UNUSED];
    pub const OTHER: &[FieldSpec] = &[TYPE, CODE, CHECKSUM, REST];
    pub const PAYLOAD: usize = 8;
}

/// The header's fields for a message of this type and code.
pub fn fields(msg_type: u8, code: u8) -> &'static [FieldSpec] {
    match (msg_type, code) {
        (0 | 8, _) => field::ECHO,
        (3, 4) => field::FRAG_NEEDED,
        (3 | 11, _) => field::ERROR,
        _ => field::OTHER,
    }
}

/// The fields every message has: type, code, checksum.
pub const FIELDS: &[FieldSpec] = field::COMMON;
pub(crate) const CHECKSUM: FieldSpec = field::CHECKSUM;
pub(crate) const BODY: FieldSpec = field::BODY;
/// Type, code, checksum and the 4 type-specific bytes.
pub const HEADER_LEN: usize = field::PAYLOAD;

/// A read/write view of an ICMP message.
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

    pub fn check_len(&self) -> Result<(), WireError> {
        let len = self.buffer.as_ref().len();
        if len < HEADER_LEN {
            return Err(LenError::header(Protocol::Icmpv4, HEADER_LEN, len).into());
        }
        Ok(())
    }

    pub fn into_inner(self) -> T {
        self.buffer
    }

    fn get(&self, spec: FieldSpec) -> u64 {
        spec.get(self.buffer.as_ref())
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

    /// Echo messages' identifier.
    pub fn echo_ident(&self) -> u16 {
        self.get(field::IDENT) as u16
    }

    /// Echo messages' sequence number.
    pub fn echo_seq_no(&self) -> u16 {
        self.get(field::SEQ_NO) as u16
    }

    /// Fragmentation Needed's next-hop MTU.
    pub fn next_hop_mtu(&self) -> u16 {
        self.get(field::MTU) as u16
    }

    /// The 4 type-specific bytes.
    pub fn rest_of_header(&self) -> [u8; 4] {
        let mut r = [0u8; 4];
        r.copy_from_slice(field::REST.slice(self.buffer.as_ref()));
        r
    }

    /// The bytes after the 8-byte header: echo data, or the quoted
    /// datagram of an error.
    pub fn data(&self) -> &[u8] {
        &self.buffer.as_ref()[field::PAYLOAD..]
    }

    /// Whether the checksum over the whole message is right.
    pub fn verify_checksum(&self) -> bool {
        checksum::data(self.buffer.as_ref()) == 0xffff
    }

    pub fn checksum_expected(&self) -> u16 {
        !checksum::data_without(self.buffer.as_ref(), field::CHECKSUM.bytes().start)
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    fn set(&mut self, spec: FieldSpec, value: u64) {
        spec.set(self.buffer.as_mut(), value);
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

    pub fn set_next_hop_mtu(&mut self, value: u16) {
        self.set(field::MTU, u64::from(value));
    }

    pub fn set_rest_of_header(&mut self, value: [u8; 4]) {
        field::REST
            .slice_mut(self.buffer.as_mut())
            .copy_from_slice(&value);
    }

    pub fn data_mut(&mut self) -> &mut [u8] {
        &mut self.buffer.as_mut()[field::PAYLOAD..]
    }

    /// Computes the checksum over the whole buffer and writes it.
    pub fn fill_checksum(&mut self) {
        let c = self.checksum_expected();
        self.set_checksum(c);
    }
}

/// An ICMP header, by the messages netlab teaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repr {
    EchoRequest {
        ident: u16,
        seq_no: u16,
    },
    EchoReply {
        ident: u16,
        seq_no: u16,
    },
    /// Type 3; `next_hop_mtu` is only sent for code 4.
    DstUnreachable {
        code: u8,
        next_hop_mtu: u16,
    },
    /// Type 11.
    TimeExceeded {
        code: u8,
    },
    /// Any other type, its 4 type-specific bytes kept as they are.
    Other {
        msg_type: u8,
        code: u8,
        rest: [u8; 4],
    },
}

impl Repr {
    /// A header from its raw numbers, sorted into the messages netlab
    /// knows by type. `ident` and `seq_no` fill an echo's rest of header,
    /// the MTU of a Fragmentation Needed; other types get zeros.
    pub fn from_numbers(msg_type: u8, code: u8, ident: u16, seq_no: u16) -> Self {
        match msg_type {
            8 if code == 0 => Self::EchoRequest { ident, seq_no },
            0 if code == 0 => Self::EchoReply { ident, seq_no },
            3 => Self::DstUnreachable {
                code,
                next_hop_mtu: if code == 4 { seq_no } else { 0 },
            },
            11 => Self::TimeExceeded { code },
            _ => {
                let [a, b] = ident.to_be_bytes();
                let [c, d] = seq_no.to_be_bytes();
                let rest = if matches!(msg_type, 0 | 8) {
                    [a, b, c, d]
                } else {
                    [0; 4]
                };
                Self::Other {
                    msg_type,
                    code,
                    rest,
                }
            }
        }
    }

    pub fn parse<T: AsRef<[u8]>>(packet: &Packet<T>) -> Result<Self, WireError> {
        packet.check_len()?;
        let (t, code) = (packet.msg_type(), packet.msg_code());
        Ok(match (t, code) {
            (8, 0) => Self::EchoRequest {
                ident: packet.echo_ident(),
                seq_no: packet.echo_seq_no(),
            },
            (0, 0) => Self::EchoReply {
                ident: packet.echo_ident(),
                seq_no: packet.echo_seq_no(),
            },
            (3, _)
                if packet.rest_of_header()[..2] == [0, 0]
                    && (code == 4 || packet.next_hop_mtu() == 0) =>
            {
                Self::DstUnreachable {
                    code,
                    next_hop_mtu: packet.next_hop_mtu(),
                }
            }
            (11, _) if packet.rest_of_header() == [0; 4] => Self::TimeExceeded { code },
            _ => Self::Other {
                msg_type: t,
                code,
                rest: packet.rest_of_header(),
            },
        })
    }

    pub fn msg_type(&self) -> u8 {
        match self {
            Self::EchoRequest { .. } => 8,
            Self::EchoReply { .. } => 0,
            Self::DstUnreachable { .. } => 3,
            Self::TimeExceeded { .. } => 11,
            Self::Other { msg_type, .. } => *msg_type,
        }
    }

    pub fn code(&self) -> u8 {
        match self {
            Self::EchoRequest { .. } | Self::EchoReply { .. } => 0,
            Self::DstUnreachable { code, .. } | Self::TimeExceeded { code } => *code,
            Self::Other { code, .. } => *code,
        }
    }

    pub fn buffer_len(&self) -> usize {
        HEADER_LEN
    }

    /// Writes the header, copies `data` after it and fills the checksum.
    ///
    /// # Panics
    ///
    /// If the buffer is not 8 bytes plus the data long.
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, packet: &mut Packet<T>, data: &[u8]) {
        packet.set_msg_type(self.msg_type());
        packet.set_msg_code(self.code());
        match *self {
            Self::EchoRequest { ident, seq_no } | Self::EchoReply { ident, seq_no } => {
                packet.set_echo_ident(ident);
                packet.set_echo_seq_no(seq_no);
            }
            Self::DstUnreachable { next_hop_mtu, .. } => {
                packet.set_rest_of_header([0; 4]);
                packet.set_next_hop_mtu(next_hop_mtu);
            }
            Self::TimeExceeded { .. } => packet.set_rest_of_header([0; 4]),
            Self::Other { rest, .. } => packet.set_rest_of_header(rest),
        }
        packet.data_mut().copy_from_slice(data);
        packet.fill_checksum();
    }
}

/// Names the header's fields in `data` (the message from its first byte,
/// cut short or not) at frame offset `base`. The data after the header
/// is the caller's to show.
pub fn annotate(data: &[u8], base: usize) -> Layer {
    let mut layer = Layer::new(Protocol::Icmpv4, base, data.len().min(HEADER_LEN));
    let (t, code) = match data {
        [t, code, ..] => (*t, *code),
        _ => (0xff, 0),
    };
    layer.push(data, base, fields(t, code), 0);
    if let Some(name) = code_name(t, code) {
        layer.note("Code", &format!("({name})"));
    }
    if data.len() >= 2 {
        layer.summary = type_name(t).unwrap_or("Unknown type").to_owned();
        if let Some(name) = code_name(t, code) {
            layer.summary = format!("{}: {name}", layer.summary);
        }
        if data.len() >= HEADER_LEN && matches!((t, code), (0 | 8, 0)) {
            let p = Packet::new_unchecked(data);
            layer.summary = format!(
                "{}, id={}, seq={}",
                layer.summary,
                p.echo_ident(),
                p.echo_seq_no()
            );
        }
    }
    layer
}

#[cfg(test)]
mod test {
    use super::*;

    // Echo request, id 1, seq 1, data "abcd".
    static ECHO_BYTES: [u8; 12] = [
        0x08, 0x00, 0x33, 0x37, 0x00, 0x01, 0x00, 0x01, b'a', b'b', b'c', b'd',
    ];

    #[test]
    fn deconstruct() {
        let p = Packet::new_checked(&ECHO_BYTES[..]).unwrap();
        assert_eq!(p.msg_type(), 8);
        assert_eq!(p.msg_code(), 0);
        assert_eq!(p.echo_ident(), 1);
        assert_eq!(p.echo_seq_no(), 1);
        assert_eq!(p.data(), b"abcd");
        assert!(p.verify_checksum());
    }

    #[test]
    fn construct() {
        let mut bytes = [0u8; 12];
        let mut p = Packet::new_unchecked(&mut bytes[..]);
        p.set_msg_type(8);
        p.set_msg_code(0);
        p.set_echo_ident(1);
        p.set_echo_seq_no(1);
        p.data_mut().copy_from_slice(b"abcd");
        p.fill_checksum();
        assert_eq!(bytes, ECHO_BYTES);
    }

    #[test]
    fn parse_and_emit() {
        let repr = Repr::parse(&Packet::new_checked(&ECHO_BYTES[..]).unwrap()).unwrap();
        assert_eq!(
            repr,
            Repr::EchoRequest {
                ident: 1,
                seq_no: 1
            }
        );
        let mut bytes = [0u8; 12];
        repr.emit(&mut Packet::new_unchecked(&mut bytes[..]), b"abcd");
        assert_eq!(bytes, ECHO_BYTES);
    }

    #[test]
    fn every_kind_round_trips() {
        for repr in [
            Repr::EchoReply {
                ident: 7,
                seq_no: 9,
            },
            Repr::DstUnreachable {
                code: 3,
                next_hop_mtu: 0,
            },
            Repr::DstUnreachable {
                code: 4,
                next_hop_mtu: 1400,
            },
            Repr::TimeExceeded { code: 0 },
            Repr::Other {
                msg_type: 5,
                code: 1,
                rest: [192, 168, 1, 1],
            },
        ] {
            let mut bytes = [0u8; 8];
            repr.emit(&mut Packet::new_unchecked(&mut bytes[..]), &[]);
            let p = Packet::new_checked(&bytes[..]).unwrap();
            assert!(p.verify_checksum(), "{repr:?}");
            assert_eq!(Repr::parse(&p).unwrap(), repr);
        }
        assert_eq!(
            Repr::from_numbers(3, 4, 0, 1400),
            Repr::DstUnreachable {
                code: 4,
                next_hop_mtu: 1400
            }
        );
    }

    #[test]
    fn annotation_follows_the_type() {
        let layer = annotate(&ECHO_BYTES, 34);
        assert_eq!(layer.field("Identifier").unwrap().offset, 38);
        assert_eq!(layer.summary, "Echo (ping) request, id=1, seq=1");
        let mut bytes = [0u8; 8];
        Repr::DstUnreachable {
            code: 3,
            next_hop_mtu: 0,
        }
        .emit(&mut Packet::new_unchecked(&mut bytes[..]), &[]);
        let layer = annotate(&bytes, 34);
        assert_eq!(layer.field("Code").unwrap().display, "3 (Port unreachable)");
        assert!(layer.field("Identifier").is_none());
        assert_eq!(layer.field("Unused").unwrap().bits, 32);
    }
}
