//! Simulations: the seeds' stories played out packet by packet, with the
//! real bytes of every frame.
//!
//! - [`tcp`]: two TCP ends running the RFC 9293 state machine through the
//!   seeds' 三次握手 (three-way handshake), `send(b'hello')`, 四次挥手
//!   (four-way close), a simultaneous close, a refused connection and a
//!   lost segment with its retransmission (seed 003 §8.2.1).
//! - [`lan`]: hosts, switches and a router: seed 000 §1–§2's LAN A
//!   (192.168.12.0/24) and LAN B (192.168.13.0/24), the mask's AND, ARP,
//!   MAC learning and flooding, the gateway, TTL and checksum rewrites,
//!   and the ways it fails (a wrong mask, no gateway, TTL 1, an unknown
//!   network).
//!
//! Both are pure and deterministic: a spec in, a trace out, no clock and
//! no randomness, so the browser, the tests and a learner's second run see
//! the same trace. Every frame is built with [`crate::packet`]'s wire
//! formats (correct checksums) so the playground can open it in the
//! dissector, and every trace comes with a pcapng whose frame comments
//! tell the story in Wireshark.
//!
//! # Examples
//!
//! ```
//! use netlab_core::sim::{lan, tcp};
//!
//! let handshake = tcp::simulate(&tcp::TcpSpec::scenario(tcp::Scenario::Handshake)).unwrap();
//! let flags: Vec<&str> = handshake.segments().map(|s| s.flags.as_str()).collect();
//! assert_eq!(flags, ["SYN", "SYN, ACK", "ACK"]);
//!
//! let ping = lan::simulate(&lan::LanSpec::default()).unwrap();
//! assert!(ping.outcome.answered);
//! ```

pub mod lan;
pub mod tcp;

mod tcb;
mod wire;

use serde::{Deserialize, Deserializer, Serializer};

use crate::mac::MacAddr;
use crate::packet::pcap::{PcapError, Record};
use crate::packet::pcapng;

/// Where a simulated capture starts: simulated time 0 is this instant
/// (2023-11-14 22:13:20 UTC), so a trace's pcapng is the same on every
/// run and Wireshark shows a plausible date.
pub const CAPTURE_EPOCH_US: u64 = 1_700_000_000_000_000;

/// Host A's MAC in the seeds' story (locally administered, so never a
/// vendor's).
pub const MAC_A: MacAddr = MacAddr([0x02, 0, 0, 0, 0, 0x0a]);
/// Host B's MAC.
pub const MAC_B: MacAddr = MacAddr([0x02, 0, 0, 0, 0, 0x0b]);
/// Host C's MAC.
pub const MAC_C: MacAddr = MacAddr([0x02, 0, 0, 0, 0, 0x0c]);
/// Router R's MAC on LAN A (its `eth0`, 192.168.12.254).
pub const MAC_R_LAN_A: MacAddr = MacAddr([0x02, 0, 0, 0, 0x01, 0x01]);
/// Router R's MAC on LAN B (its `eth1`, 192.168.13.254).
pub const MAC_R_LAN_B: MacAddr = MacAddr([0x02, 0, 0, 0, 0x01, 0x02]);

/// Writes frames with their simulated times (ms) and comments as pcapng.
fn capture<'a>(
    frames: impl IntoIterator<Item = (u64, &'a [u8], &'a str)>,
) -> Result<Vec<u8>, PcapError> {
    let records: Vec<Record> = frames
        .into_iter()
        .map(|(ms, bytes, comment)| {
            Record::new(
                CAPTURE_EPOCH_US.saturating_add(ms.saturating_mul(1000)),
                bytes.to_vec(),
            )
            .with_comment(comment)
        })
        .collect();
    pcapng::write(&records)
}

/// Serde helpers: bytes as lowercase hex, MAC addresses as text.
mod serde_text {
    use super::*;

    pub fn hex<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&crate::packet::field::hex(bytes))
    }

    pub fn mac<S: Serializer>(mac: &MacAddr, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(mac)
    }

    pub fn opt_mac<S: Serializer>(mac: &Option<MacAddr>, s: S) -> Result<S::Ok, S::Error> {
        match mac {
            Some(m) => s.collect_str(m),
            None => s.serialize_none(),
        }
    }

    pub fn de_mac<'de, D: Deserializer<'de>>(d: D) -> Result<MacAddr, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }

    pub fn de_opt_mac<'de, D: Deserializer<'de>>(d: D) -> Result<Option<MacAddr>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|s| s.parse().map_err(serde::de::Error::custom))
            .transpose()
    }
}
