/**
 * The fleet on Redis, shared by every instance on the same prefix: a sandbox record and its registered keys in the
 * sandbox's own hash slot (keys.ts, fleetKeys), one small record per key (its SHA-256 → sandbox id), an index of
 * sandboxes by expiry, and the due-work shards: a sandbox with unfinished jobs or deliveries is listed in one of
 * DUE_SHARDS sorted sets, and each shard is leased to one instance at a time, which looks after the sandboxes in it
 * (no single hot key, and work another instance left is finished). Each sandbox's store is an ordinary Redis store
 * under its own prefix on the same connection.
 */
import type { SandboxRecord } from "../../rules/sandboxes.js";
import type { DueWork, FleetStore } from "../fleet-store.js";
import type { Store } from "../store.js";
import type { RedisConnection } from "./connection.js";
import { parse } from "./context.js";
import { createRedisStore } from "./index.js";
import { fleetKeys } from "./keys.js";

/** How many due-work shards the sandboxes are spread over. */
export const DUE_SHARDS = 16;

/** Which shard a sandbox's due work is listed in. */
export function dueShardOf(id: string): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return h % DUE_SHARDS;
}

/** The fleet on `connection` under `prefix` (the default store's prefix; default `masko:`). */
export function createRedisFleet(
  connection: RedisConnection,
  options: { prefix?: string } = {},
): FleetStore & { due: DueWork } {
  const { redis, guard } = connection;
  const k = fleetKeys(options.prefix ?? "masko:");
  // A sandbox's store never closes the connection: the fleet's owner does.
  const shared: RedisConnection = { ...connection, close: async () => {} };
  const storeOf = (id: string) => createRedisStore(shared, { prefix: k.sandboxStore(id) });

  const readRecord = async (id: string) => parse<SandboxRecord>(await redis.get(k.sandboxRecord(id)));

  return {
    shared: true,
    createSandbox: (record) =>
      guard(async () => {
        await redis.set(k.sandboxRecord(record.id), JSON.stringify(record));
        await redis.zadd(k.sandboxes, record.expiresAtMs, record.id);
      }),
    getSandbox: (id) => guard(() => readRecord(id)),
    listSandboxes: () =>
      guard(async () => {
        const ids = await redis.zrange(k.sandboxes, "0", "-1");
        // One GET each: the records live in their sandboxes' slots (an MGET would cross slots on a cluster).
        const records = await Promise.all(ids.map(readRecord));
        return records
          .filter((r): r is SandboxRecord => r !== undefined)
          .sort((a, b) => a.createdAtMs - b.createdAtMs);
      }),
    countSandboxes: () => guard(() => redis.zcard(k.sandboxes)),
    touchSandbox: (id, expiresAtMs) =>
      guard(async () => {
        const record = await readRecord(id);
        if (!record) return false;
        await redis.set(k.sandboxRecord(id), JSON.stringify({ ...record, expiresAtMs }), "XX");
        await redis.zadd(k.sandboxes, "XX", expiresAtMs, id);
        return true;
      }),
    expiredSandboxes: (nowMs, max) =>
      guard(() => redis.zrangebyscore(k.sandboxes, "-inf", nowMs, "LIMIT", 0, max)),
    registerKey: (hash, id) =>
      guard(async () => {
        await redis.sadd(k.sandboxKeys(id), hash);
        await redis.set(k.keyOwner(hash), id);
      }),
    sandboxOfKey: (hash) => guard(async () => (await redis.get(k.keyOwner(hash))) ?? undefined),
    sandboxStore: (id): Store => storeOf(id),
    dropSandbox: (id) =>
      guard(async () => {
        // The index first: no instance lists it any more, then its store, its keys' records and its own.
        await redis.zrem(k.sandboxes, id);
        await redis.zrem(k.dueShard(dueShardOf(id)), id);
        await storeOf(id).reset();
        const hashes = await redis.smembers(k.sandboxKeys(id));
        await Promise.all(hashes.map((hash) => redis.del(k.keyOwner(hash))));
        await redis.del(k.sandboxKeys(id), k.sandboxRecord(id));
      }),
    due: redisDueWork(connection, k),
  };
}

/** The due-work shards and their leases. */
function redisDueWork({ redis, guard }: RedisConnection, k: ReturnType<typeof fleetKeys>): DueWork {
  return {
    noteDueWork: (id, nowMs) =>
      guard(async () => {
        await redis.zadd(k.dueShard(dueShardOf(id)), "NX", nowMs, id);
      }),
    dueSandboxes: (owner, nowMs, leaseMs, max) =>
      guard(async () => {
        const due: string[] = [];
        for (let shard = 0; shard < DUE_SHARDS; shard++) {
          const lease = k.dueLease(shard);
          const held =
            (await redis.set(lease, owner, "PX", leaseMs, "NX")) === "OK" ||
            ((await redis.get(lease)) === owner && (await redis.pexpire(lease, leaseMs)) === 1);
          if (!held) continue;
          due.push(...(await redis.zrangebyscore(k.dueShard(shard), "-inf", nowMs, "LIMIT", 0, max)));
        }
        return due;
      }),
    afterDueWork: (id, pending, againAtMs) =>
      guard(async () => {
        // Unlisted first, then listed again if work remains: a write racing this one lists itself after it.
        const shard = k.dueShard(dueShardOf(id));
        await redis.zrem(shard, id);
        if (await pending()) await redis.zadd(shard, againAtMs, id);
      }),
  };
}
