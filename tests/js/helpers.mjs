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
 * @param {{labs?: boolean, listen?: string}} [o]
 */
export function startRelay(extraArgs = [], o = {}) {
  const labs = o.labs ? ["--lab-base-port", "0"] : ["--no-labs"];
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
