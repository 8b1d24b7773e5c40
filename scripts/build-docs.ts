/**
 * `npm run docs`: builds the Redoc reference (one self-contained HTML file) from the bundled spec, with the
 * policies (rate limits, credits, key policy) rendered as tables in the introduction.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import bundled from "../src/generated/openapi.json" with { type: "json" };
import { readPolicies } from "../src/policy/policies.js";
import { policyMarkdown } from "./lib/policy-markdown.js";

const root = resolve(import.meta.dirname, "..");
const target = resolve(process.argv[2] ?? join(root, "docs/reference.html"));
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
console.log(`built ${target}`);
