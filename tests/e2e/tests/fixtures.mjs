// Shared test setup: fail any test whose page logs an error, and helpers for the page's hooks.
import { test as base, expect } from "@playwright/test";

export { expect };

/** Where screenshots go (target/e2e/ unless SCREENSHOTS says otherwise). */
export const SHOTS = process.env.SCREENSHOTS ?? new URL("../../../target/e2e", import.meta.url).pathname;

export const test = base.extend({
  page: async ({ page }, use) => {
    const problems = [];
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`console error: ${message.text()}`);
    });
    await use(page);
    expect(problems, "the page logged errors").toEqual([]);
  },
});

/** Opens the page with `code` in the query string, Python Tutor's fragment, or neither;
 * `extra` is appended to the address as more parameters (e.g. `heapPrimitives=true`). */
export async function open(page, code, where = "query", extra = "") {
  const encoded = encodeURIComponent(code);
  const more = extra ? `&${extra}` : "";
  await page.goto(where === "query" ? `/?code=${encoded}${more}` : `/#code=${encoded}${more}`);
}

/** Steps forwards (at most `max` times) until the line about to run reads `text`. */
export async function stepToLine(page, text, max = 40) {
  const current = page.locator(".cm-pyscope-current");
  for (let i = 0; i < max; i++) {
    if ((await current.count()) === 1 && (await current.textContent()) === text) return;
    const counter = await page.getByTestId("step-counter").textContent();
    await page.getByTestId("step-next").click();
    await expect(page.getByTestId("step-counter")).not.toHaveText(counter);
  }
  await expect(current).toHaveText(text);
}

/** Waits until a run is recorded and browsable; returns the number of steps. */
export async function recorded(page) {
  const counter = page.getByTestId("step-counter");
  await expect(counter).toHaveText(/^Step [1-9]\d* of [1-9]\d*$/, { timeout: 30_000 });
  const text = await counter.textContent();
  return Number(text.match(/of (\d+)/)[1]);
}

/** The `data-name`s of the variables shown in the frame named `name`. */
export async function varsOf(page, name) {
  const frame = page.locator(`[data-testid="frame"][data-name="${name}"]`);
  return frame.locator('[data-testid="var"]').evaluateAll((vars) => vars.map((v) => v.dataset.name));
}
