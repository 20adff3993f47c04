//! Two LANs and a router, frame by frame: seed 000 §1–§2's story of MAC
//! and IP addresses, ARP, 交换机 (switches), 路由器 (routers) and 网关
//! (gateways).
//!
//! The default topology is the seeds': LAN A 192.168.12.0/24 (hosts A
//! 192.168.12.1 and C 192.168.12.2 on switch S1, gateway 192.168.12.254)
//! and LAN B 192.168.13.0/24 (host B 192.168.13.1 on switch S2, gateway
//! 192.168.13.254), joined by router R (`eth0` on LAN A, `eth1` on LAN
//! B). "A sends to B" (a ping, or a UDP datagram the seeds' UDP server
//! answers) then shows, step by step:
//!
//! 1. A ANDs both addresses with its mask ([`crate::same`]): not the same
//!    network, so the next hop is the gateway;
//! 2. A's ARP cache has no MAC for it: an ARP request to
//!    ff:ff:ff:ff:ff:ff, which S1 learns A's MAC from and floods;
//! 3. C stays silent, R answers with a unicast ARP reply, S1 learns R;
//! 4. the data frame to R's MAC; R looks the route up (longest prefix
//!    match), lowers the TTL, fixes the IPv4 checksum, ARPs for B on LAN B
//!    and rewrites both MAC addresses;
//! 5. B gets it and answers the same way back.
//!
//! Every frame has its real bytes and its changes from the frame it
//! forwards. The [`Variant`]s break one thing each and fail the way Linux
//! fails: a wrong mask (A ARPs for B itself; nobody answers; "Destination
//! Host Unreachable"), no gateway (`[Errno 101] Network is unreachable`,
//! nothing sent), TTL 1 (R answers ICMP time exceeded) and an unknown
//! network (R answers ICMP destination unreachable).
//!
//! # The model
//!
//! Hosts and routers are both *stations*: NICs with an IP, a mask and a
//! MAC, an ARP cache (RFC 826: the target of a request learns the asker;
//! an entry is updated by any ARP that names it), and packets held while
//! ARP asks (`arp_tries` requests, `arp_timeout_ms` apart, Linux's 3 and
//! 1 s). A host decides by its mask and sends off-link packets to its
//! gateway; it never forwards. A router matches its routes (its connected
//! networks plus the spec's) by longest prefix, and answers what it cannot
//! forward with ICMP (never about an ICMP error, RFC 1122). Switches learn
//! source MACs per port (no ageing) and flood broadcasts and unknown
//! destinations. Every cable takes `link_ms`; events at one time happen in
//! the order they were caused.
//!
//! # Examples
//!
//! ```
//! use netlab_core::sim::lan::{simulate, LanSpec, Variant};
//!
//! let trace = simulate(&LanSpec::default()).unwrap();
//! let first = &trace.frames[0];
//! assert_eq!(first.eth.dst, "ff:ff:ff:ff:ff:ff");
//! assert_eq!(first.arp.as_ref().unwrap().opcode, 1);
//! assert_eq!(trace.outcome.output, "13 bytes from 192.168.13.1: icmp_seq=1 ttl=63 time=16 ms");
//!
//! let broken = simulate(&LanSpec::variant(Variant::NoGateway)).unwrap();
//! assert!(broken.frames.is_empty());
//! assert_eq!(broken.outcome.error.as_deref(), Some("[Errno 101] Network is unreachable"));
//! ```

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::{MAC_A, MAC_B, MAC_C, MAC_R_LAN_A, MAC_R_LAN_B, serde_text};
use crate::mac::MacAddr;
use crate::packet::pcap::PcapError;
use crate::same::SameReport;
use crate::subnet::SubnetError;

mod engine;
mod frames;
mod net;

/// The most events one trace holds (a loop of switches would flood a
/// broadcast forever).
pub const MAX_EVENTS: usize = 10_000;
/// The most ARP requests for one address before giving up.
pub const MAX_ARP_TRIES: u32 = 10;
/// The most payload one datagram carries: Ethernet's 1500-byte MTU less
/// 20 bytes of IPv4 and 8 of UDP or ICMP.
pub const MAX_PAYLOAD: usize = 1472;

const ZERO_MAC: MacAddr = MacAddr([0; 6]);
/// The identifier and sequence number of the ping.
const PING_ID: u16 = 1;
const PING_SEQ: u16 = 1;

/// One ARP cache entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArpEntry {
    pub ip: Ipv4Addr,
    #[serde(
        serialize_with = "serde_text::mac",
        deserialize_with = "serde_text::de_mac"
    )]
    pub mac: MacAddr,
}

fn default_mask() -> String {
    "255.255.255.0".to_owned()
}

/// A host: one NIC, a mask, maybe a gateway.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostSpec {
    pub name: String,
    pub ip: Ipv4Addr,
    /// `255.255.255.0` or `24`.
    #[serde(default = "default_mask")]
    pub mask: String,
    #[serde(default)]
    pub gateway: Option<Ipv4Addr>,
    #[serde(
        serialize_with = "serde_text::mac",
        deserialize_with = "serde_text::de_mac"
    )]
    pub mac: MacAddr,
    /// Entries already in its ARP cache.
    #[serde(default)]
    pub arp: Vec<ArpEntry>,
}

/// A learning switch; its ports are numbered by the links that name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SwitchSpec {
    pub name: String,
}

/// One router interface.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InterfaceSpec {
    pub name: String,
    pub ip: Ipv4Addr,
    #[serde(default = "default_mask")]
    pub mask: String,
    #[serde(
        serialize_with = "serde_text::mac",
        deserialize_with = "serde_text::de_mac"
    )]
    pub mac: MacAddr,
}

/// A static route; the interface follows from `via` when left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteSpec {
    pub network: Ipv4Net,
    #[serde(default)]
    pub via: Option<Ipv4Addr>,
    #[serde(default)]
    pub interface: Option<String>,
}

/// A router: its interfaces' networks are routes of their own
/// (`proto kernel scope link` in Linux's table).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouterSpec {
    pub name: String,
    pub interfaces: Vec<InterfaceSpec>,
    #[serde(default)]
    pub routes: Vec<RouteSpec>,
    #[serde(default)]
    pub arp: Vec<ArpEntry>,
}

/// A cable between two ports: `A` (a host), `S1` (a switch's next free
/// port) or `S1:3` (that port), `R:eth0` (a router's interface).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkSpec {
    pub a: String,
    pub b: String,
}

impl LinkSpec {
    fn new(a: &str, b: &str) -> Self {
        Self {
            a: a.to_owned(),
            b: b.to_owned(),
        }
    }
}

/// What the sender sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LanProto {
    /// `ping`: an ICMP echo request; the destination answers with a reply.
    #[default]
    Icmp,
    /// `sk.sendto(payload, (to, dst_port))`: a UDP datagram.
    Udp,
}

/// The packet "A sends to B".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SendSpec {
    /// The sending host's name.
    pub from: String,
    pub to: Ipv4Addr,
    pub proto: LanProto,
    /// The data (UTF-8).
    pub payload: String,
    pub ttl: u8,
    /// UDP only.
    pub src_port: u16,
    pub dst_port: u16,
    /// UDP only: what the destination's program answers (the seeds' UDP
    /// server `sendto`s a line back); null for no answer.
    pub reply: Option<String>,
}

impl Default for SendSpec {
    fn default() -> Self {
        Self {
            from: "A".to_owned(),
            to: Ipv4Addr::new(192, 168, 13, 1),
            proto: LanProto::Icmp,
            payload: "hello".to_owned(),
            ttl: 64,
            src_port: 53000,
            dst_port: 9000,
            reply: Some("bye".to_owned()),
        }
    }
}

/// One thing to break, applied to the spec's topology before it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Variant {
    /// Nothing broken.
    #[default]
    Normal,
    /// The sender's mask becomes 255.255.0.0: 192.168.12.1 and
    /// 192.168.13.1 look like one network, so it ARPs for the destination
    /// itself, and nobody on its LAN has that address.
    WrongMask,
    /// The sender has no gateway: no route off its network.
    NoGateway,
    /// The packet leaves with TTL 1: the first router must drop it.
    #[serde(rename = "ttl_1")]
    Ttl1,
    /// The destination becomes 192.168.14.1, a network the router has no
    /// route to.
    UnknownNetwork,
}

/// The network and what to send. Every field has a default, and the
/// defaults are the seeds' two LANs with A pinging B.
///
/// # Examples
///
/// ```
/// use netlab_core::sim::lan::{LanProto, LanSpec};
///
/// // What JavaScript passes to lanSimulate(): any subset of the fields.
/// let spec: LanSpec = serde_json::from_str(r#"{"send": {"proto": "udp"}, "variant": "ttl_1"}"#).unwrap();
/// assert_eq!(spec.send.proto, LanProto::Udp);
/// assert_eq!(spec.send.from, "A");
/// assert_eq!(spec.hosts.len(), 3);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LanSpec {
    pub hosts: Vec<HostSpec>,
    pub switches: Vec<SwitchSpec>,
    pub routers: Vec<RouterSpec>,
    pub links: Vec<LinkSpec>,
    pub send: SendSpec,
    pub variant: Variant,
    /// How long a frame takes over one cable.
    pub link_ms: u64,
    /// How long ARP waits for a reply before asking again.
    pub arp_timeout_ms: u64,
    /// How many ARP requests before giving up.
    pub arp_tries: u32,
}

impl Default for LanSpec {
    fn default() -> Self {
        let host = |name: &str, ip: [u8; 4], gateway: [u8; 4], mac| HostSpec {
            name: name.to_owned(),
            ip: ip.into(),
            mask: default_mask(),
            gateway: Some(gateway.into()),
            mac,
            arp: Vec::new(),
        };
        let iface = |name: &str, ip: [u8; 4], mac| InterfaceSpec {
            name: name.to_owned(),
            ip: ip.into(),
            mask: default_mask(),
            mac,
        };
        Self {
            hosts: vec![
                host("A", [192, 168, 12, 1], [192, 168, 12, 254], MAC_A),
                host("B", [192, 168, 13, 1], [192, 168, 13, 254], MAC_B),
                host("C", [192, 168, 12, 2], [192, 168, 12, 254], MAC_C),
            ],
            switches: vec![
                SwitchSpec {
                    name: "S1".to_owned(),
                },
                SwitchSpec {
                    name: "S2".to_owned(),
                },
            ],
            routers: vec![RouterSpec {
                name: "R".to_owned(),
                interfaces: vec![
                    iface("eth0", [192, 168, 12, 254], MAC_R_LAN_A),
                    iface("eth1", [192, 168, 13, 254], MAC_R_LAN_B),
                ],
                routes: Vec::new(),
                arp: Vec::new(),
            }],
            links: vec![
                LinkSpec::new("A", "S1"),
                LinkSpec::new("C", "S1"),
                LinkSpec::new("R:eth0", "S1"),
                LinkSpec::new("B", "S2"),
                LinkSpec::new("R:eth1", "S2"),
            ],
            send: SendSpec::default(),
            variant: Variant::Normal,
            link_ms: 1,
            arp_timeout_ms: 1000,
            arp_tries: 3,
        }
    }
}

impl LanSpec {
    /// The seeds' topology with one thing broken.
    pub fn variant(variant: Variant) -> Self {
        Self {
            variant,
            ..Self::default()
        }
    }

    /// The spec with its variant applied.
    fn applied(&self) -> Self {
        let mut s = self.clone();
        let from = s.send.from.clone();
        let sender = s.hosts.iter_mut().find(|h| h.name == from);
        match (self.variant, sender) {
            (Variant::WrongMask, Some(h)) => h.mask = "255.255.0.0".to_owned(),
            (Variant::NoGateway, Some(h)) => h.gateway = None,
            (Variant::Ttl1, _) => s.send.ttl = 1,
            (Variant::UnknownNetwork, _) => s.send.to = Ipv4Addr::new(192, 168, 14, 1),
            _ => {}
        }
        s
    }
}

/// Why a spec cannot be simulated.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LanError {
    #[error("two nodes are named '{0}'; names must be unique")]
    DuplicateName(String),
    #[error("link {link}: there is no node named '{name}'")]
    UnknownNode { link: String, name: String },
    #[error("link {link}: router {router} has no interface '{interface}'")]
    UnknownInterface {
        link: String,
        router: String,
        interface: String,
    },
    #[error("link {link}: name the interface of router {router}, as {router}:{example}")]
    RouterNeedsInterface {
        link: String,
        router: String,
        example: String,
    },
    #[error("link {link}: '{port}' is not a port number of switch {switch} (1, 2, ...)")]
    BadPort {
        link: String,
        switch: String,
        port: String,
    },
    #[error("link {link}: {endpoint} already has a cable")]
    PortInUse { link: String, endpoint: String },
    #[error(
        "link {link}: {name} has only one port, and a host or interface is not cabled to itself"
    )]
    SelfLink { link: String, name: String },
    #[error("{node}: mask '{mask}': {source}")]
    Mask {
        node: String,
        mask: String,
        source: SubnetError,
    },
    #[error(
        "router {router}: the route to {network} names no interface, and its gateway {via} is on none of the router's networks"
    )]
    RouteInterface {
        router: String,
        network: Ipv4Net,
        via: String,
    },
    #[error(
        "router {router}: the route to {network} names interface '{interface}', which it does not have"
    )]
    RouteUnknownInterface {
        router: String,
        network: Ipv4Net,
        interface: String,
    },
    #[error("router {router} has no interfaces")]
    NoInterfaces { router: String },
    /// Two interfaces of one router on one network: a router joins
    /// different networks, and with two ways into one its answers can leave
    /// by the wrong one.
    #[error(
        "router {router}: {a} and {b} are both on {network}; each interface of a router joins a different network"
    )]
    SharedNetwork {
        router: String,
        a: String,
        b: String,
        network: Ipv4Net,
    },
    #[error("send.from is '{0}', which is no host")]
    NotAHost(String),
    #[error("a TTL of 0 cannot be sent (Linux refuses IP_TTL 0); use 1-255")]
    ZeroTtl,
    #[error("arp_tries is {0}: ARP asks 1 to {MAX_ARP_TRIES} times (Linux asks 3)")]
    ArpTries(u32),
    #[error("the payload is {0} bytes; at most {MAX_PAYLOAD} fit in one Ethernet frame")]
    PayloadTooLarge(usize),
    #[error(
        "the simulation went past {MAX_EVENTS} events: a loop of switches floods a broadcast forever (real switches run STP to cut such loops)"
    )]
    TooManyEvents,
    #[error("the capture cannot be written: {0}")]
    Capture(#[from] PcapError),
}

/// A route as the trace shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Route {
    pub network: Ipv4Net,
    /// The next router; `None` for a network on the interface's own cable.
    pub via: Option<Ipv4Addr>,
    pub interface: String,
    /// A network of the router's own interfaces.
    pub connected: bool,
}

/// A switch's MAC table entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MacEntry {
    #[serde(serialize_with = "serde_text::mac")]
    pub mac: MacAddr,
    pub port: u16,
}

/// What a switch does with a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SwitchAction {
    /// Out of the one port the destination was learned on.
    Forward,
    /// Out of every other port: a broadcast, or a destination not learned.
    Flood,
    /// Dropped: the destination is on the port it came in on.
    Filter,
}

/// One field a router changed in the frame it forwards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub field: &'static str,
    pub before: String,
    pub after: String,
}

/// What happened, by kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Detail {
    /// A host ANDs both addresses with its mask (seed 000 §1.1).
    Decide {
        same: Box<SameReport>,
        next_hop: Option<Ipv4Addr>,
        via_gateway: bool,
    },
    /// No route: the program's call fails before anything is sent.
    NoRoute {
        errno: i32,
        code: String,
        error: String,
    },
    /// A broadcast destination refused before anything is sent: ping
    /// wants `-b`, a UDP socket `SO_BROADCAST`.
    Refused { error: String },
    /// The ARP cache has the next hop's MAC.
    ArpHit {
        ip: Ipv4Addr,
        #[serde(serialize_with = "serde_text::mac")]
        mac: MacAddr,
    },
    /// It has not: the packet waits while ARP asks.
    ArpMiss { ip: Ipv4Addr },
    /// A NIC puts a frame on its cable.
    Send { port: String },
    /// A frame leaves a port with no cable.
    Unplugged { port: String },
    /// A switch learns the source, then forwards, floods or filters.
    Switch {
        in_port: u16,
        learned: Option<MacEntry>,
        action: SwitchAction,
        out_ports: Vec<u16>,
        table: Vec<MacEntry>,
    },
    /// A station drops what is not for it.
    Ignore { reason: String },
    /// An ARP cache gains or updates an entry; `cache` is the whole cache
    /// after.
    ArpLearn {
        ip: Ipv4Addr,
        #[serde(serialize_with = "serde_text::mac")]
        mac: MacAddr,
        cache: Vec<ArpEntry>,
    },
    /// A router looks the destination up (longest prefix match).
    Route {
        dst: Ipv4Addr,
        matched: Option<Route>,
        next_hop: Option<Ipv4Addr>,
        table: Vec<Route>,
    },
    /// A router prepares the packet for the next hop.
    Forward { changes: Vec<Change> },
    /// The TTL would reach 0.
    TtlExceeded { ttl: u8 },
    /// The router has no route.
    Unreachable { dst: Ipv4Addr },
    /// The packet reached a station it is addressed to.
    Deliver { protocol: String, data: String },
    /// ARP got no answer in time.
    ArpTimeout {
        ip: Ipv4Addr,
        attempt: u32,
        tries: u32,
        gave_up: bool,
    },
}

/// One step of the trace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LanEvent {
    pub step: usize,
    pub time_ms: u64,
    /// Where it happens.
    pub node: String,
    /// The explanation's template, for translation; its numbers and names
    /// are the event's own fields and its frame's.
    pub key: &'static str,
    pub explanation: String,
    /// The frame involved, an index into [`LanTrace::frames`].
    pub frame: Option<usize>,
    #[serde(flatten)]
    pub detail: Detail,
}

/// The Ethernet header of a frame.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EthView {
    pub src: String,
    pub dst: String,
    pub ethertype: u16,
}

/// The ARP packet of a frame.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArpView {
    /// 1 request, 2 reply.
    pub opcode: u16,
    pub sender_mac: String,
    pub sender_ip: Ipv4Addr,
    pub target_mac: String,
    pub target_ip: Ipv4Addr,
}

/// The IPv4 header of a frame.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IpView {
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
    pub ttl: u8,
    pub protocol: u8,
    pub ident: u16,
    pub checksum: u16,
}

/// The ICMP header of a frame.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IcmpView {
    #[serde(rename = "type")]
    pub icmp_type: u8,
    pub code: u8,
}

/// The UDP header of a frame.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UdpView {
    pub src_port: u16,
    pub dst_port: u16,
}

/// One frame some station sent; switches pass it on unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LanFrame {
    /// From 1: the frame number in the pcapng.
    pub number: usize,
    pub time_ms: u64,
    /// The station and port that sent it.
    pub from: String,
    pub port: String,
    pub summary: String,
    /// The frame's pcapng comment.
    pub comment: String,
    pub eth: EthView,
    pub arp: Option<ArpView>,
    pub ip: Option<IpView>,
    pub icmp: Option<IcmpView>,
    pub udp: Option<UdpView>,
    /// The frame a router made this one from (an index into the frames),
    /// and what it changed.
    pub forwarded_from: Option<usize>,
    pub changes: Vec<Change>,
    #[serde(serialize_with = "serde_text::hex")]
    pub bytes: Vec<u8>,
}

/// How it ended, as the sending program sees it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Outcome {
    /// The packet reached its destination.
    pub delivered: bool,
    /// The answer came back to the sender.
    pub answered: bool,
    /// The error, as Python or ICMP names it.
    pub error: Option<String>,
    /// What `ping` (ICMP) or the program (UDP) prints.
    pub output: String,
}

/// A node's tables at the end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum NodeState {
    Host {
        name: String,
        ip: Ipv4Addr,
        prefix: u8,
        gateway: Option<Ipv4Addr>,
        #[serde(serialize_with = "serde_text::mac")]
        mac: MacAddr,
        arp: Vec<ArpEntry>,
    },
    Switch {
        name: String,
        ports: Vec<u16>,
        table: Vec<MacEntry>,
    },
    Router {
        name: String,
        routes: Vec<Route>,
        arp: Vec<ArpEntry>,
    },
}

/// A simulation's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LanTrace {
    pub variant: Variant,
    pub events: Vec<LanEvent>,
    pub frames: Vec<LanFrame>,
    pub outcome: Outcome,
    pub nodes: Vec<NodeState>,
    /// Every frame with its comment, as a pcapng file (hex in JSON).
    #[serde(serialize_with = "serde_text::hex")]
    pub pcapng: Vec<u8>,
}

/// Runs the spec and returns its trace.
///
/// # Examples
///
/// ```
/// use netlab_core::sim::lan::{simulate, LanSpec, Variant};
///
/// let t = simulate(&LanSpec::variant(Variant::Ttl1)).unwrap();
/// let last = t.frames.last().unwrap();
/// assert_eq!(last.icmp.as_ref().map(|i| i.icmp_type), Some(11));
/// assert_eq!(t.outcome.output, "From 192.168.12.254 icmp_seq=1 Time to live exceeded");
/// ```
pub fn simulate(spec: &LanSpec) -> Result<LanTrace, LanError> {
    let spec = spec.applied();
    if spec.send.ttl == 0 {
        return Err(LanError::ZeroTtl);
    }
    if !(1..=MAX_ARP_TRIES).contains(&spec.arp_tries) {
        return Err(LanError::ArpTries(spec.arp_tries));
    }
    if spec.send.payload.len() > MAX_PAYLOAD {
        return Err(LanError::PayloadTooLarge(spec.send.payload.len()));
    }
    if let Some(reply) = spec.send.reply.as_ref().filter(|r| r.len() > MAX_PAYLOAD) {
        return Err(LanError::PayloadTooLarge(reply.len()));
    }
    let (nodes, cables) = net::build(&spec)?;
    let sender = nodes
        .iter()
        .position(|n| n.is_host(&spec.send.from))
        .ok_or_else(|| LanError::NotAHost(spec.send.from.clone()))?;
    let variant = spec.variant;
    let played = engine::play(spec, nodes, cables, sender)?;
    let pcapng = super::capture(
        played
            .frames
            .iter()
            .map(|f| (f.time_ms, f.bytes.as_slice(), f.comment.as_str())),
    )?;
    Ok(LanTrace {
        variant,
        events: played.events,
        frames: played.frames,
        outcome: played.outcome,
        nodes: played.nodes,
        pcapng,
    })
}

#[cfg(test)]
mod test {
    use super::*;

    fn run(spec: &LanSpec) -> LanTrace {
        simulate(spec).unwrap()
    }

    fn keys(t: &LanTrace) -> Vec<(&str, &'static str)> {
        t.events.iter().map(|e| (e.node.as_str(), e.key)).collect()
    }

    fn frame_line(f: &LanFrame) -> String {
        format!("{} {} {}→{}", f.from, f.summary, f.eth.src, f.eth.dst)
    }

    #[test]
    fn a_pings_b_through_r() {
        let t = run(&LanSpec::default());
        let lines: Vec<String> = t.frames.iter().map(frame_line).collect();
        assert_eq!(
            lines,
            [
                "A ARP request: who has 192.168.12.254? Tell 192.168.12.1 02:00:00:00:00:0a→ff:ff:ff:ff:ff:ff",
                "R ARP reply: 192.168.12.254 is at 02:00:00:00:01:01 02:00:00:00:01:01→02:00:00:00:00:0a",
                "A ICMP echo request 192.168.12.1 → 192.168.13.1, TTL 64 02:00:00:00:00:0a→02:00:00:00:01:01",
                "R ARP request: who has 192.168.13.1? Tell 192.168.13.254 02:00:00:00:01:02→ff:ff:ff:ff:ff:ff",
                "B ARP reply: 192.168.13.1 is at 02:00:00:00:00:0b 02:00:00:00:00:0b→02:00:00:00:01:02",
                "R ICMP echo request 192.168.12.1 → 192.168.13.1, TTL 63 02:00:00:00:01:02→02:00:00:00:00:0b",
                "B ICMP echo reply 192.168.13.1 → 192.168.12.1, TTL 64 02:00:00:00:00:0b→02:00:00:00:01:02",
                "R ICMP echo reply 192.168.13.1 → 192.168.12.1, TTL 63 02:00:00:00:01:01→02:00:00:00:00:0a",
            ]
        );
        // The trace opens with the decision by the mask, then ARP.
        assert_eq!(
            &keys(&t)[..4],
            [
                ("A", "lan.decide.other"),
                ("A", "lan.arp.miss"),
                ("A", "lan.send.arp_request"),
                ("S1", "lan.switch.flood_broadcast"),
            ]
        );
        let Detail::Decide {
            same,
            next_hop,
            via_gateway,
        } = &t.events[0].detail
        else {
            panic!("{:?}", t.events[0]);
        };
        assert!(!same.same && *via_gateway);
        assert_eq!(*next_hop, Some(Ipv4Addr::new(192, 168, 12, 254)));
        // S1 learns A's MAC on port 1 and floods to C and R.
        let Detail::Switch {
            in_port,
            learned,
            action,
            out_ports,
            table,
        } = &t.events[3].detail
        else {
            panic!();
        };
        assert_eq!(
            (*in_port, *action, out_ports.as_slice()),
            (1, SwitchAction::Flood, &[2, 3][..])
        );
        assert_eq!(learned.as_ref().map(|e| e.mac), Some(MAC_A));
        assert_eq!(table.len(), 1);
        // C ignores the request; R learns A and answers.
        assert!(keys(&t).contains(&("C", "lan.ignore.arp")));
        // The reply is forwarded, not flooded: S1 knows A by now.
        let s1_second = t.events.iter().filter(|e| e.node == "S1").nth(1).unwrap();
        assert_eq!(s1_second.key, "lan.switch.forward");
        let Detail::Switch { table, .. } = &s1_second.detail else {
            panic!();
        };
        assert_eq!(
            table.iter().map(|e| (e.mac, e.port)).collect::<Vec<_>>(),
            [(MAC_A, 1), (MAC_R_LAN_A, 3)]
        );
        // R's hop: MACs, TTL and checksum change; the IP addresses do not.
        let hop = &t.frames[5];
        assert_eq!(hop.forwarded_from, Some(2));
        let fields: Vec<&str> = hop.changes.iter().map(|c| c.field).collect();
        assert_eq!(
            fields,
            [
                "source MAC",
                "destination MAC",
                "TTL",
                "IPv4 header checksum"
            ]
        );
        assert_eq!(
            t.frames[2].ip.as_ref().unwrap().src,
            hop.ip.as_ref().unwrap().src
        );
        assert!(t.outcome.delivered && t.outcome.answered);
        assert_eq!(t.outcome.error, None);
        // B knew R's MAC from R's own ARP request: no ARP before the reply.
        let b_hit = t
            .events
            .iter()
            .find(|e| e.node == "B" && e.key == "lan.arp.hit");
        assert!(b_hit.is_some());
        for f in &t.frames {
            let d = crate::packet::dissect::dissect(&f.bytes);
            assert!(d.findings.is_empty(), "{}: {:?}", f.summary, d.findings);
        }
        let back = crate::packet::pcapng::read(&t.pcapng).unwrap();
        assert_eq!(back.records.len(), t.frames.len());
        assert_eq!(
            back.records[0].comment.as_deref(),
            Some(t.frames[0].comment.as_str())
        );
    }

    #[test]
    fn udp_gets_the_seeds_answer() {
        let mut spec = LanSpec::default();
        spec.send.proto = LanProto::Udp;
        let t = run(&spec);
        assert_eq!(
            t.outcome.output,
            "recvfrom(1024) returns (b'bye', ('192.168.13.1', 9000))"
        );
        let udp = t
            .frames
            .iter()
            .filter_map(|f| f.udp.as_ref())
            .next_back()
            .unwrap();
        assert_eq!((udp.src_port, udp.dst_port), (9000, 53000));
    }

    #[test]
    fn same_subnet_needs_no_router() {
        let mut spec = LanSpec::default();
        spec.send.to = Ipv4Addr::new(192, 168, 12, 2);
        let t = run(&spec);
        assert_eq!(t.events[0].key, "lan.decide.same");
        assert!(t.frames.iter().all(|f| f.from != "R"));
        assert_eq!(
            t.frames[0].arp.as_ref().unwrap().target_ip,
            Ipv4Addr::new(192, 168, 12, 2)
        );
        assert!(t.outcome.answered);
        assert_eq!(
            t.outcome.output,
            "13 bytes from 192.168.12.2: icmp_seq=1 ttl=64 time=8 ms"
        );
    }

    #[test]
    fn an_answer_comes_from_the_address_that_was_asked() {
        // R's far interface: the request enters by eth0, the reply leaves by
        // eth0 too, from 192.168.13.254 (RFC 1122 §3.2.2.6; Linux does so).
        let mut spec = LanSpec::default();
        spec.send.to = Ipv4Addr::new(192, 168, 13, 254);
        let t = run(&spec);
        let reply = t
            .frames
            .iter()
            .find(|f| f.icmp.as_ref().is_some_and(|i| i.icmp_type == 0))
            .unwrap();
        assert_eq!(reply.from, "R");
        assert_eq!(
            reply.ip.as_ref().unwrap().src,
            Ipv4Addr::new(192, 168, 13, 254)
        );
        assert!(t.outcome.answered);
        assert!(
            t.outcome
                .output
                .starts_with("13 bytes from 192.168.13.254: icmp_seq=1 ttl=64")
        );
        assert!(
            t.frames.iter().all(|f| f.port != "eth1"),
            "nothing crosses to B's LAN"
        );
    }

    #[test]
    fn a_broadcast_destination_is_refused_as_linux_refuses_it() {
        for to in [Ipv4Addr::new(192, 168, 12, 255), Ipv4Addr::BROADCAST] {
            let mut spec = LanSpec::default();
            spec.send.to = to;
            let t = run(&spec);
            assert!(t.frames.is_empty(), "{to}: nothing is sent");
            assert_eq!(t.events[0].key, "lan.broadcast_refused");
            assert_eq!(
                t.outcome.error.as_deref(),
                Some(
                    "ping: Do you want to ping broadcast? Then -b. If not, check your local firewall rules"
                )
            );
            spec.send.proto = LanProto::Udp;
            let t = run(&spec);
            assert_eq!(
                t.outcome.error.as_deref(),
                Some("PermissionError: [Errno 13] Permission denied")
            );
        }
        // Another network's broadcast address is only known as such there:
        // the sender routes it to its gateway (a directed broadcast).
        let mut spec = LanSpec::default();
        spec.send.to = Ipv4Addr::new(192, 168, 13, 255);
        assert_ne!(
            run(&spec).events[0].key,
            "lan.broadcast_refused",
            "another network's broadcast goes to its router"
        );
    }

    #[test]
    fn a_host_pings_itself_through_lo() {
        for to in [Ipv4Addr::new(192, 168, 12, 1), Ipv4Addr::new(127, 0, 0, 1)] {
            let mut spec = LanSpec::default();
            spec.send.to = to;
            let t = run(&spec);
            assert!(t.frames.is_empty(), "{to}: nothing goes on the LAN");
            assert_eq!(t.events.len(), 1);
            assert_eq!(t.events[0].key, "lan.loopback");
            assert!(t.outcome.answered && t.outcome.error.is_none());
            assert_eq!(
                t.outcome.output,
                format!("13 bytes from {to}: icmp_seq=1 ttl=64 time=0 ms")
            );
        }
    }

    #[test]
    fn wrong_mask_arps_for_b_and_times_out() {
        let t = run(&LanSpec::variant(Variant::WrongMask));
        assert_eq!(t.events[0].key, "lan.decide.same");
        let asks: Vec<(u64, Ipv4Addr)> = t
            .frames
            .iter()
            .map(|f| (f.time_ms, f.arp.as_ref().unwrap().target_ip))
            .collect();
        let b = Ipv4Addr::new(192, 168, 13, 1);
        assert_eq!(asks, [(0, b), (1000, b), (2000, b)]);
        assert!(keys(&t).contains(&("R", "lan.ignore.arp")));
        assert_eq!(t.events.last().unwrap().key, "lan.arp.failed");
        assert_eq!(
            t.outcome.error.as_deref(),
            Some("[Errno 113] No route to host")
        );
        assert_eq!(
            t.outcome.output,
            "From 192.168.12.1 icmp_seq=1 Destination Host Unreachable"
        );
        assert!(!t.outcome.delivered);
    }

    #[test]
    fn no_gateway_fails_before_sending() {
        let t = run(&LanSpec::variant(Variant::NoGateway));
        assert_eq!(
            keys(&t),
            [("A", "lan.decide.other"), ("A", "lan.no_route.no_gateway")]
        );
        assert_eq!(t.outcome.output, "ping: connect: Network is unreachable");
        let mut spec = LanSpec::variant(Variant::NoGateway);
        spec.send.proto = LanProto::Udp;
        assert_eq!(
            run(&spec).outcome.output,
            "OSError: [Errno 101] Network is unreachable"
        );
    }

    #[test]
    fn ttl_1_dies_at_the_router() {
        let t = run(&LanSpec::variant(Variant::Ttl1));
        assert!(keys(&t).contains(&("R", "lan.ttl_exceeded")));
        let last = t.frames.last().unwrap();
        assert_eq!(last.icmp.as_ref().unwrap().icmp_type, 11);
        assert_eq!(
            last.ip.as_ref().unwrap().src,
            Ipv4Addr::new(192, 168, 12, 254)
        );
        assert_eq!(last.eth.dst, "02:00:00:00:00:0a");
        // R learned A's MAC from A's ARP request: it answers without asking.
        assert_eq!(t.frames.iter().filter(|f| f.arp.is_some()).count(), 2);
        // The error quotes the dead packet's header and 8 bytes.
        assert_eq!(last.bytes.len(), 14 + 20 + 8 + 20 + 8);
        assert!(!t.frames.iter().any(|f| f.from == "B"));
    }

    #[test]
    fn unknown_network_is_unreachable() {
        let t = run(&LanSpec::variant(Variant::UnknownNetwork));
        assert!(keys(&t).contains(&("R", "lan.route.none")));
        let last = t.frames.last().unwrap();
        let icmp = last.icmp.as_ref().unwrap();
        assert_eq!((icmp.icmp_type, icmp.code), (3, 0));
        assert_eq!(
            t.outcome.output,
            "From 192.168.12.254 icmp_seq=1 Destination Net Unreachable"
        );
    }

    #[test]
    fn unknown_unicast_is_flooded() {
        // A already knows R's MAC, so its first frame is unicast to a MAC
        // S1 has never seen.
        let mut spec = LanSpec::default();
        spec.hosts[0].arp.push(ArpEntry {
            ip: Ipv4Addr::new(192, 168, 12, 254),
            mac: MAC_R_LAN_A,
        });
        let t = run(&spec);
        assert_eq!(keys(&t)[1], ("A", "lan.arp.hit"));
        let s1 = t.events.iter().find(|e| e.node == "S1").unwrap();
        assert_eq!(s1.key, "lan.switch.flood_unknown");
        assert!(keys(&t).contains(&("C", "lan.ignore.mac")));
        assert!(t.outcome.answered);
    }

    #[test]
    fn a_router_with_two_interfaces_on_one_network_is_refused() {
        // R's eth1 moved into A's 192.168.12.0/24: which way would it answer?
        let mut spec = LanSpec::default();
        spec.routers[0].interfaces[1].ip = Ipv4Addr::new(192, 168, 12, 253);
        assert_eq!(
            simulate(&spec).unwrap_err().to_string(),
            "router R: eth0 and eth1 are both on 192.168.12.0/24; each interface of a router joins a different network"
        );
        // Nested networks too: a /16 holds the other's /24.
        let mut spec = LanSpec::default();
        spec.routers[0].interfaces[0].mask = "255.255.0.0".to_owned();
        assert_eq!(
            simulate(&spec).unwrap_err().to_string(),
            "router R: eth0 and eth1 are both on 192.168.0.0/16; each interface of a router joins a different network"
        );
    }

    #[test]
    fn static_routes_and_longest_prefix() {
        // A second router behind R: R routes 10.0.0.0/8 via it, and a
        // more specific /24 that wins the longest-prefix match.
        let mut spec = LanSpec::default();
        spec.routers[0].routes = vec![
            RouteSpec {
                network: "10.0.0.0/8".parse().unwrap(),
                via: Some(Ipv4Addr::new(192, 168, 13, 2)),
                interface: None,
            },
            RouteSpec {
                network: "10.1.2.0/24".parse().unwrap(),
                via: Some(Ipv4Addr::new(192, 168, 13, 3)),
                interface: Some("eth1".to_owned()),
            },
        ];
        spec.send.to = Ipv4Addr::new(10, 1, 2, 3);
        let t = run(&spec);
        let route = t
            .events
            .iter()
            .find(|e| e.key == "lan.route.found")
            .unwrap();
        let Detail::Route {
            matched, next_hop, ..
        } = &route.detail
        else {
            panic!();
        };
        assert_eq!(matched.as_ref().unwrap().network.to_string(), "10.1.2.0/24");
        assert_eq!(*next_hop, Some(Ipv4Addr::new(192, 168, 13, 3)));
        // Nobody has 192.168.13.3: R gives up and says host unreachable.
        let last = t.frames.last().unwrap();
        assert_eq!(
            last.icmp.as_ref().map(|i| (i.icmp_type, i.code)),
            Some((3, 1))
        );
        assert_eq!(
            t.outcome.output,
            "From 192.168.12.254 icmp_seq=1 Destination Host Unreachable"
        );
    }

    #[test]
    fn bad_topologies_are_refused_with_reasons() {
        let err = |json: &str| {
            simulate(&serde_json::from_str(json).unwrap())
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            err(r#"{"links":[{"a":"A","b":"S9"}]}"#),
            "link A-S9: there is no node named 'S9'"
        );
        // Before, 0 was taken as 1 without a word, and 1e9 ran into the
        // event cap and blamed a switch loop.
        for tries in [0, 11, 1_000_000_000] {
            assert_eq!(
                err(&format!(r#"{{"arp_tries":{tries}}}"#)),
                format!("arp_tries is {tries}: ARP asks 1 to 10 times (Linux asks 3)")
            );
        }
        assert_eq!(
            err(r#"{"links":[{"a":"R","b":"S1"}]}"#),
            "link R-S1: name the interface of router R, as R:eth0"
        );
        assert_eq!(
            err(r#"{"links":[{"a":"A","b":"S1"},{"a":"A","b":"S2"}]}"#),
            "link A-S2: A already has a cable"
        );
        assert!(err(r#"{"send":{"from":"R"}}"#).contains("no host"));
        assert!(err(r#"{"send":{"ttl":0}}"#).contains("TTL of 0"));
        let mut spec = LanSpec::default();
        spec.hosts[0].mask = "255.0.255.0".to_owned();
        assert_eq!(
            simulate(&spec).unwrap_err().to_string(),
            "A: mask '255.0.255.0': mask 255.0.255.0 is not contiguous"
        );
    }

    #[test]
    fn a_switch_loop_is_caught() {
        let mut spec = LanSpec::default();
        spec.links.push(LinkSpec::new("S1", "S2"));
        spec.links.push(LinkSpec::new("S2", "S1"));
        assert_eq!(simulate(&spec).unwrap_err(), LanError::TooManyEvents);
    }

    #[test]
    fn json_shape() {
        let t = run(&LanSpec::default());
        let j = serde_json::to_value(&t).unwrap();
        assert_eq!(j["events"][0]["kind"], "decide");
        assert_eq!(j["events"][0]["same"]["same"], false);
        assert_eq!(j["events"][3]["kind"], "switch");
        assert_eq!(j["events"][3]["table"][0]["mac"], "02:00:00:00:00:0a");
        assert_eq!(j["frames"][0]["arp"]["opcode"], 1);
        assert_eq!(j["frames"][2]["icmp"]["type"], 8);
        assert_eq!(j["nodes"][3]["type"], "switch");
        assert!(
            j["frames"][0]["bytes"]
                .as_str()
                .unwrap()
                .starts_with("ffffffffffff")
        );
    }
}
