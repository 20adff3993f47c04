// Shows whether the relay that served this page is reachable over its WebSocket.
// @ts-check
import { t, onLangChange } from "./i18n.js";

/**
 * @param {string | null} token the token from the URL fragment (never logged)
 * @param {HTMLElement | null} el where to show the status
 */
export function connectRelay(token, el) {
  if (!el) return;
  /** @type {{state: "connecting" | "connected" | "refused" | "closed" | "unavailable", relay?: string, protocol?: string}} */
  const status = { state: "connecting" };
  const show = () => {
    const key = status.state === "refused" && token ? "relay.refused_token" : `relay.${status.state}`;
    el.textContent = t(key, { relay: status.relay ?? "", protocol: status.protocol ?? "" });
  };
  onLangChange(show);
  show();
  const url = new URL("/ws", location.href);
  url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  if (token) url.searchParams.set("token", token);
  let ws;
  try {
    ws = new WebSocket(url);
  } catch {
    status.state = "unavailable";
    show();
    return;
  }
  let greeted = false;
  ws.addEventListener("message", (event) => {
    if (typeof event.data !== "string") return;
    const msg = JSON.parse(event.data);
    if (msg.ev === "hello") {
      greeted = true;
      Object.assign(status, { state: "connected", relay: String(msg.relay), protocol: String(msg.protocol) });
      el.dataset.state = "connected";
      show();
    }
  });
  ws.addEventListener("close", () => {
    status.state = greeted ? "closed" : "refused";
    el.dataset.state = status.state;
    show();
  });
}
