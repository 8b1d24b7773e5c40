/**
 * In a checkout, `npm run mock` runs the compiled command; when the sources changed since the last build it says
 * so and rebuilds (incrementally) first. An installed package has no sources to compare: nothing happens.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { compiled, packageRoot } from "./package-files.js";

/** Whether any source file under `dir` (dependencies and caches aside) is newer than `since` (ms). */
function newer(dir: string, since: number): boolean {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules") continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory() ? newer(path, since) : statSync(path).mtimeMs > since) return true;
  }
  return false;
}

/** Rebuilds `dist/` when this compiled command runs in a checkout whose sources are newer than the build. */
export function ensureBuild(): void {
  if (!compiled) return;
  const root = packageRoot();
  const info = join(root, "dist/.tsbuildinfo");
  if (!existsSync(join(root, "src/cli")) || !existsSync(join(root, "tsconfig.build.json"))) return;
  const built = existsSync(info) ? statSync(info).mtimeMs : 0;
  if (built > 0 && !newer(join(root, "src"), built) && !newer(join(root, "contract-tests"), built)) return;
  process.stderr.write(
    "masko-contract: the sources changed since the last build; rebuilding (incremental)\n",
  );
  execFileSync(
    process.execPath,
    [join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"],
    {
      cwd: root,
      stdio: "inherit",
    },
  );
  // An incremental build with nothing to emit leaves the build info's time alone: mark the build as current.
  const now = new Date();
  utimesSync(info, now, now);
}
