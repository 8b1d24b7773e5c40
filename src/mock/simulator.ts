/**
 * The Masko simulator: the request pipeline wired from its stages (docs/architecture.md gives the order), served
 * by the Node adapter (node-server.ts) from node:http records, or through the fetch standard (MSW, tests).
 *   1 control API (/__mock), asset media (/assets/…) · 2 gate (CORS preflight, key, rate limit, 429/401, due jobs, latency) ·
 *   3 route (404/405) · 4 validate (400/413/415) · 5 handle (403/404/409/402, injected 500) · 6 respond
 */
import { type CreatedWorkspace, type Seed, SimulatorControl } from "./control.js";
import { createServices, type ServiceOptions } from "./create-services.js";
import { controlRoutes } from "./http/control-routes.js";
import { createCors } from "./http/cors.js";
import { type ApiRequest, type ApiResponse, fromFetch, toFetch } from "./http/exchange.js";
import { createGate } from "./http/gate.js";
import { handle } from "./http/handle.js";
import { createHostCheck } from "./http/host-check.js";
import { mediaRoutes } from "./http/media-routes.js";
import { rateLimitHeaderWriter } from "./http/rate-limit-headers.js";
import { failure, success } from "./http/respond.js";
import { createRouter } from "./http/route.js";
import type { CardRenderer } from "./media/card-renderer.js";
import { OPERATION_HANDLERS } from "./operations.js";
import type { Services } from "./services.js";

/** One line of the request log: never the key, only its id. */
export interface RequestLogLine {
  method: string;
  path: string;
  status: number;
  durationMs: number;
  keyId: string | undefined;
}

/** Where request log lines go. */
type LogLine = (line: RequestLogLine) => void;

/** Options of `createSimulator`. */
export interface SimulatorOptions extends ServiceOptions {
  /** When set, `/__mock` calls need `X-Mock-Admin-Token`. */
  adminToken?: string;
  /** `false` removes the control API: `/__mock` is an unknown route (404), as on production. Default true. */
  control?: boolean;
  /** `Access-Control-Allow-Origin` (default `*`). */
  corsOrigin?: string;
  /** Extra workspaces, seeded at start-up and at each reset. */
  seed?: Seed;
  /** Called once per Masko API request and per asset request (`/assets/…`). */
  log?: LogLine;
  /** Keep what the store already holds (a shared Redis) instead of resetting it; seed only when it is empty. */
  keepState?: boolean;
  /** Called with unexpected errors (the client sees a 500 envelope). */
  onError?: (error: unknown) => void;
  /** Host names the control API answers besides loopback names and the bound address (DNS rebinding guard). */
  allowedHosts?: readonly string[];
  /** Draws the asset route's image cards (default: cached, one at a time, fair by address; media/card-renderer.ts). */
  cardRenderer?: CardRenderer;
}

/** A running simulator. */
export interface Simulator {
  /** Answers one request of any transport (the Node adapter calls this). */
  answer(request: ApiRequest): Promise<ApiResponse>;
  /** Answers a fetch `Request`; `client.address` is the client's address when the host knows it. */
  fetch(request: Request, client?: { address?: string }): Promise<Response>;
  /** Answers a fetch `Request` for an asset's media by its CDN path (MSW's handler for the assets host). */
  fetchAsset(request: Request, path: string): Promise<Response>;
  /** The answer to a request the HTTP parser refused (431 for oversized headers, else 400). */
  malformedRequest(address: string | undefined, headersTooLarge: boolean): Promise<ApiResponse>;
  readonly control: SimulatorControl;
  /** The seeded demo workspace. */
  readonly demo: CreatedWorkspace;
  readonly services: Services;
  /** Adds the names of the address a server listens on to those the control API answers (the Node adapter). */
  listeningOn(names: readonly string[]): void;
  /** Stops the instance's timers (its store stays as it is). */
  close(): void;
}

/** How often an instance on a shared store checks that the demo workspace is still there. */
const RESTORE_CHECK_MS = 1000;
/** Where a listening simulator serves asset media (its default assets base). */
const ASSETS_PATH = "/assets/";
/** The operations of programmatic key management (behaviour `api-key-endpoints=off` withholds them). */
const API_KEY_OPERATIONS = ["createApiKey", "listApiKeys", "revokeApiKey"];
/** Headers a browser may read besides the rate-limit ones. */
const EXPOSED_HEADERS = ["WWW-Authenticate"];

/** Builds the simulator and seeds its demo workspace. */
export async function createSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  // Only these options outlive start-up (closures below must not keep `options`, whose seed may be large).
  const { onError, log } = options;
  const services = createServices(options);
  const { validator, clock } = services;
  const control = new SimulatorControl(services, options.seed);
  const demo = options.keepState ? await control.seedIfEmpty() : await control.reset();
  const operations = validator.operations();
  const { behaviour } = services;
  // Operations whose security is empty (the OpenAPI document) answer without a key, unless behaviour says otherwise.
  const publicPaths = new Set(
    operations
      .filter((op) => (op.operation.security as unknown[] | undefined)?.length === 0)
      .filter(() => behaviour["openapi-document"] === "public")
      .map((op) => op.pathTemplate),
  );
  const withheld = new Set([
    ...(behaviour["api-key-endpoints"] === "off" ? API_KEY_OPERATIONS : []),
    ...(behaviour["canvas-status-route"] === "off" ? ["getCanvasStatus"] : []),
  ]);
  const limitHeaders = rateLimitHeaderWriter(behaviour, services.policies.rateLimits.windows);
  const flat402 = behaviour["insufficient-credits-body"] === "flat";
  const cors = createCors(options.corsOrigin ?? "*", [...limitHeaders.exposed, ...EXPOSED_HEADERS]);
  const gate = createGate(services, cors, publicPaths, limitHeaders);
  const route = createRouter(validator, OPERATION_HANDLERS, withheld);
  const hosts = createHostCheck(options.allowedHosts);
  // A shared store can lose its data under the simulator (FLUSHALL, a restart without persistence): the demo
  // workspace is seeded again within a second.
  const restoring = services.store.shared
    ? setInterval(() => void control.restoreIfLost().catch(() => {}), RESTORE_CHECK_MS)
    : undefined;
  (restoring as { unref?: () => void } | undefined)?.unref?.();
  const controlApi =
    (options.control ?? true)
      ? controlRoutes(
          control,
          options.adminToken,
          operations.map((op) => op.operationId),
          hosts,
          onError,
        )
      : undefined;

  // Each stage answers at once when it can (the embedded store, a request without a body): only what is pending is
  // awaited (src/mock/eventually.ts says why).
  const pipeline = async (request: ApiRequest, admission = gate.open()): Promise<ApiResponse> => {
    try {
      if (request.method === "OPTIONS") return await gate.preflight(request);
      const admitted = gate.admit(request, admission);
      if (admitted) await admitted;
      const match = route(request);
      const checked = match.route.check(request, match.params);
      const input = checked instanceof Promise ? await checked : checked;
      const result = handle(match, input, admission.caller, request, services);
      return success(result instanceof Promise ? await result : result, admission);
    } catch (error) {
      return failure(error, admission, clock.now(), limitHeaders, flat402, onError);
    }
  };
  const media = mediaRoutes(services, options.corsOrigin ?? "*", onError, options.cardRenderer);
  const serveMedia = (request: ApiRequest) => media.answer(request, request.path.slice(ASSETS_PATH.length));
  const logged = async (request: ApiRequest, isMedia: boolean, log: LogLine): Promise<ApiResponse> => {
    const started = performance.now();
    // Asset requests carry no key: no admission to open.
    const admission = isMedia ? undefined : gate.open();
    const response = await (admission ? pipeline(request, admission) : serveMedia(request));
    const durationMs = performance.now() - started;
    log({
      method: request.method,
      path: request.path,
      status: response.status,
      durationMs,
      keyId: admission?.caller?.key.id,
    });
    return response;
  };
  // Not an async function: the pipeline's own promise is handed on, without one more to resolve it.
  const answer = (request: ApiRequest): Promise<ApiResponse> => {
    if (controlApi?.owns(request.path)) return controlApi.answer(request);
    const isMedia = request.path.startsWith(ASSETS_PATH);
    if (log) return logged(request, isMedia, log);
    return isMedia ? serveMedia(request) : pipeline(request);
  };

  return {
    answer,
    fetch: async (request, client) =>
      toFetch(await answer(fromFetch(request, client?.address)), request.method),
    fetchAsset: async (request, path) =>
      toFetch(await media.answer(fromFetch(request), path), request.method),
    malformedRequest: gate.malformed,
    control,
    demo,
    services,
    listeningOn: (names) => hosts.listeningOn(names),
    close: () => {
      services.scheduler.stop();
      if (restoring) clearInterval(restoring);
    },
  };
}
