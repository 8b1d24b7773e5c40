/**
 * Stage 2, gate: who is calling (by the SHA-256 of the bearer key) and whether the rate limit admits the request
 * — per key — read and counted in one store step; then 429, then 401 unless the path is public. A call without a
 * valid key is answered 401 however many arrive, unless behaviour `keyless-limit` limits such calls per client
 * address. An admitted caller's due jobs are settled and any injected latency is waited out. CORS preflights stop
 * here: answered 204 (counted against the client address only with `keyless-limit=per-address-with-preflights`).
 */

import { settleDueJobs } from "../jobs/job-settlement.js";
import { andThen } from "../primitives/eventually.js";
import { badRequest, headersTooLarge as tooLargeHeaders, unauthorized } from "../primitives/masko-error.js";
import { sleep } from "../primitives/platform.js";
import { hashApiKey, isWellFormedKey } from "../rules/api-keys.js";
import { type RateLimitDecision, uncountedRateLimit } from "../rules/rate-limit.js";
import type { Caller, Services } from "../services.js";
import type { Admitted } from "../store/store.js";
import type { Cors } from "./cors.js";
import type { ApiRequest, ApiResponse } from "./exchange.js";
import { type RateLimitHeaderWriter, rateLimited } from "./rate-limit-headers.js";
import { errorAnswer } from "./respond.js";

/** What the gate learnt of a request; the later stages and the error answer read it. */
export interface Admission {
  caller: Caller | undefined;
  decision: RateLimitDecision | undefined;
  /** This response's own header record (CORS, then the rate-limit headers). */
  readonly headers: Record<string, string>;
}

/** The injected latency of the caller's faults, if any. */
const waitLatency = (caller: Caller): Promise<void> | undefined =>
  caller.faults.latencyMs > 0 ? sleep(caller.faults.latencyMs) : undefined;

/** `Bearer <token>` (the scheme in any case, then one or more spaces) anywhere else is no token. */
const BEARER = /^Bearer +\S+$/i;

/** The token of an `Authorization: Bearer …` header (tested, then cut: no match array a request). */
export function bearerToken(authorization: string | undefined): string | undefined {
  const value = authorization?.trim();
  return value && BEARER.test(value) ? value.slice(value.lastIndexOf(" ") + 1) : undefined;
}

/** The rate-limit identity of a request without a valid key. */
export const addressKey = (address: string | undefined) => `addr:${address ?? "unknown"}`;

/** The gate over `services`; `publicPaths` answer without a key. */
export function createGate(
  services: Services,
  cors: Cors,
  publicPaths: ReadonlySet<string>,
  limitHeaders: RateLimitHeaderWriter,
) {
  const windows = services.policies.rateLimits.windows;
  const keyPolicy = services.policies.keyPolicy;
  const keyless = services.behaviour["keyless-limit"];
  const algorithm = services.behaviour["rate-limit-window"];
  /** The identity keyless calls count against ("" when they are not limited). */
  const keylessIdentity = (address: string | undefined) => (keyless === "off" ? "" : addressKey(address));
  /** The decision for a request that is not a Masko API call with a key (a preflight, an unparsable request). */
  const hitAddress = (address: string | undefined, counted: boolean): Promise<RateLimitDecision> => {
    const now = services.clock.now();
    if (!counted) return Promise.resolve(uncountedRateLimit(windows, now));
    return services.store.hitRateLimit(addressKey(address), windows, now, algorithm);
  };

  /** The store's answer applied: 429, 401 unless public, the headers, the caller; then what it must wait for. */
  const enter = ({ credentials, decision }: Admitted, request: ApiRequest, admission: Admission) => {
    admission.decision = decision;
    if (!decision.allowed) throw rateLimited(decision);
    if (!credentials && !publicPaths.has(request.path)) throw unauthorized();
    limitHeaders.write(decision, admission.headers);
    if (!credentials) return undefined;
    admission.caller = credentials;
    if (credentials.openJobs) {
      return settleDueJobs(services, credentials.workspace.id).then(() => waitLatency(credentials));
    }
    return waitLatency(credentials);
  };
  return {
    /**
     * A fresh admission for one request, its headers starting with CORS. Every field is there from the start, so
     * filling it in does not change the object's shape mid-request.
     */
    open: (): Admission => ({ caller: undefined, decision: undefined, headers: cors.headers() }),

    /**
     * Fills `admission` in order; throws 429 or 401 (the admission then holds what the answer needs). Nothing to
     * wait for on the embedded store, where it is done when it returns (undefined); a promise when something is
     * pending: a networked store, hashing in a browser, due jobs or injected latency.
     */
    admit(request: ApiRequest, admission: Admission): Promise<void> | undefined {
      const token = bearerToken(request.header("authorization"));
      const hash = token && isWellFormedKey(token, keyPolicy) ? hashApiKey(token) : undefined;
      const admitted = andThen(hash, (h) =>
        services.store.admit(h, keylessIdentity(request.address), windows, services.clock.now(), algorithm),
      );
      return andThen(admitted, (a) => enter(a, request, admission));
    },

    /** The 204 answer to a CORS preflight, with the rate-limit headers of the client address. */
    async preflight(request: ApiRequest): Promise<ApiResponse> {
      const decision = await hitAddress(request.address, keyless === "per-address-with-preflights");
      return cors.preflight(limitHeaders.write(decision));
    },

    /**
     * The answer to a request the HTTP parser itself refused (oversized headers: 431, anything else: 400), in the
     * envelope with the rate-limit headers of the client address (counted when keyless calls are limited).
     */
    async malformed(address: string | undefined, headersTooLarge: boolean): Promise<ApiResponse> {
      const error = headersTooLarge
        ? tooLargeHeaders()
        : badRequest("The request could not be parsed as HTTP.");
      const now = services.clock.now();
      const limits = await hitAddress(address, keyless !== "off")
        .then((decision) => limitHeaders.write(decision))
        .catch(() => limitHeaders.exhausted(now));
      return errorAnswer(error, { ...cors.headers(), ...limits });
    },
  };
}

/** The gate of one simulator. */
export type Gate = ReturnType<typeof createGate>;
