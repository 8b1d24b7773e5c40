/**
 * `npm run test:contract:deployment`: the contract suite as it runs against production, rehearsed on a simulator
 * started with the control API off (`/__mock` answers 404) and only its demo key: profile `full` with a budget of
 * 5 credits, at least 40 checks required. Limits are raised 100× so the rehearsal never waits on 429s (a real
 * deployment's limits are waited out by the checks themselves).
 */
import { spawn } from "node:child_process";
import { join, resolve } from "node:path";
import { listen } from "../src/mock/node-server.js";
import { createSimulator } from "../src/mock/simulator.js";
import { DEFAULT_DELIVERY_POLICY, loopbackOnly } from "../src/mock/webhook-delivery.js";

const root = resolve(import.meta.dirname, "..");
const simulator = await createSimulator({
  control: false,
  rateLimitScale: 100,
  longPollMaxMs: 5000,
  webhookDelivery: { ...DEFAULT_DELIVERY_POLICY, allowUrl: loopbackOnly },
});
const server = await listen(simulator, { host: "127.0.0.1", port: 0 });
console.log(`== contract suite against a simulator with --control off (${server.url}) ==`);
const child = spawn(process.execPath, ["--import", "tsx", join(root, "src/cli/index.ts"), "test"], {
  cwd: root,
  stdio: "inherit",
  env: {
    ...process.env,
    MASKO_BASE_URL: server.url,
    MASKO_API_KEY: simulator.demo.api_key,
    MASKO_CONTRACT_PROFILE: "full",
    MASKO_CONTRACT_SPEND_CREDITS: "5",
    MASKO_CONTRACT_MIN_CHECKS: "40",
    MASKO_CONTRACT_JUNIT: "reports/junit/contract-deployment.xml",
  },
});
const status = await new Promise<number>((done) => child.once("exit", (code) => done(code ?? 1)));
await server.close();
process.exit(status);
