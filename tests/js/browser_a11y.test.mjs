// Accessibility: axe-core (WCAG 2.1 A and AA rules and best practices) finds
// no serious or critical violation on any tool, in the light and the dark
// theme, in English and in Chinese; no id is used twice; every input has a
// label and every error line is linked to its input by aria-describedby.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { ROOT, openPlayground, relayAndBrowser } from "./helpers.mjs";

const TOOLS = ["subnet", "same", "forms", "classify", "ports", "struct", "sticky", "encap", "dissect", "tcp", "lan", "hmac"];
const AXE = path.join(ROOT, "node_modules/axe-core/axe.min.js");

const env = relayAndBrowser();

/** axe's serious and critical violations on the page as it is, one line each. */
async function violations(page) {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ path: AXE });
  const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(" ")}: ${n.failureSummary}`));
}

for (const theme of ["light", "dark"]) {
  test(`axe finds no serious or critical violation on any tool (${theme} theme, English and 简体中文)`, async () => {
    const { page, errors } = await openPlayground(env.browser.context, env.relay.url);
    await page.selectOption("#theme", theme);
    const found = [];
    for (const lang of ["en", "zh"]) {
      await page.selectOption("#lang", lang);
      for (const tool of TOOLS) {
        await page.click(`#tab-${tool}`);
        await page.waitForSelector(`#panel-${tool}:not([hidden]) .summary:not(:empty)`);
        // Hover a struct item so the highlight colours are checked too.
        if (tool === "struct") await page.hover('#struct-format-view [data-item="0"]');
        // Select a field in the frame views, so their highlights are checked too.
        if (tool === "encap" || tool === "dissect") await page.click(`#panel-${tool} [data-ws="tcp.flags"]`);
        // The TCP timeline and the LAN simulation open a frame in the same views.
        if (tool === "tcp") await page.click('#tcp-ladder .seg[data-number="4"]');
        if (tool === "tcp" || tool === "lan") await page.click(`#${tool}-frame-view-tree [data-ws="ip.ttl"]`);
        found.push(...(await violations(page)).map((v) => `${tool} ${lang}: ${v}`));
      }
    }
    await page.selectOption("#lang", "en");
    await page.selectOption("#theme", "system");
    assert.deepEqual(found, []);
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test("no duplicate ids; every input is labelled; every error line is linked to its input", async () => {
  const { page } = await openPlayground(env.browser.context, env.relay.url);
  for (const tool of TOOLS) {
    await page.click(`#tab-${tool}`);
    await page.waitForSelector(`#panel-${tool}:not([hidden]) .summary:not(:empty)`);
    // Every frame view open at once: the encapsulation's, the dissector's, a segment's, the LAN's.
    if (tool === "tcp") await page.click('#tcp-ladder .seg[data-number="4"]');
  }
  assert.equal(await page.locator(".frame-views").count(), 4);
  const report = await page.evaluate(() => {
    const ids = [...document.querySelectorAll("[id]")].map((e) => e.id);
    const duplicates = ids.filter((id, i) => ids.indexOf(id) !== i);
    const unlabelled = [...document.querySelectorAll("input, select, textarea")]
      .filter((e) => !(e.labels?.length || e.getAttribute("aria-label") || e.getAttribute("aria-labelledby")))
      .map((e) => e.id || e.outerHTML);
    const described = new Set(
      [...document.querySelectorAll("[aria-describedby]")].flatMap((e) => e.getAttribute("aria-describedby").split(/\s+/)),
    );
    const unlinked = [...document.querySelectorAll(".error")].filter((e) => e.id && !described.has(e.id)).map((e) => e.id);
    return { duplicates, unlabelled, unlinked };
  });
  assert.deepEqual(report, { duplicates: [], unlabelled: [], unlinked: [] });
  await page.close();
});
