//! HTTP routes besides the WebSocket: the playground, `/healthz`, `/metrics`.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::server::Shared;

pub async fn healthz() -> &'static str {
    "ok"
}

pub async fn metrics(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    if let Err(denial) = shared.guard.check_host(host) {
        return (StatusCode::FORBIDDEN, denial.to_string()).into_response();
    }
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        shared.metrics.render(),
    )
        .into_response()
}
