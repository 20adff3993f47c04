//! Control messages: JSON in WebSocket text frames.
//!
//! The client sends [`Op`]s (tagged by `op`); the relay answers with
//! [`Event`]s (tagged by `ev`). Socket ids below 2^31 are the client's; the
//! relay numbers the connections it accepts from 2^31 up.

use serde::{Deserialize, Serialize};

use super::errno;

/// The protocol version this crate speaks.
pub const PROTOCOL_VERSION: u32 = 1;

/// The first socket id the relay gives to accepted connections.
pub const RELAY_IDS_START: u32 = 1 << 31;

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

/// A host and port, written `["127.0.0.1", 9000]` as Python writes an address tuple.
pub type Endpoint = (String, u16);

/// TCP or UDP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SockType {
    Tcp,
    Udp,
}

/// IPv4 (`AF_INET`) or IPv6 (`AF_INET6`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    #[default]
    Inet,
    Inet6,
}

/// Which direction `shutdown` closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum How {
    Read,
    Write,
    Both,
}

/// The socket options the relay supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SockOpt {
    #[serde(rename = "TCP_NODELAY")]
    TcpNodelay,
    #[serde(rename = "SO_REUSEADDR")]
    SoReuseaddr,
    #[serde(rename = "SO_RCVBUF")]
    SoRcvbuf,
    #[serde(rename = "SO_SNDBUF")]
    SoSndbuf,
}

/// A socket option's value: a flag or a size, as Python's `setsockopt` takes either.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum OptValue {
    Flag(bool),
    Int(i64),
}

impl OptValue {
    /// The value as an integer (`true` is 1), as the kernel sees it.
    pub fn as_int(self) -> i64 {
        match self {
            Self::Flag(b) => i64::from(b),
            Self::Int(n) => n,
        }
    }
}

/// A client-to-relay control message.
///
/// # Examples
///
/// ```
/// use netlab_core::protocol::{Op, parse_op};
///
/// let op = parse_op(r#"{"op":"connect","sock":1,"host":"127.0.0.1","port":9000}"#).unwrap();
/// assert_eq!(op, Op::Connect { sock: 1, host: "127.0.0.1".into(), port: 9000 });
/// assert_eq!(op.name(), "connect");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "lowercase", deny_unknown_fields)]
pub enum Op {
    Socket {
        sock: u32,
        #[serde(rename = "type")]
        kind: SockType,
        #[serde(default)]
        family: Family,
    },
    Bind {
        sock: u32,
        host: String,
        port: u16,
    },
    Listen {
        sock: u32,
        #[serde(default)]
        backlog: u32,
    },
    Connect {
        sock: u32,
        host: String,
        port: u16,
    },
    Shutdown {
        sock: u32,
        how: How,
    },
    Close {
        sock: u32,
        /// An extension of the spec's `close`: reset the connection (no
        /// FIN), as Linux resets the connections a closed listener never
        /// handed to `accept()`. The page sends it for those; absent means
        /// a normal close.
        #[serde(default, skip_serializing_if = "is_false")]
        reset: bool,
    },
    Setsockopt {
        sock: u32,
        name: SockOpt,
        value: OptValue,
    },
    Credit {
        sock: u32,
        bytes: u32,
    },
}

impl Op {
    /// The op's name as it appears in JSON.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Socket { .. } => "socket",
            Self::Bind { .. } => "bind",
            Self::Listen { .. } => "listen",
            Self::Connect { .. } => "connect",
            Self::Shutdown { .. } => "shutdown",
            Self::Close { .. } => "close",
            Self::Setsockopt { .. } => "setsockopt",
            Self::Credit { .. } => "credit",
        }
    }

    /// The socket the op is about.
    pub fn sock(&self) -> u32 {
        match *self {
            Self::Socket { sock, .. }
            | Self::Bind { sock, .. }
            | Self::Listen { sock, .. }
            | Self::Connect { sock, .. }
            | Self::Shutdown { sock, .. }
            | Self::Close { sock, .. }
            | Self::Setsockopt { sock, .. }
            | Self::Credit { sock, .. } => sock,
        }
    }
}

/// Whether a flag is unset, so it is left out of the JSON.
fn is_false(flag: &bool) -> bool {
    !flag
}

/// Reads one text frame as an [`Op`]. A frame that is not one is answered
/// with an `EPROTO` error event whose `op` is `null`, as the protocol
/// writes it; its message names the op (when one can be read) and what is
/// wrong with it, and its `sock` is the socket named, if any, so the client
/// can still tell which request failed.
///
/// # Examples
///
/// ```
/// use netlab_core::protocol::parse_op;
///
/// let e = parse_op(r#"{"op":"connect","sock":7,"host":"x"}"#).unwrap_err();
/// assert_eq!((e.code.as_str(), e.op.as_deref(), e.sock), ("EPROTO", None, Some(7)));
/// assert!(e.message.starts_with("[Errno 71] Protocol error: connect: missing field `port`"));
/// ```
pub fn parse_op(text: &str) -> Result<Op, Box<ErrorEvent>> {
    serde_json::from_str(text).map_err(|e| {
        let loose: Option<serde_json::Value> = serde_json::from_str(text).ok();
        let field = |name: &str| loose.as_ref().and_then(|v| v.get(name).cloned());
        let detail = match field("op").as_ref().and_then(|v| v.as_str()) {
            Some(op) => format!("{op}: {e}"),
            None => e.to_string(),
        };
        let mut event = ErrorEvent::malformed(&detail);
        event.sock = field("sock")
            .and_then(|v| v.as_u64())
            .and_then(|n| u32::try_from(n).ok());
        Box::new(event)
    })
}

/// The answer to a successful op.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OkEvent {
    pub sock: u32,
    pub op: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local: Option<Endpoint>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peer: Option<Endpoint>,
}

/// An error event, worded as Python words the same OS error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorEvent {
    pub sock: Option<u32>,
    pub op: Option<String>,
    pub errno: Option<i32>,
    pub code: String,
    pub message: String,
    /// Where a failed `connect` had bound the socket: the address and the
    /// port the attempt chose, which Linux's `getsockname()` still gives
    /// after the failure. An extension of the spec's `error`: optional,
    /// absent everywhere else, and a client that does not know it ignores
    /// it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local: Option<Endpoint>,
}

impl ErrorEvent {
    /// An OS error on a socket op, e.g. `[Errno 111] Connection refused`.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::protocol::ErrorEvent;
    ///
    /// let e = ErrorEvent::os(Some(3), "connect", 111, None);
    /// assert_eq!(e.code, "ECONNREFUSED");
    /// assert_eq!(e.message, "[Errno 111] Connection refused");
    /// ```
    pub fn os(sock: Option<u32>, op: &str, errno: i32, detail: Option<&str>) -> Self {
        let base = errno::python_message(errno);
        Self {
            sock,
            op: Some(op.to_owned()),
            errno: Some(errno),
            code: errno::code(errno),
            message: match detail {
                Some(d) => format!("{base}: {d}"),
                None => base,
            },
            local: None,
        }
    }

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
            errno: Some(errno::EPROTO),
            code: "EPROTO".into(),
            message: format!("{}: {detail}", errno::python_message(errno::EPROTO)),
            local: None,
        }
    }
}

/// Relay-to-client control messages, tagged by `ev`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "ev", rename_all = "lowercase")]
pub enum Event {
    Hello(Hello),
    Ok(OkEvent),
    Accept {
        sock: u32,
        conn: u32,
        peer: Endpoint,
        local: Endpoint,
    },
    Eof {
        sock: u32,
    },
    Closed {
        sock: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    Credit {
        sock: u32,
        bytes: u32,
    },
    Error(ErrorEvent),
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn every_op_parses_from_the_spec_shape() {
        let cases = [
            (r#"{"op":"socket","sock":1,"type":"tcp"}"#, "socket"),
            (
                r#"{"op":"socket","sock":1,"type":"udp","family":"inet6"}"#,
                "socket",
            ),
            (
                r#"{"op":"bind","sock":1,"host":"127.0.0.1","port":0}"#,
                "bind",
            ),
            (r#"{"op":"listen","sock":1,"backlog":5}"#, "listen"),
            (
                r#"{"op":"connect","sock":1,"host":"localhost","port":9900}"#,
                "connect",
            ),
            (r#"{"op":"shutdown","sock":1,"how":"write"}"#, "shutdown"),
            (r#"{"op":"close","sock":1}"#, "close"),
            (
                r#"{"op":"setsockopt","sock":1,"name":"TCP_NODELAY","value":true}"#,
                "setsockopt",
            ),
            (
                r#"{"op":"setsockopt","sock":1,"name":"SO_RCVBUF","value":65536}"#,
                "setsockopt",
            ),
            (r#"{"op":"credit","sock":1,"bytes":4096}"#, "credit"),
        ];
        for (text, name) in cases {
            let op = parse_op(text).unwrap_or_else(|e| panic!("{text}: {}", e.message));
            assert_eq!(op.name(), name);
            assert_eq!(op.sock(), 1);
        }
    }

    #[test]
    fn a_close_is_the_spec_shape_unless_it_resets() {
        let close = |reset| serde_json::to_string(&Op::Close { sock: 3, reset }).unwrap();
        assert_eq!(close(false), r#"{"op":"close","sock":3}"#);
        assert_eq!(close(true), r#"{"op":"close","sock":3,"reset":true}"#);
        assert_eq!(
            parse_op(r#"{"op":"close","sock":3,"reset":true}"#).unwrap(),
            Op::Close {
                sock: 3,
                reset: true
            }
        );
        assert!(parse_op(r#"{"op":"close","sock":3,"reset":1}"#).is_err());
    }

    #[test]
    fn malformed_ops_have_a_null_op_and_name_it_in_the_message() {
        let e = parse_op(r#"{"op":"connect","sock":7,"host":"x"}"#).unwrap_err();
        assert_eq!(
            (e.code.as_str(), e.op.as_deref(), e.sock),
            ("EPROTO", None, Some(7))
        );
        assert!(
            e.message.contains("connect: missing field `port`"),
            "{}",
            e.message
        );
        let e = parse_op("{nope").unwrap_err();
        assert_eq!((e.op, e.sock), (None, None));
        let e = parse_op(r#"{"op":"fly","sock":1}"#).unwrap_err();
        assert!(e.message.contains("fly: unknown variant"), "{}", e.message);
        assert_eq!((e.op, e.sock), (None, Some(1)));
        assert!(parse_op(r#"{"op":"bind","sock":1,"host":"h","port":70000}"#).is_err());
    }

    #[test]
    fn events_serialize_as_the_spec_writes_them() {
        let accept = Event::Accept {
            sock: 1,
            conn: RELAY_IDS_START,
            peer: ("127.0.0.1".into(), 50000),
            local: ("127.0.0.1".into(), 9000),
        };
        assert_eq!(
            serde_json::to_string(&accept).unwrap(),
            r#"{"ev":"accept","sock":1,"conn":2147483648,"peer":["127.0.0.1",50000],"local":["127.0.0.1",9000]}"#
        );
        let closed = Event::Closed {
            sock: 2,
            reason: None,
        };
        assert_eq!(
            serde_json::to_string(&closed).unwrap(),
            r#"{"ev":"closed","sock":2}"#
        );
        let err = Event::Error(ErrorEvent::os(Some(1), "connect", 111, None));
        assert_eq!(
            serde_json::to_string(&err).unwrap(),
            r#"{"ev":"error","sock":1,"op":"connect","errno":111,"code":"ECONNREFUSED","message":"[Errno 111] Connection refused"}"#
        );
    }
}
