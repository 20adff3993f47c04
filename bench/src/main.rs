//! `relay-load`: the relay's load harness. It plays the browser against one
//! target (netlab's relay, a plain WebSocket-to-TCP proxy such as websocat
//! or websockify, or raw loopback TCP), runs its own sink, source or echo
//! server on 127.0.0.1, runs one scenario and prints one JSON line.
//!
//! Every byte stays on loopback, every loop is bounded in count, and each
//! scenario has a global deadline after which the harness reports the
//! failure and exits.
//!
//! A proxy whose TCP target is fixed when it starts (websocat, websockify)
//! is pointed at a port chosen up front, and the harness is told to run its
//! server there with `--server-port`.

mod link;
mod servers;
mod stats;

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use serde_json::{Value, json};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use link::{Kind, Options, Rx, Tx};
use servers::Pattern;

/// How long one echo may take in the latency and scale scenarios before it
/// counts as an error.
const ROUND_TRIP_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Scenario {
    /// Browser to TCP: `--bytes` into a checksumming sink; MiB/s.
    BulkUp,
    /// TCP to browser: `--bytes` from a source, checksummed; MiB/s.
    BulkDown,
    /// `--round-trips` echoes of a `--message`-byte message: p50/p99/max µs.
    Latency,
    /// `--sessions` links, each echoing every `--interval-ms` for `--duration` s.
    Scale,
}

/// Plays the browser against a relay, a WebSocket proxy or raw TCP, and
/// prints one JSON line of results.
#[derive(Debug, Parser)]
#[command(name = "relay-load", version, about)]
struct Args {
    /// How to reach the harness's server.
    #[arg(long, value_enum)]
    target: Kind,
    #[arg(long, value_enum)]
    scenario: Scenario,
    /// The WebSocket URL (netlab: the relay's /ws; raw-ws: the proxy's).
    #[arg(long, default_value = "ws://127.0.0.1:8080/ws")]
    url: String,
    /// A WebSocket subprotocol to request (websockify: binary).
    #[arg(long)]
    subprotocol: Option<String>,
    /// The port of the harness's own server on 127.0.0.1 (0: any free one).
    #[arg(long, default_value_t = 0)]
    server_port: u16,
    /// Bytes per bulk transfer.
    #[arg(long, default_value_t = 1 << 30)]
    bytes: u64,
    /// Bytes per message or write sent by the harness in bulk-up.
    #[arg(long, default_value_t = 64 * 1024)]
    chunk: usize,
    /// Round trips in the latency scenario (after a short warm-up).
    #[arg(long, default_value_t = 10_000)]
    round_trips: u32,
    /// Bytes per echoed message.
    #[arg(long, default_value_t = 32)]
    message: usize,
    /// Sessions in the scale scenario.
    #[arg(long, default_value_t = 5_000)]
    sessions: u32,
    /// Seconds the scale scenario echoes.
    #[arg(long, default_value_t = 20)]
    duration: u64,
    /// Milliseconds between two echoes of one scale session.
    #[arg(long, default_value_t = 100)]
    interval_ms: u64,
    /// Handshakes in progress at once while the scale sessions open.
    #[arg(long, default_value_t = 64)]
    connect_concurrency: usize,
    /// The target's process: its CPU time (with its children's) is reported
    /// in every scenario, its memory in the scale scenario.
    #[arg(long)]
    pid: Option<u32>,
    /// netlab: return credit once this many consumed bytes are ungranted.
    #[arg(long, default_value_t = 32 * 1024)]
    credit_batch: u32,
    /// Do not set TCP_NODELAY on the socket to the server (netlab, raw-tcp).
    #[arg(long)]
    no_nodelay: bool,
    /// Give up after this many seconds (default: from the scenario's size).
    #[arg(long)]
    deadline: Option<u64>,
    /// Runtime worker threads (default: one per CPU).
    #[arg(long)]
    threads: Option<usize>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    // The scale scenario holds two sockets per session in this process.
    let nofile = rlimit::increase_nofile_limit(u64::MAX).ok();
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    builder.enable_all();
    if let Some(threads) = args.threads {
        builder.worker_threads(threads.max(1));
    }
    let runtime = match builder.build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("relay-load: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let deadline = Duration::from_secs(
        args.deadline
            .unwrap_or_else(|| default_deadline(&args))
            .max(10),
    );
    let head = json!({
        "scenario": format!("{:?}", args.scenario).to_lowercase().replace("bulk", "bulk-"),
        "target": format!("{:?}", args.target).to_lowercase().replace("raw", "raw-"),
        "nofile": nofile,
    });
    let outcome = runtime.block_on(async {
        tokio::time::timeout(deadline, run(&args, deadline))
            .await
            .unwrap_or_else(|_| {
                Err(format!(
                    "the scenario's deadline of {} s passed",
                    deadline.as_secs()
                ))
            })
    });
    let (mut line, code) = match outcome {
        Ok(result) => (result, ExitCode::SUCCESS),
        Err(error) => (json!({"ok": false, "error": error}), ExitCode::FAILURE),
    };
    if let (Value::Object(line), Value::Object(head)) = (&mut line, head) {
        for (k, v) in head {
            line.insert(k, v);
        }
    }
    println!("{line}");
    // Open links and server tasks end with the process.
    runtime.shutdown_background();
    code
}

fn default_deadline(args: &Args) -> u64 {
    match args.scenario {
        // At least 8 MiB/s, plus start-up.
        Scenario::BulkUp | Scenario::BulkDown => 60 + args.bytes / (8 << 20),
        Scenario::Latency => 30 + u64::from(args.round_trips) / 500,
        Scenario::Scale => 60 + args.duration + u64::from(args.sessions) / 50,
    }
}

async fn run(args: &Args, deadline: Duration) -> Result<Value, String> {
    if args.message == 0 || args.chunk == 0 || args.chunk > servers::MAX_SLICE {
        return Err(format!(
            "--message must be positive and --chunk in 1..={}",
            servers::MAX_SLICE
        ));
    }
    let options = Options {
        kind: args.target,
        url: args.url.clone(),
        subprotocol: args.subprotocol.clone(),
        credit_batch: args.credit_batch,
        nodelay: !args.no_nodelay,
        // Bulk messages are 64 KiB: a buffer that takes one whole; the
        // echoes are 32 bytes.
        read_buffer: match args.scenario {
            Scenario::BulkUp | Scenario::BulkDown => 128 * 1024,
            Scenario::Latency | Scenario::Scale => 4 * 1024,
        },
    };
    let listener = servers::listen(args.server_port)?;
    let server = listener
        .local_addr()
        .map_err(|e| format!("local address: {e}"))?;
    match args.scenario {
        Scenario::BulkUp => bulk_up(args, &options, listener, server).await,
        Scenario::BulkDown => bulk_down(args, &options, listener, server).await,
        Scenario::Latency => {
            servers::echo(listener);
            latency(args, &options, server, deadline.mul_f64(0.8)).await
        }
        Scenario::Scale => {
            servers::echo(listener);
            scale(args, &options, server).await
        }
    }
}

/// CPU seconds used so far by the target (when its pid is known) and by
/// this harness, to report what a scenario cost beside how long it took.
#[derive(Debug, Clone, Copy)]
struct Cpu {
    target: Option<f64>,
    harness: f64,
}

impl Cpu {
    fn now(pid: Option<u32>) -> Self {
        Self {
            target: pid.map(stats::cpu_seconds),
            harness: stats::cpu_seconds(std::process::id()),
        }
    }

    /// The CPU seconds spent since `self`, as JSON fields.
    fn since(self, pid: Option<u32>) -> Value {
        let now = Self::now(pid);
        let round = |x: f64| (x * 100.0).round() / 100.0;
        json!({
            "target_cpu_s": self.target.zip(now.target).map(|(a, b)| round(b - a)),
            "harness_cpu_s": round(now.harness - self.harness),
        })
    }
}

fn merge(into: &mut Value, from: Value) {
    if let (Value::Object(into), Value::Object(from)) = (into, from) {
        into.extend(from);
    }
}

fn mib_s(bytes: u64, elapsed: Duration) -> f64 {
    let mib = bytes as f64 / f64::from(1 << 20);
    (mib / elapsed.as_secs_f64().max(1e-9) * 10.0).round() / 10.0
}

/// Drains the receiving half in the background (netlab: so `credit`
/// events reach the sender).
fn drain(mut rx: Rx) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move { while let Ok(Some(_)) = rx.recv().await {} })
}

async fn bulk_up(
    args: &Args,
    options: &Options,
    listener: tokio::net::TcpListener,
    server: SocketAddr,
) -> Result<Value, String> {
    let pattern = Pattern::new();
    let mut reports = servers::sink(listener, args.bytes);
    let (mut tx, rx) = link::open(options, server).await?;
    let drainer = drain(rx);
    let mut crc = crc32fast::Hasher::new();
    let cpu = Cpu::now(args.pid);
    let start = Instant::now();
    let mut sent = 0u64;
    while sent < args.bytes {
        let len = usize::try_from(args.bytes - sent)
            .unwrap_or(usize::MAX)
            .min(args.chunk);
        let chunk = pattern.at(sent, len);
        crc.update(chunk);
        tx.send(chunk).await?;
        sent += chunk.len() as u64;
    }
    let report = reports.recv().await.ok_or("the sink reported nothing")?;
    let cpu = cpu.since(args.pid);
    tx.finish().await;
    drainer.abort();
    let crc = crc.finalize();
    let elapsed = report.at.saturating_duration_since(start);
    if report.bytes != args.bytes || report.crc != crc {
        return Err(format!(
            "the sink got {} bytes with CRC {:08x}; sent {} bytes with CRC {crc:08x}",
            report.bytes, report.crc, args.bytes
        ));
    }
    let mut result = json!({
        "ok": true,
        "bytes": args.bytes,
        "chunk": args.chunk,
        "secs": elapsed.as_secs_f64(),
        "mib_s": mib_s(args.bytes, elapsed),
        "crc32": format!("{crc:08x}"),
    });
    merge(&mut result, cpu);
    Ok(result)
}

async fn bulk_down(
    args: &Args,
    options: &Options,
    listener: tokio::net::TcpListener,
    server: SocketAddr,
) -> Result<Value, String> {
    let pattern = Arc::new(Pattern::new());
    let mut reports = servers::source(listener, args.bytes, pattern);
    let (mut tx, mut rx) = link::open(options, server).await?;
    let mut crc = crc32fast::Hasher::new();
    let mut got = 0u64;
    let mut messages = 0u64;
    let cpu = Cpu::now(args.pid);
    let start = Instant::now();
    tx.send(b"g").await?;
    while got < args.bytes {
        match rx.recv().await? {
            Some(data) => {
                crc.update(&data);
                got += data.len() as u64;
                messages += 1;
            }
            None => break,
        }
    }
    let elapsed = start.elapsed();
    let cpu = cpu.since(args.pid);
    let report = reports.recv().await.ok_or("the source reported nothing")?;
    tx.finish().await;
    let crc = crc.finalize();
    if got != args.bytes || report.bytes != args.bytes || report.crc != crc {
        return Err(format!(
            "got {got} bytes with CRC {crc:08x}; the source sent {} with CRC {:08x}",
            report.bytes, report.crc
        ));
    }
    let mut result = json!({
        "ok": true,
        "bytes": args.bytes,
        "secs": elapsed.as_secs_f64(),
        "mib_s": mib_s(args.bytes, elapsed),
        "mean_message": got / messages.max(1),
        "crc32": format!("{crc:08x}"),
    });
    merge(&mut result, cpu);
    Ok(result)
}

/// One echo: sends `message`, waits until as many bytes came back, and
/// checks them; returns the round trip in µs.
async fn round_trip(tx: &mut Tx, rx: &mut Rx, message: &[u8]) -> Result<u32, String> {
    let start = Instant::now();
    tx.send(message).await?;
    let mut back = Vec::with_capacity(message.len());
    while back.len() < message.len() {
        match tokio::time::timeout(ROUND_TRIP_TIMEOUT, rx.recv()).await {
            Ok(Ok(Some(data))) => back.extend_from_slice(&data),
            Ok(Ok(None)) => return Err("the echo ended the stream".into()),
            Ok(Err(e)) => return Err(e),
            Err(_) => {
                return Err(format!("no echo within {} s", ROUND_TRIP_TIMEOUT.as_secs()));
            }
        }
    }
    let micros = u32::try_from(start.elapsed().as_micros()).unwrap_or(u32::MAX);
    if back != message {
        return Err("the echo differs from the message".into());
    }
    Ok(micros)
}

fn message(len: usize, session: u32, count: u32) -> Vec<u8> {
    let tag = [session.to_be_bytes(), count.to_be_bytes()].concat();
    (0..len)
        .map(|i| tag.get(i % tag.len()).copied().unwrap_or(0) ^ (i as u8))
        .collect()
}

/// Round trips one after the other; stops early, with the figures so far,
/// once `budget` is spent (a target with a pathological delay still gets
/// measured instead of only timing out).
async fn latency(
    args: &Args,
    options: &Options,
    server: SocketAddr,
    budget: Duration,
) -> Result<Value, String> {
    let stop_at = Instant::now() + budget;
    let (mut tx, mut rx) = link::open(options, server).await?;
    let warmup = (args.round_trips / 10).min(200);
    let mut rtts = Vec::with_capacity(args.round_trips as usize);
    let mut cpu = Cpu::now(args.pid);
    for i in 0..warmup + args.round_trips {
        if i == warmup {
            cpu = Cpu::now(args.pid);
        }
        if Instant::now() >= stop_at {
            break;
        }
        let micros = round_trip(&mut tx, &mut rx, &message(args.message, 0, i)).await?;
        if i >= warmup {
            rtts.push(micros);
        }
    }
    let cpu = cpu.since(args.pid);
    tx.finish().await;
    let complete = rtts.len() == args.round_trips as usize;
    let done = rtts.len();
    let mut result = stats::latency(&mut rtts);
    if let Value::Object(fields) = &mut result {
        fields.insert("ok".into(), complete.into());
        if !complete {
            let error = format!(
                "only {done} of {} round trips within {} s",
                args.round_trips,
                budget.as_secs()
            );
            fields.insert("error".into(), error.into());
        }
        fields.insert("message".into(), args.message.into());
        fields.insert("warmup".into(), warmup.into());
    }
    merge(&mut result, cpu);
    Ok(result)
}

/// What one scale session did.
struct Outcome {
    rtts: Vec<u32>,
    error: Option<String>,
    /// Kept open until the memory is measured.
    _link: (Tx, Rx),
}

async fn scale(args: &Args, options: &Options, server: SocketAddr) -> Result<Value, String> {
    let before = args.pid.map(stats::memory);
    let sessions = args.sessions;
    let mut errors: Vec<String> = Vec::new();

    // Open every session first, a few handshakes at a time.
    let opened = Instant::now();
    let gate = Arc::new(Semaphore::new(args.connect_concurrency.max(1)));
    let mut opening = JoinSet::new();
    for _ in 0..sessions {
        let (gate, options) = (Arc::clone(&gate), options.clone());
        opening.spawn(async move {
            let _permit = gate.acquire_owned().await.map_err(|e| e.to_string())?;
            link::open(&options, server).await
        });
    }
    let mut links = Vec::with_capacity(sessions as usize);
    while let Some(joined) = opening.join_next().await {
        match joined {
            Ok(Ok(link)) => links.push(link),
            Ok(Err(e)) => errors.push(format!("open: {e}")),
            Err(e) => errors.push(format!("open task: {e}")),
        }
    }
    let open_secs = opened.elapsed().as_secs_f64();
    let connected = links.len();

    // Then every session echoes on its own tick, the ticks spread evenly.
    let period = Duration::from_millis(args.interval_ms.max(1));
    let ticks = u32::try_from(args.duration * 1000 / args.interval_ms.max(1)).unwrap_or(u32::MAX);
    let t0 = tokio::time::Instant::now() + Duration::from_millis(200);
    let cpu = Cpu::now(args.pid);
    let spread = period.as_nanos() as u64 / (connected.max(1) as u64);
    let len = args.message;
    // One period of slack for the last tick of the last session.
    let end = t0 + period * (ticks + 1);
    let mut echoing = JoinSet::new();
    for (i, (mut tx, mut rx)) in links.into_iter().enumerate() {
        let id = u32::try_from(i).unwrap_or(u32::MAX);
        let first = t0 + Duration::from_nanos(spread * i as u64);
        echoing.spawn(async move {
            let mut ticker = tokio::time::interval_at(first, period);
            ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut rtts = Vec::with_capacity(ticks as usize);
            let mut error = None;
            for k in 0..ticks {
                ticker.tick().await;
                // A session that fell behind its ticks stops at the end all
                // the same: the round trips it missed are counted, not waited for.
                if tokio::time::Instant::now() >= end {
                    break;
                }
                match round_trip(&mut tx, &mut rx, &message(len, id, k)).await {
                    Ok(micros) => rtts.push(micros),
                    Err(e) => {
                        error = Some(e);
                        break;
                    }
                }
            }
            Outcome {
                rtts,
                error,
                _link: (tx, rx),
            }
        });
    }
    let finish_by = end + ROUND_TRIP_TIMEOUT + Duration::from_secs(10);
    let mut outcomes = Vec::with_capacity(connected);
    loop {
        match tokio::time::timeout_at(finish_by, echoing.join_next()).await {
            Ok(Some(Ok(outcome))) => outcomes.push(outcome),
            Ok(Some(Err(e))) => errors.push(format!("session task: {e}")),
            Ok(None) => break,
            Err(_) => {
                errors.push(format!(
                    "{} sessions still echoing 15 s after the end (aborted)",
                    echoing.len()
                ));
                echoing.abort_all();
                break;
            }
        }
    }
    // Measured while every session is still open.
    let cpu = cpu.since(args.pid);
    let after = args.pid.map(stats::memory);
    let mut rtts: Vec<u32> = Vec::new();
    for outcome in &outcomes {
        rtts.extend_from_slice(&outcome.rtts);
        if let Some(e) = &outcome.error {
            errors.push(format!("echo: {e}"));
        }
    }
    let done = rtts.len() as u64;
    let expected = u64::from(sessions) * u64::from(ticks);
    // Round trips never started because a session fell behind its ticks
    // (the machine could not keep up), apart from sessions that failed.
    let missed: u64 = outcomes
        .iter()
        .filter(|o| o.error.is_none())
        .map(|o| u64::from(ticks).saturating_sub(o.rtts.len() as u64))
        .sum();
    let mut result = stats::latency(&mut rtts);
    let per_session = |memory: &Option<Value>, key: &str| {
        memory
            .as_ref()
            .and_then(|m| m[key].as_u64())
            .map(|kib| (kib as f64 / f64::from(sessions.max(1)) * 10.0).round() / 10.0)
    };
    let marginal = match (&before, &after) {
        (Some(b), Some(a)) => a["rss_kib"]
            .as_u64()
            .zip(b["rss_kib"].as_u64())
            .map(|(a, b)| {
                (a.saturating_sub(b) as f64 / f64::from(sessions.max(1)) * 10.0).round() / 10.0
            }),
        _ => None,
    };
    let error_count = errors.len();
    errors.sort();
    errors.dedup();
    errors.truncate(5);
    if let Value::Object(fields) = &mut result {
        let more = json!({
            "ok": error_count == 0 && done == expected,
            "sessions": sessions,
            "connected": connected,
            "duration_s": args.duration,
            "interval_ms": args.interval_ms,
            "open_secs": open_secs,
            "round_trips_done": done,
            "round_trips_expected": expected,
            "round_trips_missed": missed,
            "errors": error_count,
            "error_samples": errors,
            "memory_before": before,
            "memory_after": after,
            "rss_kib_per_session": per_session(&after, "rss_kib"),
            "pss_kib_per_session": per_session(&after, "pss_kib"),
            "rss_kib_per_session_marginal": marginal,
        });
        if let Value::Object(more) = more {
            fields.extend(more);
        }
    }
    merge(&mut result, cpu);
    drop(outcomes);
    Ok(result)
}
