/** The rate-limit headers every Masko API answer carries, and the 429 of a refused request. */
import { MaskoError } from "../masko-error.js";
import type { RateLimitDecision } from "../rules/rate-limit.js";

/** Writes the limiter's decision as headers into `into` (a new record by default). */
export function rateLimitHeaders(
  decision: RateLimitDecision,
  into: Record<string, string> = {},
): Record<string, string> {
  into["X-RateLimit-Remaining"] = String(decision.remaining);
  into["X-RateLimit-Reset"] = String(decision.resetSeconds);
  if (decision.retryAfterSeconds !== undefined) into["Retry-After"] = String(decision.retryAfterSeconds);
  return into;
}

/** The headers when no decision can be given (the store failed): nothing left, try again in a second. */
export function exhaustedHeaders(nowMs: number): Record<string, string> {
  return { "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": String(Math.ceil(nowMs / 1000) + 1) };
}

/** The 429 for a refused request. */
export function rateLimited(decision: RateLimitDecision): MaskoError {
  const window = decision.window;
  return new MaskoError(
    429,
    "rate_limited",
    `Rate limit exceeded (${window} window). Retry in ${decision.retryAfterSeconds} seconds.`,
    { window },
  );
}
