//! The UDP chat room (seed 000 §7, seed 004): `name|message` datagrams,
//! forwarded to every peer heard from in the last 10 minutes.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::UdpSocket;
use tokio::time::Instant;

/// How long a peer stays in the room after its last datagram.
const MEMBERSHIP: Duration = Duration::from_secs(600);
/// At most this many peers; the one heard from longest ago makes room.
const MAX_PEERS: usize = 64;

/// The room's members, most recent last.
#[derive(Debug, Default)]
pub struct Room {
    peers: Vec<(SocketAddr, Instant)>,
}

impl Room {
    /// Notes that `from` spoke at `now`; returns who should receive the message.
    pub fn heard(&mut self, from: SocketAddr, now: Instant) -> Vec<SocketAddr> {
        self.peers
            .retain(|(addr, seen)| *addr != from && now.duration_since(*seen) < MEMBERSHIP);
        if self.peers.len() >= MAX_PEERS {
            self.peers.remove(0);
        }
        self.peers.push((from, now));
        self.peers.iter().map(|(addr, _)| *addr).collect()
    }
}

pub async fn serve(socket: UdpSocket) {
    let mut room = Room::default();
    let mut buf = vec![0u8; 65_535];
    loop {
        let Ok((n, from)) = socket.recv_from(&mut buf).await else {
            continue;
        };
        let datagram = buf.get(..n).unwrap_or_default();
        let valid = std::str::from_utf8(datagram).is_ok_and(|text| text.contains('|'));
        if !valid {
            let _ = socket.send_to(b"error|expected name|message", from).await;
            continue;
        }
        for peer in room.heard(from, Instant::now()) {
            let _ = socket.send_to(datagram, peer).await;
        }
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn members_expire_and_are_capped() {
        let mut room = Room::default();
        let t0 = Instant::now();
        let a: SocketAddr = "127.0.0.1:1".parse().unwrap();
        let b: SocketAddr = "127.0.0.1:2".parse().unwrap();
        assert_eq!(room.heard(a, t0), [a]);
        assert_eq!(room.heard(b, t0 + Duration::from_secs(1)), [a, b]);
        assert_eq!(room.heard(b, t0 + MEMBERSHIP + Duration::from_secs(1)), [b]);
        for port in 0..100u16 {
            let n = room.heard(
                SocketAddr::from(([127, 0, 0, 1], 1000 + port)),
                t0 + MEMBERSHIP,
            );
            assert!(n.len() <= MAX_PEERS);
        }
    }
}
