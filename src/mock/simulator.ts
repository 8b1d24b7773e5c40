/**
 * The Masko simulator, wired: the control API (/__mock) and the asset media (/assets/…) first, then the Masko API's
 * request pipeline (http/api-pipeline.ts gives its stages). Served by the Node adapter (transport/node-server.ts)
 * from node:http records, or through fetch `Request`/`Response` objects (MSW, tests).
 */
import type { CreatedWorkspace, Seed, SimulatorControl } from "./control/control.js";
import type { ServiceOptions } from "./create-services.js";
import { DEFAULT_MAX_SANDBOXES, Fleet } from "./fleet/fleet.js";
import { tenantRouter } from "./fleet/routing.js";
import { sandboxRoutes } from "./fleet/sandbox-routes.js";
import { createTenant, seedTenant, type Tenant, type TenantOptions } from "./fleet/tenant.js";
import { controlRoutes } from "./http/control-routes.js";
import { type ApiRequest, type ApiResponse, fromFetch, toFetch } from "./http/exchange.js";
import type { Admission } from "./http/gate.js";
import { createHostCheck } from "./http/host-check.js";
import { defaultCardRenderer } from "./http/media-routes.js";
import type { CardRenderer } from "./media/card-renderer.js";
import { AssetsBase } from "./primitives/assets-base.js";
import type { Services } from "./services.js";
import type { FleetStore } from "./store/fleet-store.js";
import { createMemoryFleet } from "./store/memory/fleet.js";

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
  /** The sandboxes' state (default: in memory, this instance's own; a Redis fleet shares them). */
  fleet?: FleetStore;
  /** The most sandboxes at once (default 10,000). */
  maxSandboxes?: number;
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
  /** The sandboxes. */
  readonly fleet: Fleet;
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
  const cardRenderer = options.cardRenderer ?? defaultCardRenderer();
  const tenantOptions = { corsOrigin, onError, cardRenderer };
  const { seed, ...serviceOptions } = options;
  const main = createTenant(serviceOptions, { ...tenantOptions, seed });
  const { services, control } = main;
  const demo = await seedTenant(main, options.keepState);
  const fleet = sandboxFleet(options, serviceOptions, main, tenantOptions);
  const hosts = createHostCheck(options.allowedHosts);
  const operationIds = services.validator.operations().map((op) => op.operationId);
  const controlApi =
    (options.control ?? true)
      ? controlRoutes(
          control,
          options.adminToken,
          operationIds,
          hosts,
          onError,
          sandboxRoutes(fleet, options.adminToken),
        )
      : undefined;
  const restoring = services.store.shared ? restoreWhenLost(control) : undefined;
  const route = tenantRouter(main, fleet);
  const serve = (request: ApiRequest, tenant: Tenant, isMedia: boolean, admission?: Admission) =>
    isMedia
      ? route.media(request, request.path.slice(ASSETS_PATH.length))
      : tenant.api.answer(request, admission);
  const logged = log ? withRequestLog(serve, log) : undefined;

  // Not an async function: the pipeline's own promise is handed on, without one more to resolve it.
  const answer = (request: ApiRequest): Promise<ApiResponse> => {
    if (controlApi?.owns(request.path)) return controlApi.answer(request);
    const isMedia = request.path.startsWith(ASSETS_PATH);
    const tenant = isMedia ? main : route.apiTenant(request);
    const run = (t: Tenant) => (logged ? logged(request, t, isMedia) : serve(request, t, isMedia));
    // Finding the sandbox can fail (the shared store away): answered in the envelope (503), never a dropped socket.
    return tenant instanceof Promise ? tenant.then(run, main.api.refuse) : run(tenant);
  };

  return {
    answer,
    fetch: async (request, client) =>
      toFetch(await answer(fromFetch(request, client?.address)), request.method),
    fetchAsset: async (request, path) => toFetch(await route.media(fromFetch(request), path), request.method),
    malformedRequest: main.api.malformed,
    control,
    demo,
    services,
    fleet,
    listeningOn: (names) => hosts.listeningOn(names),
    close: () => {
      main.close();
      fleet.stop();
      if (restoring) clearInterval(restoring);
    },
  };
}

/** The simulator's sandboxes: each a tenant over its own store, its assets below the default's base. */
function sandboxFleet(
  options: SimulatorOptions,
  serviceOptions: ServiceOptions,
  main: Tenant,
  tenantOptions: Omit<TenantOptions, "demoKey" | "seed">,
): Fleet {
  // A sandbox has its own store and clock and no seed file (its keys would be another sandbox's too).
  const shared: ServiceOptions = {
    ...serviceOptions,
    store: undefined,
    clock: undefined,
    assetsBaseUrl: undefined,
  };
  return new Fleet({
    store: options.fleet ?? createMemoryFleet(),
    keyPolicy: main.services.policies.keyPolicy,
    maxSandboxes: options.maxSandboxes ?? DEFAULT_MAX_SANDBOXES,
    tenant: (id, store, demoKey) =>
      createTenant(
        { ...shared, store, assets: AssetsBase.within(main.services.assets, `~${id}`) },
        { ...tenantOptions, demoKey },
      ),
  });
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

/** Answers as `serve` does, and writes one log line per request (the key's id, never the key). */
function withRequestLog(
  serve: (
    request: ApiRequest,
    tenant: Tenant,
    isMedia: boolean,
    admission?: Admission,
  ) => Promise<ApiResponse>,
  log: LogLine,
): (request: ApiRequest, tenant: Tenant, isMedia: boolean) => Promise<ApiResponse> {
  return async (request, tenant, isMedia) => {
    const started = performance.now();
    // Asset requests carry no key: no admission to open.
    const admission = isMedia ? undefined : tenant.api.open();
    const response = await serve(request, tenant, isMedia, admission);
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
