// Playwright fixtures for the page's tests: a server of the test's own, a
// page that fails its test on any console error or
// uncaught exception (unless the test names the ones it expects), and
// helpers that use the API directly to set up and check.

import { test as base, expect } from "@playwright/test";
import fs from "node:fs";
import path from "node:path";
import { Serve } from "./serve.js";

export { expect };

export const test = base.extend({
  // A server of the test's own, so no test sees another's jobs; a test may
  // give it flags or API keys with test.use({ serveOptions: {...} }).
  serveOptions: [{}, { option: true }],
  serve: async ({ serveOptions }, use) => {
    const serve = new Serve(serveOptions);
    await serve.start();
    await use(serve);
    await serve.dispose();
  },
  baseURL: async ({ serve }, use) => use(serve.baseURL),

  // Patterns of console errors this test causes on purpose (a refused
  // request is logged by the browser itself).
  expectedConsoleErrors: async ({}, use) => use([]),
  page: async ({ page, expectedConsoleErrors }, use) => {
    const errors = [];
    page.on("console", (message) => {
      if (message.type() !== "error") return;
      if (expectedConsoleErrors.some((pattern) => pattern.test(message.text()))) return;
      errors.push("console: " + message.text());
    });
    page.on("pageerror", (error) => errors.push("page error: " + error.message));
    await use(page);
    expect(errors, "no console errors or uncaught exceptions").toEqual([]);
  },
});

// ---- the API, for setting up and checking ------------------------------------

export function authorization(key) {
  return key ? { Authorization: "Bearer " + key } : {};
}

export async function submitJob(serve, file, fields = {}, key = "") {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append("file", new Blob([fs.readFileSync(file)]), path.basename(file));
  const response = await fetch(serve.baseURL + "v1/jobs", { method: "POST", body: form, headers: authorization(key) });
  expect(response.status, await response.clone().text()).toBe(202);
  return (await response.json()).id;
}

export async function getJson(serve, urlPath, key = "") {
  const response = await fetch(serve.baseURL + urlPath, { headers: authorization(key) });
  expect(response.status, urlPath).toBe(200);
  return response.json();
}

export async function waitForState(serve, id, states, timeoutMs = 60000, key = "") {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await getJson(serve, "v1/jobs/" + id, key);
    if (states.includes(job.state)) return job;
    if (Date.now() > deadline) throw new Error("job " + id + " is " + job.state + ", not " + states.join("|"));
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

// A small PNG for docs/screenshots when SOUNDSCRIPTER_SCREENSHOT_DIR is set.
export async function screenshot(target, name) {
  const dir = process.env.SOUNDSCRIPTER_SCREENSHOT_DIR;
  if (!dir) return;
  fs.mkdirSync(dir, { recursive: true });
  await target.screenshot({ path: path.join(dir, name + ".png"), animations: "disabled" });
}

// The job's row in the list.
export function jobRow(page, id) {
  return page.locator(`.job[data-id="${id}"]`);
}
