//! The command lab (seed 001 "命令传送2"): the seed's server ran each line
//! through a shell; this one knows a few commands of its own and never
//! starts a process. Each answer is sent as the seed sends it: `info|<len>`
//! and then the output, back to back (no handshake between them: the
//! seed's `conn.recv(1024)` there is commented out), so nothing in TCP
//! keeps them apart and a client that does not frame the stream can see
//! them stuck together.
//!
//! The header goes out [`HEADER_PAUSE`] before the output. The seed's own
//! client reads the header with one `recv(1024)` and fails when output
//! bytes come with it. Against the seed's own server it works: 28 of 30
//! runs of `seq 100000` here, since the Python server lets go of the CPU
//! between its two `sendall`s. This lab, in a thread that goes straight
//! on producing the output, beat the client to it: 3 of 30. With the
//! pause, 30 of 30, and 60 of 60 with four clients at once on a busy
//! machine. The stream is the same bytes; only a client that reads late
//! still finds them stuck, as with the seed's server.

use std::io;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use netlab_core::calendar::civil_from_days;

use super::conn::Conn;

/// The most lines `seq` prints.
const MAX_SEQ: u64 = 100_000;
/// The most bytes `bytes` sends.
const MAX_BYTES: u64 = 16 * 1024 * 1024;
/// The most bytes of one answer held at a time: `seq` and `bytes` are
/// produced and sent in pieces of at most this size, so that 64 clients
/// asking for 16 MiB each cost the relay 64 small buffers, not 1 GiB.
const CHUNK: usize = 64 * 1024;

/// How long the output waits after its `info|<len>` header (see the
/// module's docs): long enough for a woken client to take the header
/// alone, short enough not to be noticed.
const HEADER_PAUSE: Duration = Duration::from_millis(10);

const HELP: &str =
    "commands: help, date, whoami, echo TEXT, seq N (N <= 100000), bytes N (N <= 16777216)";

pub async fn serve(mut conn: Conn) -> io::Result<()> {
    conn.send("欢迎登录".as_bytes()).await?;
    let mut buf = [0u8; 1024];
    loop {
        let n = conn.recv(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        let command = String::from_utf8_lossy(buf.get(..n).unwrap_or_default()).into_owned();
        let output = run(command.trim(), SystemTime::now());
        conn.send(format!("info|{}", output.len()).as_bytes())
            .await?;
        if output.len() > 0 {
            tokio::time::sleep(HEADER_PAUSE).await;
        }
        for chunk in output.chunks() {
            conn.send(&chunk).await?;
        }
    }
}

/// What a command answers: its length is known before any of it is made,
/// and the long ones are made a chunk at a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// A short answer, whole.
    Text(Vec<u8>),
    /// `seq N`: the numbers 1 to N, one a line, no newline after the last.
    Seq(u64),
    /// `bytes N`: the first N bytes of [`pattern_byte`]'s pattern.
    Pattern(u64),
}

impl Output {
    /// The length in bytes, for the `info|<len>` header.
    pub fn len(&self) -> u64 {
        match self {
            Self::Text(text) => text.len() as u64,
            Self::Seq(0) => 0,
            Self::Seq(n) => digits_up_to(*n).saturating_add(n - 1),
            Self::Pattern(n) => *n,
        }
    }

    /// The bytes, in pieces of at most [`CHUNK`].
    pub fn chunks(&self) -> Chunks<'_> {
        Chunks {
            output: self,
            next: 0,
        }
    }
}

/// How many digits the numbers 1 to `n` have together.
fn digits_up_to(n: u64) -> u64 {
    let mut total = 0;
    let mut width = 1;
    let mut low = 1u64;
    while low <= n {
        let high = low.saturating_mul(10).saturating_sub(1).min(n);
        total = ((high - low + 1).saturating_mul(width)).saturating_add(total);
        width += 1;
        low = low.saturating_mul(10);
        if high == n {
            break;
        }
    }
    total
}

/// An [`Output`]'s bytes, one piece of at most [`CHUNK`] at a time.
#[derive(Debug)]
pub struct Chunks<'a> {
    output: &'a Output,
    /// `Text`: 0 before, 1 after; `Seq`: the last number made; `Pattern`:
    /// the bytes made.
    next: u64,
}

impl Iterator for Chunks<'_> {
    type Item = Vec<u8>;

    fn next(&mut self) -> Option<Vec<u8>> {
        match *self.output {
            Output::Text(ref text) => {
                if self.next > 0 || text.is_empty() {
                    return None;
                }
                self.next = 1;
                Some(text.clone())
            }
            Output::Seq(n) => {
                if self.next >= n {
                    return None;
                }
                let mut chunk = Vec::with_capacity(CHUNK);
                // A newline and u64::MAX's 20 digits always fit.
                while self.next < n && chunk.len() + 21 <= CHUNK {
                    if self.next > 0 {
                        chunk.push(b'\n');
                    }
                    self.next += 1;
                    chunk.extend_from_slice(self.next.to_string().as_bytes());
                }
                Some(chunk)
            }
            Output::Pattern(n) => {
                if self.next >= n {
                    return None;
                }
                let end = n.min(self.next + CHUNK as u64);
                let chunk = (self.next..end).map(pattern_byte).collect();
                self.next = end;
                Some(chunk)
            }
        }
    }
}

/// The output of one command, like `subprocess.getoutput` (no trailing
/// newline). The words are split on any ASCII whitespace, as the seed's
/// shell splits them, and `echo` joins its words with one space.
pub fn run(command: &str, now: SystemTime) -> Output {
    let mut words = command.split_ascii_whitespace();
    let name = words.next().unwrap_or_default();
    let args: Vec<&str> = words.collect();
    let count = |max: u64| match args.as_slice() {
        [n] => n.parse::<u64>().ok().filter(|n| *n <= max),
        _ => None,
    };
    let text = |s: String| Output::Text(s.into_bytes());
    match name {
        "help" => text(HELP.into()),
        "date" => text(date(now)),
        "whoami" => text(std::env::var("USER").unwrap_or_else(|_| "netlab".into())),
        "echo" => text(args.join(" ")),
        "seq" => match count(MAX_SEQ) {
            Some(n) => Output::Seq(n),
            None => text(format!(
                "seq takes one number N, a whole number from 0 to {MAX_SEQ}: seq 10"
            )),
        },
        "bytes" => match count(MAX_BYTES) {
            Some(n) => Output::Pattern(n),
            None => text(format!(
                "bytes takes one number N, a whole number from 0 to {MAX_BYTES}: bytes 1000"
            )),
        },
        _ => text(format!("unknown command: {command}")),
    }
}

/// Byte `i` of a pattern a learner can check by eye: the alphabet, and a
/// newline every 64 bytes.
fn pattern_byte(i: u64) -> u8 {
    if i % 64 == 63 {
        b'\n'
    } else {
        b'a' + (i % 64 % 26) as u8
    }
}

/// `date` in the C locale and UTC: `Sun Nov 22 02:45:00 UTC 2026`.
fn date(now: SystemTime) -> String {
    let secs = now
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = secs / 86_400;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let weekday = WEEKDAYS[(days % 7) as usize];
    let month = MONTHS[(m - 1) as usize % 12];
    format!(
        "{weekday} {month} {d:2} {:02}:{:02}:{:02} UTC {y}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod test {
    use super::*;
    use std::time::Duration;

    /// All of an answer at once, as it goes on the wire.
    fn whole(command: &str, t: SystemTime) -> Vec<u8> {
        let output = run(command, t);
        let bytes = output.chunks().collect::<Vec<_>>().concat();
        assert_eq!(output.len(), bytes.len() as u64, "{command:?}");
        bytes
    }

    /// `seq` as the lab made it before answers were chunked: the reference.
    fn seq_whole(n: u64) -> Vec<u8> {
        (1..=n)
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join("\n")
            .into_bytes()
    }

    /// `bytes` as the lab made it before answers were chunked.
    fn pattern_whole(n: u64) -> Vec<u8> {
        (0..n)
            .map(|i| {
                if i % 64 == 63 {
                    b'\n'
                } else {
                    b'a' + (i % 64 % 26) as u8
                }
            })
            .collect()
    }

    #[test]
    fn commands() {
        let t = UNIX_EPOCH + Duration::from_secs(1_795_315_500); // 2026-11-22 02:45:00 UTC
        assert_eq!(whole("date", t), b"Sun Nov 22 02:45:00 UTC 2026");
        assert_eq!(whole("seq 3", t), b"1\n2\n3");
        assert_eq!(whole("bytes 100000", t).len(), 100_000);
        assert_eq!(&whole("bytes 3", t), b"abc");
        assert_eq!(whole("echo 你好 world", t), "你好 world".as_bytes());
        assert_eq!(whole("rm -rf /", t), b"unknown command: rm -rf /");
        assert_eq!(
            String::from_utf8(whole("seq 100001", t)).unwrap(),
            "seq takes one number N, a whole number from 0 to 100000: seq 10"
        );
        assert_eq!(
            String::from_utf8(whole("bytes x", t)).unwrap(),
            "bytes takes one number N, a whole number from 0 to 16777216: bytes 1000"
        );
        assert!(
            String::from_utf8(whole("help", t))
                .unwrap()
                .contains("bytes N")
        );
    }

    /// The seed's shell splits on any whitespace and `echo` joins its
    /// words with one space: `echo   two  spaces` prints `two spaces`.
    #[test]
    fn words_split_on_any_ascii_whitespace_like_the_shell() {
        let t = UNIX_EPOCH;
        assert_eq!(whole("seq\t3", t), b"1\n2\n3");
        assert_eq!(whole("seq \t 3", t), b"1\n2\n3");
        assert_eq!(whole("echo   two  spaces", t), b"two spaces");
        assert_eq!(whole("echo\ta\r\nb", t), b"a b");
        // `echo` alone prints "\n", which getoutput strips: nothing.
        assert_eq!(whole("echo", t), b"");
        assert_eq!(run("echo", t).len(), 0);
        assert!(
            String::from_utf8(whole("seq 3 4", t))
                .unwrap()
                .starts_with("seq takes one number N")
        );
    }

    /// The chunked answers are byte for byte the whole ones of before, and
    /// no chunk is over [`CHUNK`], whatever N is.
    #[test]
    fn chunked_answers_match_the_whole_ones_and_stay_small() {
        let check = |output: Output, whole: Vec<u8>, what: &str| {
            let chunks: Vec<_> = output.chunks().collect();
            assert!(
                chunks.iter().all(|c| !c.is_empty() && c.len() <= CHUNK),
                "{what}"
            );
            assert_eq!(chunks.concat(), whole, "{what}");
            assert_eq!(output.len(), whole.len() as u64, "{what}");
        };
        let ns = [
            0, 1, 9, 10, 11, 99, 100, 101, 9_999, 10_000, 12_345, 99_999, 100_000,
        ];
        for n in ns {
            check(Output::Seq(n), seq_whole(n), &format!("seq {n}"));
        }
        let ns = [
            0,
            1,
            63,
            64,
            65,
            CHUNK as u64 - 1,
            CHUNK as u64,
            CHUNK as u64 + 1,
            MAX_BYTES,
        ];
        for n in ns {
            check(Output::Pattern(n), pattern_whole(n), &format!("bytes {n}"));
        }
    }

    #[test]
    fn dates_agree_with_known_days() {
        assert_eq!(date(UNIX_EPOCH), "Thu Jan  1 00:00:00 UTC 1970");
        assert_eq!(
            date(UNIX_EPOCH + Duration::from_secs(951_782_400)),
            "Tue Feb 29 00:00:00 UTC 2000"
        );
    }
}
