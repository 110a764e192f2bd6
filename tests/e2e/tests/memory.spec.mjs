// The page draws a recorded run: frames, heap objects, arrows, and output, step by step.
import { test, expect, open, recorded, varsOf, SHOTS } from "./fixtures.mjs";

const ALIASING = "a = [1, 2]\nb = a\nb.append(3)\nprint(a)";

test("aliasing: at the last step, one list with two arrows and its output", async ({ page }) => {
  await open(page, ALIASING);
  await expect(page.getByTestId("editor")).toContainText("b.append(3)");
  const total = await recorded(page);
  await page.getByTestId("step-last").click();
  await expect(page.getByTestId("step-counter")).toHaveText(`Step ${total} of ${total}`);

  const module = page.locator('[data-testid="frame"][data-name="<module>"]');
  await expect(module).toHaveAttribute("data-depth", "0");
  await expect.poll(() => varsOf(page, "<module>")).toEqual(["a", "b"]);

  const lists = page.locator('[data-testid="heap-object"][data-type="list"]');
  await expect(lists).toHaveCount(1);
  const id = await lists.getAttribute("data-id");
  const arrows = page.locator(`[data-testid="arrow"][data-to="${id}"]`);
  await expect(arrows).toHaveCount(2);
  expect(await arrows.evaluateAll((xs) => xs.map((x) => x.dataset.from).sort())).toEqual(["0:a", "0:b"]);

  await expect(page.getByTestId("stdout")).toHaveText("[1, 2, 3]");
  expect(await page.getByTestId("stdout").textContent()).toBe("[1, 2, 3]\n");
  await expect(page.getByTestId("error")).toBeHidden();
  await page.screenshot({ path: `${SHOTS}/aliasing-last-step.png`, fullPage: true });
});

test("step controls move by line, the keyboard by line or instruction", async ({ page }) => {
  await open(page, ALIASING);
  const total = await recorded(page);
  const counter = page.getByTestId("step-counter");
  await expect.poll(() => varsOf(page, "<module>")).toEqual([]);
  await expect(page.getByTestId("step-first")).toBeDisabled();

  await page.getByTestId("step-next").click();
  await expect(counter).toHaveText(`Step 2 of ${total}`);
  await expect.poll(() => varsOf(page, "<module>")).toEqual(["a"]);
  await expect(page.locator('[data-testid="arrow"][data-from="0:a"]')).toHaveCount(1);

  await page.keyboard.press("ArrowRight");
  await expect(counter).toHaveText(`Step 3 of ${total}`);
  await page.keyboard.press("ArrowLeft");
  await expect(counter).toHaveText(`Step 2 of ${total}`);
  await expect.poll(() => varsOf(page, "<module>")).toEqual(["a"]);

  const instr = page.locator(".instr");
  const before = await instr.textContent();
  await page.keyboard.press("Shift+ArrowRight");
  await expect(instr).not.toHaveText(before);

  await page.getByTestId("step-slider").fill(String(total));
  await expect(counter).toHaveText(`Step ${total} of ${total}`);
  await expect(page.getByTestId("step-next")).toBeDisabled();
  await page.getByTestId("step-first").click();
  await expect(counter).toHaveText(`Step 1 of ${total}`);
  await expect(page.getByTestId("stdout")).toHaveText("");
});

test("code from a Python Tutor style #code= link", async ({ page }) => {
  await open(page, "x = [10]\ny = (x, 'hi')\n", "fragment");
  const total = await recorded(page);
  await page.getByTestId("step-last").click();
  await expect(page.getByTestId("step-counter")).toHaveText(`Step ${total} of ${total}`);
  const list = page.locator('[data-testid="heap-object"][data-type="list"]');
  const tuple = page.locator('[data-testid="heap-object"][data-type="tuple"]');
  await expect(list).toHaveCount(1);
  await expect(tuple).toHaveCount(1);
  const listId = await list.getAttribute("data-id");
  const tupleId = await tuple.getAttribute("data-id");
  await expect(page.locator(`[data-testid="arrow"][data-from="${tupleId}[0]"][data-to="${listId}"]`)).toHaveCount(1);
  await expect(tuple).toContainText("'hi'");
});

test("an uncaught exception shows the traceback and a one-line error", async ({ page }) => {
  await open(page, "def f(n):\n    return 10 // n\n\nprint(f(2))\nprint(f(0))\n");
  const total = await recorded(page);
  await expect(page.getByTestId("error")).toHaveText(/ZeroDivisionError/);
  await page.getByTestId("step-last").click();
  await expect(page.getByTestId("step-counter")).toHaveText(`Step ${total} of ${total}`);
  await expect(page.getByTestId("stdout")).toHaveText("5");
  await page.screenshot({ path: `${SHOTS}/exception.png`, fullPage: true });
});

test("a syntax error is reported without steps", async ({ page }) => {
  await open(page, "x = (1,\n");
  await expect(page.getByTestId("error")).toHaveText(/SyntaxError/);
  await expect(page.getByTestId("step-counter")).toHaveText("Step 0 of 0");
});
