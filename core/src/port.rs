//! Well-known services and port numbers: `socket.getservbyname('mysql')`
//! from seed 002 without the operating system's `/etc/services`, so the
//! browser gives the same answer as the command line.
//!
//! Names are those of `/etc/services` (Debian's netbase, which follows the
//! IANA Service Name and Transport Protocol Port Number Registry) where it
//! has the service, else IANA's. Aliases are `/etc/services`' plus the
//! everyday names learners type (`dns`, `dhcp`, `rdp`, `vnc`, `mongo`).
//!
//! Lookups follow glibc's `getservbyname`/`getservbyport`: a protocol can
//! be asked for; without one the TCP entry is preferred and a UDP-only
//! service (tftp, ntp) is still found, as CPython's `getservbyname(name)`
//! with no protocol finds it. Names are matched without regard to case.

use std::fmt;

use serde::Serialize;
use thiserror::Error;

/// Why a lookup failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PortError {
    /// A number outside 0-65535, which it holds (CPython's wording, to
    /// the full stop).
    #[error("getservbyport: port must be 0-65535.")]
    OutOfRange(String),
    /// No such service in the table (CPython's wording, then the detail).
    #[error("service/proto not found: {0}")]
    NotFound(String),
    /// Nothing to look up.
    #[error("an empty string is neither a service name nor a port number")]
    Empty,
    /// A protocol other than `tcp` or `udp`.
    #[error("unknown protocol '{0}': use tcp or udp")]
    UnknownProtocol(String),
}

/// A transport protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Proto {
    Tcp,
    Udp,
}

impl fmt::Display for Proto {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Tcp => "tcp",
            Self::Udp => "udp",
        })
    }
}

impl std::str::FromStr for Proto {
    type Err = PortError;

    /// Accepts `tcp` and `udp` in any case, the names `getservbyname` takes.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::port::Proto;
    ///
    /// assert_eq!("UDP".parse::<Proto>().unwrap(), Proto::Udp);
    /// assert_eq!("sctp".parse::<Proto>().unwrap_err().to_string(), "unknown protocol 'sctp': use tcp or udp");
    /// ```
    fn from_str(s: &str) -> Result<Self, PortError> {
        match s.to_ascii_lowercase().as_str() {
            "tcp" => Ok(Self::Tcp),
            "udp" => Ok(Self::Udp),
            _ => Err(PortError::UnknownProtocol(s.to_owned())),
        }
    }
}

/// One service of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Service {
    pub name: &'static str,
    pub port: u16,
    /// The protocols it is registered for, `tcp` first.
    pub protocols: &'static [Proto],
    pub aliases: &'static [&'static str],
    pub description: &'static str,
}

impl Service {
    /// Whether the service is registered for `proto`.
    pub fn speaks(&self, proto: Proto) -> bool {
        self.protocols.contains(&proto)
    }
}

const TCP: &[Proto] = &[Proto::Tcp];
const UDP: &[Proto] = &[Proto::Udp];
const BOTH: &[Proto] = &[Proto::Tcp, Proto::Udp];

const fn svc(
    name: &'static str,
    port: u16,
    protocols: &'static [Proto],
    aliases: &'static [&'static str],
    description: &'static str,
) -> Service {
    Service {
        name,
        port,
        protocols,
        aliases,
        description,
    }
}

/// The table, in port order. Where one port has different services on TCP
/// and UDP (514: shell and syslog) both are listed.
pub static SERVICES: &[Service] = &[
    svc("tcpmux", 1, TCP, &[], "TCP port service multiplexer"),
    svc("echo", 7, BOTH, &[], "Echo: sends back what it receives"),
    svc(
        "discard",
        9,
        BOTH,
        &["sink", "null"],
        "Discard: drops what it receives",
    ),
    svc("daytime", 13, BOTH, &[], "Daytime: the time as text"),
    svc("qotd", 17, TCP, &["quote"], "Quote of the day"),
    svc(
        "chargen",
        19,
        BOTH,
        &["ttytst", "source"],
        "Character generator",
    ),
    svc(
        "ftp-data",
        20,
        TCP,
        &[],
        "FTP data connection (active mode)",
    ),
    svc(
        "ftp",
        21,
        TCP,
        &[],
        "File Transfer Protocol, control connection",
    ),
    svc("ssh", 22, TCP, &[], "Secure Shell remote login"),
    svc("telnet", 23, TCP, &[], "Telnet remote login (unencrypted)"),
    svc("smtp", 25, TCP, &["mail"], "Simple Mail Transfer Protocol"),
    svc(
        "time",
        37,
        BOTH,
        &["timserver"],
        "Time protocol (seconds since 1900)",
    ),
    svc("whois", 43, TCP, &["nicname"], "WHOIS directory lookups"),
    svc("tacacs", 49, BOTH, &[], "TACACS login host protocol"),
    svc("domain", 53, BOTH, &["dns"], "Domain Name System"),
    svc(
        "bootps",
        67,
        UDP,
        &["dhcp", "dhcps", "dhcp-server"],
        "DHCP/BOOTP server",
    ),
    svc(
        "bootpc",
        68,
        UDP,
        &["dhcpc", "dhcp-client"],
        "DHCP/BOOTP client",
    ),
    svc("tftp", 69, UDP, &[], "Trivial File Transfer Protocol"),
    svc("gopher", 70, TCP, &[], "Internet Gopher"),
    svc("finger", 79, TCP, &[], "Finger user information"),
    svc("http", 80, TCP, &["www"], "World Wide Web (HTTP)"),
    svc(
        "kerberos",
        88,
        BOTH,
        &["kerberos5", "krb5", "kerberos-sec"],
        "Kerberos v5 authentication",
    ),
    svc(
        "pop3",
        110,
        TCP,
        &["pop-3"],
        "Post Office Protocol v3 (mail download)",
    ),
    svc(
        "sunrpc",
        111,
        BOTH,
        &["portmapper", "rpcbind"],
        "ONC RPC portmapper",
    ),
    svc(
        "auth",
        113,
        TCP,
        &["authentication", "tap", "ident"],
        "Ident: which user owns a connection",
    ),
    svc(
        "nntp",
        119,
        TCP,
        &["readnews", "untp"],
        "Network News Transfer Protocol",
    ),
    svc("ntp", 123, UDP, &[], "Network Time Protocol"),
    svc(
        "epmap",
        135,
        TCP,
        &["loc-srv", "msrpc"],
        "DCE/Microsoft RPC endpoint mapper",
    ),
    svc("netbios-ns", 137, UDP, &[], "NetBIOS name service"),
    svc("netbios-dgm", 138, UDP, &[], "NetBIOS datagram service"),
    svc(
        "netbios-ssn",
        139,
        TCP,
        &[],
        "NetBIOS session service (old SMB)",
    ),
    svc(
        "imap2",
        143,
        TCP,
        &["imap"],
        "Internet Message Access Protocol",
    ),
    svc("snmp", 161, BOTH, &[], "Simple Network Management Protocol"),
    svc("snmp-trap", 162, BOTH, &["snmptrap"], "SNMP traps"),
    svc("bgp", 179, TCP, &[], "Border Gateway Protocol"),
    svc(
        "ldap",
        389,
        BOTH,
        &[],
        "Lightweight Directory Access Protocol",
    ),
    svc(
        "https",
        443,
        BOTH,
        &[],
        "HTTP over TLS (UDP: HTTP/3 over QUIC)",
    ),
    svc(
        "microsoft-ds",
        445,
        TCP,
        &["smb", "cifs"],
        "SMB file sharing over TCP",
    ),
    svc(
        "submissions",
        465,
        TCP,
        &["ssmtp", "smtps", "urd"],
        "Mail submission over TLS",
    ),
    svc("isakmp", 500, UDP, &["ike"], "IPsec key exchange"),
    svc(
        "shell",
        514,
        TCP,
        &["cmd", "rsh"],
        "Remote shell (rsh, no passwords)",
    ),
    svc("syslog", 514, UDP, &[], "System log messages"),
    svc(
        "printer",
        515,
        TCP,
        &["spooler", "lpd"],
        "Line printer spooler",
    ),
    svc(
        "route",
        520,
        UDP,
        &["router", "routed", "rip"],
        "Routing Information Protocol",
    ),
    svc("dhcpv6-client", 546, UDP, &[], "DHCPv6 client"),
    svc("dhcpv6-server", 547, UDP, &[], "DHCPv6 server"),
    svc("rtsp", 554, BOTH, &[], "Real Time Streaming Protocol"),
    svc("submission", 587, TCP, &[], "Mail submission"),
    svc("ipp", 631, TCP, &[], "Internet Printing Protocol"),
    svc("ldaps", 636, BOTH, &[], "LDAP over TLS"),
    svc("domain-s", 853, BOTH, &["dot"], "DNS over TLS"),
    svc("rsync", 873, TCP, &[], "rsync file synchronisation"),
    svc("ftps-data", 989, TCP, &[], "FTP data over TLS"),
    svc("ftps", 990, TCP, &[], "FTP control over TLS"),
    svc("telnets", 992, TCP, &[], "Telnet over TLS"),
    svc("imaps", 993, TCP, &[], "IMAP over TLS"),
    svc("pop3s", 995, TCP, &[], "POP3 over TLS"),
    svc("socks", 1080, TCP, &[], "SOCKS proxy"),
    svc("openvpn", 1194, BOTH, &[], "OpenVPN"),
    svc("ms-sql-s", 1433, TCP, &["mssql"], "Microsoft SQL Server"),
    svc("ms-sql-m", 1434, UDP, &[], "Microsoft SQL Server monitor"),
    svc("l2f", 1701, UDP, &["l2tp"], "Layer 2 Tunnelling Protocol"),
    svc("radius", 1812, BOTH, &[], "RADIUS authentication"),
    svc("radius-acct", 1813, BOTH, &["radacct"], "RADIUS accounting"),
    svc(
        "ssdp",
        1900,
        UDP,
        &["upnp"],
        "Simple Service Discovery Protocol (UPnP)",
    ),
    svc("nfs", 2049, BOTH, &[], "Network File System"),
    svc("docker", 2375, TCP, &[], "Docker API (plain)"),
    svc("docker-s", 2376, TCP, &[], "Docker API over TLS"),
    svc("mysql", 3306, TCP, &[], "MySQL database"),
    svc(
        "ms-wbt-server",
        3389,
        TCP,
        &["rdp"],
        "Microsoft Remote Desktop (RDP)",
    ),
    svc("svn", 3690, TCP, &["subversion"], "Subversion"),
    svc("ipsec-nat-t", 4500, UDP, &[], "IPsec NAT traversal"),
    svc("sip", 5060, BOTH, &[], "Session Initiation Protocol (VoIP)"),
    svc("sip-tls", 5061, BOTH, &[], "SIP over TLS"),
    svc(
        "xmpp-client",
        5222,
        TCP,
        &["jabber-client"],
        "XMPP (Jabber) client connection",
    ),
    svc("mdns", 5353, UDP, &[], "Multicast DNS"),
    svc(
        "llmnr",
        5355,
        BOTH,
        &[],
        "Link-Local Multicast Name Resolution",
    ),
    svc(
        "postgresql",
        5432,
        TCP,
        &["postgres"],
        "PostgreSQL database",
    ),
    svc(
        "amqp",
        5672,
        TCP,
        &["rabbitmq"],
        "AMQP message queue (RabbitMQ)",
    ),
    svc(
        "rfb",
        5900,
        TCP,
        &["vnc"],
        "Remote Framebuffer (VNC remote desktop)",
    ),
    svc("x11", 6000, TCP, &["x11-0"], "X Window System"),
    svc("redis", 6379, TCP, &[], "Redis key-value store"),
    svc("ircd", 6667, TCP, &["irc"], "Internet Relay Chat"),
    svc(
        "qq",
        8000,
        UDP,
        &["oicq"],
        "Tencent QQ messaging (vendor's port, not in the IANA registry)",
    ),
    svc(
        "http-alt",
        8080,
        TCP,
        &["webcache"],
        "Alternative HTTP port, proxies",
    ),
    svc("git", 9418, TCP, &[], "Git protocol"),
    svc("zabbix-agent", 10050, TCP, &[], "Zabbix agent"),
    svc("memcache", 11211, BOTH, &["memcached"], "Memcached cache"),
    svc("mongodb", 27017, TCP, &["mongo"], "MongoDB database"),
];

/// The IANA range a port number falls in (RFC 6335 §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PortRange {
    /// 0-1023: system ports; binding them needs root on Unix.
    WellKnown,
    /// 1024-49151: user ports, assigned by IANA on request.
    Registered,
    /// 49152-65535: never assigned; the OS picks client ports here.
    Dynamic,
}

impl PortRange {
    /// The range of a port.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::port::PortRange;
    ///
    /// assert_eq!(PortRange::of(80), PortRange::WellKnown);
    /// assert_eq!(PortRange::of(9000), PortRange::Registered);
    /// assert_eq!(PortRange::of(50000), PortRange::Dynamic);
    /// ```
    pub fn of(port: u16) -> Self {
        match port {
            0..=1023 => Self::WellKnown,
            1024..=49151 => Self::Registered,
            49152..=u16::MAX => Self::Dynamic,
        }
    }

    /// The numbers of the range, `0-1023`.
    pub fn span(self) -> &'static str {
        match self {
            Self::WellKnown => "0-1023",
            Self::Registered => "1024-49151",
            Self::Dynamic => "49152-65535",
        }
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::WellKnown => "well-known",
            Self::Registered => "registered",
            Self::Dynamic => "dynamic",
        })
    }
}

/// `getservbyname(name, proto)`: the port of a service, by name or alias.
///
/// # Examples
///
/// ```
/// use netlab_core::port::{getservbyname, Proto};
///
/// assert_eq!(getservbyname("mysql", None).unwrap().port, 3306);
/// assert_eq!(getservbyname("dns", Some(Proto::Udp)).unwrap().name, "domain");
/// assert_eq!(getservbyname("tftp", None).unwrap().port, 69);
/// assert!(getservbyname("tftp", Some(Proto::Tcp)).is_err());
/// ```
pub fn getservbyname(name: &str, proto: Option<Proto>) -> Result<&'static Service, PortError> {
    let name = name.trim();
    let matches = |s: &&Service| {
        s.name.eq_ignore_ascii_case(name) || s.aliases.iter().any(|a| a.eq_ignore_ascii_case(name))
    };
    let found = pick(SERVICES.iter().filter(matches), proto);
    found.ok_or_else(|| {
        let known: Vec<&Service> = SERVICES.iter().filter(matches).collect();
        PortError::NotFound(match (known.first(), proto) {
            (Some(s), Some(p)) => {
                let who = if s.name.eq_ignore_ascii_case(name) {
                    name.to_owned()
                } else {
                    format!("{name} ({})", s.name)
                };
                format!(
                    "{who} is not a {p} service; it runs over {}",
                    protocols_text(s.protocols)
                )
            }
            _ => format!("netlab knows no service named '{name}'"),
        })
    })
}

/// `getservbyport(port, proto)`: the service on a port, `None` when the
/// table has none.
///
/// # Examples
///
/// ```
/// use netlab_core::port::{getservbyport, Proto};
///
/// assert_eq!(getservbyport(22, None).unwrap().name, "ssh");
/// assert_eq!(getservbyport(514, None).unwrap().name, "shell");
/// assert_eq!(getservbyport(514, Some(Proto::Udp)).unwrap().name, "syslog");
/// assert!(getservbyport(50000, None).is_none());
/// ```
pub fn getservbyport(port: u16, proto: Option<Proto>) -> Option<&'static Service> {
    pick(SERVICES.iter().filter(|s| s.port == port), proto)
}

/// Among candidates, the one for `proto`; with none asked, the TCP one if
/// any, else the first.
fn pick<'a>(
    candidates: impl Iterator<Item = &'a Service> + Clone,
    proto: Option<Proto>,
) -> Option<&'a Service> {
    match proto {
        Some(p) => candidates.clone().find(|s| s.speaks(p)),
        None => candidates
            .clone()
            .find(|s| s.speaks(Proto::Tcp))
            .or_else(|| candidates.clone().next()),
    }
}

fn protocols_text(protocols: &[Proto]) -> String {
    let words: Vec<String> = protocols.iter().map(Proto::to_string).collect();
    words.join(" and ")
}

/// Everything `netlab port` says about a name or number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PortReport {
    pub query: String,
    pub port: u16,
    /// The protocol of the answer: the one asked for, or the service's
    /// (TCP first) when none was.
    pub protocol: Proto,
    /// The service, `null` when the table has none on this port.
    pub service: Option<&'static Service>,
    /// `well-known`, `registered` or `dynamic`.
    pub range: PortRange,
    /// The numbers of that range, `0-1023`.
    pub range_span: &'static str,
}

impl PortReport {
    /// Looks up a service name or a port number. A number always has an
    /// answer (its range), with `service` null when the table has none.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::port::{PortRange, PortReport};
    ///
    /// let r = PortReport::lookup("mysql", None).unwrap();
    /// assert_eq!((r.port, r.range), (3306, PortRange::Registered));
    /// let r = PortReport::lookup("53", None).unwrap();
    /// assert_eq!(r.service.unwrap().name, "domain");
    /// assert!(PortReport::lookup("65536", None).is_err());
    /// assert!(PortReport::lookup("50000", None).unwrap().service.is_none());
    /// ```
    pub fn lookup(text: &str, proto: Option<Proto>) -> Result<Self, PortError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(PortError::Empty);
        }
        let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            let port = match text.parse::<i64>() {
                Ok(n) => u16::try_from(n).map_err(|_| PortError::OutOfRange(text.to_owned()))?,
                Err(_) => return Err(PortError::OutOfRange(text.to_owned())),
            };
            let service = getservbyport(port, proto);
            return Ok(Self::new(text, port, proto, service));
        }
        let service = getservbyname(text, proto)?;
        Ok(Self::new(text, service.port, proto, Some(service)))
    }

    fn new(
        query: &str,
        port: u16,
        proto: Option<Proto>,
        service: Option<&'static Service>,
    ) -> Self {
        let protocol = proto
            .or_else(|| service.and_then(|s| s.protocols.first().copied()))
            .unwrap_or(Proto::Tcp);
        let range = PortRange::of(port);
        Self {
            query: query.to_owned(),
            port,
            protocol,
            service,
            range,
            range_span: range.span(),
        }
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn the_table_is_big_sorted_and_unambiguous() {
        assert!(SERVICES.len() >= 60, "only {} services", SERVICES.len());
        for w in SERVICES.windows(2) {
            assert!(w[0].port <= w[1].port, "{} before {}", w[0].name, w[1].name);
        }
        let mut names: Vec<String> = SERVICES
            .iter()
            .flat_map(|s| std::iter::once(s.name).chain(s.aliases.iter().copied()))
            .map(str::to_ascii_lowercase)
            .collect();
        names.sort();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len(), "a name or alias is used twice");
        for s in SERVICES {
            assert!(!s.protocols.is_empty(), "{}", s.name);
        }
    }

    #[test]
    fn everything_the_seeds_name() {
        // Seed 002 asks socket.getservbyname('mysql'); seeds 001 and 003
        // name TFTP, HTTP, SNMP, FTP, SMTP, DNS, Telnet, VNC and QQ.
        for (name, port) in [
            ("mysql", 3306),
            ("tftp", 69),
            ("http", 80),
            ("https", 443),
            ("snmp", 161),
            ("ftp", 21),
            ("smtp", 25),
            ("dns", 53),
            ("telnet", 23),
            ("vnc", 5900),
            ("qq", 8000),
        ] {
            assert_eq!(getservbyname(name, None).unwrap().port, port, "{name}");
        }
    }

    #[test]
    fn the_briefs_list_with_etc_services_names() {
        for (name, port, canonical) in [
            ("ssh", 22, "ssh"),
            ("dhcp", 67, "bootps"),
            ("bootpc", 68, "bootpc"),
            ("pop3", 110, "pop3"),
            ("imap", 143, "imap2"),
            ("ldap", 389, "ldap"),
            ("rdp", 3389, "ms-wbt-server"),
            ("redis", 6379, "redis"),
            ("postgresql", 5432, "postgresql"),
            ("postgres", 5432, "postgresql"),
            ("mongodb", 27017, "mongodb"),
            ("WWW", 80, "http"),
        ] {
            let s = getservbyname(name, None).unwrap();
            assert_eq!((s.port, s.name), (port, canonical), "{name}");
        }
    }

    #[test]
    fn protocols_as_glibc() {
        assert_eq!(getservbyname("domain", Some(Proto::Udp)).unwrap().port, 53);
        assert_eq!(
            getservbyname("http", Some(Proto::Udp))
                .unwrap_err()
                .to_string(),
            "service/proto not found: http is not a udp service; it runs over tcp"
        );
        assert_eq!(
            getservbyname("nosuch", None).unwrap_err().to_string(),
            "service/proto not found: netlab knows no service named 'nosuch'"
        );
        let r = PortReport::lookup("tftp", None).unwrap();
        assert_eq!(r.protocol, Proto::Udp);
        let r = PortReport::lookup("69", Some(Proto::Tcp)).unwrap();
        assert!(r.service.is_none());
    }

    #[test]
    fn ranges_and_bounds() {
        let range = |t: &str| PortReport::lookup(t, None).unwrap().range;
        assert_eq!(range("0"), PortRange::WellKnown);
        assert_eq!(range("1023"), PortRange::WellKnown);
        assert_eq!(range("1024"), PortRange::Registered);
        assert_eq!(range("49151"), PortRange::Registered);
        assert_eq!(range("49152"), PortRange::Dynamic);
        assert_eq!(range("65535"), PortRange::Dynamic);
        let err = |t: &str| PortReport::lookup(t, None).unwrap_err().to_string();
        for bad in ["65536", "-1", "99999999999999999999999"] {
            assert_eq!(err(bad), "getservbyport: port must be 0-65535.");
        }
        assert_eq!(
            err(""),
            "an empty string is neither a service name nor a port number"
        );
    }

    #[test]
    fn json_fields() {
        let v = serde_json::to_value(PortReport::lookup("mysql", None).unwrap()).unwrap();
        assert_eq!(v["port"], 3306);
        assert_eq!(v["protocol"], "tcp");
        assert_eq!(v["range"], "registered");
        assert_eq!(v["range_span"], "1024-49151");
        assert_eq!(v["service"]["name"], "mysql");
        assert_eq!(v["service"]["protocols"][0], "tcp");
        let none = serde_json::to_value(PortReport::lookup("50000", None).unwrap()).unwrap();
        assert!(none["service"].is_null());
    }
}
