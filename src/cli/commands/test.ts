/**
 * `masko-contract test` (`npm run test:contract`): the contract suite (vitest) against any target — the flags
 * become the suite's environment — with JUnit XML (the profile, the number of checks run and skipped, and each
 * skip's reason written into it), a minimum number of checks, and the coverage matrix when the target is a
 * simulator with a control API. Flags and the target are checked before any check runs (src/cli/contract-run-plan.ts);
 * against a target without a control API the checks pace themselves to its rate limits (contract-tests/lib/
 * pacer.ts), one file after another, with an estimate first and the pacing figures at the end.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { countJunit } from "../../contract/junit.js";
import { policies } from "../../policy/policies.js";
import { addSkipReasons, formatPacing, pacingFigures, skipReasonCollector } from "../contract-report.js";
import { type Checked, checkRun, longestWaitMs, printEstimate, skipReason } from "../contract-run-plan.js";
import { createKeyPool } from "../key-pool.js";
import { contractSuite } from "../package-files.js";
import { UsageError } from "../target-flags.js";

export const FLAGS = {
  "base-url": {
    env: "MASKO_BASE_URL",
    help: "the server to check (default: a simulator started on a free port)",
  },
  "api-key": { env: "MASKO_API_KEY", help: "a key of that server (default: the simulator's demo key)" },
  "control-url": {
    env: "MASKO_CONTROL_URL",
    help: "where its /__mock control API is (default: the base URL)",
  },
  "admin-token": { env: "MASKO_MOCK_ADMIN_TOKEN", help: "the control API's admin token" },
  profile: {
    env: "MASKO_CONTRACT_PROFILE",
    help: "readonly | safe | full (default: full with a control API, else safe)",
  },
  "spend-credits": {
    env: "MASKO_CONTRACT_SPEND_CREDITS",
    help: "credits the full profile may spend without a control API (default 0)",
  },
  "min-checks": {
    env: "MASKO_CONTRACT_MIN_CHECKS",
    help: "fail a run that executed fewer checks (default 1)",
  },
  keys: {
    env: "MASKO_CONTRACT_KEYS",
    help: "keys to spread a paced run over: N − 1 more are created for the run and revoked after it (default 1)",
  },
  "max-duration": {
    env: "MASKO_CONTRACT_MAX_DURATION",
    help: "seconds the run may take; a rate-limit wait that would pass it fails its check (default none)",
  },
  junit: { env: "MASKO_CONTRACT_JUNIT", help: "JUnit XML file (default reports/junit/contract.xml)" },
  filter: { env: "", help: "only checks whose name matches this regular expression" },
  only: { env: "", help: "only the check files whose name contains this (for example stateless)" },
} as const;

function usage(): string {
  const lines = Object.entries(FLAGS).map(
    ([name, f]) => `  --${name.padEnd(15)} ${f.help}${f.env ? ` (env ${f.env})` : ""}`,
  );
  return [
    "Usage: masko-contract test [flags]   (in this repository: npm run test:contract -- [flags])",
    "",
    "The contract suite against any Masko API target: every answer checked against the spec.",
    "",
    ...lines,
    "  --matrix          print the coverage matrix even against an external simulator",
    "  --help            show this help",
    "",
  ].join("\n");
}

/** Runs the test command with `args`; resolves to the exit code. */
export async function runTest(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ...Object.fromEntries(Object.keys(FLAGS).map((name) => [name, { type: "string" as const }])),
      matrix: { type: "boolean" },
      help: { type: "boolean" },
    },
    strict: true,
  }) as { values: Record<string, string | boolean | undefined> };
  if (values.help) {
    process.stdout.write(usage());
    return 0;
  }
  for (const [name, f] of Object.entries(FLAGS)) {
    const value = values[name];
    if (typeof value === "string" && f.env) process.env[f.env] = value;
  }
  if (process.env.MASKO_BASE_URL && !process.env.MASKO_API_KEY) {
    process.stderr.write(
      `masko-contract test: --base-url needs --api-key (or MASKO_API_KEY): a key of that server.\n\n${usage()}`,
    );
    return 2;
  }
  let checked: Checked;
  try {
    checked = await checkRun();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`masko-contract test: ${error.message}\n`);
    return 2;
  }
  const junit = resolve(process.env.MASKO_CONTRACT_JUNIT ?? "reports/junit/contract.xml");
  // One folder of coverage hits per report: runs side by side (the deployment rehearsal's three) never share one.
  const hitsDir = resolve(dirname(junit), "../coverage-hits", basename(junit, ".xml"));
  const targetFile = `${junit}.target.json`;
  const pacingFile = `${junit}.pacing.jsonl`;
  const minChecks = checked.minChecks;
  process.env.MASKO_CONTRACT_HITS_DIR = hitsDir;
  process.env.MASKO_CONTRACT_TARGET_FILE = targetFile;
  process.env.MASKO_CONTRACT_PACING_FILE = pacingFile;
  const started = Date.now();
  if (checked.maxDurationSeconds !== undefined) {
    process.env.MASKO_CONTRACT_DEADLINE = String(started + checked.maxDurationSeconds * 1000);
  }
  rmSync(hitsDir, { recursive: true, force: true });
  rmSync(targetFile, { force: true });
  rmSync(pacingFile, { force: true });
  mkdirSync(dirname(junit), { recursive: true });
  const paced = checked.external && !checked.hasControl;
  // The shortest window's limit, per minute (60 for the spec's 60-second window).
  const shortest = [...policies.rateLimits.windows].sort((a, b) => a.windowSeconds - b.windowSeconds)[0];
  const perMinute = shortest ? (shortest.limit * 60) / shortest.windowSeconds : 60;
  const pool =
    paced && checked.keys > 1
      ? await createKeyPool(
          process.env.MASKO_BASE_URL ?? "",
          process.env.MASKO_API_KEY ?? "",
          checked.keys - 1,
          (l) => console.log(l),
        )
      : undefined;
  const keysUsed = (pool?.keys.length ?? 0) + 1;
  if (pool) {
    process.env.MASKO_CONTRACT_POOL_KEYS = pool.keys.join(",");
    // Ctrl-C and a stop still revoke the run's keys before the process ends.
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      process.once(signal, () => {
        void pool.revokeAll().finally(() => process.exit(130));
      });
    }
  }
  if (paced) printEstimate(checked.profile, perMinute, keysUsed);
  const testTimeout = paced ? longestWaitMs(checked.maxDurationSeconds) : 30_000;

  const suite = contractSuite();
  const { startVitest } = await import("vitest/node");
  const skips = skipReasonCollector(skipReason(checked.profile, checked.hasControl));
  try {
    const vitest = await startVitest("test", typeof values.only === "string" ? [values.only] : [], {
      watch: false,
      // No results cache: it would be written into the suite's folder (inside an installed package, or into the
      // sources of a checkout, where it made the next `npm run mock` think the sources had changed).
      cache: false,
      config: false,
      root: suite.dir,
      dir: suite.dir,
      include: [`*.contract.test.${suite.ext}`],
      globalSetup: [join(suite.dir, `lib/global-setup.${suite.ext}`)],
      testTimeout,
      hookTimeout: testTimeout,
      // One key's limits are shared by every check: files run one after another, each reading the pacing journal.
      fileParallelism: !paced,
      reporters: ["default", "junit", skips.reporter],
      outputFile: { junit },
      ...(typeof values.filter === "string" ? { testNamePattern: values.filter } : {}),
    });
    await vitest.close();
  } finally {
    // Revoked after a failure too (and on Ctrl-C, above).
    await pool?.revokeAll();
  }
  let status = process.exitCode === undefined || process.exitCode === 0 ? 0 : Number(process.exitCode);
  process.exitCode = 0;
  const runSeconds = (Date.now() - started) / 1000;
  const seconds = runSeconds.toFixed(1);

  let xml: string;
  try {
    xml = readFileSync(junit, "utf8");
  } catch {
    console.error(`contract run: no JUnit report at ${junit}`);
    return status || 1;
  }
  const counts = countJunit(xml);
  if (counts.failed > 0) status = status || 1;
  let target = { profile: "unknown", hasControl: false };
  try {
    target = JSON.parse(readFileSync(targetFile, "utf8"));
  } catch {}
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
  writeFileSync(junit, addSkipReasons(xml, skips.reasons).replace(/(<testsuite\b[^>]*>)/g, `$1${block}`));
  console.log(
    `contract run (${seconds} s): profile ${target.profile}, ${counts.passed + counts.failed} checks run ` +
      `(${counts.failed} failed), ${counts.skipped} skipped; JUnit report in ${junit}`,
  );
  if (paced) {
    const { readJournal } = await import(pathToFileURL(join(suite.dir, `lib/pacer.${suite.ext}`)).href);
    console.log(
      formatPacing(pacingFigures(readJournal(pacingFile), runSeconds, perMinute, keysUsed), perMinute),
    );
  }
  rmSync(pacingFile, { force: true });
  if (counts.passed + counts.failed < minChecks) {
    console.error(
      `contract run: only ${counts.passed + counts.failed} checks ran, fewer than ${minChecks} required`,
    );
    status = status || 1;
  }
  const matrixWanted = target.hasControl && (!process.env.MASKO_BASE_URL || values.matrix === true);
  if (status === 0 && matrixWanted && values.filter === undefined && values.only === undefined) {
    const { coverageMatrix } = await import(
      pathToFileURL(join(suite.dir, `lib/coverage-matrix.${suite.ext}`)).href
    );
    const missing = (coverageMatrix as (dir: string, out: string) => string[])(
      hitsDir,
      resolve(dirname(junit), "../coverage-matrix.txt"),
    );
    if (missing.length > 0) status = 1;
  }
  return status;
}
