// The job list: GET v1/jobs, kept live by GET v1/events (state, progress and
// segments as they are decoded), with each job's actions: downloads for a
// finished job, open its transcript, cancel (the job stays, as cancelled),
// retry with other options, delete.

import { ApiError, api, apiKey, clearMessage, formatSeconds, jobPath, postJson, showMessage, withToken } from "./api.js";
import { currentCapabilities, wireOptions } from "./options.js";
import { openTranscript, closeTranscriptOf } from "./player.js";

export const jobs = new Map();  // id -> {job, element}
const jobList = document.getElementById("jobs");
const template = document.getElementById("job-template");
const FORMATS = [
  ["txt", "text"],
  ["srt", "SRT"],
  ["vtt", "WebVTT"],
  ["json", "JSON"],
  ["tsv", "TSV"],
  ["zip", "a zip of every format"],
];

function isActive(state) {
  return state === "queued" || state === "processing";
}

function displayName(job) {
  return job.name || job.id;
}

// A cancelled job may have kept what was transcribed before the cancel.
function mayHaveTranscript(job) {
  return job.state === "completed" || job.state === "cancelled";
}

function render(entry) {
  const { job, element } = entry;
  const name = displayName(job);
  element.dataset.state = job.state;
  element.dataset.id = job.id;
  element.querySelector(".name").textContent = name;
  const state = element.querySelector(".state");
  state.textContent = job.state === "processing" ? "processing " + Math.round((job.progress || 0) * 100) + " %" : job.state;
  state.className = "state " + job.state;
  const progress = element.querySelector(".progress");
  progress.value = job.progress || 0;
  progress.hidden = !isActive(job.state);

  const parts = [formatSeconds(job.media && job.media.duration)];
  if (job.request) {
    if (job.request.engine) parts.push(job.request.engine);
    if (job.request.model) parts.push("model " + job.request.model);
    parts.push(job.request.task === "translate" ? "translate" : "transcribe");
    parts.push("language " + (job.request.language || "auto"));
  }
  parts.push(new Date(job.created_at * 1000).toLocaleString());
  element.querySelector(".meta").textContent = parts.join(" \u00b7 ");

  const error = element.querySelector(".error");
  error.hidden = !job.error;
  error.textContent = job.error ? job.error.message : "";

  const downloads = element.querySelector(".downloads");
  downloads.hidden = job.state !== "completed";
  for (const button of downloads.querySelectorAll("[data-format]")) {
    const label = FORMATS.find(([format]) => format === button.dataset.format)[1];
    button.setAttribute("aria-label", "Download " + name + " as " + label);
  }
  const open = element.querySelector(".open");
  open.hidden = !mayHaveTranscript(job);
  open.setAttribute("aria-label", "Open the transcript of " + name);
  const cancel = element.querySelector(".cancel");
  cancel.hidden = !isActive(job.state);
  cancel.setAttribute("aria-label", "Cancel " + name);
  const retry = element.querySelector(".retry");
  retry.hidden = job.state !== "failed" && job.state !== "cancelled";
  retry.setAttribute("aria-label", "Retry " + name);
  if (retry.hidden) element.querySelector(".retry-form").hidden = true;
  element.querySelector(".delete").setAttribute("aria-label", "Delete " + name);
  if (!isActive(job.state)) element.querySelector(".segments").hidden = true;
  document.getElementById("no-jobs").hidden = jobs.size > 0;
}

function addLiveSegment(entry, segment) {
  const list = entry.element.querySelector(".segments");
  const item = document.createElement("li");
  const time = document.createElement("span");
  time.className = "time";
  time.textContent = formatSeconds(segment.start);
  item.append(time, document.createTextNode(" " + segment.text.trim()));
  list.append(item);
  list.hidden = false;
  list.scrollTop = list.scrollHeight;
}

export function upsertJob(job) {
  let entry = jobs.get(job.id);
  if (!entry) {
    const element = template.content.firstElementChild.cloneNode(true);
    entry = { job, element };
    jobs.set(job.id, entry);
    wireButtons(entry);
    // Newest first, as GET v1/jobs lists them.
    const next = [...jobs.values()]
      .filter((other) => other !== entry && other.job.created_at < job.created_at && other.element.isConnected)
      .sort((a, b) => b.job.created_at - a.job.created_at)[0];
    jobList.insertBefore(element, next ? next.element : null);
  } else {
    entry.job = job;
  }
  render(entry);
  return entry;
}

function removeJob(id) {
  const entry = jobs.get(id);
  if (!entry) return;
  closeTranscriptOf(id);
  entry.element.remove();
  jobs.delete(id);
  document.getElementById("no-jobs").hidden = jobs.size > 0;
}

async function download(entry, format) {
  try {
    const response = await api(jobPath(entry.job.id, "/transcript?format=" + format));
    const blob = await response.blob();
    const disposition = response.headers.get("Content-Disposition") || "";
    const named = /filename="([^"]+)"/.exec(disposition);
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = named ? named[1] : displayName(entry.job) + "." + format;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  } catch (error) {
    showMessage("Could not download " + displayName(entry.job) + ": " + error.message);
  }
}

// Calls `action` (a request that answers the job) and shows the job it returns.
async function jobAction(entry, what, action) {
  try {
    const response = await action();
    upsertJob(await response.json());
    return true;
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 401)) {
      showMessage(what + " " + displayName(entry.job) + " failed: " + error.message);
    }
    return false;
  }
}

function setUpRetryForm(entry) {
  const form = entry.element.querySelector(".retry-form");
  const retry = entry.element.querySelector(".retry");
  retry.addEventListener("click", () => {
    if (!form.hidden) {
      form.hidden = true;
      return;
    }
    wireOptions(form, entry.job.request || {});
    form.hidden = false;
    form.elements.engine.focus();
  });
  form.querySelector(".retry-close").addEventListener("click", () => (form.hidden = true));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = {};
    for (const name of ["engine", "model", "language", "task"]) body[name] = form.elements[name].value;
    // An older server's form offers only its defaults: retry as it was.
    const options = currentCapabilities() ? body : undefined;
    if (await jobAction(entry, "Retrying", () => postJson(jobPath(entry.job.id, "/retry"), options))) {
      form.hidden = true;
      entry.element.querySelector(".segments").replaceChildren();
    }
  });
}

function wireButtons(entry) {
  const element = entry.element;
  for (const button of element.querySelectorAll("[data-format]")) {
    button.addEventListener("click", () => download(entry, button.dataset.format));
  }
  element.querySelector(".open").addEventListener("click", () => openTranscript(entry.job));
  element.querySelector(".cancel").addEventListener("click", () =>
    jobAction(entry, "Cancelling", () => postJson(jobPath(entry.job.id, "/cancel"))),
  );
  setUpRetryForm(entry);
  element.querySelector(".delete").addEventListener("click", async () => {
    const running = isActive(entry.job.state) ? " (it is still running: this stops it)" : "";
    if (!confirm("Delete \u201c" + displayName(entry.job) + "\u201d with its media and transcript" + running + "?")) return;
    try {
      await api(jobPath(entry.job.id), { method: "DELETE" });
      removeJob(entry.job.id);
    } catch (error) {
      if (error.status === 404) removeJob(entry.job.id);
      else showMessage("Could not delete " + displayName(entry.job) + ": " + error.message);
    }
  });
}

export async function loadJobs() {
  try {
    const page = await (await api("v1/jobs?limit=50")).json();
    // Oldest first, so each insert lands above the ones before it.
    for (const job of page.jobs.slice().reverse()) upsertJob(job);
    document.getElementById("no-jobs").hidden = jobs.size > 0;
    document.getElementById("jobs-panel").setAttribute("aria-busy", "false");
    clearMessage("jobs");
    return true;
  } catch (error) {
    if (error.status !== 401) showMessage("Could not list the jobs: " + error.message, { tag: "jobs" });
    return false;
  }
}

export function clearJobs() {
  for (const id of [...jobs.keys()]) removeJob(id);
}

// A job we have not seen (made by another tab or client with the same key).
const fetching = new Set();
async function fetchJob(id) {
  if (fetching.has(id)) return;
  fetching.add(id);
  try {
    upsertJob(await (await api(jobPath(id))).json());
  } catch (ignored) {
    // deleted meanwhile
  } finally {
    fetching.delete(id);
  }
}

// ---- live events -----------------------------------------------------------

let source = null;

function handleEvent(event) {
  if (!event.data) return;  // the connection's own error event, not the job's
  const data = JSON.parse(event.data);
  const entry = jobs.get(data.job);
  if (!entry) {
    if (!(data.type === "state" && data.deleted)) fetchJob(data.job);
    return;
  }
  const job = entry.job;
  if (data.type === "state") {
    if (data.deleted) return removeJob(data.job);
    job.state = data.state;
    if (data.state === "processing") job.progress = 0;
    if (data.state === "queued") entry.element.querySelector(".segments").replaceChildren();
    // The job record carries what the event does not (times, the error).
    if (!isActive(data.state)) fetchJob(data.job);
  } else if (data.type === "progress") {
    job.progress = data.progress;
    if (job.state === "queued") job.state = "processing";
  } else if (data.type === "segment") {
    addLiveSegment(entry, data.segment);
  } else if (data.type === "error") {
    job.error = data.error;
  }
  render(entry);
}

// EventSource gives up on an error status (a 401, a 503 while the server
// starts): try again later, unless the key is what is wrong (saving
// another key starts the stream anew).
async function reconnectUnlessRefused() {
  if (!source || source.readyState !== EventSource.CLOSED) return;
  try {
    await api("v1/jobs?limit=1");
  } catch (error) {
    if (error.status === 401) return;
  }
  followEvents({ catchUp: true });
}

// catchUp: this replaces a stream that ended, so the list is read again on
// the first open (what happened meanwhile was not replayed).
export function followEvents({ catchUp = false } = {}) {
  if (source) source.close();
  source = new EventSource(withToken("v1/events"));
  const live = document.getElementById("live");
  // The all-jobs stream does not replay: after a reconnect, catch up from the list.
  let connectedBefore = catchUp;
  source.addEventListener("open", async () => {
    live.textContent = "live";
    live.classList.add("on");
    if (connectedBefore && (await loadJobs())) clearMessage("connection", "transcript");
    connectedBefore = true;
  });
  for (const type of ["state", "progress", "segment", "error"]) source.addEventListener(type, handleEvent);
  source.addEventListener("error", (event) => {
    if (event.data) return;  // a job's error event, handled above
    // EventSource reconnects by itself; a 401 closes it for good.
    const closed = source.readyState === EventSource.CLOSED;
    live.textContent = closed ? (apiKey() ? "offline" : "offline: needs an API key") : "reconnecting\u2026";
    live.classList.remove("on");
    if (closed) setTimeout(reconnectUnlessRefused, 5000);
  });
}
