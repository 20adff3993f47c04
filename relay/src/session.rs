//! One WebSocket session: the hello, then the client's socket operations
//! until it leaves, goes idle, or the relay shuts down.
//!
//! The session task owns the table of sockets and handles one thing at a
//! time: a message from the browser, or a report from one of its sockets'
//! tasks. A separate writer task drains the bounded outgoing queue into the
//! WebSocket, batching frames; when the browser reads slowly the queue
//! fills, socket readers wait, and TCP pushes back on the peers.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket};
use bytes::Bytes;
use futures_util::StreamExt;
use netlab_core::protocol::errno::{
    EACCES, EBADF, EBUSY, ECONNRESET, EDESTADDRREQ, EINVAL, EISCONN, EMFILE, EMSGSIZE, ENOTCONN,
    EOPNOTSUPP, EPIPE,
};
use netlab_core::protocol::frame::{Frame, STREAM_HEADER};
use netlab_core::protocol::policy::{bindable, canonical, loopback_toward};
use netlab_core::protocol::{
    ErrorEvent, Event, Family, Hello, How, OkEvent, Op, OptValue, PROTOCOL_VERSION,
    RELAY_IDS_START, SockOpt, SockType, parse_op,
};
use tokio::net::{TcpListener, TcpSocket, TcpStream, UdpSocket};
use tokio::sync::{TryAcquireError, mpsc};

use crate::metrics::Metrics;
use crate::outgoing::{self, Coalescer, Out};
use crate::server::Shared;
use crate::sockets::{self, Internal, Links, Sent, Stream, Task, Udp, WriteCmd, os_error};

/// WebSocket close code "going away", sent on shutdown and idle timeout.
const GOING_AWAY: u16 = 1001;
/// WebSocket close code "try again later", sent when sessions are full.
const TRY_AGAIN_LATER: u16 = 1013;
/// How long a closing session waits for its queued frames to go out.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(2);
/// Frames queued towards the browser before socket readers wait.
const OUT_QUEUE: usize = 64;
/// The backlog of `listen(0)`, Python's default (`min(SOMAXCONN, 128)`).
const DEFAULT_BACKLOG: u32 = 128;
/// How long a close waits for the other end, a socket of the same
/// session, to report the reset or the FIN ([`Session::peer_heard_close`]).
const RESET_HEARD_WITHIN: Duration = Duration::from_millis(20);
/// The most connections a listener's queue holds on Linux (`SOMAXCONN`),
/// so the most a closing listener resets.
const MAX_BACKLOG: usize = 4096;

pub async fn serve(socket: WebSocket, shared: Arc<Shared>) {
    let _done = shared.shutdown_complete.clone();
    let mut shutdown = shared.notify_shutdown.subscribe();
    let _permit = match Arc::clone(&shared.sessions).try_acquire_owned() {
        Ok(permit) => permit,
        Err(TryAcquireError::NoPermits | TryAcquireError::Closed) => {
            refuse_full(socket, shared.config.max_sessions).await;
            return;
        }
    };
    Metrics::bump(&shared.metrics.sessions_total);
    let _open = shared.metrics.sessions_open.track();
    tracing::debug!("session opened");

    let (sink, mut incoming) = socket.split();
    let (out, out_rx) = mpsc::channel::<Out>(OUT_QUEUE);
    let writer = tokio::spawn(outgoing::run(
        sink,
        out_rx,
        Coalescer::new(shared.config.limits.window),
    ));
    let (internal, mut internal_rx) = mpsc::unbounded_channel();
    let links = Links {
        out,
        internal,
        metrics: Arc::clone(&shared.metrics),
    };
    let mut session = Session {
        published: 0,
        sockets: HashMap::new(),
        next_conn: RELAY_IDS_START,
        links,
        shared: Arc::clone(&shared),
    };

    if session
        .links
        .event(&Event::Hello(hello(&shared)))
        .await
        .is_ok()
    {
        let idle = tokio::time::sleep(shared.config.idle_timeout);
        tokio::pin!(idle);
        loop {
            tokio::select! {
                message = incoming.next() => {
                    idle.as_mut().reset(tokio::time::Instant::now() + shared.config.idle_timeout);
                    let alive = match message {
                        Some(Ok(Message::Text(text))) => session.on_text(text.as_str()).await,
                        Some(Ok(Message::Binary(bytes))) => session.on_binary(bytes).await,
                        Some(Ok(Message::Ping(_) | Message::Pong(_))) => true,
                        Some(Err(e)) => {
                            session.on_read_error(&e).await;
                            false
                        }
                        Some(Ok(Message::Close(_))) | None => false,
                    };
                    if !alive {
                        break;
                    }
                }
                Some(report) = internal_rx.recv() => {
                    if !session.on_internal(report).await {
                        break;
                    }
                }
                _ = shutdown.recv() => {
                    session.close_with(GOING_AWAY, "relay shutting down").await;
                    await_close_reply(&mut incoming).await;
                    break;
                }
                () = &mut idle => {
                    session.close_with(GOING_AWAY, "idle for too long").await;
                    await_close_reply(&mut incoming).await;
                    break;
                }
            }
            session.publish_socket_count();
        }
    }
    // Dropping the table aborts every socket task and closes every OS socket.
    drop(session);
    let _ = tokio::time::timeout(CLOSE_TIMEOUT, writer).await;
    tracing::debug!("session closed");
}

/// After our close frame, reads (and drops) what the client still sends
/// until its close reply, for a few seconds at most. Closing the TCP
/// connection with unread data would make the kernel send a reset, and the
/// client could lose our close frame with it.
async fn await_close_reply(incoming: &mut futures_util::stream::SplitStream<WebSocket>) {
    let _ = tokio::time::timeout(CLOSE_TIMEOUT, async {
        while let Some(Ok(message)) = incoming.next().await {
            if matches!(message, Message::Close(_)) {
                break;
            }
        }
    })
    .await;
}

async fn refuse_full(mut socket: WebSocket, max: usize) {
    let detail =
        format!("the relay already has its maximum of {max} sessions; close a tab and reload");
    let mut error = ErrorEvent::os(None, "", EBUSY, Some(&detail));
    error.op = None;
    let event = Event::Error(error);
    if let Ok(text) = serde_json::to_string(&event) {
        let _ = socket.send(Message::Text(text.into())).await;
    }
    let frame = CloseFrame {
        code: TRY_AGAIN_LATER,
        reason: "too many sessions".into(),
    };
    let _ = socket.send(Message::Close(Some(frame))).await;
}

fn hello(shared: &Shared) -> Hello {
    Hello {
        protocol: PROTOCOL_VERSION,
        relay: format!("netlab-relay {}", env!("CARGO_PKG_VERSION")),
        limits: shared.config.limits,
        labs: shared.labs.clone(),
        allow: shared.config.policy.strings(),
    }
}

/// A socket as the session knows it.
#[derive(Debug)]
enum Sock {
    /// Created (and maybe bound), neither connected nor listening.
    Fresh {
        kind: SockType,
        v6: bool,
        socket: socket2::Socket,
    },
    Connecting {
        _task: Task,
        /// Options set while connecting (Python sets them on the socket
        /// then), applied once it is connected.
        options: Vec<(SockOpt, i64)>,
    },
    Stream(Stream),
    Listening {
        listener: Arc<TcpListener>,
        _task: Task,
    },
    Udp(Udp),
    /// A failed `connect` leaves the socket unusable, as in Python, until closed.
    Dead,
}

struct Session {
    /// How many sockets this session last counted into the relay's gauge.
    published: u64,
    sockets: HashMap<u32, Sock>,
    next_conn: u32,
    links: Links,
    shared: Arc<Shared>,
}

/// What an op answers right away.
enum Reply {
    Ok(OkEvent),
    /// Answered later (connect) or never (credit).
    Later,
}

type OpResult = Result<Reply, ErrorEvent>;

impl Drop for Session {
    fn drop(&mut self) {
        self.links
            .metrics
            .sockets_open
            .fetch_sub(self.published, std::sync::atomic::Ordering::Relaxed);
    }
}

impl Session {
    /// Brings the relay-wide socket gauge up to date with this table.
    fn publish_socket_count(&mut self) {
        let now = self.sockets.len() as u64;
        let gauge = &self.links.metrics.sockets_open;
        if now > self.published {
            gauge.fetch_add(now - self.published, std::sync::atomic::Ordering::Relaxed);
        } else {
            gauge.fetch_sub(self.published - now, std::sync::atomic::Ordering::Relaxed);
        }
        self.published = now;
    }

    async fn on_text(&mut self, text: &str) -> bool {
        if text.len() > self.max_frame() {
            return self.refuse_oversized(text.len(), None, None).await;
        }
        let op = match parse_op(text) {
            Ok(op) => op,
            Err(error) => {
                Metrics::bump(&self.links.metrics.protocol_errors);
                return self.links.event(&Event::Error(*error)).await.is_ok();
            }
        };
        let (sock, name) = (op.sock(), op.name());
        let close = matches!(op, Op::Close { .. });
        let event = match self.on_op(op).await {
            Ok(Reply::Ok(ok)) => Event::Ok(ok),
            Ok(Reply::Later) => return true,
            Err(mut error) => {
                error.sock = Some(sock);
                error.op = Some(name.to_owned());
                Event::Error(error)
            }
        };
        let ok = matches!(event, Event::Ok(_));
        if self.links.event(&event).await.is_err() {
            return false;
        }
        if close && ok {
            let closed = Event::Closed { sock, reason: None };
            return self.links.event(&closed).await.is_ok();
        }
        true
    }

    async fn on_op(&mut self, op: Op) -> OpResult {
        match op {
            Op::Socket { sock, kind, family } => self.op_socket(sock, kind, family),
            Op::Bind { sock, host, port } => self.op_bind(sock, &host, port).await,
            Op::Listen { sock, backlog } => self.op_listen(sock, backlog),
            Op::Connect { sock, host, port } => self.op_connect(sock, host, port).await,
            Op::Shutdown { sock, how } => self.op_shutdown(sock, how).await,
            Op::Close { sock, reset } => match self.sockets.remove(&sock) {
                Some(Sock::Stream(stream)) => {
                    let ends = stream.ends();
                    if reset {
                        stream.reset().await;
                    } else {
                        stream.close().await;
                    }
                    if let Some((local, peer)) = ends {
                        self.peer_heard_close(local, peer).await;
                    }
                    Ok(ok(sock, "close"))
                }
                Some(Sock::Listening { listener, _task }) => {
                    drop(_task);
                    self.reset_backlog(&listener).await;
                    Ok(ok(sock, "close"))
                }
                Some(_) => Ok(ok(sock, "close")),
                None => Err(bad_sock()),
            },
            Op::Setsockopt { sock, name, value } => self.op_setsockopt(sock, name, value),
            Op::Credit { sock, bytes } => {
                // Credit for a socket that just closed is a normal race: ignore it.
                if let Some(Sock::Stream(stream)) = self.sockets.get(&sock) {
                    stream.grant(bytes);
                }
                Ok(Reply::Later)
            }
        }
    }

    /// On Linux a connection's peer has the reset, or the FIN, when
    /// `close()` returns. When the peer is another socket of this session,
    /// its reader reports it before the close is answered, so the
    /// program's next call on that socket sees it as in Python: `[Errno
    /// 104]`, or a send that then waits for the reset it provokes (bounded:
    /// a reader paused for credit may not look for a while).
    async fn peer_heard_close(&mut self, local: SocketAddr, peer: SocketAddr) {
        if let Some((_, stream)) = other_end(&mut self.sockets, local, peer) {
            stream.reader_ended(RESET_HEARD_WITHIN).await;
        }
    }

    /// Linux resets the connections waiting in a listener's queue when it
    /// closes or stops listening. The relay takes them from the kernel and
    /// resets each, so one whose other end is a socket of this session has
    /// heard it before the answer, as `connect`'s side has on Linux when
    /// `close()` returns. Bounded by the largest queue Linux keeps.
    async fn reset_backlog(&mut self, listener: &TcpListener) {
        let queue = socket2::SockRef::from(listener);
        for _ in 0..MAX_BACKLOG {
            // The listener is non-blocking: an empty queue is `WouldBlock`.
            let Ok((conn, _)) = queue.accept() else {
                break;
            };
            let ends = conn
                .local_addr()
                .ok()
                .and_then(|a| a.as_socket())
                .zip(conn.peer_addr().ok().and_then(|a| a.as_socket()));
            let _ = conn.set_linger(Some(Duration::ZERO));
            drop(conn);
            if let Some((local, peer)) = ends {
                self.peer_heard_close(local, peer).await;
            }
        }
    }

    /// After bytes were written to the connection `local`–`peer`: when its
    /// other end is a socket of this session that the browser shut both
    /// ways, Linux has reset it by the time `send` returns (the bytes
    /// arrived there, RFC 1122 §4.2.2.13), and the sender has the RST. So
    /// that socket's reader reports the reset (or, paused for credit, the
    /// session does) and the socket goes now, its RST reaching the sender
    /// before the send's credit goes out.
    async fn other_end_shut_both_ways(&mut self, local: SocketAddr, peer: SocketAddr) {
        let Some((id, stream)) = other_end(&mut self.sockets, local, peer) else {
            return;
        };
        if !stream.shut_both_ways() {
            return;
        }
        stream.reader_ended(RESET_HEARD_WITHIN).await;
        if stream.claim_reset() {
            sockets::report_shut_reset(id, socket2::SockRef::from(stream.tcp()), &self.links).await;
        }
        // Its `Gone` finds it gone: `closed` goes out here.
        if let Some(Sock::Stream(stream)) = self.sockets.remove(&id) {
            stream.reset().await;
            let closed = Event::Closed {
                sock: id,
                reason: Some(ErrorEvent::os(None, "recv", ECONNRESET, None).message),
            };
            let _ = self.links.event(&closed).await;
        }
    }

    fn op_socket(&mut self, sock: u32, kind: SockType, family: Family) -> OpResult {
        // An id the relay gave an accepted connection may name a new socket
        // once that connection is gone: the page's socket object outlives
        // its connection, as Python's does (bound again after a reset).
        // Ids not given yet stay the relay's.
        if sock >= self.next_conn {
            return Err(invalid(&format!(
                "socket ids from {RELAY_IDS_START} up are the relay's"
            )));
        }
        if self.sockets.contains_key(&sock) {
            return Err(invalid(&format!("socket id {sock} is already in use")));
        }
        self.check_room()?;
        let v6 = family == Family::Inet6;
        let socket = sockets::new_socket(kind, v6).map_err(|e| os_error(None, "socket", &e))?;
        self.sockets.insert(sock, Sock::Fresh { kind, v6, socket });
        Ok(ok(sock, "socket"))
    }

    async fn op_bind(&mut self, sock: u32, host: &str, port: u16) -> OpResult {
        // A connection closed both ways leaves Linux's socket in the CLOSE
        // state, where a port it did not choose itself is given back and
        // bind() works again: the relay binds a new OS socket under the
        // id (the page refuses a port of its own choosing first).
        let closed = matches!(self.sockets.get(&sock), Some(Sock::Stream(s)) if s.fully_closed());
        let (kind, v6, socket) =
            if closed && let Some(Sock::Stream(stream)) = self.sockets.remove(&sock) {
                let v6 = stream.ends().is_some_and(|(local, _)| local.is_ipv6());
                stream.close().await;
                let socket = sockets::new_socket(SockType::Tcp, v6)
                    .map_err(|e| os_error(None, "bind", &e))?;
                (SockType::Tcp, v6, socket)
            } else {
                self.take_fresh(sock)?
            };
        let result = async {
            let addr = local_addr(host, port, v6).await?;
            socket
                .bind(&addr.into())
                .map_err(|e| os_error(None, "bind", &e))?;
            socket
                .local_addr()
                .ok()
                .and_then(|a| a.as_socket())
                .ok_or_else(|| invalid("bound socket has no local address"))
        }
        .await;
        match result {
            Ok(local) if kind == SockType::Udp => {
                let udp = self.start_udp(sock, socket)?;
                self.sockets.insert(sock, Sock::Udp(udp));
                Ok(Reply::Ok(OkEvent {
                    local: Some(endpoint(local)),
                    ..ok_event(sock, "bind")
                }))
            }
            Ok(local) => {
                self.sockets.insert(sock, Sock::Fresh { kind, v6, socket });
                Ok(Reply::Ok(OkEvent {
                    local: Some(endpoint(local)),
                    ..ok_event(sock, "bind")
                }))
            }
            Err(e) => {
                self.sockets.insert(sock, Sock::Fresh { kind, v6, socket });
                Err(e)
            }
        }
    }

    fn op_listen(&mut self, sock: u32, backlog: u32) -> OpResult {
        match self.sockets.get(&sock) {
            Some(Sock::Udp(_)) => return Err(udp_listen()),
            // Listening already: Linux takes the new backlog and returns
            // 0 (Python's None); the queue the relay holds stays as it is.
            Some(Sock::Listening { .. }) => return Ok(ok(sock, "listen")),
            _ => {}
        }
        let (kind, v6, socket) = self.take_fresh(sock)?;
        if kind == SockType::Udp {
            self.sockets.insert(sock, Sock::Fresh { kind, v6, socket });
            return Err(udp_listen());
        }
        let backlog = if backlog == 0 {
            DEFAULT_BACKLOG
        } else {
            backlog
        };
        let prepared = (|| {
            if socket
                .local_addr()?
                .as_socket()
                .is_none_or(|a| a.port() == 0)
            {
                // Python would bind an unbound socket to 0.0.0.0; the relay stays on loopback.
                socket.bind(&SocketAddr::new(loopback_toward(v6, None), 0).into())?;
            }
            socket.listen(i32::try_from(backlog).unwrap_or(i32::MAX))
        })();
        if let Err(e) = prepared {
            // Refused (a socket whose connect failed is EINVAL to Linux):
            // the socket stays as it was, as Python's does.
            self.sockets.insert(sock, Sock::Fresh { kind, v6, socket });
            return Err(os_error(None, "listen", &e));
        }
        let listener = TcpListener::from_std(std::net::TcpListener::from(socket))
            .map_err(|e| os_error(None, "listen", &e))?;
        let listener = Arc::new(listener);
        // The address it listens on: the one it was bound to, or the free
        // loopback port listen() bound it to (Python's getsockname then).
        let local = listener.local_addr().ok().map(endpoint);
        let task = sockets::start_listener(sock, Arc::clone(&listener), self.links.clone());
        self.sockets.insert(
            sock,
            Sock::Listening {
                listener,
                _task: task,
            },
        );
        Ok(Reply::Ok(OkEvent {
            local,
            ..ok_event(sock, "listen")
        }))
    }

    async fn op_connect(&mut self, sock: u32, host: String, port: u16) -> OpResult {
        match self.sockets.remove(&sock) {
            Some(Sock::Fresh {
                kind: SockType::Tcp,
                v6,
                socket,
            }) => {
                let links = self.links.clone();
                let config = &self.shared.config;
                let (policy, timeout) = (config.policy.clone(), config.connect_timeout);
                let task = Task::spawn(async move {
                    let (result, fresh) = async {
                        let addr = match resolve(&host, port, v6).await {
                            Ok(addr) => addr,
                            Err(e) => return (Err(e), Some(socket)),
                        };
                        if let Err(why) = policy.check(addr) {
                            Metrics::bump(&links.metrics.policy_denials);
                            let e = ErrorEvent::os(None, "connect", EACCES, Some(&why));
                            return (Err(e), Some(socket));
                        }
                        connect_tcp(socket, addr, timeout).await
                    }
                    .await;
                    let _ = links.internal.send(Internal::Connected {
                        sock,
                        result,
                        fresh,
                    });
                });
                let connecting = Sock::Connecting {
                    _task: task,
                    options: Vec::new(),
                };
                self.sockets.insert(sock, connecting);
                Ok(Reply::Later)
            }
            Some(Sock::Fresh {
                kind: SockType::Udp,
                v6,
                socket,
            }) => {
                let result = self.udp_connect_fresh(sock, v6, socket, &host, port).await;
                result.map(|(udp, peer)| {
                    let local = udp.local;
                    self.sockets.insert(sock, Sock::Udp(udp));
                    Reply::Ok(OkEvent {
                        local: Some(endpoint(local)),
                        peer: Some(endpoint(peer)),
                        ..ok_event(sock, "connect")
                    })
                })
            }
            Some(Sock::Udp(mut udp)) => {
                let v6 = udp.local.is_ipv6();
                let result = self.checked_destination(&host, port, v6).await;
                let answer = match result {
                    Ok(peer) => match udp.socket.connect(peer).await {
                        Ok(()) => {
                            udp.peer = Some(peer);
                            Ok(Reply::Ok(OkEvent {
                                local: Some(endpoint(udp.local)),
                                peer: Some(endpoint(peer)),
                                ..ok_event(sock, "connect")
                            }))
                        }
                        Err(e) => Err(os_error(None, "connect", &e)),
                    },
                    Err(e) => Err(e),
                };
                self.sockets.insert(sock, Sock::Udp(udp));
                answer
            }
            Some(other) => {
                let error = match &other {
                    // Linux: a listening socket is "already connected" too.
                    Sock::Stream(_) | Sock::Listening { .. } => {
                        ErrorEvent::os(None, "connect", EISCONN, None)
                    }
                    Sock::Connecting { .. } => ErrorEvent::os(
                        None,
                        "connect",
                        netlab_core::protocol::errno::EALREADY,
                        None,
                    ),
                    _ => ErrorEvent::os(None, "connect", EINVAL, None),
                };
                self.sockets.insert(sock, other);
                Err(error)
            }
            None => Err(bad_sock()),
        }
    }

    async fn udp_connect_fresh(
        &mut self,
        sock: u32,
        v6: bool,
        socket: socket2::Socket,
        host: &str,
        port: u16,
    ) -> Result<(Udp, SocketAddr), ErrorEvent> {
        let peer = match self.checked_destination(host, port, v6).await {
            Ok(peer) => peer,
            Err(e) => {
                self.sockets.insert(
                    sock,
                    Sock::Fresh {
                        kind: SockType::Udp,
                        v6,
                        socket,
                    },
                );
                return Err(e);
            }
        };
        let mut udp = self.start_udp_autobind(sock, socket, v6, peer)?;
        udp.socket
            .connect(peer)
            .await
            .map_err(|e| os_error(None, "connect", &e))?;
        udp.peer = Some(peer);
        Ok((udp, peer))
    }

    async fn checked_destination(
        &self,
        host: &str,
        port: u16,
        v6: bool,
    ) -> Result<SocketAddr, ErrorEvent> {
        let addr = resolve(host, port, v6).await?;
        self.check_policy(addr, "connect")?;
        Ok(addr)
    }

    fn check_policy(&self, addr: SocketAddr, op: &str) -> Result<(), ErrorEvent> {
        self.shared.config.policy.check(addr).map_err(|why| {
            Metrics::bump(&self.links.metrics.policy_denials);
            ErrorEvent::os(None, op, EACCES, Some(&why))
        })
    }

    async fn op_shutdown(&mut self, sock: u32, how: How) -> OpResult {
        match self.sockets.get_mut(&sock) {
            Some(Sock::Stream(stream)) => {
                // Once both sides' FINs are through, Linux's socket is in
                // the CLOSE state: shutdown still marks it as asked, but
                // says ENOTCONN (a second `shutdown(SHUT_WR)` after the
                // peer's close, say).
                let closed = stream.fully_closed();
                if matches!(how, How::Write | How::Both) {
                    stream.shutdown_write(!closed);
                }
                // Python's recv then returns b'': the browser hears `eof`
                // on the first shutdown('read'), however often its side is
                // shut, and the peer's FIN as an `eof` of its own.
                if matches!(how, How::Read | How::Both)
                    && stream.shutdown_read()
                    && self.links.event(&Event::Eof { sock }).await.is_err()
                {
                    return Ok(Reply::Later);
                }
                stream.note_shutdown();
                if closed {
                    return Err(ErrorEvent::os(None, "shutdown", ENOTCONN, None));
                }
                Ok(ok(sock, "shutdown"))
            }
            // A connected UDP socket: Linux shuts it as asked (the client
            // keeps the flag: a send after SHUT_WR is a broken pipe).
            Some(Sock::Udp(udp)) if udp.peer.is_some() => Ok(ok(sock, "shutdown")),
            // A listening socket: SHUT_WR does nothing; SHUT_RD is Linux's
            // disconnect, which stops it listening and leaves it bound, as
            // a fresh socket that may listen again.
            Some(Sock::Listening { .. }) if how == How::Write => Ok(ok(sock, "shutdown")),
            Some(Sock::Listening { .. }) => {
                let Some(Sock::Listening { listener, _task }) = self.sockets.remove(&sock) else {
                    return Err(bad_sock());
                };
                // The accept loop stops first, so the disconnect below
                // never reaches it as an error.
                drop(_task);
                self.reset_backlog(&listener).await;
                let socket = socket2::SockRef::from(&*listener)
                    .try_clone()
                    .map_err(|e| os_error(None, "shutdown", &e))?;
                let _ = socket.shutdown(std::net::Shutdown::Read);
                let v6 = listener.local_addr().is_ok_and(|a| a.is_ipv6());
                self.sockets.insert(
                    sock,
                    Sock::Fresh {
                        kind: SockType::Tcp,
                        v6,
                        socket,
                    },
                );
                Ok(ok(sock, "shutdown"))
            }
            Some(_) => Err(ErrorEvent::os(None, "shutdown", ENOTCONN, None)),
            None => Err(bad_sock()),
        }
    }

    fn op_setsockopt(&mut self, sock: u32, name: SockOpt, value: OptValue) -> OpResult {
        let value = value.as_int();
        let result = match self.sockets.get_mut(&sock) {
            Some(Sock::Fresh { socket, .. }) => {
                apply_opt(socket2::SockRef::from(&*socket), name, value)
            }
            Some(Sock::Listening { listener, .. }) => {
                apply_opt(socket2::SockRef::from(&**listener), name, value)
            }
            Some(Sock::Udp(udp)) => apply_opt(socket2::SockRef::from(&*udp.socket), name, value),
            Some(Sock::Stream(stream)) => {
                let cmd = match name {
                    SockOpt::TcpNodelay => WriteCmd::NoDelay(value != 0),
                    SockOpt::SoSndbuf => WriteCmd::SendBuffer(buffer_size(value)?),
                    SockOpt::SoRcvbuf => WriteCmd::RecvBuffer(buffer_size(value)?),
                    SockOpt::SoReuseaddr => return Ok(ok(sock, "setsockopt")),
                };
                // In order with the data queued before it; with the
                // writing side shut, nothing is queued: on the socket now.
                if stream.command(cmd) {
                    Ok(())
                } else {
                    apply_opt(socket2::SockRef::from(stream.tcp()), name, value)
                }
            }
            Some(Sock::Connecting { options, .. }) => {
                // Checked now, as the OS would, applied once connected.
                if matches!(name, SockOpt::SoRcvbuf | SockOpt::SoSndbuf) {
                    buffer_size(value)?;
                }
                // The last value of each option counts: four at most.
                match options.iter_mut().find(|(set, _)| *set == name) {
                    Some(set) => set.1 = value,
                    None => options.push((name, value)),
                }
                Ok(())
            }
            // The failed connect's OS socket is gone (the next connect
            // makes a new one); Python's, still open, takes the option.
            Some(Sock::Dead) => Ok(()),
            None => return Err(bad_sock()),
        };
        result.map_err(|e| os_error(None, "setsockopt", &e))?;
        Ok(ok(sock, "setsockopt"))
    }

    async fn on_binary(&mut self, bytes: Bytes) -> bool {
        if bytes.len() > self.max_frame() {
            // Named from the header, which is all that is read of it.
            let sock = bytes
                .get(1..5)
                .and_then(|b| <[u8; 4]>::try_from(b).ok())
                .map(u32::from_be_bytes);
            let op = if bytes.first() == Some(&2) {
                "sendto"
            } else {
                "send"
            };
            return self.refuse_oversized(bytes.len(), sock, Some(op)).await;
        }
        let frame = match Frame::parse(&bytes) {
            Ok(frame) => frame,
            Err(e) => {
                Metrics::bump(&self.links.metrics.protocol_errors);
                return self
                    .links
                    .event(&Event::Error(ErrorEvent::malformed(&e.to_string())))
                    .await
                    .is_ok();
            }
        };
        let (sock, result) = match frame {
            Frame::Stream { sock, payload } => {
                (sock, self.send_stream(sock, &bytes, payload).await)
            }
            Frame::Datagram {
                sock,
                addr,
                payload,
            } => (sock, self.send_datagram(sock, addr, payload).await),
        };
        match result {
            Ok(()) => true,
            Err(mut error) => {
                error.sock = Some(sock);
                self.links.event(&Event::Error(error)).await.is_ok()
            }
        }
    }

    async fn send_stream(
        &mut self,
        sock: u32,
        frame: &Bytes,
        payload: &[u8],
    ) -> Result<(), ErrorEvent> {
        match self.sockets.get(&sock) {
            Some(Sock::Stream(stream)) => {
                let body = frame.slice(STREAM_HEADER..STREAM_HEADER + payload.len());
                match stream.send(body, self.shared.config.limits.window, &self.links)? {
                    // Written at once: the credit goes back as the writer task's would.
                    Sent::Written(bytes) => {
                        // An other end shut both ways has sent its FIN: only
                        // then is the session's table searched for it.
                        if stream.peer_closed()
                            && let Some((local, peer)) = stream.ends()
                        {
                            self.other_end_shut_both_ways(local, peer).await;
                        }
                        let Some(Sock::Stream(stream)) = self.sockets.get(&sock) else {
                            return Ok(());
                        };
                        let now = stream.peer_closed();
                        let _ = self
                            .links
                            .credit(sock, bytes, stream.uncredited(), now)
                            .await;
                        // A peer that had closed answers with a reset: the
                        // browser hears of it now, as Python's next call would.
                        if now && let Some(e) = stream.reset_by_peer() {
                            sockets::report_gone(sock, "send", &e, &self.links).await;
                        }
                        Ok(())
                    }
                    Sent::Queued => Ok(()),
                }
            }
            Some(Sock::Udp(udp)) if udp.peer.is_some() => match udp.socket.send(payload).await {
                Ok(n) => {
                    self.links.metrics.add_bytes_to_peers(n);
                    Ok(())
                }
                Err(e) => Err(os_error(None, "send", &e)),
            },
            // What Linux answers `send` on a socket with no peer, so the
            // learner sees Python's exception: TCP's BrokenPipeError, UDP's
            // "Destination address required" (sendto needs an address).
            Some(
                Sock::Udp(_)
                | Sock::Fresh {
                    kind: SockType::Udp,
                    ..
                },
            ) => Err(ErrorEvent::os(None, "send", EDESTADDRREQ, None)),
            Some(Sock::Fresh { .. } | Sock::Listening { .. } | Sock::Dead) => {
                Err(ErrorEvent::os(None, "send", EPIPE, None))
            }
            Some(Sock::Connecting { .. }) => Err(ErrorEvent::os(None, "send", ENOTCONN, None)),
            None => Err(ErrorEvent {
                op: Some("send".into()),
                ..bad_sock()
            }),
        }
    }

    async fn send_datagram(
        &mut self,
        sock: u32,
        addr: SocketAddr,
        payload: &[u8],
    ) -> Result<(), ErrorEvent> {
        self.check_policy(addr, "sendto")?;
        if let Some(Sock::Fresh {
            kind: SockType::Udp,
            ..
        }) = self.sockets.get(&sock)
            && let Some(Sock::Fresh { v6, socket, .. }) = self.sockets.remove(&sock)
        {
            // Python binds an unbound UDP socket on its first sendto.
            let udp = self.start_udp_autobind(sock, socket, v6, addr)?;
            self.sockets.insert(sock, Sock::Udp(udp));
        }
        match self.sockets.get(&sock) {
            Some(Sock::Udp(udp)) => udp
                .socket
                .send_to(payload, addr)
                .await
                .map(|n| self.links.metrics.add_bytes_to_peers(n))
                .map_err(|e| os_error(None, "sendto", &e)),
            Some(_) => Err(ErrorEvent::os(
                None,
                "sendto",
                EOPNOTSUPP,
                Some("sendto is for UDP sockets"),
            )),
            None => Err(ErrorEvent {
                op: Some("sendto".into()),
                ..bad_sock()
            }),
        }
    }

    /// Starts a UDP socket, bound first if it is not: Python's socket binds
    /// itself on its first `sendto` or `connect`, to every interface; the
    /// relay's binds to the loopback address it can reach `toward` from
    /// (an IPv6 socket sending to `::ffff:127.0.0.1` needs the IPv4
    /// loopback in the same form, as Linux would pick).
    fn start_udp_autobind(
        &mut self,
        sock: u32,
        socket: socket2::Socket,
        v6: bool,
        toward: SocketAddr,
    ) -> Result<Udp, ErrorEvent> {
        let unbound = socket
            .local_addr()
            .ok()
            .and_then(|a| a.as_socket())
            .is_none_or(|a| a.port() == 0);
        if unbound {
            socket
                .bind(&SocketAddr::new(loopback_toward(v6, Some(toward.ip())), 0).into())
                .map_err(|e| os_error(None, "bind", &e))?;
        }
        self.start_udp(sock, socket)
    }

    fn start_udp(&self, sock: u32, socket: socket2::Socket) -> Result<Udp, ErrorEvent> {
        let std_socket = std::net::UdpSocket::from(socket);
        UdpSocket::from_std(std_socket)
            .and_then(|s| Udp::start(sock, s, self.links.clone()))
            .map_err(|e| os_error(None, "socket", &e))
    }

    async fn on_internal(&mut self, report: Internal) -> bool {
        match report {
            Internal::Connected {
                sock,
                result,
                fresh,
            } => {
                let Some(Sock::Connecting { options, .. }) = self.sockets.get(&sock) else {
                    return true; // closed while connecting
                };
                let announced = result.and_then(|stream| {
                    let applied = options.iter().try_for_each(|&(name, value)| {
                        apply_opt(socket2::SockRef::from(&stream), name, value)
                    });
                    if let Err(e) = applied {
                        return Err(os_error(None, "setsockopt", &e));
                    }
                    let (local, peer) = (stream.local_addr(), stream.peer_addr());
                    match (local, peer) {
                        (Ok(local), Ok(peer)) => Ok((stream, local, peer)),
                        (Err(e), _) | (_, Err(e)) => Err(os_error(None, "connect", &e)),
                    }
                });
                match announced {
                    Ok((stream, local, peer)) => {
                        let event = Event::Ok(OkEvent {
                            local: Some(endpoint(local)),
                            peer: Some(endpoint(peer)),
                            ..ok_event(sock, "connect")
                        });
                        // The answer goes out before the reader starts, so no
                        // data frame can overtake it in the outgoing queue.
                        if self.links.event(&event).await.is_err() {
                            return false;
                        }
                        self.adopt_stream(sock, stream, sock, "connect").await
                    }
                    Err(mut error) => {
                        // The port the failed attempt chose stays the
                        // socket's name to Linux (`getsockname()`), though
                        // the kernel has given it back: the page shows it.
                        error.local = fresh
                            .as_ref()
                            .and_then(|socket| socket.local_addr().ok()?.as_socket())
                            .filter(|local| local.port() != 0)
                            .map(endpoint);
                        let next = match fresh {
                            Some(socket) => Sock::Fresh {
                                kind: SockType::Tcp,
                                v6: socket.domain().is_ok_and(|d| d == socket2::Domain::IPV6),
                                socket,
                            },
                            None => Sock::Dead,
                        };
                        self.sockets.insert(sock, next);
                        error.sock = Some(sock);
                        error.op = Some("connect".into());
                        self.links.event(&Event::Error(error)).await.is_ok()
                    }
                }
            }
            Internal::Accepted {
                listener,
                stream,
                peer,
            } => {
                if !matches!(self.sockets.get(&listener), Some(Sock::Listening { .. })) {
                    // Accepted just before its listener closed: reset, as
                    // Linux resets a closed listener's queue.
                    let _ = socket2::SockRef::from(&stream).set_linger(Some(Duration::ZERO));
                    return true;
                }
                if let Err(mut error) = self.check_room() {
                    error.sock = Some(listener);
                    error.op = Some("accept".into());
                    return self.links.event(&Event::Error(error)).await.is_ok();
                }
                let local = match stream.local_addr() {
                    Ok(local) => local,
                    Err(e) => {
                        let error = os_error(Some(listener), "accept", &e);
                        return self.links.event(&Event::Error(error)).await.is_ok();
                    }
                };
                let conn = take_conn_id(&mut self.next_conn, |id| self.sockets.contains_key(&id));
                let event = Event::Accept {
                    sock: listener,
                    conn,
                    peer: endpoint(peer),
                    local: endpoint(local),
                };
                // Announced before the reader starts: its first frame follows.
                if self.links.event(&event).await.is_err() {
                    return false;
                }
                self.adopt_stream(conn, stream, listener, "accept").await
            }
            Internal::Gone { sock, reason } => {
                if self.sockets.remove(&sock).is_none() {
                    return true;
                }
                let event = Event::Closed {
                    sock,
                    reason: Some(reason),
                };
                self.links.event(&event).await.is_ok()
            }
        }
    }

    /// Starts a connected or accepted socket's tasks and puts it in the
    /// table; a failure is reported on `report_sock` for `op`.
    async fn adopt_stream(
        &mut self,
        sock: u32,
        stream: TcpStream,
        report_sock: u32,
        op: &str,
    ) -> bool {
        match self.start_stream(sock, stream) {
            Ok(stream) => {
                self.sockets.insert(sock, Sock::Stream(stream));
                true
            }
            Err(mut error) => {
                if sock == report_sock {
                    self.sockets.insert(sock, Sock::Dead);
                }
                error.sock = Some(report_sock);
                error.op = Some(op.to_owned());
                self.links.event(&Event::Error(error)).await.is_ok()
            }
        }
    }

    fn start_stream(&self, sock: u32, stream: TcpStream) -> Result<Stream, ErrorEvent> {
        let limits = self.shared.config.limits;
        Stream::start(
            sock,
            stream,
            limits.window,
            self.shared.config.read_chunk,
            &self.links,
        )
        .map_err(|e| os_error(Some(sock), "connect", &e))
    }

    fn check_room(&self) -> Result<(), ErrorEvent> {
        let max = self.shared.config.limits.max_sockets;
        if self.sockets.len() >= max as usize {
            return Err(ErrorEvent::os(
                None,
                "socket",
                EMFILE,
                Some(&format!(
                    "this session already has its maximum of {max} sockets; close some"
                )),
            ));
        }
        Ok(())
    }

    fn max_frame(&self) -> usize {
        self.shared.config.limits.max_frame as usize
    }

    /// A frame of `len` bytes, over `limits.max_frame` (the WebSocket layer
    /// lets frames up to twice that through, so this answer, not a dropped
    /// connection, is what a client a little over the limit sees):
    /// `EMSGSIZE`, and nothing of it is sent.
    async fn refuse_oversized(&self, len: usize, sock: Option<u32>, op: Option<&str>) -> bool {
        Metrics::bump(&self.links.metrics.protocol_errors);
        let detail = format!(
            "a frame of {len} bytes is over the relay's limit of {} bytes (limits.max_frame); send it in smaller frames",
            self.max_frame()
        );
        let mut error = ErrorEvent::os(sock, op.unwrap_or_default(), EMSGSIZE, Some(&detail));
        error.op = op.map(str::to_owned);
        self.links.event(&Event::Error(error)).await.is_ok()
    }

    /// Takes a fresh socket out of the table for an op that changes its
    /// state; any other socket stays where it is.
    fn take_fresh(&mut self, sock: u32) -> Result<(SockType, bool, socket2::Socket), ErrorEvent> {
        match self.sockets.remove(&sock) {
            Some(Sock::Fresh { kind, v6, socket }) => Ok((kind, v6, socket)),
            Some(other) => {
                self.sockets.insert(sock, other);
                // What Linux (and so Python) says, word for word.
                Err(ErrorEvent::os(None, "", EINVAL, None))
            }
            None => Err(bad_sock()),
        }
    }

    /// The WebSocket could not be read on: a frame far over the limit, a
    /// broken frame, text that is not UTF-8. The session ends, and the close
    /// frame says why (1009 for a frame too big, 1002 or 1007 otherwise),
    /// so the client is not left with a bare dropped connection.
    async fn on_read_error(&mut self, error: &axum::Error) {
        use tungstenite::Error as WsError;
        use tungstenite::error::ProtocolError;
        let inner = std::error::Error::source(error).and_then(|e| e.downcast_ref::<WsError>());
        let code = match inner {
            Some(WsError::Capacity(_)) => 1009,
            Some(WsError::Utf8(_)) => 1007,
            Some(WsError::Protocol(ProtocolError::ResetWithoutClosingHandshake)) => return,
            Some(WsError::ConnectionClosed | WsError::AlreadyClosed | WsError::Io(_)) => return,
            _ => 1002,
        };
        Metrics::bump(&self.links.metrics.protocol_errors);
        let mut reason = format!("cannot read this WebSocket: {error}");
        // A close reason holds at most 123 bytes.
        while reason.len() > 123 {
            reason.pop();
        }
        self.close_with(code, &reason).await;
    }

    async fn close_with(&mut self, code: u16, reason: &str) {
        let frame = CloseFrame {
            code,
            reason: reason.into(),
        };
        let _ = self.links.frame(Message::Close(Some(frame))).await;
    }
}

/// Connects a fresh TCP socket within `timeout`. On failure, the socket
/// comes back when it can try again, as a Python socket can after
/// `ConnectionRefusedError`: a second descriptor of it outlives the failed
/// attempt. Not after a timeout, which leaves the attempt going.
///
/// Python's `connect` blocks, and Linux lets a socket whose blocking
/// connect failed connect again at once. The relay's sockets do not block:
/// after a failed non-blocking attempt, the next `connect` returns
/// `ECONNABORTED` once, which only clears the old attempt's state; so that
/// answer, on a socket that may have failed before, is followed by the
/// real attempt.
async fn connect_tcp(
    socket: socket2::Socket,
    addr: SocketAddr,
    timeout: Duration,
) -> (Result<TcpStream, ErrorEvent>, Option<socket2::Socket>) {
    let mut socket = socket;
    let mut retried = false;
    loop {
        let spare = socket.try_clone().ok();
        let tcp = TcpSocket::from_std_stream(std::net::TcpStream::from(socket));
        match tokio::time::timeout(timeout, tcp.connect(addr)).await {
            Ok(Ok(stream)) => return (Ok(stream), None),
            Ok(Err(e)) => match spare {
                Some(again) if !retried && e.kind() == std::io::ErrorKind::ConnectionAborted => {
                    socket = again;
                    retried = true;
                }
                spare => return (Err(os_error(None, "connect", &e)), spare),
            },
            Err(_) => {
                let e = ErrorEvent::os(
                    None,
                    "connect",
                    netlab_core::protocol::errno::ETIMEDOUT,
                    None,
                );
                return (Err(e), None);
            }
        }
    }
}

/// `listen` on a UDP socket, bound or not: Python's `OSError(95)`, word
/// for word (`[Errno 95] Operation not supported`).
fn udp_listen() -> ErrorEvent {
    ErrorEvent::os(None, "listen", EOPNOTSUPP, None)
}

/// Applies a socket option through the OS.
fn apply_opt(socket: socket2::SockRef<'_>, name: SockOpt, value: i64) -> std::io::Result<()> {
    match name {
        SockOpt::TcpNodelay => socket.set_tcp_nodelay(value != 0),
        SockOpt::SoReuseaddr => socket.set_reuse_address(value != 0),
        SockOpt::SoRcvbuf => socket.set_recv_buffer_size(buffer_size(value).map_err(|_| einval())?),
        SockOpt::SoSndbuf => socket.set_send_buffer_size(buffer_size(value).map_err(|_| einval())?),
    }
}

fn einval() -> std::io::Error {
    std::io::Error::from_raw_os_error(EINVAL)
}

fn buffer_size(value: i64) -> Result<usize, ErrorEvent> {
    usize::try_from(value).map_err(|_| {
        ErrorEvent::os(
            None,
            "setsockopt",
            EINVAL,
            Some("a buffer size is not negative"),
        )
    })
}

/// The address `bind` uses: loopback only, whatever the allow-list says.
async fn local_addr(host: &str, port: u16, v6: bool) -> Result<SocketAddr, ErrorEvent> {
    if host.is_empty() || host == "0.0.0.0" || host == "::" {
        return Err(ErrorEvent::os(
            None,
            "bind",
            EACCES,
            Some(&format!(
                "binding to all interfaces ('{host}') is not allowed: the relay binds loopback only, use '{}'",
                loopback_toward(v6, None)
            )),
        ));
    }
    let addr = resolve(host, port, v6).await?;
    if !bindable(addr.ip()) {
        return Err(ErrorEvent::os(
            None,
            "bind",
            EACCES,
            Some(&format!(
                "{} is not a loopback address: the relay binds loopback only",
                addr.ip()
            )),
        ));
    }
    Ok(addr)
}

/// Resolves a host once, as Python's `socket.connect` does for the socket's
/// family; the address returned is the one checked and the one used. Its
/// errors are `getaddrinfo`'s as Python words them (`socket.gaierror`): an
/// address of the other family is
/// `[Errno -9] Address family for hostname not supported`, a name that
/// does not resolve `[Errno -2] Name or service not known`.
async fn resolve(host: &str, port: u16, v6: bool) -> Result<SocketAddr, ErrorEvent> {
    let gaierror = |errno: i32, code: &str, text: &str| ErrorEvent {
        sock: None,
        op: None,
        errno: Some(errno),
        code: code.into(),
        message: format!("[Errno {errno}] {text}"),
        local: None,
    };
    if let Ok(ip) = host.parse::<IpAddr>() {
        if ip.is_ipv6() != v6 {
            return Err(gaierror(
                -9,
                "EAI_ADDRFAMILY",
                "Address family for hostname not supported",
            ));
        }
        return Ok(SocketAddr::new(ip, port));
    }
    let found = tokio::net::lookup_host((host, port)).await.ok();
    found
        .into_iter()
        .flatten()
        .find(|a| a.is_ipv6() == v6)
        .ok_or_else(|| gaierror(-2, "EAI_NONAME", "Name or service not known"))
}

fn endpoint(addr: SocketAddr) -> (String, u16) {
    (addr.ip().to_string(), addr.port())
}

fn ok_event(sock: u32, op: &str) -> OkEvent {
    OkEvent {
        sock,
        op: op.to_owned(),
        local: None,
        peer: None,
    }
}

fn ok(sock: u32, op: &str) -> Reply {
    Reply::Ok(ok_event(sock, op))
}

fn bad_sock() -> ErrorEvent {
    ErrorEvent::os(None, "", EBADF, Some("no such socket in this session"))
}

fn invalid(detail: &str) -> ErrorEvent {
    ErrorEvent::os(None, "", EINVAL, Some(detail))
}

/// The socket of a session at the other end of the connection
/// `local`–`peer`, with its id, if the program holds both ends. An IPv6
/// socket's end may be an IPv4 one's in `::ffff:` form, so addresses are
/// compared as the IPv4 address they carry.
fn other_end(
    sockets: &mut HashMap<u32, Sock>,
    local: SocketAddr,
    peer: SocketAddr,
) -> Option<(u32, &mut Stream)> {
    let wanted = (unmapped(peer), unmapped(local));
    sockets.iter_mut().find_map(|(&id, s)| match s {
        Sock::Stream(stream)
            if stream.ends().map(|(a, b)| (unmapped(a), unmapped(b))) == Some(wanted) =>
        {
            Some((id, stream))
        }
        _ => None,
    })
}

/// `addr` with an IPv4-mapped IPv6 address (`::ffff:127.0.0.1`) as the
/// IPv4 address it carries ([`canonical`]).
fn unmapped(addr: SocketAddr) -> SocketAddr {
    SocketAddr::new(canonical(addr.ip()), addr.port())
}

/// The id for the next accepted connection: ids from [`RELAY_IDS_START`]
/// up, in order, wrapping back there after `u32::MAX` (2^31 accepts) and
/// skipping any id still `in_use` then, so an accepted connection never
/// takes the id of a live socket. The session holds a bounded number of
/// sockets, so the search ends within that many steps.
fn take_conn_id(next: &mut u32, in_use: impl Fn(u32) -> bool) -> u32 {
    loop {
        let id = *next;
        *next = id.checked_add(1).unwrap_or(RELAY_IDS_START);
        if !in_use(id) {
            return id;
        }
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn accepted_ids_count_up_wrap_and_skip_live_sockets() {
        let mut next = RELAY_IDS_START;
        assert_eq!(take_conn_id(&mut next, |_| false), RELAY_IDS_START);
        assert_eq!(take_conn_id(&mut next, |_| false), RELAY_IDS_START + 1);

        // After 2^31 accepts: back to the start, past the ids still live.
        let mut next = u32::MAX;
        let live = [RELAY_IDS_START, RELAY_IDS_START + 1, RELAY_IDS_START + 3];
        let in_use = |id| live.contains(&id);
        assert_eq!(take_conn_id(&mut next, in_use), u32::MAX);
        assert_eq!(take_conn_id(&mut next, in_use), RELAY_IDS_START + 2);
        assert_eq!(take_conn_id(&mut next, in_use), RELAY_IDS_START + 4);
        assert_eq!(next, RELAY_IDS_START + 5);
    }
}
