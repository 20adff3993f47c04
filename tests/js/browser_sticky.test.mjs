// The sticky-packet (粘包) tool: the default is seed 000 §6.1 (b'hellonice'
// then b''); without the sleep, a seed the simulator splits shows b'hello'
// then b'nice', as stickySimulate says for the same spec; the framed reader
// always gets both messages; the URL carries the state; axe finds nothing
// serious in either language; it fits a phone; no console error.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { ROOT, loadWasm, startRelay, launchChromium, openPlayground, screenshot } from "./helpers.mjs";

const AXE = path.join(ROOT, "node_modules/axe-core/axe.min.js");

let relay, browser, wasm;

before(async () => {
  wasm = await loadWasm();
  relay = await startRelay();
  browser = await launchChromium();
  await browser.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: relay.base });
});

after(async () => {
  await browser?.close();
  if (relay) assert.equal(await relay.stop(), 0, "relay exits 0 on SIGTERM");
});

/** The spec the page builds from its inputs (web/tools/sticky.js). */
const specFor = (o = {}) => ({
  seed: 0,
  messages: [
    { text: "hello", pause_us: 0 },
    { text: "nice", pause_us: 0 },
  ],
  nagle: true,
  mss: 1460,
  latency_us: 50,
  sleep_us: 100_000,
  recv_size: 1024,
  recv_calls: 2,
  ...o,
});

const lines = (page, lane) => page.locator(`#sticky-${lane}-printed li`).allTextContents();
const fragment = (page) => new URLSearchParams(new URL(page.url()).hash.slice(1));

/** axe's serious and critical violations, one line each. */
async function violations(page) {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ path: AXE });
  const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(" ")}: ${n.failureSummary}`));
}

test("the default is the seed's case: b'hellonice' then b''; the framed reader gets both", async () => {
  const { page, errors } = await openPlayground(browser.context, `${relay.url}&tool=sticky`);
  await page.waitForSelector("#panel-sticky:not([hidden]) .summary:not(:empty)");
  assert.equal(await page.getAttribute("#tab-sticky", "aria-selected"), "true");
  assert.deepEqual(await lines(page, "naive"), ["b'hellonice'", "b''"]);
  assert.deepEqual(await lines(page, "framed"), ["b'hello'", "b'nice'"]);
  assert.deepEqual(wasm.stickySimulate(specFor()).naive.printed, ["b'hellonice'", "b''"]);
  assert.equal(await page.getAttribute("#sticky-summary", "data-intact"), "false");
  assert.match(await page.locator("#sticky-why").textContent(), /piled up/);
  // The sliders show their values; the timeline and the wire show the segments with byte ranges.
  assert.equal(await page.locator("#sticky-sleep-value").textContent(), "100 ms");
  assert.equal(await page.locator("#sticky-recv-value").textContent(), "1024 bytes");
  assert.match(await page.locator("#sticky-wire tr[data-lane=naive]").first().textContent(), /\[0, 5\)b'hello'/);
  assert.ok((await page.locator("#sticky-timeline .ev-recv").count()) >= 4);
  // The Python is the seed's, with the results as comments, and copies.
  const python = await page.locator("#sticky-python").textContent();
  assert.match(python, /conn\.send\(b'hello'\)\nconn\.send\(b'nice'\)/);
  assert.match(python, /time\.sleep\(0\.1\)\nmsg1 = sk\.recv\(1024\)\nprint\(msg1\)  # b'hellonice'\nmsg2 = sk\.recv\(1024\)\nprint\(msg2\)  # b''/);
  await page.click("#sticky-python-copy");
  assert.match(await page.evaluate(() => navigator.clipboard.readText()), /^# simulated/);
  // The default state leaves only the tool in the URL.
  assert.deepEqual([...fragment(page).keys()].filter((k) => k !== "token"), ["tool"]);
  await screenshot(page, "sticky");
  assert.deepEqual(errors, []);
  await page.close();
});

test("without the sleep, a seed that splits shows b'hello' then b'nice', as the WASM says; the URL round-trips", async () => {
  let seed = 0;
  while (wasm.stickySimulate(specFor({ sleep_us: 0, seed })).naive.printed[0] !== "b'hello'") seed++;
  assert.ok(seed < 100, "some seed splits");
  const expected = wasm.stickySimulate(specFor({ sleep_us: 0, seed }));
  assert.deepEqual(expected.naive.printed, ["b'hello'", "b'nice'"]);

  const { page, errors } = await openPlayground(browser.context, `${relay.url}&tool=sticky`);
  await page.waitForSelector("#panel-sticky:not([hidden]) .summary:not(:empty)");
  // Keyboard: Home on the slider takes the sleep to 0.
  await page.focus("#sticky-sleep");
  await page.keyboard.press("Home");
  assert.equal(await page.locator("#sticky-sleep-value").textContent(), "0 ms");
  await page.fill("#sticky-seed", String(seed));
  await page.waitForFunction(() => document.querySelector("#sticky-naive-printed li")?.textContent === "b'hello'");
  assert.deepEqual(await lines(page, "naive"), expected.naive.printed);
  assert.deepEqual(await lines(page, "framed"), ["b'hello'", "b'nice'"]);
  assert.equal(await page.getAttribute("#sticky-summary", "data-intact"), "true");
  assert.match(await page.locator("#sticky-python").textContent(), /print\(msg1\)  # b'hello'\n/);
  // The seed's own claim for this case (b'hellonice' then b'nice') is named as impossible.
  assert.match(await page.locator("#sticky-why").textContent(), /Seed 000 §6\.1 says that without the sleep the client printed b'hellonice' then b'nice'\. TCP cannot give that/);

  // Every seed's segment table matches the simulator's.
  const segs = expected.naive.events.filter((e) => e.kind === "segment").map((e) => `[${e.start}, ${e.end})`);
  const shown = await page.locator("#sticky-wire tr[data-lane=naive] td:nth-child(4)").allTextContents();
  assert.deepEqual(shown, segs);

  // The state is in the URL, and the URL brings it back.
  await page.waitForFunction((s) => location.hash.includes(`seed=${s}`), seed);
  const params = fragment(page);
  assert.equal(params.get("tool"), "sticky");
  assert.equal(params.get("sleep"), "0");
  assert.equal(params.get("seed"), String(seed));
  const again = await openPlayground(browser.context, page.url());
  assert.equal(await again.page.inputValue("#sticky-seed"), String(seed));
  assert.equal(await again.page.inputValue("#sticky-sleep"), "0");
  assert.deepEqual(await lines(again.page, "naive"), expected.naive.printed);
  assert.deepEqual(again.errors, []);
  await again.page.close();

  // "Back to the seed's case" restores the merge.
  await page.click("#sticky-reset");
  assert.deepEqual(await lines(page, "naive"), ["b'hellonice'", "b''"]);
  assert.deepEqual(errors, []);
  await page.close();
});

test("the framed reader gets every message whatever the inputs; small recv() and MSS split the naive one", async () => {
  const { page, errors } = await openPlayground(
    browser.context,
    `${relay.url}&tool=sticky&msgs=${encodeURIComponent("hello world\nnice\nbye")}&mss=3&recv=4&calls=6&nagle=0&sleep=0&seed=5`,
  );
  await page.waitForSelector("#panel-sticky:not([hidden]) .summary:not(:empty)");
  const expected = wasm.stickySimulate(
    specFor({
      seed: 5,
      messages: ["hello world", "nice", "bye"].map((text, i) => ({ text, pause_us: 0 })),
      nagle: false,
      mss: 3,
      sleep_us: 0,
      recv_size: 4,
      recv_calls: 6,
    }),
  );
  assert.deepEqual(await lines(page, "naive"), expected.naive.printed);
  assert.deepEqual(await lines(page, "framed"), ["b'hello world'", "b'nice'", "b'bye'"]);
  assert.equal(await page.isChecked("#sticky-nagle"), false);
  assert.match(await page.locator("#sticky-why").textContent(), /split/);
  assert.match(await page.locator("#sticky-python").textContent(), /TCP_NODELAY/);
  // A bad seed is an error in place, linked to its input.
  await page.fill("#sticky-seed", "x");
  assert.match(await page.locator("#sticky-summary").textContent(), /^Error: /);
  assert.equal(await page.getAttribute("#sticky-seed", "aria-invalid"), "true");
  await page.fill("#sticky-seed", "5");
  assert.deepEqual(await lines(page, "naive"), expected.naive.printed);
  assert.deepEqual(errors, []);
  await page.close();
});

test("axe finds no serious violation (both themes, English and 简体中文); it fits a phone; inputs are labelled", async () => {
  const { page, errors } = await openPlayground(browser.context, `${relay.url}&tool=sticky`);
  const found = [];
  for (const theme of ["light", "dark"]) {
    await page.selectOption("#theme", theme);
    for (const lang of ["en", "zh"]) {
      await page.selectOption("#lang", lang);
      await page.waitForSelector("#panel-sticky:not([hidden]) .summary:not(:empty)");
      found.push(...(await violations(page)).map((v) => `${theme} ${lang}: ${v}`));
    }
  }
  assert.deepEqual(found, []);
  assert.equal(await page.locator("#tab-sticky").textContent(), "粘包");
  assert.match(await page.locator("#sticky-why").textContent(), /接收缓冲区/);
  await page.selectOption("#lang", "en");
  await page.selectOption("#theme", "system");
  const unlabelled = await page.evaluate(() =>
    [...document.querySelectorAll("#panel-sticky input, #panel-sticky textarea")].filter((e) => !e.labels?.length).map((e) => e.id),
  );
  assert.deepEqual(unlabelled, []);
  await page.setViewportSize({ width: 360, height: 740 });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `sticky is ${width} px wide`);
  assert.deepEqual(errors, []);
  await page.close();
});
