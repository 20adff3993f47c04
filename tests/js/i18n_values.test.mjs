// The header fields' values and the layers' summaries in Chinese
// (web/i18n-fields.js: valueZh, summaryZh, layerName) against the English
// the core writes: every value and summary form written in core/src/packet
// is filled in and worded with no English word left (a new form fails here,
// not half English on the Chinese page); every name the core puts in
// brackets after a value has its Chinese (or is a protocol's name, kept);
// and what the WASM module emits for frames of every kind reads in Chinese.
// Also the port table's service descriptions (core/src/port.rs) for the
// Ports & MAC tool.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { ROOT, loadWasm } from "./helpers.mjs";
import { VALUE_NAMES_ZH, VALUE_NAMES_KEPT, LAYER_NAMES_ZH, LAYER_NAMES_KEPT, SERVICE_DESCRIPTIONS_ZH, valueZh, summaryZh } from "../../web/i18n-fields.js";

/** Rust string literal contents: escapes and `\` line continuations resolved. */
const unrust = (/** @type {string} */ s) => s.replace(/\\\n\s*/g, "").replace(/\\(["'\\])/g, "$1");
const STR = String.raw`"((?:[^"\\]|\\[\s\S])*)"`;

/** The code of core/src/packet/*.rs before its tests, by file name. */
const sources = Object.fromEntries(
  readdirSync(path.join(ROOT, "core/src/packet"))
    .filter((f) => f.endsWith(".rs"))
    .map((f) => [f, readFileSync(path.join(ROOT, "core/src/packet", f), "utf8").split("#[cfg(test)]")[0]]),
);

/** Every `fn` in `code` with its body (braces counted; the core's format strings balance theirs). */
function functions(/** @type {string} */ code) {
  const out = [];
  for (const m of code.matchAll(/\bfn (\w+)\s*\([^)]*\)[^{;]*\{/g)) {
    let depth = 1;
    let i = /** @type {number} */ (m.index) + m[0].length;
    for (; i < code.length && depth > 0; i++) depth += code[i] === "{" ? 1 : code[i] === "}" ? -1 : 0;
    out.push({ name: m[1], body: code.slice(/** @type {number} */ (m.index), i) });
  }
  return out;
}

/**
 * What the core writes: value forms (the `*_text` functions that
 * Format::Custom shows, the notes, the bytes shown in part, flags), summary
 * forms (every `summary = …`), the names values put in brackets, and the
 * layers' names.
 */
function fromSource() {
  const values = new Set(["Set", "Not set"]);
  const summaries = new Set();
  const names = new Set();
  const layers = new Set();
  for (const [file, code] of Object.entries(sources)) {
    for (const f of functions(code)) {
      if (file === "layer.rs") {
        if (f.name === "name" && f.body.includes("Self::Ethernet =>")) for (const m of f.body.matchAll(new RegExp(`=> ${STR}`, "g"))) layers.add(unrust(m[1]));
        continue;
      }
      const isText = f.name.endsWith("_text");
      if (isText) {
        for (const m of f.body.matchAll(new RegExp(`format!\\(\\s*${STR}`, "g"))) values.add(unrust(m[1]));
        for (const m of f.body.matchAll(new RegExp(`${STR}\\.to_owned\\(\\)`, "g"))) {
          values.add(unrust(m[1]));
          const named = /\((.+)\)$/.exec(unrust(m[1]));
          if (named) names.add(named[1]);
        }
      }
      if (isText || /(^|_)name$/.test(f.name)) {
        for (const m of f.body.matchAll(new RegExp(`=> (?:Some\\()?${STR}`, "g"))) names.add(unrust(m[1]));
        for (const m of f.body.matchAll(new RegExp(`,\\s*${STR}\\)`, "g"))) names.add(unrust(m[1]));
        for (const m of f.body.matchAll(new RegExp(`names\\.push\\(${STR}\\)`, "g"))) names.add(unrust(m[1]));
      }
    }
    // Notes after a value, and the bytes a long field shows in part.
    for (const m of code.matchAll(new RegExp(`\\.note\\(\\s*[^,]+,\\s*&?(?:format!\\(\\s*)?${STR}`, "g"))) values.add(`{v} ${unrust(m[1])}`);
    for (const m of code.matchAll(new RegExp(`(?:format!|write!)\\((?:\\s*display,)?\\s*${STR}`, "g"))) if (/bytes\)$/.test(unrust(m[1])) && file === "annotate.rs") values.add(`00 01${unrust(m[1])}`);
    // A summary statement's strings, up to its end (a `match` has one form an arm).
    for (const m of code.matchAll(/\bsummary = ([\s\S]*?);\n/g)) if (!m[1].includes("english::count")) for (const lit of m[1].matchAll(new RegExp(STR, "g"))) summaries.add(unrust(lit[1]));
    for (const m of code.matchAll(/summary = crate::english::count\([^,]+, "(\w+)", "(\w+)"\)/g)) summaries.add(`1 ${m[1]}`).add(`{n} ${m[2]}`);
    for (const m of code.matchAll(new RegExp(`\\bl(?:ayer)?\\.name = ${STR}`, "g"))) layers.add(unrust(m[1]));
    for (const m of code.matchAll(new RegExp(`(?:PADDING|TRAILER), ${STR}\\)`, "g"))) layers.add(unrust(m[1]));
  }
  return { values, summaries, names, layers };
}

/**
 * A form with its placeholders filled in as the core fills them: a number,
 * or for the ICMP summaries' own parts a type's and a code's name.
 * @param {string} form
 */
const fill = (form) =>
  form
    // What the ICMP summaries add to: the type's name.
    .replace(/^\{\}(?=[:,])/, "{summary}")
    .replace(/\{summary\}/g, "Destination unreachable")
    .replace(/\{name\}/g, "Port unreachable")
    .replace(/\{shown\}/g, "b'hello'")
    .replace(/0x\{[^}]*\}/g, "0x1a")
    .replace(/\{[^}]*\}/g, "7");

/**
 * The English words left in a Chinese text: words with a small letter,
 * after the numbers, hex, addresses and Python bytes, and the words that
 * stay (protocol names, ping's id and seq).
 * @param {string} zh
 */
function english(zh) {
  const rest = zh
    .replace(/b(['"])(?:\\.|(?!\1).)*\1/g, " ")
    .replace(/0x[0-9a-f]+/gi, " ")
    .replace(/[0-9a-f]*:[0-9a-f:.]*/gi, " ")
    .replace(/(?:\b[0-9a-f]{2}\b\s*){2,}/g, " ")
    .replace(/\b(?=[0-9a-f]*\d)[0-9a-f]+\b/g, " ");
  const kept = new Set(["IPv4", "IPv6", "ICMPv6", "id", "seq", "ping", "v2", "Cookie"]);
  return (rest.match(/[A-Za-z][A-Za-z0-9-]*/g) ?? []).filter((w) => /[a-z]/.test(w) && !kept.has(w));
}

test("every value and summary form in core/src/packet is worded in Chinese, with no English word left", () => {
  const { values, summaries } = fromSource();
  // The scan must find the forms at all.
  for (const form of ["{v} ({} bytes)", "0x{v:x} ({})", "{v} [correct]", "{v} [incorrect, should be 0x{expected:04x}]", "1 (Ethernet)"]) assert.ok(values.has(form), `${form} in ${[...values].join(" | ")}`);
  for (const form of ["Src: {}, Dst: {}", "Src Port: {}, Dst Port: {}, Seq: {}, Ack: {}, Flags: [{}]", "Who has {}? Tell {}", "{n} bytes"]) assert.ok(summaries.has(form), `${form} in ${[...summaries].join(" | ")}`);
  const bad = [];
  for (const form of values) {
    const en = fill(form.replace(/^\{v\} \(\{\}\)$|^\{v\} \(\{name\}\)$/, "{v} (Redirect)").replace(/ \(\{\}\)$/, " (Don't fragment, More fragments)"));
    const zh = valueZh(en);
    if (english(zh).length) bad.push(`value ${form}: ${en} → ${zh}`);
  }
  for (const form of summaries) {
    const en = fill(form);
    const zh = summaryZh(en);
    if (english(zh).length) bad.push(`summary ${form}: ${en} → ${zh}`);
  }
  assert.deepEqual(bad, []);
});

test("every name a value puts in brackets has its Chinese or is a protocol's name, and none is left over", () => {
  const { names, layers } = fromSource();
  assert.ok(names.has("Don't fragment") && names.has("Echo (ping) request") && names.has("Prefix information") && names.size > 100, [...names].join(", "));
  // The TCP flags' names are written once, as Display prints them; "none" when no flag is set.
  assert.equal(valueZh("0x000 (none)"), "0x000 (无)");
  assert.deepEqual([...names].filter((n) => !(n in VALUE_NAMES_ZH) && !VALUE_NAMES_KEPT.has(n)), [], "names without Chinese");
  assert.deepEqual(Object.keys(VALUE_NAMES_ZH).filter((n) => !names.has(n)), [], "Chinese for no name");
  for (const [en, zh] of Object.entries(VALUE_NAMES_ZH)) assert.match(zh, /[\u4e00-\u9fff]/, `${en} → ${zh}`);
  assert.ok(layers.has("Ethernet II") && layers.has("IPv4 (quoted by ICMP)") && layers.has("Ethernet padding"), [...layers].join(", "));
  assert.deepEqual([...layers].filter((n) => !(n in LAYER_NAMES_ZH) && !LAYER_NAMES_KEPT.has(n)), [], "layer names without Chinese");
  assert.deepEqual(Object.keys(LAYER_NAMES_ZH).filter((n) => !layers.has(n)), [], "Chinese for no layer");
});

test("the forms the audit found read in Chinese; what no rule knows stays English, whole", () => {
  const cases = {
    "0x2 (Don't fragment)": "0x2 (不分片)",
    "0x3 (Don't fragment, More fragments)": "0x3 (不分片、还有分片)",
    "Not set": "未设置",
    Set: "已设置",
    "5 (20 bytes)": "5 (20 字节)",
    "0 (0 bytes)": "0 (0 字节)",
    "0xa077 [correct]": "0xa077 [正确]",
    "0xe481 [incorrect, should be 0xe47e]": "0xe481 [错误，应为 0xe47e]",
    "0x0000 [none: the sender did not compute one]": "0x0000 [无：发送方没有计算校验和]",
    "0x018 (PSH, ACK)": "0x018 (PSH, ACK)",
    "6 (TCP)": "6 (TCP)",
    "0x0800 (IPv4)": "0x0800 (IPv4)",
    "8 (Echo (ping) request)": "8 (回显请求 (ping))",
    "3 (Port unreachable)": "3 (端口不可达)",
    "b'hello'": "b'hello'",
    "b'x (5 bytes)'": "b'x (5 bytes)'",
    "00 01 02 … (60 bytes)": "00 01 02 … (60 字节)",
    "192.168.12.1": "192.168.12.1",
    "7 (Something new)": "7 (Something new)",
  };
  for (const [en, zh] of Object.entries(cases)) assert.equal(valueZh(en), zh, en);
  const summaries = {
    "Src: 02:00:00:00:00:0a, Dst: 02:00:00:00:01:01": "源：02:00:00:00:00:0a，目的：02:00:00:00:01:01",
    "Src Port: 53000, Dst Port: 9000, Seq: 1, Ack: 1, Flags: [PSH, ACK]": "源端口：53000，目的端口：9000，序号：1，确认号：1，标志：[PSH, ACK]",
    "5 bytes": "5 字节",
    "1 byte": "1 字节",
    "Who has 192.168.12.254? Tell 192.168.12.1": "谁是 192.168.12.254？请告诉 192.168.12.1",
    "192.168.12.254 is at 02:00:00:00:01:01": "192.168.12.254 的 MAC 地址是 02:00:00:00:01:01",
    "Echo (ping) request, id=1, seq=1": "回显请求 (ping)，id=1，seq=1",
    "Destination unreachable: Port unreachable": "目的不可达：端口不可达",
    "Neighbor Solicitation for 2001:db8::2": "邻居请求，询问 2001:db8::2",
    "Packet Too Big, MTU 1280": "分组太大，MTU 1280",
    "Something new: 7": "Something new: 7",
  };
  for (const [en, zh] of Object.entries(summaries)) assert.equal(summaryZh(en), zh, en);
});

test("what the WASM module emits (encapsulate, the TCP and LAN simulations, dissect, ICMP errors) reads in Chinese", async () => {
  const wasm = await loadWasm();
  const seed = { src: "192.168.12.1", dst: "192.168.13.1", src_port: 53000, dst_port: 9000, payload: "hello" };
  /** @type {Array<{name: string, summary: string, fields: Array<{display: string}>}>} */
  const layers = [];
  const take = (/** @type {{layers: any[]}} */ d) => layers.push(...d.layers);
  for (const proto of ["tcp", "udp", "icmp"]) {
    const built = wasm.encapsulate(proto === "icmp" ? { proto, src: seed.src, dst: seed.dst } : { ...seed, proto });
    take(built);
    for (const step of built.steps) layers.push(...step.adds);
    take(wasm.dissect(built.bytes.slice(0, 40)));
    // A wrong checksum, and a long payload shown in part.
    const bad = Uint8Array.from(built.bytes);
    bad[bad.length - 1] ^= 0xff;
    take(wasm.dissect(bad));
    take(wasm.encapsulate(proto === "icmp" ? { proto, src: seed.src, dst: seed.dst, payload: "x".repeat(100) } : { ...seed, proto, payload: "x".repeat(100) }));
  }
  for (const scenario of ["full", "retransmission"]) for (const e of wasm.tcpSimulate({ scenario }).events) if (e.segment) take(wasm.dissect(wasm.parseHex(e.segment.frame)));
  for (const variant of ["normal", "ttl_1", "unknown_network"]) for (const f of wasm.lanSimulate({ variant }).frames) take(wasm.dissect(wasm.parseHex(f.bytes)));
  // ICMPv6 (nothing builds it yet, so as bytes; tests/js/i18n_fields.test.mjs has what each is).
  const icmpv6 = readFileSync(path.join(ROOT, "tests/js/i18n_fields.test.mjs"), "utf8").match(/^const ICMPV6 = \{([\s\S]*?)^\};/m)?.[1] ?? "";
  const hexes = [...icmpv6.matchAll(/"([0-9a-f]{40,})"/g)].map((m) => m[1]);
  assert.ok(hexes.length >= 7, `${hexes.length} ICMPv6 frames`);
  for (const hex of hexes) take(wasm.dissect(wasm.parseHex(hex)));
  const bad = [];
  for (const l of layers) {
    if (!(l.name in LAYER_NAMES_ZH) && !LAYER_NAMES_KEPT.has(l.name)) bad.push(`layer ${l.name}`);
    if (l.summary && english(summaryZh(l.summary)).length) bad.push(`summary ${l.summary} → ${summaryZh(l.summary)}`);
    for (const f of l.fields) if (english(valueZh(f.display)).length) bad.push(`value ${f.display} → ${valueZh(f.display)}`);
  }
  assert.ok(layers.length > 100, `${layers.length} layers`);
  const displays = layers.flatMap((l) => l.fields.map((f) => f.display));
  assert.ok(displays.some((d) => /\[incorrect, should be/.test(d)) && displays.some((d) => /… \(\d+ bytes\)$/.test(d)), "a bad checksum and a long payload are among them");
  assert.ok(layers.some((l) => /^Time-to-live exceeded/.test(l.summary)), layers.map((l) => l.summary).join(" | "));
  assert.ok(layers.some((l) => /^Router Advertisement/.test(l.summary)) && layers.some((l) => /^Neighbor Solicitation for /.test(l.summary)));
  assert.deepEqual([...new Set(bad)], []);
});

test("every service description in core/src/port.rs has its Chinese, and none is left over", () => {
  const code = readFileSync(path.join(ROOT, "core/src/port.rs"), "utf8").split("#[cfg(test)]")[0];
  const descriptions = new Set([...code.matchAll(new RegExp(String.raw`svc\(\s*"[^"]+",\s*\d+,\s*\w+,\s*&\[[^\]]*\],\s*${STR}`, "g"))].map((m) => unrust(m[1])));
  // Every svc( but the function's own definition.
  assert.equal(descriptions.size, (code.match(/\bsvc\(/g) ?? []).length - 1);
  assert.ok(descriptions.has("MySQL database") && descriptions.has("Alternative HTTP port, proxies"));
  assert.deepEqual([...descriptions].filter((d) => !(d in SERVICE_DESCRIPTIONS_ZH)), [], "descriptions without Chinese");
  assert.deepEqual(Object.keys(SERVICE_DESCRIPTIONS_ZH).filter((d) => !descriptions.has(d)), [], "Chinese for no description");
  for (const [en, zh] of Object.entries(SERVICE_DESCRIPTIONS_ZH)) assert.match(zh, /[\u4e00-\u9fff]/, `${en} → ${zh}`);
});
