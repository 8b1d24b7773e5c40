/**
 * Behaviour settings: each Inferred decision switched away from the register's default changes exactly what it
 * names (src/mock/behaviour.ts), on every store where the setting exists.
 */
import { describe, expect, it } from "vitest";
import {
  BEHAVIOUR_NAMES,
  BEHAVIOURS,
  behaviourChanges,
  DEFAULT_BEHAVIOUR,
  parseBehaviourFile,
  parseBehaviourItems,
  resolveBehaviour,
} from "../../src/mock/behaviour.js";
import { policies } from "../../src/policy/policies.js";
import { createHarness, imageBody, TEST_STORE } from "./harness.js";

const minute = policies.rateLimits.windows[0] as { limit: number; windowSeconds: number };

describe("behaviour settings", () => {
  it("default to the register's choices", () => {
    expect(DEFAULT_BEHAVIOUR).toEqual(
      Object.fromEntries(BEHAVIOUR_NAMES.map((n) => [n, BEHAVIOURS[n].values[0]])),
    );
    expect(DEFAULT_BEHAVIOUR["keyless-limit"]).toBe("off");
    expect(behaviourChanges(DEFAULT_BEHAVIOUR)).toEqual([]);
  });

  it("parse from name=value items, a JSON file and a lines file, and refuse unknown names and values", () => {
    expect(parseBehaviourItems(["logo-cost=20", " retry-after = off ", ""])).toEqual({
      "logo-cost": "20",
      "retry-after": "off",
    });
    expect(parseBehaviourFile('{"rate-limit-headers":"ietf"}')).toEqual({ "rate-limit-headers": "ietf" });
    expect(parseBehaviourFile("# production\nrate-limit-reset=delta-seconds\n")).toEqual({
      "rate-limit-reset": "delta-seconds",
    });
    expect(() => parseBehaviourItems(["logo-costs=20"])).toThrow(/unknown behaviour "logo-costs"; known: /);
    expect(() => parseBehaviourItems(["logo-cost=7"])).toThrow(/must be one of 5, 20, not "7"/);
    expect(() => parseBehaviourItems(["logo-cost"])).toThrow(/must be name=value/);
    expect(() => resolveBehaviour({ toString: "x" } as never)).toThrow(/unknown behaviour "toString"/);
  });
});

describe("behaviour switches change what they name", () => {
  it("rate-limit-reset=delta-seconds sends seconds from now", async () => {
    const h = await createHarness({ behaviour: { "rate-limit-reset": "delta-seconds" } });
    const answer = await h.call("GET", "/v1/credits", { unchecked: true });
    expect(answer.status).toBe(200);
    expect(Number(answer.headers.get("x-ratelimit-reset"))).toBe(minute.windowSeconds);
  });

  it("rate-limit-headers=ietf sends RateLimit and RateLimit-Policy instead of X-RateLimit-*; both sends all", async () => {
    const ietf = await createHarness({ behaviour: { "rate-limit-headers": "ietf" } });
    const answer = await ietf.call("GET", "/v1/credits", { unchecked: true });
    expect(answer.headers.get("x-ratelimit-remaining")).toBeNull();
    expect(answer.headers.get("ratelimit")).toBe(`"minute";r=${minute.limit - 1};t=${minute.windowSeconds}`);
    expect(answer.headers.get("ratelimit-policy")).toBe('"minute";q=60;w=60, "hour";q=1000;w=3600');
    expect(answer.headers.get("access-control-expose-headers")).toContain("RateLimit-Policy");
    const both = await createHarness({ behaviour: { "rate-limit-headers": "both" } });
    const bothAnswer = await both.call("GET", "/v1/credits");
    expect(bothAnswer.headers.get("x-ratelimit-remaining")).toBe(String(minute.limit - 1));
    expect(bothAnswer.headers.get("ratelimit")).toMatch(/^"minute";r=59;t=\d+$/);
  });

  it("retry-after=off answers 429 without Retry-After", async () => {
    const h = await createHarness({ behaviour: { "retry-after": "off" } });
    for (let i = 0; i < minute.limit; i++) await h.call("GET", "/v1/credits");
    const refused = await h.call("GET", "/v1/credits", { unchecked: true });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBeNull();
    expect(refused.headers.get("x-ratelimit-remaining")).toBe("0");
  });

  it("keyless-limit=per-address-with-preflights counts CORS preflights against the address; off counts nothing", async () => {
    const preflight = (h: Awaited<ReturnType<typeof createHarness>>) =>
      h.sim.fetch(
        new Request("http://simulator.test/v1/credits", {
          method: "OPTIONS",
          headers: { origin: "http://localhost:5173", "access-control-request-method": "GET" },
        }),
        { address: "10.0.0.7" },
      );
    const counting = await createHarness({ behaviour: { "keyless-limit": "per-address-with-preflights" } });
    for (let i = 0; i < minute.limit; i++) expect((await preflight(counting)).status).toBe(204);
    expect((await counting.call("GET", "/v1/credits", { key: null, address: "10.0.0.7" })).status).toBe(429);
    const off = await createHarness();
    for (let i = 0; i < minute.limit; i++) await preflight(off);
    expect((await preflight(off)).headers.get("x-ratelimit-remaining")).toBe(String(minute.limit));
    expect((await off.call("GET", "/v1/credits", { key: null, address: "10.0.0.7" })).status).toBe(401);
  });

  it("logo-cost=20 charges 20 credits for a logo", async () => {
    const h = await createHarness({ behaviour: { "logo-cost": "20" } });
    const ws = await h.workspace("personal", 30);
    const { collectionId } = await h.collection(ws.key);
    const accepted = await h.call("POST", `/v1/collections/${collectionId}/generate`, {
      key: ws.key,
      body: { type: "logo", name: "Mark", logo_prompt: "a fox mark" },
    });
    expect(accepted.status).toBe(202);
    expect(accepted.body.data.cost_credits).toBe(20);
    expect((await h.call("GET", "/v1/credits", { key: ws.key })).body.data.balance).toBe(10);
  });

  it("logo-plan=pro answers a logo 403 and charges nothing; other types still generate", async () => {
    const h = await createHarness({ behaviour: { "logo-plan": "pro" } });
    const ws = await h.workspace("personal", 30);
    const { collectionId } = await h.collection(ws.key);
    const refused = await h.call("POST", `/v1/collections/${collectionId}/generate`, {
      key: ws.key,
      body: { type: "logo", name: "Mark", logo_prompt: "a fox mark" },
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/Pro plan/);
    expect((await h.call("GET", "/v1/credits", { key: ws.key })).body.data.balance).toBe(30);
    const image = await h.call("POST", `/v1/collections/${collectionId}/generate`, {
      key: ws.key,
      body: imageBody(),
    });
    expect(image.status).toBe(202);
  });

  it("insufficient-credits-body=flat answers the credits page's 402 body, which the spec accepts", async () => {
    const h = await createHarness({ behaviour: { "insufficient-credits-body": "flat" } });
    const ws = await h.workspace("personal", 0);
    const { collectionId } = await h.collection(ws.key);
    const refused = await h.call("POST", `/v1/collections/${collectionId}/generate`, {
      key: ws.key,
      body: imageBody(),
    });
    expect(refused.status).toBe(402);
    expect(refused.body).toEqual({ error: "Insufficient credits", required: 1, available: 0 });
  });
});

describe.runIf(TEST_STORE === "memory")("rate-limit-window=sliding (memory store)", () => {
  it("admits at most the limit in any trailing minute: room comes back as the oldest requests leave", async () => {
    const h = await createHarness({ behaviour: { "rate-limit-window": "sliding" } });
    const half = minute.limit / 2;
    for (let i = 0; i < half; i++) expect((await h.call("GET", "/v1/credits")).status).toBe(200);
    await h.advance(30);
    for (let i = 0; i < half; i++) expect((await h.call("GET", "/v1/credits")).status).toBe(200);
    const refused = await h.call("GET", "/v1/credits");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBe(30);
    await h.advance(31);
    // The first half has left the window, the second has not: half the limit is back, not all of it.
    const after = await h.call("GET", "/v1/credits");
    expect(after.status).toBe(200);
    expect(Number(after.headers.get("x-ratelimit-remaining"))).toBe(half - 1);
  });

  it("fixed windows, the default, give the whole limit back when the window resets", async () => {
    const h = await createHarness();
    const half = minute.limit / 2;
    for (let i = 0; i < half; i++) await h.call("GET", "/v1/credits");
    await h.advance(30);
    for (let i = 0; i < half; i++) await h.call("GET", "/v1/credits");
    await h.advance(31);
    const after = await h.call("GET", "/v1/credits");
    expect(Number(after.headers.get("x-ratelimit-remaining"))).toBe(minute.limit - 1);
  });
});

describe.runIf(TEST_STORE === "redis")("rate-limit-window=sliding (Redis store)", () => {
  it("is refused at start with a sentence saying it exists on the memory store only", async () => {
    await expect(createHarness({ behaviour: { "rate-limit-window": "sliding" } })).rejects.toThrow(
      /memory store only/,
    );
  });
});

describe("behaviour switches of the other Inferred decisions", () => {
  /** A harness with `behaviour`, a funded workspace and its collection. */
  async function setup(behaviour: Record<string, string>, credits = 200) {
    const h = await createHarness({ behaviour });
    const ws = await h.workspace("personal", credits);
    const { collectionId } = await h.collection(ws.key);
    const post = (path: string, body?: unknown) =>
      h.call("POST", path, { key: ws.key, body, unchecked: true });
    const get = (path: string) => h.call("GET", path, { key: ws.key, unchecked: true });
    return { h, ws, collectionId, post, get };
  }

  it("api-key-endpoints=off answers the key routes 404 as unknown ones", async () => {
    const { post, get } = await setup({ "api-key-endpoints": "off" });
    expect((await post("/v1/api-keys", { name: "ci" })).status).toBe(404);
    expect((await get("/v1/api-keys")).body.error.code).toBe("not_found");
    expect((await get("/v1/credits")).status).toBe(200);
  });

  it("openapi-document=key answers the OpenAPI document 401 without a key and 200 with one", async () => {
    const { h, ws } = await setup({ "openapi-document": "key" });
    expect((await h.call("GET", "/v1/openapi.json", { key: null, unchecked: true })).status).toBe(401);
    expect((await h.call("GET", "/v1/openapi.json", { key: ws.key })).status).toBe(200);
  });

  it("generate-all-targets=documented refuses targets other than animations with 400 naming the field", async () => {
    const { collectionId, post } = await setup({ "generate-all-targets": "documented" });
    const base = `/v1/collections/${collectionId}/canvases`;
    const canvas = (await post(base, { name: "Greeter", template_id: "greeter-3state" })).body.data;
    const refused = await post(`${base}/${canvas.id}/generate-all`, { dry_run: true, targets: "images" });
    expect(refused.status).toBe(400);
    expect(refused.body.error.field).toBe("targets");
    const allowed = await post(`${base}/${canvas.id}/generate-all`, { dry_run: true, targets: "animations" });
    expect(allowed.status).toBe(200);
  });

  it("preview-cost=0 renders a preview without charging", async () => {
    const { collectionId, post, get } = await setup({ "preview-cost": "0" }, 10);
    const accepted = await post("/v1/generate/preview", {
      collection_id: collectionId,
      image_prompt: "waving",
    });
    expect(accepted.status).toBe(202);
    expect((await get("/v1/credits")).body.data.balance).toBe(10);
  });

  it("suggest-actions-body=list answers the actions as a bare list under data", async () => {
    const { collectionId, post } = await setup({ "suggest-actions-body": "list" });
    const answer = await post(`/v1/collections/${collectionId}/suggest-actions`);
    expect(answer.status).toBe(200);
    expect(Array.isArray(answer.body.data)).toBe(true);
    expect(answer.body.data.length).toBeGreaterThanOrEqual(6);
  });

  it("export-incomplete=partial exports the generated nodes only instead of 409", async () => {
    const { h, collectionId, post, get } = await setup({ "export-incomplete": "partial" });
    const base = `/v1/collections/${collectionId}/canvases`;
    const canvas = (await post(base, { name: "Greeter", template_id: "greeter-3state" })).body.data;
    const early = await get(`${base}/${canvas.id}/export`);
    expect(early.status).toBe(200);
    expect(early.body.data.nodes).toEqual([]);
    await h.advance(10);
    const later = await get(`${base}/${canvas.id}/export`);
    expect(later.body.data.nodes.map((n: { id: string }) => n.id)).toEqual(["idle", "waving", "happy"]);
    expect(later.body.data.edges).toEqual([]);
  });

  it("failed-asset=not-found answers a failed job's asset URLs 404", async () => {
    const { h, collectionId, post } = await setup({ "failed-asset": "not-found" });
    await h.sim.control.setFaults({ fail_next_jobs: 1 });
    const accepted = (await post(`/v1/collections/${collectionId}/generate`, imageBody("Doomed"))).body.data;
    await h.advance(60);
    const path = new URL(accepted.urls.image).pathname.replace(/^\/assets\//, "");
    const response = await h.sim.fetchAsset(new Request(accepted.urls.image), path);
    expect(response.status).toBe(404);
  });
});

describe("behaviour switches of sizes and canvas progress", () => {
  it("size-urls=off accepts sizes but answers without size_urls; canvas-status-route=off answers /status 404", async () => {
    const h = await createHarness({ behaviour: { "size-urls": "off", "canvas-status-route": "off" } });
    const ws = await h.workspace("personal", 50);
    const { collectionId } = await h.collection(ws.key);
    const accepted = await h.call("POST", `/v1/collections/${collectionId}/generate`, {
      key: ws.key,
      body: { ...imageBody(), sizes: [128] },
    });
    expect(accepted.status).toBe(202);
    expect(accepted.body.data.size_urls).toBeUndefined();
    const base = `/v1/collections/${collectionId}/canvases`;
    const canvas = (await h.call("POST", base, { key: ws.key, body: { name: "Empty" } })).body.data;
    expect((await h.call("GET", `${base}/${canvas.id}`, { key: ws.key })).status).toBe(200);
    const status = await h.call("GET", `${base}/${canvas.id}/status`, { key: ws.key, unchecked: true });
    expect(status.status).toBe(404);
  });
});
