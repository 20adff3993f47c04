// The Labs tool's edges: an empty file name or command is refused before
// connecting and Stop always ends "Running…"; a file over the upload lab's
// 16 MiB limit shows the server's own error; a language change keeps the
// last result, log and timeline (page text re-worded, server bytes as they
// came); the console prints an unawaited rejection as Python's uncaught
// exception and bytes as b'…'; the framed lab tells teachers what the
// seed's own client prints against it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { startRelay, launchChromium, openPlayground } from "./helpers.mjs";

const TOKEN = randomBytes(16).toString("hex");

let relay, browser;

before(async () => {
  relay = await startRelay(["--token", TOKEN], { labs: true });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  if (relay) assert.equal(await relay.stop(), 0, "relay exits 0 on SIGTERM");
});

/** The playground on the Labs tool, connected to the relay. */
async function openLabs(lab = "hello", extra = "") {
  const { page, errors } = await openPlayground(browser.context, `${relay.url}&tool=labs&lab=${lab}${extra}`);
  await page.waitForSelector('#labs-screen[data-screen="connected"]');
  return { page, errors };
}

/** Runs the exercise on screen and waits for its verdict. */
async function runExercise(page, timeout = 30_000) {
  await page.click("#labs-run");
  await page.waitForSelector("#labs-result[data-ok]", { timeout });
  return {
    ok: await page.getAttribute("#labs-result", "data-ok"),
    log: (await page.locator("#labs-log li").allTextContents()).join("\n"),
    result: await page.locator("#labs-result").textContent(),
  };
}

const sockets = (page) => page.locator("#labs-timeline tbody tr").count();

test("an empty file name or command is refused before connecting, in both languages", async () => {
  const { page, errors } = await openLabs("download");
  await page.fill("#labs-in-file", "");
  const d = await runExercise(page, 5000);
  assert.equal(d.ok, "false");
  assert.match(d.result, /Type a file name first/);
  await page.selectOption("#labs-lab", "cmd");
  await page.fill("#labs-in-cmd", "");
  const c = await runExercise(page, 5000);
  assert.equal(c.ok, "false");
  assert.match(c.result, /Type a command first/);
  assert.equal(await sockets(page), 0, "nothing was sent");
  assert.equal(await page.isDisabled("#labs-run"), false);
  assert.equal(await page.isDisabled("#labs-stop"), true);
  await page.selectOption("#lang", "zh");
  await page.waitForSelector('#labs-screen[data-screen="connected"]');
  assert.match(await page.locator("#labs-result").textContent(), /请先输入命令/);
  await page.selectOption("#lang", "en");
  assert.deepEqual(errors, []);
  await page.close();
});

test("Stop ends 'Running…' even when the exercise waits on the relay", async () => {
  const { page, errors } = await openLabs("hello");
  // The relay never hears the page from now on: connect() waits.
  await page.evaluate(() => {
    const send = WebSocket.prototype.send;
    WebSocket.prototype.send = function (data) {
      if (!window.__mute) send.call(this, data);
    };
    window.__mute = true;
  });
  await page.click("#labs-run");
  await page.waitForTimeout(500);
  assert.match(await page.locator("#labs-result").textContent(), /Running…/);
  assert.equal(await page.isDisabled("#labs-stop"), false);
  await page.click("#labs-stop");
  await page.waitForFunction(() => !/Running/.test(document.querySelector("#labs-result")?.textContent ?? ""), null, { timeout: 3000 });
  assert.equal(await page.locator("#labs-result").textContent(), "Stopped.");
  assert.equal(await page.isDisabled("#labs-stop"), true);
  await page.evaluate(() => {
    window.__mute = false;
  });
  assert.equal(await page.isDisabled("#labs-run"), false);
  assert.deepEqual(errors, []);
  await page.close();
});

test("a file over 16 MiB: the page shows the upload lab's own error, not a broken pipe", async () => {
  const { page, errors } = await openLabs("upload");
  await page.setInputFiles("#labs-in-upload", { name: "big.bin", mimeType: "application/octet-stream", buffer: Buffer.alloc(17 * 1024 * 1024, 0x78) });
  const r = await runExercise(page, 90_000);
  assert.equal(r.ok, "false", r.log);
  assert.match(r.result, /The upload failed: file of 17825792 bytes is over the limit of 16 MiB/);
  assert.doesNotMatch(r.result, /Broken pipe|Errno/);
  assert.match(r.log, /"ok":false/);
  assert.deepEqual(errors, []);
  await page.close();
});

test("a language change keeps the last result, log and timeline, re-worded; a run goes on through it", async () => {
  const { page, errors } = await openLabs("sticky");
  const r = await runExercise(page);
  assert.equal(r.ok, "true", r.log);
  const rows = await page.locator("#labs-timeline tbody tr").count();
  assert.ok(rows > 0);
  await page.selectOption("#lang", "zh");
  await page.waitForSelector('#labs-screen[data-screen="connected"]');
  assert.equal(await page.getAttribute("#labs-result", "data-ok"), "true");
  const zh = await page.locator("#labs-result").textContent();
  assert.match(zh, /[\u4e00-\u9fff]/, zh);
  assert.match(await page.locator("#labs-sticky-chunk").textContent(), /[\u4e00-\u9fff].*b'hellonice'/);
  const log = (await page.locator("#labs-log li").allTextContents()).join("\n");
  assert.match(log, /msg1 = sk\.recv\(1024\) {2}# b'hellonice' {2}\(9\)/);
  assert.equal(await page.locator("#labs-timeline tbody tr").count(), rows);
  assert.match(await page.locator('#labs-timeline tbody tr[data-dir="recv"]').first().textContent(), /recv\(\)/);
  await page.selectOption("#lang", "en");
  await page.waitForSelector('#labs-screen[data-screen="connected"]');
  assert.equal(await page.locator("#labs-result").textContent(), r.result);

  // A run in progress (the page as server) survives the change and stops from the new panel.
  await page.selectOption("#labs-lab", "server");
  await page.fill("#labs-in-listen", "0");
  await page.click("#labs-run");
  await page.waitForSelector("#labs-server-cmd");
  await page.selectOption("#lang", "zh");
  await page.waitForSelector('#labs-screen[data-screen="connected"]');
  assert.equal(await page.isDisabled("#labs-stop"), false);
  assert.match(await page.locator("#labs-result").textContent(), /127\.0\.0\.1/);
  await page.click("#labs-stop");
  await page.waitForSelector("#labs-run:not([disabled])");
  assert.equal(await page.locator("#labs-result").textContent(), "已停止。");
  await page.selectOption("#lang", "en");
  assert.deepEqual(errors, []);
  await page.close();
});

test("the console: an unawaited refusal prints as Python's uncaught exception; bytes print as b'…'", async () => {
  const { page, errors } = await openLabs("hello");
  await page.fill("#labs-code", "relay.socket('tcp').connect('8.8.8.8', 53)");
  await page.click("#labs-code-run");
  await page.waitForFunction(() => (document.querySelector("#labs-code-out")?.textContent ?? "") !== "", null, { timeout: 5000 });
  const out = await page.locator("#labs-code-out").textContent();
  assert.match(out, /^PermissionError: \[Errno 13\] Permission denied.*allow-list/m);
  await page.selectOption("#labs-example", "3");
  await page.click("#labs-code-run");
  await page.waitForFunction(() => (document.querySelector("#labs-code-out")?.textContent ?? "").includes("me|hello"), null, { timeout: 5000 });
  assert.match(await page.locator("#labs-code-out").textContent(), /^\(b'me\|hello', \('127\.0\.0\.1', \d+\)\)\n$/);
  await page.fill("#labs-code", "print('a', 5, 0.5, true, null, [1], {k: new Uint8Array([0, 39])}); return 'x';");
  await page.click("#labs-code-run");
  await page.waitForFunction(() => (document.querySelector("#labs-code-out")?.textContent ?? "").split("\n").length >= 3);
  assert.equal(await page.locator("#labs-code-out").textContent(), "a 5 0.5 True None (1,) {'k': b\"\\x00'\"}\nx\n");
  assert.deepEqual(errors, []);
  await page.close();
});

test("the framed lab tells teachers what the seed's own client prints against it, in both languages", async () => {
  const { page, errors } = await openLabs("framed");
  assert.equal(await page.isHidden("#labs-note"), false);
  assert.match(await page.locator("#labs-note").textContent(), /framed_client\.py.*hello.*\\x04\\x00\\x00\\x00.*nice.*framed only the first message/);
  await page.selectOption("#lang", "zh");
  await page.waitForSelector('#labs-screen[data-screen="connected"]');
  assert.match(await page.locator("#labs-note").textContent(), /framed_client\.py.*只给第一条消息加了报头/);
  await page.selectOption("#lang", "en");
  await page.selectOption("#labs-lab", "sticky");
  assert.equal(await page.isHidden("#labs-note"), true);
  assert.deepEqual(errors, []);
  await page.close();
});
