// The web page's behaviour: upload with options, a live list of jobs that
// follows GET v1/events (progress, state, segments as they are decoded),
// downloads, cancel/delete and retry.
//
// Every URL is relative to the page, so the page works under a proxy's
// path prefix. Requests carry the API key (kept in localStorage) as a
// Bearer header; EventSource cannot send headers, so the event stream gets
// it as ?access_token=, which the server accepts for that reason.
"use strict";

const KEY_STORAGE = "soundscripter.apiKey";
const jobs = new Map();  // id -> {job, element, segments: [], segmentsShown}
const jobList = document.getElementById("jobs");
const template = document.getElementById("job-template");

function apiKey() {
  return localStorage.getItem(KEY_STORAGE) || "";
}

function authHeaders() {
  const key = apiKey();
  return key ? { Authorization: "Bearer " + key } : {};
}

// The server's error message, from its {"error": {"code", "message"}} body.
async function errorMessage(response) {
  try {
    const body = await response.json();
    if (body && body.error && body.error.message) return body.error.message;
  } catch (ignored) {
    // not JSON: fall through to the status line
  }
  return response.status + " " + response.statusText;
}

async function api(path, options = {}) {
  const response = await fetch(path, {
    ...options,
    headers: { ...authHeaders(), ...(options.headers || {}) },
  });
  if (response.status === 401) showMessage("This server needs an API key: enter it at the top.");
  if (!response.ok) throw new Error(await errorMessage(response));
  return response;
}

function showMessage(text) {
  const message = document.getElementById("message");
  message.textContent = text;
  message.hidden = !text;
}

// ---- the API key ---------------------------------------------------------

function setUpKeyForm() {
  const input = document.getElementById("api-key");
  input.value = apiKey();
  document.getElementById("key-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (key) localStorage.setItem(KEY_STORAGE, key);
    else localStorage.removeItem(KEY_STORAGE);
    showMessage("");
    // Jobs belong to the key that made them: start over with the new one.
    jobs.clear();
    jobList.replaceChildren();
    loadJobs();
    followEvents();
  });
}

// ---- upload --------------------------------------------------------------

// XMLHttpRequest rather than fetch: only it reports upload progress.
function setUpUploadForm() {
  const form = document.getElementById("upload-form");
  const button = document.getElementById("upload-button");
  const progress = document.getElementById("upload-progress");
  const status = document.getElementById("upload-status");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    for (const [name, value] of [...data.entries()]) {
      if (value === "") data.delete(name);  // empty fields mean the server's default
    }
    const request = new XMLHttpRequest();
    request.open("POST", "v1/jobs");
    for (const [name, value] of Object.entries(authHeaders())) request.setRequestHeader(name, value);
    request.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable) progress.value = e.loaded / e.total;
    });
    request.addEventListener("load", () => {
      button.disabled = false;
      progress.hidden = true;
      let body = null;
      try {
        body = JSON.parse(request.responseText);
      } catch (ignored) {
        // leave body null
      }
      if (request.status === 202 && body) {
        status.textContent = "Queued.";
        upsertJob(body);
        form.reset();
      } else {
        if (request.status === 401) showMessage("This server needs an API key: enter it at the top.");
        status.textContent = (body && body.error && body.error.message) || "Upload failed (" + request.status + ")";
      }
    });
    request.addEventListener("error", () => {
      button.disabled = false;
      progress.hidden = true;
      status.textContent = "Upload failed: the server could not be reached.";
    });
    button.disabled = true;
    progress.hidden = false;
    progress.value = 0;
    status.textContent = "Uploading…";
    request.send(data);
  });
}

// ---- the job list ----------------------------------------------------------

function formatSeconds(seconds) {
  const s = Math.max(0, Math.round(seconds || 0));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, "0");
  return h ? h + ":" + String(m).padStart(2, "0") + ":" + rest : m + ":" + rest;
}

function isActive(state) {
  return state === "queued" || state === "processing";
}

function render(entry) {
  const { job, element } = entry;
  element.dataset.state = job.state;
  element.querySelector(".name").textContent = job.name || job.id;
  const state = element.querySelector(".state");
  state.textContent = job.state === "processing" ? "processing " + Math.round(job.progress * 100) + " %" : job.state;
  state.className = "state " + job.state;
  const progress = element.querySelector(".progress");
  progress.value = job.state === "completed" ? 1 : job.progress || 0;
  progress.hidden = job.state !== "processing" && job.state !== "queued";

  const parts = [formatSeconds(job.media && job.media.duration)];
  if (job.request) {
    parts.push(job.request.task === "translate" ? "translate" : "transcribe");
    parts.push("language " + (job.request.language || "auto"));
    if (job.request.model) parts.push("model " + job.request.model);
  }
  parts.push(new Date(job.created_at * 1000).toLocaleString());
  element.querySelector(".meta").textContent = parts.join(" · ");

  const error = element.querySelector(".error");
  error.hidden = !job.error;
  error.textContent = job.error ? job.error.message : "";

  element.querySelector(".downloads").hidden = job.state !== "completed";
  element.querySelector(".toggle-text").hidden = job.state !== "completed";
  element.querySelector(".retry").hidden = job.state !== "failed" && job.state !== "cancelled";
  element.querySelector(".delete").textContent = isActive(job.state) ? "Cancel" : "Delete";
  document.getElementById("no-jobs").hidden = jobs.size > 0;
}

function addSegment(entry, segment) {
  const list = entry.element.querySelector(".segments");
  const item = document.createElement("li");
  const time = document.createElement("span");
  time.className = "time";
  time.textContent = formatSeconds(segment.start);
  item.append(time, document.createTextNode(" " + segment.text));
  list.append(item);
  list.hidden = false;
  list.scrollTop = list.scrollHeight;
}

function upsertJob(job) {
  let entry = jobs.get(job.id);
  if (!entry) {
    const element = template.content.firstElementChild.cloneNode(true);
    entry = { job, element, segmentsShown: false };
    jobs.set(job.id, entry);
    wireButtons(entry);
    // Newest first, as GET v1/jobs lists them.
    const newer = [...jobs.values()].filter((other) => other !== entry && other.job.created_at > job.created_at);
    const next = [...jobList.children].find((node) => !newer.some((other) => other.element === node));
    jobList.insertBefore(element, next || null);
  } else {
    entry.job = job;
  }
  render(entry);
  return entry;
}

function removeJob(id) {
  const entry = jobs.get(id);
  if (!entry) return;
  entry.element.remove();
  jobs.delete(id);
  document.getElementById("no-jobs").hidden = jobs.size > 0;
}

async function download(entry, format) {
  try {
    const response = await api("v1/jobs/" + encodeURIComponent(entry.job.id) + "/transcript?format=" + format);
    const blob = await response.blob();
    const disposition = response.headers.get("Content-Disposition") || "";
    const named = /filename="([^"]+)"/.exec(disposition);
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = named ? named[1] : (entry.job.name || entry.job.id) + "." + format;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  } catch (error) {
    showMessage("Download failed: " + error.message);
  }
}

// A finished job's text, loaded when asked for (live jobs show theirs as
// the segments arrive).
async function toggleText(entry) {
  const list = entry.element.querySelector(".segments");
  const button = entry.element.querySelector(".toggle-text");
  if (entry.segmentsShown) {
    list.hidden = true;
    entry.segmentsShown = false;
    button.textContent = "Show text";
    return;
  }
  try {
    const response = await api("v1/jobs/" + encodeURIComponent(entry.job.id) + "/transcript?format=json");
    const transcript = await response.json();
    list.replaceChildren();
    for (const segment of transcript.segments) addSegment(entry, segment);
    list.hidden = false;
    entry.segmentsShown = true;
    button.textContent = "Hide text";
  } catch (error) {
    showMessage("Could not load the transcript: " + error.message);
  }
}

function wireButtons(entry) {
  const element = entry.element;
  for (const button of element.querySelectorAll("[data-format]")) {
    button.addEventListener("click", () => download(entry, button.dataset.format));
  }
  element.querySelector(".toggle-text").addEventListener("click", () => toggleText(entry));
  element.querySelector(".retry").addEventListener("click", async () => {
    try {
      const response = await api("v1/jobs/" + encodeURIComponent(entry.job.id) + "/retry", { method: "POST" });
      element.querySelector(".segments").replaceChildren();
      upsertJob(await response.json());
    } catch (error) {
      showMessage("Retry failed: " + error.message);
    }
  });
  element.querySelector(".delete").addEventListener("click", async () => {
    const question = isActive(entry.job.state) ? "Cancel and delete" : "Delete";
    if (!confirm(question + " \u201c" + (entry.job.name || entry.job.id) + "\u201d?")) return;
    try {
      await api("v1/jobs/" + encodeURIComponent(entry.job.id), { method: "DELETE" });
      removeJob(entry.job.id);
    } catch (error) {
      showMessage("Delete failed: " + error.message);
    }
  });
}

async function loadJobs() {
  try {
    const response = await api("v1/jobs?limit=50");
    const page = await response.json();
    // Oldest first, so each insert lands above the ones before it.
    for (const job of page.jobs.slice().reverse()) upsertJob(job);
    document.getElementById("no-jobs").hidden = jobs.size > 0;
  } catch (error) {
    if (apiKey() || !/API key/.test(error.message)) showMessage("Could not list jobs: " + error.message);
  }
}

// A job we have not seen (made by another tab or client with the same key).
const fetching = new Set();
async function fetchJob(id) {
  if (fetching.has(id)) return;
  fetching.add(id);
  try {
    const response = await api("v1/jobs/" + encodeURIComponent(id));
    upsertJob(await response.json());
  } catch (ignored) {
    // deleted meanwhile
  } finally {
    fetching.delete(id);
  }
}

// ---- live events -----------------------------------------------------------

let source = null;

function followEvents() {
  if (source) source.close();
  const key = apiKey();
  source = new EventSource("v1/events" + (key ? "?access_token=" + encodeURIComponent(key) : ""));
  const live = document.getElementById("live");
  // The all-jobs stream does not replay: after a reconnect, catch up from the list.
  let connectedBefore = false;
  source.addEventListener("open", () => {
    live.textContent = "live";
    live.classList.add("on");
    if (connectedBefore) loadJobs();
    connectedBefore = true;
  });

  const handle = (event) => {
    if (!event.data) return;  // the connection's own error event, not the job's
    const data = JSON.parse(event.data);
    const entry = jobs.get(data.job);
    if (!entry) {
      fetchJob(data.job);
      return;
    }
    const job = entry.job;
    if (data.type === "state") {
      job.state = data.state;
      if (data.state === "processing") job.progress = 0;
      if (data.deleted) return removeJob(data.job);
      // The job record carries what the event does not (times, the error).
      if (!isActive(data.state)) fetchJob(data.job);
    } else if (data.type === "progress") {
      job.progress = data.progress;
    } else if (data.type === "segment") {
      addSegment(entry, data.segment);
    } else if (data.type === "error") {
      job.error = data.error;
    }
    render(entry);
  };
  for (const type of ["state", "progress", "segment", "error"]) source.addEventListener(type, handle);
  source.addEventListener("error", (event) => {
    if (event.data) return;  // a job's error event, handled above
    // EventSource reconnects by itself; a 401 closes it for good.
    live.textContent = source.readyState === EventSource.CLOSED ? "offline" : "reconnecting…";
    live.classList.remove("on");
  });
}

setUpKeyForm();
setUpUploadForm();
loadJobs();
followEvents();
