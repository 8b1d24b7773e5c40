/**
 * A Store on Redis, for several simulator instances sharing state: the six parts over one connection (created by
 * the caller: connection.ts) and one key layout (keys.ts). Every rule-bearing read-modify-write is one Lua script;
 * time for rate-limit windows is Redis TIME plus a shared clock offset; one identity's windows are one hash (one
 * key, one cluster slot) expiring by TTL set in the same script. Admission is batched per event-loop turn
 * (batched-admission.ts). When Redis is unreachable every call rejects with StoreUnavailableError (503).
 */
import type { SimulatorClock } from "../../primitives/clock.js";
import type { Store } from "../store.js";
import { redisAccounts } from "./accounts.js";
import { redisAdmission } from "./admission.js";
import type { RedisConnection } from "./connection.js";
import type { RedisContext } from "./context.js";
import { redisDeliveries } from "./deliveries.js";
import { redisFaults } from "./faults.js";
import { redisJobs } from "./jobs.js";
import { redisKeys, storePrefix } from "./keys.js";
import { redisResources } from "./resources.js";

export {
  connectRedis,
  connectRedisCluster,
  type RedisConnection,
  type RedisConnectionOptions,
} from "./connection.js";
export { createRedisFleet } from "./fleet.js";

/** Options of the Redis store. */
export interface RedisStoreOptions {
  /** Prefix of every key (several simulators on one Redis). */
  prefix?: string;
}

/** Every key of the store as `key=value` lines (types other than string shown as JSON). */
async function dumpKeys({ redis, keys, scan }: RedisContext): Promise<string> {
  const out: string[] = [];
  for await (const batch of scan(keys.everything)) {
    for (const key of batch) {
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
  }
  return out.join("\n");
}

/**
 * Unlinks `names`: in one call on a single server, one call per name on a cluster (a batch of a node's SCAN may
 * span several slots; a store's own names share one).
 */
export async function unlinkAll(connection: RedisConnection, names: readonly string[]): Promise<void> {
  if (names.length === 0) return;
  if (!connection.cluster) await connection.redis.unlink(...names);
  else await Promise.all(names.map((name) => connection.redis.unlink(name)));
}

/** A Redis-backed store on `connection` and the clock it shares with the other instances; close() closes it. */
export function createRedisStore(
  connection: RedisConnection,
  options: RedisStoreOptions = {},
): Store & { clock: SimulatorClock; close(): Promise<void> } {
  const context: RedisContext = {
    ...connection,
    keys: redisKeys(storePrefix(options.prefix ?? "masko:", connection.cluster)),
    offset: { ms: 0 },
  };
  const { redis, guard, keys } = context;
  const admission = redisAdmission(context);
  const clock: SimulatorClock = {
    now: () => Date.now() + context.offset.ms,
    async advance(seconds) {
      context.offset.ms = await guard(() => redis.incrby(keys.clockOffset, seconds * 1000));
    },
    async reset() {
      await guard(() => redis.del(keys.clockOffset));
      context.offset.ms = 0;
    },
  };
  const { forget, ...admissionPart } = admission;
  return {
    clock,
    shared: true,
    close: () => connection.close(),
    reset: () =>
      guard(async () => {
        for await (const batch of context.scan(keys.everything)) await unlinkAll(context, batch);
        context.offset.ms = 0;
        forget();
      }),
    dump: () => guard(() => dumpKeys(context)),
    pendingWork: () =>
      guard(async () => (await redis.zcard(keys.dueJobs)) + (await redis.zcard(keys.deliveriesDue)) > 0),
    ...admissionPart,
    ...redisAccounts(context),
    ...redisResources(context),
    ...redisJobs(context),
    ...redisFaults(context),
    ...redisDeliveries(context),
  };
}
