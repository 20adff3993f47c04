//! `netlab same A B --mask M`: are two addresses in one network? The AND
//! worked out in binary, as seed 000 §1.1 does it by hand. Exit code 1
//! when they are not, like `grep` finding nothing.

use std::fmt::Write as _;
use std::process::ExitCode;

use netlab_core::same::SameReport;

use crate::output::Output;
use crate::style::Paint;

/// Exit code for a predicate that answered "no".
const EXIT_NO: u8 = 1;

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("netmask").required(true).args(["mask", "prefix"])))]
pub struct Args {
    /// The first address: 192.168.12.1.
    a: String,
    /// The second address: 192.168.13.1.
    b: String,
    /// The subnet mask: 255.255.255.0 (a prefix length works too).
    #[arg(long)]
    mask: Option<String>,
    /// The prefix length: 24.
    #[arg(long)]
    prefix: Option<String>,
}

pub fn run(args: &Args, out: &Output) -> Result<ExitCode, String> {
    let mask = args
        .mask
        .as_deref()
        .or(args.prefix.as_deref())
        .unwrap_or_default();
    let report = SameReport::parse(&args.a, &args.b, mask).map_err(|e| e.to_string())?;
    let printed = out.result(&report, |r| render(r, out.paint));
    // Output that could not be written says so first.
    Ok(if report.same || printed != ExitCode::SUCCESS {
        printed
    } else {
        ExitCode::from(EXIT_NO)
    })
}

/// The seed's layout: each value beside its bits, the AND under it (on a
/// terminal, the bits the mask keeps in one colour, the rest in another).
fn render(r: &SameReport, paint: Paint) -> String {
    let mut s = String::new();
    let mask = format!("{} (/{})", r.mask, r.prefix);
    // One column for the values, so the bits line up under each other.
    let width = [&r.a, &r.b]
        .iter()
        .flat_map(|side| {
            [
                side.address.to_string().len(),
                side.network.to_string().len() + 2,
            ]
        })
        .fold(mask.len(), usize::max);
    let bits = |b: &dyn std::fmt::Display| paint.bits(&b.to_string(), r.prefix);
    let _ = writeln!(s, "{:<10}{mask:<width$}  {}", "Mask:", bits(&r.mask_binary));
    for (label, side) in [("A:", &r.a), ("B:", &r.b)] {
        let _ = writeln!(s);
        let address = side.address.to_string();
        let _ = writeln!(s, "{label:<10}{address:<width$}  {}", bits(&side.binary));
        let network = format!("= {}", side.network);
        let _ = writeln!(
            s,
            "{:<10}{network:<width$}  {}",
            "AND mask",
            bits(&side.network_binary)
        );
    }
    let _ = writeln!(s);
    if r.same {
        let _ = writeln!(
            s,
            "{} both ANDs give {}, so {} and {} are in {}/{}.",
            paint.verdict(true, "Same network:"),
            r.a.network,
            r.a.address,
            r.b.address,
            r.a.network,
            r.prefix
        );
    } else {
        let _ = writeln!(
            s,
            "{} {} is not {}, so {} and {} are not in one /{} network.",
            paint.verdict(false, "Different networks:"),
            r.a.network,
            r.b.network,
            r.a.address,
            r.b.address,
            r.prefix
        );
    }
    let _ = write!(
        s,
        "They agree on the first {} bits: a /{} ({}) puts both in {}",
        r.common_prefix, r.common_prefix, r.common_mask, r.common_network
    );
    // A shorter prefix puts them in a larger network together; /0 has none.
    let _ = if r.common_prefix > 0 {
        writeln!(s, "; any shorter prefix puts them together too.")
    } else {
        writeln!(s, ".")
    };
    s
}
