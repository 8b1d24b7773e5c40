/** A seed file of `count` personal workspaces with one fresh key each, and the keys as a wrk key file. */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Paths of the seed and key files, the first key, and how to remove them. */
export interface SeededKeys {
  seedFile: string;
  keysFile: string;
  firstKey: string;
  remove(): void;
}

export function seededKeys(count: number): SeededKeys {
  const dir = mkdtempSync(join(tmpdir(), "masko-bench-"));
  const keys = Array.from({ length: count }, () => `masko_${randomBytes(32).toString("hex")}`);
  const seedFile = join(dir, "seed.json");
  const keysFile = join(dir, "keys.txt");
  const workspaces = keys.map((api_key) => ({
    type: "personal",
    credits: 1,
    members: [{ role: "owner", api_key }],
  }));
  writeFileSync(seedFile, JSON.stringify({ workspaces }));
  writeFileSync(keysFile, `${keys.join("\n")}\n`);
  return {
    seedFile,
    keysFile,
    firstKey: keys[0] as string,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
