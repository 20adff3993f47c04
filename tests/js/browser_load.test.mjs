// How the playground loads its two WASM modules: it starts on the
// calculators' (web/pkg/calc, #7's 250 KB budget) and shows the first result
// without waiting for the whole one (web/pkg: packets, simulations, sockets),
// which it fetches afterwards; a link straight to a packet tool waits for
// the whole module, then opens with the link's inputs, which the URL keeps.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openPlayground, relayAndBrowser } from "./helpers.mjs";

const env = relayAndBrowser();

/** When each module's .wasm was requested and arrived, and when the first result was marked. */
const timings = (page) =>
  page.evaluate(() => {
    const at = (/** @type {string} */ path) => {
      const e = performance.getEntriesByType("resource").find((r) => new URL(r.name).pathname === path);
      return e ? { start: e.startTime, end: e.responseEnd } : null;
    };
    return {
      calc: at("/pkg/calc/netlab_wasm_bg.wasm"),
      whole: at("/pkg/netlab_wasm_bg.wasm"),
      first: performance.getEntriesByName("netlab:first-result")[0]?.startTime ?? null,
    };
  });

test("the first result comes from the calculators' module; the whole module is fetched after it", async () => {
  const { page, errors } = await openPlayground(env.browser.context, env.relay.url);
  const early = await timings(page);
  assert.ok(early.calc, "the calculators' module was fetched");
  assert.equal(typeof early.first, "number", "the page marked its first result");
  assert.ok(early.calc.end <= early.first, "the first result waited for the calculators' module");
  assert.ok(!early.whole || early.whole.start >= early.first, `the whole module was asked for before the first result: ${JSON.stringify(early)}`);
  // It comes anyway, and the packet tools then open at once.
  await page.waitForFunction(() =>
    performance.getEntriesByType("resource").some((r) => new URL(r.name).pathname === "/pkg/netlab_wasm_bg.wasm"),
  );
  await page.click("#tab-encap");
  await page.waitForSelector("#panel-encap .summary");
  assert.deepEqual(errors, []);
  await page.close();
});

test("a link to a packet tool opens it when the whole module is there, with the link's inputs kept", async () => {
  // A UDP datagram from 10.0.0.1:1234 to 10.0.0.2:53 carrying b'hi'
  // (`netlab encap --proto udp --src 10.0.0.1:1234 --dst 10.0.0.2:53 --payload hi`).
  const hex = "02000000000202000000000108004500001e00014000401126cc0a0000010a00000204d20035000a7e676869";
  const link = `${env.relay.url}${env.relay.url.includes("#") ? "&" : "#"}tool=dissect&hex=${hex}`;
  const { page, errors } = await openPlayground(env.browser.context, link);
  // data-ready waits for the tool, so its result is on screen now.
  const summary = await page.locator("#dissect-summary").textContent();
  assert.match(summary ?? "", /UDP/, summary ?? "");
  assert.equal(await page.locator("[data-loading]").count(), 0, "no loading note left");
  const fragment = new URLSearchParams(new URL(page.url()).hash.slice(1));
  assert.equal(fragment.get("tool"), "dissect");
  assert.equal(fragment.get("hex"), hex, "the URL keeps the link's frame");
  assert.deepEqual(errors, []);
  await page.close();
});
