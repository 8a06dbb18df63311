// Uploading: several files by drag and drop or by the file input, each with
// its own row and progress; the server's refusal beside the file; a file
// over the server's limit refused before a byte is sent; an upload
// cancelled while it runs.

import fs from "node:fs";
import path from "node:path";
import { testAssets } from "../support/assets.js";
import { expect, jobRow, screenshot, test } from "../support/fixtures.js";

const assets = testAssets();

// Slows the page's uploads, so their progress can be watched (and cancelled).
async function throttleUploads(page, bytesPerSecond) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: bytesPerSecond,
  });
  return cdp;
}

// Drops files on the page as a person dragging them from a file manager would.
async function dropFiles(page, target, files) {
  const payload = files.map((file) => ({ name: path.basename(file), data: fs.readFileSync(file).toString("base64") }));
  const dataTransfer = await page.evaluateHandle((items) => {
    const transfer = new DataTransfer();
    for (const item of items) {
      const bytes = Uint8Array.from(atob(item.data), (c) => c.charCodeAt(0));
      transfer.items.add(new File([bytes], item.name, { type: "audio/wav" }));
    }
    return transfer;
  }, payload);
  await page.dispatchEvent(target, "dragenter", { dataTransfer });
  await expect(page.locator("#drop-overlay")).toBeVisible();
  await page.dispatchEvent(target, "dragover", { dataTransfer });
  await page.dispatchEvent(target, "drop", { dataTransfer });
}

test("two files dropped anywhere on the page upload side by side, each with its own progress", async ({ page }) => {
  await page.goto("/");
  await expect(page.locator("#jobs-panel")).toHaveAttribute("aria-busy", "false");
  const cdp = await throttleUploads(page, 300 * 1000);
  // Dropped on the job list, not on the upload form: anywhere works.
  await dropFiles(page, "#jobs-panel", [assets.mediumWav, assets.shortWav]);
  await expect(page.locator("#drop-overlay")).toBeHidden();
  const rows = page.locator(".upload");
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0).locator(".upload-name")).toHaveText("speech-40s.wav");
  await expect(rows.nth(1).locator(".upload-name")).toHaveText("speech-11s.wav");

  // The 1.3 MB file takes seconds at 300 KB/s: its bar is seen part way.
  const bar = rows.nth(0).locator("progress");
  await expect.poll(() => bar.evaluate((p) => p.value > 0.02 && p.value < 0.98), { timeout: 5000 }).toBe(true);
  await expect(rows.nth(0).locator(".upload-status")).toHaveText("Uploading\u2026");
  await screenshot(page.locator("main"), "upload-two-files");
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

  await expect(rows.nth(0).locator(".upload-status")).toHaveText("Queued.", { timeout: 20000 });
  await expect(rows.nth(1).locator(".upload-status")).toHaveText("Queued.");
  await expect(page.locator(".job .name", { hasText: "speech-40s.wav" })).toHaveCount(1);
  await expect(page.locator(".job .name", { hasText: "speech-11s.wav" })).toHaveCount(1);
  // A queued row goes away by itself: the job list has the job now.
  await expect(rows).toHaveCount(0, { timeout: 8000 });
});

test("files picked with the file input upload with the options chosen in the form", async ({ page, serve }) => {
  await page.goto("/");
  await expect(page.locator('select[name="model"] option')).not.toHaveCount(0);
  // What this server can run (its GET v1/capabilities), and nothing else.
  const capabilities = await (await fetch(serve.baseURL + "v1/capabilities")).json();
  const engine = page.locator('select[name="engine"]');
  await expect(engine.locator("option")).toHaveCount(capabilities.engines.length);
  await expect(engine).toHaveValue(capabilities.default_engine);
  await expect(page.locator('select[name="model"] option:checked')).toHaveText("test (default)");
  await expect(page.locator('select[name="language"]')).toHaveValue("auto");
  const translate = page.locator('select[name="task"] option[value="translate"]');
  if (capabilities.engines.some((e) => e.name === "sphinx")) {
    // PocketSphinx here knows English only and does not translate.
    await engine.selectOption("sphinx");
    await expect(page.locator('select[name="language"] option')).toHaveCount(1);
    await expect(page.locator('select[name="language"]')).toHaveValue("en");
    await expect(translate).toHaveJSProperty("disabled", true);  // an <option>: toBeDisabled reads only form controls in Playwright 1.61
    await expect(page.locator('select[name="model"]')).toBeDisabled();
    await engine.selectOption("whisper");
  }
  await expect(translate).toHaveJSProperty("disabled", false);
  await page.locator('select[name="model"]').selectOption("test");
  await page.locator('select[name="language"]').selectOption("de");
  await page.locator("#file").setInputFiles([assets.shortWav, assets.mediumWav]);
  const rows = page.locator(".upload");
  await expect(rows).toHaveCount(2);
  for (const name of ["speech-11s.wav", "speech-40s.wav"]) {
    const job = page.locator(".job", { has: page.locator(".name", { hasText: name }) });
    await expect(job).toHaveCount(1);
    const id = await job.getAttribute("data-id");
    const response = await fetch(serve.baseURL + "v1/jobs/" + id);
    const request = (await response.json()).request;
    expect(request.language).toBe("de");
    expect(request.model).toBe("test");
  }
});

test.describe("refusals", () => {
  test.use({ expectedConsoleErrors: [/status of 415/] });

  test("a file that is not media gets the server's refusal beside it", async ({ page }) => {
    await page.goto("/");
    await page.locator("#file").setInputFiles([assets.notMedia]);
    const row = page.locator(".upload");
    await expect(row.locator(".upload-status")).toHaveText(/^Refused: .+/);
    const message = await row.locator(".upload-status").textContent();
    // The server's own words, not a generic failure.
    expect(message).not.toMatch(/answered 415/);
    await expect(page.locator(".job")).toHaveCount(0);
    // Dismissed by hand, or by the next batch.
    await row.locator(".upload-cancel").click();
    await expect(row).toHaveCount(0);
  });
});

test.describe("a server with a small upload limit", () => {
  test.use({ serveOptions: { args: ["--max-upload-size", "1M"] } });

  test("a file over the limit is refused before it is sent", async ({ page }) => {
    const posts = [];
    page.on("request", (request) => {
      if (request.method() === "POST") posts.push(request.url());
    });
    await page.goto("/");
    await expect(page.locator("#upload-limit")).toHaveText(/Files up to 1 MB/);
    await page.locator("#file").setInputFiles([assets.mediumWav, assets.shortWav]);
    const rows = page.locator(".upload");
    await expect(rows.nth(0).locator(".upload-status")).toHaveText(/Too large: this server takes files up to 1 MB\./);
    // The small file beside it still goes.
    await expect(rows.nth(1).locator(".upload-status")).toHaveText("Queued.");
    expect(posts).toHaveLength(1);
  });
});

test("an upload can be cancelled while it runs", async ({ page }) => {
  await page.goto("/");
  await expect(page.locator("#jobs-panel")).toHaveAttribute("aria-busy", "false");
  await throttleUploads(page, 100 * 1000);
  await page.locator("#file").setInputFiles([assets.longWav]);
  const row = page.locator(".upload");
  await expect(row.locator(".upload-status")).toHaveText("Uploading\u2026");
  await row.getByRole("button", { name: "Cancel the upload of speech-120s.wav" }).click();
  await expect(row.locator(".upload-status")).toHaveText("Cancelled.");
  await expect(page.locator(".job")).toHaveCount(0);
});
