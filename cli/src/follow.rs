//! `netlab follow FILE [--stream N] [--length-prefix FMT | --delimiter TEXT]`:
//! a capture's TCP streams, and one stream's bytes put back in order as
//! Wireshark's "Follow TCP Stream" shows them, with the messages a framing
//! finds in them (seed 000's sticky packets, in a real capture).

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use netlab_core::english::count;
use netlab_core::packet::dissect::dissect_captured;
use netlab_core::packet::field::py_bytes;
use netlab_core::packet::follow::{
    self, ChunkKind, FollowError, Framing, Messages, Report, Side, Stream, Transport,
};
use netlab_core::packet::hex::parse_hex;
use netlab_core::packet::pcap;
use serde::Serialize;

use crate::output::Output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A pcap or pcapng capture file (tcpdump -w, Wireshark, dumpcap).
    #[arg(value_name = "FILE")]
    pcap: PathBuf,
    /// The stream to follow (tshark's tcp.stream number, from 0); without
    /// it, the capture's TCP and UDP streams are listed.
    #[arg(long, value_name = "N")]
    stream: Option<usize>,
    /// Follow UDP stream N (tshark's udp.stream) instead: its datagrams,
    /// each one message.
    #[arg(long, requires = "stream")]
    udp: bool,
    /// Cut each side's bytes into messages behind a struct length header:
    /// 'i' as the seeds' struct.pack('i', len), or '!I', '>H'…
    #[arg(
        long,
        value_name = "FMT",
        requires = "stream",
        conflicts_with = "delimiter"
    )]
    length_prefix: Option<String>,
    /// Cut each side's bytes into messages ended by TEXT, with Python's
    /// escapes: '\n', '\r\n', '|'.
    #[arg(long, value_name = "TEXT", requires = "stream")]
    delimiter: Option<String>,
}

#[derive(Debug, Serialize)]
struct Streams {
    streams: Vec<Stream>,
}

pub fn run(args: &Args, out: &Output) -> Result<ExitCode, String> {
    let path = &args.pcap;
    let bytes =
        std::fs::read(path).map_err(|e| format!("could not read {}: {e}", path.display()))?;
    let capture = pcap::read_any(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    if let Err(e) = dissect_captured(capture.link_type, &[]) {
        return Err(format!("{}: {e}", path.display()));
    }
    let framing = framing(args)?;
    let code = match args.stream {
        None => {
            let mut streams = follow::streams(capture.link_type, &capture.records);
            streams.extend(follow::udp_streams(capture.link_type, &capture.records));
            out.result(&Streams { streams }, render_streams)
        }
        Some(index) => {
            let protocol = if args.udp {
                Transport::Udp
            } else {
                Transport::Tcp
            };
            let report = follow::report(
                capture.link_type,
                &capture.records,
                protocol,
                index,
                framing.as_ref(),
            )
            .map_err(|e| format!("{}: {e}", path.display()))?;
            out.result(&report, render_report)
        }
    };
    match capture.cut {
        Some(e) => Err(format!(
            "{}: {e}; the file is cut short: the streams above are what its whole packets hold",
            path.display()
        )),
        None => Ok(code),
    }
}

fn framing(args: &Args) -> Result<Option<Framing>, String> {
    Framing::from_args(args.length_prefix.as_deref(), args.delimiter.as_deref()).map_err(|e| {
        // The option's own name, as the learner typed it.
        let text = e.to_string();
        match e {
            FollowError::LengthPrefix(_) => text.replacen("length prefix:", "--length-prefix:", 1),
            FollowError::Delimiter(_) | FollowError::DelimiterText(_) => {
                text.replacen("delimiter:", "--delimiter:", 1)
            }
            _ => text,
        }
    })
}

fn flags(s: &Stream) -> String {
    let mut seen = Vec::new();
    if s.syn {
        seen.push("SYN");
    }
    if s.fin {
        seen.push("FIN");
    }
    if s.rst {
        seen.push("RST");
    }
    if seen.is_empty() {
        String::new()
    } else {
        format!(", {}", seen.join(" "))
    }
}

fn render_streams(s: &Streams) -> String {
    if s.streams.is_empty() {
        return "No TCP or UDP stream in this capture.".to_owned();
    }
    let mut text = String::new();
    for stream in &s.streams {
        let _ = writeln!(
            text,
            "{} stream {}: {} → {}, {}, client sent {}, server {}{}",
            stream.protocol,
            stream.index,
            stream.client,
            stream.server,
            count(stream.frames.len() as u64, "frame", "frames"),
            count(stream.segment_bytes[0], "byte", "bytes"),
            count(stream.segment_bytes[1], "byte", "bytes"),
            flags(stream),
        );
    }
    text.push_str("\nFollow a TCP stream with --stream N (and cut it into messages with --length-prefix i or --delimiter '\\n'), a UDP one with --udp --stream N.");
    text
}

fn render_report(r: &Report) -> String {
    let s = &r.stream;
    let mut text = format!(
        "{} stream {}: client {} ⇄ server {}{}\n\n",
        s.protocol,
        s.index,
        s.client,
        s.server,
        flags(s)
    );
    let client = hex_bytes(&r.client_hex);
    let server = hex_bytes(&r.server_hex);
    if r.chunks.is_empty() {
        text.push_str("Neither side sent any bytes.\n");
    }
    for c in &r.chunks {
        let chunk = &c.chunk;
        // The server's lines indented, as Wireshark and tshark print them.
        let indent = if chunk.side == Side::Server {
            "    "
        } else {
            ""
        };
        let what = match chunk.kind {
            ChunkKind::Data => {
                let bytes = hex_bytes(&c.hex);
                let mut notes = Vec::new();
                if chunk.waited {
                    notes.push("arrived out of order".to_owned());
                }
                if chunk.repeated > 0 {
                    notes.push(format!(
                        "{} left out",
                        count(chunk.repeated as u64, "repeated byte", "repeated bytes")
                    ));
                }
                let notes = if notes.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", notes.join(", "))
                };
                format!("{}{notes}", py_bytes(&bytes))
            }
            ChunkKind::Missing => format!(
                "[{} missing: never captured, though frame {} acknowledged them]",
                count(chunk.len as u64, "byte", "bytes"),
                chunk.frame
            ),
            ChunkKind::Cut => format!(
                "[{} cut off by the capture's snapshot length]",
                count(chunk.len as u64, "byte", "bytes")
            ),
        };
        let _ = writeln!(
            text,
            "{indent}frame {:<4} {} {:>5}  {what}",
            chunk.frame, chunk.side, chunk.len
        );
    }
    let _ = write!(
        text,
        "\nclient sent {}: {}\nserver sent {}: {}\n",
        count(client.len() as u64, "byte", "bytes"),
        py_bytes(&client),
        count(server.len() as u64, "byte", "bytes"),
        py_bytes(&server)
    );
    if s.protocol == Transport::Udp {
        text.push_str(
            "\nUDP keeps message boundaries: each datagram above is what one recvfrom() returns.\n",
        );
        return text;
    }
    if r.messages.is_empty() {
        text.push_str(
            "\nTCP keeps no message boundaries: a recv() may return any cut of these bytes. \
             Add --length-prefix or --delimiter to see the messages the program framed.\n",
        );
    }
    for m in &r.messages {
        render_messages(&mut text, m);
    }
    text
}

fn render_messages(text: &mut String, m: &Messages) {
    let _ = writeln!(text, "\n{}'s messages:", m.side);
    if m.messages.is_empty() && m.leftover == 0 && m.stopped.is_none() {
        text.push_str("  none\n");
    }
    for msg in &m.messages {
        let frames: Vec<String> = msg.frames.iter().map(usize::to_string).collect();
        let (word, list) = if frames.len() == 1 {
            ("frame", frames.join(""))
        } else {
            ("frames", frames.join(", "))
        };
        let shared = if msg.shares_segment {
            "; shares a segment with another message (粘包: one recv() can return both)"
        } else {
            ""
        };
        let _ = writeln!(
            text,
            "  {}. {} at byte {} ({} with its framing), in {word} {list}{shared}",
            msg.number,
            py_bytes(&msg.body),
            msg.offset,
            count(msg.len as u64, "byte", "bytes"),
        );
    }
    // Which of seed 003 §8.2.3's two causes of 粘包 the wire shows.
    if m.sharing > 0 {
        let _ = writeln!(
            text,
            "  {} of these shared a segment: the sender joined them before they left \
             (seed 003 §8.2.3, 情况一: the sender's buffering, as Nagle's algorithm does)",
            m.sharing
        );
    } else if m.messages.len() > 1 {
        text.push_str(
            "  Each crossed in segments of its own: if one recv() still got two, the \
             receiver's buffer joined them (seed 003 §8.2.3, 情况二)\n",
        );
    }
    if m.leftover > 0 {
        let _ = writeln!(
            text,
            "  {} at the end: not a whole message",
            count(m.leftover as u64, "byte", "bytes")
        );
    }
    if let Some(why) = &m.stopped {
        let _ = writeln!(text, "  stopped: {why}");
    }
}

fn hex_bytes(hex: &str) -> Vec<u8> {
    parse_hex(hex).unwrap_or_default()
}
