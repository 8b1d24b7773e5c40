/**
 * Media a front end can show, in a real browser: a page served on loopback generates an animation, then renders its
 * PNGs in <img> and plays its WebM in <video> in headless Chromium — once against `npm run mock` (the simulator
 * process) and once with the simulator inside the page as MSW handlers (msw/browser, service worker). The decoded
 * sizes, the alpha channels and the video's readyState are checked; screenshots go to reports/media/.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import { build } from "esbuild";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../support/chromium.js";
import type { RunningServer } from "../../support/processes.js";
import { startSimulatorProcess } from "../../support/simulator-process.js";

const root = resolve(import.meta.dirname, "../..");
const shots = join(root, "reports/media");
let files: Record<string, { type: string; body: string | Uint8Array }>;
let pageServer: Server;
let pageUrl: string;
let simulator: RunningServer;
let browser: Browser;

beforeAll(async () => {
  const bundle = await build({
    entryPoints: [join(import.meta.dirname, "media-page/page.ts")],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "chrome120",
    external: ["node:*"],
    write: false,
    logLevel: "silent",
  });
  files = {
    "/": {
      type: "text/html",
      body: readFileSync(join(import.meta.dirname, "media-page/index.html"), "utf8"),
    },
    "/page.js": { type: "text/javascript", body: bundle.outputFiles[0]?.text ?? "" },
    "/mockServiceWorker.js": {
      type: "text/javascript",
      body: readFileSync(join(root, "node_modules/msw/lib/mockServiceWorker.js"), "utf8"),
    },
  };
  pageServer = createServer((req, res) => {
    const file = files[new URL(req.url ?? "/", "http://x").pathname];
    res.writeHead(file ? 200 : 404, { "content-type": file?.type ?? "text/plain" }).end(file?.body ?? "");
  });
  await new Promise<void>((done) => pageServer.listen(0, "127.0.0.1", done));
  pageUrl = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}/`;
  simulator = await startSimulatorProcess([]);
  browser = await launchChromium();
  mkdirSync(shots, { recursive: true });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await simulator?.stop();
  pageServer?.close();
});

type Shown = Awaited<ReturnType<Window["media"]["show"]>>;
declare global {
  interface Window {
    media: {
      startMsw(): Promise<string>;
      advanceClock(seconds: number): Promise<unknown>;
      generate(api: string, key: string): Promise<Record<string, string>>;
      show(urls: Record<string, string>): Promise<{
        image: { width: number; height: number; alpha: { corner: number; max: number } };
        transparent: { width: number; alpha: { corner: number; max: number } };
        video: {
          readyState: number;
          width: number;
          height: number;
          duration: number;
          alpha: { corner: number; max: number };
        };
      }>;
    };
  }
}

async function openPage(transport: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 880, height: 400 } });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(pageUrl);
  await page.waitForFunction(() => window.media !== undefined);
  await page.evaluate((t) => {
    (document.getElementById("transport") as HTMLElement).textContent = t;
  }, transport);
  expect(errors).toEqual([]);
  return page;
}

/** What a front end must be able to rely on, whichever transport served the media. */
function expectRendered(shown: Shown) {
  expect(shown.image).toMatchObject({ width: 256, height: 256, alpha: { corner: 255 } });
  expect(shown.transparent).toMatchObject({ width: 256, alpha: { corner: 0, max: 255 } });
  expect(shown.video.readyState).toBeGreaterThanOrEqual(2); // HAVE_CURRENT_DATA: a frame is decoded
  expect(shown.video).toMatchObject({ width: 160, height: 160 });
  expect(shown.video.duration).toBeCloseTo(2, 0);
  expect(shown.video.alpha.corner).toBe(0); // VP9 alpha decoded: the corner is see-through
  expect(shown.video.alpha.max).toBeGreaterThan(200);
}

describe("asset media in Chromium", () => {
  it("renders the PNGs in <img> and plays the WebM in <video> from `npm run mock`", async () => {
    const workspace = await fetch(`${simulator.baseUrl}/__mock/workspaces`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ type: "personal", credits: 100 }),
    }).then((r) => r.json() as Promise<{ api_key: string }>);
    const page = await openPage("npm run mock");
    const urls = await page.evaluate(([api, key]) => window.media.generate(api, key), [
      simulator.baseUrl,
      workspace.api_key,
    ] as const);
    expect(urls.webm?.startsWith(`${simulator.baseUrl}/assets/`)).toBe(true);
    await fetch(`${simulator.baseUrl}/__mock/clock`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ advance_seconds: 60 }),
    });
    expectRendered(await page.evaluate((u) => window.media.show(u), urls));
    await page.screenshot({ path: join(shots, "simulator.png") });
    await page.close();
  }, 60_000);

  it("renders the same from MSW in the browser, the simulator answering api.masko.ai and assets.masko.ai", async () => {
    const page = await openPage("MSW in the browser");
    const key = await page.evaluate(() => window.media.startMsw());
    const urls = await page.evaluate((k) => window.media.generate("https://api.masko.ai", k), key);
    expect(urls.webm?.startsWith("https://assets.masko.ai/")).toBe(true);
    await page.evaluate(() => window.media.advanceClock(60));
    expectRendered(await page.evaluate((u) => window.media.show(u), urls));
    await page.screenshot({ path: join(shots, "msw.png") });
    await page.close();
  }, 60_000);
});
