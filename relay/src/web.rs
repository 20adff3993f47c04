//! HTTP routes besides the WebSocket: the playground, `/healthz`, `/metrics`.

use std::sync::Arc;

use axum::extract::State;
use axum::http::Uri;
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

/// The playground, compiled into release builds (debug builds read the
/// same folder from disk, so a rebuilt page shows without relinking).
#[derive(rust_embed::Embed)]
#[folder = "../web/"]
struct Playground;

/// Serves the embedded playground; `--web-root` serves a folder instead.
pub async fn embedded(uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    let path = if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_owned()
    };
    match Playground::get(&path) {
        Some(file) => (
            [(header::CONTENT_TYPE, file.metadata.mimetype().to_owned())],
            file.data,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "no such file in the playground").into_response(),
    }
}

/// Whether the embedded playground has its page and its WASM module.
pub fn embedded_is_complete() -> bool {
    Playground::get("index.html").is_some() && Playground::get("pkg/netlab_wasm_bg.wasm").is_some()
}
