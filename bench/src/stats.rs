//! Percentiles and the memory of a process tree, from /proc.

use std::collections::HashMap;

use serde_json::{Value, json};

/// The `q` quantile (0..=1) of sorted values, nearest rank.
pub fn quantile(sorted: &[u32], q: f64) -> u32 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted
        .get(rank.clamp(1, sorted.len()) - 1)
        .copied()
        .unwrap_or(0)
}

/// p50, p99 and max of round trips in µs (sorts them).
pub fn latency(rtts: &mut [u32]) -> Value {
    rtts.sort_unstable();
    json!({
        "count": rtts.len(),
        "p50_us": quantile(rtts, 0.50),
        "p99_us": quantile(rtts, 0.99),
        "max_us": rtts.last().copied().unwrap_or(0),
    })
}

/// A field of /proc/PID/FILE such as `VmRSS:  1234 kB`, in KiB.
fn kib_field(pid: u32, file: &str, name: &str) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/{file}")).ok()?;
    text.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(':'))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
}

/// `pid` and every process descending from it (websockify forks one per
/// connection).
fn tree(pid: u32) -> Vec<u32> {
    let mut children: HashMap<u32, Vec<u32>> = HashMap::new();
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for entry in entries.flatten() {
            let Some(p) = entry
                .file_name()
                .to_str()
                .and_then(|s| s.parse::<u32>().ok())
            else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{p}/stat")) else {
                continue;
            };
            // The parent's pid is the second field after the `(comm)`.
            let ppid = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().nth(1)?.parse::<u32>().ok());
            if let Some(ppid) = ppid {
                children.entry(ppid).or_default().push(p);
            }
        }
    }
    let mut all = vec![pid];
    let mut i = 0;
    while let Some(&p) = all.get(i) {
        if let Some(kids) = children.get(&p) {
            all.extend(kids);
        }
        i += 1;
    }
    all
}

/// CPU time (user + system) used so far by `pid` and its live descendants,
/// in seconds (Linux's clock tick, `USER_HZ`, is 100).
pub fn cpu_seconds(pid: u32) -> f64 {
    let ticks: u64 = tree(pid)
        .iter()
        .filter_map(|p| {
            let stat = std::fs::read_to_string(format!("/proc/{p}/stat")).ok()?;
            let (_, rest) = stat.rsplit_once(')')?;
            // After `(comm)`: state is field 3, utime 14 and stime 15.
            let mut fields = rest.split_whitespace().skip(11);
            let utime: u64 = fields.next()?.parse().ok()?;
            let stime: u64 = fields.next()?.parse().ok()?;
            Some(utime + stime)
        })
        .sum();
    ticks as f64 / 100.0
}

/// Resident memory of `pid` and its descendants: RSS (VmRSS) and PSS
/// (shared pages split between the processes sharing them), in KiB.
pub fn memory(pid: u32) -> Value {
    let pids = tree(pid);
    let rss: u64 = pids
        .iter()
        .filter_map(|&p| kib_field(p, "status", "VmRSS"))
        .sum();
    let pss: u64 = pids
        .iter()
        .filter_map(|&p| kib_field(p, "smaps_rollup", "Pss"))
        .sum();
    let own = kib_field(pid, "status", "VmRSS");
    json!({
        "processes": pids.len(),
        "rss_kib": rss,
        "pss_kib": pss,
        "main_rss_kib": own,
    })
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn nearest_rank() {
        let v: Vec<u32> = (1..=100).collect();
        assert_eq!(quantile(&v, 0.5), 50);
        assert_eq!(quantile(&v, 0.99), 99);
        assert_eq!(quantile(&v, 1.0), 100);
        assert_eq!(quantile(&[7], 0.99), 7);
        assert_eq!(quantile(&[], 0.5), 0);
    }

    #[test]
    fn own_memory_is_visible() {
        let m = memory(std::process::id());
        assert!(m["rss_kib"].as_u64().unwrap() > 0);
        assert_eq!(m["processes"], 1);
        // Spin until the kernel has counted a tick (10 ms of CPU), which on
        // a loaded machine may take much longer than 10 ms of wall time;
        // give up after 10 s.
        let spent = cpu_seconds(std::process::id());
        let until = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let mut now = spent;
        while now <= spent && std::time::Instant::now() < until {
            for _ in 0..100_000 {
                std::hint::black_box(now);
            }
            now = cpu_seconds(std::process::id());
        }
        assert!(now > spent, "no CPU time counted in 10 s of spinning");
    }
}
