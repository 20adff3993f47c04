//! Counters for `/metrics`, in Prometheus's text format.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};

/// A value that goes up and down; [`Gauge::track`] counts one thing for as
/// long as the returned guard lives, so an early return cannot leak a count.
#[derive(Debug, Default)]
pub struct Gauge(AtomicU64);

impl Gauge {
    pub fn track(&self) -> GaugeGuard<'_> {
        self.0.fetch_add(1, Ordering::Relaxed);
        GaugeGuard(self)
    }

    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Decrements its gauge when dropped.
#[derive(Debug)]
pub struct GaugeGuard<'a>(&'a Gauge);

impl Drop for GaugeGuard<'_> {
    fn drop(&mut self) {
        self.0.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Relay-wide counters; cheap to bump from any task.
#[derive(Debug, Default)]
pub struct Metrics {
    pub sessions_open: Gauge,
    pub sessions_total: AtomicU64,
    /// Sockets held by all sessions now (kept by each session's table).
    pub sockets_open: AtomicU64,
    pub policy_denials: AtomicU64,
    pub protocol_errors: AtomicU64,
    pub socket_errors: AtomicU64,
    pub udp_dropped: AtomicU64,
    pub bytes_to_peers: AtomicU64,
    pub bytes_from_peers: AtomicU64,
}

impl Metrics {
    /// Adds one to a counter.
    pub fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts bytes written to OS sockets on the browser's behalf.
    pub fn add_bytes_to_peers(&self, n: usize) {
        self.bytes_to_peers.fetch_add(n as u64, Ordering::Relaxed);
    }

    /// Counts bytes read from OS sockets for the browser.
    pub fn add_bytes_from_peers(&self, n: usize) {
        self.bytes_from_peers.fetch_add(n as u64, Ordering::Relaxed);
    }

    /// The exposition text served at `/metrics`.
    ///
    /// # Examples
    ///
    /// ```
    /// let m = netlab_relay::metrics::Metrics::default();
    /// assert!(m.render().contains("netlab_relay_sessions_open 0"));
    /// ```
    pub fn render(&self) -> String {
        let load = |c: &AtomicU64| c.load(Ordering::Relaxed);
        let rows = [
            (
                "sessions_open",
                "gauge",
                "WebSocket sessions open now",
                self.sessions_open.get(),
            ),
            (
                "sockets_open",
                "gauge",
                "sockets held by all sessions now",
                load(&self.sockets_open),
            ),
            (
                "sessions_total",
                "counter",
                "WebSocket sessions opened since start",
                load(&self.sessions_total),
            ),
            (
                "policy_denials_total",
                "counter",
                "handshakes or destinations refused by policy",
                load(&self.policy_denials),
            ),
            (
                "protocol_errors_total",
                "counter",
                "malformed client messages",
                load(&self.protocol_errors),
            ),
            (
                "socket_errors_total",
                "counter",
                "OS errors that ended a socket",
                load(&self.socket_errors),
            ),
            (
                "udp_dropped_total",
                "counter",
                "datagrams dropped because the browser was not reading",
                load(&self.udp_dropped),
            ),
            (
                "bytes_to_peers_total",
                "counter",
                "bytes written to OS sockets for browsers",
                load(&self.bytes_to_peers),
            ),
            (
                "bytes_from_peers_total",
                "counter",
                "bytes read from OS sockets for browsers",
                load(&self.bytes_from_peers),
            ),
        ];
        let mut out = String::new();
        for (name, kind, help, value) in rows {
            let _ = writeln!(out, "# HELP netlab_relay_{name} {help}");
            let _ = writeln!(out, "# TYPE netlab_relay_{name} {kind}");
            let _ = writeln!(out, "netlab_relay_{name} {value}");
        }
        out
    }
}
