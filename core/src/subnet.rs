//! The subnet report: everything `ipcalc` prints for one address and mask,
//! computed on `ipnet`'s types, with the conventions spelled out in
//! `docs/cli.md`:
//!
//! - `network` is the address with the host bits cleared (the seeds' AND);
//! - a `/31` has two usable hosts and no broadcast (RFC 3021), a `/32` one
//!   usable host and no broadcast;
//! - IPv6 has no broadcast; its first host skips the Subnet-Router anycast
//!   address (RFC 4291 §2.6.1) except in a `/127` (RFC 6164) or `/128`,
//!   exactly as Python's `ipaddress` counts `hosts()`.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;
use serde::{Serialize, Serializer};
use thiserror::Error;

use crate::addr::{self, AddrError};
use crate::special::{self, SpecialRange};

/// Why a subnet could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SubnetError {
    /// The address part is not an address.
    #[error(transparent)]
    Address(#[from] AddrError),
    /// A prefix length outside `0..=32` (IPv4) or `0..=128` (IPv6).
    #[error("prefix {prefix} is out of range for IPv{version} (0-{max})")]
    PrefixOutOfRange {
        prefix: String,
        version: u8,
        max: u8,
    },
    /// A netmask whose one bits do not form one run from the left.
    #[error("mask {0} is not contiguous")]
    NonContiguousMask(String),
    /// A wildcard (host) mask given where a netmask belongs.
    #[error("mask {mask} is a wildcard (host) mask; the netmask is {netmask}")]
    WildcardMask { mask: String, netmask: String },
    /// An IPv4 mask with an IPv6 address, or the other way round.
    #[error("mask {mask} is IPv{mask_version} but the address {address} is IPv{address_version}")]
    VersionMismatch {
        address: String,
        address_version: u8,
        mask: String,
        mask_version: u8,
    },
    /// More than an address and a mask.
    #[error("'{0}' is not ADDRESS/PREFIX, ADDRESS/MASK or ADDRESS MASK")]
    Shape(String),
}

/// The classful class of an IPv4 address (RFC 791 and RFC 1112), kept for
/// teaching: routing has ignored it since CIDR (RFC 4632).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum AddressClass {
    A,
    B,
    C,
    D,
    E,
}

impl AddressClass {
    /// The class of an IPv4 address, read from its leading bits.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::subnet::AddressClass;
    ///
    /// assert_eq!(AddressClass::of("192.168.12.87".parse().unwrap()), AddressClass::C);
    /// ```
    pub fn of(addr: Ipv4Addr) -> Self {
        match addr.octets()[0] {
            0..=127 => Self::A,
            128..=191 => Self::B,
            192..=223 => Self::C,
            224..=239 => Self::D,
            240..=255 => Self::E,
        }
    }
}

impl fmt::Display for AddressClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// A count of addresses. IPv4 counts are JSON numbers; IPv6 counts can
/// exceed 2^53 (the largest integer a JSON number keeps exactly), so they are
/// decimal strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    V4(u64),
    V6(u128),
    /// 2^128, every IPv6 address: one more than a `u128` holds.
    V6All,
}

impl Count {
    /// The count as an integer; `None` only for [`Count::V6All`].
    pub fn get(self) -> Option<u128> {
        match self {
            Self::V4(n) => Some(u128::from(n)),
            Self::V6(n) => Some(n),
            Self::V6All => None,
        }
    }
}

impl fmt::Display for Count {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.get() {
            Some(n) => write!(f, "{n}"),
            None => f.write_str("340282366920938463463374607431768211456"),
        }
    }
}

impl Serialize for Count {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match *self {
            Self::V4(n) => s.serialize_u64(n),
            Self::V6(_) | Self::V6All => s.collect_str(self),
        }
    }
}

/// The bits of the report's addresses, as the seeds write them by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BinaryForms {
    pub address: String,
    pub netmask: String,
    pub network: String,
    pub broadcast: Option<String>,
}

/// The full report for one address and mask (`netlab subnet`, `subnetInfo`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubnetReport {
    pub address: IpAddr,
    pub version: u8,
    pub prefix: u8,
    #[serde(serialize_with = "serialize_mask")]
    pub netmask: IpAddr,
    #[serde(serialize_with = "serialize_mask")]
    pub wildcard: IpAddr,
    pub network: IpAddr,
    pub broadcast: Option<IpAddr>,
    pub first_host: IpAddr,
    pub last_host: IpAddr,
    pub total_addresses: Count,
    pub usable_hosts: Count,
    pub class: Option<AddressClass>,
    pub binary: BinaryForms,
    /// Special-purpose registry rows containing the address, least specific first.
    pub ranges: Vec<&'static SpecialRange>,
}

impl SubnetReport {
    /// Parses `ADDR/PREFIX`, `ADDR/MASK`, `ADDR MASK` or a bare `ADDR`
    /// (a host route: /32 or /128) and computes the report.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::subnet::SubnetReport;
    ///
    /// let r = SubnetReport::parse("192.168.12.87 255.255.255.0").unwrap();
    /// assert_eq!(r.prefix, 24);
    /// assert_eq!(r.usable_hosts.get(), Some(254));
    /// assert_eq!(
    ///     SubnetReport::parse("10.1.2.3/255.0.255.0").unwrap_err().to_string(),
    ///     "mask 255.0.255.0 is not contiguous"
    /// );
    /// ```
    pub fn parse(text: &str) -> Result<Self, SubnetError> {
        let (address, mask) = split_input(text)?;
        let address = addr::parse_ip(address)?;
        let prefix = match mask {
            None => max_prefix(address),
            Some(mask) => parse_prefix_or_mask(address, mask)?,
        };
        Self::new(address, prefix)
    }

    /// Computes the report for an address and a prefix length.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::subnet::SubnetReport;
    ///
    /// let r = SubnetReport::new("10.0.0.1".parse().unwrap(), 31).unwrap();
    /// assert_eq!(r.broadcast, None);
    /// assert_eq!(r.usable_hosts.get(), Some(2));
    /// ```
    pub fn new(address: IpAddr, prefix: u8) -> Result<Self, SubnetError> {
        let net =
            IpNet::new(address, prefix).map_err(|_| prefix_error(address, &prefix.to_string()))?;
        let bits = max_prefix(address);
        let host_bits = u32::from(bits - prefix);
        let network = net.network();
        let last = net.broadcast();
        let v4 = address.is_ipv4();
        let (broadcast, first_host, last_host, total, usable) = if v4 {
            let total = 1u64 << host_bits;
            let (broadcast, first, last_host, usable) = match prefix {
                32 => (None, network, last, 1),
                31 => (None, network, last, 2),
                _ => (Some(last), offset(network, 1), offset(last, -1), total - 2),
            };
            (
                broadcast,
                first,
                last_host,
                Count::V4(total),
                Count::V4(usable),
            )
        } else {
            // 2^n - 1 always fits in a u128; 2^128 itself (the total of a /0)
            // does not, and has a variant of its own.
            let all_but_one = u128::MAX.checked_shr(128 - host_bits).unwrap_or(0);
            let total = all_but_one.checked_add(1).map_or(Count::V6All, Count::V6);
            let (first, usable) = match prefix {
                128 => (network, 1),
                127 => (network, 2),
                _ => (offset(network, 1), all_but_one),
            };
            (None, first, last, total, Count::V6(usable))
        };
        let class = match address {
            IpAddr::V4(a) => Some(AddressClass::of(a)),
            IpAddr::V6(_) => None,
        };
        Ok(Self {
            address,
            version: if v4 { 4 } else { 6 },
            prefix,
            netmask: net.netmask(),
            wildcard: net.hostmask(),
            network,
            broadcast,
            first_host,
            last_host,
            total_addresses: total,
            usable_hosts: usable,
            class,
            binary: BinaryForms {
                address: addr::binary(address),
                netmask: addr::binary(net.netmask()),
                network: addr::binary(network),
                broadcast: broadcast.map(addr::binary),
            },
            ranges: special::ranges_containing(address),
        })
    }

    /// The network in CIDR notation, `192.168.12.0/24`.
    pub fn cidr(&self) -> String {
        format!("{}/{}", self.network, self.prefix)
    }
}

fn split_input(text: &str) -> Result<(&str, Option<&str>), SubnetError> {
    let text = text.trim();
    if let Some((a, m)) = text.split_once('/') {
        return Ok((a, Some(m)));
    }
    let mut words = text.split_whitespace();
    match (words.next(), words.next(), words.next()) {
        (Some(a), m, None) => Ok((a, m)),
        (None, _, _) => Ok(("", None)),
        _ => Err(SubnetError::Shape(text.to_owned())),
    }
}

/// A mask as text. IPv6 masks are bit patterns, not addresses, so they are
/// always written in hex: the /80 wildcard is `::ffff:ffff:ffff`, not the
/// IPv4-mapped `::ffff:255.255.255.255` that address formatting would give.
///
/// # Examples
///
/// ```
/// use netlab_core::subnet::mask_text;
///
/// assert_eq!(mask_text("::ffff:ffff:ffff".parse().unwrap()), "::ffff:ffff:ffff");
/// assert_eq!(mask_text("255.255.255.0".parse().unwrap()), "255.255.255.0");
/// ```
pub fn mask_text(mask: IpAddr) -> String {
    match mask {
        IpAddr::V6(m) if m.to_ipv4_mapped().is_some() => {
            let s = m.segments();
            format!("::ffff:{:x}:{:x}", s[6], s[7])
        }
        other => other.to_string(),
    }
}

fn serialize_mask<S: Serializer>(mask: &IpAddr, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&mask_text(*mask))
}

/// 32 for IPv4, 128 for IPv6.
pub fn max_prefix(addr: IpAddr) -> u8 {
    if addr.is_ipv4() { 32 } else { 128 }
}

fn prefix_error(addr: IpAddr, prefix: &str) -> SubnetError {
    SubnetError::PrefixOutOfRange {
        prefix: prefix.to_owned(),
        version: if addr.is_ipv4() { 4 } else { 6 },
        max: max_prefix(addr),
    }
}

/// Reads what follows the `/` (or the space): a prefix length or a netmask.
///
/// # Examples
///
/// ```
/// use netlab_core::subnet::parse_prefix_or_mask;
///
/// let a = "10.0.0.1".parse().unwrap();
/// assert_eq!(parse_prefix_or_mask(a, "255.255.240.0").unwrap(), 20);
/// assert_eq!(parse_prefix_or_mask(a, "20").unwrap(), 20);
/// assert!(parse_prefix_or_mask(a, "33").is_err());
/// ```
pub fn parse_prefix_or_mask(address: IpAddr, text: &str) -> Result<u8, SubnetError> {
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return match text.parse::<u8>() {
            Ok(p) if p <= max_prefix(address) => Ok(p),
            _ => Err(prefix_error(address, text)),
        };
    }
    if text.starts_with('-') || text.starts_with('+') {
        return Err(prefix_error(address, text));
    }
    let mask = addr::parse_ip(text)?;
    if mask.is_ipv4() != address.is_ipv4() {
        return Err(SubnetError::VersionMismatch {
            address: address.to_string(),
            address_version: if address.is_ipv4() { 4 } else { 6 },
            mask: text.to_owned(),
            mask_version: if mask.is_ipv4() { 4 } else { 6 },
        });
    }
    mask_to_prefix(mask)
}

/// The prefix length of a contiguous netmask.
///
/// # Examples
///
/// ```
/// use netlab_core::subnet::mask_to_prefix;
///
/// assert_eq!(mask_to_prefix("255.255.255.0".parse().unwrap()).unwrap(), 24);
/// assert_eq!(mask_to_prefix("ffff:ffff::".parse().unwrap()).unwrap(), 32);
/// assert!(mask_to_prefix("255.0.255.0".parse().unwrap()).is_err());
/// ```
pub fn mask_to_prefix(mask: IpAddr) -> Result<u8, SubnetError> {
    let bits = u32::from(max_prefix(mask));
    // Left-align the mask in a u128 so one test serves both versions.
    let value = addr::to_u128(mask) << (128 - bits);
    let ones = value.leading_ones();
    if value.checked_shl(ones).unwrap_or(0) == 0 {
        // `ones` is at most `bits` (<= 128), so it fits in a u8.
        return Ok(ones.min(bits) as u8);
    }
    let inverted = !value >> (128 - bits) << (128 - bits);
    let host_ones = inverted.leading_ones();
    if inverted.checked_shl(host_ones).unwrap_or(0) == 0 {
        let netmask = IpNet::new(mask, host_ones as u8)
            .map(|n| n.netmask().to_string())
            .unwrap_or_default();
        return Err(SubnetError::WildcardMask {
            mask: mask.to_string(),
            netmask,
        });
    }
    Err(SubnetError::NonContiguousMask(mask.to_string()))
}

/// `addr + delta`, for the first and last host. Never called where it could
/// leave the address space (only inside networks with host bits to spare).
fn offset(addr: IpAddr, delta: i8) -> IpAddr {
    match addr {
        IpAddr::V4(a) => IpAddr::V4(Ipv4Addr::from(
            u32::from(a).wrapping_add_signed(i32::from(delta)),
        )),
        IpAddr::V6(a) => IpAddr::V6(Ipv6Addr::from(
            u128::from(a).wrapping_add_signed(i128::from(delta)),
        )),
    }
}

#[cfg(test)]
mod test {
    use super::*;

    fn r(text: &str) -> SubnetReport {
        SubnetReport::parse(text).unwrap()
    }

    #[test]
    fn seed_example_slash_24() {
        let rep = r("192.168.12.87/24");
        assert_eq!(rep.network.to_string(), "192.168.12.0");
        assert_eq!(rep.broadcast.unwrap().to_string(), "192.168.12.255");
        assert_eq!(rep.first_host.to_string(), "192.168.12.1");
        assert_eq!(rep.last_host.to_string(), "192.168.12.254");
        assert_eq!(rep.netmask.to_string(), "255.255.255.0");
        assert_eq!(rep.wildcard.to_string(), "0.0.0.255");
        assert_eq!(rep.class, Some(AddressClass::C));
        assert_eq!(rep.ranges.last().unwrap().cidr, "192.168.0.0/16");
        assert_eq!(rep, r("192.168.12.87/255.255.255.0"));
        assert_eq!(rep, r("192.168.12.87 255.255.255.0"));
    }

    #[test]
    fn edges_do_not_overflow() {
        let zero = r("0.0.0.0/0");
        assert_eq!(zero.total_addresses, Count::V4(1 << 32));
        assert_eq!(zero.usable_hosts, Count::V4((1 << 32) - 2));
        let v6zero = r("::/0");
        assert_eq!(v6zero.total_addresses, Count::V6All);
        assert_eq!(v6zero.usable_hosts, Count::V6(u128::MAX));
        assert_eq!(
            v6zero.total_addresses.to_string(),
            "340282366920938463463374607431768211456"
        );
        let host = r("2001:db8::1/128");
        assert_eq!(host.first_host, host.last_host);
        assert_eq!(host.usable_hosts, Count::V6(1));
        let v6 = r("2001:db8::1/64");
        assert_eq!(v6.first_host.to_string(), "2001:db8::1");
        assert_eq!(v6.last_host.to_string(), "2001:db8::ffff:ffff:ffff:ffff");
        assert_eq!(v6.total_addresses, Count::V6(1 << 64));
        assert_eq!(
            r("255.255.255.255/32").last_host.to_string(),
            "255.255.255.255"
        );
    }

    #[test]
    fn errors_say_what_is_wrong() {
        let e = |t: &str| SubnetReport::parse(t).unwrap_err().to_string();
        assert_eq!(
            e("10.0.0.1/33"),
            "prefix 33 is out of range for IPv4 (0-32)"
        );
        assert_eq!(e("::1/129"), "prefix 129 is out of range for IPv6 (0-128)");
        assert_eq!(
            e("10.0.0.1/-1"),
            "prefix -1 is out of range for IPv4 (0-32)"
        );
        assert_eq!(
            e("10.0.0.1/255.0.255.0"),
            "mask 255.0.255.0 is not contiguous"
        );
        assert_eq!(
            e("10.0.0.1/0.0.0.255"),
            "mask 0.0.0.255 is a wildcard (host) mask; the netmask is 255.255.255.0"
        );
        assert_eq!(
            e("10.0.300.1/8"),
            "'300' is not an octet (0-255) in '10.0.300.1'"
        );
        assert_eq!(
            e("10.0.0.1 255.0.0.0 x"),
            "'10.0.0.1 255.0.0.0 x' is not ADDRESS/PREFIX, ADDRESS/MASK or ADDRESS MASK"
        );
        assert!(e("10.0.0.1/ffff::").contains("is IPv6"));
        assert!(e("").contains("empty"));
    }

    #[test]
    fn json_field_names_are_the_spec() {
        let v = serde_json::to_value(r("192.168.12.87/24")).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        for k in [
            "address",
            "version",
            "prefix",
            "netmask",
            "wildcard",
            "network",
            "broadcast",
            "first_host",
            "last_host",
            "total_addresses",
            "usable_hosts",
            "class",
            "binary",
            "ranges",
        ] {
            assert!(keys.contains(&k), "missing {k}");
        }
        assert_eq!(v["total_addresses"], 256);
        assert_eq!(v["class"], "C");
        let v6 = serde_json::to_value(r("2001:db8::/64")).unwrap();
        assert_eq!(v6["total_addresses"], "18446744073709551616");
        assert!(v6["broadcast"].is_null() && v6["class"].is_null());
    }
}
