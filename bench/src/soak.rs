//! `relay-soak`: the relay's reliability soak, run by `cargo xtask soak
//! [MINUTES]`.
//!
//! Starts the given `netlab-relay` binary on free loopback ports (labs on,
//! no token), warms every lab up once, takes the baseline (the process's
//! RSS from /proc/PID/status and its open descriptors in /proc/PID/fd),
//! then lets workers open and close sessions for the given time, each
//! session doing one to three lab exchanges picked at random: `echo`,
//! `upper`, `hello`, `sticky`, `framed`, `upload` then `download` of the
//! same file, `auth` (sha1 answer) then `upper`, `cmd` (`echo`), and UDP
//! `chat`. Every byte that comes back is checked against what was sent (CRC32
//! or SHA-256, or the exact bytes the lab must send). Some exchanges are
//! cut short on purpose: the session's WebSocket is dropped without a close
//! handshake after a random few milliseconds (the injected aborts).
//!
//! At the end, once the sessions are gone, it requires: no error but the
//! injected aborts, no corrupted byte, the relay's open descriptors back to
//! the baseline, its RSS within the stated tolerance of the baseline, the
//! relay's `/metrics` showing no session or socket open, and a clean exit 0
//! on SIGTERM. It prints one JSON summary line and exits 1 if any check
//! fails. Loopback only; every loop is bounded by the deadline or a count.

use std::collections::{HashMap, VecDeque};
use std::net::{SocketAddr, TcpListener as StdListener, UdpSocket as StdUdp};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use clap::Parser;
use futures_util::{SinkExt, StreamExt};
use netlab_core::protocol::frame::Frame;
use serde_json::{Value, json};
use sha1::Sha1;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Mutex;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// How long one wait for the relay may take before it is an error.
const STEP_TIMEOUT: Duration = Duration::from_secs(20);
/// The `auth` lab's default secret (labs.md).
const SECRET: &[u8] = b"nice@123!";
/// RSS may end this far above the baseline: the allocator keeps some of
/// what the busiest moment needed, and the sandbox keeps each worker's
/// last upload (at most `workers` × 256 KiB).
const RSS_TOLERANCE_KIB: u64 = 16 * 1024;

#[derive(Debug, Parser)]
#[command(
    about = "The relay's soak: sessions, every lab, random aborts; checks errors, data, memory and fds."
)]
struct Args {
    /// The netlab-relay binary to start.
    #[arg(long)]
    relay: PathBuf,
    /// How long the soak runs, in minutes (fractions allowed).
    #[arg(long, default_value_t = 1.0)]
    minutes: f64,
    /// Concurrent workers, each opening and closing sessions in turn.
    #[arg(long, default_value_t = 8)]
    workers: u32,
    /// Percent of exchanges cut short by dropping the WebSocket.
    #[arg(long, default_value_t = 10)]
    abort_percent: u32,
    /// Seed of the pseudo-random choices.
    #[arg(long, default_value_t = 0x5eed)]
    seed: u64,
}

/// xorshift64*: deterministic choices without a dependency.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// In `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }

    fn letters(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| b'a' + (self.next() % 26) as u8).collect()
    }
}

#[derive(Debug, Default)]
struct Counts {
    sessions: AtomicU64,
    exchanges: AtomicU64,
    aborts: AtomicU64,
    bytes_checked: AtomicU64,
    udp_retries: AtomicU64,
}

/// What went wrong: errors and corruptions, kept apart.
#[derive(Debug)]
enum Failure {
    Error(String),
    Corrupt(String),
}

type Outcome<T = ()> = Result<T, Failure>;

fn err(s: impl Into<String>) -> Failure {
    Failure::Error(s.into())
}

/// One WebSocket session with the relay.
struct Session {
    ws: Ws,
    window: u64,
    max_payload: usize,
    labs: Arc<HashMap<String, u16>>,
    /// Bytes received per socket, not yet taken.
    data: HashMap<u32, Vec<u8>>,
    /// Datagrams received per socket: source port and payload.
    datagrams: HashMap<u32, VecDeque<(u16, Vec<u8>)>>,
    /// Control events not yet taken.
    events: VecDeque<Value>,
    /// Bytes sent and not yet credited back, per socket.
    outstanding: HashMap<u32, u64>,
    eof: HashMap<u32, bool>,
    next_sock: u32,
}

impl Session {
    async fn open(url: &str) -> Outcome<(Self, HashMap<String, u16>)> {
        let (ws, _) = tokio::time::timeout(STEP_TIMEOUT, tokio_tungstenite::connect_async(url))
            .await
            .map_err(|_| err("WebSocket handshake timed out"))?
            .map_err(|e| err(format!("WebSocket {url}: {e}")))?;
        let mut s = Self {
            ws,
            window: 0,
            max_payload: 0,
            labs: Arc::new(HashMap::new()),
            data: HashMap::new(),
            datagrams: HashMap::new(),
            events: VecDeque::new(),
            outstanding: HashMap::new(),
            eof: HashMap::new(),
            next_sock: 1,
        };
        let hello = s.event(|e| e["ev"] == "hello").await?;
        s.window = hello["limits"]["window"].as_u64().unwrap_or(65536);
        s.max_payload = hello["limits"]["max_frame"].as_u64().map_or(16384, |m| {
            (m as usize).saturating_sub(64).clamp(1024, 65536)
        });
        let mut labs = HashMap::new();
        for lab in hello["labs"].as_array().into_iter().flatten() {
            if let (Some(name), Some(port)) = (lab["name"].as_str(), lab["port"].as_u64()) {
                labs.insert(name.to_owned(), port as u16);
            }
        }
        s.labs = Arc::new(labs.clone());
        Ok((s, labs))
    }

    fn lab(&self, name: &str) -> Outcome<u16> {
        self.labs
            .get(name)
            .copied()
            .ok_or_else(|| err(format!("the hello lists no lab '{name}'")))
    }

    /// Reads one message from the relay and files it.
    async fn pump(&mut self) -> Outcome {
        let msg = tokio::time::timeout(STEP_TIMEOUT, self.ws.next())
            .await
            .map_err(|_| err("no message from the relay for 20 s"))?;
        match msg {
            Some(Ok(Message::Text(text))) => {
                let v: Value = serde_json::from_str(&text)
                    .map_err(|e| err(format!("relay sent bad JSON {text}: {e}")))?;
                match v["ev"].as_str() {
                    Some("credit") => {
                        let sock = v["sock"].as_u64().unwrap_or(0) as u32;
                        let n = v["bytes"].as_u64().unwrap_or(0);
                        let o = self.outstanding.entry(sock).or_default();
                        *o = o.saturating_sub(n);
                    }
                    Some("eof") => {
                        self.eof
                            .insert(v["sock"].as_u64().unwrap_or(0) as u32, true);
                    }
                    Some("error") => return Err(err(format!("relay error event: {v}"))),
                    _ => self.events.push_back(v),
                }
                Ok(())
            }
            Some(Ok(Message::Binary(bytes))) => {
                match Frame::parse(&bytes).map_err(|e| err(format!("bad frame: {e}")))? {
                    Frame::Stream { sock, payload } => {
                        self.data
                            .entry(sock)
                            .or_default()
                            .extend_from_slice(payload);
                        let grant = json!({"op": "credit", "sock": sock, "bytes": payload.len()});
                        self.send_text(&grant).await?;
                    }
                    Frame::Datagram {
                        sock,
                        addr,
                        payload,
                    } => {
                        self.datagrams
                            .entry(sock)
                            .or_default()
                            .push_back((addr.port(), payload.to_vec()));
                    }
                }
                Ok(())
            }
            Some(Ok(Message::Close(frame))) => {
                Err(err(format!("relay closed the session: {frame:?}")))
            }
            Some(Ok(_)) => Ok(()),
            Some(Err(e)) => Err(err(format!("WebSocket: {e}"))),
            None => Err(err("the relay ended the session")),
        }
    }

    async fn send_text(&mut self, v: &Value) -> Outcome {
        self.ws
            .send(Message::Text(v.to_string().into()))
            .await
            .map_err(|e| err(format!("WebSocket send: {e}")))
    }

    /// The first queued or coming event that `pick` accepts.
    async fn event(&mut self, pick: impl Fn(&Value) -> bool) -> Outcome<Value> {
        for _ in 0..100_000 {
            if let Some(i) = self.events.iter().position(&pick) {
                return Ok(self.events.remove(i).unwrap_or_default());
            }
            self.pump().await?;
        }
        Err(err("too many messages without the awaited event"))
    }

    /// Sends an op and waits for its `ok`.
    async fn op(&mut self, v: Value) -> Outcome<Value> {
        let (sock, name) = (v["sock"].clone(), v["op"].clone());
        self.send_text(&v).await?;
        self.event(|e| e["ev"] == "ok" && e["sock"] == sock && e["op"] == name)
            .await
    }

    async fn tcp(&mut self, lab: &str) -> Outcome<u32> {
        let port = self.lab(lab)?;
        let sock = self.next_sock;
        self.next_sock += 1;
        self.op(json!({"op": "socket", "sock": sock, "type": "tcp"}))
            .await?;
        self.op(json!({"op": "connect", "sock": sock, "host": "127.0.0.1", "port": port}))
            .await?;
        Ok(sock)
    }

    async fn close(&mut self, sock: u32) -> Outcome {
        self.send_text(&json!({"op": "close", "sock": sock}))
            .await?;
        self.event(|e| (e["ev"] == "closed" || e["ev"] == "ok") && e["sock"] == sock)
            .await?;
        self.data.remove(&sock);
        self.eof.remove(&sock);
        self.outstanding.remove(&sock);
        Ok(())
    }

    /// `sendall`, within the credit window.
    async fn send(&mut self, sock: u32, mut bytes: &[u8]) -> Outcome {
        while !bytes.is_empty() {
            let n = bytes.len().min(self.max_payload);
            for _ in 0..100_000 {
                if self.outstanding.get(&sock).copied().unwrap_or(0) + n as u64 <= self.window {
                    break;
                }
                self.pump().await?;
            }
            let mut frame = Vec::with_capacity(n + 5);
            Frame::Stream {
                sock,
                payload: &bytes[..n],
            }
            .emit(&mut frame);
            self.ws
                .send(Message::Binary(frame.into()))
                .await
                .map_err(|e| err(format!("WebSocket send: {e}")))?;
            *self.outstanding.entry(sock).or_default() += n as u64;
            bytes = &bytes[n..];
        }
        Ok(())
    }

    /// Exactly `n` bytes (an early end is an error).
    async fn recv_exact(&mut self, sock: u32, n: usize) -> Outcome<Vec<u8>> {
        for _ in 0..1_000_000 {
            let have = self.data.get(&sock).map_or(0, Vec::len);
            if have >= n {
                let buf = self.data.entry(sock).or_default();
                return Ok(buf.drain(..n).collect());
            }
            if self.eof.get(&sock).copied().unwrap_or(false) {
                return Err(Failure::Corrupt(format!(
                    "socket {sock}: the peer closed after {have} of {n} bytes"
                )));
            }
            self.pump().await?;
        }
        Err(err("too many messages"))
    }

    /// Everything until the peer closes.
    async fn recv_to_eof(&mut self, sock: u32, limit: usize) -> Outcome<Vec<u8>> {
        for _ in 0..1_000_000 {
            if self.eof.get(&sock).copied().unwrap_or(false) {
                return Ok(self.data.remove(&sock).unwrap_or_default());
            }
            if self.data.get(&sock).map_or(0, Vec::len) > limit {
                return Err(Failure::Corrupt(format!(
                    "socket {sock}: more than {limit} bytes"
                )));
            }
            self.pump().await?;
        }
        Err(err("too many messages"))
    }
}

fn expect(what: &str, got: &[u8], want: &[u8]) -> Outcome {
    if got == want {
        Ok(())
    } else {
        Err(Failure::Corrupt(format!(
            "{what}: got {} bytes (crc32 {:08x}), expected {} (crc32 {:08x})",
            got.len(),
            crc32fast::hash(got),
            want.len(),
            crc32fast::hash(want)
        )))
    }
}

const KINDS: &[&str] = &[
    "echo", "upper", "hello", "sticky", "framed", "files", "auth", "cmd", "chat",
];

/// One exchange with a lab; returns the bytes checked.
async fn exchange(s: &mut Session, kind: &str, rng: &mut Rng, worker: u32) -> Outcome<u64> {
    match kind {
        "echo" => {
            let sock = s.tcp("echo").await?;
            let data = {
                let n = rng.range(1, 128 * 1024) as usize;
                rng.bytes(n)
            };
            // Sent in one go (within the window), read back as it comes.
            s.send(sock, &data).await?;
            let back = s.recv_exact(sock, data.len()).await?;
            expect("echo", &back, &data)?;
            s.close(sock).await?;
            Ok(data.len() as u64)
        }
        "upper" => {
            let sock = s.tcp("upper").await?;
            let text = {
                let n = rng.range(1, 8 * 1024) as usize;
                rng.letters(n)
            };
            s.send(sock, &text).await?;
            let back = s.recv_exact(sock, text.len()).await?;
            expect("upper", &back, &text.to_ascii_uppercase())?;
            s.close(sock).await?;
            Ok(text.len() as u64)
        }
        "hello" => {
            let sock = s.tcp("hello").await?;
            let greeting = s.recv_exact(sock, 5).await?;
            expect("hello", &greeting, b"hello")?;
            s.send(sock, b"hi from the soak").await?;
            let rest = s.recv_to_eof(sock, 1024).await?;
            expect("hello's end", &rest, b"")?;
            s.close(sock).await?;
            Ok(5)
        }
        "sticky" => {
            let sock = s.tcp("sticky").await?;
            let all = s.recv_to_eof(sock, 1024).await?;
            expect("sticky", &all, b"hellonice")?;
            s.close(sock).await?;
            Ok(9)
        }
        "framed" => {
            let sock = s.tcp("framed").await?;
            let all = s.recv_to_eof(sock, 1024).await?;
            let mut want = Vec::new();
            for word in [&b"hello"[..], b"nice"] {
                want.extend_from_slice(&(word.len() as i32).to_le_bytes());
                want.extend_from_slice(word);
            }
            expect("framed", &all, &want)?;
            s.close(sock).await?;
            Ok(want.len() as u64)
        }
        "files" => {
            let name = format!("soak-{worker}.bin");
            let data = {
                let n = rng.range(1, 256 * 1024) as usize;
                rng.bytes(n)
            };
            let sha = hex(&Sha256::digest(&data));
            let sock = s.tcp("upload").await?;
            let header = json!({"filename": name, "filesize": data.len()}).to_string();
            let mut head = (header.len() as i32).to_le_bytes().to_vec();
            head.extend_from_slice(header.as_bytes());
            s.send(sock, &head).await?;
            s.send(sock, &data).await?;
            let answer = s.recv_to_eof(sock, 4096).await?;
            s.close(sock).await?;
            let v: Value = serde_json::from_slice(answer.trim_ascii())
                .map_err(|e| Failure::Corrupt(format!("upload answered {answer:?}: {e}")))?;
            if v["ok"] != true || v["sha256"] != sha.as_str() || v["size"] != data.len() {
                return Err(Failure::Corrupt(format!(
                    "upload of {} bytes (sha256 {sha}) answered {v}",
                    data.len()
                )));
            }
            let sock = s.tcp("download").await?;
            s.send(sock, name.as_bytes()).await?;
            let back = s.recv_to_eof(sock, 17 << 20).await?;
            expect("download", &back, &data)?;
            s.close(sock).await?;
            Ok(2 * data.len() as u64)
        }
        "auth" => {
            let sock = s.tcp("auth").await?;
            let challenge = s.recv_exact(sock, 32).await?;
            let mut h = Sha1::new();
            h.update(SECRET);
            h.update(&challenge);
            s.send(sock, hex(&h.finalize()).as_bytes()).await?;
            let welcome = s.recv_exact(sock, 5).await?;
            expect("auth's welcome", &welcome, b"hello")?;
            let text = {
                let n = rng.range(1, 512) as usize;
                rng.letters(n)
            };
            s.send(sock, &text).await?;
            let back = s.recv_exact(sock, text.len()).await?;
            expect("auth then upper", &back, &text.to_ascii_uppercase())?;
            s.close(sock).await?;
            Ok(32 + 5 + text.len() as u64)
        }
        "cmd" => {
            let sock = s.tcp("cmd").await?;
            let welcome = "欢迎登录".as_bytes();
            let got = s.recv_exact(sock, welcome.len()).await?;
            expect("cmd's welcome", &got, welcome)?;
            let word = {
                let n = rng.range(1, 200) as usize;
                rng.letters(n)
            };
            let mut command = b"echo ".to_vec();
            command.extend_from_slice(&word);
            s.send(sock, &command).await?;
            // `info|<len>` then the result, back to back: the result
            // starts with a letter, so the digits end where it begins.
            let prefix = format!("info|{}", word.len());
            let got = s.recv_exact(sock, prefix.len() + word.len()).await?;
            let mut want = prefix.into_bytes();
            want.extend_from_slice(&word);
            expect("cmd echo", &got, &want)?;
            s.close(sock).await?;
            Ok(want.len() as u64)
        }
        "chat" => {
            let port = s.lab("chat")?;
            let sock = s.next_sock;
            s.next_sock += 1;
            s.op(json!({"op": "socket", "sock": sock, "type": "udp"}))
                .await?;
            s.op(json!({"op": "bind", "sock": sock, "host": "127.0.0.1", "port": 0}))
                .await?;
            let message = format!("soak{worker}|{}", String::from_utf8_lossy(&rng.letters(24)));
            let to: SocketAddr = ([127, 0, 0, 1], port).into();
            // UDP may lose a datagram; three tries, each waiting 3 s.
            for attempt in 0..3 {
                let mut frame = Vec::new();
                Frame::Datagram {
                    sock,
                    addr: to,
                    payload: message.as_bytes(),
                }
                .emit(&mut frame);
                s.ws.send(Message::Binary(frame.into()))
                    .await
                    .map_err(|e| err(format!("WebSocket send: {e}")))?;
                let until = Instant::now() + Duration::from_secs(3);
                while Instant::now() < until {
                    if let Some(q) = s.datagrams.get_mut(&sock) {
                        while let Some((from, payload)) = q.pop_front() {
                            if from == port && payload == message.as_bytes() {
                                s.close(sock).await?;
                                return Ok(message.len() as u64);
                            }
                        }
                    }
                    let left = until.saturating_duration_since(Instant::now());
                    if tokio::time::timeout(left, s.pump()).await.is_err() {
                        break;
                    }
                }
                if attempt < 2 {
                    UDP_RETRIES.fetch_add(1, Ordering::Relaxed);
                }
            }
            Err(err("chat: our own message never came back (3 tries)"))
        }
        other => Err(err(format!("no exchange '{other}'"))),
    }
}

static UDP_RETRIES: AtomicU64 = AtomicU64::new(0);

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(Debug, Default)]
struct Failures {
    errors: Vec<String>,
    corrupt: Vec<String>,
}

async fn worker(
    id: u32,
    url: Arc<String>,
    deadline: Instant,
    abort_percent: u32,
    seed: u64,
    counts: Arc<Counts>,
    failures: Arc<Mutex<Failures>>,
) {
    let mut rng = Rng(seed ^ (u64::from(id) + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    // Bounded: the deadline ends it, and so does a count far above what a
    // minute allows.
    for _ in 0..1_000_000 {
        if Instant::now() >= deadline {
            break;
        }
        let record = |f: Failure, failures: Arc<Mutex<Failures>>| async move {
            let mut all = failures.lock().await;
            match f {
                Failure::Error(e) => all.errors.push(e),
                Failure::Corrupt(c) => all.corrupt.push(c),
            }
        };
        let mut session = match Session::open(&url).await {
            Ok((s, _)) => s,
            Err(f) => {
                record(f, Arc::clone(&failures)).await;
                continue;
            }
        };
        counts.sessions.fetch_add(1, Ordering::Relaxed);
        let mut aborted = false;
        for _ in 0..rng.range(1, 3) {
            let kind = KINDS[rng.range(0, KINDS.len() as u64 - 1) as usize];
            let abort = rng.range(1, 100) <= u64::from(abort_percent);
            if abort {
                // Cut the exchange short after a few milliseconds, then
                // drop the WebSocket with no close handshake.
                let after = Duration::from_millis(rng.range(0, 30));
                let _ =
                    tokio::time::timeout(after, exchange(&mut session, kind, &mut rng, id)).await;
                counts.aborts.fetch_add(1, Ordering::Relaxed);
                aborted = true;
                break;
            }
            match exchange(&mut session, kind, &mut rng, id).await {
                Ok(n) => {
                    counts.exchanges.fetch_add(1, Ordering::Relaxed);
                    counts.bytes_checked.fetch_add(n, Ordering::Relaxed);
                }
                Err(f) => {
                    let f = match f {
                        Failure::Error(e) => Failure::Error(format!("{kind}: {e}")),
                        Failure::Corrupt(c) => Failure::Corrupt(format!("{kind}: {c}")),
                    };
                    record(f, Arc::clone(&failures)).await;
                    aborted = true;
                    break;
                }
            }
        }
        if aborted {
            drop(session);
        } else {
            let _ = tokio::time::timeout(STEP_TIMEOUT, session.ws.close(None)).await;
            // Let the relay's close reach us, so the session is gone.
            let _ = tokio::time::timeout(STEP_TIMEOUT, async {
                while let Some(Ok(_)) = session.ws.next().await {}
            })
            .await;
        }
    }
}

fn free_tcp_port() -> Result<u16, String> {
    let l = StdListener::bind("127.0.0.1:0").map_err(|e| format!("bind: {e}"))?;
    Ok(l.local_addr().map_err(|e| e.to_string())?.port())
}

/// A base port with its next ten ports free for TCP and UDP.
fn free_lab_base(rng: &mut Rng) -> Result<u16, String> {
    for _ in 0..200 {
        let base = rng.range(20_000, 60_000) as u16;
        let free = (base..base + 10).all(|p| {
            StdListener::bind(("127.0.0.1", p)).is_ok() && StdUdp::bind(("127.0.0.1", p)).is_ok()
        });
        if free {
            return Ok(base);
        }
    }
    Err("no ten free consecutive ports for the labs".into())
}

fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

fn fds(pid: u32) -> Option<usize> {
    Some(std::fs::read_dir(format!("/proc/{pid}/fd")).ok()?.count())
}

async fn metrics(port: u16) -> Result<HashMap<String, f64>, String> {
    let mut tcp = TcpStream::connect(("127.0.0.1", port))
        .await
        .map_err(|e| format!("metrics: {e}"))?;
    let req =
        format!("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    tcp.write_all(req.as_bytes())
        .await
        .map_err(|e| format!("metrics: {e}"))?;
    let mut body = String::new();
    tokio::time::timeout(STEP_TIMEOUT, tcp.read_to_string(&mut body))
        .await
        .map_err(|_| "metrics: timed out".to_owned())?
        .map_err(|e| format!("metrics: {e}"))?;
    Ok(body
        .lines()
        .filter(|l| l.starts_with("netlab_relay_"))
        .filter_map(|l| {
            let (k, v) = l.split_once(' ')?;
            Some((k.to_owned(), v.trim().parse().ok()?))
        })
        .collect())
}

/// Stops the relay with SIGTERM (through kill(1): the crate has no
/// `unsafe`) and waits up to 5 s for its exit status.
fn stop(child: &mut Child) -> Result<i32, String> {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let until = Instant::now() + Duration::from_secs(5);
    while Instant::now() < until {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            return Ok(status.code().unwrap_or(-1));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    Err("the relay did not exit within 5 s of SIGTERM".into())
}

struct Relay(Child);

impl Drop for Relay {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    match soak(&args).await {
        Ok(summary) => {
            let ok = summary["passed"] == true;
            println!("{summary}");
            std::process::exit(if ok { 0 } else { 1 });
        }
        Err(e) => {
            eprintln!("relay-soak: {e}");
            std::process::exit(2);
        }
    }
}

async fn soak(args: &Args) -> Result<Value, String> {
    let mut rng = Rng(args.seed | 1);
    let port = free_tcp_port()?;
    let lab_base = free_lab_base(&mut rng)?;
    let child = Command::new(&args.relay)
        .args(["--listen", &format!("127.0.0.1:{port}"), "--no-token"])
        .args(["--lab-base-port", &lab_base.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", args.relay.display()))?;
    let mut relay = Relay(child);
    let pid = relay.0.id();
    let url = Arc::new(format!("ws://127.0.0.1:{port}/ws"));

    // Up within 10 s.
    let up = Instant::now() + Duration::from_secs(10);
    let labs = loop {
        match Session::open(&url).await {
            Ok((s, labs)) => {
                drop(s);
                break labs;
            }
            Err(_) if Instant::now() < up => tokio::time::sleep(Duration::from_millis(100)).await,
            Err(Failure::Error(e) | Failure::Corrupt(e)) => {
                return Err(format!("relay not up: {e}"));
            }
        }
    };
    for lab in [
        "hello", "echo", "upper", "chat", "sticky", "framed", "upload", "download", "auth", "cmd",
    ] {
        if !labs.contains_key(lab) {
            return Err(format!("the relay's hello lists no lab '{lab}': {labs:?}"));
        }
    }

    // Warm-up: every exchange once, none may fail.
    for kind in KINDS {
        let (mut s, _) = Session::open(&url).await.map_err(describe)?;
        exchange(&mut s, kind, &mut rng, 0)
            .await
            .map_err(|f| format!("warm-up {kind}: {}", describe(f)))?;
        let _ = s.ws.close(None).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let base_rss = rss_kib(pid).ok_or("cannot read the relay's RSS")?;
    let base_fds = fds(pid).ok_or("cannot read the relay's fds")?;

    let counts = Arc::new(Counts::default());
    let failures = Arc::new(Mutex::new(Failures::default()));
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(args.minutes * 60.0);
    let mut peak_rss = base_rss;
    let mut peak_fds = base_fds;
    let mut tasks = Vec::new();
    for id in 1..=args.workers {
        tasks.push(tokio::spawn(worker(
            id,
            Arc::clone(&url),
            deadline,
            args.abort_percent,
            args.seed,
            Arc::clone(&counts),
            Arc::clone(&failures),
        )));
    }
    while Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(500)).await;
        peak_rss = peak_rss.max(rss_kib(pid).unwrap_or(0));
        peak_fds = peak_fds.max(fds(pid).unwrap_or(0));
    }
    for t in tasks {
        t.await.map_err(|e| format!("worker panicked: {e}"))?;
    }
    let ran = started.elapsed();

    // Settle: the relay closes what aborted sessions left (up to 20 s).
    let settle = Instant::now();
    let (mut end_fds, mut end_rss, mut open) = (0, 0, HashMap::new());
    while settle.elapsed() < Duration::from_secs(20) {
        end_fds = fds(pid).unwrap_or(usize::MAX);
        end_rss = rss_kib(pid).unwrap_or(u64::MAX);
        open = metrics(port).await?;
        let gauges_zero = ["netlab_relay_sessions_open", "netlab_relay_sockets_open"]
            .iter()
            .all(|k| open.get(*k).copied().unwrap_or(0.0) == 0.0);
        if end_fds <= base_fds && gauges_zero {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let settled_in = settle.elapsed();
    let exit = stop(&mut relay.0);

    let failures = failures.lock().await;
    let mut problems = Vec::new();
    if !failures.errors.is_empty() {
        problems.push(format!(
            "{} errors beyond the injected aborts",
            failures.errors.len()
        ));
    }
    if !failures.corrupt.is_empty() {
        problems.push(format!("{} corrupted exchanges", failures.corrupt.len()));
    }
    if end_fds > base_fds {
        problems.push(format!("open fds {end_fds} > baseline {base_fds}"));
    }
    if end_rss > base_rss + RSS_TOLERANCE_KIB {
        problems.push(format!(
            "RSS {end_rss} KiB > baseline {base_rss} KiB + {RSS_TOLERANCE_KIB} KiB"
        ));
    }
    for k in ["netlab_relay_sessions_open", "netlab_relay_sockets_open"] {
        if let Some(v) = open.get(k).filter(|v| **v != 0.0) {
            problems.push(format!("{k} is {v} at the end"));
        }
    }
    match &exit {
        Ok(0) => {}
        Ok(code) => problems.push(format!("the relay exited {code} on SIGTERM")),
        Err(e) => problems.push(e.clone()),
    }
    if counts.exchanges.load(Ordering::Relaxed) == 0 {
        problems.push("no exchange completed".into());
    }
    let sample = |v: &[String]| v.iter().take(5).cloned().collect::<Vec<_>>();
    Ok(json!({
        "passed": problems.is_empty(),
        "problems": problems,
        "seconds": ran.as_secs_f64().round(),
        "workers": args.workers,
        "sessions": counts.sessions.load(Ordering::Relaxed),
        "exchanges": counts.exchanges.load(Ordering::Relaxed),
        "injected_aborts": counts.aborts.load(Ordering::Relaxed),
        "bytes_checked": counts.bytes_checked.load(Ordering::Relaxed),
        "udp_retries": UDP_RETRIES.load(Ordering::Relaxed) + counts.udp_retries.load(Ordering::Relaxed),
        "errors": failures.errors.len(),
        "error_samples": sample(&failures.errors),
        "corrupt": failures.corrupt.len(),
        "corrupt_samples": sample(&failures.corrupt),
        "rss_kib": {"baseline": base_rss, "peak": peak_rss, "end": end_rss, "tolerance": RSS_TOLERANCE_KIB},
        "fds": {"baseline": base_fds, "peak": peak_fds, "end": end_fds},
        "settled_s": (settled_in.as_secs_f64() * 10.0).round() / 10.0,
        "metrics_end": open,
        "relay_exit": exit.ok(),
    }))
}

fn describe(f: Failure) -> String {
    match f {
        Failure::Error(e) => format!("error: {e}"),
        Failure::Corrupt(c) => format!("corrupt: {c}"),
    }
}
