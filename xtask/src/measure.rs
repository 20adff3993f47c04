//! `cargo xtask bench <part>` for every part but the relay: the core's
//! criterion benchmarks beside glibc, ipnet, etherparse and CPython, the
//! `netlab classify` process beside a Python script, and the WASM module's
//! size and the page's timings in headless Chromium.
//!
//! Each part runs its peer in the same run and writes its own section of
//! BENCHMARKS.md between `<!-- PART:begin -->` and `<!-- PART:end -->`: one
//! table row per comparison with netlab's figure, the peer's, the ratio,
//! the spread, the target of the issue that set it and whether it is met.
//!
//! The criterion benchmarks run with `NETLAB_CPU_TIME=1` (the thread's CPU
//! clock) and the CPython scripts with `--cpu`, so time spent descheduled
//! on a busy machine counts on neither side. Criterion's results are read
//! from `target/criterion/**/new/{benchmark,estimates,sample}.json` of this
//! run: the median from `estimates.json`, the spread (quartiles, min and
//! max of the per-iteration time of each sample) from `sample.json`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Instant, SystemTime};

use serde_json::Value;

use crate::bench;
use crate::build;
use crate::util::{self, Result};

/// Every part, in the order `cargo xtask bench` runs them.
pub const PARTS: &[&str] = &[
    "addressing",
    "struct",
    "framing",
    "packets",
    "cli",
    "wasm",
    "relay",
];

pub fn run(part: &str, quick: bool) -> Result {
    let started = Instant::now();
    let load_before = bench::load_average();
    let (title, command_note, rows, notes) = match part {
        "addressing" => addressing(quick)?,
        "struct" => pystruct(quick)?,
        "framing" => framing(quick)?,
        "packets" => packets(quick)?,
        "cli" => cli(quick)?,
        "wasm" => wasm(quick)?,
        other => return Err(format!("no part '{other}'")),
    };
    let mut md = String::new();
    let _ = writeln!(md, "<!-- {part}:begin -->");
    let _ = writeln!(md, "## {title} (`cargo xtask bench {part}`)\n");
    let _ = writeln!(
        md,
        "A {}run of {}, {} s. Machine: {} (load average {load_before} at the start, {} at the end: \
         other work shared the machine, so ratios measured in the same run count, not absolute times).\n",
        if quick {
            "quick (`--quick`: fewer samples) "
        } else {
            "full "
        },
        bench::today(),
        started.elapsed().as_secs(),
        bench::machine(),
        bench::load_average(),
    );
    let _ = writeln!(md, "{command_note}\n");
    let _ = writeln!(
        md,
        "| what | netlab | peer, same run | ratio | spread | target | met |"
    );
    let _ = writeln!(md, "|---|---|---|---|---|---|---|");
    for r in &rows {
        let met = match r.met {
            Some(true) => "yes",
            Some(false) => "**no**",
            None => "–",
        };
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {met} |",
            r.what, r.ours, r.peer, r.ratio, r.spread, r.target
        );
    }
    if !notes.is_empty() {
        let _ = writeln!(md);
        for n in &notes {
            let _ = writeln!(md, "- {n}");
        }
    }
    let _ = write!(md, "<!-- {part}:end -->");
    let path = util::root().join("BENCHMARKS.md");
    bench::write_section(
        &path,
        &format!("<!-- {part}:begin -->"),
        &format!("<!-- {part}:end -->"),
        &md,
    )?;
    println!("{md}");
    eprintln!(
        "xtask: bench: wrote the {part} section of {}",
        path.display()
    );
    Ok(())
}

/// One line of a section's table.
#[derive(Debug)]
struct Row {
    what: String,
    ours: String,
    peer: String,
    ratio: String,
    spread: String,
    target: String,
    /// `None` when the row has no target (or was skipped).
    met: Option<bool>,
}

type Section = (&'static str, String, Vec<Row>, Vec<String>);

/// A criterion benchmark's result, per iteration, in nanoseconds.
#[derive(Debug, Clone)]
struct Estimate {
    median: f64,
    p25: f64,
    p75: f64,
    min: f64,
    max: f64,
    /// Items (or bytes) one iteration handles.
    per_iteration: f64,
}

impl Estimate {
    /// Per item (or byte).
    fn item(&self) -> f64 {
        self.median / self.per_iteration
    }

    fn scaled(&self, f: impl Fn(f64) -> f64) -> (f64, f64, f64, f64, f64) {
        let d = self.per_iteration;
        (
            f(self.median / d),
            f(self.p25 / d),
            f(self.p75 / d),
            f(self.min / d),
            f(self.max / d),
        )
    }
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let at = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (at.floor() as usize, at.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo as f64)
}

fn read_json(path: &Path) -> Result<Value> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Every criterion result written since `since`, by full id (`group/function`).
fn criterion_results(since: SystemTime) -> Result<BTreeMap<String, Estimate>> {
    let root = util::target_dir()?.join("criterion");
    let mut out = BTreeMap::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let fresh = entry
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|t| t >= since);
            let in_new = path
                .parent()
                .and_then(Path::file_name)
                .is_some_and(|n| n == "new");
            if !(fresh && in_new && path.file_name().is_some_and(|n| n == "benchmark.json")) {
                continue;
            }
            let new = path.parent().unwrap_or(&dir);
            let meta = read_json(&path)?;
            let estimates = read_json(&new.join("estimates.json"))?;
            let sample = read_json(&new.join("sample.json"))?;
            let id = meta["full_id"].as_str().unwrap_or_default().to_owned();
            let per_iteration = meta["throughput"]
                .as_object()
                .and_then(|t| t.values().next())
                .and_then(Value::as_f64)
                .unwrap_or(1.0);
            let iters: Vec<f64> = sample["iters"]
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_f64).collect())
                .unwrap_or_default();
            let times: Vec<f64> = sample["times"]
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_f64).collect())
                .unwrap_or_default();
            let mut per: Vec<f64> = iters
                .iter()
                .zip(&times)
                .filter(|(i, _)| **i > 0.0)
                .map(|(i, t)| t / i)
                .collect();
            per.sort_by(f64::total_cmp);
            let median = estimates["median"]["point_estimate"]
                .as_f64()
                .unwrap_or_else(|| quantile(&per, 0.5));
            out.insert(
                id,
                Estimate {
                    median,
                    p25: quantile(&per, 0.25),
                    p75: quantile(&per, 0.75),
                    min: per.first().copied().unwrap_or(f64::NAN),
                    max: per.last().copied().unwrap_or(f64::NAN),
                    per_iteration,
                },
            );
        }
    }
    Ok(out)
}

/// Runs one criterion bench of netlab-core on the thread-CPU clock.
fn cargo_bench(name: &str, quick: bool) -> Result<BTreeMap<String, Estimate>> {
    // Build first, so the build's time is not in the window below.
    util::run(
        util::cargo()
            .args(["bench", "-p", "netlab-core", "--bench", name, "--no-run"])
            .env("NETLAB_CPU_TIME", "1"),
    )?;
    let since = SystemTime::now();
    let mut cmd = util::cargo();
    cmd.args(["bench", "-p", "netlab-core", "--bench", name, "--"])
        .env("NETLAB_CPU_TIME", "1");
    if quick {
        cmd.args(["--warm-up-time", "1", "--measurement-time", "2"]);
    }
    util::run(&mut cmd)?;
    let results = criterion_results(since)?;
    if results.is_empty() {
        return Err(format!(
            "criterion wrote no results for {name} under target/criterion"
        ));
    }
    Ok(results)
}

fn get<'a>(results: &'a BTreeMap<String, Estimate>, id: &str) -> Result<&'a Estimate> {
    results
        .get(id)
        .ok_or_else(|| format!("no criterion result '{id}' in this run"))
}

/// A number with about three significant digits.
fn num(x: f64) -> String {
    let a = x.abs();
    if !x.is_finite() {
        "?".into()
    } else if a >= 100.0 {
        format!("{x:.0}")
    } else if a >= 10.0 {
        format!("{x:.1}")
    } else if a >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}

/// A rate: `7.98 M` or `5.24 k`.
fn per_second(x: f64) -> String {
    if x >= 1e6 {
        format!("{} M", num(x / 1e6))
    } else {
        format!("{} k", num(x / 1e3))
    }
}

fn times(x: f64) -> String {
    format!("{}×", num(x))
}

/// A fraction as a percentage: `0.1` → `10%`.
fn percent(x: f64) -> String {
    if x.is_finite() {
        format!("{:.0}%", x * 100.0)
    } else {
        "?".into()
    }
}

/// A duration in nanoseconds, in the unit that reads best.
fn dur(ns: f64) -> String {
    if ns >= 1e9 {
        format!("{} s", num(ns / 1e9))
    } else if ns >= 1e6 {
        format!("{} ms", num(ns / 1e6))
    } else if ns >= 1e3 {
        format!("{} µs", num(ns / 1e3))
    } else {
        format!("{} ns", num(ns))
    }
}

/// The spread of a criterion estimate per item: `IQR a–b, min–max c–d`.
fn spread_ns(e: &Estimate) -> String {
    let (_, p25, p75, min, max) = e.scaled(|x| x);
    format!(
        "IQR {}–{}, range {}–{}",
        dur(p25),
        dur(p75),
        dur(min),
        dur(max)
    )
}

/// A Python script's JSON lines, by their `bench` name.
fn python_json(args: &[&str]) -> Result<BTreeMap<String, Value>> {
    let out = util::output(Command::new("python3").args(args).current_dir(util::root()))?;
    let mut map = BTreeMap::new();
    for line in out.lines().filter(|l| l.starts_with('{')) {
        let v: Value = serde_json::from_str(line).map_err(|e| format!("{line}: {e}"))?;
        if let Some(name) = v["bench"].as_str() {
            map.insert(name.to_owned(), v);
        }
    }
    Ok(map)
}

fn python_version() -> String {
    util::output(Command::new("python3").arg("--version"))
        .map(|v| v.trim().to_owned())
        .unwrap_or_else(|_| "python3".into())
}

/// A row comparing netlab (ns per item) with a peer (ns per item), where
/// the target is a minimum speed-up over the peer.
fn speedup_row(
    what: &str,
    ours: &Estimate,
    peer_label: &str,
    peer_ns: f64,
    peer_spread: &str,
    at_least: f64,
    target: &str,
) -> Row {
    let ratio = peer_ns / ours.item();
    Row {
        what: what.into(),
        ours: format!("{} each", dur(ours.item())),
        peer: format!("{peer_label} {} each", dur(peer_ns)),
        ratio: format!("{} faster", times(ratio)),
        spread: format!("netlab {}; peer {peer_spread}", spread_ns(ours)),
        target: target.into(),
        met: Some(ratio >= at_least),
    }
}

fn addressing(quick: bool) -> Result<Section> {
    let r = cargo_bench("addressing", quick)?;
    let n = if quick { "50000" } else { "200000" };
    let py = python_json(&["bench/cpython_addressing.py", n, "--cpu"])?;
    let pyv = |name: &str| -> Result<(f64, String)> {
        let v = py
            .get(name)
            .ok_or_else(|| format!("cpython_addressing.py printed no '{name}'"))?;
        let us = v["us_per_item"].as_f64().unwrap_or(f64::NAN);
        let s = &v["spread_us"];
        let spread = format!(
            "range {}–{} (of {} runs)",
            dur(s[0].as_f64().unwrap_or(f64::NAN) * 1e3),
            dur(s[1].as_f64().unwrap_or(f64::NAN) * 1e3),
            if name.contains("collapse") {
                3
            } else if name.contains("report") {
                20
            } else {
                5
            }
        );
        Ok((us * 1e3, spread))
    };
    let mut rows = Vec::new();
    let glibc = get(&r, "aton/glibc inet_aton")?;
    for (id, label) in [
        (
            "aton/netlab parse_inet_aton (with the explanation)",
            "`parse_inet_aton` (with the explanation) vs glibc `inet_aton`, mix of forms",
        ),
        (
            "aton/netlab inet_aton",
            "`inet_aton` (address only) vs glibc `inet_aton`, mix of forms",
        ),
    ] {
        let ours = get(&r, id)?;
        rows.push(speedup_row(
            label,
            ours,
            "glibc",
            glibc.item(),
            &spread_ns(glibc),
            1.0,
            "≥ 1× (as fast as glibc) (#3)",
        ));
    }
    let classify = get(&r, "classify/1M addresses, text in, all flags out")?;
    let (g, gs) = pyv("cpython ip_address(a).is_global")?;
    rows.push(speedup_row(
        "classify 1M addresses (text in, all flags out) vs `ip_address(a).is_global`",
        classify,
        "CPython",
        g,
        &gs,
        1000.0,
        "≥ 1000× (#3)",
    ));
    let (a, as_) = pyv("cpython ip_address(a), all flags")?;
    let mut all = speedup_row(
        "classify, the same vs CPython computing all seven flags",
        classify,
        "CPython",
        a,
        &as_,
        1000.0,
        "– (the issue's peer is the `is_global` loop above)",
    );
    all.met = None;
    rows.push(all);
    let ours = get(&r, "classify/strict parse, netlab parse_ipv4")?;
    let std_parse = get(&r, "classify/strict parse, std Ipv4Addr::from_str")?;
    let mut parse = speedup_row(
        "strict dotted decimal alone (`parse_ipv4`, SSSE3 here), the same 1M addresses, vs std's `Ipv4Addr::from_str`",
        ours,
        "std",
        std_parse.item(),
        &spread_ns(std_parse),
        1.0,
        "– (where classify's time goes: the rest is the flags)",
    );
    parse.met = None;
    rows.push(parse);
    let report = get(&r, "subnet_report/1k reports")?;
    let (s, ss) = pyv("cpython subnet report (ip_interface)")?;
    rows.push(speedup_row(
        "subnet report (1k networks) vs `ip_interface` fields",
        report,
        "CPython",
        s,
        &ss,
        500.0,
        "≥ 500× (#3)",
    ));
    let ours = get(&r, "summarize/netlab summarize, 1M prefixes")?;
    let ipnet = get(&r, "summarize/ipnet aggregate, 1M prefixes")?;
    rows.push(speedup_row(
        "summarize 1M random prefixes vs ipnet `aggregate`",
        ours,
        "ipnet",
        ipnet.item(),
        &spread_ns(ipnet),
        1.0,
        "≥ 1× (#3)",
    ));
    let (c, cs) = pyv("cpython collapse_addresses")?;
    rows.push(speedup_row(
        &format!("summarize vs `collapse_addresses` ({n} prefixes on the Python side)"),
        ours,
        "CPython",
        c,
        &cs,
        100.0,
        "≥ 100× (#3)",
    ));
    let note = format!(
        "netlab: `NETLAB_CPU_TIME=1 cargo bench -p netlab-core --bench addressing` (criterion, thread CPU time, \
         glibc's `inet_aton` called through libc and ipnet in the same binary); CPython: \
         `python3 bench/cpython_addressing.py {n} --cpu` ({}, `time.thread_time`, the same splitmix64 inputs). \
         Figures per address or prefix; netlab's is criterion's median, the peer's the median of its runs.",
        python_version()
    );
    Ok((
        "Addressing beside glibc, ipnet and CPython",
        note,
        rows,
        Vec::new(),
    ))
}

fn pystruct(quick: bool) -> Result<Section> {
    let r = cargo_bench("pystruct", quick)?;
    let py = python_json(&["bench/cpython_struct.py", "--cpu", "--json"])?;
    let mut rows = Vec::new();
    // Each floor over CPython's time for the same call.
    let mut floors = Vec::new();
    for (op, ids) in [
        ("pack", ["ipv4_header/pack", "ipv4_header/pack_into"]),
        ("unpack", ["ipv4_header/unpack", "ipv4_header/unpack_into"]),
    ] {
        let v = py
            .get(&format!("cpython struct {op}"))
            .ok_or_else(|| format!("cpython_struct.py printed no '{op}'"))?;
        let ns = v["ns_median"].as_f64().unwrap_or(f64::NAN);
        let spread = format!(
            "range {}–{} (of {} repeats)",
            dur(v["ns_min"].as_f64().unwrap_or(f64::NAN)),
            dur(v["ns_max"].as_f64().unwrap_or(f64::NAN)),
            v["repeats"]
        );
        for (i, id) in ids.iter().enumerate() {
            let ours = get(&r, id)?;
            let name = id.trim_start_matches("ipv4_header/");
            let mut row = speedup_row(
                &format!("`{name}` of `!BBHHHBBH4s4s` (an IPv4 header) vs `struct.Struct.{op}`"),
                ours,
                "CPython",
                ns,
                &spread,
                10.0,
                if i == 0 {
                    "≥ 10× (#4)"
                } else {
                    "– (into a reused buffer; the target is on the line above)"
                },
            );
            if i > 0 {
                row.met = None;
            }
            rows.push(row);
        }
        // What the allocating form spends before it packs or unpacks a
        // byte: the floor under its ratio.
        let (floor_id, what) = match op {
            "pack" => (
                "ipv4_header/floor: pack's allocation",
                "floor of `pack`: allocating its 20-byte result, nothing packed",
            ),
            _ => (
                "ipv4_header/floor: unpack's allocations",
                "floor of `unpack`: allocating its ten-value result and two 4-byte `bytes`, nothing read",
            ),
        };
        let floor = get(&r, floor_id)?;
        floors.push(floor.item() / ns);
        let mut row = speedup_row(
            what,
            floor,
            "CPython",
            ns,
            &spread,
            10.0,
            "– (the allocator's share alone: ≥ 10× needs the whole call within a tenth of CPython's)",
        );
        row.met = None;
        rows.push(row);
    }
    let notes = vec![format!(
        "The floor rows time glibc's allocator (`malloc` and `free`, as the engine calls them) on what the allocating \
         forms return, with nothing packed or unpacked: in this run that alone takes {} of CPython's \
         whole `pack` and {} of its `unpack`, where 10× leaves a tenth for everything (CPython's objects \
         come from its own small-object allocator). `pack_into` and `unpack_into` allocate nothing: \
         they are the engine's own speed, which is short of 10× too.",
        floors
            .first()
            .map_or_else(|| "?".to_owned(), |f| percent(*f)),
        floors
            .get(1)
            .map_or_else(|| "?".to_owned(), |f| percent(*f)),
    )];
    let note = format!(
        "netlab: `NETLAB_CPU_TIME=1 cargo bench -p netlab-core --bench pystruct`; CPython: \
         `python3 bench/cpython_struct.py --cpu --json` ({}, a compiled `struct.Struct`, 7 repeats of 200,000 calls, \
         median). The same ten values on both sides.",
        python_version()
    );
    Ok(("Python's struct beside CPython", note, rows, notes))
}

fn framing(quick: bool) -> Result<Section> {
    let r = cargo_bench("framing", quick)?;
    let mut rows = Vec::new();
    for (id, label) in [
        (
            "length_prefix_1KiB/chunks_1_to_64",
            "length-prefix decoding of 1 KiB messages fed in chunks of 1–64 bytes",
        ),
        (
            "length_prefix_1KiB/chunks_1_to_65536",
            "the same, chunks of 1–65,536 bytes",
        ),
    ] {
        let e = get(&r, id)?;
        // ns per byte → GB/s is 1 / (ns per byte).
        let (gbs, p25, p75, min, max) = e.scaled(|ns_per_byte| 1.0 / ns_per_byte);
        rows.push(Row {
            what: label.into(),
            ours: format!("{} GB/s", num(gbs)),
            peer: "– (no peer: the target is absolute)".into(),
            ratio: format!("{} of the target", times(gbs / 1.0)),
            // Fastest sample = smallest time, so the bounds swap.
            spread: format!(
                "IQR {}–{} GB/s, range {}–{}",
                num(p75),
                num(p25),
                num(max),
                num(min)
            ),
            target: "≥ 1 GB/s (#4)".into(),
            met: Some(gbs >= 1.0),
        });
    }
    let note = "`NETLAB_CPU_TIME=1 cargo bench -p netlab-core --bench framing`: 1,024 messages of 1 KiB \
                behind a 4-byte big-endian length (`!I`), cut into pseudo-random chunks as `recv()` would; \
                GB/s counts the stream's bytes (10^9 bytes a second of CPU time)."
        .to_owned();
    Ok(("Message framing", note, rows, Vec::new()))
}

/// The target column of the annotated rows: #5 asks for frames a second
/// "both also compared with etherparse doing the same work", and the work
/// etherparse can do is the wire path's (emit, parse, checksums), not a
/// named and explained tree of every field.
const ANNOTATED: &str = "– (#5's rates are for the work etherparse does too: the wire path above)";

fn packets(quick: bool) -> Result<Section> {
    let r = cargo_bench("packets", quick)?;
    let mut rows = Vec::new();
    for (what, ours_id, peer_id, peer_label, target, goal) in [
        (
            "build a 1,514-byte TCP/IPv4/Ethernet frame, both checksums: `Repr::emit` ×3",
            "packets_build/netlab Repr emit",
            Some("packets_build/etherparse PacketBuilder write"),
            "etherparse `PacketBuilder::write`",
            "≥ 1 M frames/s, beside etherparse (#5)",
            1e6,
        ),
        (
            "build the same with `encapsulate` (annotated: every field named, five steps, bits and Manchester code)",
            "packets_build/netlab encapsulate (annotated)",
            None,
            "",
            ANNOTATED,
            1e6,
        ),
        (
            "dissect it and verify both checksums: `new_checked` + `Repr::parse` ×3, `verify_checksum` ×2",
            "packets_dissect/netlab Repr parse + verify",
            Some("packets_dissect/etherparse SlicedPacket + verify"),
            "etherparse `SlicedPacket::from_ethernet` + checksums",
            "≥ 2 M frames/s, beside etherparse (#5)",
            2e6,
        ),
        (
            "dissect it with `dissect` (annotated: every field named with offset, value and meaning, hex)",
            "packets_dissect/netlab dissect (annotated)",
            None,
            "",
            ANNOTATED,
            2e6,
        ),
    ] {
        let ours = get(&r, ours_id)?;
        let rate = 1e9 / ours.item();
        let (_, p25, p75, min, max) = ours.scaled(|ns| 1e9 / ns);
        // Fastest sample = smallest time, so the bounds swap.
        let rates = |p25: f64, p75: f64, min: f64, max: f64| {
            format!(
                "IQR {}–{}, range {}–{}",
                per_second(p75),
                per_second(p25),
                per_second(max),
                per_second(min)
            )
        };
        let informational = target == ANNOTATED;
        let mut row = Row {
            what: what.into(),
            ours: format!("{} frames/s ({})", per_second(rate), dur(ours.item())),
            peer: "–".into(),
            ratio: format!(
                "{} of the {}target",
                times(rate / goal),
                if informational { "wire path's " } else { "" }
            ),
            spread: format!("netlab {}", rates(p25, p75, min, max)),
            target: target.into(),
            met: (!informational).then_some(rate >= goal),
        };
        if let Some(peer_id) = peer_id {
            let peer = get(&r, peer_id)?;
            let peer_rate = 1e9 / peer.item();
            let (_, q25, q75, qmin, qmax) = peer.scaled(|ns| 1e9 / ns);
            row.peer = format!(
                "{peer_label}: {} frames/s ({})",
                per_second(peer_rate),
                dur(peer.item())
            );
            row.ratio = format!(
                "{} etherparse's rate; {} of the target",
                times(rate / peer_rate),
                times(rate / goal)
            );
            row.spread = format!(
                "netlab {}; etherparse {}",
                rates(p25, p75, min, max),
                rates(q25, q75, qmin, qmax)
            );
        }
        rows.push(row);
    }
    // Following a TCP stream: each frame is located by the annotated
    // dissector, so its rate is near that one's.
    let follow = get(&r, "follow/2000 frames: streams, then follow and messages")?;
    let (_, p25, p75, min, max) = follow.scaled(|ns| 1e9 / ns);
    rows.push(Row {
        what: "follow a TCP stream of a 2,000-frame capture (1,000 segments of 100 bytes and their ACKs): \
               `streams`, `follow`, `messages` by a delimiter, as `netlab follow` and the Dissector do"
            .into(),
        ours: format!(
            "{} frames/s ({} a frame)",
            per_second(1e9 / follow.item()),
            dur(follow.item())
        ),
        peer: "–".into(),
        ratio: "–".into(),
        spread: format!(
            "netlab IQR {}–{}, range {}–{}",
            per_second(p75),
            per_second(p25),
            per_second(max),
            per_second(min)
        ),
        target: "– (netlab's own; every frame goes through the annotated dissector twice: once to list the streams, once to follow)".into(),
        met: None,
    });
    let note = "`NETLAB_CPU_TIME=1 cargo bench -p netlab-core --bench packets` (core/benches/packets.rs): one frame \
                of 14 + 20 + 20 + 1,460 bytes (a 1,500-byte IP packet). Building writes the whole frame into a \
                buffer reused across iterations (netlab: a `[u8; 1514]`; etherparse: a `Vec` cleared each time), \
                computing the IPv4 header checksum and the TCP checksum over pseudo-header, header and payload. \
                Dissecting reads every header field of the three layers, finds the payload and recomputes and \
                compares both checksums (etherparse verifies none by itself, so the bench calls \
                `calc_header_checksum` and `calc_checksum_ipv4`). Before timing, the bench checks that both \
                builders (and `encapsulate`) produce the same bytes and both readers read the same fields and \
                catch a corrupted payload."
        .to_owned();
    // How much the annotation costs, from this run's medians.
    let slower = |annotated: &str, wire: &str| -> std::result::Result<f64, String> {
        Ok(get(&r, annotated)?.item() / get(&r, wire)?.item())
    };
    let dissect_x = slower(
        "packets_dissect/netlab dissect (annotated)",
        "packets_dissect/netlab Repr parse + verify",
    )?;
    let encap_x = slower(
        "packets_build/netlab encapsulate (annotated)",
        "packets_build/netlab Repr emit",
    )?;
    let notes = vec![format!(
        "The annotated paths are what the playground and `netlab encap`/`netlab dissect` run: they build a \
         named tree of every field with its value, display and meaning, the frame in hex (and for \
         `encapsulate` five steps and the wire's 12,208 bits and their Manchester code as text), so in this run \
         they are {dissect_x:.0} (dissect) and {encap_x:.0} (encapsulate) times slower than the wire path. \
         #5's rate targets are read as the wire path's, the work etherparse can be compared on; the annotated \
         rates are here so that nobody has to guess them."
    )];
    Ok(("Packets beside etherparse", note, rows, notes))
}

/// hyperfine from Debian, installed when missing and run as root.
fn ensure_hyperfine() -> std::result::Result<PathBuf, String> {
    if !util::have("hyperfine") {
        let uid = util::output(Command::new("id").arg("-u")).unwrap_or_default();
        if uid.trim() != "0" {
            return Err("hyperfine is not installed (Debian: apt-get install hyperfine)".into());
        }
        util::run(
            Command::new("apt-get")
                .args([
                    "install",
                    "-y",
                    "-qq",
                    "--no-install-recommends",
                    "hyperfine",
                ])
                .env("DEBIAN_FRONTEND", "noninteractive"),
        )?;
    }
    Ok(PathBuf::from("hyperfine"))
}

fn cli(quick: bool) -> Result<Section> {
    util::run(util::cargo().args(["build", "--release", "-p", "netlab-cli"]))?;
    let netlab = util::target_dir()?.join("release/netlab");
    let hyperfine = ensure_hyperfine()?;
    let n = if quick { 200_000 } else { 1_000_000 };
    let runs = if quick { 3 } else { 5 };
    let dir = util::target_dir()?.join("bench-logs");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let input = dir.join(format!("classify-{n}.txt"));
    if !input.exists() {
        util::run(
            Command::new("python3")
                .arg("bench/classify_input.py")
                .arg(n.to_string())
                .arg(&input)
                .current_dir(util::root()),
        )?;
    }
    let json = dir.join("classify-hyperfine.json");
    let root = util::root();
    // Both exit 2 (the input has bad lines), hence `|| true`.
    let netlab_cmd = format!(
        "{} classify < {} > /dev/null 2>&1 || true",
        netlab.display(),
        input.display()
    );
    let python_cmd = format!(
        "python3 {} < {} > /dev/null 2>&1 || true",
        root.join("bench/classify_cli.py").display(),
        input.display()
    );
    util::run(
        Command::new(&hyperfine)
            .args([
                "--warmup",
                "1",
                "--runs",
                &runs.to_string(),
                "--export-json",
            ])
            .arg(&json)
            .args(["-n", "netlab", &netlab_cmd, "-n", "python", &python_cmd]),
    )?;
    let v = read_json(&json)?;
    let find = |name: &str| -> Result<Value> {
        v["results"]
            .as_array()
            .and_then(|a| a.iter().find(|r| r["command"] == name))
            .cloned()
            .ok_or_else(|| format!("hyperfine has no result for {name}"))
    };
    let (nl, py) = (find("netlab")?, find("python")?);
    let f = |r: &Value, k: &str| r[k].as_f64().unwrap_or(f64::NAN);
    let cpu = |r: &Value| f(r, "user") + f(r, "system");
    let wall_ratio = f(&py, "median") / f(&nl, "median");
    let cpu_ratio = cpu(&py) / cpu(&nl);
    let secs = |x: f64| format!("{} s", num(x));
    let rows = vec![Row {
        what: format!(
            "`netlab classify < {n}-lines.txt` vs a Python script with `ipaddress`, whole processes"
        ),
        ours: format!("{} wall, {} CPU", secs(f(&nl, "median")), secs(cpu(&nl))),
        peer: format!(
            "Python: {} wall, {} CPU",
            secs(f(&py, "median")),
            secs(cpu(&py))
        ),
        ratio: format!(
            "{} faster by wall time ({} by CPU time)",
            times(wall_ratio),
            times(cpu_ratio)
        ),
        spread: format!(
            "netlab wall {}–{}; Python wall {}–{} (of {runs} runs)",
            secs(f(&nl, "min")),
            secs(f(&nl, "max")),
            secs(f(&py, "min")),
            secs(f(&py, "max"))
        ),
        target: "≥ 30× (#3)".into(),
        met: Some(wall_ratio >= 30.0),
    }];
    let note = format!(
        "hyperfine ({runs} runs after one warm-up, medians; CPU = mean user + system) on {n} lines from \
         `bench/classify_input.py` (every 8th an IPv6 address, every 1000th bad), output to /dev/null; \
         the peer is `bench/classify_cli.py` ({}), which prints the same lines. By hand: `bench/classify_cli.sh {n}`.",
        python_version()
    );
    Ok((
        "`netlab classify` beside Python, as processes",
        note,
        rows,
        Vec::new(),
    ))
}

/// The ceiling tests/js/wasm_size.test.mjs holds the whole module to.
const FULL_BUDGET: u64 = 370_000;

/// The size budget: the module as the page loads it, gzipped at level 9.
pub fn wasm_gzip_size() -> Result<(u64, u64)> {
    gzip_size(&util::root().join("web/pkg/netlab_wasm_bg.wasm"))
}

/// A file's size and its size gzipped at level 9.
fn gzip_size(wasm: &std::path::Path) -> Result<(u64, u64)> {
    let raw = std::fs::metadata(wasm)
        .map_err(|e| format!("{}: {e} (run `cargo xtask build`)", wasm.display()))?
        .len();
    let out = Command::new("gzip")
        .args(["-9", "-c"])
        .arg(wasm)
        .output()
        .map_err(|e| format!("gzip: {e}"))?;
    if !out.status.success() {
        return Err(format!("gzip failed ({})", out.status));
    }
    Ok((raw, out.stdout.len() as u64))
}

fn wasm(quick: bool) -> Result<Section> {
    // Both modules as the build writes them: the calculators alone (#7's
    // scope, what the page loads first) and the whole one.
    build::run()?;
    let (calc_raw, calc_gz) = gzip_size(&util::root().join("web/pkg/calc/netlab_wasm_bg.wasm"))?;
    let (raw, gz) = wasm_gzip_size()?;
    const BUDGET: u64 = 250_000;
    let size_row = |what: &str, raw: u64, gz: u64, budget: u64, target: &str| Row {
        what: what.into(),
        ours: format!(
            "{} KB ({} KB before gzip)",
            num(gz as f64 / 1e3),
            num(raw as f64 / 1e3)
        ),
        peer: "– (no peer: the budget is absolute)".into(),
        ratio: format!("{} of the budget", times(gz as f64 / budget as f64)),
        spread: "– (deterministic)".into(),
        target: target.into(),
        met: Some(gz <= budget),
    };
    let mut rows = vec![
        size_row(
            "the WASM module the page loads first: the calculators of #7 (subnets, conversions, struct, \
             sticky, HMAC; web/pkg/calc, `--no-default-features`), gzipped (`gzip -9`)",
            calc_raw,
            calc_gz,
            BUDGET,
            "≤ 250 KB gzipped (#7)",
        ),
        size_row(
            "the whole WASM module (also packets, TCP/LAN simulations, relay client; web/pkg, loaded \
             after the first result, or first when a link opens one of those tools), gzipped",
            raw,
            gz,
            FULL_BUDGET,
            &format!(
                "≤ {} KB gzipped (tests/js/wasm_size.test.mjs)",
                FULL_BUDGET / 1000
            ),
        ),
    ];
    // The page's timings, in headless Chromium, by the budget test.
    util::run(util::cargo().args(["build", "--release", "-p", "netlab-relay"]))?;
    let relay = util::target_dir()?.join("release/netlab-relay");
    crate::test::ensure_debian_tools()?;
    util::npm_ci()?;
    let root = util::root();
    let repeats = if quick { 1 } else { 3 };
    let mut first: Vec<f64> = Vec::new();
    let mut recompute: Vec<Value> = Vec::new();
    for _ in 0..repeats {
        let out = util::output(
            Command::new("node")
                .args(["--test", "--test-concurrency=1"])
                .arg(root.join("tests/js/browser_budget.test.mjs"))
                .env("NETLAB_RELAY", &relay)
                .current_dir(&root),
        )?;
        for line in out.lines() {
            // node --test passes a test's console output on as `# ` comments.
            let line = line.trim().trim_start_matches("# ");
            if let Some(j) = line.strip_prefix("budget-json ") {
                let v: Value = serde_json::from_str(j).map_err(|e| format!("{j}: {e}"))?;
                match v["what"].as_str() {
                    Some("first-result") => first.extend(
                        v["ms"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .filter_map(Value::as_f64),
                    ),
                    Some("recompute") => recompute.push(v.clone()),
                    _ => {}
                }
            }
        }
    }
    if first.is_empty() || recompute.is_empty() {
        return Err("tests/js/browser_budget.test.mjs printed no budget-json lines".into());
    }
    first.sort_by(f64::total_cmp);
    let first_median = quantile(&first, 0.5);
    rows.push(Row {
        what: "the playground's first result on screen after navigation (localhost, headless Chromium)".into(),
        ours: format!("{} ms (median of {} loads)", num(first_median), first.len()),
        peer: "–".into(),
        ratio: format!("{} of the budget", times(first_median / 500.0)),
        spread: format!(
            "IQR {}–{} ms, range {}–{}",
            num(quantile(&first, 0.25)),
            num(quantile(&first, 0.75)),
            num(first[0]),
            num(first[first.len() - 1])
        ),
        target: "≤ 500 ms (#7)".into(),
        met: Some(first_median <= 500.0),
    });
    let medians: Vec<f64> = recompute
        .iter()
        .filter_map(|v| v["median"].as_f64())
        .collect();
    let mut sorted = medians.clone();
    sorted.sort_by(f64::total_cmp);
    let median = quantile(&sorted, 0.5);
    let last = recompute.last().cloned().unwrap_or_default();
    let g = |k: &str| last[k].as_f64().unwrap_or(f64::NAN);
    rows.push(Row {
        what: "one recompute of the Subnet tool as the user types (`subnetInfo` + render), in the page".into(),
        ours: format!(
            "{} ms (median of 1,000{})",
            num(median),
            if recompute.len() > 1 {
                format!("; the median of {} such runs", recompute.len())
            } else {
                String::new()
            }
        ),
        peer: "–".into(),
        ratio: format!("{} of the budget", times(median / 2.0)),
        spread: format!(
            "last run: IQR {}–{} ms, p95 {}, range {}–{}; `subnetInfo` alone {} ms; run medians {}",
            num(g("p25")),
            num(g("p75")),
            num(g("p95")),
            num(g("min")),
            num(g("max")),
            num(g("compute_median")),
            medians.iter().map(|m| num(*m)).collect::<Vec<_>>().join(", ")
        ),
        target: "< 2 ms (#7)".into(),
        met: Some(median < 2.0),
    });
    let note = format!(
        "Size: `cargo xtask build` (profile `wasm`: opt-level z, fat LTO, one codegen unit; wasm-opt -Os), \
         then `gzip -9` of web/pkg/calc/netlab_wasm_bg.wasm (the calculators, built with \
         `--no-default-features`) and of web/pkg/netlab_wasm_bg.wasm (everything) (KB = 1,000 bytes); both \
         budgets are also a test (tests/js/wasm_size.test.mjs). Timings: \
         `node --test tests/js/browser_budget.test.mjs` {repeats} time(s) against the release netlab-relay \
         serving web/, Debian's Chromium through playwright-core; the page marks `netlab:first-result` \
         (performance mark, from navigation start) and the test times 1,000 input events in the page."
    );
    Ok((
        "The playground: WASM size and page timings",
        note,
        rows,
        Vec::new(),
    ))
}
