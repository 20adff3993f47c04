//! The IANA IPv4 and IPv6 Special-Purpose Address Registries as one table.
//!
//! The registries (RFC 6890 and the entries added since) are the truth for
//! "is this address private, global, documentation…". Python's `ipaddress`
//! derived its answers from them but changed them in 2024 and still differs
//! for some entries, so netlab reads the registry, not Python.
//!
//! Each entry keeps the registry's columns. A column that the registry marks
//! `N/A` is `None`. When entries nest (192.0.0.9/32 inside 192.0.0.0/24) the
//! most specific one decides, which is how 192.0.0.9 is globally reachable
//! inside a block that is not.

use std::net::IpAddr;

use ipnet::IpNet;
use serde::Serialize;

/// The date of the registries' contents this table was taken from.
pub const REGISTRY_DATE: &str = "2025-11-03";

/// One row of a Special-Purpose Address Registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SpecialRange {
    /// The registry's name for the block.
    pub name: &'static str,
    /// The block, as the registry writes it.
    pub cidr: &'static str,
    /// The RFC (or RFCs) that reserved it.
    pub rfc: &'static str,
    /// Valid as a source address.
    pub source: Option<bool>,
    /// Valid as a destination address.
    pub destination: Option<bool>,
    /// Routers may forward it.
    pub forwardable: Option<bool>,
    /// Reachable beyond its own network.
    pub globally_reachable: Option<bool>,
    /// Reserved by a protocol rather than assigned for use.
    pub reserved_by_protocol: Option<bool>,
}

const T: Option<bool> = Some(true);
const F: Option<bool> = Some(false);
const NA: Option<bool> = None;

const fn row(
    name: &'static str,
    cidr: &'static str,
    rfc: &'static str,
    flags: [Option<bool>; 5],
) -> SpecialRange {
    SpecialRange {
        name,
        cidr,
        rfc,
        source: flags[0],
        destination: flags[1],
        forwardable: flags[2],
        globally_reachable: flags[3],
        reserved_by_protocol: flags[4],
    }
}

/// The rows of both registries. Columns of `flags`: source, destination,
/// forwardable, globally reachable, reserved-by-protocol.
pub static REGISTRY: &[SpecialRange] = &[
    // IPv4 Special-Purpose Address Registry.
    row("This network", "0.0.0.0/8", "RFC 791", [T, F, F, F, T]),
    row(
        "This host on this network",
        "0.0.0.0/32",
        "RFC 1122",
        [T, F, F, F, T],
    ),
    row("Private-Use", "10.0.0.0/8", "RFC 1918", [T, T, T, F, F]),
    row(
        "Shared Address Space",
        "100.64.0.0/10",
        "RFC 6598",
        [T, T, T, F, F],
    ),
    row("Loopback", "127.0.0.0/8", "RFC 1122", [F, F, F, F, T]),
    row("Link Local", "169.254.0.0/16", "RFC 3927", [T, T, F, F, T]),
    row("Private-Use", "172.16.0.0/12", "RFC 1918", [T, T, T, F, F]),
    row(
        "IETF Protocol Assignments",
        "192.0.0.0/24",
        "RFC 6890",
        [F, F, F, F, F],
    ),
    row(
        "IPv4 Service Continuity Prefix",
        "192.0.0.0/29",
        "RFC 7335",
        [T, T, T, F, F],
    ),
    row(
        "IPv4 dummy address",
        "192.0.0.8/32",
        "RFC 7600",
        [T, F, F, F, F],
    ),
    row(
        "Port Control Protocol Anycast",
        "192.0.0.9/32",
        "RFC 7723",
        [T, T, T, T, F],
    ),
    row(
        "Traversal Using Relays around NAT Anycast",
        "192.0.0.10/32",
        "RFC 8155",
        [T, T, T, T, F],
    ),
    row(
        "NAT64/DNS64 Discovery",
        "192.0.0.170/32",
        "RFC 8880, RFC 7050",
        [F, F, F, F, T],
    ),
    row(
        "NAT64/DNS64 Discovery",
        "192.0.0.171/32",
        "RFC 8880, RFC 7050",
        [F, F, F, F, T],
    ),
    row(
        "Documentation (TEST-NET-1)",
        "192.0.2.0/24",
        "RFC 5737",
        [F, F, F, F, F],
    ),
    row("AS112-v4", "192.31.196.0/24", "RFC 7535", [T, T, T, T, F]),
    row("AMT", "192.52.193.0/24", "RFC 7450", [T, T, T, T, F]),
    row(
        "Deprecated (6to4 Relay Anycast)",
        "192.88.99.0/24",
        "RFC 7526",
        [NA, NA, NA, NA, NA],
    ),
    row(
        "6a44-relay anycast address",
        "192.88.99.2/32",
        "RFC 6751",
        [T, T, T, F, F],
    ),
    row("Private-Use", "192.168.0.0/16", "RFC 1918", [T, T, T, F, F]),
    row(
        "Direct Delegation AS112 Service",
        "192.175.48.0/24",
        "RFC 7534",
        [T, T, T, T, F],
    ),
    row("Benchmarking", "198.18.0.0/15", "RFC 2544", [T, T, T, F, F]),
    row(
        "Documentation (TEST-NET-2)",
        "198.51.100.0/24",
        "RFC 5737",
        [F, F, F, F, F],
    ),
    row(
        "Documentation (TEST-NET-3)",
        "203.0.113.0/24",
        "RFC 5737",
        [F, F, F, F, F],
    ),
    row("Reserved", "240.0.0.0/4", "RFC 1112", [F, F, F, F, T]),
    row(
        "Limited Broadcast",
        "255.255.255.255/32",
        "RFC 8190, RFC 919",
        [F, T, F, F, T],
    ),
    // IPv6 Special-Purpose Address Registry.
    row("Loopback Address", "::1/128", "RFC 4291", [F, F, F, F, T]),
    row("Unspecified Address", "::/128", "RFC 4291", [T, F, F, F, T]),
    row(
        "IPv4-mapped Address",
        "::ffff:0:0/96",
        "RFC 4291",
        [F, F, F, F, T],
    ),
    row(
        "IPv4-IPv6 Translat.",
        "64:ff9b::/96",
        "RFC 6052",
        [T, T, T, T, F],
    ),
    row(
        "IPv4-IPv6 Translat.",
        "64:ff9b:1::/48",
        "RFC 8215",
        [T, T, T, F, F],
    ),
    row(
        "Discard-Only Address Block",
        "100::/64",
        "RFC 6666",
        [T, T, T, F, F],
    ),
    row(
        "Dummy IPv6 Prefix",
        "100:0:0:1::/64",
        "RFC 9780",
        [T, F, F, F, F],
    ),
    row(
        "IETF Protocol Assignments",
        "2001::/23",
        "RFC 2928",
        [F, F, F, F, F],
    ),
    row(
        "TEREDO",
        "2001::/32",
        "RFC 4380, RFC 8190",
        [T, T, T, NA, F],
    ),
    row(
        "Port Control Protocol Anycast",
        "2001:1::1/128",
        "RFC 7723",
        [T, T, T, T, F],
    ),
    row(
        "Traversal Using Relays around NAT Anycast",
        "2001:1::2/128",
        "RFC 8155",
        [T, T, T, T, F],
    ),
    row(
        "DNS-SD Service Registration Protocol Anycast",
        "2001:1::3/128",
        "RFC 9665",
        [T, T, T, T, F],
    ),
    row("Benchmarking", "2001:2::/48", "RFC 5180", [T, T, T, F, F]),
    row("AMT", "2001:3::/32", "RFC 7450", [T, T, T, T, F]),
    row("AS112-v6", "2001:4:112::/48", "RFC 7535", [T, T, T, T, F]),
    row(
        "Deprecated (previously ORCHID)",
        "2001:10::/28",
        "RFC 4843",
        [NA, NA, NA, NA, NA],
    ),
    row("ORCHIDv2", "2001:20::/28", "RFC 7343", [T, T, T, T, F]),
    row(
        "Drone Remote ID Protocol Entity Tags (DETs) Prefix",
        "2001:30::/28",
        "RFC 9374",
        [T, T, T, T, F],
    ),
    row(
        "Documentation",
        "2001:db8::/32",
        "RFC 3849",
        [F, F, F, F, F],
    ),
    row("6to4", "2002::/16", "RFC 3056", [T, T, T, NA, F]),
    row(
        "Direct Delegation AS112 Service",
        "2620:4f:8000::/48",
        "RFC 7534",
        [T, T, T, T, F],
    ),
    row("Documentation", "3fff::/20", "RFC 9637", [F, F, F, F, F]),
    row(
        "Segment Routing (SRv6) SIDs",
        "5f00::/16",
        "RFC 9602",
        [T, T, T, F, F],
    ),
    row(
        "Unique-Local",
        "fc00::/7",
        "RFC 4193, RFC 8190",
        [T, T, T, F, F],
    ),
    row(
        "Link-Local Unicast",
        "fe80::/10",
        "RFC 4291",
        [T, T, F, F, T],
    ),
];

/// The registry rows whose block contains `addr`, least specific first, so
/// the last one is the entry that decides.
///
/// # Examples
///
/// ```
/// use netlab_core::special::ranges_containing;
///
/// let rows = ranges_containing("192.0.0.9".parse().unwrap());
/// let names: Vec<_> = rows.iter().map(|r| r.cidr).collect();
/// assert_eq!(names, ["192.0.0.0/24", "192.0.0.9/32"]);
/// assert_eq!(rows.last().unwrap().globally_reachable, Some(true));
/// ```
pub fn ranges_containing(addr: IpAddr) -> Vec<&'static SpecialRange> {
    let mut found: Vec<(u8, &'static SpecialRange)> = REGISTRY
        .iter()
        .filter_map(|r| {
            let net: IpNet = r.cidr.parse().ok()?;
            net.contains(&addr).then_some((net.prefix_len(), r))
        })
        .collect();
    found.sort_by_key(|(prefix, _)| *prefix);
    found.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn every_row_is_a_canonical_network() {
        for r in REGISTRY {
            let net: IpNet = r.cidr.parse().expect(r.cidr);
            assert_eq!(net.trunc(), net, "{} has host bits set", r.cidr);
        }
    }

    #[test]
    fn most_specific_last() {
        let rows = ranges_containing("0.0.0.0".parse().unwrap());
        assert_eq!(rows.last().unwrap().cidr, "0.0.0.0/32");
        let rows = ranges_containing("8.8.8.8".parse().unwrap());
        assert!(rows.is_empty());
        let rows = ranges_containing("2001::1".parse().unwrap());
        assert_eq!(rows.last().unwrap().name, "TEREDO");
    }
}
