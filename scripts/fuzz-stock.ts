/**
 * `npm run fuzz:stock`: Schemathesis exactly as a user runs it against `npm run mock` — no rate-limit flags, no
 * funding, the simulator at its defaults (60/min, 1,000/h, the demo workspace's 100 credits):
 *   st run <bundled spec> --url <simulator> -H "Authorization: Bearer <demo key>" --checks all --max-examples 25 --seed 7
 * It must find no failure: a call without a key is answered 401 however many arrive, and every other answer
 * (429s included) is one the spec declares. The simulator is the built CLI (`node dist/src/cli/index.js mock`, what
 * `npm run mock` runs) in a process of its own.
 */
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { startSimulatorProcess } from "../support/simulator-process.js";

const root = resolve(import.meta.dirname, "..");
mkdirSync(join(root, "reports/junit"), { recursive: true });
const simulator = await startSimulatorProcess([]);
const key = simulator.output().match(/demo API key: (masko_[0-9a-f]{64})/)?.[1];
if (!key) throw new Error(`no demo key in the simulator's output:\n${simulator.output()}`);
const args = [
  ...["run", join(root, "src/generated/openapi.json"), "--url", simulator.baseUrl],
  ...["-H", `Authorization: Bearer ${key}`, "--checks", "all", "--max-examples", "25", "--seed", "7"],
  ...[
    "--report",
    "junit",
    "--report-junit-path",
    join(root, "reports/junit/schemathesis-stock.xml"),
    "--no-color",
  ],
];
console.log(`st ${args.join(" ").replace(key, "<demo key>")}`);
const child = spawn("st", args, { stdio: "inherit", env: { ...process.env, SCHEMATHESIS_HOOKS: "" } });
const code = await new Promise<number>((done) => child.once("exit", (c) => done(c ?? 1)));
await simulator.stop();
process.exit(code);
