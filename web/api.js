// Talking to the server: the API key, requests with it, the server's error
// messages, and the one message line at the top of the job list.
//
// Every URL is relative to the page, so the page works under a proxy's path
// prefix. Requests carry the API key (kept in localStorage) as a Bearer
// header; what cannot send headers (EventSource, <audio src>) gets it as
// ?access_token=, which the server accepts for that reason.

const KEY_STORAGE = "soundscripter.apiKey";

export function apiKey() {
  return localStorage.getItem(KEY_STORAGE) || "";
}

export function saveApiKey(key) {
  if (key) localStorage.setItem(KEY_STORAGE, key);
  else localStorage.removeItem(KEY_STORAGE);
}

export function authHeaders() {
  const key = apiKey();
  return key ? { Authorization: "Bearer " + key } : {};
}

// `path` with the key as ?access_token=, for elements that cannot send headers.
export function withToken(path) {
  const key = apiKey();
  if (!key) return path;
  return path + (path.includes("?") ? "&" : "?") + "access_token=" + encodeURIComponent(key);
}

export function jobPath(id, rest = "") {
  return "v1/jobs/" + encodeURIComponent(id) + rest;
}

// The server's message from its {"error": {"code", "message"}} body.
export function bodyErrorMessage(body) {
  return body && body.error && body.error.message ? body.error.message : "";
}

async function responseErrorMessage(response) {
  try {
    const message = bodyErrorMessage(await response.json());
    if (message) return message;
  } catch (ignored) {
    // not JSON: fall through to the status line
  }
  return response.status + " " + response.statusText;
}

// What to tell the reader about a 401: a wrong key and a missing one need
// different actions.
export function unauthorizedText(serverMessage) {
  return apiKey()
    ? serverMessage.charAt(0).toUpperCase() + serverMessage.slice(1) + ": check the key at the top."
    : "This server needs an API key: enter it at the top.";
}

export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

export async function api(path, options = {}) {
  let response;
  try {
    response = await fetch(path, { ...options, headers: { ...authHeaders(), ...(options.headers || {}) } });
  } catch (error) {
    throw new ApiError("the server could not be reached", 0);
  }
  if (!response.ok) {
    const message = await responseErrorMessage(response);
    if (response.status === 401) showMessage(unauthorizedText(message), { tag: "auth" });
    throw new ApiError(message, response.status);
  }
  return response;
}

export function postJson(path, body) {
  return api(path, {
    method: "POST",
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

// ---- the message line ------------------------------------------------------
// One line for what went wrong (or, briefly, right). Each message has a tag
// saying what it is about, so the thing that fixes it can clear it (the
// connection coming back clears "connection" and "transcript"); any click on
// a button clears it too, as the reader has moved on. Notes that are only
// news (not errors) go away by themselves.

let messageTag = "";
let messageTimer = 0;

export function showMessage(text, { tag = "", timeout = 0, kind = "error" } = {}) {
  const element = document.getElementById("message");
  clearTimeout(messageTimer);
  element.textContent = text;
  element.hidden = !text;
  element.dataset.kind = kind;
  messageTag = text ? tag : "";
  if (text && timeout) messageTimer = setTimeout(() => clearMessage(), timeout);
}

// Clears the line if it is about one of `tags` (or whatever it is about).
export function clearMessage(...tags) {
  if (tags.length && !tags.includes(messageTag)) return;
  showMessage("");
}

export function clearMessageOnActions() {
  document.addEventListener(
    "click",
    (event) => {
      if (event.target.closest("button") && messageTag !== "auth") clearMessage();
    },
    true,
  );
}

// ---- formatting ------------------------------------------------------------

export function formatSeconds(seconds) {
  const s = Math.max(0, Math.floor(seconds || 0));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, "0");
  return h ? h + ":" + String(m).padStart(2, "0") + ":" + rest : m + ":" + rest;
}

// Sizes as the server's limits are given (1M = 1024 * 1024 bytes).
export function formatBytes(bytes) {
  const units = ["bytes", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const shown = unit && value < 10 ? value.toFixed(1).replace(/\.0$/, "") : String(Math.round(value));
  return shown + " " + units[unit];
}

export function formatDuration(seconds) {
  if (seconds >= 3600 && seconds % 3600 === 0) return seconds / 3600 + " h";
  if (seconds >= 60 && seconds % 60 === 0) return seconds / 60 + " min";
  return formatSeconds(seconds);
}
