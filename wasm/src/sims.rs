//! The TCP and LAN simulations (`netlab_core::sim`): a spec in, a trace
//! out, every frame with its real bytes and the whole trace as a pcapng.

use netlab_core::sim::lan::{self, LanSpec};
use netlab_core::sim::tcp::{self, TcpSpec};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;

use crate::convert::{read_spec, to_js};

#[wasm_bindgen(typescript_custom_section)]
const TS_SIMS: &str = r#"
/** RFC 9293's connection states, by their RFC names. */
export type TcpState =
  | "CLOSED" | "LISTEN" | "SYN-SENT" | "SYN-RECEIVED" | "ESTABLISHED" | "FIN-WAIT-1"
  | "FIN-WAIT-2" | "CLOSE-WAIT" | "CLOSING" | "LAST-ACK" | "TIME-WAIT";

/** The stories tcpSimulate tells. */
export type TcpScenario =
  | "full" | "handshake" | "data" | "close" | "simultaneous_close" | "refused" | "retransmission";

export type TcpSide = "client" | "server";

/** One end as a spec gives it; what is left out takes the side's default. */
export interface TcpEndSpec {
  ip?: string;
  port?: number;
  isn?: number;
  window?: number;
  mss?: number;
  mac?: string | null;
}

/** What tcpSimulate runs; every field has a default (seed 000 §2's example). */
export interface TcpSpec {
  scenario?: TcpScenario;
  client?: TcpEndSpec;
  server?: TcpEndSpec;
  /** The first message, sent by `first`. */
  request?: string;
  /** The other side's answer. */
  reply?: string;
  /** Who sends `request`; null or absent: the server in `full`, the client otherwise. */
  first?: TcpSide | null;
  latency_ms?: number;
  think_ms?: number;
  rto_ms?: number;
  max_retries?: number;
  time_wait_ms?: number;
  loss?: number[] | null;
  router_mac?: string | null;
}

/** One end, every field decided. */
export interface TcpEndpoint {
  ip: string;
  port: number;
  isn: number;
  window: number;
  mss: number;
  mac: string;
}

/** One end's state around an event; `at_ms` null: the segment never arrived. */
export interface TcpTransition {
  at_ms: number | null;
  before: TcpState;
  after: TcpState;
}

/** One segment: an arrow of the ladder diagram, with its Ethernet frame in hex. */
export interface TcpSegment {
  number: number;
  from: TcpSide;
  to: TcpSide;
  src: string;
  dst: string;
  flags: string;
  flag_bits: number;
  seq: number;
  ack: number;
  rel_seq: number | null;
  rel_ack: number | null;
  window: number;
  len: number;
  payload: string;
  mss: number | null;
  arrives_ms: number | null;
  lost: boolean;
  retransmission: boolean;
  comment: string;
  frame: string;
}

/** A segment, a socket call, or a timer, with both ends' states around it. */
export interface TcpEvent {
  time_ms: number;
  kind: "segment" | "call" | "timer";
  side: TcpSide;
  key: string;
  explanation: string;
  call: string | null;
  error: string | null;
  segment: TcpSegment | null;
  client: TcpTransition;
  server: TcpTransition;
}

/** What tcpSimulate returns; `pcapng` is the capture file in hex. */
export interface TcpTrace {
  scenario: TcpScenario;
  /** Who sent `request`: the spec's `first`, or the scenario's own. */
  first: TcpSide;
  client: TcpEndpoint;
  server: TcpEndpoint;
  router_mac: string | null;
  events: TcpEvent[];
  client_state: TcpState;
  server_state: TcpState;
  pcapng: string;
}

/** The one thing a LAN variant breaks. */
export type LanVariant = "normal" | "wrong_mask" | "no_gateway" | "ttl_1" | "unknown_network";

export interface LanArpEntry {
  ip: string;
  mac: string;
}

export interface LanHostSpec {
  name: string;
  ip: string;
  mask?: string;
  gateway?: string | null;
  mac: string;
  arp?: LanArpEntry[];
}

export interface LanInterfaceSpec {
  name: string;
  ip: string;
  mask?: string;
  mac: string;
}

export interface LanRouteSpec {
  network: string;
  via?: string | null;
  interface?: string | null;
}

export interface LanRouterSpec {
  name: string;
  interfaces: LanInterfaceSpec[];
  routes?: LanRouteSpec[];
  arp?: LanArpEntry[];
}

/** A cable: `A` (a host), `S1` or `S1:3` (a switch port), `R:eth0` (a router interface). */
export interface LanLinkSpec {
  a: string;
  b: string;
}

/** The packet "A sends to B". */
export interface LanSendSpec {
  from?: string;
  to?: string;
  proto?: "icmp" | "udp";
  payload?: string;
  ttl?: number;
  src_port?: number;
  dst_port?: number;
  reply?: string | null;
}

/** What lanSimulate runs; every field has a default (the seeds' two LANs, A pings B). */
export interface LanSpec {
  hosts?: LanHostSpec[];
  switches?: { name: string }[];
  routers?: LanRouterSpec[];
  links?: LanLinkSpec[];
  send?: LanSendSpec;
  variant?: LanVariant;
  link_ms?: number;
  arp_timeout_ms?: number;
  arp_tries?: number;
}

export interface LanRoute {
  network: string;
  via: string | null;
  interface: string;
  connected: boolean;
}

export interface LanMacEntry {
  mac: string;
  port: number;
}

/** A field a router changed in the frame it forwards. */
export interface LanChange {
  field: string;
  before: string;
  after: string;
}

/** What happened at a node, by kind. */
export type LanDetail =
  | { kind: "decide"; same: SameReport; next_hop: string | null; via_gateway: boolean }
  | { kind: "no_route"; errno: number; code: string; error: string }
  | { kind: "refused"; error: string }
  | { kind: "arp_hit"; ip: string; mac: string }
  | { kind: "arp_miss"; ip: string }
  | { kind: "send"; port: string }
  | { kind: "unplugged"; port: string }
  | { kind: "switch"; in_port: number; learned: LanMacEntry | null; action: "forward" | "flood" | "filter"; out_ports: number[]; table: LanMacEntry[] }
  | { kind: "ignore"; reason: string }
  | { kind: "arp_learn"; ip: string; mac: string; cache: LanArpEntry[] }
  | { kind: "route"; dst: string; matched: LanRoute | null; next_hop: string | null; table: LanRoute[] }
  | { kind: "forward"; changes: LanChange[] }
  | { kind: "ttl_exceeded"; ttl: number }
  | { kind: "unreachable"; dst: string }
  | { kind: "deliver"; protocol: string; data: string }
  | { kind: "arp_timeout"; ip: string; attempt: number; tries: number; gave_up: boolean };

/** One step of a LAN trace; `frame` indexes `LanTrace.frames`. */
export type LanEvent = {
  step: number;
  time_ms: number;
  node: string;
  key: string;
  explanation: string;
  frame: number | null;
} & LanDetail;

/** One frame a station sent, its headers decoded, its bytes in hex. */
export interface LanFrame {
  number: number;
  time_ms: number;
  from: string;
  port: string;
  summary: string;
  comment: string;
  eth: { src: string; dst: string; ethertype: number };
  arp: { opcode: number; sender_mac: string; sender_ip: string; target_mac: string; target_ip: string } | null;
  ip: { src: string; dst: string; ttl: number; protocol: number; ident: number; checksum: number } | null;
  icmp: { type: number; code: number } | null;
  udp: { src_port: number; dst_port: number } | null;
  forwarded_from: number | null;
  changes: LanChange[];
  bytes: string;
}

/** How it ended, as the sending program sees it. */
export interface LanOutcome {
  delivered: boolean;
  answered: boolean;
  error: string | null;
  output: string;
}

/** A node's tables at the end. */
export type LanNodeState =
  | { type: "host"; name: string; ip: string; prefix: number; gateway: string | null; mac: string; arp: LanArpEntry[] }
  | { type: "switch"; name: string; ports: number[]; table: LanMacEntry[] }
  | { type: "router"; name: string; routes: LanRoute[]; arp: LanArpEntry[] };

/** What lanSimulate returns; `pcapng` is the capture file in hex. */
export interface LanTrace {
  variant: LanVariant;
  events: LanEvent[];
  frames: LanFrame[];
  outcome: LanOutcome;
  nodes: LanNodeState[];
  pcapng: string;
}
"#;

/// The TCP state machine through one of the seeds' stories (handshake,
/// data, four-way close, simultaneous close, refused, a lost segment):
/// every segment with both ends' states and its frame.
#[wasm_bindgen(js_name = tcpSimulate, unchecked_return_type = "TcpTrace")]
pub fn tcp_simulate(
    #[wasm_bindgen(unchecked_param_type = "TcpSpec | undefined")] spec: JsValue,
) -> Result<JsValue, JsError> {
    let spec: TcpSpec = spec_or_default(spec)?;
    to_js(&tcp::simulate(&spec)?)
}

/// Hosts, switches and routers: "A sends to B" as the trace of every
/// decision, ARP exchange, switch table and router hop.
#[wasm_bindgen(js_name = lanSimulate, unchecked_return_type = "LanTrace")]
pub fn lan_simulate(
    #[wasm_bindgen(unchecked_param_type = "LanSpec | undefined")] spec: JsValue,
) -> Result<JsValue, JsError> {
    let spec: LanSpec = spec_or_default(spec)?;
    to_js(&lan::simulate(&spec)?)
}

/// The spec JavaScript passed; `undefined` and `null` mean the defaults.
fn spec_or_default<T: DeserializeOwned + Serialize + Default>(spec: JsValue) -> Result<T, JsError> {
    if spec.is_undefined() || spec.is_null() {
        return Ok(T::default());
    }
    read_spec(spec)
}
