// The server going away and coming back: the page says it is reconnecting,
// an error met meanwhile (a transcript that could not load) clears when
// the connection is back, and the list catches up with what happened.

import { testAssets } from "../support/assets.js";
import { expect, jobRow, submitJob, test, waitForState } from "../support/fixtures.js";

const assets = testAssets();

test.use({ expectedConsoleErrors: [/ERR_CONNECTION_REFUSED|ERR_CONNECTION_RESET|ERR_EMPTY_RESPONSE|ERR_INCOMPLETE_CHUNKED_ENCODING/] });

test("the page recovers after the server restarts", async ({ page, serve }) => {
  const id = await submitJob(serve, assets.shortWav, { model: "test" });
  await waitForState(serve, id, ["completed"]);
  await page.goto("/");
  const live = page.locator("#live");
  await expect(live).toHaveText("live");

  await serve.stop();
  await expect(live).toHaveText(/reconnecting|offline/);
  await jobRow(page, id).getByRole("button", { name: /^Open/ }).click();
  const message = page.locator("#message");
  await expect(message).toContainText("Could not load the transcript of speech-11s.wav");

  await serve.start();  // the same port and data
  // A job made while the page was away shows up once it is back.
  const second = await submitJob(serve, assets.shortWav, { model: "test" });
  await expect(live).toHaveText("live", { timeout: 20000 });
  await expect(message).toBeHidden();
  await expect(jobRow(page, second)).toHaveCount(1);
  await jobRow(page, id).getByRole("button", { name: /^Open/ }).click();
  await expect(page.locator("#transcript .segment").first()).toBeVisible();
});
