import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// With MASKO_TEST_REDIS_URL set (npm test starts a loopback redis-server), the whole simulator behaviour suite
// runs a second time on the Redis store.
const redis = process.env.MASKO_TEST_REDIS_URL;
// With MASKO_TEST_REDIS_CLUSTER set (npm test starts a local Redis Cluster: scripts/redis-cluster.sh), the store
// contract and the shared-state and sandbox suites run a third time, on the cluster.
const cluster = process.env.MASKO_TEST_REDIS_CLUSTER;

export default defineConfig({
  resolve: {
    // The package's own export, resolved to source so tests never run a stale build.
    alias: { "masko-contract/msw": fileURLToPath(new URL("./src/msw/index.ts", import.meta.url)) },
  },
  test: {
    testTimeout: 20_000,
    projects: [
      {
        extends: true as const,
        test: {
          name: "memory",
          include: ["src/**/*.test.ts", "tests/**/*.test.ts", "load/lib/**/*.test.ts"],
          exclude: ["tests/consumer/**", "tests/parity/**"],
        },
      },
      // masko-contract parity against production stand-ins at real limits (npm run test:parity; about a minute,
      // most of it waiting for a minute window, so npm test runs it beside the other stages).
      {
        extends: true as const,
        test: {
          name: "parity",
          include: ["tests/parity/**/*.test.ts"],
          testTimeout: 240_000,
          hookTimeout: 240_000,
        },
      },
      // The packed package installed into a fresh project (npm run test:consumer; minutes, not seconds).
      {
        extends: true as const,
        test: {
          name: "consumer",
          include: ["tests/consumer/**/*.test.ts"],
          testTimeout: 180_000,
          hookTimeout: 240_000,
        },
      },
      ...(redis
        ? [
            {
              extends: true as const,
              test: {
                name: "redis",
                include: [
                  "tests/simulator/**/*.test.ts",
                  "tests/redis/**/*.test.ts",
                  "tests/hardening/**/*.test.ts",
                  "tests/store/**/*.test.ts",
                ],
                env: { MASKO_TEST_STORE: "redis", MASKO_TEST_REDIS_URL: redis },
              },
            },
          ]
        : []),
      ...(cluster
        ? [
            {
              extends: true as const,
              test: {
                name: "cluster",
                include: [
                  "tests/store/**/*.test.ts",
                  "tests/redis/sandboxes-shared.test.ts",
                  "tests/redis/sandboxes-exact.test.ts",
                  "tests/simulator/sandboxes.test.ts",
                  "tests/hardening/shared-state.test.ts",
                  "tests/hardening/reference-cap.test.ts",
                ],
                env: { MASKO_TEST_STORE: "cluster", MASKO_TEST_REDIS_CLUSTER: cluster },
              },
            },
            // Killing a primary disturbs every file on the cluster: the failover runs alone, after all the others.
            {
              extends: true as const,
              test: {
                name: "cluster-failover",
                include: ["tests/redis/cluster-failover.test.ts"],
                env: { MASKO_TEST_STORE: "cluster", MASKO_TEST_REDIS_CLUSTER: cluster },
                sequence: { groupOrder: 1 },
              },
            },
          ]
        : []),
    ],
  },
});
