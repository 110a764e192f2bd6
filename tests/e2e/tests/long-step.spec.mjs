// One instruction that runs for very long blocks the worker itself; the page's watchdog must
// replace the worker and keep what was recorded before that instruction.
import { test, expect, open, recorded } from "./fixtures.mjs";

test("a step that never ends is cut off by the watchdog", async ({ page }) => {
  // One CALL instruction that adds up a trillion numbers: hours of work.
  await open(page, "n = 1\nx = sum(range(10 ** 12))\nprint(n)\n");
  await expect(page.getByTestId("progress")).toBeVisible();
  await expect(page.getByTestId("error")).toHaveText(/stopped answering/, { timeout: 20_000 });
  await expect(page.getByTestId("progress")).toBeHidden();
  const total = await recorded(page);
  await expect(page.getByTestId("step-counter")).toHaveText(`Step 1 of ${total}`);

  // The replacement worker serves new runs, typed into the editor.
  await page.locator(".cm-content").click();
  await page.keyboard.press("Control+A");
  await page.keyboard.type("a = [1, 2]\nb = a\nb.append(3)\nprint(a)");
  await page.getByTestId("run").click();
  const steps = await recorded(page);
  await page.getByTestId("step-last").click();
  await expect(page.getByTestId("step-counter")).toHaveText(`Step ${steps} of ${steps}`);
  await expect(page.getByTestId("error")).toBeHidden();
  await expect(page.locator('[data-testid="heap-object"][data-type="list"]')).toHaveCount(1);
  await expect(page.getByTestId("stdout")).toHaveText("[1, 2, 3]");
});
