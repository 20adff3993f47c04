//! `netlab classify [ADDR...]`: what kind of address each one is, one line
//! (or JSON line) per address; with no arguments, standard input is read
//! line by line, so a log of any size streams through.
//!
//! The answers go through one locked, buffered standard output and are
//! written straight into it, so a line costs no allocation.

use std::io::{self, BufWriter, Write};
use std::net::IpAddr;
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
    let mut stdout = BufWriter::with_capacity(64 * 1024, io::stdout().lock());
    Ok(items::for_each_writing(
        &args.addresses,
        out,
        &mut stdout,
        |item, w| {
            let c = match Classification::parse(item) {
                Ok(c) => c,
                Err(e) => return Ok(Err(e.to_string())),
            };
            if out.json {
                serde_json::to_writer(&mut *w, &c).map_err(io::Error::other)?;
            } else {
                render(&c, w)?;
            }
            w.write_all(b"\n")?;
            Ok(Ok(()))
        },
    ))
}

/// One line: the address, the verdict on `global` with its reason, then
/// the flags that are set.
fn render(c: &Classification, w: &mut impl Write) -> io::Result<()> {
    match c.address {
        IpAddr::V4(a) => write_dotted(w, a.octets())?,
        IpAddr::V6(a) => write!(w, "{a}")?,
    }
    w.write_all(if c.global {
        b"  global"
    } else {
        b"  not global"
    })?;
    let named = [
        (c.rfc1918, "rfc1918 (private, 内网)"),
        (c.shared, "shared (CGNAT)"),
        (c.loopback, "loopback"),
        (c.link_local, "link-local"),
        (c.unspecified, "unspecified"),
        (c.documentation, "documentation"),
        (c.reserved, "reserved"),
    ];
    let mut any = false;
    let mut open = |w: &mut dyn Write| {
        w.write_all(if std::mem::replace(&mut any, true) {
            b", "
        } else {
            b" ["
        })
    };
    for (set, name) in named {
        if set {
            open(w)?;
            w.write_all(name.as_bytes())?;
        }
    }
    if let Some(scope) = c.multicast_scope {
        open(w)?;
        write!(w, "multicast ({scope} {})", scope.kind())?;
    }
    if any {
        w.write_all(b"]")?;
    }
    write!(w, ": {}", c.global_reason)
}

/// `a.b.c.d`, as `Ipv4Addr`'s `Display` writes it, without the formatter.
fn write_dotted(w: &mut impl Write, octets: [u8; 4]) -> io::Result<()> {
    let mut text = [0u8; 15];
    let mut len = 0;
    for (i, o) in octets.into_iter().enumerate() {
        if i > 0 {
            push(&mut text, &mut len, b'.');
        }
        if o >= 100 {
            push(&mut text, &mut len, b'0' + o / 100);
        }
        if o >= 10 {
            push(&mut text, &mut len, b'0' + o / 10 % 10);
        }
        push(&mut text, &mut len, b'0' + o % 10);
    }
    w.write_all(text.get(..len).unwrap_or_default())
}

fn push(text: &mut [u8; 15], len: &mut usize, b: u8) {
    if let Some(slot) = text.get_mut(*len) {
        *slot = b;
        *len += 1;
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn dotted_is_display() {
        for n in [
            0u32,
            1,
            9,
            10,
            99,
            100,
            255,
            0x0a00_0001,
            0xc0a8_0c57,
            u32::MAX,
            0x6464_0909,
        ] {
            let a = std::net::Ipv4Addr::from(n);
            let mut out = Vec::new();
            write_dotted(&mut out, a.octets()).unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), a.to_string());
        }
    }
}
