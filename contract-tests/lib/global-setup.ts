/** Resolves the target once per run; starts an in-process simulator when MASKO_BASE_URL is not set. */
import type { TestProject } from "vitest/node";
import { listen, type SimulatorServer } from "../../src/mock/node-server.js";
import { createSimulator } from "../../src/mock/simulator.js";
import { DEFAULT_DELIVERY_POLICY, loopbackOnly } from "../../src/mock/webhook-delivery.js";

let server: SimulatorServer | undefined;

async function probeControl(controlUrl: string, adminToken: string | undefined): Promise<boolean> {
  try {
    const response = await fetch(`${controlUrl}/__mock/health`, {
      headers: adminToken ? { "x-mock-admin-token": adminToken } : {},
    });
    return response.status === 200 && ((await response.json()) as { simulator?: boolean }).simulator === true;
  } catch {
    return false;
  }
}

export default async function setup(project: TestProject) {
  let baseUrl = process.env.MASKO_BASE_URL?.replace(/\/+$/, "");
  let apiKey = process.env.MASKO_API_KEY;
  const adminToken = process.env.MASKO_MOCK_ADMIN_TOKEN || undefined;
  if (!baseUrl) {
    const simulator = await createSimulator({
      ...(adminToken ? { adminToken } : {}),
      webhookDelivery: { ...DEFAULT_DELIVERY_POLICY, allowUrl: loopbackOnly },
    });
    server = await listen(simulator, { host: "127.0.0.1", port: 0 });
    baseUrl = server.url;
    apiKey ??= simulator.demo.api_key;
  }
  if (!apiKey) throw new Error("Set MASKO_API_KEY to a key of the server at MASKO_BASE_URL.");
  const controlUrl = process.env.MASKO_CONTROL_URL?.replace(/\/+$/, "") ?? baseUrl;
  const hasControl = await probeControl(controlUrl, adminToken);
  project.provide("maskoTarget", { baseUrl, apiKey, controlUrl, adminToken, hasControl });
  console.log(
    `contract tests → ${baseUrl}${hasControl ? ` (control API at ${controlUrl}/__mock)` : " (no control API)"}`,
  );
  return async () => {
    await server?.close();
  };
}
