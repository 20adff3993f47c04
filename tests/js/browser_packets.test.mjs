// The encapsulation stepper, the four linked frame views and the dissector,
// in Chromium against a real relay: a client's sk.send(b'hello') in 5
// steps of 5 + 20 + 20 + 14 bytes (+ 13 on the wire) as `encapsulate`
// says; the TCP flags selected in the tree light bytes 46-47, where
// tshark's PDML puts tcp.flags; the downloaded pcap and pcapng are read by
// tshark with good checksums (and the lesson note as frame.comment); the
// dissector takes every pasted hex form, shows truncation and bad
// checksums where they occur (as tshark judges them), opens pcapng files;
// the URL carries the state; axe finds nothing serious; phones fit.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ROOT, loadWasm, startRelay, launchChromium, openPlayground, screenshot, framedExchange, udpChat } from "./helpers.mjs";
import { NAMES_ZH } from "../../web/i18n-fields.js";

const AXE = path.join(ROOT, "node_modules/axe-core/axe.min.js");
const SEED = { proto: "tcp", src: "192.168.12.1", dst: "192.168.13.1", src_port: 53000, dst_port: 9000, payload: "hello" };
/** The checksum checks tshark leaves off by default. */
const CHECKS = ["-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE"];

let relay, browser, wasm, dir;

before(async () => {
  wasm = await loadWasm();
  relay = await startRelay();
  browser = await launchChromium({ acceptDownloads: true });
  dir = mkdtempSync(path.join(tmpdir(), "netlab-packets-"));
});

after(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (relay) assert.equal(await relay.stop(), 0, "relay exits 0 on SIGTERM");
});

/** Runs tshark; returns its standard output. */
function tshark(...args) {
  const r = spawnSync("/usr/bin/tshark", args, { encoding: "utf8" });
  assert.equal(r.status, 0, `tshark ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

/** The attributes of every PDML <field> called `name`, packet by packet. */
function pdmlFields(file, name) {
  const pdml = tshark("-r", file, ...CHECKS, "-T", "pdml");
  return pdml.split("<packet>").slice(1).map((packet) =>
    [...packet.matchAll(new RegExp(`<field name="${name.replace(/\./g, "\\.")}"([^>]*)>`, "g"))].map(([, attrs]) =>
      Object.fromEntries([...attrs.matchAll(/(\w+)="([^"]*)"/g)].map(([, k, v]) => [k, v])),
    ),
  );
}

/** Clicks a download button; resolves to the saved file's path. */
async function downloaded(page, selector, name) {
  const [download] = await Promise.all([page.waitForEvent("download"), page.click(selector)]);
  const file = path.join(dir, name);
  await download.saveAs(file);
  return file;
}

const fragment = (page) => new URLSearchParams(new URL(page.url()).hash.slice(1));
const texts = (page, selector) => page.locator(selector).allTextContents();
const numbers = async (page, selector, attr) => (await page.locator(selector).evaluateAll((els, a) => els.map((e) => e.getAttribute(a)), attr)).map(Number);

/** axe's serious and critical violations, one line each. */
async function violations(page) {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ path: AXE });
  const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(" ")}: ${n.failureSummary}`));
}

test("the stepper follows sk.send(b'hello') down 5 steps: 5, 20, 20, 14 bytes, then 13 on the wire, as encapsulate says", async () => {
  const built = wasm.encapsulate(SEED);
  assert.deepEqual(built.layers.map((l) => l.length), [14, 20, 20, 5]);
  const { page, errors } = await openPlayground(browser.context, `${relay.url}&tool=encap`);
  await page.waitForSelector("#panel-encap:not([hidden]) .summary:not(:empty)");
  assert.equal(await page.getAttribute("#tab-encap", "aria-selected"), "true");
  assert.equal(await page.inputValue("#encap-sport"), "53000");
  // Five steps, each with the bytes the core says it adds.
  assert.equal(await page.locator("#encap-steps li").count(), 5);
  assert.deepEqual(
    await texts(page, "#encap-steps .size"),
    built.steps.map((s) => `${s.added_bytes} bytes`),
  );
  assert.deepEqual(await texts(page, "#encap-steps .size"), ["5 bytes", "20 bytes", "20 bytes", "14 bytes", "13 bytes"]);
  // The frame views hold the four headers: 14 + 20 + 20 + 5.
  const layers = await texts(page, "#encap-frame-view-tree details > summary");
  assert.deepEqual(layers.map((s) => s.match(/\((\d+) bytes\)$/)?.[1]), ["14", "20", "20", "5"]);
  assert.match(layers[2], /^TCP Src Port: 53000, Dst Port: 9000/);

  // Step by step: each wraps the one before; the summary and the bytes follow.
  assert.match(await page.locator("#encap-summary").textContent(), /^Step 1 of 5, 5 Application: the data is 5 bytes/);
  assert.match(await page.locator(".encap-facts .note").textContent(), /: sk\.send\(b'hello'\)\. /);
  // The step names the call that sends what was typed, not the seed's always.
  await page.fill("#encap-payload", "abc");
  await page.waitForFunction(() => /sk\.send\(b'abc'\)/.test(document.querySelector(".encap-facts .note")?.textContent ?? ""));
  await page.fill("#encap-payload", "hello");
  await page.waitForFunction(() => /sk\.send\(b'hello'\)/.test(document.querySelector(".encap-facts .note")?.textContent ?? ""));
  assert.equal(await page.isDisabled("#encap-back"), true);
  for (let k = 2; k <= 5; k++) {
    await page.click("#encap-next");
    const s = built.steps[k - 1];
    const said = k < 5 ? `the ${s.pdu} is ${s.total_bytes} bytes; this step adds ${s.added_bytes} bytes \\(${s.share_percent} %` : `72 bytes, 576 bits, go on the wire; this step adds 13 bytes \\(${s.share_percent} %`;
    assert.match(await page.locator("#encap-summary").textContent(), new RegExp(`^Step ${k} of 5, .*: ${said}`));
    assert.equal(await page.locator("#encap-unit .pdu").count(), k, `step ${k} nests ${k} units`);
    assert.equal(await page.getAttribute("#encap-unit .pdu.new", "data-step"), String(k - 1));
    if (k < 5) assert.equal((await page.locator("#encap-hex").textContent()).replace(/\s/g, ""), s.hex);
  }
  assert.equal(await page.isDisabled("#encap-next"), true);
  // The physical step: every bit as sent, and the Manchester signal.
  assert.equal((await texts(page, "#encap-wirebits .octet")).join(""), built.physical.bits);
  assert.equal(built.physical.bits.length, 72 * 8);
  assert.equal(await page.locator("#encap-physical svg.manchester").count(), 1);
  assert.match(await page.getAttribute("#encap-physical svg.manchester", "aria-label"), new RegExp(built.physical.bits.slice(0, 96)));
  await page.waitForFunction(() => new URLSearchParams(location.hash.slice(1)).get("step") === "5");
  // Back, and the keyboard on the step list.
  await page.click("#encap-back");
  assert.match(await page.locator("#encap-summary").textContent(), /^Step 4 of 5, 2 Data link: the frame is 59 bytes/);
  assert.match(await page.locator("#encap-facts").textContent(), /02:00:00:00:00:01 → 02:00:00:00:00:02/);
  await page.focus("#encap-steps [aria-current=step]");
  await page.keyboard.press("Home");
  assert.match(await page.locator("#encap-summary").textContent(), /^Step 1 of 5/);
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), "5 Application");
  await page.keyboard.press("ArrowRight");
  assert.match(await page.locator("#encap-summary").textContent(), /^Step 2 of 5, 4 Transport: the segment is 25 bytes/);

  // The three layer models: the seeds' 5 with seed 003's devices, OSI's 7, TCP/IP's 4.
  assert.equal(await page.locator("#encap-stack-table tbody tr").count(), 5);
  assert.match(await page.locator('#encap-stack-table tr[data-row="five2"]').textContent(), /MAC addresses.*ARP.*network cards, \(layer-2\) switches/);
  await page.check("#encap-model-osi");
  assert.equal(await page.locator("#encap-stack-table tbody tr").count(), 7);
  assert.deepEqual(await texts(page, "#encap-steps button"), ["7 Application + 6 Presentation + 5 Session", "4 Transport", "3 Network", "2 Data link", "1 Physical"]);
  await page.check("#encap-model-tcpip");
  assert.equal(await page.locator("#encap-stack-table tbody tr").count(), 4);
  assert.deepEqual(await texts(page, "#encap-steps button"), ["Application", "Transport", "Internet", "Link (network access)", "Link (network access)"]);
  await page.waitForFunction(() => new URLSearchParams(location.hash.slice(1)).get("model") === "tcpip");
  assert.deepEqual(errors, []);
  await page.close();
});

test("selecting the TCP flags lights bytes 46-47, where tshark's PDML puts tcp.flags; the pcap has good checksums", async () => {
  const { page, errors } = await openPlayground(browser.context, `${relay.url}&tool=encap&step=4`);
  await page.waitForSelector("#panel-encap:not([hidden]) .summary:not(:empty)");
  await page.click('#encap-frame-view-tree [data-ws="tcp.flags"]');
  assert.equal(await page.getAttribute('#encap-frame-view-tree [data-ws="tcp.flags"]', "aria-pressed"), "true");
  const hexBytes = await numbers(page, "#encap-frame-view-hex .b.sel", "data-byte");
  assert.deepEqual(hexBytes, [46, 47]);
  assert.deepEqual(await numbers(page, "#encap-frame-view-hex .a.sel", "data-byte"), [46, 47]);
  // Down to the bit: 12 bits from bit 372 (after the 4-bit header length).
  const bits = await numbers(page, "#encap-frame-view-bits .bit.sel", "data-bit");
  assert.deepEqual(bits, Array.from({ length: 12 }, (_, i) => 372 + i));
  assert.ok((await page.locator("#encap-frame-view-diagram .cell.sel").count()) >= 10, "each flag's cell in the diagram");
  assert.match(await page.locator("#encap-frame-view-detail").textContent(), /TCP › Flags = 0x018 \(PSH, ACK\).*bytes 46–47, bits 372–383/);
  // One flag alone: the SYN bit is bit 382 only, in byte 47.
  await page.hover('#encap-frame-view-tree [data-ws="tcp.flags.syn"]');
  assert.deepEqual(await numbers(page, "#encap-frame-view-bits .bit.hov", "data-bit"), [382]);
  assert.deepEqual(await numbers(page, "#encap-frame-view-hex .b.hov", "data-byte"), [47]);
  // IPv4's Don't Fragment and fragment offset, hovered in the bits view.
  await page.hover('#encap-frame-view-bits [data-bit="161"]');
  assert.match(await page.locator("#encap-frame-view-detail").textContent(), /IPv4 › Don't fragment = Set/);
  assert.equal(await page.locator('#encap-frame-view-tree [data-ws="ip.flags.df"].hov').count(), 1);
  await page.hover('#encap-frame-view-diagram [data-key][title^="Fragment Offset"]');
  assert.deepEqual(await numbers(page, "#encap-frame-view-bits .bit.hov", "data-bit"), Array.from({ length: 13 }, (_, i) => 163 + i));
  // The keyboard: arrows move through the tree, focus lights the field, Enter selects it.
  await page.hover('#encap-frame-view-tree [data-ws="tcp.flags"]');
  await page.focus('#encap-frame-view-tree [data-ws="tcp.flags"]');
  await page.keyboard.press("ArrowDown");
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("data-ws")), "tcp.flags.res");
  assert.deepEqual(await numbers(page, "#encap-frame-view-bits .bit.hov", "data-bit"), [372, 373, 374]);
  await page.keyboard.press("Enter");
  assert.equal(await page.getAttribute('#encap-frame-view-tree [data-ws="tcp.flags.res"]', "aria-pressed"), "true");
  await page.keyboard.press("ArrowUp");
  await page.keyboard.press("Enter");
  assert.equal(await page.getAttribute('#encap-frame-view-tree [data-ws="tcp.flags"]', "aria-pressed"), "true");
  // Computed fields are marked, and the checksums are good.
  assert.match(await page.locator('#encap-frame-view-tree [data-ws="ip.len"]').textContent(), /computed/);
  assert.match(await page.locator('#encap-frame-view-tree [data-ws="tcp.checksum"] .badge.good').textContent(), /good/);
  await page.mouse.move(0, 0);
  // The selection is in the URL and comes back with it.
  const flagsKey = await page.getAttribute('#encap-frame-view-tree [data-ws="tcp.flags"]', "data-key");
  await page.waitForFunction((key) => new URLSearchParams(location.hash.slice(1)).get("field") === key, flagsKey);
  const again = await openPlayground(browser.context, page.url());
  await again.page.waitForSelector('#encap-frame-view-tree [data-ws="tcp.flags"][aria-pressed="true"]');
  assert.deepEqual(await numbers(again.page, "#encap-frame-view-hex .b.sel", "data-byte"), [46, 47]);
  await again.page.close();
  await screenshot(page, "encap");

  // tshark reads the downloaded pcap: tcp.flags where the page lit it, every checksum good.
  const pcap = await downloaded(page, "#encap-pcap", "encap.pcap");
  const [flags] = pdmlFields(pcap, "tcp.flags")[0];
  assert.deepEqual([Number(flags.pos), Number(flags.pos) + Number(flags.size) - 1], [hexBytes[0], hexBytes.at(-1)]);
  assert.equal(flags.show, "0x0018");
  for (const status of ["ip.checksum.status", "tcp.checksum.status"]) assert.equal(pdmlFields(pcap, status)[0][0]?.show, "1", `${status} is good`);
  const frame = wasm.encapsulate(SEED);
  assert.equal(tshark("-r", pcap, "-T", "fields", "-e", "data.data").trim(), Buffer.from("hello").toString("hex"));
  assert.equal(tshark("-r", pcap, "-x").includes("68 65 6c 6c 6f"), true);
  assert.equal(frame.hex.length, 118);
  // The pcapng carries the lesson as a packet comment.
  const ng = await downloaded(page, "#encap-pcapng", "encap.pcapng");
  assert.equal(tshark("-r", ng, "-T", "fields", "-e", "frame.comment").trim(), "netlab encapsulation: sk.send(b'hello')");
  assert.equal(pdmlFields(ng, "tcp.checksum.status")[0][0]?.show, "1");

  // Edit: UDP from another port with a new payload; the frame and steps follow the core.
  await page.selectOption("#encap-proto", "udp");
  await page.fill("#encap-payload", "nice");
  await page.fill("#encap-sport", "5353");
  await page.waitForFunction(() => /8 bytes/.test(document.querySelector("#encap-steps li:nth-child(2) .size")?.textContent ?? ""));
  const udp = wasm.encapsulate({ ...SEED, proto: "udp", payload: "nice", src_port: 5353 });
  assert.deepEqual(await texts(page, "#encap-steps .size"), udp.steps.map((s) => `${s.added_bytes} bytes`));
  assert.equal(await page.isVisible("#encap-flags"), false);
  const u = await downloaded(page, "#encap-pcap", "udp.pcap");
  assert.equal(tshark("-r", u, ...CHECKS, "-T", "fields", "-e", "udp.srcport", "-e", "udp.checksum.status").trim(), "5353\t1");
  // A bad value is an error in place, naming the field, on its input.
  await page.fill("#encap-ttl", "300");
  assert.match(await page.locator("#encap-summary").textContent(), /^Error: .*ttl 300 is out of range \(0-255\)/);
  assert.equal(await page.getAttribute("#encap-ttl", "aria-invalid"), "true");
  await page.fill("#encap-ttl", "64");
  await page.fill("#encap-dst", "192.168.13");
  assert.match(await page.locator("#encap-error").textContent(), /^Destination IP: /);
  assert.equal(await page.getAttribute("#encap-dst", "aria-invalid"), "true");
  await page.fill("#encap-dst", "192.168.13.1");
  // The field is named as the page names it, not by the command line's --src, and marked.
  await page.fill("#encap-src", "999.1.1.1");
  assert.equal(await page.locator("#encap-error").textContent(), "Source IP: '999' is not an octet (0-255) in '999.1.1.1'");
  assert.equal(await page.getAttribute("#encap-src", "aria-invalid"), "true");
  assert.equal(await page.getAttribute("#encap-payload", "aria-invalid"), null);
  await page.fill("#encap-src", "2001:db8::1");
  assert.match(await page.locator("#encap-error").textContent(), /^Source IP: 2001:db8::1 is an IPv6 address; encap builds IPv4 frames/);
  await page.fill("#encap-src", "192.168.12.1");
  await page.fill("#encap-smac", "z");
  assert.equal(await page.locator("#encap-error").textContent(), "Source MAC: 'z' is not a hex digit in 'z'");
  assert.equal(await page.getAttribute("#encap-smac", "aria-invalid"), "true");
  await page.fill("#encap-smac", "02:00:00:00:00:01");
  await page.fill("#encap-sport", "70000");
  assert.equal(await page.locator("#encap-error").textContent(), "Source port: src_port 70000 is out of range (0-65535)");
  assert.equal(await page.getAttribute("#encap-sport", "aria-invalid"), "true");
  await page.click("#encap-reset");
  assert.equal(await page.inputValue("#encap-dst"), "192.168.13.1");
  assert.equal(await page.getAttribute("#encap-dst", "aria-invalid"), null);
  assert.deepEqual(errors, []);
  await page.close();
});

/** The seed's frame as a hex dump with offsets and ASCII, as Wireshark copies it. */
function hexDump(bytes) {
  const lines = [];
  for (let at = 0; at < bytes.length; at += 16) {
    const row = [...bytes.slice(at, at + 16)];
    const hex = row.map((b) => b.toString(16).padStart(2, "0"));
    const ascii = row.map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".")).join("");
    lines.push(`${at.toString(16).padStart(4, "0")}   ${hex.slice(0, 8).join(" ")}  ${hex.slice(8).join(" ")}   ${ascii}`);
  }
  return lines.join("\n");
}

test("the dissector takes every pasted form, shows truncation and bad checksums where they occur, as tshark does", async () => {
  const built = wasm.encapsulate(SEED);
  const hex = [...built.bytes].map((b) => b.toString(16).padStart(2, "0"));
  const forms = {
    spaces: hex.join(" "),
    colons: hex.join(":"),
    "0x": hex.map((x) => `0x${x}`).join(" "),
    stream: hex.join(""),
    python: hex.map((x) => `\\x${x}`).join(""),
    dump: hexDump(built.bytes),
  };
  const { page, errors } = await openPlayground(browser.context, `${relay.url}&tool=dissect`);
  await page.waitForSelector("#panel-dissect:not([hidden]) .summary:not(:empty)");
  for (const [name, text] of Object.entries(forms)) {
    await page.fill("#dissect-hex", text);
    assert.equal(await page.locator("#dissect-summary").textContent(), "59 bytes: Ethernet II › IPv4 › TCP › Data. No problems found.", name);
    assert.deepEqual(await numbers(page, "#dissect-view-hex .b", "data-byte"), Array.from({ length: 59 }, (_, i) => i), name);
  }
  // Truncated: the finding is shown, on its layer and its byte, in the core's words.
  const cut = built.bytes.slice(0, 40);
  const expected = wasm.dissect(cut).findings;
  assert.equal(expected[0].kind, "length");
  await page.fill("#dissect-hex", forms.spaces.slice(0, 40 * 3 - 1));
  assert.equal(await page.getAttribute("#dissect-summary", "data-findings"), String(expected.length));
  assert.deepEqual(await texts(page, "#dissect-view-findings li .error"), expected.map((f) => f.message));
  assert.deepEqual(await numbers(page, "#dissect-view-findings li", "data-offset"), expected.map((f) => f.offset));
  assert.match(await page.locator("#dissect-view-findings li").first().textContent(), /^Cut short at byte 14/);
  assert.match(await page.locator('#dissect-view-tree details[data-layer="1"] .fv-layer-finding').textContent(), /Total Length field says 45 bytes/);
  assert.equal(await page.locator('#dissect-view-hex .b.fv-bad[data-byte="14"]').count(), 1);
  // In Chinese the same findings are worded from their detail, which says
  // what the English message says.
  const lengthText = (f) => {
    const d = f.detail;
    assert.ok(f.message.includes(`${d.needed} bytes from byte ${f.offset}, only ${d.available}`), f.message);
    return d.field === null
      ? `${d.header}：从第 ${f.offset} 字节起需要 ${d.needed} 字节，只有 ${d.available} 字节`
      : `${d.header}：${NAMES_ZH[d.field]}字段说从第 ${f.offset} 字节起有 ${d.needed} 字节，只有 ${d.available} 字节`;
  };
  await page.selectOption("#lang", "zh");
  assert.deepEqual(await texts(page, "#dissect-view-findings li .error"), expected.map(lengthText));
  await page.selectOption("#lang", "en");
  // tshark also finds the frame cut short.
  const cutFile = await downloaded(page, "#dissect-pcap", "cut.pcap");
  assert.match(tshark("-r", cutFile, "-V"), /Malformed|[Tt]runcated|Bogus/);

  // A wrong TCP checksum: bad in the tree and the diagram, as in tshark.
  await page.click('#panel-dissect [data-example="bad_checksum"]');
  assert.match(await page.locator("#dissect-summary").textContent(), /1 problem: TCP/);
  // The same frame as Python prints bytes (what a recv() or the Labs timeline shows), and as xxd dumps it.
  const badHex = (await page.inputValue("#dissect-hex")).replace(/[^0-9a-f]/gi, "");
  const badBytes = Buffer.from(badHex, "hex");
  const pyLiteral = spawnSync("python3", ["-c", `import sys; print(bytes.fromhex(sys.argv[1]))`, badHex], { encoding: "utf8" }).stdout.trim();
  const od = spawnSync("od", ["-Ax", "-tx1"], { input: badBytes, encoding: "utf8" }).stdout;
  for (const pasted of [pyLiteral, od]) {
    await page.fill("#dissect-hex", pasted);
    await page.waitForFunction(() => /1 problem: TCP/.test(document.querySelector("#dissect-summary")?.textContent ?? ""));
    assert.equal(await page.locator("#dissect-hex-error").textContent(), "", pasted.slice(0, 40));
  }
  assert.equal(await page.locator('#dissect-view-tree [data-ws="tcp.checksum"] .badge.bad').count(), 1);
  assert.equal(await page.locator('#dissect-view-tree [data-ws="ip.checksum"] .badge.good').count(), 1);
  assert.equal(await page.locator("#dissect-view-diagram .cell.bad").count(), 1);
  // Each diagram is named for a screen reader; the payload is not called a header.
  const regions = await page.locator("#dissect-view-diagram .scroll").evaluateAll((els) => els.map((e) => e.getAttribute("aria-label")));
  assert.ok(regions.includes("The TCP header, 32 bits a row") && regions.includes("Data, 32 bits a row"), regions.join(" | "));
  await page.click('#dissect-view-findings button.fv-finding');
  assert.deepEqual(await numbers(page, "#dissect-view-hex .b.sel", "data-byte"), [50, 51]);
  const enBad = await page.locator("#dissect-view-findings li .error").first().textContent();
  const [, found, sum] = enBad.match(/is 0x([0-9a-f]{4}) at byte 50, but the bytes it covers need 0x([0-9a-f]{4})$/);
  await page.selectOption("#lang", "zh");
  assert.match(
    await page.locator("#dissect-view-findings li .error").first().textContent(),
    new RegExp(`^TCP：第 50 字节处的校验和是 0x${found}，但按这些字节算出的校验和是 0x${sum}$`),
  );
  await page.selectOption("#lang", "en");
  await page.fill("#dissect-note", "课堂: a wrong checksum");
  const badFile = await downloaded(page, "#dissect-pcapng", "bad.pcapng");
  assert.equal(tshark("-r", badFile, "-T", "fields", "-e", "frame.comment").trim(), "课堂: a wrong checksum");
  assert.equal(pdmlFields(badFile, "tcp.checksum.status")[0][0]?.show, "0", "tshark: TCP checksum bad");
  assert.equal(pdmlFields(badFile, "ip.checksum.status")[0][0]?.show, "1", "tshark: IPv4 checksum good");
  await screenshot(page, "dissect");

  // Not hex: the core's message, on the input.
  await page.fill("#dissect-hex", "45 0g");
  assert.match(await page.locator("#dissect-summary").textContent(), /^Error: 'g' at position 4 is not a hex digit/);
  assert.equal(await page.getAttribute("#dissect-hex", "aria-invalid"), "true");
  assert.equal(await page.isVisible("#dissect-pcap"), false);
  // The hex is the state in the URL.
  await page.fill("#dissect-hex", forms.colons);
  await page.waitForFunction((want) => new URLSearchParams(location.hash.slice(1)).get("hex") === want, forms.colons);
  const again = await openPlayground(browser.context, page.url());
  assert.equal(await again.page.inputValue("#dissect-hex"), forms.colons);
  assert.equal(await again.page.locator("#dissect-summary").textContent(), "59 bytes: Ethernet II › IPv4 › TCP › Data. No problems found.");
  await again.page.close();
  assert.deepEqual(errors, []);
  await page.close();
});

test("the dissector opens a pcapng file: every frame listed with its comment, each opens, all download again", async () => {
  const frames = [
    { bytes: wasm.encapsulate(SEED).bytes, comment: "conn.send(b'hello')", time_us: 1_700_000_000_000_000 },
    { bytes: wasm.encapsulate({ ...SEED, proto: "udp" }).bytes, comment: "sendto", time_us: 1_700_000_000_250_000 },
    { bytes: wasm.encapsulate({ proto: "icmp", src: SEED.src, dst: SEED.dst, payload: "ping" }).bytes, time_us: 1_700_000_001_000_000 },
  ];
  const file = path.join(dir, "three.pcapng");
  writeFileSync(file, wasm.toPcap(frames, { format: "pcapng" }));
  assert.equal(tshark("-r", file).trim().split("\n").length, 3, "tshark reads the fixture");
  const { page, errors } = await openPlayground(browser.context, `${relay.url}&tool=dissect`);
  await page.waitForSelector("#panel-dissect:not([hidden]) .summary:not(:empty)");
  await page.setInputFiles("#dissect-file", file);
  await page.waitForSelector("#dissect-frames tbody tr");
  assert.equal(await page.locator("#dissect-frames tbody tr").count(), 3);
  assert.match(await page.locator("#dissect-frames h3").textContent(), /3 frames in the pcapng file/);
  assert.deepEqual(await texts(page, "#dissect-frames tbody td:nth-child(2)"), ["0.000000", "0.250000", "1.000000"]);
  assert.match(await page.locator('#dissect-frames tr[data-frame="0"]').textContent(), /conn\.send\(b'hello'\)/);
  assert.equal(await page.getAttribute('#dissect-frames tr[data-frame="0"] button', "aria-pressed"), "true");
  assert.equal(await page.inputValue("#dissect-note"), "conn.send(b'hello')");
  await page.click('#dissect-frames tr[data-frame="1"] button');
  assert.equal(await page.inputValue("#dissect-note"), "sendto");
  assert.match(await page.locator("#dissect-summary").textContent(), /^47 bytes: Ethernet II › IPv4 › UDP › Data\./);
  await page.click('#dissect-frames tr[data-frame="2"] button');
  assert.match(await page.locator("#dissect-summary").textContent(), /IPv4 › ICMP/);
  // In Chinese the list's summaries are Chinese, as the tree's are.
  // The file stays open across the language change (a file cannot be in the URL).
  await page.selectOption("#lang", "zh");
  await page.waitForSelector("#dissect-frames tbody tr");
  assert.equal(await page.locator("#dissect-frames tbody tr").count(), 3);
  assert.equal(await page.getAttribute('#dissect-frames tr[data-frame="2"] button', "aria-pressed"), "true");
  const zhSummaries = (await texts(page, "#dissect-frames tbody td.summary-cell")).join("\n");
  assert.doesNotMatch(zhSummaries, /Src Port|Dst Port|Src:|Dst:/, zhSummaries);
  assert.match(zhSummaries, /源端口：/);
  await page.selectOption("#lang", "en");
  await page.waitForSelector("#dissect-frames tbody tr");
  const all = await downloaded(page, "#dissect-all", "all.pcapng");
  assert.equal(tshark("-r", all, "-T", "fields", "-e", "frame.comment").trim().split("\n")[0], "conn.send(b'hello')");
  assert.equal(tshark("-r", all).trim().split("\n").length, 3);
  // Not a capture: the core's message, on the file input.
  const junk = path.join(dir, "junk.pcap");
  writeFileSync(junk, "hello");
  await page.setInputFiles("#dissect-file", junk);
  await page.waitForSelector("#dissect-file-error:not([hidden])");
  assert.match(await page.locator("#dissect-file-error").textContent(), /^junk\.pcap: not a pcap or pcapng file: it starts with 0x68656c6c/);
  assert.deepEqual(errors, []);
  await page.close();
});

test("a Linux cooked capture (tcpdump -i any) opens: the cooked header, then the packet; it downloads with its link type", async () => {
  // The seed's TCP segment behind a cooked v1 header (sent by us, loopback,
  // no address) and a v2 one (interface 3, to us, an Ethernet address).
  const packet = wasm.encapsulate(SEED).bytes.slice(14);
  const v1 = [0, 4, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00];
  const v2 = [0x08, 0x00, 0, 0, 0, 0, 0, 3, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0];
  for (const [linkType, header, name] of [[113, v1, "Linux cooked capture v1"], [276, v2, "Linux cooked capture v2"]]) {
    const file = path.join(dir, `cooked-${linkType}.pcap`);
    writeFileSync(file, wasm.toPcap([{ bytes: new Uint8Array([...header, ...packet]), time_us: 1_700_000_000_000_000 }], { link_type: linkType }));
    assert.match(tshark("-r", file, "-T", "fields", "-e", "sll.etype", "-e", "tcp.dstport").trim(), /^0x0800\t9000$/, "tshark reads the fixture");
    const { page, errors } = await openPlayground(browser.context, `${relay.url}&tool=dissect`);
    await page.waitForSelector("#panel-dissect:not([hidden]) .summary:not(:empty)");
    await page.setInputFiles("#dissect-file", file);
    await page.waitForSelector("#dissect-frames tbody tr");
    assert.equal(await page.locator("#dissect-file-error").isVisible(), false);
    assert.match(await page.locator("#dissect-summary").textContent(), new RegExp(`^${packet.length + header.length} bytes: ${name} › IPv4 › TCP › Data\\. No problems found\\.$`));
    // The link type is state too: a link to it reads the frame the same way.
    await page.waitForFunction((want) => new URLSearchParams(location.hash.slice(1)).get("dlink") === want, String(linkType));
    const again = await openPlayground(browser.context, page.url());
    assert.match(await again.page.locator("#dissect-summary").textContent(), new RegExp(`: ${name} › IPv4`));
    await again.page.close();
    // Downloaded, the frame keeps its link type, so tshark reads it as cooked.
    const back = await downloaded(page, "#dissect-pcap", `cooked-back-${linkType}.pcap`);
    assert.match(tshark("-r", back, "-T", "fields", "-e", "sll.etype", "-e", "tcp.dstport").trim(), /^0x0800\t9000$/);
    assert.deepEqual(errors, []);
    await page.close();
  }
  // Another link type (802.11, 105) is refused by number, as the core refuses it; a URL's unknown one is Ethernet.
  const wifi = path.join(dir, "wifi.pcap");
  writeFileSync(wifi, wasm.toPcap([{ bytes: new Uint8Array(30), time_us: 1_700_000_000_000_000 }], { link_type: 105 }));
  const { page, errors } = await openPlayground(browser.context, `${relay.url}&tool=dissect&dlink=105`);
  await page.waitForSelector("#panel-dissect:not([hidden]) .summary:not(:empty)");
  assert.match(await page.locator("#dissect-summary").textContent(), /Ethernet II/);
  await page.setInputFiles("#dissect-file", wifi);
  await page.waitForSelector("#dissect-file-error:not([hidden])");
  assert.match(await page.locator("#dissect-file-error").textContent(), /^wifi\.pcap: link type 105 is neither Ethernet \(1\) nor a Linux cooked capture/);
  assert.deepEqual(errors, []);
  await page.close();
});

test("hovering a byte whose description is longer does not move the bytes from under the pointer (no flicker)", async () => {
  const { page, errors } = await openPlayground(browser.context, `${relay.url}&tool=dissect`);
  await page.click('#panel-dissect [data-example="bad_checksum"]');
  // The checksum's description (with its badge) wraps to more lines than its
  // neighbours'; the box above the bytes must not shrink back under the pointer.
  await page.hover('#dissect-view-hex [data-byte="50"]', { timeout: 5000 });
  const seen = await page.evaluate(async () => {
    const out = [];
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => requestAnimationFrame(r));
      out.push(document.querySelector("#dissect-view-detail")?.textContent?.split(" = ")[0]);
    }
    return [...new Set(out)];
  });
  assert.deepEqual(seen, ["TCP › Checksum"]);
  assert.deepEqual(errors, []);
  await page.close();
});

test("in Chinese the fields are named and explained in Chinese, the English name kept beside it as Wireshark shows it", async () => {
  const { page, errors } = await openPlayground(browser.context, `${relay.url}&tool=dissect`);
  await page.selectOption("#lang", "zh");
  await page.click('#panel-dissect [data-example="bad_checksum"]');
  const port = page.locator('#dissect-view-tree [data-ws="tcp.srcport"]');
  assert.equal(await port.locator(".fv-name").textContent(), "源端口");
  await port.click();
  const detail = await page.locator("#dissect-view-detail").textContent();
  assert.match(detail, /^TCP › 源端口 \(Source Port\) = 53000/);
  assert.match(detail, /发送方套接字的端口（发送者的端口）；客户端的端口由操作系统挑选。/);
  assert.match(await page.locator("#dissect-view-diagram").textContent(), /源端口.*目的端口.*序号.*确认号/s);
  // Back in English, the core's words.
  await page.selectOption("#lang", "en");
  await page.click('#panel-dissect [data-example="bad_checksum"]');
  await page.click('#dissect-view-tree [data-ws="tcp.srcport"]');
  assert.match(await page.locator("#dissect-view-detail").textContent(), /^TCP › Source Port = 53000.*The sending socket's port/);
  assert.deepEqual(errors, []);
  await page.close();
});

test("in Chinese on a laptop the layer table keeps each layer's name whole: at most two lines, never a character a line, and fits", async () => {
  const { page, errors } = await openPlayground(browser.context, `${relay.url}&tool=encap`);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.selectOption("#lang", "zh");
  const cells = page.locator("#panel-encap table.stack tbody tr > :first-child");
  assert.equal(await cells.count(), 5);
  // The lines the text itself takes (the cell is as tall as its row).
  const lines = await cells.evaluateAll((els) =>
    els.map((el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
    }),
  );
  assert.ok(lines.every((n) => n <= 2), `lines a layer name takes: ${lines}`);
  // Nor does a cell run past the page: http/https/ftp/smtp协议 breaks at its slashes.
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 1280, `the page is ${width} px wide`);
  await page.selectOption("#lang", "en");
  assert.deepEqual(errors, []);
  await page.close();
});

test("axe finds nothing serious with a field selected and a finding shown (both themes, en and 简体中文); phones fit", async () => {
  const { page, errors } = await openPlayground(browser.context, `${relay.url}&tool=encap&step=5`);
  const found = [];
  for (const theme of ["light", "dark"]) {
    await page.selectOption("#theme", theme);
    for (const lang of ["en", "zh"]) {
      await page.selectOption("#lang", lang);
      await page.click("#tab-encap");
      await page.waitForSelector("#panel-encap:not([hidden]) .summary:not(:empty)");
      await page.click('#encap-frame-view-tree [data-ws="tcp.flags"]');
      found.push(...(await violations(page)).map((v) => `encap ${theme} ${lang}: ${v}`));
      await page.click("#tab-dissect");
      await page.click('#panel-dissect [data-example="bad_checksum"]');
      await page.hover('#dissect-view-hex [data-byte="50"]');
      found.push(...(await violations(page)).map((v) => `dissect ${theme} ${lang}: ${v}`));
    }
  }
  assert.deepEqual(found, []);
  assert.equal(await page.locator("#tab-encap").textContent(), "封装");
  assert.match(await page.locator("#dissect-summary").textContent(), /发现 1 个问题/);
  await page.selectOption("#lang", "en");
  await page.selectOption("#theme", "system");
  await page.setViewportSize({ width: 360, height: 740 });
  for (const tool of ["encap", "dissect"]) {
    await page.click(`#tab-${tool}`);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 360, `${tool} is ${width} px wide`);
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test("in Chinese the values and layer summaries read in Chinese too (no 'Not set', '[correct]', 'bytes)' left); Ports describes mysql in Chinese", async () => {
  const { page, errors } = await openPlayground(browser.context, `${relay.url}&tool=dissect`);
  await page.selectOption("#lang", "zh");
  await page.click('#panel-dissect [data-example="bad_checksum"]');
  const tree = page.locator("#dissect-view-tree");
  const all = await tree.textContent();
  for (const english of ["Not set", "[correct]", "[incorrect", "bytes)", "Don't fragment", "Src Port", "Src:", "Dst:", " bytes"]) assert.ok(!all.includes(english), `"${english}" left in: ${all}`);
  const value = (ws) => tree.locator(`[data-ws="${ws}"] .fv-value`).textContent();
  assert.equal(await value("ip.flags"), "0x2 (不分片)");
  assert.equal(await value("ip.flags.rb"), "未设置");
  assert.equal(await value("ip.flags.df"), "已设置");
  assert.equal(await value("ip.hdr_len"), "5 (20 字节)");
  assert.equal(await value("ip.frag_offset"), "0 (0 字节)");
  assert.match(await value("ip.checksum"), /^0x[0-9a-f]{4} \[正确\]$/);
  assert.match(await value("tcp.checksum"), /^0x[0-9a-f]{4} \[错误，应为 0x[0-9a-f]{4}\]$/);
  assert.equal(await value("tcp.flags"), "0x018 (PSH, ACK)");
  const summaries = await tree.locator("details > summary").allTextContents();
  assert.match(summaries[0], /^Ethernet II 源：\S+，目的：\S+ \(14 字节\)$/);
  assert.match(summaries[1], /^IPv4 源：192\.168\.12\.1，目的：192\.168\.13\.1 \(20 字节\)$/);
  assert.match(summaries[2], /^TCP 源端口：53000，目的端口：9000，序号：1，确认号：1，标志：\[PSH, ACK\] \(20 字节\)$/);
  assert.match(summaries[3], /^数据 (\d+) 字节 \(\1 字节\)$/);
  // The detail line and the diagram's titles say the same.
  await tree.locator('[data-ws="ip.flags"]').click();
  assert.match(await page.locator("#dissect-view-detail").textContent(), /^IPv4 › 标志 \(Flags\) = 0x2 \(不分片\)/);
  assert.match(await page.locator('#dissect-view-diagram [data-key][title^="不分片"]').first().getAttribute("title"), /^不分片 \(DF\): 已设置 /);
  // Back in English, the core's (and Wireshark's) words.
  await page.selectOption("#lang", "en");
  await page.click('#panel-dissect [data-example="bad_checksum"]');
  assert.equal(await page.locator('#dissect-view-tree [data-ws="ip.flags.rb"] .fv-value').textContent(), "Not set");
  assert.match(await page.locator("#dissect-view-tree details > summary").nth(2).textContent(), /^TCP Src Port: 53000, Dst Port: 9000/);

  // Ports & MAC: the service's description, from the core's port table, in Chinese.
  await page.selectOption("#lang", "zh");
  await page.goto(`${relay.url}&tool=ports&port=3306&proto=tcp`);
  await page.waitForSelector("#panel-ports:not([hidden]) #port-table");
  assert.equal(await page.locator('#port-table tr[data-field="service"] td').textContent(), "mysql");
  assert.equal(await page.locator('#port-table tr[data-field="description"] td').textContent(), "MySQL 数据库");
  await page.fill("#port-input", "8080");
  await page.waitForFunction(() => document.querySelector('#port-table tr[data-field="description"] td')?.textContent === "HTTP 备用端口，常用于代理");
  await page.selectOption("#lang", "en");
  await page.waitForFunction(() => document.querySelector('#port-table tr[data-field="description"] td')?.textContent === "Alternative HTTP port, proxies");

  // The LAN simulation's frame line in Chinese; what ping prints stays as a terminal shows it.
  await page.selectOption("#lang", "zh");
  await page.goto(`${relay.url}&tool=lan`);
  await page.waitForSelector("#panel-lan:not([hidden]) #lan-frame h4");
  assert.equal(await page.locator("#lan-frame h4").textContent(), "帧 8：ICMP 回显应答 192.168.13.1 → 192.168.12.1，TTL 63");
  assert.match(await page.locator("#lan-outcome").textContent(), /^送达并收到回应：13 bytes from 192\.168\.13\.1: icmp_seq=1 ttl=63 time=\d+ ms$/);
  await page.selectOption("#lang", "en");
  assert.deepEqual(errors, []);
  await page.close();
});

test("the dissector follows a capture's TCP stream as tshark does, and shows the messages a length prefix frames and the frames that carried them", async () => {
  // Seed 000 §6.7's client: hello and nice behind struct.pack('i', len),
  // in two segments (nice cut between them; the second arrives first),
  // and the server's answer.
  const frames = framedExchange(wasm);
  const wire = Buffer.concat([Buffer.from([5, 0, 0, 0]), Buffer.from("hello"), Buffer.from([4, 0, 0, 0]), Buffer.from("nice")]);
  const file = path.join(dir, "framed.pcap");
  writeFileSync(file, wasm.toPcap(frames.map((bytes, i) => ({ bytes, time_us: 1_700_000_000_000_000 + i * 1000 }))));
  // tshark's follow: the hex of each chunk, the server's indented.
  const followed = tshark("-r", file, "-q", "-z", "follow,tcp,raw,0")
    .split("\n")
    .filter((l) => /^\t?[0-9a-f]+$/.test(l))
    .map((l) => [l.startsWith("\t") ? "server" : "client", l.trim()]);
  assert.equal(followed.length, 3, "tshark follows the fixture");

  const { page, errors } = await openPlayground(browser.context, `${relay.url}&tool=dissect`);
  await page.waitForSelector("#panel-dissect:not([hidden]) .summary:not(:empty)");
  await page.setInputFiles("#dissect-file", file);
  await page.waitForSelector("#follow-chunks tbody tr");
  assert.equal(await page.locator("#follow-stream option").count(), 1);
  assert.match(await page.locator("#follow-stream option").textContent(), /^TCP 0: 127\.0\.0\.1:53000 → 127\.0\.0\.1:8001 \(6 frames\)$/);
  // The page's rows are tshark's chunks, in its order, as Python bytes.
  const rows = await page.locator("#follow-chunks tbody tr").evaluateAll((trs) => trs.map((tr) => [tr.className.replace("follow-", ""), tr.querySelector("td.bytes")?.textContent ?? ""]));
  assert.deepEqual(rows.map(([side]) => side), followed.map(([side]) => side));
  assert.deepEqual(rows.map(([, text]) => text), ["b'\\x05\\x00\\x00\\x00hello\\x04\\x00\\x00'", "b'\\x00nice'", "b'ok'"]);
  assert.deepEqual(followed.map(([, hex]) => hex), [wire.subarray(0, 12).toString("hex"), wire.subarray(12).toString("hex"), Buffer.from("ok").toString("hex")]);
  assert.match(await page.locator("#follow-chunks tbody tr:nth-child(2)").textContent(), /arrived out of order/);
  assert.match(await page.locator("#follow-out .hint").textContent(), /TCP keeps no message boundaries/);
  // Framed by struct.pack('i', len): two messages, nice in frames 5 and 4, both sharing a segment.
  await page.selectOption("#follow-framing", "length_prefix");
  await page.waitForSelector("#follow-messages tbody tr");
  assert.equal(await page.inputValue("#follow-format"), "i");
  const messages = await page.locator("#follow-messages tbody tr").evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent)));
  assert.deepEqual(messages.map((m) => m.slice(0, 4)), [
    ["client", "1", "b'hello'", "5"],
    ["client", "2", "b'nice'", "5, 4"],
  ]);
  assert.match(messages[1][4], /粘包/);
  // The capture shows seed 003 §8.2.3's first cause: the sender joined them.
  assert.match(await page.locator('#follow-out [data-case="sender"]').textContent(), /^2 of the client's messages shared a segment: the sender joined them/);
  assert.match(await page.locator("#follow-out").textContent(), /The server's last 2 bytes are not a whole message/);
  if (process.env.NETLAB_SCREENSHOTS) await page.locator("#dissect-follow").screenshot({ path: path.join(ROOT, "docs/img/follow.png") });
  // A frame's button opens it in the dissector.
  await page.click('#follow-messages tbody tr:nth-child(2) button:has-text("4")');
  assert.equal(await page.getAttribute('#dissect-frames tr[data-frame="3"] button', "aria-pressed"), "true");
  assert.match(await page.locator("#dissect-summary").textContent(), /TCP › Data/);
  // A bad format: the core's message, on the input.
  await page.fill("#follow-format", "2i");
  await page.waitForSelector("#follow-format-error:not([hidden])");
  assert.match(await page.locator("#follow-format-error").textContent(), /^length prefix: the header format "2i" must hold exactly one integer/);
  assert.equal(await page.getAttribute("#follow-format", "aria-invalid"), "true");
  await page.fill("#follow-format", "i");
  await page.waitForSelector("#follow-format-error", { state: "hidden" });
  assert.deepEqual(await violations(page), []);
  // In Chinese, and the capture stays open.
  await page.selectOption("#lang", "zh");
  await page.waitForSelector("#follow-chunks tbody tr");
  assert.equal(await page.locator("#follow-title").textContent(), "跟踪 TCP 或 UDP 流");
  assert.deepEqual(await texts(page, "#follow-chunks tbody td:nth-child(2)"), ["客户端", "客户端", "服务端"]);
  assert.match(await page.locator("#follow-chunks tbody tr:nth-child(2)").textContent(), /乱序到达/);
  await page.selectOption("#lang", "en");
  // A UDP chat (seed 004): its datagrams, each one message; no framing to choose.
  const chat = udpChat(wasm, ["hello", "hi", "bye"]);
  const udpFile = path.join(dir, "chat.pcap");
  writeFileSync(udpFile, wasm.toPcap(chat.map((bytes, i) => ({ bytes, time_us: 1_700_000_000_000_000 + i * 1000 }))));
  await page.setInputFiles("#dissect-file", udpFile);
  await page.waitForSelector("#follow-messages tbody tr");
  assert.match(await page.locator("#follow-stream option").textContent(), /^UDP 0: 192\.168\.1\.10:50000 → 192\.168\.1\.20:8080 \(3 frames\)$/);
  assert.equal(await page.isVisible("#follow-framing"), false);
  assert.deepEqual(await texts(page, "#follow-messages tbody td:nth-child(3)"), ["b'hello'", "b'bye'", "b'hi'"]);
  assert.match(await page.locator("#follow-out").textContent(), /UDP keeps message boundaries/);
  assert.deepEqual(errors, []);
  await page.close();
});
