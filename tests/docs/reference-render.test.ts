import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { specValidator } from "../../src/contract/bundled-spec.js";
import { policies } from "../../src/policy/policies.js";
import { launchChromium } from "../../support/chromium.js";

const root = resolve(import.meta.dirname, "../..");
const outDir = mkdtempSync(join(tmpdir(), "masko-docs-"));
const page = join(outDir, "reference.html");
let browser: Browser;

beforeAll(async () => {
  // Build exactly as `npm run docs` does, into a temporary folder.
  execFileSync(
    process.execPath,
    ["--import", "tsx", join(root, "scripts/build-docs.ts"), "--reference-only", page],
    {
      stdio: "pipe",
    },
  );
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  rmSync(outDir, { recursive: true, force: true });
});

describe("the Redoc reference page", () => {
  it("shows every operation of the spec when its deep link is opened in headless Chromium", async () => {
    const url = pathToFileURL(page).href;
    const operations = specValidator().operations();
    expect(operations.length).toBe(33);
    const errors: string[] = [];
    const missing: string[] = [];
    // Redoc renders lazily; a deep link (#/<tag>/<operationid>) renders and scrolls to that operation.
    const check = async ({ operationId, operation }: (typeof operations)[number]) => {
      const tab = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      tab.on("pageerror", (e) => errors.push(`${operationId}: ${e.message}`));
      const tag = String((operation.tags as string[])[0])
        .toLowerCase()
        .replace(/\s+/g, "-");
      await tab.goto(`${url}#/${tag}/${operationId.toLowerCase()}`);
      const summary = String(operation.summary).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      const heading = tab
        .locator("h2")
        .filter({ hasText: new RegExp(`^${summary}$`) })
        .first();
      const shown = await heading.waitFor({ state: "visible", timeout: 15_000 }).then(
        () => true,
        () => false,
      );
      if (!shown) missing.push(operationId);
      await tab.close();
    };
    const queue = [...operations];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) await check(next);
      }),
    );
    expect(missing).toEqual([]);
    expect(errors).toEqual([]);
  }, 180_000);

  it("shows the policies as readable tables: the rate limits, the credit table and the key policy", async () => {
    const tab = await browser.newPage();
    await tab.goto(pathToFileURL(page).href);
    const heading = tab.locator("h2", { hasText: /^Policies$/ }).first();
    await heading.waitFor({ state: "visible", timeout: 15_000 });
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text, with table cells apart, is what a reader sees
    const text = await tab.locator("body").innerText();
    for (const w of policies.rateLimits.windows) {
      expect(text).toMatch(new RegExp(`${w.name} \\(${w.windowSeconds} s\\)\\s+${w.limit}`));
    }
    expect(text).toMatch(
      new RegExp(`animation, per second of video\\s+${policies.creditCost.animation.perSecond}`),
    );
    expect(text).toMatch(new RegExp(`logo\\s+${policies.creditCost.logo}`));
    expect(text).toContain(
      `At most ${policies.keyPolicy.maxActiveKeysPerWorkspace} active keys per workspace`,
    );
    await tab.close();
  }, 60_000);
});
