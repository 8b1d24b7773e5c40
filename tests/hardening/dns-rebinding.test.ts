/**
 * Threat: DNS rebinding — a web page whose name is re-pointed at 127.0.0.1 calls the control API with its own name
 * in `Host` and creates workspaces, reads keys or resets the simulator. The control API answers only to `Host`
 * values naming the address it listens on (loopback names, the bound address) and any `--allowed-host`.
 */
import { request } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { createSimulator, type SimulatorOptions } from "../../src/mock/simulator.js";
import { listen, type SimulatorServer } from "../../src/mock/transport/node-server.js";
import { testStore } from "../simulator/harness.js";

const servers: SimulatorServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function serve(options: SimulatorOptions = {}) {
  const store = testStore();
  const sim = await createSimulator({ ...(store ? { store } : {}), ...options });
  const server = await listen(sim, { host: "127.0.0.1", port: 0 });
  servers.push(server);
  return { sim, port: Number(new URL(server.url).port) };
}

/** POST /__mock/workspaces with a chosen Host header (fetch does not let a caller set one). */
function createWorkspace(port: number, host: string) {
  return new Promise<{ status: number; body: Record<string, never> }>((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method: "POST",
        path: "/__mock/workspaces",
        headers: { host, "content-type": "application/json" },
      },
      (res) => {
        let text = "";
        res.on("data", (c) => {
          text += c;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text || "{}") }));
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify({ type: "personal", credits: 5 }));
  });
}

describe("the control API and DNS rebinding", () => {
  it.each([
    "rebind.attacker.example",
    "rebind.attacker.example:4010",
    "127.0.0.1.nip.io",
    "evil.localhost.example",
  ])("refuses Host %s with 403 in the error envelope, creating nothing", async (host) => {
    const { sim, port } = await serve();
    const before = JSON.stringify(await sim.services.store.dump());
    const answer = await createWorkspace(port, host);
    expect(answer.status).toBe(403);
    expect(answer.body.error).toMatchObject({ code: "forbidden" });
    expect(JSON.stringify(answer.body)).not.toContain('api_key"');
    expect(JSON.stringify(await sim.services.store.dump())).toBe(before);
  });

  it.each(["127.0.0.1", "localhost", "LOCALHOST.", "app.localhost", "[::1]", "127.0.0.2"])(
    "answers Host %s (with the port) as before",
    async (name) => {
      const { port } = await serve();
      const answer = await createWorkspace(port, `${name}:${port}`);
      expect(answer.status).toBe(201);
    },
  );

  it("answers a name given with --allowed-host, and only that one", async () => {
    const { port } = await serve({ allowedHosts: ["mock.dev.test"] });
    expect((await createWorkspace(port, `mock.dev.test:${port}`)).status).toBe(201);
    expect((await createWorkspace(port, `other.dev.test:${port}`)).status).toBe(403);
  });
});
