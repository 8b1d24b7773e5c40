/**
 * Provokes every declared (operation, status) cell against the simulator. `npm run test:contract` then prints the
 * matrix and fails on any cell neither provoked nor exempted (contract-tests/lib/coverage-matrix.ts).
 */
import { describe, expect, it } from "vitest";
import { policies } from "../src/policy/policies.js";
import { call, control, newWorkspace } from "./lib/api.js";
import { type Fixture, populatedWorkspace } from "./lib/fixtures.js";
import { OPERATION_CASES, type Request } from "./lib/operation-cases.js";
import { NEEDS_CONTROL, target } from "./lib/target.js";

const send = (key: string | null, r: Request, extra: { raw?: string; contentType?: string } = {}) =>
  call(r.method, r.path, {
    key,
    ...(extra.raw !== undefined
      ? { raw: extra.raw, headers: { "content-type": extra.contentType ?? "application/json" } }
      : r.body !== undefined
        ? { body: r.body }
        : {}),
  });

/** Spends a key's minute window with cheap requests until the limiter refuses. */
async function exhaust(key: string) {
  const limit = policies.rateLimits.windows[0]?.limit ?? 60;
  for (let i = 0; i <= limit; i++) {
    if ((await call("GET", "/v1/credits", { key })).status === 429) return;
  }
  throw new Error("the minute limit never answered 429");
}

describe.skipIf(!target.hasControl)(`every operation, every declared status ${NEEDS_CONTROL}`, () => {
  const entries = Object.entries(OPERATION_CASES);

  it.each(entries.filter(([, c]) => !c.succeedsIn))("%s succeeds with a valid request", async (_op, c) => {
    const f = await populatedWorkspace();
    const answer = await send(f.key, c.valid(f));
    expect(answer.status).toBeLessThan(300);
  });

  it.each(entries.filter(([, c]) => !c.open))("%s answers 401 without a key", async (_op, c) => {
    const f = await populatedWorkspace();
    expect((await send(null, c.valid(f))).status).toBe(401);
  });

  it.each(entries)("%s answers 429 once the key's minute is spent", async (_op, c) => {
    const f = await populatedWorkspace();
    await exhaust(f.key);
    const answer = await send(f.key, c.valid(f));
    expect(answer.status).toBe(429);
    expect(Number(answer.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  });

  it.each(entries)("%s answers 500 when the server fails", async (op, c) => {
    const f = await populatedWorkspace();
    await control("POST", "/faults", { fail_operations: { [op]: 1 } });
    expect((await send(f.key, c.valid(f))).status).toBe(500);
  });

  it.each(entries.filter(([, c]) => c.invalid))("%s answers 400 to bad input", async (_op, c) => {
    const f = await populatedWorkspace();
    const answer = await send(f.key, (c.invalid as (f: Fixture) => Request)(f));
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe("bad_request");
  });

  it.each(entries.filter(([, c]) => c.foreign))(
    "%s answers 403 for another workspace's resource",
    async (_op, c) => {
      const [f, other] = [await populatedWorkspace(), await populatedWorkspace()];
      expect((await send(f.key, (c.foreign as (f: Fixture, o: Fixture) => Request)(f, other))).status).toBe(
        403,
      );
    },
  );

  it.each(entries.filter(([, c]) => c.unknown))("%s answers 404 for an unknown id", async (_op, c) => {
    const f = await populatedWorkspace();
    expect((await send(f.key, (c.unknown as (f: Fixture) => Request)(f))).status).toBe(404);
  });

  it.each(entries.filter(([, c]) => c.json))("%s answers 413 to a body over 1 MiB", async (_op, c) => {
    const f = await populatedWorkspace();
    const answer = await send(f.key, c.valid(f), {
      raw: JSON.stringify({ name: "x".repeat(1024 * 1024 + 1) }),
    });
    expect(answer.status).toBe(413);
  });

  it.each(entries.filter(([, c]) => c.json))("%s answers 415 to a body that is not JSON", async (_op, c) => {
    const f = await populatedWorkspace();
    const answer = await send(f.key, c.valid(f), { raw: "name=x", contentType: "text/plain" });
    expect(answer.status).toBe(415);
  });

  const paid: Array<[string, (f: Fixture) => Request]> = [
    ["generate", (f) => OPERATION_CASES.generate?.valid(f) as Request],
    ["generateBatch", (f) => OPERATION_CASES.generateBatch?.valid(f) as Request],
    ["generatePreview", (f) => OPERATION_CASES.generatePreview?.valid(f) as Request],
    ["applyCanvasTemplate", (f) => OPERATION_CASES.applyCanvasTemplate?.valid(f) as Request],
    [
      "createCanvas",
      (f) => ({
        method: "POST",
        path: `/v1/collections/${f.collectionId}/canvases`,
        body: { name: "C", template_id: "greeter-3state" },
      }),
    ],
    [
      "generateCanvasAssets",
      (f) => ({
        method: "POST",
        path: `/v1/collections/${f.collectionId}/canvases/${f.templateCanvasId}/generate-all`,
        body: { targets: "animations" },
      }),
    ],
  ];
  it.each(paid)("%s answers 402 when credits are short and charges nothing", async (_op, request) => {
    const f = await populatedWorkspace(0);
    await control("PUT", `/workspaces/${f.workspaceId}/credits`, { balance: 0 });
    const answer = await send(f.key, request(f));
    expect(answer.status).toBe(402);
    expect((await call("GET", "/v1/credits", { key: f.key })).body.data.balance).toBe(0);
  });

  it("generateCanvasAssets answers 200 to a dry run and charges nothing", async () => {
    const f = await populatedWorkspace(50);
    const answer = await send(f.key, {
      method: "POST",
      path: `/v1/collections/${f.collectionId}/canvases/${f.templateCanvasId}/generate-all`,
      body: { dry_run: true },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.data.would_charge_credits).toBe(35);
    expect((await call("GET", "/v1/credits", { key: f.key })).body.data.balance).toBe(50);
  });

  it("exportCanvas answers 409 until every part is generated, then 200; applyCanvasTemplate 409 on a canvas with nodes", async () => {
    const f = await populatedWorkspace(50);
    const canvas = `/v1/collections/${f.collectionId}/canvases/${f.templateCanvasId}`;
    expect((await send(f.key, { method: "GET", path: `${canvas}/export` })).status).toBe(409);
    const again = {
      method: "POST",
      path: `${canvas}/from-template`,
      body: { template_id: "greeter-3state" },
    };
    expect((await send(f.key, again)).status).toBe(409);
    await send(f.key, { method: "POST", path: `${canvas}/generate-all`, body: {} });
    await control("POST", "/clock", { advance_seconds: 60 });
    const exported = await send(f.key, { method: "GET", path: `${canvas}/export` });
    expect(exported.status).toBe(200);
    expect(exported.body.data.version).toBe("2.0");
  });

  it("createApiKey answers 409 past the active-key cap and 403 to a member's organization key", async () => {
    const f = await populatedWorkspace();
    let answer = await send(f.key, { method: "POST", path: "/v1/api-keys", body: { name: "k" } });
    while (answer.status === 201)
      answer = await send(f.key, { method: "POST", path: "/v1/api-keys", body: { name: "k" } });
    expect(answer.status).toBe(409);
    const org = await newWorkspace("organization", 10, "member");
    expect((await send(org.key, { method: "POST", path: "/v1/api-keys", body: { name: "m" } })).status).toBe(
      403,
    );
  });

  it("createCollection answers 409 to more than six references in all", async () => {
    const f = await populatedWorkspace();
    const urls = Array.from({ length: 6 }, (_, i) => `https://example.com/r${i}.png`);
    const answer = await send(f.key, {
      method: "POST",
      path: "/v1/collections",
      body: { project_id: f.projectId, reference_asset_ids: [f.uploadId], reference_image_urls: urls },
    });
    expect(answer.status).toBe(409);
  });

  it("addCollectionReference answers 409 past six references", async () => {
    const f = await populatedWorkspace();
    let answer = await send(f.key, OPERATION_CASES.addCollectionReference?.valid(f) as Request);
    for (let i = 0; answer.status === 200 && i < 10; i++) {
      answer = await send(f.key, {
        method: "POST",
        path: `/v1/collections/${f.collectionId}/references`,
        body: { url: `https://example.com/ref-${i}.png` },
      });
    }
    expect(answer.status).toBe(409);
  });
});
