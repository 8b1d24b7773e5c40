import { describe, expect, it } from "vitest";
import { createHarness, imageBody } from "./harness.js";

describe("bad input gets the error envelope and changes nothing", () => {
  it.each([
    [
      "malformed JSON",
      { raw: '{"name":', headers: { "content-type": "application/json" } },
      400,
      "the body is not valid JSON",
    ],
    [
      "an empty body",
      { raw: "", headers: { "content-type": "application/json" } },
      400,
      "a request body is required",
    ],
    ["a missing field", { body: {} }, 400, "name: is required"],
    ["a wrong type", { body: { name: 42 } }, 400, "name: must be string"],
    ["an unknown field", { body: { name: "x", owner: "me" } }, 400, "owner: is not allowed"],
    [
      "a wrong content type",
      { raw: "name=x", headers: { "content-type": "text/plain" } },
      415,
      "Content-Type must be application/json.",
    ],
    [
      "a body over 1 MiB",
      { body: { name: "x".repeat(1024 * 1024) } },
      413,
      "Request body exceeds 1048576 bytes.",
    ],
  ])("answers %s on POST /v1/projects", async (_name, options, status, message) => {
    const h = await createHarness();
    const answer = await h.call("POST", "/v1/projects", options);
    expect(answer.status).toBe(status);
    expect(answer.body.error.message).toBe(message);
    expect((await h.call("GET", "/v1/projects")).body.data).toEqual([]);
  });

  it.each([
    [{ type: "video", name: "x" }, "type: must be one of image, animation, logo, edit"],
    [{ name: "x", image_prompt: "y" }, "type: is required"],
    [{ type: "image", image_prompt: "y" }, "name: is required"],
    [
      { type: "animation", name: "x", image_prompt: "y", animation_prompt: "z", duration: 0 },
      "duration: must be >= 1",
    ],
    [
      { type: "edit", item_id: "nope", source_image_asset_id: "nope", edit_instructions: "z" },
      'item_id: must match format "uuid"',
    ],
    [{ ...imageBody(), loop: true }, "loop: is not allowed"],
  ])("names the field of an invalid generate body %j", async (body, message) => {
    const h = await createHarness();
    const { collectionId } = await h.collection(h.demoKey);
    const answer = await h.call("POST", `/v1/collections/${collectionId}/generate`, { body });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toBe(message);
    expect((await h.call("GET", "/v1/credits")).body.data.balance).toBe(100);
  });

  it("answers a malformed path id with 400 naming the parameter", async () => {
    const h = await createHarness();
    const answer = await h.call("GET", "/v1/projects/not-a-uuid");
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toBe('projectId: must match format "uuid"');
  });

  it("answers an unknown route with 404 and a wrong method with 405 and Allow", async () => {
    const h = await createHarness();
    const missing = await h.call("GET", "/v1/unicorns");
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("not_found");
    const wrong = await h.call("DELETE", "/v1/projects");
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("GET, POST");
    expect(wrong.body.error.code).toBe("method_not_allowed");
  });
});

describe("browsers", () => {
  it("answers CORS preflights and exposes the rate-limit headers to page scripts", async () => {
    const h = await createHarness({ corsOrigin: "http://localhost:5173" });
    const preflight = await h.sim.fetch(
      new Request("http://simulator.test/v1/credits", {
        method: "OPTIONS",
        headers: {
          origin: "http://localhost:5173",
          "access-control-request-method": "POST",
          "access-control-request-headers": "authorization, content-type",
        },
      }),
    );
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
    expect(preflight.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
    const answer = await h.call("GET", "/v1/credits", { headers: { origin: "http://localhost:5173" } });
    expect(answer.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
    const exposed = answer.headers.get("access-control-expose-headers")?.toLowerCase() ?? "";
    for (const name of ["x-ratelimit-remaining", "x-ratelimit-reset", "retry-after"])
      expect(exposed).toContain(name);
  });
});

describe("control API", () => {
  const control = async (
    h: Awaited<ReturnType<typeof createHarness>>,
    method: string,
    path: string,
    body?: unknown,
    token?: string,
  ) => {
    const response = await h.sim.fetch(
      new Request(`http://simulator.test/__mock${path}`, {
        method,
        headers: { "content-type": "application/json", ...(token ? { "x-mock-admin-token": token } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      }),
    );
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };

  it("creates workspaces and members, sets credits, advances the clock and resets", async () => {
    const h = await createHarness();
    const ws = await control(h, "POST", "/workspaces", { type: "organization", credits: 7, role: "admin" });
    expect(ws.status).toBe(201);
    expect(ws.body.api_key).toMatch(/^masko_[0-9a-f]{64}$/);
    const member = await control(h, "POST", `/workspaces/${ws.body.workspace_id}/members`, {
      role: "member",
    });
    expect(member.status).toBe(201);
    expect(
      (await control(h, "PUT", `/workspaces/${ws.body.workspace_id}/credits`, { balance: 3 })).status,
    ).toBe(200);
    expect((await h.call("GET", "/v1/credits", { key: member.body.api_key })).body.data.balance).toBe(3);
    const before = h.sim.services.clock.now();
    const clock = await control(h, "POST", "/clock", { advance_seconds: 60 });
    expect(clock.body.now_ms - before).toBeGreaterThanOrEqual(60_000);
    expect((await control(h, "POST", "/reset")).status).toBe(204);
    expect((await h.call("GET", "/v1/credits", { key: member.body.api_key })).status).toBe(401);
    expect((await h.call("GET", "/v1/credits")).body.data.balance).toBe(100);
  });

  it("validates control bodies with the same envelope", async () => {
    const h = await createHarness();
    const bad = await control(h, "POST", "/workspaces", { type: "team" });
    expect(bad).toEqual({
      status: 400,
      body: {
        error: { code: "bad_request", message: "type: must be one of personal, organization", field: "type" },
      },
    });
    expect((await control(h, "PUT", "/workspaces/nope/credits", { balance: 1 })).status).toBe(404);
    expect((await control(h, "POST", "/clock", { advance_seconds: -5 })).status).toBe(400);
  });

  it("requires X-Mock-Admin-Token when one is configured", async () => {
    const h = await createHarness({ adminToken: "s3cret" });
    expect((await control(h, "POST", "/reset")).status).toBe(401);
    expect((await control(h, "POST", "/reset", undefined, "wrong")).status).toBe(401);
    expect((await control(h, "POST", "/reset", undefined, "s3cret")).status).toBe(204);
  });

  it("injects latency", async () => {
    const h = await createHarness();
    await control(h, "POST", "/faults", { latency_ms: 200 });
    const started = Date.now();
    await h.call("GET", "/v1/credits");
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    // Cleared, the faults say no latency (how fast the next answer comes is the benchmark's business, not a test's).
    expect((await control(h, "DELETE", "/faults")).body).toMatchObject({ latency_ms: 0 });
  });
});
