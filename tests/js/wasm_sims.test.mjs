// tcpSimulate and lanSimulate under Node, against tshark: for every TCP
// scenario and every LAN variant, the trace's pcapng holds exactly the
// frames the trace shows (tshark's frame_raw), with the trace's comments;
// tshark finds every checksum good; each frame dissected by the WASM
// `dissect` names the same field values at the same byte offsets as tshark;
// the seeds' story holds (SYN, SYN-ACK, ACK with ISN + 1; ARP to
// ff:ff:ff:ff:ff:ff, switch learning, the router's hop); bad specs throw the
// core's message.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadWasm } from "./helpers.mjs";

const wasm = await loadWasm();
const TSHARK = "/usr/bin/tshark";
const CHECKS = ["-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE"];

let dir;
before(() => (dir = mkdtempSync(path.join(tmpdir(), "netlab-sims-"))));
after(() => rmSync(dir, { recursive: true, force: true }));

/** tshark's JSON (with raw bytes and positions) for a pcapng given in hex. */
function tshark(name, hex) {
  const file = path.join(dir, `${name}.pcapng`);
  writeFileSync(file, Buffer.from(hex, "hex"));
  const r = spawnSync(TSHARK, ["-r", file, ...CHECKS, "-T", "json", "-x"], { encoding: "utf8", maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, `tshark: ${r.stderr}`);
  return JSON.parse(r.stdout).map((p) => p._source.layers);
}

/** Every field in tshark's tree of one packet, first occurrence: name → value, and name_raw → [hex, pos, len, …]. */
function flatten(layers) {
  const out = new Map();
  const walk = (o) => {
    for (const [k, v] of Object.entries(o)) {
      if (!out.has(k)) out.set(k, v);
      if (v && typeof v === "object" && !Array.isArray(v)) walk(v);
    }
  };
  walk(layers);
  return out;
}

/** Every expert info tshark attached to a packet. */
function experts(layers) {
  const out = [];
  const walk = (o) => {
    for (const [k, v] of Object.entries(o)) {
      if (k === "_ws.expert") out.push(...(Array.isArray(v) ? v : [v]));
      else if (v && typeof v === "object") walk(v);
    }
  };
  walk(layers);
  return out;
}

/** The fields whose values are compared with tshark's (all others: their positions). */
const VALUES = [
  "eth.dst", "eth.src", "eth.type", "ip.ttl", "ip.src", "ip.dst", "ip.checksum", "ip.id", "ip.len", "ip.proto",
  "tcp.srcport", "tcp.dstport", "tcp.seq_raw", "tcp.ack_raw", "tcp.flags", "tcp.window_size_value", "tcp.checksum",
  "tcp.options.mss_val", "arp.opcode", "arp.src.hw_mac", "arp.src.proto_ipv4", "arp.dst.hw_mac", "arp.dst.proto_ipv4",
  "icmp.type", "icmp.code", "icmp.checksum", "udp.srcport", "udp.dstport", "udp.checksum",
];

const same = (ours, theirs) => {
  const a = Number(ours);
  const b = Number(theirs);
  if (!Number.isNaN(a) && !Number.isNaN(b) && String(ours) !== "" && theirs !== "") return a === b;
  return String(ours).toLowerCase().replaceAll(":", "") === String(theirs).toLowerCase().replaceAll(":", "");
};

/**
 * The WASM dissector against tshark on one frame: the same field values
 * (for VALUES) at the same byte offsets (every field tshark places), good
 * checksums, and no finding. Returns tshark's fields.
 */
function crossCheck(label, hex, packet) {
  const t = flatten(packet);
  assert.equal(t.get("frame_raw")[0], hex, `${label}: the pcapng holds the trace's frame`);
  for (const status of ["ip.checksum.status", "tcp.checksum.status", "udp.checksum.status", "icmp.checksum.status"]) {
    if (t.has(status)) assert.equal(t.get(status), "1", `${label}: ${status}`);
  }
  // Expert infos at error severity (malformed, bad checksum); tshark's
  // comments, chats and TCP analysis notes are fine.
  const errors = experts(packet).filter((x) => Number(x["_ws.expert.severity"]) >= 0x800000);
  assert.deepEqual(errors, [], `${label}: tshark reports errors`);
  assert.ok(!t.has("_ws.malformed"), `${label}: malformed`);
  const d = wasm.dissect(new Uint8Array(Buffer.from(hex, "hex")));
  assert.deepEqual(d.findings, [], `${label}: the dissector finds nothing wrong`);
  let placed = 0;
  for (const layer of d.layers) {
    // The packet an ICMP error quotes has the same field names as the outer
    // one; flatten keeps the first of each, and the Rust tshark test
    // (packet_tshark.rs) places the quoted ones by position.
    if (layer.name.endsWith("(quoted by ICMP)")) continue;
    for (const f of layer.fields) {
      if (!f.wireshark) continue;
      const raw = t.get(`${f.wireshark}_raw`);
      if (Array.isArray(raw) && typeof raw[1] === "number") {
        assert.equal(f.offset, raw[1], `${label}: ${f.wireshark} at byte ${raw[1]}`);
        placed++;
      }
      if (VALUES.includes(f.wireshark)) {
        assert.ok(t.has(f.wireshark), `${label}: tshark has ${f.wireshark}`);
        assert.ok(same(f.value, t.get(f.wireshark)), `${label}: ${f.wireshark} ${f.value} vs tshark ${t.get(f.wireshark)}`);
      }
    }
  }
  assert.ok(placed >= 3, `${label}: ${placed} fields placed`);
  return t;
}

const SCENARIOS = ["full", "handshake", "data", "close", "simultaneous_close", "refused", "retransmission"];

test("every TCP scenario's segments: the pcapng is the trace, tshark and dissect agree field by field", () => {
  const specs = SCENARIOS.map((scenario) => [scenario, { scenario }]);
  // Sequence numbers that wrap, tiny MSS and window, one link, two lost segments.
  specs.push(["odd", { client: { isn: 4294967294, mss: 2, port: 40000 }, server: { isn: 2147483647, window: 3, ip: "192.168.12.2" }, router_mac: null, loss: [5, 9] }]);
  for (const [name, spec] of specs) {
    const trace = wasm.tcpSimulate(spec);
    const segments = trace.events.filter((e) => e.kind === "segment").map((e) => e.segment);
    assert.ok(segments.length >= 2, name);
    const packets = tshark(`tcp-${name}`, trace.pcapng);
    assert.equal(packets.length, segments.length, `${name}: one packet per arrow`);
    segments.forEach((s, i) => {
      const label = `${name} #${s.number}`;
      assert.equal(s.number, i + 1, label);
      const t = crossCheck(label, s.frame, packets[i]);
      assert.equal(t.get("frame.comment") ?? t.get("pkt_comment")?.["frame.comment"], s.comment, `${label}: comment`);
      assert.equal(Number(t.get("tcp.flags")), s.flag_bits, `${label}: flags`);
      assert.equal(Number(t.get("tcp.seq_raw")), s.seq, `${label}: seq`);
      assert.equal(Number(t.get("tcp.ack_raw")), s.ack, `${label}: ack`);
      assert.equal(Number(t.get("tcp.len")), s.len, `${label}: len`);
      // Wireshark's relative numbers are the trace's.
      if (s.rel_seq !== null) assert.equal(Number(t.get("tcp.seq")), s.rel_seq, `${label}: relative seq`);
      if (s.rel_ack !== null) assert.equal(Number(t.get("tcp.ack")), s.rel_ack, `${label}: relative ack`);
      assert.equal(`${t.get("ip.src")}:${t.get("tcp.srcport")}`, s.src, `${label}: src`);
      assert.equal(`${t.get("ip.dst")}:${t.get("tcp.dstport")}`, s.dst, `${label}: dst`);
    });
  }
});

test("the handshake is the seeds' SYN, SYN-ACK, ACK: ISN + 1 both ways, states as RFC 9293 draws them", () => {
  const trace = wasm.tcpSimulate({ scenario: "handshake" });
  const segs = trace.events.filter((e) => e.segment).map((e) => [e.segment.flags, e.segment.seq, e.segment.ack, e.client.after, e.server.after]);
  const { isn: c } = trace.client;
  const { isn: s } = trace.server;
  assert.deepEqual(segs, [
    ["SYN", c, 0, "SYN-SENT", "SYN-RECEIVED"],
    ["SYN, ACK", s, c + 1, "ESTABLISHED", "SYN-RECEIVED"],
    ["ACK", c + 1, s + 1, "ESTABLISHED", "ESTABLISHED"],
  ]);
  // undefined, null and {} are all the defaults; the default is the whole story.
  assert.deepEqual(wasm.tcpSimulate(undefined), wasm.tcpSimulate({}));
  assert.deepEqual(wasm.tcpSimulate(null), wasm.tcpSimulate({ scenario: "full" }));
  const full = wasm.tcpSimulate();
  assert.deepEqual([full.client_state, full.server_state], ["CLOSED", "CLOSED"]);
  const flags = full.events.filter((e) => e.segment).map((e) => e.segment.flags);
  // Seed 000 §2: the server speaks first, the client answers b'bye' and closes first; the
  // four-way close has the server's ACK of b'bye' in it.
  assert.deepEqual(full.events.filter((e) => e.segment?.len).map((e) => [e.side, e.segment.payload]), [["server", "b'hello'"], ["client", "b'bye'"]]);
  assert.deepEqual(flags.slice(flags.indexOf("FIN, ACK")), ["FIN, ACK", "ACK", "ACK", "FIN, ACK", "ACK"], "four-way close");
  const asked = wasm.tcpSimulate({ first: "client" });
  assert.equal(asked.events.find((e) => e.segment?.len)?.side, "client", "first: client puts the request first");
  // The trace says who sent first: the spec's choice, else the scenario's.
  assert.deepEqual([full.first, asked.first, wasm.tcpSimulate({ scenario: "data" }).first], ["server", "client", "client"]);
  const refused = wasm.tcpSimulate({ scenario: "refused" });
  assert.equal(refused.events.at(-1).error, "ConnectionRefusedError: [Errno 111] Connection refused");
  const lost = wasm.tcpSimulate({ scenario: "retransmission" }).events.filter((e) => e.segment).map((e) => e.segment);
  assert.deepEqual(lost.filter((s) => s.lost).map((s) => s.number), [4]);
  assert.equal(lost[4].retransmission && lost[4].seq === lost[3].seq && lost[4].payload === lost[3].payload, true);
});

test("a lost SYN-ACK: the repeated SYN is answered by the SYN-ACK again, as Linux does, and tshark calls both retransmissions", () => {
  const trace = wasm.tcpSimulate({ scenario: "handshake", loss: [2] });
  const segs = trace.events.filter((e) => e.segment).map((e) => [e.time_ms, e.key, e.segment.flags]);
  assert.deepEqual(segs, [
    [5, "tcp.syn", "SYN"],
    [15, "tcp.syn_ack", "SYN, ACK"],
    [1005, "tcp.syn.again", "SYN"],
    [1015, "tcp.syn_ack_repeated", "SYN, ACK"],
    [1025, "tcp.handshake_ack", "ACK"],
  ]);
  const packets = tshark("lost-syn-ack", trace.pcapng).map(flatten);
  assert.deepEqual(
    packets.map((p) => [p.get("tcp.flags"), p.has("tcp.analysis.retransmission"), p.has("tcp.analysis.duplicate_ack")]),
    [
      ["0x0002", false, false],
      ["0x0012", false, false],
      ["0x0002", true, false],
      ["0x0012", true, false],
      ["0x0010", false, false],
    ],
  );
});

const VARIANTS = ["normal", "wrong_mask", "no_gateway", "ttl_1", "unknown_network"];

test("every LAN variant's frames: the pcapng is the trace, tshark and dissect agree, the router's changes are real", () => {
  const specs = VARIANTS.map((variant) => [variant, { variant }]);
  specs.push(["udp", { send: { proto: "udp" } }], ["same-subnet", { send: { to: "192.168.12.2" } }]);
  for (const [name, spec] of specs) {
    const trace = wasm.lanSimulate(spec);
    const packets = trace.frames.length ? tshark(`lan-${name}`, trace.pcapng) : [];
    assert.equal(packets.length, trace.frames.length, `${name}: one packet per frame`);
    const fields = trace.frames.map((f, i) => {
      const label = `${name} frame ${f.number}`;
      const t = crossCheck(label, f.bytes, packets[i]);
      assert.equal(t.get("eth.src"), f.eth.src, label);
      assert.equal(t.get("eth.dst"), f.eth.dst, label);
      if (f.arp) assert.equal(Number(t.get("arp.opcode")), f.arp.opcode, label);
      if (f.ip) assert.equal(Number(t.get("ip.ttl")), f.ip.ttl, label);
      if (f.icmp) assert.deepEqual([Number(t.get("icmp.type")), Number(t.get("icmp.code"))], [f.icmp.type, f.icmp.code], label);
      return t;
    });
    // What a router says it changed is what tshark sees between the two frames.
    trace.frames.forEach((f, i) => {
      if (f.forwarded_from === null) return;
      const [before, after] = [fields[f.forwarded_from], fields[i]];
      const tshark = { "source MAC": "eth.src", "destination MAC": "eth.dst", TTL: "ip.ttl", "IPv4 header checksum": "ip.checksum" };
      assert.deepEqual(f.changes.map((c) => c.field), Object.keys(tshark), `${name}: what changed`);
      for (const c of f.changes) {
        const key = tshark[c.field];
        assert.ok(same(c.before, before.get(key)) && same(c.after, after.get(key)), `${name} ${c.field}: ${c.before} → ${c.after}`);
      }
      assert.equal(Number(after.get("ip.ttl")), Number(before.get("ip.ttl")) - 1, `${name}: TTL down by one`);
      assert.equal(after.get("ip.src"), before.get("ip.src"), `${name}: the IP addresses stay`);
    });
  }
});

test("the seeds' LAN: ARP to ff:ff:ff:ff:ff:ff, S1 learns A's MAC on its port, R rewrites the MACs; each variant fails where it should", () => {
  const trace = wasm.lanSimulate();
  assert.deepEqual(trace, wasm.lanSimulate(null));
  assert.deepEqual(trace, wasm.lanSimulate({ variant: "normal" }));
  const first = trace.frames[0];
  assert.deepEqual([first.from, first.eth.dst, first.arp.opcode, first.arp.target_ip], ["A", "ff:ff:ff:ff:ff:ff", 1, "192.168.12.254"]);
  const s1 = trace.events.find((e) => e.node === "S1");
  // A is cabled to S1 first, so it is port 1; the broadcast goes out of C's and R's ports.
  assert.deepEqual([s1.kind, s1.in_port, s1.learned, s1.action, s1.out_ports], ["switch", 1, { mac: first.eth.src, port: 1 }, "flood", [2, 3]]);
  assert.deepEqual(s1.table, [{ mac: "02:00:00:00:00:0a", port: 1 }]);
  assert.equal(trace.outcome.answered, true);

  const wrong = wasm.lanSimulate({ variant: "wrong_mask" });
  assert.equal(wrong.events[0].key, "lan.decide.same");
  assert.deepEqual(wrong.frames.map((f) => f.arp?.target_ip), ["192.168.13.1", "192.168.13.1", "192.168.13.1"], "A ARPs for B itself");
  assert.equal(wrong.events.at(-1).key, "lan.arp.failed");
  assert.equal(wrong.outcome.output, "From 192.168.12.1 icmp_seq=1 Destination Host Unreachable");
  const none = wasm.lanSimulate({ variant: "no_gateway" });
  assert.deepEqual([none.frames.length, none.outcome.error], [0, "[Errno 101] Network is unreachable"]);
  const ttl = wasm.lanSimulate({ variant: "ttl_1" });
  assert.deepEqual([ttl.frames.at(-1).icmp, ttl.frames.at(-1).from], [{ type: 11, code: 0 }, "R"]);
  const unknown = wasm.lanSimulate({ variant: "unknown_network" });
  assert.deepEqual(unknown.frames.at(-1).icmp, { type: 3, code: 0 });
});

test("bad specs throw the core's message", () => {
  const throws = (f, message) => assert.throws(f, (e) => e instanceof Error && (message instanceof RegExp ? message.test(e.message) : e.message === message), String(message));
  throws(
    () => wasm.tcpSimulate({ client: { mss: 1461 } }),
    "the client's mss 1461 is out of range (1-1460): a segment must fit Ethernet's 1500-byte MTU with its IPv4 and TCP headers",
  );
  throws(() => wasm.tcpSimulate({ server: { window: 0 } }), /server's window is 0/);
  throws(() => wasm.tcpSimulate({ loss: [0] }), /numbered from 1/);
  throws(() => wasm.tcpSimulate({ scenario: "bogus" }), /^unknown variant `bogus`/);
  throws(() => wasm.tcpSimulate({ clients: {} }), /^unknown field `clients`, expected one of `scenario`, `client`, /);
  // Misspelt fields are refused however deep (serde-wasm-bindgen alone would skip them).
  throws(() => wasm.tcpSimulate({ client: { ips: "10.0.0.1" } }), "unknown field `ips`, expected one of `ip`, `port`, `isn`, `window`, `mss`, `mac`");
  throws(
    () => wasm.lanSimulate({ hosts: [{ name: "A", ip: "192.168.12.1", mac: "02:00:00:00:00:0a", gw: "192.168.12.254" }] }),
    /^unknown field `gw`, expected one of `name`, `ip`, `mask`, `gateway`, `mac`, `arp`$/,
  );
  throws(() => wasm.lanSimulate({ send: { to: "192.168.13.1", ttll: 3 } }), /^unknown field `ttll`/);
  throws(() => wasm.lanSimulate([]), "the spec must be an object");
  throws(() => wasm.tcpSimulate({ client: { ip: "192.168.12.300" } }), /invalid/i);
  throws(() => wasm.tcpSimulate(5), "the spec must be an object");
  throws(() => wasm.tcpSimulate({ client: { isn: 1.5 } }), /isn|invalid/);
  throws(() => wasm.lanSimulate({ send: { ttl: 0 } }), "a TTL of 0 cannot be sent (Linux refuses IP_TTL 0); use 1-255");
  throws(() => wasm.lanSimulate({ links: [{ a: "A", b: "S9" }] }), "link A-S9: there is no node named 'S9'");
  throws(() => wasm.lanSimulate({ send: { from: "R" } }), "send.from is 'R', which is no host");
  throws(() => wasm.lanSimulate({ variant: "ttl_0" }), /^unknown variant `ttl_0`/);
  const host = (mask) => ({ name: "A", ip: "192.168.12.1", mask, mac: "02:00:00:00:00:0a" });
  throws(() => wasm.lanSimulate({ hosts: [host("255.0.255.0")], links: [] }), "A: mask '255.0.255.0': mask 255.0.255.0 is not contiguous");
  throws(() => wasm.lanSimulate({ send: { payload: "x".repeat(1473) } }), "the payload is 1473 bytes; at most 1472 fit in one Ethernet frame");
});
