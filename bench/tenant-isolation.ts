/**
 * One tenant's experience while another attacks, beside the same figure idle, in one run against `npm run mock`
 * as a process (the measuring client runs here, not in the simulator's event loop):
 * 1. another tenant's `GET /v1/credits` median and p90, idle and while autocannon's 64 keyless connections cycle
 *    70 image-card URLs (the red team's attack on the asset route), the attacker in its own thread;
 * 2. the delay of another tenant's webhook after its job completes, idle and while 10 receivers that never answer
 *    hold 3 deliveries each, and how long the clock move that completes the jobs takes.
 * Usage: npm run bench:isolation  (loopback only; real rate limits: each measuring tenant stays within its own)
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Worker } from "node:worker_threads";
import { startSimulatorProcess } from "../support/simulator-process.js";

// biome-ignore lint/suspicious/noExplicitAny: the bench reads arbitrary JSON answers
type Json = any;

const sim = await startSimulatorProcess(["--log-level", "warn"]);
const base = sim.baseUrl;
const control = async (path: string, body: unknown): Promise<Json> =>
  (
    await fetch(`${base}/__mock${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    })
  ).json();
const api = async (key: string, method: string, path: string, body?: unknown): Promise<Json> => {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { "content-type": "application/json" } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return response.json();
};
const tenant = async () => {
  const ws = await control("/workspaces", { type: "personal", credits: 1000 });
  const key = ws.api_key as string;
  const project = await api(key, "POST", "/v1/projects", { name: "Bench" });
  const collection = await api(key, "POST", "/v1/collections", { project_id: project.data.id, name: "Fox" });
  const images = async (count: number) => {
    const requests = Array.from({ length: count }, (_, i) => ({
      type: "image",
      name: `Pose ${i}`,
      image_prompt: "w",
    }));
    return (await api(key, "POST", `/v1/collections/${collection.data.id}/generate-batch`, { requests })).data
      .jobs;
  };
  return {
    key,
    images,
    hook: (url: string) => api(key, "POST", "/v1/webhooks", { url, events: ["job.completed"] }),
  };
};
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
};
const creditsLatency = async (key: string, n: number) => {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await api(key, "GET", "/v1/credits");
    times.push(performance.now() - started);
  }
  return { median: percentile(times, 0.5), p90: percentile(times, 0.9) };
};
const ms = (n: number) => `${n.toFixed(1)} ms`;

// 1. Cards.
const attacker = await tenant();
const cardUrls: string[] = [];
for (let i = 0; i < 7; i++) for (const job of await attacker.images(10)) cardUrls.push(job.urls.image);
await control("/clock", { advance_seconds: 10 });
const idle = await creditsLatency((await tenant()).key, 40);
// The attacker runs in its own thread (its own event loop), so the measuring client is not queued behind it.
const attack = new Worker(
  `const { workerData, parentPort } = require("node:worker_threads");
  const autocannon = require("autocannon");
  const paths = workerData.urls.map((u) => new URL(u).pathname);
  const run = autocannon({
    url: workerData.base,
    connections: 64,
    duration: 60,
    requests: paths.map((path) => ({ method: "GET", path })),
  }, (error, result) => parentPort.postMessage(error ? -1 : result["2xx"]));
  parentPort.on("message", () => run.stop());`,
  { eval: true, workerData: { urls: cardUrls, base } },
);
await new Promise((resolve) => setTimeout(resolve, 1000));
const started = performance.now();
const attacked = await creditsLatency((await tenant()).key, 40);
const attackMs = performance.now() - started + 1000;
const cardCount = new Promise<number>((resolve) => attack.once("message", resolve));
attack.postMessage("stop");
const cardRate = ((await cardCount) / attackMs) * 1000;
await attack.terminate();
console.log("GET /v1/credits of another tenant (40 sequential calls)");
console.log(`  idle:                        median ${ms(idle.median)}, p90 ${ms(idle.p90)}`);
console.log(
  `  under the keyless card attack: median ${ms(attacked.median)}, p90 ${ms(attacked.p90)} (cards served ${cardRate.toFixed(0)}/s)`,
);
console.log(`  ratio attack/idle (median):  ${(attacked.median / idle.median).toFixed(2)}`);

// 2. Webhooks.
const arrivals: number[] = [];
const healthy = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    arrivals.push(performance.now());
    res.writeHead(200).end();
  });
});
const dead = Array.from({ length: 10 }, () => createServer((req) => req.resume()));
const listenOn = async (server: ReturnType<typeof createServer>) => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
};
const healthyUrl = await listenOn(healthy);
const delay = async () => {
  const other = await tenant();
  await other.hook(healthyUrl);
  await other.images(1);
  const before = arrivals.length;
  const moved = performance.now();
  await control("/clock", { advance_seconds: 10 });
  const clockMs = performance.now() - moved;
  while (arrivals.length === before) await new Promise((resolve) => setTimeout(resolve, 5));
  return { delay: (arrivals.at(-1) as number) - moved, clockMs };
};
const idleHook = await delay();
const slow = await tenant();
for (const server of dead) await slow.hook(await listenOn(server));
await slow.images(3);
// The attacker's jobs complete (not awaited: on a simulator that waits for receivers this call hangs), and their
// 30 deliveries go to receivers that never answer.
const slowClock = control("/clock", { advance_seconds: 10 });
await new Promise((resolve) => setTimeout(resolve, 200));
const attackedHook = await delay();
console.log("Another tenant's webhook, from the clock move that completes its job to its arrival");
console.log(`  idle:                          ${ms(idleHook.delay)} (clock move ${ms(idleHook.clockMs)})`);
console.log(
  `  beside 10 dead receivers × 3:  ${ms(attackedHook.delay)} (clock move ${ms(attackedHook.clockMs)})`,
);
await slowClock;
healthy.closeAllConnections();
healthy.close();
for (const server of dead) {
  server.closeAllConnections();
  server.close();
}
await sim.stop();
