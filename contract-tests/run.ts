/**
 * `npm run test:contract`: runs the contract suite (vitest, JUnit XML in reports/) against MASKO_BASE_URL or a
 * simulator it starts itself, then prints the coverage matrix when the target is a simulator.
 * Extra arguments go to vitest (for example `-t "pattern"`).
 */
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const junit = process.env.MASKO_CONTRACT_JUNIT ?? "reports/junit/contract.xml";
rmSync(join(root, "reports/coverage-hits"), { recursive: true, force: true });
const started = Date.now();
const vitest = spawnSync(
  join(root, "node_modules/.bin/vitest"),
  [
    "run",
    "--config",
    "vitest.contract.config.ts",
    "--reporter=default",
    "--reporter=junit",
    `--outputFile.junit=${junit}`,
    ...process.argv.slice(2),
  ],
  { cwd: root, stdio: "inherit" },
);
console.log(`contract run: ${((Date.now() - started) / 1000).toFixed(1)} s; JUnit report in ${junit}`);
if (vitest.status !== 0) process.exit(vitest.status ?? 1);
const matrixWanted = !process.env.MASKO_BASE_URL || process.env.MASKO_CONTRACT_MATRIX === "1";
if (matrixWanted && process.argv.length <= 2) {
  const matrix = spawnSync(
    process.execPath,
    ["--import", "tsx", join(root, "contract-tests/coverage-matrix.ts")],
    {
      cwd: root,
      stdio: "inherit",
    },
  );
  process.exit(matrix.status ?? 1);
}
