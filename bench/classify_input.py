#!/usr/bin/env python3
"""The input of the `netlab classify` whole-process benchmark: N lines
(default 1,000,000), splitmix64 from seed 1 as core/benches/addressing.rs
and bench/cpython_addressing.py have it, every 8th line an IPv6 address and
every 1000th a bad line. Used by bench/classify_cli.sh and
`cargo xtask bench cli`.

    python3 bench/classify_input.py N PATH
"""
import ipaddress
import sys

MASK = (1 << 64) - 1


def main():
    n, path = int(sys.argv[1]), sys.argv[2]
    state = 1

    def nxt():
        nonlocal state
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    with open(path, "w") as f:
        for i in range(n):
            x = nxt()
            if i % 1000 == 999:
                f.write("not-an-address\n")
            elif i % 8 == 7:
                f.write(f"{ipaddress.IPv6Address((x << 64) | nxt())}\n")
            else:
                f.write(f"{ipaddress.IPv4Address(x >> 32)}\n")


if __name__ == "__main__":
    main()
