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
import { NAMES_ZH, MEANINGS_ZH } from "../../web/i18n-fields.js";

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

test("the fields the WASM module emits (encapsulate, the TCP and LAN simulations, dissect) are all covered", async () => {
  const wasm = await loadWasm();
  const seed = { src: "192.168.12.1", dst: "192.168.13.1", src_port: 53000, dst_port: 9000, payload: "hello" };
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
  const names = new Set(fields.map((f) => f.name));
  assert.ok(names.has("Sender MAC address") && names.has("Maximum segment size") && names.has("Preamble"), [...names].join(", "));
  assert.deepEqual([...names].filter((n) => !(n in NAMES_ZH)), []);
  assert.deepEqual([...new Set(fields.map((f) => f.meaning))].filter((m) => m && !(m in MEANINGS_ZH)), []);
});
