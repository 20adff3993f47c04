// The building blocks every tool shares: elements, labelled inputs with their
// hint and error, the live summary, "the Python" with its copy button, and
// rows of bits. Presentation only; the tools compute with the WASM module.
// @ts-check
import { t } from "./i18n.js";
import { pageError } from "./i18n-errors.js";

/**
 * @typedef {string | Node | null | undefined | false} Child
 * @typedef {Record<string, string | number | boolean | null | undefined | EventListener>} Props
 */

/**
 * Creates an element. `text` sets the text, `class` the class name, `on…`
 * adds a listener; other props become attributes (`true` is a bare
 * attribute, `false`/`null`/`undefined` leave it out).
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Props} [props]
 * @param {...(Child | Child[])} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") el.textContent = String(value);
    else if (key === "class") el.className = String(value);
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) el.append(child);
  }
  return el;
}

/**
 * @typedef {object} Field
 * @property {HTMLElement} wrap the label, input, hint and error together
 * @property {HTMLInputElement | HTMLTextAreaElement} input
 * @property {HTMLElement} error
 */

/**
 * A labelled text input (or textarea) with an optional hint and an error
 * line, both linked to it by `aria-describedby`.
 * @param {{id: string, label: string, hint?: string | Node, rows?: number, size?: "s" | "m" | "l" | "xl",
 *          inputmode?: string, describedBy?: string[], errorId?: string}} o
 * @returns {Field}
 */
export function textField(o) {
  const hintId = o.hint ? `${o.id}-hint` : null;
  const errorId = o.errorId ?? `${o.id}-error`;
  const described = [hintId, errorId, ...(o.describedBy ?? [])].filter(Boolean).join(" ");
  const common = {
    id: o.id,
    name: o.id,
    spellcheck: "false",
    autocomplete: "off",
    autocapitalize: "off",
    "aria-describedby": described,
    inputmode: o.inputmode,
    class: `in-${o.size ?? "m"}`,
  };
  const input = o.rows
    ? h("textarea", { ...common, rows: o.rows })
    : h("input", { ...common, type: "text" });
  const error = h("p", { id: errorId, class: "error", hidden: true });
  const wrap = h(
    "div",
    { class: "field" },
    h("label", { for: o.id, text: o.label }),
    input,
    hintId ? h("p", { id: hintId, class: "hint" }, o.hint) : null,
    error,
  );
  return { wrap, input, error };
}

/**
 * A labelled `<select>`.
 * @param {{id: string, label: string, options: Array<[string, string]>}} o value and text of each option
 */
export function selectField(o) {
  const select = h("select", { id: o.id, name: o.id }, o.options.map(([value, text]) => h("option", { value, text })));
  const wrap = h("div", { class: "field" }, h("label", { for: o.id, text: o.label }), select);
  return { wrap, select };
}

/**
 * Shows or clears an input's error: the message in its error line, and
 * `aria-invalid` on each input given.
 * @param {HTMLElement} error
 * @param {string | null} message
 * @param {...Element} inputs
 */
export function showError(error, message, ...inputs) {
  error.hidden = message === null;
  error.textContent = message === null ? "" : pageError(message);
  for (const input of inputs) {
    if (message === null) input.removeAttribute("aria-invalid");
    else input.setAttribute("aria-invalid", "true");
  }
}

/** The message of what a WASM call threw. @param {unknown} e */
export const messageOf = (e) => (e instanceof Error ? e.message : String(e));

/**
 * Calls `f`; returns `{ok: value}` or `{err: message}`, so a tool can show
 * a failure in place and carry on with the rest. An error's `hint` (why an
 * inet call refused, which CPython's own message does not say) is kept.
 * @template T
 * @param {() => T} f
 * @returns {{ok: T, err?: undefined, hint?: undefined} | {ok?: undefined, err: string, hint: string | undefined}}
 */
export function attempt(f) {
  try {
    return { ok: f() };
  } catch (e) {
    const hint = e instanceof Error && "hint" in e && typeof e.hint === "string" ? e.hint : undefined;
    return { err: messageOf(e), hint };
  }
}

/**
 * The one-line summary of a tool's result, read out by screen readers when
 * it changes (the full tables are not live, or every keystroke would read
 * them all).
 * @param {string} id
 */
export function liveSummary(id) {
  return h("p", { id, class: "summary", role: "status", "aria-live": "polite" });
}

/**
 * Copies text to the clipboard; falls back to a selected textarea where
 * the Clipboard API is refused.
 * @param {string} text
 * @returns {Promise<boolean>}
 */
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = h("textarea", { class: "offscreen", "aria-hidden": "true", tabindex: "-1" });
    area.value = text;
    document.body.append(area);
    area.select();
    const ok = document.execCommand("copy");
    area.remove();
    return ok;
  }
}

/**
 * A copy button that says "Copied" for a moment (in its own live region).
 * @param {string} label the button's text
 * @param {() => string} text what to copy when pressed
 * @param {string} [id]
 */
export function copyButton(label, text, id) {
  const done = h("span", { class: "copied", role: "status", "aria-live": "polite" });
  const button = h("button", {
    type: "button",
    id,
    class: "copy",
    text: label,
    onclick: async () => {
      const ok = await copyText(text());
      done.textContent = ok ? t("copy.done") : t("copy.failed");
      setTimeout(() => (done.textContent = ""), 2000);
    },
  });
  return h("span", { class: "copy-wrap" }, button, done);
}

/**
 * "The Python": the lines that compute the same thing in CPython, with a
 * copy button. `set` replaces the lines.
 * @param {string} id the `<code>` element's id
 */
export function pythonBlock(id) {
  const code = h("code", { id, class: "language-python" });
  const titleId = `${id}-title`;
  const el = h(
    "section",
    { class: "python", "aria-labelledby": titleId },
    h(
      "div",
      { class: "python-head" },
      h("h3", { id: titleId, text: t("python.title") }),
      copyButton(t("python.copy"), () => code.textContent ?? "", `${id}-copy`),
    ),
    h("pre", { tabindex: "0", "aria-labelledby": titleId }, code),
  );
  return {
    el,
    /** @param {string[]} lines */
    set(lines) {
      code.textContent = lines.join("\n");
    },
  };
}

/**
 * A heading and the elements of a part of a tool, as a labelled section.
 * @param {string} id
 * @param {string} title
 * @param {...(Child | Child[])} children
 */
export function part(id, title, ...children) {
  return h("section", { id, class: "part", "aria-labelledby": `${id}-title` }, h("h3", { id: `${id}-title`, text: title }), ...children);
}

/**
 * A row of bits as spans: the first `prefix` bits are network bits, the
 * rest host bits; `diff` marks the bits that differ from another row.
 * Separators (`.` or `:`) are kept as in the text. Hidden from screen
 * readers, which get `label` instead.
 * @param {string} bits e.g. "11000000.10101000.00001100.00000001"
 * @param {number} prefix
 * @param {{diff?: string, label?: string}} [o]
 */
export function bitRow(bits, prefix, o = {}) {
  const row = h("span", { class: "bitrow", role: o.label ? "img" : undefined, "aria-label": o.label });
  let index = 0;
  for (let i = 0; i < bits.length; i++) {
    const c = bits[i];
    if (c !== "0" && c !== "1") {
      // A narrow screen may break the row after a separator, never inside an octet.
      row.append(h("span", { class: "sep", "aria-hidden": "true", text: c }), h("wbr"));
      continue;
    }
    const differs = o.diff !== undefined && o.diff[i] !== c;
    const cls = `${index < prefix ? "net" : "host"}${differs ? " diff" : ""}`;
    row.append(h("span", { class: cls, "aria-hidden": "true", text: c }));
    index++;
  }
  return row;
}

/**
 * A two-column table of label and value, each row tagged with its JSON
 * field name in `data-field` (the tests read results by it).
 * @param {string} id
 * @param {string} caption
 * @param {Array<[string, string, string | Node]>} rows field, label, value
 */
export function fieldTable(id, caption, rows) {
  return h(
    "table",
    { id, class: "report" },
    h("caption", { class: "visually-hidden", text: caption }),
    h(
      "tbody",
      {},
      rows.map(([field, label, value]) =>
        h("tr", { "data-field": field }, h("th", { scope: "row", text: label }), h("td", {}, value)),
      ),
    ),
  );
}

/**
 * A box that scrolls sideways when its content is too wide (tables on a
 * phone); focusable, so the keyboard can scroll it too.
 * @param {string} label what it holds, for screen readers
 * @param {Node} child
 */
export function scrollBox(label, child) {
  return h("div", { class: "scroll", tabindex: "0", role: "region", "aria-label": label }, child);
}

/**
 * Calls `f` when `input` changes, as the user types. With `large`, an edit
 * while `large()` is true waits until typing pauses (`DEBOUNCE_MS`), so a
 * pasted page of text is not worked through again on every keystroke.
 * @param {Element} input
 * @param {() => void} f
 * @param {{large?: () => boolean}} [o]
 */
export function onEdit(input, f, o = {}) {
  const type = input instanceof HTMLSelectElement ? "change" : "input";
  const large = o.large;
  if (!large) {
    input.addEventListener(type, f);
    return;
  }
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  input.addEventListener(type, () => {
    clearTimeout(timer);
    if (large()) timer = setTimeout(f, DEBOUNCE_MS);
    else f();
  });
}

/** How long a large input waits for typing to pause before it is worked through. */
export const DEBOUNCE_MS = 150;

/**
 * The most a view draws, whatever the input: the WASM module computes it
 * all, the page draws this much and says how much more there is, so no
 * input (a learner typing one zero too many) can freeze the tab.
 */
export const LIMITS = Object.freeze({
  /** Bytes in a hex view (4 KiB). */
  bytes: 4096,
  /** Bytes in a bit view (a full Ethernet frame). */
  bits: 1518,
  /** Items, rows or cards in a list or table. */
  rows: 256,
  /** Bytes written out in a line of text (a Python bytes literal, hex). */
  text: 256,
});

/**
 * The notice under a view drawn only in part: "the first 4096 of 100000
 * bytes…", or nothing when everything was drawn. Carries
 * `data-shown` and `data-total` for the tests.
 * @param {string} key `limit.bytes`, `limit.items`…
 * @param {number} shown
 * @param {number} total
 * @param {string} [id]
 */
export function truncated(key, shown, total, id) {
  if (total <= shown) return null;
  return h("p", { id, class: "hint truncated", "data-shown": shown, "data-total": total, text: t(key, { shown, total, more: total - shown }) });
}
