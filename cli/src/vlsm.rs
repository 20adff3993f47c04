//! `netlab vlsm CIDR HOSTS...`: a subnet for each host count, largest
//! first, and what is left over.

use std::fmt::Write as _;
use std::process::ExitCode;

use netlab_core::aggregate::{hosts, parse_network};
use netlab_core::plan::{self, VlsmPlan};

use crate::output::Output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The network to divide: 192.168.1.0/24.
    network: String,
    /// How many hosts each subnet must hold: 100 50 20 2.
    #[arg(required = true)]
    hosts: Vec<String>,
}

pub fn run(args: &Args, out: &Output) -> Result<ExitCode, String> {
    let network = parse_network(&args.network).map_err(|e| e.to_string())?;
    let wanted = args
        .hosts
        .iter()
        .map(|h| plan::parse_hosts(h))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?;
    let plan = plan::vlsm(network, &wanted).map_err(|e| e.to_string())?;
    Ok(out.result(&plan, render))
}

/// A table, largest request first (which is also address order).
fn render(p: &VlsmPlan) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "Network: {} (largest request first)", p.network);
    let rows: Vec<[String; 4]> = p
        .allocations
        .iter()
        .map(|a| {
            let mut range = hosts(a.subnet);
            let first = range.next().map(|x| x.to_string()).unwrap_or_default();
            let last = range
                .next_back()
                .map_or_else(|| first.clone(), |x| x.to_string());
            [
                a.hosts.to_string(),
                a.subnet.to_string(),
                a.usable_hosts.to_string(),
                format!("{first} - {last}"),
            ]
        })
        .collect();
    let header = ["Hosts", "Subnet", "Usable", "Host range"].map(str::to_owned);
    let widths: Vec<usize> = (0..4)
        .map(|i| {
            rows.iter()
                .chain(std::iter::once(&header))
                .map(|r| r[i].len())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in std::iter::once(&header).chain(&rows) {
        let _ = writeln!(
            s,
            "{:<w0$}  {:<w1$}  {:<w2$}  {}",
            row[0],
            row[1],
            row[2],
            row[3],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2]
        );
    }
    if p.unused.is_empty() {
        let _ = writeln!(s, "Unused:  none");
    } else {
        let unused: Vec<String> = p.unused.iter().map(ToString::to_string).collect();
        let line = unused.join(" ");
        // A long list (IPv6's run to dozens of blocks) one block a line.
        if line.len() <= 70 {
            let _ = writeln!(s, "Unused:  {line}");
        } else {
            let _ = writeln!(s, "Unused:  {}", unused.join("\n         "));
        }
    }
    // A /31 or /32 keeps every address, which only a point-to-point link or
    // a single host can use: a LAN with a gateway needs a network and a
    // broadcast address too, so at least a /30 (ask for 2 more hosts).
    let v4 = p.network.addr().is_ipv4();
    if v4 && p.allocations.iter().any(|a| a.subnet.prefix_len() >= 31) {
        let _ = writeln!(
            s,
            "Note:    a /31 is for a point-to-point link (RFC 3021) and a /32 for one host; a LAN needs its network and broadcast addresses too (a /30 or more)"
        );
    }
    s
}
