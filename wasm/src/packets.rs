//! Packets: the encapsulation builder, the dissector and capture files
//! (`netlab_core::packet`).

use js_sys::{Array, Date, Reflect, Uint8Array};
use netlab_core::packet::dissect::dissect_captured;
use netlab_core::packet::encap::{EncapSpec, encapsulate as build};
use netlab_core::packet::follow::{self, Framing, Transport};
use netlab_core::packet::hex::{parse_bytes, parse_hex};
use netlab_core::packet::pcap::{self, Format, LINKTYPE_ETHERNET, Record};
use netlab_core::packet::pcapng;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::convert::{array_arg, byte_array, bytes_or_text, option, read_spec_with, to_js};

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
  /** Where `netlab encap --pcap FILE` wrote the capture: always `null` here, as no file is written (`toPcap` makes one). */
  pcap: string | null;
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

/** One TCP connection (or UDP conversation) of a capture, numbered as tshark's `tcp.stream` (`udp.stream`). */
export interface CaptureStream {
  protocol: "tcp" | "udp";
  index: number;
  /** The side that sent the stream's first packet, "127.0.0.1:53000" ("[::1]:53000" for IPv6). */
  client: string;
  server: string;
  /** Its frames' numbers, from 1. */
  frames: number[];
  /** Payload bytes in the segments of each side, retransmissions included: [client, server]. */
  segment_bytes: [number, number];
  syn: boolean;
  fin: boolean;
  rst: boolean;
}

/** A piece of one side's stream, in the order it became whole. */
export interface FollowChunk {
  frame: number;
  side: "client" | "server";
  /** data: bytes the frame brought; missing: acknowledged but never captured; cut: cut off by the snapshot length. */
  kind: "data" | "missing" | "cut";
  /** Where it starts in the side's data (missing and cut bytes take no room there). */
  offset: number;
  len: number;
  /** Bytes of the segment already in the stream (a retransmission), left out. */
  repeated: number;
  /** It arrived before bytes it follows and waited for them. */
  waited: boolean;
  /** Its bytes in hex ("" for missing or cut bytes). */
  hex: string;
}

/** The messages a framing found in one side's stream. */
export interface FollowMessages {
  side: "client" | "server";
  messages: {
    number: number;
    offset: number;
    len: number;
    body_hex: string;
    frames: number[];
    shares_segment: boolean;
  }[];
  leftover: number;
  stopped: string | null;
  /** How many messages share a segment with another (seed 003 §8.2.3: 0 means any merging was the receiver's). */
  sharing: number;
}

/** A followed stream: `netlab follow FILE [--udp] --stream N`. */
export interface FollowReport {
  stream: CaptureStream;
  chunks: FollowChunk[];
  client_hex: string;
  server_hex: string;
  /** TCP with a framing: the messages it finds; UDP: the datagrams. The client's, then the server's. */
  messages: FollowMessages[];
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
/// payload_hex, src, dst, src_port, dst_port, src_mac, dst_mac, flags, seq,
/// ack, ttl, …}`, the fields of `netlab encap`; `src` and `dst` may be
/// `IP:PORT`), with every step of the encapsulation.
#[wasm_bindgen(unchecked_return_type = "Encapsulation")]
pub fn encapsulate(
    #[wasm_bindgen(unchecked_param_type = "object")] spec: JsValue,
) -> Result<JsValue, JsError> {
    let spec: EncapSpec = read_spec_with(spec, &["payload_hex"])?;
    let built = build(&spec)?;
    let value = to_js(&built)?;
    // The CLI's `pcap` (the file `--pcap` wrote), so the field names match;
    // then the frame itself, which the CLI gives only as `hex`.
    let attach = |name: &str, field: &JsValue| {
        Reflect::set(&value, &JsValue::from_str(name), field)
            .map_err(|_| JsError::new("cannot attach the frame's bytes"))
    };
    attach("pcap", &JsValue::NULL)?;
    attach("bytes", &Uint8Array::from(built.frame.as_slice()).into())?;
    Ok(value)
}

/// Reads a frame back into named layers; bad checksums and truncation are
/// findings, never a thrown error. A string is read as `netlab dissect`
/// reads it: a Python bytes literal as `print(sk.recv(1024))` shows it, or
/// hex (spaces, colons, `0x`, Wireshark's hex stream, the dumps of
/// Wireshark, xxd, `hexdump -C`, `tcpdump -XX` and od), with its error.
///
/// `linkType` is the capture's link type (`CaptureFile.link_type`): 1,
/// Ethernet, when left out; 113 or 276 for a Linux cooked capture
/// (`tcpdump -i any`).
#[wasm_bindgen(unchecked_return_type = "Dissection")]
pub fn dissect(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | number[] | string")] bytes: JsValue,
    #[wasm_bindgen(js_name = linkType, unchecked_optional_param_type = "number")] link_type: Option<
        JsValue,
    >,
) -> Result<JsValue, JsError> {
    let link_type = link_type_of(link_type.as_ref(), "linkType")?;
    let frame = if let Some(text) = bytes.as_string() {
        parse_bytes(&text)?
    } else if Array::is_array(&bytes) {
        byte_array(&bytes, "bytes")?
    } else {
        bytes
            .dyn_ref::<Uint8Array>()
            .map(Uint8Array::to_vec)
            .ok_or_else(|| {
                JsError::new("bytes must be a Uint8Array, an array of bytes (0-255) or hex text")
            })?
    };
    to_js(&dissect_captured(link_type, &frame)?)
}

/// An optional link type (`name` in the message): 1 (Ethernet) when
/// absent, else a whole number.
fn link_type_of(value: Option<&JsValue>, name: &str) -> Result<u32, JsError> {
    match value {
        None => Ok(LINKTYPE_ETHERNET),
        Some(v) if v.is_undefined() || v.is_null() => Ok(LINKTYPE_ETHERNET),
        Some(v) => v
            .as_f64()
            .filter(|n| n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(n))
            .map(|n| n as u32)
            .ok_or_else(|| {
                JsError::new(&format!(
                    "{name} must be a whole number, such as 1 (Ethernet)"
                ))
            }),
    }
}

/// A capture file of the frames, for Wireshark: classic pcap by default,
/// pcapng with `{format: "pcapng"}` (which keeps each frame's comment as
/// `frame.comment`). Frames without a time get this moment, one
/// microsecond apart.
#[wasm_bindgen(js_name = toPcap)]
pub fn to_pcap(
    #[wasm_bindgen(unchecked_param_type = "CaptureFrame[]")] frames: JsValue,
    #[wasm_bindgen(
        unchecked_optional_param_type = "{format?: \"pcap\" | \"pcapng\", link_type?: number}"
    )]
    options: Option<JsValue>,
) -> Result<Vec<u8>, JsError> {
    let frames = array_arg(
        &frames,
        "frames must be an array of frames (Uint8Array or {bytes, comment?, time_us?})",
    )?;
    let now_us = (Date::now() * 1000.0) as u64;
    let records = frames
        .iter()
        .enumerate()
        .map(|(i, frame)| capture_record(&frame, i, now_us + i as u64))
        .collect::<Result<Vec<_>, _>>()?;
    let mut link_type = LINKTYPE_ETHERNET;
    let format = match &options {
        None => None,
        Some(options) if options.is_object() && !Array::is_array(options) => {
            link_type = link_type_of(option(options, "link_type").as_ref(), "options.link_type")?;
            match option(options, "format") {
                None => None,
                Some(format) => Some(format.as_string().ok_or_else(|| {
                    JsError::new("options.format must be \"pcap\" or \"pcapng\"")
                })?),
            }
        }
        Some(_) => {
            return Err(JsError::new(
                "options must be an object, like {format: \"pcapng\"}",
            ));
        }
    };
    let file = match format.as_deref() {
        None | Some("pcap") => pcap::write_linked(&records, link_type)?,
        Some("pcapng") => pcapng::write_linked(&records, link_type)?,
        Some(other) => {
            return Err(JsError::new(&format!(
                "unknown capture format '{other}': use pcap or pcapng"
            )));
        }
    };
    Ok(file)
}

/// One frame of `toPcap` as a record: its bytes, or `{bytes, comment?,
/// time_us?}`; `now_us` is its time when it gives none.
fn capture_record(frame: &JsValue, i: usize, now_us: u64) -> Result<Record, JsError> {
    if frame.is_instance_of::<Uint8Array>() || Array::is_array(frame) {
        return Ok(Record::new(now_us, frame_bytes(frame, "frame")?));
    }
    if !frame.is_object() {
        return Err(JsError::new(&format!(
            "frame {i} must be a Uint8Array or {{bytes, comment?, time_us?}}"
        )));
    }
    let bytes =
        option(frame, "bytes").ok_or_else(|| JsError::new(&format!("frame {i} has no bytes")))?;
    let time = match option(frame, "time_us") {
        None => now_us,
        Some(t) => t
            .as_f64()
            .filter(|t| t.fract() == 0.0 && (0.0..=MAX_SAFE_INTEGER).contains(t))
            .map(|t| t as u64)
            .ok_or_else(|| {
                JsError::new(&format!(
                    "frame {i}'s time_us must be a whole number of microseconds, 0 or more"
                ))
            })?,
    };
    let mut record = Record::new(time, frame_bytes(&bytes, "bytes")?);
    if let Some(comment) = option(frame, "comment") {
        let comment = comment
            .as_string()
            .ok_or_else(|| JsError::new(&format!("frame {i}'s comment must be a string")))?;
        record = record.with_comment(comment);
    }
    Ok(record)
}

/// The largest whole number a JavaScript number holds exactly, 2^53 - 1.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

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

/// The TCP streams of a capture's frames (`readCapture`'s `frames`, or any
/// `CaptureFrame[]`), numbered as tshark's `tcp.stream`: `netlab follow
/// FILE`. `linkType` as for `dissect`.
#[wasm_bindgen(js_name = tcpStreams, unchecked_return_type = "CaptureStream[]")]
pub fn tcp_streams(
    #[wasm_bindgen(unchecked_param_type = "CaptureFrame[]")] frames: JsValue,
    #[wasm_bindgen(js_name = linkType, unchecked_optional_param_type = "number")] link_type: Option<
        JsValue,
    >,
) -> Result<JsValue, JsError> {
    let link_type = link_type_of(link_type.as_ref(), "linkType")?;
    to_js(&follow::streams(link_type, &records_of(&frames)?))
}

/// The UDP conversations of a capture's frames, numbered as tshark's
/// `udp.stream`: the UDP half of `netlab follow FILE`.
#[wasm_bindgen(js_name = udpStreams, unchecked_return_type = "CaptureStream[]")]
pub fn udp_streams(
    #[wasm_bindgen(unchecked_param_type = "CaptureFrame[]")] frames: JsValue,
    #[wasm_bindgen(js_name = linkType, unchecked_optional_param_type = "number")] link_type: Option<
        JsValue,
    >,
) -> Result<JsValue, JsError> {
    let link_type = link_type_of(link_type.as_ref(), "linkType")?;
    to_js(&follow::udp_streams(link_type, &records_of(&frames)?))
}

/// Stream `stream` of the frames followed, as Wireshark's Follow TCP
/// Stream, and with `options.length_prefix` (a struct format: `"i"`,
/// `"!I"`) or `options.delimiter` (Python escapes: `"\\n"`) each side cut
/// into messages: `netlab follow FILE --stream N`.
#[wasm_bindgen(js_name = followTcp, unchecked_return_type = "FollowReport")]
pub fn follow_tcp(
    #[wasm_bindgen(unchecked_param_type = "CaptureFrame[]")] frames: JsValue,
    stream: f64,
    #[wasm_bindgen(
        unchecked_optional_param_type = "{link_type?: number, length_prefix?: string, delimiter?: string}"
    )]
    options: Option<JsValue>,
) -> Result<JsValue, JsError> {
    follow_any(&frames, stream, options, Transport::Tcp)
}

/// UDP conversation `stream` followed: its datagrams in capture order, each
/// one message (`messages` lists them): `netlab follow FILE --udp --stream
/// N`. `options` `{link_type?}`.
#[wasm_bindgen(js_name = followUdp, unchecked_return_type = "FollowReport")]
pub fn follow_udp(
    #[wasm_bindgen(unchecked_param_type = "CaptureFrame[]")] frames: JsValue,
    stream: f64,
    #[wasm_bindgen(unchecked_optional_param_type = "{link_type?: number}")] options: Option<
        JsValue,
    >,
) -> Result<JsValue, JsError> {
    follow_any(&frames, stream, options, Transport::Udp)
}

fn follow_any(
    frames: &JsValue,
    stream: f64,
    options: Option<JsValue>,
    protocol: Transport,
) -> Result<JsValue, JsError> {
    if stream.fract() != 0.0 || !(0.0..=f64::from(u32::MAX)).contains(&stream) {
        return Err(JsError::new("stream must be a whole number, 0 or more"));
    }
    let options = options.filter(|o| !o.is_undefined() && !o.is_null());
    if let Some(o) = &options
        && (!o.is_object() || Array::is_array(o))
    {
        return Err(JsError::new(
            "options must be an object, like {length_prefix: \"i\"}",
        ));
    }
    let text = |name: &str| -> Result<Option<String>, JsError> {
        match options.as_ref().and_then(|o| option(o, name)) {
            None => Ok(None),
            Some(v) => v
                .as_string()
                .map(Some)
                .ok_or_else(|| JsError::new(&format!("options.{name} must be a string"))),
        }
    };
    let link_type = link_type_of(
        options
            .as_ref()
            .and_then(|o| option(o, "link_type"))
            .as_ref(),
        "options.link_type",
    )?;
    let framing = Framing::from_args(
        text("length_prefix")?.as_deref(),
        text("delimiter")?.as_deref(),
    )?;
    let records = records_of(frames)?;
    to_js(&follow::report(
        link_type,
        &records,
        protocol,
        stream as usize,
        framing.as_ref(),
    )?)
}

/// The frames of `tcpStreams`, `followTcp` and their UDP twins as records.
fn records_of(frames: &JsValue) -> Result<Vec<Record>, JsError> {
    let frames = array_arg(
        frames,
        "frames must be an array of frames (Uint8Array or {bytes, comment?, time_us?})",
    )?;
    frames
        .iter()
        .enumerate()
        .map(|(i, frame)| capture_record(&frame, i, 0))
        .collect()
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
