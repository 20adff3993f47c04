#!/usr/bin/env python3
"""`netlab classify` done with CPython's ipaddress: the peer of
bench/classify_cli.sh.

Reads one address per line from standard input and prints one line per
address in the shape of `netlab classify`'s text output: the address,
global or not, then the flags that are set in brackets. ipaddress has no
registry rows to give a reason, so the line ends with the flags alone. Bad
lines go to standard error with their line number, and the rest go on.

    python3 bench/classify_cli.py < addresses.txt
"""
import ipaddress
import sys


def flags(ip):
    named = (
        (ip.is_private and ip.version == 4 and ip in RFC1918, "rfc1918 (private)"),
        (ip in SHARED, "shared (CGNAT)"),
        (ip.is_loopback, "loopback"),
        (ip.is_link_local, "link-local"),
        (ip.is_unspecified, "unspecified"),
        (ip.is_reserved, "reserved"),
        (ip.is_multicast, "multicast"),
    )
    return [name for on, name in named if on]


class _Any:
    """`ip in RFC1918`: in any of the blocks of its own version."""

    def __init__(self, *nets):
        self.nets = [ipaddress.ip_network(n) for n in nets]

    def __contains__(self, ip):
        return any(ip.version == n.version and ip in n for n in self.nets)


RFC1918 = _Any("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
SHARED = _Any("100.64.0.0/10")


def main():
    out = sys.stdout
    bad = False
    for number, line in enumerate(sys.stdin, 1):
        text = line.strip()
        if not text:
            continue
        try:
            ip = ipaddress.ip_address(text)
        except ValueError as e:
            print(f"error: line {number}: {e}", file=sys.stderr)
            bad = True
            continue
        set_flags = flags(ip)
        shown = f" [{', '.join(set_flags)}]" if set_flags else ""
        out.write(f"{ip}  {'global' if ip.is_global else 'not global'}{shown}\n")
    return 2 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
