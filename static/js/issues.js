// Live issue pages: the detail page refreshes its sections and the queue its rows when an
// `issue.updated` frame arrives for an issue on screen.
import { on } from "./socket.js";

const STATUS_LABELS = { pending: "Pending", in_review: "In review", resolved: "Resolved", rejected: "Rejected" };
const PRIORITY_LABELS = { low: "Low", medium: "Medium", high: "High", critical: "Critical" };

function announce(text) {
  const region = document.querySelector("[data-live-region]");
  if (!region) return;
  region.textContent = "";
  window.setTimeout(() => { region.textContent = text; }, 50);
}

function personName(user) {
  return user ? user.display_name || user.username : "Unassigned";
}

function statusBadge(status) {
  const span = document.createElement("span");
  span.className = `status status--${status}`;
  span.dataset.status = status;
  span.textContent = STATUS_LABELS[status] || status;
  return span;
}

// Detail page ---------------------------------------------------------------------------------
const article = document.querySelector("[data-issue-id]");
let refreshing = null;

async function refreshDetail() {
  const response = await fetch(window.location.pathname, {
    headers: { "X-Requested-With": "fetch" },
    credentials: "same-origin",
  });
  if (!response.ok) return;
  const doc = new DOMParser().parseFromString(await response.text(), "text/html");
  document.querySelectorAll("[data-live-section]").forEach((section) => {
    // Never pull a section out from under someone working in it.
    if (section.contains(document.activeElement)) return;
    const fresh = doc.querySelector(`[data-live-section="${section.dataset.liveSection}"]`);
    if (fresh) section.replaceChildren(...fresh.childNodes);
  });
}

if (article) {
  const issueId = Number(article.dataset.issueId);
  on("issue.updated", (frame) => {
    const issue = frame.issue || {};
    if (issue.id !== issueId) return;
    const status = article.querySelector("[data-issue-status]");
    if (status) status.replaceChildren(statusBadge(issue.status));
    const title = article.querySelector("[data-issue-title]");
    if (title) title.textContent = issue.title;
    const changes = (frame.changes || []).filter((c) => c !== "created");
    refreshing = refreshing || refreshDetail().finally(() => { refreshing = null; });
    if (changes.includes("status")) {
      announce(`Issue #${issue.id} is now ${(STATUS_LABELS[issue.status] || issue.status).toLowerCase()}.`);
    } else if (changes.includes("comment")) {
      announce(`New comment on issue #${issue.id}.`);
    } else if (changes.length) {
      announce(`Issue #${issue.id} was updated.`);
    }
  });
}

// Queue ----------------------------------------------------------------------------------------
const queue = document.querySelector("[data-issue-queue]");
const notice = document.querySelector("[data-queue-notice]");

if (queue || notice) {
  let unseen = 0;
  on("issue.updated", (frame) => {
    const issue = frame.issue || {};
    const row = queue && queue.querySelector(`[data-issue-row="${issue.id}"]`);
    if (!row) {
      unseen += 1;
      if (notice) {
        notice.querySelector("[data-queue-notice-text]").textContent =
          `${unseen} issue${unseen === 1 ? "" : "s"} reported or changed since this page loaded.`;
        notice.hidden = false;
      }
      announce(`Issue #${issue.id} reported or changed.`);
      return;
    }
    const cell = (name) => row.querySelector(`[data-cell="${name}"]`);
    cell("title").textContent = issue.title;
    cell("status").replaceChildren(statusBadge(issue.status));
    const priority = document.createElement("span");
    priority.className = `priority priority--${issue.priority}`;
    priority.textContent = PRIORITY_LABELS[issue.priority] || issue.priority;
    cell("priority").replaceChildren(priority);
    cell("assignee").textContent = personName(issue.assignee);
    row.classList.add("is-updated");
    announce(`Issue #${issue.id} updated: ${(STATUS_LABELS[issue.status] || issue.status).toLowerCase()}.`);
  });
}
