import { describe, expect, it } from "vitest";
import { createHarness } from "./harness.js";

async function setup(credits = 100) {
  const h = await createHarness();
  const ws = await h.workspace("personal", credits);
  const { collectionId } = await h.collection(ws.key);
  const base = `/v1/collections/${collectionId}/canvases`;
  const balance = async () =>
    (await h.call("GET", "/v1/credits", { key: ws.key })).body.data.balance as number;
  const post = (path: string, body?: unknown) => h.call("POST", path, { key: ws.key, body });
  const get = (path: string) => h.call("GET", path, { key: ws.key });
  return { h, ws, collectionId, base, balance, post, get };
}

describe("canvases", () => {
  it("creates an empty canvas for free and reads it back with its progress", async () => {
    const { base, balance, post, get } = await setup();
    const created = await post(base, { name: "Main Canvas" });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({ name: "Main Canvas", template_id: null, nodes: [], edges: [] });
    expect(created.body.data.status.percent).toBe(100);
    expect(await balance()).toBe(100);
    const read = await get(`${base}/${created.body.data.id}`);
    expect(read.body.data.id).toBe(created.body.data.id);
  });

  it("creates a canvas from a template in one call, charging one image per node, and shows the same progress on the detail and /status", async () => {
    const { h, base, balance, post, get } = await setup();
    const created = await post(base, { name: "Main", template_id: "claude-code-4state" });
    expect(created.status).toBe(201);
    const canvas = created.body.data;
    expect(canvas.template_id).toBe("claude-code-4state");
    expect(canvas.nodes).toHaveLength(4);
    expect(canvas.nodes.every((n: { assetId: string | null }) => typeof n.assetId === "string")).toBe(true);
    expect(await balance()).toBe(96);
    expect(canvas.status.nodes).toEqual({ total: 4, completed: 0, percent: 0 });
    await h.advance(10);
    const detail = await get(`${base}/${canvas.id}`);
    const status = await get(`${base}/${canvas.id}/status`);
    expect(detail.body.data.status).toEqual(status.body.data);
    expect(status.body.data.nodes).toEqual({ total: 4, completed: 4, percent: 100 });
  });

  it("applies a template to an empty canvas with node_mapping, jobs and total_cost; a second application is 409", async () => {
    const { base, balance, post } = await setup();
    const canvas = (await post(base, { name: "Main" })).body.data;
    const applied = await post(`${base}/${canvas.id}/from-template`, { template_id: "greeter-3state" });
    expect(applied.status).toBe(202);
    expect(Object.keys(applied.body.data.node_mapping)).toEqual(["idle", "waving", "happy"]);
    expect(applied.body.data.jobs).toHaveLength(3);
    expect(applied.body.data.total_cost).toBe(3);
    expect(await balance()).toBe(97);
    const again = await post(`${base}/${canvas.id}/from-template`, { template_id: "greeter-3state" });
    expect(again.status).toBe(409);
    expect(await balance()).toBe(97);
  });

  it("answers 404 for an unknown template and charges nothing", async () => {
    const { base, balance, post } = await setup();
    const answer = await post(base, { name: "Main", template_id: "no-such-template" });
    expect(answer.status).toBe(404);
    expect(await balance()).toBe(100);
  });

  it("refuses a template the balance cannot cover with 402 and creates nothing", async () => {
    const { h, ws, collectionId, base, post } = await setup(3);
    const answer = await post(base, { name: "Main", template_id: "claude-code-4state" });
    expect(answer.status).toBe(402);
    expect(answer.body.error).toMatchObject({ required: 4, balance: 3 });
    const jobs = await h.call("GET", `/v1/jobs?collection_id=${collectionId}`, { key: ws.key });
    expect(jobs.body.data).toEqual([]);
  });

  it("prices generate-all in a dry run without queuing or charging anything", async () => {
    const { h, base, balance, post } = await setup();
    const canvas = (await post(base, { name: "Main", template_id: "claude-code-4state" })).body.data;
    await h.advance(10);
    const dry = await post(`${base}/${canvas.id}/generate-all`, { dry_run: true, targets: "animations" });
    expect(dry.status).toBe(200);
    // Four paid edges × 4 s × 5 credits, one reverse edge free, the any-state edge skipped.
    expect(dry.body.data).toMatchObject({
      dry_run: true,
      generated: 0,
      estimated_cost: 80,
      would_charge_credits: 80,
      actual_cost: 0,
      reverse_free: 1,
      jobs: [],
    });
    expect(dry.body.data.planned_jobs).toHaveLength(5);
    const forward = dry.body.data.planned_jobs.find((j: { id: string }) => j.id === "idle-to-thinking");
    expect(forward).toMatchObject({ edge_type: "forward", cost: 20, duration: 4 });
    expect(forward.source_asset_url).toMatch(/^https:\/\/assets\.masko\.ai\//);
    expect(dry.body.data.skipped_items).toContainEqual({
      kind: "edge",
      id: "done-to-idle",
      reason: "any_state",
    });
    expect(await balance()).toBe(96);
  });

  it("queues and charges generate-all all at once, and a second call queues nothing (skip_completed)", async () => {
    const { h, base, balance, post, get } = await setup();
    const canvas = (await post(base, { name: "Main", template_id: "claude-code-4state" })).body.data;
    await h.advance(10);
    const run = await post(`${base}/${canvas.id}/generate-all`, { targets: "animations" });
    expect(run.status).toBe(202);
    expect(run.body.data).toMatchObject({ generated: 5, actual_cost: 80, already_complete: 0 });
    expect(await balance()).toBe(16);
    const again = await post(`${base}/${canvas.id}/generate-all`, {});
    expect(again.body.data).toMatchObject({ generated: 0, actual_cost: 0 });
    expect(await balance()).toBe(16);
    await h.advance(30);
    const status = await get(`${base}/${canvas.id}/status`);
    expect(status.body.data).toMatchObject({ percent: 100, edges: { total: 5, completed: 5 } });
  });

  it("refuses generate-all it cannot pay for with 402, queuing none of it", async () => {
    const { h, base, balance, post, get } = await setup(40);
    const canvas = (await post(base, { name: "Main", template_id: "claude-code-4state" })).body.data;
    await h.advance(10);
    const run = await post(`${base}/${canvas.id}/generate-all`, {});
    expect(run.status).toBe(402);
    expect(run.body.error).toMatchObject({ required: 80, balance: 36 });
    expect(await balance()).toBe(36);
    const status = await get(`${base}/${canvas.id}/status`);
    expect(status.body.data.edges.completed).toBe(0);
    expect(status.body.data.parts.filter((p: { job_id: string | null }) => p.job_id !== null)).toHaveLength(
      4,
    );
  });

  it("exports a fully generated canvas as a MaskoAnimationConfig 2.0 and refuses an unfinished one with 409", async () => {
    const { h, base, post, get } = await setup(200);
    const canvas = (await post(base, { name: "Greeter", template_id: "greeter-3state" })).body.data;
    expect((await get(`${base}/${canvas.id}/export`)).status).toBe(409);
    await h.advance(10);
    await post(`${base}/${canvas.id}/generate-all`, {});
    await h.advance(30);
    const exported = await get(`${base}/${canvas.id}/export`);
    expect(exported.status).toBe(200);
    const config = exported.body.data;
    expect(config).toMatchObject({ version: "2.0", name: "Greeter", initialNode: "idle" });
    expect(config.nodes.map((n: { id: string }) => n.id)).toEqual(["idle", "waving", "happy"]);
    const edge = config.edges.find((e: { id: string }) => e.id === "idle-to-waving");
    expect(edge.condition).toBe("on_click");
    expect(edge.videos.webm).toMatch(/\.webm$/);
    expect(edge.videos.hevc).toMatch(/\.mov$/);
  });

  it("keeps canvases to their owner (403 for another workspace) and to their collection (404 under another one)", async () => {
    const { h, ws, base, post } = await setup();
    const canvas = (await post(base, { name: "Main" })).body.data;
    const other = await h.workspace("personal", 100);
    expect((await h.call("GET", `${base}/${canvas.id}`, { key: other.key })).status).toBe(403);
    const { collectionId: sibling } = await h.collection(ws.key);
    const misplaced = await h.call("GET", `/v1/collections/${sibling}/canvases/${canvas.id}`, {
      key: ws.key,
    });
    expect(misplaced.status).toBe(404);
  });

  it("lists the built-in templates, filters by source, and has none of the workspace's own", async () => {
    const { get } = await setup();
    const all = await get("/v1/canvas-templates");
    expect(all.body.data.map((t: { id: string }) => t.id)).toEqual(["claude-code-4state", "greeter-3state"]);
    expect((await get("/v1/canvas-templates?source=builtin")).body.data).toHaveLength(2);
    expect((await get("/v1/canvas-templates?source=mine")).body.data).toEqual([]);
    expect((await get("/v1/canvas-templates?source=theirs")).status).toBe(400);
  });
});
