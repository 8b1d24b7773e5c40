/**
 * The rate-limit rule as one table of request sequences: each step is a request at `at` ms after T and the
 * decision it must get. The TypeScript rule (rules/rate-limit.ts), the embedded store and the Lua limiter
 * (store/redis/limiter-scripts.ts) are all held to it, so they cannot drift apart.
 */
import type { RateLimitDecision } from "../../src/mock/rules/rate-limit.js";

export const WINDOWS = [
  { name: "minute", limit: 3, windowSeconds: 60 },
  { name: "hour", limit: 5, windowSeconds: 3600 },
] as const;
/** A whole second, in ms. */
export const T = 1_000_000_000_000;
const S = T / 1000;

type Expected = Partial<Omit<RateLimitDecision, "counters">>;
export interface RateLimitCase {
  name: string;
  steps: Array<{ at: number; expect: Expected }>;
}

const allowed = (remaining: number, window = "minute", resetSeconds = S + 60): Expected => ({
  allowed: true,
  remaining,
  window,
  resetSeconds,
  retryAfterSeconds: undefined,
});
const refused = (window: string, resetSeconds: number, retryAfterSeconds: number): Expected => ({
  allowed: false,
  remaining: 0,
  window,
  resetSeconds,
  retryAfterSeconds,
});

export const RATE_LIMIT_TABLE: RateLimitCase[] = [
  { name: "a fresh identity opens both windows", steps: [{ at: 0, expect: allowed(2) }] },
  {
    name: "the fourth request of a minute is refused until the minute's end",
    steps: [
      { at: 0, expect: allowed(2) },
      { at: 1000, expect: allowed(1) },
      { at: 2000, expect: allowed(0) },
      { at: 3000, expect: refused("minute", S + 60, 57) },
    ],
  },
  {
    name: "a window ends exactly its length after its first request",
    steps: [
      { at: 0, expect: allowed(2) },
      { at: 1, expect: allowed(1) },
      { at: 2, expect: allowed(0) },
      { at: 59_999, expect: refused("minute", S + 60, 1) },
      { at: 60_000, expect: allowed(1, "hour", S + 3600) },
    ],
  },
  {
    name: "refused requests count in no window",
    steps: [
      { at: 0, expect: allowed(2) },
      { at: 1, expect: allowed(1) },
      { at: 2, expect: allowed(0) },
      { at: 10, expect: refused("minute", S + 60, 60) },
      { at: 20, expect: refused("minute", S + 60, 60) },
      { at: 60_000, expect: allowed(1, "hour", S + 3600) },
    ],
  },
  {
    name: "a full hour refuses while the minute has room, then reopens at its end",
    steps: [
      { at: 0, expect: allowed(2) },
      { at: 1, expect: allowed(1) },
      { at: 2, expect: allowed(0) },
      { at: 60_000, expect: allowed(1, "hour", S + 3600) },
      { at: 60_001, expect: allowed(0, "hour", S + 3600) },
      { at: 120_000, expect: refused("hour", S + 3600, 3480) },
      { at: 3_599_999, expect: refused("hour", S + 3600, 1) },
      { at: 3_600_000, expect: allowed(2, "minute", S + 3660) },
    ],
  },
];
