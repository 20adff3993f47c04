//! The network as the simulation holds it: stations (hosts and routers:
//! NICs, an ARP cache, a routing table, packets held for ARP), learning
//! switches, and the cables between their ports, built from a [`LanSpec`].

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};

use ipnet::Ipv4Net;

use super::{ArpEntry, LanError, LanSpec, MacEntry, NodeState, Route};
use crate::mac::MacAddr;
use crate::subnet;

#[derive(Debug, Clone)]
pub(super) struct Nic {
    pub(super) name: String,
    pub(super) ip: Ipv4Addr,
    pub(super) prefix: u8,
    pub(super) mac: MacAddr,
}

impl Nic {
    pub(super) fn net(&self) -> Ipv4Net {
        Ipv4Net::new(self.ip, self.prefix)
            .map(|n| n.trunc())
            .unwrap_or_default()
    }
}

/// A packet waiting for ARP.
#[derive(Debug, Clone)]
pub(super) struct Held {
    pub(super) nic: usize,
    pub(super) next_hop: Ipv4Addr,
    pub(super) frame: Vec<u8>,
    /// The frame it was forwarded from, and the NIC that frame came in on.
    pub(super) from: Option<(usize, usize)>,
}

#[derive(Debug, Clone)]
pub(super) struct Station {
    pub(super) name: String,
    pub(super) router: bool,
    pub(super) nics: Vec<Nic>,
    pub(super) gateway: Option<Ipv4Addr>,
    pub(super) routes: Vec<Route>,
    pub(super) arp: Vec<ArpEntry>,
    pub(super) held: Vec<Held>,
    pub(super) asking: Vec<Ipv4Addr>,
    pub(super) ident: u16,
}

impl Station {
    pub(super) fn lookup_arp(&self, ip: Ipv4Addr) -> Option<MacAddr> {
        self.arp.iter().find(|e| e.ip == ip).map(|e| e.mac)
    }

    pub(super) fn owns(&self, ip: Ipv4Addr) -> bool {
        self.nics.iter().any(|n| n.ip == ip)
    }

    /// The routing table: connected networks, then the static routes.
    pub(super) fn table(&self) -> Vec<Route> {
        let mut t: Vec<Route> = self
            .nics
            .iter()
            .map(|n| Route {
                network: n.net(),
                via: None,
                interface: n.name.clone(),
                connected: true,
            })
            .collect();
        t.extend(self.routes.iter().cloned());
        t
    }

    /// Longest prefix match: (the route, its NIC, the next hop).
    pub(super) fn route(&self, dst: Ipv4Addr) -> Option<(Route, usize, Ipv4Addr)> {
        let best = self
            .table()
            .into_iter()
            .filter(|r| r.network.contains(&dst))
            .max_by_key(|r| r.network.prefix_len())?;
        let nic = self.nics.iter().position(|n| n.name == best.interface)?;
        let hop = best.via.unwrap_or(dst);
        Some((best, nic, hop))
    }

    pub(super) fn next_ident(&mut self) -> u16 {
        self.ident = self.ident.wrapping_add(1);
        self.ident
    }
}

#[derive(Debug, Clone)]
pub(super) struct Switch {
    pub(super) name: String,
    pub(super) ports: Vec<u16>,
    pub(super) table: Vec<MacEntry>,
}

#[derive(Debug, Clone)]
pub(super) enum Node {
    Station(Station),
    Switch(Switch),
}

impl Node {
    pub(super) fn name(&self) -> &str {
        match self {
            Self::Station(s) => &s.name,
            Self::Switch(s) => &s.name,
        }
    }

    /// Whether this is the host called `name`.
    pub(super) fn is_host(&self, name: &str) -> bool {
        matches!(self, Self::Station(s) if !s.router && s.name == name)
    }
}

/// A port: the node and its NIC index (stations) or port number (switches).
pub(super) type PortId = (usize, usize);

pub(super) fn prefix_of(node: &str, ip: Ipv4Addr, mask: &str) -> Result<u8, LanError> {
    subnet::parse_prefix_or_mask(IpAddr::V4(ip), mask.trim()).map_err(|source| LanError::Mask {
        node: node.to_owned(),
        mask: mask.to_owned(),
        source,
    })
}

/// Builds the nodes and cables from a spec.
pub(super) fn build(spec: &LanSpec) -> Result<(Vec<Node>, BTreeMap<PortId, PortId>), LanError> {
    let mut nodes = Vec::new();
    for h in &spec.hosts {
        nodes.push(Node::Station(Station {
            name: h.name.clone(),
            router: false,
            nics: vec![Nic {
                name: "eth0".to_owned(),
                ip: h.ip,
                prefix: prefix_of(&h.name, h.ip, &h.mask)?,
                mac: h.mac,
            }],
            gateway: h.gateway,
            routes: Vec::new(),
            arp: h.arp.clone(),
            held: Vec::new(),
            asking: Vec::new(),
            ident: 0,
        }));
    }
    for s in &spec.switches {
        nodes.push(Node::Switch(Switch {
            name: s.name.clone(),
            ports: Vec::new(),
            table: Vec::new(),
        }));
    }
    for r in &spec.routers {
        if r.interfaces.is_empty() {
            return Err(LanError::NoInterfaces {
                router: r.name.clone(),
            });
        }
        let mut nics = Vec::new();
        for i in &r.interfaces {
            nics.push(Nic {
                name: i.name.clone(),
                ip: i.ip,
                prefix: prefix_of(&format!("{}:{}", r.name, i.name), i.ip, &i.mask)?,
                mac: i.mac,
            });
        }
        for (k, a) in nics.iter().enumerate() {
            let overlap = |b: &&Nic| {
                a.net().contains(&b.net().network()) || b.net().contains(&a.net().network())
            };
            if let Some(b) = nics.get(k + 1..).unwrap_or_default().iter().find(overlap) {
                let network = if a.prefix <= b.prefix {
                    a.net()
                } else {
                    b.net()
                };
                return Err(LanError::SharedNetwork {
                    router: r.name.clone(),
                    a: a.name.clone(),
                    b: b.name.clone(),
                    network,
                });
            }
        }
        let mut routes = Vec::new();
        for route in &r.routes {
            let interface = match (&route.interface, route.via) {
                (Some(name), _) if nics.iter().any(|n| &n.name == name) => name.clone(),
                (Some(name), _) => {
                    return Err(LanError::RouteUnknownInterface {
                        router: r.name.clone(),
                        network: route.network,
                        interface: name.clone(),
                    });
                }
                (None, via) => nics
                    .iter()
                    .find(|n| via.is_some_and(|v| n.net().contains(&v)))
                    .map(|n| n.name.clone())
                    .ok_or_else(|| LanError::RouteInterface {
                        router: r.name.clone(),
                        network: route.network,
                        via: via.map_or_else(|| "(none)".to_owned(), |v| v.to_string()),
                    })?,
            };
            routes.push(Route {
                network: route.network.trunc(),
                via: route.via,
                interface,
                connected: false,
            });
        }
        nodes.push(Node::Station(Station {
            name: r.name.clone(),
            router: true,
            nics,
            gateway: None,
            routes,
            arp: r.arp.clone(),
            held: Vec::new(),
            asking: Vec::new(),
            ident: 0,
        }));
    }
    for (i, n) in nodes.iter().enumerate() {
        if nodes[..i].iter().any(|m| m.name() == n.name()) {
            return Err(LanError::DuplicateName(n.name().to_owned()));
        }
    }
    let mut cables = BTreeMap::new();
    for l in &spec.links {
        let label = format!("{}-{}", l.a, l.b);
        let a = endpoint(&mut nodes, &l.a, &label)?;
        let b = endpoint(&mut nodes, &l.b, &label)?;
        if a == b {
            return Err(LanError::SelfLink {
                link: label,
                name: l.a.clone(),
            });
        }
        for (end, text) in [(a, &l.a), (b, &l.b)] {
            if cables.contains_key(&end) {
                return Err(LanError::PortInUse {
                    link: label.clone(),
                    endpoint: text.clone(),
                });
            }
        }
        cables.insert(a, b);
        cables.insert(b, a);
    }
    Ok((nodes, cables))
}

/// Reads one end of a link and, for a switch, claims the port.
pub(super) fn endpoint(nodes: &mut [Node], text: &str, link: &str) -> Result<PortId, LanError> {
    let (name, port) = match text.split_once(':') {
        Some((n, p)) => (n.trim(), Some(p.trim())),
        None => (text.trim(), None),
    };
    let at = nodes
        .iter()
        .position(|n| n.name() == name)
        .ok_or_else(|| LanError::UnknownNode {
            link: link.to_owned(),
            name: name.to_owned(),
        })?;
    match &mut nodes[at] {
        Node::Switch(s) => {
            let number =
                match port {
                    Some(p) => p.parse::<u16>().ok().filter(|&n| n > 0).ok_or_else(|| {
                        LanError::BadPort {
                            link: link.to_owned(),
                            switch: s.name.clone(),
                            port: p.to_owned(),
                        }
                    })?,
                    None => (1..=u16::MAX)
                        .find(|n| !s.ports.contains(n))
                        .unwrap_or(u16::MAX),
                };
            if !s.ports.contains(&number) {
                s.ports.push(number);
                s.ports.sort_unstable();
            }
            Ok((at, usize::from(number)))
        }
        Node::Station(st) => {
            let nic = match port {
                Some(p) => st.nics.iter().position(|n| n.name == p),
                None if st.nics.len() == 1 => Some(0),
                None => {
                    return Err(LanError::RouterNeedsInterface {
                        link: link.to_owned(),
                        router: st.name.clone(),
                        example: st.nics[0].name.clone(),
                    });
                }
            };
            nic.map(|n| (at, n))
                .ok_or_else(|| LanError::UnknownInterface {
                    link: link.to_owned(),
                    router: st.name.clone(),
                    interface: port.unwrap_or_default().to_owned(),
                })
        }
    }
}

pub(super) fn node_state(n: &Node) -> NodeState {
    match n {
        Node::Switch(s) => NodeState::Switch {
            name: s.name.clone(),
            ports: s.ports.clone(),
            table: s.table.clone(),
        },
        Node::Station(s) if s.router => NodeState::Router {
            name: s.name.clone(),
            routes: s.table(),
            arp: s.arp.clone(),
        },
        Node::Station(s) => NodeState::Host {
            name: s.name.clone(),
            ip: s.nics[0].ip,
            prefix: s.nics[0].prefix,
            gateway: s.gateway,
            mac: s.nics[0].mac,
            arp: s.arp.clone(),
        },
    }
}
