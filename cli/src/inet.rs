//! `netlab aton`, `ntoa`, `pton`, `ntop` and `int`: Python's `socket`
//! address conversions, and the integer behind an address.

use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr};
use std::process::ExitCode;

use netlab_core::inet::{
    self, AddressInt, AtonPart, AtonReading, Family, InetError, inet_ntoa, inet_ntop, inet_pton,
};
use netlab_core::packet::field::hex;
use netlab_core::packet::hex::parse_bytes;
use serde::Serialize;

use crate::output::Output;
use crate::pystruct::python_bytes;

#[derive(Debug, clap::Args)]
pub struct AtonArgs {
    /// The text as you would pass it to socket.inet_aton: 192.168.1.2, 127.1,
    /// 0x7f.1, 0127.0.0.1 (octal). Quote it if it holds spaces.
    text: String,
}

#[derive(Debug, clap::Args)]
pub struct NtoaArgs {
    /// 4 packed bytes as 8 hex digits: c0a80102, 0xc0a80102, "c0 a8 01 02"
    /// or c0:a8:01:02; or as Python prints inet_aton's: "b'\xc0\xa8\x01\x02'".
    hex: String,
}

#[derive(Debug, clap::Args)]
pub struct PtonArgs {
    /// inet (AF_INET, IPv4) or inet6 (AF_INET6, IPv6).
    family: String,
    /// The address text: 192.168.1.2, 2001:db8::1, ::ffff:1.2.3.4.
    text: String,
}

#[derive(Debug, clap::Args)]
pub struct NtopArgs {
    /// inet (AF_INET, IPv4) or inet6 (AF_INET6, IPv6).
    family: String,
    /// The packed bytes in hex (8 digits for inet, 32 for inet6), optionally
    /// with 0x or separated by spaces or colons; or as Python prints them
    /// (b'...').
    hex: String,
}

#[derive(Debug, clap::Args)]
pub struct IntArgs {
    /// An address (192.168.12.87, 2001:db8::1), or with --v4/--v6 an integer
    /// in decimal or 0x hex (3232238679, 0xc0a80c57).
    value: String,
    /// Read VALUE as the integer of an IPv4 address (at most 4294967295).
    #[arg(long, conflicts_with = "v6")]
    v4: bool,
    /// Read VALUE as the integer of an IPv6 address (at most 2^128-1).
    #[arg(long)]
    v6: bool,
}

/// Reports a core error in CPython's words, then the reason behind it.
fn fail(out: &Output, error: &InetError) -> ExitCode {
    let code = out.error(&error.to_string());
    if let Some(hint) = error.hint() {
        crate::output::hint(&hint);
    }
    code
}

pub fn run_aton(args: &AtonArgs, out: &Output) -> Result<ExitCode, String> {
    match inet::parse_inet_aton(&args.text) {
        Ok(reading) => Ok(out.result(&reading, render_aton)),
        Err(e) => Ok(fail(out, &e)),
    }
}

#[derive(Debug, Serialize)]
struct Ntoa {
    hex: String,
    dotted: Ipv4Addr,
}

/// The packed bytes `ntoa` and `ntop` take. Address text given instead
/// (`ntoa 127.0.0.1`, the other direction) is refused, with a hint naming
/// the command for that direction, even where it would read as hex:
/// `10.10.10.10` is four bytes of 0x10 to the hex reader, and a learner
/// who typed it meant the address. So is a dotted quad with a leading zero
/// (`10.10.10.01`), which strict parsing refuses but `inet_aton` reads.
fn packed_bytes(text: &str, out: &Output) -> Result<Vec<u8>, ExitCode> {
    let trimmed = text.trim();
    let refuse = |shown: &str, hint: String| {
        let code = out.error(&format!("'{shown}' is address text, not packed bytes"));
        crate::output::hint(&format!(
            "this command turns packed bytes into text; {hint}"
        ));
        code
    };
    if let Ok(address) = netlab_core::addr::parse_ip(trimmed) {
        let family = if address.is_ipv4() { "inet" } else { "inet6" };
        return Err(refuse(
            &address.to_string(),
            format!("the other way is netlab pton {family} {address}"),
        ));
    }
    let parts: Vec<&str> = trimmed.split('.').collect();
    let dotted_decimal = parts.len() == 4
        && parts
            .iter()
            .all(|p| (1..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()));
    if dotted_decimal && let Ok(reading) = inet::parse_inet_aton(trimmed) {
        return Err(refuse(
            trimmed,
            format!(
                "the other way is netlab aton {trimmed} (inet_aton reads it as {}; pton refuses the leading zero)",
                reading.dotted
            ),
        ));
    }
    parse_bytes(text).map_err(|e| out.error(&e.to_string()))
}

pub fn run_ntoa(args: &NtoaArgs, out: &Output) -> Result<ExitCode, String> {
    let bytes = match packed_bytes(&args.hex, out) {
        Ok(bytes) => bytes,
        Err(code) => return Ok(code),
    };
    match inet_ntoa(&bytes) {
        Ok(dotted) => {
            let result = Ntoa {
                hex: hex(&bytes),
                dotted,
            };
            Ok(out.result(&result, |r| format!("{}  ->  {}", spaced(&bytes), r.dotted)))
        }
        Err(e) => Ok(fail(out, &e)),
    }
}

#[derive(Debug, Serialize)]
struct Pton {
    family: Family,
    text: String,
    hex: String,
}

pub fn run_pton(args: &PtonArgs, out: &Output) -> Result<ExitCode, String> {
    let family: Family = args.family.parse().map_err(|e: InetError| e.to_string())?;
    match inet_pton(family, &args.text) {
        Ok(bytes) => {
            let result = Pton {
                family,
                text: args.text.clone(),
                hex: hex(&bytes),
            };
            Ok(out.result(&result, |r| {
                format!(
                    "{}  ->  {}  ({} bytes, {})\npython:  {}",
                    r.text,
                    spaced(&bytes),
                    bytes.len(),
                    r.family.af_name(),
                    python_bytes(&bytes)
                )
            }))
        }
        Err(e) => Ok(fail(out, &e)),
    }
}

#[derive(Debug, Serialize)]
struct Ntop {
    family: Family,
    hex: String,
    text: String,
}

pub fn run_ntop(args: &NtopArgs, out: &Output) -> Result<ExitCode, String> {
    let family: Family = args.family.parse().map_err(|e: InetError| e.to_string())?;
    let bytes = match packed_bytes(&args.hex, out) {
        Ok(bytes) => bytes,
        Err(code) => return Ok(code),
    };
    match inet_ntop(family, &bytes) {
        Ok(text) => {
            let result = Ntop {
                family,
                hex: hex(&bytes),
                text,
            };
            Ok(out.result(&result, |r| format!("{}  ->  {}", spaced(&bytes), r.text)))
        }
        Err(e) => Ok(fail(out, &e)),
    }
}

pub fn run_int(args: &IntArgs, out: &Output) -> Result<ExitCode, String> {
    let view = match (args.v4, args.v6) {
        (true, _) => AddressInt::from_integer(&args.value, Family::Inet),
        (_, true) => AddressInt::from_integer(&args.value, Family::Inet6),
        _ => AddressInt::parse(&args.value),
    };
    match view {
        Ok(view) => Ok(out.result(&view, render_int)),
        Err(e) => Ok(fail(out, &e)),
    }
}

/// The reading, part by part, so `127.1` and `0127.0.0.1` explain themselves.
fn render_aton(r: &AtonReading) -> String {
    let mut s = format!("{}  ->  {}\n", r.input.escape_debug(), r.dotted);
    let width = r.parts.iter().map(|p| p.text.len()).max().unwrap_or(0);
    for (i, part) in r.parts.iter().enumerate() {
        let _ = writeln!(
            s,
            "  part {}  {:<width$}  {:<17}  = {:<10}  {}",
            i + 1,
            part.text,
            base_name(part),
            part.value,
            filled(part),
        );
    }
    let _ = writeln!(s, "hex:      {}", r.hex);
    let _ = writeln!(s, "python:   {}", python_bytes(&r.dotted.octets()));
    let _ = writeln!(s, "integer:  {}", r.integer);
    if let Some(ignored) = &r.ignored {
        let _ = writeln!(
            s,
            "ignored:  \"{}\" (inet_aton stops reading at the first whitespace)",
            ignored.escape_debug()
        );
    }
    s
}

fn base_name(part: &AtonPart) -> &'static str {
    match part.base {
        8 => "octal (leading 0)",
        16 => "hex (0x)",
        _ => "decimal",
    }
}

fn filled(part: &AtonPart) -> String {
    let first = part.offset + 1;
    match part.width {
        1 => format!("byte {first}"),
        w => format!(
            "bytes {first}-{} (the last part fills the {w} bytes left)",
            part.offset + w
        ),
    }
}

fn render_int(v: &AddressInt) -> String {
    let mut s = String::new();
    let family = match v.address {
        IpAddr::V4(_) => "IPv4",
        IpAddr::V6(_) => "IPv6",
    };
    let _ = writeln!(s, "address:  {} ({family})", v.address);
    let _ = writeln!(s, "integer:  {}", v.integer);
    let _ = writeln!(s, "hex:      {}", v.hex);
    let _ = writeln!(s, "binary:   {}", v.binary);
    if let Some(order) = &v.byte_order {
        let _ = writeln!(
            s,
            "htonl:    {}  network byte order (big-endian): the bytes on the wire",
            order.network_bytes
        );
        let _ = writeln!(
            s,
            "host:     {}  the plain integer in x86 (little-endian) memory",
            order.host_bytes
        );
        let _ = writeln!(
            s,
            "swapped:  {} = {}  what you get if you forget htonl/ntohl",
            order.swapped_integer, order.swapped_address
        );
    }
    s
}

fn spaced(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}
