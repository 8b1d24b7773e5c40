/** What every handler may use: state, policies, time, the spec validator and the fault switchboard. */
import type { SpecValidator } from "../contract/spec-validator.js";
import type { operations } from "../generated/masko-api.js";
import type { MaskoPolicies } from "../policy/policies.js";
import type { Behaviour } from "./behaviour.js";
import type { AssetsBase } from "./primitives/assets-base.js";
import type { SimulatorClock } from "./primitives/clock.js";
import type { Eventually } from "./primitives/eventually.js";
import type { Scheduler } from "./primitives/scheduler.js";
import type { FaultState } from "./rules/faults.js";
import type { ApiKeyRecord, UserRecord, WorkspaceRecord } from "./store/records.js";
import type { Store } from "./store/store.js";
import type { WebhookDeliveries } from "./webhooks/webhook-delivery.js";

/** Shared dependencies of the simulator's handlers. */
export interface Services {
  readonly store: Store;
  readonly policies: MaskoPolicies;
  /** The behaviour settings in force (src/mock/behaviour.ts). */
  readonly behaviour: Behaviour;
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
  /** Where asset URLs point. */
  readonly assets: AssetsBase;
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

/** Operations the API performs on its users' servers (webhooks it sends): the simulator sends, never serves them. */
type SentOperationId = "receiveJobEvent";

/** The operations the simulator serves, by operationId. */
export type OperationId = Exclude<keyof operations, SentOperationId>;

/** An operation's `path` or `query` parameters as the generated types declare them (`{}` when it has none). */
type ParamsOf<K extends OperationId, In extends "path" | "query"> = [
  NonNullable<operations[K]["parameters"][In]>,
] extends [never]
  ? Record<string, never>
  : NonNullable<operations[K]["parameters"][In]>;

type ContentOf<K extends OperationId> = operations[K] extends { requestBody?: { content: infer C } }
  ? C
  : never;

/**
 * An operation's request body: the generated type of each media type it accepts (a multipart form arrives as its
 * `file`), `undefined` when it has none or when the body is optional.
 */
type BodyOf<K extends OperationId> =
  | ([ContentOf<K>] extends [never]
      ? undefined
      : {
          [M in keyof ContentOf<K>]: M extends "multipart/form-data" ? File : ContentOf<K>[M];
        }[keyof ContentOf<K>])
  | (operations[K] extends { requestBody: unknown } ? never : undefined);

/** The input of operation `K`, validated against the spec, typed by the generated `operations`. */
export interface OperationInput<K extends OperationId = OperationId> {
  readonly caller: Caller;
  readonly path: ParamsOf<K, "path">;
  readonly query: ParamsOf<K, "query">;
  readonly body: BodyOf<K>;
  readonly services: Services;
  /** The request's abort signal, created on first use (it is costly on the hot path). */
  readonly signal: () => AbortSignal;
}

/** What a handler answers: a status and an optional JSON body. */
export interface OperationResult {
  readonly status: number;
  readonly body?: unknown;
}

/** The handler of operation `K`: it answers at once when it has all it needs, or with a promise. */
export type OperationHandler<K extends OperationId> = (
  input: OperationInput<K>,
) => Eventually<OperationResult>;

/** One handler for every operation of the spec: a missing one does not compile. */
export type OperationHandlers = { readonly [K in OperationId]: OperationHandler<K> };

let lastMs = Number.NaN;
let lastIso = "";

/** ISO-8601 string of simulated time (one string per instant: seeding 100,000 keys in one millisecond shares it). */
export function isoNow(services: Services): string {
  const now = services.clock.now();
  if (now !== lastMs) {
    lastMs = now;
    lastIso = new Date(now).toISOString();
  }
  return lastIso;
}

/** Default id factory. */
export { randomId as uuid } from "./primitives/platform.js";
