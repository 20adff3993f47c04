//! The listener loop: routes, session limits and graceful shutdown.

use std::future::Future;
use std::future::IntoFuture;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Query, State, WebSocketUpgrade};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::serve::ListenerExt;
use serde::Deserialize;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, broadcast, mpsc, watch};
use tokio::time::Instant;
use tower_http::services::ServeDir;

use netlab_core::protocol::LabInfo;

use crate::config::Config;
use crate::guard::Guard;
use crate::metrics::Metrics;
use crate::{labs, session, web};

/// How long `run` waits for sessions to finish after shutdown begins.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(4);

/// State every handler and session shares.
#[derive(Debug)]
pub struct Shared {
    pub config: Config,
    pub guard: Guard,
    pub metrics: Arc<Metrics>,
    /// The lab servers, as announced in every hello.
    pub labs: Vec<LabInfo>,
    pub sessions: Arc<Semaphore>,
    pub notify_shutdown: broadcast::Sender<()>,
    /// Each session holds a clone; when all are dropped, every session ended.
    pub shutdown_complete: mpsc::Sender<()>,
}

/// A relay bound to its listener, with its labs running, ready to serve.
#[derive(Debug)]
pub struct Relay {
    listener: TcpListener,
    shared: Arc<Shared>,
    all_done: mpsc::Receiver<()>,
    problems: Vec<String>,
}

impl Relay {
    /// Starts the labs (when enabled) and prepares the routes.
    pub async fn new(listener: TcpListener, config: Config) -> io::Result<Self> {
        let port = listener.local_addr()?.port();
        let guard = Guard::new(
            port,
            &config.public_hosts,
            &config.allow_origins,
            config.token.clone(),
        );
        let (notify_shutdown, _) = broadcast::channel(1);
        let (shutdown_complete, all_done) = mpsc::channel(1);
        let (labs, problems) = if config.labs {
            labs::start(&config.lab_config, &notify_shutdown).await
        } else {
            (Vec::new(), Vec::new())
        };
        let shared = Arc::new(Shared {
            sessions: Arc::new(Semaphore::new(config.max_sessions)),
            config,
            guard,
            metrics: Arc::new(Metrics::default()),
            labs,
            notify_shutdown,
            shutdown_complete,
        });
        Ok(Self {
            listener,
            shared,
            all_done,
            problems,
        })
    }

    /// The labs that run, with their ports.
    pub fn labs(&self) -> &[LabInfo] {
        &self.shared.labs
    }

    /// Labs that could not start (their port was taken), one line each.
    pub fn problems(&self) -> &[String] {
        &self.problems
    }

    /// Serves until `shutdown` resolves, then closes every session
    /// (WebSocket close code 1001) and returns once they are gone, or after
    /// a few seconds at most.
    pub async fn serve(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> io::Result<()> {
        let Self {
            listener,
            shared,
            mut all_done,
            ..
        } = self;
        let notify_shutdown = shared.notify_shutdown.clone();
        let routes = Router::new()
            .route("/healthz", get(web::healthz))
            .route("/metrics", get(web::metrics))
            .route("/ws", get(upgrade));
        let routes = match &shared.config.web_root {
            Some(dir) => {
                routes.fallback_service(ServeDir::new(dir).append_index_html_on_directories(true))
            }
            None => routes.fallback(web::embedded),
        };
        let app = routes.with_state(shared);
        // When shutdown began: one deadline, DRAIN_TIMEOUT later, for the
        // HTTP connections and the sessions together.
        let (began_tx, mut began) = watch::channel(None::<Instant>);
        let graceful = async move {
            shutdown.await;
            tracing::info!("shutting down: closing every session");
            began_tx.send_replace(Some(Instant::now()));
            let _ = notify_shutdown.send(());
        };
        // TCP_NODELAY on every connection: the session writer flushes whole
        // batches of frames, and with Nagle a small data frame queued behind
        // a still unacknowledged `credit` event waited for the browser's
        // delayed ACK (~40 ms per echo in `cargo xtask bench relay`).
        let listener = listener.tap_io(|tcp| {
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::debug!("cannot set TCP_NODELAY: {e}");
            }
        });
        // Sessions hold their own clones of the completion sender; the router's
        // copy is dropped when `serve` returns, so `recv` ends once they are gone.
        let server = axum::serve(listener, app)
            .with_graceful_shutdown(graceful)
            .into_future();
        tokio::pin!(server);
        // Graceful shutdown waits for every HTTP connection to finish its
        // request, and a client that sent half a request (or none) would
        // hold the relay for ever: past the deadline they are dropped.
        let deadline = async {
            match began.wait_for(Option::is_some).await.map(|t| *t) {
                Ok(Some(t)) => tokio::time::sleep_until(t + DRAIN_TIMEOUT).await,
                // The server ended before shutdown began (an accept error).
                _ => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            result = &mut server => result?,
            () = deadline => {
                tracing::warn!("HTTP connections still open at the deadline: dropped");
            }
        }
        let until = began.borrow().unwrap_or_else(Instant::now) + DRAIN_TIMEOUT;
        if tokio::time::timeout_at(until, all_done.recv())
            .await
            .is_err()
        {
            tracing::warn!("some sessions did not close in time");
        }
        Ok(())
    }
}

/// Serves HTTP, WebSocket sessions and the labs on `listener` until
/// `shutdown` resolves: [`Relay::new`] then [`Relay::serve`].
pub async fn run(
    listener: TcpListener,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    Relay::new(listener, config).await?.serve(shutdown).await
}

#[derive(Debug, Deserialize)]
struct WsQuery {
    token: Option<String>,
}

/// `GET /ws`: checks Host, Origin and token, then hands the socket to a session.
async fn upgrade(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<WsQuery>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    let header = |name| {
        headers
            .get(name)
            .and_then(|v: &header::HeaderValue| v.to_str().ok())
    };
    if let Err(denial) = shared.guard.check(
        header(header::HOST),
        header(header::ORIGIN),
        query.token.as_deref(),
    ) {
        Metrics::bump(&shared.metrics.policy_denials);
        tracing::warn!(%denial, "handshake refused");
        return (StatusCode::FORBIDDEN, denial.to_string()).into_response();
    }
    let limits = shared.config.limits;
    // Twice the announced limit: a frame a little over it gets an EMSGSIZE
    // error event and the session goes on (session.rs); one far over it
    // ends the session with close code 1009.
    let frame = (limits.max_frame as usize).saturating_mul(2);
    ws.max_frame_size(frame)
        .max_message_size(frame)
        // tungstenite zeroes this much of its buffer before every read of
        // the socket, however few bytes come. At 16 KiB that zeroing, and
        // the cache it sweeps across thousands of sessions, cost the relay
        // a tenth of its CPU per round trip: with 8 KiB, 5,000 sessions
        // echoing every 100 ms got 866–871 k of 1 M round trips done
        // instead of 788–826 k, at 30 KiB instead of 38 KiB per session,
        // while 1 GiB uploads lost 3% (1,645 against 1,690 MiB/s).
        .read_buffer_size(8 * 1024)
        .write_buffer_size(16 * 1024)
        .on_upgrade(move |socket| session::serve(socket, shared))
}
