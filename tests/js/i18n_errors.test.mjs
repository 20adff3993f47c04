// netlab's error messages in Chinese (web/i18n-errors.js) against the
// English the core writes them with: every `#[error("…")]` format in
// core/src has its entry (but Python's own words, which stay English), no
// entry is left without its source, placeholders agree; and what the WASM
// module really throws for bad input comes out all Chinese, nested
// messages included.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { ROOT, loadWasm } from "./helpers.mjs";
import { ERRORS_ZH, PIECES_ZH, FOREIGN_ZH, localizeError, placeholders } from "../../web/i18n-errors.js";

/** Rust string literal contents: escapes and `\` line continuations resolved. */
const unrust = (/** @type {string} */ s) =>
  s.replace(/\\\n\s*/g, "").replace(/\\(["'\\])/g, "$1").replace(/\\n/g, "\n");

/** The .rs files under `dir`, each without its test module. */
function sources(/** @type {string} */ dir) {
  /** @type {Array<{file: string, code: string}>} */
  const out = [];
  for (const name of readdirSync(path.join(ROOT, dir))) {
    const rel = path.join(dir, name);
    if (statSync(path.join(ROOT, rel)).isDirectory()) out.push(...sources(rel));
    else if (name.endsWith(".rs")) out.push({ file: rel, code: readFileSync(path.join(ROOT, rel), "utf8").split(/#\[cfg\(test\)\]\s*mod /)[0] });
  }
  return out;
}

const CORE = sources("core/src");
const WASM = sources("wasm/src");

/**
 * Where Python's words are kept as Python prints them: CPython's struct
 * errors, its socket/inet wording, and getservbyport's messages.
 */
const PYTHON_FILES = ["core/src/pystruct/"];
const PYTHON_FORMATS = [
  "getservbyport: port must be 0-65535.",
  "service/proto not found: {0}",
  "illegal IP address string passed to inet_aton",
  "illegal IP address string passed to inet_pton",
  "embedded null character",
  "packed IP wrong length for inet_ntoa",
  "invalid length of packed IP address string",
];

/** Every `#[error("…")]` format of core/src, with its file (multi-line attributes, escaped quotes). */
function errorFormats() {
  /** @type {Array<{file: string, format: string}>} */
  const found = [];
  for (const { file, code } of CORE) {
    for (const m of code.matchAll(/#\[error\(\s*"((?:[^"\\]|\\[\s\S])*)"/g)) found.push({ file, format: unrust(m[1]) });
  }
  return found;
}

/** Whether `text` is written as a string literal (one line, Rust-escaped) in core/src or wasm/src. */
const ALL_CODE = [...CORE, ...WASM].map((s) => s.code).join("\n");
const literal = (/** @type {string} */ text) => ALL_CODE.includes(`"${text.replace(/[\\"]/g, "\\$&")}"`);

const isPython = (/** @type {{file: string, format: string}} */ f) =>
  PYTHON_FILES.some((p) => f.file.startsWith(p)) || PYTHON_FORMATS.includes(f.format);
/** A format of placeholders alone (`{0}`, passing an inner message on) has nothing to translate. */
const wordless = (/** @type {string} */ format) => !/[A-Za-z]/.test(format.replace(/\{\w*(:[^}]*)?\}/g, ""));

const sorted = (/** @type {string[]} */ a) => [...a].sort();

test("every error format in core/src has its Chinese (Python's words aside), with the same placeholders, and none is left over", () => {
  const all = errorFormats();
  const python = all.filter(isPython);
  const ours = all.filter((f) => !isPython(f) && !wordless(f.format));
  // The scan must find the enums at all: about 120 of netlab's, 35 of Python's.
  assert.ok(ours.length > 100 && python.length > 30, `${ours.length} formats, ${python.length} Python's`);
  assert.ok(ours.some((f) => f.format.startsWith("the header and {extra} bytes")), "multi-line attributes are read whole");
  assert.deepEqual(ours.filter((f) => !(f.format in ERRORS_ZH)).map((f) => `${f.file}: ${f.format}`), [], "formats without Chinese");
  assert.deepEqual(python.filter((f) => f.format in ERRORS_ZH).map((f) => f.format), [], "Python's words stay English");
  const formats = new Set(ours.map((f) => f.format));
  assert.deepEqual(Object.keys(ERRORS_ZH).filter((en) => !formats.has(en) && !literal(en)), [], "Chinese of no message in core/src or wasm/src");
  assert.deepEqual(Object.keys(PIECES_ZH).filter((en) => !literal(en)), [], "Chinese of no piece in core/src or wasm/src");
  for (const [en, zh] of [...Object.entries(ERRORS_ZH), ...Object.entries(PIECES_ZH), ...Object.entries(FOREIGN_ZH)]) {
    assert.deepEqual(sorted(placeholders(zh)), sorted(placeholders(en)), `placeholders of ${en} → ${zh}`);
    // Chinese words, or at least Chinese punctuation (`--{flag}：{e}`).
    assert.match(zh, /[\u4e00-\u9fff\uff00-\uffef]/, `${en} → ${zh} has no Chinese`);
  }
  console.log(`# ${ours.length} formats of netlab's translated, ${python.length} of Python's left English; ${Object.keys(ERRORS_ZH).length - formats.size} more from write!/format!/JsError::new`);
});

/**
 * The English words left in a message that should be Chinese: quoted text,
 * code (`dst_port`, `send.from`, `--src`, `recv()`, `splitSubnet`), numbers, addresses and
 * the protocols' and Python's names aside.
 * @param {string} text
 */
function english(text) {
  const KEEP = new Set(["IPv4", "IPv6", "IP", "TCP", "UDP", "ICMP", "MAC", "TTL", "MSS", "mss", "MTU", "ARP", "Ethernet", "netlab", "pcap", "pcapng", "IDB", "STP", "Linux", "BigInt", "Uint8Array", "FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR", "AE", "tcp", "udp", "icmp", "spec", "loss", "u16", "ttl"]);
  const bare = text.replace(/'[^']*'|`[^`]*`|"[^"]*"/g, " ");
  return (bare.match(/-*[A-Za-z][\w.:/-]*/g) ?? []).filter((w) => !KEEP.has(w) && !/[\d_.:/-]|[a-z][A-Z]/.test(w) && !/^[A-Za-z]$/.test(w) && !/^[0-9a-f]+$/i.test(w));
}

const wasm = await loadWasm();
const MACS = { A: "02:00:00:00:00:0a", B: "02:00:00:00:00:0b", C: "02:00:00:00:00:0c", eth0: "02:00:00:00:01:01", eth1: "02:00:00:00:01:02" };
/** The LAN tool's spec (web/tools/lan.js), with A's mask and the destination to choose. */
const lan = (/** @type {{mask?: string, to?: string}} */ o) => ({
  hosts: [["A", "192.168.12.1", "192.168.12.254"], ["B", "192.168.13.1", "192.168.13.254"], ["C", "192.168.12.2", "192.168.12.254"]].map(([name, ip, gateway]) => ({
    name, ip, gateway, mac: MACS[/** @type {"A" | "B" | "C"} */ (name)], mask: name === "A" ? o.mask ?? "255.255.255.0" : "255.255.255.0",
  })),
  switches: [{ name: "S1" }, { name: "S2" }],
  routers: [{ name: "R", interfaces: [
    { name: "eth0", ip: "192.168.12.254", mask: "255.255.255.0", mac: MACS.eth0 },
    { name: "eth1", ip: "192.168.13.254", mask: "255.255.255.0", mac: MACS.eth1 },
  ] }],
  links: [["A", "S1"], ["C", "S1"], ["R:eth0", "S1"], ["B", "S2"], ["R:eth1", "S2"]].map(([a, b]) => ({ a, b })),
  send: { from: "A", to: o.to ?? "192.168.13.1", proto: "icmp" },
  variant: "normal",
});
const seg = { proto: "tcp", src: "192.168.12.1", dst: "192.168.13.1", dst_port: 9000 };

/** Bad input to every tool, as the playground passes it. */
const BAD = {
  "subnet /33": () => wasm.subnetInfo("192.168.1.10/33"),
  // inet_aton's why (the error's hint; its message is CPython's and stays English).
  ...Object.fromEntries(["08", "300.1", "1.2.3.4.5", "1.2.3.256", "", "0x", " 1", "1..2", "4294967296"].map((text) => [`inet_aton why '${text}'`, () => {
    try {
      wasm.inetAtonReading(text);
    } catch (e) {
      throw new Error(/** @type {any} */ (e).hint);
    }
  }])),
  "subnet mask": () => wasm.subnetInfo("10.1.2.3/255.0.255.0"),
  "subnet wildcard": () => wasm.subnetInfo("10.1.2.3/0.0.0.255"),
  "subnet octet": () => wasm.subnetInfo("10.1.2.300/24"),
  "VLSM 1000 hosts": () => wasm.vlsm("192.168.1.0/24", ["1000"]),
  "VLSM after larger requests": () => wasm.vlsm("192.168.1.0/24", ["100", "100", "100"]),
  "VLSM 0 hosts": () => wasm.vlsm("192.168.1.0/24", ["0"]),
  "split count": () => wasm.splitSubnet("10.0.0.0/24", { count: 1000 }),
  "split prefix": () => wasm.splitSubnet("10.0.0.0/24", { prefix: "8" }),
  "range reversed": () => wasm.rangeToCidrs("10.0.0.5", "10.0.0.1"),
  "range versions": () => wasm.rangeToCidrs("10.0.0.1", "::1"),
  "summarize host bits": () => wasm.summarize(["10.0.0.1/24"]),
  "same network /24": () => wasm.sameSubnet("192.168.1.1", "/24", "255.255.255.0"),
  "same network versions": () => wasm.sameSubnet("1.1.1.1", "::1", "24"),
  "classify network": () => wasm.classify("10.0.0.0/8"),
  "MAC groups": () => wasm.macInfo("00:1a:2b"),
  "MAC byte": () => wasm.macInfo("zz:1a:2b:3c:4d:5e"),
  "MAC separators": () => wasm.macInfo("00:1a-2b:3c:4d:5e"),
  "port protocol": () => wasm.serviceLookup("http", /** @type {any} */ ("sctp")),
  "hex": () => wasm.parseHex("hello world"),
  "hex odd": () => wasm.parseHex("abc"),
  "capture": () => wasm.readCapture(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])),
  "LAN To": () => wasm.lanSimulate(/** @type {any} */ (lan({ to: "999.1.1.1" }))),
  "LAN mask (nested)": () => wasm.lanSimulate(/** @type {any} */ (lan({ mask: "255.0.255.0" }))),
  "LAN mask octet (nested)": () => wasm.lanSimulate(/** @type {any} */ (lan({ mask: "255.255.300.0" }))),
  "TCP loss 0": () => wasm.tcpSimulate({ scenario: "full", loss: [0] }),
  "TCP mss 0": () => wasm.tcpSimulate({ client: { mss: 0 } }),
  "TCP request": () => wasm.tcpSimulate(/** @type {any} */ ({ request: "x".repeat(100000) })),
  "TCP mss type": () => wasm.tcpSimulate(/** @type {any} */ ({ client: { mss: "x" } })),
  "TCP mss value": () => wasm.tcpSimulate(/** @type {any} */ ({ client: { mss: 70000 } })),
  "TCP mss float": () => wasm.tcpSimulate(/** @type {any} */ ({ client: { mss: 1.5 } })),
  "TCP mss boolean": () => wasm.tcpSimulate(/** @type {any} */ ({ client: { mss: true } })),
  "TCP scenario": () => wasm.tcpSimulate(/** @type {any} */ ({ scenario: "nope" })),
  "LAN field": () => wasm.lanSimulate(/** @type {any} */ ({ hosts: [{ name: "A", ip: "192.168.12.2", mask: "255.255.255.0" }] })),
  "encap --src (nested)": () => wasm.encapsulate({ ...seg, src: "1.2.3" }),
  "encap --src-mac (nested)": () => wasm.encapsulate({ ...seg, src_mac: "zz" }),
  "encap --flags (nested)": () => wasm.encapsulate({ ...seg, flags: "FOO" }),
  "encap ttl": () => wasm.encapsulate({ ...seg, ttl: 300 }),
  "encap ICMP port": () => wasm.encapsulate({ ...seg, proto: "icmp" }),
  "encap proto": () => wasm.encapsulate({ ...seg, proto: "xx" }),
  "encap port": () => wasm.encapsulate({ proto: "udp", src: seg.src, dst: seg.dst }),
  "encap payload": () => wasm.encapsulate({ ...seg, payload: "x".repeat(2000) }),
  "encap field": () => wasm.encapsulate({ ...seg, foo: 1 }),
  "sticky mss": () => wasm.stickySimulate({ mss: 0 }),
  "split spec": () => wasm.splitSubnet("10.0.0.0/24", /** @type {any} */ ({})),
  "dissector length finding": () => {
    throw new Error(wasm.dissect(new Uint8Array([1, 2, 3])).findings[0].message);
  },
};

/** @param {() => unknown} f */
function thrown(f) {
  try {
    f();
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  assert.fail("no error");
}

test("what the WASM module throws for bad input comes out all Chinese", () => {
  const foreign = new Set();
  for (const [what, f] of Object.entries(BAD)) {
    const en = thrown(f);
    const zh = localizeError(en);
    assert.notEqual(zh, en, `${what}: "${en}" is not translated`);
    assert.match(zh, /[\u4e00-\u9fff]/, `${what}: ${zh}`);
    assert.deepEqual(english(zh), [], `${what}: English left in "${zh}" (from "${en}")`);
    for (const key of Object.keys(FOREIGN_ZH)) if (localizeError(key.replace(/\{\d\}/g, "x")) !== key && en.includes(key.split("{")[0])) foreign.add(key);
  }
  // serde's and std's messages are here because the module passes them on.
  assert.deepEqual(Object.keys(FOREIGN_ZH).filter((k) => !foreign.has(k) && !/^unknown variant `\{0\}`, expected \{1\}$/.test(k)), []);
});

test("a nested message is translated inside its wrapper", () => {
  assert.equal(localizeError(thrown(BAD["LAN mask (nested)"])), "A：子网掩码 '255.0.255.0'：子网掩码 255.0.255.0 不连续");
  assert.equal(localizeError(thrown(BAD["encap --src (nested)"])), "--src：'1.2.3' 有 3 个用点分隔的部分；IPv4 地址应有 4 个");
  assert.equal(
    localizeError(thrown(BAD["VLSM after larger requests"])),
    "容纳 100 台主机的子网放不下：它需要一个 /25（128 个地址），但 192.168.1.0/24 只剩 0 个地址（更大的需求已先分配：192.168.1.0/25 给 100 台主机、192.168.1.128/25 给 100 台主机）",
  );
  assert.equal(localizeError(thrown(BAD["subnet /33"])), "前缀 33 超出了 IPv4 的范围（0-32）");
  // A label the page puts before a message stays, the message is translated.
  assert.equal(localizeError("源地址: --src: '1.2.3' has 3 dotted parts; an IPv4 address has 4"), "源地址: --src：'1.2.3' 有 3 个用点分隔的部分；IPv4 地址应有 4 个");
});

test("Python's own words and unknown messages come back unchanged", () => {
  for (const f of [() => wasm.inetAton("1.2.3.4.5"), () => wasm.structPack("i", ["x"]), () => wasm.serviceLookup("70000"), () => wasm.structCalcsize("y")]) {
    const en = thrown(f);
    assert.equal(localizeError(en), en);
  }
  for (const en of ["[Errno 111] Connection refused", "something else entirely", ""]) assert.equal(localizeError(en), en);
  // User text in quotes is never translated, even when it reads like a message.
  assert.equal(localizeError("'rto_ms must be at least 1' is not an IPv4 or IPv6 address"), "'rto_ms must be at least 1' 不是 IPv4 或 IPv6 地址");
});
