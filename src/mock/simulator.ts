/**
 * The Masko simulator, wired: the control API (/__mock) and the asset media (/assets/…) first, then the Masko API's
 * request pipeline (http/api-pipeline.ts gives its stages). Served by the Node adapter (transport/node-server.ts)
 * from node:http records, or through fetch `Request`/`Response` objects (MSW, tests).
 */
import { type CreatedWorkspace, type Seed, SimulatorControl } from "./control/control.js";
import { createServices, type ServiceOptions } from "./create-services.js";
import { type ApiPipeline, createApiPipeline } from "./http/api-pipeline.js";
import { controlRoutes } from "./http/control-routes.js";
import { type ApiRequest, type ApiResponse, fromFetch, toFetch } from "./http/exchange.js";
import { createHostCheck } from "./http/host-check.js";
import { mediaRoutes } from "./http/media-routes.js";
import type { CardRenderer } from "./media/card-renderer.js";
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

/** Builds the simulator and seeds its demo workspace. */
export async function createSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  // Only these options outlive start-up (closures below must not keep `options`, whose seed may be large).
  const { onError, log } = options;
  const corsOrigin = options.corsOrigin ?? "*";
  const services = createServices(options);
  const control = new SimulatorControl(services, options.seed);
  const demo = options.keepState ? await control.seedIfEmpty() : await control.reset();
  const api = createApiPipeline(services, corsOrigin, onError);
  const media = mediaRoutes(services, corsOrigin, onError, options.cardRenderer);
  const serveMedia = (request: ApiRequest) => media.answer(request, request.path.slice(ASSETS_PATH.length));
  const hosts = createHostCheck(options.allowedHosts);
  const operationIds = services.validator.operations().map((op) => op.operationId);
  const controlApi =
    (options.control ?? true)
      ? controlRoutes(control, options.adminToken, operationIds, hosts, onError)
      : undefined;
  const restoring = services.store.shared ? restoreWhenLost(control) : undefined;
  const logged = log ? withRequestLog(api, serveMedia, log) : undefined;

  // Not an async function: the pipeline's own promise is handed on, without one more to resolve it.
  const answer = (request: ApiRequest): Promise<ApiResponse> => {
    if (controlApi?.owns(request.path)) return controlApi.answer(request);
    const isMedia = request.path.startsWith(ASSETS_PATH);
    if (logged) return logged(request, isMedia);
    return isMedia ? serveMedia(request) : api.answer(request);
  };

  return {
    answer,
    fetch: async (request, client) =>
      toFetch(await answer(fromFetch(request, client?.address)), request.method),
    fetchAsset: async (request, path) =>
      toFetch(await media.answer(fromFetch(request), path), request.method),
    malformedRequest: api.malformed,
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

/**
 * A shared store can lose its data under the simulator (FLUSHALL, a restart without persistence): the demo
 * workspace is seeded again within a second.
 */
function restoreWhenLost(control: SimulatorControl): ReturnType<typeof setInterval> {
  const timer = setInterval(() => void control.restoreIfLost().catch(() => {}), RESTORE_CHECK_MS);
  (timer as { unref?: () => void }).unref?.();
  return timer;
}

/** Answers as `api` and `serveMedia` do, and writes one log line per request (the key's id, never the key). */
function withRequestLog(
  api: ApiPipeline,
  serveMedia: (request: ApiRequest) => Promise<ApiResponse>,
  log: LogLine,
): (request: ApiRequest, isMedia: boolean) => Promise<ApiResponse> {
  return async (request, isMedia) => {
    const started = performance.now();
    // Asset requests carry no key: no admission to open.
    const admission = isMedia ? undefined : api.open();
    const response = await (admission ? api.answer(request, admission) : serveMedia(request));
    log({
      method: request.method,
      path: request.path,
      status: response.status,
      durationMs: performance.now() - started,
      keyId: admission?.caller?.key.id,
    });
    return response;
  };
}
