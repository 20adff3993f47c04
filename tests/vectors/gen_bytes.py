#!/usr/bin/env python3
"""Python bytes literals, and what CPython reads from them: vectors for
`netlab_core::packet::hex::parse_bytes`, which reads the `b'...'` a learner
copies from `print(struct.pack(...))` or `recv()`.

    python3 tests/vectors/gen_bytes.py   # writes bytes_literal_cpython.json

Deterministic (a fixed seed), standard library only. Each case is
`{"literal": text, "hex": bytes}` or `{"literal": text, "error": message}`:
- `repr` of random bytes (every byte value, both quote choices);
- literals written with every escape (`\\xhh`, octal, `\\n`, ...), `B`, `rb`
  and `br` prefixes, read back with `ast.literal_eval`;
- literals CPython refuses (non-ASCII, bad `\\x`, an early quote) or only
  warns about (`\\q`, `\\400`): netlab refuses both, so those cases hold
  CPython's error or warning text and the test only checks that netlab
  refuses them too.
"""

import ast
import json
import os
import random
import sys
import warnings

random.seed(0xB17E5)

ESCAPES = ["\\\\", "\\'", '\\"', "\\a", "\\b", "\\f", "\\n", "\\r", "\\t", "\\v", "\\0", "\\7", "\\77", "\\377",
           "\\x00", "\\xff", "\\xAb", "\\\n"]
PLAIN = "abcXYZ019 <>[]{}()!#$%&*+,-./:;=?@^_`|~"
BAD = ["\\q", "\\400", "\\777", "\\x4", "\\xg0", "\\u0041", "\\N{DASH}", "é", "\u4e2d"]


def read(literal):
    """What CPython makes of the literal, warnings counted as refusals."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            value = ast.literal_eval(literal)
        except (SyntaxError, ValueError, DeprecationWarning, SyntaxWarning) as e:
            return {"literal": literal, "error": str(e).split(" (<unknown>")[0]}
    return {"literal": literal, "hex": value.hex()}


def cases():
    out = []
    for _ in range(1500):
        data = bytes(random.getrandbits(8) for _ in range(random.randint(0, 24)))
        if random.random() < 0.3:
            data += random.choice([b"'", b'"', b"'\"", b"\\"])
        out.append({"literal": repr(data), "hex": data.hex()})
    for _ in range(700):
        quote = random.choice(["'", '"'])
        prefix = random.choice(["b", "b", "B", "rb", "br", "Rb"])
        raw = "r" in prefix.lower()
        parts = []
        for _ in range(random.randint(0, 8)):
            if random.random() < 0.5:
                parts.append(random.choice(ESCAPES))
            else:
                parts.append(random.choice(PLAIN))
        body = "".join(parts)
        if raw and body.endswith("\\") and not body.endswith("\\\\"):
            body += "x"
        out.append(read(prefix + quote + body + quote))
    for bad in BAD:
        for quote in ("'", '"'):
            out.append(read("b" + quote + "ab" + bad + "cd" + quote))
    out.append(read("b'a'b'"))
    out.append(read("b'it's'"))
    return out


def main():
    data = {"generator": "tests/vectors/gen_bytes.py", "python": sys.version.split()[0], "cases": cases()}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bytes_literal_cpython.json")
    with open(path, "w") as f:
        json.dump(data, f, separators=(",", ":"))
        f.write("\n")
    errors = sum("error" in c for c in data["cases"])
    print(f"{len(data['cases'])} cases ({errors} refused) -> {path}")


if __name__ == "__main__":
    main()
