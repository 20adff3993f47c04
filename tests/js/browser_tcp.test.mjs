// The TCP timeline: the handshake draws three arrows, SYN, SYN-ACK and ACK,
// with tcpSimulate's sequence numbers (absolute, and relative as Wireshark
// counts); both ends' states stand beside them; stepping back returns the
// previous state and play runs to the end; an arrow opens its frame in the
// four linked views with the WASM dissector's values, and the TCP flags
// selected in the tree light bytes 46-47 of that frame; the pcapng download is the
// trace's, and tshark reads it; the URL carries the state; it fits a phone;
// in 简体中文 every segment's explanation is Chinese, no English box left.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { loadWasm, startRelay, launchChromium, openPlayground, screenshot } from "./helpers.mjs";
import { simExplanation } from "../../web/i18n-sim.js";

let relay, browser, wasm;

before(async () => {
  wasm = await loadWasm();
  relay = await startRelay();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  if (relay) assert.equal(await relay.stop(), 0, "relay exits 0 on SIGTERM");
});

const fragment = (page) => new URLSearchParams(new URL(page.url()).hash.slice(1));
const labels = (page) => page.locator("#tcp-ladder .seg .seg-label").allTextContents();
const summary = (page) => page.locator("#tcp-summary").textContent();
const ready = (page) => page.waitForSelector("#panel-tcp:not([hidden]) .summary:not(:empty)");

test("the handshake: 3 arrows, SYN, SYN-ACK, ACK, with the core's numbers and both ends' states", async () => {
  const trace = wasm.tcpSimulate({ scenario: "handshake" });
  const segs = trace.events.filter((e) => e.segment).map((e) => e.segment);
  assert.deepEqual(segs.map((s) => s.flags), ["SYN", "SYN, ACK", "ACK"]);
  const { page, errors } = await openPlayground(browser.context, `${relay.url}&tool=tcp&scenario=handshake`);
  await ready(page);
  assert.equal(await page.getAttribute("#tab-tcp", "aria-selected"), "true");
  assert.equal(await page.locator("#tcp-ladder .seg").count(), 3);
  assert.deepEqual(await page.locator("#tcp-ladder .seg").evaluateAll((els) => els.map((e) => e.dataset.flags)), ["SYN", "SYN, ACK", "ACK"]);
  assert.deepEqual(await labels(page), [
    `SYN seq=${segs[0].seq}`,
    `SYN-ACK seq=${segs[1].seq} ack=${segs[1].ack}`,
    `ACK seq=${segs[2].seq} ack=${segs[2].ack}`,
  ]);
  // The seeds' ISNs: client 1000, server 5000; each ACK is the other's ISN + 1.
  assert.deepEqual(await labels(page), ["SYN seq=1000", "SYN-ACK seq=5000 ack=1001", "ACK seq=1001 ack=5001"]);
  const states = await page.locator("#tcp-ladder .state").allTextContents();
  for (const s of ["CLOSED", "LISTEN", "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED"]) assert.ok(states.includes(s), `${s} in ${states}`);
  assert.equal(await page.locator("#tcp-states").textContent(), "Now: client ESTABLISHED, server ESTABLISHED.");

  // Relative numbers, as Wireshark shows them; the URL says so.
  await page.check("#tcp-rel");
  assert.deepEqual(await labels(page), segs.map((s) => `${s.flags.replace(", ", "-")} seq=${s.rel_seq}${s.flags.includes("ACK") ? ` ack=${s.rel_ack}` : ""}`));
  assert.deepEqual(await labels(page), ["SYN seq=0", "SYN-ACK seq=0 ack=1", "ACK seq=1 ack=1"]);
  await page.waitForFunction(() => location.hash.includes("seq=rel"));
  await page.uncheck("#tcp-rel");
  assert.deepEqual(errors, []);
  await page.close();
});

test("stepping back returns the previous state; stepping on brings it back; play runs to the end", async () => {
  const trace = wasm.tcpSimulate({ scenario: "handshake" });
  const n = trace.events.length;
  const { page, errors } = await openPlayground(browser.context, `${relay.url}&tool=tcp&scenario=handshake`);
  await ready(page);
  assert.match(await summary(page), new RegExp(`^Step ${n} of ${n}: `));
  // Back to the step that drew the SYN-ACK (the keyboard works the buttons).
  const synAck = trace.events.findIndex((e) => e.segment?.flags === "SYN, ACK") + 1;
  await page.focus("#tcp-back");
  for (let step = n; step > synAck; step--) await page.keyboard.press("Enter");
  assert.match(await summary(page), new RegExp(`^Step ${synAck} of ${n}: The server answers SYN-ACK: seq=5000 \\(its ISN\\), ack=1001\\.`));
  assert.equal(await page.locator("#tcp-ladder .seg").count(), 2);
  const at = trace.events[synAck - 1];
  assert.equal(await page.locator("#tcp-states").textContent(), `Now: client ${at.client.after}, server ${at.server.after}.`);
  assert.equal(await page.getAttribute(`#tcp-events li:nth-child(${synAck})`, "aria-current"), "step");
  await page.waitForFunction((s) => location.hash.includes(`step=${s}`), synAck);
  // One more back: only the SYN, the client in SYN-SENT.
  await page.click("#tcp-back");
  assert.equal(await page.locator("#tcp-ladder .seg").count(), 1);
  assert.equal(await page.locator("#tcp-states").textContent(), "Now: client SYN-SENT, server SYN-RECEIVED.");
  await page.click("#tcp-step");
  assert.equal(await page.locator("#tcp-ladder .seg").count(), 2);
  // The URL brings the step back.
  await page.waitForFunction((s) => location.hash.includes(`step=${s}&`) || location.hash.endsWith(`step=${s}`), synAck);
  const again = await openPlayground(browser.context, page.url());
  await ready(again.page);
  assert.equal(await again.page.locator("#tcp-ladder .seg").count(), 2);
  await again.page.close();
  // Start, then play at 4×: it runs to the end and stops.
  await page.click("#tcp-start");
  assert.equal(await page.locator("#tcp-ladder .seg").count(), 0);
  assert.match(await summary(page), /^Before anything happens/);
  await page.selectOption("#tcp-speed", "4");
  await page.click("#tcp-play");
  assert.equal(await page.getAttribute("#tcp-play", "aria-pressed"), "true");
  await page.waitForFunction((s) => document.querySelector("#tcp-summary")?.textContent?.startsWith(s), `Step ${n} of ${n}`, { timeout: 10_000 });
  await page.waitForFunction(() => document.querySelector("#tcp-play")?.getAttribute("aria-pressed") === "false");
  assert.equal(await page.locator("#tcp-ladder .seg").count(), 3);
  assert.deepEqual(errors, []);
  await page.close();
});

test("an arrow opens its frame in the four linked views; the TCP flags light bytes 46-47; the pcapng download is the trace's and tshark reads it", async () => {
  const trace = wasm.tcpSimulate({ scenario: "full" });
  const hello = trace.events.map((e) => e.segment).find((s) => s?.payload === "b'hello'");
  const { page, errors } = await openPlayground(browser.context, `${relay.url}&tool=tcp`);
  await ready(page);
  assert.equal(await page.locator("#tcp-ladder .seg").count(), trace.events.filter((e) => e.segment).length);
  // Keyboard: Tab to the arrow, Enter selects it.
  await page.focus(`#tcp-ladder .seg[data-number="${hello.number}"]`);
  await page.keyboard.press("Enter");
  assert.equal(await page.locator("#tcp-detail h4").textContent(), `Segment ${hello.number}: PSH-ACK`);
  assert.equal(await page.getAttribute(`#tcp-ladder .seg[data-number="${hello.number}"]`, "aria-pressed"), "true");
  // The four linked views of that segment's frame, with dissect's values.
  const view = "#tcp-frame-view";
  for (const pane of ["tree", "hex", "bits", "diagram"]) assert.ok(await page.isVisible(`${view}-${pane}`), pane);
  const d = wasm.dissect(new Uint8Array(Buffer.from(hello.frame, "hex")));
  assert.equal((await page.locator(`${view}-hex .b`).allTextContents()).join(""), hello.frame);
  assert.equal(await page.locator(`${view}-bits [data-bit]`).count(), hello.frame.length * 4);
  assert.deepEqual(await page.locator(`${view}-tree .fv-layer > summary strong`).allTextContents(), d.layers.map((l) => l.name));
  const tcp = d.layers.find((l) => l.protocol === "tcp");
  for (const name of ["tcp.seq_raw", "tcp.ack_raw", "tcp.flags", "tcp.window_size_value", "tcp.checksum"]) {
    const f = tcp.fields.find((x) => x.wireshark === name);
    assert.equal(await page.locator(`${view}-tree [data-ws="${name}"] .fv-value`).textContent(), f.display, name);
  }
  // Seed 000 §2: the server sends b'hello', from its ISN 5000 + 1; the options say who sends what.
  assert.equal(hello.from, "server");
  assert.equal(await page.locator('label[for="tcp-request"]').textContent(), "Server sends first (seed 000 §2)");
  assert.equal(await page.locator('label[for="tcp-reply"]').textContent(), "Client answers");
  assert.equal(await page.locator(`${view}-tree [data-ws="tcp.seq_raw"] .fv-value`).textContent(), "5001");
  // The call that sent it stands beside the server's line.
  assert.equal(await page.getAttribute(`#tcp-ladder .row[data-step="${trace.events.findIndex((e) => e.segment?.number === hello.number) + 1}"] .note-send`, "data-call"), "conn.send(b'hello')");
  assert.match(await page.locator("#tcp-detail").textContent(), /b'hello'/);
  await page.waitForFunction((n) => location.hash.includes(`sel=${n}`), hello.number);
  // The TCP flags, selected in the tree, light bytes 46-47 in the hex (where tshark's PDML
  // puts tcp.flags, see browser_packets) and their 12 bits, as dissect places them.
  const flags = tcp.fields.find((x) => x.wireshark === "tcp.flags");
  assert.deepEqual([flags.offset, flags.bit_offset, flags.bits], [46, 372, 12]);
  await page.click(`${view}-tree [data-ws="tcp.flags"]`);
  assert.equal(await page.getAttribute(`${view}-tree [data-ws="tcp.flags"]`, "aria-pressed"), "true");
  const lit = (p, sel, attr) => p.locator(sel).evaluateAll((els, a) => els.map((e) => Number(e.getAttribute(a))), attr);
  assert.deepEqual(await lit(page, `${view}-hex .b.sel`, "data-byte"), [46, 47]);
  assert.deepEqual(await lit(page, `${view}-bits .sel[data-bit]`, "data-bit"), Array.from({ length: 12 }, (_, i) => 372 + i));
  assert.ok((await page.locator(`${view}-diagram .sel`).count()) > 0, "the diagram lights the flags too");
  assert.match(await page.locator(`${view}-detail`).textContent(), new RegExp(`TCP › Flags = ${flags.display.replace(/[()]/g, "\\$&")}.*bytes 46–47, bits 372–383`));
  const key = await page.getAttribute(`${view}-tree [data-ws="tcp.flags"]`, "data-key");
  await page.waitForFunction((k) => new URLSearchParams(location.hash.slice(1)).get("tfield") === k, key);
  // Another arrow keeps the flags lit in its own frame; stepping leaves them as they are.
  const fin = trace.events.map((e) => e.segment).find((s) => s?.flags.includes("FIN"));
  await page.click(`#tcp-ladder .seg[data-number="${fin.number}"]`);
  assert.equal(await page.locator("#tcp-detail h4").textContent(), `Segment ${fin.number}: FIN-ACK`);
  assert.match(await page.locator(`${view}-detail`).textContent(), /TCP › Flags = 0x011 \(FIN, ACK\)/);
  assert.deepEqual(await lit(page, `${view}-hex .b.sel`, "data-byte"), [46, 47]);
  await page.click(`#tcp-ladder .seg[data-number="${hello.number}"]`);
  // The URL reopens the segment with its field selected.
  await page.waitForFunction((n) => location.hash.includes(`sel=${n}`), hello.number);
  const again = await openPlayground(browser.context, page.url());
  await again.page.waitForSelector(`${view}-tree [data-ws="tcp.flags"][aria-pressed="true"]`);
  assert.deepEqual(await lit(again.page, `${view}-hex .b.sel`, "data-byte"), [46, 47]);
  await again.page.close();
  await screenshot(page, "tcp");

  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#tcp-download")]);
  assert.equal(download.suggestedFilename(), "tcp-full.pcapng");
  const file = await download.path();
  assert.deepEqual(readFileSync(file), Buffer.from(trace.pcapng, "hex"));
  const r = spawnSync("/usr/bin/tshark", ["-r", file, "-o", "tcp.check_checksum:TRUE", "-T", "fields", "-e", "tcp.flags.str", "-e", "tcp.checksum.status"], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const rows = r.stdout.trim().split("\n").map((l) => l.split("\t"));
  assert.equal(rows.length, trace.events.filter((e) => e.segment).length);
  assert.ok(rows.every(([, status]) => status === "1"), "good checksums");
  // In the request-and-answer scenarios the client asks.
  await page.selectOption("#tcp-scenario", "data");
  assert.equal(await page.locator('label[for="tcp-request"]').textContent(), "Client sends");
  assert.equal(await page.locator('label[for="tcp-reply"]').textContent(), "Server answers");
  assert.deepEqual(errors, []);
  await page.close();
});

test("every scenario draws; in 简体中文 too; it fits a phone", async () => {
  const { page, errors } = await openPlayground(browser.context, `${relay.url}&tool=tcp`);
  await ready(page);
  for (const scenario of ["handshake", "data", "full", "close", "simultaneous_close", "refused", "retransmission"]) {
    await page.selectOption("#tcp-scenario", scenario);
    const trace = wasm.tcpSimulate({ scenario });
    const flags = trace.events.filter((e) => e.segment).map((e) => e.segment.flags);
    assert.deepEqual(await page.locator("#tcp-ladder .seg").evaluateAll((els) => els.map((e) => e.dataset.flags)), flags, scenario);
    assert.equal(await page.locator("#tcp-events li").count(), trace.events.length, scenario);
  }
  // Each end's states follow RFC 9293's figures: the normal close (figure 12) and the simultaneous one (figure 13).
  const column = (side) => page.locator(`#tcp-ladder .state[data-side=${side}]`).allTextContents();
  await page.selectOption("#tcp-scenario", "full");
  assert.deepEqual(await column("client"), ["CLOSED", "SYN-SENT", "ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2", "TIME-WAIT", "CLOSED"]);
  assert.deepEqual(await column("server"), ["LISTEN", "SYN-RECEIVED", "ESTABLISHED", "CLOSE-WAIT", "LAST-ACK", "CLOSED"]);
  await page.selectOption("#tcp-scenario", "simultaneous_close");
  for (const side of ["client", "server"]) {
    assert.deepEqual((await column(side)).slice(-5), ["ESTABLISHED", "FIN-WAIT-1", "CLOSING", "TIME-WAIT", "CLOSED"], side);
  }
  await page.selectOption("#tcp-scenario", "retransmission");
  // The lost segment stops half-way; the retransmission is marked.
  assert.equal(await page.locator("#tcp-ladder .seg.lost").count(), 1);
  assert.equal(await page.locator("#tcp-ladder .seg.retrans").count(), 1);
  await page.selectOption("#lang", "zh");
  await ready(page);
  assert.equal(await page.locator("#tab-tcp").textContent(), "TCP 时序图");
  assert.equal(await page.inputValue("#tcp-scenario"), "retransmission");
  assert.match(await summary(page), /^第 \d+ 步/);
  await page.selectOption("#lang", "en");
  // With a segment's frame open in the four views, too.
  await page.click('#tcp-ladder .seg[data-number="1"]');
  await page.setViewportSize({ width: 360, height: 740 });
  assert.ok(await page.isVisible("#tcp-frame-view-hex"));
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `tcp is ${width} px wide`);
  assert.deepEqual(errors, []);
  await page.close();
});

test("options: an ISN that wraps past 2^32, a lost SYN-ACK, other data; bad input is an error on its input", async () => {
  const { page, errors } = await openPlayground(browser.context, `${relay.url}&tool=tcp&scenario=handshake&cisn=4294967295`);
  await ready(page);
  assert.equal(await page.inputValue("#tcp-cisn"), "4294967295");
  // seq 2^32 - 1, so the ACK's seq and the SYN-ACK's ack wrap to 0; relative, they are 0 and 1 as ever.
  assert.deepEqual(await labels(page), ["SYN seq=4294967295", "SYN-ACK seq=5000 ack=0", "ACK seq=0 ack=5001"]);
  await page.check("#tcp-rel");
  assert.deepEqual(await labels(page), ["SYN seq=0", "SYN-ACK seq=0 ack=1", "ACK seq=1 ack=1"]);
  await page.uncheck("#tcp-rel");

  await page.click(".tcp-options > summary");
  await page.fill("#tcp-loss", "2");
  const spec = { scenario: "handshake", client: { isn: 4294967295 }, loss: [2] };
  const flags = wasm.tcpSimulate(spec).events.filter((e) => e.segment).map((e) => e.segment.flags);
  assert.deepEqual(await page.locator("#tcp-ladder .seg").evaluateAll((els) => els.map((e) => e.dataset.flags)), flags);
  // The lost SYN-ACK is sent again when the server's timer expires (the client's repeated SYN,
  // outside the window by then, gets a bare ACK, as RFC 9293 §3.10.7.4 says).
  assert.equal(flags.filter((f) => f === "SYN, ACK").length, 2, "the server retransmits its SYN-ACK");
  assert.equal(await page.locator("#tcp-ladder .seg.retrans").count(), 2, "and the client its SYN");
  assert.equal(await page.locator("#tcp-ladder .seg.lost").count(), 1);
  await page.waitForFunction(() => location.hash.includes("loss=2"));

  await page.fill("#tcp-loss", "0");
  assert.equal(await page.locator("#tcp-error").textContent(), "loss lists segment 0; segments are numbered from 1, in the order they are sent");
  assert.equal(await page.getAttribute("#tcp-loss", "aria-invalid"), "true");
  await page.fill("#tcp-loss", "");
  await page.fill("#tcp-sisn", "x");
  assert.match(await page.locator("#tcp-summary").textContent(), /^Error: an ISN is a 32-bit number/);
  assert.equal(await page.getAttribute("#tcp-sisn", "aria-invalid"), "true");
  // Only the input at fault is marked, not its neighbour.
  assert.equal(await page.getAttribute("#tcp-cisn", "aria-invalid"), null);
  await page.fill("#tcp-sisn", "5000");
  assert.equal(await page.getAttribute("#tcp-sisn", "aria-invalid"), null);
  await page.evaluate(() => {
    const r = /** @type {HTMLInputElement} */ (document.querySelector("#tcp-request"));
    r.value = "x".repeat(100_000);
    r.dispatchEvent(new Event("input", { bubbles: true }));
  });
  await page.waitForFunction(() => document.querySelector("#tcp-request")?.getAttribute("aria-invalid") === "true");
  assert.equal(await page.getAttribute("#tcp-reply", "aria-invalid"), null);
  assert.equal(await page.getAttribute("#tcp-cisn", "aria-invalid"), null);
  await page.fill("#tcp-request", "hello");
  // A segment this run never sends is no error, but it is said.
  await page.fill("#tcp-loss", "99");
  await page.waitForSelector("#tcp-loss-note:not([hidden])");
  assert.match(await page.locator("#tcp-loss-note").textContent(), /segment 99 is never sent/);
  await page.fill("#tcp-loss", "");
  assert.equal(await page.isHidden("#tcp-loss-note"), true);

  // Other data: the segment carries it, and its length.
  await page.selectOption("#tcp-scenario", "data");
  await page.fill("#tcp-request", "hello, world");
  assert.match((await labels(page))[3], /^PSH-ACK seq=0 ack=5001 len=12$/);
  assert.deepEqual(errors, []);
  await page.close();
});

test("简体中文: every segment of every scenario is explained in Chinese, and no English (英文) box is left", async () => {
  const { page, errors } = await openPlayground(browser.context, `${relay.url}&tool=tcp`);
  await ready(page);
  await page.selectOption("#lang", "zh");
  await ready(page);
  for (const scenario of ["full", "handshake", "data", "close", "simultaneous_close", "refused", "retransmission"]) {
    await page.selectOption("#tcp-scenario", scenario);
    const trace = wasm.tcpSimulate({ scenario });
    assert.equal(await page.locator("#tcp-events li").count(), trace.events.length, scenario);
    for (const [i, e] of trace.events.entries()) {
      if (!e.segment) continue;
      await page.locator("#tcp-events li button").nth(i).click();
      assert.match(await page.textContent("#tcp-detail-title"), new RegExp(`^报文段 ${e.segment.number}：`));
      const note = page.locator('#tcp-detail p[lang="zh-CN"]');
      assert.equal(await note.count(), 1, `${scenario} segment ${e.segment.number}`);
      assert.equal(await note.textContent(), simExplanation(e.explanation), `${scenario} segment ${e.segment.number}`);
      assert.match(await note.textContent(), /[\u4e00-\u9fff]/);
      assert.equal(await page.locator("#panel-tcp details.core-note").count(), 0, `${scenario} segment ${e.segment.number}: ${e.explanation}`);
    }
  }
  assert.doesNotMatch(await page.locator("#panel-tcp").textContent(), /（英文）/);
  // In English the core's sentence is shown as it is.
  await page.selectOption("#lang", "en");
  await ready(page);
  const trace = wasm.tcpSimulate({ scenario: "retransmission" });
  const first = trace.events.findIndex((e) => e.segment);
  await page.locator("#tcp-events li button").nth(first).click();
  assert.equal(await page.locator('#tcp-detail p[lang="en"]').textContent(), trace.events[first].explanation);
  assert.deepEqual(errors, []);
  await page.close();
});
