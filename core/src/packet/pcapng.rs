//! pcapng files (the IETF draft `draft-ietf-opsawg-pcapng`), the format
//! Wireshark saves by default: a sequence of blocks, each with its type,
//! its length (at both ends, so a reader can walk backwards) and options.
//!
//! netlab writes one Section Header Block, one Interface Description
//! Block (Ethernet, microseconds) and an Enhanced Packet Block per packet,
//! with the packet's comment as an `opt_comment` option, so lesson notes
//! show in Wireshark's packet list and as the `frame.comment` field.
//!
//! The reader takes what netlab writes and what Wireshark saves: any
//! number of sections in either byte order, interfaces with their
//! timestamp resolution (`if_tsresol`), Enhanced, Simple and the old
//! Packet Blocks, and comments; other blocks are skipped.

use super::pcap::{Capture, Format, LINKTYPE_ETHERNET, PcapError, Reader, Record};

const SHB: u32 = 0x0a0d_0d0a;
const IDB: u32 = 1;
const PB: u32 = 2;
const SPB: u32 = 3;
const EPB: u32 = 6;
const BYTE_ORDER_MAGIC: u32 = 0x1a2b_3c4d;
const OPT_END: u16 = 0;
const OPT_COMMENT: u16 = 1;
const SHB_USERAPPL: u16 = 4;
const IF_TSRESOL: u16 = 9;

/// Appends an option (code, length, value padded to 32 bits).
fn option(out: &mut Vec<u8>, code: u16, value: &[u8]) {
    out.extend_from_slice(&code.to_le_bytes());
    out.extend_from_slice(&(value.len().min(usize::from(u16::MAX)) as u16).to_le_bytes());
    let value = &value[..value.len().min(usize::from(u16::MAX))];
    out.extend_from_slice(value);
    out.resize(out.len().next_multiple_of(4), 0);
}

/// Appends a block: type, total length, body, total length.
fn block(out: &mut Vec<u8>, block_type: u32, body: &[u8]) -> Result<(), PcapError> {
    let total =
        u32::try_from(12 + body.len()).map_err(|_| PcapError::TooLarge { len: body.len() })?;
    out.extend_from_slice(&block_type.to_le_bytes());
    out.extend_from_slice(&total.to_le_bytes());
    out.extend_from_slice(body);
    out.extend_from_slice(&total.to_le_bytes());
    Ok(())
}

/// Writes a pcapng file of Ethernet frames (little-endian, microsecond
/// timestamps), with each record's comment as `opt_comment`.
///
/// # Examples
///
/// ```
/// use netlab_core::packet::pcap::Record;
/// use netlab_core::packet::pcapng;
///
/// let rec = Record::new(1_700_000_000_000_000, vec![0xff; 14]).with_comment("step 4: the frame");
/// let file = pcapng::write(&[rec.clone()]).unwrap();
/// assert_eq!(&file[..4], &[0x0a, 0x0d, 0x0d, 0x0a]);
/// assert_eq!(pcapng::read(&file).unwrap().records, [rec]);
/// ```
pub fn write(records: &[Record]) -> Result<Vec<u8>, PcapError> {
    write_linked(records, LINKTYPE_ETHERNET)
}

/// [`write()`] for records of another link type (a pcapng interface's link
/// type is 16 bits: a larger one is refused).
pub fn write_linked(records: &[Record], link_type: u32) -> Result<Vec<u8>, PcapError> {
    let link_type = u16::try_from(link_type).map_err(|_| PcapError::LinkType { link_type })?;
    let mut out = Vec::new();
    let mut shb = Vec::new();
    shb.extend_from_slice(&BYTE_ORDER_MAGIC.to_le_bytes());
    shb.extend_from_slice(&1u16.to_le_bytes());
    shb.extend_from_slice(&0u16.to_le_bytes());
    shb.extend_from_slice(&u64::MAX.to_le_bytes()); // section length: unknown
    option(&mut shb, SHB_USERAPPL, b"netlab");
    option(&mut shb, OPT_END, &[]);
    block(&mut out, SHB, &shb)?;

    let mut idb = Vec::new();
    idb.extend_from_slice(&link_type.to_le_bytes());
    idb.extend_from_slice(&0u16.to_le_bytes());
    idb.extend_from_slice(&super::pcap::SNAPLEN.to_le_bytes());
    option(&mut idb, IF_TSRESOL, &[6]);
    option(&mut idb, OPT_END, &[]);
    block(&mut out, IDB, &idb)?;

    for r in records {
        let caplen =
            u32::try_from(r.data.len()).map_err(|_| PcapError::TooLarge { len: r.data.len() })?;
        let orig =
            u32::try_from(r.original_len.max(r.data.len())).map_err(|_| PcapError::TooLarge {
                len: r.original_len,
            })?;
        let mut epb = Vec::with_capacity(20 + r.data.len() + 8);
        epb.extend_from_slice(&0u32.to_le_bytes()); // interface 0
        epb.extend_from_slice(&((r.timestamp_us >> 32) as u32).to_le_bytes());
        epb.extend_from_slice(&(r.timestamp_us as u32).to_le_bytes());
        epb.extend_from_slice(&caplen.to_le_bytes());
        epb.extend_from_slice(&orig.to_le_bytes());
        epb.extend_from_slice(&r.data);
        epb.resize(epb.len().next_multiple_of(4), 0);
        if let Some(comment) = r.comment.as_ref().filter(|c| !c.is_empty()) {
            option(&mut epb, OPT_COMMENT, comment.as_bytes());
            option(&mut epb, OPT_END, &[]);
        }
        block(&mut out, EPB, &epb)?;
    }
    Ok(out)
}

/// An interface as its description block declares it.
#[derive(Debug, Clone, Copy)]
struct Interface {
    link_type: u32,
    snaplen: u32,
    /// Timestamp units per second.
    units: u128,
}

/// The comments among a block's options (several are joined by newlines).
fn comments(r: Reader<'_>, mut at: usize, end: usize) -> Option<String> {
    let mut found: Vec<String> = Vec::new();
    while at + 4 <= end {
        let (Ok(code), Ok(len)) = (r.u16(at, "an option"), r.u16(at + 2, "an option")) else {
            break;
        };
        if code == OPT_END {
            break;
        }
        let len = usize::from(len);
        let Ok(value) = r.slice(at + 4, len, "an option") else {
            break;
        };
        if at + 4 + len > end {
            break;
        }
        if code == OPT_COMMENT {
            found.push(String::from_utf8_lossy(value).into_owned());
        }
        at += 4 + len.next_multiple_of(4);
    }
    (!found.is_empty()).then(|| found.join("\n"))
}

/// The timestamp units per second an interface's options declare
/// (`if_tsresol`: 10^-n, or 2^-n with the top bit set); a million
/// without the option.
fn resolution(r: Reader<'_>, mut at: usize, end: usize) -> u128 {
    while at + 4 <= end {
        let (Ok(code), Ok(len)) = (r.u16(at, "an option"), r.u16(at + 2, "an option")) else {
            break;
        };
        if code == OPT_END {
            break;
        }
        if code == IF_TSRESOL
            && len >= 1
            && let Ok(&[v]) = r.slice(at + 4, 1, "an option")
        {
            let n = u32::from(v & 0x7f).min(38);
            return if v & 0x80 == 0 {
                10u128.pow(n)
            } else {
                1u128 << n.min(127)
            };
        }
        at += 4 + usize::from(len).next_multiple_of(4);
    }
    1_000_000
}

fn micros(ts: u64, units: u128) -> u64 {
    let us = u128::from(ts) * 1_000_000 / units.max(1);
    u64::try_from(us).unwrap_or(u64::MAX)
}

/// Reads a pcapng file.
pub fn read(bytes: &[u8]) -> Result<Capture, PcapError> {
    let mut r = Reader { bytes, big: false };
    let first = r.u32(0, "the section header").map_err(|_| {
        PcapError::NotACapture(super::pcap::Magic(bytes[..bytes.len().min(4)].to_vec()))
    })?;
    if first != SHB {
        return Err(PcapError::NotACapture(super::pcap::Magic(
            bytes[..4].to_vec(),
        )));
    }
    let mut interfaces: Vec<Interface> = Vec::new();
    let mut link_type = None;
    let mut records = Vec::new();
    let mut at = 0;
    let mut cut = None;
    while at < bytes.len() {
        let mut block = || -> Result<usize, PcapError> {
            let block_type = r.u32(at, "a block header")?;
            if block_type == SHB {
                let bom = Reader { bytes, big: false }.u32(at + 8, "the section header")?;
                r.big = bom != BYTE_ORDER_MAGIC;
                interfaces.clear();
            }
            let length = r.u32(at + 4, "a block header")?;
            if length < 12 || !length.is_multiple_of(4) {
                return Err(PcapError::BadBlock { offset: at, length });
            }
            let len = length as usize;
            r.slice(at, len, "a block")?;
            let body_end = at + len - 4;
            match block_type {
                IDB => {
                    let iface = Interface {
                        link_type: u32::from(r.u16(at + 8, "an interface block")?),
                        snaplen: r.u32(at + 12, "an interface block")?,
                        units: resolution(r, at + 16, body_end),
                    };
                    link_type.get_or_insert(iface.link_type);
                    interfaces.push(iface);
                }
                EPB | PB => {
                    let (id, ts_at) = if block_type == EPB {
                        (r.u32(at + 8, "a packet block")?, at + 12)
                    } else {
                        (u32::from(r.u16(at + 8, "a packet block")?), at + 12)
                    };
                    let iface = interfaces.get(id as usize).ok_or(PcapError::NoInterface {
                        offset: at,
                        interface: id,
                    })?;
                    let ts = (u64::from(r.u32(ts_at, "a packet block")?) << 32)
                        | u64::from(r.u32(ts_at + 4, "a packet block")?);
                    let caplen = r.u32(at + 20, "a packet block")? as usize;
                    let orig = r.u32(at + 24, "a packet block")? as usize;
                    let data_end = (at + 28)
                        .checked_add(caplen)
                        .filter(|&e| e <= body_end)
                        .ok_or(PcapError::Truncated {
                            what: "a packet",
                            offset: at + 28,
                        })?;
                    records.push(Record {
                        timestamp_us: micros(ts, iface.units),
                        data: bytes[at + 28..data_end].to_vec(),
                        original_len: orig,
                        comment: comments(r, at + 28 + caplen.next_multiple_of(4), body_end),
                    });
                }
                SPB => {
                    let iface = interfaces.first().ok_or(PcapError::NoInterface {
                        offset: at,
                        interface: 0,
                    })?;
                    let orig = r.u32(at + 8, "a simple packet block")? as usize;
                    let mut caplen = orig.min(body_end.saturating_sub(at + 12));
                    if iface.snaplen != 0 {
                        caplen = caplen.min(iface.snaplen as usize);
                    }
                    records.push(Record {
                        timestamp_us: 0,
                        data: bytes[at + 12..at + 12 + caplen].to_vec(),
                        original_len: orig,
                        comment: None,
                    });
                }
                _ => {}
            }
            Ok(len)
        };
        match block() {
            Ok(len) => at += len,
            // Nothing readable at all: not a capture netlab can read.
            Err(e) if at == 0 => return Err(e),
            Err(e) => {
                cut = Some(e);
                break;
            }
        }
    }
    Ok(Capture {
        format: Format::Pcapng,
        link_type: link_type.unwrap_or(LINKTYPE_ETHERNET),
        records,
        cut,
    })
}

#[cfg(test)]
mod test {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn round_trip_with_comments() {
        let records = vec![
            Record::new(1_700_000_000_123_456, vec![1, 2, 3, 4, 5]).with_comment("第一步: 应用层"),
            Record::new(7, vec![0; 60]),
            Record::new(8, vec![9]).with_comment(""),
        ];
        let file = write(&records).unwrap();
        assert_eq!(file.len() % 4, 0);
        let back = read(&file).unwrap();
        assert_eq!(back.format, Format::Pcapng);
        assert_eq!(back.link_type, 1);
        // An empty comment is written and read as no comment.
        assert_eq!(back.records[..2], records[..2]);
        assert_eq!(back.records[2].comment, None);
        assert_eq!(super::super::pcap::read_any(&file).unwrap(), back);
    }

    /// A big-endian section with nanosecond timestamps and a simple
    /// packet block, as other tools write them.
    #[test]
    fn big_endian_nanoseconds_and_simple_packets() {
        fn be_block(out: &mut Vec<u8>, t: u32, body: &[u8]) {
            let total = (12 + body.len()) as u32;
            out.extend_from_slice(&t.to_be_bytes());
            out.extend_from_slice(&total.to_be_bytes());
            out.extend_from_slice(body);
            out.extend_from_slice(&total.to_be_bytes());
        }
        let mut f = Vec::new();
        let mut shb = BYTE_ORDER_MAGIC.to_be_bytes().to_vec();
        shb.extend_from_slice(&[0, 1, 0, 0]);
        shb.extend_from_slice(&[0xff; 8]);
        be_block(&mut f, SHB, &shb);
        let mut idb = vec![0, 1, 0, 0, 0, 0, 0, 0];
        idb.extend_from_slice(&[0, 9, 0, 1, 9, 0, 0, 0, 0, 0, 0, 0]);
        be_block(&mut f, IDB, &idb);
        let mut epb = 0u32.to_be_bytes().to_vec();
        let ts: u64 = 2_000_000_001_500;
        epb.extend_from_slice(&((ts >> 32) as u32).to_be_bytes());
        epb.extend_from_slice(&(ts as u32).to_be_bytes());
        epb.extend_from_slice(&2u32.to_be_bytes());
        epb.extend_from_slice(&2u32.to_be_bytes());
        epb.extend_from_slice(&[0xaa, 0xbb, 0, 0]);
        be_block(&mut f, EPB, &epb);
        let mut spb = 3u32.to_be_bytes().to_vec();
        spb.extend_from_slice(&[1, 2, 3, 0]);
        be_block(&mut f, SPB, &spb);
        be_block(&mut f, 0x0000_0bad, &[0; 4]);
        let c = read(&f).unwrap();
        assert_eq!(c.records.len(), 2);
        assert_eq!(c.records[0].timestamp_us, 2_000_000_001);
        assert_eq!(c.records[0].data, [0xaa, 0xbb]);
        assert_eq!(c.records[1].data, [1, 2, 3]);
    }

    #[test]
    fn errors() {
        let file = write(&[Record::new(0, vec![1])]).unwrap();
        let mut bad = file.clone();
        bad[4] = 13;
        assert_eq!(
            read(&bad).unwrap_err().to_string(),
            "the pcapng block at byte 0 has length 13; a block is at least 12 bytes and a multiple of 4"
        );
        let c = read(&file[..file.len() - 2]).unwrap();
        assert!(c.records.is_empty());
        assert!(matches!(c.cut, Some(PcapError::Truncated { .. })));
        // A packet before any interface.
        let mut no_idb = Vec::new();
        let shb_len = u32::from_le_bytes([file[4], file[5], file[6], file[7]]) as usize;
        no_idb.extend_from_slice(&file[..shb_len]);
        let idb_len = u32::from_le_bytes([
            file[shb_len + 4],
            file[shb_len + 5],
            file[shb_len + 6],
            file[shb_len + 7],
        ]) as usize;
        no_idb.extend_from_slice(&file[shb_len + idb_len..]);
        assert!(matches!(
            read(&no_idb).unwrap().cut,
            Some(PcapError::NoInterface { interface: 0, .. })
        ));
        // Two packets, the second cut: the first is kept.
        let two = write(&[Record::new(0, vec![1]), Record::new(5, vec![2, 3])]).unwrap();
        let c = read(&two[..two.len() - 3]).unwrap();
        assert_eq!(c.records.len(), 1);
        assert!(c.cut.is_some());
    }

    proptest! {
        #[test]
        fn readers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = super::super::pcap::read_any(&bytes);
            let _ = read(&bytes);
        }

        #[test]
        fn damaged_files_never_panic(
            flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
            cut in any::<prop::sample::Index>(),
        ) {
            let records = [
                Record::new(5, vec![1, 2, 3]).with_comment("note"),
                Record::new(6, vec![4; 61]),
            ];
            for mut file in [write(&records).unwrap(), super::super::pcap::write(&records).unwrap()] {
                for (at, x) in &flips {
                    let i = at.index(file.len());
                    file[i] ^= x;
                }
                file.truncate(cut.index(file.len() + 1));
                let _ = super::super::pcap::read_any(&file);
            }
        }
    }
}
