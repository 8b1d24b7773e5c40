/** Type-checking a file of a consumer project the way its users would: strict tsc under one module resolution. */
import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

export type Resolution = "node16" | "bundler" | "node10";

/** The `module` setting each resolution goes with. */
const MODULE: Record<Resolution, string> = { node16: "node16", bundler: "esnext", node10: "commonjs" };

/**
 * Writes `tsconfig.<resolution>.json` into `dir` (strict, no emit, library types checked too) for `file`, and runs
 * the TypeScript compiler at `tsc` (its `bin/tsc` script) on it; `types` are the `@types` packages it may use.
 */
export function strictTypeCheck(
  dir: string,
  file: string,
  resolution: Resolution,
  options: { tsc: string; types: string[] },
): SpawnSyncReturns<string> {
  const config = `tsconfig.${resolution}.json`;
  writeFileSync(
    join(dir, config),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: "ES2022",
        lib: ["ES2023", "DOM"],
        module: MODULE[resolution],
        moduleResolution: resolution,
        ...(resolution === "node10" && { ignoreDeprecations: "5.0" }),
        types: options.types,
        skipLibCheck: false,
      },
      files: [file],
    }),
  );
  return spawnSync(process.execPath, [options.tsc, "-p", config], {
    cwd: dir,
    encoding: "utf8",
    timeout: 180_000,
  });
}
