import { describe, expect, it } from "vitest";
import { policies } from "../../src/policy/policies.js";
import { createHarness } from "./harness.js";

const [minute, hour] = policies.rateLimits.windows as [
  (typeof policies.rateLimits.windows)[number],
  (typeof policies.rateLimits.windows)[number],
];

describe("rate limits (numbers from x-masko-rate-limits)", () => {
  it("admits exactly the minute limit, counting Remaining down to 0, then answers 429", async () => {
    const h = await createHarness();
    const ws = await h.workspace();
    // The window opens when the first request is admitted: somewhere between these two readings of the clock.
    const beforeFirst = h.sim.services.clock.now();
    let afterFirst = Number.NaN;
    const remaining: number[] = [];
    const resets = new Set<string>();
    for (let i = 0; i < minute.limit; i++) {
      const answer = await h.call("GET", "/v1/credits", { key: ws.key });
      if (i === 0) afterFirst = h.sim.services.clock.now();
      expect(answer.status).toBe(200);
      remaining.push(Number(answer.headers.get("x-ratelimit-remaining")));
      resets.add(answer.headers.get("x-ratelimit-reset") ?? "");
    }
    expect(remaining).toEqual(Array.from({ length: minute.limit }, (_, i) => minute.limit - 1 - i));
    expect(resets.size).toBe(1);
    const reset = Number([...resets][0]);
    expect(reset).toBeGreaterThanOrEqual(Math.ceil(beforeFirst / 1000 + minute.windowSeconds));
    expect(reset).toBeLessThanOrEqual(Math.ceil(afterFirst / 1000 + minute.windowSeconds));

    const refused = await h.call("GET", "/v1/credits", { key: ws.key });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe("rate_limited");
    expect(refused.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(refused.headers.get("x-ratelimit-reset")).toBe(String(reset));
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(reset - Math.floor(h.sim.services.clock.now() / 1000) + 1);
  });

  it("does not count refused requests: the key recovers exactly when the window resets", async () => {
    const h = await createHarness();
    const ws = await h.workspace();
    for (let i = 0; i < minute.limit; i++) await h.call("GET", "/v1/credits", { key: ws.key });
    for (let i = 0; i < 5; i++)
      expect((await h.call("GET", "/v1/credits", { key: ws.key })).status).toBe(429);
    await h.advance(minute.windowSeconds - 2);
    expect((await h.call("GET", "/v1/credits", { key: ws.key })).status).toBe(429);
    await h.advance(2);
    const back = await h.call("GET", "/v1/credits", { key: ws.key });
    expect(back.status).toBe(200);
    expect(back.headers.get("x-ratelimit-remaining")).toBe(String(minute.limit - 1));
  });

  it("admits exactly the hourly limit across minute windows, then 429 until the hour resets", async () => {
    const h = await createHarness();
    const ws = await h.workspace();
    let admitted = 0;
    let lastRefusal: Awaited<ReturnType<typeof h.call>> | undefined;
    for (let window = 0; window * minute.windowSeconds < hour.windowSeconds; window++) {
      for (let i = 0; i < minute.limit; i++) {
        const answer = await h.call("GET", "/v1/credits", { key: ws.key });
        if (answer.status === 200) admitted++;
        else {
          lastRefusal = answer;
          break;
        }
      }
      if (lastRefusal) break;
      await h.advance(minute.windowSeconds);
    }
    expect(admitted).toBe(hour.limit);
    expect(lastRefusal?.status).toBe(429);
    expect(lastRefusal?.body.error.message).toContain("hour");
    expect(Number(lastRefusal?.headers.get("retry-after"))).toBeGreaterThan(minute.windowSeconds);
    await h.advance(hour.windowSeconds);
    expect((await h.call("GET", "/v1/credits", { key: ws.key })).status).toBe(200);
  });

  it("keeps one key's exhaustion away from another key", async () => {
    const h = await createHarness();
    const a = await h.workspace();
    const b = await h.workspace();
    for (let i = 0; i <= minute.limit; i++) await h.call("GET", "/v1/credits", { key: a.key });
    expect((await h.call("GET", "/v1/credits", { key: a.key })).status).toBe(429);
    const other = await h.call("GET", "/v1/credits", { key: b.key });
    expect(other.status).toBe(200);
    expect(other.headers.get("x-ratelimit-remaining")).toBe(String(minute.limit - 1));
  });

  it("answers 401 to every request without a valid key, however many arrive (the authentication page's rule)", async () => {
    const h = await createHarness();
    for (let i = 0; i < minute.limit + 5; i++) {
      const answer = await h.call("GET", "/v1/credits", {
        key: i % 2 ? null : `masko_${String(i).padStart(64, "0")}`,
        address: "10.0.0.9",
      });
      expect(answer.status).toBe(401);
      expect(answer.headers.get("x-ratelimit-remaining")).toBe(String(minute.limit));
    }
    expect((await h.call("GET", "/v1/credits", { address: "10.0.0.9" })).status).toBe(200);
  });

  it("limits requests without a valid key per client address with keyless-limit=per-address, so key guessing meets 429", async () => {
    const h = await createHarness({ behaviour: { "keyless-limit": "per-address" } });
    for (let i = 0; i < minute.limit; i++) {
      const answer = await h.call("GET", "/v1/credits", {
        key: `masko_${String(i).padStart(64, "0")}`,
        address: "10.0.0.9",
      });
      expect(answer.status).toBe(401);
      expect(answer.headers.get("x-ratelimit-remaining")).toBe(String(minute.limit - 1 - i));
    }
    expect((await h.call("GET", "/v1/credits", { key: null, address: "10.0.0.9" })).status).toBe(429);
    expect((await h.call("GET", "/v1/credits", { key: null, address: "10.0.0.10" })).status).toBe(401);
  });

  it.each([
    ["400", "POST", "/v1/projects", { body: { name: "" } }],
    ["404", "GET", "/v1/projects/04dae799-dd9a-4296-ba86-9e3913c2f8d1", {}],
    ["404 (no route)", "GET", "/v2/nothing", {}],
    ["405", "PUT", "/v1/credits", {}],
    [
      "415",
      "POST",
      "/v1/projects",
      { raw: "name=x", headers: { "content-type": "application/x-www-form-urlencoded" } },
    ],
  ])("sends both rate-limit headers on a %s", async (_status, method, path, options) => {
    const h = await createHarness();
    const answer = await h.call(method, path, options);
    expect(answer.status).toBe(Number(_status.slice(0, 3)));
    expect(answer.headers.get("x-ratelimit-remaining")).toBe(String(minute.limit - 1));
    expect(Number(answer.headers.get("x-ratelimit-reset"))).toBeGreaterThan(0);
  });

  it("sends both rate-limit headers on an injected 500", async () => {
    const h = await createHarness();
    await h.sim.control.setFaults({ fail_operations: { getCredits: 1 } });
    const failed = await h.call("GET", "/v1/credits");
    expect(failed.status).toBe(500);
    expect(failed.body.error.code).toBe("internal_error");
    expect(failed.headers.get("x-ratelimit-remaining")).toBe(String(minute.limit - 1));
    expect((await h.call("GET", "/v1/credits")).status).toBe(200);
  });

  it("admits exactly the minute limit out of 200 concurrent requests on one key", async () => {
    const h = await createHarness();
    const ws = await h.workspace();
    const answers = await Promise.all(
      Array.from({ length: 200 }, () => h.call("GET", "/v1/credits", { key: ws.key })),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(minute.limit);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(200 - minute.limit);
  });
});
