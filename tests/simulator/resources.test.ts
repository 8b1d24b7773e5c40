import { describe, expect, it } from "vitest";
import { createHarness, imageBody } from "./harness.js";

describe("stored state", () => {
  it("reads back and lists what was created; PATCH changes it; DELETE removes it", async () => {
    const h = await createHarness();
    const { projectId, collectionId } = await h.collection(h.demoKey);
    expect((await h.call("GET", `/v1/projects/${projectId}`)).body.data.name).toBe("Test project");
    expect((await h.call("GET", "/v1/projects")).body.data.map((p: { id: string }) => p.id)).toEqual([
      projectId,
    ]);
    const patched = await h.call("PATCH", `/v1/collections/${collectionId}`, {
      body: { name: "Fox 2", slug: "fox-two", animation_sizes: [360] },
    });
    expect(patched.body.data).toMatchObject({
      name: "Fox 2",
      slug: "fox-two",
      config: { animation_sizes: [360] },
    });
    expect((await h.call("GET", `/v1/collections/${collectionId}`)).body.data.slug).toBe("fox-two");
    const listed = await h.call("GET", `/v1/collections?project_id=${projectId}`);
    expect(listed.body.data.map((c: { id: string }) => c.id)).toEqual([collectionId]);

    const upload = await h.call("POST", "/v1/upload", { body: { url: "https://example.com/ref.webp" } });
    const assetId = upload.body.data.asset_id;
    const added = await h.call("POST", `/v1/collections/${collectionId}/references`, {
      body: { asset_id: assetId },
    });
    expect(added.body.data.config.reference_asset_ids).toEqual([assetId]);
    const removed = await h.call("DELETE", `/v1/collections/${collectionId}/references/${assetId}`);
    expect(removed.body.data.config.reference_asset_ids).toEqual([]);
    expect((await h.call("DELETE", `/v1/collections/${collectionId}/references/${assetId}`)).status).toBe(
      404,
    );

    const hook = await h.call("POST", "/v1/webhooks", {
      body: { url: "https://example.com/hook", events: ["job.completed"] },
    });
    expect(hook.body.data.secret).toMatch(/^whsec_/);
    const hooks = await h.call("GET", "/v1/webhooks");
    expect(hooks.body.data).toHaveLength(1);
    expect(JSON.stringify(hooks.body)).not.toContain(hook.body.data.secret);
    expect((await h.call("DELETE", `/v1/webhooks/${hook.body.data.id}`)).status).toBe(204);
    expect((await h.call("GET", "/v1/webhooks")).body.data).toEqual([]);
  });

  it("uploads a multipart image file and refuses a non-image file with 415", async () => {
    const h = await createHarness();
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array([137, 80, 78, 71])], { type: "image/png" }), "fox.png");
    const ok = await h.call("POST", "/v1/upload", { raw: form });
    expect(ok.status).toBe(201);
    expect(ok.body.data.content_type).toBe("image/png");
    const text = new FormData();
    text.append("file", new Blob(["hello"], { type: "text/plain" }), "x.txt");
    expect((await h.call("POST", "/v1/upload", { raw: text })).status).toBe(415);
  });

  it("caps references at six per collection", async () => {
    const h = await createHarness();
    const { collectionId } = await h.collection(h.demoKey);
    for (let i = 0; i < 6; i++) {
      const added = await h.call("POST", `/v1/collections/${collectionId}/references`, {
        body: { url: `https://example.com/r${i}.png` },
      });
      expect(added.status).toBe(200);
    }
    const seventh = await h.call("POST", `/v1/collections/${collectionId}/references`, {
      body: { url: "https://example.com/r7.png" },
    });
    expect(seventh.status).toBe(409);
  });
});

describe("workspace isolation", () => {
  it("answers another workspace's ids with 403 and unknown ids with 404, everywhere", async () => {
    const h = await createHarness();
    const owner = await h.workspace();
    const { projectId, collectionId } = await h.collection(owner.key);
    const job = await h.call("POST", `/v1/collections/${collectionId}/generate`, {
      key: owner.key,
      body: imageBody(),
    });
    const hook = await h.call("POST", "/v1/webhooks", {
      key: owner.key,
      body: { url: "https://example.com/h", events: ["job.failed"] },
    });
    const outsider = await h.workspace("organization", 100);
    const unknown = "0b7e6a3c-1111-4222-8333-944455556666";
    const cases: Array<[string, string, unknown?]> = [
      ["GET", `/v1/projects/${projectId}`],
      ["GET", `/v1/collections?project_id=${projectId}`],
      ["GET", `/v1/collections/${collectionId}`],
      ["PATCH", `/v1/collections/${collectionId}`, { name: "mine now" }],
      ["POST", `/v1/collections/${collectionId}/references`, { url: "https://example.com/a.png" }],
      ["GET", `/v1/collections/${collectionId}/items`],
      ["GET", `/v1/assets/${job.body.data.asset_ids.image}`],
      ["POST", `/v1/collections/${collectionId}/generate`, imageBody()],
      ["POST", `/v1/collections/${collectionId}/generate-batch`, { requests: [imageBody()] }],
      ["GET", `/v1/jobs/${job.body.data.job_id}`],
      ["DELETE", `/v1/webhooks/${hook.body.data.id}`],
      ["POST", "/v1/collections", { project_id: projectId, name: "x" }],
    ];
    for (const [method, path, body] of cases) {
      const answer = await h.call(method, path, { key: outsider.key, ...(body ? { body } : {}) });
      expect(answer.status, `${method} ${path}`).toBe(403);
      expect(answer.body.error.code).toBe("forbidden");
      const swap = (text: string) => text.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/, unknown);
      const unknownBody = path === "/v1/collections" ? JSON.parse(swap(JSON.stringify(body))) : body;
      const missing = await h.call(method, swap(path), {
        key: outsider.key,
        ...(body ? { body: unknownBody } : {}),
      });
      expect(missing.status, `${method} ${path} (unknown id)`).toBe(404);
    }
    expect((await h.call("GET", "/v1/credits", { key: owner.key })).body.data.balance).toBe(99);
    expect((await h.call("GET", `/v1/collections/${collectionId}`, { key: owner.key })).body.data.name).toBe(
      "Fox",
    );
    for (const list of ["/v1/projects", "/v1/collections", "/v1/jobs", "/v1/webhooks"]) {
      expect((await h.call("GET", list, { key: outsider.key })).body.data, list).toEqual([]);
    }
  });
});
