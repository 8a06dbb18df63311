// A finished job's transcript beside its media: the media plays from
// v1/jobs/{id}/media (Range requests, so it seeks without loading it all);
// the segment being spoken is highlighted and kept in view; a click on a
// segment or a word seeks there; a waveform (wavesurfer.js, built into the
// binary when scripts/setup installed it) marks the segments; search
// highlights matches; the text can be copied. Keys: space plays and pauses,
// the arrow keys move between segments.

import { api, formatSeconds, jobPath, showMessage, withToken } from "./api.js";

const viewer = document.getElementById("viewer");
const title = document.getElementById("viewer-title");
const mediaSlot = document.getElementById("player");
const waveform = document.getElementById("waveform");
const list = document.getElementById("transcript");
const search = document.getElementById("search");
const searchCount = document.getElementById("search-count");
const VIDEO_EXTENSIONS = ["mp4", "m4v", "mov", "mkv", "webm", "avi", "ogv"];
// The waveform is drawn from the whole file decoded in the browser: past
// this size that costs more memory and time than it is worth.
const WAVEFORM_MAX_BYTES = 64 * 1000 * 1000;

let view = null;  // {job, segments, media, items, current, waveSurfer, regions}

function isVideo(job) {
  const name = (job.media && job.media.filename) || job.name || "";
  const extension = name.includes(".") ? name.split(".").pop().toLowerCase() : "";
  return VIDEO_EXTENSIONS.includes(extension);
}

function seek(seconds) {
  if (!view) return;
  view.media.currentTime = Math.max(0, seconds);
}

// ---- the segments ------------------------------------------------------------

function textWithMarks(text, query) {
  if (!query) return [document.createTextNode(text)];
  const nodes = [];
  const lower = text.toLowerCase();
  let from = 0;
  for (let at = lower.indexOf(query); at >= 0; at = lower.indexOf(query, from)) {
    nodes.push(document.createTextNode(text.slice(from, at)));
    const mark = document.createElement("mark");
    mark.textContent = text.slice(at, at + query.length);
    nodes.push(mark);
    from = at + query.length;
  }
  nodes.push(document.createTextNode(text.slice(from)));
  return nodes;
}

// A segment's text: its words as clickable spans when it has word times
// (and no search is shown), else its text with the matches marked.
function fillSegmentText(item, segment, query) {
  const text = item.querySelector(".text");
  if (!query && segment.words && segment.words.length) {
    text.replaceChildren(
      ...segment.words.flatMap((word, index) => {
        const span = document.createElement("span");
        span.className = "word";
        span.dataset.start = word.start;
        span.textContent = word.word.trim();
        return index ? [document.createTextNode(" "), span] : [span];
      }),
    );
  } else {
    text.replaceChildren(...textWithMarks(segment.text.trim(), query));
  }
}

function renderSegments() {
  list.replaceChildren(
    ...view.segments.map((segment, index) => {
      const item = document.createElement("li");
      item.className = "segment";
      item.dataset.index = index;
      item.dataset.start = segment.start;
      const time = document.createElement("span");
      time.className = "time";
      time.textContent = formatSeconds(segment.start);
      const text = document.createElement("span");
      text.className = "text";
      item.append(time, text);
      fillSegmentText(item, segment, "");
      return item;
    }),
  );
  view.items = [...list.children];
}

// Keeps `item` visible inside the list without scrolling the page.
function keepInView(item) {
  const top = item.offsetTop;
  const bottom = top + item.offsetHeight;
  if (top < list.scrollTop || bottom > list.scrollTop + list.clientHeight) {
    list.scrollTop = Math.max(0, top - list.clientHeight / 3);
  }
}

function highlight(index) {
  if (!view || index === view.current) return;
  const previous = view.items[view.current];
  if (previous) previous.classList.remove("current");
  view.current = index;
  const item = view.items[index];
  if (!item) return;
  item.classList.add("current");
  item.setAttribute("aria-current", "true");
  if (previous) previous.removeAttribute("aria-current");
  keepInView(item);
  markCurrentRegion(index);
}

// The segment being spoken at `time`: the last one that started by then.
// Several may share a start; the one chosen with the keys is kept.
function segmentAt(time) {
  const segments = view.segments;
  let low = 0;
  let high = segments.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (segments[middle].start <= time + 0.001) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  const current = segments[view.current];
  if (found >= 0 && current && current.start === segments[found].start) return view.current;
  return found;
}

function follow() {
  if (view) highlight(segmentAt(view.media.currentTime));
}

function step(by) {
  if (!view || !view.segments.length) return;
  const from = view.current < 0 ? (by > 0 ? -1 : 0) : view.current;
  const index = Math.min(view.segments.length - 1, Math.max(0, from + by));
  highlight(index);
  seek(view.segments[index].start);
}

// ---- search and copy ---------------------------------------------------------

let matchIndex = -1;

function applySearch() {
  if (!view) return;
  const query = search.value.trim().toLowerCase();
  view.segments.forEach((segment, index) => fillSegmentText(view.items[index], segment, query));
  const count = list.querySelectorAll("mark").length;
  searchCount.textContent = query ? (count === 1 ? "1 match" : count + " matches") : "";
  matchIndex = -1;
}

function nextMatch(by) {
  const marks = [...list.querySelectorAll("mark")];
  if (!marks.length) return;
  if (marks[matchIndex]) marks[matchIndex].classList.remove("selected");
  matchIndex = (matchIndex + by + marks.length) % marks.length;
  marks[matchIndex].classList.add("selected");
  keepInView(marks[matchIndex].closest("li"));
}

function transcriptText() {
  return view.segments.map((segment) => segment.text.trim()).join("\n") + "\n";
}

async function copyText() {
  if (!view) return;
  try {
    await navigator.clipboard.writeText(transcriptText());
    showMessage("Copied the text of " + (view.job.name || view.job.id) + ".", { kind: "note", timeout: 3000 });
  } catch (error) {
    showMessage("Could not copy the text: " + error.message);
  }
}

// ---- the waveform --------------------------------------------------------------

const REGION_COLOR = "rgba(47, 111, 222, 0.10)";
const CURRENT_REGION_COLOR = "rgba(47, 111, 222, 0.30)";

function markCurrentRegion(index) {
  if (!view || !view.regions) return;
  for (const region of view.regions.getRegions()) {
    region.setOptions({ color: region.id === "segment-" + index ? CURRENT_REGION_COLOR : REGION_COLOR });
  }
}

async function drawWaveform(shown) {
  let WaveSurfer;
  let RegionsPlugin;
  try {
    ({ default: WaveSurfer } = await import("./wavesurfer.esm.js"));
    ({ default: RegionsPlugin } = await import("./wavesurfer-regions.esm.js"));
  } catch (ignored) {
    return;  // built without it: the player works without a waveform
  }
  if (view !== shown) return;
  const style = getComputedStyle(document.documentElement);
  const regions = RegionsPlugin.create();
  waveform.hidden = false;
  shown.waveSurfer = WaveSurfer.create({
    container: waveform,
    media: shown.media,
    url: shown.media.src,  // the same URL: the element keeps streaming it
    height: 64,
    normalize: true,
    waveColor: style.getPropertyValue("--muted").trim() || "#667085",
    progressColor: style.getPropertyValue("--accent").trim() || "#2f6fde",
    cursorColor: style.getPropertyValue("--fg").trim() || "#1d2330",
    fetchParams: { cache: "force-cache" },
    plugins: [regions],
  });
  shown.waveSurfer.on("decode", () => {
    shown.segments.forEach((segment, index) =>
      regions.addRegion({
        id: "segment-" + index,
        start: segment.start,
        end: Math.max(segment.end, segment.start + 0.05),
        color: REGION_COLOR,
        drag: false,
        resize: false,
      }),
    );
    shown.regions = regions;
    markCurrentRegion(shown.current);
    waveform.dataset.ready = "true";
  });
  shown.waveSurfer.on("error", () => {
    waveform.hidden = true;
  });
}

// ---- opening and closing ---------------------------------------------------------

function close() {
  if (!view) return;
  view.media.pause();
  if (view.waveSurfer) view.waveSurfer.destroy();
  view.media.removeAttribute("src");
  view.media.load();
  view = null;
  mediaSlot.replaceChildren();
  waveform.replaceChildren();
  waveform.hidden = true;
  delete waveform.dataset.ready;
  list.replaceChildren();
  viewer.hidden = true;
}

export function closeTranscriptOf(id) {
  if (view && view.job.id === id) close();
}

export async function openTranscript(job) {
  const name = job.name || job.id;
  let transcript;
  try {
    transcript = await (await api(jobPath(job.id, "/transcript?format=json"))).json();
  } catch (error) {
    const why = error.status === 409 ? "it has no transcript (nothing was transcribed before it stopped)" : error.message;
    showMessage("Could not load the transcript of " + name + ": " + why, { tag: "transcript" });
    return;
  }
  close();
  const media = document.createElement(isVideo(job) ? "video" : "audio");
  media.controls = true;
  media.preload = "metadata";
  media.src = new URL(withToken(jobPath(job.id, "/media")), document.baseURI).href;
  media.setAttribute("aria-label", "Play " + name);
  mediaSlot.replaceChildren(media);
  view = { job, segments: transcript.segments || [], media, items: [], current: -1, waveSurfer: null, regions: null };
  title.textContent = name + (job.state === "cancelled" ? " (cancelled: the part transcribed before)" : "");
  search.value = "";
  searchCount.textContent = "";
  renderSegments();
  media.addEventListener("timeupdate", follow);
  media.addEventListener("seeked", follow);
  viewer.hidden = false;
  viewer.scrollIntoView({ block: "nearest" });
  if (!job.media || !job.media.bytes || job.media.bytes <= WAVEFORM_MAX_BYTES) drawWaveform(view);
}

// ---- wiring --------------------------------------------------------------------

function isTyping(target) {
  return target instanceof HTMLElement && (target.isContentEditable || target.closest("input, textarea, select, button, audio, video"));
}

export function setUpPlayer() {
  document.getElementById("viewer-close").addEventListener("click", close);
  document.getElementById("copy-text").addEventListener("click", copyText);
  search.addEventListener("input", applySearch);
  search.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      nextMatch(event.shiftKey ? -1 : 1);
    }
  });
  list.addEventListener("click", (event) => {
    const word = event.target.closest(".word");
    const item = event.target.closest(".segment");
    if (!item || !view) return;
    const index = Number(item.dataset.index);
    highlight(index);
    seek(word ? Number(word.dataset.start) : view.segments[index].start);
  });
  document.addEventListener("keydown", (event) => {
    if (!view || viewer.hidden || event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
    if (event.key === " ") {
      event.preventDefault();
      if (view.media.paused) view.media.play().catch(() => {});
      else view.media.pause();
    } else if (event.key === "ArrowDown" || event.key === "ArrowRight") {
      event.preventDefault();
      step(1);
    } else if (event.key === "ArrowUp" || event.key === "ArrowLeft") {
      event.preventDefault();
      step(-1);
    }
  });
}
