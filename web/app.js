// The playground's entry point: load the WASM module once, then show one tool
// at a time as tabs (in labelled groups), keep the open tool and its inputs in the URL fragment,
// and switch language and theme.
// @ts-check
import initCalc, { version } from "./pkg/calc/netlab_wasm.js";
import initWhole from "./pkg/netlab_wasm.js";
import { t, detectLang, setLang, getLang, onLangChange } from "./i18n.js";
import { storedTheme, setTheme, applyTheme, THEMES } from "./theme.js";
import { connectRelay } from "./relay-status.js";
import * as url from "./state.js";
import { h, copyButton } from "./ui.js";
import subnet from "./tools/subnet.js";
import same from "./tools/same.js";
import forms from "./tools/forms.js";
import classify from "./tools/classify.js";
import ports from "./tools/ports.js";
import struct from "./tools/struct.js";
import hmac from "./tools/hmac.js";
import sticky from "./tools/sticky.js";
import encap from "./tools/encap.js";
import dissect from "./tools/dissect.js";
import tcp from "./tools/tcp.js";
import lan from "./tools/lan.js";
import labs from "./tools/labs.js";

/**
 * What every module in tools/ exports by default.
 * @typedef {object} Tool
 * @property {string} id the `tool=` value and the panel's id suffix
 * @property {string} title the i18n key of its name
 * @property {Record<string, string>} defaults each input's URL parameter and default value
 * @property {(panel: HTMLElement, ctx: ToolContext) => ToolInstance} mount builds the tool in its panel
 * @property {boolean} [whole] it calls the whole WASM module (web/pkg: packets,
 *   simulations, sockets), not the calculators' (web/pkg/calc) the page starts on
 *
 * @typedef {object} ToolContext
 * @property {() => void} changed the user edited an input (the URL follows)
 *
 * @typedef {object} ToolInstance
 * @property {(values: Record<string, string>) => void} load puts values in the inputs and renders
 * @property {() => Record<string, string>} values the inputs as they are
 * @property {() => void} [dispose] stops what runs on its own (a playback
 *   timer) before the panel is rebuilt in another language
 */

/**
 * The tools, in the navigation's order (the sticky-packet tool beside
 * struct, whose length header it uses; the packet tools after the socket's
 * bytes).
 * @type {Tool[]}
 */
const TOOLS = [subnet, same, forms, classify, ports, struct, sticky, encap, dissect, tcp, lan, hmac, labs];
const byId = new Map(TOOLS.map((tool) => [tool.id, tool]));

/**
 * The navigation's groups: each tool's group by its id, the groups in the
 * order they first appear here, the tools within a group in this order.
 * A group's label is the i18n key `nav.group.<group>`. A tool not listed
 * goes at the end of the last group; a group with no tool is not shown.
 * @type {Record<string, string>}
 */
const NAV_GROUP = {
  subnet: "calc",
  same: "calc",
  forms: "calc",
  classify: "calc",
  ports: "calc",
  struct: "calc",
  hmac: "calc",
  sticky: "packets",
  encap: "packets",
  dissect: "packets",
  tcp: "packets",
  lan: "packets",
  labs: "live",
};

/**
 * The groups as shown, each with its tools; `NAV` is the tabs' order, which
 * the arrow keys follow from one group into the next.
 */
const GROUPS = (() => {
  const names = [...new Set(Object.values(NAV_GROUP))];
  const last = names[names.length - 1];
  const listed = Object.keys(NAV_GROUP);
  const ordered = [...listed.flatMap((id) => byId.get(id) ?? []), ...TOOLS.filter((tool) => !listed.includes(tool.id))];
  return names
    .map((name) => ({ name, tools: ordered.filter((tool) => (NAV_GROUP[tool.id] ?? last) === name) }))
    .filter((group) => group.tools.length > 0);
})();
const NAV = GROUPS.flatMap((group) => group.tools);

/** @type {Map<string, ToolInstance>} */
const instances = new Map();
/**
 * The inputs of tools waiting for the whole module, so the URL keeps them.
 * @type {Map<string, Record<string, string>>}
 */
const waiting = new Map();

/**
 * The whole module's `init`, started once: after the first result (while
 * the user reads it) or as soon as a tool needs it. The calculators come
 * from their own module, half the size, so the first result does not wait
 * for packets, simulations and the relay client.
 * @type {Promise<void> | null}
 */
let whole = null;
let wholeReady = false;
function loadWhole() {
  whole ??= initWhole().then(() => {
    wholeReady = true;
  });
  return whole;
}
/** @type {Map<string, HTMLElement>} */
const panels = new Map();
let active = TOOLS[0].id;

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** The tool a fragment names, or the first whose input it carries (older links). */
function toolIn(/** @type {URLSearchParams} */ params) {
  const named = params.get("tool");
  if (named && byId.has(named)) return named;
  const owner = TOOLS.find((tool) => Object.keys(tool.defaults).some((key) => params.has(key)));
  return (owner ?? TOOLS[0]).id;
}

/** A tool's inputs from the fragment, defaults where it says nothing. */
function valuesIn(/** @type {Tool} */ tool, /** @type {URLSearchParams} */ params) {
  return Object.fromEntries(Object.entries(tool.defaults).map(([key, value]) => [key, params.get(key) ?? value]));
}

/**
 * The fragment for the page as it is: what it carried that no tool owns
 * (the token first of all), the open tool, and its inputs that differ from
 * their defaults.
 * @param {{inputs?: boolean}} [o] `inputs: false` leaves the inputs out
 */
function fragmentNow(o = {}) {
  const params = url.current();
  for (const tool of TOOLS) for (const key of Object.keys(tool.defaults)) params.delete(key);
  params.delete("tool");
  params.set("tool", active);
  const tool = /** @type {Tool} */ (byId.get(active));
  const values = instances.get(active)?.values() ?? waiting.get(active) ?? {};
  if (o.inputs !== false) {
    for (const [key, value] of Object.entries(values)) if (value !== tool.defaults[key]) params.set(key, value);
  }
  return params;
}

/**
 * A tool's instance, built in its panel the first time it is needed; with
 * `values`, loaded with them (else a new one starts from its defaults).
 * None yet for a tool that waits for the whole module (it is built when
 * the module has loaded).
 * @param {string} id
 * @param {Record<string, string>} [values]
 * @returns {ToolInstance | undefined}
 */
function instance(id, values) {
  const tool = /** @type {Tool} */ (byId.get(id));
  let inst = instances.get(id);
  if (!inst && tool.whole && !wholeReady) {
    mountWhenWhole(id, values ?? waiting.get(id) ?? tool.defaults);
    return undefined;
  }
  if (!inst) {
    inst = tool.mount(/** @type {HTMLElement} */ (panels.get(id)), { changed: () => url.typed(fragmentNow()) });
    instances.set(id, inst);
    values ??= tool.defaults;
  }
  if (values) inst.load(values);
  return inst;
}

/**
 * Builds a tool that needs the whole module once it has loaded, with the
 * latest `values` asked for meanwhile; its panel says it is loading.
 * @param {string} id
 * @param {Record<string, string>} values
 */
function mountWhenWhole(id, values) {
  const first = !waiting.has(id);
  waiting.set(id, values);
  if (!first) return;
  const panel = /** @type {HTMLElement} */ (panels.get(id));
  panel.replaceChildren(h("p", { class: "hint", "data-loading": "whole", text: t("page.loading_whole") }));
  loadWhole().then(
    () => {
      const latest = waiting.get(id);
      waiting.delete(id);
      panel.replaceChildren();
      instance(id, latest);
      ready();
    },
    (e) => {
      panel.replaceChildren(h("p", { class: "error", text: `${t("page.wasm_failed")} ${e}` }));
    },
  );
}

/** The page is usable: the open tool shows its result (once). */
function ready() {
  if (document.documentElement.dataset.ready) return;
  performance.mark("netlab:first-result");
  document.documentElement.dataset.ready = "true";
}

/**
 * Shows a tool's panel and marks its tab.
 * @param {string} id
 * @param {Record<string, string>} [values] inputs to load into it
 */
function show(id, values) {
  active = id;
  for (const tool of TOOLS) {
    const selected = tool.id === id;
    const tab = $(`tab-${tool.id}`);
    tab.setAttribute("aria-selected", String(selected));
    tab.tabIndex = selected ? 0 : -1;
    /** @type {HTMLElement} */ (panels.get(tool.id)).hidden = !selected;
  }
  return instance(id, values);
}

/** Applies the fragment: the tool it names and that tool's inputs. */
function applyFragment() {
  const params = url.current();
  const id = toolIn(params);
  show(id, valuesIn(/** @type {Tool} */ (byId.get(id)), params));
}

/**
 * The tabs, in their groups: one tab list (a tab list may hold only tabs,
 * so each group is a presentational box, its visible label hidden from the
 * accessibility tree and given to each of its tabs as their description).
 * Arrow keys, Home and End move through all the tabs, from one group into
 * the next (focus follows).
 */
function buildNav() {
  const list = h("div", { role: "tablist", "aria-label": t("nav.label"), id: "tablist" });
  for (const group of GROUPS) {
    const labelId = `nav-group-${group.name}`;
    list.append(
      h(
        "div",
        { role: "none", class: "tab-group", "data-group": group.name },
        h("span", { class: "tab-group-label", id: labelId, "aria-hidden": "true", text: t(`nav.group.${group.name}`) }),
        group.tools.map((tool) =>
          h("button", {
            type: "button",
            role: "tab",
            id: `tab-${tool.id}`,
            "aria-controls": `panel-${tool.id}`,
            "aria-describedby": labelId,
            "aria-selected": String(tool.id === active),
            tabindex: tool.id === active ? "0" : "-1",
            text: t(tool.title),
            onclick: () => {
              show(tool.id);
              url.navigated(fragmentNow());
            },
          }),
        ),
      ),
    );
  }
  list.addEventListener("keydown", (event) => {
    const e = /** @type {KeyboardEvent} */ (event);
    const index = NAV.findIndex((tool) => tool.id === active);
    const moves = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: NAV.length - 1 };
    if (!(e.key in moves)) return;
    e.preventDefault();
    const next = NAV[(moves[/** @type {keyof typeof moves} */ (e.key)] + NAV.length) % NAV.length];
    show(next.id);
    url.navigated(fragmentNow());
    $(`tab-${next.id}`).focus();
  });
  $("tools-nav").setAttribute("aria-label", t("nav.label"));
  $("tools-nav").replaceChildren(list);
}

/** The copy-link buttons above the tools. */
function buildShare() {
  return h(
    "div",
    { class: "share", id: "share" },
    copyButton(t("share.link"), () => url.linkTo(fragmentNow()), "share-link"),
    copyButton(t("share.blank"), () => url.linkTo(fragmentNow({ inputs: false })), "share-blank"),
    h("span", { class: "hint", text: t("share.hint") }),
  );
}

/** The texts of the page around the tools. */
function labelPage() {
  document.documentElement.lang = getLang() === "zh" ? "zh-CN" : "en";
  document.title = t("page.title");
  $("title-sub").textContent = t("page.sub");
  $("skip").textContent = t("page.skip");
  $("lang-label").textContent = t("pref.lang");
  $("theme-label").textContent = t("pref.theme");
  const theme = /** @type {HTMLSelectElement} */ ($("theme"));
  for (const option of theme.options) option.textContent = t(`theme.${option.value}`);
  $("footer-text").textContent = t("page.footer");
}

/** Rebuilds everything in the new language; the inputs stay as they were. */
function relabel() {
  labelPage();
  buildNav();
  $("share").replaceWith(buildShare());
  for (const id of waiting.keys()) {
    const note = panels.get(id)?.querySelector("[data-loading]");
    if (note) note.textContent = t("page.loading_whole");
  }
  for (const [id, inst] of [...instances]) {
    const values = inst.values();
    inst.dispose?.();
    /** @type {HTMLElement} */ (panels.get(id)).replaceChildren();
    instances.delete(id);
    instance(id, values);
  }
}

function setupPrefs() {
  const lang = /** @type {HTMLSelectElement} */ ($("lang"));
  lang.value = getLang();
  lang.addEventListener("change", () => setLang(lang.value === "zh" ? "zh" : "en"));
  onLangChange(relabel);
  const theme = /** @type {HTMLSelectElement} */ ($("theme"));
  theme.value = storedTheme();
  applyTheme(storedTheme());
  theme.addEventListener("change", () => setTheme(THEMES.find((x) => x === theme.value) ?? "system"));
  $("skip").addEventListener("click", () => {
    const heading = document.querySelector(`#panel-${active} h2`);
    if (heading instanceof HTMLElement) {
      heading.tabIndex = -1;
      heading.focus();
    }
  });
}

async function main() {
  setLang(detectLang(), { remember: false });
  setupPrefs();
  labelPage();
  connectRelay(url.current().get("token"), $("relay-status"));
  await initCalc();
  $("wasm-version").textContent = `netlab ${version()}`;

  const main = $("tools");
  main.replaceChildren(buildShare());
  for (const tool of TOOLS) {
    const panel = h("section", { id: `panel-${tool.id}`, role: "tabpanel", "aria-labelledby": `tab-${tool.id}`, hidden: true });
    panels.set(tool.id, panel);
    main.append(panel);
  }
  active = toolIn(url.current());
  buildNav();
  applyFragment();
  if (instances.has(active)) ready();
  url.replaced(fragmentNow());
  // The rest of the module, while the user reads the first result.
  setTimeout(() => loadWhole().catch(() => {}), 0);

  const back = () => {
    url.cancelPending();
    applyFragment();
  };
  addEventListener("popstate", back);
  addEventListener("hashchange", back);
}

main().catch((e) => {
  const loading = document.getElementById("loading") ?? document.getElementById("tools");
  if (loading) {
    loading.className = "error";
    loading.textContent = `${t("page.wasm_failed")} ${e}`;
  }
});
