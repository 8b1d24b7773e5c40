/**
 * A Store on Redis, for several simulator instances sharing state. Every rule-bearing read-modify-write is one Lua
 * script (redis-scripts.ts); time for rate-limit windows is Redis TIME plus a shared clock offset; one identity's
 * windows are one hash (one key, one cluster slot) expiring by TTL set in the same script. Admission (who calls,
 * and the limiter) is batched per event-loop turn: redis-admission.ts.
 * When Redis is unreachable every call rejects with StoreUnavailableError (the simulator answers 503).
 */
import { Redis } from "ioredis";
import type { RateLimitWindow } from "../../policy/policies.js";
import type { SimulatorClock } from "../clock.js";
import { cdnPath } from "../rules/cdn-path.js";
import type {
  ApiKeyRecord,
  ResourceKind,
  ResourceRecords,
  ResourceWrite,
  UserRecord,
  WorkspaceRecord,
} from "./records.js";
import { createRedisAdmission, decisionFrom, faultsFromFields, limiterArgs } from "./redis-admission.js";
import * as scripts from "./redis-scripts.js";
import type { ChargeResult, Credentials, DeliveryRecord, Store } from "./store.js";

import { StoreUnavailableError } from "./store-unavailable-error.js";

type Commands = Redis & {
  rateLimit(numKeys: number, ...args: (string | number)[]): Promise<Array<number | string>>;
  insertKey(...args: (string | number)[]): Promise<number>;
  revokeKey(...args: (string | number)[]): Promise<number>;
  chargeAndWrite(...args: (string | number)[]): Promise<[number, number]>;
  putResource(...args: (string | number)[]): Promise<number>;
  finishJob(...args: (string | number)[]): Promise<number>;
  findCredentials(...args: (string | number)[]): Promise<Array<string | number> | null>;
  dueJobs(...args: (string | number)[]): Promise<[number, ...string[]]>;
  admit(...args: (string | number)[]): Promise<string>;
  takeCount(...args: (string | number)[]): Promise<number>;
  claimDeliveries(...args: (string | number)[]): Promise<string[]>;
};

/**
 * The credentials in FIND_CREDENTIALS' answer { "keyJson,userJson", type, balance, openJobs, nFaultValues,
 * pairs... }.
 */
function credentialsFrom(out: ReadonlyArray<string | number>): Credentials {
  const [key, user] = JSON.parse(`[${out[0]}]`) as [ApiKeyRecord, UserRecord];
  const pairs: [string, number][] = [];
  for (let i = 5; i + 1 < 5 + Number(out[4]); i += 2) pairs.push([String(out[i]), Number(out[i + 1])]);
  return {
    key,
    user,
    workspace: {
      id: key.workspace_id,
      type: String(out[1]) as WorkspaceRecord["type"],
      balance: Number(out[2]),
    },
    openJobs: Number(out[3]) > 0,
    faults: faultsFromFields(pairs),
  };
}

const isOpenJob = (w: ResourceWrite) =>
  w.kind === "job" && w.record.status !== "completed" && w.record.status !== "failed";
/** When an unfinished job is due (simulated ms), or empty for any other record. */
const dueOf = (w: ResourceWrite) =>
  w.kind === "job" && isOpenJob(w) ? String(w.record.accepted_at_ms + w.record.done_after_ms) : "";
/** An asset's CDN path (how the asset route finds it), or empty for any other record. */
const pathOf = (w: ResourceWrite) => (w.kind === "asset" ? (cdnPath(w.record.url) ?? "") : "");

/** Options of the Redis store. */
export interface RedisStoreOptions {
  /** Prefix of every key (several simulators on one Redis). */
  prefix?: string;
  /** Deadline of every store call, in ms (default 1000): past it the request answers 503, never hangs. */
  timeoutMs?: number;
}

/** Creates a Redis-backed store and the clock it shares with the other instances. */
export function createRedisStore(
  url: string,
  options: RedisStoreOptions = {},
): Store & {
  clock: SimulatorClock;
  close(): Promise<void>;
} {
  const P = options.prefix ?? "masko:";
  const timeoutMs = options.timeoutMs ?? 1000;
  const redis = new Redis(url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: timeoutMs,
    // A frozen server (SIGSTOP, a stuck network) answers nothing: each command gives up after the deadline.
    commandTimeout: timeoutMs,
    retryStrategy: () => 200,
    lazyConnect: false,
  }) as Commands;
  redis.on("error", () => {}); // surfaced per call as StoreUnavailableError
  redis.defineCommand("rateLimit", { lua: scripts.RATE_LIMIT });
  redis.defineCommand("insertKey", { numberOfKeys: 8, lua: scripts.INSERT_KEY });
  redis.defineCommand("revokeKey", { numberOfKeys: 4, lua: scripts.REVOKE_KEY });
  redis.defineCommand("chargeAndWrite", { numberOfKeys: 2, lua: scripts.CHARGE_AND_WRITE });
  redis.defineCommand("putResource", { numberOfKeys: 6, lua: scripts.PUT_RESOURCE });
  redis.defineCommand("finishJob", { numberOfKeys: 3, lua: scripts.FINISH_JOB });
  redis.defineCommand("findCredentials", { numberOfKeys: 0, lua: scripts.FIND_CREDENTIALS });
  redis.defineCommand("dueJobs", { numberOfKeys: 2, lua: scripts.DUE_JOBS });
  redis.defineCommand("admit", { numberOfKeys: 0, lua: scripts.ADMIT });
  redis.defineCommand("takeCount", { numberOfKeys: 1, lua: scripts.TAKE_COUNT });
  redis.defineCommand("claimDeliveries", { numberOfKeys: 1, lua: scripts.CLAIM_DELIVERIES });

  // Commands fail fast while Redis is away (no offline queue); a call waits at most `timeoutMs` for the connection.
  const connected = () =>
    redis.status === "ready"
      ? Promise.resolve()
      : new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => {
            redis.off("ready", onReady);
            reject(new Error(`not connected (${redis.status})`));
          }, timeoutMs);
          const onReady = () => {
            clearTimeout(timer);
            resolve();
          };
          redis.once("ready", onReady);
        });
  const guard = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      await connected();
      return await work();
    } catch (error) {
      throw new StoreUnavailableError(`Redis store unavailable: ${(error as Error).message}`);
    }
  };
  const OFFSET = `${P}clock:offset`;
  let offsetMs = 0;
  const clock: SimulatorClock = {
    now: () => Date.now() + offsetMs,
    async advance(seconds) {
      offsetMs = await guard(() => redis.incrby(OFFSET, seconds * 1000));
    },
    async reset() {
      await guard(() => redis.del(OFFSET));
      offsetMs = 0;
    },
  };
  const admission = createRedisAdmission({
    prefix: P,
    run: (args) => guard(() => redis.admit(...args)),
    onClock: (offset) => {
      offsetMs = offset;
    },
  });
  const resKey = (kind: ResourceKind, id: string) => `${P}res:${kind}:${id}`;
  const parse = <T>(raw: string | null): T | undefined => (raw === null ? undefined : (JSON.parse(raw) as T));

  const FAULTS = `${P}faults`;
  const DELIVERIES_DUE = `${P}deliveries:due`;
  const DELIVERIES_ALL = `${P}deliveries:all`;
  const readFaults = () =>
    guard(async () =>
      faultsFromFields(Object.entries(await redis.hgetall(FAULTS)).map(([f, v]) => [f, Number(v)])),
    );

  return {
    clock,
    shared: true,
    close: async () => {
      redis.disconnect();
    },

    reset: () =>
      guard(async () => {
        let cursor = "0";
        do {
          const [next, keys] = await redis.scan(cursor, "MATCH", `${P}*`, "COUNT", 1000);
          cursor = next;
          if (keys.length > 0) await redis.unlink(...keys);
        } while (cursor !== "0");
        offsetMs = 0;
        admission.forget();
      }),

    dump: () =>
      guard(async () => {
        const out: string[] = [];
        let cursor = "0";
        do {
          const [next, keys] = await redis.scan(cursor, "MATCH", `${P}*`, "COUNT", 1000);
          cursor = next;
          for (const key of keys) {
            const type = await redis.type(key);
            const value =
              type === "string"
                ? await redis.get(key)
                : type === "hash"
                  ? JSON.stringify(await redis.hgetall(key))
                  : type === "set"
                    ? JSON.stringify(await redis.smembers(key))
                    : type === "zset"
                      ? JSON.stringify(await redis.zrange(key, "0", "-1"))
                      : "";
            out.push(`${key}=${value}`);
          }
        } while (cursor !== "0");
        return out.join("\n");
      }),

    createWorkspace: (w) =>
      guard(async () => void (await redis.hset(`${P}ws:${w.id}`, { type: w.type, balance: w.balance }))),
    getWorkspace: (id) =>
      guard(async () => {
        const [type, balance] = await redis.hmget(`${P}ws:${id}`, "type", "balance");
        return type ? { id, type: type as WorkspaceRecord["type"], balance: Number(balance) } : undefined;
      }),
    setBalance: (workspaceId, balance) =>
      guard(async () => {
        if (!(await redis.exists(`${P}ws:${workspaceId}`))) return false;
        await redis.hset(`${P}ws:${workspaceId}`, "balance", balance);
        return true;
      }),
    createUser: (user) =>
      guard(async () => void (await redis.set(`${P}user:${user.id}`, JSON.stringify(user)))),

    insertApiKey: (key, maxActive) =>
      guard(async () => {
        const inserted = await redis.insertKey(
          `${P}ws:${key.workspace_id}:active`,
          `${P}key:${key.id}`,
          `${P}cred:${key.hash}`,
          `${P}cred-records:${key.hash}`,
          `${P}ws:${key.workspace_id}:keys`,
          `${P}seq`,
          `${P}user:${key.user_id}`,
          `${P}ws:${key.workspace_id}`,
          maxActive,
          JSON.stringify(key),
          key.id,
          key.workspace_id,
        );
        return inserted === 1 ? "inserted" : "limit_reached";
      }),
    findCredentials: (hash) =>
      guard(async () => {
        const found = await redis.findCredentials(P, hash);
        return found ? credentialsFrom(found) : undefined;
      }),
    getApiKey: (id) => guard(async () => parse<ApiKeyRecord>(await redis.get(`${P}key:${id}`))),
    listActiveApiKeys: (workspaceId) =>
      guard(async () => {
        const ids = await redis.zrevrange(`${P}ws:${workspaceId}:keys`, "0", "-1");
        if (ids.length === 0) return [];
        const raws = await redis.mget(ids.map((id) => `${P}key:${id}`));
        return raws
          .map((raw) => parse<ApiKeyRecord>(raw))
          .filter((k): k is ApiKeyRecord => k !== undefined && !k.revoked_at);
      }),
    revokeApiKey: (id, at) =>
      guard(async () => {
        const key = parse<ApiKeyRecord>(await redis.get(`${P}key:${id}`));
        if (!key) return false;
        const revoked = await redis.revokeKey(
          `${P}key:${id}`,
          `${P}ws:${key.workspace_id}:active`,
          `${P}cred:${key.hash}`,
          `${P}cred-records:${key.hash}`,
          at,
        );
        return revoked === 1;
      }),

    admit: (hash, address, windows) => admission.admit(hash, address, windows),
    hitRateLimit: (identity: string, windows: readonly RateLimitWindow[]) =>
      guard(async () => {
        const out = (await redis.rateLimit(2, `${P}rl:{${identity}}`, OFFSET, ...limiterArgs(windows))).map(
          Number,
        );
        offsetMs = out[2] as number;
        return decisionFrom(out[0] === 1, out, 3, windows, out[1] as number);
      }),

    putResource: (w, asRead) =>
      guard(async () => {
        const open = w.kind === "job" ? (isOpenJob(w) ? "1" : "0") : "";
        const path = pathOf(w);
        const written = await redis.putResource(
          resKey(w.kind, w.record.id),
          `${P}idx:${w.kind}:${w.record.workspace_id}`,
          `${P}open:${w.record.workspace_id}`,
          `${P}seq`,
          `${P}asset-path:${path}`,
          `${P}ws:${w.record.workspace_id}`,
          w.record.id,
          JSON.stringify(w.record),
          open,
          path ? "1" : "",
          asRead ? JSON.stringify(asRead) : "",
        );
        return written === 1;
      }),
    deleteResource: (kind, id) =>
      guard(async () => {
        const record = parse<{ workspace_id: string; url?: string }>(await redis.get(resKey(kind, id)));
        if (!record) return;
        const path = kind === "asset" && record.url ? cdnPath(record.url) : undefined;
        const multi = redis.multi().del(resKey(kind, id)).zrem(`${P}idx:${kind}:${record.workspace_id}`, id);
        if (path) multi.del(`${P}asset-path:${path}`);
        await multi.exec();
      }),
    findAssetByPath: (path) =>
      guard(async () => {
        const id = await redis.get(`${P}asset-path:${path}`);
        return id ? parse<ResourceRecords["asset"]>(await redis.get(resKey("asset", id))) : undefined;
      }),
    getResource: <K extends ResourceKind>(kind: K, id: string) =>
      guard(async () => parse<ResourceRecords[K]>(await redis.get(resKey(kind, id)))),
    listResources: <K extends ResourceKind>(kind: K, workspaceId: string) =>
      guard(async () => {
        const ids = await redis.zrange(`${P}idx:${kind}:${workspaceId}`, "0", "-1");
        if (ids.length === 0) return [];
        const raws = await redis.mget(ids.map((id) => resKey(kind, id)));
        return raws
          .map((raw) => parse<ResourceRecords[K]>(raw))
          .filter((r): r is ResourceRecords[K] => r !== undefined);
      }),

    chargeAndWrite: (workspaceId, cost, records, basis = []) =>
      guard(async (): Promise<ChargeResult> => {
        const asRead = basis.flatMap((w) => [`${w.kind}:${w.record.id}`, JSON.stringify(w.record)]);
        const args = records.flatMap((w) => [
          w.kind,
          w.record.id,
          w.record.workspace_id,
          JSON.stringify(w.record),
          dueOf(w),
          pathOf(w),
        ]);
        const [ok, balance] = await redis.chargeAndWrite(
          `${P}ws:${workspaceId}`,
          `${P}seq`,
          P,
          cost,
          basis.length,
          ...asRead,
          ...args,
        );
        if (ok === 2) return { ok: false, changed: true };
        return ok === 1 ? { ok: true, balance: Number(balance) } : { ok: false, balance: Number(balance) };
      }),
    listUnfinishedJobs: (workspaceId) =>
      guard(async () => {
        const ids = await redis.smembers(`${P}open:${workspaceId}`);
        if (ids.length === 0) return [];
        const raws = await redis.mget(ids.map((id) => resKey("job", id)));
        return raws
          .map((raw) => parse<ResourceRecords["job"]>(raw))
          .filter((j): j is ResourceRecords["job"] => j !== undefined);
      }),
    finishJob: (job, assets, refund) =>
      guard(async () => {
        const args = assets.flatMap((a) => [a.id, JSON.stringify(a)]);
        const done = await redis.finishJob(
          resKey("job", job.id),
          `${P}open:${job.workspace_id}`,
          `${P}ws:${job.workspace_id}`,
          P,
          JSON.stringify(job),
          refund,
          ...args,
        );
        return done === 1;
      }),
    dueJobWorkspaces: () =>
      guard(async () => {
        const [offset, ...members] = await redis.dueJobs(`${P}due:jobs`, OFFSET);
        offsetMs = Number(offset);
        return [...new Set(members.map((m) => m.slice(0, m.indexOf("|"))))];
      }),

    readFaults,
    writeFaults: (change) =>
      guard(async () => {
        const fields: Record<string, number> = {};
        if (change.latencyMs !== undefined) fields.latency = change.latencyMs;
        if (change.failNextJobs !== undefined) fields.next_jobs = change.failNextJobs;
        for (const [op, n] of Object.entries(change.failOperations ?? {})) fields[`op:${op}`] = n;
        if (Object.keys(fields).length > 0) await redis.hset(FAULTS, fields);
        return readFaults();
      }),
    clearFaults: () => guard(async () => void (await redis.del(FAULTS))),
    takeJobFailures: (n) => guard(async () => Number(await redis.takeCount(FAULTS, "next_jobs", n))),
    returnJobFailures: (n) => guard(async () => void (await redis.hincrby(FAULTS, "next_jobs", n))),
    takeOperationFailure: (operationId) =>
      guard(async () => Number(await redis.takeCount(FAULTS, `op:${operationId}`, 1)) === 1),

    putDelivery: (record, dueAtMs) =>
      guard(async () => {
        const tx = redis
          .multi()
          .set(`${P}delivery:${record.id}`, JSON.stringify(record))
          .zadd(DELIVERIES_ALL, "NX", Date.now(), record.id);
        if (dueAtMs === null) tx.zrem(DELIVERIES_DUE, record.id);
        else tx.zadd(DELIVERIES_DUE, dueAtMs, record.id);
        await tx.exec();
      }),
    claimDueDeliveries: (nowMs, leaseMs, max, perWebhook) =>
      guard(async () => {
        const busy = [...(perWebhook?.inFlight ?? [])].flat();
        const raws = await redis.claimDeliveries(
          DELIVERIES_DUE,
          nowMs,
          nowMs + leaseMs,
          max,
          P,
          perWebhook?.max ?? 0,
          ...busy,
        );
        return raws.map((raw) => JSON.parse(raw) as DeliveryRecord);
      }),
    listDeliveries: () =>
      guard(async () => {
        const ids = await redis.zrange(DELIVERIES_ALL, "0", "-1");
        if (ids.length === 0) return [];
        const raws = await redis.mget(ids.map((id) => `${P}delivery:${id}`));
        return raws
          .map((raw) => parse<DeliveryRecord>(raw))
          .filter((d): d is DeliveryRecord => d !== undefined);
      }),
  };
}
