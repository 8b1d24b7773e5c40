import { describe, expect, it } from "vitest";
import { createHarness } from "./harness.js";

describe("authentication", () => {
  it.each([
    ["missing", null, {}],
    ["malformed", "masko_123", {}],
    ["uppercase hex", `masko_${"AB".repeat(32)}`, {}],
    ["unknown", `masko_${"0".repeat(64)}`, {}],
    ["another scheme", null, { authorization: `Basic ${Buffer.from("a:b").toString("base64")}` }],
  ])("answers a %s key with the one 401 body and WWW-Authenticate: Bearer", async (_name, key, headers) => {
    const h = await createHarness();
    const answer = await h.call("GET", "/v1/credits", { key, headers });
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ error: { code: "unauthorized", message: "Missing or invalid API key." } });
    expect(answer.headers.get("www-authenticate")).toBe("Bearer");
  });

  it("answers a revoked key with the same 401, at once", async () => {
    const h = await createHarness();
    const created = await h.call("POST", "/v1/api-keys", { body: { name: "temp" } });
    const key = created.body.data.key as string;
    expect((await h.call("GET", "/v1/credits", { key })).status).toBe(200);
    expect((await h.call("DELETE", `/v1/api-keys/${created.body.data.id}`)).status).toBe(204);
    const after = await h.call("GET", "/v1/credits", { key });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe("unauthorized");
  });
});

describe("API keys", () => {
  it("returns the raw key once at creation and never again", async () => {
    const h = await createHarness();
    const created = await h.call("POST", "/v1/api-keys", { body: { name: "CI pipeline" } });
    expect(created.status).toBe(201);
    const key = created.body.data.key as string;
    expect(key).toMatch(/^masko_[0-9a-f]{64}$/);
    expect(created.body.data).toMatchObject({ name: "CI pipeline", display_hint: `masko_…${key.slice(-4)}` });
    const list = await h.call("GET", "/v1/api-keys");
    const text = JSON.stringify(list.body);
    expect(list.body.data.map((k: { id: string }) => k.id)).toContain(created.body.data.id);
    expect(text).not.toContain(key);
    expect(text).not.toContain(h.demoKey);
    expect(text).not.toMatch(/"hash"|[0-9a-f]{64}/);
  });

  it("keeps only SHA-256 hashes: no raw key in the store or the request log", async () => {
    const h = await createHarness();
    const created = await h.call("POST", "/v1/api-keys", { body: { name: "scan me" } });
    const key = created.body.data.key as string;
    await h.call("GET", "/v1/credits", { key });
    const dump = await h.sim.services.store.dump();
    expect(dump).not.toContain(key);
    expect(dump).not.toContain(h.demoKey);
    expect(dump).not.toContain(key.slice("masko_".length));
    expect(JSON.stringify(h.logs)).not.toContain(key.slice(6));
    expect(h.logs.at(-1)?.keyId).toBe(created.body.data.id);
  });

  it("refuses the 11th active key with 409 and accepts one again after a revocation", async () => {
    const h = await createHarness();
    const ws = await h.workspace();
    const ids: string[] = [];
    for (let i = 2; i <= 10; i++) {
      const created = await h.call("POST", "/v1/api-keys", { key: ws.key, body: { name: `key ${i}` } });
      expect(created.status).toBe(201);
      ids.push(created.body.data.id);
    }
    const eleventh = await h.call("POST", "/v1/api-keys", { key: ws.key, body: { name: "key 11" } });
    expect(eleventh.status).toBe(409);
    expect(eleventh.body.error.code).toBe("conflict");
    expect((await h.call("GET", "/v1/api-keys", { key: ws.key })).body.meta.pagination.total).toBe(10);
    await h.call("DELETE", `/v1/api-keys/${ids[0]}`, { key: ws.key });
    expect((await h.call("POST", "/v1/api-keys", { key: ws.key, body: { name: "again" } })).status).toBe(201);
  });

  it("holds the cap when 30 creations arrive at once: exactly 10 active", async () => {
    const h = await createHarness();
    const ws = await h.workspace();
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        h.call("POST", "/v1/api-keys", { key: ws.key, body: { name: `k${i}` } }),
      ),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(9);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(21);
    expect((await h.call("GET", "/v1/api-keys", { key: ws.key })).body.meta.pagination.total).toBe(10);
  });

  it("lets owners and admins create organization keys, and answers a member's key with 403", async () => {
    const h = await createHarness();
    const org = await h.workspace("organization", 50, "owner");
    const admin = await h.sim.control.addMember(org.id, "admin");
    const member = await h.sim.control.addMember(org.id, "member");
    expect((await h.call("POST", "/v1/api-keys", { key: org.key, body: { name: "owner's" } })).status).toBe(
      201,
    );
    expect(
      (await h.call("POST", "/v1/api-keys", { key: admin.api_key, body: { name: "admin's" } })).status,
    ).toBe(201);
    const refused = await h.call("POST", "/v1/api-keys", { key: member.api_key, body: { name: "member's" } });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("forbidden");
    expect((await h.call("GET", "/v1/credits", { key: member.api_key })).body.data).toMatchObject({
      balance: 50,
      workspace_type: "organization",
    });
  });

  it("answers 403 for another workspace's key and 404 for an unknown one", async () => {
    const h = await createHarness();
    const other = await h.workspace();
    const otherKeys = await h.call("GET", "/v1/api-keys", { key: other.key });
    const otherId = otherKeys.body.data[0].id as string;
    expect((await h.call("DELETE", `/v1/api-keys/${otherId}`)).status).toBe(403);
    expect((await h.call("GET", "/v1/credits", { key: other.key })).status).toBe(200);
    expect((await h.call("DELETE", "/v1/api-keys/3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f")).status).toBe(404);
  });
});
