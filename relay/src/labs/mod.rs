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
mod files;
mod sandbox;
mod stream;

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use netlab_core::protocol::LabInfo;
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::sync::{Semaphore, broadcast};

pub use sandbox::Sandbox;

/// Clients one TCP lab serves at once; more wait in the listen backlog.
const MAX_CLIENTS_PER_LAB: usize = 64;
/// A lab connection silent for this long is closed.
pub const IDLE: Duration = Duration::from_secs(120);

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
    /// The `auth` lab's secret.
    pub secret: Vec<u8>,
}

impl Default for LabConfig {
    fn default() -> Self {
        Self {
            base_port: 9900,
            ports: HashMap::new(),
            secret: b"nice@123!".to_vec(),
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
    secret: Vec<u8>,
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
        secret: config.secret.clone(),
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
    let limit = Arc::new(Semaphore::new(MAX_CLIENTS_PER_LAB));
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
            if let Err(e) = serve_client(lab.name, stream, &shared).await {
                tracing::debug!(lab = lab.name, %peer, error = %e, "lab client ended");
            }
        });
    }
}

async fn serve_client(name: &str, stream: TcpStream, shared: &LabShared) -> std::io::Result<()> {
    match name {
        "hello" => stream::hello(stream).await,
        "echo" => stream::echo(stream).await,
        "upper" => stream::upper(stream).await,
        "sticky" => stream::sticky(stream).await,
        "framed" => stream::framed(stream).await,
        "upload" => files::upload(stream, &shared.sandbox).await,
        "download" => files::download(stream, &shared.sandbox).await,
        "auth" => stream::auth(stream, &shared.secret).await,
        "cmd" => cmd::serve(stream).await,
        _ => Ok(()),
    }
}
