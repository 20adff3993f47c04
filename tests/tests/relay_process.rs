//! The `netlab-relay` binary as a process: no leaked sockets after aborted
//! sessions, bounded memory when the browser never grants credit, a clean
//! exit on SIGTERM mid-traffic, and the playground built into it.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::json;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::{MaybeTlsStream, connect_async};

use crate::relay_sockets::Client;
use crate::util::bin_dir;

/// A relay process on a free port, killed when dropped.
struct Process {
    child: Child,
    addr: SocketAddr,
}

impl Process {
    fn start(extra: &[&str]) -> Self {
        Self::start_env(extra, &[])
    }

    /// Starts it with `env` set in its environment.
    fn start_env(extra: &[&str], env: &[(&str, &str)]) -> Self {
        let path = bin_dir().join("netlab-relay");
        assert!(
            path.exists(),
            "{} is missing: run `cargo build -p netlab-relay` first",
            path.display()
        );
        let mut child = Command::new(path)
            .args(["--listen", "127.0.0.1:0", "--no-token", "--no-labs"])
            .args(extra)
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        stdout.read_line(&mut line).unwrap();
        // Keep reading what it prints, as a terminal would.
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        let host = line
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_else(|| panic!("no URL in {line:?}"));
        Self {
            addr: host.parse().unwrap(),
            child,
        }
    }

    /// Sends SIGTERM and returns the exit code, failing the test if the
    /// relay is still running 5 s later (relay-protocol.md's bound).
    fn terminate(&mut self) -> Option<i32> {
        let started = Instant::now();
        let status = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        loop {
            if let Some(code) = self.child.try_wait().unwrap() {
                return code.code();
            }
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "still running 5 s after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    fn open_fds(&self) -> usize {
        std::fs::read_dir(format!("/proc/{}/fd", self.pid()))
            .unwrap()
            .count()
    }

    fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap()
    }

    async fn session(&self) -> Client {
        self.session_with_hello().await.0
    }

    /// A session and the relay's `hello` (its limits, its labs).
    async fn session_with_hello(&self) -> (Client, serde_json::Value) {
        let (ws, _) = connect_async(format!("ws://{}/ws", self.addr))
            .await
            .unwrap();
        let mut client = Client { ws };
        let hello = client.event().await;
        assert_eq!(hello["ev"], "hello");
        (client, hello)
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback TCP echo server.
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

/// One session that opens a connected TCP socket, a bound UDP socket and a
/// listening socket, then drops the WebSocket without a close handshake
/// (with a TCP reset when `reset`).
async fn aborted_session(relay: SocketAddr, echo: SocketAddr, reset: bool) {
    let (ws, _) = connect_async(format!("ws://{relay}/ws")).await.unwrap();
    let mut c = Client { ws };
    let _hello = c.event().await;
    c.connect_tcp(1, echo).await;
    c.call(json!({"op": "socket", "sock": 2, "type": "udp"}))
        .await;
    c.call(json!({"op": "bind", "sock": 2, "host": "127.0.0.1", "port": 0}))
        .await;
    c.call(json!({"op": "socket", "sock": 3, "type": "tcp"}))
        .await;
    let ok = c.call(json!({"op": "listen", "sock": 3})).await;
    assert_eq!(ok["ev"], "ok", "{ok}");
    if reset && let MaybeTlsStream::Plain(tcp) = c.ws.get_ref() {
        socket2::SockRef::from(tcp)
            .set_linger(Some(Duration::ZERO))
            .unwrap();
    }
    drop(c);
}

async fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn fds_return_to_baseline_after_1000_aborted_sessions() {
    let relay = Process::start(&[]);
    let echo = echo_server().await;
    // Warm up: the runtime's own descriptors appear on first use.
    aborted_session(relay.addr, echo, false).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let baseline = relay.open_fds();
    for batch in 0..20 {
        let cycles = (0..50).map(|i| aborted_session(relay.addr, echo, (batch + i) % 2 == 0));
        futures_util::future::join_all(cycles).await;
    }
    wait_for("fds back to baseline", || relay.open_fds() <= baseline).await;
    assert_eq!(relay.open_fds(), baseline);
}

#[tokio::test]
async fn memory_stays_bounded_when_the_browser_never_grants_credit() {
    let relay = Process::start(&[]);
    let before = relay.rss_kib();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let peer_addr = listener.local_addr().unwrap();
    // The peer tries to push 1 GiB; whatever it manages in 3 s is counted.
    let peer = tokio::spawn(async move {
        let (mut s, _) = listener.accept().await.unwrap();
        let block = vec![0x5au8; 64 * 1024];
        let mut sent = 0u64;
        let deadline = Instant::now() + Duration::from_secs(3);
        while sent < 1 << 30 {
            let left = deadline.saturating_duration_since(Instant::now());
            match tokio::time::timeout(left, s.write_all(&block)).await {
                Ok(Ok(())) => sent += block.len() as u64,
                _ => break,
            }
        }
        sent
    });
    let (mut c, hello) = relay.session_with_hello().await;
    let window = hello["limits"]["window"].as_u64().unwrap();
    c.connect_tcp(1, peer_addr).await;
    // The browser reads what comes but never returns credit.
    let mut received = 0usize;
    let reading = async {
        while let Some(Ok(message)) = c.ws.next().await {
            if let Message::Binary(bytes) = message {
                received += bytes.len().saturating_sub(5);
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(4), reading).await;
    let sent = peer.await.unwrap();
    let after = relay.rss_kib();
    assert!(
        sent < 1 << 30,
        "the peer could not push 1 GiB: TCP pushed back"
    );
    assert_eq!(
        received as u64, window,
        "exactly one window reached the browser"
    );
    assert!(
        after < before + 32 * 1024,
        "relay RSS grew from {before} KiB to {after} KiB while the peer sent {sent} bytes"
    );
}

#[tokio::test]
async fn sigterm_during_traffic_closes_sessions_and_exits_0() {
    let mut relay = Process::start(&[]);
    let echo = echo_server().await;
    let mut c = relay.session().await;
    c.connect_tcp(1, echo).await;
    // Echo traffic that keeps going until the relay says goodbye: a small
    // frame, then everything that has come back, again and again.
    let traffic = tokio::spawn(async move {
        let mut frame = vec![1u8, 0, 0, 0, 1];
        frame.extend_from_slice(&[7u8; 64]);
        for _ in 0..100_000 {
            if c.ws
                .send(Message::Binary(frame.clone().into()))
                .await
                .is_err()
            {
                return None;
            }
            while let Ok(next) = tokio::time::timeout(Duration::from_millis(5), c.ws.next()).await {
                match next {
                    Some(Ok(Message::Close(frame))) => return frame.map(|f| f.code),
                    Some(Ok(_)) => {}
                    _ => return None,
                }
            }
        }
        None
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(relay.terminate(), Some(0));
    assert_eq!(traffic.await.unwrap(), Some(CloseCode::Away));
}

/// relay-protocol.md: on SIGTERM, exit 0 within 5 s, whatever the
/// clients do. Graceful shutdown waited for every HTTP request to finish,
/// so a client that had sent half a request held the relay for ever; a
/// WebSocket client that never answers the close frame is let go too.
#[tokio::test]
async fn sigterm_exits_within_5_s_despite_a_half_sent_request() {
    let mut relay = Process::start(&[]);
    let _session = relay.session().await;
    let mut half = tokio::net::TcpStream::connect(relay.addr).await.unwrap();
    half.write_all(format!("GET /healthz HTTP/1.1\r\nHost: {}\r\n", relay.addr).as_bytes())
        .await
        .unwrap();
    let mut mute = tokio::net::TcpStream::connect(relay.addr).await.unwrap();
    mute.write_all(
        format!(
            "GET /ws HTTP/1.1\r\nHost: {}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
            relay.addr
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(relay.terminate(), Some(0));
}

#[tokio::test]
async fn the_built_in_playground_is_served_without_web_root() {
    let relay = Process::start(&[]);
    for (path, mime) in [
        ("/", "text/html"),
        ("/app.js", "javascript"),
        ("/pkg/netlab_wasm_bg.wasm", "application/wasm"),
        ("/pkg/calc/netlab_wasm_bg.wasm", "application/wasm"),
    ] {
        let (status, response) =
            crate::relay::http_get(relay.addr, path, &relay.addr.to_string()).await;
        assert!(
            status.contains("200"),
            "{path}: {status} (is web/pkg built? `cargo xtask build` does it, `cargo xtask test` first of all)"
        );
        let content_type = crate::relay::header(&response, "content-type").unwrap_or_default();
        assert!(content_type.contains(mime), "{path}: {content_type}");
    }
}

/// relay-protocol.md: `NETLAB_RELAY_TOKEN` sets the token too. A token
/// exported in the shell must not make `--no-token` unusable (clap used to
/// refuse the pair as `--token` with `--no-token`): the flag wins.
#[tokio::test]
async fn no_token_wins_over_the_token_in_the_environment() {
    let relay = Process::start_env(&[], &[("NETLAB_RELAY_TOKEN", "from-env")]);
    // `session` connects without a token and expects the hello.
    let mut client = relay.session().await;
    let ok = client
        .call(json!({"op": "socket", "sock": 1, "type": "tcp"}))
        .await;
    assert_eq!(ok["ev"], "ok", "{ok}");
}
