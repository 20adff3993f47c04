// netlab's error messages on the page: the Chinese page shows them in
// Chinese (web/i18n-errors.js, through ui.js's showError), the English page
// as the core wrote them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { relayAndBrowser, launchChromium, openPlayground } from "./helpers.mjs";

const env = relayAndBrowser();

/** Types `text` into the Subnet tool and returns its error line once shown. */
async function subnetError(/** @type {any} */ page, /** @type {string} */ text) {
  await page.fill("#subnet-input", text);
  await page.waitForSelector("#subnet-error:not([hidden])");
  return page.locator("#subnet-error").textContent();
}

test("the Chinese page shows a netlab error in Chinese", async () => {
  const zh = await launchChromium({ locale: "zh-CN" });
  try {
    const { page, errors } = await openPlayground(zh.context, env.relay.url);
    assert.equal(await page.getAttribute("html", "lang"), "zh-CN");
    assert.equal(await subnetError(page, "192.168.1.10/33"), "前缀 33 超出了 IPv4 的范围（0-32）");
    assert.equal(await page.getAttribute("#subnet-input", "aria-invalid"), "true");
    assert.equal(await subnetError(page, "10.1.2.3/255.0.255.0"), "子网掩码 255.0.255.0 不连续");
    // The tool's one-line summary says it in Chinese too.
    assert.match(await page.locator("#subnet-summary").textContent(), /子网掩码 255\.0\.255\.0 不连续/);
    assert.deepEqual(errors, []);
  } finally {
    await zh.close();
  }
});

test("the English page shows the core's English", async () => {
  const { page, errors } = await openPlayground(env.browser.context, env.relay.url);
  assert.equal(await page.getAttribute("html", "lang"), "en");
  assert.equal(await subnetError(page, "192.168.1.10/33"), "prefix 33 is out of range for IPv4 (0-32)");
  // Switching to 简体中文 and back: the next message follows the language.
  await page.selectOption("#lang", "zh");
  assert.equal(await subnetError(page, "192.168.1.10/34"), "前缀 34 超出了 IPv4 的范围（0-32）");
  await page.selectOption("#lang", "en");
  assert.equal(await subnetError(page, "192.168.1.10/35"), "prefix 35 is out of range for IPv4 (0-32)");
  assert.deepEqual(errors, []);
});
