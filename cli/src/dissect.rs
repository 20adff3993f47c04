//! `netlab dissect HEX` / `--pcap FILE`: bytes read back into named
//! layers, with findings instead of failures; and the layered tree and
//! hex dump that `netlab encap` prints too.

use std::fmt::Write as _;
use std::io::Read as _;
use std::path::PathBuf;
use std::process::ExitCode;

use netlab_core::calendar::utc_text;
use netlab_core::packet::dissect::{Dissection, dissect, dissect_captured};
use netlab_core::packet::hex::parse_bytes;
use netlab_core::packet::pcap;
use netlab_core::packet::{Field, Layer};
use serde::Serialize;

use crate::output::Output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The frame in hex, from the Ethernet destination address on: "02 00
    /// 00 …", "02:00:00:…", "0x02 0x00 …", Wireshark's "Copy as Hex
    /// Stream" or "…as Hex Dump", or tshark -x output. Several arguments
    /// are joined; none (and no --pcap) reads the hex from stdin.
    #[arg(conflicts_with = "pcap")]
    hex: Vec<String>,
    /// Read the frames of a pcap or pcapng capture file instead (one
    /// result, or JSON line, per frame).
    #[arg(long, value_name = "FILE")]
    pcap: Option<PathBuf>,
}

pub fn run(args: &Args, out: &Output) -> Result<ExitCode, String> {
    if let Some(path) = &args.pcap {
        return run_pcap(path, out);
    }
    let text = if args.hex.is_empty() {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| format!("could not read stdin: {e}"))?;
        s
    } else {
        args.hex.join(" ")
    };
    // Hex in any common form, or Python's bytes as print() shows them.
    let bytes = parse_bytes(&text).map_err(|e| e.to_string())?;
    let d = dissect(&bytes);
    Ok(out.result(&d, |d| render_dissection(d, &bytes)))
}

/// One frame of a capture file, as JSON.
#[derive(Debug, Serialize)]
struct CapturedFrame<'a> {
    frame: usize,
    timestamp_us: u64,
    original_len: usize,
    comment: Option<&'a str>,
    #[serde(flatten)]
    dissection: Dissection,
}

fn run_pcap(path: &PathBuf, out: &Output) -> Result<ExitCode, String> {
    let bytes =
        std::fs::read(path).map_err(|e| format!("could not read {}: {e}", path.display()))?;
    let capture = pcap::read_any(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    // Ethernet, or Linux's cooked header (`tcpdump -i any`).
    if let Err(e) = dissect_captured(capture.link_type, &[]) {
        return Err(format!("{}: {e}", path.display()));
    }
    for (i, record) in capture.records.iter().enumerate() {
        let frame = CapturedFrame {
            frame: i + 1,
            timestamp_us: record.timestamp_us,
            original_len: record.original_len,
            comment: record.comment.as_deref(),
            dissection: dissect_captured(capture.link_type, &record.data)
                .unwrap_or_else(|_| dissect(&record.data)),
        };
        out.result(&frame, |f| {
            let mut s = format!(
                "Frame {} at {} ({}.{:06} s){}\n",
                f.frame,
                utc_text(f.timestamp_us),
                f.timestamp_us / 1_000_000,
                f.timestamp_us % 1_000_000,
                f.comment.map(|c| format!(" — {c}")).unwrap_or_default()
            );
            s.push_str(&render_dissection(&f.dissection, &record.data));
            s
        });
    }
    // As tshark does: the whole packets first, then where the file broke.
    match capture.cut {
        None => Ok(ExitCode::SUCCESS),
        Some(e) => {
            let n = capture.records.len();
            Err(format!(
                "{}: {e}; the file is cut short{}",
                path.display(),
                match n {
                    0 => String::new(),
                    1 => ", after the 1 whole packet shown".to_owned(),
                    n => format!(", after the {n} whole packets shown"),
                }
            ))
        }
    }
}

fn render_dissection(d: &Dissection, bytes: &[u8]) -> String {
    let mut s = format!("Frame: {} bytes\n\n", d.length);
    s.push_str(&render_tree(&d.layers, bytes));
    if !d.findings.is_empty() {
        s.push_str("\nFindings:\n");
        for f in &d.findings {
            let _ = writeln!(s, "  ! [{}] {f}", f.kind());
        }
    }
    s.push('\n');
    s.push_str(&hex_dump(bytes));
    s
}

/// The bits of a field that does not fill whole bytes, Wireshark-style:
/// `.1.. ....` over the bytes it touches.
fn bit_pattern(f: &Field, bytes: &[u8]) -> Option<String> {
    if f.bit_offset.is_multiple_of(8) && f.bits.is_multiple_of(8) {
        return None;
    }
    let span = f.bytes();
    if span.len() > 3 || span.end > bytes.len() {
        return None;
    }
    let mut s = String::new();
    for (i, byte) in bytes[span.clone()].iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        for bit in 0..8 {
            if bit == 4 {
                s.push(' ');
            }
            let at = (span.start + i) * 8 + bit;
            if (f.bit_offset..f.bit_offset + f.bits).contains(&at) {
                s.push(if byte >> (7 - bit) & 1 == 1 { '1' } else { '0' });
            } else {
                s.push('.');
            }
        }
    }
    Some(s)
}

/// The layered tree: each layer with its place in the models and its
/// byte range, then its fields with their offsets and, for fields that
/// are not whole bytes, their bits within `bytes`.
pub fn render_tree(layers: &[Layer], bytes: &[u8]) -> String {
    let mut s = String::new();
    let patterns: Vec<Vec<Option<String>>> = layers
        .iter()
        .map(|l| l.fields.iter().map(|f| bit_pattern(f, bytes)).collect())
        .collect();
    let width = patterns
        .iter()
        .flatten()
        .flatten()
        .map(|p| p.chars().count())
        .max()
        .unwrap_or(0);
    for (layer, patterns) in layers.iter().zip(&patterns) {
        let span = match layer.length {
            0 => "no bytes".to_owned(),
            n => format!("bytes {}-{}", layer.offset, layer.offset + n - 1),
        };
        let _ = write!(
            s,
            "{}  [{} layer, OSI {}, {}; {span}]",
            layer.name,
            layer.layer.name(),
            layer.osi,
            layer.layer.name_zh(),
        );
        if !layer.summary.is_empty() {
            let _ = write!(s, "  {}", layer.summary);
        }
        s.push('\n');
        for (f, pattern) in layer.fields.iter().zip(patterns) {
            let indent = "  ".repeat(usize::from(f.depth));
            let pattern = pattern.as_deref().unwrap_or("");
            let _ = writeln!(
                s,
                "  {:>5}  {pattern:<width$}  {indent}{}: {}",
                f.offset, f.name, f.display
            );
        }
    }
    s
}

/// A hex dump in tshark's `-x` layout, which `netlab dissect` reads back.
pub fn hex_dump(bytes: &[u8]) -> String {
    let mut s = String::new();
    for (row, chunk) in bytes.chunks(16).enumerate() {
        let _ = write!(s, "{:04x}  ", row * 16);
        for i in 0..16 {
            match chunk.get(i) {
                Some(b) => {
                    let _ = write!(s, "{b:02x} ");
                }
                None => s.push_str("   "),
            }
            if i == 7 {
                s.push(' ');
            }
        }
        s.push_str("  ");
        for &b in chunk {
            s.push(if (0x20..0x7f).contains(&b) {
                char::from(b)
            } else {
                '.'
            });
        }
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod test {
    use super::*;
    use netlab_core::packet::hex::parse_hex;

    #[test]
    fn dumps_read_back() {
        let bytes: Vec<u8> = (0..40).collect();
        let dump = hex_dump(&bytes);
        assert!(dump.starts_with("0000  00 01 02 03 04 05 06 07  08 09"));
        assert_eq!(parse_hex(&dump).unwrap(), bytes);
    }

    #[test]
    fn bit_patterns() {
        let d = dissect(&parse_hex("020000000002 020000000001 0800 4500002d00014000").unwrap());
        let ip = &d.layers[1];
        let bytes = parse_hex("020000000002 020000000001 0800 4500002d00014000").unwrap();
        let df = ip.field("Don't fragment").unwrap();
        assert_eq!(bit_pattern(df, &bytes).as_deref(), Some(".1.. ...."));
        let frag = ip.field("Fragment Offset").unwrap();
        assert_eq!(
            bit_pattern(frag, &bytes).as_deref(),
            Some("...0 0000 0000 0000")
        );
        assert_eq!(bit_pattern(ip.field("Total Length").unwrap(), &bytes), None);
    }
}
