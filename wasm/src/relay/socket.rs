//! A socket through the relay, with the names and behaviour of Python's
//! `socket` object: blocking calls return promises, a timeout rejects with
//! `timed out`, OS errors reject with the relay's Python-worded message.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use js_sys::{Array, Promise, Reflect, Uint8Array};
use netlab_core::protocol::errno::{
    EAFNOSUPPORT, EBADF, ECONNABORTED, ECONNREFUSED, ECONNRESET, EDESTADDRREQ, EHOSTUNREACH,
    EINPROGRESS, EINVAL, EISCONN, EMSGSIZE, ENETUNREACH, ENOPROTOOPT, ENOTCONN, EOPNOTSUPP, EPIPE,
    ETIMEDOUT,
};
use netlab_core::protocol::frame::Frame;
use netlab_core::protocol::policy;
use netlab_core::protocol::{
    Endpoint, ErrorEvent, Family, How, OkEvent, Op, OptValue, SockOpt, SockType,
};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::shared::{
    Shared, SharedRef, SockState, Trace, deliver, endpoint_js, local_error, now_ms, os_error, park,
    python_error, timed_out, wake_all, would_block,
};
use crate::convert::bytes_or_text;

/// A TCP or UDP socket of the relay's machine, used from the page.
#[wasm_bindgen]
#[derive(Debug, Clone)]
pub struct Socket {
    shared: SharedRef,
    id: u32,
    /// Its kind and family, which outlive its state (Python's closed socket
    /// still has its `type` and `family`, and reads addresses by them).
    kind: SockType,
    v6: bool,
}

impl Socket {
    pub(super) fn new(shared: SharedRef, id: u32, kind: SockType, v6: bool) -> Self {
        Self {
            shared,
            id,
            kind,
            v6,
        }
    }
}

type Answer<T> = Option<Result<T, JsValue>>;

fn ebadf(op: &str) -> JsValue {
    local_error(op, EBADF, None)
}

/// A port as Python checks its range.
fn port_of(op: &str, port: f64) -> Result<u16, JsValue> {
    if (0.0..=65535.0).contains(&port) {
        Ok(port as u16)
    } else {
        Err(js_sys::Error::new(&format!("{op}(): port must be 0-65535.")).into())
    }
}

/// Python's `TypeError` with its message.
fn type_error(message: &str) -> JsValue {
    python_error("TypeError", message).into()
}

/// How many arguments a JavaScript call gave: JavaScript passes the missing
/// ones as `undefined`, so up to the last that is not.
fn given(args: &[&JsValue]) -> usize {
    args.iter()
        .rposition(|a| !a.is_undefined())
        .map_or(0, |last| last + 1)
}

/// The name of the Python type a JavaScript value stands for, as Python's
/// `TypeError`s say it.
fn py_type(value: &JsValue) -> &'static str {
    if value.is_null() || value.is_undefined() {
        "NoneType"
    } else if value.is_string() {
        "str"
    } else if let Some(x) = value.as_f64() {
        if x.fract() == 0.0 { "int" } else { "float" }
    } else if value.as_bool().is_some() {
        "bool"
    } else if value.is_bigint() {
        "int"
    } else if value.is_instance_of::<Uint8Array>() {
        "bytes"
    } else if Array::is_array(value) {
        "list"
    } else {
        "dict"
    }
}

/// An integer argument as Python takes one: a whole number, a boolean or a
/// `BigInt`. Anything else is Python's `TypeError`: JavaScript's NaN or 1.5
/// is Python's float, `null` its None, neither an integer.
fn py_int(value: &JsValue) -> Result<f64, JsValue> {
    if let Some(x) = value.as_f64().filter(|x| x.fract() == 0.0) {
        Ok(x)
    } else if let Some(flag) = value.as_bool() {
        Ok(f64::from(u8::from(flag)))
    } else if value.is_bigint() {
        // Beyond an i128 it is only its sign that matters here.
        Ok(i128::try_from(value.clone()).map_or_else(
            |_| {
                f64::INFINITY.copysign(if value.lt(&JsValue::from(0)) {
                    -1.0
                } else {
                    1.0
                })
            },
            |n| n as f64,
        ))
    } else {
        let message = format!(
            "'{}' object cannot be interpreted as an integer",
            py_type(value)
        );
        Err(type_error(&message))
    }
}

/// `(host, port)` as Python's `bind`, `connect` and `sendto` read their
/// address: a pair (a missing port is a tuple of one), a `str` host and an
/// int port, an IP literal of the socket's family (`getaddrinfo` runs
/// before the call does anything: `gaierror` whatever the socket's state),
/// then the port in 0-65535, checked in that order.
fn address_of(
    op: &str,
    host: &JsValue,
    port: &JsValue,
    v6: bool,
) -> Result<(String, u16), JsValue> {
    if port.is_undefined() {
        return Err(type_error(if v6 {
            "AF_INET6 address must be a tuple (host, port[, flowinfo[, scopeid]])"
        } else {
            "AF_INET address must be a pair (host, port)"
        }));
    }
    let host = host.as_string().ok_or_else(|| {
        let message = format!("str, bytes or bytearray expected, not {}", py_type(host));
        type_error(&message)
    })?;
    let port = py_int(port)?;
    if host.parse::<IpAddr>().is_ok_and(|ip| ip.is_ipv6() != v6) {
        return Err(gaierror(
            -9,
            "EAI_ADDRFAMILY",
            "Address family for hostname not supported",
        ));
    }
    let port = port_of(op, port)?;
    Ok((host, port))
}

/// Python's `socket.gaierror` for a `getaddrinfo` error (`EAI_*`).
fn gaierror(errno: i32, code: &str, text: &str) -> JsValue {
    os_error(&ErrorEvent {
        sock: None,
        op: None,
        errno: Some(errno),
        code: code.into(),
        message: format!("[Errno {errno}] {text}"),
        local: None,
    })
}

/// A buffer size as Python's `recv` takes it: an integer
/// ([`py_int`]), not negative (`ValueError: negative buffersize in recv`);
/// none at all is Python's `recv() takes at least 1 argument (0 given)`.
/// Past any real buffer it is "all".
fn bufsize_of(op: &str, bufsize: &JsValue) -> Result<usize, JsValue> {
    if bufsize.is_undefined() {
        let message = format!("{op}() takes at least 1 argument (0 given)");
        return Err(type_error(&message));
    }
    let bufsize = py_int(bufsize)?;
    if bufsize < 0.0 {
        let message = format!("negative buffersize in {op}");
        return Err(python_error("ValueError", &message).into());
    }
    // `as` saturates: 2^40 or Infinity asks for everything there is.
    Ok(bufsize as usize)
}

/// How long a non-blocking `connect()` waits for the relay's answer before
/// raising `EINPROGRESS` (seconds): a loopback connection takes a
/// millisecond or two; a slower one goes on after the call returns.
const NONBLOCKING_CONNECT_WAIT: f64 = 0.25;

/// Whether Linux reports this error of a non-blocking `connect()` later,
/// to the socket's next call (the connection failed after the call
/// returned), rather than from the `connect()` itself.
fn reported_later(errno: i32) -> bool {
    matches!(errno, ECONNRESET | ETIMEDOUT | ECONNREFUSED | EHOSTUNREACH)
}

/// Whether `bind` to `host` binds no address of its own: Python's `''`,
/// `0.0.0.0` or `::` (Linux then sets no SOCK_BINDADDR_LOCK).
fn is_any_address(host: &str) -> bool {
    host.is_empty() || host.parse::<IpAddr>().is_ok_and(|a| a.is_unspecified())
}

/// The socket's state, or `EBADF` when it is closed or unknown.
fn open_state<'a>(s: &'a mut Shared, id: u32, op: &str) -> Result<&'a mut SockState, JsValue> {
    match s.socks.get_mut(&id) {
        Some(state) if !state.closed => Ok(state),
        _ => Err(ebadf(op)),
    }
}

/// Whether the relay dropped `id` after its connection ended in an error
/// (a reset, a broken pipe): the OS socket is gone, where Python's is still
/// open in the CLOSE state, so the calls that need it answer as Linux does
/// there (`[Errno 107] Transport endpoint is not connected`) instead of
/// asking the relay about a socket it no longer has.
fn reset(shared: &SharedRef, id: u32, op: &str) -> Result<bool, JsValue> {
    let mut s = shared.borrow_mut();
    Ok(open_state(&mut s, id, op)?.gone.is_some())
}

/// A socket whose connection is over (the relay let its OS socket go) and
/// that a connect() has since disconnected, as Linux does: the relay gets a
/// new OS socket under the same id, and this side forgets the old
/// connection, so the next connect() starts afresh.
fn reopen(shared: &SharedRef, id: u32) -> Result<(), JsValue> {
    let mut s = shared.borrow_mut();
    let window = s.window();
    let Some(state) = s.socks.get_mut(&id).filter(|state| state.reopen) else {
        return Ok(());
    };
    let mut fresh = SockState::new(state.kind, state.v6, window);
    fresh.timeout = state.timeout;
    fresh.connected_once = state.connected_once;
    // A shutdown() since the disconnect (ENOTCONN, but Linux marks the
    // socket all the same) holds for the next connection too: its send
    // is a broken pipe, its recv gives b'' whenever nothing is queued.
    fresh.write_shut = state.write_shut;
    fresh.read_shut = state.read_shut;
    fresh.eof = state.eof;
    // Bound again since: the relay's OS socket is new already, and bound.
    if state.rebound {
        fresh.local = state.local.take();
        fresh.port_locked = state.port_locked;
        fresh.addr_locked = state.addr_locked;
        *state = fresh;
        return Ok(());
    }
    fresh.portless = !state.port_locked;
    let op = new_os_socket(id, &fresh);
    *state = fresh;
    s.send_op(&op)
}

/// The op that gives `id` a new OS socket of `state`'s kind and family.
fn new_os_socket(id: u32, state: &SockState) -> Op {
    Op::Socket {
        sock: id,
        kind: state.kind,
        family: if state.v6 {
            Family::Inet6
        } else {
            Family::Inet
        },
    }
}

/// Whether a connect() has disconnected this socket after its connection
/// was over, so the relay's OS socket is to be made anew (`reopen`).
fn reopening(shared: &SharedRef, id: u32) -> bool {
    shared.borrow().socks.get(&id).is_some_and(|s| s.reopen)
}

/// Makes the relay's new OS socket of a disconnected socket, once the
/// relay has let the old one go: its `closed` may still be on its way
/// after the error that ended the connection.
async fn settle_reopen(shared: &SharedRef, id: u32) -> Result<(), JsValue> {
    park_while(shared, id, 1000.0, |s| s.reopen && !s.closed_heard).await;
    reopen(shared, id)
}

/// Before `bind()` of a socket whose connection is over: refuses as Linux
/// does if its port is still its own, else asks the relay for a new OS
/// socket under the same id (once the old one is gone), which the bind
/// then binds (and a second bind finds bound: EINVAL from the kernel). The
/// socket stays over for every other call (connect says EISCONN, send
/// EPIPE, recv `b''`), as Linux's does.
async fn rebind(shared: &SharedRef, id: u32) -> Result<(), JsValue> {
    {
        let mut s = shared.borrow_mut();
        let state = open_state(&mut s, id, "bind")?;
        if state.rebound {
            return Ok(());
        }
        if state.port_locked {
            return Err(local_error("bind", EINVAL, None));
        }
    }
    park_while(shared, id, 1000.0, |s| !s.closed_heard).await;
    let mut s = shared.borrow_mut();
    let state = open_state(&mut s, id, "bind")?;
    state.rebound = true;
    let op = new_os_socket(id, state);
    s.send_op(&op)
}

/// Parks while `still` holds of the socket (gone: no longer), for at most
/// `ms` milliseconds.
async fn park_while(shared: &SharedRef, id: u32, ms: f64, still: impl Fn(&SockState) -> bool) {
    let deadline = now_ms() + ms;
    while shared.borrow().socks.get(&id).is_some_and(&still) && now_ms() < deadline {
        park(shared, Some(id), Some(deadline)).await;
    }
}

/// Polls `ready` until it has an answer, parking between tries, within the
/// socket's timeout. Trace records it makes go to the listener.
async fn wait_for<T>(
    shared: &SharedRef,
    id: u32,
    op: &str,
    mut ready: impl FnMut(&mut Shared, &mut Vec<Trace>) -> Answer<T>,
) -> Result<T, JsValue> {
    let timeout = shared.borrow().socks.get(&id).and_then(|s| s.timeout);
    let deadline = timeout.map(|t| now_ms() + t * 1000.0);
    loop {
        let mut traces = Vec::new();
        let answer = {
            let mut s = shared.borrow_mut();
            match s.alive() {
                Err(e) => Some(Err(e)),
                Ok(()) => ready(&mut s, &mut traces),
            }
        };
        deliver(shared, traces);
        if let Some(answer) = answer {
            return answer;
        }
        if let Some(at) = deadline
            && now_ms() >= at
        {
            return Err(if timeout == Some(0.0) {
                would_block(op)
            } else {
                timed_out()
            });
        }
        park(shared, Some(id), deadline).await;
    }
}

/// Sends an op and waits for its answer (within `timeout` seconds, if given).
async fn request(
    shared: &SharedRef,
    id: u32,
    op: Op,
    timeout: Option<f64>,
) -> Result<OkEvent, JsValue> {
    request_event(shared, id, op, timeout)
        .await?
        .map_err(|e| os_error(&e))
}

/// [`request`] with the relay's error as it came (the outer error is this
/// side's: a closed socket, the timeout, the session gone).
async fn request_event(
    shared: &SharedRef,
    id: u32,
    op: Op,
    timeout: Option<f64>,
) -> Result<Result<OkEvent, ErrorEvent>, JsValue> {
    let name = op.name();
    let pending = {
        let mut s = shared.borrow_mut();
        s.alive()?;
        let state = s.socks.get_mut(&id).ok_or_else(|| ebadf(name))?;
        if state.closed && name != "close" {
            return Err(ebadf(name));
        }
        // A pending socket error (a reset, a failed connect) is raised by
        // the calls Linux reports it from; bind, listen, shutdown and the
        // rest leave it for the next of those.
        if name == "connect"
            && state.kind == SockType::Tcp
            && let Some(error) = state.error.take()
        {
            return Err(os_error(&error));
        }
        let pending = s.expect(id, name);
        s.send_op(&op)?;
        pending
    };
    let deadline = timeout.map(|t| now_ms() + t * 1000.0);
    loop {
        {
            let mut s = shared.borrow_mut();
            if let Some(answer) = s.answer(id, pending) {
                // The relay had dropped the socket (its connection was
                // over) before the op reached it, and said so before it
                // answered: the call is made again, knowing.
                let over = s.socks.get(&id).is_some_and(|st| st.gone.is_some());
                if let Err(e) = &answer
                    && over
                    && e.errno == Some(EBADF)
                {
                    let error = os_error(e);
                    let _ = Reflect::set(&error, &JsValue::from_str(CROSSED), &JsValue::TRUE);
                    return Err(error);
                }
                return Ok(answer);
            }
            s.alive()?;
            if !s.socks.contains_key(&id) {
                return Err(ebadf(name));
            }
        }
        if let Some(at) = deadline
            && now_ms() >= at
        {
            shared.borrow_mut().abandon(id, pending);
            return Err(timed_out());
        }
        park(shared, Some(id), deadline).await;
    }
}

/// One `send()`: as many bytes as the window allows now (waiting for
/// credit when it is shut), cut into frames the relay accepts.
///
/// Once the peer has closed its side, a send also waits for the relay's
/// word that its bytes were written (their credit) or could not be: in
/// Python the first send after the peer's `close()` succeeds, the peer
/// answers it with a reset, and the next send raises `[Errno 32] Broken
/// pipe` at once. Without waiting, that error would reach the page after
/// the next send had returned, and be raised one call late.
async fn send_some(shared: &SharedRef, id: u32, data: &[u8]) -> Result<usize, JsValue> {
    let unbound_udp = shared.borrow().socks.get(&id).and_then(|state| {
        (state.kind == SockType::Udp && state.local.is_none() && !state.closed).then_some(state.v6)
    });
    if let Some(v6) = unbound_udp {
        autobind(shared, id, v6, None).await?;
    }
    let mut confirm = false;
    let n = wait_for(shared, id, "send", |s, traces| {
        let max = s.max_payload();
        let state = match open_state(s, id, "send") {
            Ok(state) => state,
            Err(e) => return Some(Err(e)),
        };
        if let Some(error) = state.error.take() {
            return Some(Err(os_error(&error)));
        }
        let n = match state.kind {
            // Linux checks for a destination before the shutdown flag.
            SockType::Udp if state.peer.is_none() => {
                return Some(Err(local_error("send", EDESTADDRREQ, None)));
            }
            SockType::Udp if state.write_shut => {
                return Some(Err(local_error("send", EPIPE, None)));
            }
            // One datagram is one frame: never cut, possibly empty.
            SockType::Udp if data.len() > max => {
                return Some(Err(local_error("send", EMSGSIZE, None)));
            }
            SockType::Udp => {
                let frame = Frame::Stream {
                    sock: id,
                    payload: data,
                };
                return Some(s.send_frame(&frame, traces).map(|()| data.len()));
            }
            // A listening socket never becomes writable to Python's poll,
            // so a send with a timeout waits it out; non-blocking, the
            // kernel's send says EPIPE at once.
            SockType::Tcp if state.listening && state.timeout != Some(0.0) => return None,
            SockType::Tcp => {
                if state.write_shut || state.gone.is_some() || state.peer.is_none() {
                    return Some(Err(local_error("send", EPIPE, None)));
                }
                if data.is_empty() {
                    return Some(Ok(0));
                }
                if state.window == 0 {
                    return None;
                }
                let n = data
                    .len()
                    .min(usize::try_from(state.window).unwrap_or(usize::MAX));
                state.window -= n as u64;
                confirm = state.eof;
                n
            }
        };
        for payload in data[..n].chunks(max) {
            let frame = Frame::Stream { sock: id, payload };
            if let Err(e) = s.send_frame(&frame, traces) {
                return Some(Err(e));
            }
        }
        Some(Ok(n))
    })
    .await?;
    if confirm {
        written(shared, id).await?;
        // A peer that had closed answers these bytes with a reset, which
        // the relay reports right after their credit; Linux has it by the
        // time send() returns. A moment's wait for it lets the next call
        // see the connection over, as Python's does (this send still
        // returns what it wrote).
        park_while(shared, id, RESET_GRACE_MS, |s| s.gone.is_none()).await;
    }
    Ok(n)
}

/// Binds an unbound socket to a free port: a UDP socket as Linux does
/// before any send looks at its destination (`inet_send_prepare`), so even
/// a `send` that fails with `[Errno 89] Destination address required`
/// leaves it bound; a disconnected TCP one in a `listen()` that then fails
/// (see `SockState::portless`). (The relay binds on loopback: for an
/// `inet6` socket whose first datagram goes `toward` an IPv4 address in
/// IPv6 form, on `::ffff:127.0.0.1`, where Python's socket, bound on `::`,
/// reaches both.)
async fn autobind(
    shared: &SharedRef,
    id: u32,
    v6: bool,
    toward: Option<IpAddr>,
) -> Result<(), JsValue> {
    let host = policy::loopback_toward(v6, toward).to_string();
    request(
        shared,
        id,
        Op::Bind {
            sock: id,
            host,
            port: 0,
        },
        None,
    )
    .await?;
    Ok(())
}

/// How long a send to a peer that has closed waits for the reset that
/// usually follows (milliseconds): the relay's report comes right after
/// the bytes' credit.
const RESET_GRACE_MS: f64 = 20.0;

/// Waits until the relay has written every byte sent on `id` (the window
/// is whole again) or said why it could not. Not bounded by the socket's
/// timeout: the relay answers each write at once, and a session that ends
/// ends the wait.
async fn written(shared: &SharedRef, id: u32) -> Result<(), JsValue> {
    loop {
        {
            let mut s = shared.borrow_mut();
            s.alive()?;
            let whole = u64::from(s.window());
            let state = open_state(&mut s, id, "send")?;
            if let Some(error) = state.error.take() {
                return Err(os_error(&error));
            }
            if state.gone.is_some() {
                return Err(local_error("send", EPIPE, None));
            }
            if state.window >= whole {
                return Ok(());
            }
        }
        park(shared, Some(id), None).await;
    }
}

/// `recv(bufsize)` and `recvfrom(bufsize)`: what has arrived, at most
/// `bufsize` bytes (TCP: merged across chunks; UDP: one datagram, cut), and
/// where a datagram came from; credit goes back to the relay for what a
/// stream read.
async fn recv_from(
    shared: &SharedRef,
    id: u32,
    bufsize: usize,
    op: &'static str,
) -> Result<(Vec<u8>, Option<Endpoint>), JsValue> {
    wait_for(shared, id, op, |s, traces| {
        let state = match open_state(s, id, op) {
            Ok(state) => state,
            Err(e) => return Some(Err(e)),
        };
        if bufsize == 0 {
            return Some(Ok((Vec::new(), None)));
        }
        // Linux's UDP recv raises a pending error (a connected socket's
        // ICMP port unreachable) before any datagram queued.
        if state.kind == SockType::Udp
            && let Some(error) = state.error.take()
        {
            return Some(Err(os_error(&error)));
        }
        let (bytes, from) = match state.kind {
            SockType::Tcp if !state.rx.is_empty() => {
                let n = bufsize.min(state.rx.len());
                (state.rx.drain(..n).collect::<Vec<u8>>(), None)
            }
            SockType::Udp if !state.datagrams.is_empty() => {
                let (mut payload, from) = state.datagrams.pop_front()?;
                payload.truncate(bufsize);
                (payload, Some(from))
            }
            _ => {
                // A listening socket is readable (to Python's poll) only
                // with a connection waiting, whatever else it holds (a
                // shutdown before listen() included); its recv then fails.
                // Non-blocking, the recv fails at once.
                if state.kind == SockType::Tcp && state.listening {
                    if state.timeout != Some(0.0) && state.accepts.is_empty() {
                        return None;
                    }
                    return Some(Err(local_error(op, ENOTCONN, None)));
                }
                // After the peer's FIN, Linux's recv gives b'' even once a
                // reset has come (SOCK_DONE is checked before the socket's
                // error, which is left for the next send); shut by this
                // side, the error comes first.
                if state.kind == SockType::Tcp && state.eof {
                    if !state.fin
                        && let Some(error) = state.error.take()
                    {
                        return Some(Err(os_error(&error)));
                    }
                    return Some(Ok((Vec::new(), None)));
                }
                if let Some(error) = state.error.take() {
                    return Some(Err(os_error(&error)));
                }
                if state.kind == SockType::Tcp {
                    let over = state.gone.is_some() && !state.reopen;
                    if over || state.done && state.peer.is_none() {
                        return Some(Ok((Vec::new(), None)));
                    }
                    if state.peer.is_none() {
                        return Some(Err(local_error(op, ENOTCONN, None)));
                    }
                }
                return None;
            }
        };
        traces.push(Trace {
            sock: id,
            dir: "recv",
            bytes: bytes.clone(),
            proto: state.kind,
            local: state.local.clone(),
            peer: from.clone().or_else(|| state.peer.clone()),
        });
        if from.is_none() {
            let credit = Op::Credit {
                sock: id,
                bytes: u32::try_from(bytes.len()).unwrap_or(u32::MAX),
            };
            if let Err(e) = s.send_op(&credit) {
                return Some(Err(e));
            }
        }
        Some(Ok((bytes, from)))
    })
    .await
}

/// The bytes `send` and `sendall` take; none at all is Python's
/// `send() takes at least 1 argument (0 given)`.
fn data_of(op: &str, data: &JsValue) -> Result<Vec<u8>, JsValue> {
    if data.is_undefined() {
        let message = format!("{op}() takes at least 1 argument (0 given)");
        return Err(type_error(&message));
    }
    Ok(bytes_or_text(data, "data")?)
}

/// An address as the relay's datagram frame needs it: an IP literal, or
/// `localhost`.
fn datagram_addr(host: &str, port: u16, v6: bool) -> Result<SocketAddr, JsValue> {
    let ip: IpAddr = match host {
        "localhost" if v6 => Ipv6Addr::LOCALHOST.into(),
        "localhost" => Ipv4Addr::LOCALHOST.into(),
        _ => host
            .parse()
            .map_err(|_| gaierror(-2, "EAI_NONAME", "Name or service not known"))?,
    };
    Ok(SocketAddr::new(ip, port))
}

fn how_of(how: &JsValue) -> Result<How, JsValue> {
    let text = how
        .as_string()
        .or_else(|| how.as_f64().map(|n| n.to_string()));
    match text.as_deref() {
        Some("read" | "SHUT_RD" | "0") => Ok(How::Read),
        Some("write" | "SHUT_WR" | "1") => Ok(How::Write),
        Some("both" | "SHUT_RDWR" | "2") => Ok(How::Both),
        // Python's own words for `shutdown(7)`; the .d.ts lists the values.
        _ => Err(local_error("shutdown", EINVAL, None)),
    }
}

/// One boxed future type for every method, so `future_to_promise` is
/// compiled once rather than once per method (the module stays small).
type Call = std::pin::Pin<Box<dyn std::future::Future<Output = Result<JsValue, JsValue>>>>;

/// The mark [`request_event`] sets on the relay's `[Errno 9]` for an op
/// that crossed its word that the socket's connection was over:
/// [`promise_again`] makes the call once more, now that this side knows,
/// so it answers as Python's call made after the reset does. Unmarked
/// anywhere else, the error is the relay's own, as it always was.
const CROSSED: &str = "crossedReset";

/// [`promise`] for a call that asks the relay: made again (once) if its op
/// crossed the relay's word that the connection was over (see [`CROSSED`]).
/// The calls are boxed, so one copy of the retry serves every method.
fn promise_again(call: impl Fn() -> Call + 'static) -> Promise {
    promise(again(Box::new(call)))
}

async fn again(call: Box<dyn Fn() -> Call>) -> Result<JsValue, JsValue> {
    match call().await {
        // The second call sees the connection over and never races it.
        Err(e) if Reflect::get(&e, &JsValue::from_str(CROSSED)).is_ok_and(|v| v.is_truthy()) => {
            call().await
        }
        done => done,
    }
}

fn promise<F>(future: F) -> Promise
where
    F: std::future::Future<Output = Result<JsValue, JsValue>> + 'static,
{
    let call: Call = Box::pin(future);
    future_to_promise(call)
}

#[wasm_bindgen]
impl Socket {
    /// The socket's id in the relay protocol (what trace events call `sock`).
    pub fn fileno(&self) -> u32 {
        self.id
    }

    /// `"tcp"` or `"udp"`.
    #[wasm_bindgen(getter, unchecked_return_type = "SocketType")]
    pub fn kind(&self) -> String {
        match self.kind {
            SockType::Udp => "udp",
            SockType::Tcp => "tcp",
        }
        .to_owned()
    }

    /// `bind((host, port))`; port 0 takes any free port (see `getsockname`).
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn bind(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] host: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] port: JsValue,
    ) -> Promise {
        let (shared, id, v6) = (self.shared.clone(), self.id, self.v6);
        promise_again(move || {
            let (shared, host, port) = (shared.clone(), host.clone(), port.clone());
            Box::pin(async move {
                if given(&[&host, &port]) == 0 {
                    return Err(type_error(
                        "socket.bind() takes exactly one argument (0 given)",
                    ));
                }
                let (host, port) = address_of("bind", &host, &port, v6)?;
                // A connection that is over (the relay let its OS socket go)
                // left Linux's socket in the CLOSE state, where the port its
                // connect() chose (or a bind to port 0) is given back: it may
                // be bound once more, on a new OS socket of the relay's. One
                // bound to a port of its own keeps it, and refuses.
                if reset(&shared, id, "bind")? {
                    if reopening(&shared, id) {
                        settle_reopen(&shared, id).await?;
                    } else {
                        rebind(&shared, id).await?;
                    }
                }
                // A connection is refused a bind unless it is closed both ways
                // (which the relay sees) and its port was not its own choice.
                let connected = {
                    let mut s = shared.borrow_mut();
                    let state = open_state(&mut s, id, "bind")?;
                    let connected =
                        state.kind == SockType::Tcp && state.peer.is_some() && state.gone.is_none();
                    if connected && state.port_locked {
                        return Err(local_error("bind", EINVAL, None));
                    }
                    connected
                };
                let any = is_any_address(&host);
                request(
                    &shared,
                    id,
                    Op::Bind {
                        sock: id,
                        host,
                        port,
                    },
                    None,
                )
                .await?;
                if let Some(state) = shared.borrow_mut().socks.get_mut(&id) {
                    state.port_locked |= port != 0;
                    state.addr_locked |= !any;
                    state.portless = false;
                    if connected {
                        // It was closed both ways: over for every other call,
                        // on the relay's new OS socket.
                        state.gone = Some("closed both ways".into());
                        state.closed_heard = true;
                        state.rebound = true;
                    }
                }
                Ok(JsValue::UNDEFINED)
            })
        })
    }

    /// `listen(backlog)`.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn listen(&self, backlog: Option<u32>) -> Promise {
        let (shared, id, v6) = (self.shared.clone(), self.id, self.v6);
        promise_again(move || {
            let shared = shared.clone();
            Box::pin(async move {
                let op = Op::Listen {
                    sock: id,
                    backlog: backlog.unwrap_or(0),
                };
                // A TCP socket that has been connected, or tried to be, never
                // listens in Linux (see `SockState::connected_once`). One a
                // connect() has disconnected, holding no port, takes one
                // before it fails, and keeps it (`SockState::portless`): its
                // next bind() is EINVAL too, as in Python.
                let takes_port = {
                    let mut s = shared.borrow_mut();
                    let state = open_state(&mut s, id, "listen")?;
                    if state.kind == SockType::Tcp && state.connected_once {
                        if !(state.reopen || state.portless) {
                            return Err(local_error("listen", EINVAL, None));
                        }
                        true
                    } else {
                        false
                    }
                };
                if takes_port {
                    settle_reopen(&shared, id).await?;
                    autobind(&shared, id, v6, None).await?;
                    if let Some(state) = shared.borrow_mut().socks.get_mut(&id) {
                        state.portless = false;
                    }
                    return Err(local_error("listen", EINVAL, None));
                }
                request(&shared, id, op, None).await?;
                if let Some(state) = shared.borrow_mut().socks.get_mut(&id) {
                    state.listening = true;
                    state.stopping = false;
                }
                Ok(JsValue::UNDEFINED)
            })
        })
    }

    /// `accept()`: the next connection and its peer, `[sock, [host, port]]`.
    #[wasm_bindgen(unchecked_return_type = "Promise<[Socket, Address]>")]
    pub fn accept(&self) -> Promise {
        let (shared, id, v6) = (self.shared.clone(), self.id, self.v6);
        promise(async move {
            let accepted = wait_for(&shared, id, "accept", |s, _| {
                let state = match open_state(s, id, "accept") {
                    Ok(state) => state,
                    Err(e) => return Some(Err(e)),
                };
                if let Some(accepted) = state.accepts.pop_front() {
                    return Some(Ok(accepted));
                }
                // The relay's accept failed (no fd left, say). A connection's
                // pending error (a reset) is not accept's to raise: Linux
                // leaves it for the socket's next send or recv.
                if state
                    .error
                    .as_ref()
                    .is_some_and(|e| e.op.as_deref() == Some("accept"))
                    && let Some(error) = state.error.take()
                {
                    return Some(Err(os_error(&error)));
                }
                // UDP has no accept (EOPNOTSUPP), but Python's poll waits
                // first for the socket to be readable: a datagram, a pending
                // error (an ICMP port unreachable), its reading shut, or
                // the timeout.
                // Non-blocking, the call fails at once.
                if state.kind == SockType::Udp {
                    let ready = !state.datagrams.is_empty() || state.error.is_some() || state.eof;
                    if state.timeout == Some(0.0) || ready {
                        return Some(Err(local_error("accept", EOPNOTSUPP, None)));
                    }
                    return None;
                }
                // Not listening: EINVAL, once Python's poll finds the
                // socket readable, which a connection is only with bytes
                // or its end to read (a fresh socket is at once).
                let quiet = state.peer.is_some()
                    && state.rx.is_empty()
                    && !state.eof
                    && state.error.is_none();
                if !state.listening && quiet && state.gone.is_none() && state.timeout != Some(0.0) {
                    return None;
                }
                if !state.listening || state.gone.is_some() {
                    return Some(Err(local_error("accept", EINVAL, None)));
                }
                None
            })
            .await?;
            let sock = Socket::new(shared.clone(), accepted.conn, SockType::Tcp, v6);
            Ok(Array::of2(&sock.into(), &endpoint_js(Some(&accepted.peer))).into())
        })
    }

    /// `connect((host, port))`; for UDP it sets the default peer.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn connect(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] host: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] port: JsValue,
    ) -> Promise {
        let (shared, id, v6) = (self.shared.clone(), self.id, self.v6);
        promise_again(move || {
            let (shared, host, port) = (shared.clone(), host.clone(), port.clone());
            Box::pin(async move {
                if given(&[&host, &port]) == 0 {
                    return Err(type_error(
                        "socket.connect() takes exactly one argument (0 given)",
                    ));
                }
                let (host, port) = address_of("connect", &host, &port, v6)?;
                // Linux keeps a socket "connecting" after a connect() made
                // with a timeout (CPython's own non-blocking connect), however
                // it ended; the next connect() settles it: connected, it
                // succeeds (whatever the address); ended, it raises the socket's
                // pending error or ECONNABORTED and leaves the socket
                // unconnected, so the one after connects anew. A socket
                // connected by a blocking connect() answers EISCONN, even once
                // its connection is over.
                let timeout = {
                    let mut s = shared.borrow_mut();
                    let state = open_state(&mut s, id, "connect")?;
                    // A stopped listener whose address Python would have
                    // left at `::` or `0.0.0.0`: EINVAL to any destination
                    // (see `SockState::listen_stopped`); on an address of
                    // its own the relay's socket answers as Linux would.
                    if state.disconnecting || state.listen_stopped && !state.addr_locked {
                        return Err(local_error("connect", EINVAL, None));
                    }
                    let over = state.gone.is_some();
                    if std::mem::take(&mut state.connect_unconfirmed) {
                        if !over && state.peer.is_some() {
                            return Ok(JsValue::UNDEFINED);
                        }
                        state.done = false;
                        state.reopen = over;
                        state.forget_address();
                        // Disconnected: a failed attempt's port is given back
                        // (an ended connection's, once `reopen` makes the
                        // relay's socket anew).
                        state.portless = !over && !state.port_locked;
                        if over {
                            // Linux's disconnect: the old connection's bytes,
                            // end and peer are gone (recv is ENOTCONN now), and
                            // so are its shutdown flags.
                            state.eof = false;
                            state.fin = false;
                            state.read_shut = false;
                            state.write_shut = false;
                            state.rx.clear();
                            state.peer = None;
                        }
                        return Err(match state.error.take() {
                            Some(error) => os_error(&error),
                            None => local_error("connect", ECONNABORTED, None),
                        });
                    }
                    // Known here, even before the relay's word that the
                    // connection was reset (Linux's socket stays SS_CONNECTED
                    // once a blocking connect() or accept() connected it).
                    let connected = state.kind == SockType::Tcp && state.peer.is_some();
                    if (over || connected) && !state.reopen {
                        return Err(local_error("connect", EISCONN, None));
                    }
                    // UDP's connect() only sets the default peer: a pending
                    // error (an ICMP port unreachable) is left for the next send.
                    if state.kind == SockType::Tcp
                        && let Some(error) = state.error.take()
                    {
                        return Err(os_error(&error));
                    }
                    state.timeout
                };
                // The relay must have let the old OS socket go before it makes
                // a new one under the same id: its `closed` may still be on
                // its way after the error that ended the connection.
                settle_reopen(&shared, id).await?;
                let op = Op::Connect {
                    sock: id,
                    host,
                    port,
                };
                // UDP's connect() only sets the default peer: it never waits,
                // so it is never "in progress", whatever the timeout.
                if shared.borrow().socks.get(&id).map(|s| s.kind) == Some(SockType::Udp) {
                    request(&shared, id, op, None).await?;
                    return Ok(JsValue::UNDEFINED);
                }
                let unconfirmed = timeout.is_some();
                let ended = |failed: bool, error: Option<ErrorEvent>, local: Option<Endpoint>| {
                    if let Some(state) = shared.borrow_mut().socks.get_mut(&id) {
                        state.connect_ended(unconfirmed, failed, error, local);
                    }
                };
                if timeout != Some(0.0) {
                    return match request_event(&shared, id, op, timeout).await? {
                        Ok(_) => {
                            ended(false, None, None);
                            Ok(JsValue::UNDEFINED)
                        }
                        Err(e) => {
                            if e.errno.is_some_and(reported_later) {
                                ended(true, None, e.local.clone());
                            }
                            Err(os_error(&e))
                        }
                    };
                }
                // Non-blocking (settimeout(0)): Python's connect raises
                // BlockingIOError EINPROGRESS while the attempt goes on; to
                // loopback Linux has finished it by the next call, connected
                // or refused. Through the relay that takes a round trip, so
                // the answer is awaited a moment (NONBLOCKING_CONNECT_WAIT)
                // and the socket left as Python's would be: connected, or
                // holding the refusal for its next call (Linux's pending
                // socket error). Errors Linux gives at once are raised now.
                let wait = Some(NONBLOCKING_CONNECT_WAIT);
                match request_event(&shared, id, op, wait).await {
                    Ok(Ok(_)) => ended(false, None, None),
                    Ok(Err(e)) if e.errno.is_some_and(reported_later) => {
                        let local = e.local.clone();
                        ended(true, Some(e), local);
                    }
                    Ok(Err(e)) => return Err(os_error(&e)),
                    Err(e) if is_timeout(&e) => {}
                    Err(e) => return Err(e),
                }
                Err(local_error("connect", EINPROGRESS, None))
            })
        })
    }

    /// `send(data)`: how many bytes were taken (maybe fewer than given).
    #[wasm_bindgen(unchecked_return_type = "Promise<number>")]
    pub fn send(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] data: JsValue,
    ) -> Promise {
        let (shared, id) = (self.shared.clone(), self.id);
        promise(async move {
            let data = data_of("send", &data)?;
            let n = send_some(&shared, id, &data).await?;
            Ok(JsValue::from(n as f64))
        })
    }

    /// `sendall(data)`: every byte, waiting for the relay's credit as needed.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn sendall(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] data: JsValue,
    ) -> Promise {
        let (shared, id) = (self.shared.clone(), self.id);
        promise(async move {
            let data = data_of("sendall", &data)?;
            let mut sent = 0;
            while sent < data.len() {
                sent += send_some(&shared, id, &data[sent..]).await?;
            }
            Ok(JsValue::UNDEFINED)
        })
    }

    /// `recv(bufsize)`: at most `bufsize` bytes of what has arrived (so
    /// chunks merge as in Python); empty at EOF.
    #[wasm_bindgen(unchecked_return_type = "Promise<Uint8Array>")]
    pub fn recv(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] bufsize: JsValue,
    ) -> Promise {
        let (shared, id) = (self.shared.clone(), self.id);
        promise(async move {
            let bufsize = bufsize_of("recv", &bufsize)?;
            let (bytes, _) = recv_from(&shared, id, bufsize, "recv").await?;
            Ok(Uint8Array::from(bytes.as_slice()).into())
        })
    }

    /// `sendto(data, (host, port))` on a UDP socket; an unbound socket is
    /// bound to a free loopback port first, as Python binds on first use.
    /// On a TCP socket the address is checked and then ignored, as Linux
    /// does: it is `send(data)`.
    #[wasm_bindgen(unchecked_return_type = "Promise<number>")]
    pub fn sendto(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] data: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] host: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] port: JsValue,
    ) -> Promise {
        let (shared, id, v6) = (self.shared.clone(), self.id, self.v6);
        promise(async move {
            // Python's sendto(data, (host, port)) takes 2 arguments, the
            // address as one: with no port, the address is a tuple of one.
            let n = given(&[&data, &host, &port]);
            if n < 2 {
                let message = format!("sendto() takes 2 or 3 arguments ({n} given)");
                return Err(type_error(&message));
            }
            let data = bytes_or_text(&data, "data")?;
            let (host, port) = address_of("sendto", &host, &port, v6)?;
            let (kind, v6, bound, shut) = {
                let mut s = shared.borrow_mut();
                let state = open_state(&mut s, id, "sendto")?;
                (
                    state.kind,
                    state.v6,
                    state.local.is_some(),
                    state.write_shut,
                )
            };
            if kind != SockType::Udp {
                // Linux ignores a stream socket's destination (Python has
                // checked it above), so on TCP this is a `send`: `[Errno
                // 32] Broken pipe` unconnected, the bytes sent connected.
                let n = send_some(&shared, id, &data).await?;
                return Ok(JsValue::from(n as f64));
            }
            let addr = datagram_addr(&host, port, v6)?;
            if !bound {
                autobind(&shared, id, v6, Some(addr.ip())).await?;
            }
            // An inet6 socket bound on ::1 cannot send to an IPv4 address
            // (in `::ffff:` form), nor one bound on `::ffff:127.0.0.1` to
            // an IPv6 one: Linux says so before anything else, where the
            // relay's word would come after this call has returned.
            let local = shared.borrow().socks.get(&id).and_then(|state| {
                let (host, _) = state.local.as_ref()?;
                host.parse::<Ipv6Addr>().ok()
            });
            if let (Some(local), IpAddr::V6(to)) = (local, addr.ip()) {
                let (from_v4, to_v4) = (
                    local.to_ipv4_mapped().is_some(),
                    to.to_ipv4_mapped().is_some(),
                );
                if from_v4 && !to_v4 {
                    return Err(local_error("sendto", EAFNOSUPPORT, None));
                }
                if to_v4 && !from_v4 && !local.is_unspecified() {
                    return Err(local_error("sendto", ENETUNREACH, None));
                }
            }
            if shut {
                return Err(local_error("sendto", EPIPE, None));
            }
            if data.len() > shared.borrow().max_payload() {
                return Err(local_error("sendto", EMSGSIZE, None));
            }
            let mut traces = Vec::new();
            {
                let mut s = shared.borrow_mut();
                let state = open_state(&mut s, id, "sendto")?;
                if let Some(error) = state.error.take() {
                    return Err(os_error(&error));
                }
                let frame = Frame::Datagram {
                    sock: id,
                    addr,
                    payload: &data,
                };
                s.send_frame(&frame, &mut traces)?;
            }
            deliver(&shared, traces);
            Ok(JsValue::from(data.len() as f64))
        })
    }

    /// `recvfrom(bufsize)`: `[bytes, [host, port]]`. The address is `null`
    /// on a TCP socket (as Python's is `None` there: a stream's bytes have
    /// no sender of their own; `getpeername()` names the peer) and from
    /// `recvfrom(0)`, which returns at once without taking a datagram.
    #[wasm_bindgen(unchecked_return_type = "Promise<[Uint8Array, Address | null]>")]
    pub fn recvfrom(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] bufsize: JsValue,
    ) -> Promise {
        let (shared, id) = (self.shared.clone(), self.id);
        promise(async move {
            let bufsize = bufsize_of("recvfrom", &bufsize)?;
            let (bytes, from) = recv_from(&shared, id, bufsize, "recvfrom").await?;
            let bytes = Uint8Array::from(bytes.as_slice());
            Ok(Array::of2(&bytes, &endpoint_js(from.as_ref())).into())
        })
    }

    /// `shutdown(how)`: `"read"`, `"write"` (sends FIN) or `"both"`, or
    /// Python's `SHUT_RD` 0, `SHUT_WR` 1, `SHUT_RDWR` 2.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn shutdown(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ShutdownHow")] how: JsValue,
    ) -> Promise {
        let (shared, id) = (self.shared.clone(), self.id);
        promise_again(move || {
            let (shared, how) = (shared.clone(), how.clone());
            Box::pin(async move {
                let how = how_of(&how)?;
                {
                    // Linux's shutdown settles a connect left "connecting",
                    // before anything else: connected if the connection is
                    // there, else disconnecting (even as it then says ENOTCONN).
                    let mut s = shared.borrow_mut();
                    let state = open_state(&mut s, id, "shutdown")?;
                    if std::mem::take(&mut state.connect_unconfirmed) {
                        state.disconnecting = state.gone.is_some() || state.peer.is_none();
                    }
                    // Before the op: its `eof` is then known as this side's.
                    state.read_shut |= how != How::Write;
                    // A listener shut for reading stops listening (below).
                    if how != How::Write && state.listening {
                        reset_queued(&mut s, id);
                    }
                }
                let writes = matches!(how, How::Write | How::Both);
                let reads = how != How::Write;
                if reset(&shared, id, "shutdown")? {
                    // Over (reset, or disconnected by a connect() since): Linux
                    // says ENOTCONN and marks the socket shut all the same, so
                    // a disconnected one's recv gives b'' instead of ENOTCONN.
                    if let Some(state) = shared.borrow_mut().socks.get_mut(&id) {
                        state.eof |= reads;
                        state.write_shut |= writes;
                    }
                    return Err(local_error("shutdown", ENOTCONN, None));
                }
                let answer =
                    request_event(&shared, id, Op::Shutdown { sock: id, how }, None).await?;
                let not_connected = matches!(&answer, Err(e) if e.errno == Some(ENOTCONN));
                if let Some(state) = shared.borrow_mut().socks.get_mut(&id) {
                    // A listening socket shut for reading stops listening
                    // (Linux's disconnect): accept() is then EINVAL.
                    if answer.is_ok() && reads {
                        state.listen_stopped |= state.listening;
                        state.listening = false;
                    }
                    // An unconnected TCP socket is marked shut for reading
                    // even as shutdown says ENOTCONN: recv then gives b''. A
                    // UDP socket is marked shut either way: its recv still
                    // waits, but accept's poll finds it readable.
                    let udp = state.kind == SockType::Udp;
                    if reads && (udp || not_connected && state.kind == SockType::Tcp) {
                        state.eof = true;
                    }
                    // Linux marks a socket shut even as it answers ENOTCONN (an
                    // unconnected UDP socket, a TCP one closed both ways or
                    // never connected): its next send is EPIPE.
                    if writes && (answer.is_ok() || state.kind == SockType::Udp || not_connected) {
                        state.write_shut = true;
                    }
                    // The relay shut a connection: its FIN is out.
                    state.fin_sent |= writes && answer.is_ok() && state.kind == SockType::Tcp;
                }
                answer.map_err(|e| os_error(&e))?;
                Ok(JsValue::UNDEFINED)
            })
        })
    }

    /// `settimeout(seconds)`: `null` blocks, `0` never waits, else blocking
    /// calls reject with `timed out` after that long.
    pub fn settimeout(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number | null")] seconds: JsValue,
    ) -> Result<(), JsValue> {
        let timeout = if seconds.is_null() || seconds.is_undefined() {
            None
        } else {
            // Python's checks and words: NaN, then below zero, then more
            // nanoseconds than an i64 holds (about 292 years).
            let python =
                |class: &str, message: &str| -> JsValue { python_error(class, message).into() };
            match seconds.as_f64() {
                Some(t) if t.is_nan() => {
                    return Err(python("ValueError", "Invalid value NaN (not a number)"));
                }
                Some(t) if t < 0.0 => {
                    return Err(python("ValueError", "Timeout value out of range"));
                }
                Some(t) if t * 1e9 >= 9_223_372_036_854_775_807.0 => {
                    return Err(python(
                        "OverflowError",
                        "timestamp out of range for platform time_t",
                    ));
                }
                Some(t) => Some(t),
                None => return Err(js_sys::Error::new("timeout must be a number or null").into()),
            }
        };
        let mut s = self.shared.borrow_mut();
        open_state(&mut s, self.id, "settimeout")?.timeout = timeout;
        Ok(())
    }

    /// `gettimeout()`: seconds, or `null` when blocking.
    #[wasm_bindgen(unchecked_return_type = "number | null")]
    pub fn gettimeout(&self) -> JsValue {
        let timeout = self
            .shared
            .borrow()
            .socks
            .get(&self.id)
            .and_then(|s| s.timeout);
        timeout.map_or(JsValue::NULL, JsValue::from)
    }

    /// `setsockopt(name, value)`, for `TCP_NODELAY`, `SO_REUSEADDR`,
    /// `SO_RCVBUF`, `SO_SNDBUF`.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn setsockopt(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SocketOption")] name: String,
        #[wasm_bindgen(unchecked_param_type = "boolean | number")] value: JsValue,
    ) -> Promise {
        let (shared, id) = (self.shared.clone(), self.id);
        promise_again(move || {
            let (shared, name, value) = (shared.clone(), name.clone(), value.clone());
            Box::pin(async move {
                let known = "TCP_NODELAY, SO_REUSEADDR, SO_RCVBUF or SO_SNDBUF";
                let name: SockOpt = serde_wasm_bindgen::from_value(JsValue::from_str(&name))
                    .map_err(|_| local_error("setsockopt", ENOPROTOOPT, Some(known)))?;
                let value = match (value.as_bool(), value.as_f64()) {
                    (Some(flag), _) => OptValue::Flag(flag),
                    (None, Some(n)) if n.fract() == 0.0 => OptValue::Int(n as i64),
                    _ => {
                        let detail = Some("value is a boolean or an integer");
                        return Err(local_error("setsockopt", EINVAL, detail));
                    }
                };
                // A socket the connection ended under still takes options in
                // Python (it is still open); they change nothing now.
                if reset(&shared, id, "setsockopt")? {
                    return Ok(JsValue::UNDEFINED);
                }
                let op = Op::Setsockopt {
                    sock: id,
                    name,
                    value,
                };
                request(&shared, id, op, None).await?;
                Ok(JsValue::UNDEFINED)
            })
        })
    }

    /// `getsockname()`: the local `[host, port]` (`["0.0.0.0", 0]` before bind).
    #[wasm_bindgen(unchecked_return_type = "Address")]
    pub fn getsockname(&self) -> Result<JsValue, JsValue> {
        let mut s = self.shared.borrow_mut();
        let state = open_state(&mut s, self.id, "getsockname")?;
        let local = (state.local.clone()).unwrap_or((state.unspecified().into(), 0));
        Ok(endpoint_js(Some(&local)))
    }

    /// `getpeername()`: the peer's `[host, port]`.
    #[wasm_bindgen(unchecked_return_type = "Address")]
    pub fn getpeername(&self) -> Result<JsValue, JsValue> {
        let mut s = self.shared.borrow_mut();
        let state = open_state(&mut s, self.id, "getpeername")?;
        // Both FINs through (this side's and the peer's): Linux's socket
        // is in the CLOSE state, with no peer. A socket shut before it
        // connected sent none: it is in CLOSE_WAIT and names its peer.
        let closed_both_ways = state.fin_sent && state.fin;
        match &state.peer {
            Some(peer) if state.gone.is_none() && !closed_both_ways => Ok(endpoint_js(Some(peer))),
            _ => Err(local_error("getpeername", ENOTCONN, None)),
        }
    }

    /// `close()`: calls waiting on the socket reject with `[Errno 9] Bad
    /// file descriptor`; closing twice does nothing, as in Python; a
    /// listener's connections not yet accepted are closed with it.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn close(&self) -> Promise {
        let (shared, id) = (self.shared.clone(), self.id);
        promise(async move {
            let (waiters, ask) = {
                let mut s = shared.borrow_mut();
                let lost = s.lost.is_some();
                let Some(state) = s.socks.get_mut(&id) else {
                    return Ok(JsValue::UNDEFINED);
                };
                if state.closed {
                    return Ok(JsValue::UNDEFINED);
                }
                state.closed = true;
                let ask = (state.gone.is_none() || state.rebound) && !lost;
                let waiters = state.take_waiters();
                reset_queued(&mut s, id);
                if !ask {
                    s.socks.remove(&id);
                }
                (waiters, ask)
            };
            wake_all(waiters);
            if ask {
                // The relay's answer is awaited so the port is free when
                // close() resolves; a relay that no longer knows the
                // socket (it died meanwhile) makes no difference here.
                let close = Op::Close {
                    sock: id,
                    reset: false,
                };
                let _ = request(&shared, id, close, None).await;
                shared.borrow_mut().socks.remove(&id);
            }
            Ok(JsValue::UNDEFINED)
        })
    }
}

/// Connections the relay accepted for listener `id` that no `accept()`
/// took go when it closes or stops listening: Linux resets its queue, so
/// they are reset, not closed with a FIN (the relay answers the listener's
/// op after these, once an other end of this page has heard the reset).
fn reset_queued(s: &mut Shared, id: u32) {
    let Some(state) = s.socks.get_mut(&id) else {
        return;
    };
    state.stopping = true;
    let queued: Vec<u32> = state.accepts.drain(..).map(|a| a.conn).collect();
    for conn in queued {
        s.reset_unaccepted(conn);
    }
}

/// Whether `e` is the `TimeoutError` a call's deadline raised.
fn is_timeout(e: &JsValue) -> bool {
    js_sys::Reflect::get(e, &"code".into())
        .ok()
        .and_then(|c| c.as_string())
        .is_some_and(|c| c == "ETIMEDOUT")
}
