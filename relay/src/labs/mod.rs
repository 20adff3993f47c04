//! The lab servers: the server side of every socket demo in the seeds, on
//! loopback, so a learner's client (the seed's own Python, or the
//! playground) has a real peer.
//!
//! Each lab is faithful enough that the seed's client, with only its port
//! changed, works unmodified. All are concurrent (a task per client),
//! bounded (a semaphore per lab, sizes, idle timeouts) and built in: no lab
//! ever starts a process or a shell.

mod chat;
mod cmd;
mod conn;
mod files;
mod sandbox;
mod stream;

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use netlab_core::protocol::LabInfo;
use tokio::net::{TcpListener, UdpSocket};
use tokio::sync::{Semaphore, broadcast};

pub use sandbox::Sandbox;

use conn::Conn;
use sandbox::Pending;

/// Clients one TCP lab serves at once; more wait in the listen backlog.
const MAX_CLIENTS_PER_LAB: usize = 64;
/// A lab connection that sends nothing, or reads nothing of what the lab
/// sends, for this long is closed: its slot goes to the next client.
pub const IDLE: Duration = Duration::from_secs(120);
/// The longest one upload may take, from its first byte to its last. The
/// idle limit alone lets a client that sends a byte every 100 s hold a slot
/// (and room for 16 MiB) for ever; a 16 MiB file takes well under a second
/// on loopback and about four minutes even at 64 KiB/s, so five minutes
/// lets every honest client through.
pub const UPLOAD_TIME: Duration = Duration::from_secs(5 * 60);

/// A lab: its name, protocol, port offset and what it does.
#[derive(Debug, Clone, Copy)]
pub struct Lab {
    pub name: &'static str,
    pub udp: bool,
    pub offset: u16,
    pub about: &'static str,
}

/// Every lab, in port order (labs.md).
pub const LABS: &[Lab] = &[
    Lab {
        name: "hello",
        udp: false,
        offset: 0,
        about: "sends b'hello', reads one recv(1024), closes (seed 000 §2)",
    },
    Lab {
        name: "echo",
        udp: false,
        offset: 1,
        about: "sends every chunk back unchanged (seed 001)",
    },
    Lab {
        name: "upper",
        udp: false,
        offset: 2,
        about: "sends every chunk back upper-cased, like the socketserver demo (seed 000 §10)",
    },
    Lab {
        name: "chat",
        udp: true,
        offset: 3,
        about: "UDP chat room: send 'name|message', everyone seen in 10 minutes gets it (seed 000 §7)",
    },
    Lab {
        name: "sticky",
        udp: false,
        offset: 4,
        about: "sends b'hello' then b'nice' with no pause, closes: the sticky-packet demo (seed 000 §6.1)",
    },
    Lab {
        name: "framed",
        udp: false,
        offset: 5,
        about: "sends hello and nice, each behind struct.pack('i', len), closes (seed 000 §6.7)",
    },
    Lab {
        name: "upload",
        udp: false,
        offset: 6,
        about: "receives pack('i', len) + JSON {filename, filesize} + the file; answers a JSON line with its sha256 (seed 000 §8.1)",
    },
    Lab {
        name: "download",
        udp: false,
        offset: 7,
        about: "send a file name, receive the file, then EOF (seed 004 §4)",
    },
    Lab {
        name: "auth",
        udp: false,
        offset: 8,
        about: "32 random bytes; answer with the keyed digest to be let in, then like upper (seed 000 §9)",
    },
    Lab {
        name: "cmd",
        udp: false,
        offset: 9,
        about: "built-in commands (help, date, whoami, echo, seq N, bytes N), answered as info|<len> then the output (seed 001)",
    },
];

/// How the labs are set up.
#[derive(Debug, Clone)]
pub struct LabConfig {
    /// Lab `n` listens on `base_port + offset` (0: every lab on a free port).
    pub base_port: u16,
    /// Ports given by `--lab NAME=PORT`.
    pub ports: HashMap<String, u16>,
    /// The `auth` lab's secrets: an answer under any of them lets the
    /// client in, so seed 000's clients (`nice@123!`) and seed 003's
    /// (`alexsb`) can use one relay.
    pub secrets: Vec<Vec<u8>>,
    /// A client that sends nothing, or reads nothing, this long is closed
    /// ([`IDLE`]).
    pub idle: Duration,
    /// The longest one upload may take in all ([`UPLOAD_TIME`]).
    pub upload_time: Duration,
    /// Clients each TCP lab serves at once.
    pub max_clients: usize,
    /// Bytes that uploads in progress may hold together (the sandbox's own
    /// total, 64 MiB); an upload that does not fit is
    /// refused at once.
    pub pending_uploads: usize,
}

impl Default for LabConfig {
    fn default() -> Self {
        Self {
            base_port: 9900,
            ports: HashMap::new(),
            secrets: vec![b"nice@123!".to_vec()],
            idle: IDLE,
            upload_time: UPLOAD_TIME,
            max_clients: MAX_CLIENTS_PER_LAB,
            pending_uploads: sandbox::MAX_TOTAL,
        }
    }
}

impl LabConfig {
    fn port(&self, lab: &Lab) -> u16 {
        match self.ports.get(lab.name) {
            Some(&port) => port,
            None if self.base_port == 0 => 0,
            None => self.base_port.saturating_add(lab.offset),
        }
    }
}

/// What every lab task shares.
#[derive(Debug)]
struct LabShared {
    sandbox: Sandbox,
    /// Room for the uploads still coming in.
    pending: Pending,
    secrets: Vec<Vec<u8>>,
    idle: Duration,
    upload_time: Duration,
    max_clients: usize,
}

/// Binds every lab on 127.0.0.1 and starts serving until `shutdown` fires.
/// A lab whose port is taken is skipped with a warning (the others run);
/// the returned list says which labs run, and where.
pub async fn start(
    config: &LabConfig,
    shutdown: &broadcast::Sender<()>,
) -> (Vec<LabInfo>, Vec<String>) {
    let shared = Arc::new(LabShared {
        sandbox: Sandbox::with_samples(),
        pending: Pending::new(config.pending_uploads),
        secrets: config.secrets.clone(),
        idle: config.idle,
        upload_time: config.upload_time,
        max_clients: config.max_clients,
    });
    let mut running = Vec::new();
    let mut problems = Vec::new();
    for lab in LABS {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, config.port(lab)));
        let started = if lab.udp {
            match UdpSocket::bind(addr).await {
                Ok(socket) => {
                    let port = socket.local_addr().map(|a| a.port()).unwrap_or(0);
                    tokio::spawn(until_shutdown(shutdown.subscribe(), chat::serve(socket)));
                    Ok(port)
                }
                Err(e) => Err(e),
            }
        } else {
            match TcpListener::bind(addr).await {
                Ok(listener) => {
                    let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
                    let serve = accept_loop(*lab, listener, Arc::clone(&shared));
                    tokio::spawn(until_shutdown(shutdown.subscribe(), serve));
                    Ok(port)
                }
                Err(e) => Err(e),
            }
        };
        match started {
            Ok(port) => running.push(LabInfo {
                name: lab.name.into(),
                proto: if lab.udp { "udp" } else { "tcp" }.into(),
                host: "127.0.0.1".into(),
                port,
                about: lab.about.into(),
            }),
            Err(e) => {
                tracing::warn!(lab = lab.name, %addr, error = %e, "lab not started");
                problems.push(format!(
                    "lab {} not started: cannot listen on {addr}: {e}",
                    lab.name
                ));
            }
        }
    }
    (running, problems)
}

async fn until_shutdown(
    mut shutdown: broadcast::Receiver<()>,
    work: impl std::future::Future<Output = ()>,
) {
    tokio::select! {
        () = work => {}
        _ = shutdown.recv() => {}
    }
}

async fn accept_loop(lab: Lab, listener: TcpListener, shared: Arc<LabShared>) {
    let limit = Arc::new(Semaphore::new(shared.max_clients.max(1)));
    loop {
        let Ok(permit) = Arc::clone(&limit).acquire_owned().await else {
            return;
        };
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) => {
                tracing::warn!(lab = lab.name, error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let shared = Arc::clone(&shared);
        tokio::spawn(async move {
            let _permit = permit;
            tracing::debug!(lab = lab.name, %peer, "lab client");
            let conn = Conn::new(stream, shared.idle);
            if let Err(e) = serve_client(lab.name, conn, &shared).await {
                tracing::debug!(lab = lab.name, %peer, error = %e, "lab client ended");
            }
        });
    }
}

async fn serve_client(name: &str, conn: Conn, shared: &LabShared) -> std::io::Result<()> {
    match name {
        "hello" => stream::hello(conn).await,
        "echo" => stream::echo(conn).await,
        "upper" => stream::upper(conn).await,
        "sticky" => stream::sticky(conn).await,
        "framed" => stream::framed(conn).await,
        "upload" => files::upload(conn, shared).await,
        "download" => files::download(conn, &shared.sandbox).await,
        "auth" => stream::auth(conn, &shared.secrets).await,
        "cmd" => cmd::serve(conn).await,
        _ => Ok(()),
    }
}

#[cfg(test)]
mod test {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::{TcpSocket, TcpStream};

    /// Every lab on a free loopback port, with `config`'s limits; the labs
    /// stop when the returned sender is dropped.
    async fn labs(config: LabConfig) -> (HashMap<String, u16>, broadcast::Sender<()>) {
        let config = LabConfig {
            base_port: 0,
            ..config
        };
        let (shutdown, _) = broadcast::channel(1);
        let (running, problems) = start(&config, &shutdown).await;
        assert!(problems.is_empty(), "{problems:?}");
        let ports = running.into_iter().map(|l| (l.name, l.port)).collect();
        (ports, shutdown)
    }

    async fn connect(port: u16) -> TcpStream {
        TcpStream::connect(("127.0.0.1", port)).await.unwrap()
    }

    /// Sends an upload's `struct.pack('i', len)` and JSON header.
    async fn announce(s: &mut TcpStream, name: &str, size: usize) {
        let header = serde_json::json!({"filename": name, "filesize": size}).to_string();
        s.write_all(&(header.len() as i32).to_le_bytes())
            .await
            .unwrap();
        s.write_all(header.as_bytes()).await.unwrap();
    }

    /// The upload lab's answer line, or `None` if none comes within `wait`.
    async fn answer(s: &mut TcpStream, wait: Duration) -> Option<serde_json::Value> {
        let mut line = Vec::new();
        let read = async {
            let mut byte = [0u8; 1];
            while s.read(&mut byte).await.ok()? == 1 {
                if byte[0] == b'\n' {
                    return serde_json::from_slice(&line).ok();
                }
                line.push(byte[0]);
            }
            None
        };
        tokio::time::timeout(wait, read).await.ok().flatten()
    }

    /// What the download lab sends for `name` (empty: not stored).
    async fn download(port: u16, name: &str) -> Vec<u8> {
        let mut s = connect(port).await;
        s.write_all(name.as_bytes()).await.unwrap();
        let mut got = Vec::new();
        tokio::time::timeout(Duration::from_secs(3), s.read_to_end(&mut got))
            .await
            .unwrap()
            .unwrap();
        got
    }

    /// Audit: 64 `cmd` clients asking for `bytes 16777216` and never
    /// reading held every slot for ever. Now the write gives up after the
    /// idle limit and the next client is served.
    #[tokio::test]
    async fn cmd_client_that_never_reads_frees_its_slot() {
        let (ports, _stop) = labs(LabConfig {
            idle: Duration::from_millis(200),
            max_clients: 1,
            ..LabConfig::default()
        })
        .await;
        let socket = TcpSocket::new_v4().unwrap();
        socket.set_recv_buffer_size(4096).unwrap();
        let mut greedy = socket
            .connect(SocketAddr::from((Ipv4Addr::LOCALHOST, ports["cmd"])))
            .await
            .unwrap();
        let mut welcome = [0u8; 12];
        greedy.read_exact(&mut welcome).await.unwrap();
        greedy.write_all(b"bytes 16777216").await.unwrap();

        let mut next = connect(ports["cmd"]).await;
        let welcomed = tokio::time::timeout(Duration::from_secs(3), next.read_exact(&mut welcome))
            .await
            .expect("the next client is welcomed once the one not reading is dropped");
        welcomed.unwrap();
        assert_eq!(&welcome, "欢迎登录".as_bytes());
        drop(greedy);
    }

    /// Audit: an upload sending a byte every 100 s was never dropped. Now
    /// the whole upload has a deadline, the client is told, nothing is kept.
    #[tokio::test]
    async fn a_trickling_upload_is_refused_at_its_deadline() {
        let (ports, _stop) = labs(LabConfig {
            idle: Duration::from_secs(1),
            upload_time: Duration::from_millis(300),
            ..LabConfig::default()
        })
        .await;
        let mut s = connect(ports["upload"]).await;
        announce(&mut s, "trickle.txt", 1000).await;
        let (mut rd, mut wr) = s.into_split();
        let trickle = tokio::spawn(async move {
            for _ in 0..60 {
                if wr.write_all(b"t").await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        });
        let mut line = String::new();
        let read = async {
            let mut byte = [0u8; 1];
            while rd.read(&mut byte).await.unwrap_or(0) == 1 && byte[0] != b'\n' {
                line.push(char::from(byte[0]));
            }
        };
        tokio::time::timeout(Duration::from_secs(3), read)
            .await
            .expect("an answer comes at the deadline, well before the 1000 bytes");
        let answer: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(answer["ok"], false, "{answer}");
        let error = answer["error"].as_str().unwrap();
        assert!(error.contains("took longer than"), "{error}");
        assert!(error.contains("nothing was stored"), "{error}");
        trickle.abort();
        assert!(download(ports["download"], "trickle.txt").await.is_empty());
    }

    /// Audit: 64 stalled 16 MiB uploads held 1 GiB. Now uploads in progress
    /// share a fixed room; one that does not fit is refused at once, and
    /// the room comes back when an upload ends.
    #[tokio::test]
    async fn uploads_in_progress_share_a_bounded_room() {
        let (ports, _stop) = labs(LabConfig {
            idle: Duration::from_secs(1),
            pending_uploads: 1000,
            ..LabConfig::default()
        })
        .await;
        let mut first = connect(ports["upload"]).await;
        announce(&mut first, "first.bin", 800).await;
        first.write_all(&[b'f'; 10]).await.unwrap();

        // The second needs 500 of the 200 left. Until the lab has read the
        // first header it would fit, so ask until it is refused.
        let mut refused = None;
        for _ in 0..20 {
            let mut second = connect(ports["upload"]).await;
            announce(&mut second, "second.bin", 500).await;
            if let Some(answer) = answer(&mut second, Duration::from_millis(200)).await {
                refused = Some(answer);
                break;
            }
        }
        let refused = refused.expect("a second upload that does not fit is answered at once");
        assert_eq!(refused["ok"], false, "{refused}");
        let error = refused["error"].as_str().unwrap();
        assert!(
            error.contains("busy") && error.contains("try again"),
            "{error}"
        );
        assert!(download(ports["download"], "second.bin").await.is_empty());

        first.write_all(&[b'f'; 790]).await.unwrap();
        let done = answer(&mut first, Duration::from_secs(3)).await.unwrap();
        assert_eq!(done["ok"], true, "{done}");

        let mut third = connect(ports["upload"]).await;
        announce(&mut third, "third.bin", 500).await;
        third.write_all(&[b't'; 500]).await.unwrap();
        let done = answer(&mut third, Duration::from_secs(3)).await.unwrap();
        assert_eq!(done["ok"], true, "the room came back: {done}");
        assert_eq!(download(ports["download"], "third.bin").await.len(), 500);
    }
}
