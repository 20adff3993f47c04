// The simulators' explanations in Chinese (web/i18n-sim.js: simExplanation)
// against what the WASM module writes: every event of every TCP scenario
// and every LAN variant, plus specs that reach the rarer sentences (losses,
// a big request, ISNs that wrap, UDP, a gateway off the network, an address
// nobody has, a broadcast destination, loopback, an unplugged cable …), is
// translated whole, with no English word left but what stays (protocol
// names, states, Python code and output, addresses). Every explanation key
// written in the core has an event here (or a sample written from its
// format string, for the few no spec reaches), so a new sentence form fails
// here, not as English on the Chinese page; and every rule is needed: with
// any one removed, some explanation goes untranslated.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { ROOT, loadWasm } from "./helpers.mjs";
import { simExplanation, SIM_RULES } from "../../web/i18n-sim.js";

const wasm = await loadWasm();

const MACS = { A: "02:00:00:00:00:0a", B: "02:00:00:00:00:0b", C: "02:00:00:00:00:0c", eth0: "02:00:00:00:01:01", eth1: "02:00:00:00:01:02" };
const CABLES = [
  { a: "A", b: "S1" },
  { a: "C", b: "S1" },
  { a: "R:eth0", b: "S1" },
  { a: "B", b: "S2" },
  { a: "R:eth1", b: "S2" },
];
/** The seeds' LAN, as the page writes it, with some of it changed. */
const lan = ({ a = {}, r = {}, links = CABLES } = {}) => ({
  hosts: [
    { name: "A", ip: "192.168.12.1", gateway: "192.168.12.254", mac: MACS.A, ...a },
    { name: "B", ip: "192.168.13.1", gateway: "192.168.13.254", mac: MACS.B },
    { name: "C", ip: "192.168.12.2", gateway: "192.168.12.254", mac: MACS.C },
  ],
  switches: [{ name: "S1" }, { name: "S2" }],
  routers: [{ name: "R", interfaces: [{ name: "eth0", ip: "192.168.12.254", mac: MACS.eth0 }, { name: "eth1", ip: "192.168.13.254", mac: MACS.eth1 }], ...r }],
  links,
});

const SCENARIOS = ["full", "handshake", "data", "close", "simultaneous_close", "refused", "retransmission"];
const TCP_SPECS = [
  ...SCENARIOS.map((scenario) => ({ scenario })),
  // Either side speaking first.
  ...["full", "data", "retransmission"].flatMap((scenario) => ["client", "server"].map((first) => ({ scenario, first }))),
  // Each segment lost in turn: a SYN sent again, a SYN that comes twice,
  // data and FINs sent again, duplicate ACKs.
  ...["full", "handshake", "close", "simultaneous_close"].flatMap((scenario) => Array.from({ length: 12 }, (_, i) => ({ scenario, loss: [i + 1] }))),
  ...Array.from({ length: 12 }, (_, i) => ({ scenario: "full", first: "client", loss: [i + 1] })),
  // Big requests and replies, from either side: several segments, a gap,
  // duplicate ACKs, fast retransmit, data left unread or arriving after
  // close() (RST).
  ...["client", "server"].flatMap((first) =>
    [{ request: "x".repeat(8000) }, { reply: "y".repeat(8000) }, { request: "x".repeat(3000), reply: "y".repeat(3000) }].flatMap((big) =>
      Array.from({ length: 12 }, (_, i) => ({ scenario: "full", first, ...big, loss: [i + 1] })),
    ),
  ),
  { scenario: "full", request: "x".repeat(3000) },
  { scenario: "full", reply: "y".repeat(3000) },
  { scenario: "full", request: "y".repeat(3000), reply: "y".repeat(3000) },
  { scenario: "full", server: { window: 100 }, client: { window: 100 }, request: "x".repeat(500), reply: "y".repeat(500) },
  // ISNs that wrap past 2^32; bytes Python writes with quotes and escapes; one byte.
  { scenario: "full", client: { isn: 4294967295 }, server: { isn: 0 } },
  { scenario: "full", request: "it's \"ok\"\n", reply: "it's" },
  { scenario: "data", request: "a", reply: "b" },
  // The answer and its ACK lost: the request goes again, though the server
  // had acknowledged it (a spurious retransmission).
  { scenario: "data", loss: [5, 6] },
  // Every segment lost: the client gives up.
  { scenario: "handshake", loss: Array.from({ length: 20 }, (_, i) => i + 1) },
];
const VARIANTS = ["normal", "wrong_mask", "no_gateway", "ttl_1", "unknown_network"];
const LAN_SPECS = [
  ...VARIANTS.map((variant) => ({ variant })),
  ...VARIANTS.map((variant) => ({ variant, send: { proto: "udp" } })),
  { send: { proto: "udp", reply: null } },
  // A gateway off A's network.
  lan({ a: { gateway: "192.168.13.254" } }),
  // An address nobody has: on the far LAN (R's ARP fails), on A's own.
  { send: { to: "192.168.13.77" } },
  { send: { to: "192.168.13.77", proto: "udp" } },
  { send: { to: "192.168.12.77" } },
  // Broadcast destinations, A's own address, loopback.
  { send: { to: "192.168.12.255" } },
  { send: { to: "255.255.255.255", proto: "udp" } },
  { send: { to: "192.168.12.1" } },
  { send: { to: "127.0.0.1", proto: "udp" } },
  // The same LAN, both ways.
  { send: { to: "192.168.12.2" } },
  { send: { from: "C", to: "192.168.12.1", proto: "udp" } },
  // ARP caches filled beforehand: right, wrong (a MAC nobody has), a host that gets a packet not for it.
  lan({ a: { arp: [{ ip: "192.168.12.254", mac: MACS.eth0 }] } }),
  lan({ a: { arp: [{ ip: "192.168.12.254", mac: "02:00:00:00:00:99" }] } }),
  lan({ a: { mask: "255.255.0.0", arp: [{ ip: "192.168.13.1", mac: MACS.C }] } }),
  // Cables missing: R's on LAN B, A's.
  lan({ links: CABLES.slice(0, 4) }),
  lan({ links: CABLES.slice(1) }),
  // A static route via a next hop nobody has; TTL 2.
  { ...lan({ r: { routes: [{ network: "192.168.14.0/24", via: "192.168.13.9" }] } }), send: { to: "192.168.14.1" } },
  { send: { ttl: 2 } },
  { arp_tries: 1 },
];

/**
 * Forms no spec above reaches, written from the core's format strings
 * (each string in `forms` must be in the core, so a reworded one fails
 * here too) with their values filled in.
 * @type {Array<{key: string, forms: string[], text: string}>}
 */
const SAMPLES = [
  {
    key: "tcp.rst_bad_ack",
    forms: ["The {who} resets: the segment it got acknowledged a number it never sent (RFC 9293 §3.10.7)."],
    text: "The server resets: the segment it got acknowledged a number it never sent (RFC 9293 §3.10.7). On arrival the client goes from SYN-SENT to CLOSED.",
  },
  {
    key: "tcp.challenge_ack",
    forms: ["The {who} got a SYN on an open connection; it answers with an ACK of where it is (RFC 5961 challenge ACK) instead of starting over."],
    text: "The server got a SYN on an open connection; it answers with an ACK of where it is (RFC 5961 challenge ACK) instead of starting over.",
  },
  {
    key: "tcp.call.send_queued",
    forms: ["send() copies {} into the {}'s send buffer; the window or the state keeps them there for now."],
    text: "send() copies 1 byte into the server's send buffer; the window or the state keeps them there for now.",
  },
  {
    // A FIN acknowledged in a state that adds nothing.
    key: "tcp.fin_ack",
    forms: ["The {who} acknowledges the {other}'s FIN with ack {} (the FIN took one number). {then}", "_ => String::new()"],
    text: "The server acknowledges the client's FIN with ack 1007 (the FIN took one number).  On arrival the client goes from FIN-WAIT-1 to FIN-WAIT-2.",
  },
  {
    key: "lan.switch.filter",
    forms: ["{name} gets the frame on port {in_port}. {learn_text} {act_text} A switch reads only MAC addresses and changes nothing in the frame.", "{dst} is on port {in_port}, where the frame came from: it drops it."],
    text: "S1 gets the frame on port 3. S1 already knows 02:00:00:00:00:0a is on port 3. 02:00:00:00:00:0c is on port 3, where the frame came from: it drops it. A switch reads only MAC addresses and changes nothing in the frame.",
  },
  {
    // A switch with one port: nowhere else to flood.
    key: "lan.switch.flood_broadcast",
    forms: ["The destination is the broadcast address, so it floods the frame out of every other port ({})."],
    text: "S3 gets the frame on port 1. S3 learns that 02:00:00:00:00:0a is on port 1: its table now has 1 entry. The destination is the broadcast address, so it floods the frame out of every other port (). A switch reads only MAC addresses and changes nothing in the frame.",
  },
  {
    key: "lan.ignore.icmp_error",
    forms: ["{name} sends no ICMP error about an ICMP error (RFC 1122), so that errors cannot snowball."],
    text: "R sends no ICMP error about an ICMP error (RFC 1122), so that errors cannot snowball.",
  },
  {
    key: "lan.send.icmp",
    forms: ['"{name} sends a frame out of {port}, from {} to {to}."', '"an ICMP message"', '"{head} Inside{ips}: {what}."', '" from {} to {} with TTL {ttl}"'],
    text: "R sends a frame out of eth0, from 02:00:00:00:01:01 to 02:00:00:00:00:0a. Inside from 192.168.12.254 to 192.168.12.1 with TTL 64: an ICMP message.",
  },
  {
    key: "lan.send.ip",
    forms: ['"an IPv4 packet"', '"{head} Inside{ips}: {what}."'],
    text: "A sends a frame out of eth0, from 02:00:00:00:00:0a to ff:ff:ff:ff:ff:ff, the broadcast address: every card on the LAN takes it. Inside: an IPv4 packet.",
  },
  {
    // Two routers on the way.
    key: "lan.deliver.echo_reply",
    forms: ["({} router{} on the way)."],
    text: "The echo reply from 192.168.14.1 is back at A: the ping succeeded. It arrived with TTL 62 (2 routers on the way).",
  },
  {
    // Another ICMP error than the variants make.
    key: "lan.deliver.icmp_error",
    forms: ['"ICMP destination unreachable (port)"'],
    text: "A gets ICMP destination unreachable (port) from 192.168.13.1: its packet to 192.168.13.1 did not arrive.",
  },
];

/** The core's files that write explanations, before their tests, with Rust's line continuations joined. */
const CORE = ["core/src/sim/tcp/explain.rs", "core/src/sim/tcp/run.rs", "core/src/sim/lan/engine.rs", "core/src/sim/lan/frames.rs"].map((f) => ({
  file: f,
  code: readFileSync(path.join(ROOT, f), "utf8")
    .split("#[cfg(test)]")[0]
    .replace(/\\\n\s*/g, ""),
}));

/** Every explanation the specs make, with its key (the first of each text). */
function sweep() {
  /** @type {Map<string, string>} */
  const texts = new Map();
  for (const spec of TCP_SPECS) for (const e of wasm.tcpSimulate(spec).events) if (!texts.has(e.explanation)) texts.set(e.explanation, e.key);
  for (const spec of LAN_SPECS) for (const e of wasm.lanSimulate(spec).events) if (!texts.has(e.explanation)) texts.set(e.explanation, e.key);
  return texts;
}
const TEXTS = sweep();
const ALL = [...TEXTS.keys(), ...SAMPLES.map((s) => s.text)];

/**
 * The English words left in a Chinese text, after what stays as it is:
 * Python's bytes and calls, CPython's exceptions and errno messages, ping's
 * messages, addresses and numbers, and names that are no English word.
 * @param {string} zh
 */
function english(zh) {
  const rest = zh
    .replace(/b(['"])(?:\\.|(?!\1).)*\1/g, " ")
    .replace(/\[Errno \d+\] [A-Za-z ]+/g, " ")
    .replace(/\b\w+Error\b/g, " ")
    .replace(/ping: Do you want to ping broadcast\? Then -b\. If not, check your local firewall rules/g, " ")
    .replace(/"Destination Host Unreachable"/g, " ")
    .replace(/\b[\w.]+\((?:[^()]|\([^()]*\))*\)/g, " ")
    .replace(/[0-9a-f]*:[0-9a-f:.]*/gi, " ")
    .replace(/\b\d+\b/g, " ");
  // seq and ack are the fields' names as Wireshark and the page's headlines write them (seq=1001).
  const kept = new Set(["seq", "ack", "conn", "sk", "lo", "ping", "ms", "Linux", "Python", "IPv4", "eth0", "eth1", "b"]);
  return (rest.match(/[A-Za-z][A-Za-z0-9-]*/g) ?? []).filter((w) => /[a-z]/.test(w) && !kept.has(w));
}

test("the specs reach every explanation key the core writes (or a sample does), and the samples' forms are the core's", () => {
  const keys = new Set();
  for (const { code } of CORE) for (const m of code.matchAll(/"((?:tcp|lan)\.[a-z_]+(?:\.[a-z_]+)*)"/g)) keys.add(m[1]);
  // The scan finds them at all: segments, calls, timers, the LAN's steps.
  for (const key of ["tcp.syn", "tcp.syn.again", "tcp.call.recv", "tcp.timer.rto", "lan.decide.same", "lan.switch.filter", "lan.send.ip"]) assert.ok(keys.has(key), key);
  assert.ok(keys.size >= 70, `${keys.size} keys`);
  const seen = new Set([...TEXTS.values(), ...SAMPLES.map((s) => s.key)]);
  assert.deepEqual([...keys].filter((k) => !seen.has(k)), [], "keys no spec or sample reaches");
  const core = CORE.map((c) => c.code).join("\n");
  for (const s of SAMPLES) for (const form of s.forms) assert.ok(core.includes(form), `${s.key}: '${form}' is no longer in the core`);
  // Every scenario and variant ran, and many sentences came out.
  assert.ok(TEXTS.size > 250, `${TEXTS.size} explanations`);
});

test("every explanation the simulators write reads in Chinese, whole, with no English word left", () => {
  const bad = [];
  for (const text of ALL) {
    const zh = simExplanation(text);
    if (zh === null) bad.push(`untranslated: ${text}`);
    else if (!/[\u4e00-\u9fff]/.test(zh) || english(zh).length) bad.push(`${text}\n  → ${zh}\n  English left: ${english(zh).join(" ")}`);
  }
  assert.deepEqual(bad, []);
});

test("what stays keeps its form: numbers, addresses, states, Python's code and bytes, CPython's and ping's messages", () => {
  for (const text of ALL) {
    const zh = /** @type {string} */ (simExplanation(text));
    const kept = text.match(/b'(?:[^'\\]|\\.)*'|b"(?:[^"\\]|\\.)*"|\[Errno \d+\] [A-Za-z ]+[a-z]|\b(?:[A-Z]+-)+[A-Z0-9]+\b|\b(?:LISTEN|ESTABLISHED|CLOSING|CLOSED)\b|\d{1,3}(?:\.\d{1,3}){3}(?:\/\d+)?|[0-9a-f]{2}(?::[0-9a-f]{2}){5}|\b[\w.]+\((?:[^()]|\([^()]*\))*\)/g) ?? [];
    for (const k of kept) assert.ok(zh.includes(k), `${k} is kept in\n${text}\n→ ${zh}`);
  }
  const cases = {
    "The client asks to connect: a SYN with its initial sequence number (ISN) 1000 and its MSS 1460. The SYN takes one sequence number, so the answer will acknowledge 1001. On arrival the server goes from LISTEN to SYN-RECEIVED.":
      "客户端请求连接：发送 SYN，带上自己的初始序号 (ISN) 1000 和 MSS 1460。SYN 占用一个序号，所以对方的回答将确认 1001。到达后，服务端从 LISTEN 变为 SYN-RECEIVED。",
    "recv(1024) returns b'hello' (5 bytes): TCP handed the bytes to the program in order.": "recv(1024) 返回 b'hello'（5 字节）：TCP 把这些字节按顺序交给了程序。",
    "A's ARP cache has no MAC for 192.168.12.254. A frame needs one (switches only read MAC addresses), so A holds the packet and asks with ARP.":
      "A 的 ARP 缓存里没有 192.168.12.254 的 MAC 地址。帧需要它（交换机只看 MAC 地址），所以 A 先留着这个数据包，用 ARP 去问。",
  };
  for (const [en, zh] of Object.entries(cases)) assert.equal(simExplanation(en), zh);
});

test("a sentence no rule knows, or knows only in part, stays untranslated (null), never half Chinese", () => {
  for (const text of [
    "",
    "Something new happens.",
    // A known sentence with something after it, or a piece changed.
    "The client asks to connect: a SYN with its initial sequence number (ISN) 1000 and its MSS 1460. The SYN takes one sequence number, so the answer will acknowledge 1001. And more.",
    "The client's close() sends FIN at seq 1006: it has no more data. The FIN takes one sequence number. Something else.",
    "The server acknowledges the client's FIN with ack 1007 (the FIN took one number). The server goes somewhere new.",
    "The call raises ConnectionResetError: [Errno 104] Connection reset by peer: a new reason.",
    "S1 gets the frame on port 1. S1 learns something. It learned 02:00:00:00:00:0a on port 1, so the frame goes out of that port only. A switch reads only MAC addresses and changes nothing in the frame.",
    "A sends a frame out of eth0, from 02:00:00:00:00:0a to 02:00:00:00:01:01. Inside from 192.168.12.1 to 192.168.13.1 with TTL 64: a new protocol.",
    "Retransmission after the timeout. Something new.",
    "Something new. On arrival the server goes from LISTEN to SYN-RECEIVED.",
  ]) {
    assert.equal(simExplanation(text), null, text);
  }
});

test("every rule is needed: without any one of them, some explanation is no longer translated the same", () => {
  const before = ALL.map((t) => simExplanation(t));
  const unneeded = [];
  for (const [name, rules] of Object.entries(SIM_RULES)) {
    for (let i = 0; i < rules.length; i++) {
      const [rule] = rules.splice(i, 1);
      try {
        if (ALL.every((t, j) => simExplanation(t) === before[j])) unneeded.push(`${name}[${i}] ${rule[0].source.slice(0, 80)}`);
      } finally {
        rules.splice(i, 0, rule);
      }
    }
  }
  assert.deepEqual(unneeded, []);
  assert.deepEqual(ALL.map((t) => simExplanation(t)), before, "the rules are back");
});
