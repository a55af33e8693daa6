// One WebSocket per tab for every live event, shared by the modules of the page.
// Reconnects with backoff; modules subscribe to frame types and to (re)connection.
const handlers = new Map();
const openHandlers = new Set();
const statusHandlers = new Set();
let socket = null;
let attempt = 0;
let pingTimer = null;
const queue = [];

function url() {
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${window.location.host}/ws/`;
}

function setStatus(status) {
  document.documentElement.dataset.socket = status;
  statusHandlers.forEach((fn) => fn(status));
}

function connect() {
  socket = new WebSocket(url());
  setStatus("connecting");
  socket.addEventListener("open", () => {
    attempt = 0;
    setStatus("open");
    while (queue.length && socket.readyState === WebSocket.OPEN) socket.send(queue.shift());
    openHandlers.forEach((fn) => fn());
    clearInterval(pingTimer);
    pingTimer = setInterval(() => send({ type: "ping" }), 25000);
  });
  socket.addEventListener("message", (event) => {
    let frame;
    try {
      frame = JSON.parse(event.data);
    } catch (e) {
      return;
    }
    (handlers.get(frame.type) || []).forEach((fn) => fn(frame));
    (handlers.get("*") || []).forEach((fn) => fn(frame));
  });
  socket.addEventListener("close", (event) => {
    clearInterval(pingTimer);
    setStatus("closed");
    if (event.code === 4401) {
      // The session ended (logged out or deactivated): reload to reach the login page.
      window.location.reload();
      return;
    }
    attempt += 1;
    const delay = Math.min(30000, 500 * 2 ** Math.min(attempt, 6)) * (0.5 + Math.random() / 2);
    setTimeout(connect, delay);
  });
}

export function on(type, fn) {
  if (!handlers.has(type)) handlers.set(type, []);
  handlers.get(type).push(fn);
}

export function onOpen(fn) {
  openHandlers.add(fn);
  if (socket && socket.readyState === WebSocket.OPEN) fn();
}

export function onStatus(fn) {
  statusHandlers.add(fn);
}

export function send(frame) {
  const text = JSON.stringify(frame);
  if (socket && socket.readyState === WebSocket.OPEN) {
    socket.send(text);
    return true;
  }
  queue.push(text);
  return false;
}

export function isOpen() {
  return Boolean(socket && socket.readyState === WebSocket.OPEN);
}

if (document.body.dataset.userId) connect();
