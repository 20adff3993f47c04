//! Counters for `/metrics`, in Prometheus's text format.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};

/// Relay-wide counters; cheap to bump from any task.
#[derive(Debug, Default)]
pub struct Metrics {
    pub sessions_open: AtomicU64,
    pub sessions_total: AtomicU64,
    pub policy_denials: AtomicU64,
    pub protocol_errors: AtomicU64,
}

impl Metrics {
    /// Adds one to a counter.
    pub fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
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
        let rows = [
            (
                "sessions_open",
                "gauge",
                "WebSocket sessions open now",
                &self.sessions_open,
            ),
            (
                "sessions_total",
                "counter",
                "WebSocket sessions opened since start",
                &self.sessions_total,
            ),
            (
                "policy_denials_total",
                "counter",
                "handshakes or operations refused by policy",
                &self.policy_denials,
            ),
            (
                "protocol_errors_total",
                "counter",
                "malformed or unsupported client messages",
                &self.protocol_errors,
            ),
        ];
        let mut out = String::new();
        for (name, kind, help, value) in rows {
            let _ = writeln!(out, "# HELP netlab_relay_{name} {help}");
            let _ = writeln!(out, "# TYPE netlab_relay_{name} {kind}");
            let _ = writeln!(out, "netlab_relay_{name} {}", value.load(Ordering::Relaxed));
        }
        out
    }
}
