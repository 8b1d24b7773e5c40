/** Reading the rate-limit headers and deciding how long a 429 asks us to wait. */

/** What the last response said about this key's quota. */
export interface RateLimitState {
  /** `X-RateLimit-Remaining`: requests left in the binding window. */
  readonly remaining: number;
  /** `X-RateLimit-Reset`: Unix epoch seconds when that window resets. */
  readonly reset: number;
  /** `Retry-After` seconds, on a 429. */
  readonly retryAfter: number | undefined;
}

function headerInt(headers: Headers, name: string): number | undefined {
  const raw = headers.get(name);
  if (raw === null || !/^\d+$/.test(raw.trim())) return undefined;
  return Number.parseInt(raw, 10);
}

/** Parses the rate-limit headers; undefined when the response carries none. */
export function readRateLimitState(headers: Headers): RateLimitState | undefined {
  const remaining = headerInt(headers, "x-ratelimit-remaining");
  const reset = headerInt(headers, "x-ratelimit-reset");
  if (remaining === undefined || reset === undefined) return undefined;
  return { remaining, reset, retryAfter: headerInt(headers, "retry-after") };
}

/**
 * Milliseconds to wait before retrying a 429: `Retry-After` when present (seconds or an HTTP date), else until
 * `X-RateLimit-Reset`, else an exponential fallback of 1 s, 2 s, 4 s… by attempt.
 */
export function retryDelayMs(headers: Headers, nowMs: number, attempt: number): number {
  const retryAfter = headers.get("retry-after");
  if (retryAfter !== null) {
    if (/^\d+$/.test(retryAfter.trim())) return Number.parseInt(retryAfter, 10) * 1000;
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - nowMs);
  }
  const reset = headerInt(headers, "x-ratelimit-reset");
  if (reset !== undefined) return Math.max(0, reset * 1000 - nowMs);
  return 1000 * 2 ** attempt;
}
