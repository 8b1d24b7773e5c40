/**
 * One Masko inside the simulator: its services (store, clock, scheduler, webhooks), its control functions, its
 * API pipeline and its asset media. The default sandbox is one tenant; every sandbox is another, over its own
 * store (fleet.ts).
 */
import { type CreatedWorkspace, type DemoKey, type Seed, SimulatorControl } from "../control/control.js";
import { createServices, type ServiceOptions } from "../create-services.js";
import { type ApiPipeline, createApiPipeline } from "../http/api-pipeline.js";
import type { ApiRequest, ApiResponse } from "../http/exchange.js";
import { mediaRoutes } from "../http/media-routes.js";
import type { CardRenderer } from "../media/card-renderer.js";
import type { Services } from "../services.js";

/** What a tenant is built with (besides its services' options). */
export interface TenantOptions {
  corsOrigin: string;
  onError: ((error: unknown) => void) | undefined;
  cardRenderer: CardRenderer | undefined;
  seed?: Seed | undefined;
  demoKey?: DemoKey;
}

/** A running tenant. */
export interface Tenant {
  readonly services: Services;
  readonly control: SimulatorControl;
  readonly api: ApiPipeline;
  /** Answers a request for an asset's media by its CDN path. */
  media(request: ApiRequest, path: string): Promise<ApiResponse>;
  /** Stops its timers (its store stays as it is). */
  close(): void;
}

/** Builds a tenant over `serviceOptions` (the store among them); nothing is seeded. */
export function createTenant(serviceOptions: ServiceOptions, options: TenantOptions): Tenant {
  const services = createServices(serviceOptions);
  const control = new SimulatorControl(services, options.seed, options.demoKey);
  const api = createApiPipeline(services, options.corsOrigin, options.onError);
  const media = mediaRoutes(services, options.corsOrigin, options.onError, options.cardRenderer);
  return {
    services,
    control,
    api,
    media: (request, path) => media.answer(request, path),
    close: () => services.scheduler.stop(),
  };
}

/** Seeds a new tenant: reset (a fresh store), or what a shared store already holds (`keepState`). */
export function seedTenant(tenant: Tenant, keepState: boolean | undefined): Promise<CreatedWorkspace> {
  return keepState ? tenant.control.seedIfEmpty() : tenant.control.reset();
}
