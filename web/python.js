// Python's way of writing values (`repr`), for "the Python" lines, and the
// reading of the values a learner types in Python's notation for
// `struct.pack`. Presentation only: what the values mean is the WASM
// module's business, and bytes typed alone (hex or `b'...'`) are read by
// its `parseBytes`, the reader the CLI uses.
// @ts-check

/**
 * `repr()` of a Python str.
 * @param {string} s
 */
export function pyStr(s) {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = "";
  for (const ch of s) {
    const code = /** @type {number} */ (ch.codePointAt(0));
    if (ch === "\\" || ch === quote) out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return quote + out + quote;
}

/**
 * A string as Python's json.dumps writes it by default (ensure_ascii):
 * JSON's escapes, and every character outside printable ASCII as \uXXXX
 * (UTF-16, as Python writes a character past U+FFFF: two escapes).
 * @param {string} text
 */
export function pyJsonString(text) {
  return JSON.stringify(text).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * `repr()` of a Python bytes object: `b'\x15\xcd[\x07'`.
 * @param {Uint8Array} bytes
 */
export function pyBytes(bytes) {
  const hasSingle = bytes.includes(0x27);
  const quote = hasSingle && !bytes.includes(0x22) ? '"' : "'";
  let out = "";
  for (const b of bytes) {
    const ch = String.fromCharCode(b);
    if (ch === "\\" || ch === quote) out += `\\${ch}`;
    else if (b === 0x0a) out += "\\n";
    else if (b === 0x0d) out += "\\r";
    else if (b === 0x09) out += "\\t";
    else if (b < 0x20 || b >= 0x7f) out += `\\x${b.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return `b${quote}${out}${quote}`;
}

/**
 * `repr()` of a Python float: the shortest digits that read back the same
 * (as JavaScript's), in fixed notation between 1e-4 and 1e16 as Python
 * writes them, and always with a `.0` or an exponent.
 * @param {number} x
 */
export function pyFloat(x) {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mantissa, expText] = x.toExponential().split("e");
  const exp = Number(expText);
  const sign = mantissa.startsWith("-") ? "-" : "";
  const digits = mantissa.replace("-", "").replace(".", "");
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp).toString().padStart(2, "0");
    return `${sign}${m}e${exp < 0 ? "-" : "+"}${e}`;
  }
  if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  const whole = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
  const frac = digits.slice(exp + 1);
  return `${sign}${whole}.${frac || "0"}`;
}

/**
 * A value the WASM module returned from `struct.unpack`, as Python
 * writes it: ints, bools, floats (`isFloat`: the code is e, f or d) and
 * bytes; and, going in, a Python str (`{str}`) and None (`null`).
 * @param {number | bigint | boolean | Uint8Array | string | {str: string} | null} v
 * @param {boolean} [isFloat]
 */
export function pyValue(v, isFloat = false) {
  if (typeof v === "boolean") return v ? "True" : "False";
  if (v === null) return "None";
  if (typeof v === "object" && "str" in v) return pyStr(v.str);
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "number") return isFloat ? pyFloat(v) : String(v);
  if (typeof v === "string") return pyBytes(new TextEncoder().encode(v));
  return pyBytes(v);
}

/**
 * A Python tuple of already written items: `(5,)`, `(1, 2)`.
 * @param {string[]} items
 */
export function pyTuple(items) {
  return items.length === 1 ? `(${items[0]},)` : `(${items.join(", ")})`;
}

/** @param {Uint8Array} bytes lower-case hex, no separators */
export function toHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The inside of a Python str literal (`bytes` false: any characters) or
 * bytes literal (`bytes` true: ASCII only), with the escapes
 * `\xNN \n \r \t \0 \\ \' \"`; for bytes, each character stands
 * for one byte.
 * @param {string} body
 * @param {boolean} bytes
 */
function unescapeLiteral(body, bytes) {
  let out = "";
  for (let i = 0; i < body.length; i++) {
    if (body[i] !== "\\") {
      if (bytes && body.charCodeAt(i) > 0x7f) throw new Error("bytes.non_ascii");
      out += body[i];
      continue;
    }
    const next = body[++i];
    const simple = { n: "\n", r: "\r", t: "\t", "0": "\0", "\\": "\\", "'": "'", '"': '"' };
    if (next in simple) out += simple[/** @type {keyof typeof simple} */ (next)];
    else if (next === "x" && /^[0-9a-f]{2}$/i.test(body.slice(i + 1, i + 3))) {
      out += String.fromCharCode(parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else throw new Error("bytes.bad_escape");
  }
  return out;
}

/** @param {string} body the inside of a str literal */
const unescapeStr = (body) => unescapeLiteral(body, false);

/** @param {string} body the inside of a bytes literal */
const unescapeBytes = (body) => Uint8Array.from(unescapeLiteral(body, true), (c) => c.charCodeAt(0));

/**
 * The values of a `struct.pack` call as a learner types them, separated by
 * commas: ints (`5`, `-1`, `0x7f`, `0o17`, `0b101`; BigInt past 2^53),
 * floats (`1.5`, `1e3`, `inf`, `nan`), `True`/`False`, `None` (null),
 * bytes literals (`b'ab'`) and str literals (`'ab'`, given to the module as
 * `{str}`, so that struct refuses them where bytes belong, as CPython does:
 * the Python 3 mistake the seeds warn of). Throws an Error whose message is
 * an i18n key; `index` on it says which value.
 * @param {string} text
 * @returns {Array<number | bigint | boolean | Uint8Array | {str: string} | null>}
 */
export function parseValues(text) {
  return splitTopLevel(text).map((item, index) => {
    try {
      return parseValue(item);
    } catch (e) {
      throw Object.assign(new Error(e instanceof Error ? e.message : String(e)), { index, item });
    }
  });
}

/** @param {string} text the items between top-level commas, quotes respected */
function splitTopLevel(text) {
  /** @type {string[]} */
  const items = [];
  let current = "";
  /** @type {string | null} */
  let quote = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      current += ch;
      if (ch === "\\") current += text[++i] ?? "";
      else if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      current += ch;
    } else if (ch === ",") {
      items.push(current);
      current = "";
    } else current += ch;
  }
  items.push(current);
  const trimmed = items.map((s) => s.trim());
  // A trailing comma, as in Python's (5,), adds no value.
  if (trimmed.length && trimmed[trimmed.length - 1] === "") trimmed.pop();
  if (trimmed.some((s) => s === "")) throw Object.assign(new Error("values.empty"), { index: trimmed.indexOf(""), item: "" });
  return trimmed;
}

/** @param {string} s */
function parseValue(s) {
  if (s === "True" || s === "true") return true;
  if (s === "False" || s === "false") return false;
  if (s === "None") return null;
  const bytes = s.match(/^b(['"])(.*)\1$/s);
  if (bytes) return unescapeBytes(bytes[2]);
  const str = s.match(/^(['"])(.*)\1$/s);
  if (str) return { str: unescapeStr(str[2]) };
  const int = s.replace(/_/g, "").match(/^([+-]?)(0x[0-9a-f]+|0o[0-7]+|0b[01]+|\d+)$/i);
  if (int) {
    const [, sign, digits] = int;
    if (/^0\d/.test(digits)) throw new Error("values.leading_zero");
    const magnitude = BigInt(digits);
    const value = sign === "-" ? -magnitude : magnitude;
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  }
  const special = s.match(/^([+-]?)(inf|nan|infinity)$/i);
  if (special) return special[2].toLowerCase() === "nan" ? NaN : special[1] === "-" ? -Infinity : Infinity;
  if (/^[+-]?(\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(e[+-]?\d+)?$/i.test(s)) return Number(s.replace(/_/g, ""));
  throw new Error("values.unreadable");
}
