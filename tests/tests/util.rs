//! Helpers shared by the test modules: the built binaries and the vectors.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The folder holding the workspace's binaries (`target/debug`), found from
/// this test executable's own path (`target/debug/deps/tests-…`).
pub fn bin_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    exe.parent()
        .and_then(|deps| deps.parent())
        .expect("target/debug")
        .to_path_buf()
}

/// Runs the `netlab` binary. `cargo xtask test` builds it before the tests.
pub fn netlab(args: &[&str]) -> Output {
    let path = bin_dir().join("netlab");
    assert!(
        path.exists(),
        "{} is missing: run `cargo build -p netlab-cli` first (cargo xtask test does)",
        path.display()
    );
    Command::new(path).args(args).output().expect("run netlab")
}

/// Runs `netlab --json ARGS` and parses its standard output.
pub fn netlab_json(args: &[&str]) -> (i32, serde_json::Value) {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = netlab(&all);
    let text = String::from_utf8(out.stdout).expect("UTF-8 output");
    let json = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text:?}"));
    (out.status.code().unwrap_or(-1), json)
}

/// Reads a committed vector file from `tests/vectors/`.
pub fn vectors(name: &str) -> serde_json::Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("vectors")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("vector JSON")
}

/// Fails with the first disagreements (at most ten) of `total` cases.
pub fn assert_all_agree(what: &str, total: usize, failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{what}: {} of {total} disagree with CPython; first: {:#?}",
        failures.len(),
        &failures[..failures.len().min(10)]
    );
}

/// A folder under the system temp dir, removed when dropped (kept when
/// `NETLAB_KEEP` is set, to look at what a failing test wrote).
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// A new folder named after `what`, this process and a counter.
    pub fn new(what: &str) -> Self {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let n = COUNT.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("netlab-{what}-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }

    /// The path of `name` inside.
    pub fn file(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    /// Writes `bytes` to `name` inside; its path.
    pub fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.file(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if std::env::var_os("NETLAB_KEEP").is_none() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// tshark, Debian's (`cargo xtask test` installs it), else the one on PATH.
pub fn tshark_path() -> PathBuf {
    let path = Path::new("/usr/bin/tshark");
    if path.exists() {
        return path.to_path_buf();
    }
    PathBuf::from("tshark")
}

/// Runs tshark and returns its standard output; it must succeed.
pub fn tshark(args: &[&str]) -> String {
    let out = Command::new(tshark_path())
        .args(args)
        .env("LC_ALL", "C")
        .output()
        .expect("tshark runs (cargo xtask test installs it)");
    assert!(
        out.status.success(),
        "tshark {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 from tshark")
}

/// Runs `python3 -c SCRIPT ARGS…` (the oracle of the CPython tests) and
/// returns its standard output; it must succeed.
pub fn python3(script: &str, args: &[&str]) -> String {
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "python3 -c {script:?} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 from python3")
}

/// splitmix64 (Steele, Lea and Flood 2014): a tiny generator, the same on
/// every machine, so the randomized tests need no `rand` and a seed that
/// found a disagreement once finds it again. Modules add the draws they
/// need in their own `impl Rng`.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True `percent` times in a hundred.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}
