/**
 * The load command's scenarios, in the order they run: the serial and the concurrent boundary on one key, the
 * recovery after its window, the hourly limit across minute windows, isolation between keys, and sustained mixed
 * traffic. Each answers its table row; the expectations are load/lib/expectations.ts's, over the spec's limits.
 * Without the simulator's control API only the first three run (they need no fresh keys or clock).
 */
import {
  admittedPerBurst,
  type Expectation,
  type RateLimitsSpec,
  type RecordedRun,
  retryAfterConsistent,
  serialVerdict,
  verdict,
  windowNamed,
} from "../../load/lib/expectations.js";
import type { ControlClient } from "../contract/control-client.js";
import limitsJson from "../generated/rate-limits.json" with { type: "json" };
import { type Drive, drive, type Row, row } from "./load-driver.js";

export const LIMITS = limitsJson as RateLimitsSpec;
const burst = admittedPerBurst(LIMITS);
const minute = windowNamed(LIMITS, "minute");
const hour = windowNamed(LIMITS, "hour");

/** What the scenarios drive: the target, its control API if it has one, and the key to use without one. */
export interface LoadTarget {
  base: string;
  control: ControlClient | undefined;
  apiKey: string | undefined;
  /** Wait windows out instead of moving the simulator's clock. */
  realTime: boolean;
}

/** A key whose windows are unused: a fresh workspace's with a control API, else the given one. */
async function freshKey(target: LoadTarget): Promise<string> {
  if (target.control) return (await target.control.workspace(1)).api_key;
  if (!target.apiKey)
    throw new Error("Set MASKO_API_KEY (a key with an unused window) for a target without a control API.");
  return target.apiKey;
}

/** Past a window: the simulator's clock moved, or (real time, no control API) the wait until its reset. */
async function passWindow(target: LoadTarget, seconds: number, resetAt?: number): Promise<void> {
  if (target.control && !target.realTime) {
    await target.control.call("POST", "/clock", { advance_seconds: seconds });
    return;
  }
  const waitMs = resetAt ? resetAt * 1000 - Date.now() + 1000 : seconds * 1000;
  await new Promise((r) => setTimeout(r, Math.max(0, waitMs)));
}

const emptyDrive = (): Drive => ({
  run: { admitted: 0, refused: 0, other: 0, errors: 0, timeouts: 0 },
  answers: [],
  latencies: [],
  seconds: 0,
});
const addRun = (total: RecordedRun, step: RecordedRun) => {
  for (const k of Object.keys(total) as Array<keyof RecordedRun>) total[k] += step[k];
};
const skipped = (scenario: string, why: string): Row => ({
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

/** Every scenario against `target`; the sustained one with `sustained.keys` keys for `sustained.seconds`. */
export async function runScenarios(
  target: LoadTarget,
  sustained: { keys: number; seconds: number },
): Promise<Row[]> {
  const rows = [await serialBoundary(target), ...(await concurrentBoundaryAndRecovery(target))];
  if (!target.control) {
    rows.push(skipped("hourly", "needs the simulator's control API (fresh keys, clock)"));
    rows.push(skipped("isolation", "needs the simulator's control API (fresh keys)"));
    rows.push(skipped("sustained", "needs the simulator's control API (fresh keys)"));
    return rows;
  }
  rows.push(await hourly(target, target.control));
  rows.push(await isolation(target));
  rows.push(await sustainedTraffic(target, sustained));
  return rows;
}

/** 1. Serial boundary: 61 requests one after another on a fresh key; one reset for the whole window. */
async function serialBoundary(target: LoadTarget): Promise<Row> {
  const serial = await drive(target.base, [await freshKey(target)], { amount: burst + 1, connections: 1 });
  const last = serial.answers.at(-1);
  const problems = serialVerdict(serial.answers, LIMITS);
  if (!last || !retryAfterConsistent(last.retryAfter, last.reset, Math.floor(last.at / 1000))) {
    problems.push(`429 Retry-After ${last?.retryAfter} does not agree with X-RateLimit-Reset ${last?.reset}`);
  }
  const resets = new Set(serial.answers.map((a) => a.reset));
  if (resets.size !== 1)
    problems.push(`X-RateLimit-Reset changed within one window: ${[...resets].join(", ")}`);
  return row(`serial: ${burst + 1} sequential on one key`, serial, problems);
}

/** 2. Concurrent boundary: 500 at 100 connections on a fresh key; 3. after its window, exactly one more burst. */
async function concurrentBoundaryAndRecovery(target: LoadTarget): Promise<Row[]> {
  const key = await freshKey(target);
  const expected: Expectation = { admitted: burst, refused: 500 - burst };
  const concurrent = await drive(target.base, [key], { amount: 500, connections: 100 });
  await passWindow(target, minute.window_seconds, Math.max(...concurrent.answers.map((a) => a.reset)));
  const recovery = await drive(target.base, [key], { amount: 500, connections: 100 });
  return [
    row("concurrent: 500 at 100 connections", concurrent, verdict(concurrent.run, expected)),
    row(`recovery: after the ${minute.window_seconds} s window`, recovery, verdict(recovery.run, expected)),
  ];
}

/** 4. Hourly: minute after minute until the hour limit refuses, then admitted again after the hour. */
async function hourly(target: LoadTarget, control: ControlClient): Promise<Row> {
  const key = await freshKey(target);
  const total = emptyDrive();
  for (let w = 0; w * minute.window_seconds < hour.window_seconds; w++) {
    const step = await drive(target.base, [key], { amount: burst, connections: 10 });
    addRun(total.run, step.run);
    total.latencies.push(...step.latencies);
    total.seconds += step.seconds;
    if (step.run.refused > 0) break;
    await control.call("POST", "/clock", { advance_seconds: minute.window_seconds });
  }
  const problems = verdict(total.run, { admitted: hour.limit });
  await control.call("POST", "/clock", { advance_seconds: hour.window_seconds });
  const afterHour = await drive(target.base, [key], { amount: 1, connections: 1 });
  if (afterHour.run.admitted !== 1) problems.push("the key was not admitted again after the hour reset");
  return row(`hourly: ${hour.limit} across minute windows`, total, problems);
}

/** 5. Isolation: 20 fresh keys at once, each admitted exactly one burst. */
async function isolation(target: LoadTarget): Promise<Row> {
  const keys = await Promise.all(Array.from({ length: 20 }, () => freshKey(target)));
  const started = performance.now();
  const each = await Promise.all(
    keys.map((key) => drive(target.base, [key], { amount: 100, connections: 5 })),
  );
  const merged = { ...emptyDrive(), latencies: each.flatMap((d) => d.latencies) };
  merged.seconds = (performance.now() - started) / 1000;
  const problems: string[] = [];
  each.forEach((d, i) => {
    addRun(merged.run, d.run);
    for (const p of verdict(d.run, { admitted: burst, refused: 100 - burst }))
      problems.push(`key ${i + 1}: ${p}`);
  });
  return row("isolation: 20 keys × 100 at once", merged, problems);
}

/** 6. Sustained mixed traffic over many keys for a fixed time: never more than one burst per key. */
async function sustainedTraffic(
  target: LoadTarget,
  sustained: { keys: number; seconds: number },
): Promise<Row> {
  const many = await Promise.all(Array.from({ length: sustained.keys }, () => freshKey(target)));
  const run = await drive(target.base, many, { duration: sustained.seconds, connections: 50 });
  return row(
    `sustained: ${many.length} keys, ${sustained.seconds} s at 50 connections`,
    run,
    verdict(run.run, { admittedAtMost: many.length * burst }),
  );
}
