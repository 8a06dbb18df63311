// A server with API keys: without a key the page says it needs one; a
// wrong key is called not valid (not missing); the right key lists the
// key's jobs, uploads, and plays media (which goes by ?access_token=).

import { testAssets } from "../support/assets.js";
import { expect, submitJob, test, waitForState } from "../support/fixtures.js";

const assets = testAssets();
const KEY = "web-test-key-0123456789";

test.use({
  serveOptions: { apiKeys: ["web: " + KEY] },
  // The browser logs each refused request itself.
  expectedConsoleErrors: [/status of 401/],
});

test("the API key flow: none, a wrong one, the right one", async ({ page, serve }) => {
  const id = await submitJob(serve, assets.shortWav, { model: "test" }, KEY);
  await waitForState(serve, id, ["completed"], 60000, KEY);
  await page.goto("/");
  const message = page.locator("#message");
  await expect(message).toHaveText("This server needs an API key: enter it at the top.");
  await expect(page.locator(".job")).toHaveCount(0);

  await page.locator("#api-key").fill("not-the-key");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(message).toHaveText("This API key is not valid: check the key at the top.");
  await expect(page.locator(".job")).toHaveCount(0);

  await page.locator("#api-key").fill(KEY);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.locator(`.job[data-id="${id}"]`)).toHaveCount(1);
  await expect(message).not.toHaveText(/API key/);
  await expect(message).toBeHidden({ timeout: 6000 });  // "Key saved." goes by itself
  await expect(page.locator("#live")).toHaveText("live");
  await expect(page.locator(`.job[data-id="${id}"] .state`)).toHaveText("completed");

  // The media element cannot send the header: the key goes in its URL.
  await page.locator(`.job[data-id="${id}"]`).getByRole("button", { name: /^Open/ }).click();
  const media = page.locator("#player audio");
  await expect(media).toHaveAttribute("src", /access_token=web-test-key/);
  await expect.poll(() => media.evaluate((m) => m.readyState)).toBeGreaterThanOrEqual(1);

  // The key is kept for the next visit.
  await page.reload();
  await expect(page.locator(`.job[data-id="${id}"]`)).toHaveCount(1);
  await expect(message).toBeHidden();
  // Uploads carry it too.
  await page.locator("#file").setInputFiles([assets.shortWav]);
  await expect(page.locator(".upload .upload-status")).toHaveText("Queued.");
});
