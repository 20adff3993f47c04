//! The small TCP labs: hello, echo, upper, sticky, framed and auth. Every
//! read and write goes through [`Conn`], bounded by the idle limit.

use std::io;

use netlab_core::auth;

use super::conn::Conn;

/// Seed 000 §2: `conn.send(b'hello')`, `conn.recv(1024)`, `conn.close()`.
pub async fn hello(mut stream: Conn) -> io::Result<()> {
    stream.send(b"hello").await?;
    let mut buf = [0u8; 1024];
    stream.recv(&mut buf).await?;
    Ok(())
}

/// Every chunk back as it came.
pub async fn echo(mut stream: Conn) -> io::Result<()> {
    let mut buf = [0u8; 1024];
    loop {
        let n = stream.recv(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        stream.send(buf.get(..n).unwrap_or_default()).await?;
    }
}

/// Seed 000 §10's socketserver handler: `conn.send(content.upper())` for
/// every `recv(1024)`.
pub async fn upper(mut stream: Conn) -> io::Result<()> {
    upper_loop(&mut stream).await
}

async fn upper_loop(stream: &mut Conn) -> io::Result<()> {
    let mut buf = [0u8; 1024];
    loop {
        let n = stream.recv(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        upper_chunk(stream, buf.get(..n).unwrap_or_default()).await?;
    }
}

/// One chunk back upper-cased. The seed decodes as UTF-8 and its handler
/// dies on bytes that are not; the lab closes the connection the same way.
async fn upper_chunk(stream: &mut Conn, chunk: &[u8]) -> io::Result<()> {
    let text =
        std::str::from_utf8(chunk).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    stream.send(text.to_uppercase().as_bytes()).await
}

/// Seed 000 §6.1: two sends with no pause, then close. The socket is
/// corked for the two writes so that both leave in one segment every time,
/// which is what the seed's client (sleeping 0.1 s before `recv(1024)`)
/// sees: `b'hellonice'`.
pub async fn sticky(mut stream: Conn) -> io::Result<()> {
    socket2::SockRef::from(stream.stream()).set_tcp_cork(true)?;
    stream.send(b"hello").await?;
    stream.send(b"nice").await?;
    socket2::SockRef::from(stream.stream()).set_tcp_cork(false)?;
    stream.shutdown().await
}

/// Seed 000 §6.7, fixed for both messages: each behind
/// `struct.pack('i', len(msg))`, little-endian as the seed's native `i` on x86.
pub async fn framed(mut stream: Conn) -> io::Result<()> {
    for msg in [&b"hello"[..], b"nice"] {
        let len = i32::try_from(msg.len()).unwrap_or(i32::MAX);
        stream.send(&len.to_le_bytes()).await?;
        stream.send(msg).await?;
    }
    stream.shutdown().await
}

/// Seed 000 §9: 32 random bytes; the right keyed digest lets the client in
/// (`b'hello'`, then the upper-case service); a wrong one closes. The
/// answer may be under any of `secrets`.
pub async fn auth(mut stream: Conn, secrets: &[Vec<u8>]) -> io::Result<()> {
    let mut challenge = [0u8; auth::CHALLENGE_LEN];
    getrandom::fill(&mut challenge).map_err(|e| io::Error::other(e.to_string()))?;
    stream.send(&challenge).await?;
    let mut buf = [0u8; 1024];
    let n = stream.recv(&mut buf).await?;
    let data = buf.get(..n).unwrap_or_default();
    let verdict = secrets
        .iter()
        .find_map(|secret| auth::verify_prefix(secret, &challenge, data));
    match verdict {
        Some((_, used)) => {
            stream.send(b"hello").await?;
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
