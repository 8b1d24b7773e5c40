/**
 * The simulator's state, as six narrow parts (admission, accounts and keys, resources, jobs and credits, faults and
 * clock, deliveries) and their sum, `Store`. Every check a rule makes on state it then changes (rate-limit
 * check-and-count, key cap, credit charge, job settlement and refund, collection changes) is one call, so an
 * implementation keeps it atomic: one synchronous step in memory (store/memory/), one Lua script in Redis
 * (store/redis/). tests/store/ holds both to the same contract.
 */
import type { RateLimitWindow } from "../../policy/policies.js";
import type { SimulatorClock } from "../primitives/clock.js";
import type { Eventually } from "../primitives/eventually.js";
import type { FaultState } from "../rules/faults.js";
import type { RateLimitAlgorithm, RateLimitDecision } from "../rules/rate-limit.js";
import type {
  ApiKeyRecord,
  ResourceKind,
  ResourceRecords,
  ResourceWrite,
  UserRecord,
  WorkspaceRecord,
} from "./records.js";

/** A webhook delivery as stored: what the control API lists, plus the signed body to send. */
export interface DeliveryRecord {
  id: string;
  webhook_id: string;
  url: string;
  event: "job.completed" | "job.failed";
  job_id: string;
  state: "pending" | "delivered" | "failed";
  attempts: Array<{ at: string; status: number | null; error: string | null }>;
  body: string;
  signature: string;
}

/** How many deliveries of one webhook may be under way: `max`, of which `inFlight` (by webhook id) already are. */
export interface WebhookClaimBound {
  max: number;
  inFlight: ReadonlyMap<string, number>;
}

/** An active key with its user and workspace, whether the workspace has unfinished jobs, and the faults. */
export interface Credentials {
  key: ApiKeyRecord;
  user: UserRecord;
  workspace: WorkspaceRecord;
  openJobs: boolean;
  /** The faults in force, read in the same step (the request's view of them). */
  faults: FaultState;
}

/** The gate's one store step: the caller's credentials (none without an active key) and the limiter's decision. */
export interface Admitted {
  credentials: Credentials | undefined;
  decision: RateLimitDecision;
}

/**
 * Result of an atomic charge: the balance after it (or, when refused, the unchanged balance), or `changed` when a
 * record the charge was planned from is no longer as it was read (nothing charged, nothing written).
 */
export type ChargeResult =
  | { ok: true; balance: number }
  | { ok: false; balance: number }
  | { ok: false; changed: true };

/** Who calls and whether the limiter admits them: the hot path of every request. */
export interface AdmissionStore {
  /**
   * The active key with this hash plus its user and workspace, and whether the workspace has unfinished jobs,
   * in one read (the hot path of every request).
   */
  findCredentials(hash: string): Promise<Credentials | undefined>;
  /**
   * The hot path of every request in one step: the credentials of `hash` (when given and active), then the
   * rate-limit rule applied to that key's windows, or to `address`'s when there is no valid key (`""`: such calls
   * are not limited, nothing is counted). The embedded store answers at once (no promise to wait for), a networked
   * one with a promise. `algorithm` defaults to fixed windows; a store that cannot apply another refuses it when the
   * services are created.
   */
  admit(
    hash: string | undefined,
    address: string,
    windows: readonly RateLimitWindow[],
    nowMs: number,
    algorithm?: RateLimitAlgorithm,
  ): Eventually<Admitted>;
  /** Applies the rate-limit rule to one identity's counters atomically and stores the result. */
  hitRateLimit(
    identity: string,
    windows: readonly RateLimitWindow[],
    nowMs: number,
    algorithm?: RateLimitAlgorithm,
  ): Promise<RateLimitDecision>;
}

/** Workspaces, their users and their API keys. */
export interface AccountStore {
  createWorkspace(workspace: WorkspaceRecord): Promise<void>;
  getWorkspace(id: string): Promise<WorkspaceRecord | undefined>;
  /** Sets a balance; false when the workspace does not exist. */
  setBalance(workspaceId: string, balance: number): Promise<boolean>;
  createUser(user: UserRecord): Promise<void>;

  /** Inserts a key unless the workspace already has `maxActive` active keys; atomic. */
  insertApiKey(key: ApiKeyRecord, maxActive: number): Promise<"inserted" | "limit_reached">;
  getApiKey(id: string): Promise<ApiKeyRecord | undefined>;
  /** Active keys of a workspace, newest first. */
  listActiveApiKeys(workspaceId: string): Promise<ApiKeyRecord[]>;
  /** Marks a key revoked; false when it was not active. */
  revokeApiKey(id: string, at: string): Promise<boolean>;
}

/** The API's resource records. */
export interface ResourceStore {
  /**
   * Writes one record; with `asRead` (the same record as it was read), only while it is still stored exactly so,
   * in one atomic step: false, and nothing written, when another write came first.
   */
  putResource(write: ResourceWrite, asRead?: ResourceWrite["record"]): Promise<boolean>;
  getResource<K extends ResourceKind>(kind: K, id: string): Promise<ResourceRecords[K] | undefined>;
  deleteResource(kind: ResourceKind, id: string): Promise<void>;
  /** The asset served at a CDN path (`{user_prefix}/{collection_slug}/{file}`; see rules/cdn-path.ts). */
  findAssetByPath(path: string): Promise<ResourceRecords["asset"] | undefined>;
  /** A workspace's resources of one kind, oldest first. */
  listResources<K extends ResourceKind>(kind: K, workspaceId: string): Promise<ResourceRecords[K][]>;
}

/** Credits and jobs: the charge with what it pays for, settlement and refund. */
export interface JobStore {
  /**
   * Charges `cost` and writes `records` in one atomic step, or does nothing when the balance is short or when a
   * record of `basis` (what the charge was planned from, as it was read) is no longer stored exactly so.
   */
  chargeAndWrite(
    workspaceId: string,
    cost: number,
    records: ResourceWrite[],
    basis?: readonly ResourceWrite[],
  ): Promise<ChargeResult>;
  /** Jobs of a workspace not yet completed or failed. */
  listUnfinishedJobs(workspaceId: string): Promise<ResourceRecords["job"][]>;
  /**
   * Moves a job to its final state, writes the given asset updates and, for a failed job, refunds its cost —
   * all at most once per job; false when the job was already final.
   */
  finishJob(
    job: ResourceRecords["job"],
    assets: ResourceRecords["asset"][],
    refund: number,
  ): Promise<boolean>;
  /** Workspaces with an unfinished job due by `nowMs` (a shared store reads the shared clock itself). */
  dueJobWorkspaces(nowMs: number): Promise<string[]>;
}

/** Injected faults (the control API's). */
export interface FaultStore {
  /** The faults in force. */
  readFaults(): Promise<FaultState>;
  /** Replaces the fields given (operations are merged) and returns the faults in force. */
  writeFaults(change: Partial<FaultState>): Promise<FaultState>;
  /** Removes every fault. */
  clearFaults(): Promise<void>;
  /** Takes up to `n` of the queued job failures, atomically; returns how many it took. */
  takeJobFailures(n: number): Promise<number>;
  /** Gives back job failures taken for work that was then refused. */
  returnJobFailures(n: number): Promise<void>;
  /** Uses one injected failure of `operationId`, atomically; false when none is left. */
  takeOperationFailure(operationId: string): Promise<boolean>;
}

/** Webhook deliveries. */
export interface DeliveryStore {
  /** Stores a delivery; `dueAtMs` (real time) schedules its next attempt, null makes it final. */
  putDelivery(delivery: DeliveryRecord, dueAtMs: number | null): Promise<void>;
  /**
   * Claims up to `max` deliveries due by `nowMs`, oldest due first, for `leaseMs`: no other instance gets them until
   * the lease ends (after which they are due again, so a delivery survives the death of the instance that claimed
   * it). With `perWebhook`, a webhook's deliveries are passed over once it has `perWebhook.max` under way (counting
   * `perWebhook.inFlight` and this claim).
   */
  claimDueDeliveries(
    nowMs: number,
    leaseMs: number,
    max: number,
    perWebhook?: WebhookClaimBound,
  ): Promise<DeliveryRecord[]>;
  /** Every delivery, oldest first. */
  listDeliveries(): Promise<DeliveryRecord[]>;
}

/** The store's life: sharing, the shared clock, reset and dump. */
export interface StoreLifecycle {
  /** A store shared by several instances brings the clock they share (the simulator uses it when present). */
  readonly clock?: SimulatorClock;
  /** Whether other simulator instances may share this store (then each one polls it for due work). */
  readonly shared?: boolean;
  /** Releases connections. */
  close?(): Promise<void>;
  /** Drops every record and counter. */
  reset(): Promise<void>;
  /** Whether any job or delivery is still to be finished (a shared store: the fleet's due-work shards ask). */
  pendingWork?(): Promise<boolean>;
  /** Every stored value as text, for tests that prove no raw key is kept anywhere. */
  dump(): Promise<string>;
}

/** The simulator's storage: the sum of its parts (store/memory/… and store/redis/… implement each). */
export interface Store
  extends StoreLifecycle,
    AdmissionStore,
    AccountStore,
    ResourceStore,
    JobStore,
    FaultStore,
    DeliveryStore {}
