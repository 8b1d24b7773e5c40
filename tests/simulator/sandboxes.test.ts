/**
 * Sandboxes: isolated Maskos inside one simulator, each with its own workspaces, keys, credits, jobs, clock,
 * faults and deliveries, controlled by its own token; the default sandbox is what the simulator always was.
 */
import { describe, expect, it } from "vitest";
import { SANDBOX_TTL } from "../../src/mock/rules/sandboxes.js";
import { type CallOptions, createHarness, type Harness, imageBody } from "./harness.js";

interface Sandbox {
  sandbox_id: string;
  token: string;
  api_key: string;
  expires_at: string;
  created_at: string;
  ttl_seconds: number;
}

async function newSandbox(h: Harness, body: unknown = {}): Promise<Sandbox> {
  const created = await h.call("POST", "/__mock/sandboxes", { body });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body as Sandbox;
}

/** A control call of sandbox `s` with its token (or the headers given). */
const inSandbox = (h: Harness, s: Sandbox, method: string, path: string, options: CallOptions = {}) =>
  h.call(method, `/__mock/sandboxes/${s.sandbox_id}${path}`, {
    headers: { "x-mock-sandbox-token": s.token },
    ...(method === "GET" ? {} : { body: {} }),
    ...options,
  });

/** A harness, a sandbox, a collection of its demo workspace and an image generation started there. */
async function generatingInASandbox() {
  const h = await createHarness();
  const s = await newSandbox(h);
  const { collectionId } = await h.collection(s.api_key);
  const job = await h.call("POST", `/v1/collections/${collectionId}/generate`, {
    key: s.api_key,
    body: imageBody(),
  });
  return { h, s, collectionId, job };
}

const balance = async (h: Harness, key: string) =>
  (await h.call("GET", "/v1/credits", { key })).body.data.balance as number;

describe("creating a sandbox", () => {
  it("answers 201 with its id, token, expiry and a demo key of its own", async () => {
    const h = await createHarness();
    const s = await newSandbox(h);
    expect(s.sandbox_id).toMatch(/^sb_[0-9a-f]{24}$/);
    expect(s.token).toMatch(/^msb_[0-9a-f]{64}$/);
    expect(s.api_key).toMatch(/^masko_[0-9a-f]{64}$/);
    expect(s.api_key).not.toBe(h.demoKey);
    expect(s.ttl_seconds).toBe(SANDBOX_TTL.defaultSeconds);
    expect(Date.parse(s.expires_at) - Date.parse(s.created_at)).toBe(SANDBOX_TTL.defaultSeconds * 1000);
    expect(await balance(h, s.api_key)).toBe(100);
  });

  it("takes ttl_seconds within the documented range, and refuses anything else with 400 creating nothing", async () => {
    const h = await createHarness();
    expect((await newSandbox(h, { ttl_seconds: 90 })).ttl_seconds).toBe(90);
    for (const body of [
      { ttl_seconds: 0 },
      { ttl_seconds: SANDBOX_TTL.maxSeconds + 1 },
      { ttl_seconds: "60" },
      { ttl_seconds: 1.5 },
      { ttl: 60 },
    ]) {
      const refused = await h.call("POST", "/__mock/sandboxes", { body });
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.body.error.code).toBe("bad_request");
    }
    expect((await h.call("GET", "/__mock/sandboxes")).body.data).toHaveLength(1);
  });

  it("refuses past the fleet's maximum with 429, until one is deleted", async () => {
    const h = await createHarness({ maxSandboxes: 2 });
    const first = await newSandbox(h);
    await newSandbox(h);
    const third = await h.call("POST", "/__mock/sandboxes", { body: {} });
    expect(third.status).toBe(429);
    expect(third.body.error.message).toMatch(/maximum of 2 sandboxes/);
    expect((await inSandbox(h, first, "DELETE", "")).status).toBe(204);
    await newSandbox(h);
  });
});

describe("a sandbox is isolated", () => {
  it("routes Masko API calls by key: credits charged in a sandbox leave the default's balance alone", async () => {
    const { h, s, collectionId, job } = await generatingInASandbox();
    expect(job.status).toBe(202);
    expect(await balance(h, s.api_key)).toBeLessThan(100);
    expect(await balance(h, h.demoKey)).toBe(100);
    // The default's collections do not include the sandbox's, and the sandbox key cannot read the default's.
    const mine = await h.collection(h.demoKey);
    expect((await h.call("GET", `/v1/collections/${mine.collectionId}`, { key: s.api_key })).status).toBe(
      404,
    );
    expect((await h.call("GET", `/v1/collections/${collectionId}`)).status).toBe(404);
  });

  it("has its own reset, clock and faults: none of them touches the default or another sandbox", async () => {
    const h = await createHarness();
    const [a, b] = [await newSandbox(h), await newSandbox(h)];
    const { collectionId } = await h.collection(b.api_key);
    const ownJob = await h.call("POST", `/v1/collections/${collectionId}/generate`, {
      key: b.api_key,
      body: imageBody(),
    });
    const defaultCol = await h.collection(h.demoKey);
    const defaultJob = await h.call("POST", `/v1/collections/${defaultCol.collectionId}/generate`, {
      body: imageBody(),
    });

    expect((await inSandbox(h, a, "POST", "/faults", { body: { fail_next_jobs: 5 } })).status).toBe(200);
    expect((await inSandbox(h, a, "POST", "/clock", { body: { advance_seconds: 600 } })).status).toBe(200);
    expect((await inSandbox(h, a, "POST", "/reset")).status).toBe(204);
    // Sandbox a's clock and faults moved nothing elsewhere: b's and the default's jobs are still running.
    const jobOf = (key: string, id: string) => h.call("GET", `/v1/jobs/${id}`, { key });
    expect((await jobOf(b.api_key, ownJob.body.data.job_id)).body.data.status).not.toMatch(
      /completed|failed/,
    );
    expect((await jobOf(h.demoKey, defaultJob.body.data.job_id)).body.data.status).not.toMatch(
      /completed|failed/,
    );
    // b's own clock finishes b's job, and the faults set in a failed none of it.
    await inSandbox(h, b, "POST", "/clock", { body: { advance_seconds: 600 } });
    expect((await jobOf(b.api_key, ownJob.body.data.job_id)).body.data.status).toBe("completed");
    expect((await jobOf(h.demoKey, defaultJob.body.data.job_id)).body.data.status).not.toBe("completed");
    // The default's reset leaves sandboxes as they are.
    await h.call("POST", "/__mock/reset", { body: {} });
    expect(await balance(h, b.api_key)).toBeLessThan(100);
    expect((await jobOf(b.api_key, ownJob.body.data.job_id)).body.data.status).toBe("completed");
  });

  it("counts rate limits per sandbox: the default's control clock does not open a sandbox's window", async () => {
    const h = await createHarness();
    const s = await newSandbox(h);
    let last = 0;
    for (let i = 0; i < 61; i++) last = (await h.call("GET", "/v1/credits", { key: s.api_key })).status;
    expect(last).toBe(429);
    await h.call("POST", "/__mock/clock", { body: { advance_seconds: 61 } });
    expect((await h.call("GET", "/v1/credits", { key: s.api_key })).status).toBe(429);
    await inSandbox(h, s, "POST", "/clock", { body: { advance_seconds: 61 } });
    expect((await h.call("GET", "/v1/credits", { key: s.api_key })).status).toBe(200);
  });

  it("keeps keys made in the sandbox (control and POST /v1/api-keys) in the sandbox", async () => {
    const h = await createHarness();
    const s = await newSandbox(h);
    const ws = await inSandbox(h, s, "POST", "/workspaces", { body: { type: "organization", credits: 7 } });
    expect(ws.status).toBe(201);
    expect(await balance(h, ws.body.api_key)).toBe(7);
    const made = await h.call("POST", "/v1/api-keys", { key: s.api_key, body: { name: "ci" } });
    expect(made.status).toBe(201);
    expect(await balance(h, made.body.data.key)).toBe(100);
    // Setting credits through the sandbox reaches its workspace, not a default one of the same id.
    const set = await inSandbox(h, s, "PUT", `/workspaces/${ws.body.workspace_id}/credits`, {
      body: { balance: 3 },
    });
    expect(set.status).toBe(200);
    expect(await balance(h, ws.body.api_key)).toBe(3);
    expect(
      (await h.call("PUT", `/__mock/workspaces/${ws.body.workspace_id}/credits`, { body: { balance: 9 } }))
        .status,
    ).toBe(404);
  });
});

describe("a sandbox token controls its sandbox only", () => {
  it("answers 401 without a token and 404 for a wrong token, another sandbox's token or an unknown id", async () => {
    const h = await createHarness();
    const [a, b] = [await newSandbox(h), await newSandbox(h)];
    const noToken = await h.call("POST", `/__mock/sandboxes/${a.sandbox_id}/reset`, { body: {} });
    expect(noToken.status).toBe(401);
    const attempts: Array<[string, string]> = [
      [a.sandbox_id, b.token],
      [a.sandbox_id, `msb_${"0".repeat(64)}`],
      [a.sandbox_id, "not-a-token"],
      ["sb_000000000000000000000000", a.token],
      [`${b.sandbox_id}/../${a.sandbox_id}`, b.token],
      [`${b.sandbox_id}%2F..%2F${a.sandbox_id}`, b.token],
      [encodeURIComponent(a.sandbox_id), b.token],
    ];
    for (const [id, token] of attempts) {
      const answer = await h.call("PUT", `/__mock/sandboxes/${id}/faults`, {
        headers: { "x-mock-sandbox-token": token },
        body: { latency_ms: 5 },
      });
      expect([404, 405], `${id} with ${token.slice(0, 8)}`).toContain(answer.status);
      const post = await h.call("POST", `/__mock/sandboxes/${id}/faults`, {
        headers: { "x-mock-sandbox-token": token },
        body: { latency_ms: 5 },
      });
      expect(post.status, `${id} with ${token.slice(0, 8)}`).toBe(404);
    }
    // Nothing reached a: its faults are as they were.
    const faults = await inSandbox(h, a, "POST", "/faults", { body: {} });
    expect(faults.body.latency_ms).toBe(0);
  });

  it("lets the admin token list, inspect and delete any sandbox, and a sandbox token none but its own", async () => {
    const h = await createHarness({ adminToken: "admin-secret" });
    const admin = { "x-mock-admin-token": "admin-secret" };
    const a = await newSandbox(h);
    const b = await newSandbox(h);
    expect((await h.call("GET", "/__mock/sandboxes")).status).toBe(401);
    expect(
      (await h.call("GET", "/__mock/sandboxes", { headers: { "x-mock-sandbox-token": a.token } })).status,
    ).toBe(401);
    const listed = await h.call("GET", "/__mock/sandboxes", { headers: admin });
    expect(listed.body.data.map((x: { sandbox_id: string }) => x.sandbox_id).sort()).toEqual(
      [a.sandbox_id, b.sandbox_id].sort(),
    );
    expect(JSON.stringify(listed.body)).not.toContain(a.token);
    expect(
      (await h.call("GET", `/__mock/sandboxes/${a.sandbox_id}`, { headers: admin })).body.sandbox_id,
    ).toBe(a.sandbox_id);
    // A sandbox token reaches its own sandbox's calls, never the default's.
    expect((await inSandbox(h, a, "GET", "")).status).toBe(200);
    expect(
      (await h.call("POST", "/__mock/reset", { headers: { "x-mock-sandbox-token": a.token }, body: {} }))
        .status,
    ).toBe(401);
    expect(
      (await h.call("DELETE", `/__mock/sandboxes/${b.sandbox_id}`, { headers: admin, body: {} })).status,
    ).toBe(204);
    expect((await inSandbox(h, b, "GET", "")).status).toBe(404);
    expect((await h.call("GET", "/v1/credits", { key: b.api_key })).status).toBe(401);
  });
});

describe("deleting a sandbox", () => {
  it("removes everything in it: its keys answer 401, its id 404, and the fleet holds nothing of it", async () => {
    const h = await createHarness();
    const s = await newSandbox(h);
    const ws = await inSandbox(h, s, "POST", "/workspaces", { body: { type: "personal", credits: 5 } });
    expect((await inSandbox(h, s, "DELETE", "")).status).toBe(204);
    expect((await h.call("GET", "/v1/credits", { key: s.api_key })).status).toBe(401);
    expect((await h.call("GET", "/v1/credits", { key: ws.body.api_key })).status).toBe(401);
    expect((await inSandbox(h, s, "GET", "")).status).toBe(404);
    expect((await h.call("GET", "/__mock/sandboxes")).body.data).toEqual([]);
    expect(await balance(h, h.demoKey)).toBe(100);
  });

  it("serves a sandbox's asset media under /assets/~{sandbox_id}/ and none once it is gone", async () => {
    const { h, s, job } = await generatingInASandbox();
    await inSandbox(h, s, "POST", "/clock", { body: { advance_seconds: 600 } });
    const done = await h.call("GET", `/v1/jobs/${job.body.data.job_id}`, { key: s.api_key });
    const url = JSON.stringify(done.body).match(/https:\/\/assets\.masko\.ai\/[^"]+\.png/)?.[0] ?? "";
    const path = new URL(url).pathname;
    expect(path.startsWith(`/~${s.sandbox_id}/`), url).toBe(true);
    const fetchMedia = () => h.sim.fetch(new Request(`http://simulator.test/assets${path}`));
    expect((await fetchMedia()).status).toBe(200);
    // The default sandbox does not hold it under its own paths.
    const unprefixed = path.replace(`/~${s.sandbox_id}`, "");
    expect((await h.sim.fetch(new Request(`http://simulator.test/assets${unprefixed}`))).status).toBe(404);
    await inSandbox(h, s, "DELETE", "");
    const gone = await fetchMedia();
    expect(gone.status).toBe(404);
  });
});
