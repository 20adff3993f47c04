//! Counts in the English the core writes: "1 byte", "2 bytes". The
//! explanations and hints of the CLI come from here; the page has its own
//! words (web/i18n.js), and CPython's messages keep CPython's wording, which
//! says "1 bytes" (`unpack requires a buffer of 1 bytes`).

/// `n` and the word that agrees with it: `one` for 1, `other` otherwise.
///
/// # Examples
///
/// ```
/// use netlab_core::english::count;
///
/// assert_eq!(count(1, "byte", "bytes"), "1 byte");
/// assert_eq!(count(3, "byte", "bytes"), "3 bytes");
/// ```
pub fn count(n: u64, one: &str, other: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { other })
}

#[cfg(test)]
mod test {
    use super::count;

    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(count(1, "byte", "bytes"), "1 byte");
        assert_eq!(count(0, "byte", "bytes"), "0 bytes");
        assert_eq!(count(2, "was", "were"), "2 were");
        assert_eq!(
            count(u64::MAX, "byte", "bytes"),
            "18446744073709551615 bytes"
        );
    }
}
