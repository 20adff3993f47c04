// A frame's fields as the dissector names them: one compact table per layer.
// The TCP and LAN tools show a selected frame through `frameFields` alone, so
// the linked views (tree, hex, bits, header diagram) can take its place.
// @ts-check
import { dissect } from "../pkg/netlab_wasm.js";
import { t } from "../i18n.js";
import { h } from "../ui.js";

/**
 * The bytes of a hex string (the simulations' frames).
 * @param {string} hex
 */
export function hexBytes(hex) {
  const bytes = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

/**
 * The frame in `hex`, dissected: each layer's summary and its fields (name,
 * value, byte offset), then what the dissector found wrong, if anything.
 * @param {string} hex
 * @param {string} id the element's id; its tables' ids start with it
 * @returns {HTMLElement}
 */
export function frameFields(hex, id) {
  const d = dissect(hexBytes(hex));
  return h(
    "div",
    { id, class: "frame-fields", "data-length": d.length },
    d.layers.map((layer, i) =>
      h(
        "table",
        { class: "fields", id: `${id}-${i}`, "data-protocol": layer.protocol },
        h("caption", { text: `${layer.name}: ${layer.summary}` }),
        h(
          "thead",
          { class: "visually-hidden" },
          h("tr", {}, h("th", { scope: "col", text: t("frame.field") }), h("th", { scope: "col", text: t("frame.value") }), h("th", { scope: "col", text: t("frame.offset") })),
        ),
        h(
          "tbody",
          {},
          layer.fields.map((f) =>
            h(
              "tr",
              { "data-field": f.wireshark ?? f.name, style: f.depth ? `--depth: ${f.depth}` : undefined },
              h("th", { scope: "row", text: f.name }),
              h("td", { text: f.display }),
              h("td", { class: "offset", text: String(f.offset) }),
            ),
          ),
        ),
      ),
    ),
    d.findings.map((f) => h("p", { class: "error", text: `${f.protocol}: ${f.message}` })),
  );
}
