/**
 * The documentation site as a reader gets it: built exactly as `npm run docs` does, served from loopback, every
 * page opened in headless Chromium. Every page renders its title, every internal link resolves, local search is
 * there, and no page asks any other host for anything. Screenshots go to reports/docs/.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { extname, join, resolve } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../support/chromium.js";

const root = resolve(import.meta.dirname, "../..");
const out = mkdtempSync(join(tmpdir(), "masko-site-"));
const shots = join(root, "reports/docs");
const TYPES: Record<string, string> = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".woff2": "font/woff2",
};
let server: Server;
let base: string;
let browser: Browser;

beforeAll(async () => {
  execFileSync(process.execPath, ["--import", "tsx", join(root, "scripts/build-docs.ts"), out], {
    cwd: root,
    stdio: "pipe",
  });
  server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    const file = join(out, path.endsWith("/") ? `${path}index.html` : path);
    try {
      const body = readFileSync(file.startsWith(out) ? file : join(out, "404.html"));
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
  mkdirSync(shots, { recursive: true });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  server?.close();
  rmSync(out, { recursive: true, force: true });
});

const pages = () =>
  readdirSync(out)
    .filter((f) => f.endsWith(".html") && f !== "404.html")
    .sort();

describe("the documentation site", () => {
  it("has a page for every guide and the API reference", () => {
    const guides = readdirSync(join(root, "docs"))
      .filter((f) => f.endsWith(".md"))
      .map((f) => f.replace(/\.md$/, ".html"));
    expect(pages()).toEqual(expect.arrayContaining([...guides, "reference.html"]));
  });

  it("opens every page in Chromium with no request to another host, and every internal link resolves", async () => {
    const external: string[] = [];
    const links = new Set<string>();
    for (const page of pages()) {
      const tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await tab.route("**/*", (route) => {
        const url = new URL(route.request().url());
        if (url.host === new URL(base).host || url.protocol === "data:" || url.protocol === "blob:") {
          return route.continue();
        }
        external.push(`${page}: ${url.href}`);
        return route.abort();
      });
      await tab.goto(`${base}/${page}`, { waitUntil: "networkidle" });
      expect(await tab.title(), page).not.toBe("");
      // Redoc routes inside its own page (reference-render.test.ts opens those deep links); the guides' links are
      // real pages.
      const anchors =
        page === "reference.html"
          ? []
          : await tab.$$eval("a[href]", (as) => as.map((a) => (a as HTMLAnchorElement).href));
      for (const href of anchors) {
        const url = new URL(href);
        if (url.host === new URL(base).host) links.add(url.pathname);
      }
      await tab.screenshot({ path: join(shots, `${page.replace(/\.html$/, "")}.png`) });
      await tab.close();
    }
    expect(external).toEqual([]);
    const broken: string[] = [];
    for (const path of links) {
      const response = await fetch(`${base}${path}`);
      if (response.status !== 200) broken.push(path);
    }
    expect(broken).toEqual([]);
    expect(links.size).toBeGreaterThan(10);
  }, 180_000);

  it("searches the guides locally", async () => {
    const tab = await browser.newPage();
    await tab.route("**/*", (route) =>
      new URL(route.request().url()).host === new URL(base).host ? route.continue() : route.abort(),
    );
    await tab.goto(`${base}/simulator.html`, { waitUntil: "networkidle" });
    await tab.locator(".VPNavBarSearch button").first().click();
    await tab.locator("#localsearch-input").fill("admin token");
    const hit = tab.locator(".VPLocalSearchBox .result").first();
    await hit.waitFor({ state: "visible", timeout: 10_000 });
    expect(await hit.textContent()).toMatch(/\w/);
    await tab.close();
  }, 60_000);
});
