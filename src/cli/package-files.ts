/** Where this package's own files are, whether it runs from the TypeScript sources or from `dist/`. */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The Prism release the `--prism` mock runs (pinned: a range resolves to a release that needs Node 24). */
export const PRISM_VERSION = "5.14.2";

const here = dirname(fileURLToPath(import.meta.url));
/** Whether this code runs compiled (from `dist/`) rather than from the sources through tsx. */
export const compiled = import.meta.url.endsWith(".js");

/** The package root (the folder holding package.json). */
export function packageRoot(): string {
  let dir = here;
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error("masko-contract: package.json not found");
    dir = up;
  }
  return dir;
}

/** The bundled spec (OpenAPI 3.1 JSON). */
export function specPath(): string {
  return compiled
    ? resolve(here, "../generated/openapi.json")
    : resolve(packageRoot(), "src/generated/openapi.json");
}

/** The folder of the contract suite: compiled JavaScript in the package, TypeScript in a checkout. */
export function contractSuite(): { dir: string; ext: "js" | "ts" } {
  return compiled
    ? { dir: resolve(here, "../../contract-tests"), ext: "js" }
    : { dir: resolve(packageRoot(), "contract-tests"), ext: "ts" };
}
