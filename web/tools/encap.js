// The encapsulation stepper: a client's `sk.send(b'hello')` (seed 003's chat
// client) from 192.168.12.1:53000 to 192.168.13.1:9000 followed down the
// stack one step at a time. Each step wraps the unit of the step before in
// its header, in its layer's colour, with its size and its share of the
// bytes on the wire; the physical step shows the bits and their Manchester
// signal. The layer names follow the model chosen: OSI's 7, the seeds' 5
// (with seed 003's protocols and devices) or TCP/IP's 4. Below, the finished
// frame in the four linked views (views/frame.js); the bits and signal are
// views/wire.js. Every byte comes from the WASM module's `encapsulate`.
// @ts-check
import { encapsulate, dissect, toPcap } from "../pkg/netlab_wasm.js";
import { t, getLang } from "../i18n.js";
import { h, textField, selectField, showError, attempt, liveSummary, pythonBlock, onEdit, part, scrollBox } from "../ui.js";
import { pyBytes, pyStr } from "../python.js";
import { frameViews, saveCapture, bytesText } from "../views/frame.js";
import { physicalView } from "../views/wire.js";

/** @typedef {import("../pkg/netlab_wasm.js").Encapsulation} Encapsulation */
/** @typedef {import("../pkg/netlab_wasm.js").EncapStep} EncapStep */
/** @typedef {import("../pkg/netlab_wasm.js").PacketLayer} PacketLayer */

/** The example: the client's sk.send(b'hello') on an open connection. */
const DEFAULTS = {
  transport: "tcp",
  payload: "hello",
  src: "192.168.12.1",
  sport: "53000",
  dst: "192.168.13.1",
  dport: "9000",
  smac: "02:00:00:00:00:01",
  dmac: "02:00:00:00:00:02",
  flags: "PSH,ACK",
  ttl: "64",
  step: "1",
  model: "five",
  field: "",
};

/** The TCP flags offered, in the header's order. */
const FLAGS = ["CWR", "ECE", "URG", "ACK", "PSH", "RST", "SYN", "FIN"];

/**
 * The layer models, each top down: a row's key and the steps it covers.
 * @type {Record<string, Array<[string, string[]]>>}
 */
const MODELS = {
  osi: [
    ["osi7", ["application"]],
    ["osi6", ["application"]],
    ["osi5", ["application"]],
    ["osi4", ["transport"]],
    ["osi3", ["network"]],
    ["osi2", ["data_link"]],
    ["osi1", ["physical"]],
  ],
  five: [
    ["five5", ["application"]],
    ["five4", ["transport"]],
    ["five3", ["network"]],
    ["five2", ["data_link"]],
    ["five1", ["physical"]],
  ],
  tcpip: [
    ["tcpip4", ["application"]],
    ["tcpip3", ["transport"]],
    ["tcpip2", ["network"]],
    ["tcpip1", ["data_link", "physical"]],
  ],
};

export default {
  id: "encap",
  whole: true,
  title: "tool.encap",
  defaults: DEFAULTS,
  mount,
};

/**
 * @param {HTMLElement} panel
 * @param {import("../app.js").ToolContext} ctx
 */
function mount(panel, ctx) {
  const proto = selectField({
    id: "encap-proto",
    label: t("encap.proto"),
    options: [
      ["tcp", "TCP"],
      ["udp", "UDP"],
      ["icmp", "ICMP (ping)"],
    ],
  });
  const payload = textField({ id: "encap-payload", label: t("encap.payload"), hint: t("encap.payload_hint"), size: "m", errorId: "encap-error" });
  const error = payload.error;
  // One error line for the form, under the payload; every input points at it.
  const field = (/** @type {string} */ id, /** @type {string} */ label, /** @type {string} */ size, o = {}) => {
    const f = textField({ id, label, size: /** @type {"s"} */ (size), errorId: "encap-error", ...o });
    f.error.remove();
    return f;
  };
  const src = field("encap-src", t("encap.src"), "s");
  const sport = field("encap-sport", t("encap.sport"), "s", { inputmode: "numeric" });
  const dst = field("encap-dst", t("encap.dst"), "s");
  const dport = field("encap-dport", t("encap.dport"), "s", { inputmode: "numeric" });
  const smac = field("encap-smac", t("encap.smac"), "s");
  const dmac = field("encap-dmac", t("encap.dmac"), "s");
  const ttl = field("encap-ttl", t("encap.ttl"), "s", { inputmode: "numeric", hint: t("encap.ttl_hint") });
  const inputs = [payload, src, sport, dst, dport, smac, dmac, ttl];
  /** @type {Record<string, HTMLInputElement>} */
  const flagBoxes = {};
  const flags = h(
    "fieldset",
    { class: "encap-flags", id: "encap-flags" },
    h("legend", { text: t("encap.flags") }),
    FLAGS.map((name) => {
      const box = h("input", { type: "checkbox", id: `encap-flag-${name}`, name: `encap-flag-${name}`, value: name });
      flagBoxes[name] = box;
      return h("label", { class: "radio", for: `encap-flag-${name}` }, box, ` ${name}`);
    }),
  );
  const modelRadio = (/** @type {string} */ value) =>
    h("label", { class: "radio" }, h("input", { type: "radio", name: "encap-model", id: `encap-model-${value}`, value }), ` ${t(`encap.model_${value}`)}`);
  const model = h("fieldset", { class: "encap-model", id: "encap-model" }, h("legend", { text: t("encap.model") }), Object.keys(MODELS).map(modelRadio));
  const modelInputs = /** @type {HTMLInputElement[]} */ ([...model.querySelectorAll("input")]);

  const back = h("button", { type: "button", id: "encap-back", text: t("encap.back") });
  const forward = h("button", { type: "button", id: "encap-next", text: t("encap.next") });
  const reset = h("button", { type: "button", id: "encap-reset", text: t("encap.reset") });
  const stepList = h("ol", { id: "encap-steps", class: "encap-steps", "aria-label": t("encap.steps") });
  const summary = liveSummary("encap-summary");
  const stage = h("div", { id: "encap-stage", class: "encap-stage" });
  const stack = h("div", { id: "encap-stack", class: "encap-stack" });
  const frameBox = h("div", { id: "encap-frame-box" });
  const downloads = h(
    "p",
    { class: "row buttons" },
    h("button", { type: "button", id: "encap-pcap", text: t("encap.download_pcap"), onclick: () => download("pcap") }),
    h("button", { type: "button", id: "encap-pcapng", text: t("encap.download_pcapng"), onclick: () => download("pcapng") }),
  );
  const python = pythonBlock("encap-python");

  panel.append(
    h("h2", { text: t("tool.encap") }),
    h("p", { class: "intro", text: t("encap.intro") }),
    h("div", { class: "row" }, proto.wrap, payload.wrap),
    h("div", { class: "row" }, src.wrap, sport.wrap, dst.wrap, dport.wrap),
    h("div", { class: "row" }, smac.wrap, dmac.wrap, ttl.wrap),
    flags,
    model,
    h("div", { class: "row buttons encap-nav" }, back, forward, reset),
    stepList,
    summary,
    h("div", { class: "encap-main" }, stage, stack),
    part("encap-frame", t("encap.frame_title"), h("p", { class: "hint", text: t("encap.frame_hint") }), downloads, frameBox),
    python.el,
  );

  let step = 0;
  /** @type {Encapsulation | null} */
  let built = null;
  /** @type {import("../views/frame.js").FrameView | null} */
  let view = null;
  let sel = "";

  const protoNow = () => proto.select.value;

  /**
   * The input an error is about: the core names numbers and MACs; an
   * address the core could not read is the one that does not look like one.
   * @param {string} message
   */
  /**
   * The input an error of `encapsulate` is about, and the message with the
   * command line's name for it (`--src: …`, `src_port 70000 …`) replaced
   * by the field's label, as the page names it.
   * @param {string} message
   * @returns {{ input: HTMLInputElement | HTMLTextAreaElement | null, message: string }}
   */
  function culprit(message) {
    /** @type {Array<[RegExp, import("../ui.js").Field]>} */
    const named = [
      [/^--src: /, src],
      [/^--dst: /, dst],
      [/^--src-mac: /, smac],
      [/^--dst-mac: /, dmac],
      [/^src_port /, sport],
      [/^dst_port /, dport],
      [/^ttl /, ttl],
      [/^a payload of /, payload],
    ];
    const hit = named.find(([re]) => re.test(message));
    if (!hit) return { input: null, message };
    const [re, f] = hit;
    const label = f.wrap.querySelector("label")?.textContent ?? "";
    const rest = re.source.startsWith("^--") ? message.replace(re, "") : message;
    return { input: f.input, message: `${label}: ${rest}` };
  }
  const modelNow = () => modelInputs.find((x) => x.checked)?.value ?? "five";
  const flagText = () => FLAGS.filter((name) => flagBoxes[name].checked).join(",");

  /** The spec for `encapsulate`, from the inputs. */
  function spec() {
    const p = protoNow();
    const num = (/** @type {string} */ text, /** @type {string} */ what) => {
      const v = text.trim();
      if (!/^\d{1,10}$/.test(v)) throw new Error(t("encap.bad_number", { what }));
      return Number(v);
    };
    /** @type {Record<string, unknown>} */
    const s = {
      proto: p,
      payload: payload.input.value,
      src: src.input.value.trim(),
      dst: dst.input.value.trim(),
      src_mac: smac.input.value.trim(),
      dst_mac: dmac.input.value.trim(),
      ttl: num(ttl.input.value, t("encap.ttl")),
    };
    if (p !== "icmp") {
      s.src_port = num(sport.input.value, t("encap.sport"));
      s.dst_port = num(dport.input.value, t("encap.dport"));
    }
    if (p === "tcp") s.flags = flagText();
    return s;
  }

  function showVisibility() {
    const p = protoNow();
    sport.wrap.hidden = p === "icmp";
    dport.wrap.hidden = p === "icmp";
    flags.hidden = p !== "tcp";
  }

  function render() {
    showVisibility();
    const res = attempt(() => /** @type {Encapsulation} */ (encapsulate(spec())));
    if (res.err !== undefined) {
      built = null;
      const { input: bad, message } = culprit(res.err);
      showError(error, message, bad ?? payload.input);
      summary.textContent = t("summary.error", { message });
      for (const el of [stepList, stage, stack, frameBox]) el.replaceChildren();
      python.set([`# ${message}`]);
      return;
    }
    showError(error, null, ...inputs.map((f) => f.input));
    built = res.ok;
    const b = built;
    step = Math.max(0, Math.min(b.steps.length - 1, step));
    renderStep();
    const findings = dissect(b.bytes).findings;
    view = frameViews({
      id: "encap-frame-view",
      layers: b.layers,
      bytes: b.bytes,
      findings,
      onSelect: (key) => {
        sel = key ?? "";
        ctx.changed();
      },
    });
    frameBox.replaceChildren(view.el);
    if (sel) view.select(sel);
    python.set(pythonFor(spec()));
  }

  function renderStep() {
    const b = built;
    if (!b) return;
    const s = b.steps[step];
    // A step button pressed is drawn anew: the keyboard goes to the step now shown.
    const inSteps = stepList.contains(document.activeElement);
    stepList.replaceChildren(
      ...b.steps.map((x, i) =>
        h(
          "li",
          { class: `lyr-${x.layer}${i === step ? " current" : ""}${i < step ? " done" : ""}`, "data-layer": x.layer },
          h("button", {
            type: "button",
            "aria-current": i === step ? "step" : null,
            text: layerName(x.layer, modelNow()),
            onclick: () => go(i),
          }),
          h("span", { class: "size", text: bytesText(x.added_bytes) }),
        ),
      ),
    );
    // A button disabled under the keyboard (Next on the last step) hands the focus to the step shown.
    const lost = document.activeElement;
    back.toggleAttribute("disabled", step === 0);
    forward.toggleAttribute("disabled", step === b.steps.length - 1);
    if (inSteps || (lost === back && back.disabled) || (lost === forward && forward.disabled)) {
      /** @type {HTMLElement | null} */ (stepList.querySelector("[aria-current=step]"))?.focus();
    }
    summary.textContent = t(s.layer === "physical" ? "encap.summary_physical" : "encap.summary", {
      n: step + 1,
      of: b.steps.length,
      layer: layerName(s.layer, modelNow()),
      pdu: pduName(s),
      total: s.total_bytes,
      added: s.added_bytes,
      share: s.share_percent,
      bits: s.total_bytes * 8,
    });
    stage.replaceChildren(unitView(b, step), stepFacts(b, s, pythonCall(spec())), s.layer === "physical" ? physicalView(b) : hexSoFar(b, step));
    stack.replaceChildren(stackView(modelNow(), s.layer));
  }

  /** @param {number} i */
  function go(i) {
    const b = built;
    if (!b) return;
    step = Math.max(0, Math.min(b.steps.length - 1, i));
    renderStep();
    ctx.changed();
  }
  back.addEventListener("click", () => go(step - 1));
  forward.addEventListener("click", () => go(step + 1));
  stepList.addEventListener("keydown", (event) => {
    const e = /** @type {KeyboardEvent} */ (event);
    const moves = { ArrowRight: step + 1, ArrowDown: step + 1, ArrowLeft: step - 1, ArrowUp: step - 1, Home: 0, End: 4 };
    if (!(e.key in moves)) return;
    e.preventDefault();
    go(moves[/** @type {keyof typeof moves} */ (e.key)]);
    /** @type {HTMLElement | null} */ (stepList.querySelector("[aria-current=step]"))?.focus();
  });

  /** @param {"pcap" | "pcapng"} format */
  function download(format) {
    const b = built;
    if (!b) return;
    const comment = t("encap.comment", { python: pythonCall(spec()) });
    saveCapture(toPcap([{ bytes: b.bytes, comment }], { format }), `netlab-encap.${format}`);
  }

  const changed = () => {
    render();
    ctx.changed();
  };
  for (const f of inputs) onEdit(f.input, changed);
  onEdit(proto.select, changed);
  for (const box of Object.values(flagBoxes)) box.addEventListener("change", changed);
  for (const radio of modelInputs)
    radio.addEventListener("change", () => {
      renderStep();
      ctx.changed();
    });

  /** @param {Record<string, string>} v */
  function load(v) {
    proto.select.value = ["tcp", "udp", "icmp"].includes(v.transport) ? v.transport : "tcp";
    payload.input.value = v.payload;
    src.input.value = v.src;
    sport.input.value = v.sport;
    dst.input.value = v.dst;
    dport.input.value = v.dport;
    smac.input.value = v.smac;
    dmac.input.value = v.dmac;
    ttl.input.value = v.ttl;
    const on = new Set(v.flags.toUpperCase().split(/[,+| ]+/));
    for (const name of FLAGS) flagBoxes[name].checked = on.has(name);
    for (const radio of modelInputs) radio.checked = radio.value === (v.model in MODELS ? v.model : "five");
    step = (Number.parseInt(v.step, 10) || 1) - 1;
    sel = v.field;
    render();
  }
  reset.addEventListener("click", () => {
    load({ ...DEFAULTS });
    ctx.changed();
  });

  return {
    load,
    values: () => ({
      transport: protoNow(),
      payload: payload.input.value,
      src: src.input.value,
      sport: sport.input.value,
      dst: dst.input.value,
      dport: dport.input.value,
      smac: smac.input.value,
      dmac: dmac.input.value,
      flags: flagText(),
      ttl: ttl.input.value,
      step: String(step + 1),
      model: modelNow(),
      field: sel,
    }),
  };
}

/**
 * A step's layer in the model chosen (the application step is OSI's top three).
 * @param {string} layer
 * @param {string} model
 */
function layerName(layer, model) {
  const rows = MODELS[/** @type {keyof typeof MODELS} */ (model)] ?? MODELS.five;
  const names = rows.filter(([, steps]) => steps.includes(layer)).map(([key]) => t(`encap.${key}`));
  return names.join(" + ");
}

/** What the unit is called after a step, in the page's language. @param {EncapStep} s */
const pduName = (s) => (getLang() === "zh" ? s.pdu_zh : s.pdu);

/**
 * The unit after `index` steps: each header wraps the unit before it, in
 * its layer's colour; the newest header is marked.
 * @param {Encapsulation} b
 * @param {number} index
 */
function unitView(b, index) {
  /** @type {HTMLElement | null} */
  let inner = null;
  for (let i = 0; i <= index; i++) {
    const s = b.steps[i];
    const isNew = i === index;
    const cls = `pdu lyr-${s.layer}${isNew ? " new" : ""}`;
    const caption = h("span", { class: "pdu-name", text: `${pduName(s)} · ${bytesText(s.total_bytes)}` });
    if (s.layer === "application") {
      const data = s.adds[0]?.fields[0];
      inner = h("div", { class: cls, "data-step": i }, caption, h("span", { class: "hdr data", text: data ? data.display : "" }));
      continue;
    }
    if (s.layer === "physical") {
      const f = (/** @type {string} */ name) => s.adds[0]?.fields.find((x) => x.name === name);
      const chip = (/** @type {string} */ name, /** @type {string} */ label) => {
        const field = f(name);
        return field && field.bits > 0 ? h("span", { class: "hdr" }, label, h("small", { text: bytesText(field.bits / 8) })) : null;
      };
      inner = h(
        "div",
        { class: cls, "data-step": i },
        caption,
        h("div", { class: "pdu-row" }, chip("Preamble", t("encap.preamble")), chip("Start Frame Delimiter", "SFD"), inner, chip("Padding", t("encap.padding")), chip("Frame Check Sequence", "FCS")),
      );
      continue;
    }
    const header = s.adds.map((l) => h("span", { class: "hdr" }, t("encap.header_of", { name: l.name }), h("small", { text: bytesText(l.length) })));
    inner = h("div", { class: cls, "data-step": i }, caption, h("div", { class: "pdu-row" }, header, inner));
  }
  return scrollBox(t("encap.unit_label"), h("div", { class: "unit", id: "encap-unit" }, inner));
}

/**
 * What a step adds: its header's name and size, the addresses it carries,
 * its share of the wire, and what the step does.
 * @param {Encapsulation} b
 * @param {EncapStep} s
 * @param {string} call the Python that sends this payload
 */
function stepFacts(b, s, call) {
  const key = (/** @type {string} */ name) => s.adds.flatMap((l) => l.fields).find((f) => f.name === name)?.display;
  /** @type {Array<[string, string]>} */
  const rows = [
    ["added", t("encap.fact_added", { n: s.added_bytes, share: s.share_percent })],
    ["total", t("encap.fact_total", { n: s.total_bytes, pdu: pduName(s) })],
  ];
  if (s.layer === "transport" && key("Source Port")) rows.push(["ports", `${key("Source Port")} → ${key("Destination Port")}`]);
  if (s.layer === "network") rows.push(["ips", `${key("Source Address")} → ${key("Destination Address")} (TTL ${key("Time to Live")})`]);
  if (s.layer === "data_link") rows.push(["macs", `${key("Source")} → ${key("Destination")}`]);
  if (s.layer === "physical") rows.push(["overhead", t("encap.fact_overhead", { payload: b.overhead.payload_bytes, wire: b.overhead.wire_bytes, pct: b.overhead.efficiency_percent })]);
  return h(
    "div",
    { class: "encap-facts" },
    h("p", { class: "note", text: t(`encap.does_${s.layer}${s.layer === "application" && call.startsWith("ping ") ? "_ping" : ""}`, { call }) }),
    h(
      "table",
      { class: "report", id: "encap-facts" },
      h("caption", { class: "visually-hidden", text: t("encap.facts") }),
      h("tbody", {}, rows.map(([field, text]) => h("tr", { "data-field": field }, h("th", { scope: "row", text: t(`encap.fact_${field}_label`) }), h("td", { text })))),
    ),
  );
}

/**
 * The bytes so far, the ones this step added marked.
 * @param {Encapsulation} b
 * @param {number} index
 */
function hexSoFar(b, index) {
  const s = b.steps[index];
  const added = new Set(s.adds.flatMap((l) => Array.from({ length: l.length }, (_, k) => l.offset + k)));
  const start = Math.min(...b.steps.slice(0, index + 1).flatMap((x) => x.adds.map((l) => l.offset)));
  const bytes = [];
  for (let i = 0; i < s.total_bytes; i++) {
    const at = start + i;
    bytes.push(h("span", { class: added.has(at) ? `new lyr-${s.layer}` : "", text: (b.bytes[at] ?? 0).toString(16).padStart(2, "0") }));
  }
  return h(
    "div",
    { class: "encap-hex" },
    h("h4", { text: t("encap.hex_so_far", { n: s.total_bytes }) }),
    scrollBox(t("encap.hex_so_far", { n: s.total_bytes }), h("p", { class: "hexline", id: "encap-hex" }, bytes)),
  );
}

/**
 * `text` with a line-break opportunity after each slash: the Chinese
 * table keeps its words whole, so http/https/ftp/smtp协议 would otherwise
 * be one unbreakable run wider than the page.
 * @param {string} text
 */
function slashBreaks(text) {
  return text.split("/").flatMap((part, i, parts) => (i < parts.length - 1 ? [`${part}/`, h("wbr")] : [part]));
}

/**
 * The model's layers top down, the ones this step works in marked; the
 * seeds' 5 layers with seed 003's protocols and devices.
 * @param {string} model
 * @param {string} layer
 */
function stackView(model, layer) {
  const rows = MODELS[/** @type {keyof typeof MODELS} */ (model)] ?? MODELS.five;
  const five = model === "five";
  return h(
    "table",
    { class: `report stack stack-${model}`, id: "encap-stack-table" },
    h("caption", { text: t(`encap.model_${model}`) }),
    five
      ? h(
          "thead",
          {},
          h("tr", {}, [t("encap.col_layer"), t("encap.col_about"), t("encap.col_protocols"), t("encap.col_devices")].map((text) => h("th", { scope: "col", text }))),
        )
      : null,
    h(
      "tbody",
      {},
      rows.map(([key, steps]) =>
        h(
          "tr",
          { class: `${steps.includes(layer) ? "current" : ""} lyr-${steps[0]}`, "data-row": key },
          h("th", { scope: "row", text: t(`encap.${key}`) }),
          five ? [h("td", {}, slashBreaks(t(`encap.${key}_about`))), h("td", {}, slashBreaks(t(`encap.${key}_protocols`))), h("td", {}, slashBreaks(t(`encap.${key}_devices`)))] : null,
        ),
      ),
    ),
  );
}

/**
 * The Python call that sends the payload, for the capture's comment.
 * @param {Record<string, unknown>} s
 */
function pythonCall(s) {
  const data = pyBytes(new TextEncoder().encode(String(s.payload)));
  if (s.proto === "udp") return `sk.sendto(${data}, (${pyStr(String(s.dst))}, ${s.dst_port}))`;
  if (s.proto === "icmp") return `ping ${s.dst}`;
  return `sk.send(${data})`;
}

/**
 * The seeds' client that sends this frame's payload.
 * @param {Record<string, unknown>} s
 */
function pythonFor(s) {
  const data = pyBytes(new TextEncoder().encode(String(s.payload)));
  if (s.proto === "icmp") {
    return [`# ${t("encap.py_icmp")}`, `# ping ${s.dst}`];
  }
  const udp = s.proto === "udp";
  return [
    "import socket",
    "",
    udp ? "sk = socket.socket(type=socket.SOCK_DGRAM)" : "sk = socket.socket()",
    `sk.bind((${pyStr(String(s.src))}, ${s.src_port}))  # ${t("encap.py_bind")}`,
    ...(udp
      ? [`sk.sendto(${data}, (${pyStr(String(s.dst))}, ${s.dst_port}))`]
      : [`sk.connect((${pyStr(String(s.dst))}, ${s.dst_port}))`, `sk.send(${data})  # ${t("encap.py_send")}`]),
    "sk.close()",
  ];
}
