/**
 * D1 — strings a store cannot hold. A lone UTF-16 surrogate is valid JSON; Redis' Lua JSON decoder rejects it, so
 * stored once it made every later request of the workspace answer 503. It is refused at the door, on every store.
 */
import { describe, expect, it } from "vitest";
import { createHarness, imageBody } from "../simulator/harness.js";

// Built with fromCharCode so the source file stays well-formed Unicode.
const LOW = String.fromCharCode(0xdc00);
const HIGH = String.fromCharCode(0xd800);

describe("strings that are not well-formed Unicode", () => {
  it.each([
    [
      "a generate name",
      (c: string) => [`/v1/collections/${c}/generate`, { ...imageBody(), name: LOW }],
      "name",
    ],
    [
      "a prompt inside a batch",
      (c: string) => [
        `/v1/collections/${c}/generate-batch`,
        { requests: [{ ...imageBody(), image_prompt: `wave ${HIGH}` }] },
      ],
      "requests[0].image_prompt",
    ],
    ["an API key name", () => ["/v1/api-keys", { name: HIGH }], "name"],
    ["a project name", () => ["/v1/projects", { name: `P${LOW}` }], "name"],
    [
      "a webhook URL",
      () => ["/v1/webhooks", { url: `https://example.com/${LOW}`, events: ["job.failed"] }],
      "url",
    ],
    ["an object key", () => ["/v1/projects", { [`n${LOW}`]: "x" }], `n${LOW}`],
  ] as const)(
    "refuses %s with 400 naming the field, and the workspace keeps working",
    async (_what, build, field) => {
      const h = await createHarness();
      const ws = await h.workspace("personal", 10);
      const { collectionId } = await h.collection(ws.key);
      const [path, body] = build(collectionId) as [string, unknown];
      const answer = await h.call("POST", path, { key: ws.key, body });
      expect(answer.status).toBe(400);
      expect(answer.body.error.field).toBe(field);
      expect((await h.call("GET", "/v1/credits", { key: ws.key })).body.data.balance).toBe(10);
      expect((await h.call("GET", "/v1/jobs", { key: ws.key })).status).toBe(200);
      expect((await h.call("GET", "/v1/api-keys", { key: ws.key })).body.data).toHaveLength(1);
    },
  );

  it("still accepts every well-formed string: emoji (surrogate pairs), NUL, escapes and scripts", async () => {
    const h = await createHarness();
    const ws = await h.workspace("personal", 10);
    const { collectionId } = await h.collection(ws.key);
    const name = "🦊 Füchschen \u0000 \u001b[31m ✓ 狐";
    const accepted = await h.call("POST", `/v1/collections/${collectionId}/generate`, {
      key: ws.key,
      body: { ...imageBody(), name },
    });
    expect(accepted.status).toBe(202);
    await h.advance(10);
    const job = await h.call("GET", accepted.body.data.poll_url, { key: ws.key });
    expect(job.body.data).toMatchObject({ status: "completed", item_name: name });
    const key = await h.call("POST", "/v1/api-keys", { key: ws.key, body: { name } });
    expect(key.status).toBe(201);
    expect((await h.call("DELETE", `/v1/api-keys/${key.body.data.id}`, { key: ws.key })).status).toBe(204);
  });
});
