import { join } from "node:path";
import type { Reporter } from "vitest/node";
import { controlClient, type SandboxClient } from "../../contract/control-client.js";
import { policies } from "../../policy/policies.js";
import { coverageGaps, type RunFiles, reportRun, runFiles, skipReasonCollector } from "../contract-report.js";
import {
  type Checked,
  checkRun,
  longestWaitMs,
  printEstimate,
  type SuiteSettings,
  skipReason,
} from "../contract-run-plan.js";
import { type CommandSpec, type FlagTable, type FlagValues, flagsOrHelp, helpText } from "../flags.js";
import { createKeyPool } from "../key-pool.js";
import { contractSuite } from "../package-files.js";
import { UsageError } from "../target-flags.js";

export const FLAGS = {
  "base-url": {
    value: "URL",
    env: "MASKO_BASE_URL",
    help: "the server to check (default: a simulator started on a free port)",
  },
  "api-key": {
    value: "KEY",
    env: "MASKO_API_KEY",
    help: "a key of that server (default: the simulator's demo key)",
  },
  "control-url": {
    value: "URL",
    env: "MASKO_CONTROL_URL",
    help: "where its /__mock control API is (default: the base URL)",
  },
  "admin-token": { value: "TOKEN", env: "MASKO_MOCK_ADMIN_TOKEN", help: "the control API's admin token" },
  profile: {
    value: "NAME",
    env: "MASKO_CONTRACT_PROFILE",
    help: "readonly | safe | full (default: full with a control API, else safe)",
  },
  "spend-credits": {
    value: "N",
    env: "MASKO_CONTRACT_SPEND_CREDITS",
    help: "credits the full profile may spend without a control API (default 0)",
  },
  "min-checks": {
    value: "N",
    env: "MASKO_CONTRACT_MIN_CHECKS",
    help: "fail a run that executed fewer checks (default 1)",
  },
  keys: {
    value: "N",
    env: "MASKO_CONTRACT_KEYS",
    help: "keys to spread a paced run over: N − 1 more are created for the run and revoked after it (default 1)",
  },
  "max-duration": {
    value: "SECONDS",
    env: "MASKO_CONTRACT_MAX_DURATION",
    help: "seconds the run may take; a rate-limit wait that would pass it fails its check (default none)",
  },
  junit: {
    value: "FILE",
    env: "MASKO_CONTRACT_JUNIT",
    help: "JUnit XML file (default reports/junit/contract.xml)",
  },
  sandbox: {
    value: "new",
    env: "MASKO_CONTRACT_SANDBOX",
    help: "new: run inside a sandbox made for the run on the target simulator, deleted after it (also on failure)",
  },
  filter: { value: "PATTERN", help: "only checks whose name matches this regular expression" },
  only: { value: "TEXT", help: "only the check files whose name contains this (for example stateless)" },
  matrix: { type: "boolean", help: "print the coverage matrix even against an external simulator" },
} as const satisfies FlagTable;

type TestValues = FlagValues<typeof FLAGS>;

const COMMAND: CommandSpec<typeof FLAGS> = {
  name: "test",
  script: "test:contract",
  description: "The contract suite against any Masko API target: every answer checked against the spec.",
  flags: FLAGS,
};

/** `count` more keys for a paced run, handed to the suite; revoked after it, and on Ctrl-C or a stop. */
async function keyPool(settings: SuiteSettings, count: number) {
  const pool = await createKeyPool(settings.MASKO_BASE_URL ?? "", settings.MASKO_API_KEY ?? "", count, (l) =>
    console.log(l),
  );
  settings.MASKO_CONTRACT_POOL_KEYS = pool.keys.join(",");
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      void pool.revokeAll().finally(() => process.exit(130));
    });
  }
  return pool;
}

/**
 * With `--sandbox new`: a sandbox made on the target's control API, its key and credentials handed to the suite,
 * and deleted after `run` — after a failure too, and on Ctrl-C or a stop.
 */
async function inSandbox(settings: SuiteSettings, run: () => Promise<number>): Promise<number> {
  const wanted = settings.MASKO_CONTRACT_SANDBOX;
  if (wanted === undefined) return run();
  const base = settings.MASKO_CONTROL_URL ?? settings.MASKO_BASE_URL;
  if (wanted !== "new" || !base) {
    process.stderr.write(
      wanted !== "new"
        ? `masko-contract test: --sandbox takes "new", not ${JSON.stringify(wanted)}\n`
        : "masko-contract test: --sandbox new needs --base-url (or --control-url): the simulator to make it on\n",
    );
    return 2;
  }
  let sandbox: SandboxClient;
  try {
    sandbox = await controlClient(base.replace(/\/+$/, ""), settings.MASKO_MOCK_ADMIN_TOKEN).createSandbox();
  } catch (error) {
    process.stderr.write(`masko-contract test: cannot make a sandbox: ${(error as Error).message}\n`);
    return 2;
  }
  console.log(`contract run in sandbox ${sandbox.sandboxId} (deleted after the run)`);
  Object.assign(settings, {
    MASKO_API_KEY: sandbox.apiKey,
    MASKO_SANDBOX_ID: sandbox.sandboxId,
    MASKO_SANDBOX_TOKEN: sandbox.token,
  });
  const remove = () => sandbox.delete().catch(() => {});
  const onSignal = () => void remove().finally(() => process.exit(130));
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, onSignal);
  try {
    return await run();
  } finally {
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.off(signal, onSignal);
    await remove();
  }
}

/** Runs the test command with `args`; resolves to the exit code. */
export async function runTest(args: string[]): Promise<number> {
  const values = flagsOrHelp(COMMAND, args);
  if (!values) return 0;
  // The suite's settings, by its variables' names: the flags given, else the environment (parseFlags read it).
  const settings: SuiteSettings = Object.fromEntries(
    Object.entries(FLAGS).flatMap(([name, f]) =>
      "env" in f && typeof values[name as keyof typeof values] === "string"
        ? [[f.env, values[name as keyof typeof values] as string]]
        : [],
    ),
  );
  return inSandbox(settings, () => runChecked(settings, values));
}

/** The run, once its settings (and sandbox) are known. */
async function runChecked(settings: SuiteSettings, values: TestValues): Promise<number> {
  if (settings.MASKO_BASE_URL && !settings.MASKO_API_KEY) {
    process.stderr.write(
      `masko-contract test: --base-url needs --api-key (or MASKO_API_KEY): a key of that server.\n\n${helpText(COMMAND)}`,
    );
    return 2;
  }
  let checked: Checked;
  try {
    checked = await checkRun(settings);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`masko-contract test: ${error.message}\n`);
    return 2;
  }
  const files = runFiles(settings.MASKO_CONTRACT_JUNIT ?? "reports/junit/contract.xml");
  const started = Date.now();
  Object.assign(settings, {
    MASKO_CONTRACT_HITS_DIR: files.hitsDir,
    MASKO_CONTRACT_TARGET_FILE: files.targetFile,
    MASKO_CONTRACT_PACING_FILE: files.pacingFile,
    ...(checked.maxDurationSeconds !== undefined && {
      MASKO_CONTRACT_DEADLINE: String(started + checked.maxDurationSeconds * 1000),
    }),
  });
  const paced = checked.external && !checked.hasControl;
  // The shortest window's limit, per minute (60 for the spec's 60-second window).
  const shortest = [...policies.rateLimits.windows].sort((a, b) => a.windowSeconds - b.windowSeconds)[0];
  const perMinute = shortest ? (shortest.limit * 60) / shortest.windowSeconds : 60;
  const pool = paced && checked.keys > 1 ? await keyPool(settings, checked.keys - 1) : undefined;
  const keysUsed = (pool?.keys.length ?? 0) + 1;
  if (paced) printEstimate(checked.profile, perMinute, keysUsed);
  const skips = skipReasonCollector(skipReason(checked.profile, checked.hasControl));
  let status: number;
  try {
    status = await runSuite(settings, files, skips.reporter, {
      paced,
      testTimeout: paced ? longestWaitMs(checked.maxDurationSeconds) : 30_000,
      only: values.only,
      filter: values.filter,
    });
  } finally {
    // Revoked after a failure too (and on Ctrl-C, above).
    await pool?.revokeAll();
  }
  const runSeconds = (Date.now() - started) / 1000;
  const report = await reportRun(
    files,
    skips.reasons,
    runSeconds,
    paced ? { perMinute, keysUsed } : undefined,
  );
  if (report === undefined) return status || 1;
  if (report.failed > 0) status = status || 1;
  if (report.ran < checked.minChecks) {
    console.error(`contract run: only ${report.ran} checks ran, fewer than ${checked.minChecks} required`);
    status = status || 1;
  }
  const matrixWanted = report.hasControl && (!settings.MASKO_BASE_URL || values.matrix);
  if (status === 0 && matrixWanted && values.filter === undefined && values.only === undefined) {
    if ((await coverageGaps(files)).length > 0) status = 1;
  }
  return status;
}

/**
 * The suite under Vitest, its settings handed over in its workers' environment and to its global setup (through
 * the resolved config); this process's own environment is left as it is. Resolves to Vitest's exit status.
 */
async function runSuite(
  settings: SuiteSettings,
  files: RunFiles,
  skipsReporter: Reporter,
  run: { paced: boolean; testTimeout: number; only: string | undefined; filter: string | undefined },
): Promise<number> {
  const suite = contractSuite();
  const { startVitest } = await import("vitest/node");
  const vitest = await startVitest("test", run.only ? [run.only] : [], {
    watch: false,
    // No results cache: it would be written into the suite's folder (inside an installed package, or into the
    // sources of a checkout, where it made the next `npm run mock` think the sources had changed).
    cache: false,
    config: false,
    root: suite.dir,
    dir: suite.dir,
    include: [`*.contract.test.${suite.ext}`],
    globalSetup: [join(suite.dir, `lib/global-setup.${suite.ext}`)],
    env: Object.fromEntries(
      Object.entries(settings).filter((e): e is [string, string] => e[1] !== undefined),
    ),
    testTimeout: run.testTimeout,
    hookTimeout: run.testTimeout,
    // One key's limits are shared by every check: files run one after another, each reading the pacing journal.
    fileParallelism: !run.paced,
    reporters: ["default", "junit", skipsReporter],
    outputFile: { junit: files.junit },
    ...(run.filter !== undefined ? { testNamePattern: run.filter } : {}),
  });
  await vitest.close();
  const status = process.exitCode === undefined || process.exitCode === 0 ? 0 : Number(process.exitCode);
  process.exitCode = 0;
  return status;
}
