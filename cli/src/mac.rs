//! `netlab mac MAC`: a MAC address in every notation, its flag bits, and
//! the IPv6 link-local address derived from it.

use std::fmt::Write as _;
use std::process::ExitCode;

use netlab_core::mac::{Group, MacAddr, MacError, MacReport};

use crate::output::Output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The address: 00:1a:2b:3c:4d:5e, 00-1A-2B-3C-4D-5E, 001a.2b3c.4d5e
    /// or 001a2b3c4d5e.
    mac: String,
}

pub fn run(args: &Args, out: &Output) -> Result<ExitCode, String> {
    let mac: MacAddr = args.mac.parse().map_err(|e: MacError| e.to_string())?;
    let report = MacReport::new(args.mac.trim(), mac);
    Ok(out.result(&report, |r| render(r, mac)))
}

fn render(r: &MacReport, mac: MacAddr) -> String {
    let mut s = String::new();
    let mut line = |label: &str, value: &str| {
        let _ = writeln!(s, "{label:<17}{value}");
    };
    line("Colon:", &r.colon);
    line("Dash (Windows):", &r.dash);
    line("Dot (Cisco):", &r.dot);
    line("Bare:", &r.bare);
    line(
        "First octet:",
        &format!(
            "{} (last bit I/G, the one before U/L)",
            r.first_octet_binary
        ),
    );
    let kind = if r.broadcast {
        "broadcast (every station on the LAN)"
    } else if r.multicast {
        "multicast (I/G bit 1: a group)"
    } else {
        "unicast (I/G bit 0: one interface)"
    };
    line("Kind:", kind);
    if let Some(group) = &r.group {
        line("Group:", &group_text(group));
    }
    let admin = match (r.local, r.multicast) {
        (true, _) => "locally administered (U/L bit 1)".to_owned(),
        // An OUI is assigned with the I/G bit clear; its group addresses set it.
        (false, true) => {
            let [a, b, c, ..] = mac.0;
            format!(
                "universal (U/L bit 0): a group address of OUI {:02x}:{b:02x}:{c:02x}",
                a & 0xfe
            )
        }
        (false, false) => format!("universal (U/L bit 0): vendor OUI {}", r.oui),
    };
    line("Assigned:", &admin);
    // A group address is no interface's: the identifiers are arithmetic alone.
    let not_an_interface = if r.multicast {
        " (arithmetic only: a group address is no interface's)"
    } else {
        ""
    };
    line("EUI-64:", &format!("{}{not_an_interface}", r.eui64));
    line(
        "Modified EUI-64:",
        &format!("{} (U/L bit flipped)", r.modified_eui64),
    );
    line(
        "IPv6 link-local:",
        &format!("{}{not_an_interface}", r.ipv6_link_local),
    );
    s
}

/// What a group address carries, in words.
fn group_text(group: &Group) -> String {
    match group {
        Group::Broadcast => "broadcast: every station on the LAN".to_owned(),
        Group::Ipv4 { lowest } => format!(
            "IPv4 multicast {lowest} and the 31 other groups with the same low 23 bits (01:00:5e + 23 bits, RFC 1112)"
        ),
        Group::Ipv6 {
            example,
            solicited_node,
        } => format!(
            "IPv6 multicast groups ending in the same 32 bits, such as {example}{} (33:33 + 32 bits, RFC 2464)",
            if *solicited_node {
                ", a solicited-node group of Neighbor Discovery"
            } else {
                ""
            }
        ),
        Group::Other => {
            "a group address of another protocol (not IPv4 or IPv6 multicast)".to_owned()
        }
    }
}
