// Follow a TCP stream of the capture the Dissector opened: each side's
// bytes put back in order, as Wireshark's "Follow TCP Stream" shows them,
// and with the framing the program uses (a struct length prefix or a
// delimiter) the messages in them and the frames that carried them: seed
// 000's sticky packets (粘包) in a real capture. The core follows
// (`tcpStreams`, `followTcp`, the same as `netlab follow`); this module
// only shows.
// @ts-check
import { tcpStreams, udpStreams, followTcp, followUdp, parseHex } from "../pkg/netlab_wasm.js";
import { t } from "../i18n.js";
import { h, textField, selectField, showError, attempt, scrollBox, truncated, LIMITS } from "../ui.js";
import { pyBytes } from "../python.js";
import { pageError } from "../i18n-errors.js";

/** @typedef {import("../pkg/netlab_wasm.js").CaptureFile} CaptureFile */
/** @typedef {import("../pkg/netlab_wasm.js").CaptureStream} CaptureStream */
/** @typedef {import("../pkg/netlab_wasm.js").FollowReport} FollowReport */

/**
 * The follow section for `capture`, or null when it holds no TCP or UDP stream.
 * `pick(i)` opens frame i (from 0) in the dissector.
 * @param {CaptureFile} capture
 * @param {(i: number) => void} pick
 * @returns {HTMLElement | null}
 */
export function followSection(capture, pick) {
  const frames = capture.frames.map((f) => f.bytes);
  const streams = [
    .../** @type {CaptureStream[]} */ (tcpStreams(frames, capture.link_type)),
    .../** @type {CaptureStream[]} */ (udpStreams(frames, capture.link_type)),
  ];
  if (streams.length === 0) return null;

  const stream = selectField({
    id: "follow-stream",
    label: t("follow.stream"),
    options: streams
      .slice(0, LIMITS.rows)
      .map((s) => [`${s.protocol}:${s.index}`, t("follow.stream_option", { protocol: s.protocol.toUpperCase(), n: s.index, client: s.client, server: s.server, frames: s.frames.length })]),
  });
  const framing = selectField({
    id: "follow-framing",
    label: t("follow.framing"),
    options: [
      ["", t("follow.framing_none")],
      ["length_prefix", t("follow.framing_length")],
      ["delimiter", t("follow.framing_delimiter")],
    ],
  });
  const format = textField({ id: "follow-format", label: t("follow.format"), hint: t("follow.format_hint"), size: "s" });
  format.input.value = "i";
  const delimiter = textField({ id: "follow-delimiter", label: t("follow.delimiter"), hint: t("follow.delimiter_hint"), size: "s" });
  delimiter.input.value = "\\n";
  const out = h("div", { id: "follow-out", "aria-live": "polite" });

  const section = h(
    "section",
    { id: "dissect-follow", "aria-labelledby": "follow-title" },
    h("h3", { id: "follow-title", text: t("follow.title") }),
    h("p", { class: "intro", text: t("follow.intro") }),
    h("div", { class: "row" }, stream.wrap, framing.wrap, format.wrap, delimiter.wrap),
    out,
  );

  function render() {
    const [protocol, index] = stream.select.value.split(":");
    const udp = protocol === "udp";
    // UDP keeps its boundaries: no framing to choose.
    framing.wrap.hidden = udp;
    const how = udp ? "" : framing.select.value;
    format.wrap.hidden = how !== "length_prefix";
    delimiter.wrap.hidden = how !== "delimiter";
    /** @type {{link_type: number, length_prefix?: string, delimiter?: string}} */
    const options = { link_type: capture.link_type };
    if (how === "length_prefix") options.length_prefix = format.input.value;
    if (how === "delimiter") options.delimiter = delimiter.input.value;
    const input = how === "length_prefix" ? format : how === "delimiter" ? delimiter : null;
    const got = attempt(() => /** @type {FollowReport} */ ((udp ? followUdp : followTcp)(frames, Number(index), options)));
    for (const field of [format, delimiter]) showError(field.error, field === input ? (got.err ?? null) : null, field.input);
    if (!got.ok) {
      out.replaceChildren();
      return;
    }
    out.replaceChildren(...report(got.ok, pick));
  }

  stream.select.addEventListener("change", render);
  framing.select.addEventListener("change", render);
  format.input.addEventListener("input", render);
  delimiter.input.addEventListener("input", render);
  render();
  return section;
}

/** @param {string} hex */
const bytesOf = (hex) => (hex ? /** @type {Uint8Array} */ (parseHex(hex)) : new Uint8Array());

/** A Python bytes literal, cut at the page's limit. @param {Uint8Array} b */
const shown = (b) => (b.length > LIMITS.text ? `${pyBytes(b.subarray(0, LIMITS.text))}…` : pyBytes(b));

/**
 * @param {FollowReport} r
 * @param {(i: number) => void} pick
 * @returns {Array<HTMLElement | string>}
 */
function report(r, pick) {
  const side = (/** @type {string} */ s) => t(s === "client" ? "follow.client" : "follow.server");
  const frameButton = (/** @type {number} */ n) =>
    h("button", { type: "button", class: "pick", text: String(n), "aria-label": t("dissect.open_frame", { n }), onclick: () => pick(n - 1) });
  const rows = r.chunks.slice(0, LIMITS.rows).map((c) => {
    /** @type {string[]} */
    const notes = [];
    if (c.waited) notes.push(t("follow.waited"));
    if (c.repeated > 0) notes.push(t("follow.repeated", { n: c.repeated }));
    const what =
      c.kind === "data" ? shown(bytesOf(c.hex)) : c.kind === "missing" ? t("follow.missing", { n: c.len, frame: c.frame }) : t("follow.cut", { n: c.len });
    return h(
      "tr",
      { class: `follow-${c.side}`, "data-kind": c.kind },
      h("td", {}, frameButton(c.frame)),
      h("td", { text: side(c.side) }),
      h("td", { text: String(c.len) }),
      h("td", { class: "bytes", text: what }),
      h("td", { text: notes.join("; ") }),
    );
  });
  const client = bytesOf(r.client_hex);
  const server = bytesOf(r.server_hex);
  /** @type {Array<HTMLElement | string>} */
  const parts = [
    r.chunks.length === 0
      ? h("p", { text: t("follow.no_bytes") })
      : scrollBox(
          t("follow.chunks"),
          h(
            "table",
            { id: "follow-chunks", class: "follow-chunks" },
            h("caption", { text: t("follow.chunks") }),
            h("thead", {}, h("tr", {}, [t("dissect.col_no"), t("follow.side"), t("dissect.col_len"), t("follow.bytes"), t("follow.note")].map((text) => h("th", { scope: "col", text })))),
            h("tbody", {}, rows),
          ),
        ),
    truncated("limit.rows", LIMITS.rows, r.chunks.length, "follow-chunks-more") ?? "",
    h(
      "p",
      { id: "follow-totals" },
      t("follow.sent", { side: t("follow.client"), n: client.length, bytes: shown(client) }),
      h("br"),
      t("follow.sent", { side: t("follow.server"), n: server.length, bytes: shown(server) }),
    ),
  ];
  if (r.messages.length === 0) {
    parts.push(h("p", { class: "hint", text: t("follow.no_boundaries") }));
    return parts;
  }
  if (r.stream.protocol === "udp") parts.push(h("p", { class: "hint", text: t("follow.udp_boundaries") }));
  const list = r.messages.flatMap((m) =>
    m.messages.map((msg) =>
      h(
        "tr",
        { class: `follow-${m.side}`, "data-shared": String(msg.shares_segment) },
        h("td", { text: side(m.side) }),
        h("td", { text: String(msg.number) }),
        h("td", { class: "bytes", text: shown(bytesOf(msg.body_hex)) }),
        h("td", { class: "frames" }, ...msg.frames.flatMap((f, i) => (i ? [", ", frameButton(f)] : [frameButton(f)]))),
        h("td", { text: msg.shares_segment ? t("follow.shared") : "" }),
      ),
    ),
  );
  parts.push(
    scrollBox(
      t("follow.messages"),
      h(
        "table",
        { id: "follow-messages", class: "follow-chunks" },
        h("caption", { text: t("follow.messages") }),
        h("thead", {}, h("tr", {}, [t("follow.side"), t("dissect.col_no"), t("follow.message"), t("follow.frames"), t("follow.note")].map((text) => h("th", { scope: "col", text })))),
        h("tbody", {}, list.slice(0, LIMITS.rows)),
      ),
    ),
  );
  for (const m of r.messages) {
    // Which of seed 003 §8.2.3's two causes of 粘包 the wire shows (TCP).
    if (r.stream.protocol === "tcp" && m.sharing > 0) parts.push(h("p", { class: "hint", "data-case": "sender", text: t("follow.case_sender", { side: side(m.side), n: m.sharing }) }));
    else if (r.stream.protocol === "tcp" && m.messages.length > 1) parts.push(h("p", { class: "hint", "data-case": "receiver", text: t("follow.case_receiver", { side: side(m.side) }) }));
    const left = [];
    if (m.leftover > 0) left.push(t("follow.leftover", { side: side(m.side), n: m.leftover }));
    if (m.stopped) left.push(t("follow.stopped", { side: side(m.side), why: pageError(m.stopped) }));
    if (left.length) parts.push(h("p", { class: "hint", text: left.join(" ") }));
  }
  return parts;
}
