// The playground in headless Chromium (Debian's), served by a real netlab-relay.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import { ROOT, startRelay } from "./helpers.mjs";

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

let relay, context, profile;

before(async () => {
  relay = await startRelay();
  profile = mkdtempSync(path.join(tmpdir(), "netlab-chromium-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
    viewport: { width: 1000, height: 760 },
    locale: "en-US",
  });
});

after(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  if (relay) assert.equal(await relay.stop(), 0, "relay exits 0 on SIGTERM");
});

/** Opens a page, collecting console errors and the WASM response. */
async function open(url) {
  const page = await context.newPage();
  const errors = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(String(e)));
  const wasm = page.waitForResponse((r) => r.url().endsWith(".wasm"));
  await page.goto(url);
  return { page, errors, wasm: await wasm };
}

const cell = (page, field) => page.locator(`#subnet-report tr[data-field="${field}"] td`);

test("the subnet report is computed by the WASM module as the user types", async () => {
  const { page, errors, wasm } = await open(relay.url);
  assert.equal(wasm.headers()["content-type"], "application/wasm");
  await page.waitForSelector('#subnet-report tr[data-field="network"]');
  assert.equal(await cell(page, "network").textContent(), "192.168.12.0/24");
  assert.equal(await cell(page, "broadcast").textContent(), "192.168.12.255");
  assert.equal(await cell(page, "usable_hosts").textContent(), "254");
  await page.waitForSelector('#relay-status[data-state="connected"]');

  if (process.env.NETLAB_SCREENSHOTS) {
    const dir = path.join(ROOT, "docs/img");
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: path.join(dir, "playground.png"), fullPage: true });
  }

  await page.fill("#subnet-input", "10.1.2.3/255.255.240.0");
  assert.equal(await cell(page, "network").textContent(), "10.1.0.0/20");
  assert.equal(await cell(page, "broadcast").textContent(), "10.1.15.255");
  assert.match(page.url(), /subnet=10\.1\.2\.3%2F255\.255\.240\.0/);

  await page.fill("#subnet-input", "10.1.2.3/255.0.255.0");
  assert.equal(await page.locator("#subnet-error").textContent(), "mask 255.0.255.0 is not contiguous");
  assert.equal(await page.getAttribute("#subnet-input", "aria-invalid"), "true");
  // The last valid report stays, dimmed, and the page says whose it is.
  assert.equal(await page.locator("#subnet-stale").textContent(), "Below, dimmed: the last valid input, 10.1.2.3/20, until this one is fixed.");
  assert.match((await page.getAttribute("#subnet-report", "class")) ?? "", /\bstale\b/);

  await page.fill("#subnet-input", "2001:db8::1/64");
  assert.equal(await cell(page, "usable_hosts").textContent(), "18446744073709551615");
  assert.equal(await page.isVisible("#subnet-stale"), false);
  assert.doesNotMatch((await page.getAttribute("#subnet-report", "class")) ?? "", /stale/);
  assert.deepEqual(errors, []);
  await page.close();
});

test("the state in the URL fragment is restored on load", async () => {
  const url = `${relay.base}/#token=${relay.token}&subnet=${encodeURIComponent("172.16.5.4/12")}`;
  const { page } = await open(url);
  await page.waitForSelector('#subnet-report tr[data-field="network"]');
  assert.equal(await page.inputValue("#subnet-input"), "172.16.5.4/12");
  assert.equal(await cell(page, "network").textContent(), "172.16.0.0/12");
  await page.close();
});

test("without the token the page says how to get in", async () => {
  const { page } = await open(`${relay.base}/`);
  await page.waitForSelector('#relay-status[data-state="refused"]');
  assert.match(await page.locator("#relay-status").textContent(), /URL netlab-relay printed/);
  await page.close();
});
