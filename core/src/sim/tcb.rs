//! One TCP end: the transmission control block and the RFC 9293 state
//! machine (§3.3.2's eleven states, §3.10's event processing).
//!
//! The machine is driven from outside: the application's calls (`listen`,
//! `connect`, `send`, `close`), arriving segments and timer expiries each
//! return the segments to send, each tagged with why it is sent. It keeps
//! what a teaching trace needs and leaves out what would hide it: no
//! window scaling, SACK, timestamps, delayed ACKs, Nagle or congestion
//! control; out-of-order data is not queued (it is answered with a
//! duplicate ACK and sent again later); the application reads every byte
//! as soon as it arrives, so the advertised window stays as configured.
//! Retransmission follows RFC 6298 with a fixed initial RTO: the timer runs
//! while data is unacknowledged, doubles on each expiry (at most 60 s),
//! and returns to the initial value when new data is acknowledged.

use std::fmt;

use serde::Serialize;

use crate::packet::tcp::TcpFlags;

/// The states of RFC 9293 §3.3.2, by their RFC names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum State {
    #[serde(rename = "CLOSED")]
    Closed,
    #[serde(rename = "LISTEN")]
    Listen,
    #[serde(rename = "SYN-SENT")]
    SynSent,
    #[serde(rename = "SYN-RECEIVED")]
    SynReceived,
    #[serde(rename = "ESTABLISHED")]
    Established,
    #[serde(rename = "FIN-WAIT-1")]
    FinWait1,
    #[serde(rename = "FIN-WAIT-2")]
    FinWait2,
    #[serde(rename = "CLOSE-WAIT")]
    CloseWait,
    #[serde(rename = "CLOSING")]
    Closing,
    #[serde(rename = "LAST-ACK")]
    LastAck,
    #[serde(rename = "TIME-WAIT")]
    TimeWait,
}

impl State {
    /// The RFC's name, `SYN-SENT`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Closed => "CLOSED",
            Self::Listen => "LISTEN",
            Self::SynSent => "SYN-SENT",
            Self::SynReceived => "SYN-RECEIVED",
            Self::Established => "ESTABLISHED",
            Self::FinWait1 => "FIN-WAIT-1",
            Self::FinWait2 => "FIN-WAIT-2",
            Self::CloseWait => "CLOSE-WAIT",
            Self::Closing => "CLOSING",
            Self::LastAck => "LAST-ACK",
            Self::TimeWait => "TIME-WAIT",
        }
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A segment as the state machine sees it (ports and addresses are the
/// driver's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Seg {
    pub seq: u32,
    pub ack: u32,
    pub flags: TcpFlags,
    pub window: u16,
    /// The MSS option, sent with SYN.
    pub mss: Option<u16>,
    pub payload: Vec<u8>,
}

impl Seg {
    fn has(&self, flag: TcpFlags) -> bool {
        self.flags.contains(flag)
    }

    /// SEG.LEN: the sequence space it takes (SYN and FIN count one each).
    pub fn seq_len(&self) -> u32 {
        self.payload.len() as u32
            + u32::from(self.has(TcpFlags::SYN))
            + u32::from(self.has(TcpFlags::FIN))
    }
}

/// Why an end sends a segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Why {
    /// The first segment of an active open.
    Syn,
    /// The answer to a SYN.
    SynAck,
    /// The ACK that completes the handshake.
    HandshakeAck,
    Data,
    /// Acknowledges data that arrived in order.
    DataAck,
    Fin,
    /// Acknowledges the other side's FIN.
    FinAck,
    /// A segment reached no connection (RFC 9293 §3.10.7.1).
    ResetClosed,
    /// A segment acknowledged something never sent.
    ResetBadAck,
    /// A segment outside the window or a duplicate: the ACK repeats what
    /// is expected next.
    DupAck,
    /// Data after a gap: kept, and the ACK repeats where the gap starts.
    OutOfOrder,
    /// The third duplicate ACK: the missing segment again, before the timer.
    FastRetransmit,
    /// The missing bytes came: the ACK covers them and the held ones.
    GapFilled,
    /// A SYN on an open connection (RFC 5961 §4).
    ChallengeAck,
    /// The SYN again while in SYN-RECEIVED: the SYN-ACK was lost, so it
    /// goes again at once.
    SynAckRepeated,
    /// close() with bytes the program never read: Linux aborts (RFC 1122
    /// §4.2.2.13) instead of closing gracefully.
    ResetUnread,
    /// New data reached a side whose program has closed: nobody can read
    /// it, so Linux resets (RFC 1122 §4.2.2.13 again).
    ResetAfterClose,
    /// A segment of a connection this side has already dropped.
    ResetGone,
}

/// A segment to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Out {
    pub seg: Seg,
    pub why: Why,
    pub retransmission: bool,
}

/// How a connection ended badly, as the application sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// RST in answer to our SYN: `ConnectionRefusedError`.
    Refused,
    /// RST on an open connection: `ConnectionResetError`.
    Reset,
    /// Retransmissions ran out: `TimeoutError`.
    TimedOut,
}

/// What a timer did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Fired {
    /// The retransmission timer expired (`attempt` counts from 1); `rto`
    /// is the timeout that expired, `next_rto` the doubled one.
    Retransmit {
        attempt: u32,
        rto: u64,
        next_rto: u64,
        /// Duplicate ACKs that came before the timer: too few for a fast
        /// retransmit.
        dup_acks: u32,
        outs: Vec<Out>,
    },
    /// Too many retransmissions: the connection is dropped.
    GaveUp { attempts: u32 },
    /// TIME-WAIT's 2×MSL ended.
    TimeWaitOver,
}

/// The RTO's ceiling (RFC 6298 §2.5 allows one of at least 60 s).
const MAX_RTO_MS: u64 = 60_000;
/// The MSS assumed without the option (RFC 9293 §3.7.1).
const DEFAULT_MSS: u16 = 536;

/// One end's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Config {
    pub iss: u32,
    pub window: u16,
    pub mss: u16,
    pub rto_ms: u64,
    pub max_retries: u32,
    pub time_wait_ms: u64,
}

fn lt(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) < 0
}

fn le(a: u32, b: u32) -> bool {
    a == b || lt(a, b)
}

/// The transmission control block.
#[derive(Debug, Clone)]
pub(crate) struct Tcb {
    cfg: Config,
    pub state: State,
    /// Opened by `listen`: a reset in SYN-RECEIVED goes back to LISTEN.
    passive: bool,
    /// Whether our SYN (and so our ISN) has been sent.
    pub synced: bool,
    snd_una: u32,
    snd_nxt: u32,
    snd_wnd: u32,
    rcv_nxt: u32,
    peer_mss: u16,
    /// Every byte the application wrote; byte `k` has sequence number
    /// ISS + 1 + k.
    out: Vec<u8>,
    /// How many bytes of `out` went out at least once.
    data_sent: usize,
    fin_queued: bool,
    fin_sent: bool,
    /// The bytes that arrived in order.
    pub received: Vec<u8>,
    /// Segments that arrived after a gap, kept until it is filled (RFC
    /// 9293 §3.10.7.4; Linux's out-of-order queue): sequence number,
    /// bytes, and whether a FIN came after them.
    held: Vec<(u32, Vec<u8>, bool)>,
    /// The end of the highest data retransmitted: by Karn's rule an ACK up
    /// to it says nothing of the round trip, so the backed-off RTO stays.
    rtx_high: Option<u32>,
    /// Duplicate ACKs in a row.
    dup_acks: u32,
    pub fin_received: bool,
    pub failure: Option<Failure>,
    rto_at: Option<u64>,
    rto: u64,
    retries: u32,
    time_wait_at: Option<u64>,
    /// Ever reached ESTABLISHED.
    pub opened: bool,
}

impl Tcb {
    pub fn new(cfg: Config) -> Self {
        Self {
            cfg,
            state: State::Closed,
            passive: false,
            synced: false,
            snd_una: cfg.iss,
            snd_nxt: cfg.iss,
            snd_wnd: 0,
            rcv_nxt: 0,
            peer_mss: DEFAULT_MSS,
            out: Vec::new(),
            data_sent: 0,
            fin_queued: false,
            fin_sent: false,
            held: Vec::new(),
            rtx_high: None,
            dup_acks: 0,
            received: Vec::new(),
            fin_received: false,
            failure: None,
            rto_at: None,
            rto: cfg.rto_ms,
            retries: 0,
            time_wait_at: None,
            opened: false,
        }
    }

    /// A segment from this end, carrying the current ACK when `flags` has it.
    fn seg(&self, seq: u32, flags: TcpFlags, payload: Vec<u8>) -> Seg {
        let syn = flags.contains(TcpFlags::SYN);
        Seg {
            seq,
            ack: if flags.contains(TcpFlags::ACK) {
                self.rcv_nxt
            } else {
                0
            },
            flags,
            window: self.cfg.window,
            mss: syn.then_some(self.cfg.mss),
            payload,
        }
    }

    fn out(&self, seq: u32, flags: TcpFlags, payload: Vec<u8>, why: Why) -> Out {
        Out {
            seg: self.seg(seq, flags, payload),
            why,
            retransmission: false,
        }
    }

    fn ack_now(&self, why: Why) -> Out {
        self.out(self.snd_nxt, TcpFlags::ACK, Vec::new(), why)
    }

    fn enter(&mut self, state: State) {
        self.state = state;
        if state == State::Established {
            self.opened = true;
        }
    }

    fn arm(&mut self, now: u64) {
        if self.rto_at.is_none() {
            self.rto_at = Some(now.saturating_add(self.rto));
        }
    }

    fn stop_timers(&mut self) {
        self.rto_at = None;
        self.time_wait_at = None;
    }

    fn start_time_wait(&mut self, now: u64) {
        self.enter(State::TimeWait);
        self.rto_at = None;
        self.time_wait_at = Some(now.saturating_add(self.cfg.time_wait_ms));
    }

    /// The sending MSS: the smaller of ours and the peer's.
    fn send_mss(&self) -> usize {
        usize::from(self.cfg.mss.min(self.peer_mss).max(1))
    }

    fn seq_of(&self, offset: usize) -> u32 {
        self.cfg.iss.wrapping_add(1).wrapping_add(offset as u32)
    }

    /// Data bytes acknowledged so far.
    fn acked_data(&self) -> usize {
        if !lt(self.cfg.iss, self.snd_una) {
            return 0;
        }
        (self.snd_una.wrapping_sub(self.cfg.iss.wrapping_add(1)) as usize).min(self.data_sent)
    }

    fn fin_acked(&self) -> bool {
        self.fin_sent && self.snd_una == self.snd_nxt
    }

    /// The earliest time a timer of this end fires.
    pub fn next_timer(&self) -> Option<u64> {
        match (self.rto_at, self.time_wait_at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Bytes that arrived and the application has not read, from `read`.
    pub fn unread(&self, read: usize) -> &[u8] {
        &self.received[read.min(self.received.len())..]
    }

    /// OPEN, passive (`sk.listen()`).
    pub fn listen(&mut self) {
        if self.state == State::Closed {
            self.passive = true;
            self.enter(State::Listen);
        }
    }

    /// OPEN, active (`sk.connect()`): SYN with our ISN.
    pub fn connect(&mut self, now: u64) -> Vec<Out> {
        if self.state != State::Closed {
            return Vec::new();
        }
        self.synced = true;
        self.snd_una = self.cfg.iss;
        self.snd_nxt = self.cfg.iss.wrapping_add(1);
        self.enter(State::SynSent);
        self.arm(now);
        vec![self.out(self.cfg.iss, TcpFlags::SYN, Vec::new(), Why::Syn)]
    }

    /// SEND: queue the bytes and send what the window allows.
    pub fn send(&mut self, data: &[u8], now: u64) -> Vec<Out> {
        match self.state {
            State::SynSent | State::SynReceived | State::Established | State::CloseWait => {
                self.out.extend_from_slice(data);
                self.output(now)
            }
            _ => Vec::new(),
        }
    }

    /// CLOSE: a FIN after the queued data.
    pub fn close(&mut self, now: u64) -> Vec<Out> {
        match self.state {
            State::Listen | State::SynSent => {
                self.stop_timers();
                self.enter(State::Closed);
                Vec::new()
            }
            State::SynReceived | State::Established => {
                self.fin_queued = true;
                self.enter(State::FinWait1);
                self.output(now)
            }
            State::CloseWait => {
                self.fin_queued = true;
                self.enter(State::LastAck);
                self.output(now)
            }
            _ => Vec::new(),
        }
    }

    /// ABORT (RFC 9293 §3.10.5): a RST, the queues dropped, the connection
    /// gone. Linux's close() does this when received data is still unread.
    pub fn abort(&mut self) -> Vec<Out> {
        match self.state {
            State::SynReceived
            | State::Established
            | State::FinWait1
            | State::FinWait2
            | State::CloseWait => {
                let rst = self.out(
                    self.snd_nxt,
                    TcpFlags::RST | TcpFlags::ACK,
                    Vec::new(),
                    Why::ResetUnread,
                );
                self.stop_timers();
                self.enter(State::Closed);
                vec![rst]
            }
            _ => Vec::new(),
        }
    }

    /// Sends the data the window allows, then a queued FIN.
    fn output(&mut self, now: u64) -> Vec<Out> {
        let mut outs = Vec::new();
        if !matches!(
            self.state,
            State::Established | State::CloseWait | State::FinWait1 | State::LastAck
        ) {
            return outs;
        }
        while self.data_sent < self.out.len() {
            let in_flight = self.snd_nxt.wrapping_sub(self.snd_una);
            let room = self.snd_wnd.saturating_sub(in_flight) as usize;
            let n = (self.out.len() - self.data_sent)
                .min(self.send_mss())
                .min(room);
            if n == 0 {
                break;
            }
            let seq = self.seq_of(self.data_sent);
            let payload = self.out[self.data_sent..self.data_sent + n].to_vec();
            self.data_sent += n;
            self.snd_nxt = seq.wrapping_add(n as u32);
            let mut flags = TcpFlags::ACK;
            if self.data_sent == self.out.len() {
                flags = TcpFlags::PSH | flags;
            }
            outs.push(self.out(seq, flags, payload, Why::Data));
            self.arm(now);
        }
        if self.fin_queued
            && !self.fin_sent
            && self.data_sent == self.out.len()
            && matches!(self.state, State::FinWait1 | State::LastAck)
        {
            let seq = self.snd_nxt;
            self.fin_sent = true;
            self.snd_nxt = seq.wrapping_add(1);
            outs.push(self.out(seq, TcpFlags::FIN | TcpFlags::ACK, Vec::new(), Why::Fin));
            self.arm(now);
        }
        outs
    }

    /// The answer of an end with no connection (§3.10.7.1): RST, unless
    /// the segment is itself a RST.
    fn reset_for(&self, seg: &Seg, why: Why) -> Vec<Out> {
        if seg.has(TcpFlags::RST) {
            return Vec::new();
        }
        let rst = if seg.has(TcpFlags::ACK) {
            Seg {
                seq: seg.ack,
                ack: 0,
                flags: TcpFlags::RST,
                window: 0,
                mss: None,
                payload: Vec::new(),
            }
        } else {
            Seg {
                seq: 0,
                ack: seg.seq.wrapping_add(seg.seq_len()),
                flags: TcpFlags::RST | TcpFlags::ACK,
                window: 0,
                mss: None,
                payload: Vec::new(),
            }
        };
        vec![Out {
            seg: rst,
            why,
            retransmission: false,
        }]
    }

    /// SEGMENT ARRIVES (§3.10.7).
    pub fn arrive(&mut self, seg: &Seg, now: u64) -> Vec<Out> {
        match self.state {
            State::Closed if seg.has(TcpFlags::SYN) || !self.synced => {
                self.reset_for(seg, Why::ResetClosed)
            }
            State::Closed => self.reset_for(seg, Why::ResetGone),
            State::Listen => self.arrive_listen(seg, now),
            State::SynSent => self.arrive_syn_sent(seg, now),
            _ => self.arrive_synchronized(seg, now),
        }
    }

    fn arrive_listen(&mut self, seg: &Seg, now: u64) -> Vec<Out> {
        if seg.has(TcpFlags::RST) {
            return Vec::new();
        }
        if seg.has(TcpFlags::ACK) {
            return self.reset_for(seg, Why::ResetBadAck);
        }
        if !seg.has(TcpFlags::SYN) {
            return Vec::new();
        }
        self.rcv_nxt = seg.seq.wrapping_add(1);
        self.peer_mss = seg.mss.unwrap_or(DEFAULT_MSS);
        self.snd_wnd = u32::from(seg.window);
        self.synced = true;
        self.snd_una = self.cfg.iss;
        self.snd_nxt = self.cfg.iss.wrapping_add(1);
        self.enter(State::SynReceived);
        self.arm(now);
        vec![self.out(
            self.cfg.iss,
            TcpFlags::SYN | TcpFlags::ACK,
            Vec::new(),
            Why::SynAck,
        )]
    }

    fn arrive_syn_sent(&mut self, seg: &Seg, now: u64) -> Vec<Out> {
        let has_ack = seg.has(TcpFlags::ACK);
        if has_ack && (le(seg.ack, self.cfg.iss) || lt(self.snd_nxt, seg.ack)) {
            return self.reset_for(seg, Why::ResetBadAck);
        }
        if seg.has(TcpFlags::RST) {
            if has_ack {
                self.stop_timers();
                self.failure = Some(Failure::Refused);
                self.enter(State::Closed);
            }
            return Vec::new();
        }
        if !seg.has(TcpFlags::SYN) {
            return Vec::new();
        }
        self.rcv_nxt = seg.seq.wrapping_add(1);
        self.peer_mss = seg.mss.unwrap_or(DEFAULT_MSS);
        self.snd_wnd = u32::from(seg.window);
        if has_ack {
            self.snd_una = seg.ack;
        }
        if lt(self.cfg.iss, self.snd_una) {
            self.rto_at = None;
            self.rto = self.cfg.rto_ms;
            self.retries = 0;
            self.enter(State::Established);
            let mut outs = vec![self.ack_now(Why::HandshakeAck)];
            outs.extend(self.output(now));
            outs
        } else {
            // Simultaneous open (§3.5, Figure 8).
            self.enter(State::SynReceived);
            vec![self.out(
                self.cfg.iss,
                TcpFlags::SYN | TcpFlags::ACK,
                Vec::new(),
                Why::SynAck,
            )]
        }
    }

    /// The acceptability test of §3.10.7.4, Table 6.
    fn acceptable(&self, seg: &Seg) -> bool {
        let len = seg.seq_len();
        let wnd = u32::from(self.cfg.window);
        let end = self.rcv_nxt.wrapping_add(wnd);
        let inside = |s: u32| le(self.rcv_nxt, s) && lt(s, end);
        match (len, wnd) {
            (0, 0) => seg.seq == self.rcv_nxt,
            (0, _) => inside(seg.seq),
            (_, 0) => false,
            _ => inside(seg.seq) || inside(seg.seq.wrapping_add(len - 1)),
        }
    }

    fn arrive_synchronized(&mut self, seg: &Seg, now: u64) -> Vec<Out> {
        // The peer's SYN again, in SYN-RECEIVED: it never got the SYN-ACK.
        // RFC 9293 would answer with a bare ACK (the SYN is old news) and
        // leave the SYN-ACK to the timer; Linux (tcp_check_req) and
        // FreeBSD's syncache send the SYN-ACK again at once and restart
        // the timer, which is what a capture shows and what the learner
        // compares with.
        if self.state == State::SynReceived
            && self.passive
            && seg.flags == TcpFlags::SYN
            && seg.seq == self.rcv_nxt.wrapping_sub(1)
        {
            self.rto_at = Some(now.saturating_add(self.rto));
            let mut again = self.retransmit();
            for o in &mut again {
                o.why = Why::SynAckRepeated;
            }
            return again;
        }
        // First: the sequence number.
        if !self.acceptable(seg) {
            if seg.has(TcpFlags::RST) {
                return Vec::new();
            }
            return vec![self.ack_now(Why::DupAck)];
        }
        // Second: RST.
        if seg.has(TcpFlags::RST) {
            self.stop_timers();
            match self.state {
                State::SynReceived if self.passive => {
                    let cfg = self.cfg;
                    *self = Self::new(cfg);
                    self.passive = true;
                    self.enter(State::Listen);
                }
                State::SynReceived => {
                    self.failure = Some(Failure::Refused);
                    self.enter(State::Closed);
                }
                State::Established | State::FinWait1 | State::FinWait2 | State::CloseWait => {
                    self.failure = Some(Failure::Reset);
                    self.enter(State::Closed);
                }
                _ => self.enter(State::Closed),
            }
            return Vec::new();
        }
        // Fourth: SYN on a synchronized connection.
        if seg.has(TcpFlags::SYN) {
            return vec![self.ack_now(Why::ChallengeAck)];
        }
        // Fifth: ACK.
        if !seg.has(TcpFlags::ACK) {
            return Vec::new();
        }
        if self.state == State::SynReceived {
            if lt(self.snd_una, seg.ack) && le(seg.ack, self.snd_nxt) {
                self.enter(State::Established);
            } else {
                return self.reset_for(seg, Why::ResetBadAck);
            }
        }
        if lt(self.snd_nxt, seg.ack) {
            return vec![self.ack_now(Why::DupAck)];
        }
        // A duplicate ACK (RFC 5681 §2): nothing new acknowledged, no data,
        // the same window, while data is outstanding. The third in a row
        // means a segment is missing: it goes again at once (§3.2).
        let duplicate = seg.ack == self.snd_una
            && seg.payload.is_empty()
            && !seg.has(TcpFlags::FIN)
            && u32::from(seg.window) == self.snd_wnd
            && self.snd_una != self.snd_nxt;
        if duplicate {
            self.dup_acks += 1;
            if self.dup_acks == 3 {
                let mut fast = self.retransmit();
                for o in &mut fast {
                    if o.why == Why::Data {
                        o.why = Why::FastRetransmit;
                    }
                }
                self.note_retransmitted(&fast);
                if !fast.is_empty() {
                    return fast;
                }
            }
        } else if lt(self.snd_una, seg.ack) {
            self.dup_acks = 0;
        }
        if lt(self.snd_una, seg.ack) {
            self.snd_una = seg.ack;
            // Karn: only an ACK of data sent once ends the backoff.
            if self.rtx_high.is_none_or(|h| lt(h, seg.ack)) {
                self.rto = self.cfg.rto_ms;
                self.rtx_high = None;
            }
            self.retries = 0;
            self.rto_at = if self.snd_una == self.snd_nxt {
                None
            } else {
                Some(now.saturating_add(self.rto))
            };
        }
        self.snd_wnd = u32::from(seg.window);
        match self.state {
            State::FinWait1 if self.fin_acked() => self.enter(State::FinWait2),
            State::Closing if self.fin_acked() => self.start_time_wait(now),
            State::LastAck if self.fin_acked() => {
                self.stop_timers();
                self.enter(State::Closed);
                return Vec::new();
            }
            _ => {}
        }
        // Seventh: the data.
        let mut ack = None;
        let mut seq = seg.seq;
        let mut data: &[u8] = &seg.payload;
        let takes_data = matches!(
            self.state,
            State::Established | State::FinWait1 | State::FinWait2
        );
        // The program closed (this model's FIN-WAIT states come only from
        // close()), so new data has no reader: Linux resets.
        let new_data = lt(self.rcv_nxt, seg.seq.wrapping_add(data.len() as u32));
        if !data.is_empty() && new_data && matches!(self.state, State::FinWait1 | State::FinWait2) {
            self.stop_timers();
            self.enter(State::Closed);
            return self.reset_for(seg, Why::ResetAfterClose);
        }
        if !data.is_empty() && takes_data {
            if lt(seq, self.rcv_nxt) {
                let skip = (self.rcv_nxt.wrapping_sub(seq) as usize).min(data.len());
                data = &data[skip..];
                seq = self.rcv_nxt;
            }
            if seq == self.rcv_nxt {
                self.received.extend_from_slice(data);
                self.rcv_nxt = self.rcv_nxt.wrapping_add(data.len() as u32);
                ack = Some(Why::DataAck);
            } else if data.is_empty() {
                return vec![self.ack_now(Why::DupAck)];
            } else {
                // After a gap: kept, and the ACK says where the gap starts.
                self.hold(seq, data.to_vec(), seg.has(TcpFlags::FIN));
                return vec![self.ack_now(Why::OutOfOrder)];
            }
        }
        let fin_seq = seg.seq.wrapping_add(seg.payload.len() as u32);
        let mut fin = seg.has(TcpFlags::FIN) && fin_seq == self.rcv_nxt;
        if ack.is_some() && !self.held.is_empty() {
            let before = self.rcv_nxt;
            fin |= self.take_held();
            if self.rcv_nxt != before {
                ack = Some(Why::GapFilled);
            }
        }
        // Eighth: FIN.
        if seg.has(TcpFlags::FIN) || fin {
            if fin {
                self.rcv_nxt = self.rcv_nxt.wrapping_add(1);
                self.fin_received = true;
                ack = Some(Why::FinAck);
                match self.state {
                    State::SynReceived | State::Established => self.enter(State::CloseWait),
                    State::FinWait1 if self.fin_acked() => self.start_time_wait(now),
                    State::FinWait1 => self.enter(State::Closing),
                    State::FinWait2 | State::TimeWait => self.start_time_wait(now),
                    _ => {}
                }
            } else if lt(self.rcv_nxt, fin_seq) {
                if takes_data {
                    self.hold(fin_seq, Vec::new(), true);
                    return vec![self.ack_now(Why::OutOfOrder)];
                }
                return vec![self.ack_now(Why::DupAck)];
            }
        }
        let more = self.output(now);
        let mut outs = Vec::new();
        if let Some(why) = ack {
            // The data that goes out now carries the same ACK.
            if more.is_empty() {
                outs.push(self.ack_now(why));
            }
        }
        outs.extend(more);
        outs
    }

    /// Raises `rtx_high` to the end of what `outs` sends again (Karn).
    fn note_retransmitted(&mut self, outs: &[Out]) {
        for o in outs {
            let end = o.seg.seq.wrapping_add(o.seg.seq_len());
            if self.rtx_high.is_none_or(|h| lt(h, end)) {
                self.rtx_high = Some(end);
            }
        }
    }

    /// Keeps bytes that came after a gap (and a FIN after them), once.
    fn hold(&mut self, seq: u32, data: Vec<u8>, fin: bool) {
        if !self
            .held
            .iter()
            .any(|(s, d, f)| *s == seq && d.len() == data.len() && *f == fin)
        {
            self.held.push((seq, data, fin));
        }
    }

    /// Moves the held bytes that now follow on into `received`; whether a
    /// held FIN has been reached.
    fn take_held(&mut self) -> bool {
        let mut fin = false;
        loop {
            let next = self.held.iter().position(|(s, d, _)| {
                le(*s, self.rcv_nxt)
                    && lt(self.rcv_nxt, s.wrapping_add(d.len() as u32).wrapping_add(1))
            });
            let Some(i) = next else { break };
            let (s, d, f) = self.held.swap_remove(i);
            let skip = (self.rcv_nxt.wrapping_sub(s) as usize).min(d.len());
            self.received.extend_from_slice(&d[skip..]);
            self.rcv_nxt = self.rcv_nxt.wrapping_add((d.len() - skip) as u32);
            fin |= f;
            if f {
                break;
            }
        }
        let rcv_nxt = self.rcv_nxt;
        self.held
            .retain(|(s, d, _)| lt(rcv_nxt, s.wrapping_add(d.len() as u32)));
        fin
    }

    /// Fires the timer due at `now`, if any.
    pub fn fire(&mut self, now: u64) -> Option<Fired> {
        if self.time_wait_at.is_some_and(|t| t <= now) {
            self.time_wait_at = None;
            self.enter(State::Closed);
            return Some(Fired::TimeWaitOver);
        }
        if self.rto_at.is_none_or(|t| t > now) {
            return None;
        }
        self.retries += 1;
        if self.retries > self.cfg.max_retries {
            self.stop_timers();
            self.failure = Some(Failure::TimedOut);
            self.enter(State::Closed);
            return Some(Fired::GaveUp {
                attempts: self.retries - 1,
            });
        }
        let rto = self.rto;
        self.rto = rto.saturating_mul(2).min(MAX_RTO_MS.max(self.cfg.rto_ms));
        self.rto_at = Some(now.saturating_add(self.rto));
        let outs = self.retransmit();
        self.note_retransmitted(&outs);
        Some(Fired::Retransmit {
            attempt: self.retries,
            rto,
            next_rto: self.rto,
            dup_acks: self.dup_acks,
            outs,
        })
    }

    /// The first unacknowledged segment, again.
    fn retransmit(&self) -> Vec<Out> {
        let again = |mut o: Out| {
            o.retransmission = true;
            vec![o]
        };
        match self.state {
            State::SynSent => again(self.out(self.cfg.iss, TcpFlags::SYN, Vec::new(), Why::Syn)),
            State::SynReceived => again(self.out(
                self.cfg.iss,
                TcpFlags::SYN | TcpFlags::ACK,
                Vec::new(),
                Why::SynAck,
            )),
            _ => {
                let from = self.acked_data();
                if from < self.data_sent {
                    let n = (self.data_sent - from).min(self.send_mss());
                    let payload = self.out[from..from + n].to_vec();
                    again(self.out(
                        self.seq_of(from),
                        TcpFlags::PSH | TcpFlags::ACK,
                        payload,
                        Why::Data,
                    ))
                } else if self.fin_sent && !self.fin_acked() {
                    again(self.out(
                        self.snd_nxt.wrapping_sub(1),
                        TcpFlags::FIN | TcpFlags::ACK,
                        Vec::new(),
                        Why::Fin,
                    ))
                } else {
                    Vec::new()
                }
            }
        }
    }
}

#[cfg(test)]
mod test {
    use super::*;

    fn cfg(iss: u32) -> Config {
        Config {
            iss,
            window: 64240,
            mss: 1460,
            rto_ms: 1000,
            max_retries: 3,
            time_wait_ms: 60_000,
        }
    }

    /// Delivers each segment in `outs` to `to`, returning its answers.
    fn deliver(outs: Vec<Out>, to: &mut Tcb) -> Vec<Out> {
        outs.into_iter()
            .flat_map(|o| to.arrive(&o.seg, 0))
            .collect()
    }

    #[test]
    fn three_way_handshake_and_close() {
        let (mut a, mut b) = (Tcb::new(cfg(100)), Tcb::new(cfg(300)));
        b.listen();
        let syn = a.connect(0);
        assert_eq!((syn[0].seg.seq, syn[0].seg.mss), (100, Some(1460)));
        let syn_ack = deliver(syn, &mut b);
        assert_eq!(b.state, State::SynReceived);
        assert_eq!((syn_ack[0].seg.seq, syn_ack[0].seg.ack), (300, 101));
        let ack = deliver(syn_ack, &mut a);
        assert_eq!(a.state, State::Established);
        assert_eq!(
            (ack[0].seg.seq, ack[0].seg.ack, ack[0].why),
            (101, 301, Why::HandshakeAck)
        );
        assert!(deliver(ack, &mut b).is_empty());
        assert_eq!(b.state, State::Established);

        let fin = a.close(0);
        assert_eq!(a.state, State::FinWait1);
        let ack = deliver(fin, &mut b);
        assert_eq!((b.state, ack[0].why), (State::CloseWait, Why::FinAck));
        assert!(deliver(ack, &mut a).is_empty());
        assert_eq!(a.state, State::FinWait2);
        let fin = b.close(0);
        assert_eq!(b.state, State::LastAck);
        let ack = deliver(fin, &mut a);
        assert_eq!(a.state, State::TimeWait);
        deliver(ack, &mut b);
        assert_eq!(b.state, State::Closed);
        assert_eq!(a.fire(60_000), Some(Fired::TimeWaitOver));
        assert_eq!(a.state, State::Closed);
    }

    #[test]
    fn a_closed_port_resets() {
        let (mut a, mut b) = (Tcb::new(cfg(100)), Tcb::new(cfg(300)));
        let rst = deliver(a.connect(0), &mut b);
        assert_eq!(rst[0].seg.flags, TcpFlags::RST | TcpFlags::ACK);
        assert_eq!((rst[0].seg.seq, rst[0].seg.ack), (0, 101));
        assert!(deliver(rst, &mut a).is_empty());
        assert_eq!(
            (a.state, a.failure),
            (State::Closed, Some(Failure::Refused))
        );
    }

    #[test]
    fn retransmission_backs_off_then_gives_up() {
        let mut a = Tcb::new(cfg(100));
        a.connect(0);
        let mut rtos = Vec::new();
        let mut now = 0;
        while let Some(t) = a.next_timer() {
            now = t;
            match a.fire(now) {
                Some(Fired::Retransmit { rto, outs, .. }) => {
                    assert!(outs[0].retransmission);
                    rtos.push(rto);
                }
                Some(Fired::GaveUp { attempts }) => assert_eq!(attempts, 3),
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(rtos, [1000, 2000, 4000]);
        assert_eq!(now, 15_000);
        assert_eq!(a.failure, Some(Failure::TimedOut));
    }

    #[test]
    fn data_in_mss_sized_segments_within_the_window() {
        let (mut a, mut b) = (
            Tcb::new(cfg(100)),
            Tcb::new(Config {
                window: 4,
                mss: 3,
                ..cfg(300)
            }),
        );
        b.listen();
        let ack = deliver(deliver(a.connect(0), &mut b), &mut a);
        deliver(ack, &mut b);
        let sent = a.send(b"hello", 0);
        let sizes: Vec<usize> = sent.iter().map(|o| o.seg.payload.len()).collect();
        assert_eq!(sizes, [3, 1], "MSS 3, window 4");
        let acks = deliver(sent, &mut b);
        assert_eq!(acks.last().unwrap().seg.ack, 105);
        let rest = deliver(acks, &mut a);
        assert_eq!(rest[0].seg.payload, b"o");
        assert!(rest[0].seg.flags.contains(TcpFlags::PSH));
        deliver(rest, &mut b);
        assert_eq!(b.received, b"hello");
    }
}
