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
    // A port with no service over the protocol asked for may have one over
    // the other (3306/udp: none, but mysql over tcp), as a name lookup says.
    let other = match (report.service, report.protocol) {
        (None, Proto::Udp) => Some(Proto::Tcp),
        (None, Proto::Tcp) => Some(Proto::Udp),
        _ => None,
    }
    .and_then(|p| PortReport::lookup(&report.port.to_string(), Some(p)).ok())
    .and_then(|r| r.service.map(|svc| (r.protocol, svc.name)));
    Ok(out.result(&report, |r| render(r, other)))
}

fn render(r: &PortReport, other: Option<(Proto, &str)>) -> String {
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
            let _ = write!(
                s,
                "{}/{}  no well-known service in netlab's table",
                r.port, r.protocol
            );
            let _ = match other {
                Some((proto, name)) => writeln!(s, "; over {proto} it is {name}"),
                None => writeln!(s),
            };
        }
    }
    let _ = writeln!(s, "Range:     {} ({})", r.range, r.range_span);
    s
}
