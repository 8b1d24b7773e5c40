/**
 * D4 — on the Redis store every instance shares one state: jobs any instance can finish (exactly once, even after
 * the one that accepted them died), faults counted once across instances, webhook deliveries and their retries
 * that survive the death of the instance that scheduled them, and the same delivery list everywhere.
 */
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { RunningServer } from "../../support/processes.js";
import { startSimulatorProcess } from "../../support/simulator-process.js";
import { TEST_STORE } from "../simulator/harness.js";

const REDIS = process.env.MASKO_TEST_REDIS_URL ?? "redis://127.0.0.1:6390";
const running: RunningServer[] = [];
const receivers: Server[] = [];
afterEach(async () => {
  for (const server of running.splice(0)) await server.stop();
  for (const receiver of receivers.splice(0)) receiver.close();
});

/** Two simulator processes on one Redis prefix. */
async function twoInstances() {
  const flags = ["--store", "redis", "--redis-url", REDIS, "--redis-prefix", `shared:${randomUUID()}:`];
  const a = await startSimulatorProcess([...flags, "--log-level", "warn"]);
  running.push(a);
  const b = await startSimulatorProcess([...flags, "--log-level", "warn"]);
  running.push(b);
  return { a, b };
}

/** A webhook receiver answering `statuses` in turn (the last one from then on). */
async function receiver(statuses: number[]) {
  const received: string[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      received.push(body);
      res.writeHead(statuses[Math.min(received.length - 1, statuses.length - 1)] ?? 200).end();
    });
  });
  receivers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received };
}

// biome-ignore lint/suspicious/noExplicitAny: the tests read arbitrary JSON answers
type Json = any;

const control = async (
  server: RunningServer,
  method: string,
  path: string,
  body: unknown = {},
): Promise<Json> => {
  const response = await fetch(`${server.baseUrl}/__mock${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: method === "GET" ? undefined : JSON.stringify(body),
  });
  return response.json();
};
const call = async (server: RunningServer, method: string, path: string, key: string, body?: unknown) => {
  const response = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { "content-type": "application/json" } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: (await response.json()) as Json };
};

/** A funded workspace with a collection and a webhook to `hookUrl`, created through `server`. */
async function workspace(server: RunningServer, credits: number, hookUrl?: string) {
  const ws = await control(server, "POST", "/workspaces", {
    type: "personal",
    credits,
  });
  const project = await call(server, "POST", "/v1/projects", ws.api_key, { name: "P" });
  const collection = await call(server, "POST", "/v1/collections", ws.api_key, {
    project_id: project.body.data.id,
    name: "Fox",
  });
  if (hookUrl) {
    await call(server, "POST", "/v1/webhooks", ws.api_key, {
      url: hookUrl,
      events: ["job.completed", "job.failed"],
    });
  }
  return { key: ws.api_key, collectionId: collection.body.data.id };
}

const image = (name: string) => ({ type: "image", name, image_prompt: "waving" });

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.runIf(TEST_STORE === "redis")("two instances on one Redis", () => {
  it("finish a job accepted by an instance that died, once, when the clock moves on the other", async () => {
    const { a, b } = await twoInstances();
    const hook = await receiver([200]);
    const { key, collectionId } = await workspace(a, 10, hook.url);
    const accepted = await call(a, "POST", `/v1/collections/${collectionId}/generate`, key, image("Wave"));
    expect(accepted.status).toBe(202);
    await a.kill();
    await control(b, "POST", "/clock", { advance_seconds: 60 });
    const job = await call(b, "GET", `/v1/jobs/${accepted.body.data.job_id}`, key);
    expect(job.body.data.status).toBe("completed");
    await until(
      async () => hook.received.length,
      (n) => n > 0,
    );
    await new Promise((r) => setTimeout(r, 600));
    expect(hook.received).toHaveLength(1);
    expect(JSON.parse(hook.received[0] as string)).toMatchObject({ event: "job.completed" });
  }, 40_000);

  it("refund a failed job once and apply a fault set on one instance to a job accepted by the other", async () => {
    const { a, b } = await twoInstances();
    const hook = await receiver([200]);
    const { key, collectionId } = await workspace(a, 10, hook.url);
    await control(a, "POST", "/faults", { fail_next_jobs: 1 });
    const first = await call(b, "POST", `/v1/collections/${collectionId}/generate`, key, image("One"));
    const second = await call(a, "POST", `/v1/collections/${collectionId}/generate`, key, image("Two"));
    expect([first.status, second.status]).toEqual([202, 202]);
    await b.kill();
    await control(a, "POST", "/clock", { advance_seconds: 60 });
    const jobs = await call(a, "GET", "/v1/jobs", key);
    const statuses = jobs.body.data.map((j: Json) => j.status).sort();
    expect(statuses).toEqual(["completed", "failed"]);
    const credits = await call(a, "GET", "/v1/credits", key);
    expect(credits.body.data.balance).toBe(9);
    const events = await until(
      async () => hook.received,
      (r) => r.length >= 2,
    );
    await new Promise((r) => setTimeout(r, 600));
    expect(events.map((e) => JSON.parse(e).event).sort()).toEqual(["job.completed", "job.failed"]);
  }, 40_000);

  it("keep retrying a delivery after the instance that scheduled it died, and list it the same on both", async () => {
    const { a, b } = await twoInstances();
    const hook = await receiver([500, 200]);
    const { key, collectionId } = await workspace(a, 10, hook.url);
    await call(a, "POST", `/v1/collections/${collectionId}/generate`, key, image("Wave"));
    await control(a, "POST", "/clock", { advance_seconds: 60 });
    await until(
      async () => hook.received.length,
      (n) => n >= 1,
    );
    await a.kill();
    await until(
      async () => hook.received.length,
      (n) => n >= 2,
    );
    const onB = await control(b, "GET", "/deliveries");
    expect(onB.data).toHaveLength(1);
    expect(onB.data[0]).toMatchObject({ state: "delivered" });
    expect(onB.data[0]?.attempts).toHaveLength(2);
    expect(hook.received).toHaveLength(2);
  }, 40_000);

  it("show the same deliveries on every instance", async () => {
    const { a, b } = await twoInstances();
    const hook = await receiver([200]);
    const { key, collectionId } = await workspace(a, 10, hook.url);
    await call(b, "POST", `/v1/collections/${collectionId}/generate`, key, image("Wave"));
    await control(a, "POST", "/clock", { advance_seconds: 60 });
    await until(
      async () => hook.received.length,
      (n) => n >= 1,
    );
    const [onA, onB] = await Promise.all([
      control(a, "GET", "/deliveries"),
      control(b, "GET", "/deliveries"),
    ]);
    expect(onA).toEqual(onB);
    expect(onA.data).toHaveLength(1);
  }, 40_000);
});
