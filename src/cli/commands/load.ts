/**
 * `masko-contract load` (`npm run load`): proves the rate limits at their exact boundary under real concurrency,
 * with autocannon. Starts a simulator process unless `--base-url` is given; expectations come from
 * load/lib/expectations.ts and the spec's limits. Prints a summary table, writes a JSON summary and JUnit XML,
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
import { parseArgs } from "node:util";
import {
  admittedPerBurst,
  type Expectation,
  type RateLimitsSpec,
  type RecordedRun,
  retryAfterConsistent,
  serialVerdict,
  verdict,
  windowNamed,
} from "../../../load/lib/expectations.js";
import { probeControl } from "../../contract/control-client.js";
import { writeJunit } from "../../contract/junit.js";
import limitsJson from "../../generated/rate-limits.json" with { type: "json" };
import { type Drive, drive, type Row, row } from "../load-driver.js";
import { type SpawnedSimulator, spawnSimulator } from "../spawn-simulator.js";

const limits = limitsJson as RateLimitsSpec;

const USAGE = `Usage: masko-contract load [flags]   (in this repository: npm run load -- [flags])

The rate-limit boundary scenarios under real concurrency (autocannon), against loopback targets only.

  --base-url URL     the target (default: a simulator started on a free port)   (env MASKO_BASE_URL)
  --api-key KEY      a key with an unused window, for a target without a control API   (env MASKO_API_KEY)
  --admin-token T    the control API's admin token   (env MASKO_MOCK_ADMIN_TOKEN)
  --seconds N        length of the sustained scenario (default 10)
  --keys N           keys in the sustained scenario (default 200)
  --real-time        wait out windows instead of advancing the simulator's clock
  --out DIR          where the summary and JUnit XML go (default reports)
  --help             show this help
`;

let values: { seconds: string; keys: string; "real-time": boolean };

/** Runs the load command with `args`; resolves to the exit code. */
export async function runLoad(args: string[]): Promise<number> {
  const parsed = parseArgs({
    args,
    options: {
      "base-url": { type: "string" },
      "api-key": { type: "string" },
      "admin-token": { type: "string" },
      seconds: { type: "string", default: "10" },
      keys: { type: "string", default: "200" },
      "real-time": { type: "boolean", default: false },
      out: { type: "string", default: "reports" },
      help: { type: "boolean" },
    },
  }).values;
  if (parsed.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  values = { seconds: parsed.seconds, keys: parsed.keys, "real-time": parsed["real-time"] };
  const out = resolve(parsed.out);
  if (parsed["api-key"]) process.env.MASKO_API_KEY = parsed["api-key"];
  if (parsed["admin-token"]) process.env.MASKO_MOCK_ADMIN_TOKEN = parsed["admin-token"];
  let simulator: SpawnedSimulator | undefined;
  let base = (parsed["base-url"] ?? process.env.MASKO_BASE_URL)?.replace(/\/+$/, "");
  if (base && !/^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(base)) {
    throw new Error(`load tests target loopback addresses only, not ${base}`);
  }
  if (!base) {
    simulator = await spawnSimulator(["--log-level", "warn"]);
    base = simulator.baseUrl;
  }
  const control = await probeControl(base, {
    adminToken: process.env.MASKO_MOCK_ADMIN_TOKEN,
    apiKey: process.env.MASKO_API_KEY,
  });
  const hasControl = control !== undefined;
  const freshKey = async () => {
    if (control) return (await control.workspace(1)).api_key;
    const key = process.env.MASKO_API_KEY;
    if (!key)
      throw new Error("Set MASKO_API_KEY (a key with an unused window) for a target without a control API.");
    return key;
  };
  const passWindow = async (seconds: number, resetAt?: number) => {
    if (control && !values["real-time"]) return control.call("POST", "/clock", { advance_seconds: seconds });
    const waitMs = resetAt ? resetAt * 1000 - Date.now() + 1000 : seconds * 1000;
    await new Promise((r) => setTimeout(r, Math.max(0, waitMs)));
  };
  const burst = admittedPerBurst(limits);
  const minute = windowNamed(limits, "minute");
  const hour = windowNamed(limits, "hour");
  const rows: Row[] = [];
  const skip = (scenario: string, why: string) =>
    rows.push({
      scenario,
      requests: 0,
      admitted: 0,
      refused: 0,
      rps: 0,
      p50: 0,
      p95: 0,
      p99: 0,
      problems: [],
      skipped: why,
    });

  try {
    // 1. Serial boundary: 61 requests one after another on a fresh key.
    const serialKey = await freshKey();
    const serial = await drive(base, [serialKey], { amount: burst + 1, connections: 1 });
    const last = serial.answers.at(-1);
    const serialProblems = serialVerdict(serial.answers, limits);
    if (!last || !retryAfterConsistent(last.retryAfter, last.reset, Math.floor(last.at / 1000))) {
      serialProblems.push(
        `429 Retry-After ${last?.retryAfter} does not agree with X-RateLimit-Reset ${last?.reset}`,
      );
    }
    const resets = new Set(serial.answers.map((a) => a.reset));
    if (resets.size !== 1)
      serialProblems.push(`X-RateLimit-Reset changed within one window: ${[...resets].join(", ")}`);
    rows.push(row(`serial: ${burst + 1} sequential on one key`, serial, serialProblems));

    // 2. Concurrent boundary: 500 requests at 100 connections on a fresh key.
    const concurrentKey = await freshKey();
    const expectConcurrent: Expectation = { admitted: burst, refused: 500 - burst };
    const concurrent = await drive(base, [concurrentKey], { amount: 500, connections: 100 });
    rows.push(
      row("concurrent: 500 at 100 connections", concurrent, verdict(concurrent.run, expectConcurrent)),
    );

    // 3. Recovery: once the window resets the same key gets exactly one more burst.
    await passWindow(minute.window_seconds, Math.max(...concurrent.answers.map((a) => a.reset)));
    const recovery = await drive(base, [concurrentKey], { amount: 500, connections: 100 });
    rows.push(
      row(
        `recovery: after the ${minute.window_seconds} s window`,
        recovery,
        verdict(recovery.run, expectConcurrent),
      ),
    );

    if (!hasControl) {
      skip("hourly", "needs the simulator's control API (fresh keys, clock)");
      skip("isolation", "needs the simulator's control API (fresh keys)");
      skip("sustained", "needs the simulator's control API (fresh keys)");
    } else {
      // 4. Hourly: minute after minute until the hour limit refuses, then back after the hour.
      const hourKey = await freshKey();
      const total: Drive = {
        run: { admitted: 0, refused: 0, other: 0, errors: 0, timeouts: 0 },
        answers: [],
        latencies: [],
        seconds: 0,
      };
      for (let w = 0; w * minute.window_seconds < hour.window_seconds; w++) {
        const step = await drive(base, [hourKey], { amount: burst, connections: 10 });
        for (const k of Object.keys(total.run) as Array<keyof RecordedRun>) total.run[k] += step.run[k];
        total.latencies.push(...step.latencies);
        total.seconds += step.seconds;
        if (step.run.refused > 0) break;
        await control.call("POST", "/clock", { advance_seconds: minute.window_seconds });
      }
      const hourProblems = verdict(total.run, { admitted: hour.limit });
      await control.call("POST", "/clock", { advance_seconds: hour.window_seconds });
      const afterHour = await drive(base, [hourKey], { amount: 1, connections: 1 });
      if (afterHour.run.admitted !== 1)
        hourProblems.push("the key was not admitted again after the hour reset");
      rows.push(row(`hourly: ${hour.limit} across minute windows`, total, hourProblems));

      // 5. Isolation: 20 fresh keys at once, each exactly one burst.
      const keys = await Promise.all(Array.from({ length: 20 }, () => freshKey()));
      const started = performance.now();
      const each = await Promise.all(
        keys.map((key) => drive(base as string, [key], { amount: 100, connections: 5 })),
      );
      const merged: Drive = {
        run: { admitted: 0, refused: 0, other: 0, errors: 0, timeouts: 0 },
        answers: [],
        latencies: each.flatMap((d) => d.latencies),
        seconds: (performance.now() - started) / 1000,
      };
      const isolationProblems: string[] = [];
      each.forEach((d, i) => {
        for (const k of Object.keys(merged.run) as Array<keyof RecordedRun>) merged.run[k] += d.run[k];
        for (const p of verdict(d.run, { admitted: burst, refused: 100 - burst }))
          isolationProblems.push(`key ${i + 1}: ${p}`);
      });
      rows.push(row("isolation: 20 keys × 100 at once", merged, isolationProblems));

      // 6. Sustained mixed traffic over many keys for a fixed time.
      const many = await Promise.all(Array.from({ length: Number(values.keys) }, () => freshKey()));
      const sustained = await drive(base, many, { duration: Number(values.seconds), connections: 50 });
      rows.push(
        row(
          `sustained: ${many.length} keys, ${values.seconds} s at 50 connections`,
          sustained,
          verdict(sustained.run, { admittedAtMost: many.length * burst }),
        ),
      );
    }
  } finally {
    await simulator?.stop();
  }

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
  console.log(`\nload against ${base}${values["real-time"] ? " (real time)" : ""}\n\n${lines.join("\n")}\n`);
  mkdirSync(out, { recursive: true });
  writeFileSync(
    join(out, "load-summary.json"),
    `${JSON.stringify({ target: base, limits, rows }, null, 2)}\n`,
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
  const failed = rows.filter((r) => r.problems.length > 0);
  if (failed.length > 0) {
    console.error(`load: ${failed.length} scenario(s) violated their expectations`);
    return 1;
  }
  return 0;
}
