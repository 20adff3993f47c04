// Shared helpers for the Node tests: the built WASM module, the CLI and the relay as processes.
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

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

/** Starts netlab-relay on a free loopback port; resolves to {url, base, token, stop}. */
export function startRelay(extraArgs = []) {
  const child = spawn(
    need("NETLAB_RELAY"),
    ["--listen", "127.0.0.1:0", "--web-root", path.join(ROOT, "web"), "--no-labs", ...extraArgs],
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
