// The visualizer's six scenarios: aliasing with every object on the heap, a dict's probe path,
// a list's growth, recursion's frames, bytecode with its value stack, and a reload that keeps
// the program. Each leaves a screenshot in target/e2e/ for review.
import { test, expect, open, recorded, stepToLine, SHOTS } from "./fixtures.mjs";

test("Day 2 aliasing with heapPrimitives=true: one int, two arrows", async ({ page }) => {
  await open(page, "x = 10\ny = x\n", "query", "heapPrimitives=true");
  const total = await recorded(page);
  await expect(page.getByTestId("heap-mode")).toHaveValue("true");
  await page.getByTestId("step-last").click();
  await expect(page.getByTestId("step-counter")).toHaveText(`Step ${total} of ${total}`);
  const ints = page.locator('[data-testid="heap-object"][data-type="int"]');
  await expect(ints).toHaveCount(1);
  const id = await ints.getAttribute("data-id");
  const arrows = page.locator(`[data-testid="arrow"][data-to="${id}"]`);
  await expect(arrows).toHaveCount(2);
  expect(await arrows.evaluateAll((xs) => xs.map((x) => x.dataset.from).sort())).toEqual(["0:x", "0:y"]);
  await expect(ints).toContainText("10");
  await page.screenshot({ path: `${SHOTS}/aliasing-heap-primitives.png`, fullPage: true });

  // The default mode draws the int inside both variables instead.
  await page.getByTestId("heap-mode").selectOption("nevernest");
  await expect(ints).toHaveCount(0);
  await expect(page.locator('[data-testid="arrow"]')).toHaveCount(0);
});

test("a dict with colliding keys 0, 8 and 16 shows its probe path", async ({ page }) => {
  await open(page, "d = {}\nd[0] = 'a'\nd[8] = 'b'\nd[16] = 'c'\nprint(len(d))\n");
  await recorded(page);
  await stepToLine(page, "print(len(d))");
  const dict = page.locator('[data-testid="heap-object"][data-type="dict"]');
  const id = await dict.getAttribute("data-id");
  const table = page.locator(`[data-testid="dict-table"][data-id="${id}"]`);
  await expect(table).toBeVisible();
  const probed = table.locator("[data-probe]");
  await expect(probed).toHaveCount(3);
  const path = await probed.evaluateAll((xs) =>
    xs.map((x) => [x.dataset.probe, x.dataset.slot, x.dataset.collision ?? ""]).sort());
  expect(path).toEqual([["1", "0", "true"], ["2", "1", "true"], ["3", "6", ""]]);
  // The index table names entry 2 in slot 6, and the entries array has the three hashes.
  await expect(table.locator('[data-slot="6"].i-index .ival')).toHaveText("2");
  await expect(table.locator(".i-hash")).toHaveText(["0x0", "0x8", "0x10"]);
  await expect(table.locator(".i-empty").first()).toHaveText("EMPTY");
  await page.screenshot({ path: `${SHOTS}/dict-probe-path.png`, fullPage: true });
});

test("a list grows from 4 to 8 slots on the 5th append", async ({ page }) => {
  const appends = [1, 2, 3, 4, 5].map((n) => `l.append(${n})`).join("\n");
  await open(page, `l = []\n${appends}\nprint(l)\n`);
  await recorded(page);
  await stepToLine(page, "l.append(5)");
  const layout = page.locator('[data-testid="list-layout"]');
  await expect(layout).toHaveCount(1);
  await expect(layout).toHaveAttribute("data-len", "4");
  await expect(layout).toHaveAttribute("data-allocated", "4");
  const id = await page.locator('[data-testid="heap-object"][data-type="list"]').getAttribute("data-id");
  await expect(layout).toHaveAttribute("data-id", id);
  await page.getByTestId("step-next").click();
  await expect(layout).toHaveAttribute("data-len", "5");
  await expect(layout).toHaveAttribute("data-allocated", "8");
  await expect(layout.locator(".i-used")).toHaveCount(5);
  await expect(layout.locator(".i-unused")).toHaveCount(3);
  // The step that grew it highlights the list as changed.
  await expect(page.locator(`[data-testid="heap-object"][data-id="${id}"]`)).toHaveAttribute("data-changed", "true");
  await page.screenshot({ path: `${SHOTS}/list-growth.png`, fullPage: true });
});

test("recursion: the deepest step shows four frames of the function and <module>", async ({ page }) => {
  await open(page, "def fact(n):\n    if n <= 1:\n        return 1\n    return n * fact(n - 1)\n\nprint(fact(4))\n");
  await recorded(page);
  const facts = page.locator('[data-testid="frame"][data-name="fact"]');
  for (let i = 0; i < 40 && (await facts.count()) < 4; i++) {
    const counter = await page.getByTestId("step-counter").textContent();
    await page.getByTestId("step-next").click();
    await expect(page.getByTestId("step-counter")).not.toHaveText(counter);
  }
  await expect(facts).toHaveCount(4);
  const frames = page.locator('[data-testid="frame"]');
  await expect(frames).toHaveCount(5);
  expect(await frames.evaluateAll((fs) => fs.map((f) => `${f.dataset.name}@${f.dataset.depth}`)))
    .toEqual(["<module>@0", "fact@1", "fact@2", "fact@3", "fact@4"]);
  await page.screenshot({ path: `${SHOTS}/recursion-deepest.png`, fullPage: true });
  // Stepping out leaves the deepest call.
  await page.getByTestId("step-out").click();
  await expect.poll(() => facts.count()).toBeLessThan(4);
});

test("bytecode: instruction steps move the current row and the value stack", async ({ page }) => {
  await open(page, "a = 1\nb = 2\nc = a + b\nprint(c)\n");
  await recorded(page);
  await stepToLine(page, "c = a + b");
  const panel = page.getByTestId("bytecode");
  const current = panel.locator('[data-testid="instr"][data-current="true"]');
  const stack = page.getByTestId("value-stack");
  const items = stack.locator('[data-testid="stack-item"]');
  await expect(current).toHaveCount(1);
  await expect(current).toContainText("LOAD_NAME");
  await expect(current).toContainText("(a)");
  await expect(items).toHaveCount(0);

  await page.keyboard.press("Shift+ArrowRight");
  await expect(current).toContainText("(b)");
  await expect(items).toHaveText(["1"]);
  await page.keyboard.press("Shift+ArrowRight");
  await expect(current).toContainText("BINARY_OP");
  await expect(items).toHaveText(["2", "1"]);
  await page.screenshot({ path: `${SHOTS}/bytecode-value-stack.png`, fullPage: true });
  await page.keyboard.press("Shift+ArrowRight");
  await expect(current).toContainText("STORE_NAME");
  await expect(items).toHaveText(["3"]);
  await page.keyboard.press("Shift+ArrowLeft");
  await expect(current).toContainText("BINARY_OP");
});

test("a reload keeps the editor's content", async ({ page }) => {
  await page.goto("/");
  await recorded(page);
  await page.locator(".cm-content").click();
  await page.keyboard.press("Control+A");
  await page.keyboard.type("kept = 'after reload'\nprint(kept)\n");
  await expect.poll(() => page.evaluate(() => location.hash)).toContain("after%20reload");
  await page.reload();
  await expect(page.getByTestId("editor")).toContainText("kept = 'after reload'");
  // Without the address's copy, the browser's storage still has it.
  await page.goto("/");
  await expect(page.getByTestId("editor")).toContainText("kept = 'after reload'");
  const total = await recorded(page);
  await page.getByTestId("step-last").click();
  await expect(page.getByTestId("step-counter")).toHaveText(`Step ${total} of ${total}`);
  await expect(page.getByTestId("stdout")).toHaveText("after reload");
  await page.screenshot({ path: `${SHOTS}/reload-kept.png`, fullPage: true });
});
