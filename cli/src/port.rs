//! `netlab port NAME|NUMBER [--udp]`: `getservbyname`/`getservbyport` on
//! netlab's built-in table, and the IANA range of the number.

use std::fmt::Write as _;
use std::process::ExitCode;

use netlab_core::port::{PortReport, Proto};

use crate::output::Output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A service name (mysql, http, dns) or a port number (3306).
    service: String,
    /// Look the service up over UDP. Without it TCP is preferred, and a
    /// UDP-only service (tftp, ntp) is still found.
    #[arg(long)]
    udp: bool,
}

pub fn run(args: &Args, out: &Output) -> Result<ExitCode, String> {
    let proto = args.udp.then_some(Proto::Udp);
    let report = PortReport::lookup(&args.service, proto).map_err(|e| e.to_string())?;
    Ok(out.result(&report, render))
}

fn render(r: &PortReport) -> String {
    let mut s = String::new();
    match r.service {
        Some(svc) => {
            let _ = writeln!(
                s,
                "{}  {}/{}  {}",
                svc.name, r.port, r.protocol, svc.description
            );
            let protocols: Vec<String> = svc.protocols.iter().map(ToString::to_string).collect();
            let _ = writeln!(s, "Protocols: {}", protocols.join(", "));
            if !svc.aliases.is_empty() {
                let _ = writeln!(s, "Aliases:   {}", svc.aliases.join(", "));
            }
        }
        None => {
            let _ = writeln!(
                s,
                "{}/{}  no well-known service in netlab's table",
                r.port, r.protocol
            );
        }
    }
    let _ = writeln!(s, "Range:     {} ({})", r.range, r.range_span);
    s
}
