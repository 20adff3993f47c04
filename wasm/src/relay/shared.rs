//! The state one relay session shares between the `Relay` object, its
//! sockets and the WebSocket's callbacks: what arrived for each socket, the
//! ops waiting for their answer, and the promises parked until something
//! changes.
//!
//! Everything runs on the page's one thread; a `RefCell` borrow never spans
//! an `await` nor a call into JavaScript (wakes and trace listeners are
//! called after the borrow ends), so a listener may call back into the API.

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::rc::Rc;

use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use netlab_core::protocol::errno;
use netlab_core::protocol::frame::Frame;
use netlab_core::protocol::{Endpoint, ErrorEvent, Event, Limits, Op, SockType};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::WebSocket;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(handle: &JsValue);
}

pub type SharedRef = Rc<RefCell<Shared>>;

/// Milliseconds since the epoch, as `Date.now()`.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// One op sent and not yet answered.
#[derive(Debug)]
struct Pending {
    id: u64,
    op: &'static str,
    answer: Option<Result<netlab_core::protocol::OkEvent, ErrorEvent>>,
    /// The caller stopped waiting (timed out): the answer is dropped.
    abandoned: bool,
}

/// A connection the relay accepted on a listening socket, not yet taken by `accept()`.
#[derive(Debug, Clone)]
pub struct Accepted {
    pub conn: u32,
    pub peer: Endpoint,
}

/// What the client knows of one socket.
#[derive(Debug)]
pub struct SockState {
    pub kind: SockType,
    pub v6: bool,
    pending: Vec<Pending>,
    /// Stream bytes arrived and not yet read.
    pub rx: VecDeque<u8>,
    pub datagrams: VecDeque<(Vec<u8>, Endpoint)>,
    pub accepts: VecDeque<Accepted>,
    /// The peer closed its side, or this side shut down reading (TCP and
    /// UDP alike: Linux's RCV_SHUTDOWN, under which Python's poll finds
    /// the socket readable).
    pub eof: bool,
    /// The peer's FIN has been heard (Linux's SOCK_DONE): `recv` then gives
    /// b'' even once a reset has come, where after this side's own
    /// `shutdown('read')` alone a reset is raised first (bytes arriving at
    /// a socket shut both ways cause one).
    pub fin: bool,
    /// This side has called `shutdown` with reading (`0` or `2`).
    pub read_shut: bool,
    /// The relay dropped the socket (`closed`), with its reason.
    pub gone: Option<String>,
    /// An error no op was waiting for (a failed send, a reset): raised by the next call.
    pub error: Option<ErrorEvent>,
    /// Bytes we may still send before the relay returns credit.
    pub window: u64,
    /// `settimeout`: `None` blocks, `Some(0.0)` never waits.
    pub timeout: Option<f64>,
    pub local: Option<Endpoint>,
    pub peer: Option<Endpoint>,
    pub write_shut: bool,
    /// This side's FIN went out: a shutdown('write') of a connection. Not
    /// the same as `write_shut`, which a shutdown() of a socket not (or no
    /// longer) connected sets too: Linux marks that socket, sends nothing,
    /// and a connection it makes later is in CLOSE_WAIT after the peer's
    /// FIN, its peer still named, until its own FIN is sent.
    pub fin_sent: bool,
    pub listening: bool,
    /// The listener's close or shutdown('read') is on its way: connections
    /// the relay accepted before it are reset as they are announced, as
    /// Linux resets a stopped listener's queue.
    pub stopping: bool,
    /// The relay's OS socket is gone and a connect() has disconnected this
    /// one: the next op asks the relay for a new OS socket first.
    pub reopen: bool,
    /// Disconnected by a connect() (a blocking one that failed, the one
    /// after a connect with a timeout, or a new OS socket after `reopen`)
    /// and bound to nothing since: Linux gave its port back, so a listen()
    /// (which fails on any socket that has been connected) first takes a
    /// port, as a bind to port 0 would, and keeps it.
    pub portless: bool,
    /// The relay's `closed` for this socket has come (it may come after
    /// the error that ended the connection).
    pub closed_heard: bool,
    /// A TCP connect() failed and none has succeeded since: Linux's
    /// SOCK_DONE, under which recv() gives b'' where a socket that never
    /// tried raises ENOTCONN.
    pub done: bool,
    /// Connected, or failed to, by a connect() with a timeout (CPython's
    /// own non-blocking connect): Linux leaves the socket "connecting"
    /// until the next connect() settles it (see `Socket::connect`).
    pub connect_unconfirmed: bool,
    /// `close()` was called.
    pub closed: bool,
    /// A shutdown() settled a connect left "connecting" whose connection
    /// was not (or no longer) there: Linux's SS_DISCONNECTING, in which
    /// every later connect() is EINVAL.
    pub disconnecting: bool,
    /// A listener that a shutdown() with reading stopped: Linux refuses
    /// every later connect() with EINVAL (whatever bind() and listen() do
    /// since), where an inet6 socket bound on ::1 says ENETUNREACH to an
    /// IPv4 address first. The relay's own socket for a listener the page
    /// did not bind is on ::1, not Python's `::`, so the page answers.
    pub listen_stopped: bool,
    /// Bound to a port of its own choosing (`bind` with a port other than
    /// 0, or accepted by a listener that was): Linux's SOCK_BINDPORT_LOCK,
    /// under which the port stays the socket's when its connection is over.
    pub port_locked: bool,
    /// Bound to an address of its own choosing (`bind` to one other than
    /// `0.0.0.0` or `::`): Linux's SOCK_BINDADDR_LOCK, under which a failed
    /// connect() leaves the address as it was where it resets any other.
    pub addr_locked: bool,
    /// Its connection was over and `bind()` has bound it again, on a new
    /// OS socket of the relay's (see `Socket::bind`).
    pub rebound: bool,
    /// A TCP socket that a connect() took to the kernel (whatever came of
    /// it) or that accept() gave: Linux never lets it listen, even once a
    /// later connect() has disconnected it or a bind() has bound it again
    /// (python3 here: listen() is `[Errno 22]` after each of those).
    pub connected_once: bool,
    waiters: Vec<Function>,
}

impl SockState {
    pub fn new(kind: SockType, v6: bool, window: u32) -> Self {
        Self {
            kind,
            v6,
            pending: Vec::new(),
            rx: VecDeque::new(),
            datagrams: VecDeque::new(),
            accepts: VecDeque::new(),
            eof: false,
            fin: false,
            read_shut: false,
            gone: None,
            error: None,
            window: u64::from(window),
            timeout: None,
            local: None,
            peer: None,
            write_shut: false,
            fin_sent: false,
            listening: false,
            stopping: false,
            reopen: false,
            portless: false,
            closed_heard: false,
            done: false,
            connect_unconfirmed: false,
            closed: false,
            disconnecting: false,
            listen_stopped: false,
            port_locked: false,
            addr_locked: false,
            rebound: false,
            connected_once: false,
            waiters: Vec::new(),
        }
    }

    /// How a connect() ended, as Linux leaves the socket: a TCP socket stays
    /// "connecting" when it was made with a timeout (`unconfirmed`, see
    /// `connect_unconfirmed`), and a failure (`failed`) sets SOCK_DONE
    /// (`done`); `error`, given, is what the socket's next call raises.
    /// `local` is where the relay's failed attempt was bound (the error
    /// event's `local`): the name `getsockname()` then gives.
    pub fn connect_ended(
        &mut self,
        unconfirmed: bool,
        failed: bool,
        error: Option<ErrorEvent>,
        local: Option<Endpoint>,
    ) {
        if self.kind == SockType::Tcp {
            self.connect_unconfirmed = unconfirmed;
            self.done |= failed;
            self.connected_once = true;
            // A blocking connect's failure disconnects the socket and gives
            // back the port the attempt took (unless bind() chose it).
            self.portless = failed && !unconfirmed && !self.port_locked;
            if let Some((host, port)) = local.filter(|_| failed) {
                // The port the attempt chose stays the socket's name. A
                // blocking connect's failure disconnects the socket, which
                // resets an address bind() did not choose; one with a
                // timeout is left "connecting" with its address until the
                // next connect() disconnects it (`forget_address`).
                let host = match self.local.take() {
                    Some((bound, _)) if self.addr_locked => bound,
                    _ if unconfirmed => host,
                    _ => self.unspecified().into(),
                };
                self.local = Some((host, port));
            }
        }
        if error.is_some() {
            self.error = error;
        }
    }

    /// `0.0.0.0`, or `::` for an `inet6` socket: the address of a socket
    /// bound to none.
    pub fn unspecified(&self) -> &'static str {
        if self.v6 { "::" } else { "0.0.0.0" }
    }

    /// Linux's disconnect of a TCP socket: an address bind() did not
    /// choose is reset (its port stays the socket's name).
    pub fn forget_address(&mut self) {
        let unspecified = self.unspecified();
        if let Some((host, _)) = self.local.as_mut().filter(|_| !self.addr_locked) {
            *host = unspecified.into();
        }
    }

    /// The promises parked on this socket, to be woken.
    pub fn take_waiters(&mut self) -> Vec<Function> {
        std::mem::take(&mut self.waiters)
    }
}

/// A trace record waiting to be handed to the listener.
pub struct Trace {
    pub sock: u32,
    pub dir: &'static str,
    pub bytes: Vec<u8>,
    pub proto: SockType,
    pub local: Option<Endpoint>,
    pub peer: Option<Endpoint>,
}

/// The session as the client sees it.
pub struct Shared {
    pub ws: WebSocket,
    pub start_ms: f64,
    /// From the hello: the protocol version and the limits.
    pub hello: Option<(u32, Limits)>,
    /// The hello as the relay wrote it, for the `hello` and `labs` getters.
    pub hello_text: String,
    /// Why the WebSocket closed, once it has.
    pub lost: Option<String>,
    pub next_id: u32,
    next_pending: u64,
    pub socks: HashMap<u32, SockState>,
    relay_waiters: Vec<Function>,
    pub trace: Option<Function>,
    pub on_close: Option<Function>,
    /// The callbacks the WebSocket holds; kept alive as long as the session.
    pub callbacks: Vec<Closure<dyn FnMut(JsValue)>>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("hello", &self.hello)
            .field("lost", &self.lost)
            .field("socks", &self.socks.len())
            .finish_non_exhaustive()
    }
}

impl Shared {
    pub fn new(ws: WebSocket) -> Self {
        Self {
            ws,
            start_ms: now_ms(),
            hello: None,
            hello_text: String::new(),
            lost: None,
            next_id: 1,
            next_pending: 0,
            socks: HashMap::new(),
            relay_waiters: Vec::new(),
            trace: None,
            on_close: None,
            callbacks: Vec::new(),
        }
    }

    /// The relay's flow-control window (bytes per socket and direction).
    pub fn window(&self) -> u32 {
        self.hello.map_or(0, |(_, limits)| limits.window)
    }

    /// The largest payload one data frame may carry.
    pub fn max_payload(&self) -> usize {
        let frame = self.hello.map_or(65536, |(_, limits)| limits.max_frame);
        usize::try_from(frame)
            .unwrap_or(65536)
            .saturating_sub(32)
            .max(1)
    }

    /// Sends one control message.
    pub fn send_op(&self, op: &Op) -> Result<(), JsValue> {
        self.alive()?;
        // Through JSON.stringify rather than serde_json: the module stays small.
        let value = serde_wasm_bindgen::to_value(op).map_err(JsValue::from)?;
        let text = js_sys::JSON::stringify(&value)?;
        self.ws.send_with_str(&String::from(text))
    }

    /// Sends one data frame, and traces it.
    pub fn send_frame(&self, frame: &Frame<'_>, traces: &mut Vec<Trace>) -> Result<(), JsValue> {
        self.alive()?;
        let mut buf = Vec::new();
        frame.emit(&mut buf);
        self.ws.send_with_u8_array(&buf)?;
        let (sock, payload, peer) = match *frame {
            Frame::Stream { sock, payload } => (sock, payload, None),
            Frame::Datagram {
                sock,
                addr,
                payload,
            } => (sock, payload, Some(endpoint(addr))),
        };
        if let Some(state) = self.socks.get(&sock) {
            traces.push(Trace {
                sock,
                dir: "out",
                bytes: payload.to_vec(),
                proto: state.kind,
                local: state.local.clone(),
                peer: peer.or_else(|| state.peer.clone()),
            });
        }
        Ok(())
    }

    /// An error if the session is over.
    pub fn alive(&self) -> Result<(), JsValue> {
        match &self.lost {
            Some(why) => Err(relay_lost(why)),
            None => Ok(()),
        }
    }

    /// Resets connection `conn`, which the relay accepted and no
    /// `accept()` will take (its listener closed or stopped listening), as
    /// Linux resets a stopped listener's queue; a lost session has no
    /// relay to tell ([`Shared::send_op`] refuses).
    pub fn reset_unaccepted(&mut self, conn: u32) {
        self.socks.remove(&conn);
        let _ = self.send_op(&Op::Close {
            sock: conn,
            reset: true,
        });
    }

    /// Registers an op about to be sent; its answer is collected by [`Shared::answer`].
    pub fn expect(&mut self, sock: u32, op: &'static str) -> u64 {
        self.next_pending += 1;
        let id = self.next_pending;
        if let Some(state) = self.socks.get_mut(&sock) {
            state.pending.push(Pending {
                id,
                op,
                answer: None,
                abandoned: false,
            });
        }
        id
    }

    /// The answer to op `id`, once it has come (and the op forgotten).
    pub fn answer(
        &mut self,
        sock: u32,
        id: u64,
    ) -> Option<Result<netlab_core::protocol::OkEvent, ErrorEvent>> {
        let state = self.socks.get_mut(&sock)?;
        let at = state.pending.iter().position(|p| p.id == id)?;
        state.pending[at].answer.as_ref()?;
        state.pending.remove(at).answer
    }

    /// The caller of op `id` stopped waiting.
    pub fn abandon(&mut self, sock: u32, id: u64) {
        if let Some(p) = self
            .socks
            .get_mut(&sock)
            .and_then(|s| s.pending.iter_mut().find(|p| p.id == id))
        {
            p.abandoned = true;
        }
    }

    fn waiters_of(&mut self, sock: Option<u32>) -> Option<&mut Vec<Function>> {
        match sock {
            Some(id) => self.socks.get_mut(&id).map(|s| &mut s.waiters),
            None => Some(&mut self.relay_waiters),
        }
    }

    /// Every parked promise, for when the session ends.
    pub fn take_all_waiters(&mut self) -> Vec<Function> {
        let mut all = std::mem::take(&mut self.relay_waiters);
        for state in self.socks.values_mut() {
            all.append(&mut state.waiters);
        }
        all
    }

    /// Handles one text frame; returns the promises to wake.
    pub fn on_text(&mut self, text: &str) -> Vec<Function> {
        let Ok(value) = js_sys::JSON::parse(text) else {
            return Vec::new();
        };
        let field = |name: &str| Reflect::get(&value, &JsValue::from_str(name)).ok();
        if field("ev").and_then(|ev| ev.as_string()).as_deref() == Some("hello") {
            // The client needs the version and the limits (the core's
            // `Limits`); the labs and the allow-list go to the page as the
            // relay wrote them (the `hello` and `labs` getters).
            let protocol = field("protocol").and_then(|p| p.as_f64());
            let limits = field("limits").and_then(|l| serde_wasm_bindgen::from_value(l).ok());
            if let (Some(protocol), Some(limits)) = (protocol, limits) {
                self.hello = Some((protocol as u32, limits));
                text.clone_into(&mut self.hello_text);
            }
            return std::mem::take(&mut self.relay_waiters);
        }
        let Some(event) = decode_event(value) else {
            return Vec::new();
        };
        let wake = SockState::take_waiters;
        match event {
            Event::Hello(_) => Vec::new(),
            Event::Ok(ok) => {
                let sock = ok.sock;
                let Some(state) = self.socks.get_mut(&sock) else {
                    return Vec::new();
                };
                if let Some(local) = &ok.local {
                    state.local = Some(local.clone());
                }
                if let Some(peer) = &ok.peer {
                    state.peer = Some(peer.clone());
                }
                fill(state, &ok.op.clone(), Ok(ok));
                wake(state)
            }
            Event::Error(error) => {
                let Some(state) = error.sock.and_then(|s| self.socks.get_mut(&s)) else {
                    return Vec::new();
                };
                // The accept loop of a socket that no longer listens (shut
                // for reading) has nothing to tell this socket's calls.
                if error.op.as_deref() == Some("accept") && !state.listening {
                    return Vec::new();
                }
                // An OS error of a connection's own reading or writing ends
                // it: the relay drops the socket and says `closed` after,
                // but the calls made before that word comes must already
                // see the connection over, as Python's do.
                if state.kind == SockType::Tcp
                    && matches!(error.op.as_deref(), Some("send" | "recv"))
                    && error.errno.is_some()
                {
                    state.gone.get_or_insert_with(|| error.message.clone());
                }
                // A malformed op's error has a null `op`: it answers the
                // oldest call still waiting on that socket.
                let op = match &error.op {
                    Some(op) => op.clone(),
                    None => state
                        .pending
                        .iter()
                        .find(|p| p.answer.is_none())
                        .map(|p| p.op.to_owned())
                        .unwrap_or_default(),
                };
                // The relay's "no such socket" for a frame sent after it had
                // dropped the socket, when this side has heard why since:
                // it tells nothing more, and must not stand in for the
                // error the next call raises (an op waiting on it makes
                // its call again; see `request_event`).
                let stale = error.errno == Some(errno::EBADF) && state.gone.is_some();
                if !fill(state, &op, Err(error.clone())) && !stale {
                    state.error = Some(error);
                }
                wake(state)
            }
            Event::Accept {
                sock,
                conn,
                peer,
                local,
            } => {
                let window = self.window();
                let Some(listener) = self.socks.get_mut(&sock).filter(|l| !l.stopping) else {
                    self.reset_unaccepted(conn);
                    return Vec::new();
                };
                let (v6, port_locked) = (listener.v6, listener.port_locked);
                listener.accepts.push_back(Accepted {
                    conn,
                    peer: peer.clone(),
                });
                let woken = wake(listener);
                let mut state = SockState::new(SockType::Tcp, v6, window);
                state.local = Some(local);
                state.peer = Some(peer);
                state.port_locked = port_locked;
                state.connected_once = true;
                self.socks.insert(conn, state);
                woken
            }
            Event::Eof { sock } => self.socks.get_mut(&sock).map_or_else(Vec::new, |state| {
                // After this side's own shutdown('read'), whose `eof` came
                // with it, a second one is the peer's FIN.
                state.fin |= !state.read_shut || state.eof;
                state.eof = true;
                wake(state)
            }),
            Event::Closed { sock, reason } => {
                self.socks.get_mut(&sock).map_or_else(Vec::new, |state| {
                    state.gone = Some(reason.unwrap_or_default());
                    state.closed_heard = true;
                    wake(state)
                })
            }
            Event::Credit { sock, bytes } => {
                self.socks.get_mut(&sock).map_or_else(Vec::new, |state| {
                    state.window += u64::from(bytes);
                    wake(state)
                })
            }
        }
    }

    /// Handles one binary frame; returns the promises to wake.
    pub fn on_binary(&mut self, bytes: &[u8], traces: &mut Vec<Trace>) -> Vec<Function> {
        let Ok(frame) = Frame::parse(bytes) else {
            return Vec::new();
        };
        match frame {
            Frame::Stream { sock, payload } => {
                let Some(state) = self.socks.get_mut(&sock) else {
                    return Vec::new();
                };
                state.rx.extend(payload);
                traces.push(Trace {
                    sock,
                    dir: "in",
                    bytes: payload.to_vec(),
                    proto: state.kind,
                    local: state.local.clone(),
                    peer: state.peer.clone(),
                });
                std::mem::take(&mut state.waiters)
            }
            Frame::Datagram {
                sock,
                addr,
                payload,
            } => {
                let Some(state) = self.socks.get_mut(&sock) else {
                    return Vec::new();
                };
                // Bounded as a kernel's receive buffer is: the oldest go first.
                if state.datagrams.len() >= MAX_QUEUED_DATAGRAMS {
                    state.datagrams.pop_front();
                }
                state
                    .datagrams
                    .push_back((payload.to_vec(), endpoint(addr)));
                traces.push(Trace {
                    sock,
                    dir: "in",
                    bytes: payload.to_vec(),
                    proto: state.kind,
                    local: state.local.clone(),
                    peer: Some(endpoint(addr)),
                });
                std::mem::take(&mut state.waiters)
            }
        }
    }

    /// The trace listener's argument for one record.
    pub fn trace_object(&self, trace: &Trace) -> JsValue {
        let object = Object::new();
        let set = |key: &str, value: &JsValue| {
            let _ = Reflect::set(&object, &JsValue::from_str(key), value);
        };
        set("sock", &JsValue::from(trace.sock));
        set("dir", &JsValue::from_str(trace.dir));
        set("bytes", &Uint8Array::from(trace.bytes.as_slice()).into());
        set("t_ms", &JsValue::from(now_ms() - self.start_ms));
        let proto = match trace.proto {
            SockType::Tcp => "tcp",
            SockType::Udp => "udp",
        };
        set("proto", &JsValue::from_str(proto));
        set("local", &endpoint_js(trace.local.as_ref()));
        set("peer", &endpoint_js(trace.peer.as_ref()));
        object.into()
    }
}

/// A text frame (other than the hello) as the core's [`Event`]. The structs
/// (`OkEvent`, `ErrorEvent`, endpoints) go through the core's own `Deserialize`; only
/// the `ev` tag is dispatched here, because serde's internally tagged enum
/// decoding buffers through `Content`, which costs the module ~8 KB gzipped.
fn decode_event(value: JsValue) -> Option<Event> {
    use serde_wasm_bindgen::from_value;
    let field = |name: &str| Reflect::get(&value, &JsValue::from_str(name)).ok();
    let number = |name: &str| {
        let n = field(name)?.as_f64()?;
        (n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&n)).then_some(n as u32)
    };
    let sock = number("sock");
    Some(match field("ev")?.as_string()?.as_str() {
        "ok" => Event::Ok(from_value(value).ok()?),
        "error" => Event::Error(from_value(value).ok()?),
        "accept" => Event::Accept {
            sock: sock?,
            conn: number("conn")?,
            peer: from_value(field("peer")?).ok()?,
            local: from_value(field("local")?).ok()?,
        },
        "eof" => Event::Eof { sock: sock? },
        "closed" => Event::Closed {
            sock: sock?,
            reason: field("reason").and_then(|r| r.as_string()),
        },
        "credit" => Event::Credit {
            sock: sock?,
            bytes: number("bytes")?,
        },
        _ => return None,
    })
}

/// Datagrams kept per socket before the oldest is dropped, as UDP drops.
const MAX_QUEUED_DATAGRAMS: usize = 1024;

/// Gives an answer to the oldest op of that name still waiting on the socket.
fn fill(
    state: &mut SockState,
    op: &str,
    answer: Result<netlab_core::protocol::OkEvent, ErrorEvent>,
) -> bool {
    let Some(at) = state
        .pending
        .iter()
        .position(|p| p.op == op && p.answer.is_none())
    else {
        return false;
    };
    if state.pending[at].abandoned {
        state.pending.remove(at);
        // A connect() nobody waits for any more (non-blocking, or timed
        // out) that failed: the socket's next call raises it, as Linux's
        // pending socket error.
        if let (Err(error), "connect") = (answer, op) {
            let local = error.local.clone();
            state.connect_ended(true, true, Some(error), local);
        }
    } else {
        state.pending[at].answer = Some(answer);
    }
    true
}

/// A socket address as Python's `(host, port)` tuple.
pub fn endpoint(addr: SocketAddr) -> Endpoint {
    (addr.ip().to_string(), addr.port())
}

/// `[host, port]`, or `null`.
pub fn endpoint_js(endpoint: Option<&Endpoint>) -> JsValue {
    match endpoint {
        Some((host, port)) => Array::of2(&JsValue::from_str(host), &JsValue::from(*port)).into(),
        None => JsValue::NULL,
    }
}

/// Resolves each parked promise (outside any borrow).
pub fn wake_all(waiters: Vec<Function>) {
    for resolve in waiters {
        let _ = resolve.call1(&JsValue::NULL, &JsValue::TRUE);
    }
}

/// Hands trace records to the listener (outside any borrow).
pub fn deliver(shared: &SharedRef, traces: Vec<Trace>) {
    if traces.is_empty() {
        return;
    }
    let (listener, objects) = {
        let s = shared.borrow();
        let Some(listener) = s.trace.clone() else {
            return;
        };
        let objects: Vec<JsValue> = traces.iter().map(|t| s.trace_object(t)).collect();
        (listener, objects)
    };
    for object in objects {
        let _ = listener.call1(&JsValue::NULL, &object);
    }
}

/// Waits until the socket (or, with `None`, the relay) is woken, or until
/// `deadline` (ms since the epoch). Returns false on timeout.
pub async fn park(shared: &SharedRef, sock: Option<u32>, deadline: Option<f64>) -> bool {
    let mut resolver = None;
    let promise = Promise::new(&mut |resolve, _reject| resolver = Some(resolve));
    let Some(resolve) = resolver else {
        return true;
    };
    match shared.borrow_mut().waiters_of(sock) {
        Some(list) => list.push(resolve.clone()),
        None => return true,
    }
    let timer = deadline.map(|at| {
        let fire = resolve.clone();
        let callback = Closure::once(move || {
            let _ = fire.call1(&JsValue::NULL, &JsValue::FALSE);
        });
        let handle = set_timeout(callback.as_ref().unchecked_ref(), (at - now_ms()).max(0.0));
        (callback, handle)
    });
    let woke = JsFuture::from(promise)
        .await
        .map_or(true, |v| v.as_bool() != Some(false));
    if let Some((callback, handle)) = timer {
        clear_timeout(&handle);
        drop(callback);
    }
    woke
}

/// A rejected call's `Error`: the relay's (Python's) message, with `errno`
/// and `code` as properties, named after the class Python raises for its
/// errno (`ConnectionRefusedError`; `OSError` for a number without one), so
/// `String(e)` is the last line of Python's traceback.
pub fn os_error(event: &ErrorEvent) -> JsValue {
    let error = js_sys::Error::new(&event.message);
    if let Some(n) = event.errno {
        error.set_name(errno::python_class(n));
    }
    let _ = Reflect::set(&error, &"code".into(), &JsValue::from_str(&event.code));
    if let Some(n) = event.errno {
        let _ = Reflect::set(&error, &"errno".into(), &JsValue::from(n));
    }
    error.into()
}

/// An OS error raised on this side, worded as Python words it.
pub fn local_error(op: &str, errno: i32, detail: Option<&str>) -> JsValue {
    os_error(&ErrorEvent::os(None, op, errno, detail))
}

/// A Python exception that is not an `OSError`: an `Error` named after its
/// class (`ValueError`), with Python's message.
pub fn python_error(class: &str, message: &str) -> js_sys::Error {
    let error = js_sys::Error::new(message);
    error.set_name(class);
    error
}

/// Python's `TimeoutError('timed out')`.
pub fn timed_out() -> JsValue {
    let error = python_error("TimeoutError", "timed out");
    let _ = Reflect::set(&error, &"code".into(), &JsValue::from_str("ETIMEDOUT"));
    error.into()
}

/// Non-blocking socket with nothing ready: Python's `BlockingIOError`.
pub fn would_block(op: &str) -> JsValue {
    local_error(op, errno::EAGAIN, None)
}

/// Every call once the WebSocket has closed.
pub fn relay_lost(why: &str) -> JsValue {
    let error = js_sys::Error::new(&format!("relay connection lost: {why}"));
    let _ = Reflect::set(&error, &"code".into(), &JsValue::from_str("ERELAY"));
    error.into()
}
