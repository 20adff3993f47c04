#!/usr/bin/env python3
"""Regenerates cidr_cpython.json: aggregation, ranges, splits and "same
network" verdicts computed by CPython's ipaddress.

Run from anywhere: python3 tests/vectors/gen_cidr.py
Deterministic (fixed seed), standard library only. The Rust tests in
tests/tests/cidr_cpython.rs require netlab to agree on every case:

- collapse:  ipaddress.collapse_addresses(list). Python refuses a list that
  mixes versions; netlab collapses each version on its own and lists IPv4
  first, so the expectation for a mixed list is collapse(v4) + collapse(v6).
- range:     ipaddress.summarize_address_range(start, end), or its error.
- subnets:   ip_network(net).subnets(new_prefix=p), only where the list is
  small (at most 2^6 subnets), or its error. One deliberate difference:
  CPython gives a /32 (/128) back unchanged for any new_prefix, even 8 or
  35; netlab refuses those as it does for every other network, and the
  expectation here says so.
- same:      ip_network(a/m, strict=False) == ip_network(b/m, strict=False).

Networks are written as Python prints them; the Rust side compares parsed
values, so Python 3.11's hex form of IPv4-mapped addresses does not matter.
"""
import ipaddress
import json
import os
import random
import sys

random.seed(20261123)

V4_BITS, V6_BITS = 32, 128


def net(value, prefix, version):
    cls = ipaddress.IPv4Network if version == 4 else ipaddress.IPv6Network
    bits = V4_BITS if version == 4 else V6_BITS
    mask = ((1 << bits) - 1) ^ ((1 << (bits - prefix)) - 1)
    return cls((value & mask, prefix))


def rand_addr(version):
    bits = V4_BITS if version == 4 else V6_BITS
    if version == 6 and random.random() < 0.5:
        # Sparse addresses, so zero runs and compression vary.
        return sum(random.choice([0, 0, random.getrandbits(16)]) << (16 * i) for i in range(8))
    return random.getrandbits(bits)


def collapse_list(version):
    """Networks clustered in one region so that they overlap, nest and touch."""
    bits = V4_BITS if version == 4 else V6_BITS
    base_prefix = random.randint(0, bits - 1)
    base = net(rand_addr(version), base_prefix, version)
    base_value = int(base.network_address)
    span = bits - base_prefix
    out = []
    for _ in range(random.randint(1, 12)):
        # Mostly blocks of 1/4 to 1/64 of the region, now and then the
        # whole region or single addresses.
        depth = random.choice([0, 1, 2, 3, 3, 4, 4, 5, 5, 6, span])
        sub_prefix = min(bits, base_prefix + depth)
        offset = random.getrandbits(span) if span else 0
        n = net(base_value + offset, sub_prefix, version)
        out.append(n)
        r = random.random()
        if r < 0.2 and n.prefixlen > 0:
            # Its sibling, so the two merge into the parent.
            value = int(n.network_address) ^ (1 << (bits - n.prefixlen))
            out.append(net(value, n.prefixlen, version))
        elif r < 0.3 and n.prefixlen < bits:
            # A network nested inside it.
            out.append(next(iter(n.subnets(prefixlen_diff=1))))
        elif r < 0.4:
            # The next block of the same size, adjacent (unless at the top).
            value = int(n.broadcast_address) + 1
            if value < (1 << bits):
                out.append(net(value, n.prefixlen, version))
    random.shuffle(out)
    return out


def collapse_cases():
    for _ in range(1800):
        yield collapse_list(4)
    for _ in range(1200):
        yield collapse_list(6)
    for _ in range(300):
        yield collapse_list(4) + collapse_list(6)
    # Edges: the whole space, its two halves, single hosts at the ends.
    yield [ipaddress.ip_network("0.0.0.0/1"), ipaddress.ip_network("128.0.0.0/1")]
    yield [ipaddress.ip_network("::/1"), ipaddress.ip_network("8000::/1")]
    yield [ipaddress.ip_network("255.255.255.255/32"), ipaddress.ip_network("255.255.255.254/32")]
    yield [ipaddress.ip_network("0.0.0.0/0"), ipaddress.ip_network("10.0.0.0/8")]
    yield [ipaddress.ip_network("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128"), ipaddress.ip_network("::/128")]


def expect_collapse(nets):
    v4 = [n for n in nets if n.version == 4]
    v6 = [n for n in nets if n.version == 6]
    return [str(n) for n in list(ipaddress.collapse_addresses(v4)) + list(ipaddress.collapse_addresses(v6))]


def range_cases():
    for version in (4, 6):
        bits = V4_BITS if version == 4 else V6_BITS
        top = (1 << bits) - 1
        # Wide random ranges give up to 62 (IPv4) or 254 (IPv6) blocks each,
        # so they are a smaller share of the IPv6 cases to keep the file small.
        close = 0.6 if version == 4 else 0.85
        for _ in range(1500 if version == 4 else 1000):
            a = rand_addr(version)
            r = random.random()
            if r < close:
                b = min(top, a + random.getrandbits(random.randint(0, 24)))
            elif r < close + 0.08:
                b = max(0, a - random.getrandbits(random.randint(1, 24)))  # reversed
            else:
                b = rand_addr(version)
                a, b = min(a, b), max(a, b)
            yield version, a, b
        for a, b in [(0, top), (1, top), (0, top - 1), (1, top - 1), (0, 0), (top, top),
                     (top - 1, top), (1 << (bits - 1), top), (0, (1 << (bits - 1)) - 1),
                     ((1 << (bits - 1)) - 1, 1 << (bits - 1)), (top, 0)]:
            yield version, a, b


def addr_obj(version, value):
    return ipaddress.IPv4Address(value) if version == 4 else ipaddress.IPv6Address(value)


def expect_range(version, a, b):
    try:
        return [str(n) for n in ipaddress.summarize_address_range(addr_obj(version, a), addr_obj(version, b))]
    except (ValueError, TypeError) as e:
        return {"error": str(e)}


def subnet_cases():
    for version in (4, 6):
        bits = V4_BITS if version == 4 else V6_BITS
        for _ in range(1200 if version == 4 else 900):
            prefix = random.randint(0, bits)
            n = net(rand_addr(version), prefix, version)
            r = random.random()
            if r < 0.85:
                new = min(bits, prefix + random.randint(0, 6))
            elif r < 0.95 and prefix > 0:
                new = random.randint(0, prefix - 1)  # shorter: an error
            else:
                new = bits + random.randint(1, 3)  # out of range: an error
            yield n, new
        for prefix in (0, 1, bits - 1, bits):
            yield net(0, prefix, version), min(bits, prefix + 4)
            yield net((1 << bits) - 1, prefix, version), min(bits, prefix + 4)


def expect_subnets(n, new):
    if n.prefixlen == n.max_prefixlen and new != n.max_prefixlen:
        # CPython returns a /32 or /128 itself whatever new_prefix says;
        # netlab refuses the prefix as for any other network.
        return {"error": f"netlab: new prefix {new} for a /{n.max_prefixlen}"}
    try:
        return [str(s) for s in n.subnets(new_prefix=new)]
    except ValueError as e:
        return {"error": str(e)}


def same_cases():
    for version in (4, 6):
        bits = V4_BITS if version == 4 else V6_BITS
        for _ in range(1800 if version == 4 else 1200):
            a = rand_addr(version)
            # b shares a random number of leading bits with a.
            keep = random.randint(0, bits)
            b = a if keep == bits else (a ^ (1 << (bits - 1 - keep))) ^ random.getrandbits(bits - 1 - keep)
            prefix = random.choice([random.randint(0, bits), max(0, min(bits, keep + random.randint(-2, 2)))])
            if version == 4 and random.random() < 0.5:
                mask = str(net(0, prefix, 4).netmask)
            else:
                mask = str(prefix)
            yield version, a, b, prefix, mask


def expect_same(version, a, b, prefix):
    na = ipaddress.ip_network((addr_obj(version, a), prefix), strict=False)
    nb = ipaddress.ip_network((addr_obj(version, b), prefix), strict=False)
    return na == nb


def relate_cases():
    """Pairs of networks that nest, coincide, sit apart or differ in
    version, from a generator of their own so the cases above keep their
    draws."""
    rng = random.Random(20261206)
    for _ in range(3000):
        version = rng.choice((4, 6))
        bits = V4_BITS if version == 4 else V6_BITS
        value = rng.getrandbits(bits)
        pa = rng.randint(0, bits)
        a = net(value, pa, version)
        kind = rng.random()
        if kind < 0.35:
            # A subnet or supernet of a: the same leading bits.
            pb = rng.randint(0, bits)
            b = net(value ^ (rng.getrandbits(bits) >> min(pa, pb)) if min(pa, pb) < bits else value, pb, version)
        elif kind < 0.45:
            b = a
        elif kind < 0.55:
            other = 6 if version == 4 else 4
            obits = V4_BITS if other == 4 else V6_BITS
            b = net(rng.getrandbits(obits), rng.randint(0, obits), other)
        else:
            b = net(rng.getrandbits(bits), rng.randint(0, bits), version)
        yield a, b


def expect_relate(a, b):
    try:
        sub, sup = a.subnet_of(b), a.supernet_of(b)
    except TypeError:
        sub = sup = None
    return {"overlaps": a.overlaps(b), "subnet_of": sub, "supernet_of": sup}


def main():
    data = {
        "generator": "tests/vectors/gen_cidr.py",
        "python": sys.version.split()[0],
        "collapse": [
            {"input": [str(n) for n in nets], "expect": expect_collapse(nets)} for nets in collapse_cases()
        ],
        "range": [
            {"start": str(addr_obj(v, a)), "end": str(addr_obj(v, b)), "expect": expect_range(v, a, b)}
            for v, a, b in range_cases()
        ],
        "subnets": [
            {"network": str(n), "prefix": new, "expect": expect_subnets(n, new)} for n, new in subnet_cases()
        ],
        "same": [
            {"a": str(addr_obj(v, a)), "b": str(addr_obj(v, b)), "mask": mask, "expect": expect_same(v, a, b, p)}
            for v, a, b, p, mask in same_cases()
        ],
        "relate": [{"a": str(a), "b": str(b), "expect": expect_relate(a, b)} for a, b in relate_cases()],
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cidr_cpython.json")
    with open(path, "w") as f:
        json.dump(data, f, separators=(",", ":"))
        f.write("\n")
    counts = {k: len(v) for k, v in data.items() if isinstance(v, list)}
    print(f"{sum(counts.values())} cases {counts} -> {path} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    main()
