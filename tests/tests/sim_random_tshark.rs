//! `netlab_core::sim` against tshark on seeded random specs: TCP specs over
//! every scenario (ISNs that wrap, tiny MSS and windows, ASCII and
//! multibyte data, losses aimed at SYNs, SYN-ACKs, FINs, ACKs and
//! retransmissions, retries run out) and LAN specs over every variant;
//! broken specs must be refused with a reason and never panic, and every
//! frame of the others is checked as sim_tshark.rs checks it, with tshark's
//! TCP analysis of each segment held to what the trace says of it.
//! `NETLAB_SIM_SEEDS=n` runs n specs of each kind for a longer hunt.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write as _;
use std::net::{Ipv4Addr, SocketAddrV4};
use std::panic::{self, AssertUnwindSafe};

use netlab_core::mac::MacAddr;
use netlab_core::sim::lan::{
    self, ArpEntry, LanProto, LanSpec, LanTrace, LinkSpec, RouteSpec, Variant,
};
use netlab_core::sim::tcp::{self, Segment, Side, TcpEvent, TcpSpec, TcpTrace};
use netlab_core::sim::{MAC_R_LAN_A, MAC_R_LAN_B};

use crate::sim_tshark::{
    LAN_FIELDS, SCENARIOS, TCP_FIELDS, VARIANTS, check_lan_frame, check_segment, fields_with,
};
use crate::util::{Rng, TempDir};

/// tshark's TCP analysis flags, read after [`TCP_FIELDS`].
const ANALYSIS: [&str; 14] = [
    "tcp.analysis.retransmission",
    "tcp.analysis.fast_retransmission",
    "tcp.analysis.spurious_retransmission",
    "tcp.analysis.duplicate_ack",
    "tcp.analysis.lost_segment",
    "tcp.analysis.ack_lost_segment",
    "tcp.analysis.out_of_order",
    "tcp.analysis.zero_window",
    "tcp.analysis.window_full",
    "tcp.analysis.keep_alive",
    "tcp.analysis.keep_alive_ack",
    "tcp.analysis.zero_window_probe",
    "tcp.analysis.window_update",
    "tcp.analysis.reused_ports",
];

/// tshark dissects no further than the simulators build: with random
/// ports, a payload of random text would otherwise be read as rsync or
/// some other protocol registered on that port, and found malformed.
const ONLY: [&str; 4] = [
    "-d",
    "tcp.port==1-65535,data",
    "-d",
    "udp.port==1-65535,data",
];

/// How many specs of each kind, unless `NETLAB_SIM_SEEDS` says.
const DEFAULT_SPECS: usize = 300;
/// The most traces, and about the most frames, one tshark run reads.
const BATCH_TRACES: usize = 60;
const BATCH_FRAMES: usize = 3000;

fn spec_count() -> usize {
    std::env::var("NETLAB_SIM_SEEDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_SPECS)
}

impl Rng {
    /// A number in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }

    fn one_of<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// About `len` bytes of UTF-8: plain ASCII, ASCII with quotes, bars,
    /// backslashes and control characters, or multibyte characters mixed
    /// in (two, three and four bytes each).
    fn text(&mut self, len: usize) -> String {
        const ASCII: &[char] = &['a', 'b', 'x', 'Z', '0', ' ', '.'];
        const ODD: &[char] = &['\'', '"', '|', '\\', '\n', '\t', '\r', '\u{1}', '\u{7f}'];
        const WIDE: &[char] = &['é', 'ß', '中', '文', '€', '🎉', '𝄞'];
        let mode = self.below(3);
        let mut s = String::new();
        while s.len() < len {
            let c = match (mode, self.below(4)) {
                (1, 0) => self.one_of(ODD),
                (2, 0 | 1) => self.one_of(WIDE),
                _ => self.one_of(ASCII),
            };
            if s.len() + c.len_utf8() > len {
                s.push('a');
            } else {
                s.push(c);
            }
        }
        s
    }

    fn unicast_mac(&mut self) -> MacAddr {
        let b = self.next().to_be_bytes();
        MacAddr([(b[0] & 0xfc) | 0x02, b[1], b[2], b[3], b[4], b[5]])
    }

    /// Data of 0 to a few KB, at most `cap` bytes.
    fn data(&mut self, cap: usize) -> String {
        let len = match self.below(10) {
            0 => 0,
            1..=4 => self.range(1, 20) as usize,
            5..=7 => self.range(20, 700) as usize,
            _ => self.range(700, 4000) as usize,
        };
        self.text(len.min(cap))
    }
}

/// One end's random settings; `tiny` gives MSS and windows of a few
/// bytes, so data is cut into many segments.
fn end_spec(rng: &mut Rng, tiny: bool, client: bool) -> tcp::EndSpec {
    let mut e = tcp::EndSpec::default();
    if rng.chance(50) {
        e.ip = Some(if client {
            Ipv4Addr::new(192, 168, 12, rng.range(1, 250) as u8)
        } else {
            Ipv4Addr::new(rng.one_of(&[10, 172, 192]), 0, rng.below(256) as u8, 1)
        });
    }
    if rng.chance(85) {
        e.port = Some(rng.range(1, 65535) as u16);
    }
    e.isn = match rng.below(10) {
        0 => None,
        1..=3 => Some(u32::MAX - rng.below(4000) as u32),
        4 => Some(rng.one_of(&[0, 1, u32::MAX, 1 << 31])),
        _ => Some(rng.next() as u32),
    };
    e.window = match (tiny, rng.below(4)) {
        (_, 0) => None,
        (true, _) => Some(rng.range(1, 12) as u16),
        (false, 1) => Some(rng.range(100, 3000) as u16),
        (false, _) => Some(rng.range(3000, 65535) as u16),
    };
    e.mss = match (tiny, rng.below(4)) {
        (_, 0) => None,
        (true, _) => Some(rng.range(1, 8) as u16),
        (false, 1) => Some(rng.one_of(&[536, 1460, 1400])),
        (false, _) => Some(rng.range(9, 1460) as u16),
    };
    if rng.chance(20) {
        e.mac = Some(rng.unicast_mac());
    }
    e
}

/// A random spec, its losses not yet chosen.
fn tcp_base(rng: &mut Rng, n: usize) -> TcpSpec {
    let tiny = rng.chance(20);
    let client = end_spec(rng, tiny, true);
    let server = end_spec(rng, tiny, false);
    // Few enough segments for the trace to stay small: about 150 per
    // direction at most.
    let unit = [&client, &server]
        .iter()
        .flat_map(|e| [e.mss.unwrap_or(1460), e.window.unwrap_or(64240)])
        .min()
        .unwrap_or(1) as usize;
    TcpSpec {
        scenario: SCENARIOS[n % SCENARIOS.len()],
        client,
        server,
        request: rng.data(unit * 150),
        reply: rng.data(unit * 150),
        first: [None, Some(Side::Client), Some(Side::Server)][rng.below(3)],
        latency_ms: rng.one_of(&[0, 1, 5, 10, 10, 40, 200]),
        think_ms: rng.one_of(&[0, 1, 5, 5, 30, 1500]),
        rto_ms: rng.one_of(&[1, 20, 200, 1000, 1000, 3000]),
        max_retries: rng.range(0, 6) as u32,
        time_wait_ms: rng.one_of(&[0, 1, 500, 60_000]),
        loss: Some(Vec::new()),
        router_mac: match rng.below(10) {
            0..=2 => None,
            3..=5 => Some(MAC_R_LAN_A),
            _ => Some(rng.unicast_mac()),
        },
    }
}

/// Segment numbers of `trace` by what they are.
fn numbers(trace: &TcpTrace, what: impl Fn(&Segment) -> bool) -> Vec<usize> {
    trace
        .segments()
        .filter(|s| what(s))
        .map(|s| s.number)
        .collect()
}

/// Chooses losses for `spec` from its lossless run: the SYN, the SYN-ACK,
/// FINs, pure ACKs or data, then perhaps a retransmission of what was
/// lost, or everything from some segment on, so that retries run out.
fn choose_loss(rng: &mut Rng, spec: &mut TcpSpec) {
    let Ok(Ok(base)) = panic::catch_unwind(|| tcp::simulate(spec)) else {
        return;
    };
    let roles: [Vec<usize>; 5] = [
        numbers(&base, |s| s.flags == "SYN"),
        numbers(&base, |s| s.flags == "SYN, ACK"),
        numbers(&base, |s| s.flags.contains("FIN")),
        numbers(&base, |s| s.flags == "ACK" && s.len == 0),
        numbers(&base, |s| s.len > 0),
    ];
    let total = base.segments().count().max(1);
    let mut loss: Vec<usize> = match rng.below(10) {
        0 => return,
        1 => {
            spec.loss = None;
            return;
        }
        2 => (0..rng.range(1, 6))
            .map(|_| rng.range(1, total as u64 + 3) as usize)
            .collect(),
        3 => {
            // Everything from one segment on: its sender runs out of retries.
            let from = rng.range(1, total as u64) as usize;
            spec.loss = Some((from..from + 40).collect());
            return;
        }
        _ => (0..rng.range(1, 3))
            .filter_map(|_| {
                let role = &roles[rng.below(roles.len())];
                (!role.is_empty()).then(|| role[rng.below(role.len())])
            })
            .collect(),
    };
    loss.sort_unstable();
    loss.dedup();
    spec.loss = Some(loss.clone());
    // Then lose a retransmission too, or the next copy of it.
    if rng.chance(40)
        && let Ok(Ok(t)) = panic::catch_unwind(|| tcp::simulate(spec))
    {
        let again = numbers(&t, |s| s.retransmission);
        if !again.is_empty() {
            loss.push(again[rng.below(again.len())]);
            loss.sort_unstable();
            loss.dedup();
            spec.loss = Some(loss);
        }
    }
}

/// Breaks `spec` one way the simulator must refuse; what was broken.
fn break_tcp(rng: &mut Rng, spec: &mut TcpSpec) -> &'static str {
    let end = if rng.chance(50) {
        &mut spec.client
    } else {
        &mut spec.server
    };
    match rng.below(9) {
        0 => {
            end.mss = Some(rng.one_of(&[0, 1461, 9000, u16::MAX]));
            "mss"
        }
        1 => {
            end.window = Some(0);
            "window"
        }
        2 => {
            end.port = Some(0);
            "port"
        }
        3 => {
            spec.rto_ms = 0;
            "rto"
        }
        4 => {
            let ip = Ipv4Addr::new(10, 0, 0, 1);
            (spec.client.ip, spec.server.ip) = (Some(ip), Some(ip));
            (spec.client.port, spec.server.port) = (Some(9000), Some(9000));
            "same end"
        }
        5 => {
            let mut mac = rng.unicast_mac();
            mac.0[0] |= 1;
            match rng.below(3) {
                0 => spec.client.mac = Some(mac),
                1 => spec.server.mac = Some(mac),
                _ => spec.router_mac = Some(mac),
            }
            "group MAC"
        }
        6 => {
            let len = tcp::MAX_DATA + rng.range(1, 100) as usize;
            if rng.chance(50) {
                spec.request = "x".repeat(len);
            } else {
                spec.reply = "é".repeat(len / 2 + 1);
            }
            "too much data"
        }
        7 => {
            spec.loss.get_or_insert_with(Vec::new).push(0);
            "loss 0"
        }
        _ => {
            let n = tcp::MAX_EVENTS + rng.range(1, 1 << 20) as usize;
            spec.loss.get_or_insert_with(Vec::new).push(n);
            "loss beyond"
        }
    }
}

/// Runs `simulate` on every spec under `catch_unwind`: a panic fails at
/// once; a broken spec must be refused with a message, a valid one must
/// run. The traces of the valid ones, with their specs; the refusals'
/// messages by what was broken.
fn run_all<S: std::panic::RefUnwindSafe, T, E: std::fmt::Display>(
    what: &str,
    specs: Vec<(S, Option<&'static str>)>,
    simulate: impl Fn(&S) -> Result<T, E> + std::panic::RefUnwindSafe,
    json: impl Fn(&S) -> String,
) -> (Vec<(S, T)>, BTreeMap<&'static str, usize>) {
    let mut ok = Vec::new();
    let mut refused = BTreeMap::new();
    for (spec, broken) in specs {
        let result = panic::catch_unwind(|| simulate(&spec))
            .unwrap_or_else(|_| panic!("{what} simulate panicked on {}", json(&spec)));
        match (result, broken) {
            (Ok(trace), None) => ok.push((spec, trace)),
            (Err(e), Some(why)) => {
                let message = e.to_string();
                assert!(
                    !message.trim().is_empty(),
                    "{what}: empty refusal of {}",
                    json(&spec)
                );
                *refused.entry(why).or_insert(0) += 1;
            }
            (Ok(_), Some(why)) => panic!("{what}: accepted a spec with {why}: {}", json(&spec)),
            (Err(e), None) => panic!("{what}: refused a valid spec ({e}): {}", json(&spec)),
        }
    }
    (ok, refused)
}

/// A connection's addresses, which no two traces of one tshark run share
/// (tshark would take them for one connection).
fn tuple(t: &TcpTrace) -> (SocketAddrV4, SocketAddrV4) {
    (t.client.addr(), t.server.addr())
}

/// Groups traces into tshark runs: pcapng sections one after another,
/// at most [`BATCH_TRACES`] and about [`BATCH_FRAMES`] frames each,
/// no connection twice in one.
fn batches<T>(
    items: &[T],
    frames: impl Fn(&T) -> usize,
    key: impl Fn(&T) -> Option<u64>,
) -> Vec<Vec<usize>> {
    let mut out: Vec<(Vec<usize>, usize, HashSet<u64>)> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let n = frames(item);
        let k = key(item);
        let at = out.iter().position(|(b, f, keys)| {
            b.len() < BATCH_TRACES
                && (b.is_empty() || f + n <= BATCH_FRAMES)
                && k.is_none_or(|k| !keys.contains(&k))
        });
        let at = at.unwrap_or_else(|| {
            out.push((Vec::new(), 0, HashSet::new()));
            out.len() - 1
        });
        let (b, f, keys) = &mut out[at];
        b.push(i);
        *f += n;
        keys.extend(k);
    }
    out.into_iter().map(|(b, _, _)| b).collect()
}

/// What tshark found about one segment: its analysis flags that are set,
/// and its expert messages but the frame comment.
#[derive(Debug, Default)]
struct Analysis {
    flags: BTreeSet<&'static str>,
    experts: Vec<String>,
}

impl Analysis {
    fn read(row: &[Vec<String>], comment: &str) -> Self {
        let at = TCP_FIELDS.len();
        let flags = ANALYSIS
            .iter()
            .enumerate()
            .filter(|(i, _)| row[at + i].iter().any(|v| !v.is_empty()))
            .map(|(_, name)| name.trim_start_matches("tcp.analysis."))
            .collect();
        let mut experts: Vec<String> = row[at + ANALYSIS.len()]
            .iter()
            .filter(|m| !m.is_empty())
            .cloned()
            .collect();
        // The pcapng comment is an expert item of its own, the frame's first,
        // escaped and cut at 240 bytes.
        let head: String = comment.chars().take(8).collect();
        if experts.first().is_some_and(|m| m.starts_with(&head)) {
            experts.remove(0);
        }
        Self { flags, experts }
    }

    fn has(&self, flag: &str) -> bool {
        self.flags.contains(flag)
    }
}

/// Counts of what was compared, by name, for the coverage checks.
#[derive(Debug, Default)]
struct Seen(BTreeMap<String, usize>);

impl Seen {
    fn add(&mut self, what: impl Into<String>) {
        *self.0.entry(what.into()).or_insert(0) += 1;
    }

    fn get(&self, what: &str) -> usize {
        self.0.get(what).copied().unwrap_or(0)
    }
}

/// What tshark remembers of one direction, in capture order: the
/// frames are as the two ends sent them, each at its send time.
#[derive(Debug, Default, Clone, Copy)]
struct Direction {
    /// The highest sequence number sent plus one (0: tshark's "none
    /// yet", which a wrapped number can hit too).
    nextseq: u32,
    /// The last segment's ACK field and whether its ACK flag was set.
    last_ack: Option<(u32, bool)>,
    /// Whether tshark took the last segment for a keep-alive.
    keep_alive: bool,
    /// The last segment's send time.
    time_ms: u64,
}

const SYN: u16 = 0x02;
const FIN: u16 = 0x01;
const RST: u16 = 0x04;
const ACK: u16 = 0x10;

/// Checks one segment's analysis against the trace; the disagreements.
/// `dirs` is tshark's state before it, client's direction first.
fn check_analysis(
    event: &TcpEvent,
    a: &Analysis,
    dirs: &mut [Direction; 2],
    seen: &mut Seen,
) -> Vec<String> {
    let s = event.segment.as_ref().unwrap();
    let (mine, theirs) = match s.from {
        Side::Client => (dirs[0], dirs[1]),
        Side::Server => (dirs[1], dirs[0]),
    };
    let mut bad = Vec::new();
    let mut fail = |what: String| bad.push(format!("#{} {what} ({})", s.number, s.comment));
    let flags = s.flag_bits;
    let syn_fin = flags & (SYN | FIN) != 0;
    // tshark's keep-alive: 0 or 1 byte starting one before nextseq.
    let keep_alive_shape =
        s.len <= 1 && flags & (SYN | FIN | RST) == 0 && s.seq == mine.nextseq.wrapping_sub(1);
    let timer = event.key.ends_with(".again");
    let fast = event.key == "tcp.fast_retransmit";

    // Retransmissions: tshark's mark (a fast or spurious one has it too)
    // and the trace's, which the comment must name.
    let tshark_again = a.has("retransmission");
    if tshark_again != s.retransmission {
        let why = if !s.retransmission {
            None
        } else if a.has("keep_alive") && keep_alive_shape {
            // One byte sent again at nextseq - 1 looks like a keep-alive
            // to tshark, which then looks no further; the simulated
            // stacks send no keep-alives, so the trace rightly says what
            // it is.
            Some("keep-alive shape")
        } else if a.has("out_of_order") {
            // tshark takes data below nextseq sent within 3 ms (or the
            // first RTT) of the highest as reordering, not as sent again:
            // a guess about the network the trace need not make.
            Some("out-of-order guess")
        } else if mine.nextseq == 0 {
            // nextseq 0 is tshark's "nothing sent yet": after an ISN
            // that makes it wrap to exactly 0, it sees no retransmission.
            Some("nextseq 0")
        } else {
            None
        };
        match why {
            Some(why) => seen.add(format!("excluded: {why}")),
            None => fail(format!(
                "retransmission: tshark {tshark_again}, the trace {}",
                s.retransmission
            )),
        }
    }
    let says_again = s.comment.starts_with("Retransmission, ")
        || s.comment.starts_with("Fast retransmission, ")
        || s.comment.starts_with("Spurious ")
        || s.comment.starts_with("SYN-ACK again");
    if says_again != s.retransmission {
        fail(format!(
            "the comment and the mark disagree: {}",
            s.retransmission
        ));
    }
    if a.has("keep_alive") && !(s.retransmission && s.len == 1 && keep_alive_shape) {
        fail("tshark: keep-alive".to_owned());
    }
    if a.has("out_of_order") && !s.retransmission {
        fail("tshark: out-of-order".to_owned());
    }

    // Fast retransmission: tshark wants two or more duplicate ACKs, the
    // last of them for this seq and sent less than 20 ms before.
    let tshark_fast = a.has("fast_retransmission");
    if tshark_fast && !fast {
        if s.retransmission && timer {
            // Two duplicate ACKs suffice for tshark; RFC 5681 wants three,
            // and the trace's timer event says how many came.
            seen.add("excluded: fast after two duplicate ACKs");
        } else {
            fail("tshark: fast retransmission".to_owned());
        }
    }
    if fast && !tshark_fast {
        let stale = theirs.last_ack.is_none_or(|(ack, _)| ack != s.seq)
            || event.time_ms.saturating_sub(theirs.time_ms) >= 20;
        if stale && tshark_again {
            // The duplicate ACKs reached the sender one latency after they
            // left: 20 ms or more, or with newer ACKs sent meanwhile, so in
            // send order tshark cannot tie this segment to them.
            seen.add("excluded: fast retransmission out of tshark's 20 ms");
        } else {
            fail("fast retransmission: tshark sees none".to_owned());
        }
    }

    // Duplicate ACKs: the same ACK, window and seq as the sender's last
    // segment, no data, no SYN, FIN or RST.
    let ours_dup = s.comment.starts_with("ACK: duplicate");
    let tshark_dup = a.has("duplicate_ack");
    if ours_dup != tshark_dup {
        if ours_dup && a.has("keep_alive_ack") {
            // tshark calls the answer to what it took for a keep-alive a
            // keep-alive ACK and looks no further.
            seen.add("excluded: keep-alive ACK");
        } else if tshark_dup && mine.last_ack.is_some_and(|(_, flag)| !flag) {
            // The sender's last segment was its SYN, whose ACK field holds
            // 0 without the ACK flag; an ack of 0 (the peer's ISN was
            // 2^32 - 1) looks to tshark like that one repeated.
            seen.add("excluded: ack 0 after a SYN");
        } else {
            fail(format!(
                "duplicate ACK: tshark {tshark_dup}, the trace {ours_dup}"
            ));
        }
    }
    // Spurious: tshark's mark when the receiver's last ACK, in send order,
    // already covered these bytes; the trace must say the same.
    let ours_spurious = s.comment.starts_with("Spurious ");
    if a.has("spurious_retransmission") != ours_spurious {
        if ours_spurious && a.has("keep_alive") && keep_alive_shape {
            // tshark checks for keep-alives first and stops there.
            seen.add("excluded: spurious with a keep-alive shape");
        } else {
            fail(format!(
                "spurious: tshark {}, the trace {ours_spurious}",
                a.has("spurious_retransmission")
            ));
        }
    }
    if a.has("window_full") {
        // Not compared: tshark marks data that reaches the edge of the
        // window the other end last advertised in send order, a property
        // of where the capture sits. The trace tells flow control where it
        // acts: each ACK's window, and the send() call whose bytes the
        // window holds back (tcp.call.send_queued).
        seen.add("excluded: window full");
    }
    if a.has("keep_alive_ack") && !theirs.keep_alive {
        fail("tshark: keep-alive ACK".to_owned());
    }
    for flag in [
        "lost_segment",
        "ack_lost_segment",
        "zero_window",
        "zero_window_probe",
        "window_update",
        "reused_ports",
    ] {
        if a.has(flag) {
            fail(format!("tshark: {flag}"));
        }
    }
    for m in &a.experts {
        if !known_expert(m, s, &a.flags) {
            fail(format!("expert {m:?}"));
        }
    }
    for flag in &a.flags {
        seen.add(format!("flag {flag}"));
    }

    // tshark's state after the segment.
    let end = s
        .seq
        .wrapping_add(s.len as u32)
        .wrapping_add(u32::from(syn_fin));
    let me = match s.from {
        Side::Client => &mut dirs[0],
        Side::Server => &mut dirs[1],
    };
    if me.nextseq == 0 || (end.wrapping_sub(me.nextseq) as i32) > 0 {
        me.nextseq = end;
    }
    me.last_ack = Some((s.ack, flags & ACK != 0));
    me.keep_alive = a.has("keep_alive");
    me.time_ms = event.time_ms;
    bad
}

/// Whether an expert message is one the segment's flags and analysis
/// account for.
fn known_expert(m: &str, s: &Segment, flags: &BTreeSet<&str>) -> bool {
    let syn = s.flag_bits & 0x02 != 0;
    let ack = s.flag_bits & 0x10 != 0;
    let fin = s.flag_bits & 0x01 != 0;
    let rst = s.flag_bits & 0x04 != 0;
    let flag = |f: &str| flags.contains(f);
    match m {
        "Connection finish (FIN)"
        | "This frame initiates the connection closing"
        | "This frame undergoes the connection closing" => fin,
        "Connection reset (RST)" => rst,
        "This frame is a (suspected) retransmission" => flag("retransmission"),
        "This frame is a (suspected) fast retransmission" => flag("fast_retransmission"),
        "This frame is a (suspected) spurious retransmission" => flag("spurious_retransmission"),
        "Previous segment(s) not captured (common at capture start)" => flag("lost_segment"),
        "ACKed segment that wasn't captured (common at capture start)" => flag("ack_lost_segment"),
        "This frame is a (suspected) out-of-order segment" => flag("out_of_order"),
        "TCP window specified by the receiver is now completely full" => flag("window_full"),
        "TCP keep-alive segment" => flag("keep_alive"),
        "ACK to a TCP keep-alive segment" => flag("keep_alive_ack"),
        _ if m.starts_with("Duplicate ACK (#") => flag("duplicate_ack"),
        _ if m.starts_with("Connection establish request (SYN): server port ") => {
            syn && !ack && m.ends_with(&format!(" {}", s.dst.port()))
        }
        _ if m.starts_with("Connection establish acknowledge (SYN+ACK): server port ") => {
            syn && ack && m.ends_with(&format!(" {}", s.src.port()))
        }
        _ => false,
    }
}

#[test]
fn random_tcp_specs_match_tshark() {
    let mut rng = Rng(0x5eed_7c90);
    let count = spec_count();
    let mut specs = Vec::new();
    for n in 0..count {
        let mut spec = tcp_base(&mut rng, n);
        choose_loss(&mut rng, &mut spec);
        let broken = rng.chance(10).then(|| break_tcp(&mut rng, &mut spec));
        specs.push((spec, broken));
    }
    let json = |spec: &TcpSpec| serde_json::to_string(spec).unwrap();
    let (traces, refused) = run_all("tcp", specs, tcp::simulate, json);
    let dir = TempDir::new("sim-random");
    let mut names: Vec<&str> = TCP_FIELDS.to_vec();
    names.extend(ANALYSIS);
    names.push("_ws.expert.message");
    let mut seen = Seen::default();
    let mut failures: Vec<String> = Vec::new();
    let runs = batches(
        &traces,
        |(_, t)| t.segments().count(),
        |(_, t)| {
            let (c, s) = tuple(t);
            Some(
                (u64::from(c.ip().to_bits()) << 32
                    | u64::from(c.port()) << 16
                    | u64::from(s.port()))
                    ^ u64::from(s.ip().to_bits()).rotate_left(17),
            )
        },
    );
    for (b, run) in runs.iter().enumerate() {
        let mut bytes = Vec::new();
        for &i in run {
            bytes.extend_from_slice(&traces[i].1.pcapng);
        }
        let file = dir.write(&format!("tcp-{b}.pcapng"), &bytes);
        let mut rows = fields_with(&file, &names, &ONLY).into_iter();
        for &i in run {
            let (spec, trace) = &traces[i];
            let label = format!("tcp spec {}", json(spec));
            let events: Vec<&TcpEvent> = trace
                .events
                .iter()
                .filter(|e| e.segment.is_some())
                .collect();
            let mine: Vec<Vec<Vec<String>>> = rows.by_ref().take(events.len()).collect();
            assert_eq!(mine.len(), events.len(), "{label}: one row per segment");
            let fields_ok = panic::catch_unwind(AssertUnwindSafe(|| {
                for (e, row) in events.iter().zip(&mine) {
                    check_segment(&label, trace, e.segment.as_ref().unwrap(), row, e.time_ms);
                }
            }));
            if fields_ok.is_err() {
                failures.push(format!("{label}: fields (see the panic above)"));
                continue;
            }
            let mut bad = Vec::new();
            let mut dirs = [Direction::default(); 2];
            for (e, row) in events.iter().zip(&mine) {
                let s = e.segment.as_ref().unwrap();
                let a = Analysis::read(row, &s.comment);
                bad.extend(check_analysis(e, &a, &mut dirs, &mut seen));
            }
            if !bad.is_empty() {
                failures.push(format!(
                    "{label}:\n  {}\n{}",
                    bad.join("\n  "),
                    ladder(trace)
                ));
            }
            note_tcp(trace, &mut seen);
        }
        assert!(rows.next().is_none(), "batch {b}: more rows than segments");
    }
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for f in &failures {
        for line in f.lines().skip(1).filter(|l| !l.starts_with("    ")) {
            let line = line.trim();
            let kind = line.split_once(' ').map_or(line, |(_, k)| k);
            let kind = kind.split(" (").next().unwrap_or(kind).to_owned();
            *kinds.entry(kind).or_insert(0) += 1;
        }
    }
    eprintln!("disagreements by kind: {kinds:#?}");
    if let Some(path) = std::env::var_os("NETLAB_SIM_REPORT") {
        std::fs::write(path, failures.join("\n")).unwrap();
    }
    let mut report = String::new();
    for f in failures.iter().take(12) {
        let _ = writeln!(report, "{f}");
    }
    assert!(
        failures.is_empty(),
        "{} of {} traces disagree with tshark:\n{report}",
        failures.len(),
        traces.len()
    );
    eprintln!(
        "tcp: {} specs, {} refused {refused:?}, {} traces in {} tshark runs, {} segments; {:?}",
        count,
        refused.values().sum::<usize>(),
        traces.len(),
        runs.len(),
        seen.get("segment"),
        seen.0
    );
    // Coverage: it cannot have compared nothing.
    for s in SCENARIOS {
        assert!(
            seen.get(&format!("scenario {s:?}")) >= 10,
            "{s:?}: {seen:?}"
        );
    }
    for what in [
        "wrapped seq",
        "lost SYN",
        "lost SYN-ACK",
        "lost FIN",
        "lost ACK",
        "lost retransmission",
        "gave up",
        "multi-segment data",
        "fast retransmit",
        "duplicate ACK",
        "no router",
        "multibyte data",
        "1-byte MSS",
    ] {
        assert!(seen.get(what) >= 3, "{what}: {seen:?}");
    }
    assert!(
        refused.len() >= 9,
        "every way of breaking a spec: {refused:?}"
    );
    assert!(seen.get("segment") >= 5000, "{seen:?}");
}

/// The trace in short, one segment a line, for a failure's report.
fn ladder(t: &TcpTrace) -> String {
    let mut out = String::new();
    for e in &t.events {
        let Some(s) = &e.segment else {
            let _ = writeln!(out, "    {:>6} ms {:?} {}", e.time_ms, e.side, e.key);
            continue;
        };
        let _ = writeln!(
            out,
            "    {:>6} ms #{} {:?} {} seq={:?} ack={:?} len={} win={}{}{} {}",
            e.time_ms,
            s.number,
            s.from,
            s.flags,
            s.rel_seq,
            s.rel_ack,
            s.len,
            s.window,
            if s.lost { " LOST" } else { "" },
            if s.retransmission { " RTX" } else { "" },
            e.key
        );
    }
    out
}

/// Counts what a compared trace covers.
fn note_tcp(t: &TcpTrace, seen: &mut Seen) {
    seen.add(format!("scenario {:?}", t.scenario));
    let isn = |side: Side| match side {
        Side::Client => t.client.isn,
        Side::Server => t.server.isn,
    };
    let segs: Vec<&Segment> = t.segments().collect();
    for s in &segs {
        seen.add("segment");
        if s.rel_seq.is_some() && s.seq < isn(s.from) {
            seen.add("wrapped seq");
        }
        if s.lost {
            match s.flags.as_str() {
                "SYN" => seen.add("lost SYN"),
                "SYN, ACK" => seen.add("lost SYN-ACK"),
                "ACK" if s.len == 0 => seen.add("lost ACK"),
                f if f.contains("FIN") => seen.add("lost FIN"),
                _ => {}
            }
            if s.retransmission {
                seen.add("lost retransmission");
            }
        }
    }
    for side in [Side::Client, Side::Server] {
        if segs.iter().filter(|s| s.from == side && s.len > 0).count() >= 3 {
            seen.add("multi-segment data");
        }
    }
    for e in &t.events {
        match e.key {
            "tcp.timer.give_up" => seen.add("gave up"),
            "tcp.fast_retransmit" => seen.add("fast retransmit"),
            "tcp.dup_ack" | "tcp.ooo_ack" => seen.add("duplicate ACK"),
            _ => {}
        }
    }
    if t.router_mac.is_none() {
        seen.add("no router");
    }
    if segs.iter().any(|s| s.payload.contains("\\x")) {
        seen.add("multibyte data");
    }
    if t.client.mss.min(t.server.mss) == 1 && segs.iter().any(|s| s.len == 1) {
        seen.add("1-byte MSS");
    }
}

/// A random LAN: the seeds' topology, sometimes with C moved to LAN B,
/// ARP caches filled, a static route, another sender or destination, and
/// random payloads, TTLs, ports and timings.
fn lan_spec(rng: &mut Rng, n: usize) -> LanSpec {
    let mut spec = LanSpec::variant(VARIANTS[n % VARIANTS.len()]);
    if rng.chance(20) {
        // C on LAN B, behind S2.
        let c = &mut spec.hosts[2];
        c.ip = Ipv4Addr::new(192, 168, 13, 2);
        c.gateway = Some(Ipv4Addr::new(192, 168, 13, 254));
        spec.links[1] = LinkSpec {
            a: "C".to_owned(),
            b: "S2".to_owned(),
        };
    }
    if rng.chance(25) {
        spec.send.from = rng.one_of(&["B", "C"]).to_owned();
    }
    if rng.chance(20) {
        spec.routers[0].routes.push(RouteSpec {
            network: "10.0.0.0/8".parse().unwrap(),
            via: Some(Ipv4Addr::new(192, 168, 13, rng.range(1, 3) as u8)),
            interface: None,
        });
    }
    if rng.chance(20) {
        spec.hosts[0].arp.push(ArpEntry {
            ip: Ipv4Addr::new(192, 168, 12, 254),
            mac: MAC_R_LAN_A,
        });
    }
    if rng.chance(15) {
        spec.routers[0].arp.push(ArpEntry {
            ip: Ipv4Addr::new(192, 168, 13, 1),
            mac: spec.hosts[1].mac,
        });
    }
    if rng.chance(10) {
        spec.routers[0].interfaces[1].mac = rng.unicast_mac();
        let _ = MAC_R_LAN_B;
    }
    if rng.chance(40) {
        spec.send.to = rng.one_of(&[
            Ipv4Addr::new(192, 168, 13, 1),
            Ipv4Addr::new(192, 168, 12, 2),
            Ipv4Addr::new(192, 168, 13, 2),
            Ipv4Addr::new(192, 168, 13, 254),
            Ipv4Addr::new(192, 168, 12, 254),
            Ipv4Addr::new(192, 168, 13, 77),
            Ipv4Addr::new(192, 168, 12, 77),
            Ipv4Addr::new(192, 168, 13, 255),
            Ipv4Addr::new(10, 1, 2, 3),
            Ipv4Addr::new(127, 0, 0, 1),
            Ipv4Addr::new(192, 168, 12, 1),
        ]);
    }
    spec.send.proto = if rng.chance(50) {
        LanProto::Udp
    } else {
        LanProto::Icmp
    };
    let len = match rng.below(6) {
        0 => 0,
        1 => lan::MAX_PAYLOAD,
        _ => rng.range(1, 300) as usize,
    };
    spec.send.payload = rng.text(len);
    spec.send.reply = match rng.below(4) {
        0 => None,
        1 => Some(String::new()),
        _ => {
            let len = rng.range(1, 200) as usize;
            Some(rng.text(len))
        }
    };
    spec.send.ttl = rng.one_of(&[1, 2, 3, 64, 128, 255]);
    spec.send.src_port = rng.range(1, 65535) as u16;
    spec.send.dst_port = rng.range(1, 65535) as u16;
    spec.link_ms = rng.one_of(&[0, 1, 1, 3, 50]);
    spec.arp_timeout_ms = rng.one_of(&[1, 100, 1000]);
    spec.arp_tries = rng.range(1, lan::MAX_ARP_TRIES.into()) as u32;
    spec
}

/// Breaks a LAN spec one way the simulator must refuse; what was broken.
fn break_lan(rng: &mut Rng, spec: &mut LanSpec) -> &'static str {
    match rng.below(7) {
        0 if spec.variant != Variant::Ttl1 => {
            spec.send.ttl = 0;
            "ttl 0"
        }
        1 => {
            spec.arp_tries = rng.one_of(&[0, lan::MAX_ARP_TRIES + 1, u32::MAX]);
            "arp tries"
        }
        2 => {
            spec.send.payload = "x".repeat(lan::MAX_PAYLOAD + 1);
            "payload"
        }
        3 => {
            spec.links.push(LinkSpec {
                a: "S1".to_owned(),
                b: "S2".to_owned(),
            });
            spec.links.push(LinkSpec {
                a: "S2".to_owned(),
                b: "S1".to_owned(),
            });
            "switch loop"
        }
        4 => {
            spec.hosts[2].mask = "255.0.255.0".to_owned();
            "mask"
        }
        5 => {
            spec.send.from = "R".to_owned();
            "not a host"
        }
        _ => {
            spec.links.push(LinkSpec {
                a: "A".to_owned(),
                b: "S9".to_owned(),
            });
            "unknown node"
        }
    }
}

#[test]
fn random_lan_specs_match_tshark() {
    let mut rng = Rng(0x1a7_5eed);
    let count = spec_count() / 2;
    let specs: Vec<(LanSpec, Option<&'static str>)> = (0..count)
        .map(|n| {
            let mut spec = lan_spec(&mut rng, n);
            let broken = rng.chance(15).then(|| break_lan(&mut rng, &mut spec));
            (spec, broken)
        })
        .collect();
    let json = |spec: &LanSpec| serde_json::to_string(spec).unwrap();
    let (traces, refused) = run_all("lan", specs, lan::simulate, json);
    let dir = TempDir::new("sim-random");
    // LAN frames are checked one by one: any traces may share a run.
    let runs = batches(
        &traces,
        |(_, t): &(LanSpec, LanTrace)| t.frames.len(),
        |_| None,
    );
    let mut seen = Seen::default();
    let mut failures = Vec::new();
    for (b, run) in runs.iter().enumerate() {
        let mut bytes = Vec::new();
        for &i in run {
            bytes.extend_from_slice(&traces[i].1.pcapng);
        }
        let file = dir.write(&format!("lan-{b}.pcapng"), &bytes);
        let mut rows = fields_with(&file, &LAN_FIELDS, &ONLY).into_iter();
        for &i in run {
            let (spec, trace) = &traces[i];
            let label = format!("lan spec {}", json(spec));
            let mine: Vec<_> = rows.by_ref().take(trace.frames.len()).collect();
            assert_eq!(mine.len(), trace.frames.len(), "{label}: one row per frame");
            let ok = panic::catch_unwind(AssertUnwindSafe(|| {
                for (f, row) in trace.frames.iter().zip(&mine) {
                    check_lan_frame(&label, f, row);
                }
            }));
            if ok.is_err() {
                failures.push(label);
                continue;
            }
            seen.add(format!("variant {:?}", trace.variant));
            seen.add(format!("proto {:?}", spec.send.proto));
            for f in &trace.frames {
                seen.add("frame");
                if let Some(i) = &f.icmp {
                    seen.add(format!("icmp {}/{}", i.icmp_type, i.code));
                }
                if f.arp.is_some() {
                    seen.add("arp");
                }
                if f.forwarded_from.is_some() {
                    seen.add("forwarded");
                }
            }
        }
        assert!(rows.next().is_none(), "batch {b}: more rows than frames");
    }
    assert!(
        failures.is_empty(),
        "{} of {} traces disagree with tshark; first: {:#?}",
        failures.len(),
        traces.len(),
        &failures[..failures.len().min(5)]
    );
    eprintln!(
        "lan: {count} specs, {} refused {refused:?}, {} traces in {} tshark runs; {:?}",
        refused.values().sum::<usize>(),
        traces.len(),
        runs.len(),
        seen.0
    );
    for v in VARIANTS {
        assert!(seen.get(&format!("variant {v:?}")) >= 5, "{v:?}: {seen:?}");
    }
    for what in [
        "proto Icmp",
        "proto Udp",
        "arp",
        "forwarded",
        "icmp 11/0",
        "icmp 3/0",
        "icmp 0/0",
    ] {
        assert!(seen.get(what) >= 3, "{what}: {seen:?}");
    }
    assert!(
        refused.len() >= 6,
        "ways of breaking a LAN spec: {refused:?}"
    );
    assert!(seen.get("frame") >= 500, "{seen:?}");
}
