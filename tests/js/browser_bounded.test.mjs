// What a big input does to the page: struct's bytes, the dissector's hex and
// bits and the classify cards are drawn only up to fixed limits (the WASM
// module still computes everything), and a notice in the page's language
// says how many more there are; a long IPv6 range wraps inside its list
// instead of widening the page; the header diagrams stay readable on a
// phone; a button that disappears or is disabled under the keyboard hands
// the focus on; the dissector's field tree is one Tab stop (a roving
// tabindex) that the arrow keys move through.
import { test } from "node:test";
import assert from "node:assert/strict";
import { relayAndBrowser, openPlayground, launchChromium } from "./helpers.mjs";

const env = relayAndBrowser();

const ready = (page, tool) => page.waitForSelector(`#panel-${tool}:not([hidden]) .summary:not(:empty)`);
// Playwright's fill types a many-line paste slowly in Chromium: set it as a paste does, with one input event.
const paste = (page, sel, value) =>
  page.locator(sel).evaluate((el, v) => {
    el.value = v;
    el.dispatchEvent(new Event("input", { bubbles: true }));
  }, value);
const notice = (page, id) => page.locator(`#${id}`).evaluate((e) => ({ shown: Number(e.dataset.shown), total: Number(e.dataset.total), text: e.textContent }));

test("struct: 100000s and 10000000s draw at most 4 KiB of bytes and say how many more", async () => {
  const { page, errors } = await openPlayground(env.browser.context, `${env.relay.url}&tool=struct`);
  await ready(page, "struct");
  await page.fill("#struct-values", "b'x'");
  await page.fill("#struct-format", "100000s");
  await page.waitForSelector("#struct-hex-more");
  assert.ok((await page.locator("#struct-hex .byte").count()) <= 4096);
  assert.deepEqual(await notice(page, "struct-hex-more"), {
    shown: 4096,
    total: 100000,
    text: "Shown: the first 4096 of 100000 bytes. The other 95904 are not drawn here (everything above counts them all).",
  });
  // The result still says the whole length, and the bytes literal says it is cut.
  assert.match(await page.locator("#struct-result").textContent(), /100000 bytes/);
  assert.match(await page.locator("#struct-result code").textContent(), /^b'x\\x00.*\\x00' … \(99744 more bytes not shown\)$/);
  assert.equal(await page.locator("#struct-calcsize [data-field=size]").textContent(), "100000");

  // One zero too many: the tab survives and the view is as small.
  await page.fill("#struct-format", "10000000s");
  await page.waitForSelector('#struct-hex-more[data-total="10000000"]', { timeout: 20_000 });
  assert.ok((await page.locator("#struct-hex .byte").count()) <= 4096);
  assert.ok((await page.evaluate(() => document.querySelectorAll("*").length)) < 20_000);

  // Many items: the format tokens, the byte groups and the table rows are bounded too.
  await page.fill("#struct-values", Array(5000).fill("7").join(","));
  await page.fill("#struct-format", "5000i");
  await page.waitForSelector('#struct-hex-more[data-total="20000"]');
  assert.match(await page.locator("#struct-fields").textContent(), /\(4744 more values not shown\)/);

  // In Chinese too.
  await page.selectOption("#lang", "zh");
  await page.waitForSelector("#struct-hex-more");
  assert.match(await page.locator("#struct-hex-more").textContent(), /这里只画出前 4096 个字节（共 20000 个），其余 15904 个没有画出/);
  await page.selectOption("#lang", "en");
  assert.deepEqual(errors, []);
  await page.close();
});

test("dissector: 100 KB of hex draws 4 KiB of bytes and one frame's bits, and says so", async () => {
  const { page, errors } = await openPlayground(env.browser.context, `${env.relay.url}&tool=dissect`);
  await ready(page, "dissect");
  await page.fill("#dissect-hex", "ab".repeat(100_000));
  await page.waitForSelector("#dissect-view-hex-more");
  assert.equal(await page.locator("#dissect-view-hex [data-byte]").count(), 2 * 4096, "hex and ASCII cells of 4096 bytes");
  assert.equal(await page.locator("#dissect-view-bits [data-bit]").count(), 1518 * 8);
  assert.deepEqual(await notice(page, "dissect-view-hex-more"), {
    shown: 4096,
    total: 100000,
    text: "Shown: the first 4096 of 100000 bytes. The other 95904 are not drawn here (everything above counts them all).",
  });
  assert.deepEqual((({ shown, total }) => ({ shown, total }))(await notice(page, "dissect-view-bits-more")), { shown: 1518, total: 100000 });
  assert.match(await page.locator("#dissect-summary").textContent(), /100000 bytes/);
  assert.ok((await page.evaluate(() => document.querySelectorAll("*").length)) < 40_000);
  // A field that runs past the drawn bytes still lights what is drawn.
  await page.click("#dissect-view-tree button[data-key]");
  assert.ok((await page.locator("#dissect-view-hex .sel").count()) > 0);

  // The seed's 59-byte frame draws whole, with no notice.
  await page.click('#panel-dissect [data-example="seed"]');
  await page.waitForSelector("#dissect-view-hex-more", { state: "detached" });
  assert.equal(await page.locator("#dissect-view-hex .b").count(), 59);
  assert.deepEqual(errors, []);
  await page.close();
});

test("classify: 5000 lines are all counted, the first 256 drawn, and the rest said", async () => {
  const { page, errors } = await openPlayground(env.browser.context, `${env.relay.url}&tool=classify`);
  await ready(page, "classify");
  const lines = Array.from({ length: 5000 }, (_, i) => `10.${(i >> 8) & 255}.${i & 255}.1`).join("\n");
  await paste(page, "#classify-input", lines);
  await page.waitForSelector("#classify-truncated");
  assert.equal(await page.locator("#classify-results > li").count(), 256);
  assert.deepEqual(await notice(page, "classify-truncated"), {
    shown: 256,
    total: 5000,
    text: "Shown: the first 256 of 5000 lines. The other 4744 are counted in the summary but not drawn here.",
  });
  assert.match(await page.locator("#classify-summary").textContent(), /5000/);
  assert.match(await page.locator("#classify-python").textContent(), /# … 4744 more not shown$/);
  await page.fill("#classify-input", "8.8.8.8");
  await page.waitForSelector("#classify-truncated", { state: "detached" });
  assert.equal(await page.locator("#classify-results > li").count(), 1);
  assert.deepEqual(errors, []);
  await page.close();
});

test("a long IPv6 range wraps inside its list: the page never scrolls sideways", async () => {
  for (const viewport of [
    { width: 1280, height: 800 },
    { width: 390, height: 844 },
  ]) {
    const b = await launchChromium({ viewport });
    try {
      const to = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe";
      const { page, errors } = await openPlayground(b.context, `${env.relay.url}&tool=subnet&from=${encodeURIComponent("::1")}&to=${encodeURIComponent(to)}`);
      await page.waitForSelector("#range-list li");
      assert.ok((await page.locator("#range-list li").count()) > 100);
      const { doc, view } = await page.evaluate(() => ({ doc: document.documentElement.scrollWidth, view: document.documentElement.clientWidth }));
      assert.ok(doc <= view, `${viewport.width}: page ${doc} px wide in ${view} px`);
      assert.deepEqual(errors, []);
    } finally {
      await b.close();
    }
  }
});

test("on a phone the header diagrams cut no name short, in English and Chinese", async () => {
  for (const locale of ["en-US", "zh-CN"]) {
    const b = await launchChromium({ locale, viewport: { width: 390, height: 844 } });
    try {
      const { page, errors } = await openPlayground(b.context, `${env.relay.url}&tool=dissect`);
      await page.waitForSelector("#dissect-view-diagram .cell");
      const cut = await page.$$eval("#dissect-view-diagram .cell", (cells) =>
        cells.filter((c) => c.scrollWidth > c.clientWidth + 1 || c.scrollHeight > c.clientHeight + 1).map((c) => c.textContent),
      );
      assert.deepEqual(cut, [], locale);
      // The TCP flags read as RFC 9293 draws them, a full name on hover.
      const key = await page.getAttribute('#dissect-view-tree [data-ws="tcp.flags.syn"]', "data-key");
      const syn = page.locator(`#dissect-view-diagram .cell.one[data-key="${key}"]`);
      assert.equal(await syn.textContent(), "SYN");
      assert.match((await syn.getAttribute("title")) ?? "", locale === "en-US" ? /^Syn: / : /^同步 \(SYN\): /);
      assert.ok(await page.isVisible("#panel-dissect .fv-scroll-cue"), "the cue that a diagram scrolls sideways");
      assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 390);
      assert.deepEqual(errors, []);
    } finally {
      await b.close();
    }
  }
});

test("the focus stays near a button that disappears or is disabled under the keyboard", async () => {
  const { context } = env.browser;
  const active = (page) => page.evaluate(() => document.activeElement?.id || document.activeElement?.textContent || document.activeElement?.tagName);

  let { page, errors } = await openPlayground(context, `${env.relay.url}&tool=same`);
  await ready(page, "same");
  await page.focus("#same-use-common");
  await page.keyboard.press("Enter");
  assert.equal(await page.inputValue("#same-mask"), "255.255.254.0");
  // The button is gone once they are together: the keyboard lands on the verdict.
  assert.equal(await active(page), "same-summary");
  assert.deepEqual(errors, []);
  await page.close();

  ({ page, errors } = await openPlayground(context, `${env.relay.url}&tool=encap`));
  await ready(page, "encap");
  await page.focus("#encap-next");
  while (!(await page.isDisabled("#encap-next"))) await page.keyboard.press("Enter");
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("aria-current")), "step", "the step shown");
  // Enter there keeps the keyboard on the steps.
  await page.keyboard.press("Enter");
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("aria-current")), "step");
  assert.deepEqual(errors, []);
  await page.close();

  for (const tool of ["tcp", "lan"]) {
    ({ page, errors } = await openPlayground(context, `${env.relay.url}&tool=${tool}`));
    await ready(page, tool);
    if (await page.isDisabled(`#${tool}-end`)) {
      await page.focus(`#${tool}-back`);
      await page.keyboard.press("Enter");
    }
    await page.focus(`#${tool}-end`);
    await page.keyboard.press("Enter");
    assert.equal(await page.isDisabled(`#${tool}-end`), true);
    assert.equal(await active(page), `${tool}-play`, `${tool}: End`);
    await page.focus(`#${tool}-start`);
    await page.keyboard.press("Enter");
    assert.equal(await page.isDisabled(`#${tool}-start`), true);
    assert.equal(await active(page), `${tool}-play`, `${tool}: Start`);
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test("the dissector's field tree is one Tab stop; the arrows move through it", async () => {
  const { page, errors } = await openPlayground(env.browser.context, `${env.relay.url}&tool=dissect`);
  await ready(page, "dissect");
  const items = page.locator("#dissect-view-tree button[data-key]");
  assert.ok((await items.count()) > 30);
  const stops = () => page.locator('#dissect-view-tree [tabindex="0"]').evaluateAll((els) => els.map((e) => e.dataset.ws || e.dataset.key || e.tagName));
  assert.deepEqual(await stops(), ["SUMMARY"], "the first layer's heading");
  assert.equal(await page.locator('#dissect-view-tree :is(button, summary):not([tabindex="-1"]):not([tabindex="0"])').count(), 0);
  // Every focusable thing in the tree: one of them is a Tab stop.
  const tabbable = await page.$$eval("#dissect-view-tree *", (els) => els.filter((e) => e.tabIndex >= 0).length);
  assert.equal(tabbable, 1);

  // Tab in once, Tab out: the next stop is past the tree.
  await page.focus("#dissect-pcapng");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement?.tagName), "SUMMARY");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.getElementById("dissect-view-tree")?.contains(document.activeElement)), false);

  // Left closes a layer, Right opens it, Down goes to its first field.
  const eth = page.locator("#dissect-view-tree details").first();
  await page.focus("#dissect-view-tree summary");
  await page.keyboard.press("ArrowLeft");
  assert.equal(await eth.evaluate((d) => d.open), false);
  await page.keyboard.press("ArrowRight");
  assert.equal(await eth.evaluate((d) => d.open), true);
  await page.keyboard.press("ArrowDown");
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("data-key")), await items.first().getAttribute("data-key"));

  // Arrows move, and the field reached becomes the stop; Enter selects it.
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  const third = await items.nth(2).getAttribute("data-key");
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("data-key")), third);
  assert.deepEqual(await stops(), [await items.nth(2).evaluate((e) => e.dataset.ws || e.dataset.key)]);
  await page.keyboard.press("Enter");
  assert.equal(await items.nth(2).getAttribute("aria-pressed"), "true");
  await page.keyboard.press("End");
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("data-key")), await items.last().getAttribute("data-key"));

  // Right goes into a field's parts, Left back to the field.
  const flags = page.locator('#dissect-view-tree [data-ws="tcp.flags"]');
  await flags.focus();
  await page.keyboard.press("ArrowRight");
  const child = await page.evaluate(() => document.activeElement?.getAttribute("data-ws"));
  assert.match(child ?? "", /^tcp\.flags\./);
  await page.keyboard.press("ArrowLeft");
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("data-ws")), "tcp.flags");

  // Clicking a field makes it the stop too.
  await page.click('#dissect-view-tree [data-ws="ip.ttl"]');
  assert.deepEqual(await stops(), ["ip.ttl"]);
  assert.deepEqual(errors, []);
  await page.close();
});
