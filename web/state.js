// The page's state lives in the URL fragment: `tool=` names the open tool and
// its inputs follow (`#token=…&tool=subnet&subnet=10.0.0.1%2F8`), so a link
// reopens the same view and the back button steps through earlier inputs.
// The `token` parameter, which lets the page talk to the relay, is kept as
// it is and never logged; shared links leave it out.
//
// History: changing tool pushes an entry. Typing pushes one entry when a
// burst of typing starts and then replaces it (at most every THROTTLE_MS),
// so each pause in typing leaves one step to go back to.
// @ts-check

const PAUSE_MS = 800;
const THROTTLE_MS = 150;

/** The parameters of the fragment now. */
export const current = () => new URLSearchParams(location.hash.slice(1));

let burstEnds = 0;
let lastWrite = 0;
/** @type {string | null} */
let queued = null;
/** @type {ReturnType<typeof setTimeout> | undefined} */
let timer;

/** @param {URLSearchParams} params */
const fragment = (params) => `#${params}`;

function flush() {
  clearTimeout(timer);
  timer = undefined;
  if (queued !== null && queued !== location.hash) history.replaceState(null, "", queued);
  queued = null;
  lastWrite = performance.now();
}

/**
 * The user typed: the state goes into the URL, a new history entry when a
 * burst of typing starts.
 * @param {URLSearchParams} params
 */
export function typed(params) {
  const now = performance.now();
  const hash = fragment(params);
  if (now > burstEnds) {
    flush();
    if (hash !== location.hash) history.pushState(null, "", hash);
    lastWrite = now;
  } else {
    queued = hash;
    if (timer === undefined) timer = setTimeout(flush, Math.max(0, THROTTLE_MS - (now - lastWrite)));
  }
  burstEnds = now + PAUSE_MS;
}

/**
 * A step of its own (another tool): a new history entry now.
 * @param {URLSearchParams} params
 */
export function navigated(params) {
  queued = null;
  flush();
  burstEnds = 0;
  const hash = fragment(params);
  if (hash !== location.hash) history.pushState(null, "", hash);
}

/**
 * The same state written more tidily (on load): no new history entry.
 * @param {URLSearchParams} params
 */
export function replaced(params) {
  queued = null;
  flush();
  const hash = fragment(params);
  if (hash !== location.hash) history.replaceState(null, "", hash);
}

/** The user went back or forward: drop any write still waiting. */
export function cancelPending() {
  queued = null;
  clearTimeout(timer);
  timer = undefined;
  burstEnds = 0;
}

/**
 * A link to this page with these parameters and without the token.
 * @param {URLSearchParams} params
 */
export function linkTo(params) {
  const p = new URLSearchParams(params);
  p.delete("token");
  return `${location.origin}${location.pathname}#${p}`;
}
