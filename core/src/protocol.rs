//! The relay protocol's messages (version 1), shared by the relay and the
//! browser client so both sides speak from one definition.
//!
//! Text frames carry these as JSON; `docs/relay-protocol.md` is the contract.

use serde::{Deserialize, Serialize};

/// The protocol version this crate speaks.
pub const PROTOCOL_VERSION: u32 = 1;

/// The relay's limits, announced in [`Hello`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Sockets one session may hold open.
    pub max_sockets: u32,
    /// The largest WebSocket frame accepted, in bytes.
    pub max_frame: u32,
    /// Bytes a sender may have outstanding per socket and direction.
    pub window: u32,
}

/// A lab server as the relay announces it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabInfo {
    pub name: String,
    pub proto: String,
    pub host: String,
    pub port: u16,
    pub about: String,
}

/// The first message of every session.
///
/// # Examples
///
/// ```
/// use netlab_core::protocol::{Event, Hello, Limits};
///
/// let hello = Event::Hello(Hello {
///     protocol: 1,
///     relay: "netlab-relay 0.1.0".into(),
///     limits: Limits { max_sockets: 64, max_frame: 65536, window: 262144 },
///     labs: vec![],
///     allow: vec!["127.0.0.0/8".into(), "::1/128".into()],
/// });
/// let json = serde_json::to_string(&hello).unwrap();
/// assert!(json.starts_with(r#"{"ev":"hello","protocol":1,"#));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hello {
    pub protocol: u32,
    pub relay: String,
    pub limits: Limits,
    pub labs: Vec<LabInfo>,
    pub allow: Vec<String>,
}

/// An error event, worded as Python words the same OS error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorEvent {
    pub sock: Option<u32>,
    pub op: Option<String>,
    pub errno: Option<i32>,
    pub code: String,
    pub message: String,
}

/// Relay-to-client control messages, tagged by `ev`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "ev", rename_all = "lowercase")]
pub enum Event {
    Hello(Hello),
    Error(ErrorEvent),
}

impl ErrorEvent {
    /// The answer to a text frame that is not a valid control message.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::protocol::ErrorEvent;
    ///
    /// let e = ErrorEvent::malformed("expected value at line 1 column 1");
    /// assert_eq!(e.code, "EPROTO");
    /// assert_eq!(e.op, None);
    /// ```
    pub fn malformed(detail: &str) -> Self {
        Self {
            sock: None,
            op: None,
            errno: Some(71),
            code: "EPROTO".into(),
            message: format!("[Errno 71] Protocol error: {detail}"),
        }
    }
}
