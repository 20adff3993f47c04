#!/usr/bin/env python3
"""Regenerates subnet_cpython.json: subnet reports computed by CPython's ipaddress.

Run from anywhere: python3 tests/vectors/gen_subnet.py
Deterministic (fixed seed). The Rust test `subnet_matches_cpython_ipaddress`
requires netlab's report to agree on every field given here.

Conventions of netlab's spec that Python does not have are applied here and
nowhere else: `broadcast` is null for IPv6 and for IPv4 /31 and /32
(RFC 3021); every other field is Python's own answer. first_host, last_host
and usable_hosts come from enumerating `hosts()`, so they are only given
where that is cheap (at most 2^12 addresses).
"""
import ipaddress
import json
import os
import random
import socket
import sys

random.seed(20261122)
HOST_ENUM_MAX_BITS = 12


def addr_text(a):
    """RFC 5952 text, as netlab (and Rust's std) print it: Python 3.11 writes
    IPv4-mapped addresses in hex, RFC 5952 section 5 in mixed notation, which
    glibc's inet_ntop gives us as an independent oracle."""
    if a.version == 6 and a.ipv4_mapped is not None:
        return socket.inet_ntop(socket.AF_INET6, a.packed)
    return str(a)


def expect(text):
    try:
        iface = ipaddress.ip_interface(text.replace(" ", "/"))
    except ValueError as e:
        return {"error": str(e)}
    net = iface.network
    v4 = iface.version == 4
    out = {
        "address": addr_text(iface.ip),
        "version": iface.version,
        "prefix": net.prefixlen,
        "netmask": str(net.netmask),
        "wildcard": str(net.hostmask),
        "network": addr_text(net.network_address),
        "total_addresses": net.num_addresses if v4 else str(net.num_addresses),
        "broadcast": addr_text(net.broadcast_address) if v4 and net.prefixlen < 31 else None,
    }
    if net.max_prefixlen - net.prefixlen <= HOST_ENUM_MAX_BITS:
        hosts = list(net.hosts())
        out["first_host"] = addr_text(hosts[0])
        out["last_host"] = addr_text(hosts[-1])
        out["usable_hosts"] = len(hosts) if v4 else str(len(hosts))
    return out


def rand_v4():
    return str(ipaddress.IPv4Address(random.getrandbits(32)))


def rand_v6():
    # Mostly sparse addresses so that zero runs and compression vary.
    groups = [random.choice([0, 0, 0, random.getrandbits(16)]) for _ in range(8)]
    return str(ipaddress.IPv6Address(sum(g << (16 * (7 - i)) for i, g in enumerate(groups))))


def cases():
    for p in range(33):
        for _ in range(30):
            a = rand_v4()
            yield f"{a}/{p}"
            yield f"{a}/{ipaddress.IPv4Network(f'0.0.0.0/{p}').netmask}"
        yield f"{rand_v4()} {ipaddress.IPv4Network(f'0.0.0.0/{p}').netmask}"
    for p in range(129):
        for _ in range(8):
            yield f"{rand_v6()}/{p}"
    for a in ["0.0.0.0", "255.255.255.255", "127.0.0.1", "192.168.12.87", "10.0.0.1"]:
        for p in (0, 1, 8, 24, 30, 31, 32):
            yield f"{a}/{p}"
    for a in ["::ffff:1.2.3.4", "::ffff:0:0", "::", "::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "2001:db8::1", "fe80::1"]:
        for p in (0, 1, 64, 126, 127, 128):
            yield f"{a}/{p}"
    yield from [
        "192.168.12.87", "2001:db8::1",
        "1.2.3.4/33", "1.2.3.4/-1", "1.2.3.4/", "1.2.3.256/24", "1.2.3/24", "01.2.3.4/8",
        "1.2.3.4/255.0.255.0", "1.2.3.4/255.255.255.1", "::1/129", "::1/-1", "::g/64",
        "1.2.3.4/24/24", "", "/24", "1.2.3.4/abc", "1.2.3.4/ 24", "1.2.3.4 /24",
    ]


def main():
    seen, out = set(), []
    for text in cases():
        if text in seen:
            continue
        seen.add(text)
        out.append({"input": text, "expect": expect(text)})
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "subnet_cpython.json")
    with open(path, "w") as f:
        json.dump({"generator": "tests/vectors/gen_subnet.py", "python": sys.version.split()[0], "cases": out}, f, indent=0)
    print(f"{len(out)} cases -> {path}")


if __name__ == "__main__":
    main()
