// The packet, capture and simulation exports under Node, against the CLI.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cli, loadWasm } from "./helpers.mjs";

const wasm = await loadWasm();

const SEED = { proto: "tcp", src: "192.168.12.1", dst: "192.168.13.1", src_port: 53000, dst_port: 9000, payload: "hello" };

test("encapsulate gives the seeds' frame: 14 + 20 + 20 + 5 bytes, the same as `netlab encap`", () => {
  const built = wasm.encapsulate(SEED);
  assert.equal(built.bytes.length, 59);
  assert.deepEqual(built.layers.map((l) => l.length), [14, 20, 20, 5]);
  const { code, json } = cli("encap", "--proto", "tcp", "--src", "192.168.12.1:53000", "--dst", "192.168.13.1:9000", "--payload", "hello");
  assert.equal(code, 0);
  assert.equal(built.hex, json.hex);
  assert.deepEqual(built.layers, json.layers);
  assert.equal(Buffer.from(built.bytes).toString("hex"), built.hex);
});

test("encapsulate names the bad field, as the CLI does", () => {
  assert.throws(() => wasm.encapsulate({ ...SEED, dst_port: 70000 }), (e) => e instanceof Error && /port/.test(e.message));
  assert.throws(() => wasm.encapsulate({ ...SEED, ttl: 300 }), (e) => e instanceof Error && /TTL|ttl/.test(e.message));
});

test("dissect reads the frame back, and reports truncation as a finding", () => {
  const built = wasm.encapsulate(SEED);
  const back = wasm.dissect(built.bytes);
  assert.deepEqual(back.layers, built.layers);
  assert.deepEqual(back.findings, []);
  const { json } = cli("dissect", built.hex);
  assert.deepEqual(back.layers, json.layers);
  const cut = wasm.dissect(built.bytes.slice(0, 30));
  assert.ok(cut.findings.length > 0);
  assert.equal(cut.findings[0].kind, "length");
  assert.deepEqual(wasm.dissect([]).layers.length >= 0, true);
});

test("toPcap writes classic pcap and pcapng with comments", () => {
  const built = wasm.encapsulate(SEED);
  const pcap = wasm.toPcap([built.bytes], undefined);
  assert.deepEqual([...pcap.slice(0, 4)], [0xd4, 0xc3, 0xb2, 0xa1]);
  assert.equal(pcap.length, 24 + 16 + 59);
  const ng = wasm.toPcap([{ bytes: built.bytes, comment: "conn.send(b'hello')", time_us: 1 }], { format: "pcapng" });
  assert.deepEqual([...ng.slice(0, 4)], [0x0a, 0x0d, 0x0d, 0x0a]);
  assert.ok(Buffer.from(ng).includes(Buffer.from("conn.send(b'hello')")));
  assert.throws(() => wasm.toPcap([built.bytes], { format: "cap" }), /unknown capture format/);
});

test("stickySimulate reproduces seed 000 §6.1 by default: b'hellonice' then b''", () => {
  const report = wasm.stickySimulate(undefined);
  assert.ok(report.naive && report.framed);
  const text = JSON.stringify(report.naive);
  assert.ok(text.includes("hellonice"), text.slice(0, 400));
});
