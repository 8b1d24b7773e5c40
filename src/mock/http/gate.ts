/**
 * The first step of every Masko API request: who is calling (by the SHA-256 of the bearer key), whether the
 * rate limit admits the request (per key, or per client address without a valid key), then 401 if needed.
 */
import { hashApiKey, isWellFormedKey } from "../rules/api-keys.js";
import type { RateLimitDecision } from "../rules/rate-limit.js";
import type { Caller, Services } from "../services.js";
import { MaskoError } from "./masko-error.js";

/** The caller of a bearer token, or undefined for a missing, malformed, unknown or revoked key. */
export async function authenticate(
  services: Services,
  authorization: string | undefined,
): Promise<Caller | undefined> {
  if (!authorization) return undefined;
  const match = /^Bearer +(\S+)$/i.exec(authorization.trim());
  const token = match?.[1];
  if (!token || !isWellFormedKey(token, services.policies.keyPolicy)) return undefined;
  const found = await services.store.findCredentials(await hashApiKey(token));
  return found && { ...found, role: found.user.role };
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
