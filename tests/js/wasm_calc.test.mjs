// The calculation exports of the WASM module under Node 20: each one agrees
// with `netlab --json` on the same input (results and error messages), a
// sample of the committed CPython vectors passes through the module, 64-bit
// and 128-bit integers arrive as BigInt, and the generated .d.ts types
// every export.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash, createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { ROOT, cli, loadWasm } from "./helpers.mjs";

const wasm = await loadWasm();

/** JSON's view of a WASM result: BigInts become the CLI's decimal strings. */
const asJson = (v) => JSON.parse(JSON.stringify(v, (_, x) => (typeof x === "bigint" ? x.toString() : x)));

const hex = (bytes) => Buffer.from(bytes).toString("hex");
const unhex = (text) => new Uint8Array(Buffer.from(text, "hex"));

/**
 * `netlab --json ARGS` as raw lines, for the commands that print more than
 * one JSON line (an error line per bad item, then the result). Integers of
 * 16 digits or more are quoted before parsing, so none loses precision.
 */
function cliLines(...args) {
  const r = spawnSync(process.env.NETLAB_CLI, ["--json", ...args], { encoding: "utf8" });
  const exact = (line) => JSON.parse(line.replace(/(?<=[:,[])(-?\d{16,})(?=[,\]}])/g, '"$1"'));
  return { code: r.status, lines: r.stdout.trim().split("\n").filter(Boolean).map(exact) };
}

/** Asserts that the CLI refuses ARGS and the module throws an Error with its message. */
function sameError(call, ...args) {
  const { code, json } = cli(...args);
  assert.equal(code, 2, `netlab ${args.join(" ")} should fail`);
  assert.throws(call, (e) => e instanceof Error && e.message === json.error, `${args.join(" ")}: ${json.error}`);
}

/** Asserts that the module's result, BigInts as strings, is the CLI's JSON. */
function sameJson(result, ...args) {
  const { code, json } = cli(...args);
  assert.ok(code === 0 || code === 1, `netlab ${args.join(" ")}: exit ${code} ${JSON.stringify(json)}`);
  assert.deepEqual(asJson(result), json, args.join(" "));
}

const vectors = (name) => JSON.parse(readFileSync(path.join(ROOT, "tests/vectors", name), "utf8"));
/** Every 100th case, and how many there were. */
const sample = (cases) => cases.filter((_, i) => i % 100 === 0);

test("the module exports every calculation function", () => {
  const names = [
    "subnetInfo", "sameSubnet", "splitSubnet", "vlsm", "summarize", "rangeToCidrs", "classify",
    "inetAton", "inetAtonReading", "inetNtoa", "inetPton", "inetNtop", "addressInt", "macInfo",
    "serviceLookup", "structCalcsize", "structLayout", "structPack", "structUnpack", "hmacDigest",
    "hmacTrace", "version",
  ];
  for (const name of names) assert.equal(typeof wasm[name], "function", name);
});

test("the .d.ts gives every export precise types, no `any`", () => {
  const dts = readFileSync(path.join(ROOT, "web/pkg/netlab_wasm.d.ts"), "utf8");
  const exports = [...dts.matchAll(/^export function (\w+)\((.*)\): (.+);$/gm)];
  assert.ok(exports.length >= 20, `only ${exports.length} functions in the .d.ts`);
  for (const [line] of exports) assert.doesNotMatch(line, /\bany\b/, line);
  const expect = {
    subnetInfo: "SubnetReport", sameSubnet: "SameReport", splitSubnet: "SplitList", vlsm: "VlsmPlan",
    summarize: "Networks", rangeToCidrs: "Networks", classify: "Classification", inetAton: "Uint8Array",
    inetAtonReading: "AtonReading", inetNtoa: "string", inetPton: "Uint8Array", inetNtop: "string",
    addressInt: "AddressInt", macInfo: "MacReport", serviceLookup: "PortReport", structCalcsize: "number | bigint",
    structLayout: "StructLayoutItem[]", structPack: "Uint8Array", structUnpack: "StructValue[]",
    hmacDigest: "Uint8Array", hmacTrace: "AuthStep[]", stickySimulate: "StickyReport",
    encapsulate: "Encapsulation", dissect: "Dissection", tcpSimulate: "TcpTrace", lanSimulate: "LanTrace",
  };
  const returns = Object.fromEntries(exports.map(([, name, , ret]) => [name, ret]));
  for (const [name, ret] of Object.entries(expect)) assert.equal(returns[name], ret, name);
  for (const type of Object.values(expect).map((t) => t.replace("[]", ""))) {
    if (!["Uint8Array", "string", "number", "number | bigint"].includes(type)) {
      assert.match(dts, new RegExp(`export (interface|type) ${type}\\b`), type);
    }
  }
});

// --- Addresses and subnets ---------------------------------------------

test("sameSubnet matches `netlab same`", () => {
  const cases = [
    ["192.168.12.1", "192.168.13.1", "255.255.255.0"],
    ["192.168.12.1", "192.168.13.1", "16"],
    ["10.0.0.1", "10.0.0.200", "25"],
    ["2001:db8::1", "2001:db8::ffff", "64"],
    ["2001:db8::1", "2001:db9::1", "32"],
  ];
  for (const [a, b, mask] of cases) {
    const flag = mask.includes(".") ? "--mask" : "--prefix";
    sameJson(wasm.sameSubnet(a, b, mask), "same", a, b, flag, mask);
  }
  assert.deepEqual(wasm.sameSubnet("10.0.0.1", "10.0.0.2", 24), wasm.sameSubnet("10.0.0.1", "10.0.0.2", "24"));
  sameError(() => wasm.sameSubnet("10.0.0.1", "::1", "24"), "same", "10.0.0.1", "::1", "--prefix", "24");
  sameError(() => wasm.sameSubnet("10.0.0.1", "10.0.0.2", "255.0.255.0"), "same", "10.0.0.1", "10.0.0.2", "--mask", "255.0.255.0");
  sameError(() => wasm.sameSubnet("10.0.0.1", "10.0.0.2", 33), "same", "10.0.0.1", "10.0.0.2", "--prefix", "33");
  sameError(() => wasm.sameSubnet("10.0.0.256", "10.0.0.2", 8), "same", "10.0.0.256", "10.0.0.2", "--prefix", "8");
});

test("splitSubnet matches `netlab split`, by prefix and by count", () => {
  const cases = [
    ["192.168.0.0/24", { prefix: 26 }, "--prefix", "26"],
    ["192.168.0.0/24", { prefix: "255.255.255.224" }, "--prefix", "255.255.255.224"],
    ["10.0.0.0/8", { count: 5 }, "--count", "5"],
    ["10.0.0.0/30", { count: 4n }, "--count", "4"],
    ["2001:db8::/32", { prefix: 36 }, "--prefix", "36"],
    ["2001:db8::/126", { count: "2" }, "--count", "2"],
    ["10.0.0.0/16", { prefix: 16 }, "--prefix", "16"],
  ];
  for (const [cidr, by, flag, value] of cases) {
    sameJson(wasm.splitSubnet(cidr, by), "split", cidr, flag, value);
  }
  const errors = [
    ["10.0.0.1/24", { prefix: 26 }, "--prefix", "26"],
    ["10.0.0.0/16", { prefix: 8 }, "--prefix", "8"],
    ["10.0.0.0/16", { prefix: 33 }, "--prefix", "33"],
    ["10.0.0.0/30", { count: 5 }, "--count", "5"],
    ["10.0.0.0/30", { count: 0 }, "--count", "0"],
    ["10.0.0.0/30", { count: -1 }, "--count", "-1"],
    ["10.0.0.0/30", { count: 1.5 }, "--count", "1.5"],
  ];
  for (const [cidr, by, flag, value] of errors) {
    sameError(() => wasm.splitSubnet(cidr, by), "split", cidr, flag, value);
  }
});

test("splitSubnet lists at most the first 65536 subnets, and count says how many there are", () => {
  const full = wasm.splitSubnet("10.0.0.0/16", { prefix: 32 });
  assert.equal(full.subnets.length, 65536);
  assert.equal(full.count, 65536);
  assert.equal(full.subnets.at(-1), "10.0.255.255/32");
  // The seeds' 内网 10.0.0.0/8 into /26s: the first ones at once, all counted.
  const big = wasm.splitSubnet("10.0.0.0/8", { prefix: 26 });
  assert.equal(big.count, 262144);
  assert.equal(big.subnets.length, 65536);
  assert.deepEqual(big.subnets.slice(0, 2), ["10.0.0.0/26", "10.0.0.64/26"]);
  const all = wasm.splitSubnet("::/0", { prefix: 128 });
  assert.equal(all.count, 340282366920938463463374607431768211456n);
  assert.equal(all.subnets[1], "::1/128");
  for (const by of [{}, { prefix: 24, count: 2 }, null]) {
    assert.throws(() => wasm.splitSubnet("10.0.0.0/8", by), { message: "give splitSubnet {prefix: N} or {count: K}" });
  }
});

test("vlsm matches `netlab vlsm`", () => {
  const cases = [
    ["192.168.1.0/24", [100, 50, 20, 2]],
    ["10.0.0.0/29", [1, 2, 2]],
    ["2001:db8::/64", [100, 2]],
    ["0.0.0.0/0", [4294967294]],
  ];
  for (const [cidr, hosts] of cases) sameJson(wasm.vlsm(cidr, hosts), "vlsm", cidr, ...hosts.map(String));
  assert.deepEqual(wasm.vlsm("10.0.0.0/24", [10n, "20"]), wasm.vlsm("10.0.0.0/24", [10, 20]));
  const errors = [
    ["192.168.1.0/24", [100, 100, 60]],
    ["192.168.1.0/24", [0]],
    ["192.168.1.0/24", ["ten"]],
    ["10.0.0.0/8", [4294967296]],
    ["192.168.1.1/24", [2]],
  ];
  for (const [cidr, hosts] of errors) {
    sameError(() => wasm.vlsm(cidr, hosts), "vlsm", cidr, ...hosts.map(String));
  }
});

test("summarize and rangeToCidrs match `netlab summarize` and `netlab range`", () => {
  const lists = [
    ["10.0.1.0/24", "10.0.0.0/24", "10.0.3.0/24"],
    ["192.168.0.0/24", "192.168.1.0/24", "192.168.1.128/25", "10.0.0.1", "10.0.0.0"],
    ["2001:db8::/33", "2001:db8:8000::/33", "10.0.0.0/8"],
    ["0.0.0.0/1", "128.0.0.0/1"],
  ];
  for (const list of lists) sameJson(wasm.summarize(list), "summarize", ...list);
  assert.deepEqual(wasm.summarize([]), { networks: [] });
  // The CLI reports each bad item and goes on; the module throws the first.
  const bad = ["10.0.0.0/24", "10.0.0.1/24", "nonsense"];
  const { code, lines } = cliLines("summarize", ...bad);
  assert.equal(code, 2);
  assert.throws(() => wasm.summarize(bad), { message: lines[0].error });

  const ranges = [
    ["192.168.1.10", "192.168.1.20"],
    ["0.0.0.0", "255.255.255.255"],
    ["0.0.0.1", "255.255.255.254"],
    ["::1", "::ffff"],
    [" 10.0.0.1", "10.0.0.1 "],
  ];
  for (const [start, end] of ranges) sameJson(wasm.rangeToCidrs(start, end), "range", start, end);
  for (const [start, end] of [["10.0.0.9", "10.0.0.1"], ["10.0.0.1", "::1"], ["10.0.0", "10.0.0.1"]]) {
    sameError(() => wasm.rangeToCidrs(start, end), "range", start, end);
  }
});

test("classify matches `netlab classify`", () => {
  for (const address of ["192.168.12.87", "8.8.8.8", "100.64.1.1", "192.0.0.9", "224.0.0.251", "239.1.2.3",
    "127.0.0.1", "0.0.0.0", "2001:db8::1", "fe80::1", "ff02::1", "ff0e::1", "::ffff:10.0.0.1", "2606:4700::1111",
    "2002:c000:204::1", "4000::1"]) {
    // The same fields as the CLI; `classifyRule` gives the playground the
    // CLI's `global_reason` as data.
    sameJson(wasm.classify(address), "classify", address);
    const rule = wasm.classifyRule(address);
    const c = cli("classify", address).json;
    const sentence = {
      multicast: () => {
        // IPv4's are the registry's blocks, IPv6's the address's scopes.
        const blocks = ["local-network-control", "internetwork-control", "ad-hoc", "sdp-sap", "dis-transient", "source-specific", "glop", "unicast-prefix-based", "administratively-scoped"];
        const kind = blocks.includes(rule.scope) ? "block" : ["reserved", "unassigned"].includes(rule.scope) ? "range" : "scope";
        return `multicast in the ${rule.scope.replaceAll("-", " ")} ${kind}`;
      },
      registry: () => `${rule.cidr} (${rule.name}) is ${rule.global ? "" : "not "}globally reachable in the IANA registry`,
      embedded: () => `${rule.cidr} (${rule.name}) carries ${rule.inner}, which is ${rule.global ? "" : "not "}global`,
      deprecated: () => `${rule.cidr} (${rule.name}) is deprecated`,
      public_unicast: () => "public unicast: no special-purpose block holds it",
      global_unicast: () => "global unicast (2000::/3): no special-purpose block holds it",
      outside_global_unicast: () => "outside 2000::/3, the only IPv6 space allocated for global unicast",
    }[rule.kind];
    assert.ok(sentence, `${address}: kind ${rule.kind}`);
    assert.equal(sentence(), c.global_reason, address);
  }
  for (const text of ["10.0.0.0/8", "300.1.1.1", ""]) sameError(() => wasm.classify(text), "classify", text);
});

// --- Conversions -------------------------------------------------------

test("inetAton and inetAtonReading match `netlab aton`", () => {
  for (const text of ["192.168.1.2", "127.1", "0127.0.0.1", "0x7f.1", "2130706433", "1.2.3 4", "0x7f000001 trailing"]) {
    const { json } = cli("aton", text);
    assert.deepEqual(wasm.inetAtonReading(text), json, text);
    assert.ok(wasm.inetAton(text) instanceof Uint8Array);
    assert.equal(hex(wasm.inetAton(text)), json.hex, text);
  }
  for (const text of ["1.2.3.", "256.1.1.1", "08", "", "1.2.3.4.5"]) {
    sameError(() => wasm.inetAton(text), "aton", text);
    sameError(() => wasm.inetAtonReading(text), "aton", text);
    // Why, as the CLI's hint line says it.
    const hint = cli("aton", text).stderr.match(/^netlab: hint: (.*)$/m)?.[1];
    assert.ok(hint, text);
    assert.throws(() => wasm.inetAtonReading(text), (e) => e instanceof Error && /** @type {any} */ (e).hint === hint);
  }
  const ptonHint = cli("pton", "inet", "127.1").stderr.match(/^netlab: hint: (.*)$/m)?.[1];
  assert.throws(() => wasm.inetPton("inet", "127.1"), (e) => /** @type {any} */ (e).hint === ptonHint && /inet_aton would read '127\.1' as 127\.0\.0\.1/.test(ptonHint ?? ""));
  // A NUL cannot travel in argv; CPython refuses it before inet_aton runs.
  assert.throws(() => wasm.inetAton("1\u00002"), { message: "embedded null character" });
});

test("inetNtoa, inetPton and inetNtop match `netlab ntoa`, `pton` and `ntop`", () => {
  for (const h of ["c0a80102", "00000000", "ffffffff"]) {
    assert.equal(wasm.inetNtoa(unhex(h)), cli("ntoa", h).json.dotted, h);
  }
  for (const h of ["c0a801", "c0a8010203", ""]) {
    sameError(() => wasm.inetNtoa(unhex(h)), "ntoa", h || "0x");
  }
  const pton = [["inet", "192.168.1.2"], ["inet6", "2001:db8::1"], ["inet6", "::ffff:1.2.3.4"], ["AF_INET6", "::"]];
  for (const [family, text] of pton) {
    const bytes = wasm.inetPton(family, text);
    assert.ok(bytes instanceof Uint8Array);
    assert.equal(hex(bytes), cli("pton", family, text).json.hex, text);
  }
  for (const [family, text] of [["inet", "127.1"], ["inet", "01.2.3.4"], ["inet6", "1:::2"], ["ipx", "1.2.3.4"]]) {
    sameError(() => wasm.inetPton(family, text), "pton", family, text);
  }
  const ntop = [["inet", "0a000001"], ["inet6", "20010db8000000000000000000000001"],
    ["inet6", "00000000000000000000ffff01020304"], ["inet6", "00000000000000000000000000000000"]];
  for (const [family, h] of ntop) {
    assert.equal(wasm.inetNtop(family, unhex(h)), cli("ntop", family, h).json.text, h);
  }
  for (const [family, h] of [["inet6", "0a000001"], ["inet", "20010db8000000000000000000000001"], ["inet7", "00"]]) {
    sameError(() => wasm.inetNtop(family, unhex(h)), "ntop", family, h);
  }
  // Bytes as an array of numbers: each must be a byte, not wrapped to one
  // as a Uint8Array made from it would (300 -> 44).
  assert.equal(wasm.inetNtoa([10, 0, 0, 1]), "10.0.0.1");
  const notBytes = { message: /^bytes must (hold bytes|be a Uint8Array or an array of bytes) \(0-255\)$/ };
  assert.throws(() => wasm.inetNtoa([1, 2, 3, 300]), notBytes);
  assert.throws(() => wasm.inetNtoa([1, 2, 3, 1.5]), notBytes);
  assert.throws(() => wasm.inetNtop("inet", [1, 2, 3, -1]), notBytes);
  assert.throws(() => wasm.structUnpack("<B", [300]), notBytes);
  assert.throws(() => wasm.inetNtoa("abcd"), notBytes);
});

test("addressInt matches `netlab int`, IPv6 integers as BigInt", () => {
  for (const text of ["192.168.12.87", "0.0.0.0", "2001:db8::1", "::"]) sameJson(wasm.addressInt(text), "int", text);
  sameJson(wasm.addressInt("0xc0a80c57", "inet"), "int", "--v4", "0xc0a80c57");
  sameJson(wasm.addressInt(3232238679, "inet"), "int", "--v4", "3232238679");
  sameJson(wasm.addressInt((1n << 128n) - 1n, "inet6"), "int", "--v6", String((1n << 128n) - 1n));
  const v6 = wasm.addressInt("::1");
  assert.equal(v6.integer, 1n);
  assert.equal(wasm.addressInt(0xffff0000n << 96n, "inet6").address, "ffff::");
  assert.equal(typeof wasm.addressInt("10.0.0.1").integer, "number");
  sameError(() => wasm.addressInt("3232238679"), "int", "3232238679");
  sameError(() => wasm.addressInt(4294967296, "inet"), "int", "--v4", "4294967296");
  sameError(() => wasm.addressInt("12ab", "inet6"), "int", "--v6", "12ab");
  sameError(() => wasm.addressInt("10.0.0.256"), "int", "10.0.0.256");
});

test("macInfo and serviceLookup match `netlab mac` and `netlab port`", () => {
  for (const text of ["00:1a:2b:3c:4d:5e", "00-1A-2B-3C-4D-5E", "001a.2b3c.4d5e", "ff:ff:ff:ff:ff:ff", "02:00:5e:10:00:00"]) {
    sameJson(wasm.macInfo(text), "mac", text);
  }
  for (const text of ["00:1a:2b:3c:4d", "zz:1a:2b:3c:4d:5e", ""]) sameError(() => wasm.macInfo(text), "mac", text);

  for (const query of ["mysql", "http", "dns", "53", "50000", "tftp", "0"]) sameJson(wasm.serviceLookup(query), "port", query);
  sameJson(wasm.serviceLookup(3306), "port", "3306");
  sameJson(wasm.serviceLookup("domain", "udp"), "port", "domain", "--udp");
  sameJson(wasm.serviceLookup(123, "udp"), "port", "123", "--udp");
  for (const query of ["65536", "-1", "nosuchservice", ""]) sameError(() => wasm.serviceLookup(query), "port", query);
  assert.throws(() => wasm.serviceLookup("http", "sctp"), { message: "unknown protocol 'sctp': use tcp or udp" });
});

// --- Python struct -----------------------------------------------------

/** A JS value as `netlab pack` takes it on the command line. */
const packArg = (v) => (v instanceof Uint8Array ? `hex:${hex(v)}` : Object.is(v, -0) ? "-0.0" : String(v));

/** Asserts that a value from structUnpack is what the CLI printed for a code. */
function sameValue(got, want, code, where) {
  if ("bBhHiIlLqQnNP".includes(code)) {
    assert.ok(typeof got === "number" || typeof got === "bigint", where);
    assert.equal(BigInt(got), BigInt(want), where);
  } else if ("efd".includes(code)) {
    const special = { nan: NaN, inf: Infinity, "-inf": -Infinity };
    assert.ok(Object.is(got, want in special ? special[want] : want), `${where}: ${got} vs ${want}`);
  } else if (code === "?") {
    assert.equal(got, want, where);
  } else {
    assert.ok(got instanceof Uint8Array, where);
    assert.equal(hex(got), want.hex, where);
  }
}

test("structCalcsize and structLayout match `netlab calcsize`", () => {
  for (const format of ["@bq", "!HHI", "<2h4s", "ci", "3h 10s 4x ?", "P", "0q", "", "@lL"]) {
    const { json } = cli("calcsize", format);
    assert.equal(wasm.structCalcsize(format), json.size, format);
    assert.deepEqual(wasm.structLayout(format), json.items, format);
  }
  for (const format of ["<P", "3", "i?k", "é", "99999999999999999999x"]) {
    sameError(() => wasm.structCalcsize(format), "calcsize", format);
    sameError(() => wasm.structLayout(format), "calcsize", format);
  }
  assert.throws(() => wasm.structCalcsize("i\u0000"), { message: "embedded null character" });
});

// CPython allows up to 2^63 - 1 bytes; a number holds 2^53 - 1 exactly. The
// module used to throw "… can't be represented as a JavaScript number" past it.
test("struct sizes and offsets past 2^53 - 1 are exact BigInts, as `netlab calcsize` (and CPython) give them", () => {
  const MAX = BigInt(Number.MAX_SAFE_INTEGER);
  /** A number up to 2^53 - 1, a BigInt past it, equal to the CLI's exact integer. */
  const same = (got, want, where) => {
    assert.equal(typeof got, BigInt(want) > MAX ? "bigint" : "number", `${where}: ${got}`);
    assert.equal(BigInt(got), BigInt(want), where);
  };
  const cases = {
    "9007199254740991x": 9007199254740991n,
    "9007199254740992x": 9007199254740992n,
    "9223372036854775807x": 9223372036854775807n,
    "@b9007199254740992x q": 9007199254741008n,
    "<4611686018427387903h": 9223372036854775806n,
  };
  for (const [format, size] of Object.entries(cases)) {
    const { code, lines } = cliLines("calcsize", format);
    assert.equal(code, 0, format);
    const [json] = lines;
    assert.equal(BigInt(json.size), size, `netlab calcsize ${format}`);
    same(wasm.structCalcsize(format), size, format);
    const items = wasm.structLayout(format);
    assert.equal(items.length, json.items.length, format);
    items.forEach((item, i) => {
      assert.deepEqual(Object.keys(item), Object.keys(json.items[i]), format);
      for (const [key, want] of Object.entries(json.items[i])) {
        const where = `${format}: items[${i}].${key}`;
        if (key === "code" || key === "kind") assert.equal(item[key], want, where);
        else same(item[key], want, where);
      }
    });
  }
  // The padding before `q` sits past 2^53 too.
  assert.equal(wasm.structLayout("@b9007199254740992x q")[2].offset, 9007199254741000n);
  // A size past CPython's 2^63 - 1 is still its error.
  sameError(() => wasm.structCalcsize("9223372036854775808x"), "calcsize", "9223372036854775808x");
});

test("structPack and structUnpack match `netlab pack` and `netlab unpack`", () => {
  const cases = [
    ["!BBH", [4, 0, 1500]],
    ["<hq?", [1, 2n, true]],
    ["@bqQ", [-1, -(1n << 63n), (1n << 64n) - 1n]],
    ["<d f e", [1.5, -0.25, 65504]],
    ["<3s c 5p", ["abc", "z", "hello"]],
    ["<4s", [new Uint8Array([0, 1, 2, 255])]],
    ["@nNP", [-5n, 7n, 0x7fff_ffff_ffffn]],
    [">i?x?", [-123456, 0, 1]],
    ["<d", [-0]],
  ];
  for (const [format, values] of cases) {
    const bytes = wasm.structPack(format, values);
    assert.ok(bytes instanceof Uint8Array);
    const packed = cliLines("pack", format, ...values.map(packArg)).lines[0];
    assert.equal(hex(bytes), packed.hex, format);
    const { lines } = cliLines("unpack", format, hex(bytes));
    const got = wasm.structUnpack(format, bytes);
    assert.equal(got.length, lines[0].values.length, format);
    lines[0].fields.forEach((f, i) => sameValue(got[i], f.value, f.code, `${format} value ${i}`));
  }
  const errors = [
    ["B", [256]],
    [">h", [40000]],
    ["<Q", [-1]],
    [">q", [1n << 64n]],
    ["i", [1.5]],
    ["i", ["abc"]],
    ["c", ["ab"]],
    ["3B", [1, 2]],
    ["<f", [1e300]],
    ["bad", []],
  ];
  for (const [format, values] of errors) {
    sameError(() => wasm.structPack(format, values), "pack", format, ...values.map(packArg));
  }
  for (const [format, h] of [["<I", "000102"], ["!H", "000102"], ["0p", ""], ["<P", "00"]]) {
    sameError(() => wasm.structUnpack(format, unhex(h)), "unpack", format, h);
  }
});

test("struct values: 8-byte integers are BigInt, floats numbers, ? booleans, bytes Uint8Array", () => {
  const all = new Uint8Array(8 * 7).fill(0xff);
  const wide = wasm.structUnpack("@qQnNPlL", all);
  assert.deepEqual(wide, [-1n, (1n << 64n) - 1n, -1n, (1n << 64n) - 1n, (1n << 64n) - 1n, -1n, (1n << 64n) - 1n]);
  assert.deepEqual(wasm.structUnpack("<lLiIhHbB", new Uint8Array(4 + 4 + 4 + 4 + 2 + 2 + 1 + 1).fill(0xff)),
    [-1, 4294967295, -1, 4294967295, -1, 65535, -1, 255]);
  // Numbers and BigInts both go in, for any integer code.
  assert.deepEqual(wasm.structPack("<q", [-2]), wasm.structPack("<q", [-2n]));
  assert.deepEqual(wasm.structPack("<B", [7n]), wasm.structPack("<B", [7]));
  assert.throws(() => wasm.structPack("<q", [2 ** 64]), { message: "argument out of range" });
  const floats = wasm.structUnpack("<ddde", wasm.structPack("<ddde", [NaN, Infinity, -Infinity, -0]));
  assert.ok(Number.isNaN(floats[0]));
  assert.deepEqual(floats.slice(1, 3), [Infinity, -Infinity]);
  assert.ok(Object.is(floats[3], -0));
  assert.deepEqual(wasm.structUnpack("3?", new Uint8Array([0, 1, 2])), [false, true, true]);
  assert.deepEqual(wasm.structPack("3?", [0, "", new Uint8Array([0])]), new Uint8Array([0, 0, 1]));
  // c, s and p take a string as its UTF-8 bytes, or a Uint8Array.
  assert.deepEqual(wasm.structPack("c3s4p", ["x", "é", "ab"]), wasm.structPack("c3s4p", [
    new Uint8Array([120]), new Uint8Array([0xc3, 0xa9]), new Uint8Array([97, 98])]));
  assert.deepEqual(wasm.structUnpack("c", new Uint8Array([65])), [new Uint8Array([65])]);
  // null is Python's None: CPython 3.11 packs it for '?' as False and
  // refuses it elsewhere; undefined is no Python value.
  assert.deepEqual(wasm.structPack("?", [null]), new Uint8Array([0]));
  assert.throws(() => wasm.structPack("i", [null]), { message: "required argument is not an integer" });
  assert.throws(() => wasm.structPack("d", [null]), { message: "required argument is not a float" });
  assert.throws(() => wasm.structPack("i", [undefined]), { message: "value 0 is not a number, BigInt, boolean, string, Uint8Array, {str} or null" });
});

// --- The HMAC challenge ------------------------------------------------

test("hmacDigest agrees with node:crypto, on bytes and on text", () => {
  const key = "nice@123!";
  const challenge = new Uint8Array(Array.from({ length: 32 }, (_, i) => i));
  const want = {
    sha1: createHash("sha1").update(key).update(challenge).digest(),
    md5: createHash("md5").update(key).update(challenge).digest(),
    "hmac-md5": createHmac("md5", key).update(challenge).digest(),
    "hmac-sha256": createHmac("sha256", key).update(challenge).digest(),
  };
  for (const [alg, digest] of Object.entries(want)) {
    const got = wasm.hmacDigest(alg, key, challenge);
    assert.ok(got instanceof Uint8Array);
    assert.equal(hex(got), hex(digest), alg);
    assert.deepEqual(wasm.hmacDigest(alg, new TextEncoder().encode(key), challenge), got, alg);
  }
  // The seeds' CPython values (core::auth's test).
  assert.equal(hex(wasm.hmacDigest("hmac-sha256", key, challenge)),
    "c709483fa58589045542439db1fbf34caffd846f70ecb672441a6642bb405f15");
  assert.equal(hex(wasm.hmacDigest("HMAC_MD5", "é", "msg")), createHmac("md5", "é").update("msg").digest("hex"));
  assert.throws(() => wasm.hmacDigest("sha3", "k", "m"), { message: "unknown digest 'sha3': use sha1, md5, hmac-md5 or hmac-sha256" });
  assert.throws(() => wasm.hmacDigest("md5", 5, "m"), { message: "key must be a Uint8Array or a string" });
});

test("hmacTrace walks the exchange and gives the verdict", () => {
  const challenge = new Uint8Array(32).fill(7);
  const ok = wasm.hmacTrace("sha1", "s3cret", "s3cret", challenge);
  assert.deepEqual(ok.map((s) => s.who), ["server", "client", "server", "server"]);
  assert.equal(ok[0].bytes_hex, hex(challenge));
  const answer = createHash("sha1").update("s3cret").update(challenge).digest("hex");
  assert.equal(ok[1].bytes_hex, hex(Buffer.from(answer)));
  assert.equal(ok[1].bytes_hex, ok[2].bytes_hex);
  assert.match(ok[3].action, /they match/);
  assert.equal(ok[3].bytes_hex, hex(Buffer.from("hello")));
  const bad = wasm.hmacTrace("hmac-sha256", "server", "client", challenge);
  assert.equal(bad[1].bytes_hex, createHmac("sha256", "client").update(challenge).digest("hex"));
  assert.notEqual(bad[1].bytes_hex, bad[2].bytes_hex);
  assert.match(bad[3].action, /they differ/);
  assert.equal(bad[3].bytes_hex, "");
});

// --- The committed CPython vectors, sampled ------------------------------

test("a sample of inet_cpython.json passes through the module", (t) => {
  const data = vectors("inet_cpython.json");
  const outcome = (run) => {
    try {
      return { ok: run() };
    } catch (e) {
      return { error: e.message };
    }
  };
  const expected = (c, key) => ("error" in c ? { error: c.error } : { ok: c[key] });
  let n = 0;
  for (const c of sample(data.aton)) {
    assert.deepEqual(outcome(() => hex(wasm.inetAton(c.input))), expected(c, "hex"), JSON.stringify(c));
    n++;
  }
  for (const c of sample(data.ntoa)) {
    assert.deepEqual(outcome(() => wasm.inetNtoa(unhex(c.hex))), expected(c, "dotted"), JSON.stringify(c));
    n++;
  }
  for (const c of sample(data.pton)) {
    assert.deepEqual(outcome(() => hex(wasm.inetPton(c.family, c.text))), expected(c, "hex"), JSON.stringify(c));
    n++;
  }
  for (const c of sample(data.ntop)) {
    assert.deepEqual(outcome(() => wasm.inetNtop(c.family, unhex(c.hex))), expected(c, "text"), JSON.stringify(c));
    n++;
  }
  assert.ok(n >= 200, `only ${n} cases`);
  t.diagnostic(`${n} inet cases`);
});

/** A value from the struct generator's tagged form (`i-1`, `T`, `f<bits>`, `x<hex>`, `u<str>`, `N`). */
function decode(tagged) {
  const rest = tagged.slice(1);
  switch (tagged[0]) {
    case "u": return { str: rest };
    case "N": return null;
    case "i": return BigInt(rest);
    case "T": return true;
    case "F": return false;
    case "f": return Buffer.from(rest, "hex").readDoubleBE(0);
    case "x": return unhex(rest);
  }
  throw new Error(`unknown tag in ${tagged}`);
}

/** Asserts that a WASM value is the tagged CPython value. */
function sameTagged(got, tagged, where) {
  const want = decode(tagged);
  if (typeof want === "bigint") assert.equal(BigInt(got), want, where);
  else if (typeof want === "number") assert.ok(Object.is(got, want) || (Number.isNaN(got) && Number.isNaN(want)), `${where}: ${got}`);
  else assert.deepEqual(got, want, where);
}

/** The kind of code each value of a format fills (none for a bad format). */
function slotKinds(format) {
  let items = [];
  try {
    items = wasm.structLayout(format);
  } catch {
    return [];
  }
  return items.flatMap((item) => Array(Math.min(Number(item.values), 4096)).fill(item.kind));
}

/** CPython's message, or the class where it has none (MemoryError). */
const pyMessage = ([cls, message]) => message || cls;

test("a sample of struct_cpython.json passes through the module", (t) => {
  const data = vectors("struct_cpython.json");
  // The sizes again, read exactly: JSON.parse rounds those past 2^53 - 1.
  const raw = readFileSync(path.join(ROOT, "tests/vectors/struct_cpython.json"), "utf8");
  const exactSizes = JSON.parse(raw.replace(/(?<="ok":\s*)(\d{16,})(?=[,}])/g, '"$1"')).calcsize;
  let n = 0;
  let wide = 0;
  for (const [i, c] of data.calcsize.entries()) {
    if ("err" in c) {
      if (i % 100 === 0) assert.throws(() => wasm.structCalcsize(c.fmt), { message: pyMessage(c.err) }, c.fmt);
      continue;
    }
    const size = BigInt(exactSizes[i].ok);
    if (size > BigInt(Number.MAX_SAFE_INTEGER)) {
      // Every size past 2^53 - 1: a BigInt, exactly CPython's.
      assert.equal(wasm.structCalcsize(c.fmt), size, c.fmt);
      wide++;
    } else if (i % 100 === 0) {
      assert.equal(wasm.structCalcsize(c.fmt), c.ok, c.fmt);
    } else continue;
    n++;
  }
  assert.ok(wide > 0, "the vectors have sizes past 2^53 - 1");
  let skipped = 0;
  // Every 100th case, and every int beyond an i128 (a BigInt read on a path of its own).
  const I128 = 2n ** 127n;
  const large = (c) => c.args.some((t) => t[0] === "i" && (BigInt(t.slice(1)) >= I128 || BigInt(t.slice(1)) < -I128));
  // And every Python str, which the module takes as {str}.
  const str = (c) => c.args.some((t) => t[0] === "u");
  const packs = [...sample(data.pack), ...data.pack.filter((c) => large(c) || str(c))];
  assert.ok(packs.length > 1000, `${packs.length} pack cases`);
  for (const c of packs) {
    const args = c.args.map(decode);
    // JS has one number type, so a whole float packs as a Python int for an
    // integer code; and JS engines need not keep a NaN's payload bits.
    const quietNaN = (t) => ["f7ff8000000000000", "ffff8000000000000"].includes(t);
    const payload = c.args.some((t, i) => Number.isNaN(args[i]) && !quietNaN(t));
    const kinds = slotKinds(c.fmt);
    const whole = args.some((v, i) => Number.isInteger(v) && ["signed", "unsigned"].includes(kinds[i]));
    if (payload || whole) {
      skipped++;
      continue;
    }
    if ("err" in c) assert.throws(() => wasm.structPack(c.fmt, args), { message: pyMessage(c.err) }, JSON.stringify(c));
    else assert.equal(hex(wasm.structPack(c.fmt, args)), c.ok, JSON.stringify(c));
    n++;
  }
  assert.ok(skipped < 20, `${skipped} pack cases skipped`);
  for (const c of sample(data.unpack)) {
    const bytes = unhex(c.hex);
    if ("err" in c) {
      assert.throws(() => wasm.structUnpack(c.fmt, bytes), { message: pyMessage(c.err) }, JSON.stringify(c));
    } else {
      const got = wasm.structUnpack(c.fmt, bytes);
      assert.equal(got.length, c.ok.length, c.fmt);
      c.ok.forEach((tagged, i) => sameTagged(got[i], tagged, `${c.fmt} value ${i}`));
    }
    n++;
  }
  assert.ok(n >= 180, `only ${n} cases`);
  t.diagnostic(`${n} struct cases, ${skipped} pack cases skipped`);
});

test("a sample of cidr_cpython.json passes through the module", (t) => {
  const data = vectors("cidr_cpython.json");
  // CPython spells some IPv6 networks differently (IPv4-mapped in hex).
  const spelled = (nets) => nets.map((t) => wasm.summarize([t]).networks[0]);
  let n = 0;
  for (const c of sample(data.collapse)) {
    assert.deepEqual(wasm.summarize(c.input).networks, spelled(c.expect), JSON.stringify(c.input));
    n++;
  }
  for (const c of sample(data.range)) {
    if (c.expect.error) assert.throws(() => wasm.rangeToCidrs(c.start, c.end), Error);
    else assert.deepEqual(wasm.rangeToCidrs(c.start, c.end).networks, spelled(c.expect), `${c.start}-${c.end}`);
    n++;
  }
  for (const c of sample(data.subnets)) {
    if (c.expect.error) {
      assert.throws(() => wasm.splitSubnet(c.network, { prefix: c.prefix }), Error);
    } else {
      const got = wasm.splitSubnet(c.network, { prefix: c.prefix });
      assert.deepEqual(got.subnets, spelled(c.expect), `${c.network} /${c.prefix}`);
      assert.equal(BigInt(got.count), BigInt(c.expect.length));
    }
    n++;
  }
  for (const c of sample(data.same)) {
    assert.equal(wasm.sameSubnet(c.a, c.b, c.mask).same, c.expect, `${c.a} ${c.b} ${c.mask}`);
    n++;
  }
  assert.ok(n >= 100, `only ${n} cases`);
  t.diagnostic(`${n} cidr cases`);
});

test("stickySimulate reads its spec as strictly as the other simulators", () => {
  // Times past an hour overflowed the clocks (2^64 - 1 trapped inside the module).
  assert.throws(() => wasm.stickySimulate({ sleep_us: 2n ** 64n - 1n }), { message: /^sleep_us is 18446744073709551615 µs; the simulator takes at most 3600000000 µs/ });
  assert.throws(() => wasm.stickySimulate({ latency_us: 2n ** 64n - 1n, recv_calls: null }), { message: /^latency_us is 18446744073709551615 µs/ });
  // A misspelt field was ignored and the defaults ran.
  assert.throws(() => wasm.stickySimulate({ recv_sise: 1 }), { message: /^unknown field `recv_sise`, expected one of/ });
  assert.throws(() => wasm.stickySimulate([]), { message: "the spec must be an object" });
  assert.throws(() => wasm.stickySimulate({ messages: "hello" }), { message: "a field that takes a list (an array) was given a single value" });
  // The strict reading still takes every field the spec has (seed 000 §6.1 at the limits of time).
  assert.deepEqual(wasm.stickySimulate({ seed: 3, sleep_us: 3_600_000_000 }).naive.printed, ["b'hellonice'", "b''"]);
});

test("parseBytes reads every bytes literal of bytes_literal_cpython.json as CPython does, and hex as parseHex does", () => {
  const data = vectors("bytes_literal_cpython.json");
  const hex = (b) => Buffer.from(b).toString("hex");
  let n = 0;
  for (const c of data.cases) {
    if ("error" in c) assert.throws(() => wasm.parseBytes(c.literal), Error, c.literal);
    else assert.equal(hex(wasm.parseBytes(c.literal)), c.hex, c.literal);
    n++;
  }
  assert.ok(n >= 2000, `only ${n} cases`);
  assert.equal(hex(wasm.parseBytes("7f 00:00 0x01")), "7f000001");
  assert.throws(() => wasm.parseBytes("b'\\q'"), { message: "'\\q' at position 2 is not an escape of a Python bytes literal" });
});
