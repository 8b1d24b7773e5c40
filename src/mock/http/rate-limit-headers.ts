/**
 * The rate-limit headers every Masko API answer carries, and the 429 of a refused request, in the style the
 * behaviour settings choose: `X-RateLimit-Remaining` / `X-RateLimit-Reset` (epoch seconds or seconds from now),
 * the IETF draft's `RateLimit` + `RateLimit-Policy` (draft-ietf-httpapi-ratelimit-headers), or both; `Retry-After`
 * on a 429 unless switched off.
 */
import type { RateLimitWindow } from "../../policy/policies.js";
import type { Behaviour } from "../behaviour.js";
import { type MaskoError, rateLimited as rateLimitedError } from "../primitives/masko-error.js";
import type { RateLimitDecision } from "../rules/rate-limit.js";

/** Writes a limiter decision as headers. */
export interface RateLimitHeaderWriter {
  /** Writes `decision` into `into` (a new record by default). */
  write(decision: RateLimitDecision, into?: Record<string, string>): Record<string, string>;
  /** The headers when no decision can be given (the store failed): nothing left, try again in a second. */
  exhausted(nowMs: number): Record<string, string>;
  /** The header names a browser may read (CORS `Access-Control-Expose-Headers`). */
  readonly exposed: readonly string[];
}

/** The writer of one simulator's headers. */
export function rateLimitHeaderWriter(
  behaviour: Pick<Behaviour, "rate-limit-headers" | "rate-limit-reset" | "retry-after">,
  windows: readonly RateLimitWindow[],
): RateLimitHeaderWriter {
  const style = behaviour["rate-limit-headers"];
  const legacy = style !== "ietf";
  const ietf = style !== "x-ratelimit";
  const delta = behaviour["rate-limit-reset"] === "delta-seconds";
  const retryAfter = behaviour["retry-after"] === "on";
  const policy = windows.map((w) => `"${w.name}";q=${w.limit};w=${w.windowSeconds}`).join(", ");
  const put = (
    into: Record<string, string>,
    remaining: number,
    resetSeconds: number,
    resetAfterSeconds: number,
    window: string,
  ) => {
    if (legacy) {
      into["X-RateLimit-Remaining"] = String(remaining);
      into["X-RateLimit-Reset"] = String(delta ? resetAfterSeconds : resetSeconds);
    }
    if (ietf) {
      into["RateLimit-Policy"] = policy;
      into.RateLimit = `"${window}";r=${remaining};t=${resetAfterSeconds}`;
    }
    return into;
  };
  return {
    write(decision, into = {}) {
      put(into, decision.remaining, decision.resetSeconds, decision.resetAfterSeconds, decision.window);
      if (retryAfter && decision.retryAfterSeconds !== undefined) {
        into["Retry-After"] = String(decision.retryAfterSeconds);
      }
      return into;
    },
    exhausted: (nowMs) => put({}, 0, Math.ceil(nowMs / 1000) + 1, 1, windows[0]?.name ?? "minute"),
    exposed: [
      ...(legacy ? ["X-RateLimit-Remaining", "X-RateLimit-Reset"] : []),
      ...(ietf ? ["RateLimit", "RateLimit-Policy"] : []),
      "Retry-After",
    ],
  };
}

/** The 429 for a refused request. */
export function rateLimited(decision: RateLimitDecision): MaskoError {
  const window = decision.window;
  return rateLimitedError(
    `Rate limit exceeded (${window} window). Retry in ${decision.retryAfterSeconds} seconds.`,
    { window },
  );
}
