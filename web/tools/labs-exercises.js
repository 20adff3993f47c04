// The guided exercises of the Labs tool, one per lab of labs.md, each the
// seed's client.py (or server.py) retold with the Python-like sockets of the
// WASM module, saying each call as the seed writes it and what it returned.
// @ts-check
import { hmacDigest, structPack, structUnpack } from "../pkg/netlab_wasm.js";
import { t } from "../i18n.js";
import { h, messageOf } from "../ui.js";
import { pyBytes, pyJsonString, toHex } from "../python.js";

/** @typedef {import("../pkg/netlab_wasm.js").Relay} Relay */
/** @typedef {import("../pkg/netlab_wasm.js").Socket} Socket */
/** @typedef {import("../pkg/netlab_wasm.js").LabInfo} LabInfo */
/** @typedef {import("../pkg/netlab_wasm.js").HmacAlgorithm} HmacAlgorithm */

/**
 * Page text: a string, or a function that words it in the page's language
 * (called again after a language change). What a server sent is a string.
 * @typedef {string | (() => string)} Text
 *
 * @typedef {object} RunContext
 * @property {Relay} relay
 * @property {AbortSignal} signal the learner pressed Stop (or left)
 * @property {(name: string) => LabInfo} lab
 * @property {(key: string) => string} value an input's value
 * @property {(key: string) => File | null} file a file input's file
 * @property {(text: Text, kind?: string) => void} say a line of the log
 * @property {HTMLElement} extra where an exercise shows more (headers, digests, commands)
 * @property {(done: number, total: number) => void} progress
 * @property {<N extends Node>(node: N, text: Text) => N} word sets a node's text, worded again after a language change
 * @property {(ok: boolean, text: Text) => void} done the exercise's verdict
 *
 * @typedef {object} InputSpec
 * @property {string} key the URL parameter (none for files)
 * @property {string} label i18n key
 * @property {string[]} [options]
 * @property {boolean} [file]
 *
 * @typedef {object} Exercise
 * @property {string} id
 * @property {string | null} lab the lab server it needs
 * @property {InputSpec[]} inputs
 * @property {string} [note] i18n key of a note under the exercise
 * @property {(ctx: RunContext) => Promise<void>} run
 */

const HOST = "127.0.0.1";
/** The port seed 000's server.py binds and its client.py connects to. */
const SEED_PORT = 9000;
const text = (/** @type {Uint8Array} */ b) => new TextDecoder().decode(b);
const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));

/** A connected TCP socket to a lab, closed when the learner stops. @param {RunContext} ctx @param {string} name */
async function dial(ctx, name) {
  const { port } = ctx.lab(name);
  const s = ctx.relay.socket("tcp");
  ctx.signal.addEventListener("abort", () => s.close(), { once: true });
  ctx.say(`sk = socket.socket(); sk.connect(('${HOST}', ${port}))`);
  await s.connect(HOST, port);
  return s;
}

/** `n` bytes exactly, or fewer at EOF, as a framed reader loops. @param {Socket} s @param {number} n */
async function recvExact(s, n) {
  const out = new Uint8Array(n);
  let at = 0;
  while (at < n) {
    const b = await s.recv(n - at);
    if (b.length === 0) break;
    out.set(b, at);
    at += b.length;
  }
  return out.subarray(0, at);
}

/** Everything until the peer closes. @param {Socket} s @param {(n: number) => void} [onBytes] */
async function recvAll(s, onBytes) {
  /** @type {Uint8Array[]} */
  const parts = [];
  let n = 0;
  for (;;) {
    const b = await s.recv(65536);
    if (b.length === 0) break;
    parts.push(b);
    n += b.length;
    onBytes?.(n);
  }
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * The upload server's answer: everything until it closes. After a send cut
 * short (`cut`), what came before the connection broke is the answer; with
 * nothing, the send's error stands.
 * @param {Socket} s
 * @param {unknown} cut
 */
async function recvAnswer(s, cut) {
  if (cut === null) return recvAll(s);
  s.settimeout(5);
  /** @type {number[]} */
  const got = [];
  try {
    for (let i = 0; i < 64; i++) {
      const b = await s.recv(1024);
      if (b.length === 0) break;
      got.push(...b);
    }
  } catch {
    // The reset that cut the send: keep what arrived before it.
  }
  if (got.length === 0) throw cut;
  return Uint8Array.from(got);
}

/** Hex SHA-256 with WebCrypto. @param {Uint8Array} bytes */
async function sha256(bytes) {
  const copy = new Uint8Array(bytes);
  return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", copy.buffer)));
}

/** A labelled value in the exercise's extra area. @param {RunContext} ctx @param {string} id @param {Text} label @param {string} value */
function show(ctx, id, label, value) {
  const k = ctx.word(h("span", { class: "k" }), typeof label === "string" ? `${label}: ` : () => `${label()}: `);
  ctx.extra.append(h("p", { class: "labs-kv" }, k, h("code", { id, text: value })));
}

/** Several clients of one lab at once (the socketserver lesson). @param {string} lab @param {(s: string) => string} expect */
function manyClients(lab, expect) {
  /** @param {RunContext} ctx */
  return async (ctx) => {
    const words = ["hello", "nice", "你好 socket"];
    const clients = await Promise.all(words.map(() => dial(ctx, lab)));
    ctx.say(() => t("labs.clients_open", { n: clients.length }));
    let ok = true;
    for (let round = 1; round <= 2; round++) {
      const replies = await Promise.all(
        clients.map(async (s, i) => {
          const msg = `${words[i]} ${round}`;
          await s.sendall(msg);
          let got = "";
          while (new TextEncoder().encode(got).length < new TextEncoder().encode(msg).length) {
            const b = await s.recv(1024);
            if (b.length === 0) break;
            got += text(b);
          }
          return [msg, got];
        }),
      );
      replies.forEach(([msg, got], i) => {
        ok &&= got === expect(msg);
        ctx.say(`client ${i + 1}: sk.send(${pyBytes(new TextEncoder().encode(msg))}) → sk.recv(1024) = ${pyBytes(new TextEncoder().encode(got))}`);
      });
    }
    await Promise.all(clients.map((s) => s.close()));
    ctx.done(ok, () => t(ok ? "labs.done_many" : "labs.done_many_bad", { n: clients.length }));
  };
}

/** @type {Exercise[]} */
export const EXERCISES = [
  {
    id: "hello",
    lab: "hello",
    inputs: [],
    async run(ctx) {
      const s = await dial(ctx, "hello");
      const msg = await s.recv(1024);
      ctx.say(`msg = sk.recv(1024)  # ${pyBytes(msg)}`);
      await s.send("bye");
      ctx.say("sk.send(b'bye')");
      await s.close();
      ctx.say("sk.close()");
      ctx.done(text(msg) === "hello", () => t("labs.done_hello", { msg: pyBytes(msg) }));
    },
  },
  { id: "echo", lab: "echo", inputs: [], run: manyClients("echo", (s) => s) },
  { id: "upper", lab: "upper", inputs: [], run: manyClients("upper", (s) => s.toUpperCase()) },
  {
    id: "sticky",
    lab: "sticky",
    inputs: [],
    async run(ctx) {
      const s = await dial(ctx, "sticky");
      ctx.say("time.sleep(0.1)");
      await sleep(100);
      const msg1 = await s.recv(1024);
      ctx.say(`msg1 = sk.recv(1024)  # ${pyBytes(msg1)}  (${msg1.length})`);
      const msg2 = await s.recv(1024);
      ctx.say(`msg2 = sk.recv(1024)  # ${pyBytes(msg2)}`);
      await s.close();
      const chunk = h("p", { id: "labs-sticky-chunk", "data-size": msg1.length, "data-text": text(msg1) });
      ctx.extra.append(ctx.word(chunk, () => t("labs.sticky_chunk", { n: msg1.length, bytes: pyBytes(msg1) })));
      ctx.done(text(msg1) === "hellonice", () => t(text(msg1) === "hellonice" ? "labs.done_sticky" : "labs.done_sticky_split"));
    },
  },
  {
    id: "framed",
    lab: "framed",
    inputs: [],
    note: "labs.note_framed",
    async run(ctx) {
      const s = await dial(ctx, "framed");
      /** @type {string[]} */
      const got = [];
      for (let i = 0; i < 16; i++) {
        const head = await recvExact(s, 4);
        if (head.length < 4) break;
        const [n] = structUnpack("i", head);
        ctx.say(`head = sk.recv(4)  # ${pyBytes(head)}; struct.unpack('i', head) = (${n},)`);
        const body = await recvExact(s, Number(n));
        ctx.say(`sk.recv(${n})  # ${pyBytes(body)}`);
        got.push(text(body));
      }
      await s.close();
      const ok = got.join(",") === "hello,nice";
      ctx.done(ok, () => t("labs.done_framed", { msgs: got.join(", ") }));
    },
  },
  {
    id: "upload",
    lab: "upload",
    inputs: [{ key: "upload", label: "labs.in_file", file: true }],
    async run(ctx) {
      const file = ctx.file("upload");
      if (!file) {
        ctx.done(false, () => t("labs.no_file"));
        return;
      }
      const bytes = new Uint8Array(await file.arrayBuffer());
      // json.dumps as the seed calls it: ", " and ": " between items, and
      // ensure_ascii, so 作业.txt goes as \u4f5c\u4e1a.txt.
      const header = `{"filename": ${pyJsonString(file.name)}, "filesize": ${bytes.length}}`;
      const headerBytes = new TextEncoder().encode(header);
      const mlen = structPack("i", [headerBytes.length]);
      show(ctx, "labs-header", () => t("labs.header"), header);
      show(ctx, "labs-mlen", "struct.pack('i', len(b_dic))", pyBytes(mlen));
      const s = await dial(ctx, "upload");
      await s.sendall(mlen);
      ctx.say(`sk.send(mlen)  # ${pyBytes(mlen)}`);
      await s.sendall(headerBytes);
      ctx.say(`sk.send(b_dic)  # ${header}`);
      const chunk = 65536;
      // A server that refuses the file answers before it has all of it: a
      // send cut short is said, and its answer read all the same.
      /** @type {unknown} */
      let cut = null;
      try {
        for (let at = 0; at < bytes.length; at += chunk) {
          await s.sendall(bytes.subarray(at, at + chunk));
          ctx.progress(Math.min(at + chunk, bytes.length), bytes.length);
        }
        ctx.progress(bytes.length, bytes.length);
        ctx.say(() => t("labs.sent_bytes", { n: bytes.length }));
      } catch (e) {
        if (ctx.signal.aborted) throw e;
        cut = e;
        ctx.say(() => t("labs.send_cut", { message: messageOf(e) }), "bad");
      }
      const reply = text(await recvAnswer(s, cut));
      await s.close();
      ctx.say(`sk.recv(1024)  # ${reply.trim()}`);
      const local = await sha256(bytes);
      show(ctx, "labs-sha-local", () => t("labs.sha_local"), local);
      /** @type {{ok?: boolean, sha256?: string, error?: string}} */
      let answer = {};
      try {
        answer = JSON.parse(reply);
      } catch {
        answer = { ok: false, error: reply };
      }
      show(ctx, "labs-sha-server", () => t("labs.sha_server"), answer.sha256 ?? answer.error ?? "");
      const ok = answer.ok === true && answer.sha256 === local;
      ctx.extra.dataset.sha = ok ? "match" : "differ";
      ctx.done(ok, () => (ok ? t("labs.done_upload") : t("labs.done_upload_bad", { error: answer.error ?? "sha256" })));
    },
  },
  {
    id: "download",
    lab: "download",
    inputs: [{ key: "file", label: "labs.in_name" }],
    async run(ctx) {
      const name = ctx.value("file");
      // send(b'') sends nothing: the server would wait for a name forever.
      if (name === "") {
        ctx.done(false, () => t("labs.no_name"));
        return;
      }
      const s = await dial(ctx, "download");
      await s.send(name);
      ctx.say(`sk.send(${pyBytes(new TextEncoder().encode(name))})`);
      const bytes = await recvAll(s, (n) => ctx.progress(n, n));
      await s.close();
      ctx.say(() => t("labs.got_bytes", { n: bytes.length }));
      if (bytes.length === 0) {
        ctx.done(false, () => t("labs.done_download_none", { name }));
        return;
      }
      show(ctx, "labs-sha-local", "sha256", await sha256(bytes));
      const url = URL.createObjectURL(new Blob([new Uint8Array(bytes)]));
      ctx.extra.append(h("p", {}, ctx.word(h("a", { id: "labs-save", href: url, download: name }), () => t("labs.save", { name }))));
      ctx.done(true, () => t("labs.done_download", { name, n: bytes.length }));
    },
  },
  {
    id: "auth",
    lab: "auth",
    inputs: [
      { key: "secret", label: "labs.in_secret" },
      { key: "alg", label: "labs.in_alg", options: ["sha1", "md5", "hmac-md5", "hmac-sha256"] },
    ],
    async run(ctx) {
      const secret = ctx.value("secret");
      const alg = /** @type {HmacAlgorithm} */ (ctx.value("alg"));
      const s = await dial(ctx, "auth");
      const rand = await recvExact(s, 32);
      ctx.say(`rand = sk.recv(32)  # ${toHex(rand)}`);
      const digest = hmacDigest(alg, secret, rand);
      // The seeds send hashlib's hexdigest and hmac's raw digest.
      const hex = alg === "sha1" || alg === "md5";
      const answer = hex ? new TextEncoder().encode(toHex(digest)) : digest;
      show(ctx, "labs-digest", () => t("labs.digest", { alg }), toHex(digest));
      await s.send(answer);
      ctx.say(`sk.send(${hex ? `sha.hexdigest().encode()` : "hmac.new(secret, rand, …).digest()"})  # ${pyBytes(answer)}`);
      const reply = await s.recv(1024);
      ctx.say(`sk.recv(1024)  # ${pyBytes(reply)}`);
      const accepted = text(reply) === "hello";
      if (accepted) {
        await s.send("abc");
        ctx.say(`sk.send(b'abc') → sk.recv(1024)  # ${pyBytes(await s.recv(1024))}`);
      }
      await s.close();
      ctx.extra.dataset.verdict = accepted ? "accepted" : "refused";
      ctx.done(accepted, () => t(accepted ? "labs.done_auth" : "labs.done_auth_bad"));
    },
  },
  {
    id: "cmd",
    lab: "cmd",
    inputs: [{ key: "cmd", label: "labs.in_cmd" }],
    async run(ctx) {
      const command = ctx.value("cmd");
      // sendall(b'') sends nothing: the server would wait for a command forever.
      if (command.trim() === "") {
        ctx.done(false, () => t("labs.no_cmd"));
        return;
      }
      const s = await dial(ctx, "cmd");
      ctx.say(`print(str(sk.recv(1024), 'utf8'))  # ${text(await s.recv(1024))}`);
      await s.sendall(command);
      ctx.say(`sk.sendall(${pyBytes(new TextEncoder().encode(command))})`);
      const first = await s.recv(1024);
      ctx.say(() => `basic_info_bytes = sk.recv(1024)  # ${first.length} ${t("labs.bytes")}: ${pyBytes(first.subarray(0, 48))}${first.length > 48 ? "…" : ""}`);
      const m = /^info\|(\d+)/.exec(new TextDecoder("latin1").decode(first.subarray(0, 32)));
      if (!m) throw new Error(t("labs.cmd_no_header"));
      const length = Number(m[1]);
      const head = m[0].length;
      if (first.length > head) ctx.say(() => t("labs.cmd_stuck", { n: first.length - head, py: `int('${text(first.subarray(5, 5 + 16))}…')` }), "bad");
      const out = new Uint8Array(length);
      out.set(first.subarray(head, head + length));
      let have = Math.min(first.length - head, length);
      let recvs = 1;
      ctx.progress(have, length);
      while (have < length) {
        const b = await s.recv(Math.min(1024, length - have));
        if (b.length === 0) break;
        out.set(b, have);
        have += b.length;
        recvs++;
        ctx.progress(have, length);
      }
      await s.close();
      ctx.say(() => t("labs.cmd_total", { have, length, recvs }));
      const total = h("p", { id: "labs-cmd-total", "data-bytes": have, "data-length": length, "data-recvs": recvs });
      ctx.extra.append(ctx.word(total, () => t("labs.cmd_total", { have, length, recvs })));
      if (length <= 4000) ctx.extra.append(h("pre", { class: "labs-out", tabindex: "0", text: text(out.subarray(0, have)) }));
      ctx.done(have === length, () => t(have === length ? "labs.done_cmd" : "labs.done_cmd_bad", { have, length }));
    },
  },
  {
    id: "chat",
    lab: "chat",
    inputs: [{ key: "name", label: "labs.in_name_chat" }],
    async run(ctx) {
      const { port } = ctx.lab("chat");
      const name = ctx.value("name") || "anon";
      const s = ctx.relay.socket("udp");
      ctx.signal.addEventListener("abort", () => s.close(), { once: true });
      const send = async (/** @type {string} */ msg) => {
        await s.sendto(`${name}|${msg}`, HOST, port);
        ctx.say(`sk.sendto(${pyBytes(new TextEncoder().encode(`${name}|${msg}`))}, ('${HOST}', ${port}))`);
      };
      const input = h("input", { id: "labs-chat-msg", type: "text", class: "in-m", autocomplete: "off" });
      const button = ctx.word(h("button", { type: "submit", id: "labs-chat-send" }), () => t("labs.chat_send"));
      const label = ctx.word(h("label", { for: "labs-chat-msg" }), () => t("labs.chat_msg"));
      const form = h("form", { class: "row" }, h("div", { class: "field" }, label, input), button);
      form.addEventListener("submit", (e) => {
        e.preventDefault();
        if (input.value) send(input.value).catch((err) => ctx.say(String(err), "bad"));
        input.value = "";
      });
      ctx.extra.append(form);
      const lines = h("ul", { id: "labs-chat-lines", class: "labs-log" });
      ctx.extra.append(lines);
      await send(t("labs.chat_joined"));
      ctx.done(true, () => t("labs.chat_on", { name }));
      // One datagram a line, until Stop (bounded like the seed's loop).
      for (let i = 0; i < 10_000; i++) {
        const [data, from] = await s.recvfrom(1024);
        lines.append(h("li", { text: text(data) }));
        ctx.say(`sk.recvfrom(1024)  # (${pyBytes(data)}, ('${from?.[0]}', ${from?.[1]}))`);
      }
    },
  },
  {
    id: "server",
    lab: null,
    inputs: [{ key: "listen", label: "labs.in_port" }],
    async run(ctx) {
      const wanted = Number(ctx.value("listen") || "0");
      const server = ctx.relay.socket("tcp");
      ctx.signal.addEventListener("abort", () => server.close(), { once: true });
      await server.setsockopt("SO_REUSEADDR", 1);
      await server.bind(HOST, wanted);
      await server.listen(5);
      const [, port] = server.getsockname();
      ctx.say(`sk.bind(('${HOST}', ${wanted})); sk.listen(5)  # ${HOST}:${port}`);
      // Seed 000's client.py connects to 9000: on that port it runs as it
      // is; on another, its connect line needs this port.
      const asIs = port === SEED_PORT;
      ctx.extra.append(
        ctx.word(h("p"), () => t(asIs ? "labs.server_cmd_as_is" : "labs.server_cmd_changed", { port, seed: SEED_PORT })),
        ...(asIs ? [] : [h("pre", {}, h("code", { id: "labs-server-connect", text: `sk.connect(('${HOST}', ${port}))` }))]),
        h("pre", {}, h("code", { id: "labs-server-cmd", "data-port": port, text: "python3 client.py" })),
      );
      ctx.done(true, () => t("labs.server_on", { port }));
      // The seed's server.py (000 §2): send b'hello', print one recv, close; then the next.
      for (let i = 0; i < 1000; i++) {
        const [conn, peer] = await server.accept();
        ctx.say(`conn, addr = sk.accept()  # ('${peer[0]}', ${peer[1]})`);
        await conn.send("hello");
        ctx.say("conn.send(b'hello')");
        const msg = await conn.recv(1024);
        ctx.say(`msg = conn.recv(1024)  # ${pyBytes(msg)}`, "got");
        await conn.close();
        ctx.say("conn.close()");
      }
    },
  },
];

/** The console's examples: title (i18n key) and code. */
export const CONSOLE_EXAMPLES = [
  {
    title: "labs.ex_echo",
    code: `const s = relay.socket('tcp');
await s.connect('127.0.0.1', lab('echo'));
await s.send('hi');
print(await s.recv(1024));
await s.close();`,
  },
  {
    title: "labs.ex_sticky",
    code: `const s = relay.socket('tcp');
await s.connect('127.0.0.1', lab('sticky'));
await sleep(100);          // time.sleep(0.1)
print(await s.recv(1024)); // b'hellonice'
print(await s.recv(1024)); // b''
await s.close();`,
  },
  {
    title: "labs.ex_timeout",
    code: `const s = relay.socket('tcp');
await s.connect('127.0.0.1', lab('echo'));
s.settimeout(0.5);
try { await s.recv(1024); } catch (e) { print(e.message); } // timed out
await s.close();`,
  },
  {
    title: "labs.ex_udp",
    code: `const s = relay.socket('udp');
await s.sendto('me|hello', '127.0.0.1', lab('chat'));
print(await s.recvfrom(1024));
await s.close();`,
  },
  {
    title: "labs.ex_refused",
    code: `const s = relay.socket('tcp');
await s.connect('127.0.0.1', 1); // nothing listens there`,
  },
];
