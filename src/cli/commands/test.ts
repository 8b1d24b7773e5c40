/**
 * `masko-contract test` (`npm run test:contract`): the contract suite (vitest) against any target — the flags
 * become the suite's environment — with JUnit XML, the profile and the number of checks run and skipped written
 * into it, a minimum number of checks, and the coverage matrix when the target is a simulator with a control API.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { countJunit } from "../../contract/junit.js";
import { contractSuite } from "../package-files.js";

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
  const junit = resolve(process.env.MASKO_CONTRACT_JUNIT ?? "reports/junit/contract.xml");
  const hitsDir = resolve(dirname(junit), "../coverage-hits");
  const targetFile = `${junit}.target.json`;
  const minChecks = Number(process.env.MASKO_CONTRACT_MIN_CHECKS ?? "1");
  process.env.MASKO_CONTRACT_HITS_DIR = hitsDir;
  process.env.MASKO_CONTRACT_TARGET_FILE = targetFile;
  rmSync(hitsDir, { recursive: true, force: true });
  rmSync(targetFile, { force: true });
  mkdirSync(dirname(junit), { recursive: true });

  const suite = contractSuite();
  const { startVitest } = await import("vitest/node");
  const started = Date.now();
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
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ["default", "junit"],
    outputFile: { junit },
    ...(typeof values.filter === "string" ? { testNamePattern: values.filter } : {}),
  });
  await vitest.close();
  let status = process.exitCode === undefined || process.exitCode === 0 ? 0 : Number(process.exitCode);
  process.exitCode = 0;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);

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
