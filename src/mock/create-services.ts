/**
 * The simulator's services: the store, the policies (rate limits scaled when asked), the clock, the spec
 * validator, and the scheduler that runs due work — jobs to finish (any instance may; the store makes each finish
 * happen once) and webhooks to deliver.
 */
import { specValidator } from "../contract/bundled-spec.js";
import { type MaskoPolicies, policies as specPolicies } from "../policy/policies.js";
import { type BehaviourInput, resolveBehaviour } from "./behaviour.js";
import { settleDueJobs } from "./jobs/job-settlement.js";
import { AssetsBase } from "./primitives/assets-base.js";
import { createClock, type SimulatorClock } from "./primitives/clock.js";
import { Scheduler } from "./primitives/scheduler.js";
import { type Services, uuid } from "./services.js";
import { createMemoryStore } from "./store/memory/index.js";
import type { Store } from "./store/store.js";
import {
  DEFAULT_DELIVERY_POLICY,
  type DeliveryPolicy,
  WebhookDeliveries,
} from "./webhooks/webhook-delivery.js";

/** What the services are built from (each has a default). */
export interface ServiceOptions {
  store?: Store;
  clock?: SimulatorClock;
  policies?: MaskoPolicies;
  /** Multiplies every rate-limit window's limit (benchmarks raise limits this way). */
  rateLimitScale?: number;
  /** Longest a `wait=true` request is held, in real milliseconds (default 30 000). */
  longPollMaxMs?: number;
  /** Webhook retry policy (default: 4 attempts, 0.5 s doubling). */
  webhookDelivery?: DeliveryPolicy;
  /** How often an instance on a shared store looks for due work another instance left (default 250 ms; 0: never). */
  pollMs?: number;
  /** Base of the asset URLs handed out (default: the server's own `/assets` once listening, else the real CDN). */
  assetsBaseUrl?: string;
  /** Where asset URLs point, when the caller holds it (a sandbox's, below the fleet's); else from assetsBaseUrl. */
  assets?: AssetsBase;
  /** Behaviour settings (src/mock/behaviour.ts): the Inferred decisions, each a switch; defaults the register's. */
  behaviour?: BehaviourInput;
}

export function createServices(options: ServiceOptions): Services {
  const base = options.policies ?? specPolicies;
  const scale = options.rateLimitScale ?? 1;
  const behaviour = resolveBehaviour(options.behaviour);
  const policies: MaskoPolicies = {
    ...base,
    rateLimits: { windows: base.rateLimits.windows.map((w) => ({ ...w, limit: w.limit * scale })) },
    creditCost: {
      ...base.creditCost,
      logo: Number(behaviour["logo-cost"]),
      preview: Number(behaviour["preview-cost"]),
    },
  };
  const store = options.store ?? createMemoryStore();
  if (store.shared && behaviour["rate-limit-window"] === "sliding") {
    throw new Error(
      "behaviour rate-limit-window=sliding is available on the memory store only (the Redis store's limiter is fixed-window)",
    );
  }
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
    behaviour,
    clock: options.clock ?? store.clock ?? createClock(),
    validator: specValidator(),
    longPollMaxMs: options.longPollMaxMs ?? policies.requestLimits.longPollMaxSeconds * 1000,
    newId: uuid,
    webhooks: new WebhookDeliveries(store, options.webhookDelivery ?? DEFAULT_DELIVERY_POLICY, (delayMs) =>
      scheduler.soon(delayMs),
    ),
    scheduler,
    assets: options.assets ?? new AssetsBase(options.assetsBaseUrl),
  };
  return services;
}
