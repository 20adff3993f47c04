// The LAN simulation: stepping through seed 000's network shows A's ARP
// request to ff:ff:ff:ff:ff:ff, then switch S1's table gaining A's MAC (and
// losing it again one step back), and the router's hop with what it changed
// (MACs, TTL, checksum), all as lanSimulate says; each step's frame opens in
// the four linked views with dissect's values, a field lighting its bytes; the wrong-mask variant,
// chosen or typed, fails at A with ping's message; the pcapng download is
// the trace's and tshark reads it; the URL carries the state; it fits a phone;
// in 简体中文 every step's explanation is Chinese, no English box left.
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

const ready = (page) => page.waitForSelector("#panel-lan:not([hidden]) .summary:not(:empty)");
const summary = (page) => page.locator("#lan-summary").textContent();
const value = (page, name) => page.locator(`#lan-frame-view-tree [data-ws="${name}"] .fv-value`).textContent();
const rows = (page, id) => page.locator(`#${id} tbody tr`).evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));

test("A's ARP request goes to ff:ff:ff:ff:ff:ff; S1's table gains A's MAC; back takes it away", async () => {
  const trace = wasm.lanSimulate();
  const arpAt = trace.events.findIndex((e) => e.key === "lan.send.arp_request") + 1;
  const learnAt = trace.events.findIndex((e) => e.node === "S1") + 1;
  assert.equal(learnAt, arpAt + 1);
  const { page, errors } = await openPlayground(browser.context, `${relay.url}&tool=lan&step=0`);
  await ready(page);
  assert.match(await summary(page), /^A is about to send to 192\.168\.13\.1/);
  assert.deepEqual(await rows(page, "lan-mac-S1"), [["(empty)"]]);
  for (let i = 0; i < arpAt; i++) await page.click("#lan-step");
  assert.match(await summary(page), new RegExp(`^Step ${arpAt} of ${trace.events.length}: A broadcasts an ARP request to ff:ff:ff:ff:ff:ff: who has 192\\.168\\.12\\.254\\?`));
  assert.equal(await page.getAttribute("#lan-frame", "data-dst"), "ff:ff:ff:ff:ff:ff");
  assert.equal(await page.locator("#lan-frame-macs").textContent(), "Ethernet: 02:00:00:00:00:0a → ff:ff:ff:ff:ff:ff");
  // The frame opens in the four linked views, with dissect's values.
  const arp = trace.frames[trace.events[arpAt - 1].frame];
  const d = wasm.dissect(new Uint8Array(Buffer.from(arp.bytes, "hex")));
  for (const pane of ["tree", "hex", "bits", "diagram"]) assert.ok(await page.isVisible(`#lan-frame-view-${pane}`), pane);
  assert.equal((await page.locator("#lan-frame-view-hex .b").allTextContents()).join(""), arp.bytes);
  for (const name of ["eth.dst", "eth.src", "arp.opcode", "arp.src.proto_ipv4", "arp.dst.proto_ipv4"]) {
    const f = d.layers.flatMap((l) => l.fields).find((x) => x.wireshark === name);
    assert.equal(await value(page, name), f.display, name);
  }
  assert.equal(await value(page, "eth.dst"), "ff:ff:ff:ff:ff:ff");
  assert.equal(await value(page, "arp.opcode"), "1 (request)");
  // The target's address, selected, lights its 4 bytes (38-41) in the hex, as dissect places it.
  const target = d.layers[1].fields.find((x) => x.wireshark === "arp.dst.proto_ipv4");
  assert.equal(target.offset, 38);
  await page.click('#lan-frame-view-tree [data-ws="arp.dst.proto_ipv4"]');
  assert.deepEqual(await page.locator("#lan-frame-view-hex .b.sel").evaluateAll((els) => els.map((e) => Number(e.dataset.byte))), [38, 39, 40, 41]);
  const key = await page.getAttribute('#lan-frame-view-tree [data-ws="arp.dst.proto_ipv4"]', "data-key");
  await page.waitForFunction((k) => new URLSearchParams(location.hash.slice(1)).get("lfield") === k, key);
  assert.equal(await page.getAttribute('#lan-topology [data-cable="A"]', "class"), "cable lit lit-arp");
  assert.deepEqual(await rows(page, "lan-mac-S1"), [["(empty)"]]);

  // S1 learns A's MAC on port 1 and floods to C and R.
  await page.click("#lan-step");
  const learned = trace.events[learnAt - 1];
  assert.deepEqual(await rows(page, "lan-mac-S1"), learned.table.map((e) => [e.mac, String(e.port)]));
  assert.deepEqual(await rows(page, "lan-mac-S1"), [["02:00:00:00:00:0a", "1"]]);
  assert.equal(await page.locator("#lan-mac-S1 tr.new td").first().textContent(), "02:00:00:00:00:0a");
  const lit = await page.locator("#lan-topology .cable.lit").evaluateAll((els) => els.map((e) => e.dataset.cable));
  assert.deepEqual(lit, ["A", "C", "R:eth0"]);
  // A switch that knows the sender already says so instead of learning it again.
  const known = trace.events.findIndex((e) => e.kind === "switch" && e.learned === null);
  assert.ok(trace.events[known].explanation.includes("already knows"));
  assert.match(await page.locator(`#lan-events li:nth-child(${known + 1})`).textContent(), /S1 already knows 02:00:00:00:00:0a; it forwards to port 3, where 02:00:00:00:01:01 is\./);
  await page.waitForFunction((s) => location.hash.includes(`step=${s}`), learnAt);

  // Back: the table is empty again.
  await page.focus("#lan-back");
  await page.keyboard.press("Enter");
  assert.deepEqual(await rows(page, "lan-mac-S1"), [["(empty)"]]);
  assert.match(await summary(page), new RegExp(`^Step ${arpAt} of`));
  assert.deepEqual(errors, []);
  await page.close();
});

test("the router's hop: new MACs, TTL 64 → 63, a new checksum, as lanSimulate says; ping is answered", async () => {
  const trace = wasm.lanSimulate();
  const hop = trace.events.findIndex((e) => e.key === "lan.send.forward");
  const frame = trace.frames[trace.events[hop].frame];
  const { page, errors } = await openPlayground(browser.context, `${relay.url}&tool=lan`);
  await ready(page);
  assert.match(await page.locator("#lan-outcome").textContent(), /Delivered and answered: 13 bytes from 192\.168\.13\.1: icmp_seq=1 ttl=63/);
  // Packet Tracer's event list: click the hop.
  await page.click(`#lan-events li:nth-child(${hop + 1}) button`);
  assert.equal(await page.getAttribute(`#lan-events li:nth-child(${hop + 1})`, "aria-current"), "step");
  assert.deepEqual(await rows(page, "lan-changes"), frame.changes.map((c) => [c.field, c.before, c.after]));
  const ttl = frame.changes.find((c) => c.field === "TTL");
  assert.deepEqual([ttl.before, ttl.after], ["64", "63"]);
  assert.deepEqual(await page.locator("#lan-changes tbody th").allTextContents(), ["source MAC", "destination MAC", "TTL", "IPv4 header checksum"]);
  assert.equal(await value(page, "ip.ttl"), "63");
  // The IPv4 checksum the router rewrote, selected: bytes 24-25 of the new frame, marked good.
  await page.click('#lan-frame-view-tree [data-ws="ip.checksum"]');
  assert.deepEqual(await page.locator("#lan-frame-view-hex .b.sel").evaluateAll((els) => els.map((e) => Number(e.dataset.byte))), [24, 25]);
  const sum = wasm.dissect(new Uint8Array(Buffer.from(frame.bytes, "hex"))).layers[1].fields.find((x) => x.wireshark === "ip.checksum");
  assert.equal(await value(page, "ip.checksum"), sum.display);
  assert.equal(sum.display, `${frame.changes.find((c) => c.field === "IPv4 header checksum").after} [correct]`);
  assert.equal(await page.locator('#lan-frame-view-tree [data-ws="ip.checksum"] .badge.good').count(), 1);
  // R's ARP cache holds A and B by now.
  assert.deepEqual((await rows(page, "lan-arp-R")).map((r) => r[0]), ["192.168.12.1", "192.168.13.1"]);
  await screenshot(page, "lan");
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#lan-download")]);
  assert.equal(download.suggestedFilename(), "lan-normal.pcapng");
  const file = await download.path();
  assert.deepEqual(readFileSync(file), Buffer.from(trace.pcapng, "hex"));
  const r = spawnSync("/usr/bin/tshark", ["-r", file, "-T", "fields", "-e", "eth.dst", "-e", "ip.ttl"], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split("\n").map((l) => l.split("\t"));
  assert.deepEqual(lines.map(([dst]) => dst), trace.frames.map((f) => f.eth.dst));
  assert.equal(lines[0][0], "ff:ff:ff:ff:ff:ff");
  assert.deepEqual(errors, []);
  await page.close();
});

test("the wrong mask fails at A: it ARPs for B, nobody answers; typed into A's mask, the same", async () => {
  const trace = wasm.lanSimulate({ variant: "wrong_mask" });
  const { page, errors } = await openPlayground(browser.context, `${relay.url}&tool=lan&variant=wrong_mask`);
  await ready(page);
  assert.equal(await page.getAttribute("#lan-failure", "data-node"), "A");
  const failed = trace.events.find((e) => e.key === "lan.arp.failed");
  assert.equal(
    await page.locator("#lan-failure").textContent(),
    `Fails at A, step ${failed.step}: A got no ARP answer for 192.168.13.1 after 3 tries: Destination Host Unreachable.`,
  );
  assert.match(await page.locator("#lan-outcome").textContent(), /The sender sees: From 192\.168\.12\.1 icmp_seq=1 Destination Host Unreachable/);
  assert.match(await page.locator("#lan-outcome").textContent(), /255\.255\.0\.0/);
  assert.equal(await page.locator("#lan-events li.failure").count(), 1);
  assert.match(await page.locator('#lan-topology [data-node="A"]').textContent(), /192\.168\.12\.1\/16/);
  // The first step is where it goes wrong: the AND says "same network".
  await page.click("#lan-events li:nth-child(1) button");
  assert.match(await summary(page), /192\.168\.13\.1 is on its own network: deliver directly/);

  // The same by hand: the normal variant, A's mask typed as 255.255.0.0.
  const typed = await openPlayground(browser.context, `${relay.url}&tool=lan`);
  await ready(typed.page);
  await typed.page.click(".lan-edit > summary");
  await typed.page.fill("#lan-a_mask", "255.255.0.0");
  assert.equal(await typed.page.getAttribute("#lan-failure", "data-node"), "A");
  assert.match(await typed.page.locator("#lan-outcome").textContent(), /Destination Host Unreachable/);
  await typed.page.waitForFunction(() => location.hash.includes("a_mask=255.255.0.0"));
  // A mask that is no mask is an error on its input, in the core's words.
  await typed.page.fill("#lan-a_mask", "255.0.255.0");
  assert.equal(await typed.page.locator("#lan-error").textContent(), "A: mask '255.0.255.0': mask 255.0.255.0 is not contiguous");
  assert.equal(await typed.page.getAttribute("#lan-a_mask", "aria-invalid"), "true");
  await typed.page.fill("#lan-a_mask", "255.255.255.0");
  assert.equal(await typed.page.getAttribute("#lan-a_mask", "aria-invalid"), null);
  assert.match(await typed.page.locator("#lan-outcome").textContent(), /Delivered and answered/);
  assert.deepEqual(typed.errors, []);
  await typed.page.close();
  assert.deepEqual(errors, []);
  await page.close();
});

test("each variant shows where it fails; Send plays from the start; 简体中文; it fits a phone", async () => {
  const { page, errors } = await openPlayground(browser.context, `${relay.url}&tool=lan`);
  await ready(page);
  const where = { no_gateway: "A", ttl_1: "R", unknown_network: "R" };
  for (const [variant, node] of Object.entries(where)) {
    await page.selectOption("#lan-variant", variant);
    const trace = wasm.lanSimulate({ variant });
    assert.equal(await page.getAttribute("#lan-failure", "data-node"), node, variant);
    assert.match(await page.locator("#lan-outcome").textContent(), new RegExp(trace.outcome.output.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")), variant);
    assert.equal(await page.locator("#lan-events li").count(), trace.events.length, variant);
  }
  await page.selectOption("#lan-variant", "normal");
  await page.selectOption("#lan-speed", "4");
  await page.click("#lan-send");
  assert.equal(await page.getAttribute("#lan-play", "aria-pressed"), "true");
  await page.click("#lan-play");
  assert.equal(await page.getAttribute("#lan-play", "aria-pressed"), "false");
  assert.match(await summary(page), /^Step [1-9] of/);
  await page.selectOption("#lang", "zh");
  await ready(page);
  assert.equal(await page.locator("#tab-lan").textContent(), "局域网模拟");
  assert.match(await summary(page), /^第 [1-9] 步/);
  await page.selectOption("#lang", "en");
  assert.equal(await page.getAttribute("#lan-topology svg", "data-layout"), "wide");
  await page.setViewportSize({ width: 360, height: 740 });
  // On a phone the topology stands top to bottom, so its text stays legible.
  await page.waitForSelector('#lan-topology svg[data-layout="narrow"]');
  await page.click('#lan-events li[data-key="lan.send.forward"] button');
  assert.ok(await page.isVisible("#lan-frame-view-hex"), "the step's frame is open in the four views");
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `lan is ${width} px wide`);
  assert.deepEqual(errors, []);
  await page.close();
});

test("every failure says why in words that name it: no gateway, a gateway off the network, an address nobody has; 简体中文 too", async () => {
  const { page, errors } = await openPlayground(browser.context, `${relay.url}&tool=lan&variant=no_gateway`);
  await ready(page);
  const events = () => page.locator("#lan-events li").allTextContents();
  const why = () => page.locator("#lan-why").textContent();
  // No gateway: the decision names none (it said "send to the gateway .").
  const first = (await events())[0];
  assert.match(first, /is on another network, so the packet must go through a gateway\./);
  assert.doesNotMatch(first, / \.|\{/);
  assert.match(await why(), /A has no gateway to send it to/);
  // A gateway off A's network, typed: the reason names it.
  await page.selectOption("#lan-variant", "normal");
  await page.click(".lan-edit > summary");
  await page.fill("#lan-a_gw", "192.168.13.254");
  await page.waitForFunction(() => document.querySelector("#lan-failure")?.getAttribute("data-node") === "A");
  assert.match(await why(), /192\.168\.13\.254 is not, so there is no route/);
  // Host C as A's gateway: it drops what is not for it.
  await page.fill("#lan-a_gw", "192.168.12.2");
  await page.waitForFunction(() => /a host, not a router/.test(document.querySelector("#lan-why")?.textContent ?? ""));
  assert.match(await why(), /^Why: the packet for 192\.168\.13\.1 reached C, a host, not a router: C is the gateway 192\.168\.12\.2 the sender was given/);
  // B's address nobody has, typed: ARP is never answered.
  await page.fill("#lan-a_gw", "192.168.12.254");
  await page.fill("#lan-to", "192.168.13.77");
  await page.waitForFunction(() => /192\.168\.13\.77/.test(document.querySelector("#lan-why")?.textContent ?? ""));
  assert.match(await why(), /no one answered R's ARP request for 192\.168\.13\.77/);
  await page.selectOption("#lang", "zh");
  await ready(page);
  assert.match(await why(), /没人回答 R 问 192\.168\.13\.77 的 ARP 请求/);
  for (const line of await events()) assert.doesNotMatch(line, /\{\w+\}/, line);
  assert.deepEqual(errors, []);
  await page.close();
});

test("简体中文: every step of every variant explains itself in Chinese, and no English (英文) box is left", async () => {
  const { page, errors } = await openPlayground(browser.context, `${relay.url}&tool=lan`);
  await ready(page);
  await page.selectOption("#lang", "zh");
  await ready(page);
  for (const variant of ["normal", "wrong_mask", "no_gateway", "ttl_1", "unknown_network"]) {
    await page.selectOption("#lan-variant", variant);
    const trace = wasm.lanSimulate({ variant });
    assert.equal(await page.locator("#lan-events li").count(), trace.events.length, variant);
    for (const [i, e] of trace.events.entries()) {
      await page.locator("#lan-events li button").nth(i).click();
      const note = page.locator('#lan-detail p[lang="zh-CN"]');
      assert.equal(await note.count(), 1, `${variant} step ${i + 1}`);
      assert.equal(await note.textContent(), simExplanation(e.explanation), `${variant} step ${i + 1}`);
      assert.match(await note.textContent(), /[\u4e00-\u9fff]/);
      assert.equal(await page.locator("#panel-lan details.core-note").count(), 0, `${variant} step ${i + 1}: ${e.explanation}`);
    }
  }
  assert.doesNotMatch(await page.locator("#panel-lan").textContent(), /（英文）/);
  // In English the core's sentence is shown as it is.
  await page.selectOption("#lang", "en");
  await ready(page);
  await page.locator("#lan-events li button").first().click();
  const trace = wasm.lanSimulate({ variant: "unknown_network" });
  assert.equal(await page.locator('#lan-detail p[lang="en"]').textContent(), trace.events[0].explanation);
  assert.deepEqual(errors, []);
  await page.close();
});
