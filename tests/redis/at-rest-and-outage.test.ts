/** What Redis holds (never a raw key) and what the simulator answers while Redis is away (503, nothing written). */
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createSimulator } from "../../src/mock/simulator.js";
import { connectRedis, createRedisStore } from "../../src/mock/store/redis/index.js";
import { startOwnRedis } from "../../support/redis-server.js";

const own = await startOwnRedis();
afterAll(async () => {
  await own.remove();
});

const request = (
  sim: Awaited<ReturnType<typeof createSimulator>>,
  method: string,
  path: string,
  key: string,
  body?: unknown,
) =>
  sim.fetch(
    new Request(`http://sim.test${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body ? { "content-type": "application/json" } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    }),
  );

describe("the Redis store", () => {
  it("keeps no raw API key in any Redis key or value", async () => {
    const store = createRedisStore(connectRedis(own.url), { prefix: "scan:" });
    const sim = await createSimulator({ store });
    const created = await request(sim, "POST", "/v1/api-keys", sim.demo.api_key, { name: "scan me" });
    const raw = ((await created.json()) as { data: { key: string } }).data.key;
    await request(sim, "GET", "/v1/credits", raw);
    const client = new Redis(own.url);
    const everything: string[] = [];
    let cursor = "0";
    do {
      const [next, keys] = await client.scan(cursor, "COUNT", 1000);
      cursor = next;
      for (const key of keys) {
        const type = await client.type(key);
        everything.push(key);
        if (type === "string") everything.push((await client.get(key)) ?? "");
        if (type === "hash") everything.push(JSON.stringify(await client.hgetall(key)));
        if (type === "set") everything.push(JSON.stringify(await client.smembers(key)));
        if (type === "zset") everything.push(JSON.stringify(await client.zrange(key, "0", "-1")));
      }
    } while (cursor !== "0");
    client.disconnect();
    const text = everything.join("\n");
    expect(everything.length).toBeGreaterThan(10);
    for (const key of [raw, sim.demo.api_key]) {
      expect(text).not.toContain(key);
      expect(text).not.toContain(key.slice("masko_".length));
    }
    await store.close();
  });

  it("answers 503 in the error envelope while Redis is down, writes nothing, and recovers when it is back", async () => {
    const store = createRedisStore(connectRedis(own.url), { prefix: "outage:" });
    const sim = await createSimulator({ store });
    const key = sim.demo.api_key;
    expect((await request(sim, "POST", "/v1/projects", key, { name: "before" })).status).toBe(201);

    await own.stop();
    const down = await request(sim, "POST", "/v1/projects", key, { name: "during" });
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({
      error: { code: "service_unavailable", message: "The simulator's store is unavailable. Retry shortly." },
    });
    expect(down.headers.get("retry-after")).toBe("1");
    expect(down.headers.get("x-ratelimit-remaining")).toBe("0");
    // The asset server too: the envelope, not a crash or a hang.
    const media = await sim.fetch(new Request("http://mock/assets/ffffffff/fox/wave-00000000.png"));
    expect(media.status).toBe(503);
    expect(((await media.json()) as { error: { code: string } }).error.code).toBe("service_unavailable");

    await own.start();
    let back = 0;
    for (let i = 0; i < 50 && back !== 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      back = (await request(sim, "GET", "/v1/projects", key)).status;
    }
    expect(back).toBe(200);
    const projects = (await (await request(sim, "GET", "/v1/projects", key)).json()) as {
      data: Array<{ name: string }>;
    };
    expect(projects.data.map((p) => p.name)).toEqual(["before"]);
    await store.close();
  }, 30_000);
});
