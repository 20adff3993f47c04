// The built WASM module under Node 20: every export agrees with the CLI's JSON.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cli, loadWasm } from "./helpers.mjs";

const wasm = await loadWasm();

/** JSON's view of a WASM result: BigInt counts become the CLI's decimal strings. */
const asJson = (v) => JSON.parse(JSON.stringify(v, (_, x) => (typeof x === "bigint" ? x.toString() : x)));

const SAMPLES = [
  "192.168.12.87/24",
  "192.168.12.87/255.255.255.0",
  "192.168.12.87 255.255.255.0",
  "10.0.0.1/31",
  "10.0.0.1/32",
  "0.0.0.0/0",
  "192.0.0.9/32",
  "2001:db8::1/64",
  "::/0",
  "fe80::1/127",
];

test("subnetInfo matches `netlab subnet --json`", () => {
  for (const text of SAMPLES) {
    const { code, json } = cli("subnet", ...text.split(" "));
    assert.equal(code, 0, text);
    assert.deepEqual(asJson(wasm.subnetInfo(text)), json, text);
  }
});

test("IPv6 counts are BigInt, IPv4 counts are numbers", () => {
  const v6 = wasm.subnetInfo("2001:db8::/64");
  assert.equal(typeof v6.total_addresses, "bigint");
  assert.equal(v6.total_addresses, 1n << 64n);
  assert.equal(wasm.subnetInfo("::/0").total_addresses, 1n << 128n);
  const v4 = wasm.subnetInfo("10.0.0.0/8");
  assert.equal(v4.total_addresses, 16777216);
  assert.equal(v4.broadcast, "10.255.255.255");
  assert.equal(wasm.subnetInfo("10.0.0.1/31").broadcast, null);
});

test("errors are thrown as Error with the CLI's message", () => {
  for (const text of ["10.0.0.1/33", "10.1.2.3/255.0.255.0", "300.1.1.1/8", "nonsense"]) {
    const { code, json } = cli("subnet", text);
    assert.equal(code, 2, text);
    assert.throws(() => wasm.subnetInfo(text), (e) => e instanceof Error && e.message === json.error, text);
  }
});

// A wrong argument type is a thrown Error that says so, however often, and
// the module goes on working; without the glue's checks a number passed as
// a string went into the module's memory as garbage, trapped, and a few
// hundred such calls among good ones crashed Node.
test("a wrong argument type throws an Error and never traps", () => {
  const bad = [
    () => wasm.structCalcsize(4),
    () => wasm.subnetInfo({}),
    () => wasm.classify(5n),
    () => wasm.inetAton(true),
    () => wasm.sameSubnet(1, "10.0.0.2", { prefix: 8 }),
    () => wasm.serviceLookup(80, 5),
  ];
  for (let i = 0; i < 2000; i++) {
    for (const call of bad) {
      assert.throws(call, (e) => e instanceof Error && !(e instanceof WebAssembly.RuntimeError) && /expected a string/.test(e.message));
    }
    assert.equal(wasm.classify("10.0.0.1").rfc1918, true);
  }
});

// The exports that take an array check it themselves: wasm-bindgen's own
// conversion said only "expected an array, found null" (or, for toPcap,
// threw its internal TypeError and printed a warning).
test("an argument that must be an array, given anything else, throws an Error naming it", () => {
  const printed = [];
  const { error } = console;
  console.error = (...args) => printed.push(args.join(" "));
  try {
    const cases = [
      [(v) => wasm.summarize(v), /^cidrs must be an array of networks \(strings\)$/],
      [(v) => wasm.vlsm("10.0.0.0/24", v), /^hosts must be an array of host counts$/],
      [(v) => wasm.structPack("<i", v), /^values must be an array \(struct\.pack's arguments\)$/],
    ];
    for (const [call, message] of cases) {
      for (const value of [null, undefined, 5, "10.0.0.0/8", {}, new Uint8Array(4)]) {
        assert.throws(() => call(value), (e) => e.constructor === Error && message.test(e.message), `${call} with ${value}`);
      }
    }
    assert.throws(() => wasm.summarize(["10.0.0.0/24", null]), { message: "network 1 is not a string" });
    assert.throws(() => wasm.summarize([5]), { message: "network 0 is not a string" });
    assert.throws(() => wasm.vlsm("10.0.0.0/24", [null]), { message: "a host count must be a number, a BigInt or a string" });
    assert.throws(() => wasm.structPack("<i", [undefined]), { message: /^value 0 is not a number/ });
    // null is Python's None, refused with CPython's words.
    assert.throws(() => wasm.structPack("<i", [null]), { message: "required argument is not an integer" });
    // A bad format is still the first error, as in CPython.
    assert.throws(() => wasm.structPack("<k", null), { message: "bad char in struct format" });
    // And the right shapes work as before.
    assert.deepEqual(wasm.summarize(["10.0.0.0/25", "10.0.0.128/25"]).networks, ["10.0.0.0/24"]);
    assert.equal(wasm.vlsm("10.0.0.0/24", [100, 50n, "20"]).allocations.length, 3);
    assert.deepEqual([...wasm.structPack("<h", [-2])], [0xfe, 0xff]);
  } finally {
    console.error = error;
  }
  assert.deepEqual(printed, []);
});
