//! `netlab subnet`: the report of one address and mask.

use std::fmt::Write as _;
use std::process::ExitCode;

use netlab_core::addr::Binary;
use netlab_core::subnet::{SubnetReport, mask_text};

use crate::output::Output;
use crate::style::Paint;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The address with its prefix or mask: 192.168.12.87/24,
    /// 192.168.12.87/255.255.255.0, or 2001:db8::1/64.
    address: String,
    /// The mask, when given as a separate word: 192.168.12.87 255.255.255.0.
    mask: Option<String>,
}

pub fn run(args: &Args, out: &Output) -> Result<ExitCode, String> {
    let text = match &args.mask {
        // "/24" as a second argument is the prefix a learner writes.
        Some(mask) if !args.address.contains('/') => {
            let mask = mask.trim();
            let mask = mask.strip_prefix('/').unwrap_or(mask);
            if mask.is_empty() {
                return Err(netlab_core::subnet::SubnetError::MissingPrefix.to_string());
            }
            format!("{} {}", args.address, mask)
        }
        Some(mask) => {
            return Err(format!(
                "'{}' already has a prefix; drop '{mask}'",
                args.address
            ));
        }
        None => args.address.clone(),
    };
    let report = SubnetReport::parse(&text).map_err(|e| e.to_string())?;
    Ok(out.result(&report, |r| render(r, out.paint)))
}

/// The ipcalc-style text form: labels, values, and the bits beside them
/// (on a terminal, the network bits and the host bits in two colours).
fn render(r: &SubnetReport, paint: Paint) -> String {
    let mut s = String::new();
    let binary = r.binary();
    // IPv4 as ipcalc lays it out, the bits beside each value in one column
    // (wide enough for the longest value); IPv6's 128 bits on a line of
    // their own under the value, which they would otherwise run into.
    let v4 = r.address.is_ipv4();
    let width = [
        r.address.to_string(),
        r.cidr(),
        format!("{} = {}", mask_text(r.netmask), r.prefix),
    ]
    .iter()
    .map(String::len)
    .max()
    .unwrap_or(0)
    .max(23)
        + 1;
    let mut line = |label: &str, value: String, bits: Option<Binary>| {
        let bits = bits.map(|b| paint.bits(&b.to_string(), r.prefix));
        let _ = match bits {
            Some(bits) if v4 => writeln!(s, "{label:<11}{value:<width$}{bits}"),
            Some(bits) => writeln!(s, "{label:<11}{value}\n{:<11}{bits}", ""),
            None => writeln!(s, "{label:<11}{value}"),
        };
    };
    line("Address:", r.address.to_string(), Some(binary.address));
    line(
        "Netmask:",
        format!("{} = {}", mask_text(r.netmask), r.prefix),
        Some(binary.netmask),
    );
    line("Wildcard:", mask_text(r.wildcard), None);
    line("Network:", r.cidr(), Some(binary.network));
    match (r.broadcast, binary.broadcast) {
        (Some(b), Some(bits)) => line("Broadcast:", b.to_string(), Some(bits)),
        _ => line("Broadcast:", broadcast_note(r).to_owned(), None),
    }
    line("HostMin:", r.first_host.to_string(), None);
    line("HostMax:", r.last_host.to_string(), None);
    line("Addresses:", r.total_addresses.to_string(), None);
    let hosts = r.usable_hosts.to_string();
    // IPv6 has no broadcast, so one fewer than every address surprises:
    // the first is the Subnet-Router anycast (RFC 4291 §2.6.1).
    let hosts = if r.version == 6 && r.prefix < 127 {
        format!("{hosts} (all but the first, the Subnet-Router anycast, as Python's hosts())")
    } else {
        hosts
    };
    line("Hosts/Net:", hosts, None);
    if let Some(class) = r.class {
        line("Class:", class.to_string(), None);
    }
    for range in &r.ranges {
        line(
            "Range:",
            format!("{} {} ({})", range.cidr, range.name, range.rfc),
            None,
        );
    }
    s
}

fn broadcast_note(r: &SubnetReport) -> &'static str {
    match (r.version, r.prefix) {
        (6, _) => "none (IPv6 has no broadcast)",
        (_, 31) => "none (/31 point-to-point, RFC 3021)",
        _ => "none (/32 host route)",
    }
}
