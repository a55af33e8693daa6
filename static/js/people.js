// People and profile pages: confirm destructive actions, copy a new token key, and keep the
// directory's online dots current from the live `presence` frames.
import { on } from "./socket.js";

const live = document.querySelector("[data-live-region]");

function announce(text) {
  if (!live) return;
  live.textContent = "";
  // A fresh text node after a tick makes screen readers announce a repeated message too.
  setTimeout(() => { live.textContent = text; }, 50);
}

for (const form of document.querySelectorAll("form[data-confirm]")) {
  form.addEventListener("submit", (event) => {
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  });
}

for (const button of document.querySelectorAll("[data-copy-target]")) {
  button.hidden = false;
  button.addEventListener("click", async () => {
    const field = document.getElementById(button.dataset.copyTarget);
    if (!field) return;
    try {
      await navigator.clipboard.writeText(field.value);
    } catch {
      field.select();
      document.execCommand("copy");
    }
    announce("Token copied to the clipboard.");
  });
}

on("presence", (frame) => {
  const row = document.querySelector(`[data-person-id="${Number(frame.user)}"]`);
  if (!row || row.dataset.active !== "true") return;
  row.querySelector(".presence")?.classList.toggle("presence--online", Boolean(frame.online));
  const state = row.querySelector(".person__state");
  if (state) state.textContent = frame.online ? "Online" : "Offline";
});
