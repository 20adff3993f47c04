// What the TCP timeline and the LAN simulation share: the transport bar
// (play, pause, step and back over a trace's events, with a speed control;
// step k shows the first k events, 0 is before anything happened), the
// event list that keeps its current step in view, the core's explanation,
// the pcapng download, and the four linked views of the frame opened.
// @ts-check
import { t, getLang } from "../i18n.js";
import { h } from "../ui.js";
import { simExplanation } from "../i18n-sim.js";
import { dissect } from "../pkg/netlab_wasm.js";
import { frameViews } from "../views/frame.js";

/** @typedef {import("../pkg/netlab_wasm.js").PacketLayer} PacketLayer */
/** @typedef {import("../views/frame.js").FrameView} FrameView */

/**
 * The bytes of a hex string (the simulations' frames).
 * @param {string} hex
 */
export function hexBytes(hex) {
  const bytes = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

/** Milliseconds between two steps at 1×. */
const BASE_MS = 1000;
const SPEEDS = ["0.5", "1", "2", "4"];

/**
 * @typedef {object} Player
 * @property {HTMLElement} el the buttons and the speed select
 * @property {() => number} step the step shown
 * @property {(step: number) => void} go shows `step` (clamped), without playing
 * @property {() => void} stop pauses
 * @property {() => string} speed the speed as chosen ("1")
 * @property {(speed: string) => void} setSpeed
 */

/**
 * @param {{id: string, count: () => number, show: (step: number) => void, changed: () => void}} o
 *   `count` is the number of steps, `show` draws one, `changed` is called
 *   after each of the user's moves (not on every tick of playback).
 * @returns {Player}
 */
export function player(o) {
  let step = 0;
  /** @type {ReturnType<typeof setInterval> | undefined} */
  let timer;
  const button = (/** @type {string} */ name, /** @type {() => void} */ f) =>
    h("button", { type: "button", id: `${o.id}-${name}`, text: t(`player.${name}`), onclick: f });
  const go = (/** @type {number} */ next) => {
    step = Math.max(0, Math.min(o.count(), next));
    o.show(step);
    const had = document.activeElement;
    back.disabled = step === 0;
    start.disabled = step === 0;
    forward.disabled = step >= o.count();
    end.disabled = step >= o.count();
    // A button disabled under the keyboard (Start, End…) hands the focus to Play.
    if (had instanceof HTMLButtonElement && had.disabled && el.contains(had)) play.focus();
  };
  const stop = () => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
    play.textContent = t("player.play");
    play.setAttribute("aria-pressed", "false");
  };
  const user = (/** @type {number} */ next) => {
    stop();
    go(next);
    o.changed();
  };
  const start = button("start", () => user(0));
  const back = button("back", () => user(step - 1));
  const forward = button("step", () => user(step + 1));
  const end = button("end", () => user(o.count()));
  const play = button("play", () => {
    if (timer !== undefined) {
      stop();
      o.changed();
      return;
    }
    if (step >= o.count()) go(0);
    play.textContent = t("player.pause");
    play.setAttribute("aria-pressed", "true");
    const tick = () => {
      if (step >= o.count()) {
        stop();
        o.changed();
        return;
      }
      go(step + 1);
    };
    tick();
    timer = setInterval(tick, BASE_MS / Number(speed.value));
  });
  play.setAttribute("aria-pressed", "false");
  const speedId = `${o.id}-speed`;
  const speed = h(
    "select",
    { id: speedId, name: speedId },
    SPEEDS.map((s) => h("option", { value: s, text: `${s}×` })),
  );
  speed.value = "1";
  speed.addEventListener("change", () => {
    if (timer !== undefined) {
      clearInterval(timer);
      timer = setInterval(() => (step >= o.count() ? (stop(), o.changed()) : go(step + 1)), BASE_MS / Number(speed.value));
    }
    o.changed();
  });
  const el = h(
    "div",
    { class: "player", role: "group", "aria-label": t("player.label") },
    start,
    back,
    play,
    forward,
    end,
    h("label", { for: speedId, class: "player-speed", text: t("player.speed") }),
    speed,
  );
  return {
    el,
    step: () => step,
    go,
    stop,
    speed: () => speed.value,
    setSpeed: (s) => {
      speed.value = SPEEDS.includes(s) ? s : "1";
    },
  };
}

/**
 * Offers `hex` (a capture file) as a download called `name`.
 * @param {string} hex
 * @param {string} name
 */
export function downloadHex(hex, name) {
  const url = URL.createObjectURL(new Blob([hexBytes(hex)], { type: "application/octet-stream" }));
  const a = h("a", { href: url, download: name, class: "offscreen", tabindex: "-1" });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * Scrolls an event list (and only it, not the page) so that its current
 * item, the one with `aria-current`, is in view.
 * @param {HTMLElement} list
 */
export function keepInView(list) {
  const current = list.querySelector("[aria-current]");
  if (!(current instanceof HTMLElement)) return;
  const top = current.offsetTop - list.offsetTop;
  if (top < list.scrollTop || top + current.offsetHeight > list.scrollTop + list.clientHeight) {
    list.scrollTop = Math.max(0, top - list.clientHeight / 2);
  }
}

/**
 * The simulator's own explanation of an event, which the core writes in
 * English: in Chinese, its translation (web/i18n-sim.js) as a paragraph of
 * its own; a sentence no rule knows stays English, whole, folded under a
 * translated heading (the one-line summary above it is translated).
 * @param {string} text
 * @param {string} cls
 */
export function coreNote(text, cls) {
  if (getLang() === "en") return h("p", { class: cls, lang: "en", text });
  const zh = simExplanation(text);
  if (zh !== null) return h("p", { class: cls, lang: "zh-CN", text: zh });
  return h("details", { class: "core-note" }, h("summary", { text: t("sim.core_note") }), h("p", { class: cls, lang: "en", text }));
}

/**
 * @typedef {object} FrameOpener
 * @property {(hex: string) => HTMLElement} open the four views of this frame
 * @property {() => string} field the selected field's key ("" for none)
 * @property {(key: string) => void} reset forgets the frame; `key` is the
 *   field to select in the next one opened (from the URL)
 */

/**
 * The four linked views (views/frame.js) of the frame a simulation has
 * open, as the WASM dissector reads its bytes. The views are kept while the
 * same frame stays open, so stepping and playing leave them as they are;
 * opening another frame selects the field of the same Wireshark name in it
 * (the TCP flags stay lit from segment to segment), none if it has no such
 * field.
 * @param {{id: string, changed: () => void}} o `id` prefixes the views'
 *   ids; `changed` is called when the user selects a field
 * @returns {FrameOpener}
 */
export function frameOpener(o) {
  /** @type {{hex: string, layers: PacketLayer[], view: FrameView} | null} */
  let opened = null;
  let field = "";
  /** The Wireshark name of field `key` in `layers`. @param {PacketLayer[]} layers @param {string} key */
  const wiresharkOf = (layers, key) => {
    const [l, f] = key.split(".").map(Number);
    return layers[l]?.fields[f]?.wireshark ?? null;
  };
  return {
    open(hex) {
      if (opened?.hex !== hex) {
        const bytes = hexBytes(hex);
        const d = dissect(bytes);
        const view = frameViews({
          id: o.id,
          layers: d.layers,
          bytes,
          findings: d.findings,
          onSelect: (key) => {
            field = key ?? "";
            o.changed();
          },
        });
        const name = opened && field ? wiresharkOf(opened.layers, field) : null;
        const key = opened ? (name ? view.keyOf(name) : null) : field || null;
        view.select(key);
        field = view.selected() ?? "";
        opened = { hex, layers: d.layers, view };
      }
      return opened.view.el;
    },
    field: () => field,
    reset(key) {
      opened = null;
      field = key;
    },
  };
}
