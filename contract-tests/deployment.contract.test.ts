/**
 * Checks for any deployment reached with nothing but an API key (production, staging, a simulator started with
 * `--control off`), by profile:
 *   readonly  GETs of the key's own workspace, every documented filter, and the 400/401/404 answers
 *   safe      + free writes that clean up after themselves or cost nothing (keys, webhooks, projects,
 *               collections, uploads, references, canvases, dry runs, suggest-actions)
 *   full      + checks that spend credits, each within MASKO_CONTRACT_SPEND_CREDITS (on the simulator with a
 *               control API they run in a funded workspace of their own)
 * With a control API the checks use a fresh workspace's key; without one, MASKO_API_KEY, waiting out any 429.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { specValidator } from "../src/contract/bundled-spec.js";
import { policies } from "../src/policy/policies.js";
import { callPolitely, newWorkspace } from "./lib/api.js";
import { UNKNOWN_ID } from "./lib/fixtures.js";
import { profileIncludes, target } from "./lib/target.js";

let key = target.apiKey;
let budget = target.hasControl ? Number.POSITIVE_INFINITY : target.spendBudget;
/** With a control API each block gets a funded workspace of its own (and its own rate-limit windows). */
async function ownKey() {
  if (target.hasControl) key = (await newWorkspace("personal", 100)).key;
}

const get = (path: string, options: { key?: string | null } = {}) =>
  callPolitely("GET", path, { key, ...options });
const send = (method: string, path: string, body?: unknown) =>
  callPolitely(method, path, { key, ...(body === undefined ? {} : { body }) });
const balance = async () => (await get("/v1/credits")).body.data.balance as number;
/** The values of an enum schema of the spec (every documented job status and type). */
const enumOf = (schema: string) => {
  const schemas = (specValidator().spec.components as { schemas: Record<string, unknown> }).schemas;
  return (specValidator().resolve(schemas[schema]) as { enum: string[] }).enum;
};

describe(`deployment, readonly (profile ${target.profile})`, () => {
  beforeAll(ownKey);
  it.each([
    "/v1/credits",
    "/v1/api-keys",
    "/v1/projects",
    "/v1/collections",
    "/v1/jobs",
    "/v1/webhooks",
    "/v1/canvas-templates",
    "/v1/canvas-templates?source=builtin",
    "/v1/canvas-templates?source=mine",
    "/v1/projects?limit=1&offset=0",
  ])("GET %s answers 200 as the spec says", async (path) => {
    const answer = await get(path);
    expect(answer.status).toBe(200);
  });

  it.each(enumOf("JobStatus"))("lists jobs filtered by status=%s", async (status) => {
    const answer = await get(`/v1/jobs?status=${status}`);
    expect(answer.status).toBe(200);
    for (const job of answer.body.data) expect(job.status).toBe(status);
  });

  it.each(enumOf("JobType"))("lists jobs filtered by type=%s, a documented value", async (type) => {
    const answer = await get(`/v1/jobs?type=${type}`);
    expect(answer.status).toBe(200);
    for (const job of answer.body.data) expect(job.type).toBe(type);
  });

  it("serves its OpenAPI document without a key", async () => {
    const answer = await get("/v1/openapi.json", { key: null });
    expect(answer.status).toBe(200);
    expect(answer.body.openapi).toMatch(/^3\./);
    expect(Object.keys(answer.body.paths).length).toBeGreaterThan(0);
  });

  it("honours the page size asked for", async () => {
    const answer = await get("/v1/jobs?limit=1");
    expect(answer.body.data.length).toBeLessThanOrEqual(1);
    expect(answer.body.meta.pagination.limit).toBe(1);
  });

  it.each([
    ["a limit of 0", "/v1/projects?limit=0"],
    ["an unknown job status", "/v1/jobs?status=done"],
    ["an unknown job type", "/v1/jobs?type=nope"],
    ["a malformed project id", "/v1/projects/not-a-uuid"],
    ["an unknown template source", "/v1/canvas-templates?source=theirs"],
  ])("answers 400 bad_request to %s", async (_what, path) => {
    const answer = await get(path);
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe("bad_request");
  });

  it.each([
    "/v1/projects/{id}",
    "/v1/collections/{id}",
    "/v1/jobs/{id}",
    "/v1/assets/{id}",
    "/v1/collections/{id}/items",
    "/v1/collections/{id}/canvases/{id}",
  ])("answers 404 not_found for an id nothing has: GET %s", async (template) => {
    const answer = await get(template.replaceAll("{id}", UNKNOWN_ID));
    expect(answer.status).toBe(404);
    expect(answer.body.error.code).toBe("not_found");
  });

  it.each([
    ["no key", null],
    ["a malformed key", "masko_not-hex"],
    ["a well-formed key nobody has", `masko_${"0".repeat(64)}`],
  ])("answers 401 with WWW-Authenticate to %s", async (_what, bad) => {
    const answer = await get("/v1/credits", { key: bad });
    expect(answer.status).toBe(401);
    expect(answer.body.error.code).toBe("unauthorized");
    expect(answer.headers.get("www-authenticate")).toMatch(/^Bearer/);
  });

  it("counts requests down in X-RateLimit-Remaining within a window", async () => {
    const first = await callPolitely("GET", "/v1/credits", { key, pin: true });
    const second = await callPolitely("GET", "/v1/credits", { key, pin: true });
    const remaining = (a: typeof first) => Number(a.headers.get("x-ratelimit-remaining"));
    // No upper bound: a deployment may grant a key higher limits than the spec's defaults.
    expect(Number.isInteger(remaining(first)) && remaining(first) >= 0).toBe(true);
    const sameWindow = first.headers.get("x-ratelimit-reset") === second.headers.get("x-ratelimit-reset");
    if (sameWindow) expect(remaining(second)).toBeLessThan(remaining(first));
  });

  it("answers an unknown route with the 404 envelope and the rate-limit headers", async () => {
    const answer = await callPolitely("GET", "/v1/no-such-thing", { key, unchecked: true });
    expect(answer.status).toBe(404);
    expect(answer.body.error.code).toBe("not_found");
    expect(answer.headers.get("x-ratelimit-remaining")).toMatch(/^\d+$/);
  });
});

describe.runIf(profileIncludes(target.profile, "safe"))("deployment, free writes (profile safe)", () => {
  let projectId = "";
  let collectionId = "";
  beforeAll(async () => {
    await ownKey();
    const project = await send("POST", "/v1/projects", { name: "contract check" });
    projectId = project.body.data.id;
    const collection = await send("POST", "/v1/collections", { project_id: projectId, name: "Contract fox" });
    collectionId = collection.body.data.id;
  });

  it("creates a project and a collection that read back, list under their project and rename", async () => {
    expect((await get(`/v1/projects/${projectId}`)).body.data.id).toBe(projectId);
    expect((await get(`/v1/collections/${collectionId}`)).body.data.project_id).toBe(projectId);
    const listed = await get(`/v1/collections?project_id=${projectId}`);
    expect(listed.body.data.map((c: { id: string }) => c.id)).toContain(collectionId);
    const renamed = await send("PATCH", `/v1/collections/${collectionId}`, { name: "Renamed fox" });
    expect(renamed.body.data.name).toBe("Renamed fox");
  });

  it("creates an API key shown once, which authenticates until it is revoked", async () => {
    const created = await send("POST", "/v1/api-keys", { name: "contract check" });
    expect(created.status).toBe(201);
    const raw = created.body.data.key as string;
    expect(raw).toMatch(policies.keyPolicy.pattern);
    const listed = await get("/v1/api-keys");
    expect(JSON.stringify(listed.body)).not.toContain(raw);
    expect((await get("/v1/credits", { key: raw })).status).toBe(200);
    expect((await send("DELETE", `/v1/api-keys/${created.body.data.id}`)).status).toBe(204);
    expect((await get("/v1/credits", { key: raw })).status).toBe(401);
  });

  it("registers a webhook whose secret is shown once, then deletes it", async () => {
    const created = await send("POST", "/v1/webhooks", {
      url: "https://example.com/contract-check",
      events: ["job.completed"],
    });
    expect(created.status).toBe(201);
    const { id, secret } = created.body.data;
    expect(JSON.stringify((await get("/v1/webhooks")).body)).not.toContain(secret);
    expect((await send("DELETE", `/v1/webhooks/${id}`)).status).toBe(204);
    expect((await send("DELETE", `/v1/webhooks/${id}`)).status).toBe(404);
  });

  it("uploads an image by URL and adds and removes it as a reference", async () => {
    const upload = await send("POST", "/v1/upload", { url: "https://example.com/contract-check.png" });
    expect(upload.status).toBe(201);
    const assetId = upload.body.data.asset_id;
    const added = await send("POST", `/v1/collections/${collectionId}/references`, { asset_id: assetId });
    expect(added.body.data.config.reference_asset_ids).toContain(assetId);
    const removed = await send("DELETE", `/v1/collections/${collectionId}/references/${assetId}`);
    expect(removed.body.data.config.reference_asset_ids).not.toContain(assetId);
  });

  it("suggests six to eight actions without charging", async () => {
    const before = await balance();
    const answer = await send("POST", `/v1/collections/${collectionId}/suggest-actions`);
    expect(answer.status).toBe(200);
    expect(answer.body.data.actions.length).toBeGreaterThanOrEqual(6);
    expect(await balance()).toBe(before);
  });

  it("creates an empty canvas, reads it and its progress, refuses to export it, and prices it in a free dry run", async () => {
    const before = await balance();
    const canvas = await send("POST", `/v1/collections/${collectionId}/canvases`, {
      name: "Contract canvas",
    });
    expect(canvas.status).toBe(201);
    const path = `/v1/collections/${collectionId}/canvases/${canvas.body.data.id}`;
    expect((await get(path)).status).toBe(200);
    expect((await get(`${path}/status`)).status).toBe(200);
    expect((await get(`${path}/export`)).status).toBe(409);
    const dry = await send("POST", `${path}/generate-all`, { dry_run: true });
    expect(dry.status).toBe(200);
    expect(dry.body.data).toMatchObject({ dry_run: true, actual_cost: 0, jobs: [] });
    expect(await balance()).toBe(before);
  });

  it.each([
    ["a generate body without its prompt", "generate", { type: "image", name: "x" }],
    ["a batch of none", "generate-batch", { requests: [] }],
  ])("answers 400 to %s and charges nothing", async (_what, op, body) => {
    const before = await balance();
    const answer = await send("POST", `/v1/collections/${collectionId}/${op}`, body);
    expect(answer.status).toBe(400);
    expect(await balance()).toBe(before);
  });

  it("answers 415 to a body that is not JSON and 413 to one over 1 MiB", async () => {
    const path = "/v1/projects";
    const plain = await callPolitely("POST", path, {
      key,
      raw: "name=x",
      headers: { "content-type": "text/plain" },
    });
    expect(plain.status).toBe(415);
    const huge = JSON.stringify({ name: "x".repeat(1024 * 1024 + 1) });
    const big = await callPolitely("POST", path, {
      key,
      raw: huge,
      headers: { "content-type": "application/json" },
    });
    expect(big.status).toBe(413);
  });
});

/** A check that spends `cost` credits, run only while the budget allows. */
function itSpends(cost: number, name: string, check: () => Promise<void>) {
  it(`${name} (spends ${cost})`, async (context) => {
    if (budget < cost) {
      context.skip(`needs ${cost} credits of MASKO_CONTRACT_SPEND_CREDITS; ${budget} left`);
      return;
    }
    budget -= cost;
    await check();
  });
}

describe.runIf(profileIncludes(target.profile, "full"))("deployment, spending credits (profile full)", () => {
  let collectionId = "";
  beforeAll(async () => {
    await ownKey();
    const project = await send("POST", "/v1/projects", { name: "contract spend check" });
    const collection = await send("POST", "/v1/collections", {
      project_id: project.body.data.id,
      name: "Fox",
    });
    collectionId = collection.body.data.id;
  });

  itSpends(
    policies.creditCost.image,
    "generates an image, charged exactly its cost, that completes",
    async () => {
      const before = await balance();
      const accepted = await send("POST", `/v1/collections/${collectionId}/generate`, {
        type: "image",
        name: "Contract wave",
        image_prompt: "waving hello",
      });
      expect(accepted.status).toBe(202);
      expect(await balance()).toBe(before - policies.creditCost.image);
      let job = (await get(`${accepted.body.data.poll_url}?wait=true`)).body.data;
      for (let i = 0; i < 20 && job.status !== "completed" && job.status !== "failed"; i++) {
        job = (await get(`${accepted.body.data.poll_url}?wait=true`)).body.data;
      }
      expect(job.status).toBe("completed");
    },
  );

  itSpends(policies.creditCost.preview, "renders a preview, charged exactly its cost", async () => {
    const before = await balance();
    const accepted = await send("POST", "/v1/generate/preview", {
      collection_id: collectionId,
      image_prompt: "waving",
    });
    expect(accepted.status).toBe(202);
    expect(await balance()).toBe(before - policies.creditCost.preview);
  });
});
