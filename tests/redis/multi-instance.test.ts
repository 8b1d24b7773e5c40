/** Two simulator processes on one Redis behave as one service: limits, credits and key caps stay exact. */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { policies } from "../../src/policy/policies.js";
import { processClient, type RunningServer } from "../../support/process-harness.js";
import { startSimulatorProcess } from "../../support/simulator-process.js";

const REDIS = process.env.MASKO_TEST_REDIS_URL ?? "redis://127.0.0.1:6390";
const prefix = `masko-multi:${randomUUID()}:`;
const flags = ["--store", "redis", "--redis-url", REDIS, "--redis-prefix", prefix, "--log-level", "warn"];
let a: RunningServer;
let b: RunningServer;

beforeAll(async () => {
  a = await startSimulatorProcess(flags);
  b = await startSimulatorProcess(flags);
}, 30_000);
afterAll(async () => {
  await a?.stop();
  await b?.stop();
});

const control = async (server: RunningServer, path: string, body: unknown) =>
  (await processClient(server).control(path.endsWith("/credits") ? "PUT" : "POST", path, body)).body as {
    workspace_id: string;
    api_key: string;
  };
const call = (server: RunningServer, method: string, path: string, key: string, body?: unknown) =>
  processClient(server, { key }).call(method, path, body === undefined ? {} : { body });
const either = (i: number) => (i % 2 === 0 ? a : b);
/** A project made on `onProject` and a collection in it made on `onCollection`: the collection's id. */
async function newCollection(key: string, onProject: RunningServer, onCollection: RunningServer) {
  const project = (await (
    await call(onProject, "POST", "/v1/projects", key, { name: "p" })
  ).body) as {
    data: { id: string };
  };
  const collection = (await (
    await call(onCollection, "POST", "/v1/collections", key, { project_id: project.data.id, name: "c" })
  ).body) as { data: { id: string } };
  return collection.data.id;
}

describe("two simulator instances on one Redis", () => {
  it("serve each other's asset URLs: an image generated on one is served by the other at the same CDN path", async () => {
    const ws = await control(a, "/workspaces", { type: "personal", credits: 5 });
    const collectionId = await newCollection(ws.api_key, a, a);
    const accepted = (await (
      await call(a, "POST", `/v1/collections/${collectionId}/generate`, ws.api_key, {
        type: "image",
        name: "Wave",
        image_prompt: "waving",
      })
    ).body) as { data: { urls: { image: string } } };
    const url = accepted.data.urls.image;
    expect(url.startsWith(`${a.baseUrl}/assets/`)).toBe(true);
    const fromA = await fetch(url);
    const fromB = await fetch(url.replace(a.baseUrl, b.baseUrl));
    expect(fromB.status).toBe(200);
    expect(fromB.headers.get("content-type")).toBe("image/png");
    expect(fromB.headers.get("etag")).toBe(fromA.headers.get("etag"));
  });

  it("admit exactly the minute limit of 500 concurrent requests on one key split across both", async () => {
    const ws = await control(a, "/workspaces", { type: "personal", credits: 1 });
    const statuses = await Promise.all(
      Array.from(
        { length: 500 },
        async (_, i) => (await call(either(i), "GET", "/v1/credits", ws.api_key)).status,
      ),
    );
    const limit = policies.rateLimits.windows[0]?.limit ?? 0;
    expect(statuses.filter((s) => s === 200)).toHaveLength(limit);
    expect(statuses.filter((s) => s === 429)).toHaveLength(500 - limit);
  });

  it("never drive a balance below zero with concurrent generations across both", async () => {
    const ws = await control(a, "/workspaces", { type: "personal", credits: 30 });
    const collectionId = await newCollection(ws.api_key, a, b);
    const statuses = await Promise.all(
      Array.from(
        { length: 50 },
        async (_, i) =>
          (
            await call(either(i), "POST", `/v1/collections/${collectionId}/generate`, ws.api_key, {
              type: "image",
              name: `p${i}`,
              image_prompt: "x",
            })
          ).status,
      ),
    );
    expect(statuses.filter((s) => s === 202)).toHaveLength(30);
    expect(statuses.filter((s) => s === 402)).toHaveLength(20);
    const credits = (await (
      await call(b, "GET", "/v1/credits", ws.api_key)
    ).body) as {
      data: { balance: number };
    };
    expect(credits.data.balance).toBe(0);
  });

  it("hold the active-key cap across both", async () => {
    const ws = await control(a, "/workspaces", { type: "personal", credits: 1 });
    const statuses = await Promise.all(
      Array.from(
        { length: 30 },
        async (_, i) => (await call(either(i), "POST", "/v1/api-keys", ws.api_key, { name: `k${i}` })).status,
      ),
    );
    expect(statuses.filter((s) => s === 201)).toHaveLength(policies.keyPolicy.maxActiveKeysPerWorkspace - 1);
    const list = (await (
      await call(b, "GET", "/v1/api-keys", ws.api_key)
    ).body) as {
      meta: { pagination: { total: number } };
    };
    expect(list.meta.pagination.total).toBe(policies.keyPolicy.maxActiveKeysPerWorkspace);
  });

  it("stop a key revoked on one the moment it is revoked, though the other has served it", async () => {
    const ws = await control(a, "/workspaces", { type: "personal", credits: 1 });
    const created = (await (
      await call(a, "POST", "/v1/api-keys", ws.api_key, { name: "short-lived" })
    ).body) as {
      data: { id: string; key: string };
    };
    // b authenticates the new key several times (and so holds its records) before a revokes it.
    for (let i = 0; i < 3; i++)
      expect((await call(b, "GET", "/v1/credits", created.data.key)).status).toBe(200);
    expect((await call(a, "DELETE", `/v1/api-keys/${created.data.id}`, ws.api_key)).status).toBe(204);
    expect((await call(b, "GET", "/v1/credits", created.data.key)).status).toBe(401);
    expect((await call(a, "GET", "/v1/credits", created.data.key)).status).toBe(401);
  });

  it("lose nothing when an instance restarts", async () => {
    const ws = await control(a, "/workspaces", { type: "organization", credits: 7 });
    const created = (await (
      await call(a, "POST", "/v1/projects", ws.api_key, { name: "survivor" })
    ).body) as { data: { id: string } };
    await a.stop();
    a = await startSimulatorProcess(flags);
    const read = await call(a, "GET", `/v1/projects/${created.data.id}`, ws.api_key);
    expect(read.status).toBe(200);
    expect((read.body as { data: { name: string } }).data.name).toBe("survivor");
    const credits = (await (
      await call(b, "GET", "/v1/credits", ws.api_key)
    ).body) as {
      data: { balance: number };
    };
    expect(credits.data.balance).toBe(7);
  }, 30_000);
});
