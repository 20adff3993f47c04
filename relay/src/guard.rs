//! Who may open a WebSocket session: the Host, Origin and token checks.
//!
//! A relay on 127.0.0.1 is reachable from every web page the learner
//! visits. The `Host` check stops DNS rebinding (a hostile name resolving to
//! 127.0.0.1 still sends its own name as `Host`); the `Origin` check stops
//! cross-site WebSocket hijacking (browsers always send `Origin` on a
//! WebSocket handshake); the token stops other local users and pages that
//! guess the port. Pure logic, so every rule is unit-tested.

use subtle::ConstantTimeEq;
use thiserror::Error;

/// Why a handshake was refused (HTTP 403 with this message).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Denial {
    #[error("Host header {0:?} is not this relay's (DNS rebinding protection)")]
    Host(String),
    #[error("Host header is missing")]
    NoHost,
    #[error("Origin {0:?} may not use this relay (pass --allow-origin to allow it)")]
    Origin(String),
    #[error("missing or wrong token: open the URL the relay printed at start-up")]
    Token,
}

/// Whether a Host value ends in `:PORT` (`[::1]` alone has none).
///
/// # Examples
///
/// ```
/// use netlab_relay::guard::has_port;
///
/// assert!(has_port("lab.example:9000") && has_port("[::1]:80"));
/// assert!(!has_port("lab.example") && !has_port("[2001:db8::1]"));
/// ```
pub fn has_port(host: &str) -> bool {
    host.rsplit_once(':').is_some_and(|(name, port)| {
        !name.is_empty()
            && !port.is_empty()
            && port.bytes().all(|b| b.is_ascii_digit())
            && (!name.contains(':') || name.ends_with(']'))
    })
}

/// The accepted values, fixed once the listener's port is known.
#[derive(Debug, Clone)]
pub struct Guard {
    hosts: Vec<String>,
    origins: Vec<String>,
    token: Option<String>,
}

impl Guard {
    /// Builds the rules for a relay listening on `port`.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_relay::guard::Guard;
    ///
    /// let g = Guard::new(8080, &[], &[], Some("s3cret".into()));
    /// assert!(g.check(Some("127.0.0.1:8080"), Some("http://localhost:8080"), Some("s3cret")).is_ok());
    /// assert!(g.check(Some("evil.example:8080"), None, Some("s3cret")).is_err());
    /// ```
    pub fn new(
        port: u16,
        public_hosts: &[String],
        allow_origins: &[String],
        token: Option<String>,
    ) -> Self {
        let mut hosts: Vec<String> = ["127.0.0.1", "localhost", "[::1]"]
            .iter()
            .map(|h| format!("{h}:{port}"))
            .collect();
        let mut origins: Vec<String> = hosts.iter().map(|h| format!("http://{h}")).collect();
        for public in public_hosts {
            let public = public.to_ascii_lowercase();
            // A name without a port is reached on the relay's own port, or
            // through a proxy on the scheme's default one (no port at all).
            let names = if has_port(&public) {
                vec![public]
            } else {
                vec![format!("{public}:{port}"), public]
            };
            for name in names {
                // A page on a public name may well be served over https by
                // the proxy in front.
                origins.push(format!("http://{name}"));
                origins.push(format!("https://{name}"));
                hosts.push(name);
            }
        }
        origins.extend(
            allow_origins
                .iter()
                .map(|o| o.trim_end_matches('/').to_ascii_lowercase()),
        );
        Self {
            hosts,
            origins,
            token,
        }
    }

    /// Checks one handshake's `Host`, `Origin` and `token`.
    pub fn check(
        &self,
        host: Option<&str>,
        origin: Option<&str>,
        token: Option<&str>,
    ) -> Result<(), Denial> {
        self.check_host(host)?;
        if let Some(origin) = origin {
            let normal = origin.to_ascii_lowercase();
            if !self.origins.contains(&normal) {
                return Err(Denial::Origin(origin.to_owned()));
            }
        }
        match (&self.token, token) {
            (None, _) => Ok(()),
            (Some(expected), Some(given))
                if bool::from(expected.as_bytes().ct_eq(given.as_bytes())) =>
            {
                Ok(())
            }
            _ => Err(Denial::Token),
        }
    }

    /// Checks only the `Host` header (for `/metrics`).
    pub fn check_host(&self, host: Option<&str>) -> Result<(), Denial> {
        let host = host.ok_or(Denial::NoHost)?;
        if self.hosts.contains(&host.to_ascii_lowercase()) {
            Ok(())
        } else {
            Err(Denial::Host(host.to_owned()))
        }
    }
}

#[cfg(test)]
mod test {
    use super::*;

    fn guard() -> Guard {
        Guard::new(
            9000,
            &["lab.school:9000".into()],
            &["http://teacher:3000".into()],
            Some("tok".into()),
        )
    }

    #[test]
    fn loopback_hosts_and_public_hosts_pass() {
        let g = guard();
        for host in [
            "127.0.0.1:9000",
            "localhost:9000",
            "[::1]:9000",
            "LAB.school:9000",
        ] {
            assert_eq!(g.check(Some(host), None, Some("tok")), Ok(()), "{host}");
        }
    }

    #[test]
    fn rebinding_and_wrong_port_fail() {
        let g = guard();
        for host in [
            "attacker.example:9000",
            "127.0.0.1:9001",
            "127.0.0.1",
            "localhost",
        ] {
            assert!(
                matches!(g.check(Some(host), None, Some("tok")), Err(Denial::Host(_))),
                "{host}"
            );
        }
        assert_eq!(g.check(None, None, Some("tok")), Err(Denial::NoHost));
    }

    /// `--public-host NAME` (relay-protocol.md writes HOST) accepts the
    /// name on the relay's port and on a proxy's default port; with a port
    /// it accepts exactly that. Nothing else comes in with it.
    #[test]
    fn public_host_without_port_takes_the_relays_and_the_default_port() {
        let g = Guard::new(
            9000,
            &[
                "relay.test".into(),
                "[fd00::1]".into(),
                "[fd00::2]:80".into(),
            ],
            &[],
            None,
        );
        let host = |h: &str| g.check(Some(h), None, None);
        for ok in [
            "relay.test",
            "relay.test:9000",
            "[fd00::1]",
            "[fd00::1]:9000",
            "[fd00::2]:80",
        ] {
            assert_eq!(host(ok), Ok(()), "{ok}");
        }
        for bad in [
            "relay.test:9001",
            "relay.testx",
            "[fd00::2]",
            "[fd00::2]:9000",
        ] {
            assert!(matches!(host(bad), Err(Denial::Host(_))), "{bad}");
        }
        let origin = |o: &str| g.check(Some("relay.test"), Some(o), None);
        assert_eq!(origin("https://relay.test"), Ok(()));
        assert_eq!(origin("http://relay.test:9000"), Ok(()));
        assert!(origin("https://relay.test:9001").is_err());
        assert!(has_port("a:1") && has_port("[::1]:80"));
        assert!(!has_port("a") && !has_port("[::1]") && !has_port("::1") && !has_port("a:"));
    }

    #[test]
    fn foreign_origins_fail() {
        let g = guard();
        let ok = |o: &str| g.check(Some("127.0.0.1:9000"), Some(o), Some("tok"));
        assert_eq!(ok("http://127.0.0.1:9000"), Ok(()));
        assert_eq!(ok("http://teacher:3000"), Ok(()));
        assert!(ok("https://evil.example").is_err());
        assert!(ok("http://127.0.0.1:9001").is_err());
        assert!(ok("null").is_err());
    }

    #[test]
    fn token_must_match_exactly() {
        let g = guard();
        let t = |t: Option<&str>| g.check(Some("127.0.0.1:9000"), None, t);
        assert_eq!(t(Some("tok")), Ok(()));
        assert_eq!(t(Some("to")), Err(Denial::Token));
        assert_eq!(t(Some("tokk")), Err(Denial::Token));
        assert_eq!(t(None), Err(Denial::Token));
        let open = Guard::new(9000, &[], &[], None);
        assert_eq!(open.check(Some("127.0.0.1:9000"), None, None), Ok(()));
    }
}
