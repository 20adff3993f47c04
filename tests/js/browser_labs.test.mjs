// The Labs tool against a real relay and its lab servers: each guided
// exercise runs to its end (sticky: one recv of 9 bytes b'hellonice';
// upload: the sha256s match, and download brings the file back; auth:
// the right secret accepted, a wrong one refused; cmd: `bytes 100000`
// reassembled to exactly 100000 bytes), a seed's client.py run natively
// talks to the page's listening socket, two pages chat over UDP, and the
// screens for a relay that is down (then back), a wrong token, a lab whose
// port is busy and a refused connection. Axe finds nothing serious, in
// English and Chinese.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import net from "node:net";
import path from "node:path";
import { ROOT, startRelay, launchChromium, openPlayground, screenshot } from "./helpers.mjs";

const AXE = path.join(ROOT, "node_modules/axe-core/axe.min.js");
const TOKEN = randomBytes(16).toString("hex");

let relay, browser, listen;

/** A loopback port nothing listens on (free now). */
function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = /** @type {net.AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

const start = () => startRelay(["--token", TOKEN], { labs: true, listen });

before(async () => {
  listen = `127.0.0.1:${await freePort()}`;
  relay = await start();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  if (relay) assert.equal(await relay.stop(), 0, "relay exits 0 on SIGTERM");
});

/** The playground on the Labs tool, connected to the relay. */
async function openLabs(lab = "hello", extra = "", base = relay) {
  const { page, errors } = await openPlayground(browser.context, `${base.url}&tool=labs&lab=${lab}${extra}`);
  await page.waitForSelector('#labs-screen[data-screen="connected"]');
  return { page, errors };
}

/** Runs the exercise on screen and waits for its verdict. */
async function runExercise(page) {
  await page.click("#labs-run");
  await page.waitForSelector("#labs-result[data-ok]", { timeout: 30_000 });
  return {
    ok: await page.getAttribute("#labs-result", "data-ok"),
    log: (await page.locator("#labs-log li").allTextContents()).join("\n"),
    result: await page.locator("#labs-result").textContent(),
  };
}

/** Runs `python3 tests/seeds/SCRIPT ARGS…`; resolves to {code, stdout, stderr}. */
function seed(script, args) {
  return new Promise((resolve, reject) => {
    const child = spawn("python3", [path.join(ROOT, "tests/seeds", script), ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`${script} ran over 20 s:\n${stderr}`));
    }, 20_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** axe's serious and critical violations, one line each. */
async function violations(page) {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ path: AXE });
  const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(" ")}: ${n.failureSummary}`));
}

const fragment = (page) => new URLSearchParams(new URL(page.url()).hash.slice(1));

test("hello, echo and upper run to their ends; the lab is in the URL and the token stays in the fragment", async () => {
  const { page, errors } = await openLabs("hello");
  assert.match(await page.locator("#labs-screen").textContent(), /Connected to netlab-relay .*10 lab servers/);
  const hello = await runExercise(page);
  assert.equal(hello.ok, "true", hello.log);
  assert.match(hello.log, /msg = sk\.recv\(1024\) {2}# b'hello'/);
  for (const lab of ["echo", "upper"]) {
    await page.selectOption("#labs-lab", lab);
    await page.waitForFunction((lab) => location.hash.includes(`lab=${lab}`), lab);
    assert.equal(fragment(page).get("lab"), lab);
    assert.equal(fragment(page).get("token"), TOKEN);
    const r = await runExercise(page);
    assert.equal(r.ok, "true", r.log);
    assert.match(r.log, lab === "upper" ? /= b'HELLO 2'/ : /= b'hello 2'/);
    assert.equal((r.log.match(/^client \d/gm) ?? []).length, 6, "3 clients × 2 rounds");
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test("sticky: one recv of 9 bytes b'hellonice', merged in the timeline; framed decodes the struct headers", async () => {
  const { page, errors } = await openLabs("sticky");
  const r = await runExercise(page);
  assert.equal(r.ok, "true", r.log);
  assert.equal(await page.getAttribute("#labs-sticky-chunk", "data-size"), "9");
  assert.equal(await page.getAttribute("#labs-sticky-chunk", "data-text"), "hellonice");
  assert.match(r.log, /msg1 = sk\.recv\(1024\) {2}# b'hellonice' {2}\(9\)\nmsg2 = sk\.recv\(1024\) {2}# b''/);
  const recvRow = page.locator('#labs-timeline tr[data-dir="recv"][data-size="9"]');
  assert.equal(await recvRow.count(), 1);
  assert.match(await recvRow.textContent(), /b'hellonice'/);
  // The chunks as the relay read them add up to the 9 bytes.
  const sock = await recvRow.getAttribute("data-sock");
  const ins = await page.locator(`#labs-timeline tr[data-dir="in"][data-sock="${sock}"]`).evaluateAll((rows) => rows.map((r) => Number(r.getAttribute("data-size"))));
  assert.equal(ins.reduce((a, b) => a + b, 0), 9);
  if (ins.length > 1) assert.match(await recvRow.textContent(), /merges 2 chunks/);
  // The timeline shows one socket at a time on request.
  await page.selectOption("#labs-trace-sock", sock);
  const shown = await page.locator("#labs-timeline tbody tr:not([hidden])").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-sock")));
  assert.ok(shown.length >= 2 && shown.every((s) => s === sock), shown.join());
  await page.selectOption("#labs-trace-sock", "");
  // A chunk opens as a reconstructed frame around its real payload and ports.
  const inRow = page.locator(`#labs-timeline tr[data-dir="in"][data-sock="${sock}"]`).first();
  // Its button says which chunk it opens (every row has one).
  assert.match((await inRow.locator("button.frame").getAttribute("aria-label")) ?? "", new RegExp(`^frame of the ${ins[0]}-byte chunk in on #${sock} at \\d+ ms$`));
  await inRow.locator("button.frame").click();
  assert.equal(await inRow.locator("button.frame").getAttribute("aria-expanded"), "true");
  const frame = page.locator("#labs-timeline tr.frame-row").first();
  assert.match(await frame.textContent(), new RegExp(`Reconstructed, not captured.*\\(${54 + ins[0]} bytes\\)`));
  const layers = await frame.locator("li").allTextContents();
  assert.equal(layers.length, 4, layers.join("\n"));
  assert.match(layers[2], /TCP/);
  assert.match(layers[3], new RegExp(`\\(${ins[0]} B\\)$`));
  await screenshot(page, "labs");

  await page.selectOption("#labs-lab", "framed");
  const f = await runExercise(page);
  assert.equal(f.ok, "true", f.log);
  assert.match(f.log, /head = sk\.recv\(4\) {2}# b'\\x05\\x00\\x00\\x00'; struct\.unpack\('i', head\) = \(5,\)\nsk\.recv\(5\) {2}# b'hello'/);
  assert.match(f.log, /struct\.unpack\('i', head\) = \(4,\)\nsk\.recv\(4\) {2}# b'nice'/);
  assert.deepEqual(errors, []);
  await page.close();
});

test("upload a picked file: the JSON header, the progress bar, the sha256s match; download brings it back", async () => {
  const { page, errors } = await openLabs("upload");
  const body = randomBytes(300_000);
  const sha = createHash("sha256").update(body).digest("hex");
  const none = await runExercise(page);
  assert.equal(none.ok, "false");
  assert.match(none.result, /Pick a file/);
  await page.setInputFiles("#labs-in-upload", { name: "report.bin", mimeType: "application/octet-stream", buffer: body });
  const r = await runExercise(page);
  assert.equal(r.ok, "true", r.log);
  assert.equal(await page.locator("#labs-header").textContent(), '{"filename": "report.bin", "filesize": 300000}');
  assert.equal(await page.locator("#labs-mlen").textContent(), "b'.\\x00\\x00\\x00'");
  assert.equal(await page.locator("#labs-sha-local").textContent(), sha);
  assert.equal(await page.locator("#labs-sha-server").textContent(), sha);
  assert.equal(await page.getAttribute("#labs-extra", "data-sha"), "match");
  assert.equal(await page.evaluate(() => document.querySelector("#labs-progress").value), 300_000);

  await page.selectOption("#labs-lab", "download");
  await page.fill("#labs-in-file", "report.bin");
  const d = await runExercise(page);
  assert.equal(d.ok, "true", d.log);
  assert.equal(await page.locator("#labs-sha-local").textContent(), sha);
  assert.equal(await page.getAttribute("#labs-save", "download"), "report.bin");
  await page.fill("#labs-in-file", "nope.txt");
  const missing = await runExercise(page);
  assert.equal(missing.ok, "false");
  assert.match(missing.result, /No data/);
  assert.deepEqual(errors, []);
  await page.close();
});

test("auth: the digest computed in WASM is accepted with the right secret, refused with a wrong one", async () => {
  const { page, errors } = await openLabs("auth");
  for (const alg of ["sha1", "hmac-sha256"]) {
    await page.selectOption("#labs-in-alg", alg);
    const r = await runExercise(page);
    assert.equal(r.ok, "true", r.log);
    assert.equal(await page.getAttribute("#labs-extra", "data-verdict"), "accepted");
    assert.match(r.log, /sk\.recv\(1024\) {2}# b'hello'\nsk\.send\(b'abc'\) → sk\.recv\(1024\) {2}# b'ABC'/);
  }
  await page.fill("#labs-in-secret", "wrong");
  await page.waitForFunction(() => location.hash.includes("secret=wrong"));
  assert.equal(fragment(page).get("secret"), "wrong");
  const bad = await runExercise(page);
  assert.equal(bad.ok, "false");
  assert.equal(await page.getAttribute("#labs-extra", "data-verdict"), "refused");
  assert.match(bad.log, /sk\.recv\(1024\) {2}# b''/);
  assert.deepEqual(errors, []);
  await page.close();
});

test("cmd `bytes 100000`: the info|<len> header, then exactly 100000 bytes reassembled", async () => {
  const { page, errors } = await openLabs("cmd");
  assert.equal(await page.inputValue("#labs-in-cmd"), "bytes 100000");
  const r = await runExercise(page);
  assert.equal(r.ok, "true", r.log);
  assert.equal(await page.getAttribute("#labs-cmd-total", "data-bytes"), "100000");
  assert.equal(await page.getAttribute("#labs-cmd-total", "data-length"), "100000");
  assert.ok(Number(await page.getAttribute("#labs-cmd-total", "data-recvs")) > 1, "one recv(1024) is not enough");
  assert.match(r.log, /欢迎登录/);
  assert.match(r.log, /basic_info_bytes = sk\.recv\(1024\) {2}# \d+ bytes: b'info\|100000/);
  await page.fill("#labs-in-cmd", "echo 你好");
  const e = await runExercise(page);
  assert.equal(e.ok, "true", e.log);
  assert.match(await page.locator("#labs-extra pre").textContent(), /^你好$/);
  assert.deepEqual(errors, []);
  await page.close();
});

test("two pages chat over the UDP lab", async () => {
  const a = await openLabs("chat", "&name=alice");
  const b = await openLabs("chat", "&name=bob");
  await a.page.click("#labs-run");
  await a.page.waitForSelector("#labs-chat-lines li");
  await b.page.click("#labs-run");
  await b.page.waitForSelector("#labs-chat-lines li");
  await a.page.waitForFunction(() => document.querySelector("#labs-chat-lines")?.textContent?.includes("bob|joined"));
  await a.page.fill("#labs-chat-msg", "hi from A");
  await a.page.press("#labs-chat-msg", "Enter");
  await b.page.waitForFunction(() => [...document.querySelectorAll("#labs-chat-lines li")].some((li) => li.textContent === "alice|hi from A"));
  await b.page.fill("#labs-chat-msg", "hi back");
  await b.page.click("#labs-chat-send");
  await a.page.waitForFunction(() => [...document.querySelectorAll("#labs-chat-lines li")].some((li) => li.textContent === "bob|hi back"));
  await a.page.click("#labs-stop");
  await a.page.waitForSelector("#labs-run:not([disabled])");
  assert.deepEqual([...a.errors, ...b.errors], []);
  await a.page.close();
  await b.page.close();
});

test("the page as server: the seed's client.py, run natively, connects and the page shows its data", async () => {
  // The seed's port by default, so its client.py runs unchanged.
  const seedPort = await openLabs("server");
  assert.equal(await seedPort.page.inputValue("#labs-in-listen"), "9000");
  await seedPort.page.close();
  // Any free port here (9000 may be taken on a test machine): the page
  // says which line of client.py to change.
  const { page, errors } = await openLabs("server", "&listen=0");
  await page.click("#labs-run");
  await page.waitForSelector("#labs-server-cmd");
  const port = await page.getAttribute("#labs-server-cmd", "data-port");
  assert.equal(await page.locator("#labs-server-cmd").textContent(), "python3 client.py");
  assert.equal(await page.locator("#labs-server-connect").textContent(), `sk.connect(('127.0.0.1', ${port}))`);
  assert.match(await page.locator("#labs-extra").textContent(), new RegExp(`port changed from 9000 to ${port}`));
  for (let i = 0; i < 2; i++) {
    const client = await seed("hello_client.py", [port]);
    assert.equal(client.code, 0, client.stderr);
    assert.equal(client.stdout, "b'hello'\n");
  }
  await page.waitForFunction(() => document.querySelectorAll("#labs-log li.got").length === 2);
  const got = await page.locator("#labs-log li.got").allTextContents();
  assert.deepEqual(got, ["msg = conn.recv(1024)  # b'bye'", "msg = conn.recv(1024)  # b'bye'"]);
  // The timeline names the accepted connections by their order, not by relay ids from 2^31.
  const socks = await page.locator("#labs-timeline tbody tr td:nth-child(2)").allTextContents();
  assert.ok(socks.some((s) => /^accepted #1 tcp /.test(s)) && socks.some((s) => /^accepted #2 tcp /.test(s)), socks.join("\n"));
  assert.ok(!socks.some((s) => s.includes("2147483648")), socks.join("\n"));
  assert.match((await page.locator("#labs-log").textContent()) ?? "", /conn, addr = sk\.accept\(\) {2}# \('127\.0\.0\.1', \d+\)/);
  await page.click("#labs-stop");
  assert.deepEqual(errors, []);
  await page.close();
});

test("the console: the examples run; a refused connection shows its screen", async () => {
  const { page } = await openLabs("hello");
  await page.click("#labs-code-run");
  await page.waitForFunction(() => document.querySelector("#labs-code-out")?.textContent !== "");
  assert.equal(await page.locator("#labs-code-out").textContent(), "b'hi'\n");
  await page.selectOption("#labs-example", "1");
  await page.click("#labs-code-run");
  await page.waitForFunction(() => (document.querySelector("#labs-code-out")?.textContent ?? "").split("\n").length >= 3);
  assert.equal(await page.locator("#labs-code-out").textContent(), "b'hellonice'\nb''\n");
  const port = await freePort();
  await page.fill("#labs-code", `const s = relay.socket('tcp');\nawait s.connect('127.0.0.1', ${port});`);
  await page.click("#labs-code-run");
  await page.waitForSelector('#labs-screen[data-screen="refused"]');
  assert.equal(await page.locator("#labs-code-out").textContent(), "ConnectionRefusedError: [Errno 111] Connection refused\n");
  assert.match(await page.locator("#labs-screen").textContent(), /Connection refused/);
  await page.close();
});

test("a wrong token and a lab whose port was busy have their own screens", async () => {
  const wrong = await browser.context.newPage();
  await wrong.goto(`${relay.base}/#token=nope&tool=labs`);
  await wrong.waitForSelector('#labs-screen[data-screen="token"]');
  assert.match(await wrong.locator("#labs-screen").textContent(), /token is wrong or missing/);
  // Pasting the URL with the right token (only the fragment changes) connects.
  await wrong.evaluate((token) => {
    location.hash = `token=${token}&tool=labs`;
  }, TOKEN);
  await wrong.waitForSelector('#labs-screen[data-screen="connected"]');
  await wrong.close();

  const holder = net.createServer();
  await new Promise((r) => holder.listen(0, "127.0.0.1", r));
  const busyPort = /** @type {net.AddressInfo} */ (holder.address()).port;
  const other = await startRelay(["--lab", `hello=${busyPort}`], { labs: true });
  try {
    const said = new RegExp(`lab hello not started: cannot listen on 127\\.0\\.0\\.1:${busyPort}`);
    for (let i = 0; i < 50 && !said.test(other.stdout()); i++) await new Promise((r) => setTimeout(r, 100));
    assert.match(other.stdout(), said);
    const { page } = await openLabs("hello", "", other);
    await page.waitForSelector('#labs-busy[data-screen="busy"]:not([hidden])');
    assert.match(await page.locator("#labs-busy").textContent(), /The hello lab is not running: its port was busy/);
    assert.equal(await page.isDisabled("#labs-run"), true);
    await page.selectOption("#labs-lab", "echo");
    assert.equal(await page.isHidden("#labs-busy"), true);
    await page.close();
  } finally {
    await other.stop();
    holder.close();
  }
});

test("axe finds nothing serious in English and Chinese; the tool relabels", async () => {
  const { page, errors } = await openLabs("sticky");
  await runExercise(page);
  assert.deepEqual(await violations(page), []);
  await page.selectOption("#lang", "zh");
  await page.waitForSelector('#labs-screen[data-screen="connected"]');
  assert.equal(await page.locator("#panel-labs h2").textContent(), "套接字实验");
  assert.match(await page.locator("#labs-screen").textContent(), /已连接/);
  assert.deepEqual(await violations(page), []);
  await page.selectOption("#lang", "en");
  // Keyboard: the lab select and the Run button are reachable and work.
  await page.focus("#labs-lab");
  await page.keyboard.press("ArrowDown");
  assert.equal(await page.inputValue("#labs-lab"), "framed");
  await page.focus("#labs-run");
  await page.keyboard.press("Enter");
  await page.waitForSelector('#labs-result[data-ok="true"]');
  assert.deepEqual(errors, []);
  await page.close();
});

test("killing the relay shows 'relay not running'; restarting it lets the page reconnect", async () => {
  const { page } = await openLabs("hello");
  assert.equal(await relay.stop(), 0);
  relay = null;
  await page.waitForSelector('#labs-screen[data-screen="down"]');
  assert.match(await page.locator("#labs-screen").textContent(), /The relay is not running/);
  assert.match(await page.locator("#labs-start-cmd").textContent(), /netlab-relay/);
  assert.equal(await page.isDisabled("#labs-run"), true);
  relay = await start();
  await page.waitForSelector('#labs-screen[data-screen="connected"]', { timeout: 15_000 });
  const r = await runExercise(page);
  assert.equal(r.ok, "true", r.log);
  await page.close();
});
