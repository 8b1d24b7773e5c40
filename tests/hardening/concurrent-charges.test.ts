/**
 * Threat: concurrent calls that each plan a charge from the same record (generate-all and from-template on one
 * canvas, the first generation of a collection) all charging, where one after another would charge once, and
 * leaving jobs the canvas no longer tracks. Every charge is conditional on the records it was planned from, inside
 * the store's one step; on Redis two instances share the store.
 */
import { describe, expect, it } from "vitest";
import { type Harness, imageBody, instancesSharingAStore } from "../simulator/harness.js";

async function setup(credits: number) {
  const all = await instancesSharingAStore();
  const h = all[0] as Harness;
  const ws = await h.workspace("personal", credits);
  const { collectionId } = await h.collection(ws.key);
  const base = `/v1/collections/${collectionId}/canvases`;
  const post = (i: number, path: string, body?: unknown) =>
    (all[i % all.length] as Harness).call("POST", path, { key: ws.key, body });
  const balance = async () =>
    (await h.call("GET", "/v1/credits", { key: ws.key })).body.data.balance as number;
  const jobIds = async () =>
    ((await h.call("GET", "/v1/jobs?limit=100", { key: ws.key })).body.data as { id: string }[]).map(
      (j) => j.id,
    );
  return { h, ws, collectionId, base, post, balance, jobIds };
}

describe("concurrent calls charge as they would one after another", () => {
  it("five concurrent generate-all calls on one canvas charge once, and the canvas tracks every job made", async () => {
    const { h, ws, base, post, balance, jobIds } = await setup(500);
    const canvas = (await post(0, base, { name: "Main", template_id: "claude-code-4state" })).body.data;
    await h.advance(10);
    const before = await balance();
    const runs = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        post(i, `${base}/${canvas.id}/generate-all`, { targets: "animations" }),
      ),
    );
    expect(runs.map((r) => r.status)).toEqual([202, 202, 202, 202, 202]);
    const generated = runs.map((r) => r.body.data.generated as number).sort((x, y) => y - x);
    expect(generated).toEqual([5, 0, 0, 0, 0]);
    expect(before - (await balance())).toBe(80);
    const detail = (await h.call("GET", `${base}/${canvas.id}`, { key: ws.key })).body.data;
    const tracked = new Set([
      ...Object.values(detail.node_jobs ?? {}),
      ...Object.values(detail.edge_jobs ?? {}),
    ]);
    const status = (await h.call("GET", `${base}/${canvas.id}/status`, { key: ws.key })).body.data;
    for (const part of status.parts) tracked.add(part.job_id);
    expect((await jobIds()).filter((id) => !tracked.has(id))).toEqual([]);
  });

  it("twenty concurrent from-template calls on one empty canvas: one 202, nineteen 409, one template's cost", async () => {
    const { base, post, balance, jobIds } = await setup(100);
    const canvas = (await post(0, base, { name: "Main" })).body.data;
    const runs = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        post(i, `${base}/${canvas.id}/from-template`, { template_id: "greeter-3state" }),
      ),
    );
    const statuses = runs.map((r) => r.status);
    expect(statuses.filter((s) => s === 202)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    expect(await balance()).toBe(97);
    expect(await jobIds()).toHaveLength(3);
  });

  it("a collection renamed during its first generation keeps the new name (the style card write re-reads it)", async () => {
    const { h, ws, collectionId, post, balance } = await setup(100);
    const path = `/v1/collections/${collectionId}`;
    const [generated, renamed] = await Promise.all([
      post(0, `${path}/generate`, imageBody()),
      (h as Harness).call("PATCH", path, { key: ws.key, body: { name: "Renamed fox" } }),
    ]);
    expect([generated.status, renamed.status]).toEqual([202, 200]);
    expect(await balance()).toBe(99);
    const collection = (await h.call("GET", path, { key: ws.key })).body.data;
    expect(collection.name).toBe("Renamed fox");
    expect(collection.config.style_card).toEqual(expect.any(String));
  });
});
