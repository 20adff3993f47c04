//! "Are A and B in one network?", answered the way seed 000 §1.1 teaches it:
//! write each address and the mask in binary, AND each address with the
//! mask, and compare the two results. Equal results mean one network.
//!
//! The report keeps every intermediate step (the binary forms and both
//! networks) so that a front end can show the working, not only the verdict,
//! and adds the longest prefix that would put the two addresses together,
//! which answers the seed's follow-up question ("which mask makes them one
//! network?").

use std::net::IpAddr;

use ipnet::IpNet;
use serde::Serialize;
use thiserror::Error;

use crate::addr::{self, AddrError};
use crate::subnet::{self, SubnetError};

/// Why the comparison could not be made.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SameError {
    /// One of the two addresses is not an address.
    #[error(transparent)]
    Address(#[from] AddrError),
    /// The mask or prefix is wrong.
    #[error(transparent)]
    Mask(#[from] SubnetError),
    /// An IPv4 and an IPv6 address are never in one network.
    #[error(
        "{a} is IPv{a_version} but {b} is IPv{b_version}: compare two addresses of one version"
    )]
    MixedVersions {
        a: IpAddr,
        a_version: u8,
        b: IpAddr,
        b_version: u8,
    },
}

/// One address and the result of ANDing it with the mask.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Side {
    pub address: IpAddr,
    /// The address in binary, grouped as the seeds write it.
    pub binary: String,
    /// `address AND mask`.
    pub network: IpAddr,
    pub network_binary: String,
}

/// The worked comparison (`netlab same`, `sameSubnet`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SameReport {
    /// Whether both ANDs gave the same network.
    pub same: bool,
    /// The mask, dotted for IPv4 and hex for IPv6.
    pub mask: String,
    pub prefix: u8,
    pub mask_binary: String,
    pub a: Side,
    pub b: Side,
    /// The longest prefix under which A and B share a network: the number of
    /// leading bits the two addresses agree on. Any prefix up to it makes
    /// them one network; any longer one separates them.
    pub common_prefix: u8,
    /// The mask of `common_prefix`.
    pub common_mask: String,
    /// The smallest network holding both addresses.
    pub common_network: IpNet,
}

impl SameReport {
    /// Parses two addresses and a mask (`255.255.255.0`) or prefix (`24`)
    /// and compares them.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::same::SameReport;
    ///
    /// // Seed 000 §1.1: 192.168.12.1 and 192.168.13.1 under 255.255.255.0.
    /// let r = SameReport::parse("192.168.12.1", "192.168.13.1", "255.255.255.0").unwrap();
    /// assert!(!r.same);
    /// assert_eq!(r.a.network.to_string(), "192.168.12.0");
    /// assert_eq!(r.b.network_binary, "11000000.10101000.00001101.00000000");
    /// assert_eq!((r.common_prefix, r.common_mask.as_str()), (23, "255.255.254.0"));
    /// // The seed's own answer: 255.255.0.0 puts them in one network.
    /// assert!(SameReport::parse("192.168.12.1", "192.168.13.1", "16").unwrap().same);
    /// ```
    pub fn parse(a: &str, b: &str, mask_or_prefix: &str) -> Result<Self, SameError> {
        let a = addr::parse_ip(a.trim())?;
        let b = addr::parse_ip(b.trim())?;
        check_versions(a, b)?;
        // "/24" is how a learner writes a prefix: the slash is no part of it.
        let text = mask_or_prefix.trim();
        let prefix = subnet::parse_prefix_or_mask(a, text.strip_prefix('/').unwrap_or(text))?;
        Self::new(a, b, prefix)
    }

    /// Compares two addresses under a prefix length.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::same::SameReport;
    ///
    /// let r = SameReport::new("2001:db8::1".parse().unwrap(), "2001:db8::ffff".parse().unwrap(), 64).unwrap();
    /// assert!(r.same);
    /// assert_eq!(r.common_prefix, 112);
    /// assert!(SameReport::new("10.0.0.1".parse().unwrap(), "::1".parse().unwrap(), 8).is_err());
    /// ```
    pub fn new(a: IpAddr, b: IpAddr, prefix: u8) -> Result<Self, SameError> {
        check_versions(a, b)?;
        let bits = subnet::max_prefix(a);
        let net = |address: IpAddr, prefix: u8| {
            IpNet::new(address, prefix).map_err(|_| SubnetError::PrefixOutOfRange {
                prefix: prefix.to_string(),
                version: if address.is_ipv4() { 4 } else { 6 },
                max: bits,
            })
        };
        let net_a = net(a, prefix)?;
        let net_b = net(b, prefix)?;
        let side = |address: IpAddr, n: IpNet| Side {
            address,
            binary: addr::binary(address),
            network: n.network(),
            network_binary: addr::binary(n.network()),
        };
        // Both values are left-aligned in a u128 so one count serves both
        // versions; equal addresses agree on every bit.
        let shift = 128 - u32::from(bits);
        let differ = (addr::to_u128(a) ^ addr::to_u128(b)) << shift;
        let common_prefix = differ.leading_zeros().min(u32::from(bits)) as u8;
        let common = net(a, common_prefix)?.trunc();
        Ok(Self {
            same: net_a.network() == net_b.network(),
            mask: subnet::mask_text(net_a.netmask()),
            prefix,
            mask_binary: addr::binary(net_a.netmask()),
            a: side(a, net_a),
            b: side(b, net_b),
            common_prefix,
            common_mask: subnet::mask_text(common.netmask()),
            common_network: common,
        })
    }
}

fn check_versions(a: IpAddr, b: IpAddr) -> Result<(), SameError> {
    if a.is_ipv4() == b.is_ipv4() {
        return Ok(());
    }
    let version = |x: IpAddr| if x.is_ipv4() { 4 } else { 6 };
    Err(SameError::MixedVersions {
        a,
        a_version: version(a),
        b,
        b_version: version(b),
    })
}

#[cfg(test)]
mod test {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_prefix_may_be_written_with_its_slash() {
        let slash = SameReport::parse("192.168.12.1", "192.168.13.1", "/23").unwrap();
        let bare = SameReport::parse("192.168.12.1", "192.168.13.1", "23").unwrap();
        assert_eq!(slash, bare);
        assert!(slash.same);
        let e = SameReport::parse("10.0.0.1", "10.0.0.2", "abc").unwrap_err();
        assert_eq!(
            e.to_string(),
            "'abc' is neither a prefix length (0-32) nor a netmask (255.255.255.0)"
        );
        let e = SameReport::parse("10.0.0.1", "10.0.0.2", "").unwrap_err();
        assert_eq!(e.to_string(), "the prefix length or netmask is missing");
    }

    #[test]
    fn seed_000_worked_example() {
        let r = SameReport::parse("192.168.12.1", "192.168.13.1", "255.255.255.0").unwrap();
        assert_eq!(r.mask, "255.255.255.0");
        assert_eq!(r.prefix, 24);
        assert_eq!(r.mask_binary, "11111111.11111111.11111111.00000000");
        // The seed writes 12 as 00000110, a slip: 12 is 00001100.
        assert_eq!(r.a.binary, "11000000.10101000.00001100.00000001");
        assert_eq!(r.a.network_binary, "11000000.10101000.00001100.00000000");
        assert_eq!(r.b.binary, "11000000.10101000.00001101.00000001");
        assert_eq!(r.b.network.to_string(), "192.168.13.0");
        assert!(!r.same);
        assert_eq!(r.common_network.to_string(), "192.168.12.0/23");
        let json = serde_json::to_value(&r).unwrap();
        for key in [
            "same",
            "mask",
            "a",
            "b",
            "prefix",
            "mask_binary",
            "common_prefix",
            "common_mask",
        ] {
            assert!(json.get(key).is_some(), "missing {key}");
        }
        for key in ["address", "binary", "network", "network_binary"] {
            assert!(json["a"].get(key).is_some(), "missing a.{key}");
        }
        assert_eq!(json["common_network"], "192.168.12.0/23");
    }

    #[test]
    fn edges_do_not_overflow() {
        let r = SameReport::parse("0.0.0.0", "255.255.255.255", "0").unwrap();
        assert!(r.same);
        assert_eq!((r.common_prefix, r.common_mask.as_str()), (0, "0.0.0.0"));
        let r = SameReport::parse("10.0.0.1", "10.0.0.1", "32").unwrap();
        assert!(r.same);
        assert_eq!(r.common_prefix, 32);
        let r = SameReport::parse("::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "128").unwrap();
        assert!(!r.same);
        assert_eq!(r.common_prefix, 0);
        let r = SameReport::parse("::1", "::1", "128").unwrap();
        assert_eq!(r.common_prefix, 128);
        assert_eq!(r.common_mask, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
    }

    #[test]
    fn errors_say_what_is_wrong() {
        let e = |a: &str, b: &str, m: &str| SameReport::parse(a, b, m).unwrap_err().to_string();
        assert_eq!(
            e("10.0.0.1", "::1", "8"),
            "10.0.0.1 is IPv4 but ::1 is IPv6: compare two addresses of one version"
        );
        assert_eq!(
            e("10.0.0.1", "10.0.0.2", "33"),
            "prefix 33 is out of range for IPv4 (0-32)"
        );
        assert_eq!(
            e("10.0.0.1", "10.0.0.2", "255.0.255.0"),
            "mask 255.0.255.0 is not contiguous"
        );
        assert_eq!(
            e("10.0.0.1", "10.0.0.256", "8"),
            "'256' is not an octet (0-255) in '10.0.0.256'"
        );
        assert!(e("::1", "::2", "255.255.255.0").contains("is IPv4"));
    }

    proptest! {
        #[test]
        fn same_exactly_up_to_the_common_prefix(a in any::<u32>(), b in any::<u32>(), p in 0u8..=32) {
            let r = SameReport::new(IpAddr::V4(a.into()), IpAddr::V4(b.into()), p).unwrap();
            prop_assert_eq!(r.same, p <= r.common_prefix);
            prop_assert!(r.common_network.contains(&r.a.address));
            prop_assert!(r.common_network.contains(&r.b.address));
            prop_assert!(r.a.network <= r.a.address);
        }

        #[test]
        fn v6_same_exactly_up_to_the_common_prefix(a in any::<u128>(), b in any::<u128>(), p in 0u8..=128) {
            let r = SameReport::new(IpAddr::V6(a.into()), IpAddr::V6(b.into()), p).unwrap();
            prop_assert_eq!(r.same, p <= r.common_prefix);
        }
    }
}
