import { describe, expect, it } from "vitest";
import { createMaskoClient } from "./create-client.js";
import { MaskoApiError } from "./masko-api-error.js";
import { fakeTiming, jsonResponse, scriptedFetch, VALID_KEY } from "./test-helpers.js";

const credits = {
  data: { balance: 100, workspace_id: "5b2c7c43-3a1e-4d8e-9f4a-2c6d8e0f1a2b", workspace_type: "personal" },
};
const rateLimited = (headers: Record<string, string>) => () =>
  jsonResponse(
    429,
    { error: { code: "rate_limited", message: "Rate limit exceeded" } },
    {
      "x-ratelimit-remaining": "0",
      ...headers,
    },
  );

describe("createMaskoClient", () => {
  it.each(["", "masko_123", `masko_${"A".repeat(64)}`, `Masko_${"a".repeat(64)}`, `masko_${"a".repeat(65)}`])(
    "refuses the malformed key %j before sending anything",
    (apiKey) => {
      const server = scriptedFetch(() => jsonResponse(200, credits));
      expect(() => createMaskoClient({ apiKey, fetch: server.fetch })).toThrow(TypeError);
      expect(server.requests).toHaveLength(0);
    },
  );

  it("sends the key as a bearer token to the configured base URL", async () => {
    const server = scriptedFetch(() => jsonResponse(200, credits));
    const client = createMaskoClient({
      apiKey: VALID_KEY,
      baseUrl: "http://127.0.0.1:4010",
      fetch: server.fetch,
    });
    const { data } = await client.GET("/v1/credits");
    expect(data?.data.balance).toBe(100);
    expect(server.requests[0]?.url).toBe("http://127.0.0.1:4010/v1/credits");
    expect(server.requests[0]?.headers.get("authorization")).toBe(`Bearer ${VALID_KEY}`);
  });

  it("exposes the rate-limit state of the last response", async () => {
    const server = scriptedFetch(() =>
      jsonResponse(200, credits, { "x-ratelimit-remaining": "41", "x-ratelimit-reset": "1774692100" }),
    );
    const client = createMaskoClient({ apiKey: VALID_KEY, fetch: server.fetch });
    expect(client.rateLimit).toBeUndefined();
    await client.GET("/v1/credits");
    expect(client.rateLimit).toEqual({ remaining: 41, reset: 1774692100, retryAfter: undefined });
  });

  it("waits Retry-After seconds after a 429 and then succeeds", async () => {
    const clock = fakeTiming();
    const server = scriptedFetch(rateLimited({ "retry-after": "7" }), () => jsonResponse(200, credits));
    const client = createMaskoClient({ apiKey: VALID_KEY, fetch: server.fetch, timing: clock.timing });
    const { data } = await client.GET("/v1/credits");
    expect(data?.data.balance).toBe(100);
    expect(clock.sleeps).toEqual([7000]);
    expect(server.requests).toHaveLength(2);
  });

  it("waits until X-RateLimit-Reset when a 429 has no Retry-After", async () => {
    const clock = fakeTiming(1_774_692_000_000);
    const server = scriptedFetch(rateLimited({ "x-ratelimit-reset": "1774692012" }), () =>
      jsonResponse(200, credits),
    );
    const client = createMaskoClient({ apiKey: VALID_KEY, fetch: server.fetch, timing: clock.timing });
    await client.GET("/v1/credits");
    expect(clock.sleeps).toEqual([12_000]);
  });

  it("gives up after maxAttempts and throws the 429 as a MaskoApiError", async () => {
    const clock = fakeTiming();
    const server = scriptedFetch(rateLimited({ "retry-after": "1" }));
    const client = createMaskoClient({
      apiKey: VALID_KEY,
      fetch: server.fetch,
      timing: clock.timing,
      retry: { maxAttempts: 3 },
    });
    const error = await client.GET("/v1/credits").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MaskoApiError);
    expect(error).toMatchObject({ status: 429, code: "rate_limited", retryAfterSeconds: 1 });
    expect(server.requests).toHaveLength(3);
    expect(clock.sleeps).toEqual([1000, 1000]);
  });

  it("does not wait longer than maxWaitMs: a longer Retry-After fails at once", async () => {
    const clock = fakeTiming();
    const server = scriptedFetch(rateLimited({ "retry-after": "3600" }), () => jsonResponse(200, credits));
    const client = createMaskoClient({
      apiKey: VALID_KEY,
      fetch: server.fetch,
      timing: clock.timing,
      retry: { maxWaitMs: 60_000 },
    });
    await expect(client.GET("/v1/credits")).rejects.toMatchObject({ status: 429 });
    expect(clock.sleeps).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it("tells onWait and the debug log about every wait, with its length and reason", async () => {
    const clock = fakeTiming();
    const waits: unknown[] = [];
    const lines: string[] = [];
    const server = scriptedFetch(rateLimited({ "retry-after": "7" }), () => jsonResponse(200, credits));
    const client = createMaskoClient({
      apiKey: VALID_KEY,
      fetch: server.fetch,
      timing: clock.timing,
      onWait: (wait) => waits.push(wait),
      debug: (line) => lines.push(line),
    });
    await client.GET("/v1/credits");
    expect(waits).toEqual([
      { ms: 7000, reason: "rate_limited", attempt: 0, request: "GET https://api.masko.ai/v1/credits" },
    ]);
    expect(lines).toEqual([
      "masko: waiting 7 s (429 rate limited, retry 1) before GET https://api.masko.ai/v1/credits",
    ]);
  });

  it("waits for the window's reset before sending when the last answer left nothing, as the contract suite does", async () => {
    const clock = fakeTiming(1_774_692_000_000);
    const waits: Array<{ ms: number; reason: string }> = [];
    const server = scriptedFetch(
      () => jsonResponse(200, credits, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": "1774692030" }),
      () => jsonResponse(200, credits),
    );
    const client = createMaskoClient({
      apiKey: VALID_KEY,
      fetch: server.fetch,
      timing: clock.timing,
      onWait: (wait) => waits.push(wait),
    });
    await client.GET("/v1/credits");
    await client.GET("/v1/credits");
    expect(waits.map((w) => w.reason)).toEqual(["quota_exhausted"]);
    expect(clock.sleeps).toEqual([30_250]);
    expect(server.requests).toHaveLength(2);
  });

  it("reads a reset sent as seconds from now, and the IETF draft's RateLimit header", async () => {
    const clock = fakeTiming(1_774_692_000_000);
    const server = scriptedFetch(
      () => jsonResponse(200, credits, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": "12" }),
      () => {
        const r = jsonResponse(200, credits);
        r.headers.delete("x-ratelimit-remaining");
        r.headers.delete("x-ratelimit-reset");
        r.headers.set("ratelimit", '"minute";r=0;t=5');
        return r;
      },
      () => jsonResponse(200, credits),
    );
    const client = createMaskoClient({ apiKey: VALID_KEY, fetch: server.fetch, timing: clock.timing });
    await client.GET("/v1/credits");
    expect(client.rateLimit).toEqual({ remaining: 0, reset: 1_774_692_012, retryAfter: undefined });
    await client.GET("/v1/credits");
    await client.GET("/v1/credits");
    // The reset is kept in whole epoch seconds: a wait rounds up to the next second, never down.
    expect(clock.sleeps).toEqual([12_250, 6_000]);
  });

  it("never retries when retry is false", async () => {
    const clock = fakeTiming();
    const server = scriptedFetch(rateLimited({ "retry-after": "1" }), () => jsonResponse(200, credits));
    const client = createMaskoClient({
      apiKey: VALID_KEY,
      fetch: server.fetch,
      timing: clock.timing,
      retry: false,
    });
    await expect(client.GET("/v1/credits")).rejects.toMatchObject({ status: 429 });
    expect(server.requests).toHaveLength(1);
  });

  it("sends the same body again when it retries a POST", async () => {
    const clock = fakeTiming();
    const created = { data: { id: "04dae799-dd9a-4296-ba86-9e3913c2f8d1", name: "App" } };
    const server = scriptedFetch(rateLimited({ "retry-after": "1" }), () => jsonResponse(201, created));
    const client = createMaskoClient({ apiKey: VALID_KEY, fetch: server.fetch, timing: clock.timing });
    await client.POST("/v1/projects", { body: { name: "App" } });
    const bodies = await Promise.all(server.requests.map((r) => r.text()));
    expect(bodies).toEqual(['{"name":"App"}', '{"name":"App"}']);
  });

  it("turns a 402 into a MaskoApiError carrying required and balance", async () => {
    const server = scriptedFetch(() =>
      jsonResponse(402, {
        error: { code: "insufficient_credits", message: "Not enough credits.", required: 21, balance: 5 },
      }),
    );
    const client = createMaskoClient({ apiKey: VALID_KEY, fetch: server.fetch });
    const error = await client
      .POST("/v1/collections/{collectionId}/generate", {
        params: { path: { collectionId: "f9503022-a991-46ea-bf8c-d628c921b6b0" } },
        body: { type: "image", name: "Wave", image_prompt: "waving" },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MaskoApiError);
    expect(error).toMatchObject({
      status: 402,
      code: "insufficient_credits",
      message: "Not enough credits.",
      required: 21,
      balance: 5,
    });
  });

  it("reads the flat 402 body of the credits page (error, required, available) the same way", async () => {
    const server = scriptedFetch(() =>
      jsonResponse(402, { error: "Insufficient credits", required: 21, available: 5 }),
    );
    const client = createMaskoClient({ apiKey: VALID_KEY, fetch: server.fetch });
    const error = await client.GET("/v1/credits").catch((e: unknown) => e);
    expect(error).toMatchObject({
      status: 402,
      code: "insufficient_credits",
      message: "Insufficient credits",
      required: 21,
      balance: 5,
    });
  });

  it("reports a non-envelope failure with code unknown and the status", async () => {
    const server = scriptedFetch(
      () => new Response("upstream exploded", { status: 502, statusText: "Bad Gateway" }),
    );
    const client = createMaskoClient({ apiKey: VALID_KEY, fetch: server.fetch });
    await expect(client.GET("/v1/credits")).rejects.toMatchObject({
      status: 502,
      code: "unknown",
      message: "Masko API answered 502 Bad Gateway",
    });
  });
});
