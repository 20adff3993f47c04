//! Linux cooked capture (SLL): the header Linux's packet socket writes in
//! place of a link-layer header when one capture covers every interface
//! (`tcpdump -i any`), whose link layers differ (Ethernet, loopback, a
//! tunnel). It says who the packet was for (us, broadcast, sent by us…),
//! the link's address type and the sender's address, and the EtherType of
//! what follows, so the rest reads as after an Ethernet header.
//!
//! Version 1 (LINKTYPE_LINUX_SLL, 113) has 16 bytes; version 2
//! (LINKTYPE_LINUX_SLL2, 276, libpcap 1.10 on) has 20 and adds the
//! interface index, with the protocol first. The fields and their
//! Wireshark names (`sll.*`) are as tshark 4.0 shows them.

use super::annotate::Layer;
use super::error::{LenError, WireError};
use super::ethernet::{EtherType, type_text};
use super::field::{FieldSpec, Format};
use super::layer::Protocol;

/// The link type of version 1 captures (LINKTYPE_LINUX_SLL).
pub const LINKTYPE_LINUX_SLL: u32 = 113;
/// The link type of version 2 captures (LINKTYPE_LINUX_SLL2).
pub const LINKTYPE_LINUX_SLL2: u32 = 276;

/// Which of the two headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    V1,
    V2,
}

impl Version {
    /// The version a capture's link type names, if it is a cooked one.
    pub fn of_link_type(link_type: u32) -> Option<Self> {
        match link_type {
            LINKTYPE_LINUX_SLL => Some(Self::V1),
            LINKTYPE_LINUX_SLL2 => Some(Self::V2),
            _ => None,
        }
    }

    /// The header's length in bytes.
    pub fn header_len(self) -> usize {
        match self {
            Self::V1 => 16,
            Self::V2 => 20,
        }
    }

    /// Where the link-layer address begins (8 bytes of room).
    fn address_at(self) -> usize {
        match self {
            Self::V1 => 6,
            Self::V2 => 12,
        }
    }
}

/// The packet type, as `struct sockaddr_ll` has it.
fn pkttype_text(v: u64) -> String {
    let name = match v {
        0 => "Unicast to us",
        1 => "Broadcast",
        2 => "Multicast",
        3 => "Unicast to another host",
        4 => "Sent by us",
        _ => "Unknown",
    };
    format!("{v} ({name})")
}

/// The link's address type (an ARPHRD_ value), for the common ones.
fn hatype_text(v: u64) -> String {
    let name = match v {
        1 => "Ethernet",
        772 => "Loopback",
        776 => "IPv6-in-IPv4",
        778 => "IP GRE",
        65534 => "None",
        _ => return v.to_string(),
    };
    format!("{v} ({name})")
}

mod field {
    use super::*;

    pub const V1_PKTTYPE: FieldSpec = FieldSpec::new("Packet type", 0, 16)
        .show(Format::Custom(pkttype_text))
        .ws("sll.pkttype")
        .about("Who the packet was for, as the kernel saw it: 0 to us, 1 broadcast, 2 multicast, 3 to another host (promiscuous), 4 sent by us.");
    pub const V1_HATYPE: FieldSpec = FieldSpec::new("Link-layer address type", 16, 16)
        .show(Format::Custom(hatype_text))
        .ws("sll.hatype")
        .about("The link's address type (ARPHRD_*): 1 Ethernet, 772 the loopback interface, which has no addresses.");
    pub const V1_HALEN: FieldSpec = FieldSpec::new("Link-layer address length", 32, 16)
        .ws("sll.halen")
        .about("How many bytes of the 8-byte address field hold the sender's link-layer address.");
    pub const V1_PROTOCOL: FieldSpec = FieldSpec::new("Protocol", 112, 16)
        .show(Format::Custom(type_text))
        .ws("sll.etype")
        .about("What follows, as an Ethernet header's Type would say (0x0800 IPv4, 0x86dd IPv6, 0x0806 ARP).");

    pub const V2_PROTOCOL: FieldSpec = FieldSpec::new("Protocol", 0, 16)
        .show(Format::Custom(type_text))
        .ws("sll.etype")
        .about("What follows, as an Ethernet header's Type would say (0x0800 IPv4, 0x86dd IPv6, 0x0806 ARP).");
    pub const V2_RESERVED: FieldSpec = FieldSpec::new("Reserved", 16, 16)
        .show(Format::Hex)
        .about("Reserved, zero.");
    pub const V2_IFINDEX: FieldSpec = FieldSpec::new("Interface index", 32, 32)
        .ws("sll.ifindex")
        .about("The interface the packet went through, as `ip link` numbers them: what a capture on any interface adds.");
    pub const V2_HATYPE: FieldSpec = FieldSpec::new("Link-layer address type", 64, 16)
        .show(Format::Custom(hatype_text))
        .ws("sll.hatype")
        .about("The link's address type (ARPHRD_*): 1 Ethernet, 772 the loopback interface, which has no addresses.");
    pub const V2_PKTTYPE: FieldSpec = FieldSpec::new("Packet type", 80, 8)
        .show(Format::Custom(pkttype_text))
        .ws("sll.pkttype")
        .about("Who the packet was for, as the kernel saw it: 0 to us, 1 broadcast, 2 multicast, 3 to another host (promiscuous), 4 sent by us.");
    pub const V2_HALEN: FieldSpec = FieldSpec::new("Link-layer address length", 88, 8)
        .ws("sll.halen")
        .about("How many bytes of the 8-byte address field hold the sender's link-layer address.");

    /// The sender's Ethernet address, in the address field's first 6 bytes.
    pub const fn source_mac(at: usize) -> FieldSpec {
        FieldSpec::new("Source", at * 8, 48)
            .show(Format::Mac)
            .ws("sll.src.eth")
            .about("The sender's MAC address, when the link is Ethernet.")
    }

    /// Another link's address, `len` bytes (1 to 8).
    pub const fn source_other(at: usize, len: usize) -> FieldSpec {
        FieldSpec::new("Source", at * 8, len * 8)
            .show(Format::Bytes)
            .about("The sender's link-layer address, of the type above.")
    }

    /// The address field's bytes no address fills.
    pub const fn unused(at: usize, len: usize) -> FieldSpec {
        FieldSpec::new("Unused", at * 8, len * 8)
            .show(Format::Bytes)
            .ws("sll.unused")
            .about("The rest of the 8-byte address field, which the address does not fill.")
    }
}

/// A read view of a cooked header of either version.
#[derive(Debug, Clone)]
pub struct Header<T: AsRef<[u8]>> {
    buffer: T,
    version: Version,
}

impl<T: AsRef<[u8]>> Header<T> {
    pub fn new_unchecked(buffer: T, version: Version) -> Self {
        Self { buffer, version }
    }

    pub fn new_checked(buffer: T, version: Version) -> Result<Self, WireError> {
        let header = Self::new_unchecked(buffer, version);
        let (len, need) = (header.buffer.as_ref().len(), version.header_len());
        if len < need {
            return Err(LenError::header(Protocol::LinuxSll, need, len).into());
        }
        Ok(header)
    }

    pub fn version(&self) -> Version {
        self.version
    }

    fn get(&self, spec: &FieldSpec) -> u64 {
        spec.get(self.buffer.as_ref())
    }

    /// What follows, as an EtherType.
    pub fn protocol(&self) -> EtherType {
        let spec = match self.version {
            Version::V1 => &field::V1_PROTOCOL,
            Version::V2 => &field::V2_PROTOCOL,
        };
        EtherType(self.get(spec) as u16)
    }

    /// The packet type (0 to us … 4 sent by us).
    pub fn packet_type(&self) -> u8 {
        match self.version {
            Version::V1 => self.get(&field::V1_PKTTYPE) as u8,
            Version::V2 => self.get(&field::V2_PKTTYPE) as u8,
        }
    }

    /// The link's address type (ARPHRD_*).
    pub fn address_type(&self) -> u16 {
        match self.version {
            Version::V1 => self.get(&field::V1_HATYPE) as u16,
            Version::V2 => self.get(&field::V2_HATYPE) as u16,
        }
    }

    /// How many bytes of the address field the address fills, at most 8.
    pub fn address_len(&self) -> usize {
        let n = match self.version {
            Version::V1 => self.get(&field::V1_HALEN),
            Version::V2 => self.get(&field::V2_HALEN),
        };
        usize::try_from(n).unwrap_or(usize::MAX).min(8)
    }
}

/// The header's fields, annotated: `data` starts at the frame's first byte.
pub fn annotate(data: &[u8], version: Version) -> Layer {
    let len = version.header_len();
    let mut layer = Layer::new(Protocol::LinuxSll, 0, data.len().min(len));
    layer.name = "Linux cooked capture v1";
    if version == Version::V2 {
        layer.name = "Linux cooked capture v2";
    }
    let at = version.address_at();
    let header = Header::new_unchecked(data, version);
    let (halen, hatype) = if data.len() >= len {
        (header.address_len(), header.address_type())
    } else {
        (0, 0)
    };
    match version {
        Version::V1 => layer.push(
            data,
            0,
            &[field::V1_PKTTYPE, field::V1_HATYPE, field::V1_HALEN],
            0,
        ),
        Version::V2 => layer.push(
            data,
            0,
            &[
                field::V2_PROTOCOL,
                field::V2_RESERVED,
                field::V2_IFINDEX,
                field::V2_HATYPE,
                field::V2_PKTTYPE,
                field::V2_HALEN,
            ],
            0,
        ),
    }
    // The address, as tshark shows it: an Ethernet MAC by name, another
    // address as bytes, then what the 8 bytes leave.
    let address = match (hatype, halen) {
        (_, 0) => None,
        (1, 6) => Some(field::source_mac(at)),
        (_, n) => Some(field::source_other(at, n)),
    };
    if let Some(spec) = address {
        layer.push_one(data, 0, &spec, 0);
    }
    if halen < 8 {
        layer.push_one(data, 0, &field::unused(at + halen, 8 - halen), 0);
    }
    if version == Version::V1 {
        layer.push_one(data, 0, &field::V1_PROTOCOL, 0);
    }
    layer
}

#[cfg(test)]
mod test {
    use super::*;

    /// Version 1: to us, Ethernet, 6-byte address, IPv4.
    const V1: [u8; 16] = [0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x08, 0x00];
    /// Version 2: IPv4, interface 3, Ethernet, to us, 6-byte address.
    const V2: [u8; 20] = [
        0x08, 0x00, 0, 0, 0, 0, 0, 3, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0,
    ];

    fn names(layer: &Layer) -> Vec<(&str, usize, String)> {
        layer
            .fields
            .iter()
            .map(|f| (f.name, f.offset, f.display.clone()))
            .collect()
    }

    #[test]
    fn version_1_reads_as_tshark_shows_it() {
        let h = Header::new_checked(&V1[..], Version::V1).unwrap();
        assert_eq!(
            (
                h.protocol(),
                h.packet_type(),
                h.address_type(),
                h.address_len()
            ),
            (EtherType::IPV4, 0, 1, 6)
        );
        let layer = annotate(&V1, Version::V1);
        assert_eq!(layer.name, "Linux cooked capture v1");
        assert_eq!(
            names(&layer),
            [
                ("Packet type", 0, "0 (Unicast to us)".to_owned()),
                ("Link-layer address type", 2, "1 (Ethernet)".to_owned()),
                ("Link-layer address length", 4, "6".to_owned()),
                ("Source", 6, "02:00:00:00:00:01".to_owned()),
                ("Unused", 12, "00 00".to_owned()),
                ("Protocol", 14, "0x0800 (IPv4)".to_owned()),
            ]
        );
    }

    #[test]
    fn version_2_and_the_loopback_with_no_address() {
        let layer = annotate(&V2, Version::V2);
        assert_eq!(layer.length, 20);
        let got = names(&layer);
        assert_eq!(got[0], ("Protocol", 0, "0x0800 (IPv4)".to_owned()));
        assert_eq!(got[2], ("Interface index", 4, "3".to_owned()));
        assert_eq!(got[6], ("Source", 12, "02:00:00:00:00:01".to_owned()));
        // tcpdump -i any on lo: sent by us, loopback, no address.
        let mut lo = V1;
        lo[..14].copy_from_slice(&[0, 4, 0x03, 0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        let layer = annotate(&lo, Version::V1);
        assert_eq!(layer.fields[0].display, "4 (Sent by us)");
        assert!(names(&layer).contains(&("Unused", 6, "00 00 00 00 00 00 00 00".to_owned())));
        assert!(layer.field("Source").is_none());
    }

    #[test]
    fn a_header_cut_short_is_a_length_error() {
        assert!(Header::new_checked(&V1[..15], Version::V1).is_err());
        assert!(Header::new_checked(&V2[..], Version::V1).is_ok());
        // Annotated as far as it goes, no panic on any length.
        for n in 0..=20 {
            let _ = annotate(&V2[..n], Version::V2);
            let _ = annotate(&V2[..n.min(16)], Version::V1);
        }
    }
}
