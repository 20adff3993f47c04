// The Subnet tool: the report recomputed by the WASM module as the user types.
// @ts-check
import { subnetInfo } from "../pkg/netlab_wasm.js";

const ROWS = [
  ["address", "Address"],
  ["netmask", "Netmask"],
  ["wildcard", "Wildcard"],
  ["network", "Network"],
  ["broadcast", "Broadcast"],
  ["first_host", "First host"],
  ["last_host", "Last host"],
  ["total_addresses", "Addresses"],
  ["usable_hosts", "Usable hosts"],
  ["class", "Class"],
  ["ranges", "Special-purpose"],
];

/**
 * @param {HTMLElement | null} root the tool's section
 * @param {() => URLSearchParams} params the URL fragment's parameters
 */
export function startSubnet(root, params) {
  if (!root) return;
  const input = /** @type {HTMLInputElement} */ (root.querySelector("#subnet-input"));
  const error = /** @type {HTMLElement} */ (root.querySelector("#subnet-error"));
  const body = /** @type {HTMLElement} */ (root.querySelector("#subnet-report tbody"));
  const bits = /** @type {HTMLElement} */ (root.querySelector("#subnet-bits"));
  const python = /** @type {HTMLElement} */ (root.querySelector("#subnet-python"));
  const fromUrl = params().get("subnet");
  if (fromUrl) input.value = fromUrl;

  const update = () => {
    const text = input.value;
    saveState(text);
    let r;
    try {
      r = subnetInfo(text);
    } catch (e) {
      error.hidden = false;
      error.textContent = e instanceof Error ? e.message : String(e);
      input.setAttribute("aria-invalid", "true");
      return;
    }
    error.hidden = true;
    input.removeAttribute("aria-invalid");
    body.replaceChildren(...ROWS.map(([key, label]) => row(key, label, r)));
    drawBits(bits, r);
    python.textContent = pythonFor(r);
  };
  input.addEventListener("input", update);
  update();
}

/** @param {string} key @param {string} label @param {any} r */
function row(key, label, r) {
  const tr = document.createElement("tr");
  tr.dataset.field = key;
  const th = document.createElement("th");
  th.scope = "row";
  th.textContent = label;
  const td = document.createElement("td");
  let value = r[key];
  if (key === "network") value = `${r.network}/${r.prefix}`;
  if (key === "netmask") value = `${r.netmask} (/${r.prefix})`;
  if (key === "ranges") {
    value = r.ranges.length
      ? r.ranges.map((/** @type {any} */ x) => `${x.cidr} ${x.name} (${x.rfc})`).join("; ")
      : "none: a public address";
  }
  if (value === null) value = explainNull(key, r);
  td.textContent = String(value);
  tr.append(th, td);
  return tr;
}

/** @param {string} key @param {any} r */
function explainNull(key, r) {
  if (key === "broadcast") {
    if (r.version === 6) return "none (IPv6 has no broadcast)";
    return r.prefix === 31 ? "none (/31 point-to-point, RFC 3021)" : "none (/32 is one host)";
  }
  return "—";
}

/** The address's bits, network part and host part in two colours. */
/** @param {HTMLElement} el @param {any} r */
function drawBits(el, r) {
  const groups = r.binary.address.split(r.version === 4 ? "." : ":");
  const width = r.version === 4 ? 8 : 16;
  el.replaceChildren();
  groups.forEach((/** @type {string} */ g, /** @type {number} */ i) => {
    const span = document.createElement("span");
    span.className = "group";
    [...g].forEach((b, j) => {
      const bit = document.createElement("span");
      bit.textContent = b;
      bit.className = i * width + j < r.prefix ? "net" : "host";
      span.append(bit);
    });
    el.append(span);
  });
}

/** @param {any} r */
function pythonFor(r) {
  return [
    "import ipaddress",
    `iface = ipaddress.ip_interface('${r.address}/${r.prefix}')`,
    "net = iface.network",
    `net.network_address    # ${r.network}`,
    `net.broadcast_address  # ${r.version === 4 ? r.broadcast ?? r.last_host : "(IPv6: no broadcast)"}`,
    `net.num_addresses      # ${r.total_addresses}`,
  ].join("\n");
}

/** Keeps the input in the URL fragment (beside the token) for sharing. */
/** @param {string} text */
function saveState(text) {
  const p = new URLSearchParams(location.hash.slice(1));
  p.set("subnet", text);
  history.replaceState(null, "", `#${p}`);
}
