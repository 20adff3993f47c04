//! `netlab summarize [CIDR...]` and `netlab range START END`: exact
//! aggregation, as Python's `collapse_addresses` and
//! `summarize_address_range`.

use std::io::{self, Write};
use std::process::ExitCode;

use netlab_core::addr::parse_ip;
use netlab_core::aggregate::{parse_network, range_to_cidrs, summarize};
use serde::Serialize;

use crate::items;
use crate::output::Output;

#[derive(Debug, clap::Args)]
pub struct SummarizeArgs {
    /// Networks or addresses: 10.0.0.0/24 10.0.1.0/24 10.0.2.7. With none,
    /// one per line is read from standard input.
    networks: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub struct RangeArgs {
    /// The first address of the range: 192.168.1.10.
    start: String,
    /// The last address of the range (included): 192.168.1.20.
    end: String,
}

/// The JSON of both commands.
#[derive(Debug, Serialize)]
struct Networks<T> {
    networks: Vec<T>,
}

pub fn run_summarize(args: &SummarizeArgs, out: &Output) -> Result<ExitCode, String> {
    let mut networks = Vec::new();
    let code = items::for_each(&args.networks, out, |item| {
        Ok(parse_network(item)
            .map(|n| networks.push(n))
            .map_err(|e| e.to_string()))
    });
    print(out, summarize(&networks));
    Ok(code)
}

pub fn run_range(args: &RangeArgs, out: &Output) -> Result<ExitCode, String> {
    let start = parse_ip(args.start.trim()).map_err(|e| e.to_string())?;
    let end = parse_ip(args.end.trim()).map_err(|e| e.to_string())?;
    let networks = range_to_cidrs(start, end).map_err(|e| e.to_string())?;
    Ok(print(out, networks.collect()))
}

/// `{"networks": […]}`, or one network per line.
fn print<T: Serialize + std::fmt::Display>(out: &Output, networks: Vec<T>) -> ExitCode {
    if out.json {
        return out.result(&Networks { networks }, |_| String::new());
    }
    let mut w = io::stdout().lock();
    for net in networks {
        if writeln!(w, "{net}").is_err() {
            break;
        }
    }
    ExitCode::SUCCESS
}
