/**
 * `npm run test:contract:deployment`: the contract suite as it runs against production, rehearsed at production's
 * settings: for each of the profiles readonly, safe and full (with a budget of 5 credits), a simulator of its own
 * started with the control API off (`/__mock` answers 404), the real limits (60/min, 1,000/h: no scale factor) and
 * only its demo key, checked by `masko-contract test --base-url … --api-key …` with default flags otherwise. The
 * suite paces itself to the limits; the three run side by side (their waits overlap), each line of output
 * prefixed with its profile, and each writes its own JUnit report.
 */
import { spawn } from "node:child_process";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { createSimulator } from "../src/mock/simulator.js";
import { listen } from "../src/mock/transport/node-server.js";
import { DEFAULT_DELIVERY_POLICY, loopbackOnly } from "../src/mock/webhooks/webhook-delivery.js";

const root = resolve(import.meta.dirname, "..");
const RUNS = [
  { profile: "readonly", minChecks: 40, flags: [] },
  { profile: "safe", minChecks: 50, flags: [] },
  { profile: "full", minChecks: 55, flags: ["--spend-credits", "5"] },
] as const;

async function rehearse(run: (typeof RUNS)[number]): Promise<number> {
  const simulator = await createSimulator({
    control: false,
    webhookDelivery: { ...DEFAULT_DELIVERY_POLICY, allowUrl: loopbackOnly },
  });
  const server = await listen(simulator, { host: "127.0.0.1", port: 0 });
  const args = [
    ...["--import", "tsx", join(root, "src/cli/index.ts"), "test"],
    ...["--base-url", server.url, "--api-key", simulator.demo.api_key, "--profile", run.profile],
    ...[
      "--min-checks",
      String(run.minChecks),
      "--junit",
      `reports/junit/contract-deployment-${run.profile}.xml`,
    ],
    ...run.flags,
  ];
  console.log(`[${run.profile}] masko-contract test against ${server.url} (--control off, real limits)`);
  const child = spawn(process.execPath, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on("line", (line) => console.log(`[${run.profile}] ${line}`));
  }
  const status = await new Promise<number>((done) => child.once("exit", (code) => done(code ?? 1)));
  await server.close();
  simulator.close();
  return status;
}

const statuses = await Promise.all(RUNS.map(rehearse));
for (const [i, run] of RUNS.entries()) console.log(`[${run.profile}] exit ${statuses[i]}`);
process.exit(statuses.every((s) => s === 0) ? 0 : 1);
