/** What every part of the Redis store shares: the connection, the key layout and the shared clock's offset. */
import type { RedisCommands, RedisConnection } from "./connection.js";
import type { RedisKeys } from "./keys.js";

export interface RedisContext extends RedisConnection {
  readonly keys: RedisKeys;
  /** The shared clock's offset as last read (every script that reads the clock reports it). */
  offset: { ms: number };
}

/** A stored JSON value, or undefined. */
export const parse = <T>(raw: string | null): T | undefined =>
  raw === null ? undefined : (JSON.parse(raw) as T);

/** The records stored under `keys`, skipping any deleted in between. */
export async function readAll<T>(redis: RedisCommands, keys: string[]): Promise<T[]> {
  if (keys.length === 0) return [];
  const raws = await redis.mget(keys);
  return raws.map((raw) => parse<T>(raw)).filter((r): r is T => r !== undefined);
}
