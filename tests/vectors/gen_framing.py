#!/usr/bin/env python3
"""Oracle vectors for `netlab_core::framing`: framed streams made with
CPython's `struct` and `json` exactly as the seeds' programs make them.

    python3 tests/vectors/gen_framing.py > tests/vectors/framing_cpython.json

Standard library only, and deterministic (a fixed `random.seed`), so running
it again gives the same file byte for byte. Bytes are hex.

Kinds:

- `length_prefix`: messages sent as `struct.pack(fmt, len(msg)) + msg`
  (seed 000 §6.7 uses 'i'), the stream, and cut points at which a reader's
  `recv()` calls might split it;
- `file`: seed 000 §8.1's upload, `struct.pack('i', len(b_dic))`, then
  `b_dic = json.dumps({'filename': ..., 'filesize': ...}).encode('utf-8')`,
  then the file;
- `info`: seed 001's `"info|%d" % len(result_bytes)` header and the output,
  as the server's two `sendall()` calls;
- `delimited`: lines joined by a delimiter;
- `header_errors`: the `struct.error` a length too large for the header's
  integer raises (`struct.pack('<H', 70000)`);
- `negative`: a negative length packed with a signed code.
"""

import json
import random
import struct
import sys

random.seed(0xF4A3_1D60)

FORMATS = ["i", "!I", "<H", ">Q", "=h", "!B", "@q", ">i"]
SEED_TEXTS = ["hello", "nice", "你好", "欢迎登录", "", "info|5", "\x00\xff"]


def rand_message(limit):
    r = random.random()
    if r < 0.3:
        return random.choice(SEED_TEXTS).encode("utf-8")
    n = random.choice([0, 1, 2, 3, 4, random.randint(5, 64), random.randint(65, limit)])
    return bytes(random.getrandbits(8) for _ in range(n))


def rand_cuts(total):
    return sorted(random.randint(0, total) for _ in range(random.randint(0, 6)))


def length_prefix_cases(n):
    out = []
    for _ in range(n):
        fmt = random.choice(FORMATS)
        limit = 255 if fmt == "!B" else 700
        msgs = [rand_message(limit) for _ in range(random.randint(0, 6))]
        wire = b"".join(struct.pack(fmt, len(m)) + m for m in msgs)
        out.append({
            "fmt": fmt,
            "messages": [m.hex() for m in msgs],
            "wire": wire.hex(),
            "cuts": rand_cuts(len(wire)),
        })
    return out


NAMES = ["a.txt", "作业.txt", 'we"ird\\name', "tab\tnew\nline", "😀.png", "\x01\x7f", "day30.zip", ""]


def file_cases(n):
    out = []
    for _ in range(n):
        filename = random.choice(NAMES)
        content = rand_message(3000)
        dic = {"filename": filename, "filesize": len(content)}
        str_dic = json.dumps(dic)
        b_dic = str_dic.encode("utf-8")
        mlen = struct.pack("i", len(b_dic))
        wire = mlen + b_dic + content
        out.append({
            "filename": filename,
            "filesize": len(content),
            "json": str_dic,
            "content": content.hex(),
            "wire": wire.hex(),
            "cuts": rand_cuts(len(wire)),
        })
    return out


def info_cases(n):
    out = []
    for _ in range(n):
        result_bytes = rand_message(3000)
        info_str = "info|%d" % len(result_bytes)
        out.append({
            "output": result_bytes.hex(),
            "header": bytes(info_str, "utf8").hex(),
            # The client's recv(1024) loop over the output.
            "cuts": list(range(0, len(result_bytes), 1024))[1:],
        })
    return out


def delimited_cases(n):
    out = []
    for _ in range(n):
        delimiter = random.choice([b"\n", b"\r\n", b"|"])
        lines = [bytes(random.choice(b"abc \r") for _ in range(random.randint(0, 30)))
                 for _ in range(random.randint(0, 6))]
        # The delimiter must first occur at the end of the line: "a\r" with
        # "\r\n" would read as "a" and a stray "\n".
        lines = [l for l in lines if (l + delimiter).find(delimiter) == len(l)]
        wire = b"".join(l + delimiter for l in lines)
        out.append({
            "delimiter": delimiter.hex(),
            "lines": [l.hex() for l in lines],
            "wire": wire.hex(),
            "cuts": rand_cuts(len(wire)),
        })
    return out


def header_error_cases():
    out = []
    for fmt, length in [("<H", 70000), ("<H", 65536), (">H", 65536), ("!B", 256), ("B", 256),
                        ("i", 2**31), ("!i", 2**31), ("<h", 40000), ("!I", 2**32), ("=I", 2**32)]:
        try:
            struct.pack(fmt, length)
        except struct.error as e:
            out.append({"fmt": fmt, "length": length, "error": str(e)})
        else:
            raise AssertionError((fmt, length))
    return out


def negative_cases():
    return [{"fmt": fmt, "length": n, "header": struct.pack(fmt, n).hex()}
            for fmt, n in [("i", -1), ("!i", -5), ("<h", -300), (">q", -(2**40)), ("b", -128)]]


def main():
    doc = {
        "oracle": "CPython %s struct and json modules, %s" % (sys.version.split()[0], sys.platform),
        "generator": "tests/vectors/gen_framing.py",
        "length_prefix": length_prefix_cases(300),
        "file": file_cases(60),
        "info": info_cases(60),
        "delimited": delimited_cases(60),
        "header_errors": header_error_cases(),
        "negative": negative_cases(),
    }
    json.dump(doc, sys.stdout, separators=(",", ":"), ensure_ascii=True)
    sys.stdout.write("\n")
    counts = {k: len(v) for k, v in doc.items() if isinstance(v, list)}
    print(counts, "total", sum(counts.values()), file=sys.stderr)


if __name__ == "__main__":
    main()
