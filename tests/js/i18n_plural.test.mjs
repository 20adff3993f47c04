// English counts agree with their nouns: `t` reads `{n:one|other}` as the
// singular when n is 1, and no English sentence of the playground says
// "1 bytes" or "1 lines are" with every count set to 1.
import { test } from "node:test";
import assert from "node:assert/strict";
import { dictionaries, t } from "../../web/i18n.js";

test("t picks the singular for 1 and the plural otherwise", () => {
  assert.equal(t("classify.bad_lines", { n: 1, lines: "2" }), "1 line is not an address (line 2).");
  assert.equal(t("classify.bad_lines", { n: 2, lines: "2, 5" }), "2 lines are not addresses (lines 2, 5).");
  assert.equal(t("struct.length", { n: 0 }), "(0 bytes)");
  assert.equal(t("struct.length", { n: "1" }), "(1 byte)");
  assert.equal(t("sum.summary", { from: 1, to: 1 }), "1 network becomes 1.");
  // A count the caller did not give stays visible, as a missing `{name}` does.
  assert.equal(t("struct.length", {}), "({n} {n:byte|bytes})");
});

/** "1" (not "#1", "0.1" or "11") before a plural noun or verb. */
const PLURALS = /(?<![#\d.])1 (?:usable |random |CIDR )?(?:bytes|lines|addresses|subnets|networks|bits|hosts|segments|events|steps|frames|packets|clients|blocks|tries|items|are|were|become|cover)\b/;

test("no English sentence puts a plural after a count of 1", () => {
  const bad = [];
  for (const [key, text] of Object.entries(dictionaries.en)) {
    const vars = Object.fromEntries([...String(text).matchAll(/\{(\w+)/g)].map((m) => [m[1], 1]));
    const shown = t(key, vars);
    if (PLURALS.test(shown)) bad.push(`${key}: ${shown}`);
  }
  assert.deepEqual(bad, []);
});

test("the Chinese sentences have no plural forms (Chinese has none)", () => {
  for (const [key, text] of Object.entries(dictionaries.zh)) assert.doesNotMatch(String(text), /\{\w+:[^{}]*\|/, key);
});

test("a Chinese value between Chinese words loses the template's spaces; a number or a Latin name keeps them", async () => {
  const { setLang } = await import("../../web/i18n.js");
  setLang("zh", { remember: false });
  try {
    const vars = { header: "TCP", offset: 50, field: "校验和", found: "e481", expected: "e47e" };
    assert.match(t("finding.checksum", vars), /^TCP：第 50 字节处的校验和是 0xe481，/);
    assert.match(t("finding.checksum", { ...vars, field: "Checksum" }), /^TCP：第 50 字节处的 Checksum 是 0xe481，/);
  } finally {
    setLang("en", { remember: false });
  }
});
