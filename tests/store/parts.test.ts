/**
 * The store contract, part by part, on the backend under test (both run it: `memory` and `redis` projects). What a
 * handler relies on is stated here once, so a new backend (or a change to one) is held to the same answers.
 */
import { describe, expect, it } from "vitest";
import { NO_FAULTS } from "../../src/mock/rules/faults.js";
import type { ApiKeyRecord, ResourceRecords, ResourceWrite } from "../../src/mock/store/records.js";
import { inLayout } from "../../src/mock/store/redis/keys.js";
import type { DeliveryRecord, Store } from "../../src/mock/store/store.js";
import { BACKEND, storeUnderTest } from "./backend.js";

const key = (n: number, workspace = "ws"): ApiKeyRecord => ({
  id: `key-${workspace}-${n}`,
  hash: `hash-${workspace}-${n}`,
  name: `k${n}`,
  display_hint: "masko_…abcd",
  workspace_id: workspace,
  user_id: `user-${workspace}`,
  created_at: "2026-01-01T00:00:00.000Z",
  revoked_at: null,
});
const project = (id: string, workspace = "ws", name = id): ResourceWrite => ({
  kind: "project",
  record: { id, workspace_id: workspace, name, created_at: "2026-01-01T00:00:00.000Z" },
});
const asset = (id: string): ResourceRecords["asset"] =>
  ({ id, workspace_id: "ws", url: `https://cdn.test/u1/fox/${id}-0a1b2c3d.png` }) as ResourceRecords["asset"];
const job = (id: string, fields: Partial<ResourceRecords["job"]> = {}): ResourceRecords["job"] =>
  ({
    id,
    workspace_id: "ws",
    status: "queued",
    accepted_at_ms: Date.now() - 10_000,
    done_after_ms: 0,
    ...fields,
  }) as ResourceRecords["job"];
const delivery = (id: string, webhook: string): DeliveryRecord => ({
  id,
  webhook_id: webhook,
  url: "http://127.0.0.1:9/hook",
  event: "job.completed",
  job_id: "job",
  state: "pending",
  attempts: [],
  body: "{}",
  signature: "sig",
});

async function withAccount(store: Store, balance = 100, workspace = "ws") {
  await store.createWorkspace({ id: workspace, type: "personal", balance });
  await store.createUser({ id: `user-${workspace}`, workspace_id: workspace, role: "owner" });
}

describe(`the store contract (${BACKEND})`, () => {
  describe("accounts and keys", () => {
    it("holds a workspace to its active-key cap; a revoked key frees its place and stops authenticating", async () => {
      const { store } = storeUnderTest();
      await withAccount(store);
      for (let n = 1; n <= 10; n++) expect(await store.insertApiKey(key(n), 10)).toBe("inserted");
      expect(await store.insertApiKey(key(11), 10)).toBe("limit_reached");
      expect((await store.listActiveApiKeys("ws")).map((k) => k.id)[0]).toBe("key-ws-10");
      expect(await store.revokeApiKey("key-ws-3", "2026-02-01T00:00:00.000Z")).toBe(true);
      expect(await store.revokeApiKey("key-ws-3", "2026-02-02T00:00:00.000Z")).toBe(false);
      expect(await store.findCredentials("hash-ws-3")).toBeUndefined();
      expect(await store.insertApiKey(key(11), 10)).toBe("inserted");
      expect(await store.listActiveApiKeys("ws")).toHaveLength(10);
      expect((await store.getApiKey("key-ws-3"))?.revoked_at).toBe("2026-02-01T00:00:00.000Z");
    });

    it("finds a key's caller with workspace and balance; a balance is set only on a workspace that exists", async () => {
      const { store } = storeUnderTest();
      await withAccount(store, 40);
      await store.insertApiKey(key(1), 10);
      const found = await store.findCredentials("hash-ws-1");
      expect(found).toMatchObject({ key: { id: "key-ws-1" }, user: { id: "user-ws" }, openJobs: false });
      expect(found?.workspace).toEqual({ id: "ws", type: "personal", balance: 40 });
      expect(await store.setBalance("ws", 7)).toBe(true);
      expect(await store.setBalance("nowhere", 7)).toBe(false);
      expect(await store.getWorkspace("nowhere")).toBeUndefined();
      expect((await store.findCredentials("hash-ws-1"))?.workspace.balance).toBe(7);
      expect(await store.findCredentials("no-such-hash")).toBeUndefined();
    });
  });

  describe("resources", () => {
    it("lists a workspace's records oldest first and no other workspace's", async () => {
      const { store } = storeUnderTest();
      for (const id of ["p1", "p2", "p3"]) await store.putResource(project(id));
      await store.putResource(project("other", "ws-2"));
      await store.putResource(project("p1", "ws", "renamed"));
      const listed = await store.listResources("project", "ws");
      expect(listed.map((p) => [p.id, p.name])).toEqual([
        ["p1", "renamed"],
        ["p2", "p2"],
        ["p3", "p3"],
      ]);
    });

    it("writes a record conditionally only while it is stored as read", async () => {
      const { store } = storeUnderTest();
      const read = project("p");
      await store.putResource(read);
      expect(await store.putResource(project("p", "ws", "first"), read.record)).toBe(true);
      expect(await store.putResource(project("p", "ws", "second"), read.record)).toBe(false);
      expect((await store.getResource("project", "p"))?.name).toBe("first");
    });

    it("finds an asset by its CDN path until it is deleted", async () => {
      const { store } = storeUnderTest();
      await store.putResource({ kind: "asset", record: asset("a1") });
      expect((await store.findAssetByPath("u1/fox/a1-0a1b2c3d.png"))?.id).toBe("a1");
      await store.deleteResource("asset", "a1");
      expect(await store.findAssetByPath("u1/fox/a1-0a1b2c3d.png")).toBeUndefined();
      expect(await store.listResources("asset", "ws")).toEqual([]);
    });
  });

  describe("jobs and credits", () => {
    it("tracks an unfinished job until it is finished once, refunding once", async () => {
      const { store } = storeUnderTest();
      await withAccount(store, 10);
      await store.insertApiKey(key(1), 10);
      expect(await store.chargeAndWrite("ws", 4, [{ kind: "job", record: job("j1") }])).toEqual({
        ok: true,
        balance: 6,
      });
      expect((await store.listUnfinishedJobs("ws")).map((j) => j.id)).toEqual(["j1"]);
      expect((await store.findCredentials("hash-ws-1"))?.openJobs).toBe(true);
      expect(await store.dueJobWorkspaces(Date.now())).toEqual(["ws"]);
      const failed = job("j1", { status: "failed" });
      expect(await store.finishJob(failed, [asset("out")], 4)).toBe(true);
      expect(await store.finishJob(failed, [], 4)).toBe(false);
      expect((await store.getWorkspace("ws"))?.balance).toBe(10);
      expect(await store.listUnfinishedJobs("ws")).toEqual([]);
      expect((await store.findCredentials("hash-ws-1"))?.openJobs).toBe(false);
      expect(await store.dueJobWorkspaces(Date.now())).toEqual([]);
      expect((await store.getResource("asset", "out"))?.id).toBe("out");
    });
  });

  describe("faults", () => {
    it("takes queued job failures and operation failures at most as many as were set", async () => {
      const { store } = storeUnderTest();
      await store.writeFaults({ latencyMs: 20, failNextJobs: 3, failOperations: { getCredits: 1 } });
      expect(await store.takeJobFailures(2)).toBe(2);
      expect(await store.takeJobFailures(5)).toBe(1);
      await store.returnJobFailures(2);
      expect(await store.takeOperationFailure("getCredits")).toBe(true);
      expect(await store.takeOperationFailure("getCredits")).toBe(false);
      expect(await store.readFaults()).toEqual({
        latencyMs: 20,
        failNextJobs: 2,
        failOperations: { getCredits: 0 },
      });
      await store.clearFaults();
      expect(await store.readFaults()).toEqual(NO_FAULTS);
    });
  });

  describe("deliveries", () => {
    it("claims due deliveries for a lease, at most `max` per webhook, and never a final one", async () => {
      const { store } = storeUnderTest();
      const now = 1_000_000;
      await store.putDelivery(delivery("d1", "hook-a"), now - 3);
      await store.putDelivery(delivery("d2", "hook-a"), now - 2);
      await store.putDelivery(delivery("d3", "hook-b"), now - 1);
      await store.putDelivery({ ...delivery("d4", "hook-b"), state: "delivered" }, null);
      const bound = { max: 1, inFlight: new Map<string, number>() };
      expect((await store.claimDueDeliveries(now, 5000, 10, bound)).map((d) => d.id)).toEqual(["d1", "d3"]);
      expect((await store.claimDueDeliveries(now, 5000, 10, bound)).map((d) => d.id)).toEqual(["d2"]);
      expect(await store.claimDueDeliveries(now + 4999, 5000, 10)).toEqual([]);
      // Leases that end together: all three due again (their order among equals is not part of the contract).
      expect((await store.claimDueDeliveries(now + 5000, 5000, 10)).map((d) => d.id).sort()).toEqual([
        "d1",
        "d2",
        "d3",
      ]);
      expect((await store.listDeliveries()).map((d) => d.id)).toEqual(["d1", "d2", "d3", "d4"]);
    });
  });

  it("drops everything on reset", async () => {
    const { store } = storeUnderTest();
    await withAccount(store);
    await store.insertApiKey(key(1), 10);
    await store.putResource(project("p"));
    await store.reset();
    expect(await store.getWorkspace("ws")).toBeUndefined();
    expect(await store.findCredentials("hash-ws-1")).toBeUndefined();
    expect(await store.listResources("project", "ws")).toEqual([]);
  });

  it.runIf(BACKEND === "redis")("keeps every Redis key within the layout of keys.ts", async () => {
    const { store, prefix } = storeUnderTest();
    await withAccount(store);
    await store.insertApiKey(key(1), 10);
    await store.admit("hash-ws-1", "", [{ name: "minute", limit: 60, windowSeconds: 60 }], Date.now());
    await store.hitRateLimit("ip:127.0.0.1", [{ name: "minute", limit: 60, windowSeconds: 60 }], Date.now());
    await store.chargeAndWrite("ws", 1, [
      { kind: "job", record: job("j1") },
      { kind: "asset", record: asset("a") },
    ]);
    await store.writeFaults({ latencyMs: 1, failNextJobs: 1, failOperations: {} });
    await store.putDelivery(delivery("d1", "hook"), 0);
    await store.clock?.advance(1);
    const keys = (await store.dump()).split("\n").map((line) => line.slice(0, line.indexOf("=")));
    expect(keys.length).toBeGreaterThan(12);
    expect(keys.filter((k) => !inLayout(prefix, k))).toEqual([]);
  });
});
