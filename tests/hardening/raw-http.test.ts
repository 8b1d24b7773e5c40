/**
 * D7 — every answer in the contract, even those node:http produces before any handler runs: oversized headers
 * (431), an unknown method or a malformed request line (400) come back in the error envelope with the client
 * address's rate-limit headers; a CORS preflight carries them too.
 */
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSimulator } from "../../src/mock/simulator.js";
import { listen, type SimulatorServer } from "../../src/mock/transport/node-server.js";
import { testStore } from "../simulator/harness.js";

let server: SimulatorServer;
beforeAll(async () => {
  const store = testStore();
  server = await listen(await createSimulator(store ? { store } : {}), { host: "127.0.0.1", port: 0 });
});
afterAll(() => server.close());

/** Sends raw bytes and reads the whole answer: status, headers (lower-cased) and body. */
function raw(request: string): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), "127.0.0.1", () => socket.write(request));
    let data = "";
    socket.on("data", (chunk) => {
      data += chunk.toString("latin1");
    });
    socket.on("error", reject);
    socket.on("close", () => {
      const [head = "", body = ""] = data.split("\r\n\r\n");
      const [statusLine = "", ...lines] = head.split("\r\n");
      const headers = Object.fromEntries(
        lines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]),
      );
      resolve({ status: Number(statusLine.split(" ")[1]), headers, body });
    });
  });
}

describe("answers node:http gives before the pipeline", () => {
  it.each([
    ["oversized headers", `GET /v1/credits HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`, 431],
    ["an unknown method", "FROB /v1/credits HTTP/1.1\r\nHost: x\r\n\r\n", 400],
    ["a malformed request line", "GET /v1/cre dits HTTP/1.1\r\nHost: x\r\n\r\n", 400],
    ["a broken header line", "GET /v1/credits HTTP/1.1\r\nHost x\r\n\r\n", 400],
  ])("answers %s in the envelope with the rate-limit headers", async (_what, request, status) => {
    const answer = await raw(request);
    expect(answer.status).toBe(status);
    expect(answer.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(answer.body).error.code).toBe("bad_request");
    expect(answer.headers["x-ratelimit-remaining"]).toMatch(/^\d+$/);
    expect(Number(answer.headers["x-ratelimit-reset"])).toBeGreaterThan(1_700_000_000);
  });

  it("answers a CORS preflight with the rate-limit headers of the client address", async () => {
    const answer = await raw(
      "OPTIONS /v1/credits HTTP/1.1\r\nHost: x\r\nOrigin: https://app.example\r\nAccess-Control-Request-Method: GET\r\nConnection: close\r\n\r\n",
    );
    expect(answer.status).toBe(204);
    expect(answer.headers["access-control-allow-origin"]).toBe("*");
    expect(answer.headers["x-ratelimit-remaining"]).toMatch(/^\d+$/);
    expect(answer.headers["x-ratelimit-reset"]).toMatch(/^\d+$/);
  });
});
