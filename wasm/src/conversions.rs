//! Python's `socket` address conversions and the other single-value
//! lookups: the browser's `netlab aton`, `ntoa`, `pton`, `ntop`, `int`,
//! `mac` and `port`.

use netlab_core::inet::{self, AddressInt};
use netlab_core::mac::MacReport;
use netlab_core::port::{PortReport, Proto};
use wasm_bindgen::prelude::*;

use crate::convert::{byte_array, hinted, number_text, to_js, to_js_bigint};

#[wasm_bindgen(typescript_custom_section)]
const TS_CONVERSIONS: &str = r#"
/** An address family, as `socket.AF_INET` / `socket.AF_INET6` (any case). */
export type InetFamily = "inet" | "inet6" | "AF_INET" | "AF_INET6";

/** One dotted part of an `inet_aton` text and the bytes it filled. */
export interface AtonPart {
  text: string;
  base: 8 | 10 | 16;
  value: number;
  /** The first byte it filled, 0 = the leftmost. */
  offset: number;
  /** How many bytes it filled: 1, or all that were left for the last part. */
  width: number;
}

/** `netlab aton --json`: how `inet_aton` read a text. */
export interface AtonReading {
  input: string;
  hex: string;
  dotted: string;
  integer: number;
  parts: AtonPart[];
  /** The text from the first whitespace on, which `inet_aton` ignores. */
  ignored: string | null;
}

/** What forgetting `htonl`/`ntohl` does to an IPv4 address. */
export interface ByteOrder {
  network_bytes: string;
  host_bytes: string;
  swapped_integer: number;
  swapped_address: string;
}

/** `netlab int --json`. `integer` is a number for IPv4 and a BigInt for IPv6. */
export interface AddressInt {
  address: string;
  version: 4 | 6;
  integer: number | bigint;
  hex: string;
  binary: string;
  /** IPv4 only. */
  byte_order: ByteOrder | null;
}

/** `netlab mac --json`. */
export interface MacReport {
  input: string;
  colon: string;
  dash: string;
  dot: string;
  bare: string;
  first_octet_binary: string;
  unicast: boolean;
  multicast: boolean;
  broadcast: boolean;
  universal: boolean;
  local: boolean;
  oui: string;
  eui64: string;
  modified_eui64: string;
  /** Arithmetic alone for a group address: only unicast MACs make interface identifiers. */
  ipv6_link_local: string;
  /** What a group address stands for; `null` for unicast. */
  group: MacGroup | null;
}

/** A group MAC: the Ethernet form of IPv4 groups (01:00:5e + 23 bits, 32 groups share it), of IPv6 groups (33:33 + 32 bits), broadcast, or another. */
export type MacGroup =
  | { kind: "broadcast" }
  | { kind: "ipv4"; lowest: string }
  | { kind: "ipv6"; example: string; solicited_node: boolean }
  | { kind: "other" };

/** A service of netlab's built-in table. */
export interface Service {
  name: string;
  port: number;
  protocols: Array<"tcp" | "udp">;
  aliases: string[];
  description: string;
}

/** `netlab port --json`. */
export interface PortReport {
  query: string;
  port: number;
  protocol: "tcp" | "udp";
  service: Service | null;
  range: "well-known" | "registered" | "dynamic";
  range_span: string;
}
"#;

/// `socket.inet_aton`: 1 to 4 parts, decimal, octal (`0`) or hex (`0x`),
/// the last filling the bytes left, as glibc reads them. Returns 4 bytes.
#[wasm_bindgen(js_name = inetAton)]
pub fn inet_aton(text: &str) -> Result<Vec<u8>, JsValue> {
    Ok(inet::inet_aton(text).map_err(hinted)?.to_vec())
}

/// How `inet_aton` reads a text, part by part (`netlab aton`), so `127.1`
/// and `0127.0.0.1` explain themselves.
#[wasm_bindgen(js_name = inetAtonReading, unchecked_return_type = "AtonReading")]
pub fn inet_aton_reading(text: &str) -> Result<JsValue, JsValue> {
    Ok(to_js(&inet::parse_inet_aton(text).map_err(hinted)?)?)
}

/// Bytes as a learner types them: hex in any of the forms `parseHex` reads,
/// or a Python bytes literal as Python prints it (`b'\x7f\x00\x00\x01'`),
/// with Python's escapes; the error names the bad character or escape.
/// The same reader as the CLI's `unpack`, `ntoa` and `ntop`.
#[wasm_bindgen(js_name = parseBytes)]
pub fn parse_bytes(text: &str) -> Result<Vec<u8>, JsError> {
    Ok(netlab_core::packet::hex::parse_bytes(text)?)
}

/// `socket.inet_ntoa`: 4 packed bytes to a dotted quad.
#[wasm_bindgen(js_name = inetNtoa)]
pub fn inet_ntoa(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | number[]")] bytes: JsValue,
) -> Result<String, JsError> {
    Ok(inet::inet_ntoa(&byte_array(&bytes, "bytes")?)?.to_string())
}

/// `socket.inet_pton`: strict address text to 4 or 16 packed bytes.
#[wasm_bindgen(js_name = inetPton)]
pub fn inet_pton(
    #[wasm_bindgen(unchecked_param_type = "InetFamily")] family: &str,
    text: &str,
) -> Result<Vec<u8>, JsValue> {
    inet::inet_pton(family.parse().map_err(hinted)?, text).map_err(hinted)
}

/// `socket.inet_ntop`: 4 or 16 packed bytes to address text, IPv6 in the
/// RFC 5952 form glibc prints.
#[wasm_bindgen(js_name = inetNtop)]
pub fn inet_ntop(
    #[wasm_bindgen(unchecked_param_type = "InetFamily")] family: &str,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | number[]")] bytes: JsValue,
) -> Result<String, JsError> {
    Ok(inet::inet_ntop(
        family.parse()?,
        &byte_array(&bytes, "bytes")?,
    )?)
}

/// An address beside its integer, hex and binary forms and, for IPv4, the
/// `htonl`/`ntohl` views (`netlab int`). With a family, `value` is the
/// integer (decimal or `0x` hex text, a number or a BigInt) and the
/// address is computed from it (`netlab int --v4` / `--v6`).
#[wasm_bindgen(js_name = addressInt, unchecked_return_type = "AddressInt")]
pub fn address_int(
    #[wasm_bindgen(unchecked_param_type = "string | number | bigint")] value: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "InetFamily")] family: Option<String>,
) -> Result<JsValue, JsError> {
    let text = number_text(&value, "the address or integer")?;
    let view = match family {
        Some(family) => AddressInt::from_integer(&text, family.parse()?)?,
        None => AddressInt::parse(&text)?,
    };
    to_js_bigint(&view, &["integer"])
}

/// A MAC address in every notation, its I/G and U/L bits, EUI-64 and the
/// IPv6 link-local address derived from it (`netlab mac`).
#[wasm_bindgen(js_name = macInfo, unchecked_return_type = "MacReport")]
pub fn mac_info(text: &str) -> Result<JsValue, JsError> {
    to_js(&MacReport::parse(text)?)
}

/// `getservbyname`/`getservbyport` on netlab's table of well-known services,
/// and the IANA range of the port (`netlab port`). Without a protocol TCP
/// is preferred and a UDP-only service is still found.
#[wasm_bindgen(js_name = serviceLookup, unchecked_return_type = "PortReport")]
pub fn service_lookup(
    #[wasm_bindgen(js_name = nameOrPort, unchecked_param_type = "string | number")]
    name_or_port: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "\"tcp\" | \"udp\"")] proto: Option<String>,
) -> Result<JsValue, JsError> {
    let text = number_text(&name_or_port, "the service name or port")?;
    let proto = proto.map(|p| p.parse::<Proto>()).transpose()?;
    to_js(&PortReport::lookup(&text, proto)?)
}
