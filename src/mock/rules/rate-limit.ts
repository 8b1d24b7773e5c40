/**
 * The rate-limit rule: fixed windows anchored at the first admitted request, counting admitted requests only.
 * Pure: (state, windows, now) → decision. Stores apply it atomically; the HTTP layer turns it into headers.
 */
import type { RateLimitWindow } from "../../policy/policies.js";

/** One window's counter: when it opened (ms) and how many requests it admitted. */
export interface WindowCounter {
  readonly startMs: number;
  readonly count: number;
}

/** Counters of one identity, in the order of the policy's windows (undefined = not open). */
export type RateLimitState = ReadonlyArray<WindowCounter | undefined>;

/** What the limiter decided for one request. */
export interface RateLimitDecision {
  readonly allowed: boolean;
  /** The counters to store (unchanged when the request is refused). */
  readonly state: RateLimitState;
  /** `X-RateLimit-Remaining`: the smallest remainder over all windows after this request. */
  readonly remaining: number;
  /** `X-RateLimit-Reset`: epoch seconds when the binding window resets (tie: the later reset). */
  readonly resetSeconds: number;
  /** `Retry-After` in whole seconds (≥ 1) when refused: until every exhausted window has reset. */
  readonly retryAfterSeconds: number | undefined;
  /** The window that refused the request (or that binds the headers when allowed). */
  readonly window: string;
}

/** Decides one request against every window and returns the updated counters. */
export function decideRateLimit(
  state: RateLimitState,
  windows: readonly RateLimitWindow[],
  nowMs: number,
): RateLimitDecision {
  // Counters whose window has passed are closed; the request is allowed when every open window has room.
  const next: (WindowCounter | undefined)[] = [];
  let allowed = true;
  for (const [i, w] of windows.entries()) {
    const counter = state[i];
    const open = counter && nowMs < counter.startMs + w.windowSeconds * 1000 ? counter : undefined;
    if ((open?.count ?? 0) >= w.limit) allowed = false;
    next.push(open);
  }
  if (allowed) {
    for (const [i, open] of next.entries()) {
      next[i] = open ? { startMs: open.startMs, count: open.count + 1 } : { startMs: nowMs, count: 1 };
    }
  }
  return summarizeRateLimit(allowed, next, windows, nowMs);
}

/**
 * The headers' view of counters after a decision: the smallest remainder (tie → later reset), its reset, and
 * for a refusal the Retry-After until every exhausted window has reset. Stores that apply the admission
 * themselves (the Redis Lua script) call this with the counters they stored.
 */
export function summarizeRateLimit(
  allowed: boolean,
  next: RateLimitState,
  windows: readonly RateLimitWindow[],
  nowMs: number,
): RateLimitDecision {
  let remaining = Number.POSITIVE_INFINITY;
  let resetMs = 0;
  let binding = windows[0]?.name ?? "";
  let retryAfterMs = 0;
  for (const [i, w] of windows.entries()) {
    const counter = next[i];
    const left = w.limit - (counter?.count ?? 0);
    const windowResetMs = (counter?.startMs ?? nowMs) + w.windowSeconds * 1000;
    if (left < remaining || (left === remaining && windowResetMs > resetMs)) {
      remaining = left;
      resetMs = windowResetMs;
      binding = w.name;
    }
    if (!allowed && left <= 0) retryAfterMs = Math.max(retryAfterMs, windowResetMs - nowMs);
  }
  return {
    allowed,
    state: next,
    remaining: Math.max(0, remaining),
    resetSeconds: Math.ceil(resetMs / 1000),
    retryAfterSeconds: allowed ? undefined : Math.max(1, Math.ceil(retryAfterMs / 1000)),
    window: binding,
  };
}
