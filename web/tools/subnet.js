// The Subnet tool: the report of an address and its network, its bits edited
// octet by octet (cidr.xyz style), the /31 and /32 rules, and (subnet-plans.js)
// the network split, planned (VLSM), summarized, and a range covered by CIDR
// blocks. All computed by the WASM module as the user types.
// @ts-check
import { subnetInfo } from "../pkg/calc/netlab_wasm.js";
import { t } from "../i18n.js";
import { h, textField, showError, attempt, liveSummary, pythonBlock, onEdit, bitRow } from "../ui.js";
import { pyStr } from "../python.js";
import { splitPart, vlsmPart, summarizePart, rangePart } from "./subnet-plans.js";

/** @typedef {import("../pkg/calc/netlab_wasm.js").SubnetReport} SubnetReport */

/** The report's rows: the JSON field and the i18n key of its label. */
const ROWS = [
  ["address", "subnet.address"],
  ["netmask", "subnet.netmask"],
  ["wildcard", "subnet.wildcard"],
  ["network", "subnet.network"],
  ["broadcast", "subnet.broadcast"],
  ["first_host", "subnet.first_host"],
  ["last_host", "subnet.last_host"],
  ["total_addresses", "subnet.total"],
  ["usable_hosts", "subnet.usable"],
  ["class", "subnet.class"],
  ["ranges", "subnet.ranges"],
];

export default {
  id: "subnet",
  title: "tool.subnet",
  defaults: {
    subnet: "192.168.12.87/24",
    by: "prefix",
    split: "26",
    vlsm: "100, 50, 20, 2",
    sum: "192.168.0.0/24\n192.168.1.0/24\n192.168.2.0/23\n10.0.0.0/25",
    from: "192.168.12.10",
    to: "192.168.12.100",
  },
  mount,
};

/**
 * @param {HTMLElement} panel
 * @param {import("../app.js").ToolContext} ctx
 */
function mount(panel, ctx) {
  const main = textField({ id: "subnet-input", errorId: "subnet-error", label: t("subnet.input"), hint: t("subnet.hint"), size: "l" });
  const summary = liveSummary("subnet-summary");
  const editor = octetEditor(main.input, main.error.id, () => {
    render({ later: true });
    ctx.changed();
  });
  const bits = h("div", { id: "subnet-bits", class: "bits" });
  const legend = h("p", { class: "legend", id: "subnet-legend" });
  const body = h("tbody");
  const report = h("table", { id: "subnet-report", class: "report" }, h("caption", { class: "visually-hidden", text: t("subnet.report") }), body);
  const rules = h("div", { id: "subnet-rules", class: "rules" });
  // While the input is wrong, the last good report stays (typing passes
  // through wrong text) but dimmed, under a line that says whose it is.
  const staleNote = h("p", { id: "subnet-stale", class: "hint", hidden: true });
  const python = pythonBlock("subnet-python");

  const split = splitPart();
  const plan = vlsmPart();
  const summ = summarizePart();
  const range = rangePart();

  panel.append(
    h("h2", { text: t("tool.subnet") }),
    h("p", { class: "intro", text: t("subnet.intro") }),
    main.wrap,
    summary,
    staleNote,
    editor.el,
    bits,
    legend,
    report,
    rules,
    python.el,
    split.el,
    plan.el,
    summ.el,
    range.el,
  );

  /** @type {SubnetReport | null} */
  let r = null;
  let frame = 0;
  /**
   * Recomputes the report now; the split and the VLSM plan that depend on
   * it now too, or, while the address is being typed (`later`), at the next
   * frame, so a split into thousands of subnets never slows the typing.
   * @param {{later?: boolean}} [o]
   */
  function render(o = {}) {
    const res = attempt(() => subnetInfo(main.input.value));
    const shown = [editor.el, bits, legend, report, rules, python.el];
    if (res.err !== undefined) {
      showError(main.error, res.err, main.input, ...editor.inputs);
      summary.textContent = t("summary.error", { message: res.err });
      if (r) {
        staleNote.textContent = t("subnet.stale", { network: `${r.address}/${r.prefix}` });
        staleNote.hidden = false;
        for (const el of shown) el.classList.add("stale");
      }
      r = null;
    } else {
      r = res.ok;
      staleNote.hidden = true;
      for (const el of shown) el.classList.remove("stale");
      showError(main.error, null, main.input, ...editor.inputs);
      body.replaceChildren(...ROWS.map(([key, label]) => row(key, t(label), /** @type {SubnetReport} */ (r))));
      drawBits(bits, legend, r);
      editor.sync(r);
      rules.replaceChildren(...rulesFor(r));
      python.set(pythonFor(r));
      summary.textContent = t(r.broadcast === null ? "subnet.summary_no_broadcast" : "subnet.summary", {
        network: `${r.network}/${r.prefix}`,
        broadcast: r.broadcast ?? "",
        usable: String(r.usable_hosts),
      });
    }
    cancelAnimationFrame(frame);
    const dependents = () => {
      split.render(r);
      plan.render(r);
    };
    if (o.later) frame = requestAnimationFrame(dependents);
    else dependents();
  }

  onEdit(main.input, () => {
    render({ later: true });
    ctx.changed();
  });
  for (const input of [split.value, split.by, plan.hosts]) {
    onEdit(input, () => {
      render();
      ctx.changed();
    });
  }
  for (const input of [summ.input, range.from, range.to]) {
    onEdit(input, () => {
      summ.render();
      range.render();
      ctx.changed();
    });
  }

  return {
    /** @param {Record<string, string>} v */
    load(v) {
      main.input.value = v.subnet;
      split.by.value = v.by === "count" ? "count" : "prefix";
      split.value.value = v.split;
      plan.hosts.value = v.vlsm;
      summ.input.value = v.sum;
      range.from.value = v.from;
      range.to.value = v.to;
      render();
      summ.render();
      range.render();
    },
    values: () => ({
      subnet: main.input.value,
      by: split.by.value,
      split: split.value.value,
      vlsm: plan.hosts.value,
      sum: summ.input.value,
      from: range.from.value,
      to: range.to.value,
    }),
  };
}

/** @param {string} key @param {string} label @param {SubnetReport} r */
function row(key, label, r) {
  const th = h("th", { scope: "row", text: label });
  const td = h("td");
  /** @type {unknown} */
  let value = r[/** @type {keyof SubnetReport} */ (key)];
  if (key === "network") value = `${r.network}/${r.prefix}`;
  if (key === "netmask") value = `${r.netmask} (/${r.prefix})`;
  if (key === "ranges") {
    value = r.ranges.length ? r.ranges.map((x) => `${x.cidr} ${x.name} (${x.rfc})`).join("; ") : t("subnet.public");
  }
  if (value === null) value = explainNull(key, r);
  td.textContent = String(value);
  return h("tr", { "data-field": key }, th, td);
}

/** Why a field has no value. @param {string} key @param {SubnetReport} r */
function explainNull(key, r) {
  if (key === "broadcast") {
    if (r.version === 6) return t("subnet.no_broadcast_v6");
    return r.prefix === 31 ? t("subnet.no_broadcast_31") : t("subnet.no_broadcast_32");
  }
  if (key === "class") return t("subnet.no_class_v6");
  return "—";
}

/**
 * The address's bits in their groups (octets for IPv4, 16-bit groups for
 * IPv6), network bits and host bits told apart, each group's value under it.
 * @param {HTMLElement} el @param {HTMLElement} legend @param {SubnetReport} r
 */
function drawBits(el, legend, r) {
  const v4 = r.version === 4;
  const groups = r.binary.address.split(v4 ? "." : ":");
  const width = v4 ? 8 : 16;
  const total = v4 ? 32 : 128;
  el.className = `bits ${v4 ? "v4" : "v6"}`;
  el.setAttribute("role", "img");
  el.setAttribute("aria-label", t("subnet.bits_label", { total, net: r.prefix, host: total - r.prefix }));
  el.replaceChildren(
    ...groups.map((g, i) => {
      const netBits = Math.max(0, Math.min(width, r.prefix - i * width));
      const value = v4 ? String(parseInt(g, 2)) : parseInt(g, 2).toString(16);
      return h(
        "span",
        { class: `group o${(i % 4) + 1}` },
        bitRow(g, netBits),
        h("span", { class: "group-value", "aria-hidden": "true", text: value }),
      );
    }),
  );
  legend.replaceChildren(
    h("span", { class: "key net", text: t("subnet.legend_net", { n: r.prefix }) }),
    " ",
    h("span", { class: "key host", text: t("subnet.legend_host", { n: total - r.prefix }) }),
  );
}

/**
 * The /31 and /32 rules (and IPv6's), the one that applies to this
 * network marked.
 * @param {SubnetReport} r
 */
function rulesFor(r) {
  const applies = r.version === 6 ? "v6" : r.prefix === 31 ? "31" : r.prefix === 32 ? "32" : "general";
  const rule = (/** @type {string} */ key) =>
    h("p", { class: `rule${key === applies ? " applies" : ""}`, "data-rule": key }, t(`subnet.rule_${key}`), key === applies ? h("strong", { text: ` ${t("subnet.rule_applies")}` }) : null);
  return [h("h3", { text: t("subnet.rules_title") }), rule("general"), rule("31"), rule("32"), rule("v6")];
}

/** @param {SubnetReport} r */
function pythonFor(r) {
  return [
    "import ipaddress",
    `iface = ipaddress.ip_interface(${pyStr(`${r.address}/${r.prefix}`)})`,
    "net = iface.network",
    `net                    # ${r.version === 4 ? "IPv4" : "IPv6"}Network('${r.network}/${r.prefix}')`,
    `net.netmask            # ${r.version === 4 ? "IPv4" : "IPv6"}Address('${r.netmask}')`,
    r.version === 4
      ? `net.broadcast_address  # IPv4Address('${r.broadcast ?? r.last_host}')${r.broadcast === null ? `  ${t("subnet.py_no_broadcast")}` : ""}`
      : `# ${t("subnet.no_broadcast_v6")}`,
    `net.num_addresses      # ${r.total_addresses}`,
  ];
}

/**
 * The octet editor: the four octets and the prefix as fields, kept in step
 * with the text input. ArrowUp/ArrowDown and the wheel change the focused
 * field; `.` moves to the next octet and `/` to the prefix; Backspace in an
 * empty field goes back one.
 * @param {HTMLInputElement | HTMLTextAreaElement} text the address input it edits
 * @param {string} errorId the error line its fields are described by
 * @param {() => void} changed
 */
function octetEditor(text, errorId, changed) {
  const hintId = "subnet-octets-hint";
  const make = (/** @type {string} */ id, /** @type {string} */ label, /** @type {number} */ max) => {
    const input = h("input", {
      id,
      type: "text",
      inputmode: "numeric",
      class: "octet",
      "aria-label": label,
      "aria-describedby": `${hintId} ${errorId}`,
      autocomplete: "off",
      "data-max": max,
      maxlength: "3",
    });
    return input;
  };
  const octets = [1, 2, 3, 4].map((n) => make(`subnet-o${n}`, t("subnet.octet", { n }), 255));
  const prefix = make("subnet-prefix", t("subnet.prefix"), 32);
  const inputs = [...octets, prefix];
  octets.forEach((o, i) => o.classList.add(`o${i + 1}`));

  const compose = () => {
    text.value = `${octets.map((o) => o.value).join(".")}/${prefix.value}`;
    changed();
  };
  /** @param {HTMLInputElement} input @param {number} delta */
  const step = (input, delta) => {
    const max = Number(input.dataset.max);
    const n = parseInt(input.value, 10);
    input.value = String(Math.min(max, Math.max(0, (Number.isNaN(n) ? 0 : n) + delta)));
    compose();
  };
  inputs.forEach((input, i) => {
    input.addEventListener("input", compose);
    input.addEventListener("keydown", (e) => {
      if (e.key === "ArrowUp" || e.key === "ArrowDown") {
        e.preventDefault();
        step(input, (e.key === "ArrowUp" ? 1 : -1) * (e.shiftKey ? 10 : 1));
      } else if (e.key === "." && i < 4) {
        e.preventDefault();
        inputs[i + 1].focus();
        inputs[i + 1].select();
      } else if (e.key === "/") {
        e.preventDefault();
        prefix.focus();
        prefix.select();
      } else if (e.key === "Backspace" && input.value === "" && i > 0) {
        e.preventDefault();
        inputs[i - 1].focus();
      }
    });
    input.addEventListener(
      "wheel",
      (e) => {
        if (document.activeElement !== input || e.deltaY === 0) return;
        e.preventDefault();
        step(input, e.deltaY < 0 ? 1 : -1);
      },
      { passive: false },
    );
  });

  const el = h(
    "fieldset",
    { class: "octets", id: "subnet-octets" },
    h("legend", { text: t("subnet.octets_legend") }),
    h(
      "div",
      { class: "octet-row" },
      octets.flatMap((o, i) => (i < 3 ? [o, h("span", { class: "dot", "aria-hidden": "true", text: "." })] : [o])),
      h("span", { class: "dot", "aria-hidden": "true", text: "/" }),
      prefix,
    ),
    h("p", { class: "hint", id: hintId, text: t("subnet.octets_hint") }),
  );

  return {
    el,
    inputs,
    /** Shows a report's address and prefix, except in the field being typed in. @param {SubnetReport} r */
    sync(r) {
      el.hidden = r.version !== 4;
      if (r.version !== 4) return;
      const values = [...r.address.split("."), String(r.prefix)];
      inputs.forEach((input, i) => {
        if (document.activeElement !== input) input.value = values[i];
      });
    },
  };
}
