// The packet, capture and simulation exports under Node, against the CLI.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { ROOT, cli, loadWasm, framedExchange, udpChat } from "./helpers.mjs";

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
  // The messages of `netlab encap` for the same mistakes, word for word.
  const base = ["encap", "--proto", "tcp", "--src", "10.0.0.1"];
  for (const [field, value, args] of [
    ["dst", "x", ["--dst", "x:80"]],
    ["flags", "BOGUS", ["--dst", "10.0.0.2:80", "--flags", "BOGUS"]],
    ["src_mac", "zz", ["--dst", "10.0.0.2:80", "--src-mac", "zz"]],
  ]) {
    const { code, json } = cli(...base, ...args);
    assert.equal(code, 2, field);
    assert.throws(() => wasm.encapsulate({ ...SEED, [field]: value }), { message: json.error }, field);
  }
  assert.throws(() => wasm.encapsulate({ ...SEED, proto: "sctp" }), { message: "'sctp' is not a protocol netlab builds; use tcp, udp or icmp" });
  // A field the spec does not have is refused by name, never dropped.
  assert.throws(() => wasm.encapsulate({ ...SEED, payload_text: "ffff" }), { message: /^unknown field `payload_text`, expected one of `proto`, `payload`, .*`payload_hex`/ });
  assert.throws(() => wasm.encapsulate(null), { message: /must be an object/ });
});

test("encapsulate takes the CLI's forms too: IP:PORT and payload_hex", () => {
  const args = ["encap", "--proto", "udp", "--src", "10.0.0.1:5000", "--dst", "10.0.0.2:53", "--payload-hex", "00ff10"];
  const { code, json } = cli(...args);
  assert.equal(code, 0);
  const built = wasm.encapsulate({ proto: "udp", src: "10.0.0.1:5000", dst: "10.0.0.2:53", payload_hex: "00ff10" });
  assert.equal(built.hex, json.hex);
  assert.deepEqual(built.layers, json.layers);
  // The same frame from separate ports and bytes.
  const apart = wasm.encapsulate({ proto: "udp", src: "10.0.0.1", src_port: 5000, dst: "10.0.0.2", dst_port: 53, payload: [0, 255, 16] });
  assert.equal(apart.hex, json.hex);
  // A port given twice must agree; a payload is given once.
  assert.throws(() => wasm.encapsulate({ proto: "udp", src: "10.0.0.1:5000", src_port: 5001, dst: "10.0.0.2:53" }), {
    message: "--src names port 5000, but src_port is 5001: give the port once",
  });
  assert.throws(() => wasm.encapsulate({ proto: "udp", src: "10.0.0.1:5000", dst: "10.0.0.2:53", payload: "x", payload_hex: "78" }), {
    message: "give the payload once: payload or payload_hex, not both",
  });
  // Bad hex gets the CLI's words.
  const bad = cli("encap", "--proto", "udp", "--src", "10.0.0.1:5000", "--dst", "10.0.0.2:53", "--payload-hex", "0g");
  assert.equal(bad.code, 2);
  assert.throws(() => wasm.encapsulate({ proto: "udp", src: "10.0.0.1:5000", dst: "10.0.0.2:53", payload_hex: "0g" }), { message: bad.json.error });
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

test("dissect decodes ICMPv6 as `netlab dissect` does, and finds its bad checksum", () => {
  // ping -6 2001:db8::2: Echo Request, id 0x1234, seq 1, "abcdefgh".
  const hex =
    "33330000000102000000000186dd6000000000103aff20010db800000000000000000000000120010db800000000000000000000000280008075123400016162636465666768";
  const good = wasm.dissect(wasm.parseHex(hex));
  assert.deepEqual(good.layers.map((l) => l.name), ["Ethernet II", "IPv6", "ICMPv6", "Data"]);
  assert.deepEqual(good.findings, []);
  const icmp = good.layers[2];
  assert.equal(icmp.protocol, "icmpv6");
  assert.equal(icmp.layer, "network");
  assert.equal(icmp.summary, "Echo (ping) request, id=0x1234, seq=1");
  assert.equal(icmp.fields.find((f) => f.name === "Checksum").display, "0x8075 [correct]");
  assert.deepEqual(good.layers, cli("dissect", hex).json.layers);
  // The checksum's high byte flipped.
  const bad = wasm.parseHex(hex);
  bad[56] ^= 0x10;
  const { findings } = wasm.dissect(bad);
  assert.equal(findings.length, 1);
  assert.deepEqual(
    { kind: findings[0].kind, protocol: findings[0].protocol, offset: findings[0].offset, detail: findings[0].detail },
    { kind: "checksum", protocol: "icmpv6", offset: 56, detail: { header: "ICMPv6", field: "Checksum", found: 0x9075, expected: 0x8075 } },
  );
  assert.equal(findings[0].message, "ICMPv6: Checksum is 0x9075 at byte 56, but the bytes it covers need 0x8075");
  assert.deepEqual(findings, cli("dissect", Buffer.from(bad).toString("hex")).json.findings);
  // Cut inside the ICMPv6 header: a length finding, never a throw.
  const cut = wasm.dissect(wasm.parseHex(hex).slice(0, 54 + 6));
  assert.ok(cut.findings.some((f) => f.kind === "length" && f.protocol === "icmpv6"), JSON.stringify(cut.findings));
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

test("parseHex reads what a learner pastes as `netlab dissect` does, and names the bad character", () => {
  const built = wasm.encapsulate(SEED);
  const pairs = built.hex.match(/../g);
  for (const text of [pairs.join(" "), pairs.join(":"), pairs.map((p) => `0x${p}`).join(" "), built.hex, pairs.map((p) => `\\x${p}`).join("")]) {
    assert.equal(Buffer.from(wasm.parseHex(text)).toString("hex"), built.hex, text.slice(0, 20));
    const { code, json } = cli("dissect", text);
    assert.equal(code, 0);
    assert.equal(json.hex, built.hex);
  }
  assert.throws(() => wasm.parseHex("45 0g"), (e) => e instanceof Error && e.message === "'g' at position 4 is not a hex digit");
  const { code, stderr } = cli("dissect", "45 0g");
  assert.notEqual(code, 0);
  assert.match(stderr, /'g' at position 4 is not a hex digit/);
});

test("readCapture lists a capture's frames as `netlab dissect --pcap` does; its frames go back into toPcap", async () => {
  const { spawnSync } = await import("node:child_process");
  const { mkdtempSync, writeFileSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const path = await import("node:path");
  const frames = [
    { bytes: wasm.encapsulate(SEED).bytes, comment: "conn.send(b'hello')", time_us: 1_700_000_000_000_001 },
    { bytes: wasm.encapsulate({ ...SEED, proto: "udp" }).bytes.slice(0, 30), time_us: 1_700_000_000_500_000 },
  ];
  const dir = mkdtempSync(path.join(tmpdir(), "netlab-capture-"));
  try {
    for (const format of ["pcap", "pcapng"]) {
      const file = wasm.toPcap(frames, { format });
      const read = wasm.readCapture(file);
      assert.equal(read.format, format);
      assert.equal(read.link_type, 1);
      const name = path.join(dir, `f.${format}`);
      writeFileSync(name, file);
      const r = spawnSync(process.env.NETLAB_CLI, ["--json", "dissect", "--pcap", name], { encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
      const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
      assert.equal(read.frames.length, lines.length);
      read.frames.forEach((f, i) => {
        assert.ok(f.bytes instanceof Uint8Array);
        assert.equal(f.time_us, lines[i].timestamp_us);
        assert.equal(f.original_len, lines[i].original_len);
        assert.equal(f.comment, lines[i].comment);
        assert.equal(Buffer.from(f.bytes).toString("hex"), lines[i].hex);
        assert.deepEqual(wasm.dissect(f.bytes).findings, lines[i].findings);
      });
      assert.equal(read.frames[0].comment, format === "pcapng" ? "conn.send(b'hello')" : null);
      // What readCapture gives, toPcap takes back, byte for byte.
      if (format === "pcapng") assert.deepEqual(wasm.toPcap(read.frames, { format }), file);
      assert.equal(read.cut, null);
      // Cut inside the last packet: the whole ones are listed, and why the file ends.
      const cut = wasm.readCapture(file.slice(0, file.length - 3));
      assert.equal(cut.frames.length, 1);
      assert.match(cut.cut, format === "pcap" ? /^the file ends inside a packet at byte \d+$/ : /^the file ends inside a block at byte \d+$/);
      writeFileSync(name, file.slice(0, file.length - 3));
      const c = spawnSync(process.env.NETLAB_CLI, ["--json", "dissect", "--pcap", name], { encoding: "utf8" });
      assert.equal(c.status, 2);
      assert.equal(c.stdout.trim().split("\n").length, 2, "one frame, then the error");
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.throws(() => wasm.readCapture(new TextEncoder().encode("hello")), /not a pcap or pcapng file: it starts with 0x68656c6c/);
});

/** Runs `call`, returning what it threw and what it printed through console.error meanwhile. */
function thrownAndPrinted(call) {
  const printed = [];
  const { error } = console;
  console.error = (...args) => printed.push(args.join(" "));
  try {
    call();
    return { thrown: null, printed };
  } catch (e) {
    return { thrown: e, printed };
  } finally {
    console.error = error;
  }
}

/** Asserts that `call` throws a plain Error (no TypeError from the glue, nothing printed) whose message matches. */
function plainError(call, message, where) {
  const { thrown, printed } = thrownAndPrinted(call);
  assert.ok(thrown instanceof Error, `${where}: threw ${thrown}`);
  assert.equal(thrown.constructor, Error, `${where}: ${thrown.constructor.name}: ${thrown.message}`);
  assert.match(thrown.message, message, where);
  assert.deepEqual(printed, [], `${where}: wasm-bindgen printed`);
}

test("encapsulate has the field names of `netlab encap --json`, `pcap` (null) included, and the extra `bytes`", () => {
  const built = wasm.encapsulate(SEED);
  const { code, json } = cli("encap", "--proto", "tcp", "--src", "192.168.12.1:53000", "--dst", "192.168.13.1:9000", "--payload", "hello");
  assert.equal(code, 0);
  assert.equal(json.pcap, null, "the CLI writes no file without --pcap");
  assert.deepEqual(Object.keys(built), [...Object.keys(json), "bytes"]);
  assert.equal(built.pcap, null);
  const { bytes, ...rest } = built;
  assert.deepEqual(rest, json);
  assert.ok(bytes instanceof Uint8Array);
});

test("dissect reads a string as hex text, as `netlab dissect HEX` does, with its errors", () => {
  const built = wasm.encapsulate(SEED);
  const pairs = built.hex.match(/../g);
  // "0200" is the two bytes 02 00 (it used to be the four ASCII bytes of the text).
  const short = wasm.dissect("0200");
  assert.equal(short.length, 2);
  assert.equal(short.hex, "0200");
  assert.deepEqual(short, cli("dissect", "0200").json);
  for (const text of [built.hex, pairs.join(" "), pairs.join(":"), pairs.map((p) => `0x${p}`).join(" "), pairs.map((p) => `\\x${p}`).join("")]) {
    const { code, json } = cli("dissect", text);
    assert.equal(code, 0, text.slice(0, 20));
    assert.deepEqual(wasm.dissect(text), json, text.slice(0, 20));
  }
  assert.deepEqual(wasm.dissect(built.hex), wasm.dissect(built.bytes));
  for (const text of ["45 0g", "abc", "0200 zz", "😀"]) {
    const { code, json } = cli("dissect", text);
    assert.equal(code, 2, text);
    plainError(() => wasm.dissect(text), new RegExp(`^${json.error.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`), text);
  }
  for (const [what, value] of [["null", null], ["undefined", undefined], ["a number", 5], ["an object", {}], ["a boolean", true]]) {
    plainError(() => wasm.dissect(value), /^bytes must be a Uint8Array, an array of bytes \(0-255\) or hex text$/, what);
  }
});

test("toPcap checks its arguments: a plain Error naming the mistake, never the glue's TypeError", () => {
  const frame = wasm.encapsulate(SEED).bytes;
  // `options` is optional, in the .d.ts too.
  assert.equal(wasm.toPcap([frame]).length, 24 + 16 + 59);
  assert.equal(wasm.toPcap([frame], null).length, 24 + 16 + 59);
  assert.equal(wasm.toPcap([[1, 2, 3]]).length, 24 + 16 + 3, "a frame may be an array of bytes");
  const dts = readFileSync(path.join(ROOT, "web/pkg/netlab_wasm.d.ts"), "utf8");
  assert.match(dts, /^export function toPcap\(frames: CaptureFrame\[\], options\?: \{format\?: "pcap" \| "pcapng", link_type\?: number\}\): Uint8Array;$/m);
  const notFrames = /^frames must be an array of frames \(Uint8Array or \{bytes, comment\?, time_us\?\}\)$/;
  for (const [what, value] of [["null", null], ["undefined", undefined], ["a number", 5], ["an object", {}], ["a string", "x"], ["a Uint8Array", frame]]) {
    plainError(() => wasm.toPcap(value), notFrames, `toPcap(${what})`);
  }
  const cases = [
    [[null], /^frame 0 must be a Uint8Array or \{bytes, comment\?, time_us\?\}$/],
    [[frame, 5], /^frame 1 must be a Uint8Array or \{bytes, comment\?, time_us\?\}$/],
    [[{}], /^frame 0 has no bytes$/],
    [[{ bytes: null }], /^frame 0 has no bytes$/],
    [[{ bytes: 5 }], /^bytes must be a Uint8Array or a string$/],
    [[{ bytes: frame, comment: 5 }], /^frame 0's comment must be a string$/],
    [[{ bytes: frame, time_us: -1 }], /^frame 0's time_us must be a whole number of microseconds, 0 or more$/],
    [[{ bytes: frame, time_us: 1.5 }], /^frame 0's time_us must be a whole number of microseconds, 0 or more$/],
    [[{ bytes: frame, time_us: "1" }], /^frame 0's time_us must be a whole number of microseconds, 0 or more$/],
    [[{ bytes: frame, time_us: 1e30 }], /^frame 0's time_us must be a whole number of microseconds, 0 or more$/],
  ];
  for (const [frames, message] of cases) plainError(() => wasm.toPcap(frames), message, JSON.stringify(frames).slice(0, 60));
  plainError(() => wasm.toPcap([frame], "pcapng"), /^options must be an object, like \{format: "pcapng"\}$/, "options as a string");
  plainError(() => wasm.toPcap([frame], { format: 5 }), /^options.format must be "pcap" or "pcapng"$/, "format as a number");
  plainError(() => wasm.toPcap([frame], { link_type: 1.5 }), /^options.link_type must be a whole number, such as 1 \(Ethernet\)$/, "link type 1.5");
  plainError(() => wasm.toPcap([frame], { format: "pcapng", link_type: 70000 }), /^link type 70000 does not fit a pcapng interface, whose link type is 16 bits$/, "link type 70000");
  // A cooked capture's link type is written as given, and read back.
  assert.equal(wasm.readCapture(wasm.toPcap([frame], { link_type: 276 })).link_type, 276);
  assert.equal(wasm.readCapture(wasm.toPcap([frame], { format: "pcapng", link_type: 113 })).link_type, 113);
  plainError(() => wasm.dissect(frame, 105), /^link type 105 is neither Ethernet \(1\) nor a Linux cooked capture \(113, 276\); netlab dissects those$/, "dissect with link type 105");
  plainError(() => wasm.dissect(frame, "x"), /^linkType must be a whole number, such as 1 \(Ethernet\)$/, "dissect with link type x");
  assert.equal(wasm.dissect(frame, 1).layers[0].name, "Ethernet II");
  assert.equal(wasm.dissect(frame, 113).layers[0].name, "Linux cooked capture v1");
  // The module goes on working after each.
  assert.equal(wasm.toPcap([{ bytes: frame, time_us: 0 }], { format: "pcap" }).length, 24 + 16 + 59);
});

test("tcpStreams and followTcp follow a capture as `netlab follow` does", async () => {
  const { mkdtempSync, writeFileSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const dir = mkdtempSync(path.join(tmpdir(), "netlab-follow-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const frames = framedExchange(wasm);
  const file = path.join(dir, "framed.pcap");
  writeFileSync(file, wasm.toPcap(frames.map((bytes, i) => ({ bytes, time_us: 1_700_000_000_000_000 + i }))));
  const streams = wasm.tcpStreams(frames);
  assert.deepEqual(streams, cli("follow", file).json.streams);
  assert.equal(streams[0].client, "127.0.0.1:53000");
  for (const [options, args] of [
    [undefined, []],
    [{ length_prefix: "i" }, ["--length-prefix", "i"]],
    [{ delimiter: "o" }, ["--delimiter", "o"]],
  ]) {
    const report = wasm.followTcp(frames, 0, options);
    assert.deepEqual(report, cli("follow", file, "--stream", "0", ...args).json, JSON.stringify(options));
  }
  const framed = wasm.followTcp(frames, 0, { length_prefix: "i" });
  assert.deepEqual(framed.chunks.map((c) => [c.frame, c.waited]), [[5, false], [4, true], [6, false]]);
  assert.deepEqual(framed.messages[0].messages.map((m) => [Buffer.from(m.body_hex, "hex").toString(), m.frames, m.shares_segment]), [
    ["hello", [5], true],
    ["nice", [5, 4], true],
  ]);
  // The CLI's errors, word for word.
  for (const [call, args] of [
    [() => wasm.followTcp(frames, 3), ["--stream", "3"]],
    [() => wasm.followTcp(frames, 0, { length_prefix: "2i" }), ["--stream", "0", "--length-prefix", "2i"]],
  ]) {
    const { code, json } = cli("follow", file, ...args);
    assert.equal(code, 2);
    assert.throws(call, (e) => e instanceof Error && json.error.endsWith(e.message.replace(/^length prefix/, "--length-prefix")), json.error);
  }
  assert.throws(() => wasm.followTcp(frames, 0, { length_prefix: "i", delimiter: "\\n" }), /give a length prefix or a delimiter, not both/);
  assert.throws(() => wasm.followTcp(frames, -1), /stream must be a whole number/);
  assert.throws(() => wasm.followTcp("x", 0), /frames must be an array/);

  // UDP: seed 004's chat, each datagram one message.
  const chat = udpChat(wasm, ["你好", "hi", "bye"]);
  const udpFile = path.join(dir, "chat.pcap");
  writeFileSync(udpFile, wasm.toPcap(chat.map((bytes, i) => ({ bytes, time_us: 1_700_000_000_000_000 + i }))));
  const listed = cli("follow", udpFile).json.streams;
  assert.deepEqual(wasm.udpStreams(chat), listed.filter((s) => s.protocol === "udp"));
  assert.deepEqual(wasm.tcpStreams(chat), []);
  const udp = wasm.followUdp(chat, 0);
  assert.deepEqual(udp, cli("follow", udpFile, "--udp", "--stream", "0").json);
  assert.deepEqual(udp.messages.map((m) => m.messages.map((x) => Buffer.from(x.body_hex, "hex").toString())), [["你好", "bye"], ["hi"]]);
  assert.throws(() => wasm.followUdp(chat, 0, { delimiter: "\\n" }), /UDP keeps message boundaries/);
  assert.throws(() => wasm.followUdp(chat, 1), /the capture has no UDP stream 1 \(it has 1\)/);
});
