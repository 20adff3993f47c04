//! The lab servers against the seeds' own Python clients (`tests/seeds/`),
//! run as real processes with python3, on loopback.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use netlab_relay::{Config, Relay};
use serde_json::json;
use tokio::net::TcpListener;
use tokio::process::Command;
use tokio::sync::oneshot;

use crate::relay_sockets::{Client, In};

/// A relay with every lab on a free port.
struct Labs {
    ports: HashMap<String, u16>,
    addr: std::net::SocketAddr,
    _stop: oneshot::Sender<()>,
}

impl Labs {
    async fn start(secret: &[u8]) -> Self {
        Self::start_with(&[secret]).await
    }

    /// With the `auth` lab taking an answer under any of `secrets`.
    async fn start_with(secrets: &[&[u8]]) -> Self {
        let web = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../web");
        let mut config = Config::new(Some(web));
        config.lab_config.base_port = 0;
        config.lab_config.secrets = secrets.iter().map(|s| s.to_vec()).collect();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let relay = Relay::new(listener, config).await.unwrap();
        assert!(relay.problems().is_empty(), "{:?}", relay.problems());
        let ports = relay
            .labs()
            .iter()
            .map(|l| (l.name.clone(), l.port))
            .collect();
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(relay.serve(async {
            let _ = stopped.await;
        }));
        Self {
            ports,
            addr,
            _stop: stop,
        }
    }

    fn port(&self, lab: &str) -> String {
        self.ports[lab].to_string()
    }
}

/// Runs `python3 tests/seeds/SCRIPT ARGS…` (at most 30 s), whatever it exits with.
async fn run_seed(script: &str, args: &[&str]) -> std::process::Output {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("seeds")
        .join(script);
    let run = Command::new("python3")
        .arg(path)
        .args(args)
        .kill_on_drop(true)
        .output();
    tokio::time::timeout(Duration::from_secs(30), run)
        .await
        .unwrap_or_else(|_| panic!("{script} did not finish in 30 s"))
        .expect("python3 runs")
}

/// Runs a seed script as [`run_seed`] does; it must succeed: its stdout.
async fn seed(script: &str, args: &[&str]) -> String {
    let out = run_seed(script, args).await;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{script} failed: {}\nstdout: {stdout}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[tokio::test]
async fn hello_lab_with_the_seed_client() {
    let labs = Labs::start(b"nice@123!").await;
    assert_eq!(
        seed("hello_client.py", &[&labs.port("hello")]).await,
        "b'hello'\n"
    );
}

#[tokio::test]
async fn sticky_lab_shows_hellonice_in_one_recv() {
    let labs = Labs::start(b"nice@123!").await;
    assert_eq!(
        seed("sticky_client.py", &[&labs.port("sticky")]).await,
        "b'hellonice'\nb''\n"
    );
}

#[tokio::test]
async fn framed_lab_with_the_seed_client() {
    let labs = Labs::start(b"nice@123!").await;
    let out = seed("framed_client.py", &[&labs.port("framed")]).await;
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("hello"));
    // The seed's client reads the second message without its header, as
    // its own server sent it; ours frames both, so the header shows.
    assert_eq!(lines.next(), Some("\u{4}\0\0\0nice"));
}

#[tokio::test]
async fn upper_lab_is_the_socketserver_demo() {
    let labs = Labs::start(b"nice@123!").await;
    assert_eq!(
        seed("upper_client.py", &[&labs.port("upper")]).await,
        "HELLO\nHELLO\nHELLO\n"
    );
}

#[tokio::test]
async fn upload_then_download_gives_the_same_bytes() {
    let labs = Labs::start(b"nice@123!").await;
    let dir = std::env::temp_dir().join(format!("netlab-upload-{}", std::process::id()));
    let back = dir.join("back");
    std::fs::create_dir_all(&back).unwrap();
    let file = dir.join("report.bin");
    let content: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(&file, &content).unwrap();
    seed(
        "upload_client.py",
        &[&labs.port("upload"), file.to_str().unwrap()],
    )
    .await;
    // The seed's uploader does not wait for the answer; the file is stored
    // once complete, so fetch it back until it is there.
    let mut fetched = Vec::new();
    for _ in 0..50 {
        seed(
            "download_client.py",
            &[&labs.port("download"), "report.bin", back.to_str().unwrap()],
        )
        .await;
        fetched = std::fs::read(back.join("report.bin")).unwrap();
        if fetched.len() == content.len() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        netlab_core::auth::sha256_hex(&fetched),
        netlab_core::auth::sha256_hex(&content)
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn download_of_an_unknown_name_is_empty() {
    let labs = Labs::start(b"nice@123!").await;
    let dir = std::env::temp_dir().join(format!("netlab-download-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let dir_str = dir.to_str().unwrap();
    seed(
        "download_client.py",
        &[&labs.port("download"), "nope.txt", dir_str],
    )
    .await;
    assert_eq!(std::fs::read(dir.join("nope.txt")).unwrap(), b"");
    seed(
        "download_client.py",
        &[&labs.port("download"), "hello.txt", dir_str],
    )
    .await;
    assert_eq!(
        std::fs::read(dir.join("hello.txt")).unwrap(),
        b"hello from the netlab download lab\n"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn auth_lab_accepts_sha1_and_refuses_a_wrong_key() {
    let labs = Labs::start(b"nice@123!").await;
    let port = labs.port("auth");
    assert_eq!(seed("auth_sha1_client.py", &[&port]).await, "b'hello'\n");
    assert_eq!(
        seed("auth_sha1_client.py", &[&port, "wrong"]).await,
        "b''\n"
    );
}

#[tokio::test]
async fn auth_lab_accepts_the_md5_and_hmac_clients() {
    let labs = Labs::start(b"alexsb").await;
    let port = labs.port("auth");
    // The first recv gets b'hello' (the lab greets like seed 000), then upper.
    let md5 = seed("auth_md5_client.py", &[&port]).await;
    assert!(md5.starts_with("hello"), "{md5}");
    assert!(md5.contains("HELLO"), "{md5}");
    let hmac = seed("auth_hmac_client.py", &[&port]).await;
    assert!(hmac.starts_with("hello"), "{hmac}");
    assert!(hmac.contains("HELLO"), "{hmac}");
}

#[tokio::test]
async fn auth_lab_with_both_seeds_secrets_lets_in_both_seeds_clients() {
    let labs = Labs::start_with(&[b"nice@123!", b"alexsb"]).await;
    let port = labs.port("auth");
    assert_eq!(seed("auth_sha1_client.py", &[&port]).await, "b'hello'\n");
    let md5 = seed("auth_md5_client.py", &[&port]).await;
    assert!(md5.starts_with("hello") && md5.contains("HELLO"), "{md5}");
    // A key that is neither is still refused.
    assert_eq!(
        seed("auth_sha1_client.py", &[&port, "wrong"]).await,
        "b''\n"
    );
}

#[tokio::test]
async fn cmd_lab_answers_the_seed_client() {
    let labs = Labs::start(b"nice@123!").await;
    let out = seed("cmd_client.py", &[&labs.port("cmd"), "echo hi", "seq 5"]).await;
    assert_eq!(
        out,
        "客户端启动...\n欢迎登录\ninfo|2\n2\nhi\ninfo|9\n9\n1\n2\n3\n4\n5\n"
    );
}

/// A big answer, whose output comes in full-sized segments that Nagle
/// does not hold back: the seed's client, reading the header with one
/// `recv(1024)`, must get the header alone, as it does from the seed's own
/// server. Timing decides it, so the client runs ten times. (A release
/// relay that sent the output straight after the header lost 27 of 30
/// such runs; this debug build is slow enough to lose fewer, so the next
/// test checks the pause itself.)
#[tokio::test]
async fn cmd_lab_big_answers_reach_the_seed_client() {
    let labs = Labs::start(b"nice@123!").await;
    let port = labs.port("cmd");
    let digits: String = (1..=100_000)
        .map(|n| n.to_string())
        .collect::<Vec<_>>()
        .join("\n");
    let want = format!(
        "客户端启动...\n欢迎登录\ninfo|{len}\n{len}\n{digits}\n",
        len = digits.len()
    );
    let mut good = 0;
    let mut failures = Vec::new();
    for _ in 0..10 {
        let out = run_seed("cmd_client.py", &[&port, "seq 100000"]).await;
        if out.status.success() && out.stdout == want.as_bytes() {
            good += 1;
        } else {
            let stderr = String::from_utf8_lossy(&out.stderr);
            failures.push(stderr.lines().last().unwrap_or_default().to_owned());
        }
    }
    assert!(
        good >= 8,
        "{good} of 10 runs read the answer; failures: {failures:?}"
    );
}

/// A connection to the `cmd` lab, past its `欢迎登录` greeting.
async fn cmd_connection(labs: &Labs) -> tokio::net::TcpStream {
    use tokio::io::AsyncReadExt;
    let mut s = tokio::net::TcpStream::connect(("127.0.0.1", labs.ports["cmd"]))
        .await
        .unwrap();
    let mut greeting = [0u8; 12];
    s.read_exact(&mut greeting).await.unwrap();
    assert_eq!(&greeting, "欢迎登录".as_bytes());
    s
}

/// The output leaves at least 10 ms after the header: the time from
/// sending the command to the first output byte can only grow with delays
/// in this test, never shrink.
#[tokio::test]
async fn cmd_lab_pauses_between_header_and_output() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let labs = Labs::start(b"nice@123!").await;
    let mut s = cmd_connection(&labs).await;
    let sent = std::time::Instant::now();
    s.write_all(b"seq 100000").await.unwrap();
    let mut got = Vec::new();
    let mut chunk = [0u8; 1024];
    while got.len() <= "info|588894".len() {
        let n = s.read(&mut chunk).await.unwrap();
        assert!(n > 0, "EOF after {} bytes", got.len());
        got.extend_from_slice(&chunk[..n]);
    }
    let waited = sent.elapsed();
    assert!(
        got.starts_with(b"info|588894"),
        "{:?}",
        String::from_utf8_lossy(&got)
    );
    assert!(
        waited >= Duration::from_millis(10),
        "the output came {waited:?} after the command"
    );
}

/// The seed's server ran commands through a shell, which splits words on
/// any whitespace: `seq<TAB>3` is `seq 3`, and `echo` joins its words with
/// one space.
#[tokio::test]
async fn cmd_lab_splits_words_like_the_shell() {
    let labs = Labs::start(b"nice@123!").await;
    let out = seed(
        "cmd_client.py",
        &[&labs.port("cmd"), "echo   two  spaces", "seq\t3"],
    )
    .await;
    assert_eq!(
        out,
        "客户端启动...\n欢迎登录\ninfo|10\n10\ntwo spaces\ninfo|5\n5\n1\n2\n3\n"
    );
}

/// `bytes 100000` with a client that frames the stream: the `info|<len>`
/// header, then exactly that many bytes, however the chunks fall (the seed's
/// client, reading the header with one `recv(1024)`, would take output bytes
/// for the header when they arrive together: the lesson of this lab).
#[tokio::test]
async fn cmd_lab_bytes_100000_reassembles_exactly() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let labs = Labs::start(b"nice@123!").await;
    let mut s = cmd_connection(&labs).await;
    s.write_all(b"bytes 100000").await.unwrap();
    let mut all = Vec::new();
    let mut chunk = [0u8; 1024];
    while all.len() < "info|100000".len() + 100_000 {
        let n = s.read(&mut chunk).await.unwrap();
        assert!(n > 0, "EOF after {} bytes", all.len());
        all.extend_from_slice(&chunk[..n]);
    }
    assert!(all.starts_with(b"info|100000"));
    let body = &all[11..];
    assert_eq!(body.len(), 100_000);
    assert!(body.starts_with(b"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk\n"));
}

#[tokio::test]
async fn chat_lab_with_the_seed_udp_client() {
    let labs = Labs::start(b"nice@123!").await;
    let out = seed("chat_client.py", &[&labs.port("chat"), "hi", "你好"]).await;
    assert_eq!(out, "jack|hi\njack|你好\n");
}

#[tokio::test]
async fn hello_lists_the_labs() {
    let labs = Labs::start(b"nice@123!").await;
    let (ws, _) = tokio_tungstenite::connect_async(format!("ws://{}/ws", labs.addr))
        .await
        .unwrap();
    let mut client = Client { ws };
    let In::Event(hello) = client.next().await else {
        panic!("no hello")
    };
    let names: Vec<&str> = hello["labs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "hello", "echo", "upper", "chat", "sticky", "framed", "upload", "download", "auth",
            "cmd"
        ]
    );
    assert_eq!(hello["labs"][3]["proto"], "udp");
    assert_eq!(hello["labs"][0]["host"], "127.0.0.1");
}

#[tokio::test]
async fn a_browser_listening_socket_accepts_the_seed_client() {
    let labs = Labs::start(b"nice@123!").await;
    let (ws, _) = tokio_tungstenite::connect_async(format!("ws://{}/ws", labs.addr))
        .await
        .unwrap();
    let mut c = Client { ws };
    let _hello = c.next().await;
    c.call(json!({"op": "socket", "sock": 1, "type": "tcp"}))
        .await;
    let ok = c
        .call(json!({"op": "bind", "sock": 1, "host": "127.0.0.1", "port": 0}))
        .await;
    let port = ok["local"][1].as_u64().unwrap().to_string();
    c.call(json!({"op": "listen", "sock": 1, "backlog": 1}))
        .await;
    // Seed 000 §2: the server sends b'hello' and reads the client's b'bye'.
    let client = tokio::spawn(async move { seed("hello_client.py", &[&port]).await });
    let accept = c.event().await;
    assert_eq!(accept["ev"], "accept");
    let conn = accept["conn"].as_u64().unwrap() as u32;
    c.send_data(conn, b"hello").await;
    assert_eq!(c.read_stream(conn, 3).await.concat(), b"bye");
    assert_eq!(client.await.unwrap(), "b'hello'\n");
}

/// The upload lab's sandbox refuses names that walk paths, says why, and
/// stores nothing: the download lab then has nothing under that name.
#[tokio::test]
async fn upload_refuses_path_names_and_stores_nothing() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let labs = Labs::start(b"nice@123!").await;
    let long = "n".repeat(300);
    // Path walks, and names a learner cannot see or type: control
    // characters, and nothing but whitespace.
    for name in [
        "../x",
        "a/b",
        "..",
        long.as_str(),
        "a\\b",
        "a\nb",
        "a\u{7f}b",
        "   ",
    ] {
        let mut s = tokio::net::TcpStream::connect(("127.0.0.1", labs.ports["upload"]))
            .await
            .unwrap();
        let header = json!({"filename": name, "filesize": 1}).to_string();
        s.write_all(&(header.len() as i32).to_le_bytes())
            .await
            .unwrap();
        s.write_all(header.as_bytes()).await.unwrap();
        s.write_all(b"x").await.unwrap();
        let mut answer = String::new();
        s.read_to_string(&mut answer).await.unwrap();
        let answer: serde_json::Value = serde_json::from_str(answer.trim()).unwrap();
        assert_eq!(answer["ok"], false, "{name}: {answer}");
        assert!(
            answer["error"].as_str().unwrap().contains("name"),
            "{answer}"
        );

        let mut d = tokio::net::TcpStream::connect(("127.0.0.1", labs.ports["download"]))
            .await
            .unwrap();
        d.write_all(name.as_bytes()).await.unwrap();
        let mut got = Vec::new();
        d.read_to_end(&mut got).await.unwrap();
        assert!(got.is_empty(), "{name} was stored");
    }
}

/// A refused upload's answer ends at once (the lab shuts its side as soon
/// as it has answered, as labs.md has it), while the client has not yet
/// sent the bytes its header announced; what it sends after that is read
/// and dropped, so the lab's close does not reset the connection.
#[tokio::test]
async fn a_refused_upload_ends_its_answer_at_once() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let labs = Labs::start(b"nice@123!").await;
    let mut s = tokio::net::TcpStream::connect(("127.0.0.1", labs.ports["upload"]))
        .await
        .unwrap();
    let header = json!({"filename": "a/b", "filesize": 4}).to_string();
    s.write_all(&(header.len() as i32).to_le_bytes())
        .await
        .unwrap();
    s.write_all(header.as_bytes()).await.unwrap();
    // The lab would wait 5 s for the rest before closing: the answer and
    // its end must come well before that.
    let mut answer = String::new();
    tokio::time::timeout(Duration::from_secs(3), s.read_to_string(&mut answer))
        .await
        .expect("the answer ends before the client sends the rest")
        .unwrap();
    let answer: serde_json::Value = serde_json::from_str(answer.trim()).unwrap();
    assert_eq!(answer["ok"], false, "{answer}");
    // The four bytes still go: the lab reads them, and then closes cleanly.
    s.write_all(b"data").await.unwrap();
    s.shutdown().await.unwrap();
}

/// A file over the 16 MiB limit, sent whole by a Python client that then
/// reads the answer: the lab refuses it with one JSON line and reads the
/// rest before closing, so the client gets the answer instead of
/// `[Errno 32] Broken pipe` (the reset Linux sends when a socket is closed
/// with unread data).
#[tokio::test]
async fn upload_over_the_limit_answers_python_with_the_error() {
    let labs = Labs::start(b"nice@123!").await;
    let client = r#"
import json, socket, struct, sys
size = 17 * 1024 * 1024
sk = socket.socket()
sk.settimeout(60)
sk.connect(('127.0.0.1', int(sys.argv[1])))
b_dic = json.dumps({'filename': 'big.bin', 'filesize': size}).encode('utf-8')
sk.sendall(struct.pack('i', len(b_dic)))
sk.sendall(b_dic)
sk.sendall(b'x' * size)
answer = b''
while True:
    chunk = sk.recv(1024)
    if not chunk:
        break
    answer += chunk
print(answer.decode('utf-8'), end='')
"#;
    let run = Command::new("python3")
        .args(["-c", client, &labs.port("upload")])
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(Duration::from_secs(90), run)
        .await
        .expect("the client finishes")
        .expect("python3 runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the client failed: {stderr}");
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON line");
    assert_eq!(answer["ok"], false, "{answer}");
    assert!(
        answer["error"]
            .as_str()
            .unwrap()
            .contains("over the limit of 16 MiB"),
        "{answer}"
    );
}

/// A hostile header (2^31-1 bytes announced): the answer comes at once, and
/// the lab neither waits for a silent client forever nor reads without end.
#[tokio::test]
async fn upload_hostile_size_is_answered_and_bounded() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let labs = Labs::start(b"nice@123!").await;
    let header = json!({"filename": "huge.bin", "filesize": i32::MAX}).to_string();
    let connect = || tokio::net::TcpStream::connect(("127.0.0.1", labs.ports["upload"]));

    // A client that goes silent after a little data is let go.
    let mut s = connect().await.unwrap();
    s.write_all(&(header.len() as i32).to_le_bytes())
        .await
        .unwrap();
    s.write_all(header.as_bytes()).await.unwrap();
    s.write_all(&[0u8; 100_000]).await.unwrap();
    let started = std::time::Instant::now();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(20), s.read_to_end(&mut answer))
        .await
        .expect("the lab closes a silent client")
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(20));
    let answer: serde_json::Value = serde_json::from_slice(&answer).unwrap();
    assert_eq!(answer["ok"], false, "{answer}");
    assert!(answer["error"].as_str().unwrap().contains("over the limit"));

    // A client that never stops sending is cut off after a bounded amount.
    let mut s = connect().await.unwrap();
    s.write_all(&(header.len() as i32).to_le_bytes())
        .await
        .unwrap();
    s.write_all(header.as_bytes()).await.unwrap();
    let chunk = vec![0u8; 1024 * 1024];
    let mut sent = 0usize;
    let cut = tokio::time::timeout(Duration::from_secs(60), async {
        while sent < 512 * 1024 * 1024 {
            if s.write_all(&chunk).await.is_err() {
                return true;
            }
            sent += chunk.len();
        }
        false
    })
    .await
    .expect("the lab stops reading within 60 s");
    assert!(cut, "the lab read {sent} bytes of a refused upload");
    assert!(sent < 128 * 1024 * 1024, "the lab read {sent} bytes");
}
