//! Real sockets from the browser, through `netlab-relay` (protocol version
//! 1, `docs/relay-protocol.md`): `Relay.connect(url)` opens the relay's
//! WebSocket (web-sys) and `relay.socket(type)` gives Python-like socket
//! objects (`socket.rs`). Both sides use the core's one definition of the
//! protocol: the `Op`/`Event` messages and the binary `Frame` codec.
//!
//! `shared.rs` holds the session's state: each socket's received bytes,
//! datagrams and accepted connections, the ops waiting for their answer, and
//! the promises parked until an event arrives (with a `setTimeout` for the
//! socket's timeout).

mod shared;
mod socket;

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Object, Reflect, Uint8Array};
use netlab_core::protocol::errno::EMFILE;
use netlab_core::protocol::{Family, Op, PROTOCOL_VERSION, RELAY_IDS_START, SockType};
use wasm_bindgen::prelude::*;
use web_sys::{BinaryType, CloseEvent, MessageEvent, WebSocket};

use shared::{Shared, SharedRef, SockState, local_error, now_ms, park, wake_all};
pub use socket::Socket;

#[wasm_bindgen(typescript_custom_section)]
const TS_RELAY: &str = r#"
/** A socket address as Python's `(host, port)` tuple. */
export type Address = [host: string, port: number];
export type SocketType = "tcp" | "udp";
export type SocketFamily = "inet" | "inet6";
/** `shutdown`'s argument: names, or Python's `SHUT_RD`, `SHUT_WR`, `SHUT_RDWR`. */
export type ShutdownHow = "read" | "write" | "both" | 0 | 1 | 2;
export type SocketOption = "TCP_NODELAY" | "SO_REUSEADDR" | "SO_RCVBUF" | "SO_SNDBUF";

/** A lab server the relay runs on loopback (labs.md). */
export interface LabInfo {
  name: string;
  proto: SocketType;
  host: string;
  port: number;
  about: string;
}

export interface RelayLimits {
  max_sockets: number;
  max_frame: number;
  window: number;
}

/** The relay's first message. */
export interface RelayHello {
  protocol: number;
  relay: string;
  limits: RelayLimits;
  labs: LabInfo[];
  allow: string[];
}

/**
 * One chunk: `in` is one read() of the relay's OS socket (or one datagram),
 * `out` one frame sent, `recv` what one recv()/recvfrom() returned.
 * `t_ms` counts from Relay.connect.
 */
export interface TraceEvent {
  sock: number;
  dir: "in" | "out" | "recv";
  bytes: Uint8Array;
  t_ms: number;
  proto: SocketType;
  local: Address | null;
  peer: Address | null;
}

/** Why the relay's WebSocket closed. */
export interface RelayCloseEvent {
  code: number;
  reason: string;
}

/** How a socket call rejects: Python's message, and its errno and code when it has them. */
export interface SocketError extends Error {
  errno?: number;
  code?: string;
}
"#;

/// The WebSocket URL for a page or relay URL: `ws(s)://` URLs as they are;
/// an `http(s)://` page URL gives its origin's `/ws`, with the token from
/// its fragment (`#token=…`), as the relay prints it.
///
/// # Examples
///
/// ```
/// use netlab_wasm::relay::ws_url;
///
/// assert_eq!(
///     ws_url("http://127.0.0.1:8080/#token=ab12&tool=labs").unwrap(),
///     "ws://127.0.0.1:8080/ws?token=ab12"
/// );
/// assert!(ws_url("ftp://x/").is_err());
/// ```
pub fn ws_url(page: &str) -> Result<String, &'static str> {
    const BAD: &str = "the relay's URL is http(s)://host/… or ws(s)://host/ws";
    let (ws, rest) = if page.starts_with("ws://") || page.starts_with("wss://") {
        return Ok(page.to_owned());
    } else if let Some(rest) = page.strip_prefix("http://") {
        ("ws://", rest)
    } else if let Some(rest) = page.strip_prefix("https://") {
        ("wss://", rest)
    } else {
        return Err(BAD);
    };
    let (before, fragment) = rest.split_once('#').unwrap_or((rest, ""));
    let end = before.find(['/', '?']).unwrap_or(before.len());
    let authority = &before[..end];
    if authority.is_empty() {
        return Err(BAD);
    }
    let mut url = String::with_capacity(page.len() + 8);
    url.push_str(ws);
    url.push_str(authority);
    url.push_str("/ws");
    // The fragment and the query are both form-encoded: the token's text
    // goes over as it is, escapes and all.
    if let Some(token) = fragment.split('&').find_map(|p| p.strip_prefix("token="))
        && !token.is_empty()
    {
        url.push_str("?token=");
        url.push_str(token);
    }
    Ok(url)
}

/// A session with `netlab-relay`.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Relay {
    shared: SharedRef,
}

fn relay_error(message: &str) -> JsValue {
    let error = js_sys::Error::new(message);
    let _ = Reflect::set(&error, &"code".into(), &"ERELAY".into());
    error.into()
}

fn on_message(shared: &SharedRef, event: &MessageEvent) {
    let data = event.data();
    let mut traces = Vec::new();
    let waiters = {
        let mut s = shared.borrow_mut();
        match data.as_string() {
            Some(text) => s.on_text(&text),
            None => {
                let bytes = Uint8Array::new(&data).to_vec();
                s.on_binary(&bytes, &mut traces)
            }
        }
    };
    wake_all(waiters);
    shared::deliver(shared, traces);
}

fn on_close(shared: &SharedRef, event: &CloseEvent) {
    let (code, reason) = (event.code(), event.reason());
    let (waiters, listener) = {
        let mut s = shared.borrow_mut();
        let why = if reason.is_empty() {
            format!("WebSocket closed with code {code}")
        } else {
            format!("WebSocket closed with code {code}: {reason}")
        };
        // After `relay.close()` the session was already over; its reason stays.
        s.lost.get_or_insert(why);
        (s.take_all_waiters(), s.on_close.clone())
    };
    wake_all(waiters);
    if let Some(listener) = listener {
        let object = Object::new();
        let _ = Reflect::set(&object, &"code".into(), &JsValue::from(code));
        let _ = Reflect::set(&object, &"reason".into(), &JsValue::from_str(&reason));
        let _ = listener.call1(&JsValue::NULL, &object);
    }
}

/// How long `Relay.connect` waits for the relay's hello.
const HELLO_TIMEOUT_MS: f64 = 10_000.0;

#[wasm_bindgen]
impl Relay {
    /// Opens the relay's WebSocket and waits for its hello. `url` is the
    /// page's URL (`location.href`: the token comes from its fragment) or a
    /// `ws://…/ws?token=…` URL.
    pub async fn connect(url: String) -> Result<Relay, JsValue> {
        let target = ws_url(&url).map_err(relay_error)?;
        let ws = WebSocket::new(&target)?;
        ws.set_binary_type(BinaryType::Arraybuffer);
        let shared: SharedRef = Rc::new(RefCell::new(Shared::new(ws.clone())));
        let weak = Rc::downgrade(&shared);
        let message = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            if let Some(shared) = weak.upgrade() {
                on_message(&shared, event.unchecked_ref());
            }
        });
        let weak = Rc::downgrade(&shared);
        let close = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            if let Some(shared) = weak.upgrade() {
                on_close(&shared, event.unchecked_ref());
            }
        });
        ws.set_onmessage(Some(message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(close.as_ref().unchecked_ref()));
        shared.borrow_mut().callbacks.extend([message, close]);

        let deadline = now_ms() + HELLO_TIMEOUT_MS;
        loop {
            {
                let s = shared.borrow();
                if let Some((protocol, _)) = s.hello {
                    if protocol != PROTOCOL_VERSION {
                        let _ = ws.close();
                        return Err(relay_error(&format!(
                            "the relay speaks protocol {protocol}, this page speaks {PROTOCOL_VERSION}"
                        )));
                    }
                    break;
                }
                if let Some(why) = &s.lost {
                    return Err(relay_error(&format!(
                        "the relay refused the connection or is not running ({why})"
                    )));
                }
            }
            if now_ms() >= deadline {
                let _ = ws.close();
                return Err(relay_error("the relay did not greet within 10 s"));
            }
            park(&shared, None, Some(deadline)).await;
        }
        Ok(Relay { shared })
    }

    /// The relay's hello: its version, limits, labs and allow-list (a
    /// fresh copy each time).
    #[wasm_bindgen(getter, unchecked_return_type = "RelayHello")]
    pub fn hello(&self) -> Result<JsValue, JsValue> {
        js_sys::JSON::parse(&self.shared.borrow().hello_text)
    }

    /// The lab servers the relay runs.
    #[wasm_bindgen(getter, unchecked_return_type = "LabInfo[]")]
    pub fn labs(&self) -> Result<JsValue, JsValue> {
        Reflect::get(&self.hello()?, &"labs".into())
    }

    /// Whether the WebSocket has closed (every call then rejects).
    #[wasm_bindgen(getter)]
    pub fn closed(&self) -> bool {
        self.shared.borrow().lost.is_some()
    }

    /// A new socket, as `socket.socket(AF_INET, SOCK_STREAM)`: `type` is
    /// `"tcp"` (default) or `"udp"`, `family` `"inet"` (default) or `"inet6"`.
    pub fn socket(
        &self,
        #[wasm_bindgen(js_name = type, unchecked_optional_param_type = "SocketType")] kind: Option<
            String,
        >,
        #[wasm_bindgen(unchecked_optional_param_type = "SocketFamily")] family: Option<String>,
    ) -> Result<Socket, JsValue> {
        let kind = match kind.as_deref().unwrap_or("tcp") {
            "tcp" => SockType::Tcp,
            "udp" => SockType::Udp,
            _ => return Err(JsError::new("socket type is \"tcp\" or \"udp\"").into()),
        };
        let family = match family.as_deref().unwrap_or("inet") {
            "inet" => Family::Inet,
            "inet6" => Family::Inet6,
            _ => return Err(JsError::new("socket family is \"inet\" or \"inet6\"").into()),
        };
        let mut s = self.shared.borrow_mut();
        s.alive()?;
        let id = s.next_id;
        if id >= RELAY_IDS_START {
            return Err(local_error("socket", EMFILE, None));
        }
        s.next_id += 1;
        let window = s.window();
        s.socks
            .insert(id, SockState::new(kind, family == Family::Inet6, window));
        s.send_op(&Op::Socket {
            sock: id,
            kind,
            family,
        })?;
        Ok(Socket::new(
            self.shared.clone(),
            id,
            kind,
            family == Family::Inet6,
        ))
    }

    /// Calls `listener` with every chunk in and out (and every recv), or
    /// stops with `null`.
    #[wasm_bindgen(js_name = onTrace)]
    pub fn on_trace(
        &self,
        #[wasm_bindgen(unchecked_param_type = "((event: TraceEvent) => void) | null")]
        listener: JsValue,
    ) {
        self.shared.borrow_mut().trace = listener.dyn_into().ok();
    }

    /// Calls `listener` once when the WebSocket closes (the relay stopped,
    /// or `close()`).
    #[wasm_bindgen(js_name = onClose)]
    pub fn on_close(
        &self,
        #[wasm_bindgen(unchecked_param_type = "((event: RelayCloseEvent) => void) | null")]
        listener: JsValue,
    ) {
        self.shared.borrow_mut().on_close = listener.dyn_into().ok();
    }

    /// Ends the session: the relay closes every socket of it. The session
    /// is over at once (`closed` is true, calls reject, calls waiting
    /// reject now), not only when the WebSocket's close event comes.
    pub fn close(&self) {
        let waiters = {
            let mut s = self.shared.borrow_mut();
            let _ = s.ws.close();
            s.lost
                .get_or_insert_with(|| "relay.close() was called".to_owned());
            s.take_all_waiters()
        };
        wake_all(waiters);
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn the_page_url_gives_the_socket_url() {
        let cases = [
            ("http://127.0.0.1:8080/", "ws://127.0.0.1:8080/ws"),
            (
                "http://localhost:9/index.html?x=1#tool=labs&token=a%2Bb+c",
                "ws://localhost:9/ws?token=a%2Bb+c",
            ),
            ("https://[::1]:443/#token=", "wss://[::1]:443/ws"),
            ("ws://h:1/ws?token=t", "ws://h:1/ws?token=t"),
        ];
        for (page, want) in cases {
            assert_eq!(ws_url(page).as_deref(), Ok(want), "{page}");
        }
        assert!(ws_url("http:///#token=x").is_err());
        assert!(ws_url("nothing").is_err());
    }
}
