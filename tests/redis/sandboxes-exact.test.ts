/**
 * Eight sandboxes driven at once through two simulator instances on one Redis (single server, or the cluster on
 * the cluster project), each resetting, moving its clock, setting faults, generating and receiving webhooks: per
 * sandbox exactly 60 admitted per key per window, every charge and every refund once, every webhook delivered
 * once; nothing of one shows in another. A third instance dies in the middle of a burst of generations: every
 * generation it accepted is charged once, and its sandbox goes on through the others.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  processClient,
  type RunningServer,
  type WebhookReceiver,
  webhookReceiver,
} from "../../support/process-harness.js";
import { waitFor } from "../../support/processes.js";
import { startSimulatorProcess } from "../../support/simulator-process.js";
import { storeFlags } from "../../support/test-redis.js";
import { TEST_STORE } from "../simulator/harness.js";

// biome-ignore lint/suspicious/noExplicitAny: the tests read arbitrary JSON answers
type Json = any;
interface Sandbox {
  sandbox_id: string;
  token: string;
  api_key: string;
}

const flags = [...storeFlags(`masko-exact:${randomUUID()}:`), "--log-level", "warn"];
let a: RunningServer;
let b: RunningServer;
const hooks: WebhookReceiver[] = [];

beforeAll(async () => {
  if (TEST_STORE === "memory") return;
  [a, b] = await Promise.all([startSimulatorProcess(flags), startSimulatorProcess(flags)]);
}, 30_000);
afterAll(async () => {
  await a?.stop();
  await b?.stop();
  for (const hook of hooks) await hook.close();
});

const call = (server: RunningServer, key: string, method: string, path: string, body?: unknown) =>
  processClient(server, { key }).call(method, path, body === undefined ? {} : { body });
const control = async (server: RunningServer, s: Sandbox, method: string, path: string, body?: unknown) => {
  const answer = await processClient(server, { sandboxToken: s.token }).control(
    method,
    `/sandboxes/${s.sandbox_id}${path}`,
    body,
  );
  expect(answer.status, `${method} ${path}: ${JSON.stringify(answer.body)}`).toBeLessThan(300);
  return answer.body as Json;
};
const either = (i: number) => (i % 2 ? a : b);
const image = (n: number) => ({ type: "image", name: `W${n}`, image_prompt: "waving" });

/** One sandbox's whole run; returns what the checks below compare across sandboxes. */
async function drive(i: number) {
  const s = (await processClient(either(i)).control("POST", "/sandboxes", {})).body as Sandbox;
  const hook = await webhookReceiver([200]);
  hooks.push(hook);
  await control(either(i + 1), s, "POST", "/reset");
  const hooked = await call(either(i), s.api_key, "POST", "/v1/webhooks", {
    url: hook.url,
    events: ["job.completed", "job.failed"],
  });
  expect(hooked.status).toBe(201);
  const project = await call(either(i + 1), s.api_key, "POST", "/v1/projects", { name: `P${i}` });
  const collection = await call(either(i), s.api_key, "POST", "/v1/collections", {
    project_id: (project.body as Json).data.id,
    name: `Fox${i}`,
  });
  const collectionId = (collection.body as Json).data.id;
  // The first of its jobs fails (an injected fault of this sandbox only): refunded once.
  await control(either(i + 1), s, "POST", "/faults", { fail_next_jobs: 1 });
  const jobs: string[] = [];
  for (let n = 0; n < 3; n++) {
    const accepted = await call(
      either(i + n),
      s.api_key,
      "POST",
      `/v1/collections/${collectionId}/generate`,
      image(n),
    );
    expect(accepted.status).toBe(202);
    jobs.push((accepted.body as Json).data.job_id);
  }
  await control(either(i), s, "POST", "/clock", { advance_seconds: 600 });
  await waitFor(`sandbox ${i}'s three webhooks`, () => hook.received.length >= 3, { timeoutMs: 20_000 });
  // A fresh minute window for its key, then 80 calls split over both instances at once.
  await control(either(i + 1), s, "POST", "/clock", { advance_seconds: 61 });
  const burst = await Promise.all(
    Array.from({ length: 80 }, (_, n) => call(either(n), s.api_key, "GET", "/v1/credits")),
  );
  return { s, hook, jobs, collectionId, burst };
}

describe.runIf(TEST_STORE !== "memory")(`eight sandboxes at once on two instances (${TEST_STORE})`, () => {
  it("keep every sandbox exact and apart: 60 a window, charges, refunds and webhooks once each", async () => {
    const runs = await Promise.all(Array.from({ length: 8 }, (_, i) => drive(i)));
    for (const [i, run] of runs.entries()) {
      const statuses = run.burst.map((x) => x.status);
      expect(
        statuses.filter((x) => x === 200),
        `sandbox ${i}`,
      ).toHaveLength(60);
      expect(
        statuses.filter((x) => x === 429),
        `sandbox ${i}`,
      ).toHaveLength(20);
      // 100 credits, three images of 1 credit, the failed one refunded.
      const balances = run.burst.filter((x) => x.status === 200).map((x) => (x.body as Json).data.balance);
      expect(new Set(balances), `sandbox ${i}`).toEqual(new Set([98]));
      // Each job's event delivered once, to this sandbox's receiver only.
      await new Promise((r) => setTimeout(r, 300));
      const delivered = run.hook.received.map((h) => JSON.parse(h.body));
      expect(delivered.map((e: Json) => e.job_id).sort(), `sandbox ${i}`).toEqual([...run.jobs].sort());
      expect(delivered.map((e: Json) => e.event).sort()).toEqual([
        "job.completed",
        "job.completed",
        "job.failed",
      ]);
      const deliveries = await control(a, run.s, "GET", "/deliveries");
      expect(deliveries.data.map((d: Json) => [d.state, d.attempts.length])).toEqual([
        ["delivered", 1],
        ["delivered", 1],
        ["delivered", 1],
      ]);
      // Nothing of another sandbox: its jobs are its own, its collection the only one it sees (in a new window:
      // the burst spent this one).
      await control(b, run.s, "POST", "/clock", { advance_seconds: 61 });
      const listed = (await call(b, run.s.api_key, "GET", "/v1/jobs?limit=100")).body as Json;
      expect(listed.data.map((j: Json) => j.id).sort()).toEqual([...run.jobs].sort());
      const collections = (await call(a, run.s.api_key, "GET", "/v1/collections")).body as Json;
      expect(collections.data.map((c: Json) => c.id)).toEqual([run.collectionId]);
    }
  }, 120_000);

  it("charge once every generation an instance accepted before it died mid-burst", async () => {
    const c = await startSimulatorProcess(flags);
    const s = (await processClient(c).control("POST", "/sandboxes", {})).body as Sandbox;
    const project = await call(c, s.api_key, "POST", "/v1/projects", { name: "P" });
    const collection = await call(c, s.api_key, "POST", "/v1/collections", {
      project_id: (project.body as Json).data.id,
      name: "Fox",
    });
    const path = `/v1/collections/${(collection.body as Json).data.id}/generate`;
    const accepted: string[] = [];
    const sends = Array.from({ length: 40 }, async (_, n) => {
      await new Promise((r) => setTimeout(r, n * 15));
      const server = n % 3 === 0 ? a : n % 3 === 1 ? b : c;
      const answer = await call(server, s.api_key, "POST", path, image(n)).catch(() => undefined);
      if (answer?.status === 202) accepted.push((answer.body as Json).data.job_id);
    });
    setTimeout(() => void c.kill(), 250);
    await Promise.all(sends);
    expect(accepted.length).toBeGreaterThan(10);
    const stored = ((await call(a, s.api_key, "GET", "/v1/jobs?limit=100")).body as Json).data.map(
      (j: Json) => j.id,
    );
    expect(stored).toEqual(expect.arrayContaining(accepted));
    const balance = ((await call(b, s.api_key, "GET", "/v1/credits")).body as Json).data.balance;
    expect(balance).toBe(100 - stored.length);
  }, 60_000);
});
