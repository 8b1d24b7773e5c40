/**
 * D4 — on the Redis store every instance shares one state: jobs any instance can finish (exactly once, even after
 * the one that accepted them died), faults counted once across instances, webhook deliveries and their retries
 * that survive the death of the instance that scheduled them, and the same delivery list everywhere.
 */
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import {
  processClient,
  type RunningServer,
  type WebhookReceiver,
  webhookReceiver,
} from "../../support/process-harness.js";
import { startSimulatorProcess } from "../../support/simulator-process.js";
import { storeFlags } from "../../support/test-redis.js";
import { TEST_STORE } from "../simulator/harness.js";

const running: RunningServer[] = [];
const receivers: WebhookReceiver[] = [];
afterEach(async () => {
  for (const server of running.splice(0)) await server.stop();
  for (const receiver of receivers.splice(0)) await receiver.close();
});

/** Two simulator processes on one Redis prefix. */
async function twoInstances() {
  const flags = storeFlags(`shared:${randomUUID()}:`);
  const a = await startSimulatorProcess([...flags, "--log-level", "warn"]);
  running.push(a);
  const b = await startSimulatorProcess([...flags, "--log-level", "warn"]);
  running.push(b);
  return { a, b };
}

// biome-ignore lint/suspicious/noExplicitAny: the tests read arbitrary JSON answers
type Json = any;

/** A webhook receiver answering `statuses` in turn (the last one from then on), closed after the test. */
async function receiver(statuses: number[]) {
  const hook = await webhookReceiver(statuses);
  receivers.push(hook);
  return hook;
}
const control = async (
  server: RunningServer,
  method: string,
  path: string,
  body: unknown = {},
): Promise<Json> => (await processClient(server).control(method, path, body)).body;
const call = (server: RunningServer, method: string, path: string, key: string, body?: unknown) =>
  processClient(server, { key }).call(method, path, body === undefined ? {} : { body });

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

/** The shared delivery list once no delivery is pending (each delivered or given up), as an instance lists it. */
async function settledDeliveries(instance: Parameters<typeof control>[0]) {
  type Delivery = { event: string; state: string; attempts: unknown[] };
  const list = await until(
    async () => (await control(instance, "GET", "/deliveries")).data as Delivery[],
    (d) => d.length > 0 && d.every((delivery) => delivery.state !== "pending"),
  );
  return list;
}

describe.runIf(TEST_STORE !== "memory")(`two instances on one Redis (${TEST_STORE})`, () => {
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
    // Exactly once: the shared delivery list holds one delivery, delivered at its first attempt, and it arrived once.
    const deliveries = await settledDeliveries(b);
    expect(deliveries.map((d) => [d.event, d.state, d.attempts.length])).toEqual([
      ["job.completed", "delivered", 1],
    ]);
    expect(hook.received).toHaveLength(1);
    expect(JSON.parse(hook.received[0]?.body ?? "")).toMatchObject({ event: "job.completed" });
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
    const deliveries = await settledDeliveries(a);
    expect(deliveries.map((d) => [d.event, d.attempts.length]).sort()).toEqual([
      ["job.completed", 1],
      ["job.failed", 1],
    ]);
    expect(hook.received.map((e) => JSON.parse(e.body).event).sort()).toEqual([
      "job.completed",
      "job.failed",
    ]);
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
    // If a died before recording its first try, the delivery is still leased to it: b retries once the lease
    // (the send timeout, 5 s, plus a second) has ended, so the wait is bounded by that, with room for a busy machine.
    await until(
      async () => hook.received.length,
      (n) => n >= 2,
      15_000,
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
    // Read once the delivery has settled: the receiver holds the request a moment before the store records it.
    await settledDeliveries(a);
    expect(hook.received).toHaveLength(1);
    const [onA, onB] = await Promise.all([
      control(a, "GET", "/deliveries"),
      control(b, "GET", "/deliveries"),
    ]);
    expect(onA).toEqual(onB);
    expect(onA.data).toHaveLength(1);
  }, 40_000);
});
