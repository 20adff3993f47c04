//! Strict address parsing with errors that say what was wrong and where,
//! and the bit-level views the seeds draw by hand.
//!
//! Strict means what `std` accepts: four decimal octets for IPv4 (no octal,
//! no hex, no leading zeros) and RFC 4291 text for IPv6. The lenient legacy
//! forms of `inet_aton` (`127.1`, `0x7f.1`) are a different function on
//! purpose, because the same text means different addresses under the two
//! readings (`010.0.0.1` is 8.0.0.1 to `inet_aton`).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use thiserror::Error;

/// Why a piece of text is not an IP address.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AddrError {
    /// The text is empty.
    #[error("an empty string is not an IP address")]
    Empty,
    /// A dotted-decimal part is above 255 (or not a number at all).
    #[error("'{part}' is not an octet (0-255) in '{text}'")]
    BadOctet { text: String, part: String },
    /// A dotted-decimal part has a leading zero, which legacy parsers read as octal.
    #[error(
        "'{part}' has a leading zero in '{text}': strict parsing refuses it because inet_aton would read it as octal"
    )]
    LeadingZero { text: String, part: String },
    /// Not four dotted parts.
    #[error("'{text}' has {parts} dotted parts; an IPv4 address has 4")]
    PartCount { text: String, parts: usize },
    /// Neither IPv4 nor IPv6 text.
    #[error("'{0}' is not an IPv4 or IPv6 address")]
    NotAnAddress(String),
    /// Looks like IPv6 but is not valid RFC 4291 text.
    #[error("'{0}' is not a valid IPv6 address")]
    BadIpv6(String),
}

/// Parses strict dotted-decimal IPv4 text, naming the offending part on error.
///
/// # Examples
///
/// ```
/// use netlab_core::addr::parse_ipv4;
///
/// assert_eq!(parse_ipv4("192.168.12.87").unwrap().octets(), [192, 168, 12, 87]);
/// assert_eq!(
///     parse_ipv4("10.0.300.1").unwrap_err().to_string(),
///     "'300' is not an octet (0-255) in '10.0.300.1'"
/// );
/// ```
pub fn parse_ipv4(text: &str) -> Result<Ipv4Addr, AddrError> {
    if text.is_empty() {
        return Err(AddrError::Empty);
    }
    let parts: Vec<&str> = text.split('.').collect();
    if parts.len() != 4 {
        return Err(AddrError::PartCount {
            text: text.to_owned(),
            parts: parts.len(),
        });
    }
    let mut octets = [0u8; 4];
    for (slot, part) in octets.iter_mut().zip(&parts) {
        let digits_only = !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
        let value = if digits_only && part.len() <= 3 {
            part.parse::<u16>().ok()
        } else {
            None
        };
        match value {
            Some(v) if v <= 255 => {
                if part.len() > 1 && part.starts_with('0') {
                    return Err(AddrError::LeadingZero {
                        text: text.to_owned(),
                        part: (*part).to_owned(),
                    });
                }
                *slot = v as u8;
            }
            _ => {
                return Err(AddrError::BadOctet {
                    text: text.to_owned(),
                    part: (*part).to_owned(),
                });
            }
        }
    }
    Ok(Ipv4Addr::from(octets))
}

/// Parses strict IPv4 or IPv6 text.
///
/// # Examples
///
/// ```
/// use netlab_core::addr::parse_ip;
///
/// assert!(parse_ip("2001:db8::1").unwrap().is_ipv6());
/// assert!(parse_ip("127.0.0.1").unwrap().is_ipv4());
/// assert!(parse_ip("localhost").is_err());
/// ```
pub fn parse_ip(text: &str) -> Result<IpAddr, AddrError> {
    if text.contains(':') {
        return text
            .parse::<Ipv6Addr>()
            .map(IpAddr::V6)
            .map_err(|_| AddrError::BadIpv6(text.to_owned()));
    }
    if text.contains('.') {
        return parse_ipv4(text).map(IpAddr::V4);
    }
    if text.is_empty() {
        return Err(AddrError::Empty);
    }
    Err(AddrError::NotAnAddress(text.to_owned()))
}

/// The address as an unsigned integer, IPv4 in the low 32 bits.
pub fn to_u128(addr: IpAddr) -> u128 {
    match addr {
        IpAddr::V4(a) => u128::from(u32::from(a)),
        IpAddr::V6(a) => u128::from(a),
    }
}

/// The bits of an address grouped as people write them: `11000000.10101000.…`
/// for IPv4 (as seed 000 §1.1 does by hand) and sixteen-bit groups joined by
/// `:` for IPv6.
///
/// # Examples
///
/// ```
/// use netlab_core::addr::binary;
///
/// let a = "192.168.12.1".parse().unwrap();
/// assert_eq!(binary(a), "11000000.10101000.00001100.00000001");
/// ```
pub fn binary(addr: IpAddr) -> String {
    match addr {
        IpAddr::V4(a) => a
            .octets()
            .iter()
            .map(|o| format!("{o:08b}"))
            .collect::<Vec<_>>()
            .join("."),
        IpAddr::V6(a) => a
            .segments()
            .iter()
            .map(|s| format!("{s:016b}"))
            .collect::<Vec<_>>()
            .join(":"),
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn strict_ipv4_errors_name_the_part() {
        assert_eq!(
            parse_ipv4("1.2.3").unwrap_err().to_string(),
            "'1.2.3' has 3 dotted parts; an IPv4 address has 4"
        );
        assert!(matches!(
            parse_ipv4("01.2.3.4"),
            Err(AddrError::LeadingZero { .. })
        ));
        assert!(matches!(
            parse_ipv4("1.2.3.+4"),
            Err(AddrError::BadOctet { .. })
        ));
        assert!(matches!(
            parse_ipv4("1.2..4"),
            Err(AddrError::BadOctet { .. })
        ));
        assert!(matches!(
            parse_ipv4("1.2.3.0004"),
            Err(AddrError::BadOctet { .. })
        ));
        assert_eq!(parse_ipv4("0.0.0.0").unwrap(), Ipv4Addr::UNSPECIFIED);
    }

    #[test]
    fn strict_ipv4_agrees_with_std() {
        for text in [
            "1.2.3.4",
            "255.255.255.255",
            "256.1.1.1",
            "1.2.3.04",
            "1.2.3.4.",
            " 1.2.3.4",
            "1.2.3.4 ",
            "٣.1.1.1",
        ] {
            assert_eq!(
                parse_ipv4(text).ok(),
                text.parse::<Ipv4Addr>().ok(),
                "{text}"
            );
        }
    }

    #[test]
    fn binary_views() {
        let v6: IpAddr = "::1".parse().unwrap();
        assert!(binary(v6).ends_with(":0000000000000001"));
        assert_eq!(binary(v6).len(), 8 * 16 + 7);
    }
}
