// Accessible modal dialogs: `[data-dialog-open="id"]` opens `<dialog id="id">`.
// Focus moves into the dialog and back to the opener; Esc closes (native `cancel`).
// A `[data-dialog-form]` inside posts with fetch and shows field errors from JSON; without
// JavaScript the `[data-dialog-fallback]` link opens the same form as a page.
const live = () => document.querySelector("[data-live-region]");

function announce(text) {
  const region = live();
  if (!region) return;
  region.textContent = "";
  window.setTimeout(() => { region.textContent = text; }, 50);
}

function clearErrors(form) {
  form.querySelectorAll("[data-client-error]").forEach((node) => node.remove());
  form.querySelectorAll("[aria-invalid]").forEach((input) => {
    input.removeAttribute("aria-invalid");
    const ids = (input.getAttribute("aria-describedby") || "")
      .split(" ")
      .filter((id) => id && !id.endsWith("_error"));
    if (ids.length) input.setAttribute("aria-describedby", ids.join(" "));
    else input.removeAttribute("aria-describedby");
  });
  const summary = form.querySelector("[data-dialog-errors]");
  if (summary) summary.replaceChildren();
}

function showErrors(form, errors) {
  const summary = form.querySelector("[data-dialog-errors]");
  const messages = [];
  let first = null;
  Object.entries(errors).forEach(([name, list]) => {
    const input = form.elements.namedItem(name);
    if (input && input.id && input.type !== "hidden") {
      const ul = document.createElement("ul");
      ul.className = "errorlist";
      ul.id = `${input.id}_error`;
      ul.dataset.clientError = "";
      list.forEach((text) => {
        const li = document.createElement("li");
        li.textContent = text;
        ul.append(li);
      });
      input.before(ul);
      input.setAttribute("aria-invalid", "true");
      const ids = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      input.setAttribute("aria-describedby", [...ids, ul.id].join(" "));
      const label = form.querySelector(`label[for="${input.id}"]`);
      messages.push(`${label ? label.textContent.replace(/[:*\s]+$/, "") : name}: ${list.join(" ")}`);
      if (!first) first = input;
    } else {
      messages.push(list.join(" "));
    }
  });
  if (summary) {
    const p = document.createElement("p");
    p.className = "errorlist";
    p.textContent = `Please correct: ${messages.join(" ")}`;
    summary.replaceChildren(p);
  }
  (first || summary)?.focus?.();
}

function setup(dialog) {
  const openers = document.querySelectorAll(`[data-dialog-open="${dialog.id}"]`);
  const fallbacks = document.querySelectorAll(`[data-dialog-fallback="${dialog.id}"]`);
  let opener = null;
  fallbacks.forEach((link) => { link.hidden = true; });
  openers.forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => {
      opener = button;
      dialog.showModal();
      const target = dialog.querySelector("input:not([type=hidden]), textarea, select");
      if (target) target.focus();
    });
  });
  dialog.addEventListener("close", () => {
    (opener || openers[0])?.focus();
  });
  dialog.querySelectorAll("[data-dialog-close]").forEach((button) => {
    button.addEventListener("click", () => dialog.close());
  });
  // A click on the backdrop (outside the dialog box) closes it too.
  dialog.addEventListener("click", (event) => {
    if (event.target === dialog) dialog.close();
  });
  const form = dialog.querySelector("[data-dialog-form]");
  if (form) {
    const summary = form.querySelector("[data-dialog-errors]");
    if (summary) summary.tabIndex = -1;
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const submit = form.querySelector("[data-dialog-submit]");
      clearErrors(form);
      submit.disabled = true;
      submit.setAttribute("aria-busy", "true");
      try {
        const response = await fetch(form.action, {
          method: "POST",
          body: new FormData(form),
          headers: { "X-Requested-With": "fetch", Accept: "application/json" },
          credentials: "same-origin",
        });
        const data = await response.json().catch(() => ({}));
        if (response.ok && data.url) {
          announce("Issue reported.");
          window.location.assign(data.url);
          return;
        }
        showErrors(form, data.errors || { __all__: ["The issue could not be reported. Try again."] });
      } catch (error) {
        showErrors(form, { __all__: ["The network failed; the issue was not reported. Try again."] });
      } finally {
        submit.disabled = false;
        submit.removeAttribute("aria-busy");
      }
    });
  }
}

document.querySelectorAll("dialog[id]").forEach(setup);
