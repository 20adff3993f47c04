//! The three layer models the seeds teach, and where each protocol sits in
//! every one of them.
//!
//! - OSI, 7 layers (ISO/IEC 7498-1; seed 003 §8.3.1, seed 002);
//! - the 5-layer teaching model of seed 003 §8.3.2, whose table also says
//!   what each layer is about and which protocols and devices work there;
//! - TCP/IP, 4 layers (RFC 1122 §1.1.3; seed 001).
//!
//! ARP sits in the data link layer, as seed 003's table puts it (and
//! RFC 1122 puts it in the link layer); ICMP travels inside IP and sits in
//! the network layer with it (seed 001), and so does ICMPv6, Neighbor
//! Discovery included, though it does ARP's work.

use std::fmt;

use serde::Serialize;

/// A layer of the OSI reference model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OsiLayer {
    Physical = 1,
    DataLink = 2,
    Network = 3,
    Transport = 4,
    Session = 5,
    Presentation = 6,
    Application = 7,
}

impl OsiLayer {
    /// Top to bottom, as the seeds list them (第七层 first).
    pub const ALL: [Self; 7] = [
        Self::Application,
        Self::Presentation,
        Self::Session,
        Self::Transport,
        Self::Network,
        Self::DataLink,
        Self::Physical,
    ];

    /// 1 (physical) to 7 (application).
    pub fn number(self) -> u8 {
        self as u8
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Physical => "physical",
            Self::DataLink => "data link",
            Self::Network => "network",
            Self::Transport => "transport",
            Self::Session => "session",
            Self::Presentation => "presentation",
            Self::Application => "application",
        }
    }

    /// The seeds' name (seed 003 §8.3.1).
    pub fn name_zh(self) -> &'static str {
        match self {
            Self::Physical => "物理层",
            Self::DataLink => "数据链路层",
            Self::Network => "网络层",
            Self::Transport => "传输层",
            Self::Session => "会话层",
            Self::Presentation => "表示层",
            Self::Application => "应用层",
        }
    }

    /// What the layer does, after seed 002's list.
    pub fn role(self) -> &'static str {
        match self {
            Self::Physical => "the hardware and its interfaces: bits as signals",
            Self::DataLink => "frames between neighbours on one link, by MAC address",
            Self::Network => "routing packets between networks, by IP address",
            Self::Transport => "the right service on each host, by port; flow control",
            Self::Session => "connections between programs",
            Self::Presentation => "compression and encryption of the data",
            Self::Application => "the service a program gives its user",
        }
    }
}

/// A layer of the 5-layer model of seed 003 (OSI's top three merged into
/// one application layer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FiveLayer {
    Physical = 1,
    DataLink = 2,
    Network = 3,
    Transport = 4,
    Application = 5,
}

impl FiveLayer {
    /// Top to bottom, the rows of seed 003's table.
    pub const ALL: [Self; 5] = [
        Self::Application,
        Self::Transport,
        Self::Network,
        Self::DataLink,
        Self::Physical,
    ];

    /// 1 (physical) to 5 (application), the seed's 第N层.
    pub fn number(self) -> u8 {
        self as u8
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Physical => "physical",
            Self::DataLink => "data link",
            Self::Network => "network",
            Self::Transport => "transport",
            Self::Application => "application",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Self::Physical => "物理层",
            Self::DataLink => "数据链路层",
            Self::Network => "网络层",
            Self::Transport => "传输层",
            Self::Application => "应用层",
        }
    }

    /// The table's third column: what the layer is about, verbatim.
    pub fn about_zh(self) -> &'static str {
        match self {
            Self::Physical => "",
            Self::DataLink => "mac地址相关",
            Self::Network => "ip地址相关",
            Self::Transport => "port端口相关",
            Self::Application => "python代码相关",
        }
    }

    /// The table's protocols column.
    pub fn protocols(self) -> &'static [&'static str] {
        match self {
            Self::Physical => &[],
            Self::DataLink => &["ARP"],
            Self::Network => &["IPv4", "IPv6"],
            Self::Transport => &["TCP", "UDP"],
            Self::Application => &["HTTP", "HTTPS", "FTP", "SMTP"],
        }
    }

    /// The table's devices column, verbatim (the physical row is empty in
    /// seed 003; seed 000 names the cable, 网线).
    pub fn devices_zh(self) -> &'static str {
        match self {
            Self::Physical => "",
            Self::DataLink => "网卡，(二层)交换机",
            Self::Network => "(三层)路由器，三层交换机",
            Self::Transport => "四层路由器，四层交换机",
            Self::Application => "",
        }
    }

    /// The same devices in English.
    pub fn devices(self) -> &'static [&'static str] {
        match self {
            Self::Physical => &[],
            Self::DataLink => &["network card (NIC)", "(layer 2) switch"],
            Self::Network => &["(layer 3) router", "layer 3 switch"],
            Self::Transport => &["layer 4 router", "layer 4 switch"],
            Self::Application => &[],
        }
    }

    /// The OSI layers this layer covers.
    pub fn osi(self) -> &'static [OsiLayer] {
        match self {
            Self::Physical => &[OsiLayer::Physical],
            Self::DataLink => &[OsiLayer::DataLink],
            Self::Network => &[OsiLayer::Network],
            Self::Transport => &[OsiLayer::Transport],
            Self::Application => &[
                OsiLayer::Application,
                OsiLayer::Presentation,
                OsiLayer::Session,
            ],
        }
    }
}

/// A layer of the TCP/IP model (RFC 1122).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TcpIpLayer {
    Link = 1,
    Internet = 2,
    Transport = 3,
    Application = 4,
}

impl TcpIpLayer {
    /// Top to bottom.
    pub const ALL: [Self; 4] = [
        Self::Application,
        Self::Transport,
        Self::Internet,
        Self::Link,
    ];

    pub fn number(self) -> u8 {
        self as u8
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Link => "link",
            Self::Internet => "internet",
            Self::Transport => "transport",
            Self::Application => "application",
        }
    }

    /// Seed 001 calls the bottom layer 数据链路层, seed 002 物理链路层;
    /// it is both the data link and the physical layer of OSI.
    pub fn name_zh(self) -> &'static str {
        match self {
            Self::Link => "网络接口层（数据链路层 + 物理层）",
            Self::Internet => "网络层",
            Self::Transport => "传输层",
            Self::Application => "应用层",
        }
    }

    /// The OSI layers this layer covers.
    pub fn osi(self) -> &'static [OsiLayer] {
        match self {
            Self::Link => &[OsiLayer::DataLink, OsiLayer::Physical],
            Self::Internet => &[OsiLayer::Network],
            Self::Transport => &[OsiLayer::Transport],
            Self::Application => &[
                OsiLayer::Application,
                OsiLayer::Presentation,
                OsiLayer::Session,
            ],
        }
    }
}

/// Every kind of header (or part of a frame) netlab names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Protocol {
    /// What the NIC adds on the wire: preamble, SFD, padding, FCS, bits.
    EthernetPhy,
    Ethernet,
    /// An IEEE 802.1Q VLAN tag.
    Vlan,
    /// A Linux cooked capture's header (`tcpdump -i any`), in place of the
    /// link layer's own.
    LinuxSll,
    Arp,
    Ipv4,
    Ipv6,
    Icmpv4,
    /// ICMP for IPv6, Neighbor Discovery included.
    Icmpv6,
    Udp,
    Tcp,
    /// The application's bytes.
    Data,
    /// Bytes after the packet inside the frame: padding up to Ethernet's
    /// 60-byte minimum, or a trailer.
    EthernetTrailer,
}

impl Protocol {
    /// The name Wireshark's tree gives it.
    pub fn name(self) -> &'static str {
        match self {
            Self::EthernetPhy => "Ethernet physical layer",
            Self::Ethernet => "Ethernet II",
            Self::Vlan => "802.1Q Virtual LAN",
            Self::LinuxSll => "Linux cooked capture",
            Self::Arp => "ARP",
            Self::Ipv4 => "IPv4",
            Self::Ipv6 => "IPv6",
            Self::Icmpv4 => "ICMP",
            Self::Icmpv6 => "ICMPv6",
            Self::Udp => "UDP",
            Self::Tcp => "TCP",
            Self::Data => "Data",
            Self::EthernetTrailer => "Ethernet padding",
        }
    }

    pub fn osi(self) -> OsiLayer {
        match self.five() {
            FiveLayer::Physical => OsiLayer::Physical,
            FiveLayer::DataLink => OsiLayer::DataLink,
            FiveLayer::Network => OsiLayer::Network,
            FiveLayer::Transport => OsiLayer::Transport,
            FiveLayer::Application => OsiLayer::Application,
        }
    }

    pub fn five(self) -> FiveLayer {
        match self {
            Self::EthernetPhy => FiveLayer::Physical,
            Self::Ethernet | Self::Vlan | Self::LinuxSll | Self::Arp | Self::EthernetTrailer => {
                FiveLayer::DataLink
            }
            Self::Ipv4 | Self::Ipv6 | Self::Icmpv4 | Self::Icmpv6 => FiveLayer::Network,
            Self::Udp | Self::Tcp => FiveLayer::Transport,
            Self::Data => FiveLayer::Application,
        }
    }

    pub fn tcp_ip(self) -> TcpIpLayer {
        match self.five() {
            FiveLayer::Physical | FiveLayer::DataLink => TcpIpLayer::Link,
            FiveLayer::Network => TcpIpLayer::Internet,
            FiveLayer::Transport => TcpIpLayer::Transport,
            FiveLayer::Application => TcpIpLayer::Application,
        }
    }
}

impl Protocol {
    /// The name messages use: short forms read better there ("Ethernet:
    /// needs 14 bytes"); what `Display` writes.
    pub fn short_name(self) -> &'static str {
        match self {
            Self::Ethernet => "Ethernet",
            Self::Vlan => "802.1Q",
            other => other.name(),
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.short_name())
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn every_protocol_has_a_place_in_every_model() {
        let tcp = Protocol::Tcp;
        assert_eq!((tcp.osi().number(), tcp.five().number()), (4, 4));
        assert_eq!(tcp.tcp_ip(), TcpIpLayer::Transport);
        assert_eq!(Protocol::Arp.five().name_zh(), "数据链路层");
        assert_eq!(Protocol::Icmpv4.osi(), OsiLayer::Network);
        assert_eq!(Protocol::Icmpv6.five(), Protocol::Icmpv4.five());
        assert_eq!(Protocol::Icmpv6.tcp_ip(), TcpIpLayer::Internet);
        assert_eq!(Protocol::Icmpv6.to_string(), "ICMPv6");
        assert_eq!(Protocol::Data.osi().number(), 7);
        assert_eq!(Protocol::EthernetPhy.tcp_ip(), TcpIpLayer::Link);
        // The seed's table, row by row.
        let rows: Vec<(u8, &str, &str)> = FiveLayer::ALL
            .iter()
            .map(|l| (l.number(), l.name_zh(), l.about_zh()))
            .collect();
        assert_eq!(rows[0], (5, "应用层", "python代码相关"));
        assert_eq!(rows[4], (1, "物理层", ""));
        assert_eq!(FiveLayer::Network.devices_zh(), "(三层)路由器，三层交换机");
        // Each model covers all seven OSI layers exactly once.
        let mut five: Vec<OsiLayer> = FiveLayer::ALL
            .iter()
            .flat_map(|l| l.osi())
            .copied()
            .collect();
        let mut four: Vec<OsiLayer> = TcpIpLayer::ALL
            .iter()
            .flat_map(|l| l.osi())
            .copied()
            .collect();
        five.sort();
        four.sort();
        let mut all = OsiLayer::ALL.to_vec();
        all.sort();
        assert_eq!(five, all);
        assert_eq!(four, all);
    }
}
