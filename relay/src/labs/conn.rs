//! A lab's client connection, with every read and every write bounded in
//! time: a client that stops sending, or stops reading, is let go, and its
//! lab slot with it.

use std::io;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A lab client: a `TcpStream` whose reads and writes each give up after
/// `idle` without progress.
#[derive(Debug)]
pub struct Conn {
    stream: TcpStream,
    idle: Duration,
}

impl Conn {
    pub fn new(stream: TcpStream, idle: Duration) -> Self {
        Self { stream, idle }
    }

    /// The idle limit this connection was made with.
    pub fn idle(&self) -> Duration {
        self.idle
    }

    /// The socket, for options such as `TCP_CORK`.
    pub fn stream(&self) -> &TcpStream {
        &self.stream
    }

    /// One `recv(1024)`, as the seeds' servers read, with the idle limit.
    pub async fn recv(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match tokio::time::timeout(self.idle, self.stream.read(buf)).await {
            Ok(result) => result,
            Err(_) => Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the client sent nothing for too long",
            )),
        }
    }

    /// One `recv` that also gives up at `deadline` (for a bound on a whole
    /// exchange, not only on each read).
    pub async fn recv_until(
        &mut self,
        buf: &mut [u8],
        deadline: tokio::time::Instant,
    ) -> io::Result<usize> {
        match tokio::time::timeout_at(deadline, self.recv(buf)).await {
            Ok(result) => result,
            Err(_) => Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the client took too long in all",
            )),
        }
    }

    /// Fills `buf`, each read bounded by the idle limit, all by `deadline`.
    pub async fn read_exact(
        &mut self,
        buf: &mut [u8],
        deadline: tokio::time::Instant,
    ) -> io::Result<()> {
        let mut filled = 0;
        while filled < buf.len() {
            let n = self
                .recv_until(buf.get_mut(filled..).unwrap_or_default(), deadline)
                .await?;
            if n == 0 {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            filled += n;
        }
        Ok(())
    }

    /// `sendall`, except that a client that reads nothing for the idle
    /// limit is dropped: the connection is then reset, so that neither the
    /// lab nor the kernel keeps the unsent bytes for a reader that is gone.
    pub async fn send(&mut self, mut data: &[u8]) -> io::Result<()> {
        while !data.is_empty() {
            match tokio::time::timeout(self.idle, self.stream.write(data)).await {
                Ok(Ok(0)) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(Ok(n)) => data = data.get(n..).unwrap_or_default(),
                Ok(Err(e)) => return Err(e),
                Err(_) => {
                    // SO_LINGER 0: closing resets instead of keeping the
                    // unsent bytes in the kernel for minutes.
                    let _ = socket2::SockRef::from(&self.stream).set_linger(Some(Duration::ZERO));
                    return Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        "the client read nothing for too long",
                    ));
                }
            }
        }
        Ok(())
    }

    /// Sends FIN: the client's next `recv` returns `b''`.
    pub async fn shutdown(&mut self) -> io::Result<()> {
        self.stream.shutdown().await
    }
}

#[cfg(test)]
mod test {
    use super::*;
    use tokio::net::TcpListener;

    async fn pair(idle: Duration) -> (Conn, TcpStream) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (server, _) = listener.accept().await.unwrap();
        (Conn::new(server, idle), client)
    }

    /// Before, `write_all` to a client that never reads waited forever.
    #[tokio::test]
    async fn a_send_to_a_client_that_never_reads_times_out() {
        let (mut conn, _client) = pair(Duration::from_millis(200)).await;
        let big = vec![b'x'; 64 * 1024 * 1024];
        let sent = tokio::time::timeout(Duration::from_secs(5), conn.send(&big))
            .await
            .expect("the send gives up by itself");
        assert_eq!(sent.unwrap_err().kind(), io::ErrorKind::TimedOut);
    }

    #[tokio::test]
    async fn a_send_to_a_reading_client_completes() {
        let (mut conn, mut client) = pair(Duration::from_millis(200)).await;
        let big = vec![b'x'; 4 * 1024 * 1024];
        let reader = tokio::spawn(async move {
            let mut all = Vec::new();
            client.read_to_end(&mut all).await.unwrap();
            all.len()
        });
        conn.send(&big).await.unwrap();
        conn.shutdown().await.unwrap();
        assert_eq!(reader.await.unwrap(), big.len());
    }

    #[tokio::test]
    async fn a_silent_client_times_out_and_a_deadline_ends_a_trickle() {
        let (mut conn, mut client) = pair(Duration::from_millis(200)).await;
        let mut buf = [0u8; 16];
        let err = conn.recv(&mut buf).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);
        // Each byte comes well within the idle limit, but the deadline holds.
        let trickle = tokio::spawn(async move {
            for _ in 0..100 {
                if client.write_all(b"t").await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        });
        let deadline = tokio::time::Instant::now() + Duration::from_millis(300);
        let ended = loop {
            match conn.recv_until(&mut buf, deadline).await {
                Ok(n) if n > 0 => continue,
                other => break other,
            }
        };
        assert_eq!(ended.unwrap_err().kind(), io::ErrorKind::TimedOut);
        drop(conn);
        trickle.await.unwrap();
    }
}
