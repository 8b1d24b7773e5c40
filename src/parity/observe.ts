/**
 * What parity records of one answer, and the pure readings it compares: which rate-limit headers an answer carries
 * and in which format, and the shape of a body as field paths and their JSON types (values are never compared:
 * ids, times and balances differ between any two deployments).
 */
import { EPOCH_THRESHOLD, type RateLimitState, readRateLimitState } from "../client/rate-limit-state.js";

/** One answer of one scenario step on one side. */
export interface Observation {
  /** The step's id, the same on both sides (for example `read.credits`, `limits.first-429`). */
  readonly step: string;
  readonly method: string;
  /** The path as a template (`/v1/webhooks/{id}`): created ids differ between sides. */
  readonly path: string;
  readonly status: number;
  /** The headers parity reads, names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
  /** When it was answered, on that side's clock (epoch ms). */
  readonly at: number;
}

/** The headers parity compares (the rest vary by infrastructure). */
export const WATCHED_HEADERS = [
  "x-ratelimit-remaining",
  "x-ratelimit-reset",
  "retry-after",
  "ratelimit",
  "ratelimit-policy",
  "www-authenticate",
  "content-type",
] as const;

/** A header value's format, for comparing two answers. */
export function headerFormat(name: string, value: string | undefined): string {
  if (value === undefined) return "absent";
  if (name === "content-type") return value.split(";")[0]?.trim().toLowerCase() ?? value;
  if (/^\d+$/.test(value)) {
    if (name === "x-ratelimit-reset")
      return Number(value) >= EPOCH_THRESHOLD ? "epoch-seconds" : "delta-seconds";
    return "integer";
  }
  if (!Number.isNaN(Date.parse(value)) && /GMT$/.test(value)) return "http-date";
  if (name === "ratelimit" || name === "ratelimit-policy") {
    return /^"[^"]+";/.test(value) ? "structured-field" : "text";
  }
  if (name === "www-authenticate") return value.split(/\s/)[0] ?? value;
  return "text";
}

/** A JSON value's type as parity names it. */
const typeOf = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);

/**
 * The shape of a body: every field path (`data.balance`, `data[].id`) with its type. An array's items are read
 * from its first element only, so lists of different lengths compare alike; an empty array has no item paths.
 */
export function bodyShape(body: unknown, at = "", into = new Map<string, string>()): Map<string, string> {
  // Walked without recursion: a body is the server's, and may be deep.
  const stack: Array<[string, unknown]> = [[at, body]];
  while (stack.length > 0) {
    const [path, value] = stack.pop() as [string, unknown];
    into.set(path || "(body)", typeOf(value));
    if (Array.isArray(value)) {
      if (value.length > 0) stack.push([`${path}[]`, value[0]]);
    } else if (value !== null && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) stack.push([path ? `${path}.${k}` : k, v]);
    }
  }
  return into;
}

/** An answer's rate-limit state, read as the typed client reads it (either header style, a reset as instant or delay). */
export const limitsOf = (o: Observation): RateLimitState | undefined =>
  readRateLimitState(new Headers(o.headers), o.at);
