/**
 * Reading the rate-limit headers and the pacing rules built on them, shared by the typed client and the contract
 * suite: wait out a 429 as it asks, and wait before sending when the last answer said nothing is left.
 * Both header styles are read — `X-RateLimit-Remaining` / `X-RateLimit-Reset` and the IETF draft's `RateLimit`
 * (`"minute";r=12;t=41`) — and a reset is read as an instant (Unix epoch seconds) when it is that large, else as
 * seconds from now: servers differ, and a client must not stall or hammer for either reading.
 */

/** What the last response said about this key's quota. */
export interface RateLimitState {
  /** Requests left in the binding window. */
  readonly remaining: number;
  /** Unix epoch seconds when that window resets (a reset sent as seconds from now is converted). */
  readonly reset: number;
  /** `Retry-After` seconds, on a 429. */
  readonly retryAfter: number | undefined;
}

/** Why a client or the suite waits. */
export type WaitReason = "rate_limited" | "quota_exhausted";

/** One wait, as the `onWait` hook and the debug log see it. */
export interface RateLimitWait {
  /** Milliseconds the wait lasts. */
  readonly ms: number;
  /** `rate_limited`: a 429 is waited out; `quota_exhausted`: the last answer left nothing, so the next waits. */
  readonly reason: WaitReason;
  /** 0 for the first retry of a request (or a wait before sending), then 1, 2, … */
  readonly attempt: number;
  /** `METHOD url` of the request that waits. */
  readonly request: string;
}

/** Below this a reset is a number of seconds from now, not an instant (2001-09-09 in epoch seconds). */
export const EPOCH_THRESHOLD = 1_000_000_000;
/** Waiting this much past a reset absorbs the rounding of whole seconds and small clock skew. */
export const RESET_MARGIN_MS = 250;

function headerInt(headers: Headers, name: string): number | undefined {
  const raw = headers.get(name);
  if (raw === null || !/^\d+$/.test(raw.trim())) return undefined;
  return Number.parseInt(raw, 10);
}

/** A reset header's value as epoch milliseconds. */
const resetAtMs = (value: number, nowMs: number) =>
  value >= EPOCH_THRESHOLD ? value * 1000 : nowMs + value * 1000;

/** The IETF draft's `RateLimit: "policy";r=N;t=S` (the first item), as remaining and seconds to reset. */
function ietfRateLimit(headers: Headers): { remaining: number; resetSeconds: number } | undefined {
  const raw = headers.get("ratelimit");
  const item = raw?.split(",")[0];
  const r = item?.match(/;\s*r=(\d+)/)?.[1];
  const t = item?.match(/;\s*t=(\d+)/)?.[1];
  if (r === undefined) return undefined;
  return { remaining: Number(r), resetSeconds: Number(t ?? "0") };
}

/** Parses the rate-limit headers (either style); undefined when the response carries none. */
export function readRateLimitState(headers: Headers, nowMs: number = Date.now()): RateLimitState | undefined {
  const retryAfter = headerInt(headers, "retry-after");
  const remaining = headerInt(headers, "x-ratelimit-remaining");
  const reset = headerInt(headers, "x-ratelimit-reset");
  if (remaining !== undefined && reset !== undefined) {
    return { remaining, reset: Math.ceil(resetAtMs(reset, nowMs) / 1000), retryAfter };
  }
  const ietf = ietfRateLimit(headers);
  if (!ietf) return undefined;
  return { remaining: ietf.remaining, reset: Math.ceil(nowMs / 1000) + ietf.resetSeconds, retryAfter };
}

/**
 * Milliseconds to wait before retrying a 429: `Retry-After` when present (seconds or an HTTP date), else until the
 * window's reset (either header style), else an exponential fallback of 1 s, 2 s, 4 s… by attempt.
 */
export function retryDelayMs(headers: Headers, nowMs: number, attempt: number): number {
  const retryAfter = headers.get("retry-after");
  if (retryAfter !== null) {
    if (/^\d+$/.test(retryAfter.trim())) return Number.parseInt(retryAfter, 10) * 1000;
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - nowMs);
  }
  const reset = headerInt(headers, "x-ratelimit-reset");
  if (reset !== undefined) return Math.max(0, resetAtMs(reset, nowMs) - nowMs);
  const ietf = ietfRateLimit(headers);
  if (ietf) return ietf.resetSeconds * 1000;
  return 1000 * 2 ** attempt;
}

/**
 * Milliseconds to wait before sending the next request on a key whose last answer left `state`: until its reset
 * (plus a margin) when nothing is left, else 0.
 */
export function waitBeforeSendingMs(state: RateLimitState | undefined, nowMs: number): number {
  if (!state || state.remaining > 0) return 0;
  const wait = state.reset * 1000 - nowMs;
  return wait > 0 ? wait + RESET_MARGIN_MS : 0;
}
