/**
 * CORS for browser apps on another origin: preflights answered with 204, and the rate-limit headers exposed to
 * page scripts. Each answer gets a fresh record of the constant headers (an object literal: the fastest copy) to add
 * its own to.
 */
import type { ApiResponse } from "./exchange.js";

const ALLOW_METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS";
const ALLOW_HEADERS = "Authorization, Content-Type, X-Mock-Admin-Token, Prefer";

/** CORS headers for one origin (`*` by default); `allow` replaces the API's methods and request headers. */
export function createCors(
  origin: string,
  exposeHeaders: readonly string[],
  allow: { methods: string; headers: string } = { methods: ALLOW_METHODS, headers: ALLOW_HEADERS },
) {
  const vary: Record<string, string> = origin === "*" ? {} : { Vary: "Origin" };
  const expose = exposeHeaders.join(", ");
  const preflight = Object.freeze({
    "Access-Control-Allow-Origin": origin,
    ...vary,
    "Access-Control-Allow-Methods": allow.methods,
    "Access-Control-Allow-Headers": allow.headers,
    "Access-Control-Max-Age": "600",
  });
  return {
    /** The 204 answer to a preflight, with `extra` headers (the rate-limit headers of the client address). */
    preflight: (extra: Record<string, string> = {}): ApiResponse => ({
      status: 204,
      headers: { ...extra, ...preflight },
    }),
    /** A fresh header record for one answer, to which the pipeline adds the rate-limit headers. */
    headers:
      origin === "*"
        ? (): Record<string, string> => ({
            "Access-Control-Allow-Origin": "*",
            "Access-Control-Expose-Headers": expose,
          })
        : (): Record<string, string> => ({
            "Access-Control-Allow-Origin": origin,
            Vary: "Origin",
            "Access-Control-Expose-Headers": expose,
          }),
  };
}

/** The CORS policy of one simulator. */
export type Cors = ReturnType<typeof createCors>;
