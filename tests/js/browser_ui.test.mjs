// The playground around the tools: the URL fragment as history (back and
// forward step through inputs and tools, the token stays), share links
// without the token, the tabs in labelled groups and from the keyboard,
// English and 简体中文, the three themes,
// phone width, and no console error on any tool in either language.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { ROOT, startRelay, launchChromium, openPlayground } from "./helpers.mjs";

// The calculators and visualisations, whose results show in a `.summary`;
// the Labs tool (last in the tab list) has its own tests (browser_labs).
const TOOLS = ["subnet", "same", "forms", "classify", "ports", "struct", "sticky", "encap", "dissect", "tcp", "lan", "hmac"];
// The navigation's groups (app.js NAV_GROUP), each with its label in English
// and Chinese and its tabs in order.
const CALC = ["subnet", "same", "forms", "classify", "ports", "struct", "hmac"];
const PACKETS = ["sticky", "encap", "dissect", "tcp", "lan"];
const GROUPS = [
  ["calc", "Calculators", "计算器", CALC],
  ["packets", "Packets", "数据包", PACKETS],
  ["live", "Live sockets", "真实套接字", ["labs"]],
].filter(([, , , tools]) => tools.length > 0);
/** The tabs in the order they are shown, which the arrow keys follow. */
const NAV = GROUPS.flatMap(([, , , tools]) => tools);

let relay, browser;

before(async () => {
  relay = await startRelay();
  browser = await launchChromium();
  await browser.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: relay.base });
});

after(async () => {
  await browser?.close();
  if (relay) assert.equal(await relay.stop(), 0, "relay exits 0 on SIGTERM");
});

const fragment = (page) => new URLSearchParams(new URL(page.url()).hash.slice(1));
const cell = (page, field) => page.locator(`#subnet-report tr[data-field="${field}"] td`).textContent();

test("typing leaves one history entry per pause; back and forward restore inputs and tools; the token stays", async () => {
  const { page, errors } = await openPlayground(browser.context, relay.url);
  assert.equal(fragment(page).get("tool"), "subnet");
  assert.equal(fragment(page).get("token"), relay.token);
  const start = await page.evaluate(() => history.length);

  await page.fill("#subnet-input", "10.0.0.1/8");
  await page.waitForTimeout(1000);
  await page.fill("#subnet-input", "172.16.0.1/12");
  await page.fill("#subnet-input", "172.16.0.2/12");
  await page.waitForFunction(() => location.hash.includes("172.16.0.2"));
  assert.equal(await page.evaluate(() => history.length), start + 2, "two pauses, two entries");

  await page.goBack();
  await page.waitForFunction(() => document.querySelector("#subnet-input").value === "10.0.0.1/8");
  assert.equal(await cell(page, "network"), "10.0.0.0/8");
  await page.goBack();
  await page.waitForFunction(() => document.querySelector("#subnet-input").value === "192.168.12.87/24");
  assert.equal(await cell(page, "network"), "192.168.12.0/24");
  await page.goForward();
  await page.waitForFunction(() => document.querySelector("#subnet-input").value === "10.0.0.1/8");

  await page.click("#tab-struct");
  assert.equal(fragment(page).get("tool"), "struct");
  assert.equal(await page.isVisible("#struct-format"), true);
  await page.goBack();
  await page.waitForSelector("#panel-subnet:not([hidden])");
  assert.equal(await page.getAttribute("#tab-subnet", "aria-selected"), "true");
  assert.equal(await page.inputValue("#subnet-input"), "10.0.0.1/8");
  assert.equal(fragment(page).get("token"), relay.token);
  assert.deepEqual(errors, []);
  await page.close();
});

test("share links carry the state, or only the tool, and never the token", async () => {
  const { page } = await openPlayground(browser.context, `${relay.url}&tool=same&a=10.0.0.1`);
  await page.click("#share-link");
  await page.waitForSelector("#share .copied:not(:empty)");
  const link = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(link, `${relay.base}/#tool=same&a=10.0.0.1`);
  await page.click("#share-blank");
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), `${relay.base}/#tool=same`);
  await page.click("#same-python-copy");
  assert.match(await page.evaluate(() => navigator.clipboard.readText()), /^import ipaddress\na = ipaddress\.ip_interface\('10\.0\.0\.1\/24'\)/);

  // The shared link opens the same view (here without a token: the relay refuses, the tools work).
  const shared = await openPlayground(browser.context, link);
  assert.equal(await shared.page.inputValue("#same-a"), "10.0.0.1");
  assert.equal(await shared.page.getAttribute("#tab-same", "aria-selected"), "true");
  await shared.page.close();
  await page.close();
});

test("the tabs stand in labelled groups; each tab is described by its group's label, in either language", async () => {
  const { page, errors } = await openPlayground(browser.context, relay.url);
  const shown = () =>
    page.locator("#tablist .tab-group").evaluateAll((groups) =>
      groups.map((g) => [g.dataset.group, g.querySelector(".tab-group-label").textContent, [...g.querySelectorAll('[role="tab"]')].map((tab) => tab.id.slice(4))]),
    );
  assert.deepEqual(await shown(), GROUPS.map(([name, en, , tools]) => [name, en, tools]));
  // One tab list, its tabs in the groups' order; a group's label is each of its tabs' description.
  assert.equal(await page.locator('[role="tablist"]').count(), 1);
  assert.deepEqual(await page.locator('#tablist [role="tab"]').evaluateAll((tabs) => tabs.map((tab) => tab.id.slice(4))), NAV);
  for (const [name, en, , tools] of GROUPS) {
    for (const id of tools) assert.equal(await page.getAttribute(`#tab-${id}`, "aria-describedby"), `nav-group-${name}`, id);
    assert.equal(await page.locator(`#nav-group-${name}`).textContent(), en);
    assert.equal(await page.getAttribute(`#nav-group-${name}`, "aria-hidden"), "true", "read as the tabs' description, not on its own");
  }
  await page.selectOption("#lang", "zh");
  await page.waitForFunction(() => document.querySelector("#tab-subnet")?.textContent === "子网");
  assert.deepEqual(await shown(), GROUPS.map(([name, , zh, tools]) => [name, zh, tools]));
  await page.selectOption("#lang", "en");
  // On a phone each group has its own rows, its label above its tabs.
  await page.setViewportSize({ width: 360, height: 740 });
  const boxes = await page.locator("#tablist .tab-group").evaluateAll((groups) => groups.map((g) => g.getBoundingClientRect().toJSON()));
  for (let i = 1; i < boxes.length; i++) assert.ok(boxes[i].top >= boxes[i - 1].bottom - 1, `group ${i} below group ${i - 1}`);
  for (const b of boxes) assert.ok(b.right <= 360, `a group ends at ${b.right} px`);
  assert.deepEqual(errors, []);
  await page.close();
});

test("the tabs work from the keyboard: arrows, Home and End, across the groups, focus follows", async () => {
  const { page } = await openPlayground(browser.context, relay.url);
  await page.focus("#tab-subnet");
  await page.keyboard.press("ArrowRight");
  assert.equal(await page.evaluate(() => document.activeElement.id), "tab-same");
  assert.equal(await page.isVisible("#same-a"), true);
  // The arrows go on from a group's last tab to the next group's first, and back.
  await page.click(`#tab-${CALC.at(-1)}`);
  await page.keyboard.press("ArrowRight");
  assert.equal(await page.evaluate(() => document.activeElement.id), `tab-${PACKETS[0]}`);
  assert.equal(await page.getAttribute(`#tab-${PACKETS[0]}`, "aria-selected"), "true");
  await page.keyboard.press("ArrowLeft");
  assert.equal(await page.evaluate(() => document.activeElement.id), `tab-${CALC.at(-1)}`);
  // End is the last tab shown (the last group's last), Home the first; the arrows wrap around.
  await page.keyboard.press("End");
  assert.equal(await page.getAttribute(`#tab-${NAV.at(-1)}`, "aria-selected"), "true");
  await page.keyboard.press("ArrowRight");
  assert.equal(await page.getAttribute("#tab-subnet", "aria-selected"), "true");
  await page.keyboard.press("ArrowLeft");
  assert.equal(await page.getAttribute(`#tab-${NAV.at(-1)}`, "aria-selected"), "true");
  await page.keyboard.press("Home");
  assert.equal(await page.evaluate(() => document.activeElement.id), "tab-subnet");
  // Tab from the tab list goes into the tool.
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.id), "subnet-input");
  // The sticky-packet tool is a tab like the others, no longer a placeholder.
  assert.match(await page.locator("#tab-sticky").textContent(), /Sticky packets/);
  assert.equal(await page.locator("#nav-sticky").count(), 0);
  await page.close();
});

test("switching to 简体中文 relabels everything and keeps the inputs; the choice is remembered", async () => {
  const { page, errors } = await openPlayground(browser.context, `${relay.url}&subnet=10.9.8.7%2F16`);
  assert.equal(await page.getAttribute("html", "lang"), "en");
  assert.equal(await page.locator('label[for="subnet-input"]').textContent(), "Address / prefix");
  await page.selectOption("#lang", "zh");
  assert.equal(await page.getAttribute("html", "lang"), "zh-CN");
  assert.equal(await page.locator('label[for="subnet-input"]').textContent(), "地址 / 前缀");
  assert.equal(await page.locator("#tab-subnet").textContent(), "子网");
  assert.equal(await page.locator('#subnet-report tr[data-field="network"] th').textContent(), "网络地址");
  assert.equal(await page.inputValue("#subnet-input"), "10.9.8.7/16");
  assert.equal(await cell(page, "network"), "10.9.0.0/16");
  await page.waitForSelector('#relay-status[data-state="connected"]');
  assert.match(await page.locator("#relay-status").textContent(), /已连接/);
  assert.equal(await page.locator('label[for="theme"]').textContent(), "主题");
  await page.click("#tab-classify");
  assert.match(await page.locator("#classify-results .badge.private").first().textContent(), /^内网 \(private\)/);
  await page.reload();
  await page.waitForSelector("html[data-ready]");
  assert.equal(await page.locator("#tab-subnet").textContent(), "子网");
  await page.selectOption("#lang", "en");
  assert.equal(await page.locator("#tab-subnet").textContent(), "Subnet");
  assert.deepEqual(errors, []);
  await page.close();
});

test("a Chinese browser gets the Chinese page first", async () => {
  const zh = await launchChromium({ locale: "zh-CN" });
  try {
    const { page } = await openPlayground(zh.context, relay.url);
    assert.equal(await page.getAttribute("html", "lang"), "zh-CN");
    assert.equal(await page.locator("#tab-same").textContent(), "同一网段？");
  } finally {
    await zh.close();
  }
});

test("System, Light and Dark themes; System follows prefers-color-scheme; the choice is remembered", async () => {
  const { page } = await openPlayground(browser.context, relay.url);
  const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.emulateMedia({ colorScheme: "light" });
  assert.equal(await page.inputValue("#theme"), "system");
  const light = await bg();
  await page.emulateMedia({ colorScheme: "dark" });
  const dark = await bg();
  assert.notEqual(light, dark, "System follows the media query");
  await page.selectOption("#theme", "light");
  assert.equal(await bg(), light);
  await page.emulateMedia({ colorScheme: "light" });
  await page.selectOption("#theme", "dark");
  assert.equal(await page.getAttribute("html", "data-theme"), "dark");
  assert.equal(await bg(), dark);
  await page.reload();
  await page.waitForSelector("html[data-ready]");
  assert.equal(await page.inputValue("#theme"), "dark");
  assert.equal(await bg(), dark);
  await page.selectOption("#theme", "system");
  assert.equal(await page.getAttribute("html", "data-theme"), null);
  await page.close();
});

test("every tool fits a 360 px phone and logs no console error, in both languages", async () => {
  const { page, errors } = await openPlayground(browser.context, relay.url);
  await page.setViewportSize({ width: 360, height: 740 });
  for (const lang of ["en", "zh"]) {
    await page.selectOption("#lang", lang);
    for (const tool of TOOLS) {
      await page.click(`#tab-${tool}`);
      await page.waitForSelector(`#panel-${tool}:not([hidden]) .summary:not(:empty)`);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 360, `${tool} (${lang}) is ${width} px wide`);
    }
  }
  await page.selectOption("#lang", "en");
  assert.deepEqual(errors, []);
  await page.close();
});

test("on a 390 px phone what a tool compares is on screen: the octet that differs, the framed client; a box that scrolls shows it", async () => {
  const { page, errors } = await openPlayground(browser.context, `${relay.url}&tool=same`);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForSelector("#panel-same:not([hidden]) .summary:not(:empty)");
  // The third octet (12 against 13): every bit of every row is within the screen.
  const right = await page.locator("#panel-same .bitrow span").evaluateAll((spans) => Math.max(...spans.map((s) => s.getBoundingClientRect().right)));
  assert.ok(right <= 390, `bits end at ${right} px`);
  assert.ok((await page.locator("#panel-same .bitrow .diff").count()) > 0);
  // Sticky packets: the two clients stack, each cell headed by its client, both on screen.
  await page.click("#tab-sticky");
  await page.waitForSelector("#panel-sticky:not([hidden]) .summary:not(:empty)");
  const cells = await page.locator(".sticky-timeline td:not(:empty)").evaluateAll((tds) => tds.map((td) => [td.dataset.lane, td.getBoundingClientRect().right]));
  assert.ok(cells.some(([lane]) => /framed/i.test(lane ?? "")));
  for (const [lane, r] of cells) assert.ok(r <= 390, `${lane} ends at ${r} px`);
  // A table still too wide scrolls inside its box, with a shadow at the
  // edges that have more (struct's columns in Chinese, here).
  await page.selectOption("#lang", "zh");
  await page.click("#tab-struct");
  await page.waitForSelector("#panel-struct:not([hidden]) .summary:not(:empty)");
  const image = await page.locator("#panel-struct .scroll").first().evaluate((el) => getComputedStyle(el).backgroundImage);
  assert.equal(image.match(/radial-gradient/g)?.length, 2, image);
  await page.selectOption("#lang", "en");
  assert.deepEqual(errors, []);
  await page.close();
});

test("both dictionaries have the same keys, and every key the code asks for exists", async () => {
  const { dictionaries } = await import(path.join(ROOT, "web/i18n.js"));
  const en = Object.keys(dictionaries.en).sort();
  assert.deepEqual(Object.keys(dictionaries.zh).sort(), en);
  for (const key of en) assert.notEqual(dictionaries.zh[key].trim(), "", key);
  const files = ["web", "web/tools", "web/views"].flatMap((dir) =>
    readdirSync(path.join(ROOT, dir))
      .filter((f) => f.endsWith(".js"))
      .map((f) => path.join(ROOT, dir, f)),
  );
  for (const file of files) {
    for (const [, key] of readFileSync(file, "utf8").matchAll(/\bt\(\s*"([^"]+)"/g)) {
      assert.ok(key in dictionaries.en, `${path.relative(ROOT, file)} asks for "${key}"`);
    }
  }
});
