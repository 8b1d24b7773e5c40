/** What every handler may use: state, policies, time, the spec validator and the fault switchboard. */
import type { SpecValidator } from "../contract/spec-validator.js";
import type { MaskoPolicies } from "../policy/policies.js";
import type { SimulatorClock } from "./clock.js";
import type { FaultState } from "./faults.js";
import type { Scheduler } from "./scheduler.js";
import type { ApiKeyRecord, UserRecord, WorkspaceRecord } from "./store/records.js";
import type { Store } from "./store/store.js";
import type { WebhookDeliveries } from "./webhook-delivery.js";

/** Shared dependencies of the simulator's handlers. */
export interface Services {
  readonly store: Store;
  readonly policies: MaskoPolicies;
  readonly clock: SimulatorClock;
  readonly validator: SpecValidator;
  /** Longest a `wait=true` request is held, in real milliseconds. */
  readonly longPollMaxMs: number;
  /** A new resource id. */
  readonly newId: () => string;
  /** Webhook deliveries (sent and recorded). */
  readonly webhooks: WebhookDeliveries;
  /** Runs due work (finishing jobs, delivering webhooks) on time without anybody polling. */
  readonly scheduler: Scheduler;
}

/** The authenticated caller of a request. */
export interface Caller {
  readonly key: Readonly<ApiKeyRecord>;
  readonly user: Readonly<UserRecord>;
  readonly workspace: Readonly<WorkspaceRecord>;
  /** Whether the workspace had unfinished jobs when the request arrived. */
  readonly openJobs: boolean;
  /** The faults in force when the request arrived. */
  readonly faults: FaultState;
}

/** The input of one operation, validated against the spec. */
export interface OperationInput<Body = unknown> {
  readonly caller: Caller;
  readonly path: Record<string, string>;
  readonly query: Record<string, unknown>;
  readonly body: Body;
  readonly services: Services;
  /** The request's abort signal, created on first use (it is costly on the hot path). */
  readonly signal: () => AbortSignal;
}

/** What a handler answers: a status and an optional JSON body. */
export interface OperationResult {
  readonly status: number;
  readonly body?: unknown;
}

/** A handler of one spec operation. */
export type OperationHandler = (input: OperationInput<never>) => Promise<OperationResult>;

/** ISO-8601 string of simulated time. */
export function isoNow(services: Services): string {
  return new Date(services.clock.now()).toISOString();
}

/** Default id factory. */
export { randomId as uuid } from "./platform.js";
