/** A fetch that waits out 429s as the server asks, within bounds, and records the rate-limit headers. */
import { type RateLimitState, readRateLimitState, retryDelayMs } from "./rate-limit-state.js";

/** How the client handles 429 Too Many Requests. */
export interface RetryOptions {
  /** Total attempts including the first (default 3). */
  maxAttempts?: number;
  /** Longest single wait the client accepts; a longer one is returned as the 429 error (default 60 000 ms). */
  maxWaitMs?: number;
}

/** Clock and timer, injectable so tests never sleep. */
export interface Timing {
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Sleeps `ms`, rejecting early with the signal's reason when it aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Wraps `baseFetch`: retries 429s per `retry` (or never when it is false) and reports each rate-limit state. */
export function createRetryingFetch(
  baseFetch: (request: Request) => Promise<Response>,
  retry: RetryOptions | false,
  timing: Timing,
  onRateLimit: (state: RateLimitState) => void,
): (request: Request) => Promise<Response> {
  const maxAttempts = retry === false ? 1 : Math.max(1, retry.maxAttempts ?? 3);
  const maxWaitMs = retry === false ? 0 : (retry.maxWaitMs ?? 60_000);
  return async (request) => {
    for (let attempt = 0; ; attempt++) {
      const response = await baseFetch(request.clone());
      const state = readRateLimitState(response.headers);
      if (state) onRateLimit(state);
      if (response.status !== 429 || attempt + 1 >= maxAttempts) return response;
      const wait = retryDelayMs(response.headers, timing.now(), attempt);
      if (wait > maxWaitMs) return response;
      await response.body?.cancel();
      await timing.sleep(wait, request.signal);
    }
  };
}
