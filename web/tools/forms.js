// The Address forms tool: how inet_aton reads legacy text (127.1, 0127.0.0.1,
// 0x7f.1) part by part, strict inet_pton beside it, the address as an
// integer in both byte orders, and packed bytes or an integer back to text.
// @ts-check
import { inetAtonReading, inetPton, inetNtoa, inetNtop, addressInt, parseBytes } from "../pkg/calc/netlab_wasm.js";
import { t } from "../i18n.js";
import { h, textField, selectField, showError, attempt, liveSummary, pythonBlock, part, onEdit, fieldTable } from "../ui.js";
import { pageError } from "../i18n-errors.js";
import { pyStr, pyBytes, toHex } from "../python.js";

/** @typedef {import("../pkg/calc/netlab_wasm.js").AtonReading} AtonReading */
/** @typedef {import("../pkg/calc/netlab_wasm.js").AddressInt} AddressInt */

export default {
  id: "forms",
  title: "tool.forms",
  defaults: { aton: "127.1", packed: "7f000001", int: "2130706433", fam: "inet" },
  mount,
};

const EXAMPLES = ["127.1", "0127.0.0.1", "0x7f.1", "10.1", "192.168.12.1", "1.2.3.4 trailing", "::1"];

/**
 * @param {HTMLElement} panel
 * @param {import("../app.js").ToolContext} ctx
 */
function mount(panel, ctx) {
  const text = textField({ id: "forms-text", label: t("forms.text"), hint: t("forms.text_hint"), size: "m" });
  const summary = liveSummary("forms-summary");
  const examples = h(
    "p",
    { class: "examples" },
    h("span", { text: t("forms.examples") }),
    " ",
    EXAMPLES.map((x) =>
      h("button", {
        type: "button",
        class: "chip",
        text: x,
        onclick: () => {
          text.input.value = x;
          renderText();
          ctx.changed();
        },
      }),
    ),
  );
  const reading = h("div", { id: "forms-reading" });
  const compare = h("div", { id: "forms-compare", class: "columns" });
  const integer = h("div", { id: "forms-int" });
  const python = pythonBlock("forms-python");
  const toText = bytesPart();
  const fromInt = intPart();

  panel.append(
    h("h2", { text: t("tool.forms") }),
    h("p", { class: "intro", text: t("forms.intro") }),
    text.wrap,
    examples,
    summary,
    part("forms-part-reading", t("forms.reading_title"), reading),
    part("forms-part-strict", t("forms.compare_title"), h("p", { class: "hint", text: t("forms.compare_hint") }), compare),
    part("forms-part-int", t("forms.int_title"), integer),
    python.el,
    toText.el,
    fromInt.el,
  );

  function renderText() {
    const value = text.input.value;
    const aton = attempt(() => inetAtonReading(value));
    const pton4 = attempt(() => inetPton("inet", value));
    const pton6 = attempt(() => inetPton("inet6", value));
    showError(text.error, aton.err !== undefined && pton6.err !== undefined ? aton.err : null, text.input);
    // Why inet_aton refused it (08 is not octal, 300 does not fit in a
    // byte), in the page's language; CPython's own words say only "illegal".
    const why = aton.err === undefined ? "" : pageError(aton.hint ?? aton.err);
    reading.replaceChildren(...(aton.ok ? readingView(aton.ok) : [h("p", { class: "error-inline", id: "forms-why", text: t("forms.aton_refuses", { message: aton.err ?? "", why }) })]));
    compare.replaceChildren(
      column("aton", "socket.inet_aton", t("forms.lenient"), aton.ok ? aton.ok.hex : null, aton.err, aton.ok?.dotted),
      column("pton4", "socket.inet_pton(AF_INET)", t("forms.strict"), pton4.ok ? toHex(pton4.ok) : null, pton4.err),
      column("pton6", "socket.inet_pton(AF_INET6)", t("forms.strict6"), pton6.ok ? toHex(pton6.ok) : null, pton6.err),
    );
    const address = aton.ok ? aton.ok.dotted : pton6.ok ? value.trim() : null;
    const int = address === null ? null : attempt(() => addressInt(address));
    integer.replaceChildren(...(int?.ok ? intView(int.ok) : [h("p", { class: "hint", text: t("forms.int_none") })]));
    if (aton.ok && pton4.err !== undefined) summary.textContent = t("forms.summary_lenient", { text: value, dotted: aton.ok.dotted });
    else if (aton.ok) summary.textContent = t("forms.summary_both", { dotted: aton.ok.dotted });
    else if (pton6.ok) summary.textContent = t("forms.summary_v6");
    else summary.textContent = t("forms.summary_refused", { why });

    const lit = pyStr(value);
    /** @param {string | undefined} err @param {string} type */
    const fails = (err, type) => `# ${type}: ${err}`;
    python.set([
      "import socket, ipaddress",
      `socket.inet_aton(${lit})  ${aton.ok ? `# ${pyBytes(hexBytes(aton.ok.hex))}  (${aton.ok.dotted})` : fails(aton.err, "OSError")}`,
      `socket.inet_pton(socket.AF_INET, ${lit})  ${pton4.ok ? `# ${pyBytes(pton4.ok)}` : fails(pton4.err, "OSError")}`,
      `socket.inet_pton(socket.AF_INET6, ${lit})  ${pton6.ok ? `# ${pyBytes(pton6.ok)}` : fails(pton6.err, "OSError")}`,
      ...(int?.ok
        ? [
            `int(ipaddress.ip_address(${pyStr(int.ok.address)}))  # ${int.ok.integer}`,
            ...(int.ok.byte_order ? [`socket.ntohl(${int.ok.integer})  # ${int.ok.byte_order.swapped_integer}  ${t("forms.py_ntohl")}`] : []),
          ]
        : []),
    ]);
  }

  onEdit(text.input, () => {
    renderText();
    ctx.changed();
  });
  for (const input of [toText.input, fromInt.input, fromInt.family]) {
    onEdit(input, () => {
      toText.render();
      fromInt.render();
      ctx.changed();
    });
  }

  return {
    /** @param {Record<string, string>} v */
    load(v) {
      text.input.value = v.aton;
      toText.input.value = v.packed;
      fromInt.input.value = v.int;
      fromInt.family.value = v.fam === "inet6" ? "inet6" : "inet";
      renderText();
      toText.render();
      fromInt.render();
    },
    values: () => ({ aton: text.input.value, packed: toText.input.value, int: fromInt.input.value, fam: fromInt.family.value }),
  };
}

/** @param {string} hex */
const hexBytes = (hex) => parseBytes(hex);

/**
 * How inet_aton read the text: each part with its base and value, and the
 * four bytes with the part that filled them.
 * @param {AtonReading} r
 */
function readingView(r) {
  const bytes = hexBytes(r.hex);
  const baseName = (/** @type {number} */ base) => t(`forms.base${base}`);
  const parts = h(
    "table",
    { id: "aton-parts", class: "grid" },
    h("caption", { class: "visually-hidden", text: t("forms.parts_caption") }),
    h(
      "thead",
      {},
      h("tr", {}, ["col_part", "col_base", "col_value", "col_fills"].map((k) => h("th", { scope: "col", text: t(`forms.${k}`) }))),
    ),
    h(
      "tbody",
      {},
      r.parts.map((p, i) =>
        h(
          "tr",
          { "data-part": i, class: `p${i + 1}` },
          h("td", {}, h("code", { text: p.text })),
          h("td", { text: baseName(p.base) }),
          h("td", { text: String(p.value) }),
          h("td", {
            text:
              p.width === 1
                ? t("forms.fills_one", { n: p.offset + 1 })
                : t("forms.fills_many", { from: p.offset + 1, to: p.offset + p.width, width: p.width }),
          }),
        ),
      ),
    ),
  );
  const owner = (/** @type {number} */ i) => r.parts.findIndex((p) => i >= p.offset && i < p.offset + p.width);
  const boxes = h(
    "div",
    { class: "byteboxes", id: "aton-bytes", role: "img", "aria-label": t("forms.bytes_label", { dotted: r.dotted }) },
    Array.from(bytes, (b, i) =>
      h(
        "span",
        { class: `bytebox p${owner(i) + 1}`, "aria-hidden": "true" },
        h("span", { class: "byte-value", text: String(b) }),
        h("span", { class: "byte-from", text: r.parts[owner(i)]?.text ?? "" }),
      ),
    ),
  );
  return [
    parts,
    boxes,
    h("p", { id: "aton-result", class: "result" }, t("forms.read_as"), " ", h("strong", { "data-field": "dotted", text: r.dotted }), ` (0x${r.hex})`),
    r.ignored !== null ? h("p", { class: "note", "data-field": "ignored", text: t("forms.ignored", { text: r.ignored }) }) : null,
    r.parts.length < 4 ? h("p", { class: "note", text: t("forms.last_fills") }) : null,
    r.parts.some((p) => p.base === 8) ? h("p", { class: "note", text: t("forms.octal_note") }) : null,
  ].filter((x) => x !== null);
}

/**
 * One reader's result: bytes or its error, in place.
 * @param {string} id @param {string} name @param {string} kind
 * @param {string | null} hex @param {string | undefined} err @param {string} [dotted]
 */
function column(id, name, kind, hex, err, dotted) {
  return h(
    "div",
    { class: `column ${hex === null ? "refused" : "accepted"}`, id: `forms-${id}`, "data-ok": String(hex !== null) },
    h("h4", {}, h("code", { text: name })),
    h("p", { class: "hint", text: kind }),
    hex === null
      ? h("p", { class: "error-inline", "data-field": "error", text: err ?? "" })
      : h("p", { "data-field": "hex" }, h("code", { text: hex.match(/../g)?.join(" ") ?? "" }), dotted ? ` = ${dotted}` : ""),
  );
}

/** The integer, hex and binary forms, and the byte orders. @param {AddressInt} r */
function intView(r) {
  /** @type {Array<[string, string, string]>} */
  const rows = [
    ["address", t("forms.address"), r.address],
    ["integer", t("forms.integer"), String(r.integer)],
    ["hex", t("forms.hex"), r.hex],
    ["binary", t("forms.binary"), r.binary],
  ];
  if (r.byte_order) {
    rows.push(
      ["network_bytes", t("forms.network_bytes"), r.byte_order.network_bytes],
      ["host_bytes", t("forms.host_bytes"), r.byte_order.host_bytes],
      ["swapped_integer", t("forms.swapped_integer"), String(r.byte_order.swapped_integer)],
      ["swapped_address", t("forms.swapped_address"), r.byte_order.swapped_address],
    );
  }
  return [fieldTable("forms-int-table", t("forms.int_title"), rows), r.byte_order ? h("p", { class: "note", text: t("forms.byte_order_note") }) : null].filter((x) => x !== null);
}

/** Packed bytes back to text: inet_ntoa and inet_ntop. */
function bytesPart() {
  const field = textField({ id: "forms-packed", label: t("forms.packed"), hint: t("forms.packed_hint"), size: "m" });
  const out = h("div", { id: "forms-ntop", class: "columns" });
  const python = pythonBlock("forms-packed-python");
  const el = part("forms-part-bytes", t("forms.bytes_title"), field.wrap, out, python.el);
  return {
    el,
    input: field.input,
    render() {
      let bytes;
      try {
        // Address text is the other direction, even where it would read as
        // hex (10.10.10.10 as four bytes of 0x10), as `netlab ntoa` says.
        const text = field.input.value.trim();
        for (const family of /** @type {const} */ (["inet", "inet6"])) {
          if (attempt(() => inetPton(family, text)).ok !== undefined) throw new Error(t("forms.packed_is_text", { text }));
        }
        bytes = parseBytes(field.input.value);
      } catch (e) {
        const message = t(e instanceof Error ? e.message : String(e));
        showError(field.error, message, field.input);
        out.replaceChildren();
        python.set([`# ${message}`]);
        return;
      }
      showError(field.error, null, field.input);
      const b = /** @type {Uint8Array} */ (bytes);
      const ntoa = attempt(() => inetNtoa(b));
      const ntop4 = attempt(() => inetNtop("inet", b));
      const ntop6 = attempt(() => inetNtop("inet6", b));
      /** @param {string} id @param {string} name @param {{ok?: string, err?: string}} r */
      const col = (id, name, r) =>
        h(
          "div",
          { class: `column ${r.ok === undefined ? "refused" : "accepted"}`, id: `forms-${id}` },
          h("h4", {}, h("code", { text: name })),
          r.ok === undefined ? h("p", { class: "error-inline", "data-field": "error", text: r.err ?? "" }) : h("p", { "data-field": "text" }, h("code", { text: r.ok })),
        );
      out.replaceChildren(col("ntoa", "socket.inet_ntoa", ntoa), col("ntop4", "socket.inet_ntop(AF_INET)", ntop4), col("ntop6", "socket.inet_ntop(AF_INET6)", ntop6));
      const lit = pyBytes(b);
      python.set([
        "import socket",
        `socket.inet_ntoa(${lit})  # ${ntoa.ok !== undefined ? pyStr(ntoa.ok) : `OSError: ${ntoa.err}`}`,
        `socket.inet_ntop(socket.AF_INET, ${lit})  # ${ntop4.ok !== undefined ? pyStr(ntop4.ok) : `ValueError: ${ntop4.err}`}`,
        `socket.inet_ntop(socket.AF_INET6, ${lit})  # ${ntop6.ok !== undefined ? pyStr(ntop6.ok) : `ValueError: ${ntop6.err}`}`,
      ]);
    },
  };
}

/** An integer back to an address (ipaddress.IPv4Address(n)). */
function intPart() {
  const field = textField({ id: "forms-int-input", label: t("forms.int_input"), hint: t("forms.int_input_hint"), size: "m" });
  const family = selectField({
    id: "forms-fam",
    label: t("forms.family"),
    options: [
      ["inet", "IPv4 (AF_INET)"],
      ["inet6", "IPv6 (AF_INET6)"],
    ],
  });
  const out = h("p", { id: "forms-from-int", class: "result" });
  const python = pythonBlock("forms-int-python");
  const el = part("forms-part-from-int", t("forms.from_int_title"), h("div", { class: "row" }, field.wrap, family.wrap), out, python.el);
  return {
    el,
    input: field.input,
    family: family.select,
    render() {
      const fam = family.select.value === "inet6" ? "inet6" : "inet";
      const res = attempt(() => addressInt(field.input.value.trim(), fam));
      if (res.err !== undefined) {
        showError(field.error, res.err, field.input);
        out.replaceChildren();
        python.set([`# ${res.err}`]);
        return;
      }
      showError(field.error, null, field.input);
      const r = res.ok;
      out.replaceChildren(h("code", { "data-field": "address", text: r.address }), ` (${r.hex})`);
      const cls = fam === "inet6" ? "IPv6Address" : "IPv4Address";
      python.set(["import ipaddress", `ipaddress.${cls}(${field.input.value.trim()})  # ${cls}(${pyStr(r.address)})`]);
    },
  };
}
