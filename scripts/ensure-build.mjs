#!/usr/bin/env node
/**
 * `npm run mock` starts the compiled simulator (no TypeScript compile on every start). In a checkout whose sources
 * changed since the last build, this rebuilds first (incrementally), saying so; otherwise it only compares file
 * times and returns at once.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const built = (() => {
  try {
    return statSync(join(root, "dist/.tsbuildinfo")).mtimeMs;
  } catch {
    return 0;
  }
})();

/** Whether any file under `dir` is newer than the build. */
function newer(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() ? newer(path) : statSync(path).mtimeMs > built) return true;
  }
  return false;
}

if (built === 0 || newer(join(root, "src")) || newer(join(root, "contract-tests"))) {
  process.stderr.write(
    built === 0
      ? "masko-contract: building (first start)\n"
      : "masko-contract: sources changed, rebuilding\n",
  );
  execFileSync(
    process.execPath,
    [join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"],
    {
      cwd: root,
      stdio: "inherit",
    },
  );
}
