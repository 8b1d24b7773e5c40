/**
 * The load driver: sends GET /v1/credits with autocannon over a set of keys and records every answer's status and
 * rate-limit headers, the latencies and the counts, then turns a run into a summary row.
 */
import autocannon from "autocannon";
import type { RecordedRun } from "../../load/lib/expectations.js";

/** One answer as the scenarios judge it. */
export interface Answer {
  status: number;
  remaining: number;
  reset: number;
  retryAfter: number;
  at: number;
}
/** One run of the driver. */
export interface Drive {
  run: RecordedRun;
  answers: Answer[];
  latencies: number[];
  seconds: number;
}
/** One line of the summary table. */
export interface Row {
  scenario: string;
  requests: number;
  admitted: number;
  refused: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  problems: string[];
  skipped?: string;
}

/** The part of autocannon's client this driver listens to. */
interface RawHeadersClient {
  on(event: "headers", listener: (info: { statusCode: number; headers: string[] }) => void): void;
}

function header(raw: string[], name: string): string | undefined {
  for (let i = 0; i < raw.length; i += 2) if (raw[i]?.toLowerCase() === name) return raw[i + 1];
  return undefined;
}

/** Sends `amount` GET /v1/credits over `connections`, each request with one of `keys` in turn. */
export async function drive(
  base: string,
  keys: string[],
  options: { amount?: number; duration?: number; connections: number },
): Promise<Drive> {
  const answers: Answer[] = [];
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const result = await autocannon({
    url: `${base}/v1/credits`,
    connections: options.connections,
    ...(options.amount !== undefined ? { amount: options.amount } : { duration: options.duration ?? 10 }),
    timeout: 10,
    requests: [
      {
        setupRequest: (request) => {
          const key = keys[next++ % keys.length];
          return { ...request, headers: { ...request.headers, authorization: `Bearer ${key}` } };
        },
      },
    ],
    setupClient: (client) => {
      // autocannon 9 emits { statusCode, headers: [name, value, …] }; @types/autocannon still types an older shape.
      (client as unknown as RawHeadersClient).on("headers", (info) => {
        answers.push({
          status: info.statusCode,
          remaining: Number(header(info.headers, "x-ratelimit-remaining")),
          reset: Number(header(info.headers, "x-ratelimit-reset")),
          retryAfter: Number(header(info.headers, "retry-after") ?? Number.NaN),
          at: Date.now(),
        });
      });
      client.on("response", (_status: number, _bytes: number, responseTime: number) =>
        latencies.push(responseTime),
      );
    },
  });
  const seconds = (performance.now() - started) / 1000;
  const count = (code: string) =>
    (result.statusCodeStats as Record<string, { count: number }>)[code]?.count ?? 0;
  const admitted = count("200");
  const refused = count("429");
  const total = Object.values(result.statusCodeStats as Record<string, { count: number }>).reduce(
    (n, s) => n + s.count,
    0,
  );
  return {
    run: {
      admitted,
      refused,
      other: total - admitted - refused,
      errors: result.errors,
      timeouts: result.timeouts,
    },
    answers,
    latencies,
    seconds,
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** The summary row of a run. */
export function row(scenario: string, d: Drive, problems: string[]): Row {
  const sorted = [...d.latencies].sort((a, b) => a - b);
  const requests = d.run.admitted + d.run.refused + d.run.other;
  return {
    scenario,
    requests,
    admitted: d.run.admitted,
    refused: d.run.refused,
    rps: requests / d.seconds,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    problems,
  };
}
