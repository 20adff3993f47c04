//! The addressing calculator's speed, beside its peers on the same inputs:
//! glibc's `inet_aton` (called here through libc), ipnet's `aggregate`, and
//! CPython's `ipaddress` (timed by `bench/cpython_addressing.py`, which
//! generates the same inputs from the same seed).
//!
//! `cargo bench -p netlab-core --bench addressing`
//!
//! Two clocks: wall time (criterion's default), or with `NETLAB_CPU_TIME=1`
//! the thread's own CPU time, which a loaded machine disturbs much less
//! (time spent descheduled is not counted); `bench/cpython_addressing.py
//! --cpu` times CPython the same way. For counts that do not move at all,
//! `NETLAB_ONCE=<workload>` runs one pass for callgrind (see [`once`]).
//!
//! Results are kept observable with `black_box(&result)`: by reference, so
//! a reading of 170 bytes is not copied once more just to be looked at
//! (glibc's answer, two integers, is passed by value).
#![allow(missing_docs, clippy::unwrap_used)]

use std::ffi::CString;
use std::hint::black_box;
use std::net::Ipv4Addr;

use criterion::measurement::Measurement;
use criterion::{BatchSize, Criterion, Throughput};
use ipnet::IpNet;
use netlab_core::aggregate::summarize;
use netlab_core::classify::Classification;
use netlab_core::inet::{inet_aton, parse_inet_aton};
use netlab_core::subnet::SubnetReport;

#[path = "support/cpu.rs"]
mod cpu;

// glibc's own inet_aton (the libc crate does not declare it).
#[allow(unsafe_code)]
unsafe extern "C" {
    #[link_name = "inet_aton"]
    fn glibc_inet_aton(cp: *const libc::c_char, inp: *mut libc::in_addr) -> libc::c_int;
}

/// splitmix64, as `bench/cpython_addressing.py` has it: same seed, same inputs.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// Random IPv4 addresses as text.
pub fn addresses(n: usize) -> Vec<String> {
    let mut rng = SplitMix(1);
    (0..n)
        .map(|_| Ipv4Addr::from((rng.next() >> 32) as u32).to_string())
        .collect()
}

/// Random IPv4 networks, prefixes 8 to 32, as text.
pub fn networks(n: usize) -> Vec<String> {
    let mut rng = SplitMix(2);
    (0..n)
        .map(|_| {
            let x = rng.next();
            let prefix = 8 + (x % 25) as u8;
            let net = IpNet::new(Ipv4Addr::from((x >> 32) as u32).into(), prefix)
                .unwrap()
                .trunc();
            net.to_string()
        })
        .collect()
}

/// The legacy forms a learner meets, every base and part count.
const ATON_MIX: &[&str] = &[
    "127.0.0.1",
    "192.168.12.87",
    "127.1",
    "10.1.2",
    "0x7f.1",
    "0177.0.0.1",
    "4294967295",
    "0xc0a80c57",
    "1.2.3.4 trailing",
    "255.255.255.255",
];

fn aton<M: Measurement>(c: &mut Criterion<M>) {
    let texts: Vec<CString> = ATON_MIX.iter().map(|t| CString::new(*t).unwrap()).collect();
    let mut group = c.benchmark_group("aton");
    group.throughput(Throughput::Elements(ATON_MIX.len() as u64));
    group.bench_function("netlab inet_aton", |b| {
        b.iter(|| {
            for t in ATON_MIX {
                black_box(&inet_aton(black_box(t)));
            }
        })
    });
    group.bench_function("netlab parse_inet_aton (with the explanation)", |b| {
        b.iter(|| {
            for t in ATON_MIX {
                black_box(&parse_inet_aton(black_box(t)));
            }
        })
    });
    group.bench_function("glibc inet_aton", |b| {
        b.iter(|| {
            for t in &texts {
                let mut out = libc::in_addr { s_addr: 0 };
                // SAFETY: `t` is a NUL-terminated C string that outlives the
                // call and `out` is a valid in_addr; glibc only reads and writes those.
                #[allow(unsafe_code)]
                let ok = unsafe { glibc_inet_aton(black_box(t.as_ptr()), &mut out) };
                black_box((ok, out.s_addr));
            }
        })
    });
    group.finish();
    // Both agree on the mix (the CPython vectors check the rest).
    for (t, c) in ATON_MIX.iter().zip(&texts) {
        let mut out = libc::in_addr { s_addr: 0 };
        #[allow(unsafe_code)]
        // SAFETY: as above.
        let ok = unsafe { glibc_inet_aton(c.as_ptr(), &mut out) };
        assert_eq!(
            inet_aton(t).ok(),
            (ok == 1).then(|| out.s_addr.to_ne_bytes()),
            "{t}"
        );
    }
}

fn classify<M: Measurement>(c: &mut Criterion<M>) {
    let texts = addresses(1_000_000);
    let mut group = c.benchmark_group("classify");
    group.sample_size(10);
    group.throughput(Throughput::Elements(texts.len() as u64));
    group.bench_function("1M addresses, text in, all flags out", |b| {
        b.iter(|| {
            for t in &texts {
                black_box(&Classification::parse(black_box(t)));
            }
        })
    });
    // The strict parse alone, beside std's (which accepts the same text).
    group.bench_function("strict parse, netlab parse_ipv4", |b| {
        b.iter(|| {
            for t in &texts {
                black_box(netlab_core::addr::parse_ipv4(black_box(t)).ok());
            }
        })
    });
    group.bench_function("strict parse, std Ipv4Addr::from_str", |b| {
        b.iter(|| {
            for t in &texts {
                black_box(black_box(t).parse::<std::net::Ipv4Addr>().ok());
            }
        })
    });
    // The floor under any parser: visiting each text (its first and last
    // byte) in the same 1M separately allocated strings.
    group.bench_function("floor: touch each text", |b| {
        b.iter(|| {
            for t in &texts {
                let t = black_box(t).as_bytes();
                black_box((t.first(), t.last()));
            }
        })
    });
    group.finish();
}

fn report<M: Measurement>(c: &mut Criterion<M>) {
    let nets = networks(1000);
    let mut group = c.benchmark_group("subnet_report");
    group.throughput(Throughput::Elements(nets.len() as u64));
    group.bench_function("1k reports", |b| {
        b.iter(|| {
            for t in &nets {
                black_box(&SubnetReport::parse(black_box(t)));
            }
        })
    });
    group.finish();
}

fn aggregate<M: Measurement>(c: &mut Criterion<M>) {
    let nets: Vec<IpNet> = networks(1_000_000)
        .iter()
        .map(|t| t.parse().unwrap())
        .collect();
    let mut group = c.benchmark_group("summarize");
    group.sample_size(10);
    group.throughput(Throughput::Elements(nets.len() as u64));
    group.bench_function("netlab summarize, 1M prefixes", |b| {
        b.iter_batched(
            || nets.clone(),
            |n| black_box(summarize(&n)),
            BatchSize::LargeInput,
        )
    });
    group.bench_function("ipnet aggregate, 1M prefixes", |b| {
        b.iter_batched(
            || nets.clone(),
            |n| black_box(IpNet::aggregate(&n)),
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

fn benches<M: Measurement>(mut c: Criterion<M>) {
    aton(&mut c);
    classify(&mut c);
    report(&mut c);
    aggregate(&mut c);
    c.final_summary();
}

/// One pass of a workload, for an instruction count that does not depend on
/// the machine's load: `NETLAB_ONCE=classify valgrind --tool=callgrind
/// --toggle-collect='*measured*' target/release/deps/addressing-…`. Counts
/// only what runs inside `measured`, not the input generation.
fn once(which: &str) {
    match which {
        "aton" => {
            let reps = 10_000;
            measured(|| {
                for _ in 0..reps {
                    for t in ATON_MIX {
                        black_box(&parse_inet_aton(black_box(t)));
                    }
                }
            });
            println!("{} inputs", reps * ATON_MIX.len());
        }
        "aton-fast" => {
            let reps = 10_000;
            measured(|| {
                for _ in 0..reps {
                    for t in ATON_MIX {
                        black_box(&inet_aton(black_box(t)));
                    }
                }
            });
            println!("{} inputs", reps * ATON_MIX.len());
        }
        "glibc-aton" => {
            let reps = 10_000;
            let texts: Vec<CString> = ATON_MIX.iter().map(|t| CString::new(*t).unwrap()).collect();
            measured(|| {
                for _ in 0..reps {
                    for t in &texts {
                        let mut out = libc::in_addr { s_addr: 0 };
                        // SAFETY: as in `aton`.
                        #[allow(unsafe_code)]
                        let ok = unsafe { glibc_inet_aton(black_box(t.as_ptr()), &mut out) };
                        black_box((ok, out.s_addr));
                    }
                }
            });
            println!("{} inputs", reps * ATON_MIX.len());
        }
        "classify" => {
            let texts = addresses(100_000);
            measured(|| {
                for t in &texts {
                    black_box(&Classification::parse(black_box(t)));
                }
            });
            println!("{} inputs", texts.len());
        }
        "report" => {
            let nets = networks(100_000);
            measured(|| {
                for t in &nets {
                    black_box(&SubnetReport::parse(black_box(t)));
                }
            });
            println!("{} inputs", nets.len());
        }
        "summarize" => {
            let nets: Vec<IpNet> = networks(1_000_000)
                .iter()
                .map(|t| t.parse().unwrap())
                .collect();
            measured(|| {
                black_box(summarize(black_box(&nets)));
            });
            println!("{} inputs", nets.len());
        }
        "ipnet-aggregate" => {
            let nets: Vec<IpNet> = networks(1_000_000)
                .iter()
                .map(|t| t.parse().unwrap())
                .collect();
            measured(|| {
                black_box(IpNet::aggregate(black_box(&nets)));
            });
            println!("{} inputs", nets.len());
        }
        other => panic!(
            "NETLAB_ONCE={other}: aton, aton-fast, glibc-aton, classify, report, summarize or ipnet-aggregate"
        ),
    }
}

#[inline(never)]
fn measured(work: impl FnOnce()) {
    work();
}

fn main() {
    if let Ok(which) = std::env::var("NETLAB_ONCE") {
        once(&which);
        return;
    }
    if cpu::wanted() {
        benches(cpu::criterion());
    } else {
        benches(Criterion::default().configure_from_args());
    }
}
