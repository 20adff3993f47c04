// The relay's promise, checked on random programs: the page's sockets
// (the WASM `Relay`/`Socket` through netlab-relay) behave as Python's.
// A seeded generator writes short programs of socket calls (create, bind,
// listen, connect to a lab, to another socket of the program or to a
// closed port, accept, send, sendall, recv, sendto, recvfrom, shutdown,
// close, getsockname, getpeername, settimeout, setsockopt), in any order,
// binding again to a port the program used before (a restarted server's
// "Address already in use", SO_REUSEADDR, TIME_WAIT) or a lab's; mistakes
// included; python3 runs each natively against the same lab servers on
// 127.0.0.1 and the page runs it through the relay, and every call's
// result (value, or exception class and message) must be the same.
// A quarter of the sockets are IPv6: they use ::1 among themselves and
// reach IPv4 ones (the labs) at ::ffff:127.0.0.1, as a dual-stack Linux
// socket does; now and then a program names the other family's loopback
// (Python's gaierror). Addresses compare as host and port (the page gives
// pairs where Python's IPv6 addresses are 4-tuples).
// Ports are compared by what they are (a lab's, the closed one, the n-th
// new port seen), since the kernel picks them. Before a receive both wait
// 50 ms, so what has arrived is the same on both sides. One difference is
// the relay's policy, not Python's semantics: a socket that binds itself
// (listen, connect, sendto on an unbound socket) is bound on loopback,
// where Python binds on every interface, so 0.0.0.0 with a port reads as
// 127.0.0.1, and IPv6's :: as ::1 or ::ffff:127.0.0.1 (onLoopback).
// Closing a socket whose program left bytes unread resets the
// connection on both sides (RFC 2525 §2.17), so programs close at will.
//
// NETLAB_SOCKET_PROGRAMS=N runs N programs instead of 30 (enough to reach
// every outcome checked below; after the lab starter came, 20 had no
// refused connect), for a longer hunt; a
// failure names the program's seed, and NETLAB_SOCKET_SEED=S runs
// that one program alone; NETLAB_SOCKET_FIRST=F starts the N programs at
// seed F instead of 1.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { startRelayOffEphemeral, launchChromium, openPlayground } from "./helpers.mjs";

let relay, browser, page, closed;

before(async () => {
  // Off the ephemeral range, so no port a program's socket gets is a lab's
  // or the relay's (see the helper).
  ({ relay, closed } = await startRelayOffEphemeral(["--allow", "127.0.0.1/32", "--allow", "::1/128"]));
  browser = await launchChromium();
  ({ page } = await openPlayground(browser.context, relay.url));
  await page.evaluate(async () => {
    const m = await import("/pkg/netlab_wasm.js");
    await m.default();
    /** @type {any} */ (window).relay = await m.Relay.connect(location.href);
  });
});

after(async () => {
  await browser?.close();
  if (relay) assert.equal(await relay.stop(), 0, "relay exits 0 on SIGTERM");
});

/** mulberry32: a seeded generator, the same program for the same seed. */
function generator(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    below: (n) => Math.floor(next() * n),
    pick: (items) => items[Math.floor(next() * items.length)],
    chance: (p) => next() < p,
  };
}

const SLOTS = 4;

/** A random program of `length` calls over up to four sockets. */
function program(seed, length) {
  const r = generator(seed);
  const word = () => Array.from({ length: 1 + r.below(6) }, () => "abcdefghij"[r.below(10)]).join("");
  // Now and then a block of 2 to 16 KB: chunks merge in recv, credit and
  // the relay's window come into play. A program sends at most a few, so
  // what waits unread stays well inside Linux's buffers on loopback (a
  // send that would block natively is a difference of buffer sizes, not
  // of behaviour).
  const data = () => (r.chance(0.1) ? word().repeat(2048 + r.below(14336)).slice(0, 2048 + r.below(14336)) : word());
  const target = () =>
    r.pick([
      { lab: "echo" },
      { lab: "hello" },
      { lab: r.pick(["echo", "upper", "sticky", "framed"]) },
      { slot: r.below(SLOTS) },
      { slot: r.below(SLOTS) },
      { closed: true },
    ]);
  const ops = [];
  // Now and then the other family's loopback, a learner's mistake.
  const wrong = () => r.chance(0.05);
  // Programs start as the seeds' programs do (a client of a lab, a server
  // and its client, a UDP exchange), so the random calls after meet
  // connected, listening and half-closed sockets, not only fresh ones.
  const starters = {
    echo: (s) => [
      { op: "new", s, udp: false },
      { op: "connect", s, to: { lab: "echo" } },
      { op: "send", s, data: word() },
      { op: "recv", s, n: 1024 },
    ],
    hello: (s) => [
      { op: "new", s, udp: false },
      { op: "connect", s, to: { lab: "hello" } },
      { op: "recv", s, n: 1024 },
      { op: "send", s, data: "bye" },
      { op: "recv", s, n: 1024 },
    ],
    pair: (a) => {
      const [b, c] = [(a + 1) % SLOTS, (a + 2) % SLOTS];
      const [v6a, v6b] = [r.chance(0.25), r.chance(0.25)];
      return [
        { op: "new", s: a, udp: false, v6: v6a },
        { op: "bind", s: a },
        { op: "listen", s: a },
        { op: "new", s: b, udp: false, v6: v6b },
        { op: "connect", s: b, to: { slot: a } },
        { op: "accept", s: a, into: c },
        { op: "send", s: b, data: word() },
        { op: "recv", s: c, n: r.pick([3, 1024]) },
        { op: "send", s: c, data: word() },
        { op: "recv", s: b, n: 1024 },
      ];
    },
    // A client of a lab that answers differently: upper-cased echoes, or
    // a server that sends at once and closes (sticky, framed).
    lab: (s) => [
      { op: "new", s, udp: false },
      { op: "connect", s, to: { lab: r.pick(["upper", "sticky", "framed"]) } },
      { op: "send", s, data: word() },
      { op: "recv", s, n: r.pick([3, 1024]) },
    ],
    udp: (s) => [
      { op: "new", s, udp: true },
      { op: "sendto", s, data: word(), to: { lab: "chat" } },
      { op: "recvfrom", s, n: 1024 },
    ],
  };
  for (let i = 0; i < 1 + r.below(2); i++) ops.push(...r.pick(Object.values(starters))(r.below(SLOTS)));
  while (ops.length < length) {
    const s = r.below(SLOTS);
    const op = r.pick([
      "new", "new", "bind", "listen", "connect", "connect", "connect", "accept", "send", "send", "sendall",
      "recv", "recv", "recv", "sendto", "recvfrom", "shutdown", "close", "getsockname", "getpeername", "settimeout",
      "setsockopt",
    ]);
    switch (op) {
      case "new":
        ops.push({ op, s, udp: r.chance(0.3), v6: r.chance(0.25) });
        break;
      case "connect":
        ops.push({ op, s, to: target(), wrong: wrong() });
        break;
      case "accept":
        ops.push({ op, s, into: r.below(SLOTS) });
        break;
      case "send":
      case "sendall":
        ops.push({ op, s, data: data() });
        break;
      case "recv":
      case "recvfrom":
        ops.push({ op, s, n: r.pick([1, 3, 1024, 1024, 65536]) });
        break;
      case "sendto":
        ops.push({
          op,
          s,
          data: word(),
          to: r.pick([{ lab: "chat" }, { slot: r.below(SLOTS) }, { closed: true }]),
          wrong: wrong(),
        });
        break;
      case "shutdown":
        // Settled as receives are: bytes that reach a socket shut both
        // ways reset the connection (RFC 1122 §4.2.2.13), so what has
        // arrived must be the same on both sides.
        ops.push({ op, s, how: r.below(3), settle: true });
        break;
      case "settimeout":
        ops.push({ op, s, t: r.pick([0, 0.2, 0.2]) });
        break;
      case "bind":
        // A new port, the n-th port the program has seen (if it has), or
        // a lab's.
        ops.push({ op, s, at: r.pick([null, null, 0, 1, 2, "lab"]), wrong: wrong() });
        break;
      case "setsockopt":
        ops.push({ op, s, name: r.pick(["SO_REUSEADDR", "SO_REUSEADDR", "TCP_NODELAY"]) });
        break;
      default:
        ops.push({ op, s });
    }
  }
  // A connected UDP socket's ICMP error (port unreachable) reaches the
  // page a moment after the datagram left, when the relay reports it,
  // where Linux has it by the time send() returns: both sides wait before
  // a UDP send, so the next call finds it in both (a known difference in
  // timing, not in what is raised).
  // A UDP connect waits too, for a lab's answer in flight: after it,
  // Linux drops datagrams from other addresses, and before, it queues them.
  // The next call on a socket after its shutdown waits too: a peer that
  // closes on our FIN (the echo lab) answers with its own within a moment,
  // and whether it has come decides bind() (Linux binds again only once
  // both FINs are through) and getpeername(); natively that race is won
  // sooner than through the relay's round trip.
  // The next call on a socket just connected to a lab that sends and
  // closes by itself (hello, sticky, framed) waits too: natively the call
  // may come before the lab has run, and through the relay after, and
  // whether the lab has closed decides what bytes sent to it meet (queued,
  // or a reset) and so bind() (seed 4697: EINVAL natively, the socket
  // still connected; EADDRINUSE through the relay, its port given back).
  const closing = new Set();
  const udp = new Array(SLOTS).fill(false);
  const shut = new Set();
  for (const op of ops) {
    if (closing.delete(op.s)) op.settle = true;
    if (op.op === "connect" && ["hello", "sticky", "framed"].includes(op.to?.lab)) closing.add(op.s);
    if (op.op === "new") udp[op.s] = op.udp;
    // An accept may fail and leave the slot as it was (a UDP socket, say):
    // the slot stays "maybe UDP" until a new socket, so its sends settle.
    if (udp[op.s] && ["send", "sendall", "sendto"].includes(op.op)) op.settle = true;
    // A UDP connect filters what arrives after it: a lab's answer to the
    // datagram just sent must have come (or not) on both sides alike.
    if (udp[op.s] && op.op === "connect") op.settle = true;
    if (shut.delete(op.s)) op.settle = true;
    if (op.op === "shutdown") shut.add(op.s);
  }
  return ops;
}

// The interpreter, in Python. Every socket gets a 0.2 s timeout, so a call
// that would block forever raises TimeoutError on both sides instead.
const PYTHON = String.raw`
import json, socket, sys, time

spec = json.load(sys.stdin)
labs, closed = spec["labs"], spec["closed"]
out = []
for ops in spec["programs"]:
    names = {port: "lab:" + name for name, port in labs.items()}
    names[closed] = "closed"
    def sym(port):
        if port == 0:
            return "0"
        if port not in names:
            names[port] = "p%d" % (len([n for n in names.values() if n.startswith("p")]) + 1)
        return names[port]
    def addr(a):
        if a is None:
            return "None"
        host = "127.0.0.1" if a[0] == "0.0.0.0" and a[1] else a[0]
        return "(%s, %s)" % (host, sym(a[1]))
    def bstr(b):
        # A long one by its length, ends and FNV-1a hash.
        if len(b) > 32:
            h = 0x811C9DC5
            for c in b:
                h = ((h ^ c) * 0x01000193) & 0xFFFFFFFF
            return "b'%s...%s' (%d bytes, %08x)" % (b[:6].decode(), b[-6:].decode(), len(b), h)
        return "b'" + b.decode() + "'"
    socks = [None] * ${SLOTS}
    v6 = [False] * ${SLOTS}
    def host(op, to=None):
        """The address an op names: its socket's loopback, ::ffff:127.0.0.1
        for an IPv4 peer of an IPv6 socket, or (a mistake) the other one."""
        mine = v6[op["s"]]
        if op.get("wrong"):
            return "127.0.0.1" if mine else "::1"
        if not mine:
            return "127.0.0.1"
        if to is not None and "slot" in to and v6[to["slot"]] and socks[to["slot"]]:
            return "::1"
        if to is not None and "closed" in to:
            return "::1"
        return "::1" if to is None else "::ffff:127.0.0.1"
    def close(s):
        s.close()
    def bind_port(at):
        if at is None:
            return 0
        if at == "lab":
            return labs["echo"]
        return next((p for p, n in names.items() if n == "p%d" % (at + 1)), 0)
    def port_of(to):
        if "lab" in to:
            return labs[to["lab"]]
        if "closed" in to:
            return closed
        s = socks[to["slot"]]
        try:
            port = s.getsockname()[1] if s else 0
        except OSError:
            port = 0
        return port or closed
    results = []
    for op in ops:
        name, s = op["op"], socks[op["s"]]
        if op.get("settle"):
            time.sleep(0.05)
        try:
            if name == "new":
                # The socket the slot held is dropped, which closes it in
                # CPython; the page closes it explicitly.
                if s:
                    close(s)
                family = socket.AF_INET6 if op.get("v6") else socket.AF_INET
                s = socket.socket(family, socket.SOCK_DGRAM if op["udp"] else socket.SOCK_STREAM)
                v6[op["s"]] = bool(op.get("v6"))
                s.settimeout(0.2)
                socks[op["s"]] = s
                r = "ok"
            elif s is None:
                r = "no socket"
            elif name == "bind":
                r = str(s.bind((host(op), bind_port(op.get("at")))))
            elif name == "listen":
                r = str(s.listen(1))
            elif name == "connect":
                r = str(s.connect((host(op, op["to"]), port_of(op["to"]))))
            elif name == "accept":
                c, a = s.accept()
                c.settimeout(0.2)
                if socks[op["into"]] and socks[op["into"]] is not s:
                    close(socks[op["into"]])
                socks[op["into"]] = c
                v6[op["into"]] = v6[op["s"]]
                r = "accepted " + addr(a)
            elif name == "send":
                r = str(s.send(op["data"].encode()))
            elif name == "sendall":
                r = str(s.sendall(op["data"].encode()))
            elif name == "recv":
                time.sleep(0.05)
                r = bstr(s.recv(op["n"]))
            elif name == "sendto":
                r = str(s.sendto(op["data"].encode(), (host(op, op["to"]), port_of(op["to"]))))
            elif name == "recvfrom":
                time.sleep(0.05)
                data, a = s.recvfrom(op["n"])
                r = bstr(data) + " from " + addr(a)
            elif name == "shutdown":
                r = str(s.shutdown(op["how"]))
            elif name == "close":
                r = str(close(s))
            elif name == "getsockname":
                r = addr(s.getsockname())
            elif name == "getpeername":
                r = addr(s.getpeername())
            elif name == "settimeout":
                r = str(s.settimeout(op["t"]))
            elif name == "setsockopt":
                level = socket.SOL_SOCKET if op["name"].startswith("SO_") else socket.IPPROTO_TCP
                r = str(s.setsockopt(level, getattr(socket, op["name"]), 1))
        except Exception as e:
            r = "%s: %s" % (type(e).__name__, e)
        results.append(r)
    for s in socks:
        if s:
            close(s)
    out.append(results)
print(json.dumps(out))
`;

/**
 * The page's result, read as Python's where they differ only by the
 * relay's policy: a socket that bound itself (listen, or sendto on an
 * unbound socket) is bound on loopback, where Python binds on every
 * interface, so 0.0.0.0 with a port reads as 127.0.0.1 (done on the
 * Python side) and Python's IPv6 "::" with a port stands for the page's
 * ::1 or ::ffff:127.0.0.1 (the loopback the socket's first datagram
 * went from).
 */
function onLoopback(got, want) {
  const any = /^\(::, (p\d+)\)$/.exec(String(want));
  if (!any) return got;
  return [`(::1, ${any[1]})`, `(::ffff:127.0.0.1, ${any[1]})`].includes(got) ? want : got;
}

/** Runs the programs in the page through the relay; the same results. */
function inPage(programs, labs, closed) {
  return page.evaluate(
    async ({ programs, labs, closed, slots }) => {
      const relay = /** @type {any} */ (window).relay;
      const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
      const out = [];
      for (const ops of programs) {
        const names = new Map(Object.entries(labs).map(([name, port]) => [port, `lab:${name}`]));
        names.set(closed, "closed");
        const sym = (port) => {
          if (port === 0) return "0";
          if (!names.has(port)) names.set(port, `p${[...names.values()].filter((n) => n.startsWith("p")).length + 1}`);
          return names.get(port);
        };
        // As on the Python side: 0.0.0.0 with a port reads as 127.0.0.1 (a
        // refused connect leaves that name on both sides).
        const shown = (a) => (a[0] === "0.0.0.0" && a[1] ? "127.0.0.1" : a[0]);
        const addr = (a) => (a === null || a === undefined ? "None" : `(${shown(a)}, ${sym(a[1])})`);
        const bstr = (b) => {
          const text = new TextDecoder().decode(b);
          if (b.length <= 32) return `b'${text}'`;
          let h = 0x811c9dc5;
          for (const c of b) h = Math.imul(h ^ c, 0x01000193) >>> 0;
          return `b'${text.slice(0, 6)}...${text.slice(-6)}' (${b.length} bytes, ${h.toString(16).padStart(8, "0")})`;
        };
        const none = (v) => (v === undefined || v === null ? "None" : String(v));
        const socks = new Array(slots).fill(null);
        const v6 = new Array(slots).fill(false);
        // As the Python side's host().
        const host = (op, to) => {
          const mine = v6[op.s];
          if (op.wrong) return mine ? "127.0.0.1" : "::1";
          if (!mine) return "127.0.0.1";
          if (to?.slot !== undefined && v6[to.slot] && socks[to.slot]) return "::1";
          if (to?.closed) return "::1";
          return to === undefined ? "::1" : "::ffff:127.0.0.1";
        };
        const close = (s) => s.close();
        const bindPort = (at) => {
          if (at === null || at === undefined) return 0;
          if (at === "lab") return labs.echo;
          for (const [port, n] of names) if (n === `p${at + 1}`) return port;
          return 0;
        };
        const portOf = async (to) => {
          if (to.lab) return labs[to.lab];
          if (to.closed) return closed;
          const s = socks[to.slot];
          let port = 0;
          try {
            port = s ? (await s.getsockname())[1] : 0;
          } catch {
            port = 0;
          }
          return port || closed;
        };
        const results = [];
        for (const op of ops) {
          let s = socks[op.s];
          let r;
          if (op.settle) await sleep(50);
          try {
            if (op.op === "new") {
              if (s) await close(s);
              s = relay.socket(op.udp ? "udp" : "tcp", op.v6 ? "inet6" : "inet");
              v6[op.s] = Boolean(op.v6);
              s.settimeout(0.2);
              socks[op.s] = s;
              r = "ok";
            } else if (s === null) {
              r = "no socket";
            } else if (op.op === "bind") {
              r = none(await s.bind(host(op), bindPort(op.at)));
            } else if (op.op === "listen") {
              r = none(await s.listen(1));
            } else if (op.op === "connect") {
              r = none(await s.connect(host(op, op.to), await portOf(op.to)));
            } else if (op.op === "accept") {
              const [c, a] = await s.accept();
              c.settimeout(0.2);
              if (socks[op.into] && socks[op.into] !== s) await close(socks[op.into]);
              socks[op.into] = c;
              v6[op.into] = v6[op.s];
              r = `accepted ${addr(a)}`;
            } else if (op.op === "send") {
              r = none(await s.send(op.data));
            } else if (op.op === "sendall") {
              r = none(await s.sendall(op.data));
            } else if (op.op === "recv") {
              await sleep(50);
              r = bstr(await s.recv(op.n));
            } else if (op.op === "sendto") {
              r = none(await s.sendto(op.data, host(op, op.to), await portOf(op.to)));
            } else if (op.op === "recvfrom") {
              await sleep(50);
              const [data, a] = await s.recvfrom(op.n);
              r = `${bstr(data)} from ${addr(a)}`;
            } else if (op.op === "shutdown") {
              r = none(await s.shutdown(op.how));
            } else if (op.op === "close") {
              r = none(await close(s));
            } else if (op.op === "getsockname") {
              r = addr(await s.getsockname());
            } else if (op.op === "getpeername") {
              r = addr(await s.getpeername());
            } else if (op.op === "settimeout") {
              r = none(await s.settimeout(op.t));
            } else if (op.op === "setsockopt") {
              r = none(await s.setsockopt(op.name, 1));
            }
          } catch (e) {
            r = `${e.name}: ${e.message}`;
          }
          results.push(r);
        }
        for (const s of socks) if (s) await close(s);
        out.push(results);
      }
      return out;
    },
    { programs, labs, closed, slots: SLOTS },
  );
}

test("random programs of socket calls give through the relay what python3 gives natively", { timeout: 600_000 }, async (t) => {
  const count = Number(process.env.NETLAB_SOCKET_PROGRAMS ?? 30);
  const labs = Object.fromEntries(
    await page.evaluate(() => /** @type {any} */ (window).relay.labs.map((l) => [l.name, l.port])),
  );
  const only = process.env.NETLAB_SOCKET_SEED;
  const first = Number(process.env.NETLAB_SOCKET_FIRST ?? 1);
  const seeds = only ? [Number(only)] : Array.from({ length: count }, (_, i) => first + i);
  const programs = seeds.map((seed) => program(seed, 24));
  const python = spawnSync("python3", ["-c", PYTHON], {
    input: JSON.stringify({ programs, labs, closed }),
    encoding: "utf8",
    timeout: 300_000,
  });
  assert.equal(python.status, 0, python.stderr);
  const want = JSON.parse(python.stdout);
  const got = await inPage(programs, labs, closed);
  const kinds = new Set();
  let cut = 0;
  for (const [i, ops] of programs.entries()) {
    const lines = ops.map((op, k) => `${k}: ${JSON.stringify(op)}\n   python: ${want[i][k]}\n   relay:  ${got[i][k]}`);
    // IPv6 slots, for the known difference below.
    const v6 = new Set();
    for (const [k, op] of ops.entries()) {
      if (op.op === "new") v6[op.v6 ? "add" : "delete"](op.s);
      if (op.op === "accept" && String(want[i][k]).startsWith("accepted")) v6[v6.has(op.s) ? "add" : "delete"](op.into);
      // Known difference (docs/js-api.md): an IPv6 socket the relay bound
      // itself is on ::1 or ::ffff:127.0.0.1, where Python's is on ::, and
      // cannot reach the other form, as Linux says for a socket bound there.
      const unreachable = /\[Errno (97|101)\]/.test(got[i][k]) && !/Error/.test(String(want[i][k]));
      if (["connect", "send", "sendall", "sendto"].includes(op.op) && v6.has(op.s) && unreachable) {
        cut += 1;
        break;
      }
      assert.equal(onLoopback(got[i][k], want[i][k]), want[i][k], `seed ${seeds[i]}, call ${k} ${JSON.stringify(op)}:\n${lines.slice(0, k + 1).join("\n")}`);
      kinds.add(`${op.op} ${String(want[i][k]).split(":")[0].split(" ")[0]}`);
    }
  }
  // What the programs met, for whoever hunts with more of them.
  t.diagnostic(`outcomes: ${[...kinds].sort().join(", ")}`);
  // (A single program rerun by its seed may meet it: it is then only cut.)
  assert.ok(only || cut <= programs.length / 10, `${cut} of ${programs.length} programs met a known difference`);
  // The programs reached the interesting outcomes, not only "no socket"
  // (one program alone need not).
  const outcomes = only ? [] : ["connect None", "recv b'", "accept accepted", "connect ConnectionRefusedError", "recv TimeoutError", "sendto"];
  for (const outcome of outcomes) {
    assert.ok([...kinds].some((k) => k.startsWith(outcome)), `no ${outcome} in ${[...kinds].sort().join(", ")}`);
  }
});
