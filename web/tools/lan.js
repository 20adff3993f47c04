// The LAN simulation: seed 000's LAN A (192.168.12.0/24: hosts A and C on
// switch S1) and LAN B (192.168.13.0/24: host B on switch S2), joined by
// router R. lanSimulate plays "A sends to B" frame by frame; this draws the
// topology, steps through the events as Packet Tracer's simulation mode
// does, shows the switches' MAC tables and the ARP caches as they fill, what
// the router changed, each step's frame in the four linked views
// (views/frame.js), and where and why a broken variant fails.
// @ts-check
import { lanSimulate } from "../pkg/netlab_wasm.js";
import { t, getLang } from "../i18n.js";
import { h, textField, selectField, showError, attempt, liveSummary, part, onEdit, scrollBox } from "../ui.js";
import { player, downloadHex, keepInView, coreNote, frameOpener } from "./player.js";

/** @typedef {import("../pkg/netlab_wasm.js").LanTrace} LanTrace */
/** @typedef {import("../pkg/netlab_wasm.js").LanEvent} LanEvent */
/** @typedef {import("../pkg/netlab_wasm.js").LanSpec} LanSpec */
/** @typedef {import("../pkg/netlab_wasm.js").LanVariant} LanVariant */
/** @typedef {import("../pkg/netlab_wasm.js").LanArpEntry} LanArpEntry */
/** @typedef {import("../pkg/netlab_wasm.js").LanMacEntry} LanMacEntry */

/** @type {LanVariant[]} */
const VARIANTS = ["normal", "wrong_mask", "no_gateway", "ttl_1", "unknown_network"];
const HOSTS = /** @type {const} */ (["A", "B", "C"]);
/** The MACs are the core's (sim::MAC_A …), locally administered. */
const MACS = { A: "02:00:00:00:00:0a", B: "02:00:00:00:00:0b", C: "02:00:00:00:00:0c", eth0: "02:00:00:00:01:01", eth1: "02:00:00:00:01:02" };

/** Seed 000's network; `step` empty: the whole trace. */
const DEFAULTS = {
  a_ip: "192.168.12.1",
  a_mask: "255.255.255.0",
  a_gw: "192.168.12.254",
  b_ip: "192.168.13.1",
  b_mask: "255.255.255.0",
  b_gw: "192.168.13.254",
  c_ip: "192.168.12.2",
  c_mask: "255.255.255.0",
  c_gw: "192.168.12.254",
  r0_ip: "192.168.12.254",
  r0_mask: "255.255.255.0",
  r1_ip: "192.168.13.254",
  r1_mask: "255.255.255.0",
  from: "A",
  to: "192.168.13.1",
  proto: "icmp",
  variant: "normal",
  step: "",
  speed: "1",
  lfield: "",
};

export default {
  id: "lan",
  whole: true,
  title: "tool.lan",
  defaults: DEFAULTS,
  mount,
};

/** The address inputs: URL key, what it is, the node it belongs to. */
const ADDRESS_FIELDS = /** @type {const} */ ([
  ["a_ip", "ip", "A"],
  ["a_mask", "mask", "A"],
  ["a_gw", "gateway", "A"],
  ["b_ip", "ip", "B"],
  ["b_mask", "mask", "B"],
  ["b_gw", "gateway", "B"],
  ["c_ip", "ip", "C"],
  ["c_mask", "mask", "C"],
  ["c_gw", "gateway", "C"],
  ["r0_ip", "eth0", "R"],
  ["r0_mask", "eth0", "R"],
  ["r1_ip", "eth1", "R"],
  ["r1_mask", "eth1", "R"],
]);

/**
 * @typedef {object} Layout
 * @property {[number, number]} size the viewBox's width and height
 * @property {Record<string, [number, number]>} pos each node's centre
 * @property {Record<string, [number, number, "start" | "middle" | "end"]>} label where a node's address lines go: offset from its centre, anchor
 */

/**
 * Where each node stands: left to right on a wide screen, top to bottom
 * on a phone (the same drawing, narrow, would shrink its text to nothing).
 * @type {{wide: Layout, narrow: Layout}}
 */
const LAYOUTS = {
  wide: {
    size: [660, 320],
    pos: { A: [70, 70], C: [70, 250], S1: [215, 160], R: [340, 160], S2: [465, 160], B: [590, 160] },
    label: { A: [0, 38, "middle"], C: [0, 38, "middle"], R: [0, 44, "middle"], B: [0, 38, "middle"] },
  },
  narrow: {
    size: [340, 480],
    pos: { A: [60, 80], C: [280, 80], S1: [170, 170], R: [170, 275], S2: [170, 365], B: [170, 445] },
    label: { A: [0, -44, "middle"], C: [0, -44, "middle"], R: [36, -4, "start"], B: [38, -4, "start"] },
  },
};
/** Phones get the narrow layout. */
const NARROW = "(max-width: 40rem)";
/** Each cable by its station end, with the switch and port at the other end. */
const CABLES = /** @type {const} */ ([
  ["A", "A", "S1", 1],
  ["C", "C", "S1", 2],
  ["R:eth0", "R", "S1", 3],
  ["B", "B", "S2", 1],
  ["R:eth1", "R", "S2", 2],
]);
/**
 * Why a send failed, by the step it stopped at: for edits that fail in a
 * way no variant names (a gateway off the network, a typo in an address).
 * @type {Record<string, string>}
 */
const WHY_BY_FAILURE = {
  "lan.broadcast_refused": "lan.why.broadcast",
  "lan.arp.failed": "lan.why.arp_failed",
  "lan.no_route.no_gateway": "lan.why.no_gateway",
  "lan.no_route.gateway_off_link": "lan.why.gateway_off_link",
  "lan.ttl_exceeded": "lan.why.ttl_1",
  "lan.route.none": "lan.why.no_route",
  "lan.unreachable": "lan.why.no_route",
  "lan.unplugged": "lan.why.unplugged",
};

/** The steps each failure variant stops at, so its own words apply. @type {Record<string, string[]>} */
const VARIANT_FAILS = {
  wrong_mask: ["lan.arp.failed"],
  no_gateway: ["lan.no_route.no_gateway"],
  ttl_1: ["lan.ttl_exceeded"],
  unknown_network: ["lan.route.none", "lan.unreachable"],
};

/** The keys of the events where a send fails: those with a reason. */
const FAILURES = Object.keys(WHY_BY_FAILURE);

const SVG = "http://www.w3.org/2000/svg";

/**
 * An SVG element.
 * @param {string} tag
 * @param {Record<string, string | number>} [attrs]
 * @param {...(Node | string)} children
 */
function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  el.append(...children);
  return el;
}

/**
 * The values an event's sentence needs: its own fields and its frame's.
 * @param {LanTrace} tr
 * @param {LanEvent} e
 */
function varsOf(tr, e) {
  /** @type {Record<string, string | number>} */
  const v = { node: e.node };
  for (const [k, x] of Object.entries(e)) if (typeof x === "string" || typeof x === "number") v[k] = x;
  const f = e.frame === null ? undefined : tr.frames[e.frame];
  if (f) {
    v.eth_src = f.eth.src;
    v.eth_dst = f.eth.dst;
    if (f.arp) {
      v.target = f.arp.target_ip;
      v.sender = f.arp.sender_ip;
    }
    if (f.ip) {
      v.ip_src = f.ip.src;
      v.ip_dst = f.ip.dst;
      v.ttl = f.ip.ttl;
    }
  }
  switch (e.kind) {
    case "decide":
      v.dst = e.same.b.address;
      v.hop = e.next_hop ?? "";
      break;
    case "switch":
      v.learned = e.learned?.mac ?? "";
      v.out = e.out_ports.join(", ");
      break;
    case "route":
      v.network = e.matched?.network ?? "";
      v.iface = e.matched?.interface ?? "";
      break;
    case "arp_timeout":
      v.tries = e.tries;
      break;
  }
  if (e.key === "lan.arp.failed" && !("tries" in v)) v.tries = tr.events.filter((x) => x.node === e.node && x.key === "lan.send.arp_request").length;
  return v;
}

/**
 * One line saying what an event is, in the page's language (the core's
 * explanation says it at length, in English).
 * @param {LanTrace} tr
 * @param {LanEvent} e
 */
function headline(tr, e) {
  // A switch that already knew the sender learns nothing, and a host with
  // no gateway has none to name: their own sentences.
  const suffix = e.kind === "switch" && e.learned === null && e.action !== "filter" ? "_known" : e.kind === "decide" && !e.same.same && !e.next_hop ? "_no_hop" : "";
  const key = `lan.ev.${e.key}${suffix}`;
  const text = t(key, varsOf(tr, e));
  return text === key || /\{\w+\}/.test(text) ? e.explanation : text;
}

/** The core's names of what a router changed (sim/lan/frames.rs), in Chinese. */
const CHANGES_ZH = /** @type {Record<string, string>} */ ({
  "source MAC": "源 MAC 地址",
  "destination MAC": "目的 MAC 地址",
  TTL: "TTL",
  "IPv4 header checksum": "IPv4 报头校验和",
});

/** The ICMP messages a frame's summary names (sim/lan/frames.rs icmp_text), in Chinese. */
const ICMP_ZH = /** @type {Record<string, string>} */ ({
  "ICMP echo request": "ICMP 回显请求",
  "ICMP echo reply": "ICMP 回显应答",
  "ICMP time exceeded": "ICMP 超时",
  "ICMP destination unreachable (network)": "ICMP 目的不可达（网络不可达）",
  "ICMP destination unreachable (host)": "ICMP 目的不可达（主机不可达）",
  "ICMP destination unreachable (port)": "ICMP 目的不可达（端口不可达）",
  "ICMP destination unreachable": "ICMP 目的不可达",
  "ICMP message": "ICMP 报文",
  "IPv4 packet": "IPv4 数据包",
});

/**
 * A frame's one-line summary (sim/lan/frames.rs summary) in the page's
 * language: the words in Chinese, the addresses, ports and Python bytes as
 * they are; a form not known stays English.
 * @param {string} text
 */
export function frameSummary(text) {
  if (getLang() !== "zh") return text;
  let m;
  if ((m = /^ARP request: who has (\S+)\? Tell (\S+)$/.exec(text))) return `ARP 请求：谁是 ${m[1]}？请告诉 ${m[2]}`;
  if ((m = /^ARP reply: (\S+) is at (\S+)$/.exec(text))) return `ARP 应答：${m[1]} 的 MAC 地址是 ${m[2]}`;
  if (text === "Ethernet frame") return "以太网帧";
  if ((m = /^(UDP \S+ → \S+ .*), TTL (\d+)$/.exec(text))) return `${m[1]}，TTL ${m[2]}`;
  if ((m = /^(.+) (\S+ → \S+), TTL (\d+)$/.exec(text)) && m[1] in ICMP_ZH) return `${ICMP_ZH[m[1]]} ${m[2]}，TTL ${m[3]}`;
  return text;
}

/**
 * What the sending program sees, in the page's language. What ping and
 * Python print (`64 bytes from …`, `From … Destination Host Unreachable`,
 * `recvfrom(1024) returns (…)`, `OSError: …`) stays as a terminal shows
 * it; the core's own sentences about it are worded in Chinese.
 * @param {string} text
 */
export function programOutput(text) {
  if (getLang() !== "zh") return text;
  let m;
  if (text === "no answer") return "没有回应";
  if ((m = /^sendto\(\) returned (\d+), but the datagram was dropped; recvfrom\(\) waits forever$/.exec(text)))
    return `sendto() 返回了 ${m[1]}，但数据报在路上被丢弃了；recvfrom() 会一直等下去`;
  if (text === "nothing: an unconnected UDP socket is not told of ICMP errors, so recvfrom() waits forever")
    return "什么也没有：未连接的 UDP 套接字收不到 ICMP 差错报文，所以 recvfrom() 会一直等下去";
  return text;
}

/**
 * @param {HTMLElement} panel
 * @param {import("../app.js").ToolContext} ctx
 */
function mount(panel, ctx) {
  /** @type {Record<string, import("../ui.js").Field>} */
  const fields = {};
  for (const [key, what, node] of ADDRESS_FIELDS) {
    const label = node === "R" ? t(key.endsWith("_ip") ? "lan.iface_ip" : "lan.iface_mask", { iface: what }) : t(`lan.${what}`);
    fields[key] = textField({ id: `lan-${key}`, label, size: "s", describedBy: ["lan-error"], errorId: `lan-${key}-error` });
  }
  const fieldsets = [...HOSTS.map((n) => /** @type {const} */ ([n, t("lan.host", { name: n })])), /** @type {const} */ (["R", t("lan.router")])].map(([node, legend]) =>
    h(
      "fieldset",
      { class: "lan-node" },
      h("legend", { text: legend }),
      ADDRESS_FIELDS.filter(([, , n]) => n === node).map(([key]) => fields[key].wrap),
    ),
  );
  const from = selectField({ id: "lan-from", label: t("lan.from"), options: HOSTS.map((n) => [n, n]) });
  const to = textField({ id: "lan-to", label: t("lan.to"), size: "s", describedBy: ["lan-error"] });
  const proto = selectField({ id: "lan-proto", label: t("lan.proto"), options: [["icmp", t("lan.proto_icmp")], ["udp", t("lan.proto_udp")]] });
  const variant = selectField({ id: "lan-variant", label: t("lan.variant"), options: VARIANTS.map((v) => [v, t(`lan.v.${v}`)]) });
  const error = h("p", { id: "lan-error", class: "error", hidden: true });
  const send = h("button", { type: "button", id: "lan-send", class: "primary" });
  const reset = h("button", { type: "button", id: "lan-reset", text: t("lan.reset") });
  const download = h("button", { type: "button", id: "lan-download", text: t("sim.download") });
  const summary = liveSummary("lan-summary");
  const topo = h("div", { id: "lan-topology", class: "topology" });
  const tables = h("div", { id: "lan-tables", class: "lan-tables" });
  const events = h("ol", { id: "lan-events", class: "sim-events" });
  const detail = h("div", { id: "lan-detail" });
  const outcome = h("div", { id: "lan-outcome", class: "note" });
  const frameBox = h("div", { id: "lan-frame-views" });
  const framePart = part("lan-frame-part", t("sim.frame_views"), frameBox);
  const frameView = frameOpener({ id: "lan-frame-view", changed: () => ctx.changed() });
  /** @type {LanTrace | null} */
  let trace = null;

  const play = player({
    id: "lan",
    count: () => trace?.events.length ?? 0,
    show: (step) => draw(step),
    changed: () => ctx.changed(),
  });

  panel.append(
    h("h2", { text: t("tool.lan") }),
    h("p", { class: "intro", text: t("lan.intro") }),
    h("div", { class: "row" }, from.wrap, to.wrap, proto.wrap, variant.wrap),
    error,
    h("div", { class: "row buttons" }, send, download, reset),
    play.el,
    summary,
    scrollBox(t("lan.topology"), topo),
    outcome,
    part("lan-tables-part", t("lan.tables"), tables),
    h("div", { class: "sim-columns" }, part("lan-events-part", t("sim.events"), events), part("lan-detail-part", t("lan.detail"), detail)),
    framePart,
    h("details", { class: "lan-edit" }, h("summary", { text: t("lan.addresses") }), h("div", { class: "lan-nodes" }, fieldsets)),
  );

  /** The spec for the inputs as they are: the seeds' topology with the user's addresses. */
  function spec() {
    const v = (/** @type {string} */ key) => fields[key].input.value.trim();
    /** @type {LanSpec} */
    const s = {
      hosts: HOSTS.map((n) => {
        const k = n.toLowerCase();
        return { name: n, ip: v(`${k}_ip`), mask: v(`${k}_mask`), gateway: v(`${k}_gw`) || null, mac: MACS[n] };
      }),
      switches: [{ name: "S1" }, { name: "S2" }],
      routers: [
        {
          name: "R",
          interfaces: [
            { name: "eth0", ip: v("r0_ip"), mask: v("r0_mask"), mac: MACS.eth0 },
            { name: "eth1", ip: v("r1_ip"), mask: v("r1_mask"), mac: MACS.eth1 },
          ],
        },
      ],
      links: CABLES.map(([end, , sw]) => ({ a: end, b: sw })),
      send: { from: from.select.value, to: to.input.value.trim(), proto: proto.select.value === "udp" ? "udp" : "icmp" },
      variant: /** @type {LanVariant} */ (variant.select.value),
    };
    return s;
  }

  function run() {
    play.stop();
    send.textContent = t("lan.send", { from: from.select.value, to: to.input.value.trim() });
    const inputs = [...Object.values(fields).map((f) => f.input), to.input];
    const res = attempt(() => lanSimulate(spec()));
    if (res.err !== undefined) {
      trace = null;
      // The core names the node at fault first ("A: mask …"): mark its inputs.
      const node = /^(A|B|C|R)\b/.exec(res.err)?.[1];
      const bad = ADDRESS_FIELDS.filter(([, , n]) => n === node).map(([key]) => fields[key].input);
      for (const input of inputs) input.removeAttribute("aria-invalid");
      showError(error, res.err, ...(bad.length ? bad : [to.input]));
      summary.textContent = t("summary.error", { message: res.err });
      for (const el of [topo, tables, events, detail, outcome]) el.replaceChildren();
      return;
    }
    for (const input of inputs) input.removeAttribute("aria-invalid");
    showError(error, null);
    trace = res.ok;
  }

  /** Shows the trace up to `step`. @param {number} step */
  function draw(step) {
    if (!trace) return;
    const tr = trace;
    const current = step > 0 ? tr.events[step - 1] : undefined;
    summary.textContent = current
      ? t("sim.summary_step", { step, n: tr.events.length, what: headline(tr, current) })
      : t("lan.summary_start", { from: from.select.value, to: to.input.value.trim(), n: tr.events.length });
    topo.replaceChildren(topology(tr, current));
    tables.replaceChildren(...tablesAt(tr, step));
    events.replaceChildren(
      ...tr.events.map((e, i) =>
        h(
          "li",
          {
            class: `${i < step ? "done" : "future"}${FAILURES.includes(e.key) ? " failure" : ""}`,
            "aria-current": i === step - 1 ? "step" : undefined,
            "data-key": e.key,
            "data-node": e.node,
          },
          h("button", {
            type: "button",
            class: "event",
            text: `${e.time_ms} ms · ${e.node} · ${headline(tr, e)}`,
            onclick: () => {
              play.stop();
              play.go(i + 1);
              ctx.changed();
            },
          }),
        ),
      ),
    );
    keepInView(events);
    detail.replaceChildren(...(current ? stepDetail(tr, current) : []).filter((x) => x !== null));
    const frame = current && current.frame !== null ? tr.frames[current.frame] : undefined;
    framePart.hidden = !frame;
    const views = frame ? frameView.open(frame.bytes) : null;
    // The same frame's views stay where they are (and keep the focus) while the trace plays.
    if (frameBox.firstElementChild !== views) frameBox.replaceChildren(...(views ? [views] : []));
    outcome.replaceChildren(...outcomeOf(tr).filter((x) => x !== null));
  }

  /**
   * The topology with the current event: its node lit, the cables its frame
   * takes lit in the frame's colour.
   * @param {LanTrace} tr
   * @param {LanEvent | undefined} e
   */
  function topology(tr, e) {
    const frame = e && e.frame !== null ? tr.frames[e.frame] : undefined;
    const kind = frame?.arp ? "arp" : "ip";
    /** @type {Set<string>} */
    const lit = new Set();
    if (e?.kind === "send") lit.add(e.node === "R" ? `R:${e.port}` : e.node);
    if (e?.kind === "switch") {
      for (const [end, , sw, port] of CABLES) if (sw === e.node && (port === e.in_port || e.out_ports.includes(port))) lit.add(end);
    }
    const failed = e !== undefined && FAILURES.includes(e.key);
    const layout = matchMedia(NARROW).matches ? LAYOUTS.narrow : LAYOUTS.wide;
    const POS = layout.pos;
    const root = svg("svg", { viewBox: `0 0 ${layout.size.join(" ")}`, class: "topology-svg", "data-layout": layout === LAYOUTS.narrow ? "narrow" : "wide", role: "img", "aria-labelledby": "lan-topo-title lan-topo-desc" });
    root.append(svg("title", { id: "lan-topo-title" }, t("lan.topology_title")), svg("desc", { id: "lan-topo-desc" }, e ? headline(tr, e) : ""));
    for (const [end, node, sw] of CABLES) {
      const [x1, y1] = POS[node];
      const [x2, y2] = POS[sw];
      const on = lit.has(end);
      root.append(svg("line", { x1, y1, x2, y2, class: `cable${on ? ` lit lit-${kind}` : ""}`, "data-cable": end }));
      if (on && e?.kind === "send") {
        // The frame, a third of the way from its sender.
        root.append(svg("circle", { cx: x1 + (x2 - x1) / 3, cy: y1 + (y2 - y1) / 3, r: 9, class: `packet packet-${kind}` }));
      }
      if (on && e?.kind === "switch") {
        root.append(svg("circle", { cx: x2 + (x1 - x2) / 3, cy: y2 + (y1 - y2) / 3, r: 9, class: `packet packet-${kind}` }));
      }
    }
    const spec = labels(tr);
    for (const [name, [x, y]] of Object.entries(POS)) {
      const isSwitch = name.startsWith("S");
      const active = e?.node === name;
      const g = svg("g", { class: `node${isSwitch ? " switch" : name === "R" ? " router" : " host"}${active ? " active" : ""}${active && failed ? " failed" : ""}`, "data-node": name });
      g.append(isSwitch ? svg("rect", { x: x - 34, y: y - 18, width: 68, height: 36, rx: 4 }) : name === "R" ? svg("circle", { cx: x, cy: y, r: 26 }) : svg("rect", { x: x - 30, y: y - 22, width: 60, height: 44, rx: 8 }));
      g.append(svg("text", { x, y: y + 5, "text-anchor": "middle", class: "node-name" }, name));
      const lines = spec[name];
      const place = layout.label[name];
      if (lines && place) {
        const [dx, dy, anchor] = place;
        lines.forEach((line, i) => g.append(svg("text", { x: x + dx, y: y + dy + 14 * i, "text-anchor": anchor, class: "node-addr" }, line)));
      }
      root.append(g);
    }
    return root;
  }

  /**
   * Each node's address lines: the hosts as the simulation ran them (a
   * variant's wrong mask or missing gateway shows), the router's interfaces.
   * @param {LanTrace} tr
   */
  function labels(tr) {
    /** @type {Record<string, string[]>} */
    const out = {};
    for (const n of tr.nodes) if (n.type === "host") out[n.name] = [`${n.ip}/${n.prefix}`, `gw ${n.gateway ?? "—"}`];
    out.R = [`eth0 ${fields.r0_ip.input.value.trim()}`, `eth1 ${fields.r1_ip.input.value.trim()}`];
    return out;
  }

  /**
   * The switches' MAC tables and the ARP caches after `step` events.
   * @param {LanTrace} tr
   * @param {number} step
   */
  function tablesAt(tr, step) {
    const shown = tr.events.slice(0, step);
    const current = shown.at(-1);
    /** @type {HTMLElement[]} */
    const out = [];
    for (const sw of ["S1", "S2"]) {
      const last = shown.filter((e) => e.node === sw && e.kind === "switch").at(-1);
      const table = last?.kind === "switch" ? last.table : [];
      const fresh = current?.kind === "switch" && current.node === sw ? current.learned?.mac : undefined;
      out.push(small(`lan-mac-${sw}`, t("lan.mac_table", { name: sw }), [t("lan.col_mac"), t("lan.col_port")], table.map((x) => [x.mac, String(x.port)]), fresh));
    }
    for (const node of [...HOSTS, "R"]) {
      const last = shown.filter((e) => e.node === node && e.kind === "arp_learn").at(-1);
      const cache = last?.kind === "arp_learn" ? last.cache : [];
      const fresh = current?.kind === "arp_learn" && current.node === node ? current.mac : undefined;
      out.push(small(`lan-arp-${node}`, t("lan.arp_cache", { name: node }), [t("lan.col_ip"), t("lan.col_mac")], cache.map((x) => [x.ip, x.mac]), fresh));
    }
    return out;
  }

  /**
   * A small captioned table; the row holding `fresh` is marked new.
   * @param {string} id
   * @param {string} caption
   * @param {string[]} head
   * @param {string[][]} rows
   * @param {string | undefined} fresh
   */
  function small(id, caption, head, rows, fresh) {
    return h(
      "table",
      { id, class: "lan-table" },
      h("caption", { text: caption }),
      h("thead", {}, h("tr", {}, head.map((text) => h("th", { scope: "col", text })))),
      h(
        "tbody",
        {},
        rows.length
          ? rows.map((r) => h("tr", { class: fresh !== undefined && r.includes(fresh) ? "new" : undefined }, r.map((text) => h("td", { text }))))
          : h("tr", {}, h("td", { colspan: head.length, class: "hint", text: t("lan.empty") })),
      ),
    );
  }

  /**
   * The current step: what happened (in the page's language and the core's
   * explanation), its frame, and what a router changed.
   * @param {LanTrace} tr
   * @param {LanEvent} e
   */
  function stepDetail(tr, e) {
    const frame = e.frame === null ? undefined : tr.frames[e.frame];
    const changes = e.kind === "forward" ? e.changes : e.kind === "send" && frame?.changes.length ? frame.changes : [];
    return [
      h("p", { class: "step-what", text: `${e.node}: ${headline(tr, e)}` }),
      coreNote(e.explanation, "hint"),
      changes.length
        ? h(
            "table",
            { id: "lan-changes", class: "lan-table" },
            h("caption", { text: t("lan.changes") }),
            h("thead", {}, h("tr", {}, [t("lan.col_field"), t("lan.col_before"), t("lan.col_after")].map((text) => h("th", { scope: "col", text })))),
            h("tbody", {}, changes.map((c) => h("tr", { "data-field": c.field }, h("th", { scope: "row", text: getLang() === "zh" ? (CHANGES_ZH[c.field] ?? c.field) : c.field }), h("td", { text: c.before }), h("td", { text: c.after })))),
          )
        : null,
      frame
        ? h(
            "div",
            { id: "lan-frame", "data-dst": frame.eth.dst, "data-src": frame.eth.src },
            h("h4", { text: t("lan.frame", { n: frame.number, summary: frameSummary(frame.summary) }) }),
            h("p", { class: "mono", id: "lan-frame-macs", text: t("lan.frame_macs", { src: frame.eth.src, dst: frame.eth.dst }) }),
          )
        : null,
    ];
  }

  /** How the send ended, and if it failed, where and why. @param {LanTrace} tr */
  function outcomeOf(tr) {
    const o = tr.outcome;
    outcome.dataset.ok = String(o.delivered);
    if (o.delivered) return [h("p", { text: t(o.answered ? "lan.ok" : "lan.delivered", { output: programOutput(o.output) }) })];
    const at = tr.events.find((e) => FAILURES.includes(e.key)) ?? tr.events.at(-1);
    const v = /** @type {LanVariant} */ (variant.select.value);
    return [
      at ? h("p", { class: "error", id: "lan-failure", "data-node": at.node, text: t("lan.failed_at", { node: at.node, step: at.step, what: headline(tr, at) }) }) : null,
      h("p", { class: "mono", text: t("lan.prints", { output: programOutput(o.output) }) }),
      h("p", { id: "lan-why", text: whyOf(tr, at, v) }),
    ];
  }

  /**
   * The reason under a failure: the variant's own words when it failed as
   * the variant means to, else the reason for the step it stopped at.
   * @param {LanTrace} tr
   * @param {LanEvent | undefined} at
   * @param {LanVariant} v
   */
  function whyOf(tr, at, v) {
    if (!at) return t("lan.why.other");
    // The packet reached a host that is not its destination: the sender's
    // gateway is a host, and a host does not forward (no failure step).
    if (at.key === "lan.ignore.ip") {
      const decide = tr.events.find((e) => e.kind === "decide");
      return t("lan.why.gateway_is_host", { ...(decide ? varsOf(tr, decide) : {}), ...varsOf(tr, at) });
    }
    if (VARIANT_FAILS[v]?.includes(at.key)) return t(`lan.why.${v}`);
    const key = WHY_BY_FAILURE[at.key];
    if (!key) return t("lan.why.other");
    const decide = tr.events.find((e) => e.kind === "decide" && e.node === at.node);
    const vars = { ...(decide ? varsOf(tr, decide) : {}), ...varsOf(tr, at) };
    // A gateway the host cannot reach is no next hop: name the one typed.
    if (!vars.hop) vars.hop = fields[`${at.node.toLowerCase()}_gw`]?.input.value.trim() ?? "";
    return t(key, vars);
  }

  // Turning a phone, or resizing a window past the breakpoint, redraws.
  matchMedia(NARROW).addEventListener("change", () => topo.isConnected && draw(play.step()));

  const changed = () => {
    run();
    play.go(trace?.events.length ?? 0);
    ctx.changed();
  };
  for (const f of [...Object.values(fields), to]) onEdit(f.input, changed);
  for (const s of [from, proto, variant]) onEdit(s.select, changed);
  send.addEventListener("click", () => {
    run();
    play.go(0);
    /** @type {HTMLButtonElement} */ (panel.querySelector("#lan-play")).click();
  });
  download.addEventListener("click", () => trace && downloadHex(trace.pcapng, `lan-${trace.variant}.pcapng`));

  /** @param {Record<string, string>} v */
  function load(v) {
    for (const [key] of ADDRESS_FIELDS) fields[key].input.value = v[key];
    from.select.value = HOSTS.includes(/** @type {"A"} */ (v.from)) ? v.from : "A";
    to.input.value = v.to;
    proto.select.value = v.proto === "udp" ? "udp" : "icmp";
    variant.select.value = VARIANTS.includes(/** @type {LanVariant} */ (v.variant)) ? v.variant : "normal";
    play.setSpeed(v.speed);
    frameView.reset(v.lfield);
    run();
    const n = trace?.events.length ?? 0;
    play.go(v.step === "" ? n : Number(v.step) || 0);
  }
  reset.addEventListener("click", () => {
    load({ ...DEFAULTS });
    ctx.changed();
  });
  return {
    load,
    dispose: () => play.stop(),
    values: () => {
      const n = trace?.events.length ?? 0;
      return {
        ...Object.fromEntries(ADDRESS_FIELDS.map(([key]) => [key, fields[key].input.value])),
        from: from.select.value,
        to: to.input.value,
        proto: proto.select.value,
        variant: variant.select.value,
        step: play.step() === n ? "" : String(play.step()),
        speed: play.speed(),
        lfield: frameView.field(),
      };
    },
  };
}
