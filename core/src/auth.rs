//! The HMAC challenge of seed 000 §9 and 003 §8.4.3: how a server checks
//! that a client knows the shared secret without the secret crossing the
//! network.
//!
//! The server sends 32 random bytes; the client answers with a digest of
//! them keyed by the secret; the server computes the same and compares in
//! constant time. The seeds show three answers (hex `sha1(secret + rand)`,
//! hex `md5(secret + rand)`, and raw HMAC-MD5 from `hmac.new(secret, rand)`,
//! whose MD5 default Python 3.8 removed); HMAC-SHA256 is what to use today.
//! The random bytes are passed in, so this module stays pure.

use hmac::{Hmac, KeyInit, Mac};
use md5::Md5;
use serde::Serialize;
use sha1::{Digest, Sha1};
use sha2::Sha256;
use thiserror::Error;

/// The bytes of a challenge, as `os.urandom(32)` makes them.
pub const CHALLENGE_LEN: usize = 32;

/// A way of answering the challenge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Algorithm {
    /// `hashlib.sha1(secret); update(rand); hexdigest()` (seed 000 §9).
    Sha1Concat,
    /// `hashlib.md5(secret); update(rand); hexdigest()`.
    Md5Concat,
    /// `hmac.new(secret, rand, 'md5').digest()` (the seeds' `hmac.new(secret, rand)`).
    HmacMd5,
    /// `hmac.new(secret, rand, 'sha256').digest()`.
    HmacSha256,
}

impl Algorithm {
    /// The Python that computes the answer, as the seeds write it, with
    /// `rand` the challenge.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::auth::Algorithm;
    ///
    /// assert_eq!(Algorithm::HmacMd5.python(), "hmac.new(secret, rand, 'md5').digest()");
    /// ```
    pub fn python(self) -> &'static str {
        match self {
            Self::Sha1Concat => "hashlib.sha1(secret + rand).hexdigest()",
            Self::Md5Concat => "hashlib.md5(secret + rand).hexdigest()",
            Self::HmacMd5 => "hmac.new(secret, rand, 'md5').digest()",
            Self::HmacSha256 => "hmac.new(secret, rand, 'sha256').digest()",
        }
    }
}

/// Why a digest could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AuthError {
    #[error("unknown digest '{0}': use sha1, md5, hmac-md5 or hmac-sha256")]
    UnknownAlgorithm(String),
}

impl std::str::FromStr for Algorithm {
    type Err = AuthError;

    fn from_str(s: &str) -> Result<Self, AuthError> {
        match s.to_ascii_lowercase().replace('_', "-").as_str() {
            "sha1" | "sha1-concat" => Ok(Self::Sha1Concat),
            "md5" | "md5-concat" => Ok(Self::Md5Concat),
            "hmac-md5" => Ok(Self::HmacMd5),
            "hmac-sha256" => Ok(Self::HmacSha256),
            _ => Err(AuthError::UnknownAlgorithm(s.to_owned())),
        }
    }
}

/// The raw digest of `msg` under `key` with `alg`.
///
/// # Examples
///
/// ```
/// use netlab_core::auth::{Algorithm, digest, hex};
///
/// // hmac.new(b'key', b'The quick brown fox jumps over the lazy dog', 'sha256').hexdigest()
/// let d = digest(Algorithm::HmacSha256, b"key", b"The quick brown fox jumps over the lazy dog");
/// assert_eq!(hex(&d), "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
/// ```
pub fn digest(alg: Algorithm, key: &[u8], msg: &[u8]) -> Vec<u8> {
    match alg {
        Algorithm::Sha1Concat => Sha1::new()
            .chain_update(key)
            .chain_update(msg)
            .finalize()
            .to_vec(),
        Algorithm::Md5Concat => Md5::new()
            .chain_update(key)
            .chain_update(msg)
            .finalize()
            .to_vec(),
        Algorithm::HmacMd5 => hmac_bytes::<Hmac<Md5>>(key, msg),
        Algorithm::HmacSha256 => hmac_bytes::<Hmac<Sha256>>(key, msg),
    }
}

fn hmac_bytes<M: Mac + KeyInit>(key: &[u8], msg: &[u8]) -> Vec<u8> {
    // HMAC takes keys of any length, so this never fails.
    match <M as KeyInit>::new_from_slice(key) {
        Ok(mac) => mac.chain_update(msg).finalize().into_bytes().to_vec(),
        Err(_) => Vec::new(),
    }
}

/// What the seeds' clients send back for each algorithm: the hex digest for
/// the hashlib answers (they call `hexdigest()`), the raw bytes for HMAC.
pub fn seed_answer(alg: Algorithm, secret: &[u8], challenge: &[u8]) -> Vec<u8> {
    let raw = digest(alg, secret, challenge);
    match alg {
        Algorithm::Sha1Concat | Algorithm::Md5Concat => hex(&raw).into_bytes(),
        Algorithm::HmacMd5 | Algorithm::HmacSha256 => raw,
    }
}

/// Checks an answer as the `auth` lab does, accepting every form the seeds
/// use (hex sha1 or md5 of secret+rand, raw or hex HMAC-MD5, raw or hex
/// HMAC-SHA256). Returns the form that matched. Each comparison takes the
/// same time whatever the bytes, so timing reveals nothing.
///
/// # Examples
///
/// ```
/// use netlab_core::auth::{Algorithm, seed_answer, verify};
///
/// let rand = [7u8; 32];
/// let answer = seed_answer(Algorithm::Sha1Concat, b"nice@123!", &rand);
/// assert_eq!(verify(b"nice@123!", &rand, &answer), Some(Algorithm::Sha1Concat));
/// assert_eq!(verify(b"wrong", &rand, &answer), None);
/// ```
pub fn verify(secret: &[u8], challenge: &[u8], answer: &[u8]) -> Option<Algorithm> {
    let mut found = None;
    for alg in [
        Algorithm::Sha1Concat,
        Algorithm::Md5Concat,
        Algorithm::HmacMd5,
        Algorithm::HmacSha256,
    ] {
        let raw = digest(alg, secret, challenge);
        let hexed = hex(&raw).into_bytes();
        let hit = match alg {
            Algorithm::Sha1Concat | Algorithm::Md5Concat => constant_time_eq(&hexed, answer),
            Algorithm::HmacMd5 | Algorithm::HmacSha256 => {
                constant_time_eq(&raw, answer) | constant_time_eq(&hexed, answer)
            }
        };
        if hit && found.is_none() {
            found = Some(alg);
        }
    }
    found
}

/// Like [`verify`], for servers that read the answer with one
/// `recv(1024)` while the client may already have sent more: seed 003's
/// servers read exactly `recv(32)` (an md5 hex digest) or `recv(16)` (a raw
/// HMAC-MD5), so a client may send its first chat message right behind the
/// answer. Returns the form that matched and how many bytes the answer took;
/// the rest belongs to the conversation.
///
/// # Examples
///
/// ```
/// use netlab_core::auth::{Algorithm, seed_answer, verify_prefix};
///
/// let rand = [9u8; 32];
/// let mut data = seed_answer(Algorithm::Md5Concat, b"alexsb", &rand);
/// data.extend_from_slice(b"hello");
/// assert_eq!(verify_prefix(b"alexsb", &rand, &data), Some((Algorithm::Md5Concat, 32)));
/// ```
pub fn verify_prefix(secret: &[u8], challenge: &[u8], data: &[u8]) -> Option<(Algorithm, usize)> {
    if let Some(alg) = verify(secret, challenge, data) {
        return Some((alg, data.len()));
    }
    // Answer lengths: raw HMAC-MD5, hex md5 or raw HMAC-SHA256, hex sha1, hex HMAC-SHA256.
    [16, 32, 40, 64].into_iter().find_map(|len| {
        let answer = data.get(..len)?;
        verify(secret, challenge, answer).map(|alg| (alg, len))
    })
}

/// Compares without an early exit, so the time taken does not tell how
/// many leading bytes matched.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// One step of the exchange, for the playground's trace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    pub who: &'static str,
    pub action: String,
    pub bytes_hex: String,
}

/// The whole exchange step by step: challenge, the client's answer, the
/// server's own computation, the verdict.
pub fn trace(
    alg: Algorithm,
    server_secret: &[u8],
    client_secret: &[u8],
    challenge: &[u8],
) -> Vec<Step> {
    let answer = seed_answer(alg, client_secret, challenge);
    let expected = seed_answer(alg, server_secret, challenge);
    let ok = verify(server_secret, challenge, &answer).is_some();
    vec![
        Step {
            who: "server",
            action: format!(
                "sends {} random bytes (os.urandom({}))",
                challenge.len(),
                challenge.len()
            ),
            bytes_hex: hex(challenge),
        },
        Step {
            who: "client",
            action: format!("answers with {}, rand being the challenge", alg.python()),
            bytes_hex: hex(&answer),
        },
        Step {
            who: "server",
            action: "computes the same with its own secret".into(),
            bytes_hex: hex(&expected),
        },
        Step {
            who: "server",
            action: if ok {
                "they match: a legitimate client, sends b'hello'".into()
            } else {
                "they differ: closes the connection".into()
            },
            bytes_hex: if ok { hex(b"hello") } else { String::new() },
        },
    ]
}

/// Lowercase hex, as Python's `bytes.hex()` and `hexdigest()` write it
/// (the packet module's encoder, re-exported where digests are made).
pub use crate::packet::field::hex;

/// SHA-256 as lowercase hex, for file checksums (the upload lab's answer).
///
/// # Examples
///
/// ```
/// assert_eq!(
///     netlab_core::auth::sha256_hex(b""),
///     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
/// );
/// ```
pub fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

#[cfg(test)]
mod test {
    use super::*;

    /// Expected values printed by CPython 3.11:
    /// `rand = bytes(range(32)); s = b'nice@123!'`, then
    /// `hashlib.sha1(s + rand).hexdigest()`, `hashlib.md5(s + rand).hexdigest()`,
    /// `hmac.new(s, rand, 'md5').hexdigest()`, `hmac.new(s, rand, 'sha256').hexdigest()`.
    #[test]
    fn seed_digests_match_cpython() {
        let rand: Vec<u8> = (0u8..32).collect();
        let secret = b"nice@123!";
        let cases = [
            (
                Algorithm::Sha1Concat,
                "5333ae32a2d60f1618627f105f8de9d66f018933",
            ),
            (Algorithm::Md5Concat, "ffbbf9cb37d7c06d7b89fe2d04da663f"),
            (Algorithm::HmacMd5, "ccc7d8560d5ab29d4aeb560f2c2087fa"),
            (
                Algorithm::HmacSha256,
                "c709483fa58589045542439db1fbf34caffd846f70ecb672441a6642bb405f15",
            ),
        ];
        for (alg, want) in cases {
            assert_eq!(hex(&digest(alg, secret, &rand)), want, "{alg:?}");
            assert_eq!(
                verify(secret, &rand, &seed_answer(alg, secret, &rand)),
                Some(alg)
            );
        }
        assert_eq!(
            seed_answer(Algorithm::Sha1Concat, secret, &rand),
            cases[0].1.as_bytes()
        );
    }

    #[test]
    fn verify_accepts_raw_and_hex_hmac() {
        let rand = [1u8; 32];
        let raw = digest(Algorithm::HmacSha256, b"k", &rand);
        assert_eq!(verify(b"k", &rand, &raw), Some(Algorithm::HmacSha256));
        assert_eq!(
            verify(b"k", &rand, hex(&raw).as_bytes()),
            Some(Algorithm::HmacSha256)
        );
        assert_eq!(verify(b"k", &rand, b""), None);
        assert_eq!("hmac_md5".parse::<Algorithm>(), Ok(Algorithm::HmacMd5));
        assert!("sha3".parse::<Algorithm>().is_err());
    }

    #[test]
    fn trace_tells_the_verdict() {
        let steps = trace(Algorithm::HmacMd5, b"a", b"b", &[0; 32]);
        assert!(steps[3].action.contains("differ"));
        let steps = trace(Algorithm::HmacMd5, b"a", b"a", &[0; 32]);
        assert!(steps[3].action.contains("match"));
        // The answer is named as the seeds compute it, not by a Rust name.
        assert_eq!(
            steps[1].action,
            "answers with hmac.new(secret, rand, 'md5').digest(), rand being the challenge"
        );
    }
}
