#!/usr/bin/env python3
"""Regenerates inet_cpython.json: what CPython's socket module answers for
inet_aton, inet_ntoa, inet_pton and inet_ntop on Linux (glibc underneath).

Run from anywhere: python3 tests/vectors/gen_inet.py
Deterministic (fixed seed, standard library only). The Rust tests
`aton_matches_cpython`, `ntoa_matches_cpython`, `pton_matches_cpython` and
`ntop_matches_cpython` require netlab to agree on every case: the same bytes
or text, or the same error message.

Each case is one JSON object on one line, keyed as the CLI's JSON is:
  aton  {"input", "hex"}            or {"input", "error"}
  ntoa  {"hex", "dotted"}           or {"hex", "error"}
  pton  {"family", "text", "hex"}   or {"family", "text", "error"}
  ntop  {"family", "hex", "text"}   or {"family", "hex", "error"}
Bytes are lowercase hex without separators. Texts never hold lone
surrogates: CPython refuses them while encoding to UTF-8, before glibc, and a
Rust &str cannot hold one.
"""
import json
import os
import random
import socket
import sys

random.seed(20240611)

FAMILIES = {"inet": socket.AF_INET, "inet6": socket.AF_INET6}
C_SPACE = " \t\n\v\f\r"
# Characters Python calls whitespace but C's isspace() does not.
UNICODE_SPACE = ["\u00a0", "\u2003", "\u3000", "\x85", "\x1c", "\x1f", "\u2028"]
JUNK = list("0123456789abcdefABCDEFxXgG.. :;,_+-/%#") + list(C_SPACE) + [
    "\u00e9", "\u0663", "\uff10", "\U0001f600", "\x00", "\x7f", "\x01",
] + UNICODE_SPACE


def outcome(fn, *args):
    """CPython's answer: the bytes or text, or the exception's message."""
    try:
        result = fn(*args)
    except (OSError, ValueError) as e:
        return None, str(e)
    return result, None


# inet_aton -----------------------------------------------------------------

def render_part(value, base):
    """One part as C's strtoul(base 0) reads it, with random spelling."""
    if base == 16:
        digits = format(value, "x")
        digits = "".join(c.upper() if random.random() < 0.3 else c for c in digits)
        zeros = "0" * random.choice([0, 0, 0, 1, 2, 8])
        return random.choice(["0x", "0x", "0X"]) + zeros + digits
    if base == 8:
        zeros = "0" * random.choice([1, 1, 1, 2, 5])
        return zeros + format(value, "o")
    return str(value)


def edge_value(limit):
    """A value near the interesting edges of 0..=limit, or past it."""
    return random.choice([
        0, 1, limit, limit - 1, limit + 1, limit + random.randint(1, 1000),
        random.randint(0, limit), random.randint(0, limit), random.randint(0, limit),
        255, 256, 0xFFFF, 0x10000, 0xFFFFFF, 0x1000000, 0xFFFFFFFF, 0x100000000,
        random.randint(0, 2**64), 2**64 - 1, 2**64,
    ])


def aton_form():
    """A legacy inet_aton form: 1 to 4 parts in any base, values near edges."""
    count = random.randint(1, 4)
    limits = [0xFF] * (count - 1) + [[0xFFFFFFFF, 0xFFFFFF, 0xFFFF, 0xFF][count - 1]]
    parts = []
    for limit in limits:
        value = edge_value(limit) if random.random() < 0.35 else random.randint(0, limit)
        value = max(value, 0)
        parts.append(render_part(value, random.choice([10, 10, 8, 16])))
    return ".".join(parts)


def mutate(text, pool=JUNK):
    """Breaks (or, by chance, keeps) a form: one edit at a random place."""
    op = random.randrange(7)
    i = random.randint(0, len(text))
    c = random.choice(pool)
    if op == 0:
        return text[:i] + c + text[i:]
    if op == 1 and text:
        return text[:i] + text[i + 1:]
    if op == 2 and text:
        return text[:i] + c + text[i + 1:]
    if op == 3:
        return text + c
    if op == 4:
        return c + text
    if op == 5:
        return text + "."
    return text[:i] + text[i:].replace(".", "..", 1)


def aton_inputs():
    fixed = [
        "", "0", "1", "127.1", "0127.0.0.1", "127.0.0.1", "0x7f.1", "0x7f000001",
        "2130706433", "017700000001", "1.2.3.", "1.2.3.4.", "1..2", ".1", "0x",
        "0X", "0x.1", "1.0x", "0xg", "08", "09", "019", "0.8", " 1", "1 ", "1\t",
        "1\n", "1\v", "1\f", "1\r", "1 garbage", "1.2.3.4 x", "1.2.3 4", "1.\t",
        "1.2.3.\t", "1.2.3.4\t\tabc", "1\x00", "1.2.3.4\x00", "1 \x00", "\x00",
        "+1", "-1", "1.+2", "1.-2", "0xffffffff", "0x100000000", "4294967295",
        "4294967296", "18446744073709551615", "18446744073709551616",
        "99999999999999999999999999", "0x" + "0" * 40 + "1", "0" * 40 + "1",
        "1.16777215", "1.16777216", "1.2.65535", "1.2.65536", "1.2.3.255",
        "1.2.3.256", "255.1", "256.1", "1.2.3.4.5", "0x1.0x2.0x3.0x4",
        "01.02.03.04", "0.0.0.0", "255.255.255.255", "1.2.3.4x", "1x",
        "\u0663", "1\u00a0", "1.2.3.4\u3000", "1.2.3.4 \u00e9", "1.2.3.4\u00e9",
        "\uff11.2.3.4", "1.2.3\x85", "1\x1c", "0x1F", "0X1f", "00", "0x0", "00x1",
        "0xx1", "1.2.3.4 ", " ", "\t1.2.3.4", "1,2,3,4", "1.2.3.4/24",
        "localhost", "0.0.0.0.0", "077777777777", "037777777777", "040000000000",
    ]
    for text in fixed:
        yield text
    for _ in range(4200):
        yield aton_form()
    for _ in range(1200):
        tail = "".join(random.choice(JUNK) for _ in range(random.randint(0, 4)))
        yield aton_form() + random.choice(C_SPACE) + tail.replace("\x00", "")
    for _ in range(300):
        yield aton_form() + random.choice(UNICODE_SPACE) + "x"
    for _ in range(3300):
        text = aton_form()
        for _ in range(random.choice([1, 1, 1, 2, 3])):
            text = mutate(text)
        yield text


# inet_ntoa -----------------------------------------------------------------

def ntoa_inputs():
    for b in (b"", b"\x00" * 4, b"\xff" * 4, b"\x7f\x00\x00\x01", b"\xc0\xa8\x01\x02"):
        yield b
    for _ in range(2500):
        yield random.randbytes(4)
    for _ in range(500):
        yield random.randbytes(random.choice([0, 1, 2, 3, 5, 6, 8, 16, random.randint(0, 40)]))


# inet_pton / inet_ntop -----------------------------------------------------

def random_words():
    """Eight 16-bit groups, biased to zeros and the special prefixes."""
    kind = random.randrange(10)
    tail = [random.getrandbits(16), random.getrandbits(16)]
    if kind == 0:
        return [0] * 5 + [0xFFFF] + tail  # IPv4-mapped
    if kind == 1:
        return [0] * 6 + tail  # IPv4-compatible (deprecated)
    if kind == 2:
        return [0] * 6 + [random.choice([0, 1, 0xFFFF]), random.choice([0, 1, 0xFFFF, tail[1]])]
    if kind == 3:
        prefix = [random.choice([0, 0, 1, 0xFFFF]) for _ in range(5)]
        return prefix + [random.choice([0, 0xFFFF, 0xFFFE])] + tail
    if kind == 4:
        return [random.getrandbits(16) for _ in range(8)]
    zero_chance = random.choice([0.2, 0.5, 0.7, 0.9])
    return [0 if random.random() < zero_chance else random.choice(
        [random.getrandbits(16), random.getrandbits(4), random.getrandbits(8), 0xFFFF, 1]
    ) for _ in range(8)]


def words_bytes(words):
    return b"".join(w.to_bytes(2, "big") for w in words)


def render_v6(words):
    """Any RFC 4291 spelling of the words: any zero run compressed (not only
    the longest), leading zeros, upper case, a dotted quad at the end."""
    groups = []
    for w in words:
        g = format(w, "x")
        if random.random() < 0.2:
            g = g.zfill(random.randint(len(g), 4))
        if random.random() < 0.2:
            g = g.upper()
        groups.append(g)
    dotted = random.random() < 0.25
    if dotted:
        b = words_bytes(words[6:])
        groups = groups[:6] + [".".join(str(x) for x in b)]
    runs = [(i, j) for i in range(len(groups)) for j in range(i + 1, len(groups) + 1)
            if all(w == 0 for w in words[i:j]) and not (dotted and j > 6)]
    if runs and random.random() < 0.8:
        i, j = random.choice(runs)
        return ":".join(groups[:i]) + "::" + ":".join(groups[j:])
    return ":".join(groups)


def pton_inputs():
    fixed4 = [
        "1.2.3.4", "0.0.0.0", "255.255.255.255", "256.0.0.0", "01.2.3.4", "1.2.3.04",
        "1.2.3", "1.2.3.4.", "1.2.3.4.5", " 1.2.3.4", "1.2.3.4 ", "1.2.3.4\x00",
        "127.1", "0x7f.0.0.1", "", ".1.2.3", "1..2.3", "1.2.3.4 \u00e9", "00.0.0.0",
        "1.2.3.0", "1.2.3.00", "\u0661.2.3.4",
    ]
    for text in fixed4:
        yield "inet", text
    for _ in range(1500):
        quad = ".".join(str(random.choice([0, 255, random.randint(0, 255)])) for _ in range(4))
        yield "inet", quad
    for _ in range(1000):
        quad = ".".join(str(random.randint(0, 300)) for _ in range(4))
        yield "inet", mutate(quad, list("0123456789.. x") + list(C_SPACE) + ["\u00e9"])
    for _ in range(800):
        yield "inet", aton_form()
    fixed6 = [
        "::", "::1", "1::", ":::", "1:::2", "::1.2.3.4", "::ffff:1.2.3.4", "1.2.3.4",
        "1:2:3:4:5:6:7::", "::1:2:3:4:5:6:7", "::1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8::",
        "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7:1.2.3.4", "1:2:3:4:5::1.2.3.4",
        "1:2:3:4:5:6::1.2.3.4", "::12345", "::00000", "::0000", "1::2:", ":1::", ":",
        "::1.2.3.4:5", "::01.2.3.4", "::1.2.3", "::1.2.3.4.5", "::ffff:1.2.3", "ABCD::EF",
        "fe80::1%eth0", "::1 ", " ::1", "", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9",
        "1:2:3:4:5:6:7", "::\x00", "2001:db8::1", "2001:DB8::1", "2001:db8:0:0:1:0:0:1",
        "::a.b.c.d", "::1.2.3.4.", "::.1.2.3", "1::2::3", "[::1]", "::1/128",
        "0:0:0:0:0:ffff:1.2.3.4", "::ffff:01.2.3.4", "::ffff:256.1.1.1", "\uff11::",
        "::\u00e9", "1:2:3:4:5:6:7:8:", ":1:2:3:4:5:6:7:8", "::ffff:1.2.3.4::",
        "0000:0000:0000:0000:0000:0000:0000:0000", "00000::1", "g::1", "1:2:3:4::5:6:7:8",
        "::0.0.0.0", "::255.255.255.255", "1::1.2.3.4", "::1:1.2.3.4", "::ffff:1:1.2.3.4",
    ]
    for text in fixed6:
        yield "inet6", text
    for _ in range(3200):
        yield "inet6", render_v6(random_words())
    for _ in range(1800):
        text = render_v6(random_words())
        for _ in range(random.choice([1, 1, 2])):
            text = mutate(text, list("0123456789abcdefABCDEFgG::::....  %/[]") + list(C_SPACE) + ["\u00e9", "\x00"])
        yield "inet6", text


def ntop_inputs():
    for _ in range(1000):
        yield "inet", bytes(random.choice([0, 255, random.getrandbits(8)]) for _ in range(4))
    for n in (0, 1, 3, 5, 6, 8, 16):
        yield "inet", random.randbytes(n)
    fixed6 = [
        [0] * 8, [0] * 7 + [1], [0] * 6 + [0x0102, 0x0304], [0] * 5 + [0xFFFF, 0x0102, 0x0304],
        [0] * 5 + [0xFFFF, 0, 0], [0] * 7 + [0xFFFF], [0] * 6 + [1, 0], [0] * 4 + [1, 0, 0x0102, 0x0304],
        [1] + [0] * 5 + [0x0102, 0x0304], [0x2001, 0xDB8, 0, 1, 0, 0, 0, 1], [0x2001, 0xDB8, 0, 0, 1, 0, 0, 1],
        [0] * 4 + [0xFFFF, 0, 0x0102, 0x0304], [1, 0, 0, 1, 0, 0, 0, 1], [1, 0, 1, 0, 1, 0, 1, 0],
        [0xFFFF] * 8, [0] * 5 + [0xFFFE, 1, 2], [0] * 6 + [0, 0xFFFF],
    ]
    for words in fixed6:
        yield "inet6", words_bytes(words)
    for _ in range(4000):
        yield "inet6", words_bytes(random_words())
    for n in (0, 1, 4, 8, 15, 17, 32):
        yield "inet6", random.randbytes(n)


# Output ----------------------------------------------------------------------

def cases():
    out = {"aton": [], "ntoa": [], "pton": [], "ntop": []}
    seen = set()
    for text in aton_inputs():
        if ("aton", text) in seen:
            continue
        seen.add(("aton", text))
        packed, error = outcome(socket.inet_aton, text)
        out["aton"].append({"input": text, "error": error} if error else {"input": text, "hex": packed.hex()})
    for packed in ntoa_inputs():
        if ("ntoa", packed) in seen:
            continue
        seen.add(("ntoa", packed))
        dotted, error = outcome(socket.inet_ntoa, packed)
        out["ntoa"].append({"hex": packed.hex(), "error": error} if error else {"hex": packed.hex(), "dotted": dotted})
    for family, text in pton_inputs():
        if ("pton", family, text) in seen:
            continue
        seen.add(("pton", family, text))
        packed, error = outcome(socket.inet_pton, FAMILIES[family], text)
        case = {"family": family, "text": text}
        case.update({"error": error} if error else {"hex": packed.hex()})
        out["pton"].append(case)
    for family, packed in ntop_inputs():
        if ("ntop", family, packed) in seen:
            continue
        seen.add(("ntop", family, packed))
        text, error = outcome(socket.inet_ntop, FAMILIES[family], packed)
        case = {"family": family, "hex": packed.hex()}
        case.update({"error": error} if error else {"text": text})
        out["ntop"].append(case)
    return out


def main():
    out = cases()
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "inet_cpython.json")
    with open(path, "w") as f:
        f.write('{\n"generator": "tests/vectors/gen_inet.py",\n')
        f.write(f'"python": {json.dumps(sys.version.split()[0])},\n')
        f.write(f'"libc": {json.dumps(os.confstr("CS_GNU_LIBC_VERSION"))}')
        for kind, items in out.items():
            f.write(f',\n{json.dumps(kind)}: [\n')
            f.write(",\n".join(json.dumps(c, separators=(",", ":")) for c in items))
            f.write("\n]")
        f.write("\n}\n")
    counts = ", ".join(f"{kind} {len(items)}" for kind, items in out.items())
    print(f"{sum(len(v) for v in out.values())} cases ({counts}) -> {path}")


if __name__ == "__main__":
    main()
