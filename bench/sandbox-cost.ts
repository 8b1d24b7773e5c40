/**
 * `npm run bench:sandboxes` (and the last section of `npm run bench`): what sandboxes cost. One simulator (memory
 * store) with 1, 1,000 and 10,000 live sandboxes, each step measured with wrk rotating over 1,000 keys — of 1,000
 * workspaces in the one sandbox, then the demo keys of 1,000 sandboxes (every call routed to its sandbox) — beside
 * the bare node:http server in the same run; the simulator's
 * memory after each step; then every sandbox left to expire (TTL 1 s) and the memory once they are swept: an idle
 * expired sandbox costs nothing.
 *
 * Usage: npm run bench:sandboxes [-- --seconds 5 --connections 50 --counts 1,1000,10000]
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { controlClient, type SandboxClient } from "../src/contract/control-client.js";
import { root, rssMb, type Server, serverPid, settle, simulatorArgs, start, stop } from "./lib/servers.js";
import { type Sample, wrk } from "./lib/wrk.js";

/** How many keys wrk rotates over in every step. */
const ROTATED = 1000;

/** One step of the run: how many sandboxes were live, the load figures and the simulator's memory. */
export interface SandboxRow {
  sandboxes: number;
  sample: Sample;
  rssMb: number;
}

/** The whole measurement, for bench/RESULTS.md. */
export interface SandboxCost {
  bare: Sample;
  rows: SandboxRow[];
  /** RSS with no sandbox yet, and after every sandbox expired and was swept. */
  rssEmpty: number;
  rssAfterExpiry: number;
  liveAfterExpiry: number;
  /** The in-process heap (bench/lib/sandbox-heap.ts): empty, with the sandboxes, after they expired; MB. */
  heap: { count: number; empty: number; live: number; expired: number; left: number; createMs: number };
  command: string;
}

/** Measures the cost of sandboxes (the servers are started and stopped here). */
export async function sandboxCost(options: {
  seconds: number;
  connections: number;
  counts: number[];
}): Promise<SandboxCost> {
  const node = process.execPath;
  const dir = mkdtempSync(join(tmpdir(), "masko-sandbox-bench-"));
  const servers: Server[] = [];
  try {
    const simulator = await start("simulator", node, simulatorArgs("--max-sandboxes", "20000"));
    const bare = await start("bare node:http", node, (p) => [join(root, "bench/bare-server.mjs"), String(p)]);
    servers.push(simulator, bare);
    const control = controlClient(simulator.url);
    await settle(simulator);
    const rssEmpty = rssMb(serverPid(simulator));
    const made: SandboxClient[] = [];
    const rows: SandboxRow[] = [];
    const settings = (file: string) => ({
      seconds: options.seconds,
      connections: options.connections,
      keysFile: file,
    });
    for (const count of options.counts) {
      // Made ten at a time, each living long enough to outlive the run.
      while (made.length < count) {
        const batch = Math.min(10, count - made.length);
        made.push(
          ...(await Promise.all(
            Array.from({ length: batch }, () => control.createSandbox({ ttlSeconds: 3600 })),
          )),
        );
      }
      const keys = await rotatedKeys(made, count);
      const file = join(dir, `keys-${count}.txt`);
      writeFileSync(file, `${keys.join("\n")}\n`);
      wrk(simulator, { ...settings(file), seconds: 2 }); // warm-up
      await settle(simulator);
      const sample = wrk(simulator, settings(file));
      await settle(simulator);
      rows.push({ sandboxes: count, sample, rssMb: rssMb(serverPid(simulator)) });
      process.stdout.write(`${count} sandboxes: ${sample.rps.toFixed(0)} req/s, p99 ${sample.p99} ms\n`);
    }
    const bareSample = wrk(bare, { seconds: options.seconds, connections: options.connections });
    for (const sandbox of made) await sandbox.delete();
    const liveAfterExpiry = await madeToExpire(control, options.counts.at(-1) ?? 0);
    await settle(simulator);
    // A collection gives back what the expired sandboxes held (node's heap is collected lazily).
    await new Promise((r) => setTimeout(r, 3000));
    const rssAfterExpiry = rssMb(serverPid(simulator));
    const heapRun = execFileSync(
      node,
      [
        "--expose-gc",
        "--import",
        "tsx",
        join(root, "bench/lib/sandbox-heap.ts"),
        String(options.counts.at(-1) ?? 0),
      ],
      { cwd: root, encoding: "utf8" },
    );
    return {
      heap: JSON.parse(heapRun.trim().split("\n").at(-1) ?? "{}"),
      bare: bareSample,
      rows,
      rssEmpty,
      rssAfterExpiry,
      liveAfterExpiry,
      command: `npm run bench:sandboxes -- --seconds ${options.seconds} --connections ${options.connections} --counts ${options.counts.join(",")}`,
    };
  } finally {
    for (const server of servers) stop(server);
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The same number of keys every step: with one sandbox, ROTATED workspaces inside it; else a key per sandbox (the
 * first ROTATED): what differs is only how many sandboxes the calls are spread over and live beside them.
 */
async function rotatedKeys(made: readonly SandboxClient[], count: number): Promise<string[]> {
  if (count !== 1) return made.slice(0, ROTATED).map((sandbox) => sandbox.apiKey ?? "");
  const only = made[0] as SandboxClient;
  const keys: string[] = [];
  for (let i = 0; i < ROTATED; i += 10) {
    const workspaces = await Promise.all(Array.from({ length: 10 }, () => only.workspace(100)));
    keys.push(...workspaces.map((w) => w.api_key));
  }
  return keys;
}

/** `count` sandboxes with a TTL of 1 s, left alone until the simulator swept them; how many were left. */
async function madeToExpire(control: ReturnType<typeof controlClient>, count: number): Promise<number> {
  for (let made = 0; made < count; made += 10) {
    await Promise.all(
      Array.from({ length: Math.min(10, count - made) }, () => control.createSandbox({ ttlSeconds: 1 })),
    );
  }
  const deadline = Date.now() + 60_000;
  while ((await control.listSandboxes()).length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
  }
  return (await control.listSandboxes()).length;
}

/** The Markdown section of the figures. */
export function sandboxSection(cost: SandboxCost): string {
  const first = cost.rows[0];
  const lines = [
    "## Sandboxes",
    "",
    `\`${cost.command}\` — GET /v1/credits, wrk -t1, rotating over 1,000 keys (with one sandbox: 1,000 workspaces in it; else the demo keys of 1,000 sandboxes, every call routed to its sandbox by its key); the bare node:http server in the same run: ${cost.bare.rps.toFixed(0)} req/s, p99 ${cost.bare.p99.toFixed(2)} ms.`,
    "",
    "| live sandboxes | req/s | × bare | × 1 sandbox | p99 ms | p99 × bare | RSS MB |",
    "|---:|---:|---:|---:|---:|---:|---:|",
    ...cost.rows.map(
      (r) =>
        `| ${r.sandboxes.toLocaleString("en")} | ${r.sample.rps.toFixed(0)} | ${(r.sample.rps / cost.bare.rps).toFixed(2)} | ${(r.sample.rps / (first?.sample.rps ?? 1)).toFixed(2)} | ${r.sample.p99.toFixed(2)} | ${(r.sample.p99 / cost.bare.p99).toFixed(1)} | ${r.rssMb.toFixed(0)} |`,
    ),
    "",
    `Heap inside one simulator after a full collection (bench/lib/sandbox-heap.ts): ${cost.heap.empty.toFixed(1)} MB with no sandbox, ${cost.heap.live.toFixed(1)} MB with ${cost.heap.count.toLocaleString("en")} (${(((cost.heap.live - cost.heap.empty) * 1024) / cost.heap.count).toFixed(1)} kB a sandbox, made in ${cost.heap.createMs.toFixed(2)} ms each), ${cost.heap.expired.toFixed(1)} MB once they expired and were swept (${cost.heap.left} left): an idle expired sandbox costs nothing.`,
    "",
    `The process's RSS: with no sandbox ${cost.rssEmpty.toFixed(0)} MB; after ${(cost.rows.at(-1)?.sandboxes ?? 0).toLocaleString("en")} sandboxes with a 1 s TTL expired and were swept, ${cost.liveAfterExpiry} left and RSS ${cost.rssAfterExpiry.toFixed(0)} MB (node returns freed memory to the system lazily, so RSS stays near its peak; the heap above is what is held).`,
    "",
  ];
  return lines.join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      seconds: { type: "string", default: "5" },
      connections: { type: "string", default: "50" },
      counts: { type: "string", default: "1,1000,10000" },
    },
  });
  const cost = await sandboxCost({
    seconds: Number(values.seconds),
    connections: Number(values.connections),
    counts: values.counts.split(",").map(Number),
  });
  const section = sandboxSection(cost);
  process.stdout.write(`\n${section}`);
  if (!process.env.BENCH_NO_WRITE)
    writeFileSync(join(root, "bench/SANDBOXES.md"), `# Sandbox cost\n\n${section}`);
}
