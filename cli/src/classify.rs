//! `netlab classify [ADDR...]`: what kind of address each one is, one line
//! (or JSON line) per address; with no arguments, standard input is read
//! line by line, so a log of any size streams through.

use std::io::{self, Write};
use std::process::ExitCode;

use netlab_core::classify::Classification;

use crate::items;
use crate::output::Output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Addresses: 192.168.12.87 8.8.8.8 2001:db8::1. With none, one per
    /// line is read from standard input.
    addresses: Vec<String>,
}

pub fn run(args: &Args, out: &Output) -> Result<ExitCode, String> {
    Ok(items::for_each(&args.addresses, out, |item| {
        let c = match Classification::parse(item) {
            Ok(c) => c,
            Err(e) => return Ok(Err(e.to_string())),
        };
        let line = if out.json {
            serde_json::to_string(&c).map_err(io::Error::other)?
        } else {
            render(&c)
        };
        writeln!(io::stdout().lock(), "{line}")?;
        Ok(Ok(()))
    }))
}

/// One line: the address, the verdict on `global` with its reason, then
/// the flags that are set.
fn render(c: &Classification) -> String {
    let mut flags = Vec::new();
    let named = [
        (c.rfc1918, "rfc1918 (private, 内网)"),
        (c.shared, "shared (CGNAT)"),
        (c.loopback, "loopback"),
        (c.link_local, "link-local"),
        (c.unspecified, "unspecified"),
        (c.documentation, "documentation"),
        (c.reserved, "reserved"),
    ];
    flags.extend(
        named
            .iter()
            .filter(|(set, _)| *set)
            .map(|(_, name)| (*name).to_owned()),
    );
    if let Some(scope) = c.multicast_scope {
        flags.push(format!("multicast ({scope} scope)"));
    }
    let flags = if flags.is_empty() {
        String::new()
    } else {
        format!(" [{}]", flags.join(", "))
    };
    format!(
        "{}  {}{}: {}",
        c.address,
        if c.global { "global" } else { "not global" },
        flags,
        c.global_reason
    )
}
