//! The annotated tree that `encap` and `dissect` both return: layers of a
//! frame, each with every field named, placed and shown.
//!
//! Offsets are from the first byte of the frame (the destination MAC, as
//! Wireshark counts): `offset` is the field's first byte and `bit_offset`
//! its first bit counted from the frame's first bit, most significant bit
//! first, so `bit_offset / 8 == offset` and a one-bit flag is placed
//! exactly. A sub-field (a flag inside `Flags`) follows its parent with a
//! `depth` one higher.

use std::fmt::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr};

use serde::Serialize;

use super::field::{FieldSpec, Format, hex, py_bytes};
use super::layer::{FiveLayer, Protocol, TcpIpLayer};
use crate::mac::MacAddr;

/// Raw bytes longer than this are shown cut short (the value keeps all).
const SHOW_BYTES: usize = 48;

/// A field's value: a number for integer fields, text for addresses, and
/// lowercase hex for byte strings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum FieldValue {
    Number(u64),
    Text(String),
}

impl FieldValue {
    /// The number, if the field is an integer.
    pub fn number(&self) -> Option<u64> {
        match self {
            Self::Number(n) => Some(*n),
            Self::Text(_) => None,
        }
    }
}

/// One field of one layer, where it sits in the frame and what it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Field {
    pub name: &'static str,
    /// The frame byte holding the field's first bit.
    pub offset: usize,
    /// The field's first bit, counted from the frame's first bit.
    pub bit_offset: usize,
    pub bits: usize,
    pub value: FieldValue,
    /// The value as a learner reads it (`0x0800 (IPv4)`, `Set`).
    pub display: String,
    /// 0 for a header's own fields, 1 for their sub-fields, and so on.
    pub depth: u8,
    /// Computed by the sender (lengths, checksums).
    pub derived: bool,
    /// Wireshark's filter name for it, empty when it has none.
    pub wireshark: &'static str,
    pub meaning: &'static str,
}

impl Field {
    /// The frame bytes the field touches.
    pub fn bytes(&self) -> std::ops::Range<usize> {
        self.offset..(self.bit_offset + self.bits).div_ceil(8)
    }
}

/// One header (or the payload, or padding) of a frame, annotated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Layer {
    /// Its layer in the seeds' 5-layer model.
    pub layer: FiveLayer,
    /// Its OSI layer number, 1 to 7.
    pub osi: u8,
    /// Its layer in the TCP/IP model.
    pub tcp_ip: TcpIpLayer,
    pub protocol: Protocol,
    /// The header's name, as Wireshark's tree gives it.
    pub name: &'static str,
    /// One line, as Wireshark's tree summarizes it.
    pub summary: String,
    /// The frame byte the header starts at.
    pub offset: usize,
    /// Its length in bytes (what the frame holds of it, if cut short).
    pub length: usize,
    pub fields: Vec<Field>,
}

impl Layer {
    /// An empty layer of `protocol` covering `length` bytes from `offset`.
    pub fn new(protocol: Protocol, offset: usize, length: usize) -> Self {
        Self {
            layer: protocol.five(),
            osi: protocol.osi().number(),
            tcp_ip: protocol.tcp_ip(),
            protocol,
            name: protocol.name(),
            summary: String::new(),
            offset,
            length,
            fields: Vec::new(),
        }
    }

    /// The first field called `name`.
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// Annotates the fields of `specs` found in `data`, the bytes starting
    /// at frame offset `base`, with their sub-fields. Fields that run past
    /// the end of `data` (a header cut short) are left out.
    pub(crate) fn push(&mut self, data: &[u8], base: usize, specs: &[FieldSpec], depth: u8) {
        for spec in specs {
            self.push_one(data, base, spec, depth);
        }
    }

    /// Annotates one field; whether it fitted.
    pub(crate) fn push_one(
        &mut self,
        data: &[u8],
        base: usize,
        spec: &FieldSpec,
        depth: u8,
    ) -> bool {
        if spec.bits == 0 || spec.bytes().end > data.len() {
            return false;
        }
        let (value, display) = render(spec, data);
        self.fields.push(Field {
            name: spec.name,
            offset: base + spec.bit_offset / 8,
            bit_offset: base * 8 + spec.bit_offset,
            bits: spec.bits,
            value,
            display,
            depth,
            derived: spec.derived,
            wireshark: spec.wireshark,
            meaning: spec.meaning,
        });
        self.push(data, base, spec.children, depth + 1);
        true
    }

    /// Adds a note to the display of the field called `name` (a
    /// checksum's `[correct]`).
    pub(crate) fn note(&mut self, name: &str, note: &str) {
        if let Some(f) = self.fields.iter_mut().find(|f| f.name == name) {
            f.display.push(' ');
            f.display.push_str(note);
        }
    }
}

/// A field's value and display, as its format says.
fn render(spec: &FieldSpec, data: &[u8]) -> (FieldValue, String) {
    let bytes = || spec.slice(data);
    match spec.format {
        Format::Ipv4 | Format::Ipv6 | Format::Mac if !spec.is_aligned() => number(spec, data),
        Format::Ipv4 => match <[u8; 4]>::try_from(bytes()) {
            Ok(a) => text(Ipv4Addr::from(a).to_string()),
            Err(_) => raw(bytes()),
        },
        Format::Ipv6 => match <[u8; 16]>::try_from(bytes()) {
            Ok(a) => text(Ipv6Addr::from(a).to_string()),
            Err(_) => raw(bytes()),
        },
        Format::Mac => match <[u8; 6]>::try_from(bytes()) {
            Ok(a) => text(MacAddr(a).to_string()),
            Err(_) => raw(bytes()),
        },
        Format::Bytes => raw(bytes()),
        Format::PyBytes => {
            let b = bytes();
            let shown = py_bytes(&b[..b.len().min(SHOW_BYTES)]);
            let display = if b.len() > SHOW_BYTES {
                format!("{shown}… ({} bytes)", b.len())
            } else {
                shown
            };
            (FieldValue::Text(hex(b)), display)
        }
        _ if spec.bits > 64 => raw(bytes()),
        _ => number(spec, data),
    }
}

fn text(s: String) -> (FieldValue, String) {
    (FieldValue::Text(s.clone()), s)
}

fn raw(b: &[u8]) -> (FieldValue, String) {
    let value = hex(b);
    // The first SHOW_BYTES bytes of the same hex, a space between bytes.
    let shown = value.get(..2 * b.len().min(SHOW_BYTES)).unwrap_or_default();
    let mut display = String::with_capacity(shown.len() * 3 / 2 + 24);
    for (i, pair) in shown.as_bytes().chunks_exact(2).enumerate() {
        if i > 0 {
            display.push(' ');
        }
        display.extend(pair.iter().map(|&c| char::from(c)));
    }
    if b.len() > SHOW_BYTES {
        let _ = write!(display, " … ({} bytes)", b.len());
    }
    (FieldValue::Text(value), display)
}

fn number(spec: &FieldSpec, data: &[u8]) -> (FieldValue, String) {
    let v = spec.get(data);
    let display = match spec.format {
        Format::Hex | Format::Mac | Format::Ipv4 | Format::Ipv6 => {
            format!("0x{v:0w$x}", w = spec.bits.div_ceil(4))
        }
        Format::Flag => if v == 0 { "Not set" } else { "Set" }.to_owned(),
        Format::Custom(f) => f(v),
        Format::Dec | Format::Bytes | Format::PyBytes => v.to_string(),
    };
    (FieldValue::Number(v), display)
}

#[cfg(test)]
mod test {
    use super::*;

    const FIELDS: &[FieldSpec] = &[
        FieldSpec::new("Port", 0, 16),
        FieldSpec::new("Flags", 16, 4)
            .show(Format::Hex)
            .with(&[FieldSpec::new("Low", 19, 1).show(Format::Flag)]),
        FieldSpec::new("Addr", 24, 32).show(Format::Ipv4),
    ];

    #[test]
    fn fields_are_placed_in_the_frame() {
        let data = [0x23, 0x28, 0x10, 192, 168, 12, 1];
        let mut layer = Layer::new(Protocol::Udp, 34, data.len());
        layer.push(&data, 34, FIELDS, 0);
        let names: Vec<_> = layer
            .fields
            .iter()
            .map(|f| (f.name, f.offset, f.bit_offset, f.depth))
            .collect();
        assert_eq!(
            names,
            [
                ("Port", 34, 272, 0),
                ("Flags", 36, 288, 0),
                ("Low", 36, 291, 1),
                ("Addr", 37, 296, 0)
            ]
        );
        assert_eq!(layer.fields[0].value, FieldValue::Number(9000));
        assert_eq!(layer.fields[1].display, "0x1");
        assert_eq!(layer.fields[2].display, "Set");
        assert_eq!(layer.fields[3].display, "192.168.12.1");
        assert_eq!(layer.fields[3].bytes(), 37..41);
        layer.note("Port", "[note]");
        assert_eq!(layer.field("Port").unwrap().display, "9000 [note]");
    }

    #[test]
    fn fields_past_the_end_are_left_out() {
        let mut layer = Layer::new(Protocol::Udp, 0, 3);
        layer.push(&[0, 80, 0x10], 0, FIELDS, 0);
        assert_eq!(layer.fields.len(), 3);
        let mut short = Layer::new(Protocol::Udp, 0, 1);
        short.push(&[0], 0, FIELDS, 0);
        assert!(short.fields.is_empty());
        let json = serde_json::to_value(&layer).unwrap();
        assert_eq!(json["layer"], "transport");
        assert_eq!(json["osi"], 4);
        assert_eq!(json["fields"][0]["value"], 80);
    }
}
