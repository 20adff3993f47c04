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
//!
//! The rows are read once, at compile time, into numbers (network, mask)
//! and a first-byte index, so that [`ranges_containing`] is a table lookup
//! that neither parses nor allocates: most addresses need one load to learn
//! that no row holds them.

use std::fmt;
use std::net::IpAddr;
use std::ops::Deref;

use serde::{Serialize, Serializer};

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
pub static REGISTRY: &[SpecialRange] = &ROWS;

/// The rows, owned by one static so that every `&'static SpecialRange`
/// handed out points into it.
static ROWS: [SpecialRange; ROW_COUNT] = ROW_DATA;

/// How many rows the registries have.
const ROW_COUNT: usize = ROW_DATA.len();

const ROW_DATA: [SpecialRange; 51] = [
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

/// A block as numbers: the network and its mask, in the low 32 bits for
/// IPv4. Read from CIDR text at compile time by [`Block::parse`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Block {
    pub v4: bool,
    pub net: u128,
    pub mask: u128,
    pub prefix: u8,
}

impl Block {
    const NONE: Self = Self {
        v4: true,
        net: 0,
        mask: 0,
        prefix: 0,
    };

    /// Reads canonical CIDR text (`192.0.0.0/24`, `2001:db8::/32`) in a
    /// `const` context: IPv4 dotted decimal or IPv6 hex groups with at most
    /// one `::` (no dotted tail). Anything else, or host bits set, stops the
    /// build.
    pub(crate) const fn parse(cidr: &str) -> Self {
        let b = cidr.as_bytes();
        let mut slash = 0;
        while slash < b.len() && b[slash] != b'/' {
            slash += 1;
        }
        assert!(slash < b.len(), "a registry block needs a prefix length");
        let mut v4 = true;
        let mut i = 0;
        while i < slash {
            if b[i] == b':' {
                v4 = false;
            }
            i += 1;
        }
        let net = if v4 {
            parse_v4(b, slash)
        } else {
            parse_v6(b, slash)
        };
        let mut prefix: u32 = 0;
        let mut i = slash + 1;
        assert!(i < b.len(), "empty prefix length");
        while i < b.len() {
            assert!(b[i].is_ascii_digit(), "bad prefix length");
            prefix = prefix * 10 + (b[i] - b'0') as u32;
            i += 1;
        }
        let bits = if v4 { 32 } else { 128 };
        assert!(prefix <= bits, "prefix length out of range");
        let mask = mask(bits, prefix);
        assert!(net & !mask == 0, "host bits set in a registry block");
        Self {
            v4,
            net,
            mask,
            prefix: prefix as u8,
        }
    }

    /// Whether the block holds the address `value` of the block's family.
    #[inline(always)]
    pub(crate) const fn holds(&self, value: u128) -> bool {
        value & self.mask == self.net
    }

    /// The top 8 bits of the block's network.
    const fn first_byte(&self) -> u8 {
        (if self.v4 {
            self.net >> 24
        } else {
            self.net >> 120
        }) as u8
    }

    /// Whether any address of the block begins with the byte `first`.
    const fn meets_first_byte(&self, first: u8) -> bool {
        if self.prefix >= 8 {
            self.first_byte() == first
        } else {
            let shift = 8 - self.prefix as u32;
            // The shift is at most 8 and both sides are bytes.
            (first as u32) >> shift == (self.first_byte() as u32) >> shift
        }
    }
}

/// The top `prefix` of `bits` bits set.
const fn mask(bits: u32, prefix: u32) -> u128 {
    let all = if bits == 128 {
        u128::MAX
    } else {
        (1u128 << bits) - 1
    };
    if prefix == 0 {
        0
    } else {
        all & (all << (bits - prefix))
    }
}

const fn parse_v4(b: &[u8], end: usize) -> u128 {
    let mut value: u128 = 0;
    let mut octet: u128 = 0;
    let mut digits = 0;
    let mut dots = 0;
    let mut i = 0;
    while i < end {
        let c = b[i];
        if c == b'.' {
            assert!(digits > 0 && octet <= 255, "bad IPv4 octet");
            value = value << 8 | octet;
            octet = 0;
            digits = 0;
            dots += 1;
        } else {
            assert!(c.is_ascii_digit(), "bad IPv4 digit");
            octet = octet * 10 + (c - b'0') as u128;
            digits += 1;
        }
        i += 1;
    }
    assert!(dots == 3 && digits > 0 && octet <= 255, "bad IPv4 address");
    value << 8 | octet
}

const fn hex_value(c: u8) -> u128 {
    match c {
        b'0'..=b'9' => (c - b'0') as u128,
        b'a'..=b'f' => (c - b'a' + 10) as u128,
        b'A'..=b'F' => (c - b'A' + 10) as u128,
        _ => panic!("bad IPv6 hex digit"),
    }
}

const fn parse_v6(b: &[u8], end: usize) -> u128 {
    // Groups before the `::` go to the top, groups after it to the bottom.
    let mut head: u128 = 0;
    let mut head_groups = 0;
    let mut tail: u128 = 0;
    let mut tail_groups = 0;
    let mut gap = false;
    let mut i = 0;
    while i < end {
        if b[i] == b':' && i + 1 < end && b[i + 1] == b':' {
            assert!(!gap, "two '::' in an IPv6 block");
            gap = true;
            i += 2;
            continue;
        }
        if b[i] == b':' {
            i += 1;
            continue;
        }
        let mut group: u128 = 0;
        let mut digits = 0;
        while i < end && b[i] != b':' {
            group = group << 4 | hex_value(b[i]);
            digits += 1;
            i += 1;
        }
        assert!(digits >= 1 && digits <= 4, "bad IPv6 group");
        if gap {
            tail = tail << 16 | group;
            tail_groups += 1;
        } else {
            head = head << 16 | group;
            head_groups += 1;
        }
    }
    assert!(head_groups + tail_groups <= 8, "too many IPv6 groups");
    assert!(gap || head_groups == 8, "too few IPv6 groups");
    let head = if head_groups == 0 {
        0
    } else {
        head << (16 * (8 - head_groups))
    };
    head | tail
}

/// Every row's block, in registry order.
const BLOCKS: [Block; ROW_COUNT] = {
    let mut out = [Block::NONE; ROW_COUNT];
    let mut i = 0;
    while i < ROW_COUNT {
        out[i] = Block::parse(ROW_DATA[i].cidr);
        i += 1;
    }
    out
};

/// Registry indices by prefix length, ties in registry order: the order
/// [`ranges_containing`] reports rows in (least specific first).
const ORDER: [u8; ROW_COUNT] = {
    let mut order = [0u8; ROW_COUNT];
    let mut i = 0;
    while i < ROW_COUNT {
        order[i] = i as u8;
        i += 1;
    }
    // Insertion sort: stable, and the table is tiny.
    let mut i = 1;
    while i < ROW_COUNT {
        let mut j = i;
        while j > 0 && BLOCKS[order[j - 1] as usize].prefix > BLOCKS[order[j] as usize].prefix {
            let t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
            j -= 1;
        }
        i += 1;
    }
    order
};

/// For each first byte of an address of one family: bit `k` is set when the
/// row `ORDER[k]` may hold such an address.
const fn first_byte_index(v4: bool) -> [u64; 256] {
    let mut out = [0u64; 256];
    let mut first = 0;
    while first < 256 {
        let mut k = 0;
        while k < ROW_COUNT {
            let block = BLOCKS[ORDER[k] as usize];
            if block.v4 == v4 && block.meets_first_byte(first as u8) {
                out[first] |= 1 << k;
            }
            k += 1;
        }
        first += 1;
    }
    out
}

static V4_INDEX: [u64; 256] = first_byte_index(true);
static V6_INDEX: [u64; 256] = first_byte_index(false);

/// Whether every address of `first`.0.0.0/8 is in the same rows: no row
/// that meets the /8 is longer than /8. Lets the classifier answer for the
/// whole /8 at once.
pub(crate) fn v4_rows_decided_by_first_octet(first: u8) -> bool {
    candidates(&V4_INDEX, usize::from(first)).all(|(_, b)| b.prefix <= 8)
}

/// The most rows one address can be in. Blocks nest or are apart, so the
/// rows holding an address form a chain; the longest chain in the registry
/// is checked at compile time to fit.
pub const MAX_NESTING: usize = 4;

const _: () = {
    let mut i = 0;
    while i < ROW_COUNT {
        assert!(
            CHAIN_LEN[i] as usize <= MAX_NESTING,
            "registry rows nest deeper than MAX_NESTING"
        );
        i += 1;
    }
    assert!(ROW_COUNT <= 64, "the first-byte index holds 64 rows");
    assert!(
        ROW_COUNT < u8::MAX as usize,
        "Ranges holds a row index in a u8"
    );
};

/// The bit of each registry row, by index in [`REGISTRY`], as in
/// [`Ranges::row_bits`].
pub(crate) const fn row_bit(cidr: &str) -> u64 {
    let mut i = 0;
    while i < ROW_COUNT {
        if str_eq(ROW_DATA[i].cidr, cidr) {
            return 1 << i;
        }
        i += 1;
    }
    panic!("not a registry row")
}

pub(crate) const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// No two rows are the same block, so the rows holding an address are told
/// by the most specific one alone.
const _: () = {
    let mut i = 0;
    while i < ROW_COUNT {
        let mut j = i + 1;
        while j < ROW_COUNT {
            let (a, b) = (BLOCKS[i], BLOCKS[j]);
            assert!(
                !(a.v4 == b.v4 && a.net == b.net && a.prefix == b.prefix),
                "two registry rows with the same block"
            );
            j += 1;
        }
        i += 1;
    }
};

/// For each row, the rows holding its block, least specific first, itself
/// last: what [`ranges_containing`] answers for any address whose most
/// specific row it is. Blocks nest or are apart, so every row holding such
/// an address holds the whole block of the most specific one.
static CHAINS: [[&SpecialRange; MAX_NESTING]; ROW_COUNT] = {
    let mut out = [[&ROWS[0]; MAX_NESTING]; ROW_COUNT];
    let mut d = 0;
    while d < ROW_COUNT {
        let mut n = 0;
        let mut k = 0;
        while k < ROW_COUNT {
            let j = ORDER[k] as usize;
            if chain_holds(j, d) {
                out[d][n] = &ROWS[j];
                n += 1;
            }
            k += 1;
        }
        d += 1;
    }
    out
};

/// How long each row's chain is, and which rows are in it (bit `i` for
/// `REGISTRY[i]`).
const CHAIN_LEN: [u8; ROW_COUNT] = {
    let mut out = [0u8; ROW_COUNT];
    let mut d = 0;
    while d < ROW_COUNT {
        let mut j = 0;
        while j < ROW_COUNT {
            if chain_holds(j, d) {
                out[d] += 1;
            }
            j += 1;
        }
        d += 1;
    }
    out
};

static CHAIN_BITS: [u64; ROW_COUNT] = {
    let mut out = [0u64; ROW_COUNT];
    let mut d = 0;
    while d < ROW_COUNT {
        let mut j = 0;
        while j < ROW_COUNT {
            if chain_holds(j, d) {
                out[d] |= 1 << j;
            }
            j += 1;
        }
        d += 1;
    }
    out
};

/// Whether row `outer` holds the whole block of row `inner` (itself too).
const fn chain_holds(outer: usize, inner: usize) -> bool {
    let (o, i) = (BLOCKS[outer], BLOCKS[inner]);
    o.v4 == i.v4 && o.prefix <= i.prefix && o.holds(i.net)
}

/// The registry rows holding one address, least specific first: read as a
/// slice of rows, serialized as a JSON array of them. Held as the index of
/// the most specific row (one byte), since that row tells all the others.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Ranges {
    /// Index in [`REGISTRY`] of the most specific row; `u8::MAX` for none.
    deepest: u8,
}

impl Ranges {
    /// No row.
    pub const EMPTY: Self = Self { deepest: u8::MAX };

    /// Which registry rows these are: bit `i` stands for `REGISTRY[i]`.
    #[inline]
    pub fn row_bits(&self) -> u64 {
        CHAIN_BITS
            .get(usize::from(self.deepest))
            .copied()
            .unwrap_or(0)
    }
}

impl Deref for Ranges {
    type Target = [&'static SpecialRange];

    #[inline]
    fn deref(&self) -> &Self::Target {
        let d = usize::from(self.deepest);
        match (CHAINS.get(d), CHAIN_LEN.get(d)) {
            (Some(chain), Some(&len)) => chain.get(..usize::from(len)).unwrap_or_default(),
            _ => &[],
        }
    }
}

impl<'a> IntoIterator for &'a Ranges {
    type Item = &'a &'static SpecialRange;
    type IntoIter = std::slice::Iter<'a, &'static SpecialRange>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl fmt::Debug for Ranges {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Serialize for Ranges {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

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
#[inline]
pub fn ranges_containing(addr: IpAddr) -> Ranges {
    match addr {
        IpAddr::V4(a) => ranges_v4(u32::from(a)),
        IpAddr::V6(a) => {
            let value = u128::from(a);
            lookup(&V6_INDEX, (value >> 120) as usize, value)
        }
    }
}

/// [`ranges_containing`] for an IPv4 address as an integer.
#[inline(always)]
pub(crate) fn ranges_v4(value: u32) -> Ranges {
    lookup(&V4_INDEX, (value >> 24) as usize, u128::from(value))
}

/// The most specific row holding `value`: candidates for its first byte
/// from the longest prefix down, the first that holds it.
#[inline(always)]
fn lookup(index: &[u64; 256], first: usize, value: u128) -> Ranges {
    candidates(index, first)
        .find(|(_, b)| b.holds(value))
        .map_or(Ranges::EMPTY, |(i, _)| Ranges { deepest: i })
}

/// The rows that meet the addresses starting with byte `first`, as (row
/// index, block), most specific first: the ones [`lookup`] tries in turn.
fn candidates(index: &[u64; 256], first: usize) -> impl Iterator<Item = (u8, &'static Block)> {
    let mut bits = index.get(first).copied().unwrap_or(0);
    std::iter::from_fn(move || {
        while bits != 0 {
            let k = 63 - bits.leading_zeros() as usize;
            bits &= !(1 << k);
            let i = ORDER.get(k).copied().unwrap_or(0);
            if let Some(b) = BLOCKS.get(usize::from(i)) {
                return Some((i, b));
            }
        }
        None
    })
}

#[cfg(test)]
mod test {
    use super::*;
    use ipnet::IpNet;
    use proptest::prelude::*;

    /// The lookup as it was first written: parse every row, keep those
    /// holding the address, sort by prefix.
    fn reference(addr: IpAddr) -> Vec<&'static SpecialRange> {
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

    #[test]
    fn blocks_are_the_rows_read_by_ipnet() {
        for (r, b) in REGISTRY.iter().zip(BLOCKS) {
            let net: IpNet = r.cidr.parse().expect(r.cidr);
            assert_eq!(b.v4, net.addr().is_ipv4(), "{}", r.cidr);
            assert_eq!(b.prefix, net.prefix_len(), "{}", r.cidr);
            assert_eq!(b.net, crate::addr::to_u128(net.network()), "{}", r.cidr);
            assert_eq!(b.mask, crate::addr::to_u128(net.netmask()), "{}", r.cidr);
        }
    }

    #[test]
    fn every_edge_of_every_row_agrees_with_the_reference() {
        for b in BLOCKS {
            let last = b.net
                | (!b.mask
                    & if b.v4 {
                        u128::from(u32::MAX)
                    } else {
                        u128::MAX
                    });
            for value in [b.net, last, b.net.wrapping_sub(1), last.wrapping_add(1)] {
                let addr = if b.v4 {
                    IpAddr::V4((value as u32).into())
                } else {
                    IpAddr::V6(value.into())
                };
                assert_eq!(*ranges_containing(addr), *reference(addr), "{addr}");
            }
        }
    }

    proptest! {
        #[test]
        fn lookup_agrees_with_the_reference(v4 in any::<u32>(), v6 in any::<u128>(), top in any::<u16>()) {
            for addr in [
                IpAddr::V4(v4.into()),
                IpAddr::V6(v6.into()),
                // Bias IPv6 towards the rows: keep the low bits, set the top ones.
                IpAddr::V6(((u128::from(top) << 112) | (v6 >> 64)).into()),
                IpAddr::V6(((0x2001u128 << 112) | (u128::from(top) << 96) | (v6 >> 96)).into()),
            ] {
                let got = ranges_containing(addr);
                prop_assert_eq!(&*got, &*reference(addr), "{}", addr);
                let bits = got.iter().fold(0u64, |acc, r| {
                    acc | 1 << REGISTRY.iter().position(|x| std::ptr::eq(x, *r)).unwrap_or(63)
                });
                prop_assert_eq!(got.row_bits(), bits);
            }
        }
    }

    #[test]
    fn json_is_an_array_of_rows() {
        let rows = ranges_containing("192.0.0.9".parse().unwrap());
        let want = serde_json::to_string(&reference("192.0.0.9".parse().unwrap())).unwrap();
        assert_eq!(serde_json::to_string(&rows).unwrap(), want);
        assert_eq!(serde_json::to_string(&Ranges::EMPTY).unwrap(), "[]");
    }

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
