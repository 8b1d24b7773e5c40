/**
 * CORS for browser apps on another origin: preflights answered with 204, and the rate-limit headers exposed to
 * page scripts. Headers go into a plain record that responses are built with: hono/cors touches `c.res` early
 * and undici's Headers are slow, which together cost more than half the throughput here.
 */

const ALLOW_METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS";
const ALLOW_HEADERS = "Authorization, Content-Type, X-Mock-Admin-Token, Prefer";

/** CORS headers for one origin (`*` by default). */
export function createCors(origin: string, exposeHeaders: readonly string[]) {
  const expose = exposeHeaders.join(", ");
  const vary: Record<string, string> = origin === "*" ? {} : { Vary: "Origin" };
  return {
    /** The 204 answer to a preflight, with `extra` headers (the rate-limit headers of the client address). */
    preflight: (extra: Record<string, string> = {}): Response =>
      new Response(null, {
        status: 204,
        headers: {
          ...extra,
          "Access-Control-Allow-Origin": origin,
          ...vary,
          "Access-Control-Allow-Methods": ALLOW_METHODS,
          "Access-Control-Allow-Headers": ALLOW_HEADERS,
          "Access-Control-Max-Age": "600",
        },
      }),
    /** A fresh header record for one response, to which the pipeline adds the rate-limit headers. */
    headers: (): Record<string, string> => ({
      "Access-Control-Allow-Origin": origin,
      ...vary,
      "Access-Control-Expose-Headers": expose,
    }),
  };
}
