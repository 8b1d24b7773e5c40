import { defineConfig } from "vitest/config";

// With MASKO_TEST_REDIS_URL set (npm test starts a loopback redis-server), the whole simulator behaviour suite
// runs a second time on the Redis store.
const redis = process.env.MASKO_TEST_REDIS_URL;

export default defineConfig({
  test: {
    testTimeout: 20_000,
    projects: [
      {
        extends: true as const,
        test: {
          name: "memory",
          include: ["src/**/*.test.ts", "tests/**/*.test.ts", "load/lib/**/*.test.ts"],
        },
      },
      ...(redis
        ? [
            {
              extends: true as const,
              test: {
                name: "redis",
                include: ["tests/simulator/**/*.test.ts", "tests/redis/**/*.test.ts"],
                env: { MASKO_TEST_STORE: "redis", MASKO_TEST_REDIS_URL: redis },
              },
            },
          ]
        : []),
    ],
  },
});
