/**
 * A fetch that paces itself by the rate-limit headers, as the contract suite does: it waits out 429s as the server
 * asks and, when the last answer left nothing in the window, waits for its reset before sending — within bounds,
 * every wait reported to `onWait` — and records the rate-limit headers.
 */
import {
  type RateLimitState,
  type RateLimitWait,
  readRateLimitState,
  retryDelayMs,
  waitBeforeSendingMs,
} from "./rate-limit-state.js";

/** How the client handles 429 Too Many Requests and an exhausted window. */
export interface RetryOptions {
  /** Total attempts including the first (default 3). */
  maxAttempts?: number;
  /** Longest single wait the client accepts; a longer one is returned as the 429 error (default 60 000 ms). */
  maxWaitMs?: number;
  /** Wait for the window's reset before sending when the last answer left nothing (default true). */
  paceBeforeSending?: boolean;
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

/**
 * Wraps `baseFetch`: paces and retries 429s per `retry` (or never when it is false), reports each rate-limit state
 * and each wait (`onWait`, before it starts).
 */
export function createRetryingFetch(
  baseFetch: (request: Request) => Promise<Response>,
  retry: RetryOptions | false,
  timing: Timing,
  onRateLimit: (state: RateLimitState) => void,
  onWait: (wait: RateLimitWait) => void = () => {},
): (request: Request) => Promise<Response> {
  const maxAttempts = retry === false ? 1 : Math.max(1, retry.maxAttempts ?? 3);
  const maxWaitMs = retry === false ? 0 : (retry.maxWaitMs ?? 60_000);
  const pace = retry !== false && retry.paceBeforeSending !== false;
  let last: RateLimitState | undefined;
  return async (request) => {
    const name = `${request.method} ${request.url}`;
    const ahead = pace ? waitBeforeSendingMs(last, timing.now()) : 0;
    if (ahead > 0 && ahead <= maxWaitMs) {
      onWait({ ms: ahead, reason: "quota_exhausted", attempt: 0, request: name });
      await timing.sleep(ahead, request.signal);
    }
    for (let attempt = 0; ; attempt++) {
      const response = await baseFetch(request.clone());
      const state = readRateLimitState(response.headers, timing.now());
      if (state) {
        last = state;
        onRateLimit(state);
      }
      if (response.status !== 429 || attempt + 1 >= maxAttempts) return response;
      const wait = retryDelayMs(response.headers, timing.now(), attempt);
      if (wait > maxWaitMs) return response;
      await response.body?.cancel();
      onWait({ ms: wait, reason: "rate_limited", attempt, request: name });
      await timing.sleep(wait, request.signal);
    }
  };
}
