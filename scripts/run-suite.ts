/**
 * `npm run test:all`: every stage of the suite in order. A failing stage does not stop the others, so one run
 * shows every failure. Each stage is also a JUnit test case (reports/junit/stages.xml) beside the reports the
 * stages write themselves; the run ends with the totals over all of them (scripts/junit-totals.mjs).
 * The stages that mostly wait on real rate-limit windows (the deployment rehearsal and parity, each about a minute
 * of waiting at production's limits) start first and run beside the CPU-bound unit and consumer stages; their
 * output is printed whole when they end, and they are awaited before the load stage, which measures timing.
 * Usage: npm run test:all [-- stage …]   (default: every stage)
 */
import { spawn, spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { type JunitCase, writeJunit } from "../src/contract/junit.js";

/** `beside`: started at the beginning and awaited before `until`. */
const STAGES: Array<{ name: string; beside?: { until: string } }> = [
  { name: "test:contract:deployment", beside: { until: "load" } },
  { name: "test:parity", beside: { until: "load" } },
  { name: "lint:spec" },
  { name: "check:generated" },
  { name: "lint" },
  { name: "check:size" },
  { name: "lint:workflows" },
  { name: "typecheck" },
  { name: "test:unit" },
  { name: "test:consumer" },
  { name: "test:contract" },
  { name: "test:contract:prism" },
  { name: "load" },
  { name: "fuzz" },
  { name: "fuzz:stock" },
  { name: "spec:diff -- --ci" },
];

const root = resolve(import.meta.dirname, "..");
const reports = join(root, "reports/junit");
const wanted = process.argv.slice(2);
const stages =
  wanted.length > 0 ? STAGES.filter((s) => wanted.includes(s.name.split(" ")[0] ?? s.name)) : STAGES;
if (wanted.length === 0) rmSync(reports, { recursive: true, force: true });

const cases: JunitCase[] = [];
const record = (stage: string, status: number | null, signal: string | null, seconds: number) => {
  const failure = status === 0 ? undefined : `exited with ${status ?? signal}`;
  cases.push({ name: `npm run ${stage} exits 0`, seconds, failure });
  console.log(`== ${stage}: ${failure ?? "ok"} (${seconds.toFixed(1)} s) ==`);
};

/** A stage started in the background: its output kept, printed whole when it is awaited. */
function startBeside(stage: string) {
  const started = performance.now();
  const child = spawn("npm", ["run", ...stage.split(" ")], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const done = new Promise<{ status: number | null; signal: string | null; seconds: number }>((resolveDone) =>
    child.once("close", (status, signal) =>
      resolveDone({ status, signal, seconds: (performance.now() - started) / 1000 }),
    ),
  );
  return async () => {
    const { status, signal, seconds } = await done;
    console.log(`\n== npm run ${stage} (ran beside the stages above) ==`);
    process.stdout.write(output);
    record(stage, status, signal, seconds);
  };
}

const waiting = new Map<string, Array<() => Promise<void>>>();
for (const stage of stages.filter((s) => s.beside)) {
  const until = stage.beside?.until ?? "";
  waiting.set(until, [...(waiting.get(until) ?? []), startBeside(stage.name)]);
  console.log(`== npm run ${stage.name}: started beside the others ==`);
}
const awaitBeside = async (before: string | undefined) => {
  for (const [until, finish] of waiting) {
    if (before !== undefined && until !== before) continue;
    for (const f of finish) await f();
    waiting.delete(until);
  }
};

/** Runs a stage in the foreground. Not spawnSync: the event loop must stay free to drain the stages beside it. */
function runForeground(stage: string): Promise<{ status: number | null; signal: string | null }> {
  const child = spawn("npm", ["run", ...stage.split(" ")], { cwd: root, stdio: "inherit" });
  return new Promise((done) => child.once("close", (status, signal) => done({ status, signal })));
}

for (const stage of stages.filter((s) => !s.beside)) {
  await awaitBeside(stage.name);
  console.log(`\n== npm run ${stage.name} ==`);
  const started = performance.now();
  const run = await runForeground(stage.name);
  record(stage.name, run.status, run.signal, (performance.now() - started) / 1000);
}
await awaitBeside(undefined);
writeJunit(join(reports, "stages.xml"), "stages", cases);

const failed = cases.filter((c) => c.failure);
console.log("\nstages:");
for (const c of cases) console.log(`  ${c.failure ? "FAIL" : "ok  "} ${c.name.replace(/ exits 0$/, "")}`);
const totals = spawnSync(process.execPath, [join(root, "scripts/junit-totals.mjs"), reports], {
  stdio: "inherit",
});
process.exit(failed.length > 0 || totals.status !== 0 ? 1 : 0);
