/**
 * The store under test: the embedded one, or on the `redis` project (MASKO_TEST_STORE=redis) a Redis store on its
 * own key prefix, dropped after the file. Every file of this folder runs on both.
 */
import { randomUUID } from "node:crypto";
import { afterAll } from "vitest";
import { createMemoryStore } from "../../src/mock/store/memory/index.js";
import { connectRedis, createRedisStore } from "../../src/mock/store/redis/index.js";
import type { Store } from "../../src/mock/store/store.js";

export const BACKEND = process.env.MASKO_TEST_STORE === "redis" ? "redis" : "memory";
export const REDIS_URL = process.env.MASKO_TEST_REDIS_URL ?? "redis://127.0.0.1:6390";

const opened: Store[] = [];
afterAll(async () => {
  for (const store of opened.splice(0)) {
    await store.reset();
    await store.close?.();
  }
});

/** A new, empty store of the backend under test, and its key prefix on Redis. */
export function storeUnderTest(): { store: Store; prefix: string } {
  const prefix = `masko-store-test:${randomUUID()}:`;
  const store =
    BACKEND === "redis" ? createRedisStore(connectRedis(REDIS_URL), { prefix }) : createMemoryStore();
  opened.push(store);
  return { store, prefix };
}
