// The struct tool: Python's struct.pack and struct.unpack, with the bytes
// coloured by the format character that made them (hover or focus either
// to light up the other), alignment padding shown, calcsize, and the same
// values under each byte order (@ < > !) side by side. Errors are CPython's.
// @ts-check
import { structPack, structUnpack, structLayout, structCalcsize, parseBytes } from "../pkg/calc/netlab_wasm.js";
import { t } from "../i18n.js";
import { h, textField, showError, attempt, liveSummary, pythonBlock, part, onEdit, scrollBox, truncated, LIMITS } from "../ui.js";
import { pyStr, pyBytes, pyValue, pyTuple, toHex, parseValues } from "../python.js";

/**
 * A layout item with numbers where the module may give BigInts (past 2^53
 * bytes), as `layoutOf` makes it for drawing.
 * @typedef {Omit<import("../pkg/calc/netlab_wasm.js").StructLayoutItem, "count" | "offset" | "size" | "first_value" | "values">
 *   & {count: number, offset: number, size: number, first_value: number, values: number}} Item
 */
/** @typedef {import("../pkg/calc/netlab_wasm.js").StructValue} StructValue */
/** @typedef {import("../pkg/calc/netlab_wasm.js").StructInput} StructInput */

export default {
  id: "struct",
  title: "tool.struct",
  defaults: { fmt: "i", values: "123456789", dir: "pack", bytes: "15cd5b07" },
  mount,
};

/** Examples: the tutorial's first, then a length header, padding, mixed orders. */
const EXAMPLES = [
  ["i", "123456789"],
  ["!I", "5"],
  ["ci", "b'a', 5"],
  ["!HH4s", "1, 2, b'abcd'"],
  ["<hd?", "-2, 0.5, True"],
  ["2s3xq", "b'ok', -1"],
];

const ORDERS = ["@", "<", ">", "!"];

/** Past this many bytes an edit waits for typing to pause (see `onEdit`). */
const LARGE_BYTES = 1 << 20;

/**
 * @param {HTMLElement} panel
 * @param {import("../app.js").ToolContext} ctx
 */
function mount(panel, ctx) {
  const format = textField({ id: "struct-format", label: t("struct.format"), hint: t("struct.format_hint"), size: "s" });
  const values = textField({ id: "struct-values", label: t("struct.values"), hint: t("struct.values_hint"), size: "l" });
  const bytes = textField({ id: "struct-bytes", label: t("struct.bytes"), hint: t("struct.bytes_hint"), size: "l" });
  const radio = (/** @type {string} */ value) =>
    h("label", { class: "radio" }, h("input", { type: "radio", name: "struct-dir", id: `struct-dir-${value}`, value }), ` ${t(`struct.dir_${value}`)}`);
  const direction = h("fieldset", { class: "direction", id: "struct-dir" }, h("legend", { text: t("struct.dir") }), radio("pack"), radio("unpack"));
  const dirInputs = /** @type {HTMLInputElement[]} */ ([...direction.querySelectorAll("input")]);
  const examples = h(
    "p",
    { class: "examples" },
    h("span", { text: t("struct.examples") }),
    " ",
    EXAMPLES.map(([f, v]) =>
      h("button", {
        type: "button",
        class: "chip",
        text: `${f}  ${v}`,
        onclick: () => {
          format.input.value = f;
          values.input.value = v;
          setDir("pack");
          render();
          ctx.changed();
        },
      }),
    ),
  );
  const summary = liveSummary("struct-summary");
  const view = h("div", { id: "struct-view", class: "struct-view" });
  const orders = h("div", { id: "struct-orders", class: "columns orders" });
  const python = pythonBlock("struct-python");

  panel.append(
    h("h2", { text: t("tool.struct") }),
    h("p", { class: "intro", text: t("struct.intro") }),
    format.wrap,
    direction,
    values.wrap,
    bytes.wrap,
    examples,
    summary,
    view,
    part("struct-side", t("struct.orders_title"), h("p", { class: "hint", text: t("struct.orders_hint") }), orders),
    python.el,
  );
  linkHighlights(view);

  const dir = () => (dirInputs[1].checked ? "unpack" : "pack");
  const setDir = (/** @type {string} */ d) => {
    dirInputs[0].checked = d !== "unpack";
    dirInputs[1].checked = d === "unpack";
    values.wrap.hidden = d === "unpack";
    bytes.wrap.hidden = d !== "unpack";
  };

  function render() {
    const fmt = format.input.value;
    const layout = attempt(() => layoutOf(fmt));
    const size = attempt(() => structCalcsize(fmt));
    showError(values.error, null, values.input);
    showError(bytes.error, null, bytes.input);
    if (layout.err !== undefined || size.err !== undefined) {
      const message = layout.err ?? size.err ?? "";
      showError(format.error, message, format.input);
      summary.textContent = t("summary.error", { message });
      view.replaceChildren();
      orders.replaceChildren();
      python.set(["import struct", `struct.calcsize(${pyStr(fmt)})  # ${errorType(message)}: ${message}`]);
      return;
    }
    showError(format.error, null, format.input);
    const items = layout.ok ?? [];
    // Exact for the text, a number for the drawing (which stops long before 2^53 bytes).
    const exactSize = size.ok ?? 0;
    const calcsize = Number(exactSize);
    const calcLine = `struct.calcsize(${pyStr(fmt)})  # ${exactSize}`;

    if (dir() === "pack") {
      let inputs;
      try {
        inputs = parseValues(values.input.value);
      } catch (e) {
        const err = /** @type {Error & {index?: number, item?: string}} */ (e);
        const message = t(err.message, { n: (err.index ?? 0) + 1, item: err.item ?? "" });
        showError(values.error, message, values.input);
        summary.textContent = t("summary.error", { message });
        view.replaceChildren(formatView(fmt, items));
        orders.replaceChildren();
        python.set(["import struct", calcLine]);
        return;
      }
      const args = inputs.map((v, i) => pyArg(v, kindOf(items, i)));
      const call = `struct.pack(${[pyStr(fmt), ...args].join(", ")})`;
      const packed = attempt(() => structPack(fmt, inputs));
      orders.replaceChildren(...ORDERS.map((o) => orderColumn(o, fmt, (f) => attempt(() => shortHex(structPack(f, inputs), true)))));
      if (packed.err !== undefined) {
        showError(values.error, packed.err, values.input);
        summary.textContent = t("summary.error", { message: packed.err });
        view.replaceChildren(...[formatView(fmt, items), rangeNote(packed.err), calcsizeLine(exactSize)].flatMap((el) => (el ? [el] : [])));
        python.set(["import struct", `${call}  # ${errorType(packed.err)}: ${packed.err}`, calcLine]);
        return;
      }
      const out = packed.ok;
      const back = attempt(() => structUnpack(fmt, out));
      const vals = back.ok ?? [];
      view.replaceChildren(
        formatView(fmt, items),
        hexView(items, out, calcsize),
        h("p", { id: "struct-result", class: "result" }, h("code", { "data-field": "bytes", text: shortBytes(out) }), " ", t("struct.length", { n: out.length })),
        fieldsTable(items, vals),
        calcsizeLine(exactSize),
      );
      summary.textContent = t("struct.summary_pack", { n: out.length, hex: shortHex(out) });
      python.set(["import struct", `${call}  # ${shortBytes(out)}`, calcLine, `struct.unpack(${pyStr(fmt)}, ${out.length > LIMITS.text ? call : pyBytes(out)})  # ${shortTuple(vals, items)}`]);
    } else {
      let data;
      try {
        data = parseBytes(bytes.input.value);
      } catch (e) {
        const message = t(e instanceof Error ? e.message : String(e));
        showError(bytes.error, message, bytes.input);
        summary.textContent = t("summary.error", { message });
        view.replaceChildren(formatView(fmt, items));
        orders.replaceChildren();
        python.set(["import struct", calcLine]);
        return;
      }
      const b = /** @type {Uint8Array} */ (data);
      const call = `struct.unpack(${pyStr(fmt)}, ${shortBytes(b)})`;
      const unpacked = attempt(() => structUnpack(fmt, b));
      orders.replaceChildren(
        ...ORDERS.map((o) =>
          orderColumn(o, fmt, (f) => {
            const its = attempt(() => layoutOf(f)).ok ?? [];
            return attempt(() => shortTuple(structUnpack(f, b), its));
          }),
        ),
      );
      if (unpacked.err !== undefined) showError(bytes.error, unpacked.err, bytes.input);
      const vals = unpacked.ok ?? [];
      const tuple = shortTuple(vals, items);
      view.replaceChildren(formatView(fmt, items), hexView(items, b, calcsize));
      if (unpacked.ok) view.append(h("p", { id: "struct-result", class: "result" }, h("code", { "data-field": "values", text: tuple })), fieldsTable(items, vals));
      view.append(calcsizeLine(exactSize));
      summary.textContent = unpacked.ok ? t("struct.summary_unpack", { values: tuple }) : t("summary.error", { message: unpacked.err ?? "" });
      python.set(["import struct", `${call}  # ${unpacked.ok ? tuple : `${errorType(unpacked.err ?? "")}: ${unpacked.err}`}`, calcLine]);
    }
  }

  // A format of megabytes waits for typing to pause: packing it is quick, but not on every keystroke.
  const large = () => (attempt(() => structCalcsize(format.input.value)).ok ?? 0) > LARGE_BYTES || bytes.input.value.length > 2 * LARGE_BYTES;
  onEdit(format.input, changed, { large });
  onEdit(values.input, changed, { large });
  onEdit(bytes.input, changed, { large });
  for (const input of dirInputs) {
    input.addEventListener("change", () => {
      setDir(input.value);
      changed();
    });
  }
  function changed() {
    render();
    ctx.changed();
  }

  return {
    /** @param {Record<string, string>} v */
    load(v) {
      format.input.value = v.fmt;
      values.input.value = v.values;
      bytes.input.value = v.bytes;
      setDir(v.dir);
      render();
    },
    values: () => ({ fmt: format.input.value, values: values.input.value, dir: dir(), bytes: bytes.input.value }),
  };
}

/** Hex with a space between bytes. @param {string} hex */
const spaced = (hex) => hex.match(/../g)?.join(" ") ?? "";

/**
 * Bytes as hex, a long run cut after `LIMITS.text` bytes with how many more.
 * @param {Uint8Array} b @param {boolean} [space]
 */
function shortHex(b, space = false) {
  const hex = toHex(b.subarray(0, LIMITS.text));
  const more = b.length > LIMITS.text ? ` ${t("limit.text_more", { more: b.length - LIMITS.text })}` : "";
  return (space ? spaced(hex) : hex) + more;
}

/** A bytes literal as Python prints it, a long one cut as `shortHex` does. @param {Uint8Array} b */
function shortBytes(b) {
  return b.length > LIMITS.text ? `${pyBytes(b.subarray(0, LIMITS.text))} ${t("limit.text_more", { more: b.length - LIMITS.text })}` : pyBytes(b);
}

/**
 * The tuple `struct.unpack` returns, at most `LIMITS.rows` values, long
 * bytes values cut.
 * @param {StructValue[]} vals @param {Item[]} items
 */
function shortTuple(vals, items) {
  const shown = vals.slice(0, LIMITS.rows).map((v, i) => (v instanceof Uint8Array ? shortBytes(v) : pyValue(v, kindOf(items, i) === "float")));
  if (vals.length <= LIMITS.rows) return pyTuple(shown);
  return `(${shown.join(", ")}, …) ${t("limit.values_more", { more: vals.length - LIMITS.rows })}`;
}

/**
 * CPython's range error in words (its own stay English, as Python prints
 * them): the range of the code, and for a 4-byte `i` or `l` the slip of
 * seed 000 §6.6, which gives it as -2**31-1 ~ 2**31.
 * @param {string} message
 */
function rangeNote(message) {
  const m = /^(?:'(\w)'|(u?byte)) format requires (-?\d+) <= number <= (\d+)$/.exec(message);
  if (!m) return null;
  const [, quoted, word, min, max] = m;
  // CPython names b and B by their C types.
  const code = quoted ?? (word === "ubyte" ? "B" : "b");
  const seed = (code === "i" || code === "l") && min === "-2147483648" && max === "2147483647";
  return h(
    "p",
    { id: "struct-range-note", class: "note" },
    t("struct.range_note", { code, min, max }),
    seed ? ` ${t("struct.range_seed")}` : "",
  );
}

/** CPython's exception class for a struct failure. @param {string} message */
const errorType = (message) => (message.startsWith("float too large") ? "OverflowError" : "struct.error");

/**
 * `structLayout` with numbers for the drawing: past 2^53 bytes the module
 * gives BigInts, which lose their last digits here, far past anything drawn.
 * @param {string} fmt @returns {Item[]}
 */
function layoutOf(fmt) {
  return structLayout(fmt).map((it) => ({
    ...it,
    count: Number(it.count),
    offset: Number(it.offset),
    size: Number(it.size),
    first_value: Number(it.first_value),
    values: Number(it.values),
  }));
}

/** The kind of the code that value `index` fills. @param {Item[]} items @param {number} index */
function kindOf(items, index) {
  return items.find((it) => it.first_value <= index && index < it.first_value + it.values)?.kind;
}

/**
 * A value typed for `struct.pack`, written as Python would take it.
 * @param {StructInput} v @param {string | undefined} kind
 */
function pyArg(v, kind) {
  if (typeof v === "number" && (kind === "float" || !Number.isInteger(v))) return pyValue(v, true);
  return pyValue(v);
}

/**
 * The format string with each item as a focusable token, coloured as its
 * bytes are; the byte-order character and spaces stay plain.
 * @param {string} fmt @param {Item[]} items
 */
function formatView(fmt, items) {
  const el = h("p", { id: "struct-format-view", class: "format-view" }, h("span", { class: "label", text: `${t("struct.format_view")} ` }));
  const code = h("code", { class: "tokens" });
  let at = 0;
  for (const it of items.slice(0, LIMITS.rows)) {
    const end = fmt.indexOf(it.code, it.position) + 1;
    if (it.position > at) code.append(plain(fmt.slice(at, it.position)));
    code.append(
      h("span", {
        class: `tok f${it.index % 8}${it.kind === "pad" ? " pad" : ""}`,
        tabindex: "0",
        "data-item": it.index,
        "aria-label": t("struct.token_label", { text: fmt.slice(it.position, end), kind: t(`struct.kind_${it.kind}`), size: it.size, offset: it.offset }),
        text: fmt.slice(it.position, end),
      }),
    );
    at = end;
  }
  if (items.length > LIMITS.rows) code.append(plain(" …"));
  else if (at < fmt.length) code.append(plain(fmt.slice(at)));
  el.append(code);
  return items.length > LIMITS.rows ? h("div", {}, el, truncated("limit.items", LIMITS.rows, items.length, "struct-format-more")) : el;
}

/** @param {string} text */
function plain(text) {
  const order = /^[@=<>!]/.test(text) ? h("span", { class: "order", title: t(`struct.order_${text[0]}`), text: text[0] }) : null;
  return h("span", { class: "plain" }, order, order ? text.slice(1) : text);
}

/**
 * The bytes, one group per item, padding before an item in a hatched group
 * of its own, and bytes past the format's size (or missing) marked.
 * @param {Item[]} items @param {Uint8Array} bytes @param {number} size
 */
function hexView(items, bytes, size) {
  const el = h("div", { id: "struct-hex", class: "hex-view", role: "group", "aria-label": t("struct.hex_label", { n: bytes.length }) });
  // The bytes drawn: the format's and the input's, up to the limit.
  const total = Math.max(size, bytes.length);
  const shown = Math.min(total, LIMITS.bytes);
  /** @param {number} from @param {number} to */
  const cells = (from, to) =>
    Array.from({ length: Math.max(0, Math.min(to, shown) - from) }, (_, k) => {
      const i = from + k;
      return i < bytes.length
        ? h("span", { class: "byte", "data-offset": i, text: bytes[i].toString(16).padStart(2, "0") })
        : h("span", { class: "byte missing", "data-offset": i, text: "··" });
    });
  for (const it of items) {
    if (it.offset - it.padding >= shown) break;
    if (it.padding > 0) {
      el.append(
        h("span", { class: "field padding", "data-item": it.index, title: t("struct.padding_label", { n: it.padding }) }, cells(it.offset - it.padding, it.offset)),
      );
    }
    if (it.size === 0) continue;
    const per = it.kind === "bytes" || it.kind === "pascal" || it.values === 0 ? it.size : it.size / it.values;
    const group = h("span", {
      class: `field f${it.index % 8}${it.kind === "pad" ? " pad" : ""}`,
      tabindex: "0",
      "data-item": it.index,
      "aria-label": t("struct.field_label", {
        code: it.code,
        from: it.offset,
        to: it.offset + it.size - 1,
        hex: shortHex(bytes.subarray(it.offset, it.offset + it.size), true),
      }),
    });
    for (let off = it.offset; off < Math.min(it.offset + it.size, shown); off += per) {
      group.append(h("span", { class: "value-bytes" }, cells(off, Math.min(off + per, it.offset + it.size))));
    }
    el.append(group);
  }
  if (bytes.length > size && size < shown) el.append(h("span", { class: "field extra", title: t("struct.extra_label") }, cells(size, bytes.length)));
  const padded = items.some((it) => it.padding > 0 || it.kind === "pad");
  const more = truncated("limit.bytes", shown, total, "struct-hex-more");
  return padded || more ? h("div", {}, el, more, padded ? h("p", { class: "hint", id: "struct-padding-hint", text: t("struct.padding_hint") }) : null) : el;
}

/**
 * One row per item: code, offset, size, the padding before it and its values.
 * @param {Item[]} items @param {StructValue[]} vals
 */
function fieldsTable(items, vals) {
  const table = scrollBox(
    t("struct.fields_caption"),
    h(
      "table",
      { id: "struct-fields", class: "grid" },
      h("caption", { class: "visually-hidden", text: t("struct.fields_caption") }),
      h("thead", {}, h("tr", {}, ["col_code", "col_kind", "col_offset", "col_size", "col_padding", "col_values"].map((k) => h("th", { scope: "col", text: t(`struct.${k}`) })))),
      h(
        "tbody",
        {},
        items.slice(0, LIMITS.rows).map((it) =>
          h(
            "tr",
            { "data-item": it.index, class: `f${it.index % 8}` },
            h("td", {}, h("code", { class: "swatch", text: it.count === 1 ? it.code : `${it.count}${it.code}` })),
            h("td", { text: t(`struct.kind_${it.kind}`) }),
            h("td", { text: String(it.offset) }),
            h("td", { text: String(it.size) }),
            h("td", { text: it.padding ? String(it.padding) : "—" }),
            h("td", {}, h("code", { text: valuesText(vals.slice(it.first_value, it.first_value + it.values), it.kind === "float") })),
          ),
        ),
      ),
    ),
  );
  const more = truncated("limit.items", LIMITS.rows, items.length, "struct-fields-more");
  return more ? h("div", {}, table, more) : table;
}

/**
 * One item's values for the table, at most `LIMITS.rows`, long bytes cut.
 * @param {StructValue[]} vals @param {boolean} isFloat
 */
function valuesText(vals, isFloat) {
  const text = vals
    .slice(0, LIMITS.rows)
    .map((v) => (v instanceof Uint8Array ? shortBytes(v) : pyValue(v, isFloat)))
    .join(", ");
  return vals.length > LIMITS.rows ? `${text}, … ${t("limit.values_more", { more: vals.length - LIMITS.rows })}` : text || "—";
}

/** @param {number | bigint} size */
function calcsizeLine(size) {
  return h("p", { id: "struct-calcsize" }, h("code", { text: "struct.calcsize" }), ` = `, h("strong", { "data-field": "size", text: String(size) }), ` ${t("struct.bytes_unit")}`);
}

/**
 * The format under one byte order: its size and what `run` makes of it.
 * @param {string} order @param {string} fmt
 * @param {(format: string) => {ok?: string, err?: string}} run
 */
function orderColumn(order, fmt, run) {
  const body = /^[@=<>!]/.test(fmt) ? fmt.slice(1) : fmt;
  const f = order + body;
  const current = (/^[@=<>!]/.test(fmt) ? fmt[0] : "@") === order;
  const size = attempt(() => structCalcsize(f));
  const res = run(f);
  return h(
    "div",
    { class: `column${current ? " current" : ""}`, "data-order": order },
    h("h4", {}, h("code", { text: pyStr(f) }), current ? h("span", { class: "tag", text: ` ${t("struct.current")}` }) : null),
    h("p", { class: "hint", text: t(`struct.order_${order}`) }),
    res.ok !== undefined
      ? h("p", { "data-field": "result" }, h("code", { text: res.ok }))
      : h("p", { class: "error-inline", "data-field": "error", text: res.err ?? "" }),
    size.ok !== undefined ? h("p", { class: "hint", text: `calcsize = ${size.ok}` }) : null,
  );
}

/**
 * Hovering or focusing a format token, a byte group or a table row lights
 * up everything of the same item.
 * @param {HTMLElement} root
 */
function linkHighlights(root) {
  /** @param {Event} e @param {boolean} on */
  const mark = (e, on) => {
    const target = e.target instanceof Element ? e.target.closest("[data-item]") : null;
    if (!(target instanceof HTMLElement)) return;
    for (const el of root.querySelectorAll(`[data-item="${target.dataset.item}"]`)) el.classList.toggle("hl", on);
  };
  root.addEventListener("mouseover", (e) => mark(e, true));
  root.addEventListener("mouseout", (e) => mark(e, false));
  root.addEventListener("focusin", (e) => mark(e, true));
  root.addEventListener("focusout", (e) => mark(e, false));
}
