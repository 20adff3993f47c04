//! Dates from the seconds since 1970 that captures and clocks count, with
//! no time zone database: UTC only, the proleptic Gregorian calendar pcap
//! and Unix use. One function serves the CLI's capture times and the `cmd`
//! lab's `date`.

/// The year, month (1-12) and day (1-31) of `days` after 1970-01-01, by
/// Howard Hinnant's `civil_from_days`.
///
/// # Examples
///
/// ```
/// use netlab_core::calendar::civil_from_days;
///
/// assert_eq!(civil_from_days(0), (1970, 1, 1));
/// assert_eq!(civil_from_days(11_016), (2000, 2, 29));
/// ```
pub fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days.saturating_add(719_468);
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

/// A time in microseconds since 1970 as people read it:
/// `2026-12-06 23:40:56.999629 UTC`.
///
/// # Examples
///
/// ```
/// use netlab_core::calendar::utc_text;
///
/// assert_eq!(utc_text(1_796_600_456_999_629), "2026-12-06 23:40:56.999629 UTC");
/// ```
pub fn utc_text(timestamp_us: u64) -> String {
    let secs = timestamp_us / 1_000_000;
    let (year, month, day) = civil_from_days(secs / 86_400);
    let rest = secs % 86_400;
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}.{:06} UTC",
        rest / 3_600,
        rest / 60 % 60,
        rest % 60,
        timestamp_us % 1_000_000
    )
}

#[cfg(test)]
mod test {
    use super::utc_text;

    #[test]
    fn times_read_as_python_datetime_reads_them() {
        // Each from python3's datetime.fromtimestamp(…, timezone.utc).
        for (us, text) in [
            (0, "1970-01-01 00:00:00.000000 UTC"),
            (951_782_400_123_456, "2000-02-29 00:00:00.123456 UTC"),
            (1_796_600_456_999_629, "2026-12-06 23:40:56.999629 UTC"),
            (4_102_444_800_000_000, "2100-01-01 00:00:00.000000 UTC"),
            (253_402_300_799_999_999, "9999-12-31 23:59:59.999999 UTC"),
        ] {
            assert_eq!(utc_text(us), text);
        }
        // Beyond year 9999 nothing breaks (pcapng's 64-bit times reach far).
        assert!(utc_text(u64::MAX).ends_with(" UTC"));
    }
}
