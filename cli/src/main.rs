//! `netlab`: the calculator on the command line.
//!
//! This binary only parses arguments, calls `netlab-core` and prints; every
//! answer comes from the core, so the CLI, the browser and the relay agree.
//! `docs/cli.md` is the contract: JSON field names, exit codes, messages.

mod aggregate;
mod classify;
mod dissect;
mod encap;
mod follow;
mod inet;
mod items;
mod mac;
mod output;
mod port;
mod pystruct;
mod same;
mod split;
mod style;
mod subnet;
mod vlsm;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::output::Output;

/// An exact subnet, address and socket calculator for learning networks.
#[derive(Debug, Parser)]
#[command(name = "netlab", version, about, long_about = None)]
struct Cli {
    /// Print JSON instead of text (field names as in docs/cli.md).
    #[arg(long, global = true, overrides_with = "json")]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Report on an address and its network: netmask, network, broadcast,
    /// hosts, class and special-purpose ranges.
    ///
    /// Takes ADDR/PREFIX, ADDR/MASK or ADDR MASK, IPv4 or IPv6.
    Subnet(subnet::Args),
    /// Are A and B in one network? The AND with the mask worked out in
    /// binary. Exit code 1 when they are not.
    Same(same::Args),
    /// Split a network into equal subnets, by new prefix or by count.
    Split(split::Args),
    /// Allocate a subnet for each host count, largest first (VLSM).
    Vlsm(vlsm::Args),
    /// Merge networks into the fewest CIDR blocks, never covering an
    /// address that is not in the input (stdin when no arguments).
    Summarize(aggregate::SummarizeArgs),
    /// The fewest CIDR blocks covering exactly START..END.
    Range(aggregate::RangeArgs),
    /// Classify addresses by the IANA special-purpose registries: private,
    /// global, loopback, documentation, multicast... (stdin when no
    /// arguments).
    Classify(classify::Args),
    /// A MAC address in every notation, its I/G and U/L bits, EUI-64 and
    /// the IPv6 link-local address.
    Mac(mac::Args),
    /// A service's port or a port's service (mysql -> 3306) and its range.
    Port(port::Args),
    /// Read text as socket.inet_aton does: 1 to 4 parts, decimal, octal
    /// (leading 0) or hex (0x), the last filling the bytes left (127.1).
    Aton(inet::AtonArgs),
    /// 4 packed bytes (hex) to a dotted quad, as socket.inet_ntoa.
    Ntoa(inet::NtoaArgs),
    /// Strict address text to packed bytes, as socket.inet_pton.
    Pton(inet::PtonArgs),
    /// Packed bytes (hex) to address text, as socket.inet_ntop.
    Ntop(inet::NtopArgs),
    /// An address and its integer, hex, binary and htonl/ntohl views; with
    /// --v4 or --v6, from the integer to the address.
    Int(inet::IntArgs),
    /// The size of a Python struct format, and where each item sits, as
    /// struct.calcsize.
    Calcsize(pystruct::CalcsizeArgs),
    /// Pack values by a struct format into bytes (hex), as struct.pack.
    Pack(pystruct::PackArgs),
    /// Unpack bytes (hex) by a struct format into values, as struct.unpack.
    Unpack(pystruct::UnpackArgs),
    /// Build an Ethernet frame layer by layer, as the seeds' encapsulation:
    /// data, then ports, IPs and MACs, then bits; --pcap writes it for
    /// Wireshark.
    Encap(encap::Args),
    /// Read a frame (hex or a pcap file) back into named layers and
    /// fields; bad checksums and truncation are findings, not failures.
    Dissect(dissect::Args),
    /// A capture's TCP streams, and one stream's bytes in order as
    /// Wireshark's Follow TCP Stream shows them; with --length-prefix or
    /// --delimiter, the messages in them and the frames each came in.
    Follow(follow::Args),
}

fn main() -> ExitCode {
    let cli = match parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(&e),
    };
    let out = Output::new(cli.json);
    let result = match &cli.command {
        Command::Subnet(args) => subnet::run(args, &out),
        Command::Same(args) => same::run(args, &out),
        Command::Split(args) => split::run(args, &out),
        Command::Vlsm(args) => vlsm::run(args, &out),
        Command::Summarize(args) => aggregate::run_summarize(args, &out),
        Command::Range(args) => aggregate::run_range(args, &out),
        Command::Classify(args) => classify::run(args, &out),
        Command::Mac(args) => mac::run(args, &out),
        Command::Port(args) => port::run(args, &out),
        Command::Aton(args) => inet::run_aton(args, &out),
        Command::Ntoa(args) => inet::run_ntoa(args, &out),
        Command::Pton(args) => inet::run_pton(args, &out),
        Command::Ntop(args) => inet::run_ntop(args, &out),
        Command::Int(args) => inet::run_int(args, &out),
        Command::Calcsize(args) => pystruct::run_calcsize(args, &out),
        Command::Pack(args) => pystruct::run_pack(args, &out),
        Command::Unpack(args) => pystruct::run_unpack(args, &out),
        Command::Encap(args) => encap::run(args, &out),
        Command::Dissect(args) => dissect::run(args, &out),
        Command::Follow(args) => follow::run(args, &out),
    };
    match result {
        Ok(code) => code,
        Err(message) => out.error(&message),
    }
}

/// The command line, where every value that looks like a negative number
/// is a value (`subnet 10.0.0.1 -1`, `split … --count -1`), not an option:
/// the core then says what is wrong with it.
fn command() -> clap::Command {
    // clap colours its help itself, and like no-color.org it reads an empty
    // NO_COLOR as unset; the contract says any NO_COLOR turns colour off.
    let color = if std::env::var_os("NO_COLOR").is_some() {
        clap::ColorChoice::Never
    } else {
        clap::ColorChoice::Auto
    };
    // Every argument that takes a value (clap refuses the setting on flags;
    // the derive gives every argument its action, so it is known here).
    Cli::command().color(color).mut_subcommands(|sub| {
        sub.mut_args(|arg| {
            if arg.get_action().takes_values() {
                arg.allow_negative_numbers(true)
            } else {
                arg
            }
        })
    })
}

fn parse() -> Result<Cli, clap::Error> {
    Cli::from_arg_matches(&command().try_get_matches()?)
}

/// A command line clap could not read: `--help` and `--version` as clap
/// prints them; anything else as every other error, `netlab: error: …` on
/// stderr (clap's usage and hint after it) and, with `--json` among the
/// arguments, `{"error": …}` on stdout. Exit code 2.
fn usage_error(e: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        let _ = e.print();
        return ExitCode::SUCCESS;
    }
    let rendered = e.render().to_string();
    let (message, rest) = if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        // `netlab` alone, or a command that needs a subcommand: the help follows.
        ("a command is needed", rendered.as_str())
    } else {
        let body = rendered.strip_prefix("error: ").unwrap_or(&rendered);
        body.split_once("\n\n").unwrap_or((body, ""))
    };
    let message = message.trim_end();
    let json = std::env::args_os()
        .skip(1)
        .take_while(|a| a != "--")
        .any(|a| a == "--json");
    let one_line = message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let code = Output::new(json).error(&one_line);
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    if let Some(hint) = usage_hint(&args) {
        output::hint(&hint);
    }
    if !rest.trim().is_empty() {
        eprintln!("\n{}", rest.trim_end());
    }
    code
}

/// What a learner most likely meant by a command line clap refused, in the
/// forms other calculators and the seeds' own notes use: a positional new
/// prefix for `split`, a positional mask for `same`, `START-END` for
/// `range`. `None` when nothing is recognised.
fn usage_hint(args: &[String]) -> Option<String> {
    let words: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let (&command, rest) = words.split_first()?;
    let all_options = |flag: &str| {
        args.iter()
            .any(|a| a == flag || a.starts_with(&format!("{flag}=")))
    };
    match (command, rest) {
        ("split", [network, new]) if !all_options("--prefix") && !all_options("--count") => {
            let prefix = new.strip_prefix('/').unwrap_or(new);
            prefix.parse::<u8>().ok().map(|p| {
                format!(
                    "the new prefix goes after --prefix: netlab split {network} --prefix {p} (or --count N for N subnets)"
                )
            })
        }
        ("same", [a, b, mask]) if !all_options("--mask") && !all_options("--prefix") => {
            Some(format!(
                "the mask goes after --mask: netlab same {a} {b} --mask {mask} (or --prefix N)"
            ))
        }
        // `same 10.0.0.1/24 10.0.0.9`: the prefix written on an address.
        ("same", [a, b]) if !all_options("--mask") && !all_options("--prefix") => {
            let (a, suffix_a) = a.split_once('/').unwrap_or((a, ""));
            let (b, suffix_b) = b.split_once('/').unwrap_or((b, ""));
            let suffix = if suffix_a.is_empty() {
                suffix_b
            } else {
                suffix_a
            };
            let flag = if suffix.contains(['.', ':']) {
                "--mask"
            } else {
                "--prefix"
            };
            (!suffix.is_empty()).then(|| {
                format!("the prefix goes after {flag}, not on an address: netlab same {a} {b} {flag} {suffix}")
            })
        }
        ("range", [span]) => span
            .split_once('-')
            .filter(|(start, end)| !start.is_empty() && !end.is_empty())
            .map(|(start, end)| format!("give the two ends apart: netlab range {start} {end}")),
        _ => None,
    }
}

#[cfg(test)]
mod test {
    use super::usage_hint;

    /// clap's own checks of every subcommand, as changed by `command()`
    /// (they otherwise run only when a subcommand is used).
    #[test]
    fn the_command_line_is_consistent() {
        super::command().debug_assert();
    }

    fn hint(line: &str) -> Option<String> {
        usage_hint(&line.split(' ').map(str::to_owned).collect::<Vec<_>>())
    }

    #[test]
    fn common_learner_forms_get_the_command_they_meant() {
        assert_eq!(
            hint("split 192.168.0.0/24 /26").as_deref(),
            Some(
                "the new prefix goes after --prefix: netlab split 192.168.0.0/24 --prefix 26 (or --count N for N subnets)"
            )
        );
        assert!(hint("split 192.168.0.0/24 26").is_some());
        assert_eq!(
            hint("--json same 10.0.0.1 10.0.0.9 255.255.255.0").as_deref(),
            Some(
                "the mask goes after --mask: netlab same 10.0.0.1 10.0.0.9 --mask 255.255.255.0 (or --prefix N)"
            )
        );
        assert_eq!(
            hint("same 192.168.1.10/24 192.168.1.200").as_deref(),
            Some(
                "the prefix goes after --prefix, not on an address: netlab same 192.168.1.10 192.168.1.200 --prefix 24"
            )
        );
        assert_eq!(
            hint("same 10.0.0.1 10.0.0.9/255.255.0.0").as_deref(),
            Some(
                "the prefix goes after --mask, not on an address: netlab same 10.0.0.1 10.0.0.9 --mask 255.255.0.0"
            )
        );
        assert_eq!(hint("same 10.0.0.1 10.0.0.9"), None);
        assert_eq!(
            hint("range 10.0.0.5-10.0.0.20").as_deref(),
            Some("give the two ends apart: netlab range 10.0.0.5 10.0.0.20")
        );
        // Nothing recognised: no hint.
        assert_eq!(hint("split 10.0.0.0/8 x"), None);
        assert_eq!(hint("split 10.0.0.0/8 24 --prefix 24"), None);
        assert_eq!(hint("range 10.0.0.5"), None);
        assert_eq!(hint("frobnicate"), None);
    }
}
