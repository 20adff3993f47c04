import { startRelay, launchChromium, openPlayground } from "./helpers.mjs";
const relay = await startRelay([], { labs: true });
const browser = await launchChromium();
const { page } = await openPlayground(browser.context, `${relay.url}&tool=subnet`);
await page.selectOption("#lang", "zh");
const tabs = await page.locator('[role="tab"]').evaluateAll(ts => ts.map(t => t.id.replace("tab-", "")));
for (const tool of tabs) {
  await page.click(`#tab-${tool}`);
  await page.waitForTimeout(700);
  // open everything that can be opened
  const text = await page.locator(`#panel-${tool}`).innerText();
  const lines = text.split("\n").map(s => s.trim()).filter(s => (s.match(/\b[a-zA-Z]{3,}\b/g) ?? []).length >= 5 && !/^(>>>|import|socket|conn|s\.|print|struct|ipaddress|from )/.test(s));
  console.log("==", tool, lines.length); console.log([...new Set(lines)].slice(0, 15).map(l => "  " + l.slice(0, 160)).join("\n"));
}
await browser.close(); await relay.stop();
