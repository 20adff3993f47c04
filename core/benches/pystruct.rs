//! Packing and unpacking one IPv4 header (`!BBHHHBBH4s4s`, ten fields)
//! through a compiled `pystruct::Struct`, beside `bench/cpython_struct.py`,
//! which times CPython's `struct.Struct` on the same record.
//!
//! `cargo bench -p netlab-core --bench pystruct -- --quick`
#![allow(missing_docs, clippy::unwrap_used)]

use std::hint::black_box;

use criterion::Criterion;
use criterion::measurement::Measurement;
use netlab_core::pystruct::{Struct, Value};

#[path = "support/cpu.rs"]
mod cpu;
const FORMAT: &str = "!BBHHHBBH4s4s";

/// The same values as the Python script: version/IHL, DSCP/ECN, total
/// length, id, flags/fragment, TTL, protocol, checksum, source, destination.
fn values() -> Vec<Value> {
    vec![
        Value::Int(0x45),
        Value::Int(0),
        Value::Int(1500),
        Value::Int(0x1c46),
        Value::Int(0x4000),
        Value::Int(64),
        Value::Int(6),
        Value::Int(0xb1e6),
        Value::Bytes(vec![192, 168, 0, 104]),
        Value::Bytes(vec![192, 168, 0, 1]),
    ]
}

fn bench<M: Measurement>(c: &mut Criterion<M>) {
    let st = Struct::new(FORMAT).unwrap();
    let values = values();
    let packed = st.pack(&values).unwrap();
    assert_eq!(packed.len(), 20);
    assert_eq!(st.unpack(&packed).unwrap(), values);

    let mut group = c.benchmark_group("ipv4_header");
    group.bench_function("pack", |b| b.iter(|| st.pack(black_box(&values)).unwrap()));
    group.bench_function("pack_into", |b| {
        let mut buf = [0u8; 20];
        b.iter(|| {
            st.pack_into(black_box(&mut buf), 0, black_box(&values))
                .unwrap();
            buf
        })
    });
    group.bench_function("unpack", |b| {
        b.iter(|| st.unpack(black_box(&packed)).unwrap())
    });
    group.bench_function("unpack_into", |b| {
        let mut out = Vec::new();
        b.iter(|| {
            st.unpack_into(black_box(&packed), &mut out).unwrap();
            out.len()
        })
    });
    // The floors under the allocating forms: the allocations alone, with
    // nothing packed or unpacked. `pack` returns a new 20-byte vector;
    // `unpack` a vector of ten values, two of them 4-byte `bytes`.
    // As `pack` allocates: reserve, then zero (malloc, not calloc).
    group.bench_function("floor: pack's allocation", |b| {
        b.iter(|| {
            let mut buf = Vec::new();
            buf.try_reserve_exact(black_box(20)).unwrap();
            buf.resize(20, 0u8);
            buf
        })
    });
    group.bench_function("floor: unpack's allocations", |b| {
        b.iter(|| {
            let mut out: Vec<Value> = Vec::with_capacity(black_box(10));
            // As `unpack` makes its `bytes`: a copy of the input's.
            out.push(Value::Bytes(black_box(&[0u8; 4][..]).to_vec()));
            out.push(Value::Bytes(black_box(&[0u8; 4][..]).to_vec()));
            out
        })
    });
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
