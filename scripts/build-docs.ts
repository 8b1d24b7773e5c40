/**
 * `npm run docs`: builds the documentation site (docs/.vitepress/dist, or the folder given): the guides through
 * VitePress and the Redoc reference (one self-contained page, the policies rendered as tables in its
 * introduction) beside them. `npm run docs -- --reference-only FILE` builds only the reference page.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import bundled from "../src/generated/openapi.json" with { type: "json" };
import { readPolicies } from "../src/policy/policies.js";
import { policyMarkdown } from "./lib/policy-markdown.js";

const root = resolve(import.meta.dirname, "..");
const referenceOnly = process.argv[2] === "--reference-only";
const out = resolve(process.argv[referenceOnly ? 3 : 2] ?? join(root, "docs/.vitepress/dist"));
const target = referenceOnly ? out : join(root, "docs/public/reference.html");
mkdirSync(dirname(target), { recursive: true });
const spec = structuredClone(bundled) as typeof bundled & { info: { description: string } };
spec.info.description = `${spec.info.description}\n\n${policyMarkdown(readPolicies(bundled))}`;
const work = mkdtempSync(join(tmpdir(), "masko-docs-"));
const input = join(work, "openapi.json");
writeFileSync(input, JSON.stringify(spec));
try {
  execFileSync(
    join(root, "node_modules/.bin/redocly"),
    ["build-docs", input, "-o", target, "--title", "Masko API reference", "--inlineBundle"],
    {
      cwd: root,
      stdio: "pipe",
      env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
    },
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
// Redoc's footer loads its logo from Redocly's CDN: the page is served from here alone, so it gets a local one.
const logo = `data:image/svg+xml;base64,${Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="20"><text x="0" y="15" font-family="sans-serif" font-size="13" fill="#555">Redocly</text></svg>',
).toString("base64")}`;
writeFileSync(
  target,
  readFileSync(target, "utf8").replace(/https:\/\/cdn\.redoc\.ly\/redoc\/logo-mini(-full)?\.svg/g, logo),
);
console.log(`built ${target}`);
if (!referenceOnly) {
  execFileSync(join(root, "node_modules/.bin/vitepress"), ["build", "docs", "--outDir", out], {
    cwd: root,
    stdio: "inherit",
  });
  console.log(`built the site in ${out}`);
}
