/**
 * `npm run test:all`: every stage of the suite in order. A failing stage does not stop the others, so one run
 * shows every failure. Each stage is also a JUnit test case (reports/junit/stages.xml) beside the reports the
 * stages write themselves; the run ends with the totals over all of them (scripts/junit-totals.mjs).
 * Usage: npm run test:all [-- stage …]   (default: every stage)
 */
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { type JunitCase, writeJunit } from "../src/contract/junit.js";

const STAGES = [
  "lint:spec",
  "check:generated",
  "lint",
  "lint:workflows",
  "typecheck",
  "test:unit",
  "test:consumer",
  "test:contract",
  "test:contract:deployment",
  "test:contract:prism",
  "load",
  "fuzz",
  "fuzz:stock",
  "spec:diff -- --ci",
];

const root = resolve(import.meta.dirname, "..");
const reports = join(root, "reports/junit");
const wanted = process.argv.slice(2);
const stages = wanted.length > 0 ? STAGES.filter((s) => wanted.includes(s.split(" ")[0] ?? s)) : STAGES;
if (wanted.length === 0) rmSync(reports, { recursive: true, force: true });

const cases: JunitCase[] = [];
for (const stage of stages) {
  console.log(`\n== npm run ${stage} ==`);
  const started = performance.now();
  const run = spawnSync("npm", ["run", ...stage.split(" ")], { cwd: root, stdio: "inherit" });
  const seconds = (performance.now() - started) / 1000;
  const failure = run.status === 0 ? undefined : `exited with ${run.status ?? run.signal}`;
  cases.push({ name: `npm run ${stage} exits 0`, seconds, failure });
  console.log(`== ${stage}: ${failure ?? "ok"} (${seconds.toFixed(1)} s) ==`);
}
writeJunit(join(reports, "stages.xml"), "stages", cases);

const failed = cases.filter((c) => c.failure);
console.log("\nstages:");
for (const c of cases) console.log(`  ${c.failure ? "FAIL" : "ok  "} ${c.name.replace(/ exits 0$/, "")}`);
const totals = spawnSync(process.execPath, [join(root, "scripts/junit-totals.mjs"), reports], {
  stdio: "inherit",
});
process.exit(failed.length > 0 || totals.status !== 0 ? 1 : 0);
