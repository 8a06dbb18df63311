// The workers view: the live workers with their current jobs, the queue
// by priority and the jobs completed, refreshed while it is open.

import { testAssets } from "../support/assets.js";
import { expect, getJson, submitJob, test, waitForState } from "../support/fixtures.js";

const assets = testAssets();

test("the workers view shows the worker, its running job, the queue and what completed", async ({ page, serve }) => {
  const done = await submitJob(serve, assets.shortWav, { model: "test" });
  await waitForState(serve, done, ["completed"]);
  await page.goto("/");
  await page.getByRole("button", { name: "Workers" }).click();
  const panel = page.locator("#workers");
  await expect(panel).toBeVisible();
  await expect(panel.locator("#worker-rows tr")).toHaveCount((await getJson(serve, "v1/workers")).workers.length);
  await expect(panel.locator("#worker-rows tr")).not.toHaveCount(0);
  await expect(panel.locator("#throughput")).toHaveText(/^1 in the last minute/);

  // One slow job running and one waiting behind it (one worker slot).
  const running = await submitJob(serve, assets.longWav, { model: "tiny" });
  await waitForState(serve, running, ["processing"]);
  await submitJob(serve, assets.shortWav, { model: "test", priority: "high" });
  await expect(panel.locator("#worker-rows")).toContainText("speech-120s.wav");
  await expect(panel.locator("#queue-summary")).toHaveText("1 queued, 1 processing");
  await expect(panel.locator("#queue-by-priority")).toContainText("high (8): 1");
  await fetch(serve.baseURL + "v1/jobs/" + running + "/cancel", { method: "POST" });
});
