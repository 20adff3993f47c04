#!/usr/bin/env python3
"""CPython's side of `core/benches/pystruct.rs`: the cost of packing and
unpacking one IPv4 header (`!BBHHHBBH4s4s`, ten fields) with a compiled
`struct.Struct`, to set beside netlab's `pystruct::Struct`.

Standard library only; the inputs are fixed, so runs differ only by the
machine's noise. Prints nanoseconds per call, the best of several repeats
(the least disturbed run, as `timeit` recommends):

    python3 bench/cpython_struct.py [--cpu] [--json]

With --cpu the clock is the thread's CPU time (time.thread_time), as
`NETLAB_CPU_TIME=1 cargo bench -p netlab-core --bench pystruct` measures
netlab. With --json it prints one JSON line per measurement instead, with
the median, min and max of the repeats (`cargo xtask bench struct` reads
them).
"""

import json
import statistics
import struct
import sys
import time
import timeit

FORMAT = "!BBHHHBBH4s4s"
# version/IHL, DSCP/ECN, total length, id, flags/fragment, TTL, protocol,
# checksum, source, destination: a 20-byte header of a 1500-byte packet.
VALUES = (0x45, 0, 1500, 0x1C46, 0x4000, 64, 6, 0xB1E6, b"\xc0\xa8\x00\x68", b"\xc0\xa8\x00\x01")
REPEAT = 7
NUMBER = 200_000


CLOCK = time.perf_counter


def repeats_ns(stmt, setup_globals):
    timer = timeit.Timer(stmt, timer=CLOCK, globals=setup_globals)
    return [t / NUMBER * 1e9 for t in timer.repeat(repeat=REPEAT, number=NUMBER)]


def best_ns(stmt, setup_globals):
    return min(repeats_ns(stmt, setup_globals))


def main():
    global CLOCK
    if "--cpu" in sys.argv[1:]:
        CLOCK = time.thread_time
    st = struct.Struct(FORMAT)
    packed = st.pack(*VALUES)
    assert len(packed) == 20 and st.unpack(packed) == VALUES
    env = {"st": st, "values": VALUES, "packed": packed}
    if "--json" in sys.argv[1:]:
        for name, stmt in (("pack", "st.pack(*values)"), ("unpack", "st.unpack(packed)")):
            ns = repeats_ns(stmt, env)
            print(json.dumps({"bench": "cpython struct " + name, "clock": CLOCK.__name__, "ns_median": statistics.median(ns),
                              "ns_min": min(ns), "ns_max": max(ns), "repeats": len(ns)}))
        return
    pack_ns = best_ns("st.pack(*values)", env)
    unpack_ns = best_ns("st.unpack(packed)", env)
    print("CPython %s struct.Struct(%r)" % (".".join(map(str, __import__("sys").version_info[:3])), FORMAT))
    print("pack:   %.1f ns per call" % pack_ns)
    print("unpack: %.1f ns per call" % unpack_ns)


if __name__ == "__main__":
    main()
