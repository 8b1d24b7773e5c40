/**
 * Threat: webhook URLs that no delivery can call, accepted at creation and then breaking job completion (the
 * tenant's next request answering 500, later webhooks never getting their events). URLs are parsed at creation
 * with the parser delivery uses; 400 names the field and nothing is stored; credentials in URLs are refused.
 */
import { describe, expect, it } from "vitest";
import { createHarness, imageBody } from "../simulator/harness.js";

describe("webhook URLs are checked when they are registered", () => {
  it.each([
    ["an IPv4 address out of range", "http://999.999.999.999/x"],
    ["five IPv4 parts", "http://1.2.3.4.5/"],
    ["a hex address past 32 bits", "http://0x100000000/"],
    ["a port past 65535", "http://a:99999/"],
    ["credentials", "http://user:pass@127.0.0.1:9/hook"],
    ["a user name alone", "https://user@example.com/hook"],
    ["another scheme", "ftp://127.0.0.1/hook"],
  ])("refuses %s with 400 naming url, storing nothing", async (_, url) => {
    const h = await createHarness();
    const created = await h.call("POST", "/v1/webhooks", { body: { url, events: ["job.completed"] } });
    expect(created.status).toBe(400);
    expect(created.body.error).toMatchObject({ code: "bad_request", field: "url" });
    expect((await h.call("GET", "/v1/webhooks")).body.data).toEqual([]);
  });

  it("a job finishing after a refused registration leaves the tenant's next request and a valid webhook unharmed", async () => {
    const errors: unknown[] = [];
    const h = await createHarness({ onError: (e) => errors.push(e) });
    const ws = await h.workspace("personal", 10);
    const { collectionId } = await h.collection(ws.key);
    const refused = await h.call("POST", "/v1/webhooks", {
      key: ws.key,
      body: { url: "http://999.999.999.999/x", events: ["job.completed"] },
    });
    expect(refused.status).toBe(400);
    const valid = await h.call("POST", "/v1/webhooks", {
      key: ws.key,
      body: { url: "http://127.0.0.1:9/hook", events: ["job.completed"] },
    });
    expect(valid.status).toBe(201);
    const job = await h.call("POST", `/v1/collections/${collectionId}/generate`, {
      key: ws.key,
      body: imageBody(),
    });
    expect(job.status).toBe(202);
    await h.advance(10);
    expect((await h.call("GET", "/v1/credits", { key: ws.key })).status).toBe(200);
    const deliveries = await h.sim.services.webhooks.list();
    expect(deliveries.map((d) => d.url)).toEqual(["http://127.0.0.1:9/hook"]);
    expect(errors).toEqual([]);
  });
});
