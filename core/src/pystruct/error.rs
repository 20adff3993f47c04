//! What can go wrong, in CPython's words. Every message below is what
//! `str(exc)` gives in CPython 3.11, and [`StructError::exception`] names the
//! class it raises, so a learner reading netlab sees what Python would say.

use std::fmt;

use serde::Serialize;
use thiserror::Error;

/// The Python exception class CPython raises for an error.
///
/// Most errors are `struct.error`, but not all: a float too large for `e`
/// or `f` is an `OverflowError`, a non-ASCII format fails while Python
/// encodes it, and a few corner cases leak C-level exceptions.
///
/// # Examples
///
/// ```
/// use netlab_core::pystruct::{self, PyException, Value};
///
/// let e = pystruct::pack(">e", &[Value::Float(1e6)]).unwrap_err();
/// assert_eq!(e.exception(), PyException::OverflowError);
/// assert_eq!(e.exception().to_string(), "OverflowError");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum PyException {
    /// `struct.error`, the module's own exception.
    #[serde(rename = "struct.error")]
    StructError,
    /// `OverflowError`: a float out of range for `e` or `f`, or a buffer
    /// larger than a `bytes` object can be.
    OverflowError,
    /// `SystemError`: raised by `unpack` for a `0p` field (a CPython bug).
    SystemError,
    /// `MemoryError`: the packed bytes could not be allocated.
    MemoryError,
    /// `UnicodeEncodeError`: a format (a Python `str`) with non-ASCII characters.
    UnicodeEncodeError,
}

impl PyException {
    /// The class as Python spells it in a traceback.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::pystruct::PyException;
    ///
    /// assert_eq!(PyException::StructError.name(), "struct.error");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Self::StructError => "struct.error",
            Self::OverflowError => "OverflowError",
            Self::SystemError => "SystemError",
            Self::MemoryError => "MemoryError",
            Self::UnicodeEncodeError => "UnicodeEncodeError",
        }
    }
}

impl fmt::Display for PyException {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a format string does not compile. Each variant knows where in the
/// format it stopped, so the playground can point at it; the message stays
/// CPython's.
///
/// Positions count characters. They equal byte offsets for every variant but
/// [`FormatError::NotAscii`], because CPython checks for non-ASCII first.
///
/// # Examples
///
/// ```
/// use netlab_core::pystruct::{FormatError, Struct, StructError};
///
/// let e = Struct::new("<hZ").unwrap_err();
/// assert_eq!(e.to_string(), "bad char in struct format");
/// assert_eq!(e, StructError::Format(FormatError::BadChar { ch: 'Z', position: 2 }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FormatError {
    /// A character that is no format code in this mode (also `n`, `N` and
    /// `P` with a standard-size prefix, and a prefix anywhere but first).
    #[error("bad char in struct format")]
    BadChar { ch: char, position: usize },
    /// Digits at the end of the format, with no code after them.
    #[error("repeat count given without format specifier")]
    RepeatWithoutCode { position: usize },
    /// A repeat count or a total size above `isize::MAX` (CPython's
    /// `Py_ssize_t`). `ch` is the code, if the count was read in full.
    #[error("total struct size too long")]
    SizeTooLong { ch: Option<char>, position: usize },
    /// A NUL character: CPython reads formats as C strings.
    #[error("embedded null character")]
    EmbeddedNul { position: usize },
    /// A non-ASCII character; `end` is one past the run of non-ASCII
    /// characters starting at `position`, which Python's codec reports as one.
    #[error(
        "'ascii' codec can't encode {} in position {}: ordinal not in range(128)",
        what(*ch, *position, *end),
        span(*position, *end)
    )]
    NotAscii {
        ch: char,
        position: usize,
        end: usize,
    },
}

fn what(ch: char, position: usize, end: usize) -> String {
    if end > position + 1 {
        return "characters".to_owned();
    }
    let code = u32::from(ch);
    match code {
        0..=0xff => format!("character '\\x{code:02x}'"),
        0x100..=0xffff => format!("character '\\u{code:04x}'"),
        _ => format!("character '\\U{code:08x}'"),
    }
}

fn span(position: usize, end: usize) -> String {
    if end > position + 1 {
        format!("{position}-{}", end - 1)
    } else {
        position.to_string()
    }
}

impl FormatError {
    /// Where in the format the error is, in characters.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::pystruct::{Struct, StructError};
    ///
    /// let Err(StructError::Format(e)) = Struct::new("3i 2") else { panic!() };
    /// assert_eq!(e.position(), 3);
    /// ```
    pub fn position(&self) -> usize {
        match *self {
            Self::BadChar { position, .. }
            | Self::RepeatWithoutCode { position }
            | Self::SizeTooLong { position, .. }
            | Self::EmbeddedNul { position }
            | Self::NotAscii { position, .. } => position,
        }
    }

    /// The offending character, where there is one.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::pystruct::{Struct, StructError};
    ///
    /// let Err(StructError::Format(e)) = Struct::new("<n") else { panic!() };
    /// assert_eq!(e.ch(), Some('n'));
    /// ```
    pub fn ch(&self) -> Option<char> {
        match *self {
            Self::BadChar { ch, .. } | Self::NotAscii { ch, .. } => Some(ch),
            Self::SizeTooLong { ch, .. } => ch,
            Self::EmbeddedNul { .. } => Some('\0'),
            Self::RepeatWithoutCode { .. } => None,
        }
    }
}

/// Why one value cannot be packed by its code. CPython words these
/// differently depending on which C function packs the code in which byte
/// order (`short format requires …` natively and with `<`, `'h' format
/// requires …` with `>`), and netlab keeps each wording.
///
/// # Examples
///
/// ```
/// use netlab_core::pystruct::{self, Value};
///
/// let e = |f: &str| pystruct::pack(f, &[Value::Int(40000)]).unwrap_err().to_string();
/// assert_eq!(e("<h"), "short format requires -32768 <= number <= 32767");
/// assert_eq!(e(">h"), "'h' format requires -32768 <= number <= 32767");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BadValue {
    /// The range check of `b`, `B`, and of `h`, `H` in native or
    /// little-endian order, named after the C type.
    #[error("{name} format requires {min} <= number <= {max}")]
    TypeRange {
        name: &'static str,
        min: i128,
        max: i128,
    },
    /// The range check that names the format code.
    #[error("'{code}' format requires {min} <= number <= {max}")]
    CodeRange { code: char, min: i128, max: i128 },
    /// The int does not fit the C `long` (or `unsigned long`) CPython
    /// converts it to first.
    #[error("argument out of range")]
    OutOfRange,
    /// An int that overflows a conversion without its own check: `>q`,
    /// `>Q`, `P`, or an int too large for `e` or standard `f`.
    #[error("int too large to convert")]
    IntTooLarge,
    /// A float or bytes given for an integer code.
    #[error("required argument is not an integer")]
    NotAnInteger,
    /// Bytes given for a float code.
    #[error("required argument is not a float")]
    NotAFloat,
    /// A float that rounds beyond the largest finite `e` or standard `f`
    /// (an `OverflowError`).
    #[error("float too large to pack with {code} format")]
    FloatTooLarge { code: char },
    /// `c` takes bytes of length one and nothing else.
    #[error("char format requires a bytes object of length 1")]
    NotAChar,
    /// `s` and `p` take bytes and nothing else.
    #[error("argument for '{code}' must be a bytes object")]
    NotBytes { code: char },
}

/// Everything that can go wrong in this module.
///
/// # Examples
///
/// ```
/// use netlab_core::pystruct::{self, PyException, StructError, Value};
///
/// let e = pystruct::pack("3B", &[Value::Int(1), Value::Int(2)]).unwrap_err();
/// assert_eq!(e.to_string(), "pack expected 3 items for packing (got 2)");
/// assert_eq!(e, StructError::PackCount { expected: 3, got: 2 });
/// assert_eq!(e.exception(), PyException::StructError);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum StructError {
    /// The format does not compile.
    #[error(transparent)]
    Format(#[from] FormatError),
    /// `pack` was given the wrong number of values.
    #[error("pack expected {expected} items for packing (got {got})")]
    PackCount { expected: u64, got: usize },
    /// `pack_into` was given the wrong number of values.
    #[error("pack_into expected {expected} items for packing (got {got})")]
    PackIntoCount { expected: u64, got: usize },
    /// Value number `index` (from 0) cannot be packed with `code`.
    #[error("{reason}")]
    Value {
        index: usize,
        code: char,
        reason: BadValue,
    },
    /// `unpack` takes exactly `size` bytes.
    #[error("unpack requires a buffer of {size} bytes")]
    UnpackSize { size: u64, got: usize },
    /// `iter_unpack` takes a whole number of structs.
    #[error("iterative unpacking requires a buffer of a multiple of {size} bytes")]
    IterSize { size: u64, got: usize },
    /// `iter_unpack` with a struct of no bytes would never advance.
    #[error("cannot iteratively unpack with a struct of length 0")]
    IterZeroSize,
    /// `unpack_from` past the end of the buffer.
    #[error(
        "unpack_from requires a buffer of at least {} bytes for unpacking {size} bytes at offset {offset} (actual buffer size is {len})",
        size.wrapping_add(*offset)
    )]
    UnpackFromShort { size: u64, offset: u64, len: usize },
    /// `pack_into` past the end of the buffer.
    #[error(
        "pack_into requires a buffer of at least {} bytes for packing {size} bytes at offset {offset} (actual buffer size is {len})",
        size.wrapping_add(*offset)
    )]
    PackIntoShort { size: u64, offset: u64, len: usize },
    /// `unpack_from` at a negative offset too close to the end.
    #[error("not enough data to unpack {size} bytes at offset {offset}")]
    NotEnoughData { size: u64, offset: i64 },
    /// `pack_into` at a negative offset too close to the end.
    #[error("no space to pack {size} bytes at offset {offset}")]
    NoSpace { size: u64, offset: i64 },
    /// A negative offset before the start of the buffer.
    #[error("offset {offset} out of range for {len}-byte buffer")]
    OffsetOutOfRange { offset: i64, len: usize },
    /// CPython's `unpack` cannot read a `0p` field (value `index`): it asks
    /// for a string of length -1 and raises `SystemError`.
    #[error("Negative size passed to PyBytes_FromStringAndSize")]
    EmptyPascal { index: usize },
    /// `pack` of more bytes than a Python `bytes` object can hold
    /// (`OverflowError`).
    #[error("byte string is too large")]
    TooLarge { size: u64 },
    /// `pack` could not allocate `size` bytes (`MemoryError`, whose message
    /// is empty in CPython too; see [`StructError::traceback_line`]).
    #[error("")]
    OutOfMemory { size: u64 },
}

impl StructError {
    /// The Python exception class CPython raises for this error.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::pystruct::{self, PyException};
    ///
    /// assert_eq!(pystruct::calcsize("é").unwrap_err().exception(), PyException::UnicodeEncodeError);
    /// assert_eq!(pystruct::unpack("0p", b"").unwrap_err().exception(), PyException::SystemError);
    /// ```
    pub fn exception(&self) -> PyException {
        match self {
            Self::Format(FormatError::NotAscii { .. }) => PyException::UnicodeEncodeError,
            Self::Value {
                reason: BadValue::FloatTooLarge { .. },
                ..
            }
            | Self::TooLarge { .. } => PyException::OverflowError,
            Self::EmptyPascal { .. } => PyException::SystemError,
            Self::OutOfMemory { .. } => PyException::MemoryError,
            _ => PyException::StructError,
        }
    }

    /// The last line of Python's traceback: `struct.error: bad char in
    /// struct format`, or the bare class when the message is empty.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::pystruct;
    ///
    /// let e = pystruct::calcsize("3").unwrap_err();
    /// assert_eq!(e.traceback_line(), "struct.error: repeat count given without format specifier");
    /// ```
    pub fn traceback_line(&self) -> String {
        let message = self.to_string();
        if message.is_empty() {
            self.exception().name().to_owned()
        } else {
            format!("{}: {message}", self.exception())
        }
    }

    /// The message to show a learner: CPython's, or the exception's name
    /// where CPython's is empty (`MemoryError`). The CLI prints it after
    /// `netlab: error:`, the browser throws it.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::pystruct::StructError;
    ///
    /// assert_eq!(StructError::OutOfMemory { size: 1 << 60 }.message(), "MemoryError");
    /// assert_eq!(StructError::IterZeroSize.message(), "cannot iteratively unpack with a struct of length 0");
    /// ```
    pub fn message(&self) -> String {
        let text = self.to_string();
        if text.is_empty() {
            self.exception().name().to_owned()
        } else {
            text
        }
    }

    /// What lies behind an error whose Python message says little: the
    /// bare `MemoryError` (netlab's limit, not the machine's memory) and
    /// the `SystemError` CPython 3.11 raises for a `0p` field. The CLI
    /// prints it as a hint after the error.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::pystruct;
    ///
    /// let e = pystruct::pack("1000000000x", &[]).unwrap_err();
    /// assert!(e.hint().unwrap().contains("1000000000 bytes"));
    /// assert_eq!(pystruct::calcsize("3").unwrap_err().hint(), None);
    /// ```
    pub fn hint(&self) -> Option<String> {
        match self {
            Self::OutOfMemory { size } => Some(format!(
                "this format makes {size} bytes; netlab packs at most {} (256 MiB) so that a typo cannot exhaust the machine, where CPython would try to allocate them",
                super::pack::PACK_LIMIT
            )),
            Self::EmptyPascal { .. } => Some(
                "CPython 3.11 raises this SystemError for a 0p field (an empty Pascal string has no room for its length byte); netlab says what CPython says"
                    .to_owned(),
            ),
            _ => None,
        }
    }

    /// The format error inside, if the format is what is wrong.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::pystruct;
    ///
    /// let e = pystruct::calcsize("i?k").unwrap_err();
    /// assert_eq!(e.format_error().map(|f| f.position()), Some(2));
    /// ```
    pub fn format_error(&self) -> Option<&FormatError> {
        match self {
            Self::Format(e) => Some(e),
            _ => None,
        }
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn not_ascii_reads_like_python() {
        let one = |ch, position| FormatError::NotAscii {
            ch,
            position,
            end: position + 1,
        };
        assert_eq!(
            one('é', 0).to_string(),
            "'ascii' codec can't encode character '\\xe9' in position 0: ordinal not in range(128)"
        );
        assert_eq!(
            one('€', 3).to_string(),
            "'ascii' codec can't encode character '\\u20ac' in position 3: ordinal not in range(128)"
        );
        assert_eq!(
            one('😀', 1).to_string(),
            "'ascii' codec can't encode character '\\U0001f600' in position 1: ordinal not in range(128)"
        );
        let run = FormatError::NotAscii {
            ch: 'é',
            position: 2,
            end: 4,
        };
        assert_eq!(
            run.to_string(),
            "'ascii' codec can't encode characters in position 2-3: ordinal not in range(128)"
        );
    }

    #[test]
    fn classes_follow_cpython() {
        let oom = StructError::OutOfMemory { size: 1 << 60 };
        assert_eq!(oom.to_string(), "");
        assert_eq!(oom.traceback_line(), "MemoryError");
        let big = StructError::TooLarge { size: 1 };
        assert_eq!(
            big.traceback_line(),
            "OverflowError: byte string is too large"
        );
        let short = StructError::PackIntoShort {
            size: 4,
            offset: 2,
            len: 5,
        };
        assert_eq!(
            short.to_string(),
            "pack_into requires a buffer of at least 6 bytes for packing 4 bytes at offset 2 (actual buffer size is 5)"
        );
    }
}
