#!/usr/bin/env python3
"""Oracle vectors for `netlab_core::pystruct`: CPython's `struct` module.

Run with the CPython the vectors claim (3.11 on x86_64 Linux):

    python3 tests/vectors/gen_struct.py > tests/vectors/struct_cpython.json

Standard library only, and deterministic (a fixed `random.seed`), so running
it again gives the same file byte for byte.

Encoding, kept compact so the file stays small:

- a value is a string with a one-letter tag: `i-12` an int, `T` / `F` a
  bool, `f3ff0000000000000` a float as its 8 IEEE 754 bytes big-endian (so
  NaN payloads, signs and infinities survive), `x6162` bytes as hex (`x`
  alone is `b''`), `uabc` a str (the text after the `u`);
- an outcome is `"ok": ...` or `"err": [class, message]`, where class is
  `struct.error` or the builtin's name (`OverflowError`, `SystemError`, ...);
- buffers are hex.

Kinds: `calcsize`, `pack`, `unpack`, `pack_into` (with the buffer after the
call, error or not, because CPython leaves partial writes behind),
`unpack_from` and `iter_unpack`.
"""

import json
import math
import random
import struct
import sys

random.seed(0x5EED_57C7)

SSIZE_MAX = 2**63 - 1
I128 = (-(2**127), 2**127 - 1)

CODES = "xcbB?hHiIlLqQnNefdspP"
NATIVE_ONLY = "nNP"
PREFIXES = ["", "@", "=", "<", ">", "!"]
SPACES = " \t\n\r\x0b\x0c"
# Printable ASCII that is neither a code, a prefix, a digit nor a space.
BAD = [
    ch
    for ch in map(chr, range(33, 127))
    if ch not in CODES and ch not in "@=<>!" and not ch.isdigit()
]


def enc(v):
    if isinstance(v, bool):
        return "T" if v else "F"
    if isinstance(v, int):
        # Beyond an i128 netlab keeps an int as Python's float of it and
        # its low 64 bits (Value::LargeInt); only large_int_pack_cases and
        # overflow_pack_into_cases give such ints.
        return "i%d" % v
    if isinstance(v, float):
        return "f" + struct.pack(">d", v).hex()
    if isinstance(v, (bytes, bytearray)):
        return "x" + bytes(v).hex()
    if isinstance(v, str):
        # A Python str (only str_pack_cases gives one): the text itself.
        return "u" + v
    if v is None:
        # Only none_pack_cases gives one.
        return "N"
    raise TypeError(type(v))


def err_of(e):
    name = "struct.error" if isinstance(e, struct.error) else type(e).__name__
    return [name, str(e)]


def outcome(case, fn):
    try:
        case["ok"] = fn()
    except Exception as e:  # noqa: BLE001 - the class is the oracle's answer
        case["err"] = err_of(e)
    return case


def is_native(fmt):
    return not fmt or fmt[0] not in "=<>!"


def fbits(b):
    return struct.unpack(">d", b.to_bytes(8, "big"))[0]


# ---------------------------------------------------------------------------
# Formats


def rand_count(code):
    r = random.random()
    if r < 0.5:
        return ""
    if r < 0.85:
        return str(random.randint(0, 5))
    if code in "sp" and random.random() < 0.2:
        return str(random.choice([0, 1, 2, 254, 255, 256, 257, random.randint(6, 300)]))
    return str(random.randint(6, 24))


def rand_format(max_items=8, codes=None):
    prefix = random.choice(PREFIXES)
    allowed = codes or CODES
    if not is_native(prefix):
        allowed = "".join(c for c in allowed if c not in NATIVE_ONLY) or "b"
    parts = [prefix]
    if random.random() < 0.1:
        parts.append(random.choice(SPACES))
    for _ in range(random.randint(1, max_items)):
        code = random.choice(allowed)
        parts.append(rand_count(code) + code)
        if random.random() < 0.15:
            parts.append(random.choice(SPACES) * random.randint(1, 2))
    return "".join(parts)


def broken_format():
    """A format with one thing wrong, of every kind CPython reports."""
    fmt = rand_format(4)
    kind = random.randrange(12)
    cut = random.randint(0, len(fmt))
    if kind == 0:
        return fmt[:cut] + random.choice(BAD) + fmt[cut:]
    if kind == 1:
        return fmt + str(random.randint(0, 99))
    if kind == 2:
        return fmt + random.choice("<>=!@")
    if kind == 3:
        return random.choice("<>=!") + random.choice(NATIVE_ONLY) + fmt.lstrip("@=<>!")
    if kind == 4:
        return fmt + str(random.randint(1, 9)) + random.choice(SPACES) + "i"
    if kind == 5:
        big = random.choice(
            [
                "99999999999999999999",
                str(SSIZE_MAX),
                str(SSIZE_MAX + 1),
                str(SSIZE_MAX // 2),
                str(SSIZE_MAX // 4 + 1),
                str(SSIZE_MAX // 8),
                str(random.randint(2**40, 2**70)),
            ]
        )
        return fmt + big + random.choice("xbhiqsd")
    if kind == 6:
        return fmt[:cut] + "\0" + fmt[cut:]
    if kind == 7:
        return fmt[:cut] + random.choice(["é", "€", "😀", "éé", "\x80", "ÿ"]) + fmt[cut:]
    if kind == 8:
        return fmt[:cut] + chr(random.choice([0x1C, 0x1D, 0x1E, 0x1F, 0x7F, 0x01])) + fmt[cut:]
    if kind == 9:
        return "9" * random.randint(19, 22)
    if kind == 10:
        return fmt + "%dx%dh" % (SSIZE_MAX - random.randint(0, 3), random.randint(0, 2))
    return fmt + random.choice(["0p", "0s", "0x", "0i"])


# ---------------------------------------------------------------------------
# Values


def int_range(fmt, code):
    native = is_native(fmt)
    bits = {
        "b": 8, "B": 8, "h": 16, "H": 16, "i": 32, "I": 32,
        "l": 64 if native else 32, "L": 64 if native else 32,
        "q": 64, "Q": 64, "n": 64, "N": 64, "P": 64,
    }[code]
    if code == "P":
        return (-(2**63), 2**64 - 1)
    if code.isupper():
        return (0, 2**bits - 1)
    return (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1)


EDGES = [0, 1, -1, 127, 128, -128, -129, 255, 256, 32767, 32768, -32768, -32769,
         65535, 65536, 2**31 - 1, 2**31, -(2**31), -(2**31) - 1, 2**32 - 1, 2**32,
         2**63 - 1, 2**63, -(2**63), -(2**63) - 1, 2**64 - 1, 2**64, 2**100,
         -(2**100), I128[0], I128[1]]


def special_double():
    return random.choice([
        0.0, -0.0, 1.0, -1.0, 0.5, 1.5, math.inf, -math.inf, math.nan, -math.nan,
        65504.0, 65519.99, 65520.0, -65520.0, 65536.0, 2.0**-24, 2.0**-25,
        3 * 2.0**-26, 2.0**-14, 2.0**-15, 6.1e-5, 1e-8, 1e300, -1e300, 5e-324,
        2.2250738585072014e-308, 3.4028234663852886e38, 3.4028235677973362e38,
        3.4028235677973366e38, 1.401298464324817e-45, 7e-46, 1 + 2**-11 + 2**-40,
        fbits(0x7FF0000000000001), fbits(0xFFF4000000000123),
        fbits(0x7FFFFFFFFFFFFFFF), fbits(0x7FF8000020000000),
    ])


def half_boundary():
    """A double at, or one ulp beside, the midpoint of two adjacent halves."""
    bits = random.randrange(0, 0x7BFF)
    lo = struct.unpack("<e", bits.to_bytes(2, "little"))[0]
    hi = struct.unpack("<e", (bits + 1).to_bytes(2, "little"))[0]
    mid = (lo + hi) / 2
    x = random.choice([mid, mid, math.nextafter(mid, math.inf), math.nextafter(mid, -math.inf), lo])
    if bits == 0x7BFE and random.random() < 0.5:
        x = random.choice([65504.0, 65519.0, 65519.99999999999, 65520.0, math.nextafter(65520.0, 0)])
    return -x if random.random() < 0.5 else x


def float_boundary():
    bits = random.randrange(0, 0x7F7FFFFF)
    lo = struct.unpack("<f", bits.to_bytes(4, "little"))[0]
    hi = struct.unpack("<f", (bits + 1).to_bytes(4, "little"))[0]
    mid = (lo + hi) / 2
    x = random.choice([mid, math.nextafter(mid, math.inf), math.nextafter(mid, -math.inf), lo])
    return -x if random.random() < 0.5 else x


def rand_double():
    r = random.random()
    if r < 0.25:
        return special_double()
    if r < 0.45:
        return fbits(random.getrandbits(64))
    if r < 0.7:
        return random.uniform(-1, 1) * 2.0 ** random.randint(-30, 20)
    return random.choice([half_boundary, float_boundary])()


def any_value():
    r = random.random()
    if r < 0.3:
        return random.choice(EDGES) if random.random() < 0.5 else random.randint(-1000, 1000)
    if r < 0.5:
        return random.choice([True, False])
    if r < 0.75:
        return rand_double()
    return random.randbytes(random.randint(0, 3))


def good_value(fmt, code, count):
    if code in "sp":
        n = max(count, 0) + random.randint(-3, 3)
        if random.random() < 0.05:
            n = random.randint(250, 300)
        return random.randbytes(max(n, 0))
    if code == "c":
        return random.randbytes(1)
    if code == "?":
        return any_value()
    if code == "e":
        r = random.random()
        if r < 0.5:
            return struct.unpack("<e", random.randbytes(2))[0]
        if r < 0.6:
            return random.choice([True, False, random.randint(-2048, 2048)])
        return half_boundary() if r < 0.85 else special_double()
    if code == "f":
        r = random.random()
        if r < 0.5:
            return struct.unpack("<f", random.randbytes(4))[0]
        if r < 0.6:
            return random.choice([True, False, random.randint(-(2**40), 2**40)])
        return float_boundary() if r < 0.85 else special_double()
    if code == "d":
        if random.random() < 0.1:
            return random.choice([True, False, random.randint(-(2**70), 2**70)])
        return rand_double()
    lo, hi = int_range(fmt, code)
    r = random.random()
    if r < 0.3:
        return random.choice([lo, hi, 0, lo + 1, hi - 1])
    if r < 0.35:
        return random.choice([True, False])
    return random.randint(lo, hi)


def bad_value(fmt, code):
    if code == "?":
        return any_value()
    if code in "sp":
        return random.choice([1, 1.5, True, -7])
    if code == "c":
        return random.choice([b"", b"ab", 65, 1.0, True])
    if code in "efd":
        return random.choice([b"1", b"", random.randint(2**60, I128[1]), 1e300, -1e300,
                              65520.0, 1e39, -1e39, 3.4028235677973366e38])
    lo, hi = int_range(fmt, code)
    return random.choice([
        lo - 1, hi + 1, lo - random.randint(1, 2**70), hi + random.randint(1, 2**70),
        random.choice(EDGES), 1.0, 0.0, math.nan, b"\x01", b"",
        min(max(lo - 2**64, I128[0]), 0), I128[0], I128[1],
    ])


def rand_args(fmt, bad_rate):
    """Values for every slot of `fmt`, some of them wrong when bad_rate > 0."""
    args = []
    body = fmt[1:] if fmt[:1] in "@=<>!" else fmt
    i = 0
    while i < len(body):
        ch = body[i]
        if ch in SPACES:
            i += 1
            continue
        j = i
        while body[j].isdigit():
            j += 1
        count = int(body[i:j]) if j > i else 1
        code = body[j]
        i = j + 1
        slots = 1 if code in "sp" else (0 if code == "x" else count)
        for _ in range(slots):
            if random.random() < bad_rate:
                args.append(bad_value(fmt, code))
            else:
                args.append(good_value(fmt, code, count))
    return args


# ---------------------------------------------------------------------------
# Cases


def calcsize_cases(n):
    out = []
    for k in range(n):
        fmt = rand_format() if k % 3 else broken_format()
        out.append(outcome({"fmt": fmt}, lambda: struct.calcsize(fmt)))
    for ch in map(chr, range(0, 128)):
        for fmt in [ch, "<" + ch, "3" + ch, "b" + ch + "b"]:
            out.append(outcome({"fmt": fmt}, lambda: struct.calcsize(fmt)))
    return out


def small_size(fmt, limit=256):
    try:
        return struct.calcsize(fmt) <= limit
    except (struct.error, UnicodeEncodeError):
        return True


def pack_cases(n):
    out = []
    while len(out) < n:
        r = random.random()
        fmt = rand_format() if r < 0.93 else broken_format()
        if not small_size(fmt, 4096):
            continue
        try:
            struct.calcsize(fmt)
            args = rand_args(fmt, random.choice([0.0, 0.0, 0.05, 0.2]))
        except (struct.error, UnicodeEncodeError):
            args = [random.randint(0, 9)]
        if random.random() < 0.04 and args:
            args = args[:-1] if random.random() < 0.5 else args + [0]
        out.append(outcome({"fmt": fmt, "args": [enc(a) for a in args]},
                           lambda: struct.pack(fmt, *args).hex()))
    return out


def targeted_pack_cases():
    """Every integer code against every prefix at its edges, and the float
    codes against rounding ties, subnormals, NaN payloads and overflow."""
    out = []
    for prefix in PREFIXES:
        for code in "bBhHiIlLqQnNP?":
            fmt = prefix + code
            for v in EDGES + [True, False, 1.0, b"a"]:
                out.append(outcome({"fmt": fmt, "args": [enc(v)]},
                                   lambda: struct.pack(fmt, v).hex()))
        for code in "efd":
            fmt = prefix + code
            values = [special_double() for _ in range(30)]
            values += [half_boundary() for _ in range(250 if code == "e" else 40)]
            values += [float_boundary() for _ in range(40 if code == "e" else 150)]
            values += [fbits(random.getrandbits(64)) for _ in range(40)]
            values += [random.choice(EDGES) for _ in range(15)]
            values += [True, False, b"", b"1", 65519, 65520, -65520, I128[1], I128[0]]
            for v in values:
                out.append(outcome({"fmt": fmt, "args": [enc(v)]},
                                   lambda: struct.pack(fmt, v).hex()))
        for fmt in ["c", "s", "p", "0s", "0p", "3p", "1p", "256p", "257p", "300p"]:
            for v in [b"", b"a", b"abc", b"x" * 260, b"y" * 300, 1, True, 1.0]:
                f = prefix + fmt
                out.append(outcome({"fmt": f, "args": [enc(v)]},
                                   lambda: struct.pack(f, v).hex()))
    for fmt in ["0px", "b0pi", "0p3x", "0pb", "i0p", "@b0pi", "<b0pi", "2x0p2x", "0p0p"]:
        args = [b"" if c == "p" else 1 for c in fmt if c in "pib"]
        out.append(outcome({"fmt": fmt, "args": [enc(a) for a in args]},
                           lambda: struct.pack(fmt, *args).hex()))
    for fmt in ["%dx" % SSIZE_MAX, "%dx" % (SSIZE_MAX - 33), "%dx" % (SSIZE_MAX - 32),
                "1000000000000000000x", "%ds" % SSIZE_MAX]:
        args = [b""] if fmt.endswith("s") else []
        out.append(outcome({"fmt": fmt, "args": [enc(a) for a in args]},
                           lambda: struct.pack(fmt, *args).hex()))
    return out


def large_int_pack_cases():
    """Ints beyond an i128 (no random draws, so the cases before and after
    are unchanged): every code that takes an int, and the float codes at the
    roundings and overflows of Python's int-to-float conversion."""
    f32_max = (2**24 - 1) * 2**104
    f64_max = (2**53 - 1) * 2**971
    ints = [2**127, -(2**127) - 1, 10**39, 10**40, 2**128, f32_max,
            f32_max + 2**103, f32_max + 2**103 - 1, 2**200 + 2**147,
            2**200 + 3 * 2**147, 2**200 + 2**147 + 1, 10**308, 10**309, 10**400,
            f64_max, f64_max + 2**970 - 1, f64_max + 2**970, 2**1024]
    ints += [-n for n in ints]
    out = []
    for prefix in ["", "<", ">", "!"]:
        for code in "efd?bQqP" if prefix == "" else "efd?bQq":
            fmt = prefix + code
            for v in ints:
                out.append(outcome({"fmt": fmt, "args": [enc(v)]},
                                   lambda: struct.pack(fmt, v).hex()))
    return out


def str_pack_cases():
    """A str where bytes belong, Python 3's classic mistake, for every code
    (no random draws, so the other cases are unchanged)."""
    out = []
    for prefix in ["", "<", "!"]:
        for code in "cbBhHiIqQefd?" + "".join(["s", "5s", "p", "3p", "0s"]):
            fmt = prefix + code
            for v in ["abc", "", "a", "é"]:
                out.append(outcome({"fmt": fmt, "args": [enc(v)]},
                                   lambda: struct.pack(fmt, v).hex()))
    for fmt, args in [("i5s", [1, "abc"]), ("5si", ["abc", 1]), ("?5s", ["", b"x"]), ("5s?", [b"x", "no"])]:
        out.append(outcome({"fmt": fmt, "args": [enc(a) for a in args]},
                           lambda: struct.pack(fmt, *args).hex()))
    return out


def none_pack_cases():
    """None, what a function that forgot its `return` gives, for every code
    (no random draws, so the other cases are unchanged)."""
    out = []
    for prefix in ["", "<", "!"]:
        for code in "cbBhHiIlLqQefd?" + "".join(["s", "5s", "p", "0s"]) + ("nNP" if prefix == "" else ""):
            fmt = prefix + code
            out.append(outcome({"fmt": fmt, "args": [enc(None)]},
                               lambda: struct.pack(fmt, None).hex()))
    for fmt, args in [("i?", [1, None]), ("?i", [None, 1]), ("2?", [None, 0])]:
        out.append(outcome({"fmt": fmt, "args": [enc(a) for a in args]},
                           lambda: struct.pack(fmt, *args).hex()))
    return out


def rand_buffer(size):
    r = random.random()
    if r < 0.15:
        return bytes([random.choice([0x00, 0xFF, 0x7F, 0x80, 0x7C, 0xFC, 0x7E])]) * size
    return random.randbytes(size)


def unpack_cases(n):
    out = []
    while len(out) < n:
        fmt = rand_format() if random.random() < 0.95 else broken_format()
        if not small_size(fmt):
            continue
        try:
            size = struct.calcsize(fmt)
        except (struct.error, UnicodeEncodeError):
            size = random.randint(0, 8)
        if random.random() < 0.1:
            size = max(0, size + random.choice([-2, -1, 1, 2, 7]))
        buf = rand_buffer(size)
        out.append(outcome({"fmt": fmt, "hex": buf.hex()},
                           lambda: [enc(v) for v in struct.unpack(fmt, buf)]))
    for prefix in PREFIXES:
        for code in "e" * 8 + "f" * 4 + "?" * 2:
            buf = random.randbytes(2 if code == "e" else 4 if code == "f" else 1)
            if code == "e" and random.random() < 0.7:
                buf = bytes([random.randrange(256), random.choice([0x7C, 0x7D, 0x7E, 0x7F, 0xFC, 0xFE, 0x00, 0x80, 0x03, 0x83])])
            if code == "f" and random.random() < 0.7:
                buf = random.randbytes(2) + bytes([random.choice([0x80, 0xC0, 0xA0, 0x00]) | random.randrange(32), random.choice([0x7F, 0xFF, 0x00, 0x80])])
            fmt = prefix + code
            if prefix == ">":
                buf = buf[::-1]
            for _ in range(20):
                out.append(outcome({"fmt": fmt, "hex": buf.hex()},
                                   lambda: [enc(v) for v in struct.unpack(fmt, buf)]))
                buf = random.randbytes(len(buf))
    for fmt, buf in [("0p", b""), ("0pB", b"\x01"), ("B0p", b"\x01"), ("p", b"\x05"),
                     ("3p", b"\xffab"), ("3p", b"\x01ab"), ("256p", b"\xff" * 256),
                     ("0s", b""), ("", b""), ("", b"a")]:
        out.append(outcome({"fmt": fmt, "hex": buf.hex()},
                           lambda: [enc(v) for v in struct.unpack(fmt, buf)]))
    return out


def rand_offset(length, size):
    """Mostly an offset where `size` bytes fit, sometimes anything nearby."""
    if random.random() < 0.7 and size <= length:
        offset = random.randint(0, length - size)
        return offset - length if random.random() < 0.4 else offset
    return random.randint(-length - 4, length + 4)


def pack_into_cases(n):
    out = []
    while len(out) < n:
        fmt = rand_format(5) if random.random() < 0.95 else broken_format()
        if not small_size(fmt, 128):
            continue
        try:
            size = struct.calcsize(fmt)
            args = rand_args(fmt, random.choice([0.0, 0.0, 0.0, 0.05, 0.2]))
        except (struct.error, UnicodeEncodeError):
            size, args = 4, [1]
        if random.random() < 0.03 and args:
            args = args[:-1]
        length = max(0, size + random.randint(-3, 12))
        buf = bytearray(rand_buffer(length))
        offset = rand_offset(length, size)
        case = {"fmt": fmt, "buf": buf.hex(), "offset": offset, "args": [enc(a) for a in args]}
        outcome(case, lambda: struct.pack_into(fmt, buf, offset, *args))
        case["after"] = buf.hex()
        case.pop("ok", None)
        out.append(case)
    return out


def overflow_pack_into_cases():
    """pack_into with an int its code refuses, between two that fit, in
    every mode (no random draws, so the cases after are unchanged). The
    buffer after the error is the point: big-endian `q` and `Q` leave the
    int's low eight bytes (`_PyLong_AsByteArray` writes before it checks),
    every other code leaves zeros."""
    ints = [2**63, -(2**63) - 1, 2**64, 2**64 + 1, -1, -(2**64), 2**127 - 1,
            -(2**127), 2**127, -(2**127) - 1, 10**40, -(10**40), 2**200 + 5,
            -(2**200) - 3]
    out = []
    for prefix in ["", "@", "=", "<", ">", "!"]:
        codes = "qQiIlLnNP" if prefix in ("", "@") else "qQiIlL"
        for code in codes:
            fmt = prefix + "B" + code + "H"
            for v in ints:
                buf = bytearray(b"\x80" * (struct.calcsize(fmt) + 2))
                case = {"fmt": fmt, "buf": buf.hex(), "offset": 1, "args": [enc(7), enc(v), enc(9)]}
                outcome(case, lambda: struct.pack_into(fmt, buf, 1, 7, v, 9))
                case["after"] = buf.hex()
                case.pop("ok", None)
                out.append(case)
    return out


def unpack_from_cases(n):
    out = []
    while len(out) < n:
        fmt = rand_format(5) if random.random() < 0.95 else broken_format()
        if not small_size(fmt, 128):
            continue
        try:
            size = struct.calcsize(fmt)
        except (struct.error, UnicodeEncodeError):
            size = 4
        length = max(0, size + random.randint(-3, 12))
        buf = rand_buffer(length)
        offset = rand_offset(length, size)
        out.append(outcome({"fmt": fmt, "hex": buf.hex(), "offset": offset},
                           lambda: [enc(v) for v in struct.unpack_from(fmt, buf, offset)]))
    return out


def iter_unpack_cases(n):
    out = []
    while len(out) < n:
        fmt = rand_format(3) if random.random() < 0.9 else random.choice(["", "0i", "0p", "0pi", "x0p", "<"])
        if not small_size(fmt, 32):
            continue
        try:
            size = struct.calcsize(fmt)
        except (struct.error, UnicodeEncodeError):
            size = 3
        length = size * random.randint(0, 4) + (random.randint(1, 3) if random.random() < 0.15 else 0)
        buf = rand_buffer(length)
        out.append(outcome({"fmt": fmt, "hex": buf.hex()},
                           lambda: [[enc(v) for v in t] for t in struct.iter_unpack(fmt, buf)]))
    return out


def main():
    doc = {
        "oracle": "CPython %s struct module, %s" % (sys.version.split()[0], sys.platform),
        "generator": "tests/vectors/gen_struct.py",
        "calcsize": calcsize_cases(3000),
        "pack": pack_cases(5000) + targeted_pack_cases() + large_int_pack_cases() + str_pack_cases() + none_pack_cases(),
        "unpack": unpack_cases(3400),
        "pack_into": pack_into_cases(2000) + overflow_pack_into_cases(),
        "unpack_from": unpack_from_cases(2000),
        "iter_unpack": iter_unpack_cases(1000),
    }
    json.dump(doc, sys.stdout, separators=(",", ":"), ensure_ascii=True)
    sys.stdout.write("\n")
    counts = {k: len(v) for k, v in doc.items() if isinstance(v, list)}
    print(counts, "total", sum(counts.values()), file=sys.stderr)


if __name__ == "__main__":
    main()
