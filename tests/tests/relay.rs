//! netlab-relay in-process on a loopback port: HTTP routes, the WebSocket
//! hello, the Host/Origin/token checks and graceful shutdown.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use netlab_relay::Config;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

const TOKEN: &str = "test-token";

struct Relay {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
}

impl Relay {
    async fn start() -> Self {
        let web = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../web");
        let mut config = Config::new(Some(web));
        config.token = Some(TOKEN.into());
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(netlab_relay::run(listener, config, async {
            let _ = stopped.await;
        }));
        Self {
            addr,
            stop: Some(stop),
            task,
        }
    }

    fn ws_url(&self, token: &str) -> String {
        format!("ws://{}/ws?token={token}", self.addr)
    }

    async fn shutdown(mut self) {
        let _ = self.stop.take().unwrap().send(());
        tokio::time::timeout(Duration::from_secs(5), self.task)
            .await
            .expect("relay stops within 5 s")
            .unwrap()
            .unwrap();
    }
}

/// A raw HTTP/1.1 GET; returns (status line, headers and body as text).
pub async fn http_get(addr: SocketAddr, path: &str, host: &str) -> (String, String) {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text.lines().next().unwrap_or_default().to_owned();
    (status, text)
}

pub fn header<'a>(response: &'a str, name: &str) -> Option<&'a str> {
    response.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

#[tokio::test]
async fn serves_healthz_and_the_playground_with_mime_types() {
    let relay = Relay::start().await;
    let host = relay.addr.to_string();
    let (status, body) = http_get(relay.addr, "/healthz", &host).await;
    assert!(status.contains("200"), "{status}");
    assert!(body.ends_with("ok"), "{body}");
    let (status, page) = http_get(relay.addr, "/", &host).await;
    assert!(status.contains("200"), "{status}");
    assert!(
        header(&page, "content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert!(page.contains("<title>netlab playground</title>"));
    let (_, js) = http_get(relay.addr, "/app.js", &host).await;
    assert!(header(&js, "content-type").unwrap().contains("javascript"));
    let (status, _) = http_get(relay.addr, "/no-such-file", &host).await;
    assert!(status.contains("404"), "{status}");
    relay.shutdown().await;
}

#[tokio::test]
async fn wasm_is_served_as_application_wasm() {
    let dir = std::env::temp_dir().join(format!("netlab-web-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("index.html"), "<!doctype html>").unwrap();
    std::fs::write(dir.join("m.wasm"), b"\0asm\x01\0\0\0").unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(netlab_relay::run(
        listener,
        Config::new(Some(dir.clone())),
        async {
            let _ = stopped.await;
        },
    ));
    let (status, response) = http_get(addr, "/m.wasm", &addr.to_string()).await;
    assert!(status.contains("200"), "{status}");
    assert_eq!(header(&response, "content-type"), Some("application/wasm"));
    let _ = stop.send(());
    task.await.unwrap().unwrap();
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn metrics_are_prometheus_text() {
    let relay = Relay::start().await;
    let (status, body) = http_get(relay.addr, "/metrics", &relay.addr.to_string()).await;
    assert!(status.contains("200"), "{status}");
    assert!(body.contains("# TYPE netlab_relay_sessions_open gauge"));
    let (status, _) = http_get(relay.addr, "/metrics", "rebind.example:80").await;
    assert!(status.contains("403"), "{status}");
    relay.shutdown().await;
}

#[tokio::test]
async fn hello_comes_first_with_limits_and_the_allow_list() {
    let relay = Relay::start().await;
    let (mut ws, _) = tokio_tungstenite::connect_async(relay.ws_url(TOKEN))
        .await
        .unwrap();
    let Some(Ok(Message::Text(text))) = ws.next().await else {
        panic!("no hello")
    };
    let hello: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(hello["ev"], "hello");
    assert_eq!(hello["protocol"], 1);
    assert!(
        hello["relay"]
            .as_str()
            .unwrap()
            .starts_with("netlab-relay ")
    );
    assert!(hello["limits"]["window"].as_u64().unwrap() > 0);
    assert_eq!(
        hello["allow"],
        serde_json::json!(["127.0.0.0/8", "::1/128"])
    );
    assert!(hello["labs"].is_array());
    relay.shutdown().await;
}

#[tokio::test]
async fn a_malformed_message_gets_eproto_and_the_session_lives_on() {
    let relay = Relay::start().await;
    let (mut ws, _) = tokio_tungstenite::connect_async(relay.ws_url(TOKEN))
        .await
        .unwrap();
    let _hello = ws.next().await;
    for bad in ["not json", "{\"sock\": 1}", "[1,2]"] {
        ws.send(Message::Text(bad.into())).await.unwrap();
        let Some(Ok(Message::Text(text))) = ws.next().await else {
            panic!("no answer to {bad}")
        };
        let event: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(event["ev"], "error", "{bad}");
        assert_eq!(event["code"], "EPROTO", "{bad}");
        assert!(event["op"].is_null());
    }
    relay.shutdown().await;
}

async fn handshake_status(
    relay: &Relay,
    token: &str,
    host: Option<&str>,
    origin: Option<&str>,
) -> u16 {
    let mut request = relay.ws_url(token).into_client_request().unwrap();
    if let Some(host) = host {
        request.headers_mut().insert("host", host.parse().unwrap());
    }
    if let Some(origin) = origin {
        request
            .headers_mut()
            .insert("origin", origin.parse().unwrap());
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok(_) => 101,
        Err(WsError::Http(response)) => response.status().as_u16(),
        Err(e) => panic!("unexpected error {e}"),
    }
}

#[tokio::test]
async fn foreign_origin_wrong_host_and_bad_token_get_403() {
    let relay = Relay::start().await;
    let own_origin = format!("http://{}", relay.addr);
    let localhost = format!("localhost:{}", relay.addr.port());
    assert_eq!(
        handshake_status(&relay, TOKEN, None, Some(&own_origin)).await,
        101
    );
    assert_eq!(
        handshake_status(&relay, TOKEN, Some(&localhost), None).await,
        101
    );
    assert_eq!(
        handshake_status(&relay, TOKEN, None, Some("https://evil.example")).await,
        403
    );
    let rebound = format!("rebind.example:{}", relay.addr.port());
    assert_eq!(
        handshake_status(&relay, TOKEN, Some(&rebound), None).await,
        403
    );
    assert_eq!(handshake_status(&relay, "wrong", None, None).await, 403);
    assert_eq!(handshake_status(&relay, "", None, None).await, 403);
    relay.shutdown().await;
}

#[tokio::test]
async fn shutdown_closes_sessions_with_1001() {
    let relay = Relay::start().await;
    let (mut ws, _) = tokio_tungstenite::connect_async(relay.ws_url(TOKEN))
        .await
        .unwrap();
    let _hello = ws.next().await;
    let stop = relay.stop.as_ref().map(|_| ());
    assert!(stop.is_some());
    let shutdown = tokio::spawn(relay.shutdown());
    let close = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match ws.next().await {
                Some(Ok(Message::Close(frame))) => return frame,
                Some(Ok(_)) => continue,
                other => panic!("expected a close frame, got {other:?}"),
            }
        }
    })
    .await
    .expect("close within 5 s");
    assert_eq!(close.map(|f| f.code), Some(CloseCode::Away));
    drop(ws);
    shutdown.await.unwrap();
}
