#!/usr/bin/env python3
"""Oracle vectors for how `unpack` shows a float: CPython's `repr(float)`.

Run with the CPython the vectors claim (3.11 on x86_64 Linux):

    python3 tests/vectors/gen_float_repr.py > tests/vectors/float_repr_cpython.json

Standard library only, and deterministic (a fixed `random.seed`). Each case
is `[bits, repr]`: the double's 8 IEEE 754 bytes as hex, big-endian, and
what Python prints for it. Random bit patterns, and values around the two
places where repr switches between positional and scientific form (1e-4
and 1e16), subnormals, powers of ten and two.
"""

import json
import math
import random
import struct
import sys

random.seed(0xF1_0A7)


def bits(x):
    return struct.pack(">d", x).hex()


def cases():
    xs = []
    for _ in range(1200):
        x = struct.unpack(">d", random.getrandbits(64).to_bytes(8, "big"))[0]
        if math.isfinite(x):
            xs.append(x)
    for edge in (1e-4, 1e16, 1.0, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308):
        for k in range(-3, 4):
            y = edge
            for _ in range(abs(k)):
                y = math.nextafter(y, math.inf if k > 0 else 0.0)
            xs.append(y)
    for e in range(-323, 309):
        xs.append(float(f"1e{e}"))
    for e in range(-1074, 1024, 7):
        xs.append(math.ldexp(1.0, e))
    for _ in range(400):
        xs.append(random.uniform(-1, 1) * 10 ** random.uniform(-6, 18))
    xs += [0.0, -0.0, 0.1, 0.5, 1 / 3, 123456789.0, 9999999999999998.0]
    out = []
    for x in xs:
        for v in (x, -x):
            if math.isfinite(v):
                out.append([bits(v), repr(v)])
    return out


json.dump({"python": sys.version.split()[0], "cases": cases()}, sys.stdout, separators=(",", ":"))
sys.stdout.write("\n")
