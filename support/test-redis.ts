/**
 * Which store the shared-state suites run on, from the environment the vitest projects set: `memory`, `redis`
 * (one server: MASKO_TEST_REDIS_URL) or `cluster` (a Redis Cluster: MASKO_TEST_REDIS_CLUSTER, seed nodes
 * `host:port,…`, started by scripts/redis-cluster.sh). Connections and simulator flags for the kind in force.
 */
import { connectRedis, connectRedisCluster, type RedisConnection } from "../src/mock/store/redis/index.js";

export type StoreKind = "memory" | "redis" | "cluster";

export const STORE_KIND: StoreKind =
  process.env.MASKO_TEST_STORE === "redis" || process.env.MASKO_TEST_STORE === "cluster"
    ? process.env.MASKO_TEST_STORE
    : "memory";
export const REDIS_URL = process.env.MASKO_TEST_REDIS_URL ?? "redis://127.0.0.1:6390";
export const CLUSTER_SEEDS = (process.env.MASKO_TEST_REDIS_CLUSTER ?? "").split(",").filter(Boolean);

/** A connection to the Redis of the kind in force (a cluster on the cluster project, else one server). */
export function testConnection(): RedisConnection {
  return STORE_KIND === "cluster" ? connectRedisCluster(CLUSTER_SEEDS) : connectRedis(REDIS_URL);
}

/** The `mock` flags of a simulator process on that Redis under `prefix`. */
export function storeFlags(prefix: string): string[] {
  const where =
    STORE_KIND === "cluster" ? ["--redis-cluster", CLUSTER_SEEDS.join(",")] : ["--redis-url", REDIS_URL];
  return ["--store", "redis", ...where, "--redis-prefix", prefix];
}
