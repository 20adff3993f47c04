//! MAC addresses: the 48-bit names that switches know (seed 000 §1.2), in
//! the four ways tools write them, with the two flag bits of the first
//! octet explained and the IPv6 link-local address a host derives from its
//! MAC (SLAAC with modified EUI-64, RFC 4291 Appendix A).
//!
//! The first octet's lowest bit is I/G (individual/group: 1 means
//! multicast) and the next one U/L (universal/local: 1 means the address
//! was set locally, not burned in by the vendor, whose OUI is the first
//! three octets).

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use serde::Serialize;
use thiserror::Error;

/// Why a piece of text is not a MAC address.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MacError {
    /// Nothing to read.
    #[error("an empty string is not a MAC address")]
    Empty,
    /// A group that is not one or two hex digits (four in the dot form).
    #[error("'{part}' is not {expected} in '{text}'")]
    BadGroup {
        text: String,
        part: String,
        expected: &'static str,
    },
    /// The wrong number of groups for the separator used.
    #[error(
        "'{text}' has {groups} groups separated by '{separator}'; a MAC address has {expected} ({example})"
    )]
    GroupCount {
        text: String,
        groups: usize,
        separator: char,
        expected: usize,
        example: &'static str,
    },
    /// A bare form whose length is not 12 hex digits.
    #[error("'{text}' has {digits} characters; a MAC address without separators has 12 hex digits")]
    BareLength { text: String, digits: usize },
    /// A character that is not a hex digit in the bare form.
    #[error("'{ch}' is not a hex digit in '{text}'")]
    BadDigit { text: String, ch: char },
    /// More than one kind of separator.
    #[error("'{0}' mixes separators; use one of ':' '-' '.'")]
    MixedSeparators(String),
}

/// A 48-bit MAC address (EUI-48).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MacAddr(pub [u8; 6]);

impl MacAddr {
    /// The broadcast address, all ones: every station on the LAN.
    pub const BROADCAST: Self = Self([0xff; 6]);

    /// I/G bit set: a group (multicast or broadcast) address.
    pub fn is_multicast(self) -> bool {
        self.0[0] & 0x01 != 0
    }

    /// U/L bit set: assigned locally rather than by the vendor.
    pub fn is_local(self) -> bool {
        self.0[0] & 0x02 != 0
    }

    /// The EUI-64 made by putting `ff:fe` in the middle (IEEE).
    pub fn eui64(self) -> [u8; 8] {
        let m = self.0;
        [m[0], m[1], m[2], 0xff, 0xfe, m[3], m[4], m[5]]
    }

    /// The modified EUI-64 of RFC 4291 Appendix A: the EUI-64 with the U/L
    /// bit inverted, so that `::1`-style hand-made identifiers (U/L 0 after
    /// inversion) stay short.
    pub fn modified_eui64(self) -> [u8; 8] {
        let mut e = self.eui64();
        e[0] ^= 0x02;
        e
    }

    /// fe80::/64 followed by the modified EUI-64: the address SLAAC gives
    /// an interface on its link.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::mac::MacAddr;
    ///
    /// let mac: MacAddr = "00:1a:2b:3c:4d:5e".parse().unwrap();
    /// assert_eq!(mac.ipv6_link_local().to_string(), "fe80::21a:2bff:fe3c:4d5e");
    /// ```
    pub fn ipv6_link_local(self) -> Ipv6Addr {
        let id = u64::from_be_bytes(self.modified_eui64());
        Ipv6Addr::from((0xfe80_u128 << 112) | u128::from(id))
    }

    /// The MAC an IPv4 multicast group is sent to: 01:00:5e and the
    /// group's low 23 bits (RFC 1112 §6.4); [`MacAddr::group`] reads it back.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::mac::MacAddr;
    ///
    /// let mdns = MacAddr::of_ipv4_group("224.0.0.251".parse().unwrap());
    /// assert_eq!(mdns.to_string(), "01:00:5e:00:00:fb");
    /// ```
    pub fn of_ipv4_group(group: Ipv4Addr) -> Self {
        let [_, b, c, d] = group.octets();
        Self([0x01, 0x00, 0x5e, b & 0x7f, c, d])
    }

    /// What a group address stands for: the Ethernet form of an IPv4 or
    /// IPv6 multicast group, broadcast, or another group; `None` for a
    /// unicast address.
    ///
    /// An IPv4 group's MAC is 01:00:5e and the group's low 23 bits (RFC
    /// 1112 §6.4), so 32 groups share each one; an IPv6 group's is 33:33
    /// and the group's low 32 bits (RFC 2464 §7).
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::mac::{Group, MacAddr};
    ///
    /// let all_hosts: MacAddr = "01:00:5e:00:00:01".parse().unwrap();
    /// assert_eq!(all_hosts.group(), Some(Group::Ipv4 { lowest: "224.0.0.1".parse().unwrap() }));
    /// let solicited: MacAddr = "33:33:ff:3c:4d:5e".parse().unwrap();
    /// assert_eq!(
    ///     solicited.group(),
    ///     Some(Group::Ipv6 { example: "ff02::1:ff3c:4d5e".parse().unwrap(), solicited_node: true })
    /// );
    /// ```
    pub fn group(self) -> Option<Group> {
        let m = self.0;
        if !self.is_multicast() {
            return None;
        }
        Some(match m {
            [0xff, 0xff, 0xff, 0xff, 0xff, 0xff] => Group::Broadcast,
            [0x01, 0x00, 0x5e, b, c, d] if b & 0x80 == 0 => Group::Ipv4 {
                lowest: Ipv4Addr::new(224, b, c, d),
            },
            [0x33, 0x33, a, b, c, d] => {
                // ff02:: (link-local scope) is where most of these live; a
                // solicited-node group is ff02::1:ff00:0/104 (RFC 4291).
                let solicited_node = a == 0xff;
                let low = u128::from(u32::from_be_bytes([a, b, c, d]));
                let one = if solicited_node { 1_u128 << 32 } else { 0 };
                Group::Ipv6 {
                    example: Ipv6Addr::from((0xff02_u128 << 112) | one | low),
                    solicited_node,
                }
            }
            _ => Group::Other,
        })
    }

    fn joined(self, sep: &str, upper: bool) -> String {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|b| {
                if upper {
                    format!("{b:02X}")
                } else {
                    format!("{b:02x}")
                }
            })
            .collect();
        parts.join(sep)
    }
}

impl fmt::Display for MacAddr {
    /// The colon form, `00:1a:2b:3c:4d:5e` (as `ip link` prints it).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.joined(":", false))
    }
}

impl FromStr for MacAddr {
    type Err = MacError;

    /// Reads `00:1a:2b:3c:4d:5e` (Linux, macOS; one-digit groups as macOS
    /// `arp` prints them), `00-1A-2B-3C-4D-5E` (Windows), `001a.2b3c.4d5e`
    /// (Cisco) or `001a2b3c4d5e`; hex digits in either case.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::mac::MacAddr;
    ///
    /// let a: MacAddr = "001A.2B3C.4D5E".parse().unwrap();
    /// assert_eq!(a, "00-1a-2b-3c-4d-5e".parse().unwrap());
    /// assert_eq!(a, "0:1a:2b:3c:4d:5e".parse().unwrap());
    /// assert_eq!(
    ///     "00:1a:2g:3c:4d:5e".parse::<MacAddr>().unwrap_err().to_string(),
    ///     "'2g' is not a hex byte (1-2 hex digits) in '00:1a:2g:3c:4d:5e'"
    /// );
    /// ```
    fn from_str(text: &str) -> Result<Self, MacError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(MacError::Empty);
        }
        let seps: Vec<char> = [':', '-', '.']
            .into_iter()
            .filter(|&c| text.contains(c))
            .collect();
        let bad_group = |part: &str, expected: &'static str| MacError::BadGroup {
            text: text.to_owned(),
            part: part.to_owned(),
            expected,
        };
        let mut out = [0u8; 6];
        match seps.as_slice() {
            [] => {
                let digits = text.chars().count();
                if let Some(ch) = text.chars().find(|c| !c.is_ascii_hexdigit()) {
                    return Err(MacError::BadDigit {
                        text: text.to_owned(),
                        ch,
                    });
                }
                if digits != 12 {
                    return Err(MacError::BareLength {
                        text: text.to_owned(),
                        digits,
                    });
                }
                for (slot, i) in out.iter_mut().zip((0..12).step_by(2)) {
                    let pair = text.get(i..i + 2).unwrap_or_default();
                    *slot =
                        u8::from_str_radix(pair, 16).map_err(|_| bad_group(pair, "a hex byte"))?;
                }
            }
            [sep @ (':' | '-')] => {
                let parts: Vec<&str> = text.split(*sep).collect();
                if parts.len() != 6 {
                    return Err(MacError::GroupCount {
                        text: text.to_owned(),
                        groups: parts.len(),
                        separator: *sep,
                        expected: 6,
                        example: if *sep == ':' {
                            "00:1a:2b:3c:4d:5e"
                        } else {
                            "00-1A-2B-3C-4D-5E"
                        },
                    });
                }
                for (slot, part) in out.iter_mut().zip(&parts) {
                    *slot = hex_group(part, 2)
                        .ok_or_else(|| bad_group(part, "a hex byte (1-2 hex digits)"))?
                        as u8;
                }
            }
            ['.'] => {
                let parts: Vec<&str> = text.split('.').collect();
                if parts.len() != 3 {
                    return Err(MacError::GroupCount {
                        text: text.to_owned(),
                        groups: parts.len(),
                        separator: '.',
                        expected: 3,
                        example: "001a.2b3c.4d5e",
                    });
                }
                for (pair, part) in out.chunks_exact_mut(2).zip(&parts) {
                    if part.len() != 4 {
                        return Err(bad_group(part, "4 hex digits"));
                    }
                    let v = hex_group(part, 4).ok_or_else(|| bad_group(part, "4 hex digits"))?;
                    pair.copy_from_slice(&v.to_be_bytes());
                }
            }
            _ => return Err(MacError::MixedSeparators(text.to_owned())),
        }
        Ok(Self(out))
    }
}

/// 1 to `max` hex digits as a number, `None` for anything else (signs
/// included, which `from_str_radix` would accept).
fn hex_group(part: &str, max: usize) -> Option<u16> {
    if part.is_empty() || part.len() > max || !part.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u16::from_str_radix(part, 16).ok()
}

/// What a group (I/G bit 1) MAC address stands for; see [`MacAddr::group`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Group {
    /// `ff:ff:ff:ff:ff:ff`: every station on the LAN.
    Broadcast,
    /// `01:00:5e` and 23 bits: the IPv4 multicast groups whose low 23 bits
    /// these are; `lowest` is the first of the 32 (224.x.y.z), the others
    /// differ in the 5 bits the MAC has no room for.
    Ipv4 { lowest: Ipv4Addr },
    /// `33:33` and 32 bits: the IPv6 multicast groups ending in them;
    /// `example` is the link-local scope's (`ff02::…`). `33:33:ff` is a
    /// solicited-node group, where Neighbor Discovery asks for a MAC.
    Ipv6 {
        example: Ipv6Addr,
        solicited_node: bool,
    },
    /// Another group address (01:80:c2:00:00:00 is the bridges' STP).
    Other,
}

/// Everything `netlab mac` says about one address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MacReport {
    pub input: String,
    /// `00:1a:2b:3c:4d:5e`: Linux, macOS, Wireshark.
    pub colon: String,
    /// `00-1A-2B-3C-4D-5E`: Windows `ipconfig /all`.
    pub dash: String,
    /// `001a.2b3c.4d5e`: Cisco IOS.
    pub dot: String,
    /// `001a2b3c4d5e`.
    pub bare: String,
    /// The first octet in binary; its last two bits are U/L and I/G.
    pub first_octet_binary: String,
    pub unicast: bool,
    pub multicast: bool,
    pub broadcast: bool,
    pub universal: bool,
    pub local: bool,
    /// The vendor's Organizationally Unique Identifier, the first three
    /// octets (meaningful only for universal addresses).
    pub oui: String,
    /// EUI-64 (IEEE): `ff:fe` inserted in the middle.
    pub eui64: String,
    /// Modified EUI-64 (RFC 4291): the U/L bit inverted, written as the
    /// IPv6 interface identifier.
    pub modified_eui64: String,
    /// fe80:: plus the modified EUI-64. Only a unicast address makes an
    /// interface identifier; for a group address this is the arithmetic
    /// alone (see `group`).
    pub ipv6_link_local: Ipv6Addr,
    /// What a group address stands for (`{"kind": "ipv4", "lowest":
    /// "224.0.0.1"}`, `ipv6`, `broadcast`, `other`); `null` for unicast.
    pub group: Option<Group>,
}

impl MacReport {
    /// Parses a MAC address in any of the four forms and reports on it.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::mac::MacReport;
    ///
    /// let r = MacReport::parse("00-1A-2B-3C-4D-5E").unwrap();
    /// assert_eq!(r.dot, "001a.2b3c.4d5e");
    /// assert!(r.unicast && r.universal);
    /// assert_eq!(r.modified_eui64, "021a:2bff:fe3c:4d5e");
    /// assert!(MacReport::parse("ff:ff:ff:ff:ff:ff").unwrap().broadcast);
    /// ```
    pub fn parse(text: &str) -> Result<Self, MacError> {
        let mac: MacAddr = text.parse()?;
        Ok(Self::new(text.trim(), mac))
    }

    /// The report for a parsed address; `input` is kept as given.
    pub fn new(input: &str, mac: MacAddr) -> Self {
        let m = mac.0;
        let id = mac.modified_eui64();
        let groups: Vec<String> = id
            .chunks_exact(2)
            .map(|p| format!("{:02x}{:02x}", p[0], p[1]))
            .collect();
        let eui: Vec<String> = mac.eui64().iter().map(|b| format!("{b:02x}")).collect();
        Self {
            input: input.to_owned(),
            colon: mac.joined(":", false),
            dash: mac.joined("-", true),
            dot: format!(
                "{:02x}{:02x}.{:02x}{:02x}.{:02x}{:02x}",
                m[0], m[1], m[2], m[3], m[4], m[5]
            ),
            bare: mac.joined("", false),
            first_octet_binary: format!("{:08b}", m[0]),
            unicast: !mac.is_multicast(),
            multicast: mac.is_multicast(),
            broadcast: mac == MacAddr::BROADCAST,
            universal: !mac.is_local(),
            local: mac.is_local(),
            oui: format!("{:02x}:{:02x}:{:02x}", m[0], m[1], m[2]),
            eui64: eui.join(":"),
            modified_eui64: groups.join(":"),
            ipv6_link_local: mac.ipv6_link_local(),
            group: mac.group(),
        }
    }
}

#[cfg(test)]
mod test {
    use super::*;

    fn err(text: &str) -> String {
        text.parse::<MacAddr>().unwrap_err().to_string()
    }

    #[test]
    fn group_addresses_say_which_groups_they_carry() {
        let group = |t: &str| MacReport::parse(t).unwrap().group;
        assert_eq!(group("00:1a:2b:3c:4d:5e"), None);
        assert_eq!(group("ff:ff:ff:ff:ff:ff"), Some(Group::Broadcast));
        // 239.255.255.250 (SSDP) and 224.127.255.250 share this MAC.
        assert_eq!(
            group("01:00:5e:7f:ff:fa"),
            Some(Group::Ipv4 {
                lowest: Ipv4Addr::new(224, 127, 255, 250)
            })
        );
        // The upper half of 01:00:5e is no IPv4 group's (RFC 1112).
        assert_eq!(group("01:00:5e:80:00:01"), Some(Group::Other));
        assert_eq!(
            group("33:33:00:00:00:01"),
            Some(Group::Ipv6 {
                example: "ff02::1".parse().unwrap(),
                solicited_node: false
            })
        );
        assert_eq!(group("01:80:c2:00:00:00"), Some(Group::Other));
        let json = serde_json::to_value(MacReport::parse("01:00:5e:00:00:fb").unwrap()).unwrap();
        assert_eq!(
            json["group"],
            serde_json::json!({"kind": "ipv4", "lowest": "224.0.0.251"})
        );
        let json = serde_json::to_value(MacReport::parse("02:00:00:00:00:01").unwrap()).unwrap();
        assert!(json["group"].is_null());
    }

    #[test]
    fn every_form_reads_and_writes() {
        let r = MacReport::parse("00:1a:2b:3c:4d:5e").unwrap();
        assert_eq!(r.colon, "00:1a:2b:3c:4d:5e");
        assert_eq!(r.dash, "00-1A-2B-3C-4D-5E");
        assert_eq!(r.dot, "001a.2b3c.4d5e");
        assert_eq!(r.bare, "001a2b3c4d5e");
        for form in [&r.colon, &r.dash, &r.dot, &r.bare] {
            assert_eq!(MacReport::parse(form).unwrap().colon, r.colon, "{form}");
        }
        assert_eq!(r.oui, "00:1a:2b");
        assert_eq!(r.eui64, "00:1a:2b:ff:fe:3c:4d:5e");
        assert_eq!(r.ipv6_link_local.to_string(), "fe80::21a:2bff:fe3c:4d5e");
    }

    #[test]
    fn flag_bits() {
        // RFC 4291 Appendix A's example: a locally administered address
        // loses its U/L bit in the interface identifier.
        let local = MacReport::parse("02:00:00:00:00:01").unwrap();
        assert!(local.local && !local.universal && local.unicast);
        assert_eq!(local.first_octet_binary, "00000010");
        assert_eq!(local.ipv6_link_local.to_string(), "fe80::ff:fe00:1");
        let mcast = MacReport::parse("01:00:5e:00:00:fb").unwrap();
        assert!(mcast.multicast && !mcast.unicast && !mcast.broadcast);
        let v6 = MacReport::parse("33:33:00:00:00:01").unwrap();
        assert!(v6.multicast && v6.local);
        let all = MacReport::parse("FF:FF:FF:FF:FF:FF").unwrap();
        assert!(all.broadcast && all.multicast);
    }

    #[test]
    fn errors_name_the_bad_part() {
        assert_eq!(err(""), "an empty string is not a MAC address");
        assert_eq!(
            err("00:1a:2b:3c:4d:5e:6f"),
            "'00:1a:2b:3c:4d:5e:6f' has 7 groups separated by ':'; a MAC address has 6 (00:1a:2b:3c:4d:5e)"
        );
        assert_eq!(
            err("00:1a:2b:3c:4d:"),
            "'' is not a hex byte (1-2 hex digits) in '00:1a:2b:3c:4d:'"
        );
        assert_eq!(
            err("00:1a:2b:3c:4d:5e5"),
            "'5e5' is not a hex byte (1-2 hex digits) in '00:1a:2b:3c:4d:5e5'"
        );
        assert_eq!(
            err("00:1a:+b:3c:4d:5e"),
            "'+b' is not a hex byte (1-2 hex digits) in '00:1a:+b:3c:4d:5e'"
        );
        assert_eq!(
            err("001a.2b3c.4d5"),
            "'4d5' is not 4 hex digits in '001a.2b3c.4d5'"
        );
        assert_eq!(
            err("001a.2b3c"),
            "'001a.2b3c' has 2 groups separated by '.'; a MAC address has 3 (001a.2b3c.4d5e)"
        );
        assert_eq!(
            err("001a2b3c4d5"),
            "'001a2b3c4d5' has 11 characters; a MAC address without separators has 12 hex digits"
        );
        assert_eq!(
            err("001a2b3c4d5z"),
            "'z' is not a hex digit in '001a2b3c4d5z'"
        );
        assert_eq!(
            err("00:1a-2b:3c:4d:5e"),
            "'00:1a-2b:3c:4d:5e' mixes separators; use one of ':' '-' '.'"
        );
        assert_eq!(
            err("00é1a2b3c4d5"),
            "'é' is not a hex digit in '00é1a2b3c4d5'"
        );
    }

    #[test]
    fn json_fields() {
        let v = serde_json::to_value(MacReport::parse("001a.2b3c.4d5e").unwrap()).unwrap();
        assert_eq!(v["ipv6_link_local"], "fe80::21a:2bff:fe3c:4d5e");
        assert_eq!(v["input"], "001a.2b3c.4d5e");
        assert_eq!(v["multicast"], false);
    }
}
