// The WASM size budget of issue #7, a test because it is deterministic:
// the module the page loads (web/pkg/netlab_wasm_bg.wasm, as `cargo xtask
// build` writes it) is at most 250 KB (250,000 bytes) gzipped at level 9.
// `cargo xtask bench wasm` reports the same figure in BENCHMARKS.md.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import path from "node:path";
import { ROOT } from "./helpers.mjs";

const BUDGET = 250_000;

test("budget: the WASM module is at most 250 KB gzipped", (t) => {
  const wasm = readFileSync(path.join(ROOT, "web/pkg/netlab_wasm_bg.wasm"));
  assert.ok(WebAssembly.validate(wasm), "web/pkg/netlab_wasm_bg.wasm is a valid module");
  const gz = gzipSync(wasm, { level: 9 }).length;
  t.diagnostic(`netlab_wasm_bg.wasm: ${wasm.length} bytes, ${gz} gzipped (budget ${BUDGET})`);
  assert.ok(gz <= BUDGET, `${gz} bytes gzipped is over the budget of ${BUDGET}`);
});
