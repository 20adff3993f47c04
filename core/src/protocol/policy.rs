//! Where the relay may send: the destination allow-list, and where it may
//! listen.
//!
//! A relay that connects anywhere turns every web page into a port scanner
//! of the learner's network (the Wisp servers learned this as an SSRF bug).
//! So the default is loopback only, a name is resolved once and the
//! resolved address is both the one checked and the one used, and `bind` /
//! `listen` stay on loopback whatever the allow-list says.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::ops::RangeInclusive;
use std::str::FromStr;

use ipnet::IpNet;
use thiserror::Error;

/// One `--allow` entry: a network and, optionally, a port range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowRule {
    pub net: IpNet,
    pub ports: Option<RangeInclusive<u16>>,
}

/// Why an `--allow` entry could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("'{0}' is not CIDR[:PORT[-PORT]] (e.g. 127.0.0.0/8, 127.0.0.1/32:9000-9010, [::1]:8080)")]
pub struct RuleError(pub String);

impl FromStr for AllowRule {
    type Err = RuleError;

    /// Reads `CIDR`, `CIDR:PORT`, `CIDR:PORT-PORT`, a bare address (a /32 or
    /// /128), or an IPv6 one in brackets, as URLs write it: `[IPv6]:PORT`,
    /// `[IPv6]/PREFIX:PORT`.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::protocol::policy::AllowRule;
    ///
    /// let rule: AllowRule = "127.0.0.1/32:9000-9010".parse().unwrap();
    /// assert!(rule.allows("127.0.0.1:9005".parse().unwrap()));
    /// assert!(!rule.allows("127.0.0.1:9011".parse().unwrap()));
    /// let v6: AllowRule = "[::1]:8080".parse().unwrap();
    /// assert!(v6.allows("[::1]:8080".parse().unwrap()));
    /// let net6: AllowRule = "[fd00::]/8:53".parse().unwrap();
    /// assert!(net6.allows("[fd12::1]:53".parse().unwrap()));
    /// ```
    fn from_str(text: &str) -> Result<Self, RuleError> {
        let bad = || RuleError(text.to_owned());
        let (addr_part, prefix_and_ports) = if let Some(rest) = text.strip_prefix('[') {
            let (addr, after) = rest.split_once(']').ok_or_else(bad)?;
            if !after.is_empty() && !after.starts_with(':') && !after.starts_with('/') {
                return Err(bad());
            }
            (addr, after.to_owned())
        } else if let Some((addr, rest)) = text.split_once('/') {
            (addr, format!("/{rest}"))
        } else if text.matches(':').count() == 1 {
            let (addr, ports) = text.split_once(':').ok_or_else(bad)?;
            (addr, format!(":{ports}"))
        } else {
            (text, String::new())
        };
        let ip: IpAddr = addr_part.parse().map_err(|_| bad())?;
        let max = if ip.is_ipv4() { 32 } else { 128 };
        let (prefix, ports) = match prefix_and_ports.strip_prefix('/') {
            Some(rest) => match rest.split_once(':') {
                Some((p, ports)) => (p.parse::<u8>().map_err(|_| bad())?, Some(ports)),
                None => (rest.parse::<u8>().map_err(|_| bad())?, None),
            },
            None => (max, prefix_and_ports.strip_prefix(':')),
        };
        let net = IpNet::new(ip, prefix).map_err(|_| bad())?.trunc();
        let ports = match ports {
            None => None,
            Some(p) => {
                let (lo, hi) = p.split_once('-').unwrap_or((p, p));
                let lo: u16 = lo.parse().map_err(|_| bad())?;
                let hi: u16 = hi.parse().map_err(|_| bad())?;
                if lo > hi {
                    return Err(bad());
                }
                Some(lo..=hi)
            }
        };
        Ok(Self { net, ports })
    }
}

impl fmt::Display for AllowRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.ports {
            None => write!(f, "{}", self.net),
            Some(r) if r.start() == r.end() => write!(f, "{}:{}", self.net, r.start()),
            Some(r) => write!(f, "{}:{}-{}", self.net, r.start(), r.end()),
        }
    }
}

impl AllowRule {
    /// Whether this rule lets the relay reach `dest`.
    pub fn allows(&self, dest: SocketAddr) -> bool {
        self.net.contains(&canonical(dest.ip()))
            && self.ports.as_ref().is_none_or(|r| r.contains(&dest.port()))
    }
}

/// The allow-list as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub rules: Vec<AllowRule>,
}

impl Default for Policy {
    /// Loopback only: `127.0.0.0/8` and `::1/128`, every port.
    fn default() -> Self {
        Self {
            rules: ["127.0.0.0/8", "::1/128"]
                .iter()
                .filter_map(|r| r.parse().ok())
                .collect(),
        }
    }
}

impl Policy {
    /// Checks a destination of `connect` or `sendto`; the error message names
    /// the destination and the allow-list, for an `EACCES` event.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::protocol::policy::Policy;
    ///
    /// let p = Policy::default();
    /// assert!(p.check("127.0.0.1:9900".parse().unwrap()).is_ok());
    /// let denied = p.check("10.0.0.1:80".parse().unwrap()).unwrap_err();
    /// assert_eq!(denied, "10.0.0.1:80 is outside the relay's allow-list (127.0.0.0/8, ::1/128)");
    /// ```
    pub fn check(&self, dest: SocketAddr) -> Result<(), String> {
        if self.rules.iter().any(|r| r.allows(dest)) {
            Ok(())
        } else {
            Err(format!(
                "{dest} is outside the relay's allow-list ({})",
                self.describe()
            ))
        }
    }

    /// The rules as the hello message lists them.
    pub fn strings(&self) -> Vec<String> {
        self.rules.iter().map(ToString::to_string).collect()
    }

    fn describe(&self) -> String {
        self.strings().join(", ")
    }
}

/// Whether `bind`/`listen` may use this address: loopback only.
///
/// # Examples
///
/// ```
/// use netlab_core::protocol::policy::bindable;
///
/// assert!(bindable("127.0.0.1".parse().unwrap()));
/// assert!(bindable("::1".parse().unwrap()));
/// assert!(!bindable("0.0.0.0".parse().unwrap()));
/// ```
pub fn bindable(ip: IpAddr) -> bool {
    canonical(ip).is_loopback()
}

/// An IPv4-mapped IPv6 address as the IPv4 address it carries. Rules check
/// addresses this way, so `::ffff:10.0.0.1` cannot slip past a rule for
/// `10.0.0.0/8`; the relay matches a connection's two ends this way, as an
/// IPv6 socket talking to an IPv4 one sees it in `::ffff:` form.
///
/// # Examples
///
/// ```
/// use netlab_core::protocol::policy::canonical;
///
/// assert_eq!(canonical("::ffff:10.0.0.1".parse().unwrap()).to_string(), "10.0.0.1");
/// assert_eq!(canonical("::1".parse().unwrap()).to_string(), "::1");
/// ```
pub fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The loopback address a socket that binds itself binds on (the relay
/// binds loopback only): `127.0.0.1` for IPv4; for IPv6 `::ffff:127.0.0.1`
/// when its first datagram goes `toward` an IPv4 address in IPv6 form
/// (Linux sends there only from an address of that form), else `::1`.
/// The relay and the page's client both bind this way.
///
/// # Examples
///
/// ```
/// use netlab_core::protocol::policy::loopback_toward;
///
/// let mapped = Some("::ffff:127.0.0.1".parse().unwrap());
/// assert_eq!(loopback_toward(true, mapped).to_string(), "::ffff:127.0.0.1");
/// assert_eq!(loopback_toward(true, None).to_string(), "::1");
/// assert_eq!(loopback_toward(false, mapped).to_string(), "127.0.0.1");
/// ```
pub fn loopback_toward(v6: bool, toward: Option<IpAddr>) -> IpAddr {
    match toward {
        Some(IpAddr::V6(ip)) if v6 && ip.to_ipv4_mapped().is_some() => {
            IpAddr::V6(Ipv4Addr::LOCALHOST.to_ipv6_mapped())
        }
        _ if v6 => IpAddr::V6(Ipv6Addr::LOCALHOST),
        _ => IpAddr::V4(Ipv4Addr::LOCALHOST),
    }
}

#[cfg(test)]
mod test {
    use super::*;

    fn rule(s: &str) -> AllowRule {
        s.parse().unwrap()
    }

    #[test]
    fn rule_forms() {
        assert_eq!(rule("127.0.0.1").to_string(), "127.0.0.1/32");
        assert_eq!(rule("127.0.0.1:80").to_string(), "127.0.0.1/32:80");
        assert_eq!(rule("127.1.2.3/8").to_string(), "127.0.0.0/8");
        assert_eq!(rule("::1").to_string(), "::1/128");
        assert_eq!(rule("::1/128:1-2").to_string(), "::1/128:1-2");
        assert_eq!(rule("[::1]/128:21220").to_string(), "::1/128:21220");
        assert_eq!(rule("[fd00::]/8").to_string(), "fd00::/8");
        for bad in [
            "",
            "x",
            "127.0.0.1/33",
            "127.0.0.1:70000",
            "127.0.0.1:9-1",
            "[::1",
            "[::1]x",
            "[::1]/129",
            "[::1]/",
        ] {
            assert!(bad.parse::<AllowRule>().is_err(), "{bad}");
        }
    }

    #[test]
    fn policy_denies_outside_and_mapped_tricks() {
        let p = Policy {
            rules: vec![rule("127.0.0.1/32:9000-9010")],
        };
        assert!(p.check("127.0.0.1:9000".parse().unwrap()).is_ok());
        assert!(p.check("127.0.0.2:9000".parse().unwrap()).is_err());
        assert!(p.check("127.0.0.1:8999".parse().unwrap()).is_err());
        assert!(p.check("[::ffff:127.0.0.1]:9001".parse().unwrap()).is_ok());
        let d = Policy::default();
        assert!(d.check("[::ffff:10.0.0.1]:80".parse().unwrap()).is_err());
        assert!(!bindable("::ffff:10.0.0.1".parse().unwrap()));
    }
}
