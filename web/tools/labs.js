// The live socket labs: the seeds' server.py/client.py pairs for real,
// through the relay that served this page. The page plays the client of a
// lab server (labs.md), the server of a seed's client.py run natively, or a
// chat peer of another tab; every chunk in and out goes to a timeline. The
// connection screens say what is wrong (relay not running, wrong token, a
// lab whose port was busy, a refused connection) and the page reconnects on
// its own when the relay comes back. The exercises live in labs-exercises.js.
// @ts-check
import { Relay, encapsulate } from "../pkg/netlab_wasm.js";
import { t, getLang } from "../i18n.js";
import { h, part, onEdit, scrollBox, messageOf } from "../ui.js";
import { pyBytes, pyFloat, pyStr, pyTuple } from "../python.js";
import { EXERCISES, CONSOLE_EXAMPLES } from "./labs-exercises.js";

/** @typedef {import("../pkg/netlab_wasm.js").TraceEvent} TraceEvent */
/** @typedef {import("./labs-exercises.js").Exercise} Exercise */
/** @typedef {import("./labs-exercises.js").RunContext} RunContext */
/** @typedef {import("./labs-exercises.js").Text} Text */

/** The exercise's inputs and their defaults (the URL keeps those changed). */
const DEFAULTS = { lab: "hello", secret: "nice@123!", alg: "sha1", cmd: "bytes 100000", name: "alice", file: "hello.txt", listen: "9000" };

export default { id: "labs", title: "tool.labs", defaults: DEFAULTS, mount, whole: true };

/** Rows the timeline keeps (the oldest go first). */
const MAX_ROWS = 400;
/**
 * Reconnection attempts after the relay went away: 1 s, 2 s, 4 s, then every
 * 8 s, about a quarter of an hour in all. Each failed attempt is a line in
 * the browser's console, so they thin out; a restarted relay is still found
 * within 8 s, and the Reconnect button (or coming back to the tab) tries at once.
 */
const MAX_RETRIES = 110;
/** The longest wait between two attempts, in milliseconds. */
const MAX_RETRY_MS = 8000;

/**
 * The session all mounts share: one relay connection per page, kept across
 * language changes (which rebuild the panel).
 * @type {{relay: Relay | null, state: "connecting" | "connected" | "down" | "token", pending: Promise<void> | null, retries: number, timer: ReturnType<typeof setTimeout> | undefined, listeners: Set<() => void>, trace: Set<(e: TraceEvent) => void>}}
 */
const session = { relay: null, state: "connecting", pending: null, retries: 0, timer: undefined, listeners: new Set(), trace: new Set() };

const notify = () => session.listeners.forEach((f) => f());

/**
 * Page text that follows the language: each node with the function that
 * words it, worded again after a language change. What a server sent is
 * never in here, so it stays as it came.
 * @type {Array<[Node, () => string]>}
 */
let worded = [];

/** Sets `node`'s text from `text`, now and after each language change. @template {Node} N @param {N} node @param {Text} text @returns {N} */
function word(node, text) {
  if (typeof text === "string") {
    node.textContent = text;
    return node;
  }
  node.textContent = text();
  worded.push([node, text]);
  if (worded.length > 8 * MAX_ROWS) worded = worded.filter(([n]) => n.isConnected);
  return node;
}

/** Words again every node still on the page (after a language change). */
function reword() {
  worded = worded.filter(([n]) => n.isConnected);
  for (const [node, f] of worded) node.textContent = f();
}

/**
 * The last run of an exercise, its log, the chunk timeline and the console:
 * kept here, not in a panel, so that a language change (which rebuilds the
 * panel) keeps them, and a run goes on through it.
 */
const kept = {
  /** @type {AbortController | null} the run in progress */
  running: null,
  /** The exercise whose run is shown. */
  exercise: "",
  screen: h("div", { id: "labs-screen", class: "labs-screen", role: "status", "aria-live": "polite" }),
  result: h("p", { id: "labs-result", class: "summary", role: "status", "aria-live": "polite" }),
  progress: h("progress", { id: "labs-progress", max: "1", value: "0", hidden: true }),
  extra: h("div", { id: "labs-extra" }),
  log: h("ol", { id: "labs-log", class: "labs-log" }),
  tbody: h("tbody", {}),
  only: h("select", { id: "labs-trace-sock", name: "labs-trace-sock" }, h("option", { value: "" })),
  /** @type {Map<number, {ins: number[], got: number}>} per TCP socket: where its chunks end, and how much recv() took */
  streams: new Map(),
  code: h("textarea", { id: "labs-code", rows: 8, spellcheck: "false", class: "in-xl", "aria-describedby": "labs-code-hint" }),
  out: h("pre", { id: "labs-code-out", class: "labs-out", tabindex: "0", role: "log" }),
  /** The console has run code: a rejection nobody handled is the learner's. */
  consoleRan: false,
  /** The progress bar's last values, to say them again in another language. */
  progressAt: { done: 0, total: 0 },
};
kept.code.value = CONSOLE_EXAMPLES[0].code;

/** Adds a line to the exercise's log. @param {Text} text @param {string} [kind] */
function say(text, kind = "") {
  kept.log.append(word(h("li", { class: kind }), text));
  kept.log.parentElement?.scrollTo({ top: kept.log.scrollHeight });
}

/** The exercise's verdict (`ok` null: none, as while it runs). @param {boolean | null} ok @param {Text} text */
function verdict(ok, text) {
  if (ok === null) delete kept.result.dataset.ok;
  else kept.result.dataset.ok = String(ok);
  word(kept.result, text);
}

/** Shows the screen for a refused connection, or the error in the log. @param {unknown} e */
function failed(e) {
  const message = messageOf(e);
  const code = e && typeof e === "object" && "code" in e ? e.code : null;
  if (code === "ECONNREFUSED") {
    const screen = kept.screen;
    screen.dataset.screen = "refused";
    screen.className = "labs-screen bad";
    screen.replaceChildren(word(h("p"), () => t("labs.refused")), word(h("p", { class: "hint" }), () => t("labs.refused_how")));
  }
  say(message, "bad");
  verdict(false, () => t("summary.error", { message }));
}

/** Connects to the relay that served the page (once at a time). */
function connect() {
  session.pending ??= attempt().finally(() => {
    session.pending = null;
  });
  return session.pending;
}

/** One connection attempt; on failure tells a relay that is down from one that refused. */
async function attempt() {
  clearTimeout(session.timer);
  session.timer = undefined;
  session.state = "connecting";
  notify();
  try {
    const relay = await Relay.connect(location.href);
    session.relay = relay;
    session.state = "connected";
    session.retries = 0;
    relay.onTrace((e) => session.trace.forEach((f) => f(e)));
    relay.onClose(() => {
      if (session.relay !== relay) return;
      session.relay = null;
      session.state = "down";
      notify();
      retry();
    });
  } catch {
    // The WebSocket does not say why it was refused: /healthz tells a relay
    // that is not running from one that turned the token down.
    const alive = await fetch("/healthz", { cache: "no-store" }).then(
      (r) => r.ok,
      () => false,
    );
    session.state = alive ? "token" : "down";
    if (!alive) retry();
  }
  notify();
}

function retry() {
  if (session.retries >= MAX_RETRIES) return;
  const wait = Math.min(1000 * 2 ** session.retries, MAX_RETRY_MS);
  session.retries++;
  session.timer = setTimeout(connect, wait);
}

// A learner who restarted the relay and comes back to the page should not wait.
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible" && session.state === "down" && !session.relay) connect();
});

// The timeline: every chunk in and out, and what each recv() returned,
// with merges (one recv takes several chunks) and splits (one chunk needs
// several recvs) noted.
/** @param {TraceEvent} e */
function traced(e) {
  /** @type {(() => string) | null} */
  let note = null;
  if (e.proto === "tcp") {
    const st = kept.streams.get(e.sock) ?? { ins: [], got: 0 };
    kept.streams.set(e.sock, st);
    if (e.dir === "in") st.ins.push((st.ins.at(-1) ?? 0) + e.bytes.length);
    if (e.dir === "recv") {
      const [from, to] = [st.got, st.got + e.bytes.length];
      st.got = to;
      let starts = 0;
      let prevEnd = 0;
      let cut = false;
      for (const end of st.ins) {
        if (end > from && prevEnd < to) {
          starts++;
          if (prevEnd < from || end > to) cut = true;
        }
        prevEnd = end;
      }
      if (starts > 1 || cut) {
        note = () => [starts > 1 ? t("labs.merged", { n: starts }) : "", cut ? t("labs.split") : ""].filter(Boolean).join("; ");
      }
    }
  }
  const peer = e.peer ? `${e.peer[0]}:${e.peer[1]}` : "";
  const shown = e.bytes.length > 64 ? `${pyBytes(e.bytes.subarray(0, 64))}…` : pyBytes(e.bytes);
  const only = kept.only;
  const row = h(
    "tr",
    { class: `dir-${e.dir}`, "data-sock": e.sock, "data-dir": e.dir, "data-size": e.bytes.length },
    h("td", { class: "num", text: e.t_ms.toFixed(0) }),
    word(h("td"), () => `${sockName(e.sock)} ${e.proto} ${peer}`),
    word(h("td"), () => t(`labs.dir_${e.dir}`)),
    h("td", { class: "num", text: String(e.bytes.length) }),
    h("td", { class: "mono bytes", text: shown }),
    h("td", { class: "note" }, note ? word(document.createTextNode(""), note) : null, e.dir !== "recv" && e.local && e.peer ? frameButton(e) : null),
  );
  row.hidden = only.value !== "" && only.value !== String(e.sock);
  kept.tbody.append(row);
  if (![...only.options].some((o) => o.value === String(e.sock))) {
    only.append(word(h("option", { value: String(e.sock) }), () => `${sockName(e.sock)} ${e.proto} ${peer}`));
  }
  while (kept.tbody.rows.length > MAX_ROWS) kept.tbody.rows[0].remove();
}
session.trace.add(traced);

/**
 * A socket as the timeline names it: the page's own by its id, one the
 * relay accepted (ids from 2^31, relay-protocol.md) as the n-th accepted
 * connection, where the raw id would mean nothing to a learner.
 * @param {number} sock
 */
function sockName(sock) {
  return sock >= 2 ** 31 ? t("labs.sock_accepted", { n: sock - 2 ** 31 + 1 }) : `#${sock}`;
}

/**
 * A button that opens the chunk as a reconstructed Ethernet/IPv4/TCP (or
 * UDP) frame: the real payload and ports, the headers built by the
 * encapsulation code (not captured from the wire).
 * @param {TraceEvent} e
 */
function frameButton(e) {
  const [src, dst] = e.dir === "out" ? [e.local, e.peer] : [e.peer, e.local];
  const button = h("button", { type: "button", class: "frame", "aria-expanded": "false" });
  // Every row has one: a screen reader hears which chunk each opens.
  word(button, () => {
    const dir = t(`labs.dir_${e.dir}`).replace(/^[←→]\s*/, "");
    button.setAttribute("aria-label", t("labs.frame_of", { dir, n: e.bytes.length, sock: sockName(e.sock), t: e.t_ms.toFixed(0) }));
    return t("labs.frame");
  });
  button.addEventListener("click", () => {
    const row = button.closest("tr");
    const open = row?.nextElementSibling?.classList.contains("frame-row");
    if (open) {
      row?.nextElementSibling?.remove();
      button.setAttribute("aria-expanded", "false");
      return;
    }
    /** @type {Node[]} */
    let body;
    try {
      const built = encapsulate({
        proto: e.proto,
        payload: Array.from(e.bytes),
        src: src?.[0],
        dst: dst?.[0],
        src_port: src?.[1],
        dst_port: dst?.[1],
      });
      body = [
        word(h("p", { class: "hint" }), () => t("labs.frame_note", { n: built.bytes.length })),
        h("ul", {}, built.layers.map((l) => h("li", { text: `${l.name}: ${l.summary} (${l.length} B)` }))),
        h("code", { class: "hexdump", text: built.hex.match(/../g)?.join(" ") ?? "" }),
      ];
    } catch (err) {
      body = [h("p", { class: "error", text: messageOf(err) })];
    }
    row?.after(h("tr", { class: "frame-row" }, h("td", { colspan: "6" }, ...body)));
    button.setAttribute("aria-expanded", "true");
  });
  return button;
}

// One socket's timeline, or all of them.
kept.only.addEventListener("change", () => {
  for (const row of kept.tbody.rows) {
    const sock = row.classList.contains("frame-row") ? row.previousElementSibling?.getAttribute("data-sock") : row.dataset.sock;
    row.hidden = kept.only.value !== "" && kept.only.value !== sock;
  }
});

/**
 * An uncaught exception as Python's last line of a traceback: `PermissionError:
 * [Errno 13] …` (the WASM client names an OS error after Python's class for
 * its errno). @param {unknown} e
 */
function pyException(e) {
  return e instanceof Error ? `${e.name}: ${e.message}` : `Exception: ${pyPrinted(e)}`;
}

/** What Python's `print(x)` writes: a str as it is, anything else as its repr. @param {unknown} x */
const pyPrinted = (x) => (typeof x === "string" ? x : x instanceof Error ? x.message : pyRepr(x));

/**
 * A console value as Python's `repr`: bytes (`Uint8Array`) as `b'…'`, the
 * API's arrays (Python's tuples: `recvfrom`, `accept`, `getsockname`) as
 * tuples, plain objects as dicts.
 * @param {unknown} x
 * @param {number} [depth]
 * @returns {string}
 */
function pyRepr(x, depth = 0) {
  if (x instanceof Uint8Array) return pyBytes(x);
  if (typeof x === "string") return pyStr(x);
  if (typeof x === "number") return Number.isInteger(x) ? String(x) : pyFloat(x);
  if (typeof x === "bigint") return String(x);
  if (typeof x === "boolean") return x ? "True" : "False";
  if (x === null || x === undefined) return "None";
  if (x instanceof Error) return `${x.name}(${pyStr(x.message)})`;
  if (depth > 8) return "...";
  if (Array.isArray(x)) return pyTuple(x.map((v) => pyRepr(v, depth + 1)));
  if (typeof x === "object" && Object.getPrototypeOf(x) === Object.prototype) {
    return `{${Object.entries(x)
      .map(([k, v]) => `${pyStr(k)}: ${pyRepr(v, depth + 1)}`)
      .join(", ")}}`;
  }
  if (typeof x === "function") return `<function ${x.name || "<lambda>"}>`;
  return `<${x.constructor?.name ?? "object"} object>`;
}

/** A line of the console's output. @param {string} line */
function printLine(line) {
  kept.out.textContent += `${line}\n`;
}

// The learner's code may leave a promise unawaited (`s.connect(…)` without
// `await`): its rejection is the learner's uncaught exception, printed as
// Python prints one, not lost in the browser's own console.
window.addEventListener("unhandledrejection", (event) => {
  if (!kept.consoleRan) return;
  event.preventDefault();
  printLine(pyException(event.reason));
});

/**
 * @param {HTMLElement} panel
 * @param {import("../app.js").ToolContext} ctx
 */
function mount(panel, ctx) {
  const { screen, result, progress, extra, log } = kept;
  const select = h(
    "select",
    { id: "labs-lab", name: "labs-lab" },
    EXERCISES.map((x) => h("option", { value: x.id, text: t(`labs.x_${x.id}`) })),
  );
  const about = h("p", { id: "labs-about", class: "intro" });
  const note = h("p", { id: "labs-note", class: "hint", hidden: true });
  const inputs = h("div", { id: "labs-inputs", class: "row" });
  const run = h("button", { type: "button", id: "labs-run", text: t("labs.run") });
  const stop = h("button", { type: "button", id: "labs-stop", text: t("labs.stop"), disabled: true });
  const busy = h("div", { id: "labs-busy", class: "labs-screen bad", hidden: true });
  progress.setAttribute("aria-label", t("labs.progress"));
  progress.setAttribute("aria-valuetext", t("labs.progress_text", kept.progressAt));
  kept.only.options[0].textContent = t("labs.all_sockets");
  const timeline = h(
    "table",
    { id: "labs-timeline", class: "labs-timeline" },
    h("caption", { text: t("labs.timeline_caption") }),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        ["t_ms", "sock", "dir", "size", "bytes", "note"].map((k) => h("th", { scope: "col", text: t(`labs.col_${k}`) })),
      ),
    ),
    kept.tbody,
  );
  const clear = h("button", { type: "button", id: "labs-clear", text: t("labs.clear") });

  const examples = h(
    "select",
    { id: "labs-example", name: "labs-example" },
    CONSOLE_EXAMPLES.map((x, i) => h("option", { value: String(i), text: t(x.title) })),
  );
  const { code, out } = kept;
  const runCode = h("button", { type: "button", id: "labs-code-run", text: t("labs.run_code") });
  out.setAttribute("aria-label", t("labs.console_out"));

  panel.append(
    h("h2", { text: t("tool.labs") }),
    h("p", { class: "intro", text: t("labs.intro") }),
    screen,
    part(
      "labs-exercise",
      t("labs.exercise"),
      h("div", { class: "field" }, h("label", { for: "labs-lab", text: t("labs.lab") }), select),
      about,
      note,
      inputs,
      h("div", { class: "row buttons" }, run, stop),
      busy,
      progress,
      result,
      extra,
      scrollBox(t("labs.log"), log),
    ),
    part(
      "labs-trace",
      t("labs.timeline"),
      h("p", { class: "hint", text: t("labs.timeline_hint") }),
      h("div", { class: "row buttons ends" }, h("div", { class: "field" }, h("label", { for: "labs-trace-sock", text: t("labs.show_socket") }), kept.only), clear),
      scrollBox(t("labs.timeline"), timeline),
    ),
    part(
      "labs-console",
      t("labs.console"),
      h("p", { id: "labs-code-hint", class: "hint", text: t("labs.console_hint") }),
      h("div", { class: "field" }, h("label", { for: "labs-example", text: t("labs.examples") }), examples),
      h("div", { class: "field" }, h("label", { for: "labs-code", text: t("labs.code") }), code),
      h("p", {}, runCode),
      out,
    ),
  );
  // What was kept from before the panel was rebuilt, in this language.
  reword();

  /** @type {Record<string, string>} */
  let values = { ...DEFAULTS };
  /** @type {Map<string, HTMLInputElement | HTMLSelectElement>} */
  const fields = new Map();

  // The connection screens.
  function showScreen() {
    const s = session.state;
    screen.dataset.screen = s;
    screen.className = `labs-screen ${s === "connected" ? "ok" : s === "connecting" ? "" : "bad"}`;
    const hello = session.relay?.hello;
    if (s === "connected" && hello) screen.replaceChildren(h("p", { text: t("labs.connected", { relay: hello.relay, n: hello.labs.length }) }));
    else if (s === "connecting") screen.replaceChildren(h("p", { text: t("labs.connecting") }));
    else if (s === "token") screen.replaceChildren(h("p", { text: t("labs.token") }), h("p", { class: "hint", text: t("labs.token_how") }));
    else
      screen.replaceChildren(
        h("p", { text: t("labs.down") }),
        h("p", { class: "hint", text: t("labs.down_how") }),
        h("pre", {}, h("code", { id: "labs-start-cmd", text: `netlab-relay\n# ${getLang() === "zh" ? "或者，在源码目录里：" : "or, from the source tree:"}\ncargo run -p netlab-relay` })),
        h("button", { type: "button", id: "labs-reconnect", text: t("labs.reconnect"), onclick: () => connect() }),
      );
    showButtons();
    showBusy();
  }

  function showButtons() {
    run.disabled = session.state !== "connected" || kept.running !== null || !labAvailable();
    stop.disabled = kept.running === null;
    runCode.disabled = session.state !== "connected";
  }

  /** The lab the exercise needs, when it needs one and the relay does not run it. */
  function missingLab() {
    const x = exercise();
    const relay = session.relay;
    if (!x.lab || !relay) return null;
    return relay.labs.some((l) => l.name === x.lab) ? null : x.lab;
  }
  const labAvailable = () => missingLab() === null;

  function showBusy() {
    const lab = missingLab();
    busy.hidden = lab === null;
    busy.dataset.screen = lab ? "busy" : "";
    if (lab) busy.replaceChildren(h("p", { text: t("labs.busy", { lab }) }), h("p", { class: "hint", text: t("labs.busy_how", { lab }) }));
  }

  /** @returns {Exercise} */
  const exercise = () => EXERCISES.find((x) => x.id === select.value) ?? EXERCISES[0];

  function showExercise() {
    const x = exercise();
    about.textContent = t(`labs.about_${x.id}`);
    note.hidden = !x.note;
    note.textContent = x.note ? t(x.note) : "";
    fields.clear();
    inputs.replaceChildren(
      ...x.inputs.map((spec) => {
        const id = `labs-in-${spec.key}`;
        /** @type {HTMLInputElement | HTMLSelectElement} */
        let input;
        if (spec.options) input = h("select", { id, name: id }, spec.options.map((o) => h("option", { value: o, text: o })));
        else if (spec.file) input = h("input", { id, name: id, type: "file" });
        else input = h("input", { id, name: id, type: "text", class: "in-m", spellcheck: "false", autocomplete: "off" });
        if (!spec.file) input.value = values[spec.key] ?? "";
        if (!spec.file) {
          onEdit(input, () => {
            values[spec.key] = input.value;
            ctx.changed();
          });
        }
        fields.set(spec.key, input);
        return h("div", { class: "field" }, h("label", { for: id, text: t(spec.label) }), input);
      }),
    );
    // Another exercise: the last run's result is not its own.
    if (kept.exercise !== x.id) {
      kept.running?.abort();
      kept.exercise = x.id;
      verdict(null, "");
      extra.replaceChildren();
      progress.hidden = true;
    }
    showScreen();
  }

  /** The context an exercise runs with; once stopped, what it still says is dropped. @param {AbortSignal} signal @returns {RunContext} */
  function runContext(signal) {
    const relay = /** @type {Relay} */ (session.relay);
    return {
      relay,
      signal,
      lab: (name) => {
        const lab = relay.labs.find((l) => l.name === name);
        if (!lab) throw new Error(t("labs.busy", { lab: name }));
        return lab;
      },
      value: (key) => {
        const input = fields.get(key);
        return input?.isConnected ? input.value : (values[key] ?? "");
      },
      file: (key) => {
        const input = fields.get(key);
        return input instanceof HTMLInputElement ? (input.files?.[0] ?? null) : null;
      },
      say: (text, kind) => {
        if (!signal.aborted) say(text, kind);
      },
      word,
      extra,
      progress: (done, total) => {
        if (signal.aborted) return;
        progress.hidden = false;
        progress.max = Math.max(total, 1);
        progress.value = done;
        kept.progressAt = { done, total };
        progress.setAttribute("aria-valuetext", t("labs.progress_text", { done, total }));
      },
      done: (ok, text) => {
        if (!signal.aborted) verdict(ok, text);
      },
    };
  }

  run.addEventListener("click", async () => {
    if (!session.relay || kept.running) return;
    const x = exercise();
    const controller = new AbortController();
    kept.running = controller;
    kept.exercise = x.id;
    log.replaceChildren();
    extra.replaceChildren();
    delete extra.dataset.sha;
    delete extra.dataset.verdict;
    progress.hidden = true;
    verdict(null, () => t("labs.running"));
    notify();
    // Stop ends the run at once, whatever the exercise is waiting for.
    const stopped = new Promise((_, reject) => controller.signal.addEventListener("abort", () => reject(controller.signal.reason), { once: true }));
    stopped.catch(() => {});
    try {
      await Promise.race([x.run(runContext(controller.signal)), stopped]);
    } catch (e) {
      if (!controller.signal.aborted) failed(e);
      else {
        say(() => t("labs.stopped"));
        verdict(null, () => t("labs.stopped"));
      }
    } finally {
      if (kept.running === controller) kept.running = null;
      notify();
    }
  });
  stop.addEventListener("click", () => kept.running?.abort());

  select.addEventListener("change", () => {
    values.lab = select.value;
    showExercise();
    ctx.changed();
  });

  clear.addEventListener("click", () => {
    kept.tbody.replaceChildren();
    kept.only.replaceChildren(kept.only.options[0]);
    kept.streams.clear();
  });

  // The scratch console: JavaScript against the Python-like API.
  const AsyncFunction = /** @type {FunctionConstructor} */ (Object.getPrototypeOf(async () => {}).constructor);
  examples.addEventListener("change", () => {
    code.value = CONSOLE_EXAMPLES[Number(examples.value)]?.code ?? "";
  });
  runCode.addEventListener("click", async () => {
    const relay = session.relay;
    if (!relay) return;
    out.textContent = "";
    kept.consoleRan = true;
    /** @param {...unknown} items */
    const print = (...items) => printLine(items.map(pyPrinted).join(" "));
    const lab = (/** @type {string} */ name) => relay.labs.find((l) => l.name === name)?.port ?? 0;
    const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));
    try {
      const f = new AsyncFunction("relay", "print", "lab", "sleep", code.value);
      const value = await f(relay, print, lab, sleep);
      if (value !== undefined) print(value);
    } catch (e) {
      printLine(pyException(e));
      if (e && typeof e === "object" && "code" in e && e.code === "ECONNREFUSED") failed(e);
    }
  });

  const onState = () => showScreen();
  session.listeners.add(onState);
  // A rebuilt panel (another language) replaces this one: stop listening
  // then; a run goes on, shown by the new panel.
  const observer = new MutationObserver(() => {
    if (!panel.contains(select)) {
      session.listeners.delete(onState);
      observer.disconnect();
    }
  });
  observer.observe(panel, { childList: true });
  if (!session.relay && session.timer === undefined) connect();
  showScreen();

  return {
    /** @param {Record<string, string>} v */
    load(v) {
      // A fragment with another token (the learner pasted the right URL): try again.
      if (session.state === "token") connect();
      values = { ...v };
      select.value = EXERCISES.some((x) => x.id === v.lab) ? v.lab : "hello";
      showExercise();
    },
    values: () => ({ ...values, lab: select.value }),
  };
}
