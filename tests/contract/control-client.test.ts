/**
 * The typed control client against a listening simulator: the default sandbox's calls, a sandbox's whole life
 * (create, drive, inspect, reset, delete), and refusals as ControlError with the envelope's status and code.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ControlError, controlClient, sandboxClient } from "../../src/contract/control-client.js";
import { createSimulator } from "../../src/mock/simulator.js";
import { listen, type SimulatorServer } from "../../src/mock/transport/node-server.js";

let server: SimulatorServer;
beforeAll(async () => {
  server = await listen(await createSimulator({ adminToken: "fleet-admin" }), { host: "127.0.0.1", port: 0 });
});
afterAll(() => server.close());

const credits = async (key: string) => {
  const answer = await fetch(`${server.url}/v1/credits`, { headers: { authorization: `Bearer ${key}` } });
  return ((await answer.json()) as { data: { balance: number; workspace_id: string } }).data;
};

describe("the typed control client", () => {
  it("drives a sandbox through its whole life", async () => {
    const fleet = controlClient(server.url, "fleet-admin");
    const sandbox = await fleet.createSandbox({ ttlSeconds: 120 });
    expect(sandbox.sandboxId).toMatch(/^sb_/);
    const key = sandbox.apiKey ?? "";
    const { workspace_id } = await credits(key);
    expect(await sandbox.setCredits(workspace_id, 7)).toEqual({ workspace_id, balance: 7 });
    expect((await credits(key)).balance).toBe(7);
    const member = await sandbox.createWorkspace({ type: "organization", credits: 3, role: "member" });
    expect((await credits(member.api_key)).balance).toBe(3);
    expect((await sandbox.setFaults({ latency_ms: 5 })).latency_ms).toBe(5);
    expect((await sandbox.clearFaults()).latency_ms).toBe(0);
    const moved = await sandbox.advanceClock(30);
    expect(moved.now_ms).toBeGreaterThan(Date.now() + 25_000);
    expect(await sandbox.deliveries()).toEqual([]);
    expect((await sandbox.info()).ttl_seconds).toBe(120);
    expect((await fleet.listSandboxes()).map((s) => s.sandbox_id)).toContain(sandbox.sandboxId);
    await sandbox.reset();
    expect((await credits(key)).balance).toBe(100);
    const gone = await fetch(`${server.url}/v1/credits`, {
      headers: { authorization: `Bearer ${member.api_key}` },
    });
    expect(gone.status).toBe(401);
    await sandbox.delete();
    expect(await fleet.listSandboxes()).toEqual([]);
  });

  it("rejects refusals with ControlError: the status and the envelope's code", async () => {
    const fleet = controlClient(server.url, "fleet-admin");
    const made = await fleet.createSandbox();
    const wrong = sandboxClient(server.url, { sandboxId: made.sandboxId, token: `msb_${"0".repeat(64)}` });
    const refused = await wrong.reset().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ControlError);
    expect(refused).toMatchObject({ status: 404, code: "not_found" });
    const noAdmin = await controlClient(server.url)
      .listSandboxes()
      .catch((error: unknown) => error);
    expect(noAdmin).toMatchObject({ status: 401, code: "unauthorized" });
    const badBody = await fleet.createSandbox({ ttlSeconds: 0 }).catch((error: unknown) => error);
    expect(badBody).toMatchObject({ status: 400, code: "bad_request" });
    await fleet.deleteSandbox(made.sandboxId);
    await expect(made.info()).rejects.toMatchObject({ status: 404 });
  });
});
