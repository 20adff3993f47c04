// Four linked views of one Ethernet frame, as Wireshark's panes and a
// textbook's header diagrams show it: the per-layer field tree, the hex and
// ASCII bytes, the bits, and an RFC-style diagram (32 bits a row) of each
// header. Hovering or focusing a field in any view lights it up in all four,
// down to the bit (a TCP flag, IPv4's Don't Fragment); clicking (or Enter on
// a tree item) selects it and says what it is. Derived fields (lengths,
// checksums) are marked as computed; checksums say whether they are right;
// the dissector's findings sit on the bytes where they occur.
//
// API (any tool may open a frame in it):
//
//   import { frameViews } from "../views/frame.js";
//   const view = frameViews({
//     id: "encap-frame",          // prefix of every id inside (unique on the page)
//     layers: built.layers,       // PacketLayer[] from encapsulate() or dissect()
//     bytes: built.bytes,         // Uint8Array, the frame from the destination MAC on
//     findings: [],               // Finding[] from dissect() (optional)
//     onSelect: (key) => {},      // called when the user selects a field (optional)
//   });
//   panel.append(view.el);
//   view.select("2.7");           // select a field by key, null clears
//   view.selected();              // the selected key, or null
//   view.keyOf("tcp.flags");      // the key of the field Wireshark calls tcp.flags
//
// A field's key is "<layer index>.<field index>" in `layers`. Every element
// that stands for a field carries `data-key`; hex and ASCII cells carry
// `data-byte` (frame offset), bit cells `data-bit` (bit from the frame's
// first bit, most significant first); what is lit has the class `hov`
// (hover or focus) or `sel` (selected). Tree items carry `data-ws`, the
// Wireshark filter name. Presentation only: every number comes from the
// WASM module.
// @ts-check
import { t, getLang } from "../i18n.js";
import { fieldName, fieldMeaning, findingRule, fieldValue, layerSummary, layerName } from "../i18n-fields.js";

/** The layers that are bytes, not a header: named as such to a screen reader. */
const NOT_HEADERS = ["data", "ethernet_trailer", "ethernet_phy"];
import { h, scrollBox, truncated, LIMITS } from "../ui.js";

/** @typedef {import("../pkg/netlab_wasm.js").PacketLayer} PacketLayer */
/** @typedef {import("../pkg/netlab_wasm.js").PacketField} PacketField */
/** @typedef {import("../pkg/netlab_wasm.js").Finding} Finding */

/**
 * @typedef {object} FrameViewOptions
 * @property {string} id
 * @property {PacketLayer[]} layers
 * @property {Uint8Array} bytes
 * @property {Finding[]} [findings]
 * @property {(key: string | null) => void} [onSelect]
 *
 * @typedef {object} FrameView
 * @property {HTMLElement} el
 * @property {(key: string | null) => void} select
 * @property {() => string | null} selected
 * @property {(wireshark: string) => string | null} keyOf
 */

/** Bits a diagram row holds, as the RFCs draw them. */
const ROW_BITS = 32;
/** Wider fields are drawn as one row that says how long they are. */
const FOLD_BITS = 4 * ROW_BITS;

/**
 * A field with its key and layer, and the frame bits it covers.
 * @typedef {{key: string, layer: number, field: PacketField, start: number, end: number, leaf: boolean}} Entry
 */

/** "1 byte", "20 bytes". @param {number} n */
export const bytesText = (n) => t("frame.bytes_n", { n });

/**
 * The class that colours a layer (its place in the seeds' 5-layer model).
 * @param {PacketLayer} layer
 */
export const layerClass = (layer) => `lyr-${layer.layer}`;

/**
 * A checksum's state: "good", "bad", or null when it is not a checksum or
 * was not checked (a frame cut short).
 * @param {PacketField} field
 * @param {Finding[]} findings
 */
export function checksumState(field, findings) {
  if (!/checksum/i.test(field.name)) return null;
  if (findings.some((f) => f.kind === "checksum" && f.offset === field.offset)) return "bad";
  return /\[correct\]/.test(field.display) ? "good" : null;
}

/**
 * Builds the four views of one frame.
 * @param {FrameViewOptions} o
 * @returns {FrameView}
 */
export function frameViews(o) {
  const findings = o.findings ?? [];
  /** @type {Entry[]} */
  const entries = [];
  o.layers.forEach((layer, li) =>
    layer.fields.forEach((field, fi) => {
      const next = layer.fields[fi + 1];
      const leaf = !(next && next.depth > field.depth);
      entries.push({ key: `${li}.${fi}`, layer: li, field, start: field.bit_offset, end: field.bit_offset + field.bits, leaf });
    }),
  );
  const byKey = new Map(entries.map((e) => [e.key, e]));
  const frameBits = o.bytes.length * 8;

  /** The narrowest field holding a bit: what a bit stands for. @param {number} bit */
  const fieldAtBit = (bit) =>
    entries.filter((e) => e.start <= bit && bit < e.end).sort((a, b) => a.end - a.start - (b.end - b.start))[0] ?? null;
  /**
   * The field a byte stands for: the top-level field with most bits in it.
   * @param {number} byte
   */
  const fieldAtByte = (byte) => {
    const lo = byte * 8;
    const hi = lo + 8;
    let best = null;
    let most = 0;
    for (const e of entries) {
      if (e.field.depth !== 0) continue;
      const overlap = Math.min(hi, e.end) - Math.max(lo, e.start);
      if (overlap > most) [best, most] = [e, overlap];
    }
    return best;
  };

  const detail = h("div", { id: `${o.id}-detail`, class: "fv-detail", role: "status", "aria-live": "polite" });
  const tree = treeView(o, entries, findings);
  const hex = hexView(o, findings);
  const bits = bitsView(o);
  const diagram = diagramView(o, entries, findings);
  const findingList = findingsView(o, findings, entries);

  const el = h(
    "div",
    { id: o.id, class: "frame-views" },
    findingList,
    h("p", { class: "hint", text: t("frame.hint") }),
    detail,
    h(
      "div",
      { class: "fv-grid" },
      h(
        "section",
        { class: "fv-pane fv-tree-pane", "aria-labelledby": `${o.id}-tree-title` },
        h("h4", { id: `${o.id}-tree-title`, text: t("frame.tree") }),
        h("p", { id: `${o.id}-tree-help`, class: "visually-hidden", text: t("frame.tree_label") }),
        tree,
      ),
      h(
        "section",
        { class: "fv-pane", "aria-labelledby": `${o.id}-hex-title` },
        h("h4", { id: `${o.id}-hex-title`, text: t("frame.hex") }),
        scrollBox(t("frame.hex"), hex),
        truncated("limit.bytes", LIMITS.bytes, o.bytes.length, `${o.id}-hex-more`),
      ),
    ),
    h(
      "section",
      { class: "fv-pane", "aria-labelledby": `${o.id}-bits-title` },
      h("h4", { id: `${o.id}-bits-title`, text: t("frame.bits") }),
      scrollBox(t("frame.bits"), bits),
      truncated("limit.bytes", LIMITS.bits, o.bytes.length, `${o.id}-bits-more`),
    ),
    h(
      "section",
      { class: "fv-pane", "aria-labelledby": `${o.id}-diagram-title` },
      h("h4", { id: `${o.id}-diagram-title`, text: t("frame.diagram") }),
      h("p", { class: "hint", text: t("frame.diagram_hint") }),
      h("p", { class: "hint fv-scroll-cue", text: t("frame.diagram_scroll") }),
      diagram,
    ),
  );

  // Every byte's cells and every bit's cell by offset, so lighting a
  // 1460-byte payload touches only its own cells.
  /** @type {HTMLElement[][]} */
  const byteCells = [];
  for (const node of /** @type {NodeListOf<HTMLElement>} */ (hex.querySelectorAll("[data-byte]"))) (byteCells[Number(node.dataset.byte)] ??= []).push(node);
  /** @type {HTMLElement[]} */
  const bitCells = [];
  for (const node of /** @type {NodeListOf<HTMLElement>} */ (bits.querySelectorAll("[data-bit]"))) bitCells[Number(node.dataset.bit)] = node;
  const cells = /** @type {HTMLElement[]} */ ([...diagram.querySelectorAll("[data-start]")]);
  /** @type {Record<"sel" | "hov", Element[]>} */
  const lit = { sel: [], hov: [] };

  /** @type {string | null} */
  let selected = null;
  /** @type {string | null} */
  let hovered = null;

  /**
   * Lights the field `key` in every view with `cls`.
   * @param {string | null} key
   * @param {"sel" | "hov"} cls
   */
  function light(key, cls) {
    for (const node of lit[cls]) node.classList.remove(cls);
    lit[cls] = [];
    const e = key === null ? undefined : byKey.get(key);
    if (!e) return;
    /** @type {Element[]} */
    const on = [...el.querySelectorAll(`[data-key="${key}"]`)];
    const lastBit = Math.min(e.end, frameBits);
    // Only the cells drawn: a long payload's bytes past the views' limits have none.
    const lastByte = Math.min(Math.ceil(lastBit / 8), byteCells.length);
    for (let b = Math.floor(e.start / 8); b < lastByte; b++) on.push(...(byteCells[b] ?? []));
    for (let bit = e.start; bit < Math.min(lastBit, bitCells.length); bit++) if (bitCells[bit]) on.push(bitCells[bit]);
    // A diagram cell of a wider field (the parent of a flag) lights with it.
    for (const c of cells) if (Number(c.dataset.start) >= e.start && Number(c.dataset.end) <= e.end) on.push(c);
    for (const node of on) node.classList.add(cls);
    lit[cls] = on;
  }

  /** @param {string | null} key */
  function describe(key) {
    const e = key === null ? undefined : byKey.get(key);
    if (!e) {
      detail.replaceChildren(h("span", { class: "hint", text: t("frame.none_selected") }));
      return;
    }
    const f = e.field;
    const name = fieldName(f.name);
    const layer = o.layers[e.layer];
    const byteEnd = Math.ceil(e.end / 8) - 1;
    const state = checksumState(f, findings);
    detail.replaceChildren(
      h(
        "span",
        {},
        h("strong", { text: `${layerName(layer.name)} › ${name}` }),
        name === f.name ? null : h("span", { class: "where", text: ` (${f.name})` }),
        " = ",
        h("code", { text: fieldValue(f.display) }),
        f.derived ? h("span", { class: "badge derived", text: t("frame.derived") }) : null,
        state ? h("span", { class: `badge ${state}`, text: t(`frame.checksum_${state}`) }) : null,
        h("br"),
        h("span", {
          class: "where",
          text: t("frame.where", {
            bytes: byteEnd > f.offset ? `${f.offset}–${byteEnd}` : String(f.offset),
            bits: f.bits === 1 ? String(e.start) : `${e.start}–${e.end - 1}`,
            n: f.bits,
          }),
        }),
        f.wireshark ? h("span", { class: "where" }, " · Wireshark: ", h("code", { text: f.wireshark })) : null,
        f.meaning ? h("span", { class: "meaning", text: ` · ${fieldMeaning(f.meaning)}` }) : null,
      ),
    );
  }

  /** @param {string | null} key */
  function select(key) {
    selected = key !== null && byKey.has(key) ? key : null;
    light(selected, "sel");
    for (const item of tree.querySelectorAll("button[data-key]")) item.setAttribute("aria-pressed", String(item.getAttribute("data-key") === selected));
    if (selected !== null) rove(tree.querySelector(`button[data-key="${selected}"]`));
    describe(hovered ?? selected);
  }

  /** The tree's nodes a user can reach now: each layer's heading, and the fields of the open ones. */
  const treeItems = () => /** @type {HTMLElement[]} */ ([...tree.querySelectorAll("summary, details[open] > ul button[data-key]")]);
  /**
   * Makes `item` the tree's one Tab stop (a roving tabindex, as WAI-ARIA's
   * tree pattern has it): Tab enters the tree once, the arrows move inside.
   * @param {Element | null} item
   */
  function rove(item) {
    if (!(item instanceof HTMLElement)) return;
    for (const b of tree.querySelectorAll("summary, button[data-key]")) b.setAttribute("tabindex", b === item ? "0" : "-1");
  }
  // A layer closed over the Tab stop hands it to the layer's heading.
  tree.addEventListener(
    "toggle",
    () => {
      const stop = tree.querySelector('[tabindex="0"]');
      if (stop && !treeItems().includes(/** @type {HTMLElement} */ (stop))) rove(stop.closest("details")?.querySelector("summary") ?? null);
    },
    true,
  );

  /** The detail box's tallest height while the pointer is over the views. */
  let tallest = 0;
  /**
   * While the pointer is over the views the detail box only grows: a longer
   * description must not push the bytes away from under the pointer, which
   * would hover another field, shrink the box and bring them back (a flicker).
   * @param {string | null} key
   */
  function hover(key) {
    if (key === hovered) return;
    hovered = key;
    light(key, "hov");
    describe(key ?? selected);
    detail.style.minHeight = "";
    const height = detail.offsetHeight;
    if (height > tallest) tallest = height;
    detail.style.minHeight = `${tallest}px`;
  }

  /** The field an event's target stands for. @param {Event} event */
  function keyAt(event) {
    const target = event.target instanceof Element ? event.target : null;
    const node = target?.closest("[data-key], [data-byte], [data-bit]");
    if (!(node instanceof HTMLElement)) return null;
    if (node.dataset.key) return node.dataset.key;
    if (node.dataset.bit) return fieldAtBit(Number(node.dataset.bit))?.key ?? null;
    return fieldAtByte(Number(node.dataset.byte))?.key ?? null;
  }

  /** The field the keyboard is on, if any: what stays lit when the mouse leaves. */
  const focused = () => (el.contains(document.activeElement) && document.activeElement instanceof HTMLElement ? (document.activeElement.dataset.key ?? null) : null);
  el.addEventListener("mouseover", (e) => hover(keyAt(e) ?? focused()));
  el.addEventListener("mouseleave", () => {
    hover(focused());
    tallest = 0;
    detail.style.minHeight = "";
  });
  el.addEventListener("focusin", (e) => {
    const key = keyAt(e);
    if (key) hover(key);
    if (e.target instanceof HTMLElement && e.target.matches("summary, button[data-key]") && tree.contains(e.target)) rove(e.target);
  });
  el.addEventListener("focusout", () => hover(null));
  el.addEventListener("click", (e) => {
    const key = keyAt(e);
    if (key === null) return;
    select(key === selected && e.target instanceof Element && !e.target.closest(".fv-finding") ? null : key);
    o.onSelect?.(selected);
  });
  tree.addEventListener("keydown", (event) => {
    const e = /** @type {KeyboardEvent} */ (event);
    const items = treeItems();
    const at = items.indexOf(/** @type {HTMLElement} */ (document.activeElement));
    if (at < 0) return;
    // A layer's heading is depth -1, its fields 0 and deeper.
    const depth = (/** @type {number} */ i) => (i >= items.length ? -2 : items[i].tagName === "SUMMARY" ? -1 : (byKey.get(items[i].dataset.key ?? "")?.field.depth ?? -1));
    const layer = items[at].tagName === "SUMMARY" ? /** @type {HTMLDetailsElement} */ (items[at].parentElement) : null;
    // On a layer's heading Left closes it and Right opens it (as the tree pattern has it).
    if (layer && ((e.key === "ArrowLeft" && layer.open) || (e.key === "ArrowRight" && !layer.open))) {
      e.preventDefault();
      layer.open = !layer.open;
      return;
    }
    // Left goes to the field (or layer) this one is part of, Right to its first part.
    let parent = at;
    while (parent >= 0 && depth(parent) >= depth(at)) parent--;
    const child = depth(at + 1) > depth(at) ? at + 1 : at;
    const moves = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: items.length - 1, ArrowLeft: parent < 0 ? at : parent, ArrowRight: child };
    if (!(e.key in moves)) return;
    e.preventDefault();
    items[Math.max(0, Math.min(items.length - 1, moves[/** @type {keyof typeof moves} */ (e.key)]))].focus();
  });
  describe(null);

  return {
    el,
    select,
    selected: () => selected,
    keyOf: (wireshark) => entries.find((e) => e.field.wireshark === wireshark)?.key ?? null,
  };
}

/**
 * The field tree: a list per layer, sub-fields nested, each field a toggle
 * button (keyboard: Tab in, once for the whole tree, arrows to move, Enter
 * or Space to select).
 * @param {FrameViewOptions} o
 * @param {Entry[]} entries
 * @param {Finding[]} findings
 */
function treeView(o, entries, findings) {
  const root = h("div", { class: "fv-tree", id: `${o.id}-tree`, role: "group", "aria-labelledby": `${o.id}-tree-title`, "aria-describedby": `${o.id}-tree-help` });
  o.layers.forEach((layer, li) => {
    const list = h("ul", { class: "fv-fields" });
    for (const e of entries.filter((x) => x.layer === li)) {
      const f = e.field;
      const state = checksumState(f, findings);
      list.append(
        h(
          "li",
          { style: `padding-left: ${f.depth * 1.1}rem` },
          h(
            "button",
            {
              type: "button",
              class: `fv-item${f.derived ? " derived" : ""}`,
              "data-key": e.key,
              "data-ws": f.wireshark || null,
              "aria-pressed": "false",
              tabindex: "-1",
            },
            h("span", { class: "fv-name", text: fieldName(f.name) }),
            ": ",
            h("span", { class: "fv-value", text: fieldValue(f.display) }),
            f.derived ? h("span", { class: "badge derived", text: t("frame.derived") }) : null,
            state ? h("span", { class: `badge ${state}`, text: t(`frame.checksum_${state}`) }) : null,
          ),
        ),
      );
    }
    const here = findings.filter((f) => f.offset >= layer.offset && f.offset < layer.offset + Math.max(1, layer.length) && f.protocol === layer.protocol);
    root.append(
      h(
        "details",
        { open: true, class: `fv-layer ${layerClass(layer)}`, "data-layer": li },
        h("summary", {}, h("span", { class: "swatch", "aria-hidden": "true" }), h("strong", { text: layerName(layer.name) }), layer.summary ? ` ${layerSummary(layer.summary)}` : "", ` (${bytesText(layer.length)})`),
        here.map((f) => h("p", { class: "error fv-layer-finding", text: `⚠ ${findingText(f)}` })),
        list,
      ),
    );
  });
  // One Tab stop for the whole tree (a roving tabindex): the first layer's heading to begin with.
  for (const node of root.querySelectorAll("summary")) node.setAttribute("tabindex", "-1");
  root.querySelector("summary")?.setAttribute("tabindex", "0");
  return root;
}

/**
 * The bytes: offset, 16 in hex, the same 16 as ASCII; each byte coloured
 * by its layer, findings underlined.
 * @param {FrameViewOptions} o
 * @param {Finding[]} findings
 */
function hexView(o, findings) {
  const owner = layerOfByte(o);
  const bad = new Map(findings.map((f) => [f.offset, findingText(f)]));
  const rows = [];
  const shown = Math.min(o.bytes.length, LIMITS.bytes);
  for (let at = 0; at < shown; at += 16) {
    const hexCells = [];
    const asciiCells = [];
    for (let i = at; i < Math.min(at + 16, shown); i++) {
      const b = o.bytes[i];
      const layer = owner[i];
      const cls = `${layer ? layerClass(layer) : "lyr-none"}${bad.has(i) ? " fv-bad" : ""}`;
      hexCells.push(h("span", { class: `b ${cls}`, "data-byte": i, title: bad.get(i) ?? null, text: b.toString(16).padStart(2, "0") }));
      asciiCells.push(h("span", { class: `a ${cls}`, "data-byte": i, text: b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : "." }));
    }
    rows.push(
      h(
        "div",
        { class: "fv-hexrow" },
        h("span", { class: "off", text: at.toString(16).padStart(4, "0") }),
        h("span", { class: "hexbytes" }, hexCells),
        h("span", { class: "ascii" }, asciiCells),
      ),
    );
  }
  const cut = findings.filter((f) => f.offset >= o.bytes.length);
  if (cut.length) rows.push(h("div", { class: "fv-hexrow fv-end", text: `⟂ ${cut.map((f) => findingText(f)).join("; ")}` }));
  return h("div", { class: "fv-hex", id: `${o.id}-hex`, role: "img", "aria-label": t("frame.hex_label", { n: o.bytes.length }) }, rows);
}

/**
 * The bits: four bytes a row, most significant bit first, as the header
 * diagrams count them.
 * @param {FrameViewOptions} o
 */
function bitsView(o) {
  const owner = layerOfByte(o);
  const rows = [];
  const shown = Math.min(o.bytes.length, LIMITS.bits);
  for (let at = 0; at < shown; at += 4) {
    const groups = [];
    for (let i = at; i < Math.min(at + 4, shown); i++) {
      const layer = owner[i];
      const bitCells = [];
      for (let k = 0; k < 8; k++) {
        bitCells.push(h("span", { class: "bit", "data-bit": i * 8 + k, text: String((o.bytes[i] >> (7 - k)) & 1) }));
      }
      groups.push(h("span", { class: `byte ${layer ? layerClass(layer) : "lyr-none"}` }, bitCells));
    }
    rows.push(h("div", { class: "fv-bitrow" }, h("span", { class: "off", text: String(at * 8).padStart(4, " ") }), groups));
  }
  return h("div", { class: "fv-bits", id: `${o.id}-bits`, role: "img", "aria-label": t("frame.bits_label", { n: o.bytes.length * 8 }) }, rows);
}

/**
 * Each header as the RFCs draw it: 32 bits a row, a cell per field (its
 * flags bit by bit), the payload folded into one row.
 * @param {FrameViewOptions} o
 * @param {Entry[]} entries
 * @param {Finding[]} findings
 */
function diagramView(o, entries, findings) {
  const root = h("div", { class: "fv-diagrams", id: `${o.id}-diagram` });
  o.layers.forEach((layer, li) => {
    const base = layer.offset * 8;
    const leaves = entries.filter((e) => e.layer === li && e.leaf && e.end > e.start);
    if (!leaves.length) return;
    const grid = h("div", { class: `fv-rfc ${layerClass(layer)}` });
    // The ruler, as the RFCs write it: tens above, units below, 0 to 31.
    for (let k = 0; k < ROW_BITS; k++) grid.append(h("span", { class: "ruler tens", "aria-hidden": "true", text: k % 10 === 0 ? String(k / 10) : "" }));
    for (let k = 0; k < ROW_BITS; k++) grid.append(h("span", { class: "ruler", "aria-hidden": "true", text: String(k % 10) }));
    let at = base;
    for (const e of leaves) {
      if (e.start < at) continue;
      if (e.start > at) placeCell(grid, at, e.start, base, null, "");
      const f = e.field;
      const state = checksumState(f, findings);
      const label = `${fieldName(f.name)}${state ? ` (${t(`frame.checksum_${state}`)})` : ""}`;
      placeCell(grid, e.start, e.end, base, e, label, f.derived, state);
      at = e.end;
    }
    root.append(
      h(
        "figure",
        { class: "fv-figure" },
        h("figcaption", {}, h("strong", { text: layerName(layer.name) }), ` (${bytesText(layer.length)})`),
        // A payload, a trailer or the wire's own bytes are no header.
        scrollBox(t(NOT_HEADERS.includes(layer.protocol) ? "frame.diagram_of_bytes" : "frame.diagram_of", { name: layerName(layer.name) }), grid),
      ),
    );
  });
  return root;
}

/**
 * Adds the cells of one field to a diagram, split where it crosses a row
 * and folded when it spans more than a few rows.
 * @param {HTMLElement} grid
 * @param {number} start first frame bit
 * @param {number} end bit after the last
 * @param {number} base the header's first bit
 * @param {Entry | null} e the field, or null for bits no field names
 * @param {string} label
 * @param {boolean} [derived]
 * @param {string | null} [state]
 */
function placeCell(grid, start, end, base, e, label, derived = false, state = null) {
  /** @type {Array<[number, number, boolean]>} piece start, end, folded */
  const pieces = [];
  let s = start;
  const folding = end - start > FOLD_BITS;
  while (s < end) {
    const rowEnd = base + (Math.floor((s - base) / ROW_BITS) + 1) * ROW_BITS;
    if (folding && s > start && end - s > ROW_BITS && (s - base) % ROW_BITS === 0) {
      // Whole rows in the middle of a long field: one row says how many.
      const lastRow = base + Math.floor((end - base) / ROW_BITS) * ROW_BITS;
      pieces.push([s, lastRow === end ? end : lastRow, true]);
      s = lastRow === end ? end : lastRow;
      continue;
    }
    const pieceEnd = Math.min(end, rowEnd);
    pieces.push([s, pieceEnd, false]);
    s = pieceEnd;
  }
  const bits = end - start;
  pieces.forEach(([ps, pe, folded], i) => {
    const span = folded ? ROW_BITS : pe - ps;
    const text = i === 0 || folded ? (folded ? `… ${bytesText(Math.round(bits / 8))} …` : label) : "";
    grid.append(
      h("span", {
        class: `cell${e ? "" : " gap"}${derived ? " derived" : ""}${state ? ` ${state}` : ""}${span <= 3 ? " narrow" : ""}${span === 1 ? " one" : ""}`,
        style: `grid-column: span ${span}`,
        "data-key": e?.key ?? null,
        "data-start": e ? ps : null,
        "data-end": e ? pe : null,
        title: e ? `${label}: ${fieldValue(e.field.display)} (${t("frame.bits_label", { n: bits })})` : null,
        text: span <= 3 && text ? (ABBREVIATIONS[e?.field.wireshark ?? ""] ?? abbreviate(text)) : text,
      }),
    );
  });
}

/** The names the RFCs' diagrams give one-bit fields, by Wireshark's name. */
const ABBREVIATIONS = /** @type {Record<string, string>} */ ({
  "tcp.flags.res": "Rsvd",
  "tcp.flags.ae": "AE",
  "tcp.flags.cwr": "CWR",
  "tcp.flags.ece": "ECE",
  "tcp.flags.urg": "URG",
  "tcp.flags.ack": "ACK",
  "tcp.flags.push": "PSH",
  "tcp.flags.reset": "RST",
  "tcp.flags.syn": "SYN",
  "tcp.flags.fin": "FIN",
  "ip.flags.rb": "0",
  "ip.flags.df": "DF",
  "ip.flags.mf": "MF",
});

/** A short field's name in at most three letters. @param {string} name */
function abbreviate(name) {
  const acronym = /\(([A-Z][A-Za-z0-9]{1,3})\)/.exec(name);
  if (acronym) return acronym[1];
  const words = name.split(/[\s(]+/).filter(Boolean);
  if (words[0] && /^[A-Z]{2,3}$/.test(words[0])) return words[0];
  if (words.length > 1) return words.map((w) => w[0]).join("").slice(0, 3).toUpperCase();
  return name.slice(0, 3);
}

/**
 * The findings: what went wrong and where; each opens its place.
 * @param {FrameViewOptions} o
 * @param {Finding[]} findings
 * @param {Entry[]} entries
 */
function findingsView(o, findings, entries) {
  if (!findings.length) return null;
  return h(
    "ul",
    { class: "fv-findings", id: `${o.id}-findings` },
    findings.map((f) => {
      const at = entries.filter((e) => e.field.depth === 0 && e.start <= f.offset * 8 && f.offset * 8 < e.end && o.layers[e.layer].protocol === f.protocol)[0];
      return h(
        "li",
        { class: `fv-finding ${f.kind}`, "data-kind": f.kind, "data-offset": f.offset },
        at
          ? h("button", { type: "button", class: "fv-finding", "data-key": at.key, text: t("frame.finding_at", { offset: f.offset, kind: t(`frame.kind_${f.kind}`) }) })
          : h("span", { class: "where", text: t("frame.finding_at", { offset: f.offset, kind: t(`frame.kind_${f.kind}`) }) }),
        " ",
        h("span", { class: "error", text: findingText(f) }),
      );
    }),
  );
}

/**
 * A finding in the page's language: the English page shows the core's
 * message; others word it from its `detail`, the field and the rule through
 * i18n-fields.js (what is not decoded stays English).
 * @param {Finding} f
 */
export function findingText(f) {
  if (getLang() === "en") return f.message;
  const hex4 = (/** @type {number} */ n) => n.toString(16).padStart(4, "0");
  switch (f.kind) {
    case "length": {
      const d = f.detail;
      const args = { header: d.header, offset: f.offset, needed: d.needed, available: d.available };
      if (d.field === null) return t("finding.length", args);
      const named = { ...args, field: fieldName(d.field) };
      if (d.says === null) return t("finding.length_fields", named);
      return d.says === d.needed ? t("finding.length_field", named) : t("finding.length_field_says", { ...named, says: d.says });
    }
    case "content": {
      const d = f.detail;
      return t("finding.content", { header: d.header, field: fieldName(d.field), value: d.value, offset: f.offset, rule: findingRule(d.rule) });
    }
    case "checksum": {
      const d = f.detail;
      return t("finding.checksum", { header: d.header, field: fieldName(d.field), found: hex4(d.found), expected: hex4(d.expected), offset: f.offset });
    }
    default:
      return f.message;
  }
}

/**
 * Saves a capture file the WASM module wrote (`toPcap`) as a download.
 * @param {Uint8Array} data
 * @param {string} name
 */
export function saveCapture(data, name) {
  const url = URL.createObjectURL(new Blob([new Uint8Array(data)], { type: "application/vnd.tcpdump.pcap" }));
  const a = h("a", { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The layer each frame byte belongs to (the last one that covers it). @param {FrameViewOptions} o */
function layerOfByte(o) {
  /** @type {(PacketLayer | undefined)[]} */
  const owner = [];
  for (const layer of o.layers) for (let i = layer.offset; i < Math.min(layer.offset + layer.length, o.bytes.length); i++) owner[i] = layer;
  return owner;
}
