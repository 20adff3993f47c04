//! One byte stream from the harness to a TCP server, through the target:
//! netlab's protocol (one socket over the session), a plain WebSocket whose
//! binary messages are the payload (websocat `-b`, websockify), or the TCP
//! connection itself.
//!
//! [`open`] gives a sending half and a receiving half, so one task can send
//! while another reads (the netlab halves share the credit window: the
//! receiving half sees the relay's `credit` events, the sending half waits
//! on them).

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use netlab_core::protocol::frame::{Frame, STREAM_HEADER, stream_header};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::sync::Notify;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;
type Sink = Arc<tokio::sync::Mutex<SplitSink<Ws, Message>>>;

/// The socket id the harness uses in netlab sessions.
const SOCK: u32 = 1;
/// How long opening a link (handshake, hello, socket, connect) may take.
const OPEN_TIMEOUT: Duration = Duration::from_secs(10);

/// How the harness reaches the TCP server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// netlab's protocol: `socket` + `connect` ops, 0x01 frames, credit.
    Netlab,
    /// A WebSocket whose binary messages are the TCP payload.
    RawWs,
    /// Straight to the TCP server: the physical limit.
    RawTcp,
}

/// What [`open`] needs besides the server's address.
#[derive(Debug, Clone)]
pub struct Options {
    pub kind: Kind,
    /// The WebSocket URL (netlab and raw-ws).
    pub url: String,
    /// A `Sec-WebSocket-Protocol` to ask for (websockify: `binary`).
    pub subprotocol: Option<String>,
    /// netlab: credit is returned once this many consumed bytes are ungranted.
    pub credit_batch: u32,
    /// netlab: ask for `TCP_NODELAY` on the relay's socket; raw-tcp: set it.
    pub nodelay: bool,
    /// The WebSocket client's read buffer. tungstenite zeroes this much
    /// before every read of the socket, so its default of 128 KiB costs a
    /// small-message client more than the messages do; a browser zeroes
    /// nothing.
    pub read_buffer: usize,
}

/// Bytes in flight from the harness to the relay, bounded by the window.
#[derive(Debug)]
pub struct Window {
    size: u64,
    outstanding: Mutex<u64>,
    more: Notify,
}

impl Window {
    fn new(size: u64) -> Self {
        Self {
            size,
            outstanding: Mutex::new(0),
            more: Notify::new(),
        }
    }

    /// Waits until `n` more bytes fit in the window, then counts them.
    async fn acquire(&self, n: u64) {
        loop {
            {
                let mut outstanding = self.lock();
                if *outstanding + n <= self.size {
                    *outstanding += n;
                    return;
                }
            }
            // `notify_one` keeps a permit when nobody waits, so a release
            // between the check and this wait is not lost.
            self.more.notified().await;
        }
    }

    fn release(&self, n: u64) {
        let mut outstanding = self.lock();
        *outstanding = outstanding.saturating_sub(n);
        drop(outstanding);
        self.more.notify_one();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, u64> {
        self.outstanding.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The sending half.
#[derive(Debug)]
pub enum Tx {
    Netlab { sink: Sink, window: Arc<Window> },
    Ws { sink: Sink },
    Tcp(OwnedWriteHalf),
}

/// The receiving half.
#[derive(Debug)]
pub enum Rx {
    Netlab {
        stream: SplitStream<Ws>,
        sink: Sink,
        window: Arc<Window>,
        /// Data that came before the `connect` answer.
        early: VecDeque<Bytes>,
        ungranted: u32,
        batch: u32,
    },
    Ws {
        stream: SplitStream<Ws>,
    },
    Tcp {
        read: OwnedReadHalf,
        buf: BytesMut,
    },
}

/// Connects to `server` through the target, within 10 s.
pub async fn open(options: &Options, server: SocketAddr) -> Result<(Tx, Rx), String> {
    tokio::time::timeout(OPEN_TIMEOUT, open_now(options, server))
        .await
        .map_err(|_| format!("opening a link took over {} s", OPEN_TIMEOUT.as_secs()))?
}

async fn open_now(options: &Options, server: SocketAddr) -> Result<(Tx, Rx), String> {
    match options.kind {
        Kind::RawTcp => {
            let stream = TcpStream::connect(server)
                .await
                .map_err(|e| format!("connect {server}: {e}"))?;
            stream
                .set_nodelay(options.nodelay)
                .map_err(|e| format!("TCP_NODELAY: {e}"))?;
            let (read, write) = stream.into_split();
            let buf = BytesMut::with_capacity(64 * 1024);
            Ok((Tx::Tcp(write), Rx::Tcp { read, buf }))
        }
        Kind::RawWs => {
            let ws = websocket(options).await?;
            let (sink, stream) = ws.split();
            let sink = Arc::new(tokio::sync::Mutex::new(sink));
            Ok((Tx::Ws { sink }, Rx::Ws { stream }))
        }
        Kind::Netlab => open_netlab(options, server).await,
    }
}

async fn websocket(options: &Options) -> Result<Ws, String> {
    let mut request = options
        .url
        .as_str()
        .into_client_request()
        .map_err(|e| format!("bad URL {}: {e}", options.url))?;
    if let Some(protocol) = &options.subprotocol {
        let value = HeaderValue::from_str(protocol).map_err(|e| format!("subprotocol: {e}"))?;
        request
            .headers_mut()
            .insert("Sec-WebSocket-Protocol", value);
    }
    // Nagle off, as browsers do for WebSockets.
    let config = WebSocketConfig::default().read_buffer_size(options.read_buffer);
    let (ws, _) = tokio_tungstenite::connect_async_with_config(request, Some(config), true)
        .await
        .map_err(|e| format!("WebSocket {}: {e}", options.url))?;
    Ok(ws)
}

async fn open_netlab(options: &Options, server: SocketAddr) -> Result<(Tx, Rx), String> {
    let ws = websocket(options).await?;
    let (sink, mut stream) = ws.split();
    let sink = Arc::new(tokio::sync::Mutex::new(sink));
    let mut early = VecDeque::new();
    let hello = next_event(&mut stream, &mut early).await?;
    if hello["ev"] != "hello" {
        return Err(format!("expected the hello, got {hello}"));
    }
    let window = hello["limits"]["window"]
        .as_u64()
        .ok_or_else(|| format!("the hello has no window: {hello}"))?;
    let mut ops = vec![
        json!({"op": "socket", "sock": SOCK, "type": "tcp"}),
        json!({"op": "connect", "sock": SOCK, "host": server.ip().to_string(), "port": server.port()}),
    ];
    if options.nodelay {
        ops.push(json!({"op": "setsockopt", "sock": SOCK, "name": "TCP_NODELAY", "value": 1}));
    }
    for op in ops {
        send_text(&sink, &op).await?;
        let answer = next_event(&mut stream, &mut early).await?;
        if answer["ev"] != "ok" {
            return Err(format!("{} answered {answer}", op["op"]));
        }
    }
    let window = Arc::new(Window::new(window));
    let tx = Tx::Netlab {
        sink: Arc::clone(&sink),
        window: Arc::clone(&window),
    };
    let rx = Rx::Netlab {
        stream,
        sink,
        window,
        early,
        ungranted: 0,
        batch: options.credit_batch,
    };
    Ok((tx, rx))
}

/// The next control event other than `credit` (nothing is in flight yet);
/// stream data that races ahead of the `connect` answer is kept.
async fn next_event(
    stream: &mut SplitStream<Ws>,
    early: &mut VecDeque<Bytes>,
) -> Result<Value, String> {
    loop {
        match stream.next().await {
            Some(Ok(Message::Text(text))) => {
                let event: Value =
                    serde_json::from_str(&text).map_err(|e| format!("bad event {text}: {e}"))?;
                if event["ev"] != "credit" {
                    return Ok(event);
                }
            }
            Some(Ok(Message::Binary(bytes))) => early.push_back(payload_of(&bytes)?),
            Some(Ok(Message::Close(frame))) => return Err(format!("session closed: {frame:?}")),
            Some(Ok(_)) => {}
            Some(Err(e)) => return Err(format!("WebSocket: {e}")),
            None => return Err("session ended".into()),
        }
    }
}

fn payload_of(frame: &Bytes) -> Result<Bytes, String> {
    match Frame::parse(frame) {
        Ok(Frame::Stream {
            sock: SOCK,
            payload,
        }) => Ok(frame.slice(STREAM_HEADER..STREAM_HEADER + payload.len())),
        Ok(other) => Err(format!("unexpected frame {other:?}")),
        Err(e) => Err(format!("bad frame: {e}")),
    }
}

async fn send_text(sink: &Sink, op: &Value) -> Result<(), String> {
    sink.lock()
        .await
        .send(Message::Text(op.to_string().into()))
        .await
        .map_err(|e| format!("WebSocket send: {e}"))
}

impl Tx {
    /// Sends `payload` in order (netlab: within the credit window).
    pub async fn send(&mut self, payload: &[u8]) -> Result<(), String> {
        match self {
            Self::Netlab { sink, window } => {
                window.acquire(payload.len() as u64).await;
                let mut frame = Vec::with_capacity(STREAM_HEADER + payload.len());
                frame.extend_from_slice(&stream_header(SOCK));
                frame.extend_from_slice(payload);
                sink.lock()
                    .await
                    .send(Message::Binary(frame.into()))
                    .await
                    .map_err(|e| format!("WebSocket send: {e}"))
            }
            Self::Ws { sink } => sink
                .lock()
                .await
                .send(Message::Binary(Bytes::copy_from_slice(payload)))
                .await
                .map_err(|e| format!("WebSocket send: {e}")),
            Self::Tcp(write) => write
                .write_all(payload)
                .await
                .map_err(|e| format!("TCP send: {e}")),
        }
    }

    /// Ends the sending direction: netlab `shutdown('write')`, a WebSocket
    /// close, or a TCP FIN. Errors are ignored (the far end may be gone).
    pub async fn finish(&mut self) {
        match self {
            Self::Netlab { sink, .. } => {
                let op = json!({"op": "shutdown", "sock": SOCK, "how": "write"});
                let _ = send_text(sink, &op).await;
            }
            Self::Ws { sink } => {
                let _ = sink.lock().await.send(Message::Close(None)).await;
            }
            Self::Tcp(write) => {
                let _ = write.shutdown().await;
            }
        }
    }
}

impl Rx {
    /// The next bytes from the server; `None` at its end of stream.
    pub async fn recv(&mut self) -> Result<Option<Bytes>, String> {
        match self {
            Self::Netlab {
                stream,
                sink,
                window,
                early,
                ungranted,
                batch,
            } => {
                let data = match early.pop_front() {
                    Some(data) => data,
                    None => match recv_netlab(stream, window).await? {
                        Some(data) => data,
                        None => return Ok(None),
                    },
                };
                // The data is consumed once handed over: return credit for it.
                *ungranted += u32::try_from(data.len()).unwrap_or(u32::MAX);
                if *ungranted >= *batch {
                    let op = json!({"op": "credit", "sock": SOCK, "bytes": *ungranted});
                    *ungranted = 0;
                    send_text(sink, &op).await?;
                }
                Ok(Some(data))
            }
            Self::Ws { stream } => loop {
                match stream.next().await {
                    Some(Ok(Message::Binary(bytes))) => return Ok(Some(bytes)),
                    Some(Ok(Message::Close(_))) | None => return Ok(None),
                    Some(Ok(Message::Text(text))) => {
                        return Err(format!("unexpected text message: {text}"));
                    }
                    Some(Ok(_)) => {}
                    Some(Err(e)) => return Err(format!("WebSocket: {e}")),
                }
            },
            Self::Tcp { read, buf } => {
                buf.reserve(64 * 1024);
                match read.read_buf(buf).await {
                    Ok(0) => Ok(None),
                    Ok(_) => Ok(Some(buf.split().freeze())),
                    Err(e) => Err(format!("TCP recv: {e}")),
                }
            }
        }
    }
}

async fn recv_netlab(
    stream: &mut SplitStream<Ws>,
    window: &Window,
) -> Result<Option<Bytes>, String> {
    loop {
        match stream.next().await {
            Some(Ok(Message::Binary(bytes))) => return payload_of(&bytes).map(Some),
            Some(Ok(Message::Text(text))) => {
                let event: Value =
                    serde_json::from_str(&text).map_err(|e| format!("bad event {text}: {e}"))?;
                match event["ev"].as_str() {
                    Some("credit") => window.release(event["bytes"].as_u64().unwrap_or(0)),
                    Some("eof") => return Ok(None),
                    Some("ok") => {}
                    _ => return Err(format!("relay: {event}")),
                }
            }
            Some(Ok(Message::Close(frame))) => return Err(format!("session closed: {frame:?}")),
            Some(Ok(_)) => {}
            Some(Err(e)) => return Err(format!("WebSocket: {e}")),
            None => return Err("session ended".into()),
        }
    }
}
