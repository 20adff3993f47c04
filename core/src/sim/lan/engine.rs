//! The event loop: frames cross cables, switches learn and flood,
//! stations decide, ask ARP, forward and answer, each step an event.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};

use super::frames::{Parsed, changes, icmp_text, parse, ping_error, summary};
use super::net::{Held, Node, PortId, Station, node_state};
use super::{
    ArpEntry, ArpView, Detail, EthView, IcmpView, IpView, LanError, LanEvent, LanFrame, LanProto,
    LanSpec, MAX_EVENTS, MacEntry, NodeState, Outcome, PING_ID, PING_SEQ, SwitchAction, UdpView,
    ZERO_MAC,
};
use crate::mac::MacAddr;
use crate::packet::field::py_bytes;
use crate::packet::{arp, ethernet, icmpv4, ipv4, udp};
use crate::protocol::errno;
use crate::same::SameReport;
use crate::sim::wire::{self, Ip, Upper};

/// What a run leaves behind.
#[derive(Debug)]
pub(super) struct Played {
    pub(super) events: Vec<LanEvent>,
    pub(super) frames: Vec<LanFrame>,
    pub(super) outcome: Outcome,
    pub(super) nodes: Vec<NodeState>,
}

#[derive(Debug, Clone)]
enum Job {
    Start,
    Deliver {
        frame: usize,
        to: PortId,
    },
    ArpRetry {
        node: usize,
        ip: Ipv4Addr,
        attempt: u32,
    },
}

#[derive(Debug)]
struct Lan {
    spec: LanSpec,
    nodes: Vec<Node>,
    cables: BTreeMap<PortId, PortId>,
    queue: BTreeMap<(u64, u64), Job>,
    order: u64,
    now: u64,
    events: Vec<LanEvent>,
    frames: Vec<LanFrame>,
    outcome: Outcome,
    sender: usize,
}

/// Runs the network until nothing is left to happen.
pub(super) fn play(
    spec: LanSpec,
    nodes: Vec<Node>,
    cables: BTreeMap<PortId, PortId>,
    sender: usize,
) -> Result<Played, LanError> {
    let mut lan = Lan {
        spec,
        nodes,
        cables,
        queue: BTreeMap::new(),
        order: 0,
        now: 0,
        events: Vec::new(),
        frames: Vec::new(),
        outcome: Outcome::default(),
        sender,
    };
    lan.schedule(0, Job::Start);
    while let Some(((at, _), job)) = lan.queue.pop_first() {
        if lan.events.len() > MAX_EVENTS {
            return Err(LanError::TooManyEvents);
        }
        lan.now = at;
        match job {
            Job::Start => lan.start(),
            Job::Deliver { frame, to } => lan.deliver(frame, to),
            Job::ArpRetry { node, ip, attempt } => lan.arp_retry(node, ip, attempt),
        }
    }
    if lan.outcome.output.is_empty() {
        lan.outcome.output = "no answer".to_owned();
    }
    Ok(Played {
        nodes: lan.nodes.iter().map(node_state).collect(),
        events: lan.events,
        frames: lan.frames,
        outcome: lan.outcome,
    })
}

impl Lan {
    fn schedule(&mut self, at: u64, job: Job) {
        self.queue.insert((at, self.order), job);
        self.order += 1;
    }

    fn name(&self, node: usize) -> String {
        self.nodes[node].name().to_owned()
    }

    fn station(&mut self, node: usize) -> Option<&mut Station> {
        match self.nodes.get_mut(node) {
            Some(Node::Station(s)) => Some(s),
            _ => None,
        }
    }

    fn station_ref(&self, node: usize) -> Option<&Station> {
        match self.nodes.get(node) {
            Some(Node::Station(s)) => Some(s),
            _ => None,
        }
    }

    fn event(
        &mut self,
        node: usize,
        key: &'static str,
        explanation: String,
        frame: Option<usize>,
        detail: Detail,
    ) {
        self.events.push(LanEvent {
            step: self.events.len() + 1,
            time_ms: self.now,
            node: self.name(node),
            key,
            explanation,
            frame,
            detail,
        });
    }

    fn is_icmp(&self) -> bool {
        self.spec.send.proto == LanProto::Icmp
    }

    /// The sender builds its packet and decides where it goes.
    fn start(&mut self) {
        let node = self.sender;
        let send = self.spec.send.clone();
        let payload = send.payload.as_bytes().to_vec();
        let body = match send.proto {
            LanProto::Icmp => Body::Icmp(
                icmpv4::Repr::EchoRequest {
                    ident: PING_ID,
                    seq_no: PING_SEQ,
                },
                payload,
            ),
            LanProto::Udp => Body::Udp(
                udp::Repr {
                    src_port: send.src_port,
                    dst_port: send.dst_port,
                },
                payload,
            ),
        };
        let nics = self.station_ref(node).map_or(&[][..], |st| &st.nics[..]);
        let own = nics.iter().any(|n| n.ip == send.to);
        let broadcast = send.to.is_broadcast()
            || nics
                .iter()
                .any(|n| n.net().broadcast() == send.to && n.prefix < 31);
        if own || send.to.is_loopback() {
            self.loopback(node, body);
            return;
        }
        if broadcast {
            self.refuse_broadcast(node);
            return;
        }
        self.originate(node, send.to, send.ttl, body, None);
    }

    /// A broadcast address as the destination: Linux's ping refuses it
    /// without `-b`, and a UDP socket without `SO_BROADCAST` gets EACCES.
    fn refuse_broadcast(&mut self, node: usize) {
        let name = self.name(node);
        let to = self.spec.send.to;
        let (error, text) = if self.is_icmp() {
            let error = "ping: Do you want to ping broadcast? Then -b. If not, check your local firewall rules".to_owned();
            let text = format!(
                "{to} is a broadcast address: every station on the network would answer. ping refuses unless \
                 it is given -b, and prints: {error}"
            );
            (error, text)
        } else {
            let error = format!("PermissionError: {}", errno::python_message(errno::EACCES));
            let text = format!(
                "{to} is a broadcast address. A UDP socket may send there only after \
                 setsockopt(SOL_SOCKET, SO_BROADCAST, 1); without it sendto() raises {error}."
            );
            (error, text)
        };
        if self.outcome.error.is_none() {
            self.outcome.error = Some(error.clone());
            self.outcome.output = error.clone();
        }
        self.event(
            node,
            "lan.broadcast_refused",
            format!("{name}: {text}"),
            None,
            Detail::Refused { error },
        );
    }

    /// The sender's packet is for itself: the local routing table sends it
    /// through `lo`, so nothing reaches the LAN (what Linux does).
    fn loopback(&mut self, node: usize, body: Body) {
        let name = self.name(node);
        let to = self.spec.send.to;
        let whose = if to.is_loopback() {
            "a loopback address (127.0.0.0/8)".to_owned()
        } else {
            format!("{name}'s own address")
        };
        let (protocol, data) = match &body {
            Body::Icmp(_, data) => ("ICMP echo request", data.clone()),
            Body::Udp(_, data) => ("UDP", data.clone()),
        };
        self.event(
            node,
            "lan.loopback",
            format!(
                "{to} is {whose}: the kernel's local routing table sends the packet through the \
                 loopback interface lo, not the network card. No ARP, no frame: the switch never \
                 sees it."
            ),
            None,
            Detail::Deliver {
                protocol: protocol.to_owned(),
                data: py_bytes(&data),
            },
        );
        self.outcome.delivered = true;
        match body {
            Body::Icmp(_, data) => {
                self.outcome.answered = true;
                self.outcome.output = format!(
                    "{} bytes from {to}: icmp_seq={PING_SEQ} ttl=64 time={} ms",
                    icmpv4::HEADER_LEN + data.len(),
                    self.now
                );
            }
            Body::Udp(u, _) => {
                if let Some(reply) = self.spec.send.reply.clone() {
                    self.outcome.answered = true;
                    self.outcome.output = format!(
                        "recvfrom(1024) returns ({}, ('{to}', {}))",
                        py_bytes(reply.as_bytes()),
                        u.dst_port
                    );
                }
            }
        }
    }

    /// A station sends a packet of its own, from `src` (an answer comes
    /// from the address that was asked, RFC 1122 §3.2.2.6) or else from the
    /// card it leaves by: the card on `dst`'s network if there is one, and
    /// then the mask decides the next hop.
    fn originate(
        &mut self,
        node: usize,
        dst: Ipv4Addr,
        ttl: u8,
        body: Body,
        src: Option<Ipv4Addr>,
    ) {
        let Some(st) = self.station_ref(node) else {
            return;
        };
        let out = st
            .nics
            .iter()
            .position(|n| n.net().contains(&dst))
            .unwrap_or(0);
        let Some(nic) = st.nics.get(out).cloned() else {
            return;
        };
        let gateway = st.gateway;
        let name = st.name.clone();
        let same = SameReport::new(IpAddr::V4(nic.ip), IpAddr::V4(dst), nic.prefix);
        let Ok(same) = same else {
            return;
        };
        let mask = same.mask.clone();
        let (a_net, b_net) = (same.a.network, same.b.network);
        let next_hop = if same.same {
            Some(dst)
        } else {
            gateway.filter(|g| nic.net().contains(g))
        };
        let (key, text) = if same.same {
            (
                "lan.decide.same",
                format!(
                    "{name} ANDs both addresses with its mask {mask}: {} AND {mask} = {a_net}, {dst} AND \
                     {mask} = {b_net}. The same network, so {dst} should be on {name}'s own LAN: it sends \
                     straight to it, and needs its MAC.",
                    nic.ip
                ),
            )
        } else {
            (
                "lan.decide.other",
                format!(
                    "{name} ANDs both addresses with its mask {mask}: {} AND {mask} = {a_net}, {dst} AND \
                     {mask} = {b_net}. Different networks, so the packet must go through the gateway \
                     (网关){}.",
                    nic.ip,
                    gateway.map_or_else(|| format!(", and {name} has none"), |g| format!(" {g}"))
                ),
            )
        };
        self.event(
            node,
            key,
            text,
            None,
            Detail::Decide {
                same: Box::new(same),
                next_hop,
                via_gateway: next_hop.is_some_and(|h| h != dst),
            },
        );
        let Some(hop) = next_hop else {
            let (key, why) = match gateway {
                None => (
                    "lan.no_route.no_gateway",
                    format!(
                        "{name} has no gateway, so its routing table holds only its own network {}: there \
                         is no route to {dst}. The kernel refuses before anything is sent.",
                        nic.net()
                    ),
                ),
                Some(g) => (
                    "lan.no_route.gateway_off_link",
                    format!(
                        "{name}'s gateway {g} is not on its own network {}, so it cannot be reached and \
                         there is no route to {dst}.",
                        nic.net()
                    ),
                ),
            };
            let code = errno::code(101);
            let error = errno::python_message(101);
            if node == self.sender && self.outcome.error.is_none() {
                self.outcome.error = Some(error.clone());
                self.outcome.output = if self.is_icmp() {
                    "ping: connect: Network is unreachable".to_owned()
                } else {
                    format!("OSError: {error}")
                };
            }
            self.event(
                node,
                key,
                format!("{why} Python raises OSError: {error}."),
                None,
                Detail::NoRoute {
                    errno: 101,
                    code,
                    error,
                },
            );
            return;
        };
        let Some(st) = self.station(node) else {
            return;
        };
        let ident = st.next_ident();
        let ip = Ip {
            src: src.unwrap_or(nic.ip),
            dst,
            ttl,
            ident,
            dont_frag: true,
        };
        let frame = body.frame(nic.mac, &ip);
        self.resolve(node, out, hop, frame, None);
    }

    /// Sends `frame` out of `nic` to `hop`, asking ARP for its MAC first
    /// when the cache does not have it.
    fn resolve(
        &mut self,
        node: usize,
        nic: usize,
        hop: Ipv4Addr,
        mut frame: Vec<u8>,
        from: Option<(usize, usize)>,
    ) {
        let Some(st) = self.station(node) else {
            return;
        };
        let name = st.name.clone();
        if let Some(mac) = st.lookup_arp(hop) {
            ethernet::Frame::new_unchecked(&mut frame[..]).set_dst_addr(mac);
            self.event(
                node,
                "lan.arp.hit",
                format!("{name}'s ARP cache already has {hop} → {mac}: no need to ask."),
                None,
                Detail::ArpHit { ip: hop, mac },
            );
            self.transmit(node, nic, frame, from.map(|f| f.0));
            return;
        }
        st.held.push(Held {
            nic,
            next_hop: hop,
            frame,
            from,
        });
        if st.asking.contains(&hop) {
            return;
        }
        st.asking.push(hop);
        self.event(
            node,
            "lan.arp.miss",
            format!(
                "{name}'s ARP cache has no MAC for {hop}. A frame needs one (switches only read MAC \
                 addresses), so {name} holds the packet and asks with ARP."
            ),
            None,
            Detail::ArpMiss { ip: hop },
        );
        self.arp_request(node, nic, hop);
        let at = self.now.saturating_add(self.spec.arp_timeout_ms);
        self.schedule(
            at,
            Job::ArpRetry {
                node,
                ip: hop,
                attempt: 1,
            },
        );
    }

    fn arp_request(&mut self, node: usize, nic: usize, hop: Ipv4Addr) {
        let Some(st) = self.station_ref(node) else {
            return;
        };
        let n = &st.nics[nic];
        let repr = arp::Repr {
            operation: arp::Operation::REQUEST,
            source_hardware_addr: n.mac,
            source_protocol_addr: n.ip,
            target_hardware_addr: ZERO_MAC,
            target_protocol_addr: hop,
        };
        let frame = wire::arp_frame(n.mac, MacAddr::BROADCAST, &repr);
        self.transmit(node, nic, frame, None);
    }

    /// Puts a frame on the cable of `nic`.
    fn transmit(&mut self, node: usize, nic: usize, bytes: Vec<u8>, from: Option<usize>) {
        let Some(p) = parse(&bytes) else {
            return;
        };
        let (name, port) = match self.station_ref(node) {
            Some(st) => (st.name.clone(), st.nics[nic].name.clone()),
            None => return,
        };
        let changes = from
            .and_then(|f| self.frames.get(f))
            .and_then(|f| parse(&f.bytes))
            .map(|before| changes(&before, &p))
            .unwrap_or_default();
        let summary = summary(&p);
        let index = self.frames.len();
        let mut comment = format!("{name} {port}: {summary}");
        if p.eth.dst_addr == MacAddr::BROADCAST {
            comment.push_str(" (broadcast)");
        }
        if !changes.is_empty() {
            let list: Vec<String> = changes
                .iter()
                .map(|c| format!("{} {}→{}", c.field, c.before, c.after))
                .collect();
            comment.push_str(&format!("; {name} changed {}", list.join(", ")));
        }
        let (key, text) = self.send_text(&name, &port, &p, from);
        self.frames.push(LanFrame {
            number: index + 1,
            time_ms: self.now,
            from: name,
            port: port.clone(),
            summary,
            comment,
            eth: EthView {
                src: p.eth.src_addr.to_string(),
                dst: p.eth.dst_addr.to_string(),
                ethertype: p.eth.ethertype.0,
            },
            arp: p.arp.map(|a| ArpView {
                opcode: a.operation.0,
                sender_mac: a.source_hardware_addr.to_string(),
                sender_ip: a.source_protocol_addr,
                target_mac: a.target_hardware_addr.to_string(),
                target_ip: a.target_protocol_addr,
            }),
            ip: p.ip.as_ref().map(|ip| IpView {
                src: ip.src_addr,
                dst: ip.dst_addr,
                ttl: ip.ttl,
                protocol: ip.protocol.0,
                ident: ip.ident,
                checksum: p.ip_header.map_or(0, |h| h.1),
            }),
            icmp: p.icmp.map(|i| IcmpView {
                icmp_type: i.msg_type(),
                code: i.code(),
            }),
            udp: p.udp.as_ref().map(|(u, _)| UdpView {
                src_port: u.src_port,
                dst_port: u.dst_port,
            }),
            forwarded_from: from,
            changes,
            bytes,
        });
        match self.cables.get(&(node, nic)).copied() {
            Some(to) => {
                self.event(node, key, text, Some(index), Detail::Send { port });
                let at = self.now.saturating_add(self.spec.link_ms);
                self.schedule(at, Job::Deliver { frame: index, to });
            }
            None => {
                let name = self.name(node);
                self.event(
                    node,
                    "lan.unplugged",
                    format!("{name}'s {port} has no cable: the frame goes nowhere."),
                    Some(index),
                    Detail::Unplugged { port },
                );
            }
        }
    }

    fn send_text(
        &self,
        name: &str,
        port: &str,
        p: &Parsed,
        from: Option<usize>,
    ) -> (&'static str, String) {
        let to = if p.eth.dst_addr == MacAddr::BROADCAST {
            "ff:ff:ff:ff:ff:ff, the broadcast address: every card on the LAN takes it".to_owned()
        } else {
            p.eth.dst_addr.to_string()
        };
        let head = format!(
            "{name} sends a frame out of {port}, from {} to {to}.",
            p.eth.src_addr
        );
        if let Some(a) = &p.arp {
            return if a.operation == arp::Operation::REQUEST {
                (
                    "lan.send.arp_request",
                    format!(
                        "{head} ARP request: \"who has {}? Tell {} ({})\". Only the owner of that address \
                         will answer.",
                        a.target_protocol_addr, a.source_protocol_addr, a.source_hardware_addr
                    ),
                )
            } else {
                (
                    "lan.send.arp_reply",
                    format!(
                        "{head} ARP reply, sent to the asker alone (unicast): \"{} is at {}\".",
                        a.source_protocol_addr, a.source_hardware_addr
                    ),
                )
            };
        }
        let ttl = p.ip.as_ref().map_or(0, |ip| ip.ttl);
        if from.is_some() {
            return (
                "lan.send.forward",
                format!(
                    "{head} The same IP packet, in a new frame: the MAC addresses belong to this link, the \
                     IP addresses stay end to end; TTL is now {ttl}."
                ),
            );
        }
        let (key, what) = match (&p.icmp, &p.udp) {
            (Some(i), _) => match i.msg_type() {
                8 => ("lan.send.echo_request", "an ICMP echo request (ping)"),
                0 => ("lan.send.echo_reply", "an ICMP echo reply"),
                11 => (
                    "lan.send.time_exceeded",
                    "ICMP time exceeded, telling the sender its packet died on the way",
                ),
                3 => (
                    "lan.send.unreachable",
                    "ICMP destination unreachable, telling the sender there is no way on",
                ),
                _ => ("lan.send.icmp", "an ICMP message"),
            },
            (_, Some(_)) => ("lan.send.udp", "a UDP datagram"),
            _ => ("lan.send.ip", "an IPv4 packet"),
        };
        let ips = p.ip.as_ref().map_or_else(String::new, |ip| {
            format!(" from {} to {} with TTL {ttl}", ip.src_addr, ip.dst_addr)
        });
        (key, format!("{head} Inside{ips}: {what}."))
    }

    /// A frame comes out of a cable into a port.
    fn deliver(&mut self, frame: usize, to: PortId) {
        let Some(bytes) = self.frames.get(frame).map(|f| f.bytes.clone()) else {
            return;
        };
        let Some(p) = parse(&bytes) else {
            return;
        };
        match self.nodes.get(to.0) {
            Some(Node::Switch(_)) => self.switch(to, frame, &p),
            Some(Node::Station(_)) => self.receive(to, frame, &bytes, &p),
            None => {}
        }
    }

    fn switch(&mut self, (node, port): PortId, frame: usize, p: &Parsed) {
        let Some(Node::Switch(sw)) = self.nodes.get_mut(node) else {
            return;
        };
        let in_port = port as u16;
        let src = p.eth.src_addr;
        let dst = p.eth.dst_addr;
        let learned = match sw.table.iter_mut().find(|e| e.mac == src) {
            Some(e) if e.port == in_port => None,
            Some(e) => {
                e.port = in_port;
                Some(e.clone())
            }
            None => {
                let e = MacEntry {
                    mac: src,
                    port: in_port,
                };
                sw.table.push(e.clone());
                Some(e)
            }
        };
        let others: Vec<u16> = sw.ports.iter().copied().filter(|&q| q != in_port).collect();
        let known = sw.table.iter().find(|e| e.mac == dst).map(|e| e.port);
        let (action, out_ports, key) = if dst.is_multicast() {
            (SwitchAction::Flood, others, "lan.switch.flood_broadcast")
        } else {
            match known {
                Some(q) if q == in_port => (SwitchAction::Filter, Vec::new(), "lan.switch.filter"),
                Some(q) => (SwitchAction::Forward, vec![q], "lan.switch.forward"),
                None => (SwitchAction::Flood, others, "lan.switch.flood_unknown"),
            }
        };
        let table = sw.table.clone();
        let name = sw.name.clone();
        let learn_text = match &learned {
            Some(e) => format!(
                "{name} learns that {src} is on port {}: its table now has {} entr{}.",
                e.port,
                table.len(),
                if table.len() == 1 { "y" } else { "ies" }
            ),
            None => format!("{name} already knows {src} is on port {in_port}."),
        };
        let ports = |v: &[u16]| v.iter().map(u16::to_string).collect::<Vec<_>>().join(", ");
        let act_text = match action {
            SwitchAction::Flood if dst.is_multicast() => format!(
                "The destination is the broadcast address, so it floods the frame out of every other port \
                 ({}).",
                ports(&out_ports)
            ),
            SwitchAction::Flood => format!(
                "It has not learned {dst} yet, so it floods the frame out of every other port ({}).",
                ports(&out_ports)
            ),
            SwitchAction::Forward => format!(
                "It learned {dst} on port {}, so the frame goes out of that port only.",
                ports(&out_ports)
            ),
            SwitchAction::Filter => {
                format!("{dst} is on port {in_port}, where the frame came from: it drops it.")
            }
        };
        self.event(
            node,
            key,
            format!(
                "{name} gets the frame on port {in_port}. {learn_text} {act_text} A switch reads only MAC \
                 addresses and changes nothing in the frame."
            ),
            Some(frame),
            Detail::Switch {
                in_port,
                learned,
                action,
                out_ports: out_ports.clone(),
                table,
            },
        );
        let at = self.now.saturating_add(self.spec.link_ms);
        for q in out_ports {
            if let Some(to) = self.cables.get(&(node, usize::from(q))).copied() {
                self.schedule(at, Job::Deliver { frame, to });
            }
        }
    }

    /// A station's NIC gets a frame.
    fn receive(&mut self, (node, nic): PortId, frame: usize, bytes: &[u8], p: &Parsed) {
        let Some(st) = self.station_ref(node) else {
            return;
        };
        let me = st.nics[nic].clone();
        let name = st.name.clone();
        let dst = p.eth.dst_addr;
        if dst != me.mac && dst != MacAddr::BROADCAST {
            self.event(
                node,
                "lan.ignore.mac",
                format!(
                    "{name}'s card ({}) gets a frame for {dst}, not for it, and drops it unread.",
                    me.mac
                ),
                Some(frame),
                Detail::Ignore {
                    reason: format!("the frame is for {dst}"),
                },
            );
            return;
        }
        if let Some(a) = p.arp {
            self.on_arp(node, nic, frame, a);
        } else if let Some(ip) = &p.ip {
            let ip = ip.clone();
            self.on_ip(node, nic, frame, bytes, p, &ip);
        }
    }

    fn on_arp(&mut self, node: usize, nic: usize, frame: usize, a: arp::Repr) {
        let Some(st) = self.station(node) else {
            return;
        };
        let me = st.nics[nic].clone();
        let name = st.name.clone();
        let (ip, mac) = (a.source_protocol_addr, a.source_hardware_addr);
        let mine = a.target_protocol_addr == me.ip;
        let known = st.arp.iter().position(|e| e.ip == ip);
        let changed = match known {
            Some(i) if st.arp[i].mac != mac => {
                st.arp[i].mac = mac;
                true
            }
            Some(_) => false,
            None if mine => {
                st.arp.push(ArpEntry { ip, mac });
                true
            }
            None => false,
        };
        let cache = st.arp.clone();
        if changed {
            let why = if a.operation == arp::Operation::REQUEST {
                format!(
                    "The request asks for {name}'s address, so {name} notes the asker: {ip} is at {mac} \
                     (RFC 826). It will need that to answer."
                )
            } else {
                format!("{name} writes the answer into its ARP cache: {ip} is at {mac}.")
            };
            self.event(
                node,
                "lan.arp.learn",
                why,
                Some(frame),
                Detail::ArpLearn { ip, mac, cache },
            );
        }
        if !mine {
            let router = self.station_ref(node).is_some_and(|s| s.router);
            let why = if router {
                " A router answers ARP only for its own addresses, even for a network it can reach (Linux \
                 does proxy ARP only when told to)."
            } else {
                ""
            };
            self.event(
                node,
                "lan.ignore.arp",
                format!(
                    "The ARP request asks for {}; {name} is {} and stays silent.{why}",
                    a.target_protocol_addr, me.ip
                ),
                Some(frame),
                Detail::Ignore {
                    reason: format!("ARP asks for {}", a.target_protocol_addr),
                },
            );
            return;
        }
        if a.operation == arp::Operation::REQUEST {
            let reply = arp::Repr {
                operation: arp::Operation::REPLY,
                source_hardware_addr: me.mac,
                source_protocol_addr: me.ip,
                target_hardware_addr: mac,
                target_protocol_addr: ip,
            };
            let bytes = wire::arp_frame(me.mac, mac, &reply);
            self.transmit(node, nic, bytes, None);
        } else {
            self.flush(node, ip);
        }
    }

    /// Sends what was held for `ip`, now that its MAC is known.
    fn flush(&mut self, node: usize, ip: Ipv4Addr) {
        let Some(st) = self.station(node) else {
            return;
        };
        st.asking.retain(|&a| a != ip);
        let Some(mac) = st.lookup_arp(ip) else {
            return;
        };
        let (ready, held): (Vec<Held>, Vec<Held>) =
            st.held.drain(..).partition(|h| h.next_hop == ip);
        st.held = held;
        for mut h in ready {
            ethernet::Frame::new_unchecked(&mut h.frame[..]).set_dst_addr(mac);
            self.transmit(node, h.nic, h.frame, h.from.map(|f| f.0));
        }
    }

    fn arp_retry(&mut self, node: usize, ip: Ipv4Addr, attempt: u32) {
        let tries = self.spec.arp_tries.max(1);
        let Some(st) = self.station(node) else {
            return;
        };
        if !st.asking.contains(&ip) {
            return;
        }
        let name = st.name.clone();
        if attempt < tries {
            let nic = st
                .held
                .iter()
                .find(|h| h.next_hop == ip)
                .map_or(0, |h| h.nic);
            self.event(
                node,
                "lan.arp.retry",
                format!(
                    "No ARP reply for {ip} after {} ms. {name} asks again ({} of {tries}).",
                    self.spec.arp_timeout_ms,
                    attempt + 1
                ),
                None,
                Detail::ArpTimeout {
                    ip,
                    attempt,
                    tries,
                    gave_up: false,
                },
            );
            self.arp_request(node, nic, ip);
            let at = self.now.saturating_add(self.spec.arp_timeout_ms);
            self.schedule(
                at,
                Job::ArpRetry {
                    node,
                    ip,
                    attempt: attempt + 1,
                },
            );
            return;
        }
        st.asking.retain(|&a| a != ip);
        let (dropped, held): (Vec<Held>, Vec<Held>) =
            st.held.drain(..).partition(|h| h.next_hop == ip);
        st.held = held;
        let router = st.router;
        let my_ip = st.nics[0].ip;
        let why = if router {
            format!(
                "{tries} ARP requests for {ip} went unanswered: nobody on that link has the address. {name} \
                 drops the packets it held and tells their senders (ICMP host unreachable)."
            )
        } else {
            format!(
                "{tries} ARP requests for {ip} went unanswered: nobody on {name}'s LAN has that address, so \
                 the packet can never be framed. {name} drops it: \"Destination Host Unreachable\" \
                 ({}).",
                errno::python_message(113)
            )
        };
        self.event(
            node,
            "lan.arp.failed",
            why,
            None,
            Detail::ArpTimeout {
                ip,
                attempt,
                tries,
                gave_up: true,
            },
        );
        if router {
            for h in dropped {
                if let Some((frame, in_nic)) = h.from
                    && let Some(bytes) = self.frames.get(frame).map(|f| f.bytes.clone())
                {
                    self.icmp_error(
                        node,
                        in_nic,
                        &bytes,
                        icmpv4::Repr::DstUnreachable {
                            code: 1,
                            next_hop_mtu: 0,
                        },
                    );
                }
            }
        } else if node == self.sender && self.outcome.error.is_none() {
            self.outcome.error = Some(errno::python_message(113));
            self.outcome.output = if self.is_icmp() {
                format!("From {my_ip} icmp_seq={PING_SEQ} Destination Host Unreachable")
            } else {
                format!(
                    "sendto() returned {}, but the datagram was dropped; recvfrom() waits forever",
                    self.spec.send.payload.len()
                )
            };
        }
    }

    fn on_ip(
        &mut self,
        node: usize,
        nic: usize,
        frame: usize,
        bytes: &[u8],
        p: &Parsed,
        ip: &ipv4::Repr,
    ) {
        let Some(st) = self.station_ref(node) else {
            return;
        };
        let name = st.name.clone();
        if st.owns(ip.dst_addr) {
            self.local(node, frame, p, ip);
        } else if st.router {
            self.forward(node, nic, frame, bytes, ip);
        } else {
            self.event(
                node,
                "lan.ignore.ip",
                format!(
                    "The packet is for {}, not {name}; a host does not forward, so it drops it.",
                    ip.dst_addr
                ),
                Some(frame),
                Detail::Ignore {
                    reason: format!("the packet is for {}", ip.dst_addr),
                },
            );
        }
    }

    /// A packet for this station.
    fn local(&mut self, node: usize, frame: usize, p: &Parsed, ip: &ipv4::Repr) {
        let name = self.name(node);
        let is_sender = node == self.sender;
        let to_target = ip.dst_addr == self.spec.send.to;
        if let Some(icmp) = p.icmp {
            let (t, code) = (icmp.msg_type(), icmp.code());
            let (key, text) = match icmp {
                icmpv4::Repr::EchoRequest { .. } => (
                    "lan.deliver.echo_request",
                    format!(
                        "The echo request from {} reached {name} ({}), TTL {}. {name} answers with an echo \
                         reply carrying the same data.",
                        ip.src_addr, ip.dst_addr, ip.ttl
                    ),
                ),
                icmpv4::Repr::EchoReply { .. } => (
                    "lan.deliver.echo_reply",
                    format!(
                        "The echo reply from {} is back at {name}: the ping succeeded. It arrived with TTL {} \
                         ({} router{} on the way).",
                        ip.src_addr,
                        ip.ttl,
                        64u8.saturating_sub(ip.ttl),
                        if ip.ttl == 63 { "" } else { "s" }
                    ),
                ),
                _ => (
                    "lan.deliver.icmp_error",
                    format!(
                        "{name} gets {} from {}: its packet to {} did not arrive.",
                        icmp_text(t, code),
                        ip.src_addr,
                        self.spec.send.to
                    ),
                ),
            };
            self.event(
                node,
                key,
                text,
                Some(frame),
                Detail::Deliver {
                    protocol: icmp_text(t, code).to_owned(),
                    data: py_bytes(&p.data),
                },
            );
            match icmp {
                icmpv4::Repr::EchoRequest { ident, seq_no } => {
                    if to_target && !is_sender {
                        self.outcome.delivered = true;
                    }
                    self.originate(
                        node,
                        ip.src_addr,
                        64,
                        Body::Icmp(icmpv4::Repr::EchoReply { ident, seq_no }, p.data.clone()),
                        Some(ip.dst_addr),
                    );
                }
                icmpv4::Repr::EchoReply { seq_no, .. } if is_sender => {
                    self.outcome.answered = true;
                    self.outcome.output = format!(
                        "{} bytes from {}: icmp_seq={seq_no} ttl={} time={} ms",
                        icmpv4::HEADER_LEN + p.data.len(),
                        ip.src_addr,
                        ip.ttl,
                        self.now
                    );
                }
                icmpv4::Repr::DstUnreachable { .. } | icmpv4::Repr::TimeExceeded { .. }
                    if is_sender && self.outcome.error.is_none() =>
                {
                    let text = ping_error(t, code);
                    self.outcome.error = Some(text.to_owned());
                    self.outcome.output = if self.is_icmp() {
                        format!("From {} icmp_seq={PING_SEQ} {text}", ip.src_addr)
                    } else {
                        "nothing: an unconnected UDP socket is not told of ICMP errors, so recvfrom() waits \
                         forever"
                            .to_owned()
                    };
                }
                _ => {}
            }
            return;
        }
        if let Some((u, payload)) = &p.udp {
            let text = format!(
                "The datagram reaches {name}'s port {}: recvfrom(1024) returns ({}, ('{}', {})).",
                u.dst_port,
                py_bytes(payload),
                ip.src_addr,
                u.src_port
            );
            self.event(
                node,
                "lan.deliver.udp",
                text,
                Some(frame),
                Detail::Deliver {
                    protocol: "UDP".to_owned(),
                    data: py_bytes(payload),
                },
            );
            if is_sender {
                self.outcome.answered = true;
                self.outcome.output = format!(
                    "recvfrom(1024) returns ({}, ('{}', {}))",
                    py_bytes(payload),
                    ip.src_addr,
                    u.src_port
                );
            } else if to_target {
                self.outcome.delivered = true;
                if let Some(reply) = self.spec.send.reply.clone() {
                    self.originate(
                        node,
                        ip.src_addr,
                        64,
                        Body::Udp(
                            udp::Repr {
                                src_port: u.dst_port,
                                dst_port: u.src_port,
                            },
                            reply.into_bytes(),
                        ),
                        Some(ip.dst_addr),
                    );
                }
            }
        }
    }

    /// A router passes a packet on, or answers why it cannot.
    fn forward(&mut self, node: usize, in_nic: usize, frame: usize, bytes: &[u8], ip: &ipv4::Repr) {
        let Some(st) = self.station_ref(node) else {
            return;
        };
        let name = st.name.clone();
        if ip.ttl <= 1 {
            self.event(
                node,
                "lan.ttl_exceeded",
                format!(
                    "The packet arrives with TTL {}. {name} must lower it by one before forwarding, and a \
                     packet whose TTL reaches 0 is dropped (this is what stops packets looping forever). \
                     {name} tells the sender with ICMP time exceeded.",
                    ip.ttl
                ),
                Some(frame),
                Detail::TtlExceeded { ttl: ip.ttl },
            );
            self.icmp_error(node, in_nic, bytes, icmpv4::Repr::TimeExceeded { code: 0 });
            return;
        }
        let table = st.table();
        let found = st.route(ip.dst_addr);
        let out_mac = found
            .as_ref()
            .map_or(ZERO_MAC, |(_, out, _)| st.nics[*out].mac);
        let (matched, hop) = match &found {
            Some((r, _, hop)) => (Some(r.clone()), Some(*hop)),
            None => (None, None),
        };
        let text = match &found {
            Some((r, _, hop)) => format!(
                "{name} looks {} up in its routing table: the longest matching prefix is {} on {}, so the \
                 next hop is {hop}{}.",
                ip.dst_addr,
                r.network,
                r.interface,
                if r.via.is_none() {
                    " itself (its network is on that cable)"
                } else {
                    ""
                }
            ),
            None => format!(
                "{name} looks {} up in its routing table: no route matches, and it has no default route.",
                ip.dst_addr
            ),
        };
        self.event(
            node,
            if found.is_some() {
                "lan.route.found"
            } else {
                "lan.route.none"
            },
            text,
            Some(frame),
            Detail::Route {
                dst: ip.dst_addr,
                matched,
                next_hop: hop,
                table,
            },
        );
        let Some((_, out, hop)) = found else {
            self.event(
                node,
                "lan.unreachable",
                format!(
                    "{name} cannot forward the packet to {}: it drops it and tells the sender with ICMP \
                     destination unreachable (network unreachable).",
                    ip.dst_addr
                ),
                Some(frame),
                Detail::Unreachable { dst: ip.dst_addr },
            );
            self.icmp_error(
                node,
                in_nic,
                bytes,
                icmpv4::Repr::DstUnreachable {
                    code: 0,
                    next_hop_mtu: 0,
                },
            );
            return;
        };
        let mut new = bytes.to_vec();
        {
            let mut packet = ipv4::Packet::new_unchecked(&mut new[ethernet::HEADER_LEN..]);
            packet.set_ttl(ip.ttl - 1);
            packet.fill_checksum();
        }
        ethernet::Frame::new_unchecked(&mut new[..]).set_src_addr(out_mac);
        let changes = match (parse(bytes), parse(&new)) {
            (Some(b), Some(a)) => changes(&b, &a),
            _ => Vec::new(),
        };
        self.event(
            node,
            "lan.forward",
            format!(
                "{name} lowers the TTL from {} to {} and so recomputes the IPv4 header checksum; the new \
                 frame will leave from its own MAC {out_mac}. The IP addresses do not change.",
                ip.ttl,
                ip.ttl - 1
            ),
            Some(frame),
            Detail::Forward { changes },
        );
        self.resolve(node, out, hop, new, Some((frame, in_nic)));
    }

    /// An ICMP error about the packet in `original`, back to its sender.
    fn icmp_error(&mut self, node: usize, in_nic: usize, original: &[u8], repr: icmpv4::Repr) {
        let Some(p) = parse(original) else {
            return;
        };
        let Some(ip) = p.ip.as_ref() else {
            return;
        };
        let name = self.name(node);
        if p.icmp.is_some_and(|i| !matches!(i.msg_type(), 0 | 8)) {
            self.event(
                node,
                "lan.ignore.icmp_error",
                format!("{name} sends no ICMP error about an ICMP error (RFC 1122), so that errors cannot snowball."),
                None,
                Detail::Ignore {
                    reason: "no ICMP error about an ICMP error".to_owned(),
                },
            );
            return;
        }
        let Some(st) = self.station(node) else {
            return;
        };
        let header_len = p.ip_header.map_or(ipv4::HEADER_LEN, |h| h.0);
        let inner = &original[ethernet::HEADER_LEN..];
        let quote = &inner[..inner.len().min(header_len + 8)];
        let src = st.nics[in_nic].ip;
        let Some((_, out, hop)) = st.route(ip.src_addr) else {
            return;
        };
        let out_mac = st.nics[out].mac;
        let ident = st.next_ident();
        let frame = wire::ipv4_frame(
            out_mac,
            ZERO_MAC,
            &Ip {
                src,
                dst: ip.src_addr,
                ttl: 64,
                ident,
                dont_frag: false,
            },
            Upper::Icmp(repr, quote),
        );
        self.resolve(node, out, hop, frame, None);
    }
}

/// What a station's own packet carries.
enum Body {
    Icmp(icmpv4::Repr, Vec<u8>),
    Udp(udp::Repr, Vec<u8>),
}

impl Body {
    /// The frame, its destination MAC left for ARP to fill.
    fn frame(&self, src_mac: MacAddr, ip: &Ip) -> Vec<u8> {
        let upper = match self {
            Self::Icmp(r, data) => Upper::Icmp(*r, data),
            Self::Udp(r, data) => Upper::Udp(*r, data),
        };
        wire::ipv4_frame(src_mac, ZERO_MAC, ip, upper)
    }
}
