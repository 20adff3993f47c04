//! Linux error numbers with the names and texts Python shows.
//!
//! Python formats an `OSError` as `[Errno 111] Connection refused`: the
//! number and glibc's `strerror` text. The relay reports OS errors to the
//! browser the same way, so a learner reads what their Python program would
//! have printed.

/// `(errno, code, strerror text)` for the errors sockets meet.
const TABLE: &[(i32, &str, &str)] = &[
    (1, "EPERM", "Operation not permitted"),
    (2, "ENOENT", "No such file or directory"),
    (4, "EINTR", "Interrupted system call"),
    (9, "EBADF", "Bad file descriptor"),
    (11, "EAGAIN", "Resource temporarily unavailable"),
    (12, "ENOMEM", "Cannot allocate memory"),
    (13, "EACCES", "Permission denied"),
    (16, "EBUSY", "Device or resource busy"),
    (22, "EINVAL", "Invalid argument"),
    (24, "EMFILE", "Too many open files"),
    (32, "EPIPE", "Broken pipe"),
    (71, "EPROTO", "Protocol error"),
    (88, "ENOTSOCK", "Socket operation on non-socket"),
    (89, "EDESTADDRREQ", "Destination address required"),
    (90, "EMSGSIZE", "Message too long"),
    (92, "ENOPROTOOPT", "Protocol not available"),
    (95, "EOPNOTSUPP", "Operation not supported"),
    (
        97,
        "EAFNOSUPPORT",
        "Address family not supported by protocol",
    ),
    (98, "EADDRINUSE", "Address already in use"),
    (99, "EADDRNOTAVAIL", "Cannot assign requested address"),
    (100, "ENETDOWN", "Network is down"),
    (101, "ENETUNREACH", "Network is unreachable"),
    (103, "ECONNABORTED", "Software caused connection abort"),
    (104, "ECONNRESET", "Connection reset by peer"),
    (105, "ENOBUFS", "No buffer space available"),
    (106, "EISCONN", "Transport endpoint is already connected"),
    (107, "ENOTCONN", "Transport endpoint is not connected"),
    (110, "ETIMEDOUT", "Connection timed out"),
    (111, "ECONNREFUSED", "Connection refused"),
    (113, "EHOSTUNREACH", "No route to host"),
    (114, "EALREADY", "Operation already in progress"),
    (115, "EINPROGRESS", "Operation now in progress"),
];

pub const EBADF: i32 = 9;
pub const EAGAIN: i32 = 11;
pub const EACCES: i32 = 13;
pub const EBUSY: i32 = 16;
pub const EINVAL: i32 = 22;
pub const EMFILE: i32 = 24;
pub const EPIPE: i32 = 32;
pub const EPROTO: i32 = 71;
pub const EMSGSIZE: i32 = 90;
pub const EDESTADDRREQ: i32 = 89;
pub const ENOPROTOOPT: i32 = 92;
pub const EOPNOTSUPP: i32 = 95;
pub const EAFNOSUPPORT: i32 = 97;
pub const ENETUNREACH: i32 = 101;
pub const ENOBUFS: i32 = 105;
pub const EISCONN: i32 = 106;
pub const ENOTCONN: i32 = 107;
pub const ECONNABORTED: i32 = 103;
pub const ECONNRESET: i32 = 104;
pub const ETIMEDOUT: i32 = 110;
pub const ECONNREFUSED: i32 = 111;
pub const EHOSTUNREACH: i32 = 113;
pub const EALREADY: i32 = 114;
pub const EINPROGRESS: i32 = 115;

/// The symbolic name of an error number (`ECONNREFUSED`), or `E<n>`.
///
/// # Examples
///
/// ```
/// use netlab_core::protocol::errno;
///
/// assert_eq!(errno::code(111), "ECONNREFUSED");
/// assert_eq!(errno::code(4242), "E4242");
/// ```
pub fn code(errno: i32) -> String {
    lookup(errno).map_or_else(|| format!("E{errno}"), |(c, _)| c.to_owned())
}

/// Python's `str(OSError)` for an error number: `[Errno 111] Connection refused`.
///
/// # Examples
///
/// ```
/// use netlab_core::protocol::errno;
///
/// assert_eq!(errno::python_message(111), "[Errno 111] Connection refused");
/// ```
pub fn python_message(errno: i32) -> String {
    let text = lookup(errno).map_or("Unknown error", |(_, t)| t);
    format!("[Errno {errno}] {text}")
}

/// The class of the `OSError` Python raises for an error number (PEP 3151:
/// `OSError(111, …)` is a `ConnectionRefusedError`), as the last line of
/// its traceback names it; `OSError` for the numbers with no class of
/// their own. Negative numbers are `getaddrinfo`'s (`EAI_*`), which Python
/// raises as `socket.gaierror`.
///
/// # Examples
///
/// ```
/// use netlab_core::protocol::errno;
///
/// assert_eq!(errno::python_class(111), "ConnectionRefusedError");
/// assert_eq!(errno::python_class(107), "OSError");
/// // EAI_ADDRFAMILY: `bind(("::1", 0))` on an IPv4 socket.
/// assert_eq!(errno::python_class(-9), "gaierror");
/// ```
pub fn python_class(errno: i32) -> &'static str {
    match errno {
        ..=-1 => "gaierror",
        // EAGAIN (= EWOULDBLOCK), EALREADY, EINPROGRESS
        11 | 114 | 115 => "BlockingIOError",
        10 => "ChildProcessError",
        // EPIPE, ESHUTDOWN
        32 | 108 => "BrokenPipeError",
        103 => "ConnectionAbortedError",
        111 => "ConnectionRefusedError",
        104 => "ConnectionResetError",
        17 => "FileExistsError",
        2 => "FileNotFoundError",
        21 => "IsADirectoryError",
        20 => "NotADirectoryError",
        4 => "InterruptedError",
        // EACCES, EPERM
        13 | 1 => "PermissionError",
        3 => "ProcessLookupError",
        110 => "TimeoutError",
        _ => "OSError",
    }
}

fn lookup(errno: i32) -> Option<(&'static str, &'static str)> {
    TABLE
        .iter()
        .find(|(n, _, _)| *n == errno)
        .map(|(_, c, t)| (*c, *t))
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn constants_agree_with_the_table() {
        for n in [
            EBADF,
            EAGAIN,
            EACCES,
            EBUSY,
            EINVAL,
            EMFILE,
            EPIPE,
            EPROTO,
            EMSGSIZE,
            EDESTADDRREQ,
            ENOPROTOOPT,
            EOPNOTSUPP,
            EAFNOSUPPORT,
            ENOBUFS,
            EISCONN,
            ENOTCONN,
            ECONNABORTED,
            ECONNRESET,
            ETIMEDOUT,
            ECONNREFUSED,
            EHOSTUNREACH,
            EALREADY,
        ] {
            assert!(lookup(n).is_some(), "{n}");
        }
        assert_eq!(code(EPROTO), "EPROTO");
    }
}
