// The physical layer of one frame: the bits in the order the card sends
// them (preamble, SFD, frame, padding, FCS each coloured) and their
// Manchester signal as SVG, from `encapsulate`'s `physical` view and its
// last step. Presentation only.
// @ts-check
import { t } from "../i18n.js";
import { h, scrollBox } from "../ui.js";

/** @typedef {import("../pkg/netlab_wasm.js").Encapsulation} Encapsulation */

/** Manchester levels drawn for this many bits at most (the rest scroll). */
const SIGNAL_BITS = 96;

/**
 * The physical step: the bits in the order they are sent (least
 * significant first in each byte) and their Manchester signal.
 * @param {Encapsulation} b
 */
export function physicalView(b) {
  const p = b.physical;
  const phys = b.steps[b.steps.length - 1].adds[0];
  const partOf = (/** @type {number} */ bit) => phys.fields.find((f) => f.depth === 0 && f.bit_offset <= bit && bit < f.bit_offset + f.bits)?.name ?? "";
  const cls = (/** @type {string} */ name) =>
    ({ Preamble: "ph-pre", "Start Frame Delimiter": "ph-sfd", Frame: "ph-frame", Padding: "ph-pad", "Frame Check Sequence": "ph-fcs" })[name] ?? "";
  const groups = [];
  for (let byte = 0; byte * 8 < p.bits.length; byte++) {
    groups.push(h("span", { class: `octet ${cls(partOf(byte * 8))}`, text: p.bits.slice(byte * 8, byte * 8 + 8) }));
  }
  const shown = p.bits.slice(0, SIGNAL_BITS);
  return h(
    "div",
    { class: "encap-physical", id: "encap-physical" },
    h("p", { class: "legend" }, ["ph-pre", "ph-sfd", "ph-frame", "ph-pad", "ph-fcs"].map((c) => h("span", { class: `key ${c}`, text: t(`encap.${c}`) }))),
    h("h4", { text: t("encap.bits_title", { n: p.bits.length }) }),
    h("p", { class: "hint", text: t("encap.bit_order") }),
    scrollBox(t("encap.bits_title", { n: p.bits.length }), h("p", { class: "wirebits", id: "encap-wirebits" }, groups)),
    h("h4", { text: t("encap.signal_title", { n: shown.length }) }),
    h("p", { class: "hint", text: t("encap.signal_hint") }),
    scrollBox(t("encap.signal_title", { n: shown.length }), manchester(shown, p.manchester.slice(0, shown.length * 2))),
  );
}

/**
 * A Manchester signal as SVG: two half-bit levels per bit, the bit under
 * each cell.
 * @param {string} bits
 * @param {string} levels "1" high, "0" low, two per bit
 */
function manchester(bits, levels) {
  const NS = "http://www.w3.org/2000/svg";
  const half = 9;
  const width = levels.length * half + 4;
  const svg = document.createElementNS(NS, "svg");
  svg.setAttribute("width", String(width));
  svg.setAttribute("height", "64");
  svg.setAttribute("viewBox", `0 0 ${width} 64`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", t("encap.signal_label", { bits }));
  svg.classList.add("manchester");
  const y = (/** @type {string} */ level) => (level === "1" ? 8 : 36);
  let d = `M 2 ${y(levels[0] ?? "0")}`;
  for (let i = 0; i < levels.length; i++) {
    const x = 2 + i * half;
    if (i > 0 && levels[i] !== levels[i - 1]) d += ` L ${x} ${y(levels[i])}`;
    d += ` L ${x + half} ${y(levels[i])}`;
  }
  for (let i = 0; i <= bits.length; i++) {
    const line = document.createElementNS(NS, "line");
    const x = String(2 + i * 2 * half);
    line.setAttribute("x1", x);
    line.setAttribute("x2", x);
    line.setAttribute("y1", "4");
    line.setAttribute("y2", "40");
    line.setAttribute("class", "tick");
    svg.append(line);
  }
  const path = document.createElementNS(NS, "path");
  path.setAttribute("d", d);
  path.setAttribute("class", "wave");
  svg.append(path);
  for (let i = 0; i < bits.length; i++) {
    const text = document.createElementNS(NS, "text");
    text.setAttribute("x", String(2 + i * 2 * half + half));
    text.setAttribute("y", "56");
    text.setAttribute("text-anchor", "middle");
    text.textContent = bits[i];
    svg.append(text);
  }
  return svg;
}
