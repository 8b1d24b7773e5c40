/**
 * The Masko simulator's core: a fetch-standard app (Request in, Response out) that the Node adapter serves and
 * MSW handlers can call directly. The pipeline, in order:
 *   CORS → control API (/__mock) → authenticate → rate limit (429) → 401 → settle due jobs → injected faults →
 *   route (404/405) → parameters and body (415/413/400) → handler (403/404/409/402) → response + rate-limit headers
 */

import { Hono } from "hono";
import { specValidator } from "../contract/bundled-spec.js";
import type { MatchedOperation } from "../contract/spec-validator.js";
import { type MaskoPolicies, policies as specPolicies } from "../policy/policies.js";
import { createClock, type SimulatorClock } from "./clock.js";
import { type CreatedWorkspace, type SeedFile, SimulatorControl } from "./control.js";
import { MAX_UPLOAD_BYTES } from "./handlers/uploads.js";
import { controlRoutes } from "./http/control-routes.js";
import { createCors } from "./http/cors.js";
import { admit, rateLimited, rateLimitHeaders } from "./http/gate.js";
import { validateBatchBody, validateGenerateBody } from "./http/generate-body.js";
import { jsonResponse } from "./http/json-response.js";
import { MAX_JSON_BYTES, readBody } from "./http/read-body.js";
import { compileParams, validateBody } from "./http/request-validation.js";
import { settleDueJobs } from "./job-settlement.js";
import { badRequest, internalError, MaskoError, storeUnavailable, unauthorized } from "./masko-error.js";
import { OPERATION_HANDLERS } from "./operations.js";
import { sleep } from "./platform.js";
import type { RateLimitDecision } from "./rules/rate-limit.js";
import { Scheduler } from "./scheduler.js";
import { type Caller, type Services, uuid } from "./services.js";
import { createMemoryStore } from "./store/memory-store.js";
import type { Store } from "./store/store.js";
import { StoreUnavailableError } from "./store/store-unavailable-error.js";
import { DEFAULT_DELIVERY_POLICY, type DeliveryPolicy, WebhookDeliveries } from "./webhook-delivery.js";

/** One line of the request log: never the key, only its id. */
export interface RequestLogLine {
  method: string;
  path: string;
  status: number;
  durationMs: number;
  keyId: string | undefined;
}

/** Options of `createSimulator`. */
export interface SimulatorOptions {
  store?: Store;
  clock?: SimulatorClock;
  policies?: MaskoPolicies;
  /** Multiplies every rate-limit window's limit (benchmarks raise limits this way). */
  rateLimitScale?: number;
  /** When set, `/__mock` calls need `X-Mock-Admin-Token`. */
  adminToken?: string;
  /** `false` removes the control API: `/__mock` is an unknown route (404), as on production. Default true. */
  control?: boolean;
  /** `Access-Control-Allow-Origin` (default `*`). */
  corsOrigin?: string;
  /** Longest a `wait=true` request is held, in real milliseconds (default 30 000). */
  longPollMaxMs?: number;
  seed?: SeedFile;
  /** Called once per Masko API request. */
  log?: (line: RequestLogLine) => void;
  /** Webhook retry policy (default: 4 attempts, 0.5 s doubling). */
  webhookDelivery?: DeliveryPolicy;
  /** Keep what the store already holds (a shared Redis) instead of resetting it; seed only when it is empty. */
  keepState?: boolean;
  /** Called with unexpected errors (the client sees a 500 envelope). */
  onError?: (error: unknown) => void;
  /** How often an instance on a shared store looks for due work another instance left (default 250 ms). */
  pollMs?: number;
}

/** A running simulator core. */
export interface Simulator {
  /** Answers one request. `env.incoming.socket.remoteAddress` (from the Node adapter) identifies the client. */
  fetch(request: Request, env?: unknown): Promise<Response>;
  readonly control: SimulatorControl;
  /** The seeded demo workspace. */
  readonly demo: CreatedWorkspace;
  readonly services: Services;
  /** Stops the instance's timers (its store stays as it is). */
  close(): void;
  /**
   * The answer to a request the HTTP parser itself refused (oversized headers: 431, anything else: 400), in the
   * error envelope with the rate-limit headers of the client address, which it counts against.
   */
  malformedRequest(
    address: string | undefined,
    headersTooLarge: boolean,
  ): Promise<{ status: number; headers: Record<string, string>; body: string }>;
}

type Vars = {
  caller?: Caller;
  rateLimit?: RateLimitDecision;
  responseHeaders: Record<string, string>;
  /** Set on `/__mock` requests. */
  control?: boolean;
};
type Env = {
  Variables: Vars;
  Bindings: {
    incoming?: { socket?: { remoteAddress?: string }; headers?: Record<string, string | undefined> };
  };
};

const EXPOSED_HEADERS = ["X-RateLimit-Remaining", "X-RateLimit-Reset", "Retry-After", "WWW-Authenticate"];

/** Builds the simulator and seeds its demo workspace. */
export async function createSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const base = options.policies ?? specPolicies;
  const scale = options.rateLimitScale ?? 1;
  const policies: MaskoPolicies = {
    ...base,
    rateLimits: { windows: base.rateLimits.windows.map((w) => ({ ...w, limit: w.limit * scale })) },
  };
  const validator = specValidator();
  const store = options.store ?? createMemoryStore();
  // Due work: jobs to finish (any instance may, the store makes it once) and webhooks to deliver.
  const scheduler = new Scheduler(
    async () => {
      for (const workspaceId of await store.dueJobWorkspaces(services.clock.now())) {
        await settleDueJobs(services, workspaceId);
      }
      await services.webhooks.sendDue();
    },
    store.shared ? (options.pollMs ?? 250) : undefined,
  );
  const services: Services = {
    store,
    policies,
    clock: options.clock ?? store.clock ?? createClock(),
    validator,
    longPollMaxMs: options.longPollMaxMs ?? 30_000,
    newId: uuid,
    webhooks: new WebhookDeliveries(store, options.webhookDelivery ?? DEFAULT_DELIVERY_POLICY, (delayMs) =>
      scheduler.soon(delayMs),
    ),
    scheduler,
  };
  const control = new SimulatorControl(services, options.seed);
  const demo = options.keepState ? await control.seedIfEmpty() : await control.reset();
  const windows = policies.rateLimits.windows;

  const controlOn = options.control ?? true;
  // Operations whose security is empty (the OpenAPI document) answer without a key.
  const publicPaths = new Set(
    validator
      .operations()
      .filter((op) => Array.isArray(op.operation.security) && op.operation.security.length === 0)
      .map((op) => op.pathTemplate),
  );
  const cors = createCors(options.corsOrigin ?? "*", EXPOSED_HEADERS);
  const app = new Hono<Env>();

  const log = options.log;
  if (log) {
    app.use("*", async (c, next) => {
      const started = performance.now();
      await next();
      if (c.req.path.startsWith("/__mock")) return;
      log({
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        durationMs: performance.now() - started,
        keyId: c.get("caller")?.key.id,
      });
    });
  }

  const isControlPath = (path: string) => controlOn && (path === "/__mock" || path.startsWith("/__mock/"));
  const addressOf = (c: { env?: Env["Bindings"] }) =>
    `addr:${c.env?.incoming?.socket?.remoteAddress ?? "unknown"}`;

  // The front door, one middleware for speed: the control API (no CORS, no rate limit), CORS preflights, then
  // authentication, the rate limit, 401, settling due jobs and injected latency.
  app.use("*", async (c, next) => {
    if (isControlPath(c.req.path)) {
      c.set("control", true);
      return next();
    }
    if (c.req.method === "OPTIONS") {
      // A preflight counts against the client address like any request without a key, and says so.
      const decision = await services.store.hitRateLimit(addressOf(c), windows, services.clock.now());
      return cors.preflight(rateLimitHeaders(decision));
    }
    const headers = cors.headers();
    c.set("responseHeaders", headers);
    // Under Node, read the raw header: asking the Request for it would build a full (slow) Headers object.
    const rawHeaders = c.env?.incoming?.headers;
    const authorization = rawHeaders ? rawHeaders.authorization : c.req.header("authorization");
    const { caller, decision } = await admit(services, authorization, addressOf(c));
    c.set("rateLimit", decision);
    if (!decision.allowed) throw rateLimited(decision);
    if (!caller && !publicPaths.has(c.req.path)) throw unauthorized();
    c.set("caller", caller);
    rateLimitHeaders(decision, headers);
    if (caller?.openJobs) await settleDueJobs(services, caller.workspace.id);
    const latency = caller?.faults.latencyMs ?? 0;
    if (latency > 0) await sleep(latency);
    await next();
  });
  const operationIds = validator.operations().map((op) => op.operationId);
  if (controlOn) {
    app.route("/__mock", controlRoutes(control, options.adminToken, operationIds) as unknown as Hono<Env>);
  }

  for (const op of validator.operations()) {
    const handler = OPERATION_HANDLERS[op.operationId];
    if (!handler) throw new Error(`No simulator handler for operation ${op.operationId}`);
    const honoPath = op.pathTemplate.replace(/\{([^}]+)\}/g, ":$1");
    const requestBody = validator.resolve(op.operation.requestBody);
    const content = (requestBody?.content ?? {}) as Record<string, unknown>;
    const bodyOptional = requestBody?.required !== true;
    const mediaTypes = Object.keys(content);
    const jsonPointer =
      mediaTypes.includes("application/json") &&
      validator.requestSchemaPointer({ ...op, pathParams: {} } as MatchedOperation, "application/json");
    const checkParams = compileParams(validator, op.pathTemplate, op.operation);
    const hasPathParams = op.pathTemplate.includes("{");
    app.on(op.method.toUpperCase(), honoPath, async (c) => {
      const caller = c.get("caller");
      if ((caller?.faults.failOperations[op.operationId] ?? 0) > 0) {
        if (await services.store.takeOperationFailure(op.operationId)) {
          throw internalError("Injected fault: internal error.");
        }
      }
      const url = c.req.url;
      const q = url.indexOf("?");
      const search = q < 0 ? undefined : new URLSearchParams(url.slice(q + 1));
      const params = checkParams(hasPathParams ? (c.req.param() as Record<string, string>) : {}, search);
      let body: unknown;
      if (mediaTypes.length > 0) {
        const read = await readBody(
          c.req.raw,
          mediaTypes,
          {
            "application/json": MAX_JSON_BYTES,
            "multipart/form-data": MAX_UPLOAD_BYTES,
          },
          bodyOptional,
        );
        body = read.value;
        if (read.mediaType === "application/json") {
          if (op.operationId === "generate") validateGenerateBody(validator, body);
          else if (op.operationId === "generateBatch") validateBatchBody(validator, body);
          else if (jsonPointer) validateBody(validator, jsonPointer, body);
        }
      }
      const result = await handler({
        caller: c.get("caller") as Caller,
        path: params.path,
        query: params.query,
        body: body as never,
        services,
        signal: () => c.req.raw.signal,
      });
      return jsonResponse(result.status, result.body, c.get("responseHeaders"));
    });
  }

  app.notFound((c) => {
    const allowed = validator
      .operations()
      .filter((op) => validator.match(op.method, c.req.path)?.pathTemplate === op.pathTemplate)
      .map((op) => op.method.toUpperCase());
    if (allowed.length > 0) {
      throw new MaskoError(
        405,
        "method_not_allowed",
        `${c.req.method} is not allowed here.`,
        {},
        {
          Allow: allowed.join(", "),
        },
      );
    }
    throw new MaskoError(404, "not_found", `No route for ${c.req.method} ${c.req.path}.`);
  });

  app.onError((error, c) => {
    const known =
      error instanceof MaskoError
        ? error
        : error instanceof StoreUnavailableError
          ? storeUnavailable()
          : undefined;
    if (!known) options.onError?.(error);
    const answer = known ?? internalError();
    // The control API is not the Masko API: its answers carry no rate-limit (or CORS) headers.
    if (c.get("control")) return jsonResponse(answer.status, answer.body(), answer.headers);
    const decision = c.get("rateLimit");
    // Without a limiter decision, or when the store failed (503), the headers say "nothing left, try in a second".
    const limitHeaders =
      decision && answer.status !== 503
        ? rateLimitHeaders(decision)
        : {
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": String(Math.ceil(services.clock.now() / 1000) + 1),
          };
    const headers = { ...(c.get("responseHeaders") ?? {}), ...answer.headers, ...limitHeaders };
    return jsonResponse(answer.status, answer.body(), headers);
  });

  const malformedRequest: Simulator["malformedRequest"] = async (address, headersTooLarge) => {
    const answer = headersTooLarge
      ? new MaskoError(431, "bad_request", "Request header fields too large.")
      : badRequest("The request could not be parsed as HTTP.");
    let limits: Record<string, string>;
    try {
      const decision = await services.store.hitRateLimit(
        `addr:${address ?? "unknown"}`,
        windows,
        services.clock.now(),
      );
      limits = rateLimitHeaders(decision);
    } catch {
      limits = {
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": String(Math.ceil(services.clock.now() / 1000) + 1),
      };
    }
    return {
      status: answer.status,
      headers: { ...cors.headers(), ...limits, "Content-Type": "application/json" },
      body: JSON.stringify(answer.body()),
    };
  };

  return {
    close: () => scheduler.stop(),
    malformedRequest,
    fetch: (request, env) => Promise.resolve(app.fetch(request, env as Env["Bindings"])),
    control,
    demo,
    services,
  };
}
