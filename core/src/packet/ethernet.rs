//! Ethernet II frames (IEEE 802.3 with the type interpretation of the
//! length field): the data link layer's envelope, addressed by MAC.
//!
//! The seeds write the destination MAC last (seed 000 §3.1: `…+接受者mac
//! 地址`); on the wire it comes first, so a switch can choose the port
//! before the rest of the frame has arrived. What follows the addresses is
//! the EtherType, saying what the payload is (0x0800 IPv4, 0x0806 ARP,
//! 0x86dd IPv6), or 0x8100 when an 802.1Q tag comes first ([`super::vlan`]).

use super::annotate::Layer;
use super::error::{LenError, WireError};
use super::field::{FieldSpec, Format};
use super::layer::Protocol;
use super::vlan;
use crate::mac::MacAddr;

/// What a frame carries, by its IEEE-registered number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EtherType(pub u16);

impl EtherType {
    pub const IPV4: Self = Self(0x0800);
    pub const ARP: Self = Self(0x0806);
    pub const VLAN: Self = Self(0x8100);
    pub const IPV6: Self = Self(0x86dd);
    /// IEEE 802.1ad: a provider's service tag (S-tag) around the
    /// customer's 802.1Q tag, "Q-in-Q".
    pub const QINQ: Self = Self(0x88a8);
    /// The S-tag's TPID before 802.1ad had one, still met on some switches.
    pub const QINQ_OLD: Self = Self(0x9100);

    /// The protocol's name, for the types a learner meets.
    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0x0800 => "IPv4",
            0x0806 => "ARP",
            0x8035 => "RARP",
            0x8100 => "802.1Q Virtual LAN",
            0x86dd => "IPv6",
            0x8847 => "MPLS",
            0x888e => "802.1X Authentication",
            0x88a8 => "802.1ad Provider Bridging",
            0x88cc => "LLDP",
            _ => return None,
        })
    }

    /// Values up to 1500 are no type but an IEEE 802.3 length, and an LLC
    /// header follows instead.
    pub fn is_length(self) -> bool {
        self.0 <= 1500
    }
}

/// `0x0800 (IPv4)`.
pub(crate) fn type_text(v: u64) -> String {
    let t = EtherType(v as u16);
    match t.name() {
        Some(name) => format!("0x{v:04x} ({name})"),
        None if t.is_length() => format!("{v} (an IEEE 802.3 length, not a type)"),
        None => format!("0x{v:04x}"),
    }
}

mod field {
    use super::*;

    pub const DESTINATION: FieldSpec = FieldSpec::new("Destination", 0, 48)
        .show(Format::Mac)
        .ws("eth.dst")
        .about(
            "The MAC address of the next station on this link (the next router, \
             not the far host); ff:ff:ff:ff:ff:ff reaches every station.",
        );
    pub const SOURCE: FieldSpec = FieldSpec::new("Source", 48, 48)
        .show(Format::Mac)
        .ws("eth.src")
        .about("The MAC address of the network card that sent the frame.");
    pub const ETHERTYPE: FieldSpec = FieldSpec::new("Type", 96, 16)
        .show(Format::Custom(type_text))
        .ws("eth.type")
        .about("What the payload is: 0x0800 IPv4, 0x0806 ARP, 0x86dd IPv6, 0x8100 a VLAN tag.");

    pub const FIELDS: &[FieldSpec] = &[DESTINATION, SOURCE, ETHERTYPE];
    pub const PAYLOAD: usize = 14;
}

/// The header's fields, in order.
pub const FIELDS: &[FieldSpec] = field::FIELDS;
/// Destination, source and type.
pub const HEADER_LEN: usize = field::PAYLOAD;
/// The largest payload (IEEE 802.3's MTU).
pub const MTU: usize = 1500;
/// The shortest frame without its FCS; a NIC pads shorter ones.
pub const MIN_FRAME_LEN: usize = 60;

/// A read/write view of an Ethernet II frame.
#[derive(Debug, Clone)]
pub struct Frame<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Frame<T> {
    /// Wraps a buffer without checking its length; the getters panic if it
    /// is shorter than the header.
    pub fn new_unchecked(buffer: T) -> Self {
        Self { buffer }
    }

    /// Wraps a buffer that holds at least the 14-byte header.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::packet::ethernet::{EtherType, Frame};
    ///
    /// let bytes = [0xff; 6].into_iter().chain([2, 0, 0, 0, 0, 1, 8, 6]).collect::<Vec<u8>>();
    /// let frame = Frame::new_checked(&bytes[..]).unwrap();
    /// assert!(frame.dst_addr().is_multicast());
    /// assert_eq!(frame.ethertype(), EtherType::ARP);
    /// ```
    pub fn new_checked(buffer: T) -> Result<Self, WireError> {
        let frame = Self::new_unchecked(buffer);
        frame.check_len()?;
        Ok(frame)
    }

    /// Whether the buffer holds the whole header.
    pub fn check_len(&self) -> Result<(), WireError> {
        let len = self.buffer.as_ref().len();
        if len < HEADER_LEN {
            return Err(LenError::header(Protocol::Ethernet, HEADER_LEN, len).into());
        }
        Ok(())
    }

    pub fn into_inner(self) -> T {
        self.buffer
    }

    pub fn dst_addr(&self) -> MacAddr {
        mac(field::DESTINATION.slice(self.buffer.as_ref()))
    }

    pub fn src_addr(&self) -> MacAddr {
        mac(field::SOURCE.slice(self.buffer.as_ref()))
    }

    pub fn ethertype(&self) -> EtherType {
        EtherType(field::ETHERTYPE.get(self.buffer.as_ref()) as u16)
    }

    /// Everything after the header (with a VLAN tag, the tag comes first).
    pub fn payload(&self) -> &[u8] {
        &self.buffer.as_ref()[field::PAYLOAD..]
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Frame<T> {
    pub fn set_dst_addr(&mut self, addr: MacAddr) {
        field::DESTINATION
            .slice_mut(self.buffer.as_mut())
            .copy_from_slice(&addr.0);
    }

    pub fn set_src_addr(&mut self, addr: MacAddr) {
        field::SOURCE
            .slice_mut(self.buffer.as_mut())
            .copy_from_slice(&addr.0);
    }

    pub fn set_ethertype(&mut self, value: EtherType) {
        field::ETHERTYPE.set(self.buffer.as_mut(), u64::from(value.0));
    }

    pub fn payload_mut(&mut self) -> &mut [u8] {
        &mut self.buffer.as_mut()[field::PAYLOAD..]
    }
}

pub(crate) fn mac(bytes: &[u8]) -> MacAddr {
    let mut m = [0u8; 6];
    m.copy_from_slice(bytes);
    MacAddr(m)
}

/// An Ethernet II header, with its optional 802.1Q tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repr {
    pub dst_addr: MacAddr,
    pub src_addr: MacAddr,
    /// The 802.1Q tag, if the frame is tagged.
    pub vlan: Option<vlan::Repr>,
    /// What the payload is (inside the tag, for a tagged frame).
    pub ethertype: EtherType,
}

impl Repr {
    /// Reads the header (and the tag, when the type says 0x8100).
    pub fn parse<T: AsRef<[u8]>>(frame: &Frame<T>) -> Result<Self, WireError> {
        frame.check_len()?;
        let mut ethertype = frame.ethertype();
        let vlan = if ethertype == EtherType::VLAN {
            let tag =
                vlan::Packet::new_checked(frame.payload()).map_err(|e| e.shifted(HEADER_LEN))?;
            let repr = vlan::Repr::parse(&tag);
            ethertype = repr.ethertype;
            Some(repr)
        } else {
            None
        };
        Ok(Self {
            dst_addr: frame.dst_addr(),
            src_addr: frame.src_addr(),
            vlan,
            ethertype,
        })
    }

    /// 14 bytes, or 18 with a tag.
    pub fn buffer_len(&self) -> usize {
        HEADER_LEN + self.vlan.map_or(0, |_| vlan::HEADER_LEN)
    }

    /// Writes the header (and tag) at the start of the frame.
    ///
    /// # Panics
    ///
    /// If the buffer is shorter than [`Repr::buffer_len`].
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, frame: &mut Frame<T>) {
        frame.set_dst_addr(self.dst_addr);
        frame.set_src_addr(self.src_addr);
        match self.vlan {
            Some(tag) => {
                frame.set_ethertype(EtherType::VLAN);
                let mut view = vlan::Packet::new_unchecked(frame.payload_mut());
                vlan::Repr {
                    ethertype: self.ethertype,
                    ..tag
                }
                .emit(&mut view);
            }
            None => frame.set_ethertype(self.ethertype),
        }
    }
}

/// Names the header's fields in `data`, the frame from its first byte
/// (cut short or not), placed at frame offset `base`.
pub fn annotate(data: &[u8], base: usize) -> Layer {
    let mut layer = Layer::new(Protocol::Ethernet, base, data.len().min(HEADER_LEN));
    layer.push(data, base, FIELDS, 0);
    if data.len() >= HEADER_LEN {
        let frame = Frame::new_unchecked(data);
        layer.summary = format!("Src: {}, Dst: {}", frame.src_addr(), frame.dst_addr());
    }
    layer
}

#[cfg(test)]
mod test {
    use super::*;

    static FRAME_BYTES: [u8; 18] = [
        0x02, 0x00, 0x00, 0x00, 0x00, 0x02, // destination
        0x02, 0x00, 0x00, 0x00, 0x00, 0x01, // source
        0x08, 0x00, // IPv4
        0xaa, 0xbb, 0xcc, 0xdd,
    ];

    fn repr() -> Repr {
        Repr {
            dst_addr: MacAddr([2, 0, 0, 0, 0, 2]),
            src_addr: MacAddr([2, 0, 0, 0, 0, 1]),
            vlan: None,
            ethertype: EtherType::IPV4,
        }
    }

    #[test]
    fn deconstruct() {
        let frame = Frame::new_checked(&FRAME_BYTES[..]).unwrap();
        assert_eq!(frame.dst_addr().to_string(), "02:00:00:00:00:02");
        assert_eq!(frame.src_addr().to_string(), "02:00:00:00:00:01");
        assert_eq!(frame.ethertype(), EtherType::IPV4);
        assert_eq!(frame.payload(), &[0xaa, 0xbb, 0xcc, 0xdd]);
    }

    #[test]
    fn construct() {
        let mut bytes = [0u8; 18];
        let mut frame = Frame::new_unchecked(&mut bytes[..]);
        frame.set_dst_addr(MacAddr([2, 0, 0, 0, 0, 2]));
        frame.set_src_addr(MacAddr([2, 0, 0, 0, 0, 1]));
        frame.set_ethertype(EtherType::IPV4);
        frame
            .payload_mut()
            .copy_from_slice(&[0xaa, 0xbb, 0xcc, 0xdd]);
        assert_eq!(bytes, FRAME_BYTES);
    }

    #[test]
    fn parse_and_emit() {
        let frame = Frame::new_checked(&FRAME_BYTES[..]).unwrap();
        assert_eq!(Repr::parse(&frame).unwrap(), repr());
        let mut bytes = [0u8; 14];
        repr().emit(&mut Frame::new_unchecked(&mut bytes[..]));
        assert_eq!(bytes, FRAME_BYTES[..14]);
        assert_eq!(repr().buffer_len(), 14);
    }

    #[test]
    fn tagged_frames() {
        let tagged = Repr {
            vlan: Some(vlan::Repr {
                priority: 5,
                drop_eligible: false,
                vlan_id: 100,
                ethertype: EtherType::IPV4,
            }),
            ..repr()
        };
        assert_eq!(tagged.buffer_len(), 18);
        let mut bytes = [0u8; 18];
        tagged.emit(&mut Frame::new_unchecked(&mut bytes[..]));
        assert_eq!(&bytes[12..], &[0x81, 0x00, 0xa0, 0x64, 0x08, 0x00]);
        let back = Repr::parse(&Frame::new_checked(&bytes[..]).unwrap()).unwrap();
        assert_eq!(back, tagged);
        let cut = Repr::parse(&Frame::new_checked(&bytes[..16]).unwrap()).unwrap_err();
        assert_eq!(
            cut.to_string(),
            "802.1Q: needs 4 bytes from byte 14, only 2 are there"
        );
    }

    #[test]
    fn too_short() {
        let e = Frame::new_checked(&FRAME_BYTES[..13]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Ethernet: needs 14 bytes from byte 0, only 13 are there"
        );
    }

    #[test]
    fn annotation() {
        let layer = annotate(&FRAME_BYTES, 0);
        assert_eq!(layer.length, 14);
        assert_eq!(
            layer.summary,
            "Src: 02:00:00:00:00:01, Dst: 02:00:00:00:00:02"
        );
        assert_eq!(layer.field("Type").unwrap().display, "0x0800 (IPv4)");
        assert_eq!(annotate(&FRAME_BYTES[..8], 0).fields.len(), 1);
        assert_eq!(type_text(46), "46 (an IEEE 802.3 length, not a type)");
    }
}
