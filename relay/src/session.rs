//! One WebSocket session: the hello, then control messages until the
//! client leaves or the relay shuts down.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket};
use netlab_core::protocol::{ErrorEvent, Event, Hello, PROTOCOL_VERSION};
use tokio::sync::TryAcquireError;

use crate::metrics::Metrics;
use crate::server::Shared;

/// WebSocket close code "going away", sent on shutdown.
const GOING_AWAY: u16 = 1001;
/// WebSocket close code "try again later", sent when sessions are full.
const TRY_AGAIN_LATER: u16 = 1013;
/// How long a closing session waits for the client's close reply.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(2);

pub async fn serve(mut socket: WebSocket, shared: Arc<Shared>) {
    let _done = shared.shutdown_complete.clone();
    let mut shutdown = shared.notify_shutdown.subscribe();
    let _permit = match Arc::clone(&shared.sessions).try_acquire_owned() {
        Ok(permit) => permit,
        Err(TryAcquireError::NoPermits | TryAcquireError::Closed) => {
            let max = shared.config.max_sessions;
            let event = Event::Error(ErrorEvent {
                sock: None,
                op: None,
                errno: None,
                code: "EBUSY".into(),
                message: format!(
                    "the relay already has its maximum of {max} sessions; close a tab and reload"
                ),
            });
            let _ = send_event(&mut socket, &event).await;
            close(socket, TRY_AGAIN_LATER, "too many sessions").await;
            return;
        }
    };
    Metrics::bump(&shared.metrics.sessions_total);
    Metrics::bump(&shared.metrics.sessions_open);
    tracing::info!("session opened");
    if send_event(&mut socket, &Event::Hello(hello(&shared)))
        .await
        .is_ok()
    {
        loop {
            tokio::select! {
                message = socket.recv() => match message {
                    Some(Ok(Message::Text(text))) => {
                        let answer = answer_text(text.as_str());
                        Metrics::bump(&shared.metrics.protocol_errors);
                        if send_event(&mut socket, &Event::Error(answer)).await.is_err() {
                            break;
                        }
                    }
                    Some(Ok(Message::Binary(_))) => {
                        Metrics::bump(&shared.metrics.protocol_errors);
                        let answer = ErrorEvent::malformed("binary frame for a socket that does not exist");
                        if send_event(&mut socket, &Event::Error(answer)).await.is_err() {
                            break;
                        }
                    }
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                    Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                },
                _ = shutdown.recv() => {
                    close(socket, GOING_AWAY, "relay shutting down").await;
                    break;
                }
            }
        }
    }
    shared
        .metrics
        .sessions_open
        .fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
    tracing::info!("session closed");
}

fn hello(shared: &Shared) -> Hello {
    Hello {
        protocol: PROTOCOL_VERSION,
        relay: format!("netlab-relay {}", env!("CARGO_PKG_VERSION")),
        limits: shared.config.limits,
        labs: Vec::new(),
        allow: shared
            .config
            .allow
            .iter()
            .map(ToString::to_string)
            .collect(),
    }
}

/// The answer to a text frame. Socket operations arrive with the relay
/// issue's protocol work; until then a well-formed op is refused with
/// `EOPNOTSUPP`, and anything else is `EPROTO`. The session lives on.
fn answer_text(text: &str) -> ErrorEvent {
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => return ErrorEvent::malformed(&format!("not JSON: {e}")),
    };
    let Some(op) = value.get("op").and_then(|op| op.as_str()) else {
        return ErrorEvent::malformed("a control message needs an \"op\" string");
    };
    ErrorEvent {
        sock: value
            .get("sock")
            .and_then(|s| s.as_u64())
            .and_then(|s| u32::try_from(s).ok()),
        op: Some(op.to_owned()),
        errno: Some(95),
        code: "EOPNOTSUPP".into(),
        message: format!(
            "[Errno 95] Operation not supported: this relay does not implement '{op}' yet"
        ),
    }
}

async fn send_event(socket: &mut WebSocket, event: &Event) -> Result<(), axum::Error> {
    let text = serde_json::to_string(event).map_err(axum::Error::new)?;
    socket.send(Message::Text(text.into())).await
}

/// Sends a close frame and waits briefly for the client's reply.
async fn close(mut socket: WebSocket, code: u16, reason: &str) {
    let frame = CloseFrame {
        code,
        reason: reason.into(),
    };
    if socket.send(Message::Close(Some(frame))).await.is_ok() {
        let _ = tokio::time::timeout(CLOSE_TIMEOUT, async {
            while let Some(Ok(message)) = socket.recv().await {
                if matches!(message, Message::Close(_)) {
                    break;
                }
            }
        })
        .await;
    }
}
