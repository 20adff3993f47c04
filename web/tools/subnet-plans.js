// The Subnet tool's planning parts: the network split into equal subnets, a
// VLSM plan for groups of hosts, networks summarized, and a range covered by
// CIDR blocks. Each has its inputs, its result, its Python and its errors.
// @ts-check
import { splitSubnet, vlsm, summarize, rangeToCidrs } from "../pkg/calc/netlab_wasm.js";
import { t } from "../i18n.js";
import { h, textField, selectField, showError, attempt, liveSummary, pythonBlock, part } from "../ui.js";
import { pyStr } from "../python.js";

/** @typedef {import("../pkg/calc/netlab_wasm.js").SubnetReport} SubnetReport */

/** How many subnets of a split are listed before "and N more". */
const LIST_LIMIT = 256;

/**
 * The count a learner typed, as the module read it, or null.
 * @param {string} text
 */
function wholeNumber(text) {
  try {
    return BigInt(text);
  } catch {
    return null;
  }
}

/** Split the network into equal subnets, by new prefix or by count. */
export function splitPart() {
  const by = selectField({
    id: "split-by",
    label: t("split.by"),
    options: [
      ["prefix", t("split.by_prefix")],
      ["count", t("split.by_count")],
    ],
  });
  const value = textField({ id: "split-value", label: t("split.value"), hint: t("split.hint"), size: "s" });
  const summary = liveSummary("split-summary");
  const list = h("ol", { id: "split-list", class: "cidrs" });
  const more = h("p", { class: "hint", id: "split-more" });
  const python = pythonBlock("split-python");
  const el = part("subnet-split", t("split.title"), h("div", { class: "row" }, by.wrap, value.wrap), summary, list, more, python.el);
  return {
    el,
    by: by.select,
    value: value.input,
    /** @param {SubnetReport | null} r */
    render(r) {
      if (!r) {
        summary.textContent = t("subnet.fix_above");
        list.replaceChildren();
        return;
      }
      const cidr = `${r.network}/${r.prefix}`;
      const how = by.select.value === "count" ? { count: value.input.value.trim() } : { prefix: value.input.value.trim() };
      const res = attempt(() => splitSubnet(cidr, how));
      if (res.err !== undefined) {
        showError(value.error, res.err, value.input);
        summary.textContent = t("summary.error", { message: res.err });
        list.replaceChildren();
        more.textContent = "";
        python.set([`# ${res.err}`]);
        return;
      }
      showError(value.error, null, value.input);
      const s = res.ok;
      summary.textContent = t("split.summary", { network: s.network, count: String(s.count), prefix: s.prefix });
      // `count: 3` makes 4: say why, as `netlab split --count` does.
      const asked = how.count === undefined ? null : wholeNumber(how.count);
      if (asked !== null && asked < BigInt(s.count)) {
        summary.textContent += " " + t("split.rounded", { asked: String(asked), prefix: s.prefix, bits: s.prefix - r.prefix, count: String(s.count) });
      }
      list.replaceChildren(...s.subnets.slice(0, LIST_LIMIT).map((x) => h("li", { text: x })));
      // The module lists the first ones of a large split; count is them all.
      const left = BigInt(s.count) - BigInt(Math.min(s.subnets.length, LIST_LIMIT));
      more.textContent = left > 0n ? t("split.more", { n: String(left) }) : "";
      python.set([
        "import ipaddress",
        `net = ipaddress.ip_network(${pyStr(s.network)})`,
        `list(net.subnets(new_prefix=${s.prefix}))   # ${t("split.py_comment", { count: String(s.count), prefix: s.prefix })}`,
      ]);
    },
  };
}

/** VLSM: a subnet of the network for each host count, largest first. */
export function vlsmPart() {
  const hosts = textField({ id: "vlsm-hosts", label: t("vlsm.hosts"), hint: t("vlsm.hint"), size: "m" });
  const summary = liveSummary("vlsm-summary");
  const body = h("tbody");
  const table = h(
    "table",
    { id: "vlsm-table", class: "grid" },
    h("caption", { class: "visually-hidden", text: t("vlsm.title") }),
    h("thead", {}, h("tr", {}, h("th", { scope: "col", text: t("vlsm.col_hosts") }), h("th", { scope: "col", text: t("vlsm.col_subnet") }), h("th", { scope: "col", text: t("vlsm.col_usable") }))),
    body,
  );
  const unused = h("p", { id: "vlsm-unused" });
  // A /31 or /32 is exact (RFC 3021; Python's hosts() agrees) but not what a
  // LAN with a gateway can use: say so where the plan has one.
  const tiny = h("p", { id: "vlsm-tiny", class: "note", hidden: true });
  const python = pythonBlock("vlsm-python");
  const el = part("subnet-vlsm", t("vlsm.title"), h("p", { class: "hint", text: t("vlsm.intro") }), hosts.wrap, summary, table, tiny, unused, python.el);
  return {
    el,
    hosts: hosts.input,
    /** @param {SubnetReport | null} r */
    render(r) {
      if (!r) {
        summary.textContent = t("subnet.fix_above");
        body.replaceChildren();
        return;
      }
      const cidr = `${r.network}/${r.prefix}`;
      const counts = hosts.input.value.split(/[\s,]+/).filter(Boolean);
      const res = attempt(() => vlsm(cidr, counts));
      if (res.err !== undefined) {
        showError(hosts.error, res.err, hosts.input);
        summary.textContent = t("summary.error", { message: res.err });
        body.replaceChildren();
        unused.textContent = "";
        tiny.hidden = true;
        python.set([`# ${res.err}`]);
        return;
      }
      showError(hosts.error, null, hosts.input);
      const plan = res.ok;
      summary.textContent = t("vlsm.summary", { n: plan.allocations.length, network: plan.network });
      body.replaceChildren(
        ...plan.allocations.map((a) =>
          h("tr", { "data-subnet": a.subnet }, h("td", { text: String(a.hosts) }), h("td", { text: a.subnet }), h("td", { text: String(a.usable_hosts) })),
        ),
      );
      unused.textContent = plan.unused.length ? `${t("vlsm.unused")} ${plan.unused.join(", ")}` : t("vlsm.none_unused");
      const v4 = r.version === 4;
      const point = plan.allocations.find((a) => v4 && /\/3[12]$/.test(a.subnet));
      tiny.hidden = !point;
      tiny.textContent = point ? t("vlsm.tiny", { subnet: point.subnet, hosts: Number(point.hosts) }) : "";
      python.set([
        "import ipaddress",
        `# ${t("vlsm.py_intro")}`,
        ...plan.allocations.map((a) =>
          v4
            ? `len(list(ipaddress.ip_network(${pyStr(a.subnet)}).hosts()))   # ${a.usable_hosts} >= ${a.hosts}`
            : `ipaddress.ip_network(${pyStr(a.subnet)})   # ${a.usable_hosts} >= ${a.hosts}`,
        ),
      ]);
    },
  };
}

/** Summarize: networks merged into the fewest CIDR blocks. */
export function summarizePart() {
  const input = textField({ id: "sum-input", label: t("sum.input"), hint: t("sum.hint"), rows: 5 });
  const summary = liveSummary("sum-summary");
  const list = h("ul", { id: "sum-list", class: "cidrs" });
  const python = pythonBlock("sum-python");
  const el = part("subnet-summarize", t("sum.title"), input.wrap, summary, list, python.el);
  return {
    el,
    input: input.input,
    render() {
      const lines = input.input.value.split("\n").map((s) => s.trim()).filter(Boolean);
      const res = attempt(() => summarize(lines));
      if (res.err !== undefined) {
        showError(input.error, res.err, input.input);
        summary.textContent = t("summary.error", { message: res.err });
        list.replaceChildren();
        python.set([`# ${res.err}`]);
        return;
      }
      showError(input.error, null, input.input);
      const nets = res.ok.networks;
      summary.textContent = t("sum.summary", { from: lines.length, to: nets.length });
      list.replaceChildren(...nets.map((x) => h("li", { text: x })));
      const listed = `[${lines.map((x) => `ipaddress.ip_network(${pyStr(x)})`).join(", ")}]`;
      const repr = `[${nets.map(networkRepr).join(", ")}]`;
      const mixed = nets.some((x) => x.includes(":")) && nets.some((x) => !x.includes(":"));
      python.set([
        "import ipaddress",
        `nets = ${listed}`,
        mixed
          ? "list(ipaddress.collapse_addresses(n for n in nets if n.version == 4)) + list(ipaddress.collapse_addresses(n for n in nets if n.version == 6))"
          : "list(ipaddress.collapse_addresses(nets))",
        `# ${repr}`,
      ]);
    },
  };
}

/** Range → CIDRs: the fewest blocks covering exactly START..END. */
export function rangePart() {
  const from = textField({ id: "range-from", label: t("range.from"), size: "m", describedBy: ["range-to-error"] });
  const to = textField({ id: "range-to", label: t("range.to"), size: "m" });
  const summary = liveSummary("range-summary");
  const list = h("ul", { id: "range-list", class: "cidrs" });
  const python = pythonBlock("range-python");
  const el = part("subnet-range", t("range.title"), h("div", { class: "row" }, from.wrap, to.wrap), summary, list, python.el);
  return {
    el,
    from: from.input,
    to: to.input,
    render() {
      const res = attempt(() => rangeToCidrs(from.input.value.trim(), to.input.value.trim()));
      if (res.err !== undefined) {
        showError(to.error, res.err, from.input, to.input);
        summary.textContent = t("summary.error", { message: res.err });
        list.replaceChildren();
        python.set([`# ${res.err}`]);
        return;
      }
      showError(to.error, null, from.input, to.input);
      const nets = res.ok.networks;
      summary.textContent = t("range.summary", { n: nets.length });
      list.replaceChildren(...nets.map((x) => h("li", { text: x })));
      python.set([
        "import ipaddress",
        `first, last = ipaddress.ip_address(${pyStr(from.input.value.trim())}), ipaddress.ip_address(${pyStr(to.input.value.trim())})`,
        "list(ipaddress.summarize_address_range(first, last))",
        `# [${nets.map(networkRepr).join(", ")}]`,
      ]);
    },
  };
}

/** Python's repr of a network. @param {string} cidr */
const networkRepr = (cidr) => `IPv${cidr.includes(":") ? 6 : 4}Network('${cidr}')`;
