//! TCP (RFC 9293): ports, sequence and acknowledgment numbers, flags, the
//! receive window, a checksum with the IP pseudo-header, and options.
//!
//! A TCP segment carries no length of its own: it ends where the IP
//! packet ends, so this view's buffer is exactly the segment. TCP numbers
//! bytes, not messages; that is the root of the seeds' 黏包 (seed 003):
//! two `send`s may leave in one segment and the receiver cannot see
//! where one ended.
//!
//! The flags are 12 bits after the data offset, each a 1-bit field: from
//! the top, 3 reserved bits, AE (Accurate ECN, RFC 9768; once NS), CWR,
//! ECE, URG, ACK, PSH, RST, SYN, FIN.

use std::fmt;
use std::str::FromStr;

use thiserror::Error;

use super::annotate::Layer;
use super::checksum::{self, PseudoHeader};
use super::error::{ContentError, LenError, WireError};
use super::field::{FieldSpec, Format};
use super::ipv4::IpProtocol;
use super::layer::Protocol;

/// The flag bits, as the low 12 bits of the header's bytes 12–13.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct TcpFlags(pub u16);

impl TcpFlags {
    pub const FIN: Self = Self(0x001);
    pub const SYN: Self = Self(0x002);
    pub const RST: Self = Self(0x004);
    pub const PSH: Self = Self(0x008);
    pub const ACK: Self = Self(0x010);
    pub const URG: Self = Self(0x020);
    pub const ECE: Self = Self(0x040);
    pub const CWR: Self = Self(0x080);
    pub const AE: Self = Self(0x100);

    /// Name and bit, lowest first: the order Wireshark lists them in.
    pub const NAMES: [(&'static str, Self); 9] = [
        ("FIN", Self::FIN),
        ("SYN", Self::SYN),
        ("RST", Self::RST),
        ("PSH", Self::PSH),
        ("ACK", Self::ACK),
        ("URG", Self::URG),
        ("ECE", Self::ECE),
        ("CWR", Self::CWR),
        ("AE", Self::AE),
    ];

    pub fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

impl std::ops::BitOr for TcpFlags {
    type Output = Self;

    fn bitor(self, rhs: Self) -> Self {
        Self(self.0 | rhs.0)
    }
}

impl fmt::Display for TcpFlags {
    /// `PSH, ACK`; `none` without flags.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = Self::NAMES
            .iter()
            .filter(|(_, bit)| self.contains(*bit))
            .map(|(name, _)| *name)
            .collect();
        if names.is_empty() {
            f.write_str("none")
        } else {
            f.write_str(&names.join(", "))
        }
    }
}

/// A word that is no TCP flag.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("'{0}' is not a TCP flag; the flags are FIN, SYN, RST, PSH, ACK, URG, ECE, CWR, AE")]
pub struct FlagError(pub String);

impl FromStr for TcpFlags {
    type Err = FlagError;

    /// Flag names in any case, separated by commas, spaces, `+` or `|`
    /// (`SYN,ACK`, `syn+ack`); `PUSH`, `RESET` and `NS` are taken too.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::packet::tcp::TcpFlags;
    ///
    /// let f: TcpFlags = "syn, ACK".parse().unwrap();
    /// assert_eq!(f, TcpFlags::SYN | TcpFlags::ACK);
    /// assert_eq!(f.to_string(), "SYN, ACK");
    /// assert!("SYN,FOO".parse::<TcpFlags>().is_err());
    /// ```
    fn from_str(text: &str) -> Result<Self, FlagError> {
        let mut flags = Self::default();
        for word in text.split([',', ' ', '+', '|']).filter(|w| !w.is_empty()) {
            let upper = word.to_ascii_uppercase();
            let name = match upper.as_str() {
                "PUSH" => "PSH",
                "RESET" => "RST",
                "NS" => "AE",
                other => other,
            };
            let bit = Self::NAMES
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, b)| *b)
                .ok_or_else(|| FlagError(word.to_owned()))?;
            flags = flags | bit;
        }
        Ok(flags)
    }
}

fn flags_text(v: u64) -> String {
    format!("0x{v:03x} ({})", TcpFlags(v as u16))
}

fn data_offset_text(v: u64) -> String {
    format!("{v} ({} bytes)", v * 4)
}

fn option_kind_text(v: u64) -> String {
    format!("{v} ({})", option_name(v as u8))
}

/// An option kind's name, as Wireshark gives it.
pub fn option_name(kind: u8) -> &'static str {
    match kind {
        0 => "End of Option List",
        1 => "No-Operation",
        2 => "Maximum segment size",
        3 => "Window scale",
        4 => "SACK permitted",
        5 => "SACK",
        8 => "Timestamps",
        28 => "User Timeout",
        29 => "TCP-AO",
        30 => "Multipath TCP",
        34 => "TCP Fast Open Cookie",
        _ => "Unknown",
    }
}

mod field {
    use super::*;

    pub const SRC_PORT: FieldSpec = FieldSpec::new("Source Port", 0, 16)
        .ws("tcp.srcport")
        .about("The sending socket's port (发送者的端口); a client's is picked by the OS.");
    pub const DST_PORT: FieldSpec = FieldSpec::new("Destination Port", 16, 16)
        .ws("tcp.dstport")
        .about("The port the server listens on (接受者的端口), 9000 in the seeds.");
    pub const SEQ_NUMBER: FieldSpec = FieldSpec::new("Sequence Number", 32, 32)
        .ws("tcp.seq_raw")
        .about("The number of this segment's first data byte in the sender's byte stream (a SYN counts as one).");
    pub const ACK_NUMBER: FieldSpec = FieldSpec::new("Acknowledgment Number", 64, 32)
        .ws("tcp.ack_raw")
        .about("With ACK set: the next byte the sender expects from the other side; all before it arrived.");
    pub const DATA_OFFSET: FieldSpec = FieldSpec::new("Header Length", 96, 4)
        .show(Format::Custom(data_offset_text))
        .derived()
        .ws("tcp.hdr_len")
        .about("Data Offset: the header's length in 32-bit words, 5 (20 bytes) to 15 (60).");
    pub const RESERVED: FieldSpec = FieldSpec::new("Reserved", 100, 3)
        .ws("tcp.flags.res")
        .about("Must be 0.");
    pub const AE: FieldSpec = FieldSpec::new("Accurate ECN", 103, 1)
        .show(Format::Flag)
        .ws("tcp.flags.ae")
        .about("AE (RFC 9768), once the ECN nonce NS.");
    pub const CWR: FieldSpec = FieldSpec::new("Congestion Window Reduced", 104, 1)
        .show(Format::Flag)
        .ws("tcp.flags.cwr")
        .about("CWR: the sender slowed down after an ECN echo.");
    pub const ECE: FieldSpec = FieldSpec::new("ECN-Echo", 105, 1)
        .show(Format::Flag)
        .ws("tcp.flags.ece")
        .about("ECE: a router marked congestion on the way here.");
    pub const URG: FieldSpec = FieldSpec::new("Urgent", 106, 1)
        .show(Format::Flag)
        .ws("tcp.flags.urg")
        .about("URG: the Urgent Pointer counts.");
    pub const ACK: FieldSpec = FieldSpec::new("Acknowledgment", 107, 1)
        .show(Format::Flag)
        .ws("tcp.flags.ack")
        .about("ACK: the Acknowledgment Number counts; set on every segment after the first SYN.");
    pub const PSH: FieldSpec = FieldSpec::new("Push", 108, 1)
        .show(Format::Flag)
        .ws("tcp.flags.push")
        .about("PSH: hand the data to the program now; set on the last segment of a send().");
    pub const RST: FieldSpec = FieldSpec::new("Reset", 109, 1)
        .show(Format::Flag)
        .ws("tcp.flags.reset")
        .about("RST: abort the connection (what 'Connection refused' is made of).");
    pub const SYN: FieldSpec = FieldSpec::new("Syn", 110, 1)
        .show(Format::Flag)
        .ws("tcp.flags.syn")
        .about("SYN: open a connection and synchronize sequence numbers (the 3-way handshake).");
    pub const FIN: FieldSpec = FieldSpec::new("Fin", 111, 1)
        .show(Format::Flag)
        .ws("tcp.flags.fin")
        .about("FIN: the sender has no more data (close()).");
    pub const FLAGS: FieldSpec = FieldSpec::new("Flags", 100, 12)
        .show(Format::Custom(flags_text))
        .ws("tcp.flags")
        .about("Twelve 1-bit fields that say what the segment does.")
        .with(&[RESERVED, AE, CWR, ECE, URG, ACK, PSH, RST, SYN, FIN]);
    pub const WINDOW: FieldSpec = FieldSpec::new("Window", 112, 16)
        .ws("tcp.window_size_value")
        .about(
            "How many more bytes the receiver will take now (shifted by the window scale option).",
        );
    pub const CHECKSUM: FieldSpec = FieldSpec::new("Checksum", 128, 16)
        .show(Format::Hex)
        .derived()
        .ws("tcp.checksum")
        .about("RFC 1071 checksum of a pseudo-header (IP addresses, protocol, length), the header and the data.");
    pub const URGENT: FieldSpec = FieldSpec::new("Urgent Pointer", 144, 16)
        .ws("tcp.urgent_pointer")
        .about("With URG: where urgent data ends; almost never used.");
    pub const OPTIONS: FieldSpec = FieldSpec::new("Options", 160, 0)
        .show(Format::Bytes)
        .ws("tcp.options")
        .about("Extras agreed in the handshake (MSS, window scale, SACK, timestamps), padded to 32 bits.");

    pub const FIELDS: &[FieldSpec] = &[
        SRC_PORT,
        DST_PORT,
        SEQ_NUMBER,
        ACK_NUMBER,
        DATA_OFFSET,
        FLAGS,
        WINDOW,
        CHECKSUM,
        URGENT,
    ];

    // One option, from its kind byte.
    pub const KIND: FieldSpec = FieldSpec::new("Kind", 0, 8)
        .show(Format::Custom(option_kind_text))
        .ws("tcp.option_kind")
        .about("Which option this is.");
    pub const LEN: FieldSpec = FieldSpec::new("Length", 8, 8)
        .derived()
        .ws("tcp.option_len")
        .about("The option's length in bytes, kind and length included.");
    pub const MSS_VALUE: FieldSpec = FieldSpec::new("MSS Value", 16, 16)
        .ws("tcp.options.mss_val")
        .about(
            "The largest segment data the sender can receive: 1460 on Ethernet (1500 - 20 - 20).",
        );
    pub const WS_SHIFT: FieldSpec = FieldSpec::new("Shift count", 16, 8)
        .ws("tcp.options.wscale.shift")
        .about("The window field counts in units of 2^shift bytes.");
    pub const TS_VAL: FieldSpec = FieldSpec::new("Timestamp value", 16, 32)
        .ws("tcp.options.timestamp.tsval")
        .about("The sender's clock, for round-trip times and protection against wrapped sequence numbers.");
    pub const TS_ECR: FieldSpec = FieldSpec::new("Timestamp echo reply", 48, 32)
        .ws("tcp.options.timestamp.tsecr")
        .about("The other side's latest timestamp value, echoed back.");
    pub const SACK_LE: FieldSpec = FieldSpec::new("Left edge", 16, 32)
        .ws("tcp.options.sack_le")
        .about("The first sequence number of a block that arrived after a gap.");
    pub const SACK_RE: FieldSpec = FieldSpec::new("Right edge", 48, 32)
        .ws("tcp.options.sack_re")
        .about("The sequence number just after that block.");
    pub const DATA: FieldSpec = FieldSpec::new("Data", 16, 0).show(Format::Bytes);

    pub const EOL: FieldSpec = FieldSpec::new("End of Option List", 0, 8)
        .show(Format::Bytes)
        .ws("tcp.options.eol")
        .about("Kind 0: no options follow.")
        .with(&[KIND]);
    pub const NOP: FieldSpec = FieldSpec::new("No-Operation", 0, 8)
        .show(Format::Bytes)
        .ws("tcp.options.nop")
        .about("Kind 1: one byte of filler to align the next option.")
        .with(&[KIND]);
    pub const MSS: FieldSpec = FieldSpec::new("Maximum segment size", 0, 32)
        .show(Format::Bytes)
        .ws("tcp.options.mss")
        .about("Kind 2 (SYN only): the largest segment data this side accepts.")
        .with(&[KIND, LEN, MSS_VALUE]);
    pub const WSCALE: FieldSpec = FieldSpec::new("Window scale", 0, 24)
        .show(Format::Bytes)
        .ws("tcp.options.wscale")
        .about("Kind 3 (SYN only): lets the 16-bit window describe up to 1 GiB.")
        .with(&[KIND, LEN, WS_SHIFT]);
    pub const SACK_PERM: FieldSpec = FieldSpec::new("SACK permitted", 0, 16)
        .show(Format::Bytes)
        .ws("tcp.options.sack_perm")
        .about("Kind 4 (SYN only): this side understands selective acknowledgments.")
        .with(&[KIND, LEN]);
    pub const SACK: FieldSpec = FieldSpec::new("SACK", 0, 0)
        .show(Format::Bytes)
        .ws("tcp.options.sack")
        .about("Kind 5: the blocks that arrived beyond a gap (at most 4), so the sender resends only what is missing.")
        .with(&[KIND, LEN]);
    pub const TIMESTAMPS: FieldSpec = FieldSpec::new("Timestamps", 0, 80)
        .show(Format::Bytes)
        .ws("tcp.options.timestamp")
        .about("Kind 8: a clock value and the echo of the other side's.")
        .with(&[KIND, LEN, TS_VAL, TS_ECR]);
    pub const OTHER: FieldSpec = FieldSpec::new("Option", 0, 0)
        .show(Format::Bytes)
        .with(&[KIND, LEN]);
    pub const PADDING: FieldSpec = FieldSpec::new("Padding", 0, 0)
        .show(Format::Bytes)
        .about("Zeros after End of Option List, up to the header's end.");
}

/// The fixed header's fields, in order (options follow).
pub const FIELDS: &[FieldSpec] = field::FIELDS;
/// The header without options.
pub const HEADER_LEN: usize = 20;
/// Data offset 15.
pub const MAX_HEADER_LEN: usize = 60;
pub(crate) const CHECKSUM: FieldSpec = field::CHECKSUM;

/// A TCP option.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TcpOption {
    EndOfList,
    NoOperation,
    MaxSegmentSize(u16),
    WindowScale(u8),
    SackPermitted,
    /// RFC 2018: blocks received beyond a gap, each its left edge (first
    /// sequence number) and right edge (the one after its last byte).
    Sack(Vec<(u32, u32)>),
    Timestamps {
        tsval: u32,
        tsecr: u32,
    },
    /// Any other kind, its data as bytes.
    Unknown {
        kind: u8,
        data: Vec<u8>,
    },
}

impl TcpOption {
    pub fn kind(&self) -> u8 {
        match self {
            Self::EndOfList => 0,
            Self::NoOperation => 1,
            Self::MaxSegmentSize(_) => 2,
            Self::WindowScale(_) => 3,
            Self::SackPermitted => 4,
            Self::Sack(_) => 5,
            Self::Timestamps { .. } => 8,
            Self::Unknown { kind, .. } => *kind,
        }
    }

    /// Bytes on the wire, kind and length included.
    pub fn buffer_len(&self) -> usize {
        match self {
            Self::EndOfList | Self::NoOperation => 1,
            Self::MaxSegmentSize(_) => 4,
            Self::WindowScale(_) => 3,
            Self::SackPermitted => 2,
            Self::Sack(blocks) => 2 + 8 * blocks.len().min(4),
            Self::Timestamps { .. } => 10,
            Self::Unknown { data, .. } => 2 + data.len(),
        }
    }

    /// Writes the option at the start of `buf`; returns its length.
    ///
    /// # Panics
    ///
    /// If `buf` is shorter than [`TcpOption::buffer_len`].
    pub fn emit(&self, buf: &mut [u8]) -> usize {
        let len = self.buffer_len();
        field::KIND.set(buf, u64::from(self.kind()));
        if len > 1 {
            field::LEN.set(buf, len as u64);
        }
        match self {
            Self::MaxSegmentSize(v) => field::MSS_VALUE.set(buf, u64::from(*v)),
            Self::WindowScale(v) => field::WS_SHIFT.set(buf, u64::from(*v)),
            Self::Timestamps { tsval, tsecr } => {
                field::TS_VAL.set(buf, u64::from(*tsval));
                field::TS_ECR.set(buf, u64::from(*tsecr));
            }
            Self::Sack(blocks) => {
                for (i, (left, right)) in blocks.iter().take(4).enumerate() {
                    field::SACK_LE.at(16 + 64 * i).set(buf, u64::from(*left));
                    field::SACK_RE.at(48 + 64 * i).set(buf, u64::from(*right));
                }
            }
            Self::Unknown { data, .. } => buf[2..len].copy_from_slice(data),
            Self::EndOfList | Self::NoOperation | Self::SackPermitted => {}
        }
        len
    }

    /// Reads the option at the start of `buf`, with its length; `None`
    /// when its length byte is missing, below 2, past the end, or wrong
    /// for its kind.
    pub fn parse(buf: &[u8]) -> Option<(Self, usize)> {
        let kind = *buf.first()?;
        match kind {
            0 => return Some((Self::EndOfList, 1)),
            1 => return Some((Self::NoOperation, 1)),
            _ => {}
        }
        let len = usize::from(*buf.get(1)?);
        if len < 2 || len > buf.len() {
            return None;
        }
        let opt = &buf[..len];
        let option = match (kind, len) {
            (2, 4) => Self::MaxSegmentSize(field::MSS_VALUE.get(opt) as u16),
            (3, 3) => Self::WindowScale(field::WS_SHIFT.get(opt) as u8),
            (4, 2) => Self::SackPermitted,
            (8, 10) => Self::Timestamps {
                tsval: field::TS_VAL.get(opt) as u32,
                tsecr: field::TS_ECR.get(opt) as u32,
            },
            (2 | 3 | 4 | 8, _) => return None,
            // SACK (RFC 2018): one to four blocks of two 32-bit edges.
            (5, _) if len < 10 || (len - 2) % 8 != 0 => return None,
            (5, _) => Self::Sack(
                (0..(len - 2) / 8)
                    .map(|i| {
                        let left = field::SACK_LE.at(16 + 64 * i).get(opt) as u32;
                        let right = field::SACK_RE.at(48 + 64 * i).get(opt) as u32;
                        (left, right)
                    })
                    .collect(),
            ),
            _ => Self::Unknown {
                kind,
                data: opt[2..].to_vec(),
            },
        };
        Some((option, len))
    }

    /// The option's descriptor, sized for `len` bytes.
    fn spec(kind: u8, len: usize) -> FieldSpec {
        let base = match kind {
            0 => field::EOL,
            1 => field::NOP,
            2 => field::MSS,
            3 => field::WSCALE,
            4 => field::SACK_PERM,
            5 => field::SACK,
            8 => field::TIMESTAMPS,
            _ => FieldSpec {
                name: option_name(kind),
                ..field::OTHER
            },
        };
        base.sized(len * 8)
    }
}

/// A read/write view of a TCP segment (header and data).
#[derive(Debug, Clone)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    pub fn new_unchecked(buffer: T) -> Self {
        Self { buffer }
    }

    /// Wraps a buffer holding the header its data offset promises.
    pub fn new_checked(buffer: T) -> Result<Self, WireError> {
        let packet = Self::new_unchecked(buffer);
        packet.check_len()?;
        Ok(packet)
    }

    pub fn check_len(&self) -> Result<(), WireError> {
        let len = self.buffer.as_ref().len();
        if len < HEADER_LEN {
            return Err(LenError::header(Protocol::Tcp, HEADER_LEN, len).into());
        }
        let words = field::DATA_OFFSET.get(self.buffer.as_ref());
        if words < 5 {
            return Err(ContentError::new(
                Protocol::Tcp,
                field::DATA_OFFSET.bytes().start,
                "Data Offset",
                words,
                "it counts 32-bit words and is at least 5 (20 bytes)",
            )
            .into());
        }
        let header_len = usize::from(self.header_len());
        if len < header_len {
            return Err(LenError::field(
                Protocol::Tcp,
                "Data Offset",
                (header_len / 4) as u64,
                header_len,
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

    pub fn src_port(&self) -> u16 {
        self.get(field::SRC_PORT) as u16
    }

    pub fn dst_port(&self) -> u16 {
        self.get(field::DST_PORT) as u16
    }

    pub fn seq_number(&self) -> u32 {
        self.get(field::SEQ_NUMBER) as u32
    }

    pub fn ack_number(&self) -> u32 {
        self.get(field::ACK_NUMBER) as u32
    }

    /// The header's length in bytes (the data offset times 4).
    pub fn header_len(&self) -> u8 {
        (self.get(field::DATA_OFFSET) * 4) as u8
    }

    pub fn flags(&self) -> TcpFlags {
        TcpFlags(self.get(field::FLAGS) as u16)
    }

    pub fn fin(&self) -> bool {
        self.get(field::FIN) != 0
    }

    pub fn syn(&self) -> bool {
        self.get(field::SYN) != 0
    }

    pub fn rst(&self) -> bool {
        self.get(field::RST) != 0
    }

    pub fn psh(&self) -> bool {
        self.get(field::PSH) != 0
    }

    pub fn ack(&self) -> bool {
        self.get(field::ACK) != 0
    }

    pub fn urg(&self) -> bool {
        self.get(field::URG) != 0
    }

    pub fn window_len(&self) -> u16 {
        self.get(field::WINDOW) as u16
    }

    pub fn checksum(&self) -> u16 {
        self.get(field::CHECKSUM) as u16
    }

    pub fn urgent_at(&self) -> u16 {
        self.get(field::URGENT) as u16
    }

    /// The options' bytes (with their padding).
    pub fn options(&self) -> &[u8] {
        &self.buffer.as_ref()[HEADER_LEN..usize::from(self.header_len())]
    }

    pub fn payload(&self) -> &[u8] {
        &self.buffer.as_ref()[usize::from(self.header_len())..]
    }

    /// Whether the checksum over the segment and pseudo-header is right.
    pub fn verify_checksum(&self, pseudo: PseudoHeader) -> bool {
        let data = self.buffer.as_ref();
        checksum::combine(&[
            pseudo.sum(IpProtocol::TCP.0, data.len()),
            checksum::data(data),
        ]) == 0xffff
    }

    pub fn checksum_expected(&self, pseudo: PseudoHeader) -> u16 {
        let data = self.buffer.as_ref();
        !checksum::combine(&[
            pseudo.sum(IpProtocol::TCP.0, data.len()),
            checksum::data_without(data, field::CHECKSUM.bytes().start),
        ])
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    fn set(&mut self, spec: FieldSpec, value: u64) {
        spec.set(self.buffer.as_mut(), value);
    }

    pub fn set_src_port(&mut self, value: u16) {
        self.set(field::SRC_PORT, u64::from(value));
    }

    pub fn set_dst_port(&mut self, value: u16) {
        self.set(field::DST_PORT, u64::from(value));
    }

    pub fn set_seq_number(&mut self, value: u32) {
        self.set(field::SEQ_NUMBER, u64::from(value));
    }

    pub fn set_ack_number(&mut self, value: u32) {
        self.set(field::ACK_NUMBER, u64::from(value));
    }

    /// In bytes; stored as 32-bit words.
    pub fn set_header_len(&mut self, value: u8) {
        self.set(field::DATA_OFFSET, u64::from(value / 4));
    }

    /// All 12 flag bits at once (the reserved ones included).
    pub fn set_flags(&mut self, value: TcpFlags) {
        self.set(field::FLAGS, u64::from(value.0));
    }

    pub fn set_fin(&mut self, value: bool) {
        self.set(field::FIN, u64::from(value));
    }

    pub fn set_syn(&mut self, value: bool) {
        self.set(field::SYN, u64::from(value));
    }

    pub fn set_rst(&mut self, value: bool) {
        self.set(field::RST, u64::from(value));
    }

    pub fn set_psh(&mut self, value: bool) {
        self.set(field::PSH, u64::from(value));
    }

    pub fn set_ack(&mut self, value: bool) {
        self.set(field::ACK, u64::from(value));
    }

    pub fn set_urg(&mut self, value: bool) {
        self.set(field::URG, u64::from(value));
    }

    pub fn set_window_len(&mut self, value: u16) {
        self.set(field::WINDOW, u64::from(value));
    }

    pub fn set_checksum(&mut self, value: u16) {
        self.set(field::CHECKSUM, u64::from(value));
    }

    pub fn set_urgent_at(&mut self, value: u16) {
        self.set(field::URGENT, u64::from(value));
    }

    pub fn options_mut(&mut self) -> &mut [u8] {
        let end = usize::from(self.header_len());
        &mut self.buffer.as_mut()[HEADER_LEN..end]
    }

    pub fn payload_mut(&mut self) -> &mut [u8] {
        let start = usize::from(self.header_len());
        &mut self.buffer.as_mut()[start..]
    }

    /// Computes the checksum over the whole buffer and writes it.
    pub fn fill_checksum(&mut self, pseudo: PseudoHeader) {
        let c = self.checksum_expected(pseudo);
        self.set_checksum(c);
    }
}

/// A TCP header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repr {
    pub src_port: u16,
    pub dst_port: u16,
    pub seq_number: u32,
    pub ack_number: u32,
    pub flags: TcpFlags,
    pub window_len: u16,
    pub urgent_pointer: u16,
    /// Emitted in order, then padded with zeros (End of Option List) to
    /// 32 bits; parsing stops at End of Option List.
    pub options: Vec<TcpOption>,
}

impl Repr {
    /// Reads the header of a checked segment; a malformed option is a
    /// content error. The checksum is judged apart
    /// ([`Packet::verify_checksum`]).
    pub fn parse<T: AsRef<[u8]>>(packet: &Packet<T>) -> Result<Self, WireError> {
        packet.check_len()?;
        let opts = packet.options();
        let mut options = Vec::new();
        let mut at = 0;
        while at < opts.len() {
            let Some((option, len)) = TcpOption::parse(&opts[at..]) else {
                let value = opts.get(at + 1).copied().unwrap_or(0);
                return Err(ContentError::new(
                    Protocol::Tcp,
                    HEADER_LEN + at + 1,
                    "Option Length",
                    u64::from(value),
                    option_fault(&opts[at..]),
                )
                .into());
            };
            at += len;
            let end = option == TcpOption::EndOfList;
            options.push(option);
            if end {
                break;
            }
        }
        Ok(Self {
            src_port: packet.src_port(),
            dst_port: packet.dst_port(),
            seq_number: packet.seq_number(),
            ack_number: packet.ack_number(),
            flags: packet.flags(),
            window_len: packet.window_len(),
            urgent_pointer: packet.urgent_at(),
            options,
        })
    }

    /// The options' bytes before padding.
    pub fn options_len(&self) -> usize {
        self.options.iter().map(TcpOption::buffer_len).sum()
    }

    /// 20 bytes plus the options padded to 32 bits (at most 60).
    pub fn buffer_len(&self) -> usize {
        HEADER_LEN
            + self
                .options_len()
                .next_multiple_of(4)
                .min(MAX_HEADER_LEN - HEADER_LEN)
    }

    /// Writes the header and options, copies `payload` after them and
    /// fills the checksum. Options beyond 40 bytes are left out.
    ///
    /// # Panics
    ///
    /// If the buffer is not [`Repr::buffer_len`] plus the payload long.
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(
        &self,
        packet: &mut Packet<T>,
        pseudo: PseudoHeader,
        payload: &[u8],
    ) {
        packet.set_src_port(self.src_port);
        packet.set_dst_port(self.dst_port);
        packet.set_seq_number(self.seq_number);
        packet.set_ack_number(self.ack_number);
        packet.set_header_len(self.buffer_len() as u8);
        packet.set_flags(self.flags);
        packet.set_window_len(self.window_len);
        packet.set_urgent_at(self.urgent_pointer);
        let opts = packet.options_mut();
        opts.fill(0);
        let mut at = 0;
        for option in &self.options {
            if at + option.buffer_len() > opts.len() {
                break;
            }
            at += option.emit(&mut opts[at..]);
        }
        packet.payload_mut().copy_from_slice(payload);
        packet.fill_checksum(pseudo);
    }
}

/// Names the header's fields in `data` (the segment from its first byte,
/// cut short or not) at frame offset `base`, options one by one up to the
/// first malformed one (see `bad_option`).
pub fn annotate(data: &[u8], base: usize) -> Layer {
    let header_len = if data.len() >= HEADER_LEN {
        usize::from(Packet::new_unchecked(data).header_len()).max(HEADER_LEN)
    } else {
        HEADER_LEN
    };
    let mut layer = Layer::new(Protocol::Tcp, base, data.len().min(header_len));
    layer.push(data, base, FIELDS, 0);
    if data.len() < HEADER_LEN {
        return layer;
    }
    let p = Packet::new_unchecked(data);
    layer.summary = format!(
        "Src Port: {}, Dst Port: {}, Seq: {}, Ack: {}, Flags: [{}]",
        p.src_port(),
        p.dst_port(),
        p.seq_number(),
        p.ack_number(),
        p.flags()
    );
    let end = header_len.min(data.len());
    if end > HEADER_LEN {
        layer.push_one(data, base, &field::OPTIONS.sized((end - HEADER_LEN) * 8), 0);
        let opts = &data[HEADER_LEN..end];
        let mut at = 0;
        while at < opts.len() {
            let Some((option, len)) = TcpOption::parse(&opts[at..]) else {
                break;
            };
            let here = &opts[at..at + len];
            layer.push_one(
                here,
                base + HEADER_LEN + at,
                &TcpOption::spec(opts[at], len),
                1,
            );
            match &option {
                TcpOption::Unknown { .. } => {
                    layer.push_one(
                        here,
                        base + HEADER_LEN + at,
                        &field::DATA.sized((len - 2) * 8),
                        2,
                    );
                }
                TcpOption::Sack(blocks) => {
                    for i in 0..blocks.len() {
                        let b = base + HEADER_LEN + at;
                        layer.push_one(here, b, &field::SACK_LE.at(16 + 64 * i), 2);
                        layer.push_one(here, b, &field::SACK_RE.at(48 + 64 * i), 2);
                    }
                }
                _ => {}
            }
            at += len;
            if option == TcpOption::EndOfList {
                let rest = opts.len() - at;
                layer.push_one(
                    &opts[at..],
                    base + HEADER_LEN + at,
                    &field::PADDING.sized(rest * 8),
                    1,
                );
                break;
            }
        }
    }
    layer
}

/// The offset (from the options' start) of the first option that does
/// not parse, its length byte, and the rule it breaks.
pub(crate) fn bad_option(opts: &[u8]) -> Option<(usize, u8, &'static str)> {
    let mut at = 0;
    while at < opts.len() {
        match TcpOption::parse(&opts[at..]) {
            Some((TcpOption::EndOfList, _)) => return None,
            Some((_, len)) => at += len,
            None => {
                let rest = opts.get(at..).unwrap_or_default();
                let len = rest.get(1).copied().unwrap_or(0);
                return Some((at, len, option_fault(rest)));
            }
        }
    }
    None
}

/// Why the option at the start of `buf` does not parse, as the rule it
/// breaks: the sizes each kind must have are what tshark checks too.
fn option_fault(buf: &[u8]) -> &'static str {
    let len = buf.get(1).map(|&l| usize::from(l));
    match (buf.first(), len) {
        (_, None) => "an option other than End of Option List and No-Operation has a length byte",
        (_, Some(len)) if len < 2 => {
            "an option's length counts its kind and length bytes, so it is at least 2"
        }
        (_, Some(len)) if len > buf.len() => "an option ends inside the header",
        (Some(2), _) => "a Maximum segment size option is 4 bytes long",
        (Some(3), _) => "a Window scale option is 3 bytes long",
        (Some(4), _) => "a SACK permitted option is 2 bytes long",
        (Some(5), _) => "a SACK option is 2 bytes and 8 for each block: 10, 18, 26 or 34",
        (Some(8), _) => "a Timestamps option is 10 bytes long",
        _ => "an option ends inside the header",
    }
}

#[cfg(test)]
mod test {
    use std::net::Ipv4Addr;

    use proptest::prelude::*;

    use super::*;

    const PSEUDO: PseudoHeader = PseudoHeader::V4 {
        src: Ipv4Addr::new(192, 168, 12, 1),
        dst: Ipv4Addr::new(192, 168, 13, 1),
    };

    // 53000 -> 9000, seq 1, ack 1, PSH+ACK, window 64240, b"hello".
    static SEGMENT_BYTES: [u8; 25] = [
        0xcf, 0x08, 0x23, 0x28, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x50, 0x18, 0xfa,
        0xf0, 0xe4, 0x7e, 0x00, 0x00, b'h', b'e', b'l', b'l', b'o',
    ];

    fn repr() -> Repr {
        Repr {
            src_port: 53000,
            dst_port: 9000,
            seq_number: 1,
            ack_number: 1,
            flags: TcpFlags::PSH | TcpFlags::ACK,
            window_len: 64240,
            urgent_pointer: 0,
            options: Vec::new(),
        }
    }

    #[test]
    fn deconstruct() {
        let p = Packet::new_checked(&SEGMENT_BYTES[..]).unwrap();
        assert_eq!(p.src_port(), 53000);
        assert_eq!(p.dst_port(), 9000);
        assert_eq!(p.seq_number(), 1);
        assert_eq!(p.ack_number(), 1);
        assert_eq!(p.header_len(), 20);
        assert!(p.psh() && p.ack() && !p.syn() && !p.fin() && !p.rst() && !p.urg());
        assert_eq!(p.flags().to_string(), "PSH, ACK");
        assert_eq!(p.window_len(), 64240);
        assert_eq!(p.urgent_at(), 0);
        assert_eq!(p.payload(), b"hello");
        assert!(p.verify_checksum(PSEUDO));
    }

    #[test]
    fn construct() {
        let mut bytes = [0xa5u8; 25];
        let mut p = Packet::new_unchecked(&mut bytes[..]);
        p.set_src_port(53000);
        p.set_dst_port(9000);
        p.set_seq_number(1);
        p.set_ack_number(1);
        p.set_header_len(20);
        p.set_flags(TcpFlags::default());
        p.set_psh(true);
        p.set_ack(true);
        p.set_window_len(64240);
        p.set_urgent_at(0);
        p.payload_mut().copy_from_slice(b"hello");
        p.fill_checksum(PSEUDO);
        assert_eq!(bytes, SEGMENT_BYTES);
    }

    #[test]
    fn parse_and_emit() {
        let p = Packet::new_checked(&SEGMENT_BYTES[..]).unwrap();
        assert_eq!(Repr::parse(&p).unwrap(), repr());
        let mut bytes = [0u8; 25];
        repr().emit(&mut Packet::new_unchecked(&mut bytes[..]), PSEUDO, b"hello");
        assert_eq!(bytes, SEGMENT_BYTES);
    }

    #[test]
    fn options_round_trip() {
        let syn = Repr {
            flags: TcpFlags::SYN,
            options: vec![
                TcpOption::MaxSegmentSize(1460),
                TcpOption::SackPermitted,
                TcpOption::Timestamps { tsval: 7, tsecr: 0 },
                TcpOption::NoOperation,
                TcpOption::WindowScale(7),
            ],
            ..repr()
        };
        assert_eq!(syn.options_len(), 20);
        assert_eq!(syn.buffer_len(), 40);
        let mut bytes = [0u8; 40];
        syn.emit(&mut Packet::new_unchecked(&mut bytes[..]), PSEUDO, &[]);
        assert_eq!(
            &bytes[20..],
            &[
                2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 0, 7, 0, 0, 0, 0, 1, 3, 3, 7
            ]
        );
        let p = Packet::new_checked(&bytes[..]).unwrap();
        assert!(p.verify_checksum(PSEUDO));
        assert_eq!(Repr::parse(&p).unwrap(), syn);
        let layer = annotate(&bytes, 34);
        let mss = layer.field("MSS Value").unwrap();
        assert_eq!(
            (mss.offset, mss.depth, mss.value.number()),
            (56, 2, Some(1460))
        );
        assert_eq!(layer.field("Shift count").unwrap().offset, 73);
    }

    #[test]
    fn sack_blocks_are_read_edge_by_edge() {
        let r = Repr {
            flags: TcpFlags::ACK,
            options: vec![
                TcpOption::NoOperation,
                TcpOption::NoOperation,
                TcpOption::Sack(vec![(1000, 2000), (3000, 4000)]),
            ],
            ..repr()
        };
        assert_eq!(r.buffer_len(), 40);
        let mut bytes = [0u8; 40];
        r.emit(&mut Packet::new_unchecked(&mut bytes[..]), PSEUDO, &[]);
        assert_eq!(&bytes[22..26], &[5, 18, 0, 0]);
        let p = Packet::new_checked(&bytes[..]).unwrap();
        assert_eq!(Repr::parse(&p).unwrap(), r);
        let layer = annotate(&bytes, 34);
        let edges: Vec<_> = layer
            .fields
            .iter()
            .filter(|f| f.name.ends_with("edge"))
            .map(|f| (f.name, f.offset, f.value.number()))
            .collect();
        assert_eq!(
            edges,
            [
                ("Left edge", 58, Some(1000)),
                ("Right edge", 62, Some(2000)),
                ("Left edge", 66, Some(3000)),
                ("Right edge", 70, Some(4000))
            ]
        );
        assert_eq!(layer.field("SACK").unwrap().bits, 18 * 8);
    }

    #[test]
    fn padding_after_end_of_list() {
        let r = Repr {
            options: vec![TcpOption::MaxSegmentSize(536), TcpOption::EndOfList],
            ..repr()
        };
        assert_eq!(r.buffer_len(), 28);
        let mut bytes = [0u8; 28];
        r.emit(&mut Packet::new_unchecked(&mut bytes[..]), PSEUDO, &[]);
        let layer = annotate(&bytes, 0);
        let padding = layer.field("Padding").unwrap();
        assert_eq!((padding.offset, padding.bits), (25, 24));
        assert_eq!(
            Repr::parse(&Packet::new_checked(&bytes[..]).unwrap())
                .unwrap()
                .options,
            r.options
        );
    }

    #[test]
    fn malformed_options_and_lengths() {
        let mut bytes = [0u8; 24];
        bytes[..20].copy_from_slice(&SEGMENT_BYTES[..20]);
        bytes[12] = 0x60;
        bytes[20..].copy_from_slice(&[2, 9, 5, 0xb4]);
        assert_eq!(
            bad_option(&bytes[20..]),
            Some((0, 9, "an option ends inside the header"))
        );
        let e = Repr::parse(&Packet::new_checked(&bytes[..]).unwrap()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "TCP: Option Length is 9 at byte 21; an option ends inside the header"
        );
        // Each kind's size, as tshark checks it; the faults in order.
        type Case = (&'static [u8], Option<(usize, u8)>, &'static str);
        let cases: [Case; 9] = [
            (&[1, 1, 1, 5], Some((3, 0)), "has a length byte"),
            (&[5, 1, 0, 0], Some((0, 1)), "at least 2"),
            (
                &[2, 3, 0, 1],
                Some((0, 3)),
                "Maximum segment size option is 4",
            ),
            (&[3, 4, 0, 0], Some((0, 4)), "Window scale option is 3"),
            (&[4, 3, 0, 1], Some((0, 3)), "SACK permitted option is 2"),
            (&[5, 4, 0, 0], Some((0, 4)), "10, 18, 26 or 34"),
            (&[8, 4, 0, 0], Some((0, 4)), "Timestamps option is 10"),
            (&[5, 10, 0, 0, 0, 1, 0, 0, 0, 2, 1, 0], None, ""),
            (
                &[5, 11, 0, 0, 0, 1, 0, 0, 0, 2, 1, 0],
                Some((0, 11)),
                "10, 18, 26 or 34",
            ),
        ];
        for (opts, want, words) in cases {
            let got = bad_option(opts);
            assert_eq!(got.map(|(at, len, _)| (at, len)), want, "{opts:?}");
            assert!(
                got.is_none_or(|(_, _, rule)| rule.contains(words)),
                "{opts:?}: {got:?}"
            );
        }
        bytes[12] = 0x40;
        let e = Packet::new_checked(&bytes[..]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "TCP: Data Offset is 4 at byte 12; it counts 32-bit words and is at least 5 (20 bytes)"
        );
        bytes[12] = 0x70;
        assert!(matches!(
            Packet::new_checked(&bytes[..]).unwrap_err(),
            WireError::Length(_)
        ));
    }

    #[test]
    fn flags_parse_and_show() {
        assert_eq!("".parse::<TcpFlags>().unwrap(), TcpFlags::default());
        assert_eq!("fin|push".parse::<TcpFlags>().unwrap().0, 0x009);
        assert_eq!(
            "SYN,XMAS".parse::<TcpFlags>().unwrap_err().to_string(),
            "'XMAS' is not a TCP flag; the flags are FIN, SYN, RST, PSH, ACK, URG, ECE, CWR, AE"
        );
        assert_eq!(flags_text(0x018), "0x018 (PSH, ACK)");
        assert_eq!(TcpFlags::default().to_string(), "none");
    }

    fn arb_option() -> impl Strategy<Value = TcpOption> {
        prop_oneof![
            Just(TcpOption::NoOperation),
            any::<u16>().prop_map(TcpOption::MaxSegmentSize),
            any::<u8>().prop_map(TcpOption::WindowScale),
            Just(TcpOption::SackPermitted),
            (any::<u32>(), any::<u32>())
                .prop_map(|(tsval, tsecr)| TcpOption::Timestamps { tsval, tsecr }),
            proptest::collection::vec(any::<(u32, u32)>(), 1..=4).prop_map(TcpOption::Sack),
            (9u8..=255, proptest::collection::vec(any::<u8>(), 0..6))
                .prop_map(|(kind, data)| TcpOption::Unknown { kind, data }),
        ]
    }

    proptest! {
        #[test]
        fn reprs_round_trip(
            ports in any::<(u16, u16)>(),
            numbers in any::<(u32, u32, u16, u16)>(),
            flags in 0..0x1000u16,
            options in proptest::collection::vec(arb_option(), 0..6)
                .prop_filter("fits in 40 bytes", |o| o.iter().map(TcpOption::buffer_len).sum::<usize>() <= 40),
            payload in proptest::collection::vec(any::<u8>(), 0..64),
        ) {
            let repr = Repr {
                src_port: ports.0,
                dst_port: ports.1,
                seq_number: numbers.0,
                ack_number: numbers.1,
                flags: TcpFlags(flags),
                window_len: numbers.2,
                urgent_pointer: numbers.3,
                options,
            };
            let mut bytes = vec![0u8; repr.buffer_len() + payload.len()];
            repr.emit(&mut Packet::new_unchecked(&mut bytes[..]), PSEUDO, &payload);
            let p = Packet::new_checked(&bytes[..]).unwrap();
            prop_assert!(p.verify_checksum(PSEUDO));
            prop_assert_eq!(p.payload(), &payload[..]);
            let mut expected = repr.clone();
            if !repr.options_len().is_multiple_of(4) {
                // The padding reads as End of Option List.
                expected.options.push(TcpOption::EndOfList);
            }
            prop_assert_eq!(Repr::parse(&p).unwrap(), expected);
        }
    }
}
