// Browser tests of the web page: Debian's chromium (a browser build cannot
// be downloaded here), headless, against real servers (support/serve.js).
// Run by ctest as web.playwright, or by hand:
//   SOUNDSCRIPTER_BINARY=build/soundscripter \
//   SOUNDSCRIPTER_MAKE_WHISPER_MODEL=build/make_whisper_model npx playwright test
import { defineConfig } from "@playwright/test";

export default defineConfig({
  testDir: "specs",
  globalSetup: "./support/global-setup.js",
  outputDir: process.env.SOUNDSCRIPTER_WEB_TEST_OUTPUT || "test-results",
  timeout: 60000,
  expect: { timeout: 10000 },
  // Two cores: two browsers with a server each keep both busy.
  workers: 2,
  fullyParallel: true,
  reporter: [["list"]],
  use: {
    headless: true,
    viewport: { width: 840, height: 800 },
    acceptDownloads: true,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
      // The player tests play media without a click first.
      args: ["--autoplay-policy=no-user-gesture-required"],
    },
  },
});
