/**
 * The heap a sandbox costs, measured inside one simulator (run with `node --expose-gc`): the heap after a full
 * collection with no sandbox, with `COUNT` live sandboxes, and once they expired (TTL 1 s) and were swept.
 * Prints one JSON line. Part of bench/sandbox-cost.ts.
 */
import { createSimulator } from "../../src/mock/simulator.js";

const COUNT = Number(process.argv[2] ?? "10000");
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with node --expose-gc");
const heap = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
};

const simulator = await createSimulator({ maxSandboxes: COUNT });
const empty = heap();
const started = performance.now();
for (let i = 0; i < COUNT; i++) await simulator.fleet.create(1);
const createMs = (performance.now() - started) / COUNT;
const live = heap();
await new Promise((resolve) => setTimeout(resolve, 1100));
await simulator.fleet.sweep();
const left = (await simulator.fleet.list()).length;
const expired = heap();
simulator.close();
process.stdout.write(`${JSON.stringify({ count: COUNT, empty, live, expired, left, createMs })}\n`);
