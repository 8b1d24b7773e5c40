/**
 * Threat: webhook delivery work that starves or that one tenant can hold up for all. Every due delivery is tried
 * without waiting for an unrelated event (a claim that fills up claims again); a try under way never blocks the
 * next claim, each webhook has at most two tries under way and an instance 128, so receivers that never answer
 * hold back only their own deliveries; a clock move never waits on a receiver. bench/tenant-isolation.ts measures
 * the delay another tenant's webhook sees under that attack.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createHarness, type Harness, imageBody } from "../simulator/harness.js";

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A receiver that answers 200 (`answer`), or holds every request open without answering. */
async function receiver(answer: boolean) {
  const state = { received: 0, open: 0 };
  const server = createServer((req, res) => {
    state.received++;
    state.open++;
    req.resume();
    res.on("close", () => state.open--);
    if (answer) req.on("end", () => res.writeHead(200).end());
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, state };
}

async function tenant(h: Harness, hookUrls: string[]) {
  const ws = await h.workspace("personal", 1000);
  const { collectionId } = await h.collection(ws.key);
  for (const url of hookUrls) {
    const created = await h.call("POST", "/v1/webhooks", {
      key: ws.key,
      body: { url, events: ["job.completed"] },
    });
    expect(created.status).toBe(201);
  }
  const generate = (count: number) =>
    h.call("POST", `/v1/collections/${collectionId}/generate-batch`, {
      key: ws.key,
      body: { requests: Array.from({ length: count }, (_, i) => imageBody(`Pose ${i}`)) },
    });
  return { ws, generate };
}

async function until(condition: () => boolean | Promise<boolean>, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}

describe("webhook delivery never starves and one tenant's receivers cannot hold up another's", () => {
  it("delivers all 110 events of 11 webhooks × a batch of 10 jobs with no other request", async () => {
    const h = await createHarness();
    const hooks = await Promise.all(Array.from({ length: 11 }, () => receiver(true)));
    const { generate } = await tenant(
      h,
      hooks.map((r) => r.url),
    );
    expect((await generate(10)).status).toBe(202);
    await h.advance(10);
    // No unrelated event may help: the scheduler's own timers (jobs due later, polls) are stopped now, so what is
    // delivered from here is delivered by the delivery work itself.
    h.sim.services.scheduler.stop();
    // Every receiver got its event and every delivery is recorded as delivered (a try is stored after its answer).
    const list = () => h.sim.services.webhooks.list();
    const done = async () =>
      hooks.reduce((n, r) => n + r.state.received, 0) === 110 &&
      (await list()).filter((d) => d.state === "delivered").length === 110;
    expect(await until(done, 5000)).toBe(true);
    const deliveries = await list();
    expect(deliveries.filter((d) => d.state !== "delivered")).toEqual([]);
    // Healthy receivers: each event needed one try, none waited for a retry to be noticed.
    expect(deliveries.filter((d) => d.attempts.length !== 1)).toEqual([]);
  });

  it("another tenant's webhook arrives while ten receivers that never answer still hold their requests", async () => {
    const h = await createHarness();
    const dead = await Promise.all(Array.from({ length: 10 }, () => receiver(false)));
    const attacker = await tenant(
      h,
      dead.map((r) => r.url),
    );
    expect((await attacker.generate(3)).status).toBe(202);
    const healthy = await receiver(true);
    const other = await tenant(h, [healthy.url]);
    expect((await other.generate(1)).status).toBe(202);
    // The clock move settles both tenants' jobs and does not wait for the receivers.
    await h.advance(10);
    const openAtReturn = dead.reduce((n, r) => n + r.state.open, 0);
    expect(await until(() => healthy.state.received === 1)).toBe(true);
    const stillOpen = dead.reduce((n, r) => n + r.state.open, 0);
    expect(stillOpen).toBeGreaterThanOrEqual(10);
    // Each dead receiver holds at most two tries at once: its own bound.
    expect(dead.every((r) => r.state.open <= 2)).toBe(true);
    expect(openAtReturn + stillOpen).toBeGreaterThan(0);
  });

  it("a clock move returns while deliveries to receivers that never answer are under way", async () => {
    const h = await createHarness();
    const dead = await receiver(false);
    const { generate } = await tenant(h, [dead.url]);
    expect((await generate(1)).status).toBe(202);
    await h.advance(10);
    // The try started (or starts right after) but the clock move did not wait for its answer.
    expect(await until(() => dead.state.received === 1, 2000)).toBe(true);
    expect(dead.state.open).toBe(1);
    const deliveries = await h.sim.services.webhooks.list();
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]?.attempts.every((a) => a.status === null && a.error === null)).toBe(true);
  });
});
