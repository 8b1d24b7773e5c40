/**
 * `masko-contract load` (`npm run load`): proves the rate limits at their exact boundary under real concurrency,
 * with autocannon. Starts a simulator process unless `--base-url` is given; the scenarios are in
 * src/cli/load-scenarios.ts, their expectations in load/lib/expectations.ts and the spec's limits. Prints a summary table, writes a JSON summary and JUnit XML,
 * exits non-zero on any violation.
 *
 *   masko-contract load [--seconds 10 --keys 200 --real-time]
 *   masko-contract load --base-url http://127.0.0.1:4010 --api-key masko_… --real-time
 * Against a target without the simulator's control API only the scenarios that need no fresh keys or clock run
 * (serial and concurrent boundary on the key, recovery by real waiting with --real-time); only loopback
 * addresses may be targeted.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { probeControl } from "../../contract/control-client.js";
import { writeJunit } from "../../contract/junit.js";
import { type CommandSpec, type FlagTable, flagsOrHelp } from "../flags.js";
import type { Row } from "../load-driver.js";
import { LIMITS, type LoadTarget, runScenarios } from "../load-scenarios.js";
import { type SpawnedSimulator, spawnSimulator } from "../spawn-simulator.js";
import { checkWholeNumber, UsageError } from "../target-flags.js";

export const FLAGS = {
  "base-url": {
    env: "MASKO_BASE_URL",
    value: "URL",
    help: "the target (default: a simulator started on a free port)",
  },
  "api-key": {
    env: "MASKO_API_KEY",
    value: "KEY",
    help: "a key with an unused window, for a target without a control API",
  },
  "admin-token": { env: "MASKO_MOCK_ADMIN_TOKEN", value: "TOKEN", help: "the control API's admin token" },
  seconds: { value: "N", default: "10", help: "length of the sustained scenario" },
  keys: { value: "N", default: "200", help: "keys in the sustained scenario" },
  "real-time": { type: "boolean", help: "wait out windows instead of advancing the simulator's clock" },
  out: { value: "DIR", default: "reports", help: "where the summary and JUnit XML go" },
} as const satisfies FlagTable;

const COMMAND: CommandSpec<typeof FLAGS> = {
  name: "load",
  script: "load",
  description:
    "The rate-limit boundary scenarios under real concurrency (autocannon), against loopback targets only.",
  flags: FLAGS,
};

const LOOPBACK = /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/;

/** Runs the load command with `args`; resolves to the exit code. */
export async function runLoad(args: string[]): Promise<number> {
  const values = flagsOrHelp(COMMAND, args);
  if (!values) return 0;
  const sustained = {
    keys: checkWholeNumber("keys", values.keys, 1),
    seconds: checkWholeNumber("seconds", values.seconds, 1),
  };
  let base = values["base-url"]?.replace(/\/+$/, "");
  if (base && !LOOPBACK.test(base))
    throw new UsageError(`load tests target loopback addresses only, not ${base}`);
  let simulator: SpawnedSimulator | undefined;
  if (!base) {
    simulator = await spawnSimulator(["--log-level", "warn"]);
    base = simulator.baseUrl;
  }
  let rows: Row[];
  try {
    const control = await probeControl(base, {
      adminToken: values["admin-token"],
      apiKey: values["api-key"],
    });
    const target: LoadTarget = { base, control, apiKey: values["api-key"], realTime: values["real-time"] };
    rows = await runScenarios(target, sustained);
  } finally {
    await simulator?.stop();
  }
  writeReport(rows, base, resolve(values.out), values["real-time"]);
  const failed = rows.filter((r) => r.problems.length > 0);
  if (failed.length > 0) {
    console.error(`load: ${failed.length} scenario(s) violated their expectations`);
    return 1;
  }
  return 0;
}

/** The summary table (printed), the JSON summary and the JUnit report (written under `out`). */
function writeReport(rows: Row[], base: string, out: string, realTime: boolean): void {
  const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : "—");
  const lines = [
    "| scenario | requests | 200 | 429 | req/s | p50 ms | p95 ms | p99 ms | verdict |",
    "|---|---|---|---|---|---|---|---|---|",
    ...rows.map((r) =>
      r.skipped
        ? `| ${r.scenario} | — | — | — | — | — | — | — | skipped: ${r.skipped} |`
        : `| ${r.scenario} | ${r.requests} | ${r.admitted} | ${r.refused} | ${fmt(r.rps, 0)} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.p99)} | ${r.problems.length === 0 ? "ok" : r.problems.join("; ")} |`,
    ),
  ];
  console.log(`\nload against ${base}${realTime ? " (real time)" : ""}\n\n${lines.join("\n")}\n`);
  mkdirSync(out, { recursive: true });
  writeFileSync(
    join(out, "load-summary.json"),
    `${JSON.stringify({ target: base, limits: LIMITS, rows }, null, 2)}\n`,
  );
  writeJunit(
    join(out, "junit/load.xml"),
    "load",
    rows.map((r) => ({
      name: r.scenario,
      skipped: r.skipped,
      failure: r.problems.length > 0 ? r.problems.join("; ") : undefined,
    })),
  );
}
