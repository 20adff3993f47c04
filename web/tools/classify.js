// The Classify tool: what kind of address each line is, by the IANA
// special-purpose registries: 内网 (private, RFC 1918), public, loopback,
// link-local, multicast…, with the registry rows that say so.
// @ts-check
import { classify, classifyRule } from "../pkg/calc/netlab_wasm.js";
import { t, getLang } from "../i18n.js";
import { h, textField, attempt, showError, liveSummary, pythonBlock, onEdit, scrollBox, truncated, LIMITS } from "../ui.js";
import { pyStr } from "../python.js";
import { registryName } from "../i18n-fields.js";

/** @typedef {import("../pkg/calc/netlab_wasm.js").Classification} Classification */
/** @typedef {import("../pkg/calc/netlab_wasm.js").SpecialRange} SpecialRange */

export default {
  id: "classify",
  title: "tool.classify",
  defaults: { addrs: "192.168.1.10\n8.8.8.8\n127.0.0.1\n100.64.0.1\n169.254.10.20\n224.0.0.251\n2001:db8::1\nfe80::1" },
  mount,
};

/** The flags shown as badges, in this order, with their i18n keys. */
const FLAGS = /** @type {const} */ (["loopback", "link_local", "multicast", "unspecified", "documentation", "shared", "reserved"]);

/** The registry's yes/no columns. */
const COLUMNS = /** @type {const} */ (["source", "destination", "forwardable", "globally_reachable", "reserved_by_protocol"]);

/**
 * @param {HTMLElement} panel
 * @param {import("../app.js").ToolContext} ctx
 */
function mount(panel, ctx) {
  const input = textField({ id: "classify-input", label: t("classify.input"), hint: t("classify.hint"), rows: 8 });
  const summary = liveSummary("classify-summary");
  const results = h("ol", { id: "classify-results", class: "cards" });
  const more = h("div", { id: "classify-more" });
  const python = pythonBlock("classify-python");
  panel.append(
    h("h2", { text: t("tool.classify") }),
    h("p", { class: "intro", text: t("classify.intro") }),
    input.wrap,
    summary,
    results,
    more,
    python.el,
  );

  function render() {
    const lines = input.input.value.split("\n").map((s, i) => ({ text: s.trim(), line: i + 1 })).filter((x) => x.text);
    const rows = lines.map((x) => ({ ...x, res: attempt(() => classify(x.text)) }));
    const bad = rows.filter((x) => x.res.err !== undefined);
    showError(input.error, bad.length ? t("classify.bad_lines", { n: bad.length, lines: bad.map((x) => x.line).join(", ") }) : null, input.input);
    // Every line is classified and counted; the first LIMITS.rows are drawn.
    const shown = rows.slice(0, LIMITS.rows);
    more.replaceChildren(truncated("limit.addresses", shown.length, rows.length, "classify-truncated") ?? "");
    results.replaceChildren(
      ...shown.map(({ text, line, res }) => (res.ok ? card(res.ok) : h("li", { class: "card bad", "data-line": line }, h("h3", {}, h("code", { text })), h("p", { class: "error-inline", text: t("classify.line_error", { line, message: res.err ?? "" }) })))),
    );
    const ok = rows.flatMap((x) => (x.res.ok ? [x.res.ok] : []));
    // Every address counted once: 内网, public, or another special use.
    const privates = ok.filter((c) => c.rfc1918).length;
    const globals = ok.filter((c) => c.global).length;
    summary.textContent = t("classify.summary", {
      n: ok.length,
      private: privates,
      global: globals,
      other: ok.length - privates - globals,
      bad: bad.length,
    });
    const okShown = shown.flatMap((x) => (x.res.ok ? [x.res.ok] : []));
    python.set([
      "import ipaddress",
      // is_private is what a learner tries for 内网; it says True of far more.
      `# ${t("classify.py_is_private")}`,
      ...okShown.flatMap(pythonFor),
      ...(ok.length > okShown.length ? [t("limit.python_more", { more: ok.length - okShown.length })] : []),
    ]);
  }
  // A pasted list of thousands waits for typing to pause before it is classified again.
  onEdit(
    input.input,
    () => {
      render();
      ctx.changed();
    },
    { large: () => input.input.value.length > 16 * LIMITS.rows * 4 },
  );
  return {
    /** @param {Record<string, string>} v */
    load(v) {
      input.input.value = v.addrs;
      render();
    },
    values: () => ({ addrs: input.input.value }),
  };
}

/** One address: its badges, why it is or is not global, and the registry rows. @param {Classification} c */
function card(c) {
  /** @type {HTMLElement[]} */
  const badges = [];
  if (c.rfc1918) badges.push(h("span", { class: "badge private", "data-flag": "rfc1918", text: t("classify.private") }));
  badges.push(
    c.global
      ? h("span", { class: "badge global", "data-flag": "global", text: t("classify.global") })
      : h("span", { class: "badge", "data-flag": "not-global", text: t("classify.not_global") }),
  );
  for (const flag of FLAGS) {
    if (!c[flag]) continue;
    const text = flag === "multicast" && c.multicast_scope ? t("classify.multicast_scope", { scope: t(`scope.${c.multicast_scope}`) }) : t(`classify.${flag}`);
    badges.push(h("span", { class: "badge", "data-flag": flag, text }));
  }
  const yesNo = (/** @type {boolean | null} */ v) => (v === null ? t("classify.na") : v ? t("classify.yes") : t("classify.no"));
  const table = c.ranges.length
    ? h(
        "table",
        { class: "grid registry" },
        h("caption", { class: "visually-hidden", text: t("classify.registry_caption", { address: c.address }) }),
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "col", text: t("classify.col_name") }),
            h("th", { scope: "col", text: "CIDR" }),
            h("th", { scope: "col", text: "RFC" }),
            COLUMNS.map((col) => h("th", { scope: "col", text: t(`classify.col_${col}`) })),
          ),
        ),
        h(
          "tbody",
          {},
          c.ranges.map((/** @type {SpecialRange} */ r) =>
            h(
              "tr",
              { "data-cidr": r.cidr },
              h("td", { text: registryName(r.name) }),
              h("td", { text: r.cidr }),
              h("td", { text: r.rfc }),
              COLUMNS.map((col) => h("td", { "data-col": col, class: r[col] === null ? "na" : String(r[col]), text: yesNo(r[col]) })),
            ),
          ),
        ),
      )
    : h("p", { class: "hint", text: t("classify.no_rows") });
  return h(
    "li",
    { class: "card", "data-address": c.address },
    // The most specific registry row names what the address is for
    // (255.255.255.255: Limited Broadcast, which no flag says).
    h(
      "h3",
      {},
      h("code", { text: c.address }),
      " ",
      h("span", { class: "version", text: `IPv${c.version}` }),
      c.ranges.length ? [" ", h("span", { class: "row-name", "data-field": "row", text: registryName(c.ranges[c.ranges.length - 1].name) })] : null,
    ),
    h("p", { class: "badges" }, badges),
    h("p", { class: "reason" }, h("span", { class: "reason-label", text: `${t("classify.reason")} ` }), h("span", { "data-field": "global_reason", text: getLang() === "en" ? c.global_reason : reason(classifyRule(c.address)) })),
    c.ranges.length ? scrollBox(t("classify.registry_caption", { address: c.address }), table) : table,
  );
}

/**
 * Why the address is or is not global, worded in the page's language from
 * `classifyRule`, the core's rule as data; the English page shows the core's own sentence,
 * `global_reason`, which the CLI prints too.
 * @param {import("../pkg/calc/netlab_wasm.js").GlobalRule} r
 */
function reason(r) {
  switch (r.kind) {
    case "multicast":
      return t("reason.multicast", { scope: t(`scope.${r.scope}`) });
    case "registry":
      return t(r.global ? "reason.registry_yes" : "reason.registry_no", { cidr: r.cidr, name: registryName(r.name, true) });
    case "embedded":
      return t(r.global ? "reason.embedded_yes" : "reason.embedded_no", { cidr: r.cidr, name: registryName(r.name, true), inner: r.inner });
    case "deprecated":
      return t("reason.deprecated", { cidr: r.cidr, name: registryName(r.name, true) });
    default:
      return t(`reason.${r.kind}`);
  }
}

/**
 * Python's view of one address: the registry row that holds it, and the
 * `ipaddress` attributes that agree with netlab's flags.
 * @param {Classification} c
 */
function pythonFor(c) {
  const ip = `ipaddress.ip_address(${pyStr(c.address)})`;
  const row = c.ranges[c.ranges.length - 1];
  const lines = [];
  if (row) lines.push(`${ip} in ipaddress.ip_network(${pyStr(row.cidr)})  # True: ${row.name}, ${row.rfc}${c.rfc1918 ? " (内网)" : ""}`);
  if (c.loopback) lines.push(`${ip}.is_loopback  # True`);
  else if (c.link_local) lines.push(`${ip}.is_link_local  # True`);
  else if (c.multicast) lines.push(`${ip}.is_multicast  # True`);
  else lines.push(`${ip}.is_global  # ${c.global ? "True" : "False"}`);
  return lines;
}
