/** The brief's rules as scenarios against the simulator (or any target with its control API). */
import { describe, expect, it } from "vitest";
import { policies } from "../src/policy/policies.js";
import { advanceClock, call, control, newCollection, newWorkspace } from "./lib/api.js";
import { NEEDS_CONTROL, target } from "./lib/target.js";

const [minute, hour] = policies.rateLimits.windows as [
  (typeof policies.rateLimits.windows)[number],
  (typeof policies.rateLimits.windows)[number],
];
const cost = policies.creditCost;
const balanceOf = async (key: string) =>
  (await call("GET", "/v1/credits", { key })).body.data.balance as number;

describe.skipIf(!target.hasControl)(`API keys ${NEEDS_CONTROL}`, () => {
  it("shows a created key once, never lists it, and refuses it the moment it is revoked", async () => {
    const ws = await newWorkspace();
    const created = await call("POST", "/v1/api-keys", { key: ws.key, body: { name: "lifecycle" } });
    const raw = created.body.data.key as string;
    expect(raw).toMatch(policies.keyPolicy.pattern);
    const list = await call("GET", "/v1/api-keys", { key: raw });
    expect(JSON.stringify(list.body)).not.toContain(raw.slice(6));
    expect(JSON.stringify(list.body)).not.toContain(ws.key.slice(6));
    expect((await call("GET", `/v1/api-keys?limit=100`, { key: ws.key })).body.data).toHaveLength(2);
    await call("DELETE", `/v1/api-keys/${created.body.data.id}`, { key: ws.key });
    expect((await call("GET", "/v1/credits", { key: raw })).status).toBe(401);
  });

  it(`keeps at most ${policies.keyPolicy.maxActiveKeysPerWorkspace} active keys, even when creations race`, async () => {
    const ws = await newWorkspace();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call("POST", "/v1/api-keys", { key: ws.key, body: { name: `r${i}` } }),
      ),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(
      policies.keyPolicy.maxActiveKeysPerWorkspace - 1,
    );
    expect(answers.filter((a) => a.status === 409)).toHaveLength(
      20 - policies.keyPolicy.maxActiveKeysPerWorkspace + 1,
    );
  });
});

describe.skipIf(!target.hasControl)(`workspace isolation ${NEEDS_CONTROL}`, () => {
  it("answers another workspace's collection with 403 and leaves it unchanged", async () => {
    const owner = await newWorkspace();
    const { collectionId } = await newCollection(owner.key);
    const outsider = await newWorkspace("organization");
    const answer = await call("PATCH", `/v1/collections/${collectionId}`, {
      key: outsider.key,
      body: { name: "taken" },
    });
    expect(answer.status).toBe(403);
    expect((await call("GET", `/v1/collections/${collectionId}`, { key: owner.key })).body.data.name).toBe(
      "Contract fox",
    );
  });
});

describe.skipIf(!target.hasControl)(`credits ${NEEDS_CONTROL}`, () => {
  it.each([
    ["image", { type: "image", name: "a", image_prompt: "x" }, cost.image],
    ["logo", { type: "logo", name: "a", logo_prompt: "x" }, cost.logo],
    [
      "3 s animation with a new image",
      { type: "animation", name: "a", image_prompt: "x", animation_prompt: "y", duration: 3 },
      3 * cost.animation.perSecond + cost.animation.withNewImage,
    ],
  ])("charges %s exactly its spec cost", async (_name, body, expected) => {
    const ws = await newWorkspace("personal", 100);
    const { collectionId } = await newCollection(ws.key);
    const answer = await call("POST", `/v1/collections/${collectionId}/generate`, { key: ws.key, body });
    expect(answer.body.data.cost_credits).toBe(expected);
    expect(await balanceOf(ws.key)).toBe(100 - expected);
  });

  it("answers 402 with required and balance, changing nothing", async () => {
    const ws = await newWorkspace("personal", 4);
    const { collectionId } = await newCollection(ws.key);
    const answer = await call("POST", `/v1/collections/${collectionId}/generate`, {
      key: ws.key,
      body: { type: "logo", name: "L", logo_prompt: "x" },
    });
    expect(answer.status).toBe(402);
    expect(answer.body.error).toMatchObject({ required: cost.logo, balance: 4 });
    expect(await balanceOf(ws.key)).toBe(4);
    expect((await call("GET", "/v1/jobs", { key: ws.key })).body.meta.pagination.total).toBe(0);
  });

  it("refunds a failed job exactly once", async () => {
    const ws = await newWorkspace("personal", 10);
    const { collectionId } = await newCollection(ws.key);
    await control("POST", "/faults", { fail_next_jobs: 1 });
    const job = await call("POST", `/v1/collections/${collectionId}/generate`, {
      key: ws.key,
      body: { type: "logo", name: "L", logo_prompt: "x" },
    });
    expect(await balanceOf(ws.key)).toBe(10 - cost.logo);
    await advanceClock(30);
    expect((await call("GET", `/v1/jobs/${job.body.data.job_id}`, { key: ws.key })).body.data.status).toBe(
      "failed",
    );
    expect(await balanceOf(ws.key)).toBe(10);
    expect(await balanceOf(ws.key)).toBe(10);
  });
});

describe.skipIf(!target.hasControl)(`rate limits ${NEEDS_CONTROL}`, () => {
  it(`admits exactly ${minute.limit} a minute with Remaining counting to 0, then 429 until the window resets`, async () => {
    const ws = await newWorkspace();
    const remaining: number[] = [];
    let reset = 0;
    for (let i = 0; i < minute.limit; i++) {
      const answer = await call("GET", "/v1/credits", { key: ws.key });
      expect(answer.status).toBe(200);
      remaining.push(Number(answer.headers.get("x-ratelimit-remaining")));
      reset = Number(answer.headers.get("x-ratelimit-reset"));
    }
    expect(remaining).toEqual(Array.from({ length: minute.limit }, (_, i) => minute.limit - 1 - i));
    const refused = await call("GET", "/v1/credits", { key: ws.key });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("x-ratelimit-reset"))).toBe(reset);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(minute.windowSeconds);
    await advanceClock(minute.windowSeconds);
    const back = await call("GET", "/v1/credits", { key: ws.key });
    expect(back.status).toBe(200);
    expect(back.headers.get("x-ratelimit-remaining")).toBe(String(minute.limit - 1));
  });

  it(`admits exactly ${hour.limit} an hour across minute windows`, async () => {
    const ws = await newWorkspace();
    let admitted = 0;
    for (
      let window = 0;
      admitted < hour.limit + minute.limit && window < hour.windowSeconds / minute.windowSeconds;
      window++
    ) {
      let refused = false;
      for (let i = 0; i < minute.limit && !refused; i++) {
        const status = (await call("GET", "/v1/credits", { key: ws.key })).status;
        if (status === 200) admitted++;
        else refused = true;
      }
      if (refused) break;
      await advanceClock(minute.windowSeconds);
    }
    expect(admitted).toBe(hour.limit);
  });
});

describe.skipIf(!target.hasControl)(`jobs ${NEEDS_CONTROL}`, () => {
  it("long-polls a job with wait=true until it completes, and its image URL serves the PNG", async () => {
    const ws = await newWorkspace();
    const { collectionId } = await newCollection(ws.key);
    const job = await call("POST", `/v1/collections/${collectionId}/generate`, {
      key: ws.key,
      body: { type: "image", name: "a", image_prompt: "x" },
    });
    await advanceClock(2);
    const done = await call("GET", `/v1/jobs/${job.body.data.job_id}?wait=true`, { key: ws.key });
    expect(done.body.data.status).toBe("completed");
    const image = await fetch(done.body.data.urls.image);
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await image.arrayBuffer()).subarray(0, 8)).toEqual(
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    );
  });
});
