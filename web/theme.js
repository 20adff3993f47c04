// The colour theme: System (follows `prefers-color-scheme`), Light or Dark,
// remembered in localStorage. style.css reads `data-theme` on <html>.
// @ts-check

const KEY = "netlab.theme";
/** @typedef {"system" | "light" | "dark"} Theme */
/** @type {Theme[]} */
export const THEMES = ["system", "light", "dark"];

/** The remembered theme, System when none is. @returns {Theme} */
export function storedTheme() {
  let value = null;
  try {
    value = localStorage.getItem(KEY);
  } catch {
    // Storage can be off (private windows, file:); the default will do.
  }
  return THEMES.find((x) => x === value) ?? "system";
}

/** Applies a theme and remembers it. @param {Theme} theme */
export function setTheme(theme) {
  applyTheme(theme);
  try {
    localStorage.setItem(KEY, theme);
  } catch {
    // Not remembered, still applied.
  }
}

/** @param {Theme} theme */
export function applyTheme(theme) {
  const root = document.documentElement;
  if (theme === "system") delete root.dataset.theme;
  else root.dataset.theme = theme;
}
