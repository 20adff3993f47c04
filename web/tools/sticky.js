// The sticky-packet (粘包) tool: seed 000 §6.1's server sends b'hello' then
// b'nice'; the client sleeps, then calls recv(1024) twice. The WASM module
// simulates the sender (Nagle), the wire (MSS, delay, jitter) and the
// receiver, for the naive client and for a length-prefixed one (§6.7); this
// shows both on one timeline, what each prints, and why.
// @ts-check
import { stickySimulate } from "../pkg/calc/netlab_wasm.js";
import { t } from "../i18n.js";
import { h, textField, showError, attempt, liveSummary, pythonBlock, onEdit, part, scrollBox } from "../ui.js";
import { pyBytes } from "../python.js";

/**
 * The parts of `stickySimulate`'s report this tool reads (core/src/sticky.rs).
 * @typedef {{kind: string, at_us: number, arrives_us?: number, returns_us?: number, call?: number, size?: number,
 *            message?: number, index?: number, start?: number, end?: number, data?: string, eof?: boolean}} StickyEvent
 * @typedef {{stream: string, stream_len: number, events: StickyEvent[], printed: string[], intact: boolean, hangs: boolean, note: string}} Lane
 * @typedef {{naive: Lane, framed: Lane}} StickyReport
 */

/** The sliders: URL key, spec field, min, max, step, how the value reads. */
const SLIDERS = /** @type {const} */ ([
  ["sleep", "sleep_ms", 0, 200, 1],
  ["pause", "pause_ms", 0, 100, 1],
  ["mss", "mss", 1, 1460, 1],
  ["delay", "delay_us", 0, 2000, 10],
  ["recv", "recv_size", 1, 2048, 1],
  ["calls", "calls", 1, 10, 1],
]);

/** Seed 000 §6.1 as written: no pause, Nagle on, sleep 0.1 s, recv(1024) twice. */
const DEFAULTS = { msgs: "hello\nnice", nagle: "1", sleep: "100", pause: "0", mss: "1460", delay: "50", recv: "1024", calls: "2", seed: "0" };

export default {
  id: "sticky",
  title: "tool.sticky",
  defaults: DEFAULTS,
  mount,
};

/** @param {string} text */
const bytesOf = (text) => pyBytes(new TextEncoder().encode(text));

/** Microseconds as milliseconds, to the microsecond. @param {number} us */
const ms = (us) => `${(us / 1000).toFixed(3)} ms`;

/**
 * Seconds as Python writes a float literal: 0.1, 0.05, 0.
 * @param {number} msValue
 */
const seconds = (msValue) => String(msValue / 1000);

/**
 * @param {HTMLElement} panel
 * @param {import("../app.js").ToolContext} ctx
 */
function mount(panel, ctx) {
  const msgs = textField({ id: "sticky-msgs", label: t("sticky.msgs"), hint: t("sticky.msgs_hint"), rows: 3, size: "m", errorId: "sticky-error" });
  const error = msgs.error;
  const nagle = h("input", { type: "checkbox", id: "sticky-nagle", name: "sticky-nagle", "aria-describedby": "sticky-nagle-hint" });
  const nagleWrap = h(
    "div",
    { class: "field check" },
    h("label", { for: "sticky-nagle" }, nagle, " ", t("sticky.nagle")),
    h("p", { id: "sticky-nagle-hint", class: "hint", text: t("sticky.nagle_hint") }),
  );
  /** @type {Record<string, {input: HTMLInputElement, out: HTMLOutputElement}>} */
  const sliders = {};
  const sliderWraps = SLIDERS.map(([key, , min, max, step]) => {
    const id = `sticky-${key}`;
    const input = h("input", { type: "range", id, name: id, min, max, step, "aria-describedby": `${id}-hint` });
    const out = h("output", { id: `${id}-value`, for: id, class: "range-value" });
    sliders[key] = { input, out };
    return h(
      "div",
      { class: "field slider" },
      h("label", { for: id, text: t(`sticky.${key}`) }),
      h("div", { class: "range-row" }, input, out),
      h("p", { id: `${id}-hint`, class: "hint", text: t(`sticky.${key}_hint`) }),
    );
  });
  const seed = textField({ id: "sticky-seed", label: t("sticky.seed"), hint: t("sticky.seed_hint"), size: "s", inputmode: "numeric", errorId: "sticky-seed-error" });
  const reroll = h("button", { type: "button", id: "sticky-reroll", text: t("sticky.reroll") });
  const reset = h("button", { type: "button", id: "sticky-reset", text: t("sticky.reset") });

  const summary = liveSummary("sticky-summary");
  summary.classList.add("verdict");
  const printed = h("div", { id: "sticky-printed", class: "sticky-lanes" });
  const why = h("div", { id: "sticky-why", class: "note" });
  const timeline = h("div", { id: "sticky-timeline" });
  const wire = h("div", { id: "sticky-wire" });
  const python = pythonBlock("sticky-python");

  panel.append(
    h("h2", { text: t("tool.sticky") }),
    h("p", { class: "intro", text: t("sticky.intro") }),
    h("div", { class: "row" }, msgs.wrap, h("div", {}, nagleWrap, seed.wrap, h("div", { class: "row buttons" }, reroll, reset))),
    h("div", { class: "sticky-sliders" }, sliderWraps),
    summary,
    printed,
    why,
    part("sticky-time", t("sticky.timeline_title"), h("p", { class: "hint", text: t("sticky.timeline_hint") }), timeline),
    part("sticky-segments", t("sticky.wire_title"), wire),
    python.el,
  );

  /** The spec for the inputs as they are. */
  function spec() {
    const n = (/** @type {string} */ key) => Number(sliders[key].input.value);
    const texts = msgs.input.value.split("\n");
    const seedText = seed.input.value.trim();
    if (!/^\d{1,15}$/.test(seedText)) throw new Error(t("sticky.bad_seed"));
    if (texts.every((x) => x === "")) throw new Error(t("sticky.no_msgs"));
    return {
      seed: Number(seedText),
      messages: texts.map((text, i) => ({ text, pause_us: i === 0 ? 0 : n("pause") * 1000 })),
      nagle: nagle.checked,
      mss: n("mss"),
      latency_us: n("delay"),
      sleep_us: n("sleep") * 1000,
      recv_size: n("recv"),
      recv_calls: n("calls"),
    };
  }

  function showValues() {
    for (const [key, { input, out }] of Object.entries(sliders)) {
      const v = Number(input.value);
      out.textContent =
        key === "sleep" || key === "pause" ? `${v} ms` : key === "delay" ? `${v} µs` : key === "calls" ? String(v) : t("sticky.bytes", { n: v });
    }
  }

  function render() {
    showValues();
    const res = attempt(() => /** @type {StickyReport} */ (stickySimulate(spec())));
    if (res.err !== undefined) {
      showError(error, res.err, msgs.input, seed.input);
      summary.textContent = t("summary.error", { message: res.err });
      for (const el of [printed, why, timeline, wire]) el.replaceChildren();
      python.set([`# ${res.err}`]);
      return;
    }
    showError(error, null, msgs.input, seed.input);
    const r = res.ok;
    const s = spec();
    const naiveText = r.naive.printed.join(", ");
    summary.dataset.intact = String(r.naive.intact);
    summary.textContent = t(r.naive.intact ? "sticky.summary_intact" : "sticky.summary_stuck", {
      naive: naiveText,
      framed: r.framed.printed.join(", "),
    });
    printed.replaceChildren(lanePrinted("naive", t("sticky.naive"), r.naive), lanePrinted("framed", t("sticky.framed"), r.framed));
    why.replaceChildren(...explain(r.naive, s).map((line) => h("p", { text: line })));
    timeline.replaceChildren(scrollBox(t("sticky.timeline_title"), timelineTable(r)));
    wire.replaceChildren(scrollBox(t("sticky.wire_title"), wireTable(r)));
    python.set(pythonFor(s, r));
  }

  const changed = () => {
    render();
    ctx.changed();
  };
  for (const input of [msgs.input, seed.input, ...Object.values(sliders).map((x) => x.input)]) onEdit(input, changed);
  nagle.addEventListener("change", changed);
  reroll.addEventListener("click", () => {
    const now = Number(seed.input.value);
    seed.input.value = String(Number.isSafeInteger(now) ? now + 1 : 0);
    changed();
  });

  /** @param {Record<string, string>} v */
  function load(v) {
    msgs.input.value = v.msgs;
    nagle.checked = v.nagle !== "0";
    for (const [key, { input }] of Object.entries(sliders)) input.value = v[key];
    seed.input.value = v.seed;
    render();
  }
  reset.addEventListener("click", () => {
    load({ ...DEFAULTS });
    ctx.changed();
  });
  return {
    load,
    values: () => ({
      msgs: msgs.input.value,
      nagle: nagle.checked ? "1" : "0",
      ...Object.fromEntries(Object.entries(sliders).map(([key, { input }]) => [key, input.value])),
      seed: seed.input.value,
    }),
  };
}

/**
 * What one client prints, as a terminal would show it.
 * @param {"naive" | "framed"} lane
 * @param {string} title
 * @param {Lane} l
 */
function lanePrinted(lane, title, l) {
  const ok = l.intact;
  return h(
    "section",
    { class: `lane lane-${lane}`, "aria-labelledby": `sticky-${lane}-title`, "data-intact": String(ok) },
    h("h3", { id: `sticky-${lane}-title`, text: title }),
    h("p", { class: "hint", text: t(`sticky.${lane}_how`) }),
    h("ol", { id: `sticky-${lane}-printed`, class: "printed" }, l.printed.map((line) => h("li", { text: line }))),
    l.hangs ? h("p", { class: "error", text: t("sticky.hangs") }) : null,
    h("p", { class: ok ? "ok" : "bad", text: t(ok ? "sticky.intact" : "sticky.broken") }),
  );
}

/** The message each byte of the naive stream belongs to. @param {Lane} l */
function owners(l) {
  /** @type {number[]} */
  const owner = [];
  for (const e of l.events) if (e.kind === "send") for (let i = /** @type {number} */ (e.start); i < /** @type {number} */ (e.end); i++) owner[i] = /** @type {number} */ (e.message);
  return owner;
}

/**
 * Why the naive client's bytes merged or split, in the page's language.
 * @param {Lane} l
 * @param {{sleep_us: number, nagle: boolean, mss: number, recv_size: number, messages: Array<{text: string}>}} s
 */
function explain(l, s) {
  const owner = owners(l);
  const spans = (/** @type {StickyEvent} */ e) => new Set(owner.slice(e.start, e.end)).size;
  const recvs = l.events.filter((e) => e.kind === "recv" && !e.eof);
  const segments = l.events.filter((e) => e.kind === "segment");
  /** @type {string[]} */
  const lines = [];
  const merged = recvs.filter((e) => spans(e) > 1);
  if (merged.length) {
    const e = merged[0];
    lines.push(t("sticky.why_merged", { call: e.call ?? 1 }));
    if (segments.some((g) => spans(g) > 1)) lines.push(t(s.nagle ? "sticky.why_nagle" : "sticky.why_sender"));
    const waited = segments.filter((g) => (g.end ?? 0) <= (e.end ?? 0) && (g.start ?? 0) >= (e.start ?? 0)).length > 1;
    if (waited) lines.push(t(s.sleep_us > 0 ? "sticky.why_sleep" : "sticky.why_late"));
  }
  const cut = recvs.some((e) => {
    const first = owner[e.start ?? 0];
    const last = owner[(e.end ?? 1) - 1];
    const before = (e.start ?? 0) > 0 && owner[(e.start ?? 0) - 1] === first;
    const after = owner[e.end ?? 0] === last && (e.end ?? 0) < owner.length;
    return before || after;
  });
  if (cut) {
    lines.push(t("sticky.why_split"));
    if (recvs.some((e) => (e.end ?? 0) - (e.start ?? 0) === s.recv_size)) lines.push(t("sticky.why_recv_size", { n: s.recv_size }));
    if (segments.some((g) => (g.end ?? 0) - (g.start ?? 0) === s.mss)) lines.push(t("sticky.why_mss", { n: s.mss }));
  }
  if (!merged.length && !cut && recvs.length) lines.push(t("sticky.why_lucky"));
  if (l.hangs) lines.push(t("sticky.why_hangs"));
  // Seed 000 §6.1 prints, without the sleep, an output TCP cannot give.
  const seedMessages = s.messages.map((m) => m.text).join("\n") === "hello\nnice";
  if (seedMessages && s.sleep_us === 0) lines.push(t("sticky.seed_no_sleep"));
  const unread = l.stream_len - Math.max(0, ...recvs.map((e) => e.end ?? 0));
  if (unread > 0 && !l.hangs) lines.push(t("sticky.why_unread", { n: unread }));
  lines.push(t("sticky.why_fix"));
  return lines;
}

/**
 * One event of a lane as a line of text.
 * @param {StickyEvent} e
 */
function describe(e) {
  const range = `[${e.start}, ${e.end})`;
  switch (e.kind) {
    case "send":
      return t("sticky.ev_send", { data: e.data ?? "", range });
    case "held":
      return t("sticky.ev_held", { range });
    case "segment":
      return t("sticky.ev_segment", { data: e.data ?? "", range, arrives: ms(e.arrives_us ?? 0) });
    case "fin":
      return t("sticky.ev_fin", { arrives: ms(e.arrives_us ?? 0) });
    case "recv":
      return t("sticky.ev_recv", { size: e.size ?? 0, data: e.data ?? "", range, returns: ms(e.returns_us ?? 0) });
    case "blocked":
      return t("sticky.ev_blocked", { call: e.call ?? 0 });
    case "message":
      return t("sticky.ev_message", { n: (e.index ?? 0) + 1, data: e.data ?? "" });
    default:
      return e.kind;
  }
}

/**
 * Both lanes on one timeline: a row per moment, the naive client's events
 * on the left and the framed one's on the right.
 * @param {StickyReport} r
 */
function timelineTable(r) {
  /** @type {Map<number, {naive: StickyEvent[], framed: StickyEvent[]}>} */
  const rows = new Map();
  for (const lane of /** @type {const} */ (["naive", "framed"])) {
    for (const e of r[lane].events) {
      const row = rows.get(e.at_us) ?? { naive: [], framed: [] };
      row[lane].push(e);
      rows.set(e.at_us, row);
    }
  }
  // data-lane names the column where a phone stacks the two cells.
  const cell = (/** @type {StickyEvent[]} */ events, /** @type {string} */ lane) =>
    h("td", { "data-lane": lane }, events.map((e) => h("div", { class: `ev ev-${e.kind}`, "data-kind": e.kind, text: describe(e) })));
  return h(
    "table",
    { class: "sticky-timeline" },
    h("caption", { class: "visually-hidden", text: t("sticky.timeline_title") }),
    h(
      "thead",
      {},
      h("tr", {}, h("th", { scope: "col", text: t("sticky.col_time") }), h("th", { scope: "col", text: t("sticky.naive") }), h("th", { scope: "col", text: t("sticky.framed") })),
    ),
    h(
      "tbody",
      {},
      [...rows.entries()]
        .sort(([a], [b]) => a - b)
        .map(([at, row]) => h("tr", {}, h("th", { scope: "row", class: "time", text: ms(at) }), cell(row.naive, t("sticky.naive")), cell(row.framed, t("sticky.framed")))),
    ),
  );
}

/**
 * The segments each lane put on the wire, with their byte ranges.
 * @param {StickyReport} r
 */
function wireTable(r) {
  return h(
    "table",
    { class: "sticky-wire" },
    h("caption", { class: "visually-hidden", text: t("sticky.wire_title") }),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        [t("sticky.col_lane"), t("sticky.col_sent"), t("sticky.col_arrives"), t("sticky.col_bytes"), t("sticky.col_data")].map((text) =>
          h("th", { scope: "col", text }),
        ),
      ),
    ),
    h(
      "tbody",
      {},
      /** @type {const} */ (["naive", "framed"]).flatMap((lane) =>
        r[lane].events
          .filter((e) => e.kind === "segment")
          .map((e) =>
            h(
              "tr",
              { "data-lane": lane },
              h("td", { text: t(`sticky.${lane}`) }),
              h("td", { text: ms(e.at_us) }),
              h("td", { text: ms(e.arrives_us ?? 0) }),
              h("td", { class: "mono", text: `[${e.start}, ${e.end})` }),
              h("td", { class: "mono", text: e.data ?? "" }),
            ),
          ),
      ),
    ),
  );
}

/**
 * The seed's server and client with the user's values, then §6.7's framed
 * pair; the comments say what the simulation printed.
 * @param {{messages: {text: string, pause_us: number}[], nagle: boolean, sleep_us: number, recv_size: number, recv_calls: number, mss: number, latency_us: number}} s
 * @param {StickyReport} r
 */
function pythonFor(s, r) {
  const sends = (/** @type {(text: string) => string[]} */ send) =>
    s.messages.flatMap((m, i) => [...(i > 0 && m.pause_us ? [`time.sleep(${seconds(m.pause_us / 1000)})`] : []), ...send(m.text)]);
  const server = (/** @type {string[]} */ imports, /** @type {string[]} */ body) => [
    `# server.py`,
    ...imports,
    "",
    "sk = socket.socket()",
    "sk.bind(('127.0.0.1', 9001))",
    "sk.listen()",
    "",
    "conn, addr = sk.accept()",
    ...(s.nagle ? [] : [`conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # ${t("sticky.py_nodelay")}`]),
    ...body,
    "conn.close()",
    "sk.close()",
  ];
  const pause = s.messages.some((m, i) => i > 0 && m.pause_us);
  const clientHead = (/** @type {string[]} */ imports) => [
    `# client.py`,
    ...imports,
    "",
    "sk = socket.socket()",
    "sk.connect(('127.0.0.1', 9001))",
    "",
    ...(s.sleep_us ? [`time.sleep(${seconds(s.sleep_us / 1000)})`] : [`# ${t("sticky.py_no_sleep")}`]),
  ];
  const naiveReads = r.naive.printed.flatMap((out, i) => [`msg${i + 1} = sk.recv(${s.recv_size})`, `print(msg${i + 1})  # ${out}`]);
  if (r.naive.hangs) naiveReads.push(`msg${r.naive.printed.length + 1} = sk.recv(${s.recv_size})  # ${t("sticky.py_hangs")}`);
  return [
    `# ${t("sticky.py_wire", { mss: s.mss, delay: s.latency_us })}`,
    "",
    ...server(pause ? ["import time", "import socket"] : ["import socket"], sends((text) => [`conn.send(${bytesOf(text)})`])),
    "",
    ...clientHead(s.sleep_us ? ["import time", "import socket"] : ["import socket"]),
    ...naiveReads,
    "",
    "sk.close()",
    "",
    `# ${t("sticky.py_framed")}`,
    ...server(
      pause ? ["import time", "import socket", "import struct"] : ["import socket", "import struct"],
      sends((text) => [`data = ${bytesOf(text)}`, "conn.send(struct.pack('i', len(data)))", "conn.send(data)"]),
    ),
    "",
    ...clientHead(s.sleep_us ? ["import time", "import socket", "import struct"] : ["import socket", "import struct"]),
    "",
    "def recv_exactly(n):",
    "    buf = b''",
    "    while len(buf) < n:",
    `        chunk = sk.recv(min(n - len(buf), ${s.recv_size}))`,
    "        if not chunk:",
    "            return None",
    "        buf += chunk",
    "    return buf",
    "",
    "while True:",
    "    header = recv_exactly(4)",
    "    if header is None:",
    "        break",
    "    length = struct.unpack('i', header)[0]",
    `    print(recv_exactly(length))  # ${r.framed.printed.join(", ")}`,
    "",
    "sk.close()",
  ];
}
