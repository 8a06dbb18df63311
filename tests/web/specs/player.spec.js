// A finished transcript with its media: clicking a segment seeks the
// player there; the highlight follows playback; the keys move between
// segments and play and pause; search marks the matches; copy gives the
// text; the waveform marks the segments.

import fs from "node:fs";
import { testAssets } from "../support/assets.js";
import { expect, getJson, jobRow, screenshot, submitJob, test, waitForState } from "../support/fixtures.js";

const assets = testAssets();

// The index of the segment being spoken at `time` by the page's rule: the
// last one that started by then (any with the same start will do).
function expectedSegment(segments, time) {
  let found = -1;
  segments.forEach((segment, index) => {
    if (segment.start <= time + 0.001) found = index;
  });
  return found;
}

async function openFinishedTranscript(page, serve, fields = {}) {
  const id = await submitJob(serve, assets.mediumWav, { model: "test", ...fields });
  await waitForState(serve, id, ["completed"]);
  const transcript = await getJson(serve, "v1/jobs/" + id + "/transcript?format=json");
  expect(transcript.segments.length).toBeGreaterThan(2);
  await page.goto("/");
  await jobRow(page, id).getByRole("button", { name: "Open the transcript of speech-40s.wav" }).click();
  await expect(page.locator("#viewer")).toBeVisible();
  await expect(page.locator("#transcript .segment")).toHaveCount(transcript.segments.length);
  const media = page.locator("#player audio");
  await expect(media).toHaveAttribute("src", new RegExp("v1/jobs/" + id + "/media$"));
  await expect.poll(() => media.evaluate((m) => m.readyState)).toBeGreaterThanOrEqual(1);
  return { id, segments: transcript.segments, media };
}

// Where the player is, and which segment the page highlights, read at once.
function playerState(page) {
  return page.evaluate(() => {
    const media = document.querySelector("#player audio");
    const current = document.querySelector("#transcript .segment.current");
    return { time: media.currentTime, paused: media.paused, current: current ? Number(current.dataset.index) : -1 };
  });
}

test("clicking a segment seeks there, and the highlight follows playback", async ({ page, serve }) => {
  const { segments, media } = await openFinishedTranscript(page, serve);
  // A segment that starts a few seconds in, so the seek is visible.
  const target = segments.findIndex((segment) => segment.start >= 3);
  expect(target).toBeGreaterThan(0);
  await page.locator(`#transcript .segment[data-index="${target}"] .time`).click();
  await expect.poll(async () => (await playerState(page)).time).toBeCloseTo(segments[target].start, 2);
  expect((await playerState(page)).current).toBe(target);

  await expect(page.locator("#waveform")).toHaveAttribute("data-ready", "true");
  await expect(page.locator("#waveform")).toBeVisible();
  await screenshot(page.locator("#viewer"), "transcript-player-waveform");

  await media.evaluate((m) => m.play());
  await expect.poll(async () => (await playerState(page)).time, { timeout: 10000 }).toBeGreaterThan(segments[target].start + 1.5);
  await media.evaluate((m) => m.pause());
  await expect.poll(async () => (await playerState(page)).paused).toBe(true);
  await page.waitForTimeout(300);  // the last timeupdate after the pause
  const state = await playerState(page);
  const expected = expectedSegment(segments, state.time);
  expect(segments[state.current].start).toBe(segments[expected].start);
  // The highlighted segment is scrolled into the list's view.
  const inView = await page.locator("#transcript .segment.current").evaluate((item) => {
    const list = item.parentElement.getBoundingClientRect();
    const box = item.getBoundingClientRect();
    return box.top >= list.top - 1 && box.bottom <= list.bottom + 1;
  });
  expect(inView).toBe(true);
});

test("the keys play, pause and move between segments", async ({ page, serve }) => {
  const { segments } = await openFinishedTranscript(page, serve);
  await page.locator("#viewer-title").click();  // focus on the page, not on a field
  await page.keyboard.press("ArrowDown");
  await expect.poll(async () => (await playerState(page)).current).toBe(0);
  await page.keyboard.press("ArrowDown");
  await expect.poll(async () => (await playerState(page)).current).toBe(1);
  await expect.poll(async () => (await playerState(page)).time).toBeCloseTo(segments[1].start, 2);
  await page.keyboard.press("ArrowUp");
  await expect.poll(async () => (await playerState(page)).current).toBe(0);
  await page.keyboard.press(" ");
  await expect.poll(async () => (await playerState(page)).paused).toBe(false);
  await page.keyboard.press(" ");
  await expect.poll(async () => (await playerState(page)).paused).toBe(true);
  // Typing in the search field is typing, not moving.
  const before = (await playerState(page)).current;
  await page.locator("#search").press("ArrowDown");
  expect((await playerState(page)).current).toBe(before);
});

test("search marks every match; copy gives the transcript's text", async ({ page, serve, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const { segments } = await openFinishedTranscript(page, serve);
  // The first word of the transcript, and how often it occurs in it.
  const word = segments[0].text.trim().split(/\s+/)[0].toLowerCase();
  const occurrences = segments
    .map((segment) => segment.text.trim().toLowerCase().split(word).length - 1)
    .reduce((a, b) => a + b, 0);
  await page.locator("#search").fill(word);
  await expect(page.locator("#transcript mark")).toHaveCount(occurrences);
  await expect(page.locator("#search-count")).toHaveText(occurrences === 1 ? "1 match" : occurrences + " matches");
  await page.locator("#search").fill("no such words here");
  await expect(page.locator("#transcript mark")).toHaveCount(0);
  await expect(page.locator("#search-count")).toHaveText("0 matches");

  await page.getByRole("button", { name: "Copy text" }).click();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toBe(segments.map((segment) => segment.text.trim()).join("\n") + "\n");
});

test("a word with its own time seeks there when clicked", async ({ page, serve }) => {
  const { segments } = await openFinishedTranscript(page, serve, { word_timestamps: "true" });
  const index = segments.findIndex((segment) => segment.words && segment.words.length && segment.words[0].start > 1);
  expect(index).toBeGreaterThanOrEqual(0);
  await page.locator(`#transcript .segment[data-index="${index}"] .word`).first().click();
  await expect.poll(async () => (await playerState(page)).time).toBeCloseTo(segments[index].words[0].start, 2);
});

test("a video upload plays in a video element", async ({ page, serve }) => {
  test.skip(!fs.existsSync(assets.video), "no ffmpeg to make the WebM with");
  const id = await submitJob(serve, assets.video, { model: "test" });
  await waitForState(serve, id, ["completed"]);
  await page.goto("/");
  await jobRow(page, id).getByRole("button", { name: "Open the transcript of clip.webm" }).click();
  const video = page.locator("#player video");
  await expect(video).toHaveCount(1);
  await expect.poll(() => video.evaluate((v) => v.readyState)).toBeGreaterThanOrEqual(1);
  expect(await video.evaluate((v) => v.videoWidth)).toBe(160);
});

test.describe("a binary built without wavesurfer.js", () => {
  test.use({ expectedConsoleErrors: [/status of 404/] });

  test("plays and seeks without the waveform", async ({ page, serve }) => {
    await page.route(/\/web\/wavesurfer[^/]*\.js$/, (route) => route.fulfill({ status: 404, body: "" }));
    const { segments } = await openFinishedTranscript(page, serve);
    await page.locator('#transcript .segment[data-index="1"]').click();
    await expect.poll(async () => (await playerState(page)).time).toBeCloseTo(segments[1].start, 2);
    await expect(page.locator("#waveform")).toBeHidden();
  });
});
