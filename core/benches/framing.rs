//! Length-prefix decoding of 1 KiB messages fed in random chunks, as
//! `recv()` would cut them; throughput counts the stream's bytes.
//!
//! `cargo bench -p netlab-core --bench framing -- --quick`
#![allow(missing_docs, clippy::unwrap_used)]

use std::hint::black_box;

use criterion::measurement::Measurement;
use criterion::{Criterion, Throughput};
use netlab_core::framing::{Decoder, LengthPrefix};

#[path = "support/cpu.rs"]
mod cpu;
const MESSAGES: usize = 1024;
const MESSAGE_LEN: usize = 1024;

/// xorshift64: deterministic chunk sizes without a dependency.
fn xorshift(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

/// The stream cut into chunks of 1 to `max` bytes.
fn chunks(wire: &[u8], max: u64, seed: u64) -> Vec<&[u8]> {
    let mut state = seed;
    let mut out = Vec::new();
    let mut rest = wire;
    while !rest.is_empty() {
        let n = (xorshift(&mut state) % max + 1) as usize;
        let (head, tail) = rest.split_at(n.min(rest.len()));
        out.push(head);
        rest = tail;
    }
    out
}

fn bench<M: Measurement>(c: &mut Criterion<M>) {
    let codec = LengthPrefix::new("!I", 1 << 20).unwrap();
    let mut wire = Vec::new();
    for i in 0..MESSAGES {
        let msg: Vec<u8> = (0..MESSAGE_LEN).map(|j| (i + j) as u8).collect();
        codec.encode(&msg, &mut wire).unwrap();
    }
    let mut group = c.benchmark_group("length_prefix_1KiB");
    group.throughput(Throughput::Bytes(wire.len() as u64));
    // Small reads (up to 64 bytes: most messages span many chunks) and
    // recv(65536)-sized ones (many messages per chunk).
    for (name, max) in [("chunks_1_to_64", 64), ("chunks_1_to_65536", 65536)] {
        let chunks = chunks(&wire, max, 0x9e37_79b9_7f4a_7c15);
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut decoder = codec.decoder();
                let mut bytes = 0;
                for chunk in &chunks {
                    let mut rest = black_box(*chunk);
                    while let Some(msg) = decoder.decode(&mut rest).unwrap() {
                        bytes += msg.len();
                    }
                }
                assert_eq!(bytes, MESSAGES * MESSAGE_LEN);
                bytes
            })
        });
    }
    group.finish();
}

/// Wall time, or the thread's CPU time with `NETLAB_CPU_TIME=1`.
fn main() {
    if cpu::wanted() {
        let mut c = cpu::criterion();
        bench(&mut c);
        c.final_summary();
    } else {
        let mut c = Criterion::default().configure_from_args();
        bench(&mut c);
        c.final_summary();
    }
}
