/** Resolves the target once per run; starts an in-process simulator when MASKO_BASE_URL is not set. */
import { writeFileSync } from "node:fs";
import type { TestProject } from "vitest/node";
import { probeControl } from "../../src/contract/control-client.js";
import { PROFILES, type Profile } from "../../src/contract/profiles.js";
import { createSimulator } from "../../src/mock/simulator.js";
import { listen, type SimulatorServer } from "../../src/mock/transport/node-server.js";
import { DEFAULT_DELIVERY_POLICY, loopbackOnly } from "../../src/mock/webhooks/webhook-delivery.js";
import { setting } from "./settings.js";

let server: SimulatorServer | undefined;

export default async function setup(project: TestProject) {
  let baseUrl = setting(project, "MASKO_BASE_URL")?.replace(/\/+$/, "");
  let apiKey = setting(project, "MASKO_API_KEY");
  const adminToken = setting(project, "MASKO_MOCK_ADMIN_TOKEN") || undefined;
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
  const controlUrl = setting(project, "MASKO_CONTROL_URL")?.replace(/\/+$/, "") ?? baseUrl;
  const sandboxId = setting(project, "MASKO_SANDBOX_ID");
  const sandboxToken = setting(project, "MASKO_SANDBOX_TOKEN");
  const sandbox = sandboxId && sandboxToken ? { sandboxId, token: sandboxToken } : undefined;
  const hasControl = (await probeControl(controlUrl, { adminToken, apiKey, sandbox })) !== undefined;
  const profile = (setting(project, "MASKO_CONTRACT_PROFILE") || (hasControl ? "full" : "safe")) as Profile;
  if (!PROFILES.includes(profile)) {
    throw new Error(`MASKO_CONTRACT_PROFILE must be one of ${PROFILES.join(", ")}, not ${profile}`);
  }
  const spendBudget = Number(setting(project, "MASKO_CONTRACT_SPEND_CREDITS") ?? "0");
  if (!Number.isInteger(spendBudget) || spendBudget < 0) {
    throw new Error("MASKO_CONTRACT_SPEND_CREDITS must be a whole number of credits");
  }
  project.provide("maskoTarget", {
    baseUrl,
    apiKey,
    controlUrl,
    adminToken,
    hasControl,
    profile,
    spendBudget,
    sandbox,
  });
  // The test command (src/cli/commands/test.ts) reports the profile beside the counts (never the key).
  const targetFile = setting(project, "MASKO_CONTRACT_TARGET_FILE");
  if (targetFile) writeFileSync(targetFile, JSON.stringify({ baseUrl, hasControl, profile, spendBudget }));
  console.log(
    `contract tests → ${baseUrl}${hasControl ? ` (control API at ${controlUrl}/__mock${sandbox ? `/sandboxes/${sandbox.sandboxId}` : ""})` : " (no control API)"}; ` +
      `profile ${profile}${profile === "full" && !hasControl ? `, spend budget ${spendBudget} credits` : ""}`,
  );
  return async () => {
    await server?.close();
  };
}
