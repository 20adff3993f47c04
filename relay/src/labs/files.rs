//! The upload and download labs (seed 000 §8.1, seed 004 §4).

use std::io;

use bytes::{Bytes, BytesMut};
use netlab_core::auth::sha256_hex;
use serde::Deserialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::IDLE;
use super::sandbox::{MAX_FILE, Sandbox, check_name};
use super::stream::recv;

/// The longest JSON header accepted.
const MAX_HEADER: usize = 64 * 1024;

#[derive(Debug, Deserialize)]
struct Header {
    filename: String,
    filesize: u64,
}

/// Reads `struct.pack('i', len)`, the JSON header, then `filesize` bytes,
/// and answers one JSON line. The file becomes visible only once complete;
/// a client that stalls is dropped after the idle timeout with nothing stored.
pub async fn upload(mut stream: TcpStream, sandbox: &Sandbox) -> io::Result<()> {
    let answer = match receive(&mut stream, sandbox).await {
        Ok(Some(reply)) => reply,
        Ok(None) => return Ok(()),
        Err(Refusal(message)) => serde_json::json!({ "ok": false, "error": message }),
    };
    let mut line = answer.to_string();
    line.push('\n');
    // The seed's client closes without reading the answer: that is fine.
    let _ = stream.write_all(line.as_bytes()).await;
    let _ = stream.shutdown().await;
    Ok(())
}

/// A reason to refuse an upload, told to the client.
struct Refusal(String);

impl From<io::Error> for Refusal {
    fn from(e: io::Error) -> Self {
        Self(format!("connection problem: {e}"))
    }
}

async fn receive(
    stream: &mut TcpStream,
    sandbox: &Sandbox,
) -> Result<Option<serde_json::Value>, Refusal> {
    let mut len = [0u8; 4];
    match read_exact(stream, &mut len).await {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e.into()),
    }
    let header_len = i32::from_le_bytes(len);
    let header_len = usize::try_from(header_len)
        .ok()
        .filter(|n| (1..=MAX_HEADER).contains(n))
        .ok_or_else(|| {
            Refusal(format!(
                "header length {header_len} (from struct.pack('i', ...)) is not between 1 and {MAX_HEADER}"
            ))
        })?;
    let mut header = vec![0u8; header_len];
    read_exact(stream, &mut header).await?;
    let header: Header = serde_json::from_slice(&header).map_err(|e| {
        Refusal(format!(
            "the header is not JSON {{\"filename\": ..., \"filesize\": ...}}: {e}"
        ))
    })?;
    check_name(&header.filename).map_err(|e| Refusal(e.to_string()))?;
    let size = usize::try_from(header.filesize)
        .ok()
        .filter(|n| *n <= MAX_FILE)
        .ok_or_else(|| {
            Refusal(format!(
                "file of {} bytes is over the limit of 16 MiB",
                header.filesize
            ))
        })?;
    let mut body = BytesMut::with_capacity(size);
    let mut chunk = [0u8; 1024];
    while body.len() < size {
        let want = (size - body.len()).min(chunk.len());
        let n = recv(stream, chunk.get_mut(..want).unwrap_or_default()).await?;
        if n == 0 {
            return Err(Refusal(format!(
                "the connection closed after {} of {size} bytes; nothing was stored",
                body.len()
            )));
        }
        body.extend_from_slice(chunk.get(..n).unwrap_or_default());
    }
    let body: Bytes = body.freeze();
    let sha256 = sha256_hex(&body);
    sandbox
        .store(&header.filename, body)
        .map_err(|e| Refusal(e.to_string()))?;
    Ok(Some(serde_json::json!({
        "ok": true,
        "filename": header.filename,
        "size": size,
        "sha256": sha256,
    })))
}

async fn read_exact(stream: &mut TcpStream, buf: &mut [u8]) -> io::Result<()> {
    match tokio::time::timeout(IDLE, stream.read_exact(buf)).await {
        Ok(result) => result.map(drop),
        Err(_) => Err(io::Error::new(
            io::ErrorKind::TimedOut,
            "the client stopped sending",
        )),
    }
}

/// Seed 004's file server: the name from one `recv(1024)`, then the file,
/// then close; an unknown name closes with no data, as the seed does.
pub async fn download(mut stream: TcpStream, sandbox: &Sandbox) -> io::Result<()> {
    let mut buf = [0u8; 1024];
    let n = recv(&mut stream, &mut buf).await?;
    let name = String::from_utf8_lossy(buf.get(..n).unwrap_or_default()).into_owned();
    if check_name(&name).is_ok()
        && let Some(data) = sandbox.get(&name)
    {
        stream.write_all(&data).await?;
    }
    stream.shutdown().await
}
