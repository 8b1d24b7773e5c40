/** `npm run docs`: builds the Redoc reference (one self-contained HTML file) from the bundled spec. */
import { execFileSync } from "node:child_process";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const target = resolve(process.argv[2] ?? join(root, "docs/reference.html"));
execFileSync(
  join(root, "node_modules/.bin/redocly"),
  [
    "build-docs",
    "src/generated/openapi.json",
    "-o",
    target,
    "--title",
    "Masko API reference",
    "--inlineBundle",
  ],
  {
    cwd: root,
    stdio: "pipe",
    env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
  },
);
console.log(`built ${target}`);
