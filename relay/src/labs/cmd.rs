//! The command lab (seed 001 "命令传送2"): the seed's server ran each line
//! through a shell; this one knows a few commands of its own and never
//! starts a process. Each answer is sent as the seed sends it: `info|<len>`
//! and then the output, back to back, so a client that does not frame the
//! stream sees them stuck together.

use std::io;
use std::time::{SystemTime, UNIX_EPOCH};

use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use super::stream::recv;

/// The most lines `seq` prints.
const MAX_SEQ: u64 = 100_000;
/// The most bytes `bytes` sends.
const MAX_BYTES: u64 = 16 * 1024 * 1024;

const HELP: &str =
    "commands: help, date, whoami, echo TEXT, seq N (N <= 100000), bytes N (N <= 16777216)";

pub async fn serve(mut stream: TcpStream) -> io::Result<()> {
    stream.write_all("欢迎登录".as_bytes()).await?;
    let mut buf = [0u8; 1024];
    loop {
        let n = recv(&mut stream, &mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        let command = String::from_utf8_lossy(buf.get(..n).unwrap_or_default()).into_owned();
        let output = run(command.trim(), SystemTime::now());
        let info = format!("info|{}", output.len());
        stream.write_all(info.as_bytes()).await?;
        stream.write_all(&output).await?;
    }
}

/// The output of one command, like `subprocess.getoutput` (no trailing newline).
pub fn run(command: &str, now: SystemTime) -> Vec<u8> {
    let (name, arg) = command.split_once(' ').unwrap_or((command, ""));
    let count = |max: u64| arg.trim().parse::<u64>().ok().filter(|n| *n <= max);
    match name {
        "help" => HELP.into(),
        "date" => date(now).into_bytes(),
        "whoami" => std::env::var("USER")
            .unwrap_or_else(|_| "netlab".into())
            .into_bytes(),
        "echo" => arg.as_bytes().to_vec(),
        "seq" => match count(MAX_SEQ) {
            Some(n) => (1..=n)
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join("\n")
                .into_bytes(),
            None => format!("seq: N must be a whole number from 0 to {MAX_SEQ}").into_bytes(),
        },
        "bytes" => match count(MAX_BYTES) {
            Some(n) => pattern(n),
            None => format!("bytes: N must be a whole number from 0 to {MAX_BYTES}").into_bytes(),
        },
        _ => format!("unknown command: {command}").into_bytes(),
    }
}

/// `n` bytes of a pattern a learner can check by eye: the alphabet, and a
/// newline every 64 bytes.
fn pattern(n: u64) -> Vec<u8> {
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

/// Howard Hinnant's days-to-civil algorithm, for days since 1970-01-01.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + u64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod test {
    use super::*;
    use std::time::Duration;

    #[test]
    fn commands() {
        let t = UNIX_EPOCH + Duration::from_secs(1_795_315_500); // 2026-11-22 02:45:00 UTC
        assert_eq!(run("date", t), b"Sun Nov 22 02:45:00 UTC 2026");
        assert_eq!(run("seq 3", t), b"1\n2\n3");
        assert_eq!(run("bytes 100000", t).len(), 100_000);
        assert_eq!(&run("bytes 3", t), b"abc");
        assert_eq!(run("echo 你好 world", t), "你好 world".as_bytes());
        assert_eq!(run("rm -rf /", t), b"unknown command: rm -rf /");
        assert!(
            String::from_utf8(run("seq 100001", t))
                .unwrap()
                .starts_with("seq: N must")
        );
        assert!(
            String::from_utf8(run("help", t))
                .unwrap()
                .contains("bytes N")
        );
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
