//! Address planning: splitting a network into equal subnets (by new prefix
//! or by how many are needed) and VLSM, subnets of different sizes cut for
//! given host counts.
//!
//! Splits are lazy (`ipnet`'s `IpSubnets` iterator), because the question
//! "0.0.0.0/0 into /32s" has 2^32 answers and "::/0 into /128s" 2^128: a
//! caller prints them as they come and never holds the list.
//!
//! VLSM allocates the largest request first. Blocks are powers of two, so
//! placing them in non-increasing size from the start of the network keeps
//! every block aligned with no gaps between them, and a plan fits exactly
//! when the blocks' sizes add up to no more than the network: the simple
//! order is also the optimal one.

use std::cmp::Reverse;
use std::fmt;
use std::net::IpAddr;

use ipnet::{IpNet, IpSubnets};
use serde::Serialize;
use thiserror::Error;

use crate::addr;
use crate::aggregate::{self, AggregateError};
use crate::subnet::{self, Count, SubnetError};

/// Why a split or a VLSM plan cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PlanError {
    /// The network itself is wrong.
    #[error(transparent)]
    Network(#[from] AggregateError),
    /// The new prefix is out of range.
    #[error(transparent)]
    Prefix(#[from] SubnetError),
    /// A split into bigger blocks than the network.
    #[error(
        "a /{prefix} is larger than {network}: to split it, the new prefix must be {network_prefix} or more"
    )]
    PrefixTooShort {
        network: IpNet,
        network_prefix: u8,
        prefix: u8,
    },
    /// Zero subnets asked for.
    #[error("a network cannot be split into 0 subnets: ask for 1 or more")]
    ZeroCount,
    /// The subnet count is not a whole number.
    #[error("'{0}' is not a number of subnets (a whole number up to 2^128-1)")]
    BadCount(String),
    /// More subnets than the network has addresses.
    #[error("{network} cannot be split into {count} subnets: at most {max} (/{max_prefix}s) fit")]
    TooManySubnets {
        network: IpNet,
        count: u128,
        max: Count,
        max_prefix: u8,
    },
    /// A host count that is not a whole number.
    #[error("'{0}' is not a number of hosts (a whole number up to 2^128-1)")]
    BadHosts(String),
    /// A request for a subnet with no hosts.
    #[error("a subnet for 0 hosts makes no sense: every host count must be 1 or more")]
    NoHosts,
    /// More hosts than any subnet of this version has.
    #[error("no IPv{version} subnet has {hosts} usable hosts; the most is {max} (a /0)")]
    TooManyHosts {
        hosts: u128,
        version: u8,
        max: Count,
    },
    /// A request that does not fit in what is left of the network.
    #[error("{0}")]
    DoesNotFit(Box<NoRoom>),
}

/// The details of [`PlanError::DoesNotFit`]: the request, the block it
/// needs and what was left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoRoom {
    pub hosts: u128,
    pub prefix: u8,
    pub size: Count,
    pub network: IpNet,
    pub free: Count,
    /// The requests placed before it, largest first.
    pub placed: Vec<(Count, IpNet)>,
}

impl fmt::Display for NoRoom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hosts = if self.hosts == 1 { "host" } else { "hosts" };
        let size = if self.size.get() == Some(1) {
            "address"
        } else {
            "addresses"
        };
        let free = if self.free.get() == Some(1) {
            "address"
        } else {
            "addresses"
        };
        write!(
            f,
            "a subnet for {} {hosts} does not fit: it needs a /{} ({} {size}), but {} has {} {free} left",
            self.hosts, self.prefix, self.size, self.network, self.free
        )?;
        if !self.placed.is_empty() {
            let list: Vec<String> = self
                .placed
                .iter()
                .map(|(hosts, subnet)| {
                    if hosts.get() == Some(1) {
                        format!("{hosts} host in {subnet}")
                    } else {
                        format!("{hosts} hosts in {subnet}")
                    }
                })
                .collect();
            write!(f, " after the larger requests ({})", list.join(", "))?;
        }
        Ok(())
    }
}

/// A lazy split of a network into equal subnets.
#[derive(Debug, Clone)]
pub struct Split {
    /// The network being split.
    pub network: IpNet,
    /// The subnets' prefix length.
    pub prefix: u8,
    /// How many subnets there are: 2^(prefix - network's prefix).
    pub count: Count,
    /// The subnets, lowest first, made one at a time.
    pub subnets: IpSubnets,
}

/// How the size of a split's subnets is asked for: `--prefix N` (a prefix
/// length or a netmask, as text) or `--count K` (how many are needed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SplitBy<'a> {
    Prefix(&'a str),
    Count(&'a str),
}

/// Splits a network by a prefix or netmask given as text, or into the
/// largest subnets that make at least a given number ([`prefix_for_count`]).
///
/// # Examples
///
/// ```
/// use netlab_core::aggregate::parse_network;
/// use netlab_core::plan::{SplitBy, split_by};
///
/// let net = parse_network("10.0.0.0/24").unwrap();
/// assert_eq!(split_by(net, SplitBy::Prefix("255.255.255.192")).unwrap().prefix, 26);
/// assert_eq!(split_by(net, SplitBy::Count("5")).unwrap().prefix, 27);
/// assert!(split_by(net, SplitBy::Count("five")).is_err());
/// ```
pub fn split_by(network: IpNet, by: SplitBy<'_>) -> Result<Split, PlanError> {
    let prefix = match by {
        SplitBy::Prefix(text) => {
            let text = text.trim();
            subnet::parse_prefix_or_mask(network.addr(), text.strip_prefix('/').unwrap_or(text))?
        }
        SplitBy::Count(text) => prefix_for_count(network, parse_count(text)?)?,
    };
    split(network, prefix)
}

/// A split written out in full: the JSON of `netlab split` (which streams
/// it), and what the browser's `splitSubnet` returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SplitList {
    pub network: IpNet,
    pub prefix: u8,
    pub count: Count,
    pub subnets: Vec<IpNet>,
}

impl Split {
    /// The subnets in one list, for a caller that cannot stream them: all
    /// of them, or the first `limit` when there are more, with `count`
    /// saying how many there are in all (so `10.0.0.0/8` split into /26s
    /// lists its first subnets at once, and says there are 262144).
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::aggregate::parse_network;
    /// use netlab_core::plan::split;
    ///
    /// let s = split(parse_network("10.0.0.0/30").unwrap(), 31).unwrap();
    /// assert_eq!(s.list(2).subnets.len(), 2);
    /// let all = split(parse_network("0.0.0.0/0").unwrap(), 32).unwrap().list(3);
    /// assert_eq!(all.count.get(), Some(1 << 32));
    /// assert_eq!(all.subnets.last().unwrap().to_string(), "0.0.0.2/32");
    /// ```
    pub fn list(self, limit: usize) -> SplitList {
        SplitList {
            network: self.network,
            prefix: self.prefix,
            count: self.count,
            subnets: self.subnets.take(limit).collect(),
        }
    }
}

/// Splits a network into subnets of a longer prefix, lazily.
///
/// # Examples
///
/// ```
/// use netlab_core::aggregate::parse_network;
/// use netlab_core::plan::split;
///
/// let s = split(parse_network("192.168.0.0/24").unwrap(), 26).unwrap();
/// assert_eq!(s.count.get(), Some(4));
/// let nets: Vec<String> = s.subnets.map(|n| n.to_string()).collect();
/// assert_eq!(nets, ["192.168.0.0/26", "192.168.0.64/26", "192.168.0.128/26", "192.168.0.192/26"]);
///
/// // 2^32 subnets, made only as they are read.
/// let mut all = split(parse_network("0.0.0.0/0").unwrap(), 32).unwrap();
/// assert_eq!(all.count.get(), Some(1 << 32));
/// assert_eq!(all.subnets.nth(1).unwrap().to_string(), "0.0.0.1/32");
/// ```
pub fn split(network: IpNet, prefix: u8) -> Result<Split, PlanError> {
    let network = network.trunc();
    let max = network.max_prefix_len();
    if prefix > max {
        return Err(SubnetError::PrefixOutOfRange {
            prefix: prefix.to_string(),
            version: version(network),
            max,
        }
        .into());
    }
    let subnets = network
        .subnets(prefix)
        .map_err(|_| PlanError::PrefixTooShort {
            network,
            network_prefix: network.prefix_len(),
            prefix,
        })?;
    Ok(Split {
        network,
        prefix,
        count: power_of_two(network, prefix - network.prefix_len()),
        subnets,
    })
}

/// The shortest prefix (so the largest subnets) that splits `network` into
/// at least `count` subnets: their number is the smallest power of two at
/// or above `count`, and any spare ones are left for growth.
///
/// # Examples
///
/// ```
/// use netlab_core::aggregate::parse_network;
/// use netlab_core::plan::prefix_for_count;
///
/// let net = parse_network("10.0.0.0/24").unwrap();
/// assert_eq!(prefix_for_count(net, 5).unwrap(), 27); // 8 subnets of 32
/// assert_eq!(prefix_for_count(net, 1).unwrap(), 24);
/// assert!(prefix_for_count(net, 257).is_err());
/// ```
pub fn prefix_for_count(network: IpNet, count: u128) -> Result<u8, PlanError> {
    if count == 0 {
        return Err(PlanError::ZeroCount);
    }
    // ceil(log2(count)) is at most 128, so it fits in a u8.
    let bits = (128 - (count - 1).leading_zeros()) as u8;
    let max = network.max_prefix_len();
    match network.prefix_len().checked_add(bits) {
        Some(p) if p <= max => Ok(p),
        _ => Err(PlanError::TooManySubnets {
            network: network.trunc(),
            count,
            max: power_of_two(network, max - network.prefix_len()),
            max_prefix: max,
        }),
    }
}

/// Reads a subnet count (`--count K`).
///
/// # Examples
///
/// ```
/// use netlab_core::plan::parse_count;
///
/// assert_eq!(parse_count("16").unwrap(), 16);
/// assert!(parse_count("-1").is_err());
/// ```
pub fn parse_count(text: &str) -> Result<u128, PlanError> {
    parse_whole(text).ok_or_else(|| PlanError::BadCount(text.to_owned()))
}

/// Reads a host count for VLSM.
///
/// # Examples
///
/// ```
/// use netlab_core::plan::parse_hosts;
///
/// assert_eq!(parse_hosts("100").unwrap(), 100);
/// assert_eq!(
///     parse_hosts("ten").unwrap_err().to_string(),
///     "'ten' is not a number of hosts (a whole number up to 2^128-1)"
/// );
/// ```
pub fn parse_hosts(text: &str) -> Result<u128, PlanError> {
    parse_whole(text).ok_or_else(|| PlanError::BadHosts(text.to_owned()))
}

fn parse_whole(text: &str) -> Option<u128> {
    let text = text.trim();
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// One VLSM request and the subnet it got.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Allocation {
    /// The host count asked for.
    pub hosts: Count,
    pub subnet: IpNet,
    /// What the subnet holds, by the report's rules (/31: 2, /32: 1).
    pub usable_hosts: Count,
}

/// A VLSM plan (`netlab vlsm`, `vlsm`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VlsmPlan {
    pub network: IpNet,
    /// Largest request first, which is also ascending address order; ties
    /// keep the order they were given in.
    pub allocations: Vec<Allocation>,
    /// What is left, as the fewest CIDR blocks.
    pub unused: Vec<IpNet>,
}

/// Allocates a subnet for each host count, largest first, each the
/// smallest block whose usable hosts (the subnet report's rules: a `/31`
/// has 2, a `/32` 1, an IPv6 block all but its Subnet-Router anycast
/// address) reach the count.
///
/// # Examples
///
/// ```
/// use netlab_core::aggregate::parse_network;
/// use netlab_core::plan::vlsm;
///
/// let plan = vlsm(parse_network("192.168.1.0/24").unwrap(), &[20, 100, 2, 50]).unwrap();
/// let got: Vec<String> = plan.allocations.iter().map(|a| a.subnet.to_string()).collect();
/// assert_eq!(got, ["192.168.1.0/25", "192.168.1.128/26", "192.168.1.192/27", "192.168.1.224/31"]);
/// let unused: Vec<String> = plan.unused.iter().map(|n| n.to_string()).collect();
/// assert_eq!(unused, ["192.168.1.226/31", "192.168.1.228/30", "192.168.1.232/29", "192.168.1.240/28"]);
/// assert!(vlsm(parse_network("192.168.1.0/24").unwrap(), &[200, 100]).is_err());
/// ```
pub fn vlsm(network: IpNet, hosts: &[u128]) -> Result<VlsmPlan, PlanError> {
    if hosts.contains(&0) {
        return Err(PlanError::NoHosts);
    }
    let network = network.trunc();
    let bits = network.max_prefix_len();
    let mut order: Vec<u128> = hosts.to_vec();
    // Stable: equal requests keep the order they were given in.
    order.sort_by_key(|&h| Reverse(h));
    let last = addr::to_u128(network.broadcast());
    // `None` once an allocation has reached the very last address.
    let mut cursor = Some(addr::to_u128(network.network()));
    let mut allocations = Vec::with_capacity(order.len());
    for &want in &order {
        let prefix = prefix_for_hosts(bits, want).ok_or(PlanError::TooManyHosts {
            hosts: want,
            version: version(network),
            max: count(network, usable(bits, 0)),
        })?;
        let span = ones(bits - prefix);
        let end = cursor.and_then(|c| c.checked_add(span));
        let (start, end) = match (cursor, end) {
            (Some(start), Some(end)) if prefix >= network.prefix_len() && end <= last => {
                (start, end)
            }
            _ => {
                return Err(PlanError::DoesNotFit(Box::new(NoRoom {
                    hosts: want,
                    prefix,
                    size: power_of_two(network, bits - prefix),
                    network,
                    free: cursor.map_or(count(network, 0), |c| {
                        match last.saturating_sub(c).checked_add(1) {
                            Some(n) => count(network, n),
                            None => Count::V6All,
                        }
                    }),
                    placed: allocations
                        .iter()
                        .map(|a: &Allocation| (a.hosts, a.subnet))
                        .collect(),
                })));
            }
        };
        let subnet = IpNet::new(from_u128(network, start), prefix).map_err(|_| {
            SubnetError::PrefixOutOfRange {
                prefix: prefix.to_string(),
                version: version(network),
                max: bits,
            }
        })?;
        allocations.push(Allocation {
            hosts: count(network, want),
            subnet,
            usable_hosts: count(network, usable(bits, prefix)),
        });
        cursor = end.checked_add(1).filter(|&c| c <= last);
    }
    let unused = match cursor {
        Some(c) => aggregate::range_to_cidrs(from_u128(network, c), network.broadcast())?.collect(),
        None => Vec::new(),
    };
    Ok(VlsmPlan {
        network,
        allocations,
        unused,
    })
}

/// The longest prefix (smallest block) with at least `hosts` usable hosts
/// in an address space of `bits` bits (32 or 128), or `None` when even the
/// whole space has fewer.
///
/// # Examples
///
/// ```
/// use netlab_core::plan::prefix_for_hosts;
///
/// assert_eq!(prefix_for_hosts(32, 1), Some(32));
/// assert_eq!(prefix_for_hosts(32, 2), Some(31));
/// assert_eq!(prefix_for_hosts(32, 3), Some(29)); // a /30 has only 2
/// assert_eq!(prefix_for_hosts(32, 254), Some(24));
/// assert_eq!(prefix_for_hosts(128, 3), Some(126));
/// assert_eq!(prefix_for_hosts(32, 1 << 32), None);
/// ```
pub fn prefix_for_hosts(bits: u8, hosts: u128) -> Option<u8> {
    (0..=bits).rev().find(|&p| usable(bits, p) >= hosts)
}

/// Usable hosts of a `/prefix` in a space of `bits` bits, by the report's
/// rules, saturating at `u128::MAX` (only the IPv6 `/0` gets there).
fn usable(bits: u8, prefix: u8) -> u128 {
    let host_bits = bits.saturating_sub(prefix);
    match host_bits {
        0 => 1,
        1 => 2,
        _ if bits == 32 => ones(host_bits) - 1,
        _ => ones(host_bits),
    }
}

/// 2^host_bits - 1, which always fits in a u128.
fn ones(host_bits: u8) -> u128 {
    u128::MAX
        .checked_shr(128 - u32::from(host_bits))
        .unwrap_or(0)
}

fn power_of_two(network: IpNet, exp: u8) -> Count {
    match ones(exp).checked_add(1) {
        Some(n) => count(network, n),
        None => Count::V6All,
    }
}

fn count(network: IpNet, n: u128) -> Count {
    match network {
        // IPv4 counts never exceed 2^32.
        IpNet::V4(_) => Count::V4(u64::try_from(n).unwrap_or(u64::MAX)),
        IpNet::V6(_) => Count::V6(n),
    }
}

fn version(network: IpNet) -> u8 {
    match network {
        IpNet::V4(_) => 4,
        IpNet::V6(_) => 6,
    }
}

fn from_u128(network: IpNet, value: u128) -> IpAddr {
    match network {
        IpNet::V4(_) => IpAddr::V4(u32::try_from(value).unwrap_or(u32::MAX).into()),
        IpNet::V6(_) => IpAddr::V6(value.into()),
    }
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::aggregate::{parse_network, summarize};
    use proptest::prelude::*;

    fn net(text: &str) -> IpNet {
        parse_network(text).unwrap()
    }

    #[test]
    fn split_by_prefix_and_count() {
        let s = split(net("10.0.0.0/8"), 10).unwrap();
        assert_eq!(s.count, Count::V4(4));
        assert_eq!(s.subnets.last().unwrap().to_string(), "10.192.0.0/10");
        assert_eq!(split(net("10.0.0.0/8"), 8).unwrap().count, Count::V4(1));
        assert_eq!(prefix_for_count(net("10.0.0.0/8"), 3).unwrap(), 10);
        assert_eq!(prefix_for_count(net("10.0.0.0/8"), 4).unwrap(), 10);
        assert_eq!(prefix_for_count(net("0.0.0.0/0"), 1 << 32).unwrap(), 32);
        assert_eq!(prefix_for_count(net("::/0"), u128::MAX).unwrap(), 128);
        assert_eq!(split(net("::/0"), 128).unwrap().count, Count::V6All);
    }

    #[test]
    fn split_errors_say_what_is_wrong() {
        let e = |r: Result<_, PlanError>| r.map(|_: u8| ()).unwrap_err().to_string();
        assert_eq!(
            e(prefix_for_count(net("10.0.0.0/30"), 5)),
            "10.0.0.0/30 cannot be split into 5 subnets: at most 4 (/32s) fit"
        );
        assert_eq!(
            e(prefix_for_count(net("10.0.0.0/30"), 0)),
            "a network cannot be split into 0 subnets: ask for 1 or more"
        );
        assert_eq!(
            split(net("10.0.0.0/16"), 8).unwrap_err().to_string(),
            "a /8 is larger than 10.0.0.0/16: to split it, the new prefix must be 16 or more"
        );
        assert_eq!(
            split(net("10.0.0.0/16"), 33).unwrap_err().to_string(),
            "prefix 33 is out of range for IPv4 (0-32)"
        );
        assert!(parse_count("1.5").is_err());
        assert!(parse_count("999999999999999999999999999999999999999999").is_err());
    }

    #[test]
    fn a_listed_split_is_the_cli_json() {
        let list = split_by(net("2001:db8::/126"), SplitBy::Count("2"))
            .unwrap()
            .list(2);
        assert_eq!(
            serde_json::to_string(&list).unwrap(),
            r#"{"network":"2001:db8::/126","prefix":127,"count":"2","subnets":["2001:db8::/127","2001:db8::2/127"]}"#
        );
        let all = split(net("::/0"), 128).unwrap().list(2);
        assert_eq!(all.count, Count::V6All);
        assert_eq!(all.subnets.len(), 2);
    }

    #[test]
    fn vlsm_sizes_follow_the_report_rules() {
        let plan = vlsm(net("10.0.0.0/29"), &[1, 2, 2]).unwrap();
        let got: Vec<(String, Option<u128>)> = plan
            .allocations
            .iter()
            .map(|a| (a.subnet.to_string(), a.usable_hosts.get()))
            .collect();
        assert_eq!(
            got,
            [
                ("10.0.0.0/31".to_owned(), Some(2)),
                ("10.0.0.2/31".to_owned(), Some(2)),
                ("10.0.0.4/32".to_owned(), Some(1)),
            ]
        );
        assert_eq!(plan.unused, [net("10.0.0.5/32"), net("10.0.0.6/31")]);
        let full = vlsm(net("10.0.0.0/24"), &[126, 126]).unwrap();
        assert!(full.unused.is_empty());
    }

    #[test]
    fn vlsm_at_the_edges() {
        let all = vlsm(net("0.0.0.0/0"), &[(1 << 32) - 2]).unwrap();
        assert_eq!(all.allocations[0].subnet, net("0.0.0.0/0"));
        assert!(all.unused.is_empty());
        let top = vlsm(net("255.255.255.254/31"), &[1, 1]).unwrap();
        assert_eq!(top.allocations[1].subnet, net("255.255.255.255/32"));
        let v6 = vlsm(net("::/0"), &[u128::MAX]).unwrap();
        assert_eq!(v6.allocations[0].subnet, net("::/0"));
        let v6 = vlsm(net("2001:db8::/64"), &[3, 1000]).unwrap();
        assert_eq!(v6.allocations[1].subnet, net("2001:db8::400/126"));
        let json = serde_json::to_value(&v6).unwrap();
        assert_eq!(json["allocations"][0]["hosts"], "1000");
        assert_eq!(json["allocations"][0]["usable_hosts"], "1023");
    }

    #[test]
    fn vlsm_errors_name_what_did_not_fit() {
        let e = |n: &str, h: &[u128]| vlsm(net(n), h).unwrap_err().to_string();
        assert_eq!(
            e("192.168.1.0/24", &[100, 100, 60]),
            "a subnet for 60 hosts does not fit: it needs a /26 (64 addresses), but 192.168.1.0/24 has 0 addresses left after the larger requests (100 hosts in 192.168.1.0/25, 100 hosts in 192.168.1.128/25)"
        );
        assert_eq!(
            e("192.168.1.0/24", &[300]),
            "a subnet for 300 hosts does not fit: it needs a /23 (512 addresses), but 192.168.1.0/24 has 256 addresses left"
        );
        // One host is one host, in the list too.
        assert_eq!(
            e("10.0.0.0/31", &[1, 1, 1]),
            "a subnet for 1 host does not fit: it needs a /32 (1 address), but 10.0.0.0/31 has 0 addresses left after the larger requests (1 host in 10.0.0.0/32, 1 host in 10.0.0.1/32)"
        );
        assert_eq!(
            e("10.0.0.0/8", &[1 << 32]),
            "no IPv4 subnet has 4294967296 usable hosts; the most is 4294967294 (a /0)"
        );
        assert_eq!(
            e("10.0.0.0/8", &[0]),
            "a subnet for 0 hosts makes no sense: every host count must be 1 or more"
        );
    }

    proptest! {
        #[test]
        fn split_then_summarize_gives_the_original(a in any::<u32>(), p in 0u8..=32, extra in 0u8..=8) {
            let parent = IpNet::new(IpAddr::V4(a.into()), p).unwrap().trunc();
            let new = p.saturating_add(extra).min(32);
            let parts: Vec<IpNet> = split(parent, new).unwrap().subnets.collect();
            prop_assert_eq!(parts.len() as u128, split(parent, new).unwrap().count.get().unwrap());
            prop_assert_eq!(summarize(&parts), vec![parent]);
        }

        #[test]
        fn vlsm_allocations_are_disjoint_and_inside(
            a in any::<u32>(),
            p in 16u8..=32,
            hosts in proptest::collection::vec(1u128..5000, 0..8),
        ) {
            let parent = IpNet::new(IpAddr::V4(a.into()), p).unwrap().trunc();
            if let Ok(plan) = vlsm(parent, &hosts) {
                let mut pieces: Vec<IpNet> = plan.allocations.iter().map(|x| x.subnet).collect();
                for x in &plan.allocations {
                    prop_assert!(parent.contains(&x.subnet));
                    prop_assert!(x.usable_hosts.get() >= x.hosts.get());
                }
                for w in pieces.windows(2) {
                    prop_assert!(w[0].broadcast() < w[1].network(), "overlap {:?}", w);
                }
                pieces.extend(plan.unused.iter().copied());
                prop_assert_eq!(summarize(&pieces), vec![parent]);
            } else {
                let needed: u128 = hosts.iter().map(|&h| {
                    let q = prefix_for_hosts(32, h).unwrap();
                    1u128 << (32 - q)
                }).sum();
                prop_assert!(needed > 1u128 << (32 - p));
            }
        }
    }
}
