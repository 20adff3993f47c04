//! `netlab_core::sim` against tshark: every frame of every TCP scenario and
//! of the LAN traces is dissected by tshark with checksum checks on; all
//! checksums must be good, and tshark's flags, sequence numbers, ARP
//! opcodes, ICMP types, TTLs and MACs must equal what the simulation says,
//! with each pcapng comment shown as `frame.comment`.

use std::path::Path;

use netlab_core::sim::CAPTURE_EPOCH_US;
use netlab_core::sim::lan::{self, LanFrame, LanProto, LanSpec, LanTrace, Variant};
use netlab_core::sim::tcp::{self, Scenario, Segment, Side, TcpSpec, TcpTrace};

use crate::util::{self, TempDir};

/// The checksum checks tshark leaves off by default.
pub(crate) const CHECKS: [&str; 6] = [
    "-o",
    "ip.check_checksum:TRUE",
    "-o",
    "tcp.check_checksum:TRUE",
    "-o",
    "udp.check_checksum:TRUE",
];

/// tshark's `*.checksum.status` for a good checksum (0 is bad, 2 unverified).
pub(crate) const GOOD: &str = "1";

/// What `fields` puts between a field's occurrences: the unit separator,
/// which no comment holds (payloads are printed as Python's `b'...'`,
/// control characters escaped), so a comment's own `|` stays whole.
pub(crate) const SEP: char = '\u{1f}';

/// Runs tshark on `file` with the checksum checks on; its standard output.
pub(crate) fn tshark(file: &Path, args: &[&str]) -> String {
    let file = file.to_str().expect("a UTF-8 temp path");
    let all: Vec<&str> = ["-r", file]
        .into_iter()
        .chain(CHECKS)
        .chain(args.iter().copied())
        .collect();
    util::tshark(&all)
}

/// One row per frame: each field's occurrences (split on [`SEP`]), the
/// frame comment last and whole.
pub(crate) fn fields(file: &Path, names: &[&str]) -> Vec<Vec<Vec<String>>> {
    fields_with(file, names, &[])
}

/// [`fields`] with more tshark options in front.
pub(crate) fn fields_with(file: &Path, names: &[&str], options: &[&str]) -> Vec<Vec<Vec<String>>> {
    let aggregator = format!("aggregator={SEP}");
    let mut args = options.to_vec();
    args.extend(["-T", "fields", "-E", "occurrence=a", "-E", &aggregator]);
    for name in names {
        args.extend(["-e", name]);
    }
    args.extend(["-e", "frame.comment"]);
    tshark(file, &args)
        .lines()
        .map(|line| {
            let cells: Vec<&str> = line.splitn(names.len() + 1, '\t').collect();
            cells
                .iter()
                .enumerate()
                .map(|(i, cell)| {
                    if i == names.len() || cell.is_empty() {
                        vec![(*cell).to_owned()]
                    } else {
                        cell.split(SEP).map(str::to_owned).collect()
                    }
                })
                .collect()
        })
        .collect()
}

/// Frame numbers matching a display filter.
fn matching(file: &Path, filter: &str) -> Vec<usize> {
    tshark(file, &["-Y", filter, "-T", "fields", "-e", "frame.number"])
        .lines()
        .map(|l| l.trim().parse().unwrap())
        .collect()
}

/// `frame.time_epoch` for a simulated time.
pub(crate) fn epoch(ms: u64) -> String {
    let us = CAPTURE_EPOCH_US + ms * 1000;
    format!("{}.{:06}000", us / 1_000_000, us % 1_000_000)
}

/// Every TCP scenario.
pub(crate) const SCENARIOS: [Scenario; 7] = [
    Scenario::Full,
    Scenario::Handshake,
    Scenario::Data,
    Scenario::Close,
    Scenario::SimultaneousClose,
    Scenario::Refused,
    Scenario::Retransmission,
];

/// Every LAN variant.
pub(crate) const VARIANTS: [Variant; 5] = [
    Variant::Normal,
    Variant::WrongMask,
    Variant::NoGateway,
    Variant::Ttl1,
    Variant::UnknownNetwork,
];

fn tcp_traces() -> Vec<(String, TcpTrace)> {
    let mut traces: Vec<(String, TcpTrace)> = SCENARIOS
        .iter()
        .map(|&s| {
            (
                format!("{s:?}"),
                tcp::simulate(&TcpSpec::scenario(s)).unwrap(),
            )
        })
        .collect();
    // Numbers that wrap, a small MSS and window, no router, lost ACKs.
    let odd: TcpSpec = serde_json::from_str(
        r#"{"client": {"isn": 4294967294, "mss": 2, "port": 40000},
            "server": {"isn": 2147483647, "window": 3, "ip": "192.168.12.2"},
            "router_mac": null, "loss": [5, 9]}"#,
    )
    .unwrap();
    traces.push(("odd".to_owned(), tcp::simulate(&odd).unwrap()));
    traces
}

/// The fields [`check_segment`] reads, in its order; more may follow.
pub(crate) const TCP_FIELDS: [&str; 19] = [
    "tcp.flags",
    "tcp.seq_raw",
    "tcp.ack_raw",
    "tcp.len",
    "tcp.window_size_value",
    "tcp.srcport",
    "tcp.dstport",
    "ip.src",
    "ip.dst",
    "ip.ttl",
    "eth.src",
    "eth.dst",
    "ip.checksum.status",
    "tcp.checksum.status",
    "tcp.options.mss_val",
    "frame.time_epoch",
    "tcp.seq",
    "tcp.ack",
    "_ws.malformed",
];

/// What tshark must say about one segment, field by field: `row` is
/// [`fields`]' row for [`TCP_FIELDS`] (and any fields after them).
pub(crate) fn check_segment(
    label: &str,
    trace: &TcpTrace,
    s: &Segment,
    row: &[Vec<String>],
    time_ms: u64,
) {
    let one = |i: usize| row[i].join("|");
    let (client, server) = (&trace.client, &trace.server);
    let (src_mac, dst_mac, ttl) = match (s.from, trace.router_mac) {
        (Side::Client, Some(r)) => (client.mac, r, 64),
        (Side::Server, Some(r)) => (r, client.mac, 63),
        (Side::Client, None) => (client.mac, server.mac, 64),
        (Side::Server, None) => (server.mac, client.mac, 64),
    };
    let want = [
        ("tcp.flags", format!("0x{:04x}", s.flag_bits)),
        ("tcp.seq_raw", s.seq.to_string()),
        ("tcp.ack_raw", s.ack.to_string()),
        ("tcp.len", s.len.to_string()),
        ("tcp.window_size_value", s.window.to_string()),
        ("tcp.srcport", s.src.port().to_string()),
        ("tcp.dstport", s.dst.port().to_string()),
        ("ip.src", s.src.ip().to_string()),
        ("ip.dst", s.dst.ip().to_string()),
        ("ip.ttl", ttl.to_string()),
        ("eth.src", src_mac.to_string()),
        ("eth.dst", dst_mac.to_string()),
        ("ip.checksum.status", GOOD.to_owned()),
        ("tcp.checksum.status", GOOD.to_owned()),
        (
            "tcp.options.mss_val",
            s.mss.map_or_else(String::new, |m| m.to_string()),
        ),
        ("frame.time_epoch", epoch(time_ms)),
    ];
    for (i, (name, value)) in want.iter().enumerate() {
        assert_eq!(&one(i), value, "{label} #{}: {name}", s.number);
    }
    let at = want.len();
    if let Some(rel) = s.rel_seq {
        assert_eq!(one(at), rel.to_string(), "{label} #{}: tcp.seq", s.number);
    }
    if let Some(rel) = s.rel_ack {
        assert_eq!(
            one(at + 1),
            rel.to_string(),
            "{label} #{}: tcp.ack",
            s.number
        );
    }
    assert_eq!(
        one(at + 2),
        "",
        "{label} #{}: tshark finds it malformed",
        s.number
    );
    assert_eq!(
        row.last().map(|c| c.join("")).unwrap_or_default(),
        s.comment,
        "{label} #{}: frame.comment",
        s.number
    );
}

#[test]
fn tcp_scenarios_match_tshark() {
    let dir = TempDir::new("sim");
    for (label, trace) in tcp_traces() {
        let file = dir.write(&format!("{label}.pcapng"), &trace.pcapng);
        let rows = fields(&file, &TCP_FIELDS);
        let segments: Vec<(&Segment, u64)> = trace
            .events
            .iter()
            .filter_map(|e| e.segment.as_ref().map(|s| (s, e.time_ms)))
            .collect();
        assert_eq!(rows.len(), segments.len(), "{label}: one frame per segment");
        for ((s, time_ms), row) in segments.iter().zip(&rows) {
            check_segment(&label, &trace, s, row, *time_ms);
        }
        // tshark's own analysis finds the retransmissions the simulation made.
        let ours: Vec<usize> = segments
            .iter()
            .filter(|(s, _)| s.retransmission)
            .map(|(s, _)| s.number)
            .collect();
        assert_eq!(
            matching(&file, "tcp.analysis.retransmission"),
            ours,
            "{label}: retransmissions"
        );
    }
}

#[test]
fn tcp_handshake_and_close_read_as_tshark_reads_them() {
    // tshark's conversation view: one stream, its flags in order.
    let trace = tcp::simulate(&TcpSpec::default()).unwrap();
    let dir = TempDir::new("sim");
    let file = dir.write("full.pcapng", &trace.pcapng);
    let text = tshark(
        &file,
        &["-T", "fields", "-e", "tcp.stream", "-e", "tcp.flags.str"],
    );
    let streams: Vec<&str> = text.lines().filter_map(|l| l.split('\t').next()).collect();
    assert!(streams.iter().all(|s| *s == "0"), "{streams:?}");
    assert_eq!(
        matching(&file, "tcp.flags.syn == 1"),
        [1, 2],
        "the handshake's two SYNs"
    );
    assert_eq!(matching(&file, "tcp.flags.fin == 1"), [7, 10], "two FINs");
    assert_eq!(
        matching(&file, "tcp.len > 0"),
        [4, 6],
        "b'hello' and b'bye'"
    );
    let refused = tcp::simulate(&TcpSpec::scenario(Scenario::Refused)).unwrap();
    let file = dir.write("refused.pcapng", &refused.pcapng);
    assert_eq!(matching(&file, "tcp.flags.reset == 1"), [2]);
}

fn lan_traces() -> Vec<(String, LanTrace)> {
    let mut specs: Vec<(String, LanSpec)> = VARIANTS
        .iter()
        .map(|&v| (format!("{v:?}"), LanSpec::variant(v)))
        .collect();
    for (label, spec) in specs.clone() {
        let mut udp = spec;
        udp.send.proto = LanProto::Udp;
        specs.push((format!("{label} udp"), udp));
    }
    specs
        .into_iter()
        .map(|(label, spec)| (label, lan::simulate(&spec).unwrap()))
        .collect()
}

/// The fields [`check_lan_frame`] reads, in its order.
pub(crate) const LAN_FIELDS: [&str; 19] = [
    "eth.src",
    "eth.dst",
    "arp.opcode",
    "arp.src.hw_mac",
    "arp.src.proto_ipv4",
    "arp.dst.proto_ipv4",
    "ip.src",
    "ip.dst",
    "ip.ttl",
    "ip.checksum",
    "icmp.type",
    "icmp.code",
    "udp.srcport",
    "udp.dstport",
    "ip.checksum.status",
    "icmp.checksum.status",
    "udp.checksum.status",
    "frame.time_epoch",
    "_ws.malformed",
];

/// What tshark must say about one LAN frame: `row` is [`fields`]' row for
/// [`LAN_FIELDS`]; `label` names the trace in failures.
pub(crate) fn check_lan_frame(label: &str, f: &LanFrame, row: &[Vec<String>]) {
    let at = |name: &str| LAN_FIELDS.iter().position(|n| *n == name).unwrap();
    // The outer header's value: tshark lists the packet's own first,
    // then those of the packet an ICMP error quotes.
    let first = |name: &str| row[at(name)][0].clone();
    let all = |name: &str| row[at(name)].clone();
    let opt = |v: Option<String>| v.unwrap_or_default();
    let tag = format!("{label} #{} ({})", f.number, f.summary);
    assert_eq!(first("eth.src"), f.eth.src, "{tag}");
    assert_eq!(first("eth.dst"), f.eth.dst, "{tag}");
    assert_eq!(
        first("arp.opcode"),
        opt(f.arp.as_ref().map(|a| a.opcode.to_string())),
        "{tag}"
    );
    assert_eq!(
        first("arp.src.hw_mac"),
        opt(f.arp.as_ref().map(|a| a.sender_mac.clone())),
        "{tag}"
    );
    assert_eq!(
        first("arp.src.proto_ipv4"),
        opt(f.arp.as_ref().map(|a| a.sender_ip.to_string())),
        "{tag}"
    );
    assert_eq!(
        first("arp.dst.proto_ipv4"),
        opt(f.arp.as_ref().map(|a| a.target_ip.to_string())),
        "{tag}"
    );
    let ip = f.ip.as_ref();
    assert_eq!(first("ip.src"), opt(ip.map(|i| i.src.to_string())), "{tag}");
    assert_eq!(first("ip.dst"), opt(ip.map(|i| i.dst.to_string())), "{tag}");
    assert_eq!(first("ip.ttl"), opt(ip.map(|i| i.ttl.to_string())), "{tag}");
    assert_eq!(
        first("ip.checksum"),
        opt(ip.map(|i| format!("0x{:04x}", i.checksum))),
        "{tag}"
    );
    let icmp = f.icmp.as_ref();
    assert_eq!(
        first("icmp.type"),
        opt(icmp.map(|i| i.icmp_type.to_string())),
        "{tag}"
    );
    assert_eq!(
        first("icmp.code"),
        opt(icmp.map(|i| i.code.to_string())),
        "{tag}"
    );
    let udp = f.udp.as_ref();
    // An ICMP error quotes the datagram it is about, ports and all.
    let quotes = icmp.is_some_and(|i| matches!(i.icmp_type, 3 | 11));
    if !quotes {
        assert_eq!(
            first("udp.srcport"),
            opt(udp.map(|u| u.src_port.to_string())),
            "{tag}"
        );
        assert_eq!(
            first("udp.dstport"),
            opt(udp.map(|u| u.dst_port.to_string())),
            "{tag}"
        );
    }
    // Every IPv4 header (the quoted one too) and every UDP checksum is
    // good; the ICMP message's own is good, and a quoted, cut-short
    // echo is at worst unverified, never bad.
    if ip.is_some() {
        assert!(
            all("ip.checksum.status").iter().all(|s| s == GOOD),
            "{tag}: {:?}",
            all("ip.checksum.status")
        );
    }
    if udp.is_some() {
        assert_eq!(all("udp.checksum.status"), [GOOD], "{tag}");
    }
    if icmp.is_some() {
        let status = all("icmp.checksum.status");
        assert_eq!(status[0], GOOD, "{tag}");
        assert!(status.iter().all(|s| s != "0"), "{tag}: {status:?}");
    }
    assert_eq!(first("frame.time_epoch"), epoch(f.time_ms), "{tag}");
    assert_eq!(first("_ws.malformed"), "", "{tag}: malformed");
    assert_eq!(row[LAN_FIELDS.len()][0], f.comment, "{tag}: frame.comment");
}

#[test]
fn lan_traces_match_tshark() {
    let dir = TempDir::new("sim");
    let mut frames_seen = 0;
    for (label, trace) in lan_traces() {
        let file = dir.write("lan.pcapng", &trace.pcapng);
        let rows = fields(&file, &LAN_FIELDS);
        assert_eq!(rows.len(), trace.frames.len(), "{label}: one row per frame");
        frames_seen += rows.len();
        for (f, row) in trace.frames.iter().zip(&rows) {
            check_lan_frame(&label, f, row);
        }
    }
    assert!(frames_seen >= 30, "{frames_seen} frames checked");
}

#[test]
fn lan_router_hop_matches_tshark() {
    // The same echo request before and after R: tshark sees the TTL drop
    // by one, a new checksum, new MACs, and the same IP addresses.
    let trace = lan::simulate(&LanSpec::default()).unwrap();
    let dir = TempDir::new("sim");
    let file = dir.write("hop.pcapng", &trace.pcapng);
    let text = tshark(
        &file,
        &[
            "-Y",
            "icmp.type == 8",
            "-T",
            "fields",
            "-e",
            "eth.src",
            "-e",
            "eth.dst",
            "-e",
            "ip.ttl",
            "-e",
            "ip.src",
            "-e",
            "ip.dst",
        ],
    );
    let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(
        rows,
        [
            [
                "02:00:00:00:00:0a",
                "02:00:00:00:01:01",
                "64",
                "192.168.12.1",
                "192.168.13.1"
            ],
            [
                "02:00:00:00:01:02",
                "02:00:00:00:00:0b",
                "63",
                "192.168.12.1",
                "192.168.13.1"
            ],
        ]
    );
    let hop = trace
        .frames
        .iter()
        .find(|f| f.forwarded_from.is_some())
        .unwrap();
    let changed: Vec<&str> = hop.changes.iter().map(|c| c.field).collect();
    assert_eq!(
        changed,
        [
            "source MAC",
            "destination MAC",
            "TTL",
            "IPv4 header checksum"
        ]
    );
    // The broadcast ARP request, and the ARP requests of the wrong mask.
    assert_eq!(
        matching(&file, "eth.dst == ff:ff:ff:ff:ff:ff && arp.opcode == 1"),
        [1, 4]
    );
    let wrong = lan::simulate(&LanSpec::variant(Variant::WrongMask)).unwrap();
    let file = dir.write("wrong.pcapng", &wrong.pcapng);
    assert_eq!(
        matching(&file, "arp.dst.proto_ipv4 == 192.168.13.1"),
        [1, 2, 3]
    );
    assert!(
        matching(&file, "arp.opcode == 2").is_empty(),
        "nobody answers"
    );
}
