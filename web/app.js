// The playground's entry point: load the WASM module once, then start each tool.
// @ts-check
import init, { version } from "./pkg/netlab_wasm.js";
import { startSubnet } from "./tools/subnet.js";
import { connectRelay } from "./relay-status.js";

const params = () => new URLSearchParams(location.hash.slice(1));

async function main() {
  connectRelay(params().get("token"), document.getElementById("relay-status"));
  await init();
  const v = document.getElementById("wasm-version");
  if (v) v.textContent = `netlab ${version()}`;
  startSubnet(document.getElementById("subnet"), params);
}

main().catch((e) => {
  const err = document.getElementById("subnet-error");
  if (err) {
    err.hidden = false;
    err.textContent = `The WebAssembly module did not load: ${e}`;
  }
});
