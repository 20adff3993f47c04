//! `netlab split CIDR --prefix N | --count K`: a network's equal subnets,
//! printed as they are made. 0.0.0.0/0 into /32s is 2^32 lines; they stream
//! through a buffer, text one per line and JSON written piece by piece, so
//! memory stays constant and `| head` stops the work.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use netlab_core::aggregate::parse_network;
use netlab_core::plan::{self, Split, SplitBy};

use crate::output::{Output, written};

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("by").required(true).args(["prefix", "count"])))]
pub struct Args {
    /// The network to split: 192.168.0.0/24, 2001:db8::/32.
    network: String,
    /// The subnets' prefix length (or netmask): 26.
    #[arg(long)]
    prefix: Option<String>,
    /// How many subnets are needed: the shortest prefix (largest subnets)
    /// giving at least this many is used.
    #[arg(long)]
    count: Option<String>,
}

pub fn run(args: &Args, out: &Output) -> Result<ExitCode, String> {
    let network = parse_network(&args.network).map_err(|e| e.to_string())?;
    let by = match (&args.prefix, &args.count) {
        (Some(p), _) => SplitBy::Prefix(p),
        (None, Some(k)) => SplitBy::Count(k),
        (None, None) => return Err("give --prefix N or --count K".to_owned()),
    };
    let split = plan::split_by(network, by).map_err(|e| e.to_string())?;
    if let Some(note) = args.count.as_deref().and_then(|k| rounding_note(k, &split)) {
        crate::output::note(&note);
    }
    let mut w = BufWriter::new(io::stdout().lock());
    // A closed pipe (`netlab split … | head`) ends the output early: the
    // reader's choice, not an error (see `output::written`).
    let wrote = if out.json {
        write_json(&mut w, split)
    } else {
        write_text(&mut w, split)
    }
    .and_then(|()| w.flush());
    Ok(written(wrote, ExitCode::SUCCESS))
}

/// Why `--count 3` lists 4 subnets: a learner who asked for 3 should not
/// have to guess that equal subnets only come in powers of two.
fn rounding_note(asked: &str, split: &Split) -> Option<String> {
    let asked = plan::parse_count(asked).ok()?;
    let made = split.count.get();
    if made.is_some_and(|m| m <= asked) {
        return None;
    }
    // Rounding up takes at least 2 more bits (3 subnets and more).
    let bits = split.prefix - split.network.prefix_len();
    Some(format!(
        "{asked} asked for; equal subnets come in powers of two, so /{} ({bits} more prefix bits) makes {}",
        split.prefix, split.count
    ))
}

fn write_text(w: &mut impl Write, split: Split) -> io::Result<()> {
    for net in split.subnets {
        writeln!(w, "{net}")?;
    }
    Ok(())
}

/// `{"network": …, "prefix": …, "count": …, "subnets": [ … ]}`, one subnet
/// at a time: the JSON of `plan::SplitList`, streamed.
fn write_json(w: &mut impl Write, split: Split) -> io::Result<()> {
    let field = |value: Result<String, serde_json::Error>| value.map_err(io::Error::other);
    write!(
        w,
        "{{\"network\":{},\"prefix\":{},\"count\":{},\"subnets\":[",
        field(serde_json::to_string(&split.network))?,
        split.prefix,
        field(serde_json::to_string(&split.count))?,
    )?;
    for (i, net) in split.subnets.enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        write!(w, "\"{net}\"")?;
    }
    writeln!(w, "]}}")
}
