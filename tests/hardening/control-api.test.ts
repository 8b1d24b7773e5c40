/**
 * D2 / D5 / D7 — the control API is safe by default: a web page can neither read it (no CORS) nor reach it with a
 * simple cross-site POST (JSON content type required); every number is range-checked, so no control call can
 * leave the simulator answering 500; its answers carry no rate-limit headers.
 */
import { describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../simulator/harness.js";

async function control(
  h: Harness,
  method: string,
  path: string,
  init: { body?: string; type?: string } = {},
) {
  const response = await h.sim.fetch(
    new Request(`http://simulator.test/__mock${path}`, {
      method,
      headers: {
        origin: "https://evil.example",
        ...(init.type === undefined
          ? { "content-type": "application/json" }
          : init.type
            ? { "content-type": init.type }
            : {}),
      },
      ...(init.body !== undefined ? { body: init.body } : {}),
    }),
    { address: "127.0.0.1" },
  );
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

/** The simulator still answers the Masko API sanely: 200s, finite reset times, creates work. */
async function stillHealthy(h: Harness, key: string) {
  const credits = await h.call("GET", "/v1/credits", { key });
  expect(credits.status).toBe(200);
  const reset = Number(credits.headers.get("x-ratelimit-reset"));
  expect(Number.isSafeInteger(reset)).toBe(true);
  expect((await h.call("POST", "/v1/projects", { key, body: { name: "after" } })).status).toBe(201);
  const { collectionId } = await h.collection(key);
  const accepted = await h.call("POST", `/v1/collections/${collectionId}/generate`, {
    key,
    body: { type: "image", name: "Wave", image_prompt: "waving" },
  });
  expect(accepted.status).toBe(202);
}

describe("the control API from a web page", () => {
  it("sends no CORS headers, so a page on another origin cannot read an answer", async () => {
    const h = await createHarness();
    const health = await control(h, "GET", "/health");
    expect(health.status).toBe(200);
    expect(health.headers.get("access-control-allow-origin")).toBeNull();
    const preflight = await control(h, "OPTIONS", "/workspaces");
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
    expect(preflight.status).not.toBe(204);
  });

  it.each([
    ["text/plain", "text/plain"],
    ["a form", "application/x-www-form-urlencoded"],
    ["no content type", ""],
  ])(
    "refuses a state-changing call sent as %s (what a page can send without a preflight)",
    async (_what, type) => {
      const h = await createHarness();
      const ws = await h.workspace("personal", 10);
      const reset = await control(h, "POST", "/reset", { type, body: "{}" });
      expect(reset.status).toBe(415);
      const created = await control(h, "POST", "/workspaces", {
        type,
        body: '{"type":"personal","credits":5}',
      });
      expect(created.status).toBe(415);
      expect(JSON.stringify(created.body)).not.toContain("masko_");
      expect((await h.call("GET", "/v1/credits", { key: ws.key })).status).toBe(200);
    },
  );

  it("answers without rate-limit headers, errors included", async () => {
    const h = await createHarness();
    for (const answer of [
      await control(h, "GET", "/health"),
      await control(h, "POST", "/clock", { body: "{}" }),
    ]) {
      expect(answer.headers.get("x-ratelimit-remaining")).toBeNull();
      expect(answer.headers.get("x-ratelimit-reset")).toBeNull();
    }
  });
});

describe("numbers on the control API", () => {
  it.each([
    ["POST", "/clock", { advance_seconds: 1e13 }, "advance_seconds"],
    ["POST", "/clock", { advance_seconds: 1e308 }, "advance_seconds"],
    ["POST", "/clock", { advance_seconds: -5 }, "advance_seconds"],
    ["POST", "/clock", { advance_seconds: 1.5 }, "advance_seconds"],
    ["POST", "/clock", { advance_seconds: "60" }, "advance_seconds"],
    ["POST", "/workspaces", { type: "personal", credits: 1e21 }, "credits"],
    ["POST", "/faults", { latency_ms: 3_000_000_000 }, "latency_ms"],
    ["POST", "/faults", { fail_next_jobs: 1e6 }, "fail_next_jobs"],
    ["POST", "/faults", { fail_operations: { nope: 1 } }, "fail_operations"],
    ["POST", "/faults", { fail_operations: { getCredits: 1e9 } }, "fail_operations.getCredits"],
    ["POST", "/faults", { latency: 5 }, "latency"],
  ])("%s %s %j answers 400 naming %s and changes nothing", async (method, path, body, field) => {
    const h = await createHarness();
    const ws = await h.workspace("personal", 50);
    const before = h.sim.services.clock.now();
    const answer = await control(h, method, path, { body: JSON.stringify(body) });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: "bad_request", field });
    expect(h.sim.services.clock.now() - before).toBeLessThan(60_000);
    await stillHealthy(h, ws.key);
  });

  it("refuses a balance Redis could not count, on PUT credits too", async () => {
    const h = await createHarness();
    const ws = await h.workspace("personal", 5);
    const answer = await control(h, "PUT", `/workspaces/${ws.id}/credits`, {
      body: JSON.stringify({ balance: 1e21 }),
    });
    expect(answer.status).toBe(400);
    expect((await h.call("GET", "/v1/credits", { key: ws.key })).body.data.balance).toBe(5);
  });

  it("stops the clock at 100 years ahead of real time, and still works there", async () => {
    const h = await createHarness();
    const ws = await h.workspace("personal", 50);
    let answer = await control(h, "POST", "/clock", {
      body: JSON.stringify({ advance_seconds: 365 * 24 * 3600 }),
    });
    let calls = 1;
    while (answer.status === 200 && calls < 200) {
      answer = await control(h, "POST", "/clock", {
        body: JSON.stringify({ advance_seconds: 365 * 24 * 3600 }),
      });
      calls++;
    }
    expect(answer.status).toBe(400);
    expect(calls).toBe(101);
    await stillHealthy(h, ws.key);
  });
});
