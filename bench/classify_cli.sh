#!/usr/bin/env bash
# `netlab classify < FILE` as a whole process beside the same job done by
# CPython's ipaddress (bench/classify_cli.py), on one file of N addresses
# (default 1,000,000) generated deterministically: splitmix64 from seed 1,
# as core/benches/addressing.rs and bench/cpython_addressing.py have it,
# with every 8th line an IPv6 address and every 1000th a bad line.
#
#   bench/classify_cli.sh [N]
#
# Builds netlab in release (into $CARGO_TARGET_DIR, else target/) unless
# NETLAB points at a binary. Times both with hyperfine when it is installed
# (Debian: apt-get install hyperfine), else with /usr/bin/time, and prints
# the ratio of the mean wall-clock times. Output goes to /dev/null for both.
set -euo pipefail

n="${1:-1000000}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

if [[ -z "${NETLAB:-}" ]]; then
    (cd "$root" && cargo build --release -p netlab-cli --quiet)
    NETLAB="${CARGO_TARGET_DIR:-$root/target}/release/netlab"
fi
[[ -x "$NETLAB" ]] || { echo "no netlab binary at $NETLAB" >&2; exit 1; }

input="$tmp/addresses.txt"
python3 "$root/bench/classify_input.py" "$n" "$input"
echo "input: $n lines, $(wc -c < "$input") bytes; netlab: $NETLAB; $(python3 --version)"

# Both exit 2 (the bad lines); the errors go to /dev/null too.
netlab_cmd="$NETLAB classify < $input > /dev/null 2>&1 || true"
python_cmd="python3 $root/bench/classify_cli.py < $input > /dev/null 2>&1 || true"

if command -v hyperfine > /dev/null; then
    hyperfine --warmup 1 --runs "${RUNS:-5}" --export-json "$tmp/times.json" \
        -n netlab "$netlab_cmd" -n python "$python_cmd"
    python3 - "$tmp/times.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
nl, py = r["netlab"], r["python"]
print(f"netlab {nl['mean']:.3f} s (±{nl['stddev']:.3f}, user {nl['user']:.3f} s), "
      f"python {py['mean']:.3f} s (±{py['stddev']:.3f}, user {py['user']:.3f} s)")
print(f"netlab classify is {py['mean'] / nl['mean']:.1f}x faster than the Python script "
      f"(user CPU: {py['user'] / nl['user']:.1f}x); target: at least 30x")
PY
else
    t() { /usr/bin/time -f "%e" bash -c "$1" 2>&1 >/dev/null | tail -1; }
    a="$(t "$netlab_cmd")"
    b="$(t "$python_cmd")"
    python3 -c "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); print(f'netlab {a:.3f} s, python {b:.3f} s: {b / max(a, 1e-3):.1f}x faster (target: at least 30x)')" "$a" "$b"
fi
