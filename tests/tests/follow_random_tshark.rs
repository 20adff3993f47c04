//! `netlab_core::packet::follow` against tshark's "Follow TCP Stream" on
//! random captures: the hand-made scenarios of `follow_tshark` each test
//! one rule; here a seeded generator mixes them all, as a real capture
//! does. Each capture holds several connections interleaved, some over
//! IPv6 or 802.1Q, some reusing a finished connection's ports with a new
//! ISN, and sequence numbers that wrap; their data segments are then
//! reordered, retransmitted (whole, or overlapping the next one), dropped
//! from the capture (so that later acknowledgements reveal the gap) or cut
//! by a snapshot length, and some IPv4 and IPv6 packets cross as
//! fragments, in order or not. netlab must number every frame's stream as
//! `tcp.stream` does and give each stream's chunks exactly as
//! `tshark -z follow,tcp,raw,N` prints them (`check_file_of`).
//!
//! A failure names its seed; `NETLAB_KEEP=1` keeps the capture to open in
//! Wireshark. `NETLAB_FOLLOW_SEEDS=N` runs seeds 1 to N instead of 12, for
//! a longer hunt.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use netlab_core::packet::follow::{ChunkKind, Transport};
use netlab_core::packet::pcap::{self, Record};
use netlab_core::packet::tcp::TcpFlags;

use crate::follow_tshark::{Seg, check_file_of, fragmented, frame};
use crate::util::{Rng, TempDir};

/// One packet of the capture: the segment, how many of its payload bytes
/// the snapshot length kept (`None`: all), and whether it crossed as
/// fragments (of this many 8-byte blocks each, the last one first when
/// the flag says so).
#[derive(Clone)]
struct Captured {
    seg: Seg,
    kept: Option<usize>,
    fragments: Option<(usize, bool)>,
}

/// One connection's segments in the order the capture shows them.
fn connection(rng: &mut Rng, client: SocketAddr, server: SocketAddr) -> Vec<Captured> {
    // A third of the ISNs sit just below 2^32, so the numbers wrap.
    let isn = |rng: &mut Rng| {
        if rng.chance(33) {
            u32::MAX - rng.below(600) as u32
        } else {
            rng.next() as u32
        }
    };
    let (ci, si) = (isn(rng), isn(rng));
    let seg = |src, dst, seq: u32, ack: Option<u32>, flags: TcpFlags, payload: Vec<u8>| Seg {
        src,
        dst,
        seq,
        ack,
        flags: if ack.is_some() {
            flags | TcpFlags::ACK
        } else {
            flags
        },
        payload,
    };
    let mut handshake = vec![
        seg(client, server, ci, None, TcpFlags::SYN, Vec::new()),
        seg(
            server,
            client,
            si,
            Some(ci.wrapping_add(1)),
            TcpFlags::SYN,
            Vec::new(),
        ),
        seg(
            client,
            server,
            ci.wrapping_add(1),
            Some(si.wrapping_add(1)),
            TcpFlags(0),
            Vec::new(),
        ),
    ];
    // Each side's next sequence number.
    let (mut next_c, mut next_s) = (ci.wrapping_add(1), si.wrapping_add(1));
    let mut data = Vec::new();
    for _ in 0..2 + rng.below(9) {
        let from_client = rng.chance(60);
        let len = if rng.chance(10) {
            0
        } else {
            1 + rng.below(300)
        };
        let payload: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        let s = if from_client {
            let s = seg(client, server, next_c, Some(next_s), TcpFlags::PSH, payload);
            next_c = next_c.wrapping_add(len as u32);
            s
        } else {
            let s = seg(server, client, next_s, Some(next_c), TcpFlags::PSH, payload);
            next_s = next_s.wrapping_add(len as u32);
            s
        };
        data.push(s);
    }
    // What the capture makes of the data segments.
    let mut i = 0;
    while i < data.len() {
        let roll = rng.below(100);
        if roll < 12 && i + 1 < data.len() {
            // Out of order: the next segment was captured first.
            data.swap(i, i + 1);
            i += 2;
            continue;
        }
        if roll < 22 {
            // A retransmission later on: the whole segment again, or
            // with the start of the same side's next segment too.
            let mut again = data[i].clone();
            if rng.chance(50)
                && let Some(next) = data[i + 1..].iter().find(|s| s.src == again.src)
            {
                let extra = 1 + rng.below(next.payload.len().max(1));
                let extra = extra.min(next.payload.len());
                again.payload.extend_from_slice(&next.payload[..extra]);
            }
            let at = i + 1 + rng.below(data.len() - i);
            data.insert(at, again);
            i += 1;
            continue;
        }
        if roll < 30 && data.len() > 2 {
            // Never captured; what comes later decides whether tshark
            // calls it missing.
            data.remove(i);
            continue;
        }
        i += 1;
    }
    let mut out: Vec<Captured> = handshake
        .drain(..)
        .chain(data)
        .map(|seg| Captured {
            seg,
            kept: None,
            fragments: None,
        })
        .collect();
    for c in &mut out {
        if !c.seg.payload.is_empty() && rng.chance(5) {
            c.kept = Some(rng.below(c.seg.payload.len()));
        } else if c.seg.payload.len() > 16 && rng.chance(8) {
            c.fragments = Some((1 + rng.below(8), rng.chance(50)));
        }
    }
    if rng.chance(60) {
        // The close: FIN each way, the last ACK.
        let close = [
            seg(
                client,
                server,
                next_c,
                Some(next_s),
                TcpFlags::FIN,
                Vec::new(),
            ),
            seg(
                server,
                client,
                next_s,
                Some(next_c.wrapping_add(1)),
                TcpFlags::FIN,
                Vec::new(),
            ),
            seg(
                client,
                server,
                next_c.wrapping_add(1),
                Some(next_s.wrapping_add(1)),
                TcpFlags(0),
                Vec::new(),
            ),
        ];
        out.extend(close.into_iter().map(|seg| Captured {
            seg,
            kept: None,
            fragments: None,
        }));
    }
    out
}

/// The frames of one random capture, and whether they are 802.1Q-tagged.
fn capture(seed: u64) -> (Vec<Captured>, bool) {
    let mut rng = Rng(seed);
    let v6 = rng.chance(25);
    let host = |n: u8| -> IpAddr {
        if v6 {
            IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, u16::from(n)))
        } else {
            IpAddr::V4(Ipv4Addr::new(127, 0, 0, n))
        }
    };
    let mut lanes: Vec<Vec<Captured>> = Vec::new();
    let mut ends = Vec::new();
    for _ in 0..2 + rng.below(3) {
        let client = SocketAddr::new(
            host(1 + rng.below(3) as u8),
            40_000 + rng.below(20_000) as u16,
        );
        let server = SocketAddr::new(host(10), [8001, 9904, 9905][rng.below(3)]);
        lanes.push(connection(&mut rng, client, server));
        ends.push((client, server));
    }
    // The connections interleaved, each in its own order.
    let mut frames = Vec::new();
    let mut at = vec![0; lanes.len()];
    loop {
        let open: Vec<usize> = (0..lanes.len())
            .filter(|&l| at[l] < lanes[l].len())
            .collect();
        if open.is_empty() {
            break;
        }
        let l = open[rng.below(open.len())];
        frames.push(lanes[l][at[l]].clone());
        at[l] += 1;
    }
    // Half the captures end with a connection that reuses the first one's
    // addresses and ports with a new ISN: a new stream in tshark.
    if rng.chance(50) {
        let (client, server) = ends[0];
        frames.extend(connection(&mut rng, client, server));
    }
    (frames, rng.chance(20))
}

#[test]
fn random_captures_follow_as_tshark() {
    let dir = TempDir::new("follow-random");
    let mut frames_checked = 0;
    let mut streams = 0;
    // What the captures exercised: out-of-order segments that waited,
    // retransmitted bytes left out, missing bytes, cut bytes, wrapped
    // sequence numbers, reused ports.
    let (mut waited, mut repeated, mut missing, mut cut, mut reused) = (0, 0, 0, 0, 0);
    let mut fragmented_packets = 0;
    let seeds: u64 = std::env::var("NETLAB_FOLLOW_SEEDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(12);
    for seed in 1..=seeds {
        let (captured, tagged) = capture(seed);
        let mut records: Vec<Record> = Vec::new();
        for (i, c) in captured.iter().enumerate() {
            let mut data = frame(&c.seg, tagged);
            let whole = data.len();
            let mut packets = Vec::new();
            match c.fragments {
                Some((blocks, last_first)) if !tagged => {
                    let header = if c.seg.src.is_ipv4() { 34 } else { 54 };
                    let count = (whole - header).div_ceil(blocks * 8);
                    let mut order: Vec<usize> = (0..count).collect();
                    if last_first {
                        order.rotate_right(1);
                    }
                    packets.extend(fragmented(&data, i as u16, blocks * 8, &order));
                    fragmented_packets += 1;
                }
                _ => {
                    if let Some(kept) = c.kept {
                        data.truncate(whole - c.seg.payload.len() + kept);
                    }
                    packets.push(data);
                }
            }
            for data in packets {
                let t = 1_700_000_000_000_000 + records.len() as u64 * 1000;
                let original = if c.kept.is_some() { whole } else { data.len() };
                let mut r = Record::new(t, data);
                r.original_len = original;
                records.push(r);
            }
        }
        let path = dir.file(&format!("seed-{seed}.pcap"));
        std::fs::write(&path, pcap::write(&records).unwrap()).unwrap();
        let follows = check_file_of(&format!("seed {seed}"), &path, Transport::Tcp);
        frames_checked += records.len();
        streams += follows.len();
        for f in &follows {
            waited += f.chunks.iter().filter(|c| c.waited).count();
            repeated += f.chunks.iter().filter(|c| c.repeated > 0).count();
            missing += f
                .chunks
                .iter()
                .filter(|c| c.kind == ChunkKind::Missing)
                .count();
            cut += f.chunks.iter().filter(|c| c.kind == ChunkKind::Cut).count();
        }
        let pairs: std::collections::BTreeSet<_> = follows
            .iter()
            .map(|f| (f.stream.client, f.stream.server))
            .collect();
        reused += follows.len() - pairs.len();
    }
    // The generator made what it claims, so the comparison covered it.
    let seen = [
        streams,
        frames_checked,
        waited,
        repeated,
        missing,
        cut,
        reused,
        fragmented_packets,
    ];
    eprintln!(
        "streams, frames, waited, repeated, missing, cut, reused, fragmented packets: {seen:?}"
    );
    assert!(streams >= 30 && frames_checked >= 400, "{seen:?}");
    assert!(seen[2..].iter().all(|&n| n > 0), "{seen:?}");
}
