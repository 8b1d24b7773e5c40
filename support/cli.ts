/** The masko-contract command from the sources, as its own process: its exit code and output together. */
import { spawn } from "node:child_process";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");

/** Runs `masko-contract <args>` (not spawnSync: a target the test serves in process must keep answering). */
export function cli(...args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", join(root, "src/cli/index.ts"), ...args], {
    cwd: root,
  });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  return new Promise((done) => child.once("close", (code) => done({ code, output })));
}
