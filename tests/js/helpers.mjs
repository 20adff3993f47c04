// Shared helpers for the Node tests: the built WASM module, the CLI and the relay as processes.
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { before, after } from "node:test";
import assert from "node:assert/strict";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** The WASM module built by `cargo xtask build`, initialised synchronously as in Node. */
export async function loadWasm() {
  const pkg = path.join(ROOT, "web/pkg");
  const mod = await import(path.join(pkg, "netlab_wasm.js"));
  mod.initSync({ module: readFileSync(path.join(pkg, "netlab_wasm_bg.wasm")) });
  return mod;
}

function need(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run these tests through \`cargo xtask test\``);
  return value;
}

/** Runs `netlab ARGS --json`; returns {code, json, stderr}. */
export function cli(...args) {
  const r = spawnSync(need("NETLAB_CLI"), ["--json", ...args], { encoding: "utf8" });
  return { code: r.status, json: r.stdout ? JSON.parse(r.stdout) : null, stderr: r.stderr };
}

/**
 * Starts netlab-relay on a free loopback port (or `listen`); resolves to
 * {url, base, token, stdout, stop}. Without `labs` it runs none; with it,
 * every lab on a free port (`--lab-base-port 0`), which the hello lists.
 * @param {string[]} [extraArgs]
 * @param {{labs?: boolean, listen?: string, labBase?: number}} [o]
 */
export function startRelay(extraArgs = [], o = {}) {
  const labs = o.labs ? ["--lab-base-port", String(o.labBase ?? 0)] : ["--no-labs"];
  const child = spawn(
    need("NETLAB_RELAY"),
    ["--listen", o.listen ?? "127.0.0.1:0", "--web-root", path.join(ROOT, "web"), ...labs, ...extraArgs],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`relay did not start in 20 s:\n${stderr}`)), 20_000);
    child.on("exit", (code) => reject(new Error(`relay exited with ${code}:\n${stderr}`)));
    child.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/(http:\/\/[^\s/]+)\/(#token=([0-9a-f]+))?/);
      if (m) {
        clearTimeout(timer);
        resolve({
          stdout: () => out,
          url: m[0],
          base: m[1],
          token: m[3] ?? null,
          stop: () =>
            new Promise((done) => {
              if (child.exitCode !== null) return done(child.exitCode);
              child.removeAllListeners("exit");
              child.on("exit", (code) => done(code));
              child.kill("SIGTERM");
            }),
        });
      }
    });
  });
}

/**
 * Linux's ephemeral port range, `[first, last]`, as this machine has it
 * (`/proc/sys/net/ipv4/ip_local_port_range`; Linux's default when that
 * cannot be read).
 * @returns {[number, number]}
 */
function ephemeralRange() {
  try {
    const [first, last] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8")
      .trim()
      .split(/\s+/)
      .map(Number);
    if (Number.isInteger(first) && Number.isInteger(last) && first <= last) return [first, last];
  } catch {
    // not Linux, or no /proc: Linux's default below
  }
  return [32768, 60999];
}

/**
 * The first ports of the blocks of 20 at or above 1024 that lie wholly
 * outside `[first, last]`.
 * @param {[number, number]} range
 * @returns {number[]}
 */
export function blocksOutside([first, last]) {
  const starts = [];
  for (let base = 1040; base + 19 <= 65535; base += 20) {
    if (base + 19 < first || base > last) starts.push(base);
  }
  return starts;
}

/**
 * `startRelay` with its labs, the relay itself on a port outside this
 * machine's ephemeral range ([`ephemeralRange`]) and the labs on the next
 * ten: the kernel never picks one of those for a bind to port 0 or a
 * connect, so a program's own sockets never take the number of one (an
 * IPv6 socket on `::1` may otherwise get the port a lab has on 127.0.0.1,
 * and an IPv4 connect to "its" port then reaches the lab). Also gives
 * `closed`, a port of that block nothing listens on and nothing will bind.
 * @param {string[]} extraArgs
 */
export async function startRelayOffEphemeral(extraArgs = []) {
  const starts = blocksOutside(ephemeralRange());
  if (starts.length === 0) throw new Error("the ephemeral port range leaves no block of 20 ports outside it");
  let last;
  for (let attempt = 0; attempt < 20; attempt++) {
    const base = starts[Math.floor(Math.random() * starts.length)];
    try {
      const relay = await startRelay(extraArgs, { labs: true, listen: `127.0.0.1:${base}`, labBase: base + 1 });
      return { relay, closed: base + 15 };
    } catch (e) {
      last = e; // a port of the block was taken: another block
    }
  }
  throw last;
}

/** A loopback port with nothing listening on it. @returns {Promise<number>} */
export async function closedPort() {
  const net = await import("node:net");
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

/** Debian's Chromium, headless, with nothing reaching out to the network. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Launches /usr/bin/chromium (playwright-core) with a fresh profile, in
 * English unless told otherwise; resolves to {context, close}.
 */
export async function launchChromium(options = {}) {
  const { chromium } = await import("playwright-core");
  const { mkdtempSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const profile = mkdtempSync(path.join(tmpdir(), "netlab-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
    viewport: { width: 1000, height: 760 },
    locale: "en-US",
    ...options,
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * The usual setup of a browser test file: a relay without labs and
 * Chromium, started before its tests and closed after them (the relay must
 * exit 0 on SIGTERM). Returns an object whose `relay` and `browser` are set
 * once the tests run.
 * @returns {{relay: any, browser: any}}
 */
export function relayAndBrowser() {
  const env = { relay: null, browser: null };
  before(async () => {
    env.relay = await startRelay();
    env.browser = await launchChromium();
  });
  after(async () => {
    await env.browser?.close();
    if (env.relay) assert.equal(await env.relay.stop(), 0, "relay exits 0 on SIGTERM");
  });
  return env;
}

/**
 * Opens the playground at `url` in a new page and waits until its first
 * result is on screen; `errors` collects console errors and uncaught ones.
 */
export async function openPlayground(context, url) {
  const page = await context.newPage();
  const errors = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(url);
  await page.waitForSelector("html[data-ready]");
  return { page, errors };
}

/** Writes docs/img/NAME.png of the page when NETLAB_SCREENSHOTS is set. */
export async function screenshot(page, name) {
  if (!process.env.NETLAB_SCREENSHOTS) return;
  const { mkdirSync } = await import("node:fs");
  const dir = path.join(ROOT, "docs/img");
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

/**
 * A TCP connection as frames the WASM module's `encapsulate` builds: seed
 * 000 §6.7's client sends hello and nice behind struct.pack('i', len) in
 * two segments (nice cut between them; the second arrives first), and the
 * server answers b'ok'.
 * @param {any} wasm
 * @returns {Uint8Array[]}
 */
export function framedExchange(wasm) {
  const c = { src: "127.0.0.1", dst: "127.0.0.1", src_port: 53000, dst_port: 8001 };
  const s = { src: "127.0.0.1", dst: "127.0.0.1", src_port: 8001, dst_port: 53000 };
  const wire = Buffer.concat([Buffer.from([5, 0, 0, 0]), Buffer.from("hello"), Buffer.from([4, 0, 0, 0]), Buffer.from("nice")]);
  const seg = (/** @type {object} */ ends, /** @type {number} */ seq, /** @type {number} */ ack, /** @type {string} */ flags, /** @type {Uint8Array | string} */ payload = "") =>
    wasm.encapsulate({ proto: "tcp", ...ends, seq, ack, flags, payload: new Uint8Array(Buffer.from(payload)) }).bytes;
  return [
    seg(c, 100, 0, "SYN"),
    seg(s, 500, 101, "SYN,ACK"),
    seg(c, 101, 501, "ACK"),
    seg(c, 113, 501, "PSH,ACK", wire.subarray(12)),
    seg(c, 101, 501, "PSH,ACK", wire.subarray(0, 12)),
    seg(s, 501, 118, "PSH,ACK", "ok"),
  ];
}

/**
 * Seed 004's UDP chat as frames: `texts` sent in turn from
 * 192.168.1.10:50000 and 192.168.1.20:8080 (the first, third… from the
 * first).
 * @param {any} wasm
 * @param {string[]} texts
 * @returns {Uint8Array[]}
 */
export function udpChat(wasm, texts) {
  const a = { src: "192.168.1.10", dst: "192.168.1.20", src_port: 50000, dst_port: 8080 };
  const b = { src: "192.168.1.20", dst: "192.168.1.10", src_port: 8080, dst_port: 50000 };
  return texts.map((text, i) => wasm.encapsulate({ proto: "udp", ...(i % 2 ? b : a), payload: text }).bytes);
}
