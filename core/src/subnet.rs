//! The subnet report: everything `ipcalc` prints for one address and mask,
//! with the conventions spelled out in `docs/cli.md`:
//!
//! - `network` is the address with the host bits cleared (the seeds' AND);
//! - a `/31` has two usable hosts and no broadcast (RFC 3021), a `/32` one
//!   usable host and no broadcast;
//! - IPv6 has no broadcast; its first host skips the Subnet-Router anycast
//!   address (RFC 4291 §2.6.1) except in a `/127` (RFC 6164) or `/128`,
//!   exactly as Python's `ipaddress` counts `hosts()`.
//!
//! Building a report is integer arithmetic and a table lookup; everything
//! textual (the binary forms, the masks' text) is written when the report
//! is displayed or serialized.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};
use thiserror::Error;

use crate::addr::{self, AddrError, Binary};
use crate::special::{self, Ranges};

/// Why a subnet could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SubnetError {
    /// The address part is not an address.
    #[error(transparent)]
    Address(#[from] AddrError),
    /// Whitespace beside the `/`, which Python's `ip_interface` and
    /// `ip_network` refuse too; said plainly instead of as a bad octet.
    #[error("'{text}' has a space beside the '/': write '{joined}'")]
    SpaceAtSlash { text: String, joined: String },
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
    /// Nothing where the prefix length or netmask belongs (`10.0.0.1/`).
    #[error("the prefix length or netmask is missing")]
    MissingPrefix,
    /// Neither a number nor an address where a prefix or mask belongs.
    #[error("'{text}' is neither a prefix length (0-{max}) nor a netmask ({example})")]
    NotPrefixOrMask {
        text: String,
        max: u8,
        example: &'static str,
    },
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

/// The bits of the report's addresses, as the seeds write them by hand:
/// kept as addresses, written out as bits only when displayed or
/// serialized (`11000000.10101000.00001100.01010111`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BinaryForms {
    pub address: Binary,
    pub netmask: Binary,
    pub network: Binary,
    pub broadcast: Option<Binary>,
}

/// The full report for one address and mask (`netlab subnet`, `subnetInfo`).
///
/// Only numbers are kept; the JSON (see [`SubnetReport`]'s `Serialize`)
/// also has `binary`, the bits of the address, netmask, network and
/// broadcast ([`SubnetReport::binary`]), written out as it is serialized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubnetReport {
    pub address: IpAddr,
    pub version: u8,
    pub prefix: u8,
    /// Serialized as [`mask_text`] writes it.
    pub netmask: IpAddr,
    /// Serialized as [`mask_text`] writes it.
    pub wildcard: IpAddr,
    pub network: IpAddr,
    pub broadcast: Option<IpAddr>,
    pub first_host: IpAddr,
    pub last_host: IpAddr,
    pub total_addresses: Count,
    pub usable_hosts: Count,
    pub class: Option<AddressClass>,
    /// Special-purpose registry rows containing the address, least specific first.
    pub ranges: Ranges,
}

impl Serialize for SubnetReport {
    /// The fields in order, with `binary` between `class` and `ranges`.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("SubnetReport", 14)?;
        st.serialize_field("address", &self.address)?;
        st.serialize_field("version", &self.version)?;
        st.serialize_field("prefix", &self.prefix)?;
        st.serialize_field("netmask", &MaskText(self.netmask))?;
        st.serialize_field("wildcard", &MaskText(self.wildcard))?;
        st.serialize_field("network", &self.network)?;
        st.serialize_field("broadcast", &self.broadcast)?;
        st.serialize_field("first_host", &self.first_host)?;
        st.serialize_field("last_host", &self.last_host)?;
        st.serialize_field("total_addresses", &self.total_addresses)?;
        st.serialize_field("usable_hosts", &self.usable_hosts)?;
        st.serialize_field("class", &self.class)?;
        st.serialize_field("binary", &self.binary())?;
        st.serialize_field("ranges", &self.ranges)?;
        st.end()
    }
}

/// A mask serialized as [`mask_text`] writes it.
struct MaskText(IpAddr);

impl Serialize for MaskText {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&mask_text(self.0))
    }
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
        // The usual `a.b.c.d/nn`, read in one go; anything else (and any
        // error) takes the general path, which reads it the same way.
        let trimmed = addr::trim(text);
        if let Some((a, p)) = quick_v4(trimmed.as_bytes()) {
            return Ok(Self::v4(a, p));
        }
        let (address, mask) = split_input(text)?;
        space_at_slash(address, mask)?;
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
    #[inline]
    pub fn new(address: IpAddr, prefix: u8) -> Result<Self, SubnetError> {
        match address {
            IpAddr::V4(a) if prefix <= 32 => Ok(Self::v4(a, prefix)),
            IpAddr::V6(a) if prefix <= 128 => Ok(Self::v6(a, prefix)),
            _ => Err(prefix_error(address, &prefix.to_string())),
        }
    }

    /// The report of an IPv4 address and a prefix of at most 32.
    #[inline]
    fn v4(a: Ipv4Addr, prefix: u8) -> Self {
        let hostmask = u32::MAX.checked_shr(u32::from(prefix)).unwrap_or(0);
        let netmask = !hostmask;
        let network = u32::from(a) & netmask;
        let last = network | hostmask;
        let total = u64::from(hostmask) + 1;
        let (broadcast, first_host, last_host, usable) = match prefix {
            32 => (None, network, last, 1),
            31 => (None, network, last, 2),
            // A /30 or shorter has host bits to spare: no wrap-around.
            _ => (
                Some(last),
                network.wrapping_add(1),
                last.wrapping_sub(1),
                total - 2,
            ),
        };
        let v4 = |n: u32| IpAddr::V4(Ipv4Addr::from(n));
        let broadcast = broadcast.map(v4);
        Self {
            address: IpAddr::V4(a),
            version: 4,
            prefix,
            netmask: v4(netmask),
            wildcard: v4(hostmask),
            network: v4(network),
            broadcast,
            first_host: v4(first_host),
            last_host: v4(last_host),
            total_addresses: Count::V4(total),
            usable_hosts: Count::V4(usable),
            class: Some(AddressClass::of(a)),
            ranges: special::ranges_v4(u32::from(a)),
        }
    }

    /// The report of an IPv6 address and a prefix of at most 128.
    fn v6(a: Ipv6Addr, prefix: u8) -> Self {
        // 2^n - 1 always fits in a u128; 2^128 itself (the total of a /0)
        // does not, and has a variant of its own.
        let hostmask = u128::MAX.checked_shr(u32::from(prefix)).unwrap_or(0);
        let netmask = !hostmask;
        let network = u128::from(a) & netmask;
        let last = network | hostmask;
        let total = hostmask.checked_add(1).map_or(Count::V6All, Count::V6);
        let (first, usable) = match prefix {
            128 => (network, 1),
            127 => (network, 2),
            _ => (network.wrapping_add(1), hostmask),
        };
        let v6 = |n: u128| IpAddr::V6(Ipv6Addr::from(n));
        let address = IpAddr::V6(a);
        Self {
            address,
            version: 6,
            prefix,
            netmask: v6(netmask),
            wildcard: v6(hostmask),
            network: v6(network),
            broadcast: None,
            first_host: v6(first),
            last_host: v6(last),
            total_addresses: total,
            usable_hosts: Count::V6(usable),
            class: None,
            ranges: special::ranges_containing(address),
        }
    }

    /// The bits of the address, netmask, network and broadcast, as the
    /// seeds write them by hand (the JSON's `binary`).
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::subnet::SubnetReport;
    ///
    /// let r = SubnetReport::parse("192.168.12.87/24").unwrap();
    /// assert_eq!(r.binary().network.to_string(), "11000000.10101000.00001100.00000000");
    /// ```
    pub fn binary(&self) -> BinaryForms {
        BinaryForms {
            address: Binary(self.address),
            netmask: Binary(self.netmask),
            network: Binary(self.network),
            broadcast: self.broadcast.map(Binary),
        }
    }

    /// The network in CIDR notation, `192.168.12.0/24`.
    pub fn cidr(&self) -> String {
        format!("{}/{}", self.network, self.prefix)
    }
}

/// `a.b.c.d/p` with a strict dotted quad and a decimal prefix of one or two
/// digits up to 32 (no leading zero): the address and the prefix.
#[inline]
fn quick_v4(b: &[u8]) -> Option<(Ipv4Addr, u8)> {
    let n = b.len();
    let digit = |i: usize| b.get(i).map(|c| c.wrapping_sub(b'0')).filter(|&d| d <= 9);
    let (address, prefix) = match (b.get(n.wrapping_sub(2)), b.get(n.wrapping_sub(3))) {
        (Some(b'/'), _) => (b.get(..n - 2)?, digit(n - 1)?),
        (_, Some(b'/')) => {
            let tens = digit(n - 2).filter(|&d| d != 0)?;
            (b.get(..n - 3)?, tens * 10 + digit(n - 1)?)
        }
        _ => return None,
    };
    if prefix > 32 {
        return None;
    }
    Some((addr::parse_ipv4_fast(address)?, prefix))
}

fn split_input(text: &str) -> Result<(&str, Option<&str>), SubnetError> {
    let text = addr::trim(text);
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

/// Refuses `10.0.0.1 /24` and `10.0.0.1/ 24` by what is wrong with them.
pub(crate) fn space_at_slash(address: &str, mask: Option<&str>) -> Result<(), SubnetError> {
    let Some(mask) = mask else {
        return Ok(());
    };
    let (a, m) = (address.trim_end(), mask.trim_start());
    if a.len() == address.len() && m.len() == mask.len() {
        return Ok(());
    }
    Err(SubnetError::SpaceAtSlash {
        text: format!("{address}/{mask}"),
        joined: format!("{a}/{m}"),
    })
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
/// assert_eq!(parse_prefix_or_mask(a, "").unwrap_err().to_string(), "the prefix length or netmask is missing");
/// assert_eq!(
///     parse_prefix_or_mask(a, "abc").unwrap_err().to_string(),
///     "'abc' is neither a prefix length (0-32) nor a netmask (255.255.255.0)"
/// );
/// ```
pub fn parse_prefix_or_mask(address: IpAddr, text: &str) -> Result<u8, SubnetError> {
    // One or two digits, the common case, read directly.
    let max = max_prefix(address);
    let prefix = match *text.as_bytes() {
        [a] if a.is_ascii_digit() => Some(a - b'0'),
        [a, b] if a.is_ascii_digit() && b.is_ascii_digit() && a != b'0' => {
            Some((a - b'0') * 10 + (b - b'0'))
        }
        _ => None,
    };
    if let Some(p) = prefix.filter(|&p| p <= max) {
        return Ok(p);
    }
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return match text.parse::<u8>() {
            Ok(p) if p <= max_prefix(address) => Ok(p),
            _ => Err(prefix_error(address, text)),
        };
    }
    // A negative prefix is one out of range; `+24` is no prefix at all
    // (Python refuses it too), which the last check below says.
    if text.starts_with('-') {
        return Err(prefix_error(address, text));
    }
    if text.is_empty() {
        return Err(SubnetError::MissingPrefix);
    }
    if let Some(e) = addr::full_width_error(text) {
        return Err(e.into());
    }
    // No dot or colon: not a mask, and not a number either.
    if !text.contains(['.', ':']) {
        return Err(SubnetError::NotPrefixOrMask {
            text: text.to_owned(),
            max,
            example: if address.is_ipv4() {
                "255.255.255.0"
            } else {
                "ffff:ffff:ffff:ffff::"
            },
        });
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
            .map(|n| mask_text(n.netmask()))
            .unwrap_or_default();
        return Err(SubnetError::WildcardMask {
            mask: mask_text(mask),
            netmask,
        });
    }
    Err(SubnetError::NonContiguousMask(mask_text(mask)))
}

#[cfg(test)]
mod test {
    use super::*;

    fn r(text: &str) -> SubnetReport {
        SubnetReport::parse(text).unwrap()
    }

    #[test]
    fn a_space_at_the_slash_full_width_and_signs_are_named() {
        let error = |text: &str| SubnetReport::parse(text).unwrap_err().to_string();
        // Python refuses a space beside the slash too; said plainly.
        assert_eq!(
            error("10.0.0.1 / 24"),
            "'10.0.0.1 / 24' has a space beside the '/': write '10.0.0.1/24'"
        );
        assert_eq!(
            error(" 10.0.0.1 /255.255.255.0 "),
            "'10.0.0.1 /255.255.255.0' has a space beside the '/': write '10.0.0.1/255.255.255.0'"
        );
        assert_eq!(
            error("10.0.0.1/２４"),
            "'２４' has the full-width character '２', which an input method types in full-width mode: type the half-width '2'"
        );
        assert!(error("10.0.0.1／24").contains("full-width character '／'"));
        // Python refuses a sign too; a plus is no prefix, a minus one out of range.
        assert_eq!(
            error("10.0.0.1/+24"),
            "'+24' is neither a prefix length (0-32) nor a netmask (255.255.255.0)"
        );
        assert_eq!(
            error("10.0.0.1/-1"),
            "prefix -1 is out of range for IPv4 (0-32)"
        );
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

    /// The report as `ipnet` computes it, for the property below.
    fn reference(address: IpAddr, prefix: u8) -> serde_json::Value {
        let net = IpNet::new(address, prefix).unwrap();
        let bin = |a: IpAddr| match a {
            IpAddr::V4(a) => a
                .octets()
                .iter()
                .map(|o| format!("{o:08b}"))
                .collect::<Vec<_>>()
                .join("."),
            IpAddr::V6(a) => a
                .segments()
                .iter()
                .map(|s| format!("{s:016b}"))
                .collect::<Vec<_>>()
                .join(":"),
        };
        let v4 = address.is_ipv4();
        let bits = if v4 { 32 } else { 128 };
        let size = 2f64.powi(i32::from(bits - prefix));
        let step = |a: IpAddr, d: i128| match a {
            IpAddr::V4(x) => IpAddr::V4(Ipv4Addr::from((i128::from(u32::from(x)) + d) as u32)),
            IpAddr::V6(x) => IpAddr::V6(Ipv6Addr::from(
                (u128::from(x) as i128).wrapping_add(d) as u128
            )),
        };
        let edge = if v4 { prefix >= 31 } else { prefix >= 127 };
        let first = if edge {
            net.network()
        } else {
            step(net.network(), 1)
        };
        let last = if v4 && !edge {
            step(net.broadcast(), -1)
        } else {
            net.broadcast()
        };
        let broadcast = (v4 && !edge).then(|| net.broadcast());
        serde_json::json!({
            "network": net.network().to_string(),
            "netmask": mask_text(net.netmask()),
            "wildcard": mask_text(net.hostmask()),
            "first_host": first.to_string(),
            "last_host": last.to_string(),
            "broadcast": broadcast.map(|b| b.to_string()),
            "size": size,
            "binary": {
                "address": bin(address),
                "netmask": bin(net.netmask()),
                "network": bin(net.network()),
                "broadcast": broadcast.map(bin),
            },
            "ranges": serde_json::to_value(special::ranges_containing(address)).unwrap(),
        })
    }

    proptest::proptest! {
        #[test]
        fn the_quick_path_reads_as_the_general_one(text in "[0-9./ ]{0,20}", a in proptest::prelude::any::<u32>(), p in 0u8..40, lead in proptest::prelude::any::<bool>()) {
            let quad = format!("{}/{}{p}", Ipv4Addr::from(a), if lead { "0" } else { "" });
            for t in [text.as_str(), quad.as_str()] {
                let general = split_input(t).ok().and_then(|(address, mask)| {
                    let address = addr::parse_ip(address).ok()?;
                    let prefix = parse_prefix_or_mask(address, mask?).ok()?;
                    match address {
                        IpAddr::V4(a) => Some((a, prefix)),
                        IpAddr::V6(_) => None,
                    }
                });
                if let Some(quick) = quick_v4(addr::trim(t).as_bytes()) {
                    proptest::prop_assert_eq!(Some(quick), general, "{:?}", t);
                }
                proptest::prop_assert_eq!(SubnetReport::parse(t).ok(), split_input(t).ok().and_then(|(address, mask)| {
                    let address = addr::parse_ip(address).ok()?;
                    let prefix = match mask {
                        None => max_prefix(address),
                        Some(m) => parse_prefix_or_mask(address, m).ok()?,
                    };
                    SubnetReport::new(address, prefix).ok()
                }), "{:?}", t);
            }
        }
    }

    fn agrees(address: IpAddr, prefix: u8) -> Result<(), proptest::test_runner::TestCaseError> {
        let got = serde_json::to_value(SubnetReport::new(address, prefix).unwrap()).unwrap();
        let want = reference(address, prefix);
        for key in [
            "network",
            "netmask",
            "wildcard",
            "first_host",
            "last_host",
            "broadcast",
            "binary",
            "ranges",
        ] {
            proptest::prop_assert_eq!(&got[key], &want[key], "{}/{} {}", address, prefix, key);
        }
        let total: f64 = match &got["total_addresses"] {
            serde_json::Value::String(t) => t.parse().unwrap(),
            n => n.as_f64().unwrap(),
        };
        proptest::prop_assert_eq!(total, want["size"].as_f64().unwrap());
        Ok(())
    }

    proptest::proptest! {
        #[test]
        fn reports_agree_with_ipnet(a in proptest::prelude::any::<u32>(), p in 0u8..=32) {
            agrees(IpAddr::V4(a.into()), p)?;
        }

        #[test]
        fn v6_reports_agree_with_ipnet(a in proptest::prelude::any::<u128>(), p in 0u8..=128) {
            agrees(IpAddr::V6(a.into()), p)?;
        }
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
        // An IPv6 mask is written in hex, never as an IPv4-mapped address.
        assert_eq!(
            mask_to_prefix("::ffff:ffff:ffff".parse().unwrap())
                .unwrap_err()
                .to_string(),
            "mask ::ffff:ffff:ffff is a wildcard (host) mask; the netmask is ffff:ffff:ffff:ffff:ffff::"
        );
        assert_eq!(
            mask_to_prefix("::ffff:ff00:ff".parse().unwrap())
                .unwrap_err()
                .to_string(),
            "mask ::ffff:ff00:ff is not contiguous"
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
