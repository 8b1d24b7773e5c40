import { afterEach, describe, expect, it } from "vitest";
import { parseWebhookEvent, verifyWebhookSignature } from "../../src/client/webhooks.js";
import { loopbackOnly } from "../../src/mock/webhooks/webhook-delivery.js";
import { type ReceivedHook, webhookReceiver } from "../../support/process-harness.js";
import { createHarness, imageBody } from "./harness.js";

const receivers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of receivers.splice(0)) await close();
});

/** A webhook receiver on loopback answering `statuses` in turn (the last one repeats), closed after the test. */
async function receiver(statuses: number[]) {
  const hook = await webhookReceiver(statuses);
  receivers.push(() => hook.close());
  return hook;
}

async function until<T>(
  read: () => T | Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function setup(statuses: number[], events = ["job.completed", "job.failed"]) {
  const h = await createHarness({
    webhookDelivery: { maxAttempts: 3, baseDelayMs: 30, timeoutMs: 2000, allowUrl: loopbackOnly },
  });
  const hook = await receiver(statuses);
  const created = await h.call("POST", "/v1/webhooks", { body: { url: hook.url, events } });
  expect(created.status).toBe(201);
  const { collectionId } = await h.collection(h.demoKey);
  return { h, hook, secret: created.body.data.secret as string, collectionId };
}

describe("webhook delivery", () => {
  it("POSTs job.completed with a signature the client helper accepts, without anyone polling", async () => {
    const { h, hook, secret, collectionId } = await setup([200]);
    const job = await h.call("POST", `/v1/collections/${collectionId}/generate`, { body: imageBody() });
    await h.advance(10);
    const got = await until(
      () => hook.received,
      (r) => r.length > 0,
    );
    expect(got).toHaveLength(1);
    const [received] = got as [ReceivedHook];
    const delivery = {
      body: received.body,
      signature: received.headers["x-masko-signature"] as string | undefined,
    };
    expect(await verifyWebhookSignature(delivery.body, delivery.signature, secret)).toBe(true);
    expect(
      await verifyWebhookSignature(delivery.body.replace("image", "logo"), delivery.signature, secret),
    ).toBe(false);
    expect(await verifyWebhookSignature(delivery.body, delivery.signature, "whsec_wrong")).toBe(false);
    const event = parseWebhookEvent(delivery.body);
    expect(event).toMatchObject({ event: "job.completed", job_id: job.body.data.job_id, type: "image" });
    expect(event.urls.image).toMatch(/^https:\/\//);
  });

  it("retries a failing receiver with back-off and records every attempt", async () => {
    const { h, hook, collectionId } = await setup([500, 503, 200]);
    await h.call("POST", `/v1/collections/${collectionId}/generate`, { body: imageBody() });
    await h.advance(10);
    const deliveries = await until(
      () => h.sim.control.deliveries(),
      (d) => d[0]?.state !== "pending" && d.length > 0,
    );
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]?.state).toBe("delivered");
    expect(deliveries[0]?.attempts.map((a) => a.status)).toEqual([500, 503, 200]);
    expect(hook.received).toHaveLength(3);
  });

  it("gives up after the bounded number of attempts", async () => {
    const { h, collectionId } = await setup([500]);
    await h.call("POST", `/v1/collections/${collectionId}/generate`, { body: imageBody() });
    await h.advance(10);
    const deliveries = await until(
      () => h.sim.control.deliveries(),
      (d) => d[0]?.state === "failed",
    );
    expect(deliveries[0]?.attempts).toHaveLength(3);
  });

  it("sends job.failed only to webhooks that asked for it", async () => {
    const { h, hook, collectionId } = await setup([200], ["job.failed"]);
    await h.sim.control.setFaults({ fail_next_jobs: 1 });
    const failing = await h.call("POST", `/v1/collections/${collectionId}/generate`, {
      body: imageBody("a"),
    });
    await h.call("POST", `/v1/collections/${collectionId}/generate`, { body: imageBody("b") });
    await h.advance(10);
    // Both jobs are settled once the clock has moved: the simulator's own list holds every delivery it will make.
    const deliveries = await until(
      () => h.sim.control.deliveries(),
      (d) => d.length > 0 && d.every((delivery) => delivery.state !== "pending"),
    );
    expect(deliveries.map((d) => d.event)).toEqual(["job.failed"]);
    expect(hook.received.map((r) => parseWebhookEvent(r.body))).toMatchObject([
      { event: "job.failed", job_id: failing.body.data.job_id, error: { code: "internal_error" } },
    ]);
  });

  it("records a delivery to a target the policy does not allow as failed, without sending it", async () => {
    const h = await createHarness();
    const created = await h.call("POST", "/v1/webhooks", {
      body: { url: "https://example.com/hooks/masko", events: ["job.completed"] },
    });
    expect(created.status).toBe(201);
    const { collectionId } = await h.collection(h.demoKey);
    await h.call("POST", `/v1/collections/${collectionId}/generate`, { body: imageBody() });
    await h.advance(10);
    const deliveries = await until(
      () => h.sim.control.deliveries(),
      (d) => d.length > 0,
    );
    expect(deliveries).toMatchObject([
      {
        state: "failed",
        url: "https://example.com/hooks/masko",
        attempts: [{ status: null, error: "target not allowed" }],
      },
    ]);
  });
});
