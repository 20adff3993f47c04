// The TCP timeline: seed 003's 三次握手 and 四次挥手 as a ladder diagram.
// tcpSimulate runs both ends' RFC 9293 state machines through a scenario;
// this draws each segment as an arrow from sender to receiver with both
// ends' states beside it, plays the trace step by step, and opens any
// arrow's frame in the four linked views (views/frame.js) as the WASM
// dissector reads it.
// @ts-check
import { tcpSimulate } from "../pkg/netlab_wasm.js";
import { t } from "../i18n.js";
import { h, selectField, textField, showError, attempt, liveSummary, part, scrollBox, onEdit, messageOf } from "../ui.js";
import { player, downloadHex, keepInView, coreNote, frameOpener } from "./player.js";

/** @typedef {import("../pkg/netlab_wasm.js").TcpTrace} TcpTrace */
/** @typedef {import("../pkg/netlab_wasm.js").TcpEvent} TcpEvent */
/** @typedef {import("../pkg/netlab_wasm.js").TcpSegment} TcpSegment */
/** @typedef {import("../pkg/netlab_wasm.js").TcpScenario} TcpScenario */

/** @type {TcpScenario[]} */
const SCENARIOS = ["handshake", "data", "full", "close", "simultaneous_close", "refused", "retransmission"];

/**
 * The seeds' example. `step` empty: the whole trace; `sel` empty: no
 * segment opened; `loss` empty: the scenario's own losses; `tfield` is the
 * field selected in the opened frame's views (views/frame.js's key).
 */
const DEFAULTS = { scenario: "full", seq: "abs", step: "", sel: "", speed: "1", cisn: "1000", sisn: "5000", request: "hello", reply: "bye", loss: "", tfield: "" };
/** The inputs under "Options": URL key and i18n key. */
const OPTIONS = /** @type {const} */ ([
  ["cisn", "tcp.cisn"],
  ["sisn", "tcp.sisn"],
  ["request", "tcp.request"],
  ["reply", "tcp.reply"],
  ["loss", "tcp.loss"],
]);

export default {
  id: "tcp",
  whole: true,
  title: "tool.tcp",
  defaults: DEFAULTS,
  mount,
};

const SVG = "http://www.w3.org/2000/svg";
/** The ladder's geometry (SVG user units). */
const W = 540;
const X = { client: 140, server: 400 };
const TOP = 64;
const ROW = 44;

/**
 * An SVG element.
 * @param {string} tag
 * @param {Record<string, string | number>} [attrs]
 * @param {...(Node | string)} children
 */
function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  el.append(...children);
  return el;
}

/** The flags as the ladder names them: "SYN, ACK" → "SYN-ACK". @param {string} flags */
export const flagLabel = (flags) => flags.replace(/, /g, "-");

/**
 * The sequence and acknowledgment numbers shown, absolute or relative
 * (relative is Wireshark's: from the sender's ISN for seq, the receiver's
 * for ack; a RST from a closed port has no ISN, so its seq stays absolute).
 * @param {TcpSegment} s
 * @param {boolean} rel
 */
function numbers(s, rel) {
  const seq = rel && s.rel_seq !== null ? s.rel_seq : s.seq;
  const hasAck = (s.flag_bits & 0x10) !== 0;
  const ack = rel && s.rel_ack !== null ? s.rel_ack : s.ack;
  return { seq, ack: hasAck ? ack : null };
}

/**
 * The arrow's label: flags, seq, ack, and the payload length.
 * @param {TcpSegment} s
 * @param {boolean} rel
 */
function arrowLabel(s, rel) {
  const n = numbers(s, rel);
  return [flagLabel(s.flags), `seq=${n.seq}`, n.ack === null ? "" : `ack=${n.ack}`, s.len ? `len=${s.len}` : ""].filter(Boolean).join(" ");
}

/**
 * One line saying what an event is, in the page's language; the core's
 * explanation (English) says it at length.
 * @param {TcpEvent} e
 * @param {boolean} rel
 */
function headline(e, rel) {
  const who = t(`tcp.${e.side}`);
  const s = e.segment;
  const n = s ? numbers(s, rel) : { seq: 0, ack: 0 };
  const again = e.key.endsWith(".again");
  const key = again ? e.key.slice(0, -".again".length) : e.key;
  const vars = {
    who,
    other: t(`tcp.${e.side === "client" ? "server" : "client"}`),
    seq: n.seq,
    ack: n.ack ?? "",
    len: s?.len ?? 0,
    payload: s?.payload ?? "",
    mss: s?.mss ?? "",
    flags: s ? flagLabel(s.flags) : "",
    state: e[e.side].after,
    call: e.call ?? "",
    error: e.error ?? "",
  };
  const known = `tcp.ev.${key}`;
  const text = t(known, vars);
  const line = text === known ? e.explanation : text;
  return again ? t("tcp.ev.again", { line }) : line;
}

/**
 * @param {HTMLElement} panel
 * @param {import("../app.js").ToolContext} ctx
 */
function mount(panel, ctx) {
  const scenario = selectField({ id: "tcp-scenario", label: t("tcp.scenario"), options: SCENARIOS.map((s) => [s, t(`tcp.sc.${s}`)]) });
  const rel = h("input", { type: "checkbox", id: "tcp-rel", name: "tcp-rel" });
  const relWrap = h("div", { class: "field check" }, h("label", { for: "tcp-rel" }, rel, " ", t("tcp.relative")));
  const download = h("button", { type: "button", id: "tcp-download", text: t("sim.download") });
  /** @type {Record<string, import("../ui.js").Field>} */
  const options = {};
  for (const [key, label] of OPTIONS) {
    options[key] = textField({
      id: `tcp-${key}`,
      label: t(label),
      hint: key === "loss" ? t("tcp.loss_hint") : undefined,
      size: "s",
      inputmode: key.endsWith("isn") ? "numeric" : undefined,
      describedBy: ["tcp-error"],
      errorId: `tcp-${key}-error`,
    });
  }
  const error = h("p", { id: "tcp-error", class: "error", hidden: true });
  const summary = liveSummary("tcp-summary");
  const ladder = h("div", { id: "tcp-ladder", class: "ladder" });
  const states = h("p", { id: "tcp-states", class: "hint" });
  const events = h("ol", { id: "tcp-events", class: "sim-events" });
  const detail = h("div", { id: "tcp-detail" });
  const frameBox = h("div", { id: "tcp-frame" });
  const framePart = part("tcp-frame-part", t("sim.frame_views"), frameBox);
  /** @type {TcpTrace | null} */
  let trace = null;
  /** The selected segment's number, 0 for none. */
  let selected = 0;
  const frame = frameOpener({ id: "tcp-frame-view", changed: () => ctx.changed() });
  /** Says which lost segments this run never sends (not an error: 1-10 loses them all). */
  const lossNote = h("p", { id: "tcp-loss-note", class: "hint", hidden: true });

  const play = player({
    id: "tcp",
    count: () => trace?.events.length ?? 0,
    show: (step) => draw(step),
    changed: () => ctx.changed(),
  });

  panel.append(
    h("h2", { text: t("tool.tcp") }),
    h("p", { class: "intro", text: t("tcp.intro") }),
    h("div", { class: "row" }, scenario.wrap, relWrap, h("div", { class: "field" }, download)),
    h("details", { class: "tcp-options" }, h("summary", { text: t("tcp.options") }), h("div", { class: "row" }, OPTIONS.map(([key]) => options[key].wrap))),
    error,
    lossNote,
    play.el,
    summary,
    scrollBox(t("tcp.ladder"), ladder),
    states,
    h("div", { class: "sim-columns" }, part("tcp-events-part", t("sim.events"), events), part("tcp-detail-part", t("tcp.segment"), detail)),
    framePart,
  );

  const relative = () => rel.checked;

  /** An input's error, carrying which input it is about. @param {string} message @param {string} field */
  const fieldError = (message, field) => Object.assign(new Error(message), { field });

  /** The spec for the inputs as they are; throws on an unreadable ISN or loss list, naming the input. */
  function spec() {
    const isn = (/** @type {"cisn" | "sisn"} */ key) => {
      const text = options[key].input.value.trim();
      if (!/^\d{1,10}$/.test(text) || Number(text) > 0xffffffff) throw fieldError(t("tcp.bad_isn", { text }), key);
      return Number(text);
    };
    const lossText = options.loss.input.value.trim();
    const loss = lossText === "" ? undefined : lossText.split(/[\s,]+/).map((x) => {
      if (!/^\d{1,4}$/.test(x)) throw fieldError(t("tcp.bad_loss", { text: x }), "loss");
      return Number(x);
    });
    return {
      scenario: /** @type {TcpScenario} */ (scenario.select.value),
      client: { isn: isn("cisn") },
      server: { isn: isn("sisn") },
      request: options.request.input.value,
      reply: options.reply.input.value,
      loss,
    };
  }

  function run() {
    play.stop();
    const inputs = Object.values(options).map((f) => f.input);
    /** @type {string | undefined} the input the error is about, when the page read it */
    let field;
    /** @type {{ok: TcpTrace, err?: undefined} | {err: string, ok?: undefined}} */
    let res;
    try {
      const s = spec();
      res = attempt(() => tcpSimulate(s));
    } catch (e) {
      field = e && typeof e === "object" && "field" in e ? String(e.field) : undefined;
      res = { err: messageOf(e) };
    }
    for (const input of inputs) input.removeAttribute("aria-invalid");
    if (res.err !== undefined) {
      trace = null;
      // Mark the input the message is about: the one the page named, the
      // request or reply the core names, the losses, or all of them.
      const named = field ?? (/^the (request|reply) is /.exec(res.err)?.[1] ?? (/^loss /.test(res.err) ? "loss" : undefined));
      const which = named ? [named] : OPTIONS.map(([key]) => key);
      showError(error, res.err, ...which.map((key) => options[/** @type {keyof typeof options} */ (key)].input));
      lossNote.hidden = true;
      summary.textContent = t("summary.error", { message: res.err });
      for (const el of [ladder, events, detail, states]) el.replaceChildren();
      return;
    }
    showError(error, null);
    trace = res.ok;
    const sent = trace.events.filter((e) => e.segment).length;
    const unused = options.loss.input.value.trim().split(/[\s,]+/).filter((x) => x !== "" && Number(x) > sent);
    lossNote.hidden = unused.length === 0;
    lossNote.textContent = unused.length ? t("tcp.loss_unused", { list: unused.join(", "), n: sent }) : "";
  }

  /** Draws the first `step` events, the last of them current. @param {number} step */
  function draw(step) {
    if (!trace) return;
    const tr = trace;
    const shown = tr.events.slice(0, step);
    const current = shown.at(-1);
    summary.textContent =
      current === undefined
        ? t("tcp.summary_start", { n: tr.events.length })
        : t("sim.summary_step", { step, n: tr.events.length, what: headline(current, relative()) });
    ladder.replaceChildren(ladderSvg(tr, step));
    const now = step >= tr.events.length ? { client: tr.client_state, server: tr.server_state } : rowStates(tr).states[step];
    states.textContent = t("tcp.states_now", now);
    events.replaceChildren(
      ...tr.events.map((e, i) =>
        h(
          "li",
          { class: i < step ? "done" : "future", "aria-current": i === step - 1 ? "step" : undefined, "data-key": e.key },
          h("button", {
            type: "button",
            class: "event",
            text: `${e.time_ms} ms · ${headline(e, relative())}`,
            onclick: () => {
              if (e.segment) selected = e.segment.number;
              play.stop();
              play.go(i + 1);
              ctx.changed();
            },
          }),
        ),
      ),
    );
    keepInView(events);
    const seg = tr.events.find((e) => e.segment?.number === selected && tr.events.indexOf(e) < step);
    detail.replaceChildren(...(seg?.segment ? segmentDetail(seg, seg.segment) : [h("p", { class: "hint", text: t("tcp.pick") })]));
    framePart.hidden = !seg?.segment;
    const views = seg?.segment ? frame.open(seg.segment.frame) : null;
    // The same frame's views stay where they are (and keep the focus) while the trace plays.
    if (frameBox.firstElementChild !== views) frameBox.replaceChildren(...(views ? [views] : []));
  }

  /**
   * The ladder: the two ends' lines, one row per event, an arrow per segment.
   * @param {TcpTrace} tr
   * @param {number} step
   */
  function ladderSvg(tr, step) {
    const height = TOP + ROW * tr.events.length + 24;
    const { states: at, reached } = rowStates(tr);
    const root = svg("svg", { viewBox: `0 0 ${W} ${height}`, class: "ladder-svg", "aria-labelledby": "tcp-ladder-title" });
    root.append(svg("title", { id: "tcp-ladder-title" }, t("tcp.ladder_title", { scenario: t(`tcp.sc.${tr.scenario}`) })));
    for (const side of /** @type {const} */ (["client", "server"])) {
      const ep = tr[side];
      const x = X[side];
      root.append(
        svg("text", { x, y: 20, class: "end-name", "text-anchor": "middle" }, t(`tcp.${side}`)),
        svg("text", { x, y: 38, class: "end-addr", "text-anchor": "middle" }, `${ep.ip}:${ep.port}`),
        svg("line", { x1: x, y1: 46, x2: x, y2: height - 8, class: "end-line" }),
      );
    }
    /**
     * Writes each end's state beside its line where it changed at row `i`.
     * @param {SVGElement} row
     * @param {number} i
     */
    const stateLabels = (row, i) => {
      for (const side of /** @type {const} */ (["client", "server"])) {
        const went = reached[i][side];
        const shown = went.length ? went.slice(-2) : i === 0 ? [at[0][side]] : [];
        shown.forEach((state, k) => {
          const x = side === "client" ? X.client - 10 : X.server + 10;
          const y = TOP + ROW * i + 14 - 13 * (shown.length - 1 - k);
          row.append(svg("text", { x, y, class: `state state-${side}`, "text-anchor": side === "client" ? "end" : "start", "data-side": side }, state));
        });
      }
    };
    tr.events.forEach((e, i) => {
      if (i >= step) return;
      const y = TOP + ROW * i;
      const row = svg("g", { class: `row row-${e.kind}${i === step - 1 ? " current" : ""}`, "data-step": i + 1 });
      stateLabels(row, i);
      if (e.segment) {
        row.append(arrow(e.segment, y, i === step - 1));
        // The program's call that sent it (send, close), outside the
        // sender's line, under the state it reached; connect() has its own row.
        if (e.call && (e.key === "tcp.data" || e.key === "tcp.fin")) {
          const x = e.side === "client" ? X.client - 10 : X.server + 10;
          row.append(svg("text", { x, y: y + 30, class: "note note-send", "data-call": e.call, "text-anchor": e.side === "client" ? "end" : "start" }, clip(e.call, 19)));
        }
      } else {
        const x = X[e.side] + (e.side === "client" ? 8 : -8);
        const label = e.kind === "timer" ? headline(e, relative()) : e.call ?? e.key;
        row.append(svg("text", { x, y: y + 30, class: `note note-${e.kind}${e.error ? " note-error" : ""}`, "text-anchor": e.side === "client" ? "start" : "end" }, clip(e.error ?? label)));
      }
      root.append(row);
    });
    return root;
  }

  /**
   * One segment's arrow, focusable and selectable.
   * @param {TcpSegment} s
   * @param {number} y the row's top
   * @param {boolean} fresh drawn with an animation
   */
  function arrow(s, y, fresh) {
    const x1 = X[s.from];
    const x2 = X[s.to];
    const y1 = y + 8;
    const y2 = y + ROW - 4;
    // A lost segment stops half-way, where the network dropped it.
    const ex = s.lost ? (x1 + x2) / 2 : x2;
    const ey = s.lost ? (y1 + y2) / 2 : y2;
    const angle = Math.atan2(ey - y1, ex - x1);
    const head = (/** @type {number} */ a) => `${ex - 10 * Math.cos(angle + a)},${ey - 10 * Math.sin(angle + a)}`;
    const label = arrowLabel(s, relative());
    const g = svg("g", {
      class: `seg${s.lost ? " lost" : ""}${s.retransmission ? " retrans" : ""}${s.number === selected ? " selected" : ""}${fresh ? " fresh" : ""}`,
      tabindex: 0,
      role: "button",
      "aria-pressed": String(s.number === selected),
      "aria-label": t("tcp.arrow_label", { n: s.number, from: t(`tcp.${s.from}`), to: t(`tcp.${s.to}`), label }),
      "data-number": s.number,
      "data-flags": s.flags,
      "data-seq": numbers(s, relative()).seq,
    });
    g.append(
      svg("line", { x1, y1, x2: ex, y2: ey, class: "hit" }),
      svg("line", { x1, y1, x2: ex, y2: ey, class: "shaft" }),
      s.lost ? svg("text", { x: ex, y: ey + 5, class: "cross", "text-anchor": "middle" }, "✕") : svg("polygon", { points: `${ex},${ey} ${head(0.45)} ${head(-0.45)}`, class: "head" }),
      // Along the arrow, just above it, so the text never crosses its own line.
      svg("text", { x: (x1 + x2) / 2, y: (y1 + y2) / 2 - 5, class: "seg-label", "text-anchor": "middle", transform: `rotate(${labelTilt(x1, y1, x2, y2)} ${(x1 + x2) / 2} ${(y1 + y2) / 2})` }, label),
    );
    const pick = () => {
      selected = s.number;
      draw(play.step());
      ctx.changed();
      /** @type {SVGElement | null} */ (ladder.querySelector(`[data-number="${s.number}"]`))?.focus();
    };
    g.addEventListener("click", pick);
    g.addEventListener("keydown", (ev) => {
      const k = /** @type {KeyboardEvent} */ (ev).key;
      if (k === "Enter" || k === " ") {
        ev.preventDefault();
        pick();
      }
    });
    return g;
  }

  /**
   * What the selected segment is: its headline, the core's explanation (its
   * frame opens below, in the linked views).
   * @param {TcpEvent} e
   * @param {TcpSegment} s
   */
  function segmentDetail(e, s) {
    return [
      h("h4", { id: "tcp-detail-title", text: t("tcp.segment_n", { n: s.number, flags: flagLabel(s.flags) }) }),
      h("p", { text: headline(e, relative()) }),
      coreNote(e.explanation, "note"),
      h("p", { class: "mono hint", text: s.comment }),
    ];
  }

  /**
   * Names the two messages by who sent them, as the core's trace says: in
   * the seeds' whole story the server speaks first (seed 000 §2), in the
   * others the client asks.
   */
  function labelSpeakers() {
    // A spec the core refused has no trace: the labels stay as they were.
    if (!trace) return;
    const serverFirst = trace.first === "server";
    const set = (/** @type {"request" | "reply"} */ key, /** @type {string} */ text) => {
      const label = options[key].wrap.querySelector("label");
      if (label) label.textContent = text;
    };
    set("request", t(serverFirst ? "tcp.request_server" : "tcp.request"));
    set("reply", t(serverFirst ? "tcp.reply_client" : "tcp.reply"));
  }

  const changed = () => {
    run();
    labelSpeakers();
    selected = 0;
    frame.reset("");
    play.go(trace?.events.length ?? 0);
    ctx.changed();
  };
  scenario.select.addEventListener("change", changed);
  for (const f of Object.values(options)) onEdit(f.input, changed);
  rel.addEventListener("change", () => {
    draw(play.step());
    ctx.changed();
  });
  download.addEventListener("click", () => trace && downloadHex(trace.pcapng, `tcp-${trace.scenario}.pcapng`));

  /** @param {Record<string, string>} v */
  function load(v) {
    scenario.select.value = SCENARIOS.includes(/** @type {TcpScenario} */ (v.scenario)) ? v.scenario : DEFAULTS.scenario;
    rel.checked = v.seq === "rel";
    for (const [key] of OPTIONS) options[key].input.value = v[key];
    play.setSpeed(v.speed);
    selected = Number(v.sel) || 0;
    frame.reset(v.tfield);
    run();
    labelSpeakers();
    const n = trace?.events.length ?? 0;
    play.go(v.step === "" ? n : Number(v.step) || 0);
  }
  return {
    load,
    dispose: () => play.stop(),
    values: () => {
      const n = trace?.events.length ?? 0;
      return {
        scenario: scenario.select.value,
        seq: rel.checked ? "rel" : "abs",
        step: play.step() === n ? "" : String(play.step()),
        sel: selected ? String(selected) : "",
        tfield: selected ? frame.field() : "",
        speed: play.speed(),
        ...Object.fromEntries(OPTIONS.map(([key]) => [key, options[key].input.value])),
      };
    },
  };
}

/**
 * Both ends' states row by row, as RFC 9293's figures write them
 * (`SYN-SENT --> <SEQ=100><CTL=SYN> --> SYN-RECEIVED`): a segment's row
 * has its sender's state after sending and its receiver's after the
 * arrival, so each step delivers its arrow. When the receiver acts before
 * the segment lands (both ends close at once), its change waits for the
 * first row at or after the arrival, so a column never runs ahead of its
 * own end's actions; a lost segment changes nothing. `states[k]` is both
 * ends' states after k rows, `reached[i]` the states each end went
 * through on row i (two when a segment lands just before the end's own
 * change, as TIME-WAIT before its timer).
 * @param {TcpTrace} tr
 */
function rowStates(tr) {
  const n = tr.events.length;
  const first = tr.events[0];
  /** @type {Record<"client" | "server", string>} */
  const cur = { client: first?.client.before ?? "CLOSED", server: first?.server.before ?? "CLOSED" };
  const states = [{ ...cur }];
  /** @type {Array<Record<"client" | "server", string[]>>} */
  const reached = [];
  /** @type {Array<[number, "client" | "server", string]>} */
  const deferred = [];
  tr.events.forEach((e, i) => {
    /** @type {Record<"client" | "server", string[]>} */
    const r = { client: [], server: [] };
    const become = (/** @type {"client" | "server"} */ side, /** @type {string} */ state) => {
      if (cur[side] === state) return;
      cur[side] = state;
      r[side].push(state);
    };
    for (const [row, side, state] of deferred) if (row === i) become(side, state);
    become(e.side, e[e.side].after);
    const s = e.segment;
    if (s && !s.lost && s.arrives_ms !== null) {
      const arrives = s.arrives_ms;
      let landing = tr.events.findIndex((x, k) => k > i && x.time_ms >= arrives);
      if (landing < 0) landing = n;
      const actsFirst = tr.events.slice(i + 1, landing).some((x) => x.side === s.to);
      if (actsFirst) deferred.push([landing, s.to, e[s.to].after]);
      else become(s.to, e[s.to].after);
    }
    states.push({ ...cur });
    reached.push(r);
  });
  return { states, reached };
}

/**
 * Long notes are cut to fit beside the line: 44 characters between the
 * lines, 19 in the margin outside one.
 * @param {string} text @param {number} [max]
 */
const clip = (text, max = 44) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * The angle, in degrees, that keeps an arrow's label upright and parallel
 * to it, whichever way it points.
 * @param {number} x1 @param {number} y1 @param {number} x2 @param {number} y2
 */
function labelTilt(x1, y1, x2, y2) {
  const deg = (Math.atan2(y2 - y1, x2 - x1) * 180) / Math.PI;
  return Math.abs(deg) > 90 ? deg - 180 * Math.sign(deg) : deg;
}
