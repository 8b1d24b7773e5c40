/**
 * The default, embedded store. Node runs JavaScript on one thread, so each method's read-modify-write happens
 * with no `await` between the read and the write: that is what makes it atomic.
 */
import type { RateLimitWindow } from "../../policy/policies.js";
import { type FaultState, mergeFaults, NO_FAULTS } from "../faults.js";
import { cdnPath } from "../rules/cdn-path.js";
import { decideCharge } from "../rules/credit-cost.js";
import { RATE_LIMIT_RULES, type RateLimitAlgorithm, uncountedRateLimit } from "../rules/rate-limit.js";
import type {
  ApiKeyRecord,
  ResourceKind,
  ResourceRecords,
  ResourceWrite,
  UserRecord,
  WorkspaceRecord,
} from "./records.js";
import type { ChargeResult, DeliveryRecord, Store } from "./store.js";

type AnyRecord = ResourceRecords[ResourceKind];

/** New `counters` kept in `stored`, copied in place (an identity keeps one array), or as its first array. */
function kept(counters: number[], stored: number[] | undefined): number[] {
  if (!stored) return counters;
  // A sliding window's counters change length; fixed windows' never do.
  if (stored.length !== counters.length) stored.length = counters.length;
  for (let i = 0; i < counters.length; i++) stored[i] = counters[i] as number;
  return stored;
}

/**
 * A stored key and its rate-limit counters: [startMs, count] for each window in one array of doubles, updated in
 * place (count 0: not open) — about 80 bytes, and no new objects kept per request for the collector to promote.
 */
interface KeyEntry {
  readonly key: ApiKeyRecord;
  /** The workspace's key created before this one. */
  readonly previous: KeyEntry | undefined;
  limits: number[] | undefined;
  /**
   * The key's user and workspace, found when the key is inserted, or at its first use if they were stored after it
   * (records are updated in place, never replaced, until a reset).
   */
  user: UserRecord | undefined;
  workspace: WorkspaceRecord | undefined;
}

/** The unrevoked keys of the chain that starts at `newest`, newest first. */
function activeKeysOf(newest: KeyEntry | undefined): ApiKeyRecord[] {
  const keys: ApiKeyRecord[] = [];
  for (let entry = newest; entry; entry = entry.previous) if (!entry.key.revoked_at) keys.push(entry.key);
  return keys;
}

/** Creates an empty in-memory store. */
interface DeliveryEntry {
  record: DeliveryRecord;
  dueAtMs: number | null;
}

export function createMemoryStore(): Store {
  let workspaces = new Map<string, WorkspaceRecord>();
  let users = new Map<string, UserRecord>();
  // A key's entry holds its record and its rate-limit counters: no identity string or map entry of its own.
  let keysById = new Map<string, KeyEntry>();
  let keysByHash = new Map<string, KeyEntry>();
  // Each workspace's newest key; its entry links to the one before (a chain per workspace, newest first).
  let newestKey = new Map<string, KeyEntry>();
  // Rate-limit counters of client addresses (a key's are in its entry), in two generations each as long as the
  // longest window: an address not seen for two generations is forgotten (its windows have all ended).
  let limits = new Map<string, number[]>();
  let olderLimits = new Map<string, number[]>();
  let generationEndsMs = 0;
  const addressCounters = (address: string, windows: readonly RateLimitWindow[], nowMs: number) => {
    if (nowMs >= generationEndsMs) {
      const longestMs = Math.max(...windows.map((w) => w.windowSeconds * 1000));
      olderLimits = nowMs >= generationEndsMs + longestMs ? new Map() : limits;
      limits = new Map();
      generationEndsMs = nowMs + longestMs;
    }
    let known = limits.get(address);
    if (!known) {
      known = olderLimits.get(address);
      if (known) {
        olderLimits.delete(address);
        limits.set(address, known);
      }
    }
    return known;
  };
  let resources = new Map<ResourceKind, Map<string, AnyRecord>>();
  /** Asset ids by CDN path (rules/cdn-path.ts), kept with every asset write. */
  let assetPaths = new Map<string, string>();
  let unfinished = new Map<string, Set<string>>();
  let faults: FaultState = structuredClone(NO_FAULTS);
  let deliveries = new Map<string, DeliveryEntry>();
  /** The deliveries not yet final (what a claim looks through). */
  let pendingDeliveries = new Set<string>();

  const table = (kind: ResourceKind) => {
    let t = resources.get(kind);
    if (!t) {
      t = new Map();
      resources.set(kind, t);
    }
    return t;
  };
  const write = ({ kind, record }: ResourceWrite) => {
    table(kind).set(record.id, structuredClone(record));
    if (kind === "asset") {
      const path = cdnPath((record as ResourceRecords["asset"]).url);
      if (path) assetPaths.set(path, record.id);
    }
    if (kind === "job") {
      const set = unfinished.get(record.workspace_id) ?? new Set<string>();
      const status = (record as ResourceRecords["job"]).status;
      if (status === "completed" || status === "failed") set.delete(record.id);
      else set.add(record.id);
      unfinished.set(record.workspace_id, set);
    }
  };

  const credentialsOf = (entry: KeyEntry | undefined) => {
    const key = entry?.key;
    if (!key || key.revoked_at) return undefined;
    entry.user ??= users.get(key.user_id);
    entry.workspace ??= workspaces.get(key.workspace_id);
    const { user, workspace } = entry;
    if (!user || !workspace) return undefined;
    const openJobs = (unfinished.get(workspace.id)?.size ?? 0) > 0;
    // Returned as stored: the caller is read-only to every handler (typed Readonly in Services).
    return { key, user, workspace, openJobs, faults };
  };
  /** Decides a request against a key's counters, or a client address's, updating them when it is allowed. */
  const hitKeyLimit = (
    entry: KeyEntry,
    windows: readonly RateLimitWindow[],
    nowMs: number,
    algorithm: RateLimitAlgorithm,
  ) => {
    const decision = RATE_LIMIT_RULES[algorithm](entry.limits ?? [], windows, nowMs);
    if (decision.allowed) entry.limits = kept(decision.counters, entry.limits);
    return decision;
  };
  const hitAddressLimit = (
    address: string,
    windows: readonly RateLimitWindow[],
    nowMs: number,
    algorithm: RateLimitAlgorithm,
  ) => {
    if (address === "") return uncountedRateLimit(windows, nowMs);
    const known = addressCounters(address, windows, nowMs);
    const decision = RATE_LIMIT_RULES[algorithm](known ?? [], windows, nowMs);
    if (decision.allowed) limits.set(address, kept(decision.counters, known));
    return decision;
  };

  return {
    async reset() {
      workspaces = new Map();
      users = new Map();
      keysById = new Map();
      keysByHash = new Map();
      newestKey = new Map();
      limits = new Map();
      olderLimits = new Map();
      generationEndsMs = 0;
      resources = new Map();
      assetPaths = new Map();
      unfinished = new Map();
      faults = structuredClone(NO_FAULTS);
      deliveries = new Map();
      pendingDeliveries = new Set();
    },

    async dump() {
      const tables = Object.fromEntries([...resources].map(([kind, t]) => [kind, [...t.values()]]));
      return JSON.stringify({
        workspaces: [...workspaces.values()],
        users: [...users.values()],
        keys: [...keysById.values()].map((entry) => entry.key),
        limits: [
          ...[...keysById.values()].flatMap((e) => (e.limits ? [[`key:${e.key.id}`, e.limits]] : [])),
          ...limits,
          ...olderLimits,
        ],
        tables,
      });
    },
    async createWorkspace(workspace) {
      workspaces.set(workspace.id, { ...workspace });
    },
    async getWorkspace(id) {
      const w = workspaces.get(id);
      return w && { ...w };
    },
    async setBalance(workspaceId, balance) {
      const w = workspaces.get(workspaceId);
      if (!w) return false;
      w.balance = balance;
      return true;
    },
    async createUser(user) {
      users.set(user.id, { ...user });
    },

    async insertApiKey(key, maxActive) {
      const newest = newestKey.get(key.workspace_id);
      if (activeKeysOf(newest).length >= maxActive) return "limit_reached";
      // Every field set here, so they live inside the entry rather than in a property store allocated later
      // (elsewhere in memory: one more cache miss a request with many keys).
      const entry: KeyEntry = {
        key: { ...key },
        previous: newest,
        limits: undefined,
        user: users.get(key.user_id),
        workspace: workspaces.get(key.workspace_id),
      };
      keysById.set(key.id, entry);
      keysByHash.set(key.hash, entry);
      newestKey.set(key.workspace_id, entry);
      return "inserted";
    },
    async findCredentials(hash) {
      return credentialsOf(keysByHash.get(hash));
    },
    async getApiKey(id) {
      const k = keysById.get(id)?.key;
      return k && { ...k };
    },
    async listActiveApiKeys(workspaceId) {
      return activeKeysOf(newestKey.get(workspaceId)).map((k) => ({ ...k }));
    },
    async revokeApiKey(id, at) {
      const k = keysById.get(id)?.key;
      if (!k || k.revoked_at) return false;
      k.revoked_at = at;
      return true;
    },

    admit(hash, address, windows, nowMs, algorithm = "fixed") {
      const entry = hash === undefined ? undefined : keysByHash.get(hash);
      const credentials = credentialsOf(entry);
      const decision =
        entry && credentials
          ? hitKeyLimit(entry, windows, nowMs, algorithm)
          : hitAddressLimit(address, windows, nowMs, algorithm);
      return { credentials, decision };
    },
    async hitRateLimit(identity, windows, nowMs, algorithm = "fixed") {
      return hitAddressLimit(identity, windows, nowMs, algorithm);
    },

    async putResource(w, asRead) {
      if (asRead && JSON.stringify(table(w.kind).get(w.record.id)) !== JSON.stringify(asRead)) return false;
      write(w);
      return true;
    },
    async getResource<K extends ResourceKind>(kind: K, id: string) {
      const r = table(kind).get(id);
      return r && (structuredClone(r) as ResourceRecords[K]);
    },
    async findAssetByPath(path) {
      const id = assetPaths.get(path);
      const asset = id === undefined ? undefined : table("asset").get(id);
      return asset && (structuredClone(asset) as ResourceRecords["asset"]);
    },
    async deleteResource(kind, id) {
      const asset =
        kind === "asset" ? (table(kind).get(id) as ResourceRecords["asset"] | undefined) : undefined;
      const path = asset && cdnPath(asset.url);
      if (path) assetPaths.delete(path);
      table(kind).delete(id);
    },
    async listResources<K extends ResourceKind>(kind: K, workspaceId: string) {
      const out: ResourceRecords[K][] = [];
      for (const r of table(kind).values()) {
        if (r.workspace_id === workspaceId) out.push(structuredClone(r) as ResourceRecords[K]);
      }
      return out;
    },

    async chargeAndWrite(workspaceId, cost, records, basis = []): Promise<ChargeResult> {
      const w = workspaces.get(workspaceId);
      if (!w) return { ok: false, balance: 0 };
      const asRead = ({ kind, record }: ResourceWrite) =>
        JSON.stringify(table(kind).get(record.id)) === JSON.stringify(record);
      if (!basis.every(asRead)) return { ok: false, changed: true };
      const decision = decideCharge(w.balance, cost);
      if (!decision.ok) return decision;
      w.balance = decision.balance;
      for (const r of records) write(r);
      return decision;
    },
    async listUnfinishedJobs(workspaceId) {
      const ids = unfinished.get(workspaceId);
      if (!ids || ids.size === 0) return [];
      const jobs = table("job");
      return [...ids].map((id) => structuredClone(jobs.get(id)) as ResourceRecords["job"]);
    },
    async dueJobWorkspaces(nowMs) {
      const jobs = table("job");
      const due: string[] = [];
      for (const [workspaceId, ids] of unfinished) {
        for (const id of ids) {
          const job = jobs.get(id) as ResourceRecords["job"] | undefined;
          if (job && job.accepted_at_ms + job.done_after_ms <= nowMs) {
            due.push(workspaceId);
            break;
          }
        }
      }
      return due;
    },

    async readFaults() {
      return structuredClone(faults);
    },
    async writeFaults(change) {
      faults = mergeFaults(faults, change);
      return structuredClone(faults);
    },
    async clearFaults() {
      faults = structuredClone(NO_FAULTS);
    },
    async takeJobFailures(n) {
      const taken = Math.min(n, faults.failNextJobs);
      faults.failNextJobs -= taken;
      return taken;
    },
    async returnJobFailures(n) {
      faults.failNextJobs += n;
    },
    async takeOperationFailure(operationId) {
      const left = faults.failOperations[operationId] ?? 0;
      if (left <= 0) return false;
      faults.failOperations[operationId] = left - 1;
      return true;
    },

    async putDelivery(record, dueAtMs) {
      deliveries.set(record.id, { record: structuredClone(record), dueAtMs });
      if (dueAtMs === null) pendingDeliveries.delete(record.id);
      else pendingDeliveries.add(record.id);
    },
    async claimDueDeliveries(nowMs, leaseMs, max, perWebhook) {
      const due = [...pendingDeliveries]
        .map((id) => deliveries.get(id))
        .filter((e): e is DeliveryEntry => e !== undefined && e.dueAtMs !== null && e.dueAtMs <= nowMs);
      const taken = new Map(perWebhook?.inFlight);
      const claimed: DeliveryRecord[] = [];
      for (const entry of due.sort((a, b) => (a.dueAtMs as number) - (b.dueAtMs as number))) {
        if (claimed.length >= max) break;
        const hook = entry.record.webhook_id;
        if (perWebhook && (taken.get(hook) ?? 0) >= perWebhook.max) continue;
        taken.set(hook, (taken.get(hook) ?? 0) + 1);
        entry.dueAtMs = nowMs + leaseMs;
        claimed.push(structuredClone(entry.record));
      }
      return claimed;
    },
    async listDeliveries() {
      return [...deliveries.values()].map((e) => structuredClone(e.record));
    },

    async finishJob(job, assets, refund) {
      const current = table("job").get(job.id) as ResourceRecords["job"] | undefined;
      if (!current || current.status === "completed" || current.status === "failed") return false;
      write({ kind: "job", record: job });
      for (const a of assets) write({ kind: "asset", record: a });
      const w = workspaces.get(job.workspace_id);
      if (w && refund > 0) w.balance += refund;
      return true;
    },
  };
}
