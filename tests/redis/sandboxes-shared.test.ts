/**
 * Sandboxes on Redis: one fleet for every instance on the prefix. A sandbox made on one instance is served by the
 * other (its key routes there too), its limits and credits stay exact across both, work left by an instance that
 * died is finished by the other (the due-work shards), and a deleted or expired sandbox leaves no key behind.
 */
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { unlinkAll } from "../../src/mock/store/redis/index.js";
import {
  processClient,
  type RunningServer,
  type WebhookReceiver,
  webhookReceiver,
} from "../../support/process-harness.js";
import { waitFor } from "../../support/processes.js";
import { startSimulatorProcess } from "../../support/simulator-process.js";
import { storeFlags, testConnection } from "../../support/test-redis.js";
import { TEST_STORE } from "../simulator/harness.js";

const prefix = `masko-fleet:${randomUUID()}:`;
const flags = [...storeFlags(prefix), "--log-level", "warn"];
const redis = TEST_STORE === "memory" ? undefined : testConnection();
let a: RunningServer;
let b: RunningServer;
const extra: RunningServer[] = [];
const receivers: WebhookReceiver[] = [];

beforeAll(async () => {
  if (TEST_STORE === "memory") return;
  [a, b] = await Promise.all([startSimulatorProcess(flags), startSimulatorProcess(flags)]);
}, 30_000);
afterEach(async () => {
  for (const server of extra.splice(0)) await server.stop();
  for (const receiver of receivers.splice(0)) await receiver.close();
});
afterAll(async () => {
  await a?.stop();
  await b?.stop();
  if (!redis) return;
  for await (const batch of redis.scan(`${prefix}*`)) await unlinkAll(redis, batch);
  await redis.close();
});

// biome-ignore lint/suspicious/noExplicitAny: the tests read arbitrary JSON answers
type Json = any;
interface Sandbox {
  sandbox_id: string;
  token: string;
  api_key: string;
}

async function newSandbox(server: RunningServer, ttlSeconds?: number): Promise<Sandbox> {
  const created = await processClient(server).control(
    "POST",
    "/sandboxes",
    ttlSeconds ? { ttl_seconds: ttlSeconds } : {},
  );
  expect(created.status).toBe(201);
  return created.body as Sandbox;
}
const inSandbox = async (server: RunningServer, s: Sandbox, method: string, path: string, body?: unknown) =>
  processClient(server, { sandboxToken: s.token }).control(method, `/sandboxes/${s.sandbox_id}${path}`, body);
const call = (server: RunningServer, method: string, path: string, key: string, body?: unknown) =>
  processClient(server, { key }).call(method, path, body === undefined ? {} : { body });

/** Every Redis key of sandbox `id` (its store's and the fleet's) plus its key registrations. */
async function keysOf(s: Sandbox): Promise<string[]> {
  const found: string[] = [];
  if (!redis) return found;
  for await (const batch of redis.scan(`${prefix}~{${s.sandbox_id}}*`)) found.push(...batch);
  for await (const batch of redis.scan(`${prefix}~key:*`)) {
    for (const key of batch) if ((await redis.redis.get(key)) === s.sandbox_id) found.push(key);
  }
  return found;
}

/** A collection in the sandbox's demo workspace, made through `server`. */
async function collectionIn(server: RunningServer, s: Sandbox): Promise<string> {
  const project = await call(server, "POST", "/v1/projects", s.api_key, { name: "P" });
  const collection = await call(server, "POST", "/v1/collections", s.api_key, {
    project_id: (project.body as Json).data.id,
    name: "Fox",
  });
  return (collection.body as Json).data.id;
}

describe.runIf(TEST_STORE !== "memory")(
  `sandboxes shared by two instances on one Redis (${TEST_STORE})`,
  () => {
    it("serve a sandbox made on one instance from the other: its key, its token, its clock", async () => {
      const s = await newSandbox(a);
      expect((await call(b, "GET", "/v1/credits", s.api_key)).status).toBe(200);
      const collectionId = await collectionIn(b, s);
      const job = await call(a, "POST", `/v1/collections/${collectionId}/generate`, s.api_key, {
        type: "image",
        name: "Wave",
        image_prompt: "waving",
      });
      expect(job.status).toBe(202);
      // The clock moved through b is the sandbox's everywhere: a sees the job finished.
      expect((await inSandbox(b, s, "POST", "/clock", { advance_seconds: 600 })).status).toBe(200);
      const jobId = (job.body as Json).data.job_id;
      const statusOnA = async () =>
        ((await call(a, "GET", `/v1/jobs/${jobId}`, s.api_key)).body as Json).data.status;
      await waitFor("the job to be completed on a", async () => (await statusOnA()) === "completed", {
        timeoutMs: 5000,
      });
      expect(await statusOnA()).toBe("completed");
      // The default sandbox's clock did not move.
      const demo = await processClient(a).control("POST", "/clock", { advance_seconds: 0 });
      expect(Math.abs((demo.body as Json).now_ms - Date.now())).toBeLessThan(60_000);
    });

    it("admit exactly 60 of one sandbox key's calls in a minute across both, and none of another's", async () => {
      const [s, t] = [await newSandbox(a), await newSandbox(b)];
      const answers = await Promise.all(
        Array.from({ length: 80 }, (_, i) => call(i % 2 ? a : b, "GET", "/v1/credits", s.api_key)),
      );
      expect(answers.filter((x) => x.status === 200)).toHaveLength(60);
      expect(answers.filter((x) => x.status === 429)).toHaveLength(20);
      const other = await call(a, "GET", "/v1/credits", t.api_key);
      expect(other.status).toBe(200);
      expect(other.headers.get("x-ratelimit-remaining")).toBe("59");
    });

    it("finish the jobs and deliver the webhooks of an instance that died", async () => {
      const c = await startSimulatorProcess(flags);
      extra.push(c);
      const hook = await webhookReceiver([200]);
      receivers.push(hook);
      const s = await newSandbox(c);
      const hooked = await call(c, "POST", "/v1/webhooks", s.api_key, {
        url: hook.url,
        events: ["job.completed"],
      });
      expect(hooked.status).toBe(201);
      const collectionId = await collectionIn(c, s);
      const job = await call(c, "POST", `/v1/collections/${collectionId}/generate`, s.api_key, {
        type: "image",
        name: "Wave",
        image_prompt: "waving",
      });
      expect(job.status).toBe(202);
      await c.kill();
      // Nobody calls the sandbox any more: a and b find its due work in the shards and finish it.
      await waitFor("the webhook of the dead instance's job", () => hook.received.length > 0, {
        timeoutMs: 30_000,
      });
      expect(hook.received).toHaveLength(1);
      expect(hook.received[0]?.body).toContain((job.body as Json).data.job_id);
      const deliveries = await inSandbox(a, s, "GET", "/deliveries");
      expect((deliveries.body as Json).data.map((d: Json) => d.state)).toEqual(["delivered"]);
    }, 60_000);

    it("leave no key behind when a sandbox is deleted, or when it expires", async () => {
      const deleted = await newSandbox(a);
      await collectionIn(b, deleted);
      await inSandbox(b, deleted, "POST", "/workspaces", { type: "organization", credits: 3 });
      expect((await keysOf(deleted)).length).toBeGreaterThan(5);
      expect((await inSandbox(b, deleted, "DELETE", "")).status).toBe(204);
      expect(await keysOf(deleted)).toEqual([]);
      expect((await call(a, "GET", "/v1/credits", deleted.api_key)).status).toBe(401);

      const expiring = await newSandbox(b, 1);
      await collectionIn(a, expiring);
      expect((await keysOf(expiring)).length).toBeGreaterThan(5);
      await waitFor(
        "the expired sandbox's keys to be removed",
        async () => (await keysOf(expiring)).length === 0,
        {
          timeoutMs: 10_000,
        },
      );
      expect(await keysOf(expiring)).toEqual([]);
      expect((await call(a, "GET", "/v1/credits", expiring.api_key)).status).toBe(401);
      const listed = (await processClient(a).control("GET", "/sandboxes")).body as Json;
      expect(listed.data.map((x: Json) => x.sandbox_id)).not.toContain(expiring.sandbox_id);
      expect(listed.data.map((x: Json) => x.sandbox_id)).not.toContain(deleted.sandbox_id);
    }, 30_000);
  },
);
