// One check each for the page's shell: keyboard stepping, Run/Stop and Ctrl+Enter, the theme
// toggle, file tabs, SVG export, a traceback linked to its line, and input() answered inline.
import { readFile } from "node:fs/promises";
import { test, expect, open, recorded, stepToLine, varsOf, SHOTS } from "./fixtures.mjs";

const CALLS = "def f():\n    x = 1\n    return x\n\ny = f()\nz = 2\n";

test("keyboard: Home/End, arrows by line, ↓ steps over a call", async ({ page }) => {
  await open(page, CALLS);
  const total = await recorded(page);
  const counter = page.getByTestId("step-counter");
  await page.keyboard.press("End");
  await expect(counter).toHaveText(`Step ${total} of ${total}`);
  await page.keyboard.press("Home");
  await expect(counter).toHaveText(`Step 1 of ${total}`);
  await stepToLine(page, "y = f()");
  await page.keyboard.press("ArrowDown");
  await expect(page.locator(".cm-pyscope-current")).toHaveText("z = 2");
  await expect(page.locator('[data-testid="frame"][data-name="f"]')).toHaveCount(0);
  await page.keyboard.press("ArrowLeft");
  await expect(page.locator('[data-testid="frame"][data-name="f"]')).toHaveCount(1);
});

test("Run records the edited program, Ctrl+Enter too, and Stop ends a long run", async ({ page }) => {
  await open(page, "x = 1\n");
  await recorded(page);
  await page.getByTestId("live").uncheck();
  await page.locator(".cm-content").click();
  await page.keyboard.press("Control+A");
  await page.keyboard.type("n = 0\nwhile True:\n    n += 1\n");
  await page.waitForTimeout(600);
  // Live mode is off: nothing re-ran.
  await expect(page.getByTestId("progress")).toBeHidden();
  await page.keyboard.press("Control+Enter");
  await expect(page.getByTestId("progress")).toBeVisible();
  await page.getByTestId("stop").click();
  await expect(page.getByTestId("error")).toHaveText(/stopped|limit/i);
  await page.locator(".cm-content").click();
  await page.keyboard.press("Control+A");
  await page.keyboard.type("w = 'ran'\nprint(w)\n");
  await page.getByTestId("run").click();
  const total = await recorded(page);
  await page.getByTestId("step-last").click();
  await expect(page.getByTestId("step-counter")).toHaveText(`Step ${total} of ${total}`);
  await expect(page.getByTestId("stdout")).toHaveText("ran");
  await expect(page.getByTestId("error")).toBeHidden();
});

test("the theme toggle switches light and dark and is remembered", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "light" });
  await open(page, "x = 1\n");
  await recorded(page);
  const html = page.locator("html");
  await expect(html).toHaveAttribute("data-theme", "light");
  const light = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.getByTestId("theme-toggle").click();
  await expect(html).toHaveAttribute("data-theme", "dark");
  expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).not.toBe(light);
  await page.screenshot({ path: `${SHOTS}/dark-theme.png`, fullPage: true });
  await page.reload();
  await expect(html).toHaveAttribute("data-theme", "dark");
});

test("file tabs: main.py imports a second file", async ({ page }) => {
  const helper = encodeURIComponent("helper.py\ndef double(x):\n    return 2 * x\n");
  await open(page, "import helper\nprint(helper.double(21))\n", "query", `file=${helper}`);
  const total = await recorded(page);
  const tabs = page.getByTestId("file-tab");
  await expect(tabs).toHaveText(["main.py", "helper.py"]);
  await page.getByTestId("step-last").click();
  await expect(page.getByTestId("step-counter")).toHaveText(`Step ${total} of ${total}`);
  await expect(page.getByTestId("stdout")).toHaveText("42");
  await tabs.nth(1).click();
  await expect(page.getByTestId("editor")).toContainText("return 2 * x");
  await expect(tabs.nth(1)).toHaveAttribute("aria-selected", "true");
  await page.getByTestId("file-add").click();
  await expect(tabs).toHaveText(["main.py", "helper.py", "module1.py"]);
  await tabs.first().click();
  await expect(page.getByTestId("editor")).toContainText("import helper");
});

test("the diagram exports as a standalone SVG file", async ({ page }) => {
  await open(page, "a = [1, 2]\nb = {'k': a}\n");
  const total = await recorded(page);
  await page.getByTestId("step-last").click();
  await expect(page.getByTestId("step-counter")).toHaveText(`Step ${total} of ${total}`);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByTestId("export-svg").click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^pyscope-step-\d+\.svg$/);
  const svg = await readFile(await download.path(), "utf8");
  expect(svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  expect(svg).toContain("<style>");
  expect(svg).toContain('data-type="dict"');
  expect(svg).toContain('data-testid="arrow"');
});

test("a traceback links to its lines and the error is underlined", async ({ page }) => {
  await open(page, "def f(n):\n    return 10 // n\n\nprint(f(2))\nprint(f(0))\n");
  const total = await recorded(page);
  await expect(page.getByTestId("error")).toHaveText(/ZeroDivisionError/);
  await expect(page.getByTestId("error-mark")).toHaveText("10 // n");
  await expect(page.getByTestId("error-mark")).toHaveAttribute("title", /ZeroDivisionError/);
  await page.getByTestId("step-last").click();
  await expect(page.getByTestId("step-counter")).toHaveText(`Step ${total} of ${total}`);
  const links = page.getByTestId("traceback-link");
  await expect(links).toHaveCount(2);
  await links.nth(1).click();
  await expect(page.locator(".cm-pyscope-target")).toHaveText("    return 10 // n");
  await links.nth(0).click();
  await expect(page.locator(".cm-pyscope-target")).toHaveText("print(f(0))");
  await page.screenshot({ path: `${SHOTS}/traceback.png`, fullPage: true });
});

test("input() is answered inline and the run goes on", async ({ page }) => {
  await open(page, "name = input('Name? ')\nprint('Hi', name)\n");
  const field = page.getByTestId("stdin");
  await expect(field).toBeVisible({ timeout: 30_000 });
  await field.fill("Ada");
  await field.press("Enter");
  await expect(field).toBeHidden();
  const total = await recorded(page);
  await page.getByTestId("step-last").click();
  await expect(page.getByTestId("step-counter")).toHaveText(`Step ${total} of ${total}`);
  await expect(page.getByTestId("stdout")).toContainText("Hi Ada");
  expect(await varsOf(page, "<module>")).toEqual(["name"]);
});

test("heapPrimitives=false draws singly referenced lists inside their slot", async ({ page }) => {
  await open(page, "m = [[1, 2], [3]]\n", "query", "heapPrimitives=false");
  const total = await recorded(page);
  await page.getByTestId("step-last").click();
  await expect(page.getByTestId("step-counter")).toHaveText(`Step ${total} of ${total}`);
  await expect(page.locator('[data-testid="heap-object"][data-type="list"]')).toHaveCount(3);
  await expect(page.locator('[data-testid="arrow"]')).toHaveCount(1);
  await page.getByTestId("heap-mode").selectOption("nevernest");
  await expect(page.locator('[data-testid="arrow"]')).toHaveCount(3);
});
