// The Ports & MAC tool: a service by name or a port by number (getservbyname
// and getservbyport on netlab's table) with the port's IANA range; a MAC
// address in every notation, its I/G and U/L bits, EUI-64 and the IPv6
// link-local address made from it.
// @ts-check
import { serviceLookup, macInfo } from "../pkg/calc/netlab_wasm.js";
import { t } from "../i18n.js";
import { serviceDescription } from "../i18n-fields.js";
import { h, textField, selectField, showError, attempt, liveSummary, pythonBlock, part, onEdit, fieldTable } from "../ui.js";
import { pyStr } from "../python.js";

/** @typedef {import("../pkg/calc/netlab_wasm.js").PortReport} PortReport */
/** @typedef {import("../pkg/calc/netlab_wasm.js").MacReport} MacReport */
/** @typedef {import("../pkg/calc/netlab_wasm.js").MacGroup} MacGroup */

export default {
  id: "ports",
  title: "tool.ports",
  defaults: { port: "mysql", proto: "", mac: "00:1a:2b:3c:4d:5e" },
  mount,
};

/** The IANA port ranges, as `range` names them. */
const RANGES = /** @type {const} */ ([
  ["well-known", "0–1023"],
  ["registered", "1024–49151"],
  ["dynamic", "49152–65535"],
]);

/**
 * @param {HTMLElement} panel
 * @param {import("../app.js").ToolContext} ctx
 */
function mount(panel, ctx) {
  const port = portPart();
  const mac = macPart();
  panel.append(h("h2", { text: t("tool.ports") }), h("p", { class: "intro", text: t("ports.intro") }), port.el, mac.el);
  for (const input of [port.input, port.proto]) {
    onEdit(input, () => {
      port.render();
      ctx.changed();
    });
  }
  onEdit(mac.input, () => {
    mac.render();
    ctx.changed();
  });
  return {
    /** @param {Record<string, string>} v */
    load(v) {
      port.input.value = v.port;
      port.proto.value = v.proto === "tcp" || v.proto === "udp" ? v.proto : "";
      mac.input.value = v.mac;
      port.render();
      mac.render();
    },
    values: () => ({ port: port.input.value, proto: port.proto.value, mac: mac.input.value }),
  };
}

function portPart() {
  const field = textField({ id: "port-input", label: t("ports.query"), hint: t("ports.query_hint"), size: "s" });
  const proto = selectField({
    id: "port-proto",
    label: t("ports.proto"),
    options: [
      ["", t("ports.proto_any")],
      ["tcp", "TCP"],
      ["udp", "UDP"],
    ],
  });
  const summary = liveSummary("port-summary");
  const result = h("div", { id: "port-result" });
  const ranges = h("ul", { id: "port-ranges", class: "ranges" });
  const python = pythonBlock("port-python");
  const el = part("ports-service", t("ports.service_title"), h("div", { class: "row" }, field.wrap, proto.wrap), summary, result, h("h4", { text: t("ports.ranges_title") }), ranges, python.el);
  return {
    el,
    input: field.input,
    proto: proto.select,
    render() {
      const query = field.input.value.trim();
      const p = proto.select.value === "tcp" || proto.select.value === "udp" ? proto.select.value : undefined;
      const res = attempt(() => serviceLookup(query, p));
      drawRanges(ranges, res.ok?.range);
      if (res.err !== undefined) {
        showError(field.error, res.err, field.input);
        summary.textContent = t("summary.error", { message: res.err });
        result.replaceChildren();
        // What Python itself raises: a number out of range is refused by
        // getservbyport with OverflowError; any other text is a name that
        // getservbyname does not find (netlab's message says more).
        const number = /^[+-]?\d+$/.test(query);
        const protoArg = p ? `, ${pyStr(p)}` : "";
        python.set([
          "import socket",
          number
            ? `socket.getservbyport(${BigInt(query)}${protoArg})  # OverflowError: getservbyport: port must be 0-65535.`
            : `socket.getservbyname(${pyStr(query)}${protoArg})  # OSError: service/proto not found`,
        ]);
        return;
      }
      showError(field.error, null, field.input);
      const r = res.ok;
      const s = r.service;
      result.replaceChildren(
        fieldTable("port-table", t("ports.service_title"), [
          ["port", t("ports.port"), String(r.port)],
          ["protocol", t("ports.protocol"), r.protocol],
          ["service", t("ports.service"), s ? s.name : t("ports.no_service")],
          ["aliases", t("ports.aliases"), s && s.aliases.length ? s.aliases.join(", ") : "—"],
          ["protocols", t("ports.protocols"), s ? s.protocols.join(", ") : "—"],
          ["description", t("ports.description"), s ? serviceDescription(s.description) : "—"],
          ["range", t("ports.range"), `${t(`ports.range_${r.range}`)} (${r.range_span})`],
        ]),
      );
      summary.textContent = s ? t("ports.summary", { name: s.name, port: r.port, protocol: r.protocol }) : t("ports.summary_none", { port: r.port, protocol: r.protocol });
      const byNumber = query === String(r.port);
      python.set([
        "import socket",
        byNumber
          ? `socket.getservbyport(${r.port}, ${pyStr(r.protocol)})  # ${s ? pyStr(s.name) : "OSError: port/proto not found"}`
          : `socket.getservbyname(${pyStr(query)}, ${pyStr(r.protocol)})  # ${r.port}`,
        `# ${t("ports.py_note")}`,
      ]);
    },
  };
}

/** The three ranges, the port's marked. @param {HTMLElement} el @param {string | undefined} current */
function drawRanges(el, current) {
  el.replaceChildren(
    ...RANGES.map(([name, span]) =>
      h(
        "li",
        { class: name === current ? "current" : "", "data-range": name, "aria-current": name === current ? "true" : undefined },
        h("strong", { text: t(`ports.range_${name}`) }),
        ` ${span}: ${t(`ports.range_${name}_about`)}`,
      ),
    ),
  );
}

function macPart() {
  const field = textField({ id: "mac-input", label: t("mac.input"), hint: t("mac.hint"), size: "m" });
  const summary = liveSummary("mac-summary");
  const bits = h("div", { id: "mac-bits" });
  const result = h("div", { id: "mac-result" });
  const python = pythonBlock("mac-python");
  const el = part("ports-mac", t("mac.title"), field.wrap, summary, bits, result, python.el);
  return {
    el,
    input: field.input,
    render() {
      const res = attempt(() => macInfo(field.input.value.trim()));
      if (res.err !== undefined) {
        showError(field.error, res.err, field.input);
        summary.textContent = t("summary.error", { message: res.err });
        bits.replaceChildren();
        result.replaceChildren();
        python.set([`# ${res.err}`]);
        return;
      }
      showError(field.error, null, field.input);
      const r = res.ok;
      bits.replaceChildren(...firstOctet(r));
      result.replaceChildren(
        fieldTable("mac-table", t("mac.title"), [
          ["colon", t("mac.colon"), r.colon],
          ["dash", t("mac.dash"), r.dash],
          ["dot", t("mac.dot"), r.dot],
          ["bare", t("mac.bare"), r.bare],
          ["oui", t("mac.oui"), r.oui],
          ["eui64", t("mac.eui64"), r.eui64],
          ["modified_eui64", t("mac.modified_eui64"), r.modified_eui64],
          ["ipv6_link_local", t("mac.link_local"), r.ipv6_link_local],
          ...(r.group ? [/** @type {[string, string, string]} */ (["group", t("mac.group"), groupText(r.group)])] : []),
        ]),
        h("p", { class: "note", text: r.group ? `${t("mac.eui64_note")} ${t("mac.group_no_iid")}` : t("mac.eui64_note") }),
      );
      const kind = r.broadcast ? t("mac.broadcast") : r.multicast ? t("mac.multicast") : t("mac.unicast");
      const admin = r.local ? t("mac.local") : t("mac.universal");
      summary.textContent = r.group
        ? t("mac.summary_group", { kind, admin, group: groupText(r.group) })
        : t("mac.summary", { kind, admin, ll: r.ipv6_link_local });
      python.set([
        "import ipaddress",
        `mac = bytes.fromhex(${pyStr(r.bare)})`,
        `mac[0] & 1   # ${r.multicast ? 1 : 0}: ${r.multicast ? t("mac.multicast") : t("mac.unicast")} (I/G)`,
        `mac[0] & 2   # ${r.local ? 2 : 0}: ${r.local ? t("mac.local") : t("mac.universal")} (U/L)`,
        `eui64 = bytes([mac[0] ^ 2]) + mac[1:3] + b'\\xff\\xfe' + mac[3:]`,
        `ipaddress.IPv6Address(b'\\xfe\\x80' + bytes(6) + eui64)  # IPv6Address('${r.ipv6_link_local}')`,
      ]);
    },
  };
}

/**
 * What a group MAC stands for, in words.
 * @param {MacGroup} g
 */
function groupText(g) {
  switch (g.kind) {
    case "ipv4":
      return t("mac.group_ipv4", { lowest: g.lowest });
    case "ipv6":
      return t(g.solicited_node ? "mac.group_ipv6_sn" : "mac.group_ipv6", { example: g.example });
    case "broadcast":
      return t("mac.group_broadcast");
    default:
      return t("mac.group_other");
  }
}

/**
 * The first octet's bits, the two that matter named: bit 0 (I/G, the
 * rightmost) and bit 1 (U/L).
 * @param {MacReport} r
 */
function firstOctet(r) {
  const bits = [...r.first_octet_binary];
  const row = h(
    "span",
    { class: "octet-bits", role: "img", "aria-label": t("mac.bits_label", { bits: r.first_octet_binary }) },
    bits.map((b, i) => h("span", { class: i === 7 ? "bit ig" : i === 6 ? "bit ul" : "bit", "aria-hidden": "true", text: b })),
  );
  const flag = (/** @type {string} */ name, /** @type {boolean} */ on, /** @type {string} */ yes, /** @type {string} */ no) =>
    h("li", { "data-flag": name }, h("strong", { text: `${name}: ` }), on ? yes : no);
  return [
    h("p", { class: "octet-line" }, h("span", { text: `${t("mac.first_octet")} ` }), row),
    h(
      "ul",
      { class: "flags" },
      flag("I/G", r.multicast, t("mac.ig_group"), t("mac.ig_individual")),
      flag("U/L", r.local, t("mac.ul_local"), t("mac.ul_universal")),
      r.broadcast ? h("li", { "data-flag": "broadcast", text: t("mac.is_broadcast") }) : null,
    ),
  ];
}
