/** The rate-limit table run against the TypeScript rule, the store under test and, on Redis, the Lua limiter itself. */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decideRateLimit, type RateLimitDecision } from "../../src/mock/rules/rate-limit.js";
import { decisionFrom } from "../../src/mock/store/redis/batched-admission.js";
import { type RedisConnection, unlinkAll } from "../../src/mock/store/redis/index.js";
import { LIMITER_FN } from "../../src/mock/store/redis/limiter-scripts.js";
import { testConnection } from "../../support/test-redis.js";
import { BACKEND, storeUnderTest } from "./backend.js";
import { RATE_LIMIT_TABLE, type RateLimitCase, T, WINDOWS } from "./rate-limit-table.js";

/** Runs a case's steps through `hit` and compares every decision with the table's. */
async function holdsTo(testCase: RateLimitCase, hit: (nowMs: number) => Promise<RateLimitDecision>) {
  for (const step of testCase.steps) {
    const { counters: _, ...decision } = await hit(T + step.at);
    expect({ at: step.at, ...decision }).toMatchObject({ at: step.at, ...step.expect });
  }
}

describe("the rate-limit table", () => {
  it.each(RATE_LIMIT_TABLE)("TypeScript rule: $name", async (testCase) => {
    let counters: number[] = [];
    await holdsTo(testCase, async (nowMs) => {
      const decision = decideRateLimit(counters, WINDOWS, nowMs);
      if (decision.allowed) counters = decision.counters;
      return decision;
    });
  });

  it.runIf(BACKEND === "memory").each(RATE_LIMIT_TABLE)("embedded store: $name", async (testCase) => {
    const { store } = storeUnderTest();
    const identity = `ip:${randomUUID()}`;
    await holdsTo(testCase, (nowMs) => store.hitRateLimit(identity, WINDOWS, nowMs));
    // Admission on a key applies the same rule to the key's own counters.
    const key = await keyedStore();
    await holdsTo(testCase, async (nowMs) => (await key.store.admit(key.hash, "", WINDOWS, nowMs)).decision);
  });

  describe.runIf(BACKEND === "redis")("Lua limiter", () => {
    let connection: RedisConnection;
    const prefix = `masko-store-test:${randomUUID()}:`;
    beforeAll(() => {
      connection = testConnection();
    });
    afterAll(async () => {
      for await (const batch of connection.scan(`${prefix}*`)) await unlinkAll(connection, batch);
      await connection.close();
    });
    // The script's own limiter function with the request time given (in production it is Redis TIME + offset).
    const AT_TIME = `${LIMITER_FN}
local now = tonumber(ARGV[1])
local w = windows_from(2, (#ARGV - 1) / 2)
local got = redis.call('HMGET', KEYS[1], unpack(w.fields))
local allowed, starts, counts = rate_limit(KEYS[1], got, 1, w, now, ARGV[1], true)
local out = { allowed and 1 or 0 }
for i = 1, w.n do out[#out + 1] = starts[i]; out[#out + 1] = counts[i] end
return out`;
    const limits = WINDOWS.flatMap((w) => [w.limit, w.windowSeconds * 1000]);

    it.each(RATE_LIMIT_TABLE)("$name", async (testCase) => {
      const key = `${prefix}rl:{${randomUUID()}}`;
      await holdsTo(testCase, async (nowMs) => {
        const out = (
          (await connection.guard(() => connection.redis.eval(AT_TIME, 1, key, nowMs, ...limits))) as Array<
            string | number
          >
        ).map(Number);
        return decisionFrom(out[0] === 1, out, 1, WINDOWS, nowMs);
      });
    });
  });
});

/** A store holding one active key (for the admission path). */
async function keyedStore() {
  const { store } = storeUnderTest();
  const hash = `hash-${randomUUID()}`;
  await store.createWorkspace({ id: "ws", type: "personal", balance: 0 });
  await store.createUser({ id: "user", workspace_id: "ws", role: "owner" });
  await store.insertApiKey(
    {
      id: "key",
      hash,
      name: "k",
      display_hint: "masko_…abcd",
      workspace_id: "ws",
      user_id: "user",
      created_at: "2026-01-01T00:00:00.000Z",
      revoked_at: null,
    },
    10,
  );
  return { store, hash };
}
