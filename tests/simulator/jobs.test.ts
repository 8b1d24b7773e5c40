import { describe, expect, it } from "vitest";
import { createHarness, imageBody } from "./harness.js";

async function setup() {
  const h = await createHarness();
  const ws = await h.workspace("personal", 100);
  const { collectionId } = await h.collection(ws.key);
  const generate = (body: unknown) =>
    h.call("POST", `/v1/collections/${collectionId}/generate`, { key: ws.key, body });
  return { h, ws, collectionId, generate };
}

describe("jobs", () => {
  it("moves pending → processing → completed on the simulator clock, with assets and URLs for its type", async () => {
    const { h, ws, generate } = await setup();
    const accepted = await generate({
      type: "animation",
      name: "Wave",
      image_prompt: "x",
      animation_prompt: "y",
      duration: 2,
    });
    expect(accepted.status).toBe(202);
    expect(accepted.body.data.poll_url).toBe(`/v1/jobs/${accepted.body.data.job_id}`);
    const read = async () => (await h.call("GET", accepted.body.data.poll_url, { key: ws.key })).body.data;
    expect((await read()).status).toBe("pending");
    await h.advance(1);
    expect((await read()).status).toBe("processing");
    await h.advance(10);
    const done = await read();
    expect(done.status).toBe("completed");
    expect(Object.keys(done.asset_ids).sort()).toEqual([
      "hevc",
      "image",
      "transparent_image",
      "video",
      "webm",
    ]);
    expect(done.urls.webm).toMatch(/^https:\/\/assets\.masko\.ai\/.+\.webm$/);
    expect(done.completed_at).not.toBeNull();
    const asset = await h.call("GET", `/v1/assets/${done.asset_ids.webm}`, { key: ws.key });
    expect(asset.body.data).toMatchObject({ status: "ready", type: "webm", content_type: "video/webm" });
  });

  it("holds wait=true until the job finishes", async () => {
    const { h, ws, generate } = await setup();
    const accepted = await generate(imageBody());
    await h.advance(2); // 1 simulated second left; the clock follows real time
    const started = Date.now();
    const answer = await h.call("GET", `/v1/jobs/${accepted.body.data.job_id}?wait=true`, { key: ws.key });
    expect(answer.body.data.status).toBe("completed");
    expect(Date.now() - started).toBeGreaterThan(500);
  });

  it("answers wait=true with the job as it is once the long-poll bound passes", async () => {
    const { h, ws, generate } = await setup();
    const accepted = await generate({
      type: "animation",
      name: "Long",
      image_prompt: "x",
      animation_prompt: "y",
      duration: 10,
    });
    const started = Date.now();
    const answer = await h.call("GET", `/v1/jobs/${accepted.body.data.job_id}?wait=true`, { key: ws.key });
    expect(answer.status).toBe(200);
    expect(["pending", "processing"]).toContain(answer.body.data.status);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
  });

  it("lists jobs newest first, filtered by status, collection and type, with limit/offset", async () => {
    const { h, ws, collectionId, generate } = await setup();
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await generate(imageBody(`p${i}`))).body.data.job_id);
    await h.advance(10);
    const logo = (await generate({ type: "logo", name: "L", logo_prompt: "x" })).body.data.job_id;
    const page = await h.call("GET", "/v1/jobs?limit=2&offset=1", { key: ws.key });
    expect(page.body.data.map((j: { id: string }) => j.id)).toEqual([ids[3], ids[2]]);
    expect(page.body.meta.pagination).toEqual({ total: 5, limit: 2, offset: 1, has_more: true });
    const completed = await h.call("GET", "/v1/jobs?status=completed&type=image", { key: ws.key });
    expect(completed.body.meta.pagination.total).toBe(4);
    const pending = await h.call("GET", "/v1/jobs?status=pending", { key: ws.key });
    expect(pending.body.data.map((j: { id: string }) => j.id)).toEqual([logo]);
    const byCollection = await h.call("GET", `/v1/jobs?collection_id=${collectionId}&type=logo`, {
      key: ws.key,
    });
    expect(byCollection.body.meta.pagination.total).toBe(1);
    expect((await h.call("GET", "/v1/jobs?status=done", { key: ws.key })).status).toBe(400);
    expect((await h.call("GET", "/v1/jobs?limit=0", { key: ws.key })).body.error.message).toBe(
      "limit: must be >= 1",
    );
  });

  it("regenerates an item by item_id: new assets, same item", async () => {
    const { h, ws, collectionId, generate } = await setup();
    const first = await generate(imageBody());
    const again = await generate({
      type: "image",
      item_id: first.body.data.item_id,
      image_prompt: "waving harder",
    });
    expect(again.body.data.item_id).toBe(first.body.data.item_id);
    expect(again.body.data.asset_ids.image).not.toBe(first.body.data.asset_ids.image);
    const items = await h.call("GET", `/v1/collections/${collectionId}/items`, { key: ws.key });
    expect(items.body.data).toHaveLength(1);
    expect(items.body.data[0].asset_ids.image).toBe(again.body.data.asset_ids.image);
  });
});
