/**
 * Threat: the asset route needs no key and drawing a card costs milliseconds of CPU, so a keyless client cycling
 * card URLs could hold the event loop and slow every tenant. Cards are cached by content (bounded in bytes, least
 * recently used out), drawn one per event-loop turn off the request path, round-robin by address, and an address
 * with too many waiting is told to retry; at most 8 asset requests start per event-loop turn, round-robin by
 * address. bench/tenant-isolation.ts (npm run bench:isolation) measures another tenant's latency under attack.
 */
import { connect, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { drawCard } from "../../src/mock/media/card.js";
import { createCardRenderer } from "../../src/mock/media/card-renderer.js";
import { cdnPath } from "../../src/mock/rules/cdn-path.js";
import type { SimulatorOptions } from "../../src/mock/simulator.js";
import { listen } from "../../src/mock/transport/node-server.js";
import { waitFor } from "../../support/processes.js";
import { createHarness, type Harness } from "../simulator/harness.js";

/** A simulator with `count` completed image assets; returns their URLs and a tenant key for API calls. */
async function withImages(count: number, options: SimulatorOptions = {}) {
  const h = await createHarness(options);
  const ws = await h.workspace("personal", 1000);
  const { collectionId } = await h.collection(ws.key);
  const urls: string[] = [];
  for (let i = 0; i < count; i += 10) {
    const requests = Array.from({ length: Math.min(10, count - i) }, (_, j) => ({
      type: "image",
      name: `Pose ${i + j}`,
      image_prompt: "waving",
    }));
    const batch = await h.call("POST", `/v1/collections/${collectionId}/generate-batch`, {
      key: ws.key,
      body: { requests },
    });
    expect(batch.status).toBe(202);
    for (const job of batch.body.data.jobs) urls.push(job.urls.image);
  }
  await h.advance(10);
  return { h, key: ws.key, urls };
}

/** A socket connected to the simulator. */
const connected = (port: number) =>
  new Promise<Socket>((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => resolve(socket));
    socket.once("error", reject);
  });
/** The status line of the answer read from `socket`. */
const statusLine = (socket: Socket) =>
  new Promise<string>((resolve) => {
    socket.once("data", (chunk) => resolve(chunk.toString("latin1").split("\r\n")[0] ?? ""));
  });
/** Holds the CPU for `ms`, as a costly draw does. */
function busy(ms: number) {
  const until = performance.now() + ms;
  while (performance.now() < until) {}
}

/**
 * Opens 41 connections, then writes 40 card requests and, last, another tenant's `GET /v1/credits` at once; returns
 * how many card answers arrived before the credits answer.
 */
async function creditsPlaceAmongCards(h: Harness, key: string, urls: string[]): Promise<number> {
  const server = await listen(h.sim, { host: "127.0.0.1", port: 0 });
  try {
    const { port } = new URL(server.url);
    const sockets = await Promise.all(Array.from({ length: urls.length + 1 }, () => connected(Number(port))));
    // The idle server accepts them all before any is written to (it accepts about one connection per turn).
    await waitFor(
      "the server to accept every connection",
      async () => (await server.connections()) === sockets.length,
    );
    const finished: string[] = [];
    const answers = sockets.map((socket, i) => {
      const url = urls[i];
      const path = url ? `/assets/${cdnPath(url)}` : "/v1/credits";
      const auth = url ? "" : `Authorization: Bearer ${key}\r\n`;
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${auth}Connection: close\r\n\r\n`);
      return statusLine(socket).then((line) => {
        finished.push(url ? "card" : "credits");
        return line;
      });
    });
    const lines = await Promise.all(answers);
    expect(lines.every((line) => line.startsWith("HTTP/1.1 200"))).toBe(true);
    return finished.indexOf("credits");
  } finally {
    await server.close();
  }
}

const card = (h: Harness, url: string, address: string) =>
  h.sim.fetch(new Request(`http://simulator.test/assets/${cdnPath(url)}`), { address });

describe("keyless card requests cannot stall the server", () => {
  it("cycling through 70 card URLs twice draws each card once (the cache is not first-in-first-out of 64)", async () => {
    const cardRenderer = createCardRenderer({ draw: drawCard });
    const { h, urls } = await withImages(70, { cardRenderer });
    for (const round of [1, 2]) {
      for (const url of urls) expect((await card(h, url, "203.0.113.9")).status, `round ${round}`).toBe(200);
    }
    expect(cardRenderer.drawn).toBe(70);
  });

  it("ten concurrent requests for one new card draw it once", async () => {
    const cardRenderer = createCardRenderer({ draw: drawCard });
    const { h, urls } = await withImages(1, { cardRenderer });
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => card(h, urls[0] as string, "203.0.113.9")),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(cardRenderer.drawn).toBe(1);
  });

  it("over sockets, another tenant's API call sent after a keyless client's 40 new cards is answered before most of them", async () => {
    // Each card costs 15 ms of CPU here, what the slowest cards cost before drawing got cheaper.
    const cardRenderer = createCardRenderer({
      draw: (spec) => {
        busy(15);
        return drawCard(spec);
      },
    });
    const { h, key, urls } = await withImages(40, { cardRenderer });
    expect(await creditsPlaceAmongCards(h, key, urls)).toBeLessThanOrEqual(3);
  });

  it("over sockets, another tenant's API call sent after 40 requests for cached cards waits for at most a few of them", async () => {
    const { h, key, urls } = await withImages(40);
    for (const url of urls) expect((await card(h, url, "203.0.113.9")).status).toBe(200); // all cached now
    // At most 8 asset requests start per event-loop turn: the call is read in the first turn and answered early.
    expect(await creditsPlaceAmongCards(h, key, urls)).toBeLessThanOrEqual(16);
  });

  it("an address with too many cards waiting is told to retry in the error envelope; another address is served", async () => {
    const renderer = createCardRenderer({ draw: drawCard, maxQueuedPerAddress: 4 });
    // The 11 requests reach the renderer together (on Redis their store reads end in different turns otherwise).
    const held: Array<() => void> = [];
    const cardRenderer = {
      ...renderer,
      card: (...args: Parameters<typeof renderer.card>) =>
        new Promise<Uint8Array>((resolve, reject) => {
          held.push(() => renderer.card(...args).then(resolve, reject));
          if (held.length === 11) for (const release of held) release();
        }),
    };
    const { h, urls } = await withImages(12, { cardRenderer });
    const flood = urls.slice(0, 10).map((url) => card(h, url, "203.0.113.9"));
    const other = card(h, urls[11] as string, "198.51.100.7");
    const answers = await Promise.all(flood);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(4);
    const refused = answers.filter((a) => a.status === 429);
    expect(refused).toHaveLength(6);
    expect(refused[0]?.headers.get("retry-after")).toBe("1");
    expect((await refused[0]?.json())?.error.code).toBe("rate_limited");
    expect((await other).status).toBe(200);
  });
});
