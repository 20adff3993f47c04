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
    #[error("a file name may not be empty or only whitespace; give the file a name")]
    EmptyName,
    #[error("file name {0:?} is not a single name: '/', '\\\\', '..' and NUL are not allowed")]
    NotAName(String),
    #[error("file name is {0} bytes long; at most 255 are allowed")]
    NameTooLong(usize),
    #[error(
        "file name {0:?} contains a control character (such as a newline or tab); use a name without them"
    )]
    ControlCharacter(String),
    #[error("file of {0} bytes is over the limit of 16 MiB")]
    TooLarge(u64),
    #[error(
        "the sandbox is busy: uploads in progress hold {held} of their {limit} bytes, and this file needs {needed}; nothing was stored, try again in a moment"
    )]
    Busy {
        needed: usize,
        held: usize,
        limit: usize,
    },
}

/// Checks a name from a client: one file name, nothing that walks a path.
///
/// ```text
/// hello.txt ok     ../x  a/b  a\b  ..  .  ""  "  "  "a\nb" refused
/// ```
pub fn check_name(name: &str) -> Result<(), SandboxError> {
    if name.trim().is_empty() {
        return Err(SandboxError::EmptyName);
    }
    if name.len() > MAX_NAME {
        return Err(SandboxError::NameTooLong(name.len()));
    }
    if name == "." || name.contains(['/', '\\', '\0']) || name.contains("..") {
        return Err(SandboxError::NotAName(name.to_owned()));
    }
    // C0 controls and DEL: a name a learner cannot type or see.
    if name.chars().any(|c| c.is_ascii_control()) {
        return Err(SandboxError::ControlCharacter(name.to_owned()));
    }
    Ok(())
}

/// The bytes held by uploads still coming in, over all clients, bounded
/// so that many slow uploads cannot take the relay's memory: an upload
/// reserves its announced size before its first byte, and gives it back
/// when it ends, stored or not.
#[derive(Debug)]
pub struct Pending {
    held: Mutex<usize>,
    limit: usize,
}

impl Pending {
    /// At most `limit` bytes in all (the labs use [`MAX_TOTAL`]).
    pub fn new(limit: usize) -> Self {
        Self {
            held: Mutex::new(0),
            limit,
        }
    }

    /// Reserves `bytes` until the returned guard is dropped, or says the
    /// sandbox is busy if they do not fit now.
    pub fn reserve(&self, bytes: usize) -> Result<Reservation<'_>, SandboxError> {
        let mut held = self.lock();
        match held.checked_add(bytes).filter(|total| *total <= self.limit) {
            Some(total) => {
                *held = total;
                Ok(Reservation {
                    pending: self,
                    bytes,
                })
            }
            None => Err(SandboxError::Busy {
                needed: bytes,
                held: *held,
                limit: self.limit,
            }),
        }
    }

    /// The bytes reserved now.
    #[cfg(test)]
    pub fn held(&self) -> usize {
        *self.lock()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, usize> {
        self.held.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Room for one upload in [`Pending`], given back on drop.
#[derive(Debug)]
pub struct Reservation<'a> {
    pending: &'a Pending,
    bytes: usize,
}

impl Drop for Reservation<'_> {
    fn drop(&mut self) {
        let mut held = self.pending.lock();
        *held = held.saturating_sub(self.bytes);
    }
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
    /// the oldest files while the total would exceed `MAX_TOTAL` (64 MiB).
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
            " ",
            "   ",
            "\t",
            "\u{3000}",
            "a\nb",
            "a\rb",
            "a\tb",
            "a\u{1b}[31mb",
            "a\u{7f}b",
        ] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
        for good in [
            "hello.txt",
            "1.txt",
            "报告.pdf",
            ".hidden",
            "my file.txt",
            &"n".repeat(255),
        ] {
            assert_eq!(check_name(good), Ok(()), "{good:?}");
        }
        let e = check_name("a\nb").unwrap_err().to_string();
        assert!(e.contains("control character"), "{e}");
        let e = check_name("  ").unwrap_err().to_string();
        assert!(e.contains("whitespace"), "{e}");
    }

    #[test]
    fn pending_uploads_are_bounded_and_given_back() {
        let pending = Pending::new(100);
        let a = pending.reserve(60).unwrap();
        let e = pending.reserve(41).unwrap_err();
        assert_eq!(
            e,
            SandboxError::Busy {
                needed: 41,
                held: 60,
                limit: 100
            }
        );
        assert!(e.to_string().contains("try again"), "{e}");
        let b = pending.reserve(40).unwrap();
        assert_eq!(pending.held(), 100);
        assert!(pending.reserve(usize::MAX).is_err());
        drop(a);
        assert_eq!(pending.held(), 40);
        drop(b);
        assert_eq!(pending.held(), 0);
        assert!(pending.reserve(100).is_ok());
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
