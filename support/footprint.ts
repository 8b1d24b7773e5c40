/** What an install brought into a project: the packages under node_modules and their size on disk. */
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

export interface Footprint {
  packages: string[];
  bytes: number;
}

function bytesUnder(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, name) => sum + bytesUnder(join(path, name)), 0);
}

/** The installed packages of the project in `dir` (the project itself left out) and node_modules' size. */
export function footprintOf(dir: string): Footprint {
  const listed = spawnSync("npm", ["ls", "--all", "--parseable"], { cwd: dir, encoding: "utf8" });
  const packages = listed.stdout
    .trim()
    .split("\n")
    .slice(1)
    .map((path) => path.replace(/^.*node_modules\//, ""));
  return { packages, bytes: bytesUnder(join(dir, "node_modules")) };
}

/** One line for a test's output: `name: N packages, M MB (a, b, …)`, the list cut after `listed` names. */
export function describeFootprint(name: string, footprint: Footprint, listed = 20): string {
  const names = footprint.packages.slice(0, listed).join(", ");
  const more = footprint.packages.length > listed ? `, … ${footprint.packages.length - listed} more` : "";
  return `footprint of ${name}: ${footprint.packages.length} packages, ${(footprint.bytes / 1e6).toFixed(2)} MB (${names}${more})`;
}
