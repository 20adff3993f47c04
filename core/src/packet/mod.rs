//! Packets: the bytes behind the seeds' story of encapsulation.
//!
//! The seeds tell it in words (seed 000 §3.1): the application's `b'hello'`
//! gets the ports (transport), then the IP addresses (network), then the
//! MAC addresses (data link), then becomes signals (physical). This module
//! builds the real bytes, names every field, reads bytes back into the same
//! named tree, and writes capture files that Wireshark opens.
//!
//! - Wire formats, one file per protocol in the smoltcp manner: a zero-copy
//!   view (`Packet<T: AsRef<[u8]>>`, `ethernet::Frame`) with `new_checked`,
//!   getters and `set_*` setters, and a plain `Repr` with `parse`, `emit`
//!   and `buffer_len`: [`ethernet`] (Ethernet II), [`vlan`] (802.1Q),
//!   [`arp`], [`ipv4`], [`ipv6`] with its extension headers ([`ipv6ext`]),
//!   [`icmpv4`], [`icmpv6`] (with Neighbor
//!   Discovery), [`udp`], [`tcp`]; their
//!   checksums in [`checksum`] (RFC 1071, pseudo-headers, Ethernet FCS).
//! - Each header's fields are ONE table of [`FieldSpec`]s in its private
//!   `mod field` (exported as `FIELDS`): the getters, the setters and the
//!   annotation all read it, so they cannot drift apart.
//! - [`layer`]: the OSI, five-layer (seed 003) and TCP/IP models, and which
//!   layer each protocol belongs to in each.
//! - [`encap`]: the encapsulation builder, step by step down to the bits
//!   and their Manchester code ([`physical`]).
//! - [`dissect`]: any bytes to annotated layers plus findings; never fails.
//! - [`pcap`] and [`pcapng`]: capture files, written and read in memory
//!   (the caller does the I/O and passes the timestamps in).
//! - [`hex`]: the hex a learner pastes, in the spellings tools print.
//!
//! # Examples
//!
//! The seeds' `conn.send(b'hello')` from 192.168.12.1:53000 to
//! 192.168.13.1:9000:
//!
//! ```
//! use netlab_core::packet::encap::{EncapSpec, encapsulate};
//! use netlab_core::packet::dissect::dissect;
//!
//! let spec = EncapSpec::tcp("192.168.12.1:53000".parse().unwrap(),
//!                           "192.168.13.1:9000".parse().unwrap(), b"hello");
//! let built = encapsulate(&spec).unwrap();
//! let sizes: Vec<usize> = built.layers.iter().map(|l| l.length).collect();
//! assert_eq!(sizes, [14, 20, 20, 5]);
//! assert_eq!(built.steps.len(), 5);
//!
//! let back = dissect(&built.frame);
//! assert_eq!(back.layers, built.layers);
//! assert!(back.findings.is_empty());
//! ```

pub mod annotate;
pub mod arp;
pub mod checksum;
pub mod dissect;
pub mod encap;
pub mod error;
pub mod ethernet;
pub mod field;
pub mod follow;
pub mod hex;
pub mod icmpv4;
pub mod icmpv6;
pub mod ipv4;
pub mod ipv6;
pub mod ipv6ext;
pub mod layer;
pub mod pcap;
pub mod pcapng;
pub mod physical;
pub mod sll;
pub mod tcp;
pub mod udp;
pub mod vlan;

pub use annotate::{Field, FieldValue, Layer};
pub use error::{ContentError, LenError, LenSource, WireError};
pub use field::{FieldSpec, Format};
pub use layer::{FiveLayer, OsiLayer, Protocol, TcpIpLayer};
