// The playground's JavaScript type-checks: every module in web/ and
// web/tools/ is `// @ts-check` JSDoc, checked by `tsc --noEmit` (npm
// typescript, pinned) against the .d.ts that wasm-bindgen writes to web/pkg.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { ROOT } from "./helpers.mjs";

const sources = ["web", "web/tools", "web/views"].flatMap((dir) =>
  readdirSync(path.join(ROOT, dir))
    .filter((f) => f.endsWith(".js"))
    .map((f) => path.join(dir, f)),
);

test("every web module asks to be checked", () => {
  for (const file of sources) assert.match(readFileSync(path.join(ROOT, file), "utf8"), /^\/\/ @ts-check$/m, file);
});

test("tsc --noEmit finds no type error in web/**/*.js", () => {
  const tsc = path.join(ROOT, "node_modules/.bin/tsc");
  const options = [
    "--noEmit", "--allowJs", "--checkJs", "--strict", "--skipLibCheck",
    "--target", "es2022", "--module", "esnext", "--moduleResolution", "bundler",
    "--lib", "es2022,dom,dom.iterable",
  ];
  const r = spawnSync(tsc, [...options, ...sources], { cwd: ROOT, encoding: "utf8" });
  assert.equal(r.error, undefined, `cannot run ${tsc}: ${r.error}`);
  assert.equal(r.status, 0, `tsc:\n${r.stdout}${r.stderr}`);
});
