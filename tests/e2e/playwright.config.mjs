// Playwright settings: Debian's Chromium (never a downloaded browser), one worker, and the
// site at BASE_URL (`cargo xtask test` serves dist/ and sets it; otherwise a running
// `cargo xtask serve` on port 8080 is used).
import { defineConfig } from "@playwright/test";

export default defineConfig({
  testDir: "tests",
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  outputDir: "../../target/e2e/results",
  use: {
    baseURL: process.env.BASE_URL ?? "http://127.0.0.1:8080",
    browserName: "chromium",
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
});
