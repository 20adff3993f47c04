//! The upload and download labs (seed 000 §8.1, seed 004 §4).

use std::io;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use netlab_core::auth::sha256_hex;
use serde::Deserialize;
use tokio::time::Instant;

use super::LabShared;
use super::conn::Conn;
use super::sandbox::{MAX_FILE, Sandbox, check_name};

/// The longest JSON header accepted.
const MAX_HEADER: usize = 64 * 1024;
/// The most a refused upload's client may still send: the lab reads and
/// discards it after answering, because a socket closed with unread data
/// makes Linux reset the connection, and the client then sees
/// `[Errno 32] Broken pipe` instead of the answer.
const MAX_DRAIN: u64 = 64 * 1024 * 1024;
/// How long a refused upload's client has to send the rest, in all.
const DRAIN_TIME: Duration = Duration::from_secs(60);
/// A refused upload's client silent this long is closed.
const DRAIN_IDLE: Duration = Duration::from_secs(5);

#[derive(Debug, Deserialize)]
struct Header {
    filename: String,
    filesize: u64,
}

/// Reads `struct.pack('i', len)`, the JSON header, then `filesize` bytes,
/// and answers one JSON line. The file becomes visible only once complete;
/// a client that stalls, or takes longer than the lab's upload time in all,
/// is answered with an error (if it still reads) and nothing is stored.
pub async fn upload(mut conn: Conn, shared: &LabShared) -> io::Result<()> {
    let (answer, unread) = match receive(&mut conn, shared).await {
        Ok(Some(reply)) => (reply, 0),
        Ok(None) => return Ok(()),
        Err(Refusal { message, unread }) => {
            (serde_json::json!({ "ok": false, "error": message }), unread)
        }
    };
    let mut line = answer.to_string();
    line.push('\n');
    // The seed's client closes without reading the answer: that is fine.
    let sent = conn.send(line.as_bytes()).await.is_ok();
    // The answer is all there is: the client's next recv() gives b'' at
    // once, while what it still sends of a refused upload is read and
    // dropped below, so that closing does not reset the connection.
    let _ = conn.shutdown().await;
    if sent {
        discard(&mut conn, unread).await;
    }
    Ok(())
}

/// A reason to refuse an upload, told to the client, and how many bytes the
/// client may still send (what its header announced; `MAX_DRAIN` when the
/// header could not be read).
struct Refusal {
    message: String,
    unread: u64,
}

impl Refusal {
    fn new(message: String, unread: u64) -> Self {
        Self { message, unread }
    }
}

impl From<io::Error> for Refusal {
    fn from(e: io::Error) -> Self {
        Self::new(
            format!("connection problem: {e}; nothing was stored, send the file again"),
            0,
        )
    }
}

/// Reads and drops what a refused client still sends, so that closing does
/// not reset the connection before the client has read the answer. Bounded:
/// at most `unread` bytes (and `MAX_DRAIN`), `DRAIN_TIME` in all, and
/// `DRAIN_IDLE` (or the lab's idle limit, if shorter) of silence; one small
/// buffer, nothing kept.
async fn discard(conn: &mut Conn, unread: u64) {
    let deadline = Instant::now() + DRAIN_TIME;
    let idle = DRAIN_IDLE.min(conn.idle());
    let mut left = unread.min(MAX_DRAIN);
    let mut buf = [0u8; 16 * 1024];
    while left > 0 {
        let want = usize::try_from(left).unwrap_or(buf.len()).min(buf.len());
        let until = deadline.min(Instant::now() + idle);
        match conn
            .recv_until(buf.get_mut(..want).unwrap_or_default(), until)
            .await
        {
            Ok(n) if n > 0 => left = left.saturating_sub(n as u64),
            _ => return,
        }
    }
}

/// The refusal for an upload past its deadline.
fn too_slow(limit: Duration, got: usize, size: usize) -> Refusal {
    Refusal::new(
        format!(
            "the upload took longer than {} s in all ({got} of {size} bytes came); nothing was stored. Send the whole file at once (sk.sendall) and try again",
            limit.as_secs_f64()
        ),
        size.saturating_sub(got) as u64,
    )
}

async fn receive(
    conn: &mut Conn,
    shared: &LabShared,
) -> Result<Option<serde_json::Value>, Refusal> {
    let deadline = Instant::now() + shared.upload_time;
    let late = |e: io::Error| {
        if Instant::now() >= deadline {
            Refusal::new(
                format!(
                    "the header did not come within {} s; nothing was stored. Send the header and the file at once and try again",
                    shared.upload_time.as_secs_f64()
                ),
                0,
            )
        } else {
            e.into()
        }
    };
    let mut len = [0u8; 4];
    match conn.read_exact(&mut len, deadline).await {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(late(e)),
    }
    let header_len = i32::from_le_bytes(len);
    let header_len = usize::try_from(header_len)
        .ok()
        .filter(|n| (1..=MAX_HEADER).contains(n))
        .ok_or_else(|| {
            Refusal::new(
                format!(
                    "header length {header_len} (from struct.pack('i', ...)) is not between 1 and {MAX_HEADER}"
                ),
                MAX_DRAIN,
            )
        })?;
    let mut header = vec![0u8; header_len];
    conn.read_exact(&mut header, deadline).await.map_err(late)?;
    let header: Header = serde_json::from_slice(&header).map_err(|e| {
        Refusal::new(
            format!("the header is not JSON {{\"filename\": ..., \"filesize\": ...}}: {e}"),
            MAX_DRAIN,
        )
    })?;
    let unread = header.filesize;
    check_name(&header.filename).map_err(|e| Refusal::new(e.to_string(), unread))?;
    let size = usize::try_from(header.filesize)
        .ok()
        .filter(|n| *n <= MAX_FILE)
        .ok_or_else(|| {
            Refusal::new(
                format!(
                    "file of {} bytes is over the limit of 16 MiB",
                    header.filesize
                ),
                unread,
            )
        })?;
    // Room for the whole file before its first byte, given back when this
    // upload ends, whichever way.
    let _room = shared
        .pending
        .reserve(size)
        .map_err(|e| Refusal::new(e.to_string(), unread))?;
    let mut body = BytesMut::with_capacity(size);
    let mut chunk = [0u8; 1024];
    while body.len() < size {
        let want = (size - body.len()).min(chunk.len());
        let read = conn
            .recv_until(chunk.get_mut(..want).unwrap_or_default(), deadline)
            .await;
        let n = match read {
            Ok(n) => n,
            Err(_) if Instant::now() >= deadline => {
                return Err(too_slow(shared.upload_time, body.len(), size));
            }
            Err(e) => return Err(e.into()),
        };
        if n == 0 {
            return Err(Refusal::new(
                format!(
                    "the connection closed after {} of {size} bytes; nothing was stored",
                    body.len()
                ),
                0,
            ));
        }
        body.extend_from_slice(chunk.get(..n).unwrap_or_default());
    }
    let body: Bytes = body.freeze();
    let sha256 = sha256_hex(&body);
    shared
        .sandbox
        .store(&header.filename, body)
        .map_err(|e| Refusal::new(e.to_string(), 0))?;
    Ok(Some(serde_json::json!({
        "ok": true,
        "filename": header.filename,
        "size": size,
        "sha256": sha256,
    })))
}

/// Seed 004's file server: the name from one `recv(1024)`, then the file,
/// then close; an unknown name closes with no data, as the seed does. The
/// file is sent from the sandbox's own copy (`Bytes` shares it), so a
/// hundred clients downloading 16 MiB cost no more than one.
pub async fn download(mut conn: Conn, sandbox: &Sandbox) -> io::Result<()> {
    let mut buf = [0u8; 1024];
    let n = conn.recv(&mut buf).await?;
    let name = String::from_utf8_lossy(buf.get(..n).unwrap_or_default()).into_owned();
    if check_name(&name).is_ok()
        && let Some(data) = sandbox.get(&name)
    {
        conn.send(&data).await?;
    }
    conn.shutdown().await
}
