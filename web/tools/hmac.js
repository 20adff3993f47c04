// The HMAC challenge tool (seed 000 §9): the server sends random bytes, the
// client answers with a digest of them under its secret, the server computes
// the same under its own secret and compares. Each side has its own secret,
// so a wrong one shows where the exchange fails.
// @ts-check
import { hmacTrace, hmacDigest, parseBytes } from "../pkg/calc/netlab_wasm.js";
import { t } from "../i18n.js";
import { h, textField, selectField, showError, attempt, liveSummary, pythonBlock, onEdit } from "../ui.js";
import { pyBytes, toHex } from "../python.js";
import { pageError } from "../i18n-errors.js";

/** @typedef {import("../pkg/calc/netlab_wasm.js").HmacAlgorithm} HmacAlgorithm */
/** @typedef {import("../pkg/calc/netlab_wasm.js").AuthStep} AuthStep */

export default {
  id: "hmac",
  title: "tool.hmac",
  // An empty challenge stands for a fresh os.urandom(32) when the tool loads.
  defaults: { alg: "sha1", server: "nice@123!", client: "nice@123!", challenge: "" },
  mount,
};

/** @type {HmacAlgorithm[]} */
const ALGORITHMS = ["sha1", "md5", "hmac-md5", "hmac-sha256"];

/** What the answer is in Python, per algorithm (the seed's code for sha1). */
const HASHLIB = { sha1: "sha1", md5: "md5", "hmac-md5": "md5", "hmac-sha256": "sha256" };

/** Short names for the steps. */
const NAMES = { sha1: "SHA-1", md5: "MD5", "hmac-md5": "HMAC-MD5", "hmac-sha256": "HMAC-SHA256" };

const randomChallenge = () => toHex(crypto.getRandomValues(new Uint8Array(32)));

/**
 * @param {HTMLElement} panel
 * @param {import("../app.js").ToolContext} ctx
 */
function mount(panel, ctx) {
  const alg = selectField({ id: "hmac-alg", label: t("hmac.alg"), options: ALGORITHMS.map((a) => [a, t(`hmac.alg_${a}`)]) });
  const server = textField({ id: "hmac-server", label: t("hmac.server_secret"), hint: t("hmac.secret_hint"), size: "s" });
  const client = textField({ id: "hmac-client", label: t("hmac.client_secret"), size: "s" });
  const challenge = textField({ id: "hmac-challenge", label: t("hmac.challenge"), hint: t("hmac.challenge_hint"), size: "xl" });
  const fresh = h("button", {
    type: "button",
    id: "hmac-new",
    text: t("hmac.new_challenge"),
    onclick: () => {
      challenge.input.value = randomChallenge();
      render();
      ctx.changed();
    },
  });
  const summary = liveSummary("hmac-summary");
  const steps = h("ol", { id: "hmac-steps", class: "steps" });
  const python = pythonBlock("hmac-python");
  panel.append(
    h("h2", { text: t("tool.hmac") }),
    h("p", { class: "intro", text: t("hmac.intro") }),
    h("div", { class: "row" }, alg.wrap, server.wrap, client.wrap),
    challenge.wrap,
    h("p", {}, fresh),
    summary,
    steps,
    python.el,
  );

  function render() {
    const a = /** @type {HmacAlgorithm} */ (alg.select.value);
    let rand;
    try {
      rand = parseBytes(challenge.input.value);
    } catch (e) {
      const message = t(e instanceof Error ? e.message : String(e));
      showError(challenge.error, message, challenge.input);
      summary.textContent = t("summary.error", { message });
      steps.replaceChildren();
      python.set([`# ${pageError(message)}`]);
      return;
    }
    showError(challenge.error, null, challenge.input);
    const r = /** @type {Uint8Array} */ (rand);
    const res = attempt(() => hmacTrace(a, server.input.value, client.input.value, r));
    if (res.err !== undefined) {
      summary.textContent = t("summary.error", { message: res.err });
      steps.replaceChildren();
      python.set([`# ${pageError(res.err)}`]);
      return;
    }
    const trace = res.ok;
    // The server's check, as in the seed: `if res_client == res`.
    const ok = trace[1].bytes_hex === trace[2].bytes_hex;
    const clientDigest = toHex(hmacDigest(a, client.input.value, r));
    const serverDigest = toHex(hmacDigest(a, server.input.value, r));
    steps.replaceChildren(...trace.map((step, i) => stepView(step, i, a, ok, r.length)));
    summary.textContent = ok ? t("hmac.summary_ok") : t("hmac.summary_bad");
    python.set(pythonFor(a, server.input.value, client.input.value, r, clientDigest, serverDigest, ok));
  }

  for (const input of [alg.select, server.input, client.input, challenge.input]) {
    onEdit(input, () => {
      render();
      ctx.changed();
    });
  }
  return {
    /** @param {Record<string, string>} v */
    load(v) {
      alg.select.value = ALGORITHMS.find((x) => x === v.alg) ?? "sha1";
      server.input.value = v.server;
      client.input.value = v.client;
      challenge.input.value = v.challenge || randomChallenge();
      render();
    },
    values: () => ({ alg: alg.select.value, server: server.input.value, client: client.input.value, challenge: challenge.input.value }),
  };
}

/**
 * One step of the exchange: who, what they do, and the bytes.
 * @param {AuthStep} step @param {number} i @param {HmacAlgorithm} alg @param {boolean} ok @param {number} n
 */
function stepView(step, i, alg, ok, n) {
  const hex = step.bytes_hex;
  const text = alg === "sha1" || alg === "md5" ? new TextDecoder().decode(parseBytes(hex)) : null;
  const what = [
    t("hmac.step_challenge", { n }),
    t(text !== null ? "hmac.step_answer_hex" : "hmac.step_answer_raw", { alg: NAMES[alg] }),
    t("hmac.step_check"),
    ok ? t("hmac.step_ok") : t("hmac.step_bad"),
  ][i];
  const bytes =
    i === 0 || text === null || i === 3
      ? h("code", { class: "hexdump", "data-field": "bytes_hex", text: hex.match(/../g)?.join(" ") ?? t("hmac.no_bytes") })
      : h("code", { class: "hexdump", "data-field": "bytes_hex", "data-hex": hex, text: `'${text}'` });
  return h(
    "li",
    { class: `step ${step.who}${i === 3 ? (ok ? " ok" : " bad") : ""}`, "data-step": i, "data-who": step.who },
    h("span", { class: "who", text: t(`hmac.${step.who}`) }),
    h("span", { class: "what", text: what }),
    i === 3 && !ok ? null : bytes,
  );
}

/**
 * The seed's code with these secrets and this challenge, client then server.
 * @param {HmacAlgorithm} alg @param {string} serverSecret @param {string} clientSecret @param {Uint8Array} rand
 * @param {string} clientDigest @param {string} serverDigest @param {boolean} ok
 */
function pythonFor(alg, serverSecret, clientSecret, rand, clientDigest, serverDigest, ok) {
  const key = (/** @type {string} */ s) => pyBytes(new TextEncoder().encode(s));
  const name = HASHLIB[alg];
  const lines = [];
  if (alg === "sha1" || alg === "md5") {
    lines.push("import hashlib", `rand = bytes.fromhex('${toHex(rand)}')  # os.urandom(${rand.length})`);
    for (const [who, secret, digest, v] of [
      ["client", clientSecret, clientDigest, "res"],
      ["server", serverSecret, serverDigest, "expected"],
    ]) {
      lines.push(`# ${t(`hmac.${who}`)}`, `sha = hashlib.${name}(${key(secret)})`, "sha.update(rand)", `${v} = sha.hexdigest()  # '${digest}'`);
    }
    lines.push(`res == expected  # ${ok ? "True" : "False"}`);
  } else {
    // Seed 000 §9 writes hmac.new(key, msg): Python 3.8 made the digest a
    // required argument (md5 had been the default), so the seed's line is
    // a TypeError on today's Python.
    lines.push(`# ${t("hmac.py_digestmod")}`);
    lines.push("import hmac", `rand = bytes.fromhex('${toHex(rand)}')  # os.urandom(${rand.length})`);
    lines.push(`answer = hmac.new(${key(clientSecret)}, rand, '${name}').digest()    # ${t("hmac.client")}: ${clientDigest}`);
    lines.push(`expected = hmac.new(${key(serverSecret)}, rand, '${name}').digest()  # ${t("hmac.server")}: ${serverDigest}`);
    lines.push(`hmac.compare_digest(answer, expected)  # ${ok ? "True" : "False"}`);
  }
  return lines;
}
