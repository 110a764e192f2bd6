// Timings for the README, printed as `MEASURE <name> <value>` lines (median of several runs):
// - navigation to the first diagram for a 10-line program;
// - edit to redraw for a program of about 500 steps in live mode, from the debounced re-run
//   request (the page's `pyscope-run` mark) to the diagram's paint (`pyscope-draw`).
import { test, expect } from "@playwright/test";

const RUNS = 7;

const TEN_LINES = [
  "def area(w, h):",
  "    return w * h",
  "",
  "rooms = {'kitchen': (3, 4), 'hall': (2, 5)}",
  "total = 0",
  "for name, (w, h) in rooms.items():",
  "    total += area(w, h)",
  "sizes = [area(*s) for s in rooms.values()]",
  "names = sorted(rooms)",
  "print(total, sizes, names)",
].join("\n");

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function report(name, values, unit) {
  const text = values.map((v) => v.toFixed(1)).join(", ");
  console.log(`MEASURE ${name} ${median(values).toFixed(1)} ${unit} (median of ${values.length}: ${text})`);
}

test("navigation to the first diagram", async ({ browser }) => {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`/?code=${encodeURIComponent(TEN_LINES)}`);
    const t = await page.waitForFunction(() => {
      const m = performance.getEntriesByName("pyscope-draw");
      return m.length > 0 && m[0].startTime;
    }, null, { timeout: 30_000 });
    times.push(await t.jsonValue());
    await context.close();
  }
  report("first-diagram-ms", times, "ms");
});

test("edit to redraw for a 500-step program", async ({ page }) => {
  const program = (n) => `total = ${n}\nfor i in range(250):\n    total += i\nprint(total)\n`;
  await page.goto(`/?code=${encodeURIComponent(program(0))}`);
  const counter = page.getByTestId("step-counter");
  await expect(counter).toHaveText(/^Step [1-9]\d* of [1-9]\d*$/, { timeout: 30_000 });
  const steps = await page.evaluate(() => document.querySelector(".instr").textContent);
  console.log(`MEASURE program-size ${await counter.textContent()}, ${steps}`);
  await page.getByTestId("step-slider").fill("200");
  const times = [];
  for (let i = 1; i <= RUNS; i++) {
    await page.evaluate(() => performance.clearMarks());
    // Replace the first line's number: a one-character edit, as typing makes.
    await page.locator(".cm-line").first().click();
    await page.keyboard.press("End");
    await page.keyboard.press("Backspace");
    await page.keyboard.type(String(i));
    const t = await page.waitForFunction(() => {
      const run = performance.getEntriesByName("pyscope-run").at(-1);
      const draws = performance.getEntriesByName("pyscope-draw");
      const draw = run && draws.find((d) => d.startTime > run.startTime);
      return draw ? draw.startTime - run.startTime : false;
    }, null, { timeout: 30_000 });
    times.push(await t.jsonValue());
    await expect(counter).toHaveText(/^Step 200 of/);
  }
  report("edit-to-redraw-ms", times, "ms");
});
