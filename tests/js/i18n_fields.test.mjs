// The header fields' Chinese names and meanings (web/i18n-fields.js) against
// the English the core gives: every name and meaning written in
// core/src/packet has its entry and no entry is left over (a renamed field
// fails here, not silently on the Chinese page); and what the WASM module
// actually emits for frames of every kind is all covered.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { ROOT, loadWasm } from "./helpers.mjs";
import { NAMES_ZH, MEANINGS_ZH, FINDING_NAMES_ZH, RULES_ZH, REGISTRY_NAMES_ZH } from "../../web/i18n-fields.js";

/** Rust string literal contents: escapes and `\` line continuations resolved. */
const unrust = (/** @type {string} */ s) =>
  s.replace(/\\\n\s*/g, "").replace(/\\(["'\\])/g, "$1").replace(/\\n/g, "\n");

/** Every `FieldSpec::new("name"` and `.about("meaning")` outside the tests of core/src/packet. */
function fromSource() {
  const dir = path.join(ROOT, "core/src/packet");
  const names = new Set();
  const meanings = new Set();
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".rs"))) {
    const code = readFileSync(path.join(dir, file), "utf8").split("#[cfg(test)]")[0];
    for (const m of code.matchAll(/FieldSpec::new\(\s*"((?:[^"\\]|\\[\s\S])*)"/g)) names.add(unrust(m[1]));
    for (const m of code.matchAll(/\.about\(\s*"((?:[^"\\]|\\[\s\S])*)"\s*,?\s*\)/g)) meanings.add(unrust(m[1]));
  }
  return { names, meanings };
}

const wasm = await loadWasm();
const seed = { src: "192.168.12.1", dst: "192.168.13.1", src_port: 53000, dst_port: 9000, payload: "hello" };

/** ICMPv6 frames (nothing builds them yet, so as bytes), with right checksums. */
const ICMPV6 = {
  echo: "33330000000102000000000186dd6000000000103aff20010db800000000000000000000000120010db800000000000000000000000280008075123400016162636465666768",
  ns: "33330000000102000000000186dd6000000000203afffe800000000000000000000000000001ff0200000000000000000001ff00000287004b5f0000000020010db80000000000000000000000020101020000000001",
  na: "33330000000102000000000186dd6000000000203afffe800000000000000000000000000002fe800000000000000000000000000001880068e2e000000020010db80000000000000000000000020201020000000001",
  // Source link-layer address, MTU, prefix information and an unknown option.
  ra: "33330000000102000000000186dd6000000000483afffe800000000000000000000000000001ff020000000000000000000000000001860007f340c8070800007530000003e8010102000000000105010000000005dc030440c000278d0000093a800000000020010db80001000000000000000000006301010203040506",
  tooBig: "33330000000102000000000186dd6000000000403aff20010db80000000000000000000000fe20010db80000000000000000000000010200014f000005006000000000103aff20010db800000000000000000000000120010db800000000000000000000000280008075123400016162636465666768",
  paramProblem: "33330000000102000000000186dd6000000000403aff20010db80000000000000000000000fe20010db800000000000000000000000104010448000000066000000000103aff20010db800000000000000000000000120010db800000000000000000000000280008075123400016162636465666768",
  unknown: "33330000000102000000000186dd60000000000a3aff20010db800000000000000000000000120010db8000000000000000000000002c800b76778797a313233",
};

test("every field name and meaning in core/src/packet has its Chinese, and none is left over", () => {
  const { names, meanings } = fromSource();
  // The scan must find the tables at all: about 80 names, about 100 meanings.
  assert.ok(names.size > 70 && meanings.size > 90, `${names.size} names, ${meanings.size} meanings`);
  assert.deepEqual([...names].filter((n) => !(n in NAMES_ZH)), [], "names without Chinese");
  assert.deepEqual([...meanings].filter((m) => !(m in MEANINGS_ZH)), [], "meanings without Chinese");
  assert.deepEqual(Object.keys(NAMES_ZH).filter((n) => !names.has(n)), [], "Chinese names of no field");
  assert.deepEqual(Object.keys(MEANINGS_ZH).filter((m) => !meanings.has(m)), [], "Chinese meanings of no field");
  for (const [en, zh] of [...Object.entries(NAMES_ZH), ...Object.entries(MEANINGS_ZH)]) {
    assert.match(zh, /[\u4e00-\u9fff]/, `${en} → ${zh} has no Chinese`);
  }
});

test("the fields the WASM module emits (encapsulate, the TCP and LAN simulations, dissect) are all covered", () => {
  /** @type {Array<{name: string, meaning: string}>} */
  const fields = [];
  const take = (/** @type {{layers: Array<{fields: any[]}>}} */ d) => d.layers.forEach((l) => fields.push(...l.fields));
  for (const proto of ["tcp", "udp", "icmp"]) {
    const built = wasm.encapsulate(proto === "icmp" ? { proto, src: seed.src, dst: seed.dst } : { ...seed, proto });
    take(built);
    for (const step of built.steps) step.adds.forEach((l) => fields.push(...l.fields));
    take(wasm.dissect(built.bytes.slice(0, 40)));
  }
  // SYNs carry the MSS, window-scale, SACK-permitted and timestamp options.
  for (const e of wasm.tcpSimulate({ scenario: "full" }).events) if (e.segment) take(wasm.dissect(wasm.parseHex(e.segment.frame)));
  for (const f of wasm.lanSimulate(undefined).frames) take(wasm.dissect(wasm.parseHex(f.bytes)));
  for (const [kind, hex] of Object.entries(ICMPV6)) {
    const d = wasm.dissect(wasm.parseHex(hex));
    assert.deepEqual(d.findings, [], kind);
    assert.equal(d.layers[2].name, "ICMPv6", kind);
    take(d);
  }
  const names = new Set(fields.map((f) => f.name));
  assert.ok(names.has("Sender MAC address") && names.has("Maximum segment size") && names.has("Preamble"), [...names].join(", "));
  assert.ok(["Target Address", "Prefix information", "Default Router Preference", "Pointer", "Original datagram"].every((n) => names.has(n)), [...names].join(", "));
  assert.deepEqual([...names].filter((n) => !(n in NAMES_ZH)), []);
  assert.deepEqual([...new Set(fields.map((f) => f.meaning))].filter((m) => m && !(m in MEANINGS_ZH)), []);
});

test("every rule a dissector finding states has its Chinese: one bad frame for each, and no rule left over", () => {
  const tcp = () => Uint8Array.from(wasm.encapsulate({ ...seed, proto: "tcp" }).bytes);
  const udp = () => Uint8Array.from(wasm.encapsulate({ ...seed, proto: "udp" }).bytes);
  const arp = () => Uint8Array.from(wasm.parseHex(wasm.lanSimulate(undefined).frames.find((f) => f.arp).bytes));
  /** The frame with `extra` bytes of options after the header that starts at `at` (IPv4: IHL; TCP: data offset). */
  const withOptions = (/** @type {Uint8Array} */ f, /** @type {number} */ at, /** @type {number[]} */ extra, /** @type {"ip" | "tcp"} */ kind) => {
    // Both headers are 20 bytes without options.
    const out = Uint8Array.from([...f.slice(0, at + 20), ...extra, ...f.slice(at + 20)]);
    if (kind === "ip") out[at] = 0x40 | (5 + extra.length / 4);
    else out[at + 12] = (5 + extra.length / 4) << 4;
    const total = ((out[16] << 8) | out[17]) + extra.length;
    [out[16], out[17]] = [total >> 8, total & 0xff];
    return out;
  };
  /** @type {Array<[string, Uint8Array]>} */
  const bad = [];
  const edit = (/** @type {string} */ why, /** @type {Uint8Array} */ f, /** @type {Record<number, number>} */ bytes) => {
    for (const [i, v] of Object.entries(bytes)) f[Number(i)] = v;
    bad.push([why, f]);
  };
  edit("IPv4 version 5", tcp(), { 14: 0x55 });
  edit("group source MAC", tcp(), { 6: 0x01 });
  edit("IPv4 IHL 4", tcp(), { 14: 0x44 });
  edit("IPv4 Total Length 16", tcp(), { 16: 0, 17: 16 });
  bad.push(["IPv4 option too long", withOptions(tcp(), 14, [0x07, 0x20, 0, 0], "ip")]);
  bad.push(["TCP option too long", withOptions(tcp(), 34, [0x02, 0x10, 0, 0], "tcp")]);
  bad.push(["TCP option without a length byte", withOptions(tcp(), 34, [1, 1, 1, 5], "tcp")]);
  bad.push(["TCP option length 1", withOptions(tcp(), 34, [5, 1, 0, 0], "tcp")]);
  bad.push(["TCP MSS of 3 bytes", withOptions(tcp(), 34, [2, 3, 0, 1], "tcp")]);
  bad.push(["TCP window scale of 4 bytes", withOptions(tcp(), 34, [3, 4, 0, 0], "tcp")]);
  bad.push(["TCP SACK permitted of 3 bytes", withOptions(tcp(), 34, [4, 3, 0, 1], "tcp")]);
  bad.push(["TCP SACK of 4 bytes", withOptions(tcp(), 34, [5, 4, 0, 0], "tcp")]);
  bad.push(["TCP timestamps of 4 bytes", withOptions(tcp(), 34, [8, 4, 0, 0], "tcp")]);
  edit("TCP data offset 4", tcp(), { 46: 0x40 });
  edit("UDP length 4", udp(), { 38: 0, 39: 4 });
  edit("UDP length 9 of 13", udp(), { 38: 0, 39: 9 });
  edit("ARP hardware type 6", arp(), { 14: 0, 15: 6 });
  edit("ARP protocol type IPv6", arp(), { 16: 0x86, 17: 0xdd });
  edit("ARP hardware size 4", arp(), { 18: 4 });
  edit("ARP protocol size 2", arp(), { 19: 2 });
  // A Neighbor Solicitation's source link-layer address option is at byte 78.
  edit("NDP option length 0", Uint8Array.from(wasm.parseHex(ICMPV6.ns)), { 79: 0 });
  edit("NDP option past the end", Uint8Array.from(wasm.parseHex(ICMPV6.ns)), { 79: 2 });
  // IPv6 Destination Options whose one option's data (9 bytes) runs past the 8-byte header.
  bad.push(["IPv6 option past the end", Uint8Array.from(wasm.parseHex("02000000000202000000000186dd6000000000083c4020010db800000000000000000000000120010db80000000000000000000000023b001e0900000000"))]);
  const rules = new Set();
  for (const [why, frame] of bad) {
    const content = wasm.dissect(frame).findings.filter((f) => f.kind === "content");
    assert.equal(content.length, 1, `${why}: ${JSON.stringify(wasm.dissect(frame).findings)}`);
    const { field, rule } = content[0].detail;
    assert.ok(field in NAMES_ZH || field in FINDING_NAMES_ZH, `${why}: field ${field} has no Chinese`);
    assert.ok(rule in RULES_ZH, `${why}: rule "${rule}" has no Chinese`);
    rules.add(rule);
  }
  assert.deepEqual(Object.keys(RULES_ZH).filter((r) => !rules.has(r)), [], "Chinese rules no finding states");
  // The fields a length finding names outside the tree.
  const long = wasm.dissect(arp().map((b, i) => (i === 18 ? 8 : b))).findings;
  assert.deepEqual(long.map((f) => [f.kind, f.detail.field in FINDING_NAMES_ZH]), [["length", true]]);
  const cut = tcp();
  cut[46] = 0xf0;
  assert.ok(wasm.dissect(cut).findings.some((f) => f.kind === "length" && f.detail.field === "Data Offset"));
  for (const zh of [...Object.values(RULES_ZH), ...Object.values(FINDING_NAMES_ZH)]) assert.match(zh, /[\u4e00-\u9fff]/);
});

test("every IANA registry row's name has its Chinese, and no name is left over", () => {
  const code = readFileSync(path.join(ROOT, "core/src/special.rs"), "utf8").split("#[cfg(test)]")[0];
  const names = new Set([...code.matchAll(/row\(\s*"([^"]+)"/g)].map((m) => m[1]));
  assert.ok(names.has("Shared Address Space") && names.has("Private-Use") && names.size >= 40, [...names].join(", "));
  assert.deepEqual([...names].filter((n) => !(n in REGISTRY_NAMES_ZH)), [], "names without Chinese");
  assert.deepEqual(Object.keys(REGISTRY_NAMES_ZH).filter((n) => !names.has(n)), [], "Chinese for no name");
  // What classify() returns is what the table is keyed by.
  for (const a of ["100.64.0.1", "10.1.2.3", "::1", "192.0.0.9"]) {
    for (const r of wasm.classify(a).ranges) assert.ok(r.name in REGISTRY_NAMES_ZH, `${a}: ${r.name}`);
  }
});
