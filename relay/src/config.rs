//! The relay's settings, built by the binary from its flags.

use std::path::PathBuf;
use std::time::Duration;

use netlab_core::protocol::Limits;

use crate::labs::LabConfig;
use netlab_core::protocol::policy::Policy;

/// Everything `run` needs besides the listener.
#[derive(Debug, Clone)]
pub struct Config {
    /// The token a WebSocket client must present; `None` means `--no-token`.
    pub token: Option<String>,
    /// Extra `Host` values accepted besides the loopback names.
    pub public_hosts: Vec<String>,
    /// Extra `Origin` values accepted besides the relay's own.
    pub allow_origins: Vec<String>,
    /// Where `connect` and `sendto` may go.
    pub policy: Policy,
    /// Serve the playground from this folder instead of the embedded copy.
    pub web_root: Option<PathBuf>,
    /// Whether the lab servers run.
    pub labs: bool,
    /// Their ports and the `auth` lab's secret.
    pub lab_config: LabConfig,
    /// Sessions at once, over all clients.
    pub max_sessions: usize,
    /// Limits announced to, and enforced on, each session.
    pub limits: Limits,
    /// How long `connect` may take before `ETIMEDOUT`.
    pub connect_timeout: Duration,
    /// A session with no message from its client for this long is closed.
    pub idle_timeout: Duration,
    /// The most one `read()` from an OS socket asks for (reads start at
    /// 8 KiB and double while they come back full). 64 KiB, as websocat's
    /// messages: on loopback, 64 KiB frames moved about a fifth more
    /// bytes per second towards the browser than 256 KiB ones, for the
    /// same CPU per byte (the browser works on one frame while the relay
    /// reads the next, and the buffers stay in cache).
    pub read_chunk: u32,
}

/// The default credit window, per socket and direction: 384 KiB.
///
/// Towards the browser the window is what keeps the pipe full: the relay
/// stops reading when it is used up. In 1 GiB transfers to the bench's
/// WebSocket client on this kind of machine (`relay-load --scenario
/// bulk-down`, six runs each, medians), 256 KiB moved 1,122 MiB/s and
/// 384 KiB 1,205, websocat (no window at all) 1,196 in the same runs. Past
/// about 512 KiB the data outruns the receiver's own TCP window: it waits
/// in the kernel, which moves it in small pieces, and the relay spent half
/// again as much CPU a GiB (0.93 s against 0.61) for 955 MiB/s.
pub const WINDOW: u32 = 384 * 1024;

impl Config {
    /// The defaults of `netlab-relay` with no flags, serving the playground
    /// from `web_root` (`None`: the copy embedded in the binary).
    ///
    /// # Examples
    ///
    /// ```
    /// let config = netlab_relay::Config::new(Some("web".into()));
    /// assert_eq!(config.policy.strings(), ["127.0.0.0/8", "::1/128"]);
    /// assert!(config.token.is_none());
    /// ```
    pub fn new(web_root: Option<PathBuf>) -> Self {
        Self {
            token: None,
            public_hosts: Vec::new(),
            allow_origins: Vec::new(),
            policy: Policy::default(),
            web_root,
            labs: true,
            lab_config: LabConfig::default(),
            max_sessions: 256,
            limits: Limits {
                max_sockets: 64,
                max_frame: 1 << 20,
                window: WINDOW,
            },
            connect_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(30 * 60),
            read_chunk: 64 * 1024,
        }
    }
}
