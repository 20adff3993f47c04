//! Message framing: how a reader finds where one message ends and the next
//! begins in a TCP byte stream, which has no boundaries of its own (seed 000
//! §6, 粘包).
//!
//! Four codecs, each the way the seeds (or a line-based protocol) frame:
//!
//! - [`LengthPrefix`]: a `struct`-packed length, then the message (seed 000
//!   §6.7, `struct.pack('i', len(msg))`). Any single integer code and byte
//!   order works (`i`, `!I`, `<H`, `>Q`, …); the header is read and written
//!   by [`crate::pystruct`], so it agrees byte for byte with CPython's
//!   `struct`.
//! - [`FileCodec`]: the file upload of seed 000 §8.1, a 4-byte `i` length,
//!   a JSON header `{"filename": …, "filesize": …}`, then `filesize` bytes,
//!   which the decoder hands out as they arrive instead of holding the
//!   file whole.
//! - [`InfoCodec`]: the `info|<len>` text header of seed 001 (命令传送2),
//!   which has no terminator: see there for why it is only exact when the
//!   reader knows where each `recv()` ended.
//! - [`Delimited`]: lines ending in a delimiter such as `\n`.
//!
//! The decoders are incremental and check-then-parse, like mini-redis's
//! `Frame::check`: they are fed whatever chunks `recv()` returned, take
//! what they need from the front of each, and give out whole messages.
//! Not having a whole message yet is the normal state (`Ok(None)`), not an
//! error. Every decoder has a limit, and a length over it is refused as
//! soon as the header is read, before anything is allocated for the body,
//! so a hostile `0x7fffffff` cannot make the reader reserve 2 GiB.
//!
//! # Examples
//!
//! ```
//! use netlab_core::framing::{Decoder, LengthPrefix};
//!
//! // Seed 000 §6.7: the header and both messages arrive in one recv().
//! let codec = LengthPrefix::seed();
//! let mut wire = codec.frame(b"hello").unwrap();
//! wire.extend(codec.frame(b"nice").unwrap());
//! assert_eq!(&wire[..4], b"\x05\x00\x00\x00");
//!
//! let mut decoder = codec.decoder();
//! let mut chunk = &wire[..];
//! assert_eq!(decoder.decode(&mut chunk).unwrap(), Some(b"hello".to_vec()));
//! assert_eq!(decoder.decode(&mut chunk).unwrap(), Some(b"nice".to_vec()));
//! assert_eq!(decoder.decode(&mut chunk).unwrap(), None);
//! ```

use std::fmt::Write as _;

use serde::Serialize;
use thiserror::Error;

use crate::pystruct::{Kind, Struct, StructError, Value};

/// The default limit on one length-prefixed message: 1 MiB.
pub const DEFAULT_MAX_FRAME: usize = 1 << 20;
/// The default limit on a file upload's JSON header: 64 KiB.
pub const DEFAULT_MAX_HEADER: usize = 64 << 10;
/// The default limit on an uploaded file: 1 GiB (it is streamed, not held).
pub const DEFAULT_MAX_FILE: u64 = 1 << 30;
/// The default limit on one delimited line: 64 KiB.
pub const DEFAULT_MAX_LINE: usize = 64 << 10;
/// The largest header a [`LengthPrefix`] format may describe.
const MAX_HEADER_LEN: usize = 16;

/// Why a stream could not be framed or a message not encoded. Every
/// message says what went wrong in the stream, and what a learner's Python
/// program would have done in the same place.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FramingError {
    /// The header format is not one integer code.
    #[error(
        "the header format {format:?} must hold exactly one integer, like 'i', '!I', '<H' or '>Q': {reason}"
    )]
    BadHeaderFormat { format: String, reason: String },
    /// A length (read from a header, or of a message to send) over the
    /// limit. A reader refuses it before allocating anything.
    #[error(
        "the {what} is {length} bytes, over this reader's limit of {limit}: \
         a buggy or hostile sender, or a reader out of step with the stream \
         reading message bytes as a length"
    )]
    TooLarge {
        what: &'static str,
        length: u128,
        limit: u64,
    },
    /// A signed header (`i`, `h`, `q`) holding a negative number.
    #[error(
        "the length header says {length}, and a length cannot be negative: \
         the sender packed a negative number, or the reader is out of step \
         with the stream and read message bytes as a header"
    )]
    NegativeLength { length: i128 },
    /// The message does not fit the header's integer (70000 in `<H`).
    #[error("a {length}-byte message does not fit a {format:?} length header: {source}")]
    HeaderOverflow {
        format: String,
        length: usize,
        source: StructError,
    },
    /// The file upload's header is not a JSON object with a string
    /// `filename` and a non-negative integer `filesize`.
    #[error(
        "the file header {header:?} is not what json.loads() and the seed's server expect: {reason}"
    )]
    BadFileHeader { header: String, reason: String },
    /// A `recv()` that should hold `info|<len>` holds something else.
    #[error(
        "the first recv() should hold the header 'info|<length>', but it holds {got}: {python}"
    )]
    BadInfoHeader { got: String, python: String },
    /// The `info|<len>` header and the start of the output arrived in one
    /// `recv()`: the header has no terminator, so the seed's client cannot
    /// tell where the digits stop.
    #[error(
        "the header and {extra} bytes of the output arrived in one recv() \
         (sticky packets, 粘包): {got} holds 'info|{length}' and more. The \
         header has no terminator, so the seed's client cannot tell where the \
         length stops: {python}"
    )]
    InfoStuck {
        got: String,
        length: u64,
        extra: usize,
        python: String,
    },
    /// A `recv()` of the output returned more than the header announced:
    /// the next reply stuck to this one.
    #[error(
        "the header announced {expected} bytes of output but {got} arrived: \
         the bytes after them belong to the next reply, stuck to this one (粘包)"
    )]
    InfoOverrun { expected: u64, got: u64 },
    /// A line longer than the limit, with no delimiter yet.
    #[error(
        "more than {limit} bytes arrived without a {delimiter} ending the line: \
         a buggy or hostile sender, or the wrong delimiter"
    )]
    LineTooLong { limit: usize, delimiter: String },
    /// A message to send that holds the delimiter, which would cut it in two.
    #[error(
        "the message holds the delimiter {delimiter} at byte {position}: \
         the reader would see two lines; escape it or use a length prefix"
    )]
    DelimiterInMessage { delimiter: String, position: usize },
    /// An empty delimiter, which cannot end anything.
    #[error("the delimiter cannot be empty")]
    EmptyDelimiter,
    /// The stream ended in the middle of a message.
    #[error(
        "the stream ended in the middle of a {what}: {got} bytes of it arrived{}",
        needed.map(|n| format!(" out of {n}")).unwrap_or_default()
    )]
    Truncated {
        what: &'static str,
        got: u64,
        needed: Option<u64>,
    },
}

/// A decoder's first error, kept: once a stream is out of step, every
/// later call answers with the same error rather than reading garbage as
/// the next message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Failure(Option<FramingError>);

impl Failure {
    /// The kept error, if any.
    fn check(&self) -> Result<(), FramingError> {
        match &self.0 {
            Some(e) => Err(e.clone()),
            None => Ok(()),
        }
    }

    /// Keeps the error of `result`, if it is one, and passes it on.
    fn remember<T>(&mut self, result: Result<T, FramingError>) -> Result<T, FramingError> {
        if let Err(e) = &result {
            self.0 = Some(e.clone());
        }
        result
    }
}

/// An incremental decoder: fed the chunks `recv()` returned, in order, it
/// gives out whole items.
///
/// [`Decoder::decode`] takes what it needs from the front of `input` and
/// advances it. It returns `Ok(Some(item))` as soon as one is whole (there
/// may be more in `input`: call again), and `Ok(None)` once all of `input`
/// is used and no item is whole yet, which is the normal state between
/// chunks. After an error the stream is out of step: every later call
/// returns the same error.
pub trait Decoder {
    type Item;

    /// Takes bytes from the front of `input` until an item is whole.
    fn decode(&mut self, input: &mut &[u8]) -> Result<Option<Self::Item>, FramingError>;

    /// Checks that the stream ended between items (call it at `b''`).
    fn finish(&self) -> Result<(), FramingError>;

    /// The bytes held back between calls: a partial header or message.
    fn buffered(&self) -> usize;

    /// The bytes the decoder has allocated, which never exceeds its limit
    /// (plus a header).
    fn allocated(&self) -> usize;
}

/// Decodes every item of `chunks` and checks the stream ended cleanly.
///
/// # Examples
///
/// ```
/// use netlab_core::framing::{decode_chunks, Delimited};
///
/// let mut decoder = Delimited::lines().decoder();
/// let lines = decode_chunks(&mut decoder, [&b"he"[..], b"llo\nni", b"ce\n"]).unwrap();
/// assert_eq!(lines, [b"hello".to_vec(), b"nice".to_vec()]);
/// ```
pub fn decode_chunks<D, I>(decoder: &mut D, chunks: I) -> Result<Vec<D::Item>, FramingError>
where
    D: Decoder,
    I: IntoIterator,
    I::Item: AsRef<[u8]>,
{
    let mut out = Vec::new();
    for chunk in chunks {
        let mut rest = chunk.as_ref();
        while let Some(item) = decoder.decode(&mut rest)? {
            out.push(item);
        }
    }
    decoder.finish()?;
    Ok(out)
}

/// Splits `n` bytes off the front of `input`.
fn take<'a>(input: &mut &'a [u8], n: usize) -> &'a [u8] {
    let (head, rest) = input.split_at(n.min(input.len()));
    *input = rest;
    head
}

// ---------------------------------------------------------------------------
// Length prefix
// ---------------------------------------------------------------------------

/// A length header packed with `struct`, then the message: the fix of seed
/// 000 §6.7.
///
/// # Examples
///
/// ```
/// use netlab_core::framing::LengthPrefix;
///
/// // struct.pack('!I', 5) + b'hello'
/// let codec = LengthPrefix::new("!I", 1024).unwrap();
/// assert_eq!(codec.frame(b"hello").unwrap(), b"\x00\x00\x00\x05hello");
/// assert_eq!(codec.parse(b"\x00\x00\x00\x05hel").unwrap(), None);
/// assert_eq!(codec.parse(b"\x00\x00\x00\x05hello!").unwrap(), Some((&b"hello"[..], 9)));
/// ```
#[derive(Debug, Clone)]
pub struct LengthPrefix {
    header: Struct,
    header_len: usize,
    max_frame: usize,
}

impl LengthPrefix {
    /// A codec whose header is `format` (one integer code, any byte order)
    /// and whose messages are at most `max_frame` bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::framing::LengthPrefix;
    ///
    /// assert_eq!(LengthPrefix::new(">Q", 1 << 20).unwrap().header_len(), 8);
    /// let e = LengthPrefix::new("ii", 1024).unwrap_err();
    /// assert!(e.to_string().contains("exactly one integer"));
    /// ```
    pub fn new(format: &str, max_frame: usize) -> Result<Self, FramingError> {
        let bad = |reason: String| FramingError::BadHeaderFormat {
            format: format.to_owned(),
            reason,
        };
        let header = Struct::new(format).map_err(|e| bad(e.to_string()))?;
        let layout = header.layout();
        let ints: Vec<_> = layout.items.iter().filter(|i| i.values > 0).collect();
        match ints.as_slice() {
            [item] if item.values == 1 && matches!(item.kind, Kind::Signed | Kind::Unsigned) => {}
            [item] if item.values == 1 => {
                return Err(bad(format!("'{}' is not an integer code", item.code)));
            }
            _ => {
                return Err(bad(format!("it packs {} values", header.value_count())));
            }
        }
        let header_len = usize::try_from(header.size())
            .ok()
            .filter(|&n| n <= MAX_HEADER_LEN)
            .ok_or_else(|| bad(format!("it is {} bytes long", header.size())))?;
        Ok(Self {
            header,
            header_len,
            max_frame,
        })
    }

    /// The seeds' header, native `i` (`struct.pack('i', len)`: 4 bytes,
    /// little-endian on x86), with [`DEFAULT_MAX_FRAME`].
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::framing::LengthPrefix;
    ///
    /// assert_eq!(LengthPrefix::seed().frame(b"hi").unwrap(), b"\x02\x00\x00\x00hi");
    /// ```
    pub fn seed() -> Self {
        Self {
            // `i` is a valid format of one 4-byte integer.
            header: Struct::new("i").unwrap_or_else(|_| unreachable!("'i' compiles")),
            header_len: 4,
            max_frame: DEFAULT_MAX_FRAME,
        }
    }

    /// The header's format, as given.
    pub fn format(&self) -> &str {
        self.header.format()
    }

    /// The header's size in bytes (`struct.calcsize(format)`).
    pub fn header_len(&self) -> usize {
        self.header_len
    }

    /// The largest message this codec reads or writes.
    pub fn max_frame(&self) -> usize {
        self.max_frame
    }

    /// Reads a length from a whole header, through `pystruct` (so exactly as
    /// `struct.unpack(format, header)[0]`), and checks it against the limit.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::framing::{FramingError, LengthPrefix};
    ///
    /// let codec = LengthPrefix::new("<i", 100).unwrap();
    /// assert_eq!(codec.read_length(b"\x05\x00\x00\x00").unwrap(), 5);
    /// assert_eq!(codec.read_length(b"\xff\xff\xff\xff").unwrap_err(), FramingError::NegativeLength { length: -1 });
    /// assert!(matches!(codec.read_length(b"\xff\xff\xff\x7f").unwrap_err(), FramingError::TooLarge { .. }));
    /// ```
    pub fn read_length(&self, header: &[u8]) -> Result<usize, FramingError> {
        let too_large = |length: u128| FramingError::TooLarge {
            what: "message",
            length,
            limit: self.max_frame as u64,
        };
        let values = self
            .header
            .unpack(header)
            .map_err(|_| FramingError::Truncated {
                what: "length header",
                got: header.len() as u64,
                needed: Some(self.header_len as u64),
            })?;
        let length = match values.first() {
            Some(Value::Int(n)) => *n,
            _ => unreachable!("the format was checked to hold one integer"),
        };
        let length = u128::try_from(length).map_err(|_| FramingError::NegativeLength { length })?;
        usize::try_from(length)
            .ok()
            .filter(|&n| n <= self.max_frame)
            .ok_or_else(|| too_large(length))
    }

    /// mini-redis's `check`: whether `buf` starts with a whole frame, and
    /// if so how many bytes it takes. `Ok(None)` means "not yet".
    pub fn check(&self, buf: &[u8]) -> Result<Option<usize>, FramingError> {
        let Some(header) = buf.get(..self.header_len) else {
            return Ok(None);
        };
        let total = self.header_len + self.read_length(header)?;
        Ok((buf.len() >= total).then_some(total))
    }

    /// Parses the frame at the front of `buf` without copying: the message
    /// and the bytes the frame took, or `Ok(None)` if it is not whole yet.
    pub fn parse<'a>(&self, buf: &'a [u8]) -> Result<Option<(&'a [u8], usize)>, FramingError> {
        Ok(self
            .check(buf)?
            .and_then(|total| Some((buf.get(self.header_len..total)?, total))))
    }

    /// Appends the frame of `msg` (header, then message) to `out`.
    pub fn encode(&self, msg: &[u8], out: &mut Vec<u8>) -> Result<(), FramingError> {
        out.extend_from_slice(&self.header(msg.len())?);
        out.extend_from_slice(msg);
        Ok(())
    }

    /// The header for a `len`-byte message: `struct.pack(format, len)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::framing::LengthPrefix;
    ///
    /// let codec = LengthPrefix::new("<H", 1 << 20).unwrap();
    /// assert_eq!(codec.header(258).unwrap(), b"\x02\x01");
    /// let e = codec.header(70000).unwrap_err().to_string();
    /// assert!(e.ends_with("ushort format requires 0 <= number <= 65535"), "{e}");
    /// ```
    pub fn header(&self, len: usize) -> Result<Vec<u8>, FramingError> {
        if len > self.max_frame {
            return Err(FramingError::TooLarge {
                what: "message",
                length: len as u128,
                limit: self.max_frame as u64,
            });
        }
        self.header
            .pack(&[Value::Int(len as i128)])
            .map_err(|source| FramingError::HeaderOverflow {
                format: self.format().to_owned(),
                length: len,
                source,
            })
    }

    /// The frame of `msg` in a new buffer.
    pub fn frame(&self, msg: &[u8]) -> Result<Vec<u8>, FramingError> {
        let mut out = Vec::with_capacity(self.header_len + msg.len());
        self.encode(msg, &mut out)?;
        Ok(out)
    }

    /// An incremental decoder of this codec's frames.
    pub fn decoder(&self) -> LengthPrefixDecoder {
        LengthPrefixDecoder {
            codec: self.clone(),
            head: [0; MAX_HEADER_LEN],
            head_len: 0,
            body: None,
            failed: Failure::default(),
        }
    }
}

/// The incremental decoder of a [`LengthPrefix`]: yields each message
/// (without its header) as soon as its last byte arrives.
///
/// It holds at most one partial header and one partial message, and
/// reserves a message's buffer only after its length passed the limit.
///
/// # Examples
///
/// ```
/// use netlab_core::framing::{decode_chunks, Decoder, LengthPrefix};
///
/// let codec = LengthPrefix::new("!H", 64).unwrap();
/// let mut d = codec.decoder();
/// // The header itself split across two recv() calls.
/// let msgs = decode_chunks(&mut d, [&b"\x00"[..], b"\x02h", b"i\x00"]);
/// assert!(msgs.unwrap_err().to_string().starts_with("the stream ended in the middle of a length header"));
/// ```
#[derive(Debug, Clone)]
pub struct LengthPrefixDecoder {
    codec: LengthPrefix,
    head: [u8; MAX_HEADER_LEN],
    head_len: usize,
    /// The message being received and its announced length.
    body: Option<(Vec<u8>, usize)>,
    failed: Failure,
}

impl LengthPrefixDecoder {
    fn step(&mut self, input: &mut &[u8]) -> Result<Option<Vec<u8>>, FramingError> {
        let n = self.codec.header_len;
        if self.body.is_none() {
            let length = if self.head_len == 0 && input.len() >= n {
                // Fast path: a whole header in this chunk, nothing pending.
                let length = self.codec.read_length(take(input, n))?;
                if let Some(msg) = input.get(..length) {
                    *input = &input[length..];
                    return Ok(Some(msg.to_vec()));
                }
                length
            } else {
                let got = take(input, n - self.head_len);
                self.head[self.head_len..self.head_len + got.len()].copy_from_slice(got);
                self.head_len += got.len();
                if self.head_len < n {
                    return Ok(None);
                }
                self.head_len = 0;
                self.codec.read_length(&self.head[..n])?
            };
            // The length is within the limit: only now reserve it.
            self.body = Some((Vec::with_capacity(length), length));
        }
        let Some((body, length)) = &mut self.body else {
            return Ok(None);
        };
        body.extend_from_slice(take(input, *length - body.len()));
        if body.len() < *length {
            return Ok(None);
        }
        Ok(self.body.take().map(|(body, _)| body))
    }
}

impl Decoder for LengthPrefixDecoder {
    type Item = Vec<u8>;

    fn decode(&mut self, input: &mut &[u8]) -> Result<Option<Vec<u8>>, FramingError> {
        self.failed.check()?;
        let result = self.step(input);
        self.failed.remember(result)
    }

    fn finish(&self) -> Result<(), FramingError> {
        self.failed.check()?;
        match &self.body {
            Some((body, length)) => Err(FramingError::Truncated {
                what: "message",
                got: body.len() as u64,
                needed: Some(*length as u64),
            }),
            None if self.head_len > 0 => Err(FramingError::Truncated {
                what: "length header",
                got: self.head_len as u64,
                needed: Some(self.codec.header_len as u64),
            }),
            None => Ok(()),
        }
    }

    fn buffered(&self) -> usize {
        self.head_len + self.body.as_ref().map_or(0, |(b, _)| b.len())
    }

    fn allocated(&self) -> usize {
        self.body.as_ref().map_or(0, |(b, _)| b.capacity())
    }
}

// ---------------------------------------------------------------------------
// File upload (seed 000 §8.1)
// ---------------------------------------------------------------------------

/// The JSON header of seed 000 §8.1's upload.
///
/// # Examples
///
/// ```
/// use netlab_core::framing::FileHeader;
///
/// let h = FileHeader { filename: "作业.txt".into(), filesize: 12 };
/// // json.dumps({'filename': '作业.txt', 'filesize': 12})
/// assert_eq!(h.to_json(), r#"{"filename": "\u4f5c\u4e1a.txt", "filesize": 12}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileHeader {
    /// The name the client sent (`os.path.basename`), unchecked: a server
    /// should refuse `..` and separators before opening it.
    pub filename: String,
    pub filesize: u64,
}

impl FileHeader {
    /// `json.dumps({'filename': …, 'filesize': …})` exactly: Python's
    /// default separators (`", "` and `": "`) and `ensure_ascii`, which
    /// writes every non-ASCII character as `\uXXXX`.
    pub fn to_json(&self) -> String {
        let mut s = String::with_capacity(self.filename.len() + 40);
        s.push_str("{\"filename\": ");
        python_json_string(&mut s, &self.filename);
        let _ = write!(s, ", \"filesize\": {}}}", self.filesize);
        s
    }

    /// Reads a header as the seed's server does (`json.loads(msg)`, then
    /// `msg['filename']` and `msg['filesize']`).
    fn parse(raw: &[u8], max_file: u64) -> Result<Self, FramingError> {
        let bad = |reason: String| FramingError::BadFileHeader {
            header: String::from_utf8_lossy(raw).into_owned(),
            reason,
        };
        let json: serde_json::Value = serde_json::from_slice(raw).map_err(|e| {
            bad(format!(
                "json.loads() fails ({e}); if it starts with file bytes, the reader is out of step"
            ))
        })?;
        let Some(obj) = json.as_object() else {
            return Err(bad("it is not a JSON object (a Python dict)".to_owned()));
        };
        let filename = match obj.get("filename") {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(_) => return Err(bad("'filename' is not a string".to_owned())),
            None => return Err(bad("KeyError: 'filename'".to_owned())),
        };
        let filesize = match obj.get("filesize") {
            Some(serde_json::Value::Number(n)) => match (n.as_u64(), n.as_i64()) {
                (Some(size), _) => size,
                (None, Some(neg)) => {
                    return Err(bad(format!(
                        "'filesize' is {neg}, and a size cannot be negative"
                    )));
                }
                _ => {
                    return Err(bad(format!(
                        "'filesize' is {n}, not a whole number of bytes"
                    )));
                }
            },
            Some(_) => return Err(bad("'filesize' is not a number".to_owned())),
            None => return Err(bad("KeyError: 'filesize'".to_owned())),
        };
        if filesize > max_file {
            return Err(FramingError::TooLarge {
                what: "file",
                length: filesize.into(),
                limit: max_file,
            });
        }
        Ok(Self { filename, filesize })
    }
}

/// A JSON string as Python's `json.dumps` writes it with `ensure_ascii`:
/// the short escapes, `\u00XX` for other control characters and DEL, and
/// `\uXXXX` (surrogate pairs past U+FFFF) for everything non-ASCII.
fn python_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push('"');
}

/// One piece of an upload, in stream order: the header, the file's bytes
/// as they arrive, then `End` once `filesize` bytes came (also for an
/// empty file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum FilePart {
    Header(FileHeader),
    Data(Vec<u8>),
    End,
}

/// Seed 000 §8.1's upload: `struct.pack('i', len(b_dic))`, the JSON
/// header, then the file.
///
/// # Examples
///
/// ```
/// use netlab_core::framing::{decode_chunks, FileCodec, FileHeader, FilePart};
///
/// let codec = FileCodec::seed();
/// let header = FileHeader { filename: "a.txt".into(), filesize: 5 };
/// let mut wire = Vec::new();
/// codec.encode(&header, b"hello", &mut wire).unwrap();
/// // struct.pack('i', 36): json.dumps gives 36 bytes here.
/// assert_eq!(&wire[..4], b"$\x00\x00\x00");
///
/// let parts = decode_chunks(&mut codec.decoder(), [&wire[..43], &wire[43..]]).unwrap();
/// assert_eq!(parts, [
///     FilePart::Header(header),
///     FilePart::Data(b"hel".to_vec()),
///     FilePart::Data(b"lo".to_vec()),
///     FilePart::End,
/// ]);
/// ```
#[derive(Debug, Clone)]
pub struct FileCodec {
    header: LengthPrefix,
    max_file: u64,
}

impl FileCodec {
    /// A codec whose JSON header is at most `max_header` bytes and whose
    /// files are at most `max_file`.
    pub fn new(max_header: usize, max_file: u64) -> Self {
        let mut header = LengthPrefix::seed();
        header.max_frame = max_header;
        Self { header, max_file }
    }

    /// The seed's framing with [`DEFAULT_MAX_HEADER`] and [`DEFAULT_MAX_FILE`].
    pub fn seed() -> Self {
        Self::new(DEFAULT_MAX_HEADER, DEFAULT_MAX_FILE)
    }

    /// Appends the length and the JSON header: what the client sends before
    /// it streams the file (`sk.send(mlen); sk.send(b_dic)`).
    pub fn encode_header(
        &self,
        header: &FileHeader,
        out: &mut Vec<u8>,
    ) -> Result<(), FramingError> {
        if header.filesize > self.max_file {
            return Err(FramingError::TooLarge {
                what: "file",
                length: header.filesize.into(),
                limit: self.max_file,
            });
        }
        let json = header.to_json();
        self.header
            .encode(json.as_bytes(), out)
            .map_err(|e| match e {
                FramingError::TooLarge { length, limit, .. } => FramingError::TooLarge {
                    what: "file header",
                    length,
                    limit,
                },
                e => e,
            })
    }

    /// Appends a whole upload: the header, then `body`, whose length must
    /// be `header.filesize`.
    pub fn encode(
        &self,
        header: &FileHeader,
        body: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<(), FramingError> {
        if body.len() as u64 != header.filesize {
            return Err(FramingError::BadFileHeader {
                header: header.to_json(),
                reason: format!(
                    "'filesize' says {} but the body is {} bytes",
                    header.filesize,
                    body.len()
                ),
            });
        }
        self.encode_header(header, out)?;
        out.extend_from_slice(body);
        Ok(())
    }

    /// An incremental decoder of uploads, one after another.
    pub fn decoder(&self) -> FileDecoder {
        FileDecoder {
            header: self.header.decoder(),
            max_file: self.max_file,
            state: FileState::Header,
            failed: Failure::default(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileState {
    Header,
    Body { left: u64, got: u64 },
    End,
}

/// The incremental decoder of a [`FileCodec`]. It holds at most the JSON
/// header; the file's bytes go out as [`FilePart::Data`] as they come.
#[derive(Debug, Clone)]
pub struct FileDecoder {
    header: LengthPrefixDecoder,
    max_file: u64,
    state: FileState,
    failed: Failure,
}

impl FileDecoder {
    fn step(&mut self, input: &mut &[u8]) -> Result<Option<FilePart>, FramingError> {
        match self.state {
            FileState::Header => {
                let Some(raw) = self.header.decode(input).map_err(|e| match e {
                    FramingError::TooLarge { length, limit, .. } => FramingError::TooLarge {
                        what: "file header",
                        length,
                        limit,
                    },
                    e => e,
                })?
                else {
                    return Ok(None);
                };
                let header = FileHeader::parse(&raw, self.max_file)?;
                self.state = FileState::Body {
                    left: header.filesize,
                    got: 0,
                };
                Ok(Some(FilePart::Header(header)))
            }
            FileState::Body { left: 0, .. } => {
                self.state = FileState::End;
                Ok(Some(FilePart::End))
            }
            FileState::Body { left, got } => {
                if input.is_empty() {
                    return Ok(None);
                }
                let n = usize::try_from(left).unwrap_or(usize::MAX);
                let data = take(input, n).to_vec();
                let n = data.len() as u64;
                self.state = FileState::Body {
                    left: left - n,
                    got: got + n,
                };
                Ok(Some(FilePart::Data(data)))
            }
            FileState::End => {
                self.state = FileState::Header;
                self.step(input)
            }
        }
    }
}

impl Decoder for FileDecoder {
    type Item = FilePart;

    fn decode(&mut self, input: &mut &[u8]) -> Result<Option<FilePart>, FramingError> {
        self.failed.check()?;
        let result = self.step(input);
        self.failed.remember(result)
    }

    fn finish(&self) -> Result<(), FramingError> {
        self.failed.check()?;
        match self.state {
            FileState::Header => self.header.finish().map_err(|e| match e {
                FramingError::Truncated { got, needed, what } => FramingError::Truncated {
                    what: if what == "message" {
                        "file header"
                    } else {
                        what
                    },
                    got,
                    needed,
                },
                e => e,
            }),
            FileState::Body { left, got } if left > 0 => Err(FramingError::Truncated {
                what: "file",
                got,
                needed: Some(got + left),
            }),
            // A header whose `End` was not taken yet is still complete.
            FileState::Body { .. } | FileState::End => Ok(()),
        }
    }

    fn buffered(&self) -> usize {
        self.header.buffered()
    }

    fn allocated(&self) -> usize {
        self.header.allocated()
    }
}

// ---------------------------------------------------------------------------
// info|<len> (seed 001, 命令传送2)
// ---------------------------------------------------------------------------

/// Seed 001's command output framing: the server sends `info|<len>` (ASCII
/// digits, no terminator), then `len` bytes of output.
///
/// The seed's client reads the header with one `recv(1024)` and parses all
/// of it: `int(str(basic_info_bytes, "utf8").split("|")[1])`. That only
/// works while the header arrives alone. When the output's first bytes
/// arrive in the same `recv()` (粘包), the digits run into the output:
/// `info|5hello` makes `int('5hello')` raise `ValueError`, and worse,
/// `info|3` followed by output `42\n` reads as `int('342\n') == 342`, a
/// wrong length, and the client waits for bytes that never come. Nothing
/// in the bytes says where the header ends, so no reader of the stream
/// alone can be exact.
///
/// [`InfoDecoder`] is therefore fed whole `recv()` results, not arbitrary
/// chunks: it treats the first of each reply as the header, as the seed
/// does, and when that `recv()` holds more than `info|<digits>` it reports
/// [`FramingError::InfoStuck`] with what the seed's client would do. A
/// header split across two `recv()`s (`info|1`, `23`) cannot be noticed
/// either; like the seed, the decoder reads the length 1. The fix is a
/// terminator or a fixed-size header ([`LengthPrefix`]).
///
/// # Examples
///
/// ```
/// use netlab_core::framing::InfoCodec;
///
/// let codec = InfoCodec::new(1 << 20);
/// let [header, output] = codec.encode_parts(b"hello");
/// assert_eq!(header, b"info|5");
/// let mut client = codec.decoder();
/// assert_eq!(client.recv(&header).unwrap(), None);
/// assert_eq!(client.recv(&output).unwrap(), Some(b"hello".to_vec()));
///
/// let mut stuck = codec.decoder();
/// let e = stuck.recv(b"info|5hello").unwrap_err().to_string();
/// assert!(e.ends_with("ValueError: invalid literal for int() with base 10: '5hello'"), "{e}");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct InfoCodec {
    max_output: u64,
}

impl InfoCodec {
    /// A codec whose replies are at most `max_output` bytes.
    pub fn new(max_output: u64) -> Self {
        Self { max_output }
    }

    /// The header for `len` bytes of output: `"info|%d" % len`.
    pub fn header(len: usize) -> Vec<u8> {
        format!("info|{len}").into_bytes()
    }

    /// The two `sendall()` calls of the seed's server: the header, then the
    /// output.
    pub fn encode_parts(&self, output: &[u8]) -> [Vec<u8>; 2] {
        [Self::header(output.len()), output.to_vec()]
    }

    /// Appends a reply as it goes on the wire: header and output, with
    /// nothing between them.
    pub fn encode(&self, output: &[u8], out: &mut Vec<u8>) -> Result<(), FramingError> {
        if output.len() as u64 > self.max_output {
            return Err(FramingError::TooLarge {
                what: "command output",
                length: output.len() as u128,
                limit: self.max_output,
            });
        }
        out.extend_from_slice(&Self::header(output.len()));
        out.extend_from_slice(output);
        Ok(())
    }

    /// A decoder for the client's side, fed one `recv()` result at a time.
    pub fn decoder(&self) -> InfoDecoder {
        InfoDecoder {
            max_output: self.max_output,
            body: None,
            failed: Failure::default(),
        }
    }
}

/// The seed 001 client, fed one `recv()` result per call (see
/// [`InfoCodec`] for why the boundaries matter).
#[derive(Debug, Clone)]
pub struct InfoDecoder {
    max_output: u64,
    /// The output being received and its announced length.
    body: Option<(Vec<u8>, u64)>,
    failed: Failure,
}

impl InfoDecoder {
    /// Takes one `recv()` result: the header if no reply is under way, else
    /// more output. Returns the whole output once its last byte came.
    pub fn recv(&mut self, chunk: &[u8]) -> Result<Option<Vec<u8>>, FramingError> {
        self.failed.check()?;
        let result = self.step(chunk);
        self.failed.remember(result)
    }

    fn step(&mut self, chunk: &[u8]) -> Result<Option<Vec<u8>>, FramingError> {
        let Some((got, length)) = &mut self.body else {
            let length = parse_info_header(chunk, self.max_output)?;
            if length == 0 {
                return Ok(Some(Vec::new()));
            }
            // Within the limit, so reserving it is safe.
            let capacity = usize::try_from(length).unwrap_or(0);
            self.body = Some((Vec::with_capacity(capacity), length));
            return Ok(None);
        };
        let total = got.len() as u64 + chunk.len() as u64;
        if total > *length {
            return Err(FramingError::InfoOverrun {
                expected: *length,
                got: total,
            });
        }
        got.extend_from_slice(chunk);
        if total < *length {
            return Ok(None);
        }
        Ok(self.body.take().map(|(b, _)| b))
    }

    /// Checks that the stream ended between replies.
    pub fn finish(&self) -> Result<(), FramingError> {
        self.failed.check()?;
        match &self.body {
            Some((got, length)) => Err(FramingError::Truncated {
                what: "command output",
                got: got.len() as u64,
                needed: Some(*length),
            }),
            None => Ok(()),
        }
    }

    /// The bytes of output held so far.
    pub fn buffered(&self) -> usize {
        self.body.as_ref().map_or(0, |(b, _)| b.len())
    }

    /// The bytes reserved, at most the limit.
    pub fn allocated(&self) -> usize {
        self.body.as_ref().map_or(0, |(b, _)| b.capacity())
    }
}

/// Reads `info|<digits>` from a whole `recv()` result.
fn parse_info_header(chunk: &[u8], max_output: u64) -> Result<u64, FramingError> {
    let got = crate::packet::field::py_bytes(chunk);
    let digits_end = chunk
        .strip_prefix(b"info|")
        .map(|rest| 5 + rest.iter().take_while(|b| b.is_ascii_digit()).count());
    let Some(end) = digits_end.filter(|&end| end > 5) else {
        return Err(FramingError::BadInfoHeader {
            got,
            python: seed_client_reading(chunk),
        });
    };
    // Saturating: 39 digits and more read as u128::MAX, still over any limit.
    let digits = chunk[5..end].iter().fold(0u128, |n, d| {
        n.saturating_mul(10).saturating_add(u128::from(d - b'0'))
    });
    let length = u64::try_from(digits)
        .ok()
        .filter(|&n| n <= max_output)
        .ok_or(FramingError::TooLarge {
            what: "command output",
            length: digits,
            limit: max_output,
        })?;
    if end < chunk.len() {
        return Err(FramingError::InfoStuck {
            got,
            length,
            extra: chunk.len() - end,
            python: seed_client_reading(chunk),
        });
    }
    Ok(length)
}

/// What the seed's client makes of a header `recv()`:
/// `int(str(data, "utf8").split("|")[1])`, in Python's words.
fn seed_client_reading(chunk: &[u8]) -> String {
    let Ok(text) = std::str::from_utf8(chunk) else {
        return "str(data, 'utf8') raises UnicodeDecodeError".to_owned();
    };
    let Some(field) = text.split('|').nth(1) else {
        return "split('|')[1] raises IndexError: list index out of range".to_owned();
    };
    match python_int(field) {
        Some(n) => format!(
            "int() reads the length {n}, which is wrong, so the client waits for bytes that never come or cuts the output short"
        ),
        None => {
            let repr: String = python_str_repr(field).chars().take(200).collect();
            format!("ValueError: invalid literal for int() with base 10: {repr}")
        }
    }
}

/// Python's `int(s)` for a `str`: surrounding whitespace, a sign, ASCII
/// digits with single underscores between them. (Python also takes other
/// scripts' digits; the seeds' output rarely has them.)
fn python_int(s: &str) -> Option<i128> {
    let s = s.trim_matches(|c: char| c.is_whitespace() || ('\x1c'..='\x1f').contains(&c));
    let (negative, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let ok = !digits.is_empty()
        && !digits.starts_with('_')
        && !digits.ends_with('_')
        && !digits.contains("__")
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'_');
    if !ok {
        return None;
    }
    let mut n: i128 = 0;
    for b in digits.bytes().filter(u8::is_ascii_digit) {
        n = n.saturating_mul(10).saturating_add(i128::from(b - b'0'));
    }
    Some(if negative { -n } else { n })
}

/// Python's `repr()` of a `str`, near enough for an error message.
fn python_str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c == '\x7f' => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

// ---------------------------------------------------------------------------
// Delimiters
// ---------------------------------------------------------------------------

/// Messages ending in a delimiter (`\n` for lines), at most `max_line`
/// bytes each, delimiter not counted.
///
/// # Examples
///
/// ```
/// use netlab_core::framing::Delimited;
///
/// let codec = Delimited::new(b"\r\n", 80).unwrap();
/// assert_eq!(codec.frame(b"HELO").unwrap(), b"HELO\r\n");
/// assert!(codec.frame(b"a\r\nb").is_err());
/// ```
#[derive(Debug, Clone)]
pub struct Delimited {
    delimiter: Vec<u8>,
    max_line: usize,
}

impl Delimited {
    /// A codec for `delimiter`-terminated messages of at most `max_line` bytes.
    pub fn new(delimiter: &[u8], max_line: usize) -> Result<Self, FramingError> {
        if delimiter.is_empty() {
            return Err(FramingError::EmptyDelimiter);
        }
        Ok(Self {
            delimiter: delimiter.to_vec(),
            max_line,
        })
    }

    /// Lines ending in `\n`, at most [`DEFAULT_MAX_LINE`] bytes.
    pub fn lines() -> Self {
        Self {
            delimiter: b"\n".to_vec(),
            max_line: DEFAULT_MAX_LINE,
        }
    }

    fn delimiter_repr(&self) -> String {
        crate::packet::field::py_bytes(&self.delimiter)
    }

    /// Appends `msg` and the delimiter to `out`.
    pub fn encode(&self, msg: &[u8], out: &mut Vec<u8>) -> Result<(), FramingError> {
        if let Some(position) = find(msg, &self.delimiter) {
            return Err(FramingError::DelimiterInMessage {
                delimiter: self.delimiter_repr(),
                position,
            });
        }
        if msg.len() > self.max_line {
            return Err(FramingError::TooLarge {
                what: "line",
                length: msg.len() as u128,
                limit: self.max_line as u64,
            });
        }
        out.extend_from_slice(msg);
        out.extend_from_slice(&self.delimiter);
        Ok(())
    }

    /// The framed `msg` in a new buffer.
    pub fn frame(&self, msg: &[u8]) -> Result<Vec<u8>, FramingError> {
        let mut out = Vec::with_capacity(msg.len() + self.delimiter.len());
        self.encode(msg, &mut out)?;
        Ok(out)
    }

    /// An incremental decoder of this codec's lines.
    pub fn decoder(&self) -> DelimitedDecoder {
        DelimitedDecoder {
            codec: self.clone(),
            line: Vec::new(),
            failed: Failure::default(),
        }
    }
}

/// The first position of `needle` (non-empty) in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    match needle {
        [b] => haystack.iter().position(|c| c == b),
        _ => haystack.windows(needle.len()).position(|w| w == needle),
    }
}

/// The incremental decoder of a [`Delimited`]: yields each line without
/// its delimiter. It never holds more than `max_line` bytes plus a partial
/// delimiter.
#[derive(Debug, Clone)]
pub struct DelimitedDecoder {
    codec: Delimited,
    /// The current line so far (possibly ending in part of a delimiter).
    line: Vec<u8>,
    failed: Failure,
}

impl DelimitedDecoder {
    fn too_long(&self) -> FramingError {
        FramingError::LineTooLong {
            limit: self.codec.max_line,
            delimiter: self.codec.delimiter_repr(),
        }
    }

    fn step(&mut self, input: &mut &[u8]) -> Result<Option<Vec<u8>>, FramingError> {
        let d = self.codec.delimiter.len();
        let max = self.codec.max_line;
        if self.line.is_empty() {
            // Fast path: search this chunk alone, copy only the line.
            let window = &input[..input.len().min(max.saturating_add(d))];
            if let Some(at) = find(window, &self.codec.delimiter) {
                let line = input[..at].to_vec();
                *input = &input[at + d..];
                return Ok(Some(line));
            }
            if window.len() == max.saturating_add(d) {
                return Err(self.too_long());
            }
        }
        // Take no more than a whole line and its delimiter can need, and
        // grow the buffer by doubling but never past that.
        let old = self.line.len();
        let avail = input.len().min(max.saturating_add(d).saturating_sub(old));
        if old + avail > self.line.capacity() {
            let cap = (self.line.capacity() * 2).clamp(old + avail, max.saturating_add(d));
            self.line.reserve_exact(cap - old);
        }
        self.line.extend_from_slice(&input[..avail]);
        // A delimiter may straddle the old bytes and the new.
        let from = old.saturating_sub(d - 1);
        if let Some(at) = find(&self.line[from..], &self.codec.delimiter) {
            let end = from + at;
            // Only the bytes up to the delimiter's end are used.
            *input = &input[(end + d).saturating_sub(old).min(avail)..];
            self.line.truncate(end);
            return Ok(Some(std::mem::take(&mut self.line)));
        }
        *input = &input[avail..];
        if self.line.len() >= max.saturating_add(d) {
            return Err(self.too_long());
        }
        Ok(None)
    }
}

impl Decoder for DelimitedDecoder {
    type Item = Vec<u8>;

    fn decode(&mut self, input: &mut &[u8]) -> Result<Option<Vec<u8>>, FramingError> {
        self.failed.check()?;
        let result = self.step(input);
        self.failed.remember(result)
    }

    fn finish(&self) -> Result<(), FramingError> {
        self.failed.check()?;
        if self.line.is_empty() {
            return Ok(());
        }
        Err(FramingError::Truncated {
            what: "line",
            got: self.line.len() as u64,
            needed: None,
        })
    }

    fn buffered(&self) -> usize {
        self.line.len()
    }

    fn allocated(&self) -> usize {
        self.line.capacity()
    }
}

#[cfg(test)]
mod test {
    use super::*;
    use proptest::prelude::*;

    /// Feeds `wire` cut at `cuts` (sorted or not, any values) to `decoder`.
    fn split_at_cuts(wire: &[u8], cuts: &[usize]) -> Vec<Vec<u8>> {
        let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (wire.len() + 1)).collect();
        cuts.sort_unstable();
        let mut chunks = Vec::new();
        let mut at = 0;
        for c in cuts.into_iter().chain([wire.len()]) {
            chunks.push(wire[at..c].to_vec());
            at = c;
        }
        chunks
    }

    /// Decodes `chunks`, checking after every call that the decoder holds
    /// no more than `bound` bytes.
    fn decode_bounded<D: Decoder>(
        d: &mut D,
        chunks: &[Vec<u8>],
        bound: usize,
    ) -> Result<Vec<D::Item>, FramingError> {
        let mut out = Vec::new();
        for chunk in chunks {
            let mut rest = &chunk[..];
            loop {
                let item = d.decode(&mut rest);
                assert!(d.allocated() <= bound, "{} > {bound}", d.allocated());
                match item? {
                    Some(item) => out.push(item),
                    None => {
                        assert!(rest.is_empty());
                        break;
                    }
                }
            }
        }
        d.finish()?;
        Ok(out)
    }

    #[test]
    fn seed_6_7_framed_fix() {
        // blen = struct.pack('i', len(msg1.encode())); send(blen); send(msg1)
        let codec = LengthPrefix::seed();
        let msg1 = "你好".as_bytes();
        let mut wire = codec.header(msg1.len()).unwrap();
        assert_eq!(wire, b"\x06\x00\x00\x00");
        wire.extend_from_slice(msg1);
        // The seed sends msg2 with no header: the client's recv(1024) takes
        // it by convention. A framed reader reads its first bytes as a
        // length, b'nice' as 1701013870, and refuses it.
        wire.extend_from_slice(b"nice");
        let mut d = codec.decoder();
        let mut chunk = &wire[..];
        assert_eq!(d.decode(&mut chunk).unwrap(), Some(msg1.to_vec()));
        let e = d.decode(&mut chunk).unwrap_err();
        assert_eq!(
            e,
            FramingError::TooLarge {
                what: "message",
                length: 1_701_013_870,
                limit: DEFAULT_MAX_FRAME as u64
            }
        );
        assert_eq!(d.allocated(), 0);
        // The error sticks: the stream is out of step.
        assert_eq!(d.decode(&mut &b"\x00"[..]).unwrap_err(), e);
        assert_eq!(d.finish().unwrap_err(), e);

        // Framing both messages fixes it, however recv() cuts the bytes.
        let mut wire = codec.frame(b"hello").unwrap();
        codec.encode(b"nice", &mut wire).unwrap();
        for cut in 0..=wire.len() {
            let msgs = decode_chunks(&mut codec.decoder(), [&wire[..cut], &wire[cut..]]).unwrap();
            assert_eq!(msgs, [b"hello".to_vec(), b"nice".to_vec()]);
        }
    }

    #[test]
    fn struct_module_numbers_of_seed_6_6() {
        // struct.pack('i', 123456789) == b'\x15\xcd[\x07'
        let codec = LengthPrefix::new("i", usize::MAX).unwrap();
        assert_eq!(codec.header(123_456_789).unwrap(), b"\x15\xcd[\x07");
        assert_eq!(codec.header(12345).unwrap(), b"90\x00\x00");
        assert_eq!(codec.header(123).unwrap(), b"{\x00\x00\x00");
        assert_eq!(codec.read_length(b"\x15\xcd[\x07").unwrap(), 123_456_789);
        // 2**31 does not fit 'i'.
        let e = codec.header(1 << 31).unwrap_err().to_string();
        assert!(
            e.ends_with("'i' format requires -2147483648 <= number <= 2147483647"),
            "{e}"
        );
    }

    #[test]
    fn header_formats_are_checked() {
        for good in ["i", "!I", "<H", ">Q", "b", "=q", "@N", "P", "2xH"] {
            assert!(LengthPrefix::new(good, 10).is_ok(), "{good}");
        }
        for bad in ["", "ii", "f", "?", "4s", "c", "Z", "17xB"] {
            let e = LengthPrefix::new(bad, 10).unwrap_err();
            assert!(matches!(e, FramingError::BadHeaderFormat { .. }), "{bad}");
        }
        assert_eq!(
            LengthPrefix::new("Z", 1).unwrap_err().to_string(),
            "the header format \"Z\" must hold exactly one integer, like 'i', '!I', '<H' or '>Q': bad char in struct format"
        );
        let e = LengthPrefix::new("f", 1).unwrap_err().to_string();
        assert!(e.ends_with("'f' is not an integer code"), "{e}");
    }

    #[test]
    fn negative_and_huge_lengths_allocate_nothing() {
        let codec = LengthPrefix::new("!i", 1024).unwrap();
        let mut d = codec.decoder();
        let e = d.decode(&mut &b"\xff\xff\xff\xfeabc"[..]).unwrap_err();
        assert_eq!(e, FramingError::NegativeLength { length: -2 });
        assert_eq!(d.allocated(), 0);

        // A hostile 2 GiB length, fed byte by byte: refused once the header
        // is whole, with nothing reserved.
        let mut d = codec.decoder();
        for (i, b) in b"\x7f\xff\xff\xff".iter().enumerate() {
            let r = d.decode(&mut &[*b][..]);
            assert_eq!(d.allocated(), 0);
            if i < 3 {
                assert_eq!(r, Ok(None));
            } else {
                assert!(r.unwrap_err().to_string().starts_with(
                    "the message is 2147483647 bytes, over this reader's limit of 1024"
                ));
            }
        }
        // At the limit is fine, and reserves exactly the message.
        let mut d = codec.decoder();
        assert_eq!(d.decode(&mut &b"\x00\x00\x04\x00"[..]), Ok(None));
        assert_eq!(d.allocated(), 1024);
        assert_eq!(d.buffered(), 0);
        // An 8-byte unsigned header beyond any usize.
        let q = LengthPrefix::new(">Q", 1024).unwrap();
        let e = q.read_length(&[0xff; 8]).unwrap_err();
        assert!(
            matches!(e, FramingError::TooLarge { length, .. } if length == u128::from(u64::MAX))
        );
    }

    #[test]
    fn truncated_streams_say_where() {
        let codec = LengthPrefix::new("<H", 100).unwrap();
        let e = decode_chunks(&mut codec.decoder(), [b"\x05\x00hel"]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the stream ended in the middle of a message: 3 bytes of it arrived out of 5"
        );
        let e = decode_chunks(&mut codec.decoder(), [b"\x05"]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the stream ended in the middle of a length header: 1 bytes of it arrived out of 2"
        );
        assert_eq!(
            decode_chunks(&mut codec.decoder(), [b""]).unwrap(),
            Vec::<Vec<u8>>::new()
        );
    }

    #[test]
    fn encoder_refuses_what_the_reader_would() {
        let codec = LengthPrefix::new("<H", 100_000).unwrap();
        let e = codec.frame(&[0; 70_000]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "a 70000-byte message does not fit a \"<H\" length header: ushort format requires 0 <= number <= 65535"
        );
        let small = LengthPrefix::new("!I", 3).unwrap();
        assert!(matches!(
            small.frame(b"four"),
            Err(FramingError::TooLarge {
                length: 4,
                limit: 3,
                ..
            })
        ));
        assert_eq!(small.frame(b"").unwrap(), b"\x00\x00\x00\x00");
        assert_eq!(
            small.parse(b"\x00\x00\x00\x00rest").unwrap(),
            Some((&b""[..], 4))
        );
        assert_eq!(small.check(b"\x00\x00").unwrap(), None);
    }

    /// Seed 000 §8.1's client: mlen, b_dic, then the file in 1024-byte reads.
    fn seed_upload(filename: &str, content: &[u8]) -> Vec<u8> {
        let dic = FileHeader {
            filename: filename.to_owned(),
            filesize: content.len() as u64,
        };
        let b_dic = dic.to_json().into_bytes();
        let mut wire = (b_dic.len() as i32).to_le_bytes().to_vec();
        wire.extend_from_slice(&b_dic);
        wire.extend_from_slice(content);
        wire
    }

    #[test]
    fn seed_8_1_file_upload() {
        let content: Vec<u8> = (0..2500u32).map(|i| (i % 251) as u8).collect();
        let wire = seed_upload("a.txt", &content);
        // json.dumps({'filename': 'a.txt', 'filesize': 2500})
        assert_eq!(&wire[..4], b"'\x00\x00\x00");
        assert_eq!(&wire[4..43], br#"{"filename": "a.txt", "filesize": 2500}"#);
        let codec = FileCodec::seed();
        let mut encoded = Vec::new();
        let header = FileHeader {
            filename: "a.txt".into(),
            filesize: 2500,
        };
        codec.encode(&header, &content, &mut encoded).unwrap();
        assert_eq!(encoded, wire);

        // The server's conn.recv(1024) loop: the header's recv(4) and
        // recv(dic_len) become chunks of 1024 from the stream.
        let chunks: Vec<Vec<u8>> = wire.chunks(1024).map(<[u8]>::to_vec).collect();
        let mut d = codec.decoder();
        let parts = decode_bounded(&mut d, &chunks, 64).unwrap();
        assert_eq!(parts.first(), Some(&FilePart::Header(header)));
        assert_eq!(parts.last(), Some(&FilePart::End));
        let body: Vec<u8> = parts
            .iter()
            .filter_map(|p| match p {
                FilePart::Data(b) => Some(b.clone()),
                _ => None,
            })
            .flatten()
            .collect();
        assert_eq!(body, content);
        // The body is streamed: no part is larger than a chunk.
        assert!(
            parts
                .iter()
                .all(|p| !matches!(p, FilePart::Data(b) if b.len() > 1024))
        );
    }

    #[test]
    fn file_headers_are_checked() {
        let codec = FileCodec::new(200, 1000);
        let frame = |json: &str| {
            let mut w = (json.len() as i32).to_le_bytes().to_vec();
            w.extend_from_slice(json.as_bytes());
            w
        };
        let err = |json: &str| {
            decode_chunks(&mut codec.decoder(), [frame(json)])
                .unwrap_err()
                .to_string()
        };
        assert!(
            err(r#"{"filename": "a", "filesize": -1}"#)
                .ends_with("'filesize' is -1, and a size cannot be negative")
        );
        assert!(
            err(r#"{"filename": "a", "filesize": 1.5}"#)
                .ends_with("'filesize' is 1.5, not a whole number of bytes")
        );
        assert!(err(r#"{"filename": "a"}"#).ends_with("KeyError: 'filesize'"));
        assert!(err(r#"{"filename": 3, "filesize": 1}"#).ends_with("'filename' is not a string"));
        assert!(err("[1]").ends_with("it is not a JSON object (a Python dict)"));
        assert!(err("hello").contains("json.loads() fails"));
        assert_eq!(
            err(r#"{"filename": "a", "filesize": 1001}"#),
            "the file is 1001 bytes, over this reader's limit of 1000: a buggy or hostile sender, or a reader out of step with the stream reading message bytes as a length"
        );
        let mut d = codec.decoder();
        let e = d.decode(&mut &b"\x00\x10\x00\x00"[..]).unwrap_err();
        assert!(matches!(
            e,
            FramingError::TooLarge {
                what: "file header",
                length: 4096,
                limit: 200
            }
        ));
        assert_eq!(d.allocated(), 0);

        // An empty file: header, then End at once; then a second upload.
        let mut wire = seed_upload("empty", b"");
        wire.extend(seed_upload("x", b"xyz"));
        let parts = decode_chunks(&mut codec.decoder(), [&wire]).unwrap();
        assert_eq!(parts.len(), 5);
        assert_eq!(parts[1], FilePart::End);
        assert_eq!(parts[3], FilePart::Data(b"xyz".to_vec()));
        // A file cut short.
        let upload = seed_upload("x", b"xyz");
        let e = decode_chunks(&mut codec.decoder(), [&upload[..upload.len() - 1]]).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("the stream ended in the middle of a file:"),
            "{e}"
        );
        let mismatch = codec.encode(
            &FileHeader {
                filename: "a".into(),
                filesize: 2,
            },
            b"abc",
            &mut Vec::new(),
        );
        assert!(mismatch.is_err());
    }

    #[test]
    fn json_header_is_pythons_json_dumps() {
        let h = |name: &str| {
            FileHeader {
                filename: name.into(),
                filesize: 0,
            }
            .to_json()
        };
        assert_eq!(
            h("a\"b\\c\n\x01\x7f"),
            r#"{"filename": "a\"b\\c\n\u0001\u007f", "filesize": 0}"#
        );
        assert_eq!(h("😀"), r#"{"filename": "\ud83d\ude00", "filesize": 0}"#);
        assert_eq!(
            h("\u{8}\u{c}\t\r"),
            r#"{"filename": "\b\f\t\r", "filesize": 0}"#
        );
    }

    #[test]
    fn seed_001_info_exchange_works_when_the_header_arrives_alone() {
        let codec = InfoCodec::new(1 << 20);
        let output = "total 8\n-rw-r--r-- 1 yuan staff 12 a.txt\n".repeat(60);
        let [header, body] = codec.encode_parts(output.as_bytes());
        assert_eq!(header, format!("info|{}", output.len()).as_bytes());
        let mut client = codec.decoder();
        assert_eq!(client.recv(&header).unwrap(), None);
        // while has_received < result_length: fetch_bytes = sk.recv(1024)
        let mut got = None;
        for chunk in body.chunks(1024) {
            assert!(got.is_none());
            got = client.recv(chunk).unwrap();
            assert!(client.allocated() <= output.len());
        }
        assert_eq!(got.as_deref(), Some(output.as_bytes()));
        client.finish().unwrap();
        // Empty output: "info|0", and no recv() for the body.
        assert_eq!(codec.decoder().recv(b"info|0").unwrap(), Some(Vec::new()));
    }

    #[test]
    fn seed_001_info_exchange_stuck_together() {
        let codec = InfoCodec::new(1 << 20);
        let mut wire = Vec::new();
        codec.encode(b"hello", &mut wire).unwrap();
        assert_eq!(wire, b"info|5hello");
        // One recv(1024) returns both: the seed's int() fails.
        let e = codec.decoder().recv(&wire).unwrap_err();
        assert_eq!(
            e,
            FramingError::InfoStuck {
                got: "b'info|5hello'".into(),
                length: 5,
                extra: 5,
                python: "ValueError: invalid literal for int() with base 10: '5hello'".into(),
            }
        );
        assert!(e.to_string().contains("sticky packets, 粘包"));
        // Output starting with digits: int('342\n') silently reads 342.
        let e = codec.decoder().recv(b"info|342\n").unwrap_err().to_string();
        assert!(e.ends_with("int() reads the length 342, which is wrong, so the client waits for bytes that never come or cuts the output short"), "{e}");
        // And when the digits run straight into digits, nothing can tell:
        // the decoder reads 342 like the seed (the ambiguity).
        let mut d = codec.decoder();
        assert_eq!(d.recv(b"info|342"), Ok(None));
        assert_eq!(
            d.finish().unwrap_err().to_string(),
            "the stream ended in the middle of a command output: 0 bytes of it arrived out of 342"
        );
        // The next reply stuck to the end of this one.
        let mut d = codec.decoder();
        d.recv(b"info|2").unwrap();
        assert_eq!(
            d.recv(b"okinfo|3"),
            Err(FramingError::InfoOverrun {
                expected: 2,
                got: 8
            })
        );
    }

    #[test]
    fn info_headers_are_checked() {
        let codec = InfoCodec::new(1000);
        let e = |chunk: &[u8]| codec.decoder().recv(chunk).unwrap_err().to_string();
        assert_eq!(
            e(b"hello"),
            "the first recv() should hold the header 'info|<length>', but it holds b'hello': split('|')[1] raises IndexError: list index out of range"
        );
        assert!(e(b"info|").ends_with("ValueError: invalid literal for int() with base 10: ''"));
        assert!(
            e(b"info|x|3").ends_with("ValueError: invalid literal for int() with base 10: 'x'")
        );
        assert!(e(b"info|\xff").ends_with("UnicodeDecodeError"));
        assert!(
            e(b"info|1001")
                .starts_with("the command output is 1001 bytes, over this reader's limit of 1000")
        );
        assert!(
            e(b"info|99999999999999999999999")
                .starts_with("the command output is 99999999999999999999999 bytes")
        );
        let mut d = codec.decoder();
        let _ = d.recv(b"info|1001");
        assert_eq!(d.allocated(), 0);
        assert!(codec.encode(&[0; 1001], &mut Vec::new()).is_err());
        assert_eq!(python_int(" +1_0\n"), Some(10));
        assert_eq!(python_int("1__0"), None);
        assert_eq!(python_int("-7"), Some(-7));
    }

    #[test]
    fn delimited_lines() {
        let codec = Delimited::lines();
        let msgs = decode_chunks(&mut codec.decoder(), [&b"a\n\nbc"[..], b"d\n"]).unwrap();
        assert_eq!(msgs, [b"a".to_vec(), vec![], b"bcd".to_vec()]);
        let e = decode_chunks(&mut codec.decoder(), [b"a\nb"]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the stream ended in the middle of a line: 1 bytes of it arrived"
        );
        assert_eq!(
            Delimited::new(b"", 1).unwrap_err(),
            FramingError::EmptyDelimiter
        );
        let crlf = Delimited::new(b"\r\n", 5).unwrap();
        // The delimiter split across chunks, and a lone \r inside a line.
        let msgs = decode_chunks(&mut crlf.decoder(), [&b"ab\r"[..], b"\nc\rd\r", b"\n"]).unwrap();
        assert_eq!(msgs, [b"ab".to_vec(), b"c\rd".to_vec()]);
        assert_eq!(
            crlf.frame(b"a\r\n").unwrap_err().to_string(),
            "the message holds the delimiter b'\\r\\n' at byte 1: the reader would see two lines; escape it or use a length prefix"
        );
    }

    #[test]
    fn long_lines_are_refused_without_growing() {
        let codec = Delimited::new(b"\r\n", 8).unwrap();
        // In one chunk: refused before copying.
        let mut d = codec.decoder();
        let e = d.decode(&mut &[b'a'; 100][..]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "more than 8 bytes arrived without a b'\\r\\n' ending the line: a buggy or hostile sender, or the wrong delimiter"
        );
        assert_eq!(d.allocated(), 0);
        // Byte by byte: the buffer stops at the limit plus a delimiter.
        let mut d = codec.decoder();
        let mut result = Ok(None);
        for _ in 0..100 {
            result = d.decode(&mut &b"a"[..]);
            assert!(d.allocated() <= 10);
            if result.is_err() {
                break;
            }
        }
        assert!(matches!(
            result,
            Err(FramingError::LineTooLong { limit: 8, .. })
        ));
        // Exactly 8 bytes and the delimiter, however cut, is fine.
        let wire = b"12345678\r\n";
        for cut in 0..=wire.len() {
            let msgs = decode_chunks(&mut codec.decoder(), [&wire[..cut], &wire[cut..]]).unwrap();
            assert_eq!(msgs, [b"12345678".to_vec()]);
        }
    }

    fn messages() -> impl Strategy<Value = Vec<Vec<u8>>> {
        prop::collection::vec(prop::collection::vec(any::<u8>(), 0..300), 0..8)
    }

    fn cuts() -> impl Strategy<Value = Vec<usize>> {
        prop::collection::vec(any::<usize>(), 0..12)
    }

    proptest! {
        #[test]
        fn length_prefix_any_split(msgs in messages(), cuts in cuts(), f in 0usize..6) {
            let format = ["i", "!I", "<H", ">Q", "=h", "!B"][f];
            let limit = if format == "!B" { 255 } else { 300 };
            let msgs: Vec<Vec<u8>> = msgs.into_iter().map(|m| m[..m.len().min(limit)].to_vec()).collect();
            let codec = LengthPrefix::new(format, limit).unwrap();
            let mut wire = Vec::new();
            for m in &msgs {
                codec.encode(m, &mut wire).unwrap();
            }
            let chunks = split_at_cuts(&wire, &cuts);
            let got = decode_bounded(&mut codec.decoder(), &chunks, limit).unwrap();
            prop_assert_eq!(got, msgs);
        }

        #[test]
        fn file_uploads_any_split(files in prop::collection::vec(("[a-z作业😀\"\\\\]{0,12}", prop::collection::vec(any::<u8>(), 0..300)), 1..4), cuts in cuts()) {
            let codec = FileCodec::new(200, 300);
            let mut wire = Vec::new();
            let mut expected = Vec::new();
            for (name, body) in &files {
                let h = FileHeader { filename: name.clone(), filesize: body.len() as u64 };
                codec.encode(&h, body, &mut wire).unwrap();
                expected.push((h, body.clone()));
            }
            let chunks = split_at_cuts(&wire, &cuts);
            let parts = decode_bounded(&mut codec.decoder(), &chunks, 200).unwrap();
            let mut got: Vec<(FileHeader, Vec<u8>)> = Vec::new();
            for p in parts {
                match p {
                    FilePart::Header(h) => got.push((h, Vec::new())),
                    FilePart::Data(b) => got.last_mut().unwrap().1.extend(b),
                    FilePart::End => {}
                }
            }
            prop_assert_eq!(got, expected);
        }

        #[test]
        fn delimited_any_split(msgs in prop::collection::vec("[a-c\r]{0,20}", 0..8), cuts in cuts(), crlf in any::<bool>()) {
            let delim: &[u8] = if crlf { b"\r\n" } else { b"\n" };
            let codec = Delimited::new(delim, 20).unwrap();
            let msgs: Vec<Vec<u8>> = msgs.into_iter().map(String::into_bytes).filter(|m| !m.ends_with(b"\r") || !crlf).collect();
            let mut wire = Vec::new();
            for m in &msgs {
                codec.encode(m, &mut wire).unwrap();
            }
            let chunks = split_at_cuts(&wire, &cuts);
            let got = decode_bounded(&mut codec.decoder(), &chunks, 22).unwrap();
            prop_assert_eq!(got, msgs);
        }

        #[test]
        fn info_any_split_of_the_output(outputs in messages(), cuts in cuts()) {
            // The header must be its own recv() (see InfoCodec); the output
            // may be cut anywhere.
            let codec = InfoCodec::new(300);
            let mut d = codec.decoder();
            for out in &outputs {
                let [header, body] = codec.encode_parts(out);
                let mut got = d.recv(&header).unwrap();
                for chunk in split_at_cuts(&body, &cuts).iter().filter(|c| !c.is_empty()) {
                    prop_assert!(got.is_none());
                    got = d.recv(chunk).unwrap();
                    prop_assert!(d.allocated() <= 300);
                }
                prop_assert_eq!(got.as_ref(), Some(out));
            }
            d.finish().unwrap();
        }

        #[test]
        fn over_the_limit_is_an_error_never_an_allocation(len in 0u32.., limit in 0usize..4096, cut in 0usize..5) {
            let codec = LengthPrefix::new("!I", limit).unwrap();
            let header = len.to_be_bytes();
            let mut d = codec.decoder();
            let mut first = &header[..cut.min(4)];
            let mut second = &header[cut.min(4)..];
            let r1 = d.decode(&mut first);
            prop_assert_eq!(d.allocated(), 0);
            let r2 = r1.and_then(|_| d.decode(&mut second));
            if len as usize > limit {
                let too_large = matches!(r2, Err(FramingError::TooLarge { .. }));
                prop_assert!(too_large);
                prop_assert_eq!(d.allocated(), 0);
            } else {
                prop_assert_eq!(r2.unwrap().is_some(), len == 0);
                prop_assert_eq!(d.allocated(), len as usize);
            }
        }
    }
}
