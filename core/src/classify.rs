//! What kind of address is this? Private (the seeds' 内网), loopback,
//! documentation, multicast, globally reachable…, read from the IANA
//! Special-Purpose Address Registries in [`crate::special`], not from any
//! language's standard library, whose answers differ and change (CPython's
//! `is_global` changed in 2024 and still disagrees with the registry).
//!
//! # What `global` means
//!
//! `global` answers "can this address be reached from the whole Internet?",
//! decided in this order:
//!
//! 1. Multicast (224.0.0.0/4, ff00::/8) has no registry row; its scope
//!    decides. IPv4: the IANA Multicast Address Space blocks, where the Local
//!    Network Control Block (224.0.0.0/24), the Administratively Scoped Block
//!    (239.0.0.0/8) and the RESERVED blocks are not global and the rest
//!    (Internetwork Control, AD-HOC, SDP/SAP, DIS, Source-Specific, GLOP,
//!    Unicast-Prefix-based) are. IPv6: only the global scope (`ffxe::`) is.
//! 2. Otherwise the most specific registry row containing the address
//!    decides with its "Globally Reachable" column, which is how 192.0.0.9
//!    (PCP anycast) is global inside 192.0.0.0/24, which is not.
//! 3. Where that column says N/A: for 6to4 (2002::/16, RFC 3056) and Teredo
//!    (2001::/32, RFC 4380) reachability depends on the IPv4 address carried
//!    inside, so that address is classified (6to4: bits 16-47; Teredo: the
//!    client's address, stored inverted in the last 32 bits). The other N/A
//!    rows are deprecated blocks (192.88.99.0/24, 2001:10::/28): not global.
//! 4. No row and not multicast: IPv4 unicast is public, so global. IPv6 is
//!    global only inside 2000::/3, the one block IANA allocates for global
//!    unicast; the rest is reserved by the IETF or deprecated (fec0::/10).

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::LazyLock;

use serde::{Serialize, Serializer};
use thiserror::Error;

use crate::addr::{self, AddrError};
use crate::special::{self, Block, Ranges, SpecialRange, row_bit};

/// Why a line could not be classified.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ClassifyError {
    /// Not an address.
    #[error(transparent)]
    Address(#[from] AddrError),
    /// A network where one address was expected.
    #[error("'{0}' is a network; classify takes one address (try `netlab subnet` for networks)")]
    Network(String),
}

/// The scope of a multicast address: for IPv4 the IANA IPv4 Multicast
/// Address Space block (RFC 5771), for IPv6 the scope field (RFC 4291
/// §2.7, RFC 7346).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MulticastScope {
    /// 224.0.0.0/24: never forwarded by routers (OSPF, RIP, mDNS live here).
    LocalNetworkControl,
    /// 224.0.1.0/24: control traffic that may cross the Internet (NTP).
    InternetworkControl,
    /// AD-HOC blocks I-III: individually assigned global groups.
    AdHoc,
    /// 224.2.0.0/16: Session Announcement Protocol.
    SdpSap,
    /// 224.252.0.0/14: Distributed Interactive Simulation.
    DisTransient,
    /// 232.0.0.0/8: source-specific multicast (RFC 4607).
    SourceSpecific,
    /// 233.0.0.0 to 233.251.255.255: derived from an AS number (RFC 3180).
    Glop,
    /// 234.0.0.0/8: derived from a unicast prefix (RFC 6034).
    UnicastPrefixBased,
    /// 239.0.0.0/8: private to an organisation (RFC 2365).
    AdministrativelyScoped,
    /// IPv6 scope 1: never leaves the interface.
    InterfaceLocal,
    /// IPv6 scope 2: one link (ff02::1 is all nodes on it).
    LinkLocal,
    /// IPv6 scope 3.
    RealmLocal,
    /// IPv6 scope 4.
    AdminLocal,
    /// IPv6 scope 5.
    SiteLocal,
    /// IPv6 scope 8.
    OrganizationLocal,
    /// IPv6 scope e: the whole Internet.
    Global,
    /// Reserved by IANA or the IETF (IPv4 blocks, IPv6 scopes 0 and f).
    Reserved,
    /// An IPv6 scope value with no assigned meaning.
    Unassigned,
}

impl MulticastScope {
    /// The scope of a multicast address, `None` for any other address.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::classify::MulticastScope;
    ///
    /// assert_eq!(MulticastScope::of("224.0.0.251".parse().unwrap()), Some(MulticastScope::LocalNetworkControl));
    /// assert_eq!(MulticastScope::of("ff02::1".parse().unwrap()), Some(MulticastScope::LinkLocal));
    /// assert_eq!(MulticastScope::of("10.0.0.1".parse().unwrap()), None);
    /// ```
    pub fn of(addr: IpAddr) -> Option<Self> {
        match addr {
            IpAddr::V4(a) if a.is_multicast() => Some(Self::of_v4(a)),
            IpAddr::V6(a) if a.is_multicast() => Some(Self::of_v6(a)),
            _ => None,
        }
    }

    fn of_v4(a: Ipv4Addr) -> Self {
        match a.octets() {
            [224, 0, 0, _] => Self::LocalNetworkControl,
            [224, 0, 1, _] => Self::InternetworkControl,
            [224, 0, _, _] | [224, 3..=4, _, _] => Self::AdHoc,
            [224, 2, _, _] => Self::SdpSap,
            [224, 252..=255, _, _] => Self::DisTransient,
            [232, ..] => Self::SourceSpecific,
            [233, 252..=255, _, _] => Self::AdHoc,
            [233, ..] => Self::Glop,
            [234, ..] => Self::UnicastPrefixBased,
            [239, ..] => Self::AdministrativelyScoped,
            _ => Self::Reserved,
        }
    }

    /// Whether [`Self::of_v4`] depends on the first octet alone, as it
    /// does for every multicast /8 but 224/8 and 233/8 (the test
    /// `multicast_scopes_decided_by_the_first_octet_are` checks it over
    /// the first three octets).
    const fn v4_decided_by_first_octet(first: u8) -> bool {
        !matches!(first, 224 | 233)
    }

    fn of_v6(a: Ipv6Addr) -> Self {
        match a.segments()[0] & 0xf {
            0x1 => Self::InterfaceLocal,
            0x2 => Self::LinkLocal,
            0x3 => Self::RealmLocal,
            0x4 => Self::AdminLocal,
            0x5 => Self::SiteLocal,
            0x8 => Self::OrganizationLocal,
            0xe => Self::Global,
            0x0 | 0xf => Self::Reserved,
            _ => Self::Unassigned,
        }
    }

    /// Whether groups of this scope reach across the Internet.
    pub fn is_global(self) -> bool {
        matches!(
            self,
            Self::InternetworkControl
                | Self::AdHoc
                | Self::SdpSap
                | Self::DisTransient
                | Self::SourceSpecific
                | Self::Glop
                | Self::UnicastPrefixBased
                | Self::Global
        )
    }
}

impl MulticastScope {
    /// The scope in words, the variant's name split at its capitals:
    /// `internetwork control`, `link local`.
    pub const fn words(self) -> &'static str {
        match self {
            Self::LocalNetworkControl => "local network control",
            Self::InternetworkControl => "internetwork control",
            Self::AdHoc => "ad hoc",
            Self::SdpSap => "sdp sap",
            Self::DisTransient => "dis transient",
            Self::SourceSpecific => "source specific",
            Self::Glop => "glop",
            Self::UnicastPrefixBased => "unicast prefix based",
            Self::AdministrativelyScoped => "administratively scoped",
            Self::InterfaceLocal => "interface local",
            Self::LinkLocal => "link local",
            Self::RealmLocal => "realm local",
            Self::AdminLocal => "admin local",
            Self::SiteLocal => "site local",
            Self::OrganizationLocal => "organization local",
            Self::Global => "global",
            Self::Reserved => "reserved",
            Self::Unassigned => "unassigned",
        }
    }
}

impl MulticastScope {
    /// What the name names: an IPv4 multicast address *block* of the IANA
    /// registry (239.0.0.0/8 is the administratively scoped block), an IPv6
    /// *scope* (the address's fourth nibble), or a reserved or unassigned
    /// *range*.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::classify::MulticastScope;
    ///
    /// assert_eq!(MulticastScope::AdministrativelyScoped.kind(), "block");
    /// assert_eq!(MulticastScope::LinkLocal.kind(), "scope");
    /// ```
    pub const fn kind(self) -> &'static str {
        match self {
            Self::LocalNetworkControl
            | Self::InternetworkControl
            | Self::AdHoc
            | Self::SdpSap
            | Self::DisTransient
            | Self::SourceSpecific
            | Self::Glop
            | Self::UnicastPrefixBased
            | Self::AdministrativelyScoped => "block",
            Self::InterfaceLocal
            | Self::LinkLocal
            | Self::RealmLocal
            | Self::AdminLocal
            | Self::SiteLocal
            | Self::OrganizationLocal
            | Self::Global => "scope",
            Self::Reserved | Self::Unassigned => "range",
        }
    }
}

impl fmt::Display for MulticastScope {
    /// The scope in words: `internetwork control`, `link local`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.words())
    }
}

/// The private-use blocks of RFC 1918, the seeds' 内网.
pub const RFC1918: [&str; 3] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];
/// Shared Address Space for carrier-grade NAT (RFC 6598).
pub const SHARED: &str = "100.64.0.0/10";
/// Blocks for examples in documents (RFC 5737, RFC 3849, RFC 9637).
pub const DOCUMENTATION: [&str; 5] = [
    "192.0.2.0/24",
    "198.51.100.0/24",
    "203.0.113.0/24",
    "2001:db8::/32",
    "3fff::/20",
];
/// Loopback (RFC 1122 §3.2.1.3, RFC 4291 §2.5.3).
pub const LOOPBACK: [&str; 2] = ["127.0.0.0/8", "::1/128"];
/// Unicast link-local (RFC 3927, RFC 4291 §2.5.6). Link-scoped multicast is
/// told by `multicast_scope` instead.
pub const LINK_LOCAL: [&str; 2] = ["169.254.0.0/16", "fe80::/10"];
/// Space reserved by the IETF for future use: the IPv4 registry's
/// 240.0.0.0/4 (RFC 1112, which holds 255.255.255.255 too) and the IPv6
/// Address Space registry's "Reserved by IETF" blocks (RFC 4291), the same
/// lists as Python's `is_reserved`.
pub const RESERVED: [&str; 16] = [
    "240.0.0.0/4",
    "::/8",
    "100::/8",
    "200::/7",
    "400::/6",
    "800::/5",
    "1000::/4",
    "4000::/3",
    "6000::/3",
    "8000::/3",
    "a000::/3",
    "c000::/3",
    "e000::/4",
    "f000::/5",
    "f800::/6",
    "fe00::/9",
];
/// Global unicast: the only IPv6 block IANA allocates to the Internet.
const GLOBAL_UNICAST_V6: &str = "2000::/3";

// The lists above as numbers, read at compile time. Every block of the
// flag lists but `RESERVED`'s IPv6 ones is a registry row, so those flags
// are a test of the rows `special::ranges_containing` found (a const
// assertion fails the build if a list ever names a block that is no row).
const fn rows_of(list: &[&str]) -> u64 {
    let mut bits = 0;
    let mut i = 0;
    while i < list.len() {
        bits |= row_bit(list[i]);
        i += 1;
    }
    bits
}

const RFC1918_ROWS: u64 = rows_of(&RFC1918);
const SHARED_ROWS: u64 = rows_of(&[SHARED]);
const DOCUMENTATION_ROWS: u64 = rows_of(&DOCUMENTATION);
const LOOPBACK_ROWS: u64 = rows_of(&LOOPBACK);
const LINK_LOCAL_ROWS: u64 = rows_of(&LINK_LOCAL);
const GLOBAL_UNICAST: Block = Block::parse(GLOBAL_UNICAST_V6);

/// `RESERVED` for IPv4: its IPv4 blocks, read at compile time.
const RESERVED_V4: [Block; 1] = {
    let mut out = [Block::parse("0.0.0.0/32"); 1];
    let mut n = 0;
    let mut i = 0;
    while i < RESERVED.len() {
        let b = Block::parse(RESERVED[i]);
        if b.v4 {
            out[n] = b;
            n += 1;
        }
        i += 1;
    }
    assert!(
        n == out.len(),
        "RESERVED_V4 must hold every IPv4 block of RESERVED"
    );
    out
};

/// `RESERVED` for IPv6, indexed by an address's top 9 bits: every IPv6
/// block of the list is /9 or shorter (checked here), so 9 bits decide.
static RESERVED_V6_TOP9: [bool; 512] = {
    let mut out = [false; 512];
    let mut i = 0;
    while i < RESERVED.len() {
        let b = Block::parse(RESERVED[i]);
        if !b.v4 {
            assert!(b.prefix <= 9, "RESERVED_V6_TOP9 decides on 9 bits");
            let mut top = 0;
            while top < 512 {
                if b.holds((top as u128) << 119) {
                    out[top] = true;
                }
                top += 1;
            }
        }
        i += 1;
    }
    out
};

/// Everything `netlab classify` says about one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Classification {
    pub address: IpAddr,
    pub version: u8,
    /// In 10/8, 172.16/12 or 192.168/16.
    pub rfc1918: bool,
    /// Reachable from the whole Internet (see the module docs).
    pub global: bool,
    /// Why `global` is what it is; in words when displayed or serialized.
    pub global_reason: GlobalReason,
    pub loopback: bool,
    pub link_local: bool,
    pub multicast: bool,
    /// The multicast scope, `null` for unicast addresses.
    pub multicast_scope: Option<MulticastScope>,
    pub unspecified: bool,
    pub documentation: bool,
    /// In 100.64.0.0/10.
    pub shared: bool,
    pub reserved: bool,
    /// The registry rows containing the address, least specific first.
    pub ranges: Ranges,
}

/// Why an address is or is not `global` (the rules of the module docs).
/// Displays and serializes as a sentence: `192.0.0.9/32 (Port Control
/// Protocol Anycast) is globally reachable in the IANA registry`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GlobalReason {
    /// Rule 1: a multicast address, decided by its scope.
    Multicast(MulticastScope),
    /// Rule 2: the most specific row's "Globally Reachable" column.
    Registry {
        row: &'static SpecialRange,
        global: bool,
    },
    /// Rule 3: a 6to4 or Teredo address, decided by the IPv4 address inside.
    Embedded {
        row: &'static SpecialRange,
        inner: Ipv4Addr,
        global: bool,
    },
    /// Rule 3: an N/A row that carries no address: deprecated.
    Deprecated(&'static SpecialRange),
    /// Rule 4: IPv4 in no row.
    PublicUnicast,
    /// Rule 4: IPv6 in no row, inside 2000::/3.
    GlobalUnicast,
    /// Rule 4: IPv6 in no row, outside 2000::/3.
    OutsideGlobalUnicast,
}

impl fmt::Display for GlobalReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let not = |g: bool| if g { "" } else { "not " };
        match self {
            Self::Multicast(scope) => write!(f, "multicast in the {scope} {}", scope.kind()),
            Self::Registry { row, global } => write!(
                f,
                "{} ({}) is {}globally reachable in the IANA registry",
                row.cidr,
                row.name,
                not(*global)
            ),
            Self::Embedded { row, inner, global } => write!(
                f,
                "{} ({}) carries {inner}, which is {}global",
                row.cidr,
                row.name,
                not(*global)
            ),
            Self::Deprecated(row) => write!(f, "{} ({}) is deprecated", row.cidr, row.name),
            Self::PublicUnicast => f.write_str("public unicast: no special-purpose block holds it"),
            Self::GlobalUnicast => {
                f.write_str("global unicast (2000::/3): no special-purpose block holds it")
            }
            Self::OutsideGlobalUnicast => {
                f.write_str("outside 2000::/3, the only IPv6 space allocated for global unicast")
            }
        }
    }
}

impl GlobalReason {
    /// The same reason as data rather than a sentence, for an interface
    /// that words it in its own language (the playground's Chinese).
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::classify::{Classification, GlobalRule};
    ///
    /// let c = Classification::of("10.1.2.3".parse().unwrap());
    /// assert_eq!(
    ///     c.global_reason.rule(),
    ///     GlobalRule::Registry { cidr: "10.0.0.0/8", name: "Private-Use", global: false }
    /// );
    /// assert_eq!(
    ///     serde_json::to_string(&c.global_reason.rule()).unwrap(),
    ///     r#"{"kind":"registry","cidr":"10.0.0.0/8","name":"Private-Use","global":false}"#
    /// );
    /// ```
    pub fn rule(&self) -> GlobalRule {
        match *self {
            Self::Multicast(scope) => GlobalRule::Multicast { scope },
            Self::Registry { row, global } => GlobalRule::Registry {
                cidr: row.cidr,
                name: row.name,
                global,
            },
            Self::Embedded { row, inner, global } => GlobalRule::Embedded {
                cidr: row.cidr,
                name: row.name,
                inner,
                global,
            },
            Self::Deprecated(row) => GlobalRule::Deprecated {
                cidr: row.cidr,
                name: row.name,
            },
            Self::PublicUnicast => GlobalRule::PublicUnicast,
            Self::GlobalUnicast => GlobalRule::GlobalUnicast,
            Self::OutsideGlobalUnicast => GlobalRule::OutsideGlobalUnicast,
        }
    }
}

/// [`GlobalReason`] as data: which rule decided, with the registry row's
/// block and name, the IPv4 address a 6to4 or Teredo address carries, or
/// the multicast scope. Serialized with a `kind` tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum GlobalRule {
    /// Rule 1: decided by the multicast scope.
    Multicast { scope: MulticastScope },
    /// Rule 2: the registry row's "Globally Reachable" column.
    Registry {
        cidr: &'static str,
        name: &'static str,
        global: bool,
    },
    /// Rule 3: decided by the IPv4 address inside.
    Embedded {
        cidr: &'static str,
        name: &'static str,
        inner: Ipv4Addr,
        global: bool,
    },
    /// Rule 3: a deprecated block.
    Deprecated {
        cidr: &'static str,
        name: &'static str,
    },
    /// Rule 4: IPv4 in no row.
    PublicUnicast,
    /// Rule 4: IPv6 in no row, inside 2000::/3.
    GlobalUnicast,
    /// Rule 4: IPv6 in no row, outside 2000::/3.
    OutsideGlobalUnicast,
}

impl Serialize for GlobalReason {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl PartialEq<&str> for GlobalReason {
    /// Whether the sentence is `other`, compared as it is written out.
    fn eq(&self, other: &&str) -> bool {
        /// Takes each written piece off the front of what is left.
        struct Compare<'a>(Option<&'a str>);
        impl fmt::Write for Compare<'_> {
            fn write_str(&mut self, piece: &str) -> fmt::Result {
                self.0 = self.0.and_then(|rest| rest.strip_prefix(piece));
                Ok(())
            }
        }
        let mut rest = Compare(Some(other));
        fmt::write(&mut rest, format_args!("{self}")).is_ok() && rest.0 == Some("")
    }
}

impl Classification {
    /// Parses one address and classifies it.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::classify::Classification;
    ///
    /// let c = Classification::parse("192.168.12.87").unwrap();
    /// assert!(c.rfc1918 && !c.global);
    /// assert!(Classification::parse("8.8.8.8").unwrap().global);
    /// assert!(Classification::parse("10.0.0.0/8").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Self, ClassifyError> {
        let text = addr::trim(text);
        // A strict dotted quad holds no '/', so the fast path comes first.
        if let Some(a) = addr::parse_ipv4_fast(text.as_bytes()) {
            return Ok(Self::of_v4(a));
        }
        if text.contains('/') {
            return Err(ClassifyError::Network(text.to_owned()));
        }
        Ok(Self::of(addr::parse_ip(text)?))
    }

    /// Classifies an address.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::classify::Classification;
    ///
    /// // Globally reachable inside the non-global 192.0.0.0/24.
    /// let pcp = Classification::of("192.0.0.9".parse().unwrap());
    /// assert!(pcp.global);
    /// assert_eq!(pcp.ranges.len(), 2);
    /// let doc = Classification::of("2001:db8::1".parse().unwrap());
    /// assert!(doc.documentation && !doc.global);
    /// ```
    pub fn of(address: IpAddr) -> Self {
        match address {
            IpAddr::V4(a) => Self::of_v4(a),
            IpAddr::V6(a) => Self::of_v6(a),
        }
    }

    #[inline]
    fn of_v4(a: Ipv4Addr) -> Self {
        match &BY_FIRST_OCTET[usize::from(a.octets()[0])] {
            Some(whole) => {
                // The whole struct, then the address: four vector moves
                // where `..*whole` copied field by field.
                let mut c = *whole;
                c.address = IpAddr::V4(a);
                c
            }
            None => Self::of_v4_alone(a),
        }
    }

    /// [`Self::of_v4`] from the registry, the scope and the reserved
    /// blocks, for one address.
    fn of_v4_alone(a: Ipv4Addr) -> Self {
        let value = u32::from(a);
        let ranges = special::ranges_v4(value);
        let multicast_scope = a.is_multicast().then(|| MulticastScope::of_v4(a));
        let (global, global_reason) = global(IpAddr::V4(a), multicast_scope, &ranges);
        Self::assemble(
            IpAddr::V4(a),
            ranges,
            global,
            global_reason,
            multicast_scope,
            RESERVED_V4.iter().any(|b| b.holds(u128::from(value))),
        )
    }

    fn of_v6(a: Ipv6Addr) -> Self {
        let value = u128::from(a);
        let address = IpAddr::V6(a);
        let ranges = special::ranges_containing(address);
        let multicast_scope = a.is_multicast().then(|| MulticastScope::of_v6(a));
        let (global, global_reason) = global(address, multicast_scope, &ranges);
        let reserved = RESERVED_V6_TOP9
            .get((value >> 119) as usize)
            .copied()
            .unwrap_or(false);
        Self::assemble(
            address,
            ranges,
            global,
            global_reason,
            multicast_scope,
            reserved,
        )
    }

    #[inline(always)]
    fn assemble(
        address: IpAddr,
        ranges: Ranges,
        global: bool,
        global_reason: GlobalReason,
        multicast_scope: Option<MulticastScope>,
        reserved: bool,
    ) -> Self {
        let rows = ranges.row_bits();
        Self {
            address,
            version: if address.is_ipv4() { 4 } else { 6 },
            rfc1918: rows & RFC1918_ROWS != 0,
            global,
            global_reason,
            loopback: rows & LOOPBACK_ROWS != 0,
            link_local: rows & LINK_LOCAL_ROWS != 0,
            multicast: multicast_scope.is_some(),
            multicast_scope,
            unspecified: address.is_unspecified(),
            documentation: rows & DOCUMENTATION_ROWS != 0,
            shared: rows & SHARED_ROWS != 0,
            reserved,
            ranges,
        }
    }
}

/// The classification of each /8 whose addresses all get the same one but
/// for the address itself, computed on first use: most of the IPv4 space
/// is in rows no longer than /8 or in none, so most addresses are
/// classified by one look-up (the 10 /8s with a longer row inside, with
/// their own multicast scopes, or with 0.0.0.0 are classified address by
/// address). The test `whole_slash8s_classify_as_each_address` compares
/// it with [`Classification::of_v4_alone`]. (An index into the few
/// distinct classifications, smaller than this 12 KiB table, measured
/// slower: two loads in a row.)
static BY_FIRST_OCTET: LazyLock<[Option<Classification>; 256]> = LazyLock::new(|| {
    std::array::from_fn(|first| {
        let first = first as u8;
        let whole = first != 0
            && special::v4_rows_decided_by_first_octet(first)
            && MulticastScope::v4_decided_by_first_octet(first)
            && RESERVED_V4
                .iter()
                .all(|b| b.prefix <= 8 || b.net >> 24 != u128::from(first));
        whole.then(|| Classification::of_v4_alone(Ipv4Addr::new(first, 0, 0, 0)))
    })
});

/// The `global` rules of the module docs, with the reason.
#[inline(always)]
fn global(
    address: IpAddr,
    multicast_scope: Option<MulticastScope>,
    ranges: &Ranges,
) -> (bool, GlobalReason) {
    if let Some(scope) = multicast_scope {
        return (scope.is_global(), GlobalReason::Multicast(scope));
    }
    match ranges.last() {
        Some(row) => match row.globally_reachable {
            Some(global) => (global, GlobalReason::Registry { row, global }),
            None => not_applicable(address, row),
        },
        None => match address {
            IpAddr::V4(_) => (true, GlobalReason::PublicUnicast),
            IpAddr::V6(a) if GLOBAL_UNICAST.holds(u128::from(a)) => {
                (true, GlobalReason::GlobalUnicast)
            }
            IpAddr::V6(_) => (false, GlobalReason::OutsideGlobalUnicast),
        },
    }
}

/// Rule 3: a row whose "Globally Reachable" column says N/A.
#[cold]
fn not_applicable(address: IpAddr, row: &'static SpecialRange) -> (bool, GlobalReason) {
    match embedded_ipv4(address, row) {
        Some(inner) => {
            let scope = MulticastScope::of(IpAddr::V4(inner));
            let (global, _) = global(
                IpAddr::V4(inner),
                scope,
                &special::ranges_v4(u32::from(inner)),
            );
            (global, GlobalReason::Embedded { row, inner, global })
        }
        None => (false, GlobalReason::Deprecated(row)),
    }
}

/// The IPv4 address inside a 6to4 or Teredo address.
fn embedded_ipv4(address: IpAddr, row: &SpecialRange) -> Option<Ipv4Addr> {
    let IpAddr::V6(a) = address else {
        return None;
    };
    let bits = u128::from(a);
    match row.cidr {
        // 2002:WWXX:YYZZ::/48 carries WW.XX.YY.ZZ (RFC 3056 §2).
        "2002::/16" => Some(Ipv4Addr::from((bits >> 80) as u32)),
        // The client's public address, every bit inverted (RFC 4380 §4).
        "2001::/32" => Some(Ipv4Addr::from(!(bits as u32))),
        _ => None,
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn multicast_scopes_decided_by_the_first_octet_are() {
        for first in 224..=239u8 {
            let scope = MulticastScope::of_v4(Ipv4Addr::new(first, 0, 0, 0));
            let same = (0..=u16::MAX).all(|rest| {
                let [b, c] = rest.to_be_bytes();
                MulticastScope::of_v4(Ipv4Addr::new(first, b, c, 0)) == scope
            });
            assert_eq!(
                same,
                MulticastScope::v4_decided_by_first_octet(first),
                "{first}/8"
            );
        }
    }

    #[test]
    fn whole_slash8s_classify_as_each_address() {
        let whole: Vec<u8> = (0..=255u8)
            .filter(|&f| BY_FIRST_OCTET[usize::from(f)].is_some())
            .collect();
        // Every /8 but 0, 100, 169, 172, 192, 198, 203, 224, 233 and 255.
        assert_eq!(whole.len(), 256 - 10, "{whole:?}");
        let mut x = 0x9e37_79b9_u32;
        for &first in &whole {
            for second in 0..=255u8 {
                for rest in [[0, 0], [255, 255], [0, 1], [128, 0]] {
                    let a = Ipv4Addr::new(first, second, rest[0], rest[1]);
                    assert_eq!(
                        Classification::of_v4(a),
                        Classification::of_v4_alone(a),
                        "{a}"
                    );
                }
                // And a few anywhere in the /8.
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                let a = Ipv4Addr::from(u32::from(first) << 24 | x >> 8);
                assert_eq!(
                    Classification::of_v4(a),
                    Classification::of_v4_alone(a),
                    "{a}"
                );
            }
        }
    }

    fn c(text: &str) -> Classification {
        Classification::parse(text).unwrap()
    }

    /// One address per registry row, with the row's own "Globally
    /// Reachable" statement (N/A rows: the module's rules). The comments
    /// note where CPython 3.11's `is_global` says otherwise.
    const ROW_EXAMPLES: &[(&str, &str, bool)] = &[
        ("0.0.0.0/8", "0.1.2.3", false),
        ("0.0.0.0/32", "0.0.0.0", false),
        ("10.0.0.0/8", "10.1.2.3", false),
        // CPython 3.11 agrees (is_global False) but also says is_private False.
        ("100.64.0.0/10", "100.64.0.1", false),
        ("127.0.0.0/8", "127.0.0.1", false),
        ("169.254.0.0/16", "169.254.1.1", false),
        ("172.16.0.0/12", "172.31.255.255", false),
        ("192.0.0.0/24", "192.0.0.100", false),
        ("192.0.0.0/29", "192.0.0.1", false),
        ("192.0.0.8/32", "192.0.0.8", false),
        ("192.0.0.9/32", "192.0.0.9", true),
        ("192.0.0.10/32", "192.0.0.10", true),
        ("192.0.0.170/32", "192.0.0.170", false),
        ("192.0.0.171/32", "192.0.0.171", false),
        ("192.0.2.0/24", "192.0.2.1", false),
        ("192.31.196.0/24", "192.31.196.1", true),
        ("192.52.193.0/24", "192.52.193.1", true),
        // N/A in the registry (deprecated); CPython 3.11 says global.
        ("192.88.99.0/24", "192.88.99.1", false),
        // CPython 3.11 says global; the registry says not.
        ("192.88.99.2/32", "192.88.99.2", false),
        ("192.168.0.0/16", "192.168.12.87", false),
        ("192.175.48.0/24", "192.175.48.1", true),
        ("198.18.0.0/15", "198.19.255.255", false),
        ("198.51.100.0/24", "198.51.100.1", false),
        ("203.0.113.0/24", "203.0.113.1", false),
        ("240.0.0.0/4", "240.0.0.1", false),
        ("255.255.255.255/32", "255.255.255.255", false),
        ("::1/128", "::1", false),
        ("::/128", "::", false),
        // CPython 3.11 says global.
        ("::ffff:0:0/96", "::ffff:8.8.8.8", false),
        ("64:ff9b::/96", "64:ff9b::808:808", true),
        // CPython 3.11 says global; the registry says not.
        ("64:ff9b:1::/48", "64:ff9b:1::1", false),
        ("100::/64", "100::1", false),
        // CPython 3.11 says global (it predates RFC 9780).
        ("100:0:0:1::/64", "100:0:0:1::1", false),
        ("2001::/23", "2001:5::1", false),
        // N/A: decided by the client address, here 8.8.8.8 inverted.
        ("2001::/32", "2001:0:4136:e378:8000:63bf:f7f7:f7f7", true),
        // CPython 3.11 says not global for all these 2001::/23 exceptions.
        ("2001:1::1/128", "2001:1::1", true),
        ("2001:1::2/128", "2001:1::2", true),
        ("2001:1::3/128", "2001:1::3", true),
        ("2001:2::/48", "2001:2::1", false),
        ("2001:3::/32", "2001:3::1", true),
        ("2001:4:112::/48", "2001:4:112::1", true),
        ("2001:10::/28", "2001:10::1", false),
        ("2001:20::/28", "2001:20::1", true),
        ("2001:30::/28", "2001:30::1", true),
        ("2001:db8::/32", "2001:db8::1", false),
        // N/A: decided by the IPv4 address inside, here 8.8.8.8.
        ("2002::/16", "2002:808:808::1", true),
        ("2620:4f:8000::/48", "2620:4f:8000::1", true),
        // CPython 3.11 says global (it predates RFC 9637).
        ("3fff::/20", "3fff::1", false),
        // CPython 3.11 says global (it predates RFC 9602).
        ("5f00::/16", "5f00::1", false),
        ("fc00::/7", "fd12:3456::1", false),
        ("fe80::/10", "fe80::1", false),
    ];

    #[test]
    fn every_registry_row_decides_global_as_it_says() {
        for &(cidr, address, want) in ROW_EXAMPLES {
            let got = c(address);
            let deciding = got.ranges.last().expect(address);
            assert_eq!(deciding.cidr, cidr, "{address} is decided by the wrong row");
            assert_eq!(got.global, want, "{address}: {}", got.global_reason);
            if let Some(stated) = deciding.globally_reachable {
                assert_eq!(got.global, stated, "{address}");
            }
        }
        for row in special::REGISTRY {
            assert!(
                ROW_EXAMPLES.iter().any(|(cidr, ..)| *cidr == row.cidr),
                "no example for the registry row {}",
                row.cidr
            );
        }
    }

    /// The classification as it was first written, string by string: every
    /// block parsed on every call, the reason built with `format!`.
    mod reference {
        use super::super::*;
        use ipnet::IpNet;

        fn in_any(address: IpAddr, cidrs: &[&str]) -> bool {
            cidrs.iter().any(|c| {
                c.parse::<IpNet>()
                    .is_ok_and(|net: IpNet| net.contains(&address))
            })
        }

        fn rows(addr: IpAddr) -> Vec<&'static SpecialRange> {
            let mut found: Vec<(u8, &'static SpecialRange)> = special::REGISTRY
                .iter()
                .filter_map(|r| {
                    let net: IpNet = r.cidr.parse().ok()?;
                    net.contains(&addr).then_some((net.prefix_len(), r))
                })
                .collect();
            found.sort_by_key(|(prefix, _)| *prefix);
            found.into_iter().map(|(_, r)| r).collect()
        }

        fn scope_words(scope: MulticastScope) -> String {
            let mut out = String::new();
            for (i, ch) in format!("{scope:?}").chars().enumerate() {
                if ch.is_ascii_uppercase() && i > 0 {
                    out.push(' ');
                }
                out.push(ch.to_ascii_lowercase());
            }
            out
        }

        fn global(address: IpAddr, ranges: &[&'static SpecialRange]) -> (bool, String) {
            if let Some(scope) = MulticastScope::of(address) {
                return (
                    scope.is_global(),
                    format!("multicast in the {} {}", scope_words(scope), scope.kind()),
                );
            }
            let not = |g: bool| if g { "" } else { "not " };
            match ranges.last() {
                Some(row) => match row.globally_reachable {
                    Some(g) => (
                        g,
                        format!(
                            "{} ({}) is {}globally reachable in the IANA registry",
                            row.cidr,
                            row.name,
                            not(g)
                        ),
                    ),
                    None => match embedded_ipv4(address, row) {
                        Some(inner) => {
                            let (g, _) = global(IpAddr::V4(inner), &rows(IpAddr::V4(inner)));
                            (
                                g,
                                format!(
                                    "{} ({}) carries {inner}, which is {}global",
                                    row.cidr,
                                    row.name,
                                    not(g)
                                ),
                            )
                        }
                        None => (false, format!("{} ({}) is deprecated", row.cidr, row.name)),
                    },
                },
                None => match address {
                    IpAddr::V4(_) => (
                        true,
                        "public unicast: no special-purpose block holds it".to_owned(),
                    ),
                    IpAddr::V6(_) if in_any(address, &[GLOBAL_UNICAST_V6]) => (
                        true,
                        "global unicast (2000::/3): no special-purpose block holds it".to_owned(),
                    ),
                    IpAddr::V6(_) => (
                        false,
                        "outside 2000::/3, the only IPv6 space allocated for global unicast"
                            .to_owned(),
                    ),
                },
            }
        }

        pub fn json(address: IpAddr) -> serde_json::Value {
            let ranges = rows(address);
            let (global, global_reason) = global(address, &ranges);
            let multicast_scope = MulticastScope::of(address);
            serde_json::json!({
                "address": address,
                "version": if address.is_ipv4() { 4 } else { 6 },
                "rfc1918": in_any(address, &RFC1918),
                "global": global,
                "global_reason": global_reason,
                "loopback": in_any(address, &LOOPBACK),
                "link_local": in_any(address, &LINK_LOCAL),
                "multicast": multicast_scope.is_some(),
                "multicast_scope": multicast_scope,
                "unspecified": address.is_unspecified(),
                "documentation": in_any(address, &DOCUMENTATION),
                "shared": in_any(address, &[SHARED]),
                "reserved": in_any(address, &RESERVED),
                "ranges": ranges,
            })
        }

        pub fn words(scope: MulticastScope) -> String {
            scope_words(scope)
        }
    }

    fn same_as_reference(address: IpAddr) {
        let got = serde_json::to_string(&Classification::of(address)).unwrap();
        let want = serde_json::to_string(&reference::json(address)).unwrap();
        // serde_json::Value sorts keys; compare the parsed values and the order apart.
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&got).unwrap(),
            serde_json::from_str::<serde_json::Value>(&want).unwrap(),
            "{address}"
        );
    }

    #[test]
    fn agrees_with_the_reference_on_every_row_edge_and_example() {
        for &(_, address, _) in ROW_EXAMPLES {
            same_as_reference(address.parse().unwrap());
        }
        for row in special::REGISTRY {
            let net: ipnet::IpNet = row.cidr.parse().unwrap();
            for a in [net.network(), net.broadcast()] {
                same_as_reference(a);
                let n = crate::addr::to_u128(a);
                for v in [n.wrapping_sub(1), n.wrapping_add(1)] {
                    same_as_reference(match a {
                        IpAddr::V4(_) => IpAddr::V4((v as u32).into()),
                        IpAddr::V6(_) => IpAddr::V6(v.into()),
                    });
                }
            }
        }
        for text in RESERVED.iter().chain(&[
            GLOBAL_UNICAST_V6,
            "224.0.0.0/4",
            "ff00::/8",
            "fe00::/9",
            "fec0::/10",
        ]) {
            let net: ipnet::IpNet = text.parse().unwrap();
            for a in [net.network(), net.broadcast()] {
                same_as_reference(a);
            }
        }
    }

    #[test]
    fn reasons_compare_with_their_text() {
        let r = c("8.8.8.8").global_reason;
        assert_eq!(r, "public unicast: no special-purpose block holds it");
        assert!(r != "public unicast");
        assert!(r != "public unicast: no special-purpose block holds it!");
        assert!(r != "");
        let pcp = c("192.0.0.9").global_reason;
        assert_eq!(
            pcp,
            "192.0.0.9/32 (Port Control Protocol Anycast) is globally reachable in the IANA registry"
        );
    }

    #[test]
    fn json_keys_keep_their_order() {
        let got = serde_json::to_string(&c("192.0.0.9")).unwrap();
        let keys = [
            "address",
            "version",
            "rfc1918",
            "global",
            "global_reason",
            "loopback",
            "link_local",
            "multicast",
            "multicast_scope",
            "unspecified",
            "documentation",
            "shared",
            "reserved",
            "ranges",
        ];
        let at: Vec<usize> = keys
            .iter()
            .map(|k| got.find(&format!("\"{k}\":")).unwrap())
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{got}");
    }

    #[test]
    fn scope_words_split_the_variant_name() {
        use MulticastScope::*;
        for scope in [
            LocalNetworkControl,
            InternetworkControl,
            AdHoc,
            SdpSap,
            DisTransient,
            SourceSpecific,
            Glop,
            UnicastPrefixBased,
            AdministrativelyScoped,
            InterfaceLocal,
            LinkLocal,
            RealmLocal,
            AdminLocal,
            SiteLocal,
            OrganizationLocal,
            Global,
            Reserved,
            Unassigned,
        ] {
            assert_eq!(scope.to_string(), reference::words(scope));
        }
    }

    proptest::proptest! {
        #[test]
        fn any_address_agrees_with_the_reference(v4 in proptest::prelude::any::<u32>(), v6 in proptest::prelude::any::<u128>(), top in proptest::prelude::any::<u16>()) {
            same_as_reference(IpAddr::V4(v4.into()));
            same_as_reference(IpAddr::V6(v6.into()));
            same_as_reference(IpAddr::V6(((u128::from(top) << 112) | (v6 >> 16)).into()));
            // 6to4 and Teredo around every IPv4 address.
            same_as_reference(IpAddr::V6(((0x2002u128 << 112) | (u128::from(v4) << 80) | (v6 >> 48)).into()));
            same_as_reference(IpAddr::V6(((0x2001_0000u128 << 96) | (v6 >> 64 << 32) | u128::from(!v4)).into()));
            let text = Ipv4Addr::from(v4).to_string();
            proptest::prop_assert_eq!(Classification::parse(&text).unwrap(), Classification::of(IpAddr::V4(v4.into())));
            proptest::prop_assert_eq!(Classification::parse(&format!(" {text}\t")).unwrap(), Classification::of(IpAddr::V4(v4.into())));
        }
    }

    #[test]
    fn na_rows_follow_the_embedded_address() {
        // 6to4 of 192.168.1.1 and Teredo of a documentation client.
        assert!(!c("2002:c0a8:101::1").global);
        assert!(!c("2001:0:4136:e378:8000:63bf:3fff:fdd2").global);
    }

    #[test]
    fn addresses_no_row_covers() {
        assert!(c("8.8.8.8").global);
        assert!(c("172.32.0.1").global && !c("172.32.0.1").rfc1918);
        assert!(c("2606:4700::1111").global);
        // IETF-reserved IPv6 space and the deprecated site-local block.
        assert!(!c("4000::1").global && c("4000::1").reserved);
        assert!(!c("fec0::1").global && !c("fec0::1").reserved);
    }

    #[test]
    fn multicast_by_scope() {
        let cases = [
            ("224.0.0.1", MulticastScope::LocalNetworkControl, false),
            ("224.0.1.1", MulticastScope::InternetworkControl, true),
            ("224.0.2.1", MulticastScope::AdHoc, true),
            ("224.1.0.1", MulticastScope::Reserved, false),
            ("224.2.127.254", MulticastScope::SdpSap, true),
            ("224.4.0.1", MulticastScope::AdHoc, true),
            ("224.252.0.1", MulticastScope::DisTransient, true),
            ("225.0.0.1", MulticastScope::Reserved, false),
            ("232.1.1.1", MulticastScope::SourceSpecific, true),
            ("233.1.2.3", MulticastScope::Glop, true),
            ("233.252.0.1", MulticastScope::AdHoc, true),
            ("234.1.1.1", MulticastScope::UnicastPrefixBased, true),
            ("238.1.1.1", MulticastScope::Reserved, false),
            (
                "239.255.255.250",
                MulticastScope::AdministrativelyScoped,
                false,
            ),
            ("ff01::1", MulticastScope::InterfaceLocal, false),
            ("ff02::1", MulticastScope::LinkLocal, false),
            ("ff03::1", MulticastScope::RealmLocal, false),
            ("ff04::1", MulticastScope::AdminLocal, false),
            ("ff05::1:3", MulticastScope::SiteLocal, false),
            ("ff08::1", MulticastScope::OrganizationLocal, false),
            ("ff0e::101", MulticastScope::Global, true),
            ("ff3e::8000:1", MulticastScope::Global, true),
            ("ff00::1", MulticastScope::Reserved, false),
            ("ff06::1", MulticastScope::Unassigned, false),
        ];
        for (address, scope, global) in cases {
            let got = c(address);
            assert!(got.multicast, "{address}");
            assert_eq!(got.multicast_scope, Some(scope), "{address}");
            assert_eq!(got.global, global, "{address}");
        }
        assert_eq!(c("10.0.0.1").multicast_scope, None);
        assert_eq!(
            c("224.0.1.1").global_reason,
            "multicast in the internetwork control block"
        );
    }

    #[test]
    fn flags_match_their_blocks() {
        let seed = c("192.168.12.87");
        assert!(seed.rfc1918 && !seed.global && !seed.loopback);
        assert!(c("127.0.0.1").loopback && c("::1").loopback);
        assert!(c("169.254.0.1").link_local && c("fe80::1").link_local);
        assert!(c("0.0.0.0").unspecified && c("::").unspecified);
        assert!(c("100.127.255.255").shared && !c("100.128.0.0").shared);
        for doc in [
            "192.0.2.1",
            "198.51.100.1",
            "203.0.113.1",
            "2001:db8::1",
            "3fff:fff::1",
        ] {
            assert!(c(doc).documentation, "{doc}");
        }
        assert!(c("255.255.255.255").reserved && c("240.0.0.1").reserved);
        assert!(!c("10.0.0.1").reserved);
    }

    #[test]
    fn json_has_the_spec_fields() {
        let v = serde_json::to_value(c("192.0.0.9")).unwrap();
        for key in [
            "address",
            "version",
            "rfc1918",
            "global",
            "loopback",
            "link_local",
            "multicast",
            "unspecified",
            "documentation",
            "shared",
            "reserved",
            "ranges",
            "multicast_scope",
        ] {
            assert!(v.get(key).is_some(), "missing {key}");
        }
        for key in [
            "name",
            "cidr",
            "rfc",
            "source",
            "destination",
            "forwardable",
            "globally_reachable",
            "reserved_by_protocol",
        ] {
            assert!(v["ranges"][0].get(key).is_some(), "missing ranges[].{key}");
        }
        assert!(v["multicast_scope"].is_null());
        assert_eq!(
            serde_json::to_value(c("239.1.1.1")).unwrap()["multicast_scope"],
            "administratively-scoped"
        );
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert_eq!(
            Classification::parse("10.0.0.0/8").unwrap_err().to_string(),
            "'10.0.0.0/8' is a network; classify takes one address (try `netlab subnet` for networks)"
        );
        assert_eq!(
            Classification::parse("10.0.0").unwrap_err().to_string(),
            "'10.0.0' has 3 dotted parts; an IPv4 address has 4"
        );
    }
}
