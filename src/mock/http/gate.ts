/**
 * The first step of every Masko API request: who is calling (by the SHA-256 of the bearer key), whether the
 * rate limit admits the request (per key, or per client address without a valid key), then 401 if needed.
 */

import { MaskoError } from "../masko-error.js";
import { hashApiKey, isWellFormedKey } from "../rules/api-keys.js";
import type { RateLimitDecision } from "../rules/rate-limit.js";
import type { Caller, Services } from "../services.js";

/**
 * The caller of a bearer token (undefined for a missing, malformed, unknown or revoked key) and the limiter's
 * decision for it — per key, or per client `address` without a valid key — read and counted in one store step.
 */
export async function admit(
  services: Services,
  authorization: string | undefined,
  address: string,
): Promise<{ caller: Caller | undefined; decision: RateLimitDecision }> {
  const token = authorization ? /^Bearer +(\S+)$/i.exec(authorization.trim())?.[1] : undefined;
  const hash =
    token && isWellFormedKey(token, services.policies.keyPolicy) ? await hashApiKey(token) : undefined;
  const { credentials, decision } = await services.store.admit(
    hash,
    address,
    services.policies.rateLimits.windows,
    services.clock.now(),
  );
  return { caller: credentials && { ...credentials, role: credentials.user.role }, decision };
}

/** The rate-limit headers every Masko API response carries. */
export function rateLimitHeaders(
  decision: RateLimitDecision,
  into: Record<string, string> = {},
): Record<string, string> {
  into["X-RateLimit-Remaining"] = String(decision.remaining);
  into["X-RateLimit-Reset"] = String(decision.resetSeconds);
  if (decision.retryAfterSeconds !== undefined) into["Retry-After"] = String(decision.retryAfterSeconds);
  return into;
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
