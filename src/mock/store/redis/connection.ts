/**
 * The Redis connection the store runs on, created by the caller (the CLI, a test) and passed to createRedisStore:
 * an ioredis client with the store's Lua scripts defined as commands, and `guard`, which turns any failure of a
 * call (Redis away, a frozen server past the deadline) into StoreUnavailableError (the simulator answers 503).
 */
import { Redis } from "ioredis";
import { StoreUnavailableError } from "../store-unavailable-error.js";
import { ADMIT, RATE_LIMIT } from "./limiter-scripts.js";
import * as scripts from "./record-scripts.js";

type Args = (string | number)[];

/** The client with the store's scripts as commands. */
export type RedisCommands = Redis & {
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
  /** Runs one store call, waiting at most the deadline for the connection; any failure → StoreUnavailableError. */
  guard<T>(work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Options of the connection. */
export interface RedisConnectionOptions {
  /** Deadline of every store call, in ms (default 1000): past it the request answers 503, never hangs. */
  timeoutMs?: number;
}

/** Connects to the Redis at `url` (commands fail fast while it is away: no offline queue). */
export function connectRedis(url: string, options: RedisConnectionOptions = {}): RedisConnection {
  const timeoutMs = options.timeoutMs ?? 1000;
  const redis = new Redis(url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: timeoutMs,
    // A frozen server (SIGSTOP, a stuck network) answers nothing: each command gives up after the deadline.
    commandTimeout: timeoutMs,
    retryStrategy: () => 200,
    lazyConnect: false,
  }) as RedisCommands;
  redis.on("error", () => {}); // surfaced per call as StoreUnavailableError
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
