// The "Same network?" tool: two addresses ANDed with one mask, worked in
// binary row by row as seed 000 §1.1 does it (address, mask, result), the
// verdict, and the longest mask that would put both in one network.
// @ts-check
import { sameSubnet } from "../pkg/calc/netlab_wasm.js";
import { t } from "../i18n.js";
import { h, textField, showError, attempt, liveSummary, pythonBlock, onEdit, bitRow, scrollBox } from "../ui.js";
import { pyStr } from "../python.js";

/** @typedef {import("../pkg/calc/netlab_wasm.js").SameReport} SameReport */

export default {
  id: "same",
  title: "tool.same",
  defaults: { a: "192.168.12.1", b: "192.168.13.1", mask: "255.255.255.0" },
  mount,
};

/**
 * @param {HTMLElement} panel
 * @param {import("../app.js").ToolContext} ctx
 */
function mount(panel, ctx) {
  const a = textField({ id: "same-a", label: t("same.a"), size: "m", describedBy: ["same-error"] });
  const b = textField({ id: "same-b", label: t("same.b"), size: "m", describedBy: ["same-error"] });
  const mask = textField({ id: "same-mask", label: t("same.mask"), hint: t("same.mask_hint"), size: "m", describedBy: ["same-error"] });
  const error = h("p", { id: "same-error", class: "error", hidden: true });
  const summary = liveSummary("same-summary");
  summary.tabIndex = -1;
  summary.classList.add("verdict");
  const work = h("div", { id: "same-work" });
  const common = h("div", { id: "same-common", class: "common" });
  const note = h("p", { id: "same-note", class: "note", hidden: true, text: t("same.seed_misprint") });
  const python = pythonBlock("same-python");
  panel.append(
    h("h2", { text: t("tool.same") }),
    h("p", { class: "intro", text: t("same.intro") }),
    h("div", { class: "row" }, a.wrap, b.wrap, mask.wrap),
    error,
    work,
    summary,
    common,
    note,
    python.el,
  );

  const inputs = [a.input, b.input, mask.input];
  function render() {
    const res = attempt(() => sameSubnet(a.input.value.trim(), b.input.value.trim(), mask.input.value.trim()));
    if (res.err !== undefined) {
      showError(error, res.err, ...inputs);
      summary.textContent = t("summary.error", { message: res.err });
      work.replaceChildren();
      delete summary.dataset.same;
      common.replaceChildren();
      python.set([`# ${res.err}`]);
      return;
    }
    showError(error, null, ...inputs);
    const r = res.ok;
    work.replaceChildren(scrollBox(t("same.work_caption"), workTable(r)));
    summary.dataset.same = String(r.same);
    summary.textContent = r.same ? t("same.yes", { network: r.a.network }) : t("same.no", { a: r.a.network, b: r.b.network });
    common.replaceChildren(
      h(
        "p",
        {},
        t("same.common", { prefix: r.common_prefix, mask: r.common_mask, network: r.common_network }),
        " ",
        // Once they are in one network the button has nothing left to do.
        r.same ? null : h("button", {
          type: "button",
          id: "same-use-common",
          text: t("same.use_common", { prefix: r.common_prefix }),
          onclick: () => {
            mask.input.value = r.common_mask;
            render();
            ctx.changed();
            // The button is drawn anew: the keyboard stays on it, or on the verdict if it is gone.
            (/** @type {HTMLElement | null} */ (common.querySelector("#same-use-common")) ?? summary).focus();
          },
        }),
      ),
      h("p", { class: "hint", text: t("same.shorter") }),
    );
    note.hidden = !(r.a.address === "192.168.12.1" && r.b.address === "192.168.13.1");
    python.set(pythonFor(r));
  }
  for (const input of inputs) {
    onEdit(input, () => {
      render();
      ctx.changed();
    });
  }
  return {
    /** @param {Record<string, string>} v */
    load(v) {
      a.input.value = v.a;
      b.input.value = v.b;
      mask.input.value = v.mask;
      render();
    },
    values: () => ({ a: a.input.value, b: b.input.value, mask: mask.input.value }),
  };
}

/**
 * The AND, one row each for the address, the mask and the result, for A
 * then B, the bits aligned in one column; in the results, the bits where A
 * and B differ are marked.
 * @param {SameReport} r
 */
function workTable(r) {
  /** @param {string} field @param {string} label @param {string} dotted @param {string} bits @param {string} [other] */
  const line = (field, label, dotted, bits, other) =>
    h(
      "tr",
      { "data-field": field },
      h("th", { scope: "row", text: label }),
      h("td", { class: "dotted", text: dotted }),
      h("td", { class: "arrow", "aria-hidden": "true", text: "→" }),
      h("td", { class: "bitcell" }, bitRow(bits, r.prefix, { diff: other, label: bits })),
    );
  const side = (/** @type {"a" | "b"} */ key) => {
    const s = r[key];
    const other = key === "a" ? r.b : r.a;
    const name = key.toUpperCase();
    return h(
      "tbody",
      { "data-side": key },
      line(`${key}.binary`, t("same.row_address", { name }), s.address, s.binary),
      line(`${key}.mask`, t("same.row_mask"), r.mask, r.mask_binary),
      line(`${key}.network_binary`, t("same.row_and"), s.network, s.network_binary, other.network_binary),
    );
  };
  return h(
    "table",
    { class: "work-table" },
    h("caption", { class: "visually-hidden", text: t("same.work_caption") }),
    h(
      "thead",
      {},
      h("tr", {}, h("th", { scope: "col", text: t("same.col_step") }), h("th", { scope: "col", text: t("same.col_dotted") }), h("td", { "aria-hidden": "true" }), h("th", { scope: "col", text: t("same.col_bits") })),
    ),
    side("a"),
    side("b"),
  );
}

/** @param {SameReport} r */
function pythonFor(r) {
  const v = r.a.address.includes(":") ? 6 : 4;
  const net = (/** @type {string} */ n) => `IPv${v}Network('${n}/${r.prefix}')`;
  return [
    "import ipaddress",
    `a = ipaddress.ip_interface(${pyStr(`${r.a.address}/${r.prefix}`)})`,
    `b = ipaddress.ip_interface(${pyStr(`${r.b.address}/${r.prefix}`)})`,
    `a.network, b.network    # (${net(r.a.network)}, ${net(r.b.network)})`,
    `a.network == b.network  # ${r.same ? "True" : "False"}`,
    `# ${t("same.py_by_hand")}`,
    `int(a.ip) & int(a.netmask) == int(b.ip) & int(b.netmask)  # ${r.same ? "True" : "False"}`,
  ];
}
