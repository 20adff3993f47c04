//! `netlab-relay`: parses flags, sets up tracing, binds, and calls `run`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use netlab_core::protocol::policy::{AllowRule, Policy};
use netlab_relay::Config;
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

/// `println!` that ignores a closed stdout: the relay keeps serving when
/// whoever started it stops reading its output.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// Serves the netlab playground and lets it use real TCP and UDP sockets on
/// this machine over one WebSocket, safely: loopback only, with Host, Origin
/// and token checks.
#[derive(Debug, Parser)]
#[command(name = "netlab-relay", version, about)]
struct Args {
    /// Address and port to listen on. Keep it on loopback unless you mean to
    /// share the playground; then also pass --public-host.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// The token WebSocket clients must present (default: the environment
    /// variable NETLAB_RELAY_TOKEN, else a random one; printed in the
    /// start-up URL).
    #[arg(long, conflicts_with = "no_token")]
    token: Option<String>,
    /// Accept WebSocket clients without a token, even if NETLAB_RELAY_TOKEN
    /// is set. Any local program or page that passes the Host and Origin
    /// checks can then use the relay.
    #[arg(long)]
    no_token: bool,
    /// Where connect and sendto may go, as CIDR (repeatable). Giving it
    /// replaces the default, 127.0.0.0/8 and ::1.
    #[arg(long = "allow", value_name = "CIDR[:PORT[-PORT]]")]
    allow: Vec<AllowRule>,
    /// Another page origin allowed to open sessions, e.g. http://localhost:5173 (repeatable).
    #[arg(long = "allow-origin", value_name = "ORIGIN")]
    allow_origins: Vec<String>,
    /// Another name the relay is reached under, besides 127.0.0.1,
    /// localhost and [::1] (repeatable). HOST accepts the Host headers HOST
    /// (a proxy on port 80 or 443) and HOST:<listen port>; HOST:PORT
    /// accepts exactly that.
    #[arg(long = "public-host", value_name = "HOST[:PORT]")]
    public_hosts: Vec<String>,
    /// Do not run the lab servers.
    #[arg(long)]
    no_labs: bool,
    /// Lab N listens on 127.0.0.1 at this port plus its offset (hello +0,
    /// echo +1, upper +2, chat +3 (UDP), sticky +4, framed +5, upload +6,
    /// download +7, auth +8, cmd +9).
    #[arg(long, default_value_t = 9900, value_name = "PORT")]
    lab_base_port: u16,
    /// Put one lab on its own port, e.g. --lab hello=9000 to match a seed's
    /// client unchanged (repeatable).
    #[arg(long = "lab", value_name = "NAME=PORT", value_parser = parse_lab)]
    lab_ports: Vec<(String, u16)>,
    /// The shared secret of the auth lab [default: nice@123!, as seed 000 §9;
    /// seed 003 §8.4.3 uses alexsb]. Repeat it to let in the clients of
    /// both: --lab-secret 'nice@123!' --lab-secret alexsb.
    #[arg(
        long,
        default_value = "nice@123!",
        hide_default_value = true,
        value_name = "SECRET"
    )]
    lab_secret: Vec<String>,
    /// Sockets one WebSocket session may hold.
    #[arg(long, default_value_t = 64)]
    max_sockets: u32,
    /// Sessions at once, over all clients.
    #[arg(long, default_value_t = 256)]
    max_sessions: usize,
    /// Serve the playground from this folder instead of the copy built into
    /// the binary (useful while editing web/).
    #[arg(long, value_name = "DIR")]
    web_root: Option<PathBuf>,
    /// Worker threads of the async runtime.
    ///
    /// One by default: the relay usually shares its machine with the
    /// browser and the programs it serves, and one thread moves over
    /// 1 GiB/s. With more, every message crosses threads (a futex wake-up
    /// each way), which cost a fifth to a half more CPU per byte, and a
    /// tenth more per round trip, on two vCPUs. A relay serving many busy
    /// sessions on a bigger machine can ask for more.
    #[arg(long, env = "NETLAB_RELAY_THREADS", value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=1024))]
    threads: u16,
}

fn main() -> ExitCode {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    builder.worker_threads(usize::from(args.threads));
    let runtime = match builder.enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("netlab-relay: error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("netlab-relay: error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(args: Args) -> Result<(), String> {
    if let Some(dir) = &args.web_root
        && !dir.join("index.html").is_file()
    {
        return Err(format!(
            "no index.html in {}: is --web-root the playground's folder?",
            dir.display()
        ));
    }
    if args.web_root.is_none() && !netlab_relay::web::embedded_is_complete() {
        eprintln!(
            "netlab-relay: warning: this binary was built before the WASM module (web/pkg); \
             run `cargo xtask build` first, or pass --web-root web"
        );
    }
    let mut config = Config::new(args.web_root);
    // --no-token wins over the environment: a variable exported in a shell
    // profile must not make the flag unusable.
    let from_env = std::env::var("NETLAB_RELAY_TOKEN")
        .ok()
        .filter(|t| !t.is_empty());
    config.token = match (args.no_token, args.token.or(from_env)) {
        (true, _) => None,
        (false, Some(token)) => Some(token),
        (false, None) => Some(random_token()?),
    };
    if !args.allow.is_empty() {
        config.policy = Policy { rules: args.allow };
    }
    config.allow_origins = args.allow_origins;
    config.public_hosts = args.public_hosts;
    config.labs = !args.no_labs;
    config.lab_config.base_port = args.lab_base_port;
    config.lab_config.ports = args.lab_ports.into_iter().collect();
    config.lab_config.secrets = args
        .lab_secret
        .into_iter()
        .map(String::into_bytes)
        .collect();
    config.limits.max_sockets = args.max_sockets;
    config.max_sessions = args.max_sessions;

    let listener = TcpListener::bind(args.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    let host = if local.ip().is_unspecified() {
        format!("127.0.0.1:{}", local.port())
    } else {
        local.to_string()
    };
    let fragment = config
        .token
        .as_ref()
        .map(|t| format!("#token={t}"))
        .unwrap_or_default();
    say!(
        "netlab-relay {} serving the playground at http://{host}/{fragment}",
        env!("CARGO_PKG_VERSION")
    );
    for line in sharing(local, &config.public_hosts, &fragment) {
        say!("{line}");
    }
    let relay = netlab_relay::Relay::new(listener, config)
        .await
        .map_err(|e| e.to_string())?;
    if args.no_labs {
        say!("labs: off (--no-labs)");
    } else {
        say!("labs on 127.0.0.1:");
        for lab in relay.labs() {
            say!(
                "  {:<9} {} {:<5}  {}",
                lab.name,
                lab.proto,
                lab.port,
                lab.about
            );
        }
        for problem in relay.problems() {
            say!("  {problem}");
        }
    }
    relay
        .serve(shutdown_signal())
        .await
        .map_err(|e| e.to_string())
}

/// What to tell a teacher sharing the playground: the URL other machines
/// open for each `--public-host`, or, when the relay listens beyond
/// loopback without one, why those machines will get 403.
fn sharing(local: SocketAddr, public_hosts: &[String], fragment: &str) -> Vec<String> {
    if public_hosts.is_empty() {
        return if local.ip().is_loopback() {
            Vec::new()
        } else {
            vec![format!(
                "note: listening on {local}, but a page opened from another machine is refused \
                 (403) until its address is named: add --public-host <this machine's address>"
            )]
        };
    }
    public_hosts
        .iter()
        .map(|h| {
            let at = if netlab_relay::guard::has_port(h) {
                h.clone()
            } else {
                format!("{h}:{}", local.port())
            };
            format!("  from other machines: http://{at}/{fragment}")
        })
        .collect()
}

fn parse_lab(text: &str) -> Result<(String, u16), String> {
    let (name, port) = text
        .split_once('=')
        .ok_or_else(|| format!("'{text}' is not NAME=PORT"))?;
    if !netlab_relay::labs::LABS.iter().any(|lab| lab.name == name) {
        let names: Vec<_> = netlab_relay::labs::LABS.iter().map(|l| l.name).collect();
        return Err(format!(
            "no lab is called '{name}' (labs: {})",
            names.join(", ")
        ));
    }
    let port = port
        .parse()
        .map_err(|_| format!("'{port}' is not a port number"))?;
    Ok((name.to_owned(), port))
}

fn random_token() -> Result<String, String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| format!("no randomness for the token: {e}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Resolves on SIGINT or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn sharing_names_the_url_for_other_machines_or_why_there_is_none() {
        let any: SocketAddr = "0.0.0.0:8080".parse().unwrap();
        let lo: SocketAddr = "127.0.0.1:8080".parse().unwrap();
        assert!(sharing(lo, &[], "#token=t").is_empty());
        let warn = sharing(any, &[], "#token=t");
        assert_eq!(warn.len(), 1);
        assert!(warn[0].contains("--public-host"), "{warn:?}");
        let hosts = [
            "192.0.2.10".to_owned(),
            "lab.example:9000".to_owned(),
            "[2001:db8::1]".to_owned(),
            "[2001:db8::1]:81".to_owned(),
        ];
        assert_eq!(
            sharing(any, &hosts, "#token=t"),
            [
                "  from other machines: http://192.0.2.10:8080/#token=t",
                "  from other machines: http://lab.example:9000/#token=t",
                "  from other machines: http://[2001:db8::1]:8080/#token=t",
                "  from other machines: http://[2001:db8::1]:81/#token=t",
            ]
        );
    }

    #[test]
    fn lab_secret_defaults_to_seed_000s_and_repeats() {
        let args = Args::try_parse_from(["netlab-relay"]).unwrap();
        assert_eq!(args.lab_secret, ["nice@123!"]);
        let args = Args::try_parse_from([
            "netlab-relay",
            "--lab-secret",
            "nice@123!",
            "--lab-secret",
            "alexsb",
        ])
        .unwrap();
        assert_eq!(args.lab_secret, ["nice@123!", "alexsb"]);
    }
}
