#!/usr/bin/env python3
"""CPython's side of `core/benches/pystruct.rs`: the cost of packing and
unpacking one IPv4 header (`!BBHHHBBH4s4s`, ten fields) with a compiled
`struct.Struct`, to set beside netlab's `pystruct::Struct`.

Standard library only; the inputs are fixed, so runs differ only by the
machine's noise. Prints nanoseconds per call, the best of several repeats
(the least disturbed run, as `timeit` recommends):

    python3 bench/cpython_struct.py
"""

import struct
import timeit

FORMAT = "!BBHHHBBH4s4s"
# version/IHL, DSCP/ECN, total length, id, flags/fragment, TTL, protocol,
# checksum, source, destination: a 20-byte header of a 1500-byte packet.
VALUES = (0x45, 0, 1500, 0x1C46, 0x4000, 64, 6, 0xB1E6, b"\xc0\xa8\x00\x68", b"\xc0\xa8\x00\x01")
REPEAT = 7
NUMBER = 200_000


def best_ns(stmt, setup_globals):
    timer = timeit.Timer(stmt, globals=setup_globals)
    return min(timer.repeat(repeat=REPEAT, number=NUMBER)) / NUMBER * 1e9


def main():
    st = struct.Struct(FORMAT)
    packed = st.pack(*VALUES)
    assert len(packed) == 20 and st.unpack(packed) == VALUES
    env = {"st": st, "values": VALUES, "packed": packed}
    pack_ns = best_ns("st.pack(*values)", env)
    unpack_ns = best_ns("st.unpack(packed)", env)
    print("CPython %s struct.Struct(%r)" % (".".join(map(str, __import__("sys").version_info[:3])), FORMAT))
    print("pack:   %.1f ns per call" % pack_ns)
    print("unpack: %.1f ns per call" % unpack_ns)


if __name__ == "__main__":
    main()
