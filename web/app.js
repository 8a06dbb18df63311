// The web page's entry: the API key form, then the upload form (from what
// the server can do), the job list with its live events, the transcript
// player and the workers view. Each part is its own module beside this one.

import { apiKey, clearMessageOnActions, formatBytes, formatDuration, saveApiKey, showMessage } from "./api.js";
import { clearJobs, followEvents, jobs, loadJobs, upsertJob } from "./jobs.js";
import { loadCapabilities, wireOptions } from "./options.js";
import { setUpPlayer } from "./player.js";
import { setUpUploads } from "./upload.js";
import { setUpWorkers } from "./workers.js";

async function setUpForm() {
  const capabilities = await loadCapabilities();
  wireOptions(document.getElementById("upload-form"));
  const limit = document.getElementById("upload-limit");
  if (capabilities && capabilities.max_upload_bytes) {
    limit.textContent =
      "Files up to " + formatBytes(capabilities.max_upload_bytes) +
      (capabilities.max_media_seconds ? " and " + formatDuration(capabilities.max_media_seconds) + " long" : "") + ".";
  }
}

async function start() {
  // The job list first: it is what a returning reader looks for.
  await loadJobs();
  performance.mark("soundscripter-jobs-listed");
  followEvents();
  await setUpForm();
}

function setUpKeyForm() {
  const input = document.getElementById("api-key");
  input.value = apiKey();
  document.getElementById("key-form").addEventListener("submit", (event) => {
    event.preventDefault();
    saveApiKey(input.value.trim());
    showMessage(input.value.trim() ? "Key saved." : "Key removed.", { kind: "note", timeout: 3000 });
    // Jobs belong to the key that made them: start over with the new one.
    clearJobs();
    start();
  });
}

clearMessageOnActions();
setUpKeyForm();
// The live events may have brought the job (and its newer state) first.
setUpUploads((job) => jobs.has(job.id) || upsertJob(job));
setUpPlayer();
setUpWorkers();
start();
