//! `netlab`: the calculator on the command line.
//!
//! This binary only parses arguments, calls `netlab-core` and prints; every
//! answer comes from the core, so the CLI, the browser and the relay agree.
//! `docs/cli.md` is the contract: JSON field names, exit codes, messages.

mod output;
mod subnet;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::output::Output;

/// An exact subnet, address and socket calculator for learning networks.
#[derive(Debug, Parser)]
#[command(name = "netlab", version, about, long_about = None)]
struct Cli {
    /// Print JSON instead of text (field names as in docs/cli.md).
    #[arg(long, global = true)]
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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let out = Output::new(cli.json);
    let result = match &cli.command {
        Command::Subnet(args) => subnet::run(args, &out),
    };
    match result {
        Ok(code) => code,
        Err(message) => out.error(&message),
    }
}
