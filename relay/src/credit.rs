//! A per-socket, per-direction credit window.
//!
//! The relay may have at most `window` bytes of a socket's data in flight
//! towards the browser; the browser returns credit as the application reads.
//! When the window is used up, the socket's reader waits here, stops reading
//! the OS socket, and TCP's own flow control pushes back on the peer, so the
//! relay's memory stays bounded whatever the browser does.

use std::sync::Mutex;

use tokio::sync::Notify;

/// Bytes the reader may still send, and a way to wait for more.
#[derive(Debug)]
pub struct Credit {
    available: Mutex<u32>,
    window: u32,
    more: Notify,
}

impl Credit {
    /// A full window.
    pub fn new(window: u32) -> Self {
        Self {
            available: Mutex::new(window),
            window,
            more: Notify::new(),
        }
    }

    /// Waits until some credit is available and takes up to `want` bytes of it.
    pub async fn take(&self, want: u32) -> u32 {
        loop {
            // Register interest before checking, so a grant between the check
            // and the wait is not missed.
            let notified = self.more.notified();
            {
                let mut available = self.lock();
                if *available > 0 {
                    let n = want.min(*available);
                    *available -= n;
                    return n;
                }
            }
            notified.await;
        }
    }

    /// Gives back `bytes` the browser has consumed (never beyond the window);
    /// gives back what a read did not use.
    pub fn grant(&self, bytes: u32) {
        let mut available = self.lock();
        *available = available.saturating_add(bytes).min(self.window);
        drop(available);
        self.more.notify_one();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, u32> {
        // A poisoned lock only means another task panicked mid-update of a
        // plain integer; the value is still meaningful.
        self.available.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod test {
    use super::*;
    use std::sync::Arc;
    use std::time::Duration;

    #[tokio::test]
    async fn take_waits_for_grant_and_caps_at_window() {
        let credit = Arc::new(Credit::new(10));
        assert_eq!(credit.take(4).await, 4);
        assert_eq!(credit.take(100).await, 6);
        let waiter = tokio::spawn({
            let credit = Arc::clone(&credit);
            async move { credit.take(8).await }
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!waiter.is_finished());
        credit.grant(1000);
        assert_eq!(waiter.await.unwrap(), 8);
        assert_eq!(credit.take(100).await, 2);
    }
}
