/**
 * `npm run test:contract`: runs the contract suite (vitest, JUnit XML in reports/junit/) against MASKO_BASE_URL or
 * a simulator it starts itself; prints the profile and how many checks ran and were skipped, writes both into the
 * JUnit report as properties, fails a run that executed fewer than MASKO_CONTRACT_MIN_CHECKS checks, and prints the
 * coverage matrix when the target is a simulator (or MASKO_CONTRACT_MATRIX=1).
 * Extra arguments go to vitest (for example `-t "pattern"`).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { countJunit } from "../scripts/lib/junit.js";

const root = resolve(import.meta.dirname, "..");
const junit = resolve(root, process.env.MASKO_CONTRACT_JUNIT ?? "reports/junit/contract.xml");
const targetFile = `${junit}.target.json`;
const minChecks = Number(process.env.MASKO_CONTRACT_MIN_CHECKS ?? "1");
rmSync(join(root, "reports/coverage-hits"), { recursive: true, force: true });
mkdirSync(dirname(junit), { recursive: true });
rmSync(targetFile, { force: true });
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
  { cwd: root, stdio: "inherit", env: { ...process.env, MASKO_CONTRACT_TARGET_FILE: targetFile } },
);
const seconds = ((Date.now() - started) / 1000).toFixed(1);

let status = vitest.status ?? 1;
let xml = "";
try {
  xml = readFileSync(junit, "utf8");
} catch {
  console.error(`contract run: no JUnit report at ${junit}`);
  process.exit(status || 1);
}
const counts = countJunit(xml);
const target = (() => {
  try {
    return JSON.parse(readFileSync(targetFile, "utf8")) as { profile: string; hasControl: boolean };
  } catch {
    return { profile: "unknown", hasControl: false };
  }
})();
rmSync(targetFile, { force: true });
const properties = {
  profile: target.profile,
  control_api: String(target.hasControl),
  checks_run: String(counts.passed + counts.failed),
  checks_skipped: String(counts.skipped),
};
const block = `<properties>${Object.entries(properties)
  .map(([name, value]) => `<property name="${name}" value="${value}"/>`)
  .join("")}</properties>`;
writeFileSync(junit, xml.replace(/(<testsuite\b[^>]*>)/g, `$1${block}`));
console.log(
  `contract run (${seconds} s): profile ${target.profile}, ${counts.passed + counts.failed} checks run ` +
    `(${counts.failed} failed), ${counts.skipped} skipped; JUnit report in ${junit}`,
);
if (counts.passed + counts.failed < minChecks) {
  console.error(
    `contract run: only ${counts.passed + counts.failed} checks ran, fewer than ${minChecks} required`,
  );
  status = status || 1;
}
if (status !== 0) process.exit(status);
const matrixWanted =
  target.hasControl && (!process.env.MASKO_BASE_URL || process.env.MASKO_CONTRACT_MATRIX === "1");
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
