//! `cargo xtask bench relay [--quick]`: the relay under load beside its
//! peers, measured in the same run.
//!
//! Builds `netlab-relay` and the `relay-load` harness in release, makes
//! sure the peers are there (websockify from Debian, websocat through
//! `cargo install` into the target folder), and runs every scenario against
//! every target three times, interleaved so the machine's noise spreads
//! evenly. Each run gets a fresh target process on free loopback ports: the
//! harness runs its sink, source or echo server on a port chosen here, so a
//! proxy whose TCP target is fixed at start (websocat, websockify) can be
//! pointed at it. Every process started here is stopped, also on error.
//! The medians, spreads, ratios and targets go into BENCHMARKS.md between
//! `<!-- relay:begin -->` and `<!-- relay:end -->`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::measure;
use crate::util::{self, Result};

const USAGE: &str =
    "usage: cargo xtask bench [relay|addressing|struct|framing|packets|cli|wasm]... [--quick]";
const RUNS: usize = 3;
const BEGIN: &str = "<!-- relay:begin -->";
const END: &str = "<!-- relay:end -->";
/// The websocat release the peers' figures in the spec were taken with.
const WEBSOCAT_VERSION: &str = "1.14.1";
/// websockify forks a Python process per connection; past this many
/// sessions it would take gigabytes (the spec: 1.8 GiB PSS at 1,000).
const WEBSOCKIFY_MAX_SESSIONS: u32 = 1_000;
/// File descriptors asked for each target process (two per session).
const NOFILE: u32 = 65_536;

/// `cargo xtask bench [PART] [--quick]`: every part, or one.
pub fn run(args: &[String]) -> Result {
    let mut quick = false;
    let mut parts = Vec::new();
    for arg in args {
        match arg.as_str() {
            "--quick" => quick = true,
            a if a.starts_with('-') => return Err(format!("unknown option '{a}'\n{USAGE}")),
            part if measure::PARTS.contains(&part) => parts.push(part.to_owned()),
            other => return Err(format!("unknown part '{other}'\n{USAGE}")),
        }
    }
    if parts.is_empty() {
        parts = measure::PARTS.iter().map(|p| (*p).to_owned()).collect();
    }
    let mut failed = Vec::new();
    for part in &parts {
        eprintln!("xtask: bench: === {part} ===");
        let result = if part == "relay" {
            relay(quick)
        } else {
            measure::run(part, quick)
        };
        if let Err(e) = result {
            eprintln!("xtask: bench: {part} failed: {e}");
            failed.push(format!("{part}: {e}"));
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("parts failed: {}", failed.join("; ")))
    }
}

/// How big each scenario is.
#[derive(Debug, Clone, Copy)]
struct Sizes {
    bytes: u64,
    round_trips: u32,
    sessions: u32,
    duration: u64,
}

const FULL: Sizes = Sizes {
    bytes: 1 << 30,
    round_trips: 10_000,
    sessions: 5_000,
    duration: 20,
};
const QUICK: Sizes = Sizes {
    bytes: 64 << 20,
    round_trips: 1_000,
    sessions: 500,
    duration: 5,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Scenario {
    BulkUp,
    BulkDown,
    Latency,
    Scale,
}

impl Scenario {
    const ALL: [Self; 4] = [Self::BulkUp, Self::BulkDown, Self::Latency, Self::Scale];

    fn name(self) -> &'static str {
        match self {
            Self::BulkUp => "bulk-up",
            Self::BulkDown => "bulk-down",
            Self::Latency => "latency",
            Self::Scale => "scale",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Target {
    RawTcp,
    Relay,
    Websocat,
    Websockify,
}

impl Target {
    fn label(self) -> &'static str {
        match self {
            Self::RawTcp => "raw TCP",
            Self::Relay => "netlab-relay",
            Self::Websocat => "websocat",
            Self::Websockify => "websockify",
        }
    }

    fn file_name(self) -> &'static str {
        match self {
            Self::RawTcp => "raw-tcp",
            Self::Relay => "netlab-relay",
            Self::Websocat => "websocat",
            Self::Websockify => "websockify",
        }
    }

    fn sessions(self, sizes: Sizes) -> u32 {
        if self == Self::Websockify {
            sizes.sessions.min(WEBSOCKIFY_MAX_SESSIONS)
        } else {
            sizes.sessions
        }
    }
}

/// Where the programs are, and the peers that could not be had.
#[derive(Debug)]
struct Programs {
    relay: PathBuf,
    load: PathBuf,
    websocat: std::result::Result<PathBuf, String>,
    websockify: std::result::Result<PathBuf, String>,
    logs: PathBuf,
}

fn relay(quick: bool) -> Result {
    let sizes = if quick { QUICK } else { FULL };
    util::run(util::cargo().args([
        "build",
        "--release",
        "--package",
        "netlab-relay",
        "--package",
        "netlab-bench",
    ]))?;
    let target_dir = util::target_dir()?;
    let release = target_dir.join("release");
    let logs = target_dir.join("bench-logs");
    std::fs::create_dir_all(&logs).map_err(|e| format!("{}: {e}", logs.display()))?;
    let programs = Programs {
        relay: release.join("netlab-relay"),
        load: release.join("relay-load"),
        websocat: ensure_websocat(&target_dir),
        websockify: ensure_websockify(),
        logs,
    };
    for (name, found) in [
        ("websocat", &programs.websocat),
        ("websockify", &programs.websockify),
    ] {
        if let Err(why) = found {
            eprintln!("xtask: bench: {name} skipped: {why}");
        }
    }
    let mut targets = vec![Target::RawTcp, Target::Relay];
    if programs.websocat.is_ok() {
        targets.push(Target::Websocat);
    }
    if programs.websockify.is_ok() {
        targets.push(Target::Websockify);
    }

    let started = Instant::now();
    let load_before = load_average();
    let mut results: BTreeMap<(Scenario, Target), Vec<Value>> = BTreeMap::new();
    let mut jsonl = String::new();
    for scenario in Scenario::ALL {
        for run in 1..=RUNS {
            for &target in &targets {
                let line = run_one(&programs, target, scenario, sizes, run)?;
                eprintln!(
                    "xtask: bench: {:<9} run {run}/{RUNS} {:<12} {}",
                    scenario.name(),
                    target.label(),
                    summary(scenario, &line)
                );
                let _ = writeln!(jsonl, "{line}");
                results.entry((scenario, target)).or_default().push(line);
            }
        }
    }
    let raw = programs.logs.join("relay-results.jsonl");
    std::fs::write(&raw, jsonl).map_err(|e| format!("{}: {e}", raw.display()))?;

    // Other work on the machine skews the figures, so the report says how busy it was.
    let mut conditions = format!(
        "load average {load_before} at the start, {} at the end",
        load_average()
    );
    if let Some(nice) = niceness() {
        let _ = write!(conditions, "; run at nice {nice}");
    }
    let section = report(
        &results,
        &programs,
        sizes,
        quick,
        started.elapsed(),
        &conditions,
    );
    let path = util::root().join("BENCHMARKS.md");
    write_section(&path, BEGIN, END, &section)?;
    println!("{section}");
    eprintln!(
        "xtask: bench: wrote {} (raw results: {})",
        path.display(),
        raw.display()
    );
    Ok(())
}

/// websocat from crates.io, installed once into the target folder.
fn ensure_websocat(target_dir: &Path) -> std::result::Result<PathBuf, String> {
    let root = target_dir.join("bench-tools");
    let bin = root.join("bin/websocat");
    if bin.is_file() {
        return Ok(bin);
    }
    let mut cmd = util::cargo();
    cmd.args([
        "install",
        "websocat",
        "--version",
        WEBSOCAT_VERSION,
        "--locked",
        "--no-default-features",
        "--features",
        "signal_handler",
        "--root",
    ])
    .arg(&root)
    .arg("--target-dir")
    .arg(root.join("build"));
    util::run(&mut cmd).map_err(|e| format!("cargo install websocat failed: {e}"))?;
    if bin.is_file() {
        Ok(bin)
    } else {
        Err(format!("cargo install left no {}", bin.display()))
    }
}

/// websockify from Debian: installed with apt-get when missing and root.
fn ensure_websockify() -> std::result::Result<PathBuf, String> {
    let bin = PathBuf::from("/usr/bin/websockify");
    if bin.is_file() {
        return Ok(bin);
    }
    if !util::have("apt-get") {
        return Err("not installed, and there is no apt-get to install it".into());
    }
    let uid = util::output(Command::new("id").arg("-u")).unwrap_or_default();
    if uid.trim() != "0" {
        return Err("not installed, and not root: `sudo apt-get install websockify`".into());
    }
    let apt = |args: &[&str]| {
        util::run(
            Command::new("apt-get")
                .args(args)
                .env("DEBIAN_FRONTEND", "noninteractive"),
        )
    };
    apt(&["update", "-qq"]).map_err(|e| format!("apt-get update failed: {e}"))?;
    apt(&[
        "install",
        "-y",
        "-qq",
        "--no-install-recommends",
        "websockify",
    ])
    .map_err(|e| format!("apt-get install websockify failed: {e}"))?;
    if bin.is_file() {
        Ok(bin)
    } else {
        Err("apt-get installed websockify but /usr/bin/websockify is missing".into())
    }
}

/// A free TCP port on 127.0.0.1 (free when asked; taken again right away).
fn free_port() -> Result<u16> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free loopback port: {e}"))
}

/// A target process, stopped (with its children) when dropped.
#[derive(Debug)]
struct Process {
    child: Child,
    name: &'static str,
}

impl Process {
    /// Starts `program` with a raised file-descriptor limit, its output to `log`.
    fn start(name: &'static str, program: &Path, args: &[String], log: &Path) -> Result<Self> {
        let out = File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
        let err = out
            .try_clone()
            .map_err(|e| format!("{}: {e}", log.display()))?;
        // `exec` keeps the pid, so the pid is the program's own.
        let script = format!(
            "ulimit -n {NOFILE} 2>/dev/null || ulimit -n \"$(ulimit -H -n)\"; exec \"$0\" \"$@\""
        );
        let child = Command::new("sh")
            .arg("-c")
            .arg(script)
            .arg(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", program.display()))?;
        Ok(Self { child, name })
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits until the process accepts TCP on `port`.
    fn wait_listening(&mut self, port: u16) -> Result {
        let until = Instant::now() + Duration::from_secs(15);
        while Instant::now() < until {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("{} exited at start ({status})", self.name));
            }
            let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
            if std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Err(format!(
            "{} did not listen on port {port} within 15 s",
            self.name
        ))
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let pid = self.child.id();
        let family = descendants(pid);
        signal("TERM", pid, &family);
        let until = Instant::now() + Duration::from_secs(5);
        while Instant::now() < until {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        // Children that outlived their parent (websockify's).
        let left: Vec<u32> = family
            .into_iter()
            .filter(|p| Path::new(&format!("/proc/{p}")).exists())
            .collect();
        if !left.is_empty() {
            let args: Vec<String> = left.iter().map(u32::to_string).collect();
            let _ = Command::new("kill")
                .arg("-KILL")
                .args(&args)
                .stderr(Stdio::null())
                .status();
        }
    }
}

fn signal(name: &str, pid: u32, family: &[u32]) {
    let mut args = vec![format!("-{name}"), pid.to_string()];
    args.extend(family.iter().map(u32::to_string));
    let _ = Command::new("kill")
        .args(&args)
        .stderr(Stdio::null())
        .status();
}

/// The processes descending from `pid`, from /proc.
fn descendants(pid: u32) -> Vec<u32> {
    let mut parent_of = Vec::new();
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for entry in entries.flatten() {
            let Some(p) = entry
                .file_name()
                .to_str()
                .and_then(|s| s.parse::<u32>().ok())
            else {
                continue;
            };
            let stat = std::fs::read_to_string(format!("/proc/{p}/stat")).unwrap_or_default();
            let ppid = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().nth(1)?.parse::<u32>().ok());
            if let Some(ppid) = ppid {
                parent_of.push((p, ppid));
            }
        }
    }
    let mut found = Vec::new();
    let mut frontier = vec![pid];
    while let Some(parent) = frontier.pop() {
        for &(p, pp) in &parent_of {
            if pp == parent && !found.contains(&p) {
                found.push(p);
                frontier.push(p);
            }
        }
    }
    found
}

/// Starts the target (if it is a process), runs the harness once against
/// it, stops the target, and returns the harness's JSON line.
fn run_one(
    programs: &Programs,
    target: Target,
    scenario: Scenario,
    sizes: Sizes,
    run: usize,
) -> Result<Value> {
    let server_port = free_port()?;
    let listen = free_port()?;
    let sessions = target.sessions(sizes);
    let log = programs.logs.join(format!(
        "{}-{}-{run}.log",
        target.file_name(),
        scenario.name()
    ));
    let mut args: Vec<String> = vec!["--scenario".into(), scenario.name().into()];
    let mut process = None;
    let kind = match target {
        Target::RawTcp => "raw-tcp",
        Target::Relay => {
            let relay_args = vec![
                "--listen".into(),
                format!("127.0.0.1:{listen}"),
                "--no-token".into(),
                "--no-labs".into(),
                "--max-sessions".into(),
                (sessions + 64).to_string(),
            ];
            process = Some(Process::start(
                "netlab-relay",
                &programs.relay,
                &relay_args,
                &log,
            )?);
            args.extend(["--url".into(), format!("ws://127.0.0.1:{listen}/ws")]);
            "netlab"
        }
        Target::Websocat => {
            let bin = programs.websocat.as_ref().map_err(Clone::clone)?;
            let peer_args = vec![
                "-b".into(),
                format!("ws-l:127.0.0.1:{listen}"),
                format!("tcp:127.0.0.1:{server_port}"),
            ];
            process = Some(Process::start("websocat", bin, &peer_args, &log)?);
            args.extend(["--url".into(), format!("ws://127.0.0.1:{listen}/")]);
            "raw-ws"
        }
        Target::Websockify => {
            let bin = programs.websockify.as_ref().map_err(Clone::clone)?;
            let peer_args = vec![
                format!("127.0.0.1:{listen}"),
                format!("127.0.0.1:{server_port}"),
            ];
            process = Some(Process::start("websockify", bin, &peer_args, &log)?);
            // websockify 0.10 sends binary frames either way, and answers
            // the `binary` subprotocol when asked, as noVNC does.
            args.extend([
                "--url".into(),
                format!("ws://127.0.0.1:{listen}/"),
                "--subprotocol".into(),
                "binary".into(),
            ]);
            "raw-ws"
        }
    };
    if let Some(process) = &mut process {
        process.wait_listening(listen)?;
    }
    args.extend(["--target".into(), kind.into()]);
    args.extend(["--server-port".into(), server_port.to_string()]);
    let deadline = match scenario {
        Scenario::BulkUp | Scenario::BulkDown => {
            args.extend(["--bytes".into(), sizes.bytes.to_string()]);
            60 + sizes.bytes / (8 << 20)
        }
        Scenario::Latency => {
            args.extend(["--round-trips".into(), sizes.round_trips.to_string()]);
            30 + u64::from(sizes.round_trips) / 500
        }
        Scenario::Scale => {
            args.extend(["--sessions".into(), sessions.to_string()]);
            args.extend(["--duration".into(), sizes.duration.to_string()]);
            60 + sizes.duration + u64::from(sessions) / 50
        }
    };
    if let Some(process) = &process {
        args.extend(["--pid".into(), process.pid().to_string()]);
    }
    args.extend(["--deadline".into(), deadline.to_string()]);
    let harness_log = programs.logs.join(format!(
        "relay-load-{}-{}-{run}.log",
        target.file_name(),
        scenario.name()
    ));
    let line = harness(
        &programs.load,
        &args,
        &harness_log,
        Duration::from_secs(deadline + 30),
    )?;
    drop(process);
    Ok(with_cpu_figures(line))
}

/// Adds the target's CPU cost per unit of work: seconds per GiB moved, µs
/// per round trip. Less sensitive than speed to what else the machine runs.
fn with_cpu_figures(mut line: Value) -> Value {
    let cpu = line["target_cpu_s"].as_f64();
    let mut figures = Vec::new();
    if let Some(bytes) = line["bytes"].as_f64() {
        if let Some(c) = cpu {
            figures.push(("cpu_s_per_gib", c / (bytes / f64::from(1u32 << 30))));
        }
    } else if let Some(count) = line["count"].as_f64().filter(|&n| n > 0.0) {
        if let Some(c) = cpu {
            figures.push(("cpu_us_per_round_trip", c * 1e6 / count));
        }
        // The load client's own CPU a round trip (its echo server included):
        // what the relay cannot have of the machine in the scale scenario.
        if let Some(c) = line["harness_cpu_s"].as_f64() {
            figures.push(("harness_cpu_us_per_round_trip", c * 1e6 / count));
        }
    }
    if let Value::Object(fields) = &mut line {
        for (key, value) in figures {
            fields.insert(key.into(), ((value * 100.0).round() / 100.0).into());
        }
    }
    line
}

/// Runs relay-load, killing it if it outlives `limit`; its JSON line.
fn harness(load: &Path, args: &[String], log: &Path, limit: Duration) -> Result<Value> {
    let err = File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
    let out_path = log.with_extension("json");
    let out = File::create(&out_path).map_err(|e| format!("{}: {e}", out_path.display()))?;
    let mut child = Command::new(load)
        .args(args)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", load.display()))?;
    let until = Instant::now() + limit;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() < until => std::thread::sleep(Duration::from_millis(50)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
        }
    };
    let stdout = std::fs::read_to_string(&out_path).unwrap_or_default();
    let line = stdout.lines().rev().find(|l| !l.trim().is_empty());
    match (line.map(serde_json::from_str::<Value>), status) {
        (Some(Ok(value)), _) => Ok(value),
        (_, None) => Ok(serde_json::json!({
            "ok": false,
            "error": format!("relay-load did not finish within {} s", limit.as_secs()),
        })),
        (_, Some(status)) => {
            let stderr = std::fs::read_to_string(log).unwrap_or_default();
            Err(format!(
                "relay-load {} failed ({status}) with no result: {}",
                args.join(" "),
                stderr.trim()
            ))
        }
    }
}

fn summary(scenario: Scenario, line: &Value) -> String {
    let failed = if line["ok"] == true { "" } else { "FAILED: " };
    let text = match scenario {
        _ if line["ok"] != true && scenario != Scenario::Scale => {
            line["error"].as_str().unwrap_or("(no reason)").to_owned()
        }
        Scenario::BulkUp | Scenario::BulkDown => match line["target_cpu_s"].as_f64() {
            Some(cpu) => format!("{} MiB/s, target CPU {cpu:.2} s", line["mib_s"]),
            None => format!("{} MiB/s", line["mib_s"]),
        },
        Scenario::Latency => format!(
            "p50 {} µs, p99 {} µs, max {} µs",
            line["p50_us"], line["p99_us"], line["max_us"]
        ),
        Scenario::Scale => {
            let mut text = format!(
                "{}/{} round trips ({} missed, {} errors), p50 {} µs, p99 {} µs",
                line["round_trips_done"],
                line["round_trips_expected"],
                line["round_trips_missed"],
                line["errors"],
                line["p50_us"],
                line["p99_us"]
            );
            if let Some(kib) = line["rss_kib_per_session"].as_f64() {
                let _ = write!(text, ", {kib} KiB RSS/session");
            }
            if let Some(first) = line["error_samples"].get(0).and_then(Value::as_str) {
                let _ = write!(text, "; e.g. {first}");
            }
            text
        }
    };
    format!("{failed}{text}")
}

/// The median and spread of one figure over the runs that produced it.
#[derive(Debug, Clone, Copy)]
struct Figure {
    median: f64,
    min: f64,
    max: f64,
    runs: usize,
}

impl Figure {
    fn of(values: &[f64]) -> Option<Self> {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        if v.is_empty() {
            return None;
        }
        v.sort_by(f64::total_cmp);
        let n = v.len();
        let median = if n % 2 == 1 {
            v[n / 2]
        } else {
            f64::midpoint(v[n / 2 - 1], v[n / 2])
        };
        Some(Self {
            median,
            min: v[0],
            max: v[n - 1],
            runs: n,
        })
    }

    /// `median unit [min–max]`, the spread left out when there is none.
    fn show(self, unit: &str) -> String {
        let spread = if self.runs > 1 && num(self.min) != num(self.max) {
            format!(" [{}–{}]", num(self.min), num(self.max))
        } else {
            String::new()
        };
        format!("{}{unit}{spread}", num(self.median))
    }
}

fn num(x: f64) -> String {
    if x.abs() >= 100.0 || x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}

/// A figure of the runs of one scenario and target. Latency and scale
/// figures come from every run that measured something; bulk figures only
/// from verified transfers.
fn figure(
    results: &BTreeMap<(Scenario, Target), Vec<Value>>,
    scenario: Scenario,
    target: Target,
    key: &str,
) -> Option<Figure> {
    let runs = results.get(&(scenario, target))?;
    let values: Vec<f64> = runs
        .iter()
        .filter(|r| r["ok"] == true || matches!(scenario, Scenario::Latency | Scenario::Scale))
        .filter_map(|r| r[key].as_f64())
        .collect();
    Figure::of(&values)
}

fn failures(
    results: &BTreeMap<(Scenario, Target), Vec<Value>>,
    scenario: Scenario,
    target: Target,
) -> Vec<String> {
    results
        .get(&(scenario, target))
        .map(|runs| {
            runs.iter()
                .filter(|r| r["ok"] != true)
                .map(|r| r["error"].as_str().unwrap_or("failed").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// `yes` / `**no**` for a bound that holds or not.
fn verdict(met: bool) -> &'static str {
    if met { "yes" } else { "**no**" }
}

pub fn version_of(program: &Path, flag: &str) -> String {
    util::output(Command::new(program).arg(flag))
        .map(|v| v.lines().next().unwrap_or("").trim().to_owned())
        .unwrap_or_default()
}

pub fn machine() -> String {
    let cpus = std::thread::available_parallelism().map_or(0, usize::from);
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|rest| rest.trim_start_matches([' ', '\t', ':']).trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|k| k.trim().to_owned())
        .unwrap_or_else(|_| "unknown".into());
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| {
            let kib: u64 = text
                .lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))?
                .split_whitespace()
                .next()?
                .parse()
                .ok()?;
            Some(format!(", {:.0} GiB RAM", kib as f64 / f64::from(1 << 20)))
        })
        .unwrap_or_default();
    format!("nproc {cpus}, {model}, Linux {kernel}{memory}")
}

/// The 1-minute load average now.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".into())
}

/// This process's nice value, when not 0 (the targets and the harness
/// inherit it).
pub fn niceness() -> Option<i32> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let (_, rest) = stat.rsplit_once(')')?;
    // After `(comm)` comes field 3; nice is field 19.
    rest.split_whitespace()
        .nth(16)?
        .parse::<i32>()
        .ok()
        .filter(|&n| n != 0)
}

pub fn today() -> String {
    util::output(Command::new("date").args(["-u", "+%Y-%m-%d %H:%M UTC"]))
        .map(|d| d.trim().to_owned())
        .unwrap_or_default()
}

/// The Markdown section, markers included.
fn report(
    results: &BTreeMap<(Scenario, Target), Vec<Value>>,
    programs: &Programs,
    sizes: Sizes,
    quick: bool,
    took: Duration,
    conditions: &str,
) -> String {
    let fig = |s, t, k: &str| figure(results, s, t, k);
    let mut targets: Vec<Target> = results.keys().map(|&(_, t)| t).collect();
    targets.sort();
    targets.dedup();

    let mut peers = Vec::new();
    match &programs.websocat {
        Ok(bin) => peers.push(format!("websocat `{}`", version_of(bin, "--version"))),
        Err(why) => peers.push(format!("websocat skipped ({why})")),
    }
    match &programs.websockify {
        Ok(_) => {
            let version = util::output(Command::new("dpkg-query").args([
                "-W",
                "-f",
                "${Version}",
                "websockify",
            ]))
            .unwrap_or_default();
            peers.push(format!("websockify {version} (Debian)"));
        }
        Err(why) => peers.push(format!("websockify skipped ({why})")),
    }

    let mut md = String::new();
    let _ = writeln!(md, "{BEGIN}");
    let _ = writeln!(md, "## Relay under load (`cargo xtask bench relay`)\n");
    let _ = writeln!(
        md,
        "{} run of {}, {:.0} s. Machine: {} ({conditions}). Peers: {}.\n",
        if quick { "A `--quick`" } else { "A full" },
        today(),
        took.as_secs_f64(),
        machine(),
        peers.join(", ")
    );
    let _ = writeln!(
        md,
        "The `relay-load` harness (crate `bench/`) plays the browser with tokio-tungstenite and \
         runs its own sink, source and echo servers on 127.0.0.1. Bulk: {} MiB each way, \
         checksummed (CRC32) end to end; latency: {} round trips of 32 bytes; scale: {} \
         sessions (websockify: at most {}), one socket each, echoing 32 bytes every 100 ms for \
         {} s, memory as the target's RSS at the end over the sessions. Each figure is the median \
         of {RUNS} runs, [min–max] after it; every target gets a fresh process per run, and the targets \
         take turns, so all were measured in the same conditions. netlab-relay runs with \
         `--no-token --no-labs`, websocat as `-b ws-l:… tcp:…`, websockify with the `binary` \
         subprotocol.\n",
        sizes.bytes >> 20,
        sizes.round_trips,
        sizes.sessions,
        WEBSOCKIFY_MAX_SESSIONS,
        sizes.duration
    );

    // Every figure of every target.
    let _ = write!(md, "| |");
    for t in &targets {
        let _ = write!(md, " {} |", t.label());
    }
    let _ = write!(md, "\n|---|");
    for _ in &targets {
        let _ = write!(md, "---|");
    }
    md.push('\n');
    let rows: [(&str, Scenario, &str, &str); 16] = [
        ("browser→TCP MiB/s", Scenario::BulkUp, "mib_s", ""),
        ("TCP→browser MiB/s", Scenario::BulkDown, "mib_s", ""),
        (
            "browser→TCP: target CPU s per GiB",
            Scenario::BulkUp,
            "cpu_s_per_gib",
            "",
        ),
        (
            "TCP→browser: target CPU s per GiB",
            Scenario::BulkDown,
            "cpu_s_per_gib",
            "",
        ),
        ("round trip p50 µs", Scenario::Latency, "p50_us", ""),
        ("round trip p99 µs", Scenario::Latency, "p99_us", ""),
        ("round trip max µs", Scenario::Latency, "max_us", ""),
        (
            "round trip: target CPU µs each",
            Scenario::Latency,
            "cpu_us_per_round_trip",
            "",
        ),
        (
            "scale: round trips done",
            Scenario::Scale,
            "round_trips_done",
            "",
        ),
        (
            "scale: round trips missed (behind schedule)",
            Scenario::Scale,
            "round_trips_missed",
            "",
        ),
        ("scale: errors", Scenario::Scale, "errors", ""),
        ("scale: p50 / p99 µs", Scenario::Scale, "p50_us", "p99_us"),
        (
            "scale: target CPU µs per round trip done",
            Scenario::Scale,
            "cpu_us_per_round_trip",
            "",
        ),
        (
            "scale: load client CPU µs per round trip done",
            Scenario::Scale,
            "harness_cpu_us_per_round_trip",
            "",
        ),
        (
            "scale: KiB RSS per session",
            Scenario::Scale,
            "rss_kib_per_session",
            "",
        ),
        (
            "scale: KiB PSS per session",
            Scenario::Scale,
            "pss_kib_per_session",
            "",
        ),
    ];
    for (label, scenario, key, second) in rows {
        let _ = write!(md, "| {label} |");
        for &t in &targets {
            let mut cell = match fig(scenario, t, key) {
                Some(f) => f.show(""),
                None if t == Target::RawTcp && (key.contains("ss_") || key.contains("cpu")) => {
                    "–".into()
                }
                None => "failed".into(),
            };
            if !second.is_empty()
                && let Some(f) = fig(scenario, t, second)
            {
                let _ = write!(cell, " / {}", f.show(""));
            }
            if key == "round_trips_done"
                && let Some(expected) = results
                    .get(&(scenario, t))
                    .and_then(|runs| runs.first())
                    .and_then(|r| r["round_trips_expected"].as_u64())
            {
                let _ = write!(cell, " of {expected}");
            }
            let failed = failures(results, scenario, t).len();
            if failed > 0 && scenario != Scenario::Scale {
                let _ = write!(cell, " ({failed} of {RUNS} runs failed)");
            }
            let _ = write!(md, " {cell} |");
        }
        md.push('\n');
    }
    md.push('\n');

    // The targets of the relay issue, each against the peer measured here.
    let _ = writeln!(md, "| target | netlab-relay | compared with | goal | met |");
    let _ = writeln!(md, "|---|---|---|---|---|");
    let relay = |s, k: &str| fig(s, Target::Relay, k);
    let mut ratio_row = |name: &str, s: Scenario, peer: Target, goal: f64, unit: &str| {
        let ours = relay(s, "mib_s");
        let theirs = fig(s, peer, "mib_s");
        let (measured, compared, met) = match (ours, theirs) {
            (Some(o), Some(p)) => {
                let ratio = o.median / p.median;
                (
                    o.show(unit),
                    format!("{:.2}× {}'s {}", ratio, peer.label(), p.show(unit)),
                    verdict(ratio >= goal).to_owned(),
                )
            }
            (Some(o), None) => (
                o.show(unit),
                format!("{} not measured", peer.label()),
                "–".into(),
            ),
            (None, _) => ("failed".into(), String::new(), verdict(false).to_owned()),
        };
        let goal_text = if goal == 1.0 {
            format!("≥ {}", peer.label())
        } else if goal >= 1.0 {
            format!("≥ {goal}× {}", peer.label())
        } else {
            format!("≥ {:.0}% of {}", goal * 100.0, peer.label())
        };
        let _ = writeln!(
            md,
            "| {name} | {measured} | {compared} | {goal_text} | {met} |"
        );
    };
    ratio_row(
        "browser→TCP vs websocat",
        Scenario::BulkUp,
        Target::Websocat,
        1.0,
        " MiB/s",
    );
    ratio_row(
        "TCP→browser vs websocat",
        Scenario::BulkDown,
        Target::Websocat,
        1.0,
        " MiB/s",
    );
    ratio_row(
        "browser→TCP vs websockify",
        Scenario::BulkUp,
        Target::Websockify,
        3.0,
        " MiB/s",
    );
    ratio_row(
        "browser→TCP vs raw TCP",
        Scenario::BulkUp,
        Target::RawTcp,
        0.3,
        " MiB/s",
    );
    ratio_row(
        "TCP→browser vs raw TCP",
        Scenario::BulkDown,
        Target::RawTcp,
        0.6,
        " MiB/s",
    );
    for (name, key, limit) in [
        ("round trip p50 added", "p50_us", 100.0),
        ("round trip p99 added", "p99_us", 1000.0),
    ] {
        let ours = relay(Scenario::Latency, key);
        let raw = fig(Scenario::Latency, Target::RawTcp, key);
        let (measured, compared, met) = match (ours, raw) {
            (Some(o), Some(r)) => {
                let added = o.median - r.median;
                (
                    format!("+{} µs ({} µs)", num(added), o.show("")),
                    format!("raw TCP {} µs", r.show("")),
                    verdict(added <= limit),
                )
            }
            _ => ("failed".into(), String::new(), verdict(false)),
        };
        let mut compared = compared;
        for peer in [Target::Websocat, Target::Websockify] {
            if let Some(p) = fig(Scenario::Latency, peer, key) {
                let _ = write!(compared, "; {} {} µs", peer.label(), p.show(""));
            }
        }
        let latency_failures = failures(results, Scenario::Latency, Target::Relay);
        let measured = match latency_failures.first() {
            Some(why) => format!("{measured}; {why}"),
            None => measured,
        };
        let _ = writeln!(
            md,
            "| {name} | {measured} | {compared} | ≤ {} µs | {met} |",
            num(limit)
        );
    }
    let scale_runs = results
        .get(&(Scenario::Scale, Target::Relay))
        .cloned()
        .unwrap_or_default();
    let clean = !scale_runs.is_empty() && scale_runs.iter().all(|r| r["ok"] == true);
    let worst_errors = scale_runs
        .iter()
        .filter_map(|r| r["errors"].as_u64())
        .max()
        .unwrap_or(0);
    let done = fig(Scenario::Scale, Target::Relay, "round_trips_done");
    let expected = scale_runs
        .first()
        .and_then(|r| r["round_trips_expected"].as_u64())
        .unwrap_or(0);
    let mut compared = String::new();
    for peer in [Target::Websocat, Target::Websockify] {
        if let (Some(d), Some(e)) = (
            fig(Scenario::Scale, peer, "round_trips_done"),
            fig(Scenario::Scale, peer, "errors"),
        ) {
            let sep = if compared.is_empty() { "" } else { "; " };
            let _ = write!(
                compared,
                "{sep}{} {} done, {} errors",
                peer.label(),
                d.show(""),
                e.show("")
            );
        }
    }
    let full_size = sizes.sessions >= FULL.sessions && sizes.duration >= FULL.duration;
    let scale_goal = format!("{} sessions × {} s, no error", FULL.sessions, FULL.duration);
    let scale_met = if full_size {
        verdict(clean).to_owned()
    } else {
        format!(
            "{} at {} × {} s (quick)",
            if clean { "yes" } else { "**no**" },
            sizes.sessions,
            sizes.duration
        )
    };
    let _ = writeln!(
        md,
        "| {} sessions echoing every 100 ms for {} s | {} of {expected} round trips, {} errors (worst run) | {compared} | {scale_goal} | {scale_met} |",
        sizes.sessions,
        sizes.duration,
        done.map_or_else(|| "failed".into(), |d| d.show("")),
        worst_errors,
    );
    let memory = relay(Scenario::Scale, "rss_kib_per_session");
    let marginal = relay(Scenario::Scale, "rss_kib_per_session_marginal");
    let mut compared = String::new();
    for peer in [Target::Websocat, Target::Websockify] {
        if let Some(m) = fig(Scenario::Scale, peer, "rss_kib_per_session") {
            let sep = if compared.is_empty() { "" } else { "; " };
            let pss = fig(Scenario::Scale, peer, "pss_kib_per_session")
                .map(|p| format!(", PSS {} KiB", p.show("")))
                .unwrap_or_default();
            let _ = write!(compared, "{sep}{} {} KiB{pss}", peer.label(), m.show(""));
        }
    }
    let (measured, met) = match memory {
        Some(m) => (
            format!(
                "{} KiB RSS per session{}",
                m.show(""),
                marginal
                    .map(|g| format!(" (above the idle process: {} KiB)", g.show("")))
                    .unwrap_or_default()
            ),
            verdict(m.median <= 64.0),
        ),
        None => ("failed".into(), verdict(false)),
    };
    let _ = writeln!(
        md,
        "| relay memory at {} sessions | {measured} | {compared} | ≤ 64 KiB per session | {met} |",
        sizes.sessions
    );
    // What every round trip of the scale scenario costs the machine, the
    // relay and the load client together, beside what the machine has.
    if let (Some(relay_us), Some(client_us)) = (
        relay(Scenario::Scale, "cpu_us_per_round_trip"),
        relay(Scenario::Scale, "harness_cpu_us_per_round_trip"),
    ) {
        let cpus = std::thread::available_parallelism().map_or(1, usize::from);
        let needed = (relay_us.median + client_us.median) * expected as f64 / 1e6;
        let _ = writeln!(
            md,
            "\nIn the scale scenario a round trip cost the relay {} µs of CPU and the load client \
             (its echo server included) {} µs, medians of the runs: all {expected} round trips \
             would need about {needed:.0} CPU-seconds, and this machine's {cpus} CPUs give {} in \
             {} s.",
            relay_us.show(""),
            client_us.show(""),
            cpus as u64 * sizes.duration,
            sizes.duration,
        );
    }

    // Why runs failed, once each.
    let mut notes = Vec::new();
    for (&(scenario, target), runs) in results {
        for r in runs.iter().filter(|r| r["ok"] != true) {
            let mut why = r["error"].as_str().unwrap_or("").to_owned();
            if let Some(samples) = r["error_samples"].as_array()
                && let Some(first) = samples.first().and_then(Value::as_str)
            {
                why = format!("{} errors, e.g. {first}", r["errors"]);
            }
            if why.is_empty() {
                why = format!(
                    "{} of {} round trips",
                    r["round_trips_done"], r["round_trips_expected"]
                );
            }
            let note = format!("- {} {}: {why}", target.label(), scenario.name());
            if !notes.contains(&note) {
                notes.push(note);
            }
        }
    }
    if !notes.is_empty() {
        let _ = writeln!(md, "\nFailed runs:\n");
        for note in notes {
            let _ = writeln!(md, "{note}");
        }
    }
    let _ = write!(md, "{END}");
    md
}

/// Replaces the section between the markers, or appends it; creates the
/// file with a short intro when missing. Other sections stay as they are.
pub fn write_section(path: &Path, begin_marker: &str, end_marker: &str, section: &str) -> Result {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => "# Benchmarks\n\n\
             Measured figures of netlab. Each section is written by the command it names; \
             run that command again to refresh it.\n"
            .to_owned(),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    let updated = match (text.find(begin_marker), text.find(end_marker)) {
        (Some(begin), Some(end)) if begin < end => {
            format!(
                "{}{section}{}",
                &text[..begin],
                &text[end + end_marker.len()..]
            )
        }
        _ => {
            let sep = if text.ends_with("\n\n") {
                ""
            } else if text.ends_with('\n') {
                "\n"
            } else {
                "\n\n"
            };
            format!("{text}{sep}{section}\n")
        }
    };
    std::fs::write(path, updated).map_err(|e| format!("{}: {e}", path.display()))
}
