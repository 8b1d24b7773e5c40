/**
 * Threats of the smaller kind: per-address rate-limit state that is never forgotten (memory growing with every
 * address ever seen), conditional and range requests answered against RFC 9110 (a weak ETag not matching, suffix
 * ranges longer than the file and invalid ranges answering 416), and a demo workspace that stays gone after the
 * shared store loses its data while the health check says 200.
 */
import { describe, expect, it } from "vitest";
import { DEMO_API_KEY } from "../../src/mock/control/control.js";
import { cdnPath } from "../../src/mock/rules/cdn-path.js";
import { createMemoryStore } from "../../src/mock/store/memory/index.js";
import { policies } from "../../src/policy/policies.js";
import { createHarness, imageBody, TEST_STORE } from "../simulator/harness.js";

describe("per-address rate-limit state", () => {
  it("is forgotten once every window of an address has ended (memory store; Redis expires it by TTL)", async () => {
    const store = createMemoryStore();
    const { windows } = policies.rateLimits;
    const longestMs = Math.max(...windows.map((w) => w.windowSeconds * 1000));
    const t0 = 1_000_000;
    for (let i = 0; i < 1000; i++) store.admit(undefined, `10.0.${i >> 8}.${i & 255}`, windows, t0);
    {
      expect(await store.dump()).toContain('10.0.3.231"');
      store.admit(undefined, "192.0.2.1", windows, t0 + longestMs + 1);
      // Still inside the second generation: an address seen an hour ago may still be limited.
      expect(await store.dump()).toContain('10.0.3.231"');
      store.admit(undefined, "192.0.2.2", windows, t0 + 2 * longestMs + 2);
      const dump = await store.dump();
      expect(dump).not.toContain('10.0.3.231"');
      expect(dump).toContain('192.0.2.2"');
    }
  });

  it("an address still limited keeps its counters across a generation", async () => {
    const store = createMemoryStore();
    const minute = [{ name: "minute", limit: 2, windowSeconds: 60 }];
    const t0 = 5_000_000;
    for (const at of [t0, t0 + 1])
      expect((await store.admit(undefined, "198.51.100.1", minute, at)).decision.allowed).toBe(true);
    // The generation turns at t0 + 60 s; the window started at t0 has ended too, so the next call is allowed.
    expect((await store.admit(undefined, "198.51.100.1", minute, t0 + 2)).decision.allowed).toBe(false);
    expect((await store.admit(undefined, "198.51.100.1", minute, t0 + 60_000)).decision.allowed).toBe(true);
  });
});

describe("conditional and range requests on asset URLs (RFC 9110)", () => {
  async function readyImage() {
    const h = await createHarness();
    const ws = await h.workspace("personal", 10);
    const { collectionId } = await h.collection(ws.key);
    const job = await h.call("POST", `/v1/collections/${collectionId}/generate`, {
      key: ws.key,
      body: imageBody(),
    });
    await h.advance(10);
    const url = `http://simulator.test/assets/${cdnPath(job.body.data.urls.image)}`;
    const get = (headers: Record<string, string> = {}) => h.sim.fetch(new Request(url, { headers }));
    const whole = await get();
    return { get, etag: whole.headers.get("etag") as string, size: (await whole.arrayBuffer()).byteLength };
  }

  it("a weak ETag in If-None-Match matches: 304", async () => {
    const { get, etag } = await readyImage();
    expect((await get({ "if-none-match": `W/${etag}` })).status).toBe(304);
    expect((await get({ "if-none-match": `"other", W/${etag}` })).status).toBe(304);
    expect((await get({ "if-none-match": 'W/"other"' })).status).toBe(200);
  });

  it("a suffix range longer than the file serves the whole file", async () => {
    const { get, size } = await readyImage();
    const answer = await get({ range: "bytes=-99999999" });
    expect(answer.status).toBe(206);
    expect(answer.headers.get("content-range")).toBe(`bytes 0-${size - 1}/${size}`);
    expect((await answer.arrayBuffer()).byteLength).toBe(size);
  });

  it("an invalid range (last byte before the first) is ignored: 200 and the whole file", async () => {
    const { get, size } = await readyImage();
    const answer = await get({ range: "bytes=1-0" });
    expect(answer.status).toBe(200);
    expect((await answer.arrayBuffer()).byteLength).toBe(size);
    // A range that starts past the end is still unsatisfiable.
    expect((await get({ range: `bytes=${size + 10}-` })).status).toBe(416);
  });
});

describe.runIf(TEST_STORE === "redis")("a shared store that loses its data", () => {
  it("gets its demo workspace back within seconds, and health says so", async () => {
    const h = await createHarness();
    const credits = () => h.call("GET", "/v1/credits", { key: DEMO_API_KEY, unchecked: true });
    expect((await credits()).status).toBe(200);
    await h.sim.services.store.reset(); // what FLUSHALL or a restart without persistence does
    expect((await credits()).status).toBe(401);
    const health = await h.call("GET", "/__mock/health");
    expect(health.body).toEqual({ simulator: true, restored: true });
    expect((await credits()).status).toBe(200);
    await h.sim.services.store.reset();
    let back = false;
    for (let i = 0; i < 40 && !back; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      back = (await credits()).status === 200;
    }
    expect(back).toBe(true);
  });
});
