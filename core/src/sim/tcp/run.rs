//! The two programs and the network between them: a discrete-event loop
//! over segments in flight, timers and socket calls.

use super::super::tcb::{Config, Failure, Fired, Out, Seg, State, Tcb};
use super::super::wire::{self, Ip, Upper};
use super::explain;
use super::{
    Endpoint, EventKind, MAX_EVENTS, RECV_SIZE, Scenario, Segment, Side, TcpEvent, TcpSimError,
    TcpSpec, Transition,
};
use crate::packet::field::py_bytes;
use crate::packet::tcp::{self, TcpFlags, TcpOption};
use crate::protocol::errno;

/// What a run leaves behind.
#[derive(Debug)]
pub(super) struct Played {
    pub(super) events: Vec<TcpEvent>,
    pub(super) client_state: State,
    pub(super) server_state: State,
}

/// Runs the spec's programs until nothing is left to happen.
pub(super) fn play(
    spec: &TcpSpec,
    client: Endpoint,
    server: Endpoint,
) -> Result<Played, TcpSimError> {
    let [client_calls, server_calls] = programs(spec);
    let end = |ep: Endpoint, calls: Vec<Call>, start: u64| End {
        ep,
        tcb: Tcb::new(Config {
            iss: ep.isn,
            window: ep.window,
            mss: ep.mss,
            rto_ms: spec.rto_ms,
            max_retries: spec.max_retries,
            time_wait_ms: spec.time_wait_ms,
        }),
        app: App {
            ready_at: (!calls.is_empty()).then_some(start),
            calls,
            at: 0,
            read: 0,
            accepted: false,
        },
        ident: 0,
    };
    let mut sim = Sim {
        spec,
        // The seeds start server.py first, then client.py.
        ends: [
            end(client, client_calls, spec.think_ms),
            end(server, server_calls, 0),
        ],
        flight: Vec::new(),
        events: Vec::new(),
        sent: 0,
        loss: spec
            .loss
            .clone()
            .unwrap_or_else(|| spec.scenario.default_loss()),
        now: 0,
    };
    sim.run()?;
    Ok(Played {
        client_state: sim.ends[0].tcb.state,
        server_state: sim.ends[1].tcb.state,
        events: sim.events,
    })
}

/// A program's socket call.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Call {
    Listen,
    Accept,
    Connect,
    Send(Vec<u8>),
    Recv,
    Close,
    /// Waits until the other program reaches its barrier too, so both
    /// go on at the same moment (the simultaneous close).
    Barrier,
}

fn programs(spec: &TcpSpec) -> [Vec<Call>; 2] {
    use Call::*;
    let request = Send(spec.request.as_bytes().to_vec());
    let reply = Send(spec.reply.as_bytes().to_vec());
    let server_first = spec.first_sender() == Side::Server;
    match spec.scenario {
        // Seed 000 §2: server.py sends, reads the answer and closes;
        // client.py reads, answers and closes.
        Scenario::Full if server_first => [
            vec![Connect, Recv, reply, Close],
            vec![Listen, Accept, request, Recv, Close],
        ],
        Scenario::Full => [
            vec![Connect, request, Recv, Close],
            vec![Listen, Accept, Recv, reply, Recv, Close],
        ],
        Scenario::Handshake => [vec![Connect], vec![Listen, Accept]],
        Scenario::Data | Scenario::Retransmission if server_first => [
            vec![Connect, Recv, reply],
            vec![Listen, Accept, request, Recv],
        ],
        Scenario::Data | Scenario::Retransmission => [
            vec![Connect, request, Recv],
            vec![Listen, Accept, Recv, reply],
        ],
        Scenario::Close => [vec![Connect, Close], vec![Listen, Accept, Recv, Close]],
        Scenario::SimultaneousClose => [
            vec![Connect, Barrier, Close],
            vec![Listen, Accept, Barrier, Close],
        ],
        Scenario::Refused => [vec![Connect], Vec::new()],
    }
}

/// A program's progress.
#[derive(Debug)]
struct App {
    calls: Vec<Call>,
    at: usize,
    /// When the current call runs; `None` while it blocks or when done.
    ready_at: Option<u64>,
    /// Bytes of the stream `recv()` has returned.
    read: usize,
    accepted: bool,
}

impl App {
    fn current(&self) -> Option<&Call> {
        self.calls.get(self.at)
    }

    fn blocked(&self) -> bool {
        self.ready_at.is_none() && self.at < self.calls.len()
    }

    fn next(&mut self, now: u64, think: u64) {
        self.at += 1;
        self.ready_at = (self.at < self.calls.len()).then(|| now.saturating_add(think));
    }

    fn crash(&mut self) {
        self.at = self.calls.len();
        self.ready_at = None;
    }
}

#[derive(Debug)]
struct End {
    ep: Endpoint,
    tcb: Tcb,
    app: App,
    ident: u16,
}

impl End {
    /// The Python object the program calls: `conn` once accepted.
    fn obj(&self) -> &'static str {
        if self.app.accepted { "conn" } else { "sk" }
    }
}

#[derive(Debug)]
struct InFlight {
    number: usize,
    event: usize,
    to: Side,
    seg: Seg,
    at: u64,
}

struct Sim<'a> {
    spec: &'a TcpSpec,
    ends: [End; 2],
    flight: Vec<InFlight>,
    events: Vec<TcpEvent>,
    sent: usize,
    loss: Vec<usize>,
    now: u64,
}

impl Sim<'_> {
    fn ctx(&self, side: Side, out: &Out) -> explain::Ctx {
        let end = &self.ends[side.at()];
        explain::Ctx {
            side,
            why: out.why,
            retransmission: out.retransmission,
            state: end.tcb.state,
            fin_received: end.tcb.fin_received,
            ep: end.ep,
            acked: self.acked_already(side, out),
        }
    }

    /// Whether the other side's last segment already acknowledged the data
    /// `out` sends again (its ACK, and whether that was lost): the sender
    /// cannot know, the trace can, and a capture of both ends shows it, as
    /// Wireshark's spurious retransmission.
    fn acked_already(&self, side: Side, out: &Out) -> Option<(u32, bool)> {
        if !out.retransmission || out.seg.payload.is_empty() {
            return None;
        }
        let last = self
            .events
            .iter()
            .rev()
            .filter_map(|e| e.segment.as_ref())
            .find(|s| s.from == side.other())?;
        let end = out.seg.seq.wrapping_add(out.seg.payload.len() as u32);
        let covers = last.rel_ack.is_some() && (last.ack.wrapping_sub(end) as i32) >= 0;
        covers.then_some((last.ack, last.lost))
    }

    fn end(&mut self, side: Side) -> &mut End {
        &mut self.ends[side.at()]
    }

    fn state(&self, side: Side) -> State {
        self.ends[side.at()].tcb.state
    }

    fn run(&mut self) -> Result<(), TcpSimError> {
        loop {
            if self.events.len() > MAX_EVENTS {
                return Err(TcpSimError::TooManyEvents);
            }
            let arrival = self.flight.iter().map(|f| (f.at, f.number)).min();
            let timer = self.ends.iter().filter_map(|e| e.tcb.next_timer()).min();
            let call = self.ends.iter().filter_map(|e| e.app.ready_at).min();
            let Some(now) = [arrival.map(|a| a.0), timer, call]
                .into_iter()
                .flatten()
                .min()
            else {
                return Ok(());
            };
            self.now = now;
            if let Some((_, number)) = arrival.filter(|a| a.0 == now) {
                self.arrive(number);
            } else if timer == Some(now) {
                self.fire();
            } else {
                let side = if self.ends[0].app.ready_at == Some(now) {
                    Side::Client
                } else {
                    Side::Server
                };
                self.call(side);
            }
            self.poll();
        }
    }

    /// Both ends' states, the actor's changed.
    fn transitions(
        &self,
        side: Side,
        before: State,
        after: State,
        other_at: Option<u64>,
    ) -> (Transition, Transition) {
        let mine = Transition {
            at_ms: Some(self.now),
            before,
            after,
        };
        let theirs = Transition {
            at_ms: other_at,
            before: self.state(side.other()),
            after: self.state(side.other()),
        };
        match side {
            Side::Client => (mine, theirs),
            Side::Server => (theirs, mine),
        }
    }

    fn push(
        &mut self,
        kind: EventKind,
        side: Side,
        (key, explanation): (&'static str, String),
        before: State,
    ) {
        let (client, server) = self.transitions(side, before, self.state(side), Some(self.now));
        self.events.push(TcpEvent {
            time_ms: self.now,
            kind,
            side,
            key,
            explanation,
            call: None,
            error: None,
            segment: None,
            client,
            server,
        });
    }

    fn push_call(&mut self, side: Side, call: String, text: (&'static str, String), before: State) {
        self.push(EventKind::Call, side, text, before);
        if let Some(e) = self.events.last_mut() {
            e.call = Some(call);
        }
    }

    fn arrive(&mut self, number: usize) {
        let Some(i) = self.flight.iter().position(|f| f.number == number) else {
            return;
        };
        let f = self.flight.remove(i);
        let now = self.now;
        let before = self.state(f.to);
        let outs = self.end(f.to).tcb.arrive(&f.seg, now);
        let after = self.state(f.to);
        if let Some(e) = self.events.get_mut(f.event) {
            let t = Transition {
                at_ms: Some(now),
                before,
                after,
            };
            match f.to {
                Side::Client => e.client = t,
                Side::Server => e.server = t,
            }
            if before != after {
                e.explanation.push_str(&format!(
                    " On arrival the {} goes from {before} to {after}.",
                    f.to.name()
                ));
            }
        }
        self.emit(f.to, outs, after, None);
    }

    fn fire(&mut self) {
        let now = self.now;
        for side in [Side::Client, Side::Server] {
            if self.end(side).tcb.next_timer().is_none_or(|t| t > now) {
                continue;
            }
            let before = self.state(side);
            let Some(fired) = self.end(side).tcb.fire(now) else {
                continue;
            };
            let who = side.name();
            match fired {
                Fired::Retransmit {
                    attempt,
                    rto,
                    next_rto,
                    dup_acks,
                    outs,
                } => {
                    let seq = outs.first().map_or(0, |o| o.seg.seq);
                    let known = match dup_acks {
                        0 => "Nothing tells it whether the segment or its ACK was lost".to_owned(),
                        n => format!(
                            "{} said the {} still waits for seq {seq}, fewer than the three a fast \
                             retransmit needs (RFC 5681 §3.2)",
                            crate::english::count(u64::from(n), "duplicate ACK", "duplicate ACKs"),
                            side.other().name()
                        ),
                    };
                    let text = format!(
                        "The {who}'s retransmission timer expires: {rto} ms passed and seq {seq} is still \
                         unacknowledged. {known}, so it sends the oldest unacknowledged segment again \
                         (attempt {attempt}) and doubles the timeout to {next_rto} ms (RFC 6298 §5.5)."
                    );
                    self.push(EventKind::Timer, side, ("tcp.timer.rto", text), before);
                    let after = self.state(side);
                    self.emit(side, outs, after, None);
                }
                Fired::GaveUp { attempts } => {
                    let text = format!(
                        "The {who} gives up after {attempts} retransmissions without an answer: the \
                         connection is dropped ({}).",
                        errno::python_message(errno::ETIMEDOUT)
                    );
                    self.push(EventKind::Timer, side, ("tcp.timer.give_up", text), before);
                }
                Fired::TimeWaitOver => {
                    let text = format!(
                        "TIME-WAIT ends after {} ms (2×MSL): the {who} kept the connection this long in \
                         case its last ACK was lost and the FIN came again. Now it is gone (CLOSED) and \
                         the same addresses and ports may start a new connection.",
                        self.spec.time_wait_ms
                    );
                    self.push(
                        EventKind::Timer,
                        side,
                        ("tcp.timer.time_wait", text),
                        before,
                    );
                }
            }
            return;
        }
    }

    fn bytes_call(obj: &str, verb: &str, data: &[u8]) -> String {
        format!("{obj}.{verb}({})", py_bytes(data))
    }

    fn call(&mut self, side: Side) {
        let now = self.now;
        let think = self.spec.think_ms;
        let end = self.end(side);
        let Some(call) = end.app.current().cloned() else {
            end.app.ready_at = None;
            return;
        };
        let obj = end.obj();
        let before = end.tcb.state;
        match call {
            Call::Listen => {
                end.tcb.listen();
                end.app.next(now, think);
                let ep = self.ends[side.at()].ep;
                let text = format!(
                    "After sk.bind(('{}', {})), listen() puts the {}'s socket in LISTEN: it waits for SYNs. \
                     Nothing is sent yet.",
                    ep.ip,
                    ep.port,
                    side.name()
                );
                self.push_call(
                    side,
                    "sk.listen()".to_owned(),
                    ("tcp.call.listen", text),
                    before,
                );
            }
            Call::Accept | Call::Recv | Call::Barrier => end.app.ready_at = None,
            Call::Connect => {
                let outs = end.tcb.connect(now);
                end.app.ready_at = None;
                let peer = self.ends[side.other().at()].ep;
                let text = format!("sk.connect(('{}', {}))", peer.ip, peer.port);
                self.emit(side, outs, before, Some(text));
            }
            Call::Send(data) => {
                let outs = end.tcb.send(&data, now);
                end.app.next(now, think);
                let text = Self::bytes_call(obj, "send", &data);
                if outs.is_empty() {
                    let why = format!(
                        "send() copies {} into the {}'s send buffer; the window or the state keeps \
                         them there for now.",
                        crate::english::count(data.len() as u64, "byte", "bytes"),
                        side.name()
                    );
                    self.push_call(side, text, ("tcp.call.send_queued", why), before);
                } else {
                    self.emit(side, outs, before, Some(text));
                }
            }
            Call::Close => {
                let unread = end.tcb.unread(end.app.read).len();
                let outs = if unread > 0 {
                    end.tcb.abort()
                } else {
                    end.tcb.close(now)
                };
                end.app.next(now, think);
                let text = format!("{obj}.close()");
                if outs.is_empty() {
                    let why = format!(
                        "close() in {before} sends nothing: the {} socket simply goes away.",
                        side.name()
                    );
                    self.push_call(side, text, ("tcp.call.close", why), before);
                } else {
                    self.emit(side, outs, before, Some(text));
                }
            }
        }
    }

    /// Lets blocked calls return (or raise) when their condition holds.
    fn poll(&mut self) {
        for side in [Side::Client, Side::Server] {
            self.poll_one(side);
        }
    }

    fn poll_one(&mut self, side: Side) {
        let now = self.now;
        let think = self.spec.think_ms;
        let peer = self.ends[side.other().at()].ep;
        let other_at_barrier = {
            let o = &self.ends[side.other().at()].app;
            o.blocked() && o.current() == Some(&Call::Barrier)
        };
        let end = self.end(side);
        if !end.app.blocked() {
            return;
        }
        let Some(call) = end.app.current().cloned() else {
            return;
        };
        let state = end.tcb.state;
        let failure = end.tcb.failure;
        match call {
            Call::Barrier if other_at_barrier => {
                end.app.next(now, think);
                let o = &mut self.ends[side.other().at()].app;
                o.next(now, think);
            }
            Call::Accept if end.tcb.opened => {
                end.app.accepted = true;
                end.app.next(now, think);
                let text = format!(
                    "accept() returns: the handshake is complete, and the server gets a new socket, conn, \
                     for the client ('{}', {}).",
                    peer.ip, peer.port
                );
                self.push_call(
                    side,
                    "conn, addr = sk.accept()".to_owned(),
                    ("tcp.call.accept", text),
                    state,
                );
            }
            Call::Connect if end.tcb.opened => {
                end.app.next(now, think);
                let text =
                    "connect() returns: the client's side of the connection is ESTABLISHED and \
                            it may send."
                        .to_owned();
                self.push_call(
                    side,
                    format!("sk.connect(('{}', {}))", peer.ip, peer.port),
                    ("tcp.call.connect", text),
                    state,
                );
            }
            Call::Recv => {
                let obj = end.obj();
                let unread = end.tcb.unread(end.app.read);
                let n = unread.len().min(RECV_SIZE);
                let (key, text) = if n > 0 {
                    let data = unread[..n].to_vec();
                    end.app.read += n;
                    (
                        "tcp.call.recv",
                        format!(
                            "recv(1024) returns {} ({}): TCP handed the bytes to the program in order.",
                            py_bytes(&data),
                            crate::english::count(n as u64, "byte", "bytes")
                        ),
                    )
                } else if end.tcb.fin_received {
                    (
                        "tcp.call.recv_eof",
                        format!(
                            "recv(1024) returns b'': the {} sent FIN, so no more data will come. That is how \
                             a program learns the other side closed.",
                            side.other().name()
                        ),
                    )
                } else if failure.is_some() {
                    self.raise(side, format!("msg = {obj}.recv({RECV_SIZE})"));
                    return;
                } else {
                    return;
                };
                end.app.next(now, think);
                let obj = self.ends[side.at()].obj();
                self.push_call(
                    side,
                    format!("msg = {obj}.recv({RECV_SIZE})"),
                    (key, text),
                    state,
                );
            }
            Call::Connect if failure.is_some() => {
                self.raise(side, format!("sk.connect(('{}', {}))", peer.ip, peer.port));
            }
            _ => {}
        }
    }

    /// A blocked call raises the exception the failure means.
    fn raise(&mut self, side: Side, call: String) {
        let end = self.end(side);
        let state = end.tcb.state;
        let Some(failure) = end.tcb.failure else {
            return;
        };
        end.app.crash();
        let (key, class, code, why) = match failure {
            Failure::Refused => (
                "tcp.call.refused",
                "ConnectionRefusedError",
                111,
                "the answer to the SYN was a RST: nothing listens on that port",
            ),
            Failure::Reset => (
                "tcp.call.reset",
                "ConnectionResetError",
                104,
                "a RST aborted the open connection",
            ),
            Failure::TimedOut => (
                "tcp.call.timeout",
                "TimeoutError",
                errno::ETIMEDOUT,
                "no answer came after every retransmission",
            ),
        };
        let error = format!("{class}: {}", errno::python_message(code));
        let text = format!("The call raises {error}: {why}.");
        self.push_call(side, call, (key, text), state);
        if let Some(e) = self.events.last_mut() {
            e.error = Some(error);
        }
    }

    /// Sends `outs` from `side`: one segment event each, lost or in flight.
    fn emit(&mut self, side: Side, outs: Vec<Out>, mut before: State, call: Option<String>) {
        let mut call = call;
        for out in outs {
            self.sent += 1;
            let number = self.sent;
            let lost = self.loss.contains(&number);
            let arrives = (!lost).then(|| self.now.saturating_add(self.spec.latency_ms));
            let segment = self.segment(side, &out, number, arrives);
            let (key, mut explanation) = explain::explain(&self.ctx(side, &out), &segment);
            if lost {
                explanation.push_str(&format!(
                    " The network loses this segment: the {} never sees it.",
                    side.other().name()
                ));
            }
            let after = self.state(side);
            let (client, server) = self.transitions(side, before, after, None);
            before = after;
            self.events.push(TcpEvent {
                time_ms: self.now,
                kind: EventKind::Segment,
                side,
                key,
                explanation,
                call: call.take(),
                error: None,
                segment: Some(segment),
                client,
                server,
            });
            if let Some(at) = arrives {
                self.flight.push(InFlight {
                    number,
                    event: self.events.len() - 1,
                    to: side.other(),
                    seg: out.seg,
                    at,
                });
            }
        }
    }

    fn segment(
        &mut self,
        side: Side,
        out: &Out,
        number: usize,
        arrives_ms: Option<u64>,
    ) -> Segment {
        let (me, peer) = (self.ends[side.at()].ep, self.ends[side.other().at()].ep);
        let synced = self.ends[side.at()].tcb.synced;
        let seg = &out.seg;
        let end = self.end(side);
        end.ident = end.ident.wrapping_add(1);
        let ident = end.ident;
        let (src_mac, dst_mac, ttl) = match (side, self.spec.router_mac) {
            (Side::Client, Some(r)) => (me.mac, r, 64),
            (Side::Server, Some(r)) => (r, peer.mac, 63),
            _ => (me.mac, peer.mac, 64),
        };
        let repr = tcp::Repr {
            src_port: me.port,
            dst_port: peer.port,
            seq_number: seg.seq,
            ack_number: seg.ack,
            flags: seg.flags,
            window_len: seg.window,
            urgent_pointer: 0,
            options: seg.mss.map(TcpOption::MaxSegmentSize).into_iter().collect(),
        };
        let ip = Ip {
            src: me.ip,
            dst: peer.ip,
            ttl,
            ident,
            dont_frag: true,
        };
        let frame = wire::ipv4_frame(src_mac, dst_mac, &ip, Upper::Tcp(&repr, &seg.payload));
        let has_ack = seg.flags.contains(TcpFlags::ACK);
        let mut s = Segment {
            number,
            from: side,
            to: side.other(),
            src: me.addr(),
            dst: peer.addr(),
            flags: seg.flags.to_string(),
            flag_bits: seg.flags.0,
            seq: seg.seq,
            ack: seg.ack,
            rel_seq: synced.then(|| seg.seq.wrapping_sub(me.isn)),
            rel_ack: has_ack.then(|| seg.ack.wrapping_sub(peer.isn)),
            window: seg.window,
            len: seg.payload.len(),
            payload: py_bytes(&seg.payload),
            mss: seg.mss,
            arrives_ms,
            lost: arrives_ms.is_none(),
            retransmission: out.retransmission,
            comment: String::new(),
            frame,
        };
        s.comment = explain::comment(&self.ctx(side, out), &s);
        s
    }
}
