/**
 * D3 — a frozen Redis (SIGSTOP) never makes a request hang: every store call has a deadline (1 s by default), past
 * it the answer is the documented 503 with Retry-After, and a write is either whole or absent once Redis thaws.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSimulator } from "../../src/mock/simulator.js";
import { connectRedis, createRedisStore } from "../../src/mock/store/redis/index.js";
import { type OwnRedis, startOwnRedis } from "../../support/redis-server.js";
import { TEST_STORE } from "../simulator/harness.js";

describe.runIf(TEST_STORE === "redis")("a frozen Redis", () => {
  // Started in a hook, not in the describe body: vitest runs the body of a skipped suite too (to collect it) but
  // not its hooks, so a server started there on the memory project was never stopped.
  let own: OwnRedis;
  beforeAll(async () => {
    own = await startOwnRedis({ persist: false });
  });
  afterAll(async () => {
    own?.signal("SIGCONT");
    await own?.remove();
  });

  it("answers 503 with Retry-After within the deadline, writes whole or nothing, and recovers when it thaws", async () => {
    const store = createRedisStore(connectRedis(own.url, { timeoutMs: 500 }), { prefix: "frozen:" });
    const sim = await createSimulator({ store });
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await sim.fetch(
        new Request(`http://sim.test${path}`, {
          method,
          headers: {
            authorization: `Bearer ${sim.demo.api_key}`,
            ...(body ? { "content-type": "application/json" } : {}),
          },
          ...(body ? { body: JSON.stringify(body) } : {}),
        }),
      );
      return { status: response.status, headers: response.headers, body: await response.json() };
    };
    const project = await call("POST", "/v1/projects", { name: "P" });
    const collection = await call("POST", "/v1/collections", {
      project_id: project.body.data.id,
      name: "Fox",
    });
    const generatePath = `/v1/collections/${collection.body.data.id}/generate`;

    own.signal("SIGSTOP");
    try {
      for (const [method, path, body] of [
        ["GET", "/v1/credits", undefined],
        ["POST", generatePath, { type: "image", name: "Wave", image_prompt: "waving" }],
      ] as const) {
        const started = performance.now();
        const answer = await call(method, path, body);
        const seconds = (performance.now() - started) / 1000;
        expect(answer.status).toBe(503);
        expect(answer.body.error.code).toBe("service_unavailable");
        expect(answer.headers.get("retry-after")).toBe("1");
        expect(answer.headers.get("x-ratelimit-remaining")).toBe("0");
        // Two store calls at most before the one that times out: well under the 15 s it used to take.
        expect(seconds).toBeLessThan(2.5);
      }
    } finally {
      own.signal("SIGCONT");
    }

    let credits = await call("GET", "/v1/credits");
    for (let i = 0; i < 20 && credits.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      credits = await call("GET", "/v1/credits");
    }
    expect(credits.status).toBe(200);
    const jobs = await call("GET", "/v1/jobs");
    // The timed-out generate ran once Redis woke up, or not at all: charged exactly when its job exists.
    const charged = 100 - credits.body.data.balance;
    expect(charged).toBe(jobs.body.data.length);
    await store.reset();
    await store.close();
  }, 30_000);
});
