//! Binary data frames, both directions; integers big-endian.
//!
//! - stream data: `0x01, sock: u32, payload`;
//! - datagram: `0x02, sock: u32, family: u8 (4 or 6), address (4 or 16
//!   bytes), port: u16, payload`.
//!
//! [`Frame::parse`] borrows the payload from the WebSocket message, so the
//! relay writes it to the OS socket without copying it.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use thiserror::Error;

/// The kind byte of a stream data frame.
pub const STREAM: u8 = 0x01;
/// The kind byte of a datagram frame.
pub const DATAGRAM: u8 = 0x02;
/// Bytes before a stream frame's payload.
pub const STREAM_HEADER: usize = 5;

/// Why bytes are not a data frame.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FrameError {
    #[error("empty binary frame")]
    Empty,
    #[error("unknown binary frame kind 0x{0:02x} (0x01 is stream data, 0x02 a datagram)")]
    UnknownKind(u8),
    #[error("{kind} frame truncated: its header needs {needed} bytes, the frame has {got}")]
    Truncated {
        kind: &'static str,
        needed: usize,
        got: usize,
    },
    #[error("datagram address family {0} is neither 4 nor 6")]
    BadFamily(u8),
}

/// A parsed data frame, borrowing its payload.
///
/// # Examples
///
/// ```
/// use netlab_core::protocol::frame::Frame;
///
/// let mut buf = Vec::new();
/// Frame::Stream { sock: 7, payload: b"hello" }.emit(&mut buf);
/// assert_eq!(buf, [1, 0, 0, 0, 7, b'h', b'e', b'l', b'l', b'o']);
/// assert_eq!(Frame::parse(&buf).unwrap(), Frame::Stream { sock: 7, payload: b"hello" });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frame<'a> {
    Stream {
        sock: u32,
        payload: &'a [u8],
    },
    Datagram {
        sock: u32,
        addr: SocketAddr,
        payload: &'a [u8],
    },
}

impl<'a> Frame<'a> {
    /// Parses a binary WebSocket message. Never panics.
    pub fn parse(buf: &'a [u8]) -> Result<Self, FrameError> {
        let (&kind, rest) = buf.split_first().ok_or(FrameError::Empty)?;
        match kind {
            STREAM => {
                let (sock, payload) = split_u32(rest).ok_or(FrameError::Truncated {
                    kind: "stream",
                    needed: STREAM_HEADER,
                    got: buf.len(),
                })?;
                Ok(Self::Stream { sock, payload })
            }
            DATAGRAM => {
                let truncated = |needed| FrameError::Truncated {
                    kind: "datagram",
                    needed,
                    got: buf.len(),
                };
                let (sock, rest) = split_u32(rest).ok_or(truncated(6))?;
                let (&family, rest) = rest.split_first().ok_or(truncated(6))?;
                let (ip, rest): (IpAddr, &[u8]) = match family {
                    4 => {
                        let (a, rest) = rest.split_first_chunk::<4>().ok_or(truncated(12))?;
                        (Ipv4Addr::from(*a).into(), rest)
                    }
                    6 => {
                        let (a, rest) = rest.split_first_chunk::<16>().ok_or(truncated(24))?;
                        (Ipv6Addr::from(*a).into(), rest)
                    }
                    other => return Err(FrameError::BadFamily(other)),
                };
                let needed = if family == 4 { 12 } else { 24 };
                let (port, payload) = rest.split_first_chunk::<2>().ok_or(truncated(needed))?;
                Ok(Self::Datagram {
                    sock,
                    addr: SocketAddr::new(ip, u16::from_be_bytes(*port)),
                    payload,
                })
            }
            other => Err(FrameError::UnknownKind(other)),
        }
    }

    /// Appends the frame's bytes to `out`.
    pub fn emit(&self, out: &mut Vec<u8>) {
        match *self {
            Self::Stream { sock, payload } => {
                out.reserve(STREAM_HEADER + payload.len());
                out.extend_from_slice(&stream_header(sock));
                out.extend_from_slice(payload);
            }
            Self::Datagram {
                sock,
                addr,
                payload,
            } => {
                out.push(DATAGRAM);
                out.extend_from_slice(&sock.to_be_bytes());
                match addr.ip() {
                    IpAddr::V4(a) => {
                        out.push(4);
                        out.extend_from_slice(&a.octets());
                    }
                    IpAddr::V6(a) => {
                        out.push(6);
                        out.extend_from_slice(&a.octets());
                    }
                }
                out.extend_from_slice(&addr.port().to_be_bytes());
                out.extend_from_slice(payload);
            }
        }
    }
}

/// The 5 bytes that precede a stream payload, for writers that place the
/// payload themselves (the relay reads from the OS socket right after them).
pub fn stream_header(sock: u32) -> [u8; STREAM_HEADER] {
    let s = sock.to_be_bytes();
    [STREAM, s[0], s[1], s[2], s[3]]
}

fn split_u32(buf: &[u8]) -> Option<(u32, &[u8])> {
    let (head, rest) = buf.split_first_chunk::<4>()?;
    Some((u32::from_be_bytes(*head), rest))
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn datagram_fixtures_v4_and_v6() {
        let v4 = [2, 0, 0, 0, 9, 4, 127, 0, 0, 1, 0x26, 0xac, b'h', b'i'];
        let f = Frame::parse(&v4).unwrap();
        assert_eq!(
            f,
            Frame::Datagram {
                sock: 9,
                addr: "127.0.0.1:9900".parse().unwrap(),
                payload: b"hi"
            }
        );
        let mut out = Vec::new();
        f.emit(&mut out);
        assert_eq!(out, v4);

        let addr: SocketAddr = "[::1]:53".parse().unwrap();
        let mut v6 = Vec::new();
        Frame::Datagram {
            sock: 1,
            addr,
            payload: b"",
        }
        .emit(&mut v6);
        assert_eq!(v6.len(), 1 + 4 + 1 + 16 + 2);
        assert_eq!(
            Frame::parse(&v6).unwrap(),
            Frame::Datagram {
                sock: 1,
                addr,
                payload: b""
            }
        );
    }

    #[test]
    fn every_prefix_of_a_frame_is_an_error_not_a_panic() {
        let mut buf = Vec::new();
        Frame::Datagram {
            sock: 1,
            addr: "[::1]:53".parse().unwrap(),
            payload: b"x",
        }
        .emit(&mut buf);
        for end in 0..buf.len() - 1 {
            assert!(Frame::parse(&buf[..end]).is_err(), "{end}");
        }
        assert_eq!(Frame::parse(&[3]), Err(FrameError::UnknownKind(3)));
        assert_eq!(
            Frame::parse(&[2, 0, 0, 0, 1, 5]),
            Err(FrameError::BadFamily(5))
        );
        assert_eq!(
            Frame::parse(&[1, 0, 0, 0, 1]).unwrap(),
            Frame::Stream {
                sock: 1,
                payload: b""
            }
        );
    }

    proptest::proptest! {
        #[test]
        fn parse_never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64)) {
            let _ = Frame::parse(&bytes);
        }

        #[test]
        fn stream_round_trip(sock in 0u32.., payload in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64)) {
            let mut out = Vec::new();
            Frame::Stream { sock, payload: &payload }.emit(&mut out);
            proptest::prop_assert_eq!(Frame::parse(&out).unwrap(), Frame::Stream { sock, payload: &payload });
        }
    }
}
