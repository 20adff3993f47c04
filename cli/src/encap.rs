//! `netlab encap`: the seeds' encapsulation, step by step, as real bytes:
//! an Ethernet II frame with correct IPv4 and TCP/UDP/ICMP checksums, and
//! with `--pcap` a capture file Wireshark opens.

use std::fmt::Write as _;
use std::net::Ipv4Addr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use netlab_core::english::count;
use netlab_core::packet::encap::{
    EncapSpec, Encapsulation, Transport, encapsulate, parse_endpoint, payload_of,
};
use netlab_core::packet::field::py_bytes;
use netlab_core::packet::pcap::{self, Record};
use serde::Serialize;

use crate::dissect::{hex_dump, render_tree};
use crate::output::Output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// What IP carries: tcp, udp or icmp.
    #[arg(long, value_name = "tcp|udp|icmp")]
    proto: String,
    /// The sender: IP, and :PORT for TCP and UDP (192.168.12.1:53000; the
    /// port defaults to 49152).
    #[arg(long, value_name = "IP[:PORT]")]
    src: String,
    /// The receiver: IP, and :PORT for TCP and UDP (192.168.13.1:9000).
    #[arg(long, value_name = "IP[:PORT]")]
    dst: String,
    /// The sender's MAC (default 02:00:00:00:00:01, locally administered).
    #[arg(long, value_name = "M")]
    src_mac: Option<String>,
    /// The next hop's MAC (default 02:00:00:00:00:02).
    #[arg(long, value_name = "M")]
    dst_mac: Option<String>,
    /// The application's data, as UTF-8 text.
    #[arg(
        long,
        value_name = "TEXT",
        conflicts_with = "payload_hex",
        allow_hyphen_values = true
    )]
    payload: Option<String>,
    /// The application's data, in hex.
    #[arg(long, value_name = "HEX")]
    payload_hex: Option<String>,
    /// TCP flags, comma-separated (default PSH,ACK with a payload, ACK
    /// without).
    #[arg(long, value_name = "SYN,ACK")]
    flags: Option<String>,
    /// TCP sequence number (default 1).
    #[arg(long, value_name = "N")]
    seq: Option<String>,
    /// TCP acknowledgment number (default 1).
    #[arg(long, value_name = "N")]
    ack: Option<String>,
    /// IPv4 time to live (default 64).
    #[arg(long, value_name = "N")]
    ttl: Option<String>,
    /// Also write the frame to FILE as a classic pcap (tshark, Wireshark).
    #[arg(long, value_name = "FILE")]
    pcap: Option<PathBuf>,
}

/// A number as the learner wrote it; range checks are the core's.
fn number(text: Option<&String>, flag: &str) -> Result<Option<i64>, String> {
    text.map(|t| {
        t.trim()
            .parse::<i64>()
            .map_err(|_| format!("'{t}' is not a whole number for --{flag}"))
    })
    .transpose()
}

fn spec(args: &Args) -> Result<EncapSpec, String> {
    let proto: Transport = args
        .proto
        .parse()
        .map_err(|e: netlab_core::packet::encap::EncapError| e.to_string())?;
    let (src, src_port) = parse_endpoint(&args.src, "src")?;
    let (dst, dst_port) = parse_endpoint(&args.dst, "dst")?;
    // The core names the spec's field; here the learner typed --dst.
    if dst_port.is_none() && matches!(proto, Transport::Tcp | Transport::Udp) {
        return Err(format!(
            "{proto} needs a destination port: --dst {dst}:PORT"
        ));
    }
    let mut spec = EncapSpec::new(proto, src, dst);
    spec.src_port = src_port;
    spec.dst_port = dst_port;
    spec.payload = payload_of(
        args.payload.as_ref().map(|text| text.as_bytes().to_vec()),
        args.payload_hex.as_deref(),
    )?;
    spec.src_mac = args
        .src_mac
        .as_deref()
        .map(str::parse)
        .transpose()
        .map_err(|e| format!("--src-mac: {e}"))?;
    spec.dst_mac = args
        .dst_mac
        .as_deref()
        .map(str::parse)
        .transpose()
        .map_err(|e| format!("--dst-mac: {e}"))?;
    spec.flags = args
        .flags
        .as_deref()
        .map(str::parse)
        .transpose()
        .map_err(|e| format!("--flags: {e}"))?;
    spec.seq = number(args.seq.as_ref(), "seq")?;
    spec.ack = number(args.ack.as_ref(), "ack")?;
    spec.ttl = number(args.ttl.as_ref(), "ttl")?;
    Ok(spec)
}

#[derive(Debug, Serialize)]
struct Report {
    #[serde(flatten)]
    encapsulation: Encapsulation,
    /// Where the capture file went, with --pcap.
    pcap: Option<String>,
}

pub fn run(args: &Args, out: &Output) -> Result<ExitCode, String> {
    let spec = spec(args)?;
    let encapsulation = encapsulate(&spec).map_err(|e| e.to_string())?;
    let pcap = match &args.pcap {
        Some(path) => {
            // The core has no clock; the capture's timestamp is now.
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX));
            let file = pcap::write(&[Record::new(now, encapsulation.frame.clone())])
                .map_err(|e| e.to_string())?;
            std::fs::write(path, file)
                .map_err(|e| format!("could not write {}: {e}", path.display()))?;
            Some(path.display().to_string())
        }
        None => None,
    };
    let report = Report {
        encapsulation,
        pcap,
    };
    Ok(out.result(&report, |r| render(&spec, r)))
}

fn spaced(hex: &str, limit: usize) -> String {
    let bytes = hex.len() / 2;
    let shown: Vec<&str> = (0..bytes.min(limit))
        .map(|i| &hex[2 * i..2 * i + 2])
        .collect();
    let mut s = shown.join(" ");
    if bytes > limit {
        let _ = write!(s, " … ({bytes} bytes)");
    }
    s
}

/// Manchester levels as a line: `_` low, `‾` high.
fn waveform(levels: &str) -> String {
    levels
        .chars()
        .map(|c| if c == '1' { '‾' } else { '_' })
        .collect()
}

fn render(spec: &EncapSpec, r: &Report) -> String {
    let e = &r.encapsulation;
    let mut s = String::new();
    let endpoint = |ip: Ipv4Addr, port: Option<i64>| match (spec.proto, port) {
        (Transport::Icmp, _) => ip.to_string(),
        (_, Some(p)) => format!("{ip}:{p}"),
        (_, None) => format!("{ip}:49152"),
    };
    let _ = writeln!(
        s,
        "{} {} -> {}, payload {} ({})\n",
        spec.proto,
        endpoint(spec.src, spec.src_port),
        endpoint(spec.dst, spec.dst_port),
        py_bytes(&spec.payload[..spec.payload.len().min(32)])
            + if spec.payload.len() > 32 { "…" } else { "" },
        count(spec.payload.len() as u64, "byte", "bytes")
    );
    for step in &e.steps {
        let _ = writeln!(
            s,
            "{} {} {} layer (OSI {}): {} of {}",
            step.number,
            step.layer.name_zh(),
            step.layer.name(),
            step.osi,
            step.pdu,
            count(step.total_bytes as u64, "byte", "bytes")
        );
        let _ = writeln!(s, "    {}", step.note);
        let names: Vec<&str> = step.adds.iter().map(|l| l.name).collect();
        if !names.is_empty() {
            let _ = writeln!(
                s,
                "    + {}: {} ({}% of the bytes on the wire)",
                names.join(" + "),
                count(step.added_bytes as u64, "byte", "bytes"),
                step.share_percent
            );
        }
        let _ = writeln!(s, "    so far: {}", spaced(&step.hex, 24));
    }
    let bits = &e.physical.bits;
    let _ = writeln!(s, "\nOn the wire ({}):", e.physical.bit_order);
    let _ = writeln!(
        s,
        "    bits:       {} … ({} bits)",
        bits.chars()
            .take(64)
            .collect::<Vec<_>>()
            .chunks(8)
            .map(|c| c.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join(" "),
        bits.len()
    );
    let _ = writeln!(s, "    {}:", e.physical.encoding);
    let _ = writeln!(s, "    first 16 bits: {}", &bits[..bits.len().min(16)]);
    let _ = writeln!(
        s,
        "    signal:        {}",
        waveform(&e.physical.manchester[..e.physical.manchester.len().min(32)])
    );
    let o = &e.overhead;
    let _ = writeln!(
        s,
        "\nOverhead: {} header bytes carry {} of data; {} of the {} bytes on the wire {} payload ({}%).\n",
        o.header_bytes,
        count(o.payload_bytes as u64, "byte", "bytes"),
        o.payload_bytes,
        o.wire_bytes,
        if o.payload_bytes == 1 { "is" } else { "are" },
        o.efficiency_percent
    );
    let _ = writeln!(s, "Frame: {} bytes\n", o.frame_bytes);
    s.push_str(&render_tree(&e.layers, &e.frame));
    s.push('\n');
    s.push_str(&hex_dump(&e.frame));
    if let Some(path) = &r.pcap {
        let _ = writeln!(
            s,
            "\nWrote {path} (classic pcap, 1 frame): tshark -r {path} -V"
        );
    }
    s
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn endpoints_and_numbers() {
        assert_eq!(
            parse_endpoint("192.168.12.1:53000", "src"),
            Ok((Ipv4Addr::new(192, 168, 12, 1), Some(53000)))
        );
        assert_eq!(
            parse_endpoint("10.0.0.1", "dst"),
            Ok((Ipv4Addr::new(10, 0, 0, 1), None))
        );
        assert_eq!(
            parse_endpoint("10.0.0.1:http", "dst").unwrap_err(),
            "--dst: 'http' is not a port number"
        );
        assert!(
            parse_endpoint("::1", "src")
                .unwrap_err()
                .starts_with("--src: ")
        );
        assert_eq!(
            number(Some(&"x".to_owned()), "ttl").unwrap_err(),
            "'x' is not a whole number for --ttl"
        );
        assert_eq!(waveform("0110"), "_‾‾_");
        assert_eq!(spaced("0102030405", 3), "01 02 03 … (5 bytes)");
    }
}
