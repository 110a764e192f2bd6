// A program that never ends must not freeze the page: Stop ends the recording (or the step
// limit does, if it comes first), and the steps recorded so far can be browsed.
import { test, expect, open, recorded, varsOf, SHOTS } from "./fixtures.mjs";

test("an endless loop can be stopped and its first steps browsed", async ({ page }) => {
  await open(page, "n = 0\nwhile True:\n    n = n + 1\n    x = [n]\n");
  const progress = page.getByTestId("progress");
  const error = page.getByTestId("error");
  await expect(page.locator('[data-testid="progress"], [data-testid="error"]:not(.hidden)').first()).toBeVisible();
  // The page's own thread stays free while the worker records.
  const started = Date.now();
  expect(await page.evaluate(() => 6 * 7)).toBe(42);
  expect(Date.now() - started).toBeLessThan(2000);

  const stop = page.getByTestId("stop");
  if (await stop.isEnabled()) {
    await expect(progress).toContainText(/Recording… [\d,]+ steps/);
    // The step limit may still win the race, disabling Stop before the click lands.
    await stop.click({ timeout: 2000 }).catch(() => {});
  }
  await expect(progress).toBeHidden();
  await expect(error).toHaveText(/stopped|limit/i);

  const total = await recorded(page);
  expect(total).toBeGreaterThan(3);
  const counter = page.getByTestId("step-counter");
  await expect(counter).toHaveText(`Step 1 of ${total}`);
  // Step forward until the loop body has bound `x` once (a few line steps in).
  for (let i = 2; i <= 8 && !(await varsOf(page, "<module>")).includes("x"); i++) {
    await page.getByTestId("step-next").click();
    await expect(counter).toHaveText(`Step ${i} of ${total}`);
  }
  await expect.poll(() => varsOf(page, "<module>")).toEqual(["n", "x"]);
  await expect(page.locator('[data-testid="heap-object"][data-type="list"]')).toHaveCount(1);
  await page.screenshot({ path: `${SHOTS}/runaway-stopped.png`, fullPage: true });
});
