import { describe, expect, it } from "vitest";
import { createHarness, imageBody } from "./harness.js";

describe("the rest of the documented surface", () => {
  it("suggests six to eight actions for free", async () => {
    const h = await createHarness();
    const ws = await h.workspace("personal", 10);
    const { collectionId } = await h.collection(ws.key);
    const answer = await h.call("POST", `/v1/collections/${collectionId}/suggest-actions`, { key: ws.key });
    expect(answer.status).toBe(200);
    expect(answer.body.data.actions.length).toBeGreaterThanOrEqual(6);
    expect(answer.body.data.actions.length).toBeLessThanOrEqual(8);
    expect((await h.call("GET", "/v1/credits", { key: ws.key })).body.data.balance).toBe(10);
  });

  it("charges a preview like an image and finishes it as an image_generation job with no item", async () => {
    const h = await createHarness();
    const ws = await h.workspace("personal", 10);
    const { collectionId } = await h.collection(ws.key);
    const answer = await h.call("POST", "/v1/generate/preview", {
      key: ws.key,
      body: {
        collection_id: collectionId,
        image_prompt: "waving",
        reference_image_urls: ["https://example.org/a.png"],
      },
    });
    expect(answer.status).toBe(202);
    expect(answer.body.data.cost_credits).toBe(1);
    expect((await h.call("GET", "/v1/credits", { key: ws.key })).body.data.balance).toBe(9);
    await h.advance(10);
    const job = await h.call("GET", answer.body.data.poll_url, { key: ws.key });
    expect(job.body.data).toMatchObject({ status: "completed", type: "image_generation", item_id: null });
    const items = await h.call("GET", `/v1/collections/${collectionId}/items`, { key: ws.key });
    expect(items.body.data).toEqual([]);
  });

  it("returns pre-allocated size-variant URLs for the sizes asked, at no extra cost", async () => {
    const h = await createHarness();
    const ws = await h.workspace("personal", 100);
    const { collectionId } = await h.collection(ws.key);
    const answer = await h.call("POST", `/v1/collections/${collectionId}/generate`, {
      key: ws.key,
      body: { ...imageBody(), sizes: [480, 360] },
    });
    expect(answer.status).toBe(202);
    expect(answer.body.data.cost_credits).toBe(1);
    const { urls, size_urls: sizeUrls } = answer.body.data;
    expect(Object.keys(sizeUrls).sort()).toEqual(["360", "480"]);
    expect(sizeUrls["480"].image).toBe(urls.image.replace(/\.png$/, "-480.png"));
  });

  it("accepts loop on a transition and charges it as a transition", async () => {
    const h = await createHarness();
    const ws = await h.workspace("personal", 100);
    const { collectionId } = await h.collection(ws.key);
    const upload = (url: string) => h.call("POST", "/v1/upload", { key: ws.key, body: { url } });
    const source = (await upload("https://example.com/a.png")).body.data.asset_id;
    const end = (await upload("https://example.com/b.png")).body.data.asset_id;
    const answer = await h.call("POST", `/v1/collections/${collectionId}/generate`, {
      key: ws.key,
      body: {
        type: "animation",
        name: "Idle to wave",
        source_image_asset_id: source,
        end_image_asset_id: end,
        animation_prompt: "waves",
        duration: 4,
        loop: true,
      },
    });
    expect(answer.status).toBe(202);
    expect(answer.body.data.cost_credits).toBe(20);
  });

  it("filters jobs by the newer job types without a 400", async () => {
    const h = await createHarness();
    const answer = await h.call("GET", "/v1/jobs?type=item_generation");
    expect(answer.status).toBe(200);
    expect(answer.body.data).toEqual([]);
  });

  it("serves its OpenAPI document without a key, counted per address only when keyless calls are limited", async () => {
    const h = await createHarness();
    const answer = await h.call("GET", "/v1/openapi.json", { key: null, address: "10.0.0.9" });
    expect(answer.status).toBe(200);
    expect(answer.body.paths["/v1/openapi.json"]).toBeDefined();
    expect(answer.headers.get("x-ratelimit-remaining")).toBe("60");
    const limited = await createHarness({ behaviour: { "keyless-limit": "per-address" } });
    const counted = await limited.call("GET", "/v1/openapi.json", { key: null, address: "10.0.0.9" });
    expect(counted.headers.get("x-ratelimit-remaining")).toBe("59");
  });
});

describe("--control off", () => {
  it("answers /__mock like any unknown route: 404 with a key, 401 without", async () => {
    const h = await createHarness({ control: false });
    const withKey = await h.call("GET", "/__mock/health");
    expect(withKey.status).toBe(404);
    expect(withKey.body.error.code).toBe("not_found");
    expect(withKey.headers.get("x-ratelimit-remaining")).toMatch(/^\d+$/);
    expect((await h.call("POST", "/__mock/reset", { key: null })).status).toBe(401);
    expect((await h.call("GET", "/v1/credits")).status).toBe(200);
  });
});
