import { defineConfig } from "vitest/config";

/** The contract suite: aimed at MASKO_BASE_URL (or a simulator it starts itself). */
export default defineConfig({
  test: {
    include: ["contract-tests/**/*.contract.test.ts"],
    globalSetup: ["contract-tests/lib/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
