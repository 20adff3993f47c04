//! The OS sockets of one session and the tasks that move their bytes.
//!
//! Each connected TCP socket has a reader task (one `read()` per data frame,
//! paced by the browser's credit) and a writer task (`sendall` semantics,
//! credit returned once written). While the writer task has nothing queued,
//! the session writes the browser's bytes itself ([`Stream::send`]), and the
//! writer task only takes what the kernel's send buffer would not. A listening socket has an accept task; a
//! UDP socket a receive task. Tasks report to the session through
//! [`Internal`] messages and write frames to the session's outgoing queue;
//! the session alone owns the table of sockets. Every task is aborted when
//! its socket leaves the table, so a dropped WebSocket closes every OS
//! socket it opened.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicU32, AtomicUsize, Ordering};
use std::time::Duration;

use axum::extract::ws::Message;
use bytes::{BufMut, Bytes, BytesMut};
use netlab_core::protocol::frame::{Frame, STREAM_HEADER, stream_header};
use netlab_core::protocol::{ErrorEvent, Event, SockType};
use tokio::io::{AsyncReadExt, Interest};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::credit::Credit;
use crate::metrics::Metrics;
use crate::outgoing::Out;

/// How long a closed socket's queued data may take to drain to the peer.
const CLOSE_LINGER: Duration = Duration::from_secs(5);
/// The largest UDP payload.
const MAX_DATAGRAM: usize = 65_535;

/// What tasks tell the session.
#[derive(Debug)]
pub enum Internal {
    /// A `connect` finished, one way or the other. On failure, `fresh` is
    /// the socket again when it can be connected anew, as in Python (a
    /// refused or unreachable peer, a policy refusal), `None` when not (a
    /// timeout, which leaves a half-open attempt behind).
    Connected {
        sock: u32,
        result: Result<TcpStream, ErrorEvent>,
        fresh: Option<socket2::Socket>,
    },
    /// A listening socket accepted a connection.
    Accepted {
        listener: u32,
        stream: TcpStream,
        peer: SocketAddr,
    },
    /// A socket ended on its own (reset, error); the session drops it and
    /// tells the client `closed`.
    Gone { sock: u32, reason: String },
}

/// The channels every task of a session writes to.
#[derive(Debug, Clone)]
pub struct Links {
    pub out: mpsc::Sender<Out>,
    pub internal: mpsc::UnboundedSender<Internal>,
    pub metrics: Arc<Metrics>,
}

impl Links {
    /// Queues a control event for the browser. Fails only when the session is gone.
    pub async fn event(&self, event: &Event) -> Result<(), ()> {
        let text = serde_json::to_string(event).map_err(|_| ())?;
        self.out
            .send(Out::Frame(Message::Text(text.into())))
            .await
            .map_err(|_| ())
    }

    /// Queues a frame for the browser. Fails only when the session is gone.
    pub async fn frame(&self, message: Message) -> Result<(), ()> {
        self.out.send(Out::Frame(message)).await.map_err(|_| ())
    }

    /// Owes the browser credit for `bytes` of `sock`'s data, written to the
    /// OS socket; the writer sends it soon (see [`crate::outgoing`]), or
    /// at once when `now`, and only then takes the bytes off the socket's
    /// `uncredited` count.
    pub async fn credit(
        &self,
        sock: u32,
        bytes: u32,
        uncredited: &Arc<AtomicU32>,
        now: bool,
    ) -> Result<(), ()> {
        self.out
            .send(Out::Credit {
                sock,
                bytes,
                uncredited: Arc::clone(uncredited),
                now,
            })
            .await
            .map_err(|_| ())
    }
}

/// Aborts its task when dropped, so no task outlives its socket.
#[derive(Debug)]
pub struct Task(JoinHandle<()>);

impl Task {
    pub fn spawn<F>(future: F) -> Self
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        Self(tokio::spawn(future))
    }

    /// Aborts the task and waits until it is gone, with everything it held.
    async fn cancel(mut self) {
        self.0.abort();
        let _ = (&mut self.0).await;
    }

    /// Waits up to `limit` for the task to end on its own; true if it has
    /// (its handle must then not be awaited again).
    async fn ended_within(&mut self, limit: Duration) -> bool {
        tokio::time::timeout(limit, &mut self.0).await.is_ok()
    }
}

impl Drop for Task {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A command for a stream's writer task, applied in order with the data.
#[derive(Debug)]
pub enum WriteCmd {
    Data(Bytes),
    Shutdown,
    NoDelay(bool),
    SendBuffer(usize),
    RecvBuffer(usize),
}

/// A connected TCP socket.
#[derive(Debug)]
pub struct Stream {
    writer: Option<mpsc::UnboundedSender<WriteCmd>>,
    /// The write half, shared with the writer task: while nothing is queued
    /// the session writes to it directly, which saves two task wake-ups
    /// (often across threads) per message on a chatty socket.
    write: Arc<OwnedWriteHalf>,
    /// Commands handed to the writer task and not yet carried out. Only
    /// while it is zero may the session write directly: the bytes then
    /// cannot overtake queued ones.
    queued: Arc<AtomicUsize>,
    /// Bytes the browser sent that it has not had back as credit: counted
    /// when they arrive, until the credit event for them goes out, once
    /// they are written to the OS socket. This is the browser's own count
    /// of what is outstanding, so the window bounds exactly what the
    /// protocol says, and with it the bytes waiting to be written.
    uncredited: Arc<AtomicU32>,
    credit: Arc<Credit>,
    /// Bytes of the peer's sent to the browser that its program has not
    /// read yet: counted by the reader, taken off by the browser's credit
    /// (returned as its program reads). With the kernel's receive queue,
    /// this is what Linux calls unread data when the socket is closed.
    unread: Arc<AtomicU32>,
    /// Who tells the browser `eof`: the reader when the peer's FIN
    /// arrives, or `shutdown('read')`. Python's `recv` returns `b''` from
    /// then on either way; the browser hears it once ([`EofState`]).
    eof: Arc<AtomicU8>,
    /// Whether the browser shut both ways, and who reports the reset that
    /// bytes arriving then cause ([`ShutBoth`]).
    shut_both: Arc<AtomicU8>,
    /// Bytes in the kernel's receive queue when the browser shut both
    /// ways: they had arrived, so they are still read, as Linux's `recv`
    /// still returns them; only bytes after them reset the connection.
    queued_at_shut: Arc<AtomicU32>,
    /// The browser has shut reading (`shutdown('read')` or `'both'`).
    read_shut: bool,
    reader: Option<Task>,
    writer_task: Option<Task>,
    ends: Option<(SocketAddr, SocketAddr)>,
}

/// What [`Stream::send`] did with the browser's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sent {
    /// Written to the OS socket at once: the session returns this much
    /// credit (and the writer task took the rest, if any).
    Written(u32),
    /// All of it waits for the writer task, which returns the credit.
    Queued,
}

impl Stream {
    /// Splits `stream` and starts its reader and writer tasks.
    pub fn start(
        sock: u32,
        stream: TcpStream,
        window: u32,
        chunk: u32,
        links: &Links,
    ) -> io::Result<Self> {
        let ends = stream.local_addr().ok().zip(stream.peer_addr().ok());
        let (read, write) = stream.into_split();
        let write = Arc::new(write);
        let credit = Arc::new(Credit::new(window));
        let uncredited = Arc::new(AtomicU32::new(0));
        let unread = Arc::new(AtomicU32::new(0));
        let queued = Arc::new(AtomicUsize::new(0));
        let eof = Arc::new(AtomicU8::new(EofState::NONE));
        let shut_both = Arc::new(AtomicU8::new(ShutBoth::NO));
        let queued_at_shut = Arc::new(AtomicU32::new(0));
        let (tx, rx) = mpsc::unbounded_channel();
        let reader = Task::spawn(read_stream(
            sock,
            read,
            Reading {
                credit: Arc::clone(&credit),
                unread: Arc::clone(&unread),
                eof: Arc::clone(&eof),
                shut_both: Arc::clone(&shut_both),
                queued_at_shut: Arc::clone(&queued_at_shut),
                chunk,
            },
            links.clone(),
        ));
        let writer_task = Task::spawn(write_stream(
            sock,
            Arc::clone(&write),
            rx,
            Shared {
                uncredited: Arc::clone(&uncredited),
                queued: Arc::clone(&queued),
                eof: Arc::clone(&eof),
            },
            links.clone(),
        ));
        Ok(Self {
            writer: Some(tx),
            write,
            queued,
            uncredited,
            credit,
            unread,
            eof,
            shut_both,
            queued_at_shut,
            read_shut: false,
            reader: Some(reader),
            writer_task: Some(writer_task),
            ends,
        })
    }

    /// Sends the browser's bytes towards the peer: written at once when the
    /// writer task has nothing queued and the kernel takes them, otherwise
    /// (the rest) queued in order for the writer task. Refuses, with the
    /// reason, data beyond the window or after `shutdown('write')`.
    pub fn send(&self, payload: Bytes, window: u32, links: &Links) -> Result<Sent, ErrorEvent> {
        let Some(writer) = &self.writer else {
            return Err(ErrorEvent::os(
                None,
                "send",
                netlab_core::protocol::errno::EPIPE,
                None,
            ));
        };
        let len = u32::try_from(payload.len()).unwrap_or(u32::MAX);
        let before = self.uncredited.fetch_add(len, Ordering::AcqRel);
        if before.saturating_add(len) > window {
            self.uncredited.fetch_sub(len, Ordering::AcqRel);
            return Err(ErrorEvent::os(
                None,
                "send",
                netlab_core::protocol::errno::ENOBUFS,
                Some(&format!(
                    "{len} bytes would exceed the window of {window} bytes ({before} not yet credited); wait for credit"
                )),
            ));
        }
        let mut written = 0;
        if self.queued.load(Ordering::Acquire) == 0 {
            // An error other than a full buffer is left to the writer task,
            // which meets it again and reports it as it always does.
            if let Ok(n) = self.write.try_write(&payload) {
                written = n;
            }
        }
        if written > 0 {
            links.metrics.add_bytes_to_peers(written);
        }
        if written < payload.len() {
            self.queued.fetch_add(1, Ordering::AcqRel);
            let rest = payload.slice(written..);
            writer.send(WriteCmd::Data(rest)).map_err(|_| {
                ErrorEvent::os(None, "send", netlab_core::protocol::errno::EPIPE, None)
            })?;
        }
        Ok(match u32::try_from(written) {
            Ok(0) | Err(_) => Sent::Queued,
            Ok(n) => Sent::Written(n),
        })
    }

    /// The error the peer's reset left on the socket, if any (see
    /// [`reset_by_peer`]).
    pub fn reset_by_peer(&self) -> Option<io::Error> {
        reset_by_peer(self.tcp())
    }

    /// The OS socket, through the write half the session keeps.
    pub fn tcp(&self) -> &TcpStream {
        (*self.write).as_ref()
    }

    /// Passes a command to the writer task, in order with queued data.
    pub fn command(&self, cmd: WriteCmd) -> bool {
        self.writer.as_ref().is_some_and(|w| {
            self.queued.fetch_add(1, Ordering::AcqRel);
            w.send(cmd).is_ok()
        })
    }

    /// `shutdown('write')`: FIN after the queued data (if `fin`: not on a
    /// connection already closed both ways); later sends fail.
    pub fn shutdown_write(&mut self, fin: bool) {
        if let Some(writer) = self.writer.take()
            && fin
        {
            self.queued.fetch_add(1, Ordering::AcqRel);
            let _ = writer.send(WriteCmd::Shutdown);
        }
    }

    /// Whether the connection is closed both ways (Linux's TCP_CLOSE, the
    /// one state besides SYN_SENT where getpeername() is ENOTCONN).
    pub fn fully_closed(&self) -> bool {
        matches!(self.tcp().peer_addr(), Err(e) if e.raw_os_error() == Some(netlab_core::protocol::errno::ENOTCONN))
    }

    /// `shutdown('read')`: true if the browser is to be told `eof` now: on
    /// the first one, always, even when the peer's FIN was told already.
    ///
    /// The reader goes on: Linux still queues what arrives after SHUT_RD,
    /// and `recv` returns it, giving b'' only once the queue is empty. The
    /// browser's `eof` flag is that b''; the bytes forwarded after it are
    /// the queue. The peer's FIN is told by the reader, before or after
    /// this one, so a browser that shut reading knows the peer closed once
    /// it has had two `eof`s, whichever came first (with one per event, a
    /// FIN's `eof` still on its way when the browser shut reading would be
    /// taken for its own, and the connection never known closed both ways).
    pub fn shutdown_read(&mut self) -> bool {
        let first = !std::mem::replace(&mut self.read_shut, true);
        // Nobody told it yet: the FIN, when it comes, is the second `eof`.
        let _ = self.eof.compare_exchange(
            EofState::NONE,
            EofState::SHUT,
            Ordering::AcqRel,
            Ordering::Acquire,
        );
        first
    }

    /// After a `shutdown`: once the browser has shut both ways, Linux's
    /// socket is in FIN_WAIT with reading shut, where bytes that arrive
    /// reset the connection (RFC 1122 §4.2.2.13): the reader watches for
    /// them from now on, past those the kernel holds now.
    pub fn note_shutdown(&self) {
        if self.read_shut && self.writer.is_none() && !self.shut_both_ways() {
            let queued = rustix::io::ioctl_fionread(self.tcp()).unwrap_or(0);
            self.queued_at_shut
                .store(u32::try_from(queued).unwrap_or(u32::MAX), Ordering::Release);
            let _ = self.shut_both.compare_exchange(
                ShutBoth::NO,
                ShutBoth::YES,
                Ordering::AcqRel,
                Ordering::Acquire,
            );
        }
    }

    /// Whether bytes arriving now reset the connection ([`Self::note_shutdown`]).
    pub fn shut_both_ways(&self) -> bool {
        self.shut_both.load(Ordering::Acquire) != ShutBoth::NO
    }

    /// Claims the report of the reset that arriving bytes caused; true for
    /// the one caller (the reader or the session) that is to make it.
    pub fn claim_reset(&self) -> bool {
        claim_reset(&self.shut_both)
    }

    /// The browser's bytes not yet credited back, for [`Links::credit`].
    pub fn uncredited(&self) -> &Arc<AtomicU32> {
        &self.uncredited
    }

    /// Whether the peer has closed its side (or the browser shut down
    /// reading). The browser then waits for each send's credit, to raise a
    /// reset on the send after it as Python does, so the credit goes out at
    /// once instead of waiting for a frame to travel with.
    pub fn peer_closed(&self) -> bool {
        peer_closed(&self.eof)
    }

    /// Returns credit from the browser to the reader: its program has
    /// read `bytes`.
    pub fn grant(&self, bytes: u32) {
        let _ = self
            .unread
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                Some(n.saturating_sub(bytes))
            });
        self.credit.grant(bytes);
    }

    /// `close()`, as Linux closes a TCP socket: with data its program never
    /// read (in the browser or still in the kernel), the connection is
    /// reset (RFC 2525 §2.17: the peer's next call raises `[Errno 104]
    /// Connection reset by peer`) and queued data is dropped; otherwise
    /// gracefully ([`Self::close_gracefully`]).
    /// True if it reset the connection.
    pub async fn close(self) -> bool {
        let unread = self.unread.load(Ordering::Acquire) > 0 || self.kernel_has_data();
        if unread {
            self.reset().await;
        } else {
            self.close_gracefully();
        }
        unread
    }

    /// Whether bytes wait in the kernel's receive queue (a FIN alone is not data).
    fn kernel_has_data(&self) -> bool {
        let mut byte = [std::mem::MaybeUninit::uninit(); 1];
        matches!(socket2::SockRef::from(self.tcp()).peek(&mut byte), Ok(n) if n > 0)
    }

    /// Closes with a reset and no FIN: `SO_LINGER` 0, then the last handle
    /// of the socket closed without the write half's shutdown (which would
    /// send a FIN first, and a peer's `recv` after a FIN gives `b''`
    /// rather than the reset).
    pub async fn reset(mut self) {
        let _ = socket2::SockRef::from(self.tcp()).set_linger(Some(Duration::ZERO));
        self.writer = None;
        for task in [self.reader.take(), self.writer_task.take()]
            .into_iter()
            .flatten()
        {
            task.cancel().await;
        }
        // The read half went with the reader.
        match Arc::try_unwrap(self.write) {
            Ok(write) => write.forget(),
            Err(write) => drop(write),
        }
    }

    /// This connection's two ends, `(local, peer)`, as they were when it
    /// started (a reset leaves the socket with no peer to ask for).
    pub fn ends(&self) -> Option<(SocketAddr, SocketAddr)> {
        self.ends
    }

    /// Waits, up to `limit`, for the reader to end: after a reset it has
    /// queued its error for the browser by then.
    pub async fn reader_ended(&mut self, limit: Duration) {
        if let Some(task) = &mut self.reader
            && task.ended_within(limit).await
        {
            self.reader = None;
        }
    }

    /// `close()`: queued data still drains to the peer for a few seconds
    /// (as the kernel does with a socket's send buffer), then the OS socket closes.
    fn close_gracefully(mut self) {
        self.reader = None;
        self.writer = None;
        if let Some(task) = self.writer_task.take() {
            tokio::spawn(async move {
                tokio::time::sleep(CLOSE_LINGER).await;
                drop(task);
            });
        }
    }
}

/// Whether the peer's `eof` (or `shutdown('read')`) is known.
fn peer_closed(eof: &AtomicU8) -> bool {
    eof.load(Ordering::Acquire) != EofState::NONE
}

/// Whether a stream is shut both ways by the browser, in an `AtomicU8`.
struct ShutBoth;

impl ShutBoth {
    /// Not both ways.
    const NO: u8 = 0;
    /// Both ways: bytes arriving reset the connection.
    const YES: u8 = 1;
    /// They did, and the reset is being reported.
    const RESET: u8 = 2;
}

/// See [`Stream::claim_reset`].
fn claim_reset(shut_both: &AtomicU8) -> bool {
    shut_both
        .compare_exchange(
            ShutBoth::YES,
            ShutBoth::RESET,
            Ordering::AcqRel,
            Ordering::Acquire,
        )
        .is_ok()
}

/// What Linux does when bytes reach a socket shut both ways: it drops
/// them, resets the connection (the peer gets the RST once the socket is
/// closed, which `SO_LINGER` 0 makes a reset) and the socket's next call
/// raises `[Errno 104]`.
pub async fn report_shut_reset(sock: u32, socket: socket2::SockRef<'_>, links: &Links) {
    let _ = socket.set_linger(Some(Duration::ZERO));
    let reset = io::Error::from_raw_os_error(netlab_core::protocol::errno::ECONNRESET);
    report_gone(sock, "recv", &reset, links).await;
}

/// Where the browser's `eof` for a stream stands, in an `AtomicU8`.
struct EofState;

impl EofState {
    /// Nobody has told it.
    const NONE: u8 = 0;
    /// The reader saw the peer's FIN and is queueing the event.
    const CLAIMED: u8 = 1;
    /// The event is queued for the browser.
    const SENT: u8 = 2;
    /// `shutdown('read')` told the browser `eof`; the peer's FIN is still
    /// to come, and to be told.
    const SHUT: u8 = 3;
}

/// What a stream's reader shares with the session, and its read size.
struct Reading {
    credit: Arc<Credit>,
    unread: Arc<AtomicU32>,
    eof: Arc<AtomicU8>,
    shut_both: Arc<AtomicU8>,
    queued_at_shut: Arc<AtomicU32>,
    chunk: u32,
}

async fn read_stream(sock: u32, mut read: OwnedReadHalf, reading: Reading, links: Links) {
    let Reading {
        credit,
        unread,
        eof,
        shut_both,
        queued_at_shut,
        chunk,
    } = reading;
    // One buffer for the socket's life: each frame is split off it, and
    // `reserve` takes the memory back once the frames sent before are
    // dropped, so a busy socket does not allocate per read.
    let mut buf = BytesMut::new();
    let mut size = ReadSize::new(chunk);
    loop {
        // Nothing is reserved while the socket is idle.
        if let Err(e) = read.readable().await {
            report_gone(sock, "recv", &e, &links).await;
            return;
        }
        let allowed = credit.take(size.next()).await;
        let want = allowed as usize;
        buf.reserve(STREAM_HEADER + want);
        buf.extend_from_slice(&stream_header(sock));
        let result = {
            let mut limited = (&mut buf).limit(want);
            read.read_buf(&mut limited).await
        };
        match result {
            Ok(0) => {
                credit.grant(allowed);
                let claim = |from| {
                    eof.compare_exchange(
                        from,
                        EofState::CLAIMED,
                        Ordering::AcqRel,
                        Ordering::Acquire,
                    )
                    .is_ok()
                };
                let claimed = claim(EofState::NONE) || claim(EofState::SHUT);
                if claimed {
                    let _ = links.event(&Event::Eof { sock }).await;
                    eof.store(EofState::SENT, Ordering::Release);
                }
                // Half over, the connection may still be reset: the peer
                // closing with bytes of ours unread. Linux keeps that as
                // the socket's error for the program's next call (a send
                // says `[Errno 32]` after the FIN), and nothing reads any
                // more to meet it, so wait for it here. A writer that met
                // it first has taken (and reported) it.
                let stream: &TcpStream = read.as_ref();
                if stream.ready(Interest::ERROR).await.is_ok()
                    && let Some(e) = reset_by_peer(stream)
                {
                    report_gone(sock, "recv", &e, &links).await;
                }
                return;
            }
            Ok(count) => {
                // Shut both ways: bytes past those queued then are new, and
                // reset the connection, after the old ones are forwarded.
                let mut n = count;
                let mut reset = false;
                if shut_both.load(Ordering::Acquire) == ShutBoth::YES {
                    let old = queued_at_shut.load(Ordering::Acquire) as usize;
                    if count > old && claim_reset(&shut_both) {
                        (n, reset) = (old, true);
                        buf.truncate(STREAM_HEADER + n);
                    } else {
                        let left = u32::try_from(old.saturating_sub(count)).unwrap_or(0);
                        queued_at_shut.store(left, Ordering::Release);
                    }
                }
                if n > 0 {
                    size.record(n, want);
                    let got = u32::try_from(n).unwrap_or(allowed);
                    credit.grant(allowed.saturating_sub(got));
                    unread.fetch_add(got, Ordering::AcqRel);
                    links.metrics.add_bytes_from_peers(n);
                    let frame = buf.split().freeze();
                    if links.frame(Message::Binary(frame)).await.is_err() {
                        return;
                    }
                }
                if reset {
                    report_shut_reset(sock, socket2::SockRef::from(read.as_ref()), &links).await;
                    return;
                }
            }
            Err(e) => {
                report_gone(sock, "recv", &e, &links).await;
                return;
            }
        }
    }
}

/// How much one `read()` asks for: it starts small, doubles while reads
/// fill it and halves when they come back far from full, between
/// [`MIN_READ`] and the configured chunk. A chatty socket then holds a few
/// KiB, and a bulk transfer reaches the chunk size in a few reads: each
/// frame carries more bytes, so fewer reads, frames and wake-ups per byte.
/// (hyper reads the same way.)
#[derive(Debug, Clone, Copy)]
struct ReadSize {
    now: u32,
    max: u32,
}

/// The smallest read the relay asks for.
const MIN_READ: u32 = 8 * 1024;

impl ReadSize {
    fn new(max: u32) -> Self {
        Self {
            now: MIN_READ.min(max),
            max,
        }
    }

    fn next(self) -> u32 {
        self.now
    }

    /// `got` bytes came back from a read of `asked`.
    fn record(&mut self, got: usize, asked: usize) {
        if got >= asked && asked >= self.now as usize {
            self.now = self.now.saturating_mul(2).min(self.max);
        } else if got < (self.now as usize) / 4 {
            self.now = (self.now / 2).max(MIN_READ.min(self.max));
        }
    }
}

/// The counters a stream's writer task shares with the session.
#[derive(Debug)]
struct Shared {
    uncredited: Arc<AtomicU32>,
    queued: Arc<AtomicUsize>,
    /// The stream's [`EofState`], for [`Stream::peer_closed`]'s rule.
    eof: Arc<AtomicU8>,
}

async fn write_stream(
    sock: u32,
    write: Arc<OwnedWriteHalf>,
    mut rx: mpsc::UnboundedReceiver<WriteCmd>,
    shared: Shared,
    links: Links,
) {
    let tcp: &TcpStream = (*write).as_ref();
    while let Some(first) = rx.recv().await {
        // Write everything already queued, then return the credit in one event.
        let mut written: u32 = 0;
        let mut next = Some(first);
        while let Some(cmd) = next.take() {
            let result = match cmd {
                WriteCmd::Data(bytes) => {
                    let n = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
                    let r = write_all(&write, &bytes).await;
                    if r.is_ok() {
                        written = written.saturating_add(n);
                        links.metrics.add_bytes_to_peers(bytes.len());
                    }
                    r
                }
                WriteCmd::Shutdown => {
                    socket2::SockRef::from(tcp).shutdown(std::net::Shutdown::Write)
                }
                WriteCmd::NoDelay(on) => tcp.set_nodelay(on),
                WriteCmd::SendBuffer(n) => socket2::SockRef::from(tcp).set_send_buffer_size(n),
                WriteCmd::RecvBuffer(n) => socket2::SockRef::from(tcp).set_recv_buffer_size(n),
            };
            if let Err(e) = result {
                // `queued` stays above zero: the session no longer writes
                // directly, and its next send finds this task gone (EPIPE).
                report_gone(sock, "send", &e, &links).await;
                return;
            }
            shared.queued.fetch_sub(1, Ordering::AcqRel);
            next = rx.try_recv().ok();
        }
        let closed = peer_closed(&shared.eof);
        if written > 0
            && links
                .credit(sock, written, &shared.uncredited, closed)
                .await
                .is_err()
        {
            return;
        }
        if closed && let Some(e) = reset_by_peer(tcp) {
            report_gone(sock, "send", &e, &links).await;
            return;
        }
    }
}

/// `write_all` through a shared write half: waits for room, writes what fits.
async fn write_all(write: &OwnedWriteHalf, mut bytes: &[u8]) -> io::Result<()> {
    while !bytes.is_empty() {
        write.writable().await?;
        match write.try_write(bytes) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => bytes = bytes.get(n..).unwrap_or_default(),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// The reset a peer that had closed answered our bytes with: on loopback
/// it has arrived by the time the write returns, as Python's next call
/// sees (`getpeername` then says ENOTCONN, `send` EPIPE). Only asked after
/// writing to a peer whose end is known, where a reset is what comes.
pub fn reset_by_peer(tcp: &TcpStream) -> Option<io::Error> {
    tcp.take_error().ok().flatten()
}

/// An OS error ended a socket: tell the browser in Python's words, then
/// have the session drop the socket and say `closed`.
pub async fn report_gone(sock: u32, op: &str, error: &io::Error, links: &Links) {
    Metrics::bump(&links.metrics.socket_errors);
    let event = os_error(Some(sock), op, error);
    let reason = event.message.clone();
    let _ = links.event(&Event::Error(event)).await;
    let _ = links.internal.send(Internal::Gone { sock, reason });
}

/// An `io::Error` as an error event with Python's wording.
pub fn os_error(sock: Option<u32>, op: &str, error: &io::Error) -> ErrorEvent {
    match error.raw_os_error() {
        Some(errno) => ErrorEvent::os(sock, op, errno, None),
        None => ErrorEvent {
            sock,
            op: Some(op.to_owned()),
            errno: None,
            code: "EIO".into(),
            message: error.to_string(),
            local: None,
        },
    }
}

/// Accepts connections and hands them to the session.
pub fn start_listener(sock: u32, listener: Arc<TcpListener>, links: Links) -> Task {
    Task::spawn(async move {
        loop {
            match listener.accept().await {
                Ok((stream, peer)) => {
                    let accepted = Internal::Accepted {
                        listener: sock,
                        stream,
                        peer,
                    };
                    if links.internal.send(accepted).is_err() {
                        return;
                    }
                }
                Err(e) => {
                    // EMFILE and friends are transient: report, pause, go on.
                    let _ = links
                        .event(&Event::Error(os_error(Some(sock), "accept", &e)))
                        .await;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
    })
}

/// A bound UDP socket and its receive task.
#[derive(Debug)]
pub struct Udp {
    pub socket: Arc<UdpSocket>,
    pub local: SocketAddr,
    pub peer: Option<SocketAddr>,
    _reader: Task,
}

impl Udp {
    /// Starts receiving: each datagram becomes a datagram frame; when the
    /// outgoing queue is full the datagram is dropped and counted, as UDP would.
    pub fn start(sock: u32, socket: UdpSocket, links: Links) -> io::Result<Self> {
        let local = socket.local_addr()?;
        let socket = Arc::new(socket);
        let reader = Task::spawn(read_datagrams(sock, Arc::clone(&socket), links));
        Ok(Self {
            socket,
            local,
            peer: None,
            _reader: reader,
        })
    }
}

async fn read_datagrams(sock: u32, socket: Arc<UdpSocket>, links: Links) {
    let mut buf = vec![0u8; MAX_DATAGRAM];
    loop {
        match socket.recv_from(&mut buf).await {
            Ok((n, from)) => {
                let payload = buf.get(..n).unwrap_or_default();
                let mut frame = Vec::with_capacity(n + 24);
                Frame::Datagram {
                    sock,
                    addr: from,
                    payload,
                }
                .emit(&mut frame);
                links.metrics.add_bytes_from_peers(n);
                match links
                    .out
                    .try_send(Out::Frame(Message::Binary(frame.into())))
                {
                    Ok(()) => {}
                    Err(mpsc::error::TrySendError::Full(_)) => {
                        Metrics::bump(&links.metrics.udp_dropped)
                    }
                    Err(mpsc::error::TrySendError::Closed(_)) => return,
                }
            }
            Err(e) => {
                // ICMP port unreachable surfaces here as ECONNREFUSED on a
                // connected UDP socket; Python raises it from recv, so report it.
                let _ = links
                    .event(&Event::Error(os_error(Some(sock), "recvfrom", &e)))
                    .await;
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    }
}

/// A new OS socket of the given type and family, non-blocking.
pub fn new_socket(kind: SockType, v6: bool) -> io::Result<socket2::Socket> {
    use socket2::{Domain, Protocol, Type};
    let domain = if v6 { Domain::IPV6 } else { Domain::IPV4 };
    let (ty, proto) = match kind {
        SockType::Tcp => (Type::STREAM, Protocol::TCP),
        SockType::Udp => (Type::DGRAM, Protocol::UDP),
    };
    let socket = socket2::Socket::new(domain, ty, Some(proto))?;
    socket.set_nonblocking(true)?;
    Ok(socket)
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn reads_grow_while_full_and_shrink_when_sparse() {
        let mut size = ReadSize::new(256 * 1024);
        assert_eq!(size.next(), 8 * 1024);
        for expect in [16, 32, 64, 128, 256, 256] {
            let asked = size.next() as usize;
            size.record(asked, asked);
            assert_eq!(size.next(), expect * 1024);
        }
        // Credit cut the read short: a full read of less than asked for
        // says nothing about the socket's pace.
        size = ReadSize::new(256 * 1024);
        size.record(1000, 1000);
        assert_eq!(size.next(), 8 * 1024);
        // A chatty socket comes back down to the minimum.
        size = ReadSize::new(256 * 1024);
        for _ in 0..5 {
            let asked = size.next() as usize;
            size.record(asked, asked);
        }
        for _ in 0..10 {
            size.record(32, size.next() as usize);
        }
        assert_eq!(size.next(), 8 * 1024);
        // A chunk below the minimum is the chunk.
        assert_eq!(ReadSize::new(100).next(), 100);
    }
}
