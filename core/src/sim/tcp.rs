//! TCP, segment by segment: seed 003's 三次握手 (three-way handshake) and
//! 四次挥手 (four-way close), with seed 000 §2's exchange between them
//! (the server's `conn.send(b'hello')`, the client's `sk.send(b'bye')`),
//! as two ends running the RFC 9293 state machine.
//!
//! Each end runs a small program of socket calls, the seeds' server
//! (`listen`, `accept`, `send`, `recv`, `close`) and client (`connect`,
//! `recv`, `send`, `close`); the [`Scenario`] picks the programs (and
//! [`TcpSpec::first`] who speaks first) and which segments the network
//! loses. Nothing is scripted at the segment level:
//! SYNs, ACKs, FINs, RSTs and retransmissions come out of the state
//! machine, so a spec with other ISNs, windows, MSS or losses gives the
//! trace a real stack would.
//!
//! # The trace
//!
//! [`TcpTrace::events`] is in time order, and each [`TcpEvent`] is one of:
//!
//! - a **segment**: one arrow of a ladder diagram. `time_ms` is when it
//!   leaves, [`Segment::arrives_ms`] when it lands (`None`: lost). The
//!   sender's [`Transition`] is its state around the send, the receiver's
//!   its state around the arrival, each with its own `at_ms`, as RFC 9293's
//!   figures draw them (`SYN-SENT --> <SEQ=100><CTL=SYN> --> SYN-RECEIVED`).
//!   The segment has flags, absolute and relative numbers (relative to the
//!   sender's ISN for `seq`, to the receiver's for `ack`, as Wireshark
//!   counts), the window, the payload and the Ethernet/IPv4/TCP frame;
//! - a **call**: a socket call that sends nothing (`listen()`) or a
//!   blocking call returning or raising (`accept()`, `connect()`,
//!   `recv()`);
//! - a **timer**: the retransmission timer expiring (the lost-segment
//!   scenario shows the timer, not duplicate ACKs: one segment is lost and
//!   nothing follows it, so only the timer can notice) or TIME-WAIT ending.
//!
//! Each event has a `key` naming its explanation's template for
//! translation; a template's numbers are the event's own fields.
//!
//! # Time and the wire
//!
//! Times are simulated milliseconds: every segment takes `latency_ms` one
//! way, a program makes its next call `think_ms` after the last one
//! returned (the client starts `think_ms` after the server, as the seeds
//! run `server.py` first), the retransmission timeout starts at `rto_ms`
//! (RFC 6298's initial 1 s) and TIME-WAIT lasts `time_wait_ms` (Linux's
//! 60 s). At equal times, arrivals come first, then timers, then calls;
//! the client before the server.
//!
//! Frames are built as the client's link carries them. In the seeds' story
//! the server is on another subnet, so that link reaches it through router
//! R: the client's frames go to R's MAC with TTL 64, and the server's arrive
//! from R's MAC with TTL 63. With `router_mac` null the two ends share one
//! link. The pcapng holds every segment as it was sent, lost ones too (their
//! comment ends in `[lost]`), so every arrow opens in the dissector.
//!
//! # Examples
//!
//! ```
//! use netlab_core::sim::tcp::{simulate, Scenario, Side, State, TcpSpec};
//!
//! let trace = simulate(&TcpSpec::default()).unwrap();
//! let flags: Vec<&str> = trace.segments().map(|s| s.flags.as_str()).collect();
//! assert_eq!(
//!     flags,
//!     ["SYN", "SYN, ACK", "ACK", "PSH, ACK", "ACK", "PSH, ACK", "FIN, ACK", "ACK", "ACK", "FIN, ACK", "ACK"]
//! );
//! // The server speaks first, as seed 000's server.py does.
//! let hello = trace.segments().nth(3).unwrap();
//! assert_eq!((hello.from, hello.seq, hello.rel_seq, hello.len), (Side::Server, 5001, Some(1), 5));
//! assert_eq!((trace.client_state, trace.server_state), (State::Closed, State::Closed));
//!
//! // What JavaScript passes to tcpSimulate(): any subset of the fields.
//! let spec: TcpSpec = serde_json::from_str(r#"{"scenario": "refused", "server": {"port": 9001}}"#).unwrap();
//! let refused = simulate(&spec).unwrap();
//! assert_eq!(refused.segments().nth(1).unwrap().flags, "RST, ACK");
//! ```

use std::net::{Ipv4Addr, SocketAddrV4};

use serde::{Deserialize, Serialize};
use thiserror::Error;

pub use super::tcb::State;
use super::{MAC_A, MAC_B, MAC_R_LAN_A, serde_text};
use crate::mac::MacAddr;
use crate::packet::pcap::PcapError;

mod explain;
mod run;

/// The most bytes one program sends.
pub const MAX_DATA: usize = 64 << 10;
/// The most events one trace holds.
pub const MAX_EVENTS: usize = 10_000;
/// The largest MSS over Ethernet: 1500 - 20 (IPv4) - 20 (TCP).
pub const MAX_MSS: u16 = 1460;
/// The most one `recv()` returns, as in the seeds' `recv(1024)`.
const RECV_SIZE: usize = 1024;

/// What happens between the two ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scenario {
    /// Seed 000 §2's programs from `connect()` to `close()`: handshake, the
    /// server's `b'hello'` and the client's `b'bye'`, the four-way close,
    /// TIME-WAIT.
    #[default]
    Full,
    /// SYN, SYN-ACK, ACK.
    Handshake,
    /// The handshake, then the request and the answer with their ACKs.
    Data,
    /// The handshake, then the client closes and the server follows.
    Close,
    /// The handshake, then both call `close()` at the same moment:
    /// FIN-WAIT-1, CLOSING, TIME-WAIT on both sides.
    SimultaneousClose,
    /// Nothing listens on the server's port: RST, ConnectionRefusedError.
    Refused,
    /// As `data`, but the network loses the request (segment 4); the
    /// client's retransmission timer sends it again.
    Retransmission,
}

impl Scenario {
    /// Who sends the first message unless the spec says: the server in
    /// `full`, as seed 000 §2's server.py does (`conn.send(b'hello')`, then
    /// `conn.recv(1024)`); the client in `data` and `retransmission`, a
    /// request and its answer.
    pub fn first(self) -> Side {
        match self {
            Self::Full => Side::Server,
            _ => Side::Client,
        }
    }

    /// The segments the network loses unless the spec says otherwise.
    pub fn default_loss(self) -> Vec<usize> {
        match self {
            Self::Retransmission => vec![4],
            _ => Vec::new(),
        }
    }
}

/// One of the two ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Client,
    Server,
}

impl Side {
    pub fn other(self) -> Self {
        match self {
            Self::Client => Self::Server,
            Self::Server => Self::Client,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Client => "client",
            Self::Server => "server",
        }
    }

    fn at(self) -> usize {
        match self {
            Self::Client => 0,
            Self::Server => 1,
        }
    }
}

/// One end as the spec gives it; what is left out takes the side's
/// default (see [`Endpoint::client`] and [`Endpoint::server`]).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EndSpec {
    pub ip: Option<Ipv4Addr>,
    pub port: Option<u16>,
    /// The initial sequence number. Real stacks pick it at random (RFC
    /// 6528); a fixed one keeps the trace the same on every run.
    pub isn: Option<u32>,
    /// The receive window this end advertises.
    pub window: Option<u16>,
    /// The MSS this end announces in its SYN and sends at most.
    pub mss: Option<u16>,
    #[serde(
        serialize_with = "serde_text::opt_mac",
        deserialize_with = "serde_text::de_opt_mac"
    )]
    pub mac: Option<MacAddr>,
}

/// One end, every field decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Endpoint {
    pub ip: Ipv4Addr,
    pub port: u16,
    pub isn: u32,
    pub window: u16,
    pub mss: u16,
    #[serde(serialize_with = "serde_text::mac")]
    pub mac: MacAddr,
}

impl Endpoint {
    /// The seeds' client: host A, 192.168.12.1, port 53000, ISN 1000,
    /// window 64240 (Linux's usual first window), MSS 1460.
    pub fn client() -> Self {
        Self {
            ip: Ipv4Addr::new(192, 168, 12, 1),
            port: 53000,
            isn: 1000,
            window: 64240,
            mss: MAX_MSS,
            mac: MAC_A,
        }
    }

    /// The seeds' server: host B, 192.168.13.1, port 9000, ISN 5000.
    pub fn server() -> Self {
        Self {
            ip: Ipv4Addr::new(192, 168, 13, 1),
            port: 9000,
            isn: 5000,
            mac: MAC_B,
            ..Self::client()
        }
    }

    fn resolve(spec: &EndSpec, base: Self) -> Self {
        Self {
            ip: spec.ip.unwrap_or(base.ip),
            port: spec.port.unwrap_or(base.port),
            isn: spec.isn.unwrap_or(base.isn),
            window: spec.window.unwrap_or(base.window),
            mss: spec.mss.unwrap_or(base.mss),
            mac: spec.mac.unwrap_or(base.mac),
        }
    }

    pub fn addr(&self) -> SocketAddrV4 {
        SocketAddrV4::new(self.ip, self.port)
    }
}

/// What to simulate. Every field has a default, and the defaults are seed
/// 000 §2's example: client 192.168.12.1:53000 connects to server
/// 192.168.13.1:9000, which sends `b'hello'`; the client answers `b'bye'`,
/// and both close.
///
/// # Examples
///
/// ```
/// use netlab_core::sim::tcp::{Scenario, TcpSpec};
///
/// let spec: TcpSpec = serde_json::from_str(r#"{"client": {"isn": 4294967290}, "loss": [2]}"#).unwrap();
/// assert_eq!(spec.scenario, Scenario::Full);
/// assert_eq!(spec.client.isn, Some(4294967290));
/// assert_eq!(spec.request, "hello");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TcpSpec {
    pub scenario: Scenario,
    pub client: EndSpec,
    pub server: EndSpec,
    /// The first message (UTF-8, as `'hello'.encode()`), sent by `first`.
    pub request: String,
    /// The other side's answer.
    pub reply: String,
    /// Who sends `request`; `None`: the scenario's own ([`Scenario::first`]).
    pub first: Option<Side>,
    /// One-way delay of every segment.
    pub latency_ms: u64,
    /// How long a program takes between one call returning and the next.
    pub think_ms: u64,
    /// The initial retransmission timeout (RFC 6298: 1 s).
    pub rto_ms: u64,
    /// Retransmissions of one segment before the connection is dropped.
    pub max_retries: u32,
    /// How long TIME-WAIT lasts (2×MSL; Linux: 60 s).
    pub time_wait_ms: u64,
    /// Which segments the network loses, numbered from 1 in the order they
    /// are sent (retransmissions count); `None`: the scenario's own.
    pub loss: Option<Vec<usize>>,
    /// The router between the ends, as the client's link sees it; null
    /// when both ends are on one link.
    #[serde(
        serialize_with = "serde_text::opt_mac",
        deserialize_with = "serde_text::de_opt_mac"
    )]
    pub router_mac: Option<MacAddr>,
}

impl Default for TcpSpec {
    fn default() -> Self {
        Self {
            scenario: Scenario::Full,
            client: EndSpec::default(),
            server: EndSpec::default(),
            request: "hello".to_owned(),
            reply: "bye".to_owned(),
            first: None,
            latency_ms: 10,
            think_ms: 5,
            rto_ms: 1000,
            max_retries: 6,
            time_wait_ms: 60_000,
            loss: None,
            router_mac: Some(MAC_R_LAN_A),
        }
    }
}

impl TcpSpec {
    /// The defaults with another scenario.
    pub fn scenario(scenario: Scenario) -> Self {
        Self {
            scenario,
            ..Self::default()
        }
    }

    /// Who sends `request`.
    pub fn first_sender(&self) -> Side {
        self.first.unwrap_or(self.scenario.first())
    }
}

/// Why a spec cannot be simulated.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TcpSimError {
    #[error(
        "the {side}'s mss {mss} is out of range (1-{MAX_MSS}): a segment must fit Ethernet's 1500-byte MTU with its IPv4 and TCP headers"
    )]
    Mss { side: &'static str, mss: u16 },
    #[error("the {side}'s window is 0: nothing could ever be sent to it; use at least 1")]
    ZeroWindow { side: &'static str },
    #[error("the {side}'s port is 0: port 0 asks the OS to pick one and never appears on the wire")]
    ZeroPort { side: &'static str },
    #[error("rto_ms must be at least 1")]
    ZeroRto,
    #[error("the {what} is {len} bytes; the simulator sends at most {MAX_DATA}")]
    TooMuchData { what: &'static str, len: usize },
    #[error("loss lists segment 0; segments are numbered from 1, in the order they are sent")]
    LossZero,
    #[error("loss lists segment {0}, but no run sends more than {MAX_EVENTS} segments")]
    LossBeyond(usize),
    #[error(
        "the client and the server are both {ip}:{port}: a connection joins two different ends"
    )]
    SameEnd { ip: std::net::Ipv4Addr, port: u16 },
    #[error(
        "the {side}'s MAC {mac} is a group (multicast or broadcast) address; a station's own MAC is unicast"
    )]
    GroupMac { side: &'static str, mac: MacAddr },
    #[error("the simulation went past {MAX_EVENTS} events")]
    TooManyEvents,
    #[error("the capture cannot be written: {0}")]
    Capture(#[from] PcapError),
}

/// One end's state around an event; `at_ms` is when it changed (`None`:
/// the segment never arrived).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Transition {
    pub at_ms: Option<u64>,
    pub before: State,
    pub after: State,
}

/// What an event is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Segment,
    Call,
    Timer,
}

/// One segment: an arrow of the ladder diagram.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Segment {
    /// Its number, from 1: the frame number in the pcapng.
    pub number: usize,
    pub from: Side,
    pub to: Side,
    pub src: SocketAddrV4,
    pub dst: SocketAddrV4,
    /// `SYN, ACK`, as Wireshark lists them.
    pub flags: String,
    /// The flag bits (`tcp.flags`).
    pub flag_bits: u16,
    pub seq: u32,
    pub ack: u32,
    /// `seq` minus the sender's ISN; `None` when the sender has no
    /// connection (a RST from a closed port).
    pub rel_seq: Option<u32>,
    /// `ack` minus the receiver's ISN; `None` without the ACK flag.
    pub rel_ack: Option<u32>,
    pub window: u16,
    /// Payload bytes.
    pub len: usize,
    /// The payload as Python prints bytes.
    pub payload: String,
    /// The MSS option, in SYNs.
    pub mss: Option<u16>,
    pub arrives_ms: Option<u64>,
    pub lost: bool,
    pub retransmission: bool,
    /// The frame's pcapng comment.
    pub comment: String,
    /// The Ethernet/IPv4/TCP frame, in hex.
    #[serde(serialize_with = "serde_text::hex")]
    pub frame: Vec<u8>,
}

/// One thing that happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TcpEvent {
    pub time_ms: u64,
    pub kind: EventKind,
    /// Who acts: the sender, the caller, the timer's owner.
    pub side: Side,
    /// The explanation's template, for translation.
    pub key: &'static str,
    pub explanation: String,
    /// The Python call behind the event.
    pub call: Option<String>,
    /// The exception a call raised, as Python prints it.
    pub error: Option<String>,
    pub segment: Option<Segment>,
    pub client: Transition,
    pub server: Transition,
}

/// A simulation's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TcpTrace {
    pub scenario: Scenario,
    /// Who sent `request` ([`TcpSpec::first_sender`]), so a page names
    /// the messages by sender without its own copy of the rule.
    pub first: Side,
    pub client: Endpoint,
    pub server: Endpoint,
    /// The router the client's link sees between the ends, if any.
    #[serde(serialize_with = "serde_text::opt_mac")]
    pub router_mac: Option<MacAddr>,
    pub events: Vec<TcpEvent>,
    pub client_state: State,
    pub server_state: State,
    /// Every segment's frame with its comment, as a pcapng file (hex in
    /// JSON).
    #[serde(serialize_with = "serde_text::hex")]
    pub pcapng: Vec<u8>,
}

impl TcpTrace {
    /// The segments, in the order they were sent.
    pub fn segments(&self) -> impl Iterator<Item = &Segment> {
        self.events.iter().filter_map(|e| e.segment.as_ref())
    }
}

fn check(spec: &TcpSpec, client: &Endpoint, server: &Endpoint) -> Result<(), TcpSimError> {
    for (side, ep) in [("client", client), ("server", server)] {
        if ep.mss == 0 || ep.mss > MAX_MSS {
            return Err(TcpSimError::Mss { side, mss: ep.mss });
        }
        if ep.window == 0 {
            return Err(TcpSimError::ZeroWindow { side });
        }
        if ep.port == 0 {
            return Err(TcpSimError::ZeroPort { side });
        }
    }
    if spec.rto_ms == 0 {
        return Err(TcpSimError::ZeroRto);
    }
    if (client.ip, client.port) == (server.ip, server.port) {
        return Err(TcpSimError::SameEnd {
            ip: client.ip,
            port: client.port,
        });
    }
    let macs = [("client", client.mac), ("server", server.mac)];
    for (side, mac) in macs
        .into_iter()
        .chain(spec.router_mac.map(|m| ("router", m)))
    {
        if mac.is_multicast() {
            return Err(TcpSimError::GroupMac { side, mac });
        }
    }
    for (what, text) in [("request", &spec.request), ("reply", &spec.reply)] {
        if text.len() > MAX_DATA {
            return Err(TcpSimError::TooMuchData {
                what,
                len: text.len(),
            });
        }
    }
    if spec.loss.as_ref().is_some_and(|l| l.contains(&0)) {
        return Err(TcpSimError::LossZero);
    }
    // Numbers past the last segment are fine (`1..=10` loses them all,
    // however many there are); past any run's end they are a slip.
    if let Some(&n) = spec.loss.iter().flatten().find(|&&n| n > MAX_EVENTS) {
        return Err(TcpSimError::LossBeyond(n));
    }
    Ok(())
}

/// Runs the spec's scenario and returns its trace.
///
/// # Examples
///
/// ```
/// use netlab_core::sim::tcp::{simulate, EventKind, Scenario, TcpSpec};
///
/// let trace = simulate(&TcpSpec::scenario(Scenario::Retransmission)).unwrap();
/// let lost: Vec<usize> = trace.segments().filter(|s| s.lost).map(|s| s.number).collect();
/// assert_eq!(lost, [4]);
/// let timer = trace.events.iter().find(|e| e.kind == EventKind::Timer).unwrap();
/// assert_eq!((timer.key, timer.time_ms), ("tcp.timer.rto", 1030));
/// assert!(trace.segments().nth(4).unwrap().retransmission);
/// ```
pub fn simulate(spec: &TcpSpec) -> Result<TcpTrace, TcpSimError> {
    let client = Endpoint::resolve(&spec.client, Endpoint::client());
    let server = Endpoint::resolve(&spec.server, Endpoint::server());
    check(spec, &client, &server)?;
    let played = run::play(spec, client, server)?;
    let pcapng = super::capture(
        played
            .events
            .iter()
            .filter_map(|e| e.segment.as_ref().map(|s| (e.time_ms, s)))
            .map(|(t, s)| (t, s.frame.as_slice(), s.comment.as_str())),
    )?;
    Ok(TcpTrace {
        scenario: spec.scenario,
        first: spec.first_sender(),
        client,
        server,
        router_mac: spec.router_mac,
        client_state: played.client_state,
        server_state: played.server_state,
        events: played.events,
        pcapng,
    })
}

#[cfg(test)]
mod test {
    use super::*;

    type Row = (Side, &'static str, u32, u32, usize);

    fn rows(trace: &TcpTrace) -> Vec<(Side, String, u32, u32, usize)> {
        trace
            .segments()
            .map(|s| (s.from, s.flags.clone(), s.seq, s.ack, s.len))
            .collect()
    }

    fn expect(trace: &TcpTrace, want: &[Row]) {
        let want: Vec<_> = want
            .iter()
            .map(|(s, f, seq, ack, len)| (*s, (*f).to_owned(), *seq, *ack, *len))
            .collect();
        assert_eq!(rows(trace), want);
    }

    fn run(scenario: Scenario) -> TcpTrace {
        simulate(&TcpSpec::scenario(scenario)).unwrap()
    }

    use Side::{Client as C, Server as S};

    #[test]
    fn handshake_is_syn_syn_ack_ack() {
        let t = run(Scenario::Handshake);
        expect(
            &t,
            &[
                (C, "SYN", 1000, 0, 0),
                (S, "SYN, ACK", 5000, 1001, 0),
                (C, "ACK", 1001, 5001, 0),
            ],
        );
        let segs: Vec<&Segment> = t.segments().collect();
        assert_eq!(segs[0].mss, Some(1460));
        assert_eq!((segs[0].rel_seq, segs[0].rel_ack), (Some(0), None));
        assert_eq!((segs[1].rel_seq, segs[1].rel_ack), (Some(0), Some(1)));
        assert_eq!((segs[2].rel_seq, segs[2].rel_ack), (Some(1), Some(1)));
        let syn = t.events.iter().find(|e| e.segment.is_some()).unwrap();
        assert_eq!(
            syn.call.as_deref(),
            Some("sk.connect(('192.168.13.1', 9000))")
        );
        assert_eq!(
            (
                syn.client.before,
                syn.client.after,
                syn.server.before,
                syn.server.after
            ),
            (
                State::Closed,
                State::SynSent,
                State::Listen,
                State::SynReceived
            )
        );
        assert_eq!((syn.time_ms, syn.server.at_ms), (5, Some(15)));
        assert_eq!(segs[0].comment, "SYN: client asks to connect, seq=ISN=1000");
        assert_eq!(
            (t.client_state, t.server_state),
            (State::Established, State::Established)
        );
        let calls: Vec<&str> = t
            .events
            .iter()
            .filter(|e| e.kind == EventKind::Call)
            .map(|e| e.key)
            .collect();
        assert_eq!(
            calls,
            ["tcp.call.listen", "tcp.call.connect", "tcp.call.accept"]
        );
    }

    #[test]
    fn data_with_seq_ack_and_window() {
        let t = run(Scenario::Data);
        expect(
            &t,
            &[
                (C, "SYN", 1000, 0, 0),
                (S, "SYN, ACK", 5000, 1001, 0),
                (C, "ACK", 1001, 5001, 0),
                (C, "PSH, ACK", 1001, 5001, 5),
                (S, "ACK", 5001, 1006, 0),
                (S, "PSH, ACK", 5001, 1006, 3),
                (C, "ACK", 1006, 5004, 0),
            ],
        );
        let hello = t.segments().nth(3).unwrap();
        assert_eq!((hello.payload.as_str(), hello.window), ("b'hello'", 64240));
        assert_eq!((hello.rel_seq, hello.rel_ack), (Some(1), Some(1)));
        let recvs: Vec<&str> = t
            .events
            .iter()
            .filter(|e| e.key == "tcp.call.recv")
            .map(|e| e.explanation.split(' ').nth(2).unwrap())
            .collect();
        assert_eq!(recvs, ["b'hello'", "b'bye'"]);
    }

    #[test]
    fn full_is_seed_000s_exchange_the_server_speaking_first() {
        // server.py: conn.send(b'hello'); conn.recv(1024); conn.close().
        // client.py: sk.recv(1024); sk.send(b'bye'); sk.close().
        let t = run(Scenario::Full);
        expect(
            &t,
            &[
                (C, "SYN", 1000, 0, 0),
                (S, "SYN, ACK", 5000, 1001, 0),
                (C, "ACK", 1001, 5001, 0),
                (S, "PSH, ACK", 5001, 1001, 5),
                (C, "ACK", 1001, 5006, 0),
                (C, "PSH, ACK", 1001, 5006, 3),
                (C, "FIN, ACK", 1004, 5006, 0),
                (S, "ACK", 5006, 1004, 0),
                (S, "ACK", 5006, 1005, 0),
                (S, "FIN, ACK", 5006, 1005, 0),
                (C, "ACK", 1005, 5007, 0),
            ],
        );
        let hello = t.segments().nth(3).unwrap();
        assert_eq!((hello.from, hello.payload.as_str()), (S, "b'hello'"));
        let recvs: Vec<(Side, &str)> = t
            .events
            .iter()
            .filter(|e| e.key == "tcp.call.recv")
            .map(|e| (e.side, e.explanation.split(' ').nth(2).unwrap()))
            .collect();
        assert_eq!(recvs, [(C, "b'hello'"), (S, "b'bye'")]);
        // The client, which closed first, waits in TIME-WAIT.
        assert_eq!(t.events.last().unwrap().key, "tcp.timer.time_wait");
        // Who speaks first may be set either way.
        let asked = simulate(&TcpSpec {
            first: Some(Side::Client),
            ..TcpSpec::default()
        })
        .unwrap();
        assert_eq!(asked.segments().nth(3).unwrap().from, C);
    }

    #[test]
    fn four_way_close_then_time_wait() {
        // The request-and-answer order, whose close has the client's FIN alone.
        let t = simulate(&TcpSpec {
            first: Some(Side::Client),
            ..TcpSpec::default()
        })
        .unwrap();
        let tail: Vec<_> = rows(&t).into_iter().skip(7).collect();
        assert_eq!(
            tail,
            [
                (C, "FIN, ACK".to_owned(), 1006, 5004, 0),
                (S, "ACK".to_owned(), 5004, 1007, 0),
                (S, "FIN, ACK".to_owned(), 5004, 1007, 0),
                (C, "ACK".to_owned(), 1007, 5005, 0),
            ]
        );
        let states: Vec<(State, State)> = t
            .events
            .iter()
            .filter(|e| e.segment.is_some())
            .skip(7)
            .map(|e| (e.client.after, e.server.after))
            .collect();
        assert_eq!(
            states,
            [
                (State::FinWait1, State::CloseWait),
                (State::FinWait2, State::CloseWait),
                (State::TimeWait, State::LastAck),
                (State::TimeWait, State::Closed),
            ]
        );
        let last = t.events.last().unwrap();
        assert_eq!(last.key, "tcp.timer.time_wait");
        assert_eq!(
            (last.client.before, last.client.after),
            (State::TimeWait, State::Closed)
        );
        assert_eq!(
            last.time_ms - t.segments().last().unwrap().arrives_ms.unwrap(),
            60_000 - 10
        );
        assert!(t.events.iter().any(|e| e.key == "tcp.call.recv_eof"));
    }

    #[test]
    fn close_with_unread_data_resets_as_linux_does() {
        // The server reads 2 × 1024 of 3000 bytes, answers and closes.
        let spec = TcpSpec {
            request: "x".repeat(3000),
            // A request from the client, as in a request-and-answer protocol.
            first: Some(Side::Client),
            ..TcpSpec::scenario(Scenario::Full)
        };
        let t = simulate(&spec).unwrap();
        let rst: Vec<_> = t.segments().filter(|s| s.flags.contains("RST")).collect();
        // The abort, then one for each client segment that was already on its way.
        assert_eq!(
            (rst[0].from, rst[0].flags.as_str()),
            (S, "RST, ACK"),
            "{:?}",
            rows(&t)
        );
        assert!(rst.iter().all(|s| s.from == S));
        let keys: Vec<_> = t
            .events
            .iter()
            .filter(|e| e.key.starts_with("tcp.rst"))
            .map(|e| e.key)
            .collect();
        assert_eq!(keys[0], "tcp.rst_unread");
        assert!(keys[1..].iter().all(|&k| k == "tcp.rst_gone"), "{keys:?}");
        assert!(
            t.segments()
                .all(|s| !(s.from == S && s.flags.contains("FIN")))
        );
        assert!(t.events.iter().any(|e| e.key == "tcp.rst_unread"));
        // The client's one recv() still gets the reply that came first.
        let recv = t
            .events
            .iter()
            .find(|e| e.side == C && e.key.starts_with("tcp.call.recv"));
        assert_eq!(
            recv.map(|e| (e.key, e.error.is_none())),
            Some(("tcp.call.recv", true))
        );
        assert_eq!(
            (t.client_state, t.server_state),
            (State::Closed, State::Closed)
        );
    }

    #[test]
    fn data_after_close_is_reset() {
        // The client closes at once; the server's reply then has no reader.
        let t = run(Scenario::Full);
        assert!(
            t.segments().all(|s| !s.flags.contains("RST")),
            "all read: no reset"
        );
        // 2000 bytes in two segments, the second (segment 5) lost: the server
        // reads the 1460 it has, answers and closes; then the 540 come again.
        let spec = TcpSpec {
            loss: Some(vec![5]),
            request: "x".repeat(2000),
            // A request from the client, as in a request-and-answer protocol.
            first: Some(Side::Client),
            ..TcpSpec::scenario(Scenario::Full)
        };
        let t = simulate(&spec).unwrap();
        let keys: Vec<_> = t
            .events
            .iter()
            .map(|e| e.key)
            .filter(|k| k.starts_with("tcp.rst"))
            .collect();
        assert!(keys.contains(&"tcp.rst_after_close"), "{keys:?}");
    }

    #[test]
    fn close_scenario() {
        let t = run(Scenario::Close);
        let flags: Vec<String> = t.segments().map(|s| s.flags.clone()).collect();
        assert_eq!(
            flags,
            [
                "SYN", "SYN, ACK", "ACK", "FIN, ACK", "ACK", "FIN, ACK", "ACK"
            ]
        );
        assert_eq!(
            (t.client_state, t.server_state),
            (State::Closed, State::Closed)
        );
    }

    #[test]
    fn simultaneous_close_goes_through_closing() {
        let t = run(Scenario::SimultaneousClose);
        expect(
            &t,
            &[
                (C, "SYN", 1000, 0, 0),
                (S, "SYN, ACK", 5000, 1001, 0),
                (C, "ACK", 1001, 5001, 0),
                (C, "FIN, ACK", 1001, 5001, 0),
                (S, "FIN, ACK", 5001, 1001, 0),
                (S, "ACK", 5002, 1002, 0),
                (C, "ACK", 1002, 5002, 0),
            ],
        );
        let segs: Vec<&TcpEvent> = t.events.iter().filter(|e| e.segment.is_some()).collect();
        assert_eq!(segs[3].time_ms, segs[4].time_ms, "both close at once");
        assert_eq!(
            (segs[3].client.after, segs[3].server.after),
            (State::FinWait1, State::Closing)
        );
        assert_eq!(
            (segs[5].server.before, segs[5].client.after),
            (State::Closing, State::TimeWait)
        );
        let time_waits = t
            .events
            .iter()
            .filter(|e| e.key == "tcp.timer.time_wait")
            .count();
        assert_eq!(time_waits, 2);
    }

    #[test]
    fn refused_is_rst_ack_with_seq_zero() {
        let t = run(Scenario::Refused);
        expect(&t, &[(C, "SYN", 1000, 0, 0), (S, "RST, ACK", 0, 1001, 0)]);
        let rst = t.segments().nth(1).unwrap();
        assert_eq!((rst.rel_seq, rst.rel_ack, rst.window), (None, Some(1), 0));
        let err = t.events.last().unwrap();
        assert_eq!(
            err.error.as_deref(),
            Some("ConnectionRefusedError: [Errno 111] Connection refused")
        );
        assert_eq!(
            (t.client_state, t.server_state),
            (State::Closed, State::Closed)
        );
    }

    #[test]
    fn lost_segment_is_retransmitted_after_the_timeout() {
        let t = run(Scenario::Retransmission);
        expect(
            &t,
            &[
                (C, "SYN", 1000, 0, 0),
                (S, "SYN, ACK", 5000, 1001, 0),
                (C, "ACK", 1001, 5001, 0),
                (C, "PSH, ACK", 1001, 5001, 5),
                (C, "PSH, ACK", 1001, 5001, 5),
                (S, "ACK", 5001, 1006, 0),
                (S, "PSH, ACK", 5001, 1006, 3),
                (C, "ACK", 1006, 5004, 0),
            ],
        );
        let segs: Vec<&Segment> = t.segments().collect();
        assert!(segs[3].lost && !segs[4].lost && segs[4].retransmission);
        assert!(segs[3].comment.ends_with("[lost]"));
        let send_at = t
            .events
            .iter()
            .find(|e| e.segment.as_ref().is_some_and(|s| s.number == 4))
            .unwrap()
            .time_ms;
        let timer = t.events.iter().find(|e| e.key == "tcp.timer.rto").unwrap();
        assert_eq!(timer.time_ms, send_at + 1000);
        let again = t
            .events
            .iter()
            .find(|e| e.segment.as_ref().is_some_and(|s| s.number == 5))
            .unwrap();
        assert_eq!(
            (again.time_ms, again.key),
            (send_at + 1000, "tcp.data.again")
        );
    }

    #[test]
    fn data_after_a_gap_is_kept_until_the_gap_is_filled() {
        // 3000 bytes in three segments, the first (segment 4) lost.
        let spec = TcpSpec {
            loss: Some(vec![4]),
            request: "x".repeat(3000),
            // A request from the client, as in a request-and-answer protocol.
            first: Some(Side::Client),
            ..TcpSpec::scenario(Scenario::Full)
        };
        let t = simulate(&spec).unwrap();
        let acks: Vec<(u32, &str)> = t
            .events
            .iter()
            .filter(|e| {
                e.segment
                    .as_ref()
                    .is_some_and(|s| s.from == S && s.len == 0 && s.flags == "ACK")
            })
            .map(|e| (e.segment.as_ref().unwrap().ack, e.key))
            .take(3)
            .collect();
        // Two duplicate ACKs say where the gap is; the retransmission fills
        // it and one ACK covers all 3000 bytes.
        assert_eq!(
            acks,
            [
                (1001, "tcp.ooo_ack"),
                (1001, "tcp.ooo_ack"),
                (4001, "tcp.gap_filled")
            ]
        );
        let retransmitted: Vec<u32> = t
            .segments()
            .filter(|s| s.retransmission)
            .map(|s| s.seq)
            .collect();
        assert_eq!(retransmitted, [1001], "only the lost segment goes again");
        let timer = t.events.iter().find(|e| e.key == "tcp.timer.rto").unwrap();
        assert!(timer.explanation.contains(
            "2 duplicate ACKs said the server still waits for seq 1001, fewer than the three"
        ));
    }

    proptest::proptest! {
        /// Whatever is lost, the run ends, and the server's acknowledgements
        /// only move forward and never past what the client sent: the
        /// out-of-order queue, fast retransmit and Karn's rule keep TCP's
        /// bookkeeping whole.
        #[test]
        fn losses_never_break_the_acknowledgements(
            len in 0usize..8000,
            loss in proptest::collection::vec(1usize..40, 0..6),
        ) {
            let spec = TcpSpec {
                loss: Some(loss),
                request: "x".repeat(len),
                // A request from the client, as in a request-and-answer protocol.
            first: Some(Side::Client),
            ..TcpSpec::scenario(Scenario::Full)
            };
            let t = simulate(&spec).unwrap();
            let sent_end = 1001 + len as u32 + 1; // data, then the FIN
            let mut last = 0u32;
            for s in t.segments().filter(|s| s.from == S && s.flags.contains("ACK") && !s.flags.contains("RST")) {
                proptest::prop_assert!(s.ack >= last, "ack went back: {} after {}", s.ack, last);
                proptest::prop_assert!(s.ack <= sent_end, "ack {} past what was sent", s.ack);
                last = s.ack;
            }
        }
    }

    #[test]
    fn three_duplicate_acks_retransmit_at_once() {
        // 6000 bytes in five segments, the first (segment 4) lost: the four
        // after it bring four duplicate ACKs, and the third sends it again.
        let spec = TcpSpec {
            loss: Some(vec![4]),
            request: "x".repeat(6000),
            // A request from the client, as in a request-and-answer protocol.
            first: Some(Side::Client),
            ..TcpSpec::scenario(Scenario::Full)
        };
        let t = simulate(&spec).unwrap();
        let fast = t
            .events
            .iter()
            .find(|e| e.key == "tcp.fast_retransmit")
            .unwrap();
        let seg = fast.segment.as_ref().unwrap();
        assert_eq!((seg.seq, seg.retransmission), (1001, true));
        assert!(
            seg.comment
                .starts_with("Fast retransmission, PSH-ACK: client resends 1460 bytes, seq=1001")
        );
        assert!(
            t.events.iter().all(|e| e.key != "tcp.timer.rto"),
            "no timeout needed"
        );
        let third_dup = t
            .events
            .iter()
            .filter(|e| e.key == "tcp.ooo_ack")
            .nth(2)
            .unwrap();
        assert_eq!(fast.time_ms, third_dup.time_ms + spec.latency_ms);
        let acks: Vec<u32> = t
            .segments()
            .filter(|s| s.from == S && s.ack > 1001)
            .map(|s| s.ack)
            .collect();
        assert_eq!(
            acks.first(),
            Some(&7001),
            "the gap filled, everything acknowledged at once"
        );
    }

    #[test]
    fn karn_keeps_the_backed_off_timeout_until_new_data_is_acknowledged() {
        // All three data segments lost: after the first timeout (1000 ms,
        // doubled to 2000) the ACK of the retransmitted bytes says nothing of
        // the round trip, so the next timeout is 2000 ms later, not 1000.
        let spec = TcpSpec {
            loss: Some(vec![4, 5, 6]),
            request: "x".repeat(3000),
            // A request from the client, as in a request-and-answer protocol.
            first: Some(Side::Client),
            ..TcpSpec::scenario(Scenario::Full)
        };
        let t = simulate(&spec).unwrap();
        let rto: Vec<&TcpEvent> = t
            .events
            .iter()
            .filter(|e| e.key == "tcp.timer.rto")
            .collect();
        assert!(rto.len() >= 2);
        assert!(
            rto[0]
                .explanation
                .contains("doubles the timeout to 2000 ms")
        );
        let acked = t
            .events
            .iter()
            .find(|e| {
                e.segment
                    .as_ref()
                    .is_some_and(|s| s.from == S && s.ack == 2461)
            })
            .unwrap();
        // Armed again when the ACK arrives, one latency after it is sent.
        assert_eq!(
            rto[1].time_ms,
            acked.time_ms + spec.latency_ms + 2000,
            "{:?}",
            rto.iter().map(|e| e.time_ms).collect::<Vec<_>>()
        );
        assert!(
            rto[1]
                .explanation
                .contains("doubles the timeout to 4000 ms")
        );
    }

    #[test]
    fn lost_ack_gets_a_duplicate_ack() {
        // Losing the server's ACK of b'hello' and its answer: the client
        // retransmits, the server already has those bytes and repeats its ACK.
        let spec = TcpSpec {
            scenario: Scenario::Data,
            loss: Some(vec![5, 6]),
            ..TcpSpec::default()
        };
        let t = simulate(&spec).unwrap();
        let keys: Vec<&str> = t
            .events
            .iter()
            .filter(|e| e.segment.is_some())
            .map(|e| e.key)
            .collect();
        assert!(keys.contains(&"tcp.dup_ack"), "{keys:?}");
        assert_eq!(
            t.events.iter().filter(|e| e.key == "tcp.call.recv").count(),
            2
        );
        // The server had acknowledged b'hello' (in segment 6, lost): the
        // copy is needless, as Wireshark's spurious retransmission says.
        let again = t
            .events
            .iter()
            .find(|e| e.segment.as_ref().is_some_and(|s| s.retransmission))
            .unwrap();
        let seg = again.segment.as_ref().unwrap();
        assert!(
            seg.comment.starts_with("Spurious retransmission, PSH-ACK"),
            "{}",
            seg.comment
        );
        assert!(again.explanation.contains(
            "The server already acknowledged these bytes (ack 1006), but that ACK was lost"
        ));
    }

    #[test]
    fn a_repeated_syn_gets_the_syn_ack_again_as_linux_sends_it() {
        // The SYN-ACK is lost: the client's SYN comes again after its 1 s
        // timeout, and the server answers it with the same SYN-ACK at once
        // (tcp_check_req), not with RFC 9293's bare ACK; its own timer,
        // due at the same moment, is restarted and never fires.
        let spec = TcpSpec {
            scenario: Scenario::Handshake,
            loss: Some(vec![2]),
            ..TcpSpec::default()
        };
        let t = simulate(&spec).unwrap();
        let segs: Vec<(u64, &str, &str, u32, u32, bool)> = t
            .events
            .iter()
            .filter_map(|e| {
                let s = e.segment.as_ref()?;
                Some((
                    e.time_ms,
                    e.key,
                    s.flags.as_str(),
                    s.seq,
                    s.ack,
                    s.retransmission,
                ))
            })
            .collect();
        assert_eq!(
            segs,
            [
                (5, "tcp.syn", "SYN", 1000, 0, false),
                (15, "tcp.syn_ack", "SYN, ACK", 5000, 1001, false),
                (1005, "tcp.syn.again", "SYN", 1000, 0, true),
                (1015, "tcp.syn_ack_repeated", "SYN, ACK", 5000, 1001, true),
                (1025, "tcp.handshake_ack", "ACK", 1001, 5001, false),
            ]
        );
        assert!(
            !t.events
                .iter()
                .any(|e| e.key == "tcp.timer.rto" && e.side == S)
        );
        assert_eq!(t.client_state, State::Established);
        assert_eq!(t.server_state, State::Established);
    }

    #[test]
    fn unanswered_syn_times_out() {
        let spec = TcpSpec {
            scenario: Scenario::Handshake,
            loss: Some((1..=10).collect()),
            max_retries: 2,
            ..TcpSpec::default()
        };
        let t = simulate(&spec).unwrap();
        let syns: Vec<u64> = t
            .events
            .iter()
            .filter(|e| e.segment.is_some())
            .map(|e| e.time_ms)
            .collect();
        assert_eq!(syns, [5, 1005, 3005]);
        let last = t.events.last().unwrap();
        assert_eq!(
            last.error.as_deref(),
            Some("TimeoutError: [Errno 110] Connection timed out")
        );
    }

    #[test]
    fn frames_are_real_and_configurable() {
        let spec: TcpSpec = serde_json::from_str(
            r#"{"scenario":"handshake","client":{"isn":4294967295,"mss":536,"window":1024},
                "server":{"ip":"192.168.12.2","port":8080},"router_mac":null}"#,
        )
        .unwrap();
        let t = simulate(&spec).unwrap();
        let segs: Vec<&Segment> = t.segments().collect();
        assert_eq!((segs[0].seq, segs[1].ack, segs[2].seq), (u32::MAX, 0, 0));
        assert_eq!(segs[2].rel_seq, Some(1));
        let d = crate::packet::dissect::dissect(&segs[0].frame);
        assert!(d.findings.is_empty());
        assert_eq!(
            d.layers[0].field("Destination").unwrap().display,
            "02:00:00:00:00:0b"
        );
        assert_eq!(d.layers[2].field("MSS Value").unwrap().display, "536");
        assert_eq!(d.layers[2].field("Window").unwrap().display, "1024");
        assert_eq!(
            d.layers[2].field("Destination Port").unwrap().display,
            "8080"
        );
        let back = crate::packet::pcapng::read(&t.pcapng).unwrap();
        assert_eq!(back.records.len(), 3);
        assert_eq!(back.records[1].data, segs[1].frame);
        assert_eq!(
            back.records[0].comment.as_deref(),
            Some(segs[0].comment.as_str())
        );
        let json = serde_json::to_value(&t).unwrap();
        assert_eq!(json["events"][1]["segment"]["flags"], "SYN");
        assert_eq!(json["events"][1]["client"]["after"], "SYN-SENT");
        assert!(json["pcapng"].as_str().unwrap().starts_with("0a0d0d0a"));
    }

    #[test]
    fn via_the_router_the_ttl_and_macs_show_it() {
        let t = run(Scenario::Handshake);
        let segs: Vec<&Segment> = t.segments().collect();
        let d = crate::packet::dissect::dissect(&segs[1].frame);
        assert_eq!(
            d.layers[0].field("Source").unwrap().display,
            "02:00:00:00:01:01"
        );
        assert_eq!(d.layers[1].field("Time to Live").unwrap().display, "63");
    }

    #[test]
    fn bad_specs_are_refused_with_reasons() {
        let err = |json: &str| {
            simulate(&serde_json::from_str(json).unwrap())
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            err(r#"{"client":{"mss":1461}}"#),
            "the client's mss 1461 is out of range (1-1460): a segment must fit Ethernet's 1500-byte MTU with its IPv4 and TCP headers"
        );
        assert!(err(r#"{"server":{"window":0}}"#).contains("server's window is 0"));
        assert!(err(r#"{"loss":[0]}"#).contains("numbered from 1"));
        assert_eq!(
            err(r#"{"loss":[1000000000]}"#),
            "loss lists segment 1000000000, but no run sends more than 10000 segments"
        );
        assert!(simulate(&serde_json::from_str(r#"{"loss":[99]}"#).unwrap()).is_ok());
        assert_eq!(
            err(
                r#"{"client":{"ip":"10.0.0.1","port":9000},"server":{"ip":"10.0.0.1","port":9000}}"#
            ),
            "the client and the server are both 10.0.0.1:9000: a connection joins two different ends"
        );
        assert_eq!(
            err(r#"{"router_mac":"ff:ff:ff:ff:ff:ff"}"#),
            "the router's MAC ff:ff:ff:ff:ff:ff is a group (multicast or broadcast) address; a station's own MAC is unicast"
        );
        assert!(
            err(r#"{"server":{"mac":"01:00:5e:00:00:01"}}"#)
                .starts_with("the server's MAC 01:00:5e:00:00:01 is a group")
        );
        assert!(serde_json::from_str::<TcpSpec>(r#"{"scenario":"bogus"}"#).is_err());
        assert!(serde_json::from_str::<TcpSpec>(r#"{"clients":{}}"#).is_err());
    }
}
