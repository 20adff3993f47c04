#!/usr/bin/env python3
"""CPython's ipaddress on the inputs of core/benches/addressing.rs.

Same splitmix64 seeds, same addresses and networks. Prints one JSON line
per measurement: microseconds per item, the median of 5 runs.

    python3 bench/cpython_addressing.py [N] [--cpu]

With --cpu the clock is the thread's CPU time (time.thread_time), as
`NETLAB_CPU_TIME=1 cargo bench -p netlab-core --bench addressing` measures
netlab: on a loaded machine it leaves out the time spent descheduled.
"""
import ipaddress
import json
import statistics
import sys
import time

MASK = (1 << 64) - 1


class SplitMix:
    def __init__(self, seed):
        self.state = seed

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)


def addresses(n):
    rng = SplitMix(1)
    return [str(ipaddress.IPv4Address(rng.next() >> 32)) for _ in range(n)]


def networks(n):
    rng = SplitMix(2)
    out = []
    for _ in range(n):
        x = rng.next()
        prefix = 8 + x % 25
        out.append(str(ipaddress.ip_network(((x >> 32), prefix), strict=False)))
    return out


CLOCK = time.perf_counter


def timed(label, items, fn, runs=5):
    times = []
    for _ in range(runs):
        start = CLOCK()
        fn(items)
        times.append(CLOCK() - start)
    per = statistics.median(times) / len(items) * 1e6
    print(json.dumps({"bench": label, "clock": CLOCK.__name__, "items": len(items), "us_per_item": round(per, 3),
                      "spread_us": [round(min(times) / len(items) * 1e6, 3), round(max(times) / len(items) * 1e6, 3)]}))


def is_global_loop(items):
    for a in items:
        ipaddress.ip_address(a).is_global


def all_flags(items):
    for a in items:
        ip = ipaddress.ip_address(a)
        (ip.is_global, ip.is_private, ip.is_loopback, ip.is_link_local, ip.is_multicast,
         ip.is_unspecified, ip.is_reserved)


def reports(items):
    for t in items:
        iface = ipaddress.ip_interface(t)
        net = iface.network
        (net.network_address, net.broadcast_address, net.netmask, net.hostmask, net.num_addresses,
         net.prefixlen, next(iter(net.hosts()), None), str(iface.ip))


def collapse(items):
    list(ipaddress.collapse_addresses(items))


def main():
    global CLOCK
    args = [a for a in sys.argv[1:] if a != "--cpu"]
    if "--cpu" in sys.argv[1:]:
        CLOCK = time.thread_time
    n = int(args[0]) if args else 200_000
    addrs = addresses(n)
    timed("cpython ip_address(a).is_global", addrs, is_global_loop)
    timed("cpython ip_address(a), all flags", addrs, all_flags)
    timed("cpython subnet report (ip_interface)", networks(1000), reports, runs=20)
    nets = [ipaddress.ip_network(t) for t in networks(n)]
    timed("cpython collapse_addresses", nets, collapse, runs=3)


if __name__ == "__main__":
    main()
