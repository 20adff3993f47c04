// Each tool of the playground in headless Chromium: loaded from a URL that
// carries its state, it shows what `netlab --json` says for the same input
// (HMAC, browser only, against node:crypto); editing an input recomputes and
// goes into the URL; no tool logs a console error. With NETLAB_SCREENSHOTS=1
// each tool is photographed to docs/img/<tool>.png.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash, createHmac } from "node:crypto";
import { spawnSync } from "node:child_process";
import { cli, openPlayground, screenshot, relayAndBrowser } from "./helpers.mjs";

const env = relayAndBrowser();

/** The playground with this state in the fragment, beside the token. */
const urlWith = (state) => `${env.relay.base}/#token=${env.relay.token}&${new URLSearchParams(state)}`;

/** Opens a tool with its state; returns the page and its console errors. */
async function openTool(state) {
  const opened = await openPlayground(env.browser.context, urlWith(state));
  await opened.page.waitForSelector(`#panel-${state.tool}:not([hidden])`);
  return opened;
}

const text = (page, selector) => page.locator(selector).first().textContent();
const texts = (page, selector) => page.locator(selector).allTextContents();
const params = (page) => new URLSearchParams(new URL(page.url()).hash.slice(1));

/** Waits until the fragment has `key=value` (the URL follows typing a moment later at most). */
async function urlHas(page, key, value) {
  await page.waitForFunction(([k, v]) => new URLSearchParams(location.hash.slice(1)).get(k) === v, [key, value]);
}

/** The subnet report's cell for a JSON field. */
const cell = (page, field) => text(page, `#subnet-report tr[data-field="${field}"] td`);

test("Subnet: the report, split, VLSM, summarize and range agree with the CLI", async () => {
  const state = {
    tool: "subnet",
    subnet: "10.20.30.40/27",
    by: "count",
    split: "3",
    vlsm: "10, 5, 2",
    sum: "10.0.0.0/24\n10.0.1.0/24\n10.0.3.0/24",
    from: "10.0.0.5",
    to: "10.0.0.20",
  };
  const { page, errors } = await openTool(state);
  assert.equal(await page.inputValue("#subnet-input"), state.subnet);
  const report = cli("subnet", state.subnet).json;
  assert.equal(await cell(page, "network"), `${report.network}/${report.prefix}`);
  assert.equal(await cell(page, "broadcast"), report.broadcast);
  assert.equal(await cell(page, "first_host"), report.first_host);
  assert.equal(await cell(page, "last_host"), report.last_host);
  assert.equal(await cell(page, "wildcard"), report.wildcard);
  assert.equal(await cell(page, "usable_hosts"), String(report.usable_hosts));
  assert.equal(await cell(page, "class"), report.class);
  // The octet editor shows the same address and prefix.
  const octets = await Promise.all([1, 2, 3, 4].map((n) => page.inputValue(`#subnet-o${n}`)));
  assert.equal(`${octets.join(".")}/${await page.inputValue("#subnet-prefix")}`, `${report.address}/${report.prefix}`);
  assert.match(await text(page, "#subnet-python"), /ipaddress\.ip_interface\('10\.20\.30\.40\/27'\)/);

  const cidr = `${report.network}/${report.prefix}`;
  const split3 = cli("split", cidr, "--count", "3");
  assert.deepEqual(await texts(page, "#split-list li"), split3.json.subnets);
  // 3 asked, 4 made: the page says why, as the CLI's note does.
  assert.match(split3.stderr, /3 asked for; equal subnets come in powers of two, so \/29 \(2 more prefix bits\) makes 4/);
  assert.match(await text(page, "#split-summary"), /You asked for 3: equal subnets come in powers of two, so \/29 \(2 more prefix bits\) makes 4\./);
  const plan = cli("vlsm", cidr, "10", "5", "2").json;
  assert.deepEqual(await texts(page, "#vlsm-table tbody td:nth-child(2)"), plan.allocations.map((a) => a.subnet));
  assert.deepEqual(await texts(page, "#vlsm-table tbody td:nth-child(3)"), plan.allocations.map((a) => String(a.usable_hosts)));
  // The 2-host group's /31 is exact, and the page says where a /31 fits.
  const p2p = plan.allocations.find((a) => a.hosts === 2).subnet;
  assert.match(p2p, /\/31$/);
  assert.match(await text(page, "#vlsm-tiny"), new RegExp(`^${p2p.replace(/[./]/g, "\\$&")} for 2 hosts uses every address for hosts.*point-to-point link`));
  assert.deepEqual(await texts(page, "#sum-list li"), cli("summarize", ...state.sum.split("\n")).json.networks);
  assert.deepEqual(await texts(page, "#range-list li"), cli("range", state.from, state.to).json.networks);

  // Editing recomputes, and the new input goes into the URL.
  await page.fill("#split-value", "29");
  await page.selectOption("#split-by", "prefix");
  assert.deepEqual(await texts(page, "#split-list li"), cli("split", cidr, "--prefix", "29").json.subnets);
  await urlHas(page, "split", "29");
  await screenshot(page, "subnet");
  await page.fill("#range-to", "10.0.0.300");
  assert.equal(await text(page, "#range-to-error"), cli("range", state.from, "10.0.0.300").json.error);
  assert.equal(await page.getAttribute("#range-from", "aria-invalid"), "true");
  assert.deepEqual(errors, []);
  await page.close();
});

test("Subnet: the octet editor steps with the arrow keys and the wheel; . and / move between fields", async () => {
  const { page, errors } = await openTool({ tool: "subnet", subnet: "192.168.12.87/24" });
  await page.focus("#subnet-o3");
  await page.keyboard.press("ArrowUp");
  assert.equal(await page.inputValue("#subnet-input"), "192.168.13.87/24");
  assert.equal(await cell(page, "network"), "192.168.13.0/24");
  await page.keyboard.press("/");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "subnet-prefix");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  assert.equal(await cell(page, "network"), "192.168.12.0/22");
  await page.hover("#subnet-prefix");
  await page.mouse.wheel(0, -100);
  await page.waitForFunction(() => document.querySelector("#subnet-input").value.endsWith("/23"));
  await page.focus("#subnet-o1");
  await page.keyboard.press(".");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "subnet-o2");
  await page.keyboard.press("Shift+ArrowDown");
  assert.equal(await page.inputValue("#subnet-input"), "192.158.13.87/23");
  // Typing in the editor goes through the same checks as the text input.
  await page.fill("#subnet-o4", "300");
  assert.match(await text(page, "#subnet-error"), /not an octet/);
  assert.equal(await page.getAttribute("#subnet-o4", "aria-invalid"), "true");
  // The /31 and /32 rules are explained, the one that applies marked.
  await page.fill("#subnet-input", "10.0.0.1/31");
  assert.match(await text(page, ".rule.applies"), /RFC 3021/);
  assert.equal(await cell(page, "broadcast"), "none (/31 point-to-point, RFC 3021)");
  await page.fill("#subnet-input", "10.0.0.1/32");
  assert.equal(await page.getAttribute(".rule.applies", "data-rule"), "32");
  assert.deepEqual(errors, []);
  await page.close();
});

test("Same network?: the AND row by row as seed 000 §1.1, the verdict and the common mask agree with the CLI", async () => {
  const state = { tool: "same", a: "192.168.12.1", b: "192.168.13.1", mask: "255.255.255.0" };
  const { page, errors } = await openTool(state);
  const r = cli("same", state.a, state.b, "--mask", state.mask).json;
  const bits = (field) => page.getAttribute(`#same-work tr[data-field="${field}"] .bitrow`, "aria-label");
  assert.equal(await bits("a.binary"), r.a.binary);
  assert.equal(await bits("a.mask"), r.mask_binary);
  assert.equal(await bits("a.network_binary"), r.a.network_binary);
  assert.equal(await bits("b.network_binary"), r.b.network_binary);
  assert.equal(await text(page, '#same-work tr[data-field="b.network_binary"] .dotted'), r.b.network);
  assert.equal(await page.getAttribute("#same-summary", "data-same"), String(r.same));
  assert.match(await text(page, "#same-summary"), /192\.168\.12\.0 ≠ 192\.168\.13\.0/);
  const common = await text(page, "#same-common");
  assert.ok(common.includes(r.common_mask) && common.includes(r.common_network), common);
  // The one bit where the results differ is marked.
  assert.equal(await page.locator("#same-work .diff").count(), 2);
  await screenshot(page, "same");

  await page.click("#same-use-common");
  const joined = cli("same", state.a, state.b, "--mask", r.common_mask).json;
  assert.equal(joined.same, true);
  assert.equal(await page.getAttribute("#same-summary", "data-same"), "true");
  assert.equal(await page.locator("#same-use-common").count(), 0, "nothing left for the button to do");
  await urlHas(page, "mask", r.common_mask);
  await page.fill("#same-mask", "33");
  assert.equal(await text(page, "#same-error"), cli("same", state.a, state.b, "--prefix", "33").json.error);
  assert.deepEqual(errors, []);
  await page.close();
});

test("Address forms: inet_aton's reading, strict beside lenient, integers and bytes agree with the CLI", async () => {
  const state = { tool: "forms", aton: "0127.0.0.1", packed: "20010db8000000000000000000000001", int: "0x7f000001", fam: "inet" };
  const { page, errors } = await openTool(state);
  const aton = cli("aton", state.aton).json;
  assert.equal(await text(page, '#aton-result [data-field="dotted"]'), aton.dotted);
  assert.equal(aton.dotted, "87.0.0.1");
  assert.deepEqual(await texts(page, "#aton-parts tbody td:nth-child(3)"), aton.parts.map((p) => String(p.value)));
  assert.match(await text(page, '#aton-parts tr[data-part="0"]'), /octal/);
  assert.equal(await text(page, '#forms-pton4 [data-field="error"]'), cli("pton", "inet", state.aton).json.error);
  assert.equal(await page.getAttribute("#forms-aton", "data-ok"), "true");
  const int = cli("int", aton.dotted).json;
  const row = (field) => text(page, `#forms-int-table tr[data-field="${field}"] td`);
  assert.equal(await row("integer"), String(int.integer));
  assert.equal(await row("hex"), int.hex);
  assert.equal(await row("host_bytes"), int.byte_order.host_bytes);
  assert.equal(await row("swapped_address"), int.byte_order.swapped_address);
  assert.equal(await text(page, '#forms-ntop6 [data-field="text"]'), cli("ntop", "inet6", state.packed).json.text);
  assert.equal(await text(page, '#forms-ntoa [data-field="error"]'), cli("ntoa", state.packed).json.error);
  assert.equal(await text(page, '#forms-from-int [data-field="address"]'), cli("int", "--v4", state.int).json.address);
  // Address text in the bytes field is the other direction, as `netlab ntoa` says,
  // though 10.10.10.10 would read as four bytes of 0x10.
  await page.fill("#forms-packed", "10.10.10.10");
  assert.match(await text(page, "#forms-packed-error"), /^'10\.10\.10\.10' is address text, not packed bytes/);
  assert.match(cli("ntoa", "10.10.10.10").stderr, /is address text, not packed bytes/);
  await page.fill("#forms-packed", state.packed);
  assert.match(await text(page, "#forms-python"), /socket\.inet_aton\('0127\.0\.0\.1'\)  # b'W\\x00\\x00\\x01'/);

  await page.fill("#forms-text", "10.1");
  assert.equal(await text(page, '#aton-result [data-field="dotted"]'), cli("aton", "10.1").json.dotted);
  await urlHas(page, "aton", "10.1");
  await page.fill("#forms-text", "::1");
  assert.equal(await text(page, '#forms-pton6 [data-field="hex"]'), cli("pton", "inet6", "::1").json.hex.match(/../g).join(" "));
  assert.equal(await text(page, '#forms-aton [data-field="error"]'), cli("aton", "::1").json.error);
  // A refused text says why, once, in the summary and the reading.
  await page.fill("#forms-text", "01.02.03.08");
  const why = cli("aton", "01.02.03.08").stderr.match(/^netlab: hint: (.*)$/m)?.[1];
  assert.equal(await text(page, "#forms-summary"), `inet_aton refuses it: ${why}.`);
  assert.match(await text(page, "#forms-why"), new RegExp(`Why: ${why?.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\.$`));
  await page.fill("#forms-text", "127.1");
  await screenshot(page, "forms");
  assert.deepEqual(errors, []);
  await page.close();
});

test("Classify: each line's flags, reason and registry rows agree with the CLI; 内网 is called out", async () => {
  const addrs = ["192.168.1.10", "8.8.8.8", "127.0.0.1", "224.0.0.251", "fe80::1", "not-an-ip"];
  const { page, errors } = await openTool({ tool: "classify", addrs: addrs.join("\n") });
  for (const address of addrs.slice(0, -1)) {
    const c = cli("classify", address).json;
    const card = page.locator(`#classify-results li[data-address="${c.address}"]`);
    assert.equal(await card.locator('[data-field="global_reason"]').textContent(), c.global_reason);
    const flags = await card.locator(".badge").evaluateAll((els) => els.map((e) => e.dataset.flag));
    for (const flag of ["rfc1918", "loopback", "link_local", "multicast", "documentation", "shared", "reserved"]) {
      assert.equal(flags.includes(flag), c[flag], `${address} ${flag}`);
    }
    assert.equal(flags.includes("global"), c.global, `${address} global`);
    assert.deepEqual(await card.locator("tbody tr").evaluateAll((els) => els.map((e) => e.dataset.cidr)), c.ranges.map((r) => r.cidr));
  }
  assert.match(await text(page, '#classify-results [data-flag="rfc1918"]'), /^内网 \(private\)/);
  const bad = cli("classify", "not-an-ip").json.error;
  assert.equal(await text(page, "#classify-results li.bad .error-inline"), `line 6: ${bad}`);
  // Every address counted once: 1 内网, 1 public, the other 3 for another use.
  assert.match(await text(page, "#classify-summary"), /^5 addresses: 1 内网 \(private\), 1 public, 3 for another special use .*; 1 line not understood/);
  // Each card is headed by its most specific registry row.
  assert.equal(await text(page, '#classify-results li[data-address="127.0.0.1"] h3 [data-field="row"]'), cli("classify", "127.0.0.1").json.ranges.at(-1).name);
  assert.equal(await page.locator('#classify-results li[data-address="8.8.8.8"] h3 [data-field="row"]').count(), 0);
  assert.match(await text(page, '#classify-results li[data-address="224.0.0.251"] [data-flag="multicast"]'), /^multicast, scope: /);
  assert.match(await text(page, "#classify-python"), /# is_private is not 内网/);

  await page.fill("#classify-input", "10.1.2.3");
  assert.equal(await page.locator("#classify-results li").count(), 1);
  assert.equal(await text(page, '#classify-results li[data-address="10.1.2.3"] tbody td:nth-child(2)'), cli("classify", "10.1.2.3").json.ranges[0].cidr);
  await urlHas(page, "addrs", "10.1.2.3");
  await page.fill("#classify-input", addrs.slice(0, -1).join("\n"));
  await screenshot(page, "classify");
  assert.deepEqual(errors, []);
  await page.close();
});

test("Classify in Chinese: the reason is worded in Chinese from the core's rule, naming the CLI's block", async () => {
  // One address per rule of the core: registry row (not global, global),
  // multicast scope, 6to4 carrying an address, IPv4 and IPv6 in no row.
  const addrs = ["192.168.1.10", "192.0.0.9", "ff02::1", "2002:c000:204::1", "8.8.8.8", "2620:0:1cfe::1", "4000::1"];
  const { page, errors } = await openTool({ tool: "classify", addrs: addrs.join("\n") });
  await page.selectOption("#lang", "zh");
  const want = {
    "192.168.1.10": /^IANA 注册表中 192\.168\.0\.0\/16（私有地址，即内网）标为非全球可达$/,
    "192.0.0.9": /^IANA 注册表中 192\.0\.0\.9\/32（端口控制协议 PCP 任播）标为全球可达$/,
    "ff02::1": /^组播地址，范围是链路本地$/,
    "2002:c000:204::1": /^2002::\/16（6to4）内含 192\.0\.2\.4，它不是公网地址$/,
    "8.8.8.8": /^公网单播地址/,
    "2620:0:1cfe::1": /^全球单播地址（2000::\/3）/,
    "4000::1": /^不在 2000::\/3 中/,
  };
  for (const address of addrs) {
    const c = cli("classify", address).json;
    const reason = await text(page, `#classify-results li[data-address="${c.address}"] [data-field="global_reason"]`);
    assert.match(reason, want[address], `${address}: the CLI says "${c.global_reason}"`);
    // The block the CLI's sentence names is the one the Chinese names.
    const block = c.global_reason.match(/^(\S+\/\d+) \(/);
    if (block) assert.ok(reason.includes(block[1]), `${address}: ${reason} names ${block[1]}`);
  }
  assert.equal(await text(page, '#classify-results li[data-address="ff02::1"] [data-flag="multicast"]'), "组播 (multicast)，范围：链路本地");
  await page.fill("#classify-input", "255.255.255.255");
  assert.equal(await text(page, '#classify-results li[data-address="255.255.255.255"] h3 [data-field="row"]'), "受限广播 (Limited Broadcast)");
  // The choice is remembered: the other tests read English.
  await page.selectOption("#lang", "en");
  assert.deepEqual(errors, []);
  await page.close();
});

test("Ports & MAC: service lookups both ways and the MAC report agree with the CLI", async () => {
  const { page, errors } = await openTool({ tool: "ports", port: "53", proto: "udp", mac: "01-00-5E-00-00-FB" });
  const port = cli("port", "53", "--udp").json;
  const row = (table, field) => text(page, `#${table} tr[data-field="${field}"] td`);
  assert.equal(await row("port-table", "service"), port.service.name);
  assert.equal(await row("port-table", "protocol"), port.protocol);
  assert.equal(await row("port-table", "aliases"), port.service.aliases.join(", "));
  assert.equal(await page.getAttribute("#port-ranges li[aria-current]", "data-range"), port.range);
  assert.match(await text(page, "#port-python"), /socket\.getservbyport\(53, 'udp'\)  # 'domain'/);
  const mac = cli("mac", "01-00-5E-00-00-FB").json;
  for (const field of ["colon", "dash", "dot", "bare", "oui", "eui64", "modified_eui64", "ipv6_link_local"]) {
    assert.equal(await row("mac-table", field), mac[field], field);
  }
  assert.equal(mac.multicast, true);
  assert.match(await text(page, '#mac-bits [data-flag="I/G"]'), /group \(multicast\)/);
  // mDNS's MAC: the group it carries, and no link-local address from it.
  assert.deepEqual(mac.group, { kind: "ipv4", lowest: "224.0.0.251" });
  assert.match(await row("mac-table", "group"), /^IPv4 multicast 224\.0\.0\.251 and the 31 other groups/);
  assert.match(await text(page, "#mac-summary"), /no link-local address comes from it/);

  await page.fill("#port-input", "ssh");
  await page.selectOption("#port-proto", "");
  assert.equal(await row("port-table", "port"), String(cli("port", "ssh").json.port));
  await urlHas(page, "port", "ssh");
  await page.fill("#port-input", "no-such-service");
  assert.equal(await text(page, "#port-input-error"), cli("port", "no-such-service").json.error);
  // A refused lookup's Python line says what CPython raises, checked by running it.
  for (const query of ["70000", "-1", "no-such-service"]) {
    await page.fill("#port-input", query);
    const [, call, said] = (await text(page, "#port-python")).match(/^(socket\.\S+\))  # (.*)$/m);
    const run = spawnSync("python3", ["-c", `import socket\ntry:\n    ${call}\nexcept Exception as e:\n    print(type(e).__name__ + ': ' + str(e))`], { encoding: "utf8" });
    assert.equal(run.stdout.trim(), said, `${query}: ${call}`);
  }
  await page.fill("#mac-input", "00:1a:2b:3c:4d:5e");
  assert.equal(await row("mac-table", "ipv6_link_local"), cli("mac", "00:1a:2b:3c:4d:5e").json.ipv6_link_local);
  assert.equal(await page.locator('#mac-table tr[data-field="group"]').count(), 0);
  await page.fill("#mac-input", "33:33:ff:3c:4d:5e");
  assert.match(await row("mac-table", "group"), /solicited-node group ff02::1:ff3c:4d5e/);
  await page.fill("#mac-input", "00:1a:2b:3c:4d:5e");
  await page.fill("#port-input", "mysql");
  await screenshot(page, "ports");
  assert.deepEqual(errors, []);
  await page.close();
});

test("Subnet: a split too long to list shows its first subnets and counts the rest, without an error", async () => {
  // The seeds' 内网 10.0.0.0/8 into /26s: 262144 subnets.
  const { page, errors } = await openTool({ tool: "subnet", subnet: "10.0.0.0/8", by: "prefix", split: "26" });
  await page.waitForSelector("#split-list li");
  assert.equal(await page.locator("#split-value-error").textContent(), "");
  assert.equal(await page.locator("#split-list li").count(), 256);
  assert.equal(await text(page, "#split-list li"), "10.0.0.0/26");
  assert.equal(await text(page, "#split-more"), `… and ${262144 - 256} more.`);
  assert.deepEqual(errors, []);
  await page.close();
});

test("struct: a str where bytes belong is refused as CPython refuses it (Python 3's str/bytes mistake)", async () => {
  const { page, errors } = await openTool({ tool: "struct", fmt: "5s", values: "'abc'" });
  // CPython 3.11: struct.pack('5s', 'abc') -> struct.error: argument for 's' must be a bytes object
  assert.equal(await text(page, "#struct-values-error"), "argument for 's' must be a bytes object");
  assert.match(await text(page, "#struct-python"), /struct\.pack\('5s', 'abc'\)  # struct\.error: argument for 's' must be a bytes object/);
  // '?' takes any object's truth, a str's included; b'abc' packs.
  await page.fill("#struct-format", "?5s");
  await page.fill("#struct-values", "'x', b'abc'");
  await page.waitForFunction(() => (document.querySelector("#struct-python")?.textContent ?? "").includes("# b'"));
  assert.match(await text(page, "#struct-python"), /struct\.pack\('\?5s', 'x', b'abc'\)  # b'\\x01abc\\x00\\x00'/);
  // None, what a function that forgot its return gives: CPython 3.11 says
  // struct.error: required argument is not an integer.
  await page.fill("#struct-format", "i");
  await page.fill("#struct-values", "None");
  await page.waitForFunction(() => (document.querySelector("#struct-values-error")?.textContent ?? "") !== "");
  assert.equal(await text(page, "#struct-values-error"), "required argument is not an integer");
  assert.match(await text(page, "#struct-python"), /struct\.pack\('i', None\)  # struct\.error: required argument is not an integer/);
  // Out of range: CPython's words, the range in the page's, and seed 000 §6.6's slip for 'i'.
  await page.fill("#struct-values", "2147483648");
  await page.waitForSelector("#struct-range-note");
  assert.equal(await text(page, "#struct-values-error"), "'i' format requires -2147483648 <= number <= 2147483647");
  assert.match(await text(page, "#struct-range-note"), /^The value does not fit: 'i' holds whole numbers from -2147483648 to 2147483647\. Seed 000 §6\.6 writes this range as -2\*\*31-1 ~ 2\*\*31/);
  await page.fill("#struct-format", "B");
  await page.fill("#struct-values", "300");
  await page.waitForFunction(() => /'B' holds whole numbers from 0 to 255\.$/.test(document.querySelector("#struct-range-note")?.textContent ?? ""));
  assert.deepEqual(errors, []);
  await page.close();
});

test("struct: pack, unpack, calcsize, padding and byte orders agree with the CLI, errors are CPython's", async () => {
  const { page, errors } = await openTool({ tool: "struct", fmt: "ci", values: "b'a', 5" });
  const packed = cli("pack", "ci", "a", "5").json;
  const hexOf = async () => (await texts(page, "#struct-hex .field:not(.padding) .byte")).join("");
  const allHex = async () => (await texts(page, "#struct-hex .byte")).join("");
  assert.equal(await allHex(), packed.hex);
  assert.equal(await text(page, '#struct-calcsize [data-field="size"]'), String(cli("calcsize", "ci").json.size));
  // Native alignment: 3 bytes of padding before the int, shown as such.
  assert.equal(cli("calcsize", "ci").json.items[1].padding, 3);
  assert.equal((await texts(page, "#struct-hex .padding .byte")).length, 3);
  assert.equal(await hexOf(), "6105000000");
  // Each byte order side by side.
  for (const order of ["<", ">", "!"]) {
    const hex = cli("pack", `${order}ci`, "a", "5").json.hex;
    assert.equal((await text(page, `#struct-orders [data-order="${order}"] [data-field="result"]`)).replaceAll(" ", ""), hex);
  }
  // Hovering a format character lights its bytes up, and the other way round.
  await page.hover('#struct-format-view [data-item="1"]');
  assert.equal(await page.locator('#struct-hex .field.hl[data-item="1"]:not(.padding)').count(), 1);
  await screenshot(page, "struct");
  await page.focus('#struct-hex .field[data-item="0"]');
  assert.equal(await page.locator('#struct-format-view .tok.hl[data-item="0"]').count(), 1);
  assert.match(await text(page, "#struct-python"), /struct\.pack\('ci', b'a', 5\)  # b'a\\x00\\x00\\x00\\x05\\x00\\x00\\x00'/);

  // The tutorial's example: struct.pack('i', 123456789) is b'\x15\xcd[\x07'.
  await page.fill("#struct-format", "!HH4s");
  await page.fill("#struct-values", "1, 2, b'abcd'");
  assert.equal(await allHex(), cli("pack", "!HH4s", "1", "2", "abcd").json.hex);
  await urlHas(page, "fmt", "!HH4s");
  await page.fill("#struct-values", "-1, 2, b'abcd'");
  assert.equal(await text(page, "#struct-values-error"), cli("pack", "!HH4s", "-1", "2", "abcd").json.error);
  await page.fill("#struct-format", "!Z");
  assert.equal(await text(page, "#struct-format-error"), cli("calcsize", "!Z").json.error);
  assert.equal(await page.getAttribute("#struct-format", "aria-invalid"), "true");

  // Bytes to values.
  await page.fill("#struct-format", "<hd?");
  await page.check("#struct-dir-unpack");
  const hex = "feff000000000000e03f01";
  await page.fill("#struct-bytes", hex);
  const unpacked = cli("unpack", "<hd?", hex).json;
  assert.equal(await text(page, '#struct-result [data-field="values"]'), `(${unpacked.values.map((v) => (v === true ? "True" : v)).join(", ")})`);
  await urlHas(page, "dir", "unpack");
  await page.fill("#struct-bytes", "feff");
  assert.equal(await text(page, "#struct-bytes-error"), cli("unpack", "<hd?", "feff").json.error);
  await page.close();

  const tutorial = await openTool({ tool: "struct" });
  assert.equal(await tutorial.page.inputValue("#struct-format"), "i");
  assert.equal(await text(tutorial.page, '#struct-result [data-field="bytes"]'), "b'\\x15\\xcd[\\x07'");
  await tutorial.page.close();
  assert.deepEqual([...errors, ...tutorial.errors], []);
});

test("HMAC challenge: the exchange step by step, as hashlib and hmac compute it", async () => {
  const challenge = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
  const rand = Buffer.from(challenge, "hex");
  const state = { tool: "hmac", alg: "sha1", server: "nice@123!", client: "nice@123!", challenge };
  const { page, errors } = await openTool(state);
  const sha1 = createHash("sha1").update("nice@123!").update(rand).digest("hex");
  const step = (i) => page.locator(`#hmac-steps li[data-step="${i}"] [data-field="bytes_hex"]`);
  assert.equal((await step(0).textContent()).replaceAll(" ", ""), challenge);
  assert.equal(await step(1).textContent(), `'${sha1}'`);
  assert.equal(await step(2).textContent(), `'${sha1}'`);
  assert.match(await text(page, "#hmac-summary"), /^Accepted/);
  assert.match(await text(page, "#hmac-python"), new RegExp(`res = sha\\.hexdigest\\(\\)  # '${sha1}'`));
  await screenshot(page, "hmac");

  await page.selectOption("#hmac-alg", "hmac-sha256");
  await page.fill("#hmac-client", "wrong");
  const answer = createHmac("sha256", "wrong").update(rand).digest("hex");
  const expected = createHmac("sha256", "nice@123!").update(rand).digest("hex");
  assert.equal((await step(1).textContent()).replaceAll(" ", ""), answer);
  assert.equal((await step(2).textContent()).replaceAll(" ", ""), expected);
  assert.match(await text(page, "#hmac-summary"), /^Refused/);
  assert.equal(await page.getAttribute('#hmac-steps li[data-step="3"]', "class"), "step server bad");
  await urlHas(page, "client", "wrong");
  assert.equal(params(page).get("alg"), "hmac-sha256");
  // The seed's hmac.new(key, msg) fails on today's Python: the block says why, in Python's words.
  const digestmod = spawnSync("python3", ["-c", "import hmac\ntry:\n    hmac.new(b'k', b'm')\nexcept TypeError as e:\n    print(e)"], { encoding: "utf8" }).stdout.trim();
  assert.ok((await text(page, "#hmac-python")).includes(`(${digestmod.replace(/\.$/, "")})`), digestmod);

  await page.click("#hmac-new");
  assert.notEqual(await page.inputValue("#hmac-challenge"), challenge);
  await page.fill("#hmac-challenge", "abc");
  assert.match(await text(page, "#hmac-challenge-error"), /odd number of hex digits/);
  assert.deepEqual(errors, []);
  await page.close();
});
