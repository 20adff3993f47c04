//! Packets: the encapsulation builder, the dissector and capture files
//! (`netlab_core::packet`).

use js_sys::{Array, Date, Reflect, Uint8Array};
use netlab_core::packet::dissect::dissect as dissect_frame;
use netlab_core::packet::encap::{EncapSpec, encapsulate as build};
use netlab_core::packet::hex::parse_hex;
use netlab_core::packet::pcap::{self, Format, Record};
use netlab_core::packet::pcapng;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::convert::{byte_array, bytes_or_text, option, read_spec, to_js};

#[wasm_bindgen(typescript_custom_section)]
const TS_PACKETS: &str = r#"
/** One header field, located to the bit in the frame. */
export interface PacketField {
  name: string;
  offset: number;
  bit_offset: number;
  bits: number;
  value: number | string;
  display: string;
  depth: number;
  derived: boolean;
  wireshark: string | null;
  meaning: string;
}

/** One layer of a frame, named in the three layer models. */
export interface PacketLayer {
  layer: string;
  osi: string;
  tcp_ip: string;
  protocol: string;
  name: string;
  summary: string;
  offset: number;
  length: number;
  fields: PacketField[];
}

/** One step down the stack, in the seeds' 5-layer model. */
export interface EncapStep {
  layer: "application" | "transport" | "network" | "data_link" | "physical";
  number: number;
  osi: number;
  pdu: string;
  pdu_zh: string;
  note: string;
  adds: PacketLayer[];
  added_bytes: number;
  total_bytes: number;
  share_percent: number;
  hex: string;
}

/** The frame as the wire carries it: preamble to FCS, bits, Manchester levels. */
export interface PhysicalView {
  wire_hex: string;
  bits: string;
  manchester: string;
  bit_order: string;
  encoding: string;
  padding: number;
  fcs: string;
}

/** Where the bytes go: payload against headers and framing. */
export interface Overhead {
  payload_bytes: number;
  header_bytes: number;
  frame_bytes: number;
  wire_bytes: number;
  efficiency_percent: number;
}

/** What `encapsulate` builds: the layers, each step, the bits, and the bytes. */
export interface Encapsulation {
  layers: PacketLayer[];
  hex: string;
  steps: EncapStep[];
  physical: PhysicalView;
  overhead: Overhead;
  bytes: Uint8Array;
}

/** A problem the dissector found: where, and why. */
export type Finding = {
  protocol: string;
  layer: string;
  offset: number;
  /** In English; `detail` has the particulars for other languages. */
  message: string;
} & (
  | { kind: "length"; detail: { header: string; field: string | null; says: number | null; needed: number; available: number } }
  | { kind: "content"; detail: { header: string; field: string; value: number; rule: string } }
  | { kind: "checksum"; detail: { header: string; field: string; found: number; expected: number } }
  | { kind: "unsupported"; detail: { header: string } }
);

/** A frame read back into layers. */
export interface Dissection {
  layers: PacketLayer[];
  findings: Finding[];
  hex: string;
  length: number;
}

/** A frame for a capture file: its bytes, and a lesson note for Wireshark. */
export type CaptureFrame = Uint8Array | { bytes: Uint8Array; comment?: string; time_us?: number };

/** One packet of a capture file read back. */
export interface CapturedFrame {
  bytes: Uint8Array;
  time_us: number;
  original_len: number;
  comment: string | null;
}

/** A pcap or pcapng file read back: its format, link type and packets. */
export interface CaptureFile {
  format: "pcap" | "pcapng";
  link_type: number;
  /** Why the file ends early (cut inside a packet, a broken block); the whole packets before are in `frames`. */
  cut: string | null;
  frames: CapturedFrame[];
}
"#;

/// Builds an Ethernet frame layer by layer from a spec (`{proto, payload,
/// src, dst, src_port, dst_port, src_mac, dst_mac, flags, seq, ack, ttl,
/// …}`, the fields of `netlab encap`), with every step of the encapsulation.
#[wasm_bindgen(unchecked_return_type = "Encapsulation")]
pub fn encapsulate(
    #[wasm_bindgen(unchecked_param_type = "object")] spec: JsValue,
) -> Result<JsValue, JsError> {
    let spec: EncapSpec = read_spec(spec)?;
    let built = build(&spec)?;
    let value = to_js(&built)?;
    Reflect::set(
        &value,
        &JsValue::from_str("bytes"),
        &Uint8Array::from(built.frame.as_slice()),
    )
    .map_err(|_| JsError::new("cannot attach the frame's bytes"))?;
    Ok(value)
}

/// Reads a frame back into named layers; bad checksums and truncation are
/// findings, never a thrown error.
#[wasm_bindgen(unchecked_return_type = "Dissection")]
pub fn dissect(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | number[]")] bytes: JsValue,
) -> Result<JsValue, JsError> {
    let frame = frame_bytes(&bytes, "bytes")?;
    to_js(&dissect_frame(&frame))
}

/// A capture file of the frames, for Wireshark: classic pcap by default,
/// pcapng with `{format: "pcapng"}` (which keeps each frame's comment as
/// `frame.comment`). Frames without a time get this moment, one
/// microsecond apart.
#[wasm_bindgen(js_name = toPcap)]
pub fn to_pcap(
    #[wasm_bindgen(unchecked_param_type = "CaptureFrame[]")] frames: Array,
    #[wasm_bindgen(unchecked_param_type = "{format?: \"pcap\" | \"pcapng\"}")] options: JsValue,
) -> Result<Vec<u8>, JsError> {
    let now_us = (Date::now() * 1000.0) as u64;
    let mut records = Vec::new();
    for (i, frame) in frames.iter().enumerate() {
        let (bytes, comment, time) = if frame.is_instance_of::<Uint8Array>() {
            (frame_bytes(&frame, "frame")?, None, None)
        } else {
            let bytes = option(&frame, "bytes")
                .ok_or_else(|| JsError::new(&format!("frame {i} has no bytes")))?;
            let comment = option(&frame, "comment").and_then(|c| c.as_string());
            let time = option(&frame, "time_us")
                .and_then(|t| t.as_f64())
                .map(|t| t as u64);
            (frame_bytes(&bytes, "bytes")?, comment, time)
        };
        let mut record = Record::new(time.unwrap_or(now_us + i as u64), bytes);
        if let Some(comment) = comment {
            record = record.with_comment(comment);
        }
        records.push(record);
    }
    let format = option(&options, "format").and_then(|f| f.as_string());
    let file = match format.as_deref() {
        None | Some("pcap") => pcap::write(&records)?,
        Some("pcapng") => pcapng::write(&records)?,
        Some(other) => {
            return Err(JsError::new(&format!(
                "unknown capture format '{other}': use pcap or pcapng"
            )));
        }
    };
    Ok(file)
}

/// Hex as a learner pastes it (spaces, colons, `0x`, `\x`, Wireshark's
/// hex stream or hex dump) as bytes; the error names the bad character.
#[wasm_bindgen(js_name = parseHex)]
pub fn parse_hex_text(text: &str) -> Result<Vec<u8>, JsError> {
    Ok(parse_hex(text)?)
}

/// The packets of a pcap or pcapng file (whichever it is), with their
/// times and comments, as `netlab dissect --pcap` reads them.
#[wasm_bindgen(js_name = readCapture, unchecked_return_type = "CaptureFile")]
pub fn read_capture(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] bytes: JsValue,
) -> Result<JsValue, JsError> {
    let file = frame_bytes(&bytes, "bytes")?;
    let capture = pcap::read_any(&file)?;
    let listed = CaptureFile {
        format: capture.format,
        link_type: capture.link_type,
        cut: capture.cut.as_ref().map(ToString::to_string),
        frames: capture
            .records
            .iter()
            .map(|r| CapturedFrame {
                time_us: r.timestamp_us,
                original_len: r.original_len,
                comment: r.comment.as_deref(),
            })
            .collect(),
    };
    let out = to_js(&listed)?;
    let frames = Array::from(
        &Reflect::get(&out, &JsValue::from_str("frames"))
            .map_err(|_| JsError::new("cannot list the packets"))?,
    );
    for (frame, record) in frames.iter().zip(&capture.records) {
        Reflect::set(
            &frame,
            &JsValue::from_str("bytes"),
            &Uint8Array::from(record.data.as_slice()),
        )
        .map_err(|_| JsError::new("cannot attach a packet's bytes"))?;
    }
    Ok(out)
}

/// [`read_capture`]'s result before the bytes are attached.
#[derive(Serialize)]
struct CaptureFile<'a> {
    format: Format,
    link_type: u32,
    cut: Option<String>,
    frames: Vec<CapturedFrame<'a>>,
}

#[derive(Serialize)]
struct CapturedFrame<'a> {
    time_us: u64,
    original_len: usize,
    comment: Option<&'a str>,
}

fn frame_bytes(value: &JsValue, what: &str) -> Result<Vec<u8>, JsError> {
    if Array::is_array(value) {
        return byte_array(value, what);
    }
    bytes_or_text(value, what)
}
