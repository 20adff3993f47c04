//! The session's writer: drains the outgoing queue into the WebSocket,
//! batching frames, and returns the relay's credit for small writes a
//! little later, together with the next frame.
//!
//! The relay owes the browser `credit` once it has written the browser's
//! bytes to the OS socket. Sent at once, every small `send()` costs a
//! WebSocket frame, a system call and a wake-up of the browser of its own,
//! just before the peer's answer needs the same again: a third of the
//! relay's work for an echo. So credit below a sixteenth of the window
//! waits, up to [`CREDIT_DELAY`], for the next
//! frame to the browser and goes out in the same write, ahead of it; credit
//! for one socket adds up into one event. Nothing is reordered: credit still
//! goes out before anything queued after it, and a browser never waits on
//! more than the threshold, so a full window stays open to it (bulk
//! transfers, whose credit comes in frame-sized amounts, get theirs at once).
//! Once the peer has closed its side no answer is coming to travel with,
//! and the browser waits for each send's credit (Python raises a reset on
//! the send after it), so that credit goes out at once too.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use axum::extract::ws::{Message, WebSocket};
use futures_util::SinkExt;
use futures_util::stream::SplitSink;
use netlab_core::protocol::Event;
use tokio::sync::mpsc;
use tokio::time::Instant;

/// The longest a small credit waits for a frame to travel with.
pub const CREDIT_DELAY: Duration = Duration::from_millis(5);

/// What the session and its socket tasks queue for the browser.
#[derive(Debug)]
pub enum Out {
    /// A frame, written in turn.
    Frame(Message),
    /// `bytes` of `sock`'s data are written to its OS socket; they come
    /// off `uncredited` when the credit event goes out: with the next frame
    /// or after [`CREDIT_DELAY`], or at once when `now`.
    Credit {
        sock: u32,
        bytes: u32,
        uncredited: Arc<AtomicU32>,
        now: bool,
    },
}

/// Credit owed for one socket.
#[derive(Debug)]
struct Owed {
    sock: u32,
    bytes: u32,
    /// The socket's count of the browser's bytes not yet credited back.
    uncredited: Arc<AtomicU32>,
}

/// Credit owed to the browser and not yet sent, per socket, in the order
/// it was first owed.
#[derive(Debug)]
pub struct Coalescer {
    owed: Vec<Owed>,
    threshold: u32,
    /// When the oldest owed credit must go out, whatever else happens.
    due: Option<Instant>,
}

impl Coalescer {
    /// Credit of at least `window / 16` bytes for one socket goes out at once.
    pub fn new(window: u32) -> Self {
        Self {
            owed: Vec::new(),
            threshold: (window / 16).max(1),
            due: None,
        }
    }

    /// Notes credit owed at `now`; true if it should go out at once. A
    /// socket closed and opened again under the same id has a count of its
    /// own, so its credit is owed apart.
    pub fn owe(&mut self, sock: u32, bytes: u32, uncredited: Arc<AtomicU32>, now: Instant) -> bool {
        let same = |o: &&mut Owed| o.sock == sock && Arc::ptr_eq(&o.uncredited, &uncredited);
        let total = match self.owed.iter_mut().find(same) {
            Some(owed) => {
                owed.bytes = owed.bytes.saturating_add(bytes);
                owed.bytes
            }
            None => {
                self.owed.push(Owed {
                    sock,
                    bytes,
                    uncredited,
                });
                bytes
            }
        };
        self.due.get_or_insert(now + CREDIT_DELAY);
        total >= self.threshold
    }

    /// When the owed credit must go out, if any is owed.
    pub fn due(&self) -> Option<Instant> {
        self.due
    }

    /// The owed credit as events, oldest first; nothing is owed after.
    /// Each socket's count drops as its event is made, before it can reach
    /// the browser, so the browser never holds credit the relay does not
    /// yet count as returned.
    pub fn take(&mut self) -> impl Iterator<Item = Event> + '_ {
        self.due = None;
        self.owed.drain(..).map(|owed| {
            owed.uncredited.fetch_sub(owed.bytes, Ordering::AcqRel);
            Event::Credit {
                sock: owed.sock,
                bytes: owed.bytes,
            }
        })
    }
}

/// Writes everything `rx` brings to `sink` until the queue ends, a write
/// fails or a close frame has gone out.
pub async fn run(
    mut sink: SplitSink<WebSocket, Message>,
    mut rx: mpsc::Receiver<Out>,
    mut credit: Coalescer,
) {
    loop {
        let first = match credit.due() {
            None => rx.recv().await,
            Some(due) => tokio::select! {
                biased;
                next = rx.recv() => next,
                () = tokio::time::sleep_until(due) => {
                    if send_owed(&mut sink, &mut credit).await.is_err() {
                        return;
                    }
                    continue;
                }
            },
        };
        let Some(first) = first else {
            // Every sender is gone: the session has ended.
            let _ = send_owed(&mut sink, &mut credit).await;
            return;
        };
        // This message and whatever else is queued go out in one write.
        let mut next = Some(first);
        let mut frames = false;
        let mut now_due = false;
        let mut closing = false;
        while let Some(out) = next.take() {
            match out {
                Out::Credit {
                    sock,
                    bytes,
                    uncredited,
                    now,
                } => {
                    now_due |= credit.owe(sock, bytes, uncredited, Instant::now()) || now;
                }
                Out::Frame(message) => {
                    closing = matches!(message, Message::Close(_));
                    if feed_owed(&mut sink, &mut credit).await.is_err()
                        || sink.feed(message).await.is_err()
                    {
                        return;
                    }
                    frames = true;
                }
            }
            if closing {
                break;
            }
            next = rx.try_recv().ok();
        }
        if now_due && feed_owed(&mut sink, &mut credit).await.is_err() {
            return;
        }
        // Flushed first, closing or not.
        let flushed = !(frames || now_due) || sink.flush().await.is_ok();
        if !flushed || closing {
            return;
        }
    }
}

/// Queues the owed credit events in the sink, unflushed.
async fn feed_owed(
    sink: &mut SplitSink<WebSocket, Message>,
    credit: &mut Coalescer,
) -> Result<(), ()> {
    for event in credit.take() {
        let text = serde_json::to_string(&event).map_err(|_| ())?;
        sink.feed(Message::Text(text.into()))
            .await
            .map_err(|_| ())?;
    }
    Ok(())
}

/// Sends the owed credit events now.
async fn send_owed(
    sink: &mut SplitSink<WebSocket, Message>,
    credit: &mut Coalescer,
) -> Result<(), ()> {
    if credit.due().is_none() {
        return Ok(());
    }
    feed_owed(sink, credit).await?;
    sink.flush().await.map_err(|_| ())
}

#[cfg(test)]
mod test {
    use super::*;

    fn events(c: &mut Coalescer) -> Vec<(u32, u32)> {
        c.take()
            .map(|e| match e {
                Event::Credit { sock, bytes } => (sock, bytes),
                other => panic!("not credit: {other:?}"),
            })
            .collect()
    }

    /// A socket's count with `n` bytes not yet credited.
    fn count(n: u32) -> Arc<AtomicU32> {
        Arc::new(AtomicU32::new(n))
    }

    #[test]
    fn small_credit_waits_and_adds_up_per_socket() {
        let now = Instant::now();
        let mut c = Coalescer::new(256 * 1024);
        let (one, two) = (count(64), count(10));
        assert!(!c.owe(1, 32, Arc::clone(&one), now));
        assert!(!c.owe(2, 10, Arc::clone(&two), now));
        assert!(!c.owe(1, 32, Arc::clone(&one), now + Duration::from_millis(1)));
        // Due from the first, not pushed back by the later ones.
        assert_eq!(c.due(), Some(now + CREDIT_DELAY));
        assert_eq!(events(&mut c), [(1, 64), (2, 10)]);
        assert_eq!(c.due(), None);
        assert!(events(&mut c).is_empty());
    }

    #[test]
    fn a_sixteenth_of_the_window_goes_out_at_once() {
        let now = Instant::now();
        let mut c = Coalescer::new(256 * 1024);
        let (one, two) = (count(16 * 1024), count(64 * 1024));
        assert!(!c.owe(1, 16 * 1024 - 1, Arc::clone(&one), now));
        assert!(c.owe(1, 1, Arc::clone(&one), now));
        assert!(c.owe(2, 64 * 1024, Arc::clone(&two), now));
        assert_eq!(events(&mut c), [(1, 16 * 1024), (2, 64 * 1024)]);
        // A tiny window still coalesces nothing below one byte.
        let mut tiny = Coalescer::new(4);
        assert!(tiny.owe(1, 1, count(1), now));
    }

    #[test]
    fn counts_drop_as_the_events_are_made_and_reused_ids_stay_apart() {
        let now = Instant::now();
        let mut c = Coalescer::new(256 * 1024);
        let (old, new) = (count(100), count(7));
        assert!(!c.owe(1, 100, Arc::clone(&old), now));
        // Socket 1 closed and opened again: its credit is its own.
        assert!(!c.owe(1, 7, Arc::clone(&new), now));
        assert_eq!(
            (old.load(Ordering::Acquire), new.load(Ordering::Acquire)),
            (100, 7)
        );
        assert_eq!(events(&mut c), [(1, 100), (1, 7)]);
        assert_eq!(
            (old.load(Ordering::Acquire), new.load(Ordering::Acquire)),
            (0, 0)
        );
    }
}
