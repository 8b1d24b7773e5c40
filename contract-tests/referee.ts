/**
 * `npm run test:contract:prism`: Prism as an independent referee.
 *  1. `prism proxy --errors` in front of a simulator: the contract suite runs through it (requests Prism would
 *     itself refuse — missing keys, malformed input — are left out, since they never reach the simulator); any
 *     response Prism finds in breach of the spec becomes a 500 or an `sl-violations` header, failing the run.
 *  2. The Prism static mock: the stateless checks run against it (stateful ones skip, saying why).
 */
import { spawn } from "node:child_process";
import { join, resolve } from "node:path";
import { createSimulator } from "../src/mock/simulator.js";
import { listen } from "../src/mock/transport/node-server.js";
import { DEFAULT_DELIVERY_POLICY, loopbackOnly } from "../src/mock/webhooks/webhook-delivery.js";
import { startPrismMock, startPrismProxy } from "../support/prism.js";

const root = resolve(import.meta.dirname, "..");
// Tests whose requests Prism answers itself instead of forwarding (401 without a key, 400/413/415 bad input,
// routes the spec does not have).
const FORWARDED_ONLY = "^(?!.*(without a key|bad input|over 1 MiB|not JSON|answers 40[01]|unknown route)).*$";

/** Runs the suite in a child process; asynchronously, since the upstream simulator lives in this process. */
function runSuite(env: NodeJS.ProcessEnv, args: string[]): Promise<number> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", join(root, "src/cli/index.ts"), "test", ...args],
    {
      cwd: root,
      stdio: "inherit",
      env: { ...process.env, ...env },
    },
  );
  return new Promise((done) => child.once("exit", (code) => done(code ?? 1)));
}

const simulator = await createSimulator({
  webhookDelivery: { ...DEFAULT_DELIVERY_POLICY, allowUrl: loopbackOnly },
});
const upstream = await listen(simulator, { host: "127.0.0.1", port: 0 });
const proxy = await startPrismProxy(upstream.url);
let status = 1;
try {
  console.log(`\n== contract suite through prism proxy --errors (${proxy.baseUrl} → ${upstream.url}) ==`);
  status = await runSuite(
    {
      MASKO_BASE_URL: proxy.baseUrl,
      MASKO_CONTROL_URL: upstream.url,
      MASKO_API_KEY: simulator.demo.api_key,
      MASKO_CONTRACT_JUNIT: "reports/junit/contract-prism-proxy.xml",
    },
    ["--filter", FORWARDED_ONLY],
  );
} finally {
  await proxy.stop();
  await upstream.close();
}
if (status !== 0) process.exit(status);

const mock = await startPrismMock();
try {
  console.log(`\n== stateless checks against the Prism static mock (${mock.baseUrl}) ==`);
  status = await runSuite(
    {
      MASKO_BASE_URL: mock.baseUrl,
      MASKO_API_KEY: `masko_${"5e".repeat(32)}`,
      MASKO_CONTRACT_JUNIT: "reports/junit/contract-prism-mock.xml",
      MASKO_CONTRACT_PROFILE: "readonly",
    },
    // Only the stateless checks: a static mock answers examples, so nothing that reads back state can hold.
    ["--only", "stateless"],
  );
} finally {
  await mock.stop();
}
process.exit(status);
