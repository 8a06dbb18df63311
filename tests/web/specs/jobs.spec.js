// The job list: segments arriving live while a job runs; cancel keeps the
// job (as cancelled), and retry runs it again with another option; the
// downloads show only for a finished job, one per format, and give what
// the API gives.

import fs from "node:fs";
import { testAssets } from "../support/assets.js";
import { expect, getJson, jobRow, screenshot, submitJob, test, waitForState } from "../support/fixtures.js";

const assets = testAssets();

test.describe("a running job", () => {
  // Chunks of 30 s (the shortest), so segments come while the job runs on any engine.
  test.use({ serveOptions: { args: ["--chunk-length", "30s"] } });

test("a running job shows its segments live; cancel keeps it; retry with another model completes it", async ({ page, serve }) => {
  await page.goto("/");
  await expect(page.locator("#live")).toHaveText("live");
  // The slow model: two minutes of speech take it several seconds.
  await page.locator('select[name="model"]').selectOption("tiny");
  await page.locator("#file").setInputFiles([assets.longWav]);
  const job = page.locator(".job", { has: page.locator(".name", { hasText: "speech-120s.wav" }) });
  await expect(job).toHaveCount(1);
  const id = await job.getAttribute("data-id");

  await expect(job.locator(".state")).toHaveText(/processing \d+ %/, { timeout: 30000 });
  await expect(job.locator(".segments li").first()).toBeVisible({ timeout: 30000 });
  // Downloads are for finished jobs only.
  await expect(job.locator(".downloads")).toBeHidden();
  await screenshot(page.locator("main"), "running-job-live-segments");
  const shown = await job.locator(".segments li").evaluateAll((items) =>
    items.map((item) => item.lastChild.textContent.trim()),
  );

  await job.getByRole("button", { name: "Cancel speech-120s.wav" }).click();
  await expect(job.locator(".state")).toHaveText("cancelled");
  expect((await getJson(serve, "v1/jobs/" + id)).state).toBe("cancelled");
  await expect(job).toHaveCount(1);  // kept, not deleted
  await expect(job.locator(".downloads")).toBeHidden();
  // What the page showed live is what the server sent, in order (the
  // job's event stream replays it all, and ends at the final state).
  const events = await (await fetch(serve.baseURL + "v1/jobs/" + id + "/events")).text();
  const sent = [...events.matchAll(/^event: segment\ndata: (.*)$/gm)].map((m) => JSON.parse(m[1]).segment.text.trim());
  expect(shown.length).toBeGreaterThan(0);
  expect(sent.slice(0, shown.length)).toEqual(shown);

  await job.getByRole("button", { name: "Retry speech-120s.wav" }).click();
  const form = job.locator(".retry-form");
  await expect(form).toBeVisible();
  await expect(form.locator('select[name="model"]')).toHaveValue("tiny");  // as the job had it
  await form.locator('select[name="model"]').selectOption("test");
  await form.getByRole("button", { name: "Retry", exact: true }).click();
  await expect(form).toBeHidden();
  await expect(job.locator(".state")).toHaveText("completed", { timeout: 30000 });
  expect((await getJson(serve, "v1/jobs/" + id)).request.model).toBe("test");
  await expect(job.locator(".meta")).toContainText("model test");
});
});

test("a finished job has one download per format, each giving what the API gives", async ({ page, serve }) => {
  const id = await submitJob(serve, assets.shortWav, { model: "test" });
  await waitForState(serve, id, ["completed"]);
  await page.goto("/");
  const job = jobRow(page, id);
  await expect(job.locator(".state")).toHaveText("completed");
  for (const [format, label] of [
    ["txt", "text"],
    ["srt", "SRT"],
    ["vtt", "WebVTT"],
    ["json", "JSON"],
    ["tsv", "TSV"],
  ]) {
    const button = job.getByRole("button", { name: "Download speech-11s.wav as " + label, exact: true });
    const [download] = await Promise.all([page.waitForEvent("download"), button.click()]);
    expect(download.suggestedFilename()).toBe("speech-11s." + format);
    const saved = fs.readFileSync(await download.path(), "utf8");
    const fromApi = await (await fetch(serve.baseURL + "v1/jobs/" + id + "/transcript?format=" + format)).text();
    expect(saved, format).toBe(fromApi);
    expect(saved.length, format).toBeGreaterThan(0);
  }
  const zip = job.getByRole("button", { name: "Download speech-11s.wav as a zip of every format" });
  const [download] = await Promise.all([page.waitForEvent("download"), zip.click()]);
  expect(fs.readFileSync(await download.path()).subarray(0, 2).toString()).toBe("PK");
});

test("delete asks first, then removes the job from the list and the server", async ({ page, serve }) => {
  const id = await submitJob(serve, assets.shortWav, { model: "test" });
  await waitForState(serve, id, ["completed"]);
  await page.goto("/");
  const job = jobRow(page, id);
  page.once("dialog", (dialog) => dialog.dismiss());
  await job.getByRole("button", { name: "Delete speech-11s.wav" }).click();
  await expect(job).toHaveCount(1);
  page.once("dialog", (dialog) => dialog.accept());
  await job.getByRole("button", { name: "Delete speech-11s.wav" }).click();
  await expect(job).toHaveCount(0);
  expect((await fetch(serve.baseURL + "v1/jobs/" + id)).status).toBe(404);
  await expect(page.locator("#no-jobs")).toBeVisible();
});
