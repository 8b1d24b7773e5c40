/** Waiting for a job to finish, by long-poll (`wait=true`) with a polling fallback. */
import type { Client } from "openapi-fetch";
import type { components, paths } from "../generated/masko-api.js";
import type { Timing } from "./retrying-fetch.js";

/** Options of `waitForJob`. */
export interface WaitForJobOptions {
  /** Give up after this long (default 120 000 ms). */
  timeoutMs?: number;
  /** Abort the wait (and the request in flight). */
  signal?: AbortSignal;
  /** Minimum time between two requests when the server answers at once (default 1000 ms). */
  pollIntervalMs?: number;
  /** Ask the server to hold each request until the job ends (default true). */
  longPoll?: boolean;
}

type Job = components["schemas"]["Job"];

/** Thrown when `waitForJob` runs out of time; the last state seen is attached. */
export class JobWaitTimeoutError extends Error {
  override readonly name = "JobWaitTimeoutError";
  constructor(
    readonly jobId: string,
    readonly lastSeen: Job | undefined,
  ) {
    super(`Job ${jobId} did not finish in time (last status: ${lastSeen?.status ?? "unknown"})`);
  }
}

/** Requests the job until it is completed or failed, the timeout passes, or the signal aborts. */
export async function waitForJob(
  client: Client<paths>,
  jobId: string,
  options: WaitForJobOptions,
  timing: Timing,
): Promise<Job> {
  const deadline = timing.now() + (options.timeoutMs ?? 120_000);
  const interval = options.pollIntervalMs ?? 1000;
  const longPoll = options.longPoll ?? true;
  let lastSeen: Job | undefined;
  while (timing.now() < deadline) {
    options.signal?.throwIfAborted();
    const started = timing.now();
    const { data } = await client.GET("/v1/jobs/{jobId}", {
      params: { path: { jobId }, query: longPoll ? { wait: true } : {} },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (!data) throw new Error(`Job ${jobId}: empty response`);
    lastSeen = data.data;
    if (lastSeen.status === "completed" || lastSeen.status === "failed") return lastSeen;
    const elapsed = timing.now() - started;
    const pause = Math.min(Math.max(0, interval - elapsed), Math.max(0, deadline - timing.now()));
    if (pause > 0) await timing.sleep(pause, options.signal);
  }
  throw new JobWaitTimeoutError(jobId, lastSeen);
}
