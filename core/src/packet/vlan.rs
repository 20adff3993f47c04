//! The IEEE 802.1Q VLAN tag: 4 bytes after the source MAC that put a frame
//! on one virtual LAN, so one switch can keep several LANs apart.
//!
//! The tag's first half, the TPID 0x8100, sits where the EtherType would
//! be (it is the Ethernet header's `Type` field here); this view covers the
//! rest: the Tag Control Information (priority, drop eligibility, VLAN
//! ID) and the EtherType of what follows.
//!
//! IEEE 802.1ad ("Q-in-Q") stacks two tags: a provider puts its service
//! tag (S-tag, TPID 0x88a8, before that often 0x9100) in front of the
//! customer's own 802.1Q tag (C-tag), so one provider network carries many
//! customers' VLANs apart. Both tags have the same 4-byte shape; Wireshark
//! names an 0x88a8 tag's fields `ieee8021ad.*` and an 0x9100 tag's like an
//! 802.1Q tag's, and netlab does the same.

use super::annotate::Layer;
use super::error::{LenError, WireError};
use super::ethernet::{EtherType, type_text};
use super::field::{FieldSpec, Format};
use super::layer::Protocol;

mod field {
    use super::*;

    pub const PRIORITY: FieldSpec = FieldSpec::new("Priority", 0, 3)
        .ws("vlan.priority")
        .about("Priority Code Point (802.1p): 0 best effort up to 7 network control.");
    pub const DEI: FieldSpec = FieldSpec::new("DEI", 3, 1)
        .show(Format::Flag)
        .ws("vlan.dei")
        .about("Drop Eligible Indicator: may be dropped first under congestion.");
    pub const VLAN_ID: FieldSpec = FieldSpec::new("ID", 4, 12)
        .ws("vlan.id")
        .about("The VLAN the frame belongs to, 1 to 4094 (0 and 4095 are reserved).");
    pub const ETHERTYPE: FieldSpec = FieldSpec::new("Type", 16, 16)
        .show(Format::Custom(type_text))
        .ws("vlan.etype")
        .about("What the payload is, as the untagged frame's Type would say.");

    pub const FIELDS: &[FieldSpec] = &[PRIORITY, DEI, VLAN_ID, ETHERTYPE];
    pub const PAYLOAD: usize = 4;

    // The same bits in an 802.1ad service tag (TPID 0x88a8).
    pub const S_PRIORITY: FieldSpec = FieldSpec::new("Priority", 0, 3)
        .ws("ieee8021ad.priority")
        .about("Priority Code Point (802.1p): 0 best effort up to 7 network control.");
    pub const S_DEI: FieldSpec = FieldSpec::new("DEI", 3, 1)
        .show(Format::Flag)
        .ws("ieee8021ad.dei")
        .about("Drop Eligible Indicator: may be dropped first under congestion.");
    pub const S_VLAN_ID: FieldSpec = FieldSpec::new("ID", 4, 12)
        .ws("ieee8021ad.id")
        .about("The service VLAN: the provider's VLAN that carries the customer's frame, whatever the customer's own VLAN inside.");
    pub const S_ETHERTYPE: FieldSpec = FieldSpec::new("Type", 16, 16)
        .show(Format::Custom(type_text))
        .about(
            "What follows the service tag: 0x8100 when the customer's own 802.1Q tag comes next.",
        );

    pub const S_FIELDS: &[FieldSpec] = &[S_PRIORITY, S_DEI, S_VLAN_ID, S_ETHERTYPE];
}

/// The tag's fields, in order.
pub const FIELDS: &[FieldSpec] = field::FIELDS;
/// TCI and inner type (the TPID is counted in the Ethernet header).
pub const HEADER_LEN: usize = field::PAYLOAD;

/// A read/write view of an 802.1Q tag (after the TPID).
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
            return Err(LenError::header(Protocol::Vlan, HEADER_LEN, len).into());
        }
        Ok(())
    }

    pub fn into_inner(self) -> T {
        self.buffer
    }

    pub fn priority(&self) -> u8 {
        field::PRIORITY.get(self.buffer.as_ref()) as u8
    }

    pub fn drop_eligible(&self) -> bool {
        field::DEI.get(self.buffer.as_ref()) != 0
    }

    pub fn vlan_id(&self) -> u16 {
        field::VLAN_ID.get(self.buffer.as_ref()) as u16
    }

    pub fn ethertype(&self) -> EtherType {
        EtherType(field::ETHERTYPE.get(self.buffer.as_ref()) as u16)
    }

    pub fn payload(&self) -> &[u8] {
        &self.buffer.as_ref()[field::PAYLOAD..]
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    pub fn set_priority(&mut self, value: u8) {
        field::PRIORITY.set(self.buffer.as_mut(), u64::from(value));
    }

    pub fn set_drop_eligible(&mut self, value: bool) {
        field::DEI.set(self.buffer.as_mut(), u64::from(value));
    }

    pub fn set_vlan_id(&mut self, value: u16) {
        field::VLAN_ID.set(self.buffer.as_mut(), u64::from(value));
    }

    pub fn set_ethertype(&mut self, value: EtherType) {
        field::ETHERTYPE.set(self.buffer.as_mut(), u64::from(value.0));
    }

    pub fn payload_mut(&mut self) -> &mut [u8] {
        &mut self.buffer.as_mut()[field::PAYLOAD..]
    }
}

/// An 802.1Q tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repr {
    /// 0 to 7; wider values are cut to 3 bits on emit.
    pub priority: u8,
    pub drop_eligible: bool,
    /// 0 to 4095; wider values are cut to 12 bits on emit.
    pub vlan_id: u16,
    pub ethertype: EtherType,
}

impl Repr {
    /// Reads a tag; every bit pattern is a tag, so this cannot fail once
    /// the view is checked.
    pub fn parse<T: AsRef<[u8]>>(packet: &Packet<T>) -> Self {
        Self {
            priority: packet.priority(),
            drop_eligible: packet.drop_eligible(),
            vlan_id: packet.vlan_id(),
            ethertype: packet.ethertype(),
        }
    }

    pub fn buffer_len(&self) -> usize {
        HEADER_LEN
    }

    /// # Panics
    ///
    /// If the buffer is shorter than 4 bytes.
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, packet: &mut Packet<T>) {
        packet.set_priority(self.priority);
        packet.set_drop_eligible(self.drop_eligible);
        packet.set_vlan_id(self.vlan_id);
        packet.set_ethertype(self.ethertype);
    }
}

/// Whether a frame's (or a tag's) type says a tag follows: 802.1Q's
/// 0x8100, 802.1ad's 0x88a8 or the older 0x9100.
pub fn is_tag(ethertype: EtherType) -> bool {
    matches!(
        ethertype,
        EtherType::VLAN | EtherType::QINQ | EtherType::QINQ_OLD
    )
}

/// Names the tag's fields in `data` (from the TCI on) at frame offset
/// `base`; `tpid` is the type that announced it (an 0x88a8 tag is an
/// 802.1ad service tag).
pub fn annotate(data: &[u8], base: usize, tpid: EtherType) -> Layer {
    let mut layer = Layer::new(Protocol::Vlan, base, data.len().min(HEADER_LEN));
    if tpid == EtherType::QINQ {
        layer.name = "IEEE 802.1ad";
        layer.push(data, base, field::S_FIELDS, 0);
    } else {
        layer.push(data, base, FIELDS, 0);
    }
    if data.len() >= HEADER_LEN {
        let tag = Packet::new_unchecked(data);
        layer.summary = format!(
            "PRI: {}, DEI: {}, ID: {}",
            tag.priority(),
            u8::from(tag.drop_eligible()),
            tag.vlan_id()
        );
    }
    layer
}

#[cfg(test)]
mod test {
    use super::*;

    static TAG: [u8; 4] = [0xb0, 0x64, 0x86, 0xdd];

    #[test]
    fn deconstruct() {
        let tag = Packet::new_checked(&TAG[..]).unwrap();
        assert_eq!(tag.priority(), 5);
        assert!(tag.drop_eligible());
        assert_eq!(tag.vlan_id(), 100);
        assert_eq!(tag.ethertype(), EtherType::IPV6);
        assert!(tag.payload().is_empty());
    }

    #[test]
    fn construct_parse_emit() {
        let mut bytes = [0u8; 4];
        let mut tag = Packet::new_unchecked(&mut bytes[..]);
        tag.set_priority(5);
        tag.set_drop_eligible(true);
        tag.set_vlan_id(100);
        tag.set_ethertype(EtherType::IPV6);
        assert_eq!(bytes, TAG);
        let repr = Repr::parse(&Packet::new_checked(&TAG[..]).unwrap());
        assert_eq!(repr.vlan_id, 100);
        let mut out = [0u8; 4];
        repr.emit(&mut Packet::new_unchecked(&mut out[..]));
        assert_eq!(out, TAG);
        assert_eq!(
            annotate(&TAG, 14, EtherType::VLAN).summary,
            "PRI: 5, DEI: 1, ID: 100"
        );
        let outer = annotate(&TAG, 14, EtherType::QINQ);
        assert_eq!(outer.name, "IEEE 802.1ad");
        assert_eq!(outer.fields[2].wireshark, "ieee8021ad.id");
        assert_eq!(outer.fields[2].display, "100");
        assert!(is_tag(EtherType(0x9100)) && !is_tag(EtherType::IPV6));
    }
}
