// Shows whether the relay that served this page is reachable over its WebSocket.
// @ts-check

/**
 * @param {string | null} token the token from the URL fragment (never logged)
 * @param {HTMLElement | null} el where to show the status
 */
export function connectRelay(token, el) {
  if (!el) return;
  const url = new URL("/ws", location.href);
  url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  if (token) url.searchParams.set("token", token);
  let ws;
  try {
    ws = new WebSocket(url);
  } catch (e) {
    el.textContent = "relay: unavailable";
    return;
  }
  let greeted = false;
  ws.addEventListener("message", (event) => {
    if (typeof event.data !== "string") return;
    const msg = JSON.parse(event.data);
    if (msg.ev === "hello") {
      greeted = true;
      el.textContent = `relay: connected (${msg.relay}, protocol ${msg.protocol})`;
      el.dataset.state = "connected";
    }
  });
  ws.addEventListener("close", () => {
    if (!greeted) {
      el.textContent = token
        ? "relay: refused (wrong token?): open the URL netlab-relay printed"
        : "relay: not connected: open the URL netlab-relay printed (it carries the token)";
      el.dataset.state = "refused";
    } else {
      el.textContent = "relay: disconnected";
      el.dataset.state = "closed";
    }
  });
}
