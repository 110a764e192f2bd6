// Playwright settings for `cargo xtask measure`: the timing specs in measure/ (not part of
// `cargo xtask test`), in the same Debian Chromium, headless, one worker.
import base from "./playwright.config.mjs";
import { defineConfig } from "@playwright/test";

export default defineConfig({
  ...base,
  testDir: "measure",
  outputDir: "../../target/e2e/measure-results",
  timeout: 120_000,
});
