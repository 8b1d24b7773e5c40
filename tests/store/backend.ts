/**
 * The store under test: the embedded one, or on the `redis` project (MASKO_TEST_STORE=redis) a Redis store on its
 * own key prefix, dropped after the file. Every file of this folder runs on both.
 */
import { randomUUID } from "node:crypto";
import { afterAll } from "vitest";
import { createMemoryStore } from "../../src/mock/store/memory/index.js";
import { createRedisStore } from "../../src/mock/store/redis/index.js";
import { storePrefix } from "../../src/mock/store/redis/keys.js";
import type { Store } from "../../src/mock/store/store.js";
import { STORE_KIND, testConnection } from "../../support/test-redis.js";

/** `memory`, or `redis` for both a single server and a cluster (support/test-redis.ts says which). */
export const BACKEND = STORE_KIND === "memory" ? "memory" : "redis";

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
  if (BACKEND === "memory") {
    const store = createMemoryStore();
    opened.push(store);
    return { store, prefix };
  }
  const connection = testConnection();
  const store = createRedisStore(connection, { prefix });
  opened.push(store);
  return { store, prefix: storePrefix(prefix, connection.cluster) };
}
