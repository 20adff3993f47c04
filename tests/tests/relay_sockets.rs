//! The relay's socket protocol with tokio-tungstenite as the browser: every
//! op and its error paths, against real loopback peers.

use std::net::SocketAddr;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use netlab_core::protocol::frame::Frame;
use netlab_relay::Config;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A relay on a free loopback port, stopped when the test ends.
pub struct Relay {
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl Relay {
    pub async fn start(configure: impl FnOnce(&mut Config)) -> Self {
        let web = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../web");
        let mut config = Config::new(Some(web));
        config.labs = false;
        configure(&mut config);
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(netlab_relay::run(listener, config, async {
            let _ = stopped.await;
        }));
        Self {
            addr,
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// Opens a session and reads its hello. Nagle is off, as in browsers,
    /// so small frames reach the relay as they are sent.
    pub async fn session(&self) -> Client {
        let url = format!("ws://{}/ws", self.addr);
        let (ws, _) = tokio_tungstenite::connect_async_with_config(url, None, true)
            .await
            .unwrap();
        let mut client = Client { ws };
        let hello = client.event().await;
        assert_eq!(hello["ev"], "hello");
        client
    }

    pub async fn stop(mut self) {
        let _ = self.stop.take().unwrap().send(());
        let task = self.task.take().unwrap();
        tokio::time::timeout(Duration::from_secs(5), task)
            .await
            .expect("relay stops within 5 s")
            .unwrap()
            .unwrap();
    }
}

/// The browser's side of a session.
pub struct Client {
    pub ws: Ws,
}

/// What the relay sent: a control event or a data frame.
#[derive(Debug)]
pub enum In {
    Event(Value),
    Data(u32, Vec<u8>),
    Datagram(u32, SocketAddr, Vec<u8>),
}

impl Client {
    pub async fn op(&mut self, op: Value) {
        self.ws
            .send(Message::Text(op.to_string().into()))
            .await
            .unwrap();
    }

    /// Sends an op and returns the next control event (skipping credit events).
    pub async fn call(&mut self, op: Value) -> Value {
        self.op(op).await;
        self.event().await
    }

    /// The next message, with a 5 s limit.
    pub async fn next(&mut self) -> In {
        loop {
            let message = tokio::time::timeout(Duration::from_secs(5), self.ws.next())
                .await
                .expect("a message within 5 s")
                .expect("the session is open")
                .unwrap();
            match message {
                Message::Text(text) => return In::Event(serde_json::from_str(&text).unwrap()),
                Message::Binary(bytes) => {
                    return match Frame::parse(&bytes).unwrap() {
                        Frame::Stream { sock, payload } => In::Data(sock, payload.to_vec()),
                        Frame::Datagram {
                            sock,
                            addr,
                            payload,
                        } => In::Datagram(sock, addr, payload.to_vec()),
                    };
                }
                Message::Close(_) => panic!("the relay closed the session"),
                _ => continue,
            }
        }
    }

    /// The next control event other than `credit`.
    pub async fn event(&mut self) -> Value {
        loop {
            match self.next().await {
                In::Event(e) if e["ev"] == "credit" => continue,
                In::Event(e) => return e,
                other => panic!("expected an event, got {other:?}"),
            }
        }
    }

    /// Reads stream data for `sock` until `len` bytes arrived; returns the chunks.
    pub async fn read_stream(&mut self, sock: u32, len: usize) -> Vec<Vec<u8>> {
        let mut chunks = Vec::new();
        let mut total = 0;
        while total < len {
            match self.next().await {
                In::Data(s, bytes) if s == sock => {
                    total += bytes.len();
                    chunks.push(bytes);
                }
                In::Event(e) if e["ev"] == "credit" => {}
                other => panic!("expected data for {sock}, got {other:?}"),
            }
        }
        chunks
    }

    pub async fn send_data(&mut self, sock: u32, payload: &[u8]) {
        let mut frame = Vec::new();
        Frame::Stream { sock, payload }.emit(&mut frame);
        self.ws.send(Message::Binary(frame.into())).await.unwrap();
    }

    pub async fn send_datagram(&mut self, sock: u32, addr: SocketAddr, payload: &[u8]) {
        let mut frame = Vec::new();
        Frame::Datagram {
            sock,
            addr,
            payload,
        }
        .emit(&mut frame);
        self.ws.send(Message::Binary(frame.into())).await.unwrap();
    }

    /// Socket 1 listening on loopback and socket 2 connected to it, both
    /// of this session (a page's server and its client); returns the id
    /// of the connection socket 1 accepted.
    /// TCP socket `sock` bound to a free loopback port and listening;
    /// returns the port.
    pub async fn listener(&mut self, sock: u32, backlog: u32) -> u16 {
        self.call(json!({"op": "socket", "sock": sock, "type": "tcp"}))
            .await;
        let ok = self
            .call(json!({"op": "bind", "sock": sock, "host": "127.0.0.1", "port": 0}))
            .await;
        let port = ok["local"][1].as_u64().unwrap() as u16;
        let ok = self
            .call(json!({"op": "listen", "sock": sock, "backlog": backlog}))
            .await;
        assert_eq!(ok["op"], "listen", "{ok}");
        port
    }

    pub async fn own_pair(&mut self) -> u32 {
        self.own_pair_from("inet", "127.0.0.1").await
    }

    /// [`Self::own_pair`] with socket 2 of `family`, connecting to
    /// `host` (`::ffff:127.0.0.1` for an `inet6` one).
    pub async fn own_pair_from(&mut self, family: &str, host: &str) -> u32 {
        let port = self.listener(1, 1).await;
        self.call(json!({"op": "socket", "sock": 2, "type": "tcp", "family": family}))
            .await;
        self.op(json!({"op": "connect", "sock": 2, "host": host, "port": port}))
            .await;
        let (mut conn, mut connected) = (None, false);
        while conn.is_none() || !connected {
            let e = self.event().await;
            match e["ev"].as_str() {
                Some("accept") => conn = e["conn"].as_u64().and_then(|n| u32::try_from(n).ok()),
                Some("ok") => connected = e["op"] == "connect",
                _ => panic!("unexpected {e}"),
            }
        }
        conn.unwrap()
    }

    /// Socket `sock` connected to the native `listener`, then shut `how`
    /// ("read" or "both"), its `eof` and the answer checked; returns the
    /// peer's end.
    pub async fn connected_and_shut(
        &mut self,
        sock: u32,
        listener: &TcpListener,
        how: &str,
    ) -> TcpStream {
        self.connect_tcp(sock, listener.local_addr().unwrap()).await;
        let (peer, _) = listener.accept().await.unwrap();
        let eof = self
            .call(json!({"op": "shutdown", "sock": sock, "how": how}))
            .await;
        assert_eq!(eof, json!({"ev": "eof", "sock": sock}));
        assert_eq!(self.event().await["op"], "shutdown");
        peer
    }

    /// `socket` + `connect`, asserting success; returns the ok event.
    pub async fn connect_tcp(&mut self, sock: u32, addr: SocketAddr) -> Value {
        let ok = self
            .call(json!({"op": "socket", "sock": sock, "type": "tcp"}))
            .await;
        assert_eq!(ok["ev"], "ok", "{ok}");
        let ok = self
            .call(json!({"op": "connect", "sock": sock, "host": addr.ip().to_string(), "port": addr.port()}))
            .await;
        assert_eq!(ok["ev"], "ok", "{ok}");
        ok
    }
}

/// A loopback TCP echo server for one connection at a time.
async fn echo_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let (mut r, mut w) = stream.split();
                let _ = tokio::io::copy(&mut r, &mut w).await;
            });
        }
    });
    addr
}

#[tokio::test]
async fn connect_send_recv_shutdown_close() {
    let relay = Relay::start(|_| {}).await;
    let echo = echo_server().await;
    let mut c = relay.session().await;
    let ok = c.connect_tcp(1, echo).await;
    assert_eq!(ok["op"], "connect");
    assert_eq!(ok["peer"], json!(["127.0.0.1", echo.port()]));
    assert_eq!(ok["local"][0], "127.0.0.1");

    c.send_data(1, b"hello").await;
    let chunks = c.read_stream(1, 5).await;
    assert_eq!(chunks.concat(), b"hello");

    let ok = c
        .call(json!({"op": "shutdown", "sock": 1, "how": "write"}))
        .await;
    assert_eq!(
        (ok["ev"].as_str(), ok["op"].as_str()),
        (Some("ok"), Some("shutdown"))
    );
    // The echo server sees our FIN and closes its side: EOF comes back.
    assert_eq!(c.event().await, json!({"ev": "eof", "sock": 1}));

    let ok = c.call(json!({"op": "close", "sock": 1})).await;
    assert_eq!(ok["op"], "close");
    assert_eq!(c.event().await, json!({"ev": "closed", "sock": 1}));
    let err = c.call(json!({"op": "close", "sock": 1})).await;
    assert_eq!(err["code"], "EBADF");

    // shutdown("read"): Python's recv returns b'', so `eof`, once, before
    // the answer; shutting both later says `ok`, and the echo server,
    // closing on our FIN, sends its own: that `eof` is the peer's, which
    // tells the page the connection is closed both ways.
    c.connect_tcp(2, echo).await;
    c.op(json!({"op": "shutdown", "sock": 2, "how": "read"}))
        .await;
    assert_eq!(c.event().await, json!({"ev": "eof", "sock": 2}));
    assert_eq!(c.event().await["op"], "shutdown");
    let ok = c
        .call(json!({"op": "shutdown", "sock": 2, "how": "both"}))
        .await;
    assert_eq!(
        (ok["ev"].as_str(), ok["op"].as_str()),
        (Some("ok"), Some("shutdown"))
    );
    assert_eq!(c.event().await, json!({"ev": "eof", "sock": 2}));
    // The same with "both" at once.
    c.connect_tcp(5, echo).await;
    let eof = c
        .call(json!({"op": "shutdown", "sock": 5, "how": "both"}))
        .await;
    assert_eq!(eof, json!({"ev": "eof", "sock": 5}));
    assert_eq!(c.event().await["op"], "shutdown");
    assert_eq!(c.event().await, json!({"ev": "eof", "sock": 5}));

    // The peer's FIN came first: shutdown("read") afterwards still sends
    // its own `eof` (a browser that shut reading while the FIN's was on
    // its way could not tell them apart otherwise), once however often
    // it is called; with both FINs through the connection is closed,
    // where Linux says ENOTCONN (as python3 does here: shutdown(SHUT_WR),
    // the echo server closes, then shutdown(SHUT_RD) raises `[Errno 107]`).
    c.connect_tcp(3, echo).await;
    c.call(json!({"op": "shutdown", "sock": 3, "how": "write"}))
        .await;
    assert_eq!(c.event().await, json!({"ev": "eof", "sock": 3}));
    tokio::time::sleep(Duration::from_millis(50)).await;
    for second in [false, true] {
        let first = c
            .call(json!({"op": "shutdown", "sock": 3, "how": "read"}))
            .await;
        let err = match second {
            false => {
                assert_eq!(first, json!({"ev": "eof", "sock": 3}));
                c.event().await
            }
            true => first,
        };
        assert_eq!(
            (err["ev"].as_str(), err["code"].as_str()),
            (Some("error"), Some("ENOTCONN")),
            "{err}"
        );
    }
    let ok = c
        .call(json!({"op": "socket", "sock": 4, "type": "tcp"}))
        .await;
    assert_eq!(ok["op"], "socket", "no third eof came first: {ok}");
    relay.stop().await;
}

/// `send` on a socket with no peer fails as it does in Python on Linux:
/// TCP (fresh or listening) with BrokenPipeError, UDP with "Destination
/// address required".
#[tokio::test]
async fn send_without_a_peer_has_pythons_errors() {
    let relay = Relay::start(|_| {}).await;
    let mut c = relay.session().await;
    c.call(json!({"op": "socket", "sock": 1, "type": "tcp"}))
        .await;
    c.send_data(1, b"x").await;
    let err = c.event().await;
    assert_eq!(
        (err["op"].as_str(), err["message"].as_str()),
        (Some("send"), Some("[Errno 32] Broken pipe")),
        "{err}"
    );
    c.call(json!({"op": "socket", "sock": 2, "type": "udp"}))
        .await;
    c.call(json!({"op": "bind", "sock": 2, "host": "127.0.0.1", "port": 0}))
        .await;
    c.send_data(2, b"x").await;
    let err = c.event().await;
    assert_eq!(
        (err["code"].as_str(), err["message"].as_str()),
        (
            Some("EDESTADDRREQ"),
            Some("[Errno 89] Destination address required")
        ),
        "{err}"
    );
    relay.stop().await;
}

#[tokio::test]
async fn refused_connect_has_pythons_wording() {
    let relay = Relay::start(|_| {}).await;
    // A port that was free a moment ago: nothing listens there now.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut c = relay.session().await;
    c.call(json!({"op": "socket", "sock": 3, "type": "tcp"}))
        .await;
    let err = c
        .call(json!({"op": "connect", "sock": 3, "host": "127.0.0.1", "port": port}))
        .await;
    assert_eq!(err["ev"], "error");
    assert_eq!(err["sock"], 3);
    assert_eq!(err["op"], "connect");
    assert_eq!(err["errno"], 111);
    assert_eq!(err["code"], "ECONNREFUSED");
    assert_eq!(err["message"], "[Errno 111] Connection refused");
    // Where the attempt was bound: Linux's getsockname() still names the
    // port it chose.
    let local = err["local"]
        .as_array()
        .expect("a refused connect carries `local`");
    assert_eq!(local[0], "127.0.0.1");
    assert_ne!(local[1].as_u64(), Some(0), "{err}");
    assert_ne!(local[1].as_u64(), Some(u64::from(port)), "{err}");
    // An address of the other family: Python's socket.gaierror, word for word.
    c.call(json!({"op": "socket", "sock": 6, "type": "tcp", "family": "inet6"}))
        .await;
    let err = c
        .call(json!({"op": "connect", "sock": 6, "host": "127.0.0.1", "port": port}))
        .await;
    assert_eq!(
        (err["errno"].as_i64(), err["message"].as_str()),
        (
            Some(-9),
            Some("[Errno -9] Address family for hostname not supported")
        )
    );
    // As in Python on Linux, the same socket may try again: once something
    // listens there, it connects.
    let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
    let ok = c
        .call(json!({"op": "connect", "sock": 3, "host": "127.0.0.1", "port": port}))
        .await;
    assert_eq!(ok["ev"], "ok", "{ok}");
    let (mut peer, _) = listener.accept().await.unwrap();
    c.send_data(3, b"again").await;
    let mut buf = [0u8; 5];
    peer.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"again");
    relay.stop().await;
}

#[tokio::test]
async fn destinations_outside_the_allow_list_get_eacces() {
    let relay = Relay::start(|config| {
        config.policy = netlab_core::protocol::policy::Policy {
            rules: vec!["127.0.0.1/32:9000-9010".parse().unwrap()],
        };
    })
    .await;
    let mut c = relay.session().await;
    for (sock, host, port) in [(1, "127.0.0.2", 9000), (2, "127.0.0.1", 9011)] {
        c.call(json!({"op": "socket", "sock": sock, "type": "tcp"}))
            .await;
        let err = c
            .call(json!({"op": "connect", "sock": sock, "host": host, "port": port}))
            .await;
        assert_eq!(err["code"], "EACCES", "{err}");
        assert_eq!(err["errno"], 13);
        let message = err["message"].as_str().unwrap();
        assert!(
            message.starts_with("[Errno 13] Permission denied"),
            "{message}"
        );
        assert!(message.contains(&format!("{host}:{port}")), "{message}");
        assert!(message.contains("127.0.0.1/32:9000-9010"), "{message}");
        // Refused before any packet left: the socket is as fresh as before.
        let ok = c
            .call(json!({"op": "bind", "sock": sock, "host": "127.0.0.1", "port": 0}))
            .await;
        assert_eq!(ok["ev"], "ok", "{ok}");
    }
    // UDP sendto is checked too.
    c.call(json!({"op": "socket", "sock": 3, "type": "udp"}))
        .await;
    c.send_datagram(3, "127.0.0.2:9000".parse().unwrap(), b"x")
        .await;
    let err = c.event().await;
    assert_eq!(
        (err["code"].as_str(), err["op"].as_str()),
        (Some("EACCES"), Some("sendto"))
    );
    relay.stop().await;
}

#[tokio::test]
async fn bind_is_loopback_only() {
    let relay = Relay::start(|_| {}).await;
    let mut c = relay.session().await;
    c.call(json!({"op": "socket", "sock": 1, "type": "tcp"}))
        .await;
    for host in ["0.0.0.0", "", "8.8.8.8"] {
        let err = c
            .call(json!({"op": "bind", "sock": 1, "host": host, "port": 0}))
            .await;
        assert_eq!(err["code"], "EACCES", "{host}: {err}");
    }
    let ok = c
        .call(json!({"op": "bind", "sock": 1, "host": "127.0.0.1", "port": 0}))
        .await;
    assert_eq!(ok["local"][0], "127.0.0.1");
    relay.stop().await;
}

#[tokio::test]
async fn listen_accept_and_talk_to_a_native_client() {
    let relay = Relay::start(|_| {}).await;
    let mut c = relay.session().await;
    let port = c.listener(5, 5).await;

    let native = tokio::spawn(async move {
        let mut s = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        s.write_all(b"from python").await.unwrap();
        let mut buf = [0u8; 5];
        s.read_exact(&mut buf).await.unwrap();
        buf
    });
    let accept = c.event().await;
    assert_eq!(accept["ev"], "accept");
    assert_eq!(accept["sock"], 5);
    let conn = accept["conn"].as_u64().unwrap() as u32;
    assert!(conn >= 1 << 31, "relay ids start at 2^31");
    assert_eq!(accept["local"], json!(["127.0.0.1", port]));
    assert_eq!(c.read_stream(conn, 11).await.concat(), b"from python");
    c.send_data(conn, b"hello").await;
    assert_eq!(&native.await.unwrap(), b"hello");
    relay.stop().await;
}

#[tokio::test]
async fn udp_sendto_recvfrom_with_addresses() {
    let relay = Relay::start(|_| {}).await;
    let peer = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let peer_addr = peer.local_addr().unwrap();
    let mut c = relay.session().await;
    c.call(json!({"op": "socket", "sock": 7, "type": "udp"}))
        .await;
    let ok = c
        .call(json!({"op": "bind", "sock": 7, "host": "127.0.0.1", "port": 0}))
        .await;
    let local: SocketAddr = format!("127.0.0.1:{}", ok["local"][1]).parse().unwrap();
    c.send_datagram(7, peer_addr, b"alice|hi").await;
    let mut buf = [0u8; 64];
    let (n, from) = peer.recv_from(&mut buf).await.unwrap();
    assert_eq!((&buf[..n], from), (&b"alice|hi"[..], local));
    peer.send_to(b"bob|hello", local).await.unwrap();
    match c.next().await {
        In::Datagram(7, from, payload) => {
            assert_eq!(from, peer_addr);
            assert_eq!(payload, b"bob|hello");
        }
        other => panic!("expected a datagram, got {other:?}"),
    }
    // A UDP socket cannot listen: Python's OSError(95).
    let err = c
        .call(json!({"op": "listen", "sock": 7, "backlog": 1}))
        .await;
    assert_eq!(
        (err["errno"].as_i64(), err["code"].as_str()),
        (Some(95), Some("EOPNOTSUPP"))
    );
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .starts_with("[Errno 95] Operation not supported")
    );
    relay.stop().await;
}

/// The window counts what the browser sent and has not had back as
/// credit, not what the relay has still to write: bytes past it are
/// refused with `ENOBUFS` even when the peer has already drained the ones
/// before, and the same bytes pass once the credit for those came.
#[tokio::test]
async fn data_past_the_window_is_refused_until_its_credit_came() {
    const WINDOW: usize = 64 * 1024;
    let relay = Relay::start(|config| config.limits.window = WINDOW as u32).await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    // The peer reads everything at once.
    let drained = tokio::spawn(async move {
        let (mut s, _) = listener.accept().await.unwrap();
        let mut all = Vec::new();
        s.read_to_end(&mut all).await.unwrap();
        all
    });
    let mut c = relay.session().await;
    c.connect_tcp(1, addr).await;
    let frame = |payload: &[u8]| {
        let mut bytes = Vec::new();
        Frame::Stream { sock: 1, payload }.emit(&mut bytes);
        Message::Binary(bytes.into())
    };
    let first = vec![1u8; WINDOW - 4096];
    let second = vec![2u8; 8192];
    // Both in one write: the second arrives before any credit for the first.
    c.ws.feed(frame(&first)).await.unwrap();
    c.ws.feed(frame(&second)).await.unwrap();
    c.ws.flush().await.unwrap();
    let mut credited = 0;
    let mut refused = None;
    while credited < first.len() || refused.is_none() {
        match c.next().await {
            In::Event(e) if e["ev"] == "credit" => {
                credited += e["bytes"].as_u64().unwrap() as usize
            }
            In::Event(e) if e["ev"] == "error" => refused = Some(e),
            other => panic!("expected credit or an error, got {other:?}"),
        }
    }
    let refused = refused.unwrap();
    assert_eq!(
        (refused["code"].as_str(), refused["sock"].as_u64()),
        (Some("ENOBUFS"), Some(1)),
        "{refused}"
    );
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("wait for credit"),
        "{refused}"
    );
    assert_eq!(
        credited,
        first.len(),
        "the first frame, and only it, credited"
    );
    // With its credit back, the second frame fits.
    c.send_data(1, &second).await;
    match c.next().await {
        In::Event(e) if e["ev"] == "credit" => assert_eq!(e["bytes"], second.len(), "{e}"),
        other => panic!("expected credit, got {other:?}"),
    }
    c.op(json!({"op": "close", "sock": 1})).await;
    let all = drained.await.unwrap();
    assert_eq!(all.len(), first.len() + second.len());
    assert!(all[..first.len()] == first[..] && all[first.len()..] == second[..]);
    relay.stop().await;
}

#[tokio::test]
async fn unread_data_pauses_reading_and_credit_resumes_it() {
    let relay = Relay::start(|config| config.limits.window = 64 * 1024).await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    // The peer sends 1 MiB as fast as the relay takes it.
    let sent = tokio::spawn(async move {
        let (mut s, _) = listener.accept().await.unwrap();
        let block = vec![7u8; 64 * 1024];
        let mut total = 0usize;
        for _ in 0..16 {
            if s.write_all(&block).await.is_err() {
                break;
            }
            total += block.len();
        }
        total
    });
    let mut c = relay.session().await;
    c.connect_tcp(1, addr).await;
    // Without credit the relay sends one window and stops.
    let mut got = 0usize;
    while got < 64 * 1024 {
        if let In::Data(1, bytes) = c.next().await {
            got += bytes.len();
        }
    }
    assert_eq!(got, 64 * 1024, "exactly one window arrives");
    let quiet = tokio::time::timeout(Duration::from_millis(300), c.ws.next()).await;
    assert!(quiet.is_err(), "nothing more without credit: {quiet:?}");
    // Grant credit as we read; everything arrives.
    c.op(json!({"op": "credit", "sock": 1, "bytes": got})).await;
    while got < 1024 * 1024 {
        if let In::Data(1, bytes) = c.next().await {
            got += bytes.len();
            c.op(json!({"op": "credit", "sock": 1, "bytes": bytes.len()}))
                .await;
        }
    }
    assert_eq!(sent.await.unwrap(), 1024 * 1024);
    relay.stop().await;
}

/// Bytes that had arrived before the browser shut a connection both ways
/// are still read, as Linux's `recv` returns what is queued; only bytes
/// sent after that reset it (RFC 1122 §4.2.2.13). Here they wait in the
/// relay's kernel queue, its reader paused for credit, when the browser
/// shuts: they must come through, not reset the connection.
#[tokio::test]
async fn bytes_queued_before_a_shutdown_both_ways_are_still_read() {
    let relay = Relay::start(|config| config.limits.window = 64 * 1024).await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut c = relay.session().await;
    c.connect_tcp(1, addr).await;
    let (mut peer, _) = listener.accept().await.unwrap();
    // Two windows: one reaches the browser, the other waits in the kernel.
    peer.write_all(&[7u8; 128 * 1024]).await.unwrap();
    let mut got = 0usize;
    while got < 64 * 1024 {
        if let In::Data(1, bytes) = c.next().await {
            got += bytes.len();
        }
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let eof = c
        .call(json!({"op": "shutdown", "sock": 1, "how": "both"}))
        .await;
    assert_eq!(eof, json!({"ev": "eof", "sock": 1}));
    assert_eq!(c.event().await["op"], "shutdown");
    c.op(json!({"op": "credit", "sock": 1, "bytes": got})).await;
    while got < 128 * 1024 {
        match c.next().await {
            In::Data(1, bytes) => {
                got += bytes.len();
                c.op(json!({"op": "credit", "sock": 1, "bytes": bytes.len()}))
                    .await;
            }
            In::Event(e) => panic!("after {got} bytes: {e}"),
            other => panic!("{other:?}"),
        }
    }
    // New bytes now reset it: the browser hears ECONNRESET, and the peer,
    // which had the FIN, has the RST: its next send is a broken pipe (as
    // python3 shows with two native sockets).
    peer.write_all(b"new").await.unwrap();
    let error = c.event().await;
    assert_eq!(
        (error["sock"].as_u64(), error["code"].as_str()),
        (Some(1), Some("ECONNRESET")),
        "{error}"
    );
    let mut byte = [0u8; 1];
    assert_eq!(peer.read(&mut byte).await.unwrap(), 0, "the FIN");
    tokio::time::sleep(Duration::from_millis(50)).await;
    let write = peer.write_all(b"x").await.map_err(|e| e.kind());
    assert_eq!(write, Err(std::io::ErrorKind::BrokenPipe));
    relay.stop().await;
}

/// Credit for small writes travels with the next frame to the browser, ahead
/// of it, or on its own after a few milliseconds when no frame comes; for one
/// socket it adds up, and every byte comes back exactly once.
#[tokio::test]
async fn small_credit_comes_ahead_of_the_answer_or_soon_on_its_own() {
    let relay = Relay::start(|_| {}).await;
    let echo = echo_server().await;
    let silent = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent_addr = silent.local_addr().unwrap();
    let mut c = relay.session().await;
    c.connect_tcp(1, echo).await;
    // An echo: the credit for "ping" comes before "ping" comes back.
    c.send_data(1, b"ping").await;
    let mut seen = Vec::new();
    while !matches!(seen.last(), Some(In::Data(..))) {
        seen.push(c.next().await);
    }
    match seen.as_slice() {
        [In::Event(credit), In::Data(1, data)] => {
            assert_eq!(credit, &json!({"ev": "credit", "sock": 1, "bytes": 4}));
            assert_eq!(data, b"ping");
        }
        other => panic!("expected credit then the echo, got {other:?}"),
    }
    // A peer that never answers: three small sends, one event for all of
    // them within the delay (and well within a second).
    c.connect_tcp(2, silent_addr).await;
    let (_peer, _) = silent.accept().await.unwrap();
    let started = std::time::Instant::now();
    for part in [&b"a"[..], b"bb", b"ccc"] {
        c.send_data(2, part).await;
    }
    match c.next().await {
        In::Event(credit) => {
            assert_eq!(credit, json!({"ev": "credit", "sock": 2, "bytes": 6}));
        }
        other => panic!("expected credit, got {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(1));
    let quiet = tokio::time::timeout(Duration::from_millis(100), c.ws.next()).await;
    assert!(quiet.is_err(), "no credit twice: {quiet:?}");
    relay.stop().await;
}

/// The relay writes the browser's bytes itself while nothing is queued and
/// hands the rest to the socket's writer task once the kernel's buffer is
/// full: a peer that reads only later must still get every byte in order,
/// and every byte must come back as credit exactly once.
#[tokio::test]
async fn a_peer_that_reads_late_gets_every_byte_in_order_and_all_credit() {
    const TOTAL: usize = 16 * 1024 * 1024;
    const FRAME: usize = 64 * 1024;
    let relay = Relay::start(|config| config.limits.window = TOTAL as u32).await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (go, start_reading) = oneshot::channel::<()>();
    let received = tokio::spawn(async move {
        let (mut s, _) = listener.accept().await.unwrap();
        let _ = start_reading.await;
        let mut all = Vec::with_capacity(TOTAL);
        let mut buf = vec![0u8; FRAME];
        while all.len() < TOTAL {
            let n = s.read(&mut buf).await.unwrap();
            assert!(n > 0, "EOF after {} bytes", all.len());
            all.extend_from_slice(&buf[..n]);
        }
        all
    });
    let mut c = relay.session().await;
    c.connect_tcp(1, addr).await;
    let pattern: Vec<u8> = (0..TOTAL).map(|i| (i % 251) as u8).collect();
    for chunk in pattern.chunks(FRAME) {
        c.send_data(1, chunk).await;
    }
    // The peer has read nothing yet, and 16 MiB is more than loopback's
    // socket buffers hold: the rest waits in the writer task's queue.
    let _ = go.send(());
    let mut credited = 0usize;
    while credited < TOTAL {
        match c.next().await {
            In::Event(e) if e["ev"] == "credit" => {
                credited += e["bytes"].as_u64().unwrap() as usize;
            }
            other => panic!("expected credit, got {other:?}"),
        }
    }
    assert_eq!(credited, TOTAL, "every byte credited once");
    assert!(received.await.unwrap() == pattern, "every byte, in order");
    relay.stop().await;
}

#[tokio::test]
async fn malformed_and_unknown_socket_ops_are_errors_and_the_session_lives() {
    let relay = Relay::start(|_| {}).await;
    let mut c = relay.session().await;
    // Malformed: `op` is null, as the protocol writes it; the message and
    // `sock` still say which request it was.
    let err = c.call(json!({"op": "connect", "sock": 9})).await;
    assert_eq!(
        (
            err["code"].as_str(),
            err["op"].is_null(),
            err["sock"].as_u64()
        ),
        (Some("EPROTO"), true, Some(9))
    );
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("connect: missing field"),
        "{err}"
    );
    let err = c.call(json!({"op": "frobnicate", "sock": 1})).await;
    assert_eq!(
        (err["code"].as_str(), err["op"].is_null()),
        (Some("EPROTO"), true)
    );
    let err = c.call(json!({"op": "listen", "sock": 42})).await;
    assert_eq!(err["code"], "EBADF");
    c.ws.send(Message::Binary(vec![9, 9].into())).await.unwrap();
    assert_eq!(c.event().await["code"], "EPROTO");
    c.send_data(77, b"x").await;
    assert_eq!(c.event().await["code"], "EBADF");
    let err = c
        .call(json!({"op": "socket", "sock": 2147483648u64, "type": "tcp"}))
        .await;
    assert_eq!(err["code"], "EINVAL");
    let ok = c
        .call(json!({"op": "socket", "sock": 1, "type": "tcp"}))
        .await;
    assert_eq!(ok["ev"], "ok");
    let err = c
        .call(json!({"op": "socket", "sock": 1, "type": "tcp"}))
        .await;
    assert_eq!(err["code"], "EINVAL");
    relay.stop().await;
}

/// The frame-size limit is an error, never a silently dropped session: a
/// frame a little over `max_frame` gets `EMSGSIZE` and the session goes on;
/// one far over it ends the session with close code 1009 and a reason.
#[tokio::test]
async fn frames_over_the_limit_get_emsgsize_or_a_1009_close() {
    let relay = Relay::start(|config| config.limits.max_frame = 4096).await;
    let echo = echo_server().await;
    let mut c = relay.session().await;
    c.connect_tcp(1, echo).await;
    c.send_data(1, &[7u8; 4096]).await;
    let err = c.event().await;
    assert_eq!(
        (
            err["code"].as_str(),
            err["errno"].as_i64(),
            err["sock"].as_u64(),
            err["op"].as_str()
        ),
        (Some("EMSGSIZE"), Some(90), Some(1), Some("send")),
        "{err}"
    );
    let message = err["message"].as_str().unwrap();
    assert!(
        message.starts_with("[Errno 90] Message too long: a frame of 4101 bytes"),
        "{message}"
    );
    c.op(json!({"op": "credit", "sock": 1, "bytes": 1, "pad": "x".repeat(5000)}))
        .await;
    let err = c.event().await;
    assert_eq!(
        (err["code"].as_str(), err["op"].is_null()),
        (Some("EMSGSIZE"), true),
        "{err}"
    );
    // The session lives on: a frame within the limit goes through.
    c.send_data(1, b"still here").await;
    assert_eq!(c.read_stream(1, 10).await.concat(), b"still here");
    // Far over the limit: the WebSocket layer stops reading, and says so.
    let _ = c.ws.send(Message::Binary(vec![1u8; 3 * 4096].into())).await;
    let close = loop {
        match tokio::time::timeout(Duration::from_secs(5), c.ws.next()).await {
            Ok(Some(Ok(Message::Close(frame)))) => break frame,
            Ok(Some(Ok(_))) => continue,
            other => panic!("expected a close frame, got {other:?}"),
        }
    };
    let close = close.expect("a close frame with a code");
    assert_eq!(u16::from(close.code), 1009, "{close:?}");
    assert!(!close.reason.is_empty());
    relay.stop().await;
}

/// One session too many: an EBUSY error event in Python's form, then close
/// code 1013 ("try again later").
#[tokio::test]
async fn the_session_limit_is_an_ebusy_error_then_1013() {
    let relay = Relay::start(|config| config.max_sessions = 1).await;
    let _first = relay.session().await;
    let url = format!("ws://{}/ws", relay.addr);
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    let Some(Ok(Message::Text(text))) = ws.next().await else {
        panic!("expected the error event")
    };
    let err: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        (err["code"].as_str(), err["errno"].as_i64()),
        (Some("EBUSY"), Some(16))
    );
    assert_eq!(
        err["message"],
        "[Errno 16] Device or resource busy: the relay already has its maximum of 1 sessions; close a tab and reload"
    );
    let Some(Ok(Message::Close(Some(close)))) = ws.next().await else {
        panic!("expected a close frame")
    };
    assert_eq!(u16::from(close.code), 1013);
    relay.stop().await;
}

#[tokio::test]
async fn the_socket_limit_is_an_emfile_error() {
    let relay = Relay::start(|config| config.limits.max_sockets = 2).await;
    let mut c = relay.session().await;
    for sock in 1..=2 {
        assert_eq!(
            c.call(json!({"op": "socket", "sock": sock, "type": "udp"}))
                .await["ev"],
            "ok"
        );
    }
    let err = c
        .call(json!({"op": "socket", "sock": 3, "type": "udp"}))
        .await;
    assert_eq!(err["code"], "EMFILE");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .starts_with("[Errno 24] Too many open files")
    );
    relay.stop().await;
}

#[tokio::test]
async fn a_peer_reset_mid_stream_gives_error_then_closed() {
    let relay = Relay::start(|_| {}).await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (s, _) = listener.accept().await.unwrap();
        let std = s.into_std().unwrap();
        // SO_LINGER 0 turns close into a reset.
        socket2::SockRef::from(&std)
            .set_linger(Some(Duration::ZERO))
            .unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;
        drop(std);
    });
    let mut c = relay.session().await;
    c.connect_tcp(1, addr).await;
    let err = c.event().await;
    assert_eq!(err["ev"], "error", "{err}");
    assert_eq!(err["code"], "ECONNRESET");
    assert_eq!(err["message"], "[Errno 104] Connection reset by peer");
    let closed = c.event().await;
    assert_eq!(
        (closed["ev"].as_str(), closed["sock"].as_u64()),
        (Some("closed"), Some(1))
    );
    relay.stop().await;
}

/// A reset after the peer's FIN (the peer shut its side, then closed with
/// our bytes unread, as seed 4560 of the random programs has it): nothing
/// reads the socket any more, yet the browser hears it, as Linux keeps it
/// for the program's next call (`[Errno 32] Broken pipe` in CLOSE_WAIT).
#[tokio::test]
async fn a_reset_after_the_peers_fin_is_heard() {
    use tokio::io::AsyncWriteExt;
    let relay = Relay::start(|_| {}).await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let mut c = relay.session().await;
    c.connect_tcp(1, listener.local_addr().unwrap()).await;
    let (mut peer, _) = listener.accept().await.unwrap();
    c.send_data(1, b"di").await;
    // The two bytes are in the peer's kernel before it shuts its side.
    let mut waited = 0;
    while peer.peek(&mut [0u8; 2]).await.unwrap() < 2 && waited < 100 {
        tokio::time::sleep(Duration::from_millis(10)).await;
        waited += 1;
    }
    peer.shutdown().await.unwrap();
    assert_eq!(c.event().await, json!({"ev": "eof", "sock": 1}));
    drop(peer);
    let err = c.event().await;
    assert_eq!(
        (err["ev"].as_str(), err["sock"].as_u64(), err["op"].as_str()),
        (Some("error"), Some(1), Some("recv")),
        "{err}"
    );
    assert_eq!(err["message"], "[Errno 32] Broken pipe");
    let closed = c.event().await;
    assert_eq!(
        (closed["ev"].as_str(), closed["sock"].as_u64()),
        (Some("closed"), Some(1))
    );
    relay.stop().await;
}

/// What the peer's next read meets once the other end has closed.
async fn peer_meets(peer: &mut TcpStream) -> String {
    let mut buf = [0u8; 64];
    match tokio::time::timeout(Duration::from_secs(5), peer.read(&mut buf)).await {
        Ok(Ok(0)) => "eof".into(),
        Ok(Ok(n)) => format!("data {:?}", String::from_utf8_lossy(&buf[..n])),
        Ok(Err(e)) => format!("{:?}", e.kind()),
        Err(_) => "nothing within 5 s".into(),
    }
}

/// The same story told with native sockets, as Python's would tell it on
/// this kernel: the oracle for the relay's close. The client reads `read`
/// of the peer's `hello` (or shuts reading first if `shut_read`), the peer
/// then sends `late` if asked, and the client closes.
async fn native_close(read: usize, shut_read: bool, late: bool) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let mut client = TcpStream::connect(listener.local_addr().unwrap())
        .await
        .unwrap();
    let (mut peer, _) = listener.accept().await.unwrap();
    peer.write_all(b"hello").await.unwrap();
    let mut buf = vec![0u8; read];
    client.read_exact(&mut buf).await.unwrap();
    if shut_read {
        socket2::SockRef::from(&client)
            .shutdown(std::net::Shutdown::Read)
            .unwrap();
    }
    if late {
        peer.write_all(b"late").await.unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let std = client.into_std().unwrap();
    drop(std);
    peer_meets(&mut peer).await
}

/// Closing a socket whose program left bytes unread resets the connection,
/// as Linux does (RFC 2525 §2.17): the peer's next call raises
/// `ConnectionResetError`, not a quiet `b''`. Bytes unread in the browser
/// (delivered, not credited back) and bytes still in the kernel (after
/// `shutdown('read')`) both count; a socket read to the end closes with a
/// FIN. Each case is checked against the same story on native sockets.
#[tokio::test]
async fn closing_with_unread_data_resets_the_peer_as_linux_does() {
    let relay = Relay::start(|_| {}).await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut c = relay.session().await;
    // (socket, bytes of `hello` the program reads, shut reading first, the peer sends more)
    let cases = [
        (1, 0, false, false),
        (2, 5, false, false),
        (3, 2, false, false),
        (4, 5, true, true),
    ];
    for (sock, read, shut_read, late) in cases {
        c.connect_tcp(sock, addr).await;
        let (mut peer, _) = listener.accept().await.unwrap();
        peer.write_all(b"hello").await.unwrap();
        assert_eq!(c.read_stream(sock, 5).await.concat(), b"hello");
        if read > 0 {
            c.op(json!({"op": "credit", "sock": sock, "bytes": read}))
                .await;
        }
        if shut_read {
            // Python's recv returns b'' from now on: `eof`, then the answer.
            let eof = c
                .call(json!({"op": "shutdown", "sock": sock, "how": "read"}))
                .await;
            assert_eq!(eof, json!({"ev": "eof", "sock": sock}));
            assert_eq!(c.event().await["op"], "shutdown");
        }
        if late {
            peer.write_all(b"late").await.unwrap();
            // Linux queues it even after SHUT_RD: the relay forwards it.
            assert_eq!(c.read_stream(sock, 4).await.concat(), b"late");
        }
        let ok = c.call(json!({"op": "close", "sock": sock})).await;
        assert_eq!(ok["op"], "close", "{ok}");
        assert_eq!(c.event().await, json!({"ev": "closed", "sock": sock}));
        let relayed = peer_meets(&mut peer).await;
        let native = native_close(read, shut_read, late).await;
        assert_eq!(
            relayed, native,
            "socket {sock}: read {read} of 5, shut_read {shut_read}, late {late}"
        );
        let expected = if read == 5 && !late {
            "eof"
        } else {
            "ConnectionReset"
        };
        assert_eq!(relayed, expected, "socket {sock}");
    }
    relay.stop().await;
}

/// A native connection, `(client, peer)`, the client shut `how`.
async fn native_shut(how: std::net::Shutdown) -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap())
        .await
        .unwrap();
    let (peer, _) = listener.accept().await.unwrap();
    socket2::SockRef::from(&client).shutdown(how).unwrap();
    (client, peer)
}

/// What native sockets give after `shutdown(SHUT_RD)`: `recv` returns the
/// bytes the peer sent after it (Linux still queues them), then b''
/// at once. The oracle for the relay's `shutdown('read')`.
async fn native_after_shut_read() -> (Vec<u8>, usize) {
    use std::io::Read;
    let (client, mut peer) = native_shut(std::net::Shutdown::Read).await;
    peer.write_all(b"after").await.unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    let client = client.into_std().unwrap();
    client.set_nonblocking(false).unwrap();
    let mut buf = [0u8; 64];
    let n = (&client).read(&mut buf).unwrap();
    // The queue is empty now: b'' without waiting, though the peer is open.
    let then = (&client).read(&mut buf).unwrap();
    (buf[..n].to_vec(), then)
}

/// After `shutdown('read')` the browser hears `eof` (Python's recv gives
/// b'' once nothing is queued), and what the peer sends afterwards still
/// reaches it, as Linux still queues it for `recv`: checked against the
/// native story.
#[tokio::test]
async fn bytes_sent_after_shutdown_read_are_still_received_as_on_linux() {
    let relay = Relay::start(|_| {}).await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let mut c = relay.session().await;
    let mut peer = c.connected_and_shut(1, &listener, "read").await;
    peer.write_all(b"after").await.unwrap();
    let relayed = c.read_stream(1, 5).await.concat();
    let (native, then) = native_after_shut_read().await;
    assert_eq!(relayed, native);
    assert_eq!((relayed.as_slice(), then), (&b"after"[..], 0));
    // Read and credited, the socket closes with a FIN.
    c.op(json!({"op": "credit", "sock": 1, "bytes": 5})).await;
    let ok = c.call(json!({"op": "close", "sock": 1})).await;
    assert_eq!(ok["op"], "close", "{ok}");
    assert_eq!(peer_meets(&mut peer).await, "eof");
    relay.stop().await;
}

/// What the peer meets after writing to a native socket shut both ways,
/// and what that socket's next write raises: the oracle for the relay's
/// emulation of RFC 1122 §4.2.2.13 (bytes arriving after both shutdowns
/// reset the connection).
async fn native_shut_both_then_bytes() -> (String, String, std::io::ErrorKind) {
    use std::io::Write;
    let (client, mut peer) = native_shut(std::net::Shutdown::Both).await;
    peer.write_all(b"late").await.unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    let client = client.into_std().unwrap();
    let raised = (&client).write(b"x").unwrap_err().kind();
    let first = peer_meets(&mut peer).await;
    let then = match peer.write_all(b"y").await {
        Ok(()) => "written".to_owned(),
        Err(e) => format!("{:?}", e.kind()),
    };
    (first, then, raised)
}

/// Bytes reaching a socket the browser shut both ways reset the
/// connection, as Linux does: the browser hears `[Errno 104]` for it (then
/// `closed`), and the peer, which had the FIN, gets the RST. Checked
/// against the native story; with the two ends in one session, the reset
/// is there when the send is answered.
#[tokio::test]
async fn bytes_reaching_a_socket_shut_both_ways_reset_it_as_on_linux() {
    let relay = Relay::start(|_| {}).await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let mut c = relay.session().await;
    let mut peer = c.connected_and_shut(1, &listener, "both").await;
    peer.write_all(b"late").await.unwrap();
    let error = c.event().await;
    assert_eq!(
        (error["sock"].as_u64(), error["code"].as_str()),
        (Some(1), Some("ECONNRESET")),
        "{error}"
    );
    assert_eq!(c.event().await["ev"], "closed");
    let first = peer_meets(&mut peer).await;
    let then = match peer.write_all(b"y").await {
        Ok(()) => "written".to_owned(),
        Err(e) => format!("{:?}", e.kind()),
    };
    let (native_first, native_then, raised) = native_shut_both_then_bytes().await;
    assert_eq!((&first, &then), (&native_first, &native_then));
    assert_eq!(raised, std::io::ErrorKind::ConnectionReset);

    // Both ends in this session: socket 2's send is answered after the
    // reset of its other end, whose error and `closed` come first.
    let conn = c.own_pair().await;
    c.call(json!({"op": "shutdown", "sock": conn, "how": "both"}))
        .await;
    assert_eq!(c.event().await["op"], "shutdown");
    assert_eq!(c.event().await, json!({"ev": "eof", "sock": 2}));
    c.send_data(2, b"late").await;
    let error = c.event().await;
    assert_eq!(
        (error["sock"].as_u64(), error["code"].as_str()),
        (Some(u64::from(conn)), Some("ECONNRESET")),
        "{error}"
    );
    assert_eq!(
        c.event().await,
        json!({"ev": "closed", "sock": conn, "reason": error["message"]})
    );
    relay.stop().await;
}

/// Both ends of a connection in one session: a graceful close's FIN has
/// reached the other end when the close is answered, as on Linux, so the
/// program's next call on it knows the peer closed (a send then waits for
/// the reset it provokes: python3 raises EPIPE on the send after it).
#[tokio::test]
async fn a_close_between_two_sockets_of_a_session_is_heard_before_it_is_answered() {
    let relay = Relay::start(|_| {}).await;
    let mut c = relay.session().await;
    let conn = c.own_pair().await;
    let eof = c.call(json!({"op": "close", "sock": conn})).await;
    assert_eq!(eof, json!({"ev": "eof", "sock": 2}));
    assert_eq!(c.event().await["op"], "close");
    relay.stop().await;
}

/// Both ends of a connection in one session (a page's client and the
/// connection its listening socket accepted): closing one with unread
/// bytes resets the other, and that socket's error comes before the
/// close is answered, since on Linux the reset is there when `close()`
/// returns and the program's next call on the other socket raises it.
/// Also when the client is an IPv6 socket connected to the IPv4 listener
/// at `::ffff:127.0.0.1` (its ends then read in that form: seed 689).
#[tokio::test]
async fn a_reset_between_two_sockets_of_a_session_is_heard_before_the_close_returns() {
    let relay = Relay::start(|_| {}).await;
    for (family, host) in [("inet", "127.0.0.1"), ("inet6", "::ffff:127.0.0.1")] {
        let mut c = relay.session().await;
        heard_before_the_close_returns(&mut c, family, host).await;
    }
    relay.stop().await;
}

async fn heard_before_the_close_returns(c: &mut Client, family: &str, host: &str) {
    let conn = c.own_pair_from(family, host).await;
    c.send_data(2, b"unread").await;
    let got = c.read_stream(conn, 6).await;
    assert_eq!(got.concat(), b"unread");
    c.op(json!({"op": "close", "sock": conn})).await;
    let error = c.event().await;
    assert_eq!(
        (
            error["ev"].as_str(),
            error["sock"].as_u64(),
            error["code"].as_str()
        ),
        (Some("error"), Some(2), Some("ECONNRESET")),
        "{error}"
    );
    let mut rest = Vec::new();
    for _ in 0..3 {
        let e = c.event().await;
        rest.push((
            e["ev"].as_str().unwrap_or("").to_owned(),
            e["sock"].as_u64(),
        ));
    }
    rest.sort();
    assert_eq!(
        rest,
        [
            ("closed".to_owned(), Some(2)),
            ("closed".to_owned(), Some(u64::from(conn))),
            ("ok".to_owned(), Some(u64::from(conn)))
        ],
        "{family}"
    );
}

/// A listener closed (or shut for reading) with connections no `accept()`
/// took: Linux resets them, so their clients' next call raises
/// `ConnectionResetError`. The relay has accepted them already; the page
/// closes each with `reset` before the listener, and the other end, when
/// a socket of the same session, hears it before the listener's close is
/// answered (seed 2204 of the random programs); a native client is reset
/// too, where a plain close gives it `b''`.
#[tokio::test]
async fn connections_a_closed_listener_never_handed_out_are_reset_as_on_linux() {
    let relay = Relay::start(|_| {}).await;
    for how in ["close", "shutdown"] {
        let mut c = relay.session().await;
        let conn = c.own_pair().await;
        c.op(json!({"op": "close", "sock": conn, "reset": true}))
            .await;
        let last = match how {
            "close" => json!({"op": "close", "sock": 1}),
            _ => json!({"op": "shutdown", "sock": 1, "how": "read"}),
        };
        c.op(last).await;
        let mut seen = Vec::new();
        loop {
            let e = c.event().await;
            let done = e["ev"] == "ok" && e["sock"] == 1;
            seen.push(format!("{} {} {}", e["ev"], e["sock"], e["code"]));
            if done {
                break;
            }
        }
        assert!(
            seen.contains(&r#""error" 2 "ECONNRESET""#.to_owned()),
            "{how}: {seen:?}"
        );
    }
    // A native client: reset by `reset`, a FIN without it.
    for reset in [true, false] {
        let mut c = relay.session().await;
        let port = c.listener(1, 1).await;
        let mut native = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        let accept = c.event().await;
        assert_eq!(accept["ev"], "accept", "{accept}");
        let close = match reset {
            true => json!({"op": "close", "sock": accept["conn"], "reset": true}),
            false => json!({"op": "close", "sock": accept["conn"]}),
        };
        assert_eq!(c.call(close).await["op"], "close");
        let mut byte = [0u8; 1];
        let read = native.read(&mut byte).await.map_err(|e| e.kind());
        let expected = match reset {
            true => Err(std::io::ErrorKind::ConnectionReset),
            false => Ok(0),
        };
        assert_eq!(read, expected, "reset: {reset}");
    }
    relay.stop().await;
}

/// A socket whose reader had met the peer's FIN, when its peer then resets
/// the connection: the relay once panicked waiting on the ended reader
/// twice, which ended the whole session. Now the reader, waiting for just
/// such a reset, reports it (`[Errno 32]`, as Linux says in CLOSE_WAIT)
/// before the close that caused it returns, the socket is dropped, and
/// the session lives on.
#[tokio::test]
async fn closing_after_the_other_end_reset_a_half_closed_connection() {
    let relay = Relay::start(|_| {}).await;
    let mut c = relay.session().await;
    let conn = c.own_pair().await;
    // The accepted end sends a byte and its FIN: socket 2's reader ends.
    c.send_data(conn, b"x").await;
    assert_eq!(c.read_stream(2, 1).await.concat(), b"x");
    c.op(json!({"op": "shutdown", "sock": conn, "how": "write"}))
        .await;
    let mut heard = Vec::new();
    while heard.len() < 2 {
        let e = c.event().await;
        heard.push(e["ev"].as_str().unwrap_or("").to_owned());
    }
    heard.sort();
    assert_eq!(heard, ["eof", "ok"]);
    // Socket 2 answers with a byte the accepted end never reads, which
    // then closes: a reset, with socket 2's reader already over.
    c.send_data(2, b"y").await;
    assert_eq!(c.read_stream(conn, 1).await.concat(), b"y");
    let err = c.call(json!({"op": "close", "sock": conn})).await;
    assert_eq!(
        (
            err["ev"].as_str(),
            err["sock"].as_u64(),
            err["errno"].as_u64()
        ),
        (Some("error"), Some(2), Some(32)),
        "{err}"
    );
    let mut heard = Vec::new();
    while heard.len() < 3 {
        let e = c.event().await;
        heard.push(format!("{} {} {}", e["ev"], e["sock"], e["op"]));
    }
    heard.sort();
    assert_eq!(
        heard,
        [
            "\"closed\" 2 null".to_string(),
            format!("\"closed\" {conn} null"),
            format!("\"ok\" {conn} \"close\""),
        ]
    );
    // The session lives on.
    let ok = c
        .call(json!({"op": "socket", "sock": 3, "type": "tcp"}))
        .await;
    assert_eq!(ok["op"], "socket", "{ok}");
    relay.stop().await;
}

/// Once both FINs are through, Linux's socket is in the CLOSE state:
/// shutdown says ENOTCONN and bind works again (both checked natively
/// first); a socket id the relay
/// gave an accepted connection may name a new socket once that one is
/// gone, and one it has not given is still refused.
#[tokio::test]
async fn shutdown_after_both_fins_and_reusing_an_accepted_id() {
    // The oracle: the kernel itself.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap())
        .await
        .unwrap();
    let (peer, _) = listener.accept().await.unwrap();
    drop(peer);
    tokio::time::sleep(Duration::from_millis(50)).await;
    let native = socket2::SockRef::from(&client);
    native.shutdown(std::net::Shutdown::Write).unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    let again = native.shutdown(std::net::Shutdown::Write).unwrap_err();
    assert_eq!(again.raw_os_error(), Some(107), "{again}");
    // And its port, chosen by connect(), is given back: it binds again.
    let any: std::net::SocketAddr = "127.0.0.1:0".parse().unwrap();
    native.bind(&any.into()).unwrap();

    let relay = Relay::start(|_| {}).await;
    let mut c = relay.session().await;
    let port = c.listener(1, 1).await;
    let client = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let accepted = c.event().await;
    assert_eq!(accepted["ev"], "accept", "{accepted}");
    let conn = accepted["conn"].as_u64().unwrap();
    drop(client);
    assert_eq!(c.event().await, json!({"ev": "eof", "sock": conn}));
    let ok = c
        .call(json!({"op": "shutdown", "sock": conn, "how": "write"}))
        .await;
    assert_eq!(ok["op"], "shutdown", "{ok}");
    tokio::time::sleep(Duration::from_millis(50)).await;
    let err = c
        .call(json!({"op": "shutdown", "sock": conn, "how": "write"}))
        .await;
    assert_eq!(err["code"], "ENOTCONN", "{err}");
    assert_eq!(
        err["message"],
        "[Errno 107] Transport endpoint is not connected"
    );
    let ok = c
        .call(json!({"op": "bind", "sock": conn, "host": "127.0.0.1", "port": 0}))
        .await;
    assert_eq!(
        (ok["ev"].as_str(), ok["op"].as_str()),
        (Some("ok"), Some("bind")),
        "{ok}"
    );
    assert!(ok["local"][1].as_u64().is_some_and(|p| p > 0), "{ok}");

    // Still in use: refused. Gone: a new socket may take the id.
    let err = c
        .call(json!({"op": "socket", "sock": conn, "type": "tcp"}))
        .await;
    assert_eq!(err["code"], "EINVAL", "{err}");
    c.call(json!({"op": "close", "sock": conn})).await;
    assert_eq!(c.event().await, json!({"ev": "closed", "sock": conn}));
    let ok = c
        .call(json!({"op": "socket", "sock": conn, "type": "tcp"}))
        .await;
    assert_eq!(
        (ok["ev"].as_str(), ok["op"].as_str()),
        (Some("ok"), Some("socket")),
        "{ok}"
    );
    let err = c
        .call(json!({"op": "socket", "sock": conn + 1, "type": "tcp"}))
        .await;
    assert_eq!(err["code"], "EINVAL", "{err}");
    relay.stop().await;
}

#[tokio::test]
async fn metrics_count_open_sockets() {
    let relay = Relay::start(|_| {}).await;
    let metric = |body: &str| -> u64 {
        body.lines()
            .find_map(|l| l.strip_prefix("netlab_relay_sockets_open "))
            .and_then(|v| v.trim().parse().ok())
            .unwrap()
    };
    let host = relay.addr.to_string();
    let mut c = relay.session().await;
    c.call(json!({"op": "socket", "sock": 1, "type": "tcp"}))
        .await;
    c.call(json!({"op": "socket", "sock": 2, "type": "udp"}))
        .await;
    let (_, body) = crate::relay::http_get(relay.addr, "/metrics", &host).await;
    assert_eq!(metric(&body), 2);
    c.call(json!({"op": "close", "sock": 1})).await;
    c.event().await; // closed
    c.call(json!({"op": "socket", "sock": 3, "type": "tcp"}))
        .await;
    let (_, body) = crate::relay::http_get(relay.addr, "/metrics", &host).await;
    assert_eq!(metric(&body), 2);
    drop(c);
    let mut zero = false;
    for _ in 0..50 {
        let (_, body) = crate::relay::http_get(relay.addr, "/metrics", &host).await;
        if metric(&body) == 0 {
            zero = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(zero, "the gauge returns to 0 when the session ends");
    relay.stop().await;
}

/// Bytes to peers count whichever frame carried them: a datagram frame, or
/// a stream frame on a connected UDP socket.
#[tokio::test]
async fn metrics_count_bytes_sent_on_udp_both_ways() {
    let relay = Relay::start(|_| {}).await;
    let to_peers = |body: &str| -> u64 {
        body.lines()
            .find_map(|l| l.strip_prefix("netlab_relay_bytes_to_peers_total "))
            .and_then(|v| v.trim().parse().ok())
            .unwrap()
    };
    let host = relay.addr.to_string();
    let peer = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let peer_addr = peer.local_addr().unwrap();
    let mut c = relay.session().await;
    c.call(json!({"op": "socket", "sock": 1, "type": "udp"}))
        .await;
    c.call(json!({"op": "connect", "sock": 1, "host": "127.0.0.1", "port": peer_addr.port()}))
        .await;
    let mut buf = [0u8; 256];
    c.send_data(1, &[1u8; 100]).await;
    assert_eq!(peer.recv(&mut buf).await.unwrap(), 100);
    c.send_datagram(1, peer_addr, &[2u8; 50]).await;
    assert_eq!(peer.recv(&mut buf).await.unwrap(), 50);
    let (_, body) = crate::relay::http_get(relay.addr, "/metrics", &host).await;
    assert_eq!(to_peers(&body), 150, "{body}");
    relay.stop().await;
}

/// Linux's answers for listening sockets, as the relay gives them (the page
/// and python3 agree on them in browser_sockets_random.test.mjs): `listen`
/// carries the port an unbound socket got, and again is ok; `connect` on a
/// listening socket is EISCONN; `shutdown("write")` does nothing and
/// `shutdown("read")` stops it listening (a native connect is then
/// refused) and leaves it a socket that may listen again.
#[tokio::test]
async fn listening_sockets_answer_as_linux_does() {
    /// The answer to an op, past the events of the connections socket 1
    /// accepted.
    async fn answer(c: &mut Client, op: Value) -> Value {
        let sock = op["sock"].clone();
        c.op(op).await;
        loop {
            let e = c.event().await;
            if e["sock"] == sock && e["ev"] != "accept" {
                return e;
            }
        }
    }
    let relay = Relay::start(|_| {}).await;
    let mut c = relay.session().await;
    c.call(json!({"op": "socket", "sock": 1, "type": "tcp"}))
        .await;
    let ok = answer(&mut c, json!({"op": "listen", "sock": 1, "backlog": 1})).await;
    assert_eq!(ok["ev"], "ok", "{ok}");
    assert_eq!(ok["local"][0], "127.0.0.1", "{ok}");
    let port = ok["local"][1].as_u64().unwrap() as u16;
    assert_ne!(port, 0);
    let again = answer(&mut c, json!({"op": "listen", "sock": 1, "backlog": 5})).await;
    assert_eq!(again["ev"], "ok", "{again}");
    let connect = answer(
        &mut c,
        json!({"op": "connect", "sock": 1, "host": "127.0.0.1", "port": port}),
    )
    .await;
    assert_eq!(connect["errno"], 106, "{connect}");
    assert_eq!(
        connect["message"],
        "[Errno 106] Transport endpoint is already connected"
    );
    let write = answer(&mut c, json!({"op": "shutdown", "sock": 1, "how": "write"})).await;
    assert_eq!(write["ev"], "ok", "{write}");
    let native = TcpStream::connect(("127.0.0.1", port)).await;
    assert!(native.is_ok(), "still listening");
    let read = answer(&mut c, json!({"op": "shutdown", "sock": 1, "how": "read"})).await;
    assert_eq!(read["ev"], "ok", "{read}");
    let refused = TcpStream::connect(("127.0.0.1", port)).await.unwrap_err();
    assert_eq!(refused.kind(), std::io::ErrorKind::ConnectionRefused);
    // It may listen again: on a new port, as listen() chose the first
    // (Linux lets an automatic port go when it disconnects the socket).
    let relisten = answer(&mut c, json!({"op": "listen", "sock": 1, "backlog": 1})).await;
    assert_eq!(relisten["ev"], "ok", "{relisten}");
    let port = relisten["local"][1].as_u64().unwrap() as u16;
    assert!(
        TcpStream::connect(("127.0.0.1", port)).await.is_ok(),
        "listening again"
    );
    // UDP: listen is Python's OSError(95), word for word.
    answer(&mut c, json!({"op": "socket", "sock": 2, "type": "udp"})).await;
    let udp = answer(&mut c, json!({"op": "listen", "sock": 2, "backlog": 1})).await;
    assert_eq!(
        udp["message"], "[Errno 95] Operation not supported",
        "{udp}"
    );
    relay.stop().await;
}

/// A listen Linux refuses (after a failed connect: EINVAL) leaves the socket
/// in the session; it used to vanish, and later calls said EBADF.
#[tokio::test]
async fn a_refused_listen_keeps_the_socket() {
    let relay = Relay::start(|_| {}).await;
    let mut c = relay.session().await;
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    c.call(json!({"op": "socket", "sock": 1, "type": "tcp"}))
        .await;
    let refused = c
        .call(json!({"op": "connect", "sock": 1, "host": "127.0.0.1", "port": port}))
        .await;
    assert_eq!(refused["errno"], 111, "{refused}");
    let listen = c
        .call(json!({"op": "listen", "sock": 1, "backlog": 1}))
        .await;
    assert_eq!(listen["message"], "[Errno 22] Invalid argument", "{listen}");
    let setsockopt = c
        .call(json!({"op": "setsockopt", "sock": 1, "name": "TCP_NODELAY", "value": 1}))
        .await;
    assert_eq!(
        setsockopt["ev"], "ok",
        "the socket is still there: {setsockopt}"
    );
    relay.stop().await;
}

/// A UDP socket's shutdown: connected, ok; unconnected, ENOTCONN.
#[tokio::test]
async fn udp_shutdown_is_ok_only_when_connected() {
    let relay = Relay::start(|_| {}).await;
    let mut c = relay.session().await;
    c.call(json!({"op": "socket", "sock": 1, "type": "udp"}))
        .await;
    let unconnected = c
        .call(json!({"op": "shutdown", "sock": 1, "how": "write"}))
        .await;
    assert_eq!(unconnected["errno"], 107, "{unconnected}");
    let peer = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let port = peer.local_addr().unwrap().port();
    let ok = c
        .call(json!({"op": "connect", "sock": 1, "host": "127.0.0.1", "port": port}))
        .await;
    assert_eq!(ok["ev"], "ok", "{ok}");
    let connected = c
        .call(json!({"op": "shutdown", "sock": 1, "how": "both"}))
        .await;
    assert_eq!(connected["ev"], "ok", "{connected}");
    relay.stop().await;
}

/// The errors the relay and the page report are Python's: for every Linux
/// error number, the class CPython raises (`type(OSError(n, …))`, PEP 3151)
/// and, for those the relay knows, `str(OSError(n, os.strerror(n)))`.
#[test]
fn errno_classes_and_messages_are_cpythons() {
    use netlab_core::protocol::errno;
    let script = "import json, os\n\
        print(json.dumps([[type(OSError(n, 'x')).__name__, str(OSError(n, os.strerror(n)))] for n in range(1, 134)]))";
    let cpython: Vec<(String, String)> =
        serde_json::from_str(&crate::util::python3(script, &[])).unwrap();
    let mut known = 0;
    for (n, (class, message)) in (1..).zip(&cpython) {
        assert_eq!(errno::python_class(n), class, "errno {n}");
        if errno::code(n) != format!("E{n}") {
            assert_eq!(&errno::python_message(n), message, "errno {n}");
            known += 1;
        }
    }
    assert!(known >= 32, "{known} error numbers with their text");
}

/// `setsockopt` sets the option whatever the connection's state, as on
/// Linux, where the socket stays open until closed: shut both ways (the
/// relay's writer task is gone then) and while a connect waits (the
/// options then apply once it is connected). The relay used to say
/// `[Errno 107]` for both, which a random program found (seed 279).
#[tokio::test]
async fn setsockopt_works_in_every_state_of_a_connection_as_on_linux() {
    // The oracle: Linux takes the options on a socket shut both ways.
    let (native, _peer) = native_shut(std::net::Shutdown::Both).await;
    native.set_nodelay(true).unwrap();
    socket2::SockRef::from(&native)
        .set_recv_buffer_size(4096)
        .unwrap();

    let relay = Relay::start(|_| {}).await;
    let mut c = relay.session().await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let _peer = c.connected_and_shut(1, &listener, "both").await;
    for (name, value) in [("TCP_NODELAY", 1), ("SO_RCVBUF", 4096), ("SO_REUSEADDR", 1)] {
        let set = c
            .call(json!({"op": "setsockopt", "sock": 1, "name": name, "value": value}))
            .await;
        assert_eq!(
            (set["ev"].as_str(), set["op"].as_str()),
            (Some("ok"), Some("setsockopt")),
            "{name}: {set}"
        );
    }
    let bad = c
        .call(json!({"op": "setsockopt", "sock": 1, "name": "SO_RCVBUF", "value": -1}))
        .await;
    assert_eq!(bad["ev"], "error", "{bad}");

    // A connect that waits: the listener's queue (backlog 0) holds one
    // connection already, so Linux drops the relay's SYN until the first
    // is accepted and the SYN is sent again (after a second).
    let full = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    full.bind(&"127.0.0.1:0".parse::<SocketAddr>().unwrap().into())
        .unwrap();
    full.listen(0).unwrap();
    let addr = full.local_addr().unwrap().as_socket().unwrap();
    let _queued = std::net::TcpStream::connect(addr).unwrap();
    c.call(json!({"op": "socket", "sock": 2, "type": "tcp"}))
        .await;
    c.op(json!({"op": "connect", "sock": 2, "host": "127.0.0.1", "port": addr.port()}))
        .await;
    let set = c
        .call(json!({"op": "setsockopt", "sock": 2, "name": "TCP_NODELAY", "value": 1}))
        .await;
    assert_eq!(
        (set["ev"].as_str(), set["op"].as_str()),
        (Some("ok"), Some("setsockopt")),
        "while connecting: {set}"
    );
    let bad = c
        .call(json!({"op": "setsockopt", "sock": 2, "name": "SO_SNDBUF", "value": -1}))
        .await;
    assert_eq!(
        (bad["ev"].as_str(), bad["errno"].as_u64()),
        (Some("error"), Some(22)),
        "while connecting: {bad}"
    );
    drop(full.accept().unwrap());
    let connected = c.event().await;
    assert_eq!(
        (connected["ev"].as_str(), connected["op"].as_str()),
        (Some("ok"), Some("connect")),
        "{connected}"
    );
    relay.stop().await;
}

/// An IPv6 UDP socket reaches an IPv4 peer at `::ffff:127.0.0.1`, as a
/// dual-stack Linux socket does: one that binds itself (its first sendto
/// or connect) binds to the loopback in that form, where `::1` could not
/// send there (`[Errno 101] Network is unreachable`, found by a random
/// program). The oracle: a native dual-stack socket connected there.
#[tokio::test]
async fn an_ipv6_udp_socket_reaches_ipv4_at_its_mapped_address_as_on_linux() {
    let peer = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let port = peer.local_addr().unwrap().port();
    let mapped: SocketAddr = format!("[::ffff:127.0.0.1]:{port}").parse().unwrap();
    let native = std::net::UdpSocket::bind("[::]:0").unwrap();
    native.connect(mapped).unwrap();
    let native_local = native.local_addr().unwrap().ip().to_string();
    assert_eq!(native_local, "::ffff:127.0.0.1");

    let relay = Relay::start(|_| {}).await;
    let mut c = relay.session().await;
    // sendto on an unbound socket, then the answer back.
    c.call(json!({"op": "socket", "sock": 1, "type": "udp", "family": "inet6"}))
        .await;
    c.send_datagram(1, mapped, b"hi").await;
    let mut buf = [0; 16];
    let (n, from) = tokio::time::timeout(Duration::from_secs(5), peer.recv_from(&mut buf))
        .await
        .expect("the datagram arrives")
        .unwrap();
    assert_eq!(&buf[..n], b"hi");
    peer.send_to(b"back", from).await.unwrap();
    match c.next().await {
        In::Datagram(1, at, payload) => {
            assert_eq!((at, payload.as_slice()), (mapped, &b"back"[..]));
        }
        other => panic!("expected the answer, got {other:?}"),
    }
    // connect on an unbound socket: the local address is the native one's.
    c.call(json!({"op": "socket", "sock": 2, "type": "udp", "family": "inet6"}))
        .await;
    let ok = c
        .call(json!({"op": "connect", "sock": 2, "host": "::ffff:127.0.0.1", "port": port}))
        .await;
    assert_eq!(
        (ok["ev"].as_str(), ok["local"][0].as_str()),
        (Some("ok"), Some(native_local.as_str())),
        "{ok}"
    );
    relay.stop().await;
}
