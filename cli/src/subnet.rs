//! `netlab subnet`: the report of one address and mask.

use std::fmt::Write as _;
use std::process::ExitCode;

use netlab_core::addr::Binary;
use netlab_core::subnet::{SubnetReport, mask_text};

use crate::output::Output;

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
        Some(mask) if !args.address.contains('/') => format!("{} {}", args.address, mask),
        Some(mask) => {
            return Err(format!(
                "'{}' already has a prefix; drop '{mask}'",
                args.address
            ));
        }
        None => args.address.clone(),
    };
    let report = SubnetReport::parse(&text).map_err(|e| e.to_string())?;
    Ok(out.result(&report, render))
}

/// The ipcalc-style text form: labels, values, and the bits beside them.
fn render(r: &SubnetReport) -> String {
    let mut s = String::new();
    let binary = r.binary();
    let mut line = |label: &str, value: String, bits: Option<Binary>| {
        let _ = match bits {
            Some(bits) => writeln!(s, "{label:<11}{value:<24}{bits}"),
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
    line("Hosts/Net:", r.usable_hosts.to_string(), None);
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
