//! Exact aggregation: merging networks into the fewest CIDR blocks, and
//! cutting an address range into CIDR blocks, as Python's
//! `ipaddress.collapse_addresses` and `summarize_address_range` do.
//!
//! "Exact" is the point: a route summary that covers one address too many
//! sends traffic for it somewhere it does not belong, so nothing here ever
//! rounds a block up. Cutting ranges is `ipnet`'s (the
//! `Ipv4Subnets`/`Ipv6Subnets` iterators); merging is done here, because a
//! merge of our own over plain integers is faster than `IpNet::aggregate`
//! (a radix sort of the IPv4 starts instead of a comparison sort of
//! pairs) while giving exactly its result, which a property test checks.
//! This module also adds strict parsing with learner-friendly errors and
//! the per-version ordering.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::{
    IpAddrRange, IpNet, IpSubnets, Ipv4Net, Ipv4Subnets, Ipv6AddrRange, Ipv6Net, Ipv6Subnets,
};
use serde::Serialize;
use thiserror::Error;

use crate::addr::{self, AddrError};
use crate::subnet::{self, SubnetError};

/// Why networks could not be read, merged or cut.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AggregateError {
    /// The address part is not an address.
    #[error(transparent)]
    Address(#[from] AddrError),
    /// The prefix or mask part is wrong.
    #[error(transparent)]
    Prefix(#[from] SubnetError),
    /// A network given where a range wants an address.
    #[error(
        "'{0}' is a network; a range goes from one address to another (a network's first and last addresses are in its subnet report)"
    )]
    RangeNetwork(String),
    /// A network written with host bits set, which Python's `ip_network`
    /// (strict) refuses too: `10.0.0.1/24` is an address, not a network.
    #[error("{text} has host bits set; the network is {network}")]
    HostBitsSet { text: String, network: IpNet },
    /// A range whose end comes before its start (CPython's wording).
    #[error("last IP address must be greater than first: {end} comes before {start}")]
    Reversed { start: IpAddr, end: IpAddr },
    /// A range from an IPv4 to an IPv6 address (CPython's wording).
    #[error("{start} and {end} are not of the same version")]
    MixedVersions { start: IpAddr, end: IpAddr },
}

/// Parses a network strictly, as Python's `ip_network(text)` does: CIDR
/// (`10.0.0.0/8`), address and mask (`10.0.0.0/255.0.0.0`), or a bare
/// address (a `/32` or `/128`). Host bits must be clear, because a summary of
/// `10.0.0.1/24` could mean either the address or its network.
///
/// # Examples
///
/// ```
/// use netlab_core::aggregate::parse_network;
///
/// assert_eq!(parse_network("10.0.0.0/255.0.0.0").unwrap().to_string(), "10.0.0.0/8");
/// assert_eq!(parse_network("2001:db8::1").unwrap().to_string(), "2001:db8::1/128");
/// assert_eq!(
///     parse_network("10.0.0.1/24").unwrap_err().to_string(),
///     "10.0.0.1/24 has host bits set; the network is 10.0.0.0/24"
/// );
/// ```
pub fn parse_network(text: &str) -> Result<IpNet, AggregateError> {
    let text = text.trim();
    let (address, mask) = match text.split_once('/') {
        Some((a, m)) => (a, Some(m)),
        None => (text, None),
    };
    subnet::space_at_slash(address, mask)?;
    let address = addr::parse_ip(address)?;
    let prefix = match mask {
        Some(mask) => subnet::parse_prefix_or_mask(address, mask)?,
        None => subnet::max_prefix(address),
    };
    let net = IpNet::new(address, prefix).map_err(|_| SubnetError::PrefixOutOfRange {
        prefix: prefix.to_string(),
        version: if address.is_ipv4() { 4 } else { 6 },
        max: subnet::max_prefix(address),
    })?;
    if net.network() != address {
        return Err(AggregateError::HostBitsSet {
            text: text.to_owned(),
            network: net.trunc(),
        });
    }
    Ok(net)
}

/// Merges networks into the fewest CIDR blocks covering exactly the same
/// addresses, as Python's `ipaddress.collapse_addresses`: overlapping,
/// nested and adjacent blocks merge, gaps stay gaps.
///
/// Python refuses a list that mixes versions; here each version is collapsed
/// on its own and the result is every IPv4 block in ascending order, then
/// every IPv6 block in ascending order.
///
/// # Examples
///
/// ```
/// use netlab_core::aggregate::{parse_network, summarize};
///
/// let nets: Vec<_> = ["10.0.1.0/24", "10.0.0.0/24", "2001:db8::/33", "2001:db8:8000::/33", "10.0.3.0/24"]
///     .iter()
///     .map(|t| parse_network(t).unwrap())
///     .collect();
/// let merged: Vec<String> = summarize(&nets).iter().map(|n| n.to_string()).collect();
/// assert_eq!(merged, ["10.0.0.0/23", "10.0.3.0/24", "2001:db8::/32"]);
/// ```
pub fn summarize(networks: &[IpNet]) -> Vec<IpNet> {
    let v4_count = networks.iter().filter(|n| n.addr().is_ipv4()).count();
    // Each IPv4 network as one integer: the start in the high 32 bits, the
    // last address in the low 32, so sorting the integers sorts the starts.
    let mut v4: Vec<u64> = Vec::with_capacity(v4_count);
    let mut v6: Vec<(u128, u128)> = Vec::with_capacity(networks.len() - v4_count);
    for n in networks {
        match n {
            IpNet::V4(n) => v4.push(
                u64::from(u32::from(n.network())) << 32 | u64::from(u32::from(n.broadcast())),
            ),
            IpNet::V6(n) => v6.push((u128::from(n.network()), u128::from(n.broadcast()))),
        }
    }
    let mut out = Vec::new();
    if !v4.is_empty() {
        sort_by_high_half(&mut v4);
        merge(
            v4.iter().map(|&k| ((k >> 32) as u32, k as u32)),
            |start, end| cut_v4(start, end, &mut out),
        );
    }
    if !v6.is_empty() {
        v6.sort_unstable();
        merge(v6.iter().copied(), |start, end| {
            cut_v6(start, end, &mut out)
        });
    }
    out
}

/// Merges `(start, last)` intervals sorted by start into the fewest
/// disjoint, non-adjacent ones, handed to `emit` in order.
#[inline]
fn merge<T: Copy + Ord + Next>(
    intervals: impl Iterator<Item = (T, T)>,
    mut emit: impl FnMut(T, T),
) {
    let mut current: Option<(T, T)> = None;
    for (start, last) in intervals {
        match &mut current {
            // Overlapping or adjacent: one interval.
            Some((_, cur)) if start <= cur.saturating_next() => {
                if last > *cur {
                    *cur = last;
                }
            }
            _ => {
                if let Some((s, e)) = current {
                    emit(s, e);
                }
                current = Some((start, last));
            }
        }
    }
    if let Some((s, e)) = current {
        emit(s, e);
    }
}

/// The unsigned integers `merge` works on.
trait Next {
    /// `self + 1`, or `self` at the maximum.
    fn saturating_next(self) -> Self;
}

impl Next for u32 {
    fn saturating_next(self) -> Self {
        self.saturating_add(1)
    }
}

impl Next for u128 {
    fn saturating_next(self) -> Self {
        self.saturating_add(1)
    }
}

/// The fewest CIDR blocks covering exactly `start..=last`: at each step the
/// largest block that starts there (alignment) and ends by `last` (size).
fn cut_v4(start: u32, last: u32, out: &mut Vec<IpNet>) {
    let (mut start, end) = (u64::from(start), u64::from(last) + 1);
    while start < end {
        let align = if start == 0 {
            32
        } else {
            start.trailing_zeros()
        };
        let fits = (end - start).ilog2();
        let host_bits = align.min(fits);
        // `host_bits` is at most 32, and `start` below 2^32.
        let net = Ipv4Net::new(Ipv4Addr::from(start as u32), (32 - host_bits) as u8);
        if let Ok(net) = net {
            out.push(IpNet::V4(net));
        }
        start += 1 << host_bits;
    }
}

/// [`cut_v4`] for IPv6: 2^128 does not fit, so the end is inclusive.
fn cut_v6(mut start: u128, last: u128, out: &mut Vec<IpNet>) {
    loop {
        let align = if start == 0 {
            128
        } else {
            start.trailing_zeros()
        };
        // Addresses left, less one: `last - start` + 1 may be 2^128.
        let span = last - start;
        let fits = if span == u128::MAX {
            128
        } else {
            (span + 1).ilog2()
        };
        let host_bits = align.min(fits);
        if let Ok(net) = Ipv6Net::new(Ipv6Addr::from(start), (128 - host_bits) as u8) {
            out.push(IpNet::V6(net));
        }
        let size_less_one = u128::MAX.checked_shr(128 - host_bits).unwrap_or(0);
        match start.checked_add(size_less_one) {
            Some(block_last) if block_last < last => start = block_last + 1,
            _ => break,
        }
    }
}

/// Sorts by the high 32 bits, stably (the low bits keep their order among
/// equal starts, which `merge` does not need): an LSD radix sort in three
/// passes of 11 bits, a comparison sort for short lists.
fn sort_by_high_half(keys: &mut Vec<u64>) {
    const BITS: u32 = 11;
    const BUCKETS: usize = 1 << BITS;
    if keys.len() < 4096 {
        keys.sort_unstable();
        return;
    }
    let mut counts = [[0usize; BUCKETS]; 3];
    let digit = |k: u64, pass: u32| ((k >> (32 + BITS * pass)) as usize) & (BUCKETS - 1);
    for &k in keys.iter() {
        for (pass, count) in (0..).zip(counts.iter_mut()) {
            if let Some(c) = count.get_mut(digit(k, pass)) {
                *c += 1;
            }
        }
    }
    let mut to = vec![0u64; keys.len()];
    let mut from = std::mem::take(keys);
    for (pass, count) in (0..).zip(counts.iter_mut()) {
        // A pass where every key has the same digit moves nothing.
        if count.contains(&from.len()) {
            continue;
        }
        let mut next = 0;
        for c in count.iter_mut() {
            let n = *c;
            *c = next;
            next += n;
        }
        for &k in &from {
            if let Some(c) = count.get_mut(digit(k, pass)) {
                if let Some(slot) = to.get_mut(*c) {
                    *slot = k;
                }
                *c += 1;
            }
        }
        std::mem::swap(&mut from, &mut to);
    }
    *keys = from;
}

/// The CIDR blocks covering exactly `start..=end`, fewest first-to-last, as
/// Python's `ipaddress.summarize_address_range`. Lazy: the list is at most
/// 62 blocks for IPv4 and 254 for IPv6, but nothing is built up front.
///
/// # Examples
///
/// ```
/// use netlab_core::aggregate::range_to_cidrs;
///
/// let start = "192.168.1.10".parse().unwrap();
/// let end = "192.168.1.20".parse().unwrap();
/// let blocks: Vec<String> = range_to_cidrs(start, end).unwrap().map(|n| n.to_string()).collect();
/// assert_eq!(blocks, ["192.168.1.10/31", "192.168.1.12/30", "192.168.1.16/30", "192.168.1.20/32"]);
///
/// let all: Vec<_> = range_to_cidrs("0.0.0.0".parse().unwrap(), "255.255.255.255".parse().unwrap())
///     .unwrap()
///     .collect();
/// assert_eq!(all.len(), 1);
/// assert!(range_to_cidrs(end, start).is_err());
/// ```
pub fn range_to_cidrs(start: IpAddr, end: IpAddr) -> Result<IpSubnets, AggregateError> {
    match (start, end) {
        (IpAddr::V4(s), IpAddr::V4(e)) if s <= e => Ok(Ipv4Subnets::new(s, e, 0).into()),
        (IpAddr::V6(s), IpAddr::V6(e)) if s <= e => Ok(Ipv6Subnets::new(s, e, 0).into()),
        (IpAddr::V4(_), IpAddr::V4(_)) | (IpAddr::V6(_), IpAddr::V6(_)) => {
            Err(AggregateError::Reversed { start, end })
        }
        _ => Err(AggregateError::MixedVersions { start, end }),
    }
}

/// A list of networks as `netlab summarize` and `netlab range` print it in
/// JSON (`{"networks": [...]}`), and as the browser's `summarize` and
/// `rangeToCidrs` return it.
///
/// # Examples
///
/// ```
/// use netlab_core::aggregate::Networks;
///
/// let r = Networks::range(" 10.0.0.1", "10.0.0.2").unwrap();
/// assert_eq!(serde_json::to_string(&r).unwrap(), r#"{"networks":["10.0.0.1/32","10.0.0.2/32"]}"#);
/// let s = Networks::summarize(&["10.0.0.0/25", "10.0.0.128/25"]).unwrap();
/// assert_eq!(s.networks[0].to_string(), "10.0.0.0/24");
/// assert!(Networks::summarize(&["10.0.0.1/24"]).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Networks {
    pub networks: Vec<IpNet>,
}

impl Networks {
    /// Parses every network strictly ([`parse_network`]) and merges them
    /// ([`summarize`]); the first bad one is the error.
    pub fn summarize<S: AsRef<str>>(texts: &[S]) -> Result<Self, AggregateError> {
        let networks = texts
            .iter()
            .map(|t| parse_network(t.as_ref()))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            networks: summarize(&networks),
        })
    }

    /// Parses two addresses (surrounding whitespace allowed) and lists the
    /// blocks covering exactly the range between them ([`range_to_cidrs`]).
    pub fn range(start: &str, end: &str) -> Result<Self, AggregateError> {
        let address = |text: &str| {
            let text = text.trim();
            if text.contains('/') {
                return Err(AggregateError::RangeNetwork(text.to_owned()));
            }
            Ok(addr::parse_ip(text)?)
        };
        let (start, end) = (address(start)?, address(end)?);
        Ok(Self {
            networks: range_to_cidrs(start, end)?.collect(),
        })
    }
}

/// The usable hosts of a network, lazily, by the subnet report's rules: an
/// IPv4 network loses its network and broadcast addresses except in a `/31`
/// or `/32`; an IPv6 network loses its first address (the Subnet-Router
/// anycast, RFC 4291 §2.6.1) except in a `/127` or `/128`. These are the
/// addresses Python's `hosts()` yields.
///
/// # Examples
///
/// ```
/// use netlab_core::aggregate::{hosts, parse_network};
///
/// let v4: Vec<String> = hosts(parse_network("10.0.0.0/30").unwrap()).map(|a| a.to_string()).collect();
/// assert_eq!(v4, ["10.0.0.1", "10.0.0.2"]);
/// let v6: Vec<String> = hosts(parse_network("2001:db8::/126").unwrap()).map(|a| a.to_string()).collect();
/// assert_eq!(v6, ["2001:db8::1", "2001:db8::2", "2001:db8::3"]);
/// // Lazy: the 2^64 hosts of a /64 are never built.
/// assert!(hosts(parse_network("2001:db8::/64").unwrap()).nth(5).is_some());
/// ```
pub fn hosts(net: IpNet) -> IpAddrRange {
    match net {
        IpNet::V4(n) => IpAddrRange::V4(n.hosts()),
        IpNet::V6(n) => {
            let first = if n.prefix_len() >= 127 {
                n.network()
            } else {
                Ipv6Addr::from(u128::from(n.network()).saturating_add(1))
            };
            IpAddrRange::V6(Ipv6AddrRange::new(first, n.broadcast()))
        }
    }
}

/// How network `a` stands to network `b`. Two CIDR blocks never overlap
/// in part: they are the same block, one holds the other, or they share no
/// address. So this one answer is what Python's `a.overlaps(b)`,
/// `a.subnet_of(b)` and `a.supernet_of(b)` each give a piece of (whether an
/// address is in a network is ipnet's `IpNet::contains`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// The same block.
    Same,
    /// `a` holds all of `b` and more: `b` is one of its subnets.
    Contains,
    /// `a` lies inside `b`: `a` is one of its subnets.
    Within,
    /// No address in common (always so for an IPv4 and an IPv6 network,
    /// where Python's `overlaps` says `False` and `subnet_of` refuses).
    Disjoint,
}

impl Relation {
    /// Whether the two networks share any address: Python's `a.overlaps(b)`.
    pub fn overlaps(self) -> bool {
        self != Self::Disjoint
    }

    /// Whether every address of `a` is in `b`: Python's `a.subnet_of(b)`.
    pub fn subnet_of(self) -> bool {
        matches!(self, Self::Same | Self::Within)
    }

    /// Whether every address of `b` is in `a`: Python's `a.supernet_of(b)`.
    pub fn supernet_of(self) -> bool {
        matches!(self, Self::Same | Self::Contains)
    }
}

/// How `a` stands to `b` (see [`Relation`]): the shorter prefix holds the
/// other network exactly when their addresses agree on its bits.
///
/// # Examples
///
/// ```
/// use netlab_core::aggregate::{parse_network, relate, Relation};
///
/// let n = |t| parse_network(t).unwrap();
/// assert_eq!(relate(n("10.0.0.0/8"), n("10.20.0.0/16")), Relation::Contains);
/// assert_eq!(relate(n("10.20.0.0/16"), n("10.0.0.0/8")), Relation::Within);
/// assert_eq!(relate(n("10.0.0.0/8"), n("11.0.0.0/8")), Relation::Disjoint);
/// assert!(relate(n("::/0"), n("2001:db8::/32")).overlaps());
/// assert!(!relate(n("0.0.0.0/0"), n("::/0")).overlaps());
/// ```
pub fn relate(a: IpNet, b: IpNet) -> Relation {
    let same_version = a.network().is_ipv4() == b.network().is_ipv4();
    if !same_version {
        return Relation::Disjoint;
    }
    match (a.contains(&b), b.contains(&a)) {
        (true, true) => Relation::Same,
        (true, false) => Relation::Contains,
        (false, true) => Relation::Within,
        (false, false) => Relation::Disjoint,
    }
}

#[cfg(test)]
mod test {
    use super::*;
    use proptest::prelude::*;

    fn net(text: &str) -> IpNet {
        parse_network(text).unwrap()
    }

    fn strings(nets: impl IntoIterator<Item = IpNet>) -> Vec<String> {
        nets.into_iter().map(|n| n.to_string()).collect()
    }

    #[test]
    fn a_range_of_networks_is_refused_by_name() {
        assert_eq!(
            Networks::range("10.0.0.0/24", "10.0.1.0")
                .unwrap_err()
                .to_string(),
            "'10.0.0.0/24' is a network; a range goes from one address to another (a network's first and last addresses are in its subnet report)"
        );
        assert!(matches!(
            Networks::range("10.0.0.1", " 10.0.1.0/24"),
            Err(AggregateError::RangeNetwork(_))
        ));
        assert_eq!(
            parse_network(" 10.0.0.0 / 25 ").unwrap_err().to_string(),
            "'10.0.0.0 / 25' has a space beside the '/': write '10.0.0.0/25'"
        );
    }

    #[test]
    fn summarize_merges_adjacent_nested_and_overlapping() {
        let input = [
            "192.168.0.0/24",
            "192.168.1.0/24",
            "192.168.1.128/25",
            "192.168.2.0/23",
            "10.0.0.1",
            "10.0.0.0",
        ]
        .map(net);
        assert_eq!(
            strings(summarize(&input)),
            ["10.0.0.0/31", "192.168.0.0/22"]
        );
        assert!(summarize(&[]).is_empty());
    }

    #[test]
    fn summarize_never_covers_a_gap() {
        let input = ["10.0.0.0/24", "10.0.2.0/24"].map(net);
        assert_eq!(strings(summarize(&input)), ["10.0.0.0/24", "10.0.2.0/24"]);
    }

    #[test]
    fn summarize_orders_ipv4_before_ipv6() {
        let input = ["::/1", "8000::/1", "0.0.0.0/1", "128.0.0.0/1"].map(net);
        assert_eq!(strings(summarize(&input)), ["0.0.0.0/0", "::/0"]);
    }

    #[test]
    fn ranges_at_the_edges_of_the_address_space() {
        let r = |a: &str, b: &str| {
            strings(range_to_cidrs(a.parse().unwrap(), b.parse().unwrap()).unwrap())
        };
        assert_eq!(r("0.0.0.0", "255.255.255.255"), ["0.0.0.0/0"]);
        assert_eq!(
            r("255.255.255.255", "255.255.255.255"),
            ["255.255.255.255/32"]
        );
        assert_eq!(r("0.0.0.0", "0.0.0.0"), ["0.0.0.0/32"]);
        assert_eq!(r("0.0.0.1", "255.255.255.255").len(), 32);
        assert_eq!(r("0.0.0.1", "255.255.255.254").len(), 62);
        assert_eq!(r("::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), ["::/0"]);
        assert_eq!(
            r("::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe").len(),
            254
        );
    }

    #[test]
    fn range_errors_use_cpython_wording() {
        let a: IpAddr = "10.0.0.9".parse().unwrap();
        let b: IpAddr = "10.0.0.1".parse().unwrap();
        assert_eq!(
            range_to_cidrs(a, b).unwrap_err().to_string(),
            "last IP address must be greater than first: 10.0.0.1 comes before 10.0.0.9"
        );
        let v6: IpAddr = "::1".parse().unwrap();
        assert_eq!(
            range_to_cidrs(a, v6).unwrap_err().to_string(),
            "10.0.0.9 and ::1 are not of the same version"
        );
    }

    #[test]
    fn parse_errors_name_the_problem() {
        let e = |t: &str| parse_network(t).unwrap_err().to_string();
        assert_eq!(
            e("10.0.0.0/33"),
            "prefix 33 is out of range for IPv4 (0-32)"
        );
        assert_eq!(
            e("10.0.0.0/255.0.255.0"),
            "mask 255.0.255.0 is not contiguous"
        );
        assert_eq!(
            e("10.0.0.256/24"),
            "'256' is not an octet (0-255) in '10.0.0.256'"
        );
        assert_eq!(
            e("2001:db8::1/64"),
            "2001:db8::1/64 has host bits set; the network is 2001:db8::/64"
        );
        assert_eq!(e(""), "an empty string is not an IP address");
    }

    #[test]
    fn hosts_follow_the_report_rules() {
        assert_eq!(hosts(net("10.0.0.0/31")).count(), 2);
        assert_eq!(hosts(net("10.0.0.7/32")).count(), 1);
        assert_eq!(hosts(net("::/127")).count(), 2);
        assert_eq!(hosts(net("::5/128")).count(), 1);
        assert_eq!(
            hosts(net("0.0.0.0/0")).next_back(),
            Some("255.255.255.254".parse().unwrap())
        );
    }

    fn v4_range() -> impl Strategy<Value = (u32, u32)> {
        prop_oneof![
            any::<(u32, u32)>(),
            (any::<u32>(), 0u32..70_000).prop_map(|(a, n)| (a, a.saturating_add(n))),
            (0u32..5, 0u32..5).prop_map(|(a, b)| (a, u32::MAX - b)),
        ]
        .prop_map(|(a, b)| (a.min(b), a.max(b)))
    }

    /// Networks with overlaps, nesting and neighbours: many prefixes in a
    /// small space, some anywhere, host bits sometimes set, both versions.
    fn network_list() -> impl Strategy<Value = Vec<IpNet>> {
        let v4 = prop_oneof![
            (any::<u32>(), 0u8..=32),
            ((0u32..4096).prop_map(|a| 0x0a00_0000 | a << 4), 16u8..=32),
            ((0u32..64).prop_map(|a| u32::MAX - a), 24u8..=32),
            ((0u32..64), 0u8..=32),
        ]
        .prop_map(|(a, p)| IpNet::new(IpAddr::V4(a.into()), p).unwrap());
        let v6 = prop_oneof![
            (any::<u128>(), 0u8..=128),
            (
                (0u128..4096).prop_map(|a| (0x2001_0db8u128 << 96) | a << 8),
                100u8..=128
            ),
            ((0u128..64).prop_map(|a| u128::MAX - a), 120u8..=128),
            ((0u128..64), 0u8..=128),
        ]
        .prop_map(|(a, p)| IpNet::new(IpAddr::V6(a.into()), p).unwrap());
        prop_oneof![
            proptest::collection::vec(prop_oneof![4 => v4.clone(), 1 => v6.clone()], 0..300),
            // Past the radix sort's threshold.
            proptest::collection::vec(v4, 4096..6000),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn summarize_is_exactly_ipnet_aggregate(nets in network_list()) {
            prop_assert_eq!(summarize(&nets), IpNet::aggregate(&nets));
        }
    }

    #[test]
    fn summarize_at_the_edges_agrees_with_ipnet() {
        for list in [
            vec!["0.0.0.0/0", "255.255.255.255/32"],
            vec!["255.255.255.254/31", "255.255.255.253/32"],
            vec!["::/0", "::1/128"],
            vec![
                "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127",
                "::/1",
                "8000::/1",
            ],
            vec!["0.0.0.0/32", "0.0.0.1/32", "0.0.0.2/31"],
        ] {
            let nets: Vec<IpNet> = list.iter().map(|t| t.parse().unwrap()).collect();
            assert_eq!(summarize(&nets), IpNet::aggregate(&nets), "{list:?}");
        }
        let many: Vec<IpNet> = (0..10_000u32)
            .map(|i| {
                IpNet::new(
                    IpAddr::V4((i.wrapping_mul(2_654_435_761)).into()),
                    8 + (i % 25) as u8,
                )
                .unwrap()
            })
            .collect();
        assert_eq!(summarize(&many), IpNet::aggregate(&many));
    }

    proptest! {
        #[test]
        fn a_range_is_covered_exactly((s, e) in v4_range()) {
            let blocks: Vec<IpNet> = range_to_cidrs(
                IpAddr::V4(s.into()), IpAddr::V4(e.into())).unwrap().collect();
            let mut next = u64::from(s);
            let mut total = 0u64;
            for b in &blocks {
                prop_assert_eq!(addr::to_u128(b.network()), u128::from(next), "contiguous, no overlap");
                let size = 1u64 << (32 - b.prefix_len());
                total += size;
                next += size;
            }
            prop_assert_eq!(total, u64::from(e) - u64::from(s) + 1);
            // A range's blocks are already as few as possible.
            prop_assert_eq!(summarize(&blocks), blocks);
        }

        #[test]
        fn a_v6_range_is_covered_exactly(a in any::<u128>(), b in any::<u128>()) {
            let (s, e) = (a.min(b), a.max(b));
            let blocks: Vec<IpNet> = range_to_cidrs(
                IpAddr::V6(s.into()), IpAddr::V6(e.into())).unwrap().collect();
            let mut next = Some(s);
            for blk in &blocks {
                prop_assert_eq!(Some(addr::to_u128(blk.network())), next);
                next = addr::to_u128(blk.broadcast()).checked_add(1);
            }
            prop_assert_eq!(blocks.last().map(|b| addr::to_u128(b.broadcast())), Some(e));
        }

        #[test]
        fn network_le_address_le_last(a in any::<u32>(), p in 0u8..=32) {
            let n = IpNet::new(IpAddr::V4(a.into()), p).unwrap();
            prop_assert!(n.network() <= n.addr() && n.addr() <= n.broadcast());
            let h = hosts(n.trunc());
            let (first, last) = (h.clone().next(), h.clone().next_back());
            prop_assert!(first.is_some_and(|f| n.network() <= f));
            prop_assert!(last.is_some_and(|l| l <= n.broadcast()));
        }
    }
}
