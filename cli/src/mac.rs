//! `netlab mac MAC`: a MAC address in every notation, its flag bits, and
//! the IPv6 link-local address derived from it.

use std::fmt::Write as _;
use std::process::ExitCode;

use netlab_core::mac::MacReport;

use crate::output::Output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The address: 00:1a:2b:3c:4d:5e, 00-1A-2B-3C-4D-5E, 001a.2b3c.4d5e
    /// or 001a2b3c4d5e.
    mac: String,
}

pub fn run(args: &Args, out: &Output) -> Result<ExitCode, String> {
    let report = MacReport::parse(&args.mac).map_err(|e| e.to_string())?;
    Ok(out.result(&report, render))
}

fn render(r: &MacReport) -> String {
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
    let admin = if r.local {
        "locally administered (U/L bit 1)".to_owned()
    } else {
        format!("universal (U/L bit 0): vendor OUI {}", r.oui)
    };
    line("Assigned:", &admin);
    line("EUI-64:", &r.eui64);
    line(
        "Modified EUI-64:",
        &format!("{} (U/L bit flipped)", r.modified_eui64),
    );
    line("IPv6 link-local:", &r.ipv6_link_local.to_string());
    s
}
