//! `netlab summarize [CIDR...]` and `netlab range START END`: exact
//! aggregation, as Python's `collapse_addresses` and
//! `summarize_address_range`.

use std::io::{self, Write};
use std::process::ExitCode;

use netlab_core::aggregate::{Networks, parse_network, summarize};

use crate::items;
use crate::output::{Output, written};

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

pub fn run_summarize(args: &SummarizeArgs, out: &Output) -> Result<ExitCode, String> {
    let mut networks = Vec::new();
    let code = items::for_each(&args.networks, out, |item| {
        Ok(parse_network(item)
            .map(|n| networks.push(n))
            .map_err(|e| e.to_string()))
    });
    let networks = summarize(&networks);
    let printed = print(out, &Networks { networks });
    // A bad line's exit code stands; else the printing's.
    Ok(if code == ExitCode::SUCCESS {
        printed
    } else {
        code
    })
}

pub fn run_range(args: &RangeArgs, out: &Output) -> Result<ExitCode, String> {
    let networks = Networks::range(&args.start, &args.end).map_err(|e| e.to_string())?;
    Ok(print(out, &networks))
}

/// `{"networks": […]}`, or one network per line.
fn print(out: &Output, networks: &Networks) -> ExitCode {
    if out.json {
        return out.result(networks, |_| String::new());
    }
    let mut w = io::stdout().lock();
    let wrote = networks
        .networks
        .iter()
        .try_for_each(|net| writeln!(w, "{net}"))
        .and_then(|()| w.flush());
    written(wrote, ExitCode::SUCCESS)
}
