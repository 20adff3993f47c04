//! Why bytes are not a header, in the two kinds etherparse separates:
//! too few bytes ([`LenError`]) and a value the header does not allow
//! ([`ContentError`]). Both name the layer and the byte where it happened,
//! because a learner who pasted a frame needs to know where to look.
//!
//! The wire formats report offsets from the start of the buffer they were
//! given; the dissector moves them to frame offsets with `shifted`.

use std::fmt;

use thiserror::Error;

use super::layer::Protocol;

/// A header could not be read: too short, or a field says something
/// impossible.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum WireError {
    #[error(transparent)]
    Length(#[from] LenError),
    #[error(transparent)]
    Content(#[from] ContentError),
}

impl WireError {
    /// The same error with its offset moved by `by` bytes.
    pub fn shifted(self, by: usize) -> Self {
        match self {
            Self::Length(e) => Self::Length(e.shifted(by)),
            Self::Content(e) => Self::Content(e.shifted(by)),
        }
    }

    /// The layer whose header it is.
    pub fn layer(&self) -> Protocol {
        match self {
            Self::Length(e) => e.layer,
            Self::Content(e) => e.layer,
        }
    }
}

/// What asked for the bytes that are missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LenSource {
    /// The fixed part of the header itself.
    Header,
    /// A length field in the header (`Total Length`, `Payload Length`, …)
    /// and the number it holds, which may count in other units or leave
    /// out the header (`Payload Length` 14 means 54 bytes of IPv6).
    Field { name: &'static str, says: u64 },
    /// Several fields together (ARP's hardware and protocol sizes).
    Fields(&'static str),
}

/// Fewer bytes than the header, or one of its length fields, needs.
///
/// # Examples
///
/// ```
/// use netlab_core::packet::tcp::Packet;
///
/// let e = Packet::new_checked(&[0u8; 12][..]).unwrap_err();
/// assert_eq!(e.to_string(), "TCP: needs 20 bytes from byte 0, only 12 are there");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub struct LenError {
    pub layer: Protocol,
    /// Where the header starts.
    pub offset: usize,
    pub needed: usize,
    pub available: usize,
    pub len_source: LenSource,
}

impl LenError {
    pub(crate) fn header(layer: Protocol, needed: usize, available: usize) -> Self {
        Self {
            layer,
            offset: 0,
            needed,
            available,
            len_source: LenSource::Header,
        }
    }

    /// `name` holds `says`, by which the header (and data) need `needed` bytes.
    pub(crate) fn field(
        layer: Protocol,
        name: &'static str,
        says: u64,
        needed: usize,
        available: usize,
    ) -> Self {
        Self {
            layer,
            offset: 0,
            needed,
            available,
            len_source: LenSource::Field { name, says },
        }
    }

    /// The fields `names` together need `needed` bytes.
    pub(crate) fn fields(
        layer: Protocol,
        names: &'static str,
        needed: usize,
        available: usize,
    ) -> Self {
        Self {
            layer,
            offset: 0,
            needed,
            available,
            len_source: LenSource::Fields(names),
        }
    }

    /// The same error with its offset moved by `by` bytes.
    pub fn shifted(mut self, by: usize) -> Self {
        self.offset += by;
        self
    }
}

impl fmt::Display for LenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            layer,
            offset,
            needed,
            available,
            len_source,
        } = self;
        match len_source {
            LenSource::Header => write!(f, "{layer}: needs {needed} bytes from byte {offset}")?,
            LenSource::Field { name, says } if *says == *needed as u64 => write!(
                f,
                "{layer}: the {name} field says {needed} bytes from byte {offset}"
            )?,
            LenSource::Field { name, says } => write!(
                f,
                "{layer}: the {name} field says {says}, which makes {needed} bytes from byte {offset}"
            )?,
            LenSource::Fields(names) => write!(
                f,
                "{layer}: the {names} fields make {needed} bytes from byte {offset}"
            )?,
        }
        let verb = if *available == 1 { "is" } else { "are" };
        write!(f, ", only {available} {verb} there")
    }
}

/// A field holds a value the header does not allow.
///
/// # Examples
///
/// ```
/// use netlab_core::packet::ipv4::Packet;
///
/// let mut bytes = [0u8; 20];
/// bytes[0] = 0x65;
/// let e = Packet::new_checked(&bytes[..]).unwrap_err();
/// assert_eq!(e.to_string(), "IPv4: Version is 6 at byte 0; an IPv4 header has version 4");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{layer}: {field} is {value} at byte {offset}; {rule}")]
pub struct ContentError {
    pub layer: Protocol,
    /// The byte holding (the start of) the field.
    pub offset: usize,
    pub field: &'static str,
    pub value: u64,
    /// What the header allows, in words.
    pub rule: &'static str,
}

impl ContentError {
    pub(crate) fn new(
        layer: Protocol,
        offset: usize,
        field: &'static str,
        value: u64,
        rule: &'static str,
    ) -> Self {
        Self {
            layer,
            offset,
            field,
            value,
            rule,
        }
    }

    /// The same error with its offset moved by `by` bytes.
    pub fn shifted(mut self, by: usize) -> Self {
        self.offset += by;
        self
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn messages_name_the_layer_and_the_byte() {
        let e = LenError::field(Protocol::Ipv4, "Total Length", 60, 60, 45).shifted(14);
        assert_eq!(
            e.to_string(),
            "IPv4: the Total Length field says 60 bytes from byte 14, only 45 are there"
        );
        let one = LenError::header(Protocol::Udp, 8, 1);
        assert_eq!(
            one.to_string(),
            "UDP: needs 8 bytes from byte 0, only 1 is there"
        );
        let w = WireError::from(ContentError::new(
            Protocol::Tcp,
            12,
            "Data Offset",
            4,
            "it counts 32-bit words and is at least 5",
        ))
        .shifted(34);
        assert_eq!(w.layer(), Protocol::Tcp);
        assert_eq!(
            w.to_string(),
            "TCP: Data Offset is 4 at byte 46; it counts 32-bit words and is at least 5"
        );
    }
}
