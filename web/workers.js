// The workers view: GET v1/workers every few seconds while it is open, with
// the live workers and their current jobs, the queue by priority, and jobs
// completed per minute. In embedded mode the server lists its own worker
// threads as one worker.

import { api, formatSeconds } from "./api.js";
import { currentCapabilities } from "./options.js";
import { jobs } from "./jobs.js";

const REFRESH_MS = 3000;
const panel = document.getElementById("workers");
const toggle = document.getElementById("workers-toggle");
let timer = 0;

function cell(tag, text) {
  const element = document.createElement(tag);
  element.textContent = text;
  return element;
}

function jobLabel(id) {
  const entry = jobs.get(id);
  return entry ? entry.job.name || id : id.slice(0, 8);
}

// Priority numbers with the names the API takes for them (low, normal, high).
function priorityLabel(priority) {
  const names = (currentCapabilities() && currentCapabilities().priorities) || {};
  const name = Object.keys(names).find((key) => String(names[key]) === String(priority));
  return name ? name + " (" + priority + ")" : "priority " + priority;
}

function renderWorkers(data) {
  const now = Date.now() / 1000;
  const rows = document.getElementById("worker-rows");
  rows.replaceChildren(
    ...data.workers.map((worker) => {
      const row = document.createElement("tr");
      const beat = worker.last_beat ? formatSeconds(now - worker.last_beat) + " ago" : "";
      row.append(
        cell("td", String(worker.id) + (worker.host && !String(worker.id).startsWith(worker.host) ? " on " + worker.host : "")),
        cell("td", (worker.busy ?? 0) + " / " + (worker.slots ?? 0)),
        cell("td", (worker.engines || []).join(", ")),
        cell("td", (worker.jobs || []).map(jobLabel).join(", ") || "idle"),
        cell("td", beat),
      );
      return row;
    }),
  );
  document.getElementById("no-workers").hidden = data.workers.length > 0;

  const queue = data.queue || {};
  const byPriority = Object.entries(queue.by_priority || {})
    .filter(([, count]) => count > 0)
    .sort(([a], [b]) => Number(b) - Number(a));
  const queueList = document.getElementById("queue-by-priority");
  queueList.replaceChildren(...byPriority.map(([priority, count]) => cell("li", priorityLabel(priority) + ": " + count)));
  document.getElementById("queue-summary").textContent =
    (queue.queued ?? 0) + " queued, " + (queue.processing ?? 0) + " processing";
  const perMinute10 = (data.completed_last_10_minutes ?? 0) / 10;
  document.getElementById("throughput").textContent =
    (data.completed_last_minute ?? 0) + " in the last minute (" + perMinute10.toFixed(1) + " a minute over the last 10)";
  document.getElementById("workers-error").hidden = true;
}

async function refresh() {
  try {
    renderWorkers(await (await api("v1/workers")).json());
  } catch (error) {
    const line = document.getElementById("workers-error");
    line.textContent = "Could not read the workers: " + error.message;
    line.hidden = false;
  }
  if (!panel.hidden) timer = setTimeout(refresh, REFRESH_MS);
}

export function setUpWorkers() {
  toggle.addEventListener("click", () => {
    panel.hidden = !panel.hidden;
    toggle.setAttribute("aria-expanded", String(!panel.hidden));
    clearTimeout(timer);
    if (!panel.hidden) refresh();
  });
}
