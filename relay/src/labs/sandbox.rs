//! The upload/download labs' files: in memory, bounded, with file names
//! checked so that nothing a client sends can name a path.

use std::collections::VecDeque;
use std::sync::Mutex;

use bytes::Bytes;
use thiserror::Error;

/// The largest file.
pub const MAX_FILE: usize = 16 * 1024 * 1024;
/// All files together; the oldest go first when a new one needs room.
pub const MAX_TOTAL: usize = 64 * 1024 * 1024;
/// The longest file name, in bytes.
pub const MAX_NAME: usize = 255;

/// Why a file was not stored.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SandboxError {
    #[error("a file name may not be empty")]
    EmptyName,
    #[error("file name {0:?} is not a single name: '/', '\\\\', '..' and NUL are not allowed")]
    NotAName(String),
    #[error("file name is {0} bytes long; at most 255 are allowed")]
    NameTooLong(usize),
    #[error("file of {0} bytes is over the limit of 16 MiB")]
    TooLarge(u64),
}

/// Checks a name from a client: one file name, nothing that walks a path.
///
/// ```text
/// hello.txt ok     ../x  a/b  a\b  ..  .  "" refused
/// ```
pub fn check_name(name: &str) -> Result<(), SandboxError> {
    if name.is_empty() {
        return Err(SandboxError::EmptyName);
    }
    if name.len() > MAX_NAME {
        return Err(SandboxError::NameTooLong(name.len()));
    }
    if name == "." || name.contains(['/', '\\', '\0']) || name.contains("..") {
        return Err(SandboxError::NotAName(name.to_owned()));
    }
    Ok(())
}

/// The files, oldest first.
#[derive(Debug, Default)]
pub struct Sandbox {
    files: Mutex<VecDeque<(String, Bytes)>>,
}

impl Sandbox {
    /// A sandbox with the sample files the labs mention.
    pub fn with_samples() -> Self {
        let sandbox = Self::default();
        let samples: [(&str, &[u8]); 2] = [
            ("hello.txt", b"hello from the netlab download lab\n"),
            (
                "1.txt",
                "1.txt: 你好, netlab! This file comes from the relay's sandbox.\n".as_bytes(),
            ),
        ];
        for (name, data) in samples {
            let _ = sandbox.store(name, Bytes::from_static(data));
        }
        sandbox
    }

    /// Stores a complete file, replacing one of the same name and dropping
    /// the oldest files while the total would exceed [`MAX_TOTAL`].
    pub fn store(&self, name: &str, data: Bytes) -> Result<(), SandboxError> {
        check_name(name)?;
        if data.len() > MAX_FILE {
            return Err(SandboxError::TooLarge(data.len() as u64));
        }
        let mut files = self.lock();
        files.retain(|(n, _)| n != name);
        while files.iter().map(|(_, d)| d.len()).sum::<usize>() + data.len() > MAX_TOTAL {
            if files.pop_front().is_none() {
                break;
            }
        }
        files.push_back((name.to_owned(), data));
        Ok(())
    }

    /// A file's bytes (cheap to clone).
    pub fn get(&self, name: &str) -> Option<Bytes> {
        self.lock()
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, d)| d.clone())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<(String, Bytes)>> {
        self.files.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn names_that_walk_paths_are_refused() {
        for bad in [
            "../x",
            "a/b",
            "a\\b",
            "..",
            ".",
            "",
            "x\0y",
            &"n".repeat(300),
        ] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
        for good in [
            "hello.txt",
            "1.txt",
            "报告.pdf",
            ".hidden",
            &"n".repeat(255),
        ] {
            assert_eq!(check_name(good), Ok(()), "{good:?}");
        }
    }

    #[test]
    fn refused_files_store_nothing_and_old_files_make_room() {
        let s = Sandbox::default();
        assert!(s.store("../x", Bytes::from_static(b"x")).is_err());
        assert!(s.get("../x").is_none());
        let big = Bytes::from(vec![0u8; MAX_FILE]);
        for i in 0..5 {
            s.store(&format!("f{i}"), big.clone()).unwrap();
        }
        assert!(
            s.get("f0").is_none(),
            "oldest dropped to stay within 64 MiB"
        );
        assert!(s.get("f4").is_some());
        assert!(
            s.store("huge", Bytes::from(vec![0u8; MAX_FILE + 1]))
                .is_err()
        );
    }
}
