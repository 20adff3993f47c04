// The playground's time budgets, measured in the page and printed (not
// asserted: timings depend on the machine): the first result on screen
// after navigation, and one recompute of the Subnet tool as the user types
// (subnetInfo and the report, bits, editor, rules and Python on screen; the
// split and VLSM lists follow at the next frame), median of 1,000. Each
// figure is also printed as one `budget-json {...}` line, which
// `cargo xtask bench wasm` reads.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openPlayground, relayAndBrowser } from "./helpers.mjs";

const env = relayAndBrowser();

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (x) => `${x.toFixed(2)} ms`;

test("budget: first result on screen after navigation (median of 5 loads)", async (t) => {
  const times = [];
  for (let i = 0; i < 5; i++) {
    const { page } = await openPlayground(env.browser.context, env.relay.url);
    const mark = await page.evaluate(() => performance.getEntriesByName("netlab:first-result")[0]?.startTime);
    assert.equal(typeof mark, "number", "the page marks its first result");
    times.push(mark);
    await page.close();
  }
  const line = `first result on screen: median ${ms(median(times))} after navigation start (${times.map(ms).join(", ")})`;
  t.diagnostic(line);
  console.log(`budget: ${line}`);
  const sorted = [...times].sort((a, b) => a - b);
  console.log(`budget-json ${JSON.stringify({ what: "first-result", ms: times, median: median(times), min: sorted[0], max: sorted[sorted.length - 1] })}`);
});

test("budget: one recompute of the Subnet tool (subnetInfo + render), median of 1,000", async (t) => {
  const { page, errors } = await openPlayground(env.browser.context, env.relay.url);
  const r = await page.evaluate(async () => {
    const wasm = await import("/pkg/calc/netlab_wasm.js"); // the module the Subnet tool calls
    const input = /** @type {HTMLInputElement} */ (document.getElementById("subnet-input"));
    const texts = ["10.1.2.3/8", "192.168.12.87/24", "172.16.5.4/255.240.0.0", "2001:db8::1/64", "10.0.0.1/31"];
    const render = [];
    const compute = [];
    for (let i = 0; i < 1000; i++) {
      input.value = texts[i % texts.length];
      const t0 = performance.now();
      input.dispatchEvent(new Event("input"));
      render.push(performance.now() - t0);
    }
    // subnetInfo alone, timed in batches of 100 (the clock's resolution is coarse).
    for (let i = 0; i < 100; i++) {
      const t0 = performance.now();
      for (let j = 0; j < 100; j++) wasm.subnetInfo(texts[j % texts.length]);
      compute.push((performance.now() - t0) / 100);
    }
    const sorted = [...render].sort((a, b) => a - b);
    return { render, compute, p95: sorted[949], network: document.querySelector('#subnet-report tr[data-field="network"] td')?.textContent };
  });
  assert.equal(r.network, "10.0.0.0/31", "the last recompute is on screen");
  const line =
    `one recompute (subnetInfo + render, 1,000 input events): median ${ms(median(r.render))}, p95 ${ms(r.p95)}; ` +
    `subnetInfo alone: median ${ms(median(r.compute))}`;
  t.diagnostic(line);
  console.log(`budget: ${line}`);
  const sorted = [...r.render].sort((a, b) => a - b);
  const q = (/** @type {number} */ p) => sorted[Math.floor(p * (sorted.length - 1))];
  console.log(
    `budget-json ${JSON.stringify({ what: "recompute", count: sorted.length, median: median(r.render), p25: q(0.25), p75: q(0.75), p95: r.p95, min: sorted[0], max: sorted[sorted.length - 1], compute_median: median(r.compute) })}`,
  );
  assert.deepEqual(errors, []);
  await page.close();
});
