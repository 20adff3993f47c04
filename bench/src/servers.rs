//! The harness's own TCP servers on 127.0.0.1: a sink that checksums what
//! it gets, a source that sends a known stream, and an echo server. Each
//! accepts any number of connections until the harness exits.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::mpsc;

/// The bytes both ends of a bulk transfer agree on: a pseudo-random block
/// whose period is no multiple of any chunk size, so chunks that came out
/// of order would change the checksum.
#[derive(Debug)]
pub struct Pattern {
    data: Vec<u8>,
    period: usize,
}

/// The largest slice [`Pattern::at`] gives.
pub const MAX_SLICE: usize = 1 << 20;

impl Pattern {
    pub fn new() -> Self {
        let period = (1 << 20) + 4099;
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let data = (0..period + MAX_SLICE)
            .map(|_| {
                // xorshift64*
                state ^= state >> 12;
                state ^= state << 25;
                state ^= state >> 27;
                (state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8
            })
            .collect();
        Self { data, period }
    }

    /// The `len` bytes (at most [`MAX_SLICE`]) at `offset` of the endless stream.
    pub fn at(&self, offset: u64, len: usize) -> &[u8] {
        let start = (offset % self.period as u64) as usize;
        let len = len.min(MAX_SLICE);
        self.data.get(start..start + len).unwrap_or_default()
    }
}

/// What a sink or source connection reports.
#[derive(Debug, Clone, Copy)]
pub struct Report {
    pub bytes: u64,
    pub crc: u32,
    /// When the expected byte count was reached (or the stream ended short).
    pub at: Instant,
}

/// Listens on 127.0.0.1 at `port` (0: any free port), address reusable so a
/// fixed port given by xtask can be taken again at once.
pub fn listen(port: u16) -> Result<TcpListener, String> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let socket = TcpSocket::new_v4().map_err(|e| format!("socket: {e}"))?;
    socket
        .set_reuseaddr(true)
        .map_err(|e| format!("SO_REUSEADDR: {e}"))?;
    socket.bind(addr).map_err(|e| format!("bind {addr}: {e}"))?;
    socket
        .listen(4096)
        .map_err(|e| format!("listen on {addr}: {e}"))
}

/// Accepts connections, each handled by `serve`, until the process ends.
fn accept_loop<F, Fut>(listener: TcpListener, serve: F)
where
    F: Fn(TcpStream) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    tokio::spawn(async move {
        loop {
            match listener.accept().await {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    tokio::spawn(serve(stream));
                }
                Err(e) => {
                    eprintln!("relay-load: accept: {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
            }
        }
    });
}

/// Reads each connection to its end, checksumming; reports once `expected`
/// bytes arrived (or at the end, if fewer came).
pub fn sink(listener: TcpListener, expected: u64) -> mpsc::UnboundedReceiver<Report> {
    let (tx, rx) = mpsc::unbounded_channel();
    accept_loop(listener, move |mut stream| {
        let tx = tx.clone();
        async move {
            let mut buf = vec![0u8; 256 * 1024];
            let mut crc = crc32fast::Hasher::new();
            let mut bytes = 0u64;
            let mut reported = false;
            loop {
                let n = match stream.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => n,
                };
                crc.update(buf.get(..n).unwrap_or_default());
                bytes += n as u64;
                if !reported && bytes >= expected {
                    reported = true;
                    let crc = crc.clone().finalize();
                    let _ = tx.send(Report {
                        bytes,
                        crc,
                        at: Instant::now(),
                    });
                }
            }
            if !reported {
                let crc = crc.finalize();
                let _ = tx.send(Report {
                    bytes,
                    crc,
                    at: Instant::now(),
                });
            }
        }
    });
    rx
}

/// Waits for one byte from each connection (the harness's "go"), then
/// sends `total` bytes of the pattern and reports what it sent; closes
/// once the harness has closed its side.
pub fn source(
    listener: TcpListener,
    total: u64,
    pattern: Arc<Pattern>,
) -> mpsc::UnboundedReceiver<Report> {
    let (tx, rx) = mpsc::unbounded_channel();
    accept_loop(listener, move |mut stream| {
        let (tx, pattern) = (tx.clone(), Arc::clone(&pattern));
        async move {
            let mut go = [0u8; 1];
            if !matches!(stream.read(&mut go).await, Ok(1)) {
                return;
            }
            let mut crc = crc32fast::Hasher::new();
            let mut sent = 0u64;
            while sent < total {
                let len = usize::try_from(total - sent)
                    .unwrap_or(usize::MAX)
                    .min(256 * 1024);
                let chunk = pattern.at(sent, len);
                if stream.write_all(chunk).await.is_err() {
                    break;
                }
                crc.update(chunk);
                sent += chunk.len() as u64;
            }
            let _ = tx.send(Report {
                bytes: sent,
                crc: crc.finalize(),
                at: Instant::now(),
            });
            // No FIN until the harness, having counted every byte, closes
            // its side: websockify 0.10 drops the data it still has queued
            // for the browser when its target closes first.
            let mut rest = [0u8; 64];
            while matches!(stream.read(&mut rest).await, Ok(n) if n > 0) {}
        }
    });
    rx
}

/// Writes back whatever each connection sends.
pub fn echo(listener: TcpListener) {
    accept_loop(listener, |mut stream| async move {
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            let n = match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            if stream
                .write_all(buf.get(..n).unwrap_or_default())
                .await
                .is_err()
            {
                return;
            }
        }
    });
}
