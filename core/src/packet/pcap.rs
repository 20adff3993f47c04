//! Classic pcap files (libpcap's format, the IETF draft
//! `draft-ietf-opsawg-pcap`): a 24-byte file header, then a 16-byte
//! record header before each packet.
//!
//! Everything happens in memory: the writer returns bytes and the reader
//! takes bytes, so the caller does the file I/O and passes the timestamps
//! in (the core has no clock). Timestamps are microseconds since the Unix
//! epoch, the classic format's resolution.

use std::fmt;

use serde::Serialize;
use thiserror::Error;

/// The link type of Ethernet frames (LINKTYPE_ETHERNET).
pub const LINKTYPE_ETHERNET: u32 = 1;
/// The snapshot length written: no packet is cut.
pub const SNAPLEN: u32 = 262_144;

const MAGIC_MICROS: u32 = 0xa1b2_c3d4;
const MAGIC_NANOS: u32 = 0xa1b2_3c4d;
const PCAPNG_MAGIC: u32 = 0x0a0d_0d0a;

/// One captured packet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Record {
    /// Microseconds since 1970-01-01 00:00:00 UTC.
    pub timestamp_us: u64,
    /// The bytes captured.
    #[serde(skip)]
    pub data: Vec<u8>,
    /// The packet's length on the wire (more than `data` if it was cut).
    pub original_len: usize,
    /// A note shown in Wireshark as `frame.comment` (pcapng only; the
    /// classic format has nowhere to put it).
    pub comment: Option<String>,
}

impl Record {
    /// A whole packet at `timestamp_us`, without comment.
    pub fn new(timestamp_us: u64, data: Vec<u8>) -> Self {
        let original_len = data.len();
        Self {
            timestamp_us,
            data,
            original_len,
            comment: None,
        }
    }

    /// The same record with a comment.
    pub fn with_comment(mut self, comment: impl Into<String>) -> Self {
        self.comment = Some(comment.into());
        self
    }
}

/// Which file format a capture came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Pcap,
    Pcapng,
}

/// The packets of a capture file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capture {
    pub format: Format,
    /// The link type of the (first) interface: 1 for Ethernet.
    pub link_type: u32,
    /// The whole packets, up to where the file breaks off if it does.
    pub records: Vec<Record>,
    /// Why the file ends early (cut inside a packet, a broken block), if
    /// it does: the packets before are in `records`, as tshark shows them
    /// before it says the file "appears to have been cut short".
    pub cut: Option<PcapError>,
}

/// Why bytes are not a capture netlab can read, or a packet cannot be
/// written.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PcapError {
    #[error("not a pcap or pcapng file: it starts with {0}")]
    NotACapture(Magic),
    #[error("the file ends inside {what} at byte {offset}")]
    Truncated { what: &'static str, offset: usize },
    #[error("timestamp {timestamp_us} µs is past 2106, beyond what a classic pcap stores")]
    Timestamp { timestamp_us: u64 },
    #[error("a packet of {len} bytes is too large for a capture file")]
    TooLarge { len: usize },
    #[error(
        "the pcapng block at byte {offset} has length {length}; a block is at least 12 bytes and a multiple of 4"
    )]
    BadBlock { offset: usize, length: u32 },
    #[error(
        "the packet at byte {offset} names interface {interface}, which no Interface Description Block declared"
    )]
    NoInterface { offset: usize, interface: u32 },
    #[error("link type {link_type} does not fit a pcapng interface, whose link type is 16 bits")]
    LinkType { link_type: u32 },
}

/// The first bytes of a file, for the error message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Magic(pub Vec<u8>);

impl fmt::Display for Magic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("nothing (the file is empty)");
        }
        f.write_str("0x")?;
        for b in &self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

/// Writes a classic pcap of Ethernet frames (LINKTYPE_ETHERNET,
/// microsecond timestamps, little-endian). Comments are dropped: the
/// format has no place for them (see [`super::pcapng::write`]).
///
/// # Examples
///
/// ```
/// use netlab_core::packet::pcap::{self, Record};
///
/// let file = pcap::write(&[Record::new(1_700_000_000_000_001, vec![0xff; 14])]).unwrap();
/// assert_eq!(&file[..4], &[0xd4, 0xc3, 0xb2, 0xa1]);
/// assert_eq!(file.len(), 24 + 16 + 14);
/// let back = pcap::read(&file).unwrap();
/// assert_eq!(back.records[0].timestamp_us, 1_700_000_000_000_001);
/// ```
pub fn write(records: &[Record]) -> Result<Vec<u8>, PcapError> {
    write_linked(records, LINKTYPE_ETHERNET)
}

/// [`write()`] for records of another link type (a Linux cooked capture's
/// 113 or 276, read back from a file), so a frame keeps its meaning.
pub fn write_linked(records: &[Record], link_type: u32) -> Result<Vec<u8>, PcapError> {
    let mut out = Vec::with_capacity(24 + records.iter().map(|r| 16 + r.data.len()).sum::<usize>());
    out.extend_from_slice(&MAGIC_MICROS.to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&4u16.to_le_bytes());
    out.extend_from_slice(&0i32.to_le_bytes()); // thiszone
    out.extend_from_slice(&0u32.to_le_bytes()); // sigfigs
    out.extend_from_slice(&SNAPLEN.to_le_bytes());
    out.extend_from_slice(&link_type.to_le_bytes());
    for r in records {
        let secs = u32::try_from(r.timestamp_us / 1_000_000).map_err(|_| PcapError::Timestamp {
            timestamp_us: r.timestamp_us,
        })?;
        let micros = (r.timestamp_us % 1_000_000) as u32;
        let caplen =
            u32::try_from(r.data.len()).map_err(|_| PcapError::TooLarge { len: r.data.len() })?;
        let orig =
            u32::try_from(r.original_len.max(r.data.len())).map_err(|_| PcapError::TooLarge {
                len: r.original_len,
            })?;
        out.extend_from_slice(&secs.to_le_bytes());
        out.extend_from_slice(&micros.to_le_bytes());
        out.extend_from_slice(&caplen.to_le_bytes());
        out.extend_from_slice(&orig.to_le_bytes());
        out.extend_from_slice(&r.data);
    }
    Ok(out)
}

/// Little- or big-endian reads at an offset, with the error naming what
/// was being read.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Reader<'a> {
    pub bytes: &'a [u8],
    pub big: bool,
}

impl<'a> Reader<'a> {
    pub fn slice(&self, at: usize, len: usize, what: &'static str) -> Result<&'a [u8], PcapError> {
        at.checked_add(len)
            .and_then(|end| self.bytes.get(at..end))
            .ok_or(PcapError::Truncated { what, offset: at })
    }

    pub fn u16(&self, at: usize, what: &'static str) -> Result<u16, PcapError> {
        let b: [u8; 2] = self.slice(at, 2, what)?.try_into().unwrap_or_default();
        Ok(if self.big {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        })
    }

    pub fn u32(&self, at: usize, what: &'static str) -> Result<u32, PcapError> {
        let b: [u8; 4] = self.slice(at, 4, what)?.try_into().unwrap_or_default();
        Ok(if self.big {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    }
}

fn magic(bytes: &[u8]) -> Magic {
    Magic(bytes[..bytes.len().min(4)].to_vec())
}

/// Reads a classic pcap file, in either byte order, with microsecond or
/// nanosecond timestamps (nanoseconds are cut to microseconds).
pub fn read(bytes: &[u8]) -> Result<Capture, PcapError> {
    let le = Reader { bytes, big: false };
    let m = le
        .u32(0, "the file header")
        .map_err(|_| PcapError::NotACapture(magic(bytes)))?;
    let (big, nanos) = match (m, m.swap_bytes()) {
        (MAGIC_MICROS, _) => (false, false),
        (MAGIC_NANOS, _) => (false, true),
        (_, MAGIC_MICROS) => (true, false),
        (_, MAGIC_NANOS) => (true, true),
        _ => return Err(PcapError::NotACapture(magic(bytes))),
    };
    let r = Reader { bytes, big };
    let link_type = r.u32(20, "the file header")? & 0x0fff_ffff;
    let mut records = Vec::new();
    let mut at = 24;
    let record = |at: usize| -> Result<Record, PcapError> {
        let secs = u64::from(r.u32(at, "a record header")?);
        let frac = u64::from(r.u32(at + 4, "a record header")?);
        let caplen = r.u32(at + 8, "a record header")? as usize;
        let orig = r.u32(at + 12, "a record header")? as usize;
        let data = r.slice(at + 16, caplen, "a packet")?.to_vec();
        let frac_us = if nanos { frac / 1000 } else { frac };
        Ok(Record {
            timestamp_us: secs * 1_000_000 + frac_us,
            data,
            original_len: orig,
            comment: None,
        })
    };
    let mut cut = None;
    while at < bytes.len() {
        match record(at) {
            Ok(rec) => {
                at += 16 + rec.data.len();
                records.push(rec);
            }
            Err(e) => {
                cut = Some(e);
                break;
            }
        }
    }
    Ok(Capture {
        format: Format::Pcap,
        link_type,
        records,
        cut,
    })
}

/// Reads a pcap or a pcapng file, whichever it is.
pub fn read_any(bytes: &[u8]) -> Result<Capture, PcapError> {
    match bytes.get(..4) {
        Some(m) if m == PCAPNG_MAGIC.to_le_bytes() => super::pcapng::read(bytes),
        _ => read(bytes),
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn round_trip() {
        let records = vec![
            Record::new(1, vec![1, 2, 3]),
            Record::new(4_000_000_123_456, vec![0; 60]).with_comment("dropped"),
        ];
        let file = write(&records).unwrap();
        assert_eq!(file.len(), 24 + 16 + 3 + 16 + 60);
        let back = read(&file).unwrap();
        assert_eq!(back.link_type, LINKTYPE_ETHERNET);
        assert_eq!(back.format, Format::Pcap);
        assert_eq!(back.records[0], records[0]);
        assert_eq!(back.records[1].timestamp_us, 4_000_000_123_456);
        assert_eq!(back.records[1].comment, None);
        assert_eq!(read_any(&file).unwrap(), back);
    }

    #[test]
    fn big_endian_and_nanoseconds() {
        let mut file = vec![0xa1, 0xb2, 0x3c, 0x4d, 0, 2, 0, 4];
        file.extend_from_slice(&[0; 8]);
        file.extend_from_slice(&65535u32.to_be_bytes());
        file.extend_from_slice(&1u32.to_be_bytes());
        file.extend_from_slice(&2u32.to_be_bytes());
        file.extend_from_slice(&1_500_000_000u32.to_be_bytes());
        file.extend_from_slice(&1u32.to_be_bytes());
        file.extend_from_slice(&1u32.to_be_bytes());
        file.push(0xab);
        let c = read(&file).unwrap();
        assert_eq!(c.records[0].timestamp_us, 3_500_000);
        assert_eq!(c.records[0].data, [0xab]);
    }

    #[test]
    fn errors() {
        assert_eq!(
            read(b"GET / HTTP/1.1").unwrap_err().to_string(),
            "not a pcap or pcapng file: it starts with 0x47455420"
        );
        assert_eq!(
            read(b"").unwrap_err().to_string(),
            "not a pcap or pcapng file: it starts with nothing (the file is empty)"
        );
        // Cut inside the second packet: the first is read, and where it
        // broke is said.
        let file = write(&[Record::new(0, vec![9]), Record::new(0, vec![1, 2, 3])]).unwrap();
        let c = read(&file[..file.len() - 1]).unwrap();
        assert_eq!(c.records.len(), 1);
        assert_eq!(
            c.cut.map(|e| e.to_string()).as_deref(),
            Some("the file ends inside a packet at byte 57")
        );
        assert_eq!(read(&file).unwrap().cut, None);
        assert_eq!(
            write(&[Record::new(u64::MAX, vec![])]).unwrap_err(),
            PcapError::Timestamp {
                timestamp_us: u64::MAX
            }
        );
    }
}
