// The header's notification badge and dropdown: the unread count stays live through the
// page's one WebSocket, and the dropdown lists the latest notifications from the API.
import { on, onOpen } from "./socket.js";

const LATEST = 8;
const badge = document.querySelector("[data-notification-badge]");
const panel = document.querySelector("[data-notification-menu]");
const liveRegion = document.querySelector("[data-live-region]");
let count = Number(badge?.querySelector("[data-notification-count]")?.textContent || 0);
let loaded = false;
let opened = false;
let button = null;

function csrfToken() {
  return panel?.querySelector("input[name=csrfmiddlewaretoken]")?.value || "";
}

function announce(text) {
  if (!liveRegion) return;
  liveRegion.textContent = "";
  // A fresh text node after a tick is what makes screen readers speak the same words again.
  setTimeout(() => { liveRegion.textContent = text; }, 50);
}

function setCount(n) {
  count = Math.max(0, n);
  document.querySelectorAll("[data-notification-count]").forEach((el) => {
    el.textContent = String(count);
    el.hidden = count === 0;
  });
  document.querySelectorAll("[data-notification-badge]").forEach((el) => {
    el.setAttribute("aria-label", `Notifications, ${count} unread`);
  });
}

function timeAgo(iso) {
  const seconds = Math.max(0, (Date.now() - new Date(iso).getTime()) / 1000);
  if (seconds < 60) return "just now";
  const units = [[86400, "day"], [3600, "hour"], [60, "minute"]];
  for (const [size, name] of units) {
    if (seconds >= size) {
      const n = Math.floor(seconds / size);
      return `${n} ${name}${n === 1 ? "" : "s"} ago`;
    }
  }
  return "";
}

function item(notification) {
  const li = document.createElement("li");
  li.dataset.notificationId = String(notification.id);
  if (!notification.is_read) li.classList.add("is-unread");
  const link = document.createElement("a");
  link.href = `/notifications/${notification.id}/open/`;
  if (!notification.is_read) {
    const hint = document.createElement("span");
    hint.className = "sr-only";
    hint.textContent = "Unread: ";
    link.append(hint);
  }
  link.append(document.createTextNode(notification.title));
  const time = document.createElement("time");
  time.dateTime = notification.created_at;
  time.textContent = timeAgo(notification.created_at);
  link.append(time);
  li.append(link);
  return li;
}

function render(notifications) {
  const list = panel.querySelector("[data-notification-list]");
  list.replaceChildren(...notifications.slice(0, LATEST).map(item));
  panel.querySelector("[data-notification-empty]").hidden = notifications.length > 0;
}

function status(text) {
  const el = panel.querySelector("[data-notification-status]");
  el.textContent = text;
  el.hidden = !text;
}

async function load() {
  try {
    const response = await fetch(`/api/v1/notifications/?page_size=${LATEST}`, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    if (!response.ok) throw new Error(String(response.status));
    const data = await response.json();
    render(data.results);
    loaded = true;
    status("");
  } catch (error) {
    status("Could not load notifications. Open the full list instead.");
  }
}

async function refreshCount() {
  try {
    const response = await fetch("/api/v1/notifications/?unread=1&page_size=1", {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    if (response.ok) setCount((await response.json()).count);
  } catch (error) {
    // Offline: the next frame or reconnection corrects the count.
  }
}

async function open() {
  opened = true;
  panel.hidden = false;
  button.setAttribute("aria-expanded", "true");
  if (!loaded) await load();
  if (!opened) return;
  // Focus the newest notification, so arrow-free Tab walks the list from the top.
  const first = panel.querySelector("[data-notification-list] a") || panel.querySelector("a, button");
  if (first) first.focus();
}

function close({ restoreFocus = true } = {}) {
  if (!opened) return;
  opened = false;
  panel.hidden = true;
  button.setAttribute("aria-expanded", "false");
  if (restoreFocus) button.focus();
}

function enhance() {
  // Without JavaScript the badge is a plain link to /notifications/; with it, a disclosure.
  const container = document.createElement("div");
  container.className = "notification-menu";
  button = document.createElement("button");
  button.type = "button";
  button.className = badge.className;
  button.dataset.notificationBadge = "";
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("aria-controls", panel.id);
  button.setAttribute("aria-label", badge.getAttribute("aria-label"));
  button.append(...badge.childNodes);
  badge.replaceWith(container);
  container.append(button, panel);

  button.addEventListener("click", () => (opened ? close() : open()));
  container.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && opened) {
      event.preventDefault();
      close();
    }
  });
  document.addEventListener("click", (event) => {
    if (opened && !container.contains(event.target)) close({ restoreFocus: false });
  });
  container.addEventListener("focusout", (event) => {
    if (opened && event.relatedTarget && !container.contains(event.relatedTarget)) {
      close({ restoreFocus: false });
    }
  });

  panel.querySelector("[data-notification-read-all]").addEventListener("submit", async (event) => {
    event.preventDefault();
    const response = await fetch("/api/v1/notifications/read-all/", {
      method: "POST",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      credentials: "same-origin",
    });
    if (!response.ok) {
      status("Could not mark them read. Try again.");
      return;
    }
    panel.querySelectorAll(".is-unread").forEach((li) => {
      li.classList.remove("is-unread");
      li.querySelector(".sr-only")?.remove();
    });
    setCount(0);
    announce("All notifications marked read.");
  });
}

if (badge && panel) {
  enhance();
  on("notification", (frame) => {
    setCount(frame.unread_count);
    announce(`New notification: ${frame.notification.title}`);
    if (loaded) {
      const list = panel.querySelector("[data-notification-list]");
      list.prepend(item(frame.notification));
      while (list.children.length > LATEST) list.lastElementChild.remove();
      panel.querySelector("[data-notification-empty]").hidden = true;
    }
  });
  on("notification.read", (frame) => {
    setCount(frame.unread_count);
    if (frame.unread_count === 0) {
      panel.querySelectorAll(".is-unread").forEach((li) => li.classList.remove("is-unread"));
    }
    loaded = loaded && opened;  // reload the list on next open: which ones were read is unknown
  });
  // After a reconnection, frames may have been missed: ask for the true count once.
  let connections = 0;
  onOpen(() => {
    connections += 1;
    if (connections > 1) {
      refreshCount();
      loaded = false;
    }
  });
}
