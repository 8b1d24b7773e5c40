/**
 * The rate-limit rules, counting admitted requests only: fixed windows anchored at the first admitted request (the
 * default), or a sliding window (behaviour `rate-limit-window=sliding`: at most the limit in any trailing window).
 * Pure: (counters, windows, now) → decision. Stores apply them atomically; the HTTP layer turns them into headers.
 */
import type { RateLimitWindow } from "../../policy/policies.js";

/**
 * Counters of one identity, flat, in the order of the policy's windows: when each window opened (epoch ms) and how
 * many requests it admitted — `[start₀, count₀, start₁, count₁, …]`. A count of 0, or a missing pair, is a window
 * not open. Flat numbers rather than an object per window: a store keeps one small array per identity, and deciding
 * a request makes one new array.
 */
export type RateLimitCounters = readonly number[];

/** What the limiter decided for one request. */
export interface RateLimitDecision {
  readonly allowed: boolean;
  /** The counters to store when allowed (windows that had passed open again from now): a new array. */
  readonly counters: number[];
  /** `X-RateLimit-Remaining`: the smallest remainder over all windows after this request. */
  readonly remaining: number;
  /** `X-RateLimit-Reset`: epoch seconds when the binding window resets (tie: the later reset). */
  readonly resetSeconds: number;
  /** The same instant as whole seconds from now (the IETF draft's `t`, behaviour `rate-limit-reset=delta-seconds`). */
  readonly resetAfterSeconds: number;
  /** `Retry-After` in whole seconds (≥ 1) when refused: until every exhausted window has reset. */
  readonly retryAfterSeconds: number | undefined;
  /** The window that refused the request (or that binds the headers when allowed). */
  readonly window: string;
}

/** Decides one request against every window and returns the updated counters. */
export function decideRateLimit(
  counters: RateLimitCounters,
  windows: readonly RateLimitWindow[],
  nowMs: number,
): RateLimitDecision {
  // Counters whose window has passed are closed (count 0 from now); the request is allowed when every open window
  // has room, and then counted in each.
  const next = new Array<number>(2 * windows.length);
  let allowed = true;
  for (let i = 0; i < windows.length; i++) {
    const w = windows[i] as RateLimitWindow;
    const start = counters[2 * i] ?? 0;
    const count = counters[2 * i + 1] ?? 0;
    const open = count > 0 && nowMs < start + w.windowSeconds * 1000;
    if (open && count >= w.limit) allowed = false;
    next[2 * i] = open ? start : nowMs;
    next[2 * i + 1] = open ? count : 0;
  }
  if (allowed) for (let i = 1; i < next.length; i += 2) next[i] = (next[i] as number) + 1;
  return summarizeRateLimit(allowed, next, windows, nowMs);
}

/**
 * The headers' view of counters after a decision: the smallest remainder (tie → later reset), its reset, and
 * for a refusal the Retry-After until every exhausted window has reset. Stores that apply the admission
 * themselves (the Redis Lua script) call this with the counters they stored.
 */
export function summarizeRateLimit(
  allowed: boolean,
  counters: number[],
  windows: readonly RateLimitWindow[],
  nowMs: number,
): RateLimitDecision {
  let remaining = Number.POSITIVE_INFINITY;
  let resetMs = 0;
  let binding = windows[0]?.name ?? "";
  let retryAfterMs = 0;
  for (let i = 0; i < windows.length; i++) {
    const w = windows[i] as RateLimitWindow;
    const count = counters[2 * i + 1] ?? 0;
    const left = w.limit - count;
    const windowResetMs = (count > 0 ? (counters[2 * i] ?? nowMs) : nowMs) + w.windowSeconds * 1000;
    if (left < remaining || (left === remaining && windowResetMs > resetMs)) {
      remaining = left;
      resetMs = windowResetMs;
      binding = w.name;
    }
    if (!allowed && left <= 0) retryAfterMs = Math.max(retryAfterMs, windowResetMs - nowMs);
  }
  return {
    allowed,
    counters,
    remaining: Math.max(0, remaining),
    resetSeconds: Math.ceil(resetMs / 1000),
    resetAfterSeconds: Math.max(0, Math.ceil((resetMs - nowMs) / 1000)),
    retryAfterSeconds: allowed ? undefined : Math.max(1, Math.ceil(retryAfterMs / 1000)),
    window: binding,
  };
}

/** The algorithms a store can apply (behaviour `rate-limit-window`). */
export type RateLimitAlgorithm = "fixed" | "sliding";

/**
 * The sliding-window rule: a request is admitted when every window has admitted fewer than its limit in the
 * trailing `windowSeconds`. Counters are the admission times (epoch ms, oldest first) within the longest window;
 * a window resets (its Remaining grows) when its oldest counted request leaves it; a refusal's Retry-After lasts
 * until enough have left every exhausted window.
 */
export function decideSlidingRateLimit(
  counters: RateLimitCounters,
  windows: readonly RateLimitWindow[],
  nowMs: number,
): RateLimitDecision {
  const longestMs = Math.max(...windows.map((w) => w.windowSeconds * 1000));
  const log = counters.filter((t) => t > nowMs - longestMs);
  const inWindow = windows.map((w) => log.filter((t) => t > nowMs - w.windowSeconds * 1000));
  const allowed = windows.every((w, i) => (inWindow[i] as number[]).length < w.limit);
  if (allowed) {
    log.push(nowMs);
    for (const times of inWindow) times.push(nowMs);
  }
  // Each window as the fixed rule's [start, count] with its oldest counted request as the start: the summary's
  // reset (when the oldest leaves) and Retry-After (a window never holds more than its limit, so room comes back
  // when that oldest one leaves) are then the sliding window's.
  const flat = inWindow.flatMap((times) => [times[0] ?? nowMs, times.length]);
  return { ...summarizeRateLimit(allowed, flat, windows, nowMs), counters: log };
}

/** The rule of an algorithm. */
export const RATE_LIMIT_RULES: Record<
  RateLimitAlgorithm,
  (counters: RateLimitCounters, windows: readonly RateLimitWindow[], nowMs: number) => RateLimitDecision
> = { fixed: decideRateLimit, sliding: decideSlidingRateLimit };

/** The headers' view of an identity nothing has counted yet (calls that are not limited). */
export const uncountedRateLimit = (windows: readonly RateLimitWindow[], nowMs: number) =>
  summarizeRateLimit(true, [], windows, nowMs);
