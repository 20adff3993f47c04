//! Colour for a terminal: docs/cli.md colours the human output only when
//! standard output is a terminal and `NO_COLOR` is unset, so a pipe or a
//! file gets plain text. Set to anything, even the empty string, `NO_COLOR`
//! turns colour off: the contract says "unset", which is stricter than
//! no-color.org (there an empty value counts as unset). The styles
//! are `anstyle`'s (clap's own); the bits of an address are split where
//! the prefix ends, the seeds' lesson: network bits one colour, host bits
//! another.

use std::io::IsTerminal;

use anstyle::{AnsiColor, Style};

/// Whether a stream gets colour: it is a terminal and `NO_COLOR` is unset.
pub fn wanted(is_terminal: bool) -> bool {
    is_terminal && std::env::var_os("NO_COLOR").is_none()
}

/// The styles of the human output, or none.
#[derive(Debug, Clone, Copy)]
pub struct Paint {
    on: bool,
}

/// Network bits (the prefix).
const NETWORK: Style = AnsiColor::Cyan.on_default().bold();
/// Host bits.
const HOST: Style = AnsiColor::Yellow.on_default();
/// A yes: the same network.
const YES: Style = AnsiColor::Green.on_default().bold();
/// A no: different networks.
const NO: Style = AnsiColor::Red.on_default().bold();
/// `error:` on standard error.
const ERROR: Style = AnsiColor::Red.on_default().bold();
/// `hint:` and `note:` on standard error.
const HINT: Style = AnsiColor::Cyan.on_default().bold();

impl Paint {
    /// For standard output, unless the output is JSON.
    pub fn stdout(json: bool) -> Self {
        Self {
            on: !json && wanted(std::io::stdout().is_terminal()),
        }
    }

    /// For standard error.
    pub fn stderr() -> Self {
        Self {
            on: wanted(std::io::stderr().is_terminal()),
        }
    }

    fn paint(self, style: Style, text: &str) -> String {
        if self.on && !text.is_empty() {
            format!("{style}{text}{style:#}")
        } else {
            text.to_owned()
        }
    }

    /// Dotted or grouped bits (`11000000.10101000…`, IPv6's with colons)
    /// with the first `prefix` bits in the network's style and the rest in
    /// the host's; a separator takes the style of the bit before it.
    pub fn bits(self, bits: &str, prefix: u8) -> String {
        if !self.on {
            return bits.to_owned();
        }
        let mut seen = 0usize;
        let cut = bits
            .char_indices()
            .find(|&(_, c)| {
                if c == '0' || c == '1' {
                    seen += 1;
                }
                seen > usize::from(prefix)
            })
            .map_or(bits.len(), |(at, _)| at);
        let (network, host) = bits.split_at(cut);
        format!("{}{}", self.paint(NETWORK, network), self.paint(HOST, host))
    }

    /// A verdict: yes in green, no in red.
    pub fn verdict(self, yes: bool, text: &str) -> String {
        self.paint(if yes { YES } else { NO }, text)
    }

    /// `error:`.
    pub fn error(self, text: &str) -> String {
        self.paint(ERROR, text)
    }

    /// `hint:` or `note:`.
    pub fn hint(self, text: &str) -> String {
        self.paint(HINT, text)
    }
}

#[cfg(test)]
mod test {
    use super::Paint;

    #[test]
    fn bits_split_where_the_prefix_ends() {
        let on = Paint { on: true };
        let painted = on.bits("11000000.10101000.00001100.01010111", 20);
        // The 20 network bits with the dots among them, then the host bits.
        assert_eq!(
            painted,
            "\x1b[1m\x1b[36m11000000.10101000.0000\x1b[0m\x1b[33m1100.01010111\x1b[0m"
        );
        assert_eq!(on.bits("1111", 4), "\x1b[1m\x1b[36m1111\x1b[0m");
        assert_eq!(on.bits("0000", 0), "\x1b[33m0000\x1b[0m");
        let off = Paint { on: false };
        assert_eq!(off.bits("1100.0011", 4), "1100.0011");
        assert_eq!(off.verdict(true, "Same"), "Same");
    }
}
