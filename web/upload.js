// Uploads: files dropped anywhere on the page or picked (several at once),
// each with its own row: a progress bar, a cancel button while it runs, and
// the server's refusal when there is one. XMLHttpRequest rather than fetch,
// as only it reports upload progress.

import { authHeaders, bodyErrorMessage, clearMessage, formatBytes, showMessage, unauthorizedText } from "./api.js";
import { maxUploadBytes } from "./options.js";

const form = document.getElementById("upload-form");
const rows = document.getElementById("uploads");
const rowTemplate = document.getElementById("upload-template");
const DONE_ROW_SECONDS = 4;  // a queued upload's row stays this long: the job list has it now

let onQueued = () => {};

// The options as the form shows them; empty fields mean the server's default.
function formOptions() {
  const data = new FormData(form);
  data.delete("file");
  for (const [name, value] of [...data.entries()]) {
    if (value === "") data.delete(name);
  }
  return data;
}

function newRow(file) {
  const row = rowTemplate.content.firstElementChild.cloneNode(true);
  row.querySelector(".upload-name").textContent = file.name;
  row.querySelector(".upload-size").textContent = formatBytes(file.size);
  rows.append(row);
  return row;
}

function finish(row, text, state) {
  row.dataset.state = state;
  row.querySelector(".upload-status").textContent = text;
  row.querySelector("progress").hidden = true;
  const cancel = row.querySelector(".upload-cancel");
  cancel.textContent = "Dismiss";
  cancel.setAttribute("aria-label", "Dismiss " + row.querySelector(".upload-name").textContent);
  cancel.onclick = () => row.remove();
  if (state === "queued") setTimeout(() => row.remove(), DONE_ROW_SECONDS * 1000);
}

function upload(file) {
  const row = newRow(file);
  const progress = row.querySelector("progress");
  const limit = maxUploadBytes();
  if (limit && file.size > limit) {
    finish(row, "Too large: this server takes files up to " + formatBytes(limit) + ".", "refused");
    return;
  }
  const data = formOptions();
  data.append("file", file, file.name);
  const request = new XMLHttpRequest();
  request.open("POST", "v1/jobs");
  for (const [name, value] of Object.entries(authHeaders())) request.setRequestHeader(name, value);
  request.upload.addEventListener("progress", (event) => {
    if (event.lengthComputable) progress.value = event.loaded / event.total;
  });
  request.addEventListener("load", () => {
    let body = null;
    try {
      body = JSON.parse(request.responseText);
    } catch (ignored) {
      // not JSON: the status says it
    }
    if (request.status === 202 && body) {
      finish(row, "Queued.", "queued");
      onQueued(body);
      return;
    }
    const message = bodyErrorMessage(body) || "the server answered " + request.status;
    if (request.status === 401) showMessage(unauthorizedText(message), { tag: "auth" });
    finish(row, "Refused: " + message, "refused");
  });
  request.addEventListener("error", () => finish(row, "Failed: the server could not be reached.", "refused"));
  request.addEventListener("abort", () => finish(row, "Cancelled.", "cancelled"));
  const cancel = row.querySelector(".upload-cancel");
  cancel.setAttribute("aria-label", "Cancel the upload of " + file.name);
  cancel.onclick = () => request.abort();
  row.dataset.state = "uploading";
  row.querySelector(".upload-status").textContent = "Uploading\u2026";
  request.send(data);
}

function uploadAll(files) {
  // Old refusals and cancellations make way for the new batch.
  for (const row of rows.querySelectorAll('[data-state="refused"], [data-state="cancelled"]')) row.remove();
  clearMessage();
  for (const file of files) upload(file);
}

// Files dragged over any part of the page show the drop hint; a drop
// anywhere uploads them.
function setUpDropZone() {
  const overlay = document.getElementById("drop-overlay");
  let depth = 0;  // dragenter/dragleave fire for every child crossed
  const carriesFiles = (event) => event.dataTransfer && [...event.dataTransfer.types].includes("Files");
  document.addEventListener("dragenter", (event) => {
    if (!carriesFiles(event)) return;
    depth += 1;
    overlay.hidden = false;
  });
  document.addEventListener("dragleave", () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) overlay.hidden = true;
  });
  document.addEventListener("dragover", (event) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();  // allows the drop
    event.dataTransfer.dropEffect = "copy";
  });
  document.addEventListener("drop", (event) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();  // or the browser opens the file
    depth = 0;
    overlay.hidden = true;
    uploadAll([...event.dataTransfer.files]);
  });
}

export function setUpUploads(queued) {
  onQueued = queued;
  const input = document.getElementById("file");
  input.addEventListener("change", () => {
    uploadAll([...input.files]);
    input.value = "";  // the same file may be picked again
  });
  form.addEventListener("submit", (event) => event.preventDefault());
  setUpDropZone();
}
