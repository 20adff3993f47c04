//! `netlab-relay`: serves the playground and lets it use real sockets.
//!
//! Shaped like mini-redis: [`server::run`] drives the listener until the
//! shutdown future resolves, with one task per WebSocket session; a
//! semaphore caps sessions; a broadcast channel tells every session to close
//! (code 1001) and dropped `mpsc` senders tell `run` they have. The binary
//! only parses flags, sets up tracing, binds and calls `run`.
//!
//! Only this crate knows tokio. The protocol's message types come from
//! `netlab_core::protocol`, shared with the browser client.

pub mod config;
mod credit;
pub mod guard;
pub mod labs;
pub mod metrics;
mod outgoing;
pub mod server;
mod session;
mod sockets;
pub mod web;

pub use config::Config;
pub use server::{Relay, run};
