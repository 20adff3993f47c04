//! A deterministic sticky-packet (粘包) simulator: why seed 000 §6.1's
//! client prints `b'hellonice'` although the server sent `b'hello'` and
//! `b'nice'` apart, and how a length prefix (§6.7) fixes it.
//!
//! The model has three parts, each with the knobs that decide the outcome:
//!
//! - the sender's `send()` calls, with pauses between them, and Nagle's
//!   algorithm (on by default, as in Python): while sent bytes are not yet
//!   acknowledged, a small write waits and merges with the next;
//! - the network: segments of at most `mss` bytes, each taking
//!   `latency_us` plus a random jitter, delivered in order (TCP reorders
//!   before the application sees anything);
//! - the receiver: a program that sleeps, then calls `recv(recv_size)`. A
//!   `recv()` returns at once with what the kernel holds (up to its size),
//!   or blocks until the next segment and returns a scheduling delay
//!   later, with whatever arrived meanwhile.
//!
//! Each run simulates two lanes over the same conditions: the seed's naive
//! program (raw messages, each `recv()` taken as a message) and a framed
//! one (each message sent after `struct.pack(header, len)`, as two
//! `send()`s like §6.7, and read by [`crate::framing::LengthPrefix`]).
//! Randomness comes from a small SplitMix64 seeded by the spec: the same
//! spec gives the same timeline, in the browser and in tests.
//!
//! # Examples
//!
//! ```
//! use netlab_core::sticky::{simulate, StickySpec};
//!
//! // Seed 000 §6.1 as written: the client sleeps 0.1 s, then recv(1024) twice.
//! let report = simulate(&StickySpec::default()).unwrap();
//! assert_eq!(report.naive.printed, ["b'hellonice'", "b''"]);
//! assert_eq!(report.framed.printed, ["b'hello'", "b'nice'"]);
//! assert!(!report.naive.intact && report.framed.intact);
//! ```

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::framing::{Decoder, FramingError, LengthPrefix};
use crate::pystruct::Value;

/// The most bytes one simulation carries, per lane: enough to see MSS
/// splitting, small enough to draw.
pub const MAX_STREAM: usize = 64 << 10;
/// The most `recv()` calls one lane makes.
pub const MAX_RECV_CALLS: usize = 10_000;
/// The most messages a run sends (empty ones carry no bytes, so the
/// stream's limit does not bound them).
pub const MAX_MESSAGES: usize = 10_000;
/// The longest any one time of the spec may be, in microseconds: an hour.
/// With at most [`MAX_MESSAGES`] sends and [`MAX_RECV_CALLS`] calls no
/// clock can then overflow, and every time stays exact as a JavaScript number.
pub const MAX_TIME_US: u64 = 3_600_000_000;

/// What to simulate. Every field has a default, and the defaults are seed
/// 000 §6.1: `b'hello'` then `b'nice'` with no pause, a client that sleeps
/// 0.1 s and calls `recv(1024)` twice. Times are in microseconds.
///
/// # Examples
///
/// ```
/// use netlab_core::sticky::StickySpec;
///
/// // What JS passes to stickySimulate(): any subset of the fields.
/// let spec: StickySpec = serde_json::from_str(r#"{"sleep_us": 0, "seed": 7}"#).unwrap();
/// assert_eq!(spec.recv_size, 1024);
/// assert_eq!(spec.messages[0].text, "hello");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StickySpec {
    /// Seeds the network's jitter and the reader's wake-up delays.
    pub seed: u64,
    /// The sender's `send()` calls, in order.
    pub messages: Vec<SendSpec>,
    /// Nagle's algorithm (`TCP_NODELAY` off): on in Python by default.
    pub nagle: bool,
    /// Whether the sender closes after its last `send()`, so that a
    /// `recv()` on an empty, closed stream returns `b''`.
    pub close: bool,
    /// How long one `send()` call takes before the next can start.
    pub send_cost_us: u64,
    /// The largest segment: 1460 bytes on Ethernet (65483 on loopback).
    pub mss: usize,
    /// One-way delay of every segment.
    pub latency_us: u64,
    /// Extra random delay of each segment, up to this much.
    pub jitter_us: u64,
    /// How long the receiver holds its ACK (Linux delays up to 40 ms);
    /// with Nagle on, it holds back the sender's next small write.
    pub ack_delay_us: u64,
    /// How long the client sleeps before its first `recv()`
    /// (`time.sleep(0.1)` in the seed).
    pub sleep_us: u64,
    /// `recv(recv_size)`.
    pub recv_size: usize,
    /// How many `recv()` calls the naive client makes (`None`: until
    /// `b''`). The framed client always reads until `b''`.
    pub recv_calls: Option<usize>,
    /// The time between one `recv()` returning and the next call (the
    /// `print` between them).
    pub recv_gap_us: u64,
    /// How long a blocked `recv()` takes to return once data arrived, at
    /// most (the scheduler waking the process): random up to this.
    pub wakeup_us: u64,
    /// The framed lane's length header (`struct` format, seed: `i`).
    pub header: String,
}

impl Default for StickySpec {
    fn default() -> Self {
        Self {
            seed: 0,
            messages: vec![SendSpec::text("hello"), SendSpec::text("nice")],
            nagle: true,
            close: true,
            send_cost_us: 10,
            mss: 1460,
            latency_us: 50,
            jitter_us: 50,
            ack_delay_us: 0,
            sleep_us: 100_000,
            recv_size: 1024,
            recv_calls: Some(2),
            recv_gap_us: 20,
            wakeup_us: 150,
            header: "i".to_owned(),
        }
    }
}

/// One `send()`: its bytes (UTF-8 text, as `msg.encode()`) and the pause
/// before it (`time.sleep`). JSON takes a plain string for no pause.
///
/// # Examples
///
/// ```
/// use netlab_core::sticky::SendSpec;
///
/// let sends: Vec<SendSpec> = serde_json::from_str(r#"["hi", {"text": "there", "pause_us": 500}]"#).unwrap();
/// assert_eq!(sends[1].pause_us, 500);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "SendForm")]
pub struct SendSpec {
    pub text: String,
    pub pause_us: u64,
}

impl SendSpec {
    /// A send with no pause before it.
    pub fn text(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            pause_us: 0,
        }
    }
}

/// The JSON forms of a [`SendSpec`].
#[derive(Deserialize)]
#[serde(untagged)]
enum SendForm {
    Text(String),
    Full {
        text: String,
        #[serde(default)]
        pause_us: u64,
    },
}

impl From<SendForm> for SendSpec {
    fn from(form: SendForm) -> Self {
        match form {
            SendForm::Text(text) => Self { text, pause_us: 0 },
            SendForm::Full { text, pause_us } => Self { text, pause_us },
        }
    }
}

/// Why a spec cannot be simulated.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum StickyError {
    #[error("mss must be at least 1 byte")]
    ZeroMss,
    #[error("recv(0) returns b'' at once and reads nothing: recv_size must be at least 1")]
    ZeroRecvSize,
    #[error("the messages are {0} bytes in all; the simulator carries at most {MAX_STREAM}")]
    TooMuchData(usize),
    #[error("recv_calls is {0}; the simulator makes at most {MAX_RECV_CALLS}")]
    TooManyCalls(usize),
    #[error("there are {0} messages; the simulator sends at most {MAX_MESSAGES}")]
    TooManyMessages(usize),
    #[error(
        "{field} is {value} µs; the simulator takes at most {MAX_TIME_US} µs (an hour) for a time"
    )]
    TooLong { field: String, value: u64 },
    #[error("the framed lane cannot frame the messages: {0}")]
    Framing(#[from] FramingError),
}

/// One thing that happened, at `at_us` microseconds. Byte ranges are
/// offsets in the lane's stream, end excluded; `data` is Python's repr.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    /// The sender calls `send()` (`message` is the message it belongs to).
    Send {
        at_us: u64,
        message: usize,
        start: usize,
        end: usize,
        data: String,
    },
    /// Nagle's algorithm holds these bytes until an ACK comes back.
    Held {
        at_us: u64,
        start: usize,
        end: usize,
    },
    /// A segment leaves the sender and arrives at `arrives_us`.
    Segment {
        at_us: u64,
        arrives_us: u64,
        start: usize,
        end: usize,
        data: String,
    },
    /// The sender closed: its FIN leaves and arrives.
    Fin { at_us: u64, arrives_us: u64 },
    /// A `recv(size)` called at `at_us` returns at `returns_us` with these
    /// bytes (`eof`: the `b''` of a closed stream).
    Recv {
        at_us: u64,
        returns_us: u64,
        call: usize,
        size: usize,
        start: usize,
        end: usize,
        data: String,
        eof: bool,
    },
    /// A `recv()` that never returns: nothing more will arrive and the
    /// sender did not close.
    Blocked { at_us: u64, call: usize },
    /// The framed reader has a whole message.
    Message {
        at_us: u64,
        index: usize,
        data: String,
    },
}

impl Event {
    /// When the event happens (a `recv()` by when it was called).
    pub fn at_us(&self) -> u64 {
        match *self {
            Self::Send { at_us, .. }
            | Self::Held { at_us, .. }
            | Self::Segment { at_us, .. }
            | Self::Fin { at_us, .. }
            | Self::Recv { at_us, .. }
            | Self::Blocked { at_us, .. }
            | Self::Message { at_us, .. } => at_us,
        }
    }
}

/// One program's run: what went over the wire and what it printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lane {
    /// The stream's bytes, as Python's repr.
    pub stream: String,
    pub stream_len: usize,
    /// Everything, in time order.
    pub events: Vec<Event>,
    /// What the program prints: each `recv()` result for the naive client
    /// (`print(msg1)`), each decoded message for the framed one.
    pub printed: Vec<String>,
    /// Whether the program got the messages exactly as they were sent.
    pub intact: bool,
    /// Whether its last `recv()` blocks forever.
    pub hangs: bool,
    /// What happened, for a learner.
    pub note: String,
}

/// Both lanes of a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StickyReport {
    pub naive: Lane,
    pub framed: Lane,
}

/// Runs both lanes of `spec`.
pub fn simulate(spec: &StickySpec) -> Result<StickyReport, StickyError> {
    if spec.mss == 0 {
        return Err(StickyError::ZeroMss);
    }
    if spec.recv_size == 0 {
        return Err(StickyError::ZeroRecvSize);
    }
    if let Some(n) = spec.recv_calls.filter(|&n| n > MAX_RECV_CALLS) {
        return Err(StickyError::TooManyCalls(n));
    }
    if spec.messages.len() > MAX_MESSAGES {
        return Err(StickyError::TooManyMessages(spec.messages.len()));
    }
    let times = [
        ("send_cost_us", spec.send_cost_us),
        ("latency_us", spec.latency_us),
        ("jitter_us", spec.jitter_us),
        ("ack_delay_us", spec.ack_delay_us),
        ("sleep_us", spec.sleep_us),
        ("recv_gap_us", spec.recv_gap_us),
        ("wakeup_us", spec.wakeup_us),
    ];
    if let Some(&(name, value)) = times.iter().find(|(_, v)| *v > MAX_TIME_US) {
        return Err(StickyError::TooLong {
            field: name.to_owned(),
            value,
        });
    }
    if let Some((i, m)) = spec
        .messages
        .iter()
        .enumerate()
        .find(|(_, m)| m.pause_us > MAX_TIME_US)
    {
        return Err(StickyError::TooLong {
            field: format!("messages[{i}].pause_us"),
            value: m.pause_us,
        });
    }
    let messages: Vec<&[u8]> = spec.messages.iter().map(|m| m.text.as_bytes()).collect();
    let codec = LengthPrefix::new(&spec.header, MAX_STREAM)?;
    let naive_writes: Vec<Write> = spec
        .messages
        .iter()
        .enumerate()
        .map(|(i, m)| Write {
            bytes: m.text.as_bytes().to_vec(),
            pause_us: m.pause_us,
            message: i,
        })
        .collect();
    let mut framed_writes = Vec::with_capacity(2 * messages.len());
    for (w, m) in naive_writes.iter().zip(&messages) {
        framed_writes.push(Write {
            bytes: codec.header(m.len())?,
            pause_us: w.pause_us,
            message: w.message,
        });
        framed_writes.push(Write {
            bytes: m.to_vec(),
            pause_us: 0,
            message: w.message,
        });
    }
    for writes in [&naive_writes, &framed_writes] {
        let total: usize = writes.iter().map(|w| w.bytes.len()).sum();
        if total > MAX_STREAM {
            return Err(StickyError::TooMuchData(total));
        }
    }
    let naive = run_lane(spec, &naive_writes, &messages, None);
    let framed = run_lane(spec, &framed_writes, &messages, Some(&codec));
    Ok(StickyReport { naive, framed })
}

/// One `send()` of a lane.
#[derive(Debug, Clone)]
struct Write {
    bytes: Vec<u8>,
    pause_us: u64,
    message: usize,
}

/// SplitMix64: small, fast, and the same everywhere.
#[derive(Debug, Clone)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..=max`.
    fn up_to(&mut self, max: u64) -> u64 {
        let span = u128::from(max) + 1;
        u64::try_from((u128::from(self.next()) * span) >> 64).unwrap_or(max)
    }
}

/// A segment on the wire.
#[derive(Debug, Clone, Copy)]
struct Segment {
    arrives: u64,
    end: usize,
}

/// The sender's TCP: turns writes into segments, with or without Nagle.
struct Sender<'a> {
    spec: &'a StickySpec,
    rng: &'a mut SplitMix64,
    stream: &'a [u8],
    segments: Vec<Segment>,
    events: Vec<Event>,
    /// Bytes written but not yet sent.
    unsent: usize,
    written: usize,
    /// When every sent byte will have been acknowledged.
    acked_at: u64,
    last_arrival: u64,
}

impl Sender<'_> {
    fn emit(&mut self, now: u64, len: usize) {
        let start = self.unsent;
        let end = start + len;
        let delay = self.spec.latency_us + self.rng.up_to(self.spec.jitter_us);
        // In order: a segment is not seen before the ones sent earlier.
        let arrives = (now + delay).max(self.last_arrival);
        self.last_arrival = arrives;
        self.acked_at = self
            .acked_at
            .max(arrives + self.spec.ack_delay_us + self.spec.latency_us);
        self.segments.push(Segment { arrives, end });
        self.events.push(Event::Segment {
            at_us: now,
            arrives_us: arrives,
            start,
            end,
            data: repr(&self.stream[start..end]),
        });
        self.unsent = end;
    }

    /// Sends what may go at `now`: everything without Nagle; with it, full
    /// segments, and a small one only when nothing is unacknowledged.
    fn push(&mut self, now: u64) {
        while self.unsent < self.written {
            let left = self.written - self.unsent;
            if left >= self.spec.mss || !self.spec.nagle || now >= self.acked_at {
                self.emit(now, left.min(self.spec.mss));
            } else {
                break;
            }
        }
    }

    /// Lets the ACKs that come back before `until` release held bytes.
    fn catch_up(&mut self, until: u64) {
        while self.unsent < self.written && self.acked_at <= until {
            let at = self.acked_at;
            self.push(at);
        }
    }

    fn write(&mut self, now: u64, w: &Write) {
        self.catch_up(now);
        let start = self.written;
        self.written += w.bytes.len();
        self.events.push(Event::Send {
            at_us: now,
            message: w.message,
            start,
            end: self.written,
            data: repr(&w.bytes),
        });
        self.push(now);
        if self.unsent < self.written {
            self.events.push(Event::Held {
                at_us: now,
                start: self.unsent,
                end: self.written,
            });
        }
    }

    /// Sends everything held, as ACKs come back; returns when the last
    /// byte left.
    fn drain(&mut self, now: u64) -> u64 {
        let mut last = now;
        while self.unsent < self.written {
            last = self.acked_at.max(now);
            self.push(last);
        }
        last
    }
}

/// What the receiver's kernel got: the segments, and the FIN if any.
struct Arrivals {
    segments: Vec<Segment>,
    fin: Option<u64>,
}

impl Arrivals {
    /// The end of the bytes that arrived by `t`.
    fn arrived_by(&self, t: u64) -> usize {
        self.segments
            .iter()
            .take_while(|s| s.arrives <= t)
            .last()
            .map_or(0, |s| s.end)
    }

    /// The next time something arrives after `t`.
    fn next_after(&self, t: u64) -> Option<u64> {
        self.segments
            .iter()
            .map(|s| s.arrives)
            .find(|&a| a > t)
            .or(self.fin.filter(|&f| f > t))
    }
}

fn repr(bytes: &[u8]) -> String {
    Value::Bytes(bytes.to_vec()).to_string()
}

fn run_lane(
    spec: &StickySpec,
    writes: &[Write],
    messages: &[&[u8]],
    codec: Option<&LengthPrefix>,
) -> Lane {
    let mut rng = SplitMix64(spec.seed);
    let stream: Vec<u8> = writes
        .iter()
        .flat_map(|w| w.bytes.iter().copied())
        .collect();
    let mut sender = Sender {
        spec,
        rng: &mut rng,
        stream: &stream,
        segments: Vec::new(),
        events: Vec::new(),
        unsent: 0,
        written: 0,
        acked_at: 0,
        last_arrival: 0,
    };
    let mut now = 0;
    for w in writes {
        now += w.pause_us;
        sender.write(now, w);
        now += spec.send_cost_us;
    }
    let mut fin = None;
    let last = sender.drain(now);
    if spec.close {
        let at = last.max(now);
        let arrives =
            (at + spec.latency_us + sender.rng.up_to(spec.jitter_us)).max(sender.last_arrival);
        sender.events.push(Event::Fin {
            at_us: at,
            arrives_us: arrives,
        });
        fin = Some(arrives);
    }
    let Sender {
        segments,
        mut events,
        ..
    } = sender;
    let arrivals = Arrivals { segments, fin };

    let mut reader = Reader {
        spec,
        arrivals: &arrivals,
        rng: &mut rng,
        stream: &stream,
        consumed: 0,
        events: &mut events,
    };
    let (chunks, hangs) = match codec {
        Some(codec) => reader.run(None, Some(codec)),
        None => reader.run(spec.recv_calls, None),
    };

    let mut printed = Vec::new();
    let (intact, note) = match codec {
        None => {
            printed.extend(chunks.iter().map(|c| repr(&stream[c.start..c.end])));
            naive_verdict(writes, messages, &chunks, hangs)
        }
        Some(codec) => {
            let mut decoder = codec.decoder();
            let mut got = Vec::new();
            let mut error = None;
            for c in &chunks {
                let mut rest = &stream[c.start..c.end];
                loop {
                    match decoder.decode(&mut rest) {
                        Ok(Some(msg)) => {
                            events.push(Event::Message {
                                at_us: c.at,
                                index: got.len(),
                                data: repr(&msg),
                            });
                            printed.push(repr(&msg));
                            got.push(msg);
                        }
                        Ok(None) => break,
                        Err(e) => {
                            error.get_or_insert(e);
                            break;
                        }
                    }
                }
            }
            let intact =
                error.is_none() && got.iter().map(Vec::as_slice).eq(messages.iter().copied());
            let note = match error {
                Some(e) => format!("the framed reader failed: {e}"),
                None if messages.is_empty() => {
                    "nothing was sent, so the framed reader got no message".to_owned()
                }
                None if intact => format!(
                    "the {}-byte header tells the reader where each message ends, so it gets all {} intact, however recv() cut the stream",
                    codec.header_len(),
                    messages.len()
                ),
                None => format!(
                    "the framed reader got {} of {} messages before the stream ended",
                    got.len(),
                    messages.len()
                ),
            };
            (intact, note)
        }
    };
    // Stable: events at the same time keep the order they happened in.
    events.sort_by_key(Event::at_us);
    Lane {
        stream: repr(&stream),
        stream_len: stream.len(),
        events,
        printed,
        intact,
        hangs,
        note,
    }
}

/// One `recv()` result: stream bytes `start..end`, returned at `at`.
#[derive(Debug, Clone, Copy)]
struct Chunk {
    at: u64,
    start: usize,
    end: usize,
}

/// The receiving program: sleeps, then calls `recv()`.
struct Reader<'a> {
    spec: &'a StickySpec,
    arrivals: &'a Arrivals,
    rng: &'a mut SplitMix64,
    stream: &'a [u8],
    consumed: usize,
    events: &'a mut Vec<Event>,
}

/// What the framed client's `recv_exactly` still needs: the rest of a
/// header, or of the message it announced.
#[derive(Debug, Clone, Copy)]
struct Need {
    header: bool,
    /// Where the header or message began in the stream.
    from: usize,
    left: usize,
}

impl Reader<'_> {
    /// Makes `calls` calls (`None`: until `b''`); returns every result,
    /// `b''` included, and whether the last call blocks forever.
    ///
    /// The naive client asks `recv(recv_size)` each time. The framed one
    /// (`codec`) is the page's `recv_exactly`: `recv(min(left, recv_size))`
    /// for what is left of the header, then of the message it announced,
    /// as seed 000 §6.7 reads `recv(4)` and then `recv(length)`.
    fn run(&mut self, calls: Option<usize>, codec: Option<&LengthPrefix>) -> (Vec<Chunk>, bool) {
        let mut t = self.spec.sleep_us;
        let mut chunks = Vec::new();
        let header_len = codec.map_or(0, LengthPrefix::header_len);
        let mut need = Need {
            header: true,
            from: 0,
            left: header_len,
        };
        for call in 1..=calls.unwrap_or(MAX_RECV_CALLS) {
            let size = match codec {
                Some(_) => need.left.min(self.spec.recv_size),
                None => self.spec.recv_size,
            };
            let called = t;
            let mut ready = t;
            if self.arrivals.arrived_by(t) == self.consumed
                && self.arrivals.fin.is_none_or(|f| f > t)
            {
                // Nothing to read and not closed: block.
                let Some(next) = self.arrivals.next_after(t) else {
                    self.events.push(Event::Blocked { at_us: t, call });
                    return (chunks, true);
                };
                ready = next + self.rng.up_to(self.spec.wakeup_us);
            }
            let start = self.consumed;
            let end = self.arrivals.arrived_by(ready).min(start + size);
            self.consumed = end;
            let eof = start == end;
            self.events.push(Event::Recv {
                at_us: called,
                returns_us: ready,
                call,
                size,
                start,
                end,
                data: repr(&self.stream[start..end]),
                eof,
            });
            chunks.push(Chunk {
                at: ready,
                start,
                end,
            });
            if eof && calls.is_none() {
                break;
            }
            if let Some(codec) = codec {
                need.left -= end - start;
                if !self.next_need(codec, &mut need, end) {
                    break;
                }
            }
            t = ready + self.spec.recv_gap_us;
        }
        (chunks, false)
    }

    /// After a read that ended at `end`: a whole header gives the
    /// message's length to read next (none for a 0-length message:
    /// `recv_exactly(0)` makes no call), a whole message the next header.
    /// False when the header is not a length the reader can use (the
    /// decoder says why).
    fn next_need(&self, codec: &LengthPrefix, need: &mut Need, end: usize) -> bool {
        while need.left == 0 {
            let len = if need.header {
                match self
                    .stream
                    .get(need.from..end)
                    .map(|header| codec.read_length(header))
                {
                    Some(Ok(len)) => len,
                    _ => return false,
                }
            } else {
                codec.header_len()
            };
            *need = Need {
                header: !need.header,
                from: end,
                left: len,
            };
        }
        true
    }
}

/// Whether each `recv()` held exactly one message, and what went wrong if
/// not: messages stuck together, or one cut across calls.
fn naive_verdict(
    writes: &[Write],
    messages: &[&[u8]],
    chunks: &[Chunk],
    hangs: bool,
) -> (bool, String) {
    // Where each message starts and ends in the stream.
    let mut bounds = Vec::with_capacity(messages.len());
    let mut at = 0;
    for w in writes {
        bounds.push((at, at + w.bytes.len()));
        at += w.bytes.len();
    }
    if messages.is_empty() {
        let note = if hangs {
            "nothing was sent and the sender never closed: the first recv() blocks forever"
        } else {
            "nothing was sent: the first recv() returned b'', the end of the stream"
        };
        return (!hangs, note.to_owned());
    }
    // send(b'') puts nothing on the wire: no recv() can return it.
    let empty: Vec<usize> = bounds
        .iter()
        .enumerate()
        .filter(|(_, (s, e))| s == e)
        .map(|(m, _)| m + 1)
        .collect();
    let sized: Vec<(usize, usize)> = bounds.iter().copied().filter(|(s, e)| s < e).collect();
    let data: Vec<&Chunk> = chunks.iter().filter(|c| c.end > c.start).collect();
    let exact = empty.is_empty()
        && data.len() == sized.len()
        && data
            .iter()
            .zip(&sized)
            .all(|(c, &(s, e))| c.start == s && c.end == e);
    let received = data.last().map_or(0, |c| c.end);
    if exact {
        return (
            true,
            "each recv() returned exactly one message this time, but TCP promised nothing: only a bytes stream".to_owned(),
        );
    }
    let mut notes = Vec::new();
    for (i, c) in data.iter().enumerate() {
        let held: Vec<usize> = bounds
            .iter()
            .enumerate()
            .filter(|(_, (s, e))| s < e && *s < c.end && c.start < *e)
            .map(|(m, _)| m + 1)
            .collect();
        if held.len() > 1 {
            notes.push(format!(
                "recv() #{} returned messages {} stuck together (粘包)",
                i + 1,
                held.iter()
                    .map(usize::to_string)
                    .collect::<Vec<_>>()
                    .join(" and ")
            ));
        }
    }
    for (m, &(s, e)) in bounds.iter().enumerate() {
        let parts = data.iter().filter(|c| s < c.end && c.start < e).count();
        if parts > 1 {
            notes.push(format!(
                "message {} was cut across {parts} recv() calls",
                m + 1
            ));
        }
    }
    if !empty.is_empty() {
        let which = empty
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join(" and ");
        notes.push(format!(
            "message {which} is empty: send(b'') puts nothing on the wire, so no recv() can return it (b'' means the end of the stream)"
        ));
    }
    if received < at {
        notes.push(format!(
            "{} of {at} bytes were never read{}",
            at - received,
            if hangs {
                ": the last recv() blocks forever"
            } else {
                " by the calls the program made"
            }
        ));
    }
    (false, notes.join("; "))
}

#[cfg(test)]
mod test {
    use super::*;

    fn recvs(lane: &Lane) -> Vec<(u64, u64, String)> {
        lane.events
            .iter()
            .filter_map(|e| match e {
                Event::Recv {
                    at_us,
                    returns_us,
                    data,
                    ..
                } => Some((*at_us, *returns_us, data.clone())),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn seed_6_1_with_the_sleep_sticks_every_time() {
        for seed in 0..200 {
            let spec = StickySpec {
                seed,
                ..StickySpec::default()
            };
            let r = simulate(&spec).unwrap();
            // client.py prints b'hellonice' then b''.
            assert_eq!(r.naive.printed, ["b'hellonice'", "b''"], "seed {seed}");
            assert!(!r.naive.intact);
            assert_eq!(
                r.naive.note,
                "recv() #1 returned messages 1 and 2 stuck together (粘包)"
            );
            // Both recv() calls return at once: the data waited in the kernel.
            let calls = recvs(&r.naive);
            assert!(calls.iter().all(|(at, ret, _)| at == ret));
            assert_eq!(calls[0].0, 100_000);
            // The fix of §6.7 gets both messages whatever happens.
            assert_eq!(r.framed.printed, ["b'hello'", "b'nice'"]);
            assert!(r.framed.intact && !r.framed.hangs);
        }
    }

    /// The framed lane's `recv()` calls: (size asked, bytes start, end).
    fn framed_reads(lane: &Lane) -> Vec<(usize, usize, usize)> {
        lane.events
            .iter()
            .filter_map(|e| match e {
                Event::Recv {
                    size, start, end, ..
                } => Some((*size, *start, *end)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn the_framed_client_reads_the_header_then_the_message_as_seed_6_7_does() {
        // recv(4) for the header, recv(5) for b'hello', recv(4) twice for
        // the next, then b''.
        let r = simulate(&StickySpec::default()).unwrap();
        assert_eq!(
            framed_reads(&r.framed),
            [(4, 0, 4), (5, 4, 9), (4, 9, 13), (4, 13, 17), (4, 17, 17)]
        );
        // With recv(4) at most, no read crosses from one header or message
        // into the next: recv_exactly asks only for what is left.
        for seed in 0..50 {
            let spec = StickySpec {
                seed,
                messages: vec![
                    SendSpec::text("你好"),
                    SendSpec::text("nice"),
                    SendSpec::text(""),
                ],
                recv_size: 4,
                ..StickySpec::default()
            };
            let r = simulate(&spec).unwrap();
            assert_eq!(
                r.framed.printed,
                ["b'\\xe4\\xbd\\xa0\\xe5\\xa5\\xbd'", "b'nice'", "b''"]
            );
            // Units: header [0,4), 6 bytes, header, 4 bytes, header, 0 bytes.
            let bounds = [0, 4, 10, 14, 18, 22];
            for (size, start, end) in framed_reads(&r.framed) {
                assert!(size <= 4 && end - start <= size, "seed {seed}");
                let unit = bounds.iter().rposition(|&b| b <= start).unwrap();
                assert!(
                    bounds.get(unit + 1).is_none_or(|&next| end <= next),
                    "seed {seed}: [{start}, {end}) crosses a boundary"
                );
            }
        }
    }

    #[test]
    fn seed_6_1_without_the_sleep_can_go_either_way() {
        let mut apart = Vec::new();
        let mut stuck = Vec::new();
        for seed in 0..200 {
            let spec = StickySpec {
                seed,
                sleep_us: 0,
                ..StickySpec::default()
            };
            let r = simulate(&spec).unwrap();
            match r.naive.printed.first().map(String::as_str) {
                Some("b'hello'") => {
                    assert_eq!(r.naive.printed, ["b'hello'", "b'nice'"]);
                    assert!(r.naive.intact);
                    apart.push(seed);
                }
                Some("b'hellonice'") => stuck.push(seed),
                other => panic!("seed {seed}: {other:?}"),
            }
            assert_eq!(r.framed.printed, ["b'hello'", "b'nice'"], "seed {seed}");
        }
        // "即使不设置睡眠时间,也有几率粘包": both happen, apart more often.
        assert!(
            apart.len() > stuck.len() && !stuck.is_empty(),
            "{apart:?} {stuck:?}"
        );
        // Deterministic: the same seed, the same timeline.
        let spec = StickySpec {
            seed: apart[0],
            sleep_us: 0,
            ..StickySpec::default()
        };
        assert_eq!(simulate(&spec).unwrap(), simulate(&spec).unwrap());
    }

    #[test]
    fn nagle_holds_the_second_write_until_the_ack() {
        let spec = StickySpec {
            jitter_us: 0,
            ..StickySpec::default()
        };
        let r = simulate(&spec).unwrap();
        let ev = &r.naive.events;
        assert_eq!(
            ev[..4],
            [
                Event::Send {
                    at_us: 0,
                    message: 0,
                    start: 0,
                    end: 5,
                    data: "b'hello'".into()
                },
                Event::Segment {
                    at_us: 0,
                    arrives_us: 50,
                    start: 0,
                    end: 5,
                    data: "b'hello'".into()
                },
                Event::Send {
                    at_us: 10,
                    message: 1,
                    start: 5,
                    end: 9,
                    data: "b'nice'".into()
                },
                Event::Held {
                    at_us: 10,
                    start: 5,
                    end: 9
                },
            ]
        );
        // The ACK of b'hello' comes back at 100 and releases b'nice'.
        assert_eq!(
            ev[4],
            Event::Segment {
                at_us: 100,
                arrives_us: 150,
                start: 5,
                end: 9,
                data: "b'nice'".into()
            }
        );
        assert_eq!(
            ev[5],
            Event::Fin {
                at_us: 100,
                arrives_us: 150
            }
        );
        // Without Nagle each write is a segment at once.
        let r = simulate(&StickySpec {
            nagle: false,
            ..spec.clone()
        })
        .unwrap();
        assert!(
            r.naive
                .events
                .iter()
                .all(|e| !matches!(e, Event::Held { .. }))
        );
        assert!(r.naive.events.contains(&Event::Segment {
            at_us: 10,
            arrives_us: 60,
            start: 5,
            end: 9,
            data: "b'nice'".into()
        }));
    }

    #[test]
    fn small_recv_and_mss_cut_messages() {
        let spec = StickySpec {
            messages: vec![SendSpec::text("hello world"), SendSpec::text("nice")],
            recv_size: 4,
            recv_calls: None,
            ..StickySpec::default()
        };
        let r = simulate(&spec).unwrap();
        assert_eq!(
            r.naive.printed,
            ["b'hell'", "b'o wo'", "b'rldn'", "b'ice'", "b''"]
        );
        assert!(
            r.naive
                .note
                .contains("message 1 was cut across 3 recv() calls"),
            "{}",
            r.naive.note
        );
        assert_eq!(r.framed.printed, ["b'hello world'", "b'nice'"]);

        let r = simulate(&StickySpec {
            mss: 3,
            nagle: false,
            ..spec
        })
        .unwrap();
        let segments = r
            .naive
            .events
            .iter()
            .filter(|e| matches!(e, Event::Segment { .. }))
            .count();
        assert_eq!(segments, 6);
    }

    #[test]
    fn an_open_stream_blocks_the_last_recv() {
        let spec = StickySpec {
            close: false,
            recv_calls: Some(3),
            ..StickySpec::default()
        };
        let r = simulate(&spec).unwrap();
        assert_eq!(r.naive.printed, ["b'hellonice'"]);
        assert!(r.naive.hangs);
        assert!(matches!(
            r.naive.events.last(),
            Some(Event::Blocked { call: 2, .. })
        ));
        // The framed reader has its messages, then waits for more.
        assert!(r.framed.intact && r.framed.hangs);
    }

    #[test]
    fn pauses_keep_messages_apart() {
        let spec = StickySpec {
            messages: vec![
                SendSpec::text("hello"),
                SendSpec {
                    text: "nice".into(),
                    pause_us: 50_000,
                },
            ],
            sleep_us: 0,
            ..StickySpec::default()
        };
        for seed in 0..50 {
            let r = simulate(&StickySpec {
                seed,
                ..spec.clone()
            })
            .unwrap();
            assert_eq!(r.naive.printed, ["b'hello'", "b'nice'"]);
            assert!(r.naive.intact);
        }
    }

    #[test]
    fn empty_messages_are_named_not_counted() {
        let spec = |messages: &[&str]| StickySpec {
            messages: messages.iter().map(|m| SendSpec::text(m)).collect(),
            nagle: false,
            sleep_us: 0,
            latency_us: 0,
            jitter_us: 0,
            send_cost_us: 100,
            recv_calls: None,
            ..StickySpec::default()
        };
        // send(b'') puts nothing on the wire: the naive reader cannot see it.
        let r = simulate(&spec(&["ab", "", "cd"])).unwrap();
        assert!(!r.naive.intact);
        assert!(
            r.naive
                .note
                .contains("message 2 is empty: send(b'') puts nothing on the wire"),
            "{}",
            r.naive.note
        );
        assert!(!r.naive.note.contains("1 and 2 and 3"), "{}", r.naive.note);
        assert!(
            r.framed.intact,
            "the framed reader gets b'' from its 0-length header"
        );
        // Nothing sent: nothing to call one message each.
        let r = simulate(&spec(&[])).unwrap();
        assert_eq!(
            r.naive.note,
            "nothing was sent: the first recv() returned b'', the end of the stream"
        );
        assert_eq!(
            r.framed.note,
            "nothing was sent, so the framed reader got no message"
        );
    }

    #[test]
    fn spec_json_defaults_and_errors() {
        let spec: StickySpec = serde_json::from_str("{}").unwrap();
        assert_eq!(spec, StickySpec::default());
        let spec: StickySpec =
            serde_json::from_str(r#"{"messages": ["a", {"text": "b", "pause_us": 3}], "recv_calls": null, "header": "!H"}"#).unwrap();
        assert_eq!(
            spec.messages[1],
            SendSpec {
                text: "b".into(),
                pause_us: 3
            }
        );
        assert_eq!(spec.recv_calls, None);
        let r = simulate(&spec).unwrap();
        assert_eq!(r.framed.stream, "b'\\x00\\x01a\\x00\\x01b'");
        assert!(serde_json::from_str::<StickySpec>(r#"{"sleep": 1}"#).is_err());

        let bad = |spec: StickySpec| simulate(&spec).unwrap_err().to_string();
        // Times past an hour are refused by name: they overflowed the clocks.
        for spec in [
            StickySpec {
                sleep_us: u64::MAX,
                ..StickySpec::default()
            },
            StickySpec {
                latency_us: u64::MAX,
                recv_calls: None,
                ..StickySpec::default()
            },
            StickySpec {
                ack_delay_us: MAX_TIME_US + 1,
                ..StickySpec::default()
            },
        ] {
            assert!(bad(spec).contains("µs; the simulator takes at most 3600000000 µs"));
        }
        let paused = StickySpec {
            messages: vec![
                SendSpec::text("a"),
                SendSpec {
                    text: "b".into(),
                    pause_us: u64::MAX,
                },
            ],
            ..StickySpec::default()
        };
        assert!(bad(paused).starts_with("messages[1].pause_us is 18446744073709551615 µs"));
        let at_the_limit = StickySpec {
            sleep_us: MAX_TIME_US,
            latency_us: MAX_TIME_US,
            jitter_us: MAX_TIME_US,
            ack_delay_us: MAX_TIME_US,
            recv_gap_us: MAX_TIME_US,
            wakeup_us: MAX_TIME_US,
            send_cost_us: MAX_TIME_US,
            recv_size: 1,
            recv_calls: Some(MAX_RECV_CALLS),
            ..StickySpec::default()
        };
        assert!(simulate(&at_the_limit).is_ok());
        assert!(
            bad(StickySpec {
                messages: vec![SendSpec::text(""); MAX_MESSAGES + 1],
                ..StickySpec::default()
            })
            .starts_with("there are 10001 messages")
        );
        assert_eq!(
            bad(StickySpec {
                mss: 0,
                ..StickySpec::default()
            }),
            "mss must be at least 1 byte"
        );
        assert!(
            bad(StickySpec {
                recv_size: 0,
                ..StickySpec::default()
            })
            .starts_with("recv(0)")
        );
        assert!(
            bad(StickySpec {
                header: "f".into(),
                ..StickySpec::default()
            })
            .starts_with("the framed lane cannot frame")
        );
        let big = StickySpec {
            messages: vec![SendSpec::text(&"x".repeat(300))],
            header: "B".into(),
            ..StickySpec::default()
        };
        assert!(bad(big).contains("ubyte format requires 0 <= number <= 255"));
        let huge = StickySpec {
            messages: vec![SendSpec::text(&"x".repeat(MAX_STREAM))],
            ..StickySpec::default()
        };
        assert!(matches!(simulate(&huge), Err(StickyError::TooMuchData(_))));
    }

    #[test]
    fn report_json_is_snake_case_and_tagged() {
        let r = simulate(&StickySpec::default()).unwrap();
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["naive"]["printed"][0], "b'hellonice'");
        assert_eq!(json["naive"]["stream_len"], 9);
        let recv = json["naive"]["events"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["kind"] == "recv")
            .unwrap();
        assert_eq!(recv["returns_us"], 100_000);
        assert_eq!(recv["start"], 0);
        assert_eq!(recv["end"], 9);
        assert_eq!(recv["eof"], false);
    }

    #[test]
    fn splitmix_is_the_reference() {
        // SplitMix64 seeded with 0: the reference sequence's first outputs.
        let mut r = SplitMix64(0);
        assert_eq!(r.next(), 0xe220_a839_7b1d_cdaf);
        assert_eq!(r.next(), 0x6e78_9e6a_a1b9_65f4);
        let mut r = SplitMix64(1);
        assert!((0..1000).all(|_| r.up_to(3) <= 3));
        assert_eq!(SplitMix64(5).up_to(0), 0);
    }
}
