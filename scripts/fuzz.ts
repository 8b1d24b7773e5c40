/**
 * `npm run fuzz`: Schemathesis (pinned in scripts/setup-test-env.sh) against a simulator it starts on a loopback
 * port, with every check, a fixed seed and a bounded number of examples per operation. Rate limits are raised
 * and the demo workspace is funded so the fuzzer explores behaviour rather than 429s and 402s. What this run cannot
 * show, a run at production's own limits does: `npm run fuzz:stock` (scripts/fuzz-stock.ts) runs Schemathesis
 * stock against `npm run mock` at its defaults (60/min, 1,000/h, 100 credits), and must find no failure either.
 * Usage: npm run fuzz [-- --max-examples 25 --seed 42]
 */
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { createSimulator } from "../src/mock/simulator.js";
import { listen } from "../src/mock/transport/node-server.js";
import { DEFAULT_DELIVERY_POLICY, loopbackOnly } from "../src/mock/webhooks/webhook-delivery.js";

const root = resolve(import.meta.dirname, "..");
const { values } = parseArgs({
  options: { "max-examples": { type: "string", default: "25" }, seed: { type: "string", default: "42" } },
});
mkdirSync(join(root, "reports/junit"), { recursive: true });

// Schemathesis registers webhooks at arbitrary hosts: deliveries stay on loopback.
const simulator = await createSimulator({
  rateLimitScale: 1000,
  longPollMaxMs: 100,
  webhookDelivery: { ...DEFAULT_DELIVERY_POLICY, allowUrl: loopbackOnly },
});
await simulator.control.setCredits(simulator.demo.workspace_id, 1_000_000);
const server = await listen(simulator, { host: "127.0.0.1", port: 0 });
const args = [
  "run",
  join(root, "src/generated/openapi.json"),
  "--url",
  server.url,
  "-H",
  `Authorization: Bearer ${simulator.demo.api_key}`,
  "--checks",
  "all",
  "--max-examples",
  String(values["max-examples"]),
  "--seed",
  String(values.seed),
  "--report",
  "junit",
  "--report-junit-path",
  join(root, "reports/junit/schemathesis.xml"),
  "--no-color",
];
console.log(`schemathesis ${args.join(" ")}`);
const child = spawn("schemathesis", args, {
  stdio: "inherit",
  env: { ...process.env, SCHEMATHESIS_HOOKS: "" },
});
const code = await new Promise<number>((done) => child.once("exit", (c) => done(c ?? 1)));
await server.close();
process.exit(code);
