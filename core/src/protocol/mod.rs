//! The relay protocol, version 1, shared by the relay and the browser client
//! so both sides speak from one definition (`docs/relay-protocol.md`).
//!
//! - [`messages`]: the JSON control messages of text frames (`op` from the
//!   client, `ev` from the relay).
//! - [`frame`]: the binary data frames (stream data and datagrams), parsed
//!   check-then-parse and emitted without copies beyond the output buffer.
//! - [`errno`]: OS error numbers with Python's wording, so a refused connect
//!   reads `[Errno 111] Connection refused` in the browser as in Python.
//! - [`policy`]: the destination allow-list (`--allow CIDR[:PORT[-PORT]]`).

pub mod errno;
pub mod frame;
pub mod messages;
pub mod policy;

pub use messages::*;
