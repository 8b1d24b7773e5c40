/**
 * The Redis connection the store runs on, created by the caller (the CLI, a test) and passed to createRedisStore:
 * an ioredis client — of one server (`connectRedis`) or of a Redis Cluster (`connectRedisCluster`, seed nodes) —
 * with the store's Lua scripts defined as commands, `scan` over every node, and `guard`, which turns any failure
 * of a call (Redis away, a frozen server past the deadline, a cluster failing over) into StoreUnavailableError (the
 * simulator answers 503).
 */
import slotOf from "cluster-key-slot";
import { Cluster, Redis } from "ioredis";
import { StoreUnavailableError } from "../store-unavailable-error.js";
import { ADMIT, RATE_LIMIT } from "./limiter-scripts.js";
import * as scripts from "./record-scripts.js";

type Args = (string | number)[];

/** The client with the store's scripts as commands. */
export type RedisCommands = (Redis | Cluster) & {
  rateLimit(numKeys: number, ...args: Args): Promise<Array<number | string>>;
  insertKey(...args: Args): Promise<number>;
  revokeKey(...args: Args): Promise<number>;
  chargeAndWrite(...args: Args): Promise<[number, number]>;
  putResource(...args: Args): Promise<number>;
  finishJob(...args: Args): Promise<number>;
  findCredentials(...args: Args): Promise<Array<string | number> | string | null>;
  dueJobs(...args: Args): Promise<[number, ...string[]]>;
  admit(...args: Args): Promise<string>;
  takeCount(...args: Args): Promise<number>;
  claimDeliveries(...args: Args): Promise<string[]>;
};

/** A connection to the store's Redis. */
export interface RedisConnection {
  readonly redis: RedisCommands;
  /** Whether it is a Redis Cluster (then every multi-key call must stay in one hash slot). */
  readonly cluster: boolean;
  /**
   * Waits until the write just made to `key` reached a replica (WAIT 1 on the key's primary), so that it survives
   * that primary's death; at most 100 ms (then it returns: the write stands on the primary). A single server has
   * no replica to wait for: nothing.
   */
  replicated(key: string): Promise<void>;
  /** The names matching `match` (a SCAN pattern), in batches, on every primary of a cluster. */
  scan(match: string): AsyncIterable<string[]>;
  /** Runs one store call, waiting at most the deadline for the connection; any failure → StoreUnavailableError. */
  guard<T>(work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Options of the connection. */
export interface RedisConnectionOptions {
  /** Deadline of every store call, in ms (default 1000): past it the request answers 503, never hangs. */
  timeoutMs?: number;
}

/**
 * How long a write waits for a replica at most (WAIT's own timeout). A replica on the same network acknowledges in
 * well under a millisecond; a primary left without one (its replica died, or took over from it) must not make every
 * charge wait a full deadline until the replica is back.
 */
const REPLICA_WAIT_MS = 100;

/** Defines the store's scripts as commands of `client`. */
function defineScripts(client: Redis | Cluster): RedisCommands {
  const redis = client as RedisCommands;
  redis.defineCommand("rateLimit", { lua: RATE_LIMIT });
  redis.defineCommand("admit", { lua: ADMIT });
  redis.defineCommand("insertKey", { numberOfKeys: 8, lua: scripts.INSERT_KEY });
  redis.defineCommand("revokeKey", { numberOfKeys: 4, lua: scripts.REVOKE_KEY });
  redis.defineCommand("chargeAndWrite", { lua: scripts.CHARGE_AND_WRITE });
  redis.defineCommand("putResource", { numberOfKeys: 6, lua: scripts.PUT_RESOURCE });
  redis.defineCommand("finishJob", { lua: scripts.FINISH_JOB });
  redis.defineCommand("findCredentials", { lua: scripts.FIND_CREDENTIALS });
  redis.defineCommand("dueJobs", { numberOfKeys: 2, lua: scripts.DUE_JOBS });
  redis.defineCommand("takeCount", { numberOfKeys: 1, lua: scripts.TAKE_COUNT });
  redis.defineCommand("claimDeliveries", { lua: scripts.CLAIM_DELIVERIES });
  redis.on("error", () => {}); // surfaced per call as StoreUnavailableError
  return redis;
}

/** The connection over a client: waiting for it to be ready (at most the deadline), guarding every call. */
function connectionOver(
  redis: RedisCommands,
  timeoutMs: number,
  scan: (match: string) => AsyncIterable<string[]>,
  replicated: (key: string) => Promise<void> = async () => {},
): RedisConnection {
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
  return {
    redis,
    cluster: redis instanceof Cluster,
    scan,
    replicated,
    async guard(work) {
      try {
        await connected();
        return await work();
      } catch (error) {
        throw new StoreUnavailableError(`Redis store unavailable: ${(error as Error).message}`);
      }
    },
    async close() {
      redis.disconnect();
    },
  };
}

/** SCAN of one server, in batches. */
async function* scanServer(redis: Redis, match: string): AsyncIterable<string[]> {
  for await (const batch of redis.scanStream({ match, count: 1000 })) yield batch as string[];
}

/** Connects to the Redis at `url` (commands fail fast while it is away: no offline queue). */
export function connectRedis(url: string, options: RedisConnectionOptions = {}): RedisConnection {
  const timeoutMs = options.timeoutMs ?? 1000;
  const client = new Redis(url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: timeoutMs,
    // A frozen server (SIGSTOP, a stuck network) answers nothing: each command gives up after the deadline.
    commandTimeout: timeoutMs,
    retryStrategy: () => 200,
    lazyConnect: false,
  });
  return connectionOver(defineScripts(client), timeoutMs, (match) => scanServer(client, match));
}

/**
 * Connects to the Redis Cluster that `seeds` (`host:port`, any of its nodes) belong to. Commands follow the slots
 * as the cluster moves them (MOVED, ASK, a replica taking over); while no node serves a slot they fail within the
 * deadline, answered 503.
 */
export function connectRedisCluster(
  seeds: readonly string[],
  options: RedisConnectionOptions = {},
): RedisConnection {
  const timeoutMs = options.timeoutMs ?? 1000;
  const nodes = seeds.map((seed) => {
    const at = seed.lastIndexOf(":");
    return { host: seed.slice(0, at), port: Number(seed.slice(at + 1)) };
  });
  const client = new Cluster(nodes, {
    enableOfflineQueue: false,
    clusterRetryStrategy: () => 200,
    slotsRefreshTimeout: timeoutMs,
    // The slot map read again every second: after a failover, calls find the new primary within about that.
    slotsRefreshInterval: 1000,
    retryDelayOnFailover: 100,
    retryDelayOnClusterDown: 100,
    maxRedirections: 16,
    redisOptions: {
      maxRetriesPerRequest: 1,
      connectTimeout: timeoutMs,
      commandTimeout: timeoutMs,
    },
  });
  const scan = async function* (match: string): AsyncIterable<string[]> {
    for (const node of client.nodes("master")) yield* scanServer(node, match);
  };
  const replicated = async (key: string) => {
    const owner = client.slots[slotOf(key)]?.[0];
    const node = client.nodes("master").find((n) => `${n.options.host}:${n.options.port}` === owner);
    await node?.wait(1, REPLICA_WAIT_MS).catch(() => 0);
  };
  return connectionOver(defineScripts(client), timeoutMs, scan, replicated);
}
