// The dissector: paste a frame's hex (spaces, colons, 0x, \x, Wireshark's
// hex stream or hex dump) or open a pcap/pcapng file, and read it back into
// named layers in the four linked views (views/frame.js), with the
// findings (a bad checksum, a frame cut short) where they occur. The frame
// downloads as pcap or pcapng, which Wireshark opens. The core parses the
// hex or Python's bytes (`parseBytes`), reads the capture (`readCapture`), dissects (`dissect`)
// and writes the file (`toPcap`); this module only shows.
// @ts-check
import { parseBytes, dissect, readCapture, toPcap, encapsulate } from "../pkg/netlab_wasm.js";
import { t } from "../i18n.js";
import { layerName, layerSummary } from "../i18n-fields.js";
import { h, textField, showError, attempt, liveSummary, onEdit, part, scrollBox, messageOf, truncated, LIMITS } from "../ui.js";
import { frameViews, saveCapture, bytesText, findingText } from "../views/frame.js";
import { followSection } from "../views/follow.js";

/** @typedef {import("../pkg/netlab_wasm.js").Dissection} Dissection */
/** @typedef {import("../pkg/netlab_wasm.js").CaptureFile} CaptureFile */

/** A client's sk.send(b'hello') frame (what the encapsulation tool builds by default), as Wireshark's hex stream. */
const SEED_HEX = "02000000000202000000000108004500002d000140004006a077c0a80c01c0a80d01cf08232800000001000000015018faf0e47e000068656c6c6f";

export default {
  id: "dissect",
  whole: true,
  title: "tool.dissect",
  // dlink: the frame's link type when it is not Ethernet's 1 (a Linux
  // cooked capture from `tcpdump -i any`: 113 or 276).
  defaults: { hex: SEED_HEX, note: "", dfield: "", dlink: "" },
  mount,
};

/**
 * Whether the core dissects frames of link type `n` (Ethernet, and the
 * Linux cooked captures of `tcpdump -i any`): it refuses the others, as
 * `netlab dissect --pcap` does, so the list lives in one place.
 * @param {number} n
 */
const readable = (n) => attempt(() => dissect(new Uint8Array(), n)).err === undefined;

/** The seed's frame spec, from which the examples are made. */
const SEED = { proto: "tcp", src: "192.168.12.1", dst: "192.168.13.1", src_port: 53000, dst_port: 9000, payload: "hello" };

/**
 * Examples built by the WASM module at the moment they are picked: the
 * seed's frame, the same with a wrong TCP checksum, cut short, a UDP
 * datagram and a ping, each in another of the accepted hex forms.
 * @type {Array<[string, () => string]>}
 */
const EXAMPLES = [
  ["dissect.ex_seed", () => spaced(encapsulate(SEED).bytes, " ")],
  [
    "dissect.ex_bad_checksum",
    () => {
      const b = encapsulate(SEED).bytes.slice();
      b[51] ^= 0xff;
      return spaced(b, ":");
    },
  ],
  ["dissect.ex_truncated", () => spaced(encapsulate(SEED).bytes.slice(0, 40), " ", "0x")],
  ["dissect.ex_udp", () => stream(encapsulate({ ...SEED, proto: "udp" }).bytes)],
  ["dissect.ex_icmp", () => stream(encapsulate({ proto: "icmp", src: SEED.src, dst: SEED.dst, payload: "abcdefgh" }).bytes)],
];

/** @param {Uint8Array} b */
const stream = (b) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
/**
 * @param {Uint8Array} b
 * @param {string} sep
 * @param {string} [prefix]
 */
const spaced = (b, sep, prefix = "") => Array.from(b, (x) => prefix + x.toString(16).padStart(2, "0")).join(sep);

// The capture file opened and the frame picked in it, kept here while the
// page lives, not in a panel: a file cannot go in the URL, and a language
// change mounts the tool anew.
/** @type {CaptureFile | null} */
let capture = null;
let picked = -1;

/**
 * @param {HTMLElement} panel
 * @param {import("../app.js").ToolContext} ctx
 */
function mount(panel, ctx) {
  const hex = textField({ id: "dissect-hex", label: t("dissect.hex"), hint: t("dissect.hex_hint"), rows: 4, size: "xl" });
  hex.input.classList.add("dissect-hex");
  const file = h("input", { type: "file", id: "dissect-file", name: "dissect-file", accept: ".pcap,.pcapng,.cap,application/vnd.tcpdump.pcap", "aria-describedby": "dissect-file-hint dissect-file-error" });
  const fileError = h("p", { id: "dissect-file-error", class: "error", hidden: true });
  const fileWrap = h(
    "div",
    { class: "field" },
    h("label", { for: "dissect-file", text: t("dissect.file") }),
    file,
    h("p", { id: "dissect-file-hint", class: "hint", text: t("dissect.file_hint") }),
    fileError,
  );
  const examples = h(
    "p",
    { class: "examples" },
    h("span", { text: t("dissect.examples") }),
    " ",
    EXAMPLES.map(([key, make]) =>
      h("button", {
        type: "button",
        class: "chip",
        "data-example": key.replace("dissect.ex_", ""),
        text: t(key),
        onclick: () => {
          hex.input.value = make();
          sel = "";
          render();
          ctx.changed();
        },
      }),
    ),
  );
  const note = textField({ id: "dissect-note", label: t("dissect.note"), hint: t("dissect.note_hint"), size: "l" });
  const frames = h("div", { id: "dissect-frames" });
  const follow = h("div", { id: "dissect-follow-wrap" });
  const summary = liveSummary("dissect-summary");
  const views = h("div", { id: "dissect-views" });
  const downloads = h(
    "p",
    { class: "row buttons" },
    h("button", { type: "button", id: "dissect-pcap", text: t("dissect.download_pcap"), onclick: () => download("pcap") }),
    h("button", { type: "button", id: "dissect-pcapng", text: t("dissect.download_pcapng"), onclick: () => download("pcapng") }),
    h("button", { type: "button", id: "dissect-all", hidden: true, onclick: () => download("pcapng", true) }),
  );
  const all = /** @type {HTMLButtonElement} */ (downloads.querySelector("#dissect-all"));

  panel.append(
    h("h2", { text: t("tool.dissect") }),
    h("p", { class: "intro", text: t("dissect.intro") }),
    hex.wrap,
    examples,
    fileWrap,
    frames,
    follow,
    summary,
    note.wrap,
    downloads,
    part("dissect-frame", t("dissect.views_title"), views),
  );

  /** @type {Uint8Array | null} */
  let bytes = null;
  let sel = "";
  /** The link type of the frame in the box: 1 (Ethernet) unless a cooked capture was opened. */
  let link = 1;

  function render() {
    const parsed = attempt(() => parseBytes(hex.input.value));
    if (parsed.err !== undefined || (parsed.ok && parsed.ok.length === 0)) {
      const message = parsed.err ?? t("dissect.empty");
      bytes = null;
      showError(hex.error, message, hex.input);
      summary.textContent = t("summary.error", { message });
      views.replaceChildren();
      downloads.hidden = true;
      return;
    }
    showError(hex.error, null, hex.input);
    bytes = /** @type {Uint8Array} */ (parsed.ok);
    const d = /** @type {Dissection} */ (dissect(bytes, link));
    downloads.hidden = false;
    const path = d.layers.map((l) => l.name).join(" › ");
    summary.dataset.findings = String(d.findings.length);
    const size = bytesText(d.length);
    const count = d.findings.length;
    summary.textContent = count
      ? t("dissect.summary_findings", { size, layers: path, problems: t("dissect.problems", { n: count }), first: findingText(d.findings[0]) })
      : t("dissect.summary_ok", { size, layers: path });
    const view = frameViews({
      id: "dissect-view",
      layers: d.layers,
      bytes,
      findings: d.findings,
      onSelect: (key) => {
        sel = key ?? "";
        ctx.changed();
      },
    });
    views.replaceChildren(view.el);
    if (sel) view.select(sel);
    markPicked();
  }

  /**
   * Writes the frame (or every frame of the file opened) as a capture.
   * @param {"pcap" | "pcapng"} format
   * @param {boolean} [every]
   */
  function download(format, every = false) {
    const list =
      every && capture
        ? capture.frames.map((f) => ({ bytes: f.bytes, time_us: f.time_us, ...(f.comment ? { comment: f.comment } : {}) }))
        : bytes
          ? [{ bytes, comment: note.input.value.trim() || t("dissect.comment") }]
          : [];
    if (!list.length) return;
    const linkType = every && capture ? capture.link_type : link;
    saveCapture(toPcap(list, { format, link_type: linkType }), `netlab-${every ? "capture" : "frame"}.${format}`);
  }

  /** Shows the frames of the file opened; picking one puts its hex in the box. */
  function listFrames() {
    if (!capture || capture.frames.length === 0) {
      frames.replaceChildren();
      follow.replaceChildren();
      all.hidden = true;
      return;
    }
    const c = capture;
    // The capture's TCP streams, followed (none: nothing shown).
    follow.replaceChildren(followSection(c, pick) ?? "");
    all.hidden = c.frames.length < 2;
    all.textContent = t("dissect.download_all", { n: c.frames.length });
    const t0 = c.frames[0].time_us;
    frames.replaceChildren(
      h("h3", { id: "dissect-frames-title", text: t("dissect.frames_title", { n: c.frames.length, format: c.format }) }),
      scrollBox(
        t("dissect.frames_title", { n: c.frames.length, format: c.format }),
        h(
          "table",
          { class: "dissect-frames" },
          h("caption", { class: "visually-hidden", text: t("dissect.frames_title", { n: c.frames.length, format: c.format }) }),
          h(
            "thead",
            {},
            h("tr", {}, [t("dissect.col_no"), t("dissect.col_time"), t("dissect.col_len"), t("dissect.col_summary")].map((text) => h("th", { scope: "col", text }))),
          ),
          h(
            "tbody",
            {},
            c.frames.slice(0, LIMITS.rows).map((f, i) => {
              const d = /** @type {Dissection} */ (dissect(f.bytes, c.link_type));
              const top = d.layers.filter((l) => l.protocol !== "data").pop();
              return h(
                "tr",
                { "data-frame": i },
                h("td", {}, h("button", { type: "button", class: "pick", "aria-pressed": "false", text: String(i + 1), "aria-label": t("dissect.open_frame", { n: i + 1 }), onclick: () => pick(i) })),
                h("td", { text: ((f.time_us - t0) / 1e6).toFixed(6) }),
                h("td", { text: String(f.bytes.length) }),
                h("td", { class: "summary-cell", text: `${top ? `${layerName(top.name)}: ${layerSummary(top.summary)}` : ""}${d.findings.length ? ` ⚠ ${d.findings.length}` : ""}${f.comment ? ` — ${f.comment}` : ""}` }),
              );
            }),
          ),
        ),
      ),
      truncated("limit.frames", LIMITS.rows, c.frames.length, "dissect-frames-more") ?? "",
    );
  }

  function markPicked() {
    for (const b of frames.querySelectorAll("button.pick")) {
      const row = /** @type {HTMLElement} */ (b.closest("tr"));
      b.setAttribute("aria-pressed", String(Number(row.dataset.frame) === picked && bytes !== null && sameBytes(bytes, capture?.frames[picked]?.bytes)));
    }
  }

  /** @param {number} i */
  function pick(i) {
    const f = capture?.frames[i];
    if (!f) return;
    picked = i;
    hex.input.value = spaced(f.bytes, " ");
    note.input.value = f.comment ?? "";
    sel = "";
    render();
    ctx.changed();
  }

  file.addEventListener("change", async () => {
    const chosen = file.files?.[0];
    if (!chosen) return;
    try {
      const read = /** @type {CaptureFile} */ (readCapture(new Uint8Array(await chosen.arrayBuffer())));
      if (!readable(read.link_type)) throw new Error(t("dissect.not_ethernet", { n: read.link_type }));
      if (read.frames.length === 0) throw new Error(read.cut ?? t("dissect.no_frames"));
      // The whole packets are shown, and where the file broke is said (as tshark does).
      showError(fileError, read.cut === null ? null : `${chosen.name}: ${t("dissect.cut", { n: read.frames.length, why: read.cut })}`, file);
      capture = read;
      link = read.link_type;
      listFrames();
      pick(0);
    } catch (e) {
      showError(fileError, `${chosen.name}: ${messageOf(e)}`, file);
    }
  });
  onEdit(note.input, () => ctx.changed());
  // Hex of tens of kilobytes waits for typing to pause before it is read again.
  onEdit(
    hex.input,
    () => {
      sel = "";
      render();
      ctx.changed();
    },
    { large: () => hex.input.value.length > 4 * LIMITS.bytes },
  );

  return {
    /** @param {Record<string, string>} v */
    load(v) {
      hex.input.value = v.hex;
      note.input.value = v.note;
      sel = v.dfield;
      link = v.dlink && readable(Number(v.dlink)) ? Number(v.dlink) : 1;
      render();
      if (capture) {
        listFrames();
        markPicked();
      }
    },
    values: () => ({ hex: hex.input.value, note: note.input.value, dfield: sel, dlink: link === 1 ? "" : String(link) }),
  };
}

/**
 * @param {Uint8Array} a
 * @param {Uint8Array | undefined} b
 */
function sameBytes(a, b) {
  return b !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);
}
