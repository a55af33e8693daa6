// The chat page: live messages over the shared socket, exactly once and in seq order.
//
// Every message has a seq (1, 2, 3… per room). The page keeps the highest seq it holds; a
// frame that skips ahead, a reconnect or a resync hint makes it ask `chat.sync` for what it
// missed, and anything it already holds is dropped, so nothing shows twice or goes missing.
import { on, onOpen, onStatus, send } from "./socket.js";

const root = document.querySelector("[data-chat]");

function csrfToken() {
  const field = document.querySelector("input[name=csrfmiddlewaretoken]");
  return field ? field.value : "";
}

function announce(text) {
  const region = document.querySelector("[data-live-region]");
  if (!region) return;
  region.textContent = "";
  window.setTimeout(() => { region.textContent = text; }, 50);
}

function newClientId() {
  if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
  return `c${Date.now().toString(36)}${Math.random().toString(36).slice(2, 12)}`;
}

if (root) {
  const roomId = Number(root.dataset.room);
  const me = Number(root.dataset.user);
  const canModerate = root.dataset.canModerate === "true";
  const otherUser = root.dataset.otherUser ? Number(root.dataset.otherUser) : null;
  let otherReadSeq = Number(root.dataset.otherReadSeq || 0);
  const log = root.querySelector("[data-log]");
  const list = root.querySelector("[data-messages]");
  const olderButton = root.querySelector("[data-older]");
  const typingLine = root.querySelector("[data-typing]");
  const composer = root.querySelector("[data-composer]");
  const textarea = composer.querySelector("textarea");
  const connection = root.querySelector("[data-connection]");

  const shown = new Map(); // seq -> element
  const pending = new Map(); // client_id -> element
  let lastSeq = 0;
  let firstSeq = Infinity;
  let syncing = false;
  let readSent = Number(root.dataset.readSeq || 0);
  let lastTypingSent = 0;
  const typists = new Map(); // user id -> { name, timer }

  list.querySelectorAll("li[data-seq]").forEach((el) => {
    const seq = Number(el.dataset.seq);
    shown.set(seq, el);
    lastSeq = Math.max(lastSeq, seq);
    firstSeq = Math.min(firstSeq, seq);
  });

  function nearBottom() {
    return log.scrollHeight - log.scrollTop - log.clientHeight < 80;
  }

  function scrollToBottom() {
    log.scrollTop = log.scrollHeight;
  }

  function element(tag, className, text) {
    const el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined) el.textContent = text;
    return el;
  }

  function actionButton(action, label, seq) {
    const button = element("button", "link-button", label);
    button.type = "button";
    button.dataset.action = action;
    const hint = element("span", "sr-only", ` message ${seq}`);
    button.append(hint);
    return button;
  }

  function renderMessage(message, el) {
    const li = el || element("li", "msg");
    li.className = message.deleted ? "msg msg--deleted" : "msg";
    li.id = `msg-${message.seq}`;
    li.dataset.seq = message.seq;
    li.dataset.id = message.id;
    li.dataset.author = message.author.id;
    li.dataset.clientId = message.client_id;
    li.replaceChildren();
    const head = element("div", "msg__head");
    head.append(element("span", "msg__author", message.author.display_name || message.author.username));
    const time = element("time", "msg__time", new Date(message.created_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }));
    time.dateTime = message.created_at;
    head.append(time);
    if (message.edited_at && !message.deleted) head.append(element("span", "msg__edited", "(edited)"));
    const status = element("span", "msg__status");
    status.dataset.status = "";
    head.append(status);
    const body = element("div", "msg__body");
    body.dataset.body = "";
    if (message.deleted) {
      body.append(element("p", "muted", "Message deleted."));
    } else {
      body.innerHTML = message.html; // rendered from Markdown and sanitized by the server
    }
    li.append(head, body);
    if (!message.deleted) {
      const actions = element("div", "msg__actions");
      if (message.author.id === me) {
        actions.append(actionButton("edit", "Edit", message.seq), " ", actionButton("delete", "Delete", message.seq));
      } else if (canModerate) {
        actions.append(actionButton("delete", "Delete", message.seq));
      }
      const report = element("a", "msg__report", "Report as issue");
      report.href = `/issues/new/?message=${message.id}`;
      actions.append(" ", report);
      li.append(actions);
    }
    return li;
  }

  function insertInOrder(li, seq) {
    // Messages go in seq order even when a resync fills a gap behind newer ones.
    const empty = list.querySelector("[data-empty]");
    if (empty) empty.remove();
    let before = null;
    for (const [s, el] of shown) {
      if (s > seq && (!before || s < Number(before.dataset.seq))) before = el;
    }
    const pendingFirst = list.querySelector("li[data-pending]");
    list.insertBefore(li, before || pendingFirst);
  }

  function markSeen() {
    if (!otherUser) return;
    list.querySelectorAll(".msg__status[data-seen]").forEach((s) => {
      s.textContent = "";
      delete s.dataset.seen;
    });
    let newestMine = null;
    for (const [seq, el] of shown) {
      if (Number(el.dataset.author) === me && seq <= otherReadSeq && (!newestMine || seq > Number(newestMine.dataset.seq))) newestMine = el;
    }
    if (newestMine) {
      const status = newestMine.querySelector("[data-status]");
      status.textContent = "Seen";
      status.dataset.seen = "";
    }
  }

  function accept(message, { live }) {
    if (message.room !== roomId) return;
    const stick = nearBottom();
    const waiting = pending.get(message.client_id);
    if (shown.has(message.seq)) {
      if (waiting && Number(message.author.id) === me) { waiting.remove(); pending.delete(message.client_id); }
      return; // already held: a sync overlapping live delivery
    }
    if (live && message.seq > lastSeq + 1 && lastSeq > 0) requestSync();
    let li;
    if (waiting && Number(message.author.id) === me) {
      pending.delete(message.client_id);
      delete waiting.dataset.pending;
      li = renderMessage(message, waiting);
      li.remove();
    } else {
      li = renderMessage(message);
    }
    insertInOrder(li, message.seq);
    shown.set(message.seq, li);
    lastSeq = Math.max(lastSeq, message.seq);
    firstSeq = Math.min(firstSeq, message.seq);
    if (live && message.author.id !== me) {
      const name = message.author.display_name || message.author.username;
      announce(`${name}: ${message.body.slice(0, 140)}`);
      clearTyping(message.author.id);
    }
    if (stick || message.author.id === me) scrollToBottom();
    markRead();
    markSeen();
  }

  function requestSync() {
    if (syncing) return;
    syncing = true;
    send({ type: "chat.sync", room: roomId, after: lastSeq });
  }

  function markRead() {
    if (document.visibilityState !== "visible" || !nearBottom()) return;
    if (lastSeq > readSent) {
      readSent = lastSeq;
      send({ type: "chat.read", room: roomId, seq: lastSeq });
    }
    setBadge(roomId, 0);
  }

  function setBadge(id, count) {
    const badge = document.querySelector(`[data-unread="${id}"]`);
    if (!badge) return;
    badge.firstChild.textContent = String(count);
    badge.hidden = count <= 0;
  }

  function bumpBadge(message) {
    const link = document.querySelector(`[data-room-link="${message.room}"]`);
    const badge = document.querySelector(`[data-unread="${message.room}"]`);
    if (!link || !badge || message.author.id === me) return;
    const last = Math.max(Number(link.dataset.lastSeq), message.seq);
    link.dataset.lastSeq = last;
    setBadge(message.room, last - Number(link.dataset.readSeq));
  }

  // Frames from the server ------------------------------------------------------------------
  on("chat.message", (frame) => {
    if (frame.message.room === roomId) accept(frame.message, { live: !syncing });
    else bumpBadge(frame.message);
  });
  on("chat.updated", (frame) => {
    const el = shown.get(frame.message.seq);
    if (frame.message.room === roomId && el) renderMessage(frame.message, el);
  });
  on("chat.synced", (frame) => {
    if (frame.room !== roomId) return;
    syncing = false;
    if (frame.last > lastSeq) requestSync();
    markRead();
  });
  on("chat.resync", () => { syncing = false; requestSync(); });
  on("chat.read", (frame) => {
    if (frame.user === me) {
      const link = document.querySelector(`[data-room-link="${frame.room}"]`);
      if (link) {
        link.dataset.readSeq = frame.seq;
        setBadge(frame.room, Number(link.dataset.lastSeq) - frame.seq);
      }
    } else if (frame.room === roomId && frame.user === otherUser) {
      otherReadSeq = Math.max(otherReadSeq, frame.seq);
      markSeen();
    }
  });
  on("chat.typing", (frame) => {
    if (frame.room !== roomId || frame.user.id === me) return;
    const known = typists.get(frame.user.id);
    if (known) window.clearTimeout(known.timer);
    const timer = window.setTimeout(() => clearTyping(frame.user.id), 4000);
    typists.set(frame.user.id, { name: frame.user.display_name || frame.user.username, timer });
    showTyping();
  });
  on("presence", (frame) => {
    document.querySelectorAll(`[data-presence="${frame.user}"]`).forEach((dot) => {
      dot.classList.toggle("is-online", frame.online);
      dot.title = frame.online ? "Online" : "Offline";
    });
    document.querySelectorAll(`[data-presence-text="${frame.user}"]`).forEach((text) => {
      text.textContent = frame.online ? " (online)" : " (offline)";
    });
  });
  on("chat.rooms", async (frame) => {
    // A room was joined or left (here or in another tab): refresh the room list in place.
    if (frame.left.includes(roomId)) {
      window.location.assign("/chat/");
      return;
    }
    try {
      const page = await api("GET", "/api/v1/rooms/?page_size=200");
      renderRoomList(page.results);
    } catch (error) {
      connection.textContent = error.message;
    }
  });

  function renderRoomList(rooms) {
    const roomList = document.querySelector("[data-room-list]");
    if (!roomList) return;
    const items = rooms.map((room) => {
      const li = element("li");
      const link = element("a", "chat-rooms__link");
      link.href = `/chat/${room.id}/`;
      link.dataset.roomLink = room.id;
      link.dataset.lastSeq = room.last_seq;
      link.dataset.readSeq = room.read_seq;
      if (room.id === roomId) link.setAttribute("aria-current", "page");
      const marker = element("span", room.kind === "direct" ? "presence-dot" : "", room.kind === "direct" ? "" : "#");
      marker.setAttribute("aria-hidden", "true");
      if (room.other_user) marker.dataset.presence = room.other_user.id;
      const badge = element("span", "badge", String(room.unread_count));
      badge.dataset.unread = room.id;
      badge.append(element("span", "sr-only", " unread"));
      badge.hidden = room.unread_count <= 0;
      link.append(marker, " ", element("span", "chat-rooms__name", room.name), " ", badge);
      li.append(link);
      return li;
    });
    roomList.replaceChildren(...items);
  }
  on("error", (frame) => {
    const el = frame.client_id && pending.get(frame.client_id);
    if (!el) {
      connection.textContent = frame.detail;
      return;
    }
    el.classList.add("msg--failed");
    const status = el.querySelector("[data-status]");
    status.textContent = `Not sent: ${frame.detail}`;
    const retry = actionButton("retry", "Retry", "");
    retry.dataset.clientId = frame.client_id;
    el.querySelector(".msg__actions")?.remove();
    const actions = element("div", "msg__actions");
    actions.append(retry);
    el.append(actions);
    announce(`Message not sent: ${frame.detail}`);
  });

  function clearTyping(userId) {
    const known = typists.get(userId);
    if (known) window.clearTimeout(known.timer);
    typists.delete(userId);
    showTyping();
  }

  function showTyping() {
    const names = [...typists.values()].map((t) => t.name);
    typingLine.textContent = names.length === 0 ? "" : `${names.join(", ")} ${names.length === 1 ? "is" : "are"} typing…`;
  }

  onOpen(() => {
    syncing = false;
    requestSync(); // after every (re)connect: fetch whatever was missed while away
  });
  onStatus((status) => {
    connection.textContent = status === "open" ? "" : "Reconnecting… messages you send will go out when the connection is back.";
  });

  // Sending ---------------------------------------------------------------------------------
  function sendBody(body, clientId) {
    send({ type: "chat.send", room: roomId, body, client_id: clientId });
  }

  function showPending(body, clientId) {
    const li = element("li", "msg msg--pending");
    li.dataset.pending = "";
    li.dataset.clientId = clientId;
    li.dataset.author = me;
    const head = element("div", "msg__head");
    head.append(element("span", "msg__author", "You"));
    const status = element("span", "msg__status", "Sending…");
    status.dataset.status = "";
    head.append(status);
    const text = element("div", "msg__body");
    text.append(element("p", "", body));
    li.append(head, text);
    const empty = list.querySelector("[data-empty]");
    if (empty) empty.remove();
    list.append(li);
    pending.set(clientId, li);
    scrollToBottom();
  }

  composer.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = textarea.value.trim();
    if (!body) return;
    const clientId = newClientId();
    showPending(body, clientId);
    sendBody(body, clientId);
    textarea.value = "";
    textarea.focus();
  });
  textarea.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      composer.requestSubmit();
    }
  });
  textarea.addEventListener("input", () => {
    const now = Date.now();
    if (textarea.value.trim() && now - lastTypingSent > 2000) {
      lastTypingSent = now;
      send({ type: "chat.typing", room: roomId });
    }
  });

  // Edit, delete, retry ---------------------------------------------------------------------
  async function api(method, url, data) {
    const response = await fetch(url, {
      method,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), Accept: "application/json" },
      credentials: "same-origin",
      body: data ? JSON.stringify(data) : undefined,
    });
    if (!response.ok) {
      let detail = `Failed (${response.status}).`;
      try { detail = (await response.json()).detail || detail; } catch (e) { /* not JSON */ }
      throw new Error(detail);
    }
    return response.status === 204 ? null : response.json();
  }

  function startEdit(li) {
    const body = li.querySelector("[data-body]");
    if (li.querySelector("[data-edit-form]")) return;
    const form = element("form", "msg__edit");
    form.dataset.editForm = "";
    const label = element("label", "sr-only", "Edit message");
    const field = element("textarea");
    field.id = `edit-${li.dataset.seq}`;
    label.htmlFor = field.id;
    field.rows = 2;
    field.maxLength = 4000;
    field.value = body.textContent.trim();
    const save = element("button", "", "Save");
    save.type = "submit";
    const cancel = element("button", "button--secondary", "Cancel");
    cancel.type = "button";
    form.append(label, field, save, cancel);
    body.hidden = true;
    body.after(form);
    field.focus();
    const close = () => { form.remove(); body.hidden = false; li.querySelector("[data-action=edit]")?.focus(); };
    cancel.addEventListener("click", close);
    field.addEventListener("keydown", (event) => {
      if (event.key === "Escape") close();
      if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        const message = await api("PATCH", `/api/v1/messages/${li.dataset.id}/`, { body: field.value });
        renderMessage(message, li);
        announce("Message edited.");
      } catch (error) {
        announce(error.message);
        connection.textContent = error.message;
      }
    });
  }

  list.addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-action]");
    if (!button) return;
    const li = button.closest("li");
    if (button.dataset.action === "edit") startEdit(li);
    if (button.dataset.action === "delete") {
      if (!window.confirm("Delete this message?")) return;
      try {
        await api("DELETE", `/api/v1/messages/${li.dataset.id}/`);
        announce("Message deleted.");
      } catch (error) {
        connection.textContent = error.message;
      }
    }
    if (button.dataset.action === "retry") {
      li.classList.remove("msg--failed");
      li.querySelector("[data-status]").textContent = "Sending…";
      button.closest(".msg__actions").remove();
      sendBody(li.querySelector(".msg__body").textContent, li.dataset.clientId);
    }
  });

  // Older history, upwards ------------------------------------------------------------------
  let loadingOlder = false;
  async function loadOlder() {
    if (loadingOlder || olderButton.hidden || !Number.isFinite(firstSeq)) return;
    loadingOlder = true;
    const height = log.scrollHeight;
    try {
      const page = await api("GET", `/api/v1/rooms/${roomId}/messages/?before=${firstSeq}&limit=50`);
      page.results.forEach((message) => {
        if (shown.has(message.seq)) return;
        const li = renderMessage(message);
        insertInOrder(li, message.seq);
        shown.set(message.seq, li);
        firstSeq = Math.min(firstSeq, message.seq);
      });
      olderButton.hidden = !page.has_more;
      log.scrollTop += log.scrollHeight - height; // keep what the reader was looking at
      markSeen();
    } catch (error) {
      connection.textContent = error.message;
    } finally {
      loadingOlder = false;
    }
  }
  olderButton.addEventListener("click", loadOlder);
  log.addEventListener("scroll", () => {
    if (log.scrollTop < 60) loadOlder();
    markRead();
  });
  document.addEventListener("visibilitychange", markRead);

  // Open at the "new messages" line, or at the message a link points to, else at the end.
  const target = new URLSearchParams(window.location.search).get("seq");
  const line = root.querySelector("[data-unread-line]");
  const focusTarget = (target && shown.get(Number(target))) || line;
  if (focusTarget) {
    focusTarget.scrollIntoView({ block: "center" });
    if (target && shown.get(Number(target))) shown.get(Number(target)).classList.add("msg--target");
  } else {
    scrollToBottom();
  }
  markSeen();
  markRead();
}
