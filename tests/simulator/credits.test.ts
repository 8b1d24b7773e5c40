import { describe, expect, it } from "vitest";
import { createHarness, imageBody } from "./harness.js";

const ASSET = "e906ebb5-deb1-4010-82f9-f0182a3812e0";

async function setup(credits = 100, rateLimitScale = 1) {
  const h = await createHarness({ rateLimitScale });
  const ws = await h.workspace("personal", credits);
  const { collectionId } = await h.collection(ws.key);
  const upload = await h.call("POST", "/v1/upload", {
    key: ws.key,
    body: { url: "https://example.com/fox.png" },
  });
  const upload2 = await h.call("POST", "/v1/upload", {
    key: ws.key,
    body: { url: "https://example.com/fox2.png" },
  });
  const balance = async () =>
    (await h.call("GET", "/v1/credits", { key: ws.key })).body.data.balance as number;
  const generate = (body: unknown) =>
    h.call("POST", `/v1/collections/${collectionId}/generate`, { key: ws.key, body });
  return {
    h,
    ws,
    collectionId,
    source: upload.body.data.asset_id,
    end: upload2.body.data.asset_id,
    balance,
    generate,
  };
}

describe("credit costs come from x-masko-credit-cost", () => {
  it.each([
    ["an image", () => imageBody(), 1],
    ["a logo", () => ({ type: "logo", name: "Logo", logo_prompt: "fox head" }), 5],
    [
      "a 4 s animation with a new image",
      () => ({
        type: "animation",
        name: "Wave",
        image_prompt: "standing",
        animation_prompt: "waves",
        duration: 4,
      }),
      21,
    ],
    [
      "a 4 s animation of an existing image",
      (s: { source: string }) => ({
        type: "animation",
        name: "Wave",
        source_image_asset_id: s.source,
        animation_prompt: "waves",
        duration: 4,
      }),
      20,
    ],
    [
      "a 3 s transition with its free reverse",
      (s: { source: string; end: string }) => ({
        type: "animation",
        name: "Idle to wave",
        source_image_asset_id: s.source,
        end_image_asset_id: s.end,
        animation_prompt: "raises paw",
        duration: 3,
        auto_reverse: true,
      }),
      15,
    ],
  ])("charges %s exactly its cost when the job is accepted", async (_name, body, cost) => {
    const s = await setup();
    const answer = await s.generate(body(s));
    expect(answer.status).toBe(202);
    expect(answer.body.data.cost_credits).toBe(cost);
    expect(await s.balance()).toBe(100 - cost);
  });

  it("charges an edit 1 credit on an existing item", async () => {
    const s = await setup();
    const first = await s.generate(imageBody());
    const edit = await s.generate({
      type: "edit",
      item_id: first.body.data.item_id,
      source_image_asset_id: first.body.data.asset_ids.image,
      edit_instructions: "add a scarf",
    });
    expect(edit.status).toBe(202);
    expect(edit.body.data.item_id).toBe(first.body.data.item_id);
    expect(await s.balance()).toBe(98);
  });

  it("creates a free reverse job for auto_reverse transitions", async () => {
    const s = await setup();
    const answer = await s.generate({
      type: "animation",
      name: "Hop",
      source_image_asset_id: s.source,
      end_image_asset_id: s.end,
      animation_prompt: "hops",
      duration: 2,
      auto_reverse: true,
    });
    const reverse = await s.h.call("GET", `/v1/jobs/${answer.body.data.reverse_job_id}`, { key: s.ws.key });
    expect(reverse.body.data).toMatchObject({ type: "reverse", cost_credits: 0 });
  });
});

describe("charging", () => {
  it("answers 402 with required and balance and changes nothing when credits are short", async () => {
    const s = await setup(20);
    const before = await s.h.call("GET", "/v1/jobs", { key: s.ws.key });
    const answer = await s.generate({
      type: "animation",
      name: "W",
      image_prompt: "x",
      animation_prompt: "y",
      duration: 4,
    });
    expect(answer.status).toBe(402);
    expect(answer.body.error).toMatchObject({ code: "insufficient_credits", required: 21, balance: 20 });
    expect(await s.balance()).toBe(20);
    const after = await s.h.call("GET", "/v1/jobs", { key: s.ws.key });
    expect(after.body.meta.pagination.total).toBe(before.body.meta.pagination.total);
    const items = await s.h.call("GET", `/v1/collections/${s.collectionId}/items`, { key: s.ws.key });
    expect(items.body.data).toEqual([]);
  });

  it("charges a batch the sum of its requests, all or nothing", async () => {
    const s = await setup(7);
    const batch = (requests: unknown[]) =>
      s.h.call("POST", `/v1/collections/${s.collectionId}/generate-batch`, {
        key: s.ws.key,
        body: { requests },
      });
    const tooDear = await batch([
      imageBody("a"),
      { type: "logo", name: "L", logo_prompt: "x" },
      imageBody("b"),
      imageBody("c"),
    ]);
    expect(tooDear.status).toBe(402);
    expect(tooDear.body.error).toMatchObject({ required: 8, balance: 7 });
    expect(await s.balance()).toBe(7);
    expect((await s.h.call("GET", "/v1/jobs", { key: s.ws.key })).body.meta.pagination.total).toBe(0);
    const ok = await batch([imageBody("a"), { type: "logo", name: "L", logo_prompt: "x" }, imageBody("b")]);
    expect(ok.status).toBe(202);
    expect(ok.body.data.cost_credits).toBe(7);
    expect(ok.body.data.jobs).toHaveLength(3);
    expect(await s.balance()).toBe(0);
  });

  it("rejects a whole batch when one request is invalid, naming it", async () => {
    const s = await setup();
    const answer = await s.h.call("POST", `/v1/collections/${s.collectionId}/generate-batch`, {
      key: s.ws.key,
      body: { requests: [imageBody(), { type: "image", name: "x" }] },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toBe("requests[1].image_prompt: is required");
    expect(await s.balance()).toBe(100);
  });

  it("accepts exactly 50 of 100 concurrent image generations on a balance of 50", async () => {
    const s = await setup(50, 10); // limits raised so the rate limiter is not what refuses them
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => s.generate(imageBody(`p${i}`))));
    expect(answers.filter((a) => a.status === 202)).toHaveLength(50);
    expect(answers.filter((a) => a.status === 402)).toHaveLength(50);
    expect(await s.balance()).toBe(0);
  });

  it("refunds a failed job exactly once", async () => {
    const s = await setup(10);
    await s.h.sim.control.setFaults({ fail_next_jobs: 1 });
    const failing = await s.generate({ type: "logo", name: "L", logo_prompt: "x" });
    const fine = await s.generate(imageBody());
    expect(await s.balance()).toBe(4);
    await s.h.advance(60);
    const job = await s.h.call("GET", `/v1/jobs/${failing.body.data.job_id}`, { key: s.ws.key });
    expect(job.body.data.status).toBe("failed");
    expect(job.body.data.error.code).toBe("internal_error");
    expect(
      (await s.h.call("GET", `/v1/jobs/${fine.body.data.job_id}`, { key: s.ws.key })).body.data.status,
    ).toBe("completed");
    for (let i = 0; i < 3; i++) {
      await s.h.call("GET", "/v1/jobs", { key: s.ws.key });
      expect(await s.balance()).toBe(9);
    }
  });

  it("shows a failed job's refund in the first balance read once it is due, with no job read before it", async () => {
    const s = await setup(10);
    await s.h.sim.control.setFaults({ fail_next_jobs: 1 });
    await s.generate({ type: "logo", name: "L", logo_prompt: "x" });
    expect(await s.balance()).toBe(5);
    // The clock alone moves (no scheduler run, as the control API's advance would do): the read itself must see
    // that the workspace has a job due and settle it first.
    await s.h.sim.services.clock.advance(60);
    expect(await s.balance()).toBe(10);
  });

  it("spends the organization pool for every member's key", async () => {
    const h = await createHarness();
    const org = await h.workspace("organization", 10);
    const member = await h.sim.control.addMember(org.id, "member");
    const { collectionId } = await h.collection(member.api_key);
    await h.call("POST", `/v1/collections/${collectionId}/generate`, {
      key: member.api_key,
      body: imageBody(),
    });
    expect((await h.call("GET", "/v1/credits", { key: org.key })).body.data.balance).toBe(9);
    expect((await h.call("GET", "/v1/credits")).body.data.balance).toBe(100);
  });

  it("refuses a source image from another workspace with 403 and charges nothing", async () => {
    const s = await setup();
    const other = await s.h.workspace();
    const foreign = await s.h.call("POST", "/v1/upload", {
      key: other.key,
      body: { url: "https://example.com/x.png" },
    });
    const answer = await s.generate({
      type: "animation",
      name: "W",
      source_image_asset_id: foreign.body.data.asset_id,
      animation_prompt: "y",
      duration: 2,
    });
    expect(answer.status).toBe(403);
    expect(await s.balance()).toBe(100);
    const unknown = await s.generate({
      type: "animation",
      name: "W",
      source_image_asset_id: ASSET,
      animation_prompt: "y",
      duration: 2,
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe("Asset not found.");
    expect(await s.balance()).toBe(100);
  });
});
