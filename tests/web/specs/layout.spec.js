// A phone-sized screen: nothing wider than the viewport, with a finished
// job's buttons, the player and the workers view open. Also measures how
// long the page takes from opening to showing the job list.

import { testAssets } from "../support/assets.js";
import { expect, jobRow, submitJob, test, waitForState } from "../support/fixtures.js";

const assets = testAssets();

test.use({ viewport: { width: 390, height: 844 }, expectedConsoleErrors: [/status of 415/] });

// Elements whose right edge is past the viewport (inside a box that
// scrolls sideways on purpose, only that box itself counts).
function overflowing(page) {
  return page.evaluate(() => {
    const width = window.innerWidth;
    const out = [];
    for (const element of document.querySelectorAll("body *")) {
      if (element.closest(".table-scroll") && !element.classList.contains("table-scroll")) continue;
      const box = element.getBoundingClientRect();
      if (box.width && box.right > width + 0.5) {
        out.push(element.tagName.toLowerCase() + "." + element.className + " right=" + Math.round(box.right));
      }
    }
    return { scrollWidth: document.scrollingElement.scrollWidth, width, out };
  });
}

test("nothing overflows a 390 px wide screen", async ({ page, serve }) => {
  const id = await submitJob(serve, assets.shortWav, { model: "test" });
  await waitForState(serve, id, ["completed"]);
  const opened = Date.now();
  await page.goto("/");
  await expect(jobRow(page, id)).toBeVisible();
  const listed = Date.now() - opened;
  const mark = await page.evaluate(() => performance.getEntriesByName("soundscripter-jobs-listed")[0]?.startTime);
  console.log(`page open to job list: ${listed} ms (navigation start to list rendered: ${Math.round(mark)} ms)`);

  await expect(jobRow(page, id).locator(".downloads")).toBeVisible();
  await page.getByRole("button", { name: "Workers" }).click();
  await jobRow(page, id).getByRole("button", { name: /^Open/ }).click();
  await expect(page.locator("#viewer")).toBeVisible();
  await page.locator("#file").setInputFiles([assets.notMedia]);
  await expect(page.locator(".upload .upload-status")).toHaveText(/Refused/);
  const result = await overflowing(page);
  expect(result.out).toEqual([]);
  expect(result.scrollWidth).toBeLessThanOrEqual(result.width);
  // The zip button stays inside its panel.
  const zip = await jobRow(page, id).locator('[data-format="zip"]').boundingBox();
  const panel = await page.locator("#jobs-panel").boundingBox();
  expect(zip.x + zip.width).toBeLessThanOrEqual(panel.x + panel.width);
});
