//! The small TCP labs: hello, echo, upper, sticky, framed and auth.

use std::io;

use netlab_core::auth;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::IDLE;

/// One `recv(1024)`, as the seeds' servers read, with the labs' idle timeout.
pub async fn recv(stream: &mut TcpStream, buf: &mut [u8]) -> io::Result<usize> {
    match tokio::time::timeout(IDLE, stream.read(buf)).await {
        Ok(result) => result,
        Err(_) => Err(io::Error::new(io::ErrorKind::TimedOut, "lab client idle")),
    }
}

/// Seed 000 §2: `conn.send(b'hello')`, `conn.recv(1024)`, `conn.close()`.
pub async fn hello(mut stream: TcpStream) -> io::Result<()> {
    stream.write_all(b"hello").await?;
    let mut buf = [0u8; 1024];
    recv(&mut stream, &mut buf).await?;
    Ok(())
}

/// Every chunk back as it came.
pub async fn echo(mut stream: TcpStream) -> io::Result<()> {
    let mut buf = [0u8; 1024];
    loop {
        let n = recv(&mut stream, &mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        stream.write_all(buf.get(..n).unwrap_or_default()).await?;
    }
}

/// Seed 000 §10's socketserver handler: `conn.send(content.upper())` for
/// every `recv(1024)`.
pub async fn upper(mut stream: TcpStream) -> io::Result<()> {
    upper_loop(&mut stream).await
}

async fn upper_loop(stream: &mut TcpStream) -> io::Result<()> {
    let mut buf = [0u8; 1024];
    loop {
        let n = recv(stream, &mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        upper_chunk(stream, buf.get(..n).unwrap_or_default()).await?;
    }
}

/// One chunk back upper-cased. The seed decodes as UTF-8 and its handler
/// dies on bytes that are not; the lab closes the connection the same way.
async fn upper_chunk(stream: &mut TcpStream, chunk: &[u8]) -> io::Result<()> {
    let text =
        std::str::from_utf8(chunk).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    stream.write_all(text.to_uppercase().as_bytes()).await
}

/// Seed 000 §6.1: two sends with no pause, then close. The socket is
/// corked for the two writes so that both leave in one segment every time,
/// which is what the seed's client (sleeping 0.1 s before `recv(1024)`)
/// sees: `b'hellonice'`.
pub async fn sticky(mut stream: TcpStream) -> io::Result<()> {
    let sock = socket2::SockRef::from(&stream);
    sock.set_tcp_cork(true)?;
    stream.write_all(b"hello").await?;
    stream.write_all(b"nice").await?;
    socket2::SockRef::from(&stream).set_tcp_cork(false)?;
    stream.shutdown().await
}

/// Seed 000 §6.7, fixed for both messages: each behind
/// `struct.pack('i', len(msg))`, little-endian as the seed's native `i` on x86.
pub async fn framed(mut stream: TcpStream) -> io::Result<()> {
    for msg in [&b"hello"[..], b"nice"] {
        let len = i32::try_from(msg.len()).unwrap_or(i32::MAX);
        stream.write_all(&len.to_le_bytes()).await?;
        stream.write_all(msg).await?;
    }
    stream.shutdown().await
}

/// Seed 000 §9: 32 random bytes; the right keyed digest lets the client in
/// (`b'hello'`, then the upper-case service); a wrong one closes.
pub async fn auth(mut stream: TcpStream, secret: &[u8]) -> io::Result<()> {
    let mut challenge = [0u8; auth::CHALLENGE_LEN];
    getrandom::fill(&mut challenge).map_err(|e| io::Error::other(e.to_string()))?;
    stream.write_all(&challenge).await?;
    let mut buf = [0u8; 1024];
    let n = recv(&mut stream, &mut buf).await?;
    let data = buf.get(..n).unwrap_or_default();
    match auth::verify_prefix(secret, &challenge, data) {
        Some((_, used)) => {
            stream.write_all(b"hello").await?;
            // A client may have sent its first message right behind the answer.
            let rest = data.get(used..).unwrap_or_default();
            if !rest.is_empty() {
                upper_chunk(&mut stream, rest).await?;
            }
            upper_loop(&mut stream).await
        }
        None => Ok(()),
    }
}
