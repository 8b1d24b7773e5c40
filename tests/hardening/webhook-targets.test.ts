/**
 * D2 — a tenant cannot turn the simulator's webhooks against the simulator: a delivery to its control API (any
 * host) or to its own listening address, in any of its forms (0.0.0.0, IPv4-mapped IPv6, decimal and hex IPv4, its
 * host names), is recorded as refused and never sent, whatever the delivery policy.
 */
import { hostname } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSimulator, type Simulator } from "../../src/mock/simulator.js";
import { listen, type SimulatorServer } from "../../src/mock/transport/node-server.js";
import { processClient } from "../../support/process-harness.js";
import type { RunningServer } from "../../support/processes.js";
import { startSimulatorProcess } from "../../support/simulator-process.js";
import { testStore } from "../simulator/harness.js";

let sim: Simulator;
let server: SimulatorServer;
beforeAll(async () => {
  const store = testStore();
  sim = await createSimulator(store ? { store } : {}); // the default policy: any target allowed
  server = await listen(sim, { host: "127.0.0.1", port: 0 });
});
afterAll(async () => {
  await server.close();
  sim.close();
});

const call = (method: string, path: string, key: string, body?: unknown) =>
  processClient({ baseUrl: server.url }, { key }).call(method, path, body === undefined ? {} : { body });

describe("webhook targets", () => {
  it.each([
    ["its control API on its own address", (u: string) => `${u}/__mock/reset`, "control API"],
    [
      "its control API through another name",
      (u: string) => `${u.replace("127.0.0.1", "localhost")}/__mock/reset`,
      "control API",
    ],
    ["its own Masko API", (u: string) => `${u}/v1/projects`, "the simulator itself"],
    [
      "its own port under another loopback address",
      (u: string) => u.replace("127.0.0.1", "127.0.0.2"),
      "the simulator itself",
    ],
    [
      "the unspecified address 0.0.0.0",
      (u: string) => u.replace("127.0.0.1", "0.0.0.0"),
      "the simulator itself",
    ],
    ["IPv4-mapped IPv6", (u: string) => u.replace("127.0.0.1", "[::ffff:127.0.0.1]"), "the simulator itself"],
    ["IPv4 in decimal", (u: string) => u.replace("127.0.0.1", "2130706433"), "the simulator itself"],
    ["IPv4 in hex", (u: string) => u.replace("127.0.0.1", "0x7f.0.0.1"), "the simulator itself"],
    [
      "a loopback name with a trailing dot",
      (u: string) => u.replace("127.0.0.1", "localhost."),
      "the simulator itself",
    ],
    [
      "the machine's own host name",
      (u: string) => u.replace("127.0.0.1", hostname()),
      "the simulator itself",
    ],
  ])("refuses a delivery to %s and never sends it", async (_what, target, reason) => {
    const ws = await sim.control.createWorkspace({ type: "personal", credits: 5 });
    const other = await sim.control.createWorkspace({ type: "personal", credits: 5 });
    const hook = await call("POST", "/v1/webhooks", ws.api_key, {
      url: target(server.url),
      events: ["job.completed"],
    });
    expect(hook.status).toBe(201);
    const project = await call("POST", "/v1/projects", ws.api_key, { name: "P" });
    const collection = await call("POST", "/v1/collections", ws.api_key, {
      project_id: project.body.data.id,
      name: "Fox",
    });
    await call("POST", `/v1/collections/${collection.body.data.id}/generate`, ws.api_key, {
      type: "image",
      name: "Wave",
      image_prompt: "waving",
    });
    await sim.control.advanceClock(10);
    const deliveries = (await sim.control.deliveries()).filter((d) => d.url === target(server.url));
    expect(deliveries.at(-1)).toMatchObject({ state: "failed", attempts: [{ status: null }] });
    expect(deliveries.at(-1)?.attempts[0]?.error).toContain(reason);
    // Nothing was reset: the other tenant's key still works.
    expect((await call("GET", "/v1/credits", other.api_key)).status).toBe(200);
  });
});

describe("binding beyond loopback", () => {
  let child: RunningServer | undefined;
  afterAll(async () => {
    await child?.stop();
  });

  it("warns when the control API is open on a non-loopback address without an admin token", async () => {
    child = await startSimulatorProcess(["--host", "0.0.0.0", "--log-level", "warn"]);
    expect(child.output()).toContain("WARNING: listening on 0.0.0.0 with the control API open");
    await child.stop();
    child = await startSimulatorProcess(["--host", "0.0.0.0", "--admin-token", "t", "--log-level", "warn"]);
    expect(child.output()).not.toContain("WARNING");
  });
});
